#include <linux/mm.h>
#include <linux/err.h>

struct gts {
	int id;
};
struct gts *alloc_thread_state(struct vm_area_struct *vma);
struct vm_area_struct *proc_next_vma(struct mm_struct *mm, unsigned long addr);
struct vm_area_struct *get_gate_vma(struct mm_struct *mm);

/* Linux 6.1 drivers/misc/sgi-gru/grufault.c gru_alloc_locked_gts(): returns the object with
 * the lock held (downgraded), or an error pointer with it released. IS_ERR() tells the
 * two apart. */
struct gts *ok_alloc_locked_gts(struct mm_struct *mm, unsigned long vaddr)
{
	struct vm_area_struct *vma;
	struct gts *gts = ERR_PTR(-EINVAL);

	mmap_write_lock(mm);
	vma = vma_lookup(mm, vaddr);
	if (!vma)
		goto err;

	gts = alloc_thread_state(vma);
	if (IS_ERR(gts))
		goto err;
	mmap_write_downgrade(mm);
	return gts;

err:
	mmap_write_unlock(mm);
	return gts;
}

/* The same helper returning NULL-or-object on success: a NULL return holding the lock is
 * an error return that leaks it. */
struct gts *bad_alloc_locked_gts_null(struct mm_struct *mm, unsigned long vaddr)
{
	struct vm_area_struct *vma;
	struct gts *gts;

	mmap_write_lock(mm);
	vma = vma_lookup(mm, vaddr);
	if (!vma) {
		mmap_write_unlock(mm);
		return ERR_PTR(-EFAULT);
	}
	gts = alloc_thread_state(vma);
	if (!gts)
		return NULL; // expect: mmap-lock-leak
	return gts;
}

/* Linux 6.1 fs/proc/task_mmu.c m_start(): a seq_file start that returns a VMA with the lock
 * held, or ERR_PTR(-EINTR) when the killable acquire failed. */
void *ok_m_start(struct mm_struct *mm, unsigned long last_addr)
{
	if (mmap_read_lock_killable(mm))
		return ERR_PTR(-EINTR);
	if (last_addr == -2UL)
		return get_gate_vma(mm);
	return proc_next_vma(mm, last_addr);
}

struct v4l2_buffer {
	int memory;
};
#define V4L2_MEMORY_MMAP 1
int queue_buffer(struct v4l2_buffer *b);

/* Linux 6.1 drivers/media/v4l2-core/videobuf-core.c videobuf_qbuf(): the lock is taken and
 * released under the same test of b->memory. */
int ok_videobuf_qbuf(struct v4l2_buffer *b)
{
	int retval;

	if (b->memory == V4L2_MEMORY_MMAP)
		mmap_read_lock(current->mm);
	retval = queue_buffer(b);
	if (b->memory == V4L2_MEMORY_MMAP)
		mmap_read_unlock(current->mm);
	return retval;
}

/* The tested field is written in between: the two tests no longer agree. */
int bad_videobuf_qbuf_field_changed(struct v4l2_buffer *b)
{
	int retval;

	if (b->memory == V4L2_MEMORY_MMAP)
		mmap_read_lock(current->mm);
	retval = queue_buffer(b);
	b->memory = 0;
	if (b->memory == V4L2_MEMORY_MMAP)
		mmap_read_unlock(current->mm);
	return retval; // expect: mmap-lock-leak
}
