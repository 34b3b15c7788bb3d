/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Signed notes, note keys and checkpoints: the syntax rules of C2SP
 * signed-note as Go's sumdb/note applies them (the Go oracle checks the
 * same formats against Go itself), each refusal with its error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <vectra/abi.h>

#include "trust/codec.h"
#include "trust/merkle.h"
#include "trust/note.h"
#include "trust/terr.h"

static struct vt_notekey op, wit;
static uint8_t op_seed[32], wit_seed[32];
static char text[] = "log.example/vectra\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";

static int setup(void **state)
{
	(void)state;
	memset(op_seed, 1, 32);
	memset(wit_seed, 2, 32);
	vt_notekey_from_seed(&op, "log.example/vectra", 18, op_seed);
	vt_notekey_from_seed(&wit, "witness", 7, wit_seed);
	return 0;
}

/* text, blank line, then the given signature lines. */
static size_t make(char *out, int nsig)
{
	size_t n = strlen(text);
	memcpy(out, text, n);
	out[n++] = '\n';
	if (nsig >= 1)
		n += vt_note_sign(out + n, &op, op_seed, text, strlen(text));
	if (nsig >= 2)
		n += vt_note_sign(out + n, &wit, wit_seed, text, strlen(text));
	return n;
}

static int verify(const char *note, size_t n, uint32_t *signers)
{
	struct vt_notekey keys[2] = {op, wit};
	size_t textlen;
	return vt_note_verify((const uint8_t *)note, n, keys, 2, &textlen, signers);
}

static void test_good_and_signers(void **state)
{
	(void)state;
	char note[1024];
	uint32_t s;
	size_t n = make(note, 2), textlen;
	assert_int_equal(verify(note, n, &s), VX_OK);
	assert_int_equal(s, 3);
	/* Unknown keys are skipped, not errors. */
	assert_int_equal(vt_note_verify((const uint8_t *)note, n, &wit, 1, &textlen, &s), VX_OK);
	assert_int_equal(s, 1);
	assert_int_equal(textlen, strlen(text));
	struct vt_checkpoint cp;
	assert_int_equal(vt_checkpoint_parse(&cp, (const uint8_t *)note, textlen), VX_OK);
	assert_int_equal(cp.size, 3);
	assert_string_equal(cp.origin, "log.example/vectra");
}

static void test_syntax_errors(void **state)
{
	(void)state;
	char note[1024], bad[1024];
	uint32_t s;
	size_t n = make(note, 1);
	/* No blank line before the signatures. */
	memcpy(bad, note, n);
	bad[strlen(text)] = 'x';
	assert_int_equal(verify(bad, n, &s), VT_E_NOTE);
	/* No final newline. */
	assert_int_equal(verify(note, n - 1, &s), VT_E_NOTE);
	/* No signature at all. */
	assert_int_equal(verify(note, strlen(text) + 1, &s), VT_E_NOTE);
	/* A control character, and invalid UTF-8. */
	memcpy(bad, note, n);
	bad[3] = '\t';
	assert_int_equal(verify(bad, n, &s), VT_E_NOTE);
	bad[3] = (char)0xff;
	assert_int_equal(verify(bad, n, &s), VT_E_NOTE);
	bad[3] = (char)0xc0; /* overlong */
	bad[4] = (char)0x80;
	assert_int_equal(verify(bad, n, &s), VT_E_NOTE);
	/* A signature line without the em dash, or with a bad name. */
	memcpy(bad, note, n);
	bad[strlen(text) + 1] = '-';
	assert_int_equal(verify(bad, n, &s), VT_E_NOTE);
	/* Too large. */
	static char big[VT_NOTE_MAX + 2];
	memset(big, 'a', sizeof(big));
	assert_int_equal(verify(big, sizeof(big), &s), VT_E_TOOBIG);
}

static void test_signature_errors(void **state)
{
	(void)state;
	char note[1024];
	uint32_t s;
	size_t n = make(note, 2);
	note[0] ^= 1; /* the text changed under both signatures */
	assert_int_equal(verify(note, n, &s), VT_E_NOTE_SIG);
	note[0] ^= 1;
	/* A short signature by a known key. */
	make(note, 1);
	char line[200];
	int ln = snprintf(line, sizeof(line), "\xe2\x80\x94 log.example/vectra ");
	uint8_t raw[8];
	char b64[16];
	uint32_t id = op.id;
	raw[0] = (uint8_t)(id >> 24);
	raw[1] = (uint8_t)(id >> 16);
	raw[2] = (uint8_t)(id >> 8);
	raw[3] = (uint8_t)id;
	memset(raw + 4, 0, 4);
	vt_b64(b64, raw, 8);
	ln += snprintf(line + ln, sizeof(line) - (size_t)ln, "%s\n", b64);
	memcpy(note + strlen(text) + 1, line, (size_t)ln);
	assert_int_equal(verify(note, strlen(text) + 1 + (size_t)ln, &s), VT_E_NOTE_SIG);
}

static void test_too_many_signatures(void **state)
{
	(void)state;
	static char note[VT_NOTE_MAX];
	uint32_t s;
	size_t n = strlen(text);
	memcpy(note, text, n);
	note[n++] = '\n';
	for (int i = 0; i < 101 && n + 80 < sizeof(note); i++)
		n += (size_t)snprintf(note + n, sizeof(note) - n, "\xe2\x80\x94 x%d AAAAAAAA\n", i);
	assert_int_equal(verify(note, n, &s), VT_E_NOTE);
}

static void test_keys(void **state)
{
	(void)state;
	char v[VT_VKEY_MAX + 1], sk[VT_SKEY_MAX + 1];
	struct vt_notekey k;
	uint8_t seed[32];
	size_t vn = vt_vkey_fmt(&op, v), sn = vt_skey_fmt(&op, op_seed, sk);
	assert_int_equal(vt_vkey_parse(&k, v, vn), VX_OK);
	assert_memory_equal(k.pk, op.pk, 32);
	assert_int_equal(k.id, op.id);
	assert_int_equal(vt_skey_parse(&k, seed, sk, sn), VX_OK);
	assert_memory_equal(seed, op_seed, 32);
	assert_int_equal(vt_skey_parse(&k, seed, v, vn), VT_E_FIELD);
	v[vn - 5] ^= 1; /* the key no longer matches its id */
	assert_int_equal(vt_vkey_parse(&k, v, vn), VT_E_FIELD);
	v[vn - 5] ^= 1;
	v[19] = 'G'; /* the id is not hex */
	assert_int_equal(vt_vkey_parse(&k, v, vn), VT_E_FIELD);
	assert_int_equal(vt_notekey_from_seed(&k, "a b", 3, seed), VT_E_FIELD);
	assert_int_equal(vt_notekey_from_seed(&k, "a+b", 3, seed), VT_E_FIELD);
	assert_int_equal(vt_notekey_from_seed(&k, "", 0, seed), VT_E_FIELD);
}

static void test_checkpoints(void **state)
{
	(void)state;
	static const struct {
		const char *t;
		int want;
	} c[] = {
	    {"o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", VX_OK},
	    {"o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\next\n", VX_OK},
	    {"o\n01\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", VT_E_NOTE},
	    {"o\n-1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", VT_E_NOTE},
	    {"o\n1\nAAAA\n", VT_E_NOTE},
	    {"\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", VT_E_NOTE},
	    {"o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n", VT_E_NOTE},
	    {"o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", VT_E_NOTE},
	    {"o\n1\n", VT_E_NOTE},
	};
	struct vt_checkpoint cp;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		assert_int_equal(vt_checkpoint_parse(&cp, (const uint8_t *)c[i].t, strlen(c[i].t)),
				 c[i].want);
}

/* The witness's add-checkpoint body. */
static void test_add_checkpoint_body(void **state)
{
	(void)state;
	uint8_t path[VT_PROOF_MAX][32];
	uint64_t old;
	size_t np, at;
	static const char good[] = "old 4\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\nnote\n";
	assert_int_equal(vt_addcp_parse((const uint8_t *)good, strlen(good), &old, path, &np, &at),
			 VX_OK);
	assert_int_equal(old, 4);
	assert_int_equal(np, 1);
	assert_string_equal(good + at, "note\n");
	static const char *bad[] = {
	    "old 04\n\nnote\n",	     "old\n\nnote\n", "new 4\n\nnote\n",
	    "old 4\nAAAA\n\nnote\n", "old 4\nnote\n", "old 4",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(
		    vt_addcp_parse((const uint8_t *)bad[i], strlen(bad[i]), &old, path, &np, &at),
		    VT_E_NOTE);
	static char many[65 * 46 + 32];
	size_t n = (size_t)snprintf(many, sizeof(many), "old 1\n");
	for (int i = 0; i < 65; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n,
				      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
	many[n++] = '\n';
	assert_int_equal(vt_addcp_parse((const uint8_t *)many, n, &old, path, &np, &at),
			 VT_E_TOOBIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good_and_signers),
	    cmocka_unit_test(test_syntax_errors),
	    cmocka_unit_test(test_signature_errors),
	    cmocka_unit_test(test_too_many_signatures),
	    cmocka_unit_test(test_keys),
	    cmocka_unit_test(test_add_checkpoint_body),
	    cmocka_unit_test(test_checkpoints),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
