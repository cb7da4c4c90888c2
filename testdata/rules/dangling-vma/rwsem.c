#include <linux/mm.h>

/* Pre-5.8 style: down_read/up_read on &mm->mmap_lock directly, then a use. */
unsigned long bad_down_read_up_read(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	down_read(&mm->mmap_lock);
	vma = find_vma(mm, addr);
	up_read(&mm->mmap_lock);
	if (!vma)
		return 0;
	return addr - vma->vm_start; // expect: dangling-vma
}

/* Pre-5.8 style with the offset computed under the lock. */
unsigned long ok_down_read_up_read(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	unsigned long off = 0;

	down_read(&mm->mmap_lock);
	vma = find_vma(mm, addr);
	if (vma && addr >= vma->vm_start)
		off = addr - vma->vm_start;
	up_read(&mm->mmap_lock);
	return off;
}

/* down_write_killable() then up_write(); the VMA is used after up_write(). */
int bad_down_write_killable_use(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	if (down_write_killable(&mm->mmap_lock))
		return -EINTR;
	vma = find_vma_intersection(mm, addr, addr + PAGE_SIZE);
	if (vma)
		vma->vm_flags |= VM_LOCKED;
	up_write(&mm->mmap_lock);
	if (vma && vma->vm_file) // expect: dangling-vma
		return 1;
	return 0;
}
