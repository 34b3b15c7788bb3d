/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Sockets: the client side of netd's SOCKETS (see sock.h).
 *
 * The data half is two Rings netd shares with us; netd may scribble on
 * them, so every slot it wrote is checked before a byte of it is used (a
 * kind rx may carry, len within the slot), and a Ring that fails is
 * VX_E_CORRUPT for good.  netd going away shows as its end unbound: the
 * Rings are init's, so they stay mapped and nothing faults.
 */
#include "client/sock.h"
#include "rt/vx.h"
#include "vx_string.h"

#define CLOSE_NS 1000000000ull /* how long NET_CLOSE may take */

/* ------------------------------------------------------------ the calls */

static int bind_data(struct vx_sock *s, vx_handle_t tx, vx_handle_t rx, uint64_t va, uint32_t bit)
{
	struct vx_ring_info ti, ri;
	int rc;

	s->tx_h = tx;
	s->rx_h = rx;
	if ((rc = (int)vx_ring_bind(tx, VX_RING_PRODUCER, va, bit, &ti)) != VX_OK)
		return rc;
	if ((rc = (int)vx_ring_bind(rx, VX_RING_CONSUMER, va + VX_SOCK_RX_OFF, bit, &ri)) !=
	    VX_OK) {
		vx_ring_unbind(tx);
		return rc;
	}
	if ((rc = vx_ring_init(&s->tx, &ti, tx)) != VX_OK ||
	    (rc = vx_ring_init(&s->rx, &ri, rx)) != VX_OK || ti.slot_size != NET_SEG_SLOT ||
	    ri.slot_size != NET_SEG_SLOT) {
		vx_ring_unbind(tx);
		vx_ring_unbind(rx);
		return rc != VX_OK ? rc : VX_E_CORRUPT;
	}
	s->bound = true;
	return VX_OK;
}

static void close_id(struct vx_client *net, uint32_t id, bool abort, uint64_t deadline)
{
	struct vx_msg m = {.op = NET_CLOSE};
	struct net_close_req q = {.id = id, .how = abort ? NET_CLOSE_ABORT : NET_CLOSE_GRACEFUL};

	memcpy(m.data, &q, sizeof(q));
	m.len = sizeof(q);
	vx_client_call(net, &m, deadline);
}

/* A reply that opened a socket: its net_sock and, with ncaps 2, the two
 * Rings, which are bound at va.  On any failure the socket is closed at
 * netd and nothing is left behind. */
static int opened(struct vx_sock *s, struct vx_client *net, struct vx_msg *m, uint64_t va,
		  uint32_t bit, uint64_t deadline)
{
	int64_t tx = m->ncaps == 2 ? vx_ring_recv_cap(net->rep_h) : VX_E_CORRUPT;
	int64_t rx = m->ncaps == 2 ? vx_ring_recv_cap(net->rep_h) : VX_E_CORRUPT;
	int rc = m->len == sizeof(s->info) ? VX_OK : VX_E_CORRUPT;

	memset(s, 0, sizeof(*s));
	if (rc == VX_OK)
		memcpy(&s->info, m->data, sizeof(s->info));
	if (rc == VX_OK && (tx < 0 || rx < 0))
		rc = tx < 0 ? (int)tx : (int)rx;
	if (rc == VX_OK)
		rc = bind_data(s, (vx_handle_t)tx, (vx_handle_t)rx, va, bit);
	if (rc != VX_OK) {
		if (tx >= 0)
			vx_cap_delete((vx_handle_t)tx);
		if (rx >= 0)
			vx_cap_delete((vx_handle_t)rx);
		if (m->len == sizeof(s->info))
			close_id(net, s->info.id, true, deadline);
		memset(s, 0, sizeof(*s));
		return rc;
	}
	s->net = net;
	s->bit = bit;
	s->open = true;
	return VX_OK;
}

static int open_socket(struct vx_sock *s, struct vx_client *net, const struct net_socket_req *q,
		       uint64_t va, uint32_t bit, uint64_t deadline)
{
	struct vx_msg m = {.op = NET_SOCKET};
	int rc;

	memcpy(m.data, q, sizeof(*q));
	m.len = sizeof(*q);
	if ((rc = vx_client_call(net, &m, deadline)) != VX_OK)
		return rc;
	return opened(s, net, &m, va, bit, deadline);
}

int vx_sock_connect(struct vx_sock *s, struct vx_client *net, const uint8_t addr[4], uint16_t port,
		    uint32_t timeout_ms, uint64_t va, uint32_t bit, uint64_t deadline)
{
	struct net_socket_req q = {.kind = NET_SOCK_TCP, .port = port, .timeout_ms = timeout_ms};

	memcpy(q.addr, addr, 4);
	return open_socket(s, net, &q, va, bit, deadline);
}

/* Asks netd to end the waiting request seq now (NET_CANCEL). */
static void cancel(struct vx_client *net, uint32_t seq, uint64_t deadline)
{
	struct vx_msg m = {.op = NET_CANCEL};
	struct net_cancel_req q = {.seq = seq};

	memcpy(m.data, &q, sizeof(q));
	m.len = sizeof(q);
	vx_client_call(net, &m, deadline);
}

/* Sleeps on net's reply Ring until a reply may be there or until. */
static void sleep_reply(struct vx_client *net, uint64_t until)
{
	vx_ring_set_waiting(&net->rep, true);
	if (vx_ring_poll(&net->rep) == 0 && vx_client_server_up(net))
		vx_sig_wait(1ull << net->rep.wake_bit, until);
	vx_ring_set_waiting(&net->rep, false);
}

int vx_sock_connect_stop(struct vx_sock *s, struct vx_client *net, const uint8_t addr[4],
			 uint16_t port, uint32_t timeout_ms, uint64_t va, uint32_t bit,
			 uint64_t deadline, uint64_t step_ns, bool (*stop)(void *ctx), void *ctx)
{
	struct net_socket_req q = {.kind = NET_SOCK_TCP, .port = port, .timeout_ms = timeout_ms};
	struct vx_msg m = {.op = NET_SOCKET};
	bool stopped = false;
	int rc;

	memcpy(q.addr, addr, 4);
	memcpy(m.data, &q, sizeof(q));
	m.len = sizeof(q);
	if ((rc = vx_client_send(net, &m, deadline)) != VX_OK)
		return rc;
	uint32_t seq = m.seq;
	while ((rc = vx_client_take(net, &m)) == VX_E_EMPTY) {
		uint64_t now = (uint64_t)vx_clock();
		if (now >= deadline) {
			/* netd never answered: its answer, if it comes, is stale
			 * (dropped with its capabilities) and vx_client_send free. */
			net->keep_seq = 0;
			return VX_E_TIMEOUT;
		}
		if (!stopped && stop(ctx)) {
			stopped = true;
			cancel(net, seq, deadline);
			continue;
		}
		sleep_reply(net, now + step_ns < deadline ? now + step_ns : deadline);
	}
	if (rc != VX_OK)
		return rc;
	if (m.status != VX_OK)
		return m.status;
	if ((rc = opened(s, net, &m, va, bit, deadline)) != VX_OK || !stopped)
		return rc;
	vx_sock_close(s, true, deadline); /* the handshake beat the cancel */
	return VX_E_TIMEOUT;
}

int vx_sock_listen(struct vx_sock *l, struct vx_client *net, uint16_t port, unsigned backlog,
		   uint64_t va, uint32_t bit, uint64_t deadline)
{
	struct net_socket_req q = {
	    .kind = NET_SOCK_LISTEN, .port = port, .backlog = (uint16_t)backlog};

	if (backlog > 0xffff)
		return VX_E_INVAL;
	return open_socket(l, net, &q, va, bit, deadline);
}

int vx_sock_udp(struct vx_sock *s, struct vx_client *net, uint16_t port, const uint8_t peer[4],
		uint16_t peer_port, uint64_t va, uint32_t bit, uint64_t deadline)
{
	struct net_socket_req q = {.kind = NET_SOCK_UDP, .port = port};

	if (peer) {
		memcpy(q.addr, peer, 4);
		q.peer_port = peer_port;
	}
	return open_socket(s, net, &q, va, bit, deadline);
}

/* --------------------------------------------------------------- the data */

/* Is netd still bound to its ends? */
static bool netd_there(const struct vx_sock *s)
{
	uint32_t tx = __atomic_load_n(&s->tx.ctl->bound, __ATOMIC_ACQUIRE);
	uint32_t rx = __atomic_load_n(&s->rx.ctl->bound, __ATOMIC_ACQUIRE);

	return (tx & VX_RING_BOUND_CONSUMER) && (rx & VX_RING_BOUND_PRODUCER);
}

/* Sleeps on the socket's bit until r (tx or rx) might move, netd went, or
 * the deadline.  VX_OK to look again, else the error. */
static int wait_ring(struct vx_sock *s, struct vx_ring *r, uint64_t deadline)
{
	vx_ring_set_waiting(r, true);
	int n = vx_ring_poll(r);
	int64_t fired = 1;
	if (n == 0 && netd_there(s))
		fired = vx_sig_wait(1ull << s->bit, deadline);
	vx_ring_set_waiting(r, false);
	if (n < 0)
		return n;
	if (fired < 0)
		return (int)fired;
	return fired == 0 ? VX_E_TIMEOUT : VX_OK;
}

/* The next rx slot, checked, read in place: its header into s->cur, and
 * its len data bytes into direct when it is data that fits in room bytes
 * (then *went is true), else into s->cur.data.  The header is copied out
 * of the shared slot before it is checked; only len bytes of data move,
 * once.  VX_OK, VX_E_EMPTY (and then VX_E_HANGUP if netd has gone), or
 * VX_E_CORRUPT. */
static int rx_take(struct vx_sock *s, void *direct, size_t room, bool *went)
{
	const struct net_seg *slot = vx_ring_peek(&s->rx);
	const struct net_seg *g = &s->cur;
	int rc;

	if (!slot) {
		rc = vx_ring_poll(&s->rx);
		if (rc < 0)
			return rc;
		return netd_there(s) ? VX_E_EMPTY : VX_E_HANGUP;
	}
	memcpy(&s->cur, slot, NET_SEG_HDR);
	bool ok = g->len <= NET_SEG_DATA_MAX;
	switch (g->kind) {
	case NET_SEG_DATA:
		ok = ok && s->info.kind != NET_SOCK_LISTEN;
		break;
	case NET_SEG_EOF:
		ok = ok && g->len == 0 && s->info.kind == NET_SOCK_TCP;
		break;
	case NET_SEG_ERROR:
		ok = ok && g->len == 0 && g->error < 0 && g->error >= VX_E_LAST &&
		     s->info.kind != NET_SOCK_LISTEN;
		break;
	case NET_SEG_ACCEPT:
		ok = ok && g->len == 0 && s->info.kind == NET_SOCK_LISTEN;
		break;
	default:
		ok = false;
	}
	if (went)
		*went = ok && g->kind == NET_SEG_DATA && direct && g->len && g->len <= room;
	if (ok)
		memcpy(went && *went ? direct : s->cur.data, slot->data, g->len);
	rc = vx_ring_release(&s->rx);
	vx_ring_kick(&s->rx);
	if (rc != VX_OK)
		return rc;
	if (!ok)
		return VX_E_CORRUPT;
	return VX_OK;
}

/* Ends the data half with error e: every later call returns it. */
static int fail(struct vx_sock *s, int e)
{
	s->rx_done = true;
	s->have = 0;
	if (s->err == VX_OK)
		s->err = e;
	return s->err;
}

long vx_sock_send(struct vx_sock *s, const void *p, size_t n, uint64_t deadline)
{
	static struct net_seg g;
	const uint8_t *b = p;
	size_t done = 0;

	if (!s->open || !s->bound || s->info.kind != NET_SOCK_TCP || s->shut)
		return s->err != VX_OK ? s->err : VX_E_STATE;
	while (done < n) {
		if (s->err != VX_OK)
			return done ? (long)done : s->err;
		if (!netd_there(s))
			return done ? (long)done : fail(s, VX_E_HANGUP);
		size_t k = n - done < NET_SEG_DATA_MAX ? n - done : NET_SEG_DATA_MAX;
		memset(&g, 0, NET_SEG_HDR);
		g.kind = NET_SEG_DATA;
		g.len = (uint16_t)k;
		memcpy(g.data, b + done, k);
		int rc = vx_ring_try_send(&s->tx, &g, NET_SEG_HDR + k);
		if (rc == VX_OK) {
			vx_ring_kick(&s->tx);
			done += k;
			continue;
		}
		if (rc != VX_E_FULL)
			return done ? (long)done : fail(s, rc);
		/* Full: netd is waiting for TCP; but an error may be in rx. */
		if (!s->rx_done && s->have == 0 && vx_ring_poll(&s->rx) > 0) {
			int r = rx_take(s, NULL, 0, NULL);
			if (r == VX_OK && s->cur.kind == NET_SEG_ERROR)
				return done ? (long)done : fail(s, s->cur.error);
			if (r == VX_OK && s->cur.kind == NET_SEG_DATA) {
				s->have = s->cur.len;
				s->off = 0;
			} else if (r == VX_OK) {
				s->rx_done = true; /* EOF: the peer reads on; we may too */
			}
		}
		rc = wait_ring(s, &s->tx, deadline);
		if (rc != VX_OK)
			return done ? (long)done : (rc == VX_E_TIMEOUT ? rc : fail(s, rc));
	}
	return (long)done;
}

long vx_sock_recv(struct vx_sock *s, void *p, size_t n, uint64_t deadline)
{
	if (!s->open || !s->bound || s->info.kind != NET_SOCK_TCP)
		return VX_E_STATE;
	for (;;) {
		if (s->have) {
			size_t k = n < s->have ? n : s->have;
			memcpy(p, s->cur.data + s->off, k);
			s->off += (uint32_t)k;
			s->have -= (uint32_t)k;
			return (long)k;
		}
		if (s->rx_done)
			return s->err;
		if (n == 0)
			return 0;
		bool went;
		int rc = rx_take(s, p, n, &went);
		if (rc == VX_OK && went)
			return (long)s->cur.len; /* straight from the slot */
		if (rc == VX_OK) {
			if (s->cur.kind == NET_SEG_DATA) {
				s->have = s->cur.len;
				s->off = 0;
				continue;
			}
			if (s->cur.kind == NET_SEG_EOF) {
				s->rx_done = true;
				return 0;
			}
			return fail(s, s->cur.error);
		}
		if (rc != VX_E_EMPTY)
			return fail(s, rc);
		if ((rc = wait_ring(s, &s->rx, deadline)) != VX_OK)
			return rc == VX_E_TIMEOUT ? rc : fail(s, rc);
	}
}

int vx_sock_recv_all(struct vx_sock *s, void *p, size_t n, uint64_t deadline)
{
	uint8_t *b = p;

	while (n) {
		long k = vx_sock_recv(s, b, n, deadline);
		if (k == 0)
			return VX_E_CORRUPT;
		if (k < 0)
			return (int)k;
		b += k;
		n -= (size_t)k;
	}
	return VX_OK;
}

int vx_sock_sendto(struct vx_sock *s, const void *p, size_t n, const uint8_t addr[4], uint16_t port,
		   uint64_t deadline)
{
	static struct net_seg g;

	if (!s->open || !s->bound || s->info.kind != NET_SOCK_UDP)
		return VX_E_STATE;
	if (n > NET_SEG_DATA_MAX)
		return VX_E_TOOBIG;
	if (!addr &&
	    (s->info.raddr[0] | s->info.raddr[1] | s->info.raddr[2] | s->info.raddr[3]) == 0)
		return VX_E_INVAL; /* no default peer */
	if (addr && ((addr[0] | addr[1] | addr[2] | addr[3]) == 0 || port == 0))
		return VX_E_INVAL;
	memset(&g, 0, NET_SEG_HDR);
	g.kind = NET_SEG_DATA;
	g.len = (uint16_t)n;
	if (addr) {
		memcpy(g.addr, addr, 4);
		g.port = port;
	}
	memcpy(g.data, p, n);
	for (;;) {
		if (!netd_there(s))
			return fail(s, VX_E_HANGUP);
		int rc = vx_ring_try_send(&s->tx, &g, NET_SEG_HDR + n);
		if (rc == VX_OK) {
			vx_ring_kick(&s->tx);
			return VX_OK;
		}
		if (rc != VX_E_FULL)
			return fail(s, rc);
		if ((rc = wait_ring(s, &s->tx, deadline)) != VX_OK)
			return rc == VX_E_TIMEOUT ? rc : fail(s, rc);
	}
}

long vx_sock_recvfrom(struct vx_sock *s, void *p, size_t n, uint8_t from[4], uint16_t *from_port,
		      uint64_t deadline)
{
	if (!s->open || !s->bound || s->info.kind != NET_SOCK_UDP)
		return VX_E_STATE;
	for (;;) {
		if (s->rx_done)
			return s->err;
		int rc = rx_take(s, NULL, 0, NULL);
		if (rc == VX_OK) {
			if (s->cur.kind != NET_SEG_DATA)
				return fail(s, s->cur.kind == NET_SEG_ERROR ? s->cur.error
									    : VX_E_CORRUPT);
			size_t k = n < s->cur.len ? n : s->cur.len;
			memcpy(p, s->cur.data, k);
			if (from)
				memcpy(from, s->cur.addr, 4);
			if (from_port)
				*from_port = s->cur.port;
			return (long)s->cur.len;
		}
		if (rc != VX_E_EMPTY)
			return fail(s, rc);
		if ((rc = wait_ring(s, &s->rx, deadline)) != VX_OK)
			return rc == VX_E_TIMEOUT ? rc : fail(s, rc);
	}
}

int vx_sock_shutdown(struct vx_sock *s, uint64_t deadline)
{
	static const struct net_seg eof = {.kind = NET_SEG_EOF};

	if (!s->open || !s->bound || s->info.kind != NET_SOCK_TCP || s->shut)
		return VX_E_STATE;
	for (;;) {
		if (!netd_there(s))
			return fail(s, VX_E_HANGUP);
		int rc = vx_ring_try_send(&s->tx, &eof, NET_SEG_HDR);
		if (rc == VX_OK) {
			vx_ring_kick(&s->tx);
			s->shut = true;
			return VX_OK;
		}
		if (rc != VX_E_FULL)
			return fail(s, rc);
		if ((rc = wait_ring(s, &s->tx, deadline)) != VX_OK)
			return rc == VX_E_TIMEOUT ? rc : fail(s, rc);
	}
}

bool vx_sock_readable(struct vx_sock *s)
{
	if (!s->open || !s->bound)
		return false;
	return s->have || s->rx_done || vx_ring_poll(&s->rx) != 0 || !netd_there(s);
}

/* ------------------------------------------------------------- listeners */

int vx_sock_accept(struct vx_sock *l, struct vx_sock *s, uint64_t va, uint32_t bit,
		   uint64_t deadline)
{
	if (!l->open || !l->bound || l->info.kind != NET_SOCK_LISTEN)
		return VX_E_STATE;
	for (;;) {
		struct vx_msg m = {.op = NET_ACCEPT};
		struct net_accept_req q = {.id = l->info.id, .timeout_ms = 0};
		memcpy(m.data, &q, sizeof(q));
		m.len = sizeof(q);
		int rc = vx_client_call(l->net, &m, deadline);
		if (rc == VX_OK)
			return opened(s, l->net, &m, va, bit, deadline);
		if (rc != VX_E_EMPTY)
			return rc;
		/* None yet: wait for netd's NET_SEG_ACCEPT notice. */
		for (;;) {
			rc = rx_take(l, NULL, 0, NULL);
			if (rc == VX_OK)
				break; /* (rx_take allows only NET_SEG_ACCEPT here) */
			if (rc != VX_E_EMPTY)
				return rc;
			if ((rc = wait_ring(l, &l->rx, deadline)) != VX_OK)
				return rc;
		}
	}
}

/* --------------------------------------------------------------- closing */

int vx_sock_close(struct vx_sock *s, bool abort, uint64_t deadline)
{
	if (!s->open)
		return VX_E_STATE;
	/* NET_CLOSE first: netd would take Rings let go of first for a
	 * graceful close, and the close asked for may be an abort. */
	uint64_t d = (uint64_t)vx_clock() + CLOSE_NS;
	close_id(s->net, s->info.id, abort, d < deadline ? d : deadline);
	if (s->bound) {
		vx_ring_unbind(s->tx_h); /* (netd may have revoked them: no matter) */
		vx_ring_unbind(s->rx_h);
		vx_cap_delete(s->tx_h);
		vx_cap_delete(s->rx_h);
	}
	memset(s, 0, sizeof(*s));
	return VX_OK;
}
