/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The call/reply fastpath of RING_NOTIFY_WAIT (kernel/core/ring.c,
 * ring_fastpath): when the peer waits for the doorbell's bit and the
 * scheduler would run it anyway, the kernel switches straight to it.  The
 * fastpath must give exactly the results of the ordinary path: every
 * request answered in order, priorities obeyed (a Task queued above the
 * peer runs first), deadlines kept, and a bit already pending answered at
 * once.  Each test runs the victim "echo" (tests/victim) as the peer.
 */
#include "ktest.h"

/* Inside the 2 MiB around SCRATCH_VA, whose page table ktest already has:
 * a new one would come from ram0 after R and hold R's memory back. */
#define REQ_VA	 (SCRATCH_VA + 0x40000)
#define REP_VA	 (SCRATCH_VA + 0x60000)
#define ORDER_VA (SCRATCH_VA + 0x80000)
#define REP_BIT	 ECHO_REP_BIT

static vx_handle_t new_ring(void)
{
	return MUST(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 4)));
}

bool echo_start_on(struct echo_pair *e, uint32_t prio, uint64_t mine, uint64_t its)
{
	EXPECT_EQ(vx_task_set_affinity(self, mine), VX_OK);
	struct vx_ring_info info;

	e->req = new_ring();
	e->rep = new_ring();
	e->out = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	EXPECT_EQ(vx_task_map(self, e->out, ORDER_VA, VX_PROT_READ | VX_PROT_WRITE), VX_OK);
	e->log = (volatile uint64_t *)ORDER_VA;
	if (vx_ring_bind(e->req, VX_RING_PRODUCER, REQ_VA, 4, &info) != VX_OK ||
	    vx_ring_init(&e->to, &info, e->req) != VX_OK ||
	    vx_ring_bind(e->rep, VX_RING_CONSUMER, REP_VA, REP_BIT, &info) != VX_OK ||
	    vx_ring_init(&e->from, &info, e->rep) != VX_OK) {
		EXPECT(!"ring setup");
		return false;
	}
	struct vx_spawn sp = {.self = self, .reticle = R};
	if (!load_victim("echo", &sp))
		return false;
	EXPECT_EQ(vx_bundle_add(sp.bundle, "req", 3, e->req, VX_R_CONSUME), VX_OK);
	EXPECT_EQ(vx_bundle_add(sp.bundle, "rep", 3, e->rep, VX_R_PRODUCE), VX_OK);
	EXPECT_EQ(vx_bundle_add(sp.bundle, "out", 3, e->out, VX_R_READ | VX_R_WRITE), VX_OK);
	EXPECT_EQ(vx_bundle_add(sp.bundle, "self", 4, sp.task, VX_R_CONTROL), VX_OK);
	EXPECT_EQ(vx_task_set_prio(sp.task, prio), VX_OK);
	EXPECT_EQ(vx_task_set_affinity(sp.task, its), VX_OK);
	e->task = start_victim(&sp);
	/* Let it run until it blocks for its first request. */
	struct vx_task_info ti;
	for (int i = 0; i < 1000; i++) {
		vx_sig_wait(0, (uint64_t)vx_clock() + MS / 4);
		if (vx_task_inspect(e->task, &ti) == VX_OK && ti.state == VX_TASK_WAITING)
			break;
	}
	EXPECT_EQ(ti.state, VX_TASK_WAITING);
	if (ti.state == VX_TASK_EXITED)
		vx_printf("#   echo exited with %u\n", (unsigned)ti.fault.exit_code);
	/* Bits left over from the binds. */
	vx_sig_wait(1ull << REP_BIT, VX_DEADLINE_NONE);
	return failures_in_test == 0;
}

/* ktest and echo both on CPU 0, so that the order of events is the one
 * CPU's scheduler's (smp.c crosses CPUs on purpose). */
static bool echo_start(struct echo_pair *e, uint32_t prio)
{
	return echo_start_on(e, prio, 1, 1);
}

void echo_send(struct echo_pair *e, uint64_t word)
{
	uint64_t msg[8] = {word};

	EXPECT_EQ(vx_ring_try_send(&e->to, msg, sizeof(msg)), VX_OK);
}

/* Ends echo and waits for its exit code. */
void echo_stop(struct echo_pair *e)
{
	struct vx_task_info ti;

	echo_send(e, UINT64_MAX);
	vx_ring_notify(e->req);
	for (int i = 0; i < 1000; i++) {
		if (vx_task_inspect(e->task, &ti) == VX_OK && ti.state == VX_TASK_EXITED)
			break;
		vx_sig_wait(SIG_CHILD, (uint64_t)vx_clock() + MS);
	}
	EXPECT_EQ(ti.state, VX_TASK_EXITED);
	EXPECT_EQ(ti.fault.exit_code, 0);
	EXPECT_EQ(vx_task_set_affinity(self, 0), VX_OK);
}

/* n round trips, each one RING_NOTIFY_WAIT per side; every reply is the
 * request plus one, in order.  At ktest's own priority the fastpath
 * switches directly; below it, the ordinary path runs: same answers.
 * until: ktest's every wait has a deadline a second on (the fastpath's
 * other form, which also puts the caller on the sleepers' list), which
 * the answer must beat. */
static void round_trips(uint32_t prio, uint64_t n, bool until)
{
	struct echo_pair e;
	uint64_t msg[8];
	size_t len;

	if (!echo_start(&e, prio))
		return;
	for (uint64_t i = 0; i < n && !failures_in_test; i++) {
		echo_send(&e, i);
		uint64_t deadline = until ? (uint64_t)vx_clock() + 1000 * MS : VX_DEADLINE_NEVER;
		int64_t fired = vx_ring_notify_wait(e.req, 1ull << REP_BIT, deadline);
		EXPECT_EQ(fired, 1ull << REP_BIT);
		EXPECT_EQ(vx_ring_try_recv(&e.from, msg, sizeof(msg), &len), VX_OK);
		EXPECT_EQ(msg[0], i + 1);
		EXPECT_EQ(vx_ring_try_recv(&e.from, msg, sizeof(msg), &len), VX_E_EMPTY);
	}
	EXPECT_EQ(e.log[0], n < 500 ? n : 500); /* the log keeps 500 */
	/* Every answered wait left the sleepers' list: a short sleep now
	 * ends at its own deadline, not at one of theirs. */
	uint64_t t0 = (uint64_t)vx_clock();
	EXPECT_EQ(vx_sig_wait(1ull << REP_BIT, t0 + 2 * MS), 0);
	EXPECT((uint64_t)vx_clock() >= t0 + 2 * MS);
	echo_stop(&e);
}

static void t_fastpath_10000_round_trips_in_order(void)
{
	round_trips(VX_PRIO_MAX, 10000, false);
}

static void t_fastpath_1000_round_trips_with_a_deadline(void)
{
	round_trips(VX_PRIO_MAX, 1000, true);
}

static void t_slowpath_1000_round_trips_same_answers(void)
{
	round_trips(VX_PRIO_MAX - 1, 1000, false); /* lower peer: no direct switch */
}

/* ktest (15) wakes echo (13) while mark (14) is ready: mark must run
 * first.  A fastpath that switched to the woken peer whatever was queued
 * would log "EM". */
static void t_fastpath_yields_to_a_higher_ready_task(void)
{
	struct echo_pair e;
	uint64_t msg[8];
	size_t len;

	if (!echo_start(&e, VX_PRIO_MAX - 2))
		return;
	struct vx_spawn sp = {.self = self, .reticle = R};
	if (!load_victim("mark M", &sp))
		return;
	EXPECT_EQ(vx_bundle_add(sp.bundle, "out", 3, e.out, VX_R_READ | VX_R_WRITE), VX_OK);
	EXPECT_EQ(vx_bundle_add(sp.bundle, "self", 4, sp.task, VX_R_CONTROL), VX_OK);
	EXPECT_EQ(vx_task_set_prio(sp.task, VX_PRIO_MAX - 1), VX_OK);
	EXPECT_EQ(vx_task_set_affinity(sp.task, 1), VX_OK);
	start_victim(&sp); /* ready, below ktest: it waits its turn */
	echo_send(&e, 41);
	EXPECT_EQ(vx_ring_notify_wait(e.req, 1ull << REP_BIT, VX_DEADLINE_NEVER), 1ull << REP_BIT);
	EXPECT_EQ(vx_ring_try_recv(&e.from, msg, sizeof(msg), &len), VX_OK);
	EXPECT_EQ(msg[0], 42);
	EXPECT_EQ(e.log[0], 2);
	EXPECT_EQ(e.log[1], 'M');
	EXPECT_EQ(e.log[2], 'E');
	echo_stop(&e);
}

/* The peer takes the request and does not answer: a fastpath wait with a
 * deadline must still end at the deadline, with 0. */
static void t_fastpath_deadline_ends_the_wait(void)
{
	struct echo_pair e;

	if (!echo_start(&e, VX_PRIO_MAX))
		return;
	echo_send(&e, UINT64_MAX - 1);
	uint64_t deadline = (uint64_t)vx_clock() + 3 * MS;
	EXPECT_EQ(vx_ring_notify_wait(e.req, 1ull << REP_BIT, deadline), 0);
	EXPECT((uint64_t)vx_clock() >= deadline);
	EXPECT_EQ(e.log[0], 1); /* it did take the request */
	echo_stop(&e);
}

/* A bit of ours already pending: the call answers at once with it, and
 * the doorbell still rings (the peer answers the request). */
static void t_fastpath_pending_bit_answers_at_once(void)
{
	struct echo_pair e;
	uint64_t msg[8];
	size_t len;

	if (!echo_start(&e, VX_PRIO_MAX))
		return;
	vx_handle_t me = MUST(vx_sig_mint(self, SIG_TEST));
	EXPECT_EQ(vx_sig_raise(me, SIG_TEST), VX_OK);
	echo_send(&e, 7);
	EXPECT_EQ(vx_ring_notify_wait(e.req, SIG_TEST | (1ull << REP_BIT), VX_DEADLINE_NEVER),
		  SIG_TEST);
	EXPECT_EQ(e.log[0], 0); /* ktest still ran first: echo is only queued */
	EXPECT_EQ(vx_ring_notify_wait(e.req, 1ull << REP_BIT, VX_DEADLINE_NEVER), 1ull << REP_BIT);
	EXPECT_EQ(vx_ring_try_recv(&e.from, msg, sizeof(msg), &len), VX_OK);
	EXPECT_EQ(msg[0], 8);
	vx_cap_delete(me);
	echo_stop(&e);
}

/* A fault hands the CPU straight to a supervisor that waits for it, but
 * only when nothing of the supervisor's priority or above is queued: here
 * mark (15), queued behind the faulting child, runs before ktest (15)
 * wakes, as the scheduler orders them.  A handoff that went ahead of its
 * equals would wake ktest to an empty log. */
static void t_fault_handoff_waits_for_equals(void)
{
	struct vx_spawn f = {.self = self, .reticle = R}, m = {.self = self, .reticle = R};
	vx_handle_t out = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	struct vx_task_info ti;

	EXPECT_EQ(vx_task_map(self, out, ORDER_VA, VX_PROT_READ | VX_PROT_WRITE), VX_OK);
	volatile uint64_t *log = (volatile uint64_t *)ORDER_VA;
	EXPECT_EQ(vx_task_set_affinity(self, 1), VX_OK);
	if (!load_victim("ud", &f) || !load_victim("mark M", &m))
		return;
	EXPECT_EQ(vx_bundle_add(m.bundle, "out", 3, out, VX_R_READ | VX_R_WRITE), VX_OK);
	EXPECT_EQ(vx_bundle_add(m.bundle, "self", 4, m.task, VX_R_CONTROL), VX_OK);
	EXPECT_EQ(vx_task_set_prio(f.task, VX_PRIO_MAX), VX_OK);
	EXPECT_EQ(vx_task_set_prio(m.task, VX_PRIO_MAX), VX_OK);
	EXPECT_EQ(vx_task_set_affinity(f.task, 1), VX_OK);
	EXPECT_EQ(vx_task_set_affinity(m.task, 1), VX_OK);
	vx_sig_wait(SIG_CHILD, VX_DEADLINE_NONE); /* a bit left by an earlier child */
	EXPECT_EQ(vx_task_supervise(f.task, child_sig), VX_OK);
	EXPECT_EQ(vx_spawn_start(&f), VX_OK); /* queued first: it faults */
	EXPECT_EQ(vx_spawn_start(&m), VX_OK); /* queued behind it, unsupervised */
	EXPECT_EQ(vx_sig_wait(SIG_CHILD, (uint64_t)vx_clock() + CHILD_WAIT), (int64_t)SIG_CHILD);
	EXPECT_EQ(log[0], 1);
	EXPECT_EQ(log[1], 'M');
	EXPECT_EQ(vx_task_inspect(f.task, &ti), VX_OK);
	EXPECT_EQ(ti.state, VX_TASK_FAULTED);
	EXPECT_EQ(ti.fault.kind, VX_FAULT_UD);
	EXPECT_EQ(vx_cap_delete(f.task), VX_OK);
	EXPECT_EQ(vx_cap_delete(m.task), VX_OK);
	EXPECT_EQ(vx_task_unmap(out), VX_OK);
	EXPECT_EQ(vx_cap_delete(out), VX_OK);
	EXPECT_EQ(vx_task_set_affinity(self, 0), VX_OK);
}

void ktest_fastpath(void)
{
	run("fastpath_10000_round_trips_in_order", t_fastpath_10000_round_trips_in_order);
	run("fastpath_1000_round_trips_with_a_deadline",
	    t_fastpath_1000_round_trips_with_a_deadline);
	run("slowpath_1000_round_trips_same_answers", t_slowpath_1000_round_trips_same_answers);
	run("fastpath_yields_to_a_higher_ready_task", t_fastpath_yields_to_a_higher_ready_task);
	run("fastpath_deadline_ends_the_wait", t_fastpath_deadline_ends_the_wait);
	run("fastpath_pending_bit_answers_at_once", t_fastpath_pending_bit_answers_at_once);
	run("fault_handoff_waits_for_its_equals", t_fault_handoff_waits_for_equals);
}
