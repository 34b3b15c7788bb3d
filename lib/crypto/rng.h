/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Randomness with three confidence levels.
 *
 *   VX_RNG_SLOPPY    Instant and never fails.  A fast generator
 *                    (xoshiro256**) seeded from whatever is at hand: the
 *                    DRBG if seeded, the time-stamp counter, the state's
 *                    address.  No cryptographic promise: use it for hash
 *                    seeds, jitter, test data.
 *   VX_RNG_STANDARD  A ChaCha20 DRBG with fast key erasure (struct
 *                    vx_drbg below).  Needs at least 128 credited bits
 *                    before its first output (VX_E_AGAIN until then);
 *                    reseeds from every source after reseed_after bytes
 *                    or on vx_rng_reseed, always in batches of at least
 *                    128 credited bits.
 *                    Suitable for nonces, session keys.
 *   VX_RNG_HIGH      Returns bytes only when the entropy gathered since
 *                    the last High request is credited with at least 256
 *                    bits and comes from at least 2 distinct source ids,
 *                    each credited with at least 64 bits.  Otherwise
 *                    VX_E_AGAIN, and nothing is written: it never falls
 *                    back to weaker bytes.  A caller that must wait adds
 *                    entropy (vx_rng_poll, vx_rng_add_entropy) and asks
 *                    again.  Each High request consumes the credit, so
 *                    every High output rests on fresh entropy.
 *
 * Entropy accounting.  Every input is hashed (BLAKE2b) into two pools.
 * The Standard pool is folded into the DRBG key at each reseed.  The High
 * pool only ever leaves as a whole, once its credit suffices: a High
 * request derives its output key and a new Standard key from it with
 * domain separation, so an attacker who once learned the DRBG state cannot
 * follow the High pool by guessing small increments.
 *
 * Sources.  A source is a read function with a conservative credit in
 * thousandths of a bit per byte.  Sources sharing an id count as one for
 * the "2 distinct sources" rule: RDSEED and RDRAND both report
 * VX_RNG_ID_CPU because they share the CPU's generator.
 *
 * The state is a plain struct the caller owns; there is no global state.
 * It holds secrets: keep it private and wipe it (vx_rng_wipe) when done.
 * It is not thread-safe; give each thread its own or lock around calls.
 */
#ifndef VX_CRYPTO_RNG_H
#define VX_CRYPTO_RNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/blake2b.h"

enum vx_rng_level {
	VX_RNG_SLOPPY = 0,
	VX_RNG_STANDARD = 1,
	VX_RNG_HIGH = 2,
};

/* ------------------------------------------------------------------------
 * The DRBG: key' = ChaCha20(key, nonce 0)[0..32), output the following
 * bytes of the same stream.  Requests are served in chunks of at most
 * VX_DRBG_CHUNK bytes, each a fresh fast-key-erasure step.  For a request
 * of n <= VX_DRBG_CHUNK bytes the output is exactly bytes 32 .. 32+n of
 * the IETF ChaCha20 keystream under the current key with an all-zero
 * nonce and initial counter 0 (the known-answer test checks this).
 * ------------------------------------------------------------------------ */
#define VX_DRBG_CHUNK ((size_t)1 << 20)

struct vx_drbg {
	uint8_t key[32];
};

/* Set the key to seed (exactly; no hashing). */
void vx_drbg_init(struct vx_drbg *d, const uint8_t seed[32]);
/* Mix input into the key: key = BLAKE2b-256(key = key, msg = in). */
void vx_drbg_reseed(struct vx_drbg *d, const uint8_t *in, size_t len);
void vx_drbg_generate(struct vx_drbg *d, uint8_t *out, size_t len);

/* ------------------------------------------------------------------------
 * Entropy sources
 * ------------------------------------------------------------------------ */
#define VX_RNG_ID_CPU	    1  /* RDSEED / RDRAND */
#define VX_RNG_ID_JITTER    2  /* time-stamp counter jitter */
#define VX_RNG_ID_GETRANDOM 3  /* host kernel (rng_host.c) */
#define VX_RNG_ID_USER	    16 /* first id free for callers */

struct vx_rng_source {
	const char *name;
	uint32_t id;
	/* Fill buf[0..n); return VX_OK or a VX_E_* code (nothing credited). */
	int (*read)(void *ctx, uint8_t *buf, size_t n);
	void *ctx;
	uint32_t credit_mbits; /* entropy per byte, in 1/1000 bit (8000 = full) */
};

/* RDSEED: 4 bits/byte.  Reads fail with VX_E_NOSYS without RDSEED. */
extern const struct vx_rng_source vx_rng_source_rdseed;
/* RDRAND (a DRBG output of the same hardware): 1 bit/byte. */
extern const struct vx_rng_source vx_rng_source_rdrand;
/* Time-stamp counter jitter around memory work: 1/4 bit per byte. */
extern const struct vx_rng_source vx_rng_source_jitter;

/* True if the CPU implements RDSEED / RDRAND (CPUID). */
bool vx_rng_cpu_has_rdseed(void);
bool vx_rng_cpu_has_rdrand(void);

/* ------------------------------------------------------------------------
 * The generator
 * ------------------------------------------------------------------------ */
#define VX_RNG_MAX_SOURCES   8
#define VX_RNG_HIGH_BITS     256
#define VX_RNG_HIGH_SOURCES  2
#define VX_RNG_HIGH_PER_SRC  64
#define VX_RNG_STANDARD_BITS 128
#define VX_RNG_POLL_BYTES    64
#define VX_RNG_RESEED_AFTER  ((uint64_t)1 << 20)

struct vx_rng_credit {
	uint32_t id;
	uint64_t mbits;
};

struct vx_rng {
	struct vx_drbg drbg;
	struct vx_blake2b pool;	 /* entropy since the last Standard reseed */
	struct vx_blake2b hpool; /* entropy since the last High request */
	struct vx_rng_credit credit[VX_RNG_MAX_SOURCES]; /* per id, High pool */
	size_t ncredit;
	uint64_t pool_mbits;   /* credit in pool */
	uint64_t seeded_mbits; /* credit ever folded into the DRBG key */
	uint64_t since_reseed; /* Standard bytes since the last reseed */
	uint64_t reseed_after; /* reseed threshold; callers may lower it */
	uint64_t reseeds;
	uint64_t sloppy[4]; /* xoshiro256** state */
	bool sloppy_ready;
	const struct vx_rng_source *src[VX_RNG_MAX_SOURCES];
	size_t nsrc;
};

void vx_rng_init(struct vx_rng *rng);
void vx_rng_wipe(struct vx_rng *rng);

/* Register a source (not copied: it must outlive rng).  VX_E_INVAL,
 * VX_E_FULL (VX_RNG_MAX_SOURCES), or VX_E_EXISTS (same pointer twice). */
int vx_rng_add_source(struct vx_rng *rng, const struct vx_rng_source *src);

/* Mix caller-gathered entropy credited with credit_bits (capped at 8 per
 * byte) to source id.  Credits for more than VX_RNG_MAX_SOURCES distinct
 * ids are dropped (the bytes are still mixed in). */
void vx_rng_add_entropy(struct vx_rng *rng, uint32_t id, const uint8_t *buf, size_t len,
			uint32_t credit_bits);

/* Read VX_RNG_POLL_BYTES from every source.  VX_OK if at least one
 * delivered, VX_E_AGAIN if none did. */
int vx_rng_poll(struct vx_rng *rng);

/* Poll every source, then fold the Standard pool into the DRBG key if it
 * holds at least VX_RNG_STANDARD_BITS of credit (VX_OK); otherwise keep
 * accumulating and return VX_E_AGAIN. */
int vx_rng_reseed(struct vx_rng *rng);

/*
 * Fill out[0..len) at the given level.  VX_OK; VX_E_AGAIN when Standard is
 * not yet seeded or High lacks credit (out untouched); VX_E_INVAL for an
 * unknown level.  Standard and High first poll the sources when they lack
 * credit, once per call.
 */
int vx_rng_get(struct vx_rng *rng, enum vx_rng_level level, uint8_t *out, size_t len);

/* True if a High request of any length would succeed now (no polling). */
bool vx_rng_high_ready(const struct vx_rng *rng);

#endif
