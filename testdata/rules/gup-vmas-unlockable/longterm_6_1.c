// mmlint-kernel-version: 6.1 unknown
/* The 6.1 shape of __gup_longterm_locked (6.1 mm/gup.c:2131): argument 4 is `vmas`. Passing
 * an array and FOLL_UNLOCKABLE is the gup-vmas-unlockable bug, with 6.1's data and with no
 * version (the declaration picks the 6.1 entry). The 6.12 shape is in longterm_6_12.c. */
#include <linux/mm.h>
#include <mm/internal.h>

long bad_longterm_with_vmas(struct mm_struct *mm, unsigned long start, struct page **pages)
{
	struct vm_area_struct *vmas[1];

	return __gup_longterm_locked(mm, start, 1, pages, vmas, // expect: gup-vmas-unlockable
				     FOLL_TOUCH | FOLL_UNLOCKABLE);
}
