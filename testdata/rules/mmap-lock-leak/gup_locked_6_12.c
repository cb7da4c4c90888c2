// mmlint-kernel-version: 6.12 unknown
// mmlint-args: -DMMLINT_KERNEL_6_12
/* Linux 6.12's __get_user_pages_locked() (mm/gup.c:1708-1866): with *locked == 1 it follows
 * GUP's `locked` protocol; with *locked == 0 it takes the read lock itself, says so with
 * *locked = 1, and drops it again before returning (`must_unlock`). __get_user_pages()
 * (gup.c:1427) drops the lock and clears *locked when a fault had to wait. Reduced: the
 * retry loop keeps the lock handling, the page accounting is gone.
 *
 * Also run with the version unknown: the 6.12 declarations in <mm/internal.h> pick the
 * 6.12 entries (6.1's __get_user_pages_locked has 7 arguments). */
#include <linux/mm.h>
#include <mm/internal.h>

long __get_user_pages_locked(struct mm_struct *mm, unsigned long start,
			     unsigned long nr_pages, struct page **pages,
			     int *locked, unsigned int flags)
{
	long ret, pages_done;
	bool must_unlock = false;

	if (!nr_pages)
		return 0;

	if (!*locked) {
		if (mmap_read_lock_killable(mm))
			return -EAGAIN;
		must_unlock = true;
		*locked = 1;
	}
	else
		mmap_assert_locked(mm);

	pages_done = 0;
	for (;;) {
		ret = __get_user_pages(mm, start, nr_pages, flags, pages, locked);
		if (!(flags & FOLL_UNLOCKABLE)) {
			pages_done = ret;
			break;
		}
		if (ret > 0) {
			nr_pages -= ret;
			pages_done += ret;
			if (!nr_pages)
				break;
		}
		if (*locked) {
			if (!pages_done)
				pages_done = ret;
			break;
		}
		start += ret << PAGE_SHIFT;
		/* The lock was temporarily dropped, so we must unlock later */
		must_unlock = true;

retry:
		ret = mmap_read_lock_killable(mm);
		if (ret) {
			if (!pages_done)
				pages_done = ret;
			break;
		}

		*locked = 1;
		ret = __get_user_pages(mm, start, 1, flags | FOLL_TRIED, pages, locked);
		if (!*locked)
			goto retry;
		if (ret != 1) {
			if (!pages_done)
				pages_done = ret;
			break;
		}
		nr_pages--;
		pages_done++;
		if (!nr_pages)
			break;
		start += PAGE_SIZE;
	}
	if (must_unlock && *locked) {
		mmap_read_unlock(mm);
		*locked = 0;
	}

	if (WARN_ON_ONCE(pages_done == 0 && !(flags & FOLL_NOWAIT)))
		return -EFAULT;

	return pages_done;
}

/* The same without the final unlock: when the caller passed *locked == 0, the lock taken
 * here is still held on return. */
long bad_get_user_pages_locked_keeps_lock(struct mm_struct *mm, unsigned long start,
					  unsigned long nr_pages, struct page **pages,
					  int *locked, unsigned int flags)
{
	long ret;

	if (!*locked) {
		if (mmap_read_lock_killable(mm))
			return -EAGAIN;
		*locked = 1;
	}
	ret = __get_user_pages(mm, start, nr_pages, flags, pages, locked);
	if (ret == 0)
		return -EFAULT; // expect: mmap-lock-leak
	return ret; // expect: mmap-lock-leak
}

/* 6.12 get_dump_page() (gup.c:2273-2283): called without the lock, *locked == 0 makes
 * __get_user_pages_locked() take it. */
struct page *ok_get_dump_page(unsigned long addr)
{
	struct page *page;
	int locked = 0;
	long ret;

	ret = __get_user_pages_locked(current->mm, addr, 1, &page, &locked,
				      FOLL_FORCE | FOLL_DUMP | FOLL_GET);
	return (ret == 1) ? page : NULL;
}

/* The same with the lock held: __get_user_pages_locked() would take it a second time. */
struct page *bad_get_dump_page_locked(struct mm_struct *mm, unsigned long addr)
{
	struct page *page = NULL;
	int locked = 0;
	long ret;

	mmap_read_lock(mm);
	ret = __get_user_pages_locked(mm, addr, 1, &page, &locked, FOLL_GET); // expect: gup-while-mmap-locked
	mmap_read_unlock(mm);
	return (ret == 1) ? page : NULL;
}

/* 6.12 get_user_pages() (gup.c:2739-2750): *locked == 1, the caller's hold; the GUP does not
 * drop it without FOLL_UNLOCKABLE, so the VMA stays valid. */
long ok_get_user_pages_locked_one(struct mm_struct *mm, unsigned long start,
				  struct page **pages)
{
	struct vm_area_struct *vma;
	int locked = 1;
	long ret;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, start);
	if (!vma) {
		mmap_read_unlock(mm);
		return -EFAULT;
	}
	ret = __get_user_pages_locked(mm, start, 1, pages, &locked, FOLL_GET);
	if (locked) {
		if (vma->vm_flags & VM_IO)
			ret = -EFAULT;
		mmap_read_unlock(mm);
	}
	return ret;
}

/* 6.12 madvise_populate() (mm/madvise.c:961-998): faultin_page_range() may drop the lock and
 * clear `locked`; the loop takes it again. Entered and left with the read lock held. */
long ok_madvise_populate(struct mm_struct *mm, unsigned long start, unsigned long end,
			 bool write)
{
	int locked = 1;
	long pages;

	while (start < end) {
		pages = faultin_page_range(mm, start, end, write, &locked);
		if (!locked) {
			mmap_read_lock(mm);
			locked = 1;
		}
		if (pages < 0)
			return pages;
		start += pages * PAGE_SIZE;
	}
	return 0;
}
