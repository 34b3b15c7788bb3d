/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host CLI for tests/crypto/diff_blake3.py: hashes a batch of files with
 * lib/crypto so one process serves thousands of differential inputs.
 *
 * Each stdin line is a job:   MODE PARAM OUTLEN OFFSET SPLIT FILE
 *   MODE    blake3 | blake3-keyed | blake3-derive | sha256 | sha512; a
 *           BLAKE3 mode ending in "-oneshot" hashes with the one-call
 *           functions (vx_blake3, vx_blake3_keyed, vx_blake3_derive_key),
 *           which take a path of their own; OFFSET must then be 0
 *   PARAM   64 hex digits of key (keyed), the context (derive), else "-"
 *   OUTLEN  output bytes; OFFSET  XOF start (final_seek); both BLAKE3 only
 *   SPLIT   0: one update; n > 0: updates of pseudo-random sizes seeded by n
 *   FILE    the input
 * and produces one line of lowercase hex on stdout.  Exit status 2 on a
 * malformed job.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/blake3.h"
#include "crypto/sha2.h"

static uint8_t *read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, len = 0, r;

	if (!f)
		return NULL;
	do {
		if (len == cap) {
			cap = cap ? 2 * cap : 65536;
			buf = realloc(buf, cap);
		}
		r = fread(buf + len, 1, cap - len, f);
		len += r;
	} while (r > 0);
	fclose(f);
	*n = len;
	return buf;
}

/* Feed p to the hasher in pieces of 0..2*1024+64 bytes chosen from seed. */
static int parse_key(const char *hex, uint8_t key[32])
{
	for (int i = 0; i < 32; i++)
		if (sscanf(hex + 2 * i, "%2hhx", &key[i]) != 1)
			return -1;
	return 0;
}

static void update_split(struct vx_blake3 *h, const uint8_t *p, size_t n, uint64_t seed)
{
	while (n > 0) {
		size_t take;
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		take = (size_t)(seed >> 33) % (2 * 1024 + 65);
		take = take < n ? take : n;
		vx_blake3_update(h, p, take);
		p += take;
		n -= take;
	}
}

static int job(char *line)
{
	char mode[32], param[256], path[4096];
	unsigned long long outlen, offset, split;
	uint8_t key[32], *in, *out;
	size_t n;
	struct vx_blake3 h;

	if (sscanf(line, "%31s %255s %llu %llu %llu %4095s", mode, param, &outlen, &offset, &split,
		   path) != 6)
		return -1;
	in = read_file(path, &n);
	if (!in)
		return -1;
	if (strcmp(mode, "sha256") == 0 || strcmp(mode, "sha512") == 0)
		outlen = mode[3] == '2' ? 32 : 64;
	out = malloc(outlen + 1);
	if (strcmp(mode, "sha256") == 0) {
		vx_sha256(in, n, out);
	} else if (strcmp(mode, "sha512") == 0) {
		vx_sha512(in, n, out);
	} else if (strcmp(mode, "blake3-oneshot") == 0 && offset == 0) {
		vx_blake3(in, n, out, outlen);
	} else if (strcmp(mode, "blake3-keyed-oneshot") == 0 && offset == 0) {
		if (parse_key(param, key) != 0)
			return -1;
		vx_blake3_keyed(key, in, n, out, outlen);
	} else if (strcmp(mode, "blake3-derive-oneshot") == 0 && offset == 0) {
		vx_blake3_derive_key(param, in, n, out, outlen);
	} else {
		if (strcmp(mode, "blake3") == 0) {
			vx_blake3_init(&h);
		} else if (strcmp(mode, "blake3-keyed") == 0) {
			if (parse_key(param, key) != 0)
				return -1;
			vx_blake3_init_keyed(&h, key);
		} else if (strcmp(mode, "blake3-derive") == 0) {
			vx_blake3_init_derive_key(&h, param);
		} else {
			return -1;
		}
		if (split)
			update_split(&h, in, n, split);
		else
			vx_blake3_update(&h, in, n);
		vx_blake3_final_seek(&h, offset, out, outlen);
	}
	for (unsigned long long i = 0; i < outlen; i++)
		printf("%02x", out[i]);
	printf("\n");
	free(in);
	free(out);
	return 0;
}

int main(void)
{
	char *line = NULL;
	size_t cap = 0;

	while (getline(&line, &cap, stdin) > 0) {
		if (job(line) != 0) {
			fprintf(stderr, "tool_hash: bad job: %s", line);
			return 2;
		}
	}
	free(line);
	return 0;
}
