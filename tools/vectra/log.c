/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vectra log ...: keys, the client side of the log, the witness and gossip.
 *
 * The witness keeps one state file: the last checkpoint note it cosigned,
 * written durably before the cosignature is printed.  From it, it refuses a
 * smaller tree (VT_E_ROLLBACK), a different root at the same size
 * (VT_E_SPLIT_VIEW) and a larger tree without a valid consistency proof
 * (VT_E_CONSISTENCY), so it never cosigns two roots for one size, across
 * restarts too.  Gossip compares two checkpoints of one log and prints both
 * as evidence when they cannot both be true.
 */
#define _DEFAULT_SOURCE /* fsync, O_DIRECTORY, sockets under -std=c11 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vectra/abi.h>

#include "crypto/ct.h"
#include "trust/codec.h"
#include "trust/merkle.h"
#include "trust/note.h"
#include "trust/terr.h"
#include "trust/vpkg.h"
#include "vectra.h"

static int log_keygen(const struct args *a)
{
	const char *name = pos(a, 1), *prefix = opt(a, "--out");
	uint8_t seed[32];
	struct vt_notekey k;
	char s[VT_SKEY_MAX + 2], v[VT_VKEY_MAX + 2], path[4096];
	if (!name || !prefix)
		return usage("log keygen NAME --out PREFIX");
	int rc = high_random(seed, 32);
	if (rc)
		return fail(rc, "randomness");
	if ((rc = vt_notekey_from_seed(&k, name, strlen(name), seed)))
		return fail(rc, name);
	size_t sn = vt_skey_fmt(&k, seed, s), vn = vt_vkey_fmt(&k, v);
	s[sn++] = '\n';
	v[vn++] = '\n';
	snprintf(path, sizeof(path), "%s.skey", prefix);
	rc = save(path, s, sn, 0600);
	vx_wipe(seed, sizeof(seed));
	vx_wipe(s, sizeof(s));
	snprintf(path, sizeof(path), "%s.vkey", prefix);
	if (rc == 0 && (rc = save(path, v, vn, 0644)) == 0)
		fwrite(v, 1, vn, stdout);
	return rc;
}

static int log_add(const struct args *a)
{
	const char *url = opt(a, "--url"), *path = pos(a, 1);
	uint8_t *raw, *resp;
	size_t n, rlen;
	int status;
	struct vt_pkg *k = malloc(sizeof(*k));
	if (!url || !path || !k) {
		free(k);
		return usage("log add --url URL FILE");
	}
	int rc = load(path, &raw, &n, VT_PAYLOAD_MAX + (1u << 20));
	if (rc) {
		free(k);
		return rc;
	}
	/* A signed package logs its claim; any other file logs itself. */
	const uint8_t *e = raw;
	size_t en = n;
	if (vt_pkg_parse(k, raw, n) == VX_OK && k->has_claim) {
		e = k->claim_raw.p;
		en = k->claim_raw.n;
	}
	if (en > 65536) {
		free(raw);
		free(k);
		return fail(VT_E_TOOBIG, "a log entry is at most 65536 bytes");
	}
	rc = http_call(url, "POST", "/add", e, en, &status, &resp, &rlen);
	free(raw);
	free(k);
	if (rc)
		return rc;
	if (status != 200) {
		fprintf(stderr, "vectra: log add: HTTP %d\n", status);
		free(resp);
		return EXIT_IO;
	}
	fwrite(resp, 1, rlen, stdout);
	free(resp);
	return 0;
}

/* GET a URL path and print or return the body. */
static int get(const char *url, const char *path, uint8_t **body, size_t *n)
{
	int status;
	int rc = http_call(url, "GET", path, NULL, 0, &status, body, n);
	if (rc == 0 && status != 200) {
		fprintf(stderr, "vectra: %s%s: HTTP %d\n", url, path, status);
		free(*body);
		return EXIT_IO;
	}
	return rc;
}

static int log_checkpoint(const struct args *a)
{
	uint8_t *b;
	size_t n;
	if (!opt(a, "--url"))
		return usage("log checkpoint --url URL");
	int rc = get(opt(a, "--url"), "/checkpoint", &b, &n);
	if (rc == 0) {
		fwrite(b, 1, n, stdout);
		free(b);
	}
	return rc;
}

/* A checkpoint note, verified as signed by the log key, and parsed. */
struct signed_cp {
	uint8_t *note;
	size_t n, textlen;
	struct vt_checkpoint cp;
};

static int read_cp(const char *path, const struct vt_notekey *log, struct signed_cp *s)
{
	uint32_t signers;
	int rc = load(path, &s->note, &s->n, VT_NOTE_MAX);
	if (rc)
		return rc;
	rc = vt_note_verify(s->note, s->n, log, 1, &s->textlen, &signers);
	if (rc == VX_OK)
		rc = vt_checkpoint_parse(&s->cp, s->note, s->textlen);
	if (rc == VX_OK && (!(signers & 1) || s->cp.originlen != log->namelen ||
			    memcmp(s->cp.origin, log->name, log->namelen) != 0))
		rc = VT_E_UNKNOWN_LOG;
	if (rc) {
		free(s->note);
		s->note = NULL;
		return fail(rc, path);
	}
	return 0;
}

/* Fetch and check a consistency proof between two checkpoints. */
static int check_consistency(const char *url, const struct vt_checkpoint *old,
			     const struct vt_checkpoint *new)
{
	uint8_t *b, path[VT_PROOF_MAX][32];
	size_t n;
	char q[128];
	int np = 0;
	if (old->size > 0 && old->size < new->size) {
		snprintf(q, sizeof(q), "/proof/consistency?old=%llu&size=%llu",
			 (unsigned long long)old->size, (unsigned long long)new->size);
		if (get(url, q, &b, &n))
			return VT_E_CONSISTENCY;
		np = 0;
		for (size_t at = 0; at < n; at += 65) {
			if (np == VT_PROOF_MAX || n - at < 65 || b[at + 64] != '\n' ||
			    vt_unhex(path[np++], 32, (char *)b + at, 64)) {
				free(b);
				return VT_E_CONSISTENCY;
			}
		}
		free(b);
	}
	return vt_verify_consistency(old->size, new->size, old->root, new->root,
				     (const uint8_t(*)[32])path, (size_t)np);
}

static void evidence(const struct signed_cp *a, const struct signed_cp *b)
{
	printf("split view: two checkpoints of %s that cannot both be true\n", a->cp.origin);
	printf("--- evidence 1\n");
	fwrite(a->note, 1, a->n, stdout);
	printf("--- evidence 2\n");
	fwrite(b->note, 1, b->n, stdout);
}

static int log_witness(const struct args *a)
{
	const char *key = opt(a, "--key"), *state = opt(a, "--state");
	const char *vkey = opt(a, "--log"), *url = opt(a, "--url"), *cpf = pos(a, 1);
	struct vt_notekey wk, lk;
	uint8_t seed[32];
	struct signed_cp now = {0}, last = {0};
	char line[VT_SIGLINE_MAX + 1];
	int rc;
	if (!key || !state || !vkey || !url || !cpf)
		return usage("log witness --key SKEY --state FILE --log VKEY --url URL CP");
	if ((rc = load_vkey(vkey, &lk)) || (rc = read_cp(cpf, &lk, &now)))
		return rc;
	if (access(state, F_OK) == 0 && (rc = read_cp(state, &lk, &last)))
		goto out;
	if (last.note) {
		if (now.cp.size < last.cp.size)
			rc = VT_E_ROLLBACK;
		else if (now.cp.size == last.cp.size && memcmp(now.cp.root, last.cp.root, 32) != 0)
			rc = VT_E_SPLIT_VIEW;
		else
			rc = check_consistency(url, &last.cp, &now.cp);
		if (rc) {
			if (rc == VT_E_SPLIT_VIEW || rc == VT_E_CONSISTENCY)
				evidence(&last, &now);
			rc = fail(rc, "witness refuses to cosign");
			goto out;
		}
	}
	if ((rc = load_skey(key, &wk, seed)))
		goto out;
	/* Remember before we speak: the state is durable before the cosignature. */
	if ((rc = save(state, now.note, now.n, 0644)) == 0) {
		size_t ln = vt_note_sign(line, &wk, seed, now.note, now.textlen);
		fwrite(now.note, 1, now.n, stdout);
		fwrite(line, 1, ln, stdout);
	}
	vx_wipe(seed, sizeof(seed));
out:
	free(now.note);
	free(last.note);
	return rc;
}

static int log_gossip(const struct args *a)
{
	const char *vkey = opt(a, "--log"), *url = opt(a, "--url");
	struct vt_notekey lk;
	struct signed_cp x = {0}, y = {0};
	int rc;
	if (!vkey || !pos(a, 1) || !pos(a, 2))
		return usage("log gossip --log VKEY CP1 CP2 [--url URL]");
	if ((rc = load_vkey(vkey, &lk)) || (rc = read_cp(pos(a, 1), &lk, &x)) ||
	    (rc = read_cp(pos(a, 2), &lk, &y)))
		goto out;
	struct signed_cp *small = x.cp.size <= y.cp.size ? &x : &y;
	struct signed_cp *big = small == &x ? &y : &x;
	if (small->cp.size == big->cp.size)
		rc = memcmp(x.cp.root, y.cp.root, 32) ? VT_E_SPLIT_VIEW : VX_OK;
	else if (!url)
		rc = VT_E_CONSISTENCY;
	else if (check_consistency(url, &small->cp, &big->cp) != VX_OK)
		rc = VT_E_SPLIT_VIEW;
	if (rc == VT_E_SPLIT_VIEW)
		evidence(&x, &y);
	if (rc == VX_OK)
		printf("consistent: %s sizes %llu and %llu\n", x.cp.origin,
		       (unsigned long long)small->cp.size, (unsigned long long)big->cp.size);
	else
		rc = fail(rc, rc == VT_E_CONSISTENCY ? "different sizes need --url for a proof"
						     : "gossip");
out:
	free(x.note);
	free(y.note);
	return rc;
}

int cmd_log(const struct args *a)
{
	const char *sub = pos(a, 0);
	if (!sub)
		return usage("log keygen|serve|add|checkpoint|witness|gossip ...");
	if (strcmp(sub, "keygen") == 0)
		return log_keygen(a);
	if (strcmp(sub, "serve") == 0)
		return log_serve(a);
	if (strcmp(sub, "add") == 0)
		return log_add(a);
	if (strcmp(sub, "checkpoint") == 0)
		return log_checkpoint(a);
	if (strcmp(sub, "witness") == 0)
		return log_witness(a);
	if (strcmp(sub, "gossip") == 0)
		return log_gossip(a);
	return usage("log keygen|serve|add|checkpoint|witness|gossip ...");
}
