// SPDX-License-Identifier: GPL-2.0
/*
 * Reduced from arch/arm64/kernel/mte.c (Linux 6.1.192), __access_remote_tags() and its
 * caller access_remote_tags(). arm64 cannot be built with the x86_64 corpus here.
 *
 * Issue 8 case 2: get_user_pages_remote() with one page and &vma; the VMA is only read
 * (vma->vm_flags & VM_MTE) under the same mmap_read_lock_killable() hold.
 * Expected: gup-vmas-migration on the get_user_pages_remote() line (the expect mark);
 * no other rule should fire.
 * Upstream 6.5: ca5e863233e8 "mm/gup: remove vmas parameter from get_user_pages_remote()",
 * result quoted at the bottom of this file.
 *
 * Compile check: clang-19 -fsyntax-only -nostdinc -I testdata/include -Wall FILE
 * (also with -DMMLINT_PROTOTYPES_ONLY).
 */
#include <linux/mm.h>

/*
 * Stand-ins for declarations the fake headers do not provide (types/values as in 6.1):
 * include/uapi/linux/uio.h, arch/arm64/include/asm/{uaccess,mte,mte-def,page}.h,
 * include/linux/mm.h (VM_MTE = VM_HIGH_ARCH_0, offset_in_page, is_zero_page, page_address),
 * include/uapi/asm-generic/errno-base.h (EIO).
 */
#ifndef EIO
#define EIO		5
#endif
struct iovec {
	void __user *iov_base;	/* BSD uses caddr_t (1003.1g requires void *) */
	size_t iov_len;		/* Must be size_t (1003.1g) */
};
#define VM_MTE			(1UL << 32)	/* VM_HIGH_ARCH_0 */
#define MTE_GRANULE_SIZE	16UL
#define offset_in_page(p)	((unsigned long)(p) & ~PAGE_MASK)
bool access_ok(const void __user *addr, unsigned long size);
bool page_mte_tagged(struct page *page);
bool is_zero_page(struct page *page);
void *page_address(const struct page *page);
size_t mte_copy_tags_from_user(void *to, const void __user *from, size_t n);
size_t mte_copy_tags_to_user(void __user *to, void *from, size_t n);

/*
 * Access MTE tags in another process' address space as given in mm. Update
 * the number of tags copied. Return 0 if any tags copied, error otherwise.
 * Inspired by __access_remote_vm().
 */
static int __access_remote_tags(struct mm_struct *mm, unsigned long addr,
				struct iovec *kiov, unsigned int gup_flags)
{
	struct vm_area_struct *vma;
	void __user *buf = kiov->iov_base;
	size_t len = kiov->iov_len;
	int ret;
	int write = gup_flags & FOLL_WRITE;

	if (!access_ok(buf, len))
		return -EFAULT;

	if (mmap_read_lock_killable(mm))
		return -EIO;

	while (len) {
		unsigned long tags, offset;
		void *maddr;
		struct page *page = NULL;

		ret = get_user_pages_remote(mm, addr, 1, gup_flags, &page, // expect: gup-vmas-migration
					    &vma, NULL);
		if (ret <= 0)
			break;

		/*
		 * Only copy tags if the page has been mapped as PROT_MTE
		 * (PG_mte_tagged set). Otherwise the tags are not valid and
		 * not accessible to user. Moreover, an mprotect(PROT_MTE)
		 * would cause the existing tags to be cleared if the page
		 * was never mapped with PROT_MTE.
		 */
		if (!(vma->vm_flags & VM_MTE)) {
			ret = -EOPNOTSUPP;
			put_page(page);
			break;
		}
		WARN_ON_ONCE(!page_mte_tagged(page) && !is_zero_page(page));

		/* limit access to the end of the page */
		offset = offset_in_page(addr);
		tags = min(len, (PAGE_SIZE - offset) / MTE_GRANULE_SIZE);

		maddr = page_address(page);
		if (write) {
			tags = mte_copy_tags_from_user(maddr + offset, buf, tags);
			set_page_dirty_lock(page);
		} else {
			tags = mte_copy_tags_to_user(buf, maddr + offset, tags);
		}
		put_page(page);

		/* error accessing the tracer's buffer */
		if (!tags)
			break;

		len -= tags;
		buf += tags;
		addr += tags * MTE_GRANULE_SIZE;
	}
	mmap_read_unlock(mm);

	/* return an error if no tags copied */
	kiov->iov_len = buf - kiov->iov_base;
	if (!kiov->iov_len) {
		/* check for error accessing the tracee's address space */
		if (ret <= 0)
			return -EIO;
		else
			return -EFAULT;
	}

	return 0;
}

/*
 * Copy MTE tags in another process' address space at 'addr' to/from tracer's
 * iovec buffer. Return 0 on success. Inspired by ptrace_access_vm().
 * (6.1: static, and it also checks tsk->ptrace, the parent and get_dumpable(); dropped here.)
 */
int access_remote_tags(struct task_struct *tsk, unsigned long addr,
		       struct iovec *kiov, unsigned int gup_flags)
{
	struct mm_struct *mm;
	int ret;

	mm = get_task_mm(tsk);
	if (!mm)
		return -EPERM;

	ret = __access_remote_tags(mm, addr, kiov, gup_flags);
	mmput(mm);

	return ret;
}

/*
 * Upstream Linux 6.5 version of __access_remote_tags() (ca5e863233e8 applied; the function
 * is otherwise unchanged between 6.1 and 6.5). get_user_page_vma_remote() in 6.5 returns the
 * page, NULL (nothing pinned) or an ERR_PTR, and writes *vmap only on success.
 *
 * static int __access_remote_tags(struct mm_struct *mm, unsigned long addr,
 *				struct iovec *kiov, unsigned int gup_flags)
 * {
 *	void __user *buf = kiov->iov_base;
 *	size_t len = kiov->iov_len;
 *	int err = 0;
 *	int write = gup_flags & FOLL_WRITE;
 *
 *	if (!access_ok(buf, len))
 *		return -EFAULT;
 *
 *	if (mmap_read_lock_killable(mm))
 *		return -EIO;
 *
 *	while (len) {
 *		struct vm_area_struct *vma;
 *		unsigned long tags, offset;
 *		void *maddr;
 *		struct page *page = get_user_page_vma_remote(mm, addr,
 *							     gup_flags, &vma);
 *
 *		if (IS_ERR_OR_NULL(page)) {
 *			err = page == NULL ? -EIO : PTR_ERR(page);
 *			break;
 *		}
 *
 *		(comment unchanged)
 *		if (!(vma->vm_flags & VM_MTE)) {
 *			err = -EOPNOTSUPP;
 *			put_page(page);
 *			break;
 *		}
 *		WARN_ON_ONCE(!page_mte_tagged(page) && !is_zero_page(page));
 *
 *		(... unchanged to the end of the loop ...)
 *	}
 *	mmap_read_unlock(mm);
 *
 *	kiov->iov_len = buf - kiov->iov_base;
 *	if (!kiov->iov_len) {
 *		if (err)
 *			return -EIO;
 *		else
 *			return -EFAULT;
 *	}
 *
 *	return 0;
 * }
 *
 * (6.7 later changed the test to `if (IS_ERR(page)) { err = PTR_ERR(page); break; }`
 * when get_user_page_vma_remote() stopped returning NULL; that is not 6.5.)
 */
