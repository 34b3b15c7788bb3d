/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one way into the kernel and the one way out.
 *
 * Every entry from user mode saves the user registers into the current
 * Task's struct trapframe (arch.h) and then runs C on the per-CPU kernel
 * stack.  Interrupts find the trapframe because TSS.rsp0 points just past
 * it; syscall finds it through cpu.frame_top.  The per-CPU block is at
 * %gs: every entry from user mode swaps in the kernel's GS base (swapgs)
 * and every exit swaps user mode's back.  A trap from kernel mode checks
 * which one it found: an NMI can arrive in the few instructions of an
 * entry or exit that run with user mode's.  The kernel keeps no state on
 * its stack across a return to user mode, so "switching Tasks" is only
 * choosing which trapframe return_to_frame restores.
 *
 * Frames that came in through syscall (vector VEC_SYSCALL) leave through
 * sysretq; all others leave through iretq.
 */
#include "entry.h"

.macro SAVE_GPRS
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
.endm

.macro RESTORE_GPRS
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
.endm

/* Exception and interrupt stubs: push a dummy error code where the CPU
 * does not, then the vector number. */
.macro TRAP_NOERR vec
	.globl trap_stub_\vec
trap_stub_\vec:
	pushq $0
	pushq $\vec
	jmp trap_common
.endm
.macro TRAP_ERR vec
	.globl trap_stub_\vec
trap_stub_\vec:
	/* The vector may also come as an interrupt (a device's MSI can name
	 * any vector from 16 up), which pushes no error code.  The CPU aligns
	 * rsp to 16 bytes before it pushes its 5 words, or 6 with an error
	 * code: rsp is 8 mod 16 when there is none. */
	testq $8, %rsp
	jz 1f
	pushq $0
1:	pushq $\vec
	jmp trap_common
.endm

	.text
TRAP_NOERR 0
TRAP_NOERR 1
TRAP_NOERR 2
TRAP_NOERR 3
TRAP_NOERR 4
TRAP_NOERR 5
TRAP_NOERR 6
TRAP_NOERR 7
TRAP_ERR 8
TRAP_NOERR 9
TRAP_ERR 10
TRAP_ERR 11
TRAP_ERR 12
TRAP_ERR 13
TRAP_ERR 14
TRAP_NOERR 15
TRAP_NOERR 16
TRAP_ERR 17
TRAP_NOERR 18
TRAP_NOERR 19
TRAP_NOERR 20
TRAP_ERR 21
TRAP_NOERR 22
TRAP_NOERR 23
TRAP_NOERR 24
TRAP_NOERR 25
TRAP_NOERR 26
TRAP_NOERR 27
TRAP_NOERR 28
TRAP_ERR 29
TRAP_ERR 30
TRAP_NOERR 31
/* Interrupts: every vector from 32 up (the IOAPIC lines, MSI lines, the
 * IOMMU, the timer and IPIs, spurious), so that no stray vector lands on
 * an empty gate. */
.irp vec, 32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63
TRAP_NOERR \vec
.endr
.irp vec, 64,65,66,67,68,69,70,71,72,73,74,75,76,77,78,79,80,81,82,83,84,85,86,87,88,89,90,91,92,93,94,95
TRAP_NOERR \vec
.endr
.irp vec, 96,97,98,99,100,101,102,103,104,105,106,107,108,109,110,111,112,113,114,115,116,117,118,119,120,121,122,123,124,125,126,127
TRAP_NOERR \vec
.endr
.irp vec, 128,129,130,131,132,133,134,135,136,137,138,139,140,141,142,143,144,145,146,147,148,149,150,151,152,153,154,155,156,157,158,159
TRAP_NOERR \vec
.endr
.irp vec, 160,161,162,163,164,165,166,167,168,169,170,171,172,173,174,175,176,177,178,179,180,181,182,183,184,185,186,187,188,189,190,191
TRAP_NOERR \vec
.endr
.irp vec, 192,193,194,195,196,197,198,199,200,201,202,203,204,205,206,207,208,209,210,211,212,213,214,215,216,217,218,219,220,221,222,223
TRAP_NOERR \vec
.endr
.irp vec, 224,225,226,227,228,229,230,231,232,233,234,235,236,237,238,239,240,241,242,243,244,245,246,247,248,249,250,251,252,253,254,255
TRAP_NOERR \vec
.endr

	.section .rodata
	.balign 8
	.globl trap_stub_table
trap_stub_table:
.irp vec, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad trap_stub_\vec
.endr
.irp vec, 32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63
	.quad trap_stub_\vec
.endr
.irp vec, 64,65,66,67,68,69,70,71,72,73,74,75,76,77,78,79,80,81,82,83,84,85,86,87,88,89,90,91,92,93,94,95
	.quad trap_stub_\vec
.endr
.irp vec, 96,97,98,99,100,101,102,103,104,105,106,107,108,109,110,111,112,113,114,115,116,117,118,119,120,121,122,123,124,125,126,127
	.quad trap_stub_\vec
.endr
.irp vec, 128,129,130,131,132,133,134,135,136,137,138,139,140,141,142,143,144,145,146,147,148,149,150,151,152,153,154,155,156,157,158,159
	.quad trap_stub_\vec
.endr
.irp vec, 160,161,162,163,164,165,166,167,168,169,170,171,172,173,174,175,176,177,178,179,180,181,182,183,184,185,186,187,188,189,190,191
	.quad trap_stub_\vec
.endr
.irp vec, 192,193,194,195,196,197,198,199,200,201,202,203,204,205,206,207,208,209,210,211,212,213,214,215,216,217,218,219,220,221,222,223
	.quad trap_stub_\vec
.endr
.irp vec, 224,225,226,227,228,229,230,231,232,233,234,235,236,237,238,239,240,241,242,243,244,245,246,247,248,249,250,251,252,253,254,255
	.quad trap_stub_\vec
.endr
	.text

trap_common:
	cld
	SAVE_GPRS
	testb $3, TF_CS(%rsp)
	jz trap_from_kernel
	swapgs
	testb $1, %gs:CPU_SMAP
	jz 1f
	clac
1:	movq %rsp, %rdi
	movq %gs:CPU_KSTACK_TOP, %rsp
	call trap_user
	jmp return_to_frame

/* A trap taken in kernel mode (an interrupt while idle, an NMI, or a fault
 * inside a user-copy routine): the frame is on the kernel stack; handle it
 * there and resume exactly where we were.  A kernel GS base is negative
 * (a high-half address); if user mode's is loaded, swap for the handler
 * and back after it.  rbx (kept by C) remembers. */
trap_from_kernel:
	movl $0xc0000101, %ecx
	rdmsr
	xorl %ebx, %ebx
	testl %edx, %edx
	js 1f
	swapgs
	movl $1, %ebx
	/* A fault inside uaccess_copy (or an NMI there) arrives with AC set:
	 * the handler runs with SMAP on all the same; iretq restores AC. */
1:	testb $1, %gs:CPU_SMAP
	jz 3f
	clac
3:	movq %rsp, %rdi
	call trap_kernel
	testl %ebx, %ebx
	jz 2f
	swapgs
2:	RESTORE_GPRS
	addq $16, %rsp
	iretq

/* syscall: rip in rcx, rflags in r11, interrupts masked by SFMASK. */
	.globl syscall_entry
syscall_entry:
	swapgs
	movq %rsp, %gs:CPU_USER_RSP
	movq %gs:CPU_FRAME_TOP, %rsp
	pushq $USER_DS
	pushq %gs:CPU_USER_RSP
	pushq %r11
	pushq $USER_CS
	pushq %rcx
	pushq $0
	pushq $VEC_SYSCALL
	SAVE_GPRS
	movq %rsp, %rdi
	movq %gs:CPU_KSTACK_TOP, %rsp
	cmpq $SYS_NR_CALL_REPLY, %rax
	je call_reply
	call syscall_dispatch
	/* fall through: rax is the frame to resume */

/* return_to_frame(struct trapframe *tf): never returns.  tf is a user
 * frame; GS goes back to user mode's last. */
	.globl return_to_frame
return_to_frame:
	movq %rax, %rsp
	cmpq $VEC_SYSCALL, TF_VECTOR(%rsp)
	jne 2f
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	addq $8, %rsp		/* r11: becomes rflags */
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	addq $8, %rsp		/* rcx: becomes rip */
	popq %rbx
	popq %rax
	movq 16(%rsp), %rcx	/* rip */
	movq 32(%rsp), %r11	/* rflags */
	movq 40(%rsp), %rsp	/* user rsp */
	swapgs
	sysretq
2:	RESTORE_GPRS
	addq $16, %rsp
	swapgs
	iretq

/* RING_NOTIFY_WAIT, the call/reply fastpath's one syscall: the fast path
 * (syscall_call_reply) returns the frame to resume, or NULL when the call
 * must take the ordinary way.  The user's rbx is already saved in the
 * frame, and C keeps rbx, so it holds tf across the first call. */
call_reply:
	movq %rdi, %rbx
	call syscall_call_reply
	testq %rax, %rax
	jnz return_to_frame
	movq %rbx, %rdi
	call syscall_dispatch
	jmp return_to_frame

/* enter_frame(tf): the C-callable way to resume a frame. */
	.globl enter_frame
enter_frame:
	movq %rdi, %rax
	jmp return_to_frame

/*
 * uaccess_copy(dst, src, n): the one user-copy routine.  The caller has
 * checked that the user side of [src or dst, +n) lies below the user limit.
 * If it touches an unmapped or protected page the page-fault handler sees
 * the faulting rip inside [uaccess_begin, uaccess_end) and resumes at
 * uaccess_fault, which returns 1 (copy_in and copy_out turn that into
 * VX_E_FAULT).  Returns 0 on success.
 */
	.globl uaccess_copy, uaccess_begin, uaccess_end, uaccess_fault
uaccess_copy:
	testb $1, %gs:CPU_SMAP
	jz 3f
	stac
3:	movq %rdx, %rcx
	shrq $3, %rcx
uaccess_begin:
	rep movsq
	movq %rdx, %rcx
	andq $7, %rcx
	rep movsb
uaccess_end:
	xorl %eax, %eax
	jmp 4f
uaccess_fault:
	movl $1, %eax
4:	testb $1, %gs:CPU_SMAP
	jz 5f
	clac
5:	ret
