/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for signed notes, checkpoints and note keys.
 *
 * The input is verified as a note against three fixed keys: VX_OK or a
 * documented error, and on VX_OK the text length lies inside the input and
 * ends in a newline.  A checkpoint that parses formats back to a prefix of
 * its text (extension lines follow).  As a verifier key, the input either
 * fails or formats back to exactly itself (keys have one spelling).  As a
 * policy file (text too), it parses or is VT_E_POLICY / VT_E_TOOBIG.  As
 * a witness's add-checkpoint body, it parses only if writing the parsed
 * parts back gives exactly the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vectra/abi.h>

#include "trust/codec.h"
#include "trust/merkle.h"
#include "trust/note.h"
#include "trust/policy.h"
#include "trust/terr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vt_notekey keys[3];
static int ready;

static int trust_err(int rc)
{
	return rc == VX_OK || (rc <= VT_E_TRUNCATED && rc >= VT_E_LAST);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t textlen;
	uint32_t signers;
	struct vt_checkpoint cp;
	struct vt_notekey k;
	char out[VT_NOTE_NAME_MAX + 128];
	uint8_t seed[32];
	if (!ready) {
		static const char *names[3] = {"log.example/vectra", "witness-0", "witness-1"};
		for (int i = 0; i < 3; i++) {
			memset(seed, 0x11 * (i + 1), 32);
			vt_notekey_from_seed(&keys[i], names[i], strlen(names[i]), seed);
		}
		ready = 1;
	}
	int rc = vt_note_verify(data, size, keys, 3, &textlen, &signers);
	if (!trust_err(rc))
		abort();
	if (rc == VX_OK) {
		if (textlen == 0 || textlen >= size || data[textlen - 1] != '\n' || signers > 7)
			abort();
		if (vt_checkpoint_parse(&cp, data, textlen) == VX_OK) {
			size_t n = vt_checkpoint_fmt(&cp, out);
			if (n > textlen || memcmp(out, data, n) != 0)
				abort();
		}
	}
	rc = vt_checkpoint_parse(&cp, data, size);
	if (!trust_err(rc))
		abort();
	if (vt_vkey_parse(&k, (const char *)data, size) == VX_OK) {
		char v[VT_VKEY_MAX + 1];
		size_t n = vt_vkey_fmt(&k, v);
		if (n != size || memcmp(v, data, size) != 0)
			abort();
	}
	if (!trust_err(vt_skey_parse(&k, seed, (const char *)data, size)))
		abort();
	static struct vt_policy pol;
	size_t line;
	rc = vt_policy_parse(&pol, (const char *)data, size, &line);
	if (rc != VX_OK && rc != VT_E_POLICY && rc != VT_E_TOOBIG)
		abort();
	if (rc == VT_E_POLICY && line == 0)
		abort();
	static uint8_t path[VT_PROOF_MAX][32], again[VT_NOTE_MAX + 64 * 46 + 32];
	uint64_t old;
	size_t np, at;
	rc = vt_addcp_parse(data, size, &old, path, &np, &at);
	if (rc != VX_OK && rc != VT_E_NOTE && rc != VT_E_TOOBIG)
		abort();
	if (rc == VX_OK) {
		size_t n = 4;
		memcpy(again, "old ", 4);
		n += vt_fmt_u64((char *)again + n, old);
		again[n++] = '\n';
		for (size_t i = 0; i < np; i++) {
			n += vt_b64((char *)again + n, path[i], 32);
			again[n++] = '\n';
		}
		again[n++] = '\n';
		if (at != n || size - at > VT_NOTE_MAX || memcmp(again, data, n) != 0)
			abort();
	}
	return 0;
}
