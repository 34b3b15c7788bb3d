/* SPDX-License-Identifier: BSD-3-Clause */
/* What kbench's files share: the root Task's capabilities and the timer. */
#ifndef BENCH_KBENCH_KBENCH_H
#define BENCH_KBENCH_KBENCH_H

#include <stdint.h>
#include "rt/vx.h"

extern vx_handle_t self, ram0;

typedef void (*bench_fn)(uint64_t iters, void *ctx);

/* Times fn(iters) in BATCHES batches, prints the "bench" line and returns
 * the median guest ns per iteration. */
uint64_t measure(const char *name, bench_fn fn, void *ctx, uint64_t iters);

/* devices.c: the IOMMU and virtio-rng figures ("devices" on the command line). */
void bench_devices(const struct vx_bundle_page *b);

/* contention.c: the kernel lock on two CPUs in wall time ("contention");
 * elf and len are the partner's. */
void bench_contention(const void *elf, size_t len);

#endif
