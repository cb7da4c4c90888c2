#include <linux/mm.h>

/*
 * Known limitations of mmap-lock-unbalanced-unlock
 * (docs/rules/mmap-lock-unbalanced-unlock.md). missed_* functions have the bug and are not
 * reported; the day mmlint reports one, this fixture fails and the rule's doc must change.
 */

/* Defined in another file: without a summary file (mmlint summarize) its release is unseen. */
void mmlint_other_file_unlock(struct mm_struct *mm);

/* The first release is in a function of another file, with no summary file given. */
void missed_double_unlock_after_other_file_release(struct mm_struct *mm)
{
	mmap_read_lock(mm);
	mmlint_other_file_unlock(mm);
	mmap_read_unlock(mm);	/* second release, not reported */
}
