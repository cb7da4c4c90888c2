#include <linux/mm.h>
#include <linux/fs.h>
#include <linux/sched.h>

/* 6.12 include/linux/mm.h vma_init() -> vma_mark_detached(vma, false), whose assertion
 * runs only `if (detached)`: initialising a VMA on the stack needs no lock
 * (fs/hugetlbfs/inode.c:841 hugetlbfs_fallocate()). The requirement keeps its condition
 * on the parameter; `false` at the call contradicts it. */

int mmlint_use(unsigned long x);

static inline void mmlint_mark_detached(struct vm_area_struct *vma, bool detached)
{
	if (detached)
		vma_assert_write_locked(vma);
	vma->vm_flags = 0;
}

static inline void mmlint_vma_init(struct vm_area_struct *vma, struct mm_struct *mm)
{
	vma->vm_mm = mm;
	vma->vm_ops = NULL;
	mmlint_mark_detached(vma, false);
}

static inline void mmlint_vma_init_attached(struct vm_area_struct *vma, struct mm_struct *mm)
{
	vma->vm_mm = mm;
	mmlint_mark_detached(vma, true);
}

/* An entry point that holds nothing, as hugetlbfs_fallocate() (a file_operations hook). */
static long ok_fallocate(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct pseudo_vma;

	mmlint_vma_init(&pseudo_vma, mm);
	return mmlint_use(pseudo_vma.vm_start);
}

static long bad_fallocate(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct pseudo_vma;

	mmlint_vma_init_attached(&pseudo_vma, mm); // expect: vma-without-mmap-lock
	return mmlint_use(pseudo_vma.vm_start);
}

static const struct file_operations mmlint_cond_fops = {
	.unlocked_ioctl = ok_fallocate,
};

static const struct file_operations mmlint_cond_bad_fops = {
	.unlocked_ioctl = bad_fallocate,
};
