#include <linux/mm.h>

/*
 * Known limitations of gup-vmas-unlockable (docs/rules/gup-vmas-unlockable.md). missed_*
 * functions have the bug and are not reported; the day mmlint reports one, this fixture
 * fails and the rule's doc must change with it.
 */

unsigned long mmlint_use_vma_flags(unsigned long flags);

/* FOLL_UNLOCKABLE counts only when it is named in the call's gup_flags argument. */
long missed_unlockable_flag_in_a_variable(unsigned long addr, struct page **pages)
{
	unsigned int gup_flags = FOLL_WRITE | FOLL_UNLOCKABLE;
	struct vm_area_struct *vmas[1];
	long ret;

	mmap_read_lock(current->mm);
	ret = pin_user_pages(addr, 1, gup_flags, pages, vmas);	/* not reported */
	if (ret == 1)
		mmlint_use_vma_flags(vmas[0]->vm_flags);
	mmap_read_unlock(current->mm);
	return ret;
}
