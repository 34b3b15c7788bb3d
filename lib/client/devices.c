/* SPDX-License-Identifier: BSD-3-Clause */
/* Client of the device manager's protocol: see devices.h. */
#include "client/devices.h"
#include "rt/vx.h"
#include "vx_string.h"

#define RETRY_NS 20000000ull /* between DEV_OPENs while the driver restarts */

int vx_dev_open(struct vx_client *devd, const struct dev_open *o, struct dev_opened *opened,
		struct vx_client *c, uint64_t va, uint32_t bit, uint64_t deadline)
{
	struct vx_msg m = {.op = DEV_OPEN, .len = sizeof(*o)};
	int64_t req, rep;
	int rc;

	memcpy(m.data, o, sizeof(*o));
	rc = vx_client_call(devd, &m, deadline);
	if (rc == VX_E_AGAIN)
		return VX_E_HANGUP; /* devd is not running: nothing was asked */
	if (rc == VX_OK && (m.ncaps != 2 || m.len != sizeof(*opened)))
		rc = VX_E_CORRUPT;
	if (rc != VX_OK)
		return rc;
	memcpy(opened, m.data, sizeof(*opened));
	req = vx_ring_recv_cap(devd->rep_h);
	rep = vx_ring_recv_cap(devd->rep_h);
	if (req >= 0 && rep >= 0 &&
	    (rc = vx_client_attach(c, (vx_handle_t)req, (vx_handle_t)rep, va, bit)) == VX_OK)
		return VX_OK;
	if (req >= 0)
		vx_cap_delete((vx_handle_t)req);
	if (rep >= 0)
		vx_cap_delete((vx_handle_t)rep);
	return req < 0 || rep < 0 ? VX_E_CORRUPT : rc;
}

int vx_dev_open_wait(struct vx_client *devd, const struct dev_open *o, struct dev_opened *opened,
		     struct vx_client *c, uint64_t va, uint32_t bit, uint64_t deadline)
{
	for (;;) {
		int rc = vx_dev_open(devd, o, opened, c, va, bit, deadline);
		if (rc != VX_E_STATE)
			return rc;
		uint64_t now = (uint64_t)vx_clock();
		if (now >= deadline)
			return VX_E_TIMEOUT;
		vx_sig_wait(0, now + RETRY_NS < deadline ? now + RETRY_NS : deadline);
	}
}

int vx_dev_open_patient(struct vx_client *devd, const struct dev_open *o, struct dev_opened *opened,
			struct vx_client *c, uint64_t va, uint32_t bit, uint64_t deadline)
{
	for (;;) {
		int rc = vx_dev_open_wait(devd, o, opened, c, va, bit, deadline);
		if (rc != VX_E_HANGUP)
			return rc;
		if (vx_client_wait_up(devd, deadline) != VX_OK)
			return VX_E_HANGUP;
	}
}

void vx_dev_close(struct vx_client *c)
{
	vx_ring_unbind(c->req_h);
	vx_ring_unbind(c->rep_h);
	vx_cap_delete(c->req_h);
	vx_cap_delete(c->rep_h);
	memset(c, 0, sizeof(*c)); /* no connection: a call on it is VX_E_STATE */
}
