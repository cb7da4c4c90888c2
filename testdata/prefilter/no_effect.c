// Names words (the VMA type, a plain rwsem, a lockdep assertion, a `.mmap` file
// operation) but nothing that takes, drops or needs the mmap_lock: no finding can come of
// it. Checking skips it; `mmlint summarize` parses it (its functions still export
// summaries).
#include <linux/mm.h>
#include <linux/fs.h>

struct mydev {
	struct rw_semaphore sem;
	unsigned long size;
};

static struct mydev the_dev;

unsigned long mydev_vma_pages(struct vm_area_struct *vma)
{
	return (vma->vm_end - vma->vm_start) >> 12;
}

static int mydev_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long pages;

	down_read(&the_dev.sem);
	pages = mydev_vma_pages(vma);
	up_read(&the_dev.sem);
	return pages > the_dev.size ? -22 : 0;
}

static const struct file_operations mydev_fops = {
	.mmap = mydev_mmap,
};
