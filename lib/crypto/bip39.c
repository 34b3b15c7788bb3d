/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * BIP39 (bitcoin/bips bip-0039.mediawiki): mnemonic phrases for entropy and
 * the seed derived from them.
 *
 *   ENT = 128..256 bits in steps of 32;  CS = ENT / 32 bits of SHA-256(ENT)
 *   ENT || CS is cut into (ENT + CS) / 11 groups of 11 bits, big-endian,
 *   each an index into the 2048-word list (bip39_english.c).
 *   seed = PBKDF2-HMAC-SHA512(P = phrase, S = "mnemonic" || passphrase,
 *                             c = 2048, dkLen = 64)
 *
 * Entropy and phrases are secrets, so word <-> index conversions read the
 * whole table and select with masks instead of indexing or searching it:
 * their timing and memory accesses do not depend on the words.  (The string
 * assembly still copies each word's own length.)  Error paths may return
 * early; an error reveals only that the phrase is wrong.
 */
#include <stddef.h>
#include <stdint.h>

#include "vectra/abi.h"
#include "vx_string.h"
#include "crypto/bip39.h"
#include "crypto/ct.h"
#include "crypto/pbkdf2.h"
#include "crypto/sha2.h"

/* 0xffffffff if x == 0, else 0, without a branch. */
static uint32_t zero_mask(uint32_t x)
{
	return (uint32_t)(((uint64_t)x - 1) >> 32);
}

/* The first 8 bytes of entry i (the 9th is always NUL), as one word. */
static uint64_t entry(uint32_t i)
{
	uint64_t v;

	memcpy(&v, vx_bip39_english[i], 8);
	return v;
}

/* Copy entry idx of the list into w[9] by scanning every entry. */
static void word_at(uint32_t idx, char w[9])
{
	uint64_t v = 0;

	for (uint32_t i = 0; i < VX_BIP39_WORDS; i++)
		v |= entry(i) & ((uint64_t)zero_mask(i ^ idx) << 32 | zero_mask(i ^ idx));
	memcpy(w, &v, 8);
	w[8] = 0;
}

/* Index of the word p[0..n) in the list, or -1; scans every entry. */
static int32_t index_of(const char *p, size_t n)
{
	uint64_t w = 0;
	uint32_t found = 0, idx = 0, nul = 0;

	if (n == 0 || n > 8)
		return -1;
	memcpy(&w, p, n);
	/* Entries are NUL-padded, so a NUL inside the word must not match them. */
	for (size_t j = 0; j < n; j++)
		nul |= zero_mask((uint8_t)p[j]);
	for (uint32_t i = 0; i < VX_BIP39_WORDS; i++) {
		uint64_t d = entry(i) ^ w;
		uint32_t m = zero_mask((uint32_t)d | (uint32_t)(d >> 32));
		found |= m;
		idx |= i & m;
	}
	return (found & ~nul) ? (int32_t)idx : -1;
}

/* The 11-bit group number i of the big-endian bit string b. */
static uint32_t get11(const uint8_t *b, size_t i)
{
	uint32_t v = 0;

	for (size_t k = i * 11; k < i * 11 + 11; k++)
		v = v << 1 | ((b[k >> 3] >> (7 - (k & 7))) & 1);
	return v;
}

static void put11(uint8_t *b, size_t i, uint32_t v)
{
	for (size_t k = i * 11; k < i * 11 + 11; k++) {
		uint32_t bit = (v >> (10 - (k - i * 11))) & 1;
		b[k >> 3] = (uint8_t)(b[k >> 3] | bit << (7 - (k & 7)));
	}
}

int vx_bip39_from_entropy(const uint8_t *entropy, size_t n, char *out, size_t cap)
{
	uint8_t bits[33], h[VX_SHA256_BYTES];
	char text[VX_BIP39_MNEMONIC_MAX], w[9];
	size_t len = 0, words = n * 3 / 4;

	if (n < 16 || n > 32 || n % 4 != 0)
		return VX_E_INVAL;
	vx_sha256(entropy, n, h);
	memcpy(bits, entropy, n);
	bits[n] = h[0]; /* only the first n / 4 bits of it are read */
	for (size_t i = 0; i < words; i++) {
		word_at(get11(bits, i), w);
		if (i > 0)
			text[len++] = ' ';
		for (int j = 0; j < 8 && w[j]; j++)
			text[len++] = w[j];
	}
	text[len] = 0;
	if (cap < len + 1) {
		if (cap > 0)
			out[0] = 0;
		len = (size_t)VX_E_TOOBIG;
	} else {
		memcpy(out, text, len + 1);
	}
	vx_wipe(bits, sizeof(bits));
	vx_wipe(h, sizeof(h));
	vx_wipe(text, sizeof(text));
	vx_wipe(w, sizeof(w));
	return (int)len;
}

int vx_bip39_to_entropy(const char *phrase, size_t len, uint8_t *out, size_t cap)
{
	uint8_t bits[33], h[VX_SHA256_BYTES], mask;
	size_t words = 1, n, start = 0, w = 0;
	int r = VX_E_NOTFOUND;

	for (size_t i = 0; i < len && words <= 24; i++)
		words += phrase[i] == ' ';
	if (words % 3 != 0 || words < 12 || words > 24)
		return VX_E_INVAL;
	n = words * 4 / 3;
	if (cap < n)
		return VX_E_TOOBIG;
	memset(bits, 0, sizeof(bits));
	for (size_t i = 0; i <= len; i++) {
		int32_t idx;
		if (i < len && phrase[i] != ' ')
			continue;
		idx = index_of(phrase + start, i - start);
		if (idx < 0)
			goto out;
		put11(bits, w++, (uint32_t)idx);
		start = i + 1;
	}
	vx_sha256(bits, n, h);
	mask = (uint8_t)(0xff00 >> (n / 4)); /* the top CS = n / 4 bits */
	if (((h[0] ^ bits[n]) & mask) != 0) {
		r = VX_E_AUTH;
		goto out;
	}
	memcpy(out, bits, n);
	r = (int)n;
out:
	vx_wipe(bits, sizeof(bits));
	vx_wipe(h, sizeof(h));
	return r;
}

void vx_bip39_seed(const char *phrase, size_t len, const char *passphrase, size_t passlen,
		   uint8_t seed[64])
{
	vx_pbkdf2_hmac_sha512_split(seed, 64, phrase, len, "mnemonic", 8, passphrase, passlen,
				    VX_BIP39_ITERATIONS);
}
