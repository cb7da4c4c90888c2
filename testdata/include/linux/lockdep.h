/* SPDX-License-Identifier: GPL-2.0 */
/* mmlint test simulator of include/linux/lockdep.h (Linux 6.1), reduced.
 *
 * In the real kernel lockdep_assert_held(l) is a macro: with CONFIG_LOCKDEP it expands to
 * lockdep_assert(lockdep_is_held(l) != LOCK_STATE_NOT_HELD), i.e. a WARN_ON over
 * lock_is_held(&(l)->dep_map); without it, to do { (void)(l); } while (0).  Neither form leaves
 * a call named after the assertion.  Here the macros expand to calls of the prototypes below,
 * so the analyzer can recognise the assertion by name (__lockdep_assert_held & co) after
 * macro expansion. */
#ifndef _LINUX_LOCKDEP_H
#define _LINUX_LOCKDEP_H

void __lockdep_assert_held(const void *lock);
void __lockdep_assert_held_read(const void *lock);
void __lockdep_assert_held_write(const void *lock);

#define lockdep_assert_held(l)		__lockdep_assert_held(l)
#define lockdep_assert_held_read(l)	__lockdep_assert_held_read(l)
#define lockdep_assert_held_write(l)	__lockdep_assert_held_write(l)

#endif /* _LINUX_LOCKDEP_H */
