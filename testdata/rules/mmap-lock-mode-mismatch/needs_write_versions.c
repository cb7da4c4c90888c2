// mmlint-kernel-version: 6.1 6.12 unknown
#include <linux/mm.h>

/* Write requirements are version-keyed (rules/entry.toml needs_write): vm_flags_set()
 * needs the write lock since 6.3, expand_stack_locked() and find_extend_vma_locked()
 * since 6.1.37. A 6.1 tree (6.1.0) has neither, so the 6.1 run reports nothing; with
 * the kernel unknown every entry applies. */

/* 6.1.192 fs/binfmt_elf.c:299-301: the write lock around find_extend_vma_locked(). */
int ok_extend_under_write(struct mm_struct *mm, unsigned long p)
{
	struct vm_area_struct *vma;

	if (mmap_write_lock_killable(mm))
		return -4;
	vma = find_extend_vma_locked(mm, p);
	mmap_write_unlock(mm);
	if (!vma)
		return -14;
	return 0;
}

/* The same under the read lock: another thread may look the stack VMA up meanwhile. */
int bad_extend_under_read(struct mm_struct *mm, unsigned long p)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = find_extend_vma_locked(mm, p); // expect@6.12: mmap-lock-mode-mismatch // expect@unknown: mmap-lock-mode-mismatch
	mmap_read_unlock(mm);
	if (!vma)
		return -14;
	return 0;
}

/* 6.1.192 fs/exec.c:802-862: setup_arg_pages() expands under the write lock. */
int ok_expand_locked_under_write(struct mm_struct *mm, struct vm_area_struct *vma,
				 unsigned long base)
{
	int ret;

	mmap_write_lock(mm);
	ret = expand_stack_locked(vma, base);
	mmap_write_unlock(mm);
	return ret;
}

/* A direct change to the VMA: vma-modified-without-write-lock (6.3+ data only). */
void bad_flags_under_read(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (vma)
		vm_flags_set(vma, VM_READ); // expect@6.12: vma-modified-without-write-lock // expect@unknown: vma-modified-without-write-lock
	mmap_read_unlock(mm);
}
