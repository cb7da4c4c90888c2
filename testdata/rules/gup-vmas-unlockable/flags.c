#include <linux/mm.h>
#include <mm/internal.h>

/* pin_user_pages() with FOLL_UNLOCKABLE and a vmas array. */
long bad_pin_foll_unlockable_vmas(unsigned long addr, struct page **pages)
{
	struct vm_area_struct *vmas[8];
	unsigned long nr = 8;
	long ret;

	mmap_read_lock(current->mm);
	ret = pin_user_pages(addr, nr, FOLL_WRITE | FOLL_UNLOCKABLE, pages, vmas); // expect: gup-vmas-unlockable
	mmap_read_unlock(current->mm);
	return ret;
}

/* get_user_pages() with FOLL_UNLOCKABLE but a NULL vmas: nothing can dangle. */
long ok_gup_foll_unlockable_no_vmas(unsigned long addr, struct page **pagep)
{
	long ret;

	mmap_read_lock(current->mm);
	ret = get_user_pages(addr, 1, FOLL_WRITE | FOLL_UNLOCKABLE, pagep, NULL);
	mmap_read_unlock(current->mm);
	return ret;
}

/* __get_user_pages() (mm/gup.c internal, 6.1 signature) with vmas and &locked. */
long bad___get_user_pages_vmas_and_locked(struct mm_struct *mm, unsigned long start,
					  struct page **pages)
{
	struct vm_area_struct *vmas[2];
	unsigned long nr = 2;
	int locked = 1;
	long ret;

	mmap_read_lock(mm);
	ret = __get_user_pages(mm, start, nr, FOLL_GET, pages, vmas, &locked); // expect: gup-vmas-unlockable
	if (locked)
		mmap_read_unlock(mm);
	return ret;
}

/* __get_user_pages() with vmas and a NULL locked: the lock is never dropped. */
long ok___get_user_pages_vmas_null_locked(struct mm_struct *mm, unsigned long start,
					  unsigned long nr, struct page **pages,
					  struct vm_area_struct **vmas)
{
	long ret;

	mmap_read_lock(mm);
	ret = __get_user_pages(mm, start, nr, FOLL_GET | FOLL_TOUCH, pages, vmas, NULL);
	mmap_read_unlock(mm);
	return ret;
}

/* The fast and _unlocked variants have no vmas parameter and take the lock themselves. */
int ok_pin_fast_and_unlocked(unsigned long addr, int nr, struct page **pages)
{
	int ret;

	ret = pin_user_pages_fast(addr, nr, FOLL_WRITE | FOLL_LONGTERM, pages);
	if (ret == nr)
		return ret;
	if (ret > 0)
		unpin_user_pages(pages, ret);
	return pin_user_pages_unlocked(addr, nr, pages, FOLL_WRITE);
}
