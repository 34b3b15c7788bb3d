/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Safety helpers for secrets: a comparison whose running time does not
 * depend on the bytes compared, and a wipe the compiler may not remove.
 */
#ifndef VX_CRYPTO_CT_H
#define VX_CRYPTO_CT_H

#include <stddef.h>

/*
 * Compare n bytes of a and b in time that depends only on n.
 * Returns 1 if they are equal and 0 if not (n == 0 compares equal).
 * Callers that verify a tag turn 0 into VX_E_AUTH themselves.
 */
int vx_ct_equal(const void *a, const void *b, size_t n);

/* Overwrite n bytes at p with zeros; the store is never optimised away. */
void vx_wipe(void *p, size_t n);

#endif
