#include <linux/mm.h>

/* Linux 6.1 mm/internal.h / mm/mmap.c helpers, declared as in the real tree. */
struct list_head;
long populate_vma_page_range(struct vm_area_struct *vma, unsigned long start,
			     unsigned long end, int *locked);
int do_mas_munmap(struct ma_state *mas, struct mm_struct *mm, unsigned long start,
		  size_t len, struct list_head *uf, bool downgrade);
int do_brk_munmap(struct ma_state *mas, struct vm_area_struct *vma, unsigned long newbrk,
		  unsigned long oldbrk, struct list_head *uf);
int copy_page_to(struct page *page, void *buf, int len);

/* Linux 6.1.37+ mm/memory.c __access_remote_vm(): expand_stack(mm, addr) returns NULL with
 * the lock released, so the early return does not leak it. */
int ok_access_remote_vm(struct mm_struct *mm, unsigned long addr, void *buf, int len)
{
	struct vm_area_struct *vma;

	if (mmap_read_lock_killable(mm))
		return 0;
	vma = vma_lookup(mm, addr);
	if (!vma) {
		vma = expand_stack(mm, addr);
		if (!vma)
			return 0;
	}
	len = vma->vm_flags & VM_IO ? 0 : len;
	mmap_read_unlock(mm);
	return len;
}

/* A VMA looked up before expand_stack() is stale after it: expand_stack() drops the read
 * lock to take the write lock. */
unsigned long bad_vma_kept_across_expand_stack(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *prev, *vma;
	unsigned long flags = 0;

	mmap_read_lock(mm);
	prev = find_vma(mm, addr);
	vma = expand_stack(mm, addr);
	if (!vma)
		return 0;
	if (prev)
		flags = prev->vm_flags; // expect: dangling-vma
	mmap_read_unlock(mm);
	return flags;
}

/* Linux 6.4+ / 6.1.37+ arch/x86/mm/fault.c do_user_addr_fault() start: lock_mm_and_find_vma()
 * takes the lock and returns a VMA valid under it, or NULL with the lock released. */
int ok_lock_mm_and_find_vma(struct mm_struct *mm, unsigned long address, struct pt_regs *regs)
{
	struct vm_area_struct *vma;
	int write;

	vma = lock_mm_and_find_vma(mm, address, regs);
	if (!vma)
		return -EFAULT;
	write = !!(vma->vm_flags & VM_WRITE);
	mmap_read_unlock(mm);
	return write;
}

/* Linux 6.1 mm/mmap.c __vm_munmap(): do_mas_munmap() returns 1 when it downgraded the
 * write lock to read. */
int ok_vm_munmap(struct mm_struct *mm, unsigned long start, size_t len, bool downgrade)
{
	int ret;
	MA_STATE(mas, &mm->mm_mt, start, start);

	if (mmap_write_lock_killable(mm))
		return -EINTR;
	ret = do_mas_munmap(&mas, mm, start, len, NULL, downgrade);
	if (ret == 1) {
		mmap_read_unlock(mm);
		ret = 0;
	} else
		mmap_write_unlock(mm);
	return ret;
}

/* The same without looking at the result: on the downgraded path the write release is
 * wrong. */
int bad_vm_munmap_ignores_downgrade(struct mm_struct *mm, unsigned long start, size_t len)
{
	int ret;
	MA_STATE(mas, &mm->mm_mt, start, start);

	if (mmap_write_lock_killable(mm))
		return -EINTR;
	ret = do_mas_munmap(&mas, mm, start, len, NULL, true);
	mmap_write_unlock(mm); // expect: mmap-lock-mode-mismatch
	return ret < 0 ? ret : 0;
}

/* Linux 6.1 mm/mmap.c vm_brk_flags(): with downgrade == 0, do_mas_munmap() never downgrades,
 * so its failure path's write release is right. */
int ok_vm_brk_flags(struct mm_struct *mm, unsigned long addr, size_t len)
{
	int ret;
	MA_STATE(mas, &mm->mm_mt, addr, addr);

	if (mmap_write_lock_killable(mm))
		return -EINTR;
	ret = do_mas_munmap(&mas, mm, addr, len, NULL, 0);
	if (ret)
		goto munmap_failed;
	mmap_write_unlock(mm);
	return 0;

munmap_failed:
	mmap_write_unlock(mm);
	return ret;
}

/* Linux 6.1 mm/mmap.c brk(): do_brk_munmap() on a VMA from the maple tree; the result says
 * whether the lock was downgraded, and the release follows a flag. */
int ok_brk_shrink(struct mm_struct *mm, unsigned long newbrk, unsigned long oldbrk)
{
	struct vm_area_struct *brkvma;
	bool downgraded = false;
	int ret;
	MA_STATE(mas, &mm->mm_mt, 0, 0);

	if (mmap_write_lock_killable(mm))
		return -EINTR;
	brkvma = mas_find(&mas, oldbrk);
	if (!brkvma || brkvma->vm_start >= oldbrk)
		goto out;
	ret = do_brk_munmap(&mas, brkvma, newbrk, oldbrk, NULL);
	if (ret == 1) {
		downgraded = true;
		goto success;
	} else if (!ret)
		goto success;
	goto out;

success:
	if (downgraded)
		mmap_read_unlock(mm);
	else
		mmap_write_unlock(mm);
	return 0;

out:
	mmap_write_unlock(mm);
	return -ENOMEM;
}

/* Linux 6.1 mm/gup.c __mm_populate() (reduced): populate_vma_page_range() follows GUP's
 * `locked` protocol; while `locked` stays 1 the lock was never dropped and vma is valid. */
long ok_mm_populate(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma = NULL;
	unsigned long nstart, nend;
	int locked = 0;
	long ret = 0;

	for (nstart = start; nstart < end; nstart = nend) {
		if (!locked) {
			locked = 1;
			mmap_read_lock(mm);
			vma = find_vma_intersection(mm, nstart, end);
		} else if (nstart >= vma->vm_end)
			vma = find_vma_intersection(mm, vma->vm_end, end);
		if (!vma)
			break;
		nend = end < vma->vm_end ? end : vma->vm_end;
		ret = populate_vma_page_range(vma, nstart, nend, &locked);
		if (ret < 0)
			break;
		nend = nstart + ret * PAGE_SIZE;
		ret = 0;
	}
	if (locked)
		mmap_read_unlock(mm);
	return ret;
}
