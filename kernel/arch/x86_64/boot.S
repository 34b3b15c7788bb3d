/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Boot: from the boot loader's 32-bit protected mode to kmain in long mode.
 *
 * Both Multiboot 1 (QEMU -kernel) and Multiboot 2 (GRUB, real hardware)
 * headers use the "address" fields, so the loader copies the flat image
 * build/kernel.bin to 1 MiB and jumps to boot_entry32 with paging off.
 * We build throwaway page tables that map the first 1 GiB twice (identity,
 * and at -2 GiB where the kernel is linked), enable PAE, long mode and NX,
 * and jump to kmain.  kmain then builds the real tables (kernel/arch/x86_64/paging.c).
 */
#define MB1_MAGIC 0x1badb002
#define MB1_FLAGS ((1 << 0) | (1 << 1) | (1 << 16)) /* align modules, memory map, address fields */
#define MB2_MAGIC 0xe85250d6
#define PTE_P 0x1
#define PTE_W 0x2
#define PTE_PS 0x80

	.section .multiboot, "a"
	.balign 4
mb1_header:
	.long MB1_MAGIC
	.long MB1_FLAGS
	.long -(MB1_MAGIC + MB1_FLAGS)
	.long mb1_header	/* header_addr */
	.long _phys_start	/* load_addr */
	.long 0			/* load_end_addr: the whole file */
	.long _phys_end		/* bss_end_addr */
	.long boot_entry32	/* entry_addr */

	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long 0			/* i386 protected mode */
	.long mb2_end - mb2_header
	.long -(MB2_MAGIC + (mb2_end - mb2_header))
	/* address tag */
	.word 2, 0
	.long 24
	.long mb2_header, _phys_start, 0, _phys_end
	/* entry address tag */
	.word 3, 0
	.long 12
	.long boot_entry32
	.long 0			/* pad to 8 */
	/* module alignment tag */
	.word 6, 0
	.long 8
	/* end tag */
	.word 0, 0
	.long 8
mb2_end:

	.section .boot.data, "aw"
	.balign 4096
	.globl boot_pml4
boot_pml4:	.fill 512, 8, 0
boot_pdpt_lo:	.fill 512, 8, 0
boot_pdpt_hi:	.fill 512, 8, 0
boot_pd:	.fill 512, 8, 0
	.globl boot_magic, boot_info
boot_magic:	.long 0
boot_info:	.long 0
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
boot_gdt_ptr:
	.word boot_gdt_ptr - boot_gdt - 1
	.long boot_gdt

	.section .boot.text, "ax"
	.code32
	.globl boot_entry32
boot_entry32:
	cli
	cld
	movl %eax, boot_magic
	movl %ebx, boot_info

	/* Long mode is required: without it, stop here. */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	btl $29, %edx
	jnc no_long_mode
	movl %edx, %esi		/* bit 20: NX */

	/* 512 x 2 MiB pages: physical 0..1 GiB. */
	movl $boot_pd, %edi
	movl $(PTE_P | PTE_W | PTE_PS), %eax
	movl $512, %ecx
1:	movl %eax, (%edi)
	movl $0, 4(%edi)
	addl $0x200000, %eax
	addl $8, %edi
	loop 1b

	movl $boot_pd + PTE_P + PTE_W, boot_pdpt_lo
	movl $boot_pd + PTE_P + PTE_W, boot_pdpt_hi + 510 * 8
	movl $boot_pdpt_lo + PTE_P + PTE_W, boot_pml4
	movl $boot_pdpt_hi + PTE_P + PTE_W, boot_pml4 + 511 * 8

	movl %cr4, %eax
	orl $(1 << 5), %eax	/* PAE */
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3

	movl $0xc0000080, %ecx	/* EFER */
	rdmsr
	orl $(1 << 8), %eax	/* LME */
	btl $20, %esi
	jnc 2f
	orl $(1 << 11), %eax	/* NXE */
2:	wrmsr

	movl %cr0, %eax
	orl $0x80010001, %eax	/* PG | WP | PE */
	movl %eax, %cr0

	lgdt boot_gdt_ptr
	ljmp $0x08, $boot_entry64

no_long_mode:
	/* Say so on COM1, then stop. */
	movl $no_lm_msg, %esi
3:	movb (%esi), %al
	testb %al, %al
	jz 4f
	movw $0x3f8, %dx
	outb %al, %dx
	incl %esi
	jmp 3b
4:	hlt
	jmp 4b
no_lm_msg:
	.asciz "VectraOS needs an x86_64 (long mode) CPU.\r\n"

	.code64
boot_entry64:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movabsq $kernel_stack_top, %rsp
	xorq %rbp, %rbp
	movl boot_magic, %edi
	movl boot_info, %esi
	movabsq $kmain, %rax
	call *%rax
5:	hlt
	jmp 5b
