#include <linux/mm.h>
#include <linux/sched.h>

/* Written for 6.4/6.5, where the caller always released the VMA lock: 6.6+ releases it
 * inside handle_mm_fault() on RETRY and COMPLETED. */
void bad_end_read_after_retry(struct mm_struct *mm, unsigned long address,
			      struct pt_regs *regs)
{
	struct vm_area_struct *vma;
	vm_fault_t fault;

	vma = lock_vma_under_rcu(mm, address);
	if (!vma)
		return;
	fault = handle_mm_fault(vma, address, FAULT_FLAG_VMA_LOCK, regs);
	vma_end_read(vma); // expect: vma-lock-unbalanced-unlock
}

void ok_end_read_unless_released(struct mm_struct *mm, unsigned long address,
				 struct pt_regs *regs)
{
	struct vm_area_struct *vma;
	vm_fault_t fault;

	vma = lock_vma_under_rcu(mm, address);
	if (!vma)
		return;
	fault = handle_mm_fault(vma, address, FAULT_FLAG_VMA_LOCK, regs);
	if (!(fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED)))
		vma_end_read(vma);
}

void bad_end_read_twice(struct mm_struct *mm, unsigned long address)
{
	struct vm_area_struct *vma = lock_vma_under_rcu(mm, address);

	if (!vma)
		return;
	vma_end_read(vma);
	vma_end_read(vma); // expect: vma-lock-unbalanced-unlock
}

void bad_end_read_after_failed_start(struct vm_area_struct *vma)
{
	if (!vma_start_read(vma)) {
		vma_end_read(vma); // expect: vma-lock-unbalanced-unlock
		return;
	}
	vma_end_read(vma);
}

void ok_start_read(struct vm_area_struct *vma)
{
	if (!vma_start_read(vma))
		return;
	vma_end_read(vma);
}

/* Only mmap_write_unlock() and mmap_write_downgrade() end the VMA write locks. */
void bad_manual_end_write_all(struct mm_struct *mm, struct vm_area_struct *vma)
{
	mmap_write_lock(mm);
	vma_start_write(vma);
	vma_end_write_all(mm); // expect: vma-lock-unbalanced-unlock
	mmap_write_unlock(mm);
}

void ok_write_unlock_ends_vma_writes(struct mm_struct *mm, struct vm_area_struct *vma)
{
	mmap_write_lock(mm);
	vma_start_write(vma);
	vma->vm_pgoff = 0;
	mmap_write_unlock(mm);
}

