#include <linux/mm.h>
#include <linux/slab.h>

/* Case 3: an array of VMAs inspected in a loop. Reduced from 6.1 io_uring/rsrc.c
 * io_pin_pages(): no mechanical rewrite. */
struct page **pin_pages(unsigned long ubuf, unsigned long nr_pages, int *npages)
{
	struct page **pages;
	struct vm_area_struct **vmas;
	long ret, pret;
	int i;

	pages = kvmalloc_array(nr_pages, sizeof(struct page *), GFP_KERNEL);
	vmas = kvmalloc_array(nr_pages, sizeof(struct vm_area_struct *), GFP_KERNEL);
	if (!pages || !vmas)
		return NULL;

	ret = 0;
	mmap_read_lock(current->mm);
	pret = pin_user_pages(ubuf, nr_pages, FOLL_WRITE | FOLL_LONGTERM, // expect: gup-vmas-migration
			      pages, vmas);
	if (pret == nr_pages) {
		/* don't support file backed memory */
		for (i = 0; i < nr_pages; i++) {
			struct vm_area_struct *vma = vmas[i];

			if (vma->vm_file) {
				ret = -EOPNOTSUPP;
				break;
			}
		}
		*npages = nr_pages;
	} else {
		ret = pret < 0 ? pret : -EFAULT;
	}
	mmap_read_unlock(current->mm);
	kvfree(vmas);
	if (ret)
		return ERR_PTR(ret);
	return pages;
}
