#include <linux/mm.h>
#include <linux/sched.h>

/*
 * Per-VMA locks, 6.6+ semantics: handle_mm_fault(..., FAULT_FLAG_VMA_LOCK) releases the
 * VMA lock itself on VM_FAULT_RETRY and VM_FAULT_COMPLETED.
 */
bool access_error(unsigned long error_code, struct vm_area_struct *vma);
void bad_area_nosemaphore(struct pt_regs *regs, unsigned long error_code,
			  unsigned long address);

/* Reduced from arch/x86/mm/fault.c do_user_addr_fault() (6.12). */
void ok_do_user_addr_fault(struct pt_regs *regs, unsigned long error_code,
			   unsigned long address)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	unsigned int flags = FAULT_FLAG_DEFAULT;
	vm_fault_t fault;

	vma = lock_vma_under_rcu(mm, address);
	if (!vma)
		goto lock_mmap;
	if (access_error(error_code, vma)) {
		vma_end_read(vma);
		bad_area_nosemaphore(regs, error_code, address);
		return;
	}
	fault = handle_mm_fault(vma, address, flags | FAULT_FLAG_VMA_LOCK, regs);
	if (!(fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED)))
		vma_end_read(vma);
	if (!(fault & VM_FAULT_RETRY))
		goto done;
	if (fault_signal_pending(fault, regs))
		return;
lock_mmap:
	vma = lock_mm_and_find_vma(mm, address, regs);
	if (!vma) {
		bad_area_nosemaphore(regs, error_code, address);
		return;
	}
	fault = handle_mm_fault(vma, address, flags, regs);
	if (fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED))
		return;
	mmap_read_unlock(mm);
done:
	return;
}

/* The VMA read after the handler released its lock on retry. */
unsigned long bad_vma_after_vma_lock_retry(struct mm_struct *mm, unsigned long address,
					   struct pt_regs *regs)
{
	struct vm_area_struct *vma;
	vm_fault_t fault;

	vma = lock_vma_under_rcu(mm, address);
	if (!vma)
		return 0;
	fault = handle_mm_fault(vma, address, FAULT_FLAG_VMA_LOCK, regs);
	if (fault & VM_FAULT_RETRY)
		return vma->vm_flags; // expect: dangling-vma
	if (!(fault & VM_FAULT_COMPLETED))
		vma_end_read(vma);
	return 1;
}

/* Used after vma_end_read(). */
unsigned long bad_vma_after_vma_end_read(struct mm_struct *mm, unsigned long address)
{
	struct vm_area_struct *vma = lock_vma_under_rcu(mm, address);
	unsigned long flags;

	if (!vma)
		return 0;
	vma_end_read(vma);
	flags = vma->vm_flags; // expect: dangling-vma
	return flags;
}

/* Read while the VMA lock is held, then released. */
unsigned long ok_vma_read_under_vma_lock(struct mm_struct *mm, unsigned long address)
{
	struct vm_area_struct *vma = lock_vma_under_rcu(mm, address);
	unsigned long flags;

	if (!vma)
		return 0;
	flags = vma->vm_flags;
	vma_end_read(vma);
	return flags;
}

/* vma_start_read() on a VMA found without any lock: valid only when it succeeded. */
unsigned long ok_vma_start_read(struct mm_struct *mm, struct vm_area_struct *vma)
{
	unsigned long flags;

	if (!vma_start_read(vma))
		return 0;
	flags = vma->vm_flags;
	vma_end_read(vma);
	return flags;
}

unsigned long bad_vma_after_start_read_end(struct mm_struct *mm, struct vm_area_struct *vma)
{
	if (!vma_start_read(vma))
		return 0;
	vma_end_read(vma);
	return vma->vm_end; // expect: dangling-vma
}
