/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host CLI for tests/crypto/diff_bip39.py: runs lib/crypto's BIP39 over a
 * batch of jobs, one per stdin line, one answer per stdout line:
 *   m ENTROPY_HEX          -> the phrase, or "ERR code"
 *   e PHRASE_HEX           -> the entropy in hex, or "ERR code"
 *   s PHRASE_HEX PASS_HEX  -> the 64-byte seed in hex ("-" is empty)
 * Hex keeps arbitrary bytes (spaces, UTF-8) intact through the pipe.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/bip39.h"

/* Decode hex (or "-" for empty) into a fresh buffer; NULL if malformed. */
static uint8_t *unhex(const char *s, size_t *n)
{
	size_t len = strcmp(s, "-") == 0 ? 0 : strlen(s);
	uint8_t *p = malloc(len / 2 + 1);

	if (len % 2)
		return NULL;
	for (size_t i = 0; i < len / 2; i++)
		if (sscanf(s + 2 * i, "%2hhx", &p[i]) != 1)
			return NULL;
	*n = len / 2;
	return p;
}

static void puthex(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
	printf("\n");
}

static int job(char *line)
{
	char op[4], a[2048], b[2048] = "-";
	size_t na, nb;
	uint8_t *pa, *pb, out[64];
	char phrase[VX_BIP39_MNEMONIC_MAX];
	int r;

	if (sscanf(line, "%3s %2047s %2047s", op, a, b) < 2 || !(pa = unhex(a, &na)) ||
	    !(pb = unhex(b, &nb)))
		return -1;
	if (op[0] == 'm') {
		r = vx_bip39_from_entropy(pa, na, phrase, sizeof(phrase));
		if (r < 0)
			printf("ERR %d\n", r);
		else
			printf("%s\n", phrase);
	} else if (op[0] == 'e') {
		r = vx_bip39_to_entropy((const char *)pa, na, out, 32);
		if (r < 0)
			printf("ERR %d\n", r);
		else
			puthex(out, (size_t)r);
	} else if (op[0] == 's') {
		vx_bip39_seed((const char *)pa, na, (const char *)pb, nb, out);
		puthex(out, 64);
	} else {
		return -1;
	}
	free(pa);
	free(pb);
	return 0;
}

int main(void)
{
	char *line = NULL;
	size_t cap = 0;

	while (getline(&line, &cap, stdin) > 0) {
		if (job(line) != 0) {
			fprintf(stderr, "tool_bip39: bad job: %s", line);
			return 2;
		}
	}
	free(line);
	return 0;
}
