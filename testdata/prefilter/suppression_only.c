// A unit that cannot reach the API but has a suppression comment: analysed, so that an
// unused suppression is reported.
#include "include/prefilter_api.h"

int add_two(int x)
{
	/* mmlint-ignore dangling-vma: nothing here */
	return unrelated_helper(x) + 1;
}
