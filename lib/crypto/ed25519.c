/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ed25519 (RFC 8032 section 5.1): key generation from a seed, signing and
 * strict verification.  SHA-512 comes from sha2.c, group arithmetic from
 * ge25519.c and arithmetic mod L from sc25519.c.  docs/CRYPTO.md (section 3)
 * states the verification rules and why.
 */
#include "crypto/ed25519.h"
#include "crypto/ct.h"
#include "crypto/ge25519.h"
#include "crypto/sc25519.h"
#include "crypto/sha2.h"
#include "vectra/abi.h"
#include "vx_string.h"

/*
 * h = SHA-512(seed); the secret scalar is h[0..32) clamped (RFC 8032
 * 5.1.5 step 2), the nonce prefix is h[32..64) and *a = [scalar]B.
 */
static void expand(uint8_t h[64], struct vx_ge *a, const uint8_t seed[32])
{
	vx_sha512(seed, 32, h);
	h[0] &= 248;
	h[31] &= 127;
	h[31] |= 64;
	vx_ge_scalarmult_base(a, h);
}

int vx_ed25519_public_key(uint8_t pk[32], const uint8_t seed[32])
{
	uint8_t h[64];
	struct vx_ge a;

	expand(h, &a, seed);
	vx_ge_tobytes(pk, &a);
	vx_wipe(h, sizeof h);
	vx_wipe(&a, sizeof a);
	return VX_OK;
}

/* out = SHA-512(a || b || msg) mod L. */
static void hash_to_scalar(uint8_t out[32], const uint8_t a[32], const uint8_t b[32],
			   const void *msg, size_t len)
{
	struct vx_sha512 c;
	uint8_t d[64];

	vx_sha512_init(&c);
	vx_sha512_update(&c, a, 32);
	vx_sha512_update(&c, b, 32);
	vx_sha512_update(&c, msg, len);
	vx_sha512_final(&c, d);
	vx_sc_reduce(out, d);
	vx_wipe(d, sizeof d);
	vx_wipe(&c, sizeof c);
}

/*
 * RFC 8032 5.1.6: r = SHA-512(prefix || M) mod L, R = [r]B,
 * k = SHA-512(R || A || M) mod L, S = (r + k * s) mod L.
 */
int vx_ed25519_sign(uint8_t sig[64], const uint8_t seed[32], const void *msg, size_t len)
{
	uint8_t h[64], pk[32], r[64], rs[32], k[32];
	struct vx_sha512 c;
	struct vx_ge ap, rp;

	if (msg == NULL && len > 0)
		return VX_E_INVAL;
	expand(h, &ap, seed);

	vx_sha512_init(&c);
	vx_sha512_update(&c, h + 32, 32);
	vx_sha512_update(&c, msg, len);
	vx_sha512_final(&c, r);
	vx_sc_reduce(rs, r);
	vx_ge_scalarmult_base(&rp, rs);
	vx_ge_tobytes2(pk, &ap, sig, &rp);

	hash_to_scalar(k, sig, pk, msg, len);
	vx_sc_muladd(sig + 32, k, h, rs);

	vx_wipe(h, sizeof h);
	vx_wipe(r, sizeof r);
	vx_wipe(rs, sizeof rs);
	vx_wipe(&ap, sizeof ap);
	vx_wipe(&rp, sizeof rp);
	vx_wipe(&c, sizeof c);
	return VX_OK;
}

/*
 * RFC 8032 5.1.7 with the strict rules of docs/CRYPTO.md (section 3):
 * R' = [S]B - [k]A is computed and its encoding compared with R's bytes,
 * the cofactorless check.
 */
int vx_ed25519_verify(const uint8_t sig[64], const void *msg, size_t len, const uint8_t pk[32])
{
	struct vx_ge a, neg_a, chk;
	uint8_t k[32], enc[32];

	if (sig == NULL || pk == NULL || (msg == NULL && len > 0))
		return VX_E_INVAL;
	if (!vx_sc_is_canonical(sig + 32))
		return VX_E_AUTH; /* S >= L */
	/*
	 * R: a canonical y that is not a small-order point's.  R is not
	 * decoded: the comparison below only matches the canonical encoding
	 * of a curve point, so an R off the curve fails there.
	 */
	if (!vx_ge_has_canonical_y(sig) || vx_ge_is_small_order_y(sig))
		return VX_E_AUTH;
	if (vx_ge_frombytes_vartime(&a, pk) != 0 || vx_ge_is_small_order_y(pk))
		return VX_E_AUTH;

	hash_to_scalar(k, sig, pk, msg, len);
	neg_a = a;
	vx_fe_neg(&neg_a.X, &a.X);
	vx_fe_neg(&neg_a.T, &a.T);
	vx_ge_double_scalarmult_vartime(&chk, k, &neg_a, sig + 32);
	vx_ge_tobytes(enc, &chk);
	return memcmp(enc, sig, 32) == 0 ? VX_OK : VX_E_AUTH;
}
