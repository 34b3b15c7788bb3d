/* SPDX-License-Identifier: BSD-3-Clause */
#include "client/dns.h"
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

int vx_dns_resolve(struct vx_client *c, const char *name, struct dns_answer *out, uint64_t deadline)
{
	struct vx_msg m = {.op = DNS_RESOLVE};
	struct dns_resolve_req q;
	int rc;

	memset(out, 0, sizeof(*out));
	if (vx_dns_literal(name, out->addr[0])) {
		out->result = VX_OK;
		out->source = DNS_SRC_LITERAL;
		out->naddr = 1;
		return VX_OK;
	}
	size_t n = strlen(name);
	if (n > DNS_REQ_NAME_MAX)
		return VX_E_TOOBIG;
	if (!c)
		return VX_E_NOTFOUND;
	memset(&q, 0, sizeof(q));
	memcpy(q.name, name, n + 1);
	m.len = (uint16_t)(8 + n + 1);
	memcpy(m.data, &q, m.len);
	if ((rc = vx_client_call(c, &m, deadline)) < 0)
		return rc;
	if (m.len != sizeof(*out))
		return VX_E_CORRUPT;
	memcpy(out, m.data, sizeof(*out));
	if (out->naddr > DNS_ADDRS_MAX || (out->result == VX_OK) != (out->naddr > 0) ||
	    out->result > 0 || out->result < VX_E_LAST)
		return VX_E_CORRUPT;
	return VX_OK;
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
