// A unit whose text names no API word: it reaches the API through header inlines.
#include "include/prefilter_api.h"

int takes_and_keeps(struct mm_struct *mm, int x)
{
	take(mm);
	if (x)
		return -1; // expect: mmap-lock-leak
	drop(mm);
	return 0;
}
