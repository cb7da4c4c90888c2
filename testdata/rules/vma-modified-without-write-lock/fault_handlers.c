// mmlint-kernel-version: 6.1 6.12
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/fs.h>

#define VM_DONTEXPAND	0x00040000
#define VM_MIXEDMAP	0x10000000

/* Fault handlers: since 6.4 the kernel calls a vm_operations_struct's .fault, .huge_fault,
 * .page_mkwrite and .pfn_mkwrite with the mmap read lock or only the faulting VMA's
 * per-VMA read lock held (6.12 mm/memory.c __do_fault(), do_page_mkwrite(),
 * wp_pfn_shared(), create_huge_pmd()); rules/entry.toml learns which functions they are
 * from the designated initializer below. A change to vmf->vma needs the write lock. 6.1
 * (no per-VMA locks, no vm_flags_set()) reports nothing. */

struct mydev {
	unsigned long pfn;
};

/* The bug class upstream fixed in 6.4-6.11: vm_flags changed in a fault handler. */
static vm_fault_t bad_fault_sets_flags(struct vm_fault *vmf)
{
	vm_flags_set(vmf->vma, VM_DONTEXPAND); // expect@6.12: vma-modified-without-write-lock
	return 0;
}

/* The same through a local copy of vmf->vma, and a plain store. */
static vm_fault_t bad_page_mkwrite_stores(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;

	vma->vm_pgoff = 0; // expect@6.12: vma-modified-without-write-lock
	return 0;
}

/* remap_pfn_range() sets VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP with
 * vm_flags_set() (6.12 mm/memory.c:2673): wrong in a fault handler; one report. */
static vm_fault_t bad_huge_fault_remaps(struct vm_fault *vmf, unsigned int order)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mydev *d = vma->vm_private_data;
	pgprot_t prot = { 0 };

	if (remap_pfn_range(vma, vma->vm_start, d->pfn, PAGE_SIZE, prot)) // expect@6.12: vma-modified-without-write-lock
		return VM_FAULT_SIGBUS;
	return VM_FAULT_NOPAGE;
}

static vm_fault_t bad_pfn_mkwrite_io_remaps(struct vm_fault *vmf)
{
	pgprot_t prot = { 0 };

	io_remap_pfn_range(vmf->vma, vmf->address, 0, PAGE_SIZE, prot); // expect@6.12: vma-modified-without-write-lock
	return VM_FAULT_NOPAGE;
}

/* The right way: a fault handler inserts the PFN and leaves the flags to .mmap. */
static vm_fault_t ok_fault_inserts_pfn(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mydev *d = vma->vm_private_data;

	return vmf_insert_pfn(vma, vmf->address, d->pfn);
}

/* .mmap runs under the mmap write lock: setting flags and remapping there is right. */
static int ok_mmap_sets_flags_and_remaps(struct file *file, struct vm_area_struct *vma)
{
	struct mydev *d = vma->vm_private_data;
	pgprot_t prot = { 0 };

	vm_flags_set(vma, VM_MIXEDMAP | VM_DONTEXPAND);
	return remap_pfn_range(vma, vma->vm_start, d->pfn, PAGE_SIZE, prot);
}

/* Not stored in any vm_operations_struct: its caller's hold is unknown, so the change
 * is a write requirement of the function, checked where it is called. */
vm_fault_t ok_not_a_handler(struct vm_fault *vmf)
{
	vm_flags_set(vmf->vma, VM_DONTEXPAND);
	return 0;
}

/* Reading the VMA in a handler is what the read hold is for. */
static vm_fault_t ok_page_mkwrite_reads(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;

	if (vmf->address >= vma->vm_end || !(vma->vm_flags & VM_MIXEDMAP))
		return VM_FAULT_SIGBUS;
	return 0;
}

const struct vm_operations_struct bad_vm_ops = {
	.fault = bad_fault_sets_flags,
	.page_mkwrite = bad_page_mkwrite_stores,
	.huge_fault = bad_huge_fault_remaps,
	.pfn_mkwrite = bad_pfn_mkwrite_io_remaps,
};

const struct vm_operations_struct ok_vm_ops = {
	.fault = ok_fault_inserts_pfn,
	.page_mkwrite = ok_page_mkwrite_reads,
};

const struct file_operations ok_fops = {
	.mmap = ok_mmap_sets_flags_and_remaps,
};
