#include <linux/mm.h>

/* Summaries learned from bodies (issue 6): a driver's own helpers that take, release or
 * drop-and-retake the mmap_lock, report it through an out-parameter, return a VMA, or
 * need the lock held. None of them is named in rules/. */

struct mmlint_ctx {
	struct mm_struct *mm;
	unsigned long start;
};

void mmlint_note(unsigned long x);


static void ctx_lock(struct mmlint_ctx *c)
{
	mmap_read_lock(c->mm);
}

static void ctx_unlock(struct mmlint_ctx *c)
{
	mmap_read_unlock(c->mm);
}

/* Two levels: the summary of ctx_unlock() makes this one a releaser too. */
static void ctx_finish(struct mmlint_ctx *c)
{
	mmlint_note(c->start);
	ctx_unlock(c);
}

/* Drops and re-takes the lock: a new hold on return. */
static void relax(struct mm_struct *mm)
{
	mmap_read_unlock(mm);
	cond_resched();
	mmap_read_lock(mm);
}

static int ctx_lock_killable(struct mmlint_ctx *c)
{
	if (mmap_read_lock_killable(c->mm))
		return -EINTR;
	return 0;
}

/* Reports a drop through *locked, as khugepaged's scan functions do with *mmap_locked. */
static int scan_one(struct mm_struct *mm, unsigned long addr, bool *locked)
{
	if (addr & 1) {
		mmap_read_unlock(mm);
		*locked = false;
		return -EAGAIN;
	}
	return 0;
}

/* Returns a VMA under the caller's hold, and needs that hold. */
static struct vm_area_struct *ctx_vma(struct mmlint_ctx *c, unsigned long addr)
{
	return vma_lookup(c->mm, addr);
}

/* Only compares the pointer. */
static bool same_vma(struct vm_area_struct *a, struct vm_area_struct *b)
{
	return a == b;
}

/* Reads the VMA. */
static unsigned long vma_len(struct vm_area_struct *vma)
{
	return vma->vm_end - vma->vm_start;
}

unsigned long bad_use_after_wrapper_unlock(struct mmlint_ctx *c, unsigned long addr)
{
	struct vm_area_struct *vma;

	ctx_lock(c);
	vma = vma_lookup(c->mm, addr);
	if (!vma) {
		ctx_unlock(c);
		return 0;
	}
	ctx_unlock(c);
	return vma->vm_flags; // expect: dangling-vma
}

unsigned long ok_use_before_wrapper_unlock(struct mmlint_ctx *c, unsigned long addr)
{
	struct vm_area_struct *vma;
	unsigned long flags = 0;

	ctx_lock(c);
	vma = vma_lookup(c->mm, addr);
	if (vma)
		flags = vma->vm_flags;
	ctx_unlock(c);
	return flags;
}

unsigned long bad_use_after_two_level_unlock(struct mmlint_ctx *c, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_read_lock(c->mm);
	vma = find_vma(c->mm, addr);
	if (!vma) {
		mmap_read_unlock(c->mm);
		return 0;
	}
	ctx_finish(c);
	return vma->vm_start; // expect: dangling-vma
}

unsigned long bad_use_after_relax(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	unsigned long end = 0;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (vma) {
		relax(mm);
		end = vma->vm_end; // expect: dangling-vma
	}
	mmap_read_unlock(mm);
	return end;
}

unsigned long ok_lookup_again_after_relax(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	unsigned long end = 0;

	mmap_read_lock(mm);
	relax(mm);
	vma = find_vma(mm, addr);
	if (vma)
		end = vma->vm_end;
	mmap_read_unlock(mm);
	return end;
}

/* The khugepaged idiom: the callee says through *locked whether it dropped the lock. */
int ok_unlock_if_still_locked(struct mm_struct *mm, unsigned long addr)
{
	bool locked = true;
	int ret;

	mmap_read_lock(mm);
	ret = scan_one(mm, addr, &locked);
	if (locked)
		mmap_read_unlock(mm);
	return ret;
}

unsigned long ok_vma_used_while_still_locked(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	unsigned long flags = 0;
	bool locked = true;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (!vma) {
		mmap_read_unlock(mm);
		return 0;
	}
	scan_one(mm, addr, &locked);
	if (locked) {
		flags = vma->vm_flags;
		mmap_read_unlock(mm);
	}
	return flags;
}

unsigned long bad_vma_used_whatever_locked_says(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	unsigned long flags;
	bool locked = true;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (!vma) {
		mmap_read_unlock(mm);
		return 0;
	}
	scan_one(mm, addr, &locked);
	flags = vma->vm_flags; // expect: dangling-vma
	if (locked)
		mmap_read_unlock(mm);
	return flags;
}

int bad_unlock_ignoring_locked(struct mm_struct *mm, unsigned long addr)
{
	bool locked = true;
	int ret;

	mmap_read_lock(mm);
	ret = scan_one(mm, addr, &locked);
	mmap_read_unlock(mm); // expect: mmap-lock-unbalanced-unlock
	return ret;
}

unsigned long bad_vma_from_helper_after_unlock(struct mmlint_ctx *c, unsigned long addr)
{
	struct vm_area_struct *vma;

	ctx_lock(c);
	vma = ctx_vma(c, addr);
	ctx_unlock(c);
	if (!vma)
		return 0;
	return vma->vm_end; // expect: dangling-vma
}

bool bad_helper_lookup_after_unlock(struct mmlint_ctx *c, unsigned long addr)
{
	mmap_read_lock(c->mm);
	mmap_read_unlock(c->mm);
	return ctx_vma(c, addr) != NULL; // expect: vma-without-mmap-lock
}

unsigned long ok_helper_lookup_under_lock(struct mmlint_ctx *c, unsigned long addr)
{
	struct vm_area_struct *vma;
	unsigned long end = 0;

	ctx_lock(c);
	vma = ctx_vma(c, addr);
	if (vma)
		end = vma->vm_end;
	ctx_unlock(c);
	return end;
}

int ok_killable_wrapper(struct mmlint_ctx *c, unsigned long addr)
{
	struct vm_area_struct *vma;
	int ret = 0;

	if (ctx_lock_killable(c))
		return -EINTR;
	vma = vma_lookup(c->mm, addr);
	if (!vma)
		ret = -EFAULT;
	ctx_unlock(c);
	return ret;
}

int bad_killable_wrapper_leak(struct mmlint_ctx *c, unsigned long addr)
{
	if (ctx_lock_killable(c))
		return -EINTR;
	if (!vma_lookup(c->mm, addr))
		return -EFAULT; // expect: mmap-lock-leak
	ctx_unlock(c);
	return 0;
}

bool ok_dead_vma_only_compared(struct mm_struct *mm, unsigned long addr,
			       struct vm_area_struct *prev)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	mmap_read_unlock(mm);
	return same_vma(vma, prev);
}

unsigned long bad_dead_vma_passed_to_reader(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	mmap_read_unlock(mm);
	if (!vma)
		return 0;
	return vma_len(vma); // expect: dangling-vma
}

int bad_double_unlock_through_wrapper(struct mmlint_ctx *c)
{
	mmap_read_lock(c->mm);
	mmap_read_unlock(c->mm);
	ctx_unlock(c); // expect: mmap-lock-unbalanced-unlock
	return 0;
}

/* Recursion is analysed a bounded number of times, not to a fixpoint. */
static int walk_down(struct mm_struct *mm, int depth)
{
	if (depth > 3) {
		mmap_read_unlock(mm);
		return -EINVAL;
	}
	return walk_down(mm, depth + 1);
}

int ok_recursive_helper(struct mm_struct *mm)
{
	int ret;

	mmap_read_lock(mm);
	ret = walk_down(mm, 0);
	return ret;
}
