/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PBKDF2, RFC 8018 section 5.2, with PRF = HMAC-SHA-256 or HMAC-SHA-512:
 *
 *   T_i = U_1 ^ U_2 ^ ... ^ U_c
 *   U_1 = PRF(P, S || INT_32_BE(i)),  U_j = PRF(P, U_{j-1})
 *   DK  = first dkLen bytes of T_1 || T_2 || ...
 *
 * Written once over a hash descriptor (crypto/hashdesc.h); the public
 * functions are thin wrappers.  The password-keyed HMAC state is built once
 * and copied for every PRF call, so each iteration costs two compression
 * functions.  BIP39 uses the SHA-512 form with 2048 iterations.  Test
 * vectors: RFC 7914 section 11 (SHA-256); differential tests against
 * OpenSSL for both.
 */
#include <stddef.h>
#include <stdint.h>

#include "vectra/abi.h"
#include "vx_string.h"
#include "crypto/ct.h"
#include "crypto/hashdesc.h"
#include "crypto/hmac.h"
#include "crypto/pbkdf2.h"

/* The salt is salt || salt2, either of which may be empty. */
static int pbkdf2(const struct vx_hash_desc *h, uint8_t *out, size_t outlen, const void *pw,
		  size_t pwlen, const void *salt, size_t saltlen, const void *salt2,
		  size_t salt2len, uint32_t iterations)
{
	struct vx_hmac_state key, c;
	uint8_t u[VX_HASH_MAX_BYTES], t[VX_HASH_MAX_BYTES], ctr[4];
	size_t hlen = h->bytes;

	if (iterations == 0)
		return VX_E_INVAL;
	if ((uint64_t)outlen / hlen > 0xffffffffu ||
	    ((uint64_t)outlen / hlen == 0xffffffffu && outlen % hlen != 0))
		return VX_E_TOOBIG;
	/* Bytes past hlen stay zero, so T can be XORed over a fixed length. */
	memset(u, 0, sizeof(u));
	vx_hmac_key(h, &key.inner, &key.outer, pw, pwlen);
	for (uint32_t i = 1; outlen > 0; i++) {
		size_t take = outlen < hlen ? outlen : hlen;
		ctr[0] = (uint8_t)(i >> 24);
		ctr[1] = (uint8_t)(i >> 16);
		ctr[2] = (uint8_t)(i >> 8);
		ctr[3] = (uint8_t)i;
		c = key;
		h->update(&c.inner, salt, saltlen);
		h->update(&c.inner, salt2, salt2len);
		h->update(&c.inner, ctr, 4);
		vx_hmac_finish(h, &c.inner, &c.outer, u);
		memcpy(t, u, sizeof(t));
		for (uint32_t j = 1; j < iterations; j++) {
			c = key;
			h->update(&c.inner, u, hlen);
			vx_hmac_finish(h, &c.inner, &c.outer, u);
			for (size_t k = 0; k < sizeof(t); k++)
				t[k] ^= u[k];
		}
		memcpy(out, t, take);
		out += take;
		outlen -= take;
	}
	vx_wipe(&key, sizeof(key));
	vx_wipe(u, sizeof(u));
	vx_wipe(t, sizeof(t));
	return VX_OK;
}

int vx_pbkdf2_hmac_sha256(uint8_t *out, size_t outlen, const void *pw, size_t pwlen,
			  const void *salt, size_t saltlen, uint32_t iterations)
{
	return pbkdf2(&vx_hash_sha256, out, outlen, pw, pwlen, salt, saltlen, NULL, 0, iterations);
}

int vx_pbkdf2_hmac_sha512_split(uint8_t *out, size_t outlen, const void *pw, size_t pwlen,
				const void *salt, size_t saltlen, const void *salt2,
				size_t salt2len, uint32_t iterations)
{
	return pbkdf2(&vx_hash_sha512, out, outlen, pw, pwlen, salt, saltlen, salt2, salt2len,
		      iterations);
}

int vx_pbkdf2_hmac_sha512(uint8_t *out, size_t outlen, const void *pw, size_t pwlen,
			  const void *salt, size_t saltlen, uint32_t iterations)
{
	return vx_pbkdf2_hmac_sha512_split(out, outlen, pw, pwlen, salt, saltlen, NULL, 0,
					   iterations);
}
