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
