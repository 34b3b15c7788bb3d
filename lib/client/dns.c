/* SPDX-License-Identifier: BSD-3-Clause */
#include "client/dns.h"
#include "rt/vx.h"
#include "vx_string.h"

bool vx_dns_literal(const char *s, uint8_t a[4])
{
	for (int i = 0; i < 4; i++) {
		unsigned v = 0, digits = 0;
		if (i > 0 && *s++ != '.')
			return false;
		while (*s >= '0' && *s <= '9') {
			v = v * 10 + (unsigned)(*s++ - '0');
			if (++digits > 3 || v > 255)
				return false;
		}
		if (digits == 0)
			return false;
		a[i] = (uint8_t)v;
	}
	return *s == 0;
}

/* The literal's answer (true), or DNS_RESOLVE's request for name in *m:
 * *rc VX_OK, or the error that stops it before it is sent. */
static bool resolve_begin(struct vx_client *c, const char *name, struct dns_answer *out,
			  struct vx_msg *m, int *rc)
{
	struct dns_resolve_req q;

	memset(out, 0, sizeof(*out));
	*rc = VX_OK;
	if (vx_dns_literal(name, out->addr[0])) {
		out->result = VX_OK;
		out->source = DNS_SRC_LITERAL;
		out->naddr = 1;
		return true;
	}
	size_t n = strlen(name);
	if (n > DNS_REQ_NAME_MAX)
		*rc = VX_E_TOOBIG;
	else if (!c)
		*rc = VX_E_NOTFOUND;
	if (*rc != VX_OK)
		return false;
	memset(&q, 0, sizeof(q));
	memcpy(q.name, name, n + 1);
	*m = (struct vx_msg){.op = DNS_RESOLVE, .len = (uint16_t)(8 + n + 1)};
	memcpy(m->data, &q, m->len);
	return false;
}

/* dnsd's answer in m (status VX_OK) into *out, checked. */
static int resolve_end(const struct vx_msg *m, struct dns_answer *out)
{
	if (m->len != sizeof(*out))
		return VX_E_CORRUPT;
	memcpy(out, m->data, sizeof(*out));
	if (out->naddr > DNS_ADDRS_MAX || (out->result == VX_OK) != (out->naddr > 0) ||
	    out->result > 0 || out->result < VX_E_LAST)
		return VX_E_CORRUPT;
	return VX_OK;
}

int vx_dns_resolve(struct vx_client *c, const char *name, struct dns_answer *out, uint64_t deadline)
{
	struct vx_msg m;
	int rc;

	if (resolve_begin(c, name, out, &m, &rc) || rc != VX_OK)
		return rc;
	if ((rc = vx_client_call(c, &m, deadline)) < 0)
		return rc;
	return resolve_end(&m, out);
}

int vx_dns_resolve_stop(struct vx_client *c, const char *name, struct dns_answer *out,
			uint64_t deadline, uint64_t step_ns, bool (*stop)(void *ctx), void *ctx)
{
	struct vx_msg m;
	int rc;

	if (resolve_begin(c, name, out, &m, &rc) || rc != VX_OK)
		return rc;
	if ((rc = vx_client_send(c, &m, deadline)) != VX_OK)
		return rc;
	while ((rc = vx_client_take(c, &m)) == VX_E_EMPTY) {
		uint64_t now = (uint64_t)vx_clock();
		if (now >= deadline || stop(ctx)) {
			/* Given up: the answer, when it comes, is stale and
			 * dropped (it carries no capabilities). */
			c->keep_seq = 0;
			c->kept = false;
			return VX_E_TIMEOUT;
		}
		vx_ring_set_waiting(&c->rep, true);
		if (vx_ring_poll(&c->rep) == 0 && vx_client_server_up(c))
			vx_sig_wait(1ull << c->rep.wake_bit,
				    now + step_ns < deadline ? now + step_ns : deadline);
		vx_ring_set_waiting(&c->rep, false);
	}
	if (rc != VX_OK)
		return rc;
	if (m.status != VX_OK)
		return m.status;
	return resolve_end(&m, out);
}

static const char *const counter_names[DNSC_COUNT] = {
    [DNSC_REQUESTS] = "requests",
    [DNSC_LITERALS] = "literals",
    [DNSC_HOSTS_HITS] = "hosts_hits",
    [DNSC_CACHE_HITS] = "cache_hits",
    [DNSC_CACHE_NEG_HITS] = "cache_neg_hits",
    [DNSC_JOINED] = "joined",
    [DNSC_QUERIES] = "queries",
    [DNSC_RETRIES] = "retries",
    [DNSC_ANSWERS] = "answers",
    [DNSC_NEGATIVE] = "negative",
    [DNSC_SERVER_ERRORS] = "server_errors",
    [DNSC_TRUNCATED] = "truncated",
    [DNSC_TIMEOUTS] = "timeouts",
    [DNSC_SPOOFED_SOURCE] = "spoofed_source",
    [DNSC_SPOOFED_ID] = "spoofed_id",
    [DNSC_BAD_REPLIES] = "bad_replies",
    [DNSC_FULL] = "full",
    [DNSC_NO_SERVER] = "no_server",
    [DNSC_SOCK_OPENS] = "sock_opens",
    [DNSC_SOCK_ERRORS] = "sock_errors",
    [DNSC_FLUSHES] = "flushes",
    [DNSC_RNG_FALLBACKS] = "rng_fallbacks",
};

const char *vx_dns_counter_name(uint32_t i)
{
	return i < DNSC_COUNT ? counter_names[i] : NULL;
}

const char *vx_dns_source_name(uint32_t source)
{
	switch (source) {
	case DNS_SRC_HOSTS:
		return "hosts";
	case DNS_SRC_CACHE:
		return "cache";
	case DNS_SRC_SERVER:
		return "server";
	case DNS_SRC_LITERAL:
		return "literal";
	default:
		return "none";
	}
}
