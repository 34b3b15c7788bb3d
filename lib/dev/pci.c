/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PCI configuration space decoding (pci.h).  Pure logic over a page the
 * caller maps; every value read from the page is checked before it is
 * used as an offset.
 */
#include "dev/pci.h"

#define CAP_POSITIONS 48u /* dword positions in [0x40, 0x100) */

/* Reads the dword containing off. */
uint32_t vx_pci_read32(const volatile uint8_t *cfg, uint32_t off)
{
	off &= (VX_PCI_CFG_SIZE - 1) & ~3u;
	return *(const volatile uint32_t *)(cfg + off);
}

/* Reads 16 bits at off from its dword (see pci.h for off & 3 == 3). */
uint16_t vx_pci_read16(const volatile uint8_t *cfg, uint32_t off)
{
	return (uint16_t)(vx_pci_read32(cfg, off) >> ((off & 3u) * 8u));
}

/* Reads the byte at off from its dword. */
uint8_t vx_pci_read8(const volatile uint8_t *cfg, uint32_t off)
{
	return (uint8_t)(vx_pci_read32(cfg, off) >> ((off & 3u) * 8u));
}

/* Writes the dword containing off. */
void vx_pci_write32(volatile uint8_t *cfg, uint32_t off, uint32_t val)
{
	off &= (VX_PCI_CFG_SIZE - 1) & ~3u;
	*(volatile uint32_t *)(cfg + off) = val;
}

/* Read-modify-write of the dword holding 16 bits at off (off even). */
void vx_pci_write16(volatile uint8_t *cfg, uint32_t off, uint16_t val)
{
	unsigned shift = (off & 2u) * 8u;
	uint32_t d = vx_pci_read32(cfg, off);

	d = (d & ~(0xffffu << shift)) | ((uint32_t)val << shift);
	vx_pci_write32(cfg, off, d);
}

/* 1 if something answers: an absent function reads all-ones. */
int vx_pci_present(const volatile uint8_t *cfg)
{
	return vx_pci_read16(cfg, VX_PCI_VENDOR) != 0xffffu;
}

/* Fills *id from the header registers. */
void vx_pci_ident(const volatile uint8_t *cfg, struct vx_pci_id *id)
{
	uint32_t cls = vx_pci_read32(cfg, VX_PCI_REVISION);
	uint8_t ht = vx_pci_read8(cfg, VX_PCI_HEADER_TYPE);

	id->vendor = vx_pci_read16(cfg, VX_PCI_VENDOR);
	id->device = vx_pci_read16(cfg, VX_PCI_DEVICE);
	id->revision = (uint8_t)cls;
	id->prog_if = (uint8_t)(cls >> 8);
	id->subclass = (uint8_t)(cls >> 16);
	id->class_code = (uint8_t)(cls >> 24);
	id->header_type = ht & 0x7fu;
	id->multifunction = (ht & 0x80u) != 0;
	id->subsys_vendor = id->header_type == 0 ? vx_pci_read16(cfg, VX_PCI_SUBSYS_VEND) : 0;
	id->subsys_id = id->header_type == 0 ? vx_pci_read16(cfg, VX_PCI_SUBSYS_ID) : 0;
}

/* Sets then clears command bits; the status half is written as zero. */
uint16_t vx_pci_command(volatile uint8_t *cfg, uint16_t set, uint16_t clear)
{
	uint16_t cmd = vx_pci_read16(cfg, VX_PCI_COMMAND);

	cmd = (uint16_t)((cmd | set) & ~clear);
	vx_pci_write32(cfg, VX_PCI_COMMAND, cmd);
	return vx_pci_read16(cfg, VX_PCI_COMMAND);
}

/* Starts a walk at the capability pointer, or at the end if the function
 * has no list. */
void vx_pci_cap_begin(const volatile uint8_t *cfg, struct vx_pci_cap_iter *it)
{
	uint8_t ht = vx_pci_read8(cfg, VX_PCI_HEADER_TYPE) & 0x7fu;

	it->seen = 0;
	it->err = 0;
	it->next = 0;
	if ((vx_pci_read16(cfg, VX_PCI_STATUS) & VX_PCI_STATUS_CAPLIST) && ht <= 1)
		it->next = vx_pci_read8(cfg, VX_PCI_CAP_PTR) & 0xfcu;
}

/* Advances to the next capability with this id; see pci.h.  Each step
 * checks the position before reading it, so a hostile list can at worst
 * end the walk with VX_E_CORRUPT. */
int vx_pci_cap_find(const volatile uint8_t *cfg, struct vx_pci_cap_iter *it, uint8_t id)
{
	while (it->err == 0) {
		uint8_t pos = it->next;
		uint64_t bit;
		uint32_t head;

		if (pos == 0) {
			it->err = VX_E_NOTFOUND;
			break;
		}
		if (pos < VX_PCI_HEADER_END) {
			it->err = VX_E_CORRUPT;
			break;
		}
		bit = 1ull << ((pos - VX_PCI_HEADER_END) / 4u);
		if (it->seen & bit) {
			it->err = VX_E_CORRUPT; /* a loop */
			break;
		}
		it->seen |= bit;
		head = vx_pci_read32(cfg, pos);
		it->next = (uint8_t)(head >> 8) & 0xfcu;
		if ((uint8_t)head == id)
			return pos;
	}
	return it->err;
}

/* The first capability with this id. */
int vx_pci_find_cap(const volatile uint8_t *cfg, uint8_t id)
{
	struct vx_pci_cap_iter it;

	vx_pci_cap_begin(cfg, &it);
	return vx_pci_cap_find(cfg, &it, id);
}

/* Decodes one BAR from its value and its all-ones readback. */
int vx_pci_bar_decode(uint32_t lo, uint32_t hi, uint32_t lo_ones, uint32_t hi_ones,
		      struct vx_pci_bar *bar)
{
	uint64_t mask, base;

	bar->prefetchable = 0;
	if ((lo & 1u) ? (lo_ones & ~3u) == 0
		      : (lo_ones & ~0xfu) == 0 && (((lo >> 1) & 3u) != 2u || hi_ones == 0)) {
		/* Nothing writable: the BAR is not implemented. */
		*bar = (struct vx_pci_bar){.kind = VX_PCI_BAR_NONE};
		return VX_OK;
	}
	if (lo & 1u) {
		bar->kind = VX_PCI_BAR_IO;
		base = lo & ~3ull;
		mask = lo_ones & ~3u;
		if ((mask & 0xffff0000u) == 0) /* a 16-bit decoder */
			mask |= 0xffff0000u;
		mask |= ~0xffffffffull;
	} else {
		uint32_t type = (lo >> 1) & 3u;

		if (type == 3u)
			return VX_E_CORRUPT;
		bar->prefetchable = (lo >> 3) & 1u;
		base = lo & ~0xfull;
		mask = lo_ones & ~0xfu;
		if (type == 2u) {
			bar->kind = VX_PCI_BAR_MEM64;
			base |= (uint64_t)hi << 32;
			mask |= (uint64_t)hi_ones << 32;
		} else {
			bar->kind = VX_PCI_BAR_MEM32;
			mask |= ~0xffffffffull;
		}
	}
	bar->base = base;
	bar->size = ~mask + 1u;
	if ((bar->size & (bar->size - 1u)) != 0 || (base & (bar->size - 1u)) != 0)
		return VX_E_CORRUPT;
	return VX_OK;
}

/* Kind of the BAR register value v (NONE is decided only by sizing). */
static int bar_kind(uint32_t v, uint8_t *kind)
{
	if (v & 1u)
		*kind = VX_PCI_BAR_IO;
	else if (((v >> 1) & 3u) == 3u)
		return VX_E_CORRUPT;
	else
		*kind = ((v >> 1) & 3u) == 2u ? VX_PCI_BAR_MEM64 : VX_PCI_BAR_MEM32;
	return VX_OK;
}

/* Kinds and bases from the header; see pci.h. */
int vx_pci_bars(const volatile uint8_t *cfg, struct vx_pci_bar bar[VX_PCI_NBARS])
{
	if ((vx_pci_read8(cfg, VX_PCI_HEADER_TYPE) & 0x7fu) != 0)
		return VX_E_NOTFOUND;
	for (unsigned i = 0; i < VX_PCI_NBARS; i++) {
		uint32_t v = vx_pci_read32(cfg, VX_PCI_BAR0 + 4u * i);
		struct vx_pci_bar *b = &bar[i];
		int rc;

		b->size = 0;
		b->prefetchable = 0;
		rc = bar_kind(v, &b->kind);
		if (rc < 0)
			return rc;
		if (b->kind == VX_PCI_BAR_IO) {
			b->base = v & ~3ull;
			continue;
		}
		b->base = v & ~0xfull;
		b->prefetchable = (v >> 3) & 1u;
		if (b->kind == VX_PCI_BAR_MEM64) {
			if (i == VX_PCI_NBARS - 1)
				return VX_E_CORRUPT;
			i++;
			b->base |= (uint64_t)vx_pci_read32(cfg, VX_PCI_BAR0 + 4u * i) << 32;
			bar[i] = (struct vx_pci_bar){.kind = VX_PCI_BAR_UPPER};
		}
	}
	return VX_OK;
}

/* Sizes one BAR by the all-ones probe and restores it; see pci.h. */
int vx_pci_bar_size(volatile uint8_t *cfg, unsigned index, struct vx_pci_bar *bar)
{
	uint32_t off = VX_PCI_BAR0 + 4u * index;
	uint32_t lo, hi = 0, lo_ones, hi_ones = 0;
	struct vx_pci_bar all[VX_PCI_NBARS];
	int wide, rc;

	if (index >= VX_PCI_NBARS)
		return VX_E_INVAL;
	rc = vx_pci_bars(cfg, all);
	if (rc < 0)
		return rc;
	if (all[index].kind == VX_PCI_BAR_UPPER)
		return VX_E_INVAL;
	lo = vx_pci_read32(cfg, off);
	wide = !(lo & 1u) && ((lo >> 1) & 3u) == 2u;
	vx_pci_write32(cfg, off, 0xffffffffu);
	lo_ones = vx_pci_read32(cfg, off);
	vx_pci_write32(cfg, off, lo);
	if (wide) {
		hi = vx_pci_read32(cfg, off + 4u);
		vx_pci_write32(cfg, off + 4u, 0xffffffffu);
		hi_ones = vx_pci_read32(cfg, off + 4u);
		vx_pci_write32(cfg, off + 4u, hi);
	}
	return vx_pci_bar_decode(lo, hi, lo_ones, hi_ones, bar);
}

/* Finds capability id and checks that len bytes of it lie below 0x100. */
static int cap_body(const volatile uint8_t *cfg, uint8_t id, uint32_t len)
{
	int pos = vx_pci_find_cap(cfg, id);

	if (pos < 0)
		return pos;
	if ((uint32_t)pos + len > 0x100u)
		return VX_E_CORRUPT;
	return pos;
}

/* Reads the MSI-X capability; see pci.h. */
int vx_pci_msix_decode(const volatile uint8_t *cfg, struct vx_pci_msix *m)
{
	int pos = cap_body(cfg, VX_PCI_CAP_MSIX, 12u);
	uint32_t table, pba;

	if (pos < 0)
		return pos;
	table = vx_pci_read32(cfg, (uint32_t)pos + 4u);
	pba = vx_pci_read32(cfg, (uint32_t)pos + 8u);
	if ((table & 7u) >= VX_PCI_NBARS || (pba & 7u) >= VX_PCI_NBARS)
		return VX_E_CORRUPT;
	m->cap = (uint8_t)pos;
	m->table_size = (uint16_t)((vx_pci_read16(cfg, (uint32_t)pos + 2u) & 0x7ffu) + 1u);
	m->table_bar = table & 7u;
	m->table_off = table & ~7u;
	m->pba_bar = pba & 7u;
	m->pba_off = pba & ~7u;
	m->table = 0;
	return VX_OK;
}

/* 1 if [off, off + len) lies inside a mapped region of size size. */
static int inside(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* Checks the table and PBA against the caller's mappings; sets m->table. */
int vx_pci_msix_locate(struct vx_pci_msix *m, const struct vx_pci_map map[VX_PCI_NBARS])
{
	const struct vx_pci_map *t = &map[m->table_bar], *p = &map[m->pba_bar];
	uint64_t pba_len = ((uint64_t)m->table_size + 63u) / 64u * 8u;

	m->table = 0;
	if (!t->va ||
	    !inside(m->table_off, (uint64_t)m->table_size * VX_PCI_MSIX_ENTRY_SIZE, t->size))
		return VX_E_CORRUPT;
	if (!p->va || !inside(m->pba_off, pba_len, p->size))
		return VX_E_CORRUPT;
	m->table = t->va + m->table_off;
	return VX_OK;
}

/* Sets or clears the mask bit of one entry. */
int vx_pci_msix_mask(const struct vx_pci_msix *m, uint16_t entry, int masked)
{
	volatile uint32_t *e;

	if (!m->table)
		return VX_E_STATE;
	if (entry >= m->table_size)
		return VX_E_RANGE;
	e = (volatile uint32_t *)(m->table + (uint32_t)entry * VX_PCI_MSIX_ENTRY_SIZE);
	e[3] = masked ? (e[3] | 1u) : (e[3] & ~1u);
	return VX_OK;
}

/* Programs one entry under its mask, then unmasks it. */
int vx_pci_msix_set(const struct vx_pci_msix *m, uint16_t entry, uint64_t addr, uint32_t data)
{
	volatile uint32_t *e;
	int rc = vx_pci_msix_mask(m, entry, 1);

	if (rc < 0)
		return rc;
	e = (volatile uint32_t *)(m->table + (uint32_t)entry * VX_PCI_MSIX_ENTRY_SIZE);
	e[0] = (uint32_t)addr;
	e[1] = (uint32_t)(addr >> 32);
	e[2] = data;
	return vx_pci_msix_mask(m, entry, 0);
}

/* Writes enable and function mask; id and next are read-only. */
void vx_pci_msix_control(volatile uint8_t *cfg, const struct vx_pci_msix *m, int enable,
			 int function_mask)
{
	uint16_t ctl = vx_pci_read16(cfg, m->cap + 2u);

	ctl &= (uint16_t) ~(VX_PCI_MSIX_ENABLE | VX_PCI_MSIX_FUNC_MASK);
	if (enable)
		ctl |= VX_PCI_MSIX_ENABLE;
	if (function_mask)
		ctl |= VX_PCI_MSIX_FUNC_MASK;
	vx_pci_write16(cfg, m->cap + 2u, ctl);
}

/* Reads the MSI capability and its layout; see pci.h. */
int vx_pci_msi_decode(const volatile uint8_t *cfg, struct vx_pci_msi *m)
{
	int pos = vx_pci_find_cap(cfg, VX_PCI_CAP_MSI);
	uint16_t ctl;
	uint32_t len;

	if (pos < 0)
		return pos;
	ctl = vx_pci_read16(cfg, (uint32_t)pos + 2u);
	m->cap = (uint8_t)pos;
	m->is64 = (ctl >> 7) & 1u;
	m->maskable = (ctl >> 8) & 1u;
	m->data_off = m->is64 ? 12u : 8u;
	m->mask_off = m->maskable ? (uint8_t)(m->data_off + 4u) : 0u;
	len = m->maskable ? m->mask_off + 8u : m->data_off + 2u;
	if ((uint32_t)pos + len > 0x100u)
		return VX_E_CORRUPT;
	return VX_OK;
}

/* Writes address and data, unmasks vector 0 and enables one vector. */
int vx_pci_msi_program(volatile uint8_t *cfg, const struct vx_pci_msi *m, uint64_t addr,
		       uint16_t data)
{
	uint16_t ctl;

	if (!m->is64 && (addr >> 32) != 0)
		return VX_E_RANGE;
	vx_pci_write32(cfg, m->cap + 4u, (uint32_t)addr);
	if (m->is64)
		vx_pci_write32(cfg, m->cap + 8u, (uint32_t)(addr >> 32));
	vx_pci_write32(cfg, m->cap + m->data_off, data);
	if (m->maskable)
		vx_pci_write32(cfg, m->cap + m->mask_off,
			       vx_pci_read32(cfg, m->cap + m->mask_off) & ~1u);
	ctl = vx_pci_read16(cfg, m->cap + 2u);
	ctl = (uint16_t)((ctl & ~0x70u) | VX_PCI_MSI_ENABLE); /* MME = 0: one vector */
	vx_pci_write16(cfg, m->cap + 2u, ctl);
	return VX_OK;
}
