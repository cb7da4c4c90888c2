#include <linux/mm.h>

/* A helper returning a VMA hands its VMA lock over: its returns are not judged, so the
 * error return that keeps the lock is missed. */
struct vm_area_struct *missed_leak_in_vma_helper(struct mm_struct *mm, unsigned long address)
{
	struct vm_area_struct *vma = lock_vma_under_rcu(mm, address);

	if (!vma)
		return NULL;
	if (!vma->anon_vma)
		return ERR_PTR(-ENOENT);	/* VMA lock still held, not reported */
	return vma;
}
