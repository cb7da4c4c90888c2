#include <linux/mm.h>
#include <mm/internal.h>

/* Linux 6.1 mm/gup.c __get_user_pages_locked() (reduced): `*locked` through a pointer
 * parameter tells whether GUP dropped the lock; the function re-takes it with a killable
 * acquire and unlocks at the end only when it had dropped it and holds it again. */
long ok_get_user_pages_locked(struct mm_struct *mm, unsigned long start, unsigned long nr,
			      struct page **pages, int *locked)
{
	long ret, done = 0;
	bool lock_dropped = false;

	if (!locked)
		return __get_user_pages(mm, start, nr, FOLL_GET, pages, NULL, NULL);
	for (;;) {
		ret = __get_user_pages(mm, start, nr, FOLL_GET, pages, NULL, locked);
		if (*locked) {
			if (!done)
				done = ret;
			break;
		}
		lock_dropped = true;
		ret = mmap_read_lock_killable(mm);
		if (ret) {
			if (!done)
				done = ret;
			break;
		}
		*locked = 1;
		ret = __get_user_pages(mm, start, 1, FOLL_GET, pages, NULL, locked);
		if (!*locked)
			break;
		if (ret != 1)
			break;
		nr--;
		start += PAGE_SIZE;
		done++;
		if (!nr)
			break;
	}
	if (lock_dropped && *locked) {
		mmap_read_unlock(mm);
		*locked = 0;
	}
	return done;
}

/* Releasing without looking at *locked: when GUP dropped the lock this is a second
 * release. */
long bad_unlock_ignoring_locked_pointer(struct mm_struct *mm, unsigned long start,
					struct page **pages, int *locked)
{
	long ret;

	if (!locked)
		return -EINVAL;
	mmap_read_lock(mm);
	*locked = 1;
	ret = __get_user_pages(mm, start, 1, FOLL_GET, pages, NULL, locked);
	mmap_read_unlock(mm); // expect: mmap-lock-unbalanced-unlock
	return ret;
}
