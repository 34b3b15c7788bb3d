/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The structure-aware mix's edges: operations for what the rest of the mix
 * reaches too rarely to count on (docs/TESTING.md):
 *
 *  - op_affinity: TASK_SET_AFFINITY of the worker itself and its children,
 *    masks of one CPU, several, none online, all; after a change of its
 *    own it must be running on a CPU the mask allows;
 *  - op_deep: a chain of Reticles split to the nesting limit (the split
 *    past it must be VX_E_DEPTH, and only that one), objects carved at
 *    the bottom and used (a started Task, a mapped Mem, a bound Ring), then
 *    one level reset: it must come back empty and whole;
 *  - op_deadline: waits at the edges of time: deadlines of 1, a moment
 *    ago, now, a microsecond ahead and far ahead, on a bit the worker
 *    raised itself first (which must come back at once, whatever the
 *    deadline) or on the shared Rings' doorbells;
 *  - op_foreign: a child made foreign before it starts, whose syscalls
 *    stop it with VX_FAULT_SYSCALL, served by the worker as a personality
 *    does (TASK_REGS read, then write and resume, or resume and wait),
 *    now and then answered with a native frame, a new instruction pointer
 *    or a halt instead;
 *  - op_pingpong: the call/reply fast path under hostile neighbours (a
 *    child answering a Ring's doorbells, halted, moved, unbound, deleted
 *    or reset mid round trip).
 *
 * What the kernel promises here is checked as the other promises are
 * (FZ_BROKEN_PROMISE, with what was seen in the last arguments).
 */
#include "worker.h"

#define SELF_BIT (1ull << 48) /* raised and taken by op_deadline alone */

static void broken(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t s0, uint64_t s1,
		   uint64_t s2, int64_t r)
{
	fz_finding(FZ_BROKEN_PROMISE, w.st->calls - 1, nr, (uint64_t[6]){a0, a1, a2, s0, s1, s2},
		   r);
}

/* ------------------------------------------------------------ affinity */

void op_affinity(void)
{
	static const uint64_t masks[] = {0, 1,	 2,    3,	   4,	       5,
					 8, 0xf, 0xfe, 1ull << 15, 1ull << 63, ~0ull};
	const struct held *task = choose(VX_OBJ_TASK);
	bool mine = pick(2) || task->type != VX_OBJ_TASK;
	vx_handle_t t = mine ? w.self : hnd(task);
	uint64_t mask = pick(4) ? masks[pick(sizeof(masks) / sizeof(masks[0]))] : rnd();
	struct vx_task_info ti;

	int64_t r = fz_call(VX_SYS_TASK_SET_AFFINITY, t, mask, 0, 0, 0, 0);
	if (!mine) {
		pruned(r, task);
		if (pick(2))
			fz_call(VX_SYS_TASK_YIELD, 0, 0, 0, 0, 0, 0);
		return;
	}
	/* Only this worker sets its own affinity (its predecessor, which
	 * holds it as "peer", never does), so after a change it must already
	 * run where the mask allows. */
	if (r == VX_OK && mask &&
	    fz_call(VX_SYS_TASK_INSPECT, w.self, (uint64_t)(uintptr_t)&ti, 0, 0, 0, 0) == VX_OK &&
	    (ti.affinity != mask || ti.cpu >= 64 || !((mask >> ti.cpu) & 1)))
		broken(VX_SYS_TASK_SET_AFFINITY, w.self, mask, 0, ti.affinity, ti.cpu, ti.state, r);
	if (pick(2))
		fz_call(VX_SYS_TASK_YIELD, 0, 0, 0, 0, 0, 0);
	if (pick(4)) /* mostly back to any CPU: the mix's throughput needs them all */
		fz_call(VX_SYS_TASK_SET_AFFINITY, w.self, 0, 0, 0, 0, 0);
}

/* ------------------------------------------------------------ deep */

#define DEEP_MAX (VX_RETICLE_DEPTH_MAX + 2)

/* A Task, a Mem and a Ring carved from ret and put to use: the Task
 * started (it yields, waits or spins), the Mem mapped into the worker and
 * the Task, the Ring bound by the worker.  Whatever fails is left. */
static void deep_fill(vx_handle_t ret)
{
	static const uint8_t spin[] = {0xeb, 0xfe};
	int64_t t = fz_call(VX_SYS_RETICLE_RETYPE, ret, VX_OBJ_TASK, 0, 0, 0, 0);
	int64_t m = fz_call(VX_SYS_RETICLE_RETYPE, ret, VX_OBJ_MEM, 1 + pick(4), 0, 0, 0);
	int64_t g = fz_call(VX_SYS_RETICLE_RETYPE, ret, VX_OBJ_RING, VX_RING_ARG(6, 1), 0, 0, 0);
	struct vx_ring_info ri;

	if (t > 0) {
		load_code(ret, (vx_handle_t)t, spin, sizeof(spin));
		fz_call(VX_SYS_TASK_SET_REGS, (uint64_t)t, CHILD_IP, 0x800000, 0, 0, 0);
		fz_call(VX_SYS_TASK_SET_PRIO, (uint64_t)t, 0, 0, 0, 0, 0);
		fz_call(VX_SYS_TASK_START, (uint64_t)t, 0, 0, 0, 0, 0);
	}
	if (m > 0) {
		fz_call(VX_SYS_TASK_MAP, w.self, (uint64_t)m, WIN_BASE + pick(WINS) * WIN_SIZE,
			VX_PROT_READ, 0, 0);
		int64_t d = fz_call(VX_SYS_CAP_DERIVE, (uint64_t)m, VX_R_ALL, 0, 0, 0, 0);
		if (d > 0 && t > 0)
			fz_call(VX_SYS_TASK_MAP, (uint64_t)t, (uint64_t)d, CHILD_IP + WIN_SIZE,
				VX_PROT_READ | VX_PROT_WRITE, 0, 0);
	}
	if (g > 0)
		fz_call(VX_SYS_RING_BIND, (uint64_t)g, 1 + pick(2),
			WIN_BASE + pick(WINS) * WIN_SIZE, 8 + pick(40), (uint64_t)(uintptr_t)&ri,
			0);
}

void op_deep(void)
{
	vx_handle_t chain[DEEP_MAX];
	struct vx_reticle_info info;
	unsigned n = 0;
	uint64_t bytes = (96 + pick(64)) * VX_PAGE_SIZE;

	if (pick(4))
		return; /* it costs a few dozen calls: a quarter of its weight */
	int64_t r = fz_call(VX_SYS_RETICLE_SPLIT, w.ret, bytes, 0, 0, 0, 0);
	if (r < 0)
		return;
	chain[n++] = (vx_handle_t)r;
	while (n < DEEP_MAX) {
		bytes -= 8 * VX_PAGE_SIZE; /* room for the record, and some to carve */
		uint32_t depth = 0;
		if (fz_call(VX_SYS_RETICLE_INFO, chain[n - 1], (uint64_t)(uintptr_t)&info, 0, 0, 0,
			    0) == VX_OK)
			depth = info.depth;
		r = fz_call(VX_SYS_RETICLE_SPLIT, chain[n - 1], bytes, 0, 0, 0, 0);
		/* A syscaller child may hold the worker's Reticle and reset it
		 * (the chain is then stale), and the table may be full;
		 * otherwise depth is the one reason a split of room enough may
		 * fail. */
		if (r == VX_E_STALE || r == VX_E_FULL)
			break;
		if ((r == VX_E_DEPTH) != (depth >= VX_RETICLE_DEPTH_MAX) ||
		    (r < 0 && r != VX_E_DEPTH))
			broken(VX_SYS_RETICLE_SPLIT, chain[n - 1], bytes, 0, depth, 0, 0, r);
		if (r < 0)
			break;
		chain[n++] = (vx_handle_t)r;
	}
	for (unsigned i = 0; i < n; i++)
		if (pick(3) == 0 || i == n - 1)
			deep_fill(chain[i]);
	/* One level reset: everything below it and in it goes, and the call
	 * returns when it has. */
	unsigned k = (unsigned)pick(n);
	if (fz_call(VX_SYS_RETICLE_RESET, chain[k], 0, 0, 0, 0, 0) == VX_OK &&
	    fz_call(VX_SYS_RETICLE_INFO, chain[k], (uint64_t)(uintptr_t)&info, 0, 0, 0, 0) ==
		VX_OK &&
	    (info.objects != 0 || info.free != info.size))
		broken(VX_SYS_RETICLE_RESET, chain[k], k, 0, info.objects, info.free, info.size,
		       VX_OK);
	/* Then the chain goes, top first half the time (its deletion destroys
	 * the rest as queued work), bottom first otherwise. */
	for (unsigned i = 0; i < n; i++)
		fz_call(VX_SYS_CAP_DELETE, pick(2) ? chain[i] : chain[n - 1 - i], 0, 0, 0, 0, 0);
	for (unsigned i = 0; i < n; i++)
		fz_call(VX_SYS_CAP_DELETE, chain[i], 0, 0, 0, 0, 0);
}

/* ------------------------------------------------------------ deadlines */

static uint64_t edge_deadline(void)
{
	uint64_t now = (uint64_t)vx_clock();

	switch (pick(8)) {
	case 0:
		return 1;
	case 1:
		return now - 1;
	case 2:
		return now;
	case 3:
		return now + 1 + pick(1000);
	case 4:
		return now + 1000000; /* a millisecond */
	case 5:
		return VX_DEADLINE_NEVER - 1;
	case 6:
		return (uint64_t)INT64_MAX;
	default:
		return VX_DEADLINE_NONE;
	}
}

void op_deadline(void)
{
	static int64_t sig;
	uint64_t deadline = edge_deadline();

	if (sig <= 0)
		sig = fz_call(VX_SYS_SIG_MINT, w.self, SELF_BIT, 0, 0, 0, 0);
	switch (pick(4)) {
	case 0:
	case 1: {
		/* A bit already pending comes back at once, whatever the
		 * deadline, even one that never ends. */
		if (pick(8) == 0)
			deadline = VX_DEADLINE_NEVER;
		if (fz_call(VX_SYS_SIG_RAISE, (uint64_t)sig, SELF_BIT, 0, 0, 0, 0) != VX_OK)
			return;
		uint64_t mask = SELF_BIT | (pick(2) ? CHILD_SIG : 0);
		int64_t r = fz_call(VX_SYS_SIG_WAIT, mask, deadline, 0, 0, 0, 0);
		if (r < 0 || !((uint64_t)r & SELF_BIT))
			broken(VX_SYS_SIG_WAIT, mask, deadline, 0, (uint64_t)sig, 0, 0, r);
		break;
	}
	case 2: {
		/* Nothing pending: a finite deadline ends the wait (0 bits,
		 * unless a child stopped meanwhile); an empty mask only
		 * sleeps.  Never a wait without end. */
		if (deadline == VX_DEADLINE_NEVER - 1 || deadline == (uint64_t)INT64_MAX)
			deadline = (uint64_t)vx_clock() + 1000 * (1 + pick(1000));
		fz_call(VX_SYS_SIG_WAIT, pick(4) ? CHILD_SIG : 0, deadline, 0, 0, 0, 0);
		break;
	}
	default: {
		/* The shared Rings' doorbells, with a wait that may block: the
		 * neighbour may be waiting for this very bit (the call/reply
		 * fast path), or not bound at all. */
		const struct held *ring = &w.base[2 + pick(2)];
		if (deadline == VX_DEADLINE_NEVER - 1 || deadline == (uint64_t)INT64_MAX)
			deadline = (uint64_t)vx_clock() + 1000 * (1 + pick(1000));
		uint64_t mask = pick(4) ? (1ull << (8 + pick(40))) | CHILD_SIG : rnd() >> pick(64);
		fz_call(VX_SYS_RING_NOTIFY_WAIT, ring->h, mask, deadline, 0, 0, 0);
		break;
	}
	}
}

/* ------------------------------------------------------------ foreign */

/* A child whose code is a run of syscalls (numbers the worker answers
 * itself), made foreign before it starts: each syscall stops it, the
 * worker reads the stop and answers. */
void op_foreign(void)
{
	static struct vx_regs r;
	static int64_t sig;
	uint8_t code[160];
	unsigned n = 0, calls = 2 + (unsigned)pick(6);
	uint64_t nrs[8];

	if (pick(2))
		return;
	int64_t t = fz_call(VX_SYS_RETICLE_RETYPE, w.ret, VX_OBJ_TASK, 0, 0, 0, 0);
	if (t < 0)
		return;
	keep(t, VX_OBJ_TASK, VX_R_ALL, 0);
	if (sig <= 0)
		sig = fz_call(VX_SYS_SIG_MINT, w.self, CHILD_SIG, 0, 0, 0, 0);
	for (unsigned i = 0; i < calls; i++) {
		nrs[i] = pick(2) ? pick(VX_SYS_COUNT + 4) : (uint32_t)rnd();
		mov32(code, &n, 0, (uint32_t)nrs[i]);
		code[n++] = 0x0f; /* syscall */
		code[n++] = 0x05;
	}
	code[n++] = 0xeb; /* jmp . : a native end that only spins */
	code[n++] = 0xfe;
	load_code(w.ret, (vx_handle_t)t, code, n);
	memset(&r, 0, sizeof(r));
	r.rip = CHILD_IP;
	r.rsp = 0x800000;
	r.flags = VX_REGS_FOREIGN;
	memcpy(r.fpu + 24, &(uint32_t){0x1f80}, 4);
	fz_call(VX_SYS_TASK_REGS, (uint64_t)t, VX_REGS_WRITE, (uint64_t)(uintptr_t)&r, 0, 0, 0);
	if (sig > 0)
		fz_call(VX_SYS_TASK_SUPERVISE, (uint64_t)t, (uint64_t)sig, 0, 0, 0, 0);
	fz_call(VX_SYS_TASK_SET_PRIO, (uint64_t)t, pick(2) ? 0 : VX_PRIO_DEFAULT, 0, 0, 0, 0);
	if (fz_call(VX_SYS_TASK_START, (uint64_t)t, 0, 0, 0, 0, 0) != VX_OK)
		return;
	for (unsigned i = 0; i < calls + 2; i++) {
		uint32_t nofpu = pick(2) ? VX_REGS_NOFPU : 0;
		fz_call(VX_SYS_SIG_WAIT, CHILD_SIG, (uint64_t)vx_clock() + 200000, 0, 0, 0, 0);
		if (fz_call(VX_SYS_TASK_REGS, (uint64_t)t, VX_REGS_READ | nofpu,
			    (uint64_t)(uintptr_t)&r, 0, 0, 0) != VX_OK)
			break; /* still running (it was not stopped yet), or gone */
		/* Stopped at the i-th call (nobody else touches this child):
		 * at the instruction after that syscall, its number in rax. */
		if (r.stop == VX_FAULT_SYSCALL && i < calls &&
		    (r.rip != CHILD_IP + 7 * (i + 1) || r.rax != (uint32_t)nrs[i]))
			broken(VX_SYS_TASK_REGS, (uint64_t)t, i, 0, r.rip, r.rax, nrs[i], 0);
		if (r.stop != VX_FAULT_SYSCALL)
			break;
		r.rax = (uint64_t)(int64_t)VX_E_NOSYS;
		unsigned how = (unsigned)pick(8);
		if (how == 0) /* native from here on: its next call is the kernel's */
			r.flags = 0;
		else if (how == 1)
			r.rip = mut_vaddr(r.rip);
		uint64_t op = pick(2) ? VX_REGS_RESUME_WAIT : VX_REGS_RESUME;
		int64_t res =
		    fz_call(VX_SYS_TASK_REGS, (uint64_t)t, op | nofpu, (uint64_t)(uintptr_t)&r,
			    CHILD_SIG, (uint64_t)vx_clock() + (pick(2) ? 0 : 100000), 0);
		/* Halted wherever it got to, and let go again; not if it had
		 * stopped at its next call already (the halt is refused then),
		 * since a resume would pass that call by unanswered. */
		if (how == 2 && fz_call(VX_SYS_TASK_HALT, (uint64_t)t, 0, 0, 0, 0, 0) == VX_OK)
			fz_call(VX_SYS_TASK_RESUME, (uint64_t)t, 0, 0, 0, 0, 0);
		if (res < 0 || r.flags == 0 || r.rip != CHILD_IP + 7 * (i + 1))
			break;
	}
	if (pick(2))
		fz_call(VX_SYS_CAP_DELETE, (uint64_t)t, 0, 0, 0, 0, 0);
	else
		fz_call(VX_SYS_TASK_HALT, (uint64_t)t, 0, 0, 0, 0, 0);
}

/* ------------------------------------------------------------ ping-pong */

/* Appends code[] of n bytes to buf at *at. */
static void emit(uint8_t *buf, unsigned *at, const uint8_t *code, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		buf[(*at)++] = code[i];
}

/* A child that binds the consumer end of a Ring and answers every
 * doorbell with one of its own (RING_NOTIFY_WAIT, waiting for ever): the
 * call/reply fast path's other half.  The worker rings it with waits that
 * end soon, and meanwhile halts and resumes it, moves its priority and
 * CPUs, unbinds and binds its own end, rewrites its registers, or deletes
 * it or the Ring, or resets the Reticle under both, in the middle of a
 * round trip. */
void op_pingpong(void)
{
	static const uint8_t nwait_rdx_never[] = {0x48, 0xc7, 0xc2, 0xff, 0xff, 0xff, 0xff};
	const uint64_t info_va = 0x500000, ring_va = 0x600000, bit = 5;
	uint8_t code[96];
	unsigned n = 0, loop;
	struct vx_ring_info ri;
	uint64_t mine = 1ull << (8 + pick(40));

	if (pick(2))
		return;
	int64_t sub = fz_call(VX_SYS_RETICLE_SPLIT, w.ret, 64 * VX_PAGE_SIZE, 0, 0, 0, 0);
	if (sub < 0)
		return;
	int64_t t = fz_call(VX_SYS_RETICLE_RETYPE, (uint64_t)sub, VX_OBJ_TASK, 0, 0, 0, 0);
	int64_t b = fz_call(VX_SYS_RETICLE_RETYPE, (uint64_t)sub, VX_OBJ_BUNDLE, 0, 0, 0, 0);
	int64_t g =
	    fz_call(VX_SYS_RETICLE_RETYPE, (uint64_t)sub, VX_OBJ_RING, VX_RING_ARG(6, 2), 0, 0, 0);
	int64_t m = fz_call(VX_SYS_RETICLE_RETYPE, (uint64_t)sub, VX_OBJ_MEM, 1, 0, 0, 0);
	if (t < 0 || b < 0 || g < 0 || m < 0)
		goto out;
	/* RING_BIND(ring "1,1", consumer, ring_va, bit, info_va) */
	mov32(code, &n, 0, VX_SYS_RING_BIND);
	mov32(code, &n, 7, VX_HANDLE_MAKE(1, 1));
	mov32(code, &n, 6, VX_RING_CONSUMER);
	mov32(code, &n, 2, (uint32_t)ring_va);
	mov32(code, &n, 10, (uint32_t)bit);
	mov32(code, &n, 8, (uint32_t)info_va);
	code[n++] = 0x0f, code[n++] = 0x05;
	/* loop: RING_NOTIFY_WAIT(ring, 1 << bit, never); jmp loop */
	loop = n;
	mov32(code, &n, 0, VX_SYS_RING_NOTIFY_WAIT);
	mov32(code, &n, 7, VX_HANDLE_MAKE(1, 1));
	mov32(code, &n, 6, 1u << bit);
	emit(code, &n, nwait_rdx_never, sizeof(nwait_rdx_never));
	code[n++] = 0x0f, code[n++] = 0x05;
	code[n++] = 0xeb, code[n] = (uint8_t)(loop - (n + 1));
	n++;
	load_code((vx_handle_t)sub, (vx_handle_t)t, code, n);
	fz_call(VX_SYS_TASK_MAP, (uint64_t)t, (uint64_t)m, info_va, VX_PROT_READ | VX_PROT_WRITE, 0,
		0);
	fz_call(VX_SYS_BUNDLE_ADD, (uint64_t)b, (uint64_t)(uintptr_t) "ring", 4, (uint64_t)g,
		VX_R_CONSUME | VX_R_PRODUCE, 0);
	fz_call(VX_SYS_TASK_SET_REGS, (uint64_t)t, CHILD_IP, 0x800000, 0, 0, 0);
	fz_call(VX_SYS_TASK_SET_PRIO, (uint64_t)t, pick(4) ? VX_PRIO_DEFAULT : pick(9), 0, 0, 0, 0);
	if (pick(4) == 0)
		fz_call(VX_SYS_TASK_SET_AFFINITY, (uint64_t)t, 1ull << pick(2), 0, 0, 0, 0);
	if (fz_call(VX_SYS_TASK_START, (uint64_t)t, (uint64_t)b, 0, 0, 0, 0) != VX_OK)
		goto out;
	uint64_t win = WIN_BASE + pick(WINS) * WIN_SIZE;
	bool bound = fz_call(VX_SYS_RING_BIND, (uint64_t)g, VX_RING_PRODUCER, win,
			     (uint64_t)__builtin_ctzll(mine), (uint64_t)(uintptr_t)&ri, 0) == VX_OK;
	for (unsigned i = 0, rounds = 4 + (unsigned)pick(60); i < rounds; i++) {
		uint64_t deadline = (uint64_t)vx_clock() + 20000 + pick(500000);
		if (bound)
			fz_call(VX_SYS_RING_NOTIFY_WAIT, (uint64_t)g,
				mine | (pick(4) ? 0 : CHILD_SIG),
				pick(8) ? deadline : VX_DEADLINE_NONE, 0, 0, 0);
		switch (pick(24)) {
		case 0:
			fz_call(VX_SYS_TASK_HALT, (uint64_t)t, 0, 0, 0, 0, 0);
			break;
		case 1:
			fz_call(VX_SYS_TASK_RESUME, (uint64_t)t, 0, 0, 0, 0, 0);
			break;
		case 2:
			fz_call(VX_SYS_TASK_SET_PRIO, (uint64_t)t, pick(9), 0, 0, 0, 0);
			break;
		case 3:
			fz_call(VX_SYS_TASK_SET_AFFINITY, pick(2) ? (uint64_t)t : w.self,
				pick(2) ? 1ull << pick(2) : 0, 0, 0, 0, 0);
			break;
		case 4:
			if (fz_call(VX_SYS_RING_UNBIND, (uint64_t)g, 0, 0, 0, 0, 0) == VX_OK)
				bound = false;
			break;
		case 5:
			if (!bound)
				bound = fz_call(VX_SYS_RING_BIND, (uint64_t)g, VX_RING_PRODUCER,
						win, (uint64_t)__builtin_ctzll(mine),
						(uint64_t)(uintptr_t)&ri, 0) == VX_OK;
			break;
		case 6: { /* a halted child's registers rewritten: back to the bind */
			static struct vx_regs r;
			if (fz_call(VX_SYS_TASK_HALT, (uint64_t)t, 0, 0, 0, 0, 0) == VX_OK &&
			    fz_call(VX_SYS_TASK_REGS, (uint64_t)t, VX_REGS_READ | VX_REGS_NOFPU,
				    (uint64_t)(uintptr_t)&r, 0, 0, 0) == VX_OK) {
				r.rip = CHILD_IP + (pick(2) ? 0 : loop);
				fz_call(VX_SYS_TASK_REGS, (uint64_t)t,
					(pick(2) ? VX_REGS_RESUME : VX_REGS_RESUME_WAIT) |
					    VX_REGS_NOFPU,
					(uint64_t)(uintptr_t)&r, mine, deadline, 0);
			}
			break;
		}
		case 7:
			if (pick(4) == 0)
				fz_call(VX_SYS_CAP_DELETE, (uint64_t)t, 0, 0, 0, 0, 0);
			break;
		case 8:
			if (pick(4) == 0)
				fz_call(VX_SYS_CAP_DELETE, (uint64_t)g, 0, 0, 0, 0, 0);
			break;
		case 9:
			if (pick(4) == 0)
				fz_call(VX_SYS_RETICLE_RESET, (uint64_t)sub, 0, 0, 0, 0, 0);
			break;
		case 10:
			fz_call(VX_SYS_RING_NOTIFY, (uint64_t)g, 0, 0, 0, 0, 0);
			break;
		default:
			break;
		}
	}
out:
	fz_call(VX_SYS_RETICLE_RESET, (uint64_t)sub, 0, 0, 0, 0, 0);
	fz_call(VX_SYS_CAP_DELETE, (uint64_t)sub, 0, 0, 0, 0, 0);
}
