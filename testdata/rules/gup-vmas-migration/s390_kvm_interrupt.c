// SPDX-License-Identifier: GPL-2.0
/*
 * Reduced from arch/s390/kvm/interrupt.c (Linux 6.1.192), get_map_page() and its caller
 * adapter_indicators_set(). s390 cannot be built with the x86_64 corpus here.
 *
 * Issue 8 case 1: get_user_pages_remote(..., &page, NULL, NULL) - the first NULL is vmas,
 * the second is locked; the rewrite drops only the first.
 * Expected: gup-vmas-migration on the get_user_pages_remote() line (the expect mark); no
 * other rule should fire (the page, not a VMA, outlives the unlock, which is fine).
 * Upstream 6.5: ca5e863233e8 "mm/gup: remove vmas parameter from get_user_pages_remote()",
 * result at the bottom of this file.
 *
 * Reduced: srcu, mark_page_dirty() and the indicator-bit computation of
 * adapter_indicators_set() are replaced by a plain set_bit() on the mapped page.
 *
 * Compile check: clang-19 -fsyntax-only -nostdinc -I testdata/include -Wall FILE
 * (also with -DMMLINT_PROTOTYPES_ONLY).
 */
#include <linux/mm.h>

/*
 * Stand-ins for declarations the fake headers do not provide (6.1 names/types):
 * linux/kvm_host.h (struct kvm, reduced to the mm), arch/s390/include/asm/kvm_host.h
 * (struct kvm_s390_adapter_int, struct s390_io_adapter, reduced), linux/mm.h (page_address),
 * asm/bitops.h (set_bit, test_and_set_bit), uapi asm-generic/int-ll64.h (__u64).
 */
struct kvm {
	struct mm_struct *mm;	/* userspace tied to this vm */
};

struct kvm_s390_adapter_int {
	u64 ind_addr;
	u64 summary_addr;
	u64 ind_offset;
	u32 summary_offset;
	u32 adapter_id;
};

struct s390_io_adapter {
	bool swap;
};

typedef u64 __u64;
void *page_address(const struct page *page);
void set_bit(unsigned long nr, volatile unsigned long *addr);
bool test_and_set_bit(unsigned long nr, volatile unsigned long *addr);

static unsigned long get_ind_bit(__u64 addr, unsigned long bit_nr, bool swap);

static struct page *get_map_page(struct kvm *kvm, u64 uaddr)
{
	struct page *page = NULL;

	mmap_read_lock(kvm->mm);
	get_user_pages_remote(kvm->mm, uaddr, 1, FOLL_WRITE, // expect: gup-vmas-migration
			      &page, NULL, NULL);
	mmap_read_unlock(kvm->mm);
	return page;
}

int adapter_indicators_set(struct kvm *kvm,
			   struct s390_io_adapter *adapter,
			   struct kvm_s390_adapter_int *adapter_int)
{
	unsigned long bit;
	int summary_set;
	struct page *ind_page, *summary_page;
	void *map;

	ind_page = get_map_page(kvm, adapter_int->ind_addr);
	if (!ind_page)
		return -1;
	summary_page = get_map_page(kvm, adapter_int->summary_addr);
	if (!summary_page) {
		put_page(ind_page);
		return -1;
	}

	map = page_address(ind_page);
	bit = get_ind_bit(adapter_int->ind_addr,
			  adapter_int->ind_offset, adapter->swap);
	set_bit(bit, map);
	set_page_dirty_lock(ind_page);
	map = page_address(summary_page);
	bit = get_ind_bit(adapter_int->summary_addr,
			  adapter_int->summary_offset, adapter->swap);
	summary_set = test_and_set_bit(bit, map);
	set_page_dirty_lock(summary_page);

	put_page(ind_page);
	put_page(summary_page);
	return summary_set ? 0 : 1;
}

static unsigned long get_ind_bit(__u64 addr, unsigned long bit_nr, bool swap)
{
	unsigned long bit;

	bit = bit_nr + (addr % PAGE_SIZE) * 8;

	return swap ? (bit ^ (64 - 1)) : bit;	/* BITS_PER_LONG == 64 on s390x */
}

/*
 * Upstream Linux 6.5 version of get_map_page() (ca5e863233e8 applied; nothing else in the
 * function changed between 6.1 and 6.5):
 *
 * static struct page *get_map_page(struct kvm *kvm, u64 uaddr)
 * {
 *	struct page *page = NULL;
 *
 *	mmap_read_lock(kvm->mm);
 *	get_user_pages_remote(kvm->mm, uaddr, 1, FOLL_WRITE,
 *			      &page, NULL);
 *	mmap_read_unlock(kvm->mm);
 *	return page;
 * }
 *
 * The hunk as merged:
 *
 * @@ -2777,7 +2777,7 @@ static struct page *get_map_page(struct kvm *kvm, u64 uaddr)
 *
 *	mmap_read_lock(kvm->mm);
 *	get_user_pages_remote(kvm->mm, uaddr, 1, FOLL_WRITE,
 * -			      &page, NULL, NULL);
 * +			      &page, NULL);
 *	mmap_read_unlock(kvm->mm);
 *	return page;
 * }
 *
 * Note the line was not re-joined although "get_user_pages_remote(kvm->mm, uaddr, 1,
 * FOLL_WRITE, &page, NULL);" would fit in 80 columns with one tab (74 columns): upstream only
 * re-joined lines whose continuation became short in the same edit in some files
 * (uprobes.c is_trap_at_addr, async_pf.c, gup_test.c), not consistently.
 */
