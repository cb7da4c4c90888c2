#include <linux/mm.h>

/*
 * arch/x86/mm/fault.c do_user_addr_fault() as in Linux 6.1.192, with the real
 * bad_area_access_error() -> __bad_area() helpers: clean (docs/triage/linux-6.1.md, report
 * 7 of the first corpus run). __bad_area() releases `current->mm`'s lock (`struct mm_struct
 * *mm = current->mm; mmap_read_unlock(mm);`), the caller names the same lock `tsk->mm` with
 * `tsk = current`: the learned summary of __bad_area() and the stable-call roots
 * (rules/mmap_lock.toml stable_calls) make them one lock. The bad twins forget the unlock.
 */

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
static void
__bad_area(struct pt_regs *regs, unsigned long error_code,
	   unsigned long address, u32 pkey, int si_code)
{
	struct mm_struct *mm = current->mm;
	/*
	 * Something tried to access memory that isn't in our memory map..
	 * Fix it, but check if it's kernel or user first..
	 */
	mmap_read_unlock(mm);

	__bad_area_nosemaphore(regs, error_code, address, pkey, si_code);
}

/* arch/x86/mm/fault.c, 6.1: reads the VMA, then __bad_area() releases the lock. */
static void
bad_area_access_error(struct pt_regs *regs, unsigned long error_code,
		      unsigned long address, struct vm_area_struct *vma)
{
	if (bad_area_access_from_pkeys(error_code, vma)) {
		u32 pkey = vma_pkey(vma);

		__bad_area(regs, error_code, address, pkey, SEGV_PKUERR);
	} else {
		__bad_area(regs, error_code, address, 0, SEGV_ACCERR);
	}
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
 * handle_mm_fault() call and its retry handling replaced by the final unlock):
 * bad_area_access_error() releases the lock through __bad_area(), on current->mm. */
void ok_do_user_addr_fault_bad_area(struct pt_regs *regs, unsigned long error_code,
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
		bad_area_access_error(regs, error_code, address, vma);
		return;
	}

	mmap_read_unlock(mm);
	return;
}

/* arch/x86/mm/fault.c __bad_area()'s shape: the callee releases current->mm's lock. */
static void release_current_mm(void)
{
	struct mm_struct *mm = current->mm;

	mmap_read_unlock(mm);
}

/* The smallest form of the above (not from the kernel). */
void ok_release_current_mm_in_callee(int fail)
{
	struct mm_struct *mm = current->mm;

	mmap_read_lock(mm);
	if (fail) {
		release_current_mm();
		return;
	}
	mmap_read_unlock(mm);
}

/* `tsk = current` names the mm the callee calls current->mm. */
void ok_release_through_task_alias(int fail)
{
	struct task_struct *tsk = current;
	struct mm_struct *mm = tsk->mm;

	mmap_read_lock(mm);
	if (fail) {
		release_current_mm();
		return;
	}
	mmap_read_unlock(mm);
}

/* The callee releases current->mm's lock, not the one this function took. */
void bad_callee_releases_other_mm(struct mm_struct *mm, int fail)
{
	mmap_read_lock(mm);
	if (fail) {
		release_current_mm();
		return; // expect: mmap-lock-leak
	}
	mmap_read_unlock(mm);
}

/* A task parameter is not current. */
void bad_task_parameter_is_not_current(struct task_struct *tsk, int fail)
{
	struct mm_struct *mm = tsk->mm;

	mmap_read_lock(mm);
	if (fail) {
		release_current_mm();
		return; // expect: mmap-lock-leak
	}
	mmap_read_unlock(mm);
}

void bad_second_release_in_callee(void)
{
	struct task_struct *tsk = current;

	mmap_read_lock(tsk->mm);
	mmap_read_unlock(tsk->mm);
	release_current_mm(); // expect: mmap-lock-unbalanced-unlock
}
