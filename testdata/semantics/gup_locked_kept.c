#include <linux/mm.h>

/* GUP with &locked returning with locked == 1, then a VMA from before the call: clean under
 * Linux 6.1's contract (the hold never ended: rules/gup.toml locked_kept_is_new_hold =
 * false, the built-in data); a dangling use under the cautious reading of semantics.md §3
 * (locked_kept_is_new_hold = true), which crates/mmlint-cli/tests/semantics.rs checks
 * against the `// strict:` marks. */

long vma_flags_after_gup_kept_lock(struct mm_struct *mm, unsigned long addr,
				   struct page **pagep)
{
	struct vm_area_struct *vma;
	int locked = 1;
	long ret;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (!vma) {
		mmap_read_unlock(mm);
		return -EFAULT;
	}
	ret = get_user_pages_remote(mm, addr, 1, FOLL_WRITE, pagep, NULL, &locked);
	if (locked) {
		if (ret == 1 && (vma->vm_flags & VM_IO)) // strict: dangling-vma
			ret = -EINVAL;
		mmap_read_unlock(mm);
	}
	return ret;
}
