/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the BIP39 phrase parser.  Any byte string must
 * either be rejected with one of the four documented errors or parse; a
 * phrase that parses must round-trip: entropy -> phrase gives back the same
 * bytes, and that phrase parses to the same entropy.  Inputs of 16..32
 * bytes are also used as entropy directly.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vectra/abi.h"
#include "crypto/bip39.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t ent[32], again[32];
	char phrase[VX_BIP39_MNEMONIC_MAX];
	int n = vx_bip39_to_entropy((const char *)data, size, ent, sizeof(ent));

	if (n < 0) {
		if (n != VX_E_INVAL && n != VX_E_NOTFOUND && n != VX_E_AUTH)
			abort();
	} else {
		int len = vx_bip39_from_entropy(ent, (size_t)n, phrase, sizeof(phrase));
		if (len < 0 || (size_t)len != size || memcmp(phrase, data, size) != 0)
			abort();
		if (vx_bip39_to_entropy(phrase, (size_t)len, again, sizeof(again)) != n ||
		    memcmp(again, ent, (size_t)n) != 0)
			abort();
	}
	if (size >= 16 && size <= 32 && size % 4 == 0) {
		int len = vx_bip39_from_entropy(data, size, phrase, sizeof(phrase));
		if (len <= 0 || vx_bip39_to_entropy(phrase, (size_t)len, again, 32) != (int)size ||
		    memcmp(again, data, size) != 0)
			abort();
	}
	return 0;
}
