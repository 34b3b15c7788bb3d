/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The frame protocol's decoder (services/virtio-net/pure_netif.c): a good
 * request of each kind, then every refusal netif.h names, each alone, and
 * the order of two faults at once.  Nothing a refusal sees may change.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <vectra/abi.h>
#include "../../services/virtio-net/pure_netif.h"

static struct vx_cap_info mem(uint32_t rights, uint64_t size)
{
	struct vx_cap_info ci = {.type = VX_OBJ_MEM, .rights = rights, .size = size};
	return ci;
}

static int pools(struct netif_pools p, uint32_t ncaps, const struct vx_cap_info *rx,
		 const struct vx_cap_info *tx)
{
	struct netif_pools out;
	return nf_decode_pools(&p, sizeof(p), ncaps, rx, tx, &out);
}

static void test_pools(void **state)
{
	struct netif_pools p = {.rx_count = 32, .tx_count = 16};
	struct vx_cap_info rx = mem(VX_R_WRITE, 64 << 10), tx = mem(VX_R_READ, 32 << 10);
	struct vx_cap_info ring = {.type = VX_OBJ_RING, .rights = VX_R_WRITE, .size = 1 << 20};
	struct vx_cap_info ro = mem(VX_R_READ, 64 << 10), small = mem(VX_R_WRITE, 4096);
	struct vx_cap_info huge = mem(VX_R_WRITE, 4 << 20);
	struct netif_pools out;
	(void)state;
	assert_int_equal(pools(p, 2, &rx, &tx), VX_OK);
	assert_int_equal(nf_decode_pools(&p, sizeof(p) - 1, 2, &rx, &tx, &out), VX_E_INVAL);
	assert_int_equal(pools(p, 1, &rx, &tx), VX_E_INVAL);
	assert_int_equal(pools(p, 2, NULL, &tx), VX_E_TYPE);
	assert_int_equal(pools(p, 2, &ring, &tx), VX_E_TYPE);
	assert_int_equal(pools(p, 2, &ro, &tx), VX_E_RIGHTS);
	struct vx_cap_info small_tx = mem(VX_R_READ, 4096);
	assert_int_equal(pools(p, 2, &rx, &small_tx), VX_E_RANGE);
	assert_int_equal(pools(p, 2, &small, &tx), VX_E_RANGE);
	assert_int_equal(pools(p, 2, &huge, &tx), VX_E_TOOBIG);
	struct netif_pools q = p;
	q.rx_count = 0;
	assert_int_equal(pools(q, 2, &rx, &tx), VX_E_INVAL);
	q.rx_count = NETIF_RX_MAX + 1;
	assert_int_equal(pools(q, 2, &rx, &tx), VX_E_TOOBIG);
	q = p;
	q.held[5] = 1; /* buffer 40: past the 32 */
	assert_int_equal(pools(q, 2, &rx, &tx), VX_E_INVAL);
	q = p;
	q.held[0] = 0x81; /* buffers 0 and 7: the client still reads them */
	assert_int_equal(pools(q, 2, &rx, &tx), VX_OK);
	/* two faults: the malformed message is named first */
	assert_int_equal(pools(p, 1, &ro, &tx), VX_E_INVAL);
}

static void test_recv(void **state)
{
	static struct nf_pools p;
	struct netif_recv r = {.wait_ms = 500};
	struct netif_return back;
	uint32_t w = 0;
	(void)state;
	assert_int_equal(nf_decode_recv(&p, &r, sizeof(r), 0, &w, &back), VX_OK);
	assert_int_equal(w, 500);
	assert_int_equal(back.count, 0);
	assert_int_equal(nf_decode_recv(&p, &r, 4, 0, &w, &back), VX_E_INVAL);
	assert_int_equal(nf_decode_recv(&p, &r, sizeof(r), 1, &w, &back), VX_E_INVAL);
	r.wait_ms = NETIF_WAIT_MAX_MS + 1;
	assert_int_equal(nf_decode_recv(&p, &r, sizeof(r), 0, &w, &back), VX_E_TOOBIG);
	r.wait_ms = 0;
	r.reserved = 1;
	assert_int_equal(nf_decode_recv(&p, &r, sizeof(r), 0, &w, &back), VX_E_INVAL);
}

/* NETIF_RECV giving buffers back: the list after the struct, checked as
 * NETIF_RETURN's is. */
static void test_recv_back(void **state)
{
	static struct nf_pools p;
	uint8_t msg[240] = {0}; /* a vx_msg's data (rt/svc.h) */
	struct netif_recv r = {.wait_ms = 20, .count = 2};
	struct netif_return back;
	uint16_t bufs[2] = {3, 4};
	uint32_t w = 0, len = sizeof(r) + sizeof(bufs);
	(void)state;
	memcpy(msg, &r, sizeof(r));
	memcpy(msg + sizeof(r), bufs, sizeof(bufs));
	assert_int_equal(nf_decode_recv(&p, msg, len, 0, &w, &back), VX_E_STATE); /* no pools */
	p.rx_count = 8;
	p.client_has[3] = p.client_has[4] = true;
	assert_int_equal(nf_decode_recv(&p, msg, len, 0, &w, &back), VX_OK);
	assert_int_equal(w, 20);
	assert_int_equal(back.count, 2);
	assert_int_equal(back.buf[0], 3);
	assert_int_equal(back.buf[1], 4);
	assert_int_equal(nf_decode_recv(&p, msg, len - 2, 0, &w, &back), VX_E_INVAL); /* short */
	assert_int_equal(nf_decode_recv(&p, msg, len + 2, 0, &w, &back), VX_E_INVAL); /* long */
	bufs[1] = 8;
	memcpy(msg + sizeof(r), bufs, sizeof(bufs));
	assert_int_equal(nf_decode_recv(&p, msg, len, 0, &w, &back), VX_E_RANGE);
	bufs[1] = 5; /* the driver's */
	memcpy(msg + sizeof(r), bufs, sizeof(bufs));
	assert_int_equal(nf_decode_recv(&p, msg, len, 0, &w, &back), VX_E_STATE);
	bufs[1] = 3; /* listed twice */
	memcpy(msg + sizeof(r), bufs, sizeof(bufs));
	assert_int_equal(nf_decode_recv(&p, msg, len, 0, &w, &back), VX_E_STATE);
	r.count = NETIF_RETURN_MAX + 1;
	memcpy(msg, &r, sizeof(r));
	assert_int_equal(nf_decode_recv(&p, msg, sizeof(msg), 0, &w, &back), VX_E_INVAL);
	r.count = NETIF_RETURN_MAX; /* the most a message holds */
	r.wait_ms = NETIF_WAIT_MAX_MS + 1;
	memcpy(msg, &r, sizeof(r));
	assert_int_equal(sizeof(r) + 2u * NETIF_RETURN_MAX, sizeof(msg));
	assert_int_equal(nf_decode_recv(&p, msg, sizeof(msg), 0, &w, &back), VX_E_TOOBIG);
	/* nothing a refusal looked at changed */
	assert_true(p.client_has[3] && p.client_has[4] && !p.client_has[5]);
}

static void test_return(void **state)
{
	static struct nf_pools p;
	struct netif_return r = {.count = 2, .buf = {3, 4}}, out;
	(void)state;
	assert_int_equal(nf_decode_return(&p, &r, 8, 0, &out), VX_E_STATE); /* no pools */
	p.rx_count = 8;
	p.client_has[3] = p.client_has[4] = true;
	assert_int_equal(nf_decode_return(&p, &r, 8, 0, &out), VX_OK);
	assert_int_equal(out.count, 2);
	assert_int_equal(nf_decode_return(&p, &r, 6, 0, &out), VX_E_INVAL); /* truncated */
	assert_int_equal(nf_decode_return(&p, &r, 2, 0, &out), VX_E_INVAL);
	assert_int_equal(nf_decode_return(&p, &r, 8, 1, &out), VX_E_INVAL);
	r.buf[1] = 8;
	assert_int_equal(nf_decode_return(&p, &r, 8, 0, &out), VX_E_RANGE);
	r.buf[1] = 5; /* the driver's */
	assert_int_equal(nf_decode_return(&p, &r, 8, 0, &out), VX_E_STATE);
	r.buf[1] = 3; /* listed twice */
	assert_int_equal(nf_decode_return(&p, &r, 8, 0, &out), VX_E_STATE);
	r.buf[1] = 4;
	r.count = 0;
	assert_int_equal(nf_decode_return(&p, &r, 4, 0, &out), VX_E_INVAL);
	r.count = NETIF_RETURN_MAX + 1;
	assert_int_equal(nf_decode_return(&p, &r, sizeof(r), 0, &out), VX_E_INVAL);
	/* nothing a refusal looked at changed */
	assert_true(p.client_has[3] && p.client_has[4] && !p.client_has[5]);
}

static void test_tx(void **state)
{
	static struct nf_pools p;
	struct netif_tx t = {.buf = 1, .len = 60}, out;
	(void)state;
	assert_int_equal(nf_decode_tx(&p, &t, sizeof(t), 0, &out), VX_E_STATE); /* no pools */
	p.tx_count = 4;
	assert_int_equal(nf_decode_tx(&p, &t, sizeof(t), 0, &out), VX_OK);
	assert_int_equal(nf_decode_tx(&p, &t, 5, 0, &out), VX_E_INVAL);
	assert_int_equal(nf_decode_tx(&p, &t, sizeof(t), 1, &out), VX_E_INVAL);
	struct netif_tx u = t;
	u.buf = 4;
	assert_int_equal(nf_decode_tx(&p, &u, sizeof(u), 0, &out), VX_E_RANGE);
	u = t, u.len = NETIF_FRAME_MAX + 1;
	assert_int_equal(nf_decode_tx(&p, &u, sizeof(u), 0, &out), VX_E_TOOBIG);
	u = t, u.len = NETIF_FRAME_MIN - 1;
	assert_int_equal(nf_decode_tx(&p, &u, sizeof(u), 0, &out), VX_E_INVAL);
	u = t, u.flags = 4;
	assert_int_equal(nf_decode_tx(&p, &u, sizeof(u), 0, &out), VX_E_INVAL);
	u = t, u.flags = NETIF_TX_LAZY; /* needs no feature */
	assert_int_equal(nf_decode_tx(&p, &u, sizeof(u), 0, &out), VX_OK);
	assert_int_equal(out.flags, NETIF_TX_LAZY);
	u.csum_start = 14; /* checksum fields without NETIF_TX_CSUM */
	assert_int_equal(nf_decode_tx(&p, &u, sizeof(u), 0, &out), VX_E_INVAL);
	u = t, u.csum_start = 14; /* checksum fields without the flag */
	assert_int_equal(nf_decode_tx(&p, &u, sizeof(u), 0, &out), VX_E_INVAL);
	u = t, u.flags = NETIF_TX_CSUM, u.csum_start = 34, u.csum_offset = 6;
	assert_int_equal(nf_decode_tx(&p, &u, sizeof(u), 0, &out), VX_E_NOSYS);
	p.features = NETIF_FEAT_TX_CSUM;
	assert_int_equal(nf_decode_tx(&p, &u, sizeof(u), 0, &out), VX_OK);
	u.csum_offset = 25; /* 34 + 25 + 2 > 60 */
	assert_int_equal(nf_decode_tx(&p, &u, sizeof(u), 0, &out), VX_E_RANGE);
	u.csum_start = 0xffff, u.csum_offset = 0xffff; /* no wrap */
	assert_int_equal(nf_decode_tx(&p, &u, sizeof(u), 0, &out), VX_E_RANGE);
	p.tx_inflight[1] = true;
	assert_int_equal(nf_decode_tx(&p, &t, sizeof(t), 0, &out), VX_E_BUSY);
	u = t, u.buf = 9; /* two faults: the index is named before the buffer's state */
	assert_int_equal(nf_decode_tx(&p, &u, sizeof(u), 0, &out), VX_E_RANGE);
}

/* A NETIF_TXV of n entries, frames of 60 bytes in buffers first.. */
static uint32_t txv(struct netif_txv *v, uint32_t n, uint16_t first)
{
	memset(v, 0, sizeof(*v));
	v->count = (uint16_t)n;
	for (uint32_t i = 0; i < n && i < NETIF_TX_BATCH; i++) {
		v->tx[i].buf = (uint16_t)(first + i);
		v->tx[i].len = 60;
		v->tx[i].flags = NETIF_TX_LAZY;
	}
	return 4u + 12u * (n < NETIF_TX_BATCH ? n : NETIF_TX_BATCH);
}

static void test_txv(void **state)
{
	static struct nf_pools p;
	struct netif_txv v, out;
	uint32_t len = txv(&v, 3, 1);
	(void)state;
	assert_int_equal(nf_decode_txv(&p, &v, len, 0, &out), VX_E_STATE); /* no pools */
	p.tx_count = 32;
	assert_int_equal(nf_decode_txv(&p, &v, len, 0, &out), VX_OK);
	assert_int_equal(out.count, 3);
	assert_int_equal(out.tx[2].buf, 3);
	assert_int_equal(out.tx[2].len, 60);
	/* the most a message holds, all in one */
	len = txv(&v, NETIF_TX_BATCH, 0);
	assert_int_equal(len, sizeof(v));
	assert_int_equal(nf_decode_txv(&p, &v, len, 0, &out), VX_OK);
	assert_int_equal(out.count, NETIF_TX_BATCH);
	/* the message itself */
	len = txv(&v, 0, 0);
	assert_int_equal(nf_decode_txv(&p, &v, len, 0, &out), VX_E_INVAL); /* count 0 */
	len = txv(&v, NETIF_TX_BATCH, 0);
	v.count = NETIF_TX_BATCH + 1; /* more than fit */
	assert_int_equal(nf_decode_txv(&p, &v, len, 0, &out), VX_E_TOOBIG);
	v.count = 0xffff;
	assert_int_equal(nf_decode_txv(&p, &v, len, 0, &out), VX_E_TOOBIG);
	len = txv(&v, 3, 1);
	assert_int_equal(nf_decode_txv(&p, &v, len - 12, 0, &out), VX_E_INVAL); /* len short */
	assert_int_equal(nf_decode_txv(&p, &v, len + 12, 0, &out), VX_E_INVAL); /* len long */
	assert_int_equal(nf_decode_txv(&p, &v, len - 1, 0, &out), VX_E_INVAL);
	assert_int_equal(nf_decode_txv(&p, &v, 3, 0, &out), VX_E_INVAL); /* no header */
	assert_int_equal(nf_decode_txv(&p, &v, sizeof(v) + 1, 0, &out), VX_E_INVAL);
	assert_int_equal(nf_decode_txv(&p, &v, len, 1, &out), VX_E_INVAL); /* a capability */
	v.reserved = 1;
	assert_int_equal(nf_decode_txv(&p, &v, len, 0, &out), VX_E_INVAL);
	/* a bad entry in the middle refuses the whole message, as NETIF_TX would */
	len = txv(&v, 5, 1);
	v.tx[2].buf = 32;
	assert_int_equal(nf_decode_txv(&p, &v, len, 0, &out), VX_E_RANGE);
	len = txv(&v, 5, 1);
	v.tx[2].len = NETIF_FRAME_MAX + 1;
	assert_int_equal(nf_decode_txv(&p, &v, len, 0, &out), VX_E_TOOBIG);
	len = txv(&v, 5, 1);
	v.tx[2].len = NETIF_FRAME_MIN - 1;
	assert_int_equal(nf_decode_txv(&p, &v, len, 0, &out), VX_E_INVAL);
	len = txv(&v, 5, 1);
	v.tx[2].reserved = 1;
	assert_int_equal(nf_decode_txv(&p, &v, len, 0, &out), VX_E_INVAL);
	len = txv(&v, 5, 1);
	v.tx[2].flags = 4;
	assert_int_equal(nf_decode_txv(&p, &v, len, 0, &out), VX_E_INVAL);
	len = txv(&v, 5, 1);
	v.tx[2].csum_offset = 6; /* checksum fields without the flag */
	assert_int_equal(nf_decode_txv(&p, &v, len, 0, &out), VX_E_INVAL);
	len = txv(&v, 5, 1);
	v.tx[2].flags = NETIF_TX_CSUM, v.tx[2].csum_start = 34, v.tx[2].csum_offset = 6;
	assert_int_equal(nf_decode_txv(&p, &v, len, 0, &out), VX_E_NOSYS);
	p.features = NETIF_FEAT_TX_CSUM;
	assert_int_equal(nf_decode_txv(&p, &v, len, 0, &out), VX_OK);
	v.tx[2].csum_offset = 25; /* 34 + 25 + 2 > 60 */
	assert_int_equal(nf_decode_txv(&p, &v, len, 0, &out), VX_E_RANGE);
	/* one buffer twice in a message: the second is in flight by then */
	len = txv(&v, 5, 1);
	v.tx[3].buf = v.tx[1].buf;
	assert_int_equal(nf_decode_txv(&p, &v, len, 0, &out), VX_E_BUSY);
	v.tx[3].buf = v.tx[4].buf; /* also last with last-but-one */
	assert_int_equal(nf_decode_txv(&p, &v, len, 0, &out), VX_E_BUSY);
	/* a buffer whose TX is in flight, in the middle */
	len = txv(&v, 5, 1);
	p.tx_inflight[3] = true;
	assert_int_equal(nf_decode_txv(&p, &v, len, 0, &out), VX_E_BUSY);
	/* two faults: the first in entry order is named */
	v.tx[4].buf = 99;
	assert_int_equal(nf_decode_txv(&p, &v, len, 0, &out), VX_E_BUSY);
	v.tx[0].len = NETIF_FRAME_MAX + 1;
	assert_int_equal(nf_decode_txv(&p, &v, len, 0, &out), VX_E_TOOBIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pools),     cmocka_unit_test(test_recv),
	    cmocka_unit_test(test_recv_back), cmocka_unit_test(test_return),
	    cmocka_unit_test(test_tx),	      cmocka_unit_test(test_txv),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
