/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP (lib/net/tcp.h): the pieces, then two stacks over a simulated link.
 *
 * The pieces: sequence arithmetic at the wrap, the acceptability table of
 * RFC 9293 3.10.7.4, RFC 6298's estimator against hand-worked numbers,
 * and the option parser against hostile lengths.
 *
 * The link: every segment one stack outputs is copied into a queue with a
 * delivery time (a fixed delay plus, for reordering, a random extra), or
 * lost, or queued twice, all from one seeded generator, so a run is
 * deterministic.  A virtual clock jumps to the next delivery or timer.
 * The applications write a stream whose byte i is a function of i and
 * check each byte they read against it, so a lost, duplicated or moved
 * byte is caught at once, not only by a final checksum.
 *
 * Scenarios by name follow: simultaneous open and close, RSTs, a SYN
 * flood, zero window, window scaling, NewReno, TIME_WAIT, the retransmit
 * limit, ICMP.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "net/cksum.h"
#include "net/tcp.h"
#include "net/tcp_impl.h"
#include "vectra/abi.h"

#define MS  VX_TCP_MS
#define SEC VX_TCP_SEC
#define MIB (1024u * 1024u)

/* --- pieces ------------------------------------------------------------ */

static void test_seq_wrap(void **state)
{
	assert_true(vx_seq_lt(0xfffffff0u, 0x10u));
	assert_true(vx_seq_gt(0x10u, 0xfffffff0u));
	assert_true(vx_seq_leq(0xffffffffu, 0u));
	assert_true(vx_seq_geq(0u, 0xffffffffu));
	assert_false(vx_seq_lt(5, 5));
	assert_true(vx_seq_leq(5, 5));
	assert_true(vx_seq_lt(0x7fffffffu, 0x80000000u));
	assert_true(vx_seq_lt(0u, 0x7fffffffu));
	assert_false(vx_seq_lt(0u, 0x80000001u)); /* more than 2^31 ahead: behind */
	assert_int_equal((uint32_t)(0x10u - 0xfffffff0u), 0x20);
}

static void test_acceptable_table(void **state)
{
	/* len 0, window 0: only rcv_nxt */
	assert_true(vx_tcp_acceptable(100, 0, 100, 0));
	assert_false(vx_tcp_acceptable(100, 0, 101, 0));
	assert_false(vx_tcp_acceptable(100, 0, 99, 0));
	/* len 0, window > 0: rcv_nxt <= seq < rcv_nxt + wnd */
	assert_true(vx_tcp_acceptable(100, 10, 100, 0));
	assert_true(vx_tcp_acceptable(100, 10, 109, 0));
	assert_false(vx_tcp_acceptable(100, 10, 110, 0));
	assert_false(vx_tcp_acceptable(100, 10, 99, 0));
	/* len > 0, window 0: never */
	assert_false(vx_tcp_acceptable(100, 0, 100, 1));
	/* len > 0, window > 0: first or last byte in the window */
	assert_true(vx_tcp_acceptable(100, 10, 95, 6));	   /* last byte 100 */
	assert_false(vx_tcp_acceptable(100, 10, 95, 5));   /* ends at 99 */
	assert_true(vx_tcp_acceptable(100, 10, 109, 50));  /* first byte 109 */
	assert_false(vx_tcp_acceptable(100, 10, 110, 50)); /* starts at the edge */
	/* across the wrap */
	assert_true(vx_tcp_acceptable(0xfffffffau, 20, 0xfffffffau, 10));
	assert_true(vx_tcp_acceptable(0xfffffffau, 20, 5, 1));
	assert_false(vx_tcp_acceptable(0xfffffffau, 20, 14, 1));
	assert_true(vx_tcp_acceptable(0xfffffffau, 20, 0xfffffff0u, 11)); /* last 0xfffffffa */
}

static void test_rtt_rfc6298(void **state)
{
	struct vx_tcp_rtt r;

	vx_tcp_rtt_init(&r);
	assert_int_equal(r.rto, 1 * SEC); /* 2.1 */
	vx_tcp_rtt_sample(&r, 2 * SEC);	  /* 2.2: SRTT = R, RTTVAR = R/2 */
	assert_int_equal(r.srtt, 2 * SEC);
	assert_int_equal(r.rttvar, 1 * SEC);
	assert_int_equal(r.rto, 6 * SEC);    /* 2 + 4 * 1 */
	vx_tcp_rtt_sample(&r, 1 * SEC);	     /* 2.3 */
	assert_int_equal(r.rttvar, 1 * SEC); /* 3/4 * 1 + 1/4 * |2 - 1| */
	assert_int_equal(r.srtt, 1875 * MS); /* 7/8 * 2 + 1/8 * 1 */
	assert_int_equal(r.rto, 5875 * MS);
	vx_tcp_rtt_init(&r);
	vx_tcp_rtt_sample(&r, 100 * MS); /* 300 ms: raised to the 1 s floor (2.4) */
	assert_int_equal(r.rto, 1 * SEC);
	vx_tcp_rtt_init(&r);
	vx_tcp_rtt_sample(&r, 30 * SEC); /* 90 s: cut to 60 s (2.5) */
	assert_int_equal(r.rto, 60 * SEC);
	vx_tcp_rtt_init(&r);
	vx_tcp_rtt_sample(&r, 0); /* 0 + max(G, 0) */
	assert_int_equal(r.rto, 1 * SEC);
	/* Backoff doubles and stops at 60 s (5.5). */
	struct vx_tcp_conn *c = calloc(1, sizeof(*c));
	vx_tcp_rtt_init(&c->rtt);
	c->backoff = 3;
	assert_int_equal(tcp_rto(c), 8 * SEC);
	c->backoff = 16;
	assert_int_equal(tcp_rto(c), 60 * SEC);
	free(c);
}

static void test_options_hostile(void **state)
{
	struct vx_tcp_opts o;
	const uint8_t good[] = {2, 4, 0x05, 0xb4, 1, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2};
	const uint8_t zero_len[] = {2, 0, 1, 1};
	const uint8_t one_len[] = {9, 1, 1, 1};
	const uint8_t past_end[] = {2, 4, 0x05};
	const uint8_t unknown_past[] = {1, 1, 30, 8, 0, 0};
	const uint8_t mss_len3[] = {2, 3, 5, 0};
	const uint8_t ws_len4[] = {3, 4, 7, 0};
	const uint8_t sack_len3[] = {4, 3, 0, 0};
	const uint8_t ts_len8[] = {8, 8, 0, 0, 0, 0, 0, 0};
	const uint8_t lone_kind[] = {1, 1, 1, 2};
	const uint8_t eol_then_junk[] = {0, 2, 0, 0xff};
	const uint8_t unknown_ok[] = {30, 4, 0xaa, 0xbb, 3, 3, 14, 0};

	assert_int_equal(vx_tcp_parse_options(good, sizeof(good), &o), VX_OK);
	assert_true(o.has_mss && o.mss == 1460);
	assert_true(o.has_ws && o.ws == 7);
	assert_true(o.sack_ok && o.has_ts && o.ts_val == 1 && o.ts_ecr == 2);
	assert_int_equal(vx_tcp_parse_options(zero_len, 4, &o), VX_E_CORRUPT);
	assert_int_equal(vx_tcp_parse_options(one_len, 4, &o), VX_E_CORRUPT);
	assert_int_equal(vx_tcp_parse_options(past_end, 3, &o), VX_E_CORRUPT);
	assert_int_equal(vx_tcp_parse_options(unknown_past, 6, &o), VX_E_CORRUPT);
	assert_int_equal(vx_tcp_parse_options(mss_len3, 4, &o), VX_E_CORRUPT);
	assert_int_equal(vx_tcp_parse_options(ws_len4, 4, &o), VX_E_CORRUPT);
	assert_int_equal(vx_tcp_parse_options(sack_len3, 4, &o), VX_E_CORRUPT);
	assert_int_equal(vx_tcp_parse_options(ts_len8, 8, &o), VX_E_CORRUPT);
	assert_int_equal(vx_tcp_parse_options(lone_kind, 4, &o), VX_E_CORRUPT);
	assert_int_equal(vx_tcp_parse_options(eol_then_junk, 4, &o), VX_OK);
	assert_false(o.has_mss);
	assert_int_equal(vx_tcp_parse_options(unknown_ok, 8, &o), VX_OK);
	assert_true(o.has_ws && o.ws == 14);
	assert_int_equal(vx_tcp_parse_options(NULL, 0, &o), VX_OK);
}

/* --- the simulated link ---------------------------------------------- */

#define QMAX 2048
#define SEGB 9000

struct pkt {
	uint64_t at, order;
	uint8_t src[4], dst[4];
	uint16_t len;
	uint8_t data[SEGB];
};

struct net;
typedef bool (*filter_fn)(struct net *n, int from, const uint8_t *seg, size_t len);

struct side {
	struct net *n;
	int id;
	const uint8_t *given;	/* where cfg.segment said to build the segment */
	uint32_t in_place, own; /* segments built there, and in t->seg */
};

struct net {
	struct vx_tcp *st[2];
	struct side side[2];
	uint8_t addr[2][4];
	uint64_t now, order, rng;
	uint32_t loss_pm, dup_pm, reorder_pm; /* per mille */
	uint64_t delay, jitter;
	filter_fn filter;
	void (*mangle)(uint8_t *seg, size_t len); /* rewrites SYNs */
	uint32_t data_segs[2];			  /* data segments output by each side */
	uint32_t lost, dups, qfull, nowhere;
	int filter_state; /* 0 at net_init: a filter's cue to reset */
	unsigned n;
	struct pkt q[QMAX];
};

static struct vx_tcp stack_a, stack_b, stack_c;
static struct net net;
static uint32_t net_mtu[2]; /* 0: the default */
static size_t seg_room;	    /* nonzero: cfg.segment offers memory of this size */
static uint8_t seg_mem[2][SEGB];

/* cfg.segment, as a link offering seg_room bytes (netd: a frame's room
 * for a segment): the last len bytes of the side's buffer, poisoned, so
 * that a byte written past len is caught by ASan, one not written by the
 * checksum.  Asked once for each segment, right before output. */
static uint8_t *link_segment(void *ctx, size_t len)
{
	struct side *s = ctx;

	assert_null(s->given);
	if (len > seg_room)
		return NULL;
	s->given = seg_mem[s->id] + SEGB - len;
	memset((uint8_t *)s->given, 0xa5, len);
	return (uint8_t *)s->given;
}

static uint32_t rnd(struct net *n)
{
	/* xorshift64* */
	n->rng ^= n->rng >> 12;
	n->rng ^= n->rng << 25;
	n->rng ^= n->rng >> 27;
	return (uint32_t)((n->rng * 0x2545F4914F6CDD1Dull) >> 32);
}

static void enqueue(struct net *n, const uint8_t src[4], const uint8_t dst[4], const uint8_t *seg,
		    size_t len, uint64_t at)
{
	struct pkt *p;

	assert_true(len <= SEGB);
	if (n->n == QMAX) {
		n->qfull++;
		return;
	}
	p = &n->q[n->n++];
	p->at = at;
	p->order = n->order++;
	memcpy(p->src, src, 4);
	memcpy(p->dst, dst, 4);
	p->len = (uint16_t)len;
	memcpy(p->data, seg, len);
}

static int dest_of(struct net *n, const uint8_t dst[4])
{
	return memcmp(dst, n->addr[0], 4) == 0 ? 0 : memcmp(dst, n->addr[1], 4) == 0 ? 1 : -1;
}

static int link_output(void *ctx, const uint8_t src[4], const uint8_t dst[4], const uint8_t *seg,
		       size_t len)
{
	struct side *s = ctx;
	struct net *n = s->n;
	uint64_t at = n->now + n->delay;

	/* Built where cfg.segment said, or in the stack's own memory. */
	if (seg_room) {
		assert_ptr_equal(seg, s->given ? s->given : n->st[s->id]->seg);
		if (s->given)
			assert_ptr_equal(seg + len, seg_mem[s->id] + SEGB);
		*(s->given ? &s->in_place : &s->own) += 1;
		s->given = NULL;
	}
	/* Every segment leaves with a correct checksum. */
	assert_int_equal(
	    vx_cksum_fold(vx_cksum_add(vx_cksum_pseudo4(src, dst, 6, (uint16_t)len), seg, len)), 0);
	if (len > (size_t)((seg[12] >> 4) * 4))
		n->data_segs[s->id]++;
	if (dest_of(n, dst) < 0) { /* nobody there: a flood's replies */
		n->nowhere++;
		return 0;
	}
	if (n->mangle && (seg[13] & VX_TCP_SYN)) {
		static uint8_t copy[SEGB];
		memcpy(copy, seg, len);
		n->mangle(copy, len);
		tcp_put16(copy + 16, 0);
		tcp_put16(copy + 16, vx_cksum_fold(vx_cksum_add(
					 vx_cksum_pseudo4(src, dst, 6, (uint16_t)len), copy, len)));
		seg = copy;
	}
	if (n->filter && n->filter(n, s->id, seg, len)) {
		n->lost++;
		return 0;
	}
	if (n->loss_pm && rnd(n) % 1000 < n->loss_pm) {
		n->lost++;
		return 0;
	}
	if (n->reorder_pm && rnd(n) % 1000 < n->reorder_pm)
		at += n->jitter ? rnd(n) % n->jitter : 0;
	enqueue(n, src, dst, seg, len, at);
	if (n->dup_pm && rnd(n) % 1000 < n->dup_pm) {
		n->dups++;
		enqueue(n, src, dst, seg, len, at + rnd(n) % (n->delay + 1));
	}
	return 0;
}

static void net_init(struct net *n, uint64_t seed, uint64_t msl)
{
	struct vx_tcp_config cfg;

	memset(n, 0, offsetof(struct net, q));
	n->rng = seed * 0x9E3779B97F4A7C15ull + 1;
	n->delay = 10 * MS;
	n->st[0] = &stack_a;
	n->st[1] = &stack_b;
	memcpy(n->addr[0], (uint8_t[]){10, 0, 0, 1}, 4);
	memcpy(n->addr[1], (uint8_t[]){10, 0, 0, 2}, 4);
	for (int i = 0; i < 2; i++) {
		n->side[i].n = n;
		n->side[i].id = i;
		memset(&cfg, 0, sizeof(cfg));
		cfg.output = link_output;
		cfg.segment = seg_room ? link_segment : NULL;
		cfg.ctx = &n->side[i];
		for (int k = 0; k < 32; k++)
			cfg.isn_key[k] = (uint8_t)(seed + 7 * k + i);
		cfg.msl_ns = msl;
		cfg.mtu = net_mtu[i];
		assert_int_equal(vx_tcp_init(n->st[i], &cfg, 0), VX_OK);
	}
}

/* Deliver everything due at n->now, earliest first. */
static void deliver_due(struct net *n)
{
	for (;;) {
		unsigned best = QMAX;
		struct pkt p;
		int d;
		for (unsigned i = 0; i < n->n; i++)
			if (n->q[i].at <= n->now &&
			    (best == QMAX || n->q[i].at < n->q[best].at ||
			     (n->q[i].at == n->q[best].at && n->q[i].order < n->q[best].order)))
				best = i;
		if (best == QMAX)
			return;
		p = n->q[best];
		n->q[best] = n->q[--n->n];
		d = dest_of(n, p.dst);
		if (d >= 0)
			vx_tcp_input(n->st[d], p.src, p.dst, p.data, p.len, n->now);
	}
}

/* Advance the clock to the next delivery or timer, at most to limit.
 * False when nothing at all is pending. */
static bool net_step(struct net *n, uint64_t limit)
{
	uint64_t next = VX_TCP_NEVER;

	for (unsigned i = 0; i < n->n; i++)
		if (n->q[i].at < next)
			next = n->q[i].at;
	for (int i = 0; i < 2; i++) {
		uint64_t d = vx_tcp_next_deadline(n->st[i]);
		if (d < next)
			next = d;
	}
	if (next == VX_TCP_NEVER)
		return false;
	if (next > limit)
		next = limit;
	if (next > n->now)
		n->now = next;
	deliver_due(n);
	vx_tcp_tick(n->st[0], n->now);
	vx_tcp_tick(n->st[1], n->now);
	return true;
}

/* --- applications ------------------------------------------------------ */

static uint8_t stream_byte(uint32_t seed, uint64_t i)
{
	uint64_t x = (i + seed) * 0x9E3779B97F4A7C15ull;
	return (uint8_t)(x >> 56 ^ x >> 23);
}

struct app {
	struct vx_tcp *t;
	int h;
	uint32_t seed_out, seed_in;
	uint64_t total, sent, rcvd;
	bool shut, eof, closed, reading;
	uint32_t sum; /* a running checksum of what arrived */
	uint32_t chunk_seed;
	uint32_t read_max; /* 0: read all there is; else one read of this many */
};

static uint8_t buf[200000];

/* Write what the ring takes, read what has arrived, shut down after the
 * last byte, close after the end of the peer's stream. */
static void app_pump(struct app *a, uint64_t now)
{
	if (a->closed || a->h < 0)
		return;
	while (a->sent < a->total) {
		uint32_t want = 1 + (a->chunk_seed = a->chunk_seed * 1103515245u + 12345u) % 30000;
		int r;
		if (want > a->total - a->sent)
			want = (uint32_t)(a->total - a->sent);
		for (uint32_t i = 0; i < want; i++)
			buf[i] = stream_byte(a->seed_out, a->sent + i);
		r = vx_tcp_send(a->t, a->h, buf, want, now);
		if (r == VX_E_STATE && vx_tcp_state(a->t, a->h) == VX_TCP_SYN_SENT)
			break;
		if (r < 0)
			fail_msg("send: %d in %s at %llu ms", r,
				 vx_tcp_state_name(vx_tcp_state(a->t, a->h)),
				 (unsigned long long)(now / MS));
		a->sent += (uint32_t)r;
		if ((uint32_t)r < want)
			break;
	}
	if (a->sent == a->total && !a->shut) {
		int st = vx_tcp_state(a->t, a->h);
		if (st == VX_TCP_ESTABLISHED || st == VX_TCP_CLOSE_WAIT) {
			assert_int_equal(vx_tcp_shutdown(a->t, a->h, now), VX_OK);
			a->shut = true;
		}
	}
	while (a->reading && !a->eof) {
		int r = vx_tcp_recv(a->t, a->h, buf, a->read_max ? a->read_max : sizeof(buf), now);
		if (r == VX_E_AGAIN)
			break;
		assert_true(r >= 0);
		if (r == 0) {
			a->eof = true;
			break;
		}
		for (int i = 0; i < r; i++) {
			if (buf[i] != stream_byte(a->seed_in, a->rcvd + (uint64_t)i))
				fail_msg("stream byte %llu wrong",
					 (unsigned long long)(a->rcvd + i));
			a->sum = a->sum * 31 + buf[i];
		}
		a->rcvd += (uint64_t)r;
		if (a->read_max)
			break;
	}
	if (a->eof && a->shut && !a->closed) {
		assert_int_equal(vx_tcp_close(a->t, a->h, now), VX_OK);
		a->closed = true;
	}
}

static unsigned live_conns(const struct vx_tcp *t)
{
	unsigned n = 0;

	for (int i = 0; i < VX_TCP_MAX_CONNS; i++)
		if (t->conn[i].state != VX_TCP_CLOSED || (t->conn[i].flags & F_USER))
			n++;
	return n;
}

static uint32_t expected_sum(uint32_t seed, uint64_t total)
{
	uint32_t s = 0;

	for (uint64_t i = 0; i < total; i++)
		s = s * 31 + stream_byte(seed, i);
	return s;
}

/* Connect a (client, stack 0) to b (server, stack 1, port 80): both sides
 * established, the handles in ca and cb. */
static void connect_pair(struct net *n, struct app *ca, struct app *cb, int *lh)
{
	uint64_t limit = n->now + 30 * SEC;

	if (*lh < 0)
		*lh = vx_tcp_listen(n->st[1], n->addr[1], 80, 8);
	assert_true(*lh >= VX_TCP_LISTENER_BASE);
	memset(ca, 0, sizeof(*ca));
	memset(cb, 0, sizeof(*cb));
	ca->t = n->st[0];
	cb->t = n->st[1];
	cb->h = -1;
	ca->h = vx_tcp_connect(n->st[0], n->addr[0], n->addr[1], 80, n->now);
	assert_true(ca->h >= 0);
	assert_int_equal(vx_tcp_state(ca->t, ca->h), VX_TCP_SYN_SENT);
	while (cb->h < 0 || vx_tcp_state(ca->t, ca->h) != VX_TCP_ESTABLISHED) {
		assert_true(n->now < limit);
		assert_true(net_step(n, limit));
		if (cb->h < 0) {
			int h = vx_tcp_accept(n->st[1], *lh);
			if (h >= 0)
				cb->h = h;
			else
				assert_int_equal(h, VX_E_EMPTY);
		}
	}
	assert_int_equal(vx_tcp_state(cb->t, cb->h), VX_TCP_ESTABLISHED);
}

/* Run both applications until both streams are through and both handles
 * closed, and every connection slot has emptied (TIME_WAIT included).
 * Returns the virtual time it took. */
static uint64_t run_transfer(struct net *n, struct app *ca, struct app *cb, uint64_t limit)
{
	uint64_t t0 = n->now;

	for (;;) {
		app_pump(ca, n->now);
		app_pump(cb, n->now);
		if (ca->closed && cb->closed && live_conns(n->st[0]) == 0 &&
		    live_conns(n->st[1]) == 0)
			break;
		if (n->now >= t0 + limit)
			fail_msg(
			    "transfer not done in %llu s: sent %llu/%llu rcvd %llu/%llu states "
			    "%s %s",
			    (unsigned long long)(limit / SEC), (unsigned long long)ca->sent,
			    (unsigned long long)cb->sent, (unsigned long long)cb->rcvd,
			    (unsigned long long)ca->rcvd,
			    vx_tcp_state_name(n->st[0]->conn[ca->h].state),
			    vx_tcp_state_name(n->st[1]->conn[cb->h].state));
		/* A slow reader reads at least every 10 ms, as an application
		 * would, not only when a segment or timer wakes it. */
		if (!net_step(n, (ca->read_max || cb->read_max) && n->now + 10 * MS < t0 + limit
				     ? n->now + 10 * MS
				     : t0 + limit) &&
		    !(ca->h >= 0 && !ca->closed && !ca->eof &&
		      (vx_tcp_events(ca->t, ca->h) & VX_TCP_EV_READABLE)) &&
		    !(cb->h >= 0 && !cb->closed && !cb->eof &&
		      (vx_tcp_events(cb->t, cb->h) & VX_TCP_EV_READABLE))) {
			for (int k = 0; k < 2; k++)
				for (int i = 0; i < VX_TCP_MAX_CONNS; i++) {
					struct vx_tcp_conn *c = &n->st[k]->conn[i];
					if (c->state == VX_TCP_CLOSED && !(c->flags & F_USER))
						continue;
					print_message(
					    "# %d/%d %s fl %x una %u nxt %u max %u wnd %u "
					    "cwnd %u sb %u fin_seq %u rcv_nxt %u adv %u rb %u "
					    "tr %llu tp %llu\n",
					    k, i, vx_tcp_state_name(c->state), c->flags,
					    c->snd_una - c->iss, c->snd_nxt - c->iss,
					    c->snd_max - c->iss, c->snd_wnd, c->cwnd, c->sb_len,
					    c->fin_seq - c->iss, c->rcv_nxt - c->irs,
					    c->rcv_adv - c->irs, c->rb_len,
					    (unsigned long long)c->t_rexmit,
					    (unsigned long long)c->t_persist);
				}
			print_message("# apps: a sent %llu/%llu rcvd %llu shut %d eof %d closed "
				      "%d; b sent %llu/%llu rcvd %llu shut %d eof %d closed %d\n",
				      (unsigned long long)ca->sent, (unsigned long long)ca->total,
				      (unsigned long long)ca->rcvd, ca->shut, ca->eof, ca->closed,
				      (unsigned long long)cb->sent, (unsigned long long)cb->total,
				      (unsigned long long)cb->rcvd, cb->shut, cb->eof, cb->closed);
			fail_msg("nothing pending but not done"); /* a slow reader may still read */
		}
	}
	return n->now - t0;
}

static void transfer(uint64_t seed, uint32_t loss, uint32_t dup, uint32_t reorder, uint64_t bytes,
		     uint64_t limit)
{
	struct app ca, cb;
	int lh = -1;
	uint64_t took;

	net_init(&net, seed, 1 * SEC);
	net.loss_pm = loss;
	net.dup_pm = dup;
	net.reorder_pm = reorder;
	net.jitter = 30 * MS;
	connect_pair(&net, &ca, &cb, &lh);
	ca.total = cb.total = bytes;
	ca.seed_out = cb.seed_in = 11;
	cb.seed_out = ca.seed_in = 22;
	ca.reading = cb.reading = true;
	ca.chunk_seed = 1;
	cb.chunk_seed = 2;
	took = run_transfer(&net, &ca, &cb, limit);
	assert_int_equal(ca.rcvd, bytes);
	assert_int_equal(cb.rcvd, bytes);
	assert_int_equal(cb.sum, expected_sum(11, bytes));
	assert_int_equal(ca.sum, expected_sum(22, bytes));
	assert_int_equal(vx_tcp_close(net.st[1], lh, net.now), VX_OK);
	print_message("# seed %llu loss %u/1000 dup %u reorder %u: %llu bytes each way in %llu ms "
		      "virtual; lost %u dups %u; a: rto %llu fast %llu; b: rto %llu fast %llu\n",
		      (unsigned long long)seed, loss, dup, reorder, (unsigned long long)bytes,
		      (unsigned long long)(took / MS), net.lost, net.dups,
		      (unsigned long long)stack_a.stats.rexmit_timeouts,
		      (unsigned long long)stack_a.stats.fast_rexmits,
		      (unsigned long long)stack_b.stats.rexmit_timeouts,
		      (unsigned long long)stack_b.stats.fast_rexmits);
	assert_int_equal(stack_a.stats.bad_cksum + stack_b.stats.bad_cksum, 0);
	assert_int_equal(net.qfull, 0);
}

static void test_transfer_clean(void **state)
{
	transfer(1, 0, 0, 0, 4 * MIB, 5 * SEC);
	assert_int_equal(stack_a.stats.rexmit_timeouts + stack_b.stats.rexmit_timeouts, 0);
	assert_int_equal(stack_a.stats.rexmit_segs + stack_b.stats.rexmit_segs, 0);
}

static void test_transfer_loss_1pct(void **state)
{
	transfer(2, 10, 0, 0, 4 * MIB, 30 * SEC);
}

static void test_transfer_loss_5pct(void **state)
{
	transfer(3, 50, 0, 0, 2 * MIB, 150 * SEC);
}

static void test_transfer_reorder_dup(void **state)
{
	transfer(4, 0, 20, 100, 4 * MIB, 60 * SEC);
}

static void test_transfer_everything(void **state)
{
	for (uint64_t seed = 10; seed < 14; seed++)
		transfer(seed, 20, 10, 50, 1 * MIB, 60 * SEC);
}

/* Segments built where cfg.segment offers (netd: in the card's frame).
 * With a frame's room (1480 bytes, MTU 1500) every segment, full ones
 * included, is built there and no byte in t->seg; with less room (1000)
 * the full segments fall back to t->seg and the rest still go in place,
 * at 1% loss so that retransmissions, timeouts and RSTs take both ways.
 * Each stream arrives byte for byte, every checksum right. */
static void test_transfer_segment_in_place(void **state)
{
	seg_room = 1480;
	transfer(5, 0, 0, 0, 1 * MIB, 5 * SEC);
	for (int i = 0; i < 2; i++) {
		assert_true(net.side[i].in_place > 700);
		assert_int_equal(net.side[i].own, 0);
	}
	seg_room = 1000;
	transfer(6, 10, 0, 0, 1 * MIB, 30 * SEC);
	for (int i = 0; i < 2; i++) {
		assert_true(net.side[i].in_place > 100);
		assert_true(net.side[i].own > 700);
	}
	seg_room = 0;
}

/* --- scenarios --------------------------------------------------------- */

/* A stack whose output is recorded, not sent. */
struct sink {
	unsigned n;
	size_t len;
	uint8_t dst[4];
	uint8_t seg[SEGB];
};
static struct sink sink;

static int sink_output(void *ctx, const uint8_t src[4], const uint8_t dst[4], const uint8_t *seg,
		       size_t len)
{
	struct sink *s = ctx;

	s->n++;
	s->len = len < SEGB ? len : SEGB;
	memcpy(s->dst, dst, 4);
	memcpy(s->seg, seg, s->len);
	return 0;
}

static void sink_stack(struct vx_tcp *t)
{
	struct vx_tcp_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	memset(&sink, 0, offsetof(struct sink, seg));
	cfg.output = sink_output;
	cfg.ctx = &sink;
	cfg.isn_key[0] = 1;
	assert_int_equal(vx_tcp_init(t, &cfg, 0), VX_OK);
}

/* When set, crafted segments without options carry a timestamp option
 * with this value, as a peer that agreed to timestamps must. */
static uint32_t craft_ts;

/* Build a segment with a correct checksum into out; returns its length. */
static size_t craft(uint8_t *out, const uint8_t src[4], const uint8_t dst[4], uint16_t sport,
		    uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd,
		    const uint8_t *opt, size_t optlen, const uint8_t *data, size_t len)
{
	uint8_t ts[12] = {1, 1, 8, 10};
	size_t hl;

	if (optlen == 0 && craft_ts) {
		tcp_put32(ts + 4, craft_ts);
		opt = ts;
		optlen = sizeof(ts);
	}
	hl = 20 + optlen;
	assert_true(optlen % 4 == 0 && hl <= 60);
	memset(out, 0, 20);
	tcp_put16(out, sport);
	tcp_put16(out + 2, dport);
	tcp_put32(out + 4, seq);
	tcp_put32(out + 8, ack);
	out[12] = (uint8_t)(hl / 4) << 4;
	out[13] = flags;
	tcp_put16(out + 14, wnd);
	if (optlen)
		memcpy(out + 20, opt, optlen);
	if (len)
		memcpy(out + hl, data, len);
	tcp_put16(out + 16,
		  vx_cksum_fold(vx_cksum_add(vx_cksum_pseudo4(src, dst, 6, (uint16_t)(hl + len)),
					     out, hl + len)));
	return hl + len;
}

static const uint8_t ip_a[4] = {10, 0, 0, 1}, ip_b[4] = {10, 0, 0, 2}, ip_x[4] = {10, 0, 0, 9};

static void test_rst_to_closed_port(void **state)
{
	uint8_t seg[80];
	const uint8_t data[10] = {0};
	size_t n;

	sink_stack(&stack_c);
	n = craft(seg, ip_x, ip_a, 1234, 80, 1000, 0, VX_TCP_SYN, 1000, NULL, 0, NULL, 0);
	vx_tcp_input(&stack_c, ip_x, ip_a, seg, n, 1);
	assert_int_equal(sink.n, 1);
	assert_int_equal(sink.seg[13], VX_TCP_RST | VX_TCP_ACK);
	assert_int_equal(tcp_get32(sink.seg + 4), 0);
	assert_int_equal(tcp_get32(sink.seg + 8), 1001);
	assert_int_equal(tcp_get16(sink.seg), 80);
	assert_int_equal(tcp_get16(sink.seg + 2), 1234);
	assert_memory_equal(sink.dst, ip_x, 4);
	/* An ACK: RST from its ACK field, no ACK of ours. */
	n = craft(seg, ip_x, ip_a, 1234, 80, 1000, 5555, VX_TCP_ACK, 1000, NULL, 0, NULL, 0);
	vx_tcp_input(&stack_c, ip_x, ip_a, seg, n, 2);
	assert_int_equal(sink.n, 2);
	assert_int_equal(sink.seg[13], VX_TCP_RST);
	assert_int_equal(tcp_get32(sink.seg + 4), 5555);
	/* Data and FIN count in the ACK. */
	n = craft(seg, ip_x, ip_a, 1234, 80, 7, 0, VX_TCP_FIN, 1000, NULL, 0, data, 10);
	vx_tcp_input(&stack_c, ip_x, ip_a, seg, n, 3);
	assert_int_equal(sink.n, 3);
	assert_int_equal(tcp_get32(sink.seg + 8), 18);
	/* Never a RST for a RST. */
	n = craft(seg, ip_x, ip_a, 1234, 80, 7, 0, VX_TCP_RST, 0, NULL, 0, NULL, 0);
	vx_tcp_input(&stack_c, ip_x, ip_a, seg, n, 4);
	assert_int_equal(sink.n, 3);
	assert_int_equal(stack_c.stats.no_port, 4);
	/* Broken segments: counted, no answer. */
	seg[16] ^= 1;
	vx_tcp_input(&stack_c, ip_x, ip_a, seg, n, 5);
	assert_int_equal(stack_c.stats.bad_cksum, 1);
	vx_tcp_input(&stack_c, ip_x, ip_a, seg, 19, 5);
	assert_int_equal(stack_c.stats.bad_len, 1);
	n = craft(seg, ip_x, ip_a, 1234, 80, 7, 0, VX_TCP_SYN, 0, (const uint8_t[]){2, 0, 0, 0}, 4,
		  NULL, 0);
	vx_tcp_input(&stack_c, ip_x, ip_a, seg, n, 5);
	assert_int_equal(stack_c.stats.bad_opts, 1);
	n = craft(seg, ip_x, (const uint8_t[]){255, 255, 255, 255}, 1234, 80, 7, 0, VX_TCP_SYN, 0,
		  NULL, 0, NULL, 0);
	vx_tcp_input(&stack_c, ip_x, (const uint8_t[]){255, 255, 255, 255}, seg, n, 5);
	assert_int_equal(stack_c.stats.bad_addr, 1);
	assert_int_equal(sink.n, 3);
}

static void test_listener_syn_options(void **state)
{
	uint8_t seg[80];
	size_t n;
	int lh;

	sink_stack(&stack_c);
	lh = vx_tcp_listen(&stack_c, ip_a, 80, 4);
	assert_true(lh >= VX_TCP_LISTENER_BASE);
	/* No window scale offered: none in the SYN-ACK, MSS 1460. */
	n = craft(seg, ip_x, ip_a, 1234, 80, 1000, 0, VX_TCP_SYN, 1000,
		  (const uint8_t[]){2, 4, 0x02, 0x00}, 4, NULL, 0);
	vx_tcp_input(&stack_c, ip_x, ip_a, seg, n, 1);
	assert_int_equal(sink.n, 1);
	assert_int_equal(sink.seg[13], VX_TCP_SYN | VX_TCP_ACK);
	assert_int_equal(sink.seg[12] >> 4, 6);
	assert_int_equal(tcp_get16(sink.seg + 22), 1460);
	assert_int_equal(tcp_get32(sink.seg + 8), 1001);
	assert_int_equal(stack_c.conn[0].mss, 512);
	assert_int_equal(stack_c.conn[0].snd_ws, 0);
	assert_int_equal(stack_c.conn[0].rcv_ws, 0);
	/* Window scale offered: ours in the SYN-ACK. */
	n = craft(seg, ip_x, ip_a, 1235, 80, 1000, 0, VX_TCP_SYN, 1000,
		  (const uint8_t[]){1, 3, 3, 20}, 4, NULL, 0);
	vx_tcp_input(&stack_c, ip_x, ip_a, seg, n, 1);
	assert_int_equal(sink.seg[12] >> 4, 7);
	assert_int_equal(sink.seg[27], VX_TCP_RCV_WSCALE);
	assert_int_equal(stack_c.conn[1].snd_ws, 14); /* 20 clamped (RFC 7323 2.3) */
	assert_int_equal(stack_c.conn[1].mss, VX_TCP_MSS_DEFAULT);
	/* An ACK for a half-open connection that is not ours: RST. */
	n = craft(seg, ip_x, ip_a, 1235, 80, 1001, 42, VX_TCP_ACK, 1000, NULL, 0, NULL, 0);
	vx_tcp_input(&stack_c, ip_x, ip_a, seg, n, 1);
	assert_int_equal(sink.seg[13], VX_TCP_RST);
	assert_int_equal(tcp_get32(sink.seg + 4), 42);
	assert_int_equal(vx_tcp_accept(&stack_c, lh), VX_E_EMPTY);
}

static void test_rst_in_and_out_of_window(void **state)
{
	struct app ca, cb;
	int lh = -1;
	uint8_t seg[80];
	size_t n;
	struct vx_tcp_conn *c;
	uint64_t ch;

	net_init(&net, 5, 1 * SEC);
	connect_pair(&net, &ca, &cb, &lh);
	c = &stack_a.conn[ca.h];
	assert_true(c->flags & F_TS);
	craft_ts = c->ts_recent; /* a future one would poison ts_recent */
	/* In the window but not exact: a challenge ACK, nothing else. */
	ch = stack_a.stats.challenge_acks;
	n = craft(seg, ip_b, ip_a, c->rport, c->lport, c->rcv_nxt + 1000, 0, VX_TCP_RST, 0, NULL, 0,
		  NULL, 0);
	vx_tcp_input(&stack_a, ip_b, ip_a, seg, n, net.now);
	assert_int_equal(stack_a.stats.challenge_acks, ch + 1);
	assert_int_equal(vx_tcp_state(&stack_a, ca.h), VX_TCP_ESTABLISHED);
	/* Outside the window: ignored. */
	n = craft(seg, ip_b, ip_a, c->rport, c->lport, c->rcv_nxt + 10 * MIB, 0, VX_TCP_RST, 0,
		  NULL, 0, NULL, 0);
	vx_tcp_input(&stack_a, ip_b, ip_a, seg, n, net.now);
	assert_int_equal(stack_a.stats.rst_ignored, 1);
	assert_int_equal(stack_a.stats.challenge_acks, ch + 1);
	assert_int_equal(vx_tcp_state(&stack_a, ca.h), VX_TCP_ESTABLISHED);
	/* A SYN in the window: challenge ACK (RFC 5961 4). */
	n = craft(seg, ip_b, ip_a, c->rport, c->lport, c->rcv_nxt + 5, 0, VX_TCP_SYN, 0, NULL, 0,
		  NULL, 0);
	vx_tcp_input(&stack_a, ip_b, ip_a, seg, n, net.now);
	assert_int_equal(stack_a.stats.challenge_acks, ch + 2);
	assert_int_equal(vx_tcp_state(&stack_a, ca.h), VX_TCP_ESTABLISHED);
	/* An ACK of data never sent: dropped with an ACK. */
	n = craft(seg, ip_b, ip_a, c->rport, c->lport, c->rcv_nxt, c->snd_max + 5000, VX_TCP_ACK,
		  1000, NULL, 0, NULL, 0);
	vx_tcp_input(&stack_a, ip_b, ip_a, seg, n, net.now);
	assert_int_equal(stack_a.stats.bad_ack, 1);
	assert_int_equal(c->snd_una, c->snd_max);
	/* The connection still works. */
	ca.total = cb.total = 100000;
	ca.seed_out = cb.seed_in = 1;
	cb.seed_out = ca.seed_in = 2;
	ca.reading = cb.reading = false;
	ca.shut = cb.shut = true; /* keep it ESTABLISHED */
	for (int i = 0; i < 200; i++) {
		app_pump(&ca, net.now);
		app_pump(&cb, net.now);
		net_step(&net, net.now + 10 * SEC);
	}
	assert_int_equal(cb.sent, 100000);
	/* Challenge ACKs are limited per connection and second. */
	ch = stack_a.stats.challenge_acks;
	net.now = (net.now / SEC + 1) * SEC;
	for (int i = 0; i < VX_TCP_CHALLENGE_MAX + 5; i++) {
		n = craft(seg, ip_b, ip_a, c->rport, c->lport, c->rcv_nxt + 1 + (uint32_t)i, 0,
			  VX_TCP_RST, 0, NULL, 0, NULL, 0);
		vx_tcp_input(&stack_a, ip_b, ip_a, seg, n, net.now);
	}
	assert_int_equal(stack_a.stats.challenge_acks, ch + VX_TCP_CHALLENGE_MAX);
	assert_int_equal(stack_a.stats.challenge_limited, 5);
	assert_int_equal(vx_tcp_state(&stack_a, ca.h), VX_TCP_ESTABLISHED);
	/* Exactly rcv_nxt: reset. */
	n = craft(seg, ip_b, ip_a, c->rport, c->lport, c->rcv_nxt, 0, VX_TCP_RST, 0, NULL, 0, NULL,
		  0);
	vx_tcp_input(&stack_a, ip_b, ip_a, seg, n, net.now);
	assert_int_equal(vx_tcp_state(&stack_a, ca.h), VX_TCP_CLOSED);
	assert_int_equal(vx_tcp_error(&stack_a, ca.h), VX_E_RESET);
	assert_true(vx_tcp_events(&stack_a, ca.h) & VX_TCP_EV_ERROR);
	assert_int_equal(vx_tcp_send(&stack_a, ca.h, "x", 1, net.now), VX_E_RESET);
	/* Unread data is still there to read, then the error. */
	assert_true(vx_tcp_readable(&stack_a, ca.h) > 0);
	while (vx_tcp_recv(&stack_a, ca.h, buf, sizeof(buf), net.now) > 0)
		;
	assert_int_equal(vx_tcp_recv(&stack_a, ca.h, buf, sizeof(buf), net.now), VX_E_RESET);
	assert_int_equal(vx_tcp_close(&stack_a, ca.h, net.now), VX_OK);
	assert_int_equal(vx_tcp_state(&stack_a, ca.h), VX_E_BADHANDLE);
	craft_ts = 0;
}

static void test_syn_flood(void **state)
{
	struct app ca, cb;
	int lh;
	uint8_t seg[80];
	uint64_t seed = 99;

	net_init(&net, 6, 1 * SEC);
	lh = vx_tcp_listen(&stack_b, ip_b, 80, VX_TCP_BACKLOG_MAX);
	assert_true(lh >= 0);
	for (uint32_t i = 0; i < 100000; i++) {
		uint8_t src[4];
		uint32_t r;
		size_t n;
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		r = (uint32_t)(seed >> 32);
		src[0] = (uint8_t)(1 + r % 200);
		src[1] = (uint8_t)(r >> 8);
		src[2] = (uint8_t)(r >> 16);
		src[3] = (uint8_t)(1 + (r >> 24) % 250);
		n = craft(seg, src, ip_b, (uint16_t)(1024 + r % 60000), 80, r * 7, 0, VX_TCP_SYN,
			  8192, NULL, 0, NULL, 0);
		net.now += 10000;
		vx_tcp_input(&stack_b, src, ip_b, seg, n, net.now);
		if (i % 1000 == 0)
			vx_tcp_tick(&stack_b, net.now);
		assert_true(live_conns(&stack_b) <= VX_TCP_BACKLOG_MAX);
	}
	assert_int_equal(stack_b.stats.syn_rcvd, 100000);
	assert_true(stack_b.stats.syn_evicted >= 100000 - VX_TCP_BACKLOG_MAX - 100);
	assert_int_equal(vx_tcp_accept(&stack_b, lh), VX_E_EMPTY);
	/* A real client still gets in, at once. */
	uint64_t t0 = net.now;
	connect_pair(&net, &ca, &cb, &lh);
	assert_true(net.now - t0 < 1 * SEC);
	assert_true(live_conns(&stack_b) <= VX_TCP_BACKLOG_MAX + 1);
	/* The flood's half-open connections time out; the real one stays. */
	for (int i = 0; i < 1000 && net_step(&net, t0 + 120 * SEC); i++)
		;
	assert_int_equal(live_conns(&stack_b), 1);
	assert_int_equal(vx_tcp_state(&stack_b, cb.h), VX_TCP_ESTABLISHED);
}

static int state_seen[2];

static void step_watch(struct net *n, int h0, int h1)
{
	net_step(n, n->now + 100 * SEC);
	if (h0 >= 0)
		state_seen[0] |= 1 << n->st[0]->conn[h0].state;
	if (h1 >= 0)
		state_seen[1] |= 1 << n->st[1]->conn[h1].state;
}

static void test_simultaneous_open(void **state)
{
	struct app ca, cb;
	int ha, hb;

	net_init(&net, 7, 1 * SEC);
	stack_a.port_next = 100;
	stack_b.port_next = 200;
	ha = vx_tcp_connect(&stack_a, ip_a, ip_b, VX_TCP_EPHEMERAL_LO + 200, 0);
	hb = vx_tcp_connect(&stack_b, ip_b, ip_a, VX_TCP_EPHEMERAL_LO + 100, 0);
	assert_true(ha >= 0 && hb >= 0);
	assert_int_equal(stack_a.conn[ha].lport, VX_TCP_EPHEMERAL_LO + 100);
	assert_int_equal(stack_b.conn[hb].lport, VX_TCP_EPHEMERAL_LO + 200);
	state_seen[0] = state_seen[1] = 0;
	for (int i = 0; i < 100 && (vx_tcp_state(&stack_a, ha) != VX_TCP_ESTABLISHED ||
				    vx_tcp_state(&stack_b, hb) != VX_TCP_ESTABLISHED);
	     i++)
		step_watch(&net, ha, hb);
	assert_int_equal(vx_tcp_state(&stack_a, ha), VX_TCP_ESTABLISHED);
	assert_int_equal(vx_tcp_state(&stack_b, hb), VX_TCP_ESTABLISHED);
	assert_true(state_seen[0] & (1 << VX_TCP_SYN_RCVD));
	assert_true(state_seen[1] & (1 << VX_TCP_SYN_RCVD));
	assert_true(net.now < 1 * SEC); /* no retransmission needed */
	memset(&ca, 0, sizeof(ca));
	memset(&cb, 0, sizeof(cb));
	ca.t = &stack_a;
	ca.h = ha;
	cb.t = &stack_b;
	cb.h = hb;
	ca.total = cb.total = 300000;
	ca.seed_out = cb.seed_in = 5;
	cb.seed_out = ca.seed_in = 6;
	ca.reading = cb.reading = true;
	run_transfer(&net, &ca, &cb, 60 * SEC);
	assert_int_equal(ca.rcvd, 300000);
	assert_int_equal(cb.rcvd, 300000);
}

static void test_simultaneous_close(void **state)
{
	struct app ca, cb;
	int lh = -1;

	net_init(&net, 8, 2 * SEC);
	connect_pair(&net, &ca, &cb, &lh);
	assert_int_equal(vx_tcp_shutdown(&stack_a, ca.h, net.now), VX_OK);
	assert_int_equal(vx_tcp_shutdown(&stack_b, cb.h, net.now), VX_OK);
	assert_int_equal(vx_tcp_state(&stack_a, ca.h), VX_TCP_FIN_WAIT_1);
	assert_int_equal(vx_tcp_state(&stack_b, cb.h), VX_TCP_FIN_WAIT_1);
	state_seen[0] = state_seen[1] = 0;
	for (int i = 0; i < 20 && (stack_a.conn[ca.h].state != VX_TCP_TIME_WAIT ||
				   stack_b.conn[cb.h].state != VX_TCP_TIME_WAIT);
	     i++)
		step_watch(&net, ca.h, cb.h);
	assert_true(state_seen[0] & (1 << VX_TCP_CLOSING));
	assert_true(state_seen[1] & (1 << VX_TCP_CLOSING));
	assert_int_equal(vx_tcp_state(&stack_a, ca.h), VX_TCP_TIME_WAIT);
	assert_int_equal(vx_tcp_state(&stack_b, cb.h), VX_TCP_TIME_WAIT);
	assert_int_equal(vx_tcp_recv(&stack_a, ca.h, buf, 10, net.now), 0);
	assert_int_equal(vx_tcp_close(&stack_a, ca.h, net.now), VX_OK);
	assert_int_equal(vx_tcp_close(&stack_b, cb.h, net.now), VX_OK);
	while (net_step(&net, net.now + 100 * SEC))
		;
	assert_int_equal(live_conns(&stack_a), 0);
	assert_int_equal(live_conns(&stack_b), 0);
	assert_int_equal(stack_a.stats.time_wait_done, 1);
	assert_int_equal(stack_b.stats.time_wait_done, 1);
}

/* An accepted connection is its handle's, not its listener's: once the
 * handle is closed (the connection lingers in FIN_WAIT, LAST_ACK or
 * TIME_WAIT) accept must not hand it out again.  httpd saw one peer
 * accepted over and over, each time already at its end of stream. */
static void test_accept_after_close(void **state)
{
	struct app ca, cb;
	int lh = -1;

	net_init(&net, 10, 2 * SEC);
	connect_pair(&net, &ca, &cb, &lh);
	assert_int_equal(vx_tcp_close(&stack_b, cb.h, net.now), VX_OK);
	assert_false(vx_tcp_events(&stack_b, lh) & VX_TCP_EV_ACCEPT);
	assert_int_equal(vx_tcp_accept(&stack_b, lh), VX_E_EMPTY);
	for (int i = 0; i < 5; i++) {
		net_step(&net, net.now + SEC);
		assert_false(vx_tcp_events(&stack_b, lh) & VX_TCP_EV_ACCEPT);
		assert_int_equal(vx_tcp_accept(&stack_b, lh), VX_E_EMPTY);
	}
}

static void test_time_wait_expiry(void **state)
{
	struct app ca, cb;
	int lh = -1;
	uint64_t tw_at = 0;

	net_init(&net, 9, 5 * SEC);
	connect_pair(&net, &ca, &cb, &lh);
	ca.reading = cb.reading = true;
	for (int i = 0; i < 100 && !tw_at; i++) {
		app_pump(&ca, net.now); /* total 0: shuts down at once */
		if (vx_tcp_events(&stack_b, cb.h) & VX_TCP_EV_PEER_CLOSED)
			app_pump(&cb, net.now); /* the server closes second */
		net_step(&net, net.now + 100 * SEC);
		if (stack_a.conn[ca.h].state == VX_TCP_TIME_WAIT)
			tw_at = net.now;
	}
	assert_true(tw_at != 0);
	assert_true(ca.closed || (app_pump(&ca, net.now), ca.closed));
	/* The server closed second: LAST_ACK then CLOSED, freed. */
	for (int i = 0; i < 10; i++) {
		app_pump(&cb, net.now);
		net_step(&net, tw_at + 10 * SEC - 1);
	}
	assert_int_equal(live_conns(&stack_b), 0);
	assert_int_equal(stack_a.conn[ca.h].state, VX_TCP_TIME_WAIT);
	assert_int_equal(vx_tcp_next_deadline(&stack_a), tw_at + 10 * SEC);
	vx_tcp_tick(&stack_a, tw_at + 10 * SEC - 1);
	assert_int_equal(stack_a.conn[ca.h].state, VX_TCP_TIME_WAIT);
	vx_tcp_tick(&stack_a, tw_at + 10 * SEC);
	assert_int_equal(live_conns(&stack_a), 0);
	assert_int_equal(stack_a.stats.time_wait_done, 1);
	assert_int_equal(vx_tcp_next_deadline(&stack_a), VX_TCP_NEVER);
}

static void test_retransmit_limit(void **state)
{
	struct app ca, cb;
	int lh = -1;
	uint64_t t0;

	net_init(&net, 10, 1 * SEC);
	connect_pair(&net, &ca, &cb, &lh);
	net.loss_pm = 1000;
	t0 = net.now;
	assert_int_equal(vx_tcp_send(&stack_a, ca.h, buf, 10000, net.now), 10000);
	while (vx_tcp_state(&stack_a, ca.h) != VX_TCP_CLOSED)
		assert_true(net_step(&net, t0 + 1000 * SEC));
	assert_int_equal(vx_tcp_error(&stack_a, ca.h), VX_E_TIMEOUT);
	assert_int_equal(stack_a.stats.timeouts, 1);
	assert_int_equal(stack_a.stats.rexmit_timeouts, VX_TCP_MAX_RETRIES + 1);
	/* 1 + 2 + 4 + ... + 32 + 60 + 60 + 60 seconds. */
	assert_true(net.now - t0 >= 240 * SEC && net.now - t0 <= 250 * SEC);
	assert_int_equal(vx_tcp_send(&stack_a, ca.h, buf, 1, net.now), VX_E_TIMEOUT);
	assert_true(vx_tcp_events(&stack_a, ca.h) & VX_TCP_EV_ERROR);
	assert_true(vx_tcp_events(&stack_a, ca.h) & VX_TCP_EV_CLOSED);
}

static void test_connect_refused_and_timeout(void **state)
{
	int h;
	uint64_t t0;

	net_init(&net, 11, 1 * SEC);
	h = vx_tcp_connect(&stack_a, ip_a, ip_b, 81, 0);
	while (vx_tcp_state(&stack_a, h) == VX_TCP_SYN_SENT)
		assert_true(net_step(&net, 10 * SEC));
	assert_int_equal(vx_tcp_state(&stack_a, h), VX_TCP_CLOSED);
	assert_int_equal(vx_tcp_error(&stack_a, h), VX_E_REFUSED);
	assert_int_equal(stack_b.stats.no_port, 1);
	assert_int_equal(vx_tcp_close(&stack_a, h, net.now), VX_OK);
	net.loss_pm = 1000;
	t0 = net.now;
	h = vx_tcp_connect(&stack_a, ip_a, ip_b, 81, net.now);
	while (vx_tcp_state(&stack_a, h) == VX_TCP_SYN_SENT)
		assert_true(net_step(&net, t0 + 1000 * SEC));
	assert_int_equal(vx_tcp_error(&stack_a, h), VX_E_TIMEOUT);
	assert_int_equal(net.now - t0, 63 * SEC); /* 1 + 2 + 4 + 8 + 16 + 32 */
}

static void test_zero_window_then_opens(void **state)
{
	struct app ca, cb;
	int lh = -1;
	struct vx_tcp_conn *c;

	net_init(&net, 12, 1 * SEC);
	connect_pair(&net, &ca, &cb, &lh);
	ca.total = 1 * MIB;
	ca.seed_out = cb.seed_in = 3;
	ca.reading = true;
	cb.reading = false; /* the receiver does not read */
	while (net.now < 120 * SEC) {
		app_pump(&ca, net.now);
		net_step(&net, 120 * SEC);
	}
	c = &stack_a.conn[ca.h];
	/* Blocked, not dropped: both rings full, the sender told so. */
	assert_int_equal(vx_tcp_readable(&stack_b, cb.h), VX_TCP_RCVBUF);
	assert_int_equal(c->sb_len, VX_TCP_SNDBUF);
	assert_int_equal(vx_tcp_send(&stack_a, ca.h, buf, 100, net.now), 0);
	assert_false(vx_tcp_events(&stack_a, ca.h) & VX_TCP_EV_WRITABLE);
	assert_int_equal(ca.sent, VX_TCP_RCVBUF + VX_TCP_SNDBUF);
	assert_int_equal(c->snd_wnd, 0);
	assert_true(stack_a.stats.persist_probes >= 3);
	assert_int_equal(stack_a.stats.timeouts, 0);
	/* Probes are not losses: no retransmission timeout, no fast
	 * retransmit from their duplicate ACKs. */
	assert_int_equal(stack_a.stats.rexmit_timeouts, 0);
	assert_int_equal(stack_a.stats.fast_rexmits, 0);
	assert_int_equal(vx_tcp_state(&stack_a, ca.h), VX_TCP_ESTABLISHED);
	/* The reader wakes: the window opens and everything arrives. */
	cb.reading = true;
	run_transfer(&net, &ca, &cb, 600 * SEC);
	assert_int_equal(cb.rcvd, 1 * MIB);
	assert_int_equal(cb.sum, expected_sum(3, 1 * MIB));
	assert_true(stack_b.stats.window_updates > 0);
}

static uint32_t max_flight, max_wnd;

static bool watch_flight(struct net *n, int from, const uint8_t *seg, size_t len)
{
	for (int i = 0; i < VX_TCP_MAX_CONNS; i++) {
		const struct vx_tcp_conn *c = &stack_a.conn[i];
		if (c->state != VX_TCP_CLOSED && c->snd_max - c->snd_una > max_flight)
			max_flight = c->snd_max - c->snd_una;
		if (c->state != VX_TCP_CLOSED && c->snd_wnd > max_wnd)
			max_wnd = c->snd_wnd;
	}
	return false;
}

static void test_window_scaling(void **state)
{
	struct app ca, cb;
	int lh = -1;

	net_init(&net, 13, 1 * SEC);
	net.delay = 50 * MS;
	net.filter = watch_flight;
	max_flight = max_wnd = 0;
	connect_pair(&net, &ca, &cb, &lh);
	assert_int_equal(stack_a.conn[ca.h].snd_ws, VX_TCP_RCV_WSCALE);
	assert_int_equal(stack_b.conn[cb.h].snd_ws, VX_TCP_RCV_WSCALE);
	assert_true(stack_a.conn[ca.h].flags & F_TS);
	assert_true(stack_b.conn[cb.h].flags & F_TS);
	ca.total = 8 * MIB;
	ca.seed_out = cb.seed_in = 4;
	ca.reading = cb.reading = true;
	run_transfer(&net, &ca, &cb, 60 * SEC);
	assert_int_equal(cb.rcvd, 8 * MIB);
	print_message("# largest flight %u bytes, largest window %u\n", max_flight, max_wnd);
	/* The peer's window went past what 16 bits can say; the flight
	 * filled the send ring, which is what limits it. */
	assert_true(max_wnd > 65535);
	assert_true(max_wnd <= VX_TCP_RCVBUF);
	assert_int_equal(max_flight, VX_TCP_SNDBUF);
}

static uint32_t drop_nth;

static bool drop_one(struct net *n, int from, const uint8_t *seg, size_t len)
{
	return from == 0 && len > 20 && n->data_segs[0] == drop_nth;
}

static void test_newreno_single_drop(void **state)
{
	struct app ca, cb;
	int lh = -1;

	net_init(&net, 14, 1 * SEC);
	drop_nth = 40;
	net.filter = drop_one;
	connect_pair(&net, &ca, &cb, &lh);
	ca.total = 2 * MIB;
	ca.seed_out = cb.seed_in = 7;
	ca.reading = cb.reading = true;
	run_transfer(&net, &ca, &cb, 60 * SEC);
	assert_int_equal(cb.rcvd, 2 * MIB);
	assert_int_equal(net.lost, 1);
	assert_int_equal(stack_a.stats.fast_rexmits, 1);
	assert_int_equal(stack_a.stats.rexmit_timeouts, 0);
	assert_int_equal(stack_a.stats.rexmit_segs, 1);
	assert_true(stack_b.stats.ooo_segs > 0);
}

static uint32_t drop_lo, drop_hi;

static bool drop_range(struct net *n, int from, const uint8_t *seg, size_t len)
{
	return from == 0 && len > 20 && n->data_segs[0] >= drop_lo && n->data_segs[0] <= drop_hi &&
	       n->data_segs[0] % 2 == 0;
}

static void test_newreno_partial_acks(void **state)
{
	struct app ca, cb;
	int lh = -1;

	net_init(&net, 15, 1 * SEC);
	drop_lo = 60;
	drop_hi = 66; /* four drops in one flight */
	net.filter = drop_range;
	connect_pair(&net, &ca, &cb, &lh);
	ca.total = 2 * MIB;
	ca.seed_out = cb.seed_in = 8;
	ca.reading = cb.reading = true;
	run_transfer(&net, &ca, &cb, 60 * SEC);
	assert_int_equal(cb.rcvd, 2 * MIB);
	assert_int_equal(net.lost, 4);
	assert_int_equal(stack_a.stats.fast_rexmits, 1);
	assert_int_equal(stack_a.stats.partial_acks, 3);
	assert_int_equal(stack_a.stats.rexmit_timeouts, 0);
}

static void test_seq_wraparound_transfer(void **state)
{
	struct app ca, cb;
	int lh = -1;
	uint16_t port;
	uint32_t h, target = 0u - 1 * MIB;

	net_init(&net, 16, 1 * SEC);
	port = (uint16_t)(VX_TCP_EPHEMERAL_LO + stack_a.port_next);
	stack_a.now = 0;
	h = tcp_isn(&stack_a, ip_a, port, ip_b, 80);
	net.now = (uint64_t)(uint32_t)(target - h) * 4000;
	connect_pair(&net, &ca, &cb, &lh);
	assert_int_equal(stack_a.conn[ca.h].iss, target);
	ca.total = cb.total = 3 * MIB;
	ca.seed_out = cb.seed_in = 9;
	cb.seed_out = ca.seed_in = 10;
	ca.reading = cb.reading = true;
	net.loss_pm = 10;
	run_transfer(&net, &ca, &cb, 300 * SEC);
	assert_int_equal(cb.rcvd, 3 * MIB);
	assert_int_equal(cb.sum, expected_sum(9, 3 * MIB));
}

static void test_icmp_errors(void **state)
{
	struct app ca, cb;
	int lh = -1, h;
	uint8_t q[8];
	struct vx_tcp_conn *c;

	net_init(&net, 17, 1 * SEC);
	net.loss_pm = 1000;
	h = vx_tcp_connect(&stack_a, ip_a, ip_b, 80, 0);
	c = &stack_a.conn[h];
	tcp_put16(q, c->lport);
	tcp_put16(q + 2, 80);
	tcp_put32(q + 4, c->iss + 1); /* not a sequence number in flight */
	vx_tcp_icmp_error(&stack_a, ip_a, ip_b, 3, 1, 0, q, 8, 1);
	assert_int_equal(stack_a.stats.icmp_ignored, 1);
	vx_tcp_icmp_error(&stack_a, ip_a, ip_b, 3, 1, 0, q, 7, 1);
	assert_int_equal(stack_a.stats.icmp_ignored, 2);
	tcp_put32(q + 4, c->iss);
	vx_tcp_icmp_error(&stack_a, ip_a, ip_b, 3, 1, 0, q, 8, 1);
	assert_int_equal(vx_tcp_state(&stack_a, h), VX_TCP_CLOSED);
	assert_int_equal(vx_tcp_error(&stack_a, h), VX_E_UNREACH);
	assert_int_equal(vx_tcp_close(&stack_a, h, 1), VX_OK);
	net.loss_pm = 0;
	connect_pair(&net, &ca, &cb, &lh);
	c = &stack_a.conn[ca.h];
	assert_int_equal(c->mss, 1460 - 12); /* timestamps take 12 bytes */
	assert_int_equal(vx_tcp_send(&stack_a, ca.h, buf, 5000, net.now), 5000);
	tcp_put16(q, c->lport);
	tcp_put32(q + 4, c->snd_una);
	vx_tcp_icmp_error(&stack_a, ip_a, ip_b, 3, 1, 0, q, 8, net.now);
	assert_int_equal(vx_tcp_state(&stack_a, ca.h), VX_TCP_ESTABLISHED);
	assert_int_equal(stack_a.stats.icmp_soft, 1);
	vx_tcp_icmp_error(&stack_a, ip_a, ip_b, 3, 4, 1000, q, 8, net.now);
	assert_int_equal(c->mss, 1000 - 40 - 12);
	vx_tcp_icmp_error(&stack_a, ip_a, ip_b, 3, 4, 100, q, 8, net.now);
	assert_int_equal(c->mss, VX_TCP_MTU_MIN - 40 - 12);
	for (int i = 0; i < 50; i++)
		net_step(&net, net.now + 10 * SEC);
	assert_int_equal(vx_tcp_readable(&stack_b, cb.h), 5000);
	/* The soft error names the reason when the connection times out. */
	net.loss_pm = 1000;
	assert_int_equal(vx_tcp_send(&stack_a, ca.h, buf, 100, net.now), 100);
	tcp_put32(q + 4, c->snd_una);
	vx_tcp_icmp_error(&stack_a, ip_a, ip_b, 3, 1, 0, q, 8, net.now);
	assert_int_equal(stack_a.stats.icmp_soft, 2);
	while (vx_tcp_state(&stack_a, ca.h) != VX_TCP_CLOSED)
		assert_true(net_step(&net, net.now + 1000 * SEC));
	assert_int_equal(vx_tcp_error(&stack_a, ca.h), VX_E_UNREACH);
}

static int ev_handle;
static uint32_t ev_seen;

static void record_event(void *ctx, int h, uint32_t ev)
{
	if (h == ev_handle)
		ev_seen |= ev;
}

static void test_api_errors_and_events(void **state)
{
	struct app ca, cb;
	int lh = -1, hs[VX_TCP_MAX_CONNS];

	net_init(&net, 18, 1 * SEC);
	assert_int_equal(vx_tcp_listen(&stack_b, ip_b, 0, 1), VX_E_INVAL);
	lh = vx_tcp_listen(&stack_b, ip_b, 80, 0);
	assert_true(lh >= 0);
	assert_int_equal(vx_tcp_listen(&stack_b, (const uint8_t[]){0, 0, 0, 0}, 80, 1),
			 VX_E_EXISTS);
	for (int i = 1; i < VX_TCP_MAX_LISTENERS; i++)
		assert_true(vx_tcp_listen(&stack_b, ip_b, (uint16_t)(100 + i), 1) >= 0);
	assert_int_equal(vx_tcp_listen(&stack_b, ip_b, 99, 1), VX_E_FULL);
	assert_int_equal(vx_tcp_accept(&stack_b, lh), VX_E_EMPTY);
	assert_int_equal(vx_tcp_accept(&stack_b, 3), VX_E_BADHANDLE);
	assert_int_equal(vx_tcp_send(&stack_a, 0, buf, 1, 0), VX_E_BADHANDLE);
	assert_int_equal(vx_tcp_recv(&stack_a, -1, buf, 1, 0), VX_E_BADHANDLE);
	assert_int_equal(vx_tcp_close(&stack_a, 1000, 0), VX_E_BADHANDLE);
	assert_int_equal(vx_tcp_connect(&stack_a, ip_a, (const uint8_t[]){0, 0, 0, 0}, 80, 0),
			 VX_E_INVAL);
	assert_int_equal(vx_tcp_connect(&stack_a, ip_a, ip_b, 0, 0), VX_E_INVAL);
	for (int i = 0; i < VX_TCP_MAX_CONNS; i++)
		assert_true((hs[i] = vx_tcp_connect(&stack_a, ip_a, ip_x, 80, 0)) >= 0);
	assert_int_equal(vx_tcp_connect(&stack_a, ip_a, ip_x, 80, 0), VX_E_FULL);
	for (int i = 0; i < VX_TCP_MAX_CONNS; i++)
		assert_int_equal(vx_tcp_abort(&stack_a, hs[i], 0), VX_OK);
	assert_int_equal(live_conns(&stack_a), 0);
	/* Events through the callback. */
	stack_a.cfg.event = record_event;
	ev_seen = 0;
	ev_handle = 0;
	connect_pair(&net, &ca, &cb, &lh);
	assert_int_equal(ca.h, 0);
	assert_true(ev_seen & VX_TCP_EV_CONNECTED);
	assert_true(ev_seen & VX_TCP_EV_WRITABLE);
	assert_int_equal(vx_tcp_recv(&stack_a, ca.h, buf, 1, net.now), VX_E_AGAIN);
	assert_int_equal(vx_tcp_send(&stack_b, cb.h, "hello", 5, net.now), 5);
	assert_int_equal(vx_tcp_shutdown(&stack_b, cb.h, net.now), VX_OK);
	assert_int_equal(vx_tcp_shutdown(&stack_b, cb.h, net.now), VX_E_STATE);
	assert_int_equal(vx_tcp_send(&stack_b, cb.h, "x", 1, net.now), VX_E_STATE);
	for (int i = 0; i < 10; i++)
		net_step(&net, net.now + SEC);
	assert_true(ev_seen & VX_TCP_EV_READABLE);
	assert_true(ev_seen & VX_TCP_EV_PEER_CLOSED);
	assert_int_equal(vx_tcp_state(&stack_a, ca.h), VX_TCP_CLOSE_WAIT);
	assert_int_equal(vx_tcp_recv(&stack_a, ca.h, buf, 100, net.now), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(vx_tcp_recv(&stack_a, ca.h, buf, 100, net.now), 0);
	/* Close with unread data resets (RFC 2525). */
	assert_int_equal(vx_tcp_send(&stack_a, ca.h, "abc", 3, net.now), 3);
	for (int i = 0; i < 10; i++)
		net_step(&net, net.now + SEC);
	assert_int_equal(vx_tcp_close(&stack_b, cb.h, net.now), VX_OK);
	for (int i = 0; i < 10; i++)
		net_step(&net, net.now + SEC);
	assert_int_equal(vx_tcp_state(&stack_a, ca.h), VX_TCP_CLOSED);
	assert_int_equal(vx_tcp_error(&stack_a, ca.h), VX_E_RESET);
	assert_true(ev_seen & VX_TCP_EV_ERROR);
	assert_int_equal(live_conns(&stack_b), 0);
}

static bool drop_first_syn(struct net *n, int from, const uint8_t *seg, size_t len)
{
	static unsigned syns;

	if (!n->filter_state)
		syns = 0;
	n->filter_state = 1;
	return from == 0 && (seg[13] & VX_TCP_SYN) && syns++ == 0;
}

static void test_lost_syn(void **state)
{
	struct app ca, cb;
	int lh = -1;
	struct vx_tcp_conn *c;

	net_init(&net, 19, 1 * SEC);
	net.filter = drop_first_syn;
	connect_pair(&net, &ca, &cb, &lh);
	c = &stack_a.conn[ca.h];
	assert_int_equal(net.lost, 1);
	assert_true(net.now >= 1 * SEC); /* one RTO_INIT */
	assert_int_equal(c->rexmits, 1);
	/* RFC 5681 3.1: one segment; RFC 6298 5.7: RTO 3 s. */
	assert_int_equal(c->cwnd, c->mss);
	assert_int_equal(c->rtt.rto, 3 * SEC);
	assert_false(c->rtt.have);
	ca.total = 500000;
	ca.seed_out = cb.seed_in = 12;
	ca.reading = cb.reading = true;
	run_transfer(&net, &ca, &cb, 60 * SEC);
	assert_int_equal(cb.rcvd, 500000);
}

/* Turn window-scale and timestamp options into no-operations: a peer
 * without RFC 7323. */
static void strip_wscale(uint8_t *seg, size_t len)
{
	size_t hl = (size_t)(seg[12] >> 4) * 4;

	for (size_t i = 20; i + 2 < hl;) {
		if (seg[i] == 0)
			break;
		if (seg[i] == 1) {
			i++;
			continue;
		}
		if (seg[i] == 3 || seg[i] == 8) {
			size_t n = seg[i] == 3 ? 3 : 10;
			memset(seg + i, 1, n);
			i += n;
			continue;
		}
		assert_true(seg[i + 1] >= 2);
		i += seg[i + 1];
	}
}

static void test_no_window_scaling(void **state)
{
	struct app ca, cb;
	int lh = -1;

	net_init(&net, 20, 1 * SEC);
	net.mangle = strip_wscale;
	net.filter = watch_flight;
	net.loss_pm = 10;
	max_flight = max_wnd = 0;
	connect_pair(&net, &ca, &cb, &lh);
	assert_int_equal(stack_a.conn[ca.h].snd_ws, 0);
	assert_int_equal(stack_a.conn[ca.h].rcv_ws, 0);
	assert_int_equal(stack_b.conn[cb.h].snd_ws, 0);
	assert_int_equal(stack_b.conn[cb.h].rcv_ws, 0);
	assert_false(stack_a.conn[ca.h].flags & F_TS);
	assert_false(stack_b.conn[cb.h].flags & F_TS);
	assert_int_equal(stack_a.conn[ca.h].mss, 1460);
	ca.total = cb.total = 2 * MIB;
	ca.seed_out = cb.seed_in = 13;
	cb.seed_out = ca.seed_in = 14;
	ca.reading = cb.reading = true;
	run_transfer(&net, &ca, &cb, 300 * SEC);
	assert_int_equal(cb.rcvd, 2 * MIB);
	assert_int_equal(ca.rcvd, 2 * MIB);
	assert_true(max_wnd <= 65535 && max_wnd > 60000);
}

static void test_ack_storm_limited(void **state)
{
	struct app ca, cb;
	int lh = -1;
	uint8_t seg[80];
	size_t n;
	struct vx_tcp_conn *c;
	uint64_t out;

	net_init(&net, 21, 1 * SEC);
	connect_pair(&net, &ca, &cb, &lh);
	c = &stack_a.conn[ca.h];
	craft_ts = c->ts_recent; /* a future one would poison ts_recent */
	net.now = (net.now / SEC + 1) * SEC;
	out = stack_a.stats.out_segs;
	/* Empty segments outside the window: at most the budget answered. */
	for (int i = 0; i < 50; i++) {
		n = craft(seg, ip_b, ip_a, c->rport, c->lport, c->rcv_nxt + 10 * MIB, c->snd_una,
			  VX_TCP_ACK, 1000, NULL, 0, NULL, 0);
		vx_tcp_input(&stack_a, ip_b, ip_a, seg, n, net.now);
	}
	assert_int_equal(stack_a.stats.out_segs - out, VX_TCP_CHALLENGE_MAX);
	assert_int_equal(stack_a.stats.out_of_window, 50);
	/* Segments with data are always answered (the sender needs it). */
	out = stack_a.stats.out_segs;
	for (int i = 0; i < 5; i++) {
		n = craft(seg, ip_b, ip_a, c->rport, c->lport, c->rcv_nxt - 100, c->snd_una,
			  VX_TCP_ACK, 1000, NULL, 0, (const uint8_t *)"0123456789", 10);
		vx_tcp_input(&stack_a, ip_b, ip_a, seg, n, net.now);
	}
	assert_int_equal(stack_a.stats.out_segs - out, 5);
	/* From itself to itself: dropped, never answered. */
	out = stack_a.stats.out_segs;
	n = craft(seg, ip_a, ip_a, 80, 80, 1, 0, VX_TCP_SYN, 1000, NULL, 0, NULL, 0);
	vx_tcp_input(&stack_a, ip_a, ip_a, seg, n, net.now);
	assert_int_equal(stack_a.stats.bad_addr, 1);
	assert_int_equal(stack_a.stats.out_segs, out);
	assert_int_equal(vx_tcp_state(&stack_a, ca.h), VX_TCP_ESTABLISHED);
	craft_ts = 0;
}

static void test_orphans_and_listener_close(void **state)
{
	struct app ca, cb;
	int lh = -1, h2;
	uint64_t t0;

	net_init(&net, 22, 1 * SEC);
	connect_pair(&net, &ca, &cb, &lh);
	/* a closes; b never does: a waits in FIN_WAIT_2 at most 60 s. */
	assert_int_equal(vx_tcp_close(&stack_a, ca.h, net.now), VX_OK);
	t0 = net.now;
	for (int i = 0; i < 10; i++)
		net_step(&net, t0 + 1 * SEC);
	assert_int_equal(stack_a.conn[ca.h].state, VX_TCP_FIN_WAIT_2);
	assert_int_equal(vx_tcp_state(&stack_b, cb.h), VX_TCP_CLOSE_WAIT);
	while (live_conns(&stack_a))
		assert_true(net_step(&net, t0 + 100 * SEC));
	assert_true(net.now - t0 >= VX_TCP_FIN_WAIT2_MAX);
	assert_int_equal(stack_a.stats.timeouts, 1);
	/* b writes to the vanished connection: RST, VX_E_RESET. */
	assert_int_equal(vx_tcp_send(&stack_b, cb.h, "late", 4, net.now), 4);
	for (int i = 0; i < 10; i++)
		net_step(&net, net.now + 1 * SEC);
	assert_int_equal(vx_tcp_error(&stack_b, cb.h), VX_E_RESET);
	assert_int_equal(vx_tcp_close(&stack_b, cb.h, net.now), VX_OK);
	/* A connection waiting to be accepted dies with its listener. */
	h2 = vx_tcp_connect(&stack_a, ip_a, ip_b, 80, net.now);
	for (int i = 0; i < 10; i++)
		net_step(&net, net.now + 1 * SEC);
	assert_int_equal(vx_tcp_state(&stack_a, h2), VX_TCP_ESTABLISHED);
	assert_true(vx_tcp_events(&stack_b, lh) & VX_TCP_EV_ACCEPT);
	assert_int_equal(vx_tcp_close(&stack_b, lh, net.now), VX_OK);
	assert_int_equal(live_conns(&stack_b), 0);
	for (int i = 0; i < 10; i++)
		net_step(&net, net.now + 1 * SEC);
	assert_int_equal(vx_tcp_error(&stack_a, h2), VX_E_RESET);
	/* Data after the peer closed its socket: RST (RFC 2525). */
	lh = -1;
	connect_pair(&net, &ca, &cb, &lh);
	assert_int_equal(vx_tcp_close(&stack_b, cb.h, net.now), VX_OK);
	for (int i = 0; i < 5; i++)
		net_step(&net, net.now + 100 * MS);
	assert_int_equal(vx_tcp_state(&stack_a, ca.h), VX_TCP_CLOSE_WAIT);
	assert_int_equal(vx_tcp_send(&stack_a, ca.h, "more", 4, net.now), 4);
	for (int i = 0; i < 5; i++)
		net_step(&net, net.now + 100 * MS);
	assert_int_equal(vx_tcp_error(&stack_a, ca.h), VX_E_RESET);
	assert_int_equal(live_conns(&stack_b), 0);
}

/* Every segment on the link from a mark on: who sent it, its flags,
 * sequence and acknowledgment numbers, and when. */
struct wire_log {
	unsigned n;
	struct {
		int from;
		uint8_t flags;
		uint32_t seq, ack, len, wnd; /* len: data bytes; wnd: the raw field */
		uint64_t at;
	} e[64];
};
static struct wire_log wire;

static bool log_segments(struct net *n, int from, const uint8_t *seg, size_t len)
{
	if (wire.n < 64) {
		wire.e[wire.n].from = from;
		wire.e[wire.n].flags = seg[13];
		wire.e[wire.n].seq = tcp_get32(seg + 4);
		wire.e[wire.n].ack = tcp_get32(seg + 8);
		wire.e[wire.n].len = (uint32_t)(len - (size_t)(seg[12] >> 4) * 4);
		wire.e[wire.n].wnd = tcp_get16(seg + 14);
		wire.e[wire.n].at = n->now;
	}
	wire.n++;
	return false; /* nothing is dropped */
}

/* --- the ACK policy (RFC 1122 4.2.3.2, RFC 5681 4.2) ------------------- */

/* a and b connected and quiet, every segment from now on logged. */
static void ack_setup(struct app *ca, struct app *cb, uint64_t seed)
{
	int lh = -1;

	net_init(&net, seed, 1 * SEC);
	connect_pair(&net, ca, cb, &lh);
	for (int i = 0; i < 5; i++) /* let the handshake's last ACK settle */
		net_step(&net, net.now + 100 * MS);
	memset(&wire, 0, sizeof(wire));
	net.filter = log_segments;
}

/* Step until the wire has carried n segments. */
static void wire_until(unsigned n)
{
	uint64_t limit = net.now + 30 * SEC;

	while (wire.n < n)
		assert_true(net_step(&net, limit));
}

/* Two full-sized segments: b acknowledges both the moment the second
 * arrives, without waiting for its timer. */
static void test_second_full_segment_acked_at_once(void **state)
{
	struct app ca, cb;
	uint32_t mss;

	ack_setup(&ca, &cb, 40);
	mss = stack_a.conn[ca.h].mss;
	assert_int_equal(vx_tcp_send(&stack_a, ca.h, buf, 2 * mss, net.now), 2 * mss);
	wire_until(3);
	assert_int_equal(wire.e[0].len, mss);
	assert_int_equal(wire.e[1].len, mss);
	assert_int_equal(wire.e[2].from, 1);
	assert_int_equal(wire.e[2].flags, VX_TCP_ACK);
	assert_int_equal(wire.e[2].ack, wire.e[1].seq + mss);
	assert_true(wire.e[2].at == wire.e[1].at + net.delay);
	for (int i = 0; i < 5; i++)
		net_step(&net, net.now + 100 * MS);
	assert_int_equal(wire.n, 3); /* that one ACK, nothing after it */
	assert_int_equal(stack_b.stats.delayed_acks, 0);
}

/* A lone segment is acknowledged when the delayed-ACK timer fires,
 * VX_TCP_DELACK after it arrived. */
static void test_lone_segment_acked_by_timer(void **state)
{
	struct app ca, cb;

	ack_setup(&ca, &cb, 41);
	assert_int_equal(vx_tcp_send(&stack_a, ca.h, buf, 100, net.now), 100);
	wire_until(2);
	assert_int_equal(wire.e[1].from, 1);
	assert_int_equal(wire.e[1].ack, wire.e[0].seq + 100);
	assert_true(wire.e[1].at == wire.e[0].at + net.delay + VX_TCP_DELACK);
	assert_int_equal(stack_b.stats.delayed_acks, 1);
}

/* Short segments count by their bytes: a full segment, a short one and
 * a full one are acknowledged together, when the third brings two full
 * segments' worth; the first two alone wait. */
static void test_short_segments_acked_by_bytes(void **state)
{
	struct app ca, cb;
	uint32_t mss;

	ack_setup(&ca, &cb, 42);
	mss = stack_a.conn[ca.h].mss;
	assert_int_equal(vx_tcp_send(&stack_a, ca.h, buf, mss, net.now), mss);
	assert_int_equal(vx_tcp_send(&stack_a, ca.h, buf, 400, net.now), 400);
	assert_int_equal(vx_tcp_send(&stack_a, ca.h, buf, mss, net.now), mss);
	wire_until(4);
	assert_int_equal(wire.e[0].len, mss);
	assert_int_equal(wire.e[1].len, 400);
	assert_int_equal(wire.e[2].len, mss);
	assert_int_equal(wire.e[3].from, 1);
	assert_int_equal(wire.e[3].ack, wire.e[2].seq + mss);
	assert_true(wire.e[3].at == wire.e[2].at + net.delay);
	assert_int_equal(stack_b.stats.delayed_acks, 0);
}

/* Pieces queued and then pushed go as full segments: three of 900
 * bytes make one full segment and the rest, where three sends make three
 * segments of 900. */
static void test_queued_pieces_go_as_full_segments(void **state)
{
	struct app ca, cb;
	uint32_t mss;

	ack_setup(&ca, &cb, 47);
	mss = stack_a.conn[ca.h].mss;
	for (int i = 0; i < 3; i++)
		assert_int_equal(vx_tcp_queue(&stack_a, ca.h, buf, 900, net.now), 900);
	assert_int_equal(wire.n, 0);
	assert_int_equal(vx_tcp_push(&stack_a, ca.h, net.now), VX_OK);
	assert_int_equal(wire.n, 2);
	assert_int_equal(wire.e[0].len, mss);
	assert_int_equal(wire.e[1].len, 2700 - mss);
	while (net_step(&net, net.now + 1 * SEC) && stack_a.conn[ca.h].sb_len)
		;
	assert_int_equal(stack_a.conn[ca.h].sb_len, 0);
	wire.n = 0;
	for (int i = 0; i < 3; i++)
		assert_int_equal(vx_tcp_send(&stack_a, ca.h, buf, 900, net.now), 900);
	assert_int_equal(wire.n, 3);
	assert_int_equal(vx_tcp_push(&stack_a, ca.h, net.now), VX_OK); /* nothing left */
	assert_int_equal(wire.n, 3);
	assert_int_equal(vx_tcp_push(&stack_a, 63, net.now), VX_E_BADHANDLE);
}

/* Drops the first data segment a sends, logging everything. */
static bool drop_first_data(struct net *n, int from, const uint8_t *seg, size_t len)
{
	bool first = from == 0 && len > (size_t)(seg[12] >> 4) * 4 && n->filter_state++ == 0;

	log_segments(n, from, seg, len);
	return first;
}

/* An out-of-order segment is acknowledged at once (the duplicate ACK
 * fast retransmit counts), and so is the segment that fills the hole. */
static void test_out_of_order_acked_at_once(void **state)
{
	struct app ca, cb;
	uint32_t mss;

	ack_setup(&ca, &cb, 43);
	net.filter = drop_first_data;
	mss = stack_a.conn[ca.h].mss;
	assert_int_equal(vx_tcp_send(&stack_a, ca.h, buf, 2 * mss, net.now), 2 * mss);
	wire_until(3);
	assert_int_equal(wire.e[2].from, 1);
	assert_int_equal(wire.e[2].ack, wire.e[0].seq); /* the hole */
	assert_true(wire.e[2].at == wire.e[1].at + net.delay);
	wire_until(5); /* a's timeout sends the first segment again */
	assert_int_equal(wire.e[3].from, 0);
	assert_int_equal(wire.e[3].seq, wire.e[0].seq);
	assert_int_equal(wire.e[4].from, 1);
	assert_int_equal(wire.e[4].ack, wire.e[1].seq + mss);
	assert_true(wire.e[4].at == wire.e[3].at + net.delay);
	assert_int_equal(stack_b.stats.delayed_acks, 0);
}

/* The peer's FIN after ours is acknowledged at once (a FIN that only
 * opens the peer's close is delayed, test_passive_close_fin_ack). */
static void test_fin_after_ours_acked_at_once(void **state)
{
	struct app ca, cb;

	ack_setup(&ca, &cb, 44);
	assert_int_equal(vx_tcp_shutdown(&stack_a, ca.h, net.now), VX_OK);
	while (vx_tcp_state(&stack_a, ca.h) != VX_TCP_FIN_WAIT_2) /* b's ACK of a's FIN */
		assert_true(net_step(&net, net.now + 1 * SEC));
	assert_int_equal(wire.n, 2);
	assert_int_equal(vx_tcp_shutdown(&stack_b, cb.h, net.now), VX_OK);
	wire_until(4);
	assert_int_equal(wire.e[2].from, 1);
	assert_true(wire.e[2].flags & VX_TCP_FIN);
	assert_int_equal(wire.e[3].from, 0);
	assert_int_equal(wire.e[3].ack, wire.e[2].seq + 1);
	assert_true(wire.e[3].at == wire.e[2].at + net.delay);
}

/* A window update goes only when the window b announced has fallen to
 * half its largest or less and would at least double: b holds 96 KiB
 * unread (a window of 32 KiB), reads 8 KiB (40 KiB: no update), then
 * 24 KiB more (64 KiB: one update, announcing it). */
static void test_window_update_when_doubled(void **state)
{
	struct app ca, cb;
	uint32_t sent = 0, unread = 96 * 1024;
	uint64_t limit;
	unsigned n;

	ack_setup(&ca, &cb, 45);
	limit = net.now + 30 * SEC;
	while (sent < unread || net_step(&net, limit)) {
		if (sent < unread) {
			int r = vx_tcp_send(&stack_a, ca.h, buf, unread - sent, net.now);
			assert_true(r >= 0);
			sent += (uint32_t)r;
			assert_true(net_step(&net, limit));
		}
	}
	assert_int_equal(vx_tcp_readable(&stack_b, cb.h), unread);
	assert_int_equal(stack_b.conn[cb.h].rcv_adv - stack_b.conn[cb.h].rcv_nxt, 32 * 1024);
	n = wire.n;
	assert_int_equal(vx_tcp_recv(&stack_b, cb.h, buf, 8 * 1024, net.now), 8 * 1024);
	assert_int_equal(wire.n, n);
	assert_int_equal(stack_b.stats.window_updates, 0);
	assert_int_equal(vx_tcp_recv(&stack_b, cb.h, buf, 24 * 1024, net.now), 24 * 1024);
	assert_int_equal(wire.n, n + 1);
	assert_int_equal(stack_b.stats.window_updates, 1);
	assert_int_equal(stack_b.conn[cb.h].rcv_adv - stack_b.conn[cb.h].rcv_nxt, 64 * 1024);
	if (n < 64)
		assert_int_equal(wire.e[n].wnd, (64 * 1024) >> stack_b.conn[cb.h].rcv_ws);
}

/* One way, 1 MiB, a reader that keeps up: b sends one ACK per two full
 * segments or fewer, and no window update of its own. */
static void test_bulk_ack_per_two_segments(void **state)
{
	struct app ca, cb;
	int lh = -1;

	net_init(&net, 46, 1 * SEC);
	connect_pair(&net, &ca, &cb, &lh);
	ca.total = 1 * MIB;
	ca.seed_out = cb.seed_in = 5;
	ca.reading = cb.reading = true;
	ca.chunk_seed = 3;
	run_transfer(&net, &ca, &cb, 10 * SEC);
	assert_int_equal(cb.rcvd, 1 * MIB);
	assert_int_equal(cb.sum, expected_sum(5, 1 * MIB));
	assert_int_equal(net.data_segs[1], 0);
	assert_true(net.data_segs[0] >= MIB / 1448);
	/* the handshake, the FINs and their ACKs: a few more */
	assert_true(stack_b.stats.out_segs <= net.data_segs[0] / 2 + 6);
	assert_int_equal(stack_b.stats.window_updates, 0);
}

/* A passive close as Linux does it: a's FIN, then b's application reads
 * the end of the stream and closes in the same pass, and b's FIN carries
 * the ACK of a's.  Three segments on the wire, not four. */
static void test_passive_close_fin_ack(void **state)
{
	struct app ca, cb;
	int lh = -1;
	uint32_t a_fin;

	net_init(&net, 31, 1 * SEC);
	connect_pair(&net, &ca, &cb, &lh);
	for (int i = 0; i < 5; i++) /* let the handshake's last ACK settle */
		net_step(&net, net.now + 100 * MS);
	memset(&wire, 0, sizeof(wire));
	net.filter = log_segments;
	a_fin = stack_a.conn[ca.h].snd_max;
	assert_int_equal(vx_tcp_close(&stack_a, ca.h, net.now), VX_OK);
	while (!(vx_tcp_events(&stack_b, cb.h) & VX_TCP_EV_PEER_CLOSED))
		assert_true(net_step(&net, net.now + 1 * SEC));
	/* b's application, woken by the FIN, reads 0 and closes at once. */
	assert_int_equal(vx_tcp_recv(&stack_b, cb.h, buf, 10, net.now), 0);
	assert_int_equal(vx_tcp_close(&stack_b, cb.h, net.now), VX_OK);
	while (net_step(&net, net.now + 10 * SEC))
		;
	assert_int_equal(wire.n, 3);
	assert_int_equal(wire.e[0].from, 0);
	assert_int_equal(wire.e[0].flags, VX_TCP_FIN | VX_TCP_ACK);
	assert_int_equal(wire.e[0].seq, a_fin);
	assert_int_equal(wire.e[1].from, 1);
	assert_int_equal(wire.e[1].flags, VX_TCP_FIN | VX_TCP_ACK);
	assert_int_equal(wire.e[1].ack, a_fin + 1); /* it acknowledges a's FIN */
	assert_int_equal(wire.e[2].from, 0);
	assert_int_equal(wire.e[2].flags, VX_TCP_ACK);
	assert_int_equal(wire.e[2].ack, wire.e[1].seq + 1);
	assert_int_equal(stack_a.stats.rexmit_segs + stack_b.stats.rexmit_segs, 0);
	assert_int_equal(live_conns(&stack_a) + live_conns(&stack_b), 0);
}

/* The ACK of a FIN is delayed, never lost: when b's application does not
 * close, the bare ACK leaves VX_TCP_DELACK after the FIN arrived, well
 * before a's retransmission timer, and b's later FIN goes alone. */
static void test_fin_ack_delayed_not_lost(void **state)
{
	struct app ca, cb;
	int lh = -1;
	uint64_t fin_at;

	net_init(&net, 32, 1 * SEC);
	connect_pair(&net, &ca, &cb, &lh);
	for (int i = 0; i < 5; i++)
		net_step(&net, net.now + 100 * MS);
	memset(&wire, 0, sizeof(wire));
	net.filter = log_segments;
	assert_int_equal(vx_tcp_shutdown(&stack_a, ca.h, net.now), VX_OK);
	while (!(vx_tcp_events(&stack_b, cb.h) & VX_TCP_EV_PEER_CLOSED))
		assert_true(net_step(&net, net.now + 1 * SEC));
	fin_at = net.now;
	assert_int_equal(wire.n, 1);
	for (int i = 0; i < 10; i++)
		net_step(&net, fin_at + 1 * SEC);
	assert_int_equal(wire.n, 2);
	assert_int_equal(wire.e[1].from, 1);
	assert_int_equal(wire.e[1].flags, VX_TCP_ACK);
	assert_int_equal(wire.e[1].ack, wire.e[0].seq + 1);
	assert_true(wire.e[1].at == fin_at + VX_TCP_DELACK);
	assert_int_equal(stack_a.conn[ca.h].state, VX_TCP_FIN_WAIT_2);
	assert_int_equal(stack_b.stats.delayed_acks, 1);
	assert_int_equal(stack_a.stats.rexmit_segs, 0);
	/* A FIN sent again (its ACK lost) is answered at once. */
	wire.n = 0;
	tcp_send_one(&stack_a, &stack_a.conn[ca.h], stack_a.conn[ca.h].snd_una - 1, 0);
	net_step(&net, net.now + 1 * SEC);
	assert_int_equal(wire.n, 2);
	assert_int_equal(wire.e[1].from, 1);
	assert_int_equal(wire.e[1].at, wire.e[0].at + net.delay);
	/* b's FIN, much later, goes alone; a answers it. */
	wire.n = 0;
	assert_int_equal(vx_tcp_close(&stack_b, cb.h, net.now), VX_OK);
	assert_int_equal(wire.n, 1);
	assert_int_equal(wire.e[0].flags, VX_TCP_FIN | VX_TCP_ACK);
	while (net_step(&net, net.now + 10 * SEC))
		;
	assert_int_equal(vx_tcp_state(&stack_a, ca.h), VX_TCP_CLOSED);
}

/* A connection closed by its owner right after its last write finishes
 * on its own, as an orphan, over a lossy link: every byte and the FIN
 * arrive, retransmitted by the timers, and the slot empties.
 * vx_tcp_fin_sent, which netd asks as it gives a handle back, is false
 * while the data holds the FIN back and true once the FIN has gone. */
static void test_orphan_close_finishes(void **state)
{
	struct app ca, cb;
	int lh = -1, h;
	uint64_t limit;

	net_init(&net, 33, 1 * SEC);
	connect_pair(&net, &ca, &cb, &lh);
	net.loss_pm = 50;
	assert_false(vx_tcp_fin_sent(&stack_a, ca.h)); /* not shut down */
	ca.seed_out = cb.seed_in = 77;
	ca.total = 60000;
	app_pump(&ca, net.now); /* writes it all, then shuts down */
	assert_int_equal(ca.sent, 60000);
	assert_true(ca.shut);
	assert_false(vx_tcp_fin_sent(&stack_a, ca.h)); /* cwnd holds the data back */
	h = ca.h;
	assert_int_equal(vx_tcp_close(&stack_a, h, net.now), VX_OK);
	assert_true(vx_tcp_fin_sent(&stack_a, h)); /* a handle given back */
	assert_true(stack_a.conn[h].state == VX_TCP_FIN_WAIT_1);
	cb.reading = true;
	limit = net.now + 120 * SEC;
	while (!cb.eof) {
		app_pump(&cb, net.now);
		assert_true(net_step(&net, limit));
		assert_true(net.now < limit);
	}
	assert_int_equal(cb.rcvd, 60000);
	assert_int_equal(cb.sum, expected_sum(77, 60000));
	assert_true(net.lost > 0);
	assert_true(cb.closed); /* b's application closed at the end of the stream */
	while (live_conns(&stack_a) + live_conns(&stack_b))
		assert_true(net_step(&net, limit));
	assert_int_equal(stack_a.stats.conn_dropped, 0);
	assert_int_equal(stack_b.stats.conn_dropped, 0);
	/* The query itself: true once the FIN has left. */
	net.loss_pm = 0;
	connect_pair(&net, &ca, &cb, &lh);
	assert_int_equal(vx_tcp_shutdown(&stack_a, ca.h, net.now), VX_OK);
	assert_true(vx_tcp_fin_sent(&stack_a, ca.h));
	assert_int_equal(vx_tcp_state(&stack_a, ca.h), VX_TCP_FIN_WAIT_1);
}

/* --- TIME_WAIT: reuse by a newer SYN (RFC 6191), recycling when full -- */

/* A connection from a to b's port 80 that b closes first, so that b's end
 * waits in TIME_WAIT (no handle) and a's is gone.  Returns b's slot; *port
 * is a's port, the 4-tuple's. */
static int server_time_wait(struct net *n, int *lh, uint16_t *port)
{
	struct app ca, cb;
	uint64_t limit;

	connect_pair(n, &ca, &cb, lh);
	*port = stack_a.conn[ca.h].lport;
	assert_int_equal(vx_tcp_close(&stack_b, cb.h, n->now), VX_OK);
	limit = n->now + 10 * SEC;
	while (!(vx_tcp_events(&stack_a, ca.h) & VX_TCP_EV_PEER_CLOSED))
		assert_true(net_step(n, limit));
	assert_int_equal(vx_tcp_close(&stack_a, ca.h, n->now), VX_OK);
	while (live_conns(&stack_a))
		assert_true(net_step(n, limit));
	assert_int_equal(stack_b.conn[cb.h].state, VX_TCP_TIME_WAIT);
	assert_false(stack_b.conn[cb.h].flags & F_USER);
	return cb.h;
}

/* a connects again from the same port: b's TIME_WAIT gives way at once
 * to the new incarnation, with no challenge ACK and no RST, and the new
 * connection is up within one round trip. */
static void reconnect_reuses(struct net *n, int *lh, int tw, uint16_t port)
{
	struct app ca, cb;
	uint64_t t0;

	for (int i = 0; i < 10; i++) /* 100 ms on: newer timestamps and ISN */
		net_step(n, n->now + 100 * MS);
	assert_int_equal(stack_b.conn[tw].state, VX_TCP_TIME_WAIT);
	stack_a.port_next = (uint32_t)(port - VX_TCP_EPHEMERAL_LO);
	t0 = n->now;
	connect_pair(n, &ca, &cb, lh);
	assert_int_equal(stack_a.conn[ca.h].lport, port);
	assert_true(n->now - t0 <= 3 * n->delay);
	assert_int_equal(stack_b.stats.time_wait_reused, 1);
	assert_int_equal(stack_b.stats.challenge_acks, 0);
	assert_int_equal(stack_a.stats.rst_sent, 0);
	assert_int_equal(vx_tcp_state(&stack_b, cb.h), VX_TCP_ESTABLISHED);
}

static void test_time_wait_reuse_timestamps(void **state)
{
	int lh = -1, tw;
	uint16_t port;

	net_init(&net, 40, 30 * SEC);
	tw = server_time_wait(&net, &lh, &port);
	assert_true(stack_b.conn[tw].flags & F_TS);
	reconnect_reuses(&net, &lh, tw, port);
}

static void test_time_wait_reuse_sequence(void **state)
{
	int lh = -1, tw;
	uint16_t port;

	net_init(&net, 41, 30 * SEC);
	net.mangle = strip_wscale; /* no timestamps: the sequence number decides */
	tw = server_time_wait(&net, &lh, &port);
	assert_false(stack_b.conn[tw].flags & F_TS);
	reconnect_reuses(&net, &lh, tw, port);
}

/* SYNs that could be old duplicates leave the TIME_WAIT alone and open
 * nothing: the old connection's own SYN again (old TSval, old sequence
 * number); a new sequence number with an old TSval (the timestamp
 * decides when both have them); and, on a connection without
 * timestamps, a sequence number not beyond RCV.NXT. */
static void test_time_wait_old_syn_refused(void **state)
{
	uint8_t seg[80];
	int lh = -1, tw;
	uint16_t port;
	size_t len;
	struct vx_tcp_conn *k;
	uint64_t syns;

	net_init(&net, 42, 30 * SEC);
	tw = server_time_wait(&net, &lh, &port);
	k = &stack_b.conn[tw];
	syns = stack_b.stats.syn_rcvd;
	craft_ts = k->ts_recent - 5; /* the old SYN's */
	len = craft(seg, ip_a, ip_b, port, 80, k->irs, 0, VX_TCP_SYN, 65535, NULL, 0, NULL, 0);
	vx_tcp_input(&stack_b, ip_a, ip_b, seg, len, net.now);
	assert_int_equal(k->state, VX_TCP_TIME_WAIT);
	len = craft(seg, ip_a, ip_b, port, 80, k->rcv_nxt + 100000, 0, VX_TCP_SYN, 65535, NULL, 0,
		    NULL, 0);
	vx_tcp_input(&stack_b, ip_a, ip_b, seg, len, net.now);
	assert_int_equal(k->state, VX_TCP_TIME_WAIT);
	craft_ts = k->ts_recent; /* not newer */
	len = craft(seg, ip_a, ip_b, port, 80, k->rcv_nxt + 100000, 0, VX_TCP_SYN, 65535, NULL, 0,
		    NULL, 0);
	vx_tcp_input(&stack_b, ip_a, ip_b, seg, len, net.now);
	assert_int_equal(k->state, VX_TCP_TIME_WAIT);
	/* A SYN+ACK or SYN+FIN with a newer TSval is no new connection. */
	craft_ts = k->ts_recent + 1000;
	len = craft(seg, ip_a, ip_b, port, 80, k->rcv_nxt + 100000, 0, VX_TCP_SYN | VX_TCP_ACK,
		    65535, NULL, 0, NULL, 0);
	vx_tcp_input(&stack_b, ip_a, ip_b, seg, len, net.now);
	assert_int_equal(k->state, VX_TCP_TIME_WAIT);
	assert_int_equal(stack_b.stats.syn_rcvd, syns);
	assert_int_equal(stack_b.stats.time_wait_reused, 0);
	/* The same SYN with a newer TSval is a new incarnation. */
	len = craft(seg, ip_a, ip_b, port, 80, k->irs, 0, VX_TCP_SYN, 65535, NULL, 0, NULL, 0);
	vx_tcp_input(&stack_b, ip_a, ip_b, seg, len, net.now);
	assert_int_equal(stack_b.stats.time_wait_reused, 1);
	assert_int_equal(stack_b.stats.syn_rcvd, syns + 1);
	assert_int_equal(k->state, VX_TCP_SYN_RCVD); /* the slot, taken again */
	craft_ts = 0;

	/* Without timestamps: at or below RCV.NXT is refused. */
	net_init(&net, 43, 30 * SEC);
	net.mangle = strip_wscale;
	lh = -1;
	tw = server_time_wait(&net, &lh, &port);
	k = &stack_b.conn[tw];
	assert_false(k->flags & F_TS);
	syns = stack_b.stats.syn_rcvd;
	len = craft(seg, ip_a, ip_b, port, 80, k->irs, 0, VX_TCP_SYN, 65535, NULL, 0, NULL, 0);
	vx_tcp_input(&stack_b, ip_a, ip_b, seg, len, net.now);
	len = craft(seg, ip_a, ip_b, port, 80, k->rcv_nxt, 0, VX_TCP_SYN, 65535, NULL, 0, NULL, 0);
	vx_tcp_input(&stack_b, ip_a, ip_b, seg, len, net.now);
	assert_int_equal(k->state, VX_TCP_TIME_WAIT);
	assert_int_equal(stack_b.stats.syn_rcvd, syns);
	assert_int_equal(stack_b.stats.time_wait_reused, 0);
	len = craft(seg, ip_a, ip_b, port, 80, k->rcv_nxt + 1, 0, VX_TCP_SYN, 65535, NULL, 0, NULL,
		    0);
	vx_tcp_input(&stack_b, ip_a, ip_b, seg, len, net.now);
	assert_int_equal(stack_b.stats.time_wait_reused, 1);
	assert_int_equal(stack_b.stats.syn_rcvd, syns + 1);
}

/* A table full of TIME_WAITs (a client that closed 64 connections first)
 * still opens a 65th: the oldest TIME_WAIT gives its slot up.  A
 * TIME_WAIT that a handle still holds is never taken. */
static void test_time_wait_recycle_when_full(void **state)
{
	struct app ca, cb;
	int lh = -1, first = -1, held;
	uint64_t limit;

	net_init(&net, 44, 30 * SEC);
	for (int i = 0; i < VX_TCP_MAX_CONNS; i++) {
		connect_pair(&net, &ca, &cb, &lh);
		if (first < 0)
			first = ca.h;
		assert_int_equal(vx_tcp_close(&stack_a, ca.h, net.now), VX_OK);
		limit = net.now + 10 * SEC;
		while (!(vx_tcp_events(&stack_b, cb.h) & VX_TCP_EV_PEER_CLOSED))
			assert_true(net_step(&net, limit));
		assert_int_equal(vx_tcp_close(&stack_b, cb.h, net.now), VX_OK);
		while (live_conns(&stack_b))
			assert_true(net_step(&net, limit));
		assert_int_equal(stack_a.conn[ca.h].state, VX_TCP_TIME_WAIT);
	}
	assert_int_equal(live_conns(&stack_a), VX_TCP_MAX_CONNS);
	assert_int_equal(stack_a.stats.time_wait_recycled, 0);
	connect_pair(&net, &ca, &cb, &lh);
	assert_int_equal(ca.h, first); /* the oldest gave way */
	assert_int_equal(stack_a.stats.time_wait_recycled, 1);
	assert_int_equal(stack_a.stats.time_wait_done, 0);
	/* Every slot a TIME_WAIT held by its handle, or the connection just
	 * made: nothing to take, VX_E_FULL. */
	held = ca.h;
	for (int i = 0; i < VX_TCP_MAX_CONNS; i++)
		if (i != held)
			stack_a.conn[i].flags |= F_USER;
	assert_int_equal(vx_tcp_connect(&stack_a, ip_a, ip_b, 80, net.now), VX_E_FULL);
	assert_int_equal(stack_a.stats.time_wait_recycled, 1);
	for (int i = 0; i < VX_TCP_MAX_CONNS; i++)
		if (i != held)
			stack_a.conn[i].flags &= (uint16_t)~F_USER;
}

/* Many small transfers over links drawn at random: loss up to 10 %,
 * duplication, reordering beyond the RTT, different MTUs at each end. */
static void test_transfer_sweep(void **state)
{
	for (uint64_t seed = 100; seed < 124; seed++) {
		struct app ca, cb;
		int lh = -1;
		uint64_t r = seed * 0x9E3779B97F4A7C15ull;
		static const uint32_t mtus[] = {576, 1000, 1500, 4000, 9000};

		net_mtu[0] = mtus[r % 5];
		net_mtu[1] = mtus[(r >> 8) % 5];
		net_init(&net, seed, 1 * SEC);
		net.loss_pm = (uint32_t)(r >> 16) % 100;
		net.dup_pm = (uint32_t)(r >> 24) % 50;
		net.reorder_pm = (uint32_t)(r >> 32) % 300;
		net.delay = (1 + (r >> 40) % 50) * MS;
		net.jitter = (1 + (r >> 48) % 100) * MS;
		connect_pair(&net, &ca, &cb, &lh);
		ca.total = 256 * 1024 + (r >> 20) % 5000;
		cb.total = 128 * 1024 + (r >> 28) % 5000;
		ca.seed_out = cb.seed_in = (uint32_t)seed;
		cb.seed_out = ca.seed_in = (uint32_t)seed + 1000;
		ca.reading = cb.reading = true;
		ca.chunk_seed = (uint32_t)r;
		cb.chunk_seed = (uint32_t)(r >> 32);
		if (seed % 3 == 0) { /* slow readers: windows close and open */
			ca.read_max = 200 + (uint32_t)(r >> 12) % 3000;
			cb.read_max = 200 + (uint32_t)(r >> 36) % 3000;
		}
		print_message("# sweep seed %llu mtu %u/%u loss %u dup %u reorder %u delay %llu "
			      "jitter %llu\n",
			      (unsigned long long)seed, net_mtu[0], net_mtu[1], net.loss_pm,
			      net.dup_pm, net.reorder_pm, (unsigned long long)(net.delay / MS),
			      (unsigned long long)(net.jitter / MS));
		run_transfer(&net, &ca, &cb, 3600 * SEC);
		assert_int_equal(cb.rcvd, ca.total);
		assert_int_equal(ca.rcvd, cb.total);
		assert_int_equal(cb.sum, expected_sum((uint32_t)seed, ca.total));
		assert_int_equal(ca.sum, expected_sum((uint32_t)seed + 1000, cb.total));
		assert_int_equal(net.qfull, 0);
		assert_int_equal(stack_a.stats.timeouts + stack_b.stats.timeouts, 0);
	}
	net_mtu[0] = net_mtu[1] = 0;
}

/* RFC 7323 5: an old timestamp marks an old duplicate, even in the
 * window; a segment without one, once both agreed, is dropped too. */
static void test_paws(void **state)
{
	struct app ca, cb;
	int lh = -1;
	uint8_t seg[80];
	size_t n;
	struct vx_tcp_conn *c;
	uint32_t rcv;

	net_init(&net, 23, 1 * SEC);
	connect_pair(&net, &ca, &cb, &lh);
	/* Let time pass, then traffic, so that ts_recent moves on. */
	net.now += 10 * SEC;
	assert_int_equal(vx_tcp_send(&stack_b, cb.h, "0123456789", 10, net.now), 10);
	for (int i = 0; i < 20; i++)
		net_step(&net, net.now + 5 * SEC);
	c = &stack_a.conn[ca.h];
	assert_int_equal(vx_tcp_readable(&stack_a, ca.h), 10);
	assert_true(c->ts_recent > 100);
	rcv = c->rcv_nxt;
	craft_ts = c->ts_recent - 100;
	n = craft(seg, ip_b, ip_a, c->rport, c->lport, c->rcv_nxt, c->snd_una, VX_TCP_ACK, 1000,
		  NULL, 0, (const uint8_t *)"stale", 5);
	vx_tcp_input(&stack_a, ip_b, ip_a, seg, n, net.now);
	assert_int_equal(stack_a.stats.paws_dropped, 1);
	assert_int_equal(c->rcv_nxt, rcv);
	craft_ts = 0;
	n = craft(seg, ip_b, ip_a, c->rport, c->lport, c->rcv_nxt, c->snd_una, VX_TCP_ACK, 1000,
		  NULL, 0, (const uint8_t *)"nots", 4);
	vx_tcp_input(&stack_a, ip_b, ip_a, seg, n, net.now);
	assert_int_equal(stack_a.stats.ts_missing, 1);
	assert_int_equal(c->rcv_nxt, rcv);
	/* The current timestamp is taken. */
	craft_ts = c->ts_recent;
	n = craft(seg, ip_b, ip_a, c->rport, c->lport, c->rcv_nxt, c->snd_una, VX_TCP_ACK, 1000,
		  NULL, 0, (const uint8_t *)"fresh", 5);
	vx_tcp_input(&stack_a, ip_b, ip_a, seg, n, net.now);
	craft_ts = 0;
	assert_int_equal(c->rcv_nxt, rcv + 5);
	assert_int_equal(vx_tcp_readable(&stack_a, ca.h), 15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_seq_wrap),
	    cmocka_unit_test(test_acceptable_table),
	    cmocka_unit_test(test_rtt_rfc6298),
	    cmocka_unit_test(test_options_hostile),
	    cmocka_unit_test(test_transfer_clean),
	    cmocka_unit_test(test_transfer_loss_1pct),
	    cmocka_unit_test(test_transfer_loss_5pct),
	    cmocka_unit_test(test_transfer_reorder_dup),
	    cmocka_unit_test(test_transfer_everything),
	    cmocka_unit_test(test_transfer_segment_in_place),
	    cmocka_unit_test(test_rst_to_closed_port),
	    cmocka_unit_test(test_listener_syn_options),
	    cmocka_unit_test(test_rst_in_and_out_of_window),
	    cmocka_unit_test(test_syn_flood),
	    cmocka_unit_test(test_simultaneous_open),
	    cmocka_unit_test(test_simultaneous_close),
	    cmocka_unit_test(test_accept_after_close),
	    cmocka_unit_test(test_time_wait_expiry),
	    cmocka_unit_test(test_retransmit_limit),
	    cmocka_unit_test(test_connect_refused_and_timeout),
	    cmocka_unit_test(test_zero_window_then_opens),
	    cmocka_unit_test(test_window_scaling),
	    cmocka_unit_test(test_newreno_single_drop),
	    cmocka_unit_test(test_newreno_partial_acks),
	    cmocka_unit_test(test_seq_wraparound_transfer),
	    cmocka_unit_test(test_icmp_errors),
	    cmocka_unit_test(test_api_errors_and_events),
	    cmocka_unit_test(test_lost_syn),
	    cmocka_unit_test(test_no_window_scaling),
	    cmocka_unit_test(test_ack_storm_limited),
	    cmocka_unit_test(test_orphans_and_listener_close),
	    cmocka_unit_test(test_second_full_segment_acked_at_once),
	    cmocka_unit_test(test_lone_segment_acked_by_timer),
	    cmocka_unit_test(test_short_segments_acked_by_bytes),
	    cmocka_unit_test(test_out_of_order_acked_at_once),
	    cmocka_unit_test(test_queued_pieces_go_as_full_segments),
	    cmocka_unit_test(test_fin_after_ours_acked_at_once),
	    cmocka_unit_test(test_window_update_when_doubled),
	    cmocka_unit_test(test_bulk_ack_per_two_segments),
	    cmocka_unit_test(test_passive_close_fin_ack),
	    cmocka_unit_test(test_fin_ack_delayed_not_lost),
	    cmocka_unit_test(test_orphan_close_finishes),
	    cmocka_unit_test(test_time_wait_reuse_timestamps),
	    cmocka_unit_test(test_time_wait_reuse_sequence),
	    cmocka_unit_test(test_time_wait_old_syn_refused),
	    cmocka_unit_test(test_time_wait_recycle_when_full),
	    cmocka_unit_test(test_transfer_sweep),
	    cmocka_unit_test(test_paws),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
