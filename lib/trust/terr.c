/* SPDX-License-Identifier: BSD-3-Clause */
/* The one table of trust error names and messages (see terr.h). */
#include "trust/terr.h"

#include <vectra/abi.h>

struct errtext {
	const char *name;
	const char *text;
};

/* Indexed by VT_E_TRUNCATED - err. */
static const struct errtext errs[] = {
    {"VT_E_TRUNCATED", "VT_E_TRUNCATED (the input ends before the structure does)"},
    {"VT_E_MAGIC", "VT_E_MAGIC (not this kind of structure)"},
    {"VT_E_VERSION", "VT_E_VERSION (unknown format version)"},
    {"VT_E_TRAILING", "VT_E_TRAILING (bytes after the end of the structure)"},
    {"VT_E_FIELD", "VT_E_FIELD (a field breaks its rule)"},
    {"VT_E_ORDER", "VT_E_ORDER (a list is not in canonical order)"},
    {"VT_E_TOOBIG", "VT_E_TOOBIG (exceeds a documented size limit)"},
    {"VT_E_WORDCOUNT", "VT_E_WORDCOUNT (the phrase must be exactly 24 words)"},
    {"VT_E_WORD", "VT_E_WORD (a word is not in the BIP39 English list)"},
    {"VT_E_CHECKSUM", "VT_E_CHECKSUM (the words' checksum does not match)"},
    {"VT_E_PASSPHRASE", "VT_E_PASSPHRASE (wrong passphrase)"},
    {"VT_E_TAMPERED", "VT_E_TAMPERED (the sealed key file was altered)"},
    {"VT_E_KDF", "VT_E_KDF (Argon2id parameters out of range)"},
    {"VT_E_CERT_SIG", "VT_E_CERT_SIG (bad signature on the Machine certificate)"},
    {"VT_E_REVOKE_SIG", "VT_E_REVOKE_SIG (bad signature on the revocation)"},
    {"VT_E_CLAIM_SIG", "VT_E_CLAIM_SIG (bad maintainer signature)"},
    {"VT_E_ATTEST_SIG", "VT_E_ATTEST_SIG (bad rebuilder attestation signature)"},
    {"VT_E_NOTE_SIG", "VT_E_NOTE_SIG (bad signature on a signed note)"},
    {"VT_E_PAYLOAD", "VT_E_PAYLOAD (the payload does not match its manifest)"},
    {"VT_E_CLAIM_VCID", "VT_E_CLAIM_VCID (the claim signs a different manifest)"},
    {"VT_E_CHAIN", "VT_E_CHAIN (the certificate is not for the signing Machine)"},
    {"VT_E_UNKNOWN_PERSON", "VT_E_UNKNOWN_PERSON (the certifying Person is not in the policy)"},
    {"VT_E_REVOKED", "VT_E_REVOKED (the Machine was revoked before it signed)"},
    {"VT_E_ATTEST_VCID", "VT_E_ATTEST_VCID (an attestation is for another package)"},
    {"VT_E_REBUILDERS", "VT_E_REBUILDERS (too few independent rebuilders agree)"},
    {"VT_E_NO_PROOF", "VT_E_NO_PROOF (no transparency-log inclusion proof)"},
    {"VT_E_UNKNOWN_LOG", "VT_E_UNKNOWN_LOG (the checkpoint is not from a policy log)"},
    {"VT_E_WITNESSES", "VT_E_WITNESSES (too few policy witnesses cosigned)"},
    {"VT_E_INCLUSION", "VT_E_INCLUSION (the inclusion proof does not reach the root)"},
    {"VT_E_FOOTPRINT", "VT_E_FOOTPRINT (the footprint exceeds what the policy allows)"},
    {"VT_E_NOTE", "VT_E_NOTE (malformed signed note or checkpoint)"},
    {"VT_E_CONSISTENCY", "VT_E_CONSISTENCY (the consistency proof does not hold)"},
    {"VT_E_ROLLBACK", "VT_E_ROLLBACK (the checkpoint is older than one already cosigned)"},
    {"VT_E_SPLIT_VIEW", "VT_E_SPLIT_VIEW (two signed checkpoints cannot both be true)"},
    {"VT_E_POLICY", "VT_E_POLICY (bad policy line)"},
};

_Static_assert(sizeof(errs) / sizeof(errs[0]) == VT_E_TRUNCATED - VT_E_LAST + 1,
	       "one text per trust error");

/* The crypto codes a trust call can pass through. */
static const char *vxname(int err)
{
	switch (err) {
	case VX_OK:
		return "VX_OK";
	case VX_E_INVAL:
		return "VX_E_INVAL";
	case VX_E_TOOBIG:
		return "VX_E_TOOBIG";
	case VX_E_AGAIN:
		return "VX_E_AGAIN";
	case VX_E_AUTH:
		return "VX_E_AUTH";
	case VX_E_NOMEM:
		return "VX_E_NOMEM";
	default:
		return "?";
	}
}

const char *vt_errname(int err)
{
	if (err <= VT_E_TRUNCATED && err >= VT_E_LAST)
		return errs[VT_E_TRUNCATED - err].name;
	return vxname(err);
}

const char *vt_strerror(int err)
{
	if (err <= VT_E_TRUNCATED && err >= VT_E_LAST)
		return errs[VT_E_TRUNCATED - err].text;
	return vxname(err);
}
