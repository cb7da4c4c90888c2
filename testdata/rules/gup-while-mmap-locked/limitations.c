#include <linux/mm.h>

/*
 * Known limitations of gup-while-mmap-locked (docs/rules/gup-while-mmap-locked.md).
 * missed_* functions have the bug and are not reported; the day mmlint reports one, this
 * fixture fails and the rule's doc must change with it.
 */

/* The lock is the caller's (asserted here): only holds this function took count. */
int missed_fast_under_callers_lock(unsigned long addr, struct page **pagep)
{
	mmap_assert_locked(current->mm);
	return get_user_pages_fast(addr, 1, FOLL_WRITE, pagep);	/* may deadlock, not reported */
}
