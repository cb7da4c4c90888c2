#include <linux/mm.h>

/* find_vma() after this function released the lock. */
bool bad_find_vma_after_unlock(struct mm_struct *mm, unsigned long addr)
{
	unsigned long start;

	mmap_read_lock(mm);
	start = mm->start_stack;
	mmap_read_unlock(mm);
	return find_vma(mm, addr ? addr : start) != NULL; // expect: vma-without-mmap-lock
}

/* No lock call in this function: the caller's state is unknown, so no report. */
unsigned long ok_find_vma_unknown_entry(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	if (!vma || addr < vma->vm_start)
		return 0;
	return vma->vm_flags;
}

/* The killable result is checked only after the lookup: on the failure path the lookup
 * runs without the lock. */
int bad_lookup_before_killable_check(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	int ret;

	ret = mmap_read_lock_killable(mm);
	vma = vma_lookup(mm, addr); // expect: vma-without-mmap-lock
	if (ret)
		return ret;
	ret = vma ? 0 : -EFAULT;
	mmap_read_unlock(mm);
	return ret;
}

/* The killable result is checked first: the lookup only runs with the lock held. */
int ok_lookup_after_killable_check(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	int ret;

	ret = mmap_read_lock_killable(mm);
	if (ret)
		return ret;
	vma = vma_lookup(mm, addr);
	ret = vma ? 0 : -EFAULT;
	mmap_read_unlock(mm);
	return ret;
}

/* The failed-trylock branch still looks the VMA up (to print it). */
int bad_lookup_after_failed_trylock(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	if (!mmap_read_trylock(mm)) {
		pr_debug("mmlint: busy, mapped=%d\n", find_vma(mm, addr) != NULL); // expect: vma-without-mmap-lock
		return -EAGAIN;
	}
	vma = find_vma(mm, addr);
	mmap_read_unlock(mm);
	return vma ? 0 : -ENOENT;
}

/* find_vma_intersection() after mmap_write_unlock(). */
bool bad_intersection_after_write_unlock(struct mm_struct *mm, unsigned long start,
					 unsigned long end)
{
	mmap_write_lock(mm);
	mm->map_count++;
	mmap_write_unlock(mm);
	return find_vma_intersection(mm, start, end) != NULL; // expect: vma-without-mmap-lock
}

/* mmap_assert_locked() documents that the caller holds the lock. */
bool ok_assert_locked_then_lookup(struct mm_struct *mm, unsigned long addr)
{
	mmap_assert_locked(mm);
	return vma_lookup(mm, addr) != NULL;
}

/* lockdep_assert_held() on &mm->mmap_lock, then a lookup. */
bool ok_lockdep_assert_held_then_lookup(struct mm_struct *mm, unsigned long addr)
{
	lockdep_assert_held(&mm->mmap_lock);
	return find_vma(mm, addr) != NULL;
}

/* Unlock, relock, look up: the lookup runs under the new hold. */
bool ok_lookup_after_relock(struct mm_struct *mm, unsigned long addr)
{
	bool found;

	mmap_read_lock(mm);
	mmap_read_unlock(mm);
	cond_resched();
	mmap_read_lock(mm);
	found = vma_lookup(mm, addr) != NULL;
	mmap_read_unlock(mm);
	return found;
}

/* Pre-5.8 style: up_read() then find_vma_prev(). */
bool bad_find_vma_prev_after_up_read(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *prev;

	down_read(&mm->mmap_lock);
	mm->total_vm += 0;
	up_read(&mm->mmap_lock);
	return find_vma_prev(mm, addr, &prev) != NULL; // expect: vma-without-mmap-lock
}

/* Another mm was unlocked; this mm's lock state is the caller's (unknown). */
bool ok_other_mm_released(struct mm_struct *mm, struct mm_struct *other, unsigned long addr)
{
	mmap_read_lock(other);
	other->total_vm += 0;
	mmap_read_unlock(other);
	return find_vma(mm, addr) != NULL;
}
