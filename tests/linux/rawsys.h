/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The syscall instruction itself, for the hostile Linux programs (badptr,
 * lxfuzz, lxfound): never through glibc, so no vDSO, no wrapper that
 * checks or rewrites an argument, and the raw result (-errno on failure).
 */
#ifndef TESTS_LINUX_RAWSYS_H
#define TESTS_LINUX_RAWSYS_H

static inline long sc(long n, long a1, long a2, long a3, long a4, long a5, long a6)
{
	long r;
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(n), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return r;
}

#endif
