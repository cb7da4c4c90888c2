#include <linux/mm.h>

int mmlint_check_range(unsigned long start, unsigned long len);

/* An error return taken with the lock held, while the other returns release it. */
int bad_error_return_holding(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	unsigned long flags;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	vma = vma_lookup(mm, addr);
	if (!vma)
		return -EFAULT; // expect: mmap-lock-leak
	flags = vma->vm_flags;
	mmap_read_unlock(mm);
	return (flags & VM_WRITE) ? 0 : -EPERM;
}

/* Every return releases the lock it took (the -EINTR return never held it). */
int ok_killable_balanced(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	unsigned long flags;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	vma = vma_lookup(mm, addr);
	if (!vma) {
		mmap_read_unlock(mm);
		return -EFAULT;
	}
	flags = vma->vm_flags;
	mmap_read_unlock(mm);
	return (flags & VM_WRITE) ? 0 : -EPERM;
}

/* `goto out` skips the unlock that `goto out_unlock` would have done. */
int bad_goto_skips_unlock(struct mm_struct *mm, unsigned long addr, unsigned long len)
{
	struct vm_area_struct *vma;
	int ret;

	mmap_write_lock(mm);
	vma = vma_lookup(mm, addr);
	if (!vma) {
		ret = -ENOMEM;
		goto out;
	}
	if (addr + len > vma->vm_end) {
		ret = -EINVAL;
		goto out_unlock;
	}
	vma->vm_flags |= VM_LOCKED;
	ret = 0;
out_unlock:
	mmap_write_unlock(mm);
out:
	return ret; // expect: mmap-lock-leak
}

/* The same function with the correct `goto out_unlock`. */
int ok_goto_out_unlock(struct mm_struct *mm, unsigned long addr, unsigned long len)
{
	struct vm_area_struct *vma;
	int ret;

	ret = mmlint_check_range(addr, len);
	if (ret)
		goto out;
	mmap_write_lock(mm);
	vma = vma_lookup(mm, addr);
	if (!vma) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	if (addr + len > vma->vm_end) {
		ret = -EINVAL;
		goto out_unlock;
	}
	vma->vm_flags |= VM_LOCKED;
out_unlock:
	mmap_write_unlock(mm);
out:
	return ret;
}

/* A pointer-returning function returns NULL with the lock held on one path. */
struct page *bad_null_return_holding(struct mm_struct *mm, unsigned long addr)
{
	struct page *page = NULL;
	long got;

	mmap_read_lock(mm);
	if (!vma_lookup(mm, addr))
		return NULL; // expect: mmap-lock-leak
	got = get_user_pages_remote(mm, addr, 1, 0, &page, NULL, NULL);
	mmap_read_unlock(mm);
	return got == 1 ? page : NULL;
}

/* A void function falls off its end with the lock held; the early return releases it. */
void bad_void_falls_off_end(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_write_lock(mm);
	vma = vma_lookup(mm, addr);
	if (!vma) {
		mmap_write_unlock(mm);
		return;
	}
	vma->vm_flags &= ~VM_LOCKED;
} // expect: mmap-lock-leak

/* A void function releasing on every path. */
void ok_void_balanced(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_write_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma)
		vma->vm_flags &= ~VM_LOCKED;
	mmap_write_unlock(mm);
}

/* A function pointer call between lock and unlock has no effect on the lock. */
void ok_fn_pointer_between_lock_and_unlock(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma && vma->vm_ops && vma->vm_ops->open)
		vma->vm_ops->open(vma);
	mmap_read_unlock(mm);
}

/* Trylock failure returns -EAGAIN without the lock; a later error return keeps it. */
int bad_trylock_then_error_holding(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	if (!mmap_write_trylock(mm))
		return -EAGAIN;
	vma = vma_lookup(mm, addr);
	if (!vma || (vma->vm_flags & VM_IO))
		return -EBUSY; // expect: mmap-lock-leak
	vma->vm_flags |= VM_LOCKED;
	mmap_write_unlock(mm);
	return 0;
}

/* Trylock failure path returning -EAGAIN; every locked path unlocks. */
int ok_trylock_fail_path(struct mm_struct *mm, unsigned long addr)
{
	bool found;

	if (!mmap_read_trylock(mm))
		return -EAGAIN;
	found = vma_lookup(mm, addr) != NULL;
	mmap_read_unlock(mm);
	return found ? 0 : -ENOENT;
}

/* `ret = mmap_read_lock_killable(mm); if (ret) return ret;`: the error return never held. */
int ok_killable_ret_variable(struct mm_struct *mm, unsigned long addr)
{
	int ret;

	ret = mmap_read_lock_killable(mm);
	if (ret)
		return ret;
	ret = vma_lookup(mm, addr) ? 0 : -ENOMEM;
	mmap_read_unlock(mm);
	return ret;
}

/* Pre-5.8 style down_read_trylock()/up_read() with an error return holding the lock. */
int bad_rwsem_trylock_error_holding(struct mm_struct *mm, unsigned long addr)
{
	if (!down_read_trylock(&mm->mmap_lock))
		return -EAGAIN;
	if (!find_vma(mm, addr))
		return -ENOMEM; // expect: mmap-lock-leak
	up_read(&mm->mmap_lock);
	return 0;
}
