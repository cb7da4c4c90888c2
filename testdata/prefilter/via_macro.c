// A unit whose text names no API word: a header macro generates a function that locks.
#include "include/prefilter_api.h"

DEFINE_LOCKER(gen) // expect: mmap-lock-leak
