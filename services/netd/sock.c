/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * netd's sockets (vectra/proto/net.h, SOCKETS; docs/NET.md).
 *
 * A socket is a slot of N.sock: a TCP connection, a listener or a UDP
 * socket of lib/net, the connection that opened it, and for all but a
 * listener a Ring pair of N.pair, whose client ends the client holds.
 *
 * THE PAIRS
 *
 * init makes them (INIT_PAIR) and owns them, so that neither side's death
 * pulls memory from under the other.  netd asks for one the first time it
 * needs one more and keeps it for good: binds tx as its consumer and rx as
 * its producer, at PAIR_VA + i * PAIR_SPAN, both on SOCK_BIT.  It hands a
 * client the other ends with RING_SEND_CAP, which makes them children of
 * netd's own; to take a pair back it revokes them (the client's mapping
 * goes; a client that is still bound finds the Ring gone from under it,
 * which only happens once it has closed the socket or gone), empties both
 * Rings and drops any capability the client queued on tx.
 *
 * THE PUMP
 *
 * sock_pump runs every turn of netd's loop, after the card's frames went
 * into the stack.  For each socket it moves what it can, never waiting:
 * tx slots into TCP's send buffer (a slot taken in part stays in stage),
 * TCP's receive buffer into rx slots while rx has room; then it finishes
 * connects and accepts that completed or timed out, and closes what the
 * client closed or left.  Where it stopped for want of the client (tx
 * empty, rx full) it sets its waiting flag on that Ring, so the client's
 * next step rings SOCK_BIT.
 */
#include "netd.h"
#include "rt/errstr.h"
#include "net/addr.h"
#include "vectra/proto/init.h"
#include "vx_string.h"

/* A datagram as the stack holds it: at most its socket's queue. */
static uint8_t dgram[VX_UDP_RXQ_BYTES];

/* ---------------------------------------------------------------- pairs */

static int pair_bind(struct npair *p, uint32_t i)
{
	uint64_t va = PAIR_VA + (uint64_t)i * PAIR_SPAN;
	int rc;

	if ((rc = (int)vx_ring_bind(p->tx_h, VX_RING_CONSUMER, va, SOCK_BIT, &p->tx_info)) !=
		VX_OK ||
	    (rc = (int)vx_ring_bind(p->rx_h, VX_RING_PRODUCER, va + PAIR_RX, SOCK_BIT,
				    &p->rx_info)) != VX_OK)
		return rc;
	if ((rc = vx_ring_init(&p->tx, &p->tx_info, p->tx_h)) != VX_OK ||
	    (rc = vx_ring_init(&p->rx, &p->rx_info, p->rx_h)) != VX_OK)
		return rc;
	return VX_OK;
}

/* Asks init for pair i and binds netd's ends. */
static int pair_make(uint32_t i)
{
	struct npair *p = &N.pair[i];
	struct vx_msg m = {.op = INIT_PAIR};
	const struct init_pair_req r = {.slot_log2 = NET_SEG_SLOT_LOG2,
					.count_log2 = NET_SEG_COUNT_LOG2};
	int rc;

	if (!N.have_init)
		return VX_E_FULL;
	memcpy(m.data, &r, sizeof(r));
	m.len = sizeof(r);
	if ((rc = vx_client_call(&N.init, &m, now() + CALL_NS)) != VX_OK)
		return rc == VX_E_NOMEM ? VX_E_FULL : rc;
	int64_t a = m.ncaps == 2 ? vx_ring_recv_cap(N.init.rep_h) : VX_E_CORRUPT;
	int64_t b = m.ncaps == 2 ? vx_ring_recv_cap(N.init.rep_h) : VX_E_CORRUPT;
	if (a < 0 || b < 0) {
		if (a >= 0)
			vx_cap_delete((vx_handle_t)a);
		if (b >= 0)
			vx_cap_delete((vx_handle_t)b);
		return a < 0 ? (int)a : (int)b;
	}
	p->tx_h = (vx_handle_t)a;
	p->rx_h = (vx_handle_t)b;
	if ((rc = pair_bind(p, i)) != VX_OK) {
		say("netd: cannot bind a socket's Rings: %s\n", vx_errname(rc));
		vx_cap_delete(p->tx_h);
		vx_cap_delete(p->rx_h);
		return rc;
	}
	p->made = true;
	return VX_OK;
}

/* A free pair, made if need be: its index, or VX_E_FULL. */
static int pair_take(void)
{
	int fresh = -1;

	for (uint32_t i = 0; i < NET_SOCK_MAX; i++) {
		if (N.pair[i].made && !N.pair[i].busy) {
			N.pair[i].busy = true;
			return (int)i;
		}
		if (!N.pair[i].made && fresh < 0)
			fresh = (int)i;
	}
	if (fresh < 0)
		return VX_E_FULL;
	int rc = pair_make((uint32_t)fresh);
	if (rc != VX_OK)
		return rc;
	N.pair[fresh].busy = true;
	return fresh;
}

/* Takes the client's ends back and leaves the pair empty and free. */
static void pair_release(int i)
{
	struct npair *p = &N.pair[i];
	int64_t h;

	vx_cap_revoke(p->tx_h);
	vx_cap_revoke(p->rx_h);
	vx_ring_reset(&p->tx_info);
	vx_ring_reset(&p->rx_info);
	vx_ring_init(&p->tx, &p->tx_info, p->tx_h);
	vx_ring_init(&p->rx, &p->rx_info, p->rx_h);
	while ((h = vx_ring_recv_cap(p->tx_h)) >= 0 || h == VX_E_REVOKED)
		if (h >= 0)
			vx_cap_delete((vx_handle_t)h);
	p->busy = false;
}

/* Sends the client its two ends, ahead of the reply that says ncaps 2;
 * *binds0 is the tx Ring's producer bind count before any client binds
 * them (client_left compares). */
static int pair_give(int i, struct vx_server_conn *c, uint32_t *binds0)
{
	*binds0 =
	    VX_RING_PRODUCER_BINDS(__atomic_load_n(&N.pair[i].tx.ctl->bound, __ATOMIC_ACQUIRE));
	/* The client's first slot must wake netd: until the pump first finds
	 * tx empty nobody would have said netd waits, and the slot would sit
	 * until netd's next timer (a second). */
	vx_ring_set_waiting(&N.pair[i].tx, true);
	int64_t rc = vx_ring_send_cap(c->rep_h, N.pair[i].tx_h, VX_R_PRODUCE);

	if (rc >= 0)
		rc = vx_ring_send_cap(c->rep_h, N.pair[i].rx_h, VX_R_CONSUME);
	return rc < 0 ? (int)rc : VX_OK;
}

/* -------------------------------------------------------------- sockets */

static bool owner_alive(const struct nsock *s)
{
	return s->c->open && s->c->req_h == s->c_req && s->c->binds == s->c_binds;
}

static uint32_t id_of(const struct nsock *s)
{
	return (uint32_t)(s - N.sock) | (uint32_t)s->gen << 8;
}

/* Socket id of connection c, or NULL. */
static struct nsock *sock_of(const struct vx_server_conn *c, uint32_t id)
{
	uint32_t i = id & 0xff;

	if (i >= NET_SOCK_MAX || id >> 16)
		return NULL;
	struct nsock *s = &N.sock[i];
	if (!s->used || s->gen != (uint8_t)(id >> 8) || s->c != c || !owner_alive(s))
		return NULL;
	return s;
}

/* A free slot for connection c: NULL when netd or c has no more. */
static struct nsock *sock_new(struct vx_server_conn *c, uint8_t kind)
{
	struct nsock *fresh = NULL;
	uint32_t mine = 0;

	for (uint32_t i = 0; i < NET_SOCK_MAX; i++) {
		struct nsock *s = &N.sock[i];
		if (s->used && s->c == c && owner_alive(s))
			mine++;
		else if (!s->used && !fresh)
			fresh = s;
	}
	if (!fresh || mine >= NET_SOCK_PER_CONN)
		return NULL;
	uint8_t gen = (uint8_t)(fresh->gen + 1);
	memset(fresh, 0, offsetof(struct nsock, stage));
	fresh->gen = gen;
	fresh->used = true;
	fresh->kind = kind;
	fresh->c = c;
	fresh->c_req = c->req_h;
	fresh->c_binds = c->binds;
	fresh->h = -1;
	fresh->pair = -1;
	fresh->info.kind = kind;
	N.net.count[VX_NETC_SOCK_OPENED]++;
	return fresh;
}

/* Undoes sock_new for a request that failed before the socket existed. */
static void sock_drop(struct nsock *s)
{
	if (s->pair >= 0)
		pair_release(s->pair);
	s->pair = -1;
	s->used = false;
	N.net.count[VX_NETC_SOCK_OPENED]--;
}

/* A new socket of connection c with a Ring pair: NULL when a slot or a
 * pair is wanting (VX_E_FULL either way). */
static struct nsock *sock_new_paired(struct vx_server_conn *c, uint8_t kind)
{
	struct nsock *s = sock_new(c, kind);

	if (s && (s->pair = pair_take()) < 0) {
		s->pair = -1;
		sock_drop(s);
		return NULL;
	}
	return s;
}

static void sock_free(struct nsock *s)
{
	if (s->pair >= 0)
		pair_release(s->pair);
	s->pair = -1;
	s->used = false;
	N.net.count[VX_NETC_SOCK_CLOSED]++;
}

/* Answers s's deferred request with status (and its net_sock and Rings
 * when VX_OK); nothing goes to a connection that is gone. */
static void sock_answer(struct nsock *s, int status)
{
	struct vx_msg *m = &s->m;

	s->waiting = false;
	if (!owner_alive(s))
		return;
	m->ncaps = 0;
	m->len = 0;
	m->status = status;
	if (status == VX_OK) {
		memcpy(m->data, &s->info, sizeof(s->info));
		m->len = sizeof(s->info);
	}
	vx_server_reply(&N.srv, s->c, m);
}

static void fill_tcp_info(struct nsock *s)
{
	const struct vx_tcp_conn *k = &N.tcp.conn[s->h];

	s->info.id = id_of(s);
	s->info.kind = NET_SOCK_TCP;
	memcpy(s->info.laddr, k->laddr, 4);
	memcpy(s->info.raddr, k->raddr, 4);
	s->info.lport = k->lport;
	s->info.rport = k->rport;
}

/* The connection of a TCP socket is up: the client gets its Rings. */
static int tcp_hand_over(struct nsock *s)
{
	int rc = pair_give(s->pair, s->c, &s->binds0);

	if (rc != VX_OK)
		return rc;
	fill_tcp_info(s);
	s->connected = true;
	s->m.ncaps = 0;
	return VX_OK;
}

/* The oldest connection of listener l into a new socket, answered on m. */
static int accept_now(struct nsock *l, struct vx_msg *m)
{
	if (!(vx_tcp_events(&N.tcp, l->h) & VX_TCP_EV_ACCEPT))
		return VX_E_EMPTY;
	struct nsock *s = sock_new_paired(l->c, NET_SOCK_TCP);
	if (!s)
		return VX_E_FULL;
	s->h = vx_tcp_accept(&N.tcp, l->h);
	if (s->h < 0) {
		int rc = s->h;
		sock_drop(s);
		return rc;
	}
	int rc = tcp_hand_over(s);
	if (rc != VX_OK) {
		vx_tcp_abort(&N.tcp, s->h, now());
		sock_drop(s);
		return rc;
	}
	memcpy(m->data, &s->info, sizeof(s->info));
	m->len = sizeof(s->info);
	m->ncaps = 2;
	return VX_OK;
}

static bool udp_send_pending(struct nsock *s, int max);

/* Closes s: a listener and everything it has not handed out; a socket
 * gracefully (what its tx Ring still holds goes first: TCP's, then FIN;
 * UDP's datagrams) or not. */
static void sock_close(struct nsock *s, bool abort)
{
	if (s->dead) {
		sock_free(s);
		return;
	}
	if (s->waiting)
		sock_answer(s, VX_E_STATE);
	switch (s->kind) {
	case NET_SOCK_LISTEN:
		vx_tcp_close(&N.tcp, s->h, now());
		sock_free(s);
		return;
	case NET_SOCK_UDP:
		/* A sendto said VX_OK once its slot was in tx: a graceful
		 * close sends what tx still holds (the Ring is bounded, so
		 * is this), and only an abort drops it. */
		if (!abort && !udp_send_pending(s, 1 << VX_RING_COUNT_LOG2_MAX)) {
			sock_free(s); /* (a bad slot: bad_seg closed its port) */
			return;
		}
		vx_net_udp_close(&N.net, s->h);
		sock_free(s);
		return;
	}
	if (abort || !s->connected || s->tx_eof) {
		if (abort || !s->connected)
			vx_tcp_abort(&N.tcp, s->h, now());
		else
			vx_tcp_close(&N.tcp, s->h, now());
		sock_free(s);
		return;
	}
	/* The client's ends go now; netd's stay until tx is drained. */
	vx_cap_revoke(N.pair[s->pair].tx_h);
	vx_cap_revoke(N.pair[s->pair].rx_h);
	s->closing = true;
}

/* --------------------------------------------------------------- closing */

/* A graceful NET_CLOSE's reply waits for the close's last segment to
 * leave (docs/NET.md, "Closing"): a client that closes and exits at once
 * (netbench, whose exit stops the machine) must not take its FIN with it.
 * Called before the close, while s's handle is open.  NULL when every
 * slot waits already: then the reply goes at once, as it did before. */
static struct nclose *close_wait(struct nsock *s, const struct vx_msg *m)
{
	const struct vx_tcp_conn *k = &N.tcp.conn[s->h];

	for (uint32_t i = 0; i < NET_SOCK_MAX; i++) {
		struct nclose *w = &N.closing[i];
		if (w->used)
			continue;
		w->used = true;
		w->c = s->c;
		w->c_req = s->c_req;
		w->c_binds = s->c_binds;
		w->m = *m;
		memcpy(w->laddr, k->laddr, 4);
		memcpy(w->raddr, k->raddr, 4);
		w->lport = k->lport;
		w->rport = k->rport;
		/* Its FIN went already: wait for that frame, or for all in
		 * flight if it went before the card could number it. */
		w->mark = !vx_tcp_fin_sent(&N.tcp, s->h) ? 0
			  : s->fin_no			 ? s->fin_no
							 : N.nic.tx_posted;
		w->deadline = now() + CLOSE_WAIT_NS;
		return w;
	}
	return NULL;
}

struct nclose *close_watch(const uint8_t dst[4], const uint8_t *seg, size_t len)
{
	if (len < 20 || !(seg[13] & (VX_TCP_FIN | VX_TCP_RST)))
		return NULL;
	uint16_t lport = (uint16_t)(seg[0] << 8 | seg[1]), rport = (uint16_t)(seg[2] << 8 | seg[3]);
	for (uint32_t i = 0; i < NET_SOCK_MAX; i++) {
		struct nclose *w = &N.closing[i];
		if (w->used && w->mark == 0 && w->lport == lport && w->rport == rport &&
		    memcmp(w->raddr, dst, 4) == 0)
			return w;
	}
	return NULL;
}

/* Does segment seg (to dst) belong to TCP connection h? */
static bool seg_of(int h, const uint8_t dst[4], const uint8_t *seg)
{
	const struct vx_tcp_conn *k = &N.tcp.conn[h];

	return k->lport == (uint16_t)(seg[0] << 8 | seg[1]) &&
	       k->rport == (uint16_t)(seg[2] << 8 | seg[3]) && memcmp(k->raddr, dst, 4) == 0;
}

void close_posted(const uint8_t dst[4], const uint8_t *seg, size_t len, uint64_t no)
{
	struct nclose *w = close_watch(dst, seg, len);

	if (len < 20 || !(seg[13] & (VX_TCP_FIN | VX_TCP_RST)))
		return;
	if (w)
		w->mark = no;
	for (uint32_t i = 0; i < NET_SOCK_MAX; i++) {
		struct nsock *s = &N.sock[i];
		if (s->used && s->kind == NET_SOCK_TCP && s->h >= 0 && seg_of(s->h, dst, seg))
			s->fin_no = no;
	}
}

uint64_t close_pump(uint64_t t)
{
	uint64_t next = UINT64_MAX;

	for (uint32_t i = 0; i < NET_SOCK_MAX; i++) {
		struct nclose *w = &N.closing[i];
		if (!w->used)
			continue;
		bool alive = w->c->open && w->c->req_h == w->c_req && w->c->binds == w->c_binds;
		bool gone = w->mark != 0 && vx_netif_tx_gone(&N.nic, w->mark);
		if (alive && !gone && t < w->deadline && N.card) {
			if (w->deadline < next)
				next = w->deadline;
			/* Frames posted lazily are answered when the driver
			 * wakes: wake it at this turn's flush. */
			vx_netif_poke(&N.nic);
			continue;
		}
		if (alive) {
			w->m.status = VX_OK;
			w->m.len = 0;
			w->m.ncaps = 0;
			vx_server_reply(&N.srv, w->c, &w->m);
		}
		w->used = false;
	}
	return next;
}

/* -------------------------------------------------------------- requests */

static int open_listener(struct vx_server_conn *c, struct vx_msg *m, const struct net_socket_req *q)
{
	static const uint8_t any[4];
	struct nsock *s = sock_new_paired(c, NET_SOCK_LISTEN);
	int rc;

	if (!s)
		return VX_E_FULL;
	s->h = vx_tcp_listen(&N.tcp, any, q->port, q->backlog);
	if (s->h < 0) {
		rc = s->h;
		sock_drop(s);
		return rc;
	}
	if ((rc = pair_give(s->pair, c, &s->binds0)) != VX_OK) {
		vx_tcp_close(&N.tcp, s->h, now());
		sock_drop(s);
		return rc;
	}
	s->info.id = id_of(s);
	s->info.lport = q->port;
	s->connected = true;
	memcpy(m->data, &s->info, sizeof(s->info));
	m->len = sizeof(s->info);
	m->ncaps = 2;
	return VX_OK;
}

static int open_udp(struct vx_server_conn *c, struct vx_msg *m, const struct net_socket_req *q)
{
	struct nsock *s = sock_new_paired(c, NET_SOCK_UDP);
	int rc;

	if (!s)
		return VX_E_FULL;
	if ((s->h = vx_net_udp_open(&N.net, q->port)) < 0) {
		rc = s->h;
		sock_drop(s);
		return rc;
	}
	if ((rc = pair_give(s->pair, c, &s->binds0)) != VX_OK) {
		vx_net_udp_close(&N.net, s->h);
		sock_drop(s);
		return rc;
	}
	s->info.id = id_of(s);
	memcpy(s->info.laddr, N.net.ip, 4);
	s->info.lport = (uint16_t)vx_net_udp_port(&N.net, s->h);
	memcpy(s->info.raddr, q->addr, 4);
	s->info.rport = q->peer_port;
	s->connected = true;
	memcpy(m->data, &s->info, sizeof(s->info));
	m->len = sizeof(s->info);
	m->ncaps = 2;
	return VX_OK;
}

static int open_tcp(struct vx_server_conn *c, struct vx_msg *m, const struct net_socket_req *q)
{
	if (!N.net.ip[0])
		return VX_E_STATE;
	/* Decoded before anything is made: its SYN goes out later, where a
	 * refusal would only show as a timeout (docs/NET.md: loopback, our
	 * own address and broadcast are VX_E_INVAL). */
	if (!vx_net_unicast_ok(&N.net, q->addr))
		return VX_E_INVAL;
	struct nsock *s = sock_new_paired(c, NET_SOCK_TCP);
	if (!s)
		return VX_E_FULL;
	s->h = vx_tcp_connect(&N.tcp, N.net.ip, q->addr, q->port, now());
	if (s->h < 0) {
		int rc = s->h;
		sock_drop(s);
		return rc;
	}
	s->waiting = true;
	s->m = *m;
	s->deadline = now() + (uint64_t)q->timeout_ms * MS;
	return VX_OK;
}

enum vx_svc_disp sock_request(struct vx_server_conn *c, struct vx_msg *m, const struct net_req *r)
{
	struct nsock *s;
	int rc;

	switch (r->op) {
	case NET_SOCKET:
		if (r->sock.kind == NET_SOCK_LISTEN)
			rc = open_listener(c, m, &r->sock);
		else if (r->sock.kind == NET_SOCK_UDP)
			rc = open_udp(c, m, &r->sock);
		else if ((rc = open_tcp(c, m, &r->sock)) == VX_OK)
			return VX_SVC_DEFER;
		break;
	case NET_ACCEPT:
		s = sock_of(c, r->accept.id);
		if (!s || s->kind != NET_SOCK_LISTEN) {
			rc = VX_E_BADHANDLE;
			break;
		}
		if (s->waiting) {
			rc = VX_E_BUSY;
			break;
		}
		rc = accept_now(s, m);
		if (rc == VX_E_EMPTY && r->accept.timeout_ms) {
			s->waiting = true;
			s->m = *m;
			s->deadline = now() + (uint64_t)r->accept.timeout_ms * MS;
			return VX_SVC_DEFER;
		}
		break;
	case NET_CLOSE:
		s = sock_of(c, r->close.id);
		if (!s || s->closing) {
			rc = VX_E_BADHANDLE;
			break;
		}
		if (s->kind == NET_SOCK_TCP && s->connected && !s->dead) {
			struct nclose *w = close_wait(s, m);
			sock_close(s, r->close.how == NET_CLOSE_ABORT);
			if (w && w->mark == 0 && r->close.how == NET_CLOSE_ABORT)
				w->mark = N.nic.tx_posted; /* no RST went: nothing to wait for */
			if (w)
				return VX_SVC_DEFER;
		} else {
			sock_close(s, r->close.how == NET_CLOSE_ABORT);
		}
		rc = VX_OK;
		break;
	case NET_CANCEL:
		/* The deadline is brought to now: the pump, which runs next,
		 * answers the request as its timeout would, or with the socket
		 * if the handshake is done. */
		rc = VX_E_NOTFOUND;
		for (uint32_t i = 0; i < NET_SOCK_MAX; i++) {
			s = &N.sock[i];
			if (s->used && s->waiting && s->c == c && owner_alive(s) &&
			    s->m.seq == r->cancel.seq) {
				s->deadline = 0;
				rc = VX_OK;
				break;
			}
		}
		break;
	default:
		rc = VX_E_NOSYS;
	}
	m->status = rc;
	if (rc != VX_OK) {
		m->len = 0;
		m->ncaps = 0;
	}
	return VX_SVC_REPLY;
}

/* ------------------------------------------------------------------ pump */

/* The client wrote a slot netd cannot take: the connection or socket
 * ends at once (TCP: reset), and the client is told why in rx if there is
 * room.  Its Rings stay its own until it closes the socket or lets go of
 * them: netd never takes them from under a client that may be reading. */
static void bad_seg(struct nsock *s)
{
	struct npair *p = &N.pair[s->pair];

	N.net.count[VX_NETC_SOCK_BAD_SEG]++;
	if (!s->rx_end) {
		struct net_seg e = {.kind = NET_SEG_ERROR, .error = VX_E_CORRUPT};
		if (vx_ring_try_send(&p->rx, &e, NET_SEG_HDR) == VX_OK)
			vx_ring_kick(&p->rx);
		s->rx_end = true;
	}
	if (s->waiting)
		sock_answer(s, VX_E_STATE);
	if (s->kind == NET_SOCK_UDP)
		vx_net_udp_close(&N.net, s->h);
	else if (s->kind == NET_SOCK_LISTEN)
		vx_tcp_close(&N.tcp, s->h, now());
	else
		vx_tcp_abort(&N.tcp, s->h, now());
	s->dead = true;
}

/* Takes the next tx slot into stage: 1 when one came, 0 when tx is empty,
 * -1 when it was bad (the socket is gone). */
static int tx_next(struct nsock *s)
{
	struct npair *p = &N.pair[s->pair];
	size_t n;
	int rc = vx_ring_try_recv(&p->tx, &s->stage, sizeof(s->stage), &n);

	if (rc == VX_E_EMPTY) {
		vx_ring_set_waiting(&p->tx, true);
		if (vx_ring_poll(&p->tx) == 0)
			return 0;
		vx_ring_set_waiting(&p->tx, false);
		rc = vx_ring_try_recv(&p->tx, &s->stage, sizeof(s->stage), &n);
	}
	if (rc != VX_OK) {
		if (rc == VX_E_EMPTY)
			return 0;
		bad_seg(s);
		return -1;
	}
	vx_ring_set_waiting(&p->tx, false);
	vx_ring_kick(&p->tx);
	const struct net_seg *g = &s->stage;
	bool ok = g->len <= NET_SEG_DATA_MAX && g->error == 0 && g->reserved == 0;
	if (s->kind == NET_SOCK_TCP)
		ok = ok && (g->kind == NET_SEG_DATA || (g->kind == NET_SEG_EOF && g->len == 0)) &&
		     (g->addr[0] | g->addr[1] | g->addr[2] | g->addr[3] | g->port) == 0;
	else
		ok = ok && g->kind == NET_SEG_DATA;
	if (!ok || s->tx_eof) {
		bad_seg(s);
		return -1;
	}
	s->off = 0;
	s->len = g->kind == NET_SEG_DATA ? g->len : 0;
	return 1;
}

/* Is there a free rx slot?  When not, the waiting flag is left set, so
 * that the client's next read rings SOCK_BIT. */
static bool rx_room(struct npair *p)
{
	if (vx_ring_poll(&p->rx) > 0)
		return true;
	vx_ring_set_waiting(&p->rx, true);
	if (vx_ring_poll(&p->rx) <= 0)
		return false;
	vx_ring_set_waiting(&p->rx, false);
	return true;
}

/* One slot into rx, which rx_room said has room. */
static void rx_put(struct nsock *s, const struct net_seg *g)
{
	if (vx_ring_try_send(&N.pair[s->pair].rx, g, NET_SEG_HDR + g->len) == VX_OK)
		N.net.count[VX_NETC_SOCK_RX_BYTES] += g->len;
}

static void tcp_pump(struct nsock *s, uint64_t t)
{
	struct npair *p = &N.pair[s->pair];
	bool moved = false, queued = false;

	/* tx: slots into TCP's send buffer, while it takes them, then one
	 * push: the slots' bytes go as full segments, not each slot with a
	 * short segment at its end.  After EOF nothing may come: a slot then
	 * is a bad one (tx_next). */
	for (int turn = 0; turn < 64; turn++) {
		if (s->off == s->len) {
			int got = tx_next(s);
			if (got < 0)
				return;
			if (got == 0)
				break;
			if (s->stage.kind == NET_SEG_EOF) {
				s->tx_eof = true;
				vx_tcp_shutdown(&N.tcp, s->h, t);
				break;
			}
			N.net.count[VX_NETC_SOCK_TX_BYTES] += s->len;
		}
		int n = vx_tcp_queue(&N.tcp, s->h, s->stage.data + s->off, s->len - s->off, t);
		if (n <= 0)
			break; /* full, or the connection failed: rx says how */
		s->off += (uint32_t)n;
		queued = true;
	}
	if (queued)
		vx_tcp_push(&N.tcp, s->h, t);
	/* rx: what TCP received, straight into the rx slots, while rx has
	 * room.  The slot is the client's memory too: netd only writes it,
	 * and counts from its own n. */
	for (int turn = 0; turn < 64 && !s->rx_end && !s->closing; turn++) {
		if (vx_tcp_readable(&N.tcp, s->h) == 0 &&
		    !(vx_tcp_events(&N.tcp, s->h) & (VX_TCP_EV_PEER_CLOSED | VX_TCP_EV_ERROR)))
			break;
		struct net_seg *g = rx_room(p) ? vx_ring_claim(&p->rx) : NULL;
		if (!g)
			break;
		int n = vx_tcp_recv(&N.tcp, s->h, g->data, NET_SEG_DATA_MAX, t);
		if (n == VX_E_AGAIN)
			break;
		memset(g, 0, NET_SEG_HDR);
		if (n > 0) {
			g->kind = NET_SEG_DATA;
			g->len = (uint16_t)n;
		} else {
			g->kind = n == 0 ? NET_SEG_EOF : NET_SEG_ERROR;
			g->error = n;
			s->rx_end = true;
		}
		if (vx_ring_publish(&p->rx, NET_SEG_HDR + (n > 0 ? (uint32_t)n : 0)) == VX_OK)
			N.net.count[VX_NETC_SOCK_RX_BYTES] += n > 0 ? (uint32_t)n : 0;
		moved = true;
	}
	if (moved)
		vx_ring_kick(&p->rx);
}

/* Sends up to max of the datagrams s's tx Ring holds; false when a bad
 * slot ended the socket. */
static bool udp_send_pending(struct nsock *s, int max)
{
	for (int turn = 0; turn < max; turn++) {
		int got = tx_next(s);
		if (got < 0)
			return false;
		if (got == 0)
			break;
		const uint8_t *dst = s->stage.addr;
		uint16_t dport = s->stage.port;
		if ((dst[0] | dst[1] | dst[2] | dst[3]) == 0) {
			dst = s->info.raddr;
			dport = s->info.rport;
		}
		if ((dst[0] | dst[1] | dst[2] | dst[3]) == 0 || dport == 0) {
			bad_seg(s);
			return false;
		}
		N.net.count[VX_NETC_SOCK_TX_BYTES] += s->len;
		vx_net_udp_sendto(&N.net, s->h, dst, dport, s->stage.data, s->len);
		s->off = s->len = 0;
	}
	return true;
}

static void udp_pump(struct nsock *s)
{
	static struct net_seg g;
	struct npair *p = &N.pair[s->pair];
	bool moved = false;
	uint8_t src[4];
	uint16_t sport;

	if (!udp_send_pending(s, 64))
		return;
	for (int turn = 0; turn < 64 && rx_room(p); turn++) {
		int n = vx_net_udp_recvfrom(&N.net, s->h, dgram, sizeof(dgram), src, &sport);
		if (n < 0)
			break;
		const uint8_t *peer = s->info.raddr;
		if ((peer[0] | peer[1] | peer[2] | peer[3]) &&
		    (memcmp(src, peer, 4) != 0 || sport != s->info.rport)) {
			N.net.count[VX_NETC_SOCK_UDP_FOREIGN]++;
			continue;
		}
		if (n > (int)NET_SEG_DATA_MAX) {
			N.net.count[VX_NETC_SOCK_UDP_TOOBIG]++;
			continue;
		}
		memset(&g, 0, NET_SEG_HDR);
		g.kind = NET_SEG_DATA;
		g.len = (uint16_t)n;
		memcpy(g.addr, src, 4);
		g.port = sport;
		memcpy(g.data, dgram, (size_t)n);
		rx_put(s, &g);
		moved = true;
	}
	if (moved)
		vx_ring_kick(&p->rx);
}

/* Has the client let go of both its ends (after holding them)? */
static bool client_left(struct nsock *s)
{
	const struct npair *p = &N.pair[s->pair];
	uint32_t tx = __atomic_load_n(&p->tx.ctl->bound, __ATOMIC_ACQUIRE);
	uint32_t rx = __atomic_load_n(&p->rx.ctl->bound, __ATOMIC_ACQUIRE);
	bool bound = (tx & VX_RING_BOUND_PRODUCER) || (rx & VX_RING_BOUND_CONSUMER);

	if (bound)
		s->client_seen = true;
	return !bound && (s->client_seen || VX_RING_PRODUCER_BINDS(tx) != s->binds0);
}

/* A connecting socket: up, failed, or out of time. */
static void tcp_connecting(struct nsock *s, uint64_t t, uint64_t *next)
{
	int st = vx_tcp_state(&N.tcp, s->h);
	int err = vx_tcp_error(&N.tcp, s->h);

	if (st == VX_TCP_SYN_SENT && t < s->deadline) {
		if (s->deadline < *next)
			*next = s->deadline;
		return;
	}
	if (st == VX_TCP_SYN_SENT || (st == VX_TCP_CLOSED && err == VX_OK))
		err = VX_E_TIMEOUT;
	if (st != VX_TCP_CLOSED && st != VX_TCP_SYN_SENT) {
		int rc = tcp_hand_over(s);
		if (rc == VX_OK) {
			s->waiting = false;
			if (!owner_alive(s))
				return; /* the pump closes it */
			s->m.ncaps = 2;
			s->m.status = VX_OK;
			memcpy(s->m.data, &s->info, sizeof(s->info));
			s->m.len = sizeof(s->info);
			vx_server_reply(&N.srv, s->c, &s->m);
			return;
		}
		err = rc;
	}
	vx_tcp_abort(&N.tcp, s->h, t);
	sock_answer(s, err);
	sock_free(s);
}

static void listener_pump(struct nsock *s, uint64_t t, uint64_t *next)
{
	struct npair *p = &N.pair[s->pair];
	size_t n;

	/* Its tx takes nothing; a slot there is a bad one. */
	if (vx_ring_try_recv(&p->tx, &s->stage, sizeof(s->stage), &n) != VX_E_EMPTY) {
		bad_seg(s);
		return;
	}
	vx_ring_set_waiting(&p->tx, true);
	/* One NET_SEG_ACCEPT notice in rx while a connection waits. */
	if ((vx_tcp_events(&N.tcp, s->h) & VX_TCP_EV_ACCEPT) &&
	    vx_ring_poll(&p->rx) == (int)p->rx.slot_count) {
		static const struct net_seg notice = {.kind = NET_SEG_ACCEPT};
		rx_put(s, &notice);
		vx_ring_kick(&p->rx);
	}
	if (!s->waiting)
		return;
	int rc = accept_now(s, &s->m);
	if (rc == VX_OK) {
		s->waiting = false;
		s->m.status = VX_OK;
		vx_server_reply(&N.srv, s->c, &s->m);
	} else if (rc != VX_E_EMPTY || t >= s->deadline) {
		sock_answer(s, rc == VX_E_EMPTY ? VX_E_TIMEOUT : rc);
	} else if (s->deadline < *next) {
		*next = s->deadline;
	}
}

uint64_t sock_pump(uint64_t t)
{
	uint64_t next = UINT64_MAX;

	for (uint32_t i = 0; i < NET_SOCK_MAX; i++) {
		struct nsock *s = &N.sock[i];
		if (!s->used)
			continue;
		if (!owner_alive(s) && !s->closing) {
			N.net.count[VX_NETC_SOCK_HANGUP]++;
			sock_close(s, false);
			if (!s->used)
				continue;
		}
		if (s->kind == NET_SOCK_TCP && !s->connected) {
			tcp_connecting(s, t, &next);
			continue;
		}
		if (!s->closing && client_left(s)) {
			N.net.count[VX_NETC_SOCK_HANGUP]++;
			sock_close(s, false);
			if (!s->used)
				continue;
		}
		if (s->dead)
			continue;
		if (s->kind == NET_SOCK_LISTEN) {
			listener_pump(s, t, &next);
			continue;
		}
		if (s->kind == NET_SOCK_UDP) {
			udp_pump(s);
			continue;
		}
		tcp_pump(s, t);
		if (!s->used)
			continue;
		/* A closing socket ends once its tx is drained into TCP, or
		 * its connection failed. */
		if (s->closing && (s->tx_eof || vx_tcp_error(&N.tcp, s->h) != VX_OK ||
				   (s->off == s->len && vx_ring_poll(&N.pair[s->pair].tx) == 0))) {
			vx_tcp_close(&N.tcp, s->h, t);
			sock_free(s);
		}
	}
	return next;
}
