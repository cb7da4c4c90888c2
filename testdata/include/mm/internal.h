/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mmlint test simulator of mm/internal.h (Linux 6.1), reduced; include as <mm/internal.h>.
 *
 * __get_user_pages() is a static function of mm/gup.c in 6.1; its prototype is exposed here
 * (with the 6.1 signature) so that fixtures can reproduce calls made inside mm/. */
#ifndef __MM_INTERNAL_H
#define __MM_INTERNAL_H

#include <linux/mm.h>

long __get_user_pages(struct mm_struct *mm,
		unsigned long start, unsigned long nr_pages,
		unsigned int gup_flags, struct page **pages,
		struct vm_area_struct **vmas, int *locked);

/* Drops the lock (and sets *locked = 0) when it had to; a non-NULL locked implies
 * FOLL_UNLOCKABLE-like behaviour. */
long faultin_vma_page_range(struct vm_area_struct *vma, unsigned long start,
			    unsigned long end, bool write, int *locked);

void lru_add_drain(void);

#endif /* __MM_INTERNAL_H */
