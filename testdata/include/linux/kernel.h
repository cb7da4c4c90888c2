/* SPDX-License-Identifier: GPL-2.0 */
/* mmlint test simulator: bits of include/linux/{kernel,limits,minmax,printk,overflow}.h
 * (Linux 6.1) used by the fixtures, gathered in one file. */
#ifndef _LINUX_KERNEL_H
#define _LINUX_KERNEL_H

#include <linux/compiler.h>
#include <linux/types.h>

#define ULONG_MAX	(~0UL)

/* uapi/linux/const.h + linux/align.h */
#define __ALIGN_KERNEL(x, a)		__ALIGN_KERNEL_MASK(x, (__typeof__(x))(a) - 1)
#define __ALIGN_KERNEL_MASK(x, mask)	(((x) + (mask)) & ~(mask))
#define ALIGN(x, a)		__ALIGN_KERNEL((x), (a))

#define min(x, y)	((x) < (y) ? (x) : (y))
#define max(x, y)	((x) > (y) ? (x) : (y))
#define min_t(type, x, y)	min((type)(x), (type)(y))

/* linux/container_of.h, without the type check */
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - __builtin_offsetof(type, member)))

#define check_add_overflow(a, b, d)	__builtin_add_overflow(a, b, d)

int printk(const char *fmt, ...) __attribute__((__format__(__printf__, 1, 2)));
#define pr_err(fmt, ...)	printk(fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)	printk(fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)	printk(fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...)	printk(fmt, ##__VA_ARGS__)

#endif /* _LINUX_KERNEL_H */
