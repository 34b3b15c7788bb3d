/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The hash descriptors of crypto/hashdesc.h for SHA-256 and SHA-512.  Each
 * adapter only converts the context pointer to its real type, so calls
 * through the table never go through a mismatched function type.
 */
#include <stddef.h>
#include <stdint.h>

#include "crypto/hashdesc.h"
#include "crypto/sha2.h"

static void sha256_init(void *c)
{
	vx_sha256_init(c);
}

static void sha256_update(void *c, const void *p, size_t n)
{
	vx_sha256_update(c, p, n);
}

static void sha256_final(void *c, uint8_t *out)
{
	vx_sha256_final(c, out);
}

static void sha512_init(void *c)
{
	vx_sha512_init(c);
}

static void sha512_update(void *c, const void *p, size_t n)
{
	vx_sha512_update(c, p, n);
}

static void sha512_final(void *c, uint8_t *out)
{
	vx_sha512_final(c, out);
}

const struct vx_hash_desc vx_hash_sha256 = {
    .block = VX_SHA256_BLOCK,
    .bytes = VX_SHA256_BYTES,
    .init = sha256_init,
    .update = sha256_update,
    .final = sha256_final,
};

const struct vx_hash_desc vx_hash_sha512 = {
    .block = VX_SHA512_BLOCK,
    .bytes = VX_SHA512_BYTES,
    .init = sha512_init,
    .update = sha512_update,
    .final = sha512_final,
};
