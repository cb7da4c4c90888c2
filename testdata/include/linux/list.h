/* SPDX-License-Identifier: GPL-2.0 */
/* mmlint test simulator of include/linux/list.h (Linux 6.1), reduced: only the list head
 * initialisers (struct list_head is in linux/types.h, as in the real tree). */
#ifndef _LINUX_LIST_H
#define _LINUX_LIST_H

#include <linux/types.h>

#define LIST_HEAD_INIT(name) { &(name), &(name) }

#define LIST_HEAD(name) \
	struct list_head name = LIST_HEAD_INIT(name)

#endif /* _LINUX_LIST_H */
