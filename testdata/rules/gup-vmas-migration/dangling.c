#include <linux/mm.h>

/* Case 4: a VMA from 'vmas' used after the lock was dropped: a bug first. */
int flags_after_unlock(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	struct page *page;
	long ret;

	mmap_read_lock(mm);
	ret = get_user_pages_remote(mm, addr, 1, 0, &page, &vma, NULL); // expect: gup-vmas-migration
	mmap_read_unlock(mm);
	if (ret <= 0)
		return -EFAULT;
	put_page(page);
	return vma->vm_flags & VM_SHARED; // expect: dangling-vma
}

/* 'vmas' with a non-NULL 'locked': GUP may drop the lock. */
long vmas_and_locked(struct mm_struct *mm, unsigned long addr, struct page **pagep)
{
	struct vm_area_struct *vma;
	int locked = 1;
	long ret;

	mmap_read_lock(mm);
	ret = get_user_pages_remote(mm, addr, 1, 0, pagep, &vma, &locked); // expect: gup-vmas-unlockable, gup-vmas-migration
	if (locked)
		mmap_read_unlock(mm);
	return ret;
}

/* A wrapper forwarding its caller's 'vmas': the parameter has to go. */
long my_gup(unsigned long start, unsigned long nr, struct page **pages,
	    struct vm_area_struct **vmas)
{
	return get_user_pages(start, nr, FOLL_WRITE, pages, vmas); // expect: gup-vmas-migration
}
