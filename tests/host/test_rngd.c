/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host tests of rngd's pure logic (services/rngd/pure_rng.c): request
 * decoding with every hostile request by name, each with its documented
 * error (vectra/proto/rng.h, "ERRORS"), and the per-source accounting and
 * credit policy behind FEED, SOURCE and STATUS.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>
#include "../../services/rngd/pure_rng.h"

static struct vx_msg msg(uint32_t op, uint16_t len, uint16_t ncaps)
{
	struct vx_msg m;

	memset(&m, 0, sizeof(m));
	m.op = op;
	m.len = len;
	m.ncaps = ncaps;
	for (uint16_t i = 0; i < len && i < VX_MSG_DATA; i++)
		m.data[i] = (uint8_t)(0x5a ^ i);
	return m;
}

static int get(uint32_t level, uint32_t n, struct rng_req *r)
{
	struct vx_msg m = msg(RNG_GET, sizeof(struct rng_get), 0);
	struct rng_get g = {level, n};

	memcpy(m.data, &g, sizeof(g));
	return rng_decode(&m, r);
}

static int dec(uint32_t op, uint16_t len, uint16_t ncaps)
{
	struct vx_msg m = msg(op, len, ncaps);
	struct rng_req r;

	return rng_decode(&m, &r);
}

/* ----------------------------------------------------------- decoding */

static void test_get_ok(void **state)
{
	struct rng_req r;

	(void)state;
	assert_int_equal(get(RNG_LEVEL_STANDARD, 16, &r), VX_OK);
	assert_int_equal(r.op, RNG_GET);
	assert_int_equal(r.level, RNG_LEVEL_STANDARD);
	assert_int_equal(r.n, 16);
	assert_int_equal(get(RNG_LEVEL_HIGH, 1, &r), VX_OK);
	assert_int_equal(r.level, RNG_LEVEL_HIGH);
	assert_int_equal(get(RNG_LEVEL_HIGH, RNG_GET_MAX, &r), VX_OK);
	assert_int_equal(r.n, RNG_GET_MAX);
}

static void test_get_bad_level(void **state)
{
	static const uint32_t bad[] = {0 /* Sloppy */, 3, 0x80000001u, 0xffffffffu};
	struct rng_req r;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(get(bad[i], 16, &r), VX_E_INVAL);
		assert_int_equal(r.op, 0); /* nothing decoded */
	}
}

static void test_get_n_zero(void **state)
{
	struct rng_req r;

	(void)state;
	assert_int_equal(get(RNG_LEVEL_STANDARD, 0, &r), VX_E_INVAL);
	assert_int_equal(get(RNG_LEVEL_HIGH, 0, &r), VX_E_INVAL);
}

static void test_get_n_too_big(void **state)
{
	struct rng_req r;

	(void)state;
	assert_int_equal(get(RNG_LEVEL_STANDARD, RNG_GET_MAX + 1, &r), VX_E_TOOBIG);
	assert_int_equal(get(RNG_LEVEL_HIGH, 100000, &r), VX_E_TOOBIG);
	assert_int_equal(get(RNG_LEVEL_STANDARD, 0xffffffffu, &r), VX_E_TOOBIG);
	assert_int_equal(r.n, 0);
}

/* A bad level is reported before a bad n. */
static void test_get_level_before_n(void **state)
{
	struct rng_req r;

	(void)state;
	assert_int_equal(get(7, 100000, &r), VX_E_INVAL);
}

static void test_get_short_message(void **state)
{
	(void)state;
	for (uint16_t len = 0; len < sizeof(struct rng_get); len++)
		assert_int_equal(dec(RNG_GET, len, 0), VX_E_INVAL);
}

static void test_get_long_message(void **state)
{
	(void)state;
	assert_int_equal(dec(RNG_GET, sizeof(struct rng_get) + 1, 0), VX_E_INVAL);
	assert_int_equal(dec(RNG_GET, VX_MSG_DATA, 0), VX_E_INVAL);
}

static void test_feed_ok(void **state)
{
	struct vx_msg m = msg(RNG_FEED, RNG_FEED_MAX, 0);
	struct rng_req r;

	(void)state;
	assert_int_equal(rng_decode(&m, &r), VX_OK);
	assert_ptr_equal(r.data, m.data);
	assert_int_equal(r.len, RNG_FEED_MAX);
	assert_int_equal(dec(RNG_FEED, 1, 0), VX_OK);
}

static void test_feed_empty(void **state)
{
	(void)state;
	assert_int_equal(dec(RNG_FEED, 0, 0), VX_E_INVAL);
}

static void test_feed_too_large(void **state)
{
	(void)state;
	assert_int_equal(dec(RNG_FEED, RNG_FEED_MAX + 1, 0), VX_E_TOOBIG);
	assert_int_equal(dec(RNG_FEED, VX_MSG_DATA, 0), VX_E_TOOBIG);
}

/* A len beyond the message is refused even if the transport let it by. */
static void test_len_beyond_message(void **state)
{
	(void)state;
	assert_int_equal(dec(RNG_FEED, VX_MSG_DATA + 1, 0), VX_E_INVAL);
	assert_int_equal(dec(RNG_GET, 0xffff, 0), VX_E_INVAL);
}

static void test_status_with_data(void **state)
{
	(void)state;
	assert_int_equal(dec(RNG_STATUS, 0, 0), VX_OK);
	assert_int_equal(dec(RNG_STATUS, 1, 0), VX_E_INVAL);
	assert_int_equal(dec(RNG_STATUS, VX_MSG_DATA, 0), VX_E_INVAL);
}

static void test_source_with_data(void **state)
{
	(void)state;
	assert_int_equal(dec(RNG_SOURCE, 0, 1), VX_OK);
	assert_int_equal(dec(RNG_SOURCE, 4, 1), VX_E_INVAL);
}

static void test_source_without_cap(void **state)
{
	(void)state;
	assert_int_equal(dec(RNG_SOURCE, 0, 0), VX_E_INVAL);
	assert_int_equal(dec(RNG_SOURCE, 0, 2), VX_E_INVAL);
	assert_int_equal(dec(RNG_SOURCE, 0, 0xffff), VX_E_INVAL);
}

/* Capabilities are accepted only on SOURCE. */
static void test_caps_on_other_ops(void **state)
{
	(void)state;
	assert_int_equal(dec(RNG_STATUS, 0, 1), VX_E_INVAL);
	assert_int_equal(dec(RNG_FEED, 8, 1), VX_E_INVAL);
	struct vx_msg m = msg(RNG_GET, sizeof(struct rng_get), 3);
	struct rng_get g = {RNG_LEVEL_STANDARD, 8};
	struct rng_req r;
	memcpy(m.data, &g, sizeof(g));
	assert_int_equal(rng_decode(&m, &r), VX_E_INVAL);
}

static void test_unknown_op(void **state)
{
	static const uint32_t bad[] = {0, 5, 6, 100, 0x7fffffffu, 0xffffffffu};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(dec(bad[i], 0, 0), VX_E_NOSYS);
		assert_int_equal(dec(bad[i], 8, 1), VX_E_NOSYS);
	}
}

/* Every op, length and cap count: only documented answers, and a decoded
 * request points inside the message. */
static void test_exhaustive(void **state)
{
	(void)state;
	for (uint32_t op = 0; op < 8; op++)
		for (uint32_t len = 0; len <= VX_MSG_DATA + 1; len++)
			for (uint16_t ncaps = 0; ncaps < 3; ncaps++) {
				struct vx_msg m = msg(op, (uint16_t)len, ncaps);
				struct rng_req r;
				int rc = rng_decode(&m, &r);
				assert_true(rc == VX_OK || rc == VX_E_NOSYS || rc == VX_E_INVAL ||
					    rc == VX_E_TOOBIG);
				if (rc != VX_OK)
					continue;
				assert_int_equal(r.op, op);
				if (op == RNG_FEED) {
					assert_ptr_equal(r.data, m.data);
					assert_true(r.len >= 1 && r.len <= RNG_FEED_MAX);
				}
				if (op == RNG_GET)
					assert_true(r.n >= 1 && r.n <= RNG_GET_MAX);
			}
}

/* --------------------------------------------------------- accounting */

static void test_feed_uncredited(void **state)
{
	struct rng_ledger l;
	struct rng_fed f;

	(void)state;
	rng_ledger_init(&l);
	rng_feed(&l, 3, RNG_FEED_MAX, &f);
	assert_int_equal(f.credited_bits, 0);
	assert_int_equal(f.id, RNG_ID_FEED);
	assert_int_equal(l.feed_bytes, RNG_FEED_MAX);
	for (uint32_t s = 0; s < RNG_SOURCES_MAX; s++)
		assert_false(l.dev[s].used);
}

static void test_feed_credited(void **state)
{
	struct rng_ledger l;
	struct rng_fed f;
	uint32_t id;

	(void)state;
	rng_ledger_init(&l);
	assert_int_equal(rng_source_add(&l, 5, &id), VX_OK);
	assert_int_equal(id, RNG_ID_DEVICE0);
	rng_feed(&l, 5, 64, &f);
	assert_int_equal(f.id, RNG_ID_DEVICE0);
	assert_int_equal(f.credited_bits, 64 * RNG_DEVICE_MBITS / 1000);
	rng_feed(&l, 5, RNG_FEED_MAX, &f);
	assert_int_equal(f.credited_bits, RNG_FEED_CREDIT_MAX);
	assert_int_equal(l.dev[0].bytes, 64 + RNG_FEED_MAX);
	assert_int_equal(l.dev[0].credited_mbits, 1000ull * (32 + RNG_FEED_CREDIT_MAX));
	assert_int_equal(l.feed_bytes, 0);
	/* Another connection's feed is still uncredited. */
	rng_feed(&l, 6, 16, &f);
	assert_int_equal(f.credited_bits, 0);
}

/* The credit is the fixed rate, whole bits, never above the cap. */
static void test_credit_cap_per_request(void **state)
{
	(void)state;
	assert_int_equal(rng_device_credit_bits(0), 0);
	assert_int_equal(rng_device_credit_bits(1), 0); /* half a bit rounds down */
	assert_int_equal(rng_device_credit_bits(2), 1);
	assert_int_equal(rng_device_credit_bits(RNG_FEED_MAX), RNG_FEED_CREDIT_MAX);
	assert_int_equal(rng_device_credit_bits(VX_MSG_DATA), RNG_FEED_CREDIT_MAX);
	assert_int_equal(rng_device_credit_bits(0xffffffffu), RNG_FEED_CREDIT_MAX);
}

static void test_too_many_sources(void **state)
{
	struct rng_ledger l;
	uint32_t id = 0;

	(void)state;
	rng_ledger_init(&l);
	for (uint32_t s = 0; s < RNG_SOURCES_MAX; s++) {
		assert_int_equal(rng_source_add(&l, 10 + s, &id), VX_OK);
		assert_int_equal(id, RNG_ID_DEVICE0 + s);
	}
	id = 99;
	assert_int_equal(rng_source_add(&l, 20, &id), VX_E_FULL);
	assert_int_equal(id, 99);
	assert_int_equal(rng_source_slot(&l, 20), -1);
}

static void test_source_twice(void **state)
{
	struct rng_ledger l;
	uint32_t id = 0;

	(void)state;
	rng_ledger_init(&l);
	assert_int_equal(rng_source_add(&l, 2, &id), VX_OK);
	assert_int_equal(rng_source_add(&l, 2, &id), VX_E_EXISTS);
	assert_int_equal(rng_source_slot(&l, 2), 0);
	assert_int_equal(rng_source_slot(&l, 3), -1);
}

/* A closed connection's slot is freed and reused with the same id. */
static void test_source_drop(void **state)
{
	struct rng_ledger l;
	struct rng_fed f;
	uint32_t id;

	(void)state;
	rng_ledger_init(&l);
	assert_int_equal(rng_source_add(&l, 1, &id), VX_OK);
	assert_int_equal(rng_source_add(&l, 2, &id), VX_OK);
	rng_feed(&l, 1, 32, &f);
	rng_source_drop(&l, 1);
	rng_source_drop(&l, 7); /* not a source: nothing happens */
	assert_int_equal(rng_source_slot(&l, 1), -1);
	assert_int_equal(rng_source_slot(&l, 2), 1);
	rng_feed(&l, 1, 32, &f);
	assert_int_equal(f.credited_bits, 0); /* no longer credited */
	assert_int_equal(rng_source_add(&l, 9, &id), VX_OK);
	assert_int_equal(id, RNG_ID_DEVICE0);
	assert_int_equal(l.dev[0].bytes, 0); /* a fresh slot's figures */
}

static void test_status_fill(void **state)
{
	struct rng_ledger l;
	struct rng_status st;
	struct rng_fed f;
	uint32_t id;
	const struct rng_credit_view credit[] = {
	    {RNG_ID_JITTER, 48000}, {RNG_ID_DEVICE0 + 1, 128500}, {RNG_ID_FEED, 0}, {77, 5000}};

	(void)state;
	rng_ledger_init(&l);
	rng_polled(&l, RNG_KIND_JITTER, 64, 16000);
	rng_polled(&l, RNG_KIND_JITTER, 64, 16000);
	rng_polled(&l, RNG_KIND_CPU, 64, 256000);
	rng_polled(&l, 99, 64, 1000); /* an unknown kind is not counted */
	assert_int_equal(rng_source_add(&l, 4, &id), VX_OK);
	assert_int_equal(rng_source_add(&l, 8, &id), VX_OK);
	rng_source_drop(&l, 4);
	rng_feed(&l, 8, 100, &f);
	rng_feed(&l, 3, 10, &f);
	l.served_high = 2;
	l.refused_high = 5;
	rng_status_fill(&l, credit, 4, true, true, 3, &st);
	assert_int_equal(st.high_ready, 1);
	assert_int_equal(st.seeded, 1);
	assert_int_equal(st.reseeds, 3);
	assert_int_equal(st.served_high, 2);
	assert_int_equal(st.refused_high, 5);
	assert_int_equal(st.nsources, 4);
	assert_int_equal(st.src[0].kind, RNG_KIND_CPU);
	assert_int_equal(st.src[0].bytes, 64);
	assert_int_equal(st.src[0].credited_bits, 256);
	assert_int_equal(st.src[0].high_bits, 0);
	assert_int_equal(st.src[1].kind, RNG_KIND_JITTER);
	assert_int_equal(st.src[1].bytes, 128);
	assert_int_equal(st.src[1].credited_bits, 32);
	assert_int_equal(st.src[1].high_bits, 48);
	assert_int_equal(st.src[2].id, RNG_ID_FEED);
	assert_int_equal(st.src[2].kind, RNG_KIND_FEED);
	assert_int_equal(st.src[2].bytes, 10);
	assert_int_equal(st.src[2].credited_bits, 0);
	assert_int_equal(st.src[3].id, RNG_ID_DEVICE0 + 1);
	assert_int_equal(st.src[3].kind, RNG_KIND_DEVICE);
	assert_int_equal(st.src[3].bytes, 100);
	assert_int_equal(st.src[3].credited_bits, 50);
	assert_int_equal(st.src[3].high_bits, 128);
}

/* Every slot in use still fits the status message. */
static void test_status_full(void **state)
{
	struct rng_ledger l;
	struct rng_status st;
	uint32_t id;

	(void)state;
	rng_ledger_init(&l);
	for (uint32_t s = 0; s < RNG_SOURCES_MAX; s++)
		assert_int_equal(rng_source_add(&l, s, &id), VX_OK);
	rng_status_fill(&l, NULL, 0, false, false, 0, &st);
	assert_int_equal(st.nsources, 3 + RNG_SOURCES_MAX);
	assert_true(st.nsources <= RNG_STATUS_SOURCES);
	assert_int_equal(st.high_ready, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_get_ok),
	    cmocka_unit_test(test_get_bad_level),
	    cmocka_unit_test(test_get_n_zero),
	    cmocka_unit_test(test_get_n_too_big),
	    cmocka_unit_test(test_get_level_before_n),
	    cmocka_unit_test(test_get_short_message),
	    cmocka_unit_test(test_get_long_message),
	    cmocka_unit_test(test_feed_ok),
	    cmocka_unit_test(test_feed_empty),
	    cmocka_unit_test(test_feed_too_large),
	    cmocka_unit_test(test_len_beyond_message),
	    cmocka_unit_test(test_status_with_data),
	    cmocka_unit_test(test_source_with_data),
	    cmocka_unit_test(test_source_without_cap),
	    cmocka_unit_test(test_caps_on_other_ops),
	    cmocka_unit_test(test_unknown_op),
	    cmocka_unit_test(test_exhaustive),
	    cmocka_unit_test(test_feed_uncredited),
	    cmocka_unit_test(test_feed_credited),
	    cmocka_unit_test(test_credit_cap_per_request),
	    cmocka_unit_test(test_too_many_sources),
	    cmocka_unit_test(test_source_twice),
	    cmocka_unit_test(test_source_drop),
	    cmocka_unit_test(test_status_fill),
	    cmocka_unit_test(test_status_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
