/* SPDX-License-Identifier: GPL-2.0 */
/* mmlint test simulator of include/linux/fs.h + linux/file.h (Linux 6.1), reduced.
 * get_file() is a static inline (atomic_long_inc of f_count) in 6.1: a prototype here. */
#ifndef _LINUX_FS_H
#define _LINUX_FS_H

#include <linux/types.h>

struct address_space;
struct inode;

struct file {
	atomic_long_t f_count;
	unsigned int f_flags;
	struct address_space *f_mapping;
	void *private_data;
};

struct vm_area_struct;
struct kiocb;
struct iov_iter;

struct file_operations {
	ssize_t (*read)(struct file *, char *, size_t, loff_t *);
	ssize_t (*write)(struct file *, const char *, size_t, loff_t *);
	long (*unlocked_ioctl)(struct file *, unsigned int, unsigned long);
	long (*compat_ioctl)(struct file *, unsigned int, unsigned long);
	int (*mmap)(struct file *, struct vm_area_struct *);
	int (*open)(struct inode *, struct file *);
	int (*release)(struct inode *, struct file *);
};

/* include/linux/binfmts.h */
struct linux_binprm;
struct linux_binfmt {
	int (*load_binary)(struct linux_binprm *);
	int (*core_dump)(void *);
};

struct file *get_file(struct file *f);
void fput(struct file *file);

#define POSIX_FADV_WILLNEED	3
int vfs_fadvise(struct file *file, loff_t offset, loff_t len, int advice);
int vfs_fsync(struct file *file, int datasync);

#endif /* _LINUX_FS_H */
