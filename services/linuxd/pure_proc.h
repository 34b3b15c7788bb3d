/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * linuxd's /proc (docs/POSIX.md, "/proc"): the names it holds and the text
 * of its files, in the formats Linux gives them (proc(5)).  Pure: no
 * syscalls, no allocation; linuxd gathers what it knows of a process into
 * a struct lxp_proc and these functions write the text.
 *
 * The tree:
 *   /proc              the global files below and a directory per process
 *   /proc/self         a link to /proc/PID, PID the caller's process
 *   /proc/PID/         cmdline comm cwd exe fd/ maps stat statm status
 *   /proc/PID/fd/N     a link per open descriptor
 *
 * Text goes into a struct lxp_buf, which never writes past its end and
 * remembers that it would have (over): a caller sizes the buffer by the
 * real bound of what it writes (LXP_*_MAX), and refuses a file that would
 * not fit rather than cutting it short.
 */
#ifndef LINUXD_PURE_PROC_H
#define LINUXD_PURE_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lxp_buf {
	char *p;
	size_t cap, len;
	bool over; /* something did not fit: the text is incomplete */
};

void lxp_init(struct lxp_buf *b, char *p, size_t cap);
void lxp_mem(struct lxp_buf *b, const void *s, size_t n);
void lxp_str(struct lxp_buf *b, const char *s);
/* v in decimal, right-aligned in width characters (0: as long as it is). */
void lxp_u64(struct lxp_buf *b, uint64_t v, unsigned width);
void lxp_i64(struct lxp_buf *b, int64_t v);
/* v in lower-case hex, zero-padded to width digits. */
void lxp_hex(struct lxp_buf *b, uint64_t v, unsigned width);
/* v hundredths as "I.FF". */
void lxp_cent(struct lxp_buf *b, uint64_t v);

/* ------------------------------------------------------------ names */

enum lxp_kind {
	LXP_ROOT = 1, /* /proc */
	LXP_SELF,     /* /proc/self: a link */
	LXP_GLOBAL,   /* /proc/NAME: which is an enum lxp_global */
	LXP_PID,      /* /proc/PID */
	LXP_PID_FILE, /* /proc/PID/NAME: which is an enum lxp_pidfile */
	LXP_FD,	      /* /proc/PID/fd/N */
};

enum lxp_global {
	LXG_CPUINFO,
	LXG_LOADAVG,
	LXG_MEMINFO,
	LXG_MOUNTS,
	LXG_STAT,
	LXG_UPTIME,
	LXG_VERSION,
	LXG_N
};

enum lxp_pidfile {
	LXF_CMDLINE,
	LXF_COMM,
	LXF_CWD, /* a link */
	LXF_EXE, /* a link */
	LXF_FDDIR,
	LXF_MAPS,
	LXF_STAT,
	LXF_STATM,
	LXF_STATUS,
	LXF_N
};

extern const char *const lxp_global_name[LXG_N];
extern const char *const lxp_pidfile_name[LXF_N];

struct lxp_node {
	enum lxp_kind kind;
	int pid;	/* LXP_PID, LXP_PID_FILE, LXP_FD */
	int fd;		/* LXP_FD */
	unsigned which; /* LXP_GLOBAL, LXP_PID_FILE */
};

/*
 * What rest (a path below /proc, normal, without its leading '/': "" for
 * /proc itself, "self", "42/fd/3") names, by its form alone: whether
 * process 42 or its descriptor 3 exists is the caller's to check.  A pid
 * or a descriptor is decimal without a leading zero, below 2^31.
 * Returns 0, -LX_ENOENT (no such name), or -LX_ENOTDIR (a name below a
 * file: "meminfo/x", "42/stat/x").  "self/..." is LXP_SELF's to follow:
 * the caller replaces "self" by the pid and asks again.
 */
int lxp_parse(const char *rest, struct lxp_node *n);

/* Whether kind names a directory, and whether a link. */
bool lxp_is_dir(const struct lxp_node *n);
bool lxp_is_link(const struct lxp_node *n);

/* ---------------------------------------------------- a process's files */

/* What linuxd knows of one process, for stat, statm and status. */
struct lxp_proc {
	int pid, ppid, pgid, sid, tpgid;
	char state;	      /* 'R', 'S' (waits in a call), 'T' (stopped), 'Z' */
	const char *comm;     /* at most 15 bytes */
	unsigned threads;     /* alive */
	uint32_t umask;	      /* 0..0777 */
	uint64_t vm_bytes;    /* every area */
	uint64_t rss_bytes;   /* the areas backed by memory: all of them here */
	uint64_t text_bytes;  /* executable areas */
	uint64_t data_bytes;  /* writable private areas but the stack */
	uint64_t stack_bytes; /* the stack's areas */
	uint64_t start_ticks; /* when it was made, in 1/100 s since boot */
	uint64_t sig_pending, sig_shared, sig_blocked, sig_ignored, sig_caught;
};

/* /proc/PID/stat: the 52 fields on one line; no longer than LXP_STAT_MAX. */
#define LXP_STAT_MAX 1024u
void lxp_stat(struct lxp_buf *b, const struct lxp_proc *p);
/* /proc/PID/statm: seven sizes in pages. */
void lxp_statm(struct lxp_buf *b, const struct lxp_proc *p);
/* /proc/PID/status: Linux's field names, in its order, those linuxd
 * knows; no longer than LXP_STATUS_MAX. */
#define LXP_STATUS_MAX 2048u
void lxp_status(struct lxp_buf *b, const struct lxp_proc *p);

/* One line of /proc/PID/maps: [start, end), prot (bit 0 read, 1 write,
 * 2 exec), shared, the file offset, the inode, and a name (NULL: none).
 * At most LXP_MAPS_FIXED bytes plus the name's. */
#define LXP_MAPS_FIXED 96u
void lxp_maps_line(struct lxp_buf *b, uint64_t start, uint64_t end, uint32_t prot, bool shared,
		   uint64_t off, uint64_t ino, const char *name);

/* ------------------------------------------------------- global files */

/* /proc/meminfo from a total and a free size in bytes. */
void lxp_meminfo(struct lxp_buf *b, uint64_t total, uint64_t free);
/* /proc/uptime: the uptime and the idle time summed over the CPUs (ns). */
void lxp_uptime(struct lxp_buf *b, uint64_t up_ns, uint64_t idle_ns);
/* /proc/loadavg: no load average is measured (0.00); running and total
 * threads, and the last pid given out. */
void lxp_loadavg(struct lxp_buf *b, unsigned running, unsigned total, int last_pid);
/* /proc/stat for ncpu CPUs (at most 64): each one's busy and idle time
 * (ns, since boot), the boot time (s since the epoch), the processes
 * made since boot, the threads running and blocked.  Each CPU's busy time
 * is counted as user time: linuxd cannot split it.  At most
 * LXP_STAT_GLOBAL_MAX bytes. */
#define LXP_STAT_GLOBAL_MAX (512u + 65u * 96u)
void lxp_stat_global(struct lxp_buf *b, unsigned ncpu, const uint64_t *busy_ns,
		     const uint64_t *idle_ns, uint64_t btime, uint64_t forks, unsigned running,
		     unsigned blocked);
/* /proc/cpuinfo: a "processor" paragraph per CPU (at most 64). */
#define LXP_CPUINFO_MAX (64u * 64u)
void lxp_cpuinfo(struct lxp_buf *b, unsigned ncpu);

#endif
