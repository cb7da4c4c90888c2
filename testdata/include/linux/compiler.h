/* SPDX-License-Identifier: GPL-2.0 */
/* mmlint test simulator of include/linux/compiler*.h (Linux 6.1), reduced. */
#ifndef _LINUX_COMPILER_H
#define _LINUX_COMPILER_H

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

/* The real READ_ONCE goes through __READ_ONCE and compiletime_assert. */
#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val)	(*(volatile __typeof__(x) *)&(x) = (val))

#define __must_check		__attribute__((__warn_unused_result__))
#define __always_inline		inline __attribute__((__always_inline__))
#define __noreturn		__attribute__((__noreturn__))
#define __maybe_unused		__attribute__((__unused__))
#define fallthrough		__attribute__((__fallthrough__))

/* sparse annotations: empty for a normal compiler */
#define __user
#define __force
#define __bitwise

#endif /* _LINUX_COMPILER_H */
