// SPDX-License-Identifier: BSD-3-Clause
/*
 * The Linux syscall table, its dispatch and the calls that belong to no
 * subsystem of their own (identity, time, limits, randomness).  A number
 * with no entry answers ENOSYS and is logged once, by name and number;
 * every call is counted, served or refused (LINUX_STATS).
 */
#include "linuxd.h"
#include "posix/errno.h"
#include "posix/thread.h"
#include "client/rng.h"
#include "vectra/proto/linux.h"
#include "vectra/proto/rng.h"
#include "client/rtc.h"
#include "crypto/ct.h"
#include "vx_string.h"

typedef int64_t (*sys_fn)(struct proc *p, const uint64_t *a);

static uint64_t served[SYS_NR_MAX], refused[SYS_NR_MAX];

void sys_count(uint64_t nr, bool ok)
{
	uint64_t i = nr < SYS_NR_MAX ? nr : SYS_NR_MAX - 1;

	if (ok)
		served[i]++;
	else
		refused[i]++;
}

int sys_stats(uint32_t index, struct linux_stat_row *row)
{
	memset(row, 0, sizeof(*row));
	if (index == LINUX_STATS_TOTAL) {
		for (uint32_t i = 0; i < SYS_NR_MAX; i++)
			row->served += served[i], row->refused += refused[i];
		for (uint32_t i = 0; i < PROC_MAX; i++) /* processes, not their threads */
			row->nr += procs[i].state != P_FREE && procs[i].grp == &procs[i];
		row->slabs = slabs_of_procs();
		return VX_OK;
	}
	for (uint32_t i = 0; i < SYS_NR_MAX; i++) {
		if (!served[i] && !refused[i])
			continue;
		if (index-- == 0) {
			row->nr = i;
			row->served = served[i];
			row->refused = refused[i];
			return VX_OK;
		}
	}
	return VX_E_NOTFOUND;
}

/* ------------------------------------------------------------- identity */

static int64_t sys_getpid(struct proc *p, const uint64_t *a)
{
	(void)a;
	return p->grp->pid; /* the process's: its first thread's id */
}

static int64_t sys_gettid(struct proc *p, const uint64_t *a)
{
	(void)a;
	return p->pid;
}

static int64_t sys_getppid(struct proc *p, const uint64_t *a)
{
	(void)a;
	return p->grp->ppid;
}

static int64_t sys_zero(struct proc *p, const uint64_t *a)
{
	(void)p;
	(void)a;
	return 0;
}

/* Everyone is root: the real, effective and saved ids are all 0. */
static int64_t sys_getresid(struct proc *p, const uint64_t *a)
{
	uint32_t zero = 0;

	for (int i = 0; i < 3; i++)
		if (copy_out(p, a[i], &zero, 4) != 0)
			return -LX_EFAULT;
	return 0;
}

static int64_t sys_getgroups(struct proc *p, const uint64_t *a)
{
	(void)p;
	return (int64_t)a[0] < 0 ? -LX_EINVAL : 0; /* no supplementary groups */
}

static int64_t sys_getpgrp(struct proc *p, const uint64_t *a)
{
	(void)a;
	return p->grp->pgid;
}

static int64_t sys_getsid(struct proc *p, const uint64_t *a)
{
	struct proc *t = (int)a[0] ? proc_find((int)a[0]) : p->grp; /* a pid_t: an int */

	return t ? t->sid : -LX_ESRCH;
}

/* The word the thread's exit zeroes and wakes (pthread_join waits on it). */
static int64_t sys_set_tid_address(struct proc *p, const uint64_t *a)
{
	p->clear_tid = a[0];
	return p->pid;
}

static int64_t sys_arch_prctl(struct proc *p, const uint64_t *a)
{
	switch (a[0]) {
	case LX_ARCH_SET_FS:
		if (a[1] >= VX_USER_END)
			return -LX_EPERM;
		p->regs.fs_base = a[1];
		return 0;
	case LX_ARCH_GET_FS:
		return copy_out(p, a[1], &p->regs.fs_base, 8);
	default:
		return -LX_EINVAL; /* GS and CET: not kept */
	}
}

static int64_t sys_uname(struct proc *p, const uint64_t *a)
{
	struct lx_utsname u;

	memset(&u, 0, sizeof(u));
	memcpy(u.sysname, "Linux", sizeof("Linux"));
	memcpy(u.nodename, "vectra", sizeof("vectra"));
	memcpy(u.release, "6.1.0-vectraos", sizeof("6.1.0-vectraos"));
	memcpy(u.version, "#1 VectraOS linuxd", sizeof("#1 VectraOS linuxd"));
	memcpy(u.machine, "x86_64", sizeof("x86_64"));
	memcpy(u.domainname, "(none)", sizeof("(none)"));
	return copy_out(p, a[0], &u, sizeof(u));
}

/* The process's mask, kept over fork and exec; the old one is returned. */
static int64_t sys_umask(struct proc *p, const uint64_t *a)
{
	uint32_t old = p->grp->umask;

	p->grp->umask = (uint32_t)a[0] & 0777;
	return old;
}

/* ---------------------------------------------------------------- limits */

static void rlimit_of(uint32_t res, struct lx_rlimit *r)
{
	r->rlim_cur = r->rlim_max = LX_RLIM_INFINITY;
	if (res == LX_RLIMIT_NOFILE)
		r->rlim_cur = r->rlim_max = LX_FD_MAX;
	else if (res == LX_RLIMIT_STACK)
		r->rlim_cur = r->rlim_max = STACK_BYTES;
	else if (res == LX_RLIMIT_NPROC)
		r->rlim_cur = r->rlim_max = PROC_LIMIT;
}

static int64_t sys_prlimit64(struct proc *p, const uint64_t *a)
{
	struct lx_rlimit r;
	int pid = (int)a[0]; /* a pid_t: an int */

	if (pid && pid != p->pid && pid != p->grp->pid)
		return -LX_ESRCH;
	if (a[1] >= LX_RLIM_NLIMITS)
		return -LX_EINVAL;
	if (a[2] && copy_in(p, &r, a[2], sizeof(r)) != 0)
		return -LX_EFAULT;
	rlimit_of((uint32_t)a[1], &r);
	if (a[3] && copy_out(p, a[3], &r, sizeof(r)) != 0)
		return -LX_EFAULT;
	return 0; /* a new limit is accepted and not enforced beyond ours */
}

static int64_t sys_getrlimit(struct proc *p, const uint64_t *a)
{
	uint64_t b[4] = {0, a[0], 0, a[1]};

	if (a[1] == 0)
		return -LX_EFAULT; /* getrlimit's pointer is not optional */
	return sys_prlimit64(p, b);
}

static int64_t sys_getrusage(struct proc *p, const uint64_t *a)
{
	struct lx_rusage r;

	memset(&r, 0, sizeof(r));
	return copy_out(p, a[1], &r, sizeof(r));
}

static int64_t sys_sysinfo(struct proc *p, const uint64_t *a)
{
	struct lx_sysinfo s;

	memset(&s, 0, sizeof(s));
	s.uptime = (int64_t)(linux_now() / 1000000000ull);
	s.totalram = (uint64_t)SLAB_MAX * SLAB_BYTES;
	s.freeram = (uint64_t)slabs_free() * SLAB_BYTES;
	for (uint32_t i = 0; i < PROC_MAX; i++)
		s.procs += procs[i].state != P_FREE;
	s.mem_unit = 1;
	return copy_out(p, a[0], &s, sizeof(s));
}

/* ------------------------------------------------------------------ time */

/* CLOCK_REALTIME is the monotonic clock plus wall_offset: what rtcd's
 * CMOS clock said at linuxd's start (sys_set_rtc), less the monotonic
 * clock then.  Without rtcd, the start of 2026 plus the uptime. */
#define EPOCH_2026 1767225600ull
static uint64_t wall_offset = EPOCH_2026 * 1000000000ull;

uint64_t boot_time(void)
{
	return wall_offset / 1000000000ull;
}

void sys_set_rtc(struct vx_client *c);
void sys_set_rtc(struct vx_client *c)
{
	uint64_t off;

	if (vx_rtc_client_offset(c, &off, (uint64_t)vx_clock() + 2000000000ull) == VX_OK)
		wall_offset = off;
}

/*
 * A clock id as Linux takes it: an int, so the upper half of the register
 * is not looked at.  Every clock up to CLOCK_BOOTTIME can be read, and
 * CLOCK_TAI (the wall clock: no leap-second offset is ever set here); a
 * sleep is on CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_TAI
 * or the process's CPU clock, and on another known clock EOPNOTSUPP.  The
 * alarm clocks need an RTC alarm linuxd has not (EINVAL), and negative
 * ids (another process's CPU clocks) are EINVAL.
 */
static int clock_id(uint64_t reg, bool sleep)
{
	int32_t id = (int32_t)reg;

	switch (id) {
	case LX_CLOCK_REALTIME:
	case LX_CLOCK_MONOTONIC:
	case LX_CLOCK_PROCESS_CPUTIME_ID:
	case LX_CLOCK_BOOTTIME:
	case LX_CLOCK_TAI:
		return id;
	case LX_CLOCK_THREAD_CPUTIME_ID:
	case LX_CLOCK_MONOTONIC_RAW:
	case LX_CLOCK_REALTIME_COARSE:
	case LX_CLOCK_MONOTONIC_COARSE:
		return sleep ? -LX_EOPNOTSUPP : id;
	default:
		return -LX_EINVAL;
	}
}

static void clock_of(uint32_t id, struct lx_timespec *ts)
{
	uint64_t ns = (uint64_t)vx_clock();

	if (id == LX_CLOCK_REALTIME || id == LX_CLOCK_REALTIME_COARSE || id == LX_CLOCK_TAI)
		ns += wall_offset;
	ts->tv_sec = (int64_t)(ns / 1000000000ull);
	ts->tv_nsec = (int64_t)(ns % 1000000000ull);
}

static int64_t sys_clock_gettime(struct proc *p, const uint64_t *a)
{
	struct lx_timespec ts;
	int id = clock_id(a[0], false);

	if (id < 0)
		return id;
	clock_of((uint32_t)id, &ts);
	return copy_out(p, a[1], &ts, sizeof(ts));
}

static int64_t sys_clock_getres(struct proc *p, const uint64_t *a)
{
	struct lx_timespec ts = {.tv_sec = 0, .tv_nsec = 1};
	int id = clock_id(a[0], false);

	if (id < 0)
		return id;
	return a[1] ? copy_out(p, a[1], &ts, sizeof(ts)) : 0;
}

static int64_t sys_gettimeofday(struct proc *p, const uint64_t *a)
{
	struct lx_timespec ts;
	struct lx_timeval tv;

	clock_of(LX_CLOCK_REALTIME, &ts);
	tv.tv_sec = ts.tv_sec;
	tv.tv_usec = ts.tv_nsec / 1000;
	if (a[1] && copy_out(p, a[1], &(uint64_t){0}, 8) != 0) /* tz: UTC, no DST */
		return -LX_EFAULT;
	return a[0] ? copy_out(p, a[0], &tv, sizeof(tv)) : 0;
}

static int64_t sys_time(struct proc *p, const uint64_t *a)
{
	struct lx_timespec ts;

	clock_of(LX_CLOCK_REALTIME, &ts);
	if (a[0] && copy_out(p, a[0], &ts.tv_sec, 8) != 0)
		return -LX_EFAULT;
	return ts.tv_sec;
}

/* Sleeps by not resuming: p->wake_at is set at the first try. */
static int64_t sleep_for(struct proc *p, const struct lx_timespec *ts)
{
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000)
		return -LX_EINVAL;
	if (p->wake_at == 0) {
		uint64_t s = ts->tv_sec > 1000000000 ? 1000000000 : (uint64_t)ts->tv_sec;
		p->wake_at = linux_now() + s * 1000000000ull + (uint64_t)ts->tv_nsec + 1;
	}
	return linux_now() >= p->wake_at ? 0 : SYS_BLOCK;
}

static int64_t sys_nanosleep(struct proc *p, const uint64_t *a)
{
	struct lx_timespec ts;

	if (copy_in(p, &ts, a[0], sizeof(ts)) != 0)
		return -LX_EFAULT;
	return sleep_for(p, &ts);
}

/* As Linux: the clock, then the time read, then the time checked, and
 * only then an absolute time made relative (an invalid one is EINVAL,
 * never a time already past). */
static int64_t sys_clock_nanosleep(struct proc *p, const uint64_t *a)
{
	struct lx_timespec ts;
	int id = clock_id(a[0], true);

	if (id < 0)
		return id;
	if (copy_in(p, &ts, a[2], sizeof(ts)) != 0)
		return -LX_EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
		return -LX_EINVAL;
	if ((a[1] & LX_TIMER_ABSTIME) && p->wake_at == 0) { /* a run again has its deadline */
		struct lx_timespec now;
		clock_of((uint32_t)id, &now);
		if (ts.tv_sec > now.tv_sec + 1000000000)
			ts.tv_sec = now.tv_sec + 1000000000; /* as sleep_for: 31 years at most */
		int64_t d = (ts.tv_sec - now.tv_sec) * 1000000000 + (ts.tv_nsec - now.tv_nsec);
		if (d < 0)
			d = 0;
		ts.tv_sec = d / 1000000000;
		ts.tv_nsec = d % 1000000000;
	}
	return sleep_for(p, &ts);
}

/* ------------------------------------------------------------- the rest */

static struct vx_client *rng;
void sys_set_rng(struct vx_client *c);
void sys_set_rng(struct vx_client *c)
{
	rng = c;
}

/*
 * Random bytes from rngd (its Standard level) into the process's memory
 * at va: for getrandom and for reads of /dev/urandom and /dev/random.  At
 * most RANDOM_MAX bytes a call, asked for RNG_GET_MAX at a time (so up to
 * 256, what Linux promises whole, always come whole); as Linux, what fits
 * before a fault is given and counted, and nothing at all is EFAULT.
 */
#define RANDOM_MAX 4096u
int64_t random_out(struct proc *p, uint64_t va, size_t n, bool nonblock)
{
	uint8_t buf[RNG_GET_MAX];
	size_t done = 0;

	if (n > RANDOM_MAX)
		n = RANDOM_MAX;
	if (n && !rng)
		return -LX_ENOSYS;
	while (done < n) {
		size_t want = n - done < sizeof(buf) ? n - done : sizeof(buf);
		int rc = vx_rng_client_get(rng, RNG_LEVEL_STANDARD, buf, want,
					   (uint64_t)vx_clock() + 2000000000ull);
		if (rc != VX_OK)
			return done ? (int64_t)done : nonblock ? -LX_EAGAIN : -LX_EIO;
		for (size_t got = 0; got < want;) {
			size_t k = want - got;
			uint8_t *d = user_span(p, va + done + got, &k, true);
			if (!d) {
				vx_wipe(buf, sizeof(buf));
				done += got;
				return done ? (int64_t)done : -LX_EFAULT;
			}
			memcpy(d, buf + got, k);
			got += k;
		}
		done += want;
	}
	vx_wipe(buf, sizeof(buf));
	return (int64_t)n;
}

static int64_t sys_getrandom(struct proc *p, const uint64_t *a)
{
	uint32_t flags = (uint32_t)a[2];

	if (a[2] & ~(uint64_t)(LX_GRND_NONBLOCK | LX_GRND_RANDOM | LX_GRND_INSECURE))
		return -LX_EINVAL;
	if ((flags & LX_GRND_INSECURE) && (flags & LX_GRND_RANDOM))
		return -LX_EINVAL; /* as Linux: one source or the other */
	return random_out(p, a[0], a[1] > 0x1ffffff ? 0x1ffffff : (size_t)a[1],
			  (flags & LX_GRND_NONBLOCK) != 0);
}

/*
 * futex: FUTEX_WAIT, FUTEX_WAKE and their _BITSET forms, private or not
 * (every futex here is private to one address space: a word in memory
 * that fork shares, MAP_SHARED, is not a meeting point across processes).
 * The queue is posix/thread.h's, keyed by the process and the address.  A
 * wait blocks its call (SYS_BLOCK) once queued, and every run after the
 * first only looks whether it was woken or timed out; its deadline is
 * wake_at, which the main loop keeps.  The call's end, however it ends
 * (a signal's EINTR too), takes it off the queue (sys_dispatch).
 */
static struct lx_futexq futexq;

void futex_forget(struct proc *p)
{
	lx_futex_cancel(&futexq, (unsigned)(p - procs));
}

int futex_wake_word(struct proc *g, uint64_t uaddr, int n)
{
	int k = lx_futex_wake(&futexq, g->grp->pid, uaddr, LX_FUTEX_BITSET_ANY, n);

	if (k)
		wake_all();
	return k;
}

/* May a shared (not FUTEX_PRIVATE) futex word be at uaddr?  Linux takes
 * a key on its page: a read-only anonymous page has none (EFAULT); a
 * file's or the program's text has. */
static bool shared_word(struct proc *p, uint64_t uaddr)
{
	struct area *ar = area_find(p, uaddr);

	if (!ar || !(ar->prot & LX_PROT_READ))
		return false;
	return (ar->prot & LX_PROT_WRITE) || ar->text || (ar->flags & AREA_FILE);
}

static int64_t sys_futex(struct proc *p, const uint64_t *a)
{
	struct lx_futex_op op;
	unsigned who = (unsigned)(p - procs);
	uint64_t uaddr = a[0], deadline = 0;
	uint32_t v, bitset = LX_FUTEX_BITSET_ANY;
	int rc = lx_futex_decode((uint32_t)a[1], &op);

	if (rc)
		return rc;
	if (op.cmd == LX_FUTEX_WAIT_BITSET || op.cmd == LX_FUTEX_WAKE_BITSET)
		bitset = (uint32_t)a[5];
	if (op.cmd == LX_FUTEX_WAIT || op.cmd == LX_FUTEX_WAIT_BITSET) {
		int st = lx_futex_state(&futexq, who);
		if (st == LX_FUTEX_WOKEN)
			return 0;
		if (st == LX_FUTEX_QUEUED)
			return p->wake_at && linux_now() >= p->wake_at ? -LX_ETIMEDOUT : SYS_BLOCK;
	}
	if ((uaddr & 3) || bitset == 0)
		return -LX_EINVAL;
	if (op.cmd == LX_FUTEX_WAKE || op.cmd == LX_FUTEX_WAKE_BITSET) {
		/* As Linux: a private word is not read, only its address
		 * checked; a shared one must be mapped, and anonymous memory
		 * writable. */
		if ((a[1] & LX_FUTEX_PRIVATE_FLAG) ? uaddr + 4 > VX_MAP_END
						   : !shared_word(p, uaddr))
			return -LX_EFAULT;
		int k = lx_futex_wake(&futexq, p->grp->pid, uaddr, bitset, (int)a[2]);
		if (k)
			wake_all();
		return k;
	}
	if (a[3]) { /* the timeout first, as Linux reads it */
		struct lx_timespec ts;
		if (copy_in(p, &ts, a[3], sizeof(ts)) != 0)
			return -LX_EFAULT;
		if ((rc = lx_futex_deadline(&op, &ts, linux_now(), wall_offset, &deadline)) != 0)
			return rc;
	}
	if (copy_in(p, &v, uaddr, 4) != 0)
		return -LX_EFAULT;
	if (v != (uint32_t)a[2])
		return -LX_EAGAIN;
	if (deadline && deadline <= linux_now())
		return -LX_ETIMEDOUT;
	lx_futex_enqueue(&futexq, who, p->grp->pid, uaddr, bitset);
	p->wake_at = deadline;
	return SYS_BLOCK;
}

static int64_t sys_sigaltstack(struct proc *p, const uint64_t *a)
{
	struct lx_stack st;

	if (a[0] && copy_in(p, &st, a[0], sizeof(st)) != 0)
		return -LX_EFAULT;
	memset(&st, 0, sizeof(st));
	st.ss_flags = LX_SS_DISABLE;
	if (a[1] && copy_out(p, a[1], &st, sizeof(st)) != 0)
		return -LX_EFAULT;
	return 0; /* an alternate stack is accepted and not used */
}

static int64_t sys_prctl(struct proc *p, const uint64_t *a)
{
	char name[16];

	switch (a[0]) {
	case LX_PR_SET_NAME:
		if (copy_str(p, name, a[1], sizeof(name)) < 0 && copy_in(p, name, a[1], 15) != 0)
			return -LX_EFAULT;
		name[15] = 0;
		memcpy(p->grp->comm, name, sizeof(name));
		return 0;
	case LX_PR_GET_NAME:
		return copy_out(p, a[1], p->grp->comm, sizeof(p->grp->comm));
	default:
		return -LX_EINVAL;
	}
}

/* The robust-futex list: never walked (a thread that dies holding a robust
 * mutex leaves it held); its length must still be the kernel's struct (24
 * bytes). */
static int64_t sys_set_robust_list(struct proc *p, const uint64_t *a)
{
	(void)p;
	return a[1] == 24 ? 0 : -LX_EINVAL;
}

/*
 * rseq(rseq, len, flags, sig): glibc registers one at every start.  The
 * rules and errors are Linux's; the struct is 32 bytes, 32-aligned, and
 * each thread registers its own (p is the thread).  linuxd never shows a
 * thread its CPU, so cpu_id_start and cpu_id say 0 for good, and no
 * critical section is
 * ever aborted (a signal handler that enters the same one is the only
 * case Linux would abort, and docs/POSIX.md says so).
 */
static int64_t sys_rseq(struct proc *p, const uint64_t *a)
{
	uint64_t va = a[0];
	uint32_t len = (uint32_t)a[1], sig = (uint32_t)a[3];
	int flags = (int)a[2];

	if (flags & ~LX_RSEQ_FLAG_UNREGISTER)
		return -LX_EINVAL;
	if (flags & LX_RSEQ_FLAG_UNREGISTER) {
		if (p->rseq_va != va || len != LX_RSEQ_SIZE)
			return -LX_EINVAL;
		if (sig != p->rseq_sig)
			return -LX_EPERM;
		p->rseq_va = 0;
		return 0;
	}
	if (p->rseq_va) {
		if (p->rseq_va != va || len != LX_RSEQ_SIZE)
			return -LX_EINVAL;
		return sig != p->rseq_sig ? -LX_EPERM : -LX_EBUSY;
	}
	if ((va & (LX_RSEQ_SIZE - 1)) || len != LX_RSEQ_SIZE)
		return -LX_EINVAL;
	const uint32_t cpu[2] = {0, 0}; /* cpu_id_start, cpu_id */
	if (copy_out(p, va, cpu, sizeof(cpu)) != 0)
		return -LX_EFAULT;
	p->rseq_va = va;
	p->rseq_sig = sig;
	return 0;
}

static int64_t sys_sched_yield(struct proc *p, const uint64_t *a)
{
	(void)p;
	(void)a;
	return 0;
}

/* sched_getaffinity(pid, len, mask): every process may run on every CPU
 * the kernel has online (linuxd sets no affinity), which VX_SYS_CLOCK
 * tells by answering for CPU n.  As Linux with 64 CPUs' worth of mask: a
 * len that is not a whole number of longs, or is under one, is EINVAL;
 * 8 bytes are written and their count returned; pid 0 is the caller, and
 * a pid no process has is ESRCH. */
static int64_t sys_sched_getaffinity(struct proc *p, const uint64_t *a)
{
	uint64_t mask = 0, len = a[1];
	int32_t pid = (int32_t)a[0];

	if (len < sizeof(mask) || len % sizeof(mask))
		return -LX_EINVAL;
	if (pid < 0 || (pid != 0 && !proc_find(pid)))
		return -LX_ESRCH;
	for (uint32_t n = 0; n < 64 && vx_clock_idle(n) >= 0; n++)
		mask |= 1ull << n;
	if (copy_out(p, a[2], &mask, sizeof(mask)) != 0)
		return -LX_EFAULT;
	return sizeof(mask);
}

static const sys_fn table[SYS_NR_MAX] = {
    [LX_SYS_read] = sys_read,
    [LX_SYS_write] = sys_write,
    [LX_SYS_open] = sys_open,
    [LX_SYS_close] = sys_close,
    [LX_SYS_stat] = sys_stat,
    [LX_SYS_fstat] = sys_fstat,
    [LX_SYS_lstat] = sys_lstat,
    [LX_SYS_poll] = sys_poll,
    [LX_SYS_lseek] = sys_lseek,
    [LX_SYS_mmap] = sys_mmap,
    [LX_SYS_mprotect] = sys_mprotect,
    [LX_SYS_munmap] = sys_munmap,
    [LX_SYS_msync] = sys_msync,
    [LX_SYS_brk] = sys_brk,
    [LX_SYS_rt_sigaction] = sys_rt_sigaction,
    [LX_SYS_rt_sigprocmask] = sys_rt_sigprocmask,
    [LX_SYS_rt_sigreturn] = sys_rt_sigreturn,
    [LX_SYS_rt_sigsuspend] = sys_rt_sigsuspend,
    [LX_SYS_rt_sigpending] = sys_rt_sigpending,
    [LX_SYS_rt_sigtimedwait] = sys_rt_sigtimedwait,
    [LX_SYS_ioctl] = sys_ioctl,
    [LX_SYS_pread64] = sys_pread64,
    [LX_SYS_pwrite64] = sys_pwrite64,
    [LX_SYS_readv] = sys_readv,
    [LX_SYS_writev] = sys_writev,
    [LX_SYS_access] = sys_access,
    [LX_SYS_pipe] = sys_pipe,
    [LX_SYS_select] = sys_select,
    [LX_SYS_sched_yield] = sys_sched_yield,
    [LX_SYS_sched_getaffinity] = sys_sched_getaffinity,
    [LX_SYS_mremap] = sys_mremap,
    [LX_SYS_madvise] = sys_madvise,
    [LX_SYS_dup] = sys_dup,
    [LX_SYS_dup2] = sys_dup2,
    [LX_SYS_nanosleep] = sys_nanosleep,
    [LX_SYS_getpid] = sys_getpid,
    [LX_SYS_sendfile] = sys_sendfile,
    [LX_SYS_clone] = sys_clone,
    [LX_SYS_clone3] = sys_clone3,
    [LX_SYS_fork] = sys_fork,
    [LX_SYS_vfork] = sys_vfork,
    [LX_SYS_execve] = sys_execve,
    [LX_SYS_exit] = sys_exit,
    [LX_SYS_wait4] = sys_wait4,
    [LX_SYS_kill] = sys_kill,
    [LX_SYS_tkill] = sys_tkill,
    [LX_SYS_tgkill] = sys_tgkill,
    [LX_SYS_uname] = sys_uname,
    [LX_SYS_fcntl] = sys_fcntl,
    [LX_SYS_fsync] = sys_fsync,
    [LX_SYS_fdatasync] = sys_fsync,
    [LX_SYS_ftruncate] = sys_ftruncate,
    [LX_SYS_getcwd] = sys_getcwd,
    [LX_SYS_chdir] = sys_chdir,
    [LX_SYS_fchdir] = sys_fchdir,
    [LX_SYS_rename] = sys_rename,
    [LX_SYS_mkdir] = sys_mkdir,
    [LX_SYS_rmdir] = sys_rmdir,
    [LX_SYS_unlink] = sys_unlink,
    [LX_SYS_readlink] = sys_readlink,
    [LX_SYS_chmod] = sys_chmod,
    [LX_SYS_fchmod] = sys_fchmod,
    [LX_SYS_chown] = sys_chown,
    [LX_SYS_fchown] = sys_fchown,
    [LX_SYS_lchown] = sys_lchown,
    [LX_SYS_umask] = sys_umask,
    [LX_SYS_gettimeofday] = sys_gettimeofday,
    [LX_SYS_getrlimit] = sys_getrlimit,
    [LX_SYS_getrusage] = sys_getrusage,
    [LX_SYS_sysinfo] = sys_sysinfo,
    [LX_SYS_getuid] = sys_zero,
    [LX_SYS_getgid] = sys_zero,
    [LX_SYS_geteuid] = sys_zero,
    [LX_SYS_getegid] = sys_zero,
    [LX_SYS_setuid] = sys_zero,
    [LX_SYS_setgid] = sys_zero,
    [LX_SYS_setreuid] = sys_zero,
    [LX_SYS_setregid] = sys_zero,
    [LX_SYS_setresuid] = sys_zero,
    [LX_SYS_setresgid] = sys_zero,
    [LX_SYS_getresuid] = sys_getresid,
    [LX_SYS_getresgid] = sys_getresid,
    [LX_SYS_getgroups] = sys_getgroups,
    [LX_SYS_setgroups] = sys_zero,
    [LX_SYS_setpgid] = sys_setpgid,
    [LX_SYS_getppid] = sys_getppid,
    [LX_SYS_getpgrp] = sys_getpgrp,
    [LX_SYS_setsid] = sys_setsid,
    [LX_SYS_getpgid] = sys_getpgid,
    [LX_SYS_getsid] = sys_getsid,
    [LX_SYS_sigaltstack] = sys_sigaltstack,
    [LX_SYS_arch_prctl] = sys_arch_prctl,
    [LX_SYS_prctl] = sys_prctl,
    [LX_SYS_sync] = sys_zero,
    [LX_SYS_gettid] = sys_gettid,
    [LX_SYS_time] = sys_time,
    [LX_SYS_futex] = sys_futex,
    [LX_SYS_getdents64] = sys_getdents64,
    [LX_SYS_set_tid_address] = sys_set_tid_address,
    [LX_SYS_fadvise64] = sys_zero,
    [LX_SYS_clock_gettime] = sys_clock_gettime,
    [LX_SYS_clock_getres] = sys_clock_getres,
    [LX_SYS_clock_nanosleep] = sys_clock_nanosleep,
    [LX_SYS_exit_group] = sys_exit_group,
    [LX_SYS_openat] = sys_openat,
    [LX_SYS_mkdirat] = sys_mkdirat,
    [LX_SYS_newfstatat] = sys_newfstatat,
    [LX_SYS_unlinkat] = sys_unlinkat,
    [LX_SYS_renameat] = sys_renameat,
    [LX_SYS_readlinkat] = sys_readlinkat,
    [LX_SYS_faccessat] = sys_faccessat,
    [LX_SYS_faccessat2] = sys_faccessat,
    [LX_SYS_pselect6] = sys_pselect6,
    [LX_SYS_ppoll] = sys_ppoll,
    [LX_SYS_set_robust_list] = sys_set_robust_list,
    [LX_SYS_rseq] = sys_rseq,
    [LX_SYS_utimensat] = sys_utimensat,
    [LX_SYS_dup3] = sys_dup3,
    [LX_SYS_pipe2] = sys_pipe2,
    [LX_SYS_prlimit64] = sys_prlimit64,
    [LX_SYS_getrandom] = sys_getrandom,
    [LX_SYS_statx] = sys_statx,
};

struct proc *answer_owed, *answer_failed;

/* Writes p's registers back and lets it run. */
static void send_answer(struct proc *p)
{
	if (vx_task_regs(p->task, proc_regs_op(p, VX_REGS_RESUME), &p->regs) != VX_OK)
		proc_exit(p, LX_SIGSEGV); /* its registers cannot be had: it cannot go on */
}

/* p runs again: its answer is owed, and goes with the main loop's wait
 * unless another answer or an operation on p comes first. */
void sys_resume(struct proc *p)
{
	p->state = P_RUN;
	p->wake_at = 0;
	if (answer_owed && answer_owed != p)
		send_answer(answer_owed);
	answer_owed = p;
}

void sys_answer_now(struct proc *p)
{
	if (answer_owed != p)
		return;
	answer_owed = NULL;
	send_answer(p);
}

/* The main loop's wait (vx_server_wait_with): the owed answer and the
 * wait in one call.  A wake-up owed to a client (kick) needs a call of
 * its own, so then the answer goes first.  A process whose answer fails
 * is left to the main loop (answer_failed), outside the server's wait. */
int64_t sys_answer_and_wait(void *ctx, vx_handle_t kick, uint64_t mask, uint64_t deadline)
{
	struct proc *p = answer_owed;
	int64_t r;

	(void)ctx;
	answer_owed = NULL;
	if (p && kick != VX_NO_HANDLE &&
	    vx_task_regs(p->task, proc_regs_op(p, VX_REGS_RESUME), &p->regs) != VX_OK)
		answer_failed = p;
	if (kick != VX_NO_HANDLE)
		return vx_ring_notify_wait(kick, mask, deadline);
	if (!p)
		return vx_sig_wait(mask, deadline);
	r = vx_task_regs_wait(p->task, proc_regs_op(p, VX_REGS_RESUME_WAIT), &p->regs, mask,
			      deadline);
	if (r < 0) {
		answer_failed = p; /* refused whole: it was not resumed, and nothing waited */
		r = 0;
	}
	return r;
}

void sys_dispatch(struct proc *p)
{
	uint64_t nr = p->nr;
	const uint64_t a[6] = {p->regs.rdi, p->regs.rsi, p->regs.rdx,
			       p->regs.r10, p->regs.r8,	 p->regs.r9};
	int64_t r;

	/* A blocked call that a signal is waiting for gives up: EINTR (but a
	 * futex wait already woken returns 0, as Linux: its waker counted it). */
	if (p->state == P_BLOCKED && sig_ready(p) &&
	    lx_futex_state(&futexq, (unsigned)(p - procs)) != LX_FUTEX_WOKEN) {
		r = -LX_EINTR;
		sys_count(nr, true); /* served: a blocked call ends so */
	} else if (nr < SYS_NR_MAX && table[nr]) {
		r = table[nr](p, a);
		if (r == SYS_BLOCK) {
			p->state = P_BLOCKED;
			some_blocked = true;
			return;
		}
		sys_count(nr, r != -LX_ENOSYS);
	} else {
		log_once(nr);
		sys_count(nr, false);
		r = -LX_ENOSYS;
	}
	if (p->state == P_ZOMBIE || p->state == P_FREE || p->state == P_LEFT)
		return;
	futex_forget(p); /* the call is over: a futex wait with it */
	if (r != SYS_GONE)
		p->regs.rax = (uint64_t)r;
	if (!proc_deliver(p))
		return;
	sys_resume(p);
}

/* A process halted where it ran, for a signal: it takes it there. */
void sys_resume_after_signal(struct proc *p);
void sys_resume_after_signal(struct proc *p)
{
	if (proc_deliver(p))
		sys_resume(p);
}
/* The signal Linux sends for a fault: an x87 or SSE math error (#MF,
 * #XM) and a divide error are SIGFPE, an invalid opcode SIGILL, int3 and
 * a debug trap SIGTRAP; the rest (page faults, #GP) SIGSEGV. */
static int fault_signal(const struct vx_fault *f)
{
	if (f->kind == VX_FAULT_UD)
		return LX_SIGILL;
	if (f->kind == VX_FAULT_DE)
		return LX_SIGFPE;
	if (f->kind == VX_FAULT_OTHER && (f->code == 16 || f->code == 19))
		return LX_SIGFPE;
	if (f->kind == VX_FAULT_OTHER && (f->code == 1 || f->code == 3))
		return LX_SIGTRAP;
	return LX_SIGSEGV;
}

/* A process stopped on a fault that is not a syscall: the signal Linux
 * would send. */
void sys_fault(struct proc *p, const struct vx_fault *f);
void sys_fault(struct proc *p, const struct vx_fault *f)
{
	/* A write to memory fork shares: the copy is made now, and the
	 * instruction runs again. */
	if (f->kind == VX_FAULT_PAGE && (f->code & VX_PF_WRITE)) {
		struct area *a = area_find(p, f->addr);
		if (a && a->cow >= 0 && (a->prot & LX_PROT_WRITE)) {
			if (area_unshare(p, a) == 0) {
				sys_resume(p);
				return;
			}
			proc_exit(p, LX_SIGKILL); /* no memory for the copy */
			return;
		}
	}
	/* A thread can touch an area in the moment another thread's call
	 * maps it anew into every Task (a copy-on-write break, a change of
	 * protection), or after another thread broke its copy-on-write: the
	 * access its area allows runs again, a few times at most. */
	if (f->kind == VX_FAULT_PAGE && threads_alive(p->grp) > 1) {
		struct area *a = area_find(p, f->addr);
		uint32_t need = f->code & VX_PF_WRITE  ? LX_PROT_WRITE
				: f->code & VX_PF_EXEC ? LX_PROT_EXEC
						       : LX_PROT_READ;
		if (a && (a->prot & need) && p->refaults++ < REFAULT_MAX) {
			sys_resume(p);
			return;
		}
	}
	p->refaults = 0;
	int sig = fault_signal(f);

	if (p->grp->act[sig].handler <= LX_SIG_IGN || (p->mask & (1ull << (sig - 1)))) {
		proc_exit(p, sig); /* default, ignored or blocked: it dies of it (every thread) */
		return;
	}
	p->pending |= 1ull << (sig - 1);
	if (proc_deliver(p))
		sys_resume(p);
}
