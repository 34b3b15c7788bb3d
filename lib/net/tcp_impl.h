/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the three TCP files share and nobody else sees.
 *
 *   tcp.c      the tables, the socket calls, the timers, sequence numbers
 *              (RFC 6528), options, the RTT estimator
 *   tcp_in.c   a segment's way in: checks, demultiplexing, the state
 *              machine of RFC 9293 3.10.7, ACK processing with NewReno,
 *              reassembly into the receive ring
 *   tcp_out.c  a segment's way out: what may be sent now (windows, cwnd,
 *              silly-window rules), building headers, RST replies
 *
 * Every function takes the stack t; t->now is the time of the call being
 * served.
 */
#ifndef VX_NET_TCP_IMPL_H
#define VX_NET_TCP_IMPL_H

#include "net/tcp.h"

/* struct vx_tcp_conn.flags */
#define F_USER	   0x0001 /* a handle refers to it: freed only by close */
#define F_ACKNOW   0x0002 /* send an ACK at the next output */
#define F_FIN_Q	   0x0004 /* shutdown asked: FIN follows the data at fin_seq */
#define F_FIN_RCVD 0x0008 /* the peer's FIN is in sequence: no more data */
#define F_OOO_FIN  0x0010 /* a FIN arrived out of order, at ooo_fin_seq */
#define F_TIMING   0x0020 /* an RTT measurement runs on rtt_seq */
#define F_RECOVERY 0x0040 /* in NewReno fast recovery until recover */
#define F_NOTIFY   0x0080 /* events may have changed: tell config.event */
#define F_ACTIVE   0x0100 /* opened by connect */
#define F_RDSHUT   0x0200 /* closed by its user: new data is answered by RST */
#define F_TS	   0x0400 /* both sides send timestamps (RFC 7323 3) */

/* Segment as parsed by tcp_in.c. */
struct tcp_seg {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags; /* as received */
	bool syn, fin; /* still to be processed, after trimming */
	uint32_t wnd;  /* raw 16-bit field */
	const uint8_t *data;
	uint32_t len; /* data bytes */
	struct vx_tcp_opts opts;
};

/* tcp.c */
struct vx_tcp_conn *tcp_conn_new(struct vx_tcp *t);
void tcp_conn_free(struct vx_tcp *t, struct vx_tcp_conn *c);
void tcp_set_state(struct vx_tcp *t, struct vx_tcp_conn *c, int state);
void tcp_drop(struct vx_tcp *t, struct vx_tcp_conn *c, int err);
void tcp_closed(struct vx_tcp *t, struct vx_tcp_conn *c);
uint32_t tcp_isn(const struct vx_tcp *t, const uint8_t laddr[4], uint16_t lport,
		 const uint8_t raddr[4], uint16_t rport);
uint32_t tcp_local_mss(const struct vx_tcp *t);
void tcp_time_wait(struct vx_tcp *t, struct vx_tcp_conn *c);
void tcp_notify_all(struct vx_tcp *t);
int tcp_handle(const struct vx_tcp *t, const struct vx_tcp_conn *c);

/* tcp_out.c */
uint64_t tcp_rto(const struct vx_tcp_conn *c);
void tcp_output(struct vx_tcp *t, struct vx_tcp_conn *c);
void tcp_send_syn(struct vx_tcp *t, struct vx_tcp_conn *c);
void tcp_send_ack(struct vx_tcp *t, struct vx_tcp_conn *c);
void tcp_send_rst(struct vx_tcp *t, struct vx_tcp_conn *c);
void tcp_send_one(struct vx_tcp *t, struct vx_tcp_conn *c, uint32_t seq, uint32_t max);
void tcp_reply_rst(struct vx_tcp *t, const uint8_t src[4], const uint8_t dst[4],
		   const struct tcp_seg *s);
uint32_t tcp_rcv_wnd(const struct vx_tcp_conn *c);
void tcp_timer_rexmit(struct vx_tcp *t, struct vx_tcp_conn *c);
void tcp_timer_persist(struct vx_tcp *t, struct vx_tcp_conn *c);
uint32_t tcp_flight(const struct vx_tcp_conn *c);

/* tcp_in.c */
void tcp_challenge_ack(struct vx_tcp *t, struct vx_tcp_conn *c);

_Static_assert(VX_TCP_MAX_CONNS <= 64, "struct vx_tcp's masks hold a bit per connection");
_Static_assert(VX_TCP_MAX_LISTENERS <= 32, "struct vx_tcp's notify_lis holds a bit per listener");

/* Mark c (listener li) for the event callback: tcp_notify_all tells it. */
static inline void tcp_mark(struct vx_tcp *t, struct vx_tcp_conn *c)
{
	c->flags |= F_NOTIFY;
	t->notify_conns |= 1ull << (c - t->conn);
}

static inline void tcp_mark_listener(struct vx_tcp *t, int li)
{
	t->lis[li].notify = true;
	t->notify_lis |= 1u << li;
}

static inline uint32_t tcp_min(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}
static inline uint32_t tcp_max(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}
static inline uint16_t tcp_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}
static inline uint32_t tcp_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void tcp_put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static inline void tcp_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif
