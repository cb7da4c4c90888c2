#include <linux/mm.h>

/* A driver-style statement-expression helper: drop the lock and read the flags. */
#define mmlint_drop_and_flags(mm, vma) ({		\
	mmap_read_unlock(mm);				\
	(vma)->vm_flags;				\
})

/* A helper that ends the hold and yields 0. */
#define mmlint_finish_lookup(mm) ({			\
	mmap_read_unlock(mm);				\
	0;						\
})

/* A helper that only reads the VMA. */
#define mmlint_vma_pages(vma) ({			\
	((vma)->vm_end - (vma)->vm_start) >> PAGE_SHIFT;	\
})

/* The use inside the ({ ... }) macro comes after its unlock: reported at the macro use. */
unsigned long bad_stmt_expr_unlock_then_field(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (!vma) {
		mmap_read_unlock(mm);
		return 0;
	}
	return mmlint_drop_and_flags(mm, vma); // expect: dangling-vma
}

/* The macro unlocks; the next statement reads the VMA. */
int bad_stmt_expr_unlock_then_use(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	int ret;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	ret = mmlint_finish_lookup(mm);
	if (vma && vma->vm_start <= addr) // expect: dangling-vma
		ret = 1;
	return ret;
}

/* The macro reads the VMA before the unlock. */
unsigned long ok_stmt_expr_before_unlock(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	unsigned long pages = 0;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma)
		pages = mmlint_vma_pages(vma);
	mmap_read_unlock(mm);
	return pages;
}
