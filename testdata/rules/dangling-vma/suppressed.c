#include <linux/mm.h>

/* A finding silenced by a suppression with a reason: not reported (SARIF keeps it, marked
 * as suppressed). */
unsigned long ok_suppressed_with_reason(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	mmap_read_unlock(mm);
	/* mmlint-ignore dangling-vma: test fixture, the mm is private to this thread */
	return vma ? vma->vm_start : 0;
}

/* A suppression without a reason does not apply, and is reported itself. */
unsigned long bad_suppressed_without_reason(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	mmap_read_unlock(mm);
	/* mmlint-ignore dangling-vma */ // expect: invalid-suppression
	return vma ? vma->vm_start : 0; // expect: dangling-vma
}
