/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP: the connection table, the socket calls and the timers (tcp.h).
 *
 * A connection slot is free when its state is CLOSED and no handle refers
 * to it (F_USER clear).  connect and accept hand out the slot's index as
 * the handle and set F_USER; close clears it.  A connection that reaches
 * CLOSED while a handle still refers to it stays in its slot, CLOSED,
 * with its error, until the owner closes the handle.  Half-open and
 * unaccepted connections belong to their listener (listener >= 0, F_USER
 * clear) and are freed when they fail.
 *
 * Each connection has four timers, absolute times in ns or
 * VX_TCP_NEVER: t_rexmit (SYN, SYN-ACK and data retransmission), t_persist
 * (zero-window probes), t_delack (delayed ACK) and t_close (TIME_WAIT,
 * and FIN_WAIT_2 of a closed socket).  vx_tcp_tick runs those that are
 * due; vx_tcp_next_deadline is their minimum.
 */
#include "net/net.h"
#include "net/tcp.h"
#include "net/tcp_impl.h"
#include "crypto/blake3.h"
#include "vectra/abi.h"
#include "vx_string.h"

static const char *const state_names[VX_TCP_NSTATES] = {
    "CLOSED",	  "LISTEN",	"SYN_SENT", "SYN_RCVD", "ESTABLISHED", "FIN_WAIT_1",
    "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING",  "LAST_ACK", "TIME_WAIT",
};

static const char *const stat_names[VX_TCP_NSTATS] = {
#define VX_TCP_STAT_NAME(field, name) name,
    VX_TCP_STATS(VX_TCP_STAT_NAME)
#undef VX_TCP_STAT_NAME
};

const char *vx_tcp_stat_name(unsigned i)
{
	return i < VX_TCP_NSTATS ? stat_names[i] : NULL;
}

uint64_t vx_tcp_stat(const struct vx_tcp_stats *s, unsigned i)
{
	uint64_t v[VX_TCP_NSTATS];

	_Static_assert(sizeof(*s) == sizeof(v), "every TCP counter is one uint64_t");
	if (i >= VX_TCP_NSTATS)
		return 0;
	memcpy(v, s, sizeof(v));
	return v[i];
}

const char *vx_net_all_counter_name(unsigned i)
{
	return i < VX_NETC_COUNT ? vx_net_counter_name(i) : vx_tcp_stat_name(i - VX_NETC_COUNT);
}

const char *vx_tcp_state_name(int state)
{
	if (state < 0 || state >= VX_TCP_NSTATES)
		return "?";
	return state_names[state];
}

bool vx_tcp_acceptable(uint32_t rcv_nxt, uint32_t rcv_wnd, uint32_t seq, uint32_t seg_len)
{
	uint32_t end = rcv_nxt + rcv_wnd;

	if (seg_len == 0 && rcv_wnd == 0)
		return seq == rcv_nxt;
	if (seg_len == 0)
		return vx_seq_leq(rcv_nxt, seq) && vx_seq_lt(seq, end);
	if (rcv_wnd == 0)
		return false;
	return (vx_seq_leq(rcv_nxt, seq) && vx_seq_lt(seq, end)) ||
	       (vx_seq_leq(rcv_nxt, seq + seg_len - 1) && vx_seq_lt(seq + seg_len - 1, end));
}

int vx_tcp_parse_options(const uint8_t *p, size_t n, struct vx_tcp_opts *o)
{
	size_t i = 0;

	memset(o, 0, sizeof(*o));
	while (i < n) {
		uint8_t kind = p[i], len;

		if (kind == 0) /* end of option list */
			break;
		if (kind == 1) { /* no-operation */
			i++;
			continue;
		}
		if (n - i < 2)
			return VX_E_CORRUPT;
		len = p[i + 1];
		if (len < 2 || len > n - i)
			return VX_E_CORRUPT;
		if (kind == 2) {
			if (len != 4)
				return VX_E_CORRUPT;
			o->has_mss = true;
			o->mss = tcp_get16(p + i + 2);
		} else if (kind == 3) {
			if (len != 3)
				return VX_E_CORRUPT;
			o->has_ws = true;
			o->ws = p[i + 2];
		} else if (kind == 4) {
			if (len != 2)
				return VX_E_CORRUPT;
			o->sack_ok = true;
		} else if (kind == 8) {
			if (len != 10)
				return VX_E_CORRUPT;
			o->has_ts = true;
			o->ts_val = tcp_get32(p + i + 2);
			o->ts_ecr = tcp_get32(p + i + 6);
		}
		i += len;
	}
	return VX_OK;
}

void vx_tcp_rtt_init(struct vx_tcp_rtt *r)
{
	r->srtt = 0;
	r->rttvar = 0;
	r->rto = VX_TCP_RTO_INIT;
	r->have = false;
}

/* RFC 6298 2.2 and 2.3, with K = 4, alpha = 1/8, beta = 1/4; then the
 * bounds of 2.4 and 2.5. */
void vx_tcp_rtt_sample(struct vx_tcp_rtt *r, uint64_t rtt)
{
	uint64_t var;

	if (!r->have) {
		r->srtt = rtt;
		r->rttvar = rtt / 2;
		r->have = true;
	} else {
		uint64_t d = r->srtt > rtt ? r->srtt - rtt : rtt - r->srtt;
		r->rttvar = (3 * r->rttvar + d) / 4;
		r->srtt = (7 * r->srtt + rtt) / 8;
	}
	var = 4 * r->rttvar;
	r->rto = r->srtt + (var > VX_TCP_CLOCK_G ? var : VX_TCP_CLOCK_G);
	if (r->rto < VX_TCP_RTO_MIN)
		r->rto = VX_TCP_RTO_MIN;
	if (r->rto > VX_TCP_RTO_MAX)
		r->rto = VX_TCP_RTO_MAX;
}

/* RFC 6528: ISN = M + F(4-tuple, key), M a 4 us clock and F the keyed
 * BLAKE3 of the tuple. */
uint32_t tcp_isn(const struct vx_tcp *t, const uint8_t laddr[4], uint16_t lport,
		 const uint8_t raddr[4], uint16_t rport)
{
	uint8_t in[12], out[4];

	memcpy(in, laddr, 4);
	memcpy(in + 4, raddr, 4);
	tcp_put16(in + 8, lport);
	tcp_put16(in + 10, rport);
	vx_blake3_keyed(t->cfg.isn_key, in, sizeof(in), out, sizeof(out));
	return tcp_get32(out) + (uint32_t)(t->now / 4000);
}

/* The MSS we announce: what fits our MTU after 40 bytes of headers. */
uint32_t tcp_local_mss(const struct vx_tcp *t)
{
	return t->cfg.mtu - 40;
}

/* The handle of slot c: its index. */
int tcp_handle(const struct vx_tcp *t, const struct vx_tcp_conn *c)
{
	return (int)(c - t->conn);
}

int vx_tcp_init(struct vx_tcp *t, const struct vx_tcp_config *cfg, uint64_t now)
{
	uint8_t h[4];

	if (!cfg || !cfg->output)
		return VX_E_INVAL;
	memset(&t->stats, 0, sizeof(t->stats));
	memset(t->lis, 0, sizeof(t->lis));
	t->cfg = *cfg;
	if (t->cfg.mtu == 0)
		t->cfg.mtu = VX_TCP_MTU_DEFAULT;
	if (t->cfg.mtu < VX_TCP_MTU_MIN)
		t->cfg.mtu = VX_TCP_MTU_MIN;
	if (t->cfg.mtu > VX_TCP_MTU_MAX)
		t->cfg.mtu = VX_TCP_MTU_MAX;
	if (t->cfg.msl_ns == 0)
		t->cfg.msl_ns = VX_TCP_MSL_DEFAULT;
	t->now = now;
	t->accept_clock = 0;
	/* The ephemeral port search starts at a secret place (RFC 6056). */
	vx_blake3_keyed(t->cfg.isn_key, "port", 4, h, sizeof(h));
	t->port_next = tcp_get32(h) % VX_TCP_EPHEMERAL_N;
	for (int i = 0; i < VX_TCP_MAX_CONNS; i++) {
		t->conn[i].state = VX_TCP_CLOSED;
		t->conn[i].flags = 0;
	}
	t->notify_conns = t->live_conns = 0;
	t->notify_lis = 0;
	return VX_OK;
}

/* The TIME_WAIT without a handle that ends soonest (the oldest), or NULL. */
static struct vx_tcp_conn *oldest_time_wait(struct vx_tcp *t)
{
	struct vx_tcp_conn *best = NULL;

	for (int i = 0; i < VX_TCP_MAX_CONNS; i++) {
		struct vx_tcp_conn *c = &t->conn[i];
		if (c->state == VX_TCP_TIME_WAIT && !(c->flags & F_USER) &&
		    (!best || c->t_close < best->t_close))
			best = c;
	}
	return best;
}

/* A free slot with its header reset and timers off, or NULL.  When none
 * is free, the oldest TIME_WAIT that no handle holds gives its slot up:
 * a full table of them would otherwise refuse every new connection for
 * 2 MSL.  Its peer has had most of the 2 MSL to see our last ACK, and
 * the ISN clock (RFC 6528) keeps a new incarnation's numbers ahead. */
struct vx_tcp_conn *tcp_conn_new(struct vx_tcp *t)
{
	struct vx_tcp_conn *c = NULL;

	for (int i = 0; i < VX_TCP_MAX_CONNS && !c; i++)
		if (t->conn[i].state == VX_TCP_CLOSED && !(t->conn[i].flags & F_USER))
			c = &t->conn[i];
	if (!c && (c = oldest_time_wait(t)) != NULL) {
		t->stats.time_wait_recycled++;
		tcp_conn_free(t, c);
	}
	if (c) {
		memset(c, 0, offsetof(struct vx_tcp_conn, sb));
		c->listener = -1;
		c->t_rexmit = c->t_persist = c->t_delack = c->t_close = VX_TCP_NEVER;
		vx_tcp_rtt_init(&c->rtt);
		c->born = ++t->accept_clock;
	}
	return c;
}

/* Give the slot back: CLOSED, no handle, no timers. */
void tcp_conn_free(struct vx_tcp *t, struct vx_tcp_conn *c)
{
	c->state = VX_TCP_CLOSED;
	c->flags = 0;
	t->live_conns &= ~(1ull << (c - t->conn));
	c->t_rexmit = c->t_persist = c->t_delack = c->t_close = VX_TCP_NEVER;
}

/* Enter state; mark the connection (and, while it is unaccepted, its
 * listener) for the event callback. */
void tcp_set_state(struct vx_tcp *t, struct vx_tcp_conn *c, int state)
{
	c->state = (uint8_t)state;
	if (state == VX_TCP_CLOSED)
		t->live_conns &= ~(1ull << (c - t->conn));
	else
		t->live_conns |= 1ull << (c - t->conn);
	tcp_mark(t, c);
	if (c->listener >= 0 && !(c->flags & F_USER))
		tcp_mark_listener(t, c->listener);
}

/* The connection is over.  A handle keeps it, CLOSED, until closed;
 * otherwise the slot is free now. */
void tcp_closed(struct vx_tcp *t, struct vx_tcp_conn *c)
{
	c->t_rexmit = c->t_persist = c->t_delack = c->t_close = VX_TCP_NEVER;
	if (c->flags & F_USER) {
		tcp_set_state(t, c, VX_TCP_CLOSED);
		return;
	}
	if (c->listener >= 0 && c->state != VX_TCP_SYN_RCVD)
		tcp_mark_listener(t, c->listener);
	tcp_conn_free(t, c);
}

/* End the connection with err (0 for a quiet end), without sending. */
void tcp_drop(struct vx_tcp *t, struct vx_tcp_conn *c, int err)
{
	if (err && !c->err)
		c->err = err;
	t->stats.conn_dropped++;
	tcp_closed(t, c);
}

/* Enter TIME_WAIT for 2 MSL; every other timer stops. */
void tcp_time_wait(struct vx_tcp *t, struct vx_tcp_conn *c)
{
	tcp_set_state(t, c, VX_TCP_TIME_WAIT);
	c->t_rexmit = c->t_persist = c->t_delack = VX_TCP_NEVER;
	c->t_close = t->now + 2 * t->cfg.msl_ns;
}

/* --- the socket calls ------------------------------------------------ */

static struct vx_tcp_conn *conn_of(struct vx_tcp *t, int h)
{
	if (h < 0 || h >= VX_TCP_MAX_CONNS || !(t->conn[h].flags & F_USER))
		return NULL;
	return &t->conn[h];
}

/* conn_of for the queries. */
static const struct vx_tcp_conn *conn_of_c(const struct vx_tcp *t, int h)
{
	if (h < 0 || h >= VX_TCP_MAX_CONNS || !(t->conn[h].flags & F_USER))
		return NULL;
	return &t->conn[h];
}

/* The listener index of handle h, or -1. */
static int listener_of(const struct vx_tcp *t, int h)
{
	int i = h - VX_TCP_LISTENER_BASE;

	if (i < 0 || i >= VX_TCP_MAX_LISTENERS || !t->lis[i].used)
		return -1;
	return i;
}

/* Every entry point: the clock only moves forward. */
static void enter(struct vx_tcp *t, uint64_t now)
{
	if (now > t->now)
		t->now = now;
}

int vx_tcp_listen(struct vx_tcp *t, const uint8_t addr[4], uint16_t port, unsigned backlog)
{
	static const uint8_t any[4];
	int free_i = -1;

	if (port == 0)
		return VX_E_INVAL;
	for (int i = 0; i < VX_TCP_MAX_LISTENERS; i++) {
		struct vx_tcp_listener *l = &t->lis[i];
		if (!l->used) {
			if (free_i < 0)
				free_i = i;
			continue;
		}
		if (l->port == port && (!memcmp(l->addr, addr, 4) || !memcmp(l->addr, any, 4) ||
					!memcmp(addr, any, 4)))
			return VX_E_EXISTS;
	}
	if (free_i < 0)
		return VX_E_FULL;
	if (backlog < 1)
		backlog = 1;
	if (backlog > VX_TCP_BACKLOG_MAX)
		backlog = VX_TCP_BACKLOG_MAX;
	t->lis[free_i].used = true;
	memcpy(t->lis[free_i].addr, addr, 4);
	t->lis[free_i].port = port;
	t->lis[free_i].backlog = (uint8_t)backlog;
	t->lis[free_i].notify = false;
	return VX_TCP_LISTENER_BASE + free_i;
}

int vx_tcp_accept(struct vx_tcp *t, int lh)
{
	int li = listener_of(t, lh);
	struct vx_tcp_conn *best = NULL;

	if (li < 0)
		return VX_E_BADHANDLE;
	for (int i = 0; i < VX_TCP_MAX_CONNS; i++) {
		struct vx_tcp_conn *c = &t->conn[i];
		if (c->listener != li || (c->flags & F_USER) || c->state == VX_TCP_CLOSED ||
		    c->state == VX_TCP_SYN_RCVD)
			continue;
		if (!best || c->born < best->born)
			best = c;
	}
	if (!best)
		return VX_E_EMPTY;
	best->flags |= F_USER;
	tcp_mark(t, best);
	best->listener = -1; /* the handle's now: once closed it must not be accepted again */
	t->stats.conn_accepted++;
	return tcp_handle(t, best);
}

/* Is local:port already in use towards remote:rport, or listened on? */
static bool port_in_use(const struct vx_tcp *t, const uint8_t local[4], uint16_t port,
			const uint8_t remote[4], uint16_t rport)
{
	for (int i = 0; i < VX_TCP_MAX_CONNS; i++) {
		const struct vx_tcp_conn *c = &t->conn[i];
		if ((c->state != VX_TCP_CLOSED || (c->flags & F_USER)) && c->lport == port &&
		    c->rport == rport && !memcmp(c->laddr, local, 4) &&
		    !memcmp(c->raddr, remote, 4))
			return true;
	}
	for (int i = 0; i < VX_TCP_MAX_LISTENERS; i++)
		if (t->lis[i].used && t->lis[i].port == port)
			return true;
	return false;
}

int vx_tcp_connect(struct vx_tcp *t, const uint8_t local[4], const uint8_t remote[4],
		   uint16_t rport, uint64_t now)
{
	static const uint8_t any[4];
	struct vx_tcp_conn *c;
	uint16_t port = 0;

	enter(t, now);
	if (rport == 0 || !memcmp(remote, any, 4) || !memcmp(local, any, 4))
		return VX_E_INVAL;
	for (uint32_t n = 0; n < VX_TCP_EPHEMERAL_N; n++) {
		uint16_t p = (uint16_t)(VX_TCP_EPHEMERAL_LO + t->port_next);
		t->port_next = (t->port_next + 1) % VX_TCP_EPHEMERAL_N;
		if (!port_in_use(t, local, p, remote, rport)) {
			port = p;
			break;
		}
	}
	if (port == 0)
		return VX_E_FULL;
	c = tcp_conn_new(t);
	if (!c)
		return VX_E_FULL;
	memcpy(c->laddr, local, 4);
	memcpy(c->raddr, remote, 4);
	c->lport = port;
	c->rport = rport;
	c->flags = F_USER | F_ACTIVE;
	c->iss = tcp_isn(t, local, port, remote, rport);
	c->snd_una = c->snd_nxt = c->snd_max = c->iss;
	c->sb_seq = c->iss + 1;
	c->recover = c->iss;
	c->mss = tcp_min(VX_TCP_MSS_DEFAULT, tcp_local_mss(t));
	c->rcv_ws = VX_TCP_RCV_WSCALE; /* offered; cleared if the peer does not */
	tcp_set_state(t, c, VX_TCP_SYN_SENT);
	t->stats.conn_opened++;
	tcp_send_syn(t, c);
	tcp_notify_all(t);
	return tcp_handle(t, c);
}

int vx_tcp_queue(struct vx_tcp *t, int h, const void *p, size_t n, uint64_t now)
{
	struct vx_tcp_conn *c = conn_of(t, h);
	uint32_t room, take, at, first;

	if (!c)
		return VX_E_BADHANDLE;
	enter(t, now);
	if (c->err)
		return c->err;
	if (c->flags & F_FIN_Q)
		return VX_E_STATE;
	if (c->state != VX_TCP_SYN_SENT && c->state != VX_TCP_SYN_RCVD &&
	    c->state != VX_TCP_ESTABLISHED && c->state != VX_TCP_CLOSE_WAIT)
		return VX_E_STATE;
	room = VX_TCP_SNDBUF - c->sb_len;
	take = n < room ? (uint32_t)n : room;
	if (take == 0)
		return 0;
	at = (c->sb_off + c->sb_len) % VX_TCP_SNDBUF;
	first = tcp_min(take, VX_TCP_SNDBUF - at);
	memcpy(c->sb + at, p, first);
	memcpy(c->sb, (const uint8_t *)p + first, take - first);
	c->sb_len += take;
	tcp_notify_all(t);
	return (int)take;
}

int vx_tcp_push(struct vx_tcp *t, int h, uint64_t now)
{
	struct vx_tcp_conn *c = conn_of(t, h);

	if (!c)
		return VX_E_BADHANDLE;
	enter(t, now);
	tcp_output(t, c);
	tcp_notify_all(t);
	return VX_OK;
}

int vx_tcp_send(struct vx_tcp *t, int h, const void *p, size_t n, uint64_t now)
{
	int r = vx_tcp_queue(t, h, p, n, now);

	if (r > 0)
		vx_tcp_push(t, h, now);
	return r;
}

/* After a read, is the window worth an ACK of its own?  The right edge
 * moves only once the window can grow by min(RCVBUF/2, MSS) (receiver
 * silly-window avoidance, RFC 9293 3.8.6.2.2), and every ACK we send
 * carries it; an ACK for the window alone goes only when the window we
 * announced (old) has fallen below half the largest we can announce,
 * and would at least double: a sender may then be held back by it.
 * Otherwise the ACKs of the data still coming carry the opened window,
 * and a sender that sends nothing has half the ring or more to send
 * in. */
static bool window_update_due(const struct vx_tcp_conn *c, uint32_t old)
{
	uint32_t wnd = tcp_rcv_wnd(c);
	uint32_t max = tcp_min(VX_TCP_RCVBUF, 0xffffu << c->rcv_ws);

	return wnd >= old + tcp_min(VX_TCP_RCVBUF / 2, c->mss) && old < max / 2 && wnd >= 2 * old;
}

int vx_tcp_recv(struct vx_tcp *t, int h, void *p, size_t n, uint64_t now)
{
	struct vx_tcp_conn *c = conn_of(t, h);
	uint32_t take, first, old_wnd;

	if (!c)
		return VX_E_BADHANDLE;
	enter(t, now);
	if (c->rb_len == 0) {
		if (c->err)
			return c->err;
		if (c->flags & F_FIN_RCVD)
			return 0;
		if (c->state == VX_TCP_CLOSED)
			return VX_E_STATE;
		return VX_E_AGAIN;
	}
	take = n < c->rb_len ? (uint32_t)n : c->rb_len;
	if (take == 0)
		return 0;
	first = tcp_min(take, VX_TCP_RCVBUF - c->rb_off);
	memcpy(p, c->rb + c->rb_off, first);
	memcpy((uint8_t *)p + first, c->rb, take - first);
	old_wnd = c->rcv_adv - c->rcv_nxt;
	c->rb_off = (c->rb_off + take) % VX_TCP_RCVBUF;
	c->rb_len -= take;
	if (c->state >= VX_TCP_ESTABLISHED && !(c->flags & F_FIN_RCVD) &&
	    window_update_due(c, old_wnd)) {
		t->stats.window_updates++;
		c->flags |= F_ACKNOW;
		tcp_output(t, c);
	}
	tcp_notify_all(t);
	return (int)take;
}

int vx_tcp_shutdown(struct vx_tcp *t, int h, uint64_t now)
{
	struct vx_tcp_conn *c = conn_of(t, h);

	if (!c)
		return VX_E_BADHANDLE;
	enter(t, now);
	if (c->flags & F_FIN_Q)
		return VX_E_STATE;
	switch (c->state) {
	case VX_TCP_SYN_SENT:
		/* Nothing was sent yet: just stop (RFC 9293 3.10.4). */
		tcp_drop(t, c, 0);
		tcp_notify_all(t);
		return VX_OK;
	case VX_TCP_SYN_RCVD:
	case VX_TCP_ESTABLISHED:
	case VX_TCP_CLOSE_WAIT:
		break;
	default:
		return VX_E_STATE;
	}
	c->flags |= F_FIN_Q;
	c->fin_seq = c->sb_seq + c->sb_len;
	if (c->state == VX_TCP_ESTABLISHED)
		tcp_set_state(t, c, VX_TCP_FIN_WAIT_1);
	else if (c->state == VX_TCP_CLOSE_WAIT)
		tcp_set_state(t, c, VX_TCP_LAST_ACK);
	/* SYN_RCVD moves to FIN_WAIT_1 when its SYN is acknowledged. */
	tcp_output(t, c);
	tcp_notify_all(t);
	return VX_OK;
}

/* Reset the listener's half-open and unaccepted connections, let its
 * accepted ones go, and free it. */
static void close_listener(struct vx_tcp *t, int li)
{
	for (int i = 0; i < VX_TCP_MAX_CONNS; i++) {
		struct vx_tcp_conn *c = &t->conn[i];
		if (c->listener != li || (c->flags & F_USER) || c->state == VX_TCP_CLOSED)
			continue;
		tcp_send_rst(t, c);
		tcp_drop(t, c, VX_E_BUSY);
	}
	for (int i = 0; i < VX_TCP_MAX_CONNS; i++)
		if (t->conn[i].listener == li)
			t->conn[i].listener = -1;
	t->lis[li].used = false;
}

int vx_tcp_close(struct vx_tcp *t, int h, uint64_t now)
{
	int li = listener_of(t, h);
	struct vx_tcp_conn *c;

	enter(t, now);
	if (li >= 0) {
		close_listener(t, li);
		return VX_OK;
	}
	c = conn_of(t, h);
	if (!c)
		return VX_E_BADHANDLE;
	c->flags &= (uint16_t)~F_USER;
	c->flags |= F_RDSHUT;
	if (c->state == VX_TCP_CLOSED) {
		tcp_conn_free(t, c);
		return VX_OK;
	}
	if (c->rb_len > 0 || c->state == VX_TCP_SYN_SENT) {
		/* Unread data would be lost: say so with RST (RFC 2525 2.17). */
		if (c->state != VX_TCP_SYN_SENT)
			tcp_send_rst(t, c);
		tcp_drop(t, c, 0);
		return VX_OK;
	}
	if (!(c->flags & F_FIN_Q)) {
		c->flags |= F_USER; /* shutdown needs the handle */
		vx_tcp_shutdown(t, h, now);
		c->flags &= (uint16_t)~F_USER;
	}
	if (c->state == VX_TCP_FIN_WAIT_2 && c->t_close == VX_TCP_NEVER)
		c->t_close = t->now + VX_TCP_FIN_WAIT2_MAX;
	tcp_notify_all(t);
	return VX_OK;
}

int vx_tcp_abort(struct vx_tcp *t, int h, uint64_t now)
{
	struct vx_tcp_conn *c;

	enter(t, now);
	if (listener_of(t, h) >= 0)
		return vx_tcp_close(t, h, now);
	c = conn_of(t, h);
	if (!c)
		return VX_E_BADHANDLE;
	if (c->state != VX_TCP_CLOSED && c->state != VX_TCP_SYN_SENT &&
	    c->state != VX_TCP_TIME_WAIT)
		tcp_send_rst(t, c);
	tcp_conn_free(t, c);
	return VX_OK;
}

int vx_tcp_state(const struct vx_tcp *t, int h)
{
	const struct vx_tcp_conn *c = conn_of_c(t, h);

	if (listener_of(t, h) >= 0)
		return VX_TCP_LISTEN;
	if (!c)
		return VX_E_BADHANDLE;
	return c->state;
}

int vx_tcp_error(const struct vx_tcp *t, int h)
{
	const struct vx_tcp_conn *c = conn_of_c(t, h);

	if (listener_of(t, h) >= 0)
		return VX_OK;
	if (!c)
		return VX_E_BADHANDLE;
	return c->err;
}

/* A listener is ready when an established connection waits. */
static uint32_t listener_events(const struct vx_tcp *t, int li)
{
	for (int i = 0; i < VX_TCP_MAX_CONNS; i++) {
		const struct vx_tcp_conn *c = &t->conn[i];
		if (c->listener == li && !(c->flags & F_USER) && c->state != VX_TCP_CLOSED &&
		    c->state != VX_TCP_SYN_RCVD)
			return VX_TCP_EV_ACCEPT;
	}
	return 0;
}

/* The event levels of a connection (tcp.h lists them). */
static uint32_t conn_events(const struct vx_tcp_conn *c)
{
	uint32_t ev = 0;
	bool open = c->state == VX_TCP_ESTABLISHED || c->state == VX_TCP_CLOSE_WAIT;

	if (c->rb_len || (c->flags & F_FIN_RCVD) || c->err)
		ev |= VX_TCP_EV_READABLE;
	if (open && !(c->flags & F_FIN_Q) && c->sb_len < VX_TCP_SNDBUF)
		ev |= VX_TCP_EV_WRITABLE;
	if (c->state >= VX_TCP_ESTABLISHED)
		ev |= VX_TCP_EV_CONNECTED;
	if (c->flags & F_FIN_RCVD)
		ev |= VX_TCP_EV_PEER_CLOSED;
	if (c->err)
		ev |= VX_TCP_EV_ERROR;
	if (c->state == VX_TCP_CLOSED)
		ev |= VX_TCP_EV_CLOSED;
	return ev;
}

uint32_t vx_tcp_events(const struct vx_tcp *t, int h)
{
	int li = listener_of(t, h);
	const struct vx_tcp_conn *c = conn_of_c(t, h);

	if (li >= 0)
		return listener_events(t, li);
	return c ? conn_events(c) : 0;
}

bool vx_tcp_fin_sent(const struct vx_tcp *t, int h)
{
	const struct vx_tcp_conn *c = conn_of_c(t, h);

	if (!c)
		return true;
	switch (c->state) {
	case VX_TCP_CLOSED:
	case VX_TCP_FIN_WAIT_2:
	case VX_TCP_TIME_WAIT:
		return true;
	default:
		return (c->flags & F_FIN_Q) && vx_seq_gt(c->snd_max, c->fin_seq);
	}
}

uint32_t vx_tcp_unacked(const struct vx_tcp *t, int h)
{
	const struct vx_tcp_conn *c = conn_of_c(t, h);

	return c ? c->sb_len : 0;
}

uint32_t vx_tcp_readable(const struct vx_tcp *t, int h)
{
	const struct vx_tcp_conn *c = conn_of_c(t, h);

	return c ? c->rb_len : 0;
}

/* The lowest set bit of mask at or above bit i, or -1: the loops below
 * visit the slots a mask names in the order i++ would, reading the mask
 * again at each step as they read each slot's mark. */
static int next_bit(uint64_t mask, int i)
{
	mask = i < 64 ? mask >> i : 0;
	return mask ? i + __builtin_ctzll(mask) : -1;
}

/* Tell config.event about every connection and listener marked. */
void tcp_notify_all(struct vx_tcp *t)
{
	for (int i = next_bit(t->notify_conns, 0); i >= 0; i = next_bit(t->notify_conns, i + 1)) {
		struct vx_tcp_conn *c = &t->conn[i];
		t->notify_conns &= ~(1ull << i);
		if (!(c->flags & F_NOTIFY))
			continue;
		c->flags &= (uint16_t)~F_NOTIFY;
		if ((c->flags & F_USER) && t->cfg.event)
			t->cfg.event(t->cfg.ctx, i, conn_events(c));
	}
	for (int i = next_bit(t->notify_lis, 0); i >= 0; i = next_bit(t->notify_lis, i + 1)) {
		t->notify_lis &= ~(1u << i);
		if (!t->lis[i].notify)
			continue;
		t->lis[i].notify = false;
		if (t->lis[i].used && t->cfg.event)
			t->cfg.event(t->cfg.ctx, VX_TCP_LISTENER_BASE + i, listener_events(t, i));
	}
}

/* --- timers ----------------------------------------------------------- */

static void timer_close(struct vx_tcp *t, struct vx_tcp_conn *c)
{
	c->t_close = VX_TCP_NEVER;
	if (c->state == VX_TCP_TIME_WAIT)
		t->stats.time_wait_done++;
	else if (c->state == VX_TCP_FIN_WAIT_2)
		t->stats.timeouts++;
	else
		return;
	tcp_closed(t, c);
}

/* Run the timers of c that are due at t->now, in the order close,
 * retransmit, persist, delayed ACK; a timer may end the connection. */
static void conn_tick(struct vx_tcp *t, struct vx_tcp_conn *c)
{
	if (c->t_close <= t->now)
		timer_close(t, c);
	if (c->state == VX_TCP_CLOSED)
		return;
	if (c->t_rexmit <= t->now)
		tcp_timer_rexmit(t, c);
	if (c->state == VX_TCP_CLOSED)
		return;
	if (c->t_persist <= t->now)
		tcp_timer_persist(t, c);
	if (c->t_delack <= t->now) {
		c->t_delack = VX_TCP_NEVER;
		t->stats.delayed_acks++;
		c->flags |= F_ACKNOW;
		tcp_output(t, c);
	}
}

void vx_tcp_tick(struct vx_tcp *t, uint64_t now)
{
	enter(t, now);
	for (int i = next_bit(t->live_conns, 0); i >= 0; i = next_bit(t->live_conns, i + 1))
		if (t->conn[i].state != VX_TCP_CLOSED)
			conn_tick(t, &t->conn[i]);
	tcp_notify_all(t);
}

uint64_t vx_tcp_next_deadline(const struct vx_tcp *t)
{
	uint64_t d = VX_TCP_NEVER;

	for (int i = next_bit(t->live_conns, 0); i >= 0; i = next_bit(t->live_conns, i + 1)) {
		const struct vx_tcp_conn *c = &t->conn[i];
		if (c->state == VX_TCP_CLOSED)
			continue;
		if (c->t_rexmit < d)
			d = c->t_rexmit;
		if (c->t_persist < d)
			d = c->t_persist;
		if (c->t_delack < d)
			d = c->t_delack;
		if (c->t_close < d)
			d = c->t_close;
	}
	return d;
}
