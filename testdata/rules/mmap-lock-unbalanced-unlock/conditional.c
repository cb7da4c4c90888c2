#include <linux/mm.h>

/* The killable failure branch unlocks a lock it never got. */
int bad_killable_fail_unlock(struct mm_struct *mm, unsigned long addr)
{
	bool found;

	if (mmap_read_lock_killable(mm)) {
		mmap_read_unlock(mm); // expect: mmap-lock-unbalanced-unlock
		return -EINTR;
	}
	found = vma_lookup(mm, addr) != NULL;
	mmap_read_unlock(mm);
	return found ? 0 : -ENOMEM;
}

/* The killable failure jumps to the label that unlocks. */
int bad_killable_fail_goto_unlock(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	int ret;

	ret = mmap_write_lock_killable(mm);
	if (ret)
		goto out_unlock;
	vma = vma_lookup(mm, addr);
	if (!vma) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	vma->vm_flags |= VM_LOCKED;
out_unlock:
	mmap_write_unlock(mm); // expect: mmap-lock-unbalanced-unlock
	return ret;
}

/* Killable failure returns -EINTR without touching the lock. */
int ok_killable_fail_return(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	int ret;

	ret = mmap_write_lock_killable(mm);
	if (ret)
		return ret;
	vma = vma_lookup(mm, addr);
	if (!vma) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	vma->vm_flags |= VM_LOCKED;
out_unlock:
	mmap_write_unlock(mm);
	return ret;
}

/* A failed trylock jumps to the unlock. */
int bad_trylock_fail_unlock(struct mm_struct *mm, unsigned long addr)
{
	int ret = -EAGAIN;

	if (!mmap_read_trylock(mm))
		goto out;
	ret = vma_lookup(mm, addr) ? 0 : -ENOENT;
out:
	mmap_read_unlock(mm); // expect: mmap-lock-unbalanced-unlock
	return ret;
}

/* Trylock with the result kept in a variable; only the success path unlocks. */
int ok_trylock_result_variable(struct mm_struct *mm, unsigned long addr)
{
	bool locked = mmap_read_trylock(mm);
	int ret = -EAGAIN;

	if (locked) {
		ret = vma_lookup(mm, addr) ? 0 : -ENOENT;
		mmap_read_unlock(mm);
	}
	return ret;
}

/* Pre-5.8 style down_read_killable() failure path calling up_read(). */
int bad_down_read_killable_fail_up_read(struct mm_struct *mm, unsigned long addr)
{
	int ret;

	ret = down_read_killable(&mm->mmap_lock);
	if (!ret)
		ret = find_vma(mm, addr) ? 0 : -ENOMEM;
	up_read(&mm->mmap_lock); // expect: mmap-lock-unbalanced-unlock
	return ret;
}

/* GUP with &locked: unlock only when GUP left the lock held. */
long ok_gup_locked_conditional_unlock(struct mm_struct *mm, unsigned long addr,
				      struct page **pagep)
{
	int locked = 1;
	long ret;

	mmap_read_lock(mm);
	ret = get_user_pages_remote(mm, addr, 1, 0, pagep, NULL, &locked);
	if (locked)
		mmap_read_unlock(mm);
	return ret;
}
