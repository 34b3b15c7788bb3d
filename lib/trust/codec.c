/* SPDX-License-Identifier: BSD-3-Clause */
/* The canonical byte codec and the hex/base64/decimal text forms (codec.h). */
#include "trust/codec.h"

#include <vectra/abi.h>
#include <vx_string.h>

#include "trust/terr.h"

void vt_rd_init(struct vt_rd *r, const void *p, size_t n)
{
	r->p = p;
	r->n = n;
	r->off = 0;
	r->err = VX_OK;
}

void vt_rd_fail(struct vt_rd *r, int err)
{
	if (r->err == VX_OK)
		r->err = err;
}

const uint8_t *vt_rd_take(struct vt_rd *r, size_t n)
{
	if (r->err != VX_OK)
		return NULL;
	if (n > r->n - r->off) {
		r->err = VT_E_TRUNCATED;
		return NULL;
	}
	const uint8_t *p = r->p + r->off;
	r->off += n;
	return p;
}

void vt_rd_copy(struct vt_rd *r, void *out, size_t n)
{
	const uint8_t *p = vt_rd_take(r, n);
	if (p)
		memcpy(out, p, n);
	else
		memset(out, 0, n);
}

/* Read an n-byte big-endian integer (0 once the reader has failed). */
static uint64_t rd_be(struct vt_rd *r, size_t n)
{
	const uint8_t *p = vt_rd_take(r, n);
	uint64_t v = 0;
	for (size_t i = 0; p && i < n; i++)
		v = v << 8 | p[i];
	return v;
}

uint8_t vt_rd_u8(struct vt_rd *r)
{
	return (uint8_t)rd_be(r, 1);
}

uint16_t vt_rd_u16(struct vt_rd *r)
{
	return (uint16_t)rd_be(r, 2);
}

uint32_t vt_rd_u32(struct vt_rd *r)
{
	return (uint32_t)rd_be(r, 4);
}

uint64_t vt_rd_u64(struct vt_rd *r)
{
	return rd_be(r, 8);
}

void vt_rd_magic(struct vt_rd *r, const char type[6], uint16_t version)
{
	const uint8_t *p = vt_rd_take(r, 6);
	uint16_t v = vt_rd_u16(r);
	if (r->err != VX_OK)
		return;
	if (memcmp(p, type, 6) != 0)
		r->err = VT_E_MAGIC;
	else if (v != version)
		r->err = VT_E_VERSION;
}

int vt_rd_end(const struct vt_rd *r)
{
	if (r->err != VX_OK)
		return r->err;
	return r->off == r->n ? VX_OK : VT_E_TRAILING;
}

void vt_wr_init(struct vt_wr *w, void *p, size_t cap)
{
	w->p = p;
	w->cap = p ? cap : 0;
	w->n = 0;
	w->err = VX_OK;
}

void vt_wr_bytes(struct vt_wr *w, const void *p, size_t n)
{
	if (n > w->cap || w->n > w->cap - n)
		w->err = VT_E_TOOBIG;
	else if (n)
		memcpy(w->p + w->n, p, n);
	w->n += n;
}

/* Write the low n bytes of v, big-endian. */
static void wr_be(struct vt_wr *w, uint64_t v, size_t n)
{
	uint8_t b[8];
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	vt_wr_bytes(w, b, n);
}

void vt_wr_u8(struct vt_wr *w, uint8_t v)
{
	wr_be(w, v, 1);
}

void vt_wr_u16(struct vt_wr *w, uint16_t v)
{
	wr_be(w, v, 2);
}

void vt_wr_u32(struct vt_wr *w, uint32_t v)
{
	wr_be(w, v, 4);
}

void vt_wr_u64(struct vt_wr *w, uint64_t v)
{
	wr_be(w, v, 8);
}

void vt_wr_magic(struct vt_wr *w, const char type[6], uint16_t version)
{
	vt_wr_bytes(w, type, 6);
	vt_wr_u16(w, version);
}

int vt_wr_end(const struct vt_wr *w)
{
	return w->err != VX_OK ? w->err : (int)w->n;
}

void vt_put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
}

uint64_t vt_get64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

void vt_put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (24 - 8 * i));
}

uint32_t vt_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static const char hexdig[] = "0123456789abcdef";

void vt_hex(char *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hexdig[p[i] >> 4];
		out[2 * i + 1] = hexdig[p[i] & 15];
	}
	out[2 * n] = 0;
}

/* The value of a lowercase hex digit, or -1. */
static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int vt_unhex(uint8_t *out, size_t n, const char *s, size_t len)
{
	if (len != 2 * n)
		return VT_E_FIELD;
	for (size_t i = 0; i < len; i++)
		if (hexval(s[i]) < 0)
			return VT_E_FIELD;
	for (size_t i = 0; i < n; i++)
		out[i] = (uint8_t)(hexval(s[2 * i]) << 4 | hexval(s[2 * i + 1]));
	return VX_OK;
}

static const char b64dig[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t vt_b64(char *out, const uint8_t *p, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		out[o++] = b64dig[v >> 18];
		out[o++] = b64dig[(v >> 12) & 63];
		out[o++] = i + 1 < n ? b64dig[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? b64dig[v & 63] : '=';
	}
	out[o] = 0;
	return o;
}

/* The value of a base64 symbol, or -1 (padding included). */
static int b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int vt_unb64(uint8_t *out, size_t cap, const char *s, size_t len)
{
	if (len % 4 != 0)
		return VT_E_FIELD;
	size_t pad = 0;
	if (len && s[len - 1] == '=')
		pad = (len >= 2 && s[len - 2] == '=') ? 2 : 1;
	size_t n = len / 4 * 3 - pad;
	for (size_t i = 0; i < len - pad; i++)
		if (b64val(s[i]) < 0)
			return VT_E_FIELD;
	/* The last symbol before the padding must leave no stray bits. */
	if (pad == 1 && (b64val(s[len - 2]) & 3))
		return VT_E_FIELD;
	if (pad == 2 && (b64val(s[len - 3]) & 15))
		return VT_E_FIELD;
	if (n > cap)
		return VT_E_TOOBIG;
	size_t o = 0;
	for (size_t i = 0; i < len; i += 4) {
		uint32_t v = 0;
		for (size_t j = 0; j < 4; j++) {
			int d = s[i + j] == '=' ? 0 : b64val(s[i + j]);
			v = v << 6 | (uint32_t)d;
		}
		for (size_t j = 0; j < 3 && o < n; j++)
			out[o++] = (uint8_t)(v >> (16 - 8 * j));
	}
	return (int)n;
}

int vt_parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	if (len == 0 || len > 20 || (len > 1 && s[0] == '0'))
		return VT_E_FIELD;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return VT_E_FIELD;
		uint64_t d = (uint64_t)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return VT_E_FIELD;
		v = v * 10 + d;
	}
	*out = v;
	return VX_OK;
}

size_t vt_fmt_u64(char *out, uint64_t v)
{
	char tmp[20];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = 0;
	return n;
}

bool vt_name_ok(const uint8_t *s, size_t len, size_t max)
{
	if (len == 0 || len > max)
		return false;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return false;
	}
	return true;
}
