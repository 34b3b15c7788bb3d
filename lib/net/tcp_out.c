/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP output: what a connection may send now, and the segments it sends.
 *
 * The send ring holds every byte from sb_seq (the oldest unacknowledged
 * byte) on; sending never removes data, only an ACK does.  snd_nxt is
 * where the next new or retransmitted segment starts; snd_max is the
 * highest sequence number sent so far.  A retransmission timeout goes
 * back (snd_nxt = snd_una) and sends again from there as cwnd allows, so
 * both the timer and the normal path use this one loop.  A segment
 * without data, SYN or FIN (a bare ACK, a RST) carries snd_max, not
 * snd_nxt: after going back, snd_nxt may lie below what the peer has
 * already received, and the peer would drop the ACK as old.  When both
 * ends go back at once and each drops the other's ACKs, neither ever
 * learns that its data arrived.
 *
 * What may be sent is the least of: the unsent data, the peer's window
 * less what is in flight, cwnd less what is in flight, and one MSS per
 * segment.  The sender's half of silly-window avoidance (RFC 9293
 * 3.8.6.2.1): a segment smaller than an MSS goes only when it carries
 * the last queued byte or at least half the largest window the peer has
 * offered.  When nothing is in flight but data waits and nothing can be
 * sent (a zero or silly window), the persist timer runs: it sends what
 * the window allows, or a one-byte probe beyond it (RFC 9293 3.8.6.1),
 * backing off to VX_TCP_RTO_MAX and never giving up while the peer
 * answers.
 */
#include "net/cksum.h"
#include "net/tcp.h"
#include "net/tcp_impl.h"
#include "vectra/abi.h"
#include "vx_string.h"

/* The retransmission timeout with backoff: doubled per expiry, at most
 * VX_TCP_RTO_MAX (RFC 6298 5.5). */
uint64_t tcp_rto(const struct vx_tcp_conn *c)
{
	uint64_t r = c->rtt.rto;

	for (unsigned i = 0; i < c->backoff && r < VX_TCP_RTO_MAX; i++)
		r *= 2;
	return r < VX_TCP_RTO_MAX ? r : VX_TCP_RTO_MAX;
}

/* Bytes (and SYN/FIN) sent and not yet acknowledged. */
uint32_t tcp_flight(const struct vx_tcp_conn *c)
{
	return c->snd_max - c->snd_una;
}

/* How far beyond rcv_nxt the right edge could be: the free space of the
 * receive ring, or what the window field can say if that is less. */
uint32_t tcp_rcv_wnd(const struct vx_tcp_conn *c)
{
	return tcp_min(VX_TCP_RCVBUF - c->rb_len, 0xffffu << c->rcv_ws);
}

/* The window field of a non-SYN segment.  The right edge rcv_adv moves
 * only by min(RCVBUF/2, MSS) or more (receiver silly-window avoidance),
 * and never back. */
static uint32_t wnd_field(struct vx_tcp_conn *c)
{
	uint32_t edge = c->rcv_nxt + tcp_rcv_wnd(c), win;

	if (vx_seq_gt(edge, c->rcv_adv) && edge - c->rcv_adv >= tcp_min(VX_TCP_RCVBUF / 2, c->mss))
		c->rcv_adv = edge;
	win = vx_seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	win >>= c->rcv_ws;
	return win > 0xffff ? 0xffff : win;
}

/* Where to build a segment of len bytes: the memory cfg.segment offers
 * (netd: the frame the card will send it from), else t->seg. */
static uint8_t *seg_mem(struct vx_tcp *t, size_t len)
{
	uint8_t *s = t->cfg.segment ? t->cfg.segment(t->cfg.ctx, len) : NULL;

	return s ? s : t->seg;
}

/* Checksum the len-byte segment s and hand it to the IP layer. */
static void send_raw(struct vx_tcp *t, uint8_t *s, const uint8_t src[4], const uint8_t dst[4],
		     size_t len)
{
	uint32_t sum = vx_cksum_pseudo4(src, dst, 6, (uint16_t)len);

	s[16] = s[17] = 0;
	tcp_put16(s + 16, vx_cksum_fold(vx_cksum_add(sum, s, len)));
	t->stats.out_segs++;
	if (t->cfg.output(t->cfg.ctx, src, dst, s, len) < 0)
		t->stats.out_errors++;
}

/* The header's length for a segment of c with these flags: SYNs carry
 * MSS and window-scale options; timestamps are offered in our SYN and,
 * once agreed, go in every segment. */
static size_t hdr_len(const struct vx_tcp_conn *c, uint8_t flags)
{
	size_t hl = 20;

	if (flags & VX_TCP_SYN)
		hl += c->rcv_ws ? 8 : 4;
	if ((c->flags & F_TS) || (flags & (VX_TCP_SYN | VX_TCP_ACK)) == VX_TCP_SYN)
		hl += 12;
	return hl;
}

/* Build and send one segment of c: seq, flags, and len bytes of the send
 * ring from offset off (hdr_len says which options).  The data is copied
 * once, from the ring into the segment's memory. */
static void emit(struct vx_tcp *t, struct vx_tcp_conn *c, uint32_t seq, uint8_t flags, uint32_t off,
		 uint32_t len)
{
	uint8_t *s = seg_mem(t, hdr_len(c, flags) + len);
	size_t hl = 20;
	uint32_t win, at, first;

	if (flags & VX_TCP_SYN) {
		s[hl++] = 2;
		s[hl++] = 4;
		tcp_put16(s + hl, tcp_local_mss(t));
		hl += 2;
		if (c->rcv_ws) {
			s[hl++] = 1;
			s[hl++] = 3;
			s[hl++] = 3;
			s[hl++] = c->rcv_ws;
		}
		win = tcp_min(tcp_rcv_wnd(c), 0xffff); /* never scaled in a SYN */
	} else {
		win = wnd_field(c);
	}
	/* Timestamps: offered in our SYN, then in every segment if agreed. */
	if ((c->flags & F_TS) || (flags & (VX_TCP_SYN | VX_TCP_ACK)) == VX_TCP_SYN) {
		s[hl++] = 1;
		s[hl++] = 1;
		s[hl++] = 8;
		s[hl++] = 10;
		tcp_put32(s + hl, (uint32_t)(t->now / VX_TCP_MS));
		tcp_put32(s + hl + 4, (c->flags & F_TS) ? c->ts_recent : 0);
		hl += 8;
	}
	tcp_put16(s, c->lport);
	tcp_put16(s + 2, c->rport);
	tcp_put32(s + 4, seq);
	tcp_put32(s + 8, (flags & VX_TCP_ACK) ? c->rcv_nxt : 0);
	s[12] = (uint8_t)(hl / 4) << 4;
	s[13] = flags;
	tcp_put16(s + 14, win);
	tcp_put16(s + 18, 0);
	at = (c->sb_off + off) % VX_TCP_SNDBUF;
	first = tcp_min(len, VX_TCP_SNDBUF - at);
	memcpy(s + hl, c->sb + at, first);
	memcpy(s + hl + first, c->sb, len - first);
	if (flags & VX_TCP_ACK) {
		c->flags &= (uint16_t)~F_ACKNOW;
		c->t_delack = VX_TCP_NEVER;
		c->last_ack_sent = c->rcv_nxt;
	}
	send_raw(t, s, c->laddr, c->raddr, hl + len);
}

/* SYN (SYN_SENT) or SYN-ACK (SYN_RCVD), first time or again. */
void tcp_send_syn(struct vx_tcp *t, struct vx_tcp_conn *c)
{
	uint8_t flags = VX_TCP_SYN;

	if (c->state == VX_TCP_SYN_RCVD)
		flags |= VX_TCP_ACK;
	emit(t, c, c->iss, flags, 0, 0);
	c->snd_nxt = c->iss + 1;
	if (vx_seq_gt(c->snd_nxt, c->snd_max))
		c->snd_max = c->snd_nxt;
	if (c->t_rexmit == VX_TCP_NEVER)
		c->t_rexmit = t->now + tcp_rto(c);
}

/* An ACK now (a SYN-ACK in SYN_RCVD), with sequence number snd_max. */
void tcp_send_ack(struct vx_tcp *t, struct vx_tcp_conn *c)
{
	if (c->state == VX_TCP_SYN_RCVD)
		tcp_send_syn(t, c);
	else if (c->state != VX_TCP_SYN_SENT && c->state != VX_TCP_CLOSED)
		emit(t, c, c->snd_max, VX_TCP_ACK, 0, 0);
}

/* A RST for c, at snd_max, the sequence number the peer most likely
 * expects. */
void tcp_send_rst(struct vx_tcp *t, struct vx_tcp_conn *c)
{
	t->stats.rst_sent++;
	emit(t, c, c->snd_max, VX_TCP_RST | VX_TCP_ACK, 0, 0);
}

/* RST for a segment that has no connection (RFC 9293 3.10.7.1): never
 * in answer to a RST. */
void tcp_reply_rst(struct vx_tcp *t, const uint8_t src[4], const uint8_t dst[4],
		   const struct tcp_seg *in)
{
	uint8_t *s;
	uint32_t seq = 0, ack = 0;
	uint8_t flags = VX_TCP_RST;

	if (in->flags & VX_TCP_RST)
		return;
	if (in->flags & VX_TCP_ACK) {
		seq = in->ack;
	} else {
		ack = in->seq + in->len + !!(in->flags & VX_TCP_SYN) + !!(in->flags & VX_TCP_FIN);
		flags |= VX_TCP_ACK;
	}
	s = seg_mem(t, 20);
	memset(s, 0, 20);
	tcp_put16(s, in->dport);
	tcp_put16(s + 2, in->sport);
	tcp_put32(s + 4, seq);
	tcp_put32(s + 8, ack);
	s[12] = 5 << 4;
	s[13] = flags;
	t->stats.rst_sent++;
	send_raw(t, s, dst, src, 20);
}

/* Is a FIN queued but not yet sent (or sent and gone back over)? */
static bool fin_unsent(const struct vx_tcp_conn *c)
{
	return (c->flags & F_FIN_Q) && vx_seq_leq(c->snd_nxt, c->fin_seq);
}

/* The states in which data and FIN may be (re)sent. */
static bool can_send_data(const struct vx_tcp_conn *c)
{
	switch (c->state) {
	case VX_TCP_ESTABLISHED:
	case VX_TCP_CLOSE_WAIT:
	case VX_TCP_FIN_WAIT_1:
	case VX_TCP_CLOSING:
	case VX_TCP_LAST_ACK:
		return true;
	default:
		return false;
	}
}

/* Send from snd_nxt as far as the windows allow; force lifts the
 * silly-window rule (the persist timer's override). Returns segments
 * sent. */
static unsigned output(struct vx_tcp *t, struct vx_tcp_conn *c, bool force)
{
	unsigned sent = 0;

	for (;;) {
		uint32_t off = c->snd_nxt - c->sb_seq;
		uint32_t avail = off <= c->sb_len ? c->sb_len - off : 0;
		uint32_t wnd = tcp_min(c->snd_wnd, c->cwnd), edge = c->snd_una + wnd;
		uint32_t usable = vx_seq_lt(c->snd_nxt, edge) ? edge - c->snd_nxt : 0;
		uint32_t len = tcp_min(tcp_min(avail, usable), c->mss);
		bool fin = fin_unsent(c) && len == avail && usable > len;
		uint8_t flags = VX_TCP_ACK;

		if (len == 0 && !fin)
			break;
		if (!force && len < c->mss && len < avail && len < c->max_sndwnd / 2)
			break;
		if (len == avail && len)
			flags |= VX_TCP_PSH;
		if (fin)
			flags |= VX_TCP_FIN;
		emit(t, c, c->snd_nxt, flags, off, len);
		sent++;
		if (c->snd_nxt == c->snd_max && !(c->flags & F_TIMING) && len) {
			c->flags |= F_TIMING;
			c->rtt_seq = c->snd_nxt;
			c->rtt_start = t->now;
		}
		if (vx_seq_lt(c->snd_nxt, c->snd_max)) {
			t->stats.rexmit_segs++;
			c->rexmits++;
		}
		c->snd_nxt += len + fin;
		if (vx_seq_gt(c->snd_nxt, c->snd_max))
			c->snd_max = c->snd_nxt;
		if (c->t_rexmit == VX_TCP_NEVER)
			c->t_rexmit = t->now + tcp_rto(c);
		c->t_persist = VX_TCP_NEVER;
		if (force)
			break;
	}
	return sent;
}

/* Send what may be sent, then a pending ACK, then arm the persist timer
 * if data waits with nothing in flight. */
void tcp_output(struct vx_tcp *t, struct vx_tcp_conn *c)
{
	uint32_t off;

	if (c->state == VX_TCP_SYN_RCVD) {
		if (c->flags & F_ACKNOW)
			tcp_send_syn(t, c);
		return;
	}
	if (c->state == VX_TCP_SYN_SENT || c->state == VX_TCP_CLOSED || c->state == VX_TCP_LISTEN)
		return;
	if (can_send_data(c))
		output(t, c, false);
	if (c->flags & F_ACKNOW)
		emit(t, c, c->snd_max, VX_TCP_ACK, 0, 0);
	off = c->snd_nxt - c->sb_seq;
	if (can_send_data(c) && c->snd_nxt == c->snd_una && c->t_rexmit == VX_TCP_NEVER &&
	    c->t_persist == VX_TCP_NEVER && ((off < c->sb_len) || fin_unsent(c)))
		c->t_persist = t->now + tcp_rto(c);
}

/* One segment from seq, at most an MSS, without moving snd_nxt: fast
 * retransmit and NewReno's partial-ACK retransmit. */
void tcp_send_one(struct vx_tcp *t, struct vx_tcp_conn *c, uint32_t seq, uint32_t max)
{
	uint32_t off = seq - c->sb_seq, len;
	uint8_t flags = VX_TCP_ACK;

	if (off > c->sb_len)
		return;
	len = tcp_min(tcp_min(c->sb_len - off, c->mss), max);
	if ((c->flags & F_FIN_Q) && off + len == c->sb_len && vx_seq_gt(c->snd_max, c->fin_seq))
		flags |= VX_TCP_FIN;
	if (len == 0 && !(flags & VX_TCP_FIN))
		return;
	if ((c->flags & F_TIMING) && vx_seq_leq(seq, c->rtt_seq) &&
	    vx_seq_lt(c->rtt_seq, seq + len + 1))
		c->flags &= (uint16_t)~F_TIMING; /* Karn: the sample would be ambiguous */
	emit(t, c, seq, flags, off, len);
	t->stats.rexmit_segs++;
	c->rexmits++;
	if (c->t_rexmit == VX_TCP_NEVER)
		c->t_rexmit = t->now + tcp_rto(c);
}

/* The retransmission timer fired (RFC 6298 5.4-5.7, RFC 5681 3.1). */
void tcp_timer_rexmit(struct vx_tcp *t, struct vx_tcp_conn *c)
{
	int err = c->soft_err ? c->soft_err : VX_E_TIMEOUT;

	c->t_rexmit = VX_TCP_NEVER;
	if (c->state >= VX_TCP_ESTABLISHED && c->snd_una == c->snd_nxt)
		return; /* nothing in flight; a probe is the persist timer's */
	t->stats.rexmit_timeouts++;
	c->retries++;
	c->flags &= (uint16_t)~F_TIMING;
	if (c->backoff < 16)
		c->backoff++;
	if (c->state == VX_TCP_SYN_SENT || c->state == VX_TCP_SYN_RCVD) {
		unsigned limit =
		    c->state == VX_TCP_SYN_SENT ? VX_TCP_SYN_RETRIES : VX_TCP_SYNACK_RETRIES;
		if (c->retries > limit) {
			t->stats.timeouts++;
			tcp_drop(t, c, (c->flags & F_ACTIVE) ? err : 0);
			return;
		}
		t->stats.rexmit_segs++;
		c->rexmits++;
		tcp_send_syn(t, c);
		return;
	}
	if (!can_send_data(c))
		return;
	if (c->retries > VX_TCP_MAX_RETRIES) {
		t->stats.timeouts++;
		tcp_send_rst(t, c);
		tcp_drop(t, c, err);
		return;
	}
	if (c->retries == 1)
		c->ssthresh = tcp_max(tcp_flight(c) / 2, 2 * c->mss);
	c->cwnd = c->mss;
	c->cwnd_acked = 0;
	c->dupacks = 0;
	c->recover = c->snd_max;
	c->flags &= (uint16_t)~F_RECOVERY;
	c->snd_nxt = c->snd_una;
	if (output(t, c, true) == 0 && c->t_persist == VX_TCP_NEVER)
		c->t_persist = t->now + tcp_rto(c); /* the window closed meanwhile */
}

/* The persist timer fired: send what the window allows despite the
 * silly-window rule, or probe a zero window with one byte (or the FIN). */
void tcp_timer_persist(struct vx_tcp *t, struct vx_tcp_conn *c)
{
	uint32_t off = c->snd_nxt - c->sb_seq;

	c->t_persist = VX_TCP_NEVER;
	if (!can_send_data(c))
		return;
	t->stats.persist_probes++;
	if (output(t, c, true) == 0) {
		if (off < c->sb_len) {
			emit(t, c, c->snd_nxt, VX_TCP_ACK, off, 1);
			if (vx_seq_gt(c->snd_nxt + 1, c->snd_max))
				c->snd_max = c->snd_nxt + 1;
		} else if (fin_unsent(c)) {
			emit(t, c, c->snd_nxt, VX_TCP_ACK | VX_TCP_FIN, off, 0);
			if (vx_seq_gt(c->snd_nxt + 1, c->snd_max))
				c->snd_max = c->snd_nxt + 1;
		} else {
			return;
		}
		if (c->backoff < 16)
			c->backoff++;
		c->t_persist = t->now + tcp_rto(c);
	}
}
