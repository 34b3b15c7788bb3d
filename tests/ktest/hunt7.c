/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hunt 7: the shared wake-ups (SIG_RAISE and RING_NOTIFY under the kernel
 * lock held shared, signal_deliver_shared) attacked from several CPUs
 * while the target's life goes on around them:
 *
 *   hunt7_raises_beside_lifecycle  three raisers on three CPUs each raise
 *       their bit at one target and wait for its answer, 500 times,
 *       while ktest halts, resumes, re-prioritises, moves (also to masks
 *       naming CPUs that are not online), inspects and rewrites the
 *       registers of the target, which waits with deadlines of 0.1 to
 *       0.8 ms (so on the sleep list, its deadline often expiring as a
 *       raise comes).  Every bit arrives exactly once, every state read is
 *       a real one, nobody's wait runs out.
 *   hunt7_raises_at_a_dying_task  raisers on every other CPU raise without
 *       pause at a Task that ktest destroys under them: by a Reticle
 *       reset, by revoke and delete of its cap, halted first or not.
 *       Every raise answers VX_OK or a handle error, and the raises go on
 *       answering after the Task is gone.
 *   hunt7_exclusive_calls_beside_a_raise_flood  raisers on every other CPU
 *       raise at ktest without pause; ktest's exclusive calls still get
 *       their turn (each within a bound far above a ticket's wait), and its
 *       waits, polling (shared) or blocking (exclusive), each find the bit.
 *   hunt7_doorbells_beside_unbind  a victim on CPU 1 rings a Ring's
 *       doorbell without pause while ktest binds its end with a new wake
 *       bit, hears it, and unbinds, 100 times: while bound only that bit
 *       comes, once unbound nothing more does; then the Ring is revoked
 *       under the bell, which answers with handle errors from there.
 *   hunt7_wait_and_raise_edges  on any number of CPUs: bit 63 in a wait's
 *       mask or a mint, empty masks, bits outside a cap's narrow, a raise
 *       at a Task that is new, halted or faulted (the bits wait for it),
 *       a raise to oneself taken at once.
 */
#include "ktest.h"

#define H7_VA	(SCRATCH_VA + 0xe0000) /* 4 pages of ktest's scratch window */
#define H7_BITS (1ull << 4 | 1ull << 5 | 1ull << 7)

static const int h7_bit[3] = {4, 5, 7};

static uint64_t h7_rng = 0xbb67ae8584caa73bull;

static uint64_t h7_next(void)
{
	h7_rng ^= h7_rng << 13;
	h7_rng ^= h7_rng >> 7;
	h7_rng ^= h7_rng << 17;
	return h7_rng;
}

/* Loads the victim with args from ret, its "self" and "out" (Mem out,
 * mapped by ktest at H7_VA + page * 4096) added; sp->bundle is left open
 * for more. */
static bool h7_load(const char *args, vx_handle_t ret, vx_handle_t out, struct vx_spawn *sp)
{
	*sp = (struct vx_spawn){.self = self, .reticle = ret};
	if (!load_victim(args, sp))
		return false;
	EXPECT_EQ(vx_bundle_add(sp->bundle, "self", 4, sp->task, VX_R_READ | VX_R_CONTROL), VX_OK);
	EXPECT_EQ(vx_bundle_add(sp->bundle, "out", 3, out, VX_R_READ | VX_R_WRITE), VX_OK);
	return true;
}

/* A Mem page for a victim's "out", mapped at page of H7_VA. */
static vx_handle_t h7_page(unsigned page)
{
	vx_handle_t m = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));

	MUST(vx_task_map(self, m, H7_VA + page * 4096ull, VX_PROT_READ | VX_PROT_WRITE));
	return m;
}

static volatile uint64_t *h7_log(unsigned page)
{
	return (volatile uint64_t *)(H7_VA + page * 4096ull);
}

/* Waits (at most CHILD_WAIT) until *word reaches at least want. */
static bool h7_reaches(volatile uint64_t *word, uint64_t want)
{
	uint64_t end = (uint64_t)vx_clock() + CHILD_WAIT;

	while (*word < want && (uint64_t)vx_clock() < end)
		vx_sig_wait(0, (uint64_t)vx_clock() + MS / 4);
	return *word >= want;
}

/* ------------------------------------------------------------ lifecycle */

/* One random lifecycle call on target t (halted says whether ktest halted
 * it), with n CPUs online and ktest at priority prio. */
static void h7_poke(vx_handle_t t, bool *halted, unsigned n, uint32_t prio, unsigned *done)
{
	static struct vx_regs g;
	struct vx_task_info ti;

	switch (h7_next() % 8) {
	case 0:
		if (*halted)
			break;
		EXPECT_EQ(vx_task_halt(t), VX_OK);
		*halted = true;
		done[0]++;
		break;
	case 1:
		if (*halted)
			EXPECT_EQ(vx_task_resume(t), VX_OK);
		*halted = false;
		break;
	case 2:
		EXPECT_EQ(vx_task_set_prio(t, 1 + h7_next() % prio), VX_OK);
		break;
	case 3: { /* anywhere, one CPU, one CPU and every CPU not online, none online */
		uint64_t c = 1ull << (h7_next() % n), off = n < 64 ? ~0ull << n : 0;
		switch (h7_next() % 4) {
		case 0:
			EXPECT_EQ(vx_task_set_affinity(t, 0), VX_OK);
			break;
		case 1:
			EXPECT_EQ(vx_task_set_affinity(t, c), VX_OK);
			break;
		case 2:
			EXPECT_EQ(vx_task_set_affinity(t, c | off), VX_OK);
			break;
		default:
			if (off)
				EXPECT_EQ(vx_task_set_affinity(t, off), VX_E_INVAL);
			break;
		}
		done[1]++;
		break;
	}
	case 4: /* every state read is one the target may be in */
		EXPECT_EQ(vx_task_inspect(t, &ti), VX_OK);
		if (*halted)
			EXPECT_EQ(ti.state, VX_TASK_HALTED);
		else
			EXPECT(ti.state == VX_TASK_RUNNABLE || ti.state == VX_TASK_WAITING);
		EXPECT_EQ(ti.pending & ~H7_BITS, 0);
		done[2]++;
		break;
	case 5: /* its registers read and written back as they were */
		if (!*halted) {
			EXPECT_EQ(vx_task_regs(t, VX_REGS_READ, &g), VX_E_STATE);
			break;
		}
		EXPECT_EQ(vx_task_regs(t, VX_REGS_READ, &g), VX_OK);
		EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE, &g), VX_OK);
		done[3]++;
		break;
	case 6:
		vx_sig_wait(0, (uint64_t)vx_clock() + (h7_next() % 4) * 50000);
		break;
	default:
		vx_task_yield();
		break;
	}
}

static void t_raises_beside_lifecycle(void)
{
	static const char *const ack_name[3] = {"a4", "a5", "a7"};
	unsigned n = cpus_online(), k = n - 1 > 3 ? 3 : n - 1, done[4] = {0};
	const int rounds = 500;
	struct vx_spawn ts, rs[3];
	struct vx_task_info ti;
	vx_handle_t raiser[3];
	bool halted = false;
	char args[32];

	if (n < 2) {
		vx_printf("#   one CPU: no raise runs beside another\n");
		return;
	}
	EXPECT_EQ(vx_task_inspect(self, &ti), VX_OK);
	uint32_t prio = ti.prio;
	vx_handle_t out = h7_page(0);
	volatile uint64_t *log = h7_log(0);
	if (!h7_load("answer", R, out, &ts))
		return;
	for (unsigned i = 0; i < k; i++) {
		vx_snprintf(args, sizeof(args), "raiser %d %d", rounds, h7_bit[i]);
		rs[i] = (struct vx_spawn){.self = self, .reticle = R};
		if (!load_victim(args, &rs[i]))
			return;
		vx_handle_t boss = MUST(vx_sig_mint(ts.task, 1ull << h7_bit[i]));
		EXPECT_EQ(vx_bundle_add(rs[i].bundle, "boss", 4, boss, 0), VX_OK);
		vx_handle_t ack = MUST(vx_sig_mint(rs[i].task, 1ull << 6));
		EXPECT_EQ(vx_bundle_add(ts.bundle, ack_name[i], 2, ack, 0), VX_OK);
		EXPECT_EQ(vx_task_set_affinity(rs[i].task, 2ull << i), VX_OK);
	}
	EXPECT_EQ(vx_task_set_affinity(self, 1), VX_OK);
	vx_handle_t t = start_victim(&ts);
	for (unsigned i = 0; i < k; i++)
		raiser[i] = start_victim(&rs[i]);
	uint64_t end = (uint64_t)vx_clock() + 120000 * MS; /* a bound on a hang */
	for (;;) {
		uint64_t got = 0;
		for (unsigned i = 0; i < k; i++)
			got += log[1 + i];
		if (got >= (uint64_t)k * rounds || failures_in_test || (uint64_t)vx_clock() > end)
			break;
		h7_poke(t, &halted, n, prio, done);
	}
	if (halted)
		EXPECT_EQ(vx_task_resume(t), VX_OK);
	EXPECT_EQ(vx_task_set_affinity(t, 0), VX_OK);
	for (unsigned i = 0; i < k; i++) {
		EXPECT_EQ(exit_code(raiser[i]), 0);
		EXPECT_EQ(log[1 + i], (uint64_t)rounds);
	}
	log[0] = 1;
	EXPECT_EQ(exit_code(t), 0);
	EXPECT_EQ(log[5], 0);
	vx_printf("#   %u raisers x %d: %u halts, %u moves, %u inspects, %u rewrites, %lu "
		  "deadlines ran out\n",
		  k, rounds, done[0], done[1], done[2], done[3], (unsigned long)log[4]);
	EXPECT_EQ(vx_task_set_affinity(self, 0), VX_OK);
	EXPECT_EQ(vx_task_unmap(out), VX_OK);
}

/* ------------------------------------------------------------ dying target */

static void t_raises_at_a_dying_task(void)
{
	unsigned n = cpus_online(), k = n - 1 > 3 ? 3 : n - 1;
	vx_handle_t flooder[3], fout[3];
	char args[32];

	if (n < 2) {
		vx_printf("#   one CPU: no raise runs beside the destruction\n");
		return;
	}
	EXPECT_EQ(vx_task_set_affinity(self, 1), VX_OK);
	vx_handle_t tout = h7_page(3);
	for (unsigned i = 0; i < k; i++)
		fout[i] = h7_page(i);
	for (unsigned mode = 0; mode < 4 && !failures_in_test; mode++) {
		vx_handle_t sub = MUST(vx_reticle_split(R, 1ull << 20));
		vx_handle_t fsub = MUST(vx_reticle_split(R, 2ull << 20)); /* the flooders' */
		struct vx_spawn ts, fs;
		if (!h7_load("answer", sub, tout, &ts))
			break;
		vx_handle_t t = start_victim(&ts);
		for (unsigned i = 0; i < k; i++) {
			volatile uint64_t *log = h7_log(i);
			for (unsigned w = 0; w < 8; w++)
				log[w] = 0;
			vx_snprintf(args, sizeof(args), "flood %d", h7_bit[i]);
			if (!h7_load(args, fsub, fout[i], &fs))
				return;
			vx_handle_t tgt = MUST(vx_sig_mint(t, 1ull << h7_bit[i]));
			EXPECT_EQ(vx_bundle_add(fs.bundle, "tgt", 3, tgt, 0), VX_OK);
			EXPECT_EQ(vx_task_set_affinity(fs.task, 2ull << i), VX_OK);
			flooder[i] = start_victim(&fs);
		}
		for (unsigned i = 0; i < k; i++)
			EXPECT(h7_reaches(&h7_log(i)[1], 200));
		switch (mode) {
		case 0: /* the Reticle it lives in, reset under the raises */
			EXPECT_EQ(vx_reticle_reset(sub), VX_OK);
			break;
		case 1: /* halted, then reset */
			EXPECT_EQ(vx_task_halt(t), VX_OK);
			EXPECT_EQ(vx_reticle_reset(sub), VX_OK);
			break;
		case 2: /* every cap to it revoked, then the last one deleted */
			EXPECT(vx_cap_revoke(t) >= (int64_t)k);
			EXPECT_EQ(vx_cap_delete(t), VX_OK);
			break;
		default: /* moved, re-prioritised, then deleted while it runs */
			EXPECT_EQ(vx_task_set_affinity(t, 2), VX_OK);
			EXPECT_EQ(vx_task_set_prio(t, 1), VX_OK);
			EXPECT(vx_cap_revoke(t) >= (int64_t)k);
			EXPECT_EQ(vx_cap_delete(t), VX_OK);
			break;
		}
		for (unsigned i = 0; i < k; i++) {
			volatile uint64_t *log = h7_log(i);
			EXPECT(h7_reaches(&log[2], 200)); /* it answers, stale */
			log[0] = 1;
			EXPECT_EQ(exit_code(flooder[i]), 0);
			EXPECT_EQ(log[3], 0);
			vx_printf("#   way %u, CPU %u: %lu raises before, %lu after\n", mode, i + 1,
				  (unsigned long)log[1], (unsigned long)log[2]);
		}
		EXPECT_EQ(vx_cap_delete(sub), VX_OK);
		EXPECT_EQ(vx_cap_delete(fsub), VX_OK); /* the flooders, their caps and pages */
	}
	for (unsigned i = 0; i < k; i++)
		EXPECT_EQ(vx_task_unmap(fout[i]), VX_OK);
	EXPECT_EQ(vx_task_unmap(tout), VX_OK);
	EXPECT_EQ(vx_task_set_affinity(self, 0), VX_OK);
}

/* ------------------------------------------------------------ fairness */

#define FLOOD_BIT (1ull << 8)

static void t_exclusive_calls_beside_a_raise_flood(void)
{
	unsigned n = cpus_online(), k = n - 1 > 3 ? 3 : n - 1;
	vx_handle_t flooder[3], fout[3];
	uint64_t worst = 0;
	int polled = 0, blocked = 0;

	if (n < 2) {
		vx_printf("#   one CPU: nobody floods beside ktest\n");
		return;
	}
	EXPECT_EQ(vx_task_set_affinity(self, 1), VX_OK);
	for (unsigned i = 0; i < k; i++) {
		struct vx_spawn fs;
		fout[i] = h7_page(i);
		if (!h7_load("flood 8", R, fout[i], &fs))
			return;
		vx_handle_t tgt = MUST(vx_sig_mint(self, FLOOD_BIT));
		EXPECT_EQ(vx_bundle_add(fs.bundle, "tgt", 3, tgt, 0), VX_OK);
		EXPECT_EQ(vx_task_set_affinity(fs.task, 2ull << i), VX_OK);
		flooder[i] = start_victim(&fs);
	}
	for (unsigned i = 0; i < k; i++)
		EXPECT(h7_reaches(&h7_log(i)[1], 100));
	for (int r = 0; r < 500 && !failures_in_test; r++) {
		uint64_t t0 = (uint64_t)vx_clock();
		int64_t m = vx_reticle_retype(R, VX_OBJ_MEM, 1);
		EXPECT(m > 0);
		int64_t d = vx_cap_derive((vx_handle_t)m, VX_R_READ, 0);
		EXPECT(d > 0);
		EXPECT_EQ(vx_cap_delete((vx_handle_t)m), VX_OK);
		EXPECT_EQ(vx_cap_delete((vx_handle_t)d), VX_OK);
		uint64_t took = (uint64_t)vx_clock() - t0;
		worst = took > worst ? took : worst;
		/* Its bit comes, whether taken by a poll or a blocking wait. */
		int64_t got = r & 1 ? vx_sig_wait(FLOOD_BIT, VX_DEADLINE_NONE)
				    : vx_sig_wait(FLOOD_BIT, (uint64_t)vx_clock() + 2000 * MS);
		if (got == (int64_t)FLOOD_BIT)
			*(r & 1 ? &polled : &blocked) += 1;
		else if (!(r & 1))
			EXPECT_EQ(got, (int64_t)FLOOD_BIT);
	}
	for (unsigned i = 0; i < k; i++) {
		volatile uint64_t *log = h7_log(i);
		log[0] = 1;
		EXPECT_EQ(exit_code(flooder[i]), 0);
		EXPECT_EQ(log[2] + log[3], 0);
		vx_printf("#   CPU %u: %lu raises\n", i + 1, (unsigned long)log[1]);
		EXPECT_EQ(vx_task_unmap(fout[i]), VX_OK);
	}
	vx_printf("#   500 rounds of 4 exclusive calls, the worst %lu us; %d polls and %d "
		  "waits took the bit\n",
		  (unsigned long)(worst / 1000), polled, blocked);
	EXPECT(worst < 5000 * MS); /* starved, it would never end */
	EXPECT(blocked == 250);
	vx_sig_wait(FLOOD_BIT, VX_DEADLINE_NONE);
	EXPECT_EQ(vx_task_set_affinity(self, 0), VX_OK);
}

/* ------------------------------------------------------------ edges */

static void t_wait_and_raise_edges(void)
{
	struct vx_task_info ti;
	struct vx_spawn sp;
	vx_handle_t out = h7_page(0);

	/* Bit 63 is reserved: in a wait's mask, a mint, a narrowed derive. */
	EXPECT_EQ(vx_sig_wait(1ull << 63, VX_DEADLINE_NONE), VX_E_INVAL);
	EXPECT_EQ(vx_sig_wait(1ull << 63 | 1, VX_DEADLINE_NONE), VX_E_INVAL);
	EXPECT_EQ(vx_sig_wait(~0ull, (uint64_t)vx_clock() + MS), VX_E_INVAL);
	EXPECT_EQ(vx_sig_wait(0, VX_DEADLINE_NONE), VX_E_INVAL);
	EXPECT_EQ(vx_sig_wait(0, VX_DEADLINE_NEVER), VX_E_INVAL);
	EXPECT_EQ(vx_sig_mint(self, 1ull << 63), VX_E_INVAL);
	EXPECT_EQ(vx_sig_mint(self, 0), VX_E_INVAL);
	/* A raise to oneself is taken at once, exactly. */
	vx_handle_t me = MUST(vx_sig_mint(self, 1ull << 40 | 1ull << 41));
	vx_sig_wait(3ull << 40, VX_DEADLINE_NONE);
	EXPECT_EQ(vx_sig_raise(me, 0), VX_E_INVAL);
	EXPECT_EQ(vx_sig_raise(me, 1ull << 42), VX_E_RIGHTS);
	EXPECT_EQ(vx_sig_raise(me, 1ull << 63), VX_E_RIGHTS);
	EXPECT_EQ(vx_sig_raise(me, 1ull << 41), VX_OK);
	EXPECT_EQ(vx_sig_raise(me, 1ull << 41), VX_OK); /* sticky: one bit */
	EXPECT_EQ(vx_sig_wait(1ull << 40, VX_DEADLINE_NONE), 0);
	EXPECT_EQ(vx_sig_wait(3ull << 40, (uint64_t)vx_clock() + 100 * MS), (int64_t)(1ull << 41));
	EXPECT_EQ(vx_sig_wait(3ull << 40, VX_DEADLINE_NONE), 0);
	EXPECT_EQ(vx_cap_delete(me), VX_OK);
	/* A new Task keeps what is raised at it; so does a halted one and a
	 * faulted one, and the bits wait for the next wait. */
	if (!h7_load("answer", R, out, &sp))
		return;
	vx_handle_t s = MUST(vx_sig_mint(sp.task, H7_BITS));
	EXPECT_EQ(vx_sig_raise(s, 1ull << 5), VX_OK);
	EXPECT_EQ(vx_task_inspect(sp.task, &ti), VX_OK);
	EXPECT_EQ(ti.state, VX_TASK_NEW);
	EXPECT_EQ(ti.pending, 1ull << 5);
	vx_handle_t t = start_victim(&sp);
	volatile uint64_t *log = h7_log(0);
	EXPECT(h7_reaches(&log[2], 1)); /* the bit raised before its start */
	EXPECT(h7_reaches(&log[4], 2)); /* it waits with deadlines */
	EXPECT_EQ(vx_task_halt(t), VX_OK);
	EXPECT_EQ(vx_sig_raise(s, 1ull << 4 | 1ull << 7), VX_OK);
	EXPECT_EQ(vx_task_inspect(t, &ti), VX_OK);
	EXPECT_EQ(ti.state, VX_TASK_HALTED);
	EXPECT_EQ(ti.pending, 1ull << 4 | 1ull << 7);
	EXPECT_EQ(vx_task_resume(t), VX_OK);
	EXPECT(h7_reaches(&log[1], 1));
	EXPECT(h7_reaches(&log[3], 1));
	log[0] = 1;
	EXPECT_EQ(exit_code(t), 0);
	EXPECT_EQ(log[1], 1);
	EXPECT_EQ(log[2], 1);
	EXPECT_EQ(log[3], 1);
	EXPECT_EQ(log[5], 0);
	/* An exited Task: the raise lands and nothing wakes. */
	EXPECT_EQ(vx_sig_raise(s, 1ull << 5), VX_OK);
	EXPECT_EQ(vx_task_inspect(t, &ti), VX_OK);
	EXPECT_EQ(ti.state, VX_TASK_EXITED);
	EXPECT_EQ(vx_cap_delete(s), VX_OK);
	EXPECT_EQ(vx_task_unmap(out), VX_OK);
}

/* ------------------------------------------------------------ doorbells */

#define BELL_VA	  (SCRATCH_VA + 0x100000)    /* in the 2 MiB whose page table ktest has */
#define BELL_BITS (((1ull << 20) - 1) << 10) /* the wake bits ktest binds with */

static void t_doorbells_beside_unbind(void)
{
	unsigned n = cpus_online(), late = 0;
	struct vx_ring_info info;
	struct vx_spawn bs;
	int rounds = 100, heard = 0;

	if (n < 2) {
		vx_printf("#   one CPU: no doorbell rings beside the unbind\n");
		return;
	}
	EXPECT_EQ(vx_task_set_affinity(self, 1), VX_OK);
	vx_handle_t ring = MUST(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 4)));
	vx_handle_t out = h7_page(0);
	volatile uint64_t *log = h7_log(0);
	if (!h7_load("bell", R, out, &bs))
		return;
	EXPECT_EQ(vx_bundle_add(bs.bundle, "ring", 4, ring, VX_R_PRODUCE), VX_OK);
	EXPECT_EQ(vx_task_set_affinity(bs.task, 2), VX_OK);
	vx_handle_t t = start_victim(&bs);
	EXPECT(h7_reaches(&log[1], 100));
	vx_sig_wait(BELL_BITS, VX_DEADLINE_NONE);
	for (int r = 0; r < rounds && !failures_in_test; r++) {
		uint64_t bit = 1ull << (10 + r % 20);
		EXPECT_EQ(vx_ring_bind(ring, VX_RING_CONSUMER, BELL_VA, 10 + r % 20, &info), VX_OK);
		/* Bound: the bell reaches ktest on its bit alone. */
		int64_t got = vx_sig_wait(BELL_BITS, (uint64_t)vx_clock() + 2000 * MS);
		EXPECT_EQ(got, (int64_t)bit);
		heard += got == (int64_t)bit;
		EXPECT_EQ(vx_ring_unbind(ring), VX_OK);
		/* Unbound: what came before the unbind is taken; nothing comes
		 * after it. */
		vx_sig_wait(BELL_BITS, VX_DEADLINE_NONE);
		got = vx_sig_wait(BELL_BITS, (uint64_t)vx_clock() + (r % 4) * 100000 + 1);
		if (got != 0 && late++ < 3)
			vx_printf("#   round %d: bits 0x%lx after the unbind\n", r,
				  (unsigned long)got);
	}
	EXPECT_EQ(late, 0);
	uint64_t before = log[2];
	EXPECT(vx_cap_revoke(ring) >= 1); /* the bell's cap goes while it rings */
	EXPECT(h7_reaches(&log[2], before + 100));
	log[0] = 1;
	EXPECT_EQ(exit_code(t), 0);
	EXPECT_EQ(log[3], 0);
	vx_printf("#   %d binds heard, %lu doorbells rung, %lu after the revoke\n", heard,
		  (unsigned long)log[1], (unsigned long)log[2]);
	EXPECT_EQ(vx_cap_delete(ring), VX_OK);
	EXPECT_EQ(vx_task_unmap(out), VX_OK);
	EXPECT_EQ(vx_task_set_affinity(self, 0), VX_OK);
}

void ktest_hunt7(void)
{
	run("hunt7_wait_and_raise_edges", t_wait_and_raise_edges);
	run("hunt7_raises_beside_lifecycle", t_raises_beside_lifecycle);
	run("hunt7_raises_at_a_dying_task", t_raises_at_a_dying_task);
	run("hunt7_exclusive_calls_beside_a_raise_flood", t_exclusive_calls_beside_a_raise_flood);
	run("hunt7_doorbells_beside_unbind", t_doorbells_beside_unbind);
}
