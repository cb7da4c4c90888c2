// mmlint-kernel-version: 6.1 6.12
/* exit_mmap() runs once the mm's last user is gone ("mm's last user has gone", Linux 6.12
 * mm/mmap.c:1927, 6.1 mm/mmap.c:3275): between its mmap_read_unlock() and
 * mmap_write_lock() nobody can unmap the first VMA, so using it after the relock is fine.
 * The rules data says so (exclusive_mm in rules/vma.toml), for both kernels. Reduced from
 * 6.12 mm/mmap.c:1919-1980; the same body under another name is a shared mm. */
#include <linux/mm.h>

#define VM_ACCOUNT	0x00100000
void vma_iter_set(struct vma_iterator *vmi, unsigned long addr);
void unmap_vmas_range(struct vm_area_struct *vma);
void free_pgtables_from(struct vm_area_struct *vma);
void remove_vma(struct vm_area_struct *vma, bool unreachable);

void exit_mmap(struct mm_struct *mm)
{
	struct vm_area_struct *vma;
	unsigned long nr_accounted = 0;
	VMA_ITERATOR(vmi, mm, 0);

	mmap_read_lock(mm);
	vma = vma_next(&vmi);
	if (!vma) {
		mmap_read_unlock(mm);
		mmap_write_lock(mm);
		goto destroy;
	}
	unmap_vmas_range(vma);
	mmap_read_unlock(mm);

	mmap_write_lock(mm);
	vma_iter_set(&vmi, vma->vm_end);
	free_pgtables_from(vma);

	vma_iter_set(&vmi, vma->vm_end);
	do {
		if (vma->vm_flags & VM_ACCOUNT)
			nr_accounted += 1;
		remove_vma(vma, true);
		vma = vma_next(&vmi);
	} while (vma);
destroy:
	mmap_write_unlock(mm);
}

/* The same steps on an mm other tasks can still reach: the VMA may be unmapped while the
 * lock is not held. */
void bad_teardown_shared_mm(struct mm_struct *mm)
{
	struct vm_area_struct *vma;
	VMA_ITERATOR(vmi, mm, 0);

	mmap_read_lock(mm);
	vma = vma_next(&vmi);
	if (!vma) {
		mmap_read_unlock(mm);
		return;
	}
	unmap_vmas_range(vma);
	mmap_read_unlock(mm);

	mmap_write_lock(mm);
	vma_iter_set(&vmi, vma->vm_end); // expect: dangling-vma
	free_pgtables_from(vma); // expect: dangling-vma
	mmap_write_unlock(mm);
}
