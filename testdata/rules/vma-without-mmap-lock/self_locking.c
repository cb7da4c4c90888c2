#include <linux/mm.h>
#include <linux/fs.h>
#include <linux/sched.h>

/* A helper that takes the lock itself (on the paths that need it) is not a helper whose
 * callers must hold it: the analysis does not pass its lookups on as requirements. Reduced
 * from Linux 6.1 mm/gup_test.c: whether the lock is taken is a flag computed from `cmd`,
 * and the GUP call sits in a switch on `cmd` that the flag covers. */

#define FAST_BENCH 1
#define DUMP_TEST 2

int mmlint_use(unsigned long x);

static long ok_gup_test(unsigned int cmd, unsigned long addr, struct page **pages)
{
	int needs_mmap_lock = cmd != FAST_BENCH;
	long nr = 0;

	if (needs_mmap_lock && mmap_read_lock_killable(current->mm))
		return -EINTR;
	switch (cmd) {
	case FAST_BENCH:
		nr = mmlint_use(addr);
		break;
	case DUMP_TEST:
		nr = get_user_pages(addr, 1, 0, pages, NULL);
		break;
	}
	if (needs_mmap_lock)
		mmap_read_unlock(current->mm);
	return nr;
}

static long ok_gup_test_ioctl(struct file *f, unsigned int cmd, unsigned long addr)
{
	return ok_gup_test(cmd, addr, NULL);
}

/* A helper that never locks still passes its lookup on to its callers. */
static unsigned long helper_start(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = vma_lookup(mm, addr);

	return vma ? vma->vm_start : 0;
}

static long bad_ioctl(struct file *f, unsigned int cmd, unsigned long addr)
{
	return mmlint_use(helper_start(current->mm, addr)); // expect: vma-without-mmap-lock
}

static const struct file_operations self_locking_fops = {
	.unlocked_ioctl = ok_gup_test_ioctl,
	.compat_ioctl = bad_ioctl,
};
