/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP input: a segment's way from the IP layer into a connection.
 *
 *   1. checks: length, data offset, checksum with the pseudo-header,
 *      options, ports and addresses; a failure is counted and dropped
 *   2. demultiplex: the connection with this 4-tuple, else a listener on
 *      the port, else a RST reply (never to a RST)
 *   3. LISTEN: a SYN makes a half-open connection, within the listener's
 *      backlog; when that is full the oldest half-open one is evicted, so
 *      a flood of SYNs costs at most the backlog and a real client still
 *      gets in
 *   4. SYN_SENT: RFC 9293 3.10.7.3, including simultaneous open
 *   5. the other states, in RFC 9293 3.10.7.4's order: acceptability
 *      (trimming what lies outside the window), RST (exactly rcv_nxt
 *      resets, else a challenge ACK, RFC 5961 3), SYN (a challenge ACK,
 *      RFC 5961 4), ACK (RFC 5961 5, NewReno, windows), data, FIN
 *
 * Data goes into the receive ring at its offset from rcv_nxt.  In-order
 * data extends rb_len; data beyond a hole is kept where it belongs and
 * remembered as one of VX_TCP_OOO_MAX ranges, merged with its neighbours.
 * When the hole fills, the ranges it reaches are absorbed.  A segment that
 * would need a range beyond the limit is dropped (ooo_dropped) and the
 * sender retransmits it.
 */
#include "net/cksum.h"
#include "net/tcp.h"
#include "net/tcp_impl.h"
#include "vectra/abi.h"
#include "vx_string.h"

#define MSS_FLOOR 64 /* a peer's MSS option below this is raised to it */

/* RFC 5681 3.1's initial window. */
static uint32_t initial_window(uint32_t mss)
{
	uint32_t w = 4380 > 2 * mss ? 4380 : 2 * mss;
	return w < 4 * mss ? w : 4 * mss;
}

/* RFC 5961 7 limits challenge ACKs.  The limit is per connection: a
 * limit shared by all of them lets an off-path attacker count another
 * connection's challenge ACKs by exhausting it (CVE-2016-5696). */
/* May c send one more challenge ACK this second? */
static bool ack_budget(struct vx_tcp *t, struct vx_tcp_conn *c)
{
	uint64_t sec = t->now / VX_TCP_SEC;

	if (sec != c->chal_sec) {
		c->chal_sec = sec;
		c->chal_n = 0;
	}
	if (c->chal_n >= VX_TCP_CHALLENGE_MAX) {
		t->stats.challenge_limited++;
		return false;
	}
	c->chal_n++;
	return true;
}

void tcp_challenge_ack(struct vx_tcp *t, struct vx_tcp_conn *c)
{
	if (!ack_budget(t, c))
		return;
	t->stats.challenge_acks++;
	tcp_send_ack(t, c);
}

/* The options of a SYN: the send MSS and the window shifts. */
static void syn_options(struct vx_tcp *t, struct vx_tcp_conn *c, const struct tcp_seg *s)
{
	uint32_t mss = s->opts.has_mss ? s->opts.mss : VX_TCP_MSS_DEFAULT;

	if (mss < MSS_FLOOR)
		mss = MSS_FLOOR;
	c->mss = tcp_min(mss, tcp_local_mss(t));
	if (s->opts.has_ws) {
		c->snd_ws = s->opts.ws > 14 ? 14 : s->opts.ws;
		c->rcv_ws = VX_TCP_RCV_WSCALE;
	} else {
		c->snd_ws = 0;
		c->rcv_ws = 0;
	}
	/* Timestamps: we offer them in every SYN we start with, so the
	 * peer's SYN or SYN-ACK decides; each costs 12 bytes of a segment. */
	if (s->opts.has_ts) {
		c->flags |= F_TS;
		c->ts_recent = s->opts.ts_val;
		c->mss = c->mss - 12 < MSS_FLOOR ? MSS_FLOOR : c->mss - 12;
	}
	c->irs = s->seq;
	c->rcv_nxt = s->seq + 1;
	c->rcv_adv = c->rcv_nxt + tcp_rcv_wnd(c);
	c->snd_wnd = s->wnd; /* a SYN's window is never scaled (RFC 7323 2.2) */
	c->max_sndwnd = c->snd_wnd;
	c->snd_wl1 = s->seq;
}

/* The handshake is done: start congestion control (RFC 5681 3.1). */
static void established(struct vx_tcp *t, struct vx_tcp_conn *c)
{
	tcp_set_state(t, c, (c->flags & F_FIN_Q) ? VX_TCP_FIN_WAIT_1 : VX_TCP_ESTABLISHED);
	c->cwnd = initial_window(c->mss);
	c->ssthresh = 1u << 30;
	c->retries = 0;
	c->backoff = 0;
	if (c->rexmits) {
		/* Our SYN or SYN-ACK was lost: start with one segment (RFC
		 * 5681 3.1) and, without a sample, a 3 s RTO (RFC 6298 5.7). */
		c->cwnd = c->mss;
		if (!c->rtt.have)
			c->rtt.rto = 3 * VX_TCP_SEC;
	}
	t->stats.conn_established++;
}

/* The oldest half-open connection of listener li (any listener if -1). */
static struct vx_tcp_conn *oldest_half_open(struct vx_tcp *t, int li)
{
	struct vx_tcp_conn *best = NULL;

	for (int i = 0; i < VX_TCP_MAX_CONNS; i++) {
		struct vx_tcp_conn *c = &t->conn[i];
		if (c->state != VX_TCP_SYN_RCVD || c->listener < 0 || (c->flags & F_USER))
			continue;
		if (li >= 0 && c->listener != li)
			continue;
		if (!best || c->born < best->born)
			best = c;
	}
	return best;
}

/* Half-open and unaccepted connections of listener li. */
static unsigned listener_load(const struct vx_tcp *t, int li)
{
	unsigned n = 0;

	for (int i = 0; i < VX_TCP_MAX_CONNS; i++) {
		const struct vx_tcp_conn *c = &t->conn[i];
		if (c->listener == li && !(c->flags & F_USER) && c->state != VX_TCP_CLOSED)
			n++;
	}
	return n;
}

/* A segment for a listener (RFC 9293 3.10.7.2). */
static void listen_input(struct vx_tcp *t, int li, const uint8_t src[4], const uint8_t dst[4],
			 const struct tcp_seg *s)
{
	struct vx_tcp_conn *c, *old;

	if (s->flags & VX_TCP_RST) {
		t->stats.rst_ignored++;
		return;
	}
	if (s->flags & VX_TCP_ACK) {
		tcp_reply_rst(t, src, dst, s);
		return;
	}
	if ((s->flags & (VX_TCP_SYN | VX_TCP_FIN)) != VX_TCP_SYN) {
		t->stats.bad_flags++;
		return;
	}
	t->stats.syn_rcvd++;
	old = NULL;
	if (listener_load(t, li) >= t->lis[li].backlog) {
		old = oldest_half_open(t, li);
		if (!old) {
			t->stats.syn_dropped++;
			return;
		}
	}
	c = old ? NULL : tcp_conn_new(t);
	if (!c && !old)
		old = oldest_half_open(t, -1);
	if (old) {
		t->stats.syn_evicted++;
		tcp_conn_free(t, old);
		c = tcp_conn_new(t);
	}
	if (!c) {
		t->stats.syn_dropped++;
		return;
	}
	memcpy(c->laddr, dst, 4);
	memcpy(c->raddr, src, 4);
	c->lport = s->dport;
	c->rport = s->sport;
	c->listener = (int8_t)li;
	syn_options(t, c, s);
	c->iss = tcp_isn(t, dst, s->dport, src, s->sport);
	c->snd_una = c->snd_nxt = c->snd_max = c->iss;
	c->sb_seq = c->iss + 1;
	c->recover = c->iss;
	c->snd_wl2 = c->iss;
	c->flags |= F_TIMING;
	c->rtt_seq = c->iss;
	c->rtt_start = t->now;
	tcp_set_state(t, c, VX_TCP_SYN_RCVD);
	tcp_send_syn(t, c);
}

/* A segment for a connection in SYN_SENT (RFC 9293 3.10.7.3). */
static void syn_sent_input(struct vx_tcp *t, struct vx_tcp_conn *c, const uint8_t src[4],
			   const uint8_t dst[4], struct tcp_seg *s)
{
	bool ack = s->flags & VX_TCP_ACK;

	if (ack && (vx_seq_leq(s->ack, c->iss) || vx_seq_gt(s->ack, c->snd_max))) {
		t->stats.bad_ack++;
		tcp_reply_rst(t, src, dst, s);
		return;
	}
	if (s->flags & VX_TCP_RST) {
		if (!ack) {
			t->stats.rst_ignored++;
			return;
		}
		t->stats.rst_rcvd++;
		tcp_drop(t, c, VX_E_REFUSED);
		return;
	}
	if (!(s->flags & VX_TCP_SYN)) {
		t->stats.bad_flags++;
		return;
	}
	syn_options(t, c, s);
	if (!ack) {
		/* Simultaneous open: both sent SYN (RFC 9293 figure 7). */
		tcp_set_state(t, c, VX_TCP_SYN_RCVD);
		tcp_send_syn(t, c);
		return;
	}
	c->snd_una = s->ack;
	c->snd_wl2 = s->ack;
	if ((c->flags & F_TIMING) && c->retries == 0) {
		vx_tcp_rtt_sample(&c->rtt, t->now - c->rtt_start);
		t->stats.rtt_samples++;
	}
	c->flags &= (uint16_t)~F_TIMING;
	c->t_rexmit = VX_TCP_NEVER;
	c->backoff = 0;
	established(t, c);
	c->flags |= F_ACKNOW;
	tcp_output(t, c);
}

/* Keep [lo, hi) as an out-of-order range; false when no range is free. */
static bool ooo_insert(struct vx_tcp_conn *c, uint32_t lo, uint32_t hi)
{
	uint32_t base = c->rcv_nxt;
	struct vx_tcp_range keep[VX_TCP_OOO_MAX];
	unsigned n = 0, i;
	bool placed = false;

	for (i = 0; i < c->n_ooo; i++) {
		struct vx_tcp_range r = c->ooo[i];
		if (r.hi - base < lo - base || r.lo - base > hi - base) {
			/* disjoint and not touching: keep in order */
			if (!placed && r.lo - base > hi - base) {
				if (n == VX_TCP_OOO_MAX)
					return false;
				keep[n].lo = lo;
				keep[n++].hi = hi;
				placed = true;
			}
			if (n == VX_TCP_OOO_MAX)
				return false;
			keep[n++] = r;
			continue;
		}
		if (r.lo - base < lo - base)
			lo = r.lo;
		if (r.hi - base > hi - base)
			hi = r.hi;
	}
	if (!placed) {
		if (n == VX_TCP_OOO_MAX)
			return false;
		keep[n].lo = lo;
		keep[n++].hi = hi;
	}
	memcpy(c->ooo, keep, n * sizeof(keep[0]));
	c->n_ooo = (uint8_t)n;
	return true;
}

/* Ranges the in-order data has reached become in-order data. */
static void ooo_absorb(struct vx_tcp_conn *c)
{
	unsigned i = 0;

	while (i < c->n_ooo) {
		struct vx_tcp_range r = c->ooo[i];
		if (vx_seq_gt(r.lo, c->rcv_nxt)) {
			i++;
			continue;
		}
		if (vx_seq_gt(r.hi, c->rcv_nxt)) {
			c->rb_len += r.hi - c->rcv_nxt;
			c->rcv_nxt = r.hi;
		}
		memmove(&c->ooo[i], &c->ooo[i + 1], (c->n_ooo - i - 1) * sizeof(c->ooo[0]));
		c->n_ooo--;
		i = 0;
	}
}

/* Copy len bytes of sequence number seq into the receive ring, at their
 * place relative to rcv_nxt.  The caller has trimmed them to the window. */
static void put_rb(struct vx_tcp_conn *c, uint32_t seq, const uint8_t *p, uint32_t len)
{
	uint32_t at = (c->rb_off + c->rb_len + (seq - c->rcv_nxt)) % VX_TCP_RCVBUF;
	uint32_t first = tcp_min(len, VX_TCP_RCVBUF - at);

	memcpy(c->rb + at, p, first);
	memcpy(c->rb, p + first, len - first);
}

/* The peer's FIN is in sequence: the stream ends (RFC 9293 3.10.7.4,
 * eighth).  Entering CLOSE_WAIT, the ACK is delayed like a data
 * segment's (at most VX_TCP_DELACK, RFC 1122 4.2.3.2): an application
 * that closes in answer sends its FIN within that time, and the FIN
 * carries the ACK, one segment instead of two.  Anything else that owes
 * an ACK (a second segment, a filled hole) still sends it at once, and
 * in the other states our FIN has gone already: the ACK goes now. */
static void fin_input(struct vx_tcp *t, struct vx_tcp_conn *c)
{
	c->rcv_nxt++;
	c->flags |= F_FIN_RCVD;
	tcp_mark(t, c);
	c->flags &= (uint16_t)~F_OOO_FIN;
	c->n_ooo = 0;
	switch (c->state) {
	case VX_TCP_ESTABLISHED:
		tcp_set_state(t, c, VX_TCP_CLOSE_WAIT);
		if (c->t_delack == VX_TCP_NEVER)
			c->t_delack = t->now + VX_TCP_DELACK;
		return;
	case VX_TCP_SYN_RCVD:
		tcp_set_state(t, c, VX_TCP_CLOSE_WAIT);
		break;
	case VX_TCP_FIN_WAIT_1:
		tcp_set_state(t, c, VX_TCP_CLOSING);
		break;
	case VX_TCP_FIN_WAIT_2:
		tcp_time_wait(t, c);
		break;
	default:
		break;
	}
	c->flags |= F_ACKNOW;
}

/* Data (already trimmed to the window) and FIN of an acceptable segment.
 *
 * The ACK policy (RFC 1122 4.2.3.2, RFC 5681 4.2, RFC 9293 3.8.6.3):
 * out-of-order data, and data that fills a hole, is acknowledged at once
 * (the sender's fast retransmit counts those duplicate ACKs).  In-order
 * data is acknowledged once two full-sized segments' worth has arrived
 * since our last ACK, else by the delayed-ACK timer, within
 * VX_TCP_DELACK.  A full-sized segment is the longest one received so far
 * (rcv_mss, at most the MSS we announced), and the rule counts bytes, not
 * segments: a sender whose segments alternate full and short ones (netd
 * sends what each socket slot brings) gets one ACK per two full
 * segments' worth, not one per two segments, and never waits for more
 * than a second full-sized segment. */
static void data_input(struct vx_tcp *t, struct vx_tcp_conn *c, uint32_t seq, const uint8_t *p,
		       uint32_t len, bool fin)
{
	if (seq != c->rcv_nxt) {
		t->stats.ooo_segs++;
		c->flags |= F_ACKNOW; /* a duplicate ACK tells the sender */
		if (len && !ooo_insert(c, seq, seq + len)) {
			t->stats.ooo_dropped++;
			return;
		}
		put_rb(c, seq, p, len);
		if (fin) {
			c->flags |= F_OOO_FIN;
			c->ooo_fin_seq = seq + len;
		}
		return;
	}
	if (len) {
		bool hole = c->n_ooo > 0;
		put_rb(c, seq, p, len);
		c->rb_len += len;
		c->rcv_nxt += len;
		tcp_mark(t, c);
		ooo_absorb(c);
		if (len > c->rcv_mss)
			c->rcv_mss = tcp_min(len, tcp_local_mss(t));
		if (hole || c->rcv_nxt - c->last_ack_sent >= 2 * c->rcv_mss)
			c->flags |= F_ACKNOW;
		else if (c->t_delack == VX_TCP_NEVER)
			c->t_delack = t->now + VX_TCP_DELACK;
	}
	if (fin || ((c->flags & F_OOO_FIN) && c->rcv_nxt == c->ooo_fin_seq))
		fin_input(t, c);
}

/* NewReno's duplicate ACK (RFC 5681 3.2, RFC 6582 3.2). */
static void dup_ack(struct vx_tcp *t, struct vx_tcp_conn *c)
{
	if (c->dupacks < 255)
		c->dupacks++;
	if (c->flags & F_RECOVERY) {
		c->cwnd += c->mss;
		return;
	}
	if (c->dupacks != 3 || vx_seq_lt(c->snd_una, c->recover))
		return;
	c->ssthresh = tcp_max(tcp_flight(c) / 2, 2 * c->mss);
	c->recover = c->snd_max;
	c->cwnd_acked = 0;
	c->flags |= F_RECOVERY;
	t->stats.fast_rexmits++;
	c->fast_rexmits++;
	tcp_send_one(t, c, c->snd_una, c->mss);
	c->cwnd = c->ssthresh + 3 * c->mss;
}

/* cwnd after an ACK of acked new bytes outside recovery.  The peer's
 * delayed ACKs cover two full segments each, so growth counts bytes,
 * not ACKs.  Slow start: at most 2 MSS per ACK (RFC 3465 2.2's L), 1
 * MSS while the data a timeout sent again is acknowledged (recover, RFC
 * 3465 2.3).  Congestion avoidance: one MSS each time a cwnd's worth of
 * bytes has been acknowledged, the way RFC 5681 3.1 recommends: one MSS
 * per round trip however many ACKs it took. */
static void grow_cwnd(struct vx_tcp_conn *c, uint32_t acked)
{
	if (c->cwnd < c->ssthresh) {
		c->cwnd += tcp_min(acked, vx_seq_lt(c->snd_una, c->recover) ? c->mss : 2 * c->mss);
	} else {
		c->cwnd_acked += acked;
		if (c->cwnd_acked >= c->cwnd) {
			c->cwnd_acked -= c->cwnd;
			c->cwnd += c->mss;
		}
	}
	if (c->cwnd > (1u << 30))
		c->cwnd = 1u << 30;
}

/* An ACK of new data: free the ring, sample the RTT, grow or deflate
 * cwnd, restart or stop the retransmission timer. */
static void new_ack(struct vx_tcp *t, struct vx_tcp_conn *c, uint32_t ack)
{
	uint32_t acked = ack - c->snd_una, nd = 0;

	if (vx_seq_lt(c->snd_una, c->sb_seq))
		c->snd_una = c->sb_seq; /* the SYN */
	if (vx_seq_gt(ack, c->sb_seq))
		nd = tcp_min(ack - c->sb_seq, c->sb_len);
	c->sb_off = (c->sb_off + nd) % VX_TCP_SNDBUF;
	c->sb_len -= nd;
	c->sb_seq += nd;
	c->snd_una = ack;
	if (vx_seq_lt(c->snd_nxt, ack))
		c->snd_nxt = ack;
	if ((c->flags & F_TIMING) && vx_seq_gt(ack, c->rtt_seq)) {
		c->flags &= (uint16_t)~F_TIMING;
		vx_tcp_rtt_sample(&c->rtt, t->now - c->rtt_start);
		t->stats.rtt_samples++;
		c->backoff = 0;
	}
	c->retries = 0;
	if (c->flags & F_RECOVERY) {
		if (vx_seq_geq(ack, c->recover)) {
			c->cwnd = tcp_min(c->ssthresh, tcp_max(tcp_flight(c), c->mss) + c->mss);
			c->flags &= (uint16_t)~F_RECOVERY;
			c->dupacks = 0;
		} else {
			t->stats.partial_acks++;
			tcp_send_one(t, c, c->snd_una, c->mss);
			c->cwnd = c->cwnd > acked ? c->cwnd - acked : 0;
			if (acked >= c->mss)
				c->cwnd += c->mss;
			if (c->cwnd < c->mss)
				c->cwnd = c->mss;
		}
	} else {
		c->dupacks = 0;
		grow_cwnd(c, acked);
	}
	/* The timer covers what is in flight up to snd_nxt; a zero-window
	 * probe beyond it (snd_max) belongs to the persist timer. */
	if (c->snd_una == c->snd_nxt)
		c->t_rexmit = VX_TCP_NEVER;
	else
		c->t_rexmit = t->now + tcp_rto(c);
	tcp_mark(t, c);
}

/* RFC 9293 3.10.7.4, fifth: the ACK field.  False: drop the segment. */
static bool ack_input(struct vx_tcp *t, struct vx_tcp_conn *c, const struct tcp_seg *s)
{
	uint32_t wnd = s->wnd << c->snd_ws;

	if (vx_seq_gt(s->ack, c->snd_max)) {
		t->stats.bad_ack++;
		c->flags |= F_ACKNOW;
		return false;
	}
	if (vx_seq_lt(s->ack, c->snd_una - c->max_sndwnd)) {
		t->stats.bad_ack++;
		tcp_challenge_ack(t, c);
		return false;
	}
	if (vx_seq_gt(s->ack, c->snd_una))
		new_ack(t, c, s->ack);
	else if (s->ack == c->snd_una && s->len == 0 && !(s->flags & (VX_TCP_SYN | VX_TCP_FIN)) &&
		 wnd == c->snd_wnd && c->snd_una != c->snd_nxt)
		dup_ack(t, c);
	if (vx_seq_lt(c->snd_wl1, s->seq) ||
	    (c->snd_wl1 == s->seq && vx_seq_leq(c->snd_wl2, s->ack))) {
		c->snd_wnd = wnd;
		c->snd_wl1 = s->seq;
		c->snd_wl2 = s->ack;
		if (wnd > c->max_sndwnd)
			c->max_sndwnd = wnd;
		if (wnd > 0 && c->t_persist != VX_TCP_NEVER) {
			c->t_persist = VX_TCP_NEVER;
			c->backoff = 0;
		}
	}
	return true;
}

/* Has the peer acknowledged our FIN? */
static bool fin_acked(const struct vx_tcp_conn *c)
{
	return (c->flags & F_FIN_Q) && vx_seq_gt(c->snd_una, c->fin_seq);
}

/* A RST that passed the window test (RFC 9293 3.10.7.4 second, RFC 5961
 * 3.2): exactly at rcv_nxt it resets, elsewhere in the window it only
 * earns a challenge ACK. */
static void rst_input(struct vx_tcp *t, struct vx_tcp_conn *c, const struct tcp_seg *s)
{
	if (s->seq != c->rcv_nxt) {
		tcp_challenge_ack(t, c);
		return;
	}
	t->stats.rst_rcvd++;
	switch (c->state) {
	case VX_TCP_SYN_RCVD:
		tcp_drop(t, c, (c->flags & F_ACTIVE) ? VX_E_REFUSED : 0);
		break;
	case VX_TCP_ESTABLISHED:
	case VX_TCP_FIN_WAIT_1:
	case VX_TCP_FIN_WAIT_2:
	case VX_TCP_CLOSE_WAIT:
		tcp_drop(t, c, VX_E_RESET);
		break;
	default:
		tcp_closed(t, c);
		break;
	}
}

/* RFC 9293 3.10.7.4, first to fourth, for the synchronized states and
 * SYN_RCVD: the peer's repeated SYN, the window test, RST, trimming to
 * the window, SYN.  False when the segment has been dealt with. */
static bool check_seq(struct vx_tcp *t, struct vx_tcp_conn *c, struct tcp_seg *s)
{
	uint32_t wnd = vx_seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;

	if (s->syn && s->seq == c->irs) {
		/* The peer's SYN again: its SYN-ACK in a simultaneous open, or
		 * a retransmission because our answer was lost.  The rest of
		 * the segment counts; the SYN earns an answer. */
		s->syn = false;
		s->seq++;
		c->flags |= F_ACKNOW;
	}
	if (!vx_tcp_acceptable(c->rcv_nxt, wnd, s->seq, s->len + s->syn + s->fin)) {
		if (s->flags & VX_TCP_RST) {
			t->stats.rst_ignored++;
			return false;
		}
		t->stats.out_of_window++;
		if (!(wnd == 0 && s->seq == c->rcv_nxt && (s->flags & VX_TCP_ACK))) {
			/* An ACK answers it; but an empty segment draws from the
			 * challenge budget, so that two ends that disagree cannot
			 * trade ACKs forever (an ACK storm). */
			if (s->len || s->syn || s->fin || ack_budget(t, c)) {
				c->flags |= F_ACKNOW;
				tcp_output(t, c);
			}
			return false;
		}
		c->flags |= F_ACKNOW;
		/* A zero window still takes the ACK (RFC 9293 3.10.7.4). */
		s->len = 0;
		s->syn = s->fin = false;
	}
	if (s->flags & VX_TCP_RST) {
		rst_input(t, c, s);
		return false;
	}
	if (vx_seq_lt(s->seq, c->rcv_nxt)) {
		uint32_t d = c->rcv_nxt - s->seq;
		if (s->syn) {
			s->syn = false;
			s->seq++;
			d--;
		}
		if (d > s->len) { /* only the FIN was old */
			s->fin = false;
			d = s->len;
		}
		t->stats.dup_data += d;
		s->data += d;
		s->len -= d;
		s->seq += d;
		c->flags |= F_ACKNOW;
	}
	if (s->syn) {
		tcp_challenge_ack(t, c);
		return false;
	}
	if (vx_seq_gt(s->seq + s->len, c->rcv_nxt + wnd)) {
		s->len = c->rcv_nxt + wnd - s->seq;
		s->fin = false;
	}
	return true;
}

/* RFC 7323 5.3 R1.  Once timestamps are agreed, a segment other than a
 * RST must carry one (3.2), and one older than ts_recent marks an old
 * duplicate from an earlier lap of the sequence space: it is dropped and,
 * within the ACK budget, answered.  False: dropped. */
static bool paws_ok(struct vx_tcp *t, struct vx_tcp_conn *c, const struct tcp_seg *s)
{
	if (!(c->flags & F_TS) || (s->flags & VX_TCP_RST))
		return true;
	if (!s->opts.has_ts) {
		t->stats.ts_missing++;
		return false;
	}
	if (!vx_seq_lt(s->opts.ts_val, c->ts_recent))
		return true;
	t->stats.paws_dropped++;
	if (ack_budget(t, c)) {
		c->flags |= F_ACKNOW;
		tcp_output(t, c);
	}
	return false;
}

/* RFC 7323 4.3: remember the timestamp of a segment that reaches the
 * point our last ACK acknowledged, to echo it. */
static void ts_update(struct vx_tcp_conn *c, const struct tcp_seg *s, uint32_t seq0)
{
	if ((c->flags & F_TS) && s->opts.has_ts && vx_seq_geq(s->opts.ts_val, c->ts_recent) &&
	    vx_seq_leq(seq0, c->last_ack_sent))
		c->ts_recent = s->opts.ts_val;
}

/* SYN_RCVD: an ACK of our SYN completes the handshake; any other ACK is
 * answered with RST.  False when the segment has been dealt with. */
static bool syn_rcvd_ack(struct vx_tcp *t, struct vx_tcp_conn *c, const uint8_t src[4],
			 const uint8_t dst[4], const struct tcp_seg *s)
{
	if (vx_seq_leq(s->ack, c->snd_una) || vx_seq_gt(s->ack, c->snd_max)) {
		t->stats.bad_ack++;
		tcp_reply_rst(t, src, dst, s);
		return false;
	}
	c->snd_wnd = s->wnd << c->snd_ws;
	c->snd_wl1 = s->seq;
	c->snd_wl2 = s->ack;
	if (c->snd_wnd > c->max_sndwnd)
		c->max_sndwnd = c->snd_wnd;
	c->t_rexmit = VX_TCP_NEVER;
	established(t, c);
	return true;
}

/* What an ACK of our FIN does in each closing state (RFC 9293 3.10.7.4,
 * fifth).  False when the connection is gone or the segment is done. */
static bool closing_ack(struct vx_tcp *t, struct vx_tcp_conn *c, const struct tcp_seg *s)
{
	switch (c->state) {
	case VX_TCP_FIN_WAIT_1:
		if (fin_acked(c)) {
			tcp_set_state(t, c, VX_TCP_FIN_WAIT_2);
			if (!(c->flags & F_USER))
				c->t_close = t->now + VX_TCP_FIN_WAIT2_MAX;
		}
		return true;
	case VX_TCP_CLOSING:
		if (fin_acked(c))
			tcp_time_wait(t, c);
		return true;
	case VX_TCP_LAST_ACK:
		if (!fin_acked(c))
			return true;
		tcp_closed(t, c);
		return false;
	case VX_TCP_TIME_WAIT:
		/* Only a retransmitted FIN can come: ACK it, wait anew. */
		if (s->fin || (c->flags & F_ACKNOW)) {
			c->flags |= F_ACKNOW;
			c->t_close = t->now + 2 * t->cfg.msl_ns;
		}
		tcp_output(t, c);
		return false;
	default:
		return true;
	}
}

/* The synchronized states and SYN_RCVD. */
static void conn_input(struct vx_tcp *t, struct vx_tcp_conn *c, const uint8_t src[4],
		       const uint8_t dst[4], struct tcp_seg *s)
{
	uint32_t seq0 = s->seq;

	if (!paws_ok(t, c, s) || !check_seq(t, c, s))
		return;
	ts_update(c, s, seq0);
	if (!(s->flags & VX_TCP_ACK)) {
		t->stats.bad_flags++;
		tcp_output(t, c); /* the answer to a repeated SYN */
		return;
	}
	if (c->state == VX_TCP_SYN_RCVD && !syn_rcvd_ack(t, c, src, dst, s))
		return;
	if (!ack_input(t, c, s)) {
		tcp_output(t, c);
		return;
	}
	if (!closing_ack(t, c, s))
		return;
	if ((s->len || s->fin) && !(c->flags & F_FIN_RCVD) &&
	    (c->state == VX_TCP_ESTABLISHED || c->state == VX_TCP_FIN_WAIT_1 ||
	     c->state == VX_TCP_FIN_WAIT_2)) {
		if (s->len && (c->flags & F_RDSHUT)) {
			/* Its reader is gone (RFC 9293 3.10.7.4 seventh, RFC 2525). */
			tcp_send_rst(t, c);
			tcp_drop(t, c, 0);
			return;
		}
		data_input(t, c, s->seq, s->data, s->len, s->fin);
	} else if (s->len) {
		t->stats.late_data++;
	}
	tcp_output(t, c);
}

/* 0.0.0.0, multicast, broadcast: never a TCP endpoint (RFC 1122 4.2.3.10). */
static bool bad_addr(const uint8_t a[4])
{
	return a[0] >= 224 || (a[0] | a[1] | a[2] | a[3]) == 0;
}

/* The live connection with this 4-tuple, or NULL. */
static struct vx_tcp_conn *lookup(struct vx_tcp *t, const uint8_t src[4], const uint8_t dst[4],
				  const struct tcp_seg *s)
{
	for (uint64_t m = t->live_conns; m; m &= m - 1) {
		struct vx_tcp_conn *c = &t->conn[__builtin_ctzll(m)];
		if (c->state != VX_TCP_CLOSED && c->lport == s->dport && c->rport == s->sport &&
		    !memcmp(c->raddr, src, 4) && !memcmp(c->laddr, dst, 4))
			return c;
	}
	return NULL;
}

/* The listener for dst:port (its own address or any), or -1. */
static int lookup_listener(const struct vx_tcp *t, const uint8_t dst[4], uint16_t port)
{
	static const uint8_t any[4];

	for (int i = 0; i < VX_TCP_MAX_LISTENERS; i++) {
		const struct vx_tcp_listener *l = &t->lis[i];
		if (l->used && l->port == port &&
		    (!memcmp(l->addr, dst, 4) || !memcmp(l->addr, any, 4)))
			return i;
	}
	return -1;
}

/* Step 1: parse and check.  VX_OK or the counter already bumped. */
static int parse(struct vx_tcp *t, const uint8_t src[4], const uint8_t dst[4], const uint8_t *p,
		 size_t len, struct tcp_seg *s)
{
	size_t hl;

	if (len < 20 || len > 0xffff) {
		t->stats.bad_len++;
		return VX_E_RANGE;
	}
	hl = (size_t)(p[12] >> 4) * 4;
	if (hl < 20 || hl > len) {
		t->stats.bad_len++;
		return VX_E_RANGE;
	}
	if (vx_cksum_fold(vx_cksum_add(vx_cksum_pseudo4(src, dst, 6, (uint16_t)len), p, len))) {
		t->stats.bad_cksum++;
		return VX_E_AUTH;
	}
	if (vx_tcp_parse_options(p + 20, hl - 20, &s->opts) < 0) {
		t->stats.bad_opts++;
		return VX_E_CORRUPT;
	}
	s->sport = tcp_get16(p);
	s->dport = tcp_get16(p + 2);
	s->seq = tcp_get32(p + 4);
	s->ack = tcp_get32(p + 8);
	s->flags = p[13] & 0x3f;
	s->wnd = tcp_get16(p + 14);
	s->data = p + hl;
	s->len = (uint32_t)(len - hl);
	s->syn = s->flags & VX_TCP_SYN;
	s->fin = s->flags & VX_TCP_FIN;
	if (s->sport == 0 || s->dport == 0 || bad_addr(src) || bad_addr(dst) ||
	    (s->sport == s->dport && !memcmp(src, dst, 4))) { /* to itself: LAND */
		t->stats.bad_addr++;
		return VX_E_INVAL;
	}
	return VX_OK;
}

/* RFC 6191: may a SYN for a 4-tuple in TIME_WAIT open a new incarnation?
 * Only a plain SYN, and only one that cannot be an old duplicate of the
 * connection that ended: with timestamps on both (the old connection's
 * and the SYN's), a TSval newer than the last one seen; otherwise a
 * sequence number beyond the old RCV.NXT.  Anything else leaves the
 * TIME_WAIT as it is, and the segment goes through conn_input as before
 * (the SYN earns a challenge ACK). */
static bool time_wait_reusable(const struct vx_tcp_conn *c, const struct tcp_seg *s)
{
	if ((s->flags & (VX_TCP_SYN | VX_TCP_ACK | VX_TCP_RST | VX_TCP_FIN)) != VX_TCP_SYN)
		return false;
	if ((c->flags & F_TS) && s->opts.has_ts)
		return vx_seq_gt(s->opts.ts_val, c->ts_recent);
	return vx_seq_gt(s->seq, c->rcv_nxt);
}

void vx_tcp_input(struct vx_tcp *t, const uint8_t src[4], const uint8_t dst[4], const uint8_t *p,
		  size_t len, uint64_t now)
{
	struct tcp_seg s;
	struct vx_tcp_conn *c;
	int li;

	if (now > t->now)
		t->now = now;
	t->stats.in_segs++;
	if (parse(t, src, dst, p, len, &s) < 0)
		return;
	c = lookup(t, src, dst, &s);
	if (c && c->state == VX_TCP_TIME_WAIT && time_wait_reusable(c, &s) &&
	    lookup_listener(t, dst, s.dport) >= 0) {
		/* The old incarnation is over; the listener takes the SYN. */
		t->stats.time_wait_reused++;
		tcp_closed(t, c);
		c = NULL;
	}
	if (c && c->state == VX_TCP_SYN_SENT)
		syn_sent_input(t, c, src, dst, &s);
	else if (c)
		conn_input(t, c, src, dst, &s);
	else if ((li = lookup_listener(t, dst, s.dport)) >= 0)
		listen_input(t, li, src, dst, &s);
	else {
		t->stats.no_port++;
		tcp_reply_rst(t, src, dst, &s);
	}
	tcp_notify_all(t);
}

/* The connection an ICMP error's quoted header names, or NULL. */
static struct vx_tcp_conn *lookup_quote(struct vx_tcp *t, const uint8_t local[4],
					const uint8_t remote[4], const uint8_t *q)
{
	uint16_t lport = tcp_get16(q), rport = tcp_get16(q + 2);

	for (int i = 0; i < VX_TCP_MAX_CONNS; i++) {
		struct vx_tcp_conn *c = &t->conn[i];
		if (c->state != VX_TCP_CLOSED && c->lport == lport && c->rport == rport &&
		    !memcmp(c->raddr, remote, 4) && !memcmp(c->laddr, local, 4))
			return c;
	}
	return NULL;
}

void vx_tcp_icmp_error(struct vx_tcp *t, const uint8_t local[4], const uint8_t remote[4],
		       uint8_t type, uint8_t code, uint16_t next_mtu, const uint8_t *quote,
		       size_t len, uint64_t now)
{
	struct vx_tcp_conn *c;
	uint32_t seq;

	if (now > t->now)
		t->now = now;
	c = len >= 8 ? lookup_quote(t, local, remote, quote) : NULL;
	if (!c) {
		t->stats.icmp_ignored++;
		return;
	}
	seq = tcp_get32(quote + 4);
	if (vx_seq_lt(seq, c->snd_una) || vx_seq_geq(seq, c->snd_max)) {
		t->stats.icmp_ignored++;
		return;
	}
	if (type == 3 && code == 4) {
		uint32_t mtu = next_mtu < VX_TCP_MTU_MIN ? VX_TCP_MTU_MIN : next_mtu;
		t->stats.icmp_mtu++;
		if (next_mtu == 0 || mtu - 40 - ((c->flags & F_TS) ? 12 : 0) >= c->mss)
			return;
		c->mss = mtu - 40 - ((c->flags & F_TS) ? 12 : 0);
		if (c->state >= VX_TCP_ESTABLISHED && c->snd_una != c->snd_nxt) {
			/* Not congestion: send again in the smaller size now. */
			c->snd_nxt = c->snd_una;
			c->flags &= (uint16_t)~F_TIMING;
			tcp_output(t, c);
		}
	} else if (type == 3 && c->state == VX_TCP_SYN_SENT) {
		t->stats.icmp_aborts++;
		tcp_drop(t, c, VX_E_UNREACH);
	} else if (type == 3 || type == 11 || type == 12) {
		t->stats.icmp_soft++;
		c->soft_err = type == 3 ? VX_E_UNREACH : type == 11 ? VX_E_TIMEOUT : VX_E_CORRUPT;
	} else {
		t->stats.icmp_ignored++;
	}
	tcp_notify_all(t);
}
