#include <linux/mm.h>
#include <linux/fs.h>

/* A helper that reaches the mm through a `struct vm_fault *` only when it is given one:
 * 6.12 mm/shmem.c shmem_get_folio_gfp(), which shmem_get_folio() calls with NULL for
 * `vmf` (:2544-2545), and whose fault path needs the fault's mmap_lock. A lock reached
 * through a null argument is no lock the caller must hold. */

static int get_folio_gfp(unsigned long index, struct vm_fault *vmf)
{
	if (vmf && find_vma(vmf->vma->vm_mm, index))
		return 1;
	return 0;
}

static int get_folio(unsigned long index)
{
	return get_folio_gfp(index, NULL);
}

static ssize_t ok_read_without_fault(struct file *file, char *buf, size_t len, loff_t *pos)
{
	return get_folio(*pos);
}

/* The same helper given a fault it does not hold the lock of is still reported. */
static ssize_t bad_read_with_a_fault(struct file *file, char *buf, size_t len, loff_t *pos)
{
	struct vm_fault *vmf = (struct vm_fault *)buf;

	return get_folio_gfp(*pos, vmf); // expect: vma-without-mmap-lock
}

static const struct file_operations fops = {
	.read = ok_read_without_fault,
	.write = 0,
};

static const struct file_operations fops2 = {
	.read = bad_read_with_a_fault,
};
