/* Helpers whose definitions reach the mm API: a unit that names one of them only must
 * still be analysed. */
#include <linux/mmap_lock.h>

#define DEFINE_LOCKER(name)						\
	int name##_locker(struct mm_struct *mm, int x)			\
	{								\
		mmap_read_lock(mm);					\
		if (x)							\
			return -1;					\
		mmap_read_unlock(mm);					\
		return 0;						\
	}

static inline void take(struct mm_struct *mm)
{
	mmap_read_lock(mm);
}

static inline void drop(struct mm_struct *mm)
{
	mmap_read_unlock(mm);
}

static inline int unrelated_helper(int x)
{
	return x + 1;
}

/* Builds, here in the header, a function that releases its caller's lock. */
#define DEFINE_UNLOCKER(name)						\
	static inline void name##_unlocker(struct mm_struct *mm)	\
	{								\
		mmap_read_unlock(mm);					\
	}

DEFINE_UNLOCKER(hdr)
