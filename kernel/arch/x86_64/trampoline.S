/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The start of every CPU but the first.  smp.c copies this to physical
 * TRAMP_BASE and sends the CPU a start-up IPI there: it wakes in 16-bit
 * real mode at TRAMP_BASE and goes through protected mode to long mode on
 * the page tables in tramp_cr3 (the kernel's, plus an identity map of the
 * low 1 GiB for these few instructions), then jumps to ap_main (smp.c) on
 * the stack in tramp_stack.  smp.c fills in the three words at the end.
 */
#include "entry.h"

#define TRAMP_BASE 0x8000
#define T(x) ((x) - ap_tramp_start + TRAMP_BASE)

	.section .rodata
	.globl ap_tramp_start, ap_tramp_end
	.code16
ap_tramp_start:
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	lgdtl T(tramp_gdt_ptr)
	movl %cr0, %eax
	orl $1, %eax		/* PE */
	movl %eax, %cr0
	ljmpl $0x08, $T(tramp32)

	.code32
tramp32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr4, %eax
	orl $(1 << 5), %eax	/* PAE */
	movl %eax, %cr4
	movl T(tramp_cr3), %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx	/* EFER */
	rdmsr
	orl $(1 << 8), %eax	/* LME */
	orl T(tramp_efer), %eax	/* NXE, if the boot CPU has it */
	wrmsr
	movl %cr0, %eax
	orl $0x80010001, %eax	/* PG | WP | PE */
	movl %eax, %cr0
	ljmp $0x18, $T(tramp64)

	.code64
tramp64:
	movq T(tramp_stack), %rsp
	movabsq $ap_main, %rax	/* an absolute address: fine from a copy */
	jmp *%rax

	.balign 8
tramp_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
	.quad 0x00af9a000000ffff	/* 0x18: 64-bit code */
tramp_gdt_ptr:
	.word tramp_gdt_ptr - tramp_gdt - 1
	.long T(tramp_gdt)
	.balign 8
	.globl ap_tramp_cr3, ap_tramp_efer, ap_tramp_stack
tramp_cr3:
ap_tramp_cr3:	.long 0
tramp_efer:
ap_tramp_efer:	.long 0
tramp_stack:
ap_tramp_stack:	.quad 0
ap_tramp_end:
