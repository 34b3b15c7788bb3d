/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The identity protocol, served by identityd over connections named
 * "identity" (rt/svc.h shape).  identityd holds the Machine key; the key
 * never leaves it.  Until a login it holds only the sealed file
 * (SYS:etc/machine.key, docs/FORMATS.md "Sealed Machine key") and every
 * operation that needs the key is refused with ID_E_SEALED.
 *
 * RIGHTS: WHAT A CONNECTION MAY DO
 *
 * A connection carries rights, and identityd checks them on every request:
 *
 *   ID_RIGHT_STATUS  ID_STATUS
 *   ID_RIGHT_SIGN    ID_SIGN
 *   ID_RIGHT_LOGIN   ID_LOGIN, ID_LOCK
 *   ID_RIGHT_MINT    ID_MINT, ID_UNMINT
 *
 * A connection init makes (the boot manifest's "connect identity", or
 * INIT_CONNECT "identity") carries ID_RIGHTS_ALL: only the manifest hands
 * those out, and today only the shell holds one.  A narrower connection is
 * *minted*: a holder of ID_RIGHT_MINT asks ID_MINT for a new connection
 * with a subset of its own rights, and identityd makes its two Rings
 * itself (from its own Reticle), keeps the server ends and returns the
 * client ends.  This is the user-land twin of deriving a capability with
 * fewer rights: rights only narrow, and the narrowing is decided by the one
 * party that enforces it.  The shell grants a program "identity.sign"
 * (STATUS | SIGN) or "identity.status" (STATUS) this way, and gives the
 * connection back with ID_UNMINT when the program is gone.
 *
 *   ID_STATUS  -> struct id_status                          (needs STATUS)
 *   ID_LOGIN   data: the passphrase, 1..ID_PASS_MAX bytes   (needs LOGIN)
 *              -> VX_OK: the key is open.  VT_E_PASSPHRASE: wrong
 *              passphrase, the key stays sealed.  VX_E_STATE: already
 *              open.  ID_E_BACKOFF: ID_FAIL_MAX wrong passphrases in a
 *              row; the next try is accepted ID_BACKOFF_MS later.  The
 *              sealed file's own errors (VT_E_TAMPERED, VT_E_TRUNCATED,
 *              VT_E_KDF, ...) and ID_E_NOKEY pass through unchanged.
 *   ID_LOCK    -> VX_OK; the opened key is wiped            (needs LOGIN)
 *   ID_SIGN    data: the message, 1..ID_SIGN_MAX bytes      (needs SIGN)
 *              -> struct id_signature.  ID_E_SEALED before a login.
 *              identityd signs ID_SIGN_CONTEXT (with its NUL) followed
 *              by the message, never the message alone: a Task can get
 *              no signature that reads as a claim, an attestation, a
 *              certificate or a note (those all start with other bytes).
 *   ID_MINT    data: u32 rights, one of the two facets ID_FACET_STATUS
 *              or ID_FACET_SIGN, and a subset of the caller's (needs MINT)
 *              -> two caps (req, rep: the client ends, ncaps = 2) and
 *              struct id_minted.  VX_E_FULL: all ID_MINT_MAX are out.
 *   ID_UNMINT  data: u32 id from ID_MINT -> VX_OK; the connection is
 *              closed and its Rings reused once both ends let go.
 *              VX_E_NOTFOUND for an id that is not out.     (needs MINT)
 *
 * Every request is decoded before anything happens (pure_id.c, host
 * tested): a len that does not fit the op is VX_E_INVAL, a right the
 * connection lacks is ID_E_DENIED, any other op is VX_E_NOSYS.
 */
#ifndef VECTRA_PROTO_IDENTITY_H
#define VECTRA_PROTO_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

enum id_op {
	ID_STATUS = 1,
	ID_LOGIN = 2,
	ID_LOCK = 3,
	ID_SIGN = 4,
	ID_MINT = 5,
	ID_UNMINT = 6,
};

#define ID_RIGHT_STATUS 1u
#define ID_RIGHT_SIGN	2u
#define ID_RIGHT_LOGIN	4u
#define ID_RIGHT_MINT	8u
#define ID_RIGHTS_ALL	15u
#define ID_FACET_STATUS ID_RIGHT_STATUS
#define ID_FACET_SIGN	(ID_RIGHT_STATUS | ID_RIGHT_SIGN)

#define ID_PASS_MAX	128u /* bytes of passphrase */
#define ID_SIGN_MAX	192u /* bytes of message to sign */
#define ID_MINT_MAX	4u   /* minted connections out at once */
#define ID_FAIL_MAX	3u   /* wrong passphrases before a back-off */
#define ID_BACKOFF_MS	2000u
#define ID_SIGN_CONTEXT "VectraOS task signature v1"

/* Errors of this protocol (docs/ABI.md, section 4). */
#define ID_E_SEALED  (-140) /* the Machine key is sealed: log in first */
#define ID_E_DENIED  (-141) /* this connection does not carry the right */
#define ID_E_BACKOFF (-142) /* too many wrong passphrases: wait, then try again */
#define ID_E_NOKEY   (-143) /* the boot image holds no SYS:etc/machine.key */

enum id_state { ID_SEALED = 1, ID_OPEN = 2, ID_NOKEY = 3 };

struct id_status {
	uint32_t state;			  /* enum id_state */
	uint32_t rights;		  /* this connection's ID_RIGHT_* */
	uint32_t kdf_t, kdf_m_kib, kdf_p; /* Argon2id parameters of the sealed file */
	uint32_t failures;		  /* wrong passphrases in a row */
	uint8_t machine[32];		  /* the Machine's public key */
};
_Static_assert(sizeof(struct id_status) == 56, "id_status layout");
_Static_assert(offsetof(struct id_status, machine) == 24, "id_status layout");

struct id_signature {
	uint8_t sig[64];     /* Ed25519 over ID_SIGN_CONTEXT "\0" message */
	uint8_t machine[32]; /* the key that signed */
};
_Static_assert(sizeof(struct id_signature) == 96, "id_signature layout");

struct id_minted {
	uint32_t id;	 /* for ID_UNMINT */
	uint32_t rights; /* what the new connection carries */
};
_Static_assert(sizeof(struct id_minted) == 8, "id_minted layout");

#endif
