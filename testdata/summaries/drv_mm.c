#include <linux/mm.h>

/* A driver's mm helpers, in their own file: callers in other files (drv_user.c) see what
 * they do only through a summary file (`mmlint summarize`). */

struct drv_ctx {
	struct mm_struct *mm;
	unsigned long base;
};

void drv_lock(struct drv_ctx *c)
{
	mmap_read_lock(c->mm);
}

void drv_unlock(struct drv_ctx *c)
{
	mmap_read_unlock(c->mm);
}

/* Returns a VMA under the caller's hold. */
struct vm_area_struct *drv_vma(struct drv_ctx *c, unsigned long addr)
{
	return vma_lookup(c->mm, addr);
}

/* Drops the lock while it waits, then takes it again. */
void drv_wait(struct drv_ctx *c)
{
	mmap_read_unlock(c->mm);
	mmap_read_lock(c->mm);
}

/* Static: not in the summary file. */
static void drv_private_unlock(struct drv_ctx *c)
{
	mmap_read_unlock(c->mm);
}

void drv_reset(struct drv_ctx *c)
{
	drv_private_unlock(c);
}
