// mmlint-args: -DMMLINT_PROTOTYPES_ONLY
#include <linux/mm.h>

/* Prototype-only copy of remote.c bad_remote_vmas_and_locked(). */
long bad_proto_remote_vmas_and_locked(struct mm_struct *mm, unsigned long addr,
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

/* Prototype-only copy of remote.c ok_remote_locked_null_vmas(). */
long ok_proto_remote_locked_null_vmas(struct mm_struct *mm, unsigned long addr,
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
