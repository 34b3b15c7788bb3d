/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HKDF, RFC 5869 section 2:
 *
 *   PRK = HMAC-Hash(salt, IKM)
 *   T(0) = empty,  T(i) = HMAC-Hash(PRK, T(i-1) || info || i)  (i one byte)
 *   OKM = first L bytes of T(1) || T(2) || ... ,  L <= 255 * HashLen
 *
 * The PRK-keyed HMAC context is built once and copied for each T(i).
 * Test vectors: RFC 5869 appendix A.  Intermediate blocks are wiped.
 */
#include <stddef.h>
#include <stdint.h>

#include "vectra/abi.h"
#include "vx_string.h"
#include "crypto/ct.h"
#include "crypto/hkdf.h"
#include "crypto/hmac.h"

void vx_hkdf_sha256_extract(uint8_t prk[32], const void *salt, size_t saltlen, const void *ikm,
			    size_t ikmlen)
{
	vx_hmac_sha256(salt, saltlen, ikm, ikmlen, prk);
}

int vx_hkdf_sha256_expand(uint8_t *out, size_t outlen, const void *prk, size_t prklen,
			  const void *info, size_t infolen)
{
	struct vx_hmac_sha256 key, c;
	uint8_t t[VX_SHA256_BYTES];

	if (outlen > VX_HKDF_SHA256_MAX)
		return VX_E_TOOBIG;
	vx_hmac_sha256_init(&key, prk, prklen);
	for (uint8_t i = 1; outlen > 0; i++) {
		size_t take = outlen < sizeof(t) ? outlen : sizeof(t);
		c = key;
		if (i > 1)
			vx_hmac_sha256_update(&c, t, sizeof(t));
		vx_hmac_sha256_update(&c, info, infolen);
		vx_hmac_sha256_update(&c, &i, 1);
		vx_hmac_sha256_final(&c, t);
		memcpy(out, t, take);
		out += take;
		outlen -= take;
	}
	vx_wipe(&key, sizeof(key));
	vx_wipe(t, sizeof(t));
	return VX_OK;
}

int vx_hkdf_sha256(uint8_t *out, size_t outlen, const void *salt, size_t saltlen, const void *ikm,
		   size_t ikmlen, const void *info, size_t infolen)
{
	uint8_t prk[VX_SHA256_BYTES];
	int r;

	if (outlen > VX_HKDF_SHA256_MAX)
		return VX_E_TOOBIG;
	vx_hkdf_sha256_extract(prk, salt, saltlen, ikm, ikmlen);
	r = vx_hkdf_sha256_expand(out, outlen, prk, sizeof(prk), info, infolen);
	vx_wipe(prk, sizeof(prk));
	return r;
}

void vx_hkdf_sha512_extract(uint8_t prk[64], const void *salt, size_t saltlen, const void *ikm,
			    size_t ikmlen)
{
	vx_hmac_sha512(salt, saltlen, ikm, ikmlen, prk);
}

int vx_hkdf_sha512_expand(uint8_t *out, size_t outlen, const void *prk, size_t prklen,
			  const void *info, size_t infolen)
{
	struct vx_hmac_sha512 key, c;
	uint8_t t[VX_SHA512_BYTES];

	if (outlen > VX_HKDF_SHA512_MAX)
		return VX_E_TOOBIG;
	vx_hmac_sha512_init(&key, prk, prklen);
	for (uint8_t i = 1; outlen > 0; i++) {
		size_t take = outlen < sizeof(t) ? outlen : sizeof(t);
		c = key;
		if (i > 1)
			vx_hmac_sha512_update(&c, t, sizeof(t));
		vx_hmac_sha512_update(&c, info, infolen);
		vx_hmac_sha512_update(&c, &i, 1);
		vx_hmac_sha512_final(&c, t);
		memcpy(out, t, take);
		out += take;
		outlen -= take;
	}
	vx_wipe(&key, sizeof(key));
	vx_wipe(t, sizeof(t));
	return VX_OK;
}

int vx_hkdf_sha512(uint8_t *out, size_t outlen, const void *salt, size_t saltlen, const void *ikm,
		   size_t ikmlen, const void *info, size_t infolen)
{
	uint8_t prk[VX_SHA512_BYTES];
	int r;

	if (outlen > VX_HKDF_SHA512_MAX)
		return VX_E_TOOBIG;
	vx_hkdf_sha512_extract(prk, salt, saltlen, ikm, ikmlen);
	r = vx_hkdf_sha512_expand(out, outlen, prk, sizeof(prk), info, infolen);
	vx_wipe(prk, sizeof(prk));
	return r;
}
