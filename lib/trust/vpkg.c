/* SPDX-License-Identifier: BSD-3-Clause */
/* Manifests, claims, attestations, log proofs and the .vpkg container. */
#include "trust/vpkg.h"

#include <vectra/abi.h>
#include <vx_string.h>

#include "crypto/ed25519.h"
#include "trust/codec.h"
#include "trust/note.h"
#include "trust/terr.h"
#include "trust/vcid.h"

int vt_cap_ok(const char *s, size_t n)
{
	if (n == 0 || n > VT_CAP_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-' || c == ':'))
			return 0;
	}
	return 1;
}

/* memcmp order, a prefix first. */
static int capcmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);
	if (c)
		return c;
	return an < bn ? -1 : an > bn;
}

int vt_manifest_sort(struct vt_manifest *m)
{
	uint8_t t[32];
	for (size_t i = 1; i < m->ndeps; i++)
		for (size_t j = i; j > 0 && memcmp(m->deps[j - 1], m->deps[j], 32) > 0; j--) {
			memcpy(t, m->deps[j], 32);
			memcpy(m->deps[j], m->deps[j - 1], 32);
			memcpy(m->deps[j - 1], t, 32);
		}
	for (size_t i = 1; i < m->nfoot; i++)
		for (size_t j = i; j > 0; j--) {
			if (capcmp(m->foot[j - 1].s, m->foot[j - 1].len, m->foot[j].s,
				   m->foot[j].len) <= 0)
				break;
			struct vt_cap f = m->foot[j];
			m->foot[j] = m->foot[j - 1];
			m->foot[j - 1] = f;
		}
	for (size_t i = 1; i < m->ndeps; i++)
		if (memcmp(m->deps[i - 1], m->deps[i], 32) == 0)
			return VT_E_ORDER;
	for (size_t i = 1; i < m->nfoot; i++)
		if (capcmp(m->foot[i - 1].s, m->foot[i - 1].len, m->foot[i].s, m->foot[i].len) == 0)
			return VT_E_ORDER;
	return VX_OK;
}

/* The rules a manifest's fields keep, whichever way it travels. */
static int manifest_check(const struct vt_manifest *m)
{
	if (!vt_name_ok((const uint8_t *)m->name, m->namelen, VT_NAME_MAX) ||
	    !vt_name_ok((const uint8_t *)m->version, m->verlen, VT_NAME_MAX) ||
	    m->ndeps > VT_DEPS_MAX || m->nfoot > VT_FOOT_MAX || m->payload_size > VT_PAYLOAD_MAX)
		return VT_E_FIELD;
	for (size_t i = 0; i < m->nfoot; i++)
		if (!vt_cap_ok(m->foot[i].s, m->foot[i].len))
			return VT_E_FIELD;
	for (size_t i = 1; i < m->ndeps; i++)
		if (memcmp(m->deps[i - 1], m->deps[i], 32) >= 0)
			return VT_E_ORDER;
	for (size_t i = 1; i < m->nfoot; i++)
		if (capcmp(m->foot[i - 1].s, m->foot[i - 1].len, m->foot[i].s, m->foot[i].len) >= 0)
			return VT_E_ORDER;
	return VX_OK;
}

int vt_manifest_encode(const struct vt_manifest *m, uint8_t *out, size_t cap)
{
	struct vt_wr w;
	int rc = manifest_check(m);
	if (rc != VX_OK)
		return rc;
	vt_wr_init(&w, out, cap);
	vt_wr_magic(&w, "VXMANI", 1);
	vt_wr_u8(&w, m->namelen);
	vt_wr_bytes(&w, m->name, m->namelen);
	vt_wr_u8(&w, m->verlen);
	vt_wr_bytes(&w, m->version, m->verlen);
	vt_wr_bytes(&w, m->payload, 32);
	vt_wr_u64(&w, m->payload_size);
	vt_wr_u8(&w, m->ndeps);
	vt_wr_bytes(&w, m->deps, 32 * (size_t)m->ndeps);
	vt_wr_u8(&w, m->nfoot);
	for (size_t i = 0; i < m->nfoot; i++) {
		vt_wr_u8(&w, m->foot[i].len);
		vt_wr_bytes(&w, m->foot[i].s, m->foot[i].len);
	}
	return vt_wr_end(&w);
}

/* Read a u8-length string of at most max bytes into s (NUL-terminated). */
static uint8_t rd_str(struct vt_rd *r, char *s, size_t max)
{
	uint8_t n = vt_rd_u8(r);
	if (n > max) {
		vt_rd_fail(r, VT_E_FIELD);
		n = 0;
	}
	vt_rd_copy(r, s, n);
	s[n] = 0;
	return n;
}

int vt_manifest_parse(struct vt_manifest *m, const uint8_t *p, size_t n)
{
	struct vt_rd r;
	vt_rd_init(&r, p, n);
	vt_rd_magic(&r, "VXMANI", 1);
	m->namelen = rd_str(&r, m->name, VT_NAME_MAX);
	m->verlen = rd_str(&r, m->version, VT_NAME_MAX);
	vt_rd_copy(&r, m->payload, 32);
	m->payload_size = vt_rd_u64(&r);
	m->ndeps = vt_rd_u8(&r);
	if (m->ndeps > VT_DEPS_MAX) {
		vt_rd_fail(&r, VT_E_FIELD);
		m->ndeps = 0;
	}
	vt_rd_copy(&r, m->deps, 32 * (size_t)m->ndeps);
	m->nfoot = vt_rd_u8(&r);
	if (m->nfoot > VT_FOOT_MAX) {
		vt_rd_fail(&r, VT_E_FIELD);
		m->nfoot = 0;
	}
	for (size_t i = 0; i < m->nfoot; i++)
		m->foot[i].len = rd_str(&r, m->foot[i].s, VT_CAP_MAX);
	int rc = vt_rd_end(&r);
	return rc != VX_OK ? rc : manifest_check(m);
}

static const char *signed_magic(enum vt_signed_kind kind)
{
	return kind == VT_CLAIM ? "VXCLAM" : "VXATST";
}

static void signed_body(uint8_t out[80], const struct vt_signed *s, enum vt_signed_kind kind)
{
	memcpy(out, signed_magic(kind), 6);
	out[6] = 0;
	out[7] = 1;
	memcpy(out + 8, s->signer, 32);
	memcpy(out + 40, s->vcid, 32);
	vt_put64(out + 72, s->time);
}

void vt_signed_make(struct vt_signed *s, enum vt_signed_kind kind, const uint8_t seed[32],
		    const uint8_t vcid[32], uint64_t time, uint8_t out[VT_SIGNED_BYTES])
{
	vx_ed25519_public_key(s->signer, seed);
	memcpy(s->vcid, vcid, 32);
	s->time = time;
	signed_body(out, s, kind);
	vx_ed25519_sign(s->sig, seed, out, 80);
	memcpy(out + 80, s->sig, 64);
}

int vt_signed_parse(struct vt_signed *s, enum vt_signed_kind kind, const uint8_t *p, size_t n)
{
	struct vt_rd r;
	vt_rd_init(&r, p, n);
	vt_rd_magic(&r, signed_magic(kind), 1);
	vt_rd_copy(&r, s->signer, 32);
	vt_rd_copy(&r, s->vcid, 32);
	s->time = vt_rd_u64(&r);
	vt_rd_copy(&r, s->sig, 64);
	return vt_rd_end(&r);
}

int vt_signed_verify(const struct vt_signed *s, enum vt_signed_kind kind)
{
	uint8_t body[80];
	signed_body(body, s, kind);
	if (vx_ed25519_verify(s->sig, body, 80, s->signer) != VX_OK)
		return kind == VT_CLAIM ? VT_E_CLAIM_SIG : VT_E_ATTEST_SIG;
	return VX_OK;
}

int vt_proof_encode(const struct vt_proof *p, uint8_t *out, size_t cap)
{
	struct vt_wr w;
	if (p->npath > VT_PROOF_MAX || p->notelen > VT_NOTE_MAX)
		return VT_E_FIELD;
	vt_wr_init(&w, out, cap);
	vt_wr_magic(&w, "VXPROF", 1);
	vt_wr_u64(&w, p->index);
	vt_wr_u64(&w, p->size);
	vt_wr_u8(&w, p->npath);
	vt_wr_bytes(&w, p->path, 32 * (size_t)p->npath);
	vt_wr_u16(&w, p->notelen);
	vt_wr_bytes(&w, p->note, p->notelen);
	return vt_wr_end(&w);
}

int vt_proof_parse(struct vt_proof *p, const uint8_t *b, size_t n)
{
	struct vt_rd r;
	vt_rd_init(&r, b, n);
	vt_rd_magic(&r, "VXPROF", 1);
	p->index = vt_rd_u64(&r);
	p->size = vt_rd_u64(&r);
	p->npath = vt_rd_u8(&r);
	if (p->npath > VT_PROOF_MAX) {
		vt_rd_fail(&r, VT_E_FIELD);
		p->npath = 0;
	}
	vt_rd_copy(&r, p->path, 32 * (size_t)p->npath);
	p->notelen = vt_rd_u16(&r);
	if (p->notelen > VT_NOTE_MAX) {
		vt_rd_fail(&r, VT_E_FIELD);
		p->notelen = 0;
	}
	p->note = vt_rd_take(&r, p->notelen);
	return vt_rd_end(&r);
}

enum { SEC_MANIFEST = 1, SEC_PAYLOAD, SEC_CLAIM, SEC_CERT, SEC_ATTEST, SEC_PROOF };

/* Parse one section's body into k. */
static int section(struct vt_pkg *k, uint8_t tag, const uint8_t *b, size_t n)
{
	struct vt_bytes raw = {b, n};
	switch (tag) {
	case SEC_MANIFEST:
		k->manifest_raw = raw;
		vt_vcid(b, n, k->vcid);
		return vt_manifest_parse(&k->manifest, b, n);
	case SEC_PAYLOAD:
		k->payload = raw;
		return n > VT_PAYLOAD_MAX ? VT_E_TOOBIG : VX_OK;
	case SEC_CLAIM:
		k->claim_raw = raw;
		k->has_claim = 1;
		return vt_signed_parse(&k->claim, VT_CLAIM, b, n);
	case SEC_CERT:
		k->cert_raw = raw;
		k->has_cert = 1;
		return vt_cert_parse(&k->cert, b, n);
	case SEC_ATTEST: {
		struct vt_signed *a = &k->attest[k->nattest];
		k->attest_raw[k->nattest++] = raw;
		int rc = vt_signed_parse(a, VT_ATTEST, b, n);
		if (rc == VX_OK && k->nattest > 1 && memcmp(a[-1].signer, a->signer, 32) >= 0)
			rc = VT_E_ORDER;
		return rc;
	}
	default:
		k->proof_raw = raw;
		k->has_proof = 1;
		return vt_proof_parse(&k->proof, b, n);
	}
}

int vt_pkg_parse(struct vt_pkg *k, const uint8_t *p, size_t n)
{
	struct vt_rd r;
	uint8_t last = 0;
	memset(k, 0, sizeof(*k));
	vt_rd_init(&r, p, n);
	vt_rd_magic(&r, "VXVPKG", 1);
	while (r.err == VX_OK && r.off < r.n) {
		uint8_t tag = vt_rd_u8(&r);
		uint32_t len = vt_rd_u32(&r);
		const uint8_t *b = vt_rd_take(&r, len);
		if (r.err != VX_OK)
			break;
		if (tag < SEC_MANIFEST || tag > SEC_PROOF)
			return VT_E_FIELD;
		if (tag < last || (tag == last && tag != SEC_ATTEST))
			return VT_E_ORDER;
		if (tag == SEC_ATTEST && k->nattest == VT_ATTEST_MAX)
			return VT_E_FIELD;
		last = tag;
		int rc = section(k, tag, b, len);
		if (rc != VX_OK)
			return rc;
	}
	if (r.err != VX_OK)
		return r.err;
	if (!k->manifest_raw.p || !k->payload.p)
		return VT_E_TRUNCATED;
	return VX_OK;
}

static void wr_section(struct vt_wr *w, uint8_t tag, struct vt_bytes b)
{
	vt_wr_u8(w, tag);
	vt_wr_u32(w, (uint32_t)b.n);
	vt_wr_bytes(w, b.p, b.n);
}

int vt_pkg_encode(const struct vt_pkg *k, uint8_t *out, size_t cap)
{
	struct vt_wr w;
	if (k->nattest > VT_ATTEST_MAX || k->payload.n > VT_PAYLOAD_MAX)
		return VT_E_FIELD;
	for (size_t i = 1; i < k->nattest; i++)
		if (memcmp(k->attest_raw[i - 1].p + 8, k->attest_raw[i].p + 8, 32) >= 0)
			return VT_E_ORDER;
	vt_wr_init(&w, out, cap);
	vt_wr_magic(&w, "VXVPKG", 1);
	wr_section(&w, SEC_MANIFEST, k->manifest_raw);
	wr_section(&w, SEC_PAYLOAD, k->payload);
	if (k->has_claim)
		wr_section(&w, SEC_CLAIM, k->claim_raw);
	if (k->has_cert)
		wr_section(&w, SEC_CERT, k->cert_raw);
	for (size_t i = 0; i < k->nattest; i++)
		wr_section(&w, SEC_ATTEST, k->attest_raw[i]);
	if (k->has_proof)
		wr_section(&w, SEC_PROOF, k->proof_raw);
	return vt_wr_end(&w);
}
