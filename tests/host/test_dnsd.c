/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dnsd's resolver (services/dnsd/pure_resolver.h) through whole exchanges:
 * the callbacks record what it sends and answers, and the tests play the
 * server (and the spoofers) with replies built here, on a clock they move.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "vectra/abi.h"
#include "net/addr.h"
#include "../../services/dnsd/pure_resolver.h"

#define MS  1000000ull
#define SEC 1000000000ull

static struct dns_core core;
static const uint8_t SERVER[4] = {10, 9, 0, 1};
static bool have_server;
static int send_rc;
static uint8_t sent[16][VX_DNS_QUERY_MAX];
static size_t sent_len[16];
static uint32_t nsent;
static struct dns_answer answers[32];
static uint32_t answered_w[32], nanswers;
static uint8_t rnd;

static bool cb_server(void *ctx, uint8_t out[4])
{
	(void)ctx;
	if (have_server)
		memcpy(out, SERVER, 4);
	return have_server;
}

static int cb_send(void *ctx, const uint8_t *msg, size_t len)
{
	(void)ctx;
	if (send_rc != VX_OK)
		return send_rc;
	assert_true(nsent < 16 && len <= VX_DNS_QUERY_MAX);
	memcpy(sent[nsent], msg, len);
	sent_len[nsent++] = len;
	return VX_OK;
}

static void cb_answer(void *ctx, uint32_t w, const struct dns_answer *a)
{
	(void)ctx;
	assert_true(nanswers < 32);
	answered_w[nanswers] = w;
	answers[nanswers++] = *a;
}

/* Predictable "random" bytes (a new id must still differ from those of
 * the queries waiting; test_dnsd_id_collision makes them collide). */
static void cb_random(void *ctx, uint8_t *out, uint32_t n)
{
	(void)ctx;
	for (uint32_t i = 0; i < n; i++)
		out[i] = (uint8_t)(rnd++ * 37 + 11);
}

static int setup(void **state)
{
	(void)state;
	struct dns_ops ops = {
	    .server = cb_server, .send = cb_send, .answer = cb_answer, .random = cb_random};
	dns_core_init(&core, &ops, NULL);
	have_server = true;
	send_rc = VX_OK;
	nsent = nanswers = 0;
	rnd = 0;
	static const char hosts[] = "10.9.0.77 pinned.test\n";
	vx_hosts_parse(&core.hosts, hosts, sizeof(hosts) - 1, NULL, NULL);
	return 0;
}

static struct dns_req req(const char *name)
{
	struct dns_req r;

	memset(&r, 0, sizeof(r));
	r.op = DNS_RESOLVE;
	if (vx_ip_parse(name, r.addr))
		r.literal = true;
	else
		assert_int_equal(vx_dns_name_check(name, r.name, NULL), VX_OK);
	return r;
}

static uint16_t sent_id(uint32_t i)
{
	return (uint16_t)(sent[i][0] << 8 | sent[i][1]);
}

/* A reply to sent query i: its question echoed, then n A records. */
static size_t reply_to(uint32_t i, uint8_t *out, uint16_t rcode, uint32_t ttl, uint32_t n)
{
	memcpy(out, sent[i], sent_len[i]);
	out[2] = 0x81;
	out[3] = (uint8_t)(0x80 | rcode);
	out[7] = (uint8_t)n;
	size_t o = sent_len[i];
	for (uint32_t k = 0; k < n; k++) {
		static const uint8_t fix[] = {0xc0, 12, 0, 1, 0, 1};
		memcpy(out + o, fix, sizeof(fix));
		o += sizeof(fix);
		out[o++] = (uint8_t)(ttl >> 24);
		out[o++] = (uint8_t)(ttl >> 16);
		out[o++] = (uint8_t)(ttl >> 8);
		out[o++] = (uint8_t)ttl;
		out[o++] = 0;
		out[o++] = 4;
		out[o++] = 10;
		out[o++] = 9;
		out[o++] = 0;
		out[o++] = (uint8_t)(50 + k);
	}
	return o;
}

static int resolve(const char *name, uint64_t now, struct dns_answer *a, uint32_t *w)
{
	struct dns_req r = req(name);
	return dns_core_resolve(&core, &r, now, a, w);
}

/* ------------------------------------------------------------------ tests */

static void test_dnsd_literal_hosts_no_query(void **state)
{
	(void)state;
	struct dns_answer a;
	uint32_t w;

	assert_int_equal(resolve("10.1.2.3", 0, &a, &w), VX_OK);
	assert_int_equal(a.source, DNS_SRC_LITERAL);
	assert_int_equal(a.addr[0][3], 3);
	assert_int_equal(resolve("PINNED.test", 0, &a, &w), VX_OK);
	assert_int_equal(a.source, DNS_SRC_HOSTS);
	assert_int_equal(a.naddr, 1);
	assert_int_equal(a.addr[0][3], 77);
	assert_int_equal(nsent, 0);
	assert_int_equal(core.count[DNSC_HOSTS_HITS], 1);
	assert_int_equal(core.count[DNSC_LITERALS], 1);
}

static void test_dnsd_answer_then_cache_then_expiry(void **state)
{
	(void)state;
	struct dns_answer a;
	uint8_t m[600];
	uint32_t w;

	assert_int_equal(resolve("www.test", 0, &a, &w), DNS_CORE_WAIT);
	assert_int_equal(nsent, 1);
	assert_int_equal(core.count[DNSC_QUERIES], 1);
	size_t n = reply_to(0, m, 0, 30, 2);
	dns_core_reply(&core, m, n, SERVER, 53, 5 * MS);
	assert_int_equal(nanswers, 1);
	assert_int_equal(answered_w[0], w);
	assert_int_equal(answers[0].result, VX_OK);
	assert_int_equal(answers[0].source, DNS_SRC_SERVER);
	assert_int_equal(answers[0].naddr, 2);
	assert_int_equal(answers[0].ttl_s, 30);
	assert_int_equal(dns_core_waiting(&core), 0);
	/* The same reply again: its query is gone. */
	dns_core_reply(&core, m, n, SERVER, 53, 6 * MS);
	assert_int_equal(core.count[DNSC_SPOOFED_ID], 1);
	assert_int_equal(nanswers, 1);
	/* From the cache, with the seconds left. */
	assert_int_equal(resolve("WWW.test.", 10 * SEC, &a, &w), VX_OK);
	assert_int_equal(a.source, DNS_SRC_CACHE);
	assert_int_equal(a.ttl_s, 21); /* 30 s from 5 ms, asked at 10 s: 20.005 s, rounded up */
	assert_int_equal(nsent, 1);
	/* Expired: asked again. */
	assert_int_equal(resolve("www.test", 31 * SEC, &a, &w), DNS_CORE_WAIT);
	assert_int_equal(nsent, 2);
	assert_int_not_equal(sent_id(1), sent_id(0));
}

static void test_dnsd_negative_cached(void **state)
{
	(void)state;
	struct dns_answer a;
	uint8_t m[600];
	uint32_t w;

	assert_int_equal(resolve("nope.test", 0, &a, &w), DNS_CORE_WAIT);
	size_t n = reply_to(0, m, 3, 0, 0);
	/* An SOA in the authority section: TTL 100, MINIMUM 40. */
	static const uint8_t soa[] = {
	    0xc0, 12, 0, 6, 0, 1, 0, 0, 0, 100, 0, 22, /* owner, SOA, IN, TTL 100, 22 bytes */
	    0,	  0,				       /* the two names: the root */
	    0,	  0,  0, 1, 0, 0, 0, 0, 0, 0,	0, 0,  0, 0, 0, 0, /* serial .. expire */
	    0,	  0,  0, 40};					   /* MINIMUM 40 */
	_Static_assert(sizeof(soa) == 12 + 22, "one SOA record");
	memcpy(m + n, soa, sizeof(soa));
	m[9] = 1;
	n += sizeof(soa);
	dns_core_reply(&core, m, n, SERVER, 53, 0);
	assert_int_equal(nanswers, 1);
	assert_int_equal(answers[0].result, VX_E_NOTFOUND);
	assert_int_equal(answers[0].why, VX_DNS_NXDOMAIN);
	assert_int_equal(answers[0].ttl_s, 40);
	assert_int_equal(resolve("nope.test", 39 * SEC, &a, &w), VX_OK);
	assert_int_equal(a.result, VX_E_NOTFOUND);
	assert_int_equal(a.source, DNS_SRC_CACHE);
	assert_int_equal(resolve("nope.test", 40 * SEC, &a, &w), DNS_CORE_WAIT);
	assert_int_equal(core.count[DNSC_NEGATIVE], 1);
	assert_int_equal(core.count[DNSC_CACHE_NEG_HITS], 1);
}

static void test_dnsd_spoofs_ignored(void **state)
{
	(void)state;
	struct dns_answer a;
	uint8_t m[600];
	uint32_t w;
	static const uint8_t other[4] = {10, 9, 0, 66};

	assert_int_equal(resolve("spoof.test", 0, &a, &w), DNS_CORE_WAIT);
	size_t n = reply_to(0, m, 0, 60, 1);
	dns_core_reply(&core, m, n, other, 53, 0);    /* another address */
	dns_core_reply(&core, m, n, SERVER, 5353, 0); /* another port */
	assert_int_equal(core.count[DNSC_SPOOFED_SOURCE], 2);
	m[1] ^= 1; /* another id */
	dns_core_reply(&core, m, n, SERVER, 53, 0);
	m[1] ^= 1;
	m[13 + 2] ^= 1; /* our id, another question */
	dns_core_reply(&core, m, n, SERVER, 53, 0);
	m[13 + 2] ^= 1;
	assert_int_equal(core.count[DNSC_SPOOFED_ID], 2);
	dns_core_reply(&core, m, 1, SERVER, 53, 0); /* one byte */
	assert_int_equal(core.count[DNSC_BAD_REPLIES], 1);
	assert_int_equal(nanswers, 0);
	dns_core_reply(&core, m, n, SERVER, 53, 0);
	assert_int_equal(nanswers, 1);
	assert_int_equal(answers[0].result, VX_OK);
}

static void test_dnsd_retransmit_then_timeout(void **state)
{
	(void)state;
	struct dns_answer a;
	uint32_t w;

	assert_int_equal(resolve("silent.test", 0, &a, &w), DNS_CORE_WAIT);
	assert_int_equal(dns_core_tick(&core, 0), 1000 * MS);
	assert_int_equal(dns_core_tick(&core, 999 * MS), 1000 * MS);
	assert_int_equal(nsent, 1);
	assert_int_equal(dns_core_tick(&core, 1000 * MS), 3000 * MS);
	assert_int_equal(nsent, 2);
	assert_int_equal(dns_core_tick(&core, 3000 * MS), 7000 * MS);
	assert_int_equal(nsent, 3);
	/* The same id each time. */
	assert_int_equal(sent_id(1), sent_id(0));
	assert_int_equal(sent_id(2), sent_id(0));
	assert_int_equal(nanswers, 0);
	assert_int_equal(dns_core_tick(&core, 7000 * MS), UINT64_MAX);
	assert_int_equal(nanswers, 1);
	assert_int_equal(answers[0].result, VX_E_TIMEOUT);
	assert_int_equal(answers[0].source, DNS_SRC_SERVER);
	assert_int_equal(nsent, 3);
	assert_int_equal(core.count[DNSC_RETRIES], 2);
	assert_int_equal(core.count[DNSC_TIMEOUTS], 1);
}

static void test_dnsd_malformed_then_real(void **state)
{
	(void)state;
	struct dns_answer a;
	uint8_t m[600];
	uint32_t w;

	assert_int_equal(resolve("x.test", 0, &a, &w), DNS_CORE_WAIT);
	size_t n = reply_to(0, m, 0, 60, 1);
	m[n - 6] = 0xff; /* rdlength 0xff04: past the end */
	dns_core_reply(&core, m, n, SERVER, 53, 0);
	assert_int_equal(core.count[DNSC_BAD_REPLIES], 1);
	assert_int_equal(nanswers, 0);
	m[n - 6] = 0;
	dns_core_reply(&core, m, n, SERVER, 53, 0);
	assert_int_equal(nanswers, 1);
	assert_int_equal(answers[0].result, VX_OK);
}

static void test_dnsd_malformed_only(void **state)
{
	(void)state;
	struct dns_answer a;
	uint8_t m[600];
	uint32_t w;

	assert_int_equal(resolve("loop.test", 0, &a, &w), DNS_CORE_WAIT);
	size_t n = reply_to(0, m, 0, 60, 1);
	size_t at = sent_len[0];
	m[at] = (uint8_t)(0xc0 | at >> 8); /* the answer's name points at itself */
	m[at + 1] = (uint8_t)at;
	for (uint64_t t = 0; t <= 7; t++) {
		dns_core_reply(&core, m, n, SERVER, 53, t * SEC);
		dns_core_tick(&core, t * SEC);
	}
	assert_int_equal(nanswers, 1);
	assert_int_equal(answers[0].result, VX_E_CORRUPT);
	assert_int_equal(answers[0].why, VX_DNS_PTR_FORWARD);
	assert_int_equal(core.count[DNSC_TIMEOUTS], 0);
	assert_int_equal(nsent, 3);
}

static void test_dnsd_server_errors_not_cached(void **state)
{
	(void)state;
	struct dns_answer a;
	uint8_t m[600];
	uint32_t w;

	static const struct {
		uint16_t rcode, tc;
		int result;
	} cases[] = {
	    {2, 0, VX_E_AGAIN}, {5, 0, VX_E_REFUSED}, {4, 0, VX_E_NOSYS}, {0, 1, VX_E_TOOBIG}};
	for (uint32_t i = 0; i < 4; i++) {
		assert_int_equal(resolve("err.test", i * SEC, &a, &w), DNS_CORE_WAIT);
		size_t n = reply_to(i, m, cases[i].rcode, 60, 0);
		if (cases[i].tc)
			m[2] |= 2;
		dns_core_reply(&core, m, n, SERVER, 53, i * SEC);
		assert_int_equal(nanswers, i + 1);
		assert_int_equal(answers[i].result, cases[i].result);
	}
	assert_int_equal(nsent, 4); /* each asked again: nothing cached */
	assert_int_equal(core.count[DNSC_SERVER_ERRORS], 3);
	assert_int_equal(core.count[DNSC_TRUNCATED], 1);
}

static void test_dnsd_join_and_full(void **state)
{
	(void)state;
	struct dns_answer a;
	uint8_t m[600];
	uint32_t w[DNS_WAIT_MAX + 1];
	char name[32];

	/* Three clients ask for one name: one query. */
	for (int i = 0; i < 3; i++)
		assert_int_equal(resolve("same.test", 0, &a, &w[i]), DNS_CORE_WAIT);
	assert_int_equal(nsent, 1);
	assert_int_equal(core.count[DNSC_JOINED], 2);
	/* Seven more names fill the queries; the ninth is refused. */
	for (int i = 0; i < 7; i++) {
		snprintf(name, sizeof(name), "n%d.test", i);
		assert_int_equal(resolve(name, 0, &a, &w[3 + i]), DNS_CORE_WAIT);
	}
	assert_int_equal(resolve("ninth.test", 0, &a, &w[10]), VX_E_FULL);
	assert_int_equal(core.count[DNSC_FULL], 1);
	/* Ids are all different. */
	for (uint32_t i = 0; i < nsent; i++)
		for (uint32_t k = 0; k < i; k++)
			assert_int_not_equal(sent_id(i), sent_id(k));
	/* Joining still works, up to DNS_WAIT_MAX waiters. */
	for (uint32_t i = 10; i < DNS_WAIT_MAX; i++)
		assert_int_equal(resolve("same.test", 0, &a, &w[i]), DNS_CORE_WAIT);
	assert_int_equal(dns_core_waiting(&core), DNS_WAIT_MAX);
	assert_int_equal(resolve("same.test", 0, &a, &w[0]), VX_E_FULL);
	/* One client leaves; the answer goes to the others. */
	dns_core_drop(&core, w[1]);
	size_t n = reply_to(0, m, 0, 60, 1);
	dns_core_reply(&core, m, n, SERVER, 53, 0);
	assert_int_equal(nanswers, 2 + (DNS_WAIT_MAX - 10));
	for (uint32_t i = 0; i < nanswers; i++) {
		assert_int_not_equal(answered_w[i], w[1]);
		assert_int_equal(answers[i].result, VX_OK);
	}
}

static uint8_t fixed[6];
static uint32_t nfixed;

/* Gives the same id twice, then another. */
static void cb_random_repeat(void *ctx, uint8_t *out, uint32_t n)
{
	(void)ctx;
	for (uint32_t i = 0; i < n; i++)
		out[i] = fixed[nfixed++ % sizeof(fixed)];
}

static void test_dnsd_id_collision(void **state)
{
	(void)state;
	struct dns_answer a;
	uint32_t w;
	static const uint8_t ids[6] = {0xab, 0xcd, 0xab, 0xcd, 0x12, 0x34};

	memcpy(fixed, ids, sizeof(fixed));
	nfixed = 0;
	core.ops.random = cb_random_repeat;
	assert_int_equal(resolve("one.test", 0, &a, &w), DNS_CORE_WAIT);
	assert_int_equal(resolve("two.test", 0, &a, &w), DNS_CORE_WAIT);
	assert_int_equal(sent_id(0), 0xabcd);
	assert_int_equal(sent_id(1), 0x1234); /* 0xabcd was taken: drawn again */
}

static void test_dnsd_no_server_and_send_failure(void **state)
{
	(void)state;
	struct dns_answer a;
	uint32_t w;

	have_server = false;
	assert_int_equal(resolve("x.test", 0, &a, &w), VX_OK);
	assert_int_equal(a.result, VX_E_STATE);
	assert_int_equal(core.count[DNSC_NO_SERVER], 1);
	have_server = true;
	send_rc = VX_E_HANGUP;
	assert_int_equal(resolve("x.test", 0, &a, &w), VX_OK);
	assert_int_equal(a.result, VX_E_HANGUP);
	assert_int_equal(a.source, DNS_SRC_NONE);
	assert_int_equal(dns_core_waiting(&core), 0);
	/* A retransmit that fails ends the query with the error. */
	send_rc = VX_OK;
	assert_int_equal(resolve("x.test", 0, &a, &w), DNS_CORE_WAIT);
	send_rc = VX_E_UNREACH;
	dns_core_tick(&core, SEC);
	assert_int_equal(nanswers, 1);
	assert_int_equal(answers[0].result, VX_E_UNREACH);
	assert_int_equal(answers[0].source, DNS_SRC_NONE);
	assert_int_equal(core.count[DNSC_SOCK_ERRORS], 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_dnsd_literal_hosts_no_query, setup),
	    cmocka_unit_test_setup(test_dnsd_answer_then_cache_then_expiry, setup),
	    cmocka_unit_test_setup(test_dnsd_negative_cached, setup),
	    cmocka_unit_test_setup(test_dnsd_spoofs_ignored, setup),
	    cmocka_unit_test_setup(test_dnsd_retransmit_then_timeout, setup),
	    cmocka_unit_test_setup(test_dnsd_malformed_then_real, setup),
	    cmocka_unit_test_setup(test_dnsd_malformed_only, setup),
	    cmocka_unit_test_setup(test_dnsd_server_errors_not_cached, setup),
	    cmocka_unit_test_setup(test_dnsd_join_and_full, setup),
	    cmocka_unit_test_setup(test_dnsd_id_collision, setup),
	    cmocka_unit_test_setup(test_dnsd_no_server_and_send_failure, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
