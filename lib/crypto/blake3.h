/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * BLAKE3: hash, keyed hash, key derivation and extendable output.
 *
 * One hasher type serves all three modes; the mode is fixed by the init
 * function.  update() takes input of any length in any pieces (up to 2^64
 * bytes in total).  final() does not change the hasher: it may be called
 * again, or more input added.  Any output length is allowed; the first 32
 * bytes are the standard digest and longer outputs extend it.
 * final_seek() returns output bytes starting at any offset of that stream.
 * The hasher holds the key in keyed mode: wipe it with vx_wipe when done.
 */
#ifndef VX_CRYPTO_BLAKE3_H
#define VX_CRYPTO_BLAKE3_H

#include <stddef.h>
#include <stdint.h>

#define VX_BLAKE3_OUT_BYTES 32
#define VX_BLAKE3_KEY_BYTES 32
#define VX_BLAKE3_BLOCK	    64
#define VX_BLAKE3_CHUNK	    1024
#define VX_BLAKE3_MAX_DEPTH 54 /* 2^64 bytes = 2^54 chunks */

struct vx_blake3 {
	uint32_t key[8];    /* IV, the key, or the derived context key */
	uint32_t cv[8];	    /* chaining value of the chunk in progress */
	uint64_t chunk;	    /* index of the chunk in progress */
	uint8_t buf[64];    /* the chunk's last, not yet compressed block */
	uint32_t buf_len;   /* bytes in buf, 0..64 */
	uint32_t blocks;    /* blocks of this chunk already compressed, 0..15 */
	uint32_t flags;	    /* mode flags: 0, KEYED_HASH or DERIVE_KEY_MATERIAL */
	uint32_t stack_len; /* chaining values of complete subtrees on the stack */
	uint32_t stack[VX_BLAKE3_MAX_DEPTH][8];
};

void vx_blake3_init(struct vx_blake3 *h);
void vx_blake3_init_keyed(struct vx_blake3 *h, const uint8_t key[32]);
/* context: a NUL-terminated, hard-coded, globally unique string. */
void vx_blake3_init_derive_key(struct vx_blake3 *h, const char *context);
void vx_blake3_update(struct vx_blake3 *h, const void *p, size_t n);
void vx_blake3_final(const struct vx_blake3 *h, uint8_t *out, size_t outlen);
void vx_blake3_final_seek(const struct vx_blake3 *h, uint64_t offset, uint8_t *out, size_t outlen);

void vx_blake3(const void *p, size_t n, uint8_t *out, size_t outlen);
void vx_blake3_keyed(const uint8_t key[32], const void *p, size_t n, uint8_t *out, size_t outlen);
void vx_blake3_derive_key(const char *context, const void *material, size_t n, uint8_t *out,
			  size_t outlen);

#endif
