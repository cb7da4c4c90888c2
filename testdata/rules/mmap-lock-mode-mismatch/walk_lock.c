// mmlint-kernel-version: 6.12
#include <linux/mm.h>

/* 6.12 mm/pagewalk.c: a page walk asserts the mmap_lock in the mode its ops ask for
 * (`ops->walk_lock`), read for PGWALK_RDLOCK and write otherwise (process_mm_walk_lock()
 * :410-416), and write-locks the VMA only for PGWALK_WRLOCK (process_vma_walk_lock()
 * :418-435). fs/proc/task_mmu.c and mm/mincore.c walk under the read lock with
 * PGWALK_RDLOCK ops. Which mode a walk needs is the ops' business, which the walk's
 * callers pass as a pointer: only "held" is certain. */

enum page_walk_lock {
	PGWALK_RDLOCK = 0,
	PGWALK_WRLOCK = 1,
	PGWALK_WRLOCK_VERIFY = 2,
};

struct mm_walk_ops {
	int (*pmd_entry)(unsigned long addr);
	enum page_walk_lock walk_lock;
};

static void process_mm_walk_lock(struct mm_struct *mm, enum page_walk_lock walk_lock)
{
	if (walk_lock == PGWALK_RDLOCK)
		mmap_assert_locked(mm);
	else
		mmap_assert_write_locked(mm);
}

static void process_vma_walk_lock(struct vm_area_struct *vma, enum page_walk_lock walk_lock)
{
	switch (walk_lock) {
	case PGWALK_WRLOCK:
		vma_start_write(vma);
		break;
	case PGWALK_WRLOCK_VERIFY:
		vma_assert_write_locked(vma);
		break;
	case PGWALK_RDLOCK:
		break;
	}
}

int walk_range(struct mm_struct *mm, unsigned long start, const struct mm_walk_ops *ops)
{
	struct vm_area_struct *vma;

	process_mm_walk_lock(mm, ops->walk_lock);
	vma = find_vma(mm, start);
	if (vma)
		process_vma_walk_lock(vma, ops->walk_lock);
	return 0;
}

static const struct mm_walk_ops read_ops = {
	.walk_lock = PGWALK_RDLOCK,
};

int ok_walk_under_read_lock(struct mm_struct *mm)
{
	int ret;

	mmap_read_lock(mm);
	ret = walk_range(mm, 0, &read_ops);
	mmap_read_unlock(mm);
	return ret;
}

/* A mode the call itself names is still judged. */
int bad_write_walk_under_read_lock(struct mm_struct *mm)
{
	mmap_read_lock(mm);
	process_mm_walk_lock(mm, PGWALK_WRLOCK); // expect: mmap-lock-mode-mismatch
	mmap_read_unlock(mm);
	return 0;
}

int ok_read_walk_under_read_lock(struct mm_struct *mm)
{
	mmap_read_lock(mm);
	process_mm_walk_lock(mm, PGWALK_RDLOCK);
	mmap_read_unlock(mm);
	return 0;
}
