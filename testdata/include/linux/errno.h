/* SPDX-License-Identifier: GPL-2.0 */
/* mmlint test simulator: the errno values used by the fixtures
 * (include/uapi/asm-generic/errno-base.h, errno.h). */
#ifndef _LINUX_ERRNO_H
#define _LINUX_ERRNO_H

#define EPERM		1
#define ENOENT		2
#define EINTR		4
#define EBADF		9
#define EAGAIN		11
#define ENOMEM		12
#define EFAULT		14
#define EBUSY		16
#define EINVAL		22
#define EOVERFLOW	75
#define EOPNOTSUPP	95
#define EHWPOISON	133

#endif /* _LINUX_ERRNO_H */
