/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hunt 4's operation: the calls that run under the kernel lock held
 * shared (kernel/core/syscall.c, SHARED_CALLS), made without pause by a
 * child on some CPU while the worker, on another, changes everything
 * around it.
 *
 *  - op_shared_storm: a child loops over CLOCK (of a random CPU, or one
 *    that is not online), a polling SIG_WAIT on a bit the worker raises,
 *    and CAP_INSPECT of an invented handle into its read-only code page;
 *    the worker raises its bit, halts, inspects, resumes, moves, rewrites
 *    and deletes it meanwhile.  Once a halt returned, the child must be
 *    halted, and if it stopped at one of its syscalls, that call must not
 *    have happened: rax still holds its number (a call halted while it
 *    waited for the lock is reissued, never both made and reissued).
 */
#include "worker.h"

#define STORM_BIT (1ull << 24)

/* The loop; the three syscalls are at 10, 24 and 41. */
static const uint8_t storm_code[] = {
    0xb8, VX_SYS_CLOCK,
    0,	  0,
    0, /*  0: mov eax, CLOCK */
    0xbf, 0,
    0,	  0,
    0,		/*  5: mov edi, which (patched) */
    0x0f, 0x05, /* 10: syscall */
    0xb8, VX_SYS_SIG_WAIT,
    0,	  0,
    0, /* 12: mov eax, SIG_WAIT */
    0xbf, 0,
    0,	  0,
    1,		/* 17: mov edi, STORM_BIT */
    0x31, 0xf6, /* 22: xor esi, esi (NONE) */
    0x0f, 0x05, /* 24: syscall */
    0xb8, VX_SYS_CAP_INSPECT,
    0,	  0,
    0, /* 26: mov eax, CAP_INSPECT */
    0xbf, 0,
    0,	  0,
    0, /* 31: mov edi, handle (patched) */
    0xbe, 0x00,
    0x08, 0x40,
    0x00,	/* 36: mov esi, CHILD_IP + 0x800 */
    0x0f, 0x05, /* 41: syscall */
    0xeb, 0xd3, /* 43: jmp 0 */
};
_Static_assert(sizeof(storm_code) == 45, "the jump goes back to 0");

static void broken(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t s0, uint64_t s1, int64_t r)
{
	fz_finding(FZ_BROKEN_PROMISE, w.st->calls - 1, nr, (uint64_t[6]){a0, a1, 0, s0, s1, 0}, r);
}

/* Is a halted storm child's frame one the promise allows? */
static bool storm_frame_ok(const struct vx_regs *g)
{
	uint64_t at = g->rip - CHILD_IP;

	if (at == 10)
		return g->rax == VX_SYS_CLOCK;
	if (at == 24)
		return g->rax == VX_SYS_SIG_WAIT && g->rdi == STORM_BIT && g->rsi == 0;
	if (at == 41)
		return g->rax == VX_SYS_CAP_INSPECT;
	return at < sizeof(storm_code);
}

static void patch32(uint8_t *code, unsigned at, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		code[at + i] = (uint8_t)(v >> (8 * i));
}

void op_shared_storm(void)
{
	static int64_t sig;
	static struct vx_regs r;
	uint8_t code[sizeof(storm_code)];
	static const uint32_t which[] = {0, 1, 2, 3, 4, 5, 17, 0xffffffffu};
	int64_t t = fz_call(VX_SYS_RETICLE_RETYPE, w.ret, VX_OBJ_TASK, 0, 0, 0, 0);

	if (t < 0)
		return;
	if (sig <= 0)
		sig = fz_call(VX_SYS_SIG_MINT, w.self, CHILD_SIG, 0, 0, 0, 0);
	memcpy(code, storm_code, sizeof(code));
	patch32(code, 6, which[pick(sizeof(which) / sizeof(which[0]))]);
	patch32(code, 32, pick(2) ? (uint32_t)rnd() : VX_HANDLE_MAKE(1 + pick(4), 1));
	load_code(w.ret, (vx_handle_t)t, code, sizeof(code));
	int64_t raise = fz_call(VX_SYS_SIG_MINT, (uint64_t)t, STORM_BIT, 0, 0, 0, 0);
	if (raise > 0)
		keep(raise, VX_OBJ_SIGNAL, VX_R_ALL, STORM_BIT);
	fz_call(VX_SYS_TASK_SET_REGS, (uint64_t)t, CHILD_IP, 0, 0, 0, 0);
	if (!start_child(t, sig))
		return;
	for (unsigned i = 0, k = 8 + (unsigned)pick(60); i < k; i++) {
		switch (pick(10)) {
		case 0:
		case 1:
			if (raise > 0)
				fz_call(VX_SYS_SIG_RAISE, (uint64_t)raise, STORM_BIT, 0, 0, 0, 0);
			break;
		case 2:
		case 3: { /* halted: halted, and at a syscall only if it is unmade */
			struct vx_task_info ti;
			if (fz_call(VX_SYS_TASK_HALT, (uint64_t)t, 0, 0, 0, 0, 0) != VX_OK)
				break;
			if (fz_call(VX_SYS_TASK_INSPECT, (uint64_t)t, (uint64_t)(uintptr_t)&ti, 0,
				    0, 0, 0) == VX_OK &&
			    ti.state != VX_TASK_HALTED)
				broken(VX_SYS_TASK_HALT, (uint64_t)t, 0, ti.state, ti.fault.kind,
				       0);
			if (fz_call(VX_SYS_TASK_REGS, (uint64_t)t, VX_REGS_READ | VX_REGS_NOFPU,
				    (uint64_t)(uintptr_t)&r, 0, 0, 0) == VX_OK &&
			    !storm_frame_ok(&r))
				broken(VX_SYS_TASK_REGS, (uint64_t)t, 0, r.rip, r.rax, 0);
			if (pick(2))
				fz_call(VX_SYS_TASK_RESUME, (uint64_t)t, 0, 0, 0, 0, 0);
			break;
		}
		case 4:
			fz_call(VX_SYS_TASK_RESUME, (uint64_t)t, 0, 0, 0, 0, 0);
			break;
		case 5:
			fz_call(VX_SYS_TASK_SET_AFFINITY, (uint64_t)t,
				pick(2) ? 0 : 1ull << pick(4), 0, 0, 0, 0);
			break;
		case 6: { /* from the top, with rax garbage: rip 0 makes no promise */
			if (fz_call(VX_SYS_TASK_REGS, (uint64_t)t, VX_REGS_READ | VX_REGS_NOFPU,
				    (uint64_t)(uintptr_t)&r, 0, 0, 0) != VX_OK)
				break;
			r.rip = CHILD_IP;
			r.rax = rnd();
			fz_call(VX_SYS_TASK_REGS, (uint64_t)t, VX_REGS_RESUME | VX_REGS_NOFPU,
				(uint64_t)(uintptr_t)&r, 0, 0, 0);
			break;
		}
		case 7: {
			struct vx_task_info ti;
			fz_call(VX_SYS_TASK_INSPECT, (uint64_t)t, (uint64_t)(uintptr_t)&ti, 0, 0, 0,
				0);
			break;
		}
		case 8:
			fz_call(VX_SYS_TASK_SET_PRIO, (uint64_t)t, pick(4), 0, 0, 0, 0);
			break;
		default:
			fz_call(VX_SYS_TASK_YIELD, 0, 0, 0, 0, 0, 0);
			break;
		}
	}
	if (pick(4))
		fz_call(VX_SYS_CAP_DELETE, (uint64_t)t, 0, 0, 0, 0, 0);
	else /* left storming, for the rest of the mix (and the reset) */
		keep(t, VX_OBJ_TASK, VX_R_ALL, 0);
	fz_call(VX_SYS_SIG_WAIT, CHILD_SIG, VX_DEADLINE_NONE, 0, 0, 0, 0);
}
