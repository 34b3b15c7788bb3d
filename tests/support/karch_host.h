/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The arch seams, on the host, for running the real kernel/core lifecycle
 * code (cap, reticle, task, ring, bundle, signal, sched) as an ordinary
 * program.  Under VX_HOST a host pointer is a physical address (arch.h), so
 * a page-aligned host buffer is physical memory and page tables carved from
 * it are real 4-level tables that these seams walk.
 *
 * Unlike tests/support/kcore_stubs.c (recording stand-ins for task.c,
 * ring.c and bundle.c themselves), this file stubs only what lies below
 * kernel/core: paging, the FPU and frame set-up, the clock, user copy, the
 * console and panic.  The two cannot be linked together.
 *
 * User copy: a Task's "user memory" is one host window the test registers;
 * copy_in/copy_out succeed inside it and return VX_E_FAULT elsewhere.
 */
#ifndef TESTS_SUPPORT_KARCH_HOST_H
#define TESTS_SUPPORT_KARCH_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "core/kernel.h"

struct karch_host {
	/* The user window for copy_in/copy_out. */
	uint8_t *uwin;
	size_t uwin_len;
	/* The clock timer_now_ns reports (the test advances it). */
	uint64_t now_ns;
	/* Stack depth: the frame address of the last syscall entry, and the
	 * deepest any seam has been called below it since. */
	uintptr_t stack_base;
	size_t stack_max;
	/* arch_fpu_forget calls, and those for a Task whose record was
	 * already released (a destroyed-after-release bug). */
	unsigned fpu_forget, fpu_forget_dead;
	/* Page-table pages walked that lie outside [ram, ram + ram_len) or
	 * are not page-aligned. */
	uint8_t *ram;
	size_t ram_len;
	unsigned bad_table;
	/* panic(): called with the message before abort(), if set. */
	void (*on_panic)(const char *msg);
	unsigned kprintf;
};

extern struct karch_host karch;

/* Forgets everything but the hooks the test set. */
void karch_reset(void);

/* Marks a syscall's entry for the stack-depth measurement. */
void karch_stack_mark(void);

/* Records the stack depth at this point (the seams call it). */
void karch_stack_probe(void);

/* Page-table bits as paging_pte writes them. */
#define KARCH_PTE_P    (1ull << 0)
#define KARCH_PTE_W    (1ull << 1)
#define KARCH_PTE_U    (1ull << 2)
#define KARCH_PTE_NX   (1ull << 63)
#define KARCH_PTE_ADDR 0x000ffffffffff000ull

#endif
