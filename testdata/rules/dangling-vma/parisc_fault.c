// mmlint-kernel-version: 6.1 unknown
/* Runs as 6.1 (6.1.0, the shape it reduces, where stack expansion ran under the read lock)
 * and with the kernel unknown, where expand_stack_locked()'s 6.1.37+ write requirement
 * applies to the call under the read lock (expect@unknown below). */
#include <linux/mm.h>

/* arch/parisc and include/uapi/asm-generic/siginfo.h values */
#define SIGBUS		7
#define SIGSEGV		11
#define SEGV_MAPERR	1
#define SEGV_ACCERR	2
#define BUS_ADRALN	1
#define BUS_ADRERR	2
#define PSW_N		0x00200000

unsigned long parisc_acctyp(unsigned long code, unsigned int inst);
int fixup_exception(struct pt_regs *regs);
void parisc_terminate(char *msg, struct pt_regs *regs, int code,
		      unsigned long offset) __noreturn;
void show_signal_msg(struct pt_regs *regs, unsigned long code, unsigned long address,
		     struct task_struct *tsk, struct vm_area_struct *vma);
int force_sig_fault(int sig, int code, void __user *addr);
void pagefault_out_of_memory(void);

/* Linux 6.1 arch/parisc/mm/fault.c do_page_fault() (reduced; 6.1.0 stack-expansion shape,
 * with the VM_FAULT_RETRY/COMPLETED handling after handle_mm_fault()): bad_area:
 * releases the lock, then the user-mode branch reads vma->vm_start, vma->vm_end,
 * vma->vm_flags and passes vma to show_signal_msg(). */
void bad_parisc_do_page_fault(struct pt_regs *regs, unsigned long code,
			      unsigned long address)
{
	struct vm_area_struct *vma, *prev_vma;
	struct task_struct *tsk;
	struct mm_struct *mm;
	unsigned long acc_type;
	vm_fault_t fault = 0;
	unsigned int flags;
	char *msg;

	tsk = current;
	mm = tsk->mm;
	if (!mm) {
		msg = "Page fault: no context";
		goto no_context;
	}

	flags = FAULT_FLAG_DEFAULT;
	if (user_mode(regs))
		flags |= FAULT_FLAG_USER;

	acc_type = parisc_acctyp(code, regs->iir);
	if (acc_type & VM_WRITE)
		flags |= FAULT_FLAG_WRITE;

retry:
	mmap_read_lock(mm);
	vma = find_vma_prev(mm, address, &prev_vma);
	if (!vma || address < vma->vm_start)
		goto check_expansion;
/*
 * Ok, we have a good vm_area for this memory access. We still need to
 * check the access permissions.
 */

good_area:

	if ((vma->vm_flags & acc_type) != acc_type)
		goto bad_area;

	fault = handle_mm_fault(vma, address, flags, regs);

	if (fault_signal_pending(fault, regs))
		return;

	/* The fault is fully completed (including releasing mmap lock) */
	if (fault & VM_FAULT_COMPLETED)
		return;

	if (unlikely(fault & VM_FAULT_ERROR)) {
		/*
		 * We hit a shared mapping outside of the file, or some
		 * other thing happened to us that made us unable to
		 * handle the page fault gracefully.
		 */
		if (fault & VM_FAULT_OOM)
			goto out_of_memory;
		else if (fault & VM_FAULT_SIGSEGV)
			goto bad_area;
		else if (fault & (VM_FAULT_SIGBUS|VM_FAULT_HWPOISON|
				  VM_FAULT_HWPOISON_LARGE))
			goto bad_area;
		BUG();
	}
	if (fault & VM_FAULT_RETRY) {
		/*
		 * No need to mmap_read_unlock(mm) as we would
		 * have already released it in __lock_page_or_retry
		 * in mm/filemap.c.
		 */
		flags |= FAULT_FLAG_TRIED;
		goto retry;
	}
	mmap_read_unlock(mm);
	return;

check_expansion:
	vma = prev_vma;
	/* 6.1.0 called expand_stack(vma, address), which had this signature */
	if (vma && (expand_stack_locked(vma, address) == 0)) // expect@unknown: vma-modified-without-write-lock
		goto good_area;

/*
 * Something tried to access memory that isn't in our memory map..
 */
bad_area:
	mmap_read_unlock(mm);

	if (user_mode(regs)) {
		int signo, si_code;

		switch (code) {
		case 15:	/* Data TLB miss fault/Data page fault */
			/* send SIGSEGV when outside of vma */
			if (!vma ||
			    address < vma->vm_start || address >= vma->vm_end) { // expect: dangling-vma
				signo = SIGSEGV;
				si_code = SEGV_MAPERR;
				break;
			}

			/* send SIGSEGV for wrong permissions */
			if ((vma->vm_flags & acc_type) != acc_type) { // expect: dangling-vma
				signo = SIGSEGV;
				si_code = SEGV_ACCERR;
				break;
			}

			/* probably address is outside of mapped file */
			fallthrough;
		case 17:	/* NA data TLB miss / page fault */
		case 18:	/* Unaligned access - PCXS only */
			signo = SIGBUS;
			si_code = (code == 18) ? BUS_ADRALN : BUS_ADRERR;
			break;
		case 16:	/* Non-access instruction TLB miss fault */
		case 26:	/* PCXL: Data memory access rights trap */
		default:
			signo = SIGSEGV;
			si_code = (code == 26) ? SEGV_ACCERR : SEGV_MAPERR;
			break;
		}
		show_signal_msg(regs, code, address, tsk, vma); // expect: dangling-vma

		force_sig_fault(signo, si_code, (void __user *) address);
		return;
	}
	msg = "Page fault: bad address";

no_context:

	if (!user_mode(regs) && fixup_exception(regs)) {
		return;
	}

	parisc_terminate(msg, regs, code, address);

out_of_memory:
	mmap_read_unlock(mm);
	if (!user_mode(regs)) {
		msg = "Page fault: out of memory";
		goto no_context;
	}
	pagefault_out_of_memory();
}

/* Linux 6.1 arch/parisc/mm/fault.c handle_nadtlb_fault() (reduced to the PROBE case):
 * vma->vm_flags is read after mmap_read_unlock(). */
int bad_parisc_handle_nadtlb_fault(struct pt_regs *regs)
{
	unsigned long insn = regs->iir;
	int treg, val = 0;
	struct vm_area_struct *vma;
	struct task_struct *tsk;
	struct mm_struct *mm;
	unsigned long address;
	unsigned long acc_type;

	switch (insn & 0x380) {
	case 0x180:
		/* PROBE instruction */
		treg = insn & 0x1f;
		if (regs->isr) {
			tsk = current;
			mm = tsk->mm;
			if (mm) {
				/* Search for VMA */
				address = regs->ior;
				mmap_read_lock(mm);
				vma = vma_lookup(mm, address);
				mmap_read_unlock(mm);

				/*
				 * Check if access to the VMA is okay.
				 * We don't allow for stack expansion.
				 */
				acc_type = (insn & 0x40) ? VM_WRITE : VM_READ;
				if (vma
				    && (vma->vm_flags & acc_type) == acc_type) // expect: dangling-vma
					val = 1;
			}
		}
		if (treg)
			regs->gr[treg] = val;
		regs->gr[0] |= PSW_N;
		return 1;
	}

	return 0;
}

/* The same PROBE case with the flags checked before the unlock. */
int ok_parisc_nadtlb_probe_fixed(struct pt_regs *regs)
{
	unsigned long insn = regs->iir;
	struct vm_area_struct *vma;
	struct mm_struct *mm = current->mm;
	unsigned long acc_type;
	int val = 0;

	if (!mm)
		return 0;
	acc_type = (insn & 0x40) ? VM_WRITE : VM_READ;
	mmap_read_lock(mm);
	vma = vma_lookup(mm, regs->ior);
	if (vma && (vma->vm_flags & acc_type) == acc_type)
		val = 1;
	mmap_read_unlock(mm);
	return val;
}
