/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Signed notes and checkpoints: the C2SP signed-note and tlog-checkpoint
 * formats, with Ed25519 keys (signature type 0x01).  The layout is the one
 * golang.org/x/mod/sumdb/note reads, and the tests hold us to it.
 *
 *   note       = text "\n" signature-line+
 *   text       = one or more lines, each ending in "\n"
 *   sig line   = "\u2014 " name " " base64(key id (4, big-endian) || sig (64)) "\n"
 *   key id     = SHA-256(name || "\n" || 0x01 || public key)[0..4)
 *   verifier   = name "+" hex8(key id) "+" base64(0x01 || public key)
 *   signer     = "PRIVATE+KEY+" name "+" hex8(key id) "+" base64(0x01 || seed)
 *
 * A name is non-empty UTF-8 without spaces or '+'.  The text is UTF-8 with
 * no control characters but newline.  Verification follows the Go package:
 * a signature by a known key that fails is an error (VT_E_NOTE_SIG); lines
 * by unknown keys are skipped; at most 100 signature lines.
 *
 * A checkpoint is a note whose text is
 *   origin "\n" decimal tree size "\n" base64(root hash) "\n" extension lines
 * The log and its witnesses both sign it as a plain Ed25519 note signature,
 * so any signed-note verifier can check every cosignature.
 */
#ifndef VX_TRUST_NOTE_H
#define VX_TRUST_NOTE_H

#include <stddef.h>
#include <stdint.h>

#define VT_NOTE_NAME_MAX 128
#define VT_NOTE_MAX	 8192 /* a whole note, text and signatures */
#define VT_NOTE_SIGS_MAX 100
#define VT_VKEY_MAX	 (VT_NOTE_NAME_MAX + 1 + 8 + 1 + 44 + 1)
#define VT_SKEY_MAX	 (12 + VT_VKEY_MAX)
#define VT_SIGLINE_MAX	 (4 + VT_NOTE_NAME_MAX + 1 + 92 + 2)

struct vt_notekey {
	char name[VT_NOTE_NAME_MAX + 1];
	size_t namelen;
	uint32_t id;
	uint8_t pk[32];
};

/* A key from its name and Ed25519 seed.  VX_OK or VT_E_FIELD (name). */
int vt_notekey_from_seed(struct vt_notekey *k, const char *name, size_t namelen,
			 const uint8_t seed[32]);
/* Parse a verifier key.  VX_OK, VT_E_FIELD (syntax, wrong id, not 0x01). */
int vt_vkey_parse(struct vt_notekey *k, const char *s, size_t len);
/* Parse a signer key into k and seed.  VX_OK or VT_E_FIELD. */
int vt_skey_parse(struct vt_notekey *k, uint8_t seed[32], const char *s, size_t len);
/* Format a verifier / signer key, NUL-terminated; returns the length. */
size_t vt_vkey_fmt(const struct vt_notekey *k, char out[VT_VKEY_MAX + 1]);
size_t vt_skey_fmt(const struct vt_notekey *k, const uint8_t seed[32], char out[VT_SKEY_MAX + 1]);

/* Write the signature line by k over text; returns its length. */
size_t vt_note_sign(char out[VT_SIGLINE_MAX + 1], const struct vt_notekey *k,
		    const uint8_t seed[32], const void *text, size_t textlen);

/*
 * Check a note's syntax and verify it against keys[0..nkeys).  *textlen is
 * the length of its text; bit i of *signers is set when keys[i] signed
 * (nkeys <= 32).  VX_OK, VT_E_TOOBIG, VT_E_NOTE (syntax), VT_E_NOTE_SIG.
 * A note with no signature by any given key is VX_OK with *signers == 0.
 */
int vt_note_verify(const uint8_t *note, size_t n, const struct vt_notekey *keys, size_t nkeys,
		   size_t *textlen, uint32_t *signers);

struct vt_checkpoint {
	char origin[VT_NOTE_NAME_MAX + 1];
	size_t originlen;
	uint64_t size;
	uint8_t root[32];
};

/*
 * The body of a witness's add-checkpoint request (C2SP tlog-witness shape):
 *   "old " decimal size "\n"  base64 hash "\n" (0..64 of them)  "\n"  note
 * Sets *old, path[0..*np) and *note_at (where the note starts; it runs to
 * the end).  VX_OK, VT_E_NOTE (syntax), VT_E_TOOBIG (more than 64 hashes,
 * or a note longer than VT_NOTE_MAX).  The note itself is not checked.
 */
int vt_addcp_parse(const uint8_t *b, size_t n, uint64_t *old, uint8_t path[][32], size_t *np,
		   size_t *note_at);

/* Parse a checkpoint's text (not the signatures).  VX_OK or VT_E_NOTE. */
int vt_checkpoint_parse(struct vt_checkpoint *c, const uint8_t *text, size_t len);
/* Format the text of a checkpoint; returns its length (cap >= 256 + 64). */
size_t vt_checkpoint_fmt(const struct vt_checkpoint *c, char *out);

#endif
