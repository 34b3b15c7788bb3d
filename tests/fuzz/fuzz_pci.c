/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for lib/dev/pci.h and the virtio probe: the input is a
 * configuration page (its first 4096 bytes, zero-padded) followed by six
 * bytes that choose the size of each mapped BAR (16 << (b % 12) bytes)
 * and two that give queue 0's notify offset.
 * Every BAR is an exact-size heap buffer, so ASan reports any access the
 * decoders let through outside it: the MSI-X table, the virtio structures
 * and the notify address a queue setup computes.
 *
 * Invariants: the capability walk ends within 48 steps with VX_E_NOTFOUND
 * or VX_E_CORRUPT and only ever returns dword-aligned positions in
 * [0x40, 0xfc]; BAR kinds are the enum's; a located MSI-X table lies
 * inside its BAR; errors are the named ones.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dev/pci.h"
#include "dev/virtio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

static uint32_t page[VX_PCI_CFG_SIZE / 4];
#define CFG ((volatile uint8_t *)page)

/* Walks the whole list for one id. */
static void walk(uint8_t id)
{
	struct vx_pci_cap_iter it;
	int rc, steps = 0;

	vx_pci_cap_begin(CFG, &it);
	while ((rc = vx_pci_cap_find(CFG, &it, id)) >= 0) {
		CHECK(rc >= 0x40 && rc <= 0xfc && (rc & 3) == 0);
		CHECK(vx_pci_read8(CFG, (uint32_t)rc) == id);
		CHECK(++steps <= 48);
	}
	CHECK(rc == VX_E_NOTFOUND || rc == VX_E_CORRUPT);
	CHECK(vx_pci_cap_find(CFG, &it, id) == rc);
}

static void bars(void)
{
	struct vx_pci_bar b[VX_PCI_NBARS], one;
	int rc = vx_pci_bars(CFG, b);

	CHECK(rc == VX_OK || rc == VX_E_CORRUPT || rc == VX_E_NOTFOUND);
	if (rc == VX_OK)
		for (unsigned i = 0; i < VX_PCI_NBARS; i++)
			CHECK(b[i].kind >= VX_PCI_BAR_MEM32 && b[i].kind <= VX_PCI_BAR_UPPER);
	for (unsigned i = 0; i <= VX_PCI_NBARS; i++) {
		rc = vx_pci_bar_size(CFG, i, &one);
		CHECK(rc == VX_OK || rc == VX_E_CORRUPT || rc == VX_E_NOTFOUND || rc == VX_E_INVAL);
		if (rc == VX_OK && one.kind != VX_PCI_BAR_NONE)
			CHECK(one.size != 0 && (one.size & (one.size - 1)) == 0);
	}
}

static void msix(const struct vx_pci_map map[VX_PCI_NBARS])
{
	struct vx_pci_msix m;
	int rc = vx_pci_msix_decode(CFG, &m);

	CHECK(rc == VX_OK || rc == VX_E_CORRUPT || rc == VX_E_NOTFOUND);
	if (rc != VX_OK)
		return;
	CHECK(m.table_size >= 1 && m.table_size <= 2048);
	if (vx_pci_msix_locate(&m, map) != VX_OK) {
		CHECK(vx_pci_msix_set(&m, 0, 0xfee00000, 1) == VX_E_STATE);
		return;
	}
	CHECK(m.table_off + (uint64_t)m.table_size * 16 <= map[m.table_bar].size);
	CHECK(vx_pci_msix_set(&m, 0, 0xfee00000, 1) == VX_OK);
	CHECK(vx_pci_msix_set(&m, (uint16_t)(m.table_size - 1), 0xfee00000, 1) == VX_OK);
	CHECK(vx_pci_msix_set(&m, m.table_size, 0xfee00000, 1) == VX_E_RANGE);
	vx_pci_msix_control(CFG, &m, 1, 0);
}

static void msi(void)
{
	struct vx_pci_msi m;
	int rc = vx_pci_msi_decode(CFG, &m);

	CHECK(rc == VX_OK || rc == VX_E_CORRUPT || rc == VX_E_NOTFOUND);
	if (rc == VX_OK)
		CHECK(vx_pci_msi_program(CFG, &m, 0xfee00000, 0x41) == VX_OK);
}

/* Probes as a virtio device and, if that passes, brings one queue up and
 * kicks it: the notify write lands inside the BAR or ASan says so. */
static void virtio(const struct vx_pci_map map[VX_PCI_NBARS], uint16_t noff)
{
	static uint8_t ring[4096] __attribute__((aligned(16)));
	static struct vx_virtq_slot slot[8];
	struct vx_virtio d;
	struct vx_virtq q;
	struct vx_virtq_seg seg = {0x1000, 64, 1};
	uint64_t v;
	int rc = vx_virtio_probe(&d, CFG, map);

	CHECK(rc == VX_OK || rc == VX_E_CORRUPT || rc == VX_E_NOTFOUND);
	if (rc != VX_OK)
		return;
	d.reset_polls = 4;
	/* The registers are plain memory, so every feature window reads the
	 * same: 1 offers bits 0 and 32 (VERSION_1). */
	*(volatile uint32_t *)(d.common + VX_VIRTIO_C_DF) = 1;
	vx_virtio_isr(&d);
	for (uint32_t off = 0; off < 64; off += 4)
		vx_virtio_cfg_read(&d, off, 4, &v);
	if (vx_virtio_begin(&d) != VX_OK || vx_virtio_negotiate(&d, ~0ull) != VX_OK)
		return;
	CHECK(vx_virtq_init(&q, 8, ring, 0x100000, slot, 0) == VX_OK);
	/* Present queue 0 as 8 entries at the input's notify offset. */
	*(volatile uint16_t *)(d.common + VX_VIRTIO_C_Q_SIZE) = 8;
	*(volatile uint16_t *)(d.common + VX_VIRTIO_C_Q_ENABLE) = 0;
	*(volatile uint16_t *)(d.common + VX_VIRTIO_C_Q_NOFF) = noff;
	if (vx_virtio_queue_setup(&d, 0, &q, 0) == VX_OK) {
		CHECK(vx_virtq_add(&q, &seg, 1, 1) >= 0);
		vx_virtq_kick(&q);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vx_pci_map map[VX_PCI_NBARS];
	size_t n = size < VX_PCI_CFG_SIZE ? size : VX_PCI_CFG_SIZE;

	memset(page, 0, sizeof(page));
	memcpy(page, data, n);
	for (unsigned i = 0; i < VX_PCI_NBARS; i++) {
		uint8_t b = size > VX_PCI_CFG_SIZE + i ? data[VX_PCI_CFG_SIZE + i] : 8;

		map[i].size = 16u << (b % 12u);
		map[i].va = calloc(1, map[i].size);
		CHECK(map[i].va);
	}
	vx_pci_present(CFG);
	{
		struct vx_pci_id id;

		vx_pci_ident(CFG, &id);
	}
	walk(VX_PCI_CAP_MSI);
	walk(VX_PCI_CAP_MSIX);
	walk(VX_PCI_CAP_VENDOR);
	walk(n > 0 ? data[0] : 0);
	msix(map);
	msi();
	virtio(map, size >= VX_PCI_CFG_SIZE + 8
			? (uint16_t)(data[VX_PCI_CFG_SIZE + 6] | data[VX_PCI_CFG_SIZE + 7] << 8)
			: 0);
	bars();
	vx_pci_command(CFG, VX_PCI_CMD_MEM | VX_PCI_CMD_MASTER, VX_PCI_CMD_INTX_OFF);
	for (unsigned i = 0; i < VX_PCI_NBARS; i++)
		free((void *)map[i].va);
	return 0;
}
