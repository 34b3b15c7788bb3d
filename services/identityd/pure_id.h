/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * identityd's request decoding, pure (no I/O, no key): what a request asks
 * and whether this connection may ask it.  The service acts only on a
 * request id_decode accepted; nothing is read from a message afterwards.
 * Host-tested in tests/host/test_identity_req.c.
 */
#ifndef IDENTITYD_PURE_ID_H
#define IDENTITYD_PURE_ID_H

#include <stdint.h>
#include "rt/svc.h"
#include "vectra/proto/identity.h"

struct id_req {
	uint32_t op;	     /* enum id_op */
	const uint8_t *data; /* LOGIN: passphrase, SIGN: message (inside the msg) */
	uint32_t len;	     /* bytes at data */
	uint32_t arg;	     /* MINT: rights, UNMINT: id */
};

/*
 * Decodes m for a connection carrying rights (ID_RIGHT_*).  VX_OK and *r,
 * or: VX_E_NOSYS (unknown op), ID_E_DENIED (the right is missing; checked
 * before the data, so a narrowed connection learns nothing about the
 * shapes of requests it may not make), VX_E_INVAL (a length or argument
 * that does not fit the op: empty or over-long passphrase or message,
 * MINT rights other than the two facets or beyond the caller's), and
 * VX_E_NOTFOUND for an UNMINT id at or above ID_MINT_MAX.  m->len <= VX_MSG_DATA is the transport's
 * promise.
 */
int id_decode(const struct vx_msg *m, uint32_t rights, struct id_req *r);

/* The right an op needs, or 0 for an unknown op. */
uint32_t id_right_of(uint32_t op);

#endif
