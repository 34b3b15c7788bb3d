/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The local APIC of each CPU (xAPIC, memory-mapped): the per-CPU timer,
 * end of interrupt, and the interprocessor interrupts (INIT, start-up,
 * fixed vectors).  Its registers sit in one uncached page of the direct
 * map.  The timer is calibrated once, on the boot CPU, against the TSC;
 * every CPU then runs its own at TIMER_HZ.  Device lines arrive through
 * the IOAPIC and as MSI messages (ioapic.c), on the boot CPU only.
 */
#include "core/kernel.h"

#define LAPIC_ID	 0x020
#define LAPIC_EOI	 0x0b0
#define LAPIC_SVR	 0x0f0
#define LAPIC_ISR	 0x100 /* in service: 8 registers of 32 vectors, 0x10 apart */
#define LAPIC_ICR_LO	 0x300
#define LAPIC_ICR_HI	 0x310
#define LAPIC_LVT_TIMER	 0x320
#define LAPIC_LVT_LINT0	 0x350
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR	 0x390
#define LAPIC_TIMER_DIV	 0x3e0
#define ICR_PENDING	 (1u << 12)

static volatile uint32_t *lapic;
static uint32_t ticks_per_period; /* timer counts per 1 / TIMER_HZ s, divide by 16 */

static uint32_t rd(uint32_t reg)
{
	return lapic[reg / 4];
}
static void wr(uint32_t reg, uint32_t v)
{
	lapic[reg / 4] = v;
}

/* This CPU's local APIC id.  Needs no lock. */
uint32_t lapic_id(void)
{
	return rd(LAPIC_ID) >> 24;
}

/* Enables this CPU's local APIC (spurious vector 255), with LINT0 (the
 * 8259's virtual wire, unused: devices come through the IOAPIC) masked. */
void lapic_init(uint64_t pa)
{
	if (!lapic) {
		paging_map_mmio(pa);
		lapic = phys_to_virt(pa);
	}
	wr(LAPIC_SVR, 0x100 | VEC_SPURIOUS);
	wr(LAPIC_LVT_LINT0, 1u << 16);
}

/* Ends the interrupt in service on this CPU.  Needs no lock. */
void lapic_eoi(void)
{
	wr(LAPIC_EOI, 0);
}

/* Is vector in service here: delivered by the local APIC as an interrupt,
 * not raised by the CPU as an exception? */
bool lapic_in_service(unsigned vector)
{
	return (rd(LAPIC_ISR + 0x10 * (vector / 32)) >> (vector % 32)) & 1;
}

/* Busy-waits us microseconds on the TSC. */
static void udelay(uint64_t us)
{
	uint64_t end = rdtsc() + cpuinfo.tsc_per_ms * us / 1000 + 1;

	while (rdtsc() < end)
		cpu_pause();
}

/* Counts timer ticks (divide by 16) across 10 ms of TSC: once, on the boot
 * CPU. */
void lapic_timer_calibrate(void)
{
	wr(LAPIC_TIMER_DIV, 0x3);
	wr(LAPIC_LVT_TIMER, 1u << 16); /* masked, one-shot */
	wr(LAPIC_TIMER_INIT, 0xffffffffu);
	udelay(10000);
	uint32_t used = 0xffffffffu - rd(LAPIC_TIMER_CUR);
	wr(LAPIC_TIMER_INIT, 0);
	ticks_per_period = used / 10 * 1000 / TIMER_HZ;
	if (!ticks_per_period)
		ticks_per_period = 1;
}

/* Starts this CPU's periodic tick at TIMER_HZ, from the boot CPU's
 * calibration.  At bring-up, before the CPU takes the lock. */
void lapic_timer_start(void)
{
	wr(LAPIC_TIMER_DIV, 0x3);
	wr(LAPIC_LVT_TIMER, (1u << 17) | VEC_TIMER); /* periodic */
	wr(LAPIC_TIMER_INIT, ticks_per_period);
}

/* An idle CPU other than the boot CPU needs no tick: it sleeps until an
 * IPI (the boot CPU keeps ticking, for timed waits).  Under TCG a tick
 * costs a host thread wake-up, so idle CPUs stay quiet. */
void lapic_timer_idle(bool idle)
{
	if (idle) {
		wr(LAPIC_TIMER_INIT, 0);
	} else {
		wr(LAPIC_TIMER_INIT, ticks_per_period);
	}
}

static void icr_send(uint32_t apic_id, uint32_t lo)
{
	wr(LAPIC_ICR_HI, apic_id << 24);
	wr(LAPIC_ICR_LO, lo);
	for (uint32_t spins = 0; (rd(LAPIC_ICR_LO) & ICR_PENDING) && spins < 1000000u; spins++)
		cpu_pause();
}

/* Sends vector to the CPU with apic_id and waits (boundedly) for the
 * local APIC to take it.  Needs no lock: a shootdown sends it under the
 * lock, a wake-up too. */
void lapic_send_ipi(uint32_t apic_id, uint32_t vector)
{
	icr_send(apic_id, vector | (1u << 14)); /* fixed, assert */
}

/* INIT alone: the CPU with apic_id resets and waits for a start-up IPI
 * again, whatever it was running. */
void lapic_stop_ap(uint32_t apic_id)
{
	icr_send(apic_id, 0x4500); /* INIT, assert, level */
}

/* INIT, then two start-up IPIs at the page vector (the trampoline's
 * physical page number), with the delays the MP specification asks. */
void lapic_start_ap(uint32_t apic_id, uint32_t page)
{
	icr_send(apic_id, 0x4500); /* INIT, assert, level */
	udelay(10000);
	for (int i = 0; i < 2; i++) {
		icr_send(apic_id, 0x4600 | page); /* start-up */
		udelay(200);
	}
}
