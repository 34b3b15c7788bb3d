// SPDX-License-Identifier: BSD-3-Clause
/*
 * The names and the text of linuxd's /proc (pure_proc.h).
 */
#include "pure_proc.h"
#include "posix/fdtab.h"
#include "posix/linux.h"
#include "vx_string.h"

void lxp_init(struct lxp_buf *b, char *p, size_t cap)
{
	b->p = p;
	b->cap = cap;
	b->len = 0;
	b->over = false;
}

void lxp_mem(struct lxp_buf *b, const void *s, size_t n)
{
	if (n > b->cap - b->len) {
		n = b->cap - b->len;
		b->over = true;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

void lxp_str(struct lxp_buf *b, const char *s)
{
	lxp_mem(b, s, strlen(s));
}

void lxp_u64(struct lxp_buf *b, uint64_t v, unsigned width)
{
	char d[24];
	unsigned n = 0;

	do
		d[sizeof(d) - 1 - n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n < width && n < sizeof(d))
		d[sizeof(d) - 1 - n++] = ' ';
	lxp_mem(b, d + sizeof(d) - n, n);
}

void lxp_i64(struct lxp_buf *b, int64_t v)
{
	if (v < 0) {
		lxp_mem(b, "-", 1);
		lxp_u64(b, (uint64_t)0 - (uint64_t)v, 0);
	} else {
		lxp_u64(b, (uint64_t)v, 0);
	}
}

void lxp_hex(struct lxp_buf *b, uint64_t v, unsigned width)
{
	char d[16];
	unsigned n = 0;

	do
		d[sizeof(d) - 1 - n++] = "0123456789abcdef"[v & 15];
	while ((v >>= 4) != 0);
	while (n < width && n < sizeof(d))
		d[sizeof(d) - 1 - n++] = '0';
	lxp_mem(b, d + sizeof(d) - n, n);
}

void lxp_cent(struct lxp_buf *b, uint64_t v)
{
	lxp_u64(b, v / 100, 0);
	lxp_mem(b, ".", 1);
	lxp_mem(b, &"0123456789"[v % 100 / 10], 1);
	lxp_mem(b, &"0123456789"[v % 10], 1);
}

/* ------------------------------------------------------------ names */

const char *const lxp_global_name[LXG_N] = {
    [LXG_CPUINFO] = "cpuinfo", [LXG_LOADAVG] = "loadavg", [LXG_MEMINFO] = "meminfo",
    [LXG_MOUNTS] = "mounts",   [LXG_STAT] = "stat",	  [LXG_UPTIME] = "uptime",
    [LXG_VERSION] = "version",
};

const char *const lxp_pidfile_name[LXF_N] = {
    [LXF_CMDLINE] = "cmdline", [LXF_COMM] = "comm",   [LXF_CWD] = "cwd",
    [LXF_EXE] = "exe",	       [LXF_FDDIR] = "fd",    [LXF_MAPS] = "maps",
    [LXF_STAT] = "stat",       [LXF_STATM] = "statm", [LXF_STATUS] = "status",
};

/* A decimal number of [s, s + n): no sign, no leading zero, below 2^31. */
static int number(const char *s, size_t n)
{
	int64_t v = 0;

	if (n == 0 || n > 10 || (s[0] == '0' && n > 1))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v > 0x7fffffff ? -1 : (int)v;
}

/* The index of [s, s + n) in names[0..count), or -1. */
static int name_of(const char *const *names, unsigned count, const char *s, size_t n)
{
	for (unsigned i = 0; i < count; i++)
		if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0)
			return (int)i;
	return -1;
}

/* The length of the component at s. */
static size_t comp(const char *s)
{
	size_t n = 0;

	while (s[n] && s[n] != '/')
		n++;
	return n;
}

int lxp_parse(const char *rest, struct lxp_node *n)
{
	size_t l = comp(rest);
	const char *next = rest[l] ? rest + l + 1 : NULL;
	int k;

	memset(n, 0, sizeof(*n));
	if (l == 0) {
		n->kind = LXP_ROOT;
		return rest[0] ? -LX_ENOENT : 0;
	}
	if (l == 4 && memcmp(rest, "self", 4) == 0) {
		n->kind = LXP_SELF;
		return 0; /* below it: the caller follows the link */
	}
	if ((k = name_of(lxp_global_name, LXG_N, rest, l)) >= 0) {
		n->kind = LXP_GLOBAL;
		n->which = (unsigned)k;
		return next ? -LX_ENOTDIR : 0;
	}
	if ((n->pid = number(rest, l)) < 0)
		return -LX_ENOENT;
	n->kind = LXP_PID;
	if (!next)
		return 0;
	l = comp(next);
	if ((k = name_of(lxp_pidfile_name, LXF_N, next, l)) < 0)
		return -LX_ENOENT;
	n->kind = LXP_PID_FILE;
	n->which = (unsigned)k;
	if (!next[l])
		return 0;
	if (k != LXF_FDDIR)
		return k == LXF_CWD ? -LX_ENOENT : -LX_ENOTDIR; /* cwd: the caller follows */
	next += l + 1;
	l = comp(next);
	if ((n->fd = number(next, l)) < 0)
		return -LX_ENOENT;
	n->kind = LXP_FD;
	n->which = 0;
	return next[l] ? -LX_ENOTDIR : 0;
}

bool lxp_is_dir(const struct lxp_node *n)
{
	return n->kind == LXP_ROOT || n->kind == LXP_PID ||
	       (n->kind == LXP_PID_FILE && n->which == LXF_FDDIR);
}

bool lxp_is_link(const struct lxp_node *n)
{
	return n->kind == LXP_SELF || n->kind == LXP_FD ||
	       (n->kind == LXP_PID_FILE && (n->which == LXF_CWD || n->which == LXF_EXE));
}

/* ---------------------------------------------------- a process's files */

static void sp(struct lxp_buf *b)
{
	lxp_mem(b, " ", 1);
}

/* A field of stat: " v". */
static void f_u(struct lxp_buf *b, uint64_t v)
{
	sp(b);
	lxp_u64(b, v, 0);
}

void lxp_stat(struct lxp_buf *b, const struct lxp_proc *p)
{
	uint64_t pages = p->rss_bytes / 4096;

	lxp_i64(b, p->pid);
	lxp_str(b, " (");
	lxp_str(b, p->comm);
	lxp_str(b, ") ");
	lxp_mem(b, &p->state, 1);
	sp(b), lxp_i64(b, p->ppid);
	sp(b), lxp_i64(b, p->pgid);
	sp(b), lxp_i64(b, p->sid);
	f_u(b, 0x8800); /* tty_nr: the terminal, as /dev/ttyS0 */
	sp(b), lxp_i64(b, p->tpgid);
	f_u(b, 0x400000); /* flags: PF_RANDOMIZE as Linux shows it; nothing else */
	for (int i = 0; i < 8; i++)
		f_u(b, 0); /* faults, and the CPU times linuxd does not measure */
	f_u(b, 20);	   /* priority */
	f_u(b, 0);	   /* nice */
	f_u(b, p->threads);
	f_u(b, 0); /* itrealvalue */
	f_u(b, p->start_ticks);
	f_u(b, p->vm_bytes);
	f_u(b, pages);
	lxp_str(b, " 18446744073709551615"); /* rsslim: none */
	for (int i = 0; i < 5; i++)
		f_u(b, 0); /* startcode endcode startstack kstkesp kstkeip: not shown */
	f_u(b, p->sig_pending & 0x7fffffffu);
	f_u(b, p->sig_blocked & 0x7fffffffu);
	f_u(b, p->sig_ignored & 0x7fffffffu);
	f_u(b, p->sig_caught & 0x7fffffffu);
	for (int i = 0; i < 3; i++)
		f_u(b, 0); /* wchan nswap cnswap */
	f_u(b, 17);	   /* exit_signal: SIGCHLD */
	for (int i = 0; i < 14; i++)
		f_u(b, 0); /* processor .. exit_code */
	lxp_mem(b, "\n", 1);
}

void lxp_statm(struct lxp_buf *b, const struct lxp_proc *p)
{
	lxp_u64(b, p->vm_bytes / 4096, 0);
	f_u(b, p->rss_bytes / 4096);
	f_u(b, 0); /* shared */
	f_u(b, p->text_bytes / 4096);
	f_u(b, 0);
	f_u(b, (p->data_bytes + p->stack_bytes) / 4096);
	lxp_str(b, " 0\n");
}

/* "Name:\tv\n" */
static void row(struct lxp_buf *b, const char *name, const char *v)
{
	lxp_str(b, name);
	lxp_str(b, ":\t");
	lxp_str(b, v);
	lxp_mem(b, "\n", 1);
}

static void row_i(struct lxp_buf *b, const char *name, int64_t v)
{
	lxp_str(b, name);
	lxp_str(b, ":\t");
	lxp_i64(b, v);
	lxp_mem(b, "\n", 1);
}

static void row_kb(struct lxp_buf *b, const char *name, uint64_t bytes)
{
	lxp_str(b, name);
	lxp_str(b, ":\t");
	lxp_u64(b, bytes / 1024, 8);
	lxp_str(b, " kB\n");
}

static void row_hex(struct lxp_buf *b, const char *name, uint64_t v)
{
	lxp_str(b, name);
	lxp_str(b, ":\t");
	lxp_hex(b, v, 16);
	lxp_mem(b, "\n", 1);
}

static const char *state_name(char s)
{
	switch (s) {
	case 'R':
		return "R (running)";
	case 'S':
		return "S (sleeping)";
	case 'T':
		return "T (stopped)";
	default:
		return "Z (zombie)";
	}
}

void lxp_status(struct lxp_buf *b, const struct lxp_proc *p)
{
	char um[5] = {'0', (char)('0' + (p->umask >> 6 & 7)), (char)('0' + (p->umask >> 3 & 7)),
		      (char)('0' + (p->umask & 7)), 0};

	row(b, "Name", p->comm);
	row(b, "Umask", um);
	row(b, "State", state_name(p->state));
	row_i(b, "Tgid", p->pid);
	row_i(b, "Ngid", 0);
	row_i(b, "Pid", p->pid);
	row_i(b, "PPid", p->ppid);
	row_i(b, "TracerPid", 0);
	row(b, "Uid", "0\t0\t0\t0");
	row(b, "Gid", "0\t0\t0\t0");
	row_i(b, "FDSize", LX_FD_MAX);
	row(b, "Groups", "");
	row_i(b, "NStgid", p->pid);
	row_i(b, "NSpid", p->pid);
	row_i(b, "NSpgid", p->pgid);
	row_i(b, "NSsid", p->sid);
	if (p->state != 'Z') { /* as Linux: a zombie has no memory to show */
		row_kb(b, "VmPeak", p->vm_bytes);
		row_kb(b, "VmSize", p->vm_bytes);
		row_kb(b, "VmLck", 0);
		row_kb(b, "VmPin", 0);
		row_kb(b, "VmHWM", p->rss_bytes);
		row_kb(b, "VmRSS", p->rss_bytes);
		row_kb(b, "VmData", p->data_bytes);
		row_kb(b, "VmStk", p->stack_bytes);
		row_kb(b, "VmExe", p->text_bytes);
		row_kb(b, "VmLib", 0);
		row_kb(b, "VmSwap", 0);
	}
	row_i(b, "Threads", p->threads);
	row_hex(b, "SigPnd", p->sig_pending);
	row_hex(b, "ShdPnd", p->sig_shared);
	row_hex(b, "SigBlk", p->sig_blocked);
	row_hex(b, "SigIgn", p->sig_ignored);
	row_hex(b, "SigCgt", p->sig_caught);
	row_hex(b, "CapInh", 0);
	row_hex(b, "CapPrm", 0x1ffffffffffull);
	row_hex(b, "CapEff", 0x1ffffffffffull);
	row_hex(b, "CapBnd", 0x1ffffffffffull);
	row_hex(b, "CapAmb", 0);
	row_i(b, "NoNewPrivs", 0);
	row_i(b, "Seccomp", 0);
}

void lxp_maps_line(struct lxp_buf *b, uint64_t start, uint64_t end, uint32_t prot, bool shared,
		   uint64_t off, uint64_t ino, const char *name)
{
	char perm[5] = {prot & 1 ? 'r' : '-', prot & 2 ? 'w' : '-', prot & 4 ? 'x' : '-',
			shared ? 's' : 'p', 0};
	size_t at = b->len;

	lxp_hex(b, start, 8);
	lxp_mem(b, "-", 1);
	lxp_hex(b, end, 8);
	sp(b);
	lxp_str(b, perm);
	sp(b);
	lxp_hex(b, off, 8);
	lxp_str(b, ino ? " 00:01 " : " 00:00 ");
	lxp_u64(b, ino, 0);
	if (name && name[0]) {
		/* Linux pads the name to column 73 (25 + 2 * 8 + ... as it counts). */
		size_t col = b->len - at;
		do
			sp(b);
		while (++col < 73);
		lxp_str(b, name);
	}
	lxp_mem(b, "\n", 1);
}

/* ------------------------------------------------------- global files */

/* A line of meminfo: the name and its colon in 16 columns, the kB in 8. */
static void mem_row(struct lxp_buf *b, const char *name, uint64_t bytes)
{
	size_t n = strlen(name) + 1;

	lxp_str(b, name);
	lxp_mem(b, ":", 1);
	while (n++ < 16)
		sp(b);
	lxp_u64(b, bytes / 1024, 8);
	lxp_str(b, " kB\n");
}

void lxp_meminfo(struct lxp_buf *b, uint64_t total, uint64_t free)
{
	static const char *const zero[] = {"Buffers",	"Cached",    "SwapCached", "Active",
					   "Inactive",	"SwapTotal", "SwapFree",   "Dirty",
					   "Writeback", "Shmem"};

	mem_row(b, "MemTotal", total);
	mem_row(b, "MemFree", free);
	mem_row(b, "MemAvailable", free);
	for (unsigned i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
		mem_row(b, zero[i], 0);
}

void lxp_uptime(struct lxp_buf *b, uint64_t up_ns, uint64_t idle_ns)
{
	lxp_cent(b, up_ns / 10000000u);
	sp(b);
	lxp_cent(b, idle_ns / 10000000u);
	lxp_mem(b, "\n", 1);
}

void lxp_loadavg(struct lxp_buf *b, unsigned running, unsigned total, int last_pid)
{
	lxp_str(b, "0.00 0.00 0.00 ");
	lxp_u64(b, running, 0);
	lxp_mem(b, "/", 1);
	lxp_u64(b, total, 0);
	sp(b);
	lxp_i64(b, last_pid);
	lxp_mem(b, "\n", 1);
}

/* "cpuN user nice system idle iowait irq softirq steal guest guest_nice" */
static void cpu_line(struct lxp_buf *b, const char *name, uint64_t busy_ns, uint64_t idle_ns)
{
	lxp_str(b, name);
	f_u(b, busy_ns / 10000000u);
	f_u(b, 0);
	f_u(b, 0);
	f_u(b, idle_ns / 10000000u);
	lxp_str(b, " 0 0 0 0 0 0\n");
}

void lxp_stat_global(struct lxp_buf *b, unsigned ncpu, const uint64_t *busy_ns,
		     const uint64_t *idle_ns, uint64_t btime, uint64_t forks, unsigned running,
		     unsigned blocked)
{
	uint64_t busy = 0, idle = 0;
	char name[8] = "cpu";

	if (ncpu > 64)
		ncpu = 64;
	for (unsigned i = 0; i < ncpu; i++)
		busy += busy_ns[i], idle += idle_ns[i];
	cpu_line(b, "cpu ", busy, idle);
	for (unsigned i = 0; i < ncpu; i++) {
		unsigned k = 3;
		if (i >= 10)
			name[k++] = (char)('0' + i / 10);
		name[k++] = (char)('0' + i % 10);
		name[k] = 0;
		cpu_line(b, name, busy_ns[i], idle_ns[i]);
	}
	lxp_str(b, "intr 0\nctxt 0\nbtime ");
	lxp_u64(b, btime, 0);
	lxp_str(b, "\nprocesses ");
	lxp_u64(b, forks, 0);
	lxp_str(b, "\nprocs_running ");
	lxp_u64(b, running, 0);
	lxp_str(b, "\nprocs_blocked ");
	lxp_u64(b, blocked, 0);
	lxp_str(b, "\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n");
}

void lxp_cpuinfo(struct lxp_buf *b, unsigned ncpu)
{
	if (ncpu > 64)
		ncpu = 64;
	for (unsigned i = 0; i < ncpu; i++) {
		lxp_str(b, "processor\t: ");
		lxp_u64(b, i, 0);
		lxp_str(b, "\nvendor_id\t: unknown\nmodel name\t: unknown\n\n");
	}
}
