/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel lock under contention ("contention" on kbench's command
 * line): the one kbench boot that runs in wall time, on two CPUs under
 * multi-threaded TCG, each vCPU on a host thread of its own, without
 * -icount (under -icount the vCPUs take turns on one host thread, and
 * less contention cannot show as less time; bench/run.sh).
 *
 *   shared_call_1cpu       SIG_RAISE of a bit of the caller's own that
 *                          nobody waits for, a call the lock admits
 *                          shared, on CPU 0 while CPU 1 idles: ns per
 *                          call (not CLOCK: QEMU's TSC read takes a lock
 *                          of QEMU's own that two vCPUs contend for)
 *   shared_call_2cpus      the same calls on both CPUs at once, each its
 *                          own: ns per pair of calls, one on each CPU
 *   exclusive_call_1cpu    TASK_SET_PRIO of the caller itself, to the
 *                          priority it has, a call that holds the lock
 *                          exclusive: ns per call
 *   exclusive_call_2cpus   the same on both CPUs at once
 *
 * and "contention shared_scaling=N.NNx exclusive_scaling=N.NNx": the
 * calls per second two CPUs make together over what one makes alone.
 * Two is the most there is; a lock that serialises a call keeps it at
 * one or below.  Wall time on a host that runs other things: a figure
 * for what the lock allows, not one to compare to the last digit.
 */
#include "rt/vx.h"
#include "rt/spawn.h"
#include "vx_string.h"
#include "../common.h"
#include "kbench.h"

#define CALLS	  20000 /* per CPU per batch */
#define SPARE_BIT 20	/* raised on oneself; nobody waits for it */

struct contend {
	struct vx_spawn sp;
	vx_handle_t ret, peer, mine; /* mine: a Signal of SPARE_BIT on kbench */
	bool exclusive;
};

static void calls_here(const struct contend *c)
{
	for (uint64_t i = 0; i < CALLS; i++) {
		if (c->exclusive)
			vx_task_set_prio(self, VX_PRIO_DEFAULT);
		else
			vx_sig_raise(c->mine, 1ull << SPARE_BIT);
	}
}

static void alone(uint64_t n, void *ctx)
{
	const struct contend *c = ctx;

	for (uint64_t i = 0; i < n; i += CALLS)
		calls_here(c);
}

/* Both CPUs at once: the partner starts its CALLS when its bit comes and
 * raises kbench's when done. */
static void together(uint64_t n, void *ctx)
{
	const struct contend *c = ctx;
	uint64_t bit = 1ull << (c->exclusive ? BENCH_BIT_EXCL : BENCH_BIT_PARTNER);

	for (uint64_t i = 0; i < n; i += CALLS) {
		vx_sig_raise(c->peer, bit);
		calls_here(c);
		vx_sig_wait(1ull << BENCH_BIT_MAIN, VX_DEADLINE_NEVER);
	}
}

/* The partner ("calls N") on CPU 1, with its own "self" and a "peer"
 * Signal for kbench's bit. */
static int start(struct contend *c, const void *elf, size_t len)
{
	int64_t r = vx_reticle_split(ram0, 4ull << 20);
	char args[32];

	if (r < 0)
		return -1;
	c->ret = (vx_handle_t)r;
	c->sp = (struct vx_spawn){.self = self, .reticle = c->ret};
	vx_snprintf(args, sizeof(args), "calls %u", CALLS);
	if (vx_spawn_load(&c->sp, elf, len, 8, args) < 0)
		return -1;
	int64_t back = vx_sig_mint(self, 1ull << BENCH_BIT_MAIN);
	vx_bundle_add(c->sp.bundle, "peer", 4, (vx_handle_t)back, VX_R_GRANT);
	vx_cap_delete((vx_handle_t)back);
	vx_bundle_add(c->sp.bundle, "self", 4, c->sp.task, VX_R_CONTROL);
	c->peer = (vx_handle_t)vx_sig_mint(c->sp.task,
					   1ull << BENCH_BIT_PARTNER | 1ull << BENCH_BIT_EXCL);
	vx_task_set_prio(c->sp.task, VX_PRIO_DEFAULT);
	vx_task_set_affinity(c->sp.task, 2);
	return vx_spawn_start(&c->sp);
}

/* Calls per second on two CPUs over those on one, two decimals. */
static void print_scaling(const char *what, uint64_t one, uint64_t two)
{
	uint64_t x100 = two ? 200 * one / two : 0;

	vx_printf(" %s_scaling=%lu.%02lux", what, (unsigned long)(x100 / 100),
		  (unsigned long)(x100 % 100));
}

void bench_contention(const void *elf, size_t len)
{
	struct contend c = {0};

	vx_printf("kbench: the kernel lock under contention (wall time, two CPUs)\n");
	vx_task_set_affinity(self, 1);
	c.mine = (vx_handle_t)vx_sig_mint(self, 1ull << SPARE_BIT);
	if (start(&c, elf, len) != 0) {
		vx_printf("kbench: contention: no partner\n");
		return;
	}
	uint64_t s1 = measure("shared_call_1cpu", alone, &c, CALLS);
	uint64_t s2 = measure("shared_call_2cpus", together, &c, CALLS);
	c.exclusive = true;
	uint64_t e1 = measure("exclusive_call_1cpu", alone, &c, CALLS);
	uint64_t e2 = measure("exclusive_call_2cpus", together, &c, CALLS);
	vx_printf("contention");
	print_scaling("shared", s1, s2);
	print_scaling("exclusive", e1, e2);
	vx_printf("\n");
	vx_reticle_reset(c.ret);
	vx_cap_delete(c.ret);
	vx_cap_delete(c.mine);
}
