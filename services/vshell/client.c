/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Calls on the shell's connections to fs, ns and init (rt/svc.h).  These
 * are plain request/reply: a call that times out is abandoned, and its late
 * reply is dropped by sequence number in vx_client_call.  Capabilities that
 * travelled with such a late reply would stay queued on the rep Ring and be
 * taken for the next call's, so every call first throws them away.
 */
#include "shell.h"

uint64_t client_deadline(void)
{
	return (uint64_t)vx_clock() + CALL_TIMEOUT;
}

void client_open(struct vsh_client *k, const char *name, uint64_t va, uint32_t bit)
{
	k->name = name;
	k->open = vx_client_open(&k->c, shell.bundle, name, va, bit) == VX_OK;
}

void client_drop_caps(struct vsh_client *k)
{
	int64_t h;

	/* VX_E_REVOKED consumed an emptied slot: keep going. */
	while ((h = vx_ring_recv_cap(k->c.rep_h)) >= 0 || h == VX_E_REVOKED)
		if (h >= 0)
			vx_cap_delete((vx_handle_t)h);
}

int client_call(struct vsh_client *k, struct vx_msg *m)
{
	if (!k->open)
		return VX_E_NOTFOUND;
	client_drop_caps(k);
	return vx_client_call(&k->c, m, client_deadline());
}

int client_call_for(struct vsh_client *k, struct vx_msg *m, uint64_t timeout_ns)
{
	if (!k->open)
		return VX_E_NOTFOUND;
	client_drop_caps(k);
	return vx_client_call(&k->c, m, (uint64_t)vx_clock() + timeout_ns);
}

bool client_retry(struct vsh_client *k, int rc, int *tries)
{
	if (rc != VX_E_AGAIN || !k->open || (*tries)++ > 0)
		return false;
	return vx_client_wait_up(&k->c, client_deadline()) == VX_OK;
}

int64_t client_take_cap(struct vsh_client *k)
{
	return vx_ring_recv_cap(k->c.rep_h);
}

bool client_report(const char *cmd, const struct vsh_client *k, int rc)
{
	const char *why;

	if (!k->open && rc == VX_E_NOTFOUND)
		why = "this shell was given no connection to it";
	else if (rc == VX_E_AGAIN)
		why = "it is not running (restarting, or stopped: see ps)";
	else if (rc == VX_E_TIMEOUT)
		why = "it did not answer in time";
	else if (rc == VX_E_CORRUPT && k != &shell.fs)
		why = "the connection is corrupt"; /* vfsd's VX_E_CORRUPT is a damaged file */
	else
		return false;
	con_printf("%s: cannot reach %s: %s\n", cmd, k->name, why);
	return true;
}
