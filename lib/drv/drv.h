/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The bring-up every PCI driver Task repeats, on the share devd hands it
 * (docs/DEVICES.md): its slots taken from the Bundle, its configuration
 * page and BARs mapped, DMA memory that the CPU and the device both see,
 * and one MSI-X vector bound to its interrupt line.  lib/dev is the pure
 * half (PCI and virtio over mapped memory); this is the half that makes
 * the syscalls.  Built for VectraOS only (libvxdrv.a).
 */
#ifndef VX_DRV_DRV_H
#define VX_DRV_DRV_H

#include <stdint.h>
#include "vectra/bundle.h"
#include "dev/pci.h"

struct vx_drv {
	const struct vx_bundle_page *b;
	vx_handle_t self, msi, irqsig, iospace, ret;
	volatile uint8_t *cfg;		     /* the configuration page, mapped */
	struct vx_pci_map map[VX_PCI_NBARS]; /* each BAR devd granted, mapped uncached */
	uint32_t line;			     /* the MSI line vx_drv_msix bound */
};

/* Takes self, cfg, msi, irqsig, iospace and ret from the Bundle, maps cfg
 * at cfg_va and every granted BAR i at bar_va + i * bar_span.  VX_OK, or
 * VX_E_NOTFOUND with *missing naming the slot that is not there, or the
 * mapping's error (VX_E_TOOBIG for a BAR larger than bar_span). */
int vx_drv_open(struct vx_drv *d, const struct vx_bundle_page *b, uint64_t cfg_va, uint64_t bar_va,
		uint64_t bar_span, const char **missing);

/* pages of memory from ret, mapped for the CPU at va (read and write) and
 * for the device at ioaddr with prot (VX_PROT_READ/WRITE: what the device
 * may do).  Returns the IO address or an error; *mem is the capability
 * whose deletion takes the memory from the device (NULL: not wanted). */
int64_t vx_drv_dma(struct vx_drv *d, uint64_t pages, uint64_t va, uint64_t ioaddr, uint32_t prot,
		   vx_handle_t *mem);

/* Binds the first of the driver's MSI lines to its irqsig and programs
 * MSI-X table entry 0 with the message, then enables MSI-X: VX_OK or the
 * first error (VX_E_NOTFOUND: the function has no MSI-X). */
int vx_drv_msix(struct vx_drv *d);

#endif
