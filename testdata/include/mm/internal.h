/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mmlint test simulator of mm/internal.h (Linux 6.1), reduced; include as <mm/internal.h>.
 *
 * __get_user_pages() is a static function of mm/gup.c in 6.1; its prototype is exposed here
 * (with the 6.1 signature) so that fixtures can reproduce calls made inside mm/. So are the
 * other mm/gup.c and mm/mmap.c statics below. */
#ifndef __MM_INTERNAL_H
#define __MM_INTERNAL_H

#include <linux/mm.h>

#ifndef MMLINT_KERNEL_6_12
long __get_user_pages(struct mm_struct *mm,
		unsigned long start, unsigned long nr_pages,
		unsigned int gup_flags, struct page **pages,
		struct vm_area_struct **vmas, int *locked);

/* mm/gup.c statics (6.1 signatures), exposed like __get_user_pages() above. */
long __get_user_pages_locked(struct mm_struct *mm,
			     unsigned long start,
			     unsigned long nr_pages,
			     struct page **pages,
			     struct vm_area_struct **vmas,
			     int *locked,
			     unsigned int flags);
long __gup_longterm_locked(struct mm_struct *mm,
			   unsigned long start,
			   unsigned long nr_pages,
			   struct page **pages,
			   struct vm_area_struct **vmas,
			   unsigned int gup_flags);
#else
/* The 6.12 signatures (mm/gup.c:1427, 1720, 2560): no vmas; __gup_longterm_locked keeps the
 * arity with `locked` where 6.1 had `vmas`. */
long __get_user_pages(struct mm_struct *mm,
		unsigned long start, unsigned long nr_pages,
		unsigned int gup_flags, struct page **pages,
		int *locked);
long __get_user_pages_locked(struct mm_struct *mm,
			     unsigned long start,
			     unsigned long nr_pages,
			     struct page **pages,
			     int *locked,
			     unsigned int flags);
long __gup_longterm_locked(struct mm_struct *mm,
			   unsigned long start,
			   unsigned long nr_pages,
			   struct page **pages,
			   int *locked,
			   unsigned int gup_flags);
/* 6.12 mm/internal.h:892 */
long faultin_page_range(struct mm_struct *mm, unsigned long start,
			unsigned long end, bool write, int *locked);
#endif

/* Drops the lock (and sets *locked = 0) when it had to; NULL locked leaves it held. */
long populate_vma_page_range(struct vm_area_struct *vma,
		unsigned long start, unsigned long end, int *locked);

/* Drops the lock (and sets *locked = 0) when it had to; a non-NULL locked implies
 * FOLL_UNLOCKABLE-like behaviour. */
long faultin_vma_page_range(struct vm_area_struct *vma, unsigned long start,
			    unsigned long end, bool write, int *locked);

void lru_add_drain(void);

/* mm/mmap.c statics (6.1 signatures). do_brk_munmap() always asks do_mas_align_munmap() to
 * downgrade: it returns 1 when the write lock became a read lock. */
int do_brk_munmap(struct ma_state *mas, struct vm_area_struct *vma,
		  unsigned long newbrk, unsigned long oldbrk,
		  struct list_head *uf);
int do_brk_flags(struct ma_state *mas, struct vm_area_struct *brkvma,
		 unsigned long addr, unsigned long request, unsigned long flags);
int check_brk_limits(unsigned long addr, unsigned long len);

#endif /* __MM_INTERNAL_H */
