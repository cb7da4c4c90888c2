// mmlint-summaries-from: drv_mm.c
#include <linux/mm.h>
#include <linux/fs.h>

/* Callers of drv_mm.c's helpers. Without the summary file their calls are unknown and
 * nothing is reported; with it, the marked lines are. */

struct drv_ctx {
	struct mm_struct *mm;
	unsigned long base;
};

void drv_lock(struct drv_ctx *c);
void drv_unlock(struct drv_ctx *c);
struct vm_area_struct *drv_vma(struct drv_ctx *c, unsigned long addr);
void drv_wait(struct drv_ctx *c);
void drv_reset(struct drv_ctx *c);
int drv_pin_fast(unsigned long addr, struct page **pagep);
long drv_pin_range(unsigned long addr, unsigned long n, struct page **pages);

unsigned long bad_flags_after_unlock(struct drv_ctx *c, unsigned long addr)
{
	struct vm_area_struct *vma;

	drv_lock(c);
	vma = drv_vma(c, addr);
	drv_unlock(c);
	return vma ? vma->vm_flags : 0; // expect: dangling-vma
}

unsigned long bad_end_after_wait(struct drv_ctx *c, unsigned long addr)
{
	struct vm_area_struct *vma;
	unsigned long end = 0;

	drv_lock(c);
	vma = drv_vma(c, addr);
	drv_wait(c);
	if (vma)
		end = vma->vm_end; // expect: dangling-vma
	drv_unlock(c);
	return end;
}

int bad_leak_on_error(struct drv_ctx *c, unsigned long addr)
{
	drv_lock(c);
	if (!drv_vma(c, addr))
		return -EFAULT; // expect: mmap-lock-leak
	drv_unlock(c);
	return 0;
}

int ok_balanced(struct drv_ctx *c, unsigned long addr)
{
	struct vm_area_struct *vma;
	int ret = 0;

	drv_lock(c);
	vma = drv_vma(c, addr);
	if (!vma || (vma->vm_flags & VM_IO))
		ret = -EINVAL;
	drv_unlock(c);
	return ret;
}

unsigned long ok_lookup_again_after_wait(struct drv_ctx *c, unsigned long addr)
{
	struct vm_area_struct *vma;
	unsigned long end = 0;

	drv_lock(c);
	drv_wait(c);
	vma = drv_vma(c, addr);
	if (vma)
		end = vma->vm_end;
	drv_unlock(c);
	return end;
}

/* drv_reset() releases through a static helper of drv_mm.c: its summary is learned from
 * the helper's and exported. */
unsigned long bad_flags_after_reset(struct drv_ctx *c, unsigned long addr)
{
	struct vm_area_struct *vma;

	drv_lock(c);
	vma = drv_vma(c, addr);
	drv_reset(c);
	return vma ? vma->vm_flags : 0; // expect: dangling-vma
}

/* An ioctl holds no mmap_lock at entry, and drv_vma() looks a VMA up without taking it:
 * its summary says it needs the lock held, so the call is reported. */
static long bad_ioctl_lookup(struct file *f, unsigned int cmd, unsigned long addr)
{
	struct drv_ctx *c = f->private_data;

	return drv_vma(c, addr) ? 0 : -EFAULT; // expect: vma-without-mmap-lock
}

static const struct file_operations drv_fops = {
	.unlocked_ioctl = bad_ioctl_lookup,
};

/* drv_pin_fast() (drv_mm.c) calls get_user_pages_fast(): two calls deep, across files. */
int bad_pin_fast_under_lock(unsigned long addr, struct page **pagep)
{
	int ret;

	mmap_read_lock(current->mm);
	ret = drv_pin_fast(addr, pagep); // expect: gup-while-mmap-locked
	mmap_read_unlock(current->mm);
	return ret;
}

/* drv_pin_range() -> its static helper -> pin_user_pages_unlocked(): three deep. */
long bad_pin_range_under_lock(unsigned long addr, struct page **pages)
{
	long ret;

	mmap_read_lock(current->mm);
	ret = drv_pin_range(addr, 4, pages); // expect: gup-while-mmap-locked
	mmap_read_unlock(current->mm);
	return ret;
}

/* After the unlock: fine. */
long ok_pin_range_after_unlock(unsigned long addr, struct page **pages)
{
	bool found;

	mmap_read_lock(current->mm);
	found = vma_lookup(current->mm, addr) != NULL;
	mmap_read_unlock(current->mm);
	return found ? drv_pin_range(addr, 4, pages) + drv_pin_fast(addr, pages) : -EFAULT;
}
