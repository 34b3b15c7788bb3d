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

/* Prints to the serial console.  Under the lock, exclusive (a Task's
 * CONSOLE_WRITE, held shared, takes the console's own lock), or at boot
 * and in panic. */
void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vx_vformat(serial_sink, NULL, fmt, ap);
	va_end(ap);
}

/*
 * May a print that a Task can cause at will (an unsupervised fault, a DMA
 * the IOMMU blocked) go out now?  At most ten a second: at 115,200 baud a
 * line holds this CPU, interrupts off and the lock held, for about 8 ms,
 * and a Task that faults and is resumed in a loop could otherwise keep
 * the machine printing.  The first to pass after some were held back says
 * how many.  (Under the lock, exclusive: every caller is.)
 */
bool kprintf_allowed(void)
{
	static uint64_t next_ns;
	static uint32_t held;
	uint64_t now = timer_now_ns();

	if (now < next_ns) {
		held++;
		return false;
	}
	next_ns = now + 100000000ull;
	if (held)
		kprintf("[kernel] %u more lines like the next were not shown\n", held);
	held = 0;
	return true;
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
