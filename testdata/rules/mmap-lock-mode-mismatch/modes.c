#include <linux/mm.h>

/* Write lock, downgrade to read (same hold), read unlock. */
unsigned long ok_downgrade_then_read_unlock(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	unsigned long end = 0;

	mmap_write_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma)
		vma->vm_flags |= VM_LOCKED;
	mmap_write_downgrade(mm);
	if (vma)
		end = vma->vm_end;
	mmap_read_unlock(mm);
	return end;
}

/* After mmap_write_downgrade() the hold is a read hold: mmap_write_unlock() is wrong. */
void bad_downgrade_then_write_unlock(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_write_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma)
		vma->vm_flags |= VM_LOCKED;
	mmap_write_downgrade(mm);
	mmap_write_unlock(mm); // expect: mmap-lock-mode-mismatch
}

/* mmap_write_lock() released with mmap_read_unlock(). */
int bad_write_lock_read_unlock(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	int ret = -ENOMEM;

	mmap_write_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma) {
		vma->vm_flags &= ~VM_LOCKED;
		ret = 0;
	}
	mmap_read_unlock(mm); // expect: mmap-lock-mode-mismatch
	return ret;
}

/* mmap_read_lock() released with mmap_write_unlock(). */
bool bad_read_lock_write_unlock(struct mm_struct *mm, unsigned long addr)
{
	bool found;

	mmap_read_lock(mm);
	found = find_vma(mm, addr) != NULL;
	mmap_write_unlock(mm); // expect: mmap-lock-mode-mismatch
	return found;
}

/* Pre-5.8 style: down_write(&mm->mmap_lock) released with up_read(). */
bool bad_down_write_up_read(struct mm_struct *mm, unsigned long addr)
{
	bool found;

	down_write(&mm->mmap_lock);
	found = find_vma(mm, addr) != NULL;
	up_read(&mm->mmap_lock); // expect: mmap-lock-mode-mismatch
	return found;
}

/* Pre-5.8 style: down_write, downgrade_write, up_read. */
bool ok_down_write_downgrade_up_read(struct mm_struct *mm, unsigned long addr)
{
	bool found;

	down_write(&mm->mmap_lock);
	mm->map_count += 0;
	downgrade_write(&mm->mmap_lock);
	found = find_vma(mm, addr) != NULL;
	up_read(&mm->mmap_lock);
	return found;
}

/* mmap_write_lock_killable() success path released with mmap_read_unlock(). */
int bad_write_killable_read_unlock(struct mm_struct *mm, unsigned long addr)
{
	int ret;

	ret = mmap_write_lock_killable(mm);
	if (ret)
		return ret;
	ret = vma_lookup(mm, addr) ? 0 : -ENOMEM;
	mmap_read_unlock(mm); // expect: mmap-lock-mode-mismatch
	return ret;
}

/* mmap_write_lock_nested() released with mmap_write_unlock() (nesting is not a mode). */
void ok_write_lock_nested(struct mm_struct *mm, struct mm_struct *oldmm)
{
	mmap_write_lock(oldmm);
	mmap_write_lock_nested(mm, 1 /* SINGLE_DEPTH_NESTING */);
	mm->map_count = oldmm->map_count;
	mmap_write_unlock(mm);
	mmap_write_unlock(oldmm);
}

/* Linux 6.1 mm/madvise.c do_madvise() (reduced): write or read lock depending on the
 * behaviour, released with the matching call under the same condition. */
int ok_do_madvise_lock_by_mode(struct mm_struct *mm, unsigned long start, size_t len,
			       bool write)
{
	int error;

	if (write) {
		if (mmap_write_lock_killable(mm))
			return -EINTR;
	} else {
		mmap_read_lock(mm);
	}

	error = find_vma_intersection(mm, start, start + len) ? 0 : -ENOMEM;

	if (write)
		mmap_write_unlock(mm);
	else
		mmap_read_unlock(mm);

	return error;
}
