/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for lib/net/tcp.h.  Each input starts a stack at
 * 10.0.0.1 with a listener on port 80 and one connection to
 * 10.0.0.2:5000, brought to ESTABLISHED by a crafted SYN-ACK, then runs
 * the input as a program of operations, one byte of opcode each:
 *
 *   0  a segment from a peer, near its connection's numbers (the first
 *      connection, or if the opcode's top bit is set, the slot (1)):
 *      seq delta (2, signed, from rcv_nxt), ack delta (2, signed, from
 *      snd_una), flags (1), window (2), option words k (1, 0..10), 4k
 *      option bytes, data length (1) and data; the checksum is made right
 *   1  a raw segment: length (1) and bytes, checksum made right when the
 *      first byte is odd, else as given; from the peer or a stranger
 *   2  the clock advances by (2) milliseconds, then vx_tcp_tick
 *   3  the application sends (2) bytes on the connection
 *   4  the application reads up to (2) bytes
 *   5  shutdown, close or abort (1) a handle (1)
 *   6  an ICMP error: type (1), code (1), next MTU (2), quote (8)
 *   7  a SYN to the listener from a source (1), sequence number (4); an
 *      odd source offers timestamps, and segments (0) to the connection
 *      it makes then carry one near the last seen, offset (1)
 *   8  accept, or connect again
 *
 * After every operation the invariants of every slot are checked (see
 * check()); every segment the stack emits must carry a right checksum,
 * fit the MTU and not be a RST answering a RST, and be built exactly in
 * the memory cfg.segment gave for it, or in t.seg when it gave none.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "net/cksum.h"
#include "net/tcp.h"
#include "net/tcp_impl.h"
#include "vectra/abi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant names itself, then traps. */
#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x)) {                                                                        \
			fprintf(stderr, "fuzz_net_tcp.c:%d: %s\n", __LINE__, #x);                  \
			__builtin_trap();                                                          \
		}                                                                                  \
	} while (0)

static struct vx_tcp t;
static uint8_t out[VX_TCP_SEG_MAX];
static size_t out_len;
static unsigned out_n;
static uint8_t io[70000];

static const uint8_t me[4] = {10, 0, 0, 1}, peer[4] = {10, 0, 0, 2};

/* cfg.segment: the last len bytes of place, so that a segment longer
 * than it asked for runs off the end (ASan), and output finds one of
 * another length not ending where place ends.  Every fifth ask gets
 * NULL, and that segment is built in t.seg. */
static uint8_t place[VX_TCP_SEG_MAX];
static const uint8_t *given;
static unsigned asks;

static uint8_t *segment(void *ctx, size_t len)
{
	CHECK(given == NULL && len >= 20 && len <= sizeof(place));
	if (++asks % 5 == 0)
		return NULL;
	given = place + sizeof(place) - len;
	return (uint8_t *)given;
}

static int output(void *ctx, const uint8_t src[4], const uint8_t dst[4], const uint8_t *seg,
		  size_t len)
{
	CHECK(seg == (given ? given : t.seg));
	CHECK(!given || seg + len == place + sizeof(place));
	given = NULL;
	CHECK(len >= 20 && len <= t.cfg.mtu - 20);
	CHECK(vx_cksum_fold(vx_cksum_add(vx_cksum_pseudo4(src, dst, 6, (uint16_t)len), seg, len)) ==
	      0);
	CHECK(!memcmp(src, me, 4));
	memcpy(out, seg, len);
	out_len = len;
	out_n++;
	return out_n % 17 == 0 ? VX_E_FULL : 0; /* now and then the IP layer fails */
}

static void event(void *ctx, int h, uint32_t ev)
{
	CHECK((h >= 0 && h < VX_TCP_MAX_CONNS) ||
	      (h >= VX_TCP_LISTENER_BASE && h < VX_TCP_LISTENER_BASE + VX_TCP_MAX_LISTENERS));
}

static void check(void)
{
	unsigned live = 0;

	for (int i = 0; i < VX_TCP_MAX_CONNS; i++) {
		const struct vx_tcp_conn *c = &t.conn[i];
		uint32_t read_seq = c->rcv_nxt - c->rb_len;
		if (c->state == VX_TCP_CLOSED && !(c->flags & F_USER))
			continue;
		live++;
		CHECK(c->state < VX_TCP_NSTATES && c->state != VX_TCP_LISTEN);
		CHECK(vx_seq_leq(c->snd_una, c->snd_nxt) && vx_seq_leq(c->snd_nxt, c->snd_max));
		CHECK(c->sb_len <= VX_TCP_SNDBUF && c->sb_off < VX_TCP_SNDBUF);
		CHECK(c->rb_len <= VX_TCP_RCVBUF && c->rb_off < VX_TCP_RCVBUF);
		CHECK(c->n_ooo <= VX_TCP_OOO_MAX);
		CHECK(c->mss >= 64 && c->mss <= t.cfg.mtu - 40);
		/* Nothing beyond the ring's bytes and a FIN was ever sent. */
		CHECK(vx_seq_leq(c->snd_max, c->sb_seq + c->sb_len + 1));
		if (c->state == VX_TCP_SYN_SENT || c->state == VX_TCP_CLOSED)
			continue;
		CHECK(c->state == VX_TCP_SYN_RCVD || c->cwnd >= c->mss);
		CHECK(c->rcv_adv - read_seq <= VX_TCP_RCVBUF);
		for (unsigned k = 0; k < c->n_ooo; k++) {
			CHECK(vx_seq_gt(c->ooo[k].lo, c->rcv_nxt));
			CHECK(vx_seq_lt(c->ooo[k].lo, c->ooo[k].hi));
			CHECK(vx_seq_leq(c->ooo[k].hi, c->rcv_adv));
			CHECK(k == 0 || vx_seq_gt(c->ooo[k].lo, c->ooo[k - 1].hi));
		}
		if (vx_seq_lt(c->snd_una, c->sb_seq))
			CHECK(c->snd_una == c->iss);
		else
			CHECK(c->sb_seq == c->snd_una || (c->flags & F_FIN_Q));
	}
	CHECK(live <= VX_TCP_MAX_CONNS);
	for (int i = 0; i < VX_TCP_MAX_LISTENERS; i++) {
		unsigned load = 0;
		if (!t.lis[i].used)
			continue;
		for (int k = 0; k < VX_TCP_MAX_CONNS; k++)
			if (t.conn[k].listener == i && !(t.conn[k].flags & F_USER) &&
			    t.conn[k].state != VX_TCP_CLOSED)
				load++;
		CHECK(load <= t.lis[i].backlog);
	}
}

static size_t craft(uint8_t *s, const uint8_t src[4], uint16_t sport, uint16_t dport, uint32_t seq,
		    uint32_t ack, uint8_t flags, uint16_t wnd, const uint8_t *opt, size_t optlen,
		    const uint8_t *d, size_t n)
{
	size_t hl = 20 + optlen;

	memset(s, 0, 20);
	tcp_put16(s, sport);
	tcp_put16(s + 2, dport);
	tcp_put32(s + 4, seq);
	tcp_put32(s + 8, ack);
	s[12] = (uint8_t)(hl / 4) << 4;
	s[13] = flags;
	tcp_put16(s + 14, wnd);
	if (optlen)
		memcpy(s + 20, opt, optlen);
	if (n)
		memcpy(s + hl, d, n);
	tcp_put16(s + 16, vx_cksum_fold(vx_cksum_add(
			      vx_cksum_pseudo4(src, me, 6, (uint16_t)(hl + n)), s, hl + n)));
	return hl + n;
}

struct rd {
	const uint8_t *p;
	size_t n;
};

static uint32_t take(struct rd *r, unsigned bytes)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < bytes; i++) {
		v = v << 8 | (r->n ? *r->p : 0);
		if (r->n) {
			r->p++;
			r->n--;
		}
	}
	return v;
}

static const uint8_t *take_bytes(struct rd *r, size_t *n)
{
	const uint8_t *p = r->p;

	if (*n > r->n)
		*n = r->n;
	r->p += *n;
	r->n -= *n;
	return p;
}

static int conn_h;
static uint64_t now;

static void peer_segment(struct rd *r, const struct vx_tcp_conn *c)
{
	uint8_t seg[20 + 40 + 255];
	int16_t ds = (int16_t)take(r, 2), da = (int16_t)take(r, 2);
	uint8_t flags = (uint8_t)take(r, 1);
	uint16_t wnd = (uint16_t)take(r, 2);
	size_t optlen = (take(r, 1) % 11) * 4, n;
	const uint8_t *opt = take_bytes(r, &optlen);
	const uint8_t *d;
	uint8_t ts[12] = {1, 1, 8, 10};

	optlen &= ~(size_t)3;
	if (optlen == 0 && (c->flags & F_TS)) {
		/* A timestamp near the one last seen, as that peer must send. */
		tcp_put32(ts + 4, c->ts_recent + (uint32_t)(int32_t)(int8_t)take(r, 1));
		opt = ts;
		optlen = sizeof(ts);
	}
	n = take(r, 1);
	d = take_bytes(r, &n);
	n = craft(seg, c->raddr, c->rport, c->lport, c->rcv_nxt + (uint32_t)(int32_t)ds,
		  c->snd_una + (uint32_t)(int32_t)da, flags, wnd, opt, optlen, d, n);
	vx_tcp_input(&t, c->raddr, me, seg, n, now);
}

static void raw_segment(struct rd *r)
{
	uint8_t seg[256];
	size_t n = take(r, 1);
	const uint8_t *d = take_bytes(r, &n);
	const uint8_t *src = (n && (d[0] & 2)) ? peer : (const uint8_t[]){192, 168, 1, 1};

	memcpy(seg, d, n);
	if (n >= 20 && (d[0] & 1)) {
		seg[16] = seg[17] = 0;
		tcp_put16(seg + 16, vx_cksum_fold(vx_cksum_add(
					vx_cksum_pseudo4(src, me, 6, (uint16_t)n), seg, n)));
	}
	vx_tcp_input(&t, src, me, seg, n, now);
}

static void setup(void)
{
	struct vx_tcp_config cfg;
	uint8_t seg[64];
	const uint8_t opt[8] = {2, 4, 5, 0xb4, 1, 3, 3, 7};
	size_t n;

	memset(&cfg, 0, sizeof(cfg));
	given = NULL;
	asks = 0;
	cfg.output = output;
	cfg.segment = segment;
	cfg.event = event;
	cfg.msl_ns = 2 * VX_TCP_SEC;
	cfg.isn_key[3] = 9;
	now = 1000;
	CHECK(vx_tcp_init(&t, &cfg, now) == VX_OK);
	CHECK(vx_tcp_listen(&t, me, 80, 4) == VX_TCP_LISTENER_BASE);
	conn_h = vx_tcp_connect(&t, me, peer, 5000, now);
	CHECK(conn_h >= 0);
	n = craft(seg, peer, 5000, t.conn[conn_h].lport, 777, t.conn[conn_h].iss + 1,
		  VX_TCP_SYN | VX_TCP_ACK, 65535, opt, sizeof(opt), NULL, 0);
	vx_tcp_input(&t, peer, me, seg, n, now);
	CHECK(vx_tcp_state(&t, conn_h) == VX_TCP_ESTABLISHED);
}

static void op(struct rd *r)
{
	uint8_t code = (uint8_t)take(r, 1);
	int h, rc;
	size_t n;

	switch (code % 9) {
	case 0:
		h = (code & 0x80) ? (int)(take(r, 1) % VX_TCP_MAX_CONNS) : conn_h;
		if (t.conn[h].state != VX_TCP_CLOSED)
			peer_segment(r, &t.conn[h]);
		break;
	case 1:
		raw_segment(r);
		break;
	case 2:
		now += (uint64_t)take(r, 2) * VX_TCP_MS;
		vx_tcp_tick(&t, now);
		break;
	case 3:
		n = take(r, 2);
		/* send, or queue (pushed later, or by an ACK or timer) */
		rc = (code & 0x80) ? vx_tcp_queue(&t, conn_h, io, n, now)
				   : vx_tcp_send(&t, conn_h, io, n, now);
		if (code & 0x40)
			vx_tcp_push(&t, conn_h, now);
		CHECK(rc <= (int)n &&
		      (rc >= 0 || rc == VX_E_STATE || rc == VX_E_BADHANDLE || rc == VX_E_RESET ||
		       rc == VX_E_REFUSED || rc == VX_E_UNREACH || rc == VX_E_TIMEOUT ||
		       rc == VX_E_NOTFOUND || rc == VX_E_BUSY || rc == VX_E_CORRUPT));
		if (rc < 0 && rc != VX_E_STATE && rc != VX_E_BADHANDLE)
			CHECK(rc == vx_tcp_error(&t, conn_h));
		break;
	case 4:
		n = take(r, 2);
		rc = vx_tcp_recv(&t, conn_h, io, n, now);
		CHECK(rc <= (int)n);
		break;
	case 5:
		rc = (int)take(r, 1);
		h = (int)take(r, 1) % (VX_TCP_MAX_CONNS + VX_TCP_MAX_LISTENERS);
		if (rc % 3 == 0)
			vx_tcp_shutdown(&t, h, now);
		else if (rc % 3 == 1)
			vx_tcp_close(&t, h, now);
		else
			vx_tcp_abort(&t, h, now);
		break;
	case 6: {
		uint8_t q[8], type = (uint8_t)take(r, 1), codev = (uint8_t)take(r, 1);
		uint16_t mtu = (uint16_t)take(r, 2);
		for (int i = 0; i < 8; i++)
			q[i] = (uint8_t)take(r, 1);
		if (q[0] & 0x80) { /* make it quote the connection */
			tcp_put16(q, t.conn[conn_h].lport);
			tcp_put16(q + 2, 5000);
			tcp_put32(q + 4, t.conn[conn_h].snd_una);
		}
		vx_tcp_icmp_error(&t, me, peer, type, codev, mtu, q, 8, now);
		break;
	}
	case 7: {
		uint8_t seg[64], src[4] = {10, 1, 0, 0}, ts[12] = {1, 1, 8, 10, 0, 0, 0, 9};
		uint32_t seq;
		src[3] = (uint8_t)take(r, 1);
		seq = take(r, 4);
		/* An odd source offers timestamps. */
		n = craft(seg, src, (uint16_t)(1024 + src[3]), 80, seq, 0, VX_TCP_SYN, 8192, ts,
			  (src[3] & 1) ? sizeof(ts) : 0, NULL, 0);
		vx_tcp_input(&t, src, me, seg, n, now);
		break;
	}
	case 8:
		h = vx_tcp_accept(&t, VX_TCP_LISTENER_BASE);
		CHECK(h == VX_E_EMPTY || h == VX_E_BADHANDLE || (h >= 0 && h < VX_TCP_MAX_CONNS));
		if (h < 0 && (take(r, 1) & 1))
			vx_tcp_connect(&t, me, peer, 5001, now);
		break;
	}
	check();
	CHECK(vx_tcp_next_deadline(&t) == VX_TCP_NEVER || vx_tcp_next_deadline(&t) > 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd r = {data, size};
	int steps = 0;

	setup();
	while (r.n && steps++ < 2000)
		op(&r);
	/* Let every timer run out: everything must end. */
	for (int i = 0; i < 200 && vx_tcp_next_deadline(&t) != VX_TCP_NEVER; i++) {
		now = vx_tcp_next_deadline(&t) > now ? vx_tcp_next_deadline(&t) : now + 1;
		vx_tcp_tick(&t, now);
		check();
	}
	return 0;
}
