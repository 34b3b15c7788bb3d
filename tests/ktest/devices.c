/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Devices: the MSI lines, the Pci capability and the IoSpace calls, each
 * hostile argument by name.  The scenario runs ktest twice, with QEMU's
 * intel-iommu and without, so both sides of VX_IOSPACE_UNCONFINED run.
 * The DMA itself (a device writing where it may not) is the device
 * scenario's (tests/qemu/scenario_devices.sh): no device here does DMA.
 */
#include "ktest.h"

bool has_iommu;

#define NO_DEVICE VX_PCI_BDF(0, 30, 7)

/* With an IOMMU, asking for an unconfined IoSpace is refused before
 * anything else is looked at; without one, the device Reticle is. */
void ktest_devices_probe(void)
{
	has_iommu =
	    vx_iospace_create(devmem, pci, NO_DEVICE | VX_IOSPACE_UNCONFINED, 0) == VX_E_STATE;
	vx_printf("# IOMMU: %s\n", has_iommu ? "yes" : "no");
}

static void t_msi_bind_returns_message(void)
{
	vx_handle_t sig = MUST(vx_sig_mint(self, SIG_TEST));
	int64_t r = vx_irq_bind(msi, VX_IRQ_MSI_FIRST + 3, sig);
	EXPECT(r > 0);
	EXPECT_EQ(VX_MSI_ADDR(r) & 0xfff00000u, 0xfee00000u);
	uint32_t v = VX_MSI_DATA(r) & 0xff;
	EXPECT(v >= 32 && v < 240);
	/* Another line gets another vector. */
	int64_t r2 = vx_irq_bind(msi, VX_IRQ_MSI_FIRST + 4, sig);
	EXPECT(r2 > 0 && VX_MSI_DATA(r2) != VX_MSI_DATA(r));
	EXPECT_EQ(vx_irq_ack(msi, VX_IRQ_MSI_FIRST + 3), 0); /* never fired */
	EXPECT_EQ(vx_irq_bind(msi, VX_IRQ_MSI_FIRST + 3, VX_NO_HANDLE), VX_OK);
	EXPECT_EQ(vx_irq_bind(msi, VX_IRQ_MSI_FIRST + 4, VX_NO_HANDLE), VX_OK);
	EXPECT_EQ(vx_irq_ack(msi, VX_IRQ_MSI_FIRST + 3), VX_E_STATE); /* unbound */
}

static void t_msi_lines_out_of_range(void)
{
	vx_handle_t sig = MUST(vx_sig_mint(self, SIG_TEST));
	vx_handle_t one = MUST(vx_cap_derive(msi, VX_R_CONTROL, (1ull << 32) | 40));
	EXPECT_EQ(vx_irq_bind(one, 41, sig), VX_E_RANGE);
	EXPECT_EQ(vx_irq_bind(msi, VX_IRQ_LINES, sig), VX_E_RANGE);
	EXPECT_EQ(vx_irq_bind(msi, 24, sig), VX_E_RANGE); /* an IOAPIC line: not in msi */
	EXPECT_EQ(vx_irq_bind(irqs, VX_IRQ_MSI_FIRST, sig), VX_E_RANGE);
	/* Widening a narrowed range is refused. */
	EXPECT_EQ(vx_cap_derive(one, VX_R_CONTROL, (2ull << 32) | 40), VX_E_RIGHTS);
	EXPECT(vx_irq_bind(one, 40, sig) > 0);
	EXPECT_EQ(vx_irq_bind(one, 40, VX_NO_HANDLE), VX_OK);
}

static void t_pci_range_narrows(void)
{
	vx_handle_t one =
	    MUST(vx_cap_derive(pci, VX_R_CONTROL | VX_R_WRITE, (1ull << 32) | NO_DEVICE));
	uint32_t fl = has_iommu ? 0 : VX_IOSPACE_UNCONFINED;
	uint32_t pages = has_iommu ? VX_IOSPACE_PAGES_MIN : 0;
	EXPECT_EQ(vx_iospace_create(R, one, (NO_DEVICE + 1) | fl, pages), VX_E_RANGE);
	EXPECT_EQ(vx_cap_derive(one, VX_R_CONTROL | VX_R_WRITE, (2ull << 32) | NO_DEVICE),
		  VX_E_RIGHTS);
	EXPECT(vx_iospace_create(R, one, NO_DEVICE | fl, pages) > 0);
}

static void t_iospace_create_hostile(void)
{
	uint32_t fl = has_iommu ? 0 : VX_IOSPACE_UNCONFINED;
	uint32_t pages = has_iommu ? VX_IOSPACE_PAGES_MIN : 0;
	EXPECT_EQ(vx_iospace_create(R, pci, NO_DEVICE | (1u << 20), pages), VX_E_INVAL);
	EXPECT_EQ(vx_iospace_create(R, R, NO_DEVICE | fl, pages), VX_E_TYPE);
	EXPECT_EQ(vx_iospace_create(devmem, pci, NO_DEVICE | fl, pages),
		  has_iommu ? VX_E_TYPE : VX_E_TYPE);
	if (has_iommu) {
		EXPECT_EQ(vx_iospace_create(R, pci, NO_DEVICE, VX_IOSPACE_PAGES_MIN - 1),
			  VX_E_INVAL);
		EXPECT_EQ(vx_iospace_create(R, pci, NO_DEVICE, VX_IOSPACE_PAGES_MAX + 1),
			  VX_E_INVAL);
		EXPECT_EQ(vx_iospace_create(R, pci, NO_DEVICE | VX_IOSPACE_UNCONFINED, 0),
			  VX_E_STATE);
		EXPECT_EQ(vx_iospace_create(R, pci, VX_PCI_BDF(200, 0, 0), pages), VX_E_RANGE);
	} else {
		EXPECT_EQ(vx_iospace_create(R, pci, NO_DEVICE, VX_IOSPACE_PAGES_MIN),
			  VX_E_NOTFOUND);
		EXPECT_EQ(vx_iospace_create(R, pci, NO_DEVICE | VX_IOSPACE_UNCONFINED, 4),
			  VX_E_INVAL);
	}
	int64_t s = vx_iospace_create(R, pci, NO_DEVICE | fl, pages);
	EXPECT(s > 0);
	EXPECT_EQ(vx_iospace_create(R, pci, NO_DEVICE | fl, pages), VX_E_EXISTS);
	/* Deleting it frees the function for a new one. */
	EXPECT_EQ(vx_cap_delete((vx_handle_t)s), VX_OK);
	s = vx_iospace_create(R, pci, NO_DEVICE | fl, pages);
	EXPECT(s > 0);
	struct vx_cap_info ci;
	EXPECT_EQ(vx_cap_inspect((vx_handle_t)s, &ci), VX_OK);
	EXPECT_EQ(ci.type, VX_OBJ_IOSPACE);
}

static void t_iospace_map_hostile(void)
{
	uint32_t fl = has_iommu ? 0 : VX_IOSPACE_UNCONFINED;
	uint32_t pages = has_iommu ? VX_IOSPACE_PAGES_MIN : 0;
	vx_handle_t s = MUST(vx_iospace_create(R, pci, NO_DEVICE | fl, pages));
	vx_handle_t m = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 2));
	vx_handle_t m2 = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	EXPECT_EQ(vx_iospace_map(s, m, 0x10000, 0), VX_E_INVAL);
	EXPECT_EQ(vx_iospace_map(s, m, 0x10000, VX_PROT_EXEC), VX_E_INVAL);
	EXPECT_EQ(vx_iospace_map(s, m, 0x10000, VX_PROT_READ | (1u << 8)), VX_E_INVAL);
	EXPECT_EQ(vx_iospace_map(m, s, 0x10000, VX_PROT_READ), VX_E_TYPE);
	int64_t vga = vx_reticle_retype(devmem, VX_OBJ_MEM, (0x18ull << 32) | 1);
	EXPECT(vga > 0);
	EXPECT_EQ(vx_iospace_map(s, (vx_handle_t)vga, 0x10000, VX_PROT_READ), VX_E_INVAL);
	vx_cap_delete((vx_handle_t)vga);
	if (has_iommu) {
		EXPECT_EQ(vx_iospace_map(s, m, 0x10001, VX_PROT_READ), VX_E_ALIGN);
		EXPECT_EQ(vx_iospace_map(s, m, VX_IOSPACE_END, VX_PROT_READ), VX_E_RANGE);
		EXPECT_EQ(vx_iospace_map(s, m, VX_IOSPACE_END - 4096, VX_PROT_READ), VX_E_RANGE);
		EXPECT_EQ(vx_iospace_map(s, m, UINT64_MAX & ~4095ull, VX_PROT_READ), VX_E_RANGE);
		EXPECT_EQ(vx_iospace_map(s, m, 0x10000, VX_PROT_READ | VX_PROT_WRITE), 0x10000);
		/* The cap already holds a mapping; the range is taken. */
		EXPECT_EQ(vx_iospace_map(s, m, 0x40000, VX_PROT_READ), VX_E_EXISTS);
		EXPECT_EQ(vx_iospace_map(s, m2, 0x11000, VX_PROT_READ), VX_E_EXISTS);
		EXPECT_EQ(vx_iospace_map(s, m2, 0x12000, VX_PROT_READ), 0x12000);
		/* A Task mapping of a device-mapped cap is refused too: one
		 * mapping per cap; a derived cap maps it for the CPU. */
		EXPECT_EQ(vx_task_map(self, m, SCRATCH_VA, VX_PROT_READ), VX_E_EXISTS);
		vx_handle_t d = MUST(vx_cap_derive(m, VX_R_READ | VX_R_WRITE, 0));
		EXPECT_EQ(vx_task_map(self, d, SCRATCH_VA, VX_PROT_READ | VX_PROT_WRITE), VX_OK);
		/* Writable by the device and executable somewhere: W^X. */
		EXPECT_EQ(vx_task_unmap(d), VX_OK);
		EXPECT_EQ(vx_task_unmap(m), VX_OK);
		EXPECT_EQ(vx_task_unmap(m), VX_E_STATE);
		EXPECT_EQ(vx_iospace_map(s, m, 0x10000, VX_PROT_READ), 0x10000);
	} else {
		int64_t pa = vx_iospace_map(s, m, 0x10000, VX_PROT_READ | VX_PROT_WRITE);
		struct vx_cap_info ci;
		EXPECT_EQ(vx_cap_inspect(m, &ci), VX_OK);
		EXPECT_EQ(pa, (int64_t)ci.paddr);
		EXPECT_EQ(vx_iospace_map(s, m, 0x10000, VX_PROT_READ), VX_E_EXISTS);
		EXPECT_EQ(vx_task_unmap(m), VX_OK);
	}
	/* Deleting the IoSpace unmaps what it holds: the caps are free again. */
	EXPECT_EQ(vx_cap_delete(s), VX_OK);
	EXPECT_EQ(vx_task_map(self, m2, SCRATCH_VA, VX_PROT_READ), VX_OK);
	EXPECT_EQ(vx_task_unmap(m2), VX_OK);
}

/* The table pages bound the mapping: each leaf covers 2 MiB. */
static void t_iospace_pool_exhausted(void)
{
	if (!has_iommu)
		return;
	vx_handle_t s = MUST(vx_iospace_create(R, pci, NO_DEVICE, VX_IOSPACE_PAGES_MIN));
	vx_handle_t m[6];
	int64_t r = 0;
	unsigned i = 0;
	for (; i < 6; i++) {
		m[i] = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
		r = vx_iospace_map(s, m[i], (uint64_t)i << 21, VX_PROT_READ);
		if (r < 0)
			break;
	}
	EXPECT_EQ(r, VX_E_NOMEM);
	EXPECT(i >= 1 && i < 6);
	/* Unmapping gives the leaf back. */
	EXPECT_EQ(vx_task_unmap(m[0]), VX_OK);
	EXPECT_EQ(vx_iospace_map(s, m[i], (uint64_t)i << 21, VX_PROT_READ), (int64_t)i << 21);
}

void ktest_devices(void)
{
	run("msi_bind_returns_message", t_msi_bind_returns_message);
	run("msi_lines_out_of_range", t_msi_lines_out_of_range);
	run("pci_range_narrows", t_pci_range_narrows);
	run("iospace_create_hostile", t_iospace_create_hostile);
	run("iospace_map_hostile", t_iospace_map_hostile);
	run("iospace_pool_exhausted", t_iospace_pool_exhausted);
}
