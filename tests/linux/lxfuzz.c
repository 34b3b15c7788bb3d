// SPDX-License-Identifier: BSD-3-Clause
/*
 * lxfuzz: a random, structure-aware Linux syscall fuzzer for linuxd (the
 * POSIX bridge, docs/POSIX.md).  It makes random system calls, most of
 * them ones linuxd serves, some it does not, with arguments built to mean
 * something: descriptors it opened (files, pipes, devices, directories),
 * descriptors it closed, huge numbers; pointers into its own memory, to
 * the last bytes of a mapping, to a read-only page, to a page that is not
 * mapped, to its own program text, into the kernel's half and past the
 * canonical hole; lengths 0, 1, a page less one, a page, huge, negative;
 * valid and random flags; paths that exist, do not, are too long, climb
 * with "..", are empty or run off the end of a mapping unterminated.
 *
 *   lxfuzz SEED COUNT [BATCH [trace]]
 *
 * The calls come in batches of BATCH_CALLS, each made by a child of its
 * own (forked afresh) from a generator seeded by SEED and the batch's
 * number, so a batch does the same calls every time, and a bad pointer
 * that kills the child (a signal handler at a garbage address, say) ends
 * one batch, not the run.  The parent makes no random call itself: it
 * forks, waits for each child (giving up on one that never ends, and
 * killing it), and says how each ended.  With BATCH, only that batch runs;
 * with "trace" every call is printed before it is made, for reducing a
 * finding.
 *
 * It prints "lxfuzz: seed S count N", "lxfuzz: K calls" every 1000 calls,
 * a line for each batch whose child did not exit 0, and at the end
 * "lxfuzz: done N calls in B batches: ...".  Nothing here can end the run
 * but the parent's own death: calls that would (exit, a fatal signal to
 * itself or its parent, execve, rt_sigreturn of garbage) are made only in
 * a grandchild whose end is expected, and no call can block for ever
 * (pipes are non-blocking, every timeout is short).
 *
 * The scratch directory is /tmp/lxfuzz: made, used by every batch and
 * removed again.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <asm/prctl.h>
#include <sys/uio.h>
#include <sys/time.h>
#include <termios.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "rawsys.h"

#define PAGE	    4096L
#define BATCH_CALLS 200 /* calls a child makes */
#define GRAND_CALLS 12	/* calls a forked grandchild makes */
#define POOL	    24	/* descriptors the generator keeps */
#define KIDS	    8	/* grandchildren a child keeps track of */
#define WAIT_ROUNDS 100 /* the parent's looks at a child before it kills it */
#define SCRATCH	    "/tmp/lxfuzz"

/* ---------------------------------------------------------------- plumbing */

/* A call that may make a new thread or process sharing our memory (clone,
 * clone3, vfork): the new one exits at once, touching no memory, not even
 * its stack. */
static long sc_spawn(long n, long a1, long a2, long a3, long a4, long a5)
{
	long r;
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;

	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "mov $60, %%eax\n\t"
			 "xor %%edi, %%edi\n\t"
			 "syscall\n\t"
			 "ud2\n"
			 "1:"
			 : "=a"(r)
			 : "a"(n), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8)
			 : "rcx", "r11", "memory");
	return r;
}

/* rt_sigreturn from a frame of whatever is at sp (a grandchild only). */
static void sc_sigreturn_at(void *sp)
{
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "mov $15, %%eax\n\t"
			 "syscall\n\t"
			 "mov $231, %%eax\n\t"
			 "mov $77, %%edi\n\t"
			 "syscall\n\t"
			 "ud2"
			 :
			 : "r"(sp)
			 : "memory");
	__builtin_unreachable();
}

/* The restorer a handler returns through. */
extern void lxfuzz_restorer(void);
__asm__(".text\n"
	"lxfuzz_restorer:\n\t"
	"mov $15, %eax\n\t"
	"syscall\n\t"
	"ud2\n");

/* What the parent sees of a child's progress: in MAP_SHARED memory. */
struct shared {
	volatile long calls;	/* calls made by this batch's child so far */
	volatile long nr;	/* the last call's number */
	volatile long args[6];	/* and its arguments */
	volatile long in_grand; /* the last call was a grandchild's */
};
static struct shared *sh;

/* ---------------------------------------------------------------- the PRNG */

static uint64_t rs;

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rnd(void)
{
	return splitmix(&rs);
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static int chance(int one_in)
{
	return below((uint64_t)one_in) == 0;
}

#define PICK(arr) ((arr)[below(sizeof(arr) / sizeof((arr)[0]))])

/* ------------------------------------------------------------- the world */

/*
 * One mapping made before the first fork, so every child starts alike:
 *   pages 0-7    buf: buffers and structures the calls read and write
 *   page 8       ro: read-only, "/etc/hostname" at its start
 *   page 9       the last mapped page; edge is its end
 *   page 10      hole: not mapped
 *   pages 11-26  zone: what mmap, munmap, mprotect and mremap play with
 *   page 27      not mapped
 */
static char *buf, *ro, *edge, *hole, *zone;
#define BUF_BYTES  (8 * PAGE)
#define ZONE_PAGES 16

static int depth; /* 0 in a batch's child, 1 in a grandchild */
static int trace_fd = -1;
static long kids[KIDS];
static int pool[POOL];
static int npool;
static int closed_fd; /* a descriptor that was open and is closed */

static const char *const paths[] = {
    SCRATCH "/a",
    SCRATCH "/b",
    SCRATCH "/c",
    SCRATCH "/d",
    SCRATCH "/d/e",
    SCRATCH "/d/../c",
    SCRATCH "/a/x",
    SCRATCH "/missing/x",
    SCRATCH "//b/",
    SCRATCH "/./d/e/",
    SCRATCH,
    "a",
    "d/e",
    "/",
    "/etc",
    "/etc/hostname",
    "/etc/hostname/",
    "/bin/sh",
    "/bin/busybox",
    "/dev",
    "/dev/null",
    "/dev/zero",
    "/dev/urandom",
    "/proc/self/exe",
    "/nonexistent",
    "/../../etc/hostname",
    "/tmp/../..",
    ".",
    "..",
    "",
};

/* --------------------------------------------------------------- the calls */

static const char *name_of(long nr);

static void trace(long nr, const long *a)
{
	char line[200];
	int n;

	if (trace_fd < 0)
		return;
	n = snprintf(line, sizeof(line), "lxfuzz: %s#%ld %s(%lx, %lx, %lx, %lx, %lx, %lx)\n",
		     depth ? "grandchild " : "", sh->calls, name_of(nr), a[0], a[1], a[2], a[3],
		     a[4], a[5]);
	sc(SYS_write, trace_fd, (long)line, n, 0, 0, 0);
}

static void note(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	const long a[6] = {a1, a2, a3, a4, a5, a6};

	sh->nr = nr;
	for (int i = 0; i < 6; i++)
		sh->args[i] = a[i];
	sh->in_grand = depth;
	trace(nr, a);
	sh->calls++;
}

static long call(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	note(nr, a1, a2, a3, a4, a5, a6);
	return sc(nr, a1, a2, a3, a4, a5, a6);
}

#define C0(n)		     call(n, 0, 0, 0, 0, 0, 0)
#define C1(n, a)	     call(n, (long)(a), 0, 0, 0, 0, 0)
#define C2(n, a, b)	     call(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define C3(n, a, b, c)	     call(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define C4(n, a, b, c, d)    call(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define C5(n, a, b, c, d, e) call(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)
#define C6(n, a, b, c, d, e, f)                                                                    \
	call(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

/* ------------------------------------------------------------- arguments */

static void keep_fd(long fd)
{
	if (fd < 0 || fd > 1024)
		return;
	if (npool < POOL) {
		pool[npool++] = (int)fd;
		return;
	}
	int i = (int)below(POOL);
	if (pool[i] > 2 && pool[i] != fd)
		sc(SYS_close, pool[i], 0, 0, 0, 0, 0); /* bounded: no leak across a batch */
	pool[i] = (int)fd;
}

static long rfd(void)
{
	static const long odd[] = {-1,	 255,	  256, 1023, 65535, INT_MAX, (1l << 32) + 3,
				   -100, LONG_MIN};
	uint64_t k = below(20);

	if (k < 14 && npool)
		return pool[below((uint64_t)npool)];
	if (k < 16)
		return (long)below(3);
	if (k < 18)
		return closed_fd;
	return PICK(odd);
}

static long rdirfd(void)
{
	return chance(3) ? AT_FDCWD : rfd();
}

/* An address for an object of n bytes (n may be huge or 0). */
static long rptr(long n)
{
	static const long wild[] = {1,
				    8,
				    4095,
				    (long)0xffff800000000000ull,
				    (long)0xffffffffff600000ull,
				    (long)0xfffffffffffff000ull,
				    0x0000800000000000l,
				    0x00007ffffffff000l,
				    0x00007fffffffffffl,
				    (long)0x8000000000000000ull,
				    -1};
	uint64_t k = below(32);
	long span = n > 0 && n < BUF_BYTES ? n : 1;

	if (k < 18)
		return (long)(buf + below((uint64_t)(BUF_BYTES - span + 1)));
	if (k < 20)
		return (long)(buf + (below(8) << 12));
	if (k < 22)
		return (long)(edge - (n > 1 && n < PAGE ? n / 2 : 1 + (long)below(8)));
	if (k < 23)
		return 0;
	if (k < 24)
		return (long)ro + (long)below(64);
	if (k < 25)
		return (long)hole + (long)below(PAGE);
	if (k < 26)
		return (long)zone + (long)below(ZONE_PAGES * PAGE);
	if (k < 27)
		return (long)&rptr; /* our own text: shared, read-only */
	return PICK(wild);
}

/* An address no call may read or write through. */
static long rbadptr(void)
{
	static const long bad[] = {1, (long)0xffff800000000000ull, 0x0000800000000000l,
				   (long)0x8000000000000000ull, -1};

	switch (below(4)) {
	case 0:
		return (long)hole + (long)below(PAGE - 16);
	case 1:
		return (long)(edge - 1 - (long)below(7)); /* runs off the mapping */
	default:
		return PICK(bad);
	}
}

static long rlen(void)
{
	static const long lens[] = {0,
				    1,
				    2,
				    7,
				    8,
				    16,
				    64,
				    PAGE - 1,
				    PAGE,
				    PAGE + 1,
				    3 * PAGE,
				    65536,
				    1l << 20,
				    1l << 31,
				    1l << 32,
				    INT_MAX,
				    -1,
				    -PAGE,
				    LONG_MAX,
				    LONG_MIN,
				    0x7fff,
				    1l << 62,
				    (1l << 32) + 5};

	return chance(3) ? (long)below(300) : PICK(lens);
}

static long rsmall(void)
{
	static const long v[] = {0, 1, 2, 3, -1, 64, 65, 1024, INT_MAX, INT_MIN, LONG_MAX};

	return chance(2) ? (long)below(8) : PICK(v);
}

static long roff(void)
{
	static const long v[] = {0,	   1,  100,   PAGE,	1l << 20,
				 1l << 40, -1, -PAGE, LONG_MAX, LONG_MIN};

	return PICK(v);
}

static long rflags(long valid)
{
	switch (below(6)) {
	case 0:
		return 0;
	case 1:
		return (long)(uint32_t)rnd();
	case 2:
		return (long)rnd();
	default:
		return valid & (long)rnd();
	}
}

/* A path: one of the list, copied into buf (so it is writable memory), or
 * a pathological one. */
static long rpath(void)
{
	char *p = buf + 6 * PAGE; /* the path area: two pages */
	uint64_t k = below(24);

	if (k < 16) {
		const char *s = PICK(paths);
		size_t n = strlen(s) + 1;
		memcpy(p, s, n);
		return (long)p;
	}
	switch (k) {
	case 16: /* longer than PATH_MAX */
		for (long i = 0; i < 2 * PAGE - 1; i++)
			p[i] = (i % 8 == 0) ? '/' : 'x';
		p[2 * PAGE - 1] = 0;
		return (long)p;
	case 17: /* one name longer than NAME_MAX */
		memcpy(p, SCRATCH "/", sizeof(SCRATCH));
		memset(p + sizeof(SCRATCH), 'n', 300);
		p[sizeof(SCRATCH) + 300] = 0;
		return (long)p;
	case 18: /* no terminator before the end of the mapping */
		memset(edge - 16, 'p', 16);
		return (long)(edge - 16);
	case 19: /* many ".." */
		p[0] = 0;
		for (int i = 0; i < 200; i++)
			memcpy(p + 3 * i, "../", 4);
		memcpy(p + 600, "etc/hostname", 13);
		return (long)p;
	case 20:
		return (long)ro; /* "/etc/hostname", read-only */
	case 21:		 /* the string is the rest of a page, its end the mapping's */
		memcpy(edge - 14, SCRATCH "/a", sizeof(SCRATCH "/a"));
		return (long)(edge - 14);
	default:
		return rptr(1);
	}
}

static long rtimespec(int may_be_null)
{
	struct timespec *ts = (struct timespec *)(buf + 5 * PAGE + 64 * below(4));
	static const struct timespec bad[] = {{-1, 0}, {0, -1}, {0, 1000000000}, {0, LONG_MAX}};

	switch (below(8)) {
	case 0:
		return may_be_null ? 0 : rbadptr();
	case 1:
		return rbadptr();
	case 2:
		*ts = PICK(bad);
		return (long)ts;
	default:
		ts->tv_sec = 0;
		ts->tv_nsec = (long)below(chance(4) ? 2000000 : 2000);
		return (long)ts;
	}
}

static long rsigset(void)
{
	uint64_t *set = (uint64_t *)(buf + 5 * PAGE + 512);

	if (chance(6))
		return rptr(8);
	*set = chance(2) ? rnd() : (1ull << below(64));
	/* SIGKILL and SIGSTOP cannot be blocked anyway */
	return (long)set;
}

static long rsetsize(void)
{
	return chance(8) ? rsmall() : 8;
}

static long rsig(void)
{
	static const long s[] = {0,	 SIGUSR1, SIGUSR2, SIGCHLD, SIGWINCH,
				 SIGURG, SIGCONT, SIGALRM, 64};

	return chance(8) ? (long)below(80) - 5 : PICK(s);
}

/* A signal harmless to send to ourselves. */
static long rsafe_sig(void)
{
	static const long s[] = {0, SIGUSR1, SIGUSR2, SIGCHLD, SIGWINCH, SIGURG, SIGCONT, 0};

	return PICK(s);
}

static long rpid(void)
{
	long self = sc(SYS_getpid, 0, 0, 0, 0, 0, 0);

	switch (below(8)) {
	case 0:
		return 0;
	case 1:
	case 2:
		return self;
	case 3:
		return kids[below(KIDS)];
	case 4:
		return 99999;
	case 5:
		return INT_MIN;
	default:
		return sc(SYS_getppid, 0, 0, 0, 0, 0, 0);
	}
}

static long riov(int out)
{
	struct iovec *v = (struct iovec *)(buf + 4 * PAGE);
	long n = (long)below(6);

	(void)out;
	for (long i = 0; i < n; i++) {
		long len = chance(3) ? rlen() : (long)below(512);
		v[i].iov_len = (size_t)len;
		v[i].iov_base = (void *)rptr(len);
	}
	return chance(10) ? rptr(16) : (long)v;
}

static long riovcnt(void)
{
	static const long v[] = {0, 1, 2, 3, 5, 1024, 1025, -1, INT_MAX};

	return PICK(v);
}

/* ------------------------------------------------------------ threads */

/*
 * A second thread of the batch's child, on a stack of its own, racing the
 * first: it maps, unmaps and protects pages of the zone, reads and writes
 * descriptors, wakes futexes and signals itself, from a generator of its
 * own (so the first's calls stay the same), then exits.  What it makes
 * linuxd do is mirror every change of memory into both threads' Tasks.
 * No glibc in it: its TLS is the first thread's.
 */
#define THREADS	     2
#define THREAD_STACK (64 * 1024)
#define THREAD_CALLS 24
static char *thread_stacks;
static volatile int thread_tid[THREADS]; /* cleared by the kernel at its exit */

static uint64_t tnext(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void thread_body(long seed)
{
	uint64_t x = (uint64_t)seed | 1;

	for (int i = 0; i < THREAD_CALLS; i++) {
		long page = (long)zone + (long)(tnext(&x) % ZONE_PAGES) * PAGE;
		long len = (long)(1 + tnext(&x) % 3) * PAGE;
		int fd = npool ? pool[tnext(&x) % (uint64_t)npool] : 0;
		struct timespec ts = {0, 1000};

		if ((uint64_t)page + (uint64_t)len > (uint64_t)zone + ZONE_PAGES * PAGE)
			len = (long)zone + ZONE_PAGES * PAGE - page;
		sh->calls++;
		switch (tnext(&x) % 10) {
		case 0:
			sc(SYS_mmap, page, len, (long)(tnext(&x) % 4),
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
			break;
		case 1:
			sc(SYS_munmap, page, len, 0, 0, 0, 0);
			break;
		case 2:
			sc(SYS_mprotect, page, len, (long)(tnext(&x) % 8), 0, 0, 0);
			break;
		case 3:
			sc(SYS_read, fd, (long)(buf + tnext(&x) % (BUF_BYTES - 512)), 512, 0, 0, 0);
			break;
		case 4:
			sc(SYS_write, fd, (long)(buf + tnext(&x) % (BUF_BYTES - 512)), 512, 0, 0,
			   0);
			break;
		case 5:
			sc(SYS_futex, (long)(buf + 5 * PAGE + 1024), FUTEX_WAKE_PRIVATE, INT_MAX, 0,
			   0, 0);
			break;
		case 6:
			sc(SYS_tgkill, sc(SYS_getpid, 0, 0, 0, 0, 0, 0),
			   sc(SYS_gettid, 0, 0, 0, 0, 0, 0), SIGUSR2, 0, 0, 0);
			break;
		case 7:
			sc(SYS_nanosleep, (long)&ts, 0, 0, 0, 0, 0);
			break;
		case 8:
			sc(SYS_brk, sc(SYS_brk, 0, 0, 0, 0, 0, 0) + PAGE, 0, 0, 0, 0, 0);
			break;
		default:
			sc(SYS_sched_yield, 0, 0, 0, 0, 0, 0);
		}
	}
}

/* clone into fn(arg) on stack_top; the new thread exits when fn returns. */
static long sc_thread(long flags, char *stack_top, void (*fn)(long), long arg, long ctid)
{
	long r;
	register long r10 __asm__("r10") = ctid;
	register long r8 __asm__("r8") = 0;
	register long r12 __asm__("r12") = (long)fn;
	register long r13 __asm__("r13") = arg;

	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "xor %%ebp, %%ebp\n\t"
			 "mov %%r13, %%rdi\n\t"
			 "call *%%r12\n\t"
			 "mov $60, %%eax\n\t"
			 "xor %%edi, %%edi\n\t"
			 "syscall\n\t"
			 "ud2\n"
			 "1:"
			 : "=a"(r)
			 : "a"(SYS_clone), "D"(flags), "S"(stack_top), "d"(0), "r"(r10), "r"(r8),
			   "r"(r12), "r"(r13)
			 : "rcx", "r11", "memory");
	return r;
}

static void g_thread(void)
{
	const long flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
			   CLONE_SYSVSEM | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID;

	if (!thread_stacks)
		return;
	for (int i = 0; i < THREADS; i++) {
		if (thread_tid[i] != 0)
			continue; /* still running */
		char *top = thread_stacks + (i + 1) * THREAD_STACK - 64;
		note(SYS_clone, flags, (long)top, 0, (long)&thread_tid[i], 0, 0);
		thread_tid[i] = -1; /* the kernel writes the tid, then 0 at its exit */
		long r = sc_thread(flags, top, thread_body, (long)rnd(), (long)&thread_tid[i]);
		if (r < 0)
			thread_tid[i] = 0;
		return;
	}
}

/* ------------------------------------------------------- the generators */

static void kid_add(long pid)
{
	for (int i = 0; i < KIDS; i++)
		if (kids[i] <= 0) {
			kids[i] = pid;
			return;
		}
	/* full: the oldest goes */
	sc(SYS_kill, kids[0], SIGKILL, 0, 0, 0, 0);
	sc(SYS_wait4, kids[0], 0, __WALL, 0, 0, 0);
	kids[0] = pid;
}

/* Reaps whatever has ended, without waiting. */
static void reap_some(void)
{
	for (int i = 0; i < KIDS + 4; i++)
		if (sc(SYS_wait4, -1, 0, WNOHANG | __WALL, 0, 0, 0) <= 0)
			break;
}

/* Waits for pid, killing it if it does not end after a bounded number of
 * short sleeps. */
static long wait_bounded(long pid, int *status)
{
	struct timespec ts = {0, 1000000};

	for (int i = 0; i < 200; i++) {
		long r = sc(SYS_wait4, pid, (long)status, WNOHANG | __WALL, 0, 0, 0);
		if (r != 0)
			return r;
		if (i == 5) /* stopped, perhaps */
			sc(SYS_kill, pid, SIGCONT, 0, 0, 0, 0);
		sc(SYS_nanosleep, (long)&ts, 0, 0, 0, 0, 0);
	}
	sc(SYS_kill, pid, SIGKILL, 0, 0, 0, 0);
	return sc(SYS_wait4, pid, (long)status, __WALL, 0, 0, 0);
}

static void one_call(void);

static void g_fork(void)
{
	long r = C0(SYS_fork);

	if (r == 0) { /* the grandchild: a few calls of its own, then exit */
		depth = 1;
		rs ^= 0x5bd1e995;
		for (int i = 0; i < KIDS; i++)
			kids[i] = 0;
		for (int i = 0; i < GRAND_CALLS; i++)
			one_call();
		sc(SYS_exit_group, 0, 0, 0, 0, 0, 0);
	}
	if (r > 0) {
		if (chance(2))
			kid_add(r);
		else {
			int st;
			wait_bounded(r, &st);
		}
	}
}

static void handler(int sig)
{
	(void)sig;
}

static void die_handler(int sig)
{
	sc(SYS_exit_group, 100 + sig, 0, 0, 0, 0, 0);
}

/* Something that ends a process, in a grandchild made for it. */
static void g_doomed(void)
{
	if (depth)
		return;
	uint64_t what = below(6);
	long pid = sc(SYS_fork, 0, 0, 0, 0, 0, 0);

	if (pid != 0) {
		if (pid > 0) {
			int st;
			wait_bounded(pid, &st);
		}
		return;
	}
	depth = 1;
	rs ^= 0x1234567;
	if (what == 0) { /* rt_sigreturn of garbage */
		long *frame = (long *)(buf + 2 * PAGE);
		for (int i = 0; i < 64; i++)
			frame[i] = chance(3) ? (long)rnd() : chance(2) ? rptr(8) : 0;
		note(SYS_rt_sigreturn, 0, 0, 0, 0, 0, 0);
		sc_sigreturn_at(frame);
	}
	if (what == 1) { /* execve of something, arguments good and bad */
		static const char *const progs[] = {"/bin/true",     "/etc/hostname", "/",
						    SCRATCH "/a",    "/nonexistent",  "/bin/sh",
						    "/proc/self/exe"};
		char **argv = (char **)(buf + 3 * PAGE);
		const char *prog = PICK(progs);
		argv[0] = (char *)"true";
		argv[1] = strcmp(prog, "/bin/sh") == 0 ? (char *)"-c" : NULL;
		argv[2] = argv[1] ? (char *)"true" : NULL;
		argv[3] = NULL;
		if (chance(3))
			argv[below(3)] = (char *)rptr(1);
		long env = chance(2) ? (long)(argv + 3) : rptr(8);
		long path = chance(4) ? rpath() : (long)prog;
		long r = C3(SYS_execve, path, chance(5) ? rptr(8) : (long)argv, env);
		sc(SYS_exit_group, -r, 0, 0, 0, 0, 0);
	}
	if (what == 2) { /* a fatal signal to itself */
		static const long fatal[] = {SIGKILL, SIGTERM, SIGSEGV, SIGABRT, SIGUSR1, SIGSTOP};
		long sig = PICK(fatal);
		if (sig == SIGSTOP) { /* stopped, then continued by its parent's kill */
			C2(SYS_kill, 0 + sc(SYS_getpid, 0, 0, 0, 0, 0, 0), SIGSTOP);
			sc(SYS_exit_group, 3, 0, 0, 0, 0, 0);
		}
		long dfl[4] = {0, 0x04000000, (long)lxfuzz_restorer, 0};
		sc(SYS_rt_sigaction, sig, (long)dfl, 0, 8, 0, 0);
		C2(chance(2) ? SYS_kill : SYS_tkill, sc(SYS_getpid, 0, 0, 0, 0, 0, 0), sig);
		sc(SYS_exit_group, 4, 0, 0, 0, 0, 0);
	}
	if (what == 3) { /* exit with a random status */
		C1(chance(2) ? SYS_exit : SYS_exit_group, rnd());
	}
	if (what == 4) { /* a handler at a garbage address */
		long act[4] = {rptr(8), (long)(0x04000000 | rflags(0x58000000)),
			       (long)lxfuzz_restorer, 0};
		C4(SYS_rt_sigaction, SIGUSR2, act, 0, 8);
		C2(SYS_kill, sc(SYS_getpid, 0, 0, 0, 0, 0, 0), SIGUSR2);
		sc(SYS_exit_group, 5, 0, 0, 0, 0, 0);
	}
	/* a fault with a handler, or none */
	if (chance(2)) {
		long act[4] = {(long)die_handler, 0x04000000, (long)lxfuzz_restorer, 0};
		C4(SYS_rt_sigaction, SIGSEGV, act, 0, 8);
	}
	note(-2, 0, 0, 0, 0, 0, 0);
	*(volatile char *)hole = 1;
	sc(SYS_exit_group, 6, 0, 0, 0, 0, 0);
}

static void g_clone(void)
{
	static const long combos[] = {
	    SIGCHLD,
	    CLONE_VM | CLONE_VFORK | SIGCHLD,
	    CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM,
	    CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
		CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID,
	    CLONE_THREAD,
	    CLONE_SIGHAND,
	    CLONE_VM,
	    CLONE_VM | CLONE_SIGHAND | CLONE_THREAD,
	    CLONE_PARENT | SIGCHLD,
	    CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD,
	    0,
	};
	long flags = chance(6) ? (long)(uint32_t)rnd() & ~(long)(CLONE_NEWUSER | CLONE_NEWPID |
								 CLONE_NEWNET | CLONE_NEWNS)
			       : PICK(combos);
	long stack = chance(2) ? (long)(buf + 4 * PAGE) : rptr(8);
	long r;

	if (depth)
		return;
	if (chance(4))
		flags &= ~(long)CLONE_THREAD;
	/* A CLONE_PARENT child's exit signal goes to our parent, which must
	 * not be stopped or killed by it. */
	if (flags & CLONE_PARENT)
		flags = (flags & ~0xffl) | SIGCHLD;
	if (chance(4)) { /* clone3 and its struct */
		long *ca = (long *)(buf + 3 * PAGE);
		memset(ca, 0, 88);
		ca[0] = flags & ~0xffl; /* the same flags, so a thread is known as one */
		ca[1] = rptr(4);
		ca[2] = rptr(4);
		ca[3] = rptr(4);
		ca[4] = chance(2) || (flags & CLONE_PARENT) ? SIGCHLD : (long)below(70);
		ca[5] = stack;
		ca[6] = chance(2) ? PAGE : rlen();
		ca[7] = chance(2) ? (long)buf : rptr(8);
		long size = chance(2) ? 88 : chance(2) ? 64 : rlen();
		note(SYS_clone3, (long)ca, size, 0, 0, 0, 0);
		r = sc_spawn(SYS_clone3, chance(8) ? rptr(88) : (long)ca, size, 0, 0, 0);
	} else if (chance(5)) {
		note(SYS_vfork, 0, 0, 0, 0, 0, 0);
		r = sc_spawn(SYS_vfork, 0, 0, 0, 0, 0);
	} else {
		long ptid = rptr(4), ctid = rptr(4), tls = chance(2) ? (long)buf : rptr(8);
		note(SYS_clone, flags, stack, ptid, ctid, tls, 0);
		r = sc_spawn(SYS_clone, flags, stack, ptid, ctid, tls);
	}
	if (r > 0 && !(flags & CLONE_THREAD)) /* a thread's id is not for kill */
		kid_add(r);
	reap_some();
}

static void g_sigaction(void)
{
	const long kinds[] = {0, 1, (long)handler};
	long *act = (long *)(buf + 3 * PAGE + 256);
	long *old = (long *)(buf + 3 * PAGE + 512);
	long sig = rsig();

	if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE)
		sig = SIGUSR1;
	act[0] = PICK(kinds);
	act[1] = 0x04000000 | rflags(0x5c000007);
	act[2] = (long)lxfuzz_restorer;
	act[3] = (long)rnd();
	C4(SYS_rt_sigaction, sig, chance(8) ? rptr(32) : (long)act,
	   chance(2) ? (long)old : rptr(32), rsetsize());
}

static void g_kill(void)
{
	long pid = rpid(), sig = rsafe_sig();
	long self = sc(SYS_getpid, 0, 0, 0, 0, 0, 0);
	long parent = sc(SYS_getppid, 0, 0, 0, 0, 0, 0);
	int kid = 0;

	for (int i = 0; i < KIDS; i++)
		kid |= pid > 0 && kids[i] == pid;
	if (kid && chance(2)) /* a grandchild may be stopped, continued or killed */
		sig = chance(3) ? SIGKILL : chance(2) ? SIGSTOP : SIGCONT;
	else if (pid <= 0 || pid == parent)
		sig = 0; /* a process group, or our parent: only looked at */
	switch (below(3)) {
	case 0:
		C2(SYS_kill, pid, sig);
		break;
	case 1:
		C2(SYS_tkill, pid == self ? sc(SYS_gettid, 0, 0, 0, 0, 0, 0) : pid, sig);
		break;
	default:
		C3(SYS_tgkill, chance(4) ? rpid() : self,
		   pid == self ? sc(SYS_gettid, 0, 0, 0, 0, 0, 0) : pid, sig);
	}
}

static void g_mmap(void)
{
	static const long prots[] = {
	    PROT_READ, PROT_READ | PROT_WRITE, PROT_NONE, PROT_READ | PROT_EXEC, 7, 8, 0x1000000};
	static const long kinds[] = {MAP_PRIVATE | MAP_ANONYMOUS, MAP_SHARED | MAP_ANONYMOUS,
				     MAP_PRIVATE, MAP_SHARED};
	long addr = chance(2) ? (long)zone + (long)(below(ZONE_PAGES) << 12) : rptr(PAGE);
	long len = chance(2) ? (long)(1 + below(4)) * PAGE : rlen();
	long flags = PICK(kinds) | (chance(2) ? MAP_FIXED : 0);
	long fd = flags & MAP_ANONYMOUS ? (chance(2) ? -1 : rfd()) : rfd();

	if (chance(8))
		flags = rflags(0x1fffff);
	if ((flags & MAP_FIXED) && (addr < (long)zone || addr >= (long)zone + ZONE_PAGES * PAGE))
		flags &= ~MAP_FIXED; /* never over our own text, stack or buf */
	if ((flags & MAP_FIXED) &&
	    (uint64_t)addr + (uint64_t)len > (uint64_t)zone + ZONE_PAGES * PAGE)
		len = (long)zone + ZONE_PAGES * PAGE - addr;
	long r = C6(SYS_mmap, addr, len, chance(6) ? rflags(0xf) : PICK(prots), flags, fd,
		    chance(3) ? roff() : 0);
	if (r > 0 && r < 0x0000800000000000l &&
	    (r < (long)zone || r >= (long)zone + ZONE_PAGES * PAGE))
		sc(SYS_munmap, r, len, 0, 0, 0, 0); /* outside the zone: not kept */
}

/* An address range inside the zone, or a wild one that is no part of us. */
static void zone_range(long *addr, long *len)
{
	if (chance(6)) {
		static const long wild[] = {0,
					    PAGE,
					    0x0000800000000000l,
					    (long)0xffff800000000000ull,
					    0x00007ffffffff000l,
					    -PAGE};
		*addr = PICK(wild) + (chance(4) ? 1 : 0);
		*len = rlen();
		return;
	}
	long first = (long)below(ZONE_PAGES);
	*addr = (long)zone + (first << 12) + (chance(10) ? (long)below(PAGE) : 0);
	*len = chance(8) ? rlen() : (long)(1 + below((uint64_t)(ZONE_PAGES - first))) * PAGE;
	if (*len > 0 && (uint64_t)*addr + (uint64_t)*len > (uint64_t)zone + ZONE_PAGES * PAGE)
		*len = (long)zone + ZONE_PAGES * PAGE - *addr;
}

static void g_mem(void)
{
	long addr, len;

	zone_range(&addr, &len);
	switch (below(6)) {
	case 0:
		C3(SYS_mprotect, addr, len, chance(5) ? rflags(0x100000f) : (long)below(8));
		break;
	case 1:
		C2(SYS_munmap, addr, len);
		break;
	case 2:
		C3(SYS_msync, addr, len, chance(3) ? rflags(7) : (long)MS_SYNC);
		break;
	case 3:
		C3(SYS_madvise, addr, len, chance(2) ? (long)below(20) : rsmall());
		break;
	case 4: {
		long r = C5(SYS_mremap, addr, len, chance(2) ? len * 2 : rlen(), rflags(7),
			    (long)zone + (long)(below(ZONE_PAGES) << 12));
		if (r > 0 && r < 0x0000800000000000l &&
		    (r < (long)zone || r >= (long)zone + ZONE_PAGES * PAGE))
			sc(SYS_munmap, r, len * 2, 0, 0, 0, 0);
		break;
	}
	default: { /* brk: around its current end, never far below it */
		long cur = sc(SYS_brk, 0, 0, 0, 0, 0, 0);
		static const long d[] = {0, 1, PAGE, 1l << 20, 1l << 32, -1, -PAGE};
		C1(SYS_brk, chance(6) ? rptr(1) : cur + PICK(d));
		break;
	}
	}
}

static void g_open(void)
{
	long flags = chance(3)
			 ? rflags(0x7fffff)
			 : (long)(below(3) | (rnd() & (O_CREAT | O_TRUNC | O_APPEND | O_EXCL |
						       O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)));
	long mode = chance(2) ? 0644 : rflags(07777);
	long r;

	flags |= O_NONBLOCK; /* a FIFO or a terminal would not block us */
	if (chance(2))
		r = C3(SYS_open, rpath(), flags, mode);
	else
		r = C4(SYS_openat, rdirfd(), rpath(), flags, mode);
	keep_fd(r);
}

static void g_pipe(void)
{
	int *fds = (int *)(buf + 3 * PAGE + 1024);
	long where = chance(6) ? rptr(8) : (long)fds;
	long r = chance(2) ? C1(SYS_pipe, where)
			   : C2(SYS_pipe2, where, rflags(O_CLOEXEC | O_NONBLOCK | O_DIRECT));

	/* Wherever they went (it was writable), both ends never block. */
	if (r == 0)
		for (int i = 0; i < 2; i++) {
			int fd = ((int *)where)[i];
			long fl = sc(SYS_fcntl, fd, F_GETFL, 0, 0, 0, 0);
			sc(SYS_fcntl, fd, F_SETFL, fl | O_NONBLOCK, 0, 0, 0);
			keep_fd(fd);
		}
}

static void g_rw(void)
{
	long fd = rfd(), len = rlen();

	switch (below(8)) {
	case 0:
		C3(SYS_read, fd, rptr(len), len);
		break;
	case 1:
		C3(SYS_write, fd, rptr(len), len);
		break;
	case 2:
		C4(SYS_pread64, fd, rptr(len), len, roff());
		break;
	case 3:
		C4(SYS_pwrite64, fd, rptr(len), len, roff());
		break;
	case 4:
		C3(SYS_readv, fd, riov(1), riovcnt());
		break;
	case 5:
		C3(SYS_writev, fd, riov(0), riovcnt());
		break;
	case 6:
		C3(SYS_lseek, fd, roff(), chance(4) ? rsmall() : (long)below(5));
		break;
	default:
		C3(SYS_getdents64, fd, rptr(len), len);
	}
}

static void g_fd(void)
{
	long r = -1;

	switch (below(9)) {
	case 0:
		r = C1(SYS_dup, rfd());
		break;
	case 1:
		r = C2(SYS_dup2, rfd(), chance(2) ? rfd() : (long)below(40));
		break;
	case 2:
		r = C3(SYS_dup3, rfd(), chance(2) ? rfd() : (long)below(40), rflags(O_CLOEXEC));
		break;
	case 3: {
		static const long cmds[] = {
		    F_DUPFD, F_GETFD,  F_SETFD,		F_GETFL,  F_SETFL,	F_GETLK,
		    F_SETLK, F_SETLKW, F_DUPFD_CLOEXEC, F_GETOWN, F_SETPIPE_SZ, F_GETPIPE_SZ,
		    1000,    -1};
		long cmd = PICK(cmds), arg = chance(2) ? rsmall() : rptr(32);
		if (cmd == F_SETFL)
			arg |= O_NONBLOCK;
		if (cmd == F_SETLKW)
			cmd = F_SETLK;
		r = C3(SYS_fcntl, rfd(), cmd, arg);
		if (cmd != F_DUPFD && cmd != F_DUPFD_CLOEXEC)
			r = -1;
		break;
	}
	case 4: {
		long fd = rfd();
		C1(SYS_close, fd);
		for (int i = 0; i < npool; i++)
			if (pool[i] == fd && fd > 2)
				closed_fd = (int)fd;
		break;
	}
	case 5: {
		static const long reqs[] = {TCGETS,	TCSETS,	    TCSETSW,   TCSETSF,
					    TIOCGWINSZ, TIOCSWINSZ, TIOCGPGRP, FIONREAD,
					    FIOCLEX,	FIONCLEX,   0x5401ff,  0};
		long req = chance(6) ? (long)(uint32_t)rnd() : PICK(reqs);
		long fd = rfd();
		if (fd <= 2 && req != FIONREAD && req != TCGETS)
			fd = -1; /* the terminal, if any, is not ours to change */
		C3(SYS_ioctl, fd, req, rptr(64));
		break;
	}
	case 6:
		C1(chance(2) ? SYS_fsync : SYS_fdatasync, rfd());
		break;
	case 7:
		C2(SYS_ftruncate, rfd(), chance(2) ? (long)below(70000) : roff());
		break;
	default:
		C4(SYS_fadvise64, rfd(), roff(), rlen(), rsmall());
	}
	keep_fd(r);
}

static void g_stat(void)
{
	long st = rptr(144);

	switch (below(10)) {
	case 0:
		C2(SYS_stat, rpath(), st);
		break;
	case 1:
		C2(SYS_lstat, rpath(), st);
		break;
	case 2:
		C2(SYS_fstat, rfd(), st);
		break;
	case 3:
		C4(SYS_newfstatat, rdirfd(), rpath(), st, rflags(0x1d00));
		break;
	case 4:
		C5(SYS_statx, rdirfd(), rpath(), rflags(0x6d00), rflags(0xfff), rptr(256));
		break;
	case 5:
		C2(SYS_access, rpath(), rflags(7));
		break;
	case 6:
		C3(SYS_faccessat, rdirfd(), rpath(), rflags(7));
		break;
	case 7:
		C4(SYS_faccessat2, rdirfd(), rpath(), rflags(7), rflags(0x1300));
		break;
	case 8: {
		long len = rlen();
		C3(SYS_readlink, rpath(), rptr(len), len);
		break;
	}
	default: {
		long len = rlen();
		C4(SYS_readlinkat, rdirfd(), rpath(), rptr(len), len);
	}
	}
}

static void g_path(void)
{
	switch (below(16)) {
	case 0:
		C2(SYS_mkdir, rpath(), rflags(0777));
		break;
	case 1:
		C3(SYS_mkdirat, rdirfd(), rpath(), rflags(0777));
		break;
	case 2:
		C1(SYS_rmdir, rpath());
		break;
	case 3:
		C1(SYS_unlink, rpath());
		break;
	case 4:
		C3(SYS_unlinkat, rdirfd(), rpath(), chance(2) ? AT_REMOVEDIR : rflags(0x200));
		break;
	case 5: {
		long from = rpath();
		char *to = buf + 7 * PAGE + 2048;
		const char *t = PICK(paths);
		memcpy(to, t, strlen(t) + 1);
		C2(SYS_rename, from, chance(8) ? rptr(1) : (long)to);
		break;
	}
	case 6: {
		long from = rpath();
		char *to = buf + 7 * PAGE + 2048;
		const char *t = PICK(paths);
		memcpy(to, t, strlen(t) + 1);
		C4(SYS_renameat, rdirfd(), from, rdirfd(), (long)to);
		break;
	}
	case 7: {
		static const char *const dirs[] = {SCRATCH, SCRATCH "/d",   "/",
						   "/etc",  "/nonexistent", SCRATCH "/a"};
		const char *d = PICK(dirs);
		memcpy(buf + 7 * PAGE + 2048, d, strlen(d) + 1);
		C1(SYS_chdir, chance(6) ? rpath() : (long)(buf + 7 * PAGE + 2048));
		break;
	}
	case 8:
		C1(SYS_fchdir, rfd());
		break;
	case 9: {
		long len = chance(2) ? (long)below(300) : rlen();
		C2(SYS_getcwd, rptr(len), len);
		break;
	}
	case 10:
		C2(SYS_chmod, rpath(), rflags(07777));
		break;
	case 11:
		C2(SYS_fchmod, rfd(), rflags(07777));
		break;
	case 12:
		C3(below(2) ? SYS_chown : SYS_lchown, rpath(), rsmall(), rsmall());
		break;
	case 13:
		C3(SYS_fchown, rfd(), rsmall(), rsmall());
		break;
	case 14:
		C4(SYS_utimensat, rdirfd(), chance(4) ? 0 : rpath(), chance(2) ? 0 : rptr(32),
		   rflags(0x100));
		break;
	default:
		C1(SYS_umask, rflags(0777));
	}
}

static void g_poll(void)
{
	struct pollfd *p = (struct pollfd *)(buf + 2 * PAGE);
	long n = (long)below(8);

	for (long i = 0; i < n; i++) {
		p[i].fd = chance(8) ? -1 : (int)rfd();
		p[i].events = (short)(chance(2) ? (POLLIN | POLLOUT) : rnd());
		p[i].revents = (short)rnd();
	}
	long fds = chance(8) ? rptr(8 * n) : (long)p;
	if (chance(10))
		n = rsmall();
	switch (below(4)) {
	case 0:
		C3(SYS_poll, fds, n, (long)below(2));
		break;
	case 1:
		C5(SYS_ppoll, fds, n, rtimespec(0), chance(2) ? 0 : rsigset(), rsetsize());
		break;
	case 2:
	case 3: {
		uint64_t *sets = (uint64_t *)(buf + 2 * PAGE + 1024);
		for (int i = 0; i < 3 * 16; i++)
			sets[i] = chance(4) ? rnd() : 0;
		for (int i = 0; i < 3; i++)
			if (npool)
				sets[16 * i] |= 1ull << (pool[below((uint64_t)npool)] & 63);
		long nfds = chance(4) ? rsmall() : (long)below(70);
		long r0 = chance(2) ? (long)sets : 0, w = chance(2) ? (long)(sets + 16) : 0,
		     e = chance(4) ? (long)(sets + 32) : 0;
		if (chance(8))
			r0 = rptr(128);
		if (below(4) == 2) {
			struct timeval *tv = (struct timeval *)(buf + 2 * PAGE + 900);
			tv->tv_sec = 0;
			tv->tv_usec = chance(4) ? -1 : (long)below(1000);
			C5(SYS_select, nfds, r0, w, e, chance(8) ? rbadptr() : (long)tv);
		} else {
			long *sm = (long *)(buf + 2 * PAGE + 960);
			sm[0] = chance(2) ? 0 : rsigset();
			sm[1] = rsetsize();
			C6(SYS_pselect6, nfds, r0, w, e, rtimespec(0),
			   chance(2)   ? 0
			   : chance(4) ? rptr(16)
				       : (long)sm);
		}
	}
	}
}

static void g_sig(void)
{
	switch (below(7)) {
	case 0:
	case 1:
		g_sigaction();
		break;
	case 2: {
		long how = chance(6) ? rsmall() : (long)below(3);
		C4(SYS_rt_sigprocmask, how, chance(3) ? 0 : rsigset(), chance(2) ? 0 : rptr(8),
		   rsetsize());
		break;
	}
	case 3:
		C2(SYS_rt_sigpending, rptr(8), rsetsize());
		break;
	case 4:
		C4(SYS_rt_sigtimedwait, rsigset(), chance(2) ? 0 : rptr(128), rtimespec(0),
		   rsetsize());
		break;
	case 5: { /* sigsuspend with a signal pending that it lets in */
		/* on our stack: the second thread writes into buf */
		uint64_t set[2] = {1ull << (SIGUSR1 - 1), 0};
		sc(SYS_rt_sigprocmask, SIG_BLOCK, (long)set, 0, 8, 0, 0);
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = handler;
		sigaction(SIGUSR1, &sa, NULL); /* caught: it ends the wait */
		/* to this thread: sent to the process, a second thread that
		 * does not block it may take it, and the wait is for ever */
		sc(SYS_tgkill, sc(SYS_getpid, 0, 0, 0, 0, 0, 0), sc(SYS_gettid, 0, 0, 0, 0, 0, 0),
		   SIGUSR1, 0, 0, 0);
		if (chance(4)) /* a bad mask or size returns at once */
			C2(SYS_rt_sigsuspend, chance(2) ? rbadptr() : (long)(set + 1),
			   chance(2) ? 8 : 1 + (long)below(7));
		else
			C2(SYS_rt_sigsuspend, set + 1, 8);
		sc(SYS_rt_sigprocmask, SIG_UNBLOCK, (long)set, 0, 8, 0, 0);
		break;
	}
	default: {
		long *ss = (long *)(buf + 5 * PAGE + 800);
		ss[0] = rptr(PAGE);
		ss[1] = rflags(3);
		ss[2] = rlen();
		C2(SYS_sigaltstack, chance(3) ? 0 : chance(4) ? rptr(24) : (long)ss, rptr(24));
	}
	}
}

static void g_time(void)
{
	switch (below(9)) {
	case 0:
		C2(SYS_nanosleep, rtimespec(1), chance(2) ? 0 : rptr(16));
		break;
	case 1: {
		long fl = chance(4) ? rflags(1) : 0;
		long ts = rtimespec(1);
		if (fl & TIMER_ABSTIME) { /* an absolute time: in the past */
			struct timespec *t = (struct timespec *)(buf + 5 * PAGE + 900);
			t->tv_sec = 0; /* before the boot: any clock has passed it */
			t->tv_nsec = 0;
			ts = (long)t;
		}
		/* never a CPU-time clock: our own would not move while we sleep */
		static const long clocks[] = {
		    CLOCK_REALTIME, CLOCK_MONOTONIC,	CLOCK_BOOTTIME, -1, 64,
		    INT_MAX,	    CLOCK_MONOTONIC_RAW};
		C4(SYS_clock_nanosleep, PICK(clocks), fl, ts, chance(2) ? 0 : rptr(16));
		break;
	}
	case 2:
		C2(SYS_clock_gettime, chance(4) ? rsmall() : (long)below(12), rptr(16));
		break;
	case 3:
		C2(SYS_clock_getres, chance(4) ? rsmall() : (long)below(12),
		   chance(3) ? 0 : rptr(16));
		break;
	case 4:
		C2(SYS_gettimeofday, chance(3) ? 0 : rptr(16), chance(2) ? 0 : rptr(8));
		break;
	case 5:
		C1(SYS_time, chance(3) ? 0 : rptr(8));
		break;
	case 6: { /* futex: never a wait without a timeout and a matching word */
		uint32_t *w = (uint32_t *)(buf + 5 * PAGE + 1024);
		static const long ops[] = {FUTEX_WAIT,
					   FUTEX_WAKE,
					   FUTEX_WAIT_BITSET,
					   FUTEX_WAKE_BITSET,
					   FUTEX_REQUEUE,
					   FUTEX_CMP_REQUEUE,
					   FUTEX_WAKE_OP,
					   FUTEX_LOCK_PI,
					   13,
					   -1};
		long op = PICK(ops) | (chance(2) ? FUTEX_PRIVATE_FLAG : 0) |
			  (chance(6) ? FUTEX_CLOCK_REALTIME : 0);
		long addr = chance(3) ? rptr(4) : (long)w;
		long val = (long)*w;
		long ts = rtimespec(0);
		if ((op & 127) == FUTEX_WAIT_BITSET) {
			struct timespec *t = (struct timespec *)(buf + 5 * PAGE + 1100);
			t->tv_sec = (long)below(2);
			t->tv_nsec = (long)below(1000);
			ts = chance(4) ? rtimespec(0) : (long)t; /* absolute: long past */
		}
		if ((op & 127) == FUTEX_LOCK_PI || (op & 127) == 13)
			val = val + 1; /* never taken */
		C6(SYS_futex, addr, op, chance(3) ? rsmall() : val, ts, rptr(4),
		   chance(2) ? -1 : rsmall());
		break;
	}
	case 7:
		C0(SYS_sched_yield);
		break;
	default: {
		long len = chance(2) ? 8 : rlen();
		C3(SYS_sched_getaffinity, chance(2) ? 0 : rpid(), len, rptr(len));
	}
	}
}

static void g_proc(void)
{
	switch (below(16)) {
	case 0:
		C4(SYS_wait4, chance(2) ? -1 : rpid(), chance(2) ? 0 : rptr(4),
		   WNOHANG | (chance(4) ? rflags(0x6000000f) : 0), chance(2) ? 0 : rptr(144));
		break;
	case 1:
		C2(SYS_setpgid, chance(2) ? 0 : rpid(), chance(2) ? 0 : rpid());
		break;
	case 2:
		C0(SYS_setsid);
		break;
	case 3:
		C1(chance(2) ? SYS_getpgid : SYS_getsid, rpid());
		break;
	case 4:
		C3(chance(2) ? SYS_getresuid : SYS_getresgid, rptr(4), rptr(4), rptr(4));
		break;
	case 5:
		C2(SYS_getgroups, rsmall(), rptr(64));
		break;
	case 6:
		C2(SYS_setgroups, rsmall(), rptr(64));
		break;
	case 7: {
		static const long ids[] = {SYS_getpid,	  SYS_gettid,	SYS_getppid,  SYS_getpgrp,
					   SYS_getuid,	  SYS_geteuid,	SYS_getgid,   SYS_getegid,
					   SYS_setuid,	  SYS_setgid,	SYS_setreuid, SYS_setregid,
					   SYS_setresuid, SYS_setresgid};
		long nr = PICK(ids);
		if (nr >= SYS_setuid) /* root gives nothing away: 0 stays 0 */
			C3(nr, chance(2) ? 0 : -1, chance(2) ? 0 : -1, chance(2) ? 0 : -1);
		else
			C0(nr);
		break;
	}
	case 8:
		C1(SYS_uname, rptr(390));
		break;
	case 9:
		C1(SYS_sysinfo, rptr(112));
		break;
	case 10:
		C2(SYS_getrusage, chance(4) ? rsmall() : 0, rptr(144));
		break;
	case 11:
		C2(SYS_getrlimit, chance(4) ? rsmall() : (long)below(16), rptr(16));
		break;
	case 12: {
		long *lim = (long *)(buf + 5 * PAGE + 1200);
		lim[0] = lim[1] = -1;
		long pid = rpid();
		if (pid == sc(SYS_getppid, 0, 0, 0, 0, 0, 0))
			pid = 0; /* our parent's limits are not ours to set */
		C4(SYS_prlimit64, pid, chance(4) ? rsmall() : (long)below(16),
		   chance(2) ? 0 : (chance(3) ? rptr(16) : (long)lim), rptr(16));
		break;
	}
	case 13: {
		static const long opts[] = {PR_SET_NAME, PR_GET_NAME, 3 /* GET_DUMPABLE */, 9999,
					    -1};
		C5(SYS_prctl, PICK(opts), rptr(16), 0, 0, 0);
		break;
	}
	case 14: { /* arch_prctl: the FS base comes back at once */
		long fs;
		sc(SYS_arch_prctl, ARCH_GET_FS, (long)&fs, 0, 0, 0, 0);
		static const long codes[] = {
		    ARCH_SET_FS, ARCH_GET_FS, ARCH_SET_GS, ARCH_GET_GS, 0x1011 /* GET_CPUID */,
		    0x3001,	 0x4001,      -1};
		long code = PICK(codes);
		C2(SYS_arch_prctl, code, code == ARCH_SET_FS ? rptr(8) : rptr(8));
		sc(SYS_arch_prctl, ARCH_SET_FS, fs, 0, 0, 0, 0);
		break;
	}
	default:
		g_kill();
	}
}

static void unserved(void)
{
	static const long odd[] = {335, 400,	 512, 1000, 0x40000000, 0x40000000 | SYS_getpid,
				   -1,	LONG_MAX};
	long a[6] = {rfd(), rptr(64), rlen(), 0, 0, 0};
	long nr;

	switch (below(24)) {
	case 0:
		nr = SYS_mincore, a[0] = (long)zone, a[1] = rlen(), a[2] = rptr(16);
		break;
	case 1:
		nr = SYS_flock, a[1] = rflags(0xf) | LOCK_NB;
		break;
	case 2:
		nr = SYS_times, a[0] = rptr(32);
		break;
	case 3:
		nr = SYS_getpriority, a[0] = rsmall(), a[1] = 0;
		break;
	case 4:
		nr = SYS_statfs, a[0] = rpath(), a[1] = rptr(120);
		break;
	case 5:
		nr = SYS_fstatfs, a[1] = rptr(120);
		break;
	case 6:
		nr = SYS_sched_getparam, a[0] = 0, a[1] = rptr(4);
		break;
	case 7:
		nr = SYS_epoll_create1, a[0] = rflags(O_CLOEXEC);
		break;
	case 8:
		nr = SYS_eventfd2, a[0] = rsmall(), a[1] = rflags(O_CLOEXEC) | O_NONBLOCK;
		break;
	case 9:
		nr = SYS_memfd_create, a[0] = rpath(), a[1] = rflags(3);
		break;
	case 10:
		nr = SYS_timerfd_create, a[0] = chance(2) ? CLOCK_MONOTONIC : rsmall(),
		a[1] = rflags(O_CLOEXEC) | O_NONBLOCK;
		break;
	case 11:
		nr = SYS_getcpu, a[0] = rptr(4), a[1] = rptr(4), a[2] = 0;
		break;
	case 12:
		nr = SYS_membarrier, a[0] = 0, a[1] = 0;
		break;
	case 13:
		nr = SYS_copy_file_range, a[1] = 0, a[2] = rfd(), a[3] = 0,
		a[4] = (long)below(4096);
		break;
	case 14:
		nr = SYS_socket, a[0] = rsmall(), a[1] = rsmall() | SOCK_NONBLOCK, a[2] = 0;
		break;
	case 15:
		nr = SYS_truncate, a[0] = rpath(), a[1] = (long)below(5000);
		break;
	case 16:
		nr = SYS_getdents;
		break;
	case 17:
		nr = SYS_getitimer, a[0] = rsmall(), a[1] = rptr(32);
		break;
	case 18:
		nr = SYS_personality, a[0] = 0xffffffff; /* only asks */
		break;
	case 19:
		nr = SYS_waitid, a[0] = P_ALL, a[1] = 0, a[2] = rptr(128), a[3] = WNOHANG | WEXITED;
		break;
	case 20:
		nr = SYS_sendfile, a[1] = rfd(), a[2] = chance(2) ? 0 : rptr(8),
		a[3] = (long)below(4096);
		break;
	case 21:
		nr = SYS_readahead, a[1] = roff(), a[2] = (long)below(4096);
		break;
	case 22:
		nr = SYS_close_range, a[0] = 1000, a[1] = 2000, a[2] = 0;
		break;
	default:
		nr = PICK(odd);
	}
	long r = C6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (nr == SYS_epoll_create1 || nr == SYS_eventfd2 || nr == SYS_memfd_create ||
	    nr == SYS_timerfd_create || nr == SYS_socket)
		keep_fd(r);
}

static void g_misc(void)
{
	switch (below(6)) {
	case 0: {
		long len = rlen();
		C3(SYS_getrandom, rptr(len), len, chance(2) ? rflags(7) : GRND_NONBLOCK);
		break;
	}
	case 1: { /* set_tid_address: then back to nothing, as the child has it */
		C1(SYS_set_tid_address, rptr(4));
		sc(SYS_set_tid_address, 0, 0, 0, 0, 0, 0);
		break;
	}
	case 2:
		C2(SYS_set_robust_list, rptr(24), chance(2) ? 24 : rlen());
		break;
	case 3:
		C4(SYS_rseq, rptr(32), chance(2) ? 32 : rlen(), rflags(1), rsmall());
		break;
	case 4:
		C0(SYS_sync);
		break;
	default: /* calls linuxd does not serve; none of them can block or end us */
		unserved();
	}
}

static void one_call(void)
{
	uint64_t k = below(100);

	if (k < 14)
		g_rw();
	else if (k < 22)
		g_open();
	else if (k < 32)
		g_fd();
	else if (k < 42)
		g_stat();
	else if (k < 52)
		g_path();
	else if (k < 57)
		g_pipe();
	else if (k < 64)
		g_poll();
	else if (k < 72)
		g_mem(), chance(3) ? g_mmap() : (void)0;
	else if (k < 78)
		g_mmap();
	else if (k < 84)
		g_sig();
	else if (k < 89)
		g_time();
	else if (k < 94)
		g_proc();
	else if (k < 95)
		g_misc();
	else if (k < 96)
		depth ? g_misc() : g_thread();
	else if (k < 97)
		depth ? g_misc() : g_fork();
	else if (k < 98)
		depth ? g_misc() : g_clone();
	else
		depth ? g_misc() : g_doomed();
}

/* -------------------------------------------------------------- a batch */

static long open_at_least(const char *path, int flags)
{
	long fd = sc(SYS_open, (long)path, flags, 0644, 0, 0, 0);

	if (fd >= 0)
		keep_fd(fd);
	return fd;
}

/* Empties the directory path (a bounded depth of it). */
static void clean_tree(const char *path, int levels)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char sub[512];

	if (!d)
		return;
	for (int i = 0; i < 256 && (e = readdir(d)) != NULL; i++) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		if (unlink(sub) != 0 && levels > 0) {
			clean_tree(sub, levels - 1);
			rmdir(sub);
		}
	}
	closedir(d);
}

static void clean_scratch(void)
{
	for (int pass = 0; pass < 2; pass++)
		clean_tree(SCRATCH, 6);
}

/* The child of batch k: a world of its own, then n calls. */
static void batch(uint64_t seed, long k, long n)
{
	uint64_t x = seed ^ ((uint64_t)k * 0xd1342543de82ef95ull);
	long null;
	struct sigaction sa;

	rs = splitmix(&x);
	depth = 0;
	sc(SYS_setpgid, 0, 0, 0, 0, 0, 0); /* a group of its own, for the parent to kill */
	npool = 0;
	if (trace_fd >= 0)
		trace_fd = (int)sc(SYS_dup2, 1, 250, 0, 0, 0, 0);
	null = sc(SYS_open, (long)"/dev/null", O_RDWR, 0, 0, 0, 0);
	if (null < 0) /* never make calls with the parent's output */
		sc(SYS_exit_group, 3, 0, 0, 0, 0, 0);
	for (int fd = 0; fd < 3; fd++)
		sc(SYS_dup2, null, fd, 0, 0, 0, 0);
	sc(SYS_close, null, 0, 0, 0, 0, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	for (int s = 1; s < 32; s++)
		if (s != SIGKILL && s != SIGSTOP && s != SIGSEGV && s != SIGBUS && s != SIGILL &&
		    s != SIGFPE && s != SIGCHLD && s != SIGCONT && s != SIGWINCH && s != SIGURG)
			sigaction(s, &sa, NULL);
	sc(SYS_chdir, (long)SCRATCH, 0, 0, 0, 0, 0);
	sc(SYS_mkdir, (long)SCRATCH "/d", 0755, 0, 0, 0, 0);
	long f = open_at_least(SCRATCH "/a", O_RDWR | O_CREAT | O_TRUNC);
	if (f >= 0)
		sc(SYS_write, f, (long)"lxfuzz scratch file\n", 20, 0, 0, 0);
	open_at_least(SCRATCH "/a", O_RDONLY);
	open_at_least("/dev/null", O_RDWR);
	open_at_least("/dev/zero", O_RDONLY);
	open_at_least("/dev/urandom", O_RDONLY);
	open_at_least("/", O_RDONLY | O_DIRECTORY);
	open_at_least(SCRATCH, O_RDONLY | O_DIRECTORY);
	open_at_least("/etc/hostname", O_RDONLY);
	int p[2];
	if (pipe2(p, O_NONBLOCK) == 0) {
		keep_fd(p[0]);
		keep_fd(p[1]);
		sc(SYS_write, p[1], (long)"pipe", 4, 0, 0, 0);
	}
	closed_fd = (int)sc(SYS_open, (long)"/dev/null", O_RDONLY, 0, 0, 0, 0);
	sc(SYS_close, closed_fd, 0, 0, 0, 0, 0);
	for (int i = 0; i < KIDS; i++)
		kids[i] = 0;
	thread_stacks = mmap(NULL, THREADS * THREAD_STACK, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (thread_stacks == MAP_FAILED)
		thread_stacks = NULL;
	for (int i = 0; i < THREADS; i++)
		thread_tid[i] = 0;

	for (long i = 0; i < n; i++)
		one_call();

	for (int i = 0; i < KIDS; i++)
		if (kids[i] > 0) {
			sc(SYS_kill, kids[i], SIGKILL, 0, 0, 0, 0);
			sc(SYS_wait4, kids[i], 0, __WALL, 0, 0, 0);
		}
	reap_some();
	sc(SYS_exit_group, 0, 0, 0, 0, 0, 0);
}

/* ------------------------------------------------------------- the parent */

static const char *name_of(long nr)
{
	static const struct {
		long nr;
		const char *name;
	} names[] = {
#define N(x) {SYS_##x, #x}
	    N(read),
	    N(write),
	    N(open),
	    N(close),
	    N(stat),
	    N(fstat),
	    N(lstat),
	    N(poll),
	    N(lseek),
	    N(mmap),
	    N(mprotect),
	    N(munmap),
	    N(brk),
	    N(rt_sigaction),
	    N(rt_sigprocmask),
	    N(rt_sigreturn),
	    N(ioctl),
	    N(pread64),
	    N(pwrite64),
	    N(readv),
	    N(writev),
	    N(access),
	    N(pipe),
	    N(select),
	    N(sched_yield),
	    N(mremap),
	    N(msync),
	    N(madvise),
	    N(dup),
	    N(dup2),
	    N(nanosleep),
	    N(getpid),
	    N(clone),
	    N(fork),
	    N(vfork),
	    N(execve),
	    N(exit),
	    N(wait4),
	    N(kill),
	    N(uname),
	    N(fcntl),
	    N(fsync),
	    N(fdatasync),
	    N(ftruncate),
	    N(getcwd),
	    N(chdir),
	    N(fchdir),
	    N(rename),
	    N(mkdir),
	    N(rmdir),
	    N(unlink),
	    N(readlink),
	    N(chmod),
	    N(fchmod),
	    N(chown),
	    N(fchown),
	    N(lchown),
	    N(umask),
	    N(gettimeofday),
	    N(getrlimit),
	    N(getrusage),
	    N(sysinfo),
	    N(setpgid),
	    N(setsid),
	    N(getpgid),
	    N(getsid),
	    N(getresuid),
	    N(getresgid),
	    N(getgroups),
	    N(setgroups),
	    N(rt_sigpending),
	    N(rt_sigtimedwait),
	    N(rt_sigsuspend),
	    N(sigaltstack),
	    N(prctl),
	    N(arch_prctl),
	    N(sync),
	    N(tkill),
	    N(time),
	    N(futex),
	    N(sched_getaffinity),
	    N(getdents64),
	    N(set_tid_address),
	    N(fadvise64),
	    N(clock_gettime),
	    N(clock_getres),
	    N(clock_nanosleep),
	    N(exit_group),
	    N(tgkill),
	    N(openat),
	    N(mkdirat),
	    N(newfstatat),
	    N(unlinkat),
	    N(renameat),
	    N(readlinkat),
	    N(faccessat),
	    N(pselect6),
	    N(ppoll),
	    N(set_robust_list),
	    N(utimensat),
	    N(dup3),
	    N(pipe2),
	    N(prlimit64),
	    N(getrandom),
	    N(rseq),
	    N(statx),
	    N(clone3),
	    N(faccessat2),
#undef N
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].nr == nr)
			return names[i].name;
	return nr == -2 ? "a fault" : "another syscall";
}

static void setup_world(void)
{
	/* The shared page first, so that it never fills the hole. */
	sh = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char *m = mmap(NULL, 28 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED || sh == MAP_FAILED) {
		printf("lxfuzz: no memory for the world\n");
		exit(2);
	}
	buf = m;
	ro = m + 8 * PAGE;
	memcpy(ro, "/etc/hostname", 14);
	mprotect(ro, PAGE, PROT_READ);
	edge = m + 10 * PAGE;
	hole = edge;
	munmap(hole, PAGE);
	zone = m + 11 * PAGE;
	/* and a page not mapped between the zone and whatever comes after
	 * it (the shared page, as a rule): a read of a huge length into the
	 * zone must not run on into memory that is no part of the game */
	munmap(zone + ZONE_PAGES * PAGE, PAGE);
}

static const char *ended(int st, char *what, size_t n)
{
	if (WIFSIGNALED(st))
		snprintf(what, n, "killed by signal %d", WTERMSIG(st));
	else if (WIFEXITED(st))
		snprintf(what, n, "exited %d", WEXITSTATUS(st));
	else
		snprintf(what, n, "ended as 0x%x", st);
	return what;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: lxfuzz SEED COUNT [BATCH [trace]]\n");
		return 2;
	}
	uint64_t seed = strtoull(argv[1], NULL, 0);
	long count = strtol(argv[2], NULL, 0);
	long only = argc > 3 ? strtol(argv[3], NULL, 0) : -1;
	long total = 0, nb = 0, exited = 0, killed = 0, hung = 0, next_report = 1000;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 4 && strcmp(argv[4], "trace") == 0)
		trace_fd = 1;
	printf("lxfuzz: seed %llu count %ld\n", (unsigned long long)seed, count);
	setup_world();
	mkdir(SCRATCH, 0755);
	signal(SIGPIPE, SIG_IGN);

	/* Bounded: a batch that makes no call still counts as one. */
	for (long k = only >= 0 ? only : 0; total < count && nb < count; k++) {
		long n = count - total < BATCH_CALLS ? count - total : BATCH_CALLS;
		int st = 0;
		char what[64];

		mkdir(SCRATCH, 0755); /* a batch may have renamed it away */
		clean_scratch();
		sh->calls = 0;
		sh->nr = -1;
		long pid = fork();
		if (pid < 0) {
			printf("lxfuzz: batch %ld: fork: %s\n", k, strerror(errno));
			break;
		}
		if (pid == 0)
			batch(seed, k, n);
		nb++;
		/* Sleeps of 1, 2, 4... 64 ms: a batch under linuxd takes a few. */
		long r = 0;
		for (int i = 0; i < WAIT_ROUNDS && r == 0; i++) {
			r = waitpid(pid, &st, WNOHANG);
			if (r == 0) {
				struct timespec ts = {0, (1l << (i < 6 ? i : 6)) * 1000000};
				nanosleep(&ts, NULL);
			}
		}
		if (r == 0) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			hung++;
			printf("lxfuzz: batch %ld: never ended, killed after call %ld (%s%s)\n", k,
			       sh->calls, sh->in_grand ? "a grandchild's " : "", name_of(sh->nr));
		} else if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
			exited++;
		} else {
			killed++;
			printf("lxfuzz: batch %ld: %s after call %ld (%s%s)\n", k,
			       ended(st, what, sizeof(what)), sh->calls,
			       sh->in_grand ? "a grandchild's " : "", name_of(sh->nr));
		}
		/* Whatever the batch left (a grandchild stopped, or orphaned when
		 * its parent was killed) dies with its group; a CLONE_PARENT
		 * grandchild is ours to reap. */
		kill(-pid, SIGKILL);
		while (waitpid(-1, &st, WNOHANG | __WALL) > 0)
			;
		/* a batch's child and its grandchildren make GRAND_CALLS + 3 calls
		 * at most for each of the child's own */
		long made = sh->calls;
		if (made < 0 || made > n * (GRAND_CALLS + 3)) {
			printf("lxfuzz: batch %ld: its count of calls was overwritten (%ld)\n", k,
			       made);
			made = n;
		}
		total += made;
		if (total >= next_report) {
			printf("lxfuzz: %ld calls\n", total / 1000 * 1000);
			next_report = (total / 1000 + 1) * 1000;
		}
		if (only >= 0)
			break;
	}
	clean_scratch();
	rmdir(SCRATCH);
	printf("lxfuzz: done %ld calls in %ld batches: %ld exited, %ld killed, %ld never ended\n",
	       total, nb, exited, killed, hung);
	return 0;
}
