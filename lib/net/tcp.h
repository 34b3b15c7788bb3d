/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP (RFC 9293) for netd, as a pure state machine over byte buffers.
 *
 * The caller owns one struct vx_tcp: a fixed table of VX_TCP_MAX_CONNS
 * connections, each with its own send and receive ring, and a table of
 * VX_TCP_MAX_LISTENERS listeners.  Nothing is allocated; nothing here
 * reads a clock or touches a device.  Four kinds of call drive it:
 *
 *   vx_tcp_input       one TCP segment from the IP layer (the IP payload,
 *                      already validated and reassembled)
 *   vx_tcp_icmp_error  an ICMP error that quotes a segment we sent
 *   vx_tcp_tick        the clock moved; run the timers that are due
 *   the socket calls   listen/accept, connect, send, recv, shutdown,
 *                      close, abort, and the state/error/event queries
 *
 * Segments leave through config.output, one complete segment with its
 * checksum filled in; the IP layer adds the IP header.  A segment is
 * built in t->seg, or where config.segment says (netd: in the frame the
 * card sends, so that data is copied once, from the send ring into it).
 * The callback must copy what it needs and return: it must not call back
 * into vx_tcp.  An
 * output error is counted and treated as a lost segment (the timers
 * recover it).  config.event, if set, is told the current event mask of
 * each connection or listener whose events may have changed, at the end
 * of each input, tick or socket call; netd may instead poll
 * vx_tcp_events.  The same rule holds: it must not call back in.
 *
 * Handles.  connect and accept return a connection handle
 * 0..VX_TCP_MAX_CONNS-1; listen returns VX_TCP_LISTENER_BASE + i.  A
 * handle stays valid until the owner calls vx_tcp_close; after that the
 * slot may finish the close on its own (FIN_WAIT_*, TIME_WAIT, LAST_ACK)
 * and is then reused.
 *
 * Errors (include/vectra/abi.h), as each call below lists:
 *   VX_E_BADHANDLE  the handle is out of range or not open
 *   VX_E_INVAL      an argument is not accepted (port 0, address 0 ...)
 *   VX_E_FULL       no free connection/listener slot or ephemeral port
 *   VX_E_EXISTS     the local address and port are already listened on
 *   VX_E_EMPTY      accept: nothing to accept
 *   VX_E_AGAIN      recv: no data yet
 *   VX_E_STATE      the connection's state does not permit the call
 *   VX_E_REFUSED    connection refused (RST to our SYN)
 *   VX_E_UNREACH    the destination was reported unreachable during
 *                   connect (or, as the soft error, later)
 *   VX_E_RESET      the peer reset the connection
 *   VX_E_TIMEOUT    retransmissions exhausted (VX_TCP_MAX_RETRIES ...)
 *   VX_E_CORRUPT    timed out after an ICMP parameter problem (its soft
 *                   error; unreachable and time exceeded give the two above)
 *   VX_E_BUSY       aborted locally (vx_tcp_abort; listener closed)
 *
 * docs/TCP.md describes the state machine, every limit and every counter.
 */
#ifndef VX_NET_TCP_H
#define VX_NET_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The fixed limits. */
#define VX_TCP_MAX_CONNS     64	    /* connection slots, incl. half-open */
#define VX_TCP_MAX_LISTENERS 16	    /* listening sockets */
#define VX_TCP_BACKLOG_MAX   16	    /* half-open + unaccepted per listener */
#define VX_TCP_SNDBUF	     65536  /* send ring per connection, bytes */
#define VX_TCP_RCVBUF	     131072 /* receive ring per connection, bytes */
#define VX_TCP_RCV_WSCALE    2	    /* our window shift: RCVBUF >> 2 < 65536 */
#define VX_TCP_OOO_MAX	     8	    /* out-of-order ranges kept per connection */
#define VX_TCP_MTU_DEFAULT   1500
#define VX_TCP_MTU_MIN	     576  /* floor for the MTU, also after ICMP frag-needed */
#define VX_TCP_MTU_MAX	     9000 /* jumbo frames */
#define VX_TCP_HDR_MAX	     60	  /* TCP header with the longest options */
#define VX_TCP_SEG_MAX	     (VX_TCP_MTU_MAX - 20)
#define VX_TCP_MSS_DEFAULT   536 /* send MSS when the peer sends no MSS option */
#define VX_TCP_LISTENER_BASE VX_TCP_MAX_CONNS

/* Timers, in nanoseconds. */
#define VX_TCP_MS	      1000000ull
#define VX_TCP_SEC	      1000000000ull
#define VX_TCP_RTO_INIT	      (1 * VX_TCP_SEC)	/* RFC 6298 2.1 */
#define VX_TCP_RTO_MIN	      (1 * VX_TCP_SEC)	/* RFC 6298 2.4 */
#define VX_TCP_RTO_MAX	      (60 * VX_TCP_SEC) /* RFC 6298 2.5 */
#define VX_TCP_CLOCK_G	      (1 * VX_TCP_MS)	/* clock granularity G */
#define VX_TCP_DELACK	      (40 * VX_TCP_MS)	/* delayed ACK, below 200 ms */
#define VX_TCP_MSL_DEFAULT    (30 * VX_TCP_SEC) /* TIME_WAIT lasts 2 * MSL */
#define VX_TCP_FIN_WAIT2_MAX  (60 * VX_TCP_SEC) /* closed socket in FIN_WAIT_2 */
#define VX_TCP_MAX_RETRIES    8			/* data retransmissions, then VX_E_TIMEOUT */
#define VX_TCP_SYN_RETRIES    5			/* SYN retransmissions in connect */
#define VX_TCP_SYNACK_RETRIES 4			/* SYN-ACK retransmissions for a half-open */
#define VX_TCP_CHALLENGE_MAX  10		/* challenge ACKs per second, per connection */
#define VX_TCP_EPHEMERAL_LO   49152
#define VX_TCP_EPHEMERAL_N    16384
#define VX_TCP_NEVER	      UINT64_MAX

/* Header flags. */
#define VX_TCP_FIN 0x01
#define VX_TCP_SYN 0x02
#define VX_TCP_RST 0x04
#define VX_TCP_PSH 0x08
#define VX_TCP_ACK 0x10
#define VX_TCP_URG 0x20

/* Events (level): what vx_tcp_events reports and config.event is told. */
#define VX_TCP_EV_READABLE    0x01 /* recv will not return VX_E_AGAIN */
#define VX_TCP_EV_WRITABLE    0x02 /* send would take at least one byte */
#define VX_TCP_EV_CONNECTED   0x04 /* the handshake completed */
#define VX_TCP_EV_PEER_CLOSED 0x08 /* the peer's FIN arrived (recv ends) */
#define VX_TCP_EV_ERROR	      0x10 /* reset, refused, timed out: see vx_tcp_error */
#define VX_TCP_EV_CLOSED      0x20 /* the connection reached CLOSED */
#define VX_TCP_EV_ACCEPT      0x40 /* listener: accept will return a connection */

enum vx_tcp_state {
	VX_TCP_CLOSED,
	VX_TCP_LISTEN,
	VX_TCP_SYN_SENT,
	VX_TCP_SYN_RCVD,
	VX_TCP_ESTABLISHED,
	VX_TCP_FIN_WAIT_1,
	VX_TCP_FIN_WAIT_2,
	VX_TCP_CLOSE_WAIT,
	VX_TCP_CLOSING,
	VX_TCP_LAST_ACK,
	VX_TCP_TIME_WAIT,
	VX_TCP_NSTATES
};

/* Sequence numbers compare modulo 2^32 (RFC 9293 3.4): a < b when b lies
 * less than 2^31 ahead of a. */
static inline bool vx_seq_lt(uint32_t a, uint32_t b)
{
	return ((a - b) & 0x80000000u) != 0;
}
static inline bool vx_seq_leq(uint32_t a, uint32_t b)
{
	return a == b || vx_seq_lt(a, b);
}
static inline bool vx_seq_gt(uint32_t a, uint32_t b)
{
	return vx_seq_lt(b, a);
}
static inline bool vx_seq_geq(uint32_t a, uint32_t b)
{
	return vx_seq_leq(b, a);
}

/* The segment acceptability test of RFC 9293 3.10.7.4: may a segment of
 * seg_len sequence numbers (data plus SYN plus FIN) starting at seq be
 * taken in by a receiver expecting rcv_nxt with window rcv_wnd? */
bool vx_tcp_acceptable(uint32_t rcv_nxt, uint32_t rcv_wnd, uint32_t seq, uint32_t seg_len);

/* The options of one header that TCP uses. */
struct vx_tcp_opts {
	bool has_mss, has_ws, sack_ok, has_ts;
	uint16_t mss;
	uint8_t ws; /* as sent; the caller clamps to 14 (RFC 7323 2.3) */
	uint32_t ts_val, ts_ecr;
};

/* Parse n bytes of options.  VX_OK, or VX_E_CORRUPT when an option's
 * length is 0 or 1, runs past the end, or a known option (MSS 2, window
 * scale 3, SACK-permitted 4, timestamps 8) has the wrong length.
 * Unknown options are skipped by their length. */
int vx_tcp_parse_options(const uint8_t *p, size_t n, struct vx_tcp_opts *o);

/* RFC 6298 round-trip estimator.  rto is the base timeout before backoff. */
struct vx_tcp_rtt {
	uint64_t srtt, rttvar, rto;
	bool have; /* at least one sample taken */
};
void vx_tcp_rtt_init(struct vx_tcp_rtt *r);
void vx_tcp_rtt_sample(struct vx_tcp_rtt *r, uint64_t rtt_ns);

/* Counters for the whole stack.  Every hostile or odd segment lands in
 * one of them.  One list gives the struct's fields and the names netd
 * shows (vx_tcp_stat_name), so the two cannot drift. */
#define VX_TCP_STATS(X)                                                                            \
	X(in_segs, "TCP_IN_SEGS")		      /* segments given to vx_tcp_input */         \
	X(out_segs, "TCP_OUT_SEGS")		      /* segments sent */                          \
	X(out_errors, "TCP_OUT_ERRORS")		      /* outputs the callback refused */           \
	X(bad_len, "TCP_BAD_LEN")		      /* drop: shorter than the header says */     \
	X(bad_cksum, "TCP_BAD_CKSUM")		      /* drop: checksum */                         \
	X(bad_opts, "TCP_BAD_OPTS")		      /* drop: malformed options */                \
	X(bad_addr, "TCP_BAD_ADDR")		      /* drop: port 0, bad address, LAND */        \
	X(bad_flags, "TCP_BAD_FLAGS")		      /* drop: flags the state does not take */    \
	X(no_port, "TCP_NO_PORT")		      /* segments to no connection or listener */  \
	X(rst_sent, "TCP_RST_SENT")		      /* resets sent */                            \
	X(rst_rcvd, "TCP_RST_RCVD")		      /* resets that ended a connection */         \
	X(rst_ignored, "TCP_RST_IGNORED")	      /* resets out of window or ignored */        \
	X(challenge_acks, "TCP_CHALLENGE_ACKS")	      /* challenge ACKs sent (RFC 5961) */         \
	X(challenge_limited, "TCP_CHALLENGE_LIMITED") /* challenge ACKs over the limit */          \
	X(out_of_window, "TCP_OUT_OF_WINDOW")	      /* failed the acceptability test */          \
	X(bad_ack, "TCP_BAD_ACK")		      /* ACK for data not sent, or too old */      \
	X(dup_data, "TCP_DUP_DATA")		      /* bytes already received */                 \
	X(late_data, "TCP_LATE_DATA")		      /* data in a state that takes none */        \
	X(paws_dropped, "TCP_PAWS_DROPPED")   /* older timestamp than one seen (RFC 7323 5) */     \
	X(ts_missing, "TCP_TS_MISSING")	      /* no timestamp where both agreed to send them */    \
	X(ooo_segs, "TCP_OOO_SEGS")	      /* out-of-order segments kept */                     \
	X(ooo_dropped, "TCP_OOO_DROPPED")     /* out-of-order segments dropped: no range free */   \
	X(syn_rcvd, "TCP_SYN_RCVD")	      /* SYNs to a listener */                             \
	X(syn_dropped, "TCP_SYN_DROPPED")     /* SYNs dropped: no half-open to evict */            \
	X(syn_evicted, "TCP_SYN_EVICTED")     /* half-open connections evicted for a new SYN */    \
	X(conn_opened, "TCP_CONN_OPENED")     /* connects started */                               \
	X(conn_accepted, "TCP_CONN_ACCEPTED") /* connections handed out by accept */               \
	X(conn_established, "TCP_CONN_ESTABLISHED") /* handshakes completed */                     \
	X(conn_dropped, "TCP_CONN_DROPPED")	    /* ended without the FIN exchange */           \
	X(rexmit_timeouts, "TCP_REXMIT_TIMEOUTS")   /* retransmission timer expiries */            \
	X(rexmit_segs, "TCP_REXMIT_SEGS")	    /* segments sent again */                      \
	X(fast_rexmits, "TCP_FAST_REXMITS")	    /* fast retransmits (three duplicate ACKs) */  \
	X(partial_acks, "TCP_PARTIAL_ACKS")	    /* partial ACKs in fast recovery */            \
	X(persist_probes, "TCP_PERSIST_PROBES")	    /* persist timer expiries */                   \
	X(delayed_acks, "TCP_DELAYED_ACKS")	    /* ACKs sent by the delayed-ACK timer */       \
	X(window_updates, "TCP_WINDOW_UPDATES")	    /* window updates after recv */                \
	X(icmp_ignored, "TCP_ICMP_IGNORED")	    /* ICMP errors ignored (RFC 5927) */           \
	X(icmp_soft, "TCP_ICMP_SOFT")		    /* ICMP errors kept as soft errors */          \
	X(icmp_aborts, "TCP_ICMP_ABORTS")	    /* connects ended by unreachable */            \
	X(icmp_mtu, "TCP_ICMP_MTU")		    /* MSS lowered by frag-needed */               \
	X(timeouts, "TCP_TIMEOUTS")		    /* connections that gave up retransmitting */  \
	X(time_wait_done, "TCP_TIME_WAIT_DONE")	    /* TIME_WAITs that ran out */                  \
	X(rtt_samples, "TCP_RTT_SAMPLES")	    /* round-trip samples taken */                 \
	X(time_wait_reused, "TCP_TIME_WAIT_REUSED") /* TIME_WAITs ended by a newer SYN (6191) */   \
	X(time_wait_recycled, "TCP_TIME_WAIT_RECYCLED") /* oldest TIME_WAIT taken: table full */

struct vx_tcp_stats {
#define VX_TCP_STAT_FIELD(field, name) uint64_t field;
	VX_TCP_STATS(VX_TCP_STAT_FIELD)
#undef VX_TCP_STAT_FIELD
};

enum {
#define VX_TCP_STAT_ONE(field, name) +1
	VX_TCP_NSTATS = 0 VX_TCP_STATS(VX_TCP_STAT_ONE)
#undef VX_TCP_STAT_ONE
};

/* The i-th counter's name ("TCP_IN_SEGS") and value, in the list's order;
 * NULL and 0 when i is out of range. */
const char *vx_tcp_stat_name(unsigned i);
uint64_t vx_tcp_stat(const struct vx_tcp_stats *s, unsigned i);

/* netd's NET_COUNTERS index space: lib/net's counters (enum vx_netc),
 * then TCP's.  The name of the i-th, NULL past the last. */
#define VX_NET_ALL_COUNTERS (VX_NETC_COUNT + VX_TCP_NSTATS)
const char *vx_net_all_counter_name(unsigned i);

struct vx_tcp_range {
	uint32_t lo, hi; /* sequence numbers [lo, hi) */
};

/* One connection.  Private to tcp*.c; here so that the caller can size
 * struct vx_tcp.  The invariants the code keeps:
 *   snd_una <= snd_nxt <= snd_max (snd_max may exceed snd_nxt by a
 *   zero-window probe, or after going back on a timeout); sb holds the
 *   bytes from sb_seq, which is iss + 1 until the SYN is acknowledged,
 *   then snd_una (snd_una - 1 once our FIN is acknowledged);
 *   rb holds rb_len in-order bytes ending at rcv_nxt, and out-of-order
 *   ranges beyond rcv_nxt, all within rcv_adv <= (rcv_nxt - rb_len) +
 *   VX_TCP_RCVBUF, so nothing ever overwrites unread data. */
struct vx_tcp_conn {
	uint8_t state;
	uint16_t flags;
	int8_t listener; /* the listener that made it, -1 for connect */
	uint8_t n_ooo, dupacks, retries, backoff;
	uint8_t snd_ws, rcv_ws; /* window shifts, 0 when not negotiated */
	uint16_t lport, rport;
	uint8_t laddr[4], raddr[4];
	int err, soft_err;
	uint32_t iss, irs;
	uint32_t snd_una, snd_nxt, snd_max, snd_wnd, snd_wl1, snd_wl2, max_sndwnd;
	uint32_t rcv_nxt, rcv_adv, fin_seq, ooo_fin_seq;
	uint32_t mss; /* send MSS: min(ours, the peer's, path MTU) */
	uint32_t cwnd, ssthresh, recover;
	uint32_t cwnd_acked; /* bytes acknowledged in congestion avoidance, below cwnd */
	uint32_t sb_seq, sb_off, sb_len; /* send ring */
	uint32_t rb_off, rb_len;	 /* receive ring: unread in-order bytes */
	uint32_t rcv_mss;		 /* the longest segment received: a full-sized one */
	uint32_t rtt_seq;
	uint32_t ts_recent;	/* the peer's latest timestamp worth echoing */
	uint32_t last_ack_sent; /* rcv_nxt as of our latest ACK */
	uint64_t rtt_start, born;
	uint64_t chal_sec; /* the second chal_n counts challenge ACKs in */
	uint32_t chal_n;
	uint64_t t_rexmit, t_persist, t_delack, t_close;
	struct vx_tcp_rtt rtt;
	struct vx_tcp_range ooo[VX_TCP_OOO_MAX];
	uint64_t rexmits, fast_rexmits; /* this connection's share of the stats */
	uint8_t sb[VX_TCP_SNDBUF];
	uint8_t rb[VX_TCP_RCVBUF];
};

struct vx_tcp_listener {
	bool used;
	uint8_t addr[4]; /* 0.0.0.0: any local address */
	uint16_t port;
	uint8_t backlog;
	bool notify;
};

struct vx_tcp_config {
	int (*output)(void *ctx, const uint8_t src[4], const uint8_t dst[4], const uint8_t *seg,
		      size_t len);
	/* Optional: where to build the next segment, len bytes at most, that
	 * output then gets as it is (netd: vx_net_ip_payload, the card's
	 * frame behind the room for its headers).  NULL, or a NULL segment,
	 * for t->seg.  Asked once per segment, right before output; it must
	 * not call back into vx_tcp. */
	uint8_t *(*segment)(void *ctx, size_t len);
	void (*event)(void *ctx, int handle, uint32_t events); /* may be NULL */
	void *ctx;
	uint8_t isn_key[32]; /* secret for RFC 6528 sequence numbers and ports */
	uint32_t mtu;	     /* 0: VX_TCP_MTU_DEFAULT; clamped to MIN..MAX */
	uint64_t msl_ns;     /* 0: VX_TCP_MSL_DEFAULT */
};

struct vx_tcp {
	struct vx_tcp_config cfg;
	uint64_t now;
	uint64_t accept_clock; /* orders the accept queue */
	uint32_t port_next;
	struct vx_tcp_stats stats;
	struct vx_tcp_listener lis[VX_TCP_MAX_LISTENERS];
	/* Bit i: conn[i] (lis[i]) may be marked for the event callback; bit
	 * i of live: conn[i] may be other than CLOSED.  Each is a superset,
	 * so the loops that used to visit every slot visit these alone. */
	uint64_t notify_conns, live_conns;
	uint32_t notify_lis;
	uint8_t seg[VX_TCP_SEG_MAX]; /* a segment being built, without cfg.segment */
	struct vx_tcp_conn conn[VX_TCP_MAX_CONNS];
};

/* Set up t.  VX_E_INVAL without an output callback.  It marks every slot
 * free and clears the listeners and counters; a slot's header is cleared
 * when the slot is taken and its rings never are, so init is cheap. */
int vx_tcp_init(struct vx_tcp *t, const struct vx_tcp_config *cfg, uint64_t now_ns);

void vx_tcp_input(struct vx_tcp *t, const uint8_t src[4], const uint8_t dst[4], const uint8_t *seg,
		  size_t len, uint64_t now_ns);

/* An ICMP error (type, code; next_mtu for frag-needed) quoting a segment
 * we sent from local to remote; quote is the start of its TCP header (at
 * least 8 bytes: ports and sequence number).  Destination unreachable
 * aborts a connection in SYN_SENT (VX_E_UNREACH) and is a soft error
 * otherwise; frag-needed lowers the MSS; quotes whose sequence number we
 * have not sent and unacknowledged are ignored (RFC 5927). */
void vx_tcp_icmp_error(struct vx_tcp *t, const uint8_t local[4], const uint8_t remote[4],
		       uint8_t type, uint8_t code, uint16_t next_mtu, const uint8_t *quote,
		       size_t len, uint64_t now_ns);

void vx_tcp_tick(struct vx_tcp *t, uint64_t now_ns);
/* The earliest time a timer is due, VX_TCP_NEVER if none. */
uint64_t vx_tcp_next_deadline(const struct vx_tcp *t);

/* Listen on addr:port (addr 0.0.0.0 for any).  backlog is clamped to
 * 1..VX_TCP_BACKLOG_MAX.  Returns a listener handle, VX_E_INVAL for port
 * 0, VX_E_EXISTS, VX_E_FULL. */
int vx_tcp_listen(struct vx_tcp *t, const uint8_t addr[4], uint16_t port, unsigned backlog);
/* The oldest established connection of listener lh, VX_E_EMPTY if none,
 * VX_E_BADHANDLE. */
int vx_tcp_accept(struct vx_tcp *t, int lh);
/* Start a connection from local (an ephemeral port) to remote:rport.
 * Returns the handle (state SYN_SENT), VX_E_INVAL, VX_E_FULL. */
int vx_tcp_connect(struct vx_tcp *t, const uint8_t local[4], const uint8_t remote[4],
		   uint16_t rport, uint64_t now_ns);
/* Copy up to n bytes into the send ring; returns how many it took (0 when
 * the ring is full: wait for VX_TCP_EV_WRITABLE).  Allowed in SYN_SENT,
 * SYN_RCVD, ESTABLISHED, CLOSE_WAIT; VX_E_STATE after shutdown, the
 * connection's error after a reset or timeout. */
int vx_tcp_send(struct vx_tcp *t, int h, const void *p, size_t n, uint64_t now_ns);
/* vx_tcp_send in two halves, for a caller that has several pieces at
 * hand: vx_tcp_queue copies like vx_tcp_send and sends nothing, and
 * vx_tcp_push, once the last piece is queued, sends what may be sent.
 * The pieces then go as full segments, not each with a short one at its
 * end (netd queues every socket slot that waits, then pushes).  Queued
 * data also goes whenever an ACK or timer lets the connection send. */
int vx_tcp_queue(struct vx_tcp *t, int h, const void *p, size_t n, uint64_t now_ns);
int vx_tcp_push(struct vx_tcp *t, int h, uint64_t now_ns);
/* Copy up to n bytes from the receive ring.  Returns the count, 0 at the
 * end of the stream (peer's FIN), VX_E_AGAIN when nothing has arrived, the
 * connection's error after a reset or timeout. */
int vx_tcp_recv(struct vx_tcp *t, int h, void *p, size_t n, uint64_t now_ns);
/* Send FIN after the queued data.  VX_E_STATE if not connected or
 * already shut down. */
int vx_tcp_shutdown(struct vx_tcp *t, int h, uint64_t now_ns);
/* Give the handle back.  A connection still open is shut down gracefully
 * (or reset, when unread data remains, as RFC 2525 asks) and finishes on
 * its own.  A listener is closed and its unaccepted connections reset. */
int vx_tcp_close(struct vx_tcp *t, int h, uint64_t now_ns);
/* Reset the connection (RST) and give the handle back. */
int vx_tcp_abort(struct vx_tcp *t, int h, uint64_t now_ns);

int vx_tcp_state(const struct vx_tcp *t, int h); /* enum vx_tcp_state or error */
int vx_tcp_error(const struct vx_tcp *t, int h); /* VX_OK or the error */
uint32_t vx_tcp_events(const struct vx_tcp *t, int h);
/* Has connection h sent its FIN at least once (or is it CLOSED, sending
 * nothing more)?  False before shutdown, and while data or the FIN waits
 * for the window; true for a handle that is not open.  netd asks it as
 * it gives the handle back, to know whether the close's last segment is
 * still to come (docs/NET.md, "Closing"). */
bool vx_tcp_fin_sent(const struct vx_tcp *t, int h);
/* Bytes queued to send but not yet acknowledged, and bytes readable. */
uint32_t vx_tcp_unacked(const struct vx_tcp *t, int h);
uint32_t vx_tcp_readable(const struct vx_tcp *t, int h);
const char *vx_tcp_state_name(int state);

#endif
