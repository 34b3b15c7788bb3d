/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * devd: the device manager.  Drivers are Tasks, and devd is how each gets
 * exactly one function's worth of hardware (docs/DEVICES.md).
 *
 * At start it walks PCI Express configuration space (the "ecam" device
 * Reticle init granted it) from bus 0 through every bridge, one bus at a
 * time: a bus's 1 MiB is retyped as one Mem, mapped, read and given back.
 * For each function that etc/drivers names a driver for, it then keeps:
 *
 *   cfg      the function's own 4 KiB configuration page (a Mem of ecam)
 *   barN     each memory BAR, as a Mem of the mmio Reticle that holds it
 *            (mapped uncached by whoever maps it: it is device memory)
 *   msi      an Irq capability for the function's MSI lines, a range cut
 *            from devd's own
 *   iospace  the function's IoSpace: its DMA reaches what the driver maps
 *            there and nothing else
 *
 * and starts the driver in a Reticle of its own with those, a Signal
 * capability for its interrupt bit ("irqsig"), a Reticle for its buffers
 * ("ret"), its own Task ("self") and the connections etc/drivers names
 * (made through init, INIT_CONNECT).  Another function's page, BARs or
 * lines are not in its Bundle, so it has no handle that could reach them.
 *
 * devd supervises its drivers like init its services: a driver that stops
 * (a fault, a blocked DMA, an exit) has its device stopped (bus mastering
 * and MSI-X off), its Reticle reset (every mapping, and with it every
 * IoSpace mapping, gone and flushed), and is restarted after a back-off;
 * three quick stops in a row and devd gives up on it.
 *
 * Without an IOMMU devd starts a driver only if its Pci capability allows
 * unconfined DMA (the manifest's "dma unconfined"); otherwise the function
 * is listed as refused.
 */
#include <stdint.h>
#include "rt/vx.h"
#include "rt/svc.h"
#include "rt/spawn.h"
#include "rt/errstr.h"
#include "dev/pci.h"
#include "vectra/proto/devices.h"
#include "vectra/proto/init.h"
#include "pure_devtab.h"
#include "vx_string.h"

#define SERVER_VA      0x10000000ull
#define BOOT_VA	       0x20000000ull
#define SCAN_VA	       0x30000000ull /* one bus's configuration space while scanning */
#define CFG_VA	       0x40000000ull /* the kept configuration pages, one per function */
#define INIT_VA	       0x50000000ull
#define DPORT_VA       0x60000000ull   /* driver i's attached port, producer end */
#define DPORT_BIT      3u	       /* its wakes: devd never waits for room */
#define STALE_NS       (10000ull * MS) /* an unbound connection older than this is reclaimed */
#define HANGUP_VA      0x61000000ull   /* a Ring bound for a moment by hang_up */
#define HANGUP_BIT     4u
#define SVC_BIT	       0u
#define INIT_BIT       1u
#define DRV_BIT0       8u /* driver i is supervised on bit DRV_BIT0 + i */
#define DRV_IRQ_BIT    1u /* the bit a driver's interrupts raise in its own mask */
#define MAX_FN	       48
#define MAX_PORTS      8  /* hot-plug capable PCIe ports */
#define HP_BIT	       2u /* devd's own bit for the ports' hot-plug MSIs */
#define PORT_CFG_VA    0x48000000ull
#define PORT_TAB_VA    0x49000000ull /* each port's MSI-X table page */
#define MAX_DRV	       16
#define MAX_MMIO       4
#define MSI_PER_FN     4u
#define IOSPACE_PAGES  40u /* 36 leaves: 72 MiB of IO addresses in distinct 2 MiB regions */
#define CRASH_WINDOW   (10000ull * MS)
#define MAX_CRASHES    3u
#define START_TRIES    5u	     /* starts that failed for a passing reason, then refused */
#define START_RETRY_NS (200ull * MS) /* the first wait before another; doubled each time */
#define MS	       1000000ull

struct fn {
	uint16_t bdf;
	struct vx_pci_id id;
	uint8_t state; /* enum dev_state */
	const struct dt_entry *drv;
	int slot; /* index in D.drv, or -1 */
	uint32_t restarts;
	uint64_t dma_faults;
	char note[72];
};

/* A function with a driver: what devd holds for it. */
struct drv {
	struct fn *f;
	vx_handle_t cfg, bar[VX_PCI_NBARS], msi, iospace, ret, task;
	volatile uint8_t *cfgp;
	uint32_t crashes;
	uint32_t start_tries; /* starts in a row that failed for a passing reason */
	uint64_t started, restart_at;
	uint32_t conn[DT_MAX_CONNECTS]; /* init's ids of this life's connections */
	uint32_t nconn;
	/* A driver that serves a protocol: its attached port (rt/svc.h),
	 * carved from ret, so it goes with each life. */
	vx_handle_t port;
	struct vx_ring port_ring;
};

/*
 * A connection DEV_OPEN made.  Its two Rings are init's (INIT_PAIR), not
 * devd's: a client maps them, and an object destroyed under a mapping
 * takes the mapping with it, so they must outlive the driver's life (which
 * ends when it crashes) and devd's own (which ends when devd is killed or
 * faults: init resets its Reticle).  init keeps a pair for as long as
 * devd's life lasts and, after it, until nobody has either Ring bound; the
 * client then sees the driver's end unbound and asks the next devd for a
 * new connection (docs/DEVICES.md, "When devd dies").  devd keeps the
 * pairs it was given and reuses one once nobody has it bound (conn_sweep):
 * it revokes the ends it handed out and empties both Rings first.
 *
 * Every pair costs init two of the 255 handles of its own table for good
 * (a pair slot, once made, is kept for reuse), and init needs them for
 * the connections it makes: so devd holds at most INIT_PAIRS of them, the
 * first connections made (netd's card, vfsd's mounts: made at boot and
 * held), and carves the Rings of any connection beyond those from its own
 * Reticle, as before: those die with devd's life, and a client that still
 * has them mapped then faults (docs/DEVICES.md, "When devd dies").
 */
#define MAX_BC	   (MAX_DRV * 4)
#define INIT_PAIRS 8 /* pairs devd asks init for at most: see below */
struct bconn {
	vx_handle_t req, rep; /* 0: not made yet */
	bool busy;	      /* a connection uses it */
	bool own;	      /* carved from devd's Reticle: dies with devd's life */
	int drv;	      /* the driver's slot; -1 once its function is gone */
	uint64_t made;
};

/* A PCIe port with a hot-plug slot (PCI Express capability, slot
 * registers), and the MSI line its events arrive on. */
struct port {
	uint16_t bdf;
	uint8_t secondary; /* the bus behind it */
	uint8_t pcie;	   /* offset of its PCI Express capability */
	vx_handle_t cfg;
	volatile uint8_t *cfgp;
	uint32_t line;
	uint64_t next_mem, next_pref; /* where assign_bars puts the next BAR */
};

#define SLOT_CTL	  0x18u /* from the PCI Express capability; status at +2 */
#define SLOT_ABP	  0x0001u
#define SLOT_PDC	  0x0008u
#define SLOT_PDS	  0x0040u
#define SLOT_DLLSC	  0x0100u
#define SLOT_CTL_EVENTS	  0x1029u /* attention button, presence, DLL state, hot-plug irq */
#define SLOT_CTL_POWEROFF 0x0400u
#define SLOT_CTL_PWRIND	  0x0300u /* power indicator: 01 on, 11 off */

static struct {
	vx_handle_t self, ecam, pci, msi, ret, console, mmio[MAX_MMIO];
	struct vx_reticle_info mmio_info[MAX_MMIO];
	unsigned nmmio;
	const void *img;
	size_t img_len;
	struct dt_table table;
	struct fn fn[MAX_FN];
	unsigned nfn;
	struct drv drv[MAX_DRV];
	unsigned ndrv;
	uint32_t msi_next, msi_end; /* devd's MSI lines not yet handed out */
	bool iommu, unconfined_ok;
	struct port port[MAX_PORTS];
	unsigned nport;
	struct vx_server srv;
	struct vx_client init;
	bool have_init;
	struct bconn bc[MAX_BC];
} D;

/* f's note: fmt with one number (%lu or %ld), or with none. */
static void note(struct fn *f, const char *fmt, uint64_t a)
{
	vx_snprintf(f->note, sizeof(f->note), fmt, (unsigned long)a);
}
static void note_str(struct fn *f, const char *s)
{
	vx_snprintf(f->note, sizeof(f->note), "%s", s);
}

static void bdf_str(uint16_t bdf, char out[12])
{
	vx_snprintf(out, 12, "%02x:%02x.%x", bdf >> 8, (bdf >> 3) & 31, bdf & 7);
}

/* ------------------------------------------------------------- discovery */

static void add_fn(uint16_t bdf, const volatile uint8_t *cfg)
{
	if (D.nfn == MAX_FN) {
		vx_printf("devd: more than %u functions; the rest are not managed\n", MAX_FN);
		return;
	}
	struct fn *f = &D.fn[D.nfn++];
	memset(f, 0, sizeof(*f));
	f->bdf = bdf;
	f->slot = -1;
	vx_pci_ident(cfg, &f->id);
	f->drv = dt_match(&D.table, f->id.vendor, f->id.device, bdf);
}

/* A bridge whose PCI Express capability says it has a hot-plug slot. */
static void note_port(uint16_t bdf, const volatile uint8_t *cfg, uint8_t secondary)
{
	int cap = vx_pci_find_cap(cfg, 0x10);

	if (cap < 0 || D.nport == MAX_PORTS)
		return;
	uint16_t flags = vx_pci_read16(cfg, (uint32_t)cap + 2);
	uint32_t slotcap = vx_pci_read32(cfg, (uint32_t)cap + 0x14);
	if (!(flags & 0x0100) || !(slotcap & 0x40)) /* slot implemented, hot-plug capable */
		return;
	struct port *p = &D.port[D.nport++];
	memset(p, 0, sizeof(*p));
	p->bdf = bdf;
	p->secondary = secondary;
	p->pcie = (uint8_t)cap;
}

/* Reads one bus; appends the secondary buses of its bridges to queue. */
static void scan_bus(uint32_t bus, uint8_t *queue, unsigned *nq)
{
	struct vx_reticle_info ri;
	int64_t m;

	if (vx_reticle_info(D.ecam, &ri) != VX_OK || ((uint64_t)bus + 1) << 20 > ri.size)
		return;
	m = vx_reticle_retype(D.ecam, VX_OBJ_MEM, ((uint64_t)bus << 8 << 32) | 256);
	if (m < 0 || vx_task_map(D.self, (vx_handle_t)m, SCAN_VA, VX_PROT_READ) != VX_OK) {
		vx_printf("devd: cannot read bus %u: %s\n", bus, vx_strerror((int)m));
		if (m >= 0)
			vx_cap_delete((vx_handle_t)m);
		return;
	}
	for (uint32_t dev = 0; dev < 32; dev++) {
		for (uint32_t fnr = 0; fnr < 8; fnr++) {
			const volatile uint8_t *cfg =
			    (const volatile uint8_t *)(SCAN_VA + ((dev * 8 + fnr) << 12));
			if (!vx_pci_present(cfg)) {
				if (fnr == 0)
					break;
				continue;
			}
			add_fn((uint16_t)VX_PCI_BDF(bus, dev, fnr), cfg);
			uint8_t ht = vx_pci_read8(cfg, VX_PCI_HEADER_TYPE);
			if ((ht & 0x7f) == 1 && *nq < 255) {
				uint8_t sec = vx_pci_read8(cfg, 0x19);
				if (sec > bus)
					queue[(*nq)++] = sec;
				note_port((uint16_t)VX_PCI_BDF(bus, dev, fnr), cfg, sec);
			}
			if (fnr == 0 && !(ht & 0x80))
				break; /* single-function device */
		}
	}
	vx_cap_delete((vx_handle_t)m); /* unmaps it */
}

static void scan(void)
{
	uint8_t queue[256];
	unsigned nq = 1, done = 0;

	queue[0] = 0;
	while (done < nq)
		scan_bus(queue[done++], queue, &nq);
	vx_printf("devd: %u PCI functions on %u buses\n", D.nfn, nq);
}

/* ------------------------------------------------------- a driver's caps */

/* The mmio Reticle holding [base, base + size), as a Mem cap. */
static int64_t bar_mem(uint64_t base, uint64_t size)
{
	uint64_t pages = (size + VX_PAGE_SIZE - 1) / VX_PAGE_SIZE;

	if (base & (VX_PAGE_SIZE - 1))
		return VX_E_ALIGN;
	for (unsigned i = 0; i < D.nmmio; i++) {
		const struct vx_reticle_info *ri = &D.mmio_info[i];
		if (base >= ri->base && base - ri->base < ri->size &&
		    pages * VX_PAGE_SIZE <= ri->size - (base - ri->base))
			return vx_reticle_retype(D.mmio[i], VX_OBJ_MEM,
						 ((base - ri->base) / VX_PAGE_SIZE) << 32 | pages);
	}
	return VX_E_RANGE;
}

/* Firmware gives BARs addresses at boot; a hot-added function's are 0.
 * devd places them in the memory window of the port above it (its
 * prefetchable window first for prefetchable BARs), each aligned to its
 * size, after whatever it placed there before. */
static int assign_bars(struct fn *f, struct drv *d, struct vx_pci_bar *bar)
{
	struct port *p = NULL;

	for (unsigned i = 0; i < D.nport; i++)
		if (D.port[i].secondary == f->bdf >> 8 && D.port[i].cfgp)
			p = &D.port[i];
	for (unsigned i = 0; i < VX_PCI_NBARS; i++) {
		if ((bar[i].kind != VX_PCI_BAR_MEM32 && bar[i].kind != VX_PCI_BAR_MEM64) ||
		    bar[i].base != 0)
			continue;
		if (!p)
			return VX_E_NOTFOUND;
		/* Window registers: memory 0x20/0x22 (bits 31:20), prefetchable
		 * 0x24/0x26 with upper halves at 0x28/0x2c. */
		uint64_t mbase = (uint64_t)(vx_pci_read16(p->cfgp, 0x20) & 0xfff0) << 16;
		uint64_t mlim = ((uint64_t)(vx_pci_read16(p->cfgp, 0x22) & 0xfff0) << 16) | 0xfffff;
		uint64_t pbase = ((uint64_t)(vx_pci_read16(p->cfgp, 0x24) & 0xfff0) << 16) |
				 (uint64_t)vx_pci_read32(p->cfgp, 0x28) << 32;
		uint64_t plim =
		    ((uint64_t)(vx_pci_read16(p->cfgp, 0x26) & 0xfff0) << 16 | 0xfffff) |
		    (uint64_t)vx_pci_read32(p->cfgp, 0x2c) << 32;
		bool pref = bar[i].prefetchable && pbase < plim &&
			    (bar[i].kind == VX_PCI_BAR_MEM64 || plim < (1ull << 32));
		uint64_t *next = pref ? &p->next_pref : &p->next_mem;
		uint64_t lo = pref ? pbase : mbase, hi = pref ? plim : mlim;
		uint64_t size = bar[i].size < VX_PAGE_SIZE ? VX_PAGE_SIZE : bar[i].size;
		uint64_t at = *next > lo ? *next : lo;
		at = (at + size - 1) & ~(size - 1);
		if (lo > hi || at + size - 1 > hi)
			return VX_E_NOMEM;
		*next = at + size;
		vx_pci_write32(d->cfgp, VX_PCI_BAR0 + 4 * i,
			       (uint32_t)at | (vx_pci_read32(d->cfgp, VX_PCI_BAR0 + 4 * i) & 0xf));
		if (bar[i].kind == VX_PCI_BAR_MEM64)
			vx_pci_write32(d->cfgp, VX_PCI_BAR0 + 4 * i + 4, (uint32_t)(at >> 32));
		bar[i].base = at;
	}
	return VX_OK;
}

/* Stops the function doing anything on its own: no DMA, no MSI-X. */
static void quiesce(struct drv *d)
{
	struct vx_pci_msix mx;

	vx_pci_command(d->cfgp, 0, VX_PCI_CMD_MASTER);
	if (vx_pci_msix_decode(d->cfgp, &mx) == VX_OK)
		vx_pci_msix_control(d->cfgp, &mx, 0, 1);
}

/* Everything a driver gets that outlives its lives: cfg, BARs, MSI lines,
 * IoSpace, its Reticle.  On failure f is REFUSED and its note says why. */
static int claim(struct fn *f)
{
	struct drv *d = &D.drv[D.ndrv];
	struct vx_pci_bar bar[VX_PCI_NBARS];
	struct vx_pci_msix mx;
	uint32_t bus = f->bdf >> 8, devfn = f->bdf & 0xff;
	int64_t h;
	int rc;

	memset(d, 0, sizeof(*d));
	d->f = f;
	f->state = DEV_REFUSED;
	if (D.ndrv == MAX_DRV) {
		note(f, "devd manages at most %lu drivers", MAX_DRV);
		return VX_E_FULL;
	}
	if (!D.iommu && !D.unconfined_ok) {
		note_str(f, "no IOMMU, and DMA may not go unconfined");
		return VX_E_NOTFOUND;
	}
	/* Its configuration page. */
	h = vx_reticle_retype(D.ecam, VX_OBJ_MEM, ((uint64_t)(bus << 8 | devfn) << 32) | 1);
	if (h < 0 || (rc = (int)vx_task_map(D.self, (vx_handle_t)h, CFG_VA + D.ndrv * VX_PAGE_SIZE,
					    VX_PROT_READ | VX_PROT_WRITE)) != VX_OK) {
		note(f, "cannot take its configuration page (error %ld)", (uint64_t)-h);
		return h < 0 ? (int)h : VX_E_FAULT;
	}
	d->cfg = (vx_handle_t)h;
	d->cfgp = (volatile uint8_t *)(CFG_VA + D.ndrv * VX_PAGE_SIZE);
	/* Its BARs: sized with decoding off, each taken from an mmio Reticle. */
	quiesce(d);
	uint16_t cmd = vx_pci_command(d->cfgp, 0, VX_PCI_CMD_MEM | VX_PCI_CMD_IO);
	rc = vx_pci_bars(d->cfgp, bar);
	for (unsigned i = 0; rc == VX_OK && i < VX_PCI_NBARS; i++)
		if (bar[i].kind == VX_PCI_BAR_MEM32 || bar[i].kind == VX_PCI_BAR_MEM64)
			rc = vx_pci_bar_size(d->cfgp, i, &bar[i]);
	if (rc == VX_OK)
		rc = assign_bars(f, d, bar);
	vx_pci_command(d->cfgp, (cmd & (VX_PCI_CMD_MEM | VX_PCI_CMD_IO)) | VX_PCI_CMD_MEM, 0);
	if (rc != VX_OK) {
		note(f, "its BARs do not decode (error %ld)", (uint64_t)-rc);
		return rc;
	}
	for (unsigned i = 0; i < VX_PCI_NBARS; i++) {
		if (bar[i].kind != VX_PCI_BAR_MEM32 && bar[i].kind != VX_PCI_BAR_MEM64)
			continue;
		if ((h = bar_mem(bar[i].base, bar[i].size)) < 0) {
			note(f, "BAR%lu is not in device memory devd may hand out", i);
			return (int)h;
		}
		d->bar[i] = (vx_handle_t)h;
	}
	/* Its MSI lines. */
	uint32_t want = vx_pci_msix_decode(d->cfgp, &mx) == VX_OK ? mx.table_size : 1;
	if (want > MSI_PER_FN)
		want = MSI_PER_FN;
	if (D.msi_end - D.msi_next < want) {
		note_str(f, "no MSI lines left for it");
		return VX_E_FULL;
	}
	h = vx_cap_derive(D.msi, VX_R_CONTROL | VX_R_GRANT, (uint64_t)want << 32 | D.msi_next);
	if (h < 0) {
		note(f, "cannot cut its MSI lines (error %ld)", (uint64_t)-h);
		return (int)h;
	}
	D.msi_next += want;
	d->msi = (vx_handle_t)h;
	/* Its IoSpace, and the Reticle its lives run in. */
	h = D.iommu ? vx_iospace_create(D.ret, D.pci, f->bdf, IOSPACE_PAGES)
		    : vx_iospace_create(D.ret, D.pci, f->bdf | VX_IOSPACE_UNCONFINED, 0);
	if (h < 0) {
		note(f, "cannot make its IoSpace (error %ld)", (uint64_t)-h);
		return (int)h;
	}
	d->iospace = (vx_handle_t)h;
	if ((h = vx_reticle_split(D.ret, f->drv->memory)) < 0) {
		note(f, "no memory for its driver (error %ld)", (uint64_t)-h);
		return (int)h;
	}
	d->ret = (vx_handle_t)h;
	f->slot = (int)D.ndrv++;
	return VX_OK;
}

/* ------------------------------------------------------------ lifecycle */

static int add(vx_handle_t bundle, const char *slot, vx_handle_t h, uint32_t rights)
{
	int64_t rc = vx_bundle_add(bundle, slot, strlen(slot), h, rights);

	return rc < 0 ? (int)rc : VX_OK;
}

/* A connection to service for the driver, through init; its id is kept so
 * that it goes back to init's pool when this life ends. */
static int add_connection(struct drv *d, vx_handle_t bundle, const char *service)
{
	struct vx_msg m = {.op = INIT_CONNECT};
	char slot[DT_NAME_MAX + 8];
	int rc;

	if (!D.have_init)
		return VX_E_NOTFOUND;
	vx_msg_put_str(&m, service);
	rc = vx_client_call(&D.init, &m, (uint64_t)vx_clock() + 2000 * MS);
	if (rc == VX_OK && (m.ncaps != 2 || m.len < 4))
		rc = VX_E_CORRUPT;
	if (rc != VX_OK)
		return rc;
	memcpy(&d->conn[d->nconn++], m.data, 4);
	int64_t req = vx_ring_recv_cap(D.init.rep_h), rep = vx_ring_recv_cap(D.init.rep_h);
	if (req < 0 || rep < 0)
		return req < 0 ? (int)req : (int)rep;
	vx_snprintf(slot, sizeof(slot), "%s.req", service);
	if ((rc = add(bundle, slot, (vx_handle_t)req, VX_R_PRODUCE)) == VX_OK) {
		vx_snprintf(slot, sizeof(slot), "%s.rep", service);
		rc = add(bundle, slot, (vx_handle_t)rep, VX_R_CONSUME);
	}
	vx_cap_delete((vx_handle_t)req);
	vx_cap_delete((vx_handle_t)rep);
	return rc;
}

/* The attached port of a driver that serves a protocol: carved from its
 * life's Reticle, so it goes with that life; devd binds the producer end
 * (it alone writes attach records and sends pairs) and the driver finds
 * the consumer end as "port". */
static int make_port(struct drv *d, vx_handle_t bundle)
{
	struct vx_ring_info info;
	int64_t h = vx_reticle_retype(d->ret, VX_OBJ_RING, VX_SVC_RING_ARG);
	int rc;

	if (h < 0)
		return (int)h;
	d->port = (vx_handle_t)h;
	uint64_t va = DPORT_VA + (uint64_t)d->f->slot * VX_SVC_CONN_SPAN;
	if ((rc = (int)vx_ring_bind(d->port, VX_RING_PRODUCER, va, DPORT_BIT, &info)) != VX_OK ||
	    (rc = vx_ring_init(&d->port_ring, &info, d->port)) != VX_OK)
		return rc;
	return add(bundle, "port", d->port, VX_R_CONSUME);
}

static int fill(struct drv *d, const struct vx_spawn *sp)
{
	char slot[8];
	int64_t h;
	int rc;

	if ((rc = add(sp->bundle, "cfg", d->cfg, VX_R_READ | VX_R_WRITE)) != VX_OK)
		return rc;
	for (unsigned i = 0; i < VX_PCI_NBARS; i++) {
		if (!d->bar[i])
			continue;
		vx_snprintf(slot, sizeof(slot), "bar%u", i);
		if ((rc = add(sp->bundle, slot, d->bar[i], VX_R_READ | VX_R_WRITE)) != VX_OK)
			return rc;
	}
	/* GRANT on the lines lets the driver prove to rngd that it is a
	 * device (proto/rng.h, RNG_SOURCE) by sending a child without rights. */
	if ((rc = add(sp->bundle, "msi", d->msi, VX_R_CONTROL | VX_R_GRANT)) != VX_OK ||
	    (rc = add(sp->bundle, "iospace", d->iospace, VX_R_CONTROL)) != VX_OK ||
	    (rc = add(sp->bundle, "self", sp->task, VX_R_CONTROL | VX_R_READ)) != VX_OK)
		return rc;
	/* The console, if init let devd pass it on (the manifest's ioport
	 * grants come without VX_R_GRANT, so today drivers stay silent unless
	 * they have a console of their own). */
	if (D.console)
		(void)add(sp->bundle, "console", D.console, VX_R_WRITE);
	if ((h = vx_sig_mint(sp->task, 1ull << DRV_IRQ_BIT)) < 0)
		return (int)h;
	rc = add(sp->bundle, "irqsig", (vx_handle_t)h, VX_R_GRANT);
	vx_cap_delete((vx_handle_t)h);
	if (rc != VX_OK)
		return rc;
	/* Its buffers come from a Reticle of its own, inside its life's. */
	if ((h = vx_reticle_split(d->ret, d->f->drv->memory / 2)) < 0)
		return (int)h;
	if ((rc = add(sp->bundle, "ret", (vx_handle_t)h, VX_R_ALL)) != VX_OK)
		return rc;
	for (uint32_t i = 0; i < d->f->drv->nconnect; i++)
		if ((rc = add_connection(d, sp->bundle, d->f->drv->connect[i])) != VX_OK)
			return rc;
	return d->f->drv->serve[0] ? make_port(d, sp->bundle) : VX_OK;
}

/* Gives this life's connections back to init's pool. */
static void disconnect_all(struct drv *d)
{
	for (uint32_t i = 0; i < d->nconn && D.have_init; i++) {
		struct vx_msg m = {.op = INIT_DISCONNECT, .len = 4};
		memcpy(m.data, &d->conn[i], 4);
		vx_client_call(&D.init, &m, (uint64_t)vx_clock() + 1000 * MS);
	}
	d->nconn = 0;
	/* The port was carved from the life's Reticle: its reset destroyed it
	 * (and unmapped it).  DEV_OPEN's connections stay until swept. */
	d->port = 0;
}

static void start(struct drv *d)
{
	struct fn *f = d->f;
	struct vx_spawn sp = {.self = D.self, .reticle = d->ret};
	char path[DT_NAME_MAX + 8], where[12];
	const void *elf;
	size_t len;
	int rc;

	bdf_str(f->bdf, where);
	vx_snprintf(path, sizeof(path), "bin/%s", f->drv->driver);
	if ((rc = vx_bootimg_find(D.img, D.img_len, path, &elf, &len)) != VX_OK) {
		f->state = DEV_REFUSED;
		note_str(f, "no driver program in the boot image");
		vx_printf("devd: %s: no program SYS:%s\n", where, path);
		return;
	}
	/* Its arguments: the etc/drivers word, then which life this is. */
	char args[DT_NAME_MAX + 16];
	vx_snprintf(args, sizeof(args), "%s%slife=%u", f->drv->args, f->drv->args[0] ? " " : "",
		    f->restarts + 1);
	rc = vx_spawn_load(&sp, elf, len, 8, args);
	if (rc >= 0)
		rc = fill(d, &sp);
	if (rc >= 0) {
		int64_t sig = vx_sig_mint(D.self, 1ull << (DRV_BIT0 + (unsigned)f->slot));
		rc = sig < 0 ? (int)sig : (int)vx_task_supervise(sp.task, (vx_handle_t)sig);
		if (sig >= 0)
			vx_cap_delete((vx_handle_t)sig);
	}
	if (rc >= 0)
		rc = vx_spawn_start(&sp);
	if (rc < 0) {
		vx_reticle_reset(d->ret);
		disconnect_all(d);
		/* init (or the memory it hands out) busy on a loaded machine is
		 * not the driver's fault: look again a few times, later. */
		bool transient = rc == VX_E_TIMEOUT || rc == VX_E_AGAIN || rc == VX_E_FULL;
		if (transient && d->start_tries < START_TRIES) {
			uint64_t wait = START_RETRY_NS << d->start_tries++;
			vx_printf("devd: cannot start %s for %s yet: %s; again in %lu ms\n",
				  f->drv->driver, where, vx_strerror(rc),
				  (unsigned long)(wait / MS));
			f->state = DEV_RESTARTING;
			d->restart_at = (uint64_t)vx_clock() + wait;
			return;
		}
		vx_printf("devd: cannot start %s for %s: %s\n", f->drv->driver, where,
			  vx_strerror(rc));
		f->state = DEV_REFUSED;
		note(f, "its driver would not start (error %ld)", (uint64_t)-rc);
		return;
	}
	d->start_tries = 0;
	d->task = sp.task;
	d->started = (uint64_t)vx_clock();
	f->state = DEV_RUNNING;
	vx_printf("devd: %s %04x:%04x: started %s\n", where, f->id.vendor, f->id.device,
		  f->drv->driver);
}

/* Driver i's supervision bit fired. */
static void stopped(struct drv *d)
{
	struct fn *f = d->f;
	struct vx_task_info ti;
	char where[12];
	uint64_t now = (uint64_t)vx_clock();

	if (!f || f->state != DEV_RUNNING || !vx_task_stopped(d->task, &ti))
		return; /* a stale bit, or a slot emptied by a hot-removal */
	bdf_str(f->bdf, where);
	if (ti.fault.kind == VX_FAULT_DMA) {
		uint32_t c = ti.fault.code;
		f->dma_faults++;
		vx_snprintf(f->note, sizeof(f->note), "DMA %s at io 0x%lx blocked (reason 0x%x)",
			    VX_DMA_FAULT_WRITE(c) ? "write" : "read", (unsigned long)ti.fault.addr,
			    (unsigned)VX_DMA_FAULT_REASON(c));
		vx_printf("devd: %s %s: the IOMMU blocked its device's DMA %s at IO address "
			  "0x%lx (reason 0x%x)\n",
			  where, f->drv->driver, VX_DMA_FAULT_WRITE(c) ? "write" : "read",
			  (unsigned long)ti.fault.addr, (unsigned)VX_DMA_FAULT_REASON(c));
	} else if (ti.state == VX_TASK_EXITED) {
		note(f, "exited with code %ld", (uint64_t)ti.fault.exit_code);
		vx_printf("devd: %s %s exited with code %ld\n", where, f->drv->driver,
			  (long)ti.fault.exit_code);
	} else {
		vx_snprintf(f->note, sizeof(f->note), "%s at 0x%lx", vx_fault_name(ti.fault.kind),
			    (unsigned long)ti.fault.addr);
		vx_printf("devd: %s %s stopped by a %s at address 0x%lx\n", where, f->drv->driver,
			  vx_fault_name(ti.fault.kind), (unsigned long)ti.fault.addr);
	}
	/* The device first, so that it stops using what is about to go. */
	quiesce(d);
	vx_reticle_reset(d->ret);
	disconnect_all(d);
	d->task = 0;
	d->crashes = now - d->started < CRASH_WINDOW ? d->crashes + 1 : 1;
	if (d->crashes >= MAX_CRASHES) {
		f->state = DEV_GAVE_UP;
		vx_printf("devd: %s %s stopped %u times in a row; giving up on it\n", where,
			  f->drv->driver, d->crashes);
		return;
	}
	uint64_t backoff = (10 * MS) << (d->crashes - 1);
	f->state = DEV_RESTARTING;
	d->restart_at = now + backoff;
	f->restarts++;
	vx_printf("devd: restarting %s for %s in %lu ms\n", f->drv->driver, where,
		  (unsigned long)(backoff / MS));
}

static uint64_t restart_due(uint64_t now)
{
	uint64_t next = VX_DEADLINE_NEVER;

	for (unsigned i = 0; i < D.ndrv; i++) {
		struct drv *d = &D.drv[i];
		if (!d->f || d->f->state != DEV_RESTARTING)
			continue;
		if (d->restart_at <= now)
			start(d);
		else if (d->restart_at < next)
			next = d->restart_at;
	}
	return next;
}

/* ------------------------------------------------------------- hot-plug */

static uint16_t slot_status(struct port *p)
{
	return vx_pci_read16(p->cfgp, p->pcie + SLOT_CTL + 2);
}

/* Writes slot control; status bits in clear (RW1C) are cleared with it. */
static void slot_control(struct port *p, uint16_t ctl, uint16_t clear)
{
	vx_pci_write32(p->cfgp, p->pcie + SLOT_CTL, ctl | (uint32_t)clear << 16);
}

/* A port's MSI-X entry 0 (QEMU's root ports have MSI-X in their BAR0,
 * not MSI): the table's page is taken from the mmio Reticle that holds it
 * and mapped, the entry programmed, MSI-X enabled. */
static int port_msix(struct port *p, unsigned i, int64_t msg)
{
	struct vx_pci_msix mx;
	struct vx_pci_map map[VX_PCI_NBARS];
	int rc;

	if ((rc = vx_pci_msix_decode(p->cfgp, &mx)) != VX_OK)
		return rc;
	uint32_t lo = vx_pci_read32(p->cfgp, VX_PCI_BAR0 + 4u * mx.table_bar);
	uint64_t base = lo & ~0xfull;
	if ((lo & 1) || mx.table_bar > 1)
		return VX_E_CORRUPT;
	if ((lo & 6) == 4)
		base |= (uint64_t)vx_pci_read32(p->cfgp, VX_PCI_BAR0 + 4u * mx.table_bar + 4) << 32;
	uint64_t at = (base + mx.table_off) & ~(uint64_t)(VX_PAGE_SIZE - 1);
	if (mx.table_off % VX_PAGE_SIZE + (uint32_t)mx.table_size * VX_PCI_MSIX_ENTRY_SIZE >
	    VX_PAGE_SIZE)
		return VX_E_TOOBIG;
	int64_t m = bar_mem(at, VX_PAGE_SIZE);
	if (m < 0)
		return (int)m;
	if ((rc = (int)vx_task_map(D.self, (vx_handle_t)m, PORT_TAB_VA + i * VX_PAGE_SIZE,
				   VX_PROT_READ | VX_PROT_WRITE)) != VX_OK)
		return rc;
	/* Present the one mapped page as the BAR, starting at the table. */
	memset(map, 0, sizeof(map));
	map[mx.table_bar].va = (volatile uint8_t *)(PORT_TAB_VA + i * VX_PAGE_SIZE) -
			       (mx.table_off & ~(uint32_t)(VX_PAGE_SIZE - 1));
	map[mx.table_bar].size = (mx.table_off & ~(uint32_t)(VX_PAGE_SIZE - 1)) + VX_PAGE_SIZE;
	mx.pba_bar = mx.table_bar;
	mx.pba_off = mx.table_off; /* the PBA is not used; keep locate's check inside the page */
	if ((rc = vx_pci_msix_locate(&mx, map)) != VX_OK ||
	    (rc = vx_pci_msix_set(&mx, 0, VX_MSI_ADDR(msg), VX_MSI_DATA(msg))) != VX_OK)
		return rc;
	vx_pci_msix_control(p->cfgp, &mx, 1, 0);
	return VX_OK;
}

/* Each port's configuration page, and its hot-plug events on one of
 * devd's MSI lines (the port's MSI capability, bit HP_BIT). */
static void ports_init(void)
{
	int64_t sig = vx_sig_mint(D.self, 1ull << HP_BIT);

	for (unsigned i = 0; i < D.nport; i++) {
		struct port *p = &D.port[i];
		struct vx_pci_msi msi;
		int64_t h = vx_reticle_retype(D.ecam, VX_OBJ_MEM, ((uint64_t)p->bdf << 32) | 1);
		if (h < 0 || vx_task_map(D.self, (vx_handle_t)h, PORT_CFG_VA + i * VX_PAGE_SIZE,
					 VX_PROT_READ | VX_PROT_WRITE) != VX_OK)
			continue;
		p->cfg = (vx_handle_t)h;
		p->cfgp = (volatile uint8_t *)(PORT_CFG_VA + i * VX_PAGE_SIZE);
		if (sig < 0 || D.msi_next == D.msi_end)
			continue;
		p->line = D.msi_next++;
		int64_t msg = vx_irq_bind(D.msi, p->line, (vx_handle_t)sig);
		if (msg < 0 || (port_msix(p, i, msg) != VX_OK &&
				(vx_pci_msi_decode(p->cfgp, &msi) != VX_OK ||
				 vx_pci_msi_program(p->cfgp, &msi, VX_MSI_ADDR(msg),
						    (uint16_t)VX_MSI_DATA(msg)) != VX_OK))) {
			vx_printf("devd: the port at %02x:%02x.%x has no usable MSI; its slot is "
				  "not watched\n",
				  p->bdf >> 8, (p->bdf >> 3) & 31, p->bdf & 7);
			p->line = 0;
			continue;
		}
		vx_pci_command(p->cfgp, VX_PCI_CMD_MASTER | VX_PCI_CMD_INTX_OFF, 0);
		uint16_t ctl = vx_pci_read16(p->cfgp, p->pcie + SLOT_CTL);
		slot_control(p, (uint16_t)(ctl | SLOT_CTL_EVENTS),
			     SLOT_ABP | SLOT_PDC | SLOT_DLLSC);
	}
	if (sig >= 0)
		vx_cap_delete((vx_handle_t)sig);
	vx_printf("devd: %u hot-plug slots\n", D.nport);
}

/* Everything devd made for f goes: its driver stops, its lines are
 * unrouted, and every capability derived for it (configuration page, BARs,
 * lines, IoSpace) is deleted, so whatever a driver kept of them is stale. */
static void remove_fn(struct fn *f)
{
	char where[12];

	bdf_str(f->bdf, where);
	if (f->slot >= 0) {
		struct drv *d = &D.drv[f->slot];
		struct vx_cap_info ci;
		if (d->task)
			vx_task_halt(d->task);
		quiesce(d);
		vx_reticle_reset(d->ret);
		disconnect_all(d);
		d->task = 0;
		if (vx_cap_inspect(d->msi, &ci) == VX_OK)
			for (uint32_t l = 0; l < (uint32_t)(ci.range >> 32); l++)
				vx_irq_bind(D.msi, (uint32_t)ci.range + l, VX_NO_HANDLE);
		vx_cap_revoke(d->msi);
		vx_cap_delete(d->msi);
		vx_cap_delete(d->iospace);
		vx_cap_delete(d->cfg);
		for (unsigned i = 0; i < VX_PCI_NBARS; i++)
			if (d->bar[i])
				vx_cap_delete(d->bar[i]);
		vx_cap_delete(d->ret);
		memset(d, 0, sizeof(*d));
		for (unsigned i = 0; i < MAX_BC; i++)
			if (D.bc[i].busy && D.bc[i].drv == f->slot)
				D.bc[i].drv = -1; /* swept once its client lets go */
	}
	f->state = DEV_REMOVED;
	f->slot = -1;
	note_str(f, "hot-removed");
	vx_printf("devd: %s removed; its driver stopped and its capabilities revoked\n", where);
}

/* The functions now behind port p: new ones are added and started. */
static void port_added(struct port *p)
{
	uint8_t queue[256];
	unsigned nq = 0, before = D.nfn;

	/* Forget earlier records of the bus, so its new functions are new. */
	for (unsigned i = 0; i < D.nfn; i++)
		if ((D.fn[i].bdf >> 8) == p->secondary && D.fn[i].state == DEV_REMOVED)
			D.fn[i].bdf = 0xffff;
	scan_bus(p->secondary, queue, &nq);
	for (unsigned i = before; i < D.nfn; i++) {
		struct fn *f = &D.fn[i];
		char where[12];
		bdf_str(f->bdf, where);
		vx_printf("devd: %s %04x:%04x hot-added\n", where, f->id.vendor, f->id.device);
		if (f->drv && claim(f) == VX_OK)
			start(&D.drv[f->slot]);
	}
}

static void port_event(struct port *p)
{
	uint16_t st = slot_status(p);
	uint16_t ctl = vx_pci_read16(p->cfgp, p->pcie + SLOT_CTL);

	if (!(st & (SLOT_ABP | SLOT_PDC | SLOT_DLLSC)))
		return;
	slot_control(p, ctl, st & (SLOT_ABP | SLOT_PDC | SLOT_DLLSC));
	bool present = st & SLOT_PDS, powered = !(ctl & SLOT_CTL_POWEROFF), known = false;
	for (unsigned i = 0; i < D.nfn; i++)
		if ((D.fn[i].bdf >> 8) == p->secondary && D.fn[i].bdf != 0xffff &&
		    D.fn[i].state != DEV_REMOVED)
			known = true;
	/* The attention button asks for the other state: a powered slot to
	 * be let go, an unpowered one with a card in it to be brought up. */
	bool remove = known && (!present || ((st & SLOT_ABP) && powered));
	bool add = present && !known && (!powered || !(st & SLOT_ABP) || (st & SLOT_PDC));
	if (remove) {
		/* A removal asked for (the attention button) or done: stop and
		 * revoke, then power the slot off, which lets it go. */
		for (unsigned i = 0; i < D.nfn; i++)
			if ((D.fn[i].bdf >> 8) == p->secondary && D.fn[i].bdf != 0xffff &&
			    D.fn[i].state != DEV_REMOVED)
				remove_fn(&D.fn[i]);
		slot_control(p, (uint16_t)((ctl & ~SLOT_CTL_PWRIND) | 0x0300 | SLOT_CTL_POWEROFF),
			     0);
	} else if (add) {
		slot_control(p, (uint16_t)((ctl & ~(SLOT_CTL_PWRIND | SLOT_CTL_POWEROFF)) | 0x0100),
			     0);
		port_added(p);
	}
}

static void hotplug_event(void)
{
	for (unsigned i = 0; i < D.nport; i++) {
		if (!D.port[i].line)
			continue;
		port_event(&D.port[i]);
		vx_irq_ack(D.msi, D.port[i].line);
	}
}

/* ------------------------------------------------------------- protocol */

static struct fn *find(uint16_t bdf)
{
	for (unsigned i = 0; i < D.nfn; i++)
		if (D.fn[i].bdf == bdf)
			return &D.fn[i];
	return NULL;
}

static void do_list(struct vx_msg *m)
{
	struct dev_info di;
	uint32_t idx;

	if (m->len != sizeof(idx)) {
		m->status = VX_E_INVAL;
		return;
	}
	memcpy(&idx, m->data, sizeof(idx));
	/* The idx-th function devd knows (records of a bus that was plugged
	 * again are forgotten: bdf 0xffff). */
	const struct fn *f = NULL;
	for (unsigned i = 0, seen = 0; i < D.nfn && !f; i++)
		if (D.fn[i].bdf != 0xffff && seen++ == idx)
			f = &D.fn[i];
	if (!f) {
		m->status = VX_E_NOTFOUND;
		return;
	}
	memset(&di, 0, sizeof(di));
	di.bdf = f->bdf;
	di.vendor = f->id.vendor;
	di.device = f->id.device;
	di.class_code = f->id.class_code;
	di.subclass = f->id.subclass;
	di.prog_if = f->id.prog_if;
	di.state = f->state;
	di.restarts = f->restarts;
	di.dma_faults = f->dma_faults;
	if (f->drv)
		memcpy(di.driver, f->drv->driver, sizeof(di.driver));
	vx_snprintf(di.note, sizeof(di.note), "%s", f->note);
	/* Where its driver runs, and what it holds, while it lives. */
	struct vx_task_info ti;
	struct vx_reticle_info ri;
	di.cpu = 0xff;
	const struct drv *d = f->slot >= 0 ? &D.drv[f->slot] : NULL;
	if (d && d->task && vx_task_inspect(d->task, &ti) == VX_OK && ti.cpu < 0xff)
		di.cpu = (uint8_t)ti.cpu;
	if (d && d->ret && vx_reticle_info(d->ret, &ri) == VX_OK)
		di.driver_bytes = ri.size - ri.free;
	struct vx_cap_info ci;
	if (f->slot >= 0 && vx_cap_inspect(D.drv[f->slot].msi, &ci) == VX_OK)
		di.irqs = ci.size;
	memcpy(m->data, &di, sizeof(di));
	m->len = sizeof(di);
}

/* Makes d's driver fault at address 0, so that supervision takes over. */
static int64_t crash(struct drv *d)
{
	int64_t rc;

	if ((rc = vx_task_halt(d->task)) < 0 || (rc = vx_task_set_regs(d->task, 0, 0, 0)) < 0)
		return rc;
	return vx_task_resume(d->task);
}

static void do_crash(struct vx_msg *m)
{
	uint16_t bdf;
	int64_t rc;

	if (m->len != sizeof(bdf)) {
		m->status = VX_E_INVAL;
		return;
	}
	memcpy(&bdf, m->data, sizeof(bdf));
	m->len = 0;
	struct fn *f = find(bdf);
	if (!f) {
		m->status = VX_E_NOTFOUND;
		return;
	}
	if (f->state != DEV_RUNNING || f->slot < 0) {
		m->status = VX_E_STATE;
		return;
	}
	if ((rc = crash(&D.drv[f->slot])) < 0) {
		m->status = (int)rc;
		return;
	}
	vx_printf("devd: crashing %s on request (it will fault at address 0)\n", f->drv->driver);
}

/* Which ends of ring are bound now (VX_RING_BOUND_*). */
static uint64_t ring_bound(vx_handle_t ring)
{
	struct vx_cap_info ci;

	return vx_cap_inspect(ring, &ci) == VX_OK ? ci.ring_state & 0xff : 0;
}

/* Hangs up on behalf of a client that is gone: devd binds and unbinds
 * the client's end of req, which the server sees as a client that came
 * and went, so it closes its side. */
static void hang_up(vx_handle_t req)
{
	struct vx_ring_info info;

	if (vx_ring_bind(req, VX_RING_PRODUCER, HANGUP_VA, HANGUP_BIT, &info) == VX_OK)
		vx_ring_unbind(req);
}

/*
 * Takes back the connections whose client has let go: once a connection
 * is older than STALE_NS and its client end is unbound, the server is told
 * (hang_up) and, once nobody at all is bound, every end devd handed out
 * is revoked and both Rings are emptied; the pair is free for the next
 * DEV_OPEN.  Returns how many connections driver slot drv still has.
 */
static uint32_t conn_sweep(int drv, uint64_t now)
{
	const uint64_t client = VX_RING_BOUND_PRODUCER, server = VX_RING_BOUND_CONSUMER;
	uint32_t live = 0;

	for (unsigned i = 0; i < MAX_BC; i++) {
		struct bconn *b = &D.bc[i];
		if (!b->busy)
			continue;
		uint64_t req = ring_bound(b->req), rep = ring_bound(b->rep);
		bool client_bound = (req & client) || (rep & server);
		bool server_bound = (req & server) || (rep & client);
		if (client_bound || now - b->made < STALE_NS) {
			live += b->drv == drv;
			continue;
		}
		if (server_bound) {
			hang_up(b->req);
			live += b->drv == drv;
			continue;
		}
		vx_cap_revoke(b->req);
		vx_cap_revoke(b->rep);
		if (b->own) { /* devd's own: destroyed (revoking took every end) */
			vx_cap_delete(b->req);
			vx_cap_delete(b->rep);
			memset(b, 0, sizeof(*b));
			continue;
		}
		vx_ring_drain(b->req, HANGUP_VA, HANGUP_BIT);
		vx_ring_drain(b->rep, HANGUP_VA, HANGUP_BIT);
		b->busy = false;
	}
	return live;
}

/* Two Rings from init for slot i (INIT_PAIR, a connection's geometry):
 * VX_OK, or init's error, or the transport's. */
static int pair_from_init(int i)
{
	const struct init_pair_req r = {.slot_log2 = 8, .count_log2 = 4};
	_Static_assert(VX_SVC_RING_ARG == VX_RING_ARG(8, 4), "a connection's geometry");
	struct vx_msg m = {.op = INIT_PAIR, .len = sizeof(r)};

	if (!D.have_init)
		return VX_E_NOTFOUND;
	memcpy(m.data, &r, sizeof(r));
	int rc = vx_client_call(&D.init, &m, (uint64_t)vx_clock() + 1000 * MS);
	if (rc == VX_OK && m.ncaps != 2)
		rc = VX_E_CORRUPT;
	if (rc != VX_OK)
		return rc;
	int64_t a = vx_ring_recv_cap(D.init.rep_h), b = vx_ring_recv_cap(D.init.rep_h);
	if (a < 0 || b < 0) {
		if (a >= 0)
			vx_cap_delete((vx_handle_t)a);
		if (b >= 0)
			vx_cap_delete((vx_handle_t)b);
		return VX_E_CORRUPT;
	}
	D.bc[i].req = (vx_handle_t)a;
	D.bc[i].rep = (vx_handle_t)b;
	D.bc[i].own = false;
	return VX_OK;
}

/* A free pair for a new connection: one init gave this life already, a
 * new one from init while devd holds fewer than INIT_PAIRS, or else two
 * Rings carved from devd's own Reticle.  Its index, or VX_E_FULL (every
 * slot busy, or no memory for Rings). */
static int pair_take(void)
{
	int fresh = -1, from_init = 0;

	for (int i = 0; i < (int)MAX_BC; i++) {
		if (D.bc[i].req && !D.bc[i].own && !D.bc[i].busy)
			return i;
		from_init += D.bc[i].req && !D.bc[i].own;
		if (!D.bc[i].req && fresh < 0)
			fresh = i;
	}
	if (fresh < 0)
		return VX_E_FULL;
	if (from_init < INIT_PAIRS && pair_from_init(fresh) == VX_OK)
		return fresh;
	if (vx_ring_pair_make(D.ret, VX_SVC_RING_ARG, &D.bc[fresh].req, &D.bc[fresh].rep) != VX_OK)
		return VX_E_FULL;
	D.bc[fresh].own = true;
	return fresh;
}

/* DEV_OPEN: a new connection to a driver that serves a protocol; the
 * record goes to its port first, then the server ends, and the client ends
 * come back with the reply. */
static void do_open(struct vx_server_conn *c, struct vx_msg *m)
{
	struct dev_open o;
	struct fn *f = NULL;
	uint32_t unit = 0;

	if (m->len != sizeof(o)) {
		m->status = VX_E_INVAL;
		return;
	}
	memcpy(&o, m->data, sizeof(o));
	if (o.reserved != 0 || strnlen(o.service, sizeof(o.service)) == sizeof(o.service)) {
		m->status = VX_E_INVAL;
		return;
	}
	for (unsigned i = 0; i < D.nfn && !f; i++)
		if (D.fn[i].drv && strcmp(D.fn[i].drv->serve, o.service) == 0 &&
		    D.fn[i].state != DEV_REMOVED && unit++ == o.unit)
			f = &D.fn[i];
	if (!f) {
		m->status = VX_E_NOTFOUND;
		return;
	}
	struct drv *d = f->slot >= 0 ? &D.drv[f->slot] : NULL;
	if (!d || f->state != DEV_RUNNING || !d->port) {
		m->status = VX_E_STATE;
		return;
	}
	if (conn_sweep(f->slot, (uint64_t)vx_clock()) >= DEV_CONN_MAX) {
		m->status = VX_E_FULL;
		return;
	}
	int k = pair_take();
	if (k < 0) {
		m->status = k;
		return;
	}
	vx_handle_t req = D.bc[k].req, rep = D.bc[k].rep;
	struct vx_msg rec = {.op = DEV_ATTACH, .len = 8};
	memcpy(rec.data, &o.part, 4);
	memcpy(rec.data + 4, &o.flags, 4);
	int rc = vx_ring_try_send(&d->port_ring, &rec, sizeof(rec));
	if (rc == VX_OK) {
		vx_ring_kick(&d->port_ring);
		if ((rc = (int)vx_ring_send_cap(d->port, req, VX_R_CONSUME)) >= 0)
			rc = (int)vx_ring_send_cap(d->port, rep, VX_R_PRODUCE);
	}
	if (rc < 0) {
		/* A record without its pair would be paired with the next one's
		 * ends: the port is out of step, so this life ends here.  An
		 * end that went is revoked; init's pair stays free, devd's own
		 * Rings go. */
		vx_cap_revoke(req);
		vx_cap_revoke(rep);
		if (D.bc[k].own) {
			vx_cap_delete(req);
			vx_cap_delete(rep);
			memset(&D.bc[k], 0, sizeof(D.bc[k]));
		}
		if (rc != VX_E_NOMEM && rc != VX_E_FULL) {
			vx_printf("devd: %s's port is out of step; restarting it\n",
				  f->drv->driver);
			crash(d);
		}
		m->status = rc == VX_E_NOMEM ? VX_E_FULL : rc;
		return;
	}
	D.bc[k].busy = true;
	D.bc[k].drv = f->slot;
	D.bc[k].made = (uint64_t)vx_clock();
	vx_ring_send_cap(c->rep_h, req, VX_R_PRODUCE | VX_R_GRANT);
	vx_ring_send_cap(c->rep_h, rep, VX_R_CONSUME | VX_R_GRANT);
	struct dev_opened out = {.bdf = f->bdf, .life = f->restarts + 1};
	memcpy(m->data, &out, sizeof(out));
	m->len = sizeof(out);
	m->ncaps = 2;
}

static enum vx_svc_disp serve(struct vx_server *s, struct vx_server_conn *c, struct vx_msg *m,
			      void *ctx)
{
	(void)s, (void)ctx;
	m->ncaps = 0;
	if (m->op == DEV_LIST)
		do_list(m);
	else if (m->op == DEV_CRASH)
		do_crash(m);
	else if (m->op == DEV_OPEN)
		do_open(c, m);
	else
		m->status = VX_E_NOSYS;
	if (m->status != VX_OK)
		m->len = 0;
	return VX_SVC_REPLY;
}

/* ----------------------------------------------------------------- start */

static int boot_caps(const struct vx_bundle_page *b)
{
	const struct vx_bundle_entry *img;
	struct vx_cap_info ci;
	char name[8];
	int64_t h;

	if ((h = vx_bundle_handle(b, "console", VX_OBJ_IOPORT)) >= 0) {
		D.console = (vx_handle_t)h;
		vx_print_init(D.console); /* whole lines to the kernel console */
	}
	if ((h = vx_bundle_handle(b, "self", VX_OBJ_TASK)) < 0)
		return 2;
	D.self = (vx_handle_t)h;
	if ((h = vx_bundle_handle(b, "ecam", VX_OBJ_RETICLE)) < 0) {
		vx_printf("devd: no PCI configuration space was granted; nothing to manage\n");
		return 3;
	}
	D.ecam = (vx_handle_t)h;
	if ((h = vx_bundle_handle(b, "pci", VX_OBJ_PCI)) < 0 ||
	    vx_cap_inspect((vx_handle_t)h, &ci) != VX_OK)
		return 4;
	D.pci = (vx_handle_t)h;
	D.unconfined_ok = (ci.rights & VX_R_WRITE) != 0;
	if ((h = vx_bundle_handle(b, "msi", VX_OBJ_IRQ)) < 0 ||
	    vx_cap_inspect((vx_handle_t)h, &ci) != VX_OK)
		return 5;
	D.msi = (vx_handle_t)h;
	D.msi_next = (uint32_t)ci.range;
	D.msi_end = D.msi_next + (uint32_t)(ci.range >> 32);
	if ((h = vx_bundle_handle(b, "ret", VX_OBJ_RETICLE)) < 0)
		return 6;
	D.ret = (vx_handle_t)h;
	for (unsigned i = 0; i < MAX_MMIO; i++) {
		vx_snprintf(name, sizeof(name), "mmio%u", i);
		if ((h = vx_bundle_handle(b, name, VX_OBJ_RETICLE)) < 0 ||
		    vx_reticle_info((vx_handle_t)h, &D.mmio_info[D.nmmio]) != VX_OK)
			continue;
		D.mmio[D.nmmio++] = (vx_handle_t)h;
	}
	if (vx_bundle_find(b, "boot", VX_OBJ_MEM, &img) != VX_OK ||
	    vx_task_map(D.self, img->handle, BOOT_VA, VX_PROT_READ) != VX_OK ||
	    vx_bootimg_check((const void *)BOOT_VA, img->size) != VX_OK)
		return 7;
	D.img = (const void *)BOOT_VA;
	D.img_len = img->size;
	return 0;
}

static void load_table(void)
{
	static char err[120];
	const void *text;
	size_t len;

	if (vx_bootimg_find(D.img, D.img_len, "etc/drivers", &text, &len) != VX_OK) {
		vx_printf("devd: no etc/drivers; no driver will be started\n");
		return;
	}
	if (dt_parse(text, len, &D.table, err, sizeof(err)) != VX_OK)
		vx_printf("devd: %s; no driver will be started\n", err);
}

/* Does the machine have an IOMMU?  Asking for an unconfined IoSpace is
 * refused with VX_E_STATE exactly when it does (before anything else is
 * checked but the capabilities). */
static bool probe_iommu(void)
{
	int64_t r = vx_iospace_create(D.ecam, D.pci, VX_IOSPACE_UNCONFINED, 0);

	if (r >= 0)
		vx_cap_delete((vx_handle_t)r);
	return r == VX_E_STATE;
}

int main(const struct vx_bundle_page *b, const char *args)
{
	int rc;

	(void)args;
	if ((rc = boot_caps(b)) != 0)
		return rc;
	D.iommu = probe_iommu();
	load_table();
	D.have_init = vx_client_open(&D.init, b, "init", INIT_VA, INIT_BIT) == VX_OK;
	if (vx_server_init(&D.srv, b, SERVER_VA, SVC_BIT) != VX_OK)
		return 8;
	vx_printf("devd: DMA is %s\n", D.iommu ? "confined by the IOMMU"
				       : D.unconfined_ok
					   ? "unconfined (no IOMMU; the manifest allows it)"
					   : "refused (no IOMMU)");
	scan();
	for (unsigned i = 0; i < D.nfn; i++) {
		struct fn *f = &D.fn[i];
		char where[12];
		if (!f->drv)
			continue;
		if (claim(f) == VX_OK) {
			start(&D.drv[f->slot]);
			continue;
		}
		bdf_str(f->bdf, where);
		vx_printf("devd: %s %04x:%04x: %s not started: %s\n", where, f->id.vendor,
			  f->id.device, f->drv->driver, f->note);
	}
	ports_init();
	uint64_t next = VX_DEADLINE_NEVER;
	/* The slots are also looked at once a second: an event whose status
	 * bit stayed set (a port signals only when its first bit goes up) is
	 * found anyway.  The second is counted from the last look, not from
	 * each wake: a client that asks every second must not put it off. */
	uint64_t poll_at = (uint64_t)vx_clock() + 1000 * MS;
	for (;;) {
		uint64_t drv_bits = 1ull << HP_BIT;
		for (unsigned i = 0; i < D.ndrv; i++)
			drv_bits |= 1ull << (DRV_BIT0 + i);
		uint64_t fired =
		    vx_server_wait(&D.srv, drv_bits, D.nport && poll_at < next ? poll_at : next);
		uint64_t now = (uint64_t)vx_clock();
		if ((fired & (1ull << HP_BIT)) || (D.nport && now >= poll_at)) {
			hotplug_event();
			poll_at = now + 1000 * MS;
		}
		for (unsigned i = 0; i < D.ndrv; i++)
			if (fired & (1ull << (DRV_BIT0 + i)))
				stopped(&D.drv[i]);
		vx_server_poll(&D.srv, serve, NULL);
		next = restart_due((uint64_t)vx_clock());
	}
}
