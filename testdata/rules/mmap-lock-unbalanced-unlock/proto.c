// mmlint-args: -DMMLINT_PROTOTYPES_ONLY
#include <linux/mm.h>

/* Prototype-only copy of conditional.c bad_killable_fail_unlock(). */
int bad_proto_killable_fail_unlock(struct mm_struct *mm, unsigned long addr)
{
	bool found;

	if (mmap_read_lock_killable(mm)) {
		mmap_read_unlock(mm); // expect: mmap-lock-unbalanced-unlock
		return -EINTR;
	}
	found = vma_lookup(mm, addr) != NULL;
	mmap_read_unlock(mm);
	return found ? 0 : -ENOMEM;
}

/* Prototype-only copy of double.c bad_double_unlock(). */
int bad_proto_double_unlock(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	unsigned long flags = 0;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (!vma)
		mmap_read_unlock(mm);
	else
		flags = vma->vm_flags;
	mmap_read_unlock(mm); // expect: mmap-lock-unbalanced-unlock
	return flags ? 0 : -EFAULT;
}

/* Prototype-only copy of double.c ok_release_callers_lock(). */
void ok_proto_release_callers_lock(struct mm_struct *mm, struct page *page)
{
	mmap_read_unlock(mm);
	put_page(page);
}
