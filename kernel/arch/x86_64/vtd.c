/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IOMMU: Intel VT-d DMA remapping, found through the ACPI DMAR table.
 *
 * The kernel owns the remapping hardware; user land sees it only as
 * IoSpace capabilities (core/iospace.c).  Here: one remapping unit (the
 * first DRHD of segment 0), legacy-mode root and context tables held in
 * kernel memory and register-based invalidation; the fault recording
 * registers are vtd_fault.c's.  Translation is turned on at boot with every context entry
 * absent, so from then on a PCI function's DMA reaches nothing until an
 * IoSpace is attached to it, and then only what is mapped there.
 *
 *   root table       256 entries, one per bus; bus b points at ctx[b]
 *   context table    256 entries, one per device/function: the IoSpace's
 *                    top table, its address width and its domain id
 *   second level     the IoSpace's tables (core/iospace.c), 3 or 4 levels
 *
 * Invalidation is synchronous: after a change, the context cache and the
 * domain's IOTLB are invalidated and the registers polled until the unit
 * reports completion, so no stale translation outlives the call.  Only
 * buses below IOMMU_BUSES have context tables.
 */
#include "core/kernel.h"
#include "vx_acpi.h"
#include "vtd.h"

#define GCMD_TE	     (1u << 31)
#define GCMD_SRTP    (1u << 30)
#define CCMD_ICC     (1ull << 63)
#define CCMD_GLOBAL  (1ull << 61)
#define IOTLB_IVT    (1ull << 63)
#define IOTLB_GLOBAL (1ull << 60)
#define IOTLB_DOMAIN (2ull << 60)
#define IOTLB_DR     (1ull << 49)
#define IOTLB_DW     (1ull << 48)
#define SPIN_MAX     10000000u

struct vtd_entry {
	uint64_t lo, hi;
};
static struct vtd_entry root_table[256] __attribute__((aligned(4096)));
static struct vtd_entry ctx[IOMMU_BUSES][256] __attribute__((aligned(4096)));

volatile uint8_t *vtd_regs;
static uint64_t ecap;
static uint32_t gcmd; /* the persistent command bits set so far */
static unsigned levels;

/* Was a VT-d unit found and enabled at boot?  Fixed after boot: no lock. */
bool iommu_present(void)
{
	return vtd_regs != NULL;
}

/* The page-table levels of the unit's second-level tables (3 or 4).
 * Fixed after boot: no lock. */
unsigned iommu_levels(void)
{
	return levels;
}

/* Writes back the cache lines of [p, p + n) when the unit does not snoop
 * them (ECAP.C clear), so that it reads what the CPU wrote. */
void iommu_sync(const void *p, size_t n)
{
	if (!vtd_regs || (ecap & 1))
		return;
	const uint8_t *a = (const uint8_t *)((uintptr_t)p & ~(uintptr_t)63);
	for (; a < (const uint8_t *)p + n; a += 64)
		__asm__ volatile("clflush (%0)" ::"r"(a) : "memory");
	__asm__ volatile("mfence" ::: "memory");
}

static void wait_status(uint32_t bit, bool set)
{
	for (uint32_t i = 0; i < SPIN_MAX; i++)
		if (!!(vtd_rd32(R_GSTS) & bit) == set)
			return;
	panic("IOMMU: status bit 0x%x never became %d", bit, set);
}

static void command(uint32_t bit)
{
	vtd_wr32(R_GCMD, gcmd | bit);
	wait_status(bit, true);
}

static void invalidate_context(void)
{
	vtd_wr64(R_CCMD, CCMD_ICC | CCMD_GLOBAL);
	for (uint32_t i = 0; i < SPIN_MAX; i++)
		if (!(vtd_rd64(R_CCMD) & CCMD_ICC))
			return;
	panic("IOMMU: context invalidation never completed");
}

/* Invalidates the IOTLB of one domain (0: all), draining the unit's reads
 * and writes, and waits for completion. */
void iommu_flush(uint16_t domain)
{
	if (!vtd_regs)
		return;
	uint32_t iotlb = (uint32_t)((ecap >> 8) & 0x3ff) * 16 + 8;
	uint64_t cmd = IOTLB_IVT | IOTLB_DR | IOTLB_DW |
		       (domain ? IOTLB_DOMAIN | (uint64_t)domain << 32 : IOTLB_GLOBAL);
	vtd_wr64(iotlb, cmd);
	for (uint32_t i = 0; i < SPIN_MAX; i++)
		if (!(vtd_rd64(iotlb) & IOTLB_IVT))
			return;
	panic("IOMMU: IOTLB invalidation never completed");
}

/* Points bdf's context entry at an IoSpace's top table (root_pa) in domain
 * domain, or, with root_pa 0, removes it; then invalidates the context
 * cache and the domain's IOTLB.  The caller checked bdf's bus. */
void iommu_attach(uint16_t bdf, uint16_t domain, uint64_t root_pa)
{
	struct vtd_entry *e = &ctx[bdf >> 8][bdf & 0xff];

	if (root_pa) {
		e->hi = (levels == 4 ? 2u : 1u) | (uint64_t)domain << 8;
		e->lo = root_pa | 1;
	} else {
		e->lo = 0;
		e->hi = 0;
	}
	iommu_sync(e, sizeof(*e));
	invalidate_context();
	iommu_flush(domain);
}

/* Boot CPU, after irq_init: finds the first remapping unit of segment 0,
 * installs empty context tables for every bus, routes fault events to
 * VEC_IOMMU and turns translation on.  Without a DMAR there is no IOMMU
 * (iommu_present false), and IoSpaces are refused unless unconfined. */
void iommu_init(void)
{
	uint64_t pa = 0;

	for (uint32_t i = 0; i < acpi_dmar.n; i++)
		if (acpi_dmar.drhd[i].segment == 0 && !pa)
			pa = acpi_dmar.drhd[i].reg_pa;
	if (!pa || pa >= DMAP_LIMIT) {
		kprintf("VectraOS: no IOMMU\n");
		return;
	}
	paging_map_mmio(pa);
	volatile uint8_t *r = (volatile uint8_t *)phys_to_virt(pa & ~0x1fffffull) + (pa & 0x1fffff);
	uint64_t c = *(volatile uint64_t *)(r + R_CAP);
	unsigned sagaw = (unsigned)(c >> 8) & 0x1f;
	if (!(sagaw & 6)) {
		kprintf("VectraOS: IOMMU at 0x%lx has no 3- or 4-level tables; not used\n",
			(unsigned long)pa);
		return;
	}
	vtd_regs = r;
	ecap = vtd_rd64(R_ECAP);
	levels = (sagaw & 4) ? 4 : 3;
	for (unsigned b = 0; b < IOMMU_BUSES; b++)
		root_table[b].lo = virt_to_phys(ctx[b]) | 1;
	iommu_sync(root_table, sizeof(root_table));
	iommu_sync(ctx, sizeof(ctx));
	vtd_wr64(R_RTADDR, virt_to_phys(root_table));
	command(GCMD_SRTP);
	invalidate_context();
	iommu_flush(0);
	vtd_fault_init(c);
	vtd_wr32(R_FEDATA, VEC_IOMMU);
	vtd_wr32(R_FEADDR, 0xfee00000u | (cpus[0].apic_id << 12));
	vtd_wr32(R_FEUADDR, 0);
	vtd_wr32(R_FECTL, 0); /* fault events unmasked */
	command(GCMD_TE);
	gcmd |= GCMD_TE;
	kprintf("VectraOS: IOMMU at 0x%lx, %u-level tables, DMA confined\n", (unsigned long)pa,
		levels);
}
