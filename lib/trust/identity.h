/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Person and Machine identity (docs/TRUST.md, docs/FORMATS.md).
 *
 * A Person is 24 BIP39 words; the words are the secret and nothing else is.
 * Derivation v1 (stable; a new derivation gets a new number, never a change):
 *
 *     entropy = BIP39-to-entropy(words)            (32 bytes, checksum checked)
 *     seed    = HKDF-SHA-256(salt = "VectraOS person v1",
 *                            ikm  = entropy,
 *                            info = "ed25519 identity", L = 32)
 *     key     = Ed25519 key pair of seed (RFC 8032)
 *
 * A Machine is an Ed25519 key made on the machine and kept only sealed (see
 * the seal layout below).  The Person signs a certificate binding the
 * Machine's public key and name; the Person can later sign a revocation.
 *
 * Nothing here touches files or clocks: callers pass times in, bytes in and
 * buffers out.  Secrets live in caller buffers; the caller wipes them.
 */
#ifndef VX_TRUST_IDENTITY_H
#define VX_TRUST_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

#define VT_PK_BYTES   32
#define VT_SEED_BYTES 32
#define VT_SIG_BYTES  64
#define VT_NAME_MAX   32 /* Machine and package names: 1..32 of [a-z0-9._-] */

#define VT_PERSON_ENTROPY 32
#define VT_PERSON_SALT	  "VectraOS person v1"
#define VT_PERSON_INFO	  "ed25519 identity"

/*
 * The Person's Ed25519 seed and public key from exactly 24 words (len
 * bytes, single spaces).  VX_OK, VT_E_WORDCOUNT, VT_E_WORD or
 * VT_E_CHECKSUM (checked in that order); seed and pk untouched on error.
 */
int vt_person_from_words(const char *words, size_t len, uint8_t seed[32], uint8_t pk[32]);
/* The same from the 32 bytes of entropy; always VX_OK. */
int vt_person_from_entropy(const uint8_t entropy[32], uint8_t seed[32], uint8_t pk[32]);

/* ---- The sealed Machine key, format v1: 172 bytes -------------------------
 *
 *     0   6  "VXSEAL"              magic
 *     6   2  0x0001                version (big-endian)
 *     8   4  t                     Argon2id passes        1 .. 16
 *    12   4  m                     Argon2id memory, KiB   64 .. 1048576, >= 8 * p
 *    16   4  p                     Argon2id lanes         1 .. 16
 *    20  16  salt                  random
 *    36  24  nonce                 random
 *    60  32  public key            the Machine's Ed25519 public key
 *    92  48  sealed seed           XChaCha20-Poly1305(key = Argon2id(pass, salt,
 *                                  t, m, p, 32 bytes), nonce, ad = bytes 0..92,
 *                                  the 32-byte seed): 32 bytes + 16-byte tag
 *   140  32  check                 SHA-256(bytes 0..140)
 *
 * The check is not a secret and proves nothing against an attacker who can
 * rewrite it; it lets unseal tell an accidental or naive alteration
 * (VT_E_TAMPERED) from a wrong passphrase (VT_E_PASSPHRASE).  Either way the
 * key stays sealed: the AEAD tag over the header and seed is what protects.
 */
#define VT_SEAL_BYTES 172
#define VT_SEAL_HDR   92
#define VT_SEAL_T_MAX 16
#define VT_SEAL_M_MIN 64
#define VT_SEAL_M_MAX 1048576
#define VT_SEAL_P_MAX 16
#define VT_SEAL_T_DEF 3
#define VT_SEAL_M_DEF 65536 /* 64 MiB */
#define VT_SEAL_P_DEF 1

struct vt_kdf {
	uint32_t t, m_kib, p;
};

/* Bytes of Argon2id work memory seal/unseal need for kdf (0 if invalid),
 * including alignment slack. */
size_t vt_seal_mem_bytes(const struct vt_kdf *kdf);

/*
 * Seal seed under pass into out[VT_SEAL_BYTES].  rnd is 40 fresh random
 * bytes (salt then nonce; Standard confidence is enough).  mem is Argon2id
 * work memory of vt_seal_mem_bytes.  VX_OK, VT_E_KDF, VX_E_TOOBIG (mem).
 */
int vt_seal(uint8_t out[VT_SEAL_BYTES], const uint8_t seed[32], const char *pass, size_t passlen,
	    const struct vt_kdf *kdf, const uint8_t rnd[40], void *mem, size_t mem_bytes);

/*
 * Read the header of a sealed file without the passphrase: the public key
 * and KDF parameters.  VX_OK, VT_E_TRUNCATED, VT_E_TRAILING, VT_E_MAGIC,
 * VT_E_VERSION, VT_E_TAMPERED (check), VT_E_KDF, in that order.
 */
int vt_seal_peek(const uint8_t *file, size_t len, uint8_t pk[32], struct vt_kdf *kdf);

/*
 * Open a sealed file: vt_seal_peek's errors, then VT_E_PASSPHRASE when the
 * tag fails, VT_E_TAMPERED when the opened seed does not give the stored
 * public key, VX_E_TOOBIG when mem is short.  seed written only on VX_OK.
 */
int vt_unseal(const uint8_t *file, size_t len, const char *pass, size_t passlen, uint8_t seed[32],
	      void *mem, size_t mem_bytes);

/* ---- Machine certificate v1 ---------------------------------------------
 *   "VXCERT" 0001 | person pk (32) | machine pk (32) | issued (u64)
 *   | name length (u8) | name | signature (64) by the Person over all before
 */
struct vt_cert {
	uint8_t person[32];
	uint8_t machine[32];
	uint64_t issued;
	uint8_t namelen;
	char name[VT_NAME_MAX + 1];
	uint8_t sig[64];
};
#define VT_CERT_MAX (8 + 32 + 32 + 8 + 1 + VT_NAME_MAX + 64)

/* Fill c->person and c->sig by signing with the Person's seed; returns the
 * encoded length or VT_E_FIELD (name) / VT_E_TOOBIG (cap). */
int vt_cert_sign(struct vt_cert *c, const uint8_t person_seed[32], uint8_t *out, size_t cap);
/* Decode and verify the signature.  Codec errors, VT_E_FIELD, VT_E_CERT_SIG. */
int vt_cert_parse(struct vt_cert *c, const uint8_t *p, size_t n);

/* ---- Revocation v1 ------------------------------------------------------
 *   "VXREVK" 0001 | person pk (32) | machine pk (32) | effective (u64)
 *   | log size (u64) | origin length (u8, 0..128) | origin
 *   | signature (64) by the Person
 * A claim by the Machine is refused when it says it was made at a time >=
 * effective, or, when an origin is given, when it sits in that log at an
 * index >= log size.  The second rule catches a stolen key back-dating its
 * claims: the log's order cannot be back-dated.
 */
#define VT_ORIGIN_MAX 128
struct vt_revoke {
	uint8_t person[32];
	uint8_t machine[32];
	uint64_t effective;
	uint64_t log_size;
	uint8_t originlen; /* 0: no log bound */
	char origin[VT_ORIGIN_MAX + 1];
	uint8_t sig[64];
};
#define VT_REVOKE_MIN (8 + 32 + 32 + 8 + 8 + 1 + 64)
#define VT_REVOKE_MAX (VT_REVOKE_MIN + VT_ORIGIN_MAX)

int vt_revoke_sign(struct vt_revoke *r, const uint8_t person_seed[32], uint8_t *out, size_t cap);
int vt_revoke_parse(struct vt_revoke *r, const uint8_t *p, size_t n);

#endif
