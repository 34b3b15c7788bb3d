/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host tests of vpkg's pure parts (services/vpkg/pure_bundle.c): the
 * footprint -> Bundle table, the builder's refusals (not allowed, not
 * grantable, too many), facets sharing one slot, the store path, and
 * request decoding with hostile lengths, names and ops.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>
#include "vectra/proto/identity.h"
#include "../../services/vpkg/pure_bundle.h"

static struct vt_cap cap(const char *s)
{
	struct vt_cap c;

	memset(&c, 0, sizeof(c));
	c.len = (uint8_t)strlen(s);
	memcpy(c.s, s, c.len);
	return c;
}

static struct vt_cap allow[8];
static size_t nallow;

static int setup(void **state)
{
	static const char *names[] = {"console",	 "fs",	    "identity.sign",
				      "identity.status", "net.raw", "ns"};
	(void)state;
	nallow = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		allow[nallow++] = cap(names[i]);
	return 0;
}

static void test_table(void **state)
{
	struct pkg_grant g;

	(void)state;
	assert_int_equal(pkg_grant_of("console", 7, &g), VX_OK);
	assert_int_equal(g.kind, PKG_GRANT_CONNECT);
	assert_string_equal(g.slot, "console");
	assert_string_equal(g.target, "console");
	assert_string_equal(g.cap, "console");
	assert_int_equal(pkg_grant_of("identity.sign", 13, &g), VX_OK);
	assert_int_equal(g.kind, PKG_GRANT_IDENTITY);
	assert_string_equal(g.slot, "identity");
	assert_int_equal(g.rights, ID_FACET_SIGN);
	assert_int_equal(pkg_grant_of("identity.status", 15, &g), VX_OK);
	assert_int_equal(g.rights, ID_FACET_STATUS);
	/* Names that are not in the table, prefixes and extensions of names
	 * that are, and the full-rights connection itself. */
	assert_int_equal(pkg_grant_of("net.raw", 7, &g), PKG_E_UNGRANTABLE);
	assert_int_equal(pkg_grant_of("identity", 8, &g), PKG_E_UNGRANTABLE);
	assert_int_equal(pkg_grant_of("init", 4, &g), PKG_E_UNGRANTABLE);
	assert_int_equal(pkg_grant_of("consol", 6, &g), PKG_E_UNGRANTABLE);
	assert_int_equal(pkg_grant_of("console", 6, &g), PKG_E_UNGRANTABLE);
	assert_int_equal(pkg_grant_of("consolex", 8, &g), PKG_E_UNGRANTABLE);
	assert_int_equal(pkg_grant_of("", 0, &g), PKG_E_UNGRANTABLE);
}

/* The demo's footprint becomes exactly two entries. */
static void test_build(void **state)
{
	struct vt_cap foot[] = {cap("console"), cap("identity.sign")};
	struct pkg_grant out[PKG_GRANTS];

	(void)state;
	assert_int_equal(pkg_bundle_build(foot, 2, allow, nallow, out, PKG_GRANTS), 2);
	assert_string_equal(out[0].slot, "console");
	assert_int_equal(out[0].kind, PKG_GRANT_CONNECT);
	assert_string_equal(out[1].slot, "identity");
	assert_int_equal(out[1].rights, ID_FACET_SIGN);
	/* An empty footprint is an empty Bundle. */
	assert_int_equal(pkg_bundle_build(foot, 0, allow, nallow, out, PKG_GRANTS), 0);
}

static void test_refusals(void **state)
{
	struct vt_cap notallowed[] = {cap("console"), cap("storage")};
	struct vt_cap ungrantable[] = {cap("console"), cap("net.raw")};
	struct vt_cap many[] = {cap("console"), cap("fs"), cap("ns")};
	struct vt_cap empty = {0};
	struct pkg_grant out[PKG_GRANTS];

	(void)state;
	assert_int_equal(pkg_bundle_build(notallowed, 2, allow, nallow, out, PKG_GRANTS),
			 VT_E_FOOTPRINT);
	/* Allowed by the policy, but this machine cannot grant it. */
	assert_int_equal(pkg_bundle_build(ungrantable, 2, allow, nallow, out, PKG_GRANTS),
			 PKG_E_UNGRANTABLE);
	/* Nothing is allowed by an empty policy. */
	assert_int_equal(pkg_bundle_build(many, 1, allow, 0, out, PKG_GRANTS), VT_E_FOOTPRINT);
	assert_int_equal(pkg_bundle_build(many, 3, allow, nallow, out, 2), VX_E_TOOBIG);
	assert_int_equal(pkg_bundle_build(many, 3, allow, nallow, out, 3), 3);
	assert_int_equal(pkg_bundle_build(&empty, 1, allow, nallow, out, PKG_GRANTS), VT_E_FIELD);
	empty.len = VT_CAP_MAX + 1;
	assert_int_equal(pkg_bundle_build(&empty, 1, allow, nallow, out, PKG_GRANTS), VT_E_FIELD);
}

/* Two facets of identityd share its slot: one entry, the union. */
static void test_one_slot(void **state)
{
	struct vt_cap foot[] = {cap("identity.sign"), cap("identity.status")};
	struct pkg_grant out[PKG_GRANTS];

	(void)state;
	assert_int_equal(pkg_bundle_build(foot, 2, allow, nallow, out, PKG_GRANTS), 1);
	assert_int_equal(out[0].rights, ID_FACET_SIGN);
	/* It needs no room of its own. */
	assert_int_equal(pkg_bundle_build(foot, 2, allow, nallow, out, 1), 1);
}

static void test_store_path(void **state)
{
	uint8_t v[32];
	char p[72];

	(void)state;
	for (int i = 0; i < 32; i++)
		v[i] = (uint8_t)(0xa0 + i);
	pkg_store_path(p, v);
	assert_int_equal(strlen(p), 4 + 2 + 1 + 62);
	assert_memory_equal(p, "pkg/a0/a1a2", 11);
	assert_string_equal(p + 67, "bf");
}

static struct vx_msg msg(uint32_t op, const void *data, uint16_t len)
{
	struct vx_msg m;

	memset(&m, 0, sizeof(m));
	m.op = op;
	m.len = len;
	if (len)
		memcpy(m.data, data, len);
	return m;
}

static void test_decode(void **state)
{
	struct pkg_req r;
	struct vx_msg m;
	uint8_t b[VX_MSG_DATA];
	uint32_t i = 3;

	(void)state;
	m = msg(PKG_INSTALL, "SYS:pkg/demo.vpkg", 18);
	assert_int_equal(pkg_decode(&m, &r), VX_OK);
	assert_string_equal(r.name, "SYS:pkg/demo.vpkg");
	/* Not terminated inside the message, empty, or no data. */
	m = msg(PKG_INSTALL, "SYS:pkg/demo.vpkg", 17);
	assert_int_equal(pkg_decode(&m, &r), VX_E_INVAL);
	m = msg(PKG_INSTALL, "", 1);
	assert_int_equal(pkg_decode(&m, &r), VX_E_INVAL);
	m = msg(PKG_INSTALL, "", 0);
	assert_int_equal(pkg_decode(&m, &r), VX_E_INVAL);
	memset(b, 'x', sizeof(b));
	m = msg(PKG_INFO, b, VX_MSG_DATA);
	assert_int_equal(pkg_decode(&m, &r), VX_E_INVAL);

	m = msg(PKG_LIST, &i, 4);
	assert_int_equal(pkg_decode(&m, &r), VX_OK);
	assert_int_equal(r.index, 3);
	m = msg(PKG_LIST, &i, 3);
	assert_int_equal(pkg_decode(&m, &r), VX_E_INVAL);
	memset(b, 0, sizeof(b));
	m = msg(PKG_LIST, b, 5);
	assert_int_equal(pkg_decode(&m, &r), VX_E_INVAL);

	m = msg(PKG_INFO, "demo", 5);
	assert_int_equal(pkg_decode(&m, &r), VX_OK);
	/* Package names follow the manifest's name rule. */
	m = msg(PKG_INFO, "Demo", 5);
	assert_int_equal(pkg_decode(&m, &r), VX_E_INVAL);
	m = msg(PKG_INFO, "de/mo", 6);
	assert_int_equal(pkg_decode(&m, &r), VX_E_INVAL);
	m = msg(PKG_INFO, "abcdefghijabcdefghijabcdefghijabc", 34);
	assert_int_equal(pkg_decode(&m, &r), VX_E_INVAL);

	memcpy(b, &i, 4);
	memcpy(b + 4, "demo", 5);
	m = msg(PKG_GRANT, b, 9);
	assert_int_equal(pkg_decode(&m, &r), VX_OK);
	assert_int_equal(r.index, 3);
	assert_string_equal(r.name, "demo");
	m = msg(PKG_GRANT, b, 3);
	assert_int_equal(pkg_decode(&m, &r), VX_E_INVAL);
	m = msg(PKG_GRANT, b, 4);
	assert_int_equal(pkg_decode(&m, &r), VX_E_INVAL);

	m = msg(0, NULL, 0);
	assert_int_equal(pkg_decode(&m, &r), VX_E_NOSYS);
	m = msg(0xffffffffu, NULL, 0);
	assert_int_equal(pkg_decode(&m, &r), VX_E_NOSYS);
	m = msg(5, NULL, 0);
	assert_int_equal(pkg_decode(&m, &r), VX_E_NOSYS);
}

/* Every op and length with random bytes: only documented answers. */
static void test_decode_random(void **state)
{
	struct pkg_req r;
	struct vx_msg m;
	uint32_t x = 12345;

	(void)state;
	for (int n = 0; n < 20000; n++) {
		memset(&m, 0, sizeof(m));
		m.op = (uint32_t)(n % 7);
		m.len = (uint16_t)(n % (VX_MSG_DATA + 1));
		for (uint32_t i = 0; i < VX_MSG_DATA; i++) {
			x = x * 1103515245u + 12345u;
			m.data[i] = (uint8_t)(x >> 24) & (n & 1 ? 0x7f : 0xff);
		}
		int rc = pkg_decode(&m, &r);
		assert_true(rc == VX_OK || rc == VX_E_INVAL || rc == VX_E_NOSYS);
		if (rc == VX_OK && m.op != PKG_LIST)
			assert_true(strlen(r.name) > 0 && strlen(r.name) < VX_MSG_DATA);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table),	  cmocka_unit_test(test_build),
	    cmocka_unit_test(test_refusals),	  cmocka_unit_test(test_one_slot),
	    cmocka_unit_test(test_store_path),	  cmocka_unit_test(test_decode),
	    cmocka_unit_test(test_decode_random),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
