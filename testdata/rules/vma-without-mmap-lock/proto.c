// mmlint-args: -DMMLINT_PROTOTYPES_ONLY
#include <linux/mm.h>

/* Prototype-only copy of lookup.c bad_lookup_before_killable_check(). */
int bad_proto_lookup_before_killable_check(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	int ret;

	ret = mmap_read_lock_killable(mm);
	vma = vma_lookup(mm, addr); // expect: vma-without-mmap-lock
	if (ret)
		return ret;
	ret = vma ? 0 : -EFAULT;
	mmap_read_unlock(mm);
	return ret;
}

/* Prototype-only copy of lookup.c ok_assert_locked_then_lookup(). */
bool ok_proto_assert_locked_then_lookup(struct mm_struct *mm, unsigned long addr)
{
	mmap_assert_locked(mm);
	return vma_lookup(mm, addr) != NULL;
}

/* Prototype-only copy of lookup.c bad_find_vma_after_unlock(). */
bool bad_proto_find_vma_after_unlock(struct mm_struct *mm, unsigned long addr)
{
	unsigned long start;

	mmap_read_lock(mm);
	start = mm->start_stack;
	mmap_read_unlock(mm);
	return find_vma(mm, addr ? addr : start) != NULL; // expect: vma-without-mmap-lock
}
