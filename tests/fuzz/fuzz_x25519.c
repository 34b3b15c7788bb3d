/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: X25519 on an attacker-chosen peer point (the input is
 * scalar[32] || point[32]).  vx_x25519 must agree with libsodium's
 * crypto_scalarmult byte for byte, and both must refuse the same
 * small-order points (ours: VX_E_AUTH with an all-zero output; libsodium:
 * -1).
 */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/x25519.h"
#include "vectra/abi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t scalar[32] = {0}, point[32] = {0}, ours[32], ref[32];

	if (sodium_init() < 0)
		abort();
	memcpy(scalar, data, size < 32 ? size : 32);
	if (size > 32)
		memcpy(point, data + 32, size - 32 < 32 ? size - 32 : 32);
	int rc = vx_x25519(ours, scalar, point);
	int rr = crypto_scalarmult(ref, scalar, point);
	if (rc != VX_OK && rc != VX_E_AUTH)
		abort(); /* only the documented results */
	if ((rc == VX_OK) != (rr == 0))
		abort(); /* refuse exactly what the reference refuses */
	if (rc == VX_OK && memcmp(ours, ref, 32) != 0)
		abort();
	return 0;
}
