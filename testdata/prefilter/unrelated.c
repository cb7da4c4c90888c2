// A unit that cannot reach the API: skipped without a parse.
#include "include/prefilter_api.h"

int add_one(int x)
{
	return unrelated_helper(x);
}
