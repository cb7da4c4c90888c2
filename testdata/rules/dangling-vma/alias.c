#include <linux/mm.h>

/* Locked through current->mm, unlocked through the local alias, then used. */
unsigned long bad_current_mm_alias(unsigned long addr)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;

	mmap_read_lock(current->mm);
	vma = vma_lookup(mm, addr);
	mmap_read_unlock(mm);
	return vma ? vma->vm_flags : 0; // expect: dangling-vma
}

/* Unlocked through vma->vm_mm (the same mm); the argument is read while still held. */
unsigned long bad_unlock_via_vm_mm(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (!vma) {
		mmap_read_unlock(mm);
		return 0;
	}
	mmap_read_unlock(vma->vm_mm);
	return vma->vm_pgoff; // expect: dangling-vma
}

/* Two different mms: dropping the other one does not end the hold the VMA came from. */
unsigned long ok_other_mm_unlocked(struct mm_struct *mm, struct mm_struct *other,
				   unsigned long addr)
{
	struct vm_area_struct *vma;
	unsigned long flags = 0;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	mmap_read_lock(other);
	if (vma && !vma_lookup(other, addr))
		flags = VM_SHARED;
	mmap_read_unlock(other);
	if (vma)
		flags |= vma->vm_flags;
	mmap_read_unlock(mm);
	return flags;
}

/* tsk->mm copied into a local: locked through the copy, unlocked through tsk->mm; every
 * use is before the unlock. */
int ok_task_mm_alias(struct task_struct *tsk, unsigned long addr)
{
	struct mm_struct *mm = tsk->mm;
	struct vm_area_struct *vma;
	int ret = -ENOENT;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma)
		ret = vma->vm_file ? 1 : 0;
	mmap_read_unlock(tsk->mm);
	return ret;
}

/*
 * Found by the oracle (seed 4000091 function 31, shrunk): the two paths leave VMAs of
 * different locks in `vma`; one state was taken to cover the other, and the release of
 * current->mm's lock then ended neither.
 */
unsigned long bad_vma_of_either_mm(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	vma = find_vma(current->mm, addr);
	if (!vma)
		vma = vma_lookup(mm, addr);
	mmap_write_unlock(current->mm);
	return vma->vm_flags; // expect: dangling-vma
}
