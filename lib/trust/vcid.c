/* SPDX-License-Identifier: BSD-3-Clause */
/* VCIDs and their text form (vcid.h). */
#include "trust/vcid.h"

#include <vectra/abi.h>
#include <vx_string.h>

#include "crypto/sha2.h"
#include "trust/codec.h"
#include "trust/terr.h"

void vt_vcid(const void *p, size_t n, uint8_t out[32])
{
	vx_sha256(p, n, out);
}

void vt_vcid_fmt(char out[VT_VCID_TEXT + 1], const uint8_t id[32])
{
	memcpy(out, VT_VCID_PREFIX, 6);
	vt_hex(out + 6, id, 32);
}

int vt_vcid_parse(uint8_t id[32], const char *s, size_t len)
{
	if (len != VT_VCID_TEXT || memcmp(s, VT_VCID_PREFIX, 6) != 0)
		return VT_E_FIELD;
	return vt_unhex(id, 32, s + 6, 64);
}
