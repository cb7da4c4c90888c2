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
