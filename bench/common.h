/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the kernel benchmark (bench/kbench) and its partner Task agree on.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#define BENCH_BIT_PARTNER 3 /* partner waits on this bit */
#define BENCH_BIT_MAIN	  4 /* kbench waits on this bit */
#define BENCH_BIT_EXCL	  5 /* partner "calls": the exclusive calls, not the shared */
#define BENCH_REQ_VA	  0x30000000ull
#define BENCH_REP_VA	  0x30100000ull
#define BENCH_RING_VA	  0x30200000ull
#define BENCH_MSG	  64

#endif
