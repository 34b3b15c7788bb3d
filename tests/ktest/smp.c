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

#define PING_A (1ull << 4)
#define PING_C (1ull << 5)

/* A pinger on CPU 1 raises bit 4, then bit 5, then waits; ktest, on CPU 0,
 * takes them with polling SIG_WAITs, which run under the kernel lock held
 * shared and clear ktest's own pending bits while the raises, exclusive,
 * set them.  A clear that overlapped a raise could wipe bit 5 out: ktest
 * would never see it and both sides would wait out their bound. */
static void t_poll_wait_loses_no_bit(void)
{
	int rounds = stress ? 100000 : 5000, done = 0;
	struct vx_spawn sp = {.self = self, .reticle = R};
	char args[32];

	EXPECT_EQ(vx_task_set_affinity(self, 1), VX_OK);
	vx_sig_wait(PING_A | PING_C, VX_DEADLINE_NONE);
	vx_snprintf(args, sizeof(args), "pinger %d", rounds);
	if (!load_victim(args, &sp))
		return;
	vx_handle_t boss = MUST(vx_sig_mint(self, PING_A | PING_C));
	EXPECT_EQ(vx_bundle_add(sp.bundle, "boss", 4, boss, 0), VX_OK);
	EXPECT_EQ(vx_task_set_affinity(sp.task, 2), VX_OK);
	vx_handle_t t = start_victim(&sp);
	vx_handle_t ack = MUST(vx_sig_mint(t, 1ull << 6));
	for (; done < rounds && !failures_in_test; done++) {
		uint64_t got = 0, bound = (uint64_t)vx_clock() + 10000 * MS;
		while (got != (PING_A | PING_C) && (uint64_t)vx_clock() < bound) {
			int64_t r = vx_sig_wait(PING_A | PING_C, VX_DEADLINE_NONE);
			EXPECT(r >= 0);
			got |= (uint64_t)r;
		}
		EXPECT_EQ(got, PING_A | PING_C);
		EXPECT_EQ(vx_sig_raise(ack, 1ull << 6), VX_OK);
	}
	EXPECT_EQ(exit_code(t), 0);
	EXPECT_EQ(vx_task_set_affinity(self, 0), VX_OK);
	vx_printf("#   %d rounds of two raises taken by polling\n", done);
}

/* A raiser on each other CPU (up to three) raises its own bit of ktest's
 * mask, then waits, with a deadline, for ktest to raise its bit 6 back;
 * ktest, on CPU 0, waits for all their bits with a deadline and answers
 * each bit it takes.  The raises hold the kernel lock shared and reach
 * ktest at the same time from several CPUs, each of them perhaps the one
 * that wakes it (its wake_lock), takes it off the sleep list while ktest's
 * answers take the raisers off it from CPU 0 (the list's own lock), and
 * queues it.  A wake-up lost, or made twice, shows as a wait that runs
 * out (a raiser's exit code 201, or ktest's wait returning 0) or a count
 * that is not exact. */
static void t_shared_wakeups_lose_none(void)
{
	static const int bit[3] = {4, 5, 7};
	unsigned n = ncpus - 1 > 3 ? 3 : ncpus - 1;
	int rounds = stress ? 100000 : 1000, count[3] = {0}, done = 0;
	vx_handle_t task[3], ack[3];
	uint64_t all = 0;

	EXPECT_EQ(vx_task_set_affinity(self, 1), VX_OK);
	for (unsigned i = 0; i < n; i++)
		all |= 1ull << bit[i];
	vx_sig_wait(all, VX_DEADLINE_NONE);
	for (unsigned i = 0; i < n; i++) {
		struct vx_spawn sp = {.self = self, .reticle = R};
		char args[32];
		vx_snprintf(args, sizeof(args), "raiser %d %d", rounds, bit[i]);
		if (!load_victim(args, &sp))
			return;
		vx_handle_t boss = MUST(vx_sig_mint(self, 1ull << bit[i]));
		EXPECT_EQ(vx_bundle_add(sp.bundle, "boss", 4, boss, 0), VX_OK);
		EXPECT_EQ(vx_task_set_affinity(sp.task, 2ull << i), VX_OK);
		task[i] = start_victim(&sp);
		ack[i] = MUST(vx_sig_mint(task[i], 1ull << 6));
	}
	while (done < (int)n * rounds && !failures_in_test) {
		/* 10 s: only a bound on a hang, as in the ping-pong above. */
		int64_t got = vx_sig_wait(all, (uint64_t)vx_clock() + 10000 * MS);
		EXPECT(got > 0);
		if (got <= 0)
			break;
		EXPECT_EQ((uint64_t)got & ~all, 0);
		for (unsigned i = 0; i < n; i++) {
			if (!((uint64_t)got & (1ull << bit[i])))
				continue;
			count[i]++;
			done++;
			EXPECT_EQ(vx_sig_raise(ack[i], 1ull << 6), VX_OK);
		}
	}
	for (unsigned i = 0; i < n; i++) {
		EXPECT_EQ(count[i], rounds);
		EXPECT_EQ(exit_code(task[i]), 0);
	}
	EXPECT_EQ(vx_task_set_affinity(self, 0), VX_OK);
	vx_printf("#   %d wake-ups from %u CPUs at once\n", done, n);
}

/* ktest and a relay on each other CPU (up to three) form a ring, and two
 * tokens (bits 8 and 9) go round it at once: each Task waits for either,
 * with a deadline, and raises what came at the next.  So two Tasks on two
 * CPUs wake two others, both on the sleep list, at the same time, under
 * the kernel lock held shared: the sleep list's own lock keeps its links
 * whole.  A token lost shows as a wait that runs out. */
static void t_shared_wakeups_around_a_ring(void)
{
	const uint64_t tokens = 3ull << 8;
	unsigned n = ncpus - 1 > 3 ? 3 : ncpus - 1;
	int laps = stress ? 50000 : 500, taken = 0, lap[2] = {0, 0};
	vx_handle_t task[3], next[3];
	struct vx_spawn sp[3];
	char args[32];

	EXPECT_EQ(vx_task_set_affinity(self, 1), VX_OK);
	vx_sig_wait(tokens, VX_DEADLINE_NONE);
	vx_snprintf(args, sizeof(args), "relay %d", 2 * laps);
	for (unsigned i = 0; i < n; i++) {
		sp[i] = (struct vx_spawn){.self = self, .reticle = R};
		if (!load_victim(args, &sp[i]))
			return;
		EXPECT_EQ(vx_task_set_affinity(sp[i].task, 2ull << i), VX_OK);
	}
	/* Relay i passes to relay i + 1; the last one to ktest. */
	for (unsigned i = 0; i < n; i++) {
		vx_handle_t to = i + 1 < n ? sp[i + 1].task : self;
		next[i] = MUST(vx_sig_mint(to, tokens));
		EXPECT_EQ(vx_bundle_add(sp[i].bundle, "next", 4, next[i], 0), VX_OK);
	}
	for (unsigned i = 0; i < n; i++)
		task[i] = start_victim(&sp[i]);
	vx_handle_t first = MUST(vx_sig_mint(sp[0].task, tokens));
	EXPECT_EQ(vx_sig_raise(first, 1ull << 8), VX_OK);
	EXPECT_EQ(vx_sig_raise(first, 1ull << 9), VX_OK);
	while (taken < 2 * laps && !failures_in_test) {
		int64_t got = vx_sig_wait(tokens, (uint64_t)vx_clock() + 10000 * MS);
		EXPECT(got > 0 && !((uint64_t)got & ~tokens));
		if (got <= 0)
			break;
		/* Each token is counted and sent on by itself: one whose last
		 * lap ends here stays here.  (Counting both together sent a
		 * token on for a lap too many whenever the other was one lap
		 * behind, and the two could then arrive together: 1001.) */
		uint64_t again = 0;
		for (int t = 0; t < 2; t++) {
			if (!((uint64_t)got & (1ull << (8 + t))))
				continue;
			taken++;
			if (++lap[t] < laps)
				again |= 1ull << (8 + t);
		}
		if (again)
			EXPECT_EQ(vx_sig_raise(first, again), VX_OK);
	}
	EXPECT_EQ(lap[0], laps);
	EXPECT_EQ(lap[1], laps);
	EXPECT_EQ(taken, 2 * laps);
	for (unsigned i = 0; i < n; i++)
		EXPECT_EQ(exit_code(task[i]), 0);
	EXPECT_EQ(vx_task_set_affinity(self, 0), VX_OK);
	vx_printf("#   two tokens, %d laps each, round %u CPUs\n", laps, n + 1);
}

#define INSPECT_VA (SCRATCH_VA + 0xc0000) /* inside ktest's scratch table */

/* An inspector on every other CPU makes the calls that hold the kernel
 * lock shared (reading a Reticle, its caps, itself, the clock), without
 * pause, while ktest on CPU 0 carves, derives, deletes and resets in the
 * Reticle they read and at last revokes their caps to it.  Every answer
 * must be a value or a handle error, every inspector must get on, and
 * ktest's exclusive calls must still get their turn (they would wait for
 * ever if the shared holders could keep the lock among themselves). */
static void t_shared_calls_beside_exclusive(void)
{
	unsigned n = ncpus - 1 > 3 ? 3 : ncpus - 1;
	vx_handle_t sub = MUST(vx_reticle_split(R, 1ull << 20)), task[3], out[3];
	int rounds = stress ? 20000 : 1000;

	EXPECT_EQ(vx_task_set_affinity(self, 1), VX_OK);
	for (unsigned i = 0; i < n; i++) {
		struct vx_spawn sp = {.self = self, .reticle = R};
		out[i] = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
		if (!load_victim("inspector", &sp))
			return;
		EXPECT_EQ(vx_bundle_add(sp.bundle, "self", 4, sp.task, VX_R_READ | VX_R_CONTROL),
			  VX_OK);
		EXPECT_EQ(vx_bundle_add(sp.bundle, "out", 3, out[i], VX_R_READ | VX_R_WRITE),
			  VX_OK);
		EXPECT_EQ(vx_bundle_add(sp.bundle, "ret", 3, sub, VX_R_READ), VX_OK);
		EXPECT_EQ(vx_task_set_affinity(sp.task, 2ull << i), VX_OK);
		task[i] = start_victim(&sp);
		EXPECT_EQ(vx_task_map(self, out[i], INSPECT_VA + i * 4096ull,
				      VX_PROT_READ | VX_PROT_WRITE),
			  VX_OK);
	}
	volatile uint64_t *log[3];
	for (unsigned i = 0; i < n; i++) {
		log[i] = (volatile uint64_t *)(INSPECT_VA + i * 4096ull);
		for (int k = 0; k < 10000 && log[i][1] == 0; k++) /* until it is going */
			vx_sig_wait(0, (uint64_t)vx_clock() + MS);
	}
	for (int k = 0; k < rounds && !failures_in_test; k++) {
		int64_t m = vx_reticle_retype(sub, VX_OBJ_MEM, 1 + k % 8);
		int64_t g = vx_reticle_retype(sub, VX_OBJ_RING, VX_RING_ARG(6, 2));
		EXPECT(m > 0 && g > 0);
		int64_t d = vx_cap_derive((vx_handle_t)m, VX_R_READ, 0);
		EXPECT(d > 0);
		EXPECT_EQ(vx_cap_delete((vx_handle_t)g), VX_OK);
		EXPECT_EQ(vx_cap_revoke((vx_handle_t)m), 1); /* d */
		EXPECT_EQ(vx_cap_inspect((vx_handle_t)d, &(struct vx_cap_info){0}), VX_E_STALE);
		EXPECT_EQ(vx_cap_delete((vx_handle_t)m), VX_OK);
		if (k % 64 == 63)
			EXPECT_EQ(vx_reticle_reset(sub), VX_OK);
	}
	uint64_t seen[3];
	for (unsigned i = 0; i < n; i++)
		seen[i] = log[i][1];
	/* Their "ret" goes (one each), and VX_E_STALE answers from here. */
	EXPECT_EQ(vx_cap_revoke(sub), (int64_t)n);
	for (unsigned i = 0; i < n; i++) {
		for (int k = 0; k < 10000 && log[i][1] < seen[i] + 100; k++)
			vx_sig_wait(0, (uint64_t)vx_clock() + MS);
		log[i][0] = 1;
		EXPECT_EQ(exit_code(task[i]), 0);
		EXPECT(log[i][1] >= seen[i] + 100);
		EXPECT_EQ(log[i][2], 0);
		vx_printf("#   CPU %u: %lu shared calls beside %d rounds\n", i + 1,
			  (unsigned long)log[i][1], rounds);
		EXPECT_EQ(vx_task_unmap(out[i]), VX_OK);
	}
	EXPECT_EQ(vx_cap_delete(sub), VX_OK);
	EXPECT_EQ(vx_task_set_affinity(self, 0), VX_OK);
}

/* Is t still running or waiting (not exited, faulted or halted)? */
static bool still_running(vx_handle_t t)
{
	struct vx_task_info ti;

	return vx_task_inspect(t, &ti) == VX_OK &&
	       (ti.state == VX_TASK_RUNNABLE || ti.state == VX_TASK_WAITING);
}

/* A cap for a helper's Bundle (spawn_logged). */
struct helper_cap {
	const char *name;
	vx_handle_t h;
	uint32_t rights;
};

/* Starts helper i of an SMP test (i < 3): the victim with args on CPU
 * i + 1, with "self" (CONTROL), "out" (a new page of R, which ktest maps
 * at INSPECT_VA + i pages as its log, *log) and caps[0..ncaps) in its
 * Bundle.  Returns its Task, or 0 (a test failure) if it did not start. */
static vx_handle_t spawn_logged(unsigned i, const char *args, const struct helper_cap *caps,
				unsigned ncaps, vx_handle_t *out, volatile uint64_t **log)
{
	struct vx_spawn sp = {.self = self, .reticle = R};

	*out = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	*log = (volatile uint64_t *)(INSPECT_VA + i * 4096ull);
	if (!load_victim(args, &sp))
		return 0;
	EXPECT_EQ(vx_bundle_add(sp.bundle, "self", 4, sp.task, VX_R_CONTROL), VX_OK);
	EXPECT_EQ(vx_bundle_add(sp.bundle, "out", 3, *out, VX_R_READ | VX_R_WRITE), VX_OK);
	for (unsigned k = 0; k < ncaps; k++)
		EXPECT_EQ(vx_bundle_add(sp.bundle, caps[k].name, strlen(caps[k].name), caps[k].h,
					caps[k].rights),
			  VX_OK);
	EXPECT_EQ(vx_task_set_affinity(sp.task, 2ull << i), VX_OK);
	vx_handle_t t = start_victim(&sp);
	EXPECT_EQ(vx_task_map(self, *out, (uint64_t)(uintptr_t)*log, VX_PROT_READ | VX_PROT_WRITE),
		  VX_OK);
	return t;
}

/* Are the n helpers started by spawn_logged still short of want rounds
 * (out[1]) and running?  False too once deadline has passed, which fails
 * the test, saying that what did not get on. */
static bool logged_going(const vx_handle_t *task, volatile uint64_t *const *log, unsigned n,
			 uint64_t want, uint64_t deadline, const char *what)
{
	bool going = false;

	for (unsigned i = 0; i < n; i++)
		going |= log[i][1] < want && still_running(task[i]);
	if (going && (uint64_t)vx_clock() > deadline) {
		vx_printf("#   failed: the %s got on\n", what);
		failures_in_test++;
		return false;
	}
	return going;
}

/* Stops the helper started by spawn_logged (its out[0] = 1): it must exit
 * 0 having made want rounds (out[1]) with no wrong answer (out[2] and
 * out[3] zero).  The caller unmaps its log once it has read the rest. */
static void stop_logged(vx_handle_t task, volatile uint64_t *log, uint64_t want)
{
	log[0] = 1;
	EXPECT_EQ(exit_code(task), 0);
	EXPECT(log[1] >= want);
	EXPECT_EQ(log[2], 0);
	EXPECT_EQ(log[3], 0);
}

/* A carver on every other CPU (victim "carver") retypes, splits, derives,
 * mints and deletes in one Reticle at the same time, under the kernel lock
 * held shared, the Reticle's own lock and the forest locks, while ktest on
 * CPU 0 reads the Reticle (RETICLE_INFO, shared too), carves, maps and
 * deletes in it (maps and most deletes are exclusive) and derives from it.
 * The carvers also pass caps to the Reticle to each other through one
 * Ring (RING_SEND_CAP, RING_RECV_CAP: the Ring's lock, then the forest's).
 * Two carves that took the same record or the same body would show as
 * another carver's pattern in a Mem, or as figures that do not add up: the
 * Reticle must be as it was at the end.  A count of caps to the Reticle
 * gone wrong (the carvers all derive from it and delete) would keep it
 * alive after its last cap, or end it before. */
static void t_shared_carvers_share_a_reticle(void)
{
	unsigned n = ncpus - 1 > 3 ? 3 : ncpus - 1;
	vx_handle_t sub = MUST(vx_reticle_split(R, 1ull << 20)), task[3], out[3];
	vx_handle_t xfer = MUST(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 2)));
	struct vx_reticle_info start, ri, r_start;
	uint64_t want = stress ? 5000 : 150;

	EXPECT_EQ(vx_task_set_affinity(self, 1), VX_OK);
	EXPECT_EQ(vx_reticle_info(sub, &start), VX_OK);
	const struct helper_cap caps[] = {{"ret", sub, VX_R_ALL},
					  {"xfer", xfer, VX_R_PRODUCE | VX_R_CONSUME}};
	volatile uint64_t *log[3];
	for (unsigned i = 0; i < n; i++)
		if (!(task[i] = spawn_logged(i, "carver", caps, 2, &out[i], &log[i])))
			return;
	uint64_t mine = 0, deadline = (uint64_t)vx_clock() + 120000 * MS;
	for (bool going = true; going && !failures_in_test;) {
		EXPECT_EQ(vx_reticle_info(sub, &ri), VX_OK);
		EXPECT(ri.free <= start.free && ri.size == start.size);
		int64_t m = vx_reticle_retype(sub, VX_OBJ_MEM, 1 + mine % 3);
		EXPECT(m > 0 || m == VX_E_NOMEM);
		if (m > 0) {
			int64_t d = vx_cap_derive((vx_handle_t)m, VX_R_READ, 0);
			EXPECT(d > 0);
			EXPECT_EQ(vx_task_map(self, (vx_handle_t)d, INSPECT_VA + 3 * 4096ull,
					      VX_PROT_READ),
				  VX_OK);
			EXPECT_EQ(*(volatile uint64_t *)(INSPECT_VA + 3 * 4096ull), 0); /* zeroed */
			EXPECT_EQ(vx_cap_revoke((vx_handle_t)m), 1); /* d, unmapped with it */
			EXPECT_EQ(vx_cap_delete((vx_handle_t)m), VX_OK);
			mine++;
		}
		int64_t d = vx_cap_derive(sub, VX_R_READ, 0); /* beside the carvers' */
		EXPECT(d > 0);
		EXPECT_EQ(vx_cap_delete((vx_handle_t)d), VX_OK);
		going = logged_going(task, log, n, want, deadline, "carvers");
	}
	for (unsigned i = 0; i < n; i++) {
		/* out[2]: words another carve wrote; out[3]: answers neither a
		 * value nor VX_E_NOMEM (VX_E_FULL, VX_E_EMPTY from xfer). */
		stop_logged(task[i], log[i], want);
		EXPECT(log[i][5] > 0); /* caps received through xfer */
		vx_printf("#   CPU %u: %lu rounds, %lu refused for room, %lu caps received\n",
			  i + 1, (unsigned long)log[i][1], (unsigned long)log[i][4],
			  (unsigned long)log[i][5]);
		EXPECT_EQ(vx_task_unmap(out[i]), VX_OK);
	}
	vx_printf("#   ktest: %lu Mems beside them\n", (unsigned long)mine);
	/* Every carve was given back: the Reticle is as it was. */
	EXPECT_EQ(vx_reticle_info(sub, &ri), VX_OK);
	EXPECT_EQ(ri.objects, start.objects);
	EXPECT_EQ(ri.free, start.free);
	/* What the carvers left in xfer: caps to sub, each a child of one. */
	for (int64_t got; (got = vx_ring_recv_cap(xfer)) != VX_E_EMPTY;) {
		EXPECT(got > 0);
		if (got <= 0)
			break;
		EXPECT_EQ(vx_cap_delete((vx_handle_t)got), VX_OK);
	}
	EXPECT_EQ(vx_cap_delete(xfer), VX_OK);
	/* The carvers' own caps to it, one each, and then ours, the last:
	 * it dies with it, not before and not after. */
	EXPECT_EQ(vx_cap_revoke(sub), (int64_t)n);
	EXPECT_EQ(vx_reticle_info(R, &r_start), VX_OK);
	EXPECT_EQ(vx_cap_delete(sub), VX_OK);
	EXPECT_EQ(vx_reticle_info(R, &ri), VX_OK);
	EXPECT_EQ(ri.objects, r_start.objects - 1);
	EXPECT_EQ(vx_task_set_affinity(self, 0), VX_OK);
}

/* A mapper on every other CPU (victim "mapper") maps one Mem, which they
 * all hold, writable and then executable into itself, and a Mem of its
 * own into one Task they all map into (a new 2 MiB step each time, so new
 * page tables), under the kernel lock held shared (the frame's W^X counts
 * under its forest lock; the Task's page tables under its map_lock and
 * its Reticle's lock), while ktest maps and unmaps the same Mem itself
 * (readable) and inspects itself.  A writable mapping of the frame
 * beside an executable one would show in the mappers' counters; page
 * tables built twice or lost would fault a map or fail an unmap. */
static void t_shared_maps_keep_wx(void)
{
	unsigned n = ncpus - 1 > 3 ? 3 : ncpus - 1;
	vx_handle_t code = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 256)); /* a long map */
	vx_handle_t count = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	vx_handle_t tgt = MUST(vx_reticle_retype(R, VX_OBJ_TASK, 0)); /* never runs */
	vx_handle_t task[3], out[3], mine[3];
	uint64_t want = stress ? 20000 : 300, busy = 0;
	volatile uint64_t *log[3];
	char args[16];

	EXPECT_EQ(vx_task_set_affinity(self, 1), VX_OK);
	for (unsigned i = 0; i < n; i++) {
		mine[i] = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
		const struct helper_cap caps[] = {
		    {"code", code, VX_R_READ | VX_R_WRITE | VX_R_EXEC},
		    {"count", count, VX_R_READ | VX_R_WRITE},
		    {"tgt", tgt, VX_R_CONTROL},
		    {"mine", mine[i], VX_R_READ | VX_R_WRITE}};
		vx_snprintf(args, sizeof(args), "mapper %u", i);
		if (!(task[i] = spawn_logged(i, args, caps, 4, &out[i], &log[i])))
			return;
	}
	uint64_t deadline = (uint64_t)vx_clock() + 120000 * MS;
	struct vx_task_info ti;
	for (bool going = true; going && !failures_in_test;) {
		int64_t r = vx_task_map(self, code, INSPECT_VA + 3 * 4096ull, VX_PROT_READ);
		EXPECT(r == VX_OK || r == VX_E_BUSY); /* READ alone is never refused */
		busy += r == VX_E_BUSY;
		if (r == VX_OK)
			EXPECT_EQ(vx_task_unmap(code), VX_OK);
		EXPECT_EQ(vx_task_inspect(self, &ti), VX_OK);
		going = logged_going(task, log, n, want, deadline, "mappers");
	}
	EXPECT_EQ(busy, 0);
	uint64_t refused = 0;
	for (unsigned i = 0; i < n; i++) {
		/* out[2]: W beside X; out[3]: answers neither a value nor
		 * VX_E_BUSY. */
		stop_logged(task[i], log[i], want);
		refused += log[i][4];
		vx_printf("#   CPU %u: %lu rounds, %lu maps refused for W^X\n", i + 1,
			  (unsigned long)log[i][1], (unsigned long)log[i][4]);
		EXPECT_EQ(vx_task_unmap(out[i]), VX_OK);
	}
	if (n > 1)
		EXPECT(refused > 0);	      /* the mappers met */
	EXPECT_EQ(vx_cap_delete(tgt), VX_OK); /* its page tables with it */
	EXPECT_EQ(vx_task_set_affinity(self, 0), VX_OK);
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
	run("smp_poll_wait_loses_no_bit", t_poll_wait_loses_no_bit);
	run("smp_shared_calls_beside_exclusive", t_shared_calls_beside_exclusive);
	run("smp_shared_carvers_share_a_reticle", t_shared_carvers_share_a_reticle);
	run("smp_shared_maps_keep_wx", t_shared_maps_keep_wx);
	run("smp_shared_wakeups_lose_none", t_shared_wakeups_lose_none);
	run("smp_shared_wakeups_around_a_ring", t_shared_wakeups_around_a_ring);
}
