#include <linux/mm.h>

/*
 * Known limitations of mmap-lock-mode-mismatch (docs/rules/mmap-lock-mode-mismatch.md).
 * missed_* functions have the bug and are not reported; the day mmlint reports one, this
 * fixture fails and the rule's doc must change with it.
 */

/* Defined in another file: without a summary file (mmlint summarize) its lock is unseen. */
void mmlint_other_file_write_lock(struct mm_struct *mm);

/* The write hold is the caller's (asserted here): only holds taken in this function, or by
 * callees it has summaries of, have a known mode. */
void missed_read_unlock_of_asserted_write_hold(struct mm_struct *mm)
{
	mmap_assert_write_locked(mm);
	mmap_read_unlock(mm);	/* read release of a write hold, not reported */
}

/* The write hold was taken in a function of another file, with no summary file given. */
void missed_read_unlock_after_other_file_write_lock(struct mm_struct *mm)
{
	mmlint_other_file_write_lock(mm);
	mmap_read_unlock(mm);	/* read release of a write hold, not reported */
}
