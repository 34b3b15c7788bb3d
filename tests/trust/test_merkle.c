/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RFC 9162 Merkle tree, property-tested against a naive reference
 * written straight from the RFC's recursive definitions (MTH, PATH,
 * SUBPROOF) over an explicit leaf list.  For every tree size up to 70 and
 * every index and old size, the library's proofs must equal the
 * reference's, verify, and stop verifying when a path hash, the leaf
 * index, the path length or a root changes.  (A proof may still verify
 * under a different tree size with the same shape, which is why the gate
 * takes the size from the signed checkpoint.)
 * Larger random sizes are checked the same way.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <vectra/abi.h>

#include "crypto/sha2.h"
#include "trust/merkle.h"
#include "trust/terr.h"

#define MAXN 2100

static uint8_t leaves[MAXN][32];

/* ---- the naive reference, straight from RFC 9162 2.1.1 .. 2.1.4 ---- */
static uint64_t kof(uint64_t n)
{
	uint64_t k = 1;
	while (2 * k < n)
		k *= 2;
	return k;
}

static void ref_mth(const uint8_t (*d)[32], uint64_t n, uint8_t out[32])
{
	uint8_t l[32], r[32], buf[65];
	if (n == 0) {
		vx_sha256("", 0, out);
		return;
	}
	if (n == 1) {
		memcpy(out, d[0], 32);
		return;
	}
	uint64_t k = kof(n);
	ref_mth(d, k, l);
	ref_mth(d + k, n - k, r);
	buf[0] = 1;
	memcpy(buf + 1, l, 32);
	memcpy(buf + 33, r, 32);
	vx_sha256(buf, 65, out);
}

static void ref_path(uint64_t m, const uint8_t (*d)[32], uint64_t n, uint8_t (*out)[32], int *np)
{
	if (n == 1)
		return;
	uint64_t k = kof(n);
	if (m < k) {
		ref_path(m, d, k, out, np);
		ref_mth(d + k, n - k, out[(*np)++]);
	} else {
		ref_path(m - k, d + k, n - k, out, np);
		ref_mth(d, k, out[(*np)++]);
	}
}

static void ref_sub(uint64_t m, const uint8_t (*d)[32], uint64_t n, int b, uint8_t (*out)[32],
		    int *np)
{
	if (m == n) {
		if (!b)
			ref_mth(d, n, out[(*np)++]);
		return;
	}
	uint64_t k = kof(n);
	if (m <= k) {
		ref_sub(m, d, k, b, out, np);
		ref_mth(d + k, n - k, out[(*np)++]);
	} else {
		ref_sub(m - k, d + k, n - k, 0, out, np);
		ref_mth(d, k, out[(*np)++]);
	}
}

/* ---- the storage callback the library asks for ---- */
static int node(void *ctx, unsigned level, uint64_t index, uint8_t out[32])
{
	(void)ctx;
	ref_mth((const uint8_t(*)[32])leaves + (index << level), 1ull << level, out);
	return VX_OK;
}

static const struct vt_tree_src src = {node, NULL};

static int setup(void **state)
{
	(void)state;
	for (int i = 0; i < MAXN; i++) {
		uint8_t e[8] = {(uint8_t)i, (uint8_t)(i >> 8), 'l', 'e', 'a', 'f'};
		vt_leaf_hash(e, sizeof(e), leaves[i]);
	}
	return 0;
}

/* The RFC 6962 leaf and node prefixes, and the empty tree. */
static void test_hashes(void **state)
{
	(void)state;
	uint8_t h[32], want[32], buf[65] = {0};
	vt_leaf_hash("", 0, h);
	vx_sha256(buf, 1, want);
	assert_memory_equal(h, want, 32);
	/* SHA-256 of the single byte 0x00: the published empty-leaf hash. */
	static const uint8_t empty_leaf[4] = {0x6e, 0x34, 0x0b, 0x9c};
	assert_memory_equal(h, empty_leaf, 4);
	vt_tree_root(&src, 0, h);
	static const uint8_t empty_tree[4] = {0xe3, 0xb0, 0xc4, 0x42};
	assert_memory_equal(h, empty_tree, 4);
	buf[0] = 1;
	memcpy(buf + 1, leaves[0], 32);
	memcpy(buf + 33, leaves[1], 32);
	vx_sha256(buf, 65, want);
	vt_node_hash(leaves[0], leaves[1], h);
	assert_memory_equal(h, want, 32);
}

/* Flip each bit of each path element, the index and the size: all fail. */
static void inclusion_mutants(uint64_t m, uint64_t n, uint8_t (*p)[32], int np,
			      const uint8_t root[32])
{
	for (int i = 0; i < np; i++)
		for (int bit = 0; bit < 256; bit += 37) {
			p[i][bit / 8] ^= (uint8_t)(1 << (bit % 8));
			assert_int_equal(
			    vt_verify_inclusion(m, n, leaves[m], (const uint8_t(*)[32])p, np, root),
			    VT_E_INCLUSION);
			p[i][bit / 8] ^= (uint8_t)(1 << (bit % 8));
		}
	if (np > 0)
		assert_int_equal(
		    vt_verify_inclusion(m, n, leaves[m], (const uint8_t(*)[32])p, np - 1, root),
		    VT_E_INCLUSION);
	assert_int_equal(
	    vt_verify_inclusion(m, n, leaves[m], (const uint8_t(*)[32])p, np + 1, root),
	    VT_E_INCLUSION);
	if (m + 1 < n)
		assert_int_equal(
		    vt_verify_inclusion(m + 1, n, leaves[m], (const uint8_t(*)[32])p, np, root),
		    VT_E_INCLUSION);
	assert_int_equal(vt_verify_inclusion(n, n, leaves[m], (const uint8_t(*)[32])p, np, root),
			 VT_E_INCLUSION);
}

static void check_inclusion(uint64_t m, uint64_t n, int mutants)
{
	uint8_t root[32], want[32], p[VT_PROOF_MAX + 1][32] = {{0}}, r[VT_PROOF_MAX][32];
	int nr = 0;
	ref_mth((const uint8_t(*)[32])leaves, n, want);
	assert_int_equal(vt_tree_root(&src, n, root), VX_OK);
	assert_memory_equal(root, want, 32);
	int np = vt_tree_inclusion(&src, m, n, p);
	ref_path(m, (const uint8_t(*)[32])leaves, n, r, &nr);
	assert_int_equal(np, nr);
	assert_memory_equal(p, r, 32 * (size_t)nr);
	assert_int_equal(vt_verify_inclusion(m, n, leaves[m], (const uint8_t(*)[32])p, np, root),
			 VX_OK);
	if (mutants)
		inclusion_mutants(m, n, p, np, root);
}

static void check_consistency(uint64_t m, uint64_t n, int mutants)
{
	uint8_t rm[32], rn[32], p[VT_PROOF_MAX + 1][32] = {{0}}, r[VT_PROOF_MAX][32];
	int nr = 0;
	ref_mth((const uint8_t(*)[32])leaves, m, rm);
	ref_mth((const uint8_t(*)[32])leaves, n, rn);
	int np = vt_tree_consistency(&src, m, n, p);
	ref_sub(m, (const uint8_t(*)[32])leaves, n, 1, r, &nr);
	assert_int_equal(np, nr);
	assert_memory_equal(p, r, 32 * (size_t)nr);
	assert_int_equal(vt_verify_consistency(m, n, rm, rn, (const uint8_t(*)[32])p, np), VX_OK);
	if (!mutants)
		return;
	for (int i = 0; i < np; i++) {
		p[i][i % 32] ^= 0x10;
		assert_int_equal(vt_verify_consistency(m, n, rm, rn, (const uint8_t(*)[32])p, np),
				 VT_E_CONSISTENCY);
		p[i][i % 32] ^= 0x10;
	}
	rm[3] ^= 1;
	assert_int_equal(vt_verify_consistency(m, n, rm, rn, (const uint8_t(*)[32])p, np),
			 VT_E_CONSISTENCY);
	rm[3] ^= 1;
	rn[5] ^= 1;
	assert_int_equal(vt_verify_consistency(m, n, rm, rn, (const uint8_t(*)[32])p, np),
			 VT_E_CONSISTENCY);
	rn[5] ^= 1;
	if (m < n) {
		assert_int_equal(
		    vt_verify_consistency(m, n, rm, rn, (const uint8_t(*)[32])p, np - 1),
		    VT_E_CONSISTENCY);
		assert_int_equal(
		    vt_verify_consistency(m, n, rm, rn, (const uint8_t(*)[32])p, np + 1),
		    VT_E_CONSISTENCY);
	}
}

static void test_inclusion_small_exhaustive(void **state)
{
	(void)state;
	for (uint64_t n = 1; n <= 70; n++)
		for (uint64_t m = 0; m < n; m++)
			check_inclusion(m, n, 1);
}

static void test_consistency_small_exhaustive(void **state)
{
	(void)state;
	for (uint64_t n = 1; n <= 70; n++)
		for (uint64_t m = 1; m <= n; m++)
			check_consistency(m, n, 1);
}

static void test_random_larger(void **state)
{
	(void)state;
	srand(9162);
	for (int i = 0; i < 200; i++) {
		uint64_t n = 71 + (uint64_t)rand() % (MAXN - 71);
		check_inclusion((uint64_t)rand() % n, n, i < 20);
		check_consistency(1 + (uint64_t)rand() % n, n, i < 20);
	}
}

/* Degenerate arguments have their documented answers. */
static void test_edges(void **state)
{
	(void)state;
	uint8_t p[VT_PROOF_MAX][32], root[32];
	assert_int_equal(vt_tree_inclusion(&src, 5, 5, p), VX_E_INVAL);
	assert_int_equal(vt_tree_consistency(&src, 0, 5, p), VX_E_INVAL);
	assert_int_equal(vt_tree_consistency(&src, 6, 5, p), VX_E_INVAL);
	assert_int_equal(vt_tree_consistency(&src, 5, 5, p), 0);
	vt_tree_root(&src, 1, root);
	assert_memory_equal(root, leaves[0], 32);
	assert_int_equal(vt_verify_inclusion(0, 1, leaves[0], NULL, 0, root), VX_OK);
	assert_int_equal(vt_verify_inclusion(0, 0, leaves[0], NULL, 0, root), VT_E_INCLUSION);
	assert_int_equal(vt_verify_consistency(0, 9, root, root, NULL, 0), VX_OK);
	assert_int_equal(vt_verify_consistency(3, 3, root, root, NULL, 0), VX_OK);
	assert_int_equal(vt_verify_consistency(3, 2, root, root, NULL, 0), VT_E_CONSISTENCY);
	assert_int_equal(vt_verify_consistency(2, 3, root, root, NULL, 0), VT_E_CONSISTENCY);
	assert_int_equal(
	    vt_verify_inclusion(0, 2, leaves[0], (const uint8_t(*)[32])p, VT_PROOF_MAX + 1, root),
	    VT_E_INCLUSION);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hashes),
	    cmocka_unit_test(test_inclusion_small_exhaustive),
	    cmocka_unit_test(test_consistency_small_exhaustive),
	    cmocka_unit_test(test_random_larger),
	    cmocka_unit_test(test_edges),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
