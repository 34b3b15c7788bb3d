/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A Linux process's file-descriptor table, for linuxd.
 *
 * A descriptor names an open file; several descriptors (dup) and several
 * processes' tables (fork) can name the same one, which lives as long as
 * any of them does.  What an open file is belongs to linuxd: here it is
 * an opaque pointer with a reference count the caller keeps, through the
 * two callbacks of struct lx_fdops.  The table's rule is simple: every
 * non-NULL slot holds exactly one reference.  So:
 *
 *   - lx_fd_alloc takes over one reference the caller already holds (the
 *     one a fresh open file is born with); on failure it is still the
 *     caller's;
 *   - lx_fd_dup*, lx_fd_fork take a new one (ops->ref) per slot filled;
 *   - lx_fd_close*, lx_fd_exec and a slot overwritten by lx_fd_dup2/3
 *     drop one (ops->unref), after the slot is already changed, so an
 *     unref that ends the file sees a table that no longer names it.
 *
 * The close-on-exec flag belongs to the descriptor, not the file.  An
 * empty table is all zeroes (lx_fd_init).  No function allocates, and
 * each runs in O(LX_FD_MAX) at most; none is safe against concurrent use
 * of one table (linuxd serves one call at a time).
 */
#ifndef VX_POSIX_FDTAB_H
#define VX_POSIX_FDTAB_H

#include <stdbool.h>
#include <stdint.h>

#define LX_FD_MAX 256 /* RLIMIT_NOFILE: descriptors are 0..LX_FD_MAX-1 */

struct lx_fdtab {
	void *file[LX_FD_MAX]; /* NULL: free */
	uint8_t cloexec[LX_FD_MAX];
};

struct lx_fdops {
	void (*ref)(void *file);   /* one more slot names file */
	void (*unref)(void *file); /* one slot fewer */
};

/* Empties t without touching any file (for a table never used). */
void lx_fd_init(struct lx_fdtab *t);

/* Installs file (not NULL) at the lowest free descriptor >= min, taking
 * over the caller's reference.  Returns the descriptor, -LX_EINVAL for a
 * min outside 0..LX_FD_MAX-1 or a NULL file, -LX_EMFILE if none is free. */
int lx_fd_alloc(struct lx_fdtab *t, int min, void *file, bool cloexec);

/* The file descriptor fd names, or NULL if fd is out of range or free. */
void *lx_fd_get(const struct lx_fdtab *t, int fd);

/* Frees fd and drops its reference.  0, or -LX_EBADF if fd names nothing. */
int lx_fd_close(struct lx_fdtab *t, const struct lx_fdops *ops, int fd);

/* dup and fcntl(F_DUPFD[_CLOEXEC]): old's file also at the lowest free
 * descriptor >= min.  Returns it, -LX_EBADF (old names nothing),
 * -LX_EINVAL (min out of range) or -LX_EMFILE. */
int lx_fd_dup(struct lx_fdtab *t, const struct lx_fdops *ops, int old, int min, bool cloexec);

/* dup2: old's file at new, closing what new held, new's close-on-exec
 * cleared.  old == new (a valid one) changes nothing and returns new.
 * Returns new, or -LX_EBADF if old names nothing or new is out of range. */
int lx_fd_dup2(struct lx_fdtab *t, const struct lx_fdops *ops, int old, int new_fd);

/* dup3: as dup2 with new's close-on-exec set to cloexec, except that
 * old == new is -LX_EINVAL. */
int lx_fd_dup3(struct lx_fdtab *t, const struct lx_fdops *ops, int old, int new_fd, bool cloexec);

/* fcntl(F_GETFD): 1 or 0 (LX_FD_CLOEXEC or not), or -LX_EBADF. */
int lx_fd_get_cloexec(const struct lx_fdtab *t, int fd);

/* fcntl(F_SETFD): 0, or -LX_EBADF. */
int lx_fd_set_cloexec(struct lx_fdtab *t, int fd, bool cloexec);

/* close_range: every open descriptor in [first, last] (either may exceed
 * the table; ~0u is "all") closed, or with cloexec_only marked
 * close-on-exec instead (CLOSE_RANGE_CLOEXEC).  0, or -LX_EINVAL if
 * first > last. */
int lx_fd_close_range(struct lx_fdtab *t, const struct lx_fdops *ops, unsigned first, unsigned last,
		      bool cloexec_only);

/* fork: dst (empty) becomes a copy of src, flags included; one reference
 * taken per slot. */
void lx_fd_fork(struct lx_fdtab *dst, const struct lx_fdtab *src, const struct lx_fdops *ops);

/* execve: every close-on-exec descriptor closed. */
void lx_fd_exec(struct lx_fdtab *t, const struct lx_fdops *ops);

/* exit: every descriptor closed; t is empty after. */
void lx_fd_close_all(struct lx_fdtab *t, const struct lx_fdops *ops);

#endif
