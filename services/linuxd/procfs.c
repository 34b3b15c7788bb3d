// SPDX-License-Identifier: BSD-3-Clause
/*
 * /proc for Linux processes (docs/POSIX.md, "/proc"): what its names hold,
 * made from what linuxd itself knows of its processes.  linuxd is the only
 * keeper of Linux processes, so /proc shows them and nothing else: no
 * other VectraOS Task appears, and nothing here asks the kernel for more
 * than linuxd already may (its clock, each CPU's idle time).
 *
 * files.c finds a name (lxp_parse) and keeps the open file; this file
 * gathers a process's state into pure_proc.h's formats.  A file's text is
 * a snapshot taken at open into a buffer of the pool below, sized by the
 * real bound of the longest text (checked at build time), so nothing is
 * ever cut short; cmdline alone is read live from the process's memory
 * (it may be 128 KiB long), as Linux reads it.
 */
#include "linuxd.h"
#include "posix/errno.h"
#include "pure_proc.h"
#include "vx_string.h"

/* The longest text: maps with every area named by a full path. */
_Static_assert(AREA_MAX *(LXP_MAPS_FIXED + PATH_LEN) <= PROCFS_SNAP_BYTES, "maps fits");
_Static_assert(LXP_STAT_GLOBAL_MAX <= PROCFS_SNAP_BYTES, "stat fits");
_Static_assert(LXP_CPUINFO_MAX <= PROCFS_SNAP_BYTES, "cpuinfo fits");

static char snaps[PROCFS_SNAPS][PROCFS_SNAP_BYTES];
static uint32_t snap_len[PROCFS_SNAPS];
static bool snap_used[PROCFS_SNAPS];

struct proc *procfs_proc(int pid)
{
	for (uint32_t i = 0; i < PROC_MAX; i++) /* a thread's id: its process's */
		if (procs[i].state != P_FREE && procs[i].pid == pid)
			return procs[i].grp;
	return NULL;
}

static void decimal(char *out, int v)
{
	struct lxp_buf b;

	lxp_init(&b, out, 15);
	lxp_i64(&b, v);
	out[b.len] = 0;
}

int procfs_link(struct proc *p, const struct lxp_node *n, char *out)
{
	struct proc *g;

	if (n->kind == LXP_SELF) { /* as Linux: relative, "42" */
		decimal(out, p->grp->pid);
		return 0;
	}
	if ((g = procfs_proc(n->pid)) == NULL)
		return -LX_ENOENT;
	if (n->kind == LXP_FD) {
		void *f = n->fd < LX_FD_MAX ? lx_fd_get(&g->fds, n->fd) : NULL;
		if (!f)
			return -LX_ENOENT;
		file_link_text(f, out);
		return 0;
	}
	const char *t = n->which == LXF_CWD ? g->cwd : g->exe;
	if (!t[0] || g->state == P_ZOMBIE)
		return -LX_ENOENT; /* as Linux: a zombie's links read as nothing */
	memcpy(out, t, PATH_LEN);
	return 0;
}

/* ---------------------------------------------------------- gathering */

static unsigned ncpus(void)
{
	unsigned n = 0;

	while (n < 64 && vx_clock_idle(n) >= 0)
		n++;
	return n ? n : 1;
}

static char state_of(const struct proc *g)
{
	switch (g->state) {
	case P_ZOMBIE:
		return 'Z';
	case P_STOPPED:
		return 'T';
	case P_BLOCKED:
		return 'S';
	default:
		return 'R';
	}
}

static void gather(const struct proc *g, struct lxp_proc *x)
{
	memset(x, 0, sizeof(*x));
	x->pid = g->pid;
	x->ppid = g->ppid;
	x->pgid = g->pgid;
	x->sid = g->sid;
	x->tpgid = tty_pgrp ? tty_pgrp : -1;
	x->state = state_of(g);
	x->comm = g->comm;
	x->threads = threads_alive(g);
	if (x->threads == 0)
		x->threads = 1;
	x->umask = g->umask;
	x->start_ticks = g->start_ns / 10000000u;
	for (uint32_t i = 0; g->state != P_ZOMBIE && i < g->nareas; i++) {
		const struct area *a = &g->area[i];
		x->vm_bytes += a->len;
		if (a->prot & LX_PROT_EXEC)
			x->text_bytes += a->len;
		else if (a->va >= STACK_TOP - STACK_BYTES && a->va < STACK_TOP)
			x->stack_bytes += a->len;
		else if ((a->prot & LX_PROT_WRITE) && !(a->flags & AREA_SHARED))
			x->data_bytes += a->len;
	}
	x->rss_bytes = x->vm_bytes; /* every area is backed by memory when it is made */
	x->sig_pending = g->pending;
	x->sig_shared = g->shared;
	x->sig_blocked = g->mask;
	for (unsigned s = 1; s <= SIGNALS; s++) {
		if (g->act[s].handler == LX_SIG_IGN)
			x->sig_ignored |= 1ull << (s - 1);
		else if (g->act[s].handler != LX_SIG_DFL)
			x->sig_caught |= 1ull << (s - 1);
	}
}

static void maps_of(struct lxp_buf *b, const struct proc *g)
{
	const struct area *order[AREA_MAX];
	uint32_t n = 0;

	if (g->state == P_ZOMBIE)
		return;
	for (uint32_t i = 0; i < g->nareas; i++) { /* by address, as Linux lists them */
		uint32_t k = n++;
		while (k && order[k - 1]->va > g->area[i].va) {
			order[k] = order[k - 1];
			k--;
		}
		order[k] = &g->area[i];
	}
	for (uint32_t i = 0; i < n; i++) {
		const struct area *a = order[i];
		uint64_t off, end = a->va + a->len;
		const char *name = area_name(a, &off);
		/* Anonymous areas that meet with the same protection are one
		 * line, as Linux merges them: the stack's two areas, the heap's
		 * chunks. */
		while (!name && i + 1 < n && order[i + 1]->va == end &&
		       !area_name(order[i + 1], &off) && order[i + 1]->prot == a->prot &&
		       order[i + 1]->flags == a->flags)
			end += order[++i]->len;
		off = name ? off : 0;
		if (!name && a->va >= STACK_TOP - STACK_BYTES && a->va < STACK_TOP)
			name = "[stack]";
		else if (!name && (a->flags & AREA_HEAP))
			name = "[heap]";
		lxp_maps_line(b, a->va, end, a->prot, (a->flags & AREA_SHARED) != 0, off,
			      name && name[0] == '/' ? 1 : 0, name);
	}
}

static void mounts_of(struct lxp_buf *b)
{
	lxp_str(b, "rootfs / rootfs ro 0 0\n");
	lxp_str(b, "devtmpfs /dev devtmpfs rw 0 0\n");
	lxp_str(b, "proc /proc proc ro 0 0\n");
	if (session_grants & LINUX_GRANT_WORK)
		lxp_str(b, "vfsd /work vfsd rw 0 0\n");
	if (session_grants & LINUX_GRANT_TMP)
		lxp_str(b, "vfsd /tmp vfsd rw 0 0\n");
}

static void stat_global(struct lxp_buf *b)
{
	static uint64_t busy[64], idle[64];
	unsigned n = ncpus(), running = 0, blocked = 0;
	uint64_t up = (uint64_t)vx_clock();

	for (unsigned i = 0; i < n; i++) {
		int64_t id = vx_clock_idle(i);
		idle[i] = id > 0 ? (uint64_t)id : 0;
		busy[i] = up > idle[i] ? up - idle[i] : 0;
	}
	for (uint32_t i = 0; i < PROC_MAX; i++) {
		running += procs[i].state == P_RUN;
		blocked += procs[i].state == P_BLOCKED;
	}
	lxp_stat_global(b, n, busy, idle, boot_time(), forks, running, blocked);
}

static void global(struct lxp_buf *b, unsigned which)
{
	unsigned running = 0, total = 0;
	uint64_t idle = 0;

	switch (which) {
	case LXG_CPUINFO:
		lxp_cpuinfo(b, ncpus());
		break;
	case LXG_LOADAVG:
		for (uint32_t i = 0; i < PROC_MAX; i++) {
			running += procs[i].state == P_RUN;
			total += procs[i].state != P_FREE && procs[i].state != P_ZOMBIE;
		}
		lxp_loadavg(b, running, total, last_pid);
		break;
	case LXG_MEMINFO:
		/* linuxd's Reticle as its slabs: all Linux processes may have. */
		lxp_meminfo(b, (uint64_t)SLAB_MAX * SLAB_BYTES,
			    (uint64_t)slabs_free() * SLAB_BYTES);
		break;
	case LXG_MOUNTS:
		mounts_of(b);
		break;
	case LXG_STAT:
		stat_global(b);
		break;
	case LXG_UPTIME:
		for (unsigned i = 0, n = ncpus(); i < n; i++) {
			int64_t id = vx_clock_idle(i);
			idle += id > 0 ? (uint64_t)id : 0;
		}
		lxp_uptime(b, (uint64_t)vx_clock(), idle);
		break;
	default:
		lxp_str(b, "Linux version 6.1.0-vectraos (linuxd@vectra) #1 VectraOS linuxd\n");
		break;
	}
}

/* The text of n into b: 0, or -LX_ENOENT when its process is gone. */
static int text_of(const struct lxp_node *n, struct lxp_buf *b)
{
	struct lxp_proc x;
	struct proc *g;

	if (n->kind == LXP_GLOBAL) {
		global(b, n->which);
		return 0;
	}
	if (n->kind != LXP_PID_FILE || (g = procfs_proc(n->pid)) == NULL)
		return -LX_ENOENT;
	gather(g, &x);
	switch (n->which) {
	case LXF_COMM:
		lxp_str(b, g->comm);
		lxp_str(b, "\n");
		break;
	case LXF_MAPS:
		maps_of(b, g);
		break;
	case LXF_STAT:
		lxp_stat(b, &x);
		break;
	case LXF_STATM:
		lxp_statm(b, &x);
		break;
	case LXF_STATUS:
		lxp_status(b, &x);
		break;
	default:
		return -LX_ENOENT;
	}
	return 0;
}

int procfs_snap(const struct lxp_node *n)
{
	struct lxp_buf b;
	int k = -1, err;

	for (unsigned i = 0; i < PROCFS_SNAPS && k < 0; i++)
		if (!snap_used[i])
			k = (int)i;
	if (k < 0)
		return -LX_ENFILE;
	lxp_init(&b, snaps[k], PROCFS_SNAP_BYTES);
	if ((err = text_of(n, &b)) != 0)
		return err;
	if (b.over)
		return -LX_ENOMEM; /* cannot be: the bounds above hold; never cut short */
	snap_used[k] = true;
	snap_len[k] = (uint32_t)b.len;
	return k;
}

const char *procfs_snap_text(int snap, uint32_t *len)
{
	*len = snap_len[snap];
	return snaps[snap];
}

void procfs_snap_free(int snap)
{
	snap_used[snap] = false;
}

size_t procfs_cmdline(int pid, uint64_t off, void *dst, size_t n)
{
	struct proc *g = procfs_proc(pid);

	if (!g || g->state == P_ZOMBIE || g->arg_end <= g->arg_start)
		return 0;
	uint64_t len = g->arg_end - g->arg_start;
	if (off >= len)
		return 0;
	if (n > len - off)
		n = (size_t)(len - off);
	return copy_in(g, dst, g->arg_start + off, n) == 0 ? n : 0;
}

/* ---------------------------------------------------------- directories */

/*
 * Cursors.  /proc: 0..LXG_N-1 the global files, LXG_N "self", then
 * LXG_N + 1 + pid for each process in pid order (pids only grow, so a
 * listing that goes on after processes came and went skips none that
 * lived throughout).  /proc/PID: the index in lxp_pidfile_name.
 * /proc/PID/fd: the descriptor.
 */
bool procfs_next(const struct lxp_node *n, uint64_t *cursor, char *name, uint8_t *type)
{
	uint64_t c = *cursor;

	if (n->kind == LXP_ROOT) {
		if (c < LXG_N) {
			memcpy(name, lxp_global_name[c], strlen(lxp_global_name[c]) + 1);
			*type = LX_DT_REG;
			*cursor = c + 1;
			return true;
		}
		if (c == LXG_N) {
			memcpy(name, "self", 5);
			*type = LX_DT_LNK;
			*cursor = c + 1;
			return true;
		}
		int best = -1;
		for (uint32_t i = 0; i < PROC_MAX; i++) {
			const struct proc *q = &procs[i];
			if (q->state != P_FREE && q->grp == q &&
			    (uint64_t)q->pid + LXG_N + 1 >= c && (best < 0 || q->pid < best))
				best = q->pid;
		}
		if (best < 0)
			return false;
		decimal(name, best);
		*type = LX_DT_DIR;
		*cursor = (uint64_t)best + LXG_N + 2;
		return true;
	}
	struct proc *g = procfs_proc(n->pid);
	if (!g)
		return false;
	if (n->kind == LXP_PID) {
		if (c >= LXF_N)
			return false;
		memcpy(name, lxp_pidfile_name[c], strlen(lxp_pidfile_name[c]) + 1);
		*type = c == LXF_FDDIR		       ? LX_DT_DIR
			: c == LXF_CWD || c == LXF_EXE ? LX_DT_LNK
						       : LX_DT_REG;
		*cursor = c + 1;
		return true;
	}
	for (uint64_t fd = c; fd < LX_FD_MAX; fd++)
		if (lx_fd_get(&g->fds, (int)fd)) {
			decimal(name, (int)fd);
			*type = LX_DT_LNK;
			*cursor = fd + 1;
			return true;
		}
	return false;
}
