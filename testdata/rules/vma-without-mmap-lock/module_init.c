#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/module.h>

/* module_init(fn) (rules/entry.toml) runs fn holding no mmap_lock: built in, as here, an
 * initcall; with MODULE, init_module's alias (module_init_module.c). */

int mmlint_use(unsigned long x);

static unsigned long helper_first_start(struct mm_struct *mm)
{
	struct vm_area_struct *vma = find_vma(mm, 0);

	return vma ? vma->vm_start : 0;
}

/* An init function that walks its own mm without the lock, through a static helper. */
static int __init bad_init(void)
{
	return mmlint_use(helper_first_start(current->mm)); // expect: vma-without-mmap-lock
}

module_init(bad_init);
