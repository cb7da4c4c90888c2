/* SPDX-License-Identifier: GPL-2.0 */
/* mmlint test simulator of include/linux/types.h (Linux 6.1), reduced. */
#ifndef _LINUX_TYPES_H
#define _LINUX_TYPES_H

typedef _Bool bool;
enum { false = 0, true = 1 };	/* linux/stddef.h */

#define NULL ((void *)0)

typedef unsigned long size_t;
typedef long ssize_t;
typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef long long loff_t;
typedef unsigned long pgoff_t;
typedef unsigned int gfp_t;
typedef unsigned long vm_flags_t;
typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic_long_t;

struct list_head {
	struct list_head *next, *prev;
};

#endif /* _LINUX_TYPES_H */
