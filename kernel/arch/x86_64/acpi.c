/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The little ACPI the kernel reads itself: the MADT, for the local APICs
 * of the CPUs to start (and the local APIC's address).  Found through the
 * RSDP in the BIOS area, then the RSDT or XSDT.  Firmware tables are
 * trusted but bounded: every length is checked against its table, and a
 * table with a bad checksum is ignored.
 */
#include "core/kernel.h"

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

/* A table's header, if its length is sane and its checksum right. */
static const uint8_t *table_at(uint64_t pa)
{
	if (pa == 0 || pa >= DMAP_LIMIT)
		return NULL;
	const uint8_t *t = phys_to_virt(pa);
	uint32_t len = *(const uint32_t *)(t + 4);
	if (len < 36 || len > (1u << 20) || !sum_ok(t, len))
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
	    table_at(x ? *(const uint64_t *)(rsdp + 24) : *(const uint32_t *)(rsdp + 16));
	if (!root)
		return NULL;
	uint32_t len = *(const uint32_t *)(root + 4), step = x ? 8 : 4;
	for (uint32_t off = 36; off + step <= len; off += step) {
		uint64_t pa = x ? *(const uint64_t *)(root + off) : *(const uint32_t *)(root + off);
		const uint8_t *t = table_at(pa);
		if (t && memcmp(t, sig, 4) == 0)
			return t;
	}
	return NULL;
}

/* Fills apic_ids with the local APIC IDs of the enabled CPUs, the boot
 * CPU's among them, and returns how many (at most max); *lapic_pa gets the
 * local APIC's address.  0 if there is no MADT. */
unsigned acpi_cpus(uint32_t *apic_ids, unsigned max, uint64_t *lapic_pa)
{
	const uint8_t *madt = find_table("APIC");
	unsigned n = 0;

	if (!madt)
		return 0;
	uint32_t len = *(const uint32_t *)(madt + 4);
	*lapic_pa = *(const uint32_t *)(madt + 36);
	for (uint32_t off = 44; off + 2 <= len;) {
		uint8_t type = madt[off], elen = madt[off + 1];
		if (elen < 2 || off + elen > len)
			break;
		if (type == 0 && elen >= 8 && (*(const uint32_t *)(madt + off + 4) & 1) && n < max)
			apic_ids[n++] = madt[off + 3]; /* processor local APIC, enabled */
		else if (type == 5 && elen >= 12)
			*lapic_pa = *(const uint64_t *)(madt + off + 4); /* address override */
		off += elen;
	}
	return n;
}
