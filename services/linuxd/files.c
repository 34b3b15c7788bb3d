// SPDX-License-Identifier: BSD-3-Clause
/*
 * Paths and open files of Linux processes.
 *
 * The tree a process sees (docs/POSIX.md, "Files"):
 *   /           the root archive (SYS:linux/root.tar, read-only): /bin,
 *               /lib, /usr with busybox and Debian's programs
 *   /work       vfsd's RAM file system, the files the VectraOS shell sees
 *   /tmp        vfsd's directory tmp
 *   /dev        null, zero, tty, urandom (made up here)
 *   /proc       linuxd's own processes, read-only (procfs.c)
 * Nothing else exists, and ".." never leaves "/" (lx_path_join works on
 * the text; links in the archive and in /proc are followed, at most
 * LINK_HOPS of them).
 *
 * An open file is a struct file (the Linux "open file description"),
 * shared by the descriptors dup and fork make; lx_fdtab counts them.
 */
#include "linuxd.h"
#include "posix/errno.h"
#include "posix/path.h"
#include "pure_proc.h"
#include "client/fs.h"
#include "vectra/proto/console.h"
#include "vectra/proto/linux.h"
#include "vx_string.h"

#define LINK_HOPS 40
#define VA_FS	  0x10020000ull
#define BIT_FS	  3u
#define DL	  2000000000ull /* a deadline for vfsd's answers: 2 s */

enum file_kind {
	F_TTY = 1,
	F_NULL,
	F_ZERO,
	F_RANDOM,
	F_TAR,
	F_VFS,
	F_PIPE_R,
	F_PIPE_W,
	F_DIR_TAR,
	F_DIR_VFS,
	F_DIR_DEV,
	F_PROC,	    /* a /proc file: its snapshot, or cmdline read live */
	F_DIR_PROC, /* a /proc directory */
};

struct file {
	int refs;
	enum file_kind kind;
	uint32_t oflags;
	uint64_t pos;
	uint32_t ent;	      /* F_TAR, F_DIR_TAR */
	int pipe;	      /* F_PIPE_* */
	char abs[PATH_LEN];   /* its Linux path (for fchdir, /dev/fd) */
	char vpath[PATH_LEN]; /* F_VFS, F_DIR_VFS: vfsd's path */
	struct lxp_node pn;   /* F_PROC, F_DIR_PROC: its name */
	int snap;	      /* F_PROC: its snapshot (procfs.c), -1 for cmdline */
};

struct pipe {
	bool used;
	int readers, writers;
	uint32_t head, len;
	uint8_t buf[PIPE_BYTES];
};

static struct file files[FILE_MAX];
static struct pipe pipes[PIPE_MAX];
static struct vx_client fs;
static bool have_fs;

/* The terminal. */
static struct lx_termios tty;
static uint8_t tty_in[LINUX_TTY_MAX];
static uint32_t tty_len;  /* bytes in tty_in */
static uint32_t tty_done; /* of them, those a canonical read may take (whole lines) */
static bool tty_eof;	  /* ^D at the start of a line: the next read returns 0 */

/* ------------------------------------------------------------- modes */

/*
 * vfsd keeps no permission bits, so linuxd keeps those of the files its
 * processes made or chmod'ed under /work and /tmp, for its own life (a
 * restart forgets them): a file created with open's mode, less the umask,
 * or chmod'ed, is as executable as Linux would say.  Other files read as
 * 0644, directories as 0755.  MODES_MAX names at most (then chmod is
 * accepted and not kept).
 */
#define MODES_MAX 128u
static struct {
	char vpath[PATH_LEN];
	uint32_t mode;
} modes[MODES_MAX];
static uint32_t nmodes;

static uint32_t mode_of(const char *vpath, uint32_t dflt)
{
	for (uint32_t i = 0; i < nmodes; i++)
		if (strcmp(modes[i].vpath, vpath) == 0)
			return modes[i].mode;
	return dflt;
}

static void mode_drop(const char *vpath)
{
	for (uint32_t i = 0; i < nmodes; i++)
		if (strcmp(modes[i].vpath, vpath) == 0) {
			modes[i] = modes[--nmodes];
			return;
		}
}

static void mode_set(const char *vpath, uint32_t mode)
{
	size_t n = strlen(vpath);

	mode_drop(vpath);
	if (nmodes == MODES_MAX || n >= PATH_LEN)
		return;
	memcpy(modes[nmodes].vpath, vpath, n + 1);
	modes[nmodes++].mode = mode & 07777;
}

/* -------------------------------------------------------------- files */

static void file_ref(void *f)
{
	((struct file *)f)->refs++;
}

static void file_unref(void *v)
{
	struct file *f = v;

	if (--f->refs > 0)
		return;
	if (f->kind == F_PIPE_R || f->kind == F_PIPE_W) {
		struct pipe *pp = &pipes[f->pipe];
		if (f->kind == F_PIPE_R)
			pp->readers--;
		else
			pp->writers--;
		if (pp->readers == 0 && pp->writers == 0)
			pp->used = false;
		wake_all();
	}
	if (f->kind == F_PROC && f->snap >= 0)
		procfs_snap_free(f->snap);
	f->kind = 0;
}

void file_link_text(void *v, char *out)
{
	const struct file *f = v;

	if (f->kind == F_PIPE_R || f->kind == F_PIPE_W) {
		struct lxp_buf b;
		lxp_init(&b, out, PATH_LEN - 1);
		lxp_str(&b, "pipe:[");
		lxp_u64(&b, 0x1000u + (uint32_t)f->pipe, 0); /* its st_ino (fstat_of) */
		lxp_str(&b, "]");
		out[b.len] = 0;
		return;
	}
	memcpy(out, f->abs, PATH_LEN);
}

const struct lx_fdops file_ops = {.ref = file_ref, .unref = file_unref};

static struct file *file_new(enum file_kind kind, uint32_t oflags, const char *abs)
{
	for (uint32_t i = 0; i < FILE_MAX; i++)
		if (files[i].refs == 0 && files[i].kind == 0) {
			struct file *f = &files[i];
			memset(f, 0, sizeof(*f));
			f->kind = kind;
			f->oflags = oflags;
			f->refs = 1; /* born with the reference lx_fd_alloc takes over */
			if (abs) {
				size_t n = strlen(abs);
				memcpy(f->abs, abs, n < PATH_LEN ? n + 1 : PATH_LEN);
				f->abs[PATH_LEN - 1] = 0;
			}
			return f;
		}
	return NULL;
}

/* A new descriptor for f (which has no reference yet). */
static int fd_install(struct proc *p, struct file *f, bool cloexec)
{
	int fd = lx_fd_alloc(&p->grp->fds, 0, f, cloexec);

	if (fd < 0) { /* the reference is still ours: the file goes back */
		f->refs = 0;
		f->kind = 0;
	}
	return fd;
}

/* A descriptor is an unsigned int to Linux: the register's upper half is
 * not looked at. */
static struct file *fd_file(struct proc *p, uint64_t reg)
{
	uint32_t fd = (uint32_t)reg;

	return fd < LX_FD_MAX ? lx_fd_get(&p->grp->fds, (int)fd) : NULL;
}

void files_std(struct proc *p)
{
	struct file *f = file_new(F_TTY, LX_O_RDWR, "/dev/tty");

	if (!f || lx_fd_alloc(&p->grp->fds, 0, f, false) != 0) {
		if (f)
			f->refs = 0, f->kind = 0;
		return;
	}
	lx_fd_dup(&p->grp->fds, &file_ops, 0, 1, false);
	lx_fd_dup(&p->grp->fds, &file_ops, 0, 2, false);
}

int files_init(const struct vx_bundle_page *b)
{
	memset(&tty, 0, sizeof(tty));
	tty.c_iflag = LX_ICRNL;
	tty.c_oflag = LX_OPOST | LX_ONLCR;
	tty.c_cflag = LX_CS8 | LX_CREAD;
	tty.c_lflag = LX_ISIG | LX_ICANON | LX_ECHO | LX_ECHOE | LX_ECHOK;
	tty.c_cc[LX_VINTR] = 3;
	tty.c_cc[LX_VQUIT] = 0x1c;
	tty.c_cc[LX_VERASE] = 0x7f;
	tty.c_cc[LX_VKILL] = 0x15;
	tty.c_cc[LX_VEOF] = 4;
	tty.c_cc[LX_VSUSP] = 0x1a; /* Ctrl-Z */
	tty.c_cc[LX_VMIN] = 1;
	have_fs = vx_client_open(&fs, b, "fs", VA_FS, BIT_FS) == VX_OK;
	if (have_fs) {
		vx_client_wait_up(&fs, (uint64_t)vx_clock() + DL);
		vx_fs_mkdir(&fs, "tmp", (uint64_t)vx_clock() + DL);
	}
	return VX_OK;
}

/* --------------------------------------------------------------- paths */

enum where { W_NONE = 0, W_TAR, W_VFS, W_DEV, W_PROC };

struct resolved {
	enum where where;
	uint32_t ent;	      /* W_TAR */
	int dev;	      /* W_DEV: an enum file_kind, or F_DIR_DEV */
	bool exists;	      /* W_VFS: stat found it; W_PROC: it is there */
	struct lxp_node pn;   /* W_PROC */
	struct fs_stat st;    /* W_VFS */
	char abs[PATH_LEN];   /* the path, links followed */
	char vpath[PATH_LEN]; /* W_VFS */
};

static bool has_prefix(const char *abs, const char *mnt, const char **rest)
{
	size_t n = strlen(mnt);

	if (strncmp(abs, mnt, n) != 0 || (abs[n] != 0 && abs[n] != '/'))
		return false;
	*rest = abs[n] ? abs + n + 1 : abs + n;
	return true;
}

/* vfsd's path for rest under directory dir ("" for vfsd's root). */
static int vfs_path(const char *dir, const char *rest, char *out)
{
	size_t dl = strlen(dir), rl = strlen(rest);

	if (dl + rl + 2 > PATH_LEN)
		return -LX_ENAMETOOLONG;
	memcpy(out, dir, dl);
	if (dl && rl)
		out[dl++] = '/';
	memcpy(out + dl, rest, rl + 1);
	return out[0] ? lx_path_vx_check(out) : 0;
}

/* The open file a /proc/PID/fd/N names, or NULL. */
static struct file *proc_fd_file(const struct lxp_node *n)
{
	struct proc *g = procfs_proc(n->pid);

	return g && n->fd < LX_FD_MAX ? lx_fd_get(&g->fds, n->fd) : NULL;
}

/*
 * A path below /proc (rest), one component at a time: a link on the way
 * (self, PID/cwd, PID/exe, PID/fd/N), or at the end when follow is set,
 * is followed by writing where it leads into cur and returning 1.  A
 * descriptor's link that is no path (a pipe) is the end of the walk,
 * followed (r->pn is the descriptor: its file is the one meant).
 * Otherwise 0 with r->pn and r->exists set, or a negative errno.
 */
static int proc_walk(struct proc *p, const char *rest, bool follow, struct resolved *r, char *cur)
{
	size_t at = 0, n = strlen(rest);
	char pre[PATH_LEN], target[PATH_LEN];
	int err;

	for (;;) {
		size_t end = at;
		while (end < n && rest[end] != '/')
			end++;
		bool last = end == n;
		memcpy(pre, rest, end);
		pre[end] = 0;
		if ((err = lxp_parse(pre, &r->pn)) != 0)
			return err;
		if (r->pn.kind != LXP_ROOT && r->pn.kind != LXP_GLOBAL && r->pn.kind != LXP_SELF &&
		    !procfs_proc(r->pn.pid))
			return -LX_ENOENT;
		if (r->pn.kind == LXP_FD && !proc_fd_file(&r->pn))
			return -LX_ENOENT;
		if (lxp_is_link(&r->pn) && (!last || follow)) {
			if ((err = procfs_link(p, &r->pn, target)) != 0)
				return err;
			if (r->pn.kind == LXP_SELF) { /* "42": below /proc */
				memmove(target + 6, target, strlen(target) + 1);
				memcpy(target, "/proc/", 6);
			}
			if (target[0] != '/') { /* pipe:[N]: nothing to walk into */
				if (!last)
					return -LX_ENOTDIR;
				r->exists = true;
				return 0;
			}
			size_t tl = strlen(target);
			if (tl + (n - end) + 1 > PATH_LEN)
				return -LX_ENAMETOOLONG;
			memcpy(target + tl, rest + end, n - end + 1);
			return (err = lx_path_join("/", target, cur, PATH_LEN)) < 0 ? err : 1;
		}
		if (!last && !lxp_is_dir(&r->pn))
			return -LX_ENOTDIR;
		if (last) {
			r->exists = true;
			return 0;
		}
		at = end + 1;
	}
}

/* Resolves a path given by the process (dirfd as openat takes it).
 * follow: whether a link as the last component is followed.  -LX_ENOENT
 * only when a directory on the way is missing: a missing last component
 * resolves with where set and exists false (W_VFS) or ent TAR_NONE. */
static int resolve_abs(struct proc *p, int dirfd, const char *path, bool follow, struct resolved *r)
{
	char base[PATH_LEN], cur[PATH_LEN];
	int err, hops = 0;

	memset(r, 0, sizeof(*r));
	if (path[0] == 0)
		return -LX_ENOENT;
	if (path[0] == '/' || dirfd == LX_AT_FDCWD) {
		memcpy(base, p->grp->cwd, PATH_LEN);
	} else {
		struct file *d = fd_file(p, (uint64_t)dirfd);
		if (!d)
			return -LX_EBADF;
		if (d->kind != F_DIR_TAR && d->kind != F_DIR_VFS && d->kind != F_DIR_DEV &&
		    d->kind != F_DIR_PROC)
			return -LX_ENOTDIR;
		memcpy(base, d->abs, PATH_LEN);
	}
	if ((err = lx_path_join(base, path, cur, sizeof(cur))) < 0)
		return err;
restart:
	if (++hops > LINK_HOPS)
		return -LX_ELOOP;
	const char *rest;
	memcpy(r->abs, cur, PATH_LEN);
	if (has_prefix(cur, "/work", &rest) || has_prefix(cur, "/tmp", &rest)) {
		uint32_t need = cur[1] == 't' ? LINUX_GRANT_TMP : LINUX_GRANT_WORK;
		if (!have_fs || !(session_grants & need)) {
			/* Not granted: as absent as a name never made (the archive's
			 * empty mount point stays, as on a machine without it). */
			if (rest[0])
				return -LX_ENOENT;
			r->where = W_TAR;
			r->ent = tar_find(&root_ix, cur);
			return 0;
		}
		r->where = W_VFS;
		if ((err = vfs_path(cur[1] == 't' ? "tmp" : "", rest, r->vpath)) != 0)
			return err;
		int rc = r->vpath[0] ? vx_fs_stat(&fs, r->vpath, &r->st, (uint64_t)vx_clock() + DL)
				     : VX_OK;
		if (!r->vpath[0])
			r->st.type = FS_DIR;
		r->exists = rc == VX_OK;
		if (rc != VX_OK && rc != VX_E_NOTFOUND)
			return lx_errno_of(rc);
		return 0;
	}
	if (has_prefix(cur, "/dev", &rest)) {
		r->where = W_DEV;
		r->dev = !rest[0]			? F_DIR_DEV
			 : strcmp(rest, "null") == 0	? F_NULL
			 : strcmp(rest, "zero") == 0	? F_ZERO
			 : strcmp(rest, "tty") == 0	? F_TTY
			 : strcmp(rest, "console") == 0 ? F_TTY
			 : strcmp(rest, "urandom") == 0 ? F_RANDOM
			 : strcmp(rest, "random") == 0	? F_RANDOM
			 : strcmp(rest, "stdin") == 0	? F_TTY
			 : strcmp(rest, "stdout") == 0	? F_TTY
			 : strcmp(rest, "stderr") == 0	? F_TTY
							: 0;
		return r->dev ? 0 : -LX_ENOENT;
	}
	if (has_prefix(cur, "/proc", &rest)) {
		r->where = W_PROC;
		if ((err = proc_walk(p, rest, follow, r, cur)) > 0)
			goto restart; /* through a link: cur is where it leads */
		return err;
	}
	/* The archive, one component at a time, following links. */
	r->where = W_TAR;
	size_t at = 1, n = strlen(cur);
	uint32_t e = 0;
	while (at < n) {
		size_t end = at;
		while (end < n && cur[end] != '/')
			end++;
		char prefix[PATH_LEN];
		memcpy(prefix, cur, end);
		prefix[end] = 0;
		bool last = end == n;
		e = tar_find(&root_ix, prefix);
		if (e == TAR_NONE) {
			r->ent = TAR_NONE;
			return last ? 0 : -LX_ENOENT;
		}
		const struct tar_ent *te = &root_ix.ent[e];
		if (te->kind == TAR_SYMLINK && (!last || follow)) {
			char dir[PATH_LEN], joined[PATH_LEN];
			const char *slash = strrchr(prefix, '/');
			size_t dl = slash == prefix ? 1 : (size_t)(slash - prefix);
			memcpy(dir, prefix, dl);
			dir[dl] = 0;
			if ((err = lx_path_join(dir, tar_link(&root_ix, e), joined,
						sizeof(joined))) < 0)
				return err;
			if (!last) {
				size_t jl = strlen(joined);
				if (jl + (n - end) + 1 > PATH_LEN)
					return -LX_ENAMETOOLONG;
				memcpy(joined + jl, cur + end, n - end + 1);
			}
			if ((err = lx_path_join("/", joined, cur, sizeof(cur))) < 0)
				return err;
			goto restart;
		}
		if (!last && te->kind != TAR_DIR)
			return -LX_ENOTDIR;
		at = end + 1;
	}
	r->ent = e;
	return 0;
}

static bool found(const struct resolved *r);
static bool is_dir(const struct resolved *r);

/* A path with a trailing '/' names a directory: its link is followed,
 * and anything else there is ENOTDIR. */
static int resolve(struct proc *p, int dirfd, uint64_t upath, bool follow, struct resolved *r)
{
	char path[PATH_LEN];
	int64_t n = copy_str(p, path, upath, sizeof(path));

	if (n < 0)
		return (int)n;
	bool slash = n > 1 && path[n - 1] == '/';
	int err = resolve_abs(p, dirfd, path, follow || slash, r);
	if (!err && slash && found(r) && !is_dir(r))
		return -LX_ENOTDIR;
	return err;
}

static bool found(const struct resolved *r)
{
	return (r->where == W_TAR && r->ent != TAR_NONE) || (r->where == W_VFS && r->exists) ||
	       r->where == W_DEV || (r->where == W_PROC && r->exists);
}

static bool is_dir(const struct resolved *r)
{
	return (r->where == W_TAR && r->ent != TAR_NONE && root_ix.ent[r->ent].kind == TAR_DIR) ||
	       (r->where == W_VFS && r->exists && r->st.type == FS_DIR) ||
	       (r->where == W_DEV && r->dev == F_DIR_DEV) ||
	       (r->where == W_PROC && r->exists && lxp_is_dir(&r->pn));
}

int file_resolve_exec(struct proc *p, const char *path, struct exec_source *src, char *abs,
		      size_t cap, uint64_t view_va)
{
	struct resolved r;
	int err = resolve_abs(p, LX_AT_FDCWD, path, true, &r);

	memset(src, 0, sizeof(*src));
	src->ent = TAR_NONE;
	if (err)
		return err;
	if (!found(&r))
		return -LX_ENOENT;
	size_t n = strlen(r.abs);
	if (n >= cap)
		return -LX_ENAMETOOLONG;
	if (r.where == W_TAR) {
		const struct tar_ent *e = &root_ix.ent[r.ent];
		if (e->kind != TAR_FILE || !(e->mode & 0111))
			return -LX_EACCES;
		src->bytes = root_tar + e->off;
		src->size = e->size;
		src->ent = r.ent;
	} else if (r.where == W_VFS && r.st.type == FS_FILE) {
		/* A program made in /work (tcc's output): vfsd's read-only view. */
		if (!(mode_of(r.vpath, 0644) & 0111))
			return -LX_EACCES;
		struct vx_cap_info ci;
		vx_handle_t mem;
		uint64_t size;
		int rc = vx_fs_read_mem(&fs, r.vpath, &mem, &size, (uint64_t)vx_clock() + DL);
		if (rc != VX_OK)
			return lx_errno_of(rc);
		if (mem == VX_NO_HANDLE)
			return -LX_ENOEXEC; /* empty */
		if (vx_cap_inspect(mem, &ci) != VX_OK || ci.size > EXEC_VIEW_MAX ||
		    vx_task_map(self_task, mem, view_va, VX_PROT_READ) != VX_OK) {
			vx_cap_delete(mem);
			return -LX_ENOMEM;
		}
		src->bytes = (const uint8_t *)(uintptr_t)view_va;
		src->size = size;
		src->view = mem;
	} else {
		return -LX_EACCES;
	}
	memcpy(abs, r.abs, n + 1);
	return 0;
}

void exec_source_done(struct exec_source *src)
{
	if (src->view)
		vx_cap_delete(src->view); /* and its mapping */
	src->view = 0;
	src->bytes = NULL;
}

/* --------------------------------------------------------------- stat */

static uint64_t hash_path(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 0x100000001b3ull;
	return h >> 1;
}

static void stat_of(const struct resolved *r, struct lx_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_blksize = 4096;
	st->st_nlink = 1;
	if (r->where == W_TAR) {
		const struct tar_ent *e = &root_ix.ent[r->ent];
		st->st_dev = 1;
		st->st_ino = r->ent + 1;
		st->st_mode = e->mode | (e->kind == TAR_DIR	  ? LX_S_IFDIR
					 : e->kind == TAR_SYMLINK ? LX_S_IFLNK
								  : LX_S_IFREG);
		st->st_size = (int64_t)e->size;
		st->st_mtime_sec = st->st_atime_sec = st->st_ctime_sec = e->mtime;
		if (e->kind == TAR_DIR)
			st->st_nlink = 2;
	} else if (r->where == W_VFS) {
		bool dir = r->st.type == FS_DIR;
		st->st_dev = 2;
		st->st_ino = hash_path(r->abs);
		st->st_mode = dir ? (LX_S_IFDIR | mode_of(r->vpath, 0755))
				  : (LX_S_IFREG | mode_of(r->vpath, 0644));
		st->st_size = dir ? 4096 : (int64_t)r->st.size;
		st->st_nlink = dir ? 2 : 1;
	} else if (r->where == W_PROC) {
		bool dir = lxp_is_dir(&r->pn), link = lxp_is_link(&r->pn);
		st->st_dev = 4;
		st->st_ino = hash_path(r->abs);
		st->st_mode = dir    ? (LX_S_IFDIR | 0555)
			      : link ? (LX_S_IFLNK | 0777)
				     : (LX_S_IFREG | 0444);
		st->st_nlink = dir ? 2 : 1;
		st->st_size = 0; /* as Linux: a /proc file's size is unknown until read */
		struct proc *g =
		    r->pn.kind == LXP_ROOT || r->pn.kind == LXP_GLOBAL || r->pn.kind == LXP_SELF
			? NULL
			: procfs_proc(r->pn.pid);
		if (g) /* a process's files are as old as it is */
			st->st_mtime_sec = st->st_atime_sec = st->st_ctime_sec =
			    (int64_t)(boot_time() + g->start_ns / 1000000000u);
	} else {
		st->st_dev = 3;
		st->st_ino = (uint64_t)r->dev + 1;
		st->st_mode = r->dev == F_DIR_DEV ? (LX_S_IFDIR | 0755) : (LX_S_IFCHR | 0666);
		st->st_rdev = r->dev == F_TTY ? (5u << 8) : (1u << 8) | (uint32_t)r->dev;
	}
	st->st_blocks = (st->st_size + 511) / 512;
}

/* What an open file's stat says. */
static int fstat_of(struct file *f, struct lx_stat *st)
{
	struct resolved r;

	memset(&r, 0, sizeof(r));
	memcpy(r.abs, f->abs, PATH_LEN);
	switch (f->kind) {
	case F_TAR:
	case F_DIR_TAR:
		r.where = W_TAR;
		r.ent = f->ent;
		break;
	case F_VFS:
	case F_DIR_VFS:
		r.where = W_VFS;
		memcpy(r.vpath, f->vpath, PATH_LEN);
		if (!r.vpath[0]) {
			r.st.type = FS_DIR;
		} else {
			int rc = vx_fs_stat(&fs, r.vpath, &r.st, (uint64_t)vx_clock() + DL);
			if (rc != VX_OK)
				return lx_errno_of(rc);
		}
		break;
	case F_PROC:
	case F_DIR_PROC:
		r.where = W_PROC;
		r.pn = f->pn;
		break;
	case F_PIPE_R:
	case F_PIPE_W:
		memset(st, 0, sizeof(*st));
		st->st_mode = LX_S_IFIFO | 0600;
		st->st_ino = 0x1000 + (uint64_t)f->pipe;
		st->st_blksize = PIPE_BYTES;
		return 0;
	default:
		r.where = W_DEV;
		r.dev = (int)f->kind;
		break;
	}
	stat_of(&r, st);
	return 0;
}

static int64_t stat_path(struct proc *p, int dirfd, uint64_t path, uint64_t out, bool follow,
			 uint32_t flags)
{
	struct resolved r;
	struct lx_stat st;
	int err;

	if (flags & LX_AT_EMPTY_PATH) {
		char c;
		if (copy_in(p, &c, path, 1) == 0 && c == 0) {
			struct file *f = dirfd == LX_AT_FDCWD ? NULL : fd_file(p, (uint64_t)dirfd);
			if (!f)
				return -LX_EBADF;
			if ((err = fstat_of(f, &st)) != 0)
				return err;
			return copy_out(p, out, &st, sizeof(st));
		}
	}
	if ((err = resolve(p, dirfd, path, follow, &r)) != 0)
		return err;
	if (!found(&r))
		return -LX_ENOENT;
	if (r.where == W_PROC && r.pn.kind == LXP_FD && follow) { /* the pipe itself */
		if ((err = fstat_of(proc_fd_file(&r.pn), &st)) != 0)
			return err;
		return copy_out(p, out, &st, sizeof(st));
	}
	stat_of(&r, &st);
	return copy_out(p, out, &st, sizeof(st));
}

int64_t sys_stat(struct proc *p, const uint64_t *a)
{
	return stat_path(p, LX_AT_FDCWD, a[0], a[1], true, 0);
}

int64_t sys_lstat(struct proc *p, const uint64_t *a)
{
	return stat_path(p, LX_AT_FDCWD, a[0], a[1], false, 0);
}

int64_t sys_newfstatat(struct proc *p, const uint64_t *a)
{
	uint32_t flags = (uint32_t)a[3];

	if (flags & ~(uint32_t)(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH | LX_AT_NO_AUTOMOUNT))
		return -LX_EINVAL;
	return stat_path(p, (int)a[0], a[1], a[2], !(flags & LX_AT_SYMLINK_NOFOLLOW), flags);
}

int64_t sys_fstat(struct proc *p, const uint64_t *a)
{
	struct file *f = fd_file(p, a[0]);
	struct lx_stat st;
	int err;

	if (!f)
		return -LX_EBADF;
	if ((err = fstat_of(f, &st)) != 0)
		return err;
	return copy_out(p, a[1], &st, sizeof(st));
}

int64_t sys_statx(struct proc *p, const uint64_t *a)
{
	(void)p;
	(void)a;
	return -LX_ENOSYS; /* glibc falls back to newfstatat */
}

/* ------------------------------------------------------------ terminal */

void con_out_tty(const uint8_t *buf, size_t n);
void con_out_tty(const uint8_t *buf, size_t n)
{
	/* OPOST and ONLCR are the console driver's doing: uartd writes every
	 * '\n' as "\r\n" (a raw-mode program still gets that). */
	con_out(buf, n);
}

static void echo(uint8_t c)
{
	if (!(tty.c_lflag & LX_ECHO))
		return;
	if (c < 0x20 && c != '\n' && c != '\t') {
		uint8_t e[2] = {'^', (uint8_t)(c + '@')};
		con_out(e, 2);
		return;
	}
	con_out_tty(&c, 1);
}

int tty_input(const uint8_t *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = buf[i];
		if (c == '\r' && (tty.c_iflag & LX_ICRNL))
			c = '\n';
		if ((tty.c_lflag & LX_ISIG) && c &&
		    (c == tty.c_cc[LX_VINTR] || c == tty.c_cc[LX_VQUIT] ||
		     c == tty.c_cc[LX_VSUSP])) {
			tty_len = tty_done;
			echo(c);
			if (tty_pgrp)
				proc_signal_group(tty_pgrp, c == tty.c_cc[LX_VINTR]   ? LX_SIGINT
							    : c == tty.c_cc[LX_VQUIT] ? LX_SIGQUIT
										      : LX_SIGTSTP);
			continue;
		}
		if (tty.c_lflag & LX_ICANON) {
			if (c == tty.c_cc[LX_VERASE] || c == 8) {
				if (tty_len > tty_done) {
					tty_len--;
					if (tty.c_lflag & LX_ECHO)
						con_out("\b \b", 3);
				}
				continue;
			}
			if (c == tty.c_cc[LX_VKILL]) {
				while (tty_len > tty_done) {
					tty_len--;
					if (tty.c_lflag & LX_ECHO)
						con_out("\b \b", 3);
				}
				continue;
			}
			if (c == tty.c_cc[LX_VEOF]) {
				if (tty_len == tty_done)
					tty_eof = true;
				tty_done = tty_len;
				continue;
			}
		}
		if (tty_len == LINUX_TTY_MAX)
			return VX_E_FULL;
		tty_in[tty_len++] = c;
		echo(c);
		if (!(tty.c_lflag & LX_ICANON) || c == '\n')
			tty_done = tty_len;
	}
	wake_all();
	return VX_OK;
}

static bool tty_readable(void)
{
	return tty_done > 0 || tty_eof;
}

static int64_t tty_read(struct proc *p, uint64_t va, size_t n)
{
	if (n == 0)
		return 0; /* as Linux: at once, nothing taken, no wait for a line */
	if (tty_eof && tty_done == 0) {
		tty_eof = false;
		return 0;
	}
	if (tty_done == 0)
		return SYS_BLOCK;
	size_t k = n < tty_done ? n : tty_done;
	if (tty.c_lflag & LX_ICANON) { /* one line at most */
		for (size_t i = 0; i < k; i++)
			if (tty_in[i] == '\n') {
				k = i + 1;
				break;
			}
	}
	if (copy_out(p, va, tty_in, k) != 0)
		return -LX_EFAULT;
	memmove(tty_in, tty_in + k, tty_len - k);
	tty_len -= (uint32_t)k;
	tty_done -= (uint32_t)k;
	return (int64_t)k;
}

/* ----------------------------------------------------------- read/write */

static int64_t pipe_read(struct proc *p, struct file *f, uint64_t va, size_t n)
{
	struct pipe *pp = &pipes[f->pipe];
	size_t done = 0;

	if (pp->len == 0)
		return pp->writers ? (f->oflags & LX_O_NONBLOCK ? -LX_EAGAIN : SYS_BLOCK) : 0;
	while (done < n && pp->len) {
		size_t k = n - done, run = PIPE_BYTES - pp->head;
		if (k > pp->len)
			k = pp->len;
		if (k > run)
			k = run;
		if (copy_out(p, va + done, pp->buf + pp->head, k) != 0)
			return done ? (int64_t)done : -LX_EFAULT;
		pp->head = (pp->head + (uint32_t)k) % PIPE_BYTES;
		pp->len -= (uint32_t)k;
		done += k;
	}
	wake_all();
	return (int64_t)done;
}

static int64_t pipe_write(struct proc *p, struct file *f, uint64_t va, size_t n)
{
	struct pipe *pp = &pipes[f->pipe];
	size_t done = 0;

	if (pp->readers == 0) {
		thread_signal(p, LX_SIGPIPE); /* to the writer, as Linux */
		return -LX_EPIPE;
	}
	if (pp->len == PIPE_BYTES)
		return f->oflags & LX_O_NONBLOCK ? -LX_EAGAIN : SYS_BLOCK;
	while (done < n && pp->len < PIPE_BYTES) {
		uint32_t tail = (pp->head + pp->len) % PIPE_BYTES;
		size_t k = n - done, room = PIPE_BYTES - pp->len, run = PIPE_BYTES - tail;
		if (k > room)
			k = room;
		if (k > run)
			k = run;
		if (copy_in(p, pp->buf + tail, va + done, k) != 0)
			return done ? (int64_t)done : -LX_EFAULT;
		pp->len += (uint32_t)k;
		done += k;
	}
	wake_all();
	return (int64_t)done;
}

/* The bytes of root-archive file f from off: *n cut at its end (0 past). */
static const uint8_t *tar_span(const struct file *f, uint64_t off, size_t *n)
{
	const struct tar_ent *e = &root_ix.ent[f->ent];

	if (off >= e->size)
		*n = 0;
	else if (*n > e->size - off)
		*n = (size_t)(e->size - off);
	return root_tar + e->off + (off < e->size ? off : 0);
}

/* Reads into the process through linuxd's view of its memory: no copy. */
static int64_t file_read_at(struct proc *p, struct file *f, uint64_t va, size_t n, uint64_t off)
{
	size_t done = 0;

	if (f->kind == F_TAR) {
		const uint8_t *s = tar_span(f, off, &n);
		return n && copy_out(p, va, s, n) ? -LX_EFAULT : (int64_t)n;
	}
	fmaps_sync(f->vpath); /* what shared mappings of it wrote, first */
	while (done < n) {
		size_t k = n - done;
		uint8_t *d = user_span(p, va + done, &k, true);
		if (!d)
			return done ? (int64_t)done : -LX_EFAULT;
		int64_t got =
		    vx_fs_read(&fs, f->vpath, off + done, d, k, (uint64_t)vx_clock() + DL);
		if (got < 0)
			return done ? (int64_t)done : lx_errno_of((int)got);
		done += (size_t)got;
		if ((size_t)got < k)
			break;
	}
	return (int64_t)done;
}

static int64_t file_write_at(struct proc *p, struct file *f, uint64_t va, size_t n, uint64_t off)
{
	size_t done = 0;

	while (done < n) {
		size_t k = n - done;
		uint8_t *s = user_span(p, va + done, &k, false);
		if (!s)
			return done ? (int64_t)done : -LX_EFAULT;
		int rc = vx_fs_write(&fs, f->vpath, off + done, s, k, (uint64_t)vx_clock() + DL);
		if (rc != VX_OK) {
			fmaps_refresh(f->vpath, off, done);
			return done ? (int64_t)done : lx_errno_of(rc);
		}
		done += k;
	}
	fmaps_refresh(f->vpath, off, done); /* shared mappings of it see the write */
	return (int64_t)done;
}

/* A /proc file's bytes from off: its snapshot's, or the process's
 * cmdline as it is now. */
static int64_t proc_read_at(struct proc *p, struct file *f, uint64_t va, size_t n, uint64_t off)
{
	static uint8_t buf[4096];
	size_t done = 0;

	if (f->snap >= 0) {
		uint32_t len;
		const char *t = procfs_snap_text(f->snap, &len);
		if (off >= len)
			return 0;
		if (n > len - off)
			n = (size_t)(len - off);
		return n && copy_out(p, va, t + off, n) ? -LX_EFAULT : (int64_t)n;
	}
	while (done < n) {
		size_t k = n - done < sizeof(buf) ? n - done : sizeof(buf);
		size_t got = procfs_cmdline(f->pn.pid, off + done, buf, k);
		if (got == 0)
			break;
		if (copy_out(p, va + done, buf, got) != 0)
			return done ? (int64_t)done : -LX_EFAULT;
		done += got;
	}
	return (int64_t)done;
}

static int64_t do_read(struct proc *p, struct file *f, uint64_t va, size_t n)
{
	int64_t r;

	if ((f->oflags & LX_O_ACCMODE) == LX_O_WRONLY)
		return -LX_EBADF;
	switch (f->kind) {
	case F_TTY:
		return tty_read(p, va, n);
	case F_NULL:
		return 0;
	case F_RANDOM: /* rngd's bytes, as getrandom's */
		return random_out(p, va, n, (f->oflags & LX_O_NONBLOCK) != 0);
	case F_ZERO: /* as Linux: what fits before a fault, and nothing is EFAULT */
		for (size_t done = 0; done < n;) {
			size_t k = n - done;
			uint8_t *d = user_span(p, va + done, &k, true);
			if (!d)
				return done ? (int64_t)done : -LX_EFAULT;
			memset(d, 0, k);
			done += k;
		}
		return (int64_t)n;
	case F_PIPE_R:
		return pipe_read(p, f, va, n);
	case F_TAR:
	case F_VFS:
		if ((r = file_read_at(p, f, va, n, f->pos)) > 0)
			f->pos += (uint64_t)r;
		return r;
	case F_PROC:
		if ((r = proc_read_at(p, f, va, n, f->pos)) > 0)
			f->pos += (uint64_t)r;
		return r;
	case F_DIR_TAR:
	case F_DIR_VFS:
	case F_DIR_DEV:
	case F_DIR_PROC:
		return -LX_EISDIR;
	default:
		return -LX_EBADF;
	}
}

static int64_t do_write(struct proc *p, struct file *f, uint64_t va, size_t n)
{
	int64_t r;

	if ((f->oflags & LX_O_ACCMODE) == LX_O_RDONLY && f->kind != F_TTY)
		return -LX_EBADF;
	switch (f->kind) {
	case F_TTY:
		for (size_t done = 0; done < n;) {
			size_t k = n - done;
			uint8_t *s = user_span(p, va + done, &k, false);
			if (!s)
				return done ? (int64_t)done : -LX_EFAULT;
			con_out_tty(s, k);
			done += k;
		}
		return (int64_t)n;
	case F_NULL:
	case F_ZERO:
	case F_RANDOM:
		return (int64_t)n;
	case F_PIPE_W:
		return pipe_write(p, f, va, n);
	case F_VFS:
		if (f->oflags & LX_O_APPEND) {
			struct fs_stat st;
			int rc = vx_fs_stat(&fs, f->vpath, &st, (uint64_t)vx_clock() + DL);
			if (rc != VX_OK)
				return lx_errno_of(rc);
			f->pos = st.size;
		}
		if ((r = file_write_at(p, f, va, n, f->pos)) > 0)
			f->pos += (uint64_t)r;
		return r;
	case F_TAR:
		return -LX_EBADF;
	case F_PROC: /* as Linux (for root, who may open it to write) */
		return f->pn.kind == LXP_GLOBAL ? -LX_EIO : -LX_EINVAL;
	default:
		return -LX_EISDIR;
	}
}

int64_t sys_read(struct proc *p, const uint64_t *a)
{
	struct file *f = fd_file(p, a[0]);

	if (!f)
		return -LX_EBADF;
	return do_read(p, f, a[1], a[2] > 0x7ffff000 ? 0x7ffff000 : (size_t)a[2]);
}

int64_t sys_write(struct proc *p, const uint64_t *a)
{
	struct file *f = fd_file(p, a[0]);

	if (!f)
		return -LX_EBADF;
	return do_write(p, f, a[1], a[2] > 0x7ffff000 ? 0x7ffff000 : (size_t)a[2]);
}

int64_t sys_pwrite64(struct proc *p, const uint64_t *a)
{
	struct file *f = fd_file(p, a[0]);

	if (!f)
		return -LX_EBADF;
	if ((int64_t)a[3] < 0)
		return -LX_EINVAL;
	if ((f->oflags & LX_O_ACCMODE) == LX_O_RDONLY)
		return -LX_EBADF;
	if (f->kind != F_VFS)
		return f->kind == F_PIPE_W ? -LX_ESPIPE : -LX_EINVAL;
	return file_write_at(p, f, a[1], a[2] > 0x7ffff000 ? 0x7ffff000 : (size_t)a[2], a[3]);
}

int64_t sys_pread64(struct proc *p, const uint64_t *a)
{
	struct file *f = fd_file(p, a[0]);

	if (!f)
		return -LX_EBADF;
	if ((int64_t)a[3] < 0)
		return -LX_EINVAL;
	if ((f->oflags & LX_O_ACCMODE) == LX_O_WRONLY)
		return -LX_EBADF;
	if (f->kind == F_PROC)
		return proc_read_at(p, f, a[1], a[2] > 0x7ffff000 ? 0x7ffff000 : (size_t)a[2],
				    a[3]);
	if (f->kind != F_TAR && f->kind != F_VFS)
		return f->kind == F_PIPE_R ? -LX_ESPIPE : -LX_EINVAL;
	return file_read_at(p, f, a[1], a[2] > 0x7ffff000 ? 0x7ffff000 : (size_t)a[2], a[3]);
}

/* sendfile's two halves, through a buffer of linuxd's: n bytes of a
 * regular file f at off (fewer at its end; the caller synced its shared
 * mappings), and n bytes onto a file, the terminal or a sink. */
static int64_t file_pread_buf(struct file *f, void *buf, size_t n, uint64_t off)
{
	if (f->kind == F_TAR) {
		memcpy(buf, tar_span(f, off, &n), n);
		return (int64_t)n;
	}
	int64_t got = vx_fs_read(&fs, f->vpath, off, buf, n, (uint64_t)vx_clock() + DL);
	return got < 0 ? lx_errno_of((int)got) : got;
}

static int64_t file_write_buf(struct file *f, const void *buf, size_t n)
{
	int rc;

	switch (f->kind) {
	case F_TTY:
		con_out_tty(buf, n);
		return (int64_t)n;
	case F_NULL:
	case F_ZERO:
	case F_RANDOM:
		return (int64_t)n;
	case F_VFS:
		rc = vx_fs_write(&fs, f->vpath, f->pos, buf, n, (uint64_t)vx_clock() + DL);
		fmaps_refresh(f->vpath, f->pos, rc == VX_OK ? n : 0);
		if (rc != VX_OK)
			return lx_errno_of(rc);
		f->pos += n;
		return (int64_t)n;
	default:
		return -LX_EINVAL;
	}
}

/*
 * sendfile(out_fd, in_fd, offset, count): from a regular file (the root
 * archive's or vfsd's) to a file, the terminal or a sink, at most
 * 0x7ffff000 bytes, as Linux.  Any other pair (a pipe either side) is
 * EINVAL, which Linux also answers for pairs it cannot do, and callers
 * (busybox's cat) then read and write.  With offset, in_fd's position
 * stays and *offset moves; without, in_fd's position moves.
 */
int64_t sys_sendfile(struct proc *p, const uint64_t *a)
{
	static uint8_t buf[16384];
	struct file *out = fd_file(p, a[0]), *in = fd_file(p, a[1]);
	size_t n = a[3] > 0x7ffff000 ? 0x7ffff000 : (size_t)a[3], done = 0;
	uint64_t off;

	if (!out || !in || (in->oflags & LX_O_ACCMODE) == LX_O_WRONLY ||
	    ((out->oflags & LX_O_ACCMODE) == LX_O_RDONLY && out->kind != F_TTY))
		return -LX_EBADF;
	if ((in->kind != F_TAR && in->kind != F_VFS) ||
	    (out->kind != F_VFS && out->kind != F_TTY && out->kind != F_NULL &&
	     out->kind != F_ZERO && out->kind != F_RANDOM) ||
	    (out->oflags & LX_O_APPEND))
		return -LX_EINVAL;
	if (!a[2])
		off = in->pos;
	else if (copy_in(p, &off, a[2], sizeof(off)) != 0)
		return -LX_EFAULT;
	else if ((int64_t)off < 0)
		return -LX_EINVAL;
	if (in->kind == F_VFS)
		fmaps_sync(in->vpath); /* what shared mappings of it wrote, once */
	while (done < n) {
		size_t k = n - done < sizeof(buf) ? n - done : sizeof(buf);
		int64_t got = file_pread_buf(in, buf, k, off);
		if (got <= 0) {
			if (got < 0 && !done)
				return got;
			break;
		}
		int64_t put = file_write_buf(out, buf, (size_t)got);
		if (put < 0) {
			if (!done)
				return put;
			break;
		}
		off += (uint64_t)got;
		done += (size_t)got;
		if ((size_t)got < k)
			break;
	}
	if (!a[2])
		in->pos = off;
	else if (copy_out(p, a[2], &off, sizeof(off)) != 0)
		return -LX_EFAULT;
	return (int64_t)done;
}

static int64_t do_iov(struct proc *p, const uint64_t *a, bool write)
{
	struct file *f = fd_file(p, a[0]);
	int64_t total = 0;

	if (!f)
		return -LX_EBADF;
	if (a[2] > 1024)
		return -LX_EINVAL;
	for (uint64_t i = 0; i < a[2]; i++) {
		struct lx_iovec v;
		if (copy_in(p, &v, a[1] + i * sizeof(v), sizeof(v)) != 0)
			return total ? total : -LX_EFAULT;
		if (v.iov_len == 0)
			continue;
		int64_t r = write ? do_write(p, f, v.iov_base, (size_t)v.iov_len)
				  : do_read(p, f, v.iov_base, (size_t)v.iov_len);
		if (r < 0)
			return total ? total : r;
		total += r;
		if ((uint64_t)r < v.iov_len)
			break;
	}
	return total;
}

int64_t sys_readv(struct proc *p, const uint64_t *a)
{
	return do_iov(p, a, false);
}

int64_t sys_writev(struct proc *p, const uint64_t *a)
{
	return do_iov(p, a, true);
}

/* For mmap (mem.c): checks fd maps and copies len bytes from off into
 * dst (when not NULL); *tar_ent tells an archive file (shareable). */
int file_mmap_bytes(struct proc *p, int fd, uint64_t off, uint8_t *dst, uint64_t len,
		    uint32_t *tar_ent);
int file_mmap_bytes(struct proc *p, int fd, uint64_t off, uint8_t *dst, uint64_t len,
		    uint32_t *tar_ent)
{
	struct file *f = fd < 0 ? NULL : fd_file(p, (uint64_t)fd);

	if (!f)
		return -LX_EBADF;
	if (f->kind != F_TAR && f->kind != F_VFS && f->kind != F_ZERO)
		return -LX_ENODEV;
	if (tar_ent && f->kind == F_TAR)
		*tar_ent = f->ent;
	if (!dst)
		return 0;
	if (f->kind == F_TAR) {
		const struct tar_ent *e = &root_ix.ent[f->ent];
		uint64_t n = off < e->size ? e->size - off : 0;
		memcpy(dst, root_tar + e->off + off, n < len ? n : len);
	} else if (f->kind == F_VFS) {
		fmaps_sync(f->vpath); /* what shared mappings of it wrote, first */
		int64_t got = vx_fs_read(&fs, f->vpath, off, dst, len, (uint64_t)vx_clock() + DL);
		if (got < 0)
			return lx_errno_of((int)got);
	}
	return 0;
}

/* ------------------------------------------------- shared file mappings */

int file_shared_target(struct proc *p, int fd, char *vpath, bool *rw)
{
	struct file *f = fd < 0 ? NULL : fd_file(p, (uint64_t)fd);

	if (!f)
		return -LX_EBADF;
	if (f->kind == F_ZERO)
		return 1;
	if (f->kind == F_TAR)
		return -LX_EACCES; /* the root archive is read-only: so is any map of it */
	if (f->kind != F_VFS)
		return -LX_ENODEV;
	if ((f->oflags & LX_O_ACCMODE) == LX_O_WRONLY)
		return -LX_EACCES; /* a mapping is read as well */
	memcpy(vpath, f->vpath, PATH_LEN);
	*rw = (f->oflags & LX_O_ACCMODE) == LX_O_RDWR;
	return 0;
}

void file_writeback(const char *vpath, uint64_t off, const uint8_t *src, uint64_t len)
{
	struct fs_stat st;

	if (vx_fs_stat(&fs, vpath, &st, (uint64_t)vx_clock() + DL) != VX_OK || st.type != FS_FILE ||
	    off >= st.size)
		return; /* gone, or cut short below the mapping: nothing of it to keep */
	if (len > st.size - off)
		len = st.size - off;
	vx_fs_write(&fs, vpath, off, src, len, (uint64_t)vx_clock() + DL);
}

int file_fill(const char *vpath, uint64_t off, uint8_t *dst, uint64_t len)
{
	int64_t got = vx_fs_read(&fs, vpath, off, dst, len, (uint64_t)vx_clock() + DL);

	return got < 0 ? lx_errno_of((int)got) : 0;
}

/* ----------------------------------------------------------- open, close */

/*
 * Opens what /proc name r found: a directory, a file (its text taken now:
 * procfs_snap), or a pipe through a descriptor's link (a new open file
 * on the same pipe, as Linux's reopen).  Linux lets root open a /proc file
 * to write, and refuses the write (do_write): so does this.  0 with *out
 * set (NULL: no room), or an errno.
 */
static int proc_open(const struct resolved *r, uint32_t flags, struct file **out)
{
	uint32_t acc = flags & LX_O_ACCMODE;
	struct file *f;

	*out = NULL;
	if (!r->exists)
		return -LX_ENOENT;
	if (lxp_is_link(&r->pn) && r->pn.kind != LXP_FD)
		return -LX_ELOOP; /* O_NOFOLLOW on a link */
	if (r->pn.kind == LXP_FD) {
		struct file *t = proc_fd_file(&r->pn);
		if (!(flags & LX_O_NOFOLLOW) && (t->kind == F_PIPE_R || t->kind == F_PIPE_W)) {
			bool w = acc == LX_O_WRONLY;
			if ((f = file_new(w ? F_PIPE_W : F_PIPE_R, acc | (flags & LX_O_NONBLOCK),
					  "pipe:")) == NULL)
				return 0;
			f->pipe = t->pipe;
			if (w)
				pipes[t->pipe].writers++;
			else
				pipes[t->pipe].readers++;
			*out = f;
			return 0;
		}
		return -LX_ELOOP;
	}
	if (lxp_is_dir(&r->pn)) {
		if (acc != LX_O_RDONLY)
			return -LX_EISDIR;
		*out = file_new(F_DIR_PROC, flags, r->abs);
		if (*out)
			(*out)->pn = r->pn;
		return 0;
	}
	if (flags & LX_O_DIRECTORY)
		return -LX_ENOTDIR;
	int snap = -1;
	if (!(r->pn.kind == LXP_PID_FILE && r->pn.which == LXF_CMDLINE) &&
	    (snap = procfs_snap(&r->pn)) < 0)
		return snap;
	if ((f = file_new(F_PROC, flags & ~(uint32_t)(LX_O_TRUNC | LX_O_CREAT), r->abs)) == NULL) {
		if (snap >= 0)
			procfs_snap_free(snap);
		return 0;
	}
	f->pn = r->pn;
	f->snap = snap;
	*out = f;
	return 0;
}

static int64_t do_open(struct proc *p, int dirfd, uint64_t upath, uint32_t flags, uint32_t mode)
{
	struct resolved r;
	int err;
	uint32_t acc = flags & LX_O_ACCMODE;
	bool writes = acc != LX_O_RDONLY || (flags & LX_O_TRUNC);

	if (acc == 3)
		return -LX_EINVAL;
	if ((err = resolve(p, dirfd, upath, !(flags & LX_O_NOFOLLOW), &r)) != 0)
		return err;
	if (found(&r) && (flags & LX_O_CREAT) && (flags & LX_O_EXCL))
		return -LX_EEXIST;
	if ((flags & LX_O_DIRECTORY) && found(&r) && !is_dir(&r))
		return -LX_ENOTDIR;
	struct file *f = NULL;
	switch (r.where) {
	case W_DEV:
		f = file_new(r.dev, flags, r.abs);
		break;
	case W_TAR:
		if (r.ent == TAR_NONE)
			return flags & LX_O_CREAT ? -LX_EROFS : -LX_ENOENT;
		if (root_ix.ent[r.ent].kind == TAR_SYMLINK)
			return -LX_ELOOP; /* O_NOFOLLOW on a link */
		if (writes)
			return is_dir(&r) ? -LX_EISDIR : -LX_EROFS;
		f = file_new(is_dir(&r) ? F_DIR_TAR : F_TAR, flags, r.abs);
		if (f)
			f->ent = r.ent;
		break;
	case W_PROC: {
		if ((err = proc_open(&r, flags, &f)) != 0)
			return err;
		if (!f)
			return -LX_ENFILE;
		int fd = lx_fd_alloc(&p->grp->fds, 0, f, (flags & LX_O_CLOEXEC) != 0);
		if (fd < 0)
			file_unref(f); /* its snapshot or its place on the pipe goes too */
		return fd;
	}
	case W_VFS:
		if (!r.exists) {
			if (!(flags & LX_O_CREAT))
				return -LX_ENOENT;
			int rc = vx_fs_create(&fs, r.vpath, (uint64_t)vx_clock() + DL);
			if (rc != VX_OK && rc != VX_E_EXISTS)
				return lx_errno_of(rc);
			mode_set(r.vpath, mode & ~p->grp->umask);
			r.st.type = FS_FILE;
			r.st.size = 0;
		}
		if (r.st.type == FS_DIR && writes)
			return -LX_EISDIR;
		if ((flags & LX_O_TRUNC) && r.st.type != FS_DIR && acc != LX_O_RDONLY) {
			int rc = vx_fs_truncate(&fs, r.vpath, 0, (uint64_t)vx_clock() + DL);
			if (rc != VX_OK)
				return lx_errno_of(rc);
		}
		f = file_new(r.st.type == FS_DIR ? F_DIR_VFS : F_VFS, flags, r.abs);
		if (f)
			memcpy(f->vpath, r.vpath, PATH_LEN);
		break;
	default:
		return -LX_ENOENT;
	}
	if (!f)
		return -LX_ENFILE;
	return fd_install(p, f, (flags & LX_O_CLOEXEC) != 0);
}

int64_t sys_openat(struct proc *p, const uint64_t *a)
{
	return do_open(p, (int)a[0], a[1], (uint32_t)a[2], (uint32_t)a[3]);
}

int64_t sys_open(struct proc *p, const uint64_t *a)
{
	return do_open(p, LX_AT_FDCWD, a[0], (uint32_t)a[1], (uint32_t)a[2]);
}

int64_t sys_close(struct proc *p, const uint64_t *a)
{
	return a[0] >= LX_FD_MAX ? -LX_EBADF : lx_fd_close(&p->grp->fds, &file_ops, (int)a[0]);
}

int64_t sys_lseek(struct proc *p, const uint64_t *a)
{
	struct file *f = fd_file(p, a[0]);
	int64_t off = (int64_t)a[1], base;

	if (!f)
		return -LX_EBADF;
	if (f->kind == F_PIPE_R || f->kind == F_PIPE_W || f->kind == F_TTY)
		return -LX_ESPIPE;
	switch (a[2]) {
	case LX_SEEK_SET:
		base = 0;
		break;
	case LX_SEEK_CUR:
		base = (int64_t)f->pos;
		break;
	case LX_SEEK_END: {
		struct lx_stat st;
		int err = fstat_of(f, &st);
		if (err)
			return err;
		base = st.st_size;
		break;
	}
	default:
		return -LX_EINVAL;
	}
	if ((off < 0 && base + off < 0) || (off > 0 && base > INT64_MAX - off))
		return -LX_EINVAL;
	f->pos = (uint64_t)(base + off);
	return (int64_t)f->pos;
}

/* ----------------------------------------------------------- directories */

static int emit(uint8_t *buf, size_t cap, size_t *at, uint64_t ino, int64_t next, uint8_t type,
		const char *name)
{
	size_t nl = strlen(name), rl = LX_DIRENT64_RECLEN(nl);

	if (*at + rl > cap)
		return -1;
	struct lx_dirent64 *d = (struct lx_dirent64 *)(buf + *at);
	memset(d, 0, rl);
	d->d_ino = ino;
	d->d_off = next;
	d->d_reclen = (uint16_t)rl;
	d->d_type = type;
	memcpy(d->d_name, name, nl);
	*at += rl;
	return 0;
}

int64_t sys_getdents64(struct proc *p, const uint64_t *a)
{
	static uint8_t buf[8192];
	struct file *f = fd_file(p, a[0]);
	size_t cap = a[2] < sizeof(buf) ? (size_t)a[2] : sizeof(buf), at = 0;

	if (!f)
		return -LX_EBADF;
	if (f->kind != F_DIR_TAR && f->kind != F_DIR_VFS && f->kind != F_DIR_DEV &&
	    f->kind != F_DIR_PROC)
		return -LX_ENOTDIR;
	for (;;) {
		uint64_t pos = f->pos;
		if (pos < 2) {
			if (emit(buf, cap, &at, 1, (int64_t)pos + 1, LX_DT_DIR, pos ? ".." : ".") <
			    0)
				break;
			f->pos++;
			continue;
		}
		if (f->kind == F_DIR_TAR) {
			uint32_t cursor = (uint32_t)(pos - 2);
			uint32_t e = tar_next_child(&root_ix, f->ent, &cursor);
			if (e == TAR_NONE)
				break;
			uint32_t k = root_ix.ent[e].kind;
			if (emit(buf, cap, &at, e + 1, (int64_t)cursor + 2,
				 k == TAR_DIR	    ? LX_DT_DIR
				 : k == TAR_SYMLINK ? LX_DT_LNK
						    : LX_DT_REG,
				 tar_base(&root_ix, e)) < 0)
				break;
			f->pos = cursor + 2;
		} else if (f->kind == F_DIR_PROC) {
			uint64_t cursor = pos - 2;
			char name[16];
			uint8_t type;
			if (!procfs_next(&f->pn, &cursor, name, &type))
				break;
			if (emit(buf, cap, &at, hash_path(name) ^ pos, (int64_t)cursor + 2, type,
				 name) < 0)
				break;
			f->pos = cursor + 2;
		} else if (f->kind == F_DIR_VFS) {
			struct fs_dirent de;
			int rc = vx_fs_list(&fs, f->vpath, (uint32_t)(pos - 2), &de,
					    (uint64_t)vx_clock() + DL);
			if (rc == VX_E_NOTFOUND)
				break;
			if (rc != VX_OK)
				return at ? (int64_t)0 : lx_errno_of(rc);
			if (emit(buf, cap, &at, hash_path(de.name) ^ pos, (int64_t)pos + 1,
				 de.st.type == FS_DIR ? LX_DT_DIR : LX_DT_REG, de.name) < 0)
				break;
			f->pos++;
		} else {
			static const char *const devs[] = {"null", "zero", "tty", "urandom",
							   "random"};
			if (pos - 2 >= sizeof(devs) / sizeof(devs[0]))
				break;
			if (emit(buf, cap, &at, pos, (int64_t)pos + 1, LX_DT_CHR, devs[pos - 2]) <
			    0)
				break;
			f->pos++;
		}
	}
	if (at == 0 && a[2] < LX_DIRENT64_RECLEN(1))
		return -LX_EINVAL; /* not even room for one record */
	if (at && copy_out(p, a[1], buf, at) != 0)
		return -LX_EFAULT;
	return (int64_t)at;
}

/* ---------------------------------------------------------------- ioctl */

int64_t sys_ioctl(struct proc *p, const uint64_t *a)
{
	struct file *f = fd_file(p, a[0]);
	uint32_t req = (uint32_t)a[1];

	if (!f)
		return -LX_EBADF;
	if (f->kind != F_TTY)
		return req == LX_FIONREAD && f->kind == F_PIPE_R
			   ? copy_out(p, a[2], &(int32_t){(int32_t)pipes[f->pipe].len}, 4)
			   : -LX_ENOTTY;
	switch (req) {
	case LX_TCGETS:
		return copy_out(p, a[2], &tty, sizeof(tty));
	case LX_TCSETS:
	case LX_TCSETSW:
	case LX_TCSETSF: {
		struct lx_termios t;
		if (copy_in(p, &t, a[2], sizeof(t)) != 0)
			return -LX_EFAULT;
		bool was_canon = tty.c_lflag & LX_ICANON;
		tty = t;
		if (req == LX_TCSETSF)
			tty_len = tty_done = 0;
		if (was_canon && !(tty.c_lflag & LX_ICANON))
			tty_done = tty_len; /* whatever was typed is readable now */
		return 0;
	}
	case LX_TIOCGWINSZ: {
		struct lx_winsize w = {.ws_row = 24, .ws_col = 80};
		return copy_out(p, a[2], &w, sizeof(w));
	}
	case LX_TIOCSWINSZ:
		return 0;
	case LX_TIOCGPGRP:
		return copy_out(p, a[2], &(int32_t){tty_pgrp}, 4);
	case LX_TIOCSPGRP: {
		int32_t g;
		if (copy_in(p, &g, a[2], 4) != 0)
			return -LX_EFAULT;
		if (g <= 0)
			return -LX_EINVAL;
		tty_pgrp = g;
		return 0;
	}
	case LX_TIOCSCTTY:
	case LX_TIOCNOTTY:
		return 0;
	case LX_FIONREAD:
		return copy_out(p, a[2], &(int32_t){(int32_t)tty_done}, 4);
	default:
		return -LX_ENOTTY;
	}
}

/* ----------------------------------------------------- descriptors, pipes */

int64_t sys_fcntl(struct proc *p, const uint64_t *a)
{
	struct file *f = fd_file(p, a[0]);

	if (!f)
		return -LX_EBADF;
	switch (a[1]) {
	case LX_F_DUPFD:
	case LX_F_DUPFD_CLOEXEC:
		if (a[2] >= LX_FD_MAX)
			return -LX_EINVAL;
		return lx_fd_dup(&p->grp->fds, &file_ops, (int)a[0], (int)a[2],
				 a[1] == LX_F_DUPFD_CLOEXEC);
	case LX_F_GETFD:
		return lx_fd_get_cloexec(&p->grp->fds, (int)a[0]);
	case LX_F_SETFD:
		return lx_fd_set_cloexec(&p->grp->fds, (int)a[0], (a[2] & LX_FD_CLOEXEC) != 0);
	case LX_F_GETFL:
		return f->oflags & (LX_O_ACCMODE | LX_O_APPEND | LX_O_NONBLOCK);
	case LX_F_SETFL:
		f->oflags = (f->oflags & ~(uint32_t)(LX_O_APPEND | LX_O_NONBLOCK)) |
			    ((uint32_t)a[2] & (LX_O_APPEND | LX_O_NONBLOCK));
		return 0;
	case LX_F_GETLK:
	case LX_F_SETLK:
	case LX_F_SETLKW: {
		/* One personality, no one to lock against: every lock is granted,
		 * and F_GETLK says nothing stands in the way (l_type F_UNLCK). */
		uint8_t fl[32];
		if (copy_in(p, fl, a[2], sizeof(fl)) != 0)
			return -LX_EFAULT;
		if (a[1] == LX_F_GETLK) {
			uint16_t unlck = LX_F_UNLCK;
			return copy_out(p, a[2], &unlck, 2);
		}
		return 0;
	}
	default:
		return -LX_EINVAL;
	}
}

int64_t sys_dup(struct proc *p, const uint64_t *a)
{
	return (uint32_t)a[0] >= LX_FD_MAX
		   ? -LX_EBADF
		   : lx_fd_dup(&p->grp->fds, &file_ops, (int)a[0], 0, false);
}

int64_t sys_dup2(struct proc *p, const uint64_t *a)
{
	if ((uint32_t)a[0] >= LX_FD_MAX || (uint32_t)a[1] >= LX_FD_MAX)
		return -LX_EBADF;
	return lx_fd_dup2(&p->grp->fds, &file_ops, (int)a[0], (int)a[1]);
}

int64_t sys_dup3(struct proc *p, const uint64_t *a)
{
	if (a[2] & ~(uint64_t)LX_O_CLOEXEC)
		return -LX_EINVAL;
	if ((uint32_t)a[0] >= LX_FD_MAX || (uint32_t)a[1] >= LX_FD_MAX)
		return (uint32_t)a[0] == (uint32_t)a[1] ? -LX_EINVAL : -LX_EBADF;
	return lx_fd_dup3(&p->grp->fds, &file_ops, (int)a[0], (int)a[1],
			  (a[2] & LX_O_CLOEXEC) != 0);
}

int64_t sys_pipe2(struct proc *p, const uint64_t *a)
{
	uint32_t flags = (uint32_t)a[1];
	struct pipe *pp = NULL;
	int k = -1;

	if (flags & ~(uint32_t)(LX_O_CLOEXEC | LX_O_NONBLOCK))
		return -LX_EINVAL;
	for (uint32_t i = 0; i < PIPE_MAX && !pp; i++)
		if (!pipes[i].used)
			pp = &pipes[i], k = (int)i;
	if (!pp)
		return -LX_ENFILE;
	struct file *r = file_new(F_PIPE_R, LX_O_RDONLY | (flags & LX_O_NONBLOCK), "pipe:");
	if (!r)
		return -LX_ENFILE;
	r->pipe = k;
	int fr = fd_install(p, r, flags & LX_O_CLOEXEC);
	if (fr < 0)
		return fr;
	struct file *w = file_new(F_PIPE_W, LX_O_WRONLY | (flags & LX_O_NONBLOCK), "pipe:");
	int fw = w ? (w->pipe = k, fd_install(p, w, flags & LX_O_CLOEXEC)) : -LX_ENFILE;
	if (fw < 0) {
		lx_fd_close(&p->grp->fds, &file_ops, fr);
		return fw;
	}
	*pp = (struct pipe){.used = true, .readers = 1, .writers = 1};
	int32_t fds[2] = {fr, fw};
	if (copy_out(p, a[0], fds, sizeof(fds)) != 0) {
		lx_fd_close(&p->grp->fds, &file_ops, fr);
		lx_fd_close(&p->grp->fds, &file_ops, fw);
		return -LX_EFAULT;
	}
	return 0;
}

int64_t sys_pipe(struct proc *p, const uint64_t *a)
{
	uint64_t b[2] = {a[0], 0};

	return sys_pipe2(p, b);
}

/* -------------------------------------------------------------- polling */

static bool readable(struct file *f)
{
	if (f->kind == F_TTY)
		return tty_readable();
	if (f->kind == F_PIPE_R)
		return pipes[f->pipe].len > 0 || pipes[f->pipe].writers == 0;
	return true;
}

static bool writable(struct file *f)
{
	if (f->kind == F_PIPE_W)
		return pipes[f->pipe].len < PIPE_BYTES || pipes[f->pipe].readers == 0;
	return f->kind != F_PIPE_R;
}

/* Sets p's deadline from a relative timeout (NULL: none); true if it has
 * passed (or is zero). */
static bool deadline_from(struct proc *p, int64_t timeout_ns)
{
	if (timeout_ns < 0)
		return false;
	if (p->wake_at == 0)
		p->wake_at = linux_now() + (uint64_t)timeout_ns + 1;
	return linux_now() >= p->wake_at;
}

static int64_t do_poll(struct proc *p, uint64_t ufds, uint64_t nfds, int64_t timeout_ns)
{
	struct lx_pollfd pf;
	int ready = 0;

	if (nfds > LX_FD_MAX)
		return -LX_EINVAL;
	for (uint64_t i = 0; i < nfds; i++) {
		if (copy_in(p, &pf, ufds + i * sizeof(pf), sizeof(pf)) != 0)
			return -LX_EFAULT;
		pf.revents = 0;
		if (pf.fd >= 0) {
			struct file *f = fd_file(p, (uint64_t)pf.fd);
			if (!f) {
				pf.revents = LX_POLLNVAL;
			} else {
				if ((pf.events & LX_POLLIN) && readable(f))
					pf.revents |= LX_POLLIN;
				if ((pf.events & LX_POLLOUT) && writable(f))
					pf.revents |= LX_POLLOUT;
				if (f->kind == F_PIPE_R && pipes[f->pipe].writers == 0)
					pf.revents |= LX_POLLHUP;
				if (f->kind == F_PIPE_W && pipes[f->pipe].readers == 0)
					pf.revents |= LX_POLLERR;
			}
		}
		if (pf.revents)
			ready++;
		if (copy_out(p, ufds + i * sizeof(pf) + 6, &pf.revents, 2) != 0)
			return -LX_EFAULT;
	}
	if (ready || deadline_from(p, timeout_ns))
		return ready;
	return SYS_BLOCK;
}

int64_t sys_poll(struct proc *p, const uint64_t *a)
{
	int32_t ms = (int32_t)a[2];

	return do_poll(p, a[0], a[1], ms < 0 ? -1 : (int64_t)ms * 1000000);
}

/* A timeout the process gives (a timespec, or a timeval for select) as
 * ns in *ns; -1 for none (va 0).  0, -LX_EFAULT or -LX_EINVAL. */
static int timeout_of(struct proc *p, uint64_t va, bool timeval, int64_t *ns)
{
	struct lx_timespec ts; /* a timeval has the same two words */
	int64_t unit = timeval ? 1000 : 1;

	*ns = -1;
	if (!va)
		return 0;
	if (copy_in(p, &ts, va, sizeof(ts)) != 0)
		return -LX_EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000 / unit)
		return -LX_EINVAL;
	*ns = ts.tv_sec > 1000000000 ? INT64_MAX / 2 : ts.tv_sec * 1000000000 + ts.tv_nsec * unit;
	return 0;
}
_Static_assert(sizeof(struct lx_timeval) == sizeof(struct lx_timespec), "timeout_of");

/*
 * ppoll's and pselect6's signal mask: in force while the call runs and
 * waits, as rt_sigsuspend's is (p->suspended: a handler that interrupts
 * the call runs on a frame that restores the caller's own mask), and the
 * caller's own again when the call returns anything but EINTR.  Read on
 * the call's first run only: a blocked call runs again with it in force.
 */
static int call_mask(struct proc *p, uint64_t set_va, uint64_t size)
{
	uint64_t set;

	if (!set_va || p->suspended)
		return 0;
	if (size != 8)
		return -LX_EINVAL;
	if (copy_in(p, &set, set_va, 8) != 0)
		return -LX_EFAULT;
	p->saved_mask = p->mask;
	p->suspended = true;
	p->mask = set & ~((1ull << (LX_SIGKILL - 1)) | (1ull << (LX_SIGSTOP - 1)));
	return 0;
}

/* The call's result r with its mask: one the mask lets through makes a
 * call that would wait EINTR; any other end gives the caller its mask. */
static int64_t call_mask_end(struct proc *p, int64_t r)
{
	if (!p->suspended)
		return r;
	if (r == SYS_BLOCK)
		return sig_ready(p) ? -LX_EINTR : SYS_BLOCK;
	if (r != -LX_EINTR) {
		p->mask = p->saved_mask;
		p->suspended = false;
	}
	return r;
}

int64_t sys_ppoll(struct proc *p, const uint64_t *a)
{
	int64_t t;
	int err = timeout_of(p, a[2], false, &t);

	if (err || (err = call_mask(p, a[3], a[4])) != 0)
		return err;
	return call_mask_end(p, do_poll(p, a[0], a[1], t));
}

static int64_t do_select(struct proc *p, uint64_t n, const uint64_t *sets, int64_t timeout_ns)
{
	uint64_t in[3][LX_FD_MAX / 64], out[3][LX_FD_MAX / 64];
	int ready = 0;

	if ((int64_t)n < 0 || n > LX_FD_MAX)
		return -LX_EINVAL;
	size_t bytes = (n + 63) / 64 * 8;
	memset(in, 0, sizeof(in));
	memset(out, 0, sizeof(out));
	for (int k = 0; k < 3; k++)
		if (sets[k] && copy_in(p, in[k], sets[k], bytes) != 0)
			return -LX_EFAULT;
	for (uint64_t fd = 0; fd < n; fd++) {
		uint64_t bit = 1ull << (fd % 64);
		bool any = (in[0][fd / 64] | in[1][fd / 64] | in[2][fd / 64]) & bit;
		if (!any)
			continue;
		struct file *f = fd_file(p, fd);
		if (!f)
			return -LX_EBADF;
		if ((in[0][fd / 64] & bit) && readable(f))
			out[0][fd / 64] |= bit, ready++;
		if ((in[1][fd / 64] & bit) && writable(f))
			out[1][fd / 64] |= bit, ready++;
	}
	if (!ready && !deadline_from(p, timeout_ns))
		return SYS_BLOCK;
	for (int k = 0; k < 3; k++)
		if (sets[k] && copy_out(p, sets[k], out[k], bytes) != 0)
			return -LX_EFAULT;
	return ready;
}

int64_t sys_pselect6(struct proc *p, const uint64_t *a)
{
	int64_t t;
	int err = timeout_of(p, a[4], false, &t);

	if (err)
		return err;
	if (a[5]) { /* {const sigset_t *, size_t} */
		uint64_t sm[2];
		if (copy_in(p, sm, a[5], sizeof(sm)) != 0)
			return -LX_EFAULT;
		if ((err = call_mask(p, sm[0], sm[1])) != 0)
			return err;
	}
	return call_mask_end(p, do_select(p, a[0], a + 1, t));
}

int64_t sys_select(struct proc *p, const uint64_t *a)
{
	int64_t t;
	int err = timeout_of(p, a[4], true, &t);

	return err ? err : do_select(p, a[0], a + 1, t);
}

/* ------------------------------------------------------ the tree itself */

int64_t sys_faccessat(struct proc *p, const uint64_t *a)
{
	struct resolved r;
	int err = resolve(p, (int)a[0], a[1], true, &r);

	if (err)
		return err;
	if (!found(&r))
		return -LX_ENOENT;
	if ((a[2] & 2) && r.where == W_TAR)
		return -LX_EROFS;
	if ((a[2] & 1) && r.where == W_TAR && !(root_ix.ent[r.ent].mode & 0111))
		return -LX_EACCES;
	if ((a[2] & 1) && r.where == W_PROC && !is_dir(&r))
		return -LX_EACCES;
	if ((a[2] & 1) && r.where == W_VFS && r.st.type == FS_FILE &&
	    !(mode_of(r.vpath, 0644) & 0111))
		return -LX_EACCES;
	return 0;
}

int64_t sys_access(struct proc *p, const uint64_t *a)
{
	uint64_t b[3] = {(uint64_t)(int64_t)LX_AT_FDCWD, a[0], a[1]};

	return sys_faccessat(p, b);
}

int64_t sys_readlinkat(struct proc *p, const uint64_t *a)
{
	struct resolved r;
	int err = resolve(p, (int)a[0], a[1], false, &r);

	if (err)
		return err;
	if (!found(&r))
		return -LX_ENOENT;
	char target[PATH_LEN];
	const char *t = target;
	if (r.where == W_PROC && lxp_is_link(&r.pn)) {
		if ((err = procfs_link(p, &r.pn, target)) != 0)
			return err;
	} else if (r.where != W_TAR || root_ix.ent[r.ent].kind != TAR_SYMLINK) {
		return -LX_EINVAL;
	} else {
		t = tar_link(&root_ix, r.ent);
	}
	size_t n = strlen(t);
	if ((int64_t)a[3] <= 0)
		return -LX_EINVAL;
	if (n > a[3])
		n = (size_t)a[3];
	return copy_out(p, a[2], t, n) ? -LX_EFAULT : (int64_t)n;
}

int64_t sys_readlink(struct proc *p, const uint64_t *a)
{
	uint64_t b[4] = {(uint64_t)(int64_t)LX_AT_FDCWD, a[0], a[1], a[2]};

	return sys_readlinkat(p, b);
}

int64_t sys_getcwd(struct proc *p, const uint64_t *a)
{
	size_t n = strlen(p->grp->cwd) + 1;

	if (a[1] < n)
		return -LX_ERANGE;
	return copy_out(p, a[0], p->grp->cwd, n) ? -LX_EFAULT : (int64_t)n;
}

static int64_t set_cwd(struct proc *p, const struct resolved *r)
{
	if (!found(r))
		return -LX_ENOENT;
	if (!is_dir(r))
		return -LX_ENOTDIR;
	memcpy(p->grp->cwd, r->abs, PATH_LEN);
	return 0;
}

int64_t sys_chdir(struct proc *p, const uint64_t *a)
{
	struct resolved r;
	int err = resolve(p, LX_AT_FDCWD, a[0], true, &r);

	return err ? err : set_cwd(p, &r);
}

int64_t sys_fchdir(struct proc *p, const uint64_t *a)
{
	struct file *f = fd_file(p, a[0]);
	struct resolved r;

	if (!f)
		return -LX_EBADF;
	int err = resolve_abs(p, LX_AT_FDCWD, f->abs, true, &r);
	return err ? err : set_cwd(p, &r);
}

/* The vfsd path of a name to make or remove: -LX_EROFS outside /work and
 * /tmp. */
static int writable_path(struct proc *p, int dirfd, uint64_t upath, bool follow, struct resolved *r)
{
	int err = resolve(p, dirfd, upath, follow, r);

	if (err)
		return err;
	if (r->where == W_PROC) /* as Linux: nothing there is made or removed */
		return found(r) ? -LX_EPERM : -LX_ENOENT;
	if (r->where != W_VFS)
		return found(r) || r->where == W_TAR ? -LX_EROFS : -LX_ENOENT;
	if (!r->vpath[0])
		return -LX_EBUSY; /* the mount point itself */
	return 0;
}

int64_t sys_mkdirat(struct proc *p, const uint64_t *a)
{
	struct resolved r;
	int err = resolve(p, (int)a[0], a[1], false, &r);

	if (!err && found(&r))
		return -LX_EEXIST; /* before read-only: as Linux */
	if ((err = writable_path(p, (int)a[0], a[1], false, &r)) != 0)
		return err == -LX_EBUSY ? -LX_EEXIST : err;
	int rc = vx_fs_mkdir(&fs, r.vpath, (uint64_t)vx_clock() + DL);
	return rc == VX_OK ? 0 : lx_errno_of(rc);
}

int64_t sys_mkdir(struct proc *p, const uint64_t *a)
{
	uint64_t b[3] = {(uint64_t)(int64_t)LX_AT_FDCWD, a[0], a[1]};

	return sys_mkdirat(p, b);
}

int64_t sys_unlinkat(struct proc *p, const uint64_t *a)
{
	struct resolved r;
	bool dir = (a[2] & LX_AT_REMOVEDIR) != 0;
	int err;

	if (a[2] & ~(uint64_t)LX_AT_REMOVEDIR)
		return -LX_EINVAL;
	if ((err = writable_path(p, (int)a[0], a[1], false, &r)) != 0) {
		if (err == -LX_EPERM && dir && r.where == W_PROC) /* as Linux */
			return r.pn.kind == LXP_ROOT ? -LX_EBUSY
			       : lxp_is_dir(&r.pn)   ? -LX_EPERM
						     : -LX_ENOTDIR;
		return err;
	}
	if (!r.exists)
		return -LX_ENOENT;
	if (dir && r.st.type != FS_DIR)
		return -LX_ENOTDIR;
	if (!dir && r.st.type == FS_DIR)
		return -LX_EISDIR;
	int rc = vx_fs_remove(&fs, r.vpath, (uint64_t)vx_clock() + DL);
	if (rc == VX_OK)
		mode_drop(r.vpath);
	return rc == VX_OK ? 0 : rc == VX_E_STATE ? -LX_ENOTEMPTY : lx_errno_of(rc);
}

int64_t sys_unlink(struct proc *p, const uint64_t *a)
{
	uint64_t b[3] = {(uint64_t)(int64_t)LX_AT_FDCWD, a[0], 0};

	return sys_unlinkat(p, b);
}

int64_t sys_rmdir(struct proc *p, const uint64_t *a)
{
	uint64_t b[3] = {(uint64_t)(int64_t)LX_AT_FDCWD, a[0], LX_AT_REMOVEDIR};

	return sys_unlinkat(p, b);
}

int64_t sys_renameat(struct proc *p, const uint64_t *a)
{
	struct resolved from, to;
	int err;

	/* /proc on either side: as Linux, a name it holds moves nowhere
	 * (ENOENT within, EXDEV out of it or into it). */
	if ((err = resolve(p, (int)a[0], a[1], false, &from)) != 0)
		return err;
	if ((err = resolve(p, (int)a[2], a[3], false, &to)) != 0 && from.where != W_PROC)
		return err;
	if (from.where == W_PROC || to.where == W_PROC)
		return !found(&from) || from.where == to.where ? -LX_ENOENT : -LX_EXDEV;
	if ((err = writable_path(p, (int)a[0], a[1], false, &from)) != 0 ||
	    (err = writable_path(p, (int)a[2], a[3], false, &to)) != 0)
		return err;
	if (!from.exists)
		return -LX_ENOENT;
	if (to.exists) {
		if (to.st.type == FS_DIR)
			return -LX_EISDIR;
		int rc = vx_fs_remove(&fs, to.vpath, (uint64_t)vx_clock() + DL);
		if (rc != VX_OK)
			return lx_errno_of(rc);
	}
	int rc = vx_fs_rename(&fs, from.vpath, to.vpath, (uint64_t)vx_clock() + DL);
	if (rc == VX_OK) {
		uint32_t m = mode_of(from.vpath, 0xffffffffu);
		mode_drop(from.vpath);
		mode_drop(to.vpath);
		if (m != 0xffffffffu)
			mode_set(to.vpath, m);
	}
	return rc == VX_OK ? 0 : lx_errno_of(rc);
}

int64_t sys_rename(struct proc *p, const uint64_t *a)
{
	uint64_t b[4] = {(uint64_t)(int64_t)LX_AT_FDCWD, a[0], (uint64_t)(int64_t)LX_AT_FDCWD,
			 a[1]};

	return sys_renameat(p, b);
}

int64_t sys_ftruncate(struct proc *p, const uint64_t *a)
{
	struct file *f = fd_file(p, a[0]);

	if (!f)
		return -LX_EBADF;
	if ((int64_t)a[1] < 0)
		return -LX_EINVAL;
	if (f->kind != F_VFS)
		return f->kind == F_TAR ? -LX_EROFS : -LX_EINVAL;
	int rc = vx_fs_truncate(&fs, f->vpath, a[1], (uint64_t)vx_clock() + DL);
	return rc == VX_OK ? 0 : lx_errno_of(rc);
}

int64_t sys_fsync(struct proc *p, const uint64_t *a)
{
	return fd_file(p, a[0]) ? 0 : -LX_EBADF;
}

int64_t sys_chmod(struct proc *p, const uint64_t *a)
{
	struct resolved r;
	int err = resolve(p, LX_AT_FDCWD, a[0], true, &r);

	if (err)
		return err;
	if (!found(&r))
		return -LX_ENOENT;
	if (r.where == W_TAR)
		return -LX_EROFS;
	if (r.where == W_PROC) /* as Linux for root: a process's files refuse */
		return r.pn.kind == LXP_ROOT || r.pn.kind == LXP_GLOBAL ? 0 : -LX_EPERM;
	if (r.where == W_VFS && r.vpath[0])
		mode_set(r.vpath, (uint32_t)a[1]);
	return 0;
}

int64_t sys_fchmod(struct proc *p, const uint64_t *a)
{
	struct file *f = fd_file(p, a[0]);

	if (!f)
		return -LX_EBADF;
	if (f->kind == F_TAR || f->kind == F_DIR_TAR)
		return -LX_EROFS;
	if (f->kind == F_PROC || f->kind == F_DIR_PROC)
		return f->pn.kind == LXP_ROOT || f->pn.kind == LXP_GLOBAL ? 0 : -LX_EPERM;
	if ((f->kind == F_VFS || f->kind == F_DIR_VFS) && f->vpath[0])
		mode_set(f->vpath, (uint32_t)a[1]);
	return 0;
}

/* Owners are not kept (everyone is root): chown checks its path, no more. */
static int64_t chown_path(struct proc *p, uint64_t path, bool follow)
{
	struct resolved r;
	int err = resolve(p, LX_AT_FDCWD, path, follow, &r);

	return err ? err : found(&r) ? (r.where == W_TAR ? -LX_EROFS : 0) : -LX_ENOENT;
}

int64_t sys_chown(struct proc *p, const uint64_t *a)
{
	return chown_path(p, a[0], true);
}

int64_t sys_lchown(struct proc *p, const uint64_t *a)
{
	return chown_path(p, a[0], false);
}

int64_t sys_fchown(struct proc *p, const uint64_t *a)
{
	return fd_file(p, a[0]) ? 0 : -LX_EBADF;
}

int64_t sys_utimensat(struct proc *p, const uint64_t *a)
{
	struct resolved r;
	uint8_t times[32];

	if (a[2] && copy_in(p, times, a[2], sizeof(times)) != 0)
		return -LX_EFAULT;
	if (a[1] == 0)
		return (int)a[0] == LX_AT_FDCWD ? -LX_EFAULT : fd_file(p, a[0]) ? 0 : -LX_EBADF;
	int err = resolve(p, (int)a[0], a[1], true, &r);
	if (err)
		return err;
	return found(&r) ? 0 : -LX_ENOENT;
}
