/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Argon2id, version 0x13 (RFC 9106).
 *
 * The caller owns the working memory: pass a buffer of at least
 * vx_argon2id_mem_bytes(m_kib, lanes) bytes (m' KiB blocks of 1024 bytes,
 * plus 63 bytes of slack if the buffer is not 64-byte aligned).  Nothing is
 * allocated.  The buffer holds password-derived data while the call runs
 * and is wiped before it returns.
 *
 * Lanes (p) are computed one after another, so p > 1 gives the same tag as
 * a parallel implementation but no speed-up.
 */
#ifndef VX_CRYPTO_ARGON2_H
#define VX_CRYPTO_ARGON2_H

#include <stddef.h>
#include <stdint.h>

#define VX_ARGON2_VERSION   0x13
#define VX_ARGON2_SALT_MIN  8
#define VX_ARGON2_TAG_MIN   4
#define VX_ARGON2_LANES_MAX 0xffffffu

struct vx_argon2id_params {
	uint32_t t_cost;       /* passes over memory, >= 1 */
	uint32_t m_kib;	       /* memory size m in KiB, >= 8 * lanes */
	uint32_t lanes;	       /* parallelism p, 1 .. VX_ARGON2_LANES_MAX */
	const uint8_t *secret; /* optional key K (NULL when secret_len == 0) */
	size_t secret_len;
	const uint8_t *ad; /* optional associated data X */
	size_t ad_len;
};

/*
 * Bytes of working memory vx_argon2id needs for m_kib and lanes when the
 * buffer is 64-byte aligned (add 63 otherwise); 0 if the pair is invalid.
 */
size_t vx_argon2id_mem_bytes(uint32_t m_kib, uint32_t lanes);

/*
 * tag[0..tag_len) = Argon2id(pwd, salt, params).  Returns VX_OK;
 * VX_E_INVAL for a parameter outside the RFC's ranges (t < 1, m < 8p,
 * p = 0 or > 2^24 - 1, tag_len < 4, salt shorter than 8 bytes, a NULL
 * pointer with a nonzero length, any length >= 2^32); VX_E_TOOBIG when
 * mem_bytes is smaller than the parameters need.  On error tag is untouched.
 */
int vx_argon2id(uint8_t *tag, size_t tag_len, const uint8_t *pwd, size_t pwd_len,
		const uint8_t *salt, size_t salt_len, const struct vx_argon2id_params *params,
		void *mem, size_t mem_bytes);

#endif
