/* SPDX-License-Identifier: BSD-3-Clause */
/* vectra pkg ...: build, sign, attest, prove, inspect and verify packages. */
#define _DEFAULT_SOURCE /* fsync, O_DIRECTORY, sockets under -std=c11 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vectra/abi.h>

#include "crypto/ct.h"
#include "trust/codec.h"
#include "trust/policy.h"
#include "trust/terr.h"
#include "trust/vcid.h"
#include "trust/vpkg.h"
#include "vectra.h"

#define PKG_MAX (VT_PAYLOAD_MAX + (1u << 20))

/* Load and parse a package; *raw must be freed after k is done with. */
static int pkg_load(const char *path, uint8_t **raw, struct vt_pkg *k)
{
	size_t n;
	int rc = load(path, raw, &n, PKG_MAX);
	if (rc)
		return rc;
	rc = vt_pkg_parse(k, *raw, n);
	if (rc) {
		free(*raw);
		return fail(rc, path);
	}
	return 0;
}

static int pkg_save(const char *path, const struct vt_pkg *k)
{
	int n;
	size_t cap = k->manifest_raw.n + k->payload.n + k->claim_raw.n + k->cert_raw.n +
		     k->proof_raw.n + k->nattest * (VT_SIGNED_BYTES + 5) + 64;
	uint8_t *out = malloc(cap);
	if (!out)
		return fail(VX_E_NOMEM, path);
	n = vt_pkg_encode(k, out, cap);
	int rc = n < 0 ? fail(n, path) : save(path, out, (size_t)n, 0644);
	free(out);
	return rc;
}

static int pkg_build(const struct args *a)
{
	const char *name = opt(a, "--name"), *ver = opt(a, "--version");
	const char *payload = opt(a, "--payload"), *out = opt(a, "--out"), *s;
	uint8_t man[VT_MANIFEST_MAX], *pay;
	size_t plen;
	struct vt_manifest m;
	struct vt_pkg k;
	if (!name || !ver || !payload || !out)
		return usage("pkg build --name N --version V --payload F [--dep VCID]... "
			     "[--cap CAP]... --out PKG");
	memset(&m, 0, sizeof(m));
	memset(&k, 0, sizeof(k));
	if (strlen(name) > VT_NAME_MAX || strlen(ver) > VT_NAME_MAX)
		return fail(VT_E_FIELD, "name or version");
	m.namelen = (uint8_t)strlen(name);
	memcpy(m.name, name, m.namelen);
	m.verlen = (uint8_t)strlen(ver);
	memcpy(m.version, ver, m.verlen);
	for (int i = 0; (s = opt_nth(a, "--dep", i)); i++) {
		if (m.ndeps == VT_DEPS_MAX || vt_vcid_parse(m.deps[m.ndeps++], s, strlen(s)))
			return fail(VT_E_FIELD, s);
	}
	for (int i = 0; (s = opt_nth(a, "--cap", i)); i++) {
		size_t n = strlen(s);
		if (m.nfoot == VT_FOOT_MAX || !vt_cap_ok(s, n))
			return fail(VT_E_FIELD, s);
		m.foot[m.nfoot].len = (uint8_t)n;
		memcpy(m.foot[m.nfoot++].s, s, n);
	}
	int rc = vt_manifest_sort(&m);
	if (rc)
		return fail(rc, "a dependency or capability is given twice");
	if ((rc = load(payload, &pay, &plen, VT_PAYLOAD_MAX)))
		return rc;
	vt_vcid(pay, plen, m.payload);
	m.payload_size = plen;
	int n = vt_manifest_encode(&m, man, sizeof(man));
	if (n < 0) {
		free(pay);
		return fail(n, "manifest");
	}
	k.manifest_raw = (struct vt_bytes){man, (size_t)n};
	k.payload = (struct vt_bytes){pay, plen};
	rc = pkg_save(out, &k);
	if (rc == 0) {
		char text[VT_VCID_TEXT + 1];
		vt_vcid(man, (size_t)n, m.payload);
		vt_vcid_fmt(text, m.payload);
		printf("%s\n", text);
	}
	free(pay);
	return rc;
}

static int pkg_sign(const struct args *a)
{
	const char *path = pos(a, 1), *key = opt(a, "--key"), *cert = opt(a, "--cert");
	uint8_t *raw, *cbuf, seed[32], pk[32], claim[VT_SIGNED_BYTES];
	size_t clen;
	uint64_t t;
	struct vt_pkg k;
	struct vt_cert c;
	if (!path || !key || !cert)
		return usage("pkg sign PKG --key KEY --cert CERT [--time T]");
	int rc = load(cert, &cbuf, &clen, 4096);
	if (rc)
		return rc;
	if ((rc = vt_cert_parse(&c, cbuf, clen))) {
		free(cbuf);
		return fail(rc, cert);
	}
	if ((rc = when(a, &t)) || (rc = pkg_load(path, &raw, &k))) {
		free(cbuf);
		return rc;
	}
	if ((rc = machine_seed(key, seed, pk)) == 0) {
		if (memcmp(pk, c.machine, 32) != 0) {
			rc = fail(VT_E_CHAIN, "the certificate is for another Machine");
		} else {
			vt_signed_make(&k.claim, VT_CLAIM, seed, k.vcid, t, claim);
			k.claim_raw = (struct vt_bytes){claim, sizeof(claim)};
			k.cert_raw = (struct vt_bytes){cbuf, clen};
			k.has_claim = k.has_cert = 1;
			k.has_proof = 0; /* a new claim needs a new log entry */
			rc = pkg_save(path, &k);
		}
	}
	vx_wipe(seed, sizeof(seed));
	free(raw);
	free(cbuf);
	return rc;
}

static int pkg_attest(const struct args *a)
{
	const char *path = pos(a, 1), *key = opt(a, "--key"), *payload = opt(a, "--payload");
	uint8_t *raw, *pay, seed[32], pk[32], id[32], att[VT_SIGNED_BYTES];
	size_t plen;
	uint64_t t;
	struct vt_pkg k;
	struct vt_signed s;
	if (!path || !key || !payload)
		return usage("pkg attest PKG --key KEY --payload REBUILT [--time T]");
	int rc = when(a, &t);
	if (rc || (rc = pkg_load(path, &raw, &k)))
		return rc;
	if ((rc = load(payload, &pay, &plen, VT_PAYLOAD_MAX))) {
		free(raw);
		return rc;
	}
	vt_vcid(pay, plen, id);
	free(pay);
	if (memcmp(id, k.manifest.payload, 32) != 0 || plen != k.manifest.payload_size) {
		free(raw);
		return fail(VT_E_PAYLOAD, "the rebuilt payload differs; not attesting");
	}
	if ((rc = machine_seed(key, seed, pk)) == 0) {
		vt_signed_make(&s, VT_ATTEST, seed, k.vcid, t, att);
		/* Insert in key order, replacing this rebuilder's earlier attestation. */
		size_t i = 0;
		while (i < k.nattest && memcmp(k.attest_raw[i].p + 8, pk, 32) < 0)
			i++;
		if (i < k.nattest && memcmp(k.attest_raw[i].p + 8, pk, 32) == 0) {
			k.attest_raw[i] = (struct vt_bytes){att, sizeof(att)};
		} else if (k.nattest == VT_ATTEST_MAX) {
			rc = fail(VT_E_FIELD, "too many attestations");
		} else {
			memmove(&k.attest_raw[i + 1], &k.attest_raw[i],
				(k.nattest - i) * sizeof(k.attest_raw[0]));
			k.attest_raw[i] = (struct vt_bytes){att, sizeof(att)};
			k.nattest++;
		}
		if (rc == 0)
			rc = pkg_save(path, &k);
	}
	vx_wipe(seed, sizeof(seed));
	free(raw);
	return rc;
}

/* Parse "hex\n" lines into path; returns the count or -1. */
static int hex_lines(const uint8_t *b, size_t n, uint8_t path[VT_PROOF_MAX][32])
{
	int np = 0;
	size_t at = 0;
	while (at < n) {
		if (np == VT_PROOF_MAX || n - at < 65 || b[at + 64] != '\n' ||
		    vt_unhex(path[np], 32, (const char *)b + at, 64))
			return -1;
		np++;
		at += 65;
	}
	return np;
}

static int pkg_prove(const struct args *a)
{
	const char *path = pos(a, 1), *url = opt(a, "--url"), *cpf = opt(a, "--checkpoint");
	uint8_t *raw, *note, *resp, leaf[32];
	size_t nlen, rlen, textlen;
	uint32_t signers;
	int status;
	char hex[65], q[160];
	struct vt_pkg k;
	struct vt_checkpoint cp;
	if (!path || !url || !cpf)
		return usage("pkg prove PKG --url URL --checkpoint CP");
	int rc = pkg_load(path, &raw, &k);
	if (rc)
		return rc;
	if (!k.has_claim) {
		free(raw);
		return fail(VT_E_CLAIM_SIG, "sign the package first");
	}
	if ((rc = load(cpf, &note, &nlen, VT_NOTE_MAX))) {
		free(raw);
		return rc;
	}
	rc = vt_note_verify(note, nlen, NULL, 0, &textlen, &signers);
	if (rc == 0)
		rc = vt_checkpoint_parse(&cp, note, textlen);
	if (rc) {
		rc = fail(rc, cpf);
		goto out;
	}
	vt_leaf_hash(k.claim_raw.p, k.claim_raw.n, leaf);
	vt_hex(hex, leaf, 32);
	snprintf(q, sizeof(q), "/lookup?leaf=%s", hex);
	rc = http_call(url, "GET", q, NULL, 0, &status, &resp, &rlen);
	if (rc)
		goto out;
	uint64_t index;
	if (status != 200 || rlen < 2 || vt_parse_u64((char *)resp, rlen - 1, &index)) {
		fprintf(stderr, "vectra: the log does not hold this package's claim\n");
		free(resp);
		rc = fail(VT_E_NO_PROOF, path);
		goto out;
	}
	free(resp);
	snprintf(q, sizeof(q), "/proof/inclusion?index=%llu&size=%llu", (unsigned long long)index,
		 (unsigned long long)cp.size);
	if ((rc = http_call(url, "GET", q, NULL, 0, &status, &resp, &rlen)))
		goto out;
	int np = status == 200 ? hex_lines(resp, rlen, k.proof.path) : -1;
	free(resp);
	if (np < 0) {
		rc = fail(VT_E_NO_PROOF, "the log gave no inclusion proof");
		goto out;
	}
	k.proof.index = index;
	k.proof.size = cp.size;
	k.proof.npath = (uint8_t)np;
	k.proof.note = note;
	k.proof.notelen = (uint16_t)nlen;
	uint8_t pbuf[16 + 8 + 1 + 32 * VT_PROOF_MAX + 2 + VT_NOTE_MAX + 8];
	int pn = vt_proof_encode(&k.proof, pbuf, sizeof(pbuf));
	if (pn < 0) {
		rc = fail(pn, "proof");
		goto out;
	}
	k.proof_raw = (struct vt_bytes){pbuf, (size_t)pn};
	k.has_proof = 1;
	rc = pkg_save(path, &k);
out:
	free(note);
	free(raw);
	return rc;
}

static int pkg_info(const struct args *a)
{
	uint8_t *raw;
	struct vt_pkg k;
	char t[VT_VCID_TEXT + 1], hex[65];
	if (!pos(a, 1))
		return usage("pkg info PKG");
	int rc = pkg_load(pos(a, 1), &raw, &k);
	if (rc)
		return rc;
	vt_vcid_fmt(t, k.vcid);
	printf("vcid %s\nname %s\nversion %s\n", t, k.manifest.name, k.manifest.version);
	vt_vcid_fmt(t, k.manifest.payload);
	printf("payload %s %llu\n", t, (unsigned long long)k.manifest.payload_size);
	for (size_t i = 0; i < k.manifest.ndeps; i++) {
		vt_vcid_fmt(t, k.manifest.deps[i]);
		printf("dep %s\n", t);
	}
	for (size_t i = 0; i < k.manifest.nfoot; i++)
		printf("cap %s\n", k.manifest.foot[i].s);
	if (k.has_claim) {
		vt_hex(hex, k.claim.signer, 32);
		printf("signer %s %llu\n", hex, (unsigned long long)k.claim.time);
	}
	if (k.has_cert) {
		vt_hex(hex, k.cert.person, 32);
		printf("person %s machine %s\n", hex, k.cert.name);
	}
	for (size_t i = 0; i < k.nattest; i++) {
		vt_hex(hex, k.attest[i].signer, 32);
		printf("attested-by %s\n", hex);
	}
	if (k.has_proof)
		printf("log-proof %llu of %llu\n", (unsigned long long)k.proof.index,
		       (unsigned long long)k.proof.size);
	free(raw);
	return 0;
}

static int pkg_verify(const struct args *a)
{
	const char *path = pos(a, 1), *polf = opt(a, "--policy");
	uint8_t *raw, *ptext;
	size_t n, plen, line;
	struct vt_policy *pol = malloc(sizeof(*pol));
	struct vt_pkg *k = malloc(sizeof(*k));
	struct vt_verdict v;
	char t[VT_VCID_TEXT + 1];
	int rc = EXIT_USAGE;
	if (!path || !polf || !pol || !k) {
		usage("pkg verify PKG --policy POLICY");
		goto out;
	}
	if ((rc = load(polf, &ptext, &plen, VT_POLICY_MAX)))
		goto out;
	rc = vt_policy_parse(pol, (const char *)ptext, plen, &line);
	free(ptext);
	if (rc) {
		char what[4200];
		snprintf(what, sizeof(what), "%s line %zu", polf, line);
		rc = fail(rc, what);
		goto out;
	}
	if ((rc = load(path, &raw, &n, PKG_MAX)))
		goto out;
	rc = vt_gate(pol, raw, n, k, &v);
	if (rc == 0) {
		vt_vcid_fmt(t, k->vcid);
		printf("ok %s %s %s person=%s rebuilders=%zu witnesses=%zu log=%llu/%llu\n",
		       k->manifest.name, k->manifest.version, t, v.person, v.rebuilders,
		       v.witnesses, (unsigned long long)v.log_index,
		       (unsigned long long)v.log_size);
	} else {
		rc = fail(rc, path);
	}
	free(raw);
out:
	free(pol);
	free(k);
	return rc;
}

int cmd_pkg(const struct args *a)
{
	const char *sub = pos(a, 0);
	if (!sub)
		return usage("pkg build|sign|attest|prove|info|verify ...");
	if (strcmp(sub, "build") == 0)
		return pkg_build(a);
	if (strcmp(sub, "sign") == 0)
		return pkg_sign(a);
	if (strcmp(sub, "attest") == 0)
		return pkg_attest(a);
	if (strcmp(sub, "prove") == 0)
		return pkg_prove(a);
	if (strcmp(sub, "info") == 0)
		return pkg_info(a);
	if (strcmp(sub, "verify") == 0)
		return pkg_verify(a);
	return usage("pkg build|sign|attest|prove|info|verify ...");
}
