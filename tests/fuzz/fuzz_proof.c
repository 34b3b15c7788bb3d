/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the log proof section and the proof verifiers.
 * A proof that parses re-encodes to exactly the input.  Its path is then
 * run through inclusion and consistency verification against a fixed leaf
 * and roots: the answer is VX_OK or the documented error, and a random
 * path never proves the fixed leaf into the fixed root.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vectra/abi.h>

#include "trust/merkle.h"
#include "trust/terr.h"
#include "trust/vpkg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vt_proof p;
	static uint8_t out[16 + 8 + 1 + 32 * VT_PROOF_MAX + 2 + 8192 + 8];
	uint8_t leaf[32], root[32], old[32];
	int rc = vt_proof_parse(&p, data, size);
	if (rc == VX_OK) {
		int n = vt_proof_encode(&p, out, sizeof(out));
		if (n != (int)size || memcmp(out, data, size) != 0)
			abort();
	} else if (rc > VT_E_TRUNCATED || rc < VT_E_LAST) {
		abort();
	}
	/* The raw input as index, sizes and path. */
	if (size < 16)
		return 0;
	uint64_t a = 0, b = 0;
	for (int i = 0; i < 8; i++) {
		a = a << 8 | data[i];
		b = b << 8 | data[8 + i];
	}
	size_t np = (size - 16) / 32;
	const uint8_t(*path)[32] = (const uint8_t(*)[32])(data + 16);
	vt_leaf_hash("fixed leaf", 10, leaf);
	vt_leaf_hash("fixed root", 10, root);
	vt_leaf_hash("old root", 8, old);
	rc = vt_verify_inclusion(a, b, leaf, path, np, root);
	if (rc != VT_E_INCLUSION)
		abort(); /* proving a fixed leaf into an unrelated root: a hash collision */
	rc = vt_verify_consistency(a, b, old, root, path, np);
	if (rc != VT_E_CONSISTENCY && !(rc == VX_OK && (a == 0 && np == 0)))
		abort();
	return 0;
}
