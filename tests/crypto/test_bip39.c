/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * BIP39: the English entropy/mnemonic vectors of Trezor's vectors.json
 * (trezor/python-mnemonic), the two best-known TREZOR-passphrase seeds,
 * round trips at every entropy size, and the rejection cases, each of
 * which must give exactly its documented error.  Seeds are compared with
 * python3-mnemonic in bulk by diff_bip39.py.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "vectra/abi.h"
#include "crypto/bip39.h"
#include "hash_vectors.h"

static const struct {
	const char *entropy, *phrase;
} vec[] = {
    {"00000000000000000000000000000000", "abandon abandon abandon abandon abandon abandon abandon "
					 "abandon abandon abandon abandon about"},
    {"7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f",
     "legal winner thank year wave sausage worth useful legal winner thank yellow"},
    {"80808080808080808080808080808080",
     "letter advice cage absurd amount doctor acoustic avoid letter advice cage above"},
    {"ffffffffffffffffffffffffffffffff", "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong"},
    {"000000000000000000000000000000000000000000000000",
     "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
     "abandon abandon abandon abandon abandon abandon agent"},
    {"7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f",
     "legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth "
     "useful legal will"},
    {"ffffffffffffffffffffffffffffffffffffffffffffffff",
     "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo when"},
    {"0000000000000000000000000000000000000000000000000000000000000000",
     "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
     "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
     "abandon art"},
    {"8080808080808080808080808080808080808080808080808080808080808080",
     "letter advice cage absurd amount doctor acoustic avoid letter advice cage absurd amount "
     "doctor acoustic avoid letter advice cage absurd amount doctor acoustic bless"},
    {"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
     "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo "
     "vote"},
    {"7dce4ed2284c9134d026608ab684c05c",
     "lava include region explain simple omit dog slot melt reflect copy reward"},
    {"0ce452419635c1a5faf44d60f2029f73fdc43419b4de1f03",
     "artefact card motor cluster foster spray type meadow genius mosquito pond tree sword borrow "
     "grocery orange business burger"},
    {"00ac97c48106f0aeb8ba061e0250a559b3251dc35854e694780ba51d53a50120",
     "absent gorilla van acoustic humor firm title dolphin bulk barely citizen recall crane moment "
     "aspect appear track phrase actual enforce steel spoon afraid benefit"},
    {"977f8287f9ed670b8489838ab0476a63b65d4df12f406e68",
     "number winter peanut video stool magic banana corn melt lion surround shuffle grape plunge "
     "seven trend hover dwarf"},
    {"3edc83b60740d77af3afa2fcb82c2f1bc541ee4e2518ddef4996d32453f54a3c",
     "disagree tomato unique attend aspect runway solid violin witness scrap armed daring favorite "
     "warm decade perfect target kid grant play early wide cigar night"},
    {"89bb4bc5555992cdaf3444c5e7ca5a6e9f27efab894f1990bae41be8b2a26ea4",
     "meadow surge vanish primary odor grocery rubber mass shine dinner notable tag venue water "
     "purchase clarify book magic ribbon daughter menu eye ritual orchard"},
    {"00641669f095b433a304ed0f953f28eb",
     "about camera omit thrive forget border metal oval auto prepare sketch stomach"},
    {"911fec0fbd88029f6fa99164896c18d898c9232af18bdcca3e42d53b86493104",
     "much youth advance kitchen lens exile salt cram goose enter alert raise milk muscle profit "
     "cousin system faint mouse price reveal cause series long"},
};

static void test_bip39_vectors(void **state)
{
	for (size_t i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		uint8_t ent[32], back[32];
		char phrase[VX_BIP39_MNEMONIC_MAX];
		long n = hex_decode(vec[i].entropy, ent, sizeof(ent));
		int r = vx_bip39_from_entropy(ent, (size_t)n, phrase, sizeof(phrase));
		assert_int_equal(r, (int)strlen(vec[i].phrase));
		assert_string_equal(phrase, vec[i].phrase);
		r = vx_bip39_to_entropy(phrase, strlen(phrase), back, sizeof(back));
		assert_int_equal(r, n);
		assert_memory_equal(back, ent, (size_t)n);
	}
}

/* Trezor vectors 1 and 2, passphrase "TREZOR". */
static void test_bip39_seed_trezor(void **state)
{
	static const char *s1 = "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e5349553"
				"1f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04";
	static const char *s2 = "2e8905819b8723fe2c1d161860e5ee1830318dbf49a83bd451cfb8440c28bd6f"
				"a457fe1296106559a3c80937a1c1069be3a3a5bd381ee6260e8d9739fce1f607";
	uint8_t seed[64], want[64];

	vx_bip39_seed(vec[0].phrase, strlen(vec[0].phrase), "TREZOR", 6, seed);
	hex_decode(s1, want, 64);
	assert_memory_equal(seed, want, 64);
	vx_bip39_seed(vec[1].phrase, strlen(vec[1].phrase), "TREZOR", 6, seed);
	hex_decode(s2, want, 64);
	assert_memory_equal(seed, want, 64);
}

static void test_bip39_roundtrip(void **state)
{
	uint64_t s = 0xb1539;

	for (int i = 0; i < 500; i++) {
		size_t n = 16 + 4 * (size_t)(i % 5);
		uint8_t ent[32], back[32];
		char phrase[VX_BIP39_MNEMONIC_MAX];
		int len;
		rng_fill(&s, ent, n);
		len = vx_bip39_from_entropy(ent, n, phrase, sizeof(phrase));
		assert_true(len > 0 && (size_t)len == strlen(phrase));
		assert_int_equal(vx_bip39_to_entropy(phrase, (size_t)len, back, n), (int)n);
		assert_memory_equal(back, ent, n);
	}
}

static int to_ent(const char *p)
{
	uint8_t out[32];
	return vx_bip39_to_entropy(p, strlen(p), out, sizeof(out));
}

#define ABANDON11                                                                                  \
	"abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon"

static void test_bip39_reject_checksum(void **state)
{
	assert_int_equal(to_ent(ABANDON11 " about"), 16);
	assert_int_equal(to_ent(ABANDON11 " abandon"), VX_E_AUTH);
	assert_int_equal(to_ent(ABANDON11 " zoo"), VX_E_AUTH);
	assert_int_equal(to_ent("zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo"), VX_E_AUTH);
	/*
	 * Every list word as the 12th: it holds 7 entropy bits and the 4
	 * checksum bits, so exactly 2048 / 16 = 128 of them are valid.
	 */
	int ok = 0;
	for (int w = 0; w < VX_BIP39_WORDS; w++) {
		char p2[VX_BIP39_MNEMONIC_MAX + 8];
		int r;
		snprintf(p2, sizeof(p2), "%s %s", ABANDON11, vx_bip39_english[w]);
		r = to_ent(p2);
		assert_true(r == 16 || r == VX_E_AUTH);
		ok += r == 16;
	}
	assert_int_equal(ok, 128);
}

static void test_bip39_reject_unknown_word(void **state)
{
	assert_int_equal(to_ent(ABANDON11 " abuot"), VX_E_NOTFOUND);
	assert_int_equal(
	    to_ent("Abandon abandon abandon abandon abandon abandon abandon abandon abandon "
		   "abandon abandon about"),
	    VX_E_NOTFOUND);					   /* case matters */
	assert_int_equal(to_ent(ABANDON11 " about "), VX_E_INVAL); /* 13 words, one empty */
	assert_int_equal(to_ent(ABANDON11 "  about"), VX_E_INVAL);
	assert_int_equal(to_ent(" abandon abandon abandon abandon abandon abandon abandon abandon "
				"abandon abandon about"),
			 VX_E_NOTFOUND); /* 12 words, the first empty */
	assert_int_equal(to_ent(ABANDON11 " abandonabout"), VX_E_NOTFOUND);
	assert_int_equal(to_ent(ABANDON11 " aboutt"), VX_E_NOTFOUND);
	assert_int_equal(to_ent(ABANDON11 " abou"), VX_E_NOTFOUND);
	assert_int_equal(to_ent(ABANDON11 "\tabout"), VX_E_INVAL); /* 11 words */
	{
		char p[] = ABANDON11 " about";
		p[3] = 0; /* an embedded NUL is part of the first word */
		uint8_t out[32];
		assert_int_equal(vx_bip39_to_entropy(p, sizeof(p) - 1, out, 32), VX_E_NOTFOUND);
	}
	{
		/* "about" followed by NULs must not match the NUL-padded entry (fuzz find) */
		char p[] = ABANDON11 " about\0\0";
		uint8_t out[32];
		assert_int_equal(vx_bip39_to_entropy(p, sizeof(p) - 1, out, 32), VX_E_NOTFOUND);
	}
}

static void test_bip39_reject_word_count(void **state)
{
	assert_int_equal(to_ent(""), VX_E_INVAL);
	assert_int_equal(to_ent("abandon"), VX_E_INVAL);
	assert_int_equal(to_ent(ABANDON11), VX_E_INVAL);
	assert_int_equal(to_ent(ABANDON11 " abandon about"), VX_E_INVAL);
	assert_int_equal(to_ent(ABANDON11 " " ABANDON11 " " ABANDON11), VX_E_INVAL); /* 33 */
	assert_int_equal(to_ent(ABANDON11 " xyz qqq"), VX_E_INVAL); /* count before words */
	assert_int_equal(to_ent(ABANDON11 " " ABANDON11 " zoo zoo zoo"), VX_E_INVAL); /* 25 */
}

static void test_bip39_buffers(void **state)
{
	uint8_t ent[32] = {0}, out[32];
	char phrase[VX_BIP39_MNEMONIC_MAX];
	int len = vx_bip39_from_entropy(ent, 16, phrase, sizeof(phrase));

	assert_int_equal(len, (int)strlen(ABANDON11 " about"));
	assert_int_equal(vx_bip39_from_entropy(ent, 16, phrase, (size_t)len), VX_E_TOOBIG);
	assert_string_equal(phrase, "");
	assert_int_equal(vx_bip39_from_entropy(ent, 16, phrase, (size_t)len + 1), len);
	assert_int_equal(vx_bip39_from_entropy(ent, 16, NULL, 0), VX_E_TOOBIG);
	assert_int_equal(vx_bip39_from_entropy(ent, 15, phrase, sizeof(phrase)), VX_E_INVAL);
	assert_int_equal(vx_bip39_from_entropy(ent, 33, phrase, sizeof(phrase)), VX_E_INVAL);
	assert_int_equal(vx_bip39_from_entropy(ent, 0, phrase, sizeof(phrase)), VX_E_INVAL);
	assert_int_equal(vx_bip39_to_entropy(phrase, (size_t)len, out, 15), VX_E_TOOBIG);
	assert_int_equal(vx_bip39_to_entropy(phrase, (size_t)len, out, 16), 16);
	/* the longest phrase fits VX_BIP39_MNEMONIC_MAX exactly or better */
	int longest = 0;
	for (int w = 0; w < VX_BIP39_WORDS; w++)
		if ((int)strlen(vx_bip39_english[w]) > longest)
			longest = (int)strlen(vx_bip39_english[w]);
	assert_true(24 * longest + 23 + 1 <= VX_BIP39_MNEMONIC_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bip39_vectors),
	    cmocka_unit_test(test_bip39_seed_trezor),
	    cmocka_unit_test(test_bip39_roundtrip),
	    cmocka_unit_test(test_bip39_reject_checksum),
	    cmocka_unit_test(test_bip39_reject_unknown_word),
	    cmocka_unit_test(test_bip39_reject_word_count),
	    cmocka_unit_test(test_bip39_buffers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
