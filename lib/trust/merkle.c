/* SPDX-License-Identifier: BSD-3-Clause */
/* RFC 9162 Merkle tree hashing, proof generation and verification. */
#include "trust/merkle.h"

#include <vectra/abi.h>
#include <vx_string.h>

#include "crypto/ct.h"
#include "crypto/sha2.h"
#include "trust/terr.h"

void vt_leaf_hash(const void *entry, size_t n, uint8_t out[32])
{
	struct vx_sha256 c;
	uint8_t z = 0;
	vx_sha256_init(&c);
	vx_sha256_update(&c, &z, 1);
	vx_sha256_update(&c, entry, n);
	vx_sha256_final(&c, out);
}

void vt_node_hash(const uint8_t l[32], const uint8_t r[32], uint8_t out[32])
{
	uint8_t buf[65];
	buf[0] = 1;
	memcpy(buf + 1, l, 32);
	memcpy(buf + 33, r, 32);
	vx_sha256(buf, sizeof(buf), out);
}

/* Largest power of two strictly below n (n >= 2). */
static uint64_t split(uint64_t n)
{
	uint64_t k = 1;
	while (k << 1 < n)
		k <<= 1;
	return k;
}

/* log2 of n, a power of two. */
static unsigned log2_exact(uint64_t n)
{
	unsigned l = 0;
	while ((1ull << l) < n)
		l++;
	return l;
}

/* MTH(D[start : start + n]) where start is a multiple of the smallest
 * power of two >= n, as every range in the RFC's recursion is. */
static int mth(const struct vt_tree_src *s, uint64_t start, uint64_t n, uint8_t out[32])
{
	if ((n & (n - 1)) == 0) {
		unsigned l = log2_exact(n);
		return s->node(s->ctx, l, start >> l, out);
	}
	uint64_t k = split(n);
	uint8_t l[32], r[32];
	int rc = mth(s, start, k, l);
	if (rc == VX_OK)
		rc = mth(s, start + k, n - k, r);
	if (rc == VX_OK)
		vt_node_hash(l, r, out);
	return rc;
}

int vt_tree_root(const struct vt_tree_src *s, uint64_t n, uint8_t out[32])
{
	if (n == 0) {
		vx_sha256("", 0, out);
		return VX_OK;
	}
	return mth(s, 0, n, out);
}

/* PATH(m, D[start : start + n]) appended to path at *np. */
static int path_of(const struct vt_tree_src *s, uint64_t m, uint64_t start, uint64_t n,
		   uint8_t path[VT_PROOF_MAX][32], int *np)
{
	if (n == 1)
		return VX_OK;
	uint64_t k = split(n);
	int rc;
	if (m < k) {
		rc = path_of(s, m, start, k, path, np);
		if (rc == VX_OK)
			rc = mth(s, start + k, n - k, path[(*np)++]);
	} else {
		rc = path_of(s, m - k, start + k, n - k, path, np);
		if (rc == VX_OK)
			rc = mth(s, start, k, path[(*np)++]);
	}
	return rc;
}

int vt_tree_inclusion(const struct vt_tree_src *s, uint64_t m, uint64_t n,
		      uint8_t path[VT_PROOF_MAX][32])
{
	int np = 0;
	if (m >= n)
		return VX_E_INVAL;
	int rc = path_of(s, m, 0, n, path, &np);
	return rc == VX_OK ? np : rc;
}

/* SUBPROOF(m, D[start : start + n], b). */
static int subproof(const struct vt_tree_src *s, uint64_t m, uint64_t start, uint64_t n, int b,
		    uint8_t path[VT_PROOF_MAX][32], int *np)
{
	if (m == n)
		return b ? VX_OK : mth(s, start, n, path[(*np)++]);
	uint64_t k = split(n);
	int rc;
	if (m <= k) {
		rc = subproof(s, m, start, k, b, path, np);
		if (rc == VX_OK)
			rc = mth(s, start + k, n - k, path[(*np)++]);
	} else {
		rc = subproof(s, m - k, start + k, n - k, 0, path, np);
		if (rc == VX_OK)
			rc = mth(s, start, k, path[(*np)++]);
	}
	return rc;
}

int vt_tree_consistency(const struct vt_tree_src *s, uint64_t m, uint64_t n,
			uint8_t path[VT_PROOF_MAX][32])
{
	int np = 0;
	if (m == 0 || m > n)
		return VX_E_INVAL;
	int rc = subproof(s, m, 0, n, 1, path, &np);
	return rc == VX_OK ? np : rc;
}

int vt_verify_inclusion(uint64_t index, uint64_t size, const uint8_t leaf[32],
			const uint8_t (*path)[32], size_t npath, const uint8_t root[32])
{
	uint8_t r[32];
	if (index >= size || npath > VT_PROOF_MAX)
		return VT_E_INCLUSION;
	uint64_t fn = index, sn = size - 1;
	memcpy(r, leaf, 32);
	for (size_t i = 0; i < npath; i++) {
		if (sn == 0)
			return VT_E_INCLUSION;
		if ((fn & 1) || fn == sn) {
			vt_node_hash(path[i], r, r);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			vt_node_hash(r, path[i], r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && vx_ct_equal(r, root, 32) ? VX_OK : VT_E_INCLUSION;
}

int vt_verify_consistency(uint64_t m, uint64_t n, const uint8_t root_m[32],
			  const uint8_t root_n[32], const uint8_t (*path)[32], size_t npath)
{
	uint8_t fr[32], sr[32];
	const uint8_t(*c)[32] = path;
	size_t nc = npath;
	if (m > n || npath > VT_PROOF_MAX)
		return VT_E_CONSISTENCY;
	if (m == 0)
		return npath == 0 ? VX_OK : VT_E_CONSISTENCY;
	if (m == n)
		return npath == 0 && vx_ct_equal(root_m, root_n, 32) ? VX_OK : VT_E_CONSISTENCY;
	if (npath == 0)
		return VT_E_CONSISTENCY;
	/* A power-of-two first tree is its own first proof node. */
	if ((m & (m - 1)) == 0) {
		memcpy(fr, root_m, 32);
	} else {
		memcpy(fr, c[0], 32);
		c++;
		nc--;
	}
	memcpy(sr, fr, 32);
	uint64_t fn = m - 1, sn = n - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	for (size_t i = 0; i < nc; i++) {
		if (sn == 0)
			return VT_E_CONSISTENCY;
		if ((fn & 1) || fn == sn) {
			vt_node_hash(c[i], fr, fr);
			vt_node_hash(c[i], sr, sr);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			vt_node_hash(sr, c[i], sr);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0 || !vx_ct_equal(fr, root_m, 32) || !vx_ct_equal(sr, root_n, 32))
		return VT_E_CONSISTENCY;
	return VX_OK;
}
