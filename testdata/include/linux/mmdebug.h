/* SPDX-License-Identifier: GPL-2.0 */
/* mmlint test simulator of include/linux/mmdebug.h (Linux 6.1), CONFIG_DEBUG_VM=y form. */
#ifndef LINUX_MM_DEBUG_H
#define LINUX_MM_DEBUG_H

#include <linux/bug.h>

struct mm_struct;
struct vm_area_struct;

void dump_mm(const struct mm_struct *mm);
void dump_vma(const struct vm_area_struct *vma);

#define VM_BUG_ON(cond) BUG_ON(cond)
#define VM_BUG_ON_VMA(cond, vma)					\
	do {								\
		if (unlikely(cond)) {					\
			dump_vma(vma);					\
			BUG();						\
		}							\
	} while (0)
#define VM_BUG_ON_MM(cond, mm)						\
	do {								\
		if (unlikely(cond)) {					\
			dump_mm(mm);					\
			BUG();						\
		}							\
	} while (0)
#define VM_WARN_ON_ONCE(cond) (void)WARN_ON_ONCE(cond)

#endif /* LINUX_MM_DEBUG_H */
