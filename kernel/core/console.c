/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel's voice: kprintf and panic on the serial console.  Formatting
 * is lib/rt/fmt.c, the same code user land prints with.
 */
#include <stdarg.h>
#include "core/kernel.h"
#include "vx_fmt.h"

static void serial_sink(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	serial_write(s, n);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vx_vformat(serial_sink, NULL, fmt, ap);
	va_end(ap);
}

/* A kernel bug: say what happened and stop this CPU.  User faults never get
 * here; they halt the faulting Task instead (task_fault). */
_Noreturn void panic(const char *fmt, ...)
{
	va_list ap;

	__asm__ volatile("cli");
	kprintf("\n*** VectraOS kernel panic: ");
	va_start(ap, fmt);
	vx_vformat(serial_sink, NULL, fmt, ap);
	va_end(ap);
	kprintf("\n");
	/* Under the test harness, exit QEMU with a failure code at once. */
	outb(0xf4, 0x7f);
	cpu_halt_forever();
}
