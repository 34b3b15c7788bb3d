/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dnsd's request decoder and configuration (services/dnsd/pure_dnsmsg.h):
 * every refusal of vectra/proto/dns.h's ERRORS list by name.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vectra/abi.h"
#include "../../services/dnsd/pure_dnsmsg.h"

static struct dns_req r;

static struct vx_msg msg(uint32_t op, const void *data, uint16_t len)
{
	struct vx_msg m;

	memset(&m, 0, sizeof(m));
	m.op = op;
	m.len = len;
	if (data)
		memcpy(m.data, data, len);
	return m;
}

/* A DNS_RESOLVE of name, sent as the client library sends it. */
static int resolve(const char *name)
{
	struct dns_resolve_req q;

	memset(&q, 0, sizeof(q));
	size_t n = strlen(name);
	assert_true(n <= DNS_REQ_NAME_MAX);
	memcpy(q.name, name, n + 1);
	struct vx_msg m = msg(DNS_RESOLVE, &q, (uint16_t)(8 + n + 1));
	return dns_decode(&m, &r);
}

static void test_dnsmsg_resolve(void **state)
{
	(void)state;
	assert_int_equal(resolve("WWW.Test."), VX_OK);
	assert_int_equal(r.op, DNS_RESOLVE);
	assert_false(r.literal);
	assert_string_equal(r.name, "www.test");
	assert_int_equal(resolve("10.9.0.1"), VX_OK);
	assert_true(r.literal);
	assert_int_equal(r.addr[0], 10);
	assert_int_equal(r.addr[3], 1);
	/* The longest name a message carries. */
	char big[DNS_REQ_NAME_MAX + 1];
	memset(big, 'a', DNS_REQ_NAME_MAX);
	for (int i = 60; i < (int)DNS_REQ_NAME_MAX; i += 61)
		big[i] = '.';
	big[DNS_REQ_NAME_MAX] = 0;
	assert_int_equal(resolve(big), VX_OK);
}

static void test_dnsmsg_resolve_bad_names(void **state)
{
	(void)state;
	assert_int_equal(resolve("a..b"), VX_E_INVAL);
	assert_int_equal(r.why, VX_DNS_EMPTY_LABEL);
	assert_int_equal(resolve("."), VX_E_INVAL);
	assert_int_equal(r.why, VX_DNS_EMPTY_NAME);
	assert_int_equal(resolve("bad name"), VX_E_INVAL);
	assert_int_equal(r.why, VX_DNS_BAD_CHAR);
	char big[80];
	memset(big, 'x', 64);
	strcpy(big + 64, ".test");
	assert_int_equal(resolve(big), VX_E_TOOBIG);
	assert_int_equal(r.why, VX_DNS_LABEL_LONG);
	assert_int_equal(resolve("10.9.0.256"), VX_OK); /* not an address: a name */
	assert_false(r.literal);
}

static void test_dnsmsg_resolve_framing(void **state)
{
	(void)state;
	struct dns_resolve_req q;
	struct vx_msg m;

	memset(&q, 0, sizeof(q));
	strcpy(q.name, "a.test");
	/* No NUL at the end: one byte short. */
	m = msg(DNS_RESOLVE, &q, 8 + 6);
	assert_int_equal(dns_decode(&m, &r), VX_E_INVAL);
	/* A NUL before the end: bytes after the name. */
	m = msg(DNS_RESOLVE, &q, 8 + 8);
	assert_int_equal(dns_decode(&m, &r), VX_E_INVAL);
	/* The whole message, NUL-padded. */
	m = msg(DNS_RESOLVE, &q, sizeof(q));
	assert_int_equal(dns_decode(&m, &r), VX_E_INVAL);
	/* An empty name, and no name at all. */
	m = msg(DNS_RESOLVE, &q, 8 + 1);
	q.name[0] = 0;
	m = msg(DNS_RESOLVE, &q, 8 + 1);
	assert_int_equal(dns_decode(&m, &r), VX_E_INVAL);
	m = msg(DNS_RESOLVE, &q, 8);
	assert_int_equal(dns_decode(&m, &r), VX_E_INVAL);
	m = msg(DNS_RESOLVE, &q, 0);
	assert_int_equal(dns_decode(&m, &r), VX_E_INVAL);
	/* Flags and reserved must be 0. */
	strcpy(q.name, "a.test");
	q.flags = 1;
	m = msg(DNS_RESOLVE, &q, 8 + 7);
	assert_int_equal(dns_decode(&m, &r), VX_E_INVAL);
	q.flags = 0;
	q.reserved = 1;
	m = msg(DNS_RESOLVE, &q, 8 + 7);
	assert_int_equal(dns_decode(&m, &r), VX_E_INVAL);
	q.reserved = 0;
	m = msg(DNS_RESOLVE, &q, 8 + 7);
	assert_int_equal(dns_decode(&m, &r), VX_OK);
	/* Capabilities are never taken. */
	m.ncaps = 1;
	assert_int_equal(dns_decode(&m, &r), VX_E_INVAL);
	m.ncaps = 0;
	m.len = VX_MSG_DATA + 1;
	assert_int_equal(dns_decode(&m, &r), VX_E_INVAL);
}

static void test_dnsmsg_other_ops(void **state)
{
	(void)state;
	uint32_t first[3] = {5, 0, 0};
	struct vx_msg m;

	m = msg(DNS_INFO, NULL, 0);
	assert_int_equal(dns_decode(&m, &r), VX_OK);
	m = msg(DNS_FLUSH, NULL, 0);
	assert_int_equal(dns_decode(&m, &r), VX_OK);
	m = msg(DNS_INFO, first, 1);
	assert_int_equal(dns_decode(&m, &r), VX_E_INVAL);
	m = msg(DNS_FLUSH, first, 8);
	assert_int_equal(dns_decode(&m, &r), VX_E_INVAL);
	m = msg(DNS_CACHE, first, 8);
	assert_int_equal(dns_decode(&m, &r), VX_OK);
	assert_int_equal(r.first, 5);
	m = msg(DNS_COUNTERS, first, 8);
	assert_int_equal(dns_decode(&m, &r), VX_OK);
	m = msg(DNS_COUNTERS, first, 4);
	assert_int_equal(dns_decode(&m, &r), VX_E_INVAL);
	m = msg(DNS_CACHE, first, 12);
	assert_int_equal(dns_decode(&m, &r), VX_E_INVAL);
	first[1] = 1;
	m = msg(DNS_CACHE, first, 8);
	assert_int_equal(dns_decode(&m, &r), VX_E_INVAL);
	m = msg(DNS_INFO, NULL, 0);
	m.ncaps = 2;
	assert_int_equal(dns_decode(&m, &r), VX_E_INVAL);
}

static void test_dnsmsg_unknown_op(void **state)
{
	(void)state;
	struct vx_msg m = msg(0, NULL, 0);
	assert_int_equal(dns_decode(&m, &r), VX_E_NOSYS);
	m.op = DNS_FLUSH + 1;
	assert_int_equal(dns_decode(&m, &r), VX_E_NOSYS);
	m.op = UINT32_MAX;
	assert_int_equal(dns_decode(&m, &r), VX_E_NOSYS);
}

static void test_dnsmsg_config(void **state)
{
	(void)state;
	struct dns_config c;

	assert_true(dns_parse_config("", &c));
	assert_int_equal(c.how, DNS_SERVER_NONE);
	assert_true(dns_parse_config(NULL, &c));
	assert_true(dns_parse_config("dnsd", &c));
	assert_int_equal(c.how, DNS_SERVER_NONE);
	assert_true(dns_parse_config("server 10.9.0.1", &c));
	assert_int_equal(c.how, DNS_SERVER_ARGS);
	assert_int_equal(c.server[0], 10);
	assert_int_equal(c.server[3], 1);
	assert_true(dns_parse_config("  server   10.9.0.1  ", &c));
	assert_int_equal(c.how, DNS_SERVER_ARGS);
	assert_false(dns_parse_config("server", &c));
	assert_int_equal(c.how, DNS_SERVER_NONE);
	assert_false(dns_parse_config("server 10.9.0", &c));
	assert_false(dns_parse_config("server 0.0.0.0", &c));
	assert_false(dns_parse_config("server 224.0.0.1", &c));
	assert_false(dns_parse_config("server 10.9.0.1 10.9.0.2", &c));
	assert_false(dns_parse_config("server 10.9.0.1111111111111", &c));
	assert_false(dns_parse_config("static 10.9.0.2/24", &c));
	assert_int_equal(c.how, DNS_SERVER_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dnsmsg_resolve),
	    cmocka_unit_test(test_dnsmsg_resolve_bad_names),
	    cmocka_unit_test(test_dnsmsg_resolve_framing),
	    cmocka_unit_test(test_dnsmsg_other_ops),
	    cmocka_unit_test(test_dnsmsg_unknown_op),
	    cmocka_unit_test(test_dnsmsg_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
