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
#include "drv/drv.h"
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
	struct vx_drv d; /* the function's share, mapped (lib/drv) */
	struct vx_virtio dev;
	struct vx_virtq q;
	struct vx_virtq_slot slot[QSIZE];
	uint8_t *buf;
	uint64_t io_buf;
	vx_handle_t buf_mem;
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

static int setup_device(void)
{
	vx_handle_t qmem;
	int rc;

	if ((rc = vx_virtio_probe(&R.dev, R.d.cfg, R.d.map)) != VX_OK)
		return rc;
	vx_pci_command(R.d.cfg, VX_PCI_CMD_MEM | VX_PCI_CMD_MASTER | VX_PCI_CMD_INTX_OFF, 0);
	if ((rc = vx_virtio_begin(&R.dev)) != VX_OK ||
	    (rc = vx_virtio_negotiate(&R.dev, 0)) != VX_OK)
		return rc;
	if ((rc = vx_drv_msix(&R.d)) != VX_OK)
		return rc;
	uint16_t max = vx_virtio_queue_max(&R.dev, 0);
	uint32_t n = max < QSIZE ? max : QSIZE;
	if (n == 0 || (n & (n - 1)))
		return VX_E_CORRUPT;
	uint64_t pages = (vx_virtq_bytes(n) + VX_PAGE_SIZE - 1) / VX_PAGE_SIZE;
	int64_t qio =
	    vx_drv_dma(&R.d, pages, QUEUE_VA, IO_QUEUE, VX_PROT_READ | VX_PROT_WRITE, &qmem);
	if (qio < 0)
		return (int)qio;
	if ((rc = vx_virtq_init(&R.q, n, (void *)QUEUE_VA, (uint64_t)qio, R.slot,
				vx_virtio_has(&R.dev, VX_VIRTIO_F_EVENT_IDX))) != VX_OK ||
	    (rc = vx_virtio_queue_setup(&R.dev, 0, &R.q, 0)) != VX_OK)
		return rc;
	int64_t bio = vx_drv_dma(&R.d, 1, BUF_VA, IO_BUF, VX_PROT_WRITE, &R.buf_mem);
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
		int64_t m = vx_reticle_retype(R.d.ret, VX_OBJ_MEM, 1);
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
		vx_irq_ack(R.d.msi, R.d.line);
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
		vx_rng_client_source(&R.rng, R.d.msi, &id, (uint64_t)vx_clock() + 1000 * MS);
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
	const char *missing;
	if ((rc = vx_drv_open(&R.d, b, CFG_VA, BAR_VA, BAR_SPAN, &missing)) != VX_OK) {
		say("virtio-rng: cannot take my share (%s%s%s)\n", vx_strerror(rc),
		    missing[0] ? ": no " : "", missing);
		return 2;
	}
	if ((rc = setup_device()) != VX_OK) {
		say("virtio-rng: the device would not start: %s\n", vx_strerror(rc));
		vx_virtio_fail(&R.dev);
		return 10;
	}
	R.have_rng = vx_client_open(&R.rng, b, "rng", RNG_VA, RNG_BIT) == VX_OK;
	uint32_t id = 0;
	if (R.have_rng && (rc = vx_rng_client_source(&R.rng, R.d.msi, &id,
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
