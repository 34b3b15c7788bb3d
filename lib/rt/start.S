/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * _start: the entry point of every VectraOS program (see rt/start.h).
 * In: rdi = Bundle page, rsi = optional second argument (both passed to
 * main untouched), rsp = 16-byte-aligned stack.  The call below pushes
 * the return address, so main starts with rsp = 8 (mod 16) as the SysV ABI
 * expects.
 */
	.section .text._start, "ax", @progbits
	.globl _start
	.type _start, @function
_start:
	xorl	%ebp, %ebp
	call	main
	movslq	%eax, %rdi
	call	vx_rt_exit
	ud2
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
