/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test helpers shared by the part-B symmetric tests (test_chacha20.c,
 * test_poly1305.c, test_aead.c, test_blake2b.c): hex decoding, a random
 * length generator that favours block boundaries, and a reader for the
 * NIST-style files of python3-cryptography-vectors ("KEY = hex",
 * "IN= \"text\"", records separated by blank lines).  Host-only.
 */
#ifndef VX_TESTS_SYMMETRIC_VECTORS_H
#define VX_TESTS_SYMMETRIC_VECTORS_H

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VECTORS_DIR   "/usr/lib/python3/dist-packages/cryptography_vectors/"
#define TV_MAX_FIELDS 12
#define TV_MAX_BYTES  4096

/* Decode hex into out (at most max bytes); returns the length or -1. */
static inline long tv_hex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;

	while (isxdigit((unsigned char)s[0]) && isxdigit((unsigned char)s[1])) {
		if (n == max)
			return -1;
		sscanf(s, "%2hhx", &out[n++]);
		s += 2;
	}
	return (long)n;
}

struct tv_field {
	char name[32];
	char text[32]; /* the value as written, truncated (for decimal fields) */
	uint8_t val[TV_MAX_BYTES];
	size_t len;
};

struct tv_record {
	struct tv_field f[TV_MAX_FIELDS];
	int n;
};

/* The field called name (as spelled in the file), or NULL. */
static inline const struct tv_field *tv_get(const struct tv_record *r, const char *name)
{
	for (int i = 0; i < r->n; i++)
		if (strcmp(r->f[i].name, name) == 0)
			return &r->f[i];
	return NULL;
}

/*
 * Read the next record from fp.  A record ends at a blank line after at
 * least one field.  Returns 1 with a record, 0 at end of file.
 */
static inline int tv_next(FILE *fp, struct tv_record *r)
{
	char line[2 * TV_MAX_BYTES + 64];

	r->n = 0;
	while (fgets(line, sizeof line, fp)) {
		char *eq = strchr(line, '='), *v, *end;
		struct tv_field *f;

		if (line[0] == '#' || line[0] == '[' || !eq) {
			if (r->n && (line[0] == '\n' || line[0] == '\r'))
				return 1;
			continue;
		}
		if (r->n == TV_MAX_FIELDS)
			continue;
		f = &r->f[r->n++];
		*eq = 0;
		end = eq;
		while (end > line && isspace((unsigned char)end[-1]))
			*--end = 0;
		snprintf(f->name, sizeof f->name, "%.31s", line);
		v = eq + 1;
		while (*v == ' ')
			v++;
		snprintf(f->text, sizeof f->text, "%.31s", v);
		if (*v == '"') {
			char *q = strrchr(v + 1, '"');

			f->len = q ? (size_t)(q - v - 1) : 0;
			memcpy(f->val, v + 1, f->len);
		} else {
			long n = tv_hex(v, f->val, sizeof f->val);

			f->len = n < 0 ? 0 : (size_t)n;
		}
	}
	return r->n > 0;
}

/* A random length in [0, max]: a third near a multiple of block. */
static inline size_t tv_len(size_t max, size_t block)
{
	size_t n;

	if (rand() % 3 == 0) {
		n = (size_t)(rand() % (int)(max / block + 1)) * block;
		n += (size_t)(rand() % 3) - 1;
		if (n > max)
			n = max;
		return n;
	}
	return (size_t)rand() % (max + 1);
}

#endif
