/* SPDX-License-Identifier: GPL-2.0 */
/* mmlint test simulator of include/linux/mm.h (Linux 6.1), reduced.
 * Signatures are the 6.1 ones; vma_lookup/vma_find/vma_next/vma_prev are the real 6.1 static
 * inlines (over the maple tree), replaced by prototypes under -DMMLINT_PROTOTYPES_ONLY like
 * the mmap_lock wrappers. -DMMLINT_KERNEL_6_12 gives Linux 6.12's shapes where they differ:
 * GUP without vmas (as -DMMLINT_GUP_6_5), the munmap helpers with `unlock`, vm_flags_set(). */
#ifndef _LINUX_MM_H
#define _LINUX_MM_H

#ifdef MMLINT_KERNEL_6_12
#define MMLINT_GUP_6_5
#endif

#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/mmap_lock.h>
#include <linux/mmdebug.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/types.h>

#define PAGE_SHIFT		12
#define PAGE_SIZE		(1UL << PAGE_SHIFT)
#define PAGE_MASK		(~(PAGE_SIZE - 1))
/* to align the pointer to the (next) page boundary */
#define PAGE_ALIGN(addr)	ALIGN(addr, PAGE_SIZE)
#define PAGE_ALIGNED(addr)	(((unsigned long)(addr) & (PAGE_SIZE - 1)) == 0)

/* vm_flags */
#define VM_NONE		0x00000000
#define VM_READ		0x00000001	/* currently active flags */
#define VM_WRITE	0x00000002
#define VM_EXEC		0x00000004
#define VM_SHARED	0x00000008
#define VM_MAYREAD	0x00000010	/* limits for mprotect() etc */
#define VM_MAYWRITE	0x00000020
#define VM_GROWSDOWN	0x00000100	/* general info on the segment */
#define VM_PFNMAP	0x00000400	/* Page-ranges managed without "struct page", just pure PFN */
#define VM_LOCKED	0x00002000
#define VM_IO           0x00004000	/* Memory mapped I/O or similar */
#define VM_DONTEXPAND	0x00040000	/* Cannot expand with mremap() */
#define VM_HUGETLB	0x00400000	/* Huge TLB Page VM */
#define VM_MIXEDMAP	0x10000000	/* Can contain "struct page" and pure PFN pages */
#define VM_GROWSUP	VM_NONE		/* VM_ARCH_1 only on parisc/ia64 */

/* gup_flags */
#define FOLL_WRITE	0x01	/* check pte is writable */
#define FOLL_TOUCH	0x02	/* mark page accessed */
#define FOLL_GET	0x04	/* do get_page on page */
#define FOLL_DUMP	0x08	/* give error on hole if it would be zero */
#define FOLL_FORCE	0x10	/* get_user_pages read/write w/o permission */
#define FOLL_NOWAIT	0x20	/* if a disk transfer is needed, start the IO
				 * and return without waiting upon it */
#define FOLL_NOFAULT	0x80	/* do not fault in pages */
#define FOLL_HWPOISON	0x100	/* check page is hwpoisoned */
#define FOLL_MIGRATION	0x400	/* wait for page to replace migration entry */
#define FOLL_TRIED	0x800	/* a retry, previous pass started an IO */
#define FOLL_REMOTE	0x2000	/* we are working on non-current tsk/mm */
#define FOLL_ANON	0x8000	/* don't do file mappings */
#define FOLL_LONGTERM	0x10000	/* mapping lifetime is indefinite: see below */
#define FOLL_SPLIT_PMD	0x20000	/* split huge pmd before returning */
#define FOLL_PIN	0x40000	/* pages must be released via unpin_user_page */
#define FOLL_FAST_ONLY	0x80000	/* gup_fast: prevent fall-back to slow gup */
/*
 * Not in 6.1: an internal flag of mm/internal.h in 6.2-6.4 ("allow unlocking the mmap lock",
 * FOLL_UNLOCKABLE = 1 << 21 in the 6.3 enum), set by GUP when `locked` is non-NULL.
 * Defined here so that fixtures can pass it explicitly.
 */
#define FOLL_UNLOCKABLE	0x200000

/*
 * The default fault flags that should be used by most of the
 * arch-specific page fault handlers.
 */
#define FAULT_FLAG_DEFAULT  (FAULT_FLAG_ALLOW_RETRY | \
			     FAULT_FLAG_KILLABLE | \
			     FAULT_FLAG_INTERRUPTIBLE)

struct vm_fault;

struct vm_operations_struct {
	void (*open)(struct vm_area_struct * area);
	void (*close)(struct vm_area_struct * area);
	int (*may_split)(struct vm_area_struct *area, unsigned long addr);
	int (*mremap)(struct vm_area_struct *area);
	unsigned long (*pagesize)(struct vm_area_struct * area);
	/* called by access_process_vm when get_user_pages() fails, typically
	 * for use by special VMAs. See also generic_access_phys() for a generic
	 * implementation useful for any iomem mapping.
	 */
	int (*access)(struct vm_area_struct *vma, unsigned long addr,
		      void *buf, int len, int write);
	const char *(*name)(struct vm_area_struct *vma);
	/* CONFIG_NUMA: get_policy() must add a reference [mpol_get()] to a shared policy. */
	struct mempolicy *(*get_policy)(struct vm_area_struct *vma,
					unsigned long addr);
	/* Fault handlers (6.12 shapes; vm_fault_t is a typedef of mm_types.h). */
	vm_fault_t (*fault)(struct vm_fault *vmf);
	vm_fault_t (*huge_fault)(struct vm_fault *vmf, unsigned int order);
	vm_fault_t (*map_pages)(struct vm_fault *vmf, unsigned long start_pgoff,
				unsigned long end_pgoff);
	vm_fault_t (*page_mkwrite)(struct vm_fault *vmf);
	vm_fault_t (*pfn_mkwrite)(struct vm_fault *vmf);
};

static inline bool vma_is_anonymous(struct vm_area_struct *vma)
{
	return !vma->vm_ops;
}

static inline bool vma_is_accessible(struct vm_area_struct *vma)
{
	return vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC);
}

bool vma_is_shmem(struct vm_area_struct *vma);
bool is_file_hugepages(struct file *file);	/* linux/hugetlb.h */

/* VMA lookup; callers must hold mm->mmap_lock */
/* Look up the first VMA which satisfies  addr < vm_end,  NULL if none. */
extern struct vm_area_struct * find_vma(struct mm_struct * mm, unsigned long addr);
extern struct vm_area_struct * find_vma_prev(struct mm_struct * mm, unsigned long addr,
					     struct vm_area_struct **pprev);
/*
 * Look up the first VMA which intersects the interval [start_addr, end_addr)
 * NULL if none.  Assume start_addr < end_addr.
 */
struct vm_area_struct *find_vma_intersection(struct mm_struct *mm,
			unsigned long start_addr, unsigned long end_addr);
/* 6.1.0; replaced by expand_stack() in the 6.1.37+ stable backport of the stack-expansion fix */
struct vm_area_struct *find_extend_vma(struct mm_struct *, unsigned long addr);
/* 6.1.37+: called with the read lock held; returns NULL with the lock dropped on failure */
struct vm_area_struct *expand_stack(struct mm_struct * mm, unsigned long addr);
int expand_stack_locked(struct vm_area_struct *vma, unsigned long address);
/* 6.1.37+: stack expansion with the mmap_lock held for write */
struct vm_area_struct *find_extend_vma_locked(struct mm_struct *, unsigned long addr);
/* 6.1.37+ (mm/memory.c): returns NULL without the lock, or a VMA with it read-held */
struct vm_area_struct *lock_mm_and_find_vma(struct mm_struct *mm,
		unsigned long address, struct pt_regs *regs);

#ifdef MMLINT_PROTOTYPES_ONLY
struct vm_area_struct *vma_lookup(struct mm_struct *mm, unsigned long addr);
struct vm_area_struct *vma_find(struct vma_iterator *vmi, unsigned long max);
struct vm_area_struct *vma_next(struct vma_iterator *vmi);
struct vm_area_struct *vma_prev(struct vma_iterator *vmi);
#else
/**
 * vma_lookup() - Find a VMA at a specific address
 * @mm: The process address space.
 * @addr: The user address.
 *
 * Return: The vm_area_struct at the given address, %NULL otherwise.
 */
static inline
struct vm_area_struct *vma_lookup(struct mm_struct *mm, unsigned long addr)
{
	return mtree_load(&mm->mm_mt, addr);
}

static inline
struct vm_area_struct *vma_find(struct vma_iterator *vmi, unsigned long max)
{
	return mas_find(&vmi->mas, max);
}

static inline struct vm_area_struct *vma_next(struct vma_iterator *vmi)
{
	/*
	 * Uses vma_find() to get the first VMA when the iterator starts.
	 * Calling mas_next() could skip the first entry.
	 */
	return vma_find(vmi, ULONG_MAX);
}

static inline struct vm_area_struct *vma_prev(struct vma_iterator *vmi)
{
	return mas_prev(&vmi->mas, 0);
}
#endif /* MMLINT_PROTOTYPES_ONLY */

#define for_each_vma(__vmi, __vma)					\
	while (((__vma) = vma_next(&(__vmi))) != NULL)

/* The MM code likes to work with exclusive end addresses */
#define for_each_vma_range(__vmi, __vma, __end)				\
	while (((__vma) = vma_find(&(__vmi), (__end) - 1)) != NULL)

/* munmap / populate (mm/mmap.c, mm/gup.c); do_mas_munmap() returns 1 when it downgraded the
 * write lock to read, which it only does when downgrade is true. */
extern int do_mas_munmap(struct ma_state *mas, struct mm_struct *mm,
			 unsigned long start, size_t len, struct list_head *uf,
			 bool downgrade);
extern int do_munmap(struct mm_struct *, unsigned long, size_t,
		     struct list_head *uf);

#ifdef MMLINT_KERNEL_6_12
/* 6.12 include/linux/mm.h:3420-3425: 0 on success with the lock dropped when `unlock` says
 * so; an error leaves it held (mm/vma.c:1348-1349). */
extern int do_vmi_munmap(struct vma_iterator *vmi, struct mm_struct *mm,
			 unsigned long start, size_t len, struct list_head *uf,
			 bool unlock);
int do_vmi_align_munmap(struct vma_iterator *vmi, struct vm_area_struct *vma,
		    struct mm_struct *mm, unsigned long start,
		    unsigned long end, struct list_head *uf, bool unlock);

/* 6.12 include/linux/mm.h:884-889: vm_flags_set() calls vma_start_write(), whose
 * __is_vma_write_locked() asserts the mmap write lock (mm.h:735); reduced to that assertion. */
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	mmap_assert_write_locked(vma->vm_mm);
	vma->vm_flags |= flags;
}
#endif

extern int __mm_populate(unsigned long addr, unsigned long len,
			 int ignore_errors);
static inline void mm_populate(unsigned long addr, unsigned long len)
{
	/* Ignore errors */
	(void) __mm_populate(addr, len, 1);
}

/* page faults */
extern vm_fault_t handle_mm_fault(struct vm_area_struct *vma,
				  unsigned long address, unsigned int flags,
				  struct pt_regs *regs);
extern int fixup_user_fault(struct mm_struct *mm,
			    unsigned long address, unsigned int fault_flags,
			    bool *unlocked);

void zap_page_range(struct vm_area_struct *vma, unsigned long address,
		    unsigned long size);

/* get_user_pages and friends (the vmas parameter was removed in 6.5) */
#ifndef MMLINT_GUP_6_5
long get_user_pages_remote(struct mm_struct *mm,
			    unsigned long start, unsigned long nr_pages,
			    unsigned int gup_flags, struct page **pages,
			    struct vm_area_struct **vmas, int *locked);
long pin_user_pages_remote(struct mm_struct *mm,
			   unsigned long start, unsigned long nr_pages,
			   unsigned int gup_flags, struct page **pages,
			   struct vm_area_struct **vmas, int *locked);
long get_user_pages(unsigned long start, unsigned long nr_pages,
			    unsigned int gup_flags, struct page **pages,
			    struct vm_area_struct **vmas);
long pin_user_pages(unsigned long start, unsigned long nr_pages,
		    unsigned int gup_flags, struct page **pages,
		    struct vm_area_struct **vmas);
#else
/* -DMMLINT_GUP_6_5: the Linux 6.5 signatures (what `mmlint fix` output must build against). */
long get_user_pages_remote(struct mm_struct *mm,
			   unsigned long start, unsigned long nr_pages,
			   unsigned int gup_flags, struct page **pages,
			   int *locked);
long pin_user_pages_remote(struct mm_struct *mm,
			   unsigned long start, unsigned long nr_pages,
			   unsigned int gup_flags, struct page **pages,
			   int *locked);
long get_user_pages(unsigned long start, unsigned long nr_pages,
		    unsigned int gup_flags, struct page **pages);
long pin_user_pages(unsigned long start, unsigned long nr_pages,
		    unsigned int gup_flags, struct page **pages);
void put_page(struct page *page);

/* Linux 6.5 include/linux/mm.h. */
static inline struct page *get_user_page_vma_remote(struct mm_struct *mm,
						    unsigned long addr,
						    int gup_flags,
						    struct vm_area_struct **vmap)
{
	struct page *page;
	struct vm_area_struct *vma;
	int got = get_user_pages_remote(mm, addr, 1, gup_flags, &page, NULL);

	if (got < 0)
		return ERR_PTR(got);
	if (got == 0)
		return NULL;

	vma = vma_lookup(mm, addr);
	if (WARN_ON_ONCE(!vma)) {
		put_page(page);
		return ERR_PTR(-EINVAL);
	}

	*vmap = vma;
	return page;
}
#endif
/* get_user_pages_locked(start, nr_pages, gup_flags, pages, locked) of 4.x/5.x kernels is not
 * in 6.1's include/linux/mm.h (only mm/gup.c's static __get_user_pages_locked): not declared. */
long get_user_pages_unlocked(unsigned long start, unsigned long nr_pages,
		    struct page **pages, unsigned int gup_flags);
long pin_user_pages_unlocked(unsigned long start, unsigned long nr_pages,
		    struct page **pages, unsigned int gup_flags);

int get_user_pages_fast(unsigned long start, int nr_pages,
			unsigned int gup_flags, struct page **pages);
int get_user_pages_fast_only(unsigned long start, int nr_pages,
			     unsigned int gup_flags, struct page **pages);
int pin_user_pages_fast(unsigned long start, int nr_pages,
			unsigned int gup_flags, struct page **pages);

/* A static inline over page->flags without NODE_NOT_IN_PAGE_FLAGS: a prototype here. */
int page_to_nid(const struct page *page);

/* 6.3+: assert the mmap_lock held for write (via vma_start_write()); prototypes here. */
void vm_flags_set(struct vm_area_struct *vma, unsigned long flags);
void vm_flags_clear(struct vm_area_struct *vma, unsigned long flags);

/* put_page() is a static inline over folio_put() in 6.1: a prototype here. */
void put_page(struct page *page);
void unpin_user_page(struct page *page);
void unpin_user_pages(struct page **pages, unsigned long npages);
void set_page_dirty_lock(struct page *page);

/*
 * Per-VMA locks (6.4+, CONFIG_PER_VMA_LOCK), in their 6.12 shapes (include/linux/mm.h,
 * mm/memory.c, mm/internal.h). Prototypes: mmlint reads them as data, not through bodies.
 */
struct vm_area_struct *lock_vma_under_rcu(struct mm_struct *mm, unsigned long address);
bool vma_start_read(struct vm_area_struct *vma);
void vma_end_read(struct vm_area_struct *vma);
void vma_start_write(struct vm_area_struct *vma);
void vma_assert_locked(struct vm_area_struct *vma);
void vma_assert_write_locked(struct vm_area_struct *vma);
void vma_end_write_all(struct mm_struct *mm);
void vm_flags_set(struct vm_area_struct *vma, unsigned long flags);
void vm_flags_clear(struct vm_area_struct *vma, unsigned long flags);
void vm_flags_mod(struct vm_area_struct *vma, unsigned long set, unsigned long clear);

struct vm_fault {
	struct vm_area_struct *vma;
	unsigned int flags;
	unsigned long address;
};
/* 6.7+ mm/internal.h: vma_end_read() under FAULT_FLAG_VMA_LOCK, else mmap_read_unlock(). */
void release_fault_lock(struct vm_fault *vmf);

/* 6.12 mm/memory.c: remap_pfn_range() sets VM_IO | VM_PFNMAP | ... with vm_flags_set(). */
typedef struct { unsigned long pgprot; } pgprot_t;
int remap_pfn_range(struct vm_area_struct *vma, unsigned long addr, unsigned long pfn,
		    unsigned long size, pgprot_t prot);
int io_remap_pfn_range(struct vm_area_struct *vma, unsigned long addr, unsigned long pfn,
		       unsigned long size, pgprot_t prot);
/* 6.12 mm/internal.h:365-372: on VM_FAULT_RETRY it has released vmf->vma's VMA lock. */
vm_fault_t vmf_anon_prepare(struct vm_fault *vmf);
/* 6.12 mm/memory.c:3304: VM_FAULT_RETRY with the VMA lock still held. */
vm_fault_t __vmf_anon_prepare(struct vm_fault *vmf);
vm_fault_t vmf_insert_pfn(struct vm_area_struct *vma, unsigned long addr, unsigned long pfn);

#endif /* _LINUX_MM_H */
