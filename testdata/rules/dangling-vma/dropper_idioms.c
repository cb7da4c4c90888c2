#include <linux/mm.h>
#include <linux/userfaultfd_k.h>

int zap(struct vm_area_struct *vma, unsigned long start, unsigned long end);

/* Scalars computed before handle_mm_fault() stay valid after it. */
unsigned long ok_scalars_before_fault(struct mm_struct *mm, unsigned long address,
				      struct pt_regs *regs)
{
	struct vm_area_struct *vma;
	unsigned long flags;
	vm_fault_t fault;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, address);
	if (!vma) {
		mmap_read_unlock(mm);
		return 0;
	}
	flags = vma->vm_flags;
	fault = handle_mm_fault(vma, address, FAULT_FLAG_DEFAULT, regs);
	if (fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED))
		return flags;
	mmap_read_unlock(mm);
	return flags;
}

/* Even when handle_mm_fault() kept the lock, the VMA passed in may have been replaced
 * (userfaultfd drops and re-takes the lock): it must be looked up again. */
unsigned long bad_vma_after_fault_kept_lock(struct mm_struct *mm, unsigned long address,
					    struct pt_regs *regs)
{
	struct vm_area_struct *vma;
	unsigned long flags;
	vm_fault_t fault;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, address);
	if (!vma) {
		mmap_read_unlock(mm);
		return 0;
	}
	fault = handle_mm_fault(vma, address, FAULT_FLAG_DEFAULT, regs);
	if (fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED))
		return 0;
	flags = vma->vm_flags; // expect: dangling-vma
	mmap_read_unlock(mm);
	return flags;
}

/* Re-lookup after a retry: fine. */
unsigned long ok_relookup_after_retry(struct mm_struct *mm, unsigned long address,
				      struct pt_regs *regs)
{
	struct vm_area_struct *vma;
	unsigned long flags = 0;
	vm_fault_t fault;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, address);
	if (!vma)
		goto out;
	fault = handle_mm_fault(vma, address, FAULT_FLAG_DEFAULT, regs);
	if (fault & VM_FAULT_COMPLETED)
		return 0;
	if (fault & VM_FAULT_RETRY)
		mmap_read_lock(mm);
	vma = vma_lookup(mm, address);
	if (vma)
		flags = vma->vm_flags;
out:
	mmap_read_unlock(mm);
	return flags;
}

/* Linux 6.1 mm/madvise.c madvise_dontneed_free() shape: after userfaultfd_remove()
 * returned false, re-take the lock and look the VMA up again. */
long ok_userfaultfd_remove_relookup(struct vm_area_struct *vma, unsigned long start,
				    unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;

	if (!userfaultfd_remove(vma, start, end)) {
		mmap_read_lock(mm);
		vma = vma_lookup(mm, start);
		if (!vma)
			return -ENOMEM;
	}
	return zap(vma, start, end);
}

/* fixup_user_fault() with `unlocked`: `if (unlocked) return -EAGAIN;` keeps the VMA use
 * on the path where the lock was never dropped. */
unsigned long ok_fixup_unlocked_again(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	bool unlocked = false;
	unsigned long flags;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (!vma || fixup_user_fault(mm, addr, FAULT_FLAG_WRITE, &unlocked)) {
		mmap_read_unlock(mm);
		return 0;
	}
	if (unlocked) {
		mmap_read_unlock(mm);
		return -EAGAIN;
	}
	flags = vma->vm_flags;
	mmap_read_unlock(mm);
	return flags;
}

/* `vma = NULL` before anything that can drop the lock. */
long ok_vma_cleared_before_drop(struct vm_area_struct *vma, unsigned long start,
				unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;

	vma = NULL;
	if (!userfaultfd_remove(find_vma(mm, start), start, end))
		mmap_read_lock(mm);
	if (vma)
		return zap(vma, start, end);
	return 0;
}

struct page *follow_page(struct vm_area_struct *vma, unsigned long address,
			 unsigned int foll_flags);

/* Linux 6.1 mm/ksm.c break_ksm(): handle_mm_fault() without FAULT_FLAG_ALLOW_RETRY cannot
 * drop the lock, so the VMA stays valid across the loop. */
int ok_break_ksm(struct vm_area_struct *vma, unsigned long addr)
{
	struct page *page;
	vm_fault_t ret = 0;

	do {
		page = follow_page(vma, addr, FOLL_GET);
		if (!page)
			break;
		ret = handle_mm_fault(vma, addr, FAULT_FLAG_WRITE | FAULT_FLAG_REMOTE, NULL);
		put_page(page);
	} while (!(ret & (VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV | VM_FAULT_OOM)));
	return (ret & VM_FAULT_OOM) ? -ENOMEM : 0;
}

/* Flags built with |= from constants on several paths, none of them FAULT_FLAG_ALLOW_RETRY
 * (the state of the flags local is tracked by the names it may hold): handle_mm_fault()
 * cannot drop the lock, and the VMA stays valid. */
int ok_flags_built_without_allow_retry(struct vm_area_struct *vma, unsigned long addr,
				       bool write)
{
	unsigned int flags = FAULT_FLAG_REMOTE;
	vm_fault_t ret;

	if (write)
		flags |= FAULT_FLAG_WRITE;
	else
		flags |= FAULT_FLAG_KILLABLE;
	ret = handle_mm_fault(vma, addr, flags, NULL);
	if (ret & VM_FAULT_ERROR)
		return -EFAULT;
	return vma->vm_flags & VM_WRITE ? 1 : 0;
}

/* One of the paths adds FAULT_FLAG_ALLOW_RETRY: the fault may have dropped the lock. */
int bad_flags_built_with_allow_retry(struct vm_area_struct *vma, unsigned long addr,
				     bool write)
{
	unsigned int flags = FAULT_FLAG_REMOTE;
	vm_fault_t ret;

	if (write)
		flags |= FAULT_FLAG_WRITE;
	else
		flags |= FAULT_FLAG_ALLOW_RETRY;
	ret = handle_mm_fault(vma, addr, flags, NULL);
	if (ret & VM_FAULT_ERROR)
		return -EFAULT;
	return vma->vm_flags & VM_WRITE ? 1 : 0; // expect: dangling-vma
}
