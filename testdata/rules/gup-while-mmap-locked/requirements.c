#include <linux/mm.h>

/*
 * A function that calls a GUP variant taking mmap_lock itself (on a lock still in its
 * entry state) passes "must not be held" to its callers through its summary: the call
 * under the lock is reported where the lock is held, with notes down to the GUP call.
 */

/* Two calls deep: helper -> get_user_pages_fast(). */
static int pin_one_fast(unsigned long addr, struct page **pagep)
{
	return get_user_pages_fast(addr, 1, FOLL_WRITE, pagep);
}

int bad_helper_fast_under_lock(unsigned long addr, struct page **pagep)
{
	int ret;

	mmap_read_lock(current->mm);
	ret = pin_one_fast(addr, pagep); // expect: gup-while-mmap-locked
	mmap_read_unlock(current->mm);
	return ret;
}

/* Three calls deep: wrapper -> helper -> pin_user_pages_unlocked(). */
static long pin_range_unlocked(unsigned long addr, unsigned long n, struct page **pages)
{
	return pin_user_pages_unlocked(addr, n, pages, FOLL_WRITE);
}

static long pin_range(unsigned long addr, unsigned long n, struct page **pages)
{
	if (!n)
		return 0;
	return pin_range_unlocked(addr, n, pages);
}

long bad_wrapper_unlocked_under_write_lock(unsigned long addr, struct page **pages)
{
	struct mm_struct *mm = current->mm;
	long ret;

	mmap_write_lock(mm);
	ret = pin_range(addr, 4, pages); // expect: gup-while-mmap-locked
	mmap_write_unlock(mm);
	return ret;
}

/* The same helpers called after the unlock, or without the lock: fine. */
long ok_wrapper_after_unlock(unsigned long addr, struct page **pages)
{
	struct vm_area_struct *vma;
	bool io;

	mmap_read_lock(current->mm);
	vma = vma_lookup(current->mm, addr);
	io = vma && (vma->vm_flags & VM_IO);
	mmap_read_unlock(current->mm);
	if (io)
		return -EINVAL;
	return pin_range(addr, 4, pages) + pin_one_fast(addr, pages);
}

/* Another mm's lock is not current->mm's: fine. */
int ok_helper_under_other_mm(struct mm_struct *other, unsigned long addr, struct page **pagep)
{
	int ret;

	mmap_read_lock(other);
	ret = pin_one_fast(addr, pagep);
	mmap_read_unlock(other);
	return ret;
}

/* A helper that drops the lock before its fast GUP asks nothing of its callers. */
static int pin_after_own_unlock(unsigned long addr, struct page **pagep)
{
	mmap_read_lock(current->mm);
	if (!vma_lookup(current->mm, addr)) {
		mmap_read_unlock(current->mm);
		return -EFAULT;
	}
	mmap_read_unlock(current->mm);
	return get_user_pages_fast(addr, 1, 0, pagep);
}

int ok_caller_of_self_locking_helper(unsigned long addr, struct page **pagep)
{
	return pin_after_own_unlock(addr, pagep);
}
