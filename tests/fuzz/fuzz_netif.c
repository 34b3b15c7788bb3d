/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the frame protocol's decoder
 * (services/virtio-net/pure_netif.h), run as a conversation: the driver's
 * record of who holds which buffer is kept here and changed only as the
 * driver changes it after a request passed.  The input is a sequence of
 * steps, each:
 *
 *   1 byte    what: 0 POOLS, 1 RECV, 2 RETURN, 3 TX, 4 the device hands
 *             the client an RX buffer, 5 the device finishes a TX, 6 TXV
 *   1 byte    ncaps (POOLS: bit 7 set, both caps arrive)
 *   2x(4+4+8) POOLS only: each capability's type, rights, size
 *   1 byte    the message's len
 *   the rest  its data (len bytes, zero-padded)
 *
 * Invariants: every answer is VX_OK or an error netif.h lists for the op;
 * what passes is inside the pools: a RETURN, and a RECV that gives
 * buffers back, list only buffers the client holds, each once; a TX names a buffer of the pool not
 * in flight, a frame of NETIF_FRAME_MIN..NETIF_FRAME_MAX bytes and, with NETIF_TX_CSUM, a checksum
 * field inside it, offered by the device; a TXV passes only when every entry would pass as a TX,
 * with 1..NETIF_TX_BATCH entries, no buffer twice, and its len exactly theirs; POOLS passes only
 * with two MemCaps of the right rights and sizes.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../services/virtio-net/pure_netif.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MSG_DATA 240u /* a vx_msg's data (rt/svc.h) */

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

static uint64_t take(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static bool one_of(int rc, const int *ok, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (rc == ok[i])
			return true;
	return false;
}

static void pools(struct nf_pools *p, uint32_t ncaps, const struct vx_cap_info ci[2],
		  const uint8_t *msg, uint32_t len)
{
	static const int ok[] = {VX_OK,	      VX_E_INVAL, VX_E_TYPE,
				 VX_E_RIGHTS, VX_E_RANGE, VX_E_TOOBIG};
	struct netif_pools out;
	int rc = nf_decode_pools(msg, len, ncaps & 0x7f, (ncaps & 0x80) ? &ci[0] : NULL,
				 (ncaps & 0x80) ? &ci[1] : NULL, &out);

	CHECK(one_of(rc, ok, sizeof(ok) / sizeof(ok[0])));
	if (rc != VX_OK)
		return;
	CHECK(ci[0].type == VX_OBJ_MEM && (ci[0].rights & VX_R_WRITE));
	CHECK(ci[1].type == VX_OBJ_MEM && (ci[1].rights & VX_R_READ));
	CHECK(out.rx_count >= 1 && out.rx_count <= NETIF_RX_MAX);
	CHECK(out.tx_count >= 1 && out.tx_count <= NETIF_TX_MAX);
	CHECK(ci[0].size >= (uint64_t)out.rx_count * NETIF_BUF_SIZE &&
	      ci[0].size <= NETIF_POOL_MAX);
	CHECK(ci[1].size >= (uint64_t)out.tx_count * NETIF_BUF_SIZE &&
	      ci[1].size <= NETIF_POOL_MAX);
	/* the driver takes them (a second POOLS it refuses before decoding) */
	uint32_t features = p->features;
	memset(p, 0, sizeof(*p));
	p->features = features;
	p->rx_count = out.rx_count;
	p->tx_count = out.tx_count;
	for (uint32_t i = 0; i < out.rx_count; i++)
		p->client_has[i] = (out.held[i / 8] >> (i % 8)) & 1;
}

static void recv(struct nf_pools *p, uint32_t ncaps, const uint8_t *msg, uint32_t len)
{
	static const int ok[] = {VX_OK, VX_E_INVAL, VX_E_TOOBIG, VX_E_RANGE, VX_E_STATE};
	struct netif_return back;
	bool seen[NETIF_RX_MAX] = {false};
	uint32_t w;
	int rc = nf_decode_recv(p, msg, len, ncaps, &w, &back);

	CHECK(one_of(rc, ok, sizeof(ok) / sizeof(ok[0])));
	if (rc != VX_OK)
		return;
	CHECK(w <= NETIF_WAIT_MAX_MS);
	CHECK(back.count <= NETIF_RETURN_MAX && len == sizeof(struct netif_recv) + 2u * back.count);
	for (uint32_t i = 0; i < back.count; i++) {
		CHECK(back.buf[i] < p->rx_count && p->client_has[back.buf[i]] &&
		      !seen[back.buf[i]]);
		seen[back.buf[i]] = true;
	}
	for (uint32_t i = 0; i < back.count; i++)
		p->client_has[back.buf[i]] = false;
}

static void ret(struct nf_pools *p, uint32_t ncaps, const uint8_t *msg, uint32_t len)
{
	static const int ok[] = {VX_OK, VX_E_INVAL, VX_E_RANGE, VX_E_STATE};
	struct netif_return out;
	bool seen[NETIF_RX_MAX] = {false};
	int rc = nf_decode_return(p, msg, len, ncaps, &out);

	CHECK(one_of(rc, ok, sizeof(ok) / sizeof(ok[0])));
	if (rc != VX_OK)
		return;
	CHECK(out.count >= 1 && out.count <= NETIF_RETURN_MAX && len == 4u + 2u * out.count);
	for (uint32_t i = 0; i < out.count; i++) {
		CHECK(out.buf[i] < p->rx_count && p->client_has[out.buf[i]] && !seen[out.buf[i]]);
		seen[out.buf[i]] = true;
	}
	for (uint32_t i = 0; i < out.count; i++)
		p->client_has[out.buf[i]] = false;
}

/* One frame the decoder let through, against the pools as they were. */
static void tx_ok(const struct nf_pools *p, const struct netif_tx *t)
{
	CHECK(t->buf < p->tx_count && !p->tx_inflight[t->buf]);
	CHECK(t->len >= NETIF_FRAME_MIN && t->len <= NETIF_FRAME_MAX);
	CHECK(NETIF_FRAME_OFF + t->len <= NETIF_BUF_SIZE);
	CHECK(t->reserved == 0);
	if (t->flags & NETIF_TX_CSUM)
		CHECK((p->features & NETIF_FEAT_TX_CSUM) &&
		      (uint32_t)t->csum_start + t->csum_offset + 2 <= t->len);
	else
		CHECK((t->flags & ~NETIF_TX_LAZY) == 0 && t->csum_start == 0 &&
		      t->csum_offset == 0);
}

static const int tx_errors[] = {VX_OK,	    VX_E_INVAL, VX_E_NOSYS, VX_E_TOOBIG,
				VX_E_RANGE, VX_E_STATE, VX_E_BUSY};

static void tx(struct nf_pools *p, uint32_t ncaps, const uint8_t *msg, uint32_t len)
{
	struct netif_tx t;
	int rc = nf_decode_tx(p, msg, len, ncaps, &t);

	CHECK(one_of(rc, tx_errors, sizeof(tx_errors) / sizeof(tx_errors[0])));
	if (rc != VX_OK)
		return;
	tx_ok(p, &t);
	p->tx_inflight[t.buf] = true;
}

/* A batch: it passes only if each entry, taken in turn, would have passed
 * as a NETIF_TX (so a buffer named twice fails the second time), and is
 * refused whole otherwise: the pools change only when it passes. */
static void txv(struct nf_pools *p, uint32_t ncaps, const uint8_t *msg, uint32_t len)
{
	struct netif_txv v;
	int rc = nf_decode_txv(p, msg, len, ncaps, &v);

	CHECK(one_of(rc, tx_errors, sizeof(tx_errors) / sizeof(tx_errors[0])));
	if (rc != VX_OK) {
		/* one entry's worth and no caps: an entry alone would fail too,
		 * or the message's count disagrees with its len */
		if (ncaps == 0 && len == 16) {
			struct netif_tx t;
			uint16_t count;
			memcpy(&count, msg, 2);
			if (count == 1 && msg[2] == 0 && msg[3] == 0)
				CHECK(nf_decode_tx(p, msg + 4, 12, 0, &t) == rc);
		}
		return;
	}
	CHECK(v.count >= 1 && v.count <= NETIF_TX_BATCH);
	CHECK(len == 4u + 12u * v.count && ncaps == 0);
	struct nf_pools after = *p;
	for (uint32_t i = 0; i < v.count; i++) {
		tx_ok(&after, &v.tx[i]);
		after.tx_inflight[v.tx[i].buf] = true;
	}
	*p = after;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nf_pools p;
	size_t at = 0;

	memset(&p, 0, sizeof(p));
	if (size > 0)
		p.features = data[at++] & 7u;
	while (at + 3 <= size) {
		uint8_t what = data[at] % 7, ncaps = data[at + 1];
		struct vx_cap_info ci[2];
		uint8_t msg[MSG_DATA];
		at += 2;
		memset(ci, 0, sizeof(ci));
		if (what == 0) {
			if (at + 32 > size)
				return 0;
			for (int i = 0; i < 2; i++, at += 16) {
				ci[i].type = (uint32_t)take(data + at, 4);
				ci[i].rights = (uint32_t)take(data + at + 4, 4);
				ci[i].size = take(data + at + 8, 8) & 0x7fffff;
			}
		}
		if (at >= size)
			return 0;
		uint32_t len = data[at++] % (MSG_DATA + 1);
		memset(msg, 0, sizeof(msg));
		uint32_t have = size - at < len ? (uint32_t)(size - at) : len;
		memcpy(msg, data + at, have);
		at += have;
		if (what == 0)
			pools(&p, ncaps, ci, msg, len);
		else if (what == 1)
			recv(&p, ncaps, msg, len);
		else if (what == 2)
			ret(&p, ncaps, msg, len);
		else if (what == 3)
			tx(&p, ncaps, msg, len);
		else if (what == 4 && p.rx_count) /* a frame told: the buffer is the client's */
			p.client_has[ncaps % p.rx_count] = true;
		else if (what == 5 && p.tx_count)
			p.tx_inflight[ncaps % p.tx_count] = false;
		else if (what == 6)
			txv(&p, ncaps, msg, len);
	}
	return 0;
}
