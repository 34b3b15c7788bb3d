/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ed25519: RFC 8032 section 7.1 vectors, the python3-cryptography-vectors
 * sign.input file parsed at run time, 10,000 random keys and signatures
 * against libsodium (crypto_sign_seed_keypair, crypto_sign_detached),
 * 10,000 verifications of valid and mutated signatures against
 * crypto_sign_verify_detached, and one named test per strict rule of
 * docs/CRYPTO.md (section 3), each expecting exactly VX_E_AUTH.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sodium.h>

#include "crypto/ed25519.h"
#include "crypto/ge25519.h"
#include "crypto/sc25519.h"
#include "crypto/sha2.h"
#include "vectra/abi.h"

#define SIGN_INPUT                                                                                 \
	"/usr/lib/python3/dist-packages/cryptography_vectors/asymmetric/Ed25519/sign.input"

/* L, little-endian. */
static const uint8_t ell[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
				0xa2, 0xde, 0xf9, 0xde, 0x14, 0,    0,	  0,	0,    0,    0,
				0,    0,    0,	  0,	0,    0,    0,	  0,	0,    0x10};

/* The y of every point of order 1, 2, 4 or 8 (computed independently of lib/). */
static const char *const small_y[] = {
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0100000000000000000000000000000000000000000000000000000000000000",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
};

static void unhex(uint8_t *out, const char *hex, size_t n)
{
	assert_true(strlen(hex) >= 2 * n);
	for (size_t i = 0; i < n; i++) {
		unsigned int b;
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &b), 1);
		out[i] = (uint8_t)b;
	}
}

static void rng(uint8_t *out, size_t n, uint64_t *state)
{
	uint8_t seed[randombytes_SEEDBYTES] = {0};

	memcpy(seed, state, sizeof *state);
	(*state)++;
	randombytes_buf_deterministic(out, n, seed);
}

/* s += L (no reduction): the non-canonical twin of a valid S. */
static void add_l(uint8_t s[32])
{
	unsigned int c = 0;

	for (int i = 0; i < 32; i++) {
		c += (unsigned int)s[i] + ell[i];
		s[i] = (uint8_t)c;
		c >>= 8;
	}
}

static int ref_verify(const uint8_t sig[64], const uint8_t *m, size_t n, const uint8_t pk[32])
{
	return crypto_sign_verify_detached(sig, m, n, pk) == 0 ? VX_OK : VX_E_AUTH;
}

static void check_rfc(const char *seed_hex, const char *pk_hex, const char *msg_hex,
		      const char *sig_hex)
{
	uint8_t seed[32], pk[32], want_pk[32], sig[64], want_sig[64], msg[64];
	size_t n = strlen(msg_hex) / 2;

	unhex(seed, seed_hex, 32);
	unhex(want_pk, pk_hex, 32);
	unhex(want_sig, sig_hex, 64);
	unhex(msg, msg_hex, n);
	assert_int_equal(vx_ed25519_public_key(pk, seed), VX_OK);
	assert_memory_equal(pk, want_pk, 32);
	assert_int_equal(vx_ed25519_sign(sig, seed, msg, n), VX_OK);
	assert_memory_equal(sig, want_sig, 64);
	assert_int_equal(vx_ed25519_verify(sig, msg, n, pk), VX_OK);
	sig[0] ^= 1;
	assert_int_equal(vx_ed25519_verify(sig, msg, n, pk), VX_E_AUTH);
}

static void test_ed25519_rfc8032_vectors(void **state)
{
	check_rfc("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
		  "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
		  "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
		  "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
	check_rfc("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
		  "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
		  "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
		  "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
	check_rfc("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
		  "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
		  "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
		  "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a");
	check_rfc("833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
		  "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
		  "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
		  "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
		  "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
		  "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704");
}

/*
 * sign.input lines are "seed||pk : pk : msg : sig||msg :" in hex.  Every
 * key and signature must match, verify, and stop verifying when the
 * message changes.
 */
static void test_ed25519_sign_input(void **state)
{
	FILE *f = fopen(SIGN_INPUT, "r");
	static char line[8192];
	int n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof line, f)) {
		char *fld[4];
		uint8_t seed[32], want_pk[32], pk[32], want_sig[64], sig[64];
		static uint8_t msg[1100];
		size_t mlen;

		fld[0] = strtok(line, ":");
		for (int i = 1; i < 4; i++)
			fld[i] = strtok(NULL, ":\n");
		assert_non_null(fld[1]);
		if (fld[3] == NULL) { /* empty message: strtok skips the empty field */
			fld[3] = fld[2];
			fld[2] = "";
		}
		mlen = strlen(fld[2]) / 2;
		assert_true(mlen <= sizeof msg);
		unhex(seed, fld[0], 32);
		unhex(want_pk, fld[1], 32);
		unhex(msg, fld[2], mlen);
		unhex(want_sig, fld[3], 64);
		assert_int_equal(vx_ed25519_public_key(pk, seed), VX_OK);
		assert_memory_equal(pk, want_pk, 32);
		assert_int_equal(vx_ed25519_sign(sig, seed, msg, mlen), VX_OK);
		assert_memory_equal(sig, want_sig, 64);
		assert_int_equal(vx_ed25519_verify(sig, msg, mlen, pk), VX_OK);
		if (mlen > 0) {
			msg[n % mlen] ^= 0x20;
			assert_int_equal(vx_ed25519_verify(sig, msg, mlen, pk), VX_E_AUTH);
		}
		n++;
	}
	fclose(f);
	assert_int_equal(n, 1024);
}

static void test_ed25519_sign_vs_libsodium(void **state)
{
	static uint8_t msg[600];
	uint64_t s = 11;

	for (int i = 0; i < 10000; i++) {
		uint8_t seed[32], pk[32], rpk[32], rsk[64], sig[64], rsig[64], len8[2];
		size_t n;

		rng(seed, 32, &s);
		rng(len8, 2, &s);
		n = i < 10 ? 0 : (size_t)((len8[0] | len8[1] << 8) % sizeof msg);
		rng(msg, sizeof msg, &s);
		assert_int_equal(vx_ed25519_public_key(pk, seed), VX_OK);
		crypto_sign_seed_keypair(rpk, rsk, seed);
		assert_memory_equal(pk, rpk, 32);
		assert_int_equal(vx_ed25519_sign(sig, seed, n ? msg : NULL, n), VX_OK);
		crypto_sign_detached(rsig, NULL, msg, n, rsk);
		assert_memory_equal(sig, rsig, 64);
	}
}

/*
 * A valid signature whose public key is A + T for a torsion point T: only
 * the cofactorless check tells it apart, and only when 8 does not divide
 * k.  Built from the library's own group code.
 */
static void mixed_order(uint8_t sig[64], uint8_t pk[32], const uint8_t *msg, size_t n, uint64_t *s)
{
	uint8_t h[64], a[32], r[32], k[32], t[32], zero[32] = {0};
	struct vx_ge ap, tp, sum, rp;
	struct vx_sha512 c;

	rng(h, 64, s);
	vx_sc_reduce(a, h);
	rng(h, 64, s);
	vx_sc_reduce(r, h);
	vx_ge_scalarmult_base(&ap, a);
	unhex(t, small_y[3], 32); /* an order-8 point */
	assert_int_equal(vx_ge_frombytes_vartime(&tp, t), 0);
	/* sum = 1*T + a*B, via the double multiplication */
	zero[0] = 1;
	vx_ge_double_scalarmult_vartime(&sum, zero, &tp, a);
	vx_ge_tobytes(pk, &sum);
	vx_ge_scalarmult_base(&rp, r);
	vx_ge_tobytes(sig, &rp);
	vx_sha512_init(&c);
	vx_sha512_update(&c, sig, 32);
	vx_sha512_update(&c, pk, 32);
	vx_sha512_update(&c, msg, n);
	vx_sha512_final(&c, h);
	vx_sc_reduce(k, h);
	vx_sc_muladd(sig + 32, k, a, r);
}

/*
 * Valid signatures and mutations of them: ours accepts exactly when
 * libsodium does, and every rejection is VX_E_AUTH.
 */
static void test_ed25519_verify_vs_libsodium(void **state)
{
	static uint8_t msg[300];
	uint64_t s = 12;
	int accepted = 0, rejected = 0;

	for (int i = 0; i < 10000; i++) {
		uint8_t seed[32], pk[32], sk[64], sig[64], b[4];
		size_t n;
		int ours;

		rng(seed, 32, &s);
		rng(b, 4, &s);
		n = (size_t)(b[0] | b[1] << 8) % sizeof msg;
		rng(msg, n, &s);
		crypto_sign_seed_keypair(pk, sk, seed);
		crypto_sign_detached(sig, NULL, msg, n, sk);
		switch (i % 10) {
		case 0: /* untouched */
			break;
		case 1:
			sig[b[2] % 64] ^= (uint8_t)(1 << (b[3] % 8));
			break;
		case 2:
			pk[b[2] % 32] ^= (uint8_t)(1 << (b[3] % 8));
			break;
		case 3:
			if (n)
				msg[b[2] % n] ^= (uint8_t)(1 << (b[3] % 8));
			break;
		case 4:
			add_l(sig + 32);
			break;
		case 5:
			unhex(sig, small_y[b[2] % 5], 32);
			sig[31] |= (uint8_t)(b[3] & 0x80);
			break;
		case 6:
			unhex(pk, small_y[b[2] % 5], 32);
			pk[31] |= (uint8_t)(b[3] & 0x80);
			break;
		case 7:
			rng(b[2] & 1 ? pk : sig, 32, &s);
			break;
		case 8: /* y >= p in A or R */
			memset(b[2] & 1 ? pk : sig, 0xff, 32);
			(b[2] & 1 ? pk : sig)[0] = (uint8_t)(0xed + b[3] % 18);
			(b[2] & 1 ? pk : sig)[31] = (uint8_t)(0x7f | (b[3] & 0x80));
			break;
		case 9:
			mixed_order(sig, pk, msg, n, &s);
			break;
		}
		ours = vx_ed25519_verify(sig, n ? msg : NULL, n, pk);
		assert_int_equal(ours, ref_verify(sig, msg, n, pk));
		if (ours == VX_OK)
			accepted++;
		else
			rejected++;
	}
	/* Both outcomes must be well represented, or the test proves little. */
	assert_true(accepted > 1000 && rejected > 5000);
}

/* A fixed valid signature for the rejection tests below. */
struct fixture {
	uint8_t seed[32], pk[32], sig[64], msg[40];
};

static void make_fixture(struct fixture *f)
{
	uint64_t s = 99;

	rng(f->seed, 32, &s);
	rng(f->msg, sizeof f->msg, &s);
	assert_int_equal(vx_ed25519_public_key(f->pk, f->seed), VX_OK);
	assert_int_equal(vx_ed25519_sign(f->sig, f->seed, f->msg, sizeof f->msg), VX_OK);
	assert_int_equal(vx_ed25519_verify(f->sig, f->msg, sizeof f->msg, f->pk), VX_OK);
}

static void expect_auth(const struct fixture *f)
{
	assert_int_equal(vx_ed25519_verify(f->sig, f->msg, sizeof f->msg, f->pk), VX_E_AUTH);
	assert_int_equal(ref_verify(f->sig, f->msg, sizeof f->msg, f->pk), VX_E_AUTH);
}

static void test_ed25519_reject_flipped_bit_in_r(void **state)
{
	for (int bit = 0; bit < 256; bit++) {
		struct fixture f;
		make_fixture(&f);
		f.sig[bit / 8] ^= (uint8_t)(1 << (bit % 8));
		expect_auth(&f);
	}
}

static void test_ed25519_reject_flipped_bit_in_s(void **state)
{
	for (int bit = 0; bit < 256; bit++) {
		struct fixture f;
		make_fixture(&f);
		f.sig[32 + bit / 8] ^= (uint8_t)(1 << (bit % 8));
		expect_auth(&f);
	}
}

/* S + L satisfies the equation exactly as S does; only the S < L rule stops it. */
static void test_ed25519_reject_noncanonical_s(void **state)
{
	struct fixture f;

	make_fixture(&f);
	add_l(f.sig + 32);
	expect_auth(&f);
}

static void test_ed25519_reject_wrong_public_key(void **state)
{
	struct fixture f;

	make_fixture(&f);
	f.seed[0] ^= 1;
	assert_int_equal(vx_ed25519_public_key(f.pk, f.seed), VX_OK);
	expect_auth(&f);
}

/*
 * With A = identity the equation reads [S]B = R, which anyone can satisfy
 * for every message: R = [S]B.  Only the small-order rule stops it.  The
 * other small-order A are tried with the same forgery and with both signs.
 */
static void test_ed25519_reject_small_order_a(void **state)
{
	for (int i = 0; i < 5; i++) {
		for (int sign = 0; sign < 2; sign++) {
			struct fixture f;
			struct vx_ge rp;
			make_fixture(&f);
			unhex(f.pk, small_y[i], 32);
			f.pk[31] |= (uint8_t)(sign << 7);
			vx_ge_scalarmult_base(&rp, f.sig + 32);
			vx_ge_tobytes(f.sig, &rp);
			expect_auth(&f);
		}
	}
}

/*
 * R = identity and S = k*a satisfy the equation [S]B = R + [k]A for the
 * signer's own key; only the small-order rule on R rejects it.  Every
 * other small-order R is tried too.
 */
static void test_ed25519_reject_small_order_r(void **state)
{
	for (int i = 0; i < 5; i++) {
		for (int sign = 0; sign < 2; sign++) {
			struct fixture f;
			uint8_t h[64], a[32], k[32], zero[32] = {0};
			struct vx_sha512 c;
			make_fixture(&f);
			vx_sha512(f.seed, 32, h);
			memcpy(a, h, 32);
			a[0] &= 248;
			a[31] = (uint8_t)((a[31] & 127) | 64);
			unhex(f.sig, small_y[i], 32);
			f.sig[31] |= (uint8_t)(sign << 7);
			vx_sha512_init(&c);
			vx_sha512_update(&c, f.sig, 32);
			vx_sha512_update(&c, f.pk, 32);
			vx_sha512_update(&c, f.msg, sizeof f.msg);
			vx_sha512_final(&c, h);
			vx_sc_reduce(k, h);
			vx_sc_muladd(f.sig + 32, k, a, zero);
			expect_auth(&f);
		}
	}
}

/*
 * A with y >= p.  y = p + 2 .. p + 18 are tried with both signs; where
 * y - p is a valid y the same key has a canonical twin that must differ.
 */
static void test_ed25519_reject_noncanonical_a(void **state)
{
	int twins = 0;

	for (int d = 0; d < 19; d++) {
		for (int sign = 0; sign < 2; sign++) {
			struct fixture f;
			struct vx_ge p;
			uint8_t canon[32] = {0};
			make_fixture(&f);
			memset(f.pk, 0xff, 32);
			f.pk[0] = (uint8_t)(0xed + d);
			f.pk[31] = (uint8_t)(0x7f | sign << 7);
			expect_auth(&f);
			canon[0] = (uint8_t)d;
			canon[31] = (uint8_t)(sign << 7);
			if (vx_ge_frombytes_vartime(&p, canon) == 0)
				twins++;
			assert_int_equal(vx_ge_frombytes_vartime(&p, f.pk), -1);
		}
	}
	assert_true(twins > 0);
}

static void test_ed25519_invalid_arguments(void **state)
{
	struct fixture f;

	make_fixture(&f);
	assert_int_equal(vx_ed25519_verify(f.sig, NULL, 5, f.pk), VX_E_INVAL);
	assert_int_equal(vx_ed25519_verify(NULL, f.msg, 5, f.pk), VX_E_INVAL);
	assert_int_equal(vx_ed25519_verify(f.sig, f.msg, 5, NULL), VX_E_INVAL);
	assert_int_equal(vx_ed25519_sign(f.sig, f.seed, NULL, 1), VX_E_INVAL);
	assert_int_equal(vx_ed25519_sign(f.sig, f.seed, NULL, 0), VX_OK);
	assert_int_equal(vx_ed25519_verify(f.sig, NULL, 0, f.pk), VX_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ed25519_rfc8032_vectors),
	    cmocka_unit_test(test_ed25519_sign_input),
	    cmocka_unit_test(test_ed25519_sign_vs_libsodium),
	    cmocka_unit_test(test_ed25519_verify_vs_libsodium),
	    cmocka_unit_test(test_ed25519_reject_flipped_bit_in_r),
	    cmocka_unit_test(test_ed25519_reject_flipped_bit_in_s),
	    cmocka_unit_test(test_ed25519_reject_noncanonical_s),
	    cmocka_unit_test(test_ed25519_reject_wrong_public_key),
	    cmocka_unit_test(test_ed25519_reject_small_order_a),
	    cmocka_unit_test(test_ed25519_reject_small_order_r),
	    cmocka_unit_test(test_ed25519_reject_noncanonical_a),
	    cmocka_unit_test(test_ed25519_invalid_arguments),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
