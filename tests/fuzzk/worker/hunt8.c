/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hunt 8's operation: a call/reply pair on the fastpath beside shared
 * raises, under the structure calls.
 *
 *  - op_pair_storm: two children in a Reticle split for the op call each
 *    other without pause through one Ring (RING_NOTIFY_WAIT waiting for
 *    ever: the fastpath switches straight from one to the other), on one
 *    CPU or two; a raiser child raises without pause, through the shared
 *    path, the very bits they wait for at one of them.  The worker
 *    meanwhile halts, resumes, re-prioritises, moves (all three onto one
 *    CPU too), rewrites and inspects them, revokes the Ring under both
 *    bindings, deletes the raiser, and ends with the Reticle reset under
 *    them all, or each deleted first.  Promises: every state read is one
 *    the child can be in (a halted one reads as halted), and the kernel
 *    lives on (its KASSERTs watch the run queues and the sleep list).
 */
#include "worker.h"

#define PAIR_INFO_VA 0x500000ull /* where a child's ring info goes */
#define PAIR_RING_VA 0x600000ull /* where it binds its Ring end */
#define PAIR_BIT     5		 /* A's wake bit; B's is the next */

static void broken(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t s0, uint64_t s1, int64_t r)
{
	fz_finding(FZ_BROKEN_PROMISE, w.st->calls - 1, nr, (uint64_t[6]){a0, a1, 0, s0, s1, 0}, r);
}

static void syscall_at(uint8_t *code, unsigned *n)
{
	code[(*n)++] = 0x0f;
	code[(*n)++] = 0x05;
}

/* A pair child: RING_BIND(its Bundle's ring, role, PAIR_RING_VA, bit,
 * PAIR_INFO_VA), then for ever RING_NOTIFY_WAIT(ring, 1 << bit, never).
 * Returns its length. */
static unsigned pair_code(uint8_t *code, uint32_t role, unsigned bit)
{
	static const uint8_t rdx_never[] = {0x48, 0xc7, 0xc2, 0xff, 0xff, 0xff, 0xff};
	unsigned n = 0, loop;

	mov32(code, &n, 0, VX_SYS_RING_BIND);
	mov32(code, &n, 7, VX_HANDLE_MAKE(1, 1));
	mov32(code, &n, 6, role);
	mov32(code, &n, 2, (uint32_t)PAIR_RING_VA);
	mov32(code, &n, 10, bit);
	mov32(code, &n, 8, (uint32_t)PAIR_INFO_VA);
	syscall_at(code, &n);
	loop = n;
	mov32(code, &n, 0, VX_SYS_RING_NOTIFY_WAIT);
	mov32(code, &n, 7, VX_HANDLE_MAKE(1, 1));
	mov32(code, &n, 6, 1u << bit);
	for (unsigned i = 0; i < sizeof(rdx_never); i++)
		code[n++] = rdx_never[i];
	syscall_at(code, &n);
	code[n] = 0xeb;
	code[n + 1] = (uint8_t)(loop - (n + 2));
	return n + 2;
}

/* The raiser: for ever SIG_RAISE(its Bundle's signal, bits). */
static unsigned raiser_code(uint8_t *code, uint32_t bits)
{
	unsigned n = 0;

	mov32(code, &n, 0, VX_SYS_SIG_RAISE);
	mov32(code, &n, 7, VX_HANDLE_MAKE(1, 1));
	mov32(code, &n, 6, bits);
	syscall_at(code, &n);
	code[n] = 0xeb;
	code[n + 1] = (uint8_t)(0 - (n + 2));
	return n + 2;
}

/* A child in sub running code, with give (rights) as its Bundle's one
 * entry and a page at PAIR_INFO_VA; started at priority prio on the CPUs
 * of affinity.  Its handle, or a negative result (nothing to undo: sub's
 * reset takes what is left). */
static int64_t pair_child(int64_t sub, const uint8_t *code, unsigned len, int64_t give,
			  uint32_t rights, uint32_t prio, uint64_t affinity, int64_t sig)
{
	int64_t t = fz_call(VX_SYS_RETICLE_RETYPE, (uint64_t)sub, VX_OBJ_TASK, 0, 0, 0, 0);
	int64_t b = fz_call(VX_SYS_RETICLE_RETYPE, (uint64_t)sub, VX_OBJ_BUNDLE, 0, 0, 0, 0);
	int64_t m = fz_call(VX_SYS_RETICLE_RETYPE, (uint64_t)sub, VX_OBJ_MEM, 1, 0, 0, 0);

	if (t < 0 || b < 0 || m < 0 || !load_code((vx_handle_t)sub, (vx_handle_t)t, code, len))
		return -1;
	fz_call(VX_SYS_TASK_MAP, (uint64_t)t, (uint64_t)m, PAIR_INFO_VA,
		VX_PROT_READ | VX_PROT_WRITE, 0, 0);
	fz_call(VX_SYS_BUNDLE_ADD, (uint64_t)b, (uint64_t)(uintptr_t) "h", 1, (uint64_t)give,
		rights, 0);
	fz_call(VX_SYS_TASK_SET_REGS, (uint64_t)t, CHILD_IP, 0x800000, 0, 0, 0);
	if (sig > 0)
		fz_call(VX_SYS_TASK_SUPERVISE, (uint64_t)t, (uint64_t)sig, 0, 0, 0, 0);
	fz_call(VX_SYS_TASK_SET_PRIO, (uint64_t)t, prio, 0, 0, 0, 0);
	fz_call(VX_SYS_TASK_SET_AFFINITY, (uint64_t)t, affinity, 0, 0, 0, 0);
	if (fz_call(VX_SYS_TASK_START, (uint64_t)t, (uint64_t)b, 0, 0, 0, 0) != VX_OK)
		return -1;
	return t;
}

/* What an inspect of child t may answer (child_state_ok). */
static void pair_look(int64_t t, bool halted)
{
	struct vx_task_info ti;

	if (fz_call(VX_SYS_TASK_INSPECT, (uint64_t)t, (uint64_t)(uintptr_t)&ti, 0, 0, 0, 0) !=
	    VX_OK)
		return;
	if (!child_state_ok(&ti, halted))
		broken(VX_SYS_TASK_INSPECT, (uint64_t)t, halted,
		       ti.state | (uint64_t)ti.fault.kind << 8, ti.fault.ip,
		       (int64_t)ti.fault.addr);
}

void op_pair_storm(void)
{
	static int64_t sig;
	static struct vx_regs regs;
	uint8_t code[96];
	int64_t child[3]; /* A, B, the raiser */
	bool halted[3] = {false, false, false};

	if (sig <= 0)
		sig = fz_call(VX_SYS_SIG_MINT, w.self, CHILD_SIG, 0, 0, 0, 0);
	int64_t sub = fz_call(VX_SYS_RETICLE_SPLIT, w.ret, 96 * VX_PAGE_SIZE, 0, 0, 0, 0);
	if (sub < 0)
		return;
	int64_t g =
	    fz_call(VX_SYS_RETICLE_RETYPE, (uint64_t)sub, VX_OBJ_RING, VX_RING_ARG(6, 2), 0, 0, 0);
	/* Below the workers, as every child: they never pause.  One CPU for
	 * the pair half the time, so that the fastpath switches there. */
	uint32_t prio = (uint32_t)pick(3);
	uint64_t cpu = 1ull << pick(4), other = pick(2) ? cpu : 1ull << pick(4);
	child[0] = child[1] = child[2] = -1;
	if (g < 0)
		goto out;
	child[0] = pair_child(sub, code, pair_code(code, VX_RING_CONSUMER, PAIR_BIT), g,
			      VX_R_CONSUME, prio, cpu, sig);
	child[1] = pair_child(sub, code, pair_code(code, VX_RING_PRODUCER, PAIR_BIT + 1), g,
			      VX_R_PRODUCE, prio, other, sig);
	if (child[0] > 0) {
		uint64_t bits = 1ull << PAIR_BIT | (pick(2) ? 1ull << 20 : 0);
		int64_t s = fz_call(VX_SYS_SIG_MINT, (uint64_t)child[0], bits, 0, 0, 0, 0);
		if (s > 0)
			child[2] = pair_child(sub, code, raiser_code(code, (uint32_t)bits), s, 0,
					      prio, 1ull << pick(4), sig);
	}
	for (unsigned i = 0, k = 8 + (unsigned)pick(32); i < k; i++) {
		unsigned c = (unsigned)pick(3);
		int64_t t = child[c];
		if (t <= 0)
			continue;
		switch (pick(10)) {
		case 0:
			if (fz_call(VX_SYS_TASK_HALT, (uint64_t)t, 0, 0, 0, 0, 0) == VX_OK)
				halted[c] = true;
			pair_look(t, halted[c]);
			break;
		case 1:
			if (fz_call(VX_SYS_TASK_RESUME, (uint64_t)t, 0, 0, 0, 0, 0) == VX_OK)
				halted[c] = false;
			break;
		case 2:
			fz_call(VX_SYS_TASK_SET_PRIO, (uint64_t)t, pick(3), 0, 0, 0, 0);
			break;
		case 3: /* one of them elsewhere, or all three onto one CPU */
			if (pick(2)) {
				fz_call(VX_SYS_TASK_SET_AFFINITY, (uint64_t)t,
					pick(4) ? 1ull << pick(4) : 0, 0, 0, 0, 0);
				break;
			}
			for (unsigned j = 0; j < 3; j++)
				if (child[j] > 0)
					fz_call(VX_SYS_TASK_SET_AFFINITY, (uint64_t)child[j], cpu,
						0, 0, 0, 0);
			break;
		case 4: /* from the top, its bind again (EXISTS) and its loop */
			if (halted[c] &&
			    fz_call(VX_SYS_TASK_REGS, (uint64_t)t, VX_REGS_READ | VX_REGS_NOFPU,
				    (uint64_t)(uintptr_t)&regs, 0, 0, 0) == VX_OK) {
				regs.rip = CHILD_IP;
				if (fz_call(VX_SYS_TASK_REGS, (uint64_t)t,
					    VX_REGS_RESUME | VX_REGS_NOFPU,
					    (uint64_t)(uintptr_t)&regs, 0, 0, 0) == VX_OK)
					halted[c] = false;
			}
			break;
		case 5: /* the Ring, under both bindings */
			if (pick(4) == 0 && g > 0) {
				fz_call(VX_SYS_CAP_REVOKE, (uint64_t)g, 0, 0, 0, 0, 0);
				fz_call(VX_SYS_CAP_DELETE, (uint64_t)g, 0, 0, 0, 0, 0);
				g = -1;
			}
			break;
		case 6:
			if (c == 2 && pick(2)) { /* the raiser goes while it raises */
				fz_call(VX_SYS_CAP_DELETE, (uint64_t)t, 0, 0, 0, 0, 0);
				child[2] = -1;
			}
			break;
		case 7:
			fz_call(VX_SYS_TASK_YIELD, 0, 0, 0, 0, 0, 0);
			break;
		case 8:
			pair_look(t, halted[c]);
			break;
		default:
			fz_call(VX_SYS_SIG_WAIT, 0,
				fz_call(VX_SYS_CLOCK, 0, 0, 0, 0, 0, 0) + 100000 + pick(4) * 200000,
				0, 0, 0, 0);
			break;
		}
	}
	if (pick(2)) /* each deleted first, while the others run */
		for (unsigned j = 0; j < 3; j++)
			if (child[j] > 0)
				fz_call(VX_SYS_CAP_DELETE, (uint64_t)child[j], 0, 0, 0, 0, 0);
out:
	fz_call(VX_SYS_RETICLE_RESET, (uint64_t)sub, 0, 0, 0, 0, 0);
	fz_call(VX_SYS_CAP_DELETE, (uint64_t)sub, 0, 0, 0, 0, 0);
	fz_call(VX_SYS_SIG_WAIT, CHILD_SIG, VX_DEADLINE_NONE, 0, 0, 0, 0);
}
