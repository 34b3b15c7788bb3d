/* SPDX-License-Identifier: BSD-3-Clause */
/* The bring-up of a PCI driver Task: see drv.h. */
#include "drv/drv.h"
#include "rt/bundle.h"
#include "rt/syscall.h"
#include "vx_fmt.h"
#include "vx_string.h"

static int take(struct vx_drv *d, const char *name, uint32_t type, vx_handle_t *h,
		const char **missing)
{
	int64_t r = vx_bundle_handle(d->b, name, type);

	if (r < 0) {
		*missing = name;
		return VX_E_NOTFOUND;
	}
	*h = (vx_handle_t)r;
	return VX_OK;
}

int vx_drv_open(struct vx_drv *d, const struct vx_bundle_page *b, uint64_t cfg_va, uint64_t bar_va,
		uint64_t bar_span, const char **missing)
{
	vx_handle_t cfg;
	char name[8];
	int rc;

	memset(d, 0, sizeof(*d));
	d->b = b;
	*missing = "";
	if ((rc = take(d, "self", VX_OBJ_TASK, &d->self, missing)) != VX_OK ||
	    (rc = take(d, "cfg", VX_OBJ_MEM, &cfg, missing)) != VX_OK ||
	    (rc = take(d, "msi", VX_OBJ_IRQ, &d->msi, missing)) != VX_OK ||
	    (rc = take(d, "irqsig", VX_OBJ_SIGNAL, &d->irqsig, missing)) != VX_OK ||
	    (rc = take(d, "iospace", VX_OBJ_IOSPACE, &d->iospace, missing)) != VX_OK ||
	    (rc = take(d, "ret", VX_OBJ_RETICLE, &d->ret, missing)) != VX_OK)
		return rc;
	if ((rc = (int)vx_task_map(d->self, cfg, cfg_va, VX_PROT_READ | VX_PROT_WRITE)) != VX_OK)
		return rc;
	d->cfg = (volatile uint8_t *)(uintptr_t)cfg_va;
	for (unsigned i = 0; i < VX_PCI_NBARS; i++) {
		const struct vx_bundle_entry *e;
		vx_snprintf(name, sizeof(name), "bar%u", i);
		if (vx_bundle_find(b, name, VX_OBJ_MEM, &e) != VX_OK)
			continue;
		if (e->size > bar_span)
			return VX_E_TOOBIG;
		rc = (int)vx_task_map(d->self, e->handle, bar_va + i * bar_span,
				      VX_PROT_READ | VX_PROT_WRITE);
		if (rc != VX_OK)
			return rc;
		d->map[i].va = (volatile uint8_t *)(uintptr_t)(bar_va + i * bar_span);
		d->map[i].size = e->size;
	}
	return VX_OK;
}

int64_t vx_drv_dma(struct vx_drv *d, uint64_t pages, uint64_t va, uint64_t ioaddr, uint32_t prot,
		   vx_handle_t *mem)
{
	int64_t m = vx_reticle_retype(d->ret, VX_OBJ_MEM, pages), view, rc;

	if (m < 0)
		return m;
	/* The CPU maps a child; the device's mapping belongs to the root. */
	if ((view = vx_cap_derive((vx_handle_t)m, VX_R_READ | VX_R_WRITE, 0)) < 0)
		return view;
	if ((rc = vx_task_map(d->self, (vx_handle_t)view, va, VX_PROT_READ | VX_PROT_WRITE)) < 0)
		return rc;
	if ((rc = vx_iospace_map(d->iospace, (vx_handle_t)m, ioaddr, prot)) < 0)
		return rc;
	if (mem)
		*mem = (vx_handle_t)m;
	return rc;
}

int vx_drv_msix(struct vx_drv *d)
{
	struct vx_pci_msix mx;
	struct vx_cap_info ci;
	int rc;

	if ((rc = vx_pci_msix_decode(d->cfg, &mx)) != VX_OK ||
	    (rc = vx_pci_msix_locate(&mx, d->map)) != VX_OK)
		return rc;
	if ((rc = (int)vx_cap_inspect(d->msi, &ci)) != VX_OK)
		return rc;
	d->line = (uint32_t)ci.range;
	int64_t msg = vx_irq_bind(d->msi, d->line, d->irqsig);
	if (msg < 0)
		return (int)msg;
	if ((rc = vx_pci_msix_set(&mx, 0, VX_MSI_ADDR(msg), VX_MSI_DATA(msg))) != VX_OK)
		return rc;
	vx_pci_msix_control(d->cfg, &mx, 1, 0);
	return VX_OK;
}
