#include <linux/mm.h>

/* vmas[0] filled by get_user_pages() is read after the unlock. */
long bad_gup_vmas0_after_unlock(unsigned long addr, struct page **pagep)
{
	struct vm_area_struct *vmas[1];
	long ret;

	mmap_read_lock(current->mm);
	ret = get_user_pages(addr, 1, FOLL_WRITE, pagep, vmas);
	mmap_read_unlock(current->mm);
	if (ret != 1)
		return ret < 0 ? ret : -EFAULT;
	if (vmas[0]->vm_flags & (VM_IO | VM_PFNMAP)) { // expect: dangling-vma
		put_page(*pagep);
		return -EINVAL;
	}
	return 0;
}

/* Linux 6.1 io_uring/rsrc.c io_pin_pages() (reduced): vmas[i]->vm_file is checked before
 * mmap_read_unlock(). */
struct page **ok_io_pin_pages(unsigned long ubuf, unsigned long len, int *npages)
{
	unsigned long start, end, nr_pages;
	struct vm_area_struct **vmas = NULL;
	struct page **pages = NULL;
	int i, pret = 0, ret = -ENOMEM;

	if (check_add_overflow(ubuf, len, &end))
		return ERR_PTR(-EOVERFLOW);
	if (check_add_overflow(end, PAGE_SIZE - 1, &end))
		return ERR_PTR(-EOVERFLOW);

	end = end >> PAGE_SHIFT;
	start = ubuf >> PAGE_SHIFT;
	nr_pages = end - start;

	pages = kvmalloc_array(nr_pages, sizeof(struct page *), GFP_KERNEL);
	if (!pages)
		goto done;

	vmas = kvmalloc_array(nr_pages, sizeof(struct vm_area_struct *),
			      GFP_KERNEL);
	if (!vmas)
		goto done;

	ret = 0;
	mmap_read_lock(current->mm);
	pret = pin_user_pages(ubuf, nr_pages, FOLL_WRITE | FOLL_LONGTERM,
			      pages, vmas);
	if (pret == nr_pages) {
		struct file *file = vmas[0]->vm_file;

		/* don't support file backed memory */
		for (i = 0; i < nr_pages; i++) {
			if (vmas[i]->vm_file != file) {
				ret = -EINVAL;
				break;
			}
			if (!file)
				continue;
			if (!vma_is_shmem(vmas[i]) && !is_file_hugepages(file)) {
				ret = -EOPNOTSUPP;
				break;
			}
		}
		*npages = nr_pages;
	} else {
		ret = pret < 0 ? pret : -EFAULT;
	}
	mmap_read_unlock(current->mm);
	if (ret) {
		/*
		 * if we did partial map, or found file backed vmas,
		 * release any pages we did get
		 */
		if (pret > 0)
			unpin_user_pages(pages, pret);
		goto done;
	}
	ret = 0;
done:
	kvfree(vmas);
	if (ret < 0) {
		kvfree(pages);
		pages = ERR_PTR(ret);
	}
	return pages;
}

/* vmas[i] read in a loop after the unlock. */
int bad_gup_vmas_loop_after_unlock(unsigned long addr, int nr, struct page **pages,
				   struct vm_area_struct **vmas)
{
	long got;
	int i, shared = 0;

	mmap_read_lock(current->mm);
	got = pin_user_pages(addr, nr, FOLL_WRITE | FOLL_LONGTERM, pages, vmas);
	mmap_read_unlock(current->mm);
	for (i = 0; i < got; i++)
		if (vmas[i]->vm_flags & VM_SHARED) // expect: dangling-vma
			shared++;
	return shared;
}
