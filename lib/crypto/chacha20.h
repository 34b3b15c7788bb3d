/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ChaCha20 stream cipher (RFC 8439 section 2.4: 256-bit key, 96-bit nonce,
 * 32-bit block counter) and HChaCha20 (draft-irtf-cfrg-xchacha section 2.2).
 *
 * The keystream for (key, nonce) is 2^32 blocks of 64 bytes; block n is
 * vx_chacha20_block(key, n, nonce).  vx_chacha20_xor never lets the counter
 * wrap: a request that would run past block 2^32 - 1 fails with
 * VX_E_TOOBIG and writes nothing.
 */
#ifndef VX_CRYPTO_CHACHA20_H
#define VX_CRYPTO_CHACHA20_H

#include <stddef.h>
#include <stdint.h>

#define VX_CHACHA20_KEY_BYTES	 32
#define VX_CHACHA20_NONCE_BYTES	 12
#define VX_CHACHA20_BLOCK_BYTES	 64
#define VX_HCHACHA20_NONCE_BYTES 16
#define VX_HCHACHA20_OUT_BYTES	 32

/* Write keystream block `counter` for (key, nonce) into out. */
void vx_chacha20_block(uint8_t out[VX_CHACHA20_BLOCK_BYTES],
		       const uint8_t key[VX_CHACHA20_KEY_BYTES], uint32_t counter,
		       const uint8_t nonce[VX_CHACHA20_NONCE_BYTES]);

/*
 * out = in XOR keystream, starting at block `counter`.  in may equal out
 * (in place); in == NULL writes the bare keystream.  Returns VX_OK, or
 * VX_E_TOOBIG (nothing written) if len bytes would need a block number
 * above 2^32 - 1.
 */
int vx_chacha20_xor(uint8_t *out, const uint8_t *in, size_t len,
		    const uint8_t key[VX_CHACHA20_KEY_BYTES],
		    const uint8_t nonce[VX_CHACHA20_NONCE_BYTES], uint32_t counter);

/* HChaCha20: derive a 32-byte subkey from key and a 16-byte nonce. */
void vx_hchacha20(uint8_t out[VX_HCHACHA20_OUT_BYTES], const uint8_t key[VX_CHACHA20_KEY_BYTES],
		  const uint8_t nonce[VX_HCHACHA20_NONCE_BYTES]);

#endif
