/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nettest: the network driver (services/virtio-net) and its frame
 * protocol (vectra/proto/netif.h), used and misused, for
 * tests/qemu/net_test.py.  Started at boot from the net image's manifest
 * (tests/qemu/etc/net) with a devices connection, its own Task and a
 * Reticle for its pools.  Every result is one line "hostile: net ...".
 *
 *   1. opens the first card through devd and says its MAC, link and
 *      offloads;
 *   2. sends a hand-built ARP request for 10.0.2.2 (QEMU's user-mode
 *      network: the gateway) and waits for the reply;
 *   3. sends a DHCP DISCOVER broadcast, its UDP checksum left to the
 *      device when it offers that, summed here otherwise (slirp drops a
 *      datagram whose checksum is wrong), and waits for the OFFER of
 *      10.0.2.15;
 *   4. misuses the protocol, one named case a line, each with the error
 *      netif.h names; the driver must answer each and keep serving;
 *   5. makes the driver crash (DEV_CRASH) and sends ARP again: the client
 *      library reconnects to the driver's next life;
 *   6. waits for the link to change (the scenario sets it down from QEMU's
 *      monitor): a waiting NETIF_RECV ends with NETIF_EV_LINK.
 *
 * Only as much of ARP, IPv4, UDP and DHCP as these frames need is here;
 * the network stack is lib/net's.
 */
#include "rt/vx.h"
#include "rt/svc.h"
#include "rt/errstr.h"
#include "client/devices.h"
#include "client/netif.h"
#include "net/cksum.h"
#include "hostile.h"
#include "vectra/proto/devices.h"
#include "vectra/proto/netif.h"
#include "vx_string.h"

#define VA_DEVD	  0x10400000ull
#define VA_NET	  0x10500000ull
#define VA_NET2	  0x10600000ull
#define VA_RX	  0x11000000ull
#define VA_TX	  0x11100000ull
#define BIT_NET	  2u
#define NRX	  32u
#define NTX	  16u
#define SECOND	  1000000000ull
#define ETH_ARP	  0x0806u
#define ETH_IP	  0x0800u
#define DHCP_XID  0x56584e54u /* "VXNT" */
#define FRAME_ARP 60u	      /* the Ethernet minimum, without the FCS */

static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t my_ip[4] = {10, 0, 2, 15}, gw_ip[4] = {10, 0, 2, 2};

static struct {
	struct vx_client devd;
	struct vx_netif n;
	uint8_t *rx, *tx; /* the pools, mapped */
	vx_handle_t rx_mem, tx_mem;
	uint32_t seen_flags; /* NETIF_RX_* of every frame received */
	uint16_t kept;	     /* an RX buffer held back for the double return */
	bool have_kept;
} T;

static uint64_t later(uint64_t ns)
{
	return (uint64_t)vx_clock() + ns;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint8_t *tx_frame(uint32_t buf)
{
	return T.tx + buf * NETIF_BUF_SIZE + NETIF_FRAME_OFF;
}

static void eth(uint8_t *f, const uint8_t dst[6], uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, T.n.info.mac, 6);
	put16(f + 12, type);
}

/* An ARP request for 10.0.2.2 in TX buffer buf; its length. */
static uint16_t build_arp(uint32_t buf)
{
	uint8_t *f = tx_frame(buf), *a = f + 14;

	memset(f, 0, FRAME_ARP);
	eth(f, bcast, ETH_ARP);
	put16(a, 1); /* Ethernet */
	put16(a + 2, ETH_IP);
	a[4] = 6, a[5] = 4;
	put16(a + 6, 1); /* request */
	memcpy(a + 8, T.n.info.mac, 6);
	memcpy(a + 14, my_ip, 4);
	memcpy(a + 24, gw_ip, 4);
	return FRAME_ARP;
}

/* A DHCP DISCOVER broadcast in TX buffer buf; fills *t (the UDP checksum
 * to the device when csum, else summed here). */
static void build_dhcp(uint32_t buf, bool csum, struct netif_tx *t)
{
	uint8_t *f = tx_frame(buf), *ip = f + 14, *udp = ip + 20, *b = udp + 8;
	const uint8_t any[4] = {0, 0, 0, 0}, all[4] = {255, 255, 255, 255};
	uint16_t blen = 240 + 4, ulen = 8 + blen, iplen = 20 + ulen;

	memset(f, 0, 14u + iplen);
	eth(f, bcast, ETH_IP);
	ip[0] = 0x45;
	put16(ip + 2, iplen);
	ip[8] = 64;
	ip[9] = 17; /* UDP */
	memcpy(ip + 12, any, 4);
	memcpy(ip + 16, all, 4);
	put16(ip + 10, vx_cksum(ip, 20));
	put16(udp, 68);
	put16(udp + 2, 67);
	put16(udp + 4, ulen);
	b[0] = 1, b[1] = 1, b[2] = 6; /* BOOTREQUEST, Ethernet, 6-byte address */
	b[4] = DHCP_XID >> 24, b[5] = DHCP_XID >> 16 & 0xff, b[6] = DHCP_XID >> 8 & 0xff;
	b[7] = DHCP_XID & 0xff;
	put16(b + 10, 0x8000); /* answer by broadcast: no address yet */
	memcpy(b + 28, T.n.info.mac, 6);
	const uint8_t opts[] = {99, 130, 83, 99, 53, 1, 1, 255}; /* cookie, DISCOVER, end */
	memcpy(b + 236, opts, sizeof(opts));
	uint32_t pseudo = vx_cksum_pseudo4(any, all, 17, ulen);
	memset(t, 0, sizeof(*t));
	t->buf = (uint16_t)buf;
	t->len = (uint16_t)(14u + iplen);
	if (csum) {
		/* the device sums from csum_start to the end, the field included */
		put16(udp + 6, (uint16_t)~vx_cksum_fold(pseudo));
		t->flags = NETIF_TX_CSUM;
		t->csum_start = 14 + 20;
		t->csum_offset = 6;
	} else {
		uint16_t c = vx_cksum_fold(vx_cksum_add(pseudo, udp, ulen));
		put16(udp + 6, c ? c : 0xffff);
	}
}

/* What a frame is, for the waits below. */
enum seen { OTHER, ARP_REPLY, DHCP_OFFER };

static enum seen classify(const uint8_t *f, uint32_t len, char *what, size_t cap)
{
	if (len >= 42 && get16(f + 12) == ETH_ARP && get16(f + 20) == 2 &&
	    memcmp(f + 28, gw_ip, 4) == 0) {
		const uint8_t *m = f + 22;
		vx_snprintf(what, cap, "10.0.2.2 is at %02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1],
			    m[2], m[3], m[4], m[5]);
		return ARP_REPLY;
	}
	if (len < 14 + 20 + 8 + 240 || get16(f + 12) != ETH_IP || f[14 + 9] != 17)
		return OTHER;
	const uint8_t *udp = f + 14 + (f[14] & 0xf) * 4, *b = udp + 8;
	if (udp + 8 + 240 > f + len || get16(udp) != 67 || get16(udp + 2) != 68 || b[0] != 2)
		return OTHER;
	uint32_t xid = (uint32_t)b[4] << 24 | (uint32_t)b[5] << 16 | (uint32_t)b[6] << 8 | b[7];
	if (xid != DHCP_XID)
		return OTHER;
	vx_snprintf(what, cap, "%u.%u.%u.%u", b[16], b[17], b[18], b[19]);
	return DHCP_OFFER;
}

/* Receives until a frame of kind `want` arrives (true, *what says it) or
 * the deadline; gives every buffer back, but keeps one the first time
 * keep is set (for the double return). */
static bool wait_for(enum seen want, char *what, size_t cap, bool keep, uint64_t deadline)
{
	struct netif_frames fr;
	bool found = false;

	while (!found && (uint64_t)vx_clock() < deadline) {
		int rc = vx_netif_recv(&T.n, &fr, 200, later(2 * SECOND));
		if (rc != VX_OK) {
			say("hostile: net receive: %s\n", vx_errname(rc));
			return false;
		}
		uint16_t back[NETIF_RX_BATCH];
		uint32_t nback = 0;
		for (uint32_t i = 0; i < fr.count; i++) {
			const struct netif_rx *rx = &fr.rx[i];
			const uint8_t *f = T.rx + rx->buf * NETIF_BUF_SIZE + NETIF_FRAME_OFF;
			T.seen_flags |= rx->flags;
			if (!found && classify(f, rx->len, what, cap) == want)
				found = true;
			if (keep && !T.have_kept) {
				T.kept = rx->buf;
				T.have_kept = true;
				continue;
			}
			back[nback++] = rx->buf;
		}
		if (nback && (rc = vx_netif_return(&T.n, back, nback, later(2 * SECOND))) != VX_OK)
			say("hostile: net return: %s\n", vx_errname(rc));
	}
	return found;
}

/* ARP for the gateway through TX buffer buf; the answer's line.  The
 * send may wait for a driver devd is restarting: under TCG on a loaded
 * host that takes seconds. */
static void arp(const char *when, uint32_t buf, bool keep)
{
	struct netif_tx t = {.buf = (uint16_t)buf};
	char what[64] = "";

	t.len = build_arp(buf);
	int rc = vx_netif_tx(&T.n, &t, later(30 * SECOND));
	if (rc == VX_OK && wait_for(ARP_REPLY, what, sizeof(what), keep, later(5 * SECOND)))
		say("hostile: net %s: ARP reply: %s\n", when, what);
	else
		say("hostile: net %s: no ARP reply (%s)\n", when, vx_errname(rc));
}

static void dhcp(void)
{
	bool csum = T.n.info.features & NETIF_FEAT_TX_CSUM;
	struct netif_tx t;
	char what[32] = "";

	build_dhcp(1, csum, &t);
	int rc = vx_netif_tx(&T.n, &t, later(5 * SECOND));
	if (rc == VX_OK && wait_for(DHCP_OFFER, what, sizeof(what), false, later(5 * SECOND)))
		say("hostile: net DHCP OFFER: %s (UDP checksum by the %s)\n", what,
		    csum ? "device" : "client");
	else
		say("hostile: net no DHCP OFFER (%s)\n", vx_errname(rc));
	say("hostile: net receive checksum flags seen:%s%s%s\n",
	    (T.seen_flags & NETIF_RX_CSUM_VALID) ? " valid" : "",
	    (T.seen_flags & NETIF_RX_CSUM_PARTIAL) ? " partial" : "", T.seen_flags ? "" : " none");
}

/* ---------------------------------------------------------- the misuse */

/* One raw request on connection c: the reply's status. */
static int raw(struct vx_client *c, uint32_t op, const void *data, uint16_t len, uint16_t ncaps)
{
	struct vx_msg m = {.op = op, .len = len, .ncaps = ncaps};

	if (len)
		memcpy(m.data, data, len);
	return vx_client_call(c, &m, later(5 * SECOND));
}

static void tx_case(const char *what, struct netif_tx t)
{
	say("hostile: net %s: %s\n", what, vx_errname(raw(&T.n.c, NETIF_TX, &t, sizeof(t), 0)));
}

/* One NETIF_TXV of the first n entries of *v: the reply's status, and
 * its struct netif_txdone in *d. */
static int txv_raw(struct netif_txv *v, uint32_t n, struct netif_txdone *d)
{
	struct vx_msg m = {.op = NETIF_TXV, .len = (uint16_t)(4 + 12 * n)};

	memcpy(m.data, v, m.len);
	int rc = vx_client_call(&T.n.c, &m, later(5 * SECOND));
	if (d && m.len == sizeof(*d))
		memcpy(d, m.data, sizeof(*d));
	return rc;
}

/* A batch of n (at most 3) ARP requests, in TX buffers 4, 5 and 6. */
static struct netif_txv txv_of(uint32_t n)
{
	struct netif_txv v = {.count = (uint16_t)n};

	for (uint32_t i = 0; i < n && i < 3; i++)
		v.tx[i] = (struct netif_tx){.buf = (uint16_t)(4 + i), .len = build_arp(4 + i)};
	return v;
}

/* Batches: a good one answered once for all its frames, then each hostile
 * shape refused whole. */
static void txv_cases(void)
{
	struct netif_txdone d = {0};
	struct netif_txv v = txv_of(3);
	int rc = txv_raw(&v, 3, &d);

	say("hostile: net TXV of three frames: %s (one answer, count %u, buffer %u)\n",
	    vx_errname(rc), d.count, d.buf);
	v = txv_of(0);
	say("hostile: net TXV of no frames: %s\n", vx_errname(txv_raw(&v, 0, NULL)));
	v = txv_of(0); /* the count is refused before any entry is read */
	v.count = NETIF_TX_BATCH + 1;
	say("hostile: net TXV of one frame too many: %s\n",
	    vx_errname(txv_raw(&v, NETIF_TX_BATCH, NULL)));
	v = txv_of(3);
	v.tx[1].buf = 999;
	say("hostile: net TXV with a bad index in the middle: %s\n",
	    vx_errname(txv_raw(&v, 3, NULL)));
	v = txv_of(3);
	v.tx[2].buf = v.tx[0].buf;
	say("hostile: net TXV naming a buffer twice: %s\n", vx_errname(txv_raw(&v, 3, NULL)));
	v = txv_of(3);
	say("hostile: net TXV one entry short of its count: %s\n",
	    vx_errname(txv_raw(&v, 2, NULL)));
}

/* Two TXs on one buffer, both sent before either is answered: the second
 * finds the first in flight. */
static void tx_twice(void)
{
	struct netif_tx t = {.buf = 2};
	struct vx_msg m = {.op = NETIF_TX, .len = sizeof(t)};
	int st[2] = {1, 1};

	t.len = build_arp(2);
	memcpy(m.data, &t, sizeof(t));
	for (uint32_t i = 0; i < 2; i++) {
		m.seq = 0x70000000u + i;
		vx_ring_try_send(&T.n.c.req, &m, sizeof(m));
	}
	vx_ring_kick(&T.n.c.req);
	for (uint32_t got = 0; got < 2;) {
		struct vx_msg r;
		size_t len;
		if (vx_ring_recv_wait(&T.n.c.rep, &r, sizeof(r), &len, later(5 * SECOND)) != VX_OK)
			break;
		if (r.seq - 0x70000000u < 2)
			st[r.seq - 0x70000000u] = r.status, got++;
	}
	say("hostile: net TX on a buffer whose TX is in flight: %s (the first: %s)\n",
	    vx_errname(st[1]), vx_errname(st[0]));
}

/* A second connection to the card: it may ask, not hold. */
static void second_holder(void)
{
	struct vx_client c2;
	struct dev_open o = {.service = "netif"};
	struct dev_opened od;
	struct netif_pools p = {.rx_count = NRX, .tx_count = NTX};
	int rc = vx_dev_open(&T.devd, &o, &od, &c2, VA_NET2, BIT_NET, later(5 * SECOND));

	if (rc != VX_OK) {
		say("hostile: net second connection: %s\n", vx_errname(rc));
		return;
	}
	say("hostile: net second connection, info: %s\n",
	    vx_errname(raw(&c2, NETIF_INFO, NULL, 0, 0)));
	vx_ring_send_cap(c2.req_h, T.rx_mem, VX_R_READ);
	vx_ring_send_cap(c2.req_h, T.tx_mem, VX_R_READ);
	say("hostile: net pools without the write right: %s\n",
	    vx_errname(raw(&c2, NETIF_POOLS, &p, sizeof(p), 2)));
	vx_ring_send_cap(c2.req_h, c2.rep_h, VX_R_CONSUME);
	vx_ring_send_cap(c2.req_h, T.tx_mem, VX_R_READ);
	say("hostile: net pools that are a Ring: %s\n",
	    vx_errname(raw(&c2, NETIF_POOLS, &p, sizeof(p), 2)));
	vx_ring_send_cap(c2.req_h, T.rx_mem, VX_R_WRITE);
	vx_ring_send_cap(c2.req_h, T.tx_mem, VX_R_READ);
	say("hostile: net a second holder: %s\n",
	    vx_errname(raw(&c2, NETIF_POOLS, &p, sizeof(p), 2)));
	struct netif_recv r = {0};
	say("hostile: net receive without holding the card: %s\n",
	    vx_errname(raw(&c2, NETIF_RECV, &r, sizeof(r), 0)));
	vx_dev_close(&c2);
	o.part = 1;
	if (vx_dev_open(&T.devd, &o, &od, &c2, VA_NET2, BIT_NET, later(5 * SECOND)) == VX_OK) {
		say("hostile: net a connection opened with a partition: %s\n",
		    vx_errname(raw(&c2, NETIF_INFO, NULL, 0, 0)));
		vx_dev_close(&c2);
	}
}

static void misuse(void)
{
	struct netif_pools p = {.rx_count = NRX, .tx_count = NTX};
	uint16_t ret[4] = {0};

	say("hostile: net op 0xffffffff: %s\n", vx_errname(raw(&T.n.c, 0xffffffffu, NULL, 0, 0)));
	say("hostile: net truncated TX: %s\n", vx_errname(raw(&T.n.c, NETIF_TX, "abcde", 5, 0)));
	ret[0] = 3;
	say("hostile: net truncated RETURN: %s\n",
	    vx_errname(raw(&T.n.c, NETIF_RETURN, ret, 6, 0)));
	tx_case("TX of a bad buffer index", (struct netif_tx){.buf = 999, .len = 60});
	tx_case("TX longer than a buffer", (struct netif_tx){.buf = 0, .len = 3000});
	tx_case("TX shorter than a header", (struct netif_tx){.buf = 0, .len = 10});
	tx_case("TX with an unknown flag", (struct netif_tx){.buf = 0, .len = 60, .flags = 0x80});
	tx_case(
	    "TX with its checksum outside the frame",
	    (struct netif_tx){
		.buf = 0, .len = 60, .flags = NETIF_TX_CSUM, .csum_start = 50, .csum_offset = 16});
	tx_twice();
	txv_cases();
	ret[0] = 1, ret[1] = 0, ret[2] = 999; /* count, reserved, the index */
	say("hostile: net RETURN of a bad buffer index: %s\n",
	    vx_errname(raw(&T.n.c, NETIF_RETURN, ret, 6, 0)));
	if (T.have_kept) {
		int first = vx_netif_return(&T.n, &T.kept, 1, later(5 * SECOND));
		struct {
			uint16_t count, reserved, buf;
		} again = {1, 0, T.kept};
		say("hostile: net double RETURN: %s (the first: %s)\n",
		    vx_errname(raw(&T.n.c, NETIF_RETURN, &again, 6, 0)), vx_errname(first));
	} else {
		say("hostile: net double RETURN: no buffer kept\n");
	}
	vx_ring_send_cap(T.n.c.req_h, T.rx_mem, VX_R_WRITE);
	vx_ring_send_cap(T.n.c.req_h, T.tx_mem, VX_R_READ);
	say("hostile: net pools twice: %s\n",
	    vx_errname(raw(&T.n.c, NETIF_POOLS, &p, sizeof(p), 2)));
	struct netif_recv r = {.wait_ms = 60000};
	say("hostile: net receive waiting a minute: %s\n",
	    vx_errname(raw(&T.n.c, NETIF_RECV, &r, sizeof(r), 0)));
	second_holder();
}

/* The scenario sets the link down from QEMU's monitor when it reads the
 * first line: a waiting NETIF_RECV must end with the event. */
static void link_change(void)
{
	struct netif_frames fr;
	uint64_t until = later(10 * SECOND);

	say("hostile: net waiting for the link to change\n");
	while ((uint64_t)vx_clock() < until) {
		int rc = vx_netif_recv(&T.n, &fr, 1000, later(3 * SECOND));
		if (rc != VX_OK) {
			say("hostile: net link change: %s\n", vx_errname(rc));
			return;
		}
		for (uint32_t i = 0; i < fr.count; i++)
			vx_netif_return(&T.n, &fr.rx[i].buf, 1, later(2 * SECOND));
		if (fr.events & NETIF_EV_LINK) {
			say("hostile: net link change: now %s\n", fr.link ? "up" : "down");
			return;
		}
	}
	say("hostile: net link change: none within 10 s\n");
}

/* ------------------------------------------------------------ the start */

/* A pool of n buffers from the Reticle, mapped read/write at va. */
static int pool(vx_handle_t ret, vx_handle_t self, uint32_t n, uint64_t va, vx_handle_t *mem)
{
	int64_t m = vx_reticle_retype(ret, VX_OBJ_MEM, n * NETIF_BUF_SIZE / VX_PAGE_SIZE);

	if (m < 0)
		return (int)m;
	*mem = (vx_handle_t)m;
	return (int)vx_task_map(self, *mem, va, VX_PROT_READ | VX_PROT_WRITE);
}

int do_net(const struct vx_bundle_page *b)
{
	int64_t self = vx_bundle_handle(b, "self", VX_OBJ_TASK);
	int64_t ret = vx_bundle_handle(b, "pools", VX_OBJ_RETICLE);
	int rc;

	if (self < 0 || ret < 0 || vx_client_open(&T.devd, b, "devices", VA_DEVD, 1) != VX_OK) {
		say("hostile: net needs self, pools and devices\n");
		return 2;
	}
	if ((rc = pool((vx_handle_t)ret, (vx_handle_t)self, NRX, VA_RX, &T.rx_mem)) != VX_OK ||
	    (rc = pool((vx_handle_t)ret, (vx_handle_t)self, NTX, VA_TX, &T.tx_mem)) != VX_OK) {
		say("hostile: net cannot make its pools: %s\n", vx_errname(rc));
		return 2;
	}
	T.rx = (uint8_t *)VA_RX;
	T.tx = (uint8_t *)VA_TX;
	/* At boot devd may not be serving, or not have found the card, yet. */
	uint64_t until = later(20 * SECOND);
	while (((rc = vx_netif_open(&T.n, &T.devd, 0, T.rx_mem, NRX, T.tx_mem, NTX, VA_NET, BIT_NET,
				    until)) == VX_E_NOTFOUND ||
		rc == VX_E_AGAIN) &&
	       (uint64_t)vx_clock() < until)
		vx_sig_wait(0, later(SECOND / 10));
	if (rc != VX_OK) {
		say("hostile: net cannot open the card: %s\n", vx_errname(rc));
		return 1;
	}
	const uint8_t *a = T.n.info.mac;
	uint32_t feat = T.n.info.features;
	say("hostile: net card %02x:%02x:%02x:%02x:%02x:%02x, link %s, offloads:%s%s%s\n", a[0],
	    a[1], a[2], a[3], a[4], a[5], T.n.info.link ? "up" : "down",
	    (feat & NETIF_FEAT_TX_CSUM) ? " tx-csum" : "",
	    (feat & NETIF_FEAT_RX_CSUM) ? " rx-csum" : "",
	    (feat & (NETIF_FEAT_TX_CSUM | NETIF_FEAT_RX_CSUM)) ? "" : " none");
	arp("first", 0, true);
	dhcp();
	misuse();
	arp("after the misuse", 3, false);
	struct vx_msg m = {.op = DEV_CRASH, .len = sizeof(uint16_t)};
	memcpy(m.data, &T.n.opened.bdf, sizeof(uint16_t));
	say("hostile: net crashing the driver: %s\n",
	    vx_errname(vx_client_call(&T.devd, &m, later(5 * SECOND))));
	arp("after the crash", 4, false);
	say("hostile: net reconnections: %u, life %u\n", T.n.reopens, T.n.opened.life);
	link_change();
	say("hostile: net done\n");
	return 0;
}
