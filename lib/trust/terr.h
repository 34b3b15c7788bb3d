/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Errors of the trust library (lib/trust).
 *
 * Every function in lib/trust returns VX_OK (0), a non-negative count, or a
 * negative code.  The codes below -100 are this library's own; a code from
 * -1 to VX_E_LAST comes from lib/crypto (include/vectra/abi.h).  Each hostile
 * input has its own code, so a test can name exactly the refusal it expects
 * and the vectra tool can exit with it: the exit status is -code (100..).
 *
 * The table in terr.c is the one list of names and messages; docs/TRUST.md
 * prints it.  Keep the numbers stable: they are exit codes people script on.
 */
#ifndef VX_TRUST_TERR_H
#define VX_TRUST_TERR_H

enum vt_err {
	/* Decoding any canonical structure. */
	VT_E_TRUNCATED = -100, /* the input ends before the structure does */
	VT_E_MAGIC = -101,     /* not this kind of structure (wrong magic) */
	VT_E_VERSION = -102,   /* the right kind of structure, an unknown version */
	VT_E_TRAILING = -103,  /* bytes follow the end of the structure */
	VT_E_FIELD = -104,     /* a field breaks its rule (characters, length, count) */
	VT_E_ORDER = -105,     /* a list is not in its one canonical order */
	VT_E_TOOBIG = -106,    /* an input or output exceeds a documented limit */
	/* Person: the 24 words. */
	VT_E_WORDCOUNT = -107, /* the phrase is not exactly 24 words */
	VT_E_WORD = -108,      /* a word is not in the BIP39 English list */
	VT_E_CHECKSUM = -109,  /* the words' checksum does not match */
	/* Machine: the sealed key file. */
	VT_E_PASSPHRASE = -110, /* the passphrase does not open the sealed key */
	VT_E_TAMPERED = -111,	/* the sealed key file was altered */
	VT_E_KDF = -112,	/* the sealed file's Argon2id parameters are out of range */
	/* Signatures on each structure. */
	VT_E_CERT_SIG = -113,	/* the Machine certificate's signature is bad */
	VT_E_REVOKE_SIG = -114, /* the revocation's signature is bad */
	VT_E_CLAIM_SIG = -115,	/* the maintainer claim's signature is bad */
	VT_E_ATTEST_SIG = -116, /* a rebuilder attestation's signature is bad */
	VT_E_NOTE_SIG = -117,	/* a signed note carries a bad signature by a known key */
	/* The install gate, in the order it checks. */
	VT_E_PAYLOAD = -118,	    /* the payload does not match the manifest's VCID or size */
	VT_E_CLAIM_VCID = -119,	    /* the claim signs a different manifest */
	VT_E_CHAIN = -120,	    /* the certificate is not for the Machine that signed */
	VT_E_UNKNOWN_PERSON = -121, /* the certificate's Person is not in the policy */
	VT_E_REVOKED = -122,	    /* the Machine was revoked before it signed */
	VT_E_ATTEST_VCID = -123,    /* an attestation is for a different package */
	VT_E_REBUILDERS = -124,	    /* fewer independent rebuilders than the policy needs */
	VT_E_NO_PROOF = -125,	    /* the package carries no log inclusion proof */
	VT_E_UNKNOWN_LOG = -126,    /* the checkpoint is not from a log in the policy */
	VT_E_WITNESSES = -127,	    /* too few of the policy's witnesses cosigned */
	VT_E_INCLUSION = -128,	    /* the inclusion proof does not reach the root */
	VT_E_FOOTPRINT = -129,	    /* the footprint asks for more than the policy allows */
	/* The log and its witnesses. */
	VT_E_NOTE = -130,	 /* a signed note or checkpoint is malformed */
	VT_E_CONSISTENCY = -131, /* a consistency proof does not hold */
	VT_E_ROLLBACK = -132,	 /* a checkpoint is smaller than one already cosigned */
	VT_E_SPLIT_VIEW = -133,	 /* two signed checkpoints cannot both be true */
	VT_E_POLICY = -134,	 /* the policy file has a bad line */
	VT_E_LAST = -134,
};

/* "VT_E_NAME (message)" for a trust code, vx_strerror's text otherwise. */
const char *vt_strerror(int err);
/* "VT_E_NAME" alone, or "VX_E_..." for a crypto code, "?" if unknown. */
const char *vt_errname(int err);

#endif
