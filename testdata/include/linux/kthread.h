/* SPDX-License-Identifier: GPL-2.0 */
/* mmlint test simulator of include/linux/kthread.h (Linux 6.12), reduced: the same macro
 * shapes (kthread_run() is a statement expression around kthread_create_on_node()). */
#ifndef _LINUX_KTHREAD_H
#define _LINUX_KTHREAD_H

#include <linux/kernel.h>
#include <linux/err.h>
#include <linux/sched.h>

#define NUMA_NO_NODE (-1)

struct task_struct *kthread_create_on_node(int (*threadfn)(void *data), void *data,
					   int node, const char namefmt[], ...);
struct task_struct *kthread_create_on_cpu(int (*threadfn)(void *data), void *data,
					  unsigned int cpu, const char *namefmt);
int wake_up_process(struct task_struct *p);
int kthread_should_stop(void);

#define kthread_create(threadfn, data, namefmt, arg...) \
	kthread_create_on_node(threadfn, data, NUMA_NO_NODE, namefmt, ##arg)

#define kthread_run(threadfn, data, namefmt, ...)			   \
({									   \
	struct task_struct *__k						   \
		= kthread_create(threadfn, data, namefmt, ## __VA_ARGS__); \
	if (!IS_ERR(__k))						   \
		wake_up_process(__k);					   \
	__k;								   \
})

struct kthread_work;
typedef void (*kthread_work_func_t)(struct kthread_work *work);
struct kthread_work {
	kthread_work_func_t func;
};

#define kthread_init_work(work, fn)					\
	do {								\
		memset((work), 0, sizeof(struct kthread_work));		\
		(work)->func = (fn);					\
	} while (0)

void *memset(void *s, int c, unsigned long n);

#endif
