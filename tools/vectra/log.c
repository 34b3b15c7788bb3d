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

/* Verify a note in s->note as the log's checkpoint.  VX_OK or a trust error. */
static int check_cp(const struct vt_notekey *log, struct signed_cp *s)
{
	uint32_t signers;
	int rc = vt_note_verify(s->note, s->n, log, 1, &s->textlen, &signers);
	if (rc == VX_OK)
		rc = vt_checkpoint_parse(&s->cp, s->note, s->textlen);
	if (rc == VX_OK && (!(signers & 1) || s->cp.originlen != log->namelen ||
			    memcmp(s->cp.origin, log->name, log->namelen) != 0))
		rc = VT_E_UNKNOWN_LOG;
	return rc;
}

static int read_cp(const char *path, const struct vt_notekey *log, struct signed_cp *s)
{
	int rc = load(path, &s->note, &s->n, VT_NOTE_MAX);
	if (rc)
		return rc;
	if ((rc = check_cp(log, s))) {
		free(s->note);
		s->note = NULL;
		return fail(rc, path);
	}
	return 0;
}

/* A consistency proof from the log at url; the hash count, or -1. */
static int fetch_proof(const char *url, uint64_t old, uint64_t size, uint8_t path[VT_PROOF_MAX][32])
{
	uint8_t *b;
	size_t n;
	char q[128];
	int np = 0;
	if (old == 0 || old >= size)
		return 0;
	snprintf(q, sizeof(q), "/proof/consistency?old=%llu&size=%llu", (unsigned long long)old,
		 (unsigned long long)size);
	if (get(url, q, &b, &n))
		return -1;
	for (size_t at = 0; at < n; at += 65) {
		if (np == VT_PROOF_MAX || n - at < 65 || b[at + 64] != '\n' ||
		    vt_unhex(path[np++], 32, (char *)b + at, 64)) {
			free(b);
			return -1;
		}
	}
	free(b);
	return np;
}

/* Fetch and check a consistency proof between two checkpoints. */
static int check_consistency(const char *url, const struct vt_checkpoint *old,
			     const struct vt_checkpoint *new)
{
	uint8_t path[VT_PROOF_MAX][32];
	int np = fetch_proof(url, old->size, new->size, path);
	if (np < 0)
		return VT_E_CONSISTENCY;
	return vt_verify_consistency(old->size, new->size, old->root, new->root,
				     (const uint8_t(*)[32])path, (size_t)np);
}

static void evidence(FILE *f, const struct signed_cp *a, const struct signed_cp *b)
{
	fprintf(f, "split view: two checkpoints of %s that cannot both be true\n", a->cp.origin);
	fprintf(f, "--- evidence 1\n");
	fwrite(a->note, 1, a->n, f);
	fprintf(f, "--- evidence 2\n");
	fwrite(b->note, 1, b->n, f);
}

/*
 * The witness's one rule: cosign now only if it extends last (the state),
 * given a consistency proof from last's size.  last->note NULL: the first
 * checkpoint this witness sees, taken on first use.
 */
static int witness_judge(const struct signed_cp *last, const struct signed_cp *now,
			 const uint8_t (*path)[32], size_t np)
{
	if (!last->note)
		return VX_OK;
	if (now->cp.size < last->cp.size)
		return VT_E_ROLLBACK;
	if (now->cp.size == last->cp.size && memcmp(now->cp.root, last->cp.root, 32) != 0)
		return VT_E_SPLIT_VIEW;
	return vt_verify_consistency(last->cp.size, now->cp.size, last->cp.root, now->cp.root, path,
				     np);
}

/* Remember before we speak: the state is durable before the cosignature. */
static int witness_sign(const char *state, const struct vt_notekey *wk, const uint8_t seed[32],
			const struct signed_cp *now, char line[VT_SIGLINE_MAX + 1], size_t *ln)
{
	int rc = save(state, now->note, now->n, 0644);
	if (rc == 0)
		*ln = vt_note_sign(line, wk, seed, now->note, now->textlen);
	return rc;
}

static int log_witness(const struct args *a)
{
	const char *key = opt(a, "--key"), *state = opt(a, "--state");
	const char *vkey = opt(a, "--log"), *url = opt(a, "--url"), *cpf = pos(a, 1);
	struct vt_notekey wk, lk;
	uint8_t seed[32], path[VT_PROOF_MAX][32];
	struct signed_cp now = {0}, last = {0};
	char line[VT_SIGLINE_MAX + 1];
	size_t ln;
	int rc, np = 0;
	if (!key || !state || !vkey || !url || !cpf)
		return usage("log witness --key SKEY --state FILE --log VKEY --url URL CP");
	if ((rc = load_vkey(vkey, &lk)) || (rc = read_cp(cpf, &lk, &now)))
		return rc;
	if (access(state, F_OK) == 0 && (rc = read_cp(state, &lk, &last)))
		goto out;
	if (last.note)
		np = fetch_proof(url, last.cp.size, now.cp.size, path);
	rc = np < 0 ? VT_E_CONSISTENCY
		    : witness_judge(&last, &now, (const uint8_t(*)[32])path, (size_t)np);
	if (rc) {
		if (rc == VT_E_SPLIT_VIEW || rc == VT_E_CONSISTENCY)
			evidence(stdout, &last, &now);
		rc = fail(rc, "witness refuses to cosign");
		goto out;
	}
	if ((rc = load_skey(key, &wk, seed)))
		goto out;
	if ((rc = witness_sign(state, &wk, seed, &now, line, &ln)) == 0) {
		fwrite(now.note, 1, now.n, stdout);
		fwrite(line, 1, ln, stdout);
	}
	vx_wipe(seed, sizeof(seed));
out:
	free(now.note);
	free(last.note);
	return rc;
}

/*
 * log witness-serve: the same witness over HTTP, in the shape of C2SP
 * tlog-witness.  POST /add-checkpoint with the body
 *     "old " SIZE "\n"  base64 hash lines (consistency proof)  "\n"  note
 * answers 200 with the cosignature line; 409 with the size it holds when
 * SIZE is not that size; 400 for a smaller tree (VT_E_ROLLBACK); 422 with
 * the error and the evidence for a split view or a failed proof; 403 when
 * the note is not the log's.
 */
struct wserve {
	struct vt_notekey lk, wk;
	uint8_t seed[32];
	const char *state;
};

/* Parse the add-checkpoint body: old, path, and a copy of the note in s. */
static int add_body(const uint8_t *b, size_t n, uint64_t *old, uint8_t path[VT_PROOF_MAX][32],
		    size_t *np, struct signed_cp *s)
{
	size_t at;
	int rc = vt_addcp_parse(b, n, old, path, np, &at);
	if (rc != VX_OK)
		return rc;
	s->n = n - at;
	s->note = malloc(s->n + 1);
	if (!s->note)
		return VX_E_NOMEM;
	memcpy(s->note, b + at, s->n);
	return VX_OK;
}

static void witness_handle(void *ctx, const char *method, const char *url, const uint8_t *body,
			   size_t blen, struct resp *r)
{
	struct wserve *w = ctx;
	struct signed_cp now = {0}, last = {0};
	uint8_t path[VT_PROOF_MAX][32];
	size_t np, ln;
	uint64_t old;
	char line[VT_SIGLINE_MAX + 1], num[24];
	if (strcmp(method, "POST") != 0 || strcmp(url, "/add-checkpoint") != 0) {
		r->status = 404;
		return;
	}
	int rc = add_body(body, blen, &old, path, &np, &now);
	if (rc == VX_OK && (rc = check_cp(&w->lk, &now)) != VX_OK)
		r->status = 403;
	else if (rc != VX_OK)
		r->status = 400;
	if (rc == VX_OK && access(w->state, F_OK) == 0) {
		if (load(w->state, &last.note, &last.n, VT_NOTE_MAX) || check_cp(&w->lk, &last)) {
			r->status = 500;
			goto out;
		}
	}
	if (rc == VX_OK && old != (last.note ? last.cp.size : 0)) {
		r->status = 409;
		vt_fmt_u64(num, last.note ? last.cp.size : 0);
		resp_outs(r, num);
		resp_outs(r, "\n");
		goto out;
	}
	if (rc == VX_OK)
		rc = witness_judge(&last, &now, (const uint8_t(*)[32])path, np);
	if (rc == VT_E_ROLLBACK) {
		r->status = 400;
	} else if (rc == VT_E_SPLIT_VIEW || rc == VT_E_CONSISTENCY) {
		r->status = 422;
		resp_outs(r, vt_errname(rc));
		resp_outs(r, "\n");
		resp_outs(r,
			  "split view: two checkpoints that cannot both be true\n--- evidence 1\n");
		resp_out(r, last.note, last.n);
		resp_outs(r, "--- evidence 2\n");
		resp_out(r, now.note, now.n);
	} else if (rc == VX_OK) {
		if (witness_sign(w->state, &w->wk, w->seed, &now, line, &ln) == 0)
			resp_out(r, line, ln);
		else
			r->status = 500;
	}
	if (rc != VX_OK && r->status == 200)
		r->status = 400;
out:
	free(now.note);
	free(last.note);
}

static int log_witness_serve(const struct args *a)
{
	static struct wserve w;
	const char *key = opt(a, "--key"), *vkey = opt(a, "--log");
	int rc;
	w.state = opt(a, "--state");
	if (!key || !w.state || !vkey)
		return usage(
		    "log witness-serve --key SKEY --state FILE --log VKEY [--addr 127.0.0.1] "
		    "[--port P] [--port-file F]");
	if ((rc = load_vkey(vkey, &w.lk)) || (rc = load_skey(key, &w.wk, w.seed)))
		return rc;
	char what[VT_NOTE_NAME_MAX + 16];
	snprintf(what, sizeof(what), "witness %s", w.wk.name);
	rc = http_serve(a, what, witness_handle, &w);
	vx_wipe(w.seed, sizeof(w.seed));
	return rc;
}

/* log cosign: ask a witness server to cosign CP, proving consistency from
 * whatever size it holds with a proof from the log. */
static int log_cosign(const struct args *a)
{
	const char *wurl = opt(a, "--witness"), *url = opt(a, "--url"), *vkey = opt(a, "--log");
	const char *cpf = pos(a, 1);
	struct vt_notekey lk;
	struct signed_cp now = {0};
	uint8_t path[VT_PROOF_MAX][32], *resp = NULL;
	size_t rlen;
	int rc, status = 0;
	uint64_t old = 0;
	if (!wurl || !url || !vkey || !cpf)
		return usage("log cosign --witness WURL --url LOGURL --log VKEY CP");
	if ((rc = load_vkey(vkey, &lk)) || (rc = read_cp(cpf, &lk, &now)))
		return rc;
	for (int tries = 0; tries < 2; tries++) {
		int np = fetch_proof(url, old, now.cp.size, path);
		size_t cap = 32 + (size_t)(np > 0 ? np : 0) * 46 + now.n, bn;
		char *body = malloc(cap);
		if (np < 0 || !body) {
			free(body);
			rc = fail(VT_E_CONSISTENCY, "no consistency proof from the log");
			goto out;
		}
		bn = (size_t)snprintf(body, cap, "old %llu\n", (unsigned long long)old);
		for (int i = 0; i < np; i++) {
			bn += vt_b64(body + bn, path[i], 32);
			body[bn++] = '\n';
		}
		body[bn++] = '\n';
		memcpy(body + bn, now.note, now.n);
		bn += now.n;
		free(resp);
		resp = NULL;
		rc = http_call(wurl, "POST", "/add-checkpoint", body, bn, &status, &resp, &rlen);
		free(body);
		if (rc)
			goto out;
		if (status != 409 || rlen < 2 || vt_parse_u64((char *)resp, rlen - 1, &old))
			break;
	}
	if (status == 200) {
		fwrite(now.note, 1, now.n, stdout);
		fwrite(resp, 1, rlen, stdout);
	} else if (status == 422) {
		fwrite(resp, 1, rlen, stdout);
		rc = fail(rlen > 15 && memcmp(resp, "VT_E_SPLIT_VIEW", 15) == 0 ? VT_E_SPLIT_VIEW
										: VT_E_CONSISTENCY,
			  "witness refuses to cosign");
	} else if (status == 400 || status == 409) {
		rc = fail(VT_E_ROLLBACK, "witness refuses to cosign");
	} else {
		fprintf(stderr, "vectra: witness: HTTP %d\n", status);
		rc = status == 403 ? fail(VT_E_UNKNOWN_LOG, "witness") : EXIT_IO;
	}
out:
	free(resp);
	free(now.note);
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
		evidence(stdout, &x, &y);
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
		return usage(
		    "log keygen|serve|add|checkpoint|witness|witness-serve|cosign|gossip ...");
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
	if (strcmp(sub, "witness-serve") == 0)
		return log_witness_serve(a);
	if (strcmp(sub, "cosign") == 0)
		return log_cosign(a);
	if (strcmp(sub, "gossip") == 0)
		return log_gossip(a);
	return usage("log keygen|serve|add|checkpoint|witness|witness-serve|cosign|gossip ...");
}
