#include <linux/mm.h>

struct mempolicy {
	int mode;
};
void mpol_get(struct mempolicy *pol);
void mpol_put(struct mempolicy *pol);
int lookup_node(struct mm_struct *mm, unsigned long addr);

/* Linux 6.1 mm/mempolicy.c do_get_mempolicy() (reduced): the policy is pinned with
 * mpol_get(pol) before the unlock, and used afterwards through its other name,
 * pol_refcount. */
int ok_pin_through_alias(struct mm_struct *mm, unsigned long addr, int *policy)
{
	struct vm_area_struct *vma;
	struct mempolicy *pol, *pol_refcount;
	int err;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (!vma) {
		mmap_read_unlock(mm);
		return -EFAULT;
	}
	pol = vma->vm_policy;
	pol_refcount = pol;
	vma = NULL;
	mpol_get(pol);
	mmap_read_unlock(mm);
	err = lookup_node(mm, addr);
	*policy = pol_refcount->mode;
	mpol_put(pol_refcount);
	return err;
}

/* Pinning one object does not pin another one derived from the same VMA. */
int bad_pin_covers_only_its_object(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	struct mempolicy *pol;
	struct file *file;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (!vma) {
		mmap_read_unlock(mm);
		return -EFAULT;
	}
	pol = vma->vm_policy;
	file = vma->vm_file;
	mpol_get(pol);
	mmap_read_unlock(mm);
	mpol_put(pol);
	fput(file); // expect: dangling-vma
	return 0;
}
