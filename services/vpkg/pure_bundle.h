/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vpkg's pure parts (no I/O), host-tested in tests/host/test_pkg_bundle.c:
 *
 *   - the footprint -> Bundle table: the one place that says what each
 *     capability name a package may declare becomes in its Bundle
 *     (vectra/proto/pkg.h lists the table);
 *   - request decoding: what a request asks, checked before vpkg acts.
 */
#ifndef VPKG_PURE_BUNDLE_H
#define VPKG_PURE_BUNDLE_H

#include <stdint.h>
#include "rt/svc.h"
#include "trust/terr.h"
#include "trust/vpkg.h"
#include "vectra/proto/pkg.h"

/* The grant for one capability name cap[0..len): VX_OK and *g, or
 * PKG_E_UNGRANTABLE for a name this machine has no way to grant. */
int pkg_grant_of(const char *cap, size_t len, struct pkg_grant *g);

/*
 * A package's Bundle from its footprint (foot[0..nfoot), as the manifest
 * declares it) and the policy's allow list.  Every name must be allowed
 * (VT_E_FOOTPRINT otherwise: the gate checked it already; this is the
 * second lock on the same door) and grantable (PKG_E_UNGRANTABLE).  Two
 * names that land in one slot (identity.status and identity.sign) become
 * one entry with the union of their rights.  VX_E_TOOBIG past cap entries.
 * Returns the number of entries written to out.
 */
int pkg_bundle_build(const struct vt_cap *foot, size_t nfoot, const struct vt_cap *allow,
		     size_t nallow, struct pkg_grant *out, uint32_t cap);

struct pkg_req {
	uint32_t op;		/* enum pkg_op */
	uint32_t index;		/* LIST, GRANT */
	char name[VX_MSG_DATA]; /* INSTALL: a file name; INFO, GRANT: a package name */
};

/*
 * Decodes m.  VX_OK and *r, or VX_E_NOSYS (unknown op), VX_E_INVAL (a len
 * that does not fit the op, a string without its NUL inside the message,
 * an empty string, a package name that breaks the name rule).
 */
int pkg_decode(const struct vx_msg *m, struct pkg_req *r);

/* "pkg/ab/cdef..." (2 + 62 hex digits) for a payload VCID: vfsd's path
 * components are at most 63 bytes, so the VCID is split after one byte. */
void pkg_store_path(char out[72], const uint8_t vcid[32]);

#endif
