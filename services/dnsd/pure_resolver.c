/* SPDX-License-Identifier: BSD-3-Clause */
/* dnsd's resolver; see pure_resolver.h. */
#include "vectra/abi.h"
#include "vx_string.h"
#include "pure_resolver.h"

#define MS     1000000ull
#define SECOND 1000000000ull

#define COUNT(c) (d->count[DNSC_##c]++)

void dns_core_init(struct dns_core *d, const struct dns_ops *ops, void *ctx)
{
	memset(d, 0, sizeof(*d));
	d->ops = *ops;
	d->ctx = ctx;
	vx_dns_cache_init(&d->cache);
}

uint32_t dns_core_waiting(const struct dns_core *d)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < DNS_WAIT_MAX; i++)
		n += d->w[i].used;
	return n;
}

void dns_core_drop(struct dns_core *d, uint32_t w)
{
	if (w < DNS_WAIT_MAX)
		d->w[w].used = false;
}

/* Ends query k with a for every waiter on it. */
static void finish(struct dns_core *d, uint32_t k, const struct dns_answer *a)
{
	d->q[k].used = false;
	for (uint32_t i = 0; i < DNS_WAIT_MAX; i++) {
		if (!d->w[i].used || d->w[i].q != k)
			continue;
		d->w[i].used = false;
		d->ops.answer(d->ctx, i, a);
	}
}

/* Ends query k without an answer: the server's silence or malformed
 * replies (source DNS_SRC_SERVER), or the socket's error (DNS_SRC_NONE). */
static void fail(struct dns_core *d, uint32_t k, int result, uint8_t source, uint8_t why)
{
	struct dns_answer a = {.result = result, .source = source, .why = why};

	finish(d, k, &a);
}

/* Sends query k (again). */
static int send_query(struct dns_core *d, uint32_t k, uint64_t now)
{
	struct dns_query *q = &d->q[k];
	size_t len = 0;
	int rc = vx_dns_query(d->buf, sizeof(d->buf), q->id, q->name, &len, NULL);

	if (rc == VX_OK)
		rc = d->ops.send(d->ctx, d->buf, len);
	if (rc != VX_OK) {
		COUNT(SOCK_ERRORS);
		return rc;
	}
	if (q->tries++ == 0)
		COUNT(QUERIES);
	else
		COUNT(RETRIES);
	q->next = now + ((uint64_t)DNS_RETRY_MS << (q->tries - 1)) * MS;
	return VX_OK;
}

static uint32_t seconds_left(uint64_t expires, uint64_t now)
{
	return expires > now ? (uint32_t)((expires - now + SECOND - 1) / SECOND) : 0;
}

int dns_core_resolve(struct dns_core *d, const struct dns_req *r, uint64_t now,
		     struct dns_answer *a, uint32_t *w)
{
	struct vx_dns_entry e;

	memset(a, 0, sizeof(*a));
	COUNT(REQUESTS);
	if (r->literal) {
		COUNT(LITERALS);
		a->result = VX_OK;
		a->source = DNS_SRC_LITERAL;
		a->naddr = 1;
		memcpy(a->addr[0], r->addr, 4);
		return VX_OK;
	}
	uint32_t n = vx_hosts_lookup(&d->hosts, r->name, a->addr, DNS_ADDRS_MAX);
	if (n) {
		COUNT(HOSTS_HITS);
		a->result = VX_OK;
		a->source = DNS_SRC_HOSTS;
		a->naddr = (uint8_t)n;
		return VX_OK;
	}
	int rc = vx_dns_cache_lookup(&d->cache, r->name, now, &e);
	if (rc != VX_E_EMPTY) {
		a->result = rc;
		a->source = DNS_SRC_CACHE;
		a->naddr = e.naddr;
		memcpy(a->addr, e.addr, sizeof(a->addr));
		a->ttl_s = seconds_left(e.expires, now);
		if (rc == VX_OK)
			COUNT(CACHE_HITS);
		else
			COUNT(CACHE_NEG_HITS);
		return VX_OK;
	}
	if (!d->ops.server(d->ctx, d->server)) {
		COUNT(NO_SERVER);
		a->result = VX_E_STATE;
		return VX_OK;
	}
	/* Room first: a waiter, and a query unless one asks for the name. */
	uint32_t free_w = 0, k = 0;
	while (free_w < DNS_WAIT_MAX && d->w[free_w].used)
		free_w++;
	while (k < DNS_QUERIES_MAX && !(d->q[k].used && strcmp(d->q[k].name, r->name) == 0))
		k++;
	bool join = k < DNS_QUERIES_MAX;
	if (!join)
		for (k = 0; k < DNS_QUERIES_MAX && d->q[k].used; k++)
			;
	if (free_w == DNS_WAIT_MAX || k == DNS_QUERIES_MAX) {
		COUNT(FULL);
		return VX_E_FULL;
	}
	if (join) {
		COUNT(JOINED);
	} else {
		struct dns_query *q = &d->q[k];
		memset(q, 0, sizeof(*q));
		memcpy(q->name, r->name, sizeof(q->name));
		bool unique;
		do { /* an id no other query uses: at most 8 are taken of 65536 */
			uint8_t b[2];
			d->ops.random(d->ctx, b, 2);
			q->id = (uint16_t)(b[0] << 8 | b[1]);
			unique = true;
			for (uint32_t i = 0; i < DNS_QUERIES_MAX; i++)
				unique &= i == k || !(d->q[i].used && d->q[i].id == q->id);
		} while (!unique);
		if ((rc = send_query(d, k, now)) != VX_OK) {
			a->result = rc;
			return VX_OK;
		}
		q->used = true;
	}
	d->w[free_w].used = true;
	d->w[free_w].q = k;
	*w = free_w;
	return DNS_CORE_WAIT;
}

void dns_core_reply(struct dns_core *d, const uint8_t *msg, size_t len, const uint8_t from[4],
		    uint16_t port, uint64_t now)
{
	struct vx_dns_answer an;

	if (memcmp(from, d->server, 4) != 0 || port != VX_DNS_PORT) {
		COUNT(SPOOFED_SOURCE);
		return;
	}
	if (len < 2) {
		COUNT(BAD_REPLIES);
		return;
	}
	uint16_t id = (uint16_t)(msg[0] << 8 | msg[1]);
	uint32_t k = 0;
	while (k < DNS_QUERIES_MAX && !(d->q[k].used && d->q[k].id == id))
		k++;
	if (k == DNS_QUERIES_MAX) {
		COUNT(SPOOFED_ID);
		return;
	}
	struct dns_query *q = &d->q[k];
	int rc = vx_dns_parse(msg, len, id, q->name, &an);
	struct dns_answer a = {.result = rc, .source = DNS_SRC_SERVER, .why = (uint8_t)an.why};
	switch (rc) {
	case VX_E_AUTH:
		COUNT(SPOOFED_ID);
		return;
	case VX_E_CORRUPT:
		COUNT(BAD_REPLIES);
		q->bad = VX_E_CORRUPT;
		q->why = (uint8_t)an.why;
		return;
	case VX_OK:
		COUNT(ANSWERS);
		vx_dns_cache_insert(&d->cache, q->name, an.addr, an.naddr, an.ttl, now);
		a.naddr = an.naddr;
		a.ttl_s = an.ttl;
		memcpy(a.addr, an.addr, (size_t)an.naddr * 4);
		break;
	case VX_E_NOTFOUND:
		COUNT(NEGATIVE);
		vx_dns_cache_insert(&d->cache, q->name, NULL, 0, an.ttl, now);
		a.ttl_s = an.ttl;
		break;
	case VX_E_TOOBIG:
		COUNT(TRUNCATED);
		break;
	default:
		COUNT(SERVER_ERRORS);
		break;
	}
	finish(d, k, &a);
}

uint64_t dns_core_tick(struct dns_core *d, uint64_t now)
{
	uint64_t next = UINT64_MAX;

	for (uint32_t k = 0; k < DNS_QUERIES_MAX; k++) {
		struct dns_query *q = &d->q[k];
		if (!q->used)
			continue;
		if (q->next <= now) {
			if (q->tries >= DNS_TRIES) {
				if (q->bad == VX_OK)
					COUNT(TIMEOUTS);
				fail(d, k, q->bad ? q->bad : VX_E_TIMEOUT, DNS_SRC_SERVER, q->why);
				continue;
			}
			int rc = send_query(d, k, now);
			if (rc != VX_OK) {
				fail(d, k, rc, DNS_SRC_NONE, 0);
				continue;
			}
		}
		if (q->next < next)
			next = q->next;
	}
	return next;
}
