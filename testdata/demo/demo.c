// mydev: a toy driver that maps a user "doorbell" page for its device (mmlint README demo).
#include <linux/mm.h>

#define MYDEV_MAP_DOORBELL	0x4d01
#define MYDEV_UNMAP_DOORBELL	0x4d02

struct mydev_ctx {
	struct page *doorbell;
	bool write_combine;
};

/* Pin the user page at uaddr and remember how it is mapped. */
static long mydev_map_doorbell(struct mydev_ctx *ctx, unsigned long uaddr)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	struct page *page;
	int locked = 1;
	long ret;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	ret = pin_user_pages_remote(mm, uaddr, 1, FOLL_WRITE, &page, &vma, &locked); // expect: gup-vmas-unlockable
	if (locked)
		mmap_read_unlock(mm);
	if (ret != 1)
		return ret < 0 ? ret : -EFAULT;

	ctx->doorbell = page;
	ctx->write_combine = !(vma->vm_flags & VM_IO); // expect: dangling-vma
	return 0;
}

static void mydev_unmap_doorbell(struct mydev_ctx *ctx)
{
	if (ctx->doorbell) {
		unpin_user_page(ctx->doorbell);
		ctx->doorbell = NULL;
	}
}

long mydev_ioctl(struct mydev_ctx *ctx, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case MYDEV_MAP_DOORBELL:
		if (ctx->doorbell)
			return -EBUSY;
		return mydev_map_doorbell(ctx, arg & PAGE_MASK);
	case MYDEV_UNMAP_DOORBELL:
		mydev_unmap_doorbell(ctx);
		return 0;
	default:
		return -EINVAL;
	}
}
