#include <linux/mm.h>

/* get_user_pages_remote() with a vmas output and &locked: GUP may drop the lock and leave
 * the VMA dangling (6.1 BUG_ON(vmas) in __get_user_pages_locked()). */
long bad_remote_vmas_and_locked(struct mm_struct *mm, unsigned long addr,
				struct page **pagep)
{
	struct vm_area_struct *vma;
	int locked = 1;
	long ret;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	ret = get_user_pages_remote(mm, addr, 1, FOLL_FORCE, pagep, &vma, &locked); // expect: gup-vmas-unlockable
	if (locked)
		mmap_read_unlock(mm);
	return ret;
}

/* Linux 6.1 mm/memory.c __access_remote_vm() (reduced): vmas with a NULL locked, and the
 * VMA used under the same hold. */
int ok_access_remote_vm(struct mm_struct *mm, unsigned long addr, void *buf,
			int len, unsigned int gup_flags)
{
	struct vm_area_struct *vma;
	int write = gup_flags & FOLL_WRITE;
	int done = 0;

	if (mmap_read_lock_killable(mm))
		return 0;

	while (len) {
		struct page *page = NULL;
		int ret;

		ret = get_user_pages_remote(mm, addr, 1,
				gup_flags, &page, &vma, NULL);
		if (ret <= 0) {
			vma = vma_lookup(mm, addr);
			if (!vma)
				break;
			if (vma->vm_ops && vma->vm_ops->access)
				ret = vma->vm_ops->access(vma, addr, buf,
							  len, write);
			if (ret <= 0)
				break;
		} else {
			ret = min_t(int, len, PAGE_SIZE - (addr & (PAGE_SIZE - 1)));
			if (write)
				set_page_dirty_lock(page);
			put_page(page);
		}
		len -= ret;
		buf = (char *)buf + ret;
		addr += ret;
		done += ret;
	}
	mmap_read_unlock(mm);
	return done;
}

/* &locked with a NULL vmas: the supported way to let GUP drop the lock. */
long ok_remote_locked_null_vmas(struct mm_struct *mm, unsigned long addr,
				unsigned long nr, struct page **pages)
{
	int locked = 1;
	long ret;

	mmap_read_lock(mm);
	ret = pin_user_pages_remote(mm, addr, nr, FOLL_WRITE | FOLL_LONGTERM, pages,
				    NULL, &locked);
	if (locked)
		mmap_read_unlock(mm);
	return ret;
}

/* pin_user_pages_remote() with a vmas array and &locked. */
long bad_pin_remote_vmas_array_and_locked(struct mm_struct *mm, unsigned long addr,
					  struct page **pages)
{
	struct vm_area_struct *vmas[4];
	int locked = 1;
	long ret;

	mmap_read_lock(mm);
	ret = pin_user_pages_remote(mm, addr, 4, FOLL_WRITE, pages, vmas, &locked); // expect: gup-vmas-unlockable
	if (locked)
		mmap_read_unlock(mm);
	return ret;
}

/* The 6.5 replacement for single-VMA users, include/linux/mm.h get_user_page_vma_remote()
 * (with 6.1's extra NULL locked): no vmas, vma_lookup() under the caller's hold. */
struct page *ok_get_user_page_vma_remote(struct mm_struct *mm, unsigned long addr,
					 unsigned int gup_flags,
					 struct vm_area_struct **vmap)
{
	struct page *page;
	struct vm_area_struct *vma;
	long got = get_user_pages_remote(mm, addr, 1, gup_flags, &page, NULL, NULL);

	if (got < 0)
		return ERR_PTR(got);
	if (got == 0)
		return NULL;

	vma = vma_lookup(mm, addr);
	if (WARN_ON_ONCE(!vma)) {
		put_page(page);
		return ERR_PTR(-EINVAL);
	}

	*vmap = vma;
	return page;
}
