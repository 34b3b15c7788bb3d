/* SPDX-License-Identifier: BSD-3-Clause */
/* The frame protocol's decoder: see pure_netif.h. */
#include "pure_netif.h"
#include "vx_string.h"

/* A pool's capability: a MemCap with the right its direction needs, big
 * enough for its buffers and no bigger than one IoSpace window. */
static int check_pool(const struct vx_cap_info *ci, uint32_t right, uint32_t count)
{
	if (!ci || ci->type != VX_OBJ_MEM)
		return VX_E_TYPE;
	if (!(ci->rights & right))
		return VX_E_RIGHTS;
	if (ci->size > NETIF_POOL_MAX)
		return VX_E_TOOBIG;
	if (ci->size < (uint64_t)count * NETIF_BUF_SIZE)
		return VX_E_RANGE;
	return VX_OK;
}

int nf_decode_pools(const void *data, uint32_t len, uint32_t ncaps, const struct vx_cap_info *rx,
		    const struct vx_cap_info *tx, struct netif_pools *out)
{
	int rc;

	if (len != sizeof(*out) || ncaps != 2)
		return VX_E_INVAL;
	memcpy(out, data, sizeof(*out));
	if (out->rx_count == 0 || out->tx_count == 0)
		return VX_E_INVAL;
	for (uint32_t i = out->rx_count; i < NETIF_RX_MAX; i++)
		if (out->held[i / 8] & (1u << (i % 8)))
			return VX_E_INVAL; /* a held buffer past the pool */
	if (out->rx_count > NETIF_RX_MAX || out->tx_count > NETIF_TX_MAX)
		return VX_E_TOOBIG;
	if ((rc = check_pool(rx, VX_R_WRITE, out->rx_count)) != VX_OK)
		return rc;
	return check_pool(tx, VX_R_READ, out->tx_count);
}

/* A list of RX buffers given back: each in the pool, the client's, once. */
static int check_back(const struct nf_pools *p, const struct netif_return *r)
{
	bool seen[NETIF_RX_MAX] = {false};

	if (p->rx_count == 0)
		return VX_E_STATE;
	for (uint32_t i = 0; i < r->count; i++)
		if (r->buf[i] >= p->rx_count)
			return VX_E_RANGE;
	for (uint32_t i = 0; i < r->count; i++) {
		uint16_t b = r->buf[i];
		if (!p->client_has[b] || seen[b])
			return VX_E_STATE; /* not the client's, or listed twice */
		seen[b] = true;
	}
	return VX_OK;
}

int nf_decode_recv(const struct nf_pools *p, const void *data, uint32_t len, uint32_t ncaps,
		   uint32_t *wait_ms, struct netif_return *back)
{
	struct netif_recv r;
	int rc;

	if (len < sizeof(r) || ncaps != 0)
		return VX_E_INVAL;
	memcpy(&r, data, sizeof(r));
	if (r.reserved != 0 || r.count > NETIF_RETURN_MAX || len != sizeof(r) + 2u * r.count)
		return VX_E_INVAL;
	if (r.wait_ms > NETIF_WAIT_MAX_MS)
		return VX_E_TOOBIG;
	memset(back, 0, sizeof(*back));
	back->count = r.count;
	memcpy(back->buf, (const uint8_t *)data + sizeof(r), 2u * r.count);
	if (r.count > 0 && (rc = check_back(p, back)) != VX_OK)
		return rc;
	*wait_ms = r.wait_ms;
	return VX_OK;
}

int nf_decode_return(const struct nf_pools *p, const void *data, uint32_t len, uint32_t ncaps,
		     struct netif_return *out)
{
	if (len < 4 || len > sizeof(*out) || ncaps != 0)
		return VX_E_INVAL;
	memset(out, 0, sizeof(*out));
	memcpy(out, data, len);
	if (out->count == 0 || out->count > NETIF_RETURN_MAX || len != 4u + 2u * out->count ||
	    out->reserved != 0)
		return VX_E_INVAL;
	return check_back(p, out);
}

/* One frame to send, as NETIF_TX names it or as one entry of a NETIF_TXV. */
static int check_tx(const struct nf_pools *p, const struct netif_tx *t)
{
	if (t->reserved != 0 || (t->flags & ~(NETIF_TX_CSUM | NETIF_TX_LAZY)) ||
	    (!(t->flags & NETIF_TX_CSUM) && (t->csum_start || t->csum_offset)))
		return VX_E_INVAL;
	if ((t->flags & NETIF_TX_CSUM) && !(p->features & NETIF_FEAT_TX_CSUM))
		return VX_E_NOSYS;
	if (t->len < NETIF_FRAME_MIN)
		return VX_E_INVAL;
	if (t->len > NETIF_FRAME_MAX)
		return VX_E_TOOBIG;
	if (p->tx_count == 0)
		return VX_E_STATE;
	if (t->buf >= p->tx_count)
		return VX_E_RANGE;
	if ((t->flags & NETIF_TX_CSUM) && (uint32_t)t->csum_start + t->csum_offset + 2u > t->len)
		return VX_E_RANGE;
	if (p->tx_inflight[t->buf])
		return VX_E_BUSY;
	return VX_OK;
}

int nf_decode_tx(const struct nf_pools *p, const void *data, uint32_t len, uint32_t ncaps,
		 struct netif_tx *out)
{
	if (len != sizeof(*out) || ncaps != 0)
		return VX_E_INVAL;
	memcpy(out, data, sizeof(*out));
	return check_tx(p, out);
}

int nf_decode_txv(const struct nf_pools *p, const void *data, uint32_t len, uint32_t ncaps,
		  struct netif_txv *out)
{
	bool seen[NETIF_TX_MAX] = {false};
	int rc;

	if (len < 4 || len > sizeof(*out) || ncaps != 0)
		return VX_E_INVAL;
	memset(out, 0, sizeof(*out));
	memcpy(out, data, len);
	if (out->count == 0 || out->reserved != 0)
		return VX_E_INVAL;
	if (out->count > NETIF_TX_BATCH)
		return VX_E_TOOBIG;
	if (len != 4u + sizeof(out->tx[0]) * out->count)
		return VX_E_INVAL;
	for (uint32_t i = 0; i < out->count; i++) {
		const struct netif_tx *t = &out->tx[i];
		if ((rc = check_tx(p, t)) != VX_OK)
			return rc;
		if (seen[t->buf])
			return VX_E_BUSY; /* in flight by the time this entry would go */
		seen[t->buf] = true;
	}
	return VX_OK;
}
