/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The x86_64 signal frame (see posix/sigframe.h).  Each call checks
 * everything before it changes anything: push computes the frame's place
 * and fits it in the stack first, pop copies the frame out and checks the
 * copy.
 */
#include "posix/sigframe.h"
#include <vx_string.h>

#define UNBLOCKABLE (LX_SIGBIT(LX_SIGKILL) | LX_SIGBIT(LX_SIGSTOP))
#define RFLAGS_DF   0x400ull

/* Whether [va, va + n) lies inside [lo, hi), without wrapping. */
static bool inside(uint64_t va, uint64_t n, uint64_t lo, uint64_t hi)
{
	return va >= lo && hi >= lo && n <= hi - lo && va - lo <= hi - lo - n;
}

/* The FPU's state after reset (FNINIT, MXCSR's default): what a handler
 * starts with. */
static void fpu_init(uint8_t fpu[512])
{
	uint16_t fcw = LX_FCW_DEFAULT;
	uint32_t mxcsr = LX_MXCSR_DEFAULT;

	memset(fpu, 0, 512);
	memcpy(fpu, &fcw, sizeof(fcw));
	memcpy(fpu + LX_FX_MXCSR, &mxcsr, sizeof(mxcsr));
}

static void regs_to_sigcontext(const struct vx_regs *r, struct lx_sigcontext *sc)
{
	sc->r8 = r->r8;
	sc->r9 = r->r9;
	sc->r10 = r->r10;
	sc->r11 = r->r11;
	sc->r12 = r->r12;
	sc->r13 = r->r13;
	sc->r14 = r->r14;
	sc->r15 = r->r15;
	sc->rdi = r->rdi;
	sc->rsi = r->rsi;
	sc->rbp = r->rbp;
	sc->rbx = r->rbx;
	sc->rdx = r->rdx;
	sc->rax = r->rax;
	sc->rcx = r->rcx;
	sc->rsp = r->rsp;
	sc->rip = r->rip;
	sc->eflags = r->rflags;
	sc->cs = LX_USER_CS;
	sc->ss = LX_USER_DS;
}

static void sigcontext_to_regs(const struct lx_sigcontext *sc, struct vx_regs *r)
{
	r->r8 = sc->r8;
	r->r9 = sc->r9;
	r->r10 = sc->r10;
	r->r11 = sc->r11;
	r->r12 = sc->r12;
	r->r13 = sc->r13;
	r->r14 = sc->r14;
	r->r15 = sc->r15;
	r->rdi = sc->rdi;
	r->rsi = sc->rsi;
	r->rbp = sc->rbp;
	r->rbx = sc->rbx;
	r->rdx = sc->rdx;
	r->rax = sc->rax;
	r->rcx = sc->rcx;
	r->rsp = sc->rsp;
	r->rip = sc->rip;
	r->rflags = (r->rflags & ~VX_RFLAGS_USER) | (sc->eflags & VX_RFLAGS_USER);
}

uint64_t lx_sigframe_mask(uint64_t old_mask, int sig, const struct lx_sigaction *act)
{
	uint64_t m = old_mask | act->mask;

	if (!(act->flags & LX_SA_NODEFER) && sig >= 1 && sig <= LX_NSIG)
		m |= LX_SIGBIT(sig);
	return m & ~UNBLOCKABLE;
}

int lx_sigframe_push(struct vx_regs *r, uint8_t *stack_mem, uint64_t stack_lo_va,
		     uint64_t stack_hi_va, int sig, const struct lx_siginfo *si, uint64_t old_mask,
		     const struct lx_sigaction *act)
{
	struct lx_rt_sigframe f;
	uint64_t fx, frame;

	if (sig < 1 || sig > LX_NSIG || act->handler == LX_SIG_DFL || act->handler == LX_SIG_IGN)
		return -LX_EINVAL;
	if (!(act->flags & LX_SA_RESTORER))
		return -LX_EFAULT;
	if (r->rsp < LX_REDZONE + LX_SIGFRAME_MAX)
		return -LX_EFAULT;
	fx = (r->rsp - LX_REDZONE - LX_FPSTATE_SIZE) & ~63ull;
	frame = ((fx - sizeof(f)) & ~15ull) - 8;
	if (!inside(frame, fx + LX_FPSTATE_SIZE - frame, stack_lo_va, stack_hi_va))
		return -LX_EFAULT;

	memset(&f, 0, sizeof(f));
	f.pretcode = act->restorer;
	f.uc.uc_flags = LX_UC_SIGCONTEXT_SS | LX_UC_STRICT_RESTORE_SS;
	f.uc.uc_stack.ss_flags = LX_SS_DISABLE;
	regs_to_sigcontext(r, &f.uc.uc_mcontext);
	f.uc.uc_mcontext.oldmask = old_mask;
	f.uc.uc_mcontext.fpstate = fx;
	if (sig == LX_SIGSEGV || sig == LX_SIGBUS)
		f.uc.uc_mcontext.cr2 = si->f.fault.addr;
	f.uc.uc_sigmask = old_mask;
	f.info = *si;
	memset(stack_mem + (frame - stack_lo_va), 0, (size_t)(fx - frame));
	memcpy(stack_mem + (frame - stack_lo_va), &f, sizeof(f));
	memcpy(stack_mem + (fx - stack_lo_va), r->fpu, LX_FPSTATE_SIZE);

	r->rip = act->handler;
	r->rdi = (uint64_t)sig;
	r->rsi = frame + offsetof(struct lx_rt_sigframe, info);
	r->rdx = frame + offsetof(struct lx_rt_sigframe, uc);
	r->rax = 0;
	r->rsp = frame;
	r->rflags &= ~RFLAGS_DF;
	fpu_init(r->fpu);
	return 0;
}

int lx_sigframe_pop(struct vx_regs *r, const uint8_t *stack_mem, uint64_t lo, uint64_t hi,
		    uint64_t *mask)
{
	struct lx_ucontext uc;
	const struct lx_sigcontext *sc = &uc.uc_mcontext;
	uint8_t fpu[LX_FPSTATE_SIZE];
	uint64_t at;
	uint32_t mxcsr;

	if (r->rsp < 8 || !inside(r->rsp - 8, sizeof(struct lx_rt_sigframe), lo, hi))
		return -LX_EFAULT;
	at = r->rsp - 8 + offsetof(struct lx_rt_sigframe, uc);
	memcpy(&uc, stack_mem + (at - lo), sizeof(uc));
	if (sc->fpstate == 0) {
		fpu_init(fpu);
	} else {
		if (sc->fpstate % 16 != 0 || !inside(sc->fpstate, LX_FPSTATE_SIZE, lo, hi))
			return -LX_EFAULT;
		memcpy(fpu, stack_mem + (sc->fpstate - lo), LX_FPSTATE_SIZE);
	}
	memcpy(&mxcsr, fpu + LX_FX_MXCSR, sizeof(mxcsr));
	if ((mxcsr & LX_MXCSR_RESERVED) || sc->rip >= VX_MAP_END || sc->rsp >= VX_USER_END)
		return -LX_EFAULT;

	sigcontext_to_regs(sc, r);
	memcpy(r->fpu, fpu, LX_FPSTATE_SIZE);
	*mask = uc.uc_sigmask & ~UNBLOCKABLE;
	return 0;
}
