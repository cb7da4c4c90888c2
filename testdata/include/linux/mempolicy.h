/* SPDX-License-Identifier: GPL-2.0 */
/* mmlint test simulator of include/linux/mempolicy.h + uapi/linux/mempolicy.h (Linux 6.1,
 * CONFIG_NUMA=y), reduced. mpol_get(), mpol_put() and mpol_cond_put() are static inlines in
 * 6.1 (atomic_inc of refcnt; __mpol_put(), the latter only when MPOL_F_SHARED): prototypes
 * here. */
#ifndef _LINUX_MEMPOLICY_H
#define _LINUX_MEMPOLICY_H

#include <linux/types.h>

/* uapi: policies */
enum {
	MPOL_DEFAULT,
	MPOL_PREFERRED,
	MPOL_BIND,
	MPOL_INTERLEAVE,
	MPOL_LOCAL,
	MPOL_PREFERRED_MANY,
	MPOL_MAX,	/* always last member of enum */
};

/* uapi: flags for get_mempolicy */
#define MPOL_F_NODE	(1<<0)	/* return next IL mode instead of node mask */
#define MPOL_F_ADDR	(1<<1)	/* look up vma using address */
#define MPOL_F_MEMS_ALLOWED (1<<2) /* return allowed memories */

/* uapi: internal flags; MPOL_MODE_FLAGS are the ones userspace may see */
#define MPOL_F_STATIC_NODES	(1 << 15)
#define MPOL_F_RELATIVE_NODES	(1 << 14)
#define MPOL_F_NUMA_BALANCING	(1 << 13)
#define MPOL_MODE_FLAGS							\
	(MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING)
#define MPOL_F_SHARED  (1 << 0)	/* identify shared policies */

/* linux/nodemask.h: DECLARE_BITMAP(bits, MAX_NUMNODES) with MAX_NUMNODES <= BITS_PER_LONG */
typedef struct { unsigned long bits[1]; } nodemask_t;

struct mempolicy {
	atomic_t refcnt;
	unsigned short mode; 	/* See MPOL_* above */
	unsigned short flags;	/* See set_mempolicy() MPOL_F_* above */
	nodemask_t nodes;	/* interleave/bind/perfer */
	int home_node;		/* Home node to use for MPOL_BIND and MPOL_PREFERRED_MANY */

	union {
		nodemask_t cpuset_mems_allowed;	/* relative to these nodes */
		nodemask_t user_nodemask;	/* nodemask passed by user */
	} w;
};

void __mpol_put(struct mempolicy *pol);
void mpol_put(struct mempolicy *pol);
void mpol_get(struct mempolicy *pol);
void mpol_cond_put(struct mempolicy *pol);

#endif /* _LINUX_MEMPOLICY_H */
