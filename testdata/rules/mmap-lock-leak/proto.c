// mmlint-args: -DMMLINT_PROTOTYPES_ONLY
#include <linux/mm.h>

/* Prototype-only copy of returns.c bad_error_return_holding(). */
int bad_proto_error_return_holding(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	unsigned long flags;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	vma = vma_lookup(mm, addr);
	if (!vma)
		return -EFAULT; // expect: mmap-lock-leak
	flags = vma->vm_flags;
	mmap_read_unlock(mm);
	return (flags & VM_WRITE) ? 0 : -EPERM;
}

/* Prototype-only copy of helpers.c ok_killable_lock_helper(). */
int ok_proto_killable_lock_helper(struct mm_struct *mm)
{
	if (mmap_write_lock_killable(mm))
		return -EINTR;
	mm->map_count += 0;
	return 0;
}

/* Prototype-only copy of returns.c bad_void_falls_off_end(). */
void bad_proto_void_falls_off_end(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_write_lock(mm);
	vma = vma_lookup(mm, addr);
	if (!vma) {
		mmap_write_unlock(mm);
		return;
	}
	vma->vm_flags &= ~VM_LOCKED;
} // expect: mmap-lock-leak
