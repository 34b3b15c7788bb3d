/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio-net: the network card driver Task.  It serves the frame protocol
 * (vectra/proto/netif.h) to one client at a time, netd, over connections
 * devd makes (DEV_OPEN "netif").
 *
 * devd starts it with one function's capabilities, which lib/drv takes and
 * maps: cfg, bar0..5, msi, irqsig, iospace, ret, self; port (an attached
 * port) and a connection to the console.  Its two queues (0 receive, 1
 * transmit) and the virtio header of every buffer are Mems carved from
 * ret and mapped for the device at fixed IO addresses.  The frames are
 * the client's: its RX pool is mapped device-writable at IO_RXPOOL and
 * its TX pool device-readable at IO_TXPOOL, once per holder, and the
 * driver never maps either for itself.  Each buffer i is two descriptors:
 * header slot i of the driver's header page (12 bytes, VIRTIO_F_VERSION_1's
 * struct virtio_net_hdr) and the frame at NETIF_FRAME_OFF in the pool's
 * buffer i, so a header the client could rewrite is never read.
 *
 * Features (virtio 1.2, section 5.1): MAC, STATUS (link state), CSUM (the
 * device fills in checksums: NETIF_TX_CSUM) and GUEST_CSUM (received
 * frames say whether their checksum was checked) where offered; no GSO,
 * no merged buffers, one queue pair.  Everything works without any of
 * them: then the MAC is a locally administered one made from the
 * function's address, the link is always up, and the client sums.  One
 * MSI-X vector (0) serves both queues and configuration changes.
 *
 * Each pass of the loop puts every frame its clients have sent (NETIF_TX,
 * one; NETIF_TXV, up to NETIF_TX_BATCH) on the transmit queue and then
 * notifies the device once, so a batch of frames costs one notification,
 * and a NETIF_TXV one reply once the device has read all its frames.  The
 * device is asked to interrupt for a read frame only while a message with
 * a frame without NETIF_TX_LAZY is in flight: lazy ones are answered
 * whenever the driver wakes anyway (a received frame's interrupt, a
 * request).
 *
 * When the holder hangs up, the device is reset before its pools are let
 * go, so the device can reach nothing of them afterwards.  A device that
 * answers in a way the queues cannot trust (lib/dev/virtio.h, HOSTILE
 * DEVICES) stops the driver: devd resets the function and starts a new
 * life, and the client reconnects (lib/client/netif.h).
 */
#include <stddef.h>
#include <stdint.h>
#include "rt/vx.h"
#include "rt/svc.h"
#include "rt/errstr.h"
#include "client/console.h"
#include "dev/pci.h"
#include "dev/virtio.h"
#include "drv/drv.h"
#include "vectra/proto/devices.h"
#include "vectra/proto/netif.h"
#include "pure_netif.h"
#include "vx_string.h"

#define CFG_VA	   0x10000000ull
#define BAR_VA	   0x20000000ull /* BAR i at BAR_VA + i * BAR_SPAN */
#define BAR_SPAN   0x01000000ull
#define RXQ_VA	   0x30000000ull
#define TXQ_VA	   0x30100000ull
#define HDR_VA	   0x30200000ull
#define SRV_VA	   0x40000000ull /* the port, then one span per connection */
#define CON_VA	   0x48000000ull
#define IO_RXQ	   0x00200000ull /* IO addresses, each in its own 2 MiB leaf */
#define IO_TXQ	   0x00400000ull
#define IO_HDR	   0x00600000ull
#define IO_RXPOOL  0x02000000ull
#define IO_TXPOOL  0x04000000ull
#define SRV_BIT	   0u
#define IRQ_BIT	   1u /* devd mints irqsig for this bit */
#define CON_BIT	   2u
#define QMAX	   256u
#define HDR_SLOT   16u			     /* bytes per buffer in the header page */
#define TX_HDR_OFF (NETIF_RX_MAX * HDR_SLOT) /* TX headers after the RX ones */
#define MS	   1000000ull

/* virtio-net (virtio 1.2, section 5.1). */
#define F_CSUM	     0
#define F_GUEST_CSUM 1
#define F_MAC	     5
#define F_STATUS     16
#define C_MAC	     0u /* 6 bytes */
#define C_STATUS     6u /* le16 */
#define S_LINK_UP    1u
#define H_NEEDS_CSUM 1u
#define H_DATA_VALID 2u
#define Q_RX	     0u
#define Q_TX	     1u

struct net_hdr {
	uint8_t flags;
	uint8_t gso_type; /* 0: not a GSO frame */
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;
};
_Static_assert(sizeof(struct net_hdr) == 12, "virtio_net_hdr with VERSION_1");
_Static_assert(2 * NETIF_RX_MAX * HDR_SLOT <= VX_PAGE_SIZE, "one header page");

static struct {
	struct vx_drv d; /* the function's share, mapped (lib/drv) */
	struct vx_virtio dev;
	struct vx_virtq rxq, txq;
	struct vx_virtq_slot rxslot[QMAX], txslot[QMAX];
	uint64_t io_rxq, io_txq, io_hdr;
	volatile uint8_t *hdr;
	struct vx_client con;
	bool have_con, msix_done;
	/* the card */
	uint8_t mac[6];
	uint32_t features; /* NETIF_FEAT_* */
	bool link;
	/* the clients */
	struct vx_server srv;
	int conn_rc[VX_SVC_MAX_CONNS]; /* VX_OK, or what every request hears */
	uint32_t gen[VX_SVC_MAX_CONNS];
	/* the holder: the connection that sent NETIF_POOLS, and its pools */
	int owner; /* -1: nobody */
	uint32_t owner_gen;
	vx_handle_t rx_mem, tx_mem;
	struct nf_pools p;
	bool posted[NETIF_RX_MAX]; /* on the device's receive queue */
	bool unread[NETIF_RX_MAX]; /* in ready: received, not yet told */
	bool to_post;		   /* a buffer may be neither posted, unread nor the client's */
	struct netif_rx ready[NETIF_RX_MAX]; /* received, not yet told */
	uint32_t r_head, r_count;
	bool link_event; /* the link changed since the holder last heard */
	bool recv_waiting;
	uint32_t recv_seq;
	uint64_t recv_deadline;
	/* TX messages in flight, each known by its first frame's buffer f:
	 * tx_first[b] is the f of buffer b's message; tx_seq[f], tx_op[f],
	 * tx_n[f] (frames), tx_left[f] (not yet read) and tx_lazy[f]
	 * (every frame lazy) are the message's. */
	uint16_t tx_first[NETIF_TX_MAX];
	uint32_t tx_seq[NETIF_TX_MAX];
	uint8_t tx_op[NETIF_TX_MAX];
	uint8_t tx_n[NETIF_TX_MAX], tx_left[NETIF_TX_MAX];
	bool tx_lazy[NETIF_TX_MAX];
	bool tx_kick;	   /* frames queued since the device was last notified */
	uint32_t tx_eager; /* messages in flight that want the interrupt */
	uint64_t rx_frames, rx_dropped, tx_frames;
} S = {.owner = -1};

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (S.have_con)
		vx_con_vprintf(&S.con, (uint64_t)vx_clock() + 1000 * MS, fmt, ap);
	else
		vx_vprintf(fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------- the device */

static uint64_t cfg(uint32_t off, unsigned width)
{
	uint64_t v = 0;

	return vx_virtio_cfg_read(&S.dev, off, width, &v) == VX_OK ? v : 0;
}

/* The link as the device reports it (always up without STATUS). */
static bool link_now(void)
{
	return !vx_virtio_has(&S.dev, F_STATUS) || (cfg(C_STATUS, 2) & S_LINK_UP);
}

/* The MAC the device offers, or a locally administered one made from the
 * clock when it offers none (this life's: a new life may pick another). */
static void read_mac(void)
{
	if (vx_virtio_has(&S.dev, F_MAC)) {
		for (uint32_t i = 0; i < 6; i++)
			S.mac[i] = (uint8_t)cfg(C_MAC + i, 1);
		return;
	}
	uint64_t t = (uint64_t)vx_clock();
	const uint8_t local[6] = {
	    0x02, 'V', 'X', (uint8_t)(t >> 24), (uint8_t)(t >> 16), (uint8_t)(t >> 8)};
	memcpy(S.mac, local, 6);
}

/* The driver's memory for the device: both queues and the header page,
 * carved once for all its bring-ups. */
static int carve(void)
{
	uint64_t pages = (vx_virtq_bytes(QMAX) + VX_PAGE_SIZE - 1) / VX_PAGE_SIZE;
	uint32_t rw = VX_PROT_READ | VX_PROT_WRITE;
	int64_t r = vx_drv_dma(&S.d, pages, RXQ_VA, IO_RXQ, rw, NULL);
	int64_t t = r < 0 ? r : vx_drv_dma(&S.d, pages, TXQ_VA, IO_TXQ, rw, NULL);
	int64_t h = t < 0 ? t : vx_drv_dma(&S.d, 1, HDR_VA, IO_HDR, rw, NULL);

	if (h < 0)
		return (int)h;
	S.io_rxq = (uint64_t)r;
	S.io_txq = (uint64_t)t;
	S.io_hdr = (uint64_t)h;
	S.hdr = (volatile uint8_t *)HDR_VA;
	return VX_OK;
}

/* Queue q of the device, as large as it allows up to QMAX. */
static int setup_queue(uint16_t q, struct vx_virtq *vq, void *va, uint64_t io,
		       struct vx_virtq_slot *slot)
{
	uint16_t max = vx_virtio_queue_max(&S.dev, q);
	uint32_t n = max < QMAX ? max : QMAX;
	int rc;

	if (n < 4 || (n & (n - 1)))
		return VX_E_CORRUPT;
	if ((rc = vx_virtq_init(vq, n, va, io, slot,
				vx_virtio_has(&S.dev, VX_VIRTIO_F_EVENT_IDX))) != VX_OK)
		return rc;
	return vx_virtio_queue_setup(&S.dev, q, vq, 0);
}

/* Reset and bring-up, to DRIVER_OK with both queues empty. */
static int bring_up(void)
{
	uint64_t want = 1ull << F_CSUM | 1ull << F_GUEST_CSUM | 1ull << F_MAC | 1ull << F_STATUS;
	int rc;

	if ((rc = vx_virtio_begin(&S.dev)) != VX_OK ||
	    (rc = vx_virtio_negotiate(&S.dev, want)) != VX_OK)
		return rc;
	if (!S.msix_done && (rc = vx_drv_msix(&S.d)) != VX_OK)
		return rc;
	S.msix_done = true;
	if ((rc = setup_queue(Q_RX, &S.rxq, (void *)RXQ_VA, S.io_rxq, S.rxslot)) != VX_OK ||
	    (rc = setup_queue(Q_TX, &S.txq, (void *)TXQ_VA, S.io_txq, S.txslot)) != VX_OK ||
	    (rc = vx_virtio_config_vector(&S.dev, 0)) != VX_OK)
		return rc;
	S.features = (vx_virtio_has(&S.dev, F_CSUM) ? NETIF_FEAT_TX_CSUM : 0) |
		     (vx_virtio_has(&S.dev, F_GUEST_CSUM) ? NETIF_FEAT_RX_CSUM : 0) |
		     (vx_virtio_has(&S.dev, F_STATUS) ? NETIF_FEAT_LINK : 0);
	read_mac();
	S.link = link_now();
	vx_virtio_ready(&S.dev);
	return VX_OK;
}

static int setup_device(void)
{
	int rc;

	if ((rc = vx_virtio_probe(&S.dev, S.d.cfg, S.d.map)) != VX_OK)
		return rc;
	vx_pci_command(S.d.cfg, VX_PCI_CMD_MEM | VX_PCI_CMD_MASTER | VX_PCI_CMD_INTX_OFF, 0);
	if ((rc = carve()) != VX_OK)
		return rc;
	return bring_up();
}

/* Puts RX buffer b on the receive queue: its header slot, then its frame
 * space in the holder's pool. */
static int post(uint32_t b)
{
	struct vx_virtq_seg seg[2] = {
	    {S.io_hdr + b * HDR_SLOT, sizeof(struct net_hdr), 1},
	    {IO_RXPOOL + (uint64_t)b * NETIF_BUF_SIZE + NETIF_FRAME_OFF,
	     NETIF_BUF_SIZE - NETIF_FRAME_OFF, 1},
	};
	int rc = vx_virtq_add(&S.rxq, seg, 2, b);

	if (rc >= 0)
		S.posted[b] = true;
	return rc < 0 ? rc : VX_OK;
}

/* Every RX buffer that is the driver's and not on the device goes there,
 * while the queue has room.  One that holds a frame not yet told to the
 * holder is not the driver's to post: the device would write over the
 * frame and hand the buffer back a second time.  Only when to_post says
 * a buffer may have come back (a runt, a new holder, a queue that was
 * full): a pass visits every buffer, and the driver makes several per
 * frame.  Buffers the holder gives back are posted by post_back. */
static void post_all(void)
{
	if (!S.to_post)
		return;
	S.to_post = false;
	for (uint32_t b = 0; b < S.p.rx_count; b++)
		if (!S.p.client_has[b] && !S.posted[b] && !S.unread[b] && post(b) != VX_OK) {
			S.to_post = true; /* the queue is full: the rest next time */
			break;
		}
	vx_virtq_kick(&S.rxq);
}

/* The holder gave back the buffers of r: each goes on the device at once,
 * as post_all would post it, without a pass over all of them. */
static void post_back(const struct netif_return *r)
{
	for (uint32_t i = 0; i < r->count; i++)
		S.p.client_has[r->buf[i]] = false;
	for (uint32_t i = 0; i < r->count; i++) {
		uint32_t b = r->buf[i];
		if (!S.posted[b] && !S.unread[b] && post(b) != VX_OK) {
			S.to_post = true; /* the queue is full: post_all, later */
			break;
		}
	}
	vx_virtq_kick(&S.rxq);
}

static _Noreturn void give_up(int why)
{
	say("virtio-net: the device broke (%s); stopping\n", vx_strerror(why));
	vx_virtio_fail(&S.dev);
	vx_server_wait(&S.srv, 0, VX_DEADLINE_NONE); /* wake the clients owed a reply */
	vx_task_exit(20);
}

/* ------------------------------------------------------------ the holder */

static struct vx_server_conn *holder(void)
{
	if (S.owner < 0)
		return NULL;
	struct vx_server_conn *c = &S.srv.conn[S.owner];
	return c->open && S.gen[S.owner] == S.owner_gen ? c : NULL;
}

/* The holder is gone: the device is reset, so it can reach nothing of the
 * pools, before they are let go; then it comes up again for the next. */
static void release(void)
{
	int rc;

	vx_virtio_reset(&S.dev);
	vx_cap_delete(S.rx_mem);
	vx_cap_delete(S.tx_mem);
	S.rx_mem = S.tx_mem = 0;
	S.owner = -1;
	memset(&S.p, 0, sizeof(S.p));
	memset(S.posted, 0, sizeof(S.posted));
	memset(S.unread, 0, sizeof(S.unread));
	memset(S.tx_lazy, 0, sizeof(S.tx_lazy));
	S.tx_eager = 0;
	S.tx_kick = false;
	S.r_head = S.r_count = 0;
	S.recv_waiting = S.link_event = false;
	if ((rc = bring_up()) != VX_OK)
		give_up(rc);
	say("virtio-net: the client let go; the card is free\n");
}

/* Fills a NETIF_RECV reply from the frames waiting; each frame told is the
 * client's from now on. */
static void frames_reply(struct vx_msg *m)
{
	struct netif_frames f;

	memset(&f, 0, sizeof(f));
	while (f.count < NETIF_RX_BATCH && S.r_count > 0) {
		struct netif_rx *rx = &S.ready[S.r_head];
		S.p.client_has[rx->buf] = true;
		S.unread[rx->buf] = false;
		f.rx[f.count++] = *rx;
		S.r_head = (S.r_head + 1) % NETIF_RX_MAX;
		S.r_count--;
	}
	f.link = S.link;
	f.events = S.link_event ? NETIF_EV_LINK : 0;
	S.link_event = false;
	m->status = VX_OK;
	m->ncaps = 0;
	memcpy(m->data, &f, sizeof(f));
	m->len = sizeof(f);
}

/* Answers the waiting NETIF_RECV if there is news, or at its deadline. */
static void recv_wake(uint64_t now)
{
	struct vx_server_conn *c = holder();

	if (!S.recv_waiting || !c || (S.r_count == 0 && !S.link_event && now < S.recv_deadline))
		return;
	struct vx_msg m = {.op = NETIF_RECV, .seq = S.recv_seq};
	frames_reply(&m);
	S.recv_waiting = false;
	vx_server_reply(&S.srv, c, &m);
}

/* Takes every received frame into the waiting list. */
static int rx_complete(void)
{
	uint64_t b;
	uint32_t len;

	for (;;) {
		int rc = vx_virtq_get(&S.rxq, &b, &len);
		if (rc == VX_E_EMPTY) {
			if ((rc = vx_virtq_irq_enable(&S.rxq)) == 1)
				continue;
			return rc < 0 ? rc : VX_OK;
		}
		if (rc != VX_OK)
			return rc;
		if (b >= S.p.rx_count || !S.posted[b])
			return VX_E_CORRUPT;
		S.posted[b] = false;
		struct net_hdr h;
		memcpy(&h, (const void *)(S.hdr + b * HDR_SLOT), sizeof(h));
		if (len < sizeof(h) + NETIF_FRAME_MIN) {
			S.rx_dropped++; /* a runt: back to the device */
			S.to_post = true;
			continue;
		}
		struct netif_rx rx = {.buf = (uint16_t)b, .len = (uint16_t)(len - sizeof(h))};
		if (S.features & NETIF_FEAT_RX_CSUM) {
			if (h.flags & H_DATA_VALID)
				rx.flags |= NETIF_RX_CSUM_VALID;
			if ((h.flags & H_NEEDS_CSUM) &&
			    (uint32_t)h.csum_start + h.csum_offset + 2u <= rx.len) {
				rx.flags |= NETIF_RX_CSUM_PARTIAL;
				rx.csum_start = h.csum_start;
				rx.csum_offset = h.csum_offset;
			}
		}
		S.ready[(S.r_head + S.r_count++) % NETIF_RX_MAX] = rx;
		S.unread[b] = true;
		S.rx_frames++;
	}
}

/* Takes each frame the device has read, and answers each message whose
 * frames it has all read.  The device is asked for an interrupt only
 * while a message with a frame without NETIF_TX_LAZY is in flight; the
 * lazy ones are answered here whenever the driver wakes. */
static int tx_complete(void)
{
	struct vx_server_conn *c = holder();
	uint64_t b;
	uint32_t len;

	for (;;) {
		int rc = vx_virtq_get(&S.txq, &b, &len);
		if (rc == VX_E_EMPTY) {
			if (S.tx_eager == 0) {
				vx_virtq_irq_disable(&S.txq);
				return VX_OK;
			}
			if ((rc = vx_virtq_irq_enable(&S.txq)) == 1)
				continue;
			return rc < 0 ? rc : VX_OK;
		}
		if (rc != VX_OK)
			return rc;
		if (b >= S.p.tx_count || !S.p.tx_inflight[b])
			return VX_E_CORRUPT;
		S.p.tx_inflight[b] = false;
		S.tx_frames++;
		uint16_t f = S.tx_first[b];
		if (--S.tx_left[f] > 0)
			continue;
		if (!S.tx_lazy[f])
			S.tx_eager--;
		struct netif_txdone d = {.buf = f, .count = S.tx_n[f], .status = VX_OK};
		struct vx_msg m = {.op = S.tx_op[f], .seq = S.tx_seq[f], .len = sizeof(d)};
		memcpy(m.data, &d, sizeof(d));
		if (c)
			vx_server_reply(&S.srv, c, &m);
	}
}

static void check_link(void)
{
	bool up = link_now();

	if (up == S.link)
		return;
	S.link = up;
	S.link_event = true;
	say("virtio-net: link %s\n", up ? "up" : "down");
}

/* ------------------------------------------------------------ the clients */

/* An attach record from devd: netif connections carry part = flags = 0. */
static int attach(struct vx_server *s, struct vx_server_conn *c, const struct vx_msg *rec,
		  void *ctx)
{
	uint32_t pf[2];

	(void)s, (void)ctx;
	if (rec->op != DEV_ATTACH || rec->len != sizeof(pf))
		return VX_E_INVAL;
	memcpy(pf, rec->data, sizeof(pf));
	S.gen[c->id]++;
	S.conn_rc[c->id] = pf[0] == 0 && pf[1] == 0 ? VX_OK : VX_E_INVAL;
	return VX_OK;
}

/* Receives the capabilities a request says it brings: the first two are
 * inspected into ci[] (h[i] 0 when absent or not a capability), the rest
 * deleted. */
static void take_caps(struct vx_server_conn *c, uint32_t n, vx_handle_t h[2],
		      struct vx_cap_info ci[2], bool got[2])
{
	for (uint32_t i = 0; i < 2; i++)
		h[i] = 0, got[i] = false;
	for (uint32_t i = 0; i < n && i < VX_RING_XFER_MAX; i++) {
		int64_t r = vx_ring_recv_cap(c->req_h);
		if (r < 0)
			continue;
		if (i < 2 && vx_cap_inspect((vx_handle_t)r, &ci[i]) == VX_OK) {
			h[i] = (vx_handle_t)r;
			got[i] = true;
		} else {
			vx_cap_delete((vx_handle_t)r);
		}
	}
}

static void do_info(struct vx_msg *m)
{
	struct netif_info in = {.mtu = 1500,
				.features = S.features,
				.link = S.link,
				.rx_max = NETIF_RX_MAX,
				.tx_max = NETIF_TX_MAX,
				.buf_size = NETIF_BUF_SIZE,
				.frame_max = NETIF_FRAME_MAX};

	if (m->len != 0 || m->ncaps != 0) {
		m->status = VX_E_INVAL;
		return;
	}
	memcpy(in.mac, S.mac, 6);
	memcpy(m->data, &in, sizeof(in));
	m->len = sizeof(in);
}

/* NETIF_POOLS: decoded whole, then the pools are mapped for the device and
 * every RX buffer the client does not hold is posted. */
static void do_pools(struct vx_server_conn *c, struct vx_msg *m, vx_handle_t h[2],
		     const struct vx_cap_info ci[2], const bool got[2])
{
	struct netif_pools p;
	int rc = nf_decode_pools(m->data, m->len, m->ncaps, got[0] ? &ci[0] : NULL,
				 got[1] ? &ci[1] : NULL, &p);

	if (rc == VX_OK && holder())
		rc = holder() == c ? VX_E_EXISTS : VX_E_BUSY;
	int64_t io = rc != VX_OK ? rc : vx_iospace_map(S.d.iospace, h[0], IO_RXPOOL, VX_PROT_WRITE);
	if (io >= 0)
		io = vx_iospace_map(S.d.iospace, h[1], IO_TXPOOL, VX_PROT_READ);
	if (io < 0) {
		m->status = (int)io;
		return; /* the caller deletes h[], taking any mapping with them */
	}
	S.owner = (int)c->id;
	S.owner_gen = S.gen[c->id];
	S.rx_mem = h[0];
	S.tx_mem = h[1];
	h[0] = h[1] = 0;
	S.p.rx_count = p.rx_count;
	S.p.tx_count = p.tx_count;
	S.p.features = S.features;
	for (uint32_t i = 0; i < p.rx_count; i++)
		S.p.client_has[i] = (p.held[i / 8] >> (i % 8)) & 1;
	S.link_event = false;
	S.to_post = true;
	post_all();
	say("virtio-net: a client holds the card: %u RX and %u TX buffers\n", p.rx_count,
	    p.tx_count);
}

/* The pools a connection's requests are checked against: the holder's,
 * or none (every RECV, RETURN and TX is then VX_E_STATE). */
static const struct nf_pools *pools_of(struct vx_server_conn *c)
{
	static struct nf_pools none;

	none.features = S.features;
	return holder() == c ? &S.p : &none;
}

static enum vx_svc_disp do_recv(struct vx_server_conn *c, struct vx_msg *m)
{
	uint32_t wait_ms;
	struct netif_return back;
	int rc = nf_decode_recv(pools_of(c), m->data, m->len, m->ncaps, &wait_ms, &back);

	if (rc == VX_OK && pools_of(c)->rx_count == 0)
		rc = VX_E_STATE;
	if (rc == VX_OK && S.recv_waiting)
		rc = VX_E_BUSY;
	if (rc != VX_OK) {
		m->status = rc;
		return VX_SVC_REPLY;
	}
	if (back.count > 0) { /* the buffers it gives back, as NETIF_RETURN */
		post_back(&back);
	}
	if (S.r_count > 0 || S.link_event || wait_ms == 0) {
		frames_reply(m);
		return VX_SVC_REPLY;
	}
	S.recv_waiting = true;
	S.recv_seq = m->seq;
	S.recv_deadline = (uint64_t)vx_clock() + wait_ms * MS;
	return VX_SVC_DEFER;
}

static void do_return(struct vx_server_conn *c, struct vx_msg *m)
{
	struct netif_return r;
	int rc = nf_decode_return(pools_of(c), m->data, m->len, m->ncaps, &r);

	if (rc != VX_OK) {
		m->status = rc;
		return;
	}
	post_back(&r);
}

/* A NETIF_TX or NETIF_TXV refused: struct netif_txdone with the buffer it
 * named first (when the message was long enough to name one). */
static enum vx_svc_disp tx_refuse(struct vx_msg *m, int rc)
{
	struct netif_txdone d = {.status = rc};
	uint32_t at = m->op == NETIF_TXV ? 4 : 0;

	if (m->len >= at + sizeof(d.buf))
		memcpy(&d.buf, m->data + at, sizeof(d.buf));
	m->status = rc;
	memcpy(m->data, &d, sizeof(d));
	m->len = sizeof(d);
	return VX_SVC_REPLY;
}

/* Puts one decoded frame on the transmit queue, as part of the message
 * whose first frame is in buffer f; the caller made sure the queue has
 * room, so only a broken queue fails here. */
static int tx_queue(const struct netif_tx *t, uint16_t f)
{
	volatile struct net_hdr *h =
	    (volatile struct net_hdr *)(S.hdr + TX_HDR_OFF + t->buf * HDR_SLOT);
	h->flags = (t->flags & NETIF_TX_CSUM) ? H_NEEDS_CSUM : 0;
	h->gso_type = 0;
	h->hdr_len = h->gso_size = h->num_buffers = 0;
	h->csum_start = t->csum_start;
	h->csum_offset = t->csum_offset;
	struct vx_virtq_seg seg[2] = {
	    {S.io_hdr + TX_HDR_OFF + t->buf * HDR_SLOT, sizeof(struct net_hdr), 0},
	    {IO_TXPOOL + (uint64_t)t->buf * NETIF_BUF_SIZE + NETIF_FRAME_OFF, t->len, 0},
	};
	int rc = vx_virtq_add(&S.txq, seg, 2, t->buf);
	if (rc < 0)
		return rc;
	S.p.tx_inflight[t->buf] = true;
	S.tx_first[t->buf] = f;
	return VX_OK;
}

/* Both ops, one path: n decoded frames (a NETIF_TX is a batch of one),
 * all on the queue or, when it has no room for all, none (VX_E_AGAIN). */
static enum vx_svc_disp tx_take(struct vx_msg *m, const struct netif_tx *t, uint32_t n)
{
	uint16_t f = t[0].buf;
	bool lazy = true;
	int rc;

	if (S.txq.broken)
		return tx_refuse(m, VX_E_STATE);
	if (S.txq.num_free < 2 * n)
		return tx_refuse(m, VX_E_AGAIN);
	for (uint32_t i = 0; i < n; i++) {
		if ((rc = tx_queue(&t[i], f)) != VX_OK)
			give_up(rc); /* room was there: the queue broke under us */
		lazy = lazy && (t[i].flags & NETIF_TX_LAZY);
	}
	S.tx_kick = true; /* the device hears once the whole pass is queued */
	S.tx_seq[f] = m->seq;
	S.tx_op[f] = (uint8_t)m->op;
	S.tx_n[f] = S.tx_left[f] = (uint8_t)n;
	S.tx_lazy[f] = lazy;
	if (!lazy)
		S.tx_eager++;
	return VX_SVC_DEFER;
}

static enum vx_svc_disp do_tx(struct vx_server_conn *c, struct vx_msg *m)
{
	struct netif_tx t;
	int rc = nf_decode_tx(pools_of(c), m->data, m->len, m->ncaps, &t);

	return rc != VX_OK ? tx_refuse(m, rc) : tx_take(m, &t, 1);
}

static enum vx_svc_disp do_txv(struct vx_server_conn *c, struct vx_msg *m)
{
	struct netif_txv v;
	int rc = nf_decode_txv(pools_of(c), m->data, m->len, m->ncaps, &v);

	return rc != VX_OK ? tx_refuse(m, rc) : tx_take(m, v.tx, v.count);
}

static enum vx_svc_disp serve(struct vx_server *s, struct vx_server_conn *c, struct vx_msg *m,
			      void *ctx)
{
	vx_handle_t h[2];
	struct vx_cap_info ci[2];
	bool got[2];
	enum vx_svc_disp disp = VX_SVC_REPLY;

	(void)s, (void)ctx;
	take_caps(c, m->ncaps, h, ci, got);
	bool tx = m->op == NETIF_TX || m->op == NETIF_TXV;

	if (S.conn_rc[c->id] != VX_OK && tx)
		disp = tx_refuse(m, S.conn_rc[c->id]);
	else if (S.conn_rc[c->id] != VX_OK)
		m->status = S.conn_rc[c->id];
	else if (m->op == NETIF_INFO)
		do_info(m);
	else if (m->op == NETIF_POOLS)
		do_pools(c, m, h, ci, got);
	else if (m->op == NETIF_RECV)
		disp = do_recv(c, m);
	else if (m->op == NETIF_RETURN)
		do_return(c, m);
	else if (m->op == NETIF_TX)
		disp = do_tx(c, m);
	else if (m->op == NETIF_TXV)
		disp = do_txv(c, m);
	else
		m->status = VX_E_NOSYS;
	for (uint32_t i = 0; i < 2; i++)
		if (h[i])
			vx_cap_delete(h[i]);
	if (disp == VX_SVC_REPLY && m->status != VX_OK && !tx)
		m->len = 0;
	m->ncaps = 0;
	return disp;
}

static void describe(void)
{
	const uint8_t *a = S.mac;

	say("virtio-net: MAC %02x:%02x:%02x:%02x:%02x:%02x, link %s, offloads:%s%s%s\n", a[0], a[1],
	    a[2], a[3], a[4], a[5], S.link ? "up" : "down",
	    (S.features & NETIF_FEAT_TX_CSUM) ? " tx-csum" : "",
	    (S.features & NETIF_FEAT_RX_CSUM) ? " rx-csum" : "",
	    (S.features & (NETIF_FEAT_TX_CSUM | NETIF_FEAT_RX_CSUM)) ? "" : " none");
}

int main(const struct vx_bundle_page *b, const char *args)
{
	const char *missing;
	int64_t h;
	int rc;

	(void)args;
	S.have_con = vx_client_open(&S.con, b, "console", CON_VA, CON_BIT) == VX_OK;
	if ((rc = vx_drv_open(&S.d, b, CFG_VA, BAR_VA, BAR_SPAN, &missing)) != VX_OK) {
		say("virtio-net: cannot take my share (%s%s%s)\n", vx_strerror(rc),
		    missing[0] ? ": no " : "", missing);
		return 2;
	}
	if ((h = vx_bundle_handle(b, "port", VX_OBJ_RING)) < 0) {
		say("virtio-net: no 'port' in my Bundle\n");
		return 8;
	}
	if ((rc = setup_device()) != VX_OK) {
		say("virtio-net: the device would not start: %s\n", vx_strerror(rc));
		vx_virtio_fail(&S.dev);
		return 10;
	}
	describe();
	if (vx_server_init_attach(&S.srv, (vx_handle_t)h, SRV_VA, SRV_BIT, attach, NULL) != VX_OK)
		return 11;
	for (;;) {
		vx_server_poll(&S.srv, serve, NULL);
		if (S.tx_kick) {
			vx_virtq_kick(&S.txq); /* one notification for every NETIF_TX taken */
			S.tx_kick = false;
		}
		if (S.owner >= 0 && !holder())
			release();
		if (S.owner >= 0) {
			if ((rc = rx_complete()) != VX_OK || (rc = tx_complete()) != VX_OK)
				give_up(rc);
			post_all();
		}
		check_link();
		recv_wake((uint64_t)vx_clock());
		uint64_t deadline = S.recv_waiting ? S.recv_deadline : VX_DEADLINE_NEVER;
		uint64_t fired = vx_server_wait(&S.srv, 1ull << IRQ_BIT, deadline);
		if (fired & (1ull << IRQ_BIT))
			vx_irq_ack(S.d.msi, S.d.line);
	}
}
