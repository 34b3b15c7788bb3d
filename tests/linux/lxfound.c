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
#include <time.h>

static long sc4(long n, long a1, long a2, long a3, long a4)
{
	long r;
	register long r10 __asm__("r10") = a4;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(n), "D"(a1), "S"(a2), "d"(a3), "r"(r10)
			 : "rcx", "r11", "memory");
	return r;
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

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	clock_ids();
	printf("lxfound: done\n");
	return 0;
}
