// mmlint-kernel-version: 6.12
// Releases a VMA's own lock through its raw rwsem, `up_read(&vma->vm_lock->lock)`, and
// names no other effect word: `vm_lock` makes the unit worth parsing.
#include <linux/mm.h>

long use_vma(struct vm_area_struct *vma);

long uses_vma_after_its_lock(struct vm_area_struct *vma)
{
	long r;

	down_read(&vma->vm_lock->lock);
	up_read(&vma->vm_lock->lock);
	r = use_vma(vma); // expect: dangling-vma
	return r;
}
