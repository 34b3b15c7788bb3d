/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hunt 6: what the earlier hunts (edges.c, hardening.c, hunt3.c, hunt4.c,
 * hunt5.c, tests/fuzzk) did not try, each pinning a promise of
 * docs/ABI.md by name:
 *
 *   hunt6_device_mem_pages_bounded  a Mem carved from a device Reticle
 *       obeys the bound every Mem does (1..2^20 pages, docs/ABI.md
 *       section 3, on which TASK_MAP's worst case rests).  It did not:
 *       the 256 GiB Reticle above memory handed out a Mem of 2^26 pages,
 *       64 times the bound, which TASK_MAP would then walk page by page
 *       with interrupts off.
 *   hunt6_ptr_refusals_change_nothing  every call that takes a user
 *       pointer, given one that wraps, reaches past VX_USER_END, starts
 *       on an unmapped page or ends on one, or names a read-only page for
 *       a write, answers VX_E_RANGE or VX_E_FAULT as the table of section
 *       1 says, and has changed nothing: a Ring is not bound, a Bundle
 *       holds no new slot, a Task's registers are as they were (found
 *       sound).
 *   hunt6_regs_extreme_legal_values  TASK_REGS writes at the edges of
 *       what is legal (rsp just below VX_USER_END, rsp 0, fs_base just
 *       below VX_USER_END, rip on the last byte below VX_MAP_END) run,
 *       and the Task faults in user mode where its own instruction went
 *       wrong; one past each edge is VX_E_RANGE (found sound).
 *   hunt6_sleepers_halted_resumed_and_deleted  a crowd of Tasks sleeping
 *       with deadlines (the sleep list, doubly linked since hunt 5's
 *       note, with no test of its own) halted, resumed, woken early,
 *       moved between CPUs and deleted in a random order: every survivor
 *       keeps waking, nobody is lost from the list, nothing faults
 *       (found sound).
 *   hunt6_child_resets_its_supervisor  a Task resets the Reticle its own
 *       supervisor lives in, then faults: the supervisor is gone, every
 *       cap to it with it (the child's kernel-held one too), the child's
 *       fault reaches nobody, and every byte comes back (found sound).
 *   hunt6_nested_fault_chain_every_cpu  a child faults into its
 *       supervisor, which waits for that and faults in turn into ktest,
 *       on every pair of CPUs: each hands off the CPU to the next, and
 *       each record is the Task's own (found sound).
 *   hunt6_halt_returns_once_stopped  a child counting in memory on
 *       another CPU, halted 2000 times: once TASK_HALT has returned, the
 *       count no longer moves ("the Task does nothing more").  It did:
 *       TASK_HALT returned as soon as it had sent the reschedule IPI, and
 *       the Task ran on until its CPU took it (11 halts in 2000 under
 *       -accel tcg,thread=multi; on hardware an IPI takes longer than the
 *       return to user mode).  The suite's single-threaded TCG never runs
 *       the IPI's target before it takes the IPI, so there it passes
 *       either way: run it under thread=multi to see the difference.
 */
#include "ktest.h"

#define H6_VA	 (SCRATCH_VA + 0x60000) /* inside ktest's prefaulted window */
#define CODE_VA	 0x400000ull
#define STACK_VA 0x800000ull
#define DATA_VA	 0x600000ull
#define H6_DATA	 (H6_VA + 0x20000) /* ktest's view of a shared page */

static struct vx_regs regs; /* 672 bytes, 16-aligned: static */

/* A Task built from a code page and a stack page, and the caps its
 * mappings belong to (so that kid_free can give back every handle). */
struct kid {
	vx_handle_t t, rx, stack;
};

/* A new Task in ret running code (n bytes at the start of a page mapped
 * executable at CODE_VA) with a stack page below STACK_VA + 4096,
 * registers set (rsi = arg), not started and not supervised. */
static struct kid kid_with_code(vx_handle_t ret, const uint8_t *code, unsigned n, uint64_t arg)
{
	struct kid k;
	vx_handle_t text = MUST(vx_reticle_retype(ret, VX_OBJ_MEM, 1));

	k.t = MUST(vx_reticle_retype(ret, VX_OBJ_TASK, 0));
	k.stack = MUST(vx_reticle_retype(ret, VX_OBJ_MEM, 1));
	MUST(vx_task_map(self, text, H6_VA, VX_PROT_READ | VX_PROT_WRITE));
	memset((void *)H6_VA, 0xcc, VX_PAGE_SIZE);
	memcpy((void *)H6_VA, code, n);
	MUST(vx_task_unmap(text));
	k.rx = MUST(vx_cap_derive(text, VX_R_READ | VX_R_EXEC, 0));
	MUST(vx_cap_delete(text)); /* rx names the frame from here on */
	MUST(vx_task_map(k.t, k.rx, CODE_VA, VX_PROT_READ | VX_PROT_EXEC));
	MUST(vx_task_map(k.t, k.stack, STACK_VA, VX_PROT_READ | VX_PROT_WRITE));
	MUST(vx_task_set_regs(k.t, CODE_VA, STACK_VA + VX_PAGE_SIZE, arg));
	return k;
}

/* The same in R, supervised through SIG_CHILD. */
static struct kid child_with_code(const uint8_t *code, unsigned n)
{
	struct kid k = kid_with_code(R, code, n, 0);

	MUST(vx_task_supervise(k.t, child_sig));
	vx_sig_wait(SIG_CHILD, VX_DEADLINE_NONE); /* a bit left by an earlier child */
	return k;
}

/* Deletes the Task, then the caps its mappings belonged to. */
static void kid_free(struct kid *k)
{
	EXPECT_EQ(vx_cap_delete(k->t), VX_OK);
	EXPECT_EQ(vx_cap_delete(k->rx), VX_OK);
	EXPECT_EQ(vx_cap_delete(k->stack), VX_OK);
}

/* ------------------------------------------------------------ device Mem */

/* The largest device Reticle ktest was given (the one above memory is
 * 256 GiB), or 0. */
static vx_handle_t largest_mmio(struct vx_reticle_info *out)
{
	vx_handle_t best = 0;

	out->size = 0;
	for (char i = '0'; i <= '9'; i++) {
		char name[] = {'m', 'm', 'i', 'o', i, 0};
		struct vx_reticle_info ri;
		int64_t h = vx_bundle_handle(boot, name, VX_OBJ_RETICLE);
		if (h > 0 && vx_reticle_info((vx_handle_t)h, &ri) == VX_OK && ri.size > out->size) {
			*out = ri;
			best = (vx_handle_t)h;
		}
	}
	return best;
}

/* Retype of a device Mem with arg that must be refused with want; a
 * handle it wrongly returned is deleted, so the range is free again. */
static void device_refused(vx_handle_t mm, uint64_t arg, int64_t want)
{
	int64_t r = vx_reticle_retype(mm, VX_OBJ_MEM, arg);

	if (r > 0) {
		vx_printf("#   a Mem of %lu pages was carved\n",
			  (unsigned long)(arg & 0xffffffffu));
		EXPECT_EQ(vx_cap_delete((vx_handle_t)r), VX_OK);
	}
	EXPECT_EQ(r, want);
}

/* A Mem from a device Reticle, like any Mem, has 1..2^20 pages: one past
 * that (and far past it) is VX_E_INVAL, whatever the Reticle could hold,
 * and the bound itself is carved. */
static void t_device_mem_pages_bounded(void)
{
	struct vx_reticle_info ri;
	vx_handle_t mm = largest_mmio(&ri);

	EXPECT(mm != 0);
	if (!mm)
		return;
	vx_printf("#   largest device Reticle: %lu MiB\n", (unsigned long)(ri.size >> 20));
	EXPECT(ri.size > (uint64_t)VX_MEM_PAGES_MAX * VX_PAGE_SIZE); /* else this proves nothing */
	uint32_t before = ri.objects;
	device_refused(mm, VX_MEM_PAGES_MAX + 1ull, VX_E_INVAL);
	device_refused(mm, 1ull << 26, VX_E_INVAL); /* all 256 GiB */
	device_refused(mm, 1ull << 32 | (VX_MEM_PAGES_MAX + 1ull), VX_E_INVAL);
	device_refused(mm, 0xffffffffull, VX_E_INVAL);
	device_refused(mm, 0, VX_E_INVAL);
	EXPECT_EQ(vx_reticle_info(mm, &ri), VX_OK);
	EXPECT_EQ(ri.objects, before); /* nothing was carved */
	int64_t m = vx_reticle_retype(mm, VX_OBJ_MEM, VX_MEM_PAGES_MAX);
	EXPECT(m > 0);
	if (m > 0) {
		struct vx_cap_info ci;
		EXPECT_EQ(vx_cap_inspect((vx_handle_t)m, &ci), VX_OK);
		EXPECT_EQ(ci.size, (uint64_t)VX_MEM_PAGES_MAX * VX_PAGE_SIZE);
		EXPECT_EQ(vx_cap_delete((vx_handle_t)m), VX_OK);
	}
}

/* ------------------------------------------------------------ pointers */

/* Pointers a call refuses: each error, and nothing changed after it. */
static void t_ptr_refusals_change_nothing(void)
{
	struct vx_cap_info ci;
	struct vx_task_info ti;
	struct vx_reticle_info ri;
	struct vx_ring_info info;
	vx_handle_t t = MUST(vx_reticle_retype(R, VX_OBJ_TASK, 0));
	vx_handle_t ring = MUST(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 2)));
	vx_handle_t b = MUST(vx_reticle_retype(R, VX_OBJ_BUNDLE, 0));
	vx_handle_t page = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	const uint64_t ro = VX_BUNDLE_VADDR; /* ktest's own Bundle page: read-only */
	/* H6_VA mapped, the page after it not: a buffer that runs off its end */
	const uint64_t edge = H6_VA + VX_PAGE_SIZE;
	const uint64_t past[] = {VX_USER_END - 8, VX_USER_END, 0xffff800000000000ull,
				 0xfffffffffffff000ull};
	const uint64_t wraps = ~0ull - 7;

	MUST(vx_task_map(self, page, H6_VA, VX_PROT_READ | VX_PROT_WRITE));

	/* Reads into the caller: CAP_INSPECT, RETICLE_INFO, TASK_INSPECT,
	 * TASK_REGS read. */
	for (unsigned i = 0; i < sizeof(past) / sizeof(past[0]); i++) {
		EXPECT_EQ(vx_syscall2(VX_SYS_CAP_INSPECT, R, past[i]), VX_E_FAULT);
		EXPECT_EQ(vx_syscall2(VX_SYS_RETICLE_INFO, R, past[i]), VX_E_FAULT);
		EXPECT_EQ(vx_syscall2(VX_SYS_TASK_INSPECT, t, past[i]), VX_E_FAULT);
		EXPECT_EQ(vx_syscall3(VX_SYS_TASK_REGS, t, VX_REGS_READ, past[i]), VX_E_FAULT);
	}
	EXPECT_EQ(vx_syscall2(VX_SYS_CAP_INSPECT, R, wraps), VX_E_RANGE);
	EXPECT_EQ(vx_syscall2(VX_SYS_RETICLE_INFO, R, wraps), VX_E_RANGE);
	EXPECT_EQ(vx_syscall2(VX_SYS_TASK_INSPECT, t, wraps), VX_E_RANGE);
	EXPECT_EQ(vx_syscall3(VX_SYS_TASK_REGS, t, VX_REGS_READ, wraps), VX_E_RANGE);
	EXPECT_EQ(vx_syscall2(VX_SYS_CAP_INSPECT, R, ro), VX_E_FAULT);
	EXPECT_EQ(vx_syscall2(VX_SYS_TASK_INSPECT, t, edge - 8), VX_E_FAULT);
	EXPECT_EQ(vx_syscall3(VX_SYS_TASK_REGS, t, VX_REGS_READ, edge - 200), VX_E_FAULT);
	/* ...but the integer part alone fits there. */
	EXPECT_EQ(vx_syscall3(VX_SYS_TASK_REGS, t, VX_REGS_READ | VX_REGS_NOFPU,
			      edge - VX_REGS_INT_BYTES),
		  VX_OK);
	EXPECT_EQ(vx_syscall3(VX_SYS_TASK_REGS, t, VX_REGS_READ | VX_REGS_NOFPU,
			      edge - VX_REGS_INT_BYTES + 8),
		  VX_E_FAULT);

	/* A register write from a buffer that runs off the mapped page or
	 * past the user half changes nothing: the Task stays new, without
	 * registers worth starting. */
	vx_handle_t fresh = MUST(vx_reticle_retype(R, VX_OBJ_TASK, 0));
	EXPECT_EQ(vx_syscall3(VX_SYS_TASK_REGS, fresh, VX_REGS_WRITE, edge - 200), VX_E_FAULT);
	EXPECT_EQ(vx_syscall3(VX_SYS_TASK_REGS, fresh, VX_REGS_WRITE, VX_USER_END - 160),
		  VX_E_FAULT);
	EXPECT_EQ(vx_syscall3(VX_SYS_TASK_REGS, fresh, VX_REGS_WRITE, wraps), VX_E_RANGE);
	EXPECT_EQ(vx_task_start(fresh, VX_NO_HANDLE), VX_E_STATE); /* rip still 0 */

	/* RING_BIND's info pointer: refused before the bind, so the Ring is
	 * not bound, the window not taken, and a good bind then works. */
	EXPECT_EQ(vx_syscall5(VX_SYS_RING_BIND, ring, VX_RING_PRODUCER, H6_VA + 0x10000, 3, ro),
		  VX_E_FAULT);
	EXPECT_EQ(vx_syscall5(VX_SYS_RING_BIND, ring, VX_RING_PRODUCER, H6_VA + 0x10000, 3, wraps),
		  VX_E_RANGE);
	EXPECT_EQ(
	    vx_syscall5(VX_SYS_RING_BIND, ring, VX_RING_CONSUMER, H6_VA + 0x10000, 3, edge - 8),
	    VX_E_FAULT);
	EXPECT_EQ(vx_cap_inspect(ring, &ci), VX_OK);
	EXPECT_EQ(ci.ring_state, 0);
	EXPECT_EQ(vx_ring_unbind(ring), VX_E_STATE);
	EXPECT_EQ(vx_ring_bind(ring, VX_RING_PRODUCER, H6_VA + 0x10000, 3, &info), VX_OK);
	EXPECT_EQ(vx_ring_unbind(ring), VX_OK);

	/* BUNDLE_ADD's name: past the half, wrapping, running off the page. */
	memcpy((void *)(edge - 4), "abcd", 4);
	EXPECT_EQ(vx_syscall5(VX_SYS_BUNDLE_ADD, b, VX_USER_END - 2, 4, R, VX_R_READ), VX_E_FAULT);
	EXPECT_EQ(vx_syscall5(VX_SYS_BUNDLE_ADD, b, ~0ull - 1, 4, R, VX_R_READ), VX_E_RANGE);
	EXPECT_EQ(vx_syscall5(VX_SYS_BUNDLE_ADD, b, edge - 4, 8, R, VX_R_READ), VX_E_FAULT);
	EXPECT_EQ(vx_syscall5(VX_SYS_BUNDLE_ADD, b, edge - 4, 4, R, VX_R_READ), VX_OK);
	EXPECT_EQ(vx_syscall5(VX_SYS_BUNDLE_ADD, b, edge - 4, 4, R, VX_R_READ), VX_E_EXISTS);

	/* CONSOLE_WRITE: a buffer whose last byte is on the unmapped page. */
	EXPECT_EQ(vx_syscall3(VX_SYS_CONSOLE_WRITE, io, edge - 4, 5), VX_E_FAULT);
	EXPECT_EQ(vx_syscall3(VX_SYS_CONSOLE_WRITE, io, ~0ull, 2), VX_E_RANGE);

	/* Everything above left R as it was: the objects made here only. */
	EXPECT_EQ(vx_reticle_info(R, &ri), VX_OK);
	EXPECT_EQ(ri.objects, 5);
	EXPECT_EQ(vx_task_inspect(fresh, &ti), VX_OK);
	EXPECT_EQ(ti.state, VX_TASK_NEW);
	EXPECT_EQ(vx_task_unmap(page), VX_OK);
}

/* ------------------------------------------------------------ regs */

/* push %rax; ud2 */
static const uint8_t pusher[] = {0x50, 0x0f, 0x0b};
/* mov %fs:8, %rax; ud2 */
static const uint8_t fsread[] = {0x64, 0x48, 0x8b, 0x04, 0x25, 0x08, 0x00, 0x00, 0x00, 0x0f, 0x0b};

/* Writes child t's registers as a new Task's (rip at CODE_VA) with sp and
 * fs, starts it, and returns its stop record. */
static bool run_with(vx_handle_t t, uint64_t sp, uint64_t fs, struct vx_task_info *ti)
{
	memset(&regs, 0, sizeof(regs));
	EXPECT_EQ(vx_task_regs(t, VX_REGS_READ, &regs), VX_OK);
	regs.rip = CODE_VA;
	regs.rsp = sp;
	regs.fs_base = fs;
	EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE, &regs), VX_OK);
	EXPECT_EQ(vx_task_start(t, VX_NO_HANDLE), VX_OK);
	return wait_stop(t, ti);
}

/* The legal edges of a register write run, and the Task faults in user
 * mode at its own instruction; one past each edge is VX_E_RANGE. */
static void t_regs_extreme_legal_values(void)
{
	struct vx_task_info ti;
	struct {
		const uint8_t *code;
		unsigned n;
		uint64_t sp, fs;
		uint32_t kind;
	} cases[] = {
	    /* the push writes the last 8 bytes below VX_USER_END - 1: the
	     * last page, never mapped */
	    {pusher, sizeof(pusher), VX_USER_END - 1, 0, VX_FAULT_PAGE},
	    /* rsp 0: the push goes to the top of the kernel half */
	    {pusher, sizeof(pusher), 0, 0, VX_FAULT_PAGE},
	    /* rsp 8: the push writes page 0 */
	    {pusher, sizeof(pusher), 8, 0, VX_FAULT_PAGE},
	    /* fs_base just below the end: fs:8 is not canonical */
	    {fsread, sizeof(fsread), STACK_VA + VX_PAGE_SIZE, VX_USER_END - 1, VX_FAULT_GP},
	    /* fs_base in the last page: fs:8 is canonical and unmapped */
	    {fsread, sizeof(fsread), STACK_VA + VX_PAGE_SIZE, VX_MAP_END, VX_FAULT_PAGE},
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kid k = child_with_code(cases[i].code, cases[i].n);
		if (run_with(k.t, cases[i].sp, cases[i].fs, &ti)) {
			if (ti.fault.kind != cases[i].kind)
				vx_printf("#   case %u: kind %u addr %lx ip %lx\n", i,
					  ti.fault.kind, (unsigned long)ti.fault.addr,
					  (unsigned long)ti.fault.ip);
			EXPECT_EQ(ti.state, VX_TASK_FAULTED);
			EXPECT_EQ(ti.fault.kind, cases[i].kind);
			EXPECT_EQ(ti.fault.ip, CODE_VA);
		}
		kid_free(&k);
	}

	/* One past each edge, and the edges themselves on a stopped Task. */
	struct kid k = child_with_code(pusher, sizeof(pusher));
	vx_handle_t t = k.t;
	memset(&regs, 0, sizeof(regs));
	EXPECT_EQ(vx_task_regs(t, VX_REGS_READ, &regs), VX_OK);
	regs.rip = VX_MAP_END;
	EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE, &regs), VX_E_RANGE);
	regs.rip = VX_MAP_END - 1;
	EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE, &regs), VX_OK);
	regs.rsp = VX_USER_END;
	EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE, &regs), VX_E_RANGE);
	regs.rsp = ~0ull;
	EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE, &regs), VX_E_RANGE);
	regs.rsp = VX_USER_END - 1;
	regs.fs_base = VX_USER_END;
	EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE, &regs), VX_E_RANGE);
	regs.fs_base = 0xffffffff80000000ull;
	EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE, &regs), VX_E_RANGE);
	/* rip on the last byte before VX_MAP_END: its instruction would run
	 * into the page that is never mapped, so it faults there, in user
	 * mode, at a canonical address. */
	regs.fs_base = 0;
	regs.rsp = STACK_VA + VX_PAGE_SIZE;
	regs.rip = VX_MAP_END - 1;
	EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE, &regs), VX_OK);
	EXPECT_EQ(vx_task_start(t, VX_NO_HANDLE), VX_OK);
	if (wait_stop(t, &ti)) {
		EXPECT_EQ(ti.fault.kind, VX_FAULT_PAGE);
		EXPECT_EQ(ti.fault.ip, VX_MAP_END - 1);
	}
	EXPECT_EQ(vx_task_resume(t), VX_OK); /* it faults again, the same way */
	if (wait_stop(t, &ti)) {
		EXPECT_EQ(ti.fault.kind, VX_FAULT_PAGE);
		EXPECT_EQ(ti.fault.ip, VX_MAP_END - 1);
	}
	kid_free(&k);
}

/* ------------------------------------------------------------ sleepers */

/* rdi = its index i, rsi = a delay d in ns: for ever, sleep until
 * CLOCK + d waiting for bit 1 (SIG_WAIT), then count the wake-up in
 * ((uint64_t *)DATA_VA)[i]. */
static const uint8_t sleeper[] = {0x49, 0x89, 0xf4, 0x49, 0x89, 0xfd, 0xb8, 0x21, 0x00, 0x00, 0x00,
				  0x31, 0xff, 0x0f, 0x05, 0x4a, 0x8d, 0x34, 0x20, 0xbf, 0x02, 0x00,
				  0x00, 0x00, 0xb8, 0x1a, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x48, 0xc7,
				  0xc3, 0x00, 0x00, 0x60, 0x00, 0x4a, 0xff, 0x04, 0xeb, 0xeb, 0xda};
_Static_assert(VX_SYS_CLOCK == 0x21 && VX_SYS_SIG_WAIT == 0x1a, "sleeper's calls");

#define H6_SLEEPERS 16
#define H6_ROUNDS   600

struct sleeper {
	struct kid k;
	vx_handle_t data, sig; /* its cap to the shared page; ours to its bit 1 */
	bool halted;
};

static uint64_t h6_rng = 0x6a09e667f3bcc909ull;

static uint64_t h6_next(void)
{
	h6_rng ^= h6_rng << 13;
	h6_rng ^= h6_rng >> 7;
	h6_rng ^= h6_rng << 17;
	return h6_rng;
}

/* Sleeper i: a Task in ret sharing data (mapped at DATA_VA), sleeping a
 * quarter of a millisecond to four at a time. */
static void sleeper_make(struct sleeper *s, unsigned i, vx_handle_t ret, vx_handle_t data)
{
	s->data = MUST(vx_cap_derive(data, VX_R_READ | VX_R_WRITE, 0));
	s->k = kid_with_code(ret, sleeper, sizeof(sleeper), 0);
	MUST(vx_task_map(s->k.t, s->data, DATA_VA, VX_PROT_READ | VX_PROT_WRITE));
	memset(&regs, 0, sizeof(regs));
	EXPECT_EQ(vx_task_regs(s->k.t, VX_REGS_READ, &regs), VX_OK);
	regs.rdi = i;
	regs.rsi = 250000 * (1 + h6_next() % 16);
	EXPECT_EQ(vx_task_regs(s->k.t, VX_REGS_WRITE, &regs), VX_OK);
	s->sig = MUST(vx_sig_mint(s->k.t, 1ull << 1));
	s->halted = false;
	EXPECT_EQ(vx_task_start(s->k.t, VX_NO_HANDLE), VX_OK);
}

static void sleeper_free(struct sleeper *s)
{
	EXPECT_EQ(vx_cap_delete(s->sig), VX_OK);
	kid_free(&s->k);
	EXPECT_EQ(vx_cap_delete(s->data), VX_OK);
}

/* Every sleeper wakes again: its count grows (bounded by CHILD_WAIT: a
 * hang, not a timing). */
static void sleepers_all_wake(volatile uint64_t *count)
{
	uint64_t before[H6_SLEEPERS];
	uint64_t end = (uint64_t)vx_clock() + CHILD_WAIT;

	for (unsigned i = 0; i < H6_SLEEPERS; i++)
		before[i] = count[i];
	for (unsigned i = 0; i < H6_SLEEPERS; i++) {
		while (count[i] == before[i] && (uint64_t)vx_clock() < end)
			vx_sig_wait(0, (uint64_t)vx_clock() + MS);
		if (count[i] == before[i])
			vx_printf("#   sleeper %u never woke again\n", i);
		EXPECT(count[i] != before[i]);
	}
}

/* One random operation on sleeper x; counts what it did in done[]. */
static void sleeper_poke(struct sleeper *x, unsigned i, vx_handle_t ret, vx_handle_t data,
			 unsigned *done)
{
	switch (h6_next() % 6) {
	case 0: /* halt: a sleeper is taken off the list */
		if (!x->halted) {
			EXPECT_EQ(vx_task_halt(x->k.t), VX_OK);
			x->halted = true;
			done[0]++;
		}
		break;
	case 1: /* resume: its wait returns 0, and it sleeps again */
		if (x->halted) {
			EXPECT_EQ(vx_task_resume(x->k.t), VX_OK);
			x->halted = false;
		}
		break;
	case 2: /* woken early */
		EXPECT_EQ(vx_sig_raise(x->sig, 1ull << 1), VX_OK);
		done[1]++;
		break;
	case 3: /* moved to another CPU, asleep or not */
		EXPECT_EQ(vx_task_set_affinity(x->k.t, 1ull << (h6_next() % cpus_online())), VX_OK);
		break;
	case 4: /* deleted wherever it is, and replaced */
		sleeper_free(x);
		sleeper_make(x, i, ret, data);
		done[2]++;
		break;
	default: /* let them run and sleep */
		vx_sig_wait(0, (uint64_t)vx_clock() + (h6_next() % 4) * 250000);
		break;
	}
}

/* Sleepers halted, resumed, woken early, moved and deleted at random:
 * all of them wake again afterwards, none has faulted. */
static void t_sleepers_halted_resumed_and_deleted(void)
{
	struct sleeper s[H6_SLEEPERS];
	struct vx_task_info ti;
	unsigned done[3] = {0, 0, 0};
	vx_handle_t big = MUST(vx_reticle_split(ram0, 16u << 20)); /* deletes leave holes */
	vx_handle_t data = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));

	MUST(vx_task_map(self, data, H6_DATA, VX_PROT_READ | VX_PROT_WRITE));
	for (unsigned i = 0; i < H6_SLEEPERS; i++)
		sleeper_make(&s[i], i, big, data);
	for (unsigned round = 0; round < H6_ROUNDS && !failures_in_test; round++) {
		unsigned i = (unsigned)(h6_next() % H6_SLEEPERS);
		sleeper_poke(&s[i], i, big, data, done);
	}
	for (unsigned i = 0; i < H6_SLEEPERS; i++) {
		if (s[i].halted)
			EXPECT_EQ(vx_task_resume(s[i].k.t), VX_OK);
		s[i].halted = false;
	}
	vx_printf("#   %u halts, %u early wake-ups, %u deletes\n", done[0], done[1], done[2]);
	sleepers_all_wake((volatile uint64_t *)H6_DATA);
	for (unsigned i = 0; i < H6_SLEEPERS; i++) {
		EXPECT_EQ(vx_task_inspect(s[i].k.t, &ti), VX_OK);
		EXPECT(ti.state == VX_TASK_RUNNABLE || ti.state == VX_TASK_WAITING);
		sleeper_free(&s[i]);
	}
	EXPECT_EQ(vx_task_unmap(data), VX_OK);
	EXPECT_EQ(vx_cap_delete(big), VX_OK);
}

/* ------------------------------------------------------------ supervisor */

/* SIG_WAIT(bit 3, never), then ud2 */
static const uint8_t waiter[] = {0xbf, 0x08, 0x00, 0x00, 0x00, 0x48, 0xc7, 0xc6, 0xff, 0xff, 0xff,
				 0xff, 0xb8, 0x1a, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x0f, 0x0b};
/* RETICLE_RESET(its Bundle's entry 0), the result in rbx, then ud2 */
static const uint8_t resetter[] = {0x8b, 0x7f, 0x68, 0xb8, 0x06, 0x00, 0x00, 0x00,
				   0x0f, 0x05, 0x48, 0x89, 0xc3, 0x0f, 0x0b};
/* ud2 */
static const uint8_t ud2[] = {0x0f, 0x0b};
_Static_assert(VX_SYS_RETICLE_RESET == 6, "resetter's call");

/* Child C, supervised by S (S's bit 3), resets the Reticle S lives in and
 * then faults: S is gone with every cap to it, C's kernel-held one too,
 * so C's fault tells nobody, and both Reticles come back whole. */
static void t_child_resets_its_supervisor(void)
{
	struct vx_task_info ti;
	struct vx_reticle_info ri;
	struct vx_cap_info ci;
	vx_handle_t rs = MUST(vx_reticle_split(R, 512 * 1024));
	struct kid s = kid_with_code(rs, waiter, sizeof(waiter), 0);
	MUST(vx_task_supervise(s.t, child_sig));
	vx_sig_wait(SIG_CHILD, VX_DEADLINE_NONE);
	EXPECT_EQ(vx_task_start(s.t, VX_NO_HANDLE), VX_OK);

	struct kid c = kid_with_code(R, resetter, sizeof(resetter), 0);
	vx_handle_t to_s = MUST(vx_sig_mint(s.t, 1ull << 3));
	MUST(vx_task_supervise(c.t, to_s));
	vx_handle_t b = MUST(vx_reticle_retype(R, VX_OBJ_BUNDLE, 0));
	EXPECT_EQ(vx_bundle_add(b, "rs", 2, rs, VX_R_ALL), VX_OK);
	EXPECT_EQ(vx_task_start(c.t, b), VX_OK);

	EXPECT(until_stopped(c.t, &ti));
	EXPECT_EQ(ti.state, VX_TASK_FAULTED);
	EXPECT_EQ(ti.fault.kind, VX_FAULT_UD);
	memset(&regs, 0, sizeof(regs));
	EXPECT_EQ(vx_task_regs(c.t, VX_REGS_READ | VX_REGS_NOFPU, &regs), VX_OK);
	EXPECT_EQ(regs.rbx, VX_OK); /* the reset's result */
	/* S died in the reset: every cap to it went, ours too; it never
	 * woke, faulted or exited, so SIG_CHILD did not come. */
	EXPECT_EQ(vx_task_inspect(s.t, &ti), VX_E_STALE);
	EXPECT_EQ(vx_cap_inspect(s.rx, &ci), VX_E_STALE);
	EXPECT_EQ(vx_sig_raise(to_s, 1ull << 3), VX_E_STALE);
	EXPECT_EQ(vx_sig_wait(SIG_CHILD, VX_DEADLINE_NONE), 0);
	EXPECT_EQ(vx_reticle_info(rs, &ri), VX_OK);
	EXPECT_EQ(ri.objects, 0);
	/* C's resume: it faults again, still telling nobody. */
	EXPECT_EQ(vx_task_resume(c.t), VX_OK);
	EXPECT(until_stopped(c.t, &ti));
	EXPECT_EQ(ti.fault.kind, VX_FAULT_UD);
	EXPECT_EQ(vx_sig_wait(SIG_CHILD, VX_DEADLINE_NONE), 0);
	kid_free(&c);
	EXPECT_EQ(vx_cap_delete(b), VX_OK);
	EXPECT_EQ(vx_cap_delete(rs), VX_OK);
}

/* C faults into S, which waits for exactly that and faults into ktest,
 * with C and S on every pair of CPUs. */
static void t_nested_fault_chain_every_cpu(void)
{
	unsigned n = cpus_online();
	struct vx_task_info ti;

	for (unsigned cs = 0; cs < n * n && !failures_in_test; cs++) {
		struct kid s = child_with_code(waiter, sizeof(waiter));
		struct kid c = kid_with_code(R, ud2, sizeof(ud2), 0);
		vx_handle_t to_s = MUST(vx_sig_mint(s.t, 1ull << 3));
		MUST(vx_task_supervise(c.t, to_s));
		EXPECT_EQ(vx_task_set_affinity(s.t, 1ull << (cs / n)), VX_OK);
		EXPECT_EQ(vx_task_set_affinity(c.t, 1ull << (cs % n)), VX_OK);
		EXPECT_EQ(vx_task_start(s.t, VX_NO_HANDLE), VX_OK);
		EXPECT_EQ(vx_task_start(c.t, VX_NO_HANDLE), VX_OK);
		if (wait_stop(s.t, &ti)) {
			EXPECT_EQ(ti.state, VX_TASK_FAULTED);
			EXPECT_EQ(ti.fault.kind, VX_FAULT_UD);
			EXPECT_EQ(ti.fault.ip, CODE_VA + sizeof(waiter) - 2);
			memset(&regs, 0, sizeof(regs));
			EXPECT_EQ(vx_task_regs(s.t, VX_REGS_READ | VX_REGS_NOFPU, &regs), VX_OK);
			EXPECT_EQ(regs.rax, 1ull << 3); /* its wait: C's fault */
		}
		EXPECT_EQ(vx_task_inspect(c.t, &ti), VX_OK);
		EXPECT_EQ(ti.state, VX_TASK_FAULTED);
		EXPECT_EQ(ti.fault.kind, VX_FAULT_UD);
		EXPECT_EQ(ti.fault.ip, CODE_VA);
		kid_free(&c);
		EXPECT_EQ(vx_cap_delete(to_s), VX_OK);
		kid_free(&s);
	}
}

/* ------------------------------------------------------------ halt */

/* for ever: ((uint64_t *)DATA_VA)[0]++ */
static const uint8_t spinner[] = {0x48, 0xc7, 0xc3, 0x00, 0x00, 0x60,
				  0x00, 0x48, 0xff, 0x03, 0xeb, 0xfb};

#define H6_HALTS 2000

/* Reads *count until it differs from seen (the child ran), at most n
 * times; the last value read. */
static uint64_t count_moves(volatile uint64_t *count, uint64_t seen, unsigned n)
{
	uint64_t v = *count;

	while (v == seen && n--)
		v = *count;
	return v;
}

/* A child counting in shared memory on another CPU, halted H6_HALTS
 * times while it runs: once TASK_HALT has returned the Task does nothing
 * more (docs/ABI.md), so its count, read at once, is still the same after
 * ktest has looked at it a while longer.  Only a CPU that takes the
 * reschedule IPI later than the halting CPU returns to user mode can
 * show the difference: under QEMU's single-threaded TCG (the suite's
 * configurations) the IPI's target runs nothing before it takes the IPI,
 * under -accel tcg,thread=multi or on hardware it runs on meanwhile. */
static void t_halt_returns_once_stopped(void)
{
	unsigned n = cpus_online(), late = 0, halts = 0;
	vx_handle_t data = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));

	if (n < 2) {
		vx_printf("#   one CPU: nothing runs beside ktest\n");
		EXPECT_EQ(vx_cap_delete(data), VX_OK);
		return;
	}
	MUST(vx_task_map(self, data, H6_DATA, VX_PROT_READ | VX_PROT_WRITE));
	volatile uint64_t *count = (volatile uint64_t *)H6_DATA;
	vx_handle_t d = MUST(vx_cap_derive(data, VX_R_READ | VX_R_WRITE, 0));
	struct kid k = child_with_code(spinner, sizeof(spinner));
	MUST(vx_task_map(k.t, d, DATA_VA, VX_PROT_READ | VX_PROT_WRITE));
	EXPECT_EQ(vx_task_set_affinity(self, 1), VX_OK);
	EXPECT_EQ(vx_task_set_affinity(k.t, 2), VX_OK);
	EXPECT_EQ(vx_task_start(k.t, VX_NO_HANDLE), VX_OK);
	uint64_t seen = 0;
	for (unsigned i = 0; i < H6_HALTS && !failures_in_test; i++) {
		struct vx_task_info ti;
		/* It runs: its count moves (else sleep and look again, for
		 * CHILD_WAIT at most: a bound on a hang, not a timing). */
		uint64_t v = count_moves(count, seen, 1u << 20);
		uint64_t end = (uint64_t)vx_clock() + CHILD_WAIT;
		while (v == seen && (uint64_t)vx_clock() < end) {
			vx_sig_wait(0, (uint64_t)vx_clock() + MS);
			v = count_moves(count, seen, 1u << 20);
		}
		EXPECT(v != seen);
		EXPECT_EQ(vx_task_halt(k.t), VX_OK);
		seen = *count;
		uint64_t later = count_moves(count, seen, 20000);
		if (later != seen) {
			if (late++ < 3)
				vx_printf("#   halt %u: the count went on from %lu to %lu\n", i,
					  (unsigned long)seen, (unsigned long)later);
			seen = *count;
		}
		halts++;
		EXPECT_EQ(vx_task_inspect(k.t, &ti), VX_OK);
		EXPECT_EQ(ti.state, VX_TASK_HALTED);
		EXPECT_EQ(vx_task_resume(k.t), VX_OK);
	}
	vx_printf("#   %u halts, %u with the Task still running after\n", halts, late);
	EXPECT_EQ(late, 0);
	EXPECT_EQ(vx_task_set_affinity(self, 0), VX_OK);
	kid_free(&k);
	EXPECT_EQ(vx_cap_delete(d), VX_OK);
	EXPECT_EQ(vx_task_unmap(data), VX_OK);
}

void ktest_hunt6(void)
{
	run("hunt6_device_mem_pages_bounded", t_device_mem_pages_bounded);
	run("hunt6_ptr_refusals_change_nothing", t_ptr_refusals_change_nothing);
	run("hunt6_regs_extreme_legal_values", t_regs_extreme_legal_values);
	run("hunt6_sleepers_halted_resumed_and_deleted", t_sleepers_halted_resumed_and_deleted);
	run("hunt6_child_resets_its_supervisor", t_child_resets_its_supervisor);
	run("hunt6_nested_fault_chain_every_cpu", t_nested_fault_chain_every_cpu);
	run("hunt6_halt_returns_once_stopped", t_halt_returns_once_stopped);
}
