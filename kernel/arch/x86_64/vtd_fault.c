/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IOMMU's fault records: how a DMA the unit blocked reaches
 * iospace_dma_fault.  Boot CPU, under the kernel lock.
 */
#include "core/kernel.h"
#include "vtd.h"

static uint32_t fro, nfr; /* the records' offset and count; nfr 0: no unit */

/* Boot CPU, at boot, before the fault event is unmasked (iommu_init):
 * where the unit's fault records are, from its CAP register. */
void vtd_fault_init(uint64_t cap)
{
	fro = (uint32_t)((cap >> 24) & 0x3ff) * 16;
	nfr = (uint32_t)((cap >> 40) & 0xff) + 1;
}

/* The fault event (boot CPU, lock held): reads and clears every recorded
 * fault, handing each to iospace_dma_fault. */
void iommu_fault_event(void)
{
	if (!nfr)
		return;
	/* The unit raises its interrupt only when a fault finds no record
	 * pending (FSTS.PPF clear): one recorded behind the scan, while
	 * another was still pending, would raise none, and with its record
	 * never cleared neither would any later fault.  So the records are
	 * scanned again while any is pending, a bounded number of times. */
	for (unsigned round = 0; round < 8 && (vtd_rd32(R_FSTS) & FSTS_PPF); round++) {
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
	vtd_wr32(R_FSTS, vtd_rd32(R_FSTS) & 0x7f); /* clear the overflow and error bits */
}
