/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/net/dns.h: names, the A query, the response parser (every hostile
 * message of dns.h's RESPONSES list by name, with the VX_E_* code and the
 * why), the cache and the hosts file.  Messages are built here byte by
 * byte with a small writer, so each test shows exactly what it sends.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "vectra/abi.h"
#include "net/dns.h"

#define SEC 1000000000ull
#define ID  0x1234u

/* ------------------------------------------------------------ the writer */

struct mb {
	uint8_t b[2048];
	size_t n;
};

static void u8(struct mb *m, uint8_t v)
{
	m->b[m->n++] = v;
}

static void u16(struct mb *m, uint16_t v)
{
	u8(m, (uint8_t)(v >> 8));
	u8(m, (uint8_t)v);
}

static void u32(struct mb *m, uint32_t v)
{
	u16(m, (uint16_t)(v >> 16));
	u16(m, (uint16_t)v);
}

/* A dotted name in wire form (no compression); "" is the root. */
static void name(struct mb *m, const char *s)
{
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);
		u8(m, (uint8_t)l);
		memcpy(m->b + m->n, s, l);
		m->n += l;
		s += l;
		if (*s == '.')
			s++;
	}
	u8(m, 0);
}

static void ptr(struct mb *m, uint16_t to)
{
	u16(m, (uint16_t)(0xc000 | to));
}

/* Header and the question for qname (A, IN). */
static void head(struct mb *m, uint16_t id, uint16_t flags, uint16_t an, uint16_t ns,
		 const char *qname)
{
	m->n = 0;
	u16(m, id);
	u16(m, flags);
	u16(m, 1);
	u16(m, an);
	u16(m, ns);
	u16(m, 0);
	name(m, qname);
	u16(m, VX_DNS_TYPE_A);
	u16(m, VX_DNS_CLASS_IN);
}

#define RESP 0x8180u /* QR, RD, RA, NOERROR */

/* The fixed part of a record after its owner name. */
static void rrfix(struct mb *m, uint16_t type, uint32_t ttl, uint16_t rdlen)
{
	u16(m, type);
	u16(m, VX_DNS_CLASS_IN);
	u32(m, ttl);
	u16(m, rdlen);
}

/* An A record owned by the question's name (a pointer to offset 12). */
static void a_rec(struct mb *m, uint32_t ttl, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	ptr(m, 12);
	rrfix(m, VX_DNS_TYPE_A, ttl, 4);
	u8(m, a);
	u8(m, b);
	u8(m, c);
	u8(m, d);
}

static void a_named(struct mb *m, const char *owner, uint32_t ttl, uint8_t last)
{
	name(m, owner);
	rrfix(m, VX_DNS_TYPE_A, ttl, 4);
	u8(m, 10);
	u8(m, 9);
	u8(m, 0);
	u8(m, last);
}

static void cname(struct mb *m, const char *owner, const char *target, uint32_t ttl)
{
	name(m, owner);
	struct mb t = {.n = 0};
	name(&t, target);
	rrfix(m, VX_DNS_TYPE_CNAME, ttl, (uint16_t)t.n);
	memcpy(m->b + m->n, t.b, t.n);
	m->n += t.n;
}

static void soa(struct mb *m, uint32_t ttl, uint32_t minimum)
{
	name(m, "test");
	struct mb r = {.n = 0};
	name(&r, "ns.test");
	name(&r, "admin.test");
	u32(&r, 1);
	u32(&r, 3600);
	u32(&r, 600);
	u32(&r, 86400);
	u32(&r, minimum);
	rrfix(m, VX_DNS_TYPE_SOA, ttl, (uint16_t)r.n);
	memcpy(m->b + m->n, r.b, r.n);
	m->n += r.n;
}

static struct vx_dns_answer ans;

static int parse(const struct mb *m, const char *q)
{
	return vx_dns_parse(m->b, m->n, ID, q, &ans);
}

#define REFUSED(m, q, rc, w)                                                                       \
	do {                                                                                       \
		assert_int_equal(parse(m, q), rc);                                                 \
		assert_string_equal(vx_dns_why_name(ans.why), vx_dns_why_name(w));                 \
		assert_int_equal(ans.naddr, 0);                                                    \
	} while (0)

/* ----------------------------------------------------------------- names */

static int check(const char *n, char *out)
{
	enum vx_dns_why why = VX_DNS_OK;
	int rc = vx_dns_name_check(n, out, &why);
	assert_true((rc == VX_OK) == (why == VX_DNS_OK));
	return rc == VX_OK ? VX_OK : -(int)why;
}

static void test_dns_names(void **state)
{
	(void)state;
	char out[VX_DNS_NAME_MAX + 1], big[400];

	assert_int_equal(check("Example.COM", out), VX_OK);
	assert_string_equal(out, "example.com");
	assert_int_equal(check("a-b_c.d.", out), VX_OK);
	assert_string_equal(out, "a-b_c.d");
	assert_int_equal(check("", out), -VX_DNS_EMPTY_NAME);
	assert_int_equal(check(".", out), -VX_DNS_EMPTY_NAME);
	assert_int_equal(check("a..b", out), -VX_DNS_EMPTY_LABEL);
	assert_int_equal(check(".a", out), -VX_DNS_EMPTY_LABEL);
	assert_int_equal(check("a..", out), -VX_DNS_EMPTY_LABEL);
	assert_int_equal(check("a b", out), -VX_DNS_BAD_CHAR);
	assert_int_equal(check("*.test", out), -VX_DNS_BAD_CHAR);
	assert_int_equal(check("caf\xc3\xa9", out), -VX_DNS_BAD_CHAR);
	assert_int_equal(check("a\\.b", out), -VX_DNS_BAD_CHAR);

	memset(big, 'x', 63);
	strcpy(big + 63, ".test");
	assert_int_equal(check(big, out), VX_OK);
	memset(big, 'x', 64);
	strcpy(big + 64, ".test");
	assert_int_equal(check(big, out), -VX_DNS_LABEL_LONG);
	enum vx_dns_why why;
	assert_int_equal(vx_dns_name_check(big, out, &why), VX_E_TOOBIG);

	/* 253 bytes: three labels of 63 and one of 61. */
	size_t n = 0;
	for (int i = 0; i < 3; i++) {
		memset(big + n, 'a' + i, 63);
		n += 63;
		big[n++] = '.';
	}
	memset(big + n, 'z', 61);
	n += 61;
	big[n] = 0;
	assert_int_equal(strlen(big), 253);
	assert_int_equal(check(big, out), VX_OK);
	big[n++] = '.';
	big[n] = 0;
	assert_int_equal(check(big, out), VX_OK); /* the trailing dot does not count */
	big[n - 1] = 'z';
	assert_int_equal(check(big, out), -VX_DNS_NAME_LONG);
	assert_int_equal(vx_dns_name_check(big, out, &why), VX_E_TOOBIG);
}

static void test_dns_query(void **state)
{
	(void)state;
	uint8_t q[VX_DNS_QUERY_MAX];
	size_t len = 0;
	enum vx_dns_why why;
	static const uint8_t want[] = {0xab, 0xcd, 0x01, 0x00, 0,   1,	 0,   0,   0, 0, 0, 0, 3,
				       'w',  'w',  'w',	 4,    't', 'e', 's', 't', 0, 0, 1, 0, 1};

	assert_int_equal(vx_dns_query(q, sizeof(q), 0xabcd, "WWW.Test.", &len, &why), VX_OK);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(q, want, sizeof(want));
	assert_int_equal(vx_dns_query(q, sizeof(want) - 1, 1, "www.test", &len, &why), VX_E_TOOBIG);
	assert_int_equal(vx_dns_query(q, sizeof(q), 1, "a..b", &len, &why), VX_E_INVAL);
	assert_int_equal(why, VX_DNS_EMPTY_LABEL);
	/* The longest name fits VX_DNS_QUERY_MAX. */
	char big[254];
	memset(big, 'a', 253);
	for (int i = 63; i < 253; i += 64)
		big[i] = '.';
	big[253] = 0;
	assert_int_equal(vx_dns_query(q, sizeof(q), 1, big, &len, &why), VX_OK);
	assert_int_equal(len, VX_DNS_QUERY_MAX);
}

/* ----------------------------------------------------- good answers */

static void test_dns_answer_a(void **state)
{
	(void)state;
	struct mb m;

	head(&m, ID, RESP, 3, 0, "host.test");
	a_rec(&m, 300, 10, 9, 0, 5);
	a_rec(&m, 120, 10, 9, 0, 6);
	a_rec(&m, 500, 10, 9, 0, 5); /* a duplicate: kept once */
	assert_int_equal(parse(&m, "HOST.test."), VX_OK);
	assert_int_equal(ans.naddr, 2);
	assert_int_equal(ans.ttl, 120);
	assert_int_equal(ans.ncname, 0);
	assert_int_equal(ans.addr[0][3], 5);
	assert_int_equal(ans.addr[1][3], 6);
}

static void test_dns_answer_case_insensitive_question(void **state)
{
	(void)state;
	struct mb m;

	head(&m, ID, RESP, 1, 0, "HoSt.TeSt");
	a_named(&m, "HOST.TEST", 60, 7);
	assert_int_equal(parse(&m, "host.test"), VX_OK);
	assert_int_equal(ans.addr[0][3], 7);
}

static void test_dns_answer_too_many_addresses(void **state)
{
	(void)state;
	struct mb m;

	head(&m, ID, RESP, 12, 0, "many.test");
	for (int i = 0; i < 12; i++)
		a_rec(&m, 60, 10, 0, 0, (uint8_t)(i + 1));
	assert_int_equal(parse(&m, "many.test"), VX_OK);
	assert_int_equal(ans.naddr, VX_DNS_ADDRS_MAX);
	assert_int_equal(ans.addr[VX_DNS_ADDRS_MAX - 1][3], VX_DNS_ADDRS_MAX);
}

static void test_dns_ttl_zero(void **state)
{
	(void)state;
	struct mb m;

	head(&m, ID, RESP, 1, 0, "zero.test");
	a_rec(&m, 0, 10, 9, 0, 1);
	assert_int_equal(parse(&m, "zero.test"), VX_OK);
	assert_int_equal(ans.ttl, 0);
}

static void test_dns_ttl_huge(void **state)
{
	(void)state;
	struct mb m;

	head(&m, ID, RESP, 1, 0, "huge.test");
	a_rec(&m, 0x7fffffff, 10, 9, 0, 1);
	assert_int_equal(parse(&m, "huge.test"), VX_OK);
	assert_int_equal(ans.ttl, VX_DNS_TTL_MAX);
	/* The top bit set reads as 0 (RFC 2181). */
	head(&m, ID, RESP, 1, 0, "huge.test");
	a_rec(&m, 0x80000001u, 10, 9, 0, 1);
	assert_int_equal(parse(&m, "huge.test"), VX_OK);
	assert_int_equal(ans.ttl, 0);
}

static void test_dns_cname_chain(void **state)
{
	(void)state;
	struct mb m;

	head(&m, ID, RESP, 4, 0, "www.test");
	a_named(&m, "other.test", 5, 99); /* another name's A: ignored */
	cname(&m, "web.test", "real.test", 200);
	a_named(&m, "REAL.test", 300, 8);
	cname(&m, "www.test", "web.test", 100);
	assert_int_equal(parse(&m, "www.test"), VX_OK);
	assert_int_equal(ans.ncname, 2);
	assert_int_equal(ans.naddr, 1);
	assert_int_equal(ans.addr[0][3], 8);
	assert_int_equal(ans.ttl, 100);
}

static void test_dns_cname_chain_of_eight(void **state)
{
	(void)state;
	struct mb m;
	char a[16], b[16];

	head(&m, ID, RESP, VX_DNS_CNAME_MAX + 1, 0, "c0.test");
	for (unsigned i = 0; i < VX_DNS_CNAME_MAX; i++) {
		snprintf(a, sizeof(a), "c%u.test", i);
		snprintf(b, sizeof(b), "c%u.test", i + 1);
		cname(&m, a, b, 60);
	}
	snprintf(a, sizeof(a), "c%u.test", VX_DNS_CNAME_MAX);
	a_named(&m, a, 60, 1);
	assert_int_equal(parse(&m, "c0.test"), VX_OK);
	assert_int_equal(ans.ncname, VX_DNS_CNAME_MAX);
}

/* ----------------------------------------------------- not our answer */

static void test_dns_short(void **state)
{
	(void)state;
	struct mb m;

	head(&m, ID, RESP, 0, 0, "x.test");
	m.n = 11;
	REFUSED(&m, "x.test", VX_E_CORRUPT, VX_DNS_SHORT);
	assert_int_equal(vx_dns_parse(NULL, 0, ID, "x.test", &ans), VX_E_CORRUPT);
}

static void test_dns_long(void **state)
{
	(void)state;
	struct mb m;

	head(&m, ID, RESP, 1, 0, "x.test");
	a_rec(&m, 60, 1, 2, 3, 4);
	m.n = VX_DNS_MSG_MAX + 1; /* trailing bytes past 512 */
	REFUSED(&m, "x.test", VX_E_CORRUPT, VX_DNS_LONG);
}

static void test_dns_wrong_id(void **state)
{
	(void)state;
	struct mb m;

	head(&m, ID + 1, RESP, 1, 0, "x.test");
	a_rec(&m, 60, 1, 2, 3, 4);
	REFUSED(&m, "x.test", VX_E_AUTH, VX_DNS_WRONG_ID);
}

static void test_dns_qr_zero(void **state)
{
	(void)state;
	struct mb m;

	head(&m, ID, 0x0100, 1, 0, "x.test"); /* our own query reflected */
	a_rec(&m, 60, 1, 2, 3, 4);
	REFUSED(&m, "x.test", VX_E_AUTH, VX_DNS_NOT_RESPONSE);
}

static void test_dns_bad_opcode(void **state)
{
	(void)state;
	struct mb m;

	head(&m, ID, RESP | 2u << 11, 1, 0, "x.test");
	a_rec(&m, 60, 1, 2, 3, 4);
	REFUSED(&m, "x.test", VX_E_AUTH, VX_DNS_BAD_OPCODE);
}

static void test_dns_bad_qdcount(void **state)
{
	(void)state;
	struct mb m;

	head(&m, ID, RESP, 1, 0, "x.test");
	a_rec(&m, 60, 1, 2, 3, 4);
	m.b[5] = 0;
	REFUSED(&m, "x.test", VX_E_AUTH, VX_DNS_BAD_QDCOUNT);
	m.b[5] = 2;
	REFUSED(&m, "x.test", VX_E_AUTH, VX_DNS_BAD_QDCOUNT);
}

static void test_dns_wrong_question(void **state)
{
	(void)state;
	struct mb m;

	head(&m, ID, RESP, 1, 0, "y.test");
	a_rec(&m, 60, 1, 2, 3, 4);
	REFUSED(&m, "x.test", VX_E_AUTH, VX_DNS_WRONG_QUESTION);
	REFUSED(&m, "y.test.evil", VX_E_AUTH, VX_DNS_WRONG_QUESTION);
	head(&m, ID, RESP, 0, 0, "x.test");
	m.b[m.n - 3] = 28; /* AAAA */
	REFUSED(&m, "x.test", VX_E_AUTH, VX_DNS_WRONG_QUESTION);
	head(&m, ID, RESP, 0, 0, "x.test");
	m.b[m.n - 1] = 3; /* class CH */
	REFUSED(&m, "x.test", VX_E_AUTH, VX_DNS_WRONG_QUESTION);
}

static void test_dns_question_cut(void **state)
{
	(void)state;
	struct mb m;

	head(&m, ID, RESP, 0, 0, "x.test");
	m.n -= 2; /* no class */
	REFUSED(&m, "x.test", VX_E_CORRUPT, VX_DNS_COUNT_LIES);
}

static void test_dns_truncated(void **state)
{
	(void)state;
	struct mb m;

	head(&m, ID, RESP | 0x0200, 1, 0, "x.test");
	a_rec(&m, 60, 1, 2, 3, 4);
	REFUSED(&m, "x.test", VX_E_TOOBIG, VX_DNS_TRUNCATED);
}

static void test_dns_rcodes(void **state)
{
	(void)state;
	struct mb m;

	head(&m, ID, RESP | 2, 0, 0, "x.test");
	REFUSED(&m, "x.test", VX_E_AGAIN, VX_DNS_SERVFAIL);
	head(&m, ID, RESP | 5, 0, 0, "x.test");
	REFUSED(&m, "x.test", VX_E_REFUSED, VX_DNS_REFUSED);
	head(&m, ID, RESP | 1, 0, 0, "x.test");
	REFUSED(&m, "x.test", VX_E_NOSYS, VX_DNS_RCODE);
	head(&m, ID, RESP | 4, 0, 0, "x.test");
	REFUSED(&m, "x.test", VX_E_NOSYS, VX_DNS_RCODE);
	head(&m, ID, RESP | 9, 0, 0, "x.test");
	REFUSED(&m, "x.test", VX_E_NOSYS, VX_DNS_RCODE);
	assert_int_equal(ans.rcode, 9);
}

/* ----------------------------------------------------- negative answers */

static void test_dns_nxdomain_soa(void **state)
{
	(void)state;
	struct mb m;

	head(&m, ID, RESP | 3, 0, 1, "nope.test");
	soa(&m, 900, 120);
	REFUSED(&m, "nope.test", VX_E_NOTFOUND, VX_DNS_NXDOMAIN);
	assert_int_equal(ans.ttl, 120);
	head(&m, ID, RESP | 3, 0, 1, "nope.test");
	soa(&m, 30, 120);
	REFUSED(&m, "nope.test", VX_E_NOTFOUND, VX_DNS_NXDOMAIN);
	assert_int_equal(ans.ttl, 30);
	head(&m, ID, RESP | 3, 0, 1, "nope.test");
	soa(&m, 999999, 999999);
	REFUSED(&m, "nope.test", VX_E_NOTFOUND, VX_DNS_NXDOMAIN);
	assert_int_equal(ans.ttl, VX_DNS_NEG_TTL_MAX);
}

static void test_dns_nxdomain_no_soa(void **state)
{
	(void)state;
	struct mb m;

	head(&m, ID, RESP | 3, 0, 0, "nope.test");
	REFUSED(&m, "nope.test", VX_E_NOTFOUND, VX_DNS_NXDOMAIN);
	assert_int_equal(ans.ttl, 0);
}

static void test_dns_bad_soa(void **state)
{
	(void)state;
	struct mb m;

	/* rdlength one short: the five numbers do not fit it. */
	head(&m, ID, RESP | 3, 0, 1, "nope.test");
	size_t at = m.n;
	soa(&m, 900, 120);
	size_t rdlen_at = at + 6 + 8; /* "test" in wire form is 6 bytes */
	uint16_t rl = (uint16_t)(m.b[rdlen_at] << 8 | m.b[rdlen_at + 1]);
	m.b[rdlen_at + 1] = (uint8_t)(rl - 1);
	m.n--;
	REFUSED(&m, "nope.test", VX_E_CORRUPT, VX_DNS_BAD_SOA);
}

static void test_dns_zero_answers(void **state)
{
	(void)state;
	struct mb m;

	head(&m, ID, RESP, 0, 1, "empty.test");
	soa(&m, 600, 60);
	REFUSED(&m, "empty.test", VX_E_NOTFOUND, VX_DNS_NODATA);
	assert_int_equal(ans.ttl, 60);
}

static void test_dns_a_of_wrong_name(void **state)
{
	(void)state;
	struct mb m;

	head(&m, ID, RESP, 1, 0, "want.test");
	a_named(&m, "evil.test", 60, 66);
	REFUSED(&m, "want.test", VX_E_NOTFOUND, VX_DNS_NODATA);
	/* Nor the A of the name a CNAME left. */
	head(&m, ID, RESP, 2, 0, "want.test");
	cname(&m, "want.test", "there.test", 60);
	a_named(&m, "want.test", 60, 66);
	REFUSED(&m, "want.test", VX_E_NOTFOUND, VX_DNS_NODATA);
	assert_int_equal(ans.ncname, 1);
}

static void test_dns_a_wrong_class_ignored(void **state)
{
	(void)state;
	struct mb m;

	head(&m, ID, RESP, 1, 0, "x.test");
	a_rec(&m, 60, 1, 2, 3, 4);
	m.b[m.n - 4 - 6 - 3] = 3; /* class CH */
	assert_int_equal(m.b[m.n - 4 - 6 - 4], 0);
	REFUSED(&m, "x.test", VX_E_NOTFOUND, VX_DNS_NODATA);
}

static void test_dns_bad_a_len(void **state)
{
	(void)state;
	struct mb m;

	head(&m, ID, RESP, 1, 0, "x.test");
	ptr(&m, 12);
	rrfix(&m, VX_DNS_TYPE_A, 60, 5);
	u32(&m, 0x01020304);
	u8(&m, 5);
	REFUSED(&m, "x.test", VX_E_CORRUPT, VX_DNS_BAD_A_LEN);
}

/* ------------------------------------------------------- malformed */

static void test_dns_compression_loop(void **state)
{
	(void)state;
	struct mb m;

	head(&m, ID, RESP, 1, 0, "x.test");
	size_t at = m.n;
	ptr(&m, (uint16_t)at); /* a name that is a pointer to itself */
	rrfix(&m, VX_DNS_TYPE_A, 60, 4);
	u32(&m, 0x01020304);
	REFUSED(&m, "x.test", VX_E_CORRUPT, VX_DNS_PTR_FORWARD);
}

static void test_dns_forward_pointer(void **state)
{
	(void)state;
	struct mb m;

	head(&m, ID, RESP, 1, 0, "x.test");
	size_t at = m.n;
	ptr(&m, (uint16_t)(at + 2 + 10 + 4 - 1)); /* into its own rdata */
	rrfix(&m, VX_DNS_TYPE_A, 60, 4);
	u32(&m, 0x01020300);
	REFUSED(&m, "x.test", VX_E_CORRUPT, VX_DNS_PTR_FORWARD);
	/* Two pointers that point at each other: the forward one is refused. */
	head(&m, ID, RESP, 2, 0, "x.test");
	at = m.n;
	ptr(&m, (uint16_t)(at + 2 + 10 + 4)); /* to the next record's name */
	rrfix(&m, VX_DNS_TYPE_A, 60, 4);
	u32(&m, 0x01020304);
	ptr(&m, (uint16_t)at);
	rrfix(&m, VX_DNS_TYPE_A, 60, 4);
	u32(&m, 0x01020304);
	REFUSED(&m, "x.test", VX_E_CORRUPT, VX_DNS_PTR_FORWARD);
}

static void test_dns_pointer_past_end(void **state)
{
	(void)state;
	struct mb m;

	head(&m, ID, RESP, 1, 0, "x.test");
	u8(&m, 0xc0); /* half a pointer, then the end */
	REFUSED(&m, "x.test", VX_E_CORRUPT, VX_DNS_PTR_PAST_END);
	head(&m, ID, RESP, 1, 0, "x.test");
	u8(&m, 5); /* a label longer than what is left */
	u8(&m, 'a');
	REFUSED(&m, "x.test", VX_E_CORRUPT, VX_DNS_PTR_PAST_END);
}

static void test_dns_pointer_hops(void **state)
{
	(void)state;

	/* An unknown record whose rdata is sixteen pointers, each to the one
	 * before (the first to the question's name), then an A record whose
	 * name is a seventeenth to the last of them: all backward, too many. */
	struct mb r;
	uint16_t prev;
	head(&r, ID, RESP, 2, 0, "x.test");
	ptr(&r, 12);
	rrfix(&r, 99, 60, (uint16_t)(2 * VX_DNS_PTR_HOPS_MAX)); /* an unknown type: ignored */
	prev = 12;
	for (unsigned i = 0; i < VX_DNS_PTR_HOPS_MAX; i++) {
		uint16_t here = (uint16_t)r.n;
		ptr(&r, prev);
		prev = here;
	}
	ptr(&r, prev); /* the 17th */
	rrfix(&r, VX_DNS_TYPE_A, 60, 4);
	u32(&r, 0x01020304);
	REFUSED(&r, "x.test", VX_E_CORRUPT, VX_DNS_PTR_HOPS);
	/* Sixteen are fine. */
	head(&r, ID, RESP, 2, 0, "x.test");
	ptr(&r, 12);
	rrfix(&r, 99, 60, (uint16_t)(2 * (VX_DNS_PTR_HOPS_MAX - 1)));
	prev = 12;
	for (unsigned i = 0; i < VX_DNS_PTR_HOPS_MAX - 1; i++) {
		uint16_t here = (uint16_t)r.n;
		ptr(&r, prev);
		prev = here;
	}
	ptr(&r, prev);
	rrfix(&r, VX_DNS_TYPE_A, 60, 4);
	u32(&r, 0x01020304);
	assert_int_equal(parse(&r, "x.test"), VX_OK);
}

static void test_dns_label_over_63(void **state)
{
	(void)state;
	struct mb m;

	head(&m, ID, RESP, 1, 0, "x.test");
	u8(&m, 64); /* 0x40: the reserved label type 01 */
	memset(m.b + m.n, 'a', 64);
	m.n += 64;
	u8(&m, 0);
	rrfix(&m, VX_DNS_TYPE_A, 60, 4);
	u32(&m, 0x01020304);
	REFUSED(&m, "x.test", VX_E_CORRUPT, VX_DNS_BAD_LABEL);
	head(&m, ID, RESP, 1, 0, "x.test");
	u8(&m, 0x80); /* type 10 */
	u8(&m, 0);
	REFUSED(&m, "x.test", VX_E_CORRUPT, VX_DNS_BAD_LABEL);
}

static void test_dns_name_over_255(void **state)
{
	(void)state;
	struct mb m;

	/* Five labels of 63: 320 bytes in wire form. */
	head(&m, ID, RESP, 1, 0, "x.test");
	for (int i = 0; i < 5; i++) {
		u8(&m, 63);
		memset(m.b + m.n, 'a', 63);
		m.n += 63;
	}
	u8(&m, 0);
	rrfix(&m, VX_DNS_TYPE_A, 60, 4);
	u32(&m, 0x01020304);
	REFUSED(&m, "x.test", VX_E_CORRUPT, VX_DNS_WIRE_LONG);
	/* Built from pointers: 4 x 63 in one record, then a suffix that
	 * points back at it adds 64 more. */
	head(&m, ID, RESP, 2, 0, "x.test");
	size_t first = m.n;
	for (int i = 0; i < 3; i++) {
		u8(&m, 63);
		memset(m.b + m.n, 'b', 63);
		m.n += 63;
	}
	u8(&m, 0);
	rrfix(&m, 99, 60, 0);
	u8(&m, 63);
	memset(m.b + m.n, 'c', 63);
	m.n += 63;
	ptr(&m, (uint16_t)first); /* 64 + 193 = 257 bytes */
	rrfix(&m, VX_DNS_TYPE_A, 60, 4);
	u32(&m, 0x01020304);
	REFUSED(&m, "x.test", VX_E_CORRUPT, VX_DNS_WIRE_LONG);
}

static void test_dns_counts_lie(void **state)
{
	(void)state;
	struct mb m;

	head(&m, ID, RESP, 3, 0, "x.test"); /* three answers claimed, one sent */
	a_rec(&m, 60, 1, 2, 3, 4);
	REFUSED(&m, "x.test", VX_E_CORRUPT, VX_DNS_COUNT_LIES);
	head(&m, ID, RESP, 1, 2, "x.test"); /* two authority records claimed */
	a_rec(&m, 60, 1, 2, 3, 4);
	REFUSED(&m, "x.test", VX_E_CORRUPT, VX_DNS_COUNT_LIES);
	head(&m, ID, RESP, 1, 0, "x.test"); /* a record cut in its fixed part */
	a_rec(&m, 60, 1, 2, 3, 4);
	m.n -= 8;
	REFUSED(&m, "x.test", VX_E_CORRUPT, VX_DNS_COUNT_LIES);
	head(&m, ID, RESP, 0xffff, 0, "x.test");
	REFUSED(&m, "x.test", VX_E_CORRUPT, VX_DNS_COUNT_LIES);
}

static void test_dns_rdlength_past_end(void **state)
{
	(void)state;
	struct mb m;

	head(&m, ID, RESP, 1, 0, "x.test");
	ptr(&m, 12);
	rrfix(&m, VX_DNS_TYPE_A, 60, 400);
	u32(&m, 0x01020304);
	REFUSED(&m, "x.test", VX_E_CORRUPT, VX_DNS_RDATA_PAST_END);
}

static void test_dns_cname_loop(void **state)
{
	(void)state;
	struct mb m;

	head(&m, ID, RESP, 2, 0, "a.test");
	cname(&m, "a.test", "b.test", 60);
	cname(&m, "b.test", "A.test", 60);
	REFUSED(&m, "a.test", VX_E_CORRUPT, VX_DNS_CNAME_LOOP);
	head(&m, ID, RESP, 1, 0, "a.test");
	cname(&m, "a.test", "a.test", 60);
	REFUSED(&m, "a.test", VX_E_CORRUPT, VX_DNS_CNAME_LOOP);
	head(&m, ID, RESP, 3, 0, "a.test"); /* a loop that does not pass the start */
	cname(&m, "a.test", "b.test", 60);
	cname(&m, "b.test", "c.test", 60);
	cname(&m, "c.test", "b.test", 60);
	REFUSED(&m, "a.test", VX_E_CORRUPT, VX_DNS_CNAME_LOOP);
}

static void test_dns_cname_chain_too_long(void **state)
{
	(void)state;
	struct mb m;
	char a[16], b[16];

	head(&m, ID, RESP, VX_DNS_CNAME_MAX + 2, 0, "c0.test");
	for (unsigned i = 0; i <= VX_DNS_CNAME_MAX; i++) {
		snprintf(a, sizeof(a), "c%u.test", i);
		snprintf(b, sizeof(b), "c%u.test", i + 1);
		cname(&m, a, b, 60);
	}
	snprintf(a, sizeof(a), "c%u.test", VX_DNS_CNAME_MAX + 1);
	a_named(&m, a, 60, 1);
	REFUSED(&m, "c0.test", VX_E_CORRUPT, VX_DNS_CNAME_LONG);
}

static void test_dns_bad_cname(void **state)
{
	(void)state;
	struct mb m;

	head(&m, ID, RESP, 1, 0, "a.test");
	name(&m, "a.test");
	rrfix(&m, VX_DNS_TYPE_CNAME, 60, 9); /* "b.test" is 8 bytes: one to spare */
	name(&m, "b.test");
	u8(&m, 0);
	REFUSED(&m, "a.test", VX_E_CORRUPT, VX_DNS_BAD_CNAME);
}

static void test_dns_invalid_query_name(void **state)
{
	(void)state;
	struct mb m;

	head(&m, ID, RESP, 0, 0, "x.test");
	REFUSED(&m, "a..b", VX_E_INVAL, VX_DNS_EMPTY_LABEL);
}

static void test_dns_why_names(void **state)
{
	(void)state;
	for (int i = 0; i < VX_DNS_WHY_COUNT; i++) {
		assert_non_null(vx_dns_why_name((enum vx_dns_why)i));
		for (int k = 0; k < i; k++)
			assert_string_not_equal(vx_dns_why_name((enum vx_dns_why)i),
						vx_dns_why_name((enum vx_dns_why)k));
	}
	assert_null(vx_dns_why_name(VX_DNS_WHY_COUNT));
	assert_null(vx_dns_why_name((enum vx_dns_why) - 1));
}

/* ----------------------------------------------------------- dnspython */

#define ORACLE "tests/host/dns_oracle.py"

static const char *verdict_of(int rc)
{
	switch (rc) {
	case VX_OK:
		return "ok";
	case VX_E_TOOBIG:
		return "truncated";
	case VX_E_AGAIN:
		return "servfail";
	case VX_E_REFUSED:
		return "refused";
	case VX_E_NOSYS:
		return "rcode";
	case VX_E_CORRUPT:
		return "corrupt";
	case VX_E_NOTFOUND:
		return ans.why == VX_DNS_NXDOMAIN ? "nxdomain" : "nodata";
	default:
		return "?";
	}
}

static int addr_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 4);
}

/* Responses dnspython wrote, and its reading of them: ours must agree on
 * the verdict, the TTL and the addresses.  Skipped without dnspython
 * (python3-dnspython, scripts/install-deps.sh). */
static void test_dns_agrees_with_dnspython(void **state)
{
	(void)state;
	static char line[4096], hex[2048], qname[300], verdict[32], addrs[512];
	static uint8_t msg[1024];
	unsigned id, ttl;
	int count = 0, ok = 0;

	if (access(ORACLE, R_OK) != 0 ||
	    system("/usr/bin/python3 -c 'import dns.message' 2>/dev/null") != 0)
		skip();
	FILE *p = popen("/usr/bin/python3 " ORACLE " build 7 3000", "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		assert_int_equal(sscanf(line, "%2047s %u %299s %31s %u %511s", hex, &id, qname,
					verdict, &ttl, addrs),
				 6);
		size_t n = strlen(hex) / 2;
		assert_true(n <= VX_DNS_MSG_MAX);
		for (size_t i = 0; i < n; i++)
			sscanf(hex + 2 * i, "%2hhx", &msg[i]);
		int rc = vx_dns_parse(msg, n, (uint16_t)id, qname, &ans);
		if (strcmp(verdict_of(rc), verdict) != 0)
			fail_msg("line %d: %s: we say %s (%s), dnspython %s", count + 1, qname,
				 verdict_of(rc), vx_dns_why_name(ans.why), verdict);
		if (rc == VX_OK || rc == VX_E_NOTFOUND)
			assert_int_equal(ans.ttl, ttl);
		char mine[512] = "-";
		if (ans.naddr) {
			uint8_t sorted[VX_DNS_ADDRS_MAX][4];
			memcpy(sorted, ans.addr, sizeof(sorted));
			qsort(sorted, ans.naddr, 4, addr_cmp);
			size_t o = 0;
			for (uint32_t i = 0; i < ans.naddr; i++)
				o += (size_t)snprintf(mine + o, sizeof(mine) - o, "%s%u.%u.%u.%u",
						      i ? "," : "", sorted[i][0], sorted[i][1],
						      sorted[i][2], sorted[i][3]);
		}
		assert_string_equal(mine, addrs);
		/* The same message under another id is not ours. */
		assert_int_equal(vx_dns_parse(msg, n, (uint16_t)(id + 1), qname, &ans), VX_E_AUTH);
		ok += rc == VX_OK;
		count++;
	}
	assert_int_equal(pclose(p), 0);
	assert_int_equal(count, 3000);
	assert_true(ok > 500); /* the mix really has answers */
}

/* ------------------------------------------------------------------ cache */

static struct vx_dns_cache cache;
static const uint8_t A1[1][4] = {{10, 0, 0, 1}};
static const uint8_t A2[2][4] = {{10, 0, 0, 2}, {10, 0, 0, 3}};

static void test_dns_cache_basic(void **state)
{
	(void)state;
	struct vx_dns_entry e;

	vx_dns_cache_init(&cache);
	assert_int_equal(vx_dns_cache_lookup(&cache, "a.test", 0, &e), VX_E_EMPTY);
	assert_int_equal(vx_dns_cache_insert(&cache, "A.Test.", A2, 2, 10, 100), VX_OK);
	assert_int_equal(vx_dns_cache_lookup(&cache, "a.TEST", 100, &e), VX_OK);
	assert_int_equal(e.naddr, 2);
	assert_memory_equal(e.addr, A2, 8);
	assert_string_equal(e.name, "a.test");
	assert_int_equal(e.expires, 100 + 10 * SEC);
	/* Good until the last nanosecond, gone at the deadline. */
	assert_int_equal(vx_dns_cache_lookup(&cache, "a.test", 100 + 10 * SEC - 1, NULL), VX_OK);
	assert_int_equal(vx_dns_cache_lookup(&cache, "a.test", 100 + 10 * SEC, NULL), VX_E_EMPTY);
	assert_int_equal(vx_dns_cache_used(&cache), 0);
	assert_int_equal(cache.expired, 1);
	assert_int_equal(cache.hits, 2);
	assert_int_equal(cache.misses, 2);
}

static void test_dns_cache_negative_and_zero(void **state)
{
	(void)state;
	vx_dns_cache_init(&cache);
	assert_int_equal(vx_dns_cache_insert(&cache, "nope.test", NULL, 0, 5, 0), VX_OK);
	assert_int_equal(vx_dns_cache_lookup(&cache, "nope.test", 1, NULL), VX_E_NOTFOUND);
	assert_int_equal(cache.neg_hits, 1);
	assert_int_equal(vx_dns_cache_insert(&cache, "zero.test", A1, 1, 0, 0), VX_OK);
	assert_int_equal(vx_dns_cache_lookup(&cache, "zero.test", 0, NULL), VX_E_EMPTY);
	assert_int_equal(vx_dns_cache_insert(&cache, "a..b", A1, 1, 5, 0), VX_E_INVAL);
	assert_int_equal(vx_dns_cache_insert(&cache, "x.test", A1, VX_DNS_ADDRS_MAX + 1, 5, 0),
			 VX_E_INVAL);
	assert_int_equal(vx_dns_cache_lookup(&cache, "a..b", 0, NULL), VX_E_EMPTY);
	/* A positive answer replaces the negative entry. */
	assert_int_equal(vx_dns_cache_insert(&cache, "nope.test", A1, 1, 5, 2), VX_OK);
	assert_int_equal(vx_dns_cache_lookup(&cache, "nope.test", 3, NULL), VX_OK);
	assert_int_equal(vx_dns_cache_used(&cache), 1);
}

static void test_dns_cache_ttl_cap(void **state)
{
	(void)state;
	struct vx_dns_entry e;

	vx_dns_cache_init(&cache);
	assert_int_equal(vx_dns_cache_insert(&cache, "x.test", A1, 1, UINT32_MAX, 0), VX_OK);
	assert_int_equal(vx_dns_cache_lookup(&cache, "x.test", 0, &e), VX_OK);
	assert_int_equal(e.expires, (uint64_t)VX_DNS_TTL_MAX * SEC);
}

static void test_dns_cache_lru(void **state)
{
	(void)state;
	char n[32];

	vx_dns_cache_init(&cache);
	for (unsigned i = 0; i < VX_DNS_CACHE_ENTRIES; i++) {
		snprintf(n, sizeof(n), "n%u.test", i);
		assert_int_equal(vx_dns_cache_insert(&cache, n, A1, 1, 100, 0), VX_OK);
	}
	/* n0 is used again: n1 is now the least recently used. */
	assert_int_equal(vx_dns_cache_lookup(&cache, "n0.test", 1, NULL), VX_OK);
	assert_int_equal(vx_dns_cache_insert(&cache, "new.test", A1, 1, 100, 2), VX_OK);
	assert_int_equal(cache.evicted, 1);
	assert_int_equal(vx_dns_cache_lookup(&cache, "n1.test", 3, NULL), VX_E_EMPTY);
	assert_int_equal(vx_dns_cache_lookup(&cache, "n0.test", 3, NULL), VX_OK);
	assert_int_equal(vx_dns_cache_lookup(&cache, "new.test", 3, NULL), VX_OK);
	assert_int_equal(vx_dns_cache_used(&cache), VX_DNS_CACHE_ENTRIES);
	/* An expired entry is reused before anything is evicted. */
	assert_int_equal(vx_dns_cache_insert(&cache, "short.test", A1, 1, 1, 3), VX_OK);
	assert_int_equal(cache.evicted, 2);
	assert_int_equal(vx_dns_cache_insert(&cache, "later.test", A1, 1, 100, 3 + 2 * SEC), VX_OK);
	assert_int_equal(cache.evicted, 2);
	assert_int_equal(vx_dns_cache_lookup(&cache, "short.test", 3 + 2 * SEC, NULL), VX_E_EMPTY);
}

static void test_dns_cache_list_expire_flush(void **state)
{
	(void)state;
	struct vx_dns_entry e;

	vx_dns_cache_init(&cache);
	vx_dns_cache_insert(&cache, "a.test", A1, 1, 1, 0);
	vx_dns_cache_insert(&cache, "b.test", A1, 1, 10, 0);
	vx_dns_cache_insert(&cache, "c.test", NULL, 0, 10, 0);
	int s = vx_dns_cache_next(&cache, 0, 0, &e);
	assert_int_equal(s, 0);
	assert_string_equal(e.name, "a.test");
	/* a.test has expired at 1 s: listing skips it. */
	s = vx_dns_cache_next(&cache, 0, SEC, &e);
	assert_int_equal(s, 1);
	s = vx_dns_cache_next(&cache, (uint32_t)s + 1, SEC, &e);
	assert_int_equal(s, 2);
	assert_true(e.negative);
	assert_int_equal(vx_dns_cache_next(&cache, 3, SEC, &e), VX_E_NOTFOUND);
	assert_int_equal(vx_dns_cache_next(&cache, 1000, SEC, &e), VX_E_NOTFOUND);
	assert_int_equal(vx_dns_cache_expire(&cache, SEC), 1);
	assert_int_equal(vx_dns_cache_used(&cache), 2);
	assert_int_equal(vx_dns_cache_flush(&cache), 2);
	assert_int_equal(vx_dns_cache_used(&cache), 0);
	assert_int_equal(vx_dns_cache_next(&cache, 0, SEC, &e), VX_E_NOTFOUND);
}

/* ------------------------------------------------------------ hosts file */

static struct vx_hosts hosts;
static uint32_t bad_lines[64], bad_whys[64], nbad;

static void on_bad(void *ctx, uint32_t line, enum vx_dns_why why)
{
	(void)ctx;
	if (nbad < 64) {
		bad_lines[nbad] = line;
		bad_whys[nbad] = why;
	}
	nbad++;
}

static uint32_t hosts_of(const char *text)
{
	nbad = 0;
	return vx_hosts_parse(&hosts, text, strlen(text), on_bad, NULL);
}

static void test_hosts_good(void **state)
{
	(void)state;
	uint8_t a[VX_DNS_ADDRS_MAX][4];

	assert_int_equal(hosts_of("# the hosts\n"
				  "127.0.0.1\tlocalhost  Loopback.\r\n"
				  "\n"
				  "   \t \n"
				  "10.9.0.1 gw.test gw # the router\n"
				  "10.9.0.7 gw.test\n"
				  "10.9.0.1 gw"),
			 0);
	assert_int_equal(hosts.lines, 7);
	assert_int_equal(hosts.n, 6);
	assert_int_equal(vx_hosts_lookup(&hosts, "LOCALHOST", a, VX_DNS_ADDRS_MAX), 1);
	assert_int_equal(a[0][0], 127);
	assert_int_equal(vx_hosts_lookup(&hosts, "loopback", a, VX_DNS_ADDRS_MAX), 1);
	assert_int_equal(vx_hosts_lookup(&hosts, "gw.test", a, VX_DNS_ADDRS_MAX), 2);
	assert_int_equal(a[0][3], 1);
	assert_int_equal(a[1][3], 7);
	assert_int_equal(vx_hosts_lookup(&hosts, "gw", a, VX_DNS_ADDRS_MAX), 1);
	assert_int_equal(vx_hosts_lookup(&hosts, "gw.test", a, 1), 1);
	assert_int_equal(vx_hosts_lookup(&hosts, "nothere", a, VX_DNS_ADDRS_MAX), 0);
	assert_int_equal(vx_hosts_lookup(&hosts, "a..b", a, VX_DNS_ADDRS_MAX), 0);
	assert_int_equal(hosts_of(""), 0);
	assert_int_equal(hosts.n, 0);
}

static void test_hosts_bad_lines(void **state)
{
	(void)state;
	char text[2048];
	char longline[VX_HOSTS_LINE_MAX + 8];

	memset(longline, 'a', sizeof(longline) - 1);
	memcpy(longline, "1.2.3.4 ", 8);
	longline[sizeof(longline) - 1] = 0;
	snprintf(text, sizeof(text),
		 "1.2.3.4 ok1\n"	       /* 1 */
		 "::1 localhost\n"	       /* 2 not-ipv4 */
		 "1.2.3 short\n"	       /* 3 bad-addr */
		 "256.1.1.1 big\n"	       /* 4 bad-addr */
		 "1.2.3.4\n"		       /* 5 no-name */
		 "1.2.3.4 # only a comment\n"  /* 6 no-name */
		 "1.2.3.4 a b c d e f g h i\n" /* 7 too-many-names */
		 "1.2.3.4 bad*name\n"	       /* 8 bad-char */
		 "1.2.3.4 a..b\n"	       /* 9 empty-label */
		 "1.2.3.4 "
		 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n" /* 10 label */
		 "%s\n"			     /* 11 line-long */
		 "1.2.3.4 a b c d e f g h\n" /* 12: eight names, fine */
		 "5.6.7.8 ok2\n",	     /* 13 */
		 longline);
	assert_int_equal(hosts_of(text), 10);
	static const uint32_t want_line[] = {2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
	static const uint32_t want_why[] = {
	    VX_DNS_NOT_IPV4,   VX_DNS_BAD_ADDR,	      VX_DNS_BAD_ADDR, VX_DNS_NO_NAME,
	    VX_DNS_NO_NAME,    VX_DNS_TOO_MANY_NAMES, VX_DNS_BAD_CHAR, VX_DNS_EMPTY_LABEL,
	    VX_DNS_LABEL_LONG, VX_DNS_LINE_LONG};
	assert_int_equal(nbad, 10);
	for (int i = 0; i < 10; i++) {
		assert_int_equal(bad_lines[i], want_line[i]);
		assert_string_equal(vx_dns_why_name(bad_whys[i]), vx_dns_why_name(want_why[i]));
	}
	assert_int_equal(hosts.n, 10);
	uint8_t a[VX_DNS_ADDRS_MAX][4];
	assert_int_equal(vx_hosts_lookup(&hosts, "ok2", a, VX_DNS_ADDRS_MAX), 1);
	assert_int_equal(vx_hosts_lookup(&hosts, "localhost", a, VX_DNS_ADDRS_MAX), 0);
}

static void test_hosts_nul_byte(void **state)
{
	(void)state;
	static const char text[] = "1.2.3.4 a\0b\n5.6.7.8 c\n";

	nbad = 0;
	assert_int_equal(vx_hosts_parse(&hosts, text, sizeof(text) - 1, on_bad, NULL), 1);
	assert_int_equal(bad_lines[0], 1);
	assert_int_equal(bad_whys[0], VX_DNS_NUL_BYTE);
	assert_int_equal(hosts.n, 1);
}

static void test_hosts_full(void **state)
{
	(void)state;
	static char text[8192];
	size_t n = 0;

	/* 30 names, then a line of 4 (over 32): it and every line after are
	 * refused, even one that alone would fit. */
	for (int i = 0; i < 30; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "10.0.0.%d h%d\n", i, i);
	n += (size_t)snprintf(text + n, sizeof(text) - n, "10.0.1.1 a b c d\n");
	n += (size_t)snprintf(text + n, sizeof(text) - n, "10.0.1.2 e\n");
	n += (size_t)snprintf(text + n, sizeof(text) - n, "\n# comment\n");
	assert_int_equal(hosts_of(text), 2);
	assert_int_equal(bad_lines[0], 31);
	assert_int_equal(bad_whys[0], VX_DNS_HOSTS_FULL);
	assert_int_equal(bad_lines[1], 32);
	assert_int_equal(bad_whys[1], VX_DNS_HOSTS_FULL);
	assert_int_equal(hosts.n, 30);
	assert_int_equal(hosts.lines, 34);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dns_names),
	    cmocka_unit_test(test_dns_query),
	    cmocka_unit_test(test_dns_answer_a),
	    cmocka_unit_test(test_dns_answer_case_insensitive_question),
	    cmocka_unit_test(test_dns_answer_too_many_addresses),
	    cmocka_unit_test(test_dns_ttl_zero),
	    cmocka_unit_test(test_dns_ttl_huge),
	    cmocka_unit_test(test_dns_cname_chain),
	    cmocka_unit_test(test_dns_cname_chain_of_eight),
	    cmocka_unit_test(test_dns_short),
	    cmocka_unit_test(test_dns_long),
	    cmocka_unit_test(test_dns_wrong_id),
	    cmocka_unit_test(test_dns_qr_zero),
	    cmocka_unit_test(test_dns_bad_opcode),
	    cmocka_unit_test(test_dns_bad_qdcount),
	    cmocka_unit_test(test_dns_wrong_question),
	    cmocka_unit_test(test_dns_question_cut),
	    cmocka_unit_test(test_dns_truncated),
	    cmocka_unit_test(test_dns_rcodes),
	    cmocka_unit_test(test_dns_nxdomain_soa),
	    cmocka_unit_test(test_dns_nxdomain_no_soa),
	    cmocka_unit_test(test_dns_bad_soa),
	    cmocka_unit_test(test_dns_zero_answers),
	    cmocka_unit_test(test_dns_a_of_wrong_name),
	    cmocka_unit_test(test_dns_a_wrong_class_ignored),
	    cmocka_unit_test(test_dns_bad_a_len),
	    cmocka_unit_test(test_dns_compression_loop),
	    cmocka_unit_test(test_dns_forward_pointer),
	    cmocka_unit_test(test_dns_pointer_past_end),
	    cmocka_unit_test(test_dns_pointer_hops),
	    cmocka_unit_test(test_dns_label_over_63),
	    cmocka_unit_test(test_dns_name_over_255),
	    cmocka_unit_test(test_dns_counts_lie),
	    cmocka_unit_test(test_dns_rdlength_past_end),
	    cmocka_unit_test(test_dns_cname_loop),
	    cmocka_unit_test(test_dns_cname_chain_too_long),
	    cmocka_unit_test(test_dns_bad_cname),
	    cmocka_unit_test(test_dns_invalid_query_name),
	    cmocka_unit_test(test_dns_why_names),
	    cmocka_unit_test(test_dns_agrees_with_dnspython),
	    cmocka_unit_test(test_dns_cache_basic),
	    cmocka_unit_test(test_dns_cache_negative_and_zero),
	    cmocka_unit_test(test_dns_cache_ttl_cap),
	    cmocka_unit_test(test_dns_cache_lru),
	    cmocka_unit_test(test_dns_cache_list_expire_flush),
	    cmocka_unit_test(test_hosts_good),
	    cmocka_unit_test(test_hosts_bad_lines),
	    cmocka_unit_test(test_hosts_nul_byte),
	    cmocka_unit_test(test_hosts_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
