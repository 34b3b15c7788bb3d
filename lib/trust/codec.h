/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The canonical byte codec every signed structure in lib/trust uses, plus
 * the two text encodings (lowercase hex, padded base64) that appear in
 * files people read.  docs/FORMATS.md states the rules; in short:
 *
 *   - integers are big-endian and fixed width (u8, u16, u32, u64);
 *   - a string or byte run is a length prefix then exactly that many bytes;
 *   - fields come in one fixed order, lists in one sorted order;
 *   - a structure is the whole input: trailing bytes are an error.
 *
 * A reader and a writer carry a sticky error, so a decoder reads every field
 * and checks once.  Neither allocates.  The reader's first failure wins:
 * later reads return zeros and leave the error alone.
 */
#ifndef VX_TRUST_CODEC_H
#define VX_TRUST_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vt_rd {
	const uint8_t *p;
	size_t n;   /* bytes in p */
	size_t off; /* next byte to read */
	int err;    /* VX_OK or the first error (VT_E_TRUNCATED, ...) */
};

struct vt_wr {
	uint8_t *p; /* may be NULL with cap 0 to measure */
	size_t cap;
	size_t n; /* bytes the structure needs, even past cap */
	int err;  /* VX_OK or VT_E_TOOBIG once n > cap */
};

void vt_rd_init(struct vt_rd *r, const void *p, size_t n);
/* Point *out at the next n bytes (NULL and VT_E_TRUNCATED if they are not there). */
const uint8_t *vt_rd_take(struct vt_rd *r, size_t n);
void vt_rd_copy(struct vt_rd *r, void *out, size_t n);
uint8_t vt_rd_u8(struct vt_rd *r);
uint16_t vt_rd_u16(struct vt_rd *r);
uint32_t vt_rd_u32(struct vt_rd *r);
uint64_t vt_rd_u64(struct vt_rd *r);
/* Check the 8-byte magic: 6 type bytes then a u16 version.  Sets
 * VT_E_MAGIC or VT_E_VERSION (or VT_E_TRUNCATED). */
void vt_rd_magic(struct vt_rd *r, const char type[6], uint16_t version);
/* Record err unless an error is already recorded. */
void vt_rd_fail(struct vt_rd *r, int err);
/* The reader's error, or VT_E_TRAILING if bytes remain. */
int vt_rd_end(const struct vt_rd *r);

void vt_wr_init(struct vt_wr *w, void *p, size_t cap);
void vt_wr_bytes(struct vt_wr *w, const void *p, size_t n);
void vt_wr_u8(struct vt_wr *w, uint8_t v);
void vt_wr_u16(struct vt_wr *w, uint16_t v);
void vt_wr_u32(struct vt_wr *w, uint32_t v);
void vt_wr_u64(struct vt_wr *w, uint64_t v);
void vt_wr_magic(struct vt_wr *w, const char type[6], uint16_t version);
/* w->n on success, else the error. */
int vt_wr_end(const struct vt_wr *w);

/* Big-endian stores and loads for fixed layouts. */
void vt_put64(uint8_t *p, uint64_t v);
uint64_t vt_get64(const uint8_t *p);
void vt_put32(uint8_t *p, uint32_t v);
uint32_t vt_get32(const uint8_t *p);

/* Lowercase hex: write 2n chars and a NUL to out. */
void vt_hex(char *out, const uint8_t *p, size_t n);
/* Parse exactly 2n lowercase hex chars.  VX_OK or VT_E_FIELD. */
int vt_unhex(uint8_t *out, size_t n, const char *s, size_t len);

/* Padded standard base64 (RFC 4648 section 4).  Returns the text length
 * (4 * ceil(n / 3)); writes a NUL after it.  out needs that + 1. */
size_t vt_b64(char *out, const uint8_t *p, size_t n);
#define VT_B64_LEN(n) (4 * (((n) + 2) / 3))
/* Decode canonical padded base64 into at most cap bytes.  Returns the byte
 * count, or VT_E_FIELD for a bad character, bad padding, non-zero pad bits
 * or a length that is not a multiple of 4; VT_E_TOOBIG if cap is short. */
int vt_unb64(uint8_t *out, size_t cap, const char *s, size_t len);

/* Parse a decimal u64 with no sign, no leading zero (except "0") and no
 * overflow.  VX_OK or VT_E_FIELD. */
int vt_parse_u64(const char *s, size_t len, uint64_t *out);
/* Write v in decimal; returns the length (at most 20), NUL-terminated. */
size_t vt_fmt_u64(char *out, uint64_t v);

/* True if s[0..len) is 1..max bytes of [a-z0-9._-] (names in manifests). */
bool vt_name_ok(const uint8_t *s, size_t len, size_t max);

#endif
