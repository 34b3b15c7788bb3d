/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * BIP39 mnemonic phrases, English wordlist only.
 *
 * Entropy of 16, 20, 24, 28 or 32 bytes becomes 12, 15, 18, 21 or 24 words
 * (11 bits each, the last word carrying the checksum: the first ENT/32 bits
 * of SHA-256(entropy)).  A phrase is lowercase list words separated by
 * single ASCII spaces, exactly as the BIP39 reference splits it: a leading,
 * trailing or doubled space makes an empty word, which is not in the list.
 *
 * Normalisation: BIP39 feeds the NFKD form of the phrase and passphrase to
 * PBKDF2.  lib/crypto has no Unicode tables, so vx_bip39_seed uses the bytes
 * exactly as given.  English phrases and ASCII passphrases are already
 * NFKD, so they need nothing.  A non-ASCII passphrase must be NFKD-normalised
 * UTF-8 before the call (the user-interface layer does that); otherwise the
 * seed differs from other BIP39 wallets'.  Nothing here rejects non-ASCII.
 */
#ifndef VX_CRYPTO_BIP39_H
#define VX_CRYPTO_BIP39_H

#include <stddef.h>
#include <stdint.h>

#define VX_BIP39_WORDS	      2048
#define VX_BIP39_SEED_BYTES   64
#define VX_BIP39_ITERATIONS   2048
#define VX_BIP39_MNEMONIC_MAX 216 /* 24 words of <= 8 letters, 23 spaces, NUL */

/* The English list, sorted, each word NUL-padded to 9 bytes. */
extern const char vx_bip39_english[VX_BIP39_WORDS][9];

/*
 * Write the phrase for n bytes of entropy to out as a NUL-terminated string.
 * Returns its length (without the NUL), VX_E_INVAL if n is not 16, 20, 24,
 * 28 or 32, or VX_E_TOOBIG if it does not fit in cap bytes (out is then set
 * to the empty string when cap > 0).
 */
int vx_bip39_from_entropy(const uint8_t *entropy, size_t n, char *out, size_t cap);

/*
 * Recover the entropy from a phrase of len bytes (no NUL needed).  Returns
 * the entropy length in bytes, or, checked in this order:
 *   VX_E_INVAL     the word count is not 12, 15, 18, 21 or 24
 *   VX_E_TOOBIG    the entropy does not fit in cap bytes
 *   VX_E_NOTFOUND  a word is not in the list
 *   VX_E_AUTH      the checksum does not match
 * out is written only on success.
 */
int vx_bip39_to_entropy(const char *phrase, size_t len, uint8_t *out, size_t cap);

/*
 * seed = PBKDF2-HMAC-SHA512(phrase, "mnemonic" || passphrase, 2048, 64).
 * As in BIP39 the phrase is not validated here; check it first with
 * vx_bip39_to_entropy.  Both strings are used byte for byte (see above).
 */
void vx_bip39_seed(const char *phrase, size_t len, const char *passphrase, size_t passlen,
		   uint8_t seed[64]);

#endif
