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

/* The call is the unbraced body of an if: more statements cannot go next to it. */
long unbraced_body(unsigned long addr, int write, struct page **out)
{
	struct vm_area_struct *vma = NULL;
	struct page *page;
	long ret = -EFAULT;

	mmap_read_lock(current->mm);
	if (write)
		ret = get_user_pages(addr, 1, FOLL_WRITE, &page, &vma); // expect: gup-vmas-migration
	if (ret > 0 && vma && !(vma->vm_flags & VM_WRITE))
		ret = -EFAULT;
	mmap_read_unlock(current->mm);
	if (ret > 0)
		*out = page;
	return ret;
}
