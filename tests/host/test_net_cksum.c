/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Internet checksum (lib/net/cksum.c), which sums eight bytes a step,
 * against the plainest reading of RFC 1071: big-endian 16-bit words added
 * one at a time, the carries folded at the end.
 *
 * Every length 0..2048 at every start offset 0..7 (so every alignment a
 * word load can meet, and every tail of 0..7 bytes) over random bytes,
 * from a zero and from a random partial sum; buffers of all 0xff (a carry
 * out of every word) and all zeros (the checksum that must stay 0xffff);
 * sums taken in pieces; and RFC 1071's own example.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "net/cksum.h"

#define MAXLEN 2048u
#define MAXOFF 8u

static uint8_t buf[MAXLEN + MAXOFF];

/* The reference: one 16-bit word at a time into a 64-bit sum, which no
 * number of words this test adds can overflow. */
static uint32_t ref_add(uint32_t sum, const uint8_t *b, size_t n)
{
	uint64_t s = sum;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)b[i] << 8 | b[i + 1];
	if (n % 2)
		s += (uint32_t)b[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint32_t)s;
}

static uint16_t ref_cksum(uint32_t sum, const uint8_t *b, size_t n)
{
	return (uint16_t)~ref_add(sum, b, n);
}

/* xorshift64: the same bytes every run. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void fill_random(void)
{
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rnd();
}

/* Every length at every offset of the buffer as it is, from sum 0 and from
 * a random partial sum of up to 32 bits. */
static void every_length_and_offset(void)
{
	for (uint32_t off = 0; off < MAXOFF; off++) {
		for (uint32_t len = 0; len <= MAXLEN; len++) {
			const uint8_t *p = buf + off;
			assert_int_equal(vx_cksum(p, len), ref_cksum(0, p, len));
			uint32_t s0 = (uint32_t)rnd();
			assert_int_equal(vx_cksum_fold(vx_cksum_add(s0, p, len)),
					 ref_cksum(s0, p, len));
		}
	}
}

static void test_random_bytes(void **state)
{
	(void)state;
	fill_random();
	every_length_and_offset();
	fill_random();
	every_length_and_offset();
}

/* 0xff everywhere: every 64-bit add carries out of the top. */
static void test_all_ones(void **state)
{
	(void)state;
	memset(buf, 0xff, sizeof(buf));
	every_length_and_offset();
	/* Two bytes of 0xff sum to 0xffff, the ones' complement zero that
	 * is not all zeros: the checksum is 0, not 0xffff. */
	assert_int_equal(vx_cksum(buf, 2), 0);
	assert_int_equal(vx_cksum(buf, MAXLEN), 0);
}

/* All zeros: the sum stays 0 and the checksum is 0xffff, never 0. */
static void test_all_zeros(void **state)
{
	(void)state;
	memset(buf, 0, sizeof(buf));
	every_length_and_offset();
	for (uint32_t len = 0; len <= 64; len++)
		assert_int_equal(vx_cksum(buf, len), 0xffff);
}

/* Pieces of even length, then a last piece of any length, add up to the
 * whole (how the stack sums pseudo-header, header and payload). */
static void test_pieces(void **state)
{
	(void)state;
	fill_random();
	for (int turn = 0; turn < 20000; turn++) {
		uint32_t len = (uint32_t)(rnd() % (MAXLEN + 1));
		uint32_t off = (uint32_t)(rnd() % MAXOFF);
		const uint8_t *p = buf + off;
		uint32_t s = 0, done = 0;
		while (done < len) {
			uint32_t piece = (uint32_t)(rnd() % 100) * 2; /* even, maybe 0 */
			if (piece > len - done)
				piece = len - done; /* the last: any length */
			s = vx_cksum_add(s, p + done, piece);
			done += piece;
		}
		assert_int_equal(vx_cksum_fold(s), ref_cksum(0, p, len));
	}
}

/* RFC 1071 section 3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to 0xddf2. */
static void test_rfc1071_example(void **state)
{
	static const uint8_t ex[8] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};

	(void)state;
	for (uint32_t off = 0; off < MAXOFF; off++) {
		memset(buf, 0x5a, sizeof(buf));
		memcpy(buf + off, ex, sizeof(ex));
		assert_int_equal(vx_cksum(buf + off, sizeof(ex)), (uint16_t)~0xddf2u);
	}
	/* And in pieces: the sum is the same however it is split. */
	uint32_t s = vx_cksum_add(0, ex, 2);
	s = vx_cksum_add(s, ex + 2, 4);
	s = vx_cksum_add(s, ex + 6, 2);
	assert_int_equal(vx_cksum_fold(s), (uint16_t)~0xddf2u);
}

/* The pseudo-header's partial sum (RFC 768, RFC 9293 section 3.1). */
static void test_pseudo_header(void **state)
{
	static const uint8_t src[4] = {10, 0, 2, 15}, dst[4] = {93, 184, 216, 34};
	const uint8_t ph[12] = {10, 0, 2, 15, 93, 184, 216, 34, 0, 6, 0x05, 0xdc};

	(void)state;
	assert_int_equal(vx_cksum_fold(vx_cksum_pseudo4(src, dst, 6, 1500)), ref_cksum(0, ph, 12));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_random_bytes),    cmocka_unit_test(test_all_ones),
	    cmocka_unit_test(test_all_zeros),	    cmocka_unit_test(test_pieces),
	    cmocka_unit_test(test_rfc1071_example), cmocka_unit_test(test_pseudo_header),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
