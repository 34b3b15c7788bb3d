/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ChaCha20-Poly1305 AEAD (RFC 8439 section 2.8, 96-bit nonce) and
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03, 192-bit nonce).
 *
 * Nonces must never repeat under one key.  With the 96-bit variant use a
 * counter; the 192-bit variant may take random nonces.
 *
 * Encrypt: c = m XOR keystream (same length), tag over (ad, c).  The
 * "detached" calls write the 16-byte tag separately; the combined calls
 * write c || tag (mlen + 16 bytes).  out may equal the input (in place).
 *
 * Decrypt verifies the tag, in constant time, before writing any plaintext.
 * On mismatch it returns VX_E_AUTH and leaves every byte of the plaintext
 * output zero (when decrypting in place the ciphertext is therefore gone).
 * A message longer than the cipher allows (2^32 - 1 blocks of 64 bytes)
 * gives VX_E_TOOBIG.
 */
#ifndef VX_CRYPTO_AEAD_H
#define VX_CRYPTO_AEAD_H

#include <stddef.h>
#include <stdint.h>

#define VX_AEAD_KEY_BYTES    32
#define VX_AEAD_NONCE_BYTES  12
#define VX_XAEAD_NONCE_BYTES 24
#define VX_AEAD_TAG_BYTES    16

int vx_aead_chacha20poly1305_encrypt_detached(uint8_t *c, uint8_t tag[VX_AEAD_TAG_BYTES],
					      const uint8_t *m, size_t mlen, const uint8_t *ad,
					      size_t adlen,
					      const uint8_t nonce[VX_AEAD_NONCE_BYTES],
					      const uint8_t key[VX_AEAD_KEY_BYTES]);
int vx_aead_chacha20poly1305_decrypt_detached(uint8_t *m, const uint8_t *c, size_t clen,
					      const uint8_t tag[VX_AEAD_TAG_BYTES],
					      const uint8_t *ad, size_t adlen,
					      const uint8_t nonce[VX_AEAD_NONCE_BYTES],
					      const uint8_t key[VX_AEAD_KEY_BYTES]);
/* c receives mlen + VX_AEAD_TAG_BYTES bytes. */
int vx_aead_chacha20poly1305_encrypt(uint8_t *c, const uint8_t *m, size_t mlen, const uint8_t *ad,
				     size_t adlen, const uint8_t nonce[VX_AEAD_NONCE_BYTES],
				     const uint8_t key[VX_AEAD_KEY_BYTES]);
/* m receives clen - VX_AEAD_TAG_BYTES bytes; clen < 16 is VX_E_INVAL. */
int vx_aead_chacha20poly1305_decrypt(uint8_t *m, const uint8_t *c, size_t clen, const uint8_t *ad,
				     size_t adlen, const uint8_t nonce[VX_AEAD_NONCE_BYTES],
				     const uint8_t key[VX_AEAD_KEY_BYTES]);

int vx_aead_xchacha20poly1305_encrypt_detached(uint8_t *c, uint8_t tag[VX_AEAD_TAG_BYTES],
					       const uint8_t *m, size_t mlen, const uint8_t *ad,
					       size_t adlen,
					       const uint8_t nonce[VX_XAEAD_NONCE_BYTES],
					       const uint8_t key[VX_AEAD_KEY_BYTES]);
int vx_aead_xchacha20poly1305_decrypt_detached(uint8_t *m, const uint8_t *c, size_t clen,
					       const uint8_t tag[VX_AEAD_TAG_BYTES],
					       const uint8_t *ad, size_t adlen,
					       const uint8_t nonce[VX_XAEAD_NONCE_BYTES],
					       const uint8_t key[VX_AEAD_KEY_BYTES]);
int vx_aead_xchacha20poly1305_encrypt(uint8_t *c, const uint8_t *m, size_t mlen, const uint8_t *ad,
				      size_t adlen, const uint8_t nonce[VX_XAEAD_NONCE_BYTES],
				      const uint8_t key[VX_AEAD_KEY_BYTES]);
int vx_aead_xchacha20poly1305_decrypt(uint8_t *m, const uint8_t *c, size_t clen, const uint8_t *ad,
				      size_t adlen, const uint8_t nonce[VX_XAEAD_NONCE_BYTES],
				      const uint8_t key[VX_AEAD_KEY_BYTES]);

#endif
