/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hunt 3: hostile cases the earlier hunts (edges.c, hardening.c) did not
 * reach, each pinning a promise of docs/ABI.md by name:
 *
 *   hunt3_xfer_*       a Ring's transfer queue driven across its wrap,
 *                      full, with revoked holes: FULL at 17, the count in
 *                      CAP_INSPECT, REVOKED in each hole's place, EMPTY
 *                      after, sequence numbers that never repeat
 *   hunt3_send_cap_*   every refusal of RING_SEND_CAP and RING_RECV_CAP
 *                      (no GRANT, a widen, rights past VX_R_ALL, a Ring
 *                      cap without PRODUCE or CONSUME) queues nothing
 *   hunt3_ring_self_*  one Task bound at both ends of one Ring: doorbells
 *                      and RING_NOTIFY_WAIT ring itself and never hang
 *   hunt3_notify_wait_* RING_NOTIFY_WAIT's mask and deadline obey
 *                      SIG_WAIT's rules: an empty mask with a deadline
 *                      sleeps (it was VX_E_INVAL)
 *   hunt3_counts_*     every count and size argument at 0, 1, max, max+1
 *   hunt3_map_top_*    mappings at the top and bottom of the mappable
 *                      window, and one page past them
 *   hunt3_top_syscall_* a syscall in the last bytes of the last mappable
 *                      page, native and foreign: the kernel goes back to
 *                      the canonical address after it, which faults as a
 *                      page fault of the Task's, never of the kernel's
 *   hunt3_regs_rflags_* every rflags bit written through TASK_REGS: the
 *                      Task sees exactly VX_RFLAGS_USER's and IF
 *   hunt3_halt_trap_*  a Task halted while its debug trap (TF) waits
 *                      for the kernel lock on another CPU stays halted
 *                      (it did not: trap_user recorded the trap, and
 *                      task_fault turned the halted Task into a faulted
 *                      one, 2 halts in 3000 under -smp 4)
 *   hunt3_badrsp_*     a Task running with a non-canonical rsp, returned
 *                      to after interrupts and syscalls: the kernel lives
 */
#include "ktest.h"

#define H3_VA	   (SCRATCH_VA + 0x40000) /* inside ktest's prefaulted window */
#define CODE_VA	   0x400000ull
#define STACK_VA   0x800000ull
#define TOP_PAGE   (VX_MAP_END - VX_PAGE_SIZE) /* the last mappable page */
#define SELF_BIT_P 5
#define SELF_BIT_C 6

static struct vx_regs regs; /* 672 bytes, 16-aligned: static */

/* ------------------------------------------------------------ helpers */

/* A new Task in R, its code (n bytes at offset off of a page mapped
 * executable at code_va) and a stack page mapped, supervised through
 * SIG_CHILD, not started. */
static vx_handle_t child_with_code(const uint8_t *code, unsigned n, uint64_t code_va, unsigned off)
{
	vx_handle_t t = MUST(vx_reticle_retype(R, VX_OBJ_TASK, 0));
	vx_handle_t text = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	vx_handle_t stack = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));

	MUST(vx_task_map(self, text, H3_VA, VX_PROT_READ | VX_PROT_WRITE));
	memset((void *)H3_VA, 0xcc, VX_PAGE_SIZE);
	memcpy((uint8_t *)H3_VA + off, code, n);
	MUST(vx_task_unmap(text));
	vx_handle_t rx = MUST(vx_cap_derive(text, VX_R_READ | VX_R_EXEC, 0));
	MUST(vx_task_map(t, rx, code_va, VX_PROT_READ | VX_PROT_EXEC));
	MUST(vx_task_map(t, stack, STACK_VA, VX_PROT_READ | VX_PROT_WRITE));
	MUST(vx_task_supervise(t, child_sig));
	vx_sig_wait(SIG_CHILD, VX_DEADLINE_NONE); /* a bit left by an earlier child */
	return t;
}

/* Waits for t's stop and returns its record in ti (false: none came). */
bool wait_stop(vx_handle_t t, struct vx_task_info *ti)
{
	EXPECT_EQ(vx_sig_wait(SIG_CHILD, (uint64_t)vx_clock() + CHILD_WAIT), (int64_t)SIG_CHILD);
	EXPECT_EQ(vx_task_inspect(t, ti), VX_OK);
	return ti->state == VX_TASK_FAULTED || ti->state == VX_TASK_EXITED;
}

/* ------------------------------------------------------------ xfer */

/* The transfer queue (16 slots) driven round its wrap twice, then filled
 * with a hole at its head's wrap point and one in the middle: every send
 * past 16 is FULL and queues nothing, CAP_INSPECT counts the holes as
 * queued, each hole is received as REVOKED in its place, the rest in
 * order with the rights sent, then EMPTY.  Sequence numbers count every
 * send that succeeded, never a refused one. */
static void t_xfer_queue_wraps_with_holes(void)
{
	vx_handle_t ring = MUST(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 0)));
	vx_handle_t mem = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	vx_handle_t d[VX_RING_XFER_MAX];
	struct vx_cap_info ci;
	int64_t seq = -1;

	for (unsigned round = 0; round < 3; round++) {
		for (unsigned i = 0; i < 11; i++) {
			int64_t s = vx_ring_send_cap(ring, mem, VX_R_READ);
			EXPECT(s >= 0);
			if (seq >= 0)
				EXPECT_EQ(s, seq + 1);
			seq = s;
		}
		for (unsigned i = 0; i < 11; i++) {
			int64_t h = vx_ring_recv_cap(ring);
			EXPECT(h > 0);
			if (h > 0)
				EXPECT_EQ(vx_cap_delete((vx_handle_t)h), VX_OK);
		}
		EXPECT_EQ(vx_ring_recv_cap(ring), VX_E_EMPTY);
	}
	/* The head is now at 33 % 16 = 1: the queue wraps inside what follows. */
	for (unsigned i = 0; i < VX_RING_XFER_MAX; i++) {
		d[i] = MUST(vx_cap_derive(mem, VX_R_READ | VX_R_WRITE | VX_R_GRANT, 0));
		int64_t s = vx_ring_send_cap(ring, d[i], i & 1 ? VX_R_READ : VX_R_WRITE);
		EXPECT_EQ(s, seq + 1);
		seq = s;
	}
	EXPECT_EQ(vx_ring_send_cap(ring, mem, VX_R_READ), VX_E_FULL);
	EXPECT_EQ(vx_cap_inspect(ring, &ci), VX_OK);
	EXPECT_EQ(ci.ring_state >> 8, VX_RING_XFER_MAX);
	/* Slot 15 of the 16 sits at index 0 of the array: the wrap point. */
	EXPECT_EQ(vx_cap_revoke(d[15]), 1);
	EXPECT_EQ(vx_cap_revoke(d[7]), 1);
	EXPECT_EQ(vx_cap_inspect(ring, &ci), VX_OK);
	EXPECT_EQ(ci.ring_state >> 8, VX_RING_XFER_MAX); /* holes still queued */
	EXPECT_EQ(vx_ring_send_cap(ring, mem, VX_R_READ), VX_E_FULL);
	for (unsigned i = 0; i < VX_RING_XFER_MAX; i++) {
		int64_t h = vx_ring_recv_cap(ring);
		if (i == 7 || i == 15) {
			EXPECT_EQ(h, VX_E_REVOKED);
			continue;
		}
		EXPECT(h > 0);
		if (h <= 0)
			continue;
		EXPECT_EQ(vx_cap_inspect((vx_handle_t)h, &ci), VX_OK);
		EXPECT_EQ(ci.type, VX_OBJ_MEM);
		EXPECT_EQ(ci.rights, i & 1 ? VX_R_READ : VX_R_WRITE);
		EXPECT_EQ(vx_cap_delete((vx_handle_t)h), VX_OK);
	}
	EXPECT_EQ(vx_ring_recv_cap(ring), VX_E_EMPTY);
	EXPECT_EQ(vx_cap_inspect(ring, &ci), VX_OK);
	EXPECT_EQ(ci.ring_state, 0);
	/* The next send numbers on from the last one that succeeded. */
	EXPECT_EQ(vx_ring_send_cap(ring, mem, VX_R_READ), seq + 1);
}

/* Every refusal of RING_SEND_CAP and RING_RECV_CAP changes nothing: the
 * queue stays empty and the next send's sequence number is the next. */
static void t_send_cap_refusals_queue_nothing(void)
{
	vx_handle_t ring = MUST(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 0)));
	vx_handle_t mem = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	vx_handle_t nogrant = MUST(vx_cap_derive(mem, VX_R_READ | VX_R_WRITE, 0));
	vx_handle_t narrow = MUST(vx_cap_derive(mem, VX_R_READ | VX_R_GRANT, 0));
	vx_handle_t cons = MUST(vx_cap_derive(ring, VX_R_CONSUME | VX_R_GRANT, 0));
	vx_handle_t prod = MUST(vx_cap_derive(ring, VX_R_PRODUCE, 0));
	struct vx_cap_info ci;
	int64_t first = vx_ring_send_cap(ring, mem, VX_R_READ);

	EXPECT(first >= 0);
	EXPECT(vx_ring_recv_cap(ring) > 0);
	EXPECT_EQ(vx_ring_send_cap(ring, nogrant, VX_R_READ), VX_E_RIGHTS);
	EXPECT_EQ(vx_ring_send_cap(ring, narrow, VX_R_READ | VX_R_WRITE), VX_E_RIGHTS);
	EXPECT_EQ(vx_syscall3(VX_SYS_RING_SEND_CAP, ring, mem, 1ull << 7), VX_E_RIGHTS);
	EXPECT_EQ(vx_syscall3(VX_SYS_RING_SEND_CAP, ring, mem, 1ull << 32 | VX_R_READ),
		  VX_E_RIGHTS);
	EXPECT_EQ(vx_syscall3(VX_SYS_RING_SEND_CAP, ring, mem, ~0ull), VX_E_RIGHTS);
	EXPECT_EQ(vx_ring_send_cap(cons, mem, VX_R_READ), VX_E_RIGHTS);
	EXPECT_EQ(vx_ring_send_cap(mem, mem, VX_R_READ), VX_E_TYPE);
	EXPECT_EQ(vx_ring_send_cap(ring, 0, 0), VX_E_BADHANDLE);
	EXPECT_EQ(vx_ring_recv_cap(prod), VX_E_RIGHTS);
	EXPECT_EQ(vx_cap_inspect(ring, &ci), VX_OK);
	EXPECT_EQ(ci.ring_state >> 8, 0);
	/* The Ring sent through itself (a "port" handing out itself), and a
	 * cap with no rights at all: both allowed. */
	EXPECT_EQ(vx_ring_send_cap(ring, ring, VX_R_CONSUME), first + 1);
	EXPECT_EQ(vx_ring_send_cap(narrow, narrow, 0), VX_E_TYPE);
	EXPECT_EQ(vx_ring_send_cap(ring, narrow, 0), first + 2);
	EXPECT_EQ(vx_ring_recv_cap(prod), VX_E_RIGHTS);
	int64_t back = vx_ring_recv_cap(cons);
	EXPECT(back > 0);
	if (back > 0) {
		EXPECT_EQ(vx_cap_inspect((vx_handle_t)back, &ci), VX_OK);
		EXPECT_EQ(ci.type, VX_OBJ_RING);
		EXPECT_EQ(ci.rights, VX_R_CONSUME);
		EXPECT_EQ(ci.ring_state >> 8, 1); /* the one after it waits */
		int64_t none = vx_ring_recv_cap((vx_handle_t)back);
		EXPECT(none > 0);
		if (none > 0) {
			EXPECT_EQ(vx_cap_inspect((vx_handle_t)none, &ci), VX_OK);
			EXPECT_EQ(ci.rights, 0);
		}
	}
	EXPECT_EQ(vx_ring_recv_cap(cons), VX_E_EMPTY);
}

/* ------------------------------------------------------------ ring self */

/* One Task at both ends of a Ring: its doorbells raise its own bits, and
 * RING_NOTIFY_WAIT, whose peer is the caller itself, finds the bit it just
 * raised instead of waiting for ever.  An end unbinding wakes the other,
 * here the same Task.  The same cap cannot bind twice, nor a role twice. */
static void t_ring_self_both_ends(void)
{
	vx_handle_t ring = MUST(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 0)));
	vx_handle_t other = MUST(vx_cap_derive(ring, VX_R_PRODUCE | VX_R_CONSUME, 0));
	const uint64_t pb = 1ull << SELF_BIT_P, cb = 1ull << SELF_BIT_C;
	struct vx_ring_info info;
	struct vx_cap_info ci;

	vx_sig_wait(pb | cb, VX_DEADLINE_NONE);
	EXPECT_EQ(vx_ring_bind(ring, VX_RING_PRODUCER, H3_VA, SELF_BIT_P, &info), VX_OK);
	EXPECT_EQ(vx_ring_bind(ring, VX_RING_CONSUMER, H3_VA + 0x10000, SELF_BIT_C, &info),
		  VX_E_EXISTS); /* this cap is bound */
	EXPECT_EQ(vx_ring_bind(other, VX_RING_PRODUCER, H3_VA + 0x10000, SELF_BIT_C, &info),
		  VX_E_EXISTS); /* that role is bound */
	EXPECT_EQ(vx_ring_bind(other, VX_RING_CONSUMER, H3_VA, SELF_BIT_C, &info),
		  VX_E_EXISTS); /* those pages are in use */
	EXPECT_EQ(vx_ring_bind(other, VX_RING_CONSUMER, H3_VA + 0x10000, SELF_BIT_C, &info), VX_OK);
	EXPECT_EQ(vx_cap_inspect(ring, &ci), VX_OK);
	EXPECT_EQ(ci.ring_state, VX_RING_BOUND_PRODUCER | VX_RING_BOUND_CONSUMER);
	EXPECT_EQ(vx_ring_notify(ring), VX_OK);
	EXPECT_EQ(vx_sig_wait(pb | cb, VX_DEADLINE_NONE), (int64_t)cb);
	EXPECT_EQ(vx_ring_notify_wait(other, pb, VX_DEADLINE_NEVER), (int64_t)pb);
	EXPECT_EQ(vx_ring_notify_wait(ring, cb, VX_DEADLINE_NEVER), (int64_t)cb);
	EXPECT_EQ(vx_ring_notify_wait(ring, pb, (uint64_t)vx_clock() + 2 * MS), 0);
	EXPECT_EQ(vx_sig_wait(pb | cb, VX_DEADLINE_NONE), (int64_t)cb); /* the last doorbell */
	EXPECT_EQ(vx_ring_unbind(ring), VX_OK);
	EXPECT_EQ(vx_sig_wait(pb | cb, VX_DEADLINE_NONE), (int64_t)cb); /* the hang-up */
	EXPECT_EQ(vx_ring_notify_wait(other, pb, VX_DEADLINE_NONE), 0); /* nobody to ring */
	EXPECT_EQ(vx_cap_delete(other), VX_OK);				/* unbinds */
	EXPECT_EQ(vx_cap_inspect(ring, &ci), VX_OK);
	EXPECT_EQ(ci.ring_state, 0);
	EXPECT_EQ(vx_ring_unbind(ring), VX_E_STATE);
	EXPECT_EQ(vx_ring_notify(ring), VX_E_STATE);
	EXPECT_EQ(vx_sig_wait(pb | cb, VX_DEADLINE_NONE), 0);
}

/* RING_NOTIFY_WAIT is "notify, then wait as SIG_WAIT" (docs/ABI.md): so an
 * empty mask with a finite deadline rings the peer and sleeps until the
 * deadline (0), and the waits SIG_WAIT refuses (an empty mask without a
 * finite deadline, bit 63) are refused before the doorbell rings. */
static void t_notify_wait_mask_as_sig_wait(void)
{
	vx_handle_t ring = MUST(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 0)));
	vx_handle_t other = MUST(vx_cap_derive(ring, VX_R_PRODUCE | VX_R_CONSUME, 0));
	const uint64_t pb = 1ull << SELF_BIT_P, cb = 1ull << SELF_BIT_C;
	struct vx_ring_info info;

	vx_sig_wait(pb | cb, VX_DEADLINE_NONE);
	EXPECT_EQ(vx_ring_bind(ring, VX_RING_PRODUCER, H3_VA, SELF_BIT_P, &info), VX_OK);
	EXPECT_EQ(vx_ring_bind(other, VX_RING_CONSUMER, H3_VA + 0x10000, SELF_BIT_C, &info), VX_OK);
	EXPECT_EQ(vx_ring_notify_wait(ring, 0, VX_DEADLINE_NONE), VX_E_INVAL);
	EXPECT_EQ(vx_ring_notify_wait(ring, 0, VX_DEADLINE_NEVER), VX_E_INVAL);
	EXPECT_EQ(vx_ring_notify_wait(ring, 1ull << 63, (uint64_t)vx_clock() + MS), VX_E_INVAL);
	EXPECT_EQ(vx_ring_notify_wait(ring, ~0ull, VX_DEADLINE_NEVER), VX_E_INVAL);
	EXPECT_EQ(vx_sig_wait(pb | cb, VX_DEADLINE_NONE), 0); /* no refusal rang */
	uint64_t deadline = (uint64_t)vx_clock() + 2 * MS;
	EXPECT_EQ(vx_ring_notify_wait(ring, 0, deadline), 0);
	EXPECT((uint64_t)vx_clock() >= deadline);
	EXPECT_EQ(vx_sig_wait(pb | cb, VX_DEADLINE_NONE), (int64_t)cb); /* it rang */
	EXPECT_EQ(vx_ring_notify_wait(other, 0, 1), 0); /* a deadline passed: at once */
	EXPECT_EQ(vx_sig_wait(pb | cb, VX_DEADLINE_NONE), (int64_t)pb);
	EXPECT_EQ(vx_cap_delete(other), VX_OK);
	EXPECT_EQ(vx_ring_unbind(ring), VX_OK);
	vx_sig_wait(pb | cb, VX_DEADLINE_NONE);
}

/* ------------------------------------------------------------ counts */

/* Every count and size argument at 0, 1, its maximum and one past it. */
static void t_counts_at_the_bounds(void)
{
	struct vx_reticle_info ri;
	vx_handle_t t = MUST(vx_reticle_retype(R, VX_OBJ_TASK, 0));
	char buf[16] = "hunt3\n";

	/* Retype: Mem pages 1..2^20, Ring geometry, arg 0 for the rest. */
	EXPECT_EQ(vx_reticle_retype(R, VX_OBJ_MEM, 0), VX_E_INVAL);
	EXPECT_EQ(vx_reticle_retype(R, VX_OBJ_MEM, VX_MEM_PAGES_MAX + 1ull), VX_E_INVAL);
	EXPECT_EQ(vx_reticle_retype(R, VX_OBJ_MEM, VX_MEM_PAGES_MAX), VX_E_NOMEM);
	EXPECT_EQ(vx_reticle_retype(R, VX_OBJ_MEM, 1ull << 52), VX_E_INVAL);
	EXPECT_EQ(vx_reticle_retype(R, VX_OBJ_MEM, ~0ull), VX_E_INVAL);
	EXPECT_EQ(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(5, 0)), VX_E_INVAL);
	EXPECT_EQ(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(13, 0)), VX_E_INVAL);
	EXPECT_EQ(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 13)), VX_E_INVAL);
	EXPECT_EQ(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 0) | 1u << 16), VX_E_INVAL);
	EXPECT_EQ(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(12, 12)), VX_E_NOMEM);
	int64_t big = vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 12));
	EXPECT(big > 0);
	if (big > 0)
		EXPECT_EQ(vx_cap_delete((vx_handle_t)big), VX_OK);
	EXPECT_EQ(vx_reticle_retype(R, VX_OBJ_TASK, 1), VX_E_INVAL);
	EXPECT_EQ(vx_reticle_retype(R, VX_OBJ_BUNDLE, 1), VX_E_INVAL);
	EXPECT_EQ(vx_reticle_retype(R, 0, 0), VX_E_INVAL);
	EXPECT_EQ(vx_reticle_retype(R, VX_OBJ_RETICLE, 2), VX_E_INVAL);
	EXPECT_EQ(vx_reticle_retype(R, VX_OBJ_SIGNAL, 0), VX_E_INVAL);
	EXPECT_EQ(vx_reticle_retype(R, VX_OBJ_IOSPACE, 0), VX_E_INVAL);
	EXPECT_EQ(vx_syscall3(VX_SYS_RETICLE_RETYPE, R, 1ull << 32 | VX_OBJ_MEM, 1), VX_E_INVAL);

	/* Split: whole pages, at least 2, and no more than is free after
	 * the child's record; exactly that much is fine. */
	EXPECT_EQ(vx_reticle_split(R, 0), VX_E_ALIGN);
	EXPECT_EQ(vx_reticle_split(R, VX_PAGE_SIZE + 1), VX_E_ALIGN);
	EXPECT_EQ(vx_reticle_split(R, VX_PAGE_SIZE), VX_E_INVAL);
	EXPECT_EQ(vx_reticle_split(R, ~0ull & ~(uint64_t)(VX_PAGE_SIZE - 1)), VX_E_NOMEM);
	EXPECT_EQ(vx_reticle_info(R, &ri), VX_OK);
	uint64_t fit = (ri.free - VX_OBJ_META_BYTES) & ~(uint64_t)(VX_PAGE_SIZE - 1);
	EXPECT_EQ(vx_reticle_split(R, fit + VX_PAGE_SIZE), VX_E_NOMEM);
	int64_t child = vx_reticle_split(R, fit);
	EXPECT(child > 0);
	if (child > 0) {
		EXPECT_EQ(vx_reticle_retype(R, VX_OBJ_MEM, 1), VX_E_NOMEM);
		EXPECT_EQ(vx_cap_delete((vx_handle_t)child), VX_OK);
	}
	int64_t two = vx_reticle_split(R, 2 * VX_PAGE_SIZE);
	EXPECT(two > 0);
	if (two > 0) { /* a 2-page Reticle holds one record and less than a page */
		EXPECT_EQ(vx_reticle_retype((vx_handle_t)two, VX_OBJ_MEM, 2), VX_E_NOMEM);
		int64_t m = vx_reticle_retype((vx_handle_t)two, VX_OBJ_MEM, 1);
		EXPECT(m > 0);
		EXPECT_EQ(vx_reticle_split((vx_handle_t)two, 2 * VX_PAGE_SIZE), VX_E_NOMEM);
		EXPECT_EQ(vx_cap_delete((vx_handle_t)two), VX_OK);
	}
	EXPECT_EQ(vx_reticle_info(R, &ri), VX_OK);
	EXPECT_EQ(ri.objects, 1); /* t alone: the rest came back */

	/* Time: CPU n is 1 + n, the first past the last online is RANGE. */
	unsigned n = cpus_online();
	EXPECT(n >= 1);
	EXPECT_EQ(vx_syscall1(VX_SYS_CLOCK, 1 + (uint64_t)n), VX_E_RANGE);
	EXPECT_EQ(vx_syscall1(VX_SYS_CLOCK, 65), VX_E_RANGE);
	EXPECT_EQ(vx_syscall1(VX_SYS_CLOCK, ~0ull), VX_E_RANGE);
	EXPECT(vx_syscall1(VX_SYS_CLOCK, n) >= 0);

	/* Priorities 0..15, signal bits 0..62, waits. */
	EXPECT_EQ(vx_task_set_prio(t, VX_PRIO_MAX + 1), VX_E_INVAL);
	EXPECT_EQ(vx_syscall2(VX_SYS_TASK_SET_PRIO, t, 1ull << 32), VX_E_INVAL);
	EXPECT_EQ(vx_task_set_prio(t, 0), VX_OK);
	EXPECT_EQ(vx_sig_mint(t, 0), VX_E_INVAL);
	EXPECT_EQ(vx_sig_mint(t, 1ull << 63), VX_E_INVAL);
	int64_t s = vx_sig_mint(t, ~0ull >> 1);
	EXPECT(s > 0);
	if (s > 0) {
		EXPECT_EQ(vx_sig_raise((vx_handle_t)s, 0), VX_E_INVAL);
		EXPECT_EQ(vx_sig_raise((vx_handle_t)s, ~0ull), VX_E_RIGHTS);
		EXPECT_EQ(vx_sig_raise((vx_handle_t)s, ~0ull >> 1), VX_OK);
	}
	EXPECT_EQ(vx_sig_wait(0, VX_DEADLINE_NEVER), VX_E_INVAL);
	EXPECT_EQ(vx_sig_wait(0, VX_DEADLINE_NONE), VX_E_INVAL);
	EXPECT_EQ(vx_sig_wait(1ull << 63, VX_DEADLINE_NONE), VX_E_INVAL);
	EXPECT_EQ(vx_sig_wait(0, 1), 0);			 /* a sleep that has ended */
	EXPECT_EQ(vx_sig_wait(0, (uint64_t)vx_clock() + MS), 0); /* a short one */

	/* Ports: widths 1, 2, 4 and the range's edge; the console's bound. */
	EXPECT_EQ(vx_port_in(io, 0x3f8 + 5, 0), VX_E_INVAL);
	EXPECT_EQ(vx_port_in(io, 0x3f8 + 5, 3), VX_E_INVAL);
	EXPECT_EQ(vx_port_in(io, 0x3f8 + 5, 8), VX_E_INVAL);
	EXPECT_EQ(vx_syscall3(VX_SYS_PORT_IN, io, 0x10000 + 0x3f8 + 5, 1), VX_E_RANGE);
	EXPECT_EQ(vx_syscall3(VX_SYS_PORT_IN, io, ~0ull, 1), VX_E_RANGE);
	EXPECT_EQ(vx_syscall3(VX_SYS_PORT_IN, io, 0xffff, 2), VX_E_RANGE);
	EXPECT_EQ(vx_syscall3(VX_SYS_CONSOLE_WRITE, io, (uint64_t)(uintptr_t)buf, 0), 0);
	EXPECT_EQ(vx_syscall3(VX_SYS_CONSOLE_WRITE, io, (uint64_t)(uintptr_t)buf, 4097),
		  VX_E_TOOBIG);
	EXPECT_EQ(vx_syscall3(VX_SYS_CONSOLE_WRITE, io, ~0ull - 10, 100), VX_E_RANGE);
	EXPECT_EQ(vx_syscall3(VX_SYS_CONSOLE_WRITE, io, VX_USER_END - 3, 3), VX_E_FAULT);

	/* Derive: rights beyond the seven, narrow on a type without one. */
	EXPECT_EQ(vx_cap_derive(R, 1u << 7, 0), VX_E_RIGHTS);
	EXPECT_EQ(vx_syscall3(VX_SYS_CAP_DERIVE, R, 1ull << 32, 0), VX_E_RIGHTS);
	EXPECT_EQ(vx_cap_derive(R, VX_R_READ, 1), VX_E_INVAL);
	EXPECT_EQ(vx_cap_derive(irqs, 0, 5), VX_E_INVAL); /* count 0 */

	/* Numbers outside the table, and SYS_KWAIT with nothing parked. */
	EXPECT_EQ(vx_syscall0(VX_SYS_COUNT), VX_E_NOSYS);
	EXPECT_EQ(vx_syscall0(0x4b57), VX_E_NOSYS);
	EXPECT_EQ(vx_syscall0(~0ull), VX_E_NOSYS);
	EXPECT_EQ(vx_syscall0(1ull << 32 | VX_SYS_TASK_YIELD), VX_E_NOSYS);
}

/* ------------------------------------------------------------ map top */

/* The mappable window is [VX_USER_MIN, VX_MAP_END): its first and last
 * pages map, a page past either end is RANGE, and so is any range that
 * runs past its end; a Ring's pages obey the same window. */
static void t_map_top_and_bottom_of_the_window(void)
{
	vx_handle_t t = MUST(vx_reticle_retype(R, VX_OBJ_TASK, 0));
	vx_handle_t one = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	vx_handle_t two = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 2));

	EXPECT_EQ(vx_task_map(t, one, VX_MAP_END, VX_PROT_READ), VX_E_RANGE);
	EXPECT_EQ(vx_task_map(t, one, VX_USER_END, VX_PROT_READ), VX_E_RANGE);
	EXPECT_EQ(vx_task_map(t, one, ~0ull & ~(uint64_t)(VX_PAGE_SIZE - 1), VX_PROT_READ),
		  VX_E_RANGE);
	EXPECT_EQ(vx_task_map(t, one, VX_USER_MIN - VX_PAGE_SIZE, VX_PROT_READ), VX_E_RANGE);
	EXPECT_EQ(vx_task_map(t, one, VX_BUNDLE_VADDR, VX_PROT_READ), VX_E_RANGE);
	EXPECT_EQ(vx_task_map(t, one, 0, VX_PROT_READ), VX_E_RANGE);
	EXPECT_EQ(vx_task_map(t, one, TOP_PAGE + 8, VX_PROT_READ), VX_E_ALIGN);
	EXPECT_EQ(vx_task_map(t, two, TOP_PAGE, VX_PROT_READ), VX_E_RANGE);
	EXPECT_EQ(vx_task_map(t, one, TOP_PAGE, VX_PROT_READ), VX_OK);
	EXPECT_EQ(vx_task_map(t, two, TOP_PAGE - VX_PAGE_SIZE, VX_PROT_READ), VX_E_EXISTS);
	EXPECT_EQ(vx_task_map(t, two, TOP_PAGE - 2 * VX_PAGE_SIZE, VX_PROT_READ), VX_OK);
	EXPECT_EQ(vx_task_unmap(two), VX_OK);
	EXPECT_EQ(vx_task_unmap(one), VX_OK);
	EXPECT_EQ(vx_task_unmap(one), VX_E_STATE);
	EXPECT_EQ(vx_task_map(t, one, VX_USER_MIN, VX_PROT_READ), VX_OK);
	EXPECT_EQ(vx_task_map(t, two, VX_USER_MIN, VX_PROT_READ), VX_E_EXISTS);

	/* A Ring of 2 shared pages: the last two map, one page higher not. */
	vx_handle_t ring = MUST(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 0)));
	vx_handle_t rt = MUST(vx_cap_derive(ring, VX_R_PRODUCE, 0));
	struct vx_ring_info info;
	EXPECT_EQ(vx_ring_bind(rt, VX_RING_PRODUCER, VX_MAP_END - VX_PAGE_SIZE, 1, &info),
		  VX_E_RANGE);
	EXPECT_EQ(
	    vx_ring_bind(rt, VX_RING_PRODUCER, ~0ull & ~(uint64_t)(VX_PAGE_SIZE - 1), 1, &info),
	    VX_E_RANGE);
	EXPECT_EQ(vx_ring_bind(rt, VX_RING_PRODUCER, H3_VA + 1, 1, &info), VX_E_ALIGN);
	EXPECT_EQ(vx_ring_bind(rt, VX_RING_PRODUCER, H3_VA, VX_SIG_BITS, &info), VX_E_INVAL);
	EXPECT_EQ(vx_ring_bind(rt, VX_RING_PRODUCER, H3_VA, 1, &info), VX_OK);
	EXPECT_EQ(info.bytes, 2 * VX_PAGE_SIZE);
	EXPECT_EQ(vx_cap_delete(rt), VX_OK); /* unbinds */
}

/* ------------------------------------------------------------ top syscall */

/* mov eax, TASK_YIELD; syscall, the syscall's last byte the last byte of
 * the last mappable page. */
static const uint8_t top_code[] = {0xb8, VX_SYS_TASK_YIELD, 0, 0, 0, 0x0f, 0x05};
#define TOP_OFF (VX_PAGE_SIZE - sizeof(top_code))

/* The instruction after it is VX_MAP_END: canonical, so the kernel goes
 * back there (sysretq), and the fetch faults in user mode as a page
 * fault of the Task's, at that address; resumed, it faults again. */
static void t_top_syscall_native(void)
{
	vx_handle_t t = child_with_code(top_code, sizeof(top_code), TOP_PAGE, TOP_OFF);
	struct vx_task_info ti;

	EXPECT_EQ(vx_task_set_regs(t, TOP_PAGE + TOP_OFF, STACK_VA + VX_PAGE_SIZE, 0), VX_OK);
	EXPECT_EQ(vx_task_start(t, VX_NO_HANDLE), VX_OK);
	if (!wait_stop(t, &ti))
		return;
	EXPECT_EQ(ti.state, VX_TASK_FAULTED);
	EXPECT_EQ(ti.fault.kind, VX_FAULT_PAGE);
	EXPECT_EQ(ti.fault.addr, VX_MAP_END);
	EXPECT_EQ(ti.fault.ip, VX_MAP_END);
	EXPECT_EQ(vx_task_resume(t), VX_OK);
	if (!wait_stop(t, &ti))
		return;
	EXPECT_EQ(ti.fault.kind, VX_FAULT_PAGE);
	EXPECT_EQ(ti.fault.ip, VX_MAP_END);
	/* Moved back to the syscall by TASK_SET_REGS, it yields and faults
	 * there again. */
	EXPECT_EQ(vx_task_set_regs(t, TOP_PAGE + TOP_OFF, STACK_VA + VX_PAGE_SIZE, 0), VX_OK);
	EXPECT_EQ(vx_task_resume(t), VX_OK);
	if (wait_stop(t, &ti))
		EXPECT_EQ(ti.fault.addr, VX_MAP_END);
}

/* Foreign, the same syscall stops the Task with ip = VX_MAP_END.  A write
 * of the registers as read is refused (rip at VX_MAP_END: RANGE) and
 * changes nothing; resumed without a write it leaves through sysretq to
 * that canonical address and page-faults there. */
static void t_top_syscall_foreign(void)
{
	vx_handle_t t = child_with_code(top_code, sizeof(top_code), TOP_PAGE, TOP_OFF);
	struct vx_task_info ti;

	EXPECT_EQ(vx_task_regs(t, VX_REGS_READ, &regs), VX_OK);
	regs.rip = TOP_PAGE + TOP_OFF;
	regs.rsp = STACK_VA + VX_PAGE_SIZE;
	regs.flags = VX_REGS_FOREIGN;
	EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE, &regs), VX_OK);
	EXPECT_EQ(vx_task_start(t, VX_NO_HANDLE), VX_OK);
	if (!wait_stop(t, &ti))
		return;
	EXPECT_EQ(ti.fault.kind, VX_FAULT_SYSCALL);
	EXPECT_EQ(ti.fault.addr, VX_SYS_TASK_YIELD);
	EXPECT_EQ(ti.fault.ip, VX_MAP_END);
	EXPECT_EQ(vx_task_regs(t, VX_REGS_READ, &regs), VX_OK);
	EXPECT_EQ(regs.rip, VX_MAP_END);
	EXPECT_EQ(regs.rcx, VX_MAP_END);
	EXPECT_EQ(vx_task_regs(t, VX_REGS_RESUME, &regs), VX_E_RANGE);
	EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE | VX_REGS_NOFPU, &regs), VX_E_RANGE);
	EXPECT_EQ(vx_task_inspect(t, &ti), VX_OK);
	EXPECT_EQ(ti.state, VX_TASK_FAULTED); /* the refusals changed nothing */
	EXPECT_EQ(vx_task_resume(t), VX_OK);
	if (!wait_stop(t, &ti))
		return;
	EXPECT_EQ(ti.fault.kind, VX_FAULT_PAGE);
	EXPECT_EQ(ti.fault.addr, VX_MAP_END);
	EXPECT_EQ(ti.fault.ip, VX_MAP_END);
}

/* ------------------------------------------------------------ rflags */

/* pushfq; pop rdi; mov eax, TASK_EXIT; syscall: exits with its rflags. */
static const uint8_t flags_code[] = {0x9c, 0x5f, 0xb8, VX_SYS_TASK_EXIT, 0, 0, 0, 0x0f, 0x05};

/* TASK_REGS drops rflags bits outside VX_RFLAGS_USER (TF, IOPL, NT, RF,
 * VM...) and sets IF: written as all ones, the Task runs with exactly
 * the user bits and IF (and bit 1), and reads back so; written as zero,
 * with IF and bit 1 alone. */
static void t_regs_rflags_all_ones_and_none(void)
{
	static const uint64_t written[] = {~0ull, 0};

	for (unsigned i = 0; i < 2; i++) {
		vx_handle_t t = child_with_code(flags_code, sizeof(flags_code), CODE_VA, 0);
		uint64_t want = (written[i] & VX_RFLAGS_USER) | 0x202;
		struct vx_task_info ti;

		EXPECT_EQ(vx_task_regs(t, VX_REGS_READ, &regs), VX_OK);
		regs.rip = CODE_VA;
		regs.rsp = STACK_VA + VX_PAGE_SIZE;
		regs.rflags = written[i];
		EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE, &regs), VX_OK);
		EXPECT_EQ(vx_task_regs(t, VX_REGS_READ, &regs), VX_OK);
		EXPECT_EQ(regs.rflags, want);
		EXPECT_EQ(vx_task_start(t, VX_NO_HANDLE), VX_OK);
		if (wait_stop(t, &ti)) {
			EXPECT_EQ(ti.fault.kind, VX_FAULT_EXIT);
			EXPECT_EQ(ti.fault.exit_code, (int64_t)want);
		}
		EXPECT_EQ(vx_cap_delete(t), VX_OK);
	}
}

/* ------------------------------------------------------------ halt trap */

/* pushfq; or qword [rsp], 0x100; popfq; 1: jmp 1b.  The Task sets its
 * own trap flag (popfq may, at any privilege), so each jmp it runs ends
 * in a debug trap (#DB), whose rip is past the instruction; resumed, its
 * saved rflags keep TF, and it traps again after one more. */
static const uint8_t trap_code[] = {0x9c, 0x48, 0x81, 0x0c, 0x24, 0x00,
				    0x01, 0x00, 0x00, 0x9d, 0xeb, 0xfe};

/* TASK_HALT's promise: once it returns, the Task does nothing more; a
 * fault it made on another CPU that had not reached the kernel lock does
 * not happen.  The child traps (TF) on another CPU over and over while
 * ktest halts and resumes it: every halt that succeeds must find it
 * halted, never faulted by a trap that waited for the lock. */
static void t_halt_trap_in_flight_stays_halted(void)
{
	unsigned n = cpus_online(), rounds = 3000, bad = 0, halted = 0;
	vx_handle_t t = child_with_code(trap_code, sizeof(trap_code), CODE_VA, 0);
	struct vx_task_info ti;

	EXPECT_EQ(vx_task_set_regs(t, CODE_VA, STACK_VA + VX_PAGE_SIZE, 0), VX_OK);
	if (n > 1) {
		EXPECT_EQ(vx_task_set_affinity(self, 1), VX_OK);
		EXPECT_EQ(vx_task_set_affinity(t, 2), VX_OK);
	}
	EXPECT_EQ(vx_task_start(t, VX_NO_HANDLE), VX_OK);
	for (unsigned i = 0; i < rounds; i++) {
		int64_t r = vx_task_halt(t);
		EXPECT_EQ(vx_task_inspect(t, &ti), VX_OK);
		if (r == VX_OK) {
			halted++;
			if (ti.state != VX_TASK_HALTED && bad++ < 4)
				vx_printf("#   halted, then state %u kind %u code %u\n", ti.state,
					  ti.fault.kind, ti.fault.code);
		} else {
			EXPECT_EQ(r, VX_E_STATE);
		}
		if (ti.state == VX_TASK_FAULTED)
			EXPECT_EQ(ti.fault.code, 1); /* #DB */
		EXPECT_EQ(vx_task_resume(t), VX_OK);
		for (volatile unsigned k = 0; k < (i & 63) * 16; k++)
			;
	}
	vx_printf("#   %u of %u halts landed; %u found the Task faulted after\n", halted, rounds,
		  bad);
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(vx_cap_delete(t), VX_OK);
	vx_sig_wait(SIG_CHILD, VX_DEADLINE_NONE);
	EXPECT_EQ(vx_task_set_affinity(self, 0), VX_OK);
}

/* ------------------------------------------------------------ bad rsp */

/* movabs rsp, 0x0000900000000000; then spin (jmp .), or yield for ever
 * (mov eax, TASK_YIELD; syscall; jmp back).  A Task may hold any value in
 * rsp while it does not touch its stack. */
static const uint8_t badrsp_spin[] = {0x48, 0xbc, 0, 0, 0, 0, 0, 0x90, 0, 0, 0xeb, 0xfe};
static const uint8_t badrsp_yield[] = {0x48, 0xbc, 0, 0, 0, 0,	  0,	0x90, 0,   0,
				       0xb8, 0x12, 0, 0, 0, 0x0f, 0x05, 0xeb, 0xf7};

/* A Task running with a non-canonical rsp, interrupted by the timer (and
 * preempted) or making syscalls, many times over: the kernel survives
 * every return to it (iretq, sysretq), and once halted the Task cannot be
 * resumed with that rsp (RANGE) until its registers are set. */
static void t_badrsp_running_survives_returns(void)
{
	const uint8_t *codes[] = {badrsp_spin, badrsp_yield};
	const unsigned lens[] = {sizeof(badrsp_spin), sizeof(badrsp_yield)};

	for (unsigned i = 0; i < 2; i++) {
		vx_handle_t t = child_with_code(codes[i], lens[i], CODE_VA, 0);
		struct vx_task_info ti;

		EXPECT_EQ(vx_task_set_regs(t, CODE_VA, STACK_VA + VX_PAGE_SIZE, 0), VX_OK);
		EXPECT_EQ(vx_task_set_prio(t, 1), VX_OK);
		EXPECT_EQ(vx_task_start(t, VX_NO_HANDLE), VX_OK);
		/* ktest sleeps: the child runs here too, timer-interrupted. */
		EXPECT_EQ(vx_sig_wait(0, (uint64_t)vx_clock() + 30 * MS), 0);
		int64_t r = vx_task_halt(t);
		EXPECT_EQ(vx_task_inspect(t, &ti), VX_OK);
		vx_printf("#   %s child: %s after %lu us of CPU\n", i ? "yielding" : "spinning",
			  r == VX_OK ? "still running (returned to), halted" : "faulted",
			  (unsigned long)(ti.cpu_ns / 1000));
		if (r == VX_OK) {
			EXPECT_EQ(ti.state, VX_TASK_HALTED);
		} else { /* the kernel would not go back to it: faulted instead */
			EXPECT_EQ(r, VX_E_STATE);
			EXPECT_EQ(ti.state, VX_TASK_FAULTED);
			EXPECT_EQ(ti.fault.kind, VX_FAULT_GP);
		}
		EXPECT(ti.cpu_ns > 0);
		EXPECT_EQ(vx_task_resume(t), VX_E_RANGE);
		EXPECT_EQ(vx_task_set_regs(t, CODE_VA, STACK_VA + VX_PAGE_SIZE, 0), VX_OK);
		EXPECT_EQ(vx_task_resume(t), VX_OK);
		EXPECT_EQ(vx_cap_delete(t), VX_OK);
	}
	vx_sig_wait(SIG_CHILD, VX_DEADLINE_NONE);
}

void ktest_hunt3(void)
{
	run("hunt3_xfer_queue_wraps_with_holes", t_xfer_queue_wraps_with_holes);
	run("hunt3_send_cap_refusals_queue_nothing", t_send_cap_refusals_queue_nothing);
	run("hunt3_ring_self_both_ends", t_ring_self_both_ends);
	run("hunt3_notify_wait_mask_as_sig_wait", t_notify_wait_mask_as_sig_wait);
	run("hunt3_counts_at_the_bounds", t_counts_at_the_bounds);
	run("hunt3_map_top_and_bottom_of_the_window", t_map_top_and_bottom_of_the_window);
	run("hunt3_top_syscall_native", t_top_syscall_native);
	run("hunt3_top_syscall_foreign", t_top_syscall_foreign);
	run("hunt3_regs_rflags_all_ones_and_none", t_regs_rflags_all_ones_and_none);
	run("hunt3_halt_trap_in_flight_stays_halted", t_halt_trap_in_flight_stays_halted);
	run("hunt3_badrsp_running_survives_returns", t_badrsp_running_survives_returns);
}
