/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HKDF, RFC 5869 section 2:
 *
 *   PRK = HMAC-Hash(salt, IKM)
 *   T(0) = empty,  T(i) = HMAC-Hash(PRK, T(i-1) || info || i)  (i one byte)
 *   OKM = first L bytes of T(1) || T(2) || ... ,  L <= 255 * HashLen
 *
 * Written once over a hash descriptor (crypto/hashdesc.h); the SHA-256 and
 * SHA-512 functions are thin wrappers.  The PRK-keyed HMAC state is built
 * once and copied for each T(i).
 * Test vectors: RFC 5869 appendix A.  Intermediate blocks are wiped.
 */
#include <stddef.h>
#include <stdint.h>

#include "vectra/abi.h"
#include "vx_string.h"
#include "crypto/ct.h"
#include "crypto/hashdesc.h"
#include "crypto/hkdf.h"
#include "crypto/hmac.h"

static int hkdf_expand(const struct vx_hash_desc *h, uint8_t *out, size_t outlen, const void *prk,
		       size_t prklen, const void *info, size_t infolen)
{
	struct vx_hmac_state key, c;
	uint8_t t[VX_HASH_MAX_BYTES];

	if (outlen > 255 * h->bytes)
		return VX_E_TOOBIG;
	vx_hmac_key(h, &key.inner, &key.outer, prk, prklen);
	for (uint8_t i = 1; outlen > 0; i++) {
		size_t take = outlen < h->bytes ? outlen : h->bytes;
		c = key;
		if (i > 1)
			h->update(&c.inner, t, h->bytes);
		h->update(&c.inner, info, infolen);
		h->update(&c.inner, &i, 1);
		vx_hmac_finish(h, &c.inner, &c.outer, t);
		memcpy(out, t, take);
		out += take;
		outlen -= take;
	}
	vx_wipe(&key, sizeof(key));
	vx_wipe(t, sizeof(t));
	return VX_OK;
}

static int hkdf(const struct vx_hash_desc *h, uint8_t *out, size_t outlen, const void *salt,
		size_t saltlen, const void *ikm, size_t ikmlen, const void *info, size_t infolen)
{
	uint8_t prk[VX_HASH_MAX_BYTES];
	int r;

	if (outlen > 255 * h->bytes)
		return VX_E_TOOBIG;
	vx_hmac(h, salt, saltlen, ikm, ikmlen, prk);
	r = hkdf_expand(h, out, outlen, prk, h->bytes, info, infolen);
	vx_wipe(prk, sizeof(prk));
	return r;
}

void vx_hkdf_sha256_extract(uint8_t prk[32], const void *salt, size_t saltlen, const void *ikm,
			    size_t ikmlen)
{
	vx_hmac(&vx_hash_sha256, salt, saltlen, ikm, ikmlen, prk);
}

int vx_hkdf_sha256_expand(uint8_t *out, size_t outlen, const void *prk, size_t prklen,
			  const void *info, size_t infolen)
{
	return hkdf_expand(&vx_hash_sha256, out, outlen, prk, prklen, info, infolen);
}

int vx_hkdf_sha256(uint8_t *out, size_t outlen, const void *salt, size_t saltlen, const void *ikm,
		   size_t ikmlen, const void *info, size_t infolen)
{
	return hkdf(&vx_hash_sha256, out, outlen, salt, saltlen, ikm, ikmlen, info, infolen);
}

void vx_hkdf_sha512_extract(uint8_t prk[64], const void *salt, size_t saltlen, const void *ikm,
			    size_t ikmlen)
{
	vx_hmac(&vx_hash_sha512, salt, saltlen, ikm, ikmlen, prk);
}

int vx_hkdf_sha512_expand(uint8_t *out, size_t outlen, const void *prk, size_t prklen,
			  const void *info, size_t infolen)
{
	return hkdf_expand(&vx_hash_sha512, out, outlen, prk, prklen, info, infolen);
}

int vx_hkdf_sha512(uint8_t *out, size_t outlen, const void *salt, size_t saltlen, const void *ikm,
		   size_t ikmlen, const void *info, size_t infolen)
{
	return hkdf(&vx_hash_sha512, out, outlen, salt, saltlen, ikm, ikmlen, info, infolen);
}
