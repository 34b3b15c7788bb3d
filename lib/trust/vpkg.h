/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The .vpkg package and the structures inside it (docs/FORMATS.md).
 *
 * A package is a container of sections; only some of them are signed, and
 * each signed structure names what it covers by VCID:
 *
 *   manifest     name, version, payload VCID and size, dependencies by VCID,
 *                capability footprint.  Its VCID is the package's VCID.
 *   payload      the bytes the manifest's payload VCID names.
 *   claim        a Machine's signature over (package VCID, time).
 *   cert         the Person's certificate for that Machine.
 *   attestations rebuilders' signatures over (package VCID, time).
 *   proof        the claim's inclusion in a transparency log, with the
 *                checkpoint (and its cosignatures) it reaches.
 *
 * Container v1:  "VXVPKG" 0001, then sections, each
 *   tag (u8) | length (u32) | body
 * in ascending tag order: 1 manifest, 2 payload, 3 claim?, 4 cert?,
 * 5 attestation* (sorted by rebuilder key, no repeats, at most 16), 6 proof?.
 * Manifest and payload are required; the others appear as the package goes
 * through sign, attest and log.  Parsing checks structure and the
 * certificate's signature; every other judgement is the gate's (policy.h).
 */
#ifndef VX_TRUST_VPKG_H
#define VX_TRUST_VPKG_H

#include <stddef.h>
#include <stdint.h>

#include "trust/identity.h"
#include "trust/merkle.h"

#define VT_DEPS_MAX	32
#define VT_FOOT_MAX	32
#define VT_CAP_MAX	48 /* capability names: 1..48 of [a-z0-9._:-] */
#define VT_ATTEST_MAX	16
#define VT_PAYLOAD_MAX	(1u << 30)
#define VT_SIGNED_BYTES 144 /* a claim or an attestation */

struct vt_cap {
	uint8_t len;
	char s[VT_CAP_MAX + 1];
};

struct vt_manifest {
	uint8_t namelen;
	char name[VT_NAME_MAX + 1];
	uint8_t verlen;
	char version[VT_NAME_MAX + 1];
	uint8_t payload[32];
	uint64_t payload_size;
	uint8_t ndeps;
	uint8_t deps[VT_DEPS_MAX][32];
	uint8_t nfoot;
	struct vt_cap foot[VT_FOOT_MAX];
};
#define VT_MANIFEST_MAX                                                                            \
	(8 + 2 * (1 + VT_NAME_MAX) + 32 + 8 + 1 + 32 * VT_DEPS_MAX + 1 +                           \
	 VT_FOOT_MAX * (1 + VT_CAP_MAX))

/* Sort deps and footprint into canonical order.  VT_E_ORDER on a repeat. */
int vt_manifest_sort(struct vt_manifest *m);
/* Encode; returns the length, VT_E_FIELD, VT_E_ORDER or VT_E_TOOBIG. */
int vt_manifest_encode(const struct vt_manifest *m, uint8_t *out, size_t cap);
/* Decode; codec errors, VT_E_FIELD, VT_E_ORDER. */
int vt_manifest_parse(struct vt_manifest *m, const uint8_t *p, size_t n);
/* True if cap is a valid capability name. */
int vt_cap_ok(const char *s, size_t n);

/* A claim ("VXCLAM") or an attestation ("VXATST"), 144 bytes:
 *   magic (8) | signer pk (32) | package VCID (32) | time (u64) | sig (64) */
struct vt_signed {
	uint8_t signer[32];
	uint8_t vcid[32];
	uint64_t time;
	uint8_t sig[64];
};
enum vt_signed_kind { VT_CLAIM, VT_ATTEST };

void vt_signed_make(struct vt_signed *s, enum vt_signed_kind kind, const uint8_t seed[32],
		    const uint8_t vcid[32], uint64_t time, uint8_t out[VT_SIGNED_BYTES]);
/* Decode only (no signature check): codec errors. */
int vt_signed_parse(struct vt_signed *s, enum vt_signed_kind kind, const uint8_t *p, size_t n);
/* Check the signature: VX_OK, or VT_E_CLAIM_SIG / VT_E_ATTEST_SIG. */
int vt_signed_verify(const struct vt_signed *s, enum vt_signed_kind kind);

/* Log proof ("VXPROF" 0001):
 *   leaf index (u64) | tree size (u64) | n (u8, <= 64) | n hashes (32 each)
 *   | note length (u16, <= VT_NOTE_MAX) | checkpoint note */
struct vt_proof {
	uint64_t index, size;
	uint8_t npath;
	uint8_t path[VT_PROOF_MAX][32];
	const uint8_t *note; /* points into the parsed bytes */
	uint16_t notelen;
};
int vt_proof_encode(const struct vt_proof *p, uint8_t *out, size_t cap);
int vt_proof_parse(struct vt_proof *p, const uint8_t *b, size_t n);

struct vt_bytes {
	const uint8_t *p;
	size_t n;
};

/* A package: its raw sections (pointing into the input) and their parse. */
struct vt_pkg {
	struct vt_bytes manifest_raw, payload, claim_raw, cert_raw, proof_raw;
	struct vt_bytes attest_raw[VT_ATTEST_MAX];
	size_t nattest;
	struct vt_manifest manifest;
	uint8_t vcid[32]; /* of manifest_raw */
	int has_claim, has_cert, has_proof;
	struct vt_signed claim;
	struct vt_cert cert;
	struct vt_signed attest[VT_ATTEST_MAX];
	struct vt_proof proof;
};

/* Parse a container.  Codec errors; VT_E_FIELD (tag, count); VT_E_ORDER;
 * VT_E_TOOBIG (payload); VT_E_CERT_SIG. */
int vt_pkg_parse(struct vt_pkg *k, const uint8_t *p, size_t n);
/* Encode the sections k's raw fields name (those with n > 0 or has_*).
 * Attestations must already be sorted.  Returns the length or an error. */
int vt_pkg_encode(const struct vt_pkg *k, uint8_t *out, size_t cap);

#endif
