#include <linux/mm.h>

/*
 * Known limitations of mmap-lock-leak (docs/rules/mmap-lock-leak.md). missed_* functions
 * leak and are not reported; fp_* ones are correct and reported. When mmlint gets one
 * right, this fixture fails and the rule's doc must change with it.
 */

void mmlint_consume(unsigned long x);

/*
 * Returns of different value classes are trusted to tell the caller whether the lock is
 * held (like mmap_read_lock_killable()'s 0 / -EINTR): a bool function that leaks on its
 * false return is taken for such a convention.
 */
bool missed_leak_on_false_return(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (!vma)
		return false;	/* lock still held, not reported */
	mmlint_consume(vma->vm_start);
	mmap_read_unlock(mm);
	return true;
}

/* A function that holds the lock at every return is taken for a lock helper. */
int missed_never_unlocks(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (!vma)
		return -EFAULT;	/* lock still held, not reported */
	mmlint_consume(vma->vm_start);
	return 0;	/* lock still held, not reported */
}

static long mmlint_gup_one(struct mm_struct *mm, unsigned long addr, struct page **pagep,
			   struct vm_area_struct **vmap, int *locked)
{
	return get_user_pages_remote(mm, addr, 1, FOLL_WRITE, pagep, vmap, locked);
}

/*
 * A function of this file that forwards 'locked' to GUP: its summary does not carry
 * "'*locked' cleared when GUP dropped the lock", so the caller's `if (locked)` is not tied
 * to the release and the return is reported (false positive). The same call passes &vma
 * with &locked, which gup-vmas-unlockable does not see through the wrapper.
 */
long fp_locked_through_a_wrapper(struct mm_struct *mm, unsigned long addr, struct page **pagep)
{
	struct vm_area_struct *vma;
	int locked = 1;
	long ret;

	mmap_read_lock(mm);
	ret = mmlint_gup_one(mm, addr, pagep, &vma, &locked);
	if (locked)
		mmap_read_unlock(mm);
	return ret; // expect: mmap-lock-leak
}
