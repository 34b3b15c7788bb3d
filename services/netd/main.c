/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * netd: the IP stack, one Task (docs/NET.md).
 *
 * It holds the first network card devd serves (lib/client/netif.h, two
 * pools of frame buffers from its "pools" Reticle), runs lib/net's stack
 * (Ethernet, ARP, IPv4, ICMP, UDP, the DHCP client) and lib/net's TCP on
 * it, and serves the "net" protocol (vectra/proto/net.h) to the Tasks
 * granted a connection: the address, counters, the ARP cache, TCP's
 * connections, and ping.
 *
 * Configuration is its args (the manifest's "args" line): "dhcp" (the
 * default), or "static A.B.C.D/N [GATEWAY]".
 *
 * THE LOOP
 *
 * One thread.  A NETIF_RECV is always posted to the card
 * (vx_netif_recv_post): the driver answers it when frames come.  Each
 * turn answers what clients asked (vx_server_poll), takes the card's
 * answer if it came (the frames into the stack, their buffers back, a new
 * NETIF_RECV posted), runs the timers of the stack, TCP and the waiting
 * pings, and sleeps until a client asks, the card answers or the next
 * timer is due, whichever comes first.
 *
 * Frames go out in batches: the stack's tx callback copies each frame into
 * a free TX buffer and posts it to the card without waiting
 * (vx_netif_tx_post, up to VX_NETIF_TX_WINDOW in flight); before netd
 * sleeps, the frames of the turn go in one NETIF_TXV (vx_netif_flush) and
 * the card is woken once, and its answers, one a message, which free the
 * buffers, are taken each turn.
 *
 * Without a card (none yet, or devd not there) netd looks again every
 * PROBE_NS for its first PROBE_FAST_NS, then every PROBE_SLOW_NS, and
 * answers NET_INFO with card 0.
 */
#include <stdarg.h>

#include "netd.h"
#include "rt/errstr.h"
#include "client/console.h"
#include "client/rng.h"
#include "crypto/ct.h"
#include "crypto/rng.h"
#include "net/addr.h"
#include "vectra/proto/init.h"
#include "vectra/proto/netif.h"
#include "vx_string.h"

#define RETRY_NS      (100 * MS)    /* before posting to a card whose driver restarts */
#define PROBE_NS      (1 * SECOND)  /* a look for a card, at first */
#define PROBE_FAST_NS (20 * SECOND) /* for so long; then */
#define PROBE_SLOW_NS (10 * SECOND)

struct netd N;

void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (N.have_con)
		vx_con_vprintf(&N.con, (uint64_t)vx_clock() + 200 * MS, fmt, ap);
	va_end(ap);
}

uint64_t now(void)
{
	return (uint64_t)vx_clock();
}

void ip_str(char *buf, size_t cap, const uint8_t a[4])
{
	vx_snprintf(buf, cap, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

/* ------------------------------------------------------------- the card */

/* Where the stack builds its next frame: a TX buffer free to write, so
 * that card_tx posts it where it lies (NULL, the stack's own memory, when
 * there is no card or no buffer by the deadline).  When
 * VX_NETIF_TX_WINDOW frames are in flight it waits for the card to
 * answer one: back-pressure, nothing dropped. */
static uint8_t *card_frame(void *ctx)
{
	(void)ctx;
	if (!N.card)
		return NULL;
	int b = vx_netif_tx_buf(&N.nic, now() + CALL_NS);
	return b < 0 ? NULL : N.tx + (size_t)b * NETIF_BUF_SIZE + NETIF_FRAME_OFF;
}

/* The TX buffer a frame the stack built in card_frame's memory lies in,
 * or -1 when it lies elsewhere. */
static int frame_buf(const uint8_t *frame)
{
	uintptr_t at = (uintptr_t)frame, base = (uintptr_t)N.tx;

	if (at < base || at >= base + (uintptr_t)NTX * NETIF_BUF_SIZE ||
	    (at - base) % NETIF_BUF_SIZE != NETIF_FRAME_OFF)
		return -1;
	return (int)((at - base) / NETIF_BUF_SIZE);
}

/* The stack's way out: one frame posted to the card without waiting.  A
 * frame built in a TX buffer (card_frame) goes from there; any other is
 * copied into a free one first. */
static int card_tx(void *ctx, const uint8_t *frame, size_t len)
{
	(void)ctx;
	if (!N.card)
		return VX_E_STATE;
	if (len < NETIF_FRAME_MIN || len > NETIF_FRAME_MAX)
		return VX_E_TOOBIG;
	int b = frame_buf(frame);
	if (b < 0) {
		if ((b = vx_netif_tx_buf(&N.nic, now() + CALL_NS)) < 0)
			return b;
		memcpy(N.tx + (size_t)b * NETIF_BUF_SIZE + NETIF_FRAME_OFF, frame, len);
	}
	struct netif_tx t = {.buf = (uint16_t)b, .len = (uint16_t)len};
	int rc = vx_netif_tx_post(&N.nic, &t, now() + CALL_NS);
	if (rc == VX_OK)
		N.tx_frames++;
	return rc;
}

static void tcp_input(void *ctx, const uint8_t src[4], const uint8_t dst[4], const uint8_t *seg,
		      size_t len, uint64_t t)
{
	(void)ctx;
	vx_tcp_input(&N.tcp, src, dst, seg, len, t);
}

static void tcp_error(void *ctx, const struct vx_net_icmp_err *err, const uint8_t *seg, size_t len)
{
	(void)ctx;
	vx_tcp_icmp_error(&N.tcp, N.net.ip, err->dst, err->type, err->code, err->mtu, seg, len,
			  now());
}

/* TCP's way out.  The FIN or RST a NET_CLOSE waits for is posted to be
 * answered promptly, and the frame number of every FIN and RST is noted
 * (sock.c, close_pump); a segment ARP still holds is noted when it is
 * sent again. */
static int tcp_output(void *ctx, const uint8_t src[4], const uint8_t dst[4], const uint8_t *seg,
		      size_t len)
{
	(void)ctx;
	(void)src;
	uint64_t before = N.nic.tx_posted;

	N.nic.tx_prompt = close_watch(dst, seg, len) != NULL;
	int rc = vx_net_ip_output(&N.net, dst, 6, seg, len);
	N.nic.tx_prompt = false;
	if (N.nic.tx_posted > before)
		close_posted(dst, seg, len, N.nic.tx_posted);
	return rc;
}

/* Where TCP builds its next segment: in the frame the card will send,
 * behind the room for the headers (vx_net_ip_payload), so that a
 * segment's data is copied once, from TCP's send ring into the TX
 * buffer; tcp_output hands that same memory to the stack. */
static uint8_t *tcp_segment(void *ctx, size_t len)
{
	(void)ctx;
	return vx_net_ip_payload(&N.net, len);
}

/* Answers waiting ping i with r (its client may have gone) and frees it. */
static void ping_answer(uint32_t i, const struct net_ping *r)
{
	struct vx_msg *m = &N.ping[i].m;

	m->status = VX_OK;
	m->ncaps = 0;
	memset(m->data, 0, sizeof(m->data));
	memcpy(m->data, r, sizeof(*r));
	m->len = sizeof(*r);
	if (N.ping[i].c->open)
		vx_server_reply(&N.srv, N.ping[i].c, m);
	N.ping[i].used = false;
}

static void ping_done(void *ctx, const uint8_t from[4], uint16_t id, uint16_t seq, int status,
		      uint64_t rtt_ns, const struct vx_net_icmp_err *err)
{
	(void)ctx;
	for (uint32_t i = 0; i < NET_PING_MAX; i++) {
		if (!N.ping[i].used || N.ping[i].id != id || N.ping[i].seq != seq)
			continue;
		struct net_ping r = {
		    .result = status, .seq = seq, .rtt_ns = status == VX_OK ? rtt_ns : 0};
		memcpy(r.from, from, 4);
		if (err) {
			r.type = err->type;
			r.code = err->code;
		}
		ping_answer(i, &r);
	}
}

static void dhcp_event(void *ctx, enum vx_dhcp_event ev, const struct vx_dhcp_lease *l)
{
	char a[16], m[16], r[16], d[16];

	(void)ctx;
	ip_str(a, sizeof(a), l->addr);
	ip_str(m, sizeof(m), l->mask);
	ip_str(r, sizeof(r), l->router);
	ip_str(d, sizeof(d), l->dns[0]);
	switch (ev) {
	case VX_DHCP_EV_BOUND:
		say("netd: DHCP: %s mask %s router %s dns %s, lease %u s\n", a, m, r,
		    l->ndns ? d : "-", l->lease_s);
		break;
	case VX_DHCP_EV_RENEWED:
		say("netd: DHCP: %s renewed, lease %u s\n", a, l->lease_s);
		break;
	case VX_DHCP_EV_EXPIRED:
		say("netd: DHCP: the lease of %s ran out; no address\n", a);
		break;
	case VX_DHCP_EV_NAK:
		say("netd: DHCP: the server refused; asking again\n");
		break;
	}
}

/* Seeds from rngd, or the clock when rngd does not answer. */
static void seed(void *out, size_t n)
{
	if (N.have_rng &&
	    vx_rng_client_get(&N.rng, VX_RNG_STANDARD, out, n, now() + CALL_NS) == VX_OK)
		return;
	say("netd: rngd did not answer: sequence numbers from the clock\n");
	uint8_t *p = out;
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(vx_clock() >> (i % 8 * 3));
}

/* Opens the card if there is one, and starts the stack on it. */
static void card_open(void)
{
	N.next_probe = now() + (now() - N.started < PROBE_FAST_NS ? PROBE_NS : PROBE_SLOW_NS);
	if (!N.have_devd)
		return;
	int rc = vx_netif_open(&N.nic, &N.devd, 0, N.rx_mem, NRX, N.tx_mem, NTX, NIC_VA, NIC_BIT,
			       now() + CALL_NS);
	if (rc != VX_OK)
		return; /* no card yet: look again */
	N.card = true;
	N.opened_at = now();
	const uint8_t *a = N.nic.info.mac;
	say("netd: card %02x:%02x:%02x:%02x:%02x:%02x, link %s\n", a[0], a[1], a[2], a[3], a[4],
	    a[5], N.nic.info.link ? "up" : "down");

	struct vx_net_ops ops = {.tx = card_tx,
				 .frame = card_frame,
				 .tcp_input = tcp_input,
				 .tcp_error = tcp_error,
				 .ping = ping_done,
				 .dhcp = dhcp_event};
	uint32_t s;
	seed(&s, sizeof(s));
	if ((rc = vx_net_init(&N.net, a, VX_NET_MTU_MAX, s, &ops, NULL)) != VX_OK) {
		say("netd: the stack refused the card: %s\n", vx_errname(rc));
		N.card = false;
		vx_netif_close(&N.nic);
		return;
	}
	struct vx_tcp_config tc = {
	    .output = tcp_output, .segment = tcp_segment, .mtu = VX_NET_MTU_MAX};
	seed(tc.isn_key, sizeof(tc.isn_key));
	vx_tcp_init(&N.tcp, &tc, now());
	vx_wipe(tc.isn_key, sizeof(tc.isn_key));
	if (N.cfg.how == NET_HOW_STATIC) {
		rc =
		    vx_net_set_ipv4(&N.net, N.cfg.addr, N.cfg.mask, N.cfg.has_gw ? N.cfg.gw : NULL);
		char b[16];
		ip_str(b, sizeof(b), N.cfg.addr);
		say("netd: static address %s: %s\n", b, vx_errname(rc));
	} else {
		vx_net_dhcp_start(&N.net, "vectra", now());
	}
}

/* Frames from the card into the stack, their buffers back to it. */
static void card_frames(const struct netif_frames *f)
{
	uint16_t back[NETIF_RX_BATCH];

	if (f->events & NETIF_EV_LINK)
		say("netd: link %s\n", f->link ? "up" : "down");
	uint32_t n = f->count < NETIF_RX_BATCH ? f->count : NETIF_RX_BATCH;
	for (uint32_t i = 0; i < n; i++) {
		const struct netif_rx *x = &f->rx[i];
		back[i] = x->buf;
		if (x->len > NETIF_BUF_SIZE - NETIF_FRAME_OFF)
			continue; /* the driver's word is checked too */
		N.rx_frames++;
		vx_net_input(&N.net, N.rx + (size_t)x->buf * NETIF_BUF_SIZE + NETIF_FRAME_OFF,
			     x->len, now());
	}
	if (n) /* with the next NETIF_RECV, which card_poll posts at once */
		vx_netif_give_back(&N.nic, back, n);
}

/* Takes the card's answers: the frames it has sent (their buffers free
 * again), and, keeping a NETIF_RECV posted, the frames it received. */
static void card_poll(void)
{
	struct netif_frames f;

	(void)vx_netif_tx_reap(&N.nic, now() + CALL_NS);
	for (int turn = 0;; turn++) {
		if (!N.nic.posted) {
			int rc = vx_netif_recv_post(&N.nic, NETIF_WAIT_MAX_MS, now() + CALL_NS);
			if (rc == VX_E_HANGUP && !N.card_away) {
				say("netd: devd is not running; the card is away until it is "
				    "back\n");
				N.card_away = true;
			} else if (rc == VX_OK && N.card_away) {
				say("netd: the card is back\n");
				N.card_away = false;
			}
			if (rc != VX_OK) {
				/* the driver is restarting, or devd is */
				N.card_retry = now() + RETRY_NS;
				return;
			}
		}
		if (turn == 8)
			return; /* enough for one turn of the loop; one stays posted */
		int rc = vx_netif_recv_take(&N.nic, &f);
		if (rc == VX_E_EMPTY)
			return;
		if (rc == VX_OK)
			card_frames(&f);
	}
}

/* ------------------------------------------------------------ requests */

static void do_info(struct vx_msg *m)
{
	struct net_info in;

	memset(&in, 0, sizeof(in));
	if (N.card) {
		in.card = 1;
		in.link = N.card_away ? 0 : (uint8_t)N.nic.info.link;
		in.features = (uint8_t)N.nic.info.features;
		in.how = N.net.ip[0] ? N.cfg.how : NET_HOW_NONE;
		in.dhcp = (uint8_t)N.net.dhcp.state;
		memcpy(in.mac, N.net.mac, 6);
		in.mtu = N.net.mtu;
		memcpy(in.addr, N.net.ip, 4);
		memcpy(in.mask, N.net.mask, 4);
		memcpy(in.gw, N.net.gw, 4);
		if (N.cfg.how == NET_HOW_DHCP && N.net.dhcp.state >= VX_DHCP_BOUND) {
			const struct vx_dhcp_lease *l = &N.net.dhcp.lease;
			in.ndns = l->ndns;
			memcpy(in.dns, l->dns, sizeof(in.dns));
			in.lease_s = l->lease_s;
			uint64_t end = N.net.dhcp.bound_at + (uint64_t)l->lease_s * SECOND;
			in.lease_left_s = end > now() ? (uint32_t)((end - now()) / SECOND) : 0;
		}
		in.reopens = N.nic.reopens;
		in.rx_frames = N.rx_frames;
		in.tx_frames = N.tx_frames;
		in.uptime_ns = now() - N.opened_at;
	}
	memcpy(m->data, &in, sizeof(in));
	m->len = sizeof(in);
}

static void do_counters(struct vx_msg *m, uint32_t first)
{
	struct net_counters c;

	memset(&c, 0, sizeof(c));
	c.first = first;
	c.total = VX_NET_ALL_COUNTERS;
	for (uint32_t i = first; i < VX_NET_ALL_COUNTERS && c.count < NET_COUNTERS_BATCH; i++)
		c.v[c.count++] = i < VX_NETC_COUNT ? N.net.count[i]
						   : vx_tcp_stat(&N.tcp.stats, i - VX_NETC_COUNT);
	memcpy(m->data, &c, sizeof(c));
	m->len = sizeof(c);
}

static void do_arp(struct vx_msg *m, uint32_t first)
{
	struct net_arp a;

	memset(&a, 0, sizeof(a));
	uint32_t i = first;
	for (; i < VX_ARP_ENTRIES && a.count < NET_ARP_BATCH; i++) {
		const struct vx_arp_entry *e = &N.net.arp[i];
		if (e->state == 0)
			continue; /* free */
		struct net_arp_entry *o = &a.e[a.count++];
		memcpy(o->ip, e->ip, 4);
		memcpy(o->mac, e->mac, 6);
		o->state = e->state == 2 ? NET_ARP_COMPLETE : NET_ARP_INCOMPLETE;
		o->tries = e->tries;
		o->slot = i;
		if (o->state == NET_ARP_COMPLETE && e->deadline > now())
			o->ttl_s = (uint32_t)((e->deadline - now()) / SECOND);
	}
	a.next = i;
	memcpy(m->data, &a, sizeof(a));
	m->len = sizeof(a);
}

static void do_tcp(struct vx_msg *m, uint32_t first)
{
	struct net_tcp t;

	memset(&t, 0, sizeof(t));
	uint32_t i = first;
	for (; i < VX_TCP_MAX_CONNS + VX_TCP_MAX_LISTENERS && t.count < NET_TCP_BATCH; i++) {
		struct net_tcp_entry *o = &t.e[t.count];
		if (i < VX_TCP_MAX_CONNS) {
			const struct vx_tcp_conn *c = &N.tcp.conn[i];
			if (c->state == VX_TCP_CLOSED)
				continue;
			memcpy(o->local, c->laddr, 4);
			memcpy(o->remote, c->raddr, 4);
			o->lport = c->lport;
			o->rport = c->rport;
			o->state = c->state;
			o->unacked = vx_tcp_unacked(&N.tcp, (int)i);
			o->readable = vx_tcp_readable(&N.tcp, (int)i);
		} else {
			const struct vx_tcp_listener *l = &N.tcp.lis[i - VX_TCP_MAX_CONNS];
			if (!l->used)
				continue;
			memcpy(o->local, l->addr, 4);
			o->lport = l->port;
			o->state = VX_TCP_LISTEN;
			o->listener = 1;
		}
		o->slot = i;
		t.count++;
	}
	t.next = i;
	memcpy(m->data, &t, sizeof(t));
	m->len = sizeof(t);
}

static int do_ping(struct vx_server_conn *c, struct vx_msg *m, const struct net_ping_req *p)
{
	uint32_t k = 0;

	while (k < NET_PING_MAX && N.ping[k].used)
		k++;
	if (k == NET_PING_MAX)
		return VX_E_FULL;
	if (!N.net.ip[0])
		return VX_E_STATE;
	uint16_t id = ++N.ping_id;
	int rc = vx_net_ping(&N.net, p->addr, id, p->seq, p->len, now());
	if (rc < 0)
		return rc;
	N.ping[k].used = true;
	N.ping[k].c = c;
	N.ping[k].m = *m;
	N.ping[k].id = id;
	N.ping[k].seq = p->seq;
	N.ping[k].deadline = now() + (uint64_t)p->timeout_ms * MS;
	return VX_OK;
}

/* Pings whose time ran out (the stack's own timeout may be longer). */
static uint64_t ping_tick(uint64_t t)
{
	uint64_t next = UINT64_MAX;

	for (uint32_t i = 0; i < NET_PING_MAX; i++) {
		if (!N.ping[i].used)
			continue;
		if (N.ping[i].deadline <= t || !N.ping[i].c->open) {
			struct net_ping r = {.result = VX_E_TIMEOUT, .seq = N.ping[i].seq};
			ping_answer(i, &r);
		} else if (N.ping[i].deadline < next) {
			next = N.ping[i].deadline;
		}
	}
	return next;
}

static enum vx_svc_disp serve(struct vx_server *s, struct vx_server_conn *c, struct vx_msg *m,
			      void *ctx)
{
	struct net_req r;
	int rc;

	(void)s;
	(void)ctx;
	rc = net_decode(m, &r);
	for (uint32_t i = 0; rc < 0 && i < m->ncaps && i < VX_RING_XFER_MAX; i++) {
		int64_t h = vx_ring_recv_cap(c->req_h); /* none is wanted */
		if (h >= 0)
			vx_cap_delete((vx_handle_t)h);
	}
	m->ncaps = 0;
	m->len = 0;
	if (rc == VX_OK)
		rc = net_grant_check(&N.grant[c->id], &r);
	if (rc == VX_OK && !N.card && r.op != NET_INFO)
		rc = VX_E_NOTFOUND;
	if (rc == VX_OK) {
		switch (r.op) {
		case NET_INFO:
			do_info(m);
			if (!N.card)
				rc = VX_E_NOTFOUND;
			break;
		case NET_COUNTERS:
			do_counters(m, r.first);
			break;
		case NET_ARP:
			do_arp(m, r.first);
			break;
		case NET_TCP:
			do_tcp(m, r.first);
			break;
		case NET_PING:
			if ((rc = do_ping(c, m, &r.ping)) == VX_OK)
				return VX_SVC_DEFER;
			break;
		case NET_SOCKET:
		case NET_ACCEPT:
		case NET_CLOSE:
		case NET_CANCEL:
			return sock_request(c, m, &r);
		}
	}
	m->status = rc;
	return VX_SVC_REPLY;
}

/* init's record of a new connection: its grant (pure_netmsg.h). */
static int attach(struct vx_server *s, struct vx_server_conn *c, const struct vx_msg *rec,
		  void *ctx)
{
	(void)s;
	(void)ctx;
	int rc = rec->len <= VX_MSG_DATA
		     ? net_parse_grant((const char *)rec->data, rec->len, &N.grant[c->id])
		     : VX_E_INVAL;
	if (rc != VX_OK) {
		N.refused_grants++;
		say("netd: refused a connection whose grant means nothing to me\n");
	}
	return rc;
}

/* ---------------------------------------------------------------- start */

static int pool(uint32_t n, uint64_t va, vx_handle_t *mem)
{
	int64_t m = vx_reticle_retype(N.pools, VX_OBJ_MEM, n * NETIF_BUF_SIZE / VX_PAGE_SIZE);

	if (m < 0)
		return (int)m;
	*mem = (vx_handle_t)m;
	return (int)vx_task_map(N.self, *mem, va, VX_PROT_READ | VX_PROT_WRITE);
}

int main(const struct vx_bundle_page *b, const char *args)
{
	N.have_con = vx_client_open(&N.con, b, "console", CON_VA, CON_BIT) == VX_OK;
	N.have_rng = vx_client_open(&N.rng, b, "rng", RNG_VA, RNG_BIT) == VX_OK;
	N.have_init = vx_client_open(&N.init, b, "init", INIT_VA, INIT_BIT) == VX_OK;
	if (!net_parse_config(args, &N.cfg))
		say("netd: args '%s': want dhcp, or static A.B.C.D/N [GATEWAY]; using dhcp\n",
		    args);
	int64_t self = vx_bundle_handle(b, "self", VX_OBJ_TASK);
	int64_t pools = vx_bundle_handle(b, "pools", VX_OBJ_RETICLE);
	N.have_devd = vx_client_open(&N.devd, b, "devices", DEVD_VA, DEVD_BIT) == VX_OK;
	if (self < 0 || pools < 0 || !N.have_devd) {
		say("netd: no %s: no network\n", self < 0    ? "self"
						 : pools < 0 ? "pools"
							     : "devices");
		N.have_devd = false;
	} else {
		N.self = (vx_handle_t)self;
		N.pools = (vx_handle_t)pools;
		int rc;
		if ((rc = pool(NRX, RX_VA, &N.rx_mem)) != VX_OK ||
		    (rc = pool(NTX, TX_VA, &N.tx_mem)) != VX_OK) {
			say("netd: no frame pools: %s; no network\n", vx_errname(rc));
			N.have_devd = false;
		}
		N.rx = (uint8_t *)(uintptr_t)RX_VA;
		N.tx = (uint8_t *)(uintptr_t)TX_VA;
	}
	int64_t port = vx_bundle_handle(b, "port", VX_OBJ_RING);
	if (port < 0 || vx_server_init_attach(&N.srv, (vx_handle_t)port, SRV_VA, SRV_BIT, attach,
					      NULL) != VX_OK)
		return 5; /* no port: nobody can reach us */
	N.started = N.next_probe = now();
	for (;;) {
		vx_server_poll(&N.srv, serve, NULL);
		uint64_t t = now();
		if (!N.card) {
			if (t >= N.next_probe)
				card_open();
			if (!N.card) {
				vx_server_wait(&N.srv, 0, N.next_probe);
				continue;
			}
		}
		if (t >= N.card_retry)
			card_poll();
		uint64_t next = vx_net_tick(&N.net, t);
		vx_tcp_tick(&N.tcp, t);
		uint64_t d = vx_tcp_next_deadline(&N.tcp);
		next = d < next ? d : next;
		d = ping_tick(t);
		next = d < next ? d : next;
		d = sock_pump(t);
		next = d < next ? d : next;
		d = close_pump(t);
		next = d < next ? d : next;
		d = N.card_retry > t ? N.card_retry : t + SECOND; /* a look at the card anyway */
		next = d < next ? d : next;
		/* Wake the card for the frames posted this turn, then sleep until
		 * a client asks, the card answers or a timer is due. */
		vx_netif_flush(&N.nic);
		if (!vx_netif_recv_arm(&N.nic, true))
			vx_server_wait(&N.srv, 1ull << NIC_BIT | 1ull << SOCK_BIT, next);
		vx_netif_recv_arm(&N.nic, false);
	}
}
