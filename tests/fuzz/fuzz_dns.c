/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for lib/net/dns.h: the response parser, the hosts-file
 * parser and the cache.
 *
 * Input: byte 0 chooses what runs (mod 3).
 *   0  a response: bytes 1-2 are the query id (big endian), byte 3 picks
 *      the question's name from a short list, the rest is the message
 *   1  a hosts file: the rest is its text
 *   2  cache operations: records of 4 bytes (op, name index, ttl, naddr)
 *      against a clock that only moves forward
 *
 * Invariants: the parser answers only the codes dns.h lists, with a why
 * that names the reason and matches the code's class; VX_OK has 1 to
 * VX_DNS_ADDRS_MAX distinct addresses and a TTL of at most a day; a
 * negative answer has no address and a TTL of at most VX_DNS_NEG_TTL_MAX;
 * a query for the same name always parses as not-an-answer (QR=0).  The
 * hosts table holds at most VX_HOSTS_ENTRIES valid canonical names, and
 * counts its bad lines; the cache never holds two entries for one name,
 * never more than its size, and never returns an expired entry.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/dns.h"

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "fuzz_dns: %s\n", #c);                                     \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n);

static const char *const names[] = {"www.test",	 "a.test",    "c0.test",      "x.test",
				    "nope.test", "loop.test", "EXAMPLE.com.", "z"};
#define NNAMES (sizeof(names) / sizeof(names[0]))

static void response(const uint8_t *in, size_t n)
{
	struct vx_dns_answer a;

	if (n < 3)
		return;
	uint16_t id = (uint16_t)(in[0] << 8 | in[1]);
	const char *q = names[in[2] % NNAMES];
	int rc = vx_dns_parse(in + 3, n - 3, id, q, &a);
	CHECK(vx_dns_why_name(a.why) != NULL);
	switch (rc) {
	case VX_OK:
		CHECK(a.why == VX_DNS_OK);
		CHECK(a.naddr >= 1 && a.naddr <= VX_DNS_ADDRS_MAX);
		CHECK(a.ttl <= VX_DNS_TTL_MAX);
		CHECK(a.ncname <= VX_DNS_CNAME_MAX);
		for (uint32_t i = 0; i < a.naddr; i++)
			for (uint32_t k = 0; k < i; k++)
				CHECK(memcmp(a.addr[i], a.addr[k], 4) != 0);
		break;
	case VX_E_NOTFOUND:
		CHECK(a.why == VX_DNS_NXDOMAIN || a.why == VX_DNS_NODATA);
		CHECK(a.naddr == 0 && a.ttl <= VX_DNS_NEG_TTL_MAX);
		break;
	case VX_E_AUTH:
		CHECK(a.why >= VX_DNS_WRONG_ID && a.why <= VX_DNS_WRONG_QUESTION);
		break;
	case VX_E_TOOBIG:
		CHECK(a.why == VX_DNS_TRUNCATED);
		break;
	case VX_E_AGAIN:
		CHECK(a.why == VX_DNS_SERVFAIL);
		break;
	case VX_E_REFUSED:
		CHECK(a.why == VX_DNS_REFUSED);
		break;
	case VX_E_NOSYS:
		CHECK(a.why == VX_DNS_RCODE);
		break;
	case VX_E_CORRUPT:
		CHECK(a.why == VX_DNS_SHORT || a.why == VX_DNS_LONG ||
		      (a.why >= VX_DNS_PTR_FORWARD && a.why <= VX_DNS_BAD_CNAME));
		break;
	default:
		CHECK(!"an undocumented result");
	}
	if (rc != VX_OK)
		CHECK(a.naddr == 0);

	/* Our own query, sent back unchanged, is never an answer. */
	uint8_t qb[VX_DNS_QUERY_MAX];
	size_t ql = 0;
	CHECK(vx_dns_query(qb, sizeof(qb), id, q, &ql, NULL) == VX_OK);
	CHECK(vx_dns_parse(qb, ql, id, q, &a) == VX_E_AUTH && a.why == VX_DNS_NOT_RESPONSE);
}

static struct vx_hosts hosts;
static uint32_t reported;

static void on_bad(void *ctx, uint32_t line, enum vx_dns_why why)
{
	(void)ctx;
	CHECK(line >= 1 && vx_dns_why_name(why) != NULL && why != VX_DNS_OK);
	reported++;
}

static void hosts_file(const uint8_t *in, size_t n)
{
	char canon[VX_DNS_NAME_MAX + 1];
	uint8_t addr[VX_DNS_ADDRS_MAX][4];

	reported = 0;
	uint32_t bad = vx_hosts_parse(&hosts, (const char *)in, n, on_bad, NULL);
	CHECK(bad == reported && bad == hosts.bad && bad <= hosts.lines);
	CHECK(hosts.n <= VX_HOSTS_ENTRIES);
	for (uint32_t i = 0; i < hosts.n; i++) {
		CHECK(vx_dns_name_check(hosts.e[i].name, canon, NULL) == VX_OK);
		CHECK(strcmp(canon, hosts.e[i].name) == 0);
		CHECK(vx_hosts_lookup(&hosts, hosts.e[i].name, addr, VX_DNS_ADDRS_MAX) >= 1);
	}
}

static struct vx_dns_cache cache;

static void cache_ops(const uint8_t *in, size_t n)
{
	static const uint8_t addrs[VX_DNS_ADDRS_MAX][4] = {{1, 1, 1, 1}, {2, 2, 2, 2}, {3, 3, 3, 3},
							   {4, 4, 4, 4}, {5, 5, 5, 5}, {6, 6, 6, 6},
							   {7, 7, 7, 7}, {8, 8, 8, 8}};
	char name[32];
	uint64_t now = 0;
	struct vx_dns_entry e;

	vx_dns_cache_init(&cache);
	for (size_t i = 0; i + 4 <= n; i += 4) {
		const uint8_t *r = in + i;
		snprintf(name, sizeof(name), "n%u.TEST", r[1] % 48);
		switch (r[0] % 5) {
		case 0: {
			uint32_t na = r[3] % (VX_DNS_ADDRS_MAX + 1);
			CHECK(vx_dns_cache_insert(&cache, name, addrs, na, r[2], now) == VX_OK);
			break;
		}
		case 1: {
			int rc = vx_dns_cache_lookup(&cache, name, now, &e);
			CHECK(rc == VX_OK || rc == VX_E_NOTFOUND || rc == VX_E_EMPTY);
			if (rc != VX_E_EMPTY)
				CHECK(e.expires > now && e.negative == (rc == VX_E_NOTFOUND));
			break;
		}
		case 2:
			vx_dns_cache_expire(&cache, now);
			break;
		case 3:
			now += (uint64_t)r[2] * 100000000ull;
			break;
		case 4:
			if (r[2] == 0)
				vx_dns_cache_flush(&cache);
			break;
		}
		CHECK(vx_dns_cache_used(&cache) <= VX_DNS_CACHE_ENTRIES);
		for (uint32_t a = 0; a < VX_DNS_CACHE_ENTRIES; a++)
			for (uint32_t b = 0; b < a; b++)
				CHECK(!cache.e[a].used || !cache.e[b].used ||
				      strcmp(cache.e[a].name, cache.e[b].name) != 0);
	}
	int s = -1;
	while ((s = vx_dns_cache_next(&cache, (uint32_t)(s + 1), now, &e)) >= 0)
		CHECK(e.used && e.expires > now);
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n)
{
	if (n < 1)
		return 0;
	switch (in[0] % 3) {
	case 0:
		response(in + 1, n - 1);
		break;
	case 1:
		hosts_file(in + 1, n - 1);
		break;
	case 2:
		cache_ops(in + 1, n - 1);
		break;
	}
	return 0;
}
