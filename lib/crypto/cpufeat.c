/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Run-time CPU feature detection for lib/crypto (Intel SDM vol. 2A, CPUID;
 * XGETBV for the OS-enabled register state).
 *
 * The cache below is the one mutable static datum of the hash and KDF code
 * (SHA-2, BLAKE3) and deliberately so: CPUID can cost microseconds.  It is
 * idempotent: every writer stores the same value, and relaxed atomics keep
 * the compiler from tearing or inventing accesses.
 */
#include <stdint.h>

#include "crypto/cpufeat.h"

#if defined(__x86_64__) && !defined(VX_KERNEL)
static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ __volatile__("cpuid"
			     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			     : "a"(leaf), "c"(sub));
}

static uint32_t probe(void)
{
	uint32_t r[4], max, f = 0, ecx1;

	cpuid(0, 0, r);
	max = r[0];
	cpuid(1, 0, r);
	ecx1 = r[2];
	if (ecx1 & (1u << 9))
		f |= VX_CPU_SSSE3;
	if (max >= 7) {
		cpuid(7, 0, r);
		if ((r[1] & (1u << 29)) && (f & VX_CPU_SSSE3))
			f |= VX_CPU_SHA_NI;
		/* AVX2 needs OSXSAVE, AVX, and XCR0 enabling the XMM and YMM state. */
		if ((r[1] & (1u << 5)) && (ecx1 & (1u << 27)) && (ecx1 & (1u << 28))) {
			uint32_t lo, hi;
			__asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
			if ((lo & 6) == 6)
				f |= VX_CPU_AVX2;
		}
	}
	return f | (1u << 31); /* bit 31: probed */
}

static uint32_t features;

uint32_t vx_cpu_features(void)
{
	uint32_t f = __atomic_load_n(&features, __ATOMIC_RELAXED);

	if (f == 0) {
		f = probe();
		__atomic_store_n(&features, f, __ATOMIC_RELAXED);
	}
	return f & ~(1u << 31);
}
#else
uint32_t vx_cpu_features(void)
{
	return 0;
}
#endif
