/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The legacy interrupt hardware: the two 8259 PICs (remapped to vectors
 * 32..47) and the 8254 PIT as the periodic timer.  Time is read from the
 * TSC, calibrated against the PIT once at boot.
 */
#include "core/kernel.h"

#define PIC1   0x20
#define PIC2   0xa0
#define PIT_HZ 1193182u

static uint16_t pic_masks = 0xffff;
uint64_t tsc_boot;    /* TSC at timer_init: time zero */
uint64_t tsc_ns_mult; /* ns per TSC tick, as a 32.32 fixed-point number */

static void pic_write_masks(void)
{
	outb(PIC1 + 1, pic_masks & 0xff);
	outb(PIC2 + 1, pic_masks >> 8);
}

/* Remaps the 8259 pair to vectors 32..47 with every line masked. */
void pic_init(void)
{
	outb(PIC1, 0x11);
	outb(PIC2, 0x11);
	outb(PIC1 + 1, VEC_IRQ_BASE);
	outb(PIC2 + 1, VEC_IRQ_BASE + 8);
	outb(PIC1 + 1, 4);
	outb(PIC2 + 1, 2);
	outb(PIC1 + 1, 1);
	outb(PIC2 + 1, 1);
	pic_masks = 0xffff & ~(1u << 2); /* cascade line open */
	pic_write_masks();
}

/* Masks or unmasks one line (0..15); any other line is ignored. */
void pic_mask(unsigned line, bool masked)
{
	if (line >= IRQ_LINES)
		return;
	if (masked)
		pic_masks |= (uint16_t)(1u << line);
	else
		pic_masks &= (uint16_t) ~(1u << line);
	pic_write_masks();
}

/* Acknowledges line's interrupt at the PIC(s). */
void pic_eoi(unsigned line)
{
	if (line >= 8)
		outb(PIC2, 0x20);
	outb(PIC1, 0x20);
}

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

/* Starts the PIT at TIMER_HZ on line 0 and calibrates the TSC against it
 * (cpuinfo.tsc_per_ms). */
void timer_init(void)
{
	uint16_t div = PIT_HZ / TIMER_HZ;

	cpuinfo.tsc_per_ms = calibrate_tsc_per_ms();
	tsc_ns_mult = (1000000ull << 32) / cpuinfo.tsc_per_ms;
	tsc_boot = rdtsc();
	outb(0x43, 0x34); /* channel 0, lo/hi, rate generator */
	outb(0x40, div & 0xff);
	outb(0x40, div >> 8);
	pic_mask(0, false);
}
