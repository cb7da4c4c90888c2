/* SPDX-License-Identifier: GPL-2.0 */
/* mmlint test simulator of include/linux/highmem.h + asm-generic/cacheflush.h (Linux 6.1,
 * x86-64), reduced: kmap()/kunmap() are static inlines (page_address() without HIGHMEM);
 * prototypes here. copy_{to,from}_user_page() are the generic macros without the KCSAN/KASAN
 * instrumentation calls. */
#ifndef _LINUX_HIGHMEM_H
#define _LINUX_HIGHMEM_H

#include <linux/mm_types.h>

void *kmap(struct page *page);
void kunmap(struct page *page);

static inline void flush_icache_user_page(struct vm_area_struct *vma,
					   struct page *page,
					   unsigned long addr, int len)
{
}

#define copy_to_user_page(vma, page, vaddr, dst, src, len)	\
	do { \
		__builtin_memcpy(dst, src, len); \
		flush_icache_user_page(vma, page, vaddr, len); \
	} while (0)

#define copy_from_user_page(vma, page, vaddr, dst, src, len)		  \
	do {								  \
		__builtin_memcpy(dst, src, len);			  \
	} while (0)

#endif /* _LINUX_HIGHMEM_H */
