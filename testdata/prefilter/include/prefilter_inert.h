/* Header helpers whose bodies teach their callers nothing: one only reads a VMA, one
 * takes another rwsem. A unit that calls only these and the API itself is analysed with
 * the header bodies skipped, and must report the same. */
#include <linux/mm.h>
#include <linux/mmap_lock.h>

struct inode_like {
	struct rw_semaphore sem;
};

static inline unsigned long vma_size(struct vm_area_struct *vma)
{
	return vma->vm_end - vma->vm_start;
}

static inline void inode_like_unlock(struct inode_like *i)
{
	up_write(&i->sem);
}
