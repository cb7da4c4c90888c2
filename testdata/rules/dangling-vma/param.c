#include <linux/mm.h>
#include <linux/sched.h>

int mmlint_prepare_range(unsigned long start, unsigned long end);

/* A VMA parameter is valid under the lock the caller holds; this function drops that lock
 * and then reads the VMA. */
long bad_param_used_after_unlock(struct vm_area_struct *vma, unsigned long start,
				 unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	int ret;

	mmap_read_unlock(mm);
	ret = mmlint_prepare_range(start, end);
	mmap_read_lock(mm);
	if (ret)
		return ret;
	if (end > vma->vm_end) // expect: dangling-vma
		return -ENOMEM;
	return 0;
}

/* Same shape, but everything needed from the VMA is copied before the unlock. */
long ok_param_used_before_unlock(struct vm_area_struct *vma, unsigned long start,
				 unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long vm_end = vma->vm_end;
	int ret;

	mmap_read_unlock(mm);
	ret = mmlint_prepare_range(start, end);
	mmap_read_lock(mm);
	if (ret)
		return ret;
	if (end > vm_end)
		return -ENOMEM;
	return 0;
}

/* A VMA parameter passed to a call after this function unlocked and relocked. */
void bad_param_passed_after_relock(struct vm_area_struct *vma, unsigned long start,
				   unsigned long size)
{
	struct mm_struct *mm = vma->vm_mm;

	mmap_read_unlock(mm);
	cond_resched();
	mmap_read_lock(mm);
	zap_page_range(vma, start, size); // expect: dangling-vma
}

/* Linux 6.1 mm/madvise.c madvise_willneed() (reduced): get_file(), unlock, use the file,
 * relock; the VMA itself is not touched after the unlock. */
long ok_madvise_willneed(struct vm_area_struct *vma, struct vm_area_struct **prev,
			 unsigned long start, unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	struct file *file = vma->vm_file;
	loff_t offset;

	*prev = vma;
	if (!file)
		return -EBADF;

	*prev = NULL;	/* tell sys_madvise we drop mmap_lock */
	get_file(file);
	offset = (loff_t)(start - vma->vm_start)
			+ ((loff_t)vma->vm_pgoff << PAGE_SHIFT);
	mmap_read_unlock(mm);
	vfs_fadvise(file, offset, end - start, POSIX_FADV_WILLNEED);
	fput(file);
	mmap_read_lock(mm);
	return 0;
}

/* The VMA parameter is used before the function unlocks; afterwards only a copy. */
unsigned long ok_param_vm_mm_unlock(struct vm_area_struct *vma)
{
	unsigned long len = vma->vm_end - vma->vm_start;

	mmap_read_unlock(vma->vm_mm);
	return len;
}

/* A VMA parameter, and a release of current->mm's lock that this function did not take:
 * the caller looked the VMA up in its own mm under that hold, so it dangles afterwards. */
unsigned long bad_param_after_current_mm_release(struct vm_area_struct *vma)
{
	unsigned long start = vma->vm_start;

	mmap_read_unlock(current->mm);
	return vma->vm_end - start; // expect: dangling-vma
}

/* The hold released is one this function took: the parameter belongs to the caller's
 * hold, which this function does not end. */
unsigned long ok_param_own_current_mm_hold(struct vm_area_struct *vma)
{
	unsigned long end;

	mmap_read_lock(current->mm);
	end = vma->vm_end;
	mmap_read_unlock(current->mm);
	return end - vma->vm_start;
}
