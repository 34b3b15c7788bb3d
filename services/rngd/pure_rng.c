/* SPDX-License-Identifier: BSD-3-Clause */
#include "pure_rng.h"
#include "vx_string.h"

int rng_decode(const struct vx_msg *m, struct rng_req *r)
{
	memset(r, 0, sizeof(*r));
	if (m->op < RNG_GET || m->op > RNG_SOURCE)
		return VX_E_NOSYS;
	if (m->ncaps != (m->op == RNG_SOURCE ? 1 : 0) || m->len > VX_MSG_DATA)
		return VX_E_INVAL;
	switch (m->op) {
	case RNG_GET: {
		struct rng_get g;

		if (m->len != sizeof(g))
			return VX_E_INVAL;
		memcpy(&g, m->data, sizeof(g));
		if (g.level != RNG_LEVEL_STANDARD && g.level != RNG_LEVEL_HIGH)
			return VX_E_INVAL;
		if (g.n == 0)
			return VX_E_INVAL;
		if (g.n > RNG_GET_MAX)
			return VX_E_TOOBIG;
		r->level = g.level;
		r->n = g.n;
		break;
	}
	case RNG_FEED:
		if (m->len == 0)
			return VX_E_INVAL;
		if (m->len > RNG_FEED_MAX)
			return VX_E_TOOBIG;
		r->data = m->data;
		r->len = m->len;
		break;
	default: /* RNG_STATUS, RNG_SOURCE */
		if (m->len != 0)
			return VX_E_INVAL;
		break;
	}
	r->op = m->op;
	return VX_OK;
}

void rng_ledger_init(struct rng_ledger *l)
{
	memset(l, 0, sizeof(*l));
}

int rng_source_slot(const struct rng_ledger *l, uint32_t conn)
{
	for (uint32_t s = 0; s < RNG_SOURCES_MAX; s++)
		if (l->dev[s].used && l->dev[s].conn == conn)
			return (int)s;
	return -1;
}

int rng_source_add(struct rng_ledger *l, uint32_t conn, uint32_t *id)
{
	if (rng_source_slot(l, conn) >= 0)
		return VX_E_EXISTS;
	for (uint32_t s = 0; s < RNG_SOURCES_MAX; s++) {
		if (l->dev[s].used)
			continue;
		memset(&l->dev[s], 0, sizeof(l->dev[s]));
		l->dev[s].used = true;
		l->dev[s].conn = conn;
		*id = RNG_ID_DEVICE0 + s;
		return VX_OK;
	}
	return VX_E_FULL;
}

void rng_source_drop(struct rng_ledger *l, uint32_t conn)
{
	int s = rng_source_slot(l, conn);

	if (s >= 0)
		memset(&l->dev[s], 0, sizeof(l->dev[s]));
}

uint32_t rng_device_credit_bits(uint32_t len)
{
	uint64_t bits = (uint64_t)len * RNG_DEVICE_MBITS / 1000u;

	return bits < RNG_FEED_CREDIT_MAX ? (uint32_t)bits : RNG_FEED_CREDIT_MAX;
}

void rng_feed(struct rng_ledger *l, uint32_t conn, uint32_t len, struct rng_fed *out)
{
	int s = rng_source_slot(l, conn);

	if (s < 0) {
		l->feed_bytes += len;
		out->credited_bits = 0;
		out->id = RNG_ID_FEED;
		return;
	}
	out->credited_bits = rng_device_credit_bits(len);
	out->id = RNG_ID_DEVICE0 + (uint32_t)s;
	l->dev[s].bytes += len;
	l->dev[s].credited_mbits += 1000ull * out->credited_bits;
}

void rng_polled(struct rng_ledger *l, uint32_t kind, uint32_t len, uint64_t mbits)
{
	if (kind == RNG_KIND_CPU) {
		l->cpu_bytes += len;
		l->cpu_mbits += mbits;
	} else if (kind == RNG_KIND_JITTER) {
		l->jitter_bytes += len;
		l->jitter_mbits += mbits;
	}
}

static uint32_t bits32(uint64_t mbits)
{
	uint64_t bits = mbits / 1000u;

	return bits > UINT32_MAX ? UINT32_MAX : (uint32_t)bits;
}

static uint32_t high_bits_of(const struct rng_credit_view *credit, size_t n, uint32_t id)
{
	uint64_t mbits = 0;

	for (size_t i = 0; i < n; i++)
		if (credit[i].id == id)
			mbits += credit[i].mbits;
	return bits32(mbits);
}

static void put(struct rng_status *st, uint32_t id, uint32_t kind, uint64_t bytes, uint64_t mbits,
		const struct rng_credit_view *credit, size_t n)
{
	struct rng_source_info *e = &st->src[st->nsources++];

	e->id = id;
	e->kind = kind;
	e->bytes = bytes;
	e->credited_bits = bits32(mbits);
	e->high_bits = high_bits_of(credit, n, id);
}

void rng_status_fill(const struct rng_ledger *l, const struct rng_credit_view *credit, size_t n,
		     bool high_ready, bool seeded, uint32_t reseeds, struct rng_status *st)
{
	_Static_assert(3 + RNG_SOURCES_MAX <= RNG_STATUS_SOURCES, "every source has an entry");

	memset(st, 0, sizeof(*st));
	st->high_ready = high_ready;
	st->seeded = seeded;
	st->reseeds = reseeds;
	st->served_standard = l->served_standard;
	st->served_high = l->served_high;
	st->refused_high = l->refused_high;
	st->refused_bad = l->refused_bad;
	put(st, RNG_ID_CPU, RNG_KIND_CPU, l->cpu_bytes, l->cpu_mbits, credit, n);
	put(st, RNG_ID_JITTER, RNG_KIND_JITTER, l->jitter_bytes, l->jitter_mbits, credit, n);
	put(st, RNG_ID_FEED, RNG_KIND_FEED, l->feed_bytes, 0, credit, n);
	for (uint32_t s = 0; s < RNG_SOURCES_MAX; s++)
		if (l->dev[s].used)
			put(st, RNG_ID_DEVICE0 + s, RNG_KIND_DEVICE, l->dev[s].bytes,
			    l->dev[s].credited_mbits, credit, n);
}
