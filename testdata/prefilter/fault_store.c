// mmlint-kernel-version: 6.12
// A fault handler (6.4+) that changes its VMA: the kernel calls it with only a read hold.
// The unit names no effect word; the `vm_operations_struct` it registers the handler in
// is what makes it worth parsing.
#include <linux/mm.h>

static vm_fault_t mydev_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;

	vma->vm_pgoff = 0; // expect: vma-modified-without-write-lock
	return 0;
}

static const struct vm_operations_struct mydev_vm_ops = {
	.fault = mydev_fault,
};
