/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hunt 5's operation: FPU state the worker writes into a child that
 * computes with it on some CPU.
 *
 *  - op_fpu_storm: a child loops over an x87 and an SSE division by zero
 *    (harmless while the exceptions are masked, as they start); the
 *    worker halts it, writes its registers back with a random x87 control
 *    word and MXCSR (and now and then a random byte elsewhere in the
 *    image), resumes it, moves it and looks at it.  Promises: a write
 *    whose MXCSR has a bit above 15 is VX_E_INVAL (the CPU reserves them
 *    all), and the only way the child stops is VX_FAULT_OTHER with vector
 *    16 (#MF) or 19 (#XM), an exception it unmasked itself; the kernel
 *    lives through the images fxrstor64 is given.
 */
#include "worker.h"

/* fldz; fld1; fdiv %st(1), %st (1 / 0); fstp %st(0); fstp %st(0); fwait;
 * xorps %xmm1, %xmm1; divss %xmm1, %xmm0 (x / 0); jmp 0. */
static const uint8_t fpu_code[] = {0xd9, 0xee, 0xd9, 0xe8, 0xd8, 0xf1, 0xdd, 0xd8, 0xdd, 0xd8,
				   0x9b, 0x0f, 0x57, 0xc9, 0xf3, 0x0f, 0x5e, 0xc1, 0xeb, 0xec};
_Static_assert(sizeof(fpu_code) == 20, "the jump goes back to 0");

#define FX_FCW	 0
#define FX_FSW	 2
#define FX_MXCSR 24

static void broken(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t s0, uint64_t s1, int64_t r)
{
	fz_finding(FZ_BROKEN_PROMISE, w.st->calls - 1, nr, (uint64_t[6]){a0, a1, 0, s0, s1, 0}, r);
}

/* A stopped child's record: faulted only by an exception it unmasked. */
static void check_stop(int64_t t)
{
	struct vx_task_info ti;

	if (fz_call(VX_SYS_TASK_INSPECT, (uint64_t)t, (uint64_t)(uintptr_t)&ti, 0, 0, 0, 0) !=
	    VX_OK)
		return;
	if (ti.state == VX_TASK_FAULTED &&
	    (ti.fault.kind != VX_FAULT_OTHER || (ti.fault.code != 16 && ti.fault.code != 19)))
		broken(VX_SYS_TASK_INSPECT, (uint64_t)t, 0, ti.fault.kind, ti.fault.code, 0);
}

/* Writes t's registers back with a new x87 control word and MXCSR, and
 * resumes it (or only writes, half the time). */
static void rewrite(int64_t t, struct vx_regs *r)
{
	uint16_t fcw = pick(2) ? 0x037f : (uint16_t)rnd();
	uint32_t mxcsr = pick(2) ? 0x1f80 : (uint32_t)rnd() & (pick(4) ? 0xffbf : ~0u);
	uint64_t op = pick(2) ? VX_REGS_RESUME : VX_REGS_WRITE;

	if (fz_call(VX_SYS_TASK_REGS, (uint64_t)t, VX_REGS_READ, (uint64_t)(uintptr_t)r, 0, 0, 0) !=
	    VX_OK)
		return;
	memcpy(r->fpu + FX_FCW, &fcw, sizeof(fcw));
	memcpy(r->fpu + FX_MXCSR, &mxcsr, sizeof(mxcsr));
	if (pick(2)) /* the x87 errors it had: gone, or fwait faults again */
		memset(r->fpu + FX_FSW, 0, 2);
	if (!pick(4))
		r->fpu[32 + pick(sizeof(r->fpu) - 32)] =
		    (uint8_t)rnd(); /* the registers and beyond */
	int64_t res = fz_call(VX_SYS_TASK_REGS, (uint64_t)t, op, (uint64_t)(uintptr_t)r, 0, 0, 0);
	if ((mxcsr >> 16) && res != VX_E_INVAL)
		broken(VX_SYS_TASK_REGS, (uint64_t)t, op, mxcsr, fcw, res);
}

void op_fpu_storm(void)
{
	static int64_t sig;
	static struct vx_regs r;
	int64_t t = fz_call(VX_SYS_RETICLE_RETYPE, w.ret, VX_OBJ_TASK, 0, 0, 0, 0);

	if (t < 0)
		return;
	if (sig <= 0)
		sig = fz_call(VX_SYS_SIG_MINT, w.self, CHILD_SIG, 0, 0, 0, 0);
	if (!load_code(w.ret, (vx_handle_t)t, fpu_code, sizeof(fpu_code))) {
		/* No code: it would fault fetching, which check_stop refuses. */
		fz_call(VX_SYS_CAP_DELETE, (uint64_t)t, 0, 0, 0, 0, 0);
		return;
	}
	fz_call(VX_SYS_TASK_SET_REGS, (uint64_t)t, CHILD_IP, 0, 0, 0, 0);
	if (!start_child(t, sig))
		return;
	for (unsigned i = 0, k = 8 + (unsigned)pick(40); i < k; i++) {
		switch (pick(6)) {
		case 0:
		case 1:
			if (fz_call(VX_SYS_TASK_HALT, (uint64_t)t, 0, 0, 0, 0, 0) != VX_OK)
				check_stop(t);
			rewrite(t, &r);
			break;
		case 2:
			check_stop(t);
			fz_call(VX_SYS_TASK_RESUME, (uint64_t)t, 0, 0, 0, 0, 0);
			break;
		case 3:
			fz_call(VX_SYS_TASK_SET_AFFINITY, (uint64_t)t,
				pick(2) ? 0 : 1ull << pick(4), 0, 0, 0, 0);
			break;
		case 4:
			check_stop(t);
			break;
		default:
			fz_call(VX_SYS_TASK_YIELD, 0, 0, 0, 0, 0, 0);
			break;
		}
	}
	check_stop(t);
	if (pick(4))
		fz_call(VX_SYS_CAP_DELETE, (uint64_t)t, 0, 0, 0, 0, 0);
	else /* left computing, for the rest of the mix (and the reset) */
		keep(t, VX_OBJ_TASK, VX_R_ALL, 0);
	fz_call(VX_SYS_SIG_WAIT, CHILD_SIG, VX_DEADLINE_NONE, 0, 0, 0, 0);
}
