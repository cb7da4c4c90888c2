// mmlint-kernel-version: 6.12
#include <linux/mm.h>
#include <linux/sched.h>

/* Fault helpers that release the fault's VMA lock when they return VM_FAULT_RETRY
 * (rules/vma_lock.toml retry_releases): 6.12 vmf_anon_prepare() (mm/internal.h:365-372)
 * and vmf_can_call_fault() (mm/memory.c:3279-3287). __vmf_anon_prepare() keeps the lock. */

void use_vma(struct vm_area_struct *vma);

/* The shape of the hugetlb fault path before it switched to __vmf_anon_prepare()
 * (6.12 mm/hugetlb.c:6354-6361 says why): the common exit ends the VMA lock that
 * vmf_anon_prepare() already ended on a retry. */
vm_fault_t bad_end_read_after_anon_prepare_retry(struct mm_struct *mm, unsigned long address)
{
	struct vm_area_struct *vma = lock_vma_under_rcu(mm, address);
	struct vm_fault vmf = { .vma = vma, .address = address, .flags = FAULT_FLAG_VMA_LOCK };
	vm_fault_t ret;

	if (!vma)
		return VM_FAULT_RETRY;
	ret = vmf_anon_prepare(&vmf);
	if (ret)
		goto out;
	use_vma(vma);
out:
	vma_end_read(vma); // expect: vma-lock-unbalanced-unlock
	return ret;
}

/* 6.12 mm/hugetlb.c:6357-6361: with __vmf_anon_prepare() the caller ends the lock itself. */
vm_fault_t ok_end_read_after_raw_anon_prepare(struct mm_struct *mm, unsigned long address)
{
	struct vm_area_struct *vma = lock_vma_under_rcu(mm, address);
	struct vm_fault vmf = { .vma = vma, .address = address, .flags = FAULT_FLAG_VMA_LOCK };
	vm_fault_t ret;

	if (!vma)
		return VM_FAULT_RETRY;
	ret = __vmf_anon_prepare(&vmf);
	if (ret)
		goto out;
	use_vma(vma);
out:
	vma_end_read(vma);
	return ret;
}

/* After a retry only the retry is returned; the VMA lock is ended on the other paths. */
vm_fault_t ok_return_on_retry(struct mm_struct *mm, unsigned long address)
{
	struct vm_area_struct *vma = lock_vma_under_rcu(mm, address);
	struct vm_fault vmf = { .vma = vma, .address = address, .flags = FAULT_FLAG_VMA_LOCK };
	vm_fault_t ret;

	if (!vma)
		return VM_FAULT_RETRY;
	ret = vmf_anon_prepare(&vmf);
	if (ret & VM_FAULT_RETRY)
		return ret;
	if (!ret)
		use_vma(vma);
	vma_end_read(vma);
	return ret;
}

/* A use of the VMA after the retry: it may be freed by then. */
vm_fault_t bad_use_after_anon_prepare_retry(struct mm_struct *mm, unsigned long address)
{
	struct vm_area_struct *vma = lock_vma_under_rcu(mm, address);
	struct vm_fault vmf = { .vma = vma, .address = address, .flags = FAULT_FLAG_VMA_LOCK };
	vm_fault_t ret;
	bool writable;

	if (!vma)
		return VM_FAULT_RETRY;
	ret = vmf_anon_prepare(&vmf);
	writable = vma->vm_flags & VM_WRITE; // expect: dangling-vma
	if (!(ret & VM_FAULT_RETRY))
		vma_end_read(vma);
	return writable ? ret : VM_FAULT_SIGBUS;
}

/* In a fault handler the fault's hold is the kernel's: after a retry the handler returns
 * at once (ok), or goes on to read vmf->vma (bad). */
static vm_fault_t ok_handler_returns_retry(struct vm_fault *vmf)
{
	vm_fault_t ret = vmf_anon_prepare(vmf);

	if (ret)
		return ret;
	return vmf->vma->vm_flags & VM_WRITE ? 0 : VM_FAULT_SIGBUS;
}

static vm_fault_t bad_handler_reads_vma_after_retry(struct vm_fault *vmf)
{
	vm_fault_t ret = vmf_anon_prepare(vmf);

	if (vmf->vma->vm_flags & VM_WRITE) // expect: dangling-vma
		return ret;
	return VM_FAULT_SIGBUS;
}

const struct vm_operations_struct retry_vm_ops = {
	.fault = ok_handler_returns_retry,
	.page_mkwrite = bad_handler_reads_vma_after_retry,
};
