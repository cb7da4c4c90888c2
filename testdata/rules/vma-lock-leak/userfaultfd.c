// mmlint-kernel-version: 6.12
#include <linux/mm.h>
#include <linux/sched.h>

/* The raw per-VMA read lock 6.12 mm/userfaultfd.c takes under the mmap read lock
 * (uffd_lock_vma() :84-98): `down_read(&vma->vm_lock->lock)` is the VMA's read lock
 * (rules/vma_lock.toml vma_lock_rwsem), and the VMA stays valid after mmap_read_unlock()
 * until vma_end_read(). */

long use_vma(struct vm_area_struct *vma);

/* Reduced from uffd_lock_vma() and its caller uffd_mfill_lock()/mfill_atomic(): locked
 * under the mmap_lock, used after it, ended with vma_end_read(). */
long ok_raw_vma_lock_under_mmap_lock(struct mm_struct *mm, unsigned long address)
{
	struct vm_area_struct *vma;
	long ret;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, address);
	if (!vma) {
		mmap_read_unlock(mm);
		return -ENOENT;
	}
	down_read(&vma->vm_lock->lock);
	mmap_read_unlock(mm);

	ret = use_vma(vma);
	vma_end_read(vma);
	return ret;
}

/* The twin that forgets the VMA lock on its error return. */
long bad_raw_vma_lock_leaked_on_error(struct mm_struct *mm, unsigned long address)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, address);
	if (!vma) {
		mmap_read_unlock(mm);
		return -ENOENT;
	}
	down_read(&vma->vm_lock->lock);
	mmap_read_unlock(mm);

	if (use_vma(vma) < 0)
		return -EINVAL; // expect: vma-lock-leak
	vma_end_read(vma);
	return 0;
}

/* Without the raw lock, the VMA dies with the mmap_lock. */
long bad_no_vma_lock(struct mm_struct *mm, unsigned long address)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, address);
	if (!vma) {
		mmap_read_unlock(mm);
		return -ENOENT;
	}
	mmap_read_unlock(mm);
	return vma->vm_start; // expect: dangling-vma
}
