// mmlint-kernel-version: 6.12
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/ptrace.h>

/* The per-VMA lock paths of the 6.12 page-fault handlers clang cannot build here, reduced:
 * arch/arm64/mm/fault.c do_page_fault() :596-628, arch/powerpc/mm/fault.c
 * ___do_page_fault() :489-517, arch/s390/mm/fault.c do_exception() :283-309,
 * arch/riscv/mm/fault.c handle_page_fault() :290-318. Each ok_ function keeps the
 * kernel's shape; each bad_ twin breaks one rule. */

void count_vm_vma_lock_event(int event);
void send_fault_signal(struct pt_regs *regs, int si_code, unsigned long addr);
#define VMA_LOCK_SUCCESS 1
#define VMA_LOCK_RETRY 2
#define SEGV_ACCERR 2

/* arm64: an access error ends the VMA lock before the signal; handle_mm_fault() ends it
 * itself on retry and completion (6.6+). */
void ok_arm64_do_page_fault(struct mm_struct *mm, unsigned long addr, unsigned long vm_flags,
			    unsigned int mm_flags, struct pt_regs *regs)
{
	struct vm_area_struct *vma;
	vm_fault_t fault;
	int si_code;

	vma = lock_vma_under_rcu(mm, addr);
	if (!vma)
		goto lock_mmap;
	if (!(vma->vm_flags & vm_flags)) {
		vma_end_read(vma);
		fault = 0;
		si_code = SEGV_ACCERR;
		count_vm_vma_lock_event(VMA_LOCK_SUCCESS);
		goto bad_area;
	}
	fault = handle_mm_fault(vma, addr, mm_flags | FAULT_FLAG_VMA_LOCK, regs);
	if (!(fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED)))
		vma_end_read(vma);
	if (!(fault & VM_FAULT_RETRY)) {
		count_vm_vma_lock_event(VMA_LOCK_SUCCESS);
		return;
	}
	count_vm_vma_lock_event(VMA_LOCK_RETRY);
lock_mmap:
	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (!vma) {
		mmap_read_unlock(mm);
		si_code = SEGV_ACCERR;
		goto bad_area;
	}
	fault = handle_mm_fault(vma, addr, mm_flags, regs);
	if (!(fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED)))
		mmap_read_unlock(mm);
	return;
bad_area:
	send_fault_signal(regs, si_code, addr);
}

/* arm64 twin: the access-error branch forgets vma_end_read(). */
void bad_arm64_access_error_keeps_vma_lock(struct mm_struct *mm, unsigned long addr,
					   unsigned long vm_flags, unsigned int mm_flags,
					   struct pt_regs *regs)
{
	struct vm_area_struct *vma;
	vm_fault_t fault;

	vma = lock_vma_under_rcu(mm, addr);
	if (!vma)
		return;
	if (!(vma->vm_flags & vm_flags)) {
		send_fault_signal(regs, SEGV_ACCERR, addr);
		return; // expect: vma-lock-leak
	}
	fault = handle_mm_fault(vma, addr, mm_flags | FAULT_FLAG_VMA_LOCK, regs);
	if (!(fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED)))
		vma_end_read(vma);
}

/* powerpc: bad_access(regs, address, NULL, vma) ends the VMA lock in __bad_area()
 * (mm NULL: vma_end_read(), arch/powerpc/mm/fault.c :100-115). */
static int ppc_bad_area(struct pt_regs *regs, unsigned long address,
			struct mm_struct *mm, struct vm_area_struct *vma)
{
	if (mm)
		mmap_read_unlock(mm);
	else
		vma_end_read(vma);
	send_fault_signal(regs, SEGV_ACCERR, address);
	return 0;
}

int ok_powerpc_do_page_fault(struct mm_struct *mm, unsigned long address, int is_write,
			     unsigned int flags, struct pt_regs *regs)
{
	struct vm_area_struct *vma;
	vm_fault_t fault;

	vma = lock_vma_under_rcu(mm, address);
	if (!vma)
		return -1;
	if (is_write && !(vma->vm_flags & VM_WRITE)) {
		count_vm_vma_lock_event(VMA_LOCK_SUCCESS);
		return ppc_bad_area(regs, address, NULL, vma);
	}
	fault = handle_mm_fault(vma, address, flags | FAULT_FLAG_VMA_LOCK, regs);
	if (!(fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED)))
		vma_end_read(vma);
	if (!(fault & VM_FAULT_RETRY))
		return 0;
	count_vm_vma_lock_event(VMA_LOCK_RETRY);
	return 1;
}

/* powerpc twin: reads the VMA after a retry released its lock. */
int bad_powerpc_vma_after_retry(struct mm_struct *mm, unsigned long address,
				unsigned int flags, struct pt_regs *regs)
{
	struct vm_area_struct *vma;
	vm_fault_t fault;

	vma = lock_vma_under_rcu(mm, address);
	if (!vma)
		return -1;
	fault = handle_mm_fault(vma, address, flags | FAULT_FLAG_VMA_LOCK, regs);
	if (!(fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED)))
		vma_end_read(vma);
	if (fault & VM_FAULT_RETRY)
		return vma->vm_flags & VM_WRITE; // expect: dangling-vma
	return 0;
}

/* s390: the same shape, returning early on an access error. */
void ok_s390_do_exception(struct mm_struct *mm, unsigned long address, unsigned long access,
			  unsigned int flags, struct pt_regs *regs)
{
	struct vm_area_struct *vma;
	vm_fault_t fault;

	vma = lock_vma_under_rcu(mm, address);
	if (!vma)
		return;
	if (!(vma->vm_flags & access)) {
		vma_end_read(vma);
		count_vm_vma_lock_event(VMA_LOCK_SUCCESS);
		send_fault_signal(regs, SEGV_ACCERR, address);
		return;
	}
	fault = handle_mm_fault(vma, address, flags | FAULT_FLAG_VMA_LOCK, regs);
	if (!(fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED)))
		vma_end_read(vma);
	if (!(fault & VM_FAULT_RETRY))
		count_vm_vma_lock_event(VMA_LOCK_SUCCESS);
}

/* s390 twin: the 6.4/6.5 caller-always-unlocks shape on a 6.12 kernel. */
void bad_s390_end_read_after_retry(struct mm_struct *mm, unsigned long address,
				   unsigned int flags, struct pt_regs *regs)
{
	struct vm_area_struct *vma;
	vm_fault_t fault;

	vma = lock_vma_under_rcu(mm, address);
	if (!vma)
		return;
	fault = handle_mm_fault(vma, address, flags | FAULT_FLAG_VMA_LOCK, regs);
	vma_end_read(vma); // expect: vma-lock-unbalanced-unlock
	if (!(fault & VM_FAULT_RETRY))
		count_vm_vma_lock_event(VMA_LOCK_SUCCESS);
}

/* riscv: after a retry it falls back to the mmap_lock and looks the VMA up again. */
void ok_riscv_handle_page_fault(struct mm_struct *mm, unsigned long addr, unsigned int flags,
				struct pt_regs *regs)
{
	struct vm_area_struct *vma;
	vm_fault_t fault;

	vma = lock_vma_under_rcu(mm, addr);
	if (!vma)
		goto lock_mmap;
	fault = handle_mm_fault(vma, addr, flags | FAULT_FLAG_VMA_LOCK, regs);
	if (!(fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED)))
		vma_end_read(vma);
	if (!(fault & VM_FAULT_RETRY))
		return;
lock_mmap:
	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (!vma || !(vma->vm_flags & VM_READ)) {
		mmap_read_unlock(mm);
		return;
	}
	fault = handle_mm_fault(vma, addr, flags, regs);
	if (!(fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED)))
		mmap_read_unlock(mm);
}

/* riscv twin: the fallback reuses the VMA of the per-VMA attempt without a lookup. */
void bad_riscv_fallback_reuses_vma(struct mm_struct *mm, unsigned long addr,
				   unsigned int flags, struct pt_regs *regs)
{
	struct vm_area_struct *vma;
	vm_fault_t fault;

	vma = lock_vma_under_rcu(mm, addr);
	if (!vma)
		return;
	fault = handle_mm_fault(vma, addr, flags | FAULT_FLAG_VMA_LOCK, regs);
	if (!(fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED)))
		vma_end_read(vma);
	if (!(fault & VM_FAULT_RETRY))
		return;
	mmap_read_lock(mm);
	if (vma->vm_flags & VM_READ) // expect: dangling-vma
		count_vm_vma_lock_event(VMA_LOCK_RETRY);
	mmap_read_unlock(mm);
}
