// mmlint-args: -DMMLINT_PROTOTYPES_ONLY
#include <linux/mm.h>

/* Prototype-only copy of basic.c bad_use_after_unlock(). */
int bad_proto_use_after_unlock(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	mmap_read_unlock(mm);
	if (!vma)
		return -EFAULT;
	return (vma->vm_flags & VM_WRITE) ? 1 : 0; // expect: dangling-vma
}

/* Prototype-only copy of basic.c ok_copy_field_before_unlock(). */
int ok_proto_copy_field_before_unlock(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	unsigned long flags = 0;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (vma)
		flags = vma->vm_flags;
	mmap_read_unlock(mm);
	if (!vma)
		return -EFAULT;
	return (flags & VM_WRITE) ? 1 : 0;
}

/* Prototype-only copy of loops.c bad_for_each_vma_last_after_unlock() (vma_next() is a
 * prototype too in this mode). */
unsigned long bad_proto_for_each_vma_after_unlock(struct mm_struct *mm)
{
	struct vm_area_struct *vma;
	VMA_ITERATOR(vmi, mm, 0);

	mmap_read_lock(mm);
	for_each_vma(vmi, vma) {
		if (vma->vm_flags & VM_LOCKED)
			break;
	}
	mmap_read_unlock(mm);
	if (!vma)
		return 0;
	return vma->vm_start; // expect: dangling-vma
}

/* Prototype-only copy of relock.c ok_use_after_downgrade(). */
unsigned long ok_proto_use_after_downgrade(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	unsigned long start = 0;

	mmap_write_lock(mm);
	vma = vma_lookup(mm, addr);
	mmap_write_downgrade(mm);
	if (vma)
		start = vma->vm_start;
	mmap_read_unlock(mm);
	return start;
}
