// SPDX-License-Identifier: BSD-3-Clause
/*
 * Foreign-ABI Tasks (VX_SYS_TASK_REGS, VX_FAULT_SYSCALL): the kernel's
 * whole share of the POSIX bridge.  A hand-assembled child runs a chain
 * of syscall instructions; ktest plays the personality, reading and
 * writing its registers (the result in rax, the FS base, XMM0, rcx and
 * r11) between stops, and every stop proves the previous write landed.
 * Then the hostile writes, each refused whole with its own error.
 */
#include "ktest.h"

#define CODE_VA	 0x400000ull
#define STACK_VA 0x800000ull
#define TLS_VA	 0x900000ull
#define MAGIC1	 0x1122334455667788ull
#define MAGIC2	 0x0badc0ffee0ddf00ull

/* The child.  Each comment names the stop the syscall after it makes. */
static const uint8_t code[] = {
    0xb8, 0x11, 0x00, 0x00, 0x00,	      /* 00 mov eax, 17 (TASK_EXIT)  */
    0x0f, 0x05,				      /* 05 syscall: stop 1          */
    0x48, 0xff, 0xc0,			      /* 07 inc rax                  */
    0x0f, 0x05,				      /* 0a syscall: stop 2          */
    0x64, 0x48, 0x8b, 0x04, 0x25, 0, 0, 0, 0, /* 0c mov rax, fs:[0]          */
    0x0f, 0x05,				      /* 15 syscall: stop 3          */
    0x66, 0x48, 0x0f, 0x7e, 0xc0,	      /* 17 movq rax, xmm0           */
    0x0f, 0x05,				      /* 1c syscall: stop 4          */
    0x48, 0x89, 0xc8,			      /* 1e mov rax, rcx             */
    0x4c, 0x01, 0xd8,			      /* 21 add rax, r11             */
    0x0f, 0x05,				      /* 24 syscall: stop 5          */
    0x48, 0x89, 0xc8,			      /* 26 mov rax, rcx             */
    0x0f, 0x05,				      /* 29 syscall: stop 6          */
    0xeb, 0xfe,				      /* 2b jmp . (spins)            */
};
#define SYSCALL_AT 0x05u /* the first syscall instruction */
#define SPIN_AT	   0x2bu

static struct vx_regs regs; /* static: 672 bytes, 16-aligned */

/* The child's next stop: a foreign syscall with rax = nr, the instruction
 * after it at CODE_VA + next.  Its registers end up in regs. */
static bool stopped_at(vx_handle_t t, uint64_t nr, uint32_t next)
{
	struct vx_task_info ti;

	EXPECT_EQ(vx_sig_wait(SIG_CHILD, (uint64_t)vx_clock() + CHILD_WAIT), (int64_t)SIG_CHILD);
	EXPECT_EQ(vx_task_inspect(t, &ti), VX_OK);
	EXPECT_EQ(ti.state, VX_TASK_FAULTED);
	EXPECT_EQ(ti.fault.kind, VX_FAULT_SYSCALL);
	EXPECT_EQ(ti.fault.addr, nr);
	EXPECT_EQ(ti.fault.ip, CODE_VA + next);
	EXPECT_EQ(vx_task_regs(t, VX_REGS_READ, &regs), VX_OK);
	EXPECT_EQ(regs.rax, nr);
	EXPECT_EQ(regs.rip, CODE_VA + next);
	EXPECT_EQ(regs.flags, VX_REGS_FOREIGN);
	EXPECT_EQ(regs.stop, VX_FAULT_SYSCALL); /* the read says why, too */
	return ti.state == VX_TASK_FAULTED && ti.fault.addr == nr;
}

static vx_handle_t page(uint32_t prot_rights)
{
	vx_handle_t m = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	return prot_rights ? MUST(vx_cap_derive(m, prot_rights, 0)) : m;
}

/* A stopped foreign child at stop 1, its code, stack and TLS page mapped. */
static vx_handle_t start_child(void)
{
	vx_handle_t t = MUST(vx_reticle_retype(R, VX_OBJ_TASK, 0));
	vx_handle_t text = page(0), stack = page(0), tls = page(0);

	/* The code is written here, then mapped executable there only (W^X). */
	MUST(vx_task_map(self, text, SCRATCH_VA, VX_PROT_READ | VX_PROT_WRITE));
	memcpy((void *)SCRATCH_VA, code, sizeof(code));
	MUST(vx_task_unmap(text));
	vx_handle_t rx = MUST(vx_cap_derive(text, VX_R_READ | VX_R_EXEC, 0));
	MUST(vx_task_map(t, rx, CODE_VA, VX_PROT_READ | VX_PROT_EXEC));
	MUST(vx_task_map(t, stack, STACK_VA, VX_PROT_READ | VX_PROT_WRITE));
	MUST(vx_task_map(self, tls, SCRATCH_VA, VX_PROT_READ | VX_PROT_WRITE));
	*(volatile uint64_t *)SCRATCH_VA = MAGIC1;
	MUST(vx_task_unmap(tls));
	MUST(vx_task_map(t, tls, TLS_VA, VX_PROT_READ));
	MUST(vx_task_supervise(t, child_sig));

	EXPECT_EQ(vx_task_regs(t, VX_REGS_READ, &regs), VX_OK); /* a new Task's: clean */
	EXPECT_EQ(regs.stop, VX_FAULT_NONE);
	EXPECT_EQ(vx_task_regs(t, VX_REGS_RESUME, &regs),
		  VX_E_STATE); /* new: started, not resumed */
	EXPECT_EQ(regs.flags, 0);
	EXPECT_EQ(regs.fs_base, 0);
	regs.rip = CODE_VA;
	regs.rsp = STACK_VA + VX_PAGE_SIZE;
	regs.flags = VX_REGS_FOREIGN;
	EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE, &regs), VX_OK);
	vx_sig_wait(SIG_CHILD, VX_DEADLINE_NONE); /* a bit left by an earlier child */
	EXPECT_EQ(vx_task_start(t, VX_NO_HANDLE), VX_OK);
	return t;
}

/* The supervisor serves each stop and its write shows at the next one. */
static void t_foreign_syscalls_stop_and_resume(void)
{
	vx_handle_t t = start_child();

	/* Stop 1: TASK_EXIT's number, which a foreign Task does not reach. */
	if (!stopped_at(t, VX_SYS_TASK_EXIT, SYSCALL_AT + 2))
		return;
	EXPECT_EQ(regs.rcx, CODE_VA + SYSCALL_AT + 2); /* as syscall left them */
	EXPECT_EQ(regs.rsp, STACK_VA + VX_PAGE_SIZE);
	regs.rax = 1234; /* the call's result, answered and resumed in one call */
	EXPECT_EQ(vx_task_regs(t, VX_REGS_RESUME, &regs), VX_OK);
	/* Stop 2: it saw 1234.  It gets an FS base. */
	if (!stopped_at(t, 1235, 0x0c))
		return;
	regs.fs_base = TLS_VA;
	EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE, &regs), VX_OK);
	EXPECT_EQ(vx_task_resume(t), VX_OK);
	/* Stop 3: it read fs:[0].  XMM0 (FXSAVE offset 160) is set. */
	if (!stopped_at(t, MAGIC1, 0x17))
		return;
	EXPECT_EQ(regs.fs_base, TLS_VA);
	uint64_t m2 = MAGIC2;
	memcpy(regs.fpu + 160, &m2, 8);
	EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE, &regs), VX_OK);
	EXPECT_EQ(vx_task_resume(t), VX_OK);
	/* Stop 4: it read XMM0.  rcx and r11, which sysret would clobber, are set. */
	if (!stopped_at(t, MAGIC2, 0x1e))
		return;
	regs.rcx = 0x5555;
	regs.r11 = 0x6666;
	EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE, &regs), VX_OK);
	EXPECT_EQ(vx_task_resume(t), VX_OK);
	/* Stop 5: they arrived.  Resumed without a write, it leaves by sysret... */
	if (!stopped_at(t, 0xbbbb, 0x26))
		return;
	EXPECT_EQ(vx_task_resume(t), VX_OK);
	/* ...which sets rcx to the next instruction, as on Linux. */
	if (!stopped_at(t, CODE_VA + 0x26, 0x2b))
		return;
	/* Running (it spins), its registers are not to be had. */
	regs.rip = CODE_VA + SPIN_AT;
	EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE, &regs), VX_OK);
	EXPECT_EQ(vx_task_resume(t), VX_OK);
	EXPECT_EQ(vx_task_regs(t, VX_REGS_READ, &regs), VX_E_STATE);
	EXPECT_EQ(vx_task_halt(t), VX_OK);
	EXPECT_EQ(vx_task_regs(t, VX_REGS_READ, &regs), VX_OK);
	EXPECT_EQ(regs.stop, VX_FAULT_NONE); /* halted, not faulted */
	/* Native again, at the syscall with TASK_EXIT(42): the kernel serves it. */
	regs.flags = 0;
	regs.rip = CODE_VA + SYSCALL_AT;
	regs.rax = VX_SYS_TASK_EXIT;
	regs.rdi = 42;
	EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE, &regs), VX_OK);
	EXPECT_EQ(vx_task_resume(t), VX_OK);
	EXPECT_EQ(vx_sig_wait(SIG_CHILD, (uint64_t)vx_clock() + CHILD_WAIT), (int64_t)SIG_CHILD);
	EXPECT_EQ(exit_code(t), 42);
}

/* Every write that iretq, wrmsr or fxrstor would fault on in kernel mode,
 * and every malformed call, is refused whole: the registers read back
 * unchanged.  rflags bits that are the kernel's are dropped, not refused. */
static void t_foreign_hostile_regs(void)
{
	static struct vx_regs good, bad;
	vx_handle_t t = start_child();
	uint32_t mxcsr;

	if (!stopped_at(t, VX_SYS_TASK_EXIT, SYSCALL_AT + 2))
		return;
	good = regs;
	static const uint64_t bad_ip[] = {VX_MAP_END, VX_USER_END, 0xffff800000000000ull,
					  0xffffffff80000000ull, ~0ull};
	for (unsigned i = 0; i < sizeof(bad_ip) / sizeof(bad_ip[0]); i++) {
		bad = good, bad.rip = bad_ip[i];
		EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE, &bad), VX_E_RANGE);
		if (bad_ip[i] != VX_MAP_END) { /* the last page: no code, but a stack or TLS */
			bad = good, bad.fs_base = bad_ip[i];
			EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE, &bad), VX_E_RANGE);
			bad = good, bad.rsp = bad_ip[i];
			EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE, &bad), VX_E_RANGE);
		}
	}
	bad = good, bad.flags = 2;
	EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE, &bad), VX_E_INVAL);
	bad = good, bad.flags = ~0u;
	EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE, &bad), VX_E_INVAL);
	bad = good, bad.stop = 0xdead; /* what a read reports; a write ignores it */
	EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE, &bad), VX_OK);
	/* MXCSR's reserved bits: fxrstor would #GP in the kernel. */
	bad = good, mxcsr = 0x1f80u | 0x80000000u;
	memcpy(bad.fpu + 24, &mxcsr, 4);
	EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE, &bad), VX_E_INVAL);
	bad = good, mxcsr = 0xffff0000u;
	memcpy(bad.fpu + 24, &mxcsr, 4);
	EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE, &bad), VX_E_INVAL);
	/* Bad ops and buffers. */
	EXPECT_EQ(vx_task_regs(t, 4, &regs), VX_E_INVAL);
	EXPECT_EQ(vx_task_regs(t, 4 | VX_REGS_NOFPU, &regs), VX_E_INVAL);
	EXPECT_EQ(vx_task_regs(t, VX_REGS_READ | 1u << 9, &regs), VX_E_INVAL);
	EXPECT_EQ(vx_task_regs(t, ~0u, &regs), VX_E_INVAL);
	/* Without the FPU image the integer part is checked all the same. */
	bad = good, bad.rip = VX_MAP_END;
	EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE | VX_REGS_NOFPU, &bad), VX_E_RANGE);
	bad = good, bad.flags = 2;
	EXPECT_EQ(vx_task_regs(t, VX_REGS_RESUME | VX_REGS_NOFPU, &bad), VX_E_INVAL);
	EXPECT_EQ(vx_task_regs(t, VX_REGS_READ, (struct vx_regs *)0x7ff000000000ull), VX_E_FAULT);
	EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE, (struct vx_regs *)0x7ff000000000ull), VX_E_FAULT);
	EXPECT(vx_task_regs(t, VX_REGS_READ, (struct vx_regs *)0xffffffff80000000ull) < 0);
	EXPECT(vx_task_regs(t, VX_REGS_WRITE, (struct vx_regs *)(VX_USER_END - 16)) < 0);
	EXPECT_EQ(vx_task_regs(self, VX_REGS_READ, &regs), VX_E_STATE); /* running: itself */
	/* None of it landed. */
	EXPECT_EQ(vx_task_regs(t, VX_REGS_READ, &regs), VX_OK);
	EXPECT(memcmp(&regs, &good, sizeof(regs)) == 0);
	/* TF, IOPL, NT, RF, VM and a cleared IF are the kernel's: dropped. */
	bad = good, bad.rflags = 0x3f7fffull & ~0x200ull;
	EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE, &bad), VX_OK);
	EXPECT_EQ(vx_task_regs(t, VX_REGS_READ, &regs), VX_OK);
	EXPECT_EQ(regs.rflags, (0x3f7fffull & VX_RFLAGS_USER) | 0x202);
	/* It still runs: to the next stop with every flag it may hold set. */
	regs.rax = 1;
	EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE, &regs), VX_OK);
	EXPECT_EQ(vx_task_resume(t), VX_OK);
	stopped_at(t, 2, 0x0c);
	EXPECT_EQ(vx_cap_delete(t), VX_OK);
}

/* VX_REGS_NOFPU moves the integer part only: a read leaves the rest of
 * the buffer alone, a write leaves the Task's FPU image as it was (an
 * MXCSR that a whole write refuses is not even looked at), and the Task
 * runs on with it. */
static void t_foreign_regs_nofpu(void)
{
	static struct vx_regs part, whole;
	vx_handle_t t = start_child();

	if (!stopped_at(t, VX_SYS_TASK_EXIT, SYSCALL_AT + 2))
		return;
	whole = regs;
	memset(&part, 0xa5, sizeof(part));
	EXPECT_EQ(vx_task_regs(t, VX_REGS_READ | VX_REGS_NOFPU, &part), VX_OK);
	EXPECT(memcmp(&part, &whole, VX_REGS_INT_BYTES) == 0);
	EXPECT_EQ(part.stop, VX_FAULT_SYSCALL);
	EXPECT_EQ(part.fpu[0], 0xa5);
	EXPECT_EQ(part.fpu[sizeof(part.fpu) - 1], 0xa5);
	/* A buffer whose integer part ends at the last user byte: enough. */
	struct vx_regs *edge = (struct vx_regs *)(SCRATCH_VA + VX_PAGE_SIZE - VX_REGS_INT_BYTES);
	vx_handle_t pg = page(0);
	MUST(vx_task_map(self, pg, SCRATCH_VA, VX_PROT_READ | VX_PROT_WRITE));
	EXPECT_EQ(vx_task_regs(t, VX_REGS_READ | VX_REGS_NOFPU, edge), VX_OK);
	EXPECT_EQ(edge->rip, whole.rip);
	EXPECT_EQ(vx_task_regs(t, VX_REGS_READ, edge), VX_E_FAULT); /* the whole: not */
	MUST(vx_task_unmap(pg));
	MUST(vx_cap_delete(pg));
	/* XMM0 set in the buffer, and an MXCSR a whole write refuses: a
	 * write without the FPU takes neither.  rax is the answer. */
	uint64_t m2 = MAGIC2;
	uint32_t mxcsr = 0xffff0000u;
	memcpy(part.fpu + 160, &m2, 8);
	memcpy(part.fpu + 24, &mxcsr, 4);
	part.rax = 1234;
	EXPECT_EQ(vx_task_regs(t, VX_REGS_RESUME | VX_REGS_NOFPU, &part), VX_OK);
	/* Stop 2: it saw 1234; its FPU image is the one it had. */
	if (!stopped_at(t, 1235, 0x0c))
		return;
	EXPECT(memcmp(regs.fpu, whole.fpu, sizeof(regs.fpu)) == 0);
	EXPECT_EQ(vx_cap_delete(t), VX_OK);
}

/* VX_REGS_RESUME_WAIT answers a stop and waits for the next in one call:
 * its result is the bits that fired (the child's next stop), and a bad
 * wait is refused before the answer is written or the child resumed. */
static void t_foreign_resume_wait(void)
{
	static struct vx_regs before;
	vx_handle_t t = start_child();

	if (!stopped_at(t, VX_SYS_TASK_EXIT, SYSCALL_AT + 2))
		return;
	before = regs;
	regs.rax = 1234;
	EXPECT_EQ(vx_task_regs_wait(t, VX_REGS_RESUME_WAIT, &regs, 1ull << 63, VX_DEADLINE_NEVER),
		  VX_E_INVAL); /* bit 63: reserved */
	EXPECT_EQ(vx_task_regs_wait(t, VX_REGS_RESUME_WAIT, &regs, 0, VX_DEADLINE_NEVER),
		  VX_E_INVAL); /* nothing to wait for, and no end */
	EXPECT_EQ(vx_task_regs_wait(t, 4, &regs, SIG_CHILD, VX_DEADLINE_NEVER), VX_E_INVAL);
	static struct vx_regs now;
	EXPECT_EQ(vx_task_regs(t, VX_REGS_READ, &now), VX_OK); /* none of it landed */
	EXPECT(memcmp(&now, &before, sizeof(now)) == 0);
	/* Answered and waited for: the child's next stop is what wakes us. */
	EXPECT_EQ(vx_task_regs_wait(t, VX_REGS_RESUME_WAIT | VX_REGS_NOFPU, &regs, SIG_CHILD,
				    (uint64_t)vx_clock() + CHILD_WAIT),
		  (int64_t)SIG_CHILD);
	struct vx_task_info ti;
	EXPECT_EQ(vx_task_inspect(t, &ti), VX_OK);
	EXPECT_EQ(ti.state, VX_TASK_FAULTED);
	EXPECT_EQ(ti.fault.addr, 1235); /* it saw 1234 */
	EXPECT_EQ(vx_task_regs(t, VX_REGS_READ, &regs), VX_OK);
	EXPECT_EQ(regs.stop, VX_FAULT_SYSCALL);
	/* With VX_DEADLINE_NONE the wait does not block: the answer goes and
	 * the call returns what has fired by then (the child has not run). */
	regs.fs_base = TLS_VA;
	EXPECT_EQ(vx_task_regs_wait(t, VX_REGS_RESUME_WAIT, &regs, SIG_CHILD, VX_DEADLINE_NONE), 0);
	if (!stopped_at(t, MAGIC1, 0x17)) /* ...and it ran on: it read fs:[0] */
		return;
	EXPECT_EQ(vx_cap_delete(t), VX_OK);
}

/*
 * A foreign Task's syscall number 23 (Linux's select) is RING_NOTIFY_WAIT's,
 * which entry.S sends to the call/reply fastpath before the dispatcher
 * runs: the fastpath must decline it, or a foreign Task holding a bound
 * Ring whose peer waits would ring that peer and sleep without its
 * supervisor hearing of the call.  The child binds a Ring's producer end
 * natively (syscall, then ud2 stops it), turns foreign and calls 23 on it
 * while ktest, the consumer, waits for the doorbell with no deadline, as
 * the fastpath wants: only the stop may wake ktest.
 */
#define RING_VA	 0xa00000ull
#define INFO_VA	 (STACK_VA + 0x800) /* the child's vx_ring_info, on its stack page */
#define KBIT	 5
#define CHILD_RB 6
static void t_foreign_call_reply_number_stops(void)
{
	const uint32_t at = VX_BUNDLE_VADDR + offsetof(struct vx_bundle_page, entry[0].handle);
	uint8_t prog[] = {
	    0x8b, 0x3c, 0x25, 0, 0, 0, 0, /* 00 mov edi, [at] */
	    0x0f, 0x05,			  /* 07 syscall: RING_BIND, natively */
	    0x0f, 0x0b,			  /* 09 ud2: stops */
	    0x0f, 0x05,			  /* 0b syscall: 23, foreign */
	    0xeb, 0xfe,			  /* 0d jmp . */
	};
	memcpy(prog + 3, &at, 4);
	struct vx_ring_info info;
	struct vx_task_info ti;

	vx_handle_t ring = MUST(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 4)));
	MUST(vx_ring_bind(ring, VX_RING_CONSUMER, SCRATCH_VA + 0x40000, KBIT, &info));
	vx_handle_t t = MUST(vx_reticle_retype(R, VX_OBJ_TASK, 0));
	vx_handle_t text = page(0), stack = page(0);
	MUST(vx_task_map(self, text, SCRATCH_VA, VX_PROT_READ | VX_PROT_WRITE));
	memcpy((void *)SCRATCH_VA, prog, sizeof(prog));
	MUST(vx_task_unmap(text));
	MUST(vx_task_map(t, MUST(vx_cap_derive(text, VX_R_READ | VX_R_EXEC, 0)), CODE_VA,
			 VX_PROT_READ | VX_PROT_EXEC));
	MUST(vx_task_map(t, stack, STACK_VA, VX_PROT_READ | VX_PROT_WRITE));
	MUST(vx_task_supervise(t, child_sig));
	EXPECT_EQ(vx_task_set_affinity(self, 1), VX_OK); /* one CPU's order of events */
	EXPECT_EQ(vx_task_set_affinity(t, 1), VX_OK);
	vx_handle_t b = MUST(vx_reticle_retype(R, VX_OBJ_BUNDLE, 0));
	MUST(vx_bundle_add(b, "ring", 4, ring, VX_R_PRODUCE));
	EXPECT_EQ(vx_task_regs(t, VX_REGS_READ, &regs), VX_OK);
	regs.rip = CODE_VA;
	regs.rsp = STACK_VA + VX_PAGE_SIZE;
	regs.rax = VX_SYS_RING_BIND;
	regs.rsi = VX_RING_PRODUCER;
	regs.rdx = RING_VA;
	regs.r10 = CHILD_RB;
	regs.r8 = INFO_VA;
	EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE, &regs), VX_OK);
	vx_sig_wait(SIG_CHILD, VX_DEADLINE_NONE); /* a bit left by an earlier child */
	EXPECT_EQ(vx_task_start(t, b), VX_OK);
	/* Stop 1: the ud2, with the Ring bound. */
	EXPECT_EQ(vx_sig_wait(SIG_CHILD, (uint64_t)vx_clock() + CHILD_WAIT), (int64_t)SIG_CHILD);
	EXPECT_EQ(vx_task_regs(t, VX_REGS_READ, &regs), VX_OK);
	EXPECT_EQ(regs.rip, CODE_VA + 9);
	EXPECT_EQ(regs.rax, VX_OK);
	vx_sig_wait(1ull << KBIT, VX_DEADLINE_NONE); /* the bind's doorbell */
	/* Foreign now, at the syscall 23 on its producer end. */
	regs.flags = VX_REGS_FOREIGN;
	regs.rip = CODE_VA + 0x0b;
	regs.rax = VX_SYS_RING_NOTIFY_WAIT;
	regs.rsi = 1ull << CHILD_RB;
	regs.rdx = VX_DEADLINE_NEVER;
	EXPECT_EQ(vx_task_regs(t, VX_REGS_WRITE, &regs), VX_OK);
	EXPECT_EQ(vx_task_resume(t), VX_OK);
	/* Stop 2: the supervisor hears of the call; the doorbell never rang. */
	EXPECT_EQ(vx_sig_wait(SIG_CHILD | 1ull << KBIT, VX_DEADLINE_NEVER), (int64_t)SIG_CHILD);
	EXPECT_EQ(vx_task_inspect(t, &ti), VX_OK);
	EXPECT_EQ(ti.state, VX_TASK_FAULTED);
	EXPECT_EQ(ti.fault.kind, VX_FAULT_SYSCALL);
	EXPECT_EQ(ti.fault.addr, VX_SYS_RING_NOTIFY_WAIT);
	EXPECT_EQ(vx_sig_wait(1ull << KBIT, VX_DEADLINE_NONE), 0);
	EXPECT_EQ(vx_cap_delete(t), VX_OK);
	EXPECT_EQ(vx_task_set_affinity(self, 0), VX_OK);
}

void ktest_foreign(void)
{
	run("foreign_syscalls_stop_and_resume", t_foreign_syscalls_stop_and_resume);
	run("foreign_hostile_register_writes", t_foreign_hostile_regs);
	run("foreign_regs_without_the_fpu", t_foreign_regs_nofpu);
	run("foreign_resume_and_wait_in_one_call", t_foreign_resume_wait);
	run("foreign_call_reply_number_stops", t_foreign_call_reply_number_stops);
}
