/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Calls on the shell's connections to fs, ns and init (rt/svc.h).  These
 * are plain request/reply: a call that times out is abandoned, and its late
 * reply is dropped by sequence number in vx_client_call.  Capabilities that
 * travelled with such a late reply would stay queued on the rep Ring and be
 * taken for the next call's, so every call first throws them away.
 */
#include "shell.h"

uint64_t conn_deadline(void)
{
	return (uint64_t)vx_clock() + CALL_TIMEOUT;
}

void conn_open(struct vsh_conn *k, const char *name, uint64_t va, uint32_t bit)
{
	k->name = name;
	k->open = vx_client_open(&k->c, sh.bundle, name, va, bit) == VX_OK;
}

void conn_drop_caps(struct vsh_conn *k)
{
	int64_t h;

	/* VX_E_REVOKED consumed an emptied slot: keep going. */
	while ((h = vx_ring_recv_cap(k->c.rep_h)) >= 0 || h == VX_E_REVOKED)
		if (h >= 0)
			vx_cap_delete((vx_handle_t)h);
}

int conn_call(struct vsh_conn *k, struct vx_msg *m)
{
	if (!k->open)
		return VX_E_NOTFOUND;
	conn_drop_caps(k);
	return vx_client_call(&k->c, m, conn_deadline());
}

bool conn_retry(struct vsh_conn *k, int rc, int *tries)
{
	if (rc != VX_E_AGAIN || !k->open || (*tries)++ > 0)
		return false;
	return vx_client_wait_up(&k->c, conn_deadline()) == VX_OK;
}

int64_t conn_take_cap(struct vsh_conn *k)
{
	return vx_ring_recv_cap(k->c.rep_h);
}

bool conn_report(const char *cmd, const struct vsh_conn *k, int rc)
{
	const char *why;

	if (!k->open && rc == VX_E_NOTFOUND)
		why = "this shell was given no connection to it";
	else if (rc == VX_E_AGAIN)
		why = "it is not running (restarting?)";
	else if (rc == VX_E_TIMEOUT)
		why = "it did not answer in time";
	else if (rc == VX_E_CORRUPT)
		why = "the connection is corrupt";
	else
		return false;
	con_printf("%s: cannot reach %s: %s\n", cmd, k->name, why);
	return true;
}
