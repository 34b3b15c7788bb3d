/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host tests of identityd's request decoding (services/identityd/pure_id.c):
 * every op with every right set, every length edge, hostile MINT rights,
 * and unknown ops, each with its documented error (vectra/proto/identity.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>
#include "../../services/identityd/pure_id.h"

static struct vx_msg msg(uint32_t op, uint16_t len)
{
	struct vx_msg m;

	memset(&m, 0, sizeof(m));
	m.op = op;
	m.len = len;
	/* Text for a passphrase or message; an UNMINT id of 0. */
	for (uint16_t i = 0; i < len && i < VX_MSG_DATA && op != ID_UNMINT; i++)
		m.data[i] = (uint8_t)('a' + i % 26);
	return m;
}

static int dec(uint32_t op, uint16_t len, uint32_t rights)
{
	struct vx_msg m = msg(op, len);
	struct id_req r;

	return id_decode(&m, rights, &r);
}

static int mint(uint32_t want, uint32_t rights, uint16_t len)
{
	struct vx_msg m = msg(ID_MINT, len);
	struct id_req r;

	memcpy(m.data, &want, 4);
	return id_decode(&m, rights, &r);
}

/* Each op needs its own right, and nothing else gives it. */
static void test_rights(void **state)
{
	static const struct {
		uint32_t op, right;
		uint16_t len;
	} ops[] = {{ID_STATUS, ID_RIGHT_STATUS, 0},
		   {ID_LOGIN, ID_RIGHT_LOGIN, 6},
		   {ID_LOCK, ID_RIGHT_LOGIN, 0},
		   {ID_SIGN, ID_RIGHT_SIGN, 10},
		   {ID_UNMINT, ID_RIGHT_MINT, 4}};
	(void)state;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		for (uint32_t rights = 0; rights <= ID_RIGHTS_ALL; rights++) {
			int want = (rights & ops[i].right) ? VX_OK : ID_E_DENIED;
			assert_int_equal(dec(ops[i].op, ops[i].len, rights), want);
		}
		assert_int_equal(id_right_of(ops[i].op), ops[i].right);
	}
	/* The two facets: a sign facet cannot log in, lock or mint. */
	assert_int_equal(dec(ID_LOGIN, 6, ID_FACET_SIGN), ID_E_DENIED);
	assert_int_equal(dec(ID_LOCK, 0, ID_FACET_SIGN), ID_E_DENIED);
	assert_int_equal(mint(ID_FACET_STATUS, ID_FACET_SIGN, 4), ID_E_DENIED);
	assert_int_equal(dec(ID_SIGN, 10, ID_FACET_STATUS), ID_E_DENIED);
	assert_int_equal(dec(ID_STATUS, 0, ID_FACET_STATUS), VX_OK);
}

/* A refusal for a missing right comes before any look at the data. */
static void test_denied_before_data(void **state)
{
	(void)state;
	assert_int_equal(dec(ID_SIGN, 0, ID_FACET_STATUS), ID_E_DENIED);
	assert_int_equal(dec(ID_SIGN, VX_MSG_DATA, ID_FACET_STATUS), ID_E_DENIED);
	assert_int_equal(dec(ID_LOGIN, 0, ID_FACET_SIGN), ID_E_DENIED);
}

static void test_lengths(void **state)
{
	struct vx_msg m;
	struct id_req r;

	(void)state;
	assert_int_equal(dec(ID_STATUS, 1, ID_RIGHTS_ALL), VX_E_INVAL);
	assert_int_equal(dec(ID_LOCK, 4, ID_RIGHTS_ALL), VX_E_INVAL);
	assert_int_equal(dec(ID_LOGIN, 0, ID_RIGHTS_ALL), VX_E_INVAL);
	assert_int_equal(dec(ID_LOGIN, 1, ID_RIGHTS_ALL), VX_OK);
	assert_int_equal(dec(ID_LOGIN, ID_PASS_MAX, ID_RIGHTS_ALL), VX_OK);
	assert_int_equal(dec(ID_LOGIN, ID_PASS_MAX + 1, ID_RIGHTS_ALL), VX_E_INVAL);
	assert_int_equal(dec(ID_SIGN, 0, ID_RIGHTS_ALL), VX_E_INVAL);
	assert_int_equal(dec(ID_SIGN, ID_SIGN_MAX, ID_RIGHTS_ALL), VX_OK);
	assert_int_equal(dec(ID_SIGN, ID_SIGN_MAX + 1, ID_RIGHTS_ALL), VX_E_INVAL);
	assert_int_equal(dec(ID_UNMINT, 3, ID_RIGHTS_ALL), VX_E_INVAL);
	assert_int_equal(dec(ID_UNMINT, 5, ID_RIGHTS_ALL), VX_E_INVAL);
	assert_int_equal(mint(ID_FACET_SIGN, ID_RIGHTS_ALL, 3), VX_E_INVAL);
	assert_int_equal(mint(ID_FACET_SIGN, ID_RIGHTS_ALL, 8), VX_E_INVAL);

	/* What a decoded request points at: inside the message, exact. */
	m = msg(ID_SIGN, 17);
	assert_int_equal(id_decode(&m, ID_RIGHTS_ALL, &r), VX_OK);
	assert_int_equal(r.op, ID_SIGN);
	assert_ptr_equal(r.data, m.data);
	assert_int_equal(r.len, 17);
}

/* MINT: only the two facets, only within the caller's rights. */
static void test_mint(void **state)
{
	(void)state;
	assert_int_equal(mint(ID_FACET_SIGN, ID_RIGHTS_ALL, 4), VX_OK);
	assert_int_equal(mint(ID_FACET_STATUS, ID_RIGHTS_ALL, 4), VX_OK);
	for (uint32_t want = 0; want < 64; want++) {
		int rc = mint(want, ID_RIGHTS_ALL, 4);
		if (want == ID_FACET_SIGN || want == ID_FACET_STATUS)
			assert_int_equal(rc, VX_OK);
		else
			assert_int_equal(rc, VX_E_INVAL);
	}
	assert_int_equal(mint(0xffffffffu, ID_RIGHTS_ALL, 4), VX_E_INVAL);
	assert_int_equal(mint(ID_RIGHT_SIGN, ID_RIGHTS_ALL, 4), VX_E_INVAL);
	/* A minter without SIGN cannot mint a sign facet (no widening). */
	assert_int_equal(mint(ID_FACET_SIGN, ID_RIGHT_MINT | ID_RIGHT_STATUS, 4), VX_E_INVAL);
	assert_int_equal(mint(ID_FACET_STATUS, ID_RIGHT_MINT | ID_RIGHT_STATUS, 4), VX_OK);
}

static void test_unmint(void **state)
{
	struct vx_msg m = msg(ID_UNMINT, 4);
	struct id_req r;
	uint32_t id;

	(void)state;
	for (id = 0; id < ID_MINT_MAX; id++) {
		memcpy(m.data, &id, 4);
		assert_int_equal(id_decode(&m, ID_RIGHTS_ALL, &r), VX_OK);
		assert_int_equal(r.arg, id);
	}
	for (id = ID_MINT_MAX; id < ID_MINT_MAX + 3; id++) {
		memcpy(m.data, &id, 4);
		assert_int_equal(id_decode(&m, ID_RIGHTS_ALL, &r), VX_E_NOTFOUND);
	}
	id = 0xffffffffu;
	memcpy(m.data, &id, 4);
	assert_int_equal(id_decode(&m, ID_RIGHTS_ALL, &r), VX_E_NOTFOUND);
}

static void test_unknown_ops(void **state)
{
	static const uint32_t bad[] = {0, 7, 8, 100, 0x7fffffffu, 0xffffffffu};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(dec(bad[i], 0, ID_RIGHTS_ALL), VX_E_NOSYS);
		assert_int_equal(dec(bad[i], 0, 0), VX_E_NOSYS);
		assert_int_equal(id_right_of(bad[i]), 0);
	}
}

/* Every op, every length, every rights set: only documented answers. */
static void test_exhaustive(void **state)
{
	(void)state;
	for (uint32_t op = 0; op < 10; op++)
		for (uint32_t len = 0; len <= VX_MSG_DATA; len++)
			for (uint32_t rights = 0; rights <= ID_RIGHTS_ALL; rights++) {
				int rc = dec(op, (uint16_t)len, rights);
				assert_true(rc == VX_OK || rc == VX_E_NOSYS || rc == VX_E_INVAL ||
					    rc == ID_E_DENIED || rc == VX_E_NOTFOUND);
			}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rights),     cmocka_unit_test(test_denied_before_data),
	    cmocka_unit_test(test_lengths),    cmocka_unit_test(test_mint),
	    cmocka_unit_test(test_unmint),     cmocka_unit_test(test_unknown_ops),
	    cmocka_unit_test(test_exhaustive),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
