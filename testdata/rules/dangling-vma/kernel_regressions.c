#include <linux/mm.h>
#include <linux/mempolicy.h>
#include <mm/internal.h>

/*
 * Regressions for false positives on real Linux 6.1.192 code (dangling-vma side): a pin
 * covers every local naming the pinned object; GUP's `locked` protocol through
 * populate_vma_page_range(); expand_stack() dropping the lock inside.
 */

static struct mempolicy default_policy = {
	.refcnt = { 1 }, /* never free it */
	.mode = MPOL_LOCAL,
};

/* mm/mempolicy.c, 6.1 */
static inline int mpol_store_user_nodemask(const struct mempolicy *pol)
{
	return pol->flags & MPOL_MODE_FLAGS;
}

/* mm/mempolicy.c, 6.1: called with task's alloc_lock held */
static void get_policy_nodemask(struct mempolicy *p, nodemask_t *nodes)
{
	nodes->bits[0] = 0;
	if (p == &default_policy)
		return;

	switch (p->mode) {
	case MPOL_BIND:
	case MPOL_INTERLEAVE:
	case MPOL_PREFERRED:
	case MPOL_PREFERRED_MANY:
		*nodes = p->nodes;
		break;
	case MPOL_LOCAL:
		/* return empty node mask for local allocation */
		break;
	default:
		BUG();
	}
}

/* mm/mempolicy.c, 6.1: GUP-fast after the unlock */
static int lookup_node(struct mm_struct *mm, unsigned long addr)
{
	struct page *p = NULL;
	int ret;

	ret = get_user_pages_fast(addr & PAGE_MASK, 1, 0, &p);
	if (ret > 0) {
		ret = page_to_nid(p);
		put_page(p);
	}
	return ret;
}

/* Linux 6.1 mm/mempolicy.c do_get_mempolicy() (MPOL_F_MEMS_ALLOWED branch and il_prev's
 * next_node_in() dropped): mpol_get(pol) pins the policy, which is then used after the unlock
 * as pol and as pol_refcount; `vma = NULL` says the lock is gone. */
long ok_do_get_mempolicy(int *policy, nodemask_t *nmask,
			 unsigned long addr, unsigned long flags)
{
	int err;
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma = NULL;
	struct mempolicy *pol = current->mempolicy, *pol_refcount = NULL;

	if (flags &
		~(unsigned long)(MPOL_F_NODE|MPOL_F_ADDR|MPOL_F_MEMS_ALLOWED))
		return -EINVAL;

	if (flags & MPOL_F_ADDR) {
		/*
		 * Do NOT fall back to task policy if the
		 * vma/shared policy at addr is NULL.  We
		 * want to return MPOL_DEFAULT in this case.
		 */
		mmap_read_lock(mm);
		vma = vma_lookup(mm, addr);
		if (!vma) {
			mmap_read_unlock(mm);
			return -EFAULT;
		}
		if (vma->vm_ops && vma->vm_ops->get_policy)
			pol = vma->vm_ops->get_policy(vma, addr);
		else
			pol = vma->vm_policy;
	} else if (addr)
		return -EINVAL;

	if (!pol)
		pol = &default_policy;	/* indicates default behavior */

	if (flags & MPOL_F_NODE) {
		if (flags & MPOL_F_ADDR) {
			/*
			 * Take a refcount on the mpol, because we are about to
			 * drop the mmap_lock, after which only "pol" remains
			 * valid, "vma" is stale.
			 */
			pol_refcount = pol;
			vma = NULL;
			mpol_get(pol);
			mmap_read_unlock(mm);
			err = lookup_node(mm, addr);
			if (err < 0)
				goto out;
			*policy = err;
		} else if (pol == current->mempolicy &&
				pol->mode == MPOL_INTERLEAVE) {
			*policy = current->il_prev;
		} else {
			err = -EINVAL;
			goto out;
		}
	} else {
		*policy = pol == &default_policy ? MPOL_DEFAULT :
						pol->mode;
		/*
		 * Internal mempolicy flags must be masked off before exposing
		 * the policy to userspace.
		 */
		*policy |= (pol->flags & MPOL_MODE_FLAGS);
	}

	err = 0;
	if (nmask) {
		if (mpol_store_user_nodemask(pol)) {
			*nmask = pol->w.user_nodemask;
		} else {
			task_lock(current);
			get_policy_nodemask(pol, nmask);
			task_unlock(current);
		}
	}

 out:
	mpol_cond_put(pol);
	if (vma)
		mmap_read_unlock(mm);
	if (pol_refcount)
		mpol_put(pol_refcount);
	return err;
}

/* Linux 6.1 mm/mempolicy.c do_get_mempolicy() (MPOL_F_NODE|MPOL_F_ADDR path) also keeping
 * vma->vm_file: mpol_get(pol) pins the policy (pol, pol_refcount), not the file. */
long bad_do_get_mempolicy_file_not_pinned(int *policy, unsigned long addr)
{
	int err;
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	struct mempolicy *pol, *pol_refcount;
	struct file *file;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (!vma) {
		mmap_read_unlock(mm);
		return -EFAULT;
	}
	if (vma->vm_ops && vma->vm_ops->get_policy)
		pol = vma->vm_ops->get_policy(vma, addr);
	else
		pol = vma->vm_policy;
	if (!pol)
		pol = &default_policy;
	file = vma->vm_file;

	pol_refcount = pol;
	vma = NULL;
	mpol_get(pol);
	mmap_read_unlock(mm);
	err = lookup_node(mm, addr);
	if (err >= 0 && file && file->f_mapping) // expect: dangling-vma
		err = pol_refcount->mode;
	*policy = err;
	mpol_put(pol_refcount);
	return 0;
}

/* Linux 6.1 mm/gup.c __mm_populate(): populate_vma_page_range() follows GUP's `locked`
 * protocol; while locked stays 1 the lock was never dropped (6.1 __get_user_pages_locked()
 * unlocks and clears *locked when it had), so vma->vm_end is read under the same hold. */
int ok___mm_populate(unsigned long start, unsigned long len, int ignore_errors)
{
	struct mm_struct *mm = current->mm;
	unsigned long end, nstart, nend;
	struct vm_area_struct *vma = NULL;
	int locked = 0;
	long ret = 0;

	end = start + len;

	for (nstart = start; nstart < end; nstart = nend) {
		/*
		 * We want to fault in pages for [nstart; end) address range.
		 * Find first corresponding VMA.
		 */
		if (!locked) {
			locked = 1;
			mmap_read_lock(mm);
			vma = find_vma_intersection(mm, nstart, end);
		} else if (nstart >= vma->vm_end)
			vma = find_vma_intersection(mm, vma->vm_end, end);

		if (!vma)
			break;
		/*
		 * Set [nstart; nend) to intersection of desired address
		 * range with the first VMA. Also, skip undesirable VMA types.
		 */
		nend = min(end, vma->vm_end);
		if (vma->vm_flags & (VM_IO | VM_PFNMAP))
			continue;
		if (nstart < vma->vm_start)
			nstart = vma->vm_start;
		/*
		 * Now fault in a range of pages. populate_vma_page_range()
		 * double checks the vma flags, so that it won't mlock pages
		 * if the vma was already munlocked.
		 */
		ret = populate_vma_page_range(vma, nstart, nend, &locked);
		if (ret < 0) {
			if (ignore_errors) {
				ret = 0;
				continue;	/* continue at next VMA */
			}
			break;
		}
		nend = nstart + ret * PAGE_SIZE;
		ret = 0;
	}
	if (locked)
		mmap_read_unlock(mm);
	return ret;	/* 0 or negative error code */
}

/* Linux 6.1 mm/gup.c __mm_populate() re-taking the lock without looking the VMA up again:
 * when populate_vma_page_range() cleared locked it had dropped the lock, and vma is stale. */
int bad___mm_populate_no_lookup_after_relock(unsigned long start, unsigned long len)
{
	struct mm_struct *mm = current->mm;
	unsigned long end = start + len, nend;
	struct vm_area_struct *vma;
	int locked = 1;
	long ret;

	mmap_read_lock(mm);
	vma = find_vma_intersection(mm, start, end);
	if (!vma) {
		mmap_read_unlock(mm);
		return 0;
	}
	nend = min(end, vma->vm_end);
	ret = populate_vma_page_range(vma, start, nend, &locked);
	if (!locked) {
		locked = 1;
		mmap_read_lock(mm);
	}
	if (ret >= 0 && nend < end && !(vma->vm_flags & VM_LOCKED)) // expect: dangling-vma
		ret = -ENOMEM;
	mmap_read_unlock(mm);
	return ret < 0 ? ret : 0;
}

/* Linux 6.1.37+ arch/ia64/mm/fault.c ia64_do_page_fault() (reduced) reading prev_vma after
 * expand_stack(): expand_stack() drops the read lock to take the write lock, so a VMA found
 * before it (here find_vma_prev()'s *pprev) is stale even when it returns a VMA. */
int bad_ia64_prev_vma_after_expand_stack(struct mm_struct *mm, unsigned long address)
{
	struct vm_area_struct *vma, *prev_vma;
	int code = 0;

	mmap_read_lock(mm);

	vma = find_vma_prev(mm, address, &prev_vma);
	if (!vma && !prev_vma)
		goto bad_area;

	if ((!vma && prev_vma) || (address < vma->vm_start)) {
		vma = expand_stack(mm, address);
		if (!vma)
			goto bad_area_nosemaphore;
		if (prev_vma && (prev_vma->vm_flags & VM_GROWSUP)) // expect: dangling-vma
			code = 1;
	}

	if (!(vma->vm_flags & (VM_READ | VM_WRITE)))
		goto bad_area;

	mmap_read_unlock(mm);
	return code;

bad_area:
	mmap_read_unlock(mm);
bad_area_nosemaphore:
	return -EFAULT;
}
