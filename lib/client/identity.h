/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Client helpers for the identity protocol (vectra/proto/identity.h),
 * served by identityd, and the names of the errors of the identity and
 * package protocols.  Built for VectraOS only (identity.c, libvxclient.a).
 */
#ifndef VX_CLIENT_IDENTITY_H
#define VX_CLIENT_IDENTITY_H

#include <stddef.h>
#include <stdint.h>
#include "vectra/proto/identity.h"
#include "rt/svc.h"

/* ID_STATUS.  VX_OK, or identityd's / the transport's error. */
int vx_id_status(struct vx_client *c, struct id_status *st, uint64_t deadline);

/* ID_SIGN of msg[0..n): the signature and the Machine key that made it. */
int vx_id_sign(struct vx_client *c, const void *msg, size_t n, struct id_signature *out,
	       uint64_t deadline);

/* "ID_E_SEALED (the Machine key is sealed: log in first)" and the like for
 * an ID_E_* or PKG_E_* code; NULL for any other. */
const char *vx_id_strerror(int err);

#endif
