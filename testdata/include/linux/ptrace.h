/* SPDX-License-Identifier: GPL-2.0 */
/* mmlint test simulator of include/linux/ptrace.h + arch/x86/include/asm/ptrace.h, reduced. */
#ifndef _LINUX_PTRACE_H
#define _LINUX_PTRACE_H

struct pt_regs {
	unsigned long ip;
	unsigned long cs;
	unsigned long flags;
	unsigned long sp;
	/* parisc fields, for fixtures reduced from arch/parisc */
	unsigned long gr[32];
	unsigned long iir, isr, ior;
};

static inline int user_mode(struct pt_regs *regs)
{
	return !!(regs->cs & 3);
}

#endif /* _LINUX_PTRACE_H */
