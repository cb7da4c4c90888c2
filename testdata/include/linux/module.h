/* SPDX-License-Identifier: GPL-2.0 */
/* mmlint test simulator of include/linux/module.h and init.h (Linux 6.12), reduced:
 * module_init() expands as in the kernel, a built-in initcall (x86's PREL32 form: an
 * __ADDRESSABLE() variable and an asm section entry) or, with -DMODULE, init_module's
 * alias and the __inittest() type check. */
#ifndef _LINUX_MODULE_H
#define _LINUX_MODULE_H

#include <linux/compiler.h>

typedef int (*initcall_t)(void);
typedef unsigned long uintptr_t;

#define __init
#define __used			__attribute__((__used__))
#define __section(s)		__attribute__((__section__(s)))
#define ___PASTE(a, b)		a##b
#define __PASTE(a, b)		___PASTE(a, b)
#define __UNIQUE_ID(prefix)	__PASTE(__PASTE(__UNIQUE_ID_, prefix), __COUNTER__)
#define __stringify_1(x...)	#x
#define __stringify(x...)	__stringify_1(x)
#define __copy(symbol)		__attribute__((__copy__(symbol)))

#define ___ADDRESSABLE(sym, __attrs)					\
	static void * __used __attrs					\
	__UNIQUE_ID(__PASTE(__addressable_,sym)) = (void *)(uintptr_t)&sym;
#define __ADDRESSABLE(sym) \
	___ADDRESSABLE(sym, __section(".discard.addressable"))

#ifndef MODULE
#define __initcall_name(fn)	__PASTE(__initcall__, fn)
#define ____define_initcall(fn, __name, __sec)				\
	__ADDRESSABLE(fn)						\
	asm(".section	\"" __sec "\", \"a\"		\n"		\
	    __stringify(__name) ":			\n"		\
	    ".long	" __stringify(fn) " - .	\n"			\
	    ".previous					\n");		\
	_Static_assert(__builtin_types_compatible_p(initcall_t, typeof(&fn)), "initcall");
#define __define_initcall(fn, id) ____define_initcall(fn, __initcall_name(fn), ".initcall" #id ".init")
#define device_initcall(fn)	__define_initcall(fn, 6)
#define __initcall(fn)		device_initcall(fn)
#define module_init(x)		__initcall(x);
#else
#define module_init(initfn)					\
	static inline initcall_t __maybe_unused __inittest(void)	\
	{ return initfn; }					\
	int init_module(void) __copy(initfn)			\
		__attribute__((alias(#initfn)));		\
	___ADDRESSABLE(init_module, __section(".init.data"));
#endif

#endif
