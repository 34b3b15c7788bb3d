/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The transparency log's Merkle tree: RFC 9162 section 2.1 (the RFC 6962
 * tree), SHA-256.
 *
 *   leaf hash  = SHA-256(0x00 || entry)
 *   node hash  = SHA-256(0x01 || left || right)
 *   empty tree = SHA-256("")
 *   MTH(D[n])  splits at k, the largest power of two below n.
 *
 * Verification is pure.  Proof generation needs the hashes of complete
 * subtrees, which only the log's storage has: it passes a callback that
 * returns the hash of the 2^level leaves starting at index * 2^level.  The
 * library then computes any ragged right edge itself, so storage keeps only
 * complete subtrees and a proof costs O(log^2 n) hashes at worst.
 */
#ifndef VX_TRUST_MERKLE_H
#define VX_TRUST_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#define VT_PROOF_MAX 64 /* hashes in any proof of a tree below 2^64 */

void vt_leaf_hash(const void *entry, size_t n, uint8_t out[32]);
void vt_node_hash(const uint8_t l[32], const uint8_t r[32], uint8_t out[32]);

struct vt_tree_src {
	/* Hash of the complete subtree of 2^level leaves starting at leaf
	 * index << level.  Returns VX_OK or an error that is passed up. */
	int (*node)(void *ctx, unsigned level, uint64_t index, uint8_t out[32]);
	void *ctx;
};

/* Root of the first n leaves. */
int vt_tree_root(const struct vt_tree_src *s, uint64_t n, uint8_t out[32]);
/* Audit path for leaf m in a tree of n leaves (RFC 9162 2.1.3.1).  Returns
 * the hash count or VX_E_INVAL if m >= n. */
int vt_tree_inclusion(const struct vt_tree_src *s, uint64_t m, uint64_t n,
		      uint8_t path[VT_PROOF_MAX][32]);
/* Consistency proof from size m to size n (RFC 9162 2.1.4.1); 0 < m <= n. */
int vt_tree_consistency(const struct vt_tree_src *s, uint64_t m, uint64_t n,
			uint8_t path[VT_PROOF_MAX][32]);

/* RFC 9162 2.1.3.2.  VX_OK or VT_E_INCLUSION. */
int vt_verify_inclusion(uint64_t index, uint64_t size, const uint8_t leaf[32],
			const uint8_t (*path)[32], size_t npath, const uint8_t root[32]);
/* RFC 9162 2.1.4.2, with m == n (empty proof, equal roots) and m == 0
 * (empty proof) accepted.  VX_OK or VT_E_CONSISTENCY. */
int vt_verify_consistency(uint64_t m, uint64_t n, const uint8_t root_m[32],
			  const uint8_t root_n[32], const uint8_t (*path)[32], size_t npath);

#endif
