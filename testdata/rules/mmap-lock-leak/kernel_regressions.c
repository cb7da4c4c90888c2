#include <linux/highmem.h>
#include <linux/mm.h>

/*
 * Regressions for false positives on real Linux 6.1.192 code (lock-balance side): the
 * 6.1.37+ stack-expansion helpers expand_stack() and lock_mm_and_find_vma() return a VMA
 * with the read lock held, or NULL with the lock released.
 */

/* Linux 6.1.37+ mm/memory.c __access_remote_vm() (CONFIG_HAVE_IOREMAP_PROT=y): when
 * expand_stack() returns NULL it has released the lock, so `return 0` does not leak it;
 * the VMA it returns is valid and is then refreshed through GUP's vmas (locked == NULL). */
int ok___access_remote_vm(struct mm_struct *mm, unsigned long addr, void *buf,
			  int len, unsigned int gup_flags)
{
	struct vm_area_struct *vma;
	void *old_buf = buf;
	int write = gup_flags & FOLL_WRITE;

	if (mmap_read_lock_killable(mm))
		return 0;

	/* We might need to expand the stack to access it */
	vma = vma_lookup(mm, addr);
	if (!vma) {
		vma = expand_stack(mm, addr);
		if (!vma)
			return 0;
	}

	/* ignore errors, just check how much was successfully transferred */
	while (len) {
		int bytes, ret, offset;
		void *maddr;
		struct page *page = NULL;

		ret = get_user_pages_remote(mm, addr, 1,
				gup_flags, &page, &vma, NULL);
		if (ret <= 0) {
			/*
			 * Check if this is a VM_IO | VM_PFNMAP VMA, which
			 * we can access using slightly different code.
			 */
			vma = vma_lookup(mm, addr);
			if (!vma)
				break;
			if (vma->vm_ops && vma->vm_ops->access)
				ret = vma->vm_ops->access(vma, addr, buf,
							  len, write);
			if (ret <= 0)
				break;
			bytes = ret;
		} else {
			bytes = len;
			offset = addr & (PAGE_SIZE-1);
			if (bytes > PAGE_SIZE-offset)
				bytes = PAGE_SIZE-offset;

			maddr = kmap(page);
			if (write) {
				copy_to_user_page(vma, page, addr,
						  maddr + offset, buf, bytes);
				set_page_dirty_lock(page);
			} else {
				copy_from_user_page(vma, page, addr,
						    buf, maddr + offset, bytes);
			}
			kunmap(page);
			put_page(page);
		}
		len -= bytes;
		buf += bytes;
		addr += bytes;
	}
	mmap_read_unlock(mm);

	return buf - old_buf;
}

/* Linux 6.1.37+ mm/memory.c __access_remote_vm() written as before the backport (with
 * find_extend_vma() the NULL path still held the lock): after expand_stack() returned NULL
 * the lock is already released, so this unlock is a second one. */
int bad___access_remote_vm_unlocks_after_expand_stack(struct mm_struct *mm, unsigned long addr,
						      void *buf, int len)
{
	struct vm_area_struct *vma;

	if (mmap_read_lock_killable(mm))
		return 0;

	vma = vma_lookup(mm, addr);
	if (!vma) {
		vma = expand_stack(mm, addr);
		if (!vma) {
			mmap_read_unlock(mm); // expect: mmap-lock-unbalanced-unlock
			return 0;
		}
	}
	if (vma->vm_flags & (VM_IO | VM_PFNMAP))
		len = 0;
	mmap_read_unlock(mm);
	return len;
}

/* arch/x86/include/asm/trap_pf.h */
enum x86_pf_error_code {
	X86_PF_PROT	=		1 << 0,
	X86_PF_WRITE	=		1 << 1,
	X86_PF_USER	=		1 << 2,
	X86_PF_RSVD	=		1 << 3,
	X86_PF_INSTR	=		1 << 4,
	X86_PF_PK	=		1 << 5,
	X86_PF_SGX	=		1 << 15,
};

#define SEGV_MAPERR	1	/* address not mapped to object */
#define SEGV_ACCERR	2	/* invalid permissions for mapped object */
#define SEGV_PKUERR	4	/* failed address bound checks */

/* arch/x86/mm/fault.c, 6.1: the signal and oops paths, reduced to one call. */
void __bad_area_nosemaphore(struct pt_regs *regs, unsigned long error_code,
			    unsigned long address, u32 pkey, int si_code);
bool arch_vma_access_permitted(struct vm_area_struct *vma, bool write, bool execute,
			       bool foreign);
u32 vma_pkey(struct vm_area_struct *vma);

/* arch/x86/mm/fault.c, 6.1 */
static void
bad_area_nosemaphore(struct pt_regs *regs, unsigned long error_code,
		     unsigned long address)
{
	__bad_area_nosemaphore(regs, error_code, address, 0, SEGV_MAPERR);
}

/* arch/x86/mm/fault.c, 6.1 (X86_FEATURE_OSPKE assumed); reads the VMA under the lock. */
static inline bool bad_area_access_from_pkeys(unsigned long error_code,
		struct vm_area_struct *vma)
{
	/* This code is always called on the current mm */
	bool foreign = false;

	if (error_code & X86_PF_PK)
		return true;
	/* this checks permission keys on the VMA: */
	if (!arch_vma_access_permitted(vma, (error_code & X86_PF_WRITE),
				       (error_code & X86_PF_INSTR), foreign))
		return true;
	return false;
}

/* arch/x86/mm/fault.c, 6.1 */
static inline int
access_error(unsigned long error_code, struct vm_area_struct *vma)
{
	/* This is only called for the current mm, so: */
	bool foreign = false;

	if (error_code & X86_PF_PK)
		return 1;
	if (unlikely(error_code & X86_PF_SGX))
		return 1;
	if (!arch_vma_access_permitted(vma, (error_code & X86_PF_WRITE),
				       (error_code & X86_PF_INSTR), foreign))
		return 1;

	if (error_code & X86_PF_WRITE) {
		/* write, present and write, not present: */
		if (unlikely(!(vma->vm_flags & VM_WRITE)))
			return 1;
		return 0;
	}

	/* read, present: */
	if (unlikely(error_code & X86_PF_PROT))
		return 1;

	/* read, not present: */
	if (unlikely(!vma_is_accessible(vma)))
		return 1;

	return 0;
}

/* Linux 6.1.37+ arch/x86/mm/fault.c do_user_addr_fault() (from `retry:`; the
 * handle_mm_fault() call and its retry handling replaced by the final unlock, and
 * bad_area_access_error() -> __bad_area() inlined: see pending/x86_bad_area_current_mm.c.in):
 * lock_mm_and_find_vma() takes the lock and returns a VMA valid under it, or NULL with the
 * lock released. */
void ok_do_user_addr_fault(struct pt_regs *regs, unsigned long error_code,
			   unsigned long address)
{
	struct vm_area_struct *vma;
	struct task_struct *tsk;
	struct mm_struct *mm;

	tsk = current;
	mm = tsk->mm;

	if (unlikely(!mm)) {
		bad_area_nosemaphore(regs, error_code, address);
		return;
	}

	vma = lock_mm_and_find_vma(mm, address, regs);
	if (unlikely(!vma)) {
		bad_area_nosemaphore(regs, error_code, address);
		return;
	}

	/*
	 * Ok, we have a good vm_area for this memory access, so
	 * we can handle it..
	 */
	if (unlikely(access_error(error_code, vma))) {
		if (bad_area_access_from_pkeys(error_code, vma)) {
			u32 pkey = vma_pkey(vma);

			mmap_read_unlock(mm);
			__bad_area_nosemaphore(regs, error_code, address, pkey, SEGV_PKUERR);
		} else {
			mmap_read_unlock(mm);
			__bad_area_nosemaphore(regs, error_code, address, 0, SEGV_ACCERR);
		}
		return;
	}

	mmap_read_unlock(mm);
	return;
}

/* Linux 6.1.37+ arch/x86/mm/fault.c do_user_addr_fault() (from `retry:`), keeping the
 * `goto retry` with handle_mm_fault()'s VM_FAULT_RETRY release written as an explicit
 * unlock: each pass's lock_mm_and_find_vma() starts a new hold and its VMA is valid in it. */
void ok_do_user_addr_fault_retry(struct pt_regs *regs, unsigned long error_code,
				 unsigned long address)
{
	struct vm_area_struct *vma;
	struct mm_struct *mm = current->mm;
	unsigned int flags = FAULT_FLAG_DEFAULT;

	if (error_code & X86_PF_WRITE)
		flags |= FAULT_FLAG_WRITE;

retry:
	vma = lock_mm_and_find_vma(mm, address, regs);
	if (unlikely(!vma)) {
		bad_area_nosemaphore(regs, error_code, address);
		return;
	}

	if (unlikely(access_error(error_code, vma))) {
		mmap_read_unlock(mm);
		__bad_area_nosemaphore(regs, error_code, address, 0, SEGV_ACCERR);
		return;
	}

	/* handle_mm_fault(vma, address, flags, regs) returned VM_FAULT_RETRY */
	if (!(flags & FAULT_FLAG_TRIED)) {
		mmap_read_unlock(mm);
		flags |= FAULT_FLAG_TRIED;
		goto retry;
	}

	mmap_read_unlock(mm);
}

/* Linux 6.1.37+ arch/x86/mm/fault.c do_user_addr_fault() with the pre-backport bad_area
 * handling (find_vma() under mmap_read_lock(): `goto bad_area` unlocked): after
 * lock_mm_and_find_vma() returned NULL there is no lock to release. */
void bad_do_user_addr_fault_unlocks_on_null(struct pt_regs *regs, unsigned long error_code,
					    unsigned long address)
{
	struct vm_area_struct *vma;
	struct mm_struct *mm = current->mm;

	vma = lock_mm_and_find_vma(mm, address, regs);
	if (unlikely(!vma)) {
		mmap_read_unlock(mm); // expect: mmap-lock-unbalanced-unlock
		bad_area_nosemaphore(regs, error_code, address);
		return;
	}

	if (unlikely(access_error(error_code, vma))) {
		mmap_read_unlock(mm);
		__bad_area_nosemaphore(regs, error_code, address, 0, SEGV_ACCERR);
		return;
	}

	mmap_read_unlock(mm);
}
