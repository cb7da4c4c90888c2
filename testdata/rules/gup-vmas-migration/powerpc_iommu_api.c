// SPDX-License-Identifier: GPL-2.0
/*
 * Reduced from arch/powerpc/mm/book3s64/iommu_api.c (Linux 6.1.192), mm_iommu_do_alloc()
 * and mm_iommu_new(). powerpc cannot be built with the x86_64 corpus here.
 *
 * Issue 8 case 1: pin_user_pages(..., NULL) under mmap_read_lock(); vmas is NULL, so the
 * rewrite only drops the argument.
 * Expected: gup-vmas-migration on the pin_user_pages() line (the expect mark); no other
 * rule should fire.
 * Upstream 6.5: 4c630f307455 "mm/gup: remove vmas parameter from pin_user_pages()", result at
 * the bottom of this file.
 *
 * Reduced: the mem_list overlap check under mem_list_mutex, the hugetlb pageshift loop and
 * the list insertion after good_exit are left out (they do not touch GUP or the mmap_lock).
 *
 * Compile check: clang-19 -fsyntax-only -nostdinc -I testdata/include -Wall FILE
 * (also with -DMMLINT_PROTOTYPES_ONLY).
 */
#include <linux/mm.h>

/*
 * Stand-ins for declarations the fake headers do not provide (6.1 names/types):
 * linux/types.h (phys_addr_t, uint64_t), linux/atomic.h (atomic64_t, atomic64_set),
 * linux/vmalloc.h (vzalloc, vfree), linux/overflow.h (array_size), asm/bitops.h (__ffs),
 * linux/mmzone.h (MAX_ORDER, powerpc 64s default), linux/mm.h (account_locked_vm).
 */
typedef u64 phys_addr_t;
typedef u64 uint64_t;
typedef struct { long long counter; } atomic64_t;
void atomic64_set(atomic64_t *v, long long i);
void *vzalloc(unsigned long size);
void vfree(const void *addr);
#define array_size(a, b)	((size_t)(a) * (size_t)(b))
unsigned long __ffs(unsigned long word);
#define MAX_ORDER		9
int account_locked_vm(struct mm_struct *mm, unsigned long pages, bool inc);

struct mm_iommu_table_group_mem_t {
	struct list_head next;
	unsigned long used;
	atomic64_t mapped;
	unsigned int pageshift;
	u64 ua;			/* userspace address */
	u64 entries;		/* number of entries in hpas/hpages[] */
	/*
	 * in mm_iommu_get we temporarily use this to store
	 * struct page address.
	 *
	 * We need to convert ua to hpa in real mode. Make it
	 * simpler by storing physical address.
	 */
	union {
		struct page **hpages;	/* vmalloc'ed */
		phys_addr_t *hpas;
	};
#define MM_IOMMU_TABLE_INVALID_HPA	((uint64_t)-1)
	u64 dev_hpa;		/* Device memory base address */
};

static long mm_iommu_do_alloc(struct mm_struct *mm, unsigned long ua,
			      unsigned long entries, unsigned long dev_hpa,
			      struct mm_iommu_table_group_mem_t **pmem)
{
	struct mm_iommu_table_group_mem_t *mem;
	long ret, locked_entries = 0, pinned = 0;
	unsigned long entry, chunk;

	if (dev_hpa == MM_IOMMU_TABLE_INVALID_HPA) {
		ret = account_locked_vm(mm, entries, true);
		if (ret)
			return ret;

		locked_entries = entries;
	}

	mem = kzalloc(sizeof(*mem), GFP_KERNEL);
	if (!mem) {
		ret = -ENOMEM;
		goto unlock_exit;
	}

	if (dev_hpa != MM_IOMMU_TABLE_INVALID_HPA) {
		mem->pageshift = __ffs(dev_hpa | (entries << PAGE_SHIFT));
		mem->dev_hpa = dev_hpa;
		goto good_exit;
	}
	mem->dev_hpa = MM_IOMMU_TABLE_INVALID_HPA;

	/*
	 * For a starting point for a maximum page size calculation
	 * we use @ua and @entries natural alignment to allow IOMMU pages
	 * smaller than huge pages but still bigger than PAGE_SIZE.
	 */
	mem->pageshift = __ffs(ua | (entries << PAGE_SHIFT));
	mem->hpas = vzalloc(array_size(entries, sizeof(mem->hpas[0])));
	if (!mem->hpas) {
		kfree(mem);
		ret = -ENOMEM;
		goto unlock_exit;
	}

	mmap_read_lock(mm);
	chunk = (1UL << (PAGE_SHIFT + MAX_ORDER - 1)) /
			sizeof(struct vm_area_struct *);
	chunk = min(chunk, entries);
	for (entry = 0; entry < entries; entry += chunk) {
		unsigned long n = min(entries - entry, chunk);

		ret = pin_user_pages(ua + (entry << PAGE_SHIFT), n, // expect: gup-vmas-migration
				FOLL_WRITE | FOLL_LONGTERM,
				mem->hpages + entry, NULL);
		if (ret == n) {
			pinned += n;
			continue;
		}
		if (ret > 0)
			pinned += ret;
		break;
	}
	mmap_read_unlock(mm);
	if (pinned != entries) {
		if (!ret)
			ret = -EFAULT;
		goto free_exit;
	}

good_exit:
	atomic64_set(&mem->mapped, 1);
	mem->used = 1;
	mem->ua = ua;
	mem->entries = entries;

	*pmem = mem;

	return 0;

free_exit:
	/* free the references taken */
	unpin_user_pages(mem->hpages, pinned);

	vfree(mem->hpas);
	kfree(mem);

unlock_exit:
	account_locked_vm(mm, locked_entries, false);

	return ret;
}

long mm_iommu_new(struct mm_struct *mm, unsigned long ua, unsigned long entries,
		struct mm_iommu_table_group_mem_t **pmem)
{
	return mm_iommu_do_alloc(mm, ua, entries, MM_IOMMU_TABLE_INVALID_HPA,
			pmem);
}

/*
 * Upstream Linux 6.5 (4c630f307455 applied): only the call changes.
 *
 *	mmap_read_lock(mm);
 *	chunk = (1UL << (PAGE_SHIFT + MAX_ORDER - 1)) /
 *			sizeof(struct vm_area_struct *);
 *	chunk = min(chunk, entries);
 *	for (entry = 0; entry < entries; entry += chunk) {
 *		unsigned long n = min(entries - entry, chunk);
 *
 *		ret = pin_user_pages(ua + (entry << PAGE_SHIFT), n,
 *				FOLL_WRITE | FOLL_LONGTERM,
 *				mem->hpages + entry);
 *		if (ret == n) {
 *			pinned += n;
 *			continue;
 *		}
 *		if (ret > 0)
 *			pinned += ret;
 *		break;
 *	}
 *	mmap_read_unlock(mm);
 *
 * The hunk as merged:
 *
 * @@ -105,7 +105,7 @@ static long mm_iommu_do_alloc(struct mm_struct *mm, unsigned long ua,
 *
 *		ret = pin_user_pages(ua + (entry << PAGE_SHIFT), n,
 *				FOLL_WRITE | FOLL_LONGTERM,
 * -				mem->hpages + entry, NULL);
 * +				mem->hpages + entry);
 *		if (ret == n) {
 *			pinned += n;
 *			continue;
 *
 * (The `sizeof(struct vm_area_struct *)` in the chunk computation is a leftover of the days
 * when this code also passed a vmas array; the series did not touch it. It is outside the
 * hunk's context lines, so "still there in 6.5" is my reading, not checked.)
 */
