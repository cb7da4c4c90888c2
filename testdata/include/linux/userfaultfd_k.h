/* SPDX-License-Identifier: GPL-2.0 */
/* mmlint test simulator of include/linux/userfaultfd_k.h (Linux 6.1), CONFIG_USERFAULTFD=y. */
#ifndef _LINUX_USERFAULTFD_K_H
#define _LINUX_USERFAULTFD_K_H

#include <linux/mm_types.h>

/* Returns false when it released the mmap_lock (the caller must re-take it and look the
 * VMA up again). */
extern bool userfaultfd_remove(struct vm_area_struct *vma,
			       unsigned long start,
			       unsigned long end);

extern void userfaultfd_unmap_complete(struct mm_struct *mm,
				       struct list_head *uf);

#endif /* _LINUX_USERFAULTFD_K_H */
