#include <linux/mm.h>

/* mm/memory.c lock_mm_and_find_vma() of the 6.1.37+ backports (6.4+ upstream), reduced:
 * its static helpers take the read lock (get_mmap_lock_carefully) and trade it for the write
 * lock (upgrade_mmap_lock_carefully): their summaries are learned from their bodies. The
 * write unlock on the fail path is right on every path: after a successful
 * mmap_upgrade_trylock() (rules/mmap_lock.toml, action "upgrade") or after the helper took
 * the write lock. */

int expand_stack_locked(struct vm_area_struct *vma, unsigned long addr);
bool mmlint_user_mode(struct pt_regs *regs);

static inline bool mmap_upgrade_trylock(struct mm_struct *mm)
{
	/* "We don't have this operation yet." */
	return false;
}

static inline bool get_mmap_lock_carefully(struct mm_struct *mm, struct pt_regs *regs)
{
	if (likely(mmap_read_trylock(mm)))
		return true;
	if (regs && !mmlint_user_mode(regs))
		return false;
	return !mmap_read_lock_killable(mm);
}

static inline bool upgrade_mmap_lock_carefully(struct mm_struct *mm, struct pt_regs *regs)
{
	mmap_read_unlock(mm);
	if (regs && !mmlint_user_mode(regs))
		return false;
	return !mmap_write_lock_killable(mm);
}

struct vm_area_struct *ok_lock_mm_and_find_vma(struct mm_struct *mm, unsigned long addr,
					       struct pt_regs *regs)
{
	struct vm_area_struct *vma;

	if (!get_mmap_lock_carefully(mm, regs))
		return NULL;

	vma = find_vma(mm, addr);
	if (likely(vma && (vma->vm_start <= addr)))
		return vma;

	if (!vma || !(vma->vm_flags & VM_GROWSDOWN)) {
		mmap_read_unlock(mm);
		return NULL;
	}

	if (!mmap_upgrade_trylock(mm)) {
		if (!upgrade_mmap_lock_carefully(mm, regs))
			return NULL;

		vma = find_vma(mm, addr);
		if (!vma)
			goto fail;
		if (vma->vm_start <= addr)
			goto success;
		if (!(vma->vm_flags & VM_GROWSDOWN))
			goto fail;
	}

	if (expand_stack_locked(vma, addr))
		goto fail;

success:
	mmap_write_downgrade(mm);
	return vma;

fail:
	mmap_write_unlock(mm);
	return NULL;
}

/* The read hold was never upgraded on this path. */
int bad_write_unlock_of_the_carefully_taken_read_lock(struct mm_struct *mm,
						      struct pt_regs *regs)
{
	if (!get_mmap_lock_carefully(mm, regs))
		return -EINTR;
	mmap_write_unlock(mm); // expect: mmap-lock-mode-mismatch
	return 0;
}

/* A failed upgrade keeps the read hold. */
int bad_write_unlock_after_failed_upgrade(struct mm_struct *mm)
{
	mmap_read_lock(mm);
	if (!mmap_upgrade_trylock(mm)) {
		mmap_write_unlock(mm); // expect: mmap-lock-mode-mismatch
		return -EAGAIN;
	}
	mmap_write_unlock(mm);
	return 0;
}
