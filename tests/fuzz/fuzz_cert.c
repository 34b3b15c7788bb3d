/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the identity formats a machine receives from
 * others: the Machine certificate, the revocation, the manifest and the
 * sealed key file's header.  Each parser returns VX_OK or a documented
 * trust error.  A manifest that parses re-encodes to exactly the input;
 * a certificate that parses names a valid Machine name.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vectra/abi.h>

#include "trust/codec.h"
#include "trust/identity.h"
#include "trust/terr.h"
#include "trust/vpkg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int trust_err(int rc)
{
	return rc == VX_OK || (rc <= VT_E_TRUNCATED && rc >= VT_E_LAST);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vt_cert c;
	struct vt_revoke r;
	struct vt_manifest m;
	struct vt_kdf kdf;
	uint8_t pk[32], out[VT_MANIFEST_MAX];
	int rc = vt_cert_parse(&c, data, size);
	if (!trust_err(rc))
		abort();
	if (rc == VX_OK && (!vt_name_ok((const uint8_t *)c.name, c.namelen, VT_NAME_MAX) ||
			    strlen(c.name) != c.namelen))
		abort();
	if (!trust_err(vt_revoke_parse(&r, data, size)))
		abort();
	if (!trust_err(vt_seal_peek(data, size, pk, &kdf)))
		abort();
	rc = vt_manifest_parse(&m, data, size);
	if (!trust_err(rc))
		abort();
	if (rc == VX_OK) {
		int n = vt_manifest_encode(&m, out, sizeof(out));
		if (n != (int)size || memcmp(out, data, size) != 0)
			abort();
	}
	return 0;
}
