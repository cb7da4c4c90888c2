#include <linux/mm.h>

int revalidate(struct mm_struct *mm, unsigned long addr, struct vm_area_struct **vmap);
void scan(struct file *file);

/* Linux 6.1 mm/khugepaged.c madvise_collapse() (reduced): after re-taking the lock the
 * VMA is looked up again through an out-parameter, hugepage_vma_revalidate(..., &vma, cc);
 * the old pointer is replaced, so the uses that follow are fine. */
int ok_revalidate_through_out_param(struct vm_area_struct *vma, unsigned long start,
				    unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long addr;
	bool mmap_locked = true;

	for (addr = start; addr < end; addr += PAGE_SIZE) {
		if (!mmap_locked) {
			mmap_read_lock(mm);
			mmap_locked = true;
			if (revalidate(mm, addr, &vma))
				return -EINVAL;
		}
		if (!vma_is_anonymous(vma)) {
			struct file *file = get_file(vma->vm_file);

			mmap_read_unlock(mm);
			mmap_locked = false;
			scan(file);
			fput(file);
		}
	}
	if (!mmap_locked)
		mmap_read_lock(mm);
	return 0;
}

/* The same loop without the re-lookup: the old VMA is used under the new hold. */
int bad_relock_without_revalidate(struct vm_area_struct *vma, unsigned long start,
				  unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long addr;
	bool mmap_locked = true;

	for (addr = start; addr < end; addr += PAGE_SIZE) {
		if (!mmap_locked) {
			mmap_read_lock(mm);
			mmap_locked = true;
		}
		if (!vma_is_anonymous(vma)) { // expect: dangling-vma
			struct file *file = get_file(vma->vm_file); // expect: dangling-vma

			mmap_read_unlock(mm);
			mmap_locked = false;
			scan(file);
			fput(file);
		}
	}
	if (!mmap_locked)
		mmap_read_lock(mm);
	return 0;
}
