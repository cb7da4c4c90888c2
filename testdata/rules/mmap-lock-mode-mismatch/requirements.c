#include <linux/mm.h>
#include <linux/fs.h>

/* Write requirements (rules/entry.toml needs_write): vm_flags_set() needs the mmap_lock
 * held for write, directly or through a callee's summary. */

int mmlint_use(unsigned long x);

/* A helper that sets flags: its callers must hold the write lock. */
static void mark_locked(struct vm_area_struct *vma)
{
	vm_flags_set(vma, VM_WRITE);
}

/* Read-held: vm_flags_set() needs write. A direct change to a VMA under a read hold this
 * function took is vma-modified-without-write-lock's (one report, not two); through a
 * helper, below, it is a write requirement not met at the call. */
void bad_flags_under_read(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (vma)
		vm_flags_set(vma, VM_READ); // expect: vma-modified-without-write-lock
	mmap_read_unlock(mm);
}

/* Two calls deep: the helper's requirement is checked at the call. */
void bad_helper_under_read(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (vma)
		mark_locked(vma); // expect: mmap-lock-mode-mismatch
	mmap_read_unlock(mm);
}

void ok_helper_under_write(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_write_lock(mm);
	vma = find_vma(mm, addr);
	if (vma)
		mark_locked(vma);
	mmap_write_unlock(mm);
}

/* An assertion that accepts either mode says nothing of the mode: the write requirement
 * goes on to the callers. */
void ok_assert_any_then_flags(struct vm_area_struct *vma)
{
	mmap_assert_locked(vma->vm_mm);
	vm_flags_set(vma, VM_READ);
}

/* .mmap runs under the write lock: setting flags there is the common idiom. */
static int ok_mmap(struct file *f, struct vm_area_struct *vma)
{
	mark_locked(vma);
	vm_flags_clear(vma, VM_EXEC);
	return 0;
}

static const struct file_operations mmlint_fops = {
	.mmap = ok_mmap,
};
