/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/posix/sigframe.c: the x86_64 signal frame.
 *
 * Three differential checks against the host's Linux, besides the layout
 * against glibc's <sys/ucontext.h>:
 *   - a frame the host kernel built (SIGUSR1 delivered on an alternate
 *     stack in a heap buffer) is taken back by lx_sigframe_pop into the
 *     very registers, FPU image and mask the kernel saved in it, and sits
 *     where our own push would put it relative to its parts;
 *   - a frame lx_sigframe_push built is handed to the host kernel's own
 *     rt_sigreturn, which must resume exactly the state we saved: an asm
 *     landing pad records all sixteen registers, the flags and an FXSAVE
 *     image, and the signal mask, then longjmps back into the test.
 * Then push/pop round trips and the hostile frames pop must refuse.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/ucontext.h>
#include <unistd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "posix/sigframe.h"

#define EQ(a, b) assert_int_equal((long long)(a), (long long)(b))
#define GREG(r)	 (offsetof(ucontext_t, uc_mcontext.gregs) + 8 * (r))
#define OURS(f)	 offsetof(struct lx_ucontext, uc_mcontext.f)

/* Our ucontext against glibc's: the same bytes up to the (longer) mask. */
static void test_layout_vs_glibc(void **state)
{
	(void)state;
	EQ(offsetof(struct lx_ucontext, uc_flags), offsetof(ucontext_t, uc_flags));
	EQ(offsetof(struct lx_ucontext, uc_link), offsetof(ucontext_t, uc_link));
	EQ(offsetof(struct lx_ucontext, uc_stack), offsetof(ucontext_t, uc_stack));
	EQ(offsetof(struct lx_ucontext, uc_mcontext), offsetof(ucontext_t, uc_mcontext));
	EQ(offsetof(struct lx_ucontext, uc_sigmask), offsetof(ucontext_t, uc_sigmask));
	EQ(OURS(r8), GREG(REG_R8));
	EQ(OURS(r9), GREG(REG_R9));
	EQ(OURS(r10), GREG(REG_R10));
	EQ(OURS(r11), GREG(REG_R11));
	EQ(OURS(r12), GREG(REG_R12));
	EQ(OURS(r13), GREG(REG_R13));
	EQ(OURS(r14), GREG(REG_R14));
	EQ(OURS(r15), GREG(REG_R15));
	EQ(OURS(rdi), GREG(REG_RDI));
	EQ(OURS(rsi), GREG(REG_RSI));
	EQ(OURS(rbp), GREG(REG_RBP));
	EQ(OURS(rbx), GREG(REG_RBX));
	EQ(OURS(rdx), GREG(REG_RDX));
	EQ(OURS(rax), GREG(REG_RAX));
	EQ(OURS(rcx), GREG(REG_RCX));
	EQ(OURS(rsp), GREG(REG_RSP));
	EQ(OURS(rip), GREG(REG_RIP));
	EQ(OURS(eflags), GREG(REG_EFL));
	EQ(OURS(cs), GREG(REG_CSGSFS));
	EQ(OURS(err), GREG(REG_ERR));
	EQ(OURS(trapno), GREG(REG_TRAPNO));
	EQ(OURS(oldmask), GREG(REG_OLDMASK));
	EQ(OURS(cr2), GREG(REG_CR2));
	EQ(OURS(fpstate), offsetof(ucontext_t, uc_mcontext.fpregs));
	EQ(sizeof(struct _libc_fpstate), LX_FPSTATE_SIZE);
	EQ(offsetof(struct _libc_fpstate, mxcsr), LX_FX_MXCSR);
	EQ(sizeof(struct lx_stack), sizeof(stack_t));
}

/* ---- the host kernel's frame, taken back by our pop ---- */

#define ALT_SIZE (64u * 1024u)

static uint8_t *alt;
static volatile int got;
static int pop_rc;
static struct vx_regs popped;
static uint64_t popped_mask, kernel_restorer;
static ucontext_t seen_uc; /* a copy of what the kernel saved */
static uint8_t seen_fp[512];
static uint64_t seen_pretcode, seen_uc_at, seen_info_at;

static void on_usr1(int sig, siginfo_t *info, void *ucv)
{
	ucontext_t *uc = ucv;
	uint64_t lo = (uint64_t)(uintptr_t)alt;

	(void)sig;
	memcpy(&seen_uc, uc, sizeof(seen_uc));
	memcpy(seen_fp, uc->uc_mcontext.fpregs, sizeof(seen_fp));
	memcpy(&seen_pretcode, (uint8_t *)uc - 8, 8);
	seen_uc_at = (uint64_t)(uintptr_t)uc;
	seen_info_at = (uint64_t)(uintptr_t)info;
	memset(&popped, 0, sizeof(popped));
	popped.rsp = seen_uc_at; /* the restorer's ret popped pretcode */
	popped.rflags = 0x202;
	pop_rc = lx_sigframe_pop(&popped, alt, lo, lo + ALT_SIZE, &popped_mask);
	got = 1;
}

static void test_pop_host_frame(void **state)
{
	struct lx_sigaction k;
	struct sigaction sa, old;
	stack_t ss = {0}, oss;
	sigset_t block, was;
	uint64_t want_mask;

	(void)state;
	alt = aligned_alloc(64, ALT_SIZE);
	assert_non_null(alt);
	memset(alt, 0, ALT_SIZE);
	ss.ss_sp = alt;
	ss.ss_size = ALT_SIZE;
	assert_int_equal(sigaltstack(&ss, &oss), 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);
	/* The restorer glibc registered, read back from the kernel itself. */
	assert_int_equal(syscall(SYS_rt_sigaction, SIGUSR1, NULL, &k, 8), 0);
	kernel_restorer = k.restorer;
	/* Something blocked, so that the saved mask says something. */
	sigemptyset(&block);
	sigaddset(&block, SIGUSR2);
	sigaddset(&block, SIGWINCH);
	assert_int_equal(sigprocmask(SIG_BLOCK, &block, &was), 0);
	got = 0;
	raise(SIGUSR1);
	assert_int_equal(sigprocmask(SIG_SETMASK, &was, NULL), 0);
	assert_int_equal(sigaction(SIGUSR1, &old, NULL), 0);
	ss.ss_flags = SS_DISABLE;
	sigaltstack(oss.ss_flags & SS_DISABLE ? &ss : &oss, NULL);
	assert_true(got);

	/* Where the parts are: as our push places them. */
	assert_int_equal(seen_uc_at % 16, 0);		  /* (frame + 8) % 16 == 0 */
	assert_int_equal(seen_info_at, seen_uc_at + 304); /* info right after uc */
	assert_int_equal(seen_pretcode, kernel_restorer);
	assert_int_equal((uintptr_t)seen_uc.uc_mcontext.fpregs % 64, 0);
	assert_true((uintptr_t)seen_uc.uc_mcontext.fpregs >= seen_info_at + 128);
	assert_int_equal(seen_uc.uc_mcontext.gregs[REG_CSGSFS] & 0xffff, LX_USER_CS);

	/* And what our pop took back is what the kernel saved. */
	assert_int_equal(pop_rc, 0);
	EQ(popped.r8, seen_uc.uc_mcontext.gregs[REG_R8]);
	EQ(popped.r9, seen_uc.uc_mcontext.gregs[REG_R9]);
	EQ(popped.r10, seen_uc.uc_mcontext.gregs[REG_R10]);
	EQ(popped.r11, seen_uc.uc_mcontext.gregs[REG_R11]);
	EQ(popped.r12, seen_uc.uc_mcontext.gregs[REG_R12]);
	EQ(popped.r13, seen_uc.uc_mcontext.gregs[REG_R13]);
	EQ(popped.r14, seen_uc.uc_mcontext.gregs[REG_R14]);
	EQ(popped.r15, seen_uc.uc_mcontext.gregs[REG_R15]);
	EQ(popped.rdi, seen_uc.uc_mcontext.gregs[REG_RDI]);
	EQ(popped.rsi, seen_uc.uc_mcontext.gregs[REG_RSI]);
	EQ(popped.rbp, seen_uc.uc_mcontext.gregs[REG_RBP]);
	EQ(popped.rbx, seen_uc.uc_mcontext.gregs[REG_RBX]);
	EQ(popped.rdx, seen_uc.uc_mcontext.gregs[REG_RDX]);
	EQ(popped.rax, seen_uc.uc_mcontext.gregs[REG_RAX]);
	EQ(popped.rcx, seen_uc.uc_mcontext.gregs[REG_RCX]);
	EQ(popped.rsp, seen_uc.uc_mcontext.gregs[REG_RSP]);
	EQ(popped.rip, seen_uc.uc_mcontext.gregs[REG_RIP]);
	EQ(popped.rflags & VX_RFLAGS_USER, seen_uc.uc_mcontext.gregs[REG_EFL] & VX_RFLAGS_USER);
	assert_memory_equal(popped.fpu, seen_fp, 512);
	memcpy(&want_mask, &seen_uc.uc_sigmask, 8);
	EQ(popped_mask, want_mask);
	assert_true(popped_mask & LX_SIGBIT(LX_SIGUSR2));
	assert_true(popped_mask & LX_SIGBIT(LX_SIGWINCH));
	free(alt);
}

/* ---- our frame, taken back by the host kernel's rt_sigreturn ---- */

/* What the landing pad saw: the 16 registers (rax, rbx, rcx, rdx, rsi,
 * rdi, rbp, rsp, r8..r15), rflags, and an FXSAVE image. */
uint64_t lx_landed[17];
uint8_t lx_landed_fpu[512] __attribute__((aligned(16)));
static sigjmp_buf landed_env;
static sigset_t landed_mask;

void lx_landing(void);
void lx_landing_c(void);

__asm__(".text\n"
	".globl lx_landing\n"
	"lx_landing:\n"
	"	movq %rax, lx_landed+0(%rip)\n"
	"	movq %rbx, lx_landed+8(%rip)\n"
	"	movq %rcx, lx_landed+16(%rip)\n"
	"	movq %rdx, lx_landed+24(%rip)\n"
	"	movq %rsi, lx_landed+32(%rip)\n"
	"	movq %rdi, lx_landed+40(%rip)\n"
	"	movq %rbp, lx_landed+48(%rip)\n"
	"	movq %rsp, lx_landed+56(%rip)\n"
	"	movq %r8, lx_landed+64(%rip)\n"
	"	movq %r9, lx_landed+72(%rip)\n"
	"	movq %r10, lx_landed+80(%rip)\n"
	"	movq %r11, lx_landed+88(%rip)\n"
	"	movq %r12, lx_landed+96(%rip)\n"
	"	movq %r13, lx_landed+104(%rip)\n"
	"	movq %r14, lx_landed+112(%rip)\n"
	"	movq %r15, lx_landed+120(%rip)\n"
	"	pushfq\n"
	"	popq lx_landed+128(%rip)\n"
	"	fxsave64 lx_landed_fpu(%rip)\n"
	"	andq $-16, %rsp\n"
	"	call lx_landing_c\n"
	"	ud2\n");

__attribute__((noreturn)) void lx_landing_c(void)
{
	sigprocmask(SIG_SETMASK, NULL, &landed_mask);
	siglongjmp(landed_env, 1);
}

static void test_host_sigreturn_takes_our_frame(void **state)
{
	uint8_t area[32768]
	    __attribute__((aligned(64))); /* on this stack: the landing runs there */
	static struct vx_regs r, saved;
	struct lx_sigaction act = {0x1234, LX_SA_SIGINFO | LX_SA_RESTORER, 0x5678, 0};
	struct lx_siginfo si;
	uint64_t lo = (uint64_t)(uintptr_t)area, hi = lo + sizeof(area);
	double x0 = 2.5;
	uint32_t mxcsr = 0x1f80 | 0x6000; /* round toward zero: a visible change */
	sigset_t before;
	stack_t oss;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.rax = 0x1111111111111111;
	r.rbx = 0x2222222222222222;
	r.rcx = 0x3333333333333333;
	r.rdx = 0x4444444444444444;
	r.rsi = 0x5555555555555555;
	r.rdi = 0x6666666666666666;
	r.rbp = 0x7777777777777777;
	r.r8 = 0x8888888888888888;
	r.r9 = 0x9999999999999999;
	r.r10 = 0xaaaaaaaaaaaaaaaa;
	r.r11 = 0xbbbbbbbbbbbbbbbb;
	r.r12 = 0xcccccccccccccccc;
	r.r13 = 0xdddddddddddddddd;
	r.r14 = 0xeeeeeeeeeeeeeeee;
	r.r15 = 0x0f0f0f0f0f0f0f0f;
	r.rip = (uint64_t)(uintptr_t)lx_landing;
	r.rsp = ((hi - 64) & ~15ull) - 8;      /* as if just called */
	r.rflags = 0x202 | 0x1 | 0x80 | 0x800; /* IF, and CF SF OF to see */
	__asm__ volatile("fxsave64 %0" : "=m"(r.fpu));
	memcpy(r.fpu + 160, &x0, sizeof(x0)); /* xmm0's low half */
	memcpy(r.fpu + LX_FX_MXCSR, &mxcsr, 4);
	saved = r;
	memset(&si, 0, sizeof(si));
	si.si_signo = LX_SIGUSR1;

	/* The mask the frame restores: SIGUSR2 blocked, on top of ours. */
	sigprocmask(SIG_SETMASK, NULL, &before);
	{
		uint64_t m;

		memcpy(&m, &before, 8);
		assert_int_equal(lx_sigframe_push(&r, area, lo, hi, LX_SIGUSR1, &si,
						  m | LX_SIGBIT(LX_SIGUSR2), &act),
				 0);
	}
	sigaltstack(NULL, &oss);
	if (sigsetjmp(landed_env, 1) == 0) {
		uint64_t sp = r.rsp + 8; /* the handler returned: pretcode popped */

		__asm__ volatile("movq %0, %%rsp\n\t"
				 "movl $15, %%eax\n\t"
				 "syscall\n\t"
				 "ud2"
				 :
				 : "r"(sp)
				 : "memory");
	}
	/* rt_sigreturn set the altstack from our frame's uc_stack: put it back. */
	if (!(oss.ss_flags & SS_DISABLE))
		sigaltstack(&oss, NULL);
	EQ(lx_landed[0], saved.rax);
	EQ(lx_landed[1], saved.rbx);
	EQ(lx_landed[2], saved.rcx);
	EQ(lx_landed[3], saved.rdx);
	EQ(lx_landed[4], saved.rsi);
	EQ(lx_landed[5], saved.rdi);
	EQ(lx_landed[6], saved.rbp);
	EQ(lx_landed[7], saved.rsp);
	EQ(lx_landed[8], saved.r8);
	EQ(lx_landed[9], saved.r9);
	EQ(lx_landed[10], saved.r10);
	EQ(lx_landed[11], saved.r11);
	EQ(lx_landed[12], saved.r12);
	EQ(lx_landed[13], saved.r13);
	EQ(lx_landed[14], saved.r14);
	EQ(lx_landed[15], saved.r15);
	EQ(lx_landed[16] & VX_RFLAGS_USER, saved.rflags & VX_RFLAGS_USER);
	assert_memory_equal(lx_landed_fpu + 160, saved.fpu + 160, 256); /* xmm0..15 */
	assert_memory_equal(lx_landed_fpu + LX_FX_MXCSR, &mxcsr, 4);
	assert_memory_equal(lx_landed_fpu, saved.fpu, 2); /* FCW */
	assert_true(sigismember(&landed_mask, SIGUSR2));
}

/* ---- push and pop on their own ---- */

#define LO   0x7ffff0000000ull
#define SIZE (64u * 1024u)
#define HI   (LO + SIZE)

static struct vx_regs sample_regs(unsigned seed)
{
	struct vx_regs r;
	uint64_t *g = &r.rax;
	uint32_t mxcsr = 0x1f80;

	memset(&r, 0, sizeof(r));
	for (int i = 0; i < 16; i++)
		g[i] = 0x0101010101010101ull * (uint64_t)(i + 1) + seed;
	r.rsp = HI - 4096 - (seed % 64);
	r.rip = 0x401000 + seed;
	r.rflags = 0x202 | 0x400 | 0x85; /* IF DF SF PF CF */
	r.fs_base = 0x7f0000001000;
	for (int i = 0; i < 512; i++)
		r.fpu[i] = (uint8_t)(i * 7 + seed);
	memcpy(r.fpu + LX_FX_MXCSR, &mxcsr, 4);
	return r;
}

static const struct lx_sigaction handler = {0x402000, LX_SA_SIGINFO | LX_SA_RESTORER, 0x403000,
					    LX_SIGBIT(LX_SIGTERM)};

static struct lx_siginfo sample_info(void)
{
	struct lx_siginfo si;

	memset(&si, 0, sizeof(si));
	si.si_signo = LX_SIGSEGV;
	si.si_code = LX_SEGV_MAPERR;
	si.f.fault.addr = 0xdead000;
	return si;
}

static void test_push_then_pop(void **state)
{
	static uint8_t mem[SIZE];
	struct lx_siginfo si = sample_info();

	(void)state;
	for (unsigned seed = 0; seed < 64; seed++) {
		struct vx_regs r = sample_regs(seed), orig = r, back;
		struct lx_rt_sigframe f;
		uint64_t frame, mask = 0, fx;

		memset(mem, 0x5a, sizeof(mem));
		assert_int_equal(
		    lx_sigframe_push(&r, mem, LO, HI, LX_SIGSEGV, &si, 0x1234, &handler), 0);
		frame = r.rsp;
		assert_int_equal((frame + 8) % 16, 0);
		assert_true(frame + sizeof(f) <= orig.rsp - LX_REDZONE);
		assert_true(orig.rsp - frame <= LX_REDZONE + LX_SIGFRAME_MAX);
		EQ(r.rip, handler.handler);
		EQ(r.rdi, LX_SIGSEGV);
		EQ(r.rsi, frame + 312);
		EQ(r.rdx, frame + 8);
		EQ(r.rax, 0);
		EQ(r.rflags & 0x400, 0);
		EQ(r.fs_base, orig.fs_base);
		memcpy(&f, mem + (frame - LO), sizeof(f));
		EQ(f.pretcode, handler.restorer);
		EQ(f.uc.uc_sigmask, 0x1234);
		EQ(f.uc.uc_mcontext.oldmask, 0x1234);
		EQ(f.uc.uc_mcontext.cr2, 0xdead000);
		EQ(f.uc.uc_mcontext.cs, LX_USER_CS);
		EQ(f.uc.uc_stack.ss_flags, LX_SS_DISABLE);
		assert_memory_equal(&f.info, &si, sizeof(si));
		fx = f.uc.uc_mcontext.fpstate;
		assert_int_equal(fx % 64, 0);
		assert_true(fx >= frame + sizeof(f) && fx + 512 <= orig.rsp - LX_REDZONE);
		assert_memory_equal(mem + (fx - LO), orig.fpu, 512);
		/* The handler's FPU is the initial one. */
		EQ(r.fpu[0] | r.fpu[1] << 8, LX_FCW_DEFAULT);
		/* The red zone and everything above it untouched. */
		for (uint64_t va = orig.rsp - LX_REDZONE; va < HI; va++)
			assert_int_equal(mem[va - LO], 0x5a);
		/* The handler returns through the restorer: ret pops pretcode. */
		back = r;
		back.rsp = frame + 8;
		back.rax = 99;
		assert_int_equal(lx_sigframe_pop(&back, mem, LO, HI, &mask), 0);
		EQ(mask, 0x1234);
		assert_memory_equal(&back.rax, &orig.rax, 18 * 8); /* 16 GPRs, rip, rflags */
		assert_memory_equal(back.fpu, orig.fpu, 512);
		EQ(back.fs_base, orig.fs_base);
	}
}

static void test_push_refusals(void **state)
{
	static uint8_t mem[SIZE];
	struct lx_siginfo si = sample_info();
	struct lx_sigaction act = handler;
	struct vx_regs r = sample_regs(3), orig = r;

	(void)state;
	memset(mem, 0x5a, sizeof(mem));
	/* No restorer: Linux cannot return from the handler either. */
	act.flags &= ~LX_SA_RESTORER;
	assert_int_equal(lx_sigframe_push(&r, mem, LO, HI, LX_SIGINT, &si, 0, &act), -LX_EFAULT);
	act = handler;
	act.handler = LX_SIG_DFL;
	assert_int_equal(lx_sigframe_push(&r, mem, LO, HI, LX_SIGINT, &si, 0, &act), -LX_EINVAL);
	act.handler = LX_SIG_IGN;
	assert_int_equal(lx_sigframe_push(&r, mem, LO, HI, LX_SIGINT, &si, 0, &act), -LX_EINVAL);
	assert_int_equal(lx_sigframe_push(&r, mem, LO, HI, 0, &si, 0, &handler), -LX_EINVAL);
	assert_int_equal(lx_sigframe_push(&r, mem, LO, HI, 65, &si, 0, &handler), -LX_EINVAL);
	/* The stack too small below rsp: rsp near its bottom. */
	r.rsp = LO + 1000;
	assert_int_equal(lx_sigframe_push(&r, mem, LO, HI, LX_SIGINT, &si, 0, &handler),
			 -LX_EFAULT);
	/* rsp above the stack's mapping, or near address 0. */
	r.rsp = HI + 0x100000;
	assert_int_equal(lx_sigframe_push(&r, mem, LO, HI, LX_SIGINT, &si, 0, &handler),
			 -LX_EFAULT);
	r.rsp = 100;
	assert_int_equal(lx_sigframe_push(&r, mem, LO, HI, LX_SIGINT, &si, 0, &handler),
			 -LX_EFAULT);
	r.rsp = orig.rsp;
	assert_memory_equal(&r, &orig, sizeof(r));
	for (size_t i = 0; i < SIZE; i++)
		assert_int_equal(mem[i], 0x5a);
}

/* A pushed frame, then one field of it broken before the pop. */
struct popcase {
	uint8_t mem[SIZE];
	struct vx_regs r;	 /* at the restorer's syscall: rsp = frame + 8 */
	struct lx_rt_sigframe f; /* the frame, to edit and write back */
	uint64_t frame;
};

static void make_case(struct popcase *c)
{
	struct lx_siginfo si = sample_info();

	memset(c->mem, 0, sizeof(c->mem));
	c->r = sample_regs(5);
	assert_int_equal(lx_sigframe_push(&c->r, c->mem, LO, HI, LX_SIGSEGV, &si, 0, &handler), 0);
	c->frame = c->r.rsp;
	c->r.rsp += 8;
	memcpy(&c->f, c->mem + (c->frame - LO), sizeof(c->f));
}

static int pop_edited(struct popcase *c)
{
	struct vx_regs before;
	uint64_t mask = 77;
	int rc;

	memcpy(c->mem + (c->frame - LO), &c->f, sizeof(c->f));
	before = c->r;
	rc = lx_sigframe_pop(&c->r, c->mem, LO, HI, &mask);
	if (rc != 0) {
		assert_memory_equal(&c->r, &before, sizeof(before));
		EQ(mask, 77);
	}
	return rc;
}

static void test_pop_hostile_frames(void **state)
{
	static struct popcase c;
	uint32_t bad = 0x1f80 | 0x10000;
	uint64_t mask;
	struct vx_regs r;

	(void)state;
	make_case(&c);
	assert_int_equal(pop_edited(&c), 0);
	/* The frame itself outside the stack. */
	make_case(&c);
	c.r.rsp = LO + 4; /* frame at LO - 4 */
	assert_int_equal(pop_edited(&c), -LX_EFAULT);
	c.r.rsp = HI - 100; /* runs past the top */
	assert_int_equal(pop_edited(&c), -LX_EFAULT);
	c.r.rsp = 4; /* rsp - 8 wraps */
	assert_int_equal(pop_edited(&c), -LX_EFAULT);
	c.r.rsp = ~0ull - 100;
	assert_int_equal(pop_edited(&c), -LX_EFAULT);
	/* fpstate outside, straddling the top, wrapping, misaligned. */
	make_case(&c);
	c.f.uc.uc_mcontext.fpstate = LO - 512;
	assert_int_equal(pop_edited(&c), -LX_EFAULT);
	c.f.uc.uc_mcontext.fpstate = HI - 256;
	assert_int_equal(pop_edited(&c), -LX_EFAULT);
	c.f.uc.uc_mcontext.fpstate = ~0ull - 15;
	assert_int_equal(pop_edited(&c), -LX_EFAULT);
	c.f.uc.uc_mcontext.fpstate = LO + 8;
	assert_int_equal(pop_edited(&c), -LX_EFAULT);
	c.f.uc.uc_mcontext.fpstate = 0x1000; /* some other memory of the process */
	assert_int_equal(pop_edited(&c), -LX_EFAULT);
	/* A reserved MXCSR bit: FXRSTOR would fault. */
	make_case(&c);
	memcpy(c.mem + (c.f.uc.uc_mcontext.fpstate - LO) + LX_FX_MXCSR, &bad, 4);
	assert_int_equal(pop_edited(&c), -LX_EFAULT);
	/* rip and rsp the kernel's TASK_REGS would refuse. */
	make_case(&c);
	c.f.uc.uc_mcontext.rip = VX_MAP_END;
	assert_int_equal(pop_edited(&c), -LX_EFAULT);
	c.f.uc.uc_mcontext.rip = 0xffffffff81000000ull;
	assert_int_equal(pop_edited(&c), -LX_EFAULT);
	c.f.uc.uc_mcontext.rip = VX_MAP_END - 1;
	assert_int_equal(pop_edited(&c), 0);
	make_case(&c);
	c.f.uc.uc_mcontext.rsp = VX_USER_END;
	assert_int_equal(pop_edited(&c), -LX_EFAULT);
	c.f.uc.uc_mcontext.rsp = 0x8000000000000000ull;
	assert_int_equal(pop_edited(&c), -LX_EFAULT);
	/* Flags beyond the user's are not taken; segments are ignored. */
	make_case(&c);
	c.f.uc.uc_mcontext.eflags = ~0ull;
	c.f.uc.uc_mcontext.cs = 0x23; /* 32-bit code: not here */
	c.r.rflags = 0x202;
	assert_int_equal(pop_edited(&c), 0);
	EQ(c.r.rflags, 0x202 | VX_RFLAGS_USER);
	/* fpstate 0: the initial FPU state. */
	make_case(&c);
	c.f.uc.uc_mcontext.fpstate = 0;
	assert_int_equal(pop_edited(&c), 0);
	EQ(c.r.fpu[0] | c.r.fpu[1] << 8, LX_FCW_DEFAULT);
	/* SIGKILL and SIGSTOP can never be blocked. */
	make_case(&c);
	c.f.uc.uc_sigmask = ~0ull;
	memcpy(c.mem + (c.frame - LO), &c.f, sizeof(c.f));
	r = c.r;
	assert_int_equal(lx_sigframe_pop(&r, c.mem, LO, HI, &mask), 0);
	EQ(mask, ~0ull & ~(LX_SIGBIT(LX_SIGKILL) | LX_SIGBIT(LX_SIGSTOP)));
}

static void test_handler_mask(void **state)
{
	struct lx_sigaction a = handler;

	(void)state;
	EQ(lx_sigframe_mask(0, LX_SIGINT, &a), LX_SIGBIT(LX_SIGINT) | LX_SIGBIT(LX_SIGTERM));
	a.flags |= LX_SA_NODEFER;
	EQ(lx_sigframe_mask(1, LX_SIGINT, &a), 1 | LX_SIGBIT(LX_SIGTERM));
	a.mask = ~0ull;
	EQ(lx_sigframe_mask(0, LX_SIGINT, &a),
	   ~0ull & ~(LX_SIGBIT(LX_SIGKILL) | LX_SIGBIT(LX_SIGSTOP)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_layout_vs_glibc),
	    cmocka_unit_test(test_pop_host_frame),
	    cmocka_unit_test(test_host_sigreturn_takes_our_frame),
	    cmocka_unit_test(test_push_then_pop),
	    cmocka_unit_test(test_push_refusals),
	    cmocka_unit_test(test_pop_hostile_frames),
	    cmocka_unit_test(test_handler_mask),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
