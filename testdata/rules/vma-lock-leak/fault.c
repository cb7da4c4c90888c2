#include <linux/mm.h>
#include <linux/sched.h>

bool access_error(unsigned long error_code, struct vm_area_struct *vma);

/* The access-error path returns with the VMA lock held; the others release it. */
int bad_access_error_leaks(struct mm_struct *mm, unsigned long address,
			   unsigned long error_code, struct pt_regs *regs)
{
	struct vm_area_struct *vma;
	vm_fault_t fault;

	vma = lock_vma_under_rcu(mm, address);
	if (!vma)
		return -EAGAIN;
	if (access_error(error_code, vma))
		return -EFAULT; // expect: vma-lock-leak
	fault = handle_mm_fault(vma, address, FAULT_FLAG_VMA_LOCK, regs);
	if (!(fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED)))
		vma_end_read(vma);
	return 0;
}

int ok_access_error_unlocks(struct mm_struct *mm, unsigned long address,
			    unsigned long error_code, struct pt_regs *regs)
{
	struct vm_area_struct *vma;
	vm_fault_t fault;

	vma = lock_vma_under_rcu(mm, address);
	if (!vma)
		return -EAGAIN;
	if (access_error(error_code, vma)) {
		vma_end_read(vma);
		return -EFAULT;
	}
	fault = handle_mm_fault(vma, address, FAULT_FLAG_VMA_LOCK, regs);
	if (!(fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED)))
		vma_end_read(vma);
	return 0;
}

/*
 * Reduced from mm/userfaultfd.c uffd_lock_vma() (6.12): returns the VMA read-locked, or an
 * error pointer without the lock. Returns that differ by class are a lock helper.
 */
struct vm_area_struct *ok_uffd_lock_vma(struct mm_struct *mm, unsigned long address)
{
	struct vm_area_struct *vma;

	vma = lock_vma_under_rcu(mm, address);
	if (vma) {
		if (!vma->anon_vma) {
			vma_end_read(vma);
			return ERR_PTR(-ENOENT);
		}
		return vma;
	}
	return ERR_PTR(-EAGAIN);
}

/*
 * Reduced from arch/x86/mm/fault.c (6.12): __bad_area() releases the lock the fault holds,
 * the mmap_lock when given the mm, else the VMA lock. Its summary says so.
 */
static void ok_bad_area(struct mm_struct *mm, struct vm_area_struct *vma)
{
	if (mm)
		mmap_read_unlock(mm);
	else
		vma_end_read(vma);
}

void ok_access_error_callee_unlocks(struct mm_struct *mm, unsigned long address,
				    unsigned long error_code, struct pt_regs *regs)
{
	struct vm_area_struct *vma;
	vm_fault_t fault;

	vma = lock_vma_under_rcu(mm, address);
	if (!vma)
		return;
	if (access_error(error_code, vma)) {
		ok_bad_area(NULL, vma);
		return;
	}
	fault = handle_mm_fault(vma, address, FAULT_FLAG_VMA_LOCK, regs);
	if (!(fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED)))
		vma_end_read(vma);
}

/* The callee releases only a VMA lock, and the caller releases it again. */
static void vma_unlock_helper(struct vm_area_struct *vma)
{
	vma_end_read(vma);
}

void bad_release_after_helper(struct mm_struct *mm, unsigned long address)
{
	struct vm_area_struct *vma = lock_vma_under_rcu(mm, address);

	if (!vma)
		return;
	vma_unlock_helper(vma);
	vma_end_read(vma); // expect: vma-lock-unbalanced-unlock
}
