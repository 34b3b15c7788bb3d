/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The same objects used from several CPUs at once (run only when the
 * kernel started more than one): a ping-pong across CPUs with no lost
 * wake-up, an unmap that must reach a reader on another CPU at once (TLB
 * shootdown), a Reticle reset while the Tasks carved from it run
 * elsewhere, lifecycle chaos on shared objects from every CPU, a spawn
 * storm, and a spinner on every CPU that must not starve anyone.
 */
#include "ktest.h"

#define READ_VA	     0x50000000ull
#define COUNT_VA     (SCRATCH_VA + 0xa0000) /* inside ktest's scratch table */
#define MAX_KIDS_SMP 16

static unsigned ncpus;
static bool stress; /* "stress" on the kernel command line: the long runs */

/* CPUs online: the affinities the kernel accepts. */
static unsigned count_cpus(void)
{
	unsigned n = 0;

	while (n < 64 && vx_task_set_affinity(self, 1ull << n) == VX_OK)
		n++;
	vx_task_set_affinity(self, 0);
	return n;
}

/* A victim in ret, on the CPUs of affinity (0: any), with "self" and an
 * "out" page (if given); started. */
static vx_handle_t start_in(const char *args, vx_handle_t ret, uint64_t affinity, vx_handle_t out)
{
	struct vx_spawn sp = {.self = self, .reticle = ret};
	const void *elf;
	size_t len;

	if (vx_bootimg_find(bootimg, bootimg_len, "victim", &elf, &len) != VX_OK ||
	    vx_spawn_load(&sp, elf, len, 4, args) < 0) {
		EXPECT(!"cannot build the victim");
		return 0;
	}
	EXPECT_EQ(vx_bundle_add(sp.bundle, "self", 4, sp.task, VX_R_CONTROL), VX_OK);
	if (out)
		EXPECT_EQ(vx_bundle_add(sp.bundle, "out", 3, out, VX_R_READ | VX_R_WRITE), VX_OK);
	EXPECT_EQ(vx_task_set_affinity(sp.task, affinity), VX_OK);
	return start_victim(&sp);
}

static vx_handle_t start_pinned(const char *args, vx_handle_t ret, unsigned cpu, vx_handle_t out)
{
	return start_in(args, ret, 1ull << cpu, out);
}

/* n round trips with echo on another CPU, each side one RING_NOTIFY_WAIT:
 * every wake-up crosses CPUs (an IPI); a lost one hangs the test. */
static void t_pingpong_across_cpus(void)
{
	struct echo_pair e;
	uint64_t msg[8], n = stress ? 1000000 : 20000;
	size_t len;

	if (!echo_start_on(&e, VX_PRIO_MAX, 1, 2))
		return;
	for (uint64_t i = 0; i < n && !failures_in_test; i++) {
		echo_send(&e, i);
		/* The deadline only bounds a hang: a lost wake-up never ends
		 * without it.  10 s, because a loaded host can hold a vCPU
		 * thread back for seconds under TCG. */
		int64_t fired = vx_ring_notify_wait(e.req, 1ull << ECHO_REP_BIT,
						    (uint64_t)vx_clock() + 10000 * MS);
		EXPECT_EQ(fired, 1ull << ECHO_REP_BIT);
		EXPECT_EQ(vx_ring_try_recv(&e.from, msg, sizeof(msg), &len), VX_OK);
		EXPECT_EQ(msg[0], i + 1);
	}
	struct vx_task_info ti;
	EXPECT_EQ(vx_task_inspect(e.task, &ti), VX_OK);
	EXPECT_EQ(ti.cpu, 1);
	vx_printf("#   %lu round trips between CPU 0 and CPU 1\n", (unsigned long)n);
	echo_stop(&e);
}

/* A reader on CPU 1 loops over a page; ktest on CPU 0 unmaps it.  The
 * reader must fault on that page: a stale translation on CPU 1 would let it
 * read on forever. */
static void t_unmap_reaches_reader_on_other_cpu(void)
{
	vx_handle_t page = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	vx_handle_t out = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	volatile uint64_t *count = (volatile uint64_t *)COUNT_VA;
	struct vx_task_info ti;

	EXPECT_EQ(vx_task_set_affinity(self, 1), VX_OK);
	EXPECT_EQ(vx_task_map(self, out, COUNT_VA, VX_PROT_READ | VX_PROT_WRITE), VX_OK);
	vx_sig_wait(SIG_CHILD, VX_DEADLINE_NONE);
	vx_handle_t r = start_pinned("reader", R, 1, out);
	EXPECT_EQ(vx_task_map(r, page, READ_VA, VX_PROT_READ), VX_OK);
	/* Up to 10 s: only a bound on a hang (a loaded host can hold CPU 1's
	 * thread back for seconds; it once missed a 2 s bound). */
	for (int i = 0; i < 10000 && count[0] < 10000; i++)
		vx_sig_wait(0, (uint64_t)vx_clock() + MS);
	EXPECT(count[0] >= 10000); /* it is reading, on CPU 1 */
	EXPECT_EQ(vx_task_inspect(r, &ti), VX_OK);
	EXPECT_EQ(ti.cpu, 1);
	EXPECT_EQ(vx_task_unmap(page), VX_OK);
	EXPECT_EQ(vx_sig_wait(SIG_CHILD, (uint64_t)vx_clock() + CHILD_WAIT), (int64_t)SIG_CHILD);
	EXPECT_EQ(vx_task_inspect(r, &ti), VX_OK);
	EXPECT_EQ(ti.state, VX_TASK_FAULTED);
	EXPECT_EQ(ti.fault.kind, VX_FAULT_PAGE);
	EXPECT_EQ(ti.fault.addr & ~0xfffull, READ_VA);
	uint64_t seen = count[0];
	vx_sig_wait(0, (uint64_t)vx_clock() + 5 * MS);
	EXPECT_EQ(count[0], seen); /* and it stopped */
	EXPECT_EQ(vx_task_unmap(out), VX_OK);
	EXPECT_EQ(vx_task_set_affinity(self, 0), VX_OK);
}

/* Spinners on every other CPU, carved from a child Reticle that ktest
 * resets while they run: the reset completes, raises no supervisor bit,
 * and leaves nothing behind. */
static void t_reset_while_tasks_run_elsewhere(void)
{
	vx_handle_t sub = MUST(vx_reticle_split(R, 2 << 20));
	vx_handle_t kids[MAX_KIDS_SMP];
	unsigned n = ncpus - 1 < MAX_KIDS_SMP ? ncpus - 1 : MAX_KIDS_SMP;
	struct vx_task_info ti;
	struct vx_reticle_info ri;

	EXPECT_EQ(vx_task_set_affinity(self, 1), VX_OK);
	for (unsigned k = 0; k < n; k++)
		kids[k] = start_pinned("spin", sub, 1 + k, 0);
	for (unsigned k = 0; k < n && !failures_in_test; k++) {
		for (int i = 0; i < 1000; i++) {
			if (vx_task_inspect(kids[k], &ti) == VX_OK && ti.cpu_ns > 0)
				break;
			vx_sig_wait(0, (uint64_t)vx_clock() + MS);
		}
		EXPECT(ti.cpu_ns > 0);
		EXPECT_EQ(ti.cpu, 1 + k);
	}
	vx_sig_wait(SIG_CHILD, VX_DEADLINE_NONE);
	EXPECT_EQ(vx_reticle_reset(sub), VX_OK);
	EXPECT_EQ(vx_sig_wait(SIG_CHILD, VX_DEADLINE_NONE), 0);
	EXPECT_EQ(vx_reticle_info(sub, &ri), VX_OK);
	EXPECT_EQ(ri.objects, 0);
	EXPECT_EQ(ri.free, ri.size);
	for (unsigned k = 0; k < n; k++)
		EXPECT(vx_task_inspect(kids[k], &ti) < 0);
	EXPECT_EQ(vx_task_set_affinity(self, 0), VX_OK);
}

/* One chaos child per CPU on a shared Reticle and Ring: derive, delete,
 * revoke, transfer, reset and the rest of the same objects at the same
 * time from different CPUs.  Every result is a value or a documented
 * error, and the shared Reticle comes back empty. */
static void t_chaos_on_every_cpu(void)
{
	vx_handle_t shared = MUST(vx_reticle_split(R, 2 << 20));
	vx_handle_t ring = MUST(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 2)));
	vx_handle_t kids[MAX_KIDS_SMP];
	unsigned n = ncpus < MAX_KIDS_SMP ? ncpus : MAX_KIDS_SMP;
	char args[32];

	for (unsigned k = 0; k < n && !failures_in_test; k++) {
		struct vx_spawn sp = {.self = self, .reticle = R};
		vx_snprintf(args, sizeof(args), "chaos %u %u", 21 + k, stress ? 40000 : 4000);
		if (!load_victim(args, &sp))
			return;
		EXPECT_EQ(vx_bundle_add(sp.bundle, "ret", 3, shared, VX_R_ALL), VX_OK);
		EXPECT_EQ(vx_bundle_add(sp.bundle, "ring", 4, ring, VX_R_ALL), VX_OK);
		EXPECT_EQ(vx_bundle_add(sp.bundle, "self", 4, sp.task, VX_R_ALL & ~VX_R_GRANT),
			  VX_OK);
		EXPECT_EQ(vx_task_set_affinity(sp.task, 1ull << k), VX_OK);
		kids[k] = start_victim(&sp);
	}
	for (unsigned k = 0; k < n && !failures_in_test; k++) {
		int64_t code = exit_code(kids[k]);
		if (code != 0)
			vx_printf("#   chaos on CPU %u: exit %ld\n", k, (long)code);
		EXPECT_EQ(code, 0);
	}
	struct vx_reticle_info info;
	EXPECT_EQ(vx_reticle_reset(shared), VX_OK);
	EXPECT_EQ(vx_reticle_info(shared, &info), VX_OK);
	EXPECT_EQ(info.objects, 0);
	EXPECT_EQ(info.free, info.size);
}

/* 64 children in four waves of 16 (ktest's handle table holds each
 * child's Task, Bundle and segments until the wave's reset), each wave
 * started back to back in a Reticle of its own and placed by the scheduler
 * wherever it likes; each child exits with its own code, and the Reticle
 * comes back whole every time. */
static void t_spawn_storm(void)
{
	enum { WAVE = 16, WAVES = 4 };
	vx_handle_t kids[WAVE];
	char args[16];
	struct vx_reticle_info ri;
	vx_handle_t sub = MUST(vx_reticle_split(ram0, 32ull << 20));

	for (unsigned w = 0; w < WAVES && !failures_in_test; w++) {
		for (unsigned k = 0; k < WAVE && !failures_in_test; k++) {
			vx_snprintf(args, sizeof(args), "exit %u", w * WAVE + k + 1);
			kids[k] = start_in(args, sub, 0, 0);
		}
		for (unsigned k = 0; k < WAVE && !failures_in_test; k++)
			EXPECT_EQ(exit_code(kids[k]), w * WAVE + k + 1);
		EXPECT_EQ(vx_reticle_reset(sub), VX_OK);
		EXPECT_EQ(vx_reticle_info(sub, &ri), VX_OK);
		EXPECT_EQ(ri.free, ri.size);
	}
	EXPECT_EQ(vx_cap_delete(sub), VX_OK);
}

/* A spinner pinned to every CPU at ktest's own priority: echo (free to run
 * anywhere, same priority) still answers, through round-robin. */
static void t_spinner_on_every_cpu_starves_nobody(void)
{
	vx_handle_t kids[MAX_KIDS_SMP];
	unsigned n = ncpus < MAX_KIDS_SMP ? ncpus : MAX_KIDS_SMP;
	struct echo_pair e;
	uint64_t msg[8];
	size_t len;

	if (!echo_start_on(&e, VX_PRIO_DEFAULT, 0, 0))
		return;
	for (unsigned k = 0; k < n; k++) {
		kids[k] = start_pinned("spin", R, k, 0);
		EXPECT_EQ(vx_task_set_prio(kids[k], VX_PRIO_DEFAULT), VX_OK);
	}
	for (uint64_t i = 0; i < 50 && !failures_in_test; i++) {
		echo_send(&e, i);
		EXPECT_EQ(vx_ring_notify_wait(e.req, 1ull << ECHO_REP_BIT,
					      (uint64_t)vx_clock() + 5000 * MS),
			  1ull << ECHO_REP_BIT);
		EXPECT_EQ(vx_ring_try_recv(&e.from, msg, sizeof(msg), &len), VX_OK);
		EXPECT_EQ(msg[0], i + 1);
	}
	for (unsigned k = 0; k < n; k++)
		EXPECT_EQ(vx_task_halt(kids[k]), VX_OK);
	echo_stop(&e);
}

/* A victim on CPU 1 page-faults; ktest maps the page, resumes it and at
 * once halts it, while it writes and calls TASK_EXIT.  Either the exit came
 * first (the halt is refused) or the halt did, and then it must stay
 * halted: an exit that was waiting for the kernel lock when the halt took
 * it must not run after it (it runs again when the Task is resumed).  The
 * rounds that end each way are counted. */
static void t_halt_stops_a_call_in_flight(void)
{
	int rounds = stress ? 2000 : 200, halted = 0;
	struct vx_task_info ti;

	EXPECT_EQ(vx_task_set_affinity(self, 1), VX_OK);
	for (int i = 0; i < rounds && !failures_in_test; i++) {
		vx_handle_t ret = MUST(vx_reticle_split(R, 1ull << 20));
		vx_handle_t t = start_pinned("touch", ret, 1, 0);
		if (!t)
			break;
		EXPECT(until_stopped(t, &ti));
		EXPECT_EQ(ti.fault.kind, VX_FAULT_PAGE);
		vx_handle_t mem = MUST(vx_reticle_retype(ret, VX_OBJ_MEM, 1));
		EXPECT_EQ(vx_task_map(t, mem, 0x50000000, VX_PROT_READ | VX_PROT_WRITE), VX_OK);
		EXPECT_EQ(vx_task_resume(t), VX_OK);
		if (vx_task_halt(t) == VX_OK) {
			halted++;
			for (int k = 0; k < 20; k++) /* time for a late exit to land */
				vx_task_yield();
			EXPECT_EQ(vx_task_inspect(t, &ti), VX_OK);
			EXPECT_EQ(ti.state, VX_TASK_HALTED);
			EXPECT_EQ(ti.fault.kind, 0);
			EXPECT_EQ(vx_task_resume(t), VX_OK); /* and the exit runs now */
		}
		EXPECT(until_stopped(t, &ti));
		EXPECT_EQ(ti.state, VX_TASK_EXITED);
		EXPECT_EQ(ti.fault.kind, VX_FAULT_EXIT);
		EXPECT_EQ(ti.fault.exit_code, 0);
		EXPECT_EQ(vx_reticle_reset(ret), VX_OK);
		EXPECT_EQ(vx_cap_delete(ret), VX_OK);
	}
	EXPECT_EQ(vx_task_set_affinity(self, 0), VX_OK);
	vx_printf("#   %d rounds: the halt came first in %d, the exit in %d\n", rounds, halted,
		  rounds - halted);
}

/* The same race with a fault: a victim on CPU 1 that page-faults is
 * resumed with nothing mapped, so it faults again at once, and ktest halts
 * it at once.  A halt that succeeded must leave it halted, not faulted; it
 * faults again when resumed. */
static void t_halt_stops_a_fault_in_flight(void)
{
	int rounds = stress ? 2000 : 200, halted = 0;
	struct vx_task_info ti;

	EXPECT_EQ(vx_task_set_affinity(self, 1), VX_OK);
	vx_handle_t t = start_pinned("touch", R, 1, 0);
	EXPECT(until_stopped(t, &ti));
	for (int i = 0; i < rounds && !failures_in_test; i++) {
		EXPECT_EQ(ti.state, VX_TASK_FAULTED);
		EXPECT_EQ(ti.fault.kind, VX_FAULT_PAGE);
		EXPECT_EQ(vx_task_resume(t), VX_OK);
		if (vx_task_halt(t) == VX_OK) {
			halted++;
			for (int k = 0; k < 20; k++) /* time for a late fault to land */
				vx_task_yield();
			EXPECT_EQ(vx_task_inspect(t, &ti), VX_OK);
			EXPECT_EQ(ti.state, VX_TASK_HALTED);
			EXPECT_EQ(vx_task_resume(t), VX_OK); /* and it faults now */
		}
		EXPECT(until_stopped(t, &ti));
	}
	EXPECT_EQ(vx_task_set_affinity(self, 0), VX_OK);
	vx_printf("#   %d rounds: the halt came first in %d, the fault in %d\n", rounds, halted,
		  rounds - halted);
}

void ktest_smp(bool long_runs)
{
	stress = long_runs;
	ncpus = count_cpus();
	vx_printf("# SMP: %u CPUs\n", ncpus);
	if (ncpus < 2)
		return;
	run("smp_pingpong_across_cpus_no_lost_wakeup", t_pingpong_across_cpus);
	run("smp_unmap_reaches_reader_on_other_cpu", t_unmap_reaches_reader_on_other_cpu);
	run("smp_reset_while_tasks_run_elsewhere", t_reset_while_tasks_run_elsewhere);
	run("smp_chaos_on_every_cpu", t_chaos_on_every_cpu);
	run("smp_spawn_storm", t_spawn_storm);
	run("smp_spinner_on_every_cpu_starves_nobody", t_spinner_on_every_cpu_starves_nobody);
	run("smp_halt_stops_a_call_in_flight", t_halt_stops_a_call_in_flight);
	run("smp_halt_stops_a_fault_in_flight", t_halt_stops_a_fault_in_flight);
}
