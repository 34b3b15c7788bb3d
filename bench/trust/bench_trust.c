/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * make bench-trust: the trust chain's costs, with no I/O.
 *
 *   verify-vpkg     vt_gate on a package with 3 attestations and a log
 *                   proof whose checkpoint carries an operator signature and
 *                   2 witness cosignatures (8 Ed25519 verifications)
 *   log-append      100,000 entries into an in-memory RFC 9162 tree kept as
 *                   levels of complete subtrees, the layout log serve uses
 *   inclusion-proof a proof for a random leaf of the 100,000-entry tree,
 *                   generated, then verified
 *
 * Each figure is the median of 9 runs.  docs/BENCHMARKS.md has the latest.
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../tests/trust/fixture.h"

#define N_ENTRIES 100000
#define RUNS	  9

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v)
{
	qsort(v, RUNS, sizeof(double), cmp);
	return v[RUNS / 2];
}

/* The log's tree: level j holds N >> j complete-subtree hashes. */
static uint8_t (*level[18])[32];
static uint64_t nleaves;

static void append(const void *e, size_t n)
{
	uint8_t cur[32];
	uint64_t idx = nleaves;
	vt_leaf_hash(e, n, cur);
	for (unsigned j = 0; j < 18; j++) {
		memcpy(level[j][idx], cur, 32);
		if (!(idx & 1))
			break;
		vt_node_hash(level[j][idx - 1], cur, cur);
		idx >>= 1;
	}
	nleaves++;
}

static int node(void *ctx, unsigned l, uint64_t index, uint8_t out[32])
{
	(void)ctx;
	memcpy(out, level[l][index], 32);
	return VX_OK;
}

int main(void)
{
	static struct fixture f;
	static struct vt_policy pol;
	static struct vt_pkg k;
	struct vt_verdict v;
	double t[RUNS];
	fx_build(&f);
	if (fx_policy(&f, NULL, &pol) != VX_OK ||
	    vt_gate(&pol, f.pkg, f.pkg_len, &k, &v) != VX_OK) {
		fprintf(stderr, "bench-trust: the fixture does not verify\n");
		return 1;
	}
	for (int r = 0; r < RUNS; r++) {
		int iters = 200;
		double t0 = now();
		for (int i = 0; i < iters; i++)
			if (vt_gate(&pol, f.pkg, f.pkg_len, &k, &v) != VX_OK)
				return 1;
		t[r] = (now() - t0) / iters;
	}
	double verify = median(t);
	printf("bench-trust verify-vpkg us=%.1f bytes=%zu attestations=3 cosignatures=2 "
	       "target_us=1000 %s\n",
	       verify * 1e6, f.pkg_len, verify < 1e-3 ? "met" : "MISSED");

	for (unsigned j = 0; j < 18; j++)
		level[j] = malloc(((N_ENTRIES >> j) + 1) * 32);
	for (int r = 0; r < RUNS; r++) {
		nleaves = 0;
		double t0 = now();
		for (uint32_t i = 0; i < N_ENTRIES; i++) {
			uint8_t e[144];
			memset(e, (int)i, sizeof(e));
			memcpy(e, &i, 4);
			append(e, sizeof(e));
		}
		t[r] = now() - t0;
	}
	double app = median(t);
	printf(
	    "bench-trust log-append entries=%d total_ms=%.1f per_entry_us=%.2f entry_bytes=144\n",
	    N_ENTRIES, app * 1e3, app / N_ENTRIES * 1e6);

	struct vt_tree_src src = {node, NULL};
	uint8_t path[VT_PROOF_MAX][32], root[32], leaf[32];
	vt_tree_root(&src, N_ENTRIES, root);
	double tv[RUNS];
	srand(1);
	for (int r = 0; r < RUNS; r++) {
		int iters = 2000;
		double gen = 0, ver = 0;
		for (int i = 0; i < iters; i++) {
			uint64_t m = (uint64_t)rand() % N_ENTRIES;
			double t0 = now();
			int np = vt_tree_inclusion(&src, m, N_ENTRIES, path);
			double t1 = now();
			memcpy(leaf, level[0][m], 32);
			if (vt_verify_inclusion(m, N_ENTRIES, leaf, (const uint8_t(*)[32])path,
						(size_t)np, root) != VX_OK)
				return 1;
			ver += now() - t1;
			gen += t1 - t0;
		}
		t[r] = gen / iters;
		tv[r] = ver / iters;
	}
	printf("bench-trust inclusion-proof tree=%d generate_us=%.2f verify_us=%.2f\n", N_ENTRIES,
	       median(t) * 1e6, median(tv) * 1e6);
	return 0;
}
