/* SPDX-License-Identifier: GPL-2.0 */
/* mmlint test simulator of include/linux/bug.h + asm-generic/bug.h (Linux 6.1), reduced.
 * BUG() is a call to a noreturn function instead of the real asm + unreachable(). */
#ifndef _LINUX_BUG_H
#define _LINUX_BUG_H

#include <linux/compiler.h>

void __noreturn __mmlint_bug(void);
void __warn_printk(const char *fmt, ...);

#define BUG()		__mmlint_bug()
#define BUG_ON(cond)	do { if (unlikely(cond)) BUG(); } while (0)

#define WARN_ON(condition) ({						\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on))					\
		__warn_printk("WARNING at %s:%d\n", __FILE__, __LINE__); \
	unlikely(__ret_warn_on);					\
})
#define WARN_ON_ONCE(condition)	WARN_ON(condition)

#endif /* _LINUX_BUG_H */
