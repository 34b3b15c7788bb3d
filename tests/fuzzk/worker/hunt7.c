/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hunt 7's operation: the shared wake-ups (SIG_RAISE under the kernel
 * lock held shared, signal_deliver_shared) racing with a Task's life.
 *
 *  - op_wake_storm: a child waits without pause for random bits (bit 63
 *    now and then, which is refused) with a deadline near now, past or
 *    a little ahead (so on the sleep list, expiring as raises come); one
 *    or two raiser children, on whatever CPUs they land, raise at it
 *    without pause through a Signal cap their Bundle gave them, with bits
 *    it waits for or not; the worker meanwhile raises too, halts,
 *    resumes, re-prioritises, moves (to masks naming CPUs that are not
 *    online as well), rewrites and inspects the waiter, and deletes it or
 *    a raiser while the others run.  Promises: every state read is one the
 *    waiter can be in (it never faults), a halted waiter reads as halted,
 *    its pending bits are only bits some raiser raised, and the kernel
 *    lives on (its KASSERTs check the sleep list and the run queues).
 */
#include "worker.h"

/* for ever: SIG_WAIT(mask, CLOCK + delta) */
static const uint8_t wait_code[] = {
    0xb8, VX_SYS_CLOCK,
    0,	  0,
    0,		/*  0: mov eax, CLOCK */
    0x31, 0xff, /*  5: xor edi, edi */
    0x0f, 0x05, /*  7: syscall */
    0x48, 0x8d,
    0xb0, 0,
    0,	  0,
    0, /*  9: lea rsi, [rax + delta] (12) */
    0x48, 0xbf,
    0,	  0,
    0,	  0,
    0,	  0,
    0,	  0, /* 16: movabs rdi, mask (18) */
    0xb8, VX_SYS_SIG_WAIT,
    0,	  0,
    0,		/* 26: mov eax, SIG_WAIT */
    0x0f, 0x05, /* 31: syscall */
    0xeb, 0xdd, /* 33: jmp 0 */
};
_Static_assert(sizeof(wait_code) == 35, "the jump goes back to 0");

/* for ever: SIG_RAISE(its Bundle's entry 0, bits) */
static const uint8_t raise_code[] = {
    0x44, 0x8b,
    0x67, 0x68, /*  0: mov r12d, [rdi + 0x68] */
    0xb8, VX_SYS_SIG_RAISE,
    0,	  0,
    0, /*  4: mov eax, SIG_RAISE */
    0x44, 0x89,
    0xe7, /*  9: mov edi, r12d */
    0x48, 0xbe,
    0,	  0,
    0,	  0,
    0,	  0,
    0,	  0,	/* 12: movabs rsi, bits (14) */
    0x0f, 0x05, /* 22: syscall */
    0xeb, 0xea, /* 24: jmp 4 */
};
_Static_assert(sizeof(raise_code) == 26, "the jump goes back to 4");

#define STORM_BITS 0x00ff0000ull /* what the raisers may raise */

static void broken(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t s0, uint64_t s1, int64_t r)
{
	fz_finding(FZ_BROKEN_PROMISE, w.st->calls - 1, nr, (uint64_t[6]){a0, a1, 0, s0, s1, 0}, r);
}

static void patch64(uint8_t *code, unsigned at, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		code[at + i] = (uint8_t)(v >> (8 * i));
}

/* Bits inside STORM_BITS, sometimes with bit 63 (refused) or none of
 * them (nothing wakes). */
static uint64_t storm_mask(void)
{
	uint64_t m = rnd() & STORM_BITS;

	switch (pick(8)) {
	case 0:
		return m | 1ull << 63;
	case 1:
		return 1ull << 30;
	default:
		return m ? m : 1ull << 16;
	}
}

/* A raiser child with a Signal cap on waiter for bits, started (true), or
 * nothing left behind but perhaps a stale handle (false). */
static bool raiser_start(int64_t waiter, uint64_t bits, int64_t sig, int64_t *out)
{
	uint8_t code[sizeof(raise_code)];
	int64_t t = fz_call(VX_SYS_RETICLE_RETYPE, w.ret, VX_OBJ_TASK, 0, 0, 0, 0);
	int64_t b = fz_call(VX_SYS_RETICLE_RETYPE, w.ret, VX_OBJ_BUNDLE, 0, 0, 0, 0);
	int64_t s = fz_call(VX_SYS_SIG_MINT, (uint64_t)waiter, bits, 0, 0, 0, 0);

	*out = t;
	if (t < 0 || b < 0 || s < 0) {
		if (t > 0)
			fz_call(VX_SYS_CAP_DELETE, (uint64_t)t, 0, 0, 0, 0, 0);
		if (b > 0)
			fz_call(VX_SYS_CAP_DELETE, (uint64_t)b, 0, 0, 0, 0, 0);
		if (s > 0)
			fz_call(VX_SYS_CAP_DELETE, (uint64_t)s, 0, 0, 0, 0, 0);
		return false;
	}
	memcpy(code, raise_code, sizeof(code));
	patch64(code, 14, pick(4) ? bits : rnd() & STORM_BITS);
	if (!load_code(w.ret, (vx_handle_t)t, code, sizeof(code))) {
		fz_call(VX_SYS_CAP_DELETE, (uint64_t)t, 0, 0, 0, 0, 0);
		fz_call(VX_SYS_CAP_DELETE, (uint64_t)b, 0, 0, 0, 0, 0);
		fz_call(VX_SYS_CAP_DELETE, (uint64_t)s, 0, 0, 0, 0, 0);
		return false;
	}
	fz_call(VX_SYS_BUNDLE_ADD, (uint64_t)b, (uint64_t)(uintptr_t) "s", 1, (uint64_t)s,
		VX_R_GRANT | VX_R_CONTROL, 0);
	fz_call(VX_SYS_CAP_DELETE, (uint64_t)s, 0, 0, 0, 0, 0); /* the Bundle's copy stays */
	fz_call(VX_SYS_TASK_SET_REGS, (uint64_t)t, CHILD_IP, 0, 0, 0, 0);
	if (sig > 0)
		fz_call(VX_SYS_TASK_SUPERVISE, (uint64_t)t, (uint64_t)sig, 0, 0, 0, 0);
	/* Below the workers, as start_child's children: it never pauses. */
	fz_call(VX_SYS_TASK_SET_PRIO, (uint64_t)t, pick(3), 0, 0, 0, 0);
	if (pick(2))
		fz_call(VX_SYS_TASK_SET_AFFINITY, (uint64_t)t, 1ull << pick(4), 0, 0, 0, 0);
	int64_t r = fz_call(VX_SYS_TASK_START, (uint64_t)t, (uint64_t)b, 0, 0, 0, 0);
	fz_call(VX_SYS_CAP_DELETE, (uint64_t)b, 0, 0, 0, 0, 0);
	if (r != VX_OK) {
		fz_call(VX_SYS_CAP_DELETE, (uint64_t)t, 0, 0, 0, 0, 0);
		return false;
	}
	return true;
}

/* As worker.h says. */
bool child_state_ok(const struct vx_task_info *ti, bool halted)
{
	/* Its code page's cap sits in the pool, which may delete it to make
	 * room (keep): then it faults fetching its next instruction. */
	bool unmapped = ti->state == VX_TASK_FAULTED && ti->fault.kind == VX_FAULT_PAGE &&
			ti->fault.addr - CHILD_IP < VX_PAGE_SIZE;

	return halted ? ti->state == VX_TASK_HALTED
		      : ti->state == VX_TASK_RUNNABLE || ti->state == VX_TASK_WAITING || unmapped;
}

/* What an inspect of the waiter may answer: child_state_ok, and it holds
 * only raisable bits. */
static void waiter_look(int64_t t, bool halted)
{
	struct vx_task_info ti;

	if (fz_call(VX_SYS_TASK_INSPECT, (uint64_t)t, (uint64_t)(uintptr_t)&ti, 0, 0, 0, 0) !=
	    VX_OK)
		return;
	if (!child_state_ok(&ti, halted) || (ti.pending & ~STORM_BITS))
		broken(VX_SYS_TASK_INSPECT, (uint64_t)t, ti.pending,
		       ti.state | (uint64_t)ti.fault.kind << 8 | (uint64_t)halted << 16,
		       ti.fault.ip, (int64_t)ti.fault.addr);
}

void op_wake_storm(void)
{
	static int64_t sig;
	static struct vx_regs r;
	uint8_t code[sizeof(wait_code)];
	int64_t raiser[2] = {-1, -1};
	bool halted = false;
	int64_t t = fz_call(VX_SYS_RETICLE_RETYPE, w.ret, VX_OBJ_TASK, 0, 0, 0, 0);

	if (t < 0)
		return;
	if (sig <= 0)
		sig = fz_call(VX_SYS_SIG_MINT, w.self, CHILD_SIG, 0, 0, 0, 0);
	memcpy(code, wait_code, sizeof(code));
	static const int32_t delta[] = {0, 1000, 50000, 200000, -1000000, 2000000};
	uint32_t d = (uint32_t)delta[pick(sizeof(delta) / sizeof(delta[0]))];
	for (int i = 0; i < 4; i++)
		code[12 + i] = (uint8_t)(d >> (8 * i));
	uint64_t mask = storm_mask();
	patch64(code, 18, mask);
	if (!load_code(w.ret, (vx_handle_t)t, code, sizeof(code))) {
		fz_call(VX_SYS_CAP_DELETE, (uint64_t)t, 0, 0, 0, 0, 0);
		return;
	}
	int64_t raise = fz_call(VX_SYS_SIG_MINT, (uint64_t)t, STORM_BITS, 0, 0, 0, 0);
	fz_call(VX_SYS_TASK_SET_REGS, (uint64_t)t, CHILD_IP, 0, 0, 0, 0);
	if (!start_child(t, sig)) {
		if (raise > 0)
			fz_call(VX_SYS_CAP_DELETE, (uint64_t)raise, 0, 0, 0, 0, 0);
		return;
	}
	for (unsigned i = 0, n = 1 + (unsigned)pick(2); i < n; i++)
		raiser_start(t, mask & STORM_BITS ? mask & STORM_BITS : STORM_BITS, sig,
			     &raiser[i]);
	for (unsigned i = 0, k = 8 + (unsigned)pick(56); i < k; i++) {
		switch (pick(12)) {
		case 0:
		case 1:
			if (raise > 0)
				fz_call(VX_SYS_SIG_RAISE, (uint64_t)raise,
					rnd() & STORM_BITS ? rnd() & STORM_BITS : 1ull << 17, 0, 0,
					0, 0);
			break;
		case 2:
		case 3:
			if (fz_call(VX_SYS_TASK_HALT, (uint64_t)t, 0, 0, 0, 0, 0) == VX_OK)
				halted = true;
			waiter_look(t, halted);
			break;
		case 4:
			if (fz_call(VX_SYS_TASK_RESUME, (uint64_t)t, 0, 0, 0, 0, 0) == VX_OK)
				halted = false;
			break;
		case 5:
			fz_call(VX_SYS_TASK_SET_PRIO, (uint64_t)t, pick(4), 0, 0, 0, 0);
			break;
		case 6: { /* anywhere, one CPU, or masks with CPUs not online */
			static const uint64_t masks[] = {0,	1,	   2, 4, 8, 1ull << 63 | 2,
							 ~0ull, 1ull << 40};
			fz_call(VX_SYS_TASK_SET_AFFINITY, (uint64_t)t,
				masks[pick(sizeof(masks) / sizeof(masks[0]))], 0, 0, 0, 0);
			break;
		}
		case 7: /* from the top, its wait's result lost, as a personality might */
			if (halted)
				fz_call(VX_SYS_TASK_SET_REGS, (uint64_t)t, CHILD_IP, 0, 0, 0, 0);
			break;
		case 8: /* its registers read and resumed, rax garbage */
			if (halted &&
			    fz_call(VX_SYS_TASK_REGS, (uint64_t)t, VX_REGS_READ | VX_REGS_NOFPU,
				    (uint64_t)(uintptr_t)&r, 0, 0, 0) == VX_OK) {
				r.rax = rnd();
				if (fz_call(VX_SYS_TASK_REGS, (uint64_t)t,
					    VX_REGS_RESUME | VX_REGS_NOFPU, (uint64_t)(uintptr_t)&r,
					    0, 0, 0) == VX_OK)
					halted = false;
			}
			break;
		case 9:
			waiter_look(t, halted);
			break;
		case 10: /* a raiser goes while it raises */
			if (raiser[pick(2)] > 0)
				fz_call(VX_SYS_CAP_DELETE, (uint64_t)raiser[pick(2)], 0, 0, 0, 0,
					0);
			break;
		default:
			fz_call(VX_SYS_SIG_WAIT, 0,
				fz_call(VX_SYS_CLOCK, 0, 0, 0, 0, 0, 0) + pick(4) * 100000, 0, 0, 0,
				0);
			break;
		}
	}
	/* The waiter goes first, under its raisers' raises, or last. */
	bool first = pick(2);
	if (first)
		fz_call(VX_SYS_CAP_DELETE, (uint64_t)t, 0, 0, 0, 0, 0);
	for (int i = 0; i < 2; i++)
		if (raiser[i] > 0)
			fz_call(VX_SYS_CAP_DELETE, (uint64_t)raiser[i], 0, 0, 0, 0, 0);
	if (!first)
		fz_call(VX_SYS_CAP_DELETE, (uint64_t)t, 0, 0, 0, 0, 0);
	if (raise > 0)
		fz_call(VX_SYS_CAP_DELETE, (uint64_t)raise, 0, 0, 0, 0, 0);
	fz_call(VX_SYS_SIG_WAIT, CHILD_SIG, VX_DEADLINE_NONE, 0, 0, 0, 0);
}
