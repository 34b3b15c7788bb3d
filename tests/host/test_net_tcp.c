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
#define SEGB 1600

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
};

struct net {
	struct vx_tcp *st[2];
	struct side side[2];
	uint8_t addr[2][4];
	uint64_t now, order, rng;
	uint32_t loss_pm, dup_pm, reorder_pm; /* per mille */
	uint64_t delay, jitter;
	filter_fn filter;
	uint32_t data_segs[2]; /* data segments output by each side */
	uint32_t lost, dups, qfull;
	unsigned n;
	struct pkt q[QMAX];
};

static struct vx_tcp stack_a, stack_b, stack_c;
static struct net net;

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

static int link_output(void *ctx, const uint8_t src[4], const uint8_t dst[4], const uint8_t *seg,
		       size_t len)
{
	struct side *s = ctx;
	struct net *n = s->n;
	uint64_t at = n->now + n->delay;

	/* Every segment leaves with a correct checksum. */
	assert_int_equal(
	    vx_cksum_fold(vx_cksum_add(vx_cksum_pseudo4(src, dst, 6, (uint16_t)len), seg, len)), 0);
	if (len > (size_t)((seg[12] >> 4) * 4))
		n->data_segs[s->id]++;
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
		cfg.ctx = &n->side[i];
		for (int k = 0; k < 32; k++)
			cfg.isn_key[k] = (uint8_t)(seed + 7 * k + i);
		cfg.msl_ns = msl;
		assert_int_equal(vx_tcp_init(n->st[i], &cfg, 0), VX_OK);
	}
}

static int dest_of(struct net *n, const uint8_t dst[4])
{
	return memcmp(dst, n->addr[0], 4) == 0 ? 0 : memcmp(dst, n->addr[1], 4) == 0 ? 1 : -1;
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
		assert_true(r >= 0);
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
		int r = vx_tcp_recv(a->t, a->h, buf, sizeof(buf), now);
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
		if (!net_step(n, t0 + limit))
			fail_msg("nothing pending but not done");
	}
	return n->now - t0;
}

static void transfer(uint64_t seed, uint32_t loss, uint32_t dup, uint32_t reorder, uint64_t bytes,
		     uint64_t limit)
{
	struct app ca, cb;
	int lh;
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
	transfer(1, 0, 0, 0, 4 * MIB, 30 * SEC);
	assert_int_equal(stack_a.stats.rexmit_timeouts + stack_b.stats.rexmit_timeouts, 0);
	assert_int_equal(stack_a.stats.rexmit_segs + stack_b.stats.rexmit_segs, 0);
}

static void test_transfer_loss_1pct(void **state)
{
	transfer(2, 10, 0, 0, 4 * MIB, 300 * SEC);
}

static void test_transfer_loss_5pct(void **state)
{
	transfer(3, 50, 0, 0, 2 * MIB, 1200 * SEC);
}

static void test_transfer_reorder_dup(void **state)
{
	transfer(4, 0, 20, 100, 4 * MIB, 300 * SEC);
}

static void test_transfer_everything(void **state)
{
	for (uint64_t seed = 10; seed < 14; seed++)
		transfer(seed, 20, 10, 50, 1 * MIB, 1200 * SEC);
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
	};
	(void)stack_c;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
