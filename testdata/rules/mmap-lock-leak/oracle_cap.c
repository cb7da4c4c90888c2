#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/sched.h>

/*
 * Found by the oracle (crates/mmlint-oracle, seed 1000007 function 12, shrunk): a
 * deliberate approximation, kept so that a change in it is seen. The function has 40
 * paths, more than the 32 states the analysis keeps per program point. On the path
 * "GUP kept the lock, sel != 1, !f0, the killable acquire succeeded, v0 == NULL, f2" the
 * final return holds the lock taken at `ret = mmap_read_lock_killable(mm)` and returns
 * 0, while the path where GUP dropped the lock also returns 0 without it: an exact
 * path-sensitive checker reports mmap-lock-leak at `return ret;`. mmlint joins states
 * past the cap, the lock's status becomes "maybe", which silences rather than guesses.
 */
int oracle_cap_join_hides_leak(struct mm_struct *mm, unsigned long addr, int f0, int f2,
			       int sel)
{
	struct vm_area_struct *v0 = NULL;
	struct vm_area_struct *v1 = NULL;
	struct page *page;
	int locked = 1;
	int ret = 0;

	get_user_pages_remote(mm, addr, 1, FOLL_WRITE, &page, &v0, &locked); // expect: gup-vmas-unlockable
	switch (sel) {
	case 1:
		v1 = find_vma(mm, addr); // expect: vma-without-mmap-lock
		break;
	}
	if (f0) {
		goto out;
	}
	ret = mmap_read_lock_killable(mm);
	if (!v0) {
	}
out:
	if (!f2) {
		mmap_read_unlock(current->mm);
	}
	return ret; /* an exact checker: mmap-lock-leak */
}
