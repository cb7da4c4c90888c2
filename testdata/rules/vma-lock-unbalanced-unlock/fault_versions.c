// mmlint-kernel-version: 6.1 6.5 6.12
#include <linux/mm.h>
#include <linux/sched.h>

/* The same per-VMA fault path under three kernels' data. 6.1 has no per-VMA locks
 * (rules/vma_lock.toml is since 6.4): nothing is reported. In 6.4 and 6.5 the caller always
 * released the VMA lock after handle_mm_fault(); since 6.6 handle_mm_fault() releases it
 * itself on VM_FAULT_RETRY and VM_FAULT_COMPLETED (rules/droppers.toml, releases_vma_lock). */

/* Right for 6.4/6.5, an unlock of a released lock since 6.6. */
void end_read_always(struct mm_struct *mm, unsigned long address, struct pt_regs *regs)
{
	struct vm_area_struct *vma;
	vm_fault_t fault;

	vma = lock_vma_under_rcu(mm, address);
	if (!vma)
		return;
	fault = handle_mm_fault(vma, address, FAULT_FLAG_VMA_LOCK, regs);
	vma_end_read(vma); // expect@6.12: vma-lock-unbalanced-unlock
}

/* Right since 6.6 (6.12 arch/x86/mm/fault.c:1327-1338); in 6.5 it leaves the VMA locked
 * on RETRY and COMPLETED. */
void end_read_unless_released(struct mm_struct *mm, unsigned long address,
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
} // expect@6.5: vma-lock-leak
