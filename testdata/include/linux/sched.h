/* SPDX-License-Identifier: GPL-2.0 */
/* mmlint test simulator of include/linux/sched.h, sched/mm.h, sched/signal.h and
 * arch/x86/include/asm/current.h (Linux 6.1), reduced. */
#ifndef _LINUX_SCHED_H
#define _LINUX_SCHED_H

#include <linux/compiler.h>
#include <linux/mm_types.h>
#include <linux/ptrace.h>
#include <linux/types.h>

#define TASK_COMM_LEN 16

struct mempolicy;

struct task_struct {
	int pid;
	struct mm_struct *mm;
	struct mm_struct *active_mm;
	char comm[TASK_COMM_LEN];
	/* CONFIG_NUMA */
	struct mempolicy *mempolicy;
	short il_prev;
};

/* x86: a per-CPU read in a static __always_inline function; a prototype is enough here. */
struct task_struct *get_current(void);
#define current get_current()

int _cond_resched(void);
#define cond_resched() _cond_resched()

/* linux/sched/signal.h */
int signal_pending(struct task_struct *p);
int fatal_signal_pending(struct task_struct *p);

static inline bool fault_signal_pending(vm_fault_t fault_flags,
					struct pt_regs *regs)
{
	return unlikely((fault_flags & VM_FAULT_RETRY) &&
			(fatal_signal_pending(current) ||
			 (user_mode(regs) && signal_pending(current))));
}

/* linux/sched/task.h: spin_lock(&p->alloc_lock) in static inlines; prototypes here. */
void task_lock(struct task_struct *p);
void task_unlock(struct task_struct *p);

/* linux/sched/mm.h */
struct mm_struct *get_task_mm(struct task_struct *task);
void mmput(struct mm_struct *mm);
bool mmget_not_zero(struct mm_struct *mm);

#endif /* _LINUX_SCHED_H */
