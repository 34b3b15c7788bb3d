/* SPDX-License-Identifier: BSD-3-Clause */
/* C2SP signed notes with Ed25519, and tlog checkpoints (note.h). */
#include "trust/note.h"

#include <vectra/abi.h>
#include <vx_string.h>

#include "crypto/ed25519.h"
#include "crypto/sha2.h"
#include "trust/codec.h"
#include "trust/merkle.h"
#include "trust/terr.h"

static const char dash[] = "\xe2\x80\x94 "; /* U+2014 EM DASH, then a space */

/* A note name: 1..128 bytes, no space, control byte or '+'. */
static int name_ok(const char *s, size_t n)
{
	if (n == 0 || n > VT_NOTE_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((uint8_t)s[i] <= ' ' || s[i] == '+' || s[i] == 0x7f)
			return 0;
	return 1;
}

/* The note key ID: SHA-256(name || "\n" || 0x01 || pk), first 4 bytes. */
static uint32_t key_id(const char *name, size_t n, const uint8_t pk[32])
{
	struct vx_sha256 c;
	uint8_t h[32], t[2] = {'\n', 0x01};
	vx_sha256_init(&c);
	vx_sha256_update(&c, name, n);
	vx_sha256_update(&c, t, 2);
	vx_sha256_update(&c, pk, 32);
	vx_sha256_final(&c, h);
	return vt_get32(h);
}

int vt_notekey_from_seed(struct vt_notekey *k, const char *name, size_t namelen,
			 const uint8_t seed[32])
{
	if (!name_ok(name, namelen))
		return VT_E_FIELD;
	memcpy(k->name, name, namelen);
	k->name[namelen] = 0;
	k->namelen = namelen;
	vx_ed25519_public_key(k->pk, seed);
	k->id = key_id(name, namelen, k->pk);
	return VX_OK;
}

/* Parse "name+hex8+base64(0x01 || 32 bytes)" into k and key[32]. */
static int parse_key(struct vt_notekey *k, uint8_t key[32], const char *s, size_t len)
{
	size_t a = 0, b;
	uint8_t id[4], raw[33];
	while (a < len && s[a] != '+')
		a++;
	if (a == len || a + 10 > len || s[a + 9] != '+' || !name_ok(s, a))
		return VT_E_FIELD;
	b = a + 10;
	if (vt_unhex(id, 4, s + a + 1, 8) != VX_OK)
		return VT_E_FIELD;
	if (vt_unb64(raw, sizeof(raw), s + b, len - b) != 33 || raw[0] != 0x01)
		return VT_E_FIELD;
	memcpy(k->name, s, a);
	k->name[a] = 0;
	k->namelen = a;
	k->id = vt_get32(id);
	memcpy(key, raw + 1, 32);
	return VX_OK;
}

int vt_vkey_parse(struct vt_notekey *k, const char *s, size_t len)
{
	int rc = parse_key(k, k->pk, s, len);
	if (rc == VX_OK && key_id(k->name, k->namelen, k->pk) != k->id)
		rc = VT_E_FIELD;
	return rc;
}

int vt_skey_parse(struct vt_notekey *k, uint8_t seed[32], const char *s, size_t len)
{
	uint8_t sd[32];
	if (len < 12 || memcmp(s, "PRIVATE+KEY+", 12) != 0)
		return VT_E_FIELD;
	int rc = parse_key(k, sd, s + 12, len - 12);
	if (rc != VX_OK)
		return rc;
	vx_ed25519_public_key(k->pk, sd);
	if (key_id(k->name, k->namelen, k->pk) != k->id)
		return VT_E_FIELD;
	memcpy(seed, sd, 32);
	return VX_OK;
}

/* "name+hex8+base64(0x01 || key)", the shared tail of both key forms. */
static size_t fmt_key(const struct vt_notekey *k, const uint8_t key[32], char *out)
{
	uint8_t id[4], raw[33];
	size_t n = k->namelen;
	memcpy(out, k->name, n);
	out[n++] = '+';
	vt_put32(id, k->id);
	vt_hex(out + n, id, 4);
	n += 8;
	out[n++] = '+';
	raw[0] = 0x01;
	memcpy(raw + 1, key, 32);
	return n + vt_b64(out + n, raw, 33);
}

size_t vt_vkey_fmt(const struct vt_notekey *k, char out[VT_VKEY_MAX + 1])
{
	return fmt_key(k, k->pk, out);
}

size_t vt_skey_fmt(const struct vt_notekey *k, const uint8_t seed[32], char out[VT_SKEY_MAX + 1])
{
	memcpy(out, "PRIVATE+KEY+", 12);
	return 12 + fmt_key(k, seed, out + 12);
}

size_t vt_note_sign(char out[VT_SIGLINE_MAX + 1], const struct vt_notekey *k,
		    const uint8_t seed[32], const void *text, size_t textlen)
{
	uint8_t raw[68];
	size_t n = 4;
	memcpy(out, dash, 4);
	memcpy(out + n, k->name, k->namelen);
	n += k->namelen;
	out[n++] = ' ';
	vt_put32(raw, k->id);
	vx_ed25519_sign(raw + 4, seed, text, textlen);
	n += vt_b64(out + n, raw, 68);
	out[n++] = '\n';
	out[n] = 0;
	return n;
}

/* Valid UTF-8 with no control character but newline (as Go's note.Open). */
static int text_ok(const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint8_t c = p[i];
		size_t k;
		uint32_t cp;
		if (c < 0x80) {
			if ((c < 0x20 && c != '\n') || c == 0x7f)
				return 0;
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			k = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			k = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			k = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (n - i <= k)
			return 0;
		for (size_t j = 1; j <= k; j++) {
			if ((p[i + j] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i + j] & 0x3f);
		}
		/* Overlong forms, surrogates and values past U+10FFFF. */
		if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return 0;
		i += k + 1;
	}
	return 1;
}

/* Check one signature line (without its "\n") against keys. */
static int sigline(const uint8_t *line, size_t n, const uint8_t *text, size_t textlen,
		   const struct vt_notekey *keys, size_t nkeys, uint32_t *signers)
{
	uint8_t raw[68 + 3];
	size_t sp = 4;
	if (n < 4 || memcmp(line, dash, 4) != 0)
		return VT_E_NOTE;
	while (sp < n && line[sp] != ' ')
		sp++;
	if (sp == n || !name_ok((const char *)line + 4, sp - 4))
		return VT_E_NOTE;
	const char *b64 = (const char *)line + sp + 1;
	int len = vt_unb64(raw, sizeof(raw), b64, n - sp - 1);
	if (len < 5)
		return VT_E_NOTE;
	uint32_t id = vt_get32(raw);
	for (size_t i = 0; i < nkeys; i++) {
		const struct vt_notekey *k = &keys[i];
		if (k->id != id || k->namelen != sp - 4 || memcmp(k->name, line + 4, sp - 4) != 0)
			continue;
		if (len != 68 || vx_ed25519_verify(raw + 4, text, textlen, k->pk) != VX_OK)
			return VT_E_NOTE_SIG;
		*signers |= 1u << i;
	}
	return VX_OK;
}

int vt_note_verify(const uint8_t *note, size_t n, const struct vt_notekey *keys, size_t nkeys,
		   size_t *textlen, uint32_t *signers)
{
	size_t split = n, nsig = 0;
	*signers = 0;
	if (n > VT_NOTE_MAX || nkeys > 32)
		return VT_E_TOOBIG;
	if (!text_ok(note, n))
		return VT_E_NOTE;
	for (size_t i = n; i >= 2; i--)
		if (note[i - 2] == '\n' && note[i - 1] == '\n') {
			split = i - 2;
			break;
		}
	if (split == n || split + 2 == n || note[n - 1] != '\n')
		return VT_E_NOTE;
	*textlen = split + 1;
	size_t at = split + 2;
	while (at < n) {
		size_t end = at;
		while (note[end] != '\n')
			end++;
		if (++nsig > VT_NOTE_SIGS_MAX)
			return VT_E_NOTE;
		int rc = sigline(note + at, end - at, note, *textlen, keys, nkeys, signers);
		if (rc != VX_OK)
			return rc;
		at = end + 1;
	}
	return VX_OK;
}

/* The next line of text from *at, without its "\n"; NULL at the end. */
static const uint8_t *next_line(const uint8_t *t, size_t len, size_t *at, size_t *n)
{
	size_t s = *at, e = s;
	if (s >= len)
		return NULL;
	while (e < len && t[e] != '\n')
		e++;
	if (e == len)
		return NULL;
	*n = e - s;
	*at = e + 1;
	return t + s;
}

int vt_checkpoint_parse(struct vt_checkpoint *c, const uint8_t *text, size_t len)
{
	size_t at = 0, n;
	const uint8_t *l = next_line(text, len, &at, &n);
	if (!l || n == 0 || n > VT_NOTE_NAME_MAX)
		return VT_E_NOTE;
	memcpy(c->origin, l, n);
	c->origin[n] = 0;
	c->originlen = n;
	l = next_line(text, len, &at, &n);
	if (!l || vt_parse_u64((const char *)l, n, &c->size) != VX_OK)
		return VT_E_NOTE;
	l = next_line(text, len, &at, &n);
	if (!l || vt_unb64(c->root, 32, (const char *)l, n) != 32)
		return VT_E_NOTE;
	/* Extension lines: each non-empty. */
	while ((l = next_line(text, len, &at, &n)))
		if (n == 0)
			return VT_E_NOTE;
	return at == len ? VX_OK : VT_E_NOTE;
}

size_t vt_checkpoint_fmt(const struct vt_checkpoint *c, char *out)
{
	size_t n = c->originlen;
	memcpy(out, c->origin, n);
	out[n++] = '\n';
	n += vt_fmt_u64(out + n, c->size);
	out[n++] = '\n';
	n += vt_b64(out + n, c->root, 32);
	out[n++] = '\n';
	out[n] = 0;
	return n;
}

int vt_addcp_parse(const uint8_t *b, size_t n, uint64_t *old, uint8_t path[][32], size_t *np,
		   size_t *note_at)
{
	size_t at = 0, len;
	const uint8_t *l = next_line(b, n, &at, &len);
	*np = 0;
	if (!l || len < 5 || memcmp(l, "old ", 4) != 0 ||
	    vt_parse_u64((const char *)l + 4, len - 4, old) != VX_OK)
		return VT_E_NOTE;
	while ((l = next_line(b, n, &at, &len)) && len > 0) {
		if (*np == VT_PROOF_MAX)
			return VT_E_TOOBIG;
		if (vt_unb64(path[*np], 32, (const char *)l, len) != 32)
			return VT_E_NOTE;
		++*np;
	}
	if (!l)
		return VT_E_NOTE;
	if (n - at > VT_NOTE_MAX)
		return VT_E_TOOBIG;
	*note_at = at;
	return VX_OK;
}
