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
#include "vx_string.h"
#include "../common.h"
#include "kbench.h"

#define CALLS	  20000 /* per CPU per batch */
#define SPARE_BIT 20	/* raised on oneself; nobody waits for it */

struct contend {
	struct pair p;	  /* the partner, "calls CALLS", on CPU 1 */
	vx_handle_t excl; /* raises its BENCH_BIT_EXCL (p.peer its BENCH_BIT_PARTNER) */
	vx_handle_t mine; /* a Signal of SPARE_BIT on kbench */
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

	for (uint64_t i = 0; i < n; i += CALLS) {
		if (c->exclusive)
			vx_sig_raise(c->excl, 1ull << BENCH_BIT_EXCL);
		else
			vx_sig_raise(c->p.peer, 1ull << BENCH_BIT_PARTNER);
		calls_here(c);
		vx_sig_wait(1ull << BENCH_BIT_MAIN, VX_DEADLINE_NEVER);
	}
}

/* The partner's Bundle: "peer" for kbench's bit and its own "self". */
static void add_calls(struct pair *p)
{
	add_sig_peer(p);
	vx_bundle_add(p->sp.bundle, "self", 4, p->sp.task, VX_R_CONTROL);
}

/* Calls per second on two CPUs over those on one, two decimals. */
static void print_scaling(const char *what, uint64_t one, uint64_t two)
{
	uint64_t x100 = two ? 200 * one / two : 0;

	vx_printf(" %s_scaling=%lu.%02lux", what, (unsigned long)(x100 / 100),
		  (unsigned long)(x100 % 100));
}

void bench_contention(void)
{
	struct contend c = {0};
	char args[32];

	vx_printf("kbench: the kernel lock under contention (wall time, two CPUs)\n");
	vx_snprintf(args, sizeof(args), "calls %u", CALLS);
	partner_cpus = 2;
	if (start_partner(&c.p, args, add_calls) != 0) {
		vx_printf("kbench: contention: no partner\n");
		return;
	}
	c.excl = (vx_handle_t)vx_sig_mint(c.p.sp.task, 1ull << BENCH_BIT_EXCL);
	c.mine = (vx_handle_t)vx_sig_mint(self, 1ull << SPARE_BIT);
	uint64_t s1 = measure("shared_call_1cpu", alone, &c, CALLS);
	uint64_t s2 = measure("shared_call_2cpus", together, &c, CALLS);
	c.exclusive = true;
	uint64_t e1 = measure("exclusive_call_1cpu", alone, &c, CALLS);
	uint64_t e2 = measure("exclusive_call_2cpus", together, &c, CALLS);
	vx_printf("contention");
	print_scaling("shared", s1, s2);
	print_scaling("exclusive", e1, e2);
	vx_printf("\n");
	stop_partner(&c.p);
	vx_cap_delete(c.mine);
}
