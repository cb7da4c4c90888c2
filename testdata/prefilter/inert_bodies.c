// Names the API itself; its header helpers have no effect: analysed without header bodies.
#include "include/prefilter_inert.h"

unsigned long size_after_unlock(struct mm_struct *mm, struct inode_like *i, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	inode_like_unlock(i);
	mmap_read_unlock(mm);
	return vma_size(vma); // expect: dangling-vma
}

// vma_iter_init() names the mm's VMA tree: that ties the iterator to mm where it is
// called, which no summary carries, so its body is not needed either.
unsigned long first_end_after_unlock(struct mm_struct *mm)
{
	struct vma_iterator vmi;
	struct vm_area_struct *vma;

	vma_iter_init(&vmi, mm, 0);
	mmap_read_lock(mm);
	vma = vma_next(&vmi);
	mmap_read_unlock(mm);
	return vma ? vma->vm_end : 0; // expect: dangling-vma
}
