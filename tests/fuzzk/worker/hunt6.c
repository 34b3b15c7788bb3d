/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hunt 6's operation: a halted Task does nothing more.
 *
 *  - op_halt_count: a child counts without pause in a page it shares with
 *    the worker, on some CPU; the worker halts it (and resumes, moves
 *    and rewrites it) over and over.  Promise (docs/ABI.md, TASK_HALT):
 *    once the halt has returned, the count no longer moves.  It did move,
 *    under QEMU's multi-threaded TCG (which the fuzzer runs with -smp > 1):
 *    TASK_HALT returned as soon as it had sent the reschedule IPI, and the
 *    child ran on until its CPU took it (ktest
 *    hunt6_halt_returns_once_stopped).
 */
#include "worker.h"

#define COUNT_VA  (CHILD_IP + 0x10000) /* the shared page, in the child */
#define COUNT_WIN (CODE_WIN + 0x1000)  /* ...and in the worker */

/* mov $COUNT_VA, %rbx; 1: incq (%rbx); jmp 1b */
static const uint8_t count_code[] = {0x48, 0xc7, 0xc3, 0x00, 0x00, 0x41,
				     0x00, 0x48, 0xff, 0x03, 0xeb, 0xfb};
_Static_assert(COUNT_VA == 0x410000ull, "count_code's address");

static void broken(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t s0, uint64_t s1, int64_t r)
{
	fz_finding(FZ_BROKEN_PROMISE, w.st->calls - 1, nr, (uint64_t[6]){a0, a1, 0, s0, s1, 0}, r);
}

/* Reads *count until it is no longer seen, at most n times. */
static uint64_t moved(volatile uint64_t *count, uint64_t seen, unsigned n)
{
	uint64_t v = *count;

	while (v == seen && n--)
		v = *count;
	return v;
}

/* One halt of t while it counts: once the halt returned, the count stands. */
static void halt_and_look(int64_t t, volatile uint64_t *count)
{
	uint64_t seen = *count;

	for (unsigned i = 0; i < 4 && moved(count, seen, 20000) == seen; i++)
		fz_call(VX_SYS_SIG_WAIT, 0, fz_call(VX_SYS_CLOCK, 0, 0, 0, 0, 0, 0) + 200000, 0, 0,
			0, 0); /* it may share this CPU: let it run */
	if (fz_call(VX_SYS_TASK_HALT, (uint64_t)t, 0, 0, 0, 0, 0) != VX_OK)
		return;
	seen = *count;
	uint64_t later = moved(count, seen, 20000);
	if (later != seen)
		broken(VX_SYS_TASK_HALT, (uint64_t)t, 0, seen, later, 0);
}

void op_halt_count(void)
{
	static int64_t sig;
	int64_t t = fz_call(VX_SYS_RETICLE_RETYPE, w.ret, VX_OBJ_TASK, 0, 0, 0, 0);

	if (t < 0)
		return;
	if (sig <= 0)
		sig = fz_call(VX_SYS_SIG_MINT, w.self, CHILD_SIG, 0, 0, 0, 0);
	int64_t data = fz_call(VX_SYS_RETICLE_RETYPE, w.ret, VX_OBJ_MEM, 1, 0, 0, 0);
	int64_t d = data > 0 ? fz_call(VX_SYS_CAP_DERIVE, (uint64_t)data, VX_R_READ | VX_R_WRITE, 0,
				       0, 0, 0)
			     : -1;
	if (d < 0 || !load_code(w.ret, (vx_handle_t)t, count_code, sizeof(count_code)) ||
	    fz_call(VX_SYS_TASK_MAP, (uint64_t)t, (uint64_t)d, COUNT_VA,
		    VX_PROT_READ | VX_PROT_WRITE, 0, 0) != VX_OK ||
	    fz_call(VX_SYS_TASK_MAP, w.self, (uint64_t)data, COUNT_WIN,
		    VX_PROT_READ | VX_PROT_WRITE, 0, 0) != VX_OK) {
		fz_call(VX_SYS_CAP_DELETE, (uint64_t)t, 0, 0, 0, 0, 0);
		if (d > 0)
			fz_call(VX_SYS_CAP_DELETE, (uint64_t)d, 0, 0, 0, 0, 0);
		if (data > 0)
			fz_call(VX_SYS_CAP_DELETE, (uint64_t)data, 0, 0, 0, 0, 0);
		return;
	}
	fz_call(VX_SYS_TASK_SET_REGS, (uint64_t)t, CHILD_IP, 0, 0, 0, 0);
	if (!start_child(t, sig)) { /* t is gone, and with it d's mapping */
		fz_call(VX_SYS_CAP_DELETE, (uint64_t)d, 0, 0, 0, 0, 0);
		fz_call(VX_SYS_TASK_UNMAP, (uint64_t)data, 0, 0, 0, 0, 0);
		fz_call(VX_SYS_CAP_DELETE, (uint64_t)data, 0, 0, 0, 0, 0);
		return;
	}
	volatile uint64_t *count = (volatile uint64_t *)(uintptr_t)COUNT_WIN;
	for (unsigned i = 0, k = 4 + (unsigned)pick(24); i < k; i++) {
		switch (pick(4)) {
		case 0:
		case 1:
			halt_and_look(t, count);
			fz_call(VX_SYS_TASK_RESUME, (uint64_t)t, 0, 0, 0, 0, 0);
			break;
		case 2:
			fz_call(VX_SYS_TASK_SET_AFFINITY, (uint64_t)t,
				pick(2) ? 0 : 1ull << pick(4), 0, 0, 0, 0);
			break;
		default: /* from the top again, as a personality might */
			if (fz_call(VX_SYS_TASK_HALT, (uint64_t)t, 0, 0, 0, 0, 0) == VX_OK)
				fz_call(VX_SYS_TASK_SET_REGS, (uint64_t)t, CHILD_IP, 0, 0, 0, 0);
			fz_call(VX_SYS_TASK_RESUME, (uint64_t)t, 0, 0, 0, 0, 0);
			break;
		}
	}
	fz_call(VX_SYS_TASK_UNMAP, (uint64_t)data, 0, 0, 0, 0, 0);
	fz_call(VX_SYS_CAP_DELETE, (uint64_t)data, 0, 0, 0, 0, 0);
	if (pick(2)) {
		fz_call(VX_SYS_CAP_DELETE, (uint64_t)t, 0, 0, 0, 0, 0);
		fz_call(VX_SYS_CAP_DELETE, (uint64_t)d, 0, 0, 0, 0, 0);
	} else { /* left counting, for the rest of the mix (and the reset) */
		keep(t, VX_OBJ_TASK, VX_R_ALL, 0);
		keep(d, VX_OBJ_MEM, VX_R_READ | VX_R_WRITE, 0);
	}
	fz_call(VX_SYS_SIG_WAIT, CHILD_SIG, VX_DEADLINE_NONE, 0, 0, 0, 0);
}
