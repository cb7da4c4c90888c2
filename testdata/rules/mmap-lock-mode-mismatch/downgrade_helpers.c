#include <linux/list.h>
#include <linux/mm.h>
#include <linux/userfaultfd_k.h>
#include <mm/internal.h>

/*
 * Regressions for false positives on real Linux 6.1.192 mm/mmap.c: do_mas_munmap() and
 * do_brk_munmap() return 1 exactly when they downgraded the write lock to read;
 * do_mas_munmap() only downgrades when its last argument (downgrade) is non-zero.
 */

/* Linux 6.1 mm/mmap.c __vm_munmap(): ret == 1 says the lock is now held for read. */
int ok___vm_munmap(unsigned long start, size_t len, bool downgrade)
{
	int ret;
	struct mm_struct *mm = current->mm;
	LIST_HEAD(uf);
	MA_STATE(mas, &mm->mm_mt, start, start);

	if (mmap_write_lock_killable(mm))
		return -EINTR;

	ret = do_mas_munmap(&mas, mm, start, len, &uf, downgrade);
	/*
	 * Returning 1 indicates mmap_lock is downgraded.
	 * But 1 is not legal return value of vm_munmap() and munmap(), reset
	 * it to 0 before return.
	 */
	if (ret == 1) {
		mmap_read_unlock(mm);
		ret = 0;
	} else
		mmap_write_unlock(mm);

	userfaultfd_unmap_complete(mm, &uf);
	return ret;
}

/* Linux 6.1 mm/mmap.c vm_brk_flags(): do_mas_munmap(..., 0) never downgrades, so a
 * non-zero result (an error) still holds the write lock, released at munmap_failed. */
int ok_vm_brk_flags(unsigned long addr, unsigned long request, unsigned long flags)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma = NULL;
	unsigned long len;
	int ret;
	bool populate;
	LIST_HEAD(uf);
	MA_STATE(mas, &mm->mm_mt, addr, addr);

	len = PAGE_ALIGN(request);
	if (len < request)
		return -ENOMEM;
	if (!len)
		return 0;

	/* Until we need other flags, refuse anything except VM_EXEC. */
	if ((flags & (~VM_EXEC)) != 0)
		return -EINVAL;

	if (mmap_write_lock_killable(mm))
		return -EINTR;

	ret = check_brk_limits(addr, len);
	if (ret)
		goto limits_failed;

	ret = do_mas_munmap(&mas, mm, addr, len, &uf, 0);
	if (ret)
		goto munmap_failed;

	vma = mas_prev(&mas, 0);
	ret = do_brk_flags(&mas, vma, addr, len, flags);
	populate = ((mm->def_flags & VM_LOCKED) != 0);
	mmap_write_unlock(mm);
	userfaultfd_unmap_complete(mm, &uf);
	if (populate && !ret)
		mm_populate(addr, len);
	return ret;

munmap_failed:
limits_failed:
	mmap_write_unlock(mm);
	return ret;
}

/* Linux 6.1 mm/mmap.c brk() (SYSCALL_DEFINE1(brk), CONFIG_COMPAT_BRK=n, the rlimit check
 * and stack_guard_gap/vm_start_gap() dropped): do_brk_munmap() on the VMA from mas_find(); its result
 * sets `downgraded`, and the release at success: follows it. */
unsigned long ok_brk(unsigned long brk)
{
	unsigned long newbrk, oldbrk, origbrk;
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *brkvma, *next = NULL;
	unsigned long min_brk;
	bool populate;
	bool downgraded = false;
	LIST_HEAD(uf);
	MA_STATE(mas, &mm->mm_mt, 0, 0);

	if (mmap_write_lock_killable(mm))
		return -EINTR;

	origbrk = mm->brk;

	min_brk = mm->start_brk;
	if (brk < min_brk)
		goto out;

	newbrk = PAGE_ALIGN(brk);
	oldbrk = PAGE_ALIGN(mm->brk);
	if (oldbrk == newbrk) {
		mm->brk = brk;
		goto success;
	}

	/*
	 * Always allow shrinking brk.
	 * do_brk_munmap() may downgrade mmap_lock to read.
	 */
	if (brk <= mm->brk) {
		int ret;

		/* Search one past newbrk */
		mas_set(&mas, newbrk);
		brkvma = mas_find(&mas, oldbrk);
		if (!brkvma || brkvma->vm_start >= oldbrk)
			goto out; /* mapping intersects with an existing non-brk vma. */
		/*
		 * mm->brk must be protected by write mmap_lock.
		 * do_brk_munmap() may downgrade the lock,  so update it
		 * before calling do_brk_munmap().
		 */
		mm->brk = brk;
		ret = do_brk_munmap(&mas, brkvma, newbrk, oldbrk, &uf);
		if (ret == 1)  {
			downgraded = true;
			goto success;
		} else if (!ret)
			goto success;

		mm->brk = origbrk;
		goto out;
	}

	if (check_brk_limits(oldbrk, newbrk - oldbrk))
		goto out;

	/*
	 * Only check if the next VMA is within the stack_guard_gap of the
	 * expansion area
	 */
	mas_set(&mas, oldbrk);
	next = mas_find(&mas, newbrk - 1 + PAGE_SIZE);
	if (next && newbrk + PAGE_SIZE > next->vm_start)
		goto out;

	brkvma = mas_prev(&mas, mm->start_brk);
	/* Ok, looks good - let it rip. */
	if (do_brk_flags(&mas, brkvma, oldbrk, newbrk - oldbrk, 0) < 0)
		goto out;

	mm->brk = brk;

success:
	populate = newbrk > oldbrk && (mm->def_flags & VM_LOCKED) != 0;
	if (downgraded)
		mmap_read_unlock(mm);
	else
		mmap_write_unlock(mm);
	userfaultfd_unmap_complete(mm, &uf);
	if (populate)
		mm_populate(oldbrk, newbrk - oldbrk);
	return brk;

out:
	mmap_write_unlock(mm);
	return origbrk;
}

/* Linux 6.1 mm/mmap.c __vm_munmap() releasing for write whatever do_mas_munmap() returned:
 * with a downgrade argument that may be true, ret == 1 leaves a read hold. */
int bad___vm_munmap_ignores_downgrade(unsigned long start, size_t len, bool downgrade)
{
	int ret;
	struct mm_struct *mm = current->mm;
	LIST_HEAD(uf);
	MA_STATE(mas, &mm->mm_mt, start, start);

	if (mmap_write_lock_killable(mm))
		return -EINTR;

	ret = do_mas_munmap(&mas, mm, start, len, &uf, downgrade);
	mmap_write_unlock(mm); // expect: mmap-lock-mode-mismatch
	userfaultfd_unmap_complete(mm, &uf);
	return ret == 1 ? 0 : ret;
}

/* Linux 6.1 mm/mmap.c brk() shrink path without the `downgraded` flag: do_brk_munmap()
 * always asks to downgrade, so its success (1) leaves a read hold. */
unsigned long bad_brk_shrink_ignores_downgrade(unsigned long brk)
{
	unsigned long newbrk, oldbrk, origbrk;
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *brkvma;
	LIST_HEAD(uf);
	MA_STATE(mas, &mm->mm_mt, 0, 0);
	int ret;

	if (mmap_write_lock_killable(mm))
		return -EINTR;

	origbrk = mm->brk;
	newbrk = PAGE_ALIGN(brk);
	oldbrk = PAGE_ALIGN(mm->brk);
	if (brk > mm->brk || oldbrk == newbrk)
		goto out;

	mas_set(&mas, newbrk);
	brkvma = mas_find(&mas, oldbrk);
	if (!brkvma || brkvma->vm_start >= oldbrk)
		goto out;
	mm->brk = brk;
	ret = do_brk_munmap(&mas, brkvma, newbrk, oldbrk, &uf);
	if (ret < 0) {
		mm->brk = origbrk;
		goto out;
	}
	mmap_write_unlock(mm); // expect: mmap-lock-mode-mismatch
	userfaultfd_unmap_complete(mm, &uf);
	return brk;

out:
	mmap_write_unlock(mm);
	return origbrk;
}
