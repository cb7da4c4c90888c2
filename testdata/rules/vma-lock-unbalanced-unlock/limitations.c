// mmlint-kernel-version: 6.12
#include <linux/mm.h>
#include <linux/sched.h>

/* Known limitations of vma-lock-unbalanced-unlock (its doc names each function). */

/* A function handed `vmf` by its caller (6.12 mm/memory.c do_anonymous_page() and the
 * other do_*() helpers): the lock of vmf->vma is the caller's and unknown here, so the
 * second end of the VMA lock after vmf_anon_prepare()'s retry is missed. */
vm_fault_t missed_end_read_after_retry_in_vmf_callee(struct vm_fault *vmf)
{
	vm_fault_t ret = vmf_anon_prepare(vmf);

	if (ret & VM_FAULT_RETRY)
		vma_end_read(vmf->vma);
	return ret;
}
