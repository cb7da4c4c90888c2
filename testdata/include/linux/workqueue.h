/* SPDX-License-Identifier: GPL-2.0 */
/* mmlint test simulator of include/linux/workqueue.h (Linux 6.12), reduced: INIT_WORK()
 * stores `(_work)->func = (_func)` inside do/while blocks, DECLARE_WORK() initializes
 * `.func = (f)`, as the kernel's macros do. */
#ifndef _LINUX_WORKQUEUE_H
#define _LINUX_WORKQUEUE_H

#include <linux/kernel.h>
#include <linux/list.h>

struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);

struct work_struct {
	long data;
	struct list_head entry;
	work_func_t func;
};

struct timer_list {
	void (*function)(struct timer_list *);
	unsigned int flags;
};

struct delayed_work {
	struct work_struct work;
	struct timer_list timer;
};

struct lock_class_key { int dummy; };

static inline void __init_work(struct work_struct *work, int onstack) { }
void delayed_work_timer_fn(struct timer_list *t);

#define __WORK_INITIALIZER(n, f) {					\
	.data = 0,							\
	.entry	= { &(n).entry, &(n).entry },				\
	.func = (f),							\
	}

#define __DELAYED_WORK_INITIALIZER(n, f, tflags) {			\
	.work = __WORK_INITIALIZER((n).work, (f)),			\
	.timer = { .function = delayed_work_timer_fn, .flags = (tflags) }, \
	}

#define DECLARE_WORK(n, f)						\
	struct work_struct n = __WORK_INITIALIZER(n, f)

#define DECLARE_DELAYED_WORK(n, f)					\
	struct delayed_work n = __DELAYED_WORK_INITIALIZER(n, f, 0)

#define __INIT_WORK_KEY(_work, _func, _onstack, _key)			\
	do {								\
		__init_work((_work), _onstack);				\
		(_work)->data = 0;					\
		(_work)->func = (_func);				\
	} while (0)

#define __INIT_WORK(_work, _func, _onstack)				\
	do {								\
		static __maybe_unused struct lock_class_key __key;	\
									\
		__INIT_WORK_KEY(_work, _func, _onstack, &__key);	\
	} while (0)

#define INIT_WORK(_work, _func)						\
	__INIT_WORK((_work), (_func), 0)

#define __INIT_DELAYED_WORK(_work, _func, _tflags)			\
	do {								\
		INIT_WORK(&(_work)->work, (_func));			\
		(_work)->timer.function = delayed_work_timer_fn;	\
		(_work)->timer.flags = (_tflags);			\
	} while (0)

#define INIT_DELAYED_WORK(_work, _func)					\
	__INIT_DELAYED_WORK(_work, _func, 0)

int schedule_work(struct work_struct *work);
int schedule_delayed_work(struct delayed_work *dwork, unsigned long delay);

#endif
