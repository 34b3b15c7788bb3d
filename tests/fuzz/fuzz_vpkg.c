/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the .vpkg container and the install gate.
 *
 * 1. The input as a package: parsing returns VX_OK or a trust error; a
 *    package that parses re-encodes to exactly the input (one encoding per
 *    package), and the gate judges it without crashing, with a trust error
 *    or VX_OK.
 * 2. The input as edits to a valid package (tests/trust/fixture.h): pairs of
 *    (offset, xor) bytes then a cut.  The gate must still only return a
 *    documented error, and VX_OK only when the edits left the bytes intact
 *    or changed nothing any check covers: never for a changed signed byte.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../trust/fixture.h"
#include "trust/terr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fixture F;
static struct vt_policy POL;
static struct vt_pkg K;
static int ready;

static int trust_err(int rc)
{
	return rc == VX_OK || (rc <= VT_E_TRUNCATED && rc >= VT_E_LAST);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[65536];
	struct vt_verdict v;
	if (!ready) {
		fx_build(&F);
		if (fx_policy(&F, NULL, &POL) != VX_OK)
			abort();
		ready = 1;
	}
	int rc = vt_pkg_parse(&K, data, size);
	if (!trust_err(rc))
		abort();
	if (rc == VX_OK) {
		int n = vt_pkg_encode(&K, buf, sizeof(buf));
		if (n != (int)size || memcmp(buf, data, size) != 0)
			abort();
	}
	if (!trust_err(vt_gate(&POL, data, size, &K, &v)))
		abort();

	/* Edits to the valid package. */
	memcpy(buf, F.pkg, F.pkg_len);
	size_t len = F.pkg_len, i = 0;
	int changed = 0;
	for (; i + 3 <= size; i += 3) {
		size_t off = ((size_t)data[i] << 8 | data[i + 1]) % F.pkg_len;
		buf[off] ^= data[i + 2];
		changed |= data[i + 2] != 0;
	}
	if (i < size && data[i] < len) {
		len = data[i];
		changed = 1;
	}
	rc = vt_gate(&POL, buf, len, &K, &v);
	if (!trust_err(rc))
		abort();
	if (rc == VX_OK && changed && (len != F.pkg_len || memcmp(buf, F.pkg, len) != 0))
		abort(); /* every byte of a package is covered by some check */
	return 0;
}
