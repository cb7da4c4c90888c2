#include <linux/mm.h>

/* Case 2: one page and one VMA used under the same hold. Reduced from 6.1
 * kernel/events/uprobes.c __update_ref_ctr(): the remote call becomes
 * get_user_page_vma_remote() and 'ret' keeps its meaning. */
int update_ref_ctr(struct mm_struct *mm, unsigned long vaddr, short d)
{
	struct vm_area_struct *vma;
	struct page *page;
	int ret;

	mmap_read_lock(mm);
	ret = get_user_pages_remote(mm, vaddr, 1, // expect: gup-vmas-migration
			FOLL_WRITE, &page, &vma, NULL);
	if (unlikely(ret <= 0)) {
		mmap_read_unlock(mm);
		return ret == 0 ? -EBUSY : ret;
	}
	if (vma->vm_flags & VM_SHARED)
		ret = -EINVAL;
	put_page(page);
	mmap_read_unlock(mm);
	return ret;
}

/* The VMA is never read (6.1 uprobes.c __update_ref_ctr() in full): upstream dropped the
 * argument and the variable. */
int ref_ctr_unused_vma(struct mm_struct *mm, unsigned long vaddr)
{
	struct page *page;
	struct vm_area_struct *vma;
	int ret;

	ret = get_user_pages_remote(mm, vaddr, 1, // expect: gup-vmas-migration
			FOLL_WRITE, &page, &vma, NULL);
	if (unlikely(ret <= 0))
		return ret == 0 ? -EBUSY : ret;
	put_page(page);
	return 0;
}

/* The local variants keep the call and look the VMA up under the same hold. */
long local_one_page(unsigned long addr, struct page **out)
{
	struct vm_area_struct *vma;
	struct page *page;
	long ret;

	mmap_read_lock(current->mm);
	ret = get_user_pages(addr, 1, FOLL_WRITE, &page, &vma); // expect: gup-vmas-migration
	if (ret > 0 && !(vma->vm_flags & VM_WRITE)) {
		put_page(page);
		ret = -EFAULT;
	}
	mmap_read_unlock(current->mm);
	if (ret > 0)
		*out = page;
	return ret;
}

long pin_remote_one_page(struct mm_struct *mm, unsigned long addr, struct page **out)
{
	struct vm_area_struct *vma;
	struct page *page;
	long ret;

	mmap_read_lock(mm);
	ret = pin_user_pages_remote(mm, addr, 1, FOLL_WRITE | FOLL_LONGTERM, &page, &vma, NULL); // expect: gup-vmas-migration
	if (ret == 1 && vma->vm_file)
		ret = -EOPNOTSUPP;
	mmap_read_unlock(mm);
	if (ret == 1)
		*out = page;
	return ret;
}
