/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Time: the TSC, calibrated once at boot against channel 2 of the 8254
 * PIT.  The periodic tick is each CPU's local APIC timer (lapic.c); the
 * PIT itself never interrupts.
 */
#include "core/kernel.h"

#define PIT_HZ 1193182u

uint64_t tsc_boot;    /* TSC at timer_init: time zero */
uint64_t tsc_ns_mult; /* ns per TSC tick, as a 32.32 fixed-point number */

/* Counts TSC ticks across 10 ms of PIT channel 2. */
static uint64_t calibrate_tsc_per_ms(void)
{
	uint16_t count = PIT_HZ / 100;
	uint64_t t0, t1;

	outb(0x61, (inb(0x61) & ~0x02) | 0x01); /* gate on, speaker off */
	outb(0x43, 0xb0);			/* channel 2, lo/hi, mode 0 */
	outb(0x42, count & 0xff);
	outb(0x42, count >> 8);
	t0 = rdtsc();
	for (uint32_t spins = 0; !(inb(0x61) & 0x20) && spins < 100000000u; spins++)
		;
	t1 = rdtsc();
	return (t1 - t0) / 10 ? (t1 - t0) / 10 : 1;
}

/* Calibrates the TSC against the PIT (cpuinfo.tsc_per_ms) and starts the
 * clock at zero. */
void timer_init(void)
{
	cpuinfo.tsc_per_ms = calibrate_tsc_per_ms();
	tsc_ns_mult = (1000000ull << 32) / cpuinfo.tsc_per_ms;
	tsc_boot = rdtsc();
}
