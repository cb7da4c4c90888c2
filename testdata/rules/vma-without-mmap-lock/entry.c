#include <linux/mm.h>
#include <linux/fs.h>
#include <linux/sched.h>

/* Entry points (rules/entry.toml): functions the code hands to the kernel in a way that
 * says what they hold at entry. A lookup made where nothing is held is reported; the
 * same lookup in a function of unknown entry state is not (lookup.c). */

#define SYSCALL_DEFINE2(name, t1, a1, t2, a2) long __do_sys_##name(t1 a1, t2 a2)

int mmlint_use(unsigned long x);

/* An ioctl callback looks up a VMA of its own mm without the lock. */
static long bad_ioctl(struct file *f, unsigned int cmd, unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(current->mm, addr); // expect: vma-without-mmap-lock

	return vma ? mmlint_use(vma->vm_start) : -EFAULT;
}

/* Its twin takes the lock. */
static long ok_ioctl(struct file *f, unsigned int cmd, unsigned long addr)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	long ret = -EFAULT;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (vma)
		ret = mmlint_use(vma->vm_start);
	mmap_read_unlock(mm);
	return ret;
}

/* A static helper that looks up without locking: its callers must hold the lock. */
static unsigned long helper_start(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = vma_lookup(mm, addr);

	return vma ? vma->vm_start : 0;
}

/* Two calls deep: the requirement of helper_start() is this helper's too. */
static unsigned long helper_outer(struct mm_struct *mm, unsigned long addr)
{
	return helper_start(mm, addr) + 1;
}

/* A compat_ioctl that calls the helper chain with nothing held. */
static long bad_compat_ioctl(struct file *f, unsigned int cmd, unsigned long addr)
{
	return mmlint_use(helper_outer(current->mm, addr)); // expect: vma-without-mmap-lock
}

/* The read callback calls the same chain with the lock held. */
static ssize_t ok_read(struct file *f, char *buf, size_t n, loff_t *pos)
{
	struct mm_struct *mm = current->mm;
	unsigned long s;

	mmap_read_lock(mm);
	s = helper_outer(mm, (unsigned long)buf);
	mmap_read_unlock(mm);
	return s;
}

/* .mmap runs under the write lock of the VMA's mm: a lookup there is fine. */
static int ok_mmap(struct file *f, struct vm_area_struct *vma)
{
	return helper_start(vma->vm_mm, vma->vm_start) ? 0 : -EINVAL;
}

static const struct file_operations mmlint_fops = {
	.unlocked_ioctl = bad_ioctl,
	.compat_ioctl = bad_compat_ioctl,
	.read = ok_read,
	.mmap = ok_mmap,
};

static const struct file_operations mmlint_ok_fops = {
	.unlocked_ioctl = ok_ioctl,
};

/* A system call body: no mmap_lock at entry. GUP without `locked` needs it held. */
SYSCALL_DEFINE2(mmlint_bad, unsigned long, addr, struct page **, pages)
{
	return get_user_pages(addr, 1, 0, pages, NULL); // expect: vma-without-mmap-lock
}

SYSCALL_DEFINE2(mmlint_ok, unsigned long, addr, struct page **, pages)
{
	long ret;

	mmap_read_lock(current->mm);
	ret = get_user_pages(addr, 1, 0, pages, NULL);
	mmap_read_unlock(current->mm);
	return ret;
}

/* Reduced from 6.12 mm/mmap.c brk(): the VMA comes from a call the data does not know
 * (vma_prev_limit(), mm/vma.h:378), so `vma->vm_mm` is some mm's lock under a name the
 * entry state cannot speak for; here it is `mm`'s, held for write. The entry state (no
 * mmap_lock) says nothing about it: not reported. */
struct vm_area_struct *mmlint_prev_vma(struct mm_struct *mm);

SYSCALL_DEFINE2(mmlint_ok_untracked_vma, struct mm_struct *, mm, unsigned long, flags)
{
	struct vm_area_struct *vma;

	mmap_write_lock(mm);
	vma = mmlint_prev_vma(mm);
	if (vma)
		vm_flags_set(vma, flags);
	mmap_write_unlock(mm);
	return 0;
}

/* A binary loader: no mmap_lock at entry. */
static int bad_load_binary(struct linux_binprm *bprm)
{
	return helper_start(current->mm, 0x1000) ? 0 : -EINVAL; // expect: vma-without-mmap-lock
}

static struct linux_binfmt mmlint_format = {
	.load_binary = bad_load_binary,
};
