/* SPDX-License-Identifier: GPL-2.0 */
/* mmlint test simulator of include/linux/slab.h (Linux 6.1), reduced. */
#ifndef _LINUX_SLAB_H
#define _LINUX_SLAB_H

#include <linux/types.h>

#define GFP_KERNEL	((gfp_t)0xcc0)

void *kmalloc(size_t size, gfp_t flags);
void *kzalloc(size_t size, gfp_t flags);
void kfree(const void *objp);
void *kvmalloc_array(size_t n, size_t size, gfp_t flags);
void kvfree(const void *addr);

#endif /* _LINUX_SLAB_H */
