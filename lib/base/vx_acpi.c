/* SPDX-License-Identifier: BSD-3-Clause */
/* ACPI table decoders (vx_acpi.h).  Multi-byte fields are little-endian
 * and unaligned; every read goes through rd16/rd32/rd64. */
#include "vx_acpi.h"
#include "vectra/abi.h"
#include "vx_string.h"

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}
static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

uint32_t vx_acpi_table_ok(const uint8_t *t, size_t len, const char *sig)
{
	if (!t || len < VX_ACPI_HDR_LEN || memcmp(t, sig, 4) != 0)
		return 0;
	uint32_t tlen = rd32(t + 4);
	if (tlen < VX_ACPI_HDR_LEN || tlen > len)
		return 0;
	uint8_t s = 0;
	for (uint32_t i = 0; i < tlen; i++)
		s = (uint8_t)(s + t[i]);
	return s == 0 ? tlen : 0;
}

int vx_acpi_madt(const uint8_t *t, size_t len, struct vx_madt *m)
{
	memset(m, 0, sizeof(*m));
	uint32_t tlen = vx_acpi_table_ok(t, len, "APIC");
	if (tlen < 44)
		return VX_E_CORRUPT;
	m->lapic_pa = rd32(t + 36);
	for (uint32_t off = 44; off + 2 <= tlen;) {
		uint8_t type = t[off], elen = t[off + 1];
		const uint8_t *e = t + off;
		if (elen < 2 || elen > tlen - off)
			break;
		if (type == 0 && elen >= 8 && (rd32(e + 4) & 1) && m->ncpus < VX_ACPI_MAX_CPUS) {
			m->apic_id[m->ncpus++] = e[3]; /* processor local APIC, enabled */
		} else if (type == 1 && elen >= 12 && m->nioapics < VX_ACPI_MAX_IOAPICS) {
			m->ioapic[m->nioapics].id = e[2];
			m->ioapic[m->nioapics].pa = rd32(e + 4);
			m->ioapic[m->nioapics].gsi_base = rd32(e + 8);
			m->nioapics++;
		} else if (type == 2 && elen >= 10 && e[2] == 0 &&
			   m->noverrides < VX_ACPI_MAX_OVERRIDES) {
			m->override[m->noverrides].isa_irq = e[3]; /* bus 0: ISA */
			m->override[m->noverrides].gsi = rd32(e + 4);
			m->override[m->noverrides].flags = rd16(e + 8);
			m->noverrides++;
		} else if (type == 5 && elen >= 12) {
			m->lapic_pa = rd64(e + 4); /* local APIC address override */
		}
		off += elen;
	}
	return VX_OK;
}

int vx_acpi_mcfg(const uint8_t *t, size_t len, struct vx_mcfg *m)
{
	memset(m, 0, sizeof(*m));
	uint32_t tlen = vx_acpi_table_ok(t, len, "MCFG");
	if (tlen < 44)
		return VX_E_CORRUPT;
	for (uint32_t off = 44; off + 16 <= tlen && m->n < VX_ACPI_MAX_ECAM; off += 16) {
		const uint8_t *e = t + off;
		if (e[10] > e[11])
			continue; /* an empty bus range */
		m->ecam[m->n].base = rd64(e);
		m->ecam[m->n].segment = rd16(e + 8);
		m->ecam[m->n].bus_first = e[10];
		m->ecam[m->n].bus_last = e[11];
		m->n++;
	}
	return VX_OK;
}

int vx_acpi_dmar(const uint8_t *t, size_t len, struct vx_dmar *d)
{
	memset(d, 0, sizeof(*d));
	uint32_t tlen = vx_acpi_table_ok(t, len, "DMAR");
	if (tlen < 48)
		return VX_E_CORRUPT;
	d->haw = (uint8_t)(t[36] + 1);
	d->flags = t[37];
	for (uint32_t off = 48; off + 4 <= tlen;) {
		const uint8_t *e = t + off;
		uint16_t type = rd16(e), elen = rd16(e + 2);
		if (elen < 4 || elen > tlen - off)
			break;
		if (type == 0 && elen >= 16 && d->n < VX_ACPI_MAX_DRHD) {
			d->drhd[d->n].include_all = e[4] & 1;
			d->drhd[d->n].segment = rd16(e + 6);
			d->drhd[d->n].reg_pa = rd64(e + 8);
			d->n++;
		}
		off += elen;
	}
	return VX_OK;
}

uint32_t vx_acpi_isa_gsi(const struct vx_madt *m, uint8_t irq, bool *level, bool *low)
{
	*level = false;
	*low = false;
	for (uint32_t i = 0; i < m->noverrides; i++) {
		if (m->override[i].isa_irq != irq)
			continue;
		uint16_t pol = m->override[i].flags & 3, trig = (m->override[i].flags >> 2) & 3;
		*low = pol == 3;
		*level = trig == 3;
		return m->override[i].gsi;
	}
	return irq;
}
