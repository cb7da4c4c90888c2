#include <linux/mm.h>

/* A requirement that arises only under a test of a parameter (6.12 mm/ksm.c:617
 * break_ksm(): `if (lock_vma) vma_start_write(vma);`) is one the callee's summary keeps
 * with that condition: a caller passing a value the test rejects does not need the lock. */

int mmlint_use(unsigned long x);

static int break_ksm(struct vm_area_struct *vma, unsigned long addr, bool lock_vma)
{
	if (lock_vma)
		vma_start_write(vma);
	return mmlint_use(addr);
}

/* 6.12 mm/ksm.c:731 break_cow(): under the read lock, with `false`. */
void ok_break_cow(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (vma)
		break_ksm(vma, addr, false);
	mmap_read_unlock(mm);
}

/* Its twin asks for the VMA write lock under the read lock. */
void bad_break_cow_locking(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (vma)
		break_ksm(vma, addr, true); // expect: mmap-lock-mode-mismatch
	mmap_read_unlock(mm);
}

/* A value the path knows is zero contradicts the condition as a constant does. */
void ok_known_zero(struct mm_struct *mm, unsigned long addr, int lock)
{
	struct vm_area_struct *vma;

	if (lock)
		return;
	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (vma)
		break_ksm(vma, addr, lock);
	mmap_read_unlock(mm);
}

void bad_known_nonzero(struct mm_struct *mm, unsigned long addr, int lock)
{
	struct vm_area_struct *vma;

	if (!lock)
		return;
	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (vma)
		break_ksm(vma, addr, lock); // expect: mmap-lock-mode-mismatch
	mmap_read_unlock(mm);
}

/* 6.12 mm/ksm.c unmerge_ksm_pages(): passes its own parameter on, so the condition passes
 * on to its callers (unmerge_and_remove_all_rmap_items() passes false). */
static int unmerge_ksm_pages(struct vm_area_struct *vma, unsigned long start, bool lock_vma)
{
	return break_ksm(vma, start, lock_vma);
}

void ok_unmerge_all(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (vma)
		unmerge_ksm_pages(vma, addr, false);
	mmap_read_unlock(mm);
}

void bad_unmerge_all_locking(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (vma)
		unmerge_ksm_pages(vma, addr, 1); // expect: mmap-lock-mode-mismatch
	mmap_read_unlock(mm);
}

/* The same requirement under two different tests: nothing is common to the two
 * conditions, so it is kept unconditional (conservative: `(0, 0)` would be reported too). */
static void lock_either(struct vm_area_struct *vma, int a, int b)
{
	if (a)
		vma_start_write(vma);
	if (b)
		vma_start_write(vma);
}

void bad_second_condition(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (vma)
		lock_either(vma, 0, 1); // expect: mmap-lock-mode-mismatch
	mmap_read_unlock(mm);
}

/* A parameter the callee writes says nothing about the caller's argument by the time of
 * the test: the requirement is unconditional. */
static void lock_after_reset(struct vm_area_struct *vma, int lock)
{
	lock = mmlint_use(vma->vm_start);
	if (lock)
		vma_start_write(vma);
}

void bad_written_parameter(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (vma)
		lock_after_reset(vma, 0); // expect: mmap-lock-mode-mismatch
	mmap_read_unlock(mm);
}
