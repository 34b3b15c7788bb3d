/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A complete, valid package and the policy that accepts it, built in memory
 * from fixed seeds: a Person, a Machine certified by it, three rebuilders,
 * a log of three entries (the claim is entry 1) with an operator and two
 * witnesses.  The tamper tests start from these bytes and change one field.
 * Header-only on purpose: each test program includes it once.
 */
#ifndef TRUST_FIXTURE_H
#define TRUST_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include <vectra/abi.h>

#include "crypto/ed25519.h"
#include "trust/codec.h"
#include "trust/identity.h"
#include "trust/merkle.h"
#include "trust/note.h"
#include "trust/policy.h"
#include "trust/vcid.h"
#include "trust/vpkg.h"

#define FX_ORIGIN "log.example/vectra"

struct fixture {
	uint8_t person_seed[32], person_pk[32];
	uint8_t machine_seed[32], machine_pk[32];
	uint8_t reb_seed[3][32], reb_pk[3][32];
	uint8_t op_seed[32], w_seed[3][32];
	struct vt_notekey op, w[3];
	uint8_t payload[32];
	size_t payload_len;
	uint8_t manifest[VT_MANIFEST_MAX];
	size_t manifest_len;
	uint8_t vcid[32];
	uint8_t claim[VT_SIGNED_BYTES];
	uint8_t cert[VT_CERT_MAX];
	size_t cert_len;
	uint8_t attest[3][VT_SIGNED_BYTES];
	uint8_t leaves[3][32];
	char note[VT_NOTE_MAX];
	size_t note_len;
	uint8_t proof[4096];
	size_t proof_len;
	uint8_t pkg[8192];
	size_t pkg_len;
	char policy[8192];
	size_t policy_len;
};

static int fx_node(void *ctx, unsigned level, uint64_t index, uint8_t out[32])
{
	const struct fixture *f = ctx;
	if (level == 0) {
		memcpy(out, f->leaves[index], 32);
	} else {
		uint8_t l[32], r[32];
		fx_node(ctx, level - 1, 2 * index, l);
		fx_node(ctx, level - 1, 2 * index + 1, r);
		vt_node_hash(l, r, out);
	}
	return VX_OK;
}

static void fx_seed(uint8_t seed[32], uint8_t tag)
{
	for (int i = 0; i < 32; i++)
		seed[i] = (uint8_t)(tag * 31 + i);
}

/* Sort the three attestations by signer key (the canonical order). */
static void fx_sort(struct fixture *f)
{
	uint8_t t[VT_SIGNED_BYTES];
	for (int i = 1; i < 3; i++)
		for (int j = i; j > 0 && memcmp(f->attest[j - 1] + 8, f->attest[j] + 8, 32) > 0;
		     j--) {
			memcpy(t, f->attest[j], sizeof(t));
			memcpy(f->attest[j], f->attest[j - 1], sizeof(t));
			memcpy(f->attest[j - 1], t, sizeof(t));
		}
}

/* Encode the package from the fixture's parts (proof optional). */
static size_t fx_pack(struct fixture *f, int with_proof, uint8_t *out, size_t cap)
{
	struct vt_pkg k;
	memset(&k, 0, sizeof(k));
	k.manifest_raw = (struct vt_bytes){f->manifest, f->manifest_len};
	k.payload = (struct vt_bytes){f->payload, f->payload_len};
	k.claim_raw = (struct vt_bytes){f->claim, VT_SIGNED_BYTES};
	k.cert_raw = (struct vt_bytes){f->cert, f->cert_len};
	k.has_claim = k.has_cert = 1;
	k.nattest = 3;
	for (int i = 0; i < 3; i++)
		k.attest_raw[i] = (struct vt_bytes){f->attest[i], VT_SIGNED_BYTES};
	k.has_proof = with_proof;
	k.proof_raw = (struct vt_bytes){f->proof, f->proof_len};
	int n = vt_pkg_encode(&k, out, cap);
	return n < 0 ? 0 : (size_t)n;
}

static void fx_build(struct fixture *f)
{
	struct vt_manifest m;
	struct vt_signed s;
	struct vt_cert c;
	memset(f, 0, sizeof(*f));
	fx_seed(f->person_seed, 1);
	vx_ed25519_public_key(f->person_pk, f->person_seed);
	fx_seed(f->machine_seed, 2);
	vx_ed25519_public_key(f->machine_pk, f->machine_seed);
	for (int i = 0; i < 3; i++) {
		fx_seed(f->reb_seed[i], (uint8_t)(3 + i));
		vx_ed25519_public_key(f->reb_pk[i], f->reb_seed[i]);
		fx_seed(f->w_seed[i], (uint8_t)(7 + i));
		char name[24];
		snprintf(name, sizeof(name), "witness-%d", i);
		vt_notekey_from_seed(&f->w[i], name, strlen(name), f->w_seed[i]);
	}
	fx_seed(f->op_seed, 6);
	vt_notekey_from_seed(&f->op, FX_ORIGIN, strlen(FX_ORIGIN), f->op_seed);

	memcpy(f->payload, "payload bytes for the fixture!", 30);
	f->payload_len = 30;
	memset(&m, 0, sizeof(m));
	m.namelen = 5;
	memcpy(m.name, "hello", 5);
	m.verlen = 3;
	memcpy(m.version, "1.0", 3);
	vt_vcid(f->payload, f->payload_len, m.payload);
	m.payload_size = f->payload_len;
	m.ndeps = 1;
	memset(m.deps[0], 0xab, 32);
	m.nfoot = 2;
	m.foot[0].len = 7;
	memcpy(m.foot[0].s, "console", 7);
	m.foot[1].len = 7;
	memcpy(m.foot[1].s, "fs.read", 7);
	f->manifest_len = (size_t)vt_manifest_encode(&m, f->manifest, sizeof(f->manifest));
	vt_vcid(f->manifest, f->manifest_len, f->vcid);

	vt_signed_make(&s, VT_CLAIM, f->machine_seed, f->vcid, 1500, f->claim);
	memset(&c, 0, sizeof(c));
	memcpy(c.machine, f->machine_pk, 32);
	c.issued = 1000;
	c.namelen = 6;
	memcpy(c.name, "laptop", 6);
	f->cert_len = (size_t)vt_cert_sign(&c, f->person_seed, f->cert, sizeof(f->cert));
	for (int i = 0; i < 3; i++)
		vt_signed_make(&s, VT_ATTEST, f->reb_seed[i], f->vcid, 1600 + (uint64_t)i,
			       f->attest[i]);
	fx_sort(f);

	/* The log: a filler, the claim, another filler. */
	vt_leaf_hash("filler-0", 8, f->leaves[0]);
	vt_leaf_hash(f->claim, VT_SIGNED_BYTES, f->leaves[1]);
	vt_leaf_hash("filler-2", 8, f->leaves[2]);
	struct vt_tree_src src = {fx_node, f};
	struct vt_checkpoint cp;
	memcpy(cp.origin, FX_ORIGIN, sizeof(FX_ORIGIN));
	cp.originlen = strlen(FX_ORIGIN);
	cp.size = 3;
	vt_tree_root(&src, 3, cp.root);
	size_t tn = vt_checkpoint_fmt(&cp, f->note);
	f->note[tn] = '\n';
	f->note_len = tn + 1;
	f->note_len += vt_note_sign(f->note + f->note_len, &f->op, f->op_seed, f->note, tn);
	f->note_len += vt_note_sign(f->note + f->note_len, &f->w[0], f->w_seed[0], f->note, tn);
	f->note_len += vt_note_sign(f->note + f->note_len, &f->w[1], f->w_seed[1], f->note, tn);
	struct vt_proof p;
	memset(&p, 0, sizeof(p));
	p.index = 1;
	p.size = 3;
	p.npath = (uint8_t)vt_tree_inclusion(&src, 1, 3, p.path);
	p.note = (const uint8_t *)f->note;
	p.notelen = (uint16_t)f->note_len;
	f->proof_len = (size_t)vt_proof_encode(&p, f->proof, sizeof(f->proof));
	f->pkg_len = fx_pack(f, 1, f->pkg, sizeof(f->pkg));

	char hex[3][65], v[3][VT_VKEY_MAX + 1], phex[65];
	for (int i = 0; i < 3; i++)
		vt_hex(hex[i], f->reb_pk[i], 32);
	vt_hex(phex, f->person_pk, 32);
	vt_vkey_fmt(&f->op, v[0]);
	vt_vkey_fmt(&f->w[0], v[1]);
	vt_vkey_fmt(&f->w[1], v[2]);
	f->policy_len = (size_t)snprintf(f->policy, sizeof(f->policy),
					 "# fixture policy\n"
					 "person alice %s\n"
					 "rebuilder r0 %s\nrebuilder r1 %s\nrebuilder r2 %s\n"
					 "log %s\nwitness %s\nwitness %s\nwitnesses 2\n"
					 "allow console   # the serial console\n"
					 "allow fs.read\n",
					 phex, hex[0], hex[1], hex[2], v[0], v[1], v[2]);
}

/* Parse the fixture's policy text into pol (asserting it parses). */
static int fx_policy(const struct fixture *f, const char *extra, struct vt_policy *pol)
{
	char text[16384];
	size_t line;
	int n = snprintf(text, sizeof(text), "%s%s", f->policy, extra ? extra : "");
	return vt_policy_parse(pol, text, (size_t)n, &line);
}

#endif
