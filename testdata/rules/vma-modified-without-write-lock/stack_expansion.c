// mmlint-kernel-version: 6.12
#include <linux/mm.h>
#include <linux/sched.h>

/* Reduced from 6.12 mm/mmap.c expand_stack() :1328-1354 and mm/memory.c
 * lock_mm_and_find_vma() :6230-6263: a stack VMA grows only under the mmap write lock
 * (expand_stack_locked(), a needs_write row since 6.1.37); the fault path drops its read
 * lock and takes the write lock first. */

struct vm_area_struct *ok_expand_stack(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_read_unlock(mm);
	if (mmap_write_lock_killable(mm))
		return NULL;
	vma = find_vma(mm, addr);
	if (vma && vma->vm_start <= addr)
		goto success;
	if (vma && !expand_stack_locked(vma, addr))
		goto success;
	mmap_write_unlock(mm);
	return NULL;
success:
	mmap_write_downgrade(mm);
	return vma;
}

/* The twin that grows the stack under the read lock. */
int bad_expand_stack_under_read_lock(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	int ret = -EFAULT;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (vma && vma->vm_start > addr)
		ret = expand_stack_locked(vma, addr); // expect: vma-modified-without-write-lock
	mmap_read_unlock(mm);
	return ret;
}

/* Per-VMA lock twin: the fault path may not grow the stack under the VMA lock either
 * (6.12 lock_mm_and_find_vma() is only reached after the per-VMA attempt gave up). */
void bad_expand_stack_under_vma_lock(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = lock_vma_under_rcu(mm, addr);

	if (!vma)
		return;
	if (vma->vm_start > addr)
		expand_stack_locked(vma, addr); // expect: vma-modified-without-write-lock
	vma_end_read(vma);
}
