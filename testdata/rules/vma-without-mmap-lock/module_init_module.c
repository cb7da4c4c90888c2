// mmlint-args: -DMODULE
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/module.h>

/* module_init() in a module: init_module is an alias of the function (module_init.c is
 * the built-in form). ok_init is the twin that takes the lock. */

int mmlint_use(unsigned long x);

static unsigned long helper_first_start(struct mm_struct *mm)
{
	struct vm_area_struct *vma = find_vma(mm, 0);

	return vma ? vma->vm_start : 0;
}

static int __init ok_init(void)
{
	unsigned long s;

	mmap_read_lock(current->mm);
	s = helper_first_start(current->mm);
	mmap_read_unlock(current->mm);
	return mmlint_use(s);
}

/* Not an init function: its entry state is unknown. */
static int ok_unknown(void)
{
	return mmlint_use(helper_first_start(current->mm));
}

/* module_init with MODULE: a lookup without the lock is reported here too. */
static int __init bad_module_init(void)
{
	return mmlint_use(helper_first_start(current->mm)); // expect: vma-without-mmap-lock
}

module_init(bad_module_init);

