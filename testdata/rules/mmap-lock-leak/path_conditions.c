#include <linux/mm.h>

extern struct mm_struct init_mm;
void walk(struct mm_struct *mm);

/* Linux 6.1 mm/ptdump.c ptdump_walk_pgd(): the nested lock of init_mm is taken and released
 * under the same condition `mm != &init_mm`; the two branches go the same way. */
void ok_ptdump_walk_pgd(struct mm_struct *mm)
{
	mmap_write_lock(mm);
	if (mm != &init_mm)
		mmap_write_lock_nested(&init_mm, 1);
	walk(mm);
	if (mm != &init_mm)
		mmap_write_unlock(&init_mm);
	mmap_write_unlock(mm);
}

/* The condition changes between the two tests (mm is reassigned): the paths no longer
 * correlate, and the one that locked init_mm without unlocking it returns holding it. */
void bad_ptdump_condition_changed(struct mm_struct *mm, struct mm_struct *other)
{
	mmap_write_lock(mm);
	if (mm != &init_mm)
		mmap_write_lock_nested(&init_mm, 1);
	walk(mm);
	mmap_write_unlock(mm);
	mm = other;
	if (mm != &init_mm)
		mmap_write_unlock(&init_mm);
} // expect: mmap-lock-leak
