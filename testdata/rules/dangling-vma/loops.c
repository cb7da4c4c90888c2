#include <linux/mm.h>

/* for_each_vma() stops at a VMA; the loop variable is read after the unlock. */
unsigned long bad_for_each_vma_last_after_unlock(struct mm_struct *mm)
{
	struct vm_area_struct *vma;
	VMA_ITERATOR(vmi, mm, 0);

	mmap_read_lock(mm);
	for_each_vma(vmi, vma) {
		if (vma->vm_flags & VM_LOCKED)
			break;
	}
	mmap_read_unlock(mm);
	if (!vma)
		return 0;
	return vma->vm_start; // expect: dangling-vma
}

/* for_each_vma() that only counts; unlock after the loop, nothing used afterwards. */
int ok_for_each_vma_count(struct mm_struct *mm)
{
	struct vm_area_struct *vma;
	int count = 0;
	VMA_ITERATOR(vmi, mm, 0);

	mmap_read_lock(mm);
	for_each_vma(vmi, vma) {
		if (vma->vm_flags & VM_LOCKED)
			count++;
	}
	mmap_read_unlock(mm);
	return count;
}

/* for_each_vma_range() copying the last end address inside the loop. */
unsigned long ok_for_each_vma_range_copy(struct mm_struct *mm, unsigned long start,
					 unsigned long end)
{
	struct vm_area_struct *vma;
	unsigned long last_end = start;
	VMA_ITERATOR(vmi, mm, start);

	if (mmap_read_lock_killable(mm))
		return 0;
	for_each_vma_range(vmi, vma, end) {
		if (vma->vm_start != last_end)
			break;
		last_end = vma->vm_end;
	}
	mmap_read_unlock(mm);
	return last_end;
}

/* Pre-6.1 list walk (mm->mmap / vm_next); the found VMA is passed on after the unlock. */
int bad_list_walk_after_unlock(struct mm_struct *mm, int (*report)(struct vm_area_struct *))
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	for (vma = mm->mmap; vma; vma = vma->vm_next) {
		if (vma->vm_flags & VM_IO)
			break;
	}
	mmap_read_unlock(mm);
	if (vma)
		return report(vma); // expect: dangling-vma
	return 0;
}

/* The lock is taken and dropped around each iteration; each VMA is only used inside. */
int ok_lock_per_iteration(struct mm_struct *mm, const unsigned long *addrs, int n)
{
	struct vm_area_struct *vma;
	int i, writable = 0;

	for (i = 0; i < n; i++) {
		mmap_read_lock(mm);
		vma = vma_lookup(mm, addrs[i]);
		if (vma && (vma->vm_flags & VM_WRITE))
			writable++;
		mmap_read_unlock(mm);
	}
	return writable;
}
