// mmlint-kernel-version: 6.12
/* A trylock used as an assertion: BUG_ON(mmap_read_trylock(mm)) says "the caller holds the
 * lock for write" (a read trylock can only fail then); its success path cannot go on. The
 * failure is not an acquire that failed. Reduced from Linux 6.12 mm/memory.c
 * vm_insert_pages() (:2171-2185) and vm_insert_page() (:2218-2229); 6.12's vm_flags_set()
 * asserts the write lock (include/linux/mm.h:884-889, 735). */
#include <linux/mm.h>

int ok_vm_insert_pages(struct vm_area_struct *vma, unsigned long addr, unsigned long num)
{
	const unsigned long end_addr = addr + (num * PAGE_SIZE) - 1;

	if (addr < vma->vm_start || end_addr >= vma->vm_end)
		return -EFAULT;
	if (!(vma->vm_flags & VM_MIXEDMAP)) {
		BUG_ON(mmap_read_trylock(vma->vm_mm));
		BUG_ON(vma->vm_flags & VM_PFNMAP);
		vm_flags_set(vma, VM_MIXEDMAP);
	}
	return 0;
}

/* The WARN_ON form (drivers/net/ethernet/sfc/efx.h:231-235, on an rwsem): the success path
 * only releases the lock it should not have got. */
void ok_warn_on_trylock(struct vm_area_struct *vma)
{
	if (WARN_ON(mmap_read_trylock(vma->vm_mm))) {
		mmap_read_unlock(vma->vm_mm);
		return;
	}
	vm_flags_set(vma, VM_MIXEDMAP);
}

/* An ordinary trylock whose failure path goes on without the lock. */
int bad_trylock_failure_path(struct vm_area_struct *vma)
{
	if (!mmap_read_trylock(vma->vm_mm)) {
		vm_flags_set(vma, VM_MIXEDMAP); // expect: vma-without-mmap-lock
		return -EAGAIN;
	}
	mmap_read_unlock(vma->vm_mm);
	return 0;
}
