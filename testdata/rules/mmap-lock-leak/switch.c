#include <linux/mm.h>

enum { MMLINT_CMD_QUERY, MMLINT_CMD_LOCK, MMLINT_CMD_LOCK_ALL, MMLINT_CMD_UNLOCK };

/* A switch whose MMLINT_CMD_LOCK case returns an error with the lock held (fall-through into
 * the next case on success); the default case unlocks before returning. */
int bad_switch_case_returns_holding(struct mm_struct *mm, unsigned long addr, int cmd)
{
	struct vm_area_struct *vma;
	int ret = 0;

	mmap_write_lock(mm);
	vma = vma_lookup(mm, addr);
	if (!vma) {
		mmap_write_unlock(mm);
		return -EFAULT;
	}
	switch (cmd) {
	case MMLINT_CMD_QUERY:
		ret = !!(vma->vm_flags & VM_LOCKED);
		break;
	case MMLINT_CMD_LOCK:
		if (vma->vm_flags & VM_IO)
			return -EINVAL; // expect: mmap-lock-leak
		fallthrough;
	case MMLINT_CMD_LOCK_ALL:
		vma->vm_flags |= VM_LOCKED;
		break;
	case MMLINT_CMD_UNLOCK:
		vma->vm_flags &= ~VM_LOCKED;
		break;
	default:
		mmap_write_unlock(mm);
		return -EINVAL;
	}
	mmap_write_unlock(mm);
	return ret;
}

/* The same switch with the error recorded and a break. */
int ok_switch_case_break(struct mm_struct *mm, unsigned long addr, int cmd)
{
	struct vm_area_struct *vma;
	int ret = 0;

	mmap_write_lock(mm);
	vma = vma_lookup(mm, addr);
	if (!vma) {
		ret = -EFAULT;
		goto out;
	}
	switch (cmd) {
	case MMLINT_CMD_QUERY:
		ret = !!(vma->vm_flags & VM_LOCKED);
		break;
	case MMLINT_CMD_LOCK:
		if (vma->vm_flags & VM_IO) {
			ret = -EINVAL;
			break;
		}
		fallthrough;
	case MMLINT_CMD_LOCK_ALL:
		vma->vm_flags |= VM_LOCKED;
		break;
	case MMLINT_CMD_UNLOCK:
		vma->vm_flags &= ~VM_LOCKED;
		break;
	default:
		ret = -EINVAL;
		break;
	}
out:
	mmap_write_unlock(mm);
	return ret;
}
