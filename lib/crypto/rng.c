/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Random numbers at three confidence levels (see rng.h for the contract).
 *
 * Implements: a ChaCha20 DRBG with fast key erasure (D. J. Bernstein, "Fast-
 * key-erasure random-number generators", 2017) over RFC 8439 ChaCha20;
 * entropy pools hashed with BLAKE2b (RFC 7693), keyed BLAKE2b as the
 * reseed function; xoshiro256** (Blackman and Vigna) for Sloppy; x86
 * RDSEED/RDRAND (Intel SDM vol. 2, with CPUID leaf 7 EBX bit 18 and leaf 1
 * ECX bit 30) and a time-stamp-counter jitter source.
 *
 * Domain separation: every pool input is prefixed with its source id and
 * length; every key derived from a pool digest is a keyed BLAKE2b of a
 * distinct one-byte label.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vectra/abi.h"
#include "vx_string.h"
#include "crypto/ct.h"
#include "crypto/blake2b.h"
#include "crypto/chacha20.h"
#include "crypto/rng.h"

/* ------------------------------------------------------------------------
 * DRBG
 * ------------------------------------------------------------------------ */
void vx_drbg_init(struct vx_drbg *d, const uint8_t seed[32])
{
	memcpy(d->key, seed, 32);
}

void vx_drbg_reseed(struct vx_drbg *d, const uint8_t *in, size_t len)
{
	struct vx_blake2b st;

	vx_blake2b_init(&st, 32, d->key, 32);
	vx_blake2b_update(&st, in, len);
	vx_blake2b_final(&st, d->key);
}

/* One fast-key-erasure step: n <= VX_DRBG_CHUNK bytes. */
static void drbg_step(struct vx_drbg *d, uint8_t *out, size_t n)
{
	static const uint8_t zero_nonce[12];
	uint8_t block0[64];
	size_t head = n < 32 ? n : 32;

	vx_chacha20_block(block0, d->key, 0, zero_nonce);
	memcpy(out, block0 + 32, head);
	if (n > head)
		vx_chacha20_xor(out + head, NULL, n - head, d->key, zero_nonce, 1);
	memcpy(d->key, block0, 32);
	vx_wipe(block0, sizeof block0);
}

void vx_drbg_generate(struct vx_drbg *d, uint8_t *out, size_t len)
{
	do {
		size_t n = len < VX_DRBG_CHUNK ? len : VX_DRBG_CHUNK;

		drbg_step(d, out, n);
		out += n;
		len -= n;
	} while (len > 0);
}

/* ------------------------------------------------------------------------
 * CPU sources
 * ------------------------------------------------------------------------ */
#if defined(__x86_64__)
static void cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ __volatile__("cpuid"
			     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			     : "a"(leaf), "c"(0));
}

bool vx_rng_cpu_has_rdseed(void)
{
	uint32_t r[4];

	cpuid(0, r);
	if (r[0] < 7)
		return false;
	cpuid(7, r);
	return (r[1] >> 18) & 1;
}

bool vx_rng_cpu_has_rdrand(void)
{
	uint32_t r[4];

	cpuid(1, r);
	return (r[2] >> 30) & 1;
}

/* One 64-bit word from RDSEED (seed = true) or RDRAND; false on underflow. */
static bool cpu_word(bool seed, uint64_t *v)
{
	uint8_t ok;

	if (seed)
		__asm__ __volatile__("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
	else
		__asm__ __volatile__("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
	return ok;
}

static uint64_t tsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}
#else
bool vx_rng_cpu_has_rdseed(void)
{
	return false;
}

bool vx_rng_cpu_has_rdrand(void)
{
	return false;
}

static bool cpu_word(bool seed, uint64_t *v)
{
	(void)seed;
	*v = 0;
	return false;
}

static uint64_t tsc(void)
{
	return 0;
}
#endif

/* Fill buf from RDSEED or RDRAND, retrying each word a bounded number of
 * times (RDSEED may underflow under load). */
static int cpu_read(bool seed, uint8_t *buf, size_t n)
{
	if (seed ? !vx_rng_cpu_has_rdseed() : !vx_rng_cpu_has_rdrand())
		return VX_E_NOSYS;
	while (n > 0) {
		uint64_t v = 0;
		size_t k = n < 8 ? n : 8;
		int tries = 0;

		while (!cpu_word(seed, &v))
			if (++tries == 1000)
				return VX_E_AGAIN;
		memcpy(buf, &v, k);
		buf += k;
		n -= k;
	}
	return VX_OK;
}

static int rdseed_read(void *ctx, uint8_t *buf, size_t n)
{
	(void)ctx;
	return cpu_read(true, buf, n);
}

static int rdrand_read(void *ctx, uint8_t *buf, size_t n)
{
	(void)ctx;
	return cpu_read(false, buf, n);
}

/*
 * Jitter: each output byte folds 16 time-stamp deltas, each measured
 * around a short walk over a small buffer whose length depends on the
 * previous delta.  Without a working TSC every delta is 0 and the source
 * reports VX_E_NOSYS rather than constant bytes.
 */
static int jitter_read(void *ctx, uint8_t *buf, size_t n)
{
	volatile uint8_t scratch[256];
	uint64_t prev = tsc(), acc = 0, moved = 0;

	(void)ctx;
	for (size_t i = 0; i < 256; i++)
		scratch[i] = (uint8_t)i;
	for (size_t i = 0; i < n; i++) {
		for (int j = 0; j < 16; j++) {
			uint64_t now, delta;
			size_t walk = 16 + (prev & 127);

			for (size_t k = 0; k < walk; k++)
				scratch[(k * 67) & 255] += (uint8_t)k;
			now = tsc();
			delta = now - prev;
			prev = now;
			moved |= delta;
			acc = (acc << 7 | acc >> 57) ^ delta;
			acc *= 0x9e3779b97f4a7c15ull;
		}
		buf[i] = (uint8_t)(acc >> 56);
	}
	return moved ? VX_OK : VX_E_NOSYS;
}

const struct vx_rng_source vx_rng_source_rdseed = {
    .name = "rdseed", .id = VX_RNG_ID_CPU, .read = rdseed_read, .credit_mbits = 4000};
const struct vx_rng_source vx_rng_source_rdrand = {
    .name = "rdrand", .id = VX_RNG_ID_CPU, .read = rdrand_read, .credit_mbits = 1000};
const struct vx_rng_source vx_rng_source_jitter = {
    .name = "jitter", .id = VX_RNG_ID_JITTER, .read = jitter_read, .credit_mbits = 250};

/* ------------------------------------------------------------------------
 * Pools and levels
 * ------------------------------------------------------------------------ */
static void pool_start(struct vx_blake2b *pool, uint8_t label)
{
	uint8_t key[1] = {label};

	vx_blake2b_init(pool, 64, key, 1);
}

void vx_rng_init(struct vx_rng *rng)
{
	memset(rng, 0, sizeof *rng);
	pool_start(&rng->pool, 'S');
	pool_start(&rng->hpool, 'H');
	rng->reseed_after = VX_RNG_RESEED_AFTER;
}

void vx_rng_wipe(struct vx_rng *rng)
{
	vx_wipe(rng, sizeof *rng);
}

int vx_rng_add_source(struct vx_rng *rng, const struct vx_rng_source *src)
{
	if (!src || !src->read || !src->name)
		return VX_E_INVAL;
	for (size_t i = 0; i < rng->nsrc; i++)
		if (rng->src[i] == src)
			return VX_E_EXISTS;
	if (rng->nsrc == VX_RNG_MAX_SOURCES)
		return VX_E_FULL;
	rng->src[rng->nsrc++] = src;
	return VX_OK;
}

/* Credit mbits to id in the High ledger and to the Standard pool. */
static void credit(struct vx_rng *rng, uint32_t id, uint64_t mbits)
{
	rng->pool_mbits += mbits;
	for (size_t i = 0; i < rng->ncredit; i++) {
		if (rng->credit[i].id == id) {
			rng->credit[i].mbits += mbits;
			return;
		}
	}
	if (rng->ncredit < VX_RNG_MAX_SOURCES) {
		rng->credit[rng->ncredit].id = id;
		rng->credit[rng->ncredit].mbits = mbits;
		rng->ncredit++;
	}
}

/* Hash (id, len, bytes) into both pools. */
static void mix(struct vx_rng *rng, uint32_t id, const uint8_t *buf, size_t len)
{
	uint8_t head[12];

	for (int i = 0; i < 4; i++)
		head[i] = (uint8_t)(id >> (8 * i));
	for (int i = 0; i < 8; i++)
		head[4 + i] = (uint8_t)((uint64_t)len >> (8 * i));
	vx_blake2b_update(&rng->pool, head, sizeof head);
	vx_blake2b_update(&rng->pool, buf, len);
	vx_blake2b_update(&rng->hpool, head, sizeof head);
	vx_blake2b_update(&rng->hpool, buf, len);
}

void vx_rng_add_entropy(struct vx_rng *rng, uint32_t id, const uint8_t *buf, size_t len,
			uint32_t credit_bits)
{
	uint64_t cap = (uint64_t)len * 8;

	if (len == 0)
		return;
	mix(rng, id, buf, len);
	credit(rng, id, 1000 * (credit_bits < cap ? credit_bits : cap));
}

int vx_rng_poll(struct vx_rng *rng)
{
	uint8_t buf[VX_RNG_POLL_BYTES];
	int got = 0;

	for (size_t i = 0; i < rng->nsrc; i++) {
		const struct vx_rng_source *s = rng->src[i];
		uint32_t per_byte = s->credit_mbits < 8000 ? s->credit_mbits : 8000;

		if (s->read(s->ctx, buf, sizeof buf) != VX_OK)
			continue;
		mix(rng, s->id, buf, sizeof buf);
		credit(rng, s->id, (uint64_t)per_byte * sizeof buf);
		got++;
	}
	vx_wipe(buf, sizeof buf);
	return got ? VX_OK : VX_E_AGAIN;
}

/* Finish a pool into a 64-byte digest and restart it. */
static void pool_drain(struct vx_blake2b *pool, uint8_t label, uint8_t digest[64])
{
	vx_blake2b_final(pool, digest);
	pool_start(pool, label);
}

/*
 * Fold the Standard pool into the DRBG key, but only once it holds at
 * least VX_RNG_STANDARD_BITS of credit: an attacker who knew the old key
 * must then guess at least that much at once (no small increments to
 * brute-force one by one).  The same bytes also sit in the High pool,
 * which is safe for the same reason.  VX_OK if folded, else VX_E_AGAIN.
 */
static int fold_standard(struct vx_rng *rng)
{
	uint8_t d[65];

	rng->since_reseed = 0;
	if (rng->pool_mbits < 1000ull * VX_RNG_STANDARD_BITS)
		return VX_E_AGAIN;
	pool_drain(&rng->pool, 'S', d + 1);
	d[0] = 'S';
	vx_drbg_reseed(&rng->drbg, d, sizeof d);
	rng->seeded_mbits += rng->pool_mbits;
	rng->pool_mbits = 0;
	rng->reseeds++;
	rng->sloppy_ready = false;
	vx_wipe(d, sizeof d);
	return VX_OK;
}

int vx_rng_reseed(struct vx_rng *rng)
{
	vx_rng_poll(rng);
	return fold_standard(rng);
}

bool vx_rng_high_ready(const struct vx_rng *rng)
{
	uint64_t total = 0;
	int strong = 0;

	for (size_t i = 0; i < rng->ncredit; i++) {
		total += rng->credit[i].mbits;
		if (rng->credit[i].mbits >= 1000ull * VX_RNG_HIGH_PER_SRC)
			strong++;
	}
	return total >= 1000ull * VX_RNG_HIGH_BITS && strong >= VX_RNG_HIGH_SOURCES;
}

/* Seed on first use; reseed after reseed_after bytes (a failed reseed
 * keeps the current key, which stays secure, and retries an interval later). */
static int get_standard(struct vx_rng *rng, uint8_t *out, size_t len)
{
	if (rng->seeded_mbits == 0 && vx_rng_reseed(rng) != VX_OK)
		return VX_E_AGAIN;
	if (rng->since_reseed >= rng->reseed_after)
		vx_rng_reseed(rng);
	vx_drbg_generate(&rng->drbg, out, len);
	rng->since_reseed += len;
	return VX_OK;
}

/*
 * High: derive the output key and a new Standard key from the High pool
 * (labels 'O' and 'K', both keyed by the pool digest) and the old DRBG
 * key, then clear the ledger.
 */
static int get_high(struct vx_rng *rng, uint8_t *out, size_t len)
{
	uint8_t d[64], k[33];
	struct vx_drbg once;

	if (!vx_rng_high_ready(rng))
		vx_rng_poll(rng);
	if (!vx_rng_high_ready(rng))
		return VX_E_AGAIN;
	pool_drain(&rng->hpool, 'H', d);
	k[0] = 'O';
	memcpy(k + 1, rng->drbg.key, 32);
	vx_blake2b(once.key, 32, k, sizeof k, d, sizeof d);
	k[0] = 'K';
	vx_blake2b(rng->drbg.key, 32, k, sizeof k, d, sizeof d);
	vx_drbg_generate(&once, out, len);
	rng->seeded_mbits += 1000ull * VX_RNG_HIGH_BITS;
	rng->ncredit = 0;
	rng->sloppy_ready = false;
	vx_wipe(rng->credit, sizeof rng->credit);
	vx_wipe(d, sizeof d);
	vx_wipe(k, sizeof k);
	vx_wipe(&once, sizeof once);
	return VX_OK;
}

/* xoshiro256** step. */
static uint64_t sloppy_next(uint64_t s[4])
{
	uint64_t r = s[1] * 5;
	uint64_t t = s[1] << 17;

	r = (r << 7 | r >> 57) * 9;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = s[3] << 45 | s[3] >> 19;
	return r;
}

/* Seed Sloppy from the DRBG key (through a one-way hash, so Sloppy's
 * output never reveals it), the TSC and the state's address. */
static void sloppy_seed(struct vx_rng *rng)
{
	uint64_t in[3] = {tsc(), (uint64_t)(uintptr_t)rng, rng->reseeds};
	uint8_t k[33];

	k[0] = 'L';
	memcpy(k + 1, rng->drbg.key, 32);
	vx_blake2b((uint8_t *)rng->sloppy, 32, in, sizeof in, k, sizeof k);
	if ((rng->sloppy[0] | rng->sloppy[1] | rng->sloppy[2] | rng->sloppy[3]) == 0)
		rng->sloppy[0] = 1;
	rng->sloppy_ready = true;
	vx_wipe(k, sizeof k);
}

static void get_sloppy(struct vx_rng *rng, uint8_t *out, size_t len)
{
	if (!rng->sloppy_ready)
		sloppy_seed(rng);
	while (len > 0) {
		uint64_t v = sloppy_next(rng->sloppy);
		size_t k = len < 8 ? len : 8;

		memcpy(out, &v, k);
		out += k;
		len -= k;
	}
}

int vx_rng_get(struct vx_rng *rng, enum vx_rng_level level, uint8_t *out, size_t len)
{
	if (len == 0)
		return VX_OK;
	switch (level) {
	case VX_RNG_SLOPPY:
		get_sloppy(rng, out, len);
		return VX_OK;
	case VX_RNG_STANDARD:
		return get_standard(rng, out, len);
	case VX_RNG_HIGH:
		return get_high(rng, out, len);
	}
	return VX_E_INVAL;
}
