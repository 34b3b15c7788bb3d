/* SPDX-License-Identifier: BSD-3-Clause */
/* What kbench's files share: the root Task's capabilities and the timer. */
#ifndef BENCH_KBENCH_KBENCH_H
#define BENCH_KBENCH_KBENCH_H

#include <stdint.h>
#include "rt/vx.h"
#include "rt/spawn.h"

extern vx_handle_t self, ram0;

typedef void (*bench_fn)(uint64_t iters, void *ctx);

/* Times fn(iters) in BATCHES batches, prints the "bench" line and returns
 * the median guest ns per iteration. */
uint64_t measure(const char *name, bench_fn fn, void *ctx, uint64_t iters);

/* The second Task of the two-Task benchmarks (bench/partner), which
 * main.c starts and stops. */
struct pair {
	struct vx_spawn sp;
	vx_handle_t ret;
	vx_handle_t peer; /* Signal cap: partner's bit */
	struct vx_ring req, rep, ring;
};
extern uint64_t partner_cpus; /* the partner's affinity (0: any) */

/* Starts the partner Task in its own Reticle with args, after add() has
 * filled its Bundle; p->peer raises its BENCH_BIT_PARTNER.  0, or -1. */
int start_partner(struct pair *p, const char *args, void (*add)(struct pair *));
void stop_partner(struct pair *p);
/* An add(): "peer", a Signal cap that raises kbench's BENCH_BIT_MAIN. */
void add_sig_peer(struct pair *p);

/* devices.c: the IOMMU and virtio-rng figures ("devices" on the command line). */
void bench_devices(const struct vx_bundle_page *b);

/* contention.c: the kernel lock on two CPUs in wall time ("contention"). */
void bench_contention(void);

#endif
