// SPDX-License-Identifier: BSD-3-Clause
/*
 * What lxfuzz (tests/linux/lxfuzz.c) found, each finding reduced to a few
 * calls and named.  Every line is "CASE RESULT", the raw result of the
 * syscall instruction (-errno on failure); scenario_linuxdiff runs this
 * program under linuxd and on the Linux host and compares the output.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include "rawsys.h"

static long sc4(long n, long a1, long a2, long a3, long a4)
{
	return sc(n, a1, a2, a3, a4, 0, 0);
}

/* clock_nanosleep with TIMER_ABSTIME and a time no clock can have (tv_nsec
 * out of range, or negative): EINVAL, where linuxd made it a time already
 * past and returned 0.  And every clock id, as an int: the ones that
 * cannot be slept on are EOPNOTSUPP, CLOCK_TAI can be (linuxd said EINVAL
 * to both), and the upper half of the register is not looked at. */
static void clock_ids(void)
{
	static const struct timespec bad[] = {{0, 1000000000}, {0, -1}, {-1, 0}, {-1, 999}};
	static const long ids[] = {0,  1,  3,  4,  5,	    6,	7,
				   10, 11, 12, 16, INT_MAX, -1, (1l << 32) + 1};
	struct timespec z = {0, 0}, ts;

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		printf("clock_nanosleep-abs-bad-time-%u monotonic %ld realtime %ld relative %ld\n",
		       i,
		       sc4(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, (long)&bad[i], 0),
		       sc4(SYS_clock_nanosleep, CLOCK_REALTIME, TIMER_ABSTIME, (long)&bad[i], 0),
		       sc4(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, (long)&bad[i], 0));
	}
	for (unsigned i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		printf("clock-id-%ld nanosleep %ld abs %ld gettime %ld getres %ld\n", ids[i],
		       sc4(SYS_clock_nanosleep, ids[i], 0, (long)&z, 0),
		       sc4(SYS_clock_nanosleep, ids[i], TIMER_ABSTIME, (long)&z, 0),
		       sc4(SYS_clock_gettime, ids[i], (long)&ts, 0, 0),
		       sc4(SYS_clock_getres, ids[i], (long)&ts, 0, 0));
}

/* getrandom of 0 bytes is 0 (linuxd asked rngd for none, which is an
 * error, and said EIO); up to 256 bytes come whole, as Linux promises
 * (linuxd gave 128 at most); GRND_INSECURE with GRND_RANDOM is EINVAL.
 * /dev/zero and /dev/urandom give what fits before a fault, as Linux
 * (linuxd said EFAULT having written some). */
static void random_bytes(void)
{
	static char buf[4096];
	char *m = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	static const long sizes[] = {0, 1, 128, 129, 256, 1000, 4096};

	munmap(m + 4096, 4096);
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		printf("getrandom-%ld %ld\n", sizes[i],
		       sc4(SYS_getrandom, (long)buf, sizes[i], 0, 0));
	printf("getrandom-null-0 %ld\n", sc4(SYS_getrandom, 0, 0, 0, 0));
	printf("getrandom-insecure-random %ld\n",
	       sc4(SYS_getrandom, (long)buf, 8, GRND_INSECURE | GRND_RANDOM, 0));
	printf("getrandom-runs-off %ld\n", sc4(SYS_getrandom, (long)(m + 4000), 200, 0, 0));
	for (int dev = 0; dev < 2; dev++) {
		const char *name = dev ? "/dev/urandom" : "/dev/zero";
		long fd = sc4(SYS_open, (long)name, O_RDONLY, 0, 0);
		printf("read-%s-0 %ld\n", name + 5, sc4(SYS_read, fd, (long)buf, 0, 0));
		printf("read-%s-4096 %ld\n", name + 5, sc4(SYS_read, fd, (long)buf, 4096, 0));
		printf("read-%s-runs-off %ld\n", name + 5,
		       sc4(SYS_read, fd, (long)(m + 4000), 200, 0));
		printf("read-%s-unmapped %ld\n", name + 5,
		       sc4(SYS_read, fd, (long)(m + 4096), 200, 0));
		sc4(SYS_close, fd, 0, 0, 0);
	}
}

/* umask sets the mask and returns the old one (linuxd answered 022 and
 * kept nothing), and a file is created with its mode less the mask. */
static void file_mask(void)
{
	const char *f = "/tmp/lxfound-umask";
	struct stat st;

	sc4(SYS_umask, 022, 0, 0, 0); /* the host's may be another */
	printf("umask-077-returns %lo\n", sc4(SYS_umask, 077, 0, 0, 0));
	printf("umask-027-returns %lo\n", sc4(SYS_umask, 027, 0, 0, 0));
	printf("umask-high-bits-returns %lo\n", sc4(SYS_umask, 0177777, 0, 0, 0));
	printf("umask-027-again-returns %lo\n", sc4(SYS_umask, 027, 0, 0, 0));
	sc4(SYS_unlink, (long)f, 0, 0, 0);
	long fd = sc4(SYS_open, (long)f, O_CREAT | O_WRONLY | O_EXCL, 0666, 0);
	sc4(SYS_close, fd, 0, 0, 0);
	long r = sc4(SYS_stat, (long)f, (long)&st, 0, 0);
	printf("umask-027-create-0666 %ld mode %o\n", r, (unsigned)st.st_mode & 07777);
	sc4(SYS_unlink, (long)f, 0, 0, 0);
	sc4(SYS_umask, 022, 0, 0, 0);
}

/* Arguments Linux takes as an int (a pid, a descriptor), given with bits
 * above the int set: Linux does not look at them. */
static void int_args(void)
{
	const long hi = 1l << 32;
	long self = sc4(SYS_getpid, 0, 0, 0, 0);
	char c;

	printf("getsid-hi-0 %d\n", sc4(SYS_getsid, hi, 0, 0, 0) == sc4(SYS_getsid, 0, 0, 0, 0));
	printf("getpgid-hi-0 %d\n", sc4(SYS_getpgid, hi, 0, 0, 0) == sc4(SYS_getpgid, 0, 0, 0, 0));
	printf("kill-hi-self %ld\n", sc4(SYS_kill, hi + self, 0, 0, 0));
	struct rlimit rl;
	printf("prlimit64-hi-0 %ld\n", sc4(SYS_prlimit64, hi, RLIMIT_NOFILE, 0, (long)&rl));
	long nul = sc4(SYS_open, (long)"/dev/null", O_RDWR, 0, 0); /* not the terminal */
	printf("read-fd-hi %ld\n", sc4(SYS_read, hi + nul, (long)&c, 1, 0));
	printf("write-fd-hi %ld\n", sc4(SYS_write, hi + nul, (long)&c, 1, 0));
	printf("fcntl-fd-hi %ld\n", sc4(SYS_fcntl, hi + nul, F_GETFD, 0, 0));
	printf("dup-fd-hi %ld\n", sc4(SYS_close, sc4(SYS_dup, hi + nul, 0, 0, 0), 0, 0, 0));
	sc4(SYS_close, nul, 0, 0, 0);
	printf("lseek-fd-hi-neg %ld\n", sc4(SYS_lseek, hi - 1, 0, SEEK_CUR, 0));
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	clock_ids();
	random_bytes();
	file_mask();
	int_args();
	printf("lxfound: done\n");
	return 0;
}
