#include <linux/mm.h>

/* get_user_pages_fast() falls back to taking mmap_lock itself: with it held, self-deadlock. */
long bad_gup_fast_under_lock(unsigned long addr, struct page **pagep)
{
	long ret;

	mmap_read_lock(current->mm);
	ret = get_user_pages_fast(addr, 1, FOLL_WRITE, pagep); // expect: gup-while-mmap-locked
	mmap_read_unlock(current->mm);
	return ret;
}

/* The same through a local alias of current->mm, with the _unlocked variant. */
long bad_gup_unlocked_under_alias(unsigned long addr, struct page **pagep)
{
	struct mm_struct *mm = current->mm;
	long ret;

	mmap_write_lock(mm);
	ret = pin_user_pages_unlocked(addr, 1, pagep, FOLL_WRITE); // expect: gup-while-mmap-locked
	mmap_write_unlock(mm);
	return ret;
}

/* Called after the unlock: fine. */
long ok_gup_fast_after_unlock(unsigned long addr, struct page **pagep)
{
	struct vm_area_struct *vma;
	bool io;

	mmap_read_lock(current->mm);
	vma = vma_lookup(current->mm, addr);
	io = vma && (vma->vm_flags & VM_IO);
	mmap_read_unlock(current->mm);
	if (io)
		return -EINVAL;
	return get_user_pages_fast(addr, 1, FOLL_WRITE, pagep);
}

/* Holding another mm's lock is not this lock: no report. */
long ok_gup_fast_other_mm(struct mm_struct *other, unsigned long addr, struct page **pagep)
{
	long ret;

	mmap_read_lock(other);
	ret = get_user_pages_fast(addr, 1, 0, pagep);
	mmap_read_unlock(other);
	return ret;
}

#define CMD_FAST 1
#define CMD_PIN_FAST 2
#define CMD_BASIC 3

/* Linux 6.1 mm/gup_test.c __gup_test_ioctl() shape: the lock is taken only for commands
 * that are not the _fast one, and `case CMD_FAST:` is reached only without it. */
long ok_lock_only_for_slow_commands(unsigned int cmd, unsigned long addr, struct page **pagep)
{
	bool needs_mmap_lock = cmd != CMD_FAST && cmd != CMD_PIN_FAST;
	long nr = 0;

	if (needs_mmap_lock && mmap_read_lock_killable(current->mm))
		return -EINTR;
	switch (cmd) {
	case CMD_FAST:
		nr = get_user_pages_fast(addr, 1, 0, pagep);
		break;
	case CMD_PIN_FAST:
		nr = pin_user_pages_fast(addr, 1, 0, pagep);
		break;
	case CMD_BASIC:
		nr = get_user_pages(addr, 1, 0, pagep, NULL);
		break;
	}
	if (needs_mmap_lock)
		mmap_read_unlock(current->mm);
	return nr;
}

/* Like include/uapi/asm-generic/ioctl.h: ioctl numbers built with sizeof inside ?: and a
 * character literal, which clang folds for `case` labels (and mmlint for comparisons). */
struct gup_test_args {
	unsigned long addr, size;
};
extern unsigned int __invalid_size_argument;
#define TYPECHECK(t) ((sizeof(t) == sizeof(t[1]) && sizeof(t) < 16384) ? sizeof(t) : __invalid_size_argument)
#define IOWR(type, nr, size) ((3U << 30) | ((type) << 8) | (nr) | (TYPECHECK(size) << 16))
#define GUP_FAST_BENCH IOWR('g', 1, struct gup_test_args)
#define PIN_FAST_BENCH IOWR('g', 2, struct gup_test_args)
#define GUP_BASIC IOWR('g', 3, struct gup_test_args)

/* Linux 6.1 mm/gup_test.c __gup_test_ioctl(), with its real kind of command numbers. */
long ok_gup_test_ioctl_numbers(unsigned int cmd, unsigned long addr, struct page **pagep)
{
	bool needs_mmap_lock = cmd != GUP_FAST_BENCH && cmd != PIN_FAST_BENCH;
	long nr = 0;

	if (needs_mmap_lock && mmap_read_lock_killable(current->mm))
		return -EINTR;
	switch (cmd) {
	case GUP_FAST_BENCH:
		nr = get_user_pages_fast(addr, 1, 0, pagep);
		break;
	case PIN_FAST_BENCH:
		nr = pin_user_pages_fast(addr, 1, 0, pagep);
		break;
	case GUP_BASIC:
		nr = get_user_pages(addr, 1, 0, pagep, NULL);
		break;
	}
	if (needs_mmap_lock)
		mmap_read_unlock(current->mm);
	return nr;
}

/* get_user_pages_fast_only() never falls back to the slow path: it takes no lock, so it
 * may run under one, and needs none (rules/gup.toml `lockless`). */
int ok_fast_only_under_lock(unsigned long addr, struct page **pagep)
{
	int ret;

	mmap_read_lock(current->mm);
	ret = get_user_pages_fast_only(addr, 1, FOLL_WRITE, pagep);
	mmap_read_unlock(current->mm);
	return ret;
}

static int fast_only_helper(unsigned long addr, struct page **pagep)
{
	return get_user_pages_fast_only(addr, 1, 0, pagep);
}

int ok_fast_only_helper_under_lock(unsigned long addr, struct page **pagep)
{
	int ret;

	mmap_write_lock(current->mm);
	ret = fast_only_helper(addr, pagep);
	mmap_write_unlock(current->mm);
	return ret;
}
