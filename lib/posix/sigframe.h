/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The x86_64 Linux signal frame, for linuxd's signal delivery and
 * rt_sigreturn.
 *
 * To run a handler, Linux saves the interrupted state on the process's
 * stack and enters the handler as if called with (sig, &info, &uc) from
 * the address sa_restorer names; the restorer (glibc's __restore_rt) makes
 * the rt_sigreturn call, which takes the state back from the frame.  The
 * frame, from the interrupted rsp down:
 *
 *   rsp - 128           the red zone the interrupted code may be using
 *   fpstate             the FXSAVE image (512 bytes), 64-aligned
 *   (padding)
 *   frame + 0   pretcode    the return address: act->restorer
 *   frame + 8   uc          struct lx_ucontext: flags, link, stack,
 *                           the registers (struct lx_sigcontext), mask
 *   frame + 312 info        struct lx_siginfo
 *
 * with (frame + 8) % 16 == 0: the handler starts with rsp = frame as a
 * called function does.  uc.uc_mcontext.fpstate points at the FXSAVE
 * image.  Linux writes an XSAVE image there when the CPU has one; an
 * FXSAVE image is what it writes otherwise, and what glibc and the kernel
 * accept back (no FP_XSTATE_MAGIC1 in its last 48 bytes).
 *
 * What a program may change in the frame before it returns is taken back
 * checked: the general registers, rip, rsp, the user flags and the FPU
 * state.  A value the kernel's VX_SYS_TASK_REGS would refuse is refused
 * here first with -LX_EFAULT, Linux's answer being a SIGSEGV.  cs, ss, gs
 * and fs in the frame are ignored (a foreign Task cannot change segments),
 * and fs_base is not in the frame at all: it survives the handler as it
 * is, as on Linux.
 *
 * Not yet: alternate signal stacks (sigaltstack; uc_stack always says
 * SS_DISABLE and the frame goes below rsp), and XSAVE state beyond the
 * FXSAVE image (VectraOS keeps only that; AVX upper halves are not a
 * foreign Task's to keep).
 */
#ifndef VX_POSIX_SIGFRAME_H
#define VX_POSIX_SIGFRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vectra/abi.h>

#include "posix/linux.h"

#define LX_REDZONE		128u
#define LX_FPSTATE_SIZE		512u
#define LX_USER_CS		0x33u
#define LX_USER_DS		0x2bu
#define LX_UC_FP_XSTATE		0x1u
#define LX_UC_SIGCONTEXT_SS	0x2u
#define LX_UC_STRICT_RESTORE_SS 0x4u
#define LX_FX_MXCSR		24u	    /* MXCSR's offset in an FXSAVE image */
#define LX_MXCSR_RESERVED	0xffff0000u /* bits no CPU takes */
#define LX_MXCSR_DEFAULT	0x1f80u
#define LX_FCW_DEFAULT		0x037fu

/* struct sigcontext (x86_64): the registers in Linux's order. */
struct lx_sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp;
	uint64_t rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate; /* the FXSAVE image's address; 0: none */
	uint64_t reserved1[8];
};
_Static_assert(sizeof(struct lx_sigcontext) == 256, "lx_sigcontext layout");
_Static_assert(offsetof(struct lx_sigcontext, rip) == 128, "lx_sigcontext layout");
_Static_assert(offsetof(struct lx_sigcontext, cs) == 144, "lx_sigcontext layout");
_Static_assert(offsetof(struct lx_sigcontext, fpstate) == 184, "lx_sigcontext layout");

/* The kernel's struct ucontext (its sigset is 8 bytes, not glibc's 128). */
struct lx_ucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	struct lx_stack uc_stack;
	struct lx_sigcontext uc_mcontext;
	uint64_t uc_sigmask;
};
_Static_assert(sizeof(struct lx_ucontext) == 304, "lx_ucontext layout");
_Static_assert(offsetof(struct lx_ucontext, uc_mcontext) == 40, "lx_ucontext layout");
_Static_assert(offsetof(struct lx_ucontext, uc_sigmask) == 296, "lx_ucontext layout");

struct lx_rt_sigframe {
	uint64_t pretcode;
	struct lx_ucontext uc;
	struct lx_siginfo info;
};
_Static_assert(sizeof(struct lx_rt_sigframe) == 440, "lx_rt_sigframe layout");
_Static_assert(offsetof(struct lx_rt_sigframe, info) == 312, "lx_rt_sigframe layout");

/* The most stack a frame takes below the red zone: for AT_MINSIGSTKSZ. */
#define LX_SIGFRAME_MAX (LX_FPSTATE_SIZE + 63u + sizeof(struct lx_rt_sigframe) + 15u + 8u)

/*
 * Delivers signal sig to a handler: writes the frame below r->rsp (after
 * the red zone) into stack_mem, which maps [stack_lo_va, stack_hi_va) of
 * the process, then sets r to enter act->handler: rip = handler, rdi =
 * sig, rsi = &frame->info, rdx = &frame->uc, rax = 0, rsp = frame, DF
 * cleared, the FPU reset to its initial state (FCW 0x37f, MXCSR 0x1f80).
 * The frame holds r as it was, old_mask (the mask to restore: uc_sigmask
 * and oldmask), *si as given, and act->restorer as the return address;
 * err and trapno are 0, cr2 is si's address for SIGSEGV and SIGBUS.
 *
 * The caller then blocks lx_sigframe_mask(old_mask, sig, act) and, for
 * LX_SA_RESETHAND, resets the action.
 *
 * Returns 0; -LX_EFAULT if the frame does not fit in [stack_lo_va,
 * stack_hi_va) or act lacks LX_SA_RESTORER (x86_64 has no default return
 * path: Linux fails the delivery, and the process gets SIGSEGV);
 * -LX_EINVAL if sig is not 1..LX_NSIG or the handler is LX_SIG_DFL or
 * LX_SIG_IGN.  On an error neither r nor stack_mem is changed.
 */
int lx_sigframe_push(struct vx_regs *r, uint8_t *stack_mem, uint64_t stack_lo_va,
		     uint64_t stack_hi_va, int sig, const struct lx_siginfo *si, uint64_t old_mask,
		     const struct lx_sigaction *act);

/*
 * rt_sigreturn: takes the state back from the frame at r->rsp - 8 (the
 * restorer's ret has popped pretcode) in stack_mem, which maps [lo, hi).
 * Restores the sixteen general registers (rax too: the result of
 * rt_sigreturn is the interrupted rax, which linuxd must not overwrite),
 * rip, rsp, the user flags (VX_RFLAGS_USER of eflags; the rest of
 * r->rflags is kept) and the FXSAVE image (the initial state if fpstate
 * is 0); sets *mask to uc_sigmask without SIGKILL and SIGSTOP.
 *
 * Returns 0, or -LX_EFAULT (the process gets SIGSEGV) if the frame or the
 * FXSAVE image is not wholly inside [lo, hi), the image is not 16-aligned,
 * its MXCSR sets a reserved bit (LX_MXCSR_RESERVED), rip is at or above
 * VX_MAP_END, or rsp at or above VX_USER_END.  On an error neither r nor
 * *mask is changed.
 */
int lx_sigframe_pop(struct vx_regs *r, const uint8_t *stack_mem, uint64_t lo, uint64_t hi,
		    uint64_t *mask);

/* The mask a handler runs with: old_mask, act->mask and (unless
 * LX_SA_NODEFER) sig itself, never SIGKILL or SIGSTOP. */
uint64_t lx_sigframe_mask(uint64_t old_mask, int sig, const struct lx_sigaction *act);

#endif
