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

/* Pins with the fast GUP, which takes current->mm's mmap_lock itself when it falls back:
 * the summary says its callers must not hold it. */
int drv_pin_fast(unsigned long addr, struct page **pagep)
{
	return get_user_pages_fast(addr, 1, FOLL_WRITE, pagep);
}

/* The same one static helper further down. */
static long drv_pin_range_unlocked(unsigned long addr, unsigned long n, struct page **pages)
{
	return pin_user_pages_unlocked(addr, n, pages, FOLL_WRITE);
}

long drv_pin_range(unsigned long addr, unsigned long n, struct page **pages)
{
	return n ? drv_pin_range_unlocked(addr, n, pages) : 0;
}
