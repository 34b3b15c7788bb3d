/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio-rng: the first driver Task.  It reads entropy from a virtio
 * entropy device and feeds it to rngd as a device source
 * (proto/rng.h), where the High level counts it apart from the CPU's
 * generator and timer jitter.
 *
 * devd starts it with one function's capabilities (services/devd):
 * cfg, bar0..5, msi, irqsig, iospace, ret, self, and a connection to rngd.
 * Its one queue and its buffers are Mems carved from ret, each mapped
 * twice: for the CPU through a derived cap, for the device through the
 * original, in the IoSpace at fixed IO addresses.  The device can reach
 * those two pages and nothing else.
 *
 * Each request is one 64-byte device-writable buffer; the completion
 * arrives as an MSI on the driver's one line, which raises its irqsig
 * bit.  It reads fast until rngd has credited 512 bits from it, then one
 * request every half second.
 *
 * Fault injection for the device scenario (tests/qemu/scenario_devices.sh),
 * chosen by the one argument word etc/drivers passes (args WORD):
 *   dma-unmapped   the buffer's IO address is one nothing is mapped at
 *   dma-kernel     the buffer's IO address is the kernel's physical address
 *   dma-frame      ... the physical address of a frame it holds but never
 *                  mapped for the device
 *   free-mapped    it deletes the buffer's Mem (unmapping it) after handing
 *                  the buffer to the device and before kicking it
 *   msi-storm      it keeps the device busy with tiny requests and never
 *                  acknowledges an interrupt
 *   reach-other    it looks for another function's configuration space:
 *                  the ecam Reticle (not in its Bundle), and the page after
 *                  its own configuration page (not mapped: it faults)
 * Each of the DMA modes must end with the IOMMU blocking the write and the
 * driver faulted as VX_FAULT_DMA, reported to devd.
 */
#include <stdint.h>
#include "rt/vx.h"
#include "rt/svc.h"
#include "rt/errstr.h"
#include "client/rng.h"
#include "client/console.h"
#include "dev/pci.h"
#include "dev/virtio.h"
#include "vx_string.h"

#define CFG_VA	    0x10000000ull
#define BAR_VA	    0x20000000ull /* BAR i at BAR_VA + i * BAR_SPAN */
#define BAR_SPAN    0x01000000ull
#define QUEUE_VA    0x30000000ull
#define BUF_VA	    0x30100000ull
#define RNG_VA	    0x40000000ull
#define CON_VA	    0x40010000ull
#define IO_QUEUE    0x00010000ull /* IO addresses in the IoSpace */
#define IO_BUF	    0x00200000ull
#define IRQ_BIT	    1u /* devd mints irqsig for this bit */
#define RNG_BIT	    2u
#define CON_BIT	    3u
#define QSIZE	    64u
#define CHUNK	    64u
#define MS	    1000000ull
#define FAST_BITS   512u /* credited bits before it slows down */
#define SLOW_PERIOD (500 * MS)

static struct {
	const struct vx_bundle_page *b;
	vx_handle_t self, msi, irqsig, iospace, ret;
	volatile uint8_t *cfgp;
	struct vx_pci_map map[VX_PCI_NBARS];
	struct vx_virtio dev;
	struct vx_virtq q;
	struct vx_virtq_slot slot[QSIZE];
	uint8_t *buf;
	uint64_t io_buf;
	vx_handle_t buf_mem;
	uint32_t line;
	struct vx_client rng, con;
	bool have_rng, have_con;
	uint32_t credited;
	const char *mode;
} R;

/* A line on the console: through uartd when devd connected us to it. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (R.have_con)
		vx_con_vprintf(&R.con, (uint64_t)vx_clock() + 1000 * MS, fmt, ap);
	else
		vx_vprintf(fmt, ap);
	va_end(ap);
}

static int64_t need(const char *name, uint32_t type)
{
	int64_t h = vx_bundle_handle(R.b, name, type);

	if (h < 0)
		say("virtio-rng: no '%s' in my Bundle\n", name);
	return h;
}

/* Maps every BAR devd granted, uncached (device memory). */
static int map_bars(void)
{
	char name[8];

	for (unsigned i = 0; i < VX_PCI_NBARS; i++) {
		const struct vx_bundle_entry *e;
		vx_snprintf(name, sizeof(name), "bar%u", i);
		if (vx_bundle_find(R.b, name, VX_OBJ_MEM, &e) != VX_OK)
			continue;
		if (e->size > BAR_SPAN)
			return VX_E_TOOBIG;
		int rc = (int)vx_task_map(R.self, e->handle, BAR_VA + i * BAR_SPAN,
					  VX_PROT_READ | VX_PROT_WRITE);
		if (rc != VX_OK)
			return rc;
		R.map[i].va = (volatile uint8_t *)(BAR_VA + i * BAR_SPAN);
		R.map[i].size = e->size;
	}
	return VX_OK;
}

/* A Mem of pages from ret, seen by the CPU at va and by the device at
 * ioaddr (device access prot).  Returns the IO address, or an error; *mem
 * is the cap whose deletion takes it from the device. */
static int64_t dma_region(uint64_t pages, uint64_t va, uint64_t ioaddr, uint32_t prot,
			  vx_handle_t *mem)
{
	int64_t m = vx_reticle_retype(R.ret, VX_OBJ_MEM, pages), view, io;

	if (m < 0)
		return m;
	if ((view = vx_cap_derive((vx_handle_t)m, VX_R_READ | VX_R_WRITE, 0)) < 0)
		return view;
	int64_t rc = vx_task_map(R.self, (vx_handle_t)view, va, VX_PROT_READ | VX_PROT_WRITE);
	if (rc < 0)
		return rc;
	if ((io = vx_iospace_map(R.iospace, (vx_handle_t)m, ioaddr, prot)) < 0)
		return io;
	*mem = (vx_handle_t)m;
	return io;
}

/* The one MSI-X vector: bound to our line, the device's table entry 0. */
static int setup_msix(void)
{
	struct vx_pci_msix mx;
	struct vx_cap_info ci;
	int rc;

	if ((rc = vx_pci_msix_decode(R.cfgp, &mx)) != VX_OK ||
	    (rc = vx_pci_msix_locate(&mx, R.map)) != VX_OK)
		return rc;
	if ((rc = (int)vx_cap_inspect(R.msi, &ci)) != VX_OK)
		return rc;
	R.line = (uint32_t)ci.range;
	int64_t msg = vx_irq_bind(R.msi, R.line, R.irqsig);
	if (msg < 0)
		return (int)msg;
	if ((rc = vx_pci_msix_set(&mx, 0, VX_MSI_ADDR(msg), VX_MSI_DATA(msg))) != VX_OK)
		return rc;
	vx_pci_msix_control(R.cfgp, &mx, 1, 0);
	return VX_OK;
}

static int setup_device(void)
{
	vx_handle_t qmem;
	int rc;

	if ((rc = vx_virtio_probe(&R.dev, R.cfgp, R.map)) != VX_OK)
		return rc;
	vx_pci_command(R.cfgp, VX_PCI_CMD_MEM | VX_PCI_CMD_MASTER | VX_PCI_CMD_INTX_OFF, 0);
	if ((rc = vx_virtio_begin(&R.dev)) != VX_OK ||
	    (rc = vx_virtio_negotiate(&R.dev, 0)) != VX_OK)
		return rc;
	if ((rc = setup_msix()) != VX_OK)
		return rc;
	uint16_t max = vx_virtio_queue_max(&R.dev, 0);
	uint32_t n = max < QSIZE ? max : QSIZE;
	if (n == 0 || (n & (n - 1)))
		return VX_E_CORRUPT;
	uint64_t pages = (vx_virtq_bytes(n) + VX_PAGE_SIZE - 1) / VX_PAGE_SIZE;
	int64_t qio = dma_region(pages, QUEUE_VA, IO_QUEUE, VX_PROT_READ | VX_PROT_WRITE, &qmem);
	if (qio < 0)
		return (int)qio;
	if ((rc = vx_virtq_init(&R.q, n, (void *)QUEUE_VA, (uint64_t)qio, R.slot,
				vx_virtio_has(&R.dev, VX_VIRTIO_F_EVENT_IDX))) != VX_OK ||
	    (rc = vx_virtio_queue_setup(&R.dev, 0, &R.q, 0)) != VX_OK)
		return rc;
	int64_t bio = dma_region(1, BUF_VA, IO_BUF, VX_PROT_WRITE, &R.buf_mem);
	if (bio < 0)
		return (int)bio;
	R.buf = (uint8_t *)BUF_VA;
	R.io_buf = (uint64_t)bio;
	vx_virtio_ready(&R.dev);
	return VX_OK;
}

/* Where the k-th request's buffer is, for the device: honest, or one of
 * the fault-injection lies. */
static uint64_t buffer_io(uint32_t k)
{
	if (strcmp(R.mode, "dma-unmapped") == 0)
		return 0x3ff00000ull;
	if (strcmp(R.mode, "dma-kernel") == 0)
		return 0x100000ull; /* where the kernel is loaded */
	if (strcmp(R.mode, "dma-frame") == 0) {
		struct vx_cap_info ci;
		int64_t m = vx_reticle_retype(R.ret, VX_OBJ_MEM, 1);
		if (m >= 0 && vx_cap_inspect((vx_handle_t)m, &ci) == VX_OK)
			return ci.paddr;
	}
	return R.io_buf + (k % (VX_PAGE_SIZE / CHUNK)) * CHUNK;
}

/* One request; returns the bytes the device wrote, or an error. */
static int64_t request(uint32_t k, uint64_t deadline)
{
	struct vx_virtq_seg seg = {buffer_io(k), CHUNK, 1};
	uint64_t token;
	uint32_t len;
	int rc;

	if ((rc = vx_virtq_add(&R.q, &seg, 1, k)) < 0)
		return rc;
	if (strcmp(R.mode, "free-mapped") == 0 && R.buf_mem) {
		/* Gone from the IoSpace (and its IOTLB) before the device
		 * is told: its write must be blocked, not land in a frame
		 * that goes back to the Reticle. */
		vx_cap_delete(R.buf_mem);
		R.buf_mem = 0;
	}
	vx_virtq_kick(&R.q);
	for (;;) {
		rc = vx_virtq_get(&R.q, &token, &len);
		if (rc == VX_OK)
			return len;
		if (rc != VX_E_EMPTY)
			return rc;
		if (vx_virtq_irq_enable(&R.q) == 1)
			continue;
		int64_t fired = vx_sig_wait(1ull << IRQ_BIT, deadline);
		if (fired < 0)
			return fired;
		if (fired == 0)
			return VX_E_TIMEOUT;
		vx_irq_ack(R.msi, R.line);
	}
}

static void feed(const uint8_t *p, uint32_t n)
{
	struct rng_fed fed;
	uint32_t id;

	if (!R.have_rng)
		return;
	int rc = vx_rng_client_feed(&R.rng, p, n, &fed, (uint64_t)vx_clock() + 1000 * MS);
	if (rc != VX_OK)
		return;
	if (fed.id == RNG_ID_FEED) /* rngd restarted and forgot us: prove it again */
		vx_rng_client_source(&R.rng, R.msi, &id, (uint64_t)vx_clock() + 1000 * MS);
	R.credited += fed.credited_bits;
}

/* Keeps the device completing tiny requests and never acknowledges the
 * interrupts they raise. */
static _Noreturn void storm(void)
{
	struct vx_virtq_seg seg = {R.io_buf, 1, 1};
	uint64_t token, n = 0;
	uint32_t len;

	say("virtio-rng: storming (requests without end, interrupts never acknowledged)\n");
	for (;;) {
		/* One request at a time, each asking for its interrupt. */
		if (vx_virtq_add(&R.q, &seg, 1, n++) < 0)
			vx_task_yield();
		vx_virtq_irq_enable(&R.q);
		vx_virtq_kick(&R.q);
		while (vx_virtq_get(&R.q, &token, &len) == VX_E_EMPTY)
			vx_task_yield();
	}
}

int main(const struct vx_bundle_page *b, const char *args)
{
	int64_t h;
	int rc;

	R.b = b;
	/* "[MODE ]life=N" from devd: the mode is the first word, if any. */
	static char mode[24];
	size_t w = 0;
	while (args && args[w] && args[w] != ' ' && w + 1 < sizeof(mode))
		w++;
	if (args && args[w] == ' ')
		memcpy(mode, args, w);
	R.mode = mode;
	R.have_con = vx_client_open(&R.con, b, "console", CON_VA, CON_BIT) == VX_OK;
	if ((h = vx_bundle_handle(b, "console", VX_OBJ_IOPORT)) >= 0)
		vx_print_init((vx_handle_t)h);
	if ((h = need("self", VX_OBJ_TASK)) < 0)
		return 2;
	R.self = (vx_handle_t)h;
	if ((h = need("cfg", VX_OBJ_MEM)) < 0 ||
	    vx_task_map(R.self, (vx_handle_t)h, CFG_VA, VX_PROT_READ | VX_PROT_WRITE) != VX_OK)
		return 3;
	R.cfgp = (volatile uint8_t *)CFG_VA;
	if ((h = need("msi", VX_OBJ_IRQ)) < 0)
		return 4;
	R.msi = (vx_handle_t)h;
	if ((h = need("irqsig", VX_OBJ_SIGNAL)) < 0)
		return 5;
	R.irqsig = (vx_handle_t)h;
	if ((h = need("iospace", VX_OBJ_IOSPACE)) < 0)
		return 6;
	R.iospace = (vx_handle_t)h;
	if ((h = need("ret", VX_OBJ_RETICLE)) < 0)
		return 7;
	R.ret = (vx_handle_t)h;
	if ((rc = map_bars()) != VX_OK || (rc = setup_device()) != VX_OK) {
		say("virtio-rng: the device would not start: %s\n", vx_strerror(rc));
		vx_virtio_fail(&R.dev);
		return 10;
	}
	R.have_rng = vx_client_open(&R.rng, b, "rng", RNG_VA, RNG_BIT) == VX_OK;
	uint32_t id = 0;
	if (R.have_rng && (rc = vx_rng_client_source(&R.rng, R.msi, &id,
						     (uint64_t)vx_clock() + 2000 * MS)) != VX_OK)
		say("virtio-rng: rngd would not count me as a source: %s\n", vx_strerror(rc));
	if (strcmp(R.mode, "msi-storm") == 0)
		storm();
	if (strcmp(R.mode, "reach-other") == 0) {
		say("virtio-rng: reach-other: ecam in my Bundle: %s\n",
		    vx_strerror((int)vx_bundle_handle(b, "ecam", VX_OBJ_RETICLE)));
		say("virtio-rng: reach-other: reading the page after my configuration page\n");
		return (int)*(volatile uint32_t *)(CFG_VA + VX_PAGE_SIZE);
	}
	for (uint32_t k = 0;; k++) {
		int64_t n = request(k, (uint64_t)vx_clock() + 2000 * MS);
		if (n < 0) {
			say("virtio-rng: request %u failed: %s\n", k, vx_strerror((int)n));
			return 100 - (int)n; /* 100 + the error, for devd to report */
		}
		feed(R.buf + (k % (VX_PAGE_SIZE / CHUNK)) * CHUNK, (uint32_t)n);
		if (k + 1 == 16) {
			say("virtio-rng: %u requests answered; rngd credited %u bits to source "
			    "%u\n",
			    k + 1, R.credited, id);
		}
		if (R.credited >= FAST_BITS)
			vx_sig_wait(0, (uint64_t)vx_clock() + SLOW_PERIOD);
	}
}
