#include <linux/mm.h>
#include <mm/internal.h>

/* Linux 6.1 mm/gup.c __get_user_pages_remote() (reduced): a wrapper forwarding its callers'
 * vmas and locked; whether both are non-NULL is the callers' business. */
long ok_forwarding_wrapper(struct mm_struct *mm, unsigned long start, unsigned long nr_pages,
			   unsigned int gup_flags, struct page **pages,
			   struct vm_area_struct **vmas, int *locked)
{
	return __get_user_pages(mm, start, nr_pages, gup_flags | FOLL_TOUCH, pages, vmas, locked);
}

/* The same call with a local array and &locked is the forbidden combination. */
long bad_wrapper_with_local_vmas(struct mm_struct *mm, unsigned long start,
				 struct page **pages)
{
	struct vm_area_struct *vmas[4];
	int locked = 1;
	long ret;

	mmap_read_lock(mm);
	ret = __get_user_pages(mm, start, 4, FOLL_GET, pages, vmas, &locked); // expect: gup-vmas-unlockable
	if (locked)
		mmap_read_unlock(mm);
	return ret;
}

/* Linux 6.1 mm/gup.c __get_user_pages_remote() (CONFIG_MMU): forwards its own vmas and
 * locked parameters to __gup_longterm_locked() / __get_user_pages_locked(); 6.1 checks
 * the combination at run time there (BUG_ON(vmas) under `if (locked)`). */
long ok___get_user_pages_remote(struct mm_struct *mm,
				unsigned long start, unsigned long nr_pages,
				unsigned int gup_flags, struct page **pages,
				struct vm_area_struct **vmas, int *locked)
{
	/*
	 * Parts of FOLL_LONGTERM behavior are incompatible with
	 * FAULT_FLAG_ALLOW_RETRY because of the FS DAX check requirement on
	 * vmas. However, this only comes up if locked is set, and there are
	 * callers that do request FOLL_LONGTERM, but do not set locked. So,
	 * allow what we can.
	 */
	if (gup_flags & FOLL_LONGTERM) {
		if (WARN_ON_ONCE(locked))
			return -EINVAL;
		/*
		 * This will check the vmas (even if our vmas arg is NULL)
		 * and return -ENOTSUPP if DAX isn't allowed in this case:
		 */
		return __gup_longterm_locked(mm, start, nr_pages, pages,
					     vmas, gup_flags | FOLL_TOUCH |
					     FOLL_REMOTE);
	}

	return __get_user_pages_locked(mm, start, nr_pages, pages, vmas,
				       locked,
				       gup_flags | FOLL_TOUCH | FOLL_REMOTE);
}

/* Linux 6.1 mm/gup.c __get_user_pages_remote() called with a local vmas array and
 * &locked (a caller of the wrapper, inlined): __get_user_pages_locked() would BUG_ON(vmas). */
long bad___get_user_pages_remote_local_vmas(struct mm_struct *mm, unsigned long start,
					   unsigned int gup_flags, struct page **pages)
{
	struct vm_area_struct *vmas[2];
	int locked = 1;
	long ret;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	ret = __get_user_pages_locked(mm, start, 2, pages, vmas, &locked, // expect: gup-vmas-unlockable
				      gup_flags | FOLL_TOUCH | FOLL_REMOTE);
	if (locked)
		mmap_read_unlock(mm);
	return ret;
}
