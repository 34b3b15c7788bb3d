/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The package protocol, served by vpkg (the install gate) over connections
 * named "pkg" (rt/svc.h shape).  The only way a package gets onto the
 * machine is PKG_INSTALL, and PKG_INSTALL runs every check of
 * `vectra pkg verify --policy` (lib/trust's vt_gate, the same code) against
 * the machine's policy, SYS:etc/policy.
 *
 *   PKG_INSTALL  data: a file name, NUL-terminated: "SYS:..." through nsd
 *                (the boot image), anything else a vfsd path
 *                -> struct pkg_info of the installed package.  The payload
 *                is stored in vfsd as pkg/<hex of the payload VCID>.
 *                Refusals: the gate's VT_E_* (docs/TRUST.md, in the gate's
 *                order), PKG_E_UNGRANTABLE (the policy allows a capability
 *                this machine has no way to grant), PKG_E_NOPOLICY,
 *                VX_E_EXISTS (a package of that name is installed),
 *                VX_E_NOTFOUND (no such file), VX_E_TOOBIG (over
 *                PKG_FILE_MAX), VX_E_FULL (PKG_MAX installed), or the
 *                fs/ns transport's error.
 *   PKG_LIST     data: u32 index -> struct pkg_info of the index-th
 *                installed package, VX_E_NOTFOUND past the end
 *   PKG_INFO     data: name, NUL-terminated -> struct pkg_info,
 *                VX_E_NOTFOUND if no package has that name
 *   PKG_GRANT    data: u32 index, then a name, NUL-terminated ->
 *                struct pkg_grant: the index-th entry of the package's
 *                Bundle, VX_E_NOTFOUND past the end
 *
 * THE FOOTPRINT IS THE BUNDLE
 *
 * A manifest declares capability names; the gate checks each is allowed by
 * the policy.  vpkg turns them into Bundle entries with one table
 * (services/vpkg/pure_bundle.c, host-tested), at install time, and refuses
 * a package with a name it cannot turn into a grant:
 *
 *   console          slot console: a connection to "console"
 *   fs               slot fs: a connection to "fs"
 *   ns               slot ns: a connection to "ns"
 *   identity.status  slot identity: a minted identityd connection, STATUS
 *   identity.sign    slot identity: the same with STATUS | SIGN
 *
 * The shell's `run NAME` of a package asks PKG_GRANT for each entry and
 * grants exactly those, nothing from its command line.
 *
 * Any other op, 0xffffffff included: VX_E_NOSYS.  A len that does not fit
 * the op: VX_E_INVAL.
 */
#ifndef VECTRA_PROTO_PKG_H
#define VECTRA_PROTO_PKG_H

#include <stddef.h>
#include <stdint.h>

enum pkg_op { PKG_INSTALL = 1, PKG_LIST = 2, PKG_INFO = 3, PKG_GRANT = 4 };

#define PKG_MAX	     8u		/* installed packages */
#define PKG_FILE_MAX (1u << 20) /* bytes of a .vpkg file vpkg reads */
#define PKG_GRANTS   8u		/* Bundle entries of one package */

/* Errors of this protocol (docs/ABI.md, section 4). */
#define PKG_E_UNGRANTABLE (-150) /* a footprint capability this machine cannot grant */
#define PKG_E_NOPOLICY	  (-151) /* SYS:etc/policy is missing or does not parse */

struct pkg_info {
	char name[40];	     /* NUL-terminated, 1..32 bytes */
	char version[40];    /* NUL-terminated */
	uint8_t vcid[32];    /* the package's VCID (of its manifest) */
	uint8_t payload[32]; /* the payload's VCID: stored as pkg/<hex> */
	uint64_t payload_size;
	char person[40];     /* the certifying Person's name in the policy */
	char machine[40];    /* the signing Machine's name in its certificate */
	uint32_t ngrants;    /* Bundle entries (PKG_GRANT) */
	uint32_t rebuilders; /* policy rebuilders that attested */
};
_Static_assert(sizeof(struct pkg_info) == 240, "pkg_info fills one message");
_Static_assert(offsetof(struct pkg_info, vcid) == 80, "pkg_info layout");
_Static_assert(offsetof(struct pkg_info, payload_size) == 144, "pkg_info layout");
_Static_assert(offsetof(struct pkg_info, ngrants) == 232, "pkg_info layout");

enum pkg_grant_kind {
	PKG_GRANT_CONNECT = 1,	/* a connection to the service that serves target */
	PKG_GRANT_IDENTITY = 2, /* an identityd connection minted with rights */
};

struct pkg_grant {
	char cap[56];	 /* the manifest's capability name, NUL-terminated */
	char slot[24];	 /* the Bundle slot prefix: slot.req, slot.rep */
	char target[24]; /* CONNECT: the serve name */
	uint32_t kind;	 /* enum pkg_grant_kind */
	uint32_t rights; /* IDENTITY: ID_RIGHT_* (vectra/proto/identity.h) */
};
_Static_assert(sizeof(struct pkg_grant) == 112, "pkg_grant layout");
_Static_assert(offsetof(struct pkg_grant, kind) == 104, "pkg_grant layout");

#endif
