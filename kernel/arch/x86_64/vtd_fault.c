/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IOMMU's fault records: how a DMA the unit blocked reaches
 * iospace_dma_fault.  Boot CPU, under the kernel lock.
 *
 * The unit records each blocked DMA in one of its CAP.NFR fault recording
 * registers, in turn; FSTS.PPF is set while any record's F bit is.  It
 * raises its fault event (VEC_IOMMU, aimed at the boot CPU) for a fault it
 * records while no status bit is set: a fault recorded while another
 * record is still pending raises nothing.  A fault whose turn comes at a
 * record still pending is not recorded at all: the unit sets FSTS.PFO and
 * records nothing more until PFO is cleared.  Hence two rules:
 *
 *   - No record is left pending for good.  One left pending would keep
 *     PPF set, and no later fault would ever raise an event.  The handler
 *     scans (reads, clears F, reports) while PPF is set, but runs with
 *     interrupts off, so it stops after SCAN_ROUNDS passes; a device that
 *     faults as fast as the scan clears records outruns that.  Then the
 *     scan goes on at the boot CPU's next timer tick (iommu_fault_tick),
 *     one bounded scan a tick, until one ends with PPF clear; from then
 *     on the next fault raises an event again.
 *   - Faults lost to overflow are said, not dropped in silence.  The unit
 *     kept nothing of them, not even the device, so nobody can be
 *     faulted for them: each overflow is counted and the kernel prints a
 *     line (at most ten a second, like every line a device or Task can
 *     cause at will), and PFO is cleared so that recording resumes.
 */
#include "core/kernel.h"
#include "vtd.h"

#define SCAN_ROUNDS 8 /* passes over the records, at most, per scan */

static uint32_t fro, nfr;  /* the records' offset and count; nfr 0: no unit */
static bool deferred;	   /* PPF was set after the last scan: the tick goes on */
static uint64_t overflows; /* scans that found PFO set: faults were lost */

/* Boot CPU, at boot, before the fault event is unmasked (iommu_init):
 * where the unit's fault records are, from its CAP register. */
void vtd_fault_init(uint64_t cap)
{
	fro = (uint32_t)((cap >> 24) & 0x3ff) * 16;
	nfr = (uint32_t)((cap >> 40) & 0xff) + 1;
}

/* One pass over the records: each pending one is read, cleared and
 * reported. */
static void scan_pass(void)
{
	for (uint32_t i = 0; i < nfr; i++) {
		uint32_t at = fro + i * 16;
		uint64_t hi = vtd_rd64(at + 8);
		if (!(hi & FRCD_F))
			continue;
		uint64_t addr = vtd_rd64(at) & ~0xfffull;
		vtd_wr64(at + 8, FRCD_F); /* clear F */
		iospace_dma_fault((uint16_t)hi, addr, !(hi & FRCD_T), (uint8_t)(hi >> 32));
	}
}

/* A bounded scan: passes while PPF is set, at most SCAN_ROUNDS (so at
 * most SCAN_ROUNDS * nfr reports); then an overflow is counted, said and
 * cleared; then, PFO clear, PPF decides whether the next tick goes on.
 * Looked at in that order, a fault after the last look finds both clear
 * and raises an event, and one before it is seen. */
static void scan(void)
{
	for (unsigned round = 0; round < SCAN_ROUNDS && (vtd_rd32(R_FSTS) & FSTS_PPF); round++)
		scan_pass();
	if (vtd_rd32(R_FSTS) & FSTS_PFO) {
		overflows++;
		vtd_wr32(R_FSTS, FSTS_PFO);
		if (kprintf_allowed())
			kprintf("[kernel] DMA faults lost: all %u IOMMU fault records were pending "
				"(overflow %lu since boot)\n",
				nfr, (unsigned long)overflows);
	}
	__atomic_store_n(&deferred, (vtd_rd32(R_FSTS) & FSTS_PPF) != 0, __ATOMIC_RELAXED);
}

/* The fault event (boot CPU, lock held): one bounded scan; what it leaves
 * pending, iommu_fault_tick takes on. */
void iommu_fault_event(void)
{
	if (nfr)
		scan();
}

/* Did the last scan leave a record pending, for the boot CPU's next tick?
 * Any CPU, no lock needed: trap.c's lock-free tick reads it to know that
 * the boot CPU's tick must take the lock.  Written under the lock before
 * the scan that leaves records pending returns, so never late. */
bool iommu_fault_deferred(void)
{
	return __atomic_load_n(&deferred, __ATOMIC_RELAXED);
}

/* The boot CPU's timer tick (lock held): one more bounded scan when the
 * last left a record pending. */
void iommu_fault_tick(void)
{
	if (iommu_fault_deferred())
		scan();
}
