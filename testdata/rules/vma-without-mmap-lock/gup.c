#include <linux/mm.h>

/* get_user_pages_remote() with a NULL locked after the unlock: it needs the lock held. */
long bad_gup_remote_after_unlock(struct mm_struct *mm, unsigned long addr,
				 struct page **pagep)
{
	bool ok;

	mmap_read_lock(mm);
	ok = vma_lookup(mm, addr) != NULL;
	mmap_read_unlock(mm);
	if (!ok)
		return -EFAULT;
	return get_user_pages_remote(mm, addr, 1, FOLL_WRITE, pagep, NULL, NULL); // expect: vma-without-mmap-lock
}

/* get_user_pages_unlocked() takes the lock itself: fine after the unlock. */
long ok_gup_unlocked_after_unlock(struct mm_struct *mm, unsigned long addr,
				  struct page **pagep)
{
	bool ok;

	mmap_read_lock(mm);
	ok = vma_lookup(mm, addr) != NULL;
	mmap_read_unlock(mm);
	if (!ok)
		return -EFAULT;
	return get_user_pages_unlocked(addr, 1, pagep, FOLL_WRITE);
}

/* get_user_pages() (current->mm) in the failed-killable branch. */
long bad_gup_after_failed_killable(unsigned long addr, struct page **pagep)
{
	long ret;

	if (mmap_read_lock_killable(current->mm)) {
		ret = get_user_pages(addr, 1, 0, pagep, NULL); // expect: vma-without-mmap-lock
		return ret > 0 ? -EINTR : ret;
	}
	ret = get_user_pages(addr, 1, 0, pagep, NULL);
	mmap_read_unlock(current->mm);
	return ret;
}

/* get_user_pages_remote() with &locked: GUP may drop the lock; the caller unlocks only if it
 * is still held, and nothing is looked up afterwards. */
long ok_gup_remote_locked(struct mm_struct *mm, unsigned long addr, struct page **pagep)
{
	int locked = 1;
	long ret;

	mmap_read_lock(mm);
	ret = get_user_pages_remote(mm, addr, 1, FOLL_WRITE, pagep, NULL, &locked);
	if (locked)
		mmap_read_unlock(mm);
	return ret;
}
