/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CPU features that select faster code paths at run time (x86_64 only;
 * elsewhere, and in the kernel build, vx_cpu_features() returns 0).
 */
#ifndef VX_CRYPTO_CPUFEAT_H
#define VX_CRYPTO_CPUFEAT_H

#include <stdint.h>

#define VX_CPU_SSSE3  (1u << 0)
#define VX_CPU_SHA_NI (1u << 1) /* SHA-256 extensions */
#define VX_CPU_AVX2   (1u << 2) /* AVX2, and the OS saves YMM state */

/*
 * The VX_CPU_* bits this CPU has.  The first call runs CPUID (microseconds
 * under a hypervisor); the answer is cached in one word, written with the
 * same value by every thread that races to it, so no lock is needed.
 */
uint32_t vx_cpu_features(void);

#endif
