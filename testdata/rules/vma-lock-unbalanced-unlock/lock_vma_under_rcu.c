// mmlint-kernel-version: 6.12
#include <linux/mm.h>
#include <linux/sched.h>

/* Reduced from 6.12 mm/memory.c lock_vma_under_rcu() :6272-6314: a VMA found without any
 * lock is valid only once vma_start_read() succeeded; a detached or out-of-range VMA is
 * unlocked once and the lookup retried or abandoned. */

struct vm_area_struct *walk_vma(struct mm_struct *mm, unsigned long address);
bool vma_detached(struct vm_area_struct *vma);
void count_vm_vma_lock_event(int event);

struct vm_area_struct *ok_lock_vma_under_rcu(struct mm_struct *mm, unsigned long address)
{
	struct vm_area_struct *vma;

retry:
	vma = walk_vma(mm, address);
	if (!vma)
		goto inval;
	if (!vma_start_read(vma))
		goto inval;
	if (vma_detached(vma)) {
		vma_end_read(vma);
		goto retry;
	}
	if (address < vma->vm_start || address >= vma->vm_end)
		goto inval_end_read;
	return vma;

inval_end_read:
	vma_end_read(vma);
inval:
	count_vm_vma_lock_event(0);
	return NULL;
}

/* The twin: the detached branch ends the read lock and then jumps to the exit that ends
 * it again. */
struct vm_area_struct *bad_lock_vma_under_rcu_ends_twice(struct mm_struct *mm,
							 unsigned long address)
{
	struct vm_area_struct *vma;

	vma = walk_vma(mm, address);
	if (!vma)
		goto inval;
	if (!vma_start_read(vma))
		goto inval;
	if (vma_detached(vma)) {
		vma_end_read(vma);
		goto inval_end_read;
	}
	if (address < vma->vm_start || address >= vma->vm_end)
		goto inval_end_read;
	return vma;

inval_end_read:
	vma_end_read(vma); // expect: vma-lock-unbalanced-unlock
inval:
	count_vm_vma_lock_event(0);
	return NULL;
}

/* The twin that reads the VMA range after giving the lock back. */
struct vm_area_struct *bad_lock_vma_under_rcu_reads_after_end(struct mm_struct *mm,
							      unsigned long address)
{
	struct vm_area_struct *vma;

	vma = walk_vma(mm, address);
	if (!vma)
		return NULL;
	if (!vma_start_read(vma))
		return NULL;
	if (vma_detached(vma)) {
		vma_end_read(vma);
		if (address < vma->vm_start) // expect: dangling-vma
			count_vm_vma_lock_event(1);
		return NULL;
	}
	return vma;
}
