/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host tests of kernel/arch/x86_64/vtd_fault.c, the IOMMU's fault records,
 * compiled from the kernel's own source against a model of the VT-d unit
 * (vtd.h's accessors, VX_HOST).  QEMU's intel-iommu has one fault record
 * and merges a device's faults while its record is pending, so no guest
 * can make a fault be recorded behind a pending one there: the storm that
 * outruns the handler's bounded scan can only be made here.
 *
 * The model keeps what the VT-d specification says of primary fault
 * logging: NFR records filled in turn; FSTS.PPF set while any record's F
 * is; a fault event only for a fault recorded while no status bit (PPF,
 * PFO) was set; a fault whose turn comes at a pending record is not
 * recorded but sets PFO, and none is recorded while PFO is set.  A
 * storming device faults again each time the kernel clears a record, so
 * the records never all drain while it lasts.  The tests play the boot
 * CPU as trap.c does: each fault event calls iommu_fault_event, each timer
 * tick iommu_fault_tick when iommu_fault_deferred says so.
 */
#define _POSIX_C_SOURCE 200112L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../support/kcore_stubs.h"
#include "vtd.h"

#define NFR	   8
#define FRO	   0x200 /* CAP.FRO is in units of 16 bytes */
#define CAP	   ((uint64_t)(FRO / 16) << 24 | (uint64_t)(NFR - 1) << 40)
#define SCAN_MAX   (8 * NFR) /* the most one scan may report (vtd_fault.c) */
#define STORM_BDF  0x0100    /* 01:00.0 */
#define LATER_BDF  0x0200    /* 02:00.0 */
#define REPORT_MAX 4096

static struct {
	uint64_t lo[NFR], hi[NFR];
	uint32_t next; /* the record the next fault goes to */
	bool pfo;
	unsigned events;  /* fault events raised and not yet taken */
	unsigned storm;	  /* faults the storming device has still to make */
	bool faster;	  /* ... one at each register access, not each clear */
	unsigned lost;	  /* faults not recorded (overflow) */
	unsigned touched; /* accesses to registers the fault path has no business with */
} u;

static struct {
	uint16_t bdf[REPORT_MAX];
	uint64_t addr[REPORT_MAX];
	bool write[REPORT_MAX];
	uint8_t reason[REPORT_MAX];
	unsigned n;
} rep;

static bool unit_ppf(void)
{
	for (int i = 0; i < NFR; i++)
		if (u.hi[i] & FRCD_F)
			return true;
	return false;
}

/* A DMA the unit blocks: recorded, or lost to overflow. */
static void unit_fault(uint16_t bdf, uint64_t addr, bool write)
{
	bool quiet = !unit_ppf() && !u.pfo;

	if (u.pfo || (u.hi[u.next] & FRCD_F)) {
		u.pfo = true;
		u.lost++;
		return;
	}
	u.lo[u.next] = addr;
	u.hi[u.next] = FRCD_F | (write ? 0 : FRCD_T) | (uint64_t)5 << 32 | bdf;
	u.next = (u.next + 1) % NFR;
	if (quiet)
		u.events++;
}

static int record_of(uint32_t r, bool *upper)
{
	if (r < FRO || r >= FRO + NFR * 16 || (r & 7))
		return -1;
	*upper = (r & 8) != 0;
	return (int)((r - FRO) / 16);
}

/* The faster storm: the device faults once more, whatever is pending. */
static void storm_step(void)
{
	if (u.faster && u.storm) {
		u.storm--;
		unit_fault(STORM_BDF, 0x3ff00000ull, true);
	}
}

uint32_t vtd_rd32(uint32_t r)
{
	storm_step();
	if (r == R_FSTS)
		return (u.pfo ? FSTS_PFO : 0) | (unit_ppf() ? FSTS_PPF : 0);
	u.touched++;
	return 0;
}

void vtd_wr32(uint32_t r, uint32_t v)
{
	storm_step();
	if (r == R_FSTS && (v & FSTS_PFO))
		u.pfo = false;
	else if (r != R_FSTS)
		u.touched++;
}

uint64_t vtd_rd64(uint32_t r)
{
	bool upper;
	int i = record_of(r, &upper);

	storm_step();
	if (i < 0) {
		u.touched++;
		return 0;
	}
	return upper ? u.hi[i] : u.lo[i];
}

void vtd_wr64(uint32_t r, uint64_t v)
{
	bool upper;
	int i = record_of(r, &upper);

	storm_step();
	if (i < 0 || !upper) {
		u.touched++;
		return;
	}
	if (!(v & FRCD_F) || !(u.hi[i] & FRCD_F))
		return;
	u.hi[i] &= ~FRCD_F;
	if (u.storm && !u.faster) { /* the storming device fills it again at once */
		u.storm--;
		unit_fault(STORM_BDF, 0x3ff00000ull, true);
	}
}

void iospace_dma_fault(uint16_t bdf, uint64_t addr, bool write, uint8_t reason)
{
	if (rep.n < REPORT_MAX) {
		rep.bdf[rep.n] = bdf;
		rep.addr[rep.n] = addr;
		rep.write[rep.n] = write;
		rep.reason[rep.n] = reason;
	}
	rep.n++;
}

bool kprintf_allowed(void)
{
	return true;
}

/* One call of the kernel's, checked: bounded, and never leaving a record
 * pending with neither an event nor the next tick to take it. */
static void kernel_call(void (*f)(void))
{
	unsigned before = rep.n;

	f();
	assert_true(rep.n - before <= SCAN_MAX);
	assert_true(!unit_ppf() || u.events || iommu_fault_deferred());
}

/* The boot CPU for up to max_ticks timer ticks: fault events first, then
 * the tick.  Returns the ticks that found records left for them. */
static unsigned boot_cpu(unsigned max_ticks)
{
	unsigned worked = 0;

	for (unsigned t = 0; t < max_ticks; t++) {
		while (u.events) {
			u.events--;
			kernel_call(iommu_fault_event);
		}
		if (!iommu_fault_deferred())
			break;
		worked++;
		kernel_call(iommu_fault_tick);
	}
	return worked;
}

static int setup(void **state)
{
	(void)state;
	kstub_reset();
	memset(&u, 0, sizeof(u));
	memset(&rep, 0, sizeof(rep));
	vtd_fault_init(CAP);
	/* What an earlier test left: run the boot CPU until it is quiet. */
	boot_cpu(1000);
	memset(&rep, 0, sizeof(rep));
	kstub.kprintf = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(u.touched, 0);
	return 0;
}

/* One fault: one event, one report of what the record says, nothing left. */
static void test_one_fault_reported(void **state)
{
	(void)state;
	unit_fault(LATER_BDF, 0x100123ull, false);
	assert_int_equal(u.events, 1);
	assert_int_equal(boot_cpu(10), 0);
	assert_int_equal(rep.n, 1);
	assert_int_equal(rep.bdf[0], LATER_BDF);
	assert_int_equal(rep.addr[0], 0x100000ull);
	assert_false(rep.write[0]);
	assert_int_equal(rep.reason[0], 5);
	assert_false(unit_ppf());
	assert_false(iommu_fault_deferred());
	assert_int_equal(kstub.kprintf, 0);
}

/* A device faults as fast as the handler clears records, far longer than
 * one bounded scan: the handler returns with records pending, and the
 * unit raises no event for them.  Every fault must still be reported, the
 * records must drain once the storm ends, and a later fault from another
 * device must raise an event and be reported. */
static void test_storm_longer_than_a_scan(void **state)
{
	(void)state;
	for (int i = 0; i < NFR; i++)
		unit_fault(STORM_BDF, 0x3ff00000ull, true);
	u.storm = 1000;
	assert_int_equal(u.events, 1);

	unsigned ticks = boot_cpu(1000);
	assert_true(ticks > 0); /* the storm did outrun the handler's scan */
	assert_int_equal(u.storm, 0);
	assert_int_equal(u.lost, 0);
	assert_int_equal(rep.n, NFR + 1000);
	assert_false(unit_ppf());
	assert_false(iommu_fault_deferred());

	unsigned before = rep.n;
	unit_fault(LATER_BDF, 0x200000ull, true);
	assert_int_equal(u.events, 1); /* the unit speaks again */
	boot_cpu(10);
	assert_int_equal(rep.n, before + 1);
	assert_int_equal(rep.bdf[before], LATER_BDF);
	assert_int_equal(rep.addr[before], 0x200000ull);
	assert_true(rep.write[before]);
}

/* Every record full before the handler runs: the unit loses the next
 * faults (PFO).  The kernel must say so, and clear PFO so that a later
 * fault is recorded, raises an event and is reported. */
static void test_overflow_said_and_recording_resumes(void **state)
{
	(void)state;
	for (int i = 0; i < NFR; i++)
		unit_fault(STORM_BDF, 0x3ff00000ull, true);
	for (int i = 0; i < 3; i++)
		unit_fault(STORM_BDF, 0x3ff00000ull, true);
	assert_int_equal(u.lost, 3);
	assert_true(u.pfo);

	boot_cpu(10);
	assert_int_equal(rep.n, NFR);
	assert_int_equal(kstub.kprintf, 1); /* "DMA faults lost: ..." */
	assert_false(u.pfo);

	unit_fault(LATER_BDF, 0x200000ull, true);
	assert_int_equal(u.events, 1);
	boot_cpu(10);
	assert_int_equal(rep.n, NFR + 1);
	assert_int_equal(rep.bdf[NFR], LATER_BDF);
	assert_int_equal(kstub.kprintf, 1); /* no overflow, no line */
}

/* A device that faults at every register access the kernel makes, so
 * faster than the records drain: the unit overflows again and again in
 * the middle of the scans.  Each overflow is said, every fault is either
 * reported or lost to an overflow, the records drain once the storm ends,
 * and a later fault is reported. */
static void test_overflow_during_storm(void **state)
{
	(void)state;
	unit_fault(STORM_BDF, 0x3ff00000ull, true);
	u.storm = 5000;
	u.faster = true;

	boot_cpu(100000);
	assert_int_equal(u.storm, 0);
	assert_int_equal(rep.n + u.lost, 1 + 5000);
	assert_true(u.lost > 0);
	assert_true(kstub.kprintf >= 1);
	assert_false(u.pfo);
	assert_false(unit_ppf());
	assert_false(iommu_fault_deferred());

	unsigned before = rep.n;
	unit_fault(LATER_BDF, 0x200000ull, true);
	assert_int_equal(u.events, 1);
	boot_cpu(10);
	assert_int_equal(rep.n, before + 1);
	assert_int_equal(rep.bdf[before], LATER_BDF);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_one_fault_reported),
	    T(test_storm_longer_than_a_scan),
	    T(test_overflow_said_and_recording_resumes),
	    T(test_overflow_during_storm),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
