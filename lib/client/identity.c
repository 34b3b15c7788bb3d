/* SPDX-License-Identifier: BSD-3-Clause */
#include "client/identity.h"
#include "vectra/proto/pkg.h"
#include "vx_string.h"

int vx_id_status(struct vx_client *c, struct id_status *st, uint64_t deadline)
{
	struct vx_msg m = {.op = ID_STATUS};
	int rc = vx_client_call(c, &m, deadline);

	if (rc < 0)
		return rc;
	if (m.len != sizeof(*st))
		return VX_E_CORRUPT;
	memcpy(st, m.data, sizeof(*st));
	return VX_OK;
}

int vx_id_sign(struct vx_client *c, const void *msg, size_t n, struct id_signature *out,
	       uint64_t deadline)
{
	struct vx_msg m = {.op = ID_SIGN};
	int rc;

	if (n == 0 || n > ID_SIGN_MAX)
		return VX_E_INVAL;
	memcpy(m.data, msg, n);
	m.len = (uint16_t)n;
	if ((rc = vx_client_call(c, &m, deadline)) < 0)
		return rc;
	if (m.len != sizeof(*out))
		return VX_E_CORRUPT;
	memcpy(out, m.data, sizeof(*out));
	return VX_OK;
}

const char *vx_id_strerror(int err)
{
	switch (err) {
	case ID_E_SEALED:
		return "ID_E_SEALED (the Machine key is sealed: log in first)";
	case ID_E_DENIED:
		return "ID_E_DENIED (this connection does not carry that right)";
	case ID_E_BACKOFF:
		return "ID_E_BACKOFF (too many wrong passphrases: wait, then try again)";
	case ID_E_NOKEY:
		return "ID_E_NOKEY (the boot image holds no SYS:etc/machine.key)";
	case PKG_E_UNGRANTABLE:
		return "PKG_E_UNGRANTABLE (a footprint capability this machine cannot grant)";
	case PKG_E_NOPOLICY:
		return "PKG_E_NOPOLICY (SYS:etc/policy is missing or does not parse)";
	default:
		return NULL;
	}
}
