/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Constants that the assembly (entry.S, boot.S) and the C code of the
 * x86_64 seam share.  Both include this file, so they cannot disagree; the
 * C side (arch.h) pins every offset here against its struct with
 * _Static_assert(offsetof(...)).
 */
#ifndef ARCH_X86_64_ENTRY_H
#define ARCH_X86_64_ENTRY_H

/* Selectors: the GDT is null, kernel code, kernel data, user data, user
 * code, TSS (syscall/sysret need user data just below user code). */
#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define USER_DS	  0x1b /* 0x18 | RPL 3 */
#define USER_CS	  0x23 /* 0x20 | RPL 3 */

/* The vector recorded in frames that came in through syscall. */
#define VEC_SYSCALL 256

/* The syscall number entry.S sends to the call/reply fastpath
 * (VX_SYS_RING_NOTIFY_WAIT; syscall.c pins it). */
#define SYS_NR_CALL_REPLY 23

/* struct cpu (arch.h): the fields entry.S reads. */
#define CPU_USER_RSP   0
#define CPU_FRAME_TOP  8
#define CPU_KSTACK_TOP 16
#define CPU_SMAP       32
#define CPU_SELF       40

/* struct trapframe (arch.h): the fields entry.S reads, and its size. */
#define TF_VECTOR (15 * 8)
#define TF_CS	  (18 * 8)
#define TF_BYTES  (22 * 8)

#endif
