/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker's children and its peer: the structure-aware operations
 * that run code in other Tasks.  A child is built from a Task the worker
 * retyped, one code page the worker writes (a tiny program, or a run of
 * syscalls chosen here) and sometimes a Bundle, and started supervised
 * through CHILD_SIG, which the worker only polls.  Children never outlive
 * the worker's life: they are carved from its Reticles.
 */
#include "worker.h"

/* A child's code: one of a few tiny programs. */
static const struct {
	uint8_t len;
	uint8_t code[24];
} programs[] = {
    /* mov eax, TASK_YIELD; syscall; jmp back */
    {9, {0xb8, 0x12, 0, 0, 0, 0x0f, 0x05, 0xeb, 0xf7}},
    /* mov eax, SIG_WAIT; mov edi, 1; mov rsi, -1; syscall; jmp back */
    {21, {0xb8, 0x1a, 0,    0,	  0,	0xbf, 1,    0,	  0,	0,   0x48,
	  0xc7, 0xc6, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x05, 0xeb, 0xeb}},
    /* mov eax, TASK_EXIT; xor edi, edi; syscall */
    {9, {0xb8, 0x11, 0, 0, 0, 0x31, 0xff, 0x0f, 0x05}},
    /* ud2 */
    {2, {0x0f, 0x0b}},
    /* jmp . */
    {2, {0xeb, 0xfe}},
};

/* Writes len bytes of code into a new Mem from ret and maps it executable
 * into t at CHILD_IP. */
bool load_code(vx_handle_t ret, vx_handle_t t, const uint8_t *code, unsigned len)
{
	int64_t mem = fz_call(VX_SYS_RETICLE_RETYPE, ret, VX_OBJ_MEM, 1, 0, 0, 0);

	if (mem < 0)
		return false;
	keep(mem, VX_OBJ_MEM, VX_R_ALL, 0);
	if (fz_call(VX_SYS_TASK_MAP, w.self, (uint64_t)mem, CODE_WIN, VX_PROT_READ | VX_PROT_WRITE,
		    0, 0) != VX_OK)
		return false;
	uint8_t *dst = (uint8_t *)(uintptr_t)CODE_WIN;
	for (unsigned i = 0; i < len; i++)
		dst[i] = code[i];
	fz_call(VX_SYS_TASK_UNMAP, (uint64_t)mem, 0, 0, 0, 0, 0);
	return fz_call(VX_SYS_TASK_MAP, t, (uint64_t)mem, CHILD_IP, VX_PROT_READ | VX_PROT_EXEC, 0,
		       0) == VX_OK;
}

bool start_child(int64_t t, int64_t sig)
{
	if (sig > 0)
		fz_call(VX_SYS_TASK_SUPERVISE, (uint64_t)t, (uint64_t)sig, 0, 0, 0, 0);
	fz_call(VX_SYS_TASK_SET_PRIO, (uint64_t)t, pick(3), 0, 0, 0, 0);
	if (pick(2))
		fz_call(VX_SYS_TASK_SET_AFFINITY, (uint64_t)t, 1ull << pick(4), 0, 0, 0, 0);
	if (fz_call(VX_SYS_TASK_START, (uint64_t)t, 0, 0, 0, 0, 0) != VX_OK) {
		fz_call(VX_SYS_CAP_DELETE, (uint64_t)t, 0, 0, 0, 0, 0);
		return false;
	}
	return true;
}

/* One of the tiny programs; the two that only burn time (yield, spin)
 * less often than the rest. */
static void load_child(vx_handle_t t)
{
	unsigned k = (unsigned)pick(sizeof(programs) / sizeof(programs[0]) * 2 - 1);

	if (k >= sizeof(programs) / sizeof(programs[0]))
		k = 1 + k % 3;
	load_code(w.ret, t, programs[k].code, programs[k].len);
}

/* Builds and starts a child: code, registers, a supervisor bit, a low
 * priority (so that spinners rarely take time from the workers), and a
 * Bundle half the time. */
void op_child_start(void)
{
	const struct held *task = choose(VX_OBJ_TASK);
	const struct held *b = pick(2) ? choose(VX_OBJ_BUNDLE) : NULL;
	static int64_t sig;

	if (!task || task->type != VX_OBJ_TASK)
		return;
	vx_handle_t t = task->h;
	if (sig <= 0)
		sig = fz_call(VX_SYS_SIG_MINT, w.self, CHILD_SIG, 0, 0, 0, 0);
	load_child(t);
	fz_call(VX_SYS_TASK_SET_REGS, t, CHILD_IP, mut_vaddr(0x800000), 0, 0, 0);
	fz_call(VX_SYS_TASK_SUPERVISE, t, (uint64_t)(sig > 0 ? sig : 0), 0, 0, 0, 0);
	fz_call(VX_SYS_TASK_SET_PRIO, t, pick(4), 0, 0, 0, 0);
	pruned(fz_call(VX_SYS_TASK_START, hnd(task),
		       b && b->type == VX_OBJ_BUNDLE ? hnd(b) : VX_NO_HANDLE, 0, 0, 0, 0),
	       task);
	fz_call(VX_SYS_SIG_WAIT, CHILD_SIG, VX_DEADLINE_NONE, 0, 0, 0, 0);
}

/* Appends "mov r32, v" for register reg (0 eax, 7 edi, 6 esi, 2 edx, 10
 * r10d, 8 r8d) to code at *n. */
void mov32(uint8_t *code, unsigned *n, unsigned reg, uint32_t v)
{
	if (reg >= 8)
		code[(*n)++] = 0x41;
	code[(*n)++] = (uint8_t)(0xb8 + (reg & 7));
	for (int i = 0; i < 4; i++)
		code[(*n)++] = (uint8_t)(v >> (8 * i));
}

/* An argument for a syscaller: mostly one of its own handles (its Bundle
 * put them in slots 1..6 with generation 1), or a small number. */
static uint32_t child_arg(void)
{
	switch (pick(6)) {
	case 0:
	case 1:
	case 2:
		return VX_HANDLE_MAKE(1 + pick(6), 1);
	case 3:
		return (uint32_t)pick(64);
	case 4:
		return 1u << pick(32);
	default:
		return (uint32_t)rnd();
	}
}

/* A child that makes syscalls of its own: a Task carved from a Reticle
 * of its own, which its Bundle also hands it (with CONTROL, so that it may
 * reset the Reticle it lives in, in the middle of its own call), with its
 * own Task cap, a Ring and a cap of the worker's.  Its code is a run of
 * 4..24 calls with numbers and arguments chosen here, then an exit; it
 * runs at the workers' priority, so it races them. */
void op_syscaller(void)
{
	static const char *const names[] = {"r", "t", "ring", "c", "sig"};
	uint8_t code[VX_PAGE_SIZE];
	unsigned n = 0, calls = 4 + (unsigned)pick(21);
	int64_t sub =
	    fz_call(VX_SYS_RETICLE_SPLIT, w.ret, (64 + pick(64)) * VX_PAGE_SIZE, 0, 0, 0, 0);

	if (sub < 0)
		return;
	keep(sub, VX_OBJ_RETICLE, VX_R_ALL, 0);
	int64_t t = fz_call(VX_SYS_RETICLE_RETYPE, (uint64_t)sub, VX_OBJ_TASK, 0, 0, 0, 0);
	int64_t b = fz_call(VX_SYS_RETICLE_RETYPE, (uint64_t)sub, VX_OBJ_BUNDLE, 0, 0, 0, 0);
	int64_t sig = fz_call(VX_SYS_SIG_MINT, w.self, CHILD_SIG, 0, 0, 0, 0);
	if (t < 0 || b < 0)
		return;
	keep(t, VX_OBJ_TASK, VX_R_ALL, 0);
	for (unsigned i = 0; i < calls; i++) {
		uint64_t nr = pick(16) ? pick(VX_SYS_COUNT) : VX_SYS_COUNT + pick(4);
		mov32(code, &n, 0, (uint32_t)nr);
		mov32(code, &n, 7, child_arg());
		mov32(code, &n, 6, child_arg());
		mov32(code, &n, 2, child_arg());
		mov32(code, &n, 10, child_arg());
		mov32(code, &n, 8, child_arg());
		code[n++] = 0x0f; /* syscall */
		code[n++] = 0x05;
	}
	mov32(code, &n, 0, VX_SYS_TASK_EXIT);
	code[n++] = 0x0f;
	code[n++] = 0x05;
	load_code((vx_handle_t)sub, (vx_handle_t)t, code, n);
	const vx_handle_t hs[] = {(vx_handle_t)sub, (vx_handle_t)t, ring_end()->h, choose(0)->h,
				  (vx_handle_t)(sig > 0 ? sig : 0)};
	for (unsigned i = 0; i < sizeof(hs) / sizeof(hs[0]); i++)
		if (pick(8))
			fz_call(VX_SYS_BUNDLE_ADD, (uint64_t)b, (uint64_t)(uintptr_t)names[i],
				strlen(names[i]), hs[i], VX_R_ALL & (uint32_t)rnd(), 0);
	fz_call(VX_SYS_TASK_SET_REGS, (uint64_t)t, CHILD_IP, 0x800000, 0, 0, 0);
	if (sig > 0)
		fz_call(VX_SYS_TASK_SUPERVISE, (uint64_t)t, (uint64_t)sig, 0, 0, 0, 0);
	fz_call(VX_SYS_TASK_START, (uint64_t)t, (uint64_t)b, 0, 0, 0, 0);
	if (sig > 0)
		fz_call(VX_SYS_CAP_DELETE, (uint64_t)sig, 0, 0, 0, 0, 0);
	fz_call(VX_SYS_CAP_DELETE, (uint64_t)b, 0, 0, 0, 0, 0);
}

/* A child that retypes and deletes a large Mem from its own Reticle in a
 * loop: each retype's zeroing is queued work, during which the child sits
 * at its syscall instruction re-issuing SYS_KWAIT.  The worker lets it
 * run, then catches it there: halts it and moves its registers (the
 * parked result is dropped), or resets the Reticle under it (the Mem
 * being zeroed and the child itself go), or deletes it, or resumes it.
 * Last the Reticle is reset, so the child never outlives the operation.
 * Rare: each one costs a few quanta. */
void op_kwait(void)
{
	uint32_t pages = 256 + (uint32_t)pick(768);
	uint8_t code[40];
	unsigned n = 0;
	int64_t sub, t, b;

	if (pick(32))
		return;
	if ((sub = fz_call(VX_SYS_RETICLE_SPLIT, w.ret, (pages + 64) * VX_PAGE_SIZE, 0, 0, 0, 0)) <
	    0)
		return;
	t = fz_call(VX_SYS_RETICLE_RETYPE, (uint64_t)sub, VX_OBJ_TASK, 0, 0, 0, 0);
	b = fz_call(VX_SYS_RETICLE_RETYPE, (uint64_t)sub, VX_OBJ_BUNDLE, 0, 0, 0, 0);
	if (t > 0 && b > 0) {
		mov32(code, &n, 0, VX_SYS_RETICLE_RETYPE);
		mov32(code, &n, 7, VX_HANDLE_MAKE(1, 1)); /* "r", its only Bundle entry */
		mov32(code, &n, 6, VX_OBJ_MEM);
		mov32(code, &n, 2, pages);
		code[n++] = 0x0f, code[n++] = 0x05; /* syscall */
		code[n++] = 0x89, code[n++] = 0xc7; /* mov edi, eax */
		mov32(code, &n, 0, VX_SYS_CAP_DELETE);
		code[n++] = 0x0f, code[n++] = 0x05;
		code[n++] = 0xeb, code[n] = (uint8_t) - (int)(n + 1); /* jmp to the start */
		n++;
		load_code((vx_handle_t)sub, (vx_handle_t)t, code, n);
		fz_call(VX_SYS_BUNDLE_ADD, (uint64_t)b, (uint64_t)(uintptr_t) "r", 1, (uint64_t)sub,
			VX_R_ALL, 0);
		fz_call(VX_SYS_TASK_SET_REGS, (uint64_t)t, CHILD_IP, 0x800000, 0, 0, 0);
		fz_call(VX_SYS_TASK_START, (uint64_t)t, (uint64_t)b, 0, 0, 0, 0);
		for (unsigned i = 0, yields = 1 + (unsigned)pick(3); i < yields; i++)
			fz_call(VX_SYS_TASK_YIELD, 0, 0, 0, 0, 0, 0);
		switch (pick(4)) {
		case 0:
			fz_call(VX_SYS_TASK_HALT, (uint64_t)t, 0, 0, 0, 0, 0);
			fz_call(VX_SYS_TASK_SET_REGS, (uint64_t)t, CHILD_IP, 0x800000, 0, 0, 0);
			fz_call(VX_SYS_TASK_RESUME, (uint64_t)t, 0, 0, 0, 0, 0);
			fz_call(VX_SYS_TASK_YIELD, 0, 0, 0, 0, 0, 0);
			break;
		case 1:
			fz_call(VX_SYS_TASK_HALT, (uint64_t)t, 0, 0, 0, 0, 0);
			break;
		case 2:
			fz_call(VX_SYS_CAP_DELETE, (uint64_t)t, 0, 0, 0, 0, 0);
			break;
		default:
			fz_call(VX_SYS_TASK_HALT, (uint64_t)t, 0, 0, 0, 0, 0);
			fz_call(VX_SYS_TASK_RESUME, (uint64_t)t, 0, 0, 0, 0, 0);
			fz_call(VX_SYS_TASK_YIELD, 0, 0, 0, 0, 0, 0);
			break;
		}
	}
	fz_call(VX_SYS_RETICLE_RESET, (uint64_t)sub, 0, 0, 0, 0, 0);
	fz_call(VX_SYS_CAP_DELETE, (uint64_t)sub, 0, 0, 0, 0, 0);
}

/* TASK_REGS on a child: read its registers, change a field or two
 * (mostly near what is valid: an instruction pointer or FS base off its
 * edge, a stray flag, MXCSR with reserved bits, rflags the kernel owns),
 * and write them back.  Half the time the child becomes foreign, so its
 * next syscall stops it with VX_FAULT_SYSCALL instead of being served; a
 * write resumes it as well half the time (VX_REGS_RESUME), and half the
 * writes move the integer part only (VX_REGS_NOFPU). */
static void regs_mutate(const struct held *task)
{
	static struct vx_regs r;
	uint64_t t = hnd(task);
	uint32_t mxcsr = pick(4) ? 0x1f80u : (uint32_t)rnd();

	pruned(fz_call(VX_SYS_TASK_REGS, t, pick(8) ? VX_REGS_READ : rnd(), mut_ptr(&r, sizeof(r)),
		       0, 0, 0),
	       task);
	switch (pick(6)) {
	case 0:
		r.rip = mut_vaddr(CHILD_IP);
		break;
	case 1:
		r.fs_base = pick(2) ? mut_vaddr(0x800000) : rnd();
		break;
	case 2:
		r.rflags = rnd();
		break;
	case 3:
		memcpy(r.fpu + 24, &mxcsr, 4);
		break;
	case 4:
		r.rsp = mut_vaddr(0x800000);
		break;
	default:
		r.stop = pick(4) ? 0 : (uint32_t)rnd();
		break;
	}
	r.flags = pick(8) ? (uint32_t)pick(2) * VX_REGS_FOREIGN : (uint32_t)rnd();
	/* Half the writes without the FPU image (VX_REGS_NOFPU).  A third
	 * answer and wait (VX_REGS_RESUME_WAIT), for a random mask, with no
	 * deadline or one a millisecond away, so a worker never sleeps long;
	 * now and then a sleep without an end, which is refused. */
	uint32_t nofpu = pick(2) ? VX_REGS_NOFPU : 0;
	uint64_t mask = pick(4) ? 1ull << pick(63) : rnd();
	uint64_t deadline = pick(2) ? VX_DEADLINE_NONE : (uint64_t)vx_clock() + 1000000;
	if (!pick(16))
		mask = 0, deadline = VX_DEADLINE_NEVER;
	pruned(fz_call(VX_SYS_TASK_REGS, t, pick(8) ? (VX_REGS_WRITE + pick(3)) | nofpu : rnd(),
		       mut_ptr(&r, nofpu ? VX_REGS_INT_BYTES : sizeof(r)), mask, deadline, 0),
	       task);
}

void op_child_control(void)
{
	const struct held *task = choose(VX_OBJ_TASK);
	const struct held *sig = choose(VX_OBJ_SIGNAL);
	struct vx_task_info ti;
	vx_handle_t t = hnd(task);

	if (!task || task->type != VX_OBJ_TASK)
		return;
	if (pick(8) == 0) {
		regs_mutate(task);
		return;
	}
	switch (pick(7)) {
	case 0:
		pruned(fz_call(VX_SYS_TASK_HALT, t, 0, 0, 0, 0, 0), task);
		break;
	case 1:
		pruned(fz_call(VX_SYS_TASK_RESUME, t, 0, 0, 0, 0, 0), task);
		break;
	case 2: {
		uint64_t p = mut_ptr(&ti, sizeof(ti));
		int64_t r = pruned(fz_call(VX_SYS_TASK_INSPECT, t, p, 0, 0, 0, 0), task);
		if (r == VX_OK && p == (uint64_t)(uintptr_t)&ti &&
		    (ti.state > VX_TASK_EXITED || ti.prio > VX_PRIO_MAX ||
		     ti.fault.kind > VX_FAULT_SYSCALL || ti.pending >> 63))
			fz_finding(FZ_BROKEN_PROMISE, w.st->calls - 1, VX_SYS_TASK_INSPECT,
				   (uint64_t[6]){t, p, 0, ti.state, ti.prio, ti.fault.kind}, r);
		break;
	}
	case 3:
		pruned(fz_call(VX_SYS_TASK_SET_REGS, t, mut_vaddr(CHILD_IP), mut_vaddr(0x800000),
			       rnd(), 0, 0),
		       task);
		break;
	case 4:
		pruned(fz_call(VX_SYS_TASK_SET_PRIO, t, pick(8) ? pick(4) : pick(20), 0, 0, 0, 0),
		       task);
		break;
	case 5:
		pruned(fz_call(VX_SYS_TASK_SUPERVISE, t, pick(4) ? hnd(sig) : 0, 0, 0, 0, 0), task);
		break;
	default:
		pruned(fz_call(VX_SYS_TASK_START, t, hnd(choose(VX_OBJ_BUNDLE)), 0, 0, 0, 0), task);
		break;
	}
}

/* Halts the next worker wherever it is (in user mode, at the syscall
 * instruction of a call with queued work, or on another CPU with a call on
 * its way into the kernel), looks at it, maybe yields, and lets it go on.
 * Right after the halt's success it must be halted: a call of its that ran
 * after the halt (a wait, say) would show as another state.  (Only this
 * worker halts and resumes that one.  The watch in main never resumes a
 * worker while its halter's status says halting, however long the halter
 * takes: on a loaded host a vCPU thread can be held back for seconds
 * between the halt and the look, and a resume then made the look a false
 * finding.  It resumes one left halted for half a second by a halter that
 * is done, or whose life ended.) */
void op_peer(void)
{
	struct vx_task_info ti;

	if (!w.peer)
		return;
	w.st->halting = 1;
	if (fz_call(VX_SYS_TASK_HALT, w.peer, 0, 0, 0, 0, 0) != VX_OK) {
		w.st->halting = 0;
		return;
	}
	int64_t r = fz_call(VX_SYS_TASK_INSPECT, w.peer, (uint64_t)(uintptr_t)&ti, 0, 0, 0, 0);
	if (r == VX_OK && ti.state != VX_TASK_HALTED)
		fz_finding(
		    FZ_BROKEN_PROMISE, w.st->calls - 1, VX_SYS_TASK_INSPECT,
		    (uint64_t[6]){w.peer, (uint64_t)(uintptr_t)&ti, 0, ti.state, ti.fault.kind}, r);
	if (pick(2))
		fz_call(VX_SYS_TASK_YIELD, 0, 0, 0, 0, 0, 0);
	fz_call(VX_SYS_TASK_SET_PRIO, w.peer, VX_PRIO_DEFAULT, 0, 0, 0, 0);
	fz_call(VX_SYS_TASK_RESUME, w.peer, 0, 0, 0, 0, 0);
	w.st->halting = 0;
}
