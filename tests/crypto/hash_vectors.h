/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test-only helpers shared by the part-A crypto tests (hashes, MACs, KDFs):
 * hex decoding, a reader for the "Name = value" vector files that Debian's
 * python3-cryptography-vectors ships (NIST .rsp and RFC transcriptions), and
 * a small deterministic PRNG so differential runs are reproducible.
 */
#ifndef VX_TESTS_HASH_VECTORS_H
#define VX_TESTS_HASH_VECTORS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VECTORS_DIR "/usr/lib/python3/dist-packages/cryptography_vectors/"

/* Decode hex into out (at most cap bytes); returns the byte count or -1. */
static inline long hex_decode(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (s[0] && s[0] != '\n' && s[0] != '\r' && s[0] != ' ') {
		unsigned v;
		if (!s[1] || sscanf(s, "%2x", &v) != 1 || n >= cap)
			return -1;
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return (long)n;
}

/*
 * One record of a vector file: up to 8 named fields, each decoded from hex
 * (or kept as text in .text).  A record ends at the line whose name is
 * `last`; fields not seen in a record keep their value from the previous
 * record, which is how the .rsp files share "[L = 32]"-style headers.
 */
struct kv_field {
	char name[16];
	uint8_t *bin;
	long len;
	char text[64];
};

struct kv_file {
	FILE *f;
	const char *last;
	struct kv_field fld[8];
	int nfld;
	char *line;
	size_t cap;
};

static inline int kv_open(struct kv_file *k, const char *path, const char *last)
{
	memset(k, 0, sizeof(*k));
	k->f = fopen(path, "r");
	k->last = last;
	return k->f ? 0 : -1;
}

static inline struct kv_field *kv_get(struct kv_file *k, const char *name)
{
	for (int i = 0; i < k->nfld; i++)
		if (strcmp(k->fld[i].name, name) == 0)
			return &k->fld[i];
	return NULL;
}

/* Read the next record; returns 1, or 0 at end of file. */
static inline int kv_next(struct kv_file *k)
{
	while (getline(&k->line, &k->cap, k->f) > 0) {
		char name[16], *eq = strchr(k->line, '='), *v;
		struct kv_field *fl;
		size_t nl;

		if (k->line[0] == '#' || k->line[0] == '[' || !eq)
			continue;
		if (sscanf(k->line, "%15s", name) != 1)
			continue;
		fl = kv_get(k, name);
		if (!fl) {
			if (k->nfld == 8)
				continue;
			fl = &k->fld[k->nfld++];
			snprintf(fl->name, sizeof(fl->name), "%s", name);
		}
		for (v = eq + 1; *v == ' '; v++)
			;
		nl = strlen(v);
		free(fl->bin);
		fl->bin = malloc(nl / 2 + 1);
		fl->len = hex_decode(v, fl->bin, nl / 2 + 1);
		snprintf(fl->text, sizeof(fl->text), "%s", v);
		fl->text[strcspn(fl->text, "\r\n")] = 0;
		if (strcmp(name, k->last) == 0)
			return 1;
	}
	return 0;
}

static inline void kv_close(struct kv_file *k)
{
	for (int i = 0; i < k->nfld; i++)
		free(k->fld[i].bin);
	free(k->line);
	fclose(k->f);
}

/* xorshift64*: deterministic test data, not for keys. */
static inline uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

static inline void rng_fill(uint64_t *s, uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(rng_next(s) >> 56);
}

/*
 * A random length in [0, max]: every third draw is near a multiple of 64
 * (block edges for SHA-256, SHA-512 and BLAKE3), the rest uniform.
 */
static inline size_t rng_len(uint64_t *s, size_t max)
{
	uint64_t r = rng_next(s);
	size_t n;

	if (r % 3 == 0) {
		n = (size_t)((r >> 8) % (max / 64 + 1)) * 64;
		n += (size_t)((r >> 40) % 3);
		n = n > 0 ? n - 1 : 0;
	} else {
		n = (size_t)((r >> 8) % (max + 1));
	}
	return n > max ? max : n;
}

#endif
