// mmlint-kernel-version: 6.1 6.12
/* Linux 6.12's munmap helpers: do_vmi_munmap(..., unlock) and do_vmi_align_munmap(...,
 * unlock) return 0 with the mmap write lock dropped when `unlock` is true, and an error with
 * it held (6.12 mm/vma.c:1348-1349, 1396-1397). The functions below are reduced from 6.12
 * mm/mmap.c brk() (:160-215), __vm_munmap() (:1636-1651) and mm/mremap.c mremap() (:1160-1270).
 *
 * Run under 6.1 and 6.12 data: 6.1 has no such helpers (its do_mas_munmap() downgrades and
 * returns 1), so with 6.1's data the unlocking call is unknown and the paths it unlocks look
 * like leaks: the false reports of the 6.12 corpus before the 6.12 entries (expect@6.1). */
#include <linux/mm.h>

/* Declared here, not only under -DMMLINT_KERNEL_6_12, so that the same text builds for both
 * runs (the 6.12 run sees the header's identical declarations too). */
int do_vmi_munmap(struct vma_iterator *vmi, struct mm_struct *mm, unsigned long start,
		  size_t len, struct list_head *uf, bool unlock);
int do_vmi_align_munmap(struct vma_iterator *vmi, struct vm_area_struct *vma,
			struct mm_struct *mm, unsigned long start, unsigned long end,
			struct list_head *uf, bool unlock);
void userfaultfd_unmap_complete(struct mm_struct *mm, struct list_head *uf);

/* 6.12 mm/mmap.c __vm_munmap(): the lock is dropped by the helper on success when `unlock`,
 * and by the caller otherwise. */
int ok_vm_munmap(unsigned long start, size_t len, bool unlock)
{
	int ret;
	struct mm_struct *mm = current->mm;
	struct list_head uf;
	VMA_ITERATOR(vmi, mm, start);

	if (mmap_write_lock_killable(mm))
		return -EINTR;

	ret = do_vmi_munmap(&vmi, mm, start, len, &uf, unlock);
	if (ret || !unlock)
		mmap_write_unlock(mm);

	userfaultfd_unmap_complete(mm, &uf);
	return ret; // expect@6.1: mmap-lock-leak
}

/* The helper leaves the lock held when it fails: returning its error without unlocking
 * leaks it (with either version's data: with 6.1's the call is unknown and keeps the lock). */
int bad_munmap_error_keeps_lock(unsigned long start, size_t len)
{
	int ret;
	struct mm_struct *mm = current->mm;
	struct list_head uf;
	VMA_ITERATOR(vmi, mm, start);

	if (mmap_write_lock_killable(mm))
		return -EINTR;

	ret = do_vmi_munmap(&vmi, mm, start, len, &uf, true);
	if (ret < 0)
		return ret; // expect: mmap-lock-leak
	userfaultfd_unmap_complete(mm, &uf);
	return 0;
}

/* Unlocking after the helper succeeded with `unlock` releases the lock a second time. */
int bad_unlock_after_munmap_unlocked(struct mm_struct *mm, unsigned long start, size_t len)
{
	int ret;
	struct list_head uf;
	VMA_ITERATOR(vmi, mm, start);

	mmap_write_lock(mm);
	ret = do_vmi_munmap(&vmi, mm, start, len, &uf, true);
	mmap_write_unlock(mm); // expect@6.12: mmap-lock-unbalanced-unlock
	return ret;
}

int do_brk_flags(struct vma_iterator *vmi, struct vm_area_struct *brkvma, unsigned long addr,
		 unsigned long request, unsigned long flags);

/* 6.12 brk(): shrinking, do_vmi_align_munmap(..., true) drops the lock on success and
 * jumps past the unlock at `success`; growing unlocks at `success`; errors unlock at `out`. */
unsigned long ok_brk(struct mm_struct *mm, unsigned long brk)
{
	struct vm_area_struct *brkvma;
	unsigned long oldbrk = PAGE_ALIGN(mm->brk);
	unsigned long newbrk = PAGE_ALIGN(brk);
	struct list_head uf;
	VMA_ITERATOR(vmi, mm, newbrk);

	if (mmap_write_lock_killable(mm))
		return -EINTR;

	if (brk <= mm->brk) {
		brkvma = vma_find(&vmi, oldbrk);
		if (!brkvma || brkvma->vm_start >= oldbrk)
			goto out;
		mm->brk = brk;
		if (do_vmi_align_munmap(&vmi, brkvma, mm, newbrk, oldbrk, &uf,
					/* unlock = */ true))
			goto out;

		goto success_unlocked;
	}

	if (do_brk_flags(&vmi, NULL, oldbrk, newbrk - oldbrk, 0) < 0)
		goto out;
	mm->brk = brk;

success:
	mmap_write_unlock(mm);
success_unlocked:
	userfaultfd_unmap_complete(mm, &uf);
	return brk; // expect@6.1: mmap-lock-leak

out:
	mmap_write_unlock(mm);
	return mm->brk;
}

/* The shrink path of 6.12 mremap(): unlock on success, the error path unlocks at `out`. */
unsigned long ok_mremap_shrink(unsigned long addr, unsigned long old_len, unsigned long new_len)
{
	struct mm_struct *mm = current->mm;
	unsigned long ret = -EINVAL;
	struct list_head uf_unmap;

	if (mmap_write_lock_killable(current->mm))
		return -EINTR;

	if (old_len >= new_len) {
		VMA_ITERATOR(vmi, mm, addr + new_len);

		if (old_len == new_len) {
			ret = addr;
			goto out;
		}

		ret = do_vmi_munmap(&vmi, mm, addr + new_len, old_len - new_len,
				    &uf_unmap, true);
		if (ret)
			goto out;

		ret = addr;
		goto out_unlocked;
	}
out:
	mmap_write_unlock(current->mm);
out_unlocked:
	userfaultfd_unmap_complete(mm, &uf_unmap);
	return ret; // expect@6.1: mmap-lock-leak
}

/* A VMA found before the unlocking helper is dead after it succeeded. */
unsigned long bad_vma_after_munmap_unlock(struct mm_struct *mm, unsigned long start,
					  size_t len)
{
	struct vm_area_struct *vma;
	struct list_head uf;
	unsigned long flags;
	VMA_ITERATOR(vmi, mm, start);

	if (mmap_write_lock_killable(mm))
		return 0;
	vma = vma_find(&vmi, start + len);
	if (!vma) {
		mmap_write_unlock(mm);
		return 0;
	}
	if (do_vmi_munmap(&vmi, mm, start, len, &uf, true)) {
		mmap_write_unlock(mm);
		return 0;
	}
	flags = vma->vm_flags; // expect@6.12: dangling-vma
	return flags;
}
