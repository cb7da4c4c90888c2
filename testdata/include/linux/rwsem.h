/* SPDX-License-Identifier: GPL-2.0 */
/* mmlint test simulator of include/linux/rwsem.h (Linux 6.1), reduced: the lock primitives
 * are out-of-line functions in kernel/locking/rwsem.c, so only prototypes here. */
#ifndef _LINUX_RWSEM_H
#define _LINUX_RWSEM_H

#include <linux/compiler.h>
#include <linux/types.h>

struct rw_semaphore {
	atomic_long_t count;
	atomic_long_t owner;
};

static inline int rwsem_is_locked(struct rw_semaphore *sem)
{
	return READ_ONCE(sem->count.counter) != 0;
}

static inline int rwsem_is_contended(struct rw_semaphore *sem)
{
	return READ_ONCE(sem->owner.counter) != 0;	/* real: !list_empty(&sem->wait_list) */
}

/* lock for reading */
extern void down_read(struct rw_semaphore *sem);
extern int __must_check down_read_interruptible(struct rw_semaphore *sem);
extern int __must_check down_read_killable(struct rw_semaphore *sem);
/* trylock for reading -- returns 1 if successful, 0 if contention */
extern int down_read_trylock(struct rw_semaphore *sem);
/* lock for writing */
extern void down_write(struct rw_semaphore *sem);
extern int __must_check down_write_killable(struct rw_semaphore *sem);
/* trylock for writing -- returns 1 if successful, 0 if contention */
extern int down_write_trylock(struct rw_semaphore *sem);
/* release a read lock */
extern void up_read(struct rw_semaphore *sem);
/* release a write lock */
extern void up_write(struct rw_semaphore *sem);
/* downgrade write lock to read lock */
extern void downgrade_write(struct rw_semaphore *sem);

/* CONFIG_DEBUG_LOCK_ALLOC variants (without it they are macros over the plain ones) */
extern void down_read_nested(struct rw_semaphore *sem, int subclass);
extern void down_write_nested(struct rw_semaphore *sem, int subclass);
extern void down_read_non_owner(struct rw_semaphore *sem);
extern void up_read_non_owner(struct rw_semaphore *sem);

#endif /* _LINUX_RWSEM_H */
