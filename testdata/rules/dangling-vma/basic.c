#include <linux/mm.h>

int consume_vma(struct vm_area_struct *vma);

/* A field read through the VMA after mmap_read_unlock(). */
int bad_use_after_unlock(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	mmap_read_unlock(mm);
	if (!vma)
		return -EFAULT;
	return (vma->vm_flags & VM_WRITE) ? 1 : 0; // expect: dangling-vma
}

/* The field is copied while the lock is held; only the copy is used afterwards. */
int ok_copy_field_before_unlock(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	unsigned long flags = 0;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (vma)
		flags = vma->vm_flags;
	mmap_read_unlock(mm);
	if (!vma)
		return -EFAULT;
	return (flags & VM_WRITE) ? 1 : 0;
}

/* The VMA is passed to a function after the unlock: a call is a use. */
bool bad_pass_to_call_after_unlock(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	mmap_read_unlock(mm);
	return vma && vma_is_anonymous(vma); // expect: dangling-vma
}

/* get_file() pins vma->vm_file before the unlock, so using the file afterwards is fine
 * (the mm/madvise.c madvise_willneed() idiom). */
int ok_get_file_then_unlock(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	struct file *file = NULL;
	int ret;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma && vma->vm_file) {
		file = vma->vm_file;
		get_file(file);
	}
	mmap_read_unlock(mm);
	if (!file)
		return -EBADF;
	ret = vfs_fsync(file, 0);
	fput(file);
	return ret;
}

/* vma->vm_file copied but not pinned: the file may go away with the VMA. */
int bad_file_without_get_file(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	struct file *file = NULL;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma)
		file = vma->vm_file;
	mmap_read_unlock(mm);
	if (!file)
		return -EBADF;
	return vfs_fsync(file, 0); // expect: dangling-vma
}

/* A pointer into the VMA (&vma->anon_vma) taken under the lock, dereferenced after it. */
bool bad_field_address_after_unlock(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	struct anon_vma **slot;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (!vma) {
		mmap_read_unlock(mm);
		return false;
	}
	slot = &vma->anon_vma;
	mmap_read_unlock(mm);
	return *slot != NULL; // expect: dangling-vma
}

/* After the unlock the pointers are only compared, never dereferenced. */
int ok_compare_after_unlock(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma, *prev;

	mmap_read_lock(mm);
	vma = find_vma_prev(mm, addr, &prev);
	mmap_read_unlock(mm);
	if (vma == prev)
		return 1;
	if (!vma)
		return -ENOMEM;
	return 0;
}

/* `if (!vma) goto out;` with the use and the unlock after it. */
long ok_goto_out_if_null(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	long ret = -EFAULT;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (!vma)
		goto out;
	ret = vma->vm_end - vma->vm_start;
out:
	mmap_read_unlock(mm);
	return ret;
}

/* find_vma() range check `if (!vma || addr < vma->vm_start)` under the lock. */
int ok_range_check(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	int ret = 0;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (!vma || addr < vma->vm_start) {
		ret = -EFAULT;
		goto out_unlock;
	}
	if (!(vma->vm_flags & VM_READ))
		ret = -EPERM;
out_unlock:
	mmap_read_unlock(mm);
	return ret;
}

/* The NULL branch unlocks and returns; the found branch uses the VMA, then unlocks. */
int ok_unlock_in_null_branch(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	int ret;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (!vma) {
		mmap_read_unlock(mm);
		return -EFAULT;
	}
	ret = consume_vma(vma);
	mmap_read_unlock(mm);
	return ret;
}

/* The shared exit label unlocks, then an error message reads the VMA. */
int bad_use_on_error_path(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	int ret = 0;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (!vma) {
		ret = -EFAULT;
		goto out_unlock;
	}
	if (!(vma->vm_flags & VM_WRITE))
		ret = -EPERM;
out_unlock:
	mmap_read_unlock(mm);
	if (ret && vma)
		pr_warn("mmlint: no write access at %lx\n", vma->vm_start); // expect: dangling-vma
	return ret;
}

/* A function pointer call (vm_ops->name) while the lock is held. */
const char *ok_fn_pointer_under_lock(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	const char *name = NULL;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma && vma->vm_ops && vma->vm_ops->name)
		name = vma->vm_ops->name(vma);
	mmap_read_unlock(mm);
	return name;
}

/* The reference is taken after the unlock: the file may already be gone, so get_file()
 * is a use of a dangling pointer, not a pin. */
int bad_get_file_after_unlock(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	struct file *file = NULL;
	int ret;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma)
		file = vma->vm_file;
	mmap_read_unlock(mm);
	if (!file)
		return -EBADF;
	get_file(file); // expect: dangling-vma
	ret = vfs_fsync(file, 0);
	fput(file);
	return ret;
}
