// mmlint-kernel-version: 6.1
#include <linux/mm.h>

/* Reduced from 6.1.192: kernel/events/uprobes.c unapply_uprobe() (:1240-1266) removes a
 * breakpoint under mmap_read_lock(); uprobe_write_opcode() (:563) then calls
 * collapse_pte_mapped_thp() when the page it restores is a file THP, and 6.1's
 * collapse_pte_mapped_thp() asserts the write lock (mm/khugepaged.c:1463) and frees the
 * retracted page table under it. docs/triage/linux-6.1.md: likely a real bug in 6.1.y;
 * 6.6 made collapse_pte_mapped_thp() work under the read lock. */

int page_is_compound(unsigned long vaddr);

int collapse_pte_mapped_thp(struct mm_struct *mm, unsigned long addr, int install_pmd)
{
	mmap_assert_write_locked(mm);
	return 0;
}

static int uprobe_write_opcode(struct mm_struct *mm, unsigned long vaddr)
{
	int orig_page_huge = page_is_compound(vaddr);

	if (orig_page_huge)
		collapse_pte_mapped_thp(mm, vaddr, 0);
	return 0;
}

static int remove_breakpoint(struct mm_struct *mm, unsigned long vaddr)
{
	return uprobe_write_opcode(mm, vaddr);
}

int unapply_uprobe(struct mm_struct *mm, unsigned long vaddr)
{
	int err;

	mmap_read_lock(mm);
	err = remove_breakpoint(mm, vaddr); // expect: mmap-lock-mode-mismatch
	mmap_read_unlock(mm);
	return err;
}

/* register_for_each_vma() holds the write lock: fine. */
int ok_register(struct mm_struct *mm, unsigned long vaddr)
{
	int err;

	mmap_write_lock(mm);
	err = uprobe_write_opcode(mm, vaddr);
	mmap_write_unlock(mm);
	return err;
}
