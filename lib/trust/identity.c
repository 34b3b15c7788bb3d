/* SPDX-License-Identifier: BSD-3-Clause */
/* Person derivation, the sealed Machine key, certificates and revocations. */
#include "trust/identity.h"

#include <vectra/abi.h>
#include <vx_string.h>

#include "crypto/aead.h"
#include "crypto/argon2.h"
#include "crypto/bip39.h"
#include "crypto/ct.h"
#include "crypto/ed25519.h"
#include "crypto/hkdf.h"
#include "crypto/sha2.h"
#include "trust/codec.h"
#include "trust/terr.h"

int vt_person_from_entropy(const uint8_t entropy[32], uint8_t seed[32], uint8_t pk[32])
{
	vx_hkdf_sha256(seed, 32, VT_PERSON_SALT, sizeof(VT_PERSON_SALT) - 1, entropy, 32,
		       VT_PERSON_INFO, sizeof(VT_PERSON_INFO) - 1);
	vx_ed25519_public_key(pk, seed);
	return VX_OK;
}

int vt_person_from_words(const char *words, size_t len, uint8_t seed[32], uint8_t pk[32])
{
	uint8_t ent[32];
	int n = vx_bip39_to_entropy(words, len, ent, sizeof(ent));
	if (n == VX_E_INVAL || (n >= 0 && n != 32))
		return VT_E_WORDCOUNT;
	if (n == VX_E_NOTFOUND)
		return VT_E_WORD;
	if (n < 0)
		return VT_E_CHECKSUM;
	vt_person_from_entropy(ent, seed, pk);
	vx_wipe(ent, sizeof(ent));
	return VX_OK;
}

/* True if the Argon2id parameters are inside the sealed format's bounds. */
static int kdf_ok(const struct vt_kdf *k)
{
	return k->t >= 1 && k->t <= VT_SEAL_T_MAX && k->p >= 1 && k->p <= VT_SEAL_P_MAX &&
	       k->m_kib >= VT_SEAL_M_MIN && k->m_kib <= VT_SEAL_M_MAX && k->m_kib >= 8 * k->p;
}

size_t vt_seal_mem_bytes(const struct vt_kdf *kdf)
{
	if (!kdf_ok(kdf))
		return 0;
	return vx_argon2id_mem_bytes(kdf->m_kib, kdf->p) + 63;
}

/* key = Argon2id(pass, salt, kdf), 32 bytes. */
static int seal_key(uint8_t key[32], const char *pass, size_t passlen, const uint8_t salt[16],
		    const struct vt_kdf *kdf, void *mem, size_t mem_bytes)
{
	struct vx_argon2id_params ap = {.t_cost = kdf->t, .m_kib = kdf->m_kib, .lanes = kdf->p};
	int rc =
	    vx_argon2id(key, 32, (const uint8_t *)pass, passlen, salt, 16, &ap, mem, mem_bytes);
	return rc == VX_E_INVAL ? VT_E_KDF : rc;
}

int vt_seal(uint8_t out[VT_SEAL_BYTES], const uint8_t seed[32], const char *pass, size_t passlen,
	    const struct vt_kdf *kdf, const uint8_t rnd[40], void *mem, size_t mem_bytes)
{
	uint8_t key[32];
	if (!kdf_ok(kdf))
		return VT_E_KDF;
	memcpy(out, "VXSEAL\0\1", 8);
	vt_put32(out + 8, kdf->t);
	vt_put32(out + 12, kdf->m_kib);
	vt_put32(out + 16, kdf->p);
	memcpy(out + 20, rnd, 40);
	vx_ed25519_public_key(out + 60, seed);
	int rc = seal_key(key, pass, passlen, out + 20, kdf, mem, mem_bytes);
	if (rc != VX_OK)
		return rc;
	vx_aead_xchacha20poly1305_encrypt(out + VT_SEAL_HDR, seed, 32, out, VT_SEAL_HDR, out + 36,
					  key);
	vx_wipe(key, sizeof(key));
	vx_sha256(out, 140, out + 140);
	return VX_OK;
}

int vt_seal_peek(const uint8_t *file, size_t len, uint8_t pk[32], struct vt_kdf *kdf)
{
	uint8_t check[32];
	if (len < VT_SEAL_BYTES)
		return VT_E_TRUNCATED;
	if (len > VT_SEAL_BYTES)
		return VT_E_TRAILING;
	if (memcmp(file, "VXSEAL", 6) != 0)
		return VT_E_MAGIC;
	if (file[6] != 0 || file[7] != 1)
		return VT_E_VERSION;
	vx_sha256(file, 140, check);
	if (!vx_ct_equal(check, file + 140, 32))
		return VT_E_TAMPERED;
	kdf->t = vt_get32(file + 8);
	kdf->m_kib = vt_get32(file + 12);
	kdf->p = vt_get32(file + 16);
	if (!kdf_ok(kdf))
		return VT_E_KDF;
	memcpy(pk, file + 60, 32);
	return VX_OK;
}

int vt_unseal(const uint8_t *file, size_t len, const char *pass, size_t passlen, uint8_t seed[32],
	      void *mem, size_t mem_bytes)
{
	uint8_t pk[32], key[32], s[32], again[32];
	struct vt_kdf kdf;
	int rc = vt_seal_peek(file, len, pk, &kdf);
	if (rc != VX_OK)
		return rc;
	rc = seal_key(key, pass, passlen, file + 20, &kdf, mem, mem_bytes);
	if (rc != VX_OK)
		return rc;
	rc = vx_aead_xchacha20poly1305_decrypt(s, file + VT_SEAL_HDR, 48, file, VT_SEAL_HDR,
					       file + 36, key);
	vx_wipe(key, sizeof(key));
	if (rc != VX_OK)
		return VT_E_PASSPHRASE;
	vx_ed25519_public_key(again, s);
	if (!vx_ct_equal(again, pk, 32)) {
		vx_wipe(s, sizeof(s));
		return VT_E_TAMPERED;
	}
	memcpy(seed, s, 32);
	vx_wipe(s, sizeof(s));
	return VX_OK;
}

/* Encode everything a certificate's signature covers. */
static void cert_body(struct vt_wr *w, const struct vt_cert *c)
{
	vt_wr_magic(w, "VXCERT", 1);
	vt_wr_bytes(w, c->person, 32);
	vt_wr_bytes(w, c->machine, 32);
	vt_wr_u64(w, c->issued);
	vt_wr_u8(w, c->namelen);
	vt_wr_bytes(w, c->name, c->namelen);
}

int vt_cert_sign(struct vt_cert *c, const uint8_t person_seed[32], uint8_t *out, size_t cap)
{
	struct vt_wr w;
	if (!vt_name_ok((const uint8_t *)c->name, c->namelen, VT_NAME_MAX))
		return VT_E_FIELD;
	vx_ed25519_public_key(c->person, person_seed);
	vt_wr_init(&w, out, cap);
	cert_body(&w, c);
	if (w.err != VX_OK)
		return w.err;
	vx_ed25519_sign(c->sig, person_seed, out, w.n);
	vt_wr_bytes(&w, c->sig, 64);
	return vt_wr_end(&w);
}

int vt_cert_parse(struct vt_cert *c, const uint8_t *p, size_t n)
{
	struct vt_rd r;
	vt_rd_init(&r, p, n);
	vt_rd_magic(&r, "VXCERT", 1);
	vt_rd_copy(&r, c->person, 32);
	vt_rd_copy(&r, c->machine, 32);
	c->issued = vt_rd_u64(&r);
	c->namelen = vt_rd_u8(&r);
	const uint8_t *name = vt_rd_take(&r, c->namelen);
	size_t body = r.off;
	vt_rd_copy(&r, c->sig, 64);
	int rc = vt_rd_end(&r);
	if (rc != VX_OK)
		return rc;
	if (!vt_name_ok(name, c->namelen, VT_NAME_MAX))
		return VT_E_FIELD;
	memcpy(c->name, name, c->namelen);
	c->name[c->namelen] = 0;
	if (vx_ed25519_verify(c->sig, p, body, c->person) != VX_OK)
		return VT_E_CERT_SIG;
	return VX_OK;
}

/* Encode everything a revocation's signature covers. */
static void revoke_body(struct vt_wr *w, const struct vt_revoke *r)
{
	vt_wr_magic(w, "VXREVK", 1);
	vt_wr_bytes(w, r->person, 32);
	vt_wr_bytes(w, r->machine, 32);
	vt_wr_u64(w, r->effective);
	vt_wr_u64(w, r->log_size);
	vt_wr_u8(w, r->originlen);
	vt_wr_bytes(w, r->origin, r->originlen);
}

int vt_revoke_sign(struct vt_revoke *r, const uint8_t person_seed[32], uint8_t *out, size_t cap)
{
	struct vt_wr w;
	if (r->originlen > VT_ORIGIN_MAX)
		return VT_E_FIELD;
	vx_ed25519_public_key(r->person, person_seed);
	vt_wr_init(&w, out, cap);
	revoke_body(&w, r);
	if (w.err != VX_OK)
		return w.err;
	vx_ed25519_sign(r->sig, person_seed, out, w.n);
	vt_wr_bytes(&w, r->sig, 64);
	return vt_wr_end(&w);
}

int vt_revoke_parse(struct vt_revoke *v, const uint8_t *p, size_t n)
{
	struct vt_rd r;
	vt_rd_init(&r, p, n);
	vt_rd_magic(&r, "VXREVK", 1);
	vt_rd_copy(&r, v->person, 32);
	vt_rd_copy(&r, v->machine, 32);
	v->effective = vt_rd_u64(&r);
	v->log_size = vt_rd_u64(&r);
	v->originlen = vt_rd_u8(&r);
	if (v->originlen > VT_ORIGIN_MAX) {
		vt_rd_fail(&r, VT_E_FIELD);
		v->originlen = 0;
	}
	vt_rd_copy(&r, v->origin, v->originlen);
	v->origin[v->originlen] = 0;
	size_t body = r.off;
	vt_rd_copy(&r, v->sig, 64);
	int rc = vt_rd_end(&r);
	if (rc != VX_OK)
		return rc;
	if (vx_ed25519_verify(v->sig, p, body, v->person) != VX_OK)
		return VT_E_REVOKE_SIG;
	return VX_OK;
}
