#include <linux/mm.h>

int mmlint_copy_out(unsigned long addr, unsigned long flags);

/* The error branch unlocks and then falls into the common unlock. */
int bad_double_unlock(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	unsigned long flags = 0;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (!vma)
		mmap_read_unlock(mm);
	else
		flags = vma->vm_flags;
	mmap_read_unlock(mm); // expect: mmap-lock-unbalanced-unlock
	return flags ? 0 : -EFAULT;
}

/* Two exit labels, each unlocking; the first falls through into the second. */
int bad_double_unlock_two_labels(struct mm_struct *mm, unsigned long addr,
				 struct page **pagep)
{
	long got;
	int ret = 0;

	mmap_read_lock(mm);
	if (!vma_lookup(mm, addr)) {
		ret = -EFAULT;
		goto out_unlock;
	}
	got = get_user_pages_remote(mm, addr, 1, FOLL_WRITE, pagep, NULL, NULL);
	if (got != 1) {
		ret = -EFAULT;
		goto out_put;
	}
	mmap_read_unlock(mm);
	return mmlint_copy_out(addr, 0);

out_put:
	mmap_read_unlock(mm);
	if (got > 0)
		put_page(*pagep);
out_unlock:
	mmap_read_unlock(mm); // expect: mmap-lock-unbalanced-unlock
	return ret;
}

/* The same exits written correctly: out_put falls through into the only unlock. */
int ok_two_labels_one_unlock(struct mm_struct *mm, unsigned long addr,
			     struct page **pagep)
{
	long got = 0;
	int ret = 0;

	mmap_read_lock(mm);
	if (!vma_lookup(mm, addr)) {
		ret = -EFAULT;
		goto out_unlock;
	}
	got = get_user_pages_remote(mm, addr, 1, FOLL_WRITE, pagep, NULL, NULL);
	if (got != 1) {
		ret = -EFAULT;
		goto out_put;
	}
	mmap_read_unlock(mm);
	return mmlint_copy_out(addr, 0);

out_put:
	if (got > 0)
		put_page(*pagep);
out_unlock:
	mmap_read_unlock(mm);
	return ret;
}

/* The loop's error branch unlocks and breaks; the unlock after the loop runs again. */
int bad_unlock_in_loop_then_after(struct mm_struct *mm)
{
	struct vm_area_struct *vma;
	int ret = 0;
	VMA_ITERATOR(vmi, mm, 0);

	mmap_read_lock(mm);
	for_each_vma(vmi, vma) {
		if (vma->vm_flags & VM_IO) {
			mmap_read_unlock(mm);
			ret = -EINVAL;
			break;
		}
	}
	mmap_read_unlock(mm); // expect: mmap-lock-unbalanced-unlock
	return ret;
}

/* A helper that releases the caller's lock (entry state unknown): fine. */
void ok_release_callers_lock(struct mm_struct *mm, struct page *page)
{
	mmap_read_unlock(mm);
	put_page(page);
}

/* Pre-5.8 style: up_write() twice. */
void bad_rwsem_double_up_write(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	down_write(&mm->mmap_lock);
	vma = find_vma(mm, addr);
	if (vma && vma->vm_start <= addr) {
		vma->vm_flags |= VM_LOCKED;
		up_write(&mm->mmap_lock);
	}
	up_write(&mm->mmap_lock); // expect: mmap-lock-unbalanced-unlock
}

/* A statement-expression helper that unlocks. */
#define mmlint_done(mm) ({ mmap_read_unlock(mm); 0; })

/* The ({ ... }) helper runs twice on the lookup-failure path: reported at the macro use. */
int bad_stmt_expr_double_unlock(struct mm_struct *mm, unsigned long addr)
{
	int ret;

	mmap_read_lock(mm);
	if (!vma_lookup(mm, addr))
		ret = mmlint_done(mm);
	else
		ret = 1;
	mmlint_done(mm); // expect: mmap-lock-unbalanced-unlock
	return ret;
}

/* mmap_assert_locked() states the caller holds the lock; this function releases it once. */
int ok_assert_locked_then_unlock(struct mm_struct *mm, unsigned long addr)
{
	int ret;

	mmap_assert_locked(mm);
	ret = vma_lookup(mm, addr) ? 0 : -ENOMEM;
	mmap_read_unlock(mm);
	return ret;
}

/* lockdep_assert_held(&mm->mmap_lock), then a single up_read() on the caller's lock. */
void ok_lockdep_assert_held_then_up_read(struct mm_struct *mm)
{
	lockdep_assert_held(&mm->mmap_lock);
	mm->total_vm += 0;
	up_read(&mm->mmap_lock);
}

/* mmap_assert_write_locked() (the lock is held at entry), then released twice. */
void bad_assert_write_locked_double_unlock(struct mm_struct *mm, bool early)
{
	mmap_assert_write_locked(mm);
	if (early)
		mmap_write_unlock(mm);
	mm->map_count += 0;
	mmap_write_unlock(mm); // expect: mmap-lock-unbalanced-unlock
}
