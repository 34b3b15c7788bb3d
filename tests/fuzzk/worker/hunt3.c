/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hunt 3's operations: what the rest of the mix never aims at.
 *
 *  - op_xfer_wrap: a Ring of the worker's own, its 16-slot transfer queue
 *    driven round its wrap, filled, holes revoked at random places, then
 *    drained: the 17th send must be VX_E_FULL, CAP_INSPECT must count
 *    every queued slot (holes too), each hole must come back as
 *    VX_E_REVOKED in its place and every other cap in order with the
 *    rights it was sent with (the index is in the rights), then
 *    VX_E_EMPTY.  Sometimes the Ring or its queued caps' source is
 *    deleted, or the Ring reset with the worker's Reticle, half-way;
 *  - op_trapper: a child that traps in user mode over and over: its own
 *    trap flag (popfq), icebp, int3 and int 0x80 (no gate is DPL 3: #GP),
 *    the flags it may set itself (DF, AC, NT) left on across its
 *    syscalls; the worker halts, resumes, moves, rewrites and deletes it
 *    while it traps on another CPU; once a halt returned, the child must
 *    be halted (a debug trap that waited for the kernel lock used to make
 *    it faulted: tests/ktest/hunt3.c).
 *  - op_topcall: a child whose syscall is the last two bytes of the last
 *    mappable page, native or foreign: the instruction after it is
 *    VX_MAP_END, so it must stop with a page fault (or, foreign, a
 *    VX_FAULT_SYSCALL stop) at exactly that address, and the kernel go on.
 *  - op_counts: every count and size argument at 0, 1, max and max+1; the
 *    pure argument errors (which come before any resource runs out) must
 *    be exactly the documented ones.
 */
#include "worker.h"

static void broken(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t s0, uint64_t s1,
		   uint64_t s2, int64_t r)
{
	fz_finding(FZ_BROKEN_PROMISE, w.st->calls - 1, nr, (uint64_t[6]){a0, a1, a2, s0, s1, s2},
		   r);
}

static bool handle_error(int64_t r)
{
	return r == VX_E_BADHANDLE || r == VX_E_STALE || r == VX_E_TYPE || r == VX_E_RIGHTS;
}

/* ------------------------------------------------------------ xfer */

#define XFER 16 /* VX_RING_XFER_MAX */

void op_xfer_wrap(void)
{
	struct vx_cap_info ci;
	vx_handle_t d[XFER];
	bool hole[XFER] = {0};
	int64_t ring =
	    fz_call(VX_SYS_RETICLE_RETYPE, w.ret, VX_OBJ_RING, VX_RING_ARG(6, 0), 0, 0, 0);
	int64_t mem = fz_call(VX_SYS_RETICLE_RETYPE, w.ret, VX_OBJ_MEM, 1, 0, 0, 0);
	unsigned made = 0;

	if (ring < 0 || mem < 0)
		goto out;
	/* Move the head round: 0..31 sends and receives. */
	for (unsigned i = 0, n = (unsigned)pick(32); i < n; i++) {
		fz_call(VX_SYS_RING_SEND_CAP, (uint64_t)ring, (uint64_t)mem, VX_R_READ, 0, 0, 0);
		int64_t h = fz_call(VX_SYS_RING_RECV_CAP, (uint64_t)ring, 0, 0, 0, 0, 0);
		if (h > 0)
			fz_call(VX_SYS_CAP_DELETE, (uint64_t)h, 0, 0, 0, 0, 0);
	}
	/* Fill: slot i carries rights i (READ, WRITE, EXEC, PRODUCE bits). */
	for (; made < XFER; made++) {
		int64_t x = fz_call(VX_SYS_CAP_DERIVE, (uint64_t)mem, VX_R_ALL, 0, 0, 0, 0);
		if (x < 0)
			break;
		d[made] = (vx_handle_t)x;
		if (fz_call(VX_SYS_RING_SEND_CAP, (uint64_t)ring, (uint64_t)x, made, 0, 0, 0) < 0)
			break;
	}
	if (made < XFER) /* no slot for a derive: the pool is full, fine */
		goto drop;
	int64_t r =
	    fz_call(VX_SYS_RING_SEND_CAP, (uint64_t)ring, (uint64_t)mem, VX_R_READ, 0, 0, 0);
	if (r != VX_E_FULL)
		broken(VX_SYS_RING_SEND_CAP, (uint64_t)ring, (uint64_t)mem, 0, XFER, 0, 0, r);
	for (unsigned i = 0, n = (unsigned)pick(5); i < n; i++) {
		unsigned k = (unsigned)pick(XFER);
		if (!hole[k] && fz_call(VX_SYS_CAP_REVOKE, d[k], 0, 0, 0, 0, 0) == 1)
			hole[k] = true;
	}
	if (fz_call(VX_SYS_CAP_INSPECT, (uint64_t)ring, (uint64_t)(uintptr_t)&ci, 0, 0, 0, 0) ==
		VX_OK &&
	    ci.ring_state != XFER << 8)
		broken(VX_SYS_CAP_INSPECT, (uint64_t)ring, 0, 0, ci.ring_state, XFER, 0, 0);
	switch (pick(8)) {
	case 0: /* the Ring goes with 16 caps queued */
		fz_call(VX_SYS_CAP_DELETE, (uint64_t)ring, 0, 0, 0, 0, 0);
		ring = -1;
		goto drop;
	case 1: /* every queued cap revoked at once */
		fz_call(VX_SYS_CAP_REVOKE, (uint64_t)mem, 0, 0, 0, 0, 0);
		for (unsigned i = 0; i < XFER; i++)
			hole[i] = true;
		break;
	default:
		break;
	}
	for (unsigned i = 0; i < XFER; i++) {
		int64_t h = fz_call(VX_SYS_RING_RECV_CAP, (uint64_t)ring, 0, 0, 0, 0, 0);
		if (h == VX_E_FULL) /* the worker's table is full: leave it */
			goto drop;
		if (hole[i] != (h == VX_E_REVOKED))
			broken(VX_SYS_RING_RECV_CAP, (uint64_t)ring, i, hole[i], 0, 0, 0, h);
		if (h <= 0)
			continue;
		if (fz_call(VX_SYS_CAP_INSPECT, (uint64_t)h, (uint64_t)(uintptr_t)&ci, 0, 0, 0,
			    0) == VX_OK &&
		    (ci.type != VX_OBJ_MEM || ci.rights != i))
			broken(VX_SYS_CAP_INSPECT, (uint64_t)h, i, 0, ci.type, ci.rights, 0, 0);
		fz_call(VX_SYS_CAP_DELETE, (uint64_t)h, 0, 0, 0, 0, 0);
	}
	r = fz_call(VX_SYS_RING_RECV_CAP, (uint64_t)ring, 0, 0, 0, 0, 0);
	if (r != VX_E_EMPTY)
		broken(VX_SYS_RING_RECV_CAP, (uint64_t)ring, XFER, 0, 0, 0, 0, r);
drop:
	for (unsigned i = 0; i < made; i++)
		fz_call(VX_SYS_CAP_DELETE, d[i], 0, 0, 0, 0, 0);
out:
	/* Kept half the time, so the rest of the mix finds a Ring with caps
	 * queued (or not) and a Mem with derived caps in a transfer queue. */
	if (ring > 0 && pick(2))
		keep(ring, VX_OBJ_RING, VX_R_ALL, 0);
	else if (ring > 0)
		fz_call(VX_SYS_CAP_DELETE, (uint64_t)ring, 0, 0, 0, 0, 0);
	if (mem > 0 && pick(2))
		keep(mem, VX_OBJ_MEM, VX_R_ALL, 0);
	else if (mem > 0)
		fz_call(VX_SYS_CAP_DELETE, (uint64_t)mem, 0, 0, 0, 0, 0);
}

/* ------------------------------------------------------------ trapper */

/* Code fragments a trapping child runs, each ending where the next
 * begins; the child loops over them. */
static const struct {
	uint8_t len;
	uint8_t code[16];
} traps[] = {
    /* pushfq; or qword [rsp], 0x100; popfq: the trap flag, from here on */
    {10, {0x9c, 0x48, 0x81, 0x0c, 0x24, 0x00, 0x01, 0x00, 0x00, 0x9d}},
    /* pushfq; or qword [rsp], 0x44400 (AC, NT, DF); popfq */
    {10, {0x9c, 0x48, 0x81, 0x0c, 0x24, 0x00, 0x44, 0x04, 0x00, 0x9d}},
    /* icebp: #DB without a gate check */
    {1, {0xf1}},
    /* int3: DPL 0 gate, #GP */
    {1, {0xcc}},
    /* int 0x80: #GP */
    {2, {0xcd, 0x80}},
    /* mov eax, TASK_YIELD; syscall */
    {7, {0xb8, VX_SYS_TASK_YIELD, 0, 0, 0, 0x0f, 0x05}},
    /* mov eax, CLOCK; xor edi, edi; syscall */
    {9, {0xb8, VX_SYS_CLOCK, 0, 0, 0, 0x31, 0xff, 0x0f, 0x05}},
    /* mov eax, SIG_WAIT; mov edi, 1; xor esi, esi; syscall (a poll) */
    {14, {0xb8, VX_SYS_SIG_WAIT, 0, 0, 0, 0xbf, 1, 0, 0, 0, 0x31, 0xf6, 0x0f, 0x05}},
    /* cld; nop */
    {2, {0xfc, 0x90}},
};

void op_trapper(void)
{
	static int64_t sig;
	static struct vx_regs r;
	uint8_t code[160];
	unsigned n = 0;
	int64_t t = fz_call(VX_SYS_RETICLE_RETYPE, w.ret, VX_OBJ_TASK, 0, 0, 0, 0);

	if (t < 0)
		return;
	if (sig <= 0)
		sig = fz_call(VX_SYS_SIG_MINT, w.self, CHILD_SIG, 0, 0, 0, 0);
	for (unsigned i = 0, k = 2 + (unsigned)pick(6); i < k; i++) {
		unsigned f = (unsigned)pick(sizeof(traps) / sizeof(traps[0]));
		for (unsigned j = 0; j < traps[f].len; j++)
			code[n++] = traps[f].code[j];
	}
	code[n++] = 0xe9; /* jmp rel32 back to the start */
	int32_t back = -(int32_t)(n + 4);
	for (int i = 0; i < 4; i++)
		code[n++] = (uint8_t)((uint32_t)back >> (8 * i));
	load_code(w.ret, (vx_handle_t)t, code, n);
	/* A stack page below 0x800000, for pushfq. */
	int64_t stack = fz_call(VX_SYS_RETICLE_RETYPE, w.ret, VX_OBJ_MEM, 1, 0, 0, 0);
	if (stack > 0) {
		keep(stack, VX_OBJ_MEM, VX_R_ALL, 0);
		fz_call(VX_SYS_TASK_MAP, (uint64_t)t, (uint64_t)stack, 0x800000 - VX_PAGE_SIZE,
			VX_PROT_READ | VX_PROT_WRITE, 0, 0);
	}
	fz_call(VX_SYS_TASK_SET_REGS, (uint64_t)t, CHILD_IP, 0x800000, 0, 0, 0);
	if (!start_child(t, sig))
		return;
	for (unsigned i = 0, k = 4 + (unsigned)pick(40); i < k; i++) {
		switch (pick(8)) {
		case 0:
		case 1:
			fz_call(VX_SYS_TASK_RESUME, (uint64_t)t, 0, 0, 0, 0, 0);
			break;
		case 2: { /* halted, it stays halted: a trap in flight does not land */
			struct vx_task_info ti;
			if (fz_call(VX_SYS_TASK_HALT, (uint64_t)t, 0, 0, 0, 0, 0) == VX_OK &&
			    fz_call(VX_SYS_TASK_INSPECT, (uint64_t)t, (uint64_t)(uintptr_t)&ti, 0,
				    0, 0, 0) == VX_OK &&
			    ti.state != VX_TASK_HALTED)
				broken(VX_SYS_TASK_HALT, (uint64_t)t, 0, 0, ti.state, ti.fault.kind,
				       ti.fault.code, 0);
			break;
		}
		case 3:
			fz_call(VX_SYS_TASK_SET_AFFINITY, (uint64_t)t,
				pick(2) ? 0 : 1ull << pick(4), 0, 0, 0, 0);
			break;
		case 4: /* its registers as they are, written back: TF and NT dropped */
			if (fz_call(VX_SYS_TASK_REGS, (uint64_t)t, VX_REGS_READ | VX_REGS_NOFPU,
				    (uint64_t)(uintptr_t)&r, 0, 0, 0) == VX_OK) {
				r.rflags |= pick(2) ? ~0ull : 0;
				fz_call(VX_SYS_TASK_REGS, (uint64_t)t,
					(pick(2) ? VX_REGS_RESUME : VX_REGS_WRITE) | VX_REGS_NOFPU,
					(uint64_t)(uintptr_t)&r, 0, 0, 0);
			}
			break;
		case 5:
			fz_call(VX_SYS_SIG_WAIT, CHILD_SIG, (uint64_t)vx_clock() + 50000, 0, 0, 0,
				0);
			break;
		case 6:
			fz_call(VX_SYS_TASK_YIELD, 0, 0, 0, 0, 0, 0);
			break;
		default:
			fz_call(VX_SYS_TASK_SET_PRIO, (uint64_t)t, pick(4), 0, 0, 0, 0);
			break;
		}
	}
	if (pick(4))
		fz_call(VX_SYS_CAP_DELETE, (uint64_t)t, 0, 0, 0, 0, 0);
	else /* left trapping, for the rest of the mix (and the reset) */
		keep(t, VX_OBJ_TASK, VX_R_ALL, 0);
	fz_call(VX_SYS_SIG_WAIT, CHILD_SIG, VX_DEADLINE_NONE, 0, 0, 0, 0);
}

/* ------------------------------------------------------------ topcall */

#define TOP_PAGE (VX_MAP_END - VX_PAGE_SIZE)

void op_topcall(void)
{
	static const uint8_t call[] = {0xb8, VX_SYS_TASK_YIELD, 0, 0, 0, 0x0f, 0x05};
	static struct vx_regs r;
	static int64_t sig;
	const uint64_t at = TOP_PAGE + VX_PAGE_SIZE - sizeof(call);
	bool foreign = pick(2);
	struct vx_task_info ti;
	int64_t t = fz_call(VX_SYS_RETICLE_RETYPE, w.ret, VX_OBJ_TASK, 0, 0, 0, 0);
	int64_t mem = t < 0 ? -1 : fz_call(VX_SYS_RETICLE_RETYPE, w.ret, VX_OBJ_MEM, 1, 0, 0, 0);

	if (mem < 0)
		goto out;
	if (sig <= 0)
		sig = fz_call(VX_SYS_SIG_MINT, w.self, CHILD_SIG, 0, 0, 0, 0);
	if (fz_call(VX_SYS_TASK_MAP, w.self, (uint64_t)mem, CODE_WIN, VX_PROT_READ | VX_PROT_WRITE,
		    0, 0) != VX_OK)
		goto out;
	uint8_t *page = (uint8_t *)(uintptr_t)CODE_WIN;
	for (unsigned i = 0; i < sizeof(call); i++)
		page[VX_PAGE_SIZE - sizeof(call) + i] = call[i];
	fz_call(VX_SYS_TASK_UNMAP, (uint64_t)mem, 0, 0, 0, 0, 0);
	if (fz_call(VX_SYS_TASK_MAP, (uint64_t)t, (uint64_t)mem, TOP_PAGE,
		    VX_PROT_READ | VX_PROT_EXEC, 0, 0) != VX_OK)
		goto out;
	memset(&r, 0, sizeof(r));
	r.rip = at;
	r.rsp = 0x800000;
	r.flags = foreign ? VX_REGS_FOREIGN : 0;
	if (fz_call(VX_SYS_TASK_REGS, (uint64_t)t, VX_REGS_WRITE | VX_REGS_NOFPU,
		    (uint64_t)(uintptr_t)&r, 0, 0, 0) != VX_OK)
		goto out;
	if (sig > 0)
		fz_call(VX_SYS_TASK_SUPERVISE, (uint64_t)t, (uint64_t)sig, 0, 0, 0, 0);
	if (fz_call(VX_SYS_TASK_START, (uint64_t)t, 0, 0, 0, 0, 0) != VX_OK)
		goto out;
	/* Nobody else holds this child: it stops at VX_MAP_END, or is still
	 * on its way there when the worker stops looking. */
	for (unsigned i = 0; i < 20; i++) {
		fz_call(VX_SYS_SIG_WAIT, CHILD_SIG, (uint64_t)vx_clock() + 100000, 0, 0, 0, 0);
		if (fz_call(VX_SYS_TASK_INSPECT, (uint64_t)t, (uint64_t)(uintptr_t)&ti, 0, 0, 0,
			    0) != VX_OK)
			break;
		if (ti.state == VX_TASK_RUNNABLE || ti.state == VX_TASK_WAITING)
			continue;
		uint32_t want = foreign ? VX_FAULT_SYSCALL : VX_FAULT_PAGE;
		if (ti.state != VX_TASK_FAULTED || ti.fault.kind != want ||
		    ti.fault.ip != VX_MAP_END)
			broken(VX_SYS_TASK_INSPECT, (uint64_t)t, foreign, 0, ti.state,
			       ti.fault.kind, ti.fault.ip, 0);
		if (foreign) { /* resumed unanswered: sysretq to VX_MAP_END, a page fault */
			foreign = false;
			fz_call(VX_SYS_TASK_RESUME, (uint64_t)t, 0, 0, 0, 0, 0);
			continue;
		}
		break;
	}
out:
	if (mem > 0)
		fz_call(VX_SYS_CAP_DELETE, (uint64_t)mem, 0, 0, 0, 0, 0);
	if (t > 0)
		fz_call(VX_SYS_CAP_DELETE, (uint64_t)t, 0, 0, 0, 0, 0);
	fz_call(VX_SYS_SIG_WAIT, CHILD_SIG, VX_DEADLINE_NONE, 0, 0, 0, 0);
}

/* ------------------------------------------------------------ counts */

/* One argument check: the call's result must be want, unless the handle
 * it was given has gone (the random mix deletes base caps too). */
static void expect(uint64_t nr, uint64_t a, uint64_t b, uint64_t c, int64_t want)
{
	int64_t r = fz_call(nr, a, b, c, 0, 0, 0);

	if (r != want && !handle_error(r))
		broken(nr, a, b, c, (uint64_t)want, 0, 0, r);
	if (r > 0 && want <= 0 && nr != VX_SYS_CLOCK)
		fz_call(VX_SYS_CAP_DELETE, (uint64_t)r, 0, 0, 0, 0, 0);
}

void op_counts(void)
{
	static const uint64_t ring_bad[] = {VX_RING_ARG(5, 0), VX_RING_ARG(13, 0),
					    VX_RING_ARG(6, 13), VX_RING_ARG(6, 0) | 1u << 16,
					    ~0ull};
	static const uint64_t mem_bad[] = {0, VX_MEM_PAGES_MAX + 1ull, 1ull << 32, ~0ull};

	switch (pick(6)) {
	case 0:
		expect(VX_SYS_RETICLE_RETYPE, w.ret, VX_OBJ_MEM, mem_bad[pick(4)], VX_E_INVAL);
		break;
	case 1:
		expect(VX_SYS_RETICLE_RETYPE, w.ret, VX_OBJ_RING, ring_bad[pick(5)], VX_E_INVAL);
		break;
	case 2: {
		static const uint64_t sizes[] = {0, 1, VX_PAGE_SIZE - 1, VX_PAGE_SIZE + 1};
		uint64_t s = sizes[pick(4)];
		expect(VX_SYS_RETICLE_SPLIT, w.ret, s, 0, VX_E_ALIGN);
		break;
	}
	case 3:
		expect(VX_SYS_CLOCK, 65 + pick(1000), 0, 0, VX_E_RANGE);
		break;
	case 4:
		expect(VX_SYS_SIG_MINT, w.self, pick(2) ? 0 : 1ull << 63 | pick(4), 0, VX_E_INVAL);
		break;
	default:
		expect(VX_SYS_TASK_SET_PRIO, w.self, VX_PRIO_MAX + 1 + pick(2) * rnd() % 1000, 0,
		       VX_E_INVAL);
		break;
	}
}
