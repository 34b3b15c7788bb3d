/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The install gate: a policy, and the one function that judges a package
 * against it.  The same code runs in `vectra pkg verify --policy` on Linux
 * and in vpkg inside VectraOS.
 *
 * Policy file (text, one directive per line, '#' comments, blank lines):
 *
 *   person NAME HEX          a Person whose certificates are trusted
 *   rebuilder NAME HEX       an independent rebuilder's public key
 *   rebuilders N             how many must agree (default 3)
 *   log VKEY                 a log operator's note verifier key; its name
 *                            is the origin its checkpoints must carry
 *   witness VKEY             a witness's note verifier key
 *   witnesses N              quorum of witness cosignatures (default: all
 *                            listed witnesses)
 *   allow CAP                a capability any package may declare
 *   revoked HEX              a Person-signed revocation (its bytes in hex)
 *
 * NAME follows the manifest name rule, HEX is 64 lowercase hex digits, CAP
 * the capability name rule.  A bad line is VT_E_POLICY, and *line says which.
 *
 * The gate's checks, in order, each with its own error:
 *   1. the package parses                (codec errors, VT_E_CERT_SIG)
 *   2. the payload matches the manifest  VT_E_PAYLOAD
 *   3. the maintainer claim verifies     VT_E_CLAIM_SIG
 *      and signs this manifest           VT_E_CLAIM_VCID
 *   4. the certificate is for its signer VT_E_CHAIN
 *      from a Person in the policy       VT_E_UNKNOWN_PERSON
 *      not revoked before the claim      VT_E_REVOKED
 *   5. every attestation verifies        VT_E_ATTEST_SIG
 *      for this package                  VT_E_ATTEST_VCID
 *      and enough policy rebuilders      VT_E_REBUILDERS
 *   6. a log proof is present            VT_E_NO_PROOF
 *      its checkpoint is signed by a policy log with that origin
 *                                        VT_E_NOTE, VT_E_NOTE_SIG, VT_E_UNKNOWN_LOG
 *      cosigned by a witness quorum      VT_E_WITNESSES
 *      and the claim is in that tree     VT_E_INCLUSION
 *      not at or after a revocation's log position   VT_E_REVOKED
 *   7. the footprint is allowed          VT_E_FOOTPRINT
 */
#ifndef VX_TRUST_POLICY_H
#define VX_TRUST_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "trust/identity.h"
#include "trust/note.h"
#include "trust/vpkg.h"

#define VT_POL_PERSONS	  16
#define VT_POL_REBUILDERS 32
#define VT_POL_LOGS	  4
#define VT_POL_WITNESSES  16
#define VT_POL_ALLOW	  64
#define VT_POL_REVOKED	  32
#define VT_POLICY_MAX	  65536 /* bytes of policy text */

struct vt_policy {
	size_t npersons;
	struct {
		char name[VT_NAME_MAX + 1];
		uint8_t pk[32];
	} persons[VT_POL_PERSONS];
	size_t nrebuilders;
	uint8_t rebuilders[VT_POL_REBUILDERS][32];
	uint32_t rebuilders_needed;
	size_t nlogs;
	struct vt_notekey logs[VT_POL_LOGS];
	size_t nwitnesses;
	struct vt_notekey witnesses[VT_POL_WITNESSES];
	uint32_t witness_quorum;
	size_t nallow;
	struct vt_cap allow[VT_POL_ALLOW];
	size_t nrevoked;
	struct vt_revoke revoked[VT_POL_REVOKED];
};

/* Parse policy text.  VX_OK, VT_E_TOOBIG, or VT_E_POLICY with *line set
 * (1-based) to the first bad line. */
int vt_policy_parse(struct vt_policy *pol, const char *text, size_t len, size_t *line);

/* What the gate learned about a package it accepted. */
struct vt_verdict {
	const char *person; /* the certifying Person's policy name */
	size_t rebuilders;  /* policy rebuilders that attested */
	size_t witnesses;   /* policy witnesses that cosigned */
	uint64_t log_index, log_size;
};

/*
 * Judge pkg[0..n) against pol.  k is the caller's scratch for the parse
 * (it stays valid while pkg does).  VX_OK or the first failing check's
 * error, as listed above.
 */
int vt_gate(const struct vt_policy *pol, const uint8_t *pkg, size_t n, struct vt_pkg *k,
	    struct vt_verdict *v);

#endif
