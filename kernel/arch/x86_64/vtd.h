/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VT-d unit's registers, shared by vtd.c (tables, invalidation) and
 * vtd_fault.c (the fault records).  vtd_regs is set once, at boot
 * (iommu_init), and fixed after: no lock.  In a host build (VX_HOST) the
 * four accessors are the test's model of the unit
 * (tests/host/test_vtd_fault.c), so the fault path runs unchanged against
 * a unit that behaves as the specification says.
 */
#ifndef ARCH_X86_64_VTD_H
#define ARCH_X86_64_VTD_H

#include <stdint.h>

#define R_CAP	  0x08
#define R_ECAP	  0x10
#define R_GCMD	  0x18
#define R_GSTS	  0x1c
#define R_RTADDR  0x20
#define R_CCMD	  0x28
#define R_FSTS	  0x34
#define R_FECTL	  0x38
#define R_FEDATA  0x3c
#define R_FEADDR  0x40
#define R_FEUADDR 0x44

#define FSTS_PFO (1u << 0)    /* primary fault overflow: write 1 to clear */
#define FSTS_PPF (1u << 1)    /* primary pending fault: some record's F is set */
#define FRCD_F	 (1ull << 63) /* in a record's upper quadword: write 1 to clear */
#define FRCD_T	 (1ull << 62) /* ... set for a read, clear for a write */

#ifdef VX_HOST
uint32_t vtd_rd32(uint32_t r);
void vtd_wr32(uint32_t r, uint32_t v);
uint64_t vtd_rd64(uint32_t r);
void vtd_wr64(uint32_t r, uint64_t v);
#else
extern volatile uint8_t *vtd_regs; /* NULL: no unit in use */

static inline uint32_t vtd_rd32(uint32_t r)
{
	return *(volatile uint32_t *)(vtd_regs + r);
}
static inline void vtd_wr32(uint32_t r, uint32_t v)
{
	*(volatile uint32_t *)(vtd_regs + r) = v;
}
static inline uint64_t vtd_rd64(uint32_t r)
{
	return *(volatile uint64_t *)(vtd_regs + r);
}
static inline void vtd_wr64(uint32_t r, uint64_t v)
{
	*(volatile uint64_t *)(vtd_regs + r) = v;
}
#endif

/* Where the unit's fault records are (CAP.FRO, CAP.NFR); boot CPU, at
 * boot, before the fault event is unmasked (vtd_fault.c). */
void vtd_fault_init(uint64_t cap);

#endif
