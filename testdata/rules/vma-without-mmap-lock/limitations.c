#include <linux/mm.h>

/*
 * Known limitations of vma-without-mmap-lock (docs/rules/vma-without-mmap-lock.md).
 * missed_* functions have the bug and are not reported; the day mmlint reports one, this
 * fixture fails and the rule's doc must change with it.
 */

/* Defined in another file: without a summary file (mmlint summarize) its release is unseen. */
void mmlint_other_file_unlock(struct mm_struct *mm);

/* The release is in a function of another file, with no summary file given. */
bool missed_lookup_after_other_file_release(struct mm_struct *mm, unsigned long addr)
{
	mmap_read_lock(mm);
	mmlint_other_file_unlock(mm);
	return find_vma(mm, addr) != NULL;	/* lookup without the lock, not reported */
}
