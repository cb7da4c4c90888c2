#include <linux/mm.h>

/* Case 2 where the result is not simply assigned: reported, no automatic rewrite. */
int in_condition(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	struct page *page;
	int shared = 0;

	mmap_read_lock(mm);
	if (get_user_pages_remote(mm, addr, 1, 0, &page, &vma, NULL) == 1) { // expect: gup-vmas-migration
		shared = !!(vma->vm_flags & VM_SHARED);
		put_page(page);
	}
	mmap_read_unlock(mm);
	return shared;
}
