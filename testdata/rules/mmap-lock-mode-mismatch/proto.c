// mmlint-args: -DMMLINT_PROTOTYPES_ONLY
#include <linux/mm.h>

/* Prototype-only copy of modes.c bad_downgrade_then_write_unlock(). */
void bad_proto_downgrade_then_write_unlock(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_write_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma)
		vma->vm_flags |= VM_LOCKED;
	mmap_write_downgrade(mm);
	mmap_write_unlock(mm); // expect: mmap-lock-mode-mismatch
}

/* Prototype-only copy of modes.c ok_downgrade_then_read_unlock(). */
unsigned long ok_proto_downgrade_then_read_unlock(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	unsigned long end = 0;

	mmap_write_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma)
		vma->vm_flags |= VM_LOCKED;
	mmap_write_downgrade(mm);
	if (vma)
		end = vma->vm_end;
	mmap_read_unlock(mm);
	return end;
}

/* Prototype-only copy of modes.c bad_write_lock_read_unlock(). */
int bad_proto_write_lock_read_unlock(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	int ret = -ENOMEM;

	mmap_write_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma) {
		vma->vm_flags &= ~VM_LOCKED;
		ret = 0;
	}
	mmap_read_unlock(mm); // expect: mmap-lock-mode-mismatch
	return ret;
}
