/* SPDX-License-Identifier: GPL-2.0 */
/* mmlint test simulator of include/linux/mm_types.h (Linux 6.1), reduced.
 * Field names and types follow 6.1; unused fields are dropped. */
#ifndef _LINUX_MM_TYPES_H
#define _LINUX_MM_TYPES_H

#include <linux/compiler.h>
#include <linux/kernel.h>
#include <linux/rwsem.h>
#include <linux/types.h>

struct anon_vma;
struct file;
struct mempolicy;
struct vm_operations_struct;

struct page {
	unsigned long flags;
	void *mapping;
	pgoff_t index;
	atomic_long_t _refcount;
};

/* include/linux/maple_tree.h */
struct maple_tree {
	void *ma_root;
	unsigned int ma_flags;
};

struct maple_alloc;

struct ma_state {
	struct maple_tree *tree;	/* The tree we're operating in */
	unsigned long index;		/* The index we're operating on - range start */
	unsigned long last;		/* The last index we're operating on - range end */
	void *node;			/* The node containing this entry */
	unsigned long min;		/* The minimum index of this node - implied pivot min */
	unsigned long max;		/* The maximum index of this node - implied pivot max */
	struct maple_alloc *alloc;	/* Allocated nodes for this operation */
};
#define MAS_START	((void *)1UL)

#define MA_STATE(name, mt, first, end)					\
	struct ma_state name = {					\
		.tree = mt,						\
		.index = first,						\
		.last = end,						\
		.node = MAS_START,					\
		.min = 0,						\
		.max = ULONG_MAX,					\
		.alloc = NULL,						\
	}

void *mas_find(struct ma_state *mas, unsigned long max);
void *mas_prev(struct ma_state *mas, unsigned long min);
void *mtree_load(struct maple_tree *mt, unsigned long index);

/**
 * mas_set_range() - Set up Maple Tree operation state for a different index.
 * Move the operation state to refer to a different range.  This will
 * have the effect of starting a walk from the top; see mas_next()
 * to move to an adjacent index.
 */
static inline
void mas_set_range(struct ma_state *mas, unsigned long start, unsigned long last)
{
	       mas->index = start;
	       mas->last = last;
	       mas->node = MAS_START;
}

/**
 * mas_set() - Set up Maple Tree operation state for a different index.
 */
static inline void mas_set(struct ma_state *mas, unsigned long index)
{

	mas_set_range(mas, index, index);
}

struct vm_area_struct {
	unsigned long vm_start;		/* Our start address within vm_mm. */
	unsigned long vm_end;		/* The first byte after our end address within vm_mm. */
	struct mm_struct *vm_mm;	/* The address space we belong to. */
	unsigned long vm_flags;		/* Flags, see mm.h. */
	/*
	 * Linked list of VMAs: removed in 6.1 by the maple tree conversion, kept here so that
	 * fixtures can reproduce the pre-6.1 list walks (mm->mmap, vma->vm_next).
	 */
	struct vm_area_struct *vm_next, *vm_prev;
	struct anon_vma *anon_vma;	/* Serialized by page_table_lock */
	/* Function pointers to deal with this struct. */
	const struct vm_operations_struct *vm_ops;
	unsigned long vm_pgoff;		/* Offset (within vm_file) in PAGE_SIZE units */
	struct file *vm_file;		/* File we map to (can be NULL). */
	void *vm_private_data;		/* was vm_pte (shared mem) */
	struct mempolicy *vm_policy;	/* NUMA policy for the VMA */
	struct vma_lock *vm_lock;	/* 6.4-6.12, CONFIG_PER_VMA_LOCK */
};

/* 6.4-6.12 include/linux/mm_types.h: the per-VMA lock's rwsem. */
struct vma_lock {
	struct rw_semaphore lock;
};

struct mm_struct {
	struct maple_tree mm_mt;
	struct vm_area_struct *mmap;	/* list of VMAs: removed in 6.1, see vm_next above */
	unsigned long mmap_base;	/* base of mmap area */
	unsigned long task_size;	/* size of task vm space */
	atomic_long_t mm_users;
	atomic_long_t mm_count;
	int map_count;			/* number of VMAs */
	/*
	 * With some kernel config, the current mmap_lock's offset inside 'mm_struct'
	 * is at 0x120, which is very optimal.  (Before 5.8: struct rw_semaphore mmap_sem.)
	 */
	struct rw_semaphore mmap_lock;
	unsigned long total_vm;		/* Total pages mapped */
	unsigned long locked_vm;	/* Pages that have PG_mlocked set */
	unsigned long start_code, end_code, start_data, end_data;
	unsigned long start_brk, brk, start_stack;
	unsigned long def_flags;
	unsigned long flags;		/* Must use atomic bitops to access */
};

struct vma_iterator {
	struct ma_state mas;
};

#define VMA_ITERATOR(name, __mm, __addr)				\
	struct vma_iterator name = {					\
		.mas = {						\
			.tree = &(__mm)->mm_mt,				\
			.index = __addr,				\
			.node = MAS_START,				\
		},							\
	}

static inline void vma_iter_init(struct vma_iterator *vmi,
		struct mm_struct *mm, unsigned long addr)
{
	vmi->mas.tree = &mm->mm_mt;
	vmi->mas.index = addr;
	vmi->mas.node = MAS_START;
}

typedef unsigned int __bitwise vm_fault_t;

enum vm_fault_reason {
	VM_FAULT_OOM            = (__force vm_fault_t)0x000001,
	VM_FAULT_SIGBUS         = (__force vm_fault_t)0x000002,
	VM_FAULT_MAJOR          = (__force vm_fault_t)0x000004,
	VM_FAULT_WRITE          = (__force vm_fault_t)0x000008,
	VM_FAULT_HWPOISON       = (__force vm_fault_t)0x000010,
	VM_FAULT_HWPOISON_LARGE = (__force vm_fault_t)0x000020,
	VM_FAULT_SIGSEGV        = (__force vm_fault_t)0x000040,
	VM_FAULT_NOPAGE         = (__force vm_fault_t)0x000100,
	VM_FAULT_LOCKED         = (__force vm_fault_t)0x000200,
	VM_FAULT_RETRY          = (__force vm_fault_t)0x000400,
	VM_FAULT_FALLBACK       = (__force vm_fault_t)0x000800,
	VM_FAULT_DONE_COW       = (__force vm_fault_t)0x001000,
	VM_FAULT_NEEDDSYNC      = (__force vm_fault_t)0x002000,
	VM_FAULT_COMPLETED      = (__force vm_fault_t)0x004000,
	VM_FAULT_HINDEX_MASK    = (__force vm_fault_t)0x0f0000,
};

#define VM_FAULT_ERROR (VM_FAULT_OOM | VM_FAULT_SIGBUS |	\
			VM_FAULT_SIGSEGV | VM_FAULT_HWPOISON |	\
			VM_FAULT_HWPOISON_LARGE | VM_FAULT_FALLBACK)

enum fault_flag {
	FAULT_FLAG_WRITE =		1 << 0,
	FAULT_FLAG_MKWRITE =		1 << 1,
	FAULT_FLAG_ALLOW_RETRY =	1 << 2,
	FAULT_FLAG_RETRY_NOWAIT =	1 << 3,
	FAULT_FLAG_KILLABLE =		1 << 4,
	FAULT_FLAG_TRIED =		1 << 5,
	FAULT_FLAG_USER =		1 << 6,
	FAULT_FLAG_REMOTE =		1 << 7,
	FAULT_FLAG_INSTRUCTION =	1 << 8,
	FAULT_FLAG_INTERRUPTIBLE =	1 << 9,
	FAULT_FLAG_UNSHARE =		1 << 10,
	FAULT_FLAG_ORIG_PTE_VALID =	1 << 11,
	FAULT_FLAG_VMA_LOCK =		1 << 12,	/* 6.4+ */
};

#endif /* _LINUX_MM_TYPES_H */
