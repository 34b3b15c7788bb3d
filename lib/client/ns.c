/* SPDX-License-Identifier: BSD-3-Clause */
#include "client/ns.h"
#include "rt/syscall.h"
#include "vx_string.h"

int vx_ns_open_file(struct vx_client *c, const char *name, struct ns_object *obj, vx_handle_t *mem,
		    uint64_t deadline)
{
	struct vx_msg m = {.op = NS_RESOLVE};
	struct vx_cap_info info;
	int64_t h;
	int rc;

	*mem = VX_NO_HANDLE;
	if ((rc = vx_msg_put_str(&m, name)) < 0)
		return rc;
	rc = vx_client_call(c, &m, deadline);
	if (rc < 0)
		return rc;
	if (m.len < sizeof(*obj))
		return VX_E_CORRUPT;
	memcpy(obj, m.data, sizeof(*obj));
	if (obj->kind != NS_KIND_FILE || m.ncaps != 1) {
		for (uint16_t i = 0; i < m.ncaps; i++)
			if ((h = vx_ring_recv_cap(c->rep_h)) >= 0)
				vx_cap_delete((vx_handle_t)h);
		return obj->kind == NS_KIND_DIR ? VX_E_NOTFOUND : VX_E_CORRUPT;
	}
	if ((h = vx_ring_recv_cap(c->rep_h)) < 0)
		return (int)h;
	if ((rc = (int)vx_cap_inspect((vx_handle_t)h, &info)) < 0 || obj->offset > info.size ||
	    obj->size > info.size - obj->offset) {
		vx_cap_delete((vx_handle_t)h);
		return rc < 0 ? rc : VX_E_CORRUPT;
	}
	*mem = (vx_handle_t)h;
	return VX_OK;
}
