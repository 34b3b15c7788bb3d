/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The .vpkg format and the install gate.  A valid package (fixture.h)
 * passes; then one field of one signed structure at a time is changed and
 * the gate must refuse with exactly the error this table names.  Every
 * check of the gate is also failed on its own, and every truncation of the
 * package is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"
#include "trust/terr.h"

static struct fixture F;
static struct vt_policy POL;
static struct vt_pkg K;

static int setup(void **state)
{
	(void)state;
	fx_build(&F);
	return fx_policy(&F, NULL, &POL);
}

static int gate(const uint8_t *p, size_t n, const struct vt_policy *pol)
{
	struct vt_verdict v;
	return vt_gate(pol, p, n, &K, &v);
}

static void test_good(void **state)
{
	(void)state;
	struct vt_verdict v;
	assert_int_equal(vt_gate(&POL, F.pkg, F.pkg_len, &K, &v), VX_OK);
	assert_string_equal(v.person, "alice");
	assert_int_equal(v.rebuilders, 3);
	assert_int_equal(v.witnesses, 2);
	assert_int_equal(v.log_index, 1);
	assert_int_equal(v.log_size, 3);
	assert_memory_equal(K.vcid, F.vcid, 32);
	assert_string_equal(K.manifest.name, "hello");
}

/* Where section `tag` (its `nth` occurrence) starts in the package body. */
static size_t section_at(uint8_t tag, int nth)
{
	size_t at = 8;
	while (at < F.pkg_len) {
		uint32_t n = vt_get32(F.pkg + at + 1);
		if (F.pkg[at] == tag && nth-- == 0)
			return at + 5;
		at += 5 + n;
	}
	fail_msg("no section %d", tag);
	return 0;
}

struct flip {
	const char *field;
	uint8_t tag; /* section: 1 manifest .. 6 proof, 0 the container */
	int nth;     /* which occurrence (attestations) */
	size_t off;  /* byte within the section body */
	uint8_t x;   /* xor mask */
	int want;
};

static void run(const struct flip *t, size_t n)
{
	static uint8_t buf[8192];
	int bad = 0;
	for (size_t i = 0; i < n; i++) {
		size_t at = t[i].tag ? section_at(t[i].tag, t[i].nth) + t[i].off : t[i].off;
		memcpy(buf, F.pkg, F.pkg_len);
		buf[at] ^= t[i].x;
		int got = gate(buf, F.pkg_len, &POL);
		if (got != t[i].want) {
			print_error("%s: got %s, want %s\n", t[i].field, vt_errname(got),
				    vt_errname(t[i].want));
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* Manifest "hello" "1.0", one dependency, footprint console, fs.read. */
static void test_tamper_manifest(void **state)
{
	(void)state;
	static const struct flip t[] = {
	    {"manifest magic", 1, 0, 0, 1, VT_E_MAGIC},
	    {"manifest version", 1, 0, 7, 2, VT_E_VERSION},
	    {"manifest name length", 1, 0, 8, 1, VT_E_FIELD},
	    {"manifest name", 1, 0, 9, 1, VT_E_CLAIM_VCID},
	    {"manifest name, a bad character", 1, 0, 9, 0x20, VT_E_FIELD},
	    {"manifest version length", 1, 0, 14, 4, VT_E_FIELD},
	    {"manifest version string", 1, 0, 17, 1, VT_E_CLAIM_VCID},
	    {"manifest payload VCID", 1, 0, 18, 1, VT_E_PAYLOAD},
	    {"manifest payload size", 1, 0, 57, 1, VT_E_PAYLOAD},
	    {"manifest dependency count", 1, 0, 58, 0x40, VT_E_FIELD},
	    {"manifest dependency", 1, 0, 70, 1, VT_E_CLAIM_VCID},
	    {"manifest footprint count", 1, 0, 91, 1, VT_E_TRUNCATED},
	    {"manifest capability length", 1, 0, 92, 0x7f, VT_E_FIELD},
	    {"manifest capability name", 1, 0, 95, 1, VT_E_CLAIM_VCID},
	    {"manifest capabilities out of order", 1, 0, 101, 0x07, VT_E_ORDER},
	};
	run(t, sizeof(t) / sizeof(t[0]));
}

static void test_tamper_payload(void **state)
{
	(void)state;
	static const struct flip t[] = {
	    {"payload first byte", 2, 0, 0, 1, VT_E_PAYLOAD},
	    {"payload last byte", 2, 0, 29, 0x80, VT_E_PAYLOAD},
	};
	run(t, sizeof(t) / sizeof(t[0]));
}

/* Claim: magic 0..7, signer 8..39, VCID 40..71, time 72..79, sig 80..143. */
static void test_tamper_claim(void **state)
{
	(void)state;
	static const struct flip t[] = {
	    {"claim magic", 3, 0, 2, 1, VT_E_MAGIC},
	    {"claim version", 3, 0, 6, 1, VT_E_VERSION},
	    {"claim signer", 3, 0, 8, 1, VT_E_CLAIM_SIG},
	    {"claim VCID", 3, 0, 40, 1, VT_E_CLAIM_SIG},
	    {"claim time", 3, 0, 79, 1, VT_E_CLAIM_SIG},
	    {"claim signature R", 3, 0, 80, 1, VT_E_CLAIM_SIG},
	    {"claim signature S", 3, 0, 143, 1, VT_E_CLAIM_SIG},
	};
	run(t, sizeof(t) / sizeof(t[0]));
}

/* Cert: magic, Person 8..39, Machine 40..71, issued 72..79, name length
 * 80, "laptop" 81..86, signature 87..150. */
static void test_tamper_cert(void **state)
{
	(void)state;
	static const struct flip t[] = {
	    {"cert magic", 4, 0, 0, 1, VT_E_MAGIC},
	    {"cert version", 4, 0, 7, 1, VT_E_VERSION},
	    {"cert Person key", 4, 0, 8, 1, VT_E_CERT_SIG},
	    {"cert Machine key", 4, 0, 40, 1, VT_E_CERT_SIG},
	    {"cert issued", 4, 0, 79, 1, VT_E_CERT_SIG},
	    {"cert name length", 4, 0, 80, 1, VT_E_TRUNCATED},
	    {"cert name", 4, 0, 81, 1, VT_E_CERT_SIG},
	    {"cert name, a bad character", 4, 0, 81, 0x20, VT_E_FIELD},
	    {"cert signature", 4, 0, 100, 1, VT_E_CERT_SIG},
	};
	run(t, sizeof(t) / sizeof(t[0]));
}

static void test_tamper_attest(void **state)
{
	(void)state;
	static const struct flip t[] = {
	    {"attestation magic", 5, 1, 0, 1, VT_E_MAGIC},
	    {"attestation version", 5, 1, 6, 1, VT_E_VERSION},
	    {"attestation signer", 5, 1, 39, 1, VT_E_ATTEST_SIG},
	    {"attestation VCID", 5, 1, 40, 1, VT_E_ATTEST_SIG},
	    {"attestation time", 5, 2, 75, 1, VT_E_ATTEST_SIG},
	    {"attestation signature", 5, 0, 120, 1, VT_E_ATTEST_SIG},
	};
	run(t, sizeof(t) / sizeof(t[0]));
}

/* Proof: magic, index 8..15, size 16..23, n 24, hashes, note length, note. */
static void test_tamper_proof(void **state)
{
	(void)state;
	size_t note = 25 + 32 * 2 + 2;
	const struct flip t[] = {
	    {"proof magic", 6, 0, 0, 1, VT_E_MAGIC},
	    {"proof version", 6, 0, 7, 1, VT_E_VERSION},
	    {"proof leaf index", 6, 0, 15, 1, VT_E_INCLUSION},
	    {"proof tree size", 6, 0, 23, 1, VT_E_INCLUSION},
	    {"proof hash count", 6, 0, 24, 1, VT_E_FIELD},
	    {"proof hash count beyond 64", 6, 0, 24, 0x80, VT_E_FIELD},
	    {"proof first hash", 6, 0, 25, 1, VT_E_INCLUSION},
	    {"proof second hash", 6, 0, 25 + 32 + 31, 1, VT_E_INCLUSION},
	    {"proof note length, shorter", 6, 0, note - 1, 1, VT_E_TRAILING},
	    {"proof note length, longer", 6, 0, note - 2, 0x10, VT_E_TRUNCATED},
	    {"proof note length, beyond the limit", 6, 0, note - 2, 0x40, VT_E_FIELD},
	    {"checkpoint origin", 6, 0, note + 0, 1, VT_E_NOTE_SIG},
	    {"checkpoint size", 6, 0, note + 19, 1, VT_E_NOTE_SIG},
	    {"checkpoint root", 6, 0, note + 22, 1, VT_E_NOTE_SIG},
	    {"checkpoint blank line", 6, 0, note + 65, 0x20, VT_E_NOTE},
	    {"operator signature", 6, 0, note + 66 + 4 + 19 + 1 + 40, 1, VT_E_NOTE_SIG},
	    {"operator signature line dash", 6, 0, note + 66, 1, VT_E_NOTE},
	    {"checkpoint with a control character", 6, 0, note + 5, 0x60, VT_E_NOTE},
	};
	run(t, sizeof(t) / sizeof(t[0]));
}

static void test_tamper_container(void **state)
{
	(void)state;
	static const struct flip t[] = {
	    {"package magic", 0, 0, 0, 1, VT_E_MAGIC},
	    {"package version", 0, 0, 7, 1, VT_E_VERSION},
	    {"section tag unknown", 0, 0, 8, 0x40, VT_E_FIELD},
	    {"section tags out of order", 0, 0, 8, 3, VT_E_ORDER},
	    {"section length, longer", 0, 0, 12, 1, VT_E_TRAILING},
	    {"section length, huge", 0, 0, 9, 1, VT_E_TRUNCATED},
	};
	run(t, sizeof(t) / sizeof(t[0]));
}

/* Every cut of the package is refused, with a decoding or gate error. */
static void test_truncations(void **state)
{
	(void)state;
	for (size_t n = 0; n < F.pkg_len; n++) {
		int got = gate(F.pkg, n, &POL);
		assert_true(got <= VT_E_TRUNCATED && got >= VT_E_LAST);
	}
	assert_int_equal(gate(F.pkg, 7, &POL), VT_E_TRUNCATED);
	assert_int_equal(gate(F.pkg, F.pkg_len - 1, &POL), VT_E_TRUNCATED);
	uint8_t more[8192];
	memcpy(more, F.pkg, F.pkg_len);
	more[F.pkg_len] = 9;
	assert_int_equal(gate(more, F.pkg_len + 1, &POL), VT_E_TRUNCATED);
}

/* Each check of the gate, failed alone. */
static void test_gate_each_check(void **state)
{
	(void)state;
	struct vt_policy p;
	uint8_t buf[8192], other[32], seed[32];
	struct vt_signed s;
	size_t n;

	p = POL;
	p.persons[0].pk[0] ^= 1;
	assert_int_equal(gate(F.pkg, F.pkg_len, &p), VT_E_UNKNOWN_PERSON);
	p = POL;
	p.rebuilders_needed = 4;
	assert_int_equal(gate(F.pkg, F.pkg_len, &p), VT_E_REBUILDERS);
	p = POL;
	p.nrebuilders = 2;
	assert_int_equal(gate(F.pkg, F.pkg_len, &p), VT_E_REBUILDERS);
	p = POL;
	p.witness_quorum = 3;
	assert_int_equal(gate(F.pkg, F.pkg_len, &p), VT_E_WITNESSES);
	p = POL;
	p.logs[0] = F.w[2];
	assert_int_equal(gate(F.pkg, F.pkg_len, &p), VT_E_UNKNOWN_LOG);
	p = POL;
	p.nallow = 1;
	assert_int_equal(gate(F.pkg, F.pkg_len, &p), VT_E_FOOTPRINT);
	n = fx_pack(&F, 0, buf, sizeof(buf));
	assert_int_equal(gate(buf, n, &POL), VT_E_NO_PROOF);

	/* A claim validly signed over another manifest. */
	struct fixture g = F;
	memset(other, 0x5a, 32);
	vt_signed_make(&s, VT_CLAIM, g.machine_seed, other, 1500, g.claim);
	n = fx_pack(&g, 1, buf, sizeof(buf));
	assert_int_equal(gate(buf, n, &POL), VT_E_CLAIM_VCID);
	/* A claim by a Machine the certificate does not name. */
	g = F;
	fx_seed(seed, 42);
	vt_signed_make(&s, VT_CLAIM, seed, g.vcid, 1500, g.claim);
	n = fx_pack(&g, 1, buf, sizeof(buf));
	assert_int_equal(gate(buf, n, &POL), VT_E_CHAIN);
	/* An attestation validly signed for another package. */
	g = F;
	vt_signed_make(&s, VT_ATTEST, g.reb_seed[0], other, 1600, g.attest[0]);
	fx_sort(&g);
	n = fx_pack(&g, 1, buf, sizeof(buf));
	assert_int_equal(gate(buf, n, &POL), VT_E_ATTEST_VCID);
	/* Attestations out of order, or twice by one rebuilder. */
	g = F;
	memcpy(g.attest[0], F.attest[1], VT_SIGNED_BYTES);
	memcpy(g.attest[1], F.attest[0], VT_SIGNED_BYTES);
	n = fx_pack(&g, 1, buf, sizeof(buf));
	assert_int_equal(n, 0); /* the encoder refuses too */
	struct vt_pkg k;
	assert_int_equal(vt_pkg_parse(&k, F.pkg, F.pkg_len), VX_OK);
	k.attest_raw[1] = k.attest_raw[0];
	assert_int_equal(vt_pkg_encode(&k, buf, sizeof(buf)), VT_E_ORDER);
}

/* Revoke the fixture's Machine with r; the gate's answer under that policy. */
static int gate_revoked(struct vt_revoke *r, const uint8_t person_seed[32])
{
	struct vt_policy p;
	uint8_t raw[VT_REVOKE_MAX];
	char line[2 * VT_REVOKE_MAX + 16];
	memcpy(r->machine, F.machine_pk, 32);
	int n = vt_revoke_sign(r, person_seed, raw, sizeof(raw));
	assert_true(n > 0);
	memcpy(line, "revoked ", 8);
	vt_hex(line + 8, raw, (size_t)n);
	strcat(line, "\n");
	assert_int_equal(fx_policy(&F, line, &p), VX_OK);
	return gate(F.pkg, F.pkg_len, &p);
}

/* Revocation by time: effective after the claim passes, at or before refuses. */
static void test_revocation(void **state)
{
	(void)state;
	struct vt_revoke r;
	uint8_t seed[32];
	memset(&r, 0, sizeof(r));
	r.effective = 1501;
	assert_int_equal(gate_revoked(&r, F.person_seed), VX_OK);
	r.effective = 1500;
	assert_int_equal(gate_revoked(&r, F.person_seed), VT_E_REVOKED);
	/* A revocation by another Person does not apply. */
	fx_seed(seed, 99);
	assert_int_equal(gate_revoked(&r, seed), VX_OK);
}

/* Revocation by log position: the claim is entry 1 of FX_ORIGIN, and a
 * back-dated claim cannot move it. */
static void test_revocation_by_log(void **state)
{
	(void)state;
	struct vt_revoke r;
	memset(&r, 0, sizeof(r));
	r.effective = UINT64_MAX;
	r.originlen = (uint8_t)strlen(FX_ORIGIN);
	memcpy(r.origin, FX_ORIGIN, r.originlen);
	r.log_size = 2;
	assert_int_equal(gate_revoked(&r, F.person_seed), VX_OK);
	r.log_size = 1;
	assert_int_equal(gate_revoked(&r, F.person_seed), VT_E_REVOKED);
	r.log_size = 0;
	assert_int_equal(gate_revoked(&r, F.person_seed), VT_E_REVOKED);
	/* Bound to another log, it says nothing about this one. */
	memcpy(r.origin, "other.example/log", 17);
	r.originlen = 17;
	assert_int_equal(gate_revoked(&r, F.person_seed), VX_OK);
}

/* Policy lines: each bad one is refused and named by its line number. */
static void test_policy_lines(void **state)
{
	(void)state;
	static const char *bad[] = {
	    "frobnicate\n",
	    "person alice 00\n",
	    "person Alice 0000000000000000000000000000000000000000000000000000000000000000\n",
	    "rebuilders -1\n",
	    "rebuilders 01\n",
	    "witnesses 1001\n",
	    "allow BAD\n",
	    "allow a b\n",
	    "log nonsense\n",
	    "witness x+00000000+AQ==\n",
	    "revoked 00\n",
	    "allow console\x01\n",
	    "person a b c d e\n",
	};
	struct vt_policy p;
	size_t line;
	char text[512];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int n = snprintf(text, sizeof(text), "# ok\n\nallow x\n%s", bad[i]);
		assert_int_equal(vt_policy_parse(&p, text, (size_t)n, &line), VT_E_POLICY);
		assert_int_equal(line, 4);
	}
	assert_int_equal(vt_policy_parse(&p, "", 0, &line), VX_OK);
	assert_int_equal(p.rebuilders_needed, 3);
	assert_int_equal(vt_policy_parse(&p, "  # only a comment", 18, &line), VX_OK);
}

/* The manifest encoder keeps one canonical order and refuses repeats. */
static void test_manifest_canonical(void **state)
{
	(void)state;
	struct vt_manifest m;
	uint8_t a[VT_MANIFEST_MAX], b[VT_MANIFEST_MAX];
	assert_int_equal(vt_manifest_parse(&m, F.manifest, F.manifest_len), VX_OK);
	struct vt_cap t = m.foot[0];
	m.foot[0] = m.foot[1];
	m.foot[1] = t;
	assert_int_equal(vt_manifest_encode(&m, a, sizeof(a)), VT_E_ORDER);
	assert_int_equal(vt_manifest_sort(&m), VX_OK);
	int n = vt_manifest_encode(&m, a, sizeof(a));
	assert_int_equal(n, (int)F.manifest_len);
	assert_memory_equal(a, F.manifest, F.manifest_len);
	m.foot[1] = m.foot[0];
	assert_int_equal(vt_manifest_sort(&m), VT_E_ORDER);
	assert_int_equal(vt_manifest_encode(&m, b, 10), VT_E_ORDER);
	assert_int_equal(vt_manifest_parse(&m, F.manifest, F.manifest_len), VX_OK);
	assert_int_equal(vt_manifest_encode(&m, b, 10), VT_E_TOOBIG);
}

/* VCID text form: stable, exact, lowercase. */
static void test_vcid_text(void **state)
{
	(void)state;
	char t[VT_VCID_TEXT + 1];
	uint8_t id[32], back[32];
	vt_vcid("", 0, id);
	vt_vcid_fmt(t, id);
	assert_string_equal(
	    t, "vcid1-e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_int_equal(vt_vcid_parse(back, t, strlen(t)), VX_OK);
	assert_memory_equal(back, id, 32);
	t[10] = 'B';
	assert_int_equal(vt_vcid_parse(back, t, strlen(t)), VT_E_FIELD);
	assert_int_equal(vt_vcid_parse(back, t, 69), VT_E_FIELD);
	assert_int_equal(vt_vcid_parse(back, "vcid2-e3", 8), VT_E_FIELD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good),	   cmocka_unit_test(test_tamper_manifest),
	    cmocka_unit_test(test_tamper_payload), cmocka_unit_test(test_tamper_claim),
	    cmocka_unit_test(test_tamper_cert),	   cmocka_unit_test(test_tamper_attest),
	    cmocka_unit_test(test_tamper_proof),   cmocka_unit_test(test_tamper_container),
	    cmocka_unit_test(test_truncations),	   cmocka_unit_test(test_gate_each_check),
	    cmocka_unit_test(test_revocation),	   cmocka_unit_test(test_revocation_by_log),
	    cmocka_unit_test(test_policy_lines),   cmocka_unit_test(test_manifest_canonical),
	    cmocka_unit_test(test_vcid_text),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
