#include <linux/mm.h>

void mmlint_wait_for_io(void);

/* Unlock, sleep, relock and look the VMA up again: the new pointer is valid. */
unsigned long ok_relock_and_lookup_again(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	unsigned long flags = 0;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (!vma) {
		mmap_read_unlock(mm);
		return 0;
	}
	mmap_read_unlock(mm);

	mmlint_wait_for_io();

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma)
		flags = vma->vm_flags;
	mmap_read_unlock(mm);
	return flags;
}

/* Unlock, relock, then use the VMA from the first hold: retaking the lock does not
 * revalidate it. */
unsigned long bad_relock_use_old_vma(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	unsigned long flags;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (!vma) {
		mmap_read_unlock(mm);
		return 0;
	}
	mmap_read_unlock(mm);

	mmlint_wait_for_io();

	mmap_read_lock(mm);
	flags = vma->vm_flags; // expect: dangling-vma
	mmap_read_unlock(mm);
	return flags;
}

/* The lock is dropped in a back-off loop when contended; the VMA found before the loop is
 * used after it (stale on the paths that went through the loop body). */
unsigned long bad_contended_backoff_keeps_vma(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	unsigned long end;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (!vma) {
		mmap_read_unlock(mm);
		return 0;
	}
	while (mmap_lock_is_contended(mm)) {
		mmap_read_unlock(mm);
		cond_resched();
		mmap_read_lock(mm);
	}
	end = vma->vm_end; // expect: dangling-vma
	mmap_read_unlock(mm);
	return end;
}

/* Same back-off, but the VMA is looked up again after each relock. */
unsigned long ok_contended_backoff_relookup(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	unsigned long end = 0;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	while (vma && mmap_lock_is_contended(mm)) {
		mmap_read_unlock(mm);
		cond_resched();
		mmap_read_lock(mm);
		vma = vma_lookup(mm, addr);
	}
	if (vma)
		end = vma->vm_end;
	mmap_read_unlock(mm);
	return end;
}

/* write lock, look up, downgrade (same hold), use, read unlock. */
unsigned long ok_use_after_downgrade(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	unsigned long start = 0;

	mmap_write_lock(mm);
	vma = vma_lookup(mm, addr);
	mmap_write_downgrade(mm);
	if (vma)
		start = vma->vm_start;
	mmap_read_unlock(mm);
	return start;
}
