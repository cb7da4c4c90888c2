#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/sched.h>

/*
 * Found by the oracle (crates/mmlint-oracle, seed 1000015 function 21, shrunk): a
 * deliberate approximation, kept so that a change in it is seen. The function has 52
 * paths, more than the 32 states the analysis keeps per program point. v0 comes from
 * find_vma(mm) only when f0 is set (or from v1, which is current->mm's), and the release
 * of mm before `file = v0->vm_file` happens only when f0 is clear: no path uses a dead
 * VMA. Past the cap mmlint joins states, forgets that f0 decided both, and keeps the
 * dangling VMA of one path ("dangling on some path is dangling"): a false positive.
 */
int oracle_cap_join_false_dangling(struct mm_struct *mm, unsigned long addr, int f0,
				   int f1, int f2)
{
	struct vm_area_struct *v0 = NULL;
	struct vm_area_struct *v1 = NULL;
	struct file *file = NULL;
	struct page *page;
	int locked = 1;
	int ret = 0;

	if (f2) {
	}
	v1 = find_vma(current->mm, addr);
	if (f1 && f1) {
		ret = mmap_write_lock_killable(mm);
		get_user_pages_remote(mm, addr, 1, FOLL_WRITE, &page, NULL, &locked);
	} else {
		if (mmap_read_lock_killable(mm)) {
			if (f0) {
				v0 = find_vma(mm, addr); // expect: vma-without-mmap-lock
			}
		}
		if (f2) {
			v0 = v1;
		}
		ret = mmap_read_lock_killable(mm);
	}
	if (!mmap_read_trylock(mm)) {
		if (!f0) {
			mmap_write_unlock(mm); // expect: mmap-lock-unbalanced-unlock
			file = v0->vm_file; /* false positive, see above */ // expect: dangling-vma
		}
	}
	return ret; // expect: mmap-lock-leak
}
