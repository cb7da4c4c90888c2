#include <linux/mm.h>

/*
 * Known limitations of dangling-vma (docs/rules/dangling-vma.md). Each missed_* function
 * has the bug and is not reported; the day mmlint reports one, this fixture fails and the
 * rule's doc must change with it.
 */

struct mmlint_walk {
	struct mm_struct *mm;
	struct vm_area_struct *vma;
};

struct vm_area_struct *mmlint_cached_vma;

/* Defined in another file: without a summary file (mmlint summarize) its release is unseen. */
void mmlint_other_file_unlock(struct mm_struct *mm);

/* Only VMAs held in local variables are tracked: not one stored in a structure. */
unsigned long missed_vma_in_struct_field(struct mmlint_walk *w, unsigned long addr)
{
	mmap_read_lock(w->mm);
	w->vma = find_vma(w->mm, addr);
	mmap_read_unlock(w->mm);
	return w->vma ? w->vma->vm_start : 0;	/* dangling, not reported */
}

/* Nor one stored in a global. */
unsigned long missed_vma_in_global(struct mm_struct *mm, unsigned long addr)
{
	mmap_read_lock(mm);
	mmlint_cached_vma = find_vma(mm, addr);
	mmap_read_unlock(mm);
	return mmlint_cached_vma ? mmlint_cached_vma->vm_start : 0;	/* dangling, not reported */
}

/* A release in a function of another file, with no summary file given. */
unsigned long missed_release_in_other_file(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	mmlint_other_file_unlock(mm);
	return vma ? vma->vm_start : 0;	/* dangling, not reported */
}

/* A release through a function pointer. */
unsigned long missed_release_through_function_pointer(struct mm_struct *mm, unsigned long addr,
						       void (*release)(struct mm_struct *))
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	release(mm);
	return vma ? vma->vm_start : 0;	/* dangling when release unlocks, not reported */
}

static void mmlint_unlock_if(struct mm_struct *mm, int drop)
{
	if (drop)
		mmap_read_unlock(mm);
}

/*
 * A callee that releases the lock on some of its paths, with nothing the caller can test
 * (return value, out-parameter) telling which: the lock is "maybe held" after the call,
 * and a maybe silences rather than guesses.
 */
unsigned long missed_callee_releases_on_some_paths(struct mm_struct *mm, unsigned long addr,
						    int drop)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	mmlint_unlock_if(mm, drop);
	return vma ? vma->vm_start : 0;	/* dangling when drop != 0, not reported */
}

/* fp: the VMA is of another process's mm (a remote lookup by the caller), and the lock
 * released is current->mm's: mmlint takes the parameter to be current->mm's VMA. */
unsigned long fp_remote_vma_param_after_current_mm_release(struct vm_area_struct *vma)
{
	unsigned long start = vma->vm_start;

	mmap_read_unlock(get_current()->mm);
	return vma->vm_end - start; // expect: dangling-vma
}
