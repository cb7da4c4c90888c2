#include <linux/mm.h>

bool search_exception_tables(unsigned long ip);
int vma_expand_up(struct vm_area_struct *vma, unsigned long addr);
int vma_expand_down(struct vm_area_struct *vma, unsigned long addr);

/* A lock helper: every non-NULL return holds the lock it took (the caller unlocks). */
struct mm_struct *ok_lock_helper_always_holds(struct task_struct *tsk)
{
	struct mm_struct *mm = tsk->mm;

	if (!mm)
		return NULL;
	mmap_read_lock(mm);
	return mm;
}

/* A killable lock helper: returns -EINTR without the lock, 0 with it. */
int ok_killable_lock_helper(struct mm_struct *mm)
{
	if (mmap_write_lock_killable(mm))
		return -EINTR;
	mm->map_count += 0;
	return 0;
}

/* Linux 6.1 (6.1.37+) mm/memory.c get_mmap_lock_carefully(): true iff the lock is held. */
bool ok_get_mmap_lock_carefully(struct mm_struct *mm, struct pt_regs *regs)
{
	if (likely(mmap_read_trylock(mm)))
		return true;

	if (regs && !user_mode(regs)) {
		unsigned long ip = regs->ip;
		if (!search_exception_tables(ip))
			return false;
	}

	return !mmap_read_lock_killable(mm);
}

/* lock_mm_and_find_vma()-like helper: NULL after unlocking, a VMA with the lock held. */
struct vm_area_struct *ok_lock_and_find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	if (mmap_read_lock_killable(mm))
		return NULL;
	vma = find_vma(mm, addr);
	if (likely(vma && vma->vm_start <= addr))
		return vma;
	mmap_read_unlock(mm);
	return NULL;
}

/* Linux 6.1 (6.1.37+) mm/mmap.c expand_stack(): entered with the read lock, drops it, takes
 * the write lock; returns NULL without the lock or the VMA with it (downgraded to read). */
struct vm_area_struct *ok_expand_stack(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma, *prev;

	mmap_read_unlock(mm);
	if (mmap_write_lock_killable(mm))
		return NULL;

	vma = find_vma_prev(mm, addr, &prev);
	if (vma && vma->vm_start <= addr)
		goto success;

	if (prev && !vma_expand_up(prev, addr)) {
		vma = prev;
		goto success;
	}

	if (vma && !vma_expand_down(vma, addr))
		goto success;

	mmap_write_unlock(mm);
	return NULL;

success:
	mmap_write_downgrade(mm);
	return vma;
}
