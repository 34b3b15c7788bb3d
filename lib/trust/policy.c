/* SPDX-License-Identifier: BSD-3-Clause */
/* The policy file and the install gate (policy.h). */
#include "trust/policy.h"

#include <vectra/abi.h>
#include <vx_string.h>

#include "trust/codec.h"
#include "trust/merkle.h"
#include "trust/terr.h"
#include "trust/vcid.h"

#define MAXTOK 4

struct tok {
	const char *s;
	size_t n;
};

/* Split a line into at most MAXTOK tokens; returns the count or -1 for more. */
static int tokens(const char *s, size_t n, struct tok t[MAXTOK])
{
	int nt = 0;
	size_t i = 0;
	while (i < n) {
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == n || s[i] == '#')
			break;
		if (nt == MAXTOK)
			return -1;
		size_t start = i;
		while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '#')
			i++;
		t[nt].s = s + start;
		t[nt].n = i - start;
		nt++;
	}
	return nt;
}

static int is(const struct tok *t, const char *kw)
{
	size_t n = strlen(kw);
	return t->n == n && memcmp(t->s, kw, n) == 0;
}

static int count(const struct tok *t, uint32_t *out)
{
	uint64_t v;
	if (vt_parse_u64(t->s, t->n, &v) != VX_OK || v > 1000)
		return VT_E_POLICY;
	*out = (uint32_t)v;
	return VX_OK;
}

/* One directive; VX_OK or VT_E_POLICY. */
static int directive(struct vt_policy *p, struct tok *t, int nt, int *quorum_set)
{
	uint8_t rev[VT_REVOKE_MAX];
	if (nt == 3 && (is(&t[0], "person") || is(&t[0], "rebuilder"))) {
		uint8_t pk[32];
		if (!vt_name_ok((const uint8_t *)t[1].s, t[1].n, VT_NAME_MAX) ||
		    vt_unhex(pk, 32, t[2].s, t[2].n) != VX_OK)
			return VT_E_POLICY;
		if (is(&t[0], "rebuilder")) {
			if (p->nrebuilders == VT_POL_REBUILDERS)
				return VT_E_POLICY;
			memcpy(p->rebuilders[p->nrebuilders++], pk, 32);
			return VX_OK;
		}
		if (p->npersons == VT_POL_PERSONS)
			return VT_E_POLICY;
		memcpy(p->persons[p->npersons].name, t[1].s, t[1].n);
		p->persons[p->npersons].name[t[1].n] = 0;
		memcpy(p->persons[p->npersons++].pk, pk, 32);
		return VX_OK;
	}
	if (nt == 2 && is(&t[0], "rebuilders"))
		return count(&t[1], &p->rebuilders_needed);
	if (nt == 2 && is(&t[0], "witnesses")) {
		*quorum_set = 1;
		return count(&t[1], &p->witness_quorum);
	}
	if (nt == 2 && is(&t[0], "log")) {
		if (p->nlogs == VT_POL_LOGS || vt_vkey_parse(&p->logs[p->nlogs], t[1].s, t[1].n))
			return VT_E_POLICY;
		p->nlogs++;
		return VX_OK;
	}
	if (nt == 2 && is(&t[0], "witness")) {
		if (p->nwitnesses == VT_POL_WITNESSES ||
		    vt_vkey_parse(&p->witnesses[p->nwitnesses], t[1].s, t[1].n))
			return VT_E_POLICY;
		p->nwitnesses++;
		return VX_OK;
	}
	if (nt == 2 && is(&t[0], "allow")) {
		if (p->nallow == VT_POL_ALLOW || !vt_cap_ok(t[1].s, t[1].n))
			return VT_E_POLICY;
		p->allow[p->nallow].len = (uint8_t)t[1].n;
		memcpy(p->allow[p->nallow].s, t[1].s, t[1].n);
		p->allow[p->nallow++].s[t[1].n] = 0;
		return VX_OK;
	}
	if (nt == 2 && is(&t[0], "revoked")) {
		size_t n = t[1].n / 2;
		if (p->nrevoked == VT_POL_REVOKED || n > sizeof(rev) ||
		    vt_unhex(rev, n, t[1].s, t[1].n) ||
		    vt_revoke_parse(&p->revoked[p->nrevoked], rev, n))
			return VT_E_POLICY;
		p->nrevoked++;
		return VX_OK;
	}
	return VT_E_POLICY;
}

int vt_policy_parse(struct vt_policy *p, const char *text, size_t len, size_t *line)
{
	struct tok t[MAXTOK];
	int quorum_set = 0;
	memset(p, 0, sizeof(*p));
	p->rebuilders_needed = 3;
	*line = 0;
	if (len > VT_POLICY_MAX)
		return VT_E_TOOBIG;
	size_t at = 0;
	while (at < len) {
		size_t e = at;
		while (e < len && text[e] != '\n')
			e++;
		++*line;
		for (size_t i = at; i < e; i++)
			if (((unsigned char)text[i] < 0x20 && text[i] != '\t') || text[i] == 0x7f)
				return VT_E_POLICY;
		int nt = tokens(text + at, e - at, t);
		if (nt < 0 || (nt > 0 && directive(p, t, nt, &quorum_set) != VX_OK))
			return VT_E_POLICY;
		at = e + 1;
	}
	if (!quorum_set)
		p->witness_quorum = (uint32_t)p->nwitnesses;
	*line = 0;
	return VX_OK;
}

/* Step 4: the certificate chain and revocations. */
static int check_chain(const struct vt_policy *pol, const struct vt_pkg *k, struct vt_verdict *v)
{
	if (!k->has_cert || memcmp(k->cert.machine, k->claim.signer, 32) != 0)
		return VT_E_CHAIN;
	v->person = NULL;
	for (size_t i = 0; i < pol->npersons; i++)
		if (memcmp(pol->persons[i].pk, k->cert.person, 32) == 0)
			v->person = pol->persons[i].name;
	if (!v->person)
		return VT_E_UNKNOWN_PERSON;
	for (size_t i = 0; i < pol->nrevoked; i++) {
		const struct vt_revoke *r = &pol->revoked[i];
		if (memcmp(r->person, k->cert.person, 32) == 0 &&
		    memcmp(r->machine, k->cert.machine, 32) == 0 && k->claim.time >= r->effective)
			return VT_E_REVOKED;
	}
	return VX_OK;
}

/* Step 5: rebuilder attestations. */
static int check_attest(const struct vt_policy *pol, const struct vt_pkg *k, struct vt_verdict *v)
{
	v->rebuilders = 0;
	for (size_t i = 0; i < k->nattest; i++) {
		const struct vt_signed *a = &k->attest[i];
		int rc = vt_signed_verify(a, VT_ATTEST);
		if (rc != VX_OK)
			return rc;
		if (memcmp(a->vcid, k->vcid, 32) != 0)
			return VT_E_ATTEST_VCID;
		/* Attestations are sorted without repeats, so each key counts once. */
		for (size_t j = 0; j < pol->nrebuilders; j++)
			if (memcmp(pol->rebuilders[j], a->signer, 32) == 0)
				v->rebuilders++;
	}
	return v->rebuilders >= pol->rebuilders_needed ? VX_OK : VT_E_REBUILDERS;
}

/* Step 6: the log proof, its checkpoint and cosignatures. */
static int check_log(const struct vt_policy *pol, const struct vt_pkg *k, struct vt_verdict *v)
{
	struct vt_notekey keys[VT_POL_LOGS + VT_POL_WITNESSES];
	struct vt_checkpoint cp;
	uint8_t leaf[32];
	size_t textlen, nk = 0;
	uint32_t signers;
	if (!k->has_proof)
		return VT_E_NO_PROOF;
	for (size_t i = 0; i < pol->nlogs; i++)
		keys[nk++] = pol->logs[i];
	for (size_t i = 0; i < pol->nwitnesses; i++)
		keys[nk++] = pol->witnesses[i];
	const struct vt_proof *p = &k->proof;
	int rc = vt_note_verify(p->note, p->notelen, keys, nk, &textlen, &signers);
	if (rc == VX_OK)
		rc = vt_checkpoint_parse(&cp, p->note, textlen);
	if (rc != VX_OK)
		return rc;
	int known = 0;
	for (size_t i = 0; i < pol->nlogs; i++)
		if ((signers >> i & 1) && pol->logs[i].namelen == cp.originlen &&
		    memcmp(pol->logs[i].name, cp.origin, cp.originlen) == 0)
			known = 1;
	if (!known)
		return VT_E_UNKNOWN_LOG;
	v->witnesses = 0;
	for (size_t i = 0; i < pol->nwitnesses; i++)
		v->witnesses += signers >> (pol->nlogs + i) & 1;
	if (v->witnesses < pol->witness_quorum)
		return VT_E_WITNESSES;
	if (p->size != cp.size)
		return VT_E_INCLUSION;
	vt_leaf_hash(k->claim_raw.p, k->claim_raw.n, leaf);
	v->log_index = p->index;
	v->log_size = p->size;
	rc = vt_verify_inclusion(p->index, p->size, leaf, (const uint8_t(*)[32])p->path, p->npath,
				 cp.root);
	if (rc != VX_OK)
		return rc;
	/* Revocations bound to this log: the claim's place in it is proven now. */
	for (size_t i = 0; i < pol->nrevoked; i++) {
		const struct vt_revoke *r = &pol->revoked[i];
		if (r->originlen && r->originlen == cp.originlen &&
		    memcmp(r->origin, cp.origin, cp.originlen) == 0 &&
		    memcmp(r->person, k->cert.person, 32) == 0 &&
		    memcmp(r->machine, k->cert.machine, 32) == 0 && p->index >= r->log_size)
			return VT_E_REVOKED;
	}
	return VX_OK;
}

/* Step 7: every declared capability must be allowed. */
static int check_footprint(const struct vt_policy *pol, const struct vt_manifest *m)
{
	for (size_t i = 0; i < m->nfoot; i++) {
		int ok = 0;
		for (size_t j = 0; j < pol->nallow && !ok; j++)
			ok = pol->allow[j].len == m->foot[i].len &&
			     memcmp(pol->allow[j].s, m->foot[i].s, m->foot[i].len) == 0;
		if (!ok)
			return VT_E_FOOTPRINT;
	}
	return VX_OK;
}

int vt_gate(const struct vt_policy *pol, const uint8_t *pkg, size_t n, struct vt_pkg *k,
	    struct vt_verdict *v)
{
	uint8_t id[32];
	memset(v, 0, sizeof(*v));
	int rc = vt_pkg_parse(k, pkg, n);
	if (rc != VX_OK)
		return rc;
	vt_vcid(k->payload.p, k->payload.n, id);
	if (k->payload.n != k->manifest.payload_size || memcmp(id, k->manifest.payload, 32) != 0)
		return VT_E_PAYLOAD;
	if (!k->has_claim)
		return VT_E_CLAIM_SIG;
	rc = vt_signed_verify(&k->claim, VT_CLAIM);
	if (rc != VX_OK)
		return rc;
	if (memcmp(k->claim.vcid, k->vcid, 32) != 0)
		return VT_E_CLAIM_VCID;
	rc = check_chain(pol, k, v);
	if (rc == VX_OK)
		rc = check_attest(pol, k, v);
	if (rc == VX_OK)
		rc = check_log(pol, k, v);
	if (rc == VX_OK)
		rc = check_footprint(pol, &k->manifest);
	return rc;
}
