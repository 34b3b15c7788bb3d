// SPDX-License-Identifier: BSD-3-Clause
/*
 * A hostile Linux program (issue 14, "Hostile cases"): every call linuxd
 * serves that takes a pointer is given bad ones, and each answer is
 * printed as one line, "CALL ARG=CASE RESULT", the raw result of the
 * syscall instruction (-errno on failure).  The same static binary runs
 * under linuxd and on the Linux host, and tests/qemu/linuxdiff_test.py
 * compares the lines.
 *
 *   badptr SCRATCH_DIR
 *
 * SCRATCH_DIR is made, used and removed again.
 * The cases: NULL, 0x1, a kernel address, the first non-canonical
 * address, a page that was mapped and is not any more, a read-only page
 * (for calls that write), and an object that starts in the last bytes of
 * a mapping and runs off its end.  Every call is made through the syscall
 * instruction itself, never through glibc (no vDSO, no fallbacks).
 * Results that are addresses, pids or times are printed as such, not as
 * numbers, since they differ between any two runs.  Standard input must
 * be a terminal that is the program's controlling terminal.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <linux/futex.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/time.h>
#include <time.h>
#include "rawsys.h"

#define PAGE 4096L

enum { C_NULL, C_ONE, C_KERNEL, C_NONCANON, C_UNMAPPED, C_READONLY, C_RUNOFF, NCASE };
static const char *const case_name[NCASE] = {"null",	 "one",	     "kernel", "noncanonical",
					     "unmapped", "readonly", "runoff"};

static char *edge;  /* the end of a mapped page; the page after it is not mapped */
static char *hole;  /* a page that is not mapped */
static char *ro;    /* a read-only page of zeros */
static char *good;  /* a scratch page */
static long brk0;   /* the program break at start */
static int self;    /* getpid() */
static char **envp; /* ours */
static const char *exe;

#define S0(n)		     sc(n, 0, 0, 0, 0, 0, 0)
#define S1(n, a)	     sc(n, (long)(a), 0, 0, 0, 0, 0)
#define S2(n, a, b)	     sc(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define S3(n, a, b, c)	     sc(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define S4(n, a, b, c, d)    sc(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define S5(n, a, b, c, d, e) sc(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)
#define S6(n, a, b, c, d, e, f)                                                                    \
	sc(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

/* An address for an object of n bytes, as case c says. */
static long ptr(int c, long n)
{
	switch (c) {
	case C_NULL:
		return 0;
	case C_ONE:
		return 1;
	case C_KERNEL:
		return (long)0xffff800000000000ull;
	case C_NONCANON:
		return 0x0000800000000000l;
	case C_UNMAPPED:
		return (long)hole;
	case C_READONLY:
		return (long)ro;
	default:
		return (long)(edge - (n > 1 ? n / 2 : 1));
	}
}

/* A string: the read-only page's is "", the run-off one has no end. */
static long str(int c)
{
	if (c == C_RUNOFF) {
		memset(edge - 8, 'a', 8);
		return (long)(edge - 8);
	}
	return ptr(c, 1);
}

static void show(const char *call, const char *arg, int c, long r)
{
	if (r == -4095 || (r > -4096 && r < 65536))
		printf("%s %s=%s %ld\n", call, arg, case_name[c], r);
	else
		printf("%s %s=%s big\n", call, arg, case_name[c]);
	fflush(stdout);
}

static void show_text(const char *call, const char *arg, int c, const char *what)
{
	printf("%s %s=%s %s\n", call, arg, case_name[c], what);
	fflush(stdout);
}

static void show_status(const char *call, const char *arg, int c, int st)
{
	char what[64];

	if (WIFSIGNALED(st))
		snprintf(what, sizeof(what), "child killed by signal %d", WTERMSIG(st));
	else
		snprintf(what, sizeof(what), "child exited %d", WEXITSTATUS(st));
	show_text(call, arg, c, what);
}

/* The lowest free descriptor: shows a descriptor a failed call leaked. */
static void show_next_fd(const char *call, int c)
{
	long fd = S1(SYS_dup, 0);

	printf("%s next-fd-after=%s %ld\n", call, case_name[c], fd);
	fflush(stdout);
	S1(SYS_close, fd);
}

#define EACH for (int c = 0; c < NCASE; c++)

static int fd_file, fd_write, fd_dir;

static void rewind_file(void)
{
	S3(SYS_lseek, fd_file, 0, SEEK_SET);
}

static void files(void)
{
	struct stat st;
	struct iovec iov;

	EACH
	{
		rewind_file();
		show("read", "buf", c, S3(SYS_read, fd_file, ptr(c, 16), 16));
	}
	rewind_file();
	printf("read len-runs-off %ld\n", S3(SYS_read, fd_file, edge - PAGE, 2 * PAGE));
	printf("read terminal-len-0 %ld\n", S3(SYS_read, 0, ptr(0, 16), 0)); /* at once */
	EACH show("write", "buf", c, S3(SYS_write, fd_write, ptr(c, 16), 16));
	printf("write len-runs-off %ld\n", S3(SYS_write, fd_write, edge - PAGE, 2 * PAGE));
	EACH
	{
		rewind_file();
		show("pread64", "buf", c, S4(SYS_pread64, fd_file, ptr(c, 16), 16, 0));
	}
	EACH show("pwrite64", "buf", c, S4(SYS_pwrite64, fd_write, ptr(c, 16), 16, 0));
	{
		off_t o = 0;
		long r = S4(SYS_sendfile, fd_write, fd_file, &o, 16);
		printf("sendfile offset=good %ld now %ld\n", r, (long)o);
		rewind_file();
		r = S4(SYS_sendfile, fd_write, fd_file, 0, 16);
		printf("sendfile offset=none %ld pos %ld\n", r,
		       S3(SYS_lseek, fd_file, 0, SEEK_CUR));
		EACH show("sendfile", "offset", c,
			  S4(SYS_sendfile, fd_write, fd_file, ptr(c, 8), 16));
		printf("sendfile from-dir %ld\n", S4(SYS_sendfile, fd_write, fd_dir, 0, 16));
		printf("sendfile bad-fd %ld\n", S4(SYS_sendfile, 999, fd_file, 0, 16));
	}
	EACH
	{
		rewind_file();
		show("readv", "iov", c, S3(SYS_readv, fd_file, ptr(c, 16), 1));
		iov.iov_base = (void *)ptr(c, 16);
		iov.iov_len = 16;
		rewind_file();
		show("readv", "iov_base", c, S3(SYS_readv, fd_file, &iov, 1));
	}
	EACH
	{
		if (c != C_READONLY)
			show("writev", "iov", c, S3(SYS_writev, fd_write, ptr(c, 16), 1));
		iov.iov_base = (void *)ptr(c, 16);
		iov.iov_len = 16;
		show("writev", "iov_base", c, S3(SYS_writev, fd_write, &iov, 1));
	}
	EACH
	{
		long r = S2(SYS_open, str(c), O_RDONLY);
		show("open", "path", c, r);
		if (r >= 0)
			S1(SYS_close, r);
		r = S4(SYS_openat, AT_FDCWD, str(c), O_RDONLY, 0);
		show("openat", "path", c, r);
		if (r >= 0)
			S1(SYS_close, r);
	}
	EACH
	{
		show("stat", "path", c, S2(SYS_stat, str(c), &st));
		show("stat", "buf", c, S2(SYS_stat, "f", ptr(c, sizeof(st))));
		show("lstat", "path", c, S2(SYS_lstat, str(c), &st));
		show("lstat", "buf", c, S2(SYS_lstat, "f", ptr(c, sizeof(st))));
		show("fstat", "buf", c, S2(SYS_fstat, fd_file, ptr(c, sizeof(st))));
		show("newfstatat", "path", c, S4(SYS_newfstatat, AT_FDCWD, str(c), &st, 0));
		show("newfstatat", "buf", c,
		     S4(SYS_newfstatat, AT_FDCWD, "f", ptr(c, sizeof(st)), 0));
		show("statx", "path", c, S5(SYS_statx, AT_FDCWD, str(c), 0, 0x7ff, good));
		show("statx", "buf", c, S5(SYS_statx, AT_FDCWD, "f", 0, 0x7ff, ptr(c, 256)));
	}
	EACH
	{
		show("access", "path", c, S2(SYS_access, str(c), F_OK));
		show("faccessat", "path", c, S3(SYS_faccessat, AT_FDCWD, str(c), F_OK));
		show("faccessat2", "path", c, S4(SYS_faccessat2, AT_FDCWD, str(c), F_OK, 0));
		show("chdir", "path", c, S1(SYS_chdir, str(c)));
		show("mkdir", "path", c, S2(SYS_mkdir, str(c), 0755));
		show("mkdirat", "path", c, S3(SYS_mkdirat, AT_FDCWD, str(c), 0755));
		show("rmdir", "path", c, S1(SYS_rmdir, str(c)));
		show("unlink", "path", c, S1(SYS_unlink, str(c)));
		show("unlinkat", "path", c, S3(SYS_unlinkat, AT_FDCWD, str(c), 0));
		show("rename", "old", c, S2(SYS_rename, str(c), "g"));
		show("rename", "new", c, S2(SYS_rename, "f", str(c)));
		show("renameat", "old", c, S4(SYS_renameat, AT_FDCWD, str(c), AT_FDCWD, "g"));
		show("renameat", "new", c, S4(SYS_renameat, AT_FDCWD, "f", AT_FDCWD, str(c)));
		show("readlink", "path", c, S3(SYS_readlink, str(c), good, 64));
		/* runoff: 2 bytes before the end, less than either side's target */
		show("readlink", "buf", c, S3(SYS_readlink, "/bin/sh", ptr(c, 4), 64));
		show("readlinkat", "path", c, S4(SYS_readlinkat, AT_FDCWD, str(c), good, 64));
		show("chmod", "path", c, S2(SYS_chmod, str(c), 0644));
		show("chown", "path", c, S3(SYS_chown, str(c), 0, 0));
		show("lchown", "path", c, S3(SYS_lchown, str(c), 0, 0));
		show("utimensat", "path", c, S4(SYS_utimensat, AT_FDCWD, str(c), 0, 0));
		show("utimensat", "times", c, S4(SYS_utimensat, AT_FDCWD, "f", ptr(c, 32), 0));
	}
	EACH
	{
		S3(SYS_lseek, fd_dir, 0, SEEK_SET);
		long p = c == C_RUNOFF ? (long)(edge - 8) : ptr(c, PAGE);
		show("getdents64", "buf", c, S3(SYS_getdents64, fd_dir, p, PAGE));
		show("getcwd", "buf", c,
		     S2(SYS_getcwd, c == C_RUNOFF ? (long)(edge - 4) : ptr(c, 200), 200));
	}
	EACH
	{
		show("fcntl", "F_GETLK", c, S3(SYS_fcntl, fd_file, F_GETLK, ptr(c, 32)));
		show("fcntl", "F_SETLK", c, S3(SYS_fcntl, fd_file, F_SETLK, ptr(c, 32)));
	}
	EACH
	{
		long r = S1(SYS_pipe, ptr(c, 8));
		show("pipe", "fds", c, r);
		if (r == 0 && c == C_RUNOFF)
			S1(SYS_close, *(int *)(edge - 4)); /* the one stored */
		show_next_fd("pipe", c);
		r = S2(SYS_pipe2, ptr(c, 8), 0);
		show("pipe2", "fds", c, r);
		show_next_fd("pipe2", c);
	}
}

static void terminal(void)
{
	EACH
	{
		show("ioctl TCGETS", "arg", c, S3(SYS_ioctl, 0, TCGETS, ptr(c, 36)));
		if (c != C_READONLY) /* zeros would be a valid termios */
			show("ioctl TCSETS", "arg", c, S3(SYS_ioctl, 0, TCSETS, ptr(c, 36)));
		show("ioctl TIOCGWINSZ", "arg", c, S3(SYS_ioctl, 0, TIOCGWINSZ, ptr(c, 8)));
		show("ioctl TIOCGPGRP", "arg", c, S3(SYS_ioctl, 0, TIOCGPGRP, ptr(c, 4)));
		if (c != C_READONLY)
			show("ioctl TIOCSPGRP", "arg", c, S3(SYS_ioctl, 0, TIOCSPGRP, ptr(c, 4)));
		show("ioctl FIONREAD", "arg", c, S3(SYS_ioctl, 0, FIONREAD, ptr(c, 4)));
	}
}

static void waiting(void)
{
	struct timespec zero = {0, 0};
	struct timeval tv0 = {0, 0};
	struct pollfd {
		int fd;
		short events, revents;
	};

	EACH
	{
		show("poll", "fds", c, S3(SYS_poll, ptr(c, 8), 1, 0));
		show("ppoll", "fds", c, S5(SYS_ppoll, ptr(c, 8), 1, &zero, 0, 8));
		if (c != C_NULL) /* no timeout: it would wait for ever */
			show("ppoll", "timeout", c, S5(SYS_ppoll, 0, 0, ptr(c, 16), 0, 8));
		show("ppoll", "sigmask", c, S5(SYS_ppoll, 0, 0, &zero, ptr(c, 8), 8));
		tv0.tv_sec = tv0.tv_usec = 0;
		show("select", "readfds", c, S5(SYS_select, 1, ptr(c, 8), 0, 0, &tv0));
		if (c != C_NULL)
			show("select", "timeout", c, S5(SYS_select, 0, 0, 0, 0, ptr(c, 16)));
		show("pselect6", "readfds", c, S6(SYS_pselect6, 1, ptr(c, 8), 0, 0, &zero, 0));
		if (c != C_NULL)
			show("pselect6", "timeout", c, S6(SYS_pselect6, 0, 0, 0, 0, ptr(c, 16), 0));
		show("pselect6", "sigmask", c, S6(SYS_pselect6, 0, 0, 0, 0, &zero, ptr(c, 16)));
	}
	struct timespec tiny = {0, 1000};
	EACH
	{
		show("nanosleep", "req", c, S2(SYS_nanosleep, ptr(c, 16), 0));
		show("nanosleep", "rem", c, S2(SYS_nanosleep, &tiny, ptr(c, 16)));
		show("clock_nanosleep", "req", c,
		     S4(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, ptr(c, 16), 0));
	}
	uint32_t word = 7;
	EACH
	{
		show("futex WAIT_PRIVATE", "uaddr", c,
		     S4(SYS_futex, ptr(c, 4), FUTEX_WAIT_PRIVATE, 1, &zero));
		show("futex WAKE", "uaddr", c, S3(SYS_futex, ptr(c, 4), FUTEX_WAKE, 1));
		show("futex WAKE_PRIVATE", "uaddr", c,
		     S3(SYS_futex, ptr(c, 4), FUTEX_WAKE_PRIVATE, 1));
		if (c != C_NULL && c != C_READONLY) /* those are no timeout, or a zero one */
			show("futex WAIT_PRIVATE", "timeout", c,
			     S4(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 7, ptr(c, 16)));
	}
}

static void identity(void)
{
	EACH
	{
		show("uname", "buf", c, S1(SYS_uname, ptr(c, 390)));
		show("gettimeofday", "tv", c, S2(SYS_gettimeofday, ptr(c, 16), 0));
		show("gettimeofday", "tz", c, S2(SYS_gettimeofday, 0, ptr(c, 8)));
		show("time", "tloc", c, S1(SYS_time, ptr(c, 8)));
		show("clock_gettime", "tp", c, S2(SYS_clock_gettime, CLOCK_MONOTONIC, ptr(c, 16)));
		show("clock_getres", "res", c, S2(SYS_clock_getres, CLOCK_MONOTONIC, ptr(c, 16)));
		show("getrlimit", "rlim", c, S2(SYS_getrlimit, RLIMIT_NOFILE, ptr(c, 16)));
		if (c != C_READONLY) /* zeros would be a limit of no files */
			show("prlimit64", "new", c,
			     S4(SYS_prlimit64, 0, RLIMIT_NOFILE, ptr(c, 16), 0));
		show("prlimit64", "old", c, S4(SYS_prlimit64, 0, RLIMIT_NOFILE, 0, ptr(c, 16)));
		show("getrusage", "usage", c, S2(SYS_getrusage, RUSAGE_SELF, ptr(c, 144)));
		show("sysinfo", "info", c, S1(SYS_sysinfo, ptr(c, 112)));
		show("getrandom", "buf", c, S3(SYS_getrandom, ptr(c, 16), 16, 0));
		show("sigaltstack", "ss", c, S2(SYS_sigaltstack, ptr(c, 24), 0));
		show("sigaltstack", "old_ss", c, S2(SYS_sigaltstack, 0, ptr(c, 24)));
		show("arch_prctl GET_FS", "addr", c, S2(SYS_arch_prctl, 0x1003, ptr(c, 8)));
		if (c == C_KERNEL || c == C_NONCANON) /* the others would be a new TLS */
			show("arch_prctl SET_FS", "addr", c, S2(SYS_arch_prctl, 0x1002, ptr(c, 8)));
		show("prctl SET_NAME", "name", c, S2(SYS_prctl, PR_SET_NAME, str(c)));
		show("prctl GET_NAME", "name", c, S2(SYS_prctl, PR_GET_NAME, ptr(c, 16)));
		long r = S1(SYS_set_tid_address, ptr(c, 4));
		if (r == self)
			show_text("set_tid_address", "tidptr", c, "tid");
		else
			show("set_tid_address", "tidptr", c, r);
		show("set_robust_list", "head", c, S2(SYS_set_robust_list, ptr(c, 24), 24));
	}
	printf("set_robust_list len=1 %ld\n", S2(SYS_set_robust_list, good, 1));
}

static void signals(void)
{
	EACH
	{
		show("rt_sigaction", "act", c, S4(SYS_rt_sigaction, SIGUSR1, ptr(c, 32), 0, 8));
		show("rt_sigaction", "oldact", c, S4(SYS_rt_sigaction, SIGUSR1, 0, ptr(c, 32), 8));
		show("rt_sigprocmask", "set", c,
		     S4(SYS_rt_sigprocmask, SIG_BLOCK, ptr(c, 8), 0, 8));
		show("rt_sigprocmask", "oldset", c,
		     S4(SYS_rt_sigprocmask, SIG_BLOCK, 0, ptr(c, 8), 8));
	}
}

static void memory(void)
{
	EACH
	{
		long a = c == C_RUNOFF ? (long)(edge - PAGE) : ptr(c, PAGE);
		long len = c == C_RUNOFF ? 2 * PAGE : PAGE;
		if (c != C_NULL && c != C_READONLY && c != C_RUNOFF) {
			long r = S6(SYS_mmap, a, PAGE, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
			show("mmap MAP_FIXED", "addr", c, r);
			if (c == C_UNMAPPED && r == a)
				S2(SYS_munmap, a, PAGE);
		}
		long r = S6(SYS_mmap, a, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		show_text("mmap hint", "addr", c, r < 0 ? "failed" : "mapped");
		if (r >= 0 && r != (long)ro && r != (long)edge - PAGE)
			S2(SYS_munmap, r, PAGE);
		if (c != C_READONLY && c != C_RUNOFF) {
			show("munmap", "addr", c, S2(SYS_munmap, a, len));
			show("madvise", "addr", c, S3(SYS_madvise, a, len, MADV_DONTNEED));
		}
		show("msync", "addr", c, S3(SYS_msync, a, len, MS_SYNC));
		show("rseq", "rseq", c, S4(SYS_rseq, ptr(c, 32), 32, 0, 0x53053053));
		if (c != C_READONLY) {
			show("mprotect", "addr", c, S3(SYS_mprotect, a, len, PROT_READ));
			S3(SYS_mprotect, edge - PAGE, PAGE, PROT_READ | PROT_WRITE);
			show("mremap", "old", c, S5(SYS_mremap, a, len, 2 * len, 0, 0));
		}
		r = S1(SYS_brk, ptr(c, 1));
		show_text("brk", "addr", c, r == brk0 ? "unchanged" : "moved");
	}
	printf("mmap len=0 %ld\n",
	       S6(SYS_mmap, 0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	long r = S6(SYS_mmap, 0, 1l << 47, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("mmap len=2^47 %ld\n", r);
	r = S6(SYS_mmap, 0x0000800000000000l - PAGE, 2 * PAGE, PROT_READ,
	       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	printf("mmap fixed-across-the-top %ld\n", r);
	fflush(stdout);
}

/* ------------------------------------------------ calls that need a child */

static int wait_child(long pid)
{
	int st = 0;

	if (pid > 0)
		S4(SYS_wait4, pid, &st, 0, 0);
	return st;
}

/* clone whose child touches its stack and exits 0. */
static long clone_touching(long flags, long stack, long ptid)
{
	long r;
	register long r10 __asm__("r10") = 0;
	register long r8 __asm__("r8") = 0;

	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "push %%rax\n\t"
			 "mov $231, %%eax\n\t"
			 "xor %%edi, %%edi\n\t"
			 "syscall\n\t"
			 "1:\n\t"
			 : "=a"(r)
			 : "a"((long)SYS_clone), "D"(flags), "S"(stack), "d"(ptid), "r"(r10),
			   "r"(r8)
			 : "rcx", "r11", "memory");
	return r;
}

static void children(void)
{
	EACH
	{
		long r = clone_touching(SIGCHLD | CLONE_PARENT_SETTID, 0, ptr(c, 4));
		if (r > 0)
			show_text("clone", "parent_tid", c, "a child");
		else
			show("clone", "parent_tid", c, r);
		wait_child(r);
		if (c == C_NULL)
			continue; /* no stack is the parent's */
		long stack = c == C_RUNOFF ? (long)edge + 8 : ptr(c, 16) + 2048 * (c == C_READONLY);
		r = clone_touching(SIGCHLD, stack, 0);
		if (r > 0)
			show_status("clone", "stack", c, wait_child(r));
		else
			show("clone", "stack", c, r);
	}
	EACH
	{
		long pid = S0(SYS_fork);
		if (pid == 0)
			S1(SYS_exit_group, 0);
		long r = S4(SYS_wait4, pid, ptr(c, 4), 0, 0);
		if (r == pid)
			show_text("wait4", "status", c, "the child");
		else
			show("wait4", "status", c, r);
		show("wait4", "status-then", c, S4(SYS_wait4, -1, 0, WNOHANG, 0) > 0 ? 1 : 0);
		pid = S0(SYS_fork);
		if (pid == 0)
			S1(SYS_exit_group, 0);
		r = S4(SYS_wait4, pid, 0, 0, ptr(c, 144));
		if (r == pid)
			show_text("wait4", "rusage", c, "the child");
		else
			show("wait4", "rusage", c, r);
		show("wait4", "rusage-then", c, S4(SYS_wait4, -1, 0, WNOHANG, 0) > 0 ? 1 : 0);
	}
	/* rt_sigreturn with the frame at a bad address: the child must die. */
	EACH
	{
		long sp = c == C_RUNOFF ? (long)edge - 64 : ptr(c, 64) + 2048 * (c == C_READONLY);
		long pid = S0(SYS_fork);
		if (pid == 0)
			__asm__ volatile("mov %0, %%rsp\n\t"
					 "mov $15, %%eax\n\t"
					 "syscall\n\t"
					 "ud2" ::"r"(sp)
					 : "memory");
		show_status("rt_sigreturn", "frame", c, wait_child(pid));
	}
	/* execve: a child tries, and says what it got unless it ran. */
	EACH
	{
		for (int what = 0; what < 5; what++) {
			static const char *const arg[] = {"path", "argv", "argv[0]", "envp",
							  "envp[0]"};
			char *av[] = {(char *)exe, NULL};
			char *bad[] = {(char *)str(c), NULL};
			if (c == C_READONLY && (what == 1 || what == 3))
				continue; /* an empty list is valid */
			long pid = S0(SYS_fork);
			if (pid == 0) {
				long r = what == 0   ? S3(SYS_execve, str(c), av, envp)
					 : what == 1 ? S3(SYS_execve, exe, ptr(c, 16), envp)
					 : what == 2 ? S3(SYS_execve, exe, bad, envp)
					 : what == 3 ? S3(SYS_execve, exe, av, ptr(c, 16))
						     : S3(SYS_execve, exe, av, bad);
				show("execve", arg[what], c, r);
				S1(SYS_exit_group, 42);
			}
			int st = wait_child(pid);
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 42)
				show_status("execve", arg[what], c, st);
		}
	}
}

int main(int argc, char **argv, char **env)
{
	if (argc < 2)
		return 0; /* run by the execve cases */
	exe = argv[0];
	envp = env;
	setvbuf(stdout, NULL, _IOLBF, 0);
	mkdir(argv[1], 0755);
	if (chdir(argv[1]) != 0) {
		perror(argv[1]);
		return 1;
	}
	self = (int)S0(SYS_getpid);
	brk0 = S1(SYS_brk, 0);
	char *m = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	good = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED || ro == MAP_FAILED || good == MAP_FAILED)
		return 1;
	munmap(m + PAGE, 2 * PAGE);
	edge = m + PAGE;
	hole = m + 2 * PAGE;

	fd_file = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd_file < 0 || write(fd_file, "0123456789abcdef0123456789abcdef", 32) != 32)
		return 1;
	fd_write = open("w", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	fd_dir = open(".", O_RDONLY | O_DIRECTORY);
	if (fd_write < 0 || fd_dir < 0)
		return 1;
	printf("badptr: begin\n");
	files();
	terminal();
	waiting();
	identity();
	signals();
	memory();
	children();
	close(fd_file);
	close(fd_write);
	close(fd_dir);
	unlink("f");
	unlink("w");
	if (chdir("..") == 0)
		rmdir(argv[1]);
	printf("badptr: done\n");
	return 0;
}
