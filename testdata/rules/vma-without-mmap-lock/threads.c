#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/kthread.h>
#include <linux/workqueue.h>

/* Kernel threads, work items and kthread works (rules/entry.toml) run holding no
 * mmap_lock. They are handed to the kernel by calls and macros in function bodies
 * (kthread_run(), INIT_WORK(), INIT_DELAYED_WORK(), kthread_init_work()) or at file scope
 * (DECLARE_WORK(), DECLARE_DELAYED_WORK()), which mmlint sees expanded. */

int mmlint_use(unsigned long x);

struct drv {
	struct mm_struct *mm;
	unsigned long addr;
	struct work_struct work;
	struct delayed_work dwork;
	struct kthread_work kwork;
};

static struct drv the_drv;

/* kthread_run(): the thread function looks a VMA up in its client's mm, unlocked. */
static int bad_thread_fn(void *data)
{
	struct drv *d = data;
	struct vm_area_struct *vma = find_vma(d->mm, d->addr); // expect: vma-without-mmap-lock

	return vma ? mmlint_use(vma->vm_start) : 0;
}

/* Its twin takes the lock. */
static int ok_thread_fn(void *data)
{
	struct drv *d = data;
	struct vm_area_struct *vma;
	int ret = 0;

	mmap_read_lock(d->mm);
	vma = find_vma(d->mm, d->addr);
	if (vma)
		ret = mmlint_use(vma->vm_start);
	mmap_read_unlock(d->mm);
	return ret;
}

/* kthread_create() (kthread_create_on_node() underneath) with GUP without the lock. */
static int bad_gup_thread_fn(void *data)
{
	struct drv *d = data;
	struct page *page;

	return get_user_pages_remote(d->mm, d->addr, 1, 0, &page, NULL, NULL); // expect: vma-without-mmap-lock
}

/* INIT_WORK(): a work function, unlocked lookup. */
static void bad_work_fn(struct work_struct *w)
{
	struct drv *d = container_of(w, struct drv, work);

	if (vma_lookup(d->mm, d->addr)) // expect: vma-without-mmap-lock
		mmlint_use(d->addr);
}

/* INIT_DELAYED_WORK(): the twin locks. */
static void ok_dwork_fn(struct work_struct *w)
{
	struct drv *d = container_of(w, struct drv, dwork.work);

	mmap_read_lock(d->mm);
	if (vma_lookup(d->mm, d->addr))
		mmlint_use(d->addr);
	mmap_read_unlock(d->mm);
}

/* A static helper called only from entry points: its requirement meets the work
 * function's "nothing held". */
static unsigned long helper_vm_start(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	return vma ? vma->vm_start : 0;
}

/* kthread_init_work(): calls the helper without the lock. */
static void bad_kwork_fn(struct kthread_work *w)
{
	struct drv *d = container_of(w, struct drv, kwork);

	mmlint_use(helper_vm_start(d->mm, d->addr)); // expect: vma-without-mmap-lock
}

/* DECLARE_WORK(): calls the helper under the lock. */
static void ok_declared_work_fn(struct work_struct *w)
{
	unsigned long s;

	mmap_read_lock(the_drv.mm);
	s = helper_vm_start(the_drv.mm, the_drv.addr);
	mmap_read_unlock(the_drv.mm);
	mmlint_use(s);
}

/* DECLARE_DELAYED_WORK(): calls the helper without the lock. */
static void bad_declared_dwork_fn(struct work_struct *w)
{
	mmlint_use(helper_vm_start(the_drv.mm, the_drv.addr)); // expect: vma-without-mmap-lock
}

static DECLARE_WORK(declared_work, ok_declared_work_fn);
static DECLARE_DELAYED_WORK(declared_dwork, bad_declared_dwork_fn);

/* A function only called, never handed to the kernel: its entry state stays unknown. */
static unsigned long ok_unknown_entry(struct drv *d)
{
	return helper_vm_start(d->mm, d->addr);
}

int drv_start(struct drv *d)
{
	struct task_struct *t;

	INIT_WORK(&d->work, bad_work_fn);
	INIT_DELAYED_WORK(&d->dwork, ok_dwork_fn);
	kthread_init_work(&d->kwork, bad_kwork_fn);
	t = kthread_run(bad_thread_fn, d, "drv-bad");
	if (IS_ERR(t))
		return PTR_ERR(t);
	t = kthread_run(ok_thread_fn, d, "drv-ok");
	if (IS_ERR(t))
		return PTR_ERR(t);
	t = kthread_create(bad_gup_thread_fn, d, "drv-gup-%d", 0);
	if (IS_ERR(t))
		return PTR_ERR(t);
	schedule_work(&declared_work);
	schedule_delayed_work(&declared_dwork, 1);
	return mmlint_use(ok_unknown_entry(d));
}
