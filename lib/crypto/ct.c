/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Constant-time comparison and secure wipe.
 *
 * vx_ct_equal ORs together the XOR of every byte pair, so it reads all n
 * bytes whatever they hold, and turns the result into 0/1 arithmetically.
 * The empty asm statement with a register operand hides the accumulator
 * from the optimiser, so it cannot introduce an early exit.
 *
 * vx_wipe stores zeros and then hands the pointer to an empty asm statement
 * that clobbers memory: the compiler must assume the zeros are read, so the
 * "dead" store cannot be elided (the technique behind explicit_bzero).
 */
#include <stddef.h>
#include <stdint.h>

#include "vx_string.h"
#include "crypto/ct.h"

int vx_ct_equal(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;
	uint32_t d = 0;

	for (size_t i = 0; i < n; i++) {
		d |= (uint32_t)(x[i] ^ y[i]);
		__asm__("" : "+r"(d));
	}
	/* d is in 0..255: d - 1 borrows into bit 8 exactly when d == 0. */
	return (int)(((d - 1) >> 8) & 1);
}

void vx_wipe(void *p, size_t n)
{
	if (n == 0)
		return; /* p may be NULL then */
	memset(p, 0, n);
	__asm__ __volatile__("" : : "r"(p) : "memory");
}
