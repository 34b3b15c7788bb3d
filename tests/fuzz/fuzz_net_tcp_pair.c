/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: two TCP stacks (lib/net/tcp.h) over a link the input
 * controls.  Where fuzz_net_tcp asks "does any segment break a
 * connection's invariants?", this one asks "does any network break the
 * stream?".
 *
 * Stack 0 connects to stack 1; each sends the other a stream whose byte
 * i is a function of i, then shuts down, reads to the end and closes.
 * Every segment either stack emits takes one input byte that decides its
 * fate: lost (1 in 8), delivered twice, or delayed 1..76 ms, so the input
 * chooses loss, duplication and reordering.  The first input bytes choose
 * the stream sizes and each end's MTU.  Once the input is used up the
 * link turns perfect.
 *
 * Checked: every byte read is the right byte at the right offset (no
 * loss, duplication or corruption, ever); a connection that fails does so
 * only with VX_E_TIMEOUT (the input may cut the link for minutes); and
 * otherwise both streams complete and both stacks empty their tables
 * within a bounded virtual time after the link turns perfect.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "net/tcp.h"
#include "net/tcp_impl.h"
#include "vectra/abi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x)) {                                                                        \
			fprintf(stderr, "fuzz_net_tcp_pair.c:%d: %s\n", __LINE__, #x);             \
			__builtin_trap();                                                          \
		}                                                                                  \
	} while (0)

#define MS    VX_TCP_MS
#define QMAX  512
#define SEGB  (VX_TCP_MTU_MAX - 20)
#define CHAOS (20 * 60 * VX_TCP_SEC) /* the input's link lasts at most this */
#define CALM  (10 * 60 * VX_TCP_SEC) /* then everything must end within this */

struct pkt {
	uint64_t at;
	uint32_t order;
	int to;
	uint16_t len;
	uint8_t data[SEGB];
};

struct end {
	int h;
	uint64_t total, sent, rcvd;
	bool shut, eof, closed, failed;
};

static struct vx_tcp st[2];
static struct pkt q[QMAX];
static unsigned nq;
static uint32_t order;
static uint64_t now;
static const uint8_t *in;
static size_t in_n;
static struct end e[2];
static uint8_t buf[20000];
static const uint8_t addr[2][4] = {{10, 0, 0, 1}, {10, 0, 0, 2}};

static int take(void)
{
	if (!in_n)
		return -1;
	in_n--;
	return *in++;
}

static void enqueue(int to, const uint8_t *seg, size_t len, uint64_t at)
{
	if (nq == QMAX)
		return; /* a full queue is loss too */
	q[nq].at = at;
	q[nq].order = order++;
	q[nq].to = to;
	q[nq].len = (uint16_t)len;
	memcpy(q[nq].data, seg, len);
	nq++;
}

static int output(void *ctx, const uint8_t src[4], const uint8_t dst[4], const uint8_t *seg,
		  size_t len)
{
	int from = (int)(intptr_t)ctx, b = take();

	CHECK(len <= SEGB && !memcmp(src, addr[from], 4) && !memcmp(dst, addr[!from], 4));
	if (b < 0) {
		enqueue(!from, seg, len, now + 10 * MS);
		return 0;
	}
	if ((b & 7) == 0)
		return 0;
	enqueue(!from, seg, len, now + (1 + (uint64_t)(b >> 3) * 5) * MS);
	if ((b & 7) == 1)
		enqueue(!from, seg, len, now + (3 + (uint64_t)(b >> 4)) * MS);
	return 0;
}

static uint8_t stream_byte(int from, uint64_t i)
{
	uint64_t x = (i + 1 + (uint64_t)from * 1000003) * 0x9E3779B97F4A7C15ull;
	return (uint8_t)(x >> 56 ^ x >> 21);
}

/* One end's application: write, read and check, shut down, close. */
static void pump(int k)
{
	struct end *p = &e[k];
	int r;

	if (p->h < 0 || p->closed)
		return;
	/* Written as netd writes: pieces of a socket slot's size queued,
	 * then one push. */
	while (p->sent < p->total) {
		uint32_t n = (uint32_t)(p->total - p->sent);
		if (n > 1850)
			n = 1850;
		for (uint32_t i = 0; i < n; i++)
			buf[i] = stream_byte(k, p->sent + i);
		r = vx_tcp_queue(&st[k], p->h, buf, n, now);
		if (r < 0)
			break;
		p->sent += (uint32_t)r;
		if ((uint32_t)r < n)
			break;
	}
	vx_tcp_push(&st[k], p->h, now);
	r = vx_tcp_state(&st[k], p->h);
	if (p->sent == p->total && !p->shut && (r == VX_TCP_ESTABLISHED || r == VX_TCP_CLOSE_WAIT))
		p->shut = vx_tcp_shutdown(&st[k], p->h, now) == VX_OK;
	for (;;) {
		r = vx_tcp_recv(&st[k], p->h, buf, sizeof(buf), now);
		if (r <= 0)
			break;
		for (int i = 0; i < r; i++)
			CHECK(buf[i] == stream_byte(!k, p->rcvd + (uint64_t)i));
		p->rcvd += (uint64_t)r;
	}
	if (r == 0) {
		CHECK(p->rcvd == e[!k].total);
		p->eof = true;
	} else if (r != VX_E_AGAIN && r != VX_E_STATE) {
		CHECK(r == VX_E_TIMEOUT || r == VX_E_RESET);
		p->failed = true;
	}
	if ((p->eof && p->shut) || p->failed) {
		vx_tcp_close(&st[k], p->h, now);
		p->closed = true;
	}
}

/* Deliver the earliest due segment; false if none is due. */
static bool deliver(void)
{
	unsigned best = QMAX;
	struct pkt *p;

	for (unsigned i = 0; i < nq; i++)
		if (q[i].at <= now && (best == QMAX || q[i].at < q[best].at ||
				       (q[i].at == q[best].at && q[i].order < q[best].order)))
			best = i;
	if (best == QMAX)
		return false;
	p = &q[best];
	vx_tcp_input(&st[p->to], addr[!p->to], addr[p->to], p->data, p->len, now);
	q[best] = q[--nq];
	return true;
}

static uint64_t next_event(void)
{
	uint64_t t = VX_TCP_NEVER;

	for (unsigned i = 0; i < nq; i++)
		if (q[i].at < t)
			t = q[i].at;
	for (int k = 0; k < 2; k++)
		if (vx_tcp_next_deadline(&st[k]) < t)
			t = vx_tcp_next_deadline(&st[k]);
	return t;
}

static unsigned live(const struct vx_tcp *t)
{
	unsigned n = 0;

	for (int i = 0; i < VX_TCP_MAX_CONNS; i++)
		if (t->conn[i].state != VX_TCP_CLOSED || (t->conn[i].flags & F_USER))
			n++;
	return n;
}

/* Both ends' numbers, for the report of a broken check. */
static void dump(void)
{
	for (int k = 0; k < 2; k++) {
		fprintf(stderr,
			"end %d: h %d total %llu sent %llu rcvd %llu shut %d eof %d closed %d "
			"failed %d\n",
			k, e[k].h, (unsigned long long)e[k].total, (unsigned long long)e[k].sent,
			(unsigned long long)e[k].rcvd, e[k].shut, e[k].eof, e[k].closed,
			e[k].failed);
		fprintf(stderr,
			"  timeouts %llu rst_sent %llu rst_rcvd %llu dropped %llu rto %llu now "
			"%llu ms\n",
			(unsigned long long)st[k].stats.timeouts,
			(unsigned long long)st[k].stats.rst_sent,
			(unsigned long long)st[k].stats.rst_rcvd,
			(unsigned long long)st[k].stats.conn_dropped,
			(unsigned long long)st[k].stats.rexmit_timeouts,
			(unsigned long long)(now / MS));
		for (int i = 0; i < VX_TCP_MAX_CONNS; i++) {
			const struct vx_tcp_conn *c = &st[k].conn[i];
			if (c->state == VX_TCP_CLOSED && !(c->flags & F_USER))
				continue;
			fprintf(
			    stderr,
			    "  slot %d %s flags %x una %u nxt %u max %u wnd %u sb %u rcv_nxt %u "
			    "adv %u rb %u err %d\n",
			    i, vx_tcp_state_name(c->state), c->flags, c->snd_una - c->iss,
			    c->snd_nxt - c->iss, c->snd_max - c->iss, c->snd_wnd, c->sb_len,
			    c->rcv_nxt - c->irs, c->rcv_adv - c->irs, c->rb_len, c->err);
		}
	}
}

static void setup(void)
{
	static const uint32_t mtus[4] = {576, 1500, 4000, 9000};
	int sizes = take(), mtu = take(), lh;

	nq = 0;
	order = 0;
	now = 0;
	for (int k = 0; k < 2; k++) {
		struct vx_tcp_config cfg;
		memset(&cfg, 0, sizeof(cfg));
		cfg.output = output;
		cfg.ctx = (void *)(intptr_t)k;
		cfg.isn_key[0] = (uint8_t)k;
		cfg.msl_ns = 1 * VX_TCP_SEC;
		cfg.mtu = mtu < 0 ? 0 : mtus[(mtu >> (2 * k)) & 3];
		CHECK(vx_tcp_init(&st[k], &cfg, now) == VX_OK);
		memset(&e[k], 0, sizeof(e[k]));
	}
	e[0].total = sizes < 0 ? 5000 : (uint64_t)(sizes & 15) * 3001;
	e[1].total = sizes < 0 ? 5000 : (uint64_t)(sizes >> 4) * 2999;
	lh = vx_tcp_listen(&st[1], addr[1], 80, 4);
	CHECK(lh == VX_TCP_LISTENER_BASE);
	e[1].h = -1;
	e[0].h = vx_tcp_connect(&st[0], addr[0], addr[1], 80, now);
	CHECK(e[0].h >= 0);
}

/* Did either end give up?  The input can cut the link for longer than
 * the retransmission limit; then the other end may wait for ever, as TCP
 * without keepalives does. */
static bool gave_up(void)
{
	return e[0].failed || e[1].failed || st[0].stats.timeouts || st[1].stats.timeouts;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t calm_from = VX_TCP_NEVER;

	in = data;
	in_n = size;
	setup();
	for (;;) {
		uint64_t t;
		if (e[1].h < 0) {
			int h = vx_tcp_accept(&st[1], VX_TCP_LISTENER_BASE);
			if (h >= 0)
				e[1].h = h;
		}
		pump(0);
		pump(1);
		if (e[0].closed && e[1].closed && live(&st[0]) == 0 && live(&st[1]) == 0)
			break;
		if (in_n == 0 && calm_from == VX_TCP_NEVER)
			calm_from = now;
		if (now > CHAOS && calm_from == VX_TCP_NEVER) {
			in_n = 0; /* the input's time is up */
			calm_from = now;
		}
		if (calm_from != VX_TCP_NEVER && now > calm_from + CALM)
			dump();
		CHECK(calm_from == VX_TCP_NEVER || now <= calm_from + CALM);
		t = next_event();
		if (t == VX_TCP_NEVER)
			break;
		if (t > now)
			now = t;
		while (deliver())
			;
		vx_tcp_tick(&st[0], now);
		vx_tcp_tick(&st[1], now);
	}
	/* What arrived was checked byte by byte; unless an end gave up, all of
	 * it arrived and both ends closed cleanly. */
	if (!gave_up()) {
		if (!(e[0].closed && e[1].closed && e[0].eof && e[1].eof))
			dump();
		CHECK(e[0].closed && e[1].closed && e[0].eof && e[1].eof);
		CHECK(e[0].rcvd == e[1].total && e[1].rcvd == e[0].total);
		CHECK(live(&st[0]) == 0 && live(&st[1]) == 0);
	}
	return 0;
}
