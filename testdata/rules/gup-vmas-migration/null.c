#include <linux/mm.h>

/* Case 1: a NULL 'vmas' is dropped (Linux 6.5 signatures). Reduced from 6.1 fs/exec.c
 * get_arg_page(), mm/rmap.c make_device_exclusive_range() and virt/kvm/async_pf.c. */
struct page *arg_page(struct mm_struct *mm, unsigned long pos, int write)
{
	struct page *page;
	unsigned int gup_flags = 0;
	int ret;

	if (write)
		gup_flags |= FOLL_WRITE;

	mmap_read_lock(mm);
	ret = get_user_pages_remote(mm, pos, 1, gup_flags, &page, NULL, NULL); // expect: gup-vmas-migration
	mmap_read_unlock(mm);
	if (ret <= 0)
		return NULL;
	return page;
}

long exclusive_range(struct mm_struct *mm, unsigned long start, unsigned long npages,
		     struct page **pages)
{
	long npages_done;

	mmap_read_lock(mm);
	npages_done = get_user_pages_remote(mm, start, npages, // expect: gup-vmas-migration
					    FOLL_GET | FOLL_WRITE, pages,
					    NULL, NULL);
	mmap_read_unlock(mm);
	return npages_done;
}

void async_execute(struct mm_struct *mm, unsigned long addr)
{
	int locked = 1;

	mmap_read_lock(mm);
	get_user_pages_remote(mm, addr, 1, FOLL_WRITE, NULL, NULL, // expect: gup-vmas-migration
			&locked);
	if (locked)
		mmap_read_unlock(mm);
}

/* In a condition, with the caller holding the lock (6.1 virt/kvm/kvm_main.c). */
int check_hwpoison(unsigned long addr)
{
	int rc, flags = FOLL_HWPOISON | FOLL_WRITE;

	rc = 0;
	if (get_user_pages(addr, 1, flags, NULL, NULL) == -EHWPOISON) // expect: gup-vmas-migration
		rc = -EHWPOISON;
	return rc;
}

long pin_many(unsigned long ubuf, unsigned long nr_pages, struct page **pages)
{
	return pin_user_pages(ubuf, nr_pages, FOLL_WRITE | FOLL_LONGTERM, // expect: gup-vmas-migration
			      pages, NULL);
}
