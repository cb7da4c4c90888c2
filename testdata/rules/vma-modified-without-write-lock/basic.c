#include <linux/mm.h>
#include <linux/sched.h>

#define VM_DONTCOPY	0x00020000

/* madvise-style flag change under the read lock. */
int bad_flags_under_read_lock(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma)
		vm_flags_set(vma, VM_DONTCOPY); // expect: vma-modified-without-write-lock
	mmap_read_unlock(mm);
	return 0;
}

/* Reduced from mm/madvise.c madvise_update_vma() (6.12): under the write lock. */
int ok_flags_under_write_lock(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_write_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma) {
		vma_start_write(vma);
		vm_flags_set(vma, VM_DONTCOPY);
	}
	mmap_write_unlock(mm);
	return 0;
}

/* A range change under the VMA read lock of the fault path. */
void bad_store_under_vma_lock(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = lock_vma_under_rcu(mm, addr);

	if (!vma)
		return;
	vma->vm_end = addr; // expect: vma-modified-without-write-lock
	vma_end_read(vma);
}

void bad_start_write_under_vma_lock(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = lock_vma_under_rcu(mm, addr);

	if (!vma)
		return;
	vma_start_write(vma); // expect: vma-modified-without-write-lock
	vma_end_read(vma);
}

/* The caller's hold is not known here: trusted. */
void ok_vma_parameter(struct vm_area_struct *vma)
{
	vm_flags_set(vma, VM_DONTCOPY);
	vma->vm_pgoff = 0;
}

/* Stores to other fields (private data) are the driver's business. */
void ok_private_data_under_read_lock(struct mm_struct *mm, unsigned long addr, void *p)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma)
		vma->vm_private_data = p;
	mmap_read_unlock(mm);
}
