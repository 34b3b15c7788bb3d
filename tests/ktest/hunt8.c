/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hunt 8: the scheduler's fairness beside the shared wake-ups (SIG_RAISE
 * and RING_NOTIFY under the kernel lock held shared), and the structure
 * calls racing them.  Every Task here is a few hand-assembled instructions
 * in a page of R (no victim, so each costs three pages):
 *
 *   hunt8_round_robin_beside_shared_spinners  a counter Task at priority
 *       8 pinned to CPU 0 reads the clock without pause and notes the
 *       longest gap between two readings (the time it was kept off its
 *       CPU), beside three Tasks of its priority on CPU 0 that make only
 *       shared calls (a raiser, a doorbell, and a waiter their raises and
 *       doorbells wake without pause) and a raiser on each other CPU.
 *       Round-robin among equals bounds the gap by a few quanta (10 ms
 *       each); under -icount, where guest time is exact, the bound is
 *       asserted.  The same one priority below: the counter outranks
 *       them all, and the gap is under one quantum.  Elsewhere only
 *       progress is asserted.
 *   hunt8_call_reply_pair_beside_an_equal  two Tasks of priority 8 on
 *       CPU 0 call each other without pause (RING_NOTIFY_WAIT, so the
 *       fastpath switches straight between them) beside the counter of
 *       their priority there.  A direct switch used to give the callee a
 *       fresh quantum, so the pair never saw one end and the counter made
 *       not one reading in over 10 s under -smp 2 and -smp 4; now the
 *       pair shares one quantum, and the gap is one quantum (asserted
 *       under -icount: under 40 ms).  (Under -smp N -icount, QEMU 7.2
 *       left the idle vCPU that ktest sleeps on frozen at the first
 *       instruction of the reschedule IPI's handler while the pair ran;
 *       the suite runs -icount on one CPU only.)
 *   hunt8_structure_beside_shared_spinners  10 rounds: a waiter, a
 *       doorbell into its Ring and a raiser at it on every CPU, all in a
 *       Reticle split for the round, while ktest moves (also to masks
 *       naming CPUs that are not online), re-prioritises, halts, inspects
 *       them, maps a page into a spinner's window and out again, carves
 *       the Reticle full and deletes the carving; then takes the target,
 *       its Ring or the raisers' caps away under them (revoke and delete),
 *       or halts them all, and deletes (or resets, then deletes) the
 *       Reticle with everything still running in it.  Every raise and
 *       doorbell answers VX_OK or a handle error, every state read is
 *       one they can be in, and nothing leaks (run() counts ram0).
 */
#include <stddef.h>
#include "ktest.h"

#define H8_VA	  (SCRATCH_VA + 0x1c0000) /* ktest's view of the data page */
#define CODE_VA	  0x400000ull
#define DATA_VA	  0x600000ull
#define RING_VA	  0x40000000ull	  /* where a spinner binds its Ring end */
#define LOOP_OFF  0x100		  /* loop_code's offset in the code page */
#define SLOT	  16		  /* u64 words per Task in the data page */
#define INFO_OFF  2048		  /* bytes: the ring infos, 64 each */
#define WAIT_BELL 9		  /* the waiter's doorbell bit */
#define WAIT_BITS (0x3full << 10) /* what the raisers raise at it */

/* A slot of the data page, one per Task (word: meaning):
 *   1 calls or clock readings made, 2 the longest gap between two
 *   readings (counter), 3 the last result or reading, 4 when the longest
 *   gap ended, 5..7 and 9 the loop's call (nr, a0 or 0 for its Bundle's
 *   first handle, a1, a2), 8 a call made once first (nr or 0; a0 is that
 *   handle), 10..13 its a1..a4, 14 its result. */
enum { W_COUNT = 1, W_GAP, W_LAST, W_WHEN, W_NR, W_A0, W_A1, W_PRE, W_A2, W_PA1, W_PRES = 14 };

/* The counter: for ever, CLOCK, and the gap since the last reading. */
static const uint8_t counter_code[] = {
    0x49, 0x89, 0xf4,		  /* mov r12, rsi */
    0xb8, 0x21, 0,    0,    0,	  /* mov eax, CLOCK */
    0x31, 0xff,			  /* xor edi, edi */
    0x0f, 0x05,			  /* syscall */
    0x49, 0x89, 0x44, 0x24, 0x18, /* mov [r12+24], rax */
    0xb8, 0x21, 0,    0,    0,	  /* 1: mov eax, CLOCK */
    0x31, 0xff,			  /* xor edi, edi */
    0x0f, 0x05,			  /* syscall */
    0x48, 0x89, 0xc3,		  /* mov rbx, rax */
    0x49, 0x2b, 0x5c, 0x24, 0x18, /* sub rbx, [r12+24] */
    0x49, 0x89, 0x44, 0x24, 0x18, /* mov [r12+24], rax */
    0x49, 0x3b, 0x5c, 0x24, 0x10, /* cmp rbx, [r12+16] */
    0x76, 0x0a,			  /* jbe 2f */
    0x49, 0x89, 0x5c, 0x24, 0x10, /* mov [r12+16], rbx */
    0x49, 0x89, 0x44, 0x24, 0x20, /* mov [r12+32], rax */
    0x49, 0xff, 0x44, 0x24, 0x08, /* 2: inc qword [r12+8] */
    0xeb, 0xd2,			  /* jmp 1b */
};
_Static_assert(VX_SYS_CLOCK == 0x21, "counter_code's CLOCK");
_Static_assert(sizeof(counter_code) == 0x3f, "counter_code's jumps");

/* The spinner: one call first if its slot names one (a Ring bind), then
 * for ever the slot's call, its first argument being its Bundle's first
 * handle unless the slot gives one. */
static const uint8_t loop_code[] = {
    0x49, 0x89, 0xf4,		  /* mov r12, rsi */
    0x44, 0x8b, 0x6f, 0x68,	  /* mov r13d, [rdi+0x68]: entry 0's handle */
    0x49, 0x8b, 0x44, 0x24, 0x40, /* mov rax, [r12+64] */
    0x48, 0x85, 0xc0,		  /* test rax, rax */
    0x74, 0x1e,			  /* jz 1f */
    0x4c, 0x89, 0xef,		  /* mov rdi, r13 */
    0x49, 0x8b, 0x74, 0x24, 0x50, /* mov rsi, [r12+80] */
    0x49, 0x8b, 0x54, 0x24, 0x58, /* mov rdx, [r12+88] */
    0x4d, 0x8b, 0x54, 0x24, 0x60, /* mov r10, [r12+96] */
    0x4d, 0x8b, 0x44, 0x24, 0x68, /* mov r8, [r12+104] */
    0x0f, 0x05,			  /* syscall */
    0x49, 0x89, 0x44, 0x24, 0x70, /* mov [r12+112], rax */
    0x49, 0x8b, 0x44, 0x24, 0x28, /* 1: mov rax, [r12+40] */
    0x49, 0x8b, 0x7c, 0x24, 0x30, /* mov rdi, [r12+48] */
    0x48, 0x85, 0xff,		  /* test rdi, rdi */
    0x49, 0x0f, 0x44, 0xfd,	  /* cmovz rdi, r13 */
    0x49, 0x8b, 0x74, 0x24, 0x38, /* mov rsi, [r12+56] */
    0x49, 0x8b, 0x54, 0x24, 0x48, /* mov rdx, [r12+72] */
    0x0f, 0x05,			  /* syscall */
    0x49, 0x89, 0x44, 0x24, 0x18, /* mov [r12+24], rax */
    0x49, 0xff, 0x44, 0x24, 0x08, /* inc qword [r12+8] */
    0xeb, 0xd7,			  /* jmp 1b */
};
_Static_assert(sizeof(loop_code) == 0x58, "loop_code's jumps");
_Static_assert(offsetof(struct vx_bundle_page, entry[0].handle) == 0x68, "loop_code's handle");

static vx_handle_t code_rx, data;
static vx_handle_t junk[48]; /* ktest's caps for the Tasks' mappings */
static unsigned njunk;

static volatile uint64_t *slot(unsigned i)
{
	return (volatile uint64_t *)H8_VA + i * SLOT;
}

/* The code page (both programs) and the data page, mapped by ktest. */
static void h8_setup(void)
{
	vx_handle_t text = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));

	MUST(vx_task_map(self, text, H8_VA, VX_PROT_READ | VX_PROT_WRITE));
	memset((void *)H8_VA, 0xcc, VX_PAGE_SIZE);
	memcpy((void *)H8_VA, counter_code, sizeof(counter_code));
	memcpy((uint8_t *)H8_VA + LOOP_OFF, loop_code, sizeof(loop_code));
	MUST(vx_task_unmap(text));
	code_rx = MUST(vx_cap_derive(text, VX_R_READ | VX_R_EXEC, 0));
	data = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	MUST(vx_task_map(self, data, H8_VA, VX_PROT_READ | VX_PROT_WRITE));
}

/* Starts t with Bundle b (or none), which goes. */
static void h8_start(vx_handle_t t, vx_handle_t b)
{
	EXPECT_EQ(vx_task_start(t, b), VX_OK);
	if (b != VX_NO_HANDLE)
		EXPECT_EQ(vx_cap_delete(b), VX_OK);
}

/* A Task in ret running the counter (give 0) or the spinner of slot i,
 * whose Bundle's one entry is give with rights; prio and affinity set,
 * supervised through SIG_CHILD; started, unless bundle is given, which
 * then takes the Bundle to start it with (h8_start). */
static vx_handle_t h8_task_to(vx_handle_t ret, unsigned i, vx_handle_t give, uint32_t rights,
			      uint32_t prio, uint64_t affinity, vx_handle_t *bundle)
{
	vx_handle_t t = MUST(vx_reticle_retype(ret, VX_OBJ_TASK, 0));
	vx_handle_t rw = MUST(vx_cap_derive(data, VX_R_READ | VX_R_WRITE, 0));
	vx_handle_t b = VX_NO_HANDLE;

	vx_handle_t rx = MUST(vx_cap_derive(code_rx, VX_R_READ | VX_R_EXEC, 0));

	MUST(vx_task_map(t, rx, CODE_VA, VX_PROT_READ | VX_PROT_EXEC));
	MUST(vx_task_map(t, rw, DATA_VA, VX_PROT_READ | VX_PROT_WRITE));
	if (njunk + 2 <= sizeof(junk) / sizeof(junk[0])) {
		junk[njunk++] = rx;
		junk[njunk++] = rw;
	}
	MUST(vx_task_set_regs(t, CODE_VA + (give ? LOOP_OFF : 0), DATA_VA + VX_PAGE_SIZE,
			      DATA_VA + i * SLOT * 8));
	MUST(vx_task_supervise(t, child_sig));
	EXPECT_EQ(vx_task_set_prio(t, prio), VX_OK);
	EXPECT_EQ(vx_task_set_affinity(t, affinity), VX_OK);
	if (give) {
		b = MUST(vx_reticle_retype(ret, VX_OBJ_BUNDLE, 0));
		EXPECT_EQ(vx_bundle_add(b, "h", 1, give, rights), VX_OK);
	}
	if (bundle)
		*bundle = b;
	else
		h8_start(t, b);
	return t;
}

static vx_handle_t h8_task(vx_handle_t ret, unsigned i, vx_handle_t give, uint32_t rights,
			   uint32_t prio, uint64_t affinity)
{
	return h8_task_to(ret, i, give, rights, prio, affinity, NULL);
}

/* Deletes ktest's caps of the Tasks' mappings (unmapping what is left). */
static void h8_drop_junk(void)
{
	while (njunk)
		EXPECT_EQ(vx_cap_delete(junk[--njunk]), VX_OK);
}

/* Slot i's loop: nr(a0 or the handle, a1). */
static void h8_loop(unsigned i, uint64_t nr, uint64_t a0, uint64_t a1)
{
	volatile uint64_t *s = slot(i);

	for (unsigned w = 0; w < SLOT; w++)
		s[w] = 0;
	s[W_NR] = nr;
	s[W_A0] = a0;
	s[W_A1] = a1;
}

/* Slot i binds its Ring end (role, wake bit) before its loop. */
static void h8_bind_first(unsigned i, uint32_t role, uint32_t bit)
{
	volatile uint64_t *s = slot(i);

	s[W_PRE] = VX_SYS_RING_BIND;
	s[W_PA1] = role;
	s[W_PA1 + 1] = RING_VA;
	s[W_PA1 + 2] = bit;
	s[W_PA1 + 3] = DATA_VA + INFO_OFF + i * 64;
	s[W_PRES] = ~0ull;
}

/* Sleeps ns of guest time. */
static void h8_sleep(uint64_t ns)
{
	vx_sig_wait(0, (uint64_t)vx_clock() + ns);
}

/* ------------------------------------------------------------ fairness */

/* The slots of the fairness test. */
enum { S_COUNTER, S_WAITER, S_RAISER0, S_BELL, S_RAISER1 };

/* One run: spinners at prio beside the counter at 8; the counter's
 * longest gap over window ns once they all run. */
static uint64_t h8_fairness_run(unsigned n, uint32_t prio, uint64_t window, uint64_t *calls)
{
	unsigned others = n - 1 > 3 ? 3 : n - 1;
	vx_handle_t tasks[8];
	unsigned nt = 0;

	vx_handle_t ring = MUST(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 4)));
	h8_loop(S_COUNTER, 0, 0, 0);
	h8_loop(S_WAITER, VX_SYS_SIG_WAIT, WAIT_BITS | 1ull << WAIT_BELL, VX_DEADLINE_NEVER);
	h8_bind_first(S_WAITER, VX_RING_CONSUMER, WAIT_BELL);
	h8_loop(S_BELL, VX_SYS_RING_NOTIFY, 0, 0);
	h8_bind_first(S_BELL, VX_RING_PRODUCER, 5);
	tasks[nt++] = h8_task(R, S_WAITER, ring, VX_R_CONSUME, prio, 1);
	vx_handle_t waiter = tasks[0];
	tasks[nt++] = h8_task(R, S_BELL, ring, VX_R_PRODUCE, prio, 1);
	for (unsigned c = 0; c <= others; c++) {
		unsigned s = c ? S_RAISER1 + c - 1 : S_RAISER0;
		uint64_t bit = 1ull << (10 + c);
		vx_handle_t sig = MUST(vx_sig_mint(waiter, bit));
		h8_loop(s, VX_SYS_SIG_RAISE, 0, bit);
		tasks[nt++] = h8_task(R, s, sig, 0, prio, 1ull << c);
		EXPECT_EQ(vx_cap_delete(sig), VX_OK);
	}
	tasks[nt++] = h8_task(R, S_COUNTER, 0, 0, 8, 1);
	h8_sleep(20 * MS); /* all of them running */
	uint64_t c0 = slot(S_COUNTER)[W_COUNT];
	slot(S_COUNTER)[W_GAP] = 0;
	h8_sleep(window);
	uint64_t gap = slot(S_COUNTER)[W_GAP];
	/* Without -icount a vCPU may sit out the whole window on a loaded
	 * host: then only progress at all is asked for, within a bound. */
	uint64_t end = (uint64_t)vx_clock() + CHILD_WAIT;
	while (slot(S_COUNTER)[W_COUNT] == c0 && (uint64_t)vx_clock() < end)
		h8_sleep(10 * MS);
	*calls = slot(S_COUNTER)[W_COUNT] - c0;
	while (nt) /* the counter and raisers first, the waiter last */
		EXPECT_EQ(vx_cap_delete(tasks[--nt]), VX_OK);
	for (unsigned i = S_WAITER; i <= S_BELL; i += S_BELL - S_WAITER) /* if it ran */
		EXPECT(slot(i)[W_PRES] == VX_OK || slot(i)[W_COUNT] == 0);
	for (unsigned c = 0; c <= others; c++) {
		volatile uint64_t *s = slot(c ? S_RAISER1 + c - 1 : S_RAISER0);
		if (c || prio >= 8) /* below the counter, CPU 0's may never run */
			EXPECT(s[W_COUNT] > 0);
		EXPECT(s[W_LAST] == VX_OK || s[W_COUNT] == 0);
	}
	vx_printf("#   spinners at %u: counter %lu readings, longest gap %lu us; waiter %lu "
		  "wakes, bell %lu, raiser on CPU 0 %lu\n",
		  prio, (unsigned long)*calls, (unsigned long)(gap / 1000),
		  (unsigned long)slot(S_WAITER)[W_COUNT], (unsigned long)slot(S_BELL)[W_COUNT],
		  (unsigned long)slot(S_RAISER0)[W_COUNT]);
	EXPECT_EQ(vx_cap_delete(ring), VX_OK);
	h8_drop_junk();
	return gap;
}

static void t_round_robin_beside_shared_spinners(void)
{
	unsigned n = cpus_online();
	uint64_t calls;

	h8_setup();
	if (n > 1)
		EXPECT_EQ(vx_task_set_affinity(self, 2), VX_OK);
	/* Four Tasks of priority 8 on CPU 0: each waits at most three
	 * quanta of the others, and some ticks of slack. */
	uint64_t gap = h8_fairness_run(n, 8, 200 * MS, &calls);
	EXPECT(calls > 0);
	if (icount)
		EXPECT(gap < 60 * MS);
	/* One below: nothing there outranks the counter. */
	gap = h8_fairness_run(n, 7, 60 * MS, &calls);
	EXPECT(calls > 0);
	if (icount)
		EXPECT(gap < 10 * MS);
	EXPECT_EQ(vx_task_set_affinity(self, 0), VX_OK);
	EXPECT_EQ(vx_task_unmap(data), VX_OK);
}

/* ------------------------------------------------------------ call/reply */

/* A pair of Tasks of priority 8 on CPU 0 calling each other without pause
 * through one Ring (RING_NOTIFY_WAIT, the call/reply fastpath: each call
 * switches straight to the other), beside the counter of the same
 * priority there: round-robin must still give the counter its turn. */
static void t_call_reply_pair_beside_an_equal(void)
{
	unsigned n = cpus_online();
	vx_handle_t tasks[3];

	h8_setup();
	if (n > 1)
		EXPECT_EQ(vx_task_set_affinity(self, 2), VX_OK);
	vx_handle_t ring = MUST(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 4)));
	for (unsigned i = 1; i <= 2; i++) {
		h8_loop(i, VX_SYS_RING_NOTIFY_WAIT, 0, 1ull << (4 + i));
		slot(i)[W_A2] = VX_DEADLINE_NEVER;
		h8_bind_first(i, i == 1 ? VX_RING_CONSUMER : VX_RING_PRODUCER, 4 + i);
	}
	h8_loop(0, 0, 0, 0);
	tasks[0] = h8_task(R, 0, 0, 0, 8, 1);
	h8_sleep(2 * MS);
	tasks[1] = h8_task(R, 1, ring, VX_R_CONSUME, 8, 1);
	tasks[2] = h8_task(R, 2, ring, VX_R_PRODUCE, 8, 1);
	h8_sleep(20 * MS);
	uint64_t c0 = slot(0)[W_COUNT], p0 = slot(1)[W_COUNT];
	slot(0)[W_GAP] = 0;
	h8_sleep(120 * MS);
	uint64_t gap = slot(0)[W_GAP], calls = slot(1)[W_COUNT] - p0;
	uint64_t end = (uint64_t)vx_clock() + 10000 * MS; /* starved, it never comes */
	while (slot(0)[W_COUNT] == c0 && (uint64_t)vx_clock() < end)
		h8_sleep(10 * MS);
	uint64_t readings = slot(0)[W_COUNT] - c0;
	for (unsigned i = 3; i > 0; i--)
		EXPECT_EQ(vx_cap_delete(tasks[i - 1]), VX_OK);
	vx_printf("#   counter %lu readings, longest gap %lu us, beside %lu calls\n",
		  (unsigned long)readings, (unsigned long)(gap / 1000), (unsigned long)calls);
	EXPECT(readings > 0);
	EXPECT(calls > 0);
	if (icount)
		EXPECT(gap < 40 * MS); /* two others: two quanta, and slack */
	EXPECT_EQ(vx_cap_delete(ring), VX_OK);
	h8_drop_junk();
	EXPECT_EQ(vx_task_set_affinity(self, 0), VX_OK);
	EXPECT_EQ(vx_task_unmap(data), VX_OK);
}

/* ------------------------------------------------------------ structure */

#define ROUNDS	  10
#define POKE_VA	  0x800000ull /* a spare page of a spinner's window */
#define T_SLOT	  0
#define BELL_SLOT 1
#define R_SLOT	  2 /* .. R_SLOT + 3: a raiser per CPU */

static uint64_t h8_rng = 0x3c6ef372fe94f82bull;

static uint64_t h8_next(void)
{
	h8_rng ^= h8_rng << 13;
	h8_rng ^= h8_rng >> 7;
	h8_rng ^= h8_rng << 17;
	return h8_rng;
}

/* What a raise or a doorbell may answer while ktest takes its target,
 * its Ring or its own cap away. */
static bool h8_answer_ok(int64_t r)
{
	if (r == VX_OK || r == VX_E_STALE || r == VX_E_BADHANDLE)
		return true;
	vx_printf("#   a spinner's last call answered %ld\n", (long)r);
	return false;
}

/* One structure call beside the spinners (tasks[0] the target, then the
 * bell and the raisers), in sub; done[k] counts call kind k. */
static void h8_poke(vx_handle_t sub, vx_handle_t *tasks, unsigned nt, unsigned n, unsigned *done)
{
	vx_handle_t t = tasks[h8_next() % nt];
	struct vx_task_info ti;
	unsigned k = (unsigned)(h8_next() % 7);

	done[k]++;
	switch (k) {
	case 0: /* moved: anywhere, one CPU, one CPU and some not online */
		EXPECT_EQ(vx_task_set_affinity(t, h8_next() % 4 ? 1ull << (h8_next() % n) |
								      (h8_next() & 1) << 63
								: 0),
			  VX_OK);
		break;
	case 1:
		EXPECT_EQ(vx_task_set_prio(t, 1 + h8_next() % 8), VX_OK);
		break;
	case 2: { /* a page mapped into its window and out again while it runs */
		vx_handle_t m = MUST(vx_reticle_retype(sub, VX_OBJ_MEM, 1));
		EXPECT_EQ(vx_task_map(t, m, POKE_VA, VX_PROT_READ), VX_OK);
		EXPECT_EQ(vx_task_unmap(m), VX_OK);
		EXPECT_EQ(vx_cap_delete(m), VX_OK);
		break;
	}
	case 3: { /* sub carved full, then the carving deleted */
		vx_handle_t got[64];
		unsigned g = 0;
		int64_t h;
		while (g < 64 && (h = vx_reticle_retype(sub, VX_OBJ_MEM, 4)) > 0)
			got[g++] = (vx_handle_t)h;
		EXPECT(g > 0);
		while (g)
			EXPECT_EQ(vx_cap_delete(got[--g]), VX_OK);
		break;
	}
	case 4: /* halted, looked at, resumed */
		EXPECT_EQ(vx_task_halt(t), VX_OK);
		EXPECT_EQ(vx_task_inspect(t, &ti), VX_OK);
		EXPECT_EQ(ti.state, VX_TASK_HALTED);
		EXPECT_EQ(vx_task_resume(t), VX_OK);
		break;
	case 5:
		EXPECT_EQ(vx_task_inspect(t, &ti), VX_OK);
		EXPECT(ti.state == VX_TASK_RUNNABLE || ti.state == VX_TASK_WAITING);
		break;
	default:
		vx_task_yield();
		break;
	}
}

static void t_structure_beside_shared_spinners(void)
{
	unsigned n = cpus_online(), nr = n > 4 ? 4 : n, done[7] = {0}, ways[5] = {0};
	uint64_t raises = 0, bells = 0;

	h8_setup();
	EXPECT_EQ(vx_task_set_affinity(self, 1), VX_OK);
	for (unsigned round = 0; round < ROUNDS && !failures_in_test; round++) {
		vx_handle_t sub = MUST(vx_reticle_split(R, 1ull << 20));
		vx_handle_t ring = MUST(vx_reticle_retype(sub, VX_OBJ_RING, VX_RING_ARG(6, 4)));
		vx_handle_t tasks[6], sig[4], b[6];
		unsigned nt = 0;

		/* All built first, then started: ktest's calls beside the
		 * spinners are few (under TCG without -icount each waits for
		 * the lock behind every other vCPU's turn). */
		h8_loop(T_SLOT, VX_SYS_SIG_WAIT, WAIT_BITS | 1ull << WAIT_BELL, VX_DEADLINE_NEVER);
		h8_bind_first(T_SLOT, VX_RING_CONSUMER, WAIT_BELL);
		tasks[nt] = h8_task_to(sub, T_SLOT, ring, VX_R_CONSUME, 8, 0, &b[nt]);
		nt++;
		h8_loop(BELL_SLOT, VX_SYS_RING_NOTIFY, 0, 0);
		h8_bind_first(BELL_SLOT, VX_RING_PRODUCER, 5);
		tasks[nt] =
		    h8_task_to(sub, BELL_SLOT, ring, VX_R_PRODUCE, 8, 1ull << (n - 1), &b[nt]);
		nt++;
		for (unsigned c = 0; c < nr; c++) {
			sig[c] = MUST(vx_sig_mint(tasks[0], 1ull << (10 + c)));
			h8_loop(R_SLOT + c, VX_SYS_SIG_RAISE, 0, 1ull << (10 + c));
			tasks[nt] = h8_task_to(sub, R_SLOT + c, sig[c], 0, 8, 1ull << c, &b[nt]);
			nt++;
		}
		for (unsigned i = 0; i < nt; i++)
			h8_start(tasks[i], b[i]);
		/* The waiter's and the bell's binds first: each takes a page
		 * table from sub, and a poke that carves sub full before one
		 * of them has run leaves it VX_E_NOMEM (the bell then rings
		 * an end it never bound: VX_E_STATE), and the page table,
		 * carved above the pokes' Mems, keeps their room from sub
		 * once they go.  While every call queued for a ticket,
		 * ktest's pokes queued behind the spinners' calls and the
		 * binds came first in practice; shared calls no longer queue,
		 * and a poke can come before a spinner has run at all. */
		uint64_t until = (uint64_t)vx_clock() + 5000 * MS;
		while ((slot(T_SLOT)[W_PRES] == ~0ull || slot(BELL_SLOT)[W_PRES] == ~0ull) &&
		       (uint64_t)vx_clock() < until)
			h8_sleep(MS / 2);
		EXPECT_EQ(slot(T_SLOT)[W_PRES], VX_OK);
		EXPECT_EQ(slot(BELL_SLOT)[W_PRES], VX_OK);
		for (unsigned i = 0, k = 2 + (unsigned)(h8_next() % 4); i < k; i++) {
			h8_poke(sub, tasks, nt, n, done);
			h8_sleep(h8_next() % 3 * MS / 2);
		}
		for (unsigned c = 0; c < nr; c++)
			EXPECT(h8_answer_ok((int64_t)slot(R_SLOT + c)[W_LAST]));
		/* Then the target, its Ring or its raisers' caps go while they
		 * raise and ring, and sub with everything in it. */
		unsigned way = (unsigned)(h8_next() % 5);
		ways[way]++;
		switch (way) {
		case 0: /* all at once */
			break;
		case 1: /* the target, revoked and deleted */
			EXPECT(vx_cap_revoke(tasks[0]) >= (int64_t)nr);
			EXPECT_EQ(vx_cap_delete(tasks[0]), VX_OK);
			break;
		case 2: /* the Ring, under both ends' bindings */
			EXPECT(vx_cap_revoke(ring) >= 2);
			EXPECT_EQ(vx_cap_delete(ring), VX_OK);
			break;
		case 3: /* the raisers' caps, revoked through ktest's */
			for (unsigned c = 0; c < nr; c++)
				EXPECT_EQ(vx_cap_revoke(sig[c]), 1);
			break;
		default: /* every Task halted first */
			for (unsigned i = 0; i < nt; i++)
				EXPECT_EQ(vx_task_halt(tasks[i]), VX_OK);
			break;
		}
		h8_sleep(MS / 2);
		for (unsigned c = 0; c < nr; c++) {
			EXPECT(h8_answer_ok((int64_t)slot(R_SLOT + c)[W_LAST]));
			raises += slot(R_SLOT + c)[W_COUNT];
		}
		bells += slot(BELL_SLOT)[W_COUNT];
		EXPECT(h8_answer_ok((int64_t)slot(BELL_SLOT)[W_LAST]));
		if (round & 1)
			EXPECT_EQ(vx_reticle_reset(sub), VX_OK);
		EXPECT_EQ(vx_cap_delete(sub), VX_OK);
		h8_drop_junk();
		vx_sig_wait(SIG_CHILD, VX_DEADLINE_NONE);
	}
	vx_printf("#   %d rounds, %u raisers: %lu raises, %lu doorbells; %u moves, %u prios, %u "
		  "maps, %u carvings, %u halts; ends %u/%u/%u/%u/%u\n",
		  ROUNDS, nr, (unsigned long)raises, (unsigned long)bells, done[0], done[1],
		  done[2], done[3], done[4], ways[0], ways[1], ways[2], ways[3], ways[4]);
	EXPECT(raises > 0);
	EXPECT_EQ(vx_task_set_affinity(self, 0), VX_OK);
	EXPECT_EQ(vx_task_unmap(data), VX_OK);
}

void ktest_hunt8(void)
{
	run("hunt8_round_robin_beside_shared_spinners", t_round_robin_beside_shared_spinners);
	run("hunt8_call_reply_pair_beside_an_equal", t_call_reply_pair_beside_an_equal);
	run("hunt8_structure_beside_shared_spinners", t_structure_beside_shared_spinners);
}
