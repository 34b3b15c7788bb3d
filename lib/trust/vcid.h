/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VCID: the name of an artefact is the SHA-256 of its canonical bytes.
 * Text form (stable): "vcid1-" followed by the 64 lowercase hex digits,
 * 70 characters in all.  The "1" names the hash; another hash would be a
 * new number, never a reinterpretation of this one.
 */
#ifndef VX_TRUST_VCID_H
#define VX_TRUST_VCID_H

#include <stddef.h>
#include <stdint.h>

#define VT_VCID_BYTES  32
#define VT_VCID_TEXT   70
#define VT_VCID_PREFIX "vcid1-"

void vt_vcid(const void *p, size_t n, uint8_t out[32]);
/* Write the 70-character text form and a NUL. */
void vt_vcid_fmt(char out[VT_VCID_TEXT + 1], const uint8_t id[32]);
/* Parse the text form exactly.  VX_OK or VT_E_FIELD. */
int vt_vcid_parse(uint8_t id[32], const char *s, size_t len);

#endif
