/* SPDX-License-Identifier: BSD-3-Clause */
/* The file-descriptor table (see posix/fdtab.h for the reference rule). */
#include "posix/fdtab.h"
#include "posix/linux.h"
#include <vx_string.h>

static bool valid(int fd)
{
	return fd >= 0 && fd < LX_FD_MAX;
}

/* Empties slot fd and drops the reference it held; fd is open. */
static void drop(struct lx_fdtab *t, const struct lx_fdops *ops, int fd)
{
	void *f = t->file[fd];

	t->file[fd] = NULL;
	t->cloexec[fd] = 0;
	ops->unref(f);
}

void lx_fd_init(struct lx_fdtab *t)
{
	memset(t, 0, sizeof(*t));
}

int lx_fd_alloc(struct lx_fdtab *t, int min, void *file, bool cloexec)
{
	if (!valid(min) || !file)
		return -LX_EINVAL;
	for (int fd = min; fd < LX_FD_MAX; fd++) {
		if (!t->file[fd]) {
			t->file[fd] = file;
			t->cloexec[fd] = cloexec;
			return fd;
		}
	}
	return -LX_EMFILE;
}

void *lx_fd_get(const struct lx_fdtab *t, int fd)
{
	return valid(fd) ? t->file[fd] : NULL;
}

int lx_fd_close(struct lx_fdtab *t, const struct lx_fdops *ops, int fd)
{
	if (!lx_fd_get(t, fd))
		return -LX_EBADF;
	drop(t, ops, fd);
	return 0;
}

int lx_fd_dup(struct lx_fdtab *t, const struct lx_fdops *ops, int old, int min, bool cloexec)
{
	void *f = lx_fd_get(t, old);
	int fd;

	if (!f)
		return -LX_EBADF;
	fd = lx_fd_alloc(t, min, f, cloexec);
	if (fd >= 0)
		ops->ref(f);
	return fd;
}

/* dup2 and dup3 once old != new_fd is known. */
static int dup_to(struct lx_fdtab *t, const struct lx_fdops *ops, int old, int new_fd, bool cloexec)
{
	void *f = t->file[old], *was = t->file[new_fd];

	ops->ref(f);
	t->file[new_fd] = f;
	t->cloexec[new_fd] = cloexec;
	if (was)
		ops->unref(was);
	return new_fd;
}

int lx_fd_dup2(struct lx_fdtab *t, const struct lx_fdops *ops, int old, int new_fd)
{
	if (!lx_fd_get(t, old) || !valid(new_fd))
		return -LX_EBADF;
	if (old == new_fd)
		return new_fd;
	return dup_to(t, ops, old, new_fd, false);
}

int lx_fd_dup3(struct lx_fdtab *t, const struct lx_fdops *ops, int old, int new_fd, bool cloexec)
{
	if (old == new_fd)
		return -LX_EINVAL;
	if (!lx_fd_get(t, old) || !valid(new_fd))
		return -LX_EBADF;
	return dup_to(t, ops, old, new_fd, cloexec);
}

int lx_fd_get_cloexec(const struct lx_fdtab *t, int fd)
{
	if (!lx_fd_get(t, fd))
		return -LX_EBADF;
	return t->cloexec[fd] ? 1 : 0;
}

int lx_fd_set_cloexec(struct lx_fdtab *t, int fd, bool cloexec)
{
	if (!lx_fd_get(t, fd))
		return -LX_EBADF;
	t->cloexec[fd] = cloexec;
	return 0;
}

int lx_fd_close_range(struct lx_fdtab *t, const struct lx_fdops *ops, unsigned first, unsigned last,
		      bool cloexec_only)
{
	if (first > last)
		return -LX_EINVAL;
	for (unsigned fd = first; fd < LX_FD_MAX && fd <= last; fd++) {
		if (!t->file[fd])
			continue;
		if (cloexec_only)
			t->cloexec[fd] = 1;
		else
			drop(t, ops, fd);
	}
	return 0;
}

void lx_fd_fork(struct lx_fdtab *dst, const struct lx_fdtab *src, const struct lx_fdops *ops)
{
	memcpy(dst, src, sizeof(*dst));
	for (int fd = 0; fd < LX_FD_MAX; fd++)
		if (dst->file[fd])
			ops->ref(dst->file[fd]);
}

void lx_fd_exec(struct lx_fdtab *t, const struct lx_fdops *ops)
{
	for (int fd = 0; fd < LX_FD_MAX; fd++)
		if (t->file[fd] && t->cloexec[fd])
			drop(t, ops, fd);
}

void lx_fd_close_all(struct lx_fdtab *t, const struct lx_fdops *ops)
{
	for (int fd = 0; fd < LX_FD_MAX; fd++)
		if (t->file[fd])
			drop(t, ops, fd);
}
