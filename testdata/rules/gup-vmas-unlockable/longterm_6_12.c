// mmlint-args: -DMMLINT_KERNEL_6_12
// mmlint-kernel-version: 6.12 6.1 unknown
/* Linux 6.12 gup_fast_fallback() (mm/gup.c:3466-3478): __gup_longterm_locked(mm, start, nr,
 * pages, &locked, flags | FOLL_UNLOCKABLE). 6.1's __gup_longterm_locked has the same six
 * arguments with `vmas` where 6.12 has `locked`: the argument count cannot tell them apart.
 * The declaration (<mm/internal.h> under -DMMLINT_KERNEL_6_12) can, whatever version the data
 * is for: under 6.1's data no entry fits this declaration, and with no version the 6.12
 * entry does. The 6.1 shape is in longterm_6_1.c. */
#include <linux/mm.h>
#include <mm/internal.h>

long ok_gup_fast_fallback(unsigned long start, unsigned long nr_pages,
			  unsigned int gup_flags, struct page **pages)
{
	int locked = 0;
	long ret;

	ret = __gup_longterm_locked(current->mm, start, nr_pages, pages, &locked,
				    gup_flags | FOLL_TOUCH | FOLL_UNLOCKABLE);
	return ret;
}
