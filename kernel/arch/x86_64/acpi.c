/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The little ACPI the kernel reads itself: the MADT (the CPUs to start,
 * the local APIC and the IOAPICs), the MCFG (PCI Express configuration
 * space, which boot hands to user land as a device Reticle) and the DMAR
 * (the IOMMU).  Found through the RSDP in the BIOS area, then the RSDT or
 * XSDT; decoded by lib/base/vx_acpi.c, which checks every length against
 * its table.  A table with a bad checksum is ignored.
 */
#include "core/kernel.h"
#include "vx_acpi.h"

static bool sum_ok(const uint8_t *p, uint32_t n)
{
	uint8_t s = 0;

	for (uint32_t i = 0; i < n; i++)
		s += p[i];
	return s == 0;
}

/* The RSDP: on a 16-byte boundary in the EBDA's first KiB or in
 * 0xe0000..0xfffff. */
static const uint8_t *find_rsdp(void)
{
	uint64_t ebda = (uint64_t) * (const uint16_t *)phys_to_virt(0x40e) << 4;
	uint64_t ranges[2][2] = {{ebda, ebda + 1024}, {0xe0000, 0x100000}};

	for (int r = 0; r < 2; r++) {
		if (ranges[r][0] < 0x80000 || ranges[r][1] > 0x100000)
			continue;
		for (uint64_t pa = ranges[r][0]; pa + 20 <= ranges[r][1]; pa += 16) {
			const uint8_t *p = phys_to_virt(pa);
			if (memcmp(p, "RSD PTR ", 8) == 0 && sum_ok(p, 20))
				return p;
		}
	}
	return NULL;
}

/* A table's bytes, if its header is sane: its signature, a length within
 * reason and a right checksum (vx_acpi_table_ok). */
static const uint8_t *table_at(uint64_t pa, const char *sig)
{
	if (pa == 0 || pa >= DMAP_LIMIT - (1u << 20))
		return NULL;
	const uint8_t *t = phys_to_virt(pa);
	uint32_t len = *(const uint32_t *)(t + 4);
	if (len > (1u << 20) || !vx_acpi_table_ok(t, len, sig))
		return NULL;
	return t;
}

static const uint8_t *find_table(const char sig[4])
{
	const uint8_t *rsdp = find_rsdp();

	if (!rsdp)
		return NULL;
	bool x = rsdp[15] >= 2 && *(const uint64_t *)(rsdp + 24);
	const uint8_t *root =
	    table_at(x ? *(const uint64_t *)(rsdp + 24) : *(const uint32_t *)(rsdp + 16),
		     x ? "XSDT" : "RSDT");
	if (!root)
		return NULL;
	uint32_t len = *(const uint32_t *)(root + 4), step = x ? 8 : 4;
	for (uint32_t off = 36; off + step <= len; off += step) {
		uint64_t pa = x ? *(const uint64_t *)(root + off) : *(const uint32_t *)(root + off);
		const uint8_t *t = table_at(pa, sig);
		if (t)
			return t;
	}
	return NULL;
}

struct vx_madt acpi_madt;
struct vx_mcfg acpi_mcfg;
struct vx_dmar acpi_dmar;

/* Decodes the MADT, MCFG and DMAR once, at boot (a missing table leaves
 * its struct empty). */
void acpi_init(void)
{
	const uint8_t *t;

	if ((t = find_table("APIC")))
		vx_acpi_madt(t, *(const uint32_t *)(t + 4), &acpi_madt);
	if ((t = find_table("MCFG")))
		vx_acpi_mcfg(t, *(const uint32_t *)(t + 4), &acpi_mcfg);
	if ((t = find_table("DMAR")))
		vx_acpi_dmar(t, *(const uint32_t *)(t + 4), &acpi_dmar);
	if (!acpi_madt.lapic_pa)
		acpi_madt.lapic_pa = 0xfee00000;
}

/* Fills apic_ids with the local APIC IDs of the enabled CPUs, the boot
 * CPU's among them, and returns how many (at most max); *lapic_pa gets the
 * local APIC's address.  0 if there is no MADT. */
unsigned acpi_cpus(uint32_t *apic_ids, unsigned max, uint64_t *lapic_pa)
{
	unsigned n = acpi_madt.ncpus < max ? acpi_madt.ncpus : max;

	for (unsigned i = 0; i < n; i++)
		apic_ids[i] = acpi_madt.apic_id[i];
	*lapic_pa = acpi_madt.lapic_pa;
	return n;
}
