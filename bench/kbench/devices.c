/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * kbench's device benchmarks, run when the kernel command line says
 * "devices" (bench/run.sh boots them with -device intel-iommu and a
 * virtio-rng-pci on the root bus, iommu_platform=on):
 *
 *   iospace_map_unmap_4k    IOSPACE_MAP of one page and its unmap, with the
 *                           IOTLB invalidation the unmap waits for
 *   virtq_roundtrip_poll    one 8-byte virtio-rng request: add, kick, poll
 *                           the used ring until the device answers
 *   virtq_roundtrip_msi     the same request answered by its MSI: add,
 *                           kick, poll the line's signal bit (a sleeping
 *                           CPU's clock would jump to the next tick under
 *                           -icount), acknowledge
 *   msi_to_wait             the second minus the first: what the MSI path
 *                           adds (delivery, the kernel's route, the wake-up
 *                           and the acknowledgement)
 *
 * kbench is the root Task, so it drives the device itself, as a driver
 * Task would (services/virtio-rng), from boot's ecam, mmio, msi and pci.
 * The device emulation answers from QEMU's I/O thread, so unlike the other
 * figures these depend a little on the host.
 */
#include "rt/vx.h"
#include "dev/pci.h"
#include "dev/virtio.h"
#include "vx_string.h"
#include "kbench.h"

#define SCAN_VA	 0x50000000ull
#define CFG_VA	 0x51000000ull
#define BAR_VA	 0x52000000ull /* BAR i at BAR_VA + i * BAR_SPAN */
#define BAR_SPAN 0x01000000ull
#define Q_VA	 0x58000000ull
#define BUF_VA	 0x58100000ull
#define MAP_IO	 0x00400000ull
#define IRQ_BIT	 20u
#define QSIZE	 16u

static struct {
	vx_handle_t ecam, pci, msi, ret, iospace;
	volatile uint8_t *cfg;
	struct vx_pci_map map[VX_PCI_NBARS];
	struct vx_virtio dev;
	struct vx_virtq q;
	struct vx_virtq_slot slot[QSIZE];
	uint64_t buf_io;
	uint32_t line;
} K;

static void iospace_map_unmap(uint64_t n, void *ctx)
{
	vx_handle_t mem = *(vx_handle_t *)ctx;

	for (uint64_t i = 0; i < n; i++) {
		vx_iospace_map(K.iospace, mem, MAP_IO, VX_PROT_READ | VX_PROT_WRITE);
		vx_task_unmap(mem);
	}
}

/* The first virtio entropy device on bus 0, or -1. */
static int find_rng(void)
{
	int64_t m = vx_reticle_retype(K.ecam, VX_OBJ_MEM, 256);
	int bdf = -1;

	if (m < 0 || vx_task_map(self, (vx_handle_t)m, SCAN_VA, VX_PROT_READ) != VX_OK)
		return -1;
	for (uint32_t devfn = 0; devfn < 256 && bdf < 0; devfn++) {
		struct vx_pci_id id;
		const volatile uint8_t *cfg = (const volatile uint8_t *)(SCAN_VA + (devfn << 12));
		if (!vx_pci_present(cfg))
			continue;
		vx_pci_ident(cfg, &id);
		if (id.vendor == 0x1af4 && (id.device == 0x1044 || id.device == 0x1005))
			bdf = (int)devfn;
	}
	vx_cap_delete((vx_handle_t)m);
	return bdf;
}

/* Each memory BAR, from whichever mmio Reticle holds it, mapped. */
static int map_bars(const struct vx_bundle_page *b)
{
	struct vx_pci_bar bar[VX_PCI_NBARS];
	int rc;

	uint16_t cmd = vx_pci_command(K.cfg, 0, VX_PCI_CMD_MEM | VX_PCI_CMD_IO);
	rc = vx_pci_bars(K.cfg, bar);
	for (unsigned i = 0; rc == VX_OK && i < VX_PCI_NBARS; i++)
		if (bar[i].kind == VX_PCI_BAR_MEM32 || bar[i].kind == VX_PCI_BAR_MEM64)
			rc = vx_pci_bar_size(K.cfg, i, &bar[i]);
	vx_pci_command(K.cfg, cmd & VX_PCI_CMD_MEM, 0);
	for (unsigned i = 0; rc == VX_OK && i < VX_PCI_NBARS; i++) {
		if (bar[i].kind != VX_PCI_BAR_MEM32 && bar[i].kind != VX_PCI_BAR_MEM64)
			continue;
		uint64_t pages = (bar[i].size + VX_PAGE_SIZE - 1) / VX_PAGE_SIZE;
		int64_t m = VX_E_RANGE;
		for (unsigned r = 0; r < 4 && m < 0; r++) {
			char name[8];
			struct vx_reticle_info ri;
			vx_snprintf(name, sizeof(name), "mmio%u", r);
			int64_t h = vx_bundle_handle(b, name, VX_OBJ_RETICLE);
			if (h < 0 || vx_reticle_info((vx_handle_t)h, &ri) != VX_OK ||
			    bar[i].base < ri.base || bar[i].base - ri.base >= ri.size)
				continue;
			m = vx_reticle_retype((vx_handle_t)h, VX_OBJ_MEM,
					      ((bar[i].base - ri.base) / VX_PAGE_SIZE) << 32 |
						  pages);
		}
		if (m < 0 || pages * VX_PAGE_SIZE > BAR_SPAN)
			return m < 0 ? (int)m : VX_E_TOOBIG;
		if ((rc = (int)vx_task_map(self, (vx_handle_t)m, BAR_VA + i * BAR_SPAN,
					   VX_PROT_READ | VX_PROT_WRITE)) != VX_OK)
			return rc;
		K.map[i].va = (volatile uint8_t *)(BAR_VA + i * BAR_SPAN);
		K.map[i].size = pages * VX_PAGE_SIZE;
	}
	return rc;
}

/* A Mem mapped for the CPU at va and for the device at ioaddr. */
static int64_t dma(uint64_t pages, uint64_t va, uint64_t ioaddr)
{
	int64_t m = vx_reticle_retype(K.ret, VX_OBJ_MEM, pages), v;

	if (m < 0 || (v = vx_cap_derive((vx_handle_t)m, VX_R_READ | VX_R_WRITE, 0)) < 0 ||
	    vx_task_map(self, (vx_handle_t)v, va, VX_PROT_READ | VX_PROT_WRITE) != VX_OK)
		return VX_E_NOMEM;
	return vx_iospace_map(K.iospace, (vx_handle_t)m, ioaddr, VX_PROT_READ | VX_PROT_WRITE);
}

static int setup_rng(const struct vx_bundle_page *b, int bdf)
{
	struct vx_pci_msix mx;
	int64_t h;
	int rc;

	if ((h = vx_reticle_retype(K.ecam, VX_OBJ_MEM, ((uint64_t)bdf << 32) | 1)) < 0 ||
	    vx_task_map(self, (vx_handle_t)h, CFG_VA, VX_PROT_READ | VX_PROT_WRITE) != VX_OK)
		return VX_E_NOMEM;
	K.cfg = (volatile uint8_t *)CFG_VA;
	if ((rc = map_bars(b)) != VX_OK || (rc = vx_virtio_probe(&K.dev, K.cfg, K.map)) != VX_OK)
		return rc;
	if ((h = vx_iospace_create(K.ret, K.pci, (uint32_t)bdf, VX_IOSPACE_PAGES_MIN)) < 0)
		return (int)h;
	K.iospace = (vx_handle_t)h;
	vx_pci_command(K.cfg, VX_PCI_CMD_MEM | VX_PCI_CMD_MASTER | VX_PCI_CMD_INTX_OFF, 0);
	if ((rc = vx_virtio_begin(&K.dev)) != VX_OK ||
	    (rc = vx_virtio_negotiate(&K.dev, 0)) != VX_OK)
		return rc;
	K.line = VX_IRQ_MSI_FIRST;
	int64_t sig = vx_sig_mint(self, 1ull << IRQ_BIT), msg;
	if (sig < 0 || (msg = vx_irq_bind(K.msi, K.line, (vx_handle_t)sig)) < 0)
		return VX_E_STATE;
	if ((rc = vx_pci_msix_decode(K.cfg, &mx)) != VX_OK ||
	    (rc = vx_pci_msix_locate(&mx, K.map)) ||
	    (rc = vx_pci_msix_set(&mx, 0, VX_MSI_ADDR(msg), VX_MSI_DATA(msg))) != VX_OK)
		return rc;
	vx_pci_msix_control(K.cfg, &mx, 1, 0);
	int64_t qio = dma(1, Q_VA, 0x10000), bio = dma(1, BUF_VA, 0x20000);
	if (qio < 0 || bio < 0)
		return VX_E_NOMEM;
	K.buf_io = (uint64_t)bio;
	uint32_t n = vx_virtio_queue_max(&K.dev, 0);
	n = n < QSIZE ? n : QSIZE;
	if (n == 0 || (n & (n - 1)))
		return VX_E_CORRUPT;
	if ((rc = vx_virtq_init(&K.q, n, (void *)Q_VA, (uint64_t)qio, K.slot,
				vx_virtio_has(&K.dev, VX_VIRTIO_F_EVENT_IDX))) != VX_OK ||
	    (rc = vx_virtio_queue_setup(&K.dev, 0, &K.q, 0)) != VX_OK)
		return rc;
	vx_virtio_ready(&K.dev);
	return VX_OK;
}

static void request(bool irq)
{
	struct vx_virtq_seg seg = {K.buf_io, 8, 1};
	uint64_t token;
	uint32_t len;

	vx_virtq_add(&K.q, &seg, 1, 0);
	vx_virtq_kick(&K.q);
	for (;;) {
		if (vx_virtq_get(&K.q, &token, &len) == VX_OK)
			return;
		if (!irq || vx_virtq_irq_enable(&K.q) == 1)
			continue;
		/* Spin on the signal rather than sleep: under -icount an idle
		 * CPU's clock jumps to the next tick, which would be measured
		 * instead of the interrupt. */
		while (vx_sig_wait(1ull << IRQ_BIT, VX_DEADLINE_NONE) == 0)
			;
		vx_irq_ack(K.msi, K.line);
	}
}

static void roundtrip_poll(uint64_t n, void *ctx)
{
	(void)ctx;
	vx_virtq_irq_disable(&K.q);
	for (uint64_t i = 0; i < n; i++)
		request(false);
}

static void roundtrip_msi(uint64_t n, void *ctx)
{
	(void)ctx;
	for (uint64_t i = 0; i < n; i++)
		request(true);
}

void bench_devices(const struct vx_bundle_page *b)
{
	int64_t h;
	int rc;

	vx_printf("kbench: device benchmarks (VT-d IOMMU, virtio-rng)\n");
	K.ecam = (vx_handle_t)vx_bundle_handle(b, "ecam", VX_OBJ_RETICLE);
	K.pci = (vx_handle_t)vx_bundle_handle(b, "pci", VX_OBJ_PCI);
	K.msi = (vx_handle_t)vx_bundle_handle(b, "msi", VX_OBJ_IRQ);
	if ((h = vx_reticle_split(ram0, 1ull << 20)) < 0)
		return;
	K.ret = (vx_handle_t)h;
	int bdf = find_rng();
	if (bdf < 0) {
		vx_printf("kbench: no virtio-rng on bus 0\n");
		return;
	}
	if ((rc = setup_rng(b, bdf)) != VX_OK) {
		vx_printf("kbench: the virtio-rng would not start (%d)\n", rc);
		return;
	}
	vx_handle_t mem = (vx_handle_t)vx_reticle_retype(K.ret, VX_OBJ_MEM, 1);
	measure("iospace_map_unmap_4k", iospace_map_unmap, &mem, 500);
	uint64_t poll = measure("virtq_roundtrip_poll", roundtrip_poll, NULL, 200);
	uint64_t msi = measure("virtq_roundtrip_msi", roundtrip_msi, NULL, 200);
	vx_printf("bench msi_to_wait median_ns=%lu median_tsc=0 iters=0\n",
		  (unsigned long)(msi > poll ? msi - poll : 0));
}
