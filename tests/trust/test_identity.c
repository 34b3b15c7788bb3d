/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Person derivation v1 (checked against OpenSSL's HKDF and libsodium's
 * Ed25519 key pair), the sealed Machine key (every field tampered, every
 * truncation, wrong passphrase: each with its own error), Machine
 * certificates and revocations (every field tampered), and the text codecs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <sodium.h>

#include <vectra/abi.h>

#include "crypto/bip39.h"
#include "crypto/ed25519.h"
#include "crypto/sha2.h"
#include "trust/codec.h"
#include "trust/identity.h"
#include "trust/terr.h"

/* Person v1 public key of the all-zero entropy (24 words "abandon ... art"),
 * pinned: the test also derives it through OpenSSL HKDF and libsodium. */
#define PERSON_KAT "03d709e9b1ba2fc662d702a473897fdc5d79c62be667681c37ff01e449614860"

/* The oracle: HKDF-SHA-256 by OpenSSL, the key pair by libsodium. */
static void oracle_person(const uint8_t ent[32], uint8_t pk[32])
{
	uint8_t seed[32], sk[64];
	size_t len = 32;
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
	assert_non_null(c);
	assert_int_equal(EVP_PKEY_derive_init(c), 1);
	assert_int_equal(EVP_PKEY_CTX_set_hkdf_md(c, EVP_sha256()), 1);
	assert_int_equal(EVP_PKEY_CTX_set1_hkdf_salt(c, (const uint8_t *)VT_PERSON_SALT,
						     (int)strlen(VT_PERSON_SALT)),
			 1);
	assert_int_equal(EVP_PKEY_CTX_set1_hkdf_key(c, ent, 32), 1);
	assert_int_equal(EVP_PKEY_CTX_add1_hkdf_info(c, (const uint8_t *)VT_PERSON_INFO,
						     (int)strlen(VT_PERSON_INFO)),
			 1);
	assert_int_equal(EVP_PKEY_derive(c, seed, &len), 1);
	EVP_PKEY_CTX_free(c);
	crypto_sign_seed_keypair(pk, sk, seed);
}

static void test_person_derivation_oracle(void **state)
{
	(void)state;
	uint8_t ent[32], seed[32], pk[32], want[32], pk2[32];
	char words[VX_BIP39_MNEMONIC_MAX];
	srand(13);
	for (int i = 0; i < 200; i++) {
		for (int j = 0; j < 32; j++)
			ent[j] = (uint8_t)rand();
		vx_bip39_from_entropy(ent, 32, words, sizeof(words));
		assert_int_equal(vt_person_from_words(words, strlen(words), seed, pk), VX_OK);
		oracle_person(ent, want);
		assert_memory_equal(pk, want, 32);
		vt_person_from_entropy(ent, seed, pk2);
		assert_memory_equal(pk2, want, 32);
	}
}

/* The derivation is pinned: this value may never change (docs/TRUST.md). */
static void test_person_known_answer(void **state)
{
	(void)state;
	uint8_t ent[32] = {0}, seed[32], pk[32];
	char hex[65];
	const char *words = "abandon abandon abandon abandon abandon abandon abandon abandon "
			    "abandon abandon abandon abandon abandon abandon abandon abandon "
			    "abandon abandon abandon abandon abandon abandon abandon art";
	assert_int_equal(vt_person_from_words(words, strlen(words), seed, pk), VX_OK);
	uint8_t want[32];
	oracle_person(ent, want);
	assert_memory_equal(pk, want, 32);
	vt_hex(hex, pk, 32);
	print_message("# person v1 of 24 x abandon ... art: %s\n", hex);
	assert_string_equal(hex, PERSON_KAT);
}

static void test_person_word_errors(void **state)
{
	(void)state;
	uint8_t seed[32] = {0}, pk[32] = {0}, zero[32] = {0};
	const char *twelve = "legal winner thank year wave sausage worth useful legal winner "
			     "thank yellow";
	char w[400];
	assert_int_equal(vt_person_from_words(twelve, strlen(twelve), seed, pk), VT_E_WORDCOUNT);
	strcpy(w, "abandon abandon abandon abandon abandon abandon abandon abandon abandon "
		  "abandon abandon abandon abandon abandon abandon abandon abandon abandon "
		  "abandon abandon abandon abandon abandon abandon");
	assert_int_equal(vt_person_from_words(w, strlen(w), seed, pk), VT_E_CHECKSUM);
	memcpy(w, "abandun", 7);
	assert_int_equal(vt_person_from_words(w, strlen(w), seed, pk), VT_E_WORD);
	assert_int_equal(vt_person_from_words(w, 30, seed, pk), VT_E_WORDCOUNT);
	assert_int_equal(vt_person_from_words("", 0, seed, pk), VT_E_WORDCOUNT);
	assert_memory_equal(seed, zero, 32);
	assert_memory_equal(pk, zero, 32);
}

static uint8_t mem[1 << 20];
static const struct vt_kdf kdf = {.t = 1, .m_kib = 64, .p = 1};

static void seal_fixture(uint8_t file[VT_SEAL_BYTES], uint8_t seed[32])
{
	uint8_t rnd[40];
	for (int i = 0; i < 32; i++)
		seed[i] = (uint8_t)(i * 7 + 1);
	for (int i = 0; i < 40; i++)
		rnd[i] = (uint8_t)(200 - i);
	assert_int_equal(vt_seal(file, seed, "correct horse", 13, &kdf, rnd, mem, sizeof(mem)),
			 VX_OK);
}

static void test_seal_roundtrip(void **state)
{
	(void)state;
	uint8_t file[VT_SEAL_BYTES], seed[32], out[32], pk[32], want[32];
	struct vt_kdf k;
	seal_fixture(file, seed);
	assert_int_equal(vt_unseal(file, sizeof(file), "correct horse", 13, out, mem, sizeof(mem)),
			 VX_OK);
	assert_memory_equal(out, seed, 32);
	assert_int_equal(vt_seal_peek(file, sizeof(file), pk, &k), VX_OK);
	vx_ed25519_public_key(want, seed);
	assert_memory_equal(pk, want, 32);
	assert_int_equal(k.m_kib, 64);
	assert_memory_equal(file, "VXSEAL\0\1", 8);
	/* The seed is nowhere in the file in the clear. */
	for (size_t i = 0; i + 32 <= sizeof(file); i++)
		assert_memory_not_equal(file + i, seed, 32);
}

static void test_seal_wrong_passphrase(void **state)
{
	(void)state;
	uint8_t file[VT_SEAL_BYTES], seed[32], out[32] = {0}, zero[32] = {0};
	seal_fixture(file, seed);
	assert_int_equal(vt_unseal(file, sizeof(file), "correct horsf", 13, out, mem, sizeof(mem)),
			 VT_E_PASSPHRASE);
	assert_int_equal(vt_unseal(file, sizeof(file), "", 0, out, mem, sizeof(mem)),
			 VT_E_PASSPHRASE);
	assert_memory_equal(out, zero, 32);
}

/* Recompute the check after a change, as a deliberate forger would. */
static void recheck(uint8_t file[VT_SEAL_BYTES])
{
	vx_sha256(file, 140, file + 140);
}

static void test_seal_tamper_every_field(void **state)
{
	(void)state;
	static const struct {
		const char *field;
		size_t off;
		uint8_t x;
		int want, want_rechecked;
	} t[] = {
	    {"magic", 0, 1, VT_E_MAGIC, VT_E_MAGIC},
	    {"version", 7, 2, VT_E_VERSION, VT_E_VERSION},
	    {"t", 11, 2, VT_E_TAMPERED, VT_E_PASSPHRASE},
	    {"t out of range", 8, 1, VT_E_TAMPERED, VT_E_KDF},
	    {"m", 14, 1, VT_E_TAMPERED, VT_E_PASSPHRASE},
	    {"m out of range", 12, 0x80, VT_E_TAMPERED, VT_E_KDF},
	    {"p", 19, 2, VT_E_TAMPERED, VT_E_PASSPHRASE},
	    {"salt", 25, 1, VT_E_TAMPERED, VT_E_PASSPHRASE},
	    {"nonce", 40, 1, VT_E_TAMPERED, VT_E_PASSPHRASE},
	    {"public key", 70, 1, VT_E_TAMPERED, VT_E_PASSPHRASE},
	    {"sealed seed", 100, 1, VT_E_TAMPERED, VT_E_PASSPHRASE},
	    {"tag", 135, 1, VT_E_TAMPERED, VT_E_PASSPHRASE},
	    {"check", 150, 1, VT_E_TAMPERED, VT_E_TAMPERED},
	};
	uint8_t file[VT_SEAL_BYTES], f2[VT_SEAL_BYTES], seed[32], out[32];
	int bad = 0;
	seal_fixture(file, seed);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memcpy(f2, file, sizeof(f2));
		f2[t[i].off] ^= t[i].x;
		int got = vt_unseal(f2, sizeof(f2), "correct horse", 13, out, mem, sizeof(mem));
		if (t[i].off != 150)
			recheck(f2);
		int got2 = vt_unseal(f2, sizeof(f2), "correct horse", 13, out, mem, sizeof(mem));
		if (got != t[i].want || got2 != t[i].want_rechecked) {
			print_error("%s: got %s / %s\n", t[i].field, vt_errname(got),
				    vt_errname(got2));
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_seal_truncated_and_long(void **state)
{
	(void)state;
	uint8_t file[VT_SEAL_BYTES + 1], seed[32], out[32];
	seal_fixture(file, seed);
	for (size_t n = 0; n < VT_SEAL_BYTES; n++)
		assert_int_equal(vt_unseal(file, n, "correct horse", 13, out, mem, sizeof(mem)),
				 VT_E_TRUNCATED);
	assert_int_equal(
	    vt_unseal(file, VT_SEAL_BYTES + 1, "correct horse", 13, out, mem, sizeof(mem)),
	    VT_E_TRAILING);
	assert_int_equal(vt_unseal(file, VT_SEAL_BYTES, "correct horse", 13, out, mem, 1000),
			 VX_E_TOOBIG);
	struct vt_kdf k = {.t = 0, .m_kib = 64, .p = 1};
	uint8_t rnd[40] = {0};
	assert_int_equal(vt_seal(file, seed, "x", 1, &k, rnd, mem, sizeof(mem)), VT_E_KDF);
	k = (struct vt_kdf){.t = 1, .m_kib = VT_SEAL_M_MAX + 1, .p = 1};
	assert_int_equal(vt_seal_mem_bytes(&k), 0);
}

static size_t make_cert(uint8_t *out, uint8_t person_seed[32])
{
	struct vt_cert c;
	memset(&c, 0, sizeof(c));
	for (int i = 0; i < 32; i++) {
		person_seed[i] = (uint8_t)i;
		c.machine[i] = (uint8_t)(0x40 + i);
	}
	c.issued = 123456789;
	c.namelen = 6;
	memcpy(c.name, "laptop", 6);
	int n = vt_cert_sign(&c, person_seed, out, VT_CERT_MAX);
	assert_int_equal(n, 8 + 32 + 32 + 8 + 1 + 6 + 64);
	return (size_t)n;
}

static void test_cert_tamper_every_field(void **state)
{
	(void)state;
	static const struct {
		const char *field;
		size_t off;
		uint8_t x;
		int want;
	} t[] = {
	    {"magic", 3, 1, VT_E_MAGIC},
	    {"version", 6, 1, VT_E_VERSION},
	    {"person", 20, 1, VT_E_CERT_SIG},
	    {"machine", 50, 1, VT_E_CERT_SIG},
	    {"issued", 75, 1, VT_E_CERT_SIG},
	    {"name length", 80, 1, VT_E_TRUNCATED},
	    {"name length zero", 80, 6, VT_E_TRAILING},
	    {"name", 83, 1, VT_E_CERT_SIG},
	    {"name character", 83, 0x20, VT_E_FIELD},
	    {"signature R", 90, 1, VT_E_CERT_SIG},
	    {"signature S", 150, 1, VT_E_CERT_SIG},
	};
	uint8_t raw[VT_CERT_MAX + 1], seed[32], b[VT_CERT_MAX + 1];
	struct vt_cert c;
	size_t n = make_cert(raw, seed);
	int bad = 0;
	assert_int_equal(vt_cert_parse(&c, raw, n), VX_OK);
	assert_string_equal(c.name, "laptop");
	assert_int_equal(c.issued, 123456789);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memcpy(b, raw, n);
		b[t[i].off] ^= t[i].x;
		int got = vt_cert_parse(&c, b, n);
		if (got != t[i].want) {
			print_error("cert %s: got %s\n", t[i].field, vt_errname(got));
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	for (size_t k = 0; k < n; k++)
		assert_int_equal(vt_cert_parse(&c, raw, k), VT_E_TRUNCATED);
	raw[n] = 0;
	assert_int_equal(vt_cert_parse(&c, raw, n + 1), VT_E_TRAILING);
}

static void test_revoke_tamper_every_field(void **state)
{
	(void)state;
	/* Offsets with the origin "log.example" (11 bytes): effective 72..79,
	 * log size 80..87, origin length 88, origin 89..99, signature 100..163. */
	static const struct {
		const char *field;
		size_t off;
		uint8_t x;
		int want;
	} t[] = {
	    {"magic", 0, 1, VT_E_MAGIC},
	    {"version", 7, 1, VT_E_VERSION},
	    {"person", 8, 1, VT_E_REVOKE_SIG},
	    {"machine", 45, 1, VT_E_REVOKE_SIG},
	    {"effective", 79, 1, VT_E_REVOKE_SIG},
	    {"log size", 87, 1, VT_E_REVOKE_SIG},
	    {"origin length", 88, 1, VT_E_TRAILING},
	    {"origin length, longer", 88, 4, VT_E_TRUNCATED},
	    {"origin length beyond 128", 88, 0x80, VT_E_FIELD},
	    {"origin", 92, 1, VT_E_REVOKE_SIG},
	    {"signature", 130, 1, VT_E_REVOKE_SIG},
	};
	uint8_t raw[VT_REVOKE_MAX], b[VT_REVOKE_MAX], seed[32];
	struct vt_revoke r;
	int bad = 0;
	memset(&r, 0, sizeof(r));
	for (int i = 0; i < 32; i++)
		seed[i] = (uint8_t)(3 * i);
	r.effective = 77;
	assert_int_equal(vt_revoke_sign(&r, seed, raw, sizeof(raw)), VT_REVOKE_MIN);
	r.log_size = 9;
	r.originlen = 11;
	memcpy(r.origin, "log.example", 11);
	int n = vt_revoke_sign(&r, seed, raw, sizeof(raw));
	assert_int_equal(n, VT_REVOKE_MIN + 11);
	memset(&r, 0, sizeof(r));
	assert_int_equal(vt_revoke_parse(&r, raw, (size_t)n), VX_OK);
	assert_int_equal(r.effective, 77);
	assert_int_equal(r.log_size, 9);
	assert_string_equal(r.origin, "log.example");
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memcpy(b, raw, (size_t)n);
		b[t[i].off] ^= t[i].x;
		int got = vt_revoke_parse(&r, b, (size_t)n);
		if (got != t[i].want) {
			print_error("revocation %s: got %s\n", t[i].field, vt_errname(got));
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	for (int k = 0; k < n; k++)
		assert_int_equal(vt_revoke_parse(&r, raw, (size_t)k), VT_E_TRUNCATED);
	r.originlen = VT_ORIGIN_MAX + 1;
	assert_int_equal(vt_revoke_sign(&r, seed, raw, sizeof(raw)), VT_E_FIELD);
}

static void test_codecs(void **state)
{
	(void)state;
	char t[64];
	uint8_t b[16];
	uint64_t v;
	/* RFC 4648 section 10 vectors. */
	static const char *b64[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	for (size_t i = 0; i < 7; i++) {
		vt_b64(t, (const uint8_t *)"foobar", i);
		assert_string_equal(t, b64[i]);
		assert_int_equal(vt_unb64(b, sizeof(b), b64[i], strlen(b64[i])), (int)i);
		assert_memory_equal(b, "foobar", i);
	}
	assert_int_equal(vt_unb64(b, sizeof(b), "Zh==", 4), VT_E_FIELD); /* stray bits */
	assert_int_equal(vt_unb64(b, sizeof(b), "Zm9=", 4), VT_E_FIELD);
	assert_int_equal(vt_unb64(b, sizeof(b), "Zm9", 3), VT_E_FIELD);
	assert_int_equal(vt_unb64(b, sizeof(b), "Z=9v", 4), VT_E_FIELD);
	assert_int_equal(vt_unb64(b, sizeof(b), "Zm 9", 4), VT_E_FIELD);
	assert_int_equal(vt_unb64(b, 2, "Zm9v", 4), VT_E_TOOBIG);
	assert_int_equal(vt_parse_u64("18446744073709551615", 20, &v), VX_OK);
	assert_true(v == UINT64_MAX);
	assert_int_equal(vt_parse_u64("18446744073709551616", 20, &v), VT_E_FIELD);
	assert_int_equal(vt_parse_u64("007", 3, &v), VT_E_FIELD);
	assert_int_equal(vt_parse_u64("", 0, &v), VT_E_FIELD);
	assert_int_equal(vt_parse_u64("0", 1, &v), VX_OK);
	assert_int_equal(vt_unhex(b, 2, "abCD", 4), VT_E_FIELD);
	assert_int_equal(vt_unhex(b, 2, "abcd", 4), VX_OK);
	assert_int_equal(b[1], 0xcd);
	/* Every trust error has its own name and text. */
	for (int a = VT_E_LAST; a <= VT_E_TRUNCATED; a++)
		for (int c = VT_E_LAST; c < a; c++) {
			assert_string_not_equal(vt_errname(a), vt_errname(c));
			assert_string_not_equal(vt_strerror(a), vt_strerror(c));
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_person_derivation_oracle),
	    cmocka_unit_test(test_person_known_answer),
	    cmocka_unit_test(test_person_word_errors),
	    cmocka_unit_test(test_seal_roundtrip),
	    cmocka_unit_test(test_seal_wrong_passphrase),
	    cmocka_unit_test(test_seal_tamper_every_field),
	    cmocka_unit_test(test_seal_truncated_and_long),
	    cmocka_unit_test(test_cert_tamper_every_field),
	    cmocka_unit_test(test_revoke_tamper_every_field),
	    cmocka_unit_test(test_codecs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
