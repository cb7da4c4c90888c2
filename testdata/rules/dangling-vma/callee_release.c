#include <linux/mm.h>
#include <linux/userfaultfd_k.h>

/* Calls that release the mmap_lock without being unlock calls (semantics.md section 3,
 * rules/droppers.toml and rules/gup.toml): GUP with &locked, handle_mm_fault(),
 * userfaultfd_remove(), fixup_user_fault(), and the 6.1.37+ expand_stack() /
 * lock_mm_and_find_vma() helpers. */

void bad_area_nosemaphore(struct pt_regs *regs, unsigned long error_code,
			  unsigned long address);
bool access_error(unsigned long error_code, struct vm_area_struct *vma);
int mmlint_copy(struct page *page, void *buf, int len);

/* A VMA looked up before GUP with &locked is stale after the call, even when *locked is
 * still 1 (semantics.md section 3). */
long bad_vma_used_after_gup_locked(struct mm_struct *mm, unsigned long addr,
				   struct page **pagep)
{
	struct vm_area_struct *vma;
	int locked = 1;
	long ret;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (!vma) {
		mmap_read_unlock(mm);
		return -EFAULT;
	}
	ret = get_user_pages_remote(mm, addr, 1, FOLL_WRITE, pagep, NULL, &locked);
	if (ret == 1 && (vma->vm_flags & VM_IO)) // expect: dangling-vma
		ret = -EINVAL;
	if (locked)
		mmap_read_unlock(mm);
	return ret;
}

/* GUP with &locked, then an unconditional unlock: when GUP dropped the lock (*locked == 0)
 * this is a second release. */
long bad_unlock_without_checking_locked(struct mm_struct *mm, unsigned long addr,
					struct page **pagep)
{
	int locked = 1;
	long ret;

	mmap_read_lock(mm);
	ret = get_user_pages_remote(mm, addr, 1, FOLL_WRITE, pagep, NULL, &locked);
	mmap_read_unlock(mm); // expect: mmap-lock-unbalanced-unlock
	return ret;
}

/* GUP with &locked, then a lookup on the path where GUP dropped the lock. */
bool bad_lookup_after_gup_dropped_lock(struct mm_struct *mm, unsigned long addr,
				       struct page **pagep)
{
	int locked = 1;
	bool found;

	mmap_read_lock(mm);
	get_user_pages_remote(mm, addr, 1, 0, pagep, NULL, &locked);
	found = find_vma(mm, addr) != NULL; // expect: vma-without-mmap-lock
	if (locked)
		mmap_read_unlock(mm);
	return found;
}

/* Linux 6.1 mm/madvise.c madvise_dontneed_free() (reduced): userfaultfd_remove() returned
 * false (lock dropped); the lock is re-taken and the VMA looked up again. */
long ok_madvise_dontneed_free(struct vm_area_struct *vma, struct vm_area_struct **prev,
			      unsigned long start, unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;

	*prev = vma;
	if (start == end)
		return 0;

	if (!userfaultfd_remove(vma, start, end)) {
		*prev = NULL; /* mmap_lock has been dropped, prev is stale */

		mmap_read_lock(mm);
		vma = find_vma(mm, start);
		if (!vma)
			return -ENOMEM;
		if (start < vma->vm_start)
			return -ENOMEM;
		if (end > vma->vm_end)
			end = vma->vm_end;
	}
	zap_page_range(vma, start, end - start);
	return 0;
}

/* The same, using the old VMA after userfaultfd_remove() dropped the lock. */
long bad_userfaultfd_remove_old_vma(struct vm_area_struct *vma, unsigned long start,
				    unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;

	if (!userfaultfd_remove(vma, start, end))
		mmap_read_lock(mm);
	zap_page_range(vma, start, end - start); // expect: dangling-vma
	return 0;
}

/* Linux 6.1 (6.1.37+) arch/x86/mm/fault.c do_user_addr_fault() (reduced): the lock comes
 * from lock_mm_and_find_vma(); handle_mm_fault() has released it when it returns
 * VM_FAULT_RETRY / VM_FAULT_COMPLETED (fault_signal_pending() implies VM_FAULT_RETRY). */
void ok_x86_do_user_addr_fault(struct pt_regs *regs, unsigned long error_code,
			       unsigned long address)
{
	struct vm_area_struct *vma;
	struct mm_struct *mm = current->mm;
	vm_fault_t fault;
	unsigned int flags = FAULT_FLAG_DEFAULT;

retry:
	vma = lock_mm_and_find_vma(mm, address, regs);
	if (unlikely(!vma)) {
		bad_area_nosemaphore(regs, error_code, address);
		return;
	}
	if (unlikely(access_error(error_code, vma))) {
		mmap_read_unlock(mm);
		bad_area_nosemaphore(regs, error_code, address);
		return;
	}

	fault = handle_mm_fault(vma, address, flags, regs);

	if (fault_signal_pending(fault, regs))
		return;

	/* The fault is fully completed (including releasing mmap lock) */
	if (fault & VM_FAULT_COMPLETED)
		return;

	if (unlikely(fault & VM_FAULT_RETRY)) {
		flags |= FAULT_FLAG_TRIED;
		goto retry;
	}

	mmap_read_unlock(mm);
}

/* handle_mm_fault() with FAULT_FLAG_ALLOW_RETRY returned VM_FAULT_RETRY or
 * VM_FAULT_COMPLETED: the lock is gone, and so is the VMA. */
unsigned long bad_vma_after_fault_retry(struct mm_struct *mm, unsigned long address,
					struct pt_regs *regs)
{
	struct vm_area_struct *vma;
	vm_fault_t fault;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, address);
	if (!vma) {
		mmap_read_unlock(mm);
		return 0;
	}
	fault = handle_mm_fault(vma, address, FAULT_FLAG_DEFAULT, regs);
	if (fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED))
		return vma->vm_flags; // expect: dangling-vma
	mmap_read_unlock(mm);
	return fault;
}

/* Linux 6.1 (6.1.37+) mm/memory.c __access_remote_vm() (reduced): expand_stack() returns
 * NULL with the lock already dropped, so `return 0` there does not leak. */
int ok_access_remote_vm_expand_stack(struct mm_struct *mm, unsigned long addr, void *buf,
				     int len, unsigned int gup_flags)
{
	struct vm_area_struct *vma;
	struct page *page = NULL;
	int ret;

	if (mmap_read_lock_killable(mm))
		return 0;

	/* We might need to expand the stack to access it */
	vma = vma_lookup(mm, addr);
	if (!vma) {
		vma = expand_stack(mm, addr);
		if (!vma)
			return 0;
	}

	ret = get_user_pages_remote(mm, addr, 1, gup_flags, &page, NULL, NULL);
	if (ret == 1) {
		ret = mmlint_copy(page, buf, len);
		put_page(page);
	}
	mmap_read_unlock(mm);
	return ret;
}

/* fixup_user_fault() set *unlocked: the lock was dropped and re-taken inside, so the VMA
 * looked up before is stale. */
unsigned long bad_vma_after_fixup_user_fault(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	bool unlocked = false;
	unsigned long flags = 0;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma && !fixup_user_fault(mm, addr, FAULT_FLAG_WRITE, &unlocked))
		flags = vma->vm_flags; // expect: dangling-vma
	mmap_read_unlock(mm);
	return flags;
}
