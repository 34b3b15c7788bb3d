/* SPDX-License-Identifier: BSD-3-Clause */
#include "pure_id.h"
#include "vx_string.h"

uint32_t id_right_of(uint32_t op)
{
	switch (op) {
	case ID_STATUS:
		return ID_RIGHT_STATUS;
	case ID_SIGN:
		return ID_RIGHT_SIGN;
	case ID_LOGIN:
	case ID_LOCK:
		return ID_RIGHT_LOGIN;
	case ID_MINT:
	case ID_UNMINT:
		return ID_RIGHT_MINT;
	default:
		return 0;
	}
}

static uint32_t u32_at(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

int id_decode(const struct vx_msg *m, uint32_t rights, struct id_req *r)
{
	uint32_t need = id_right_of(m->op);

	memset(r, 0, sizeof(*r));
	if (!need)
		return VX_E_NOSYS;
	if (!(rights & need))
		return ID_E_DENIED;
	r->op = m->op;
	switch (m->op) {
	case ID_STATUS:
	case ID_LOCK:
		return m->len == 0 ? VX_OK : VX_E_INVAL;
	case ID_LOGIN:
	case ID_SIGN:
		if (m->len == 0 || m->len > (m->op == ID_LOGIN ? ID_PASS_MAX : ID_SIGN_MAX))
			return VX_E_INVAL;
		r->data = m->data;
		r->len = m->len;
		return VX_OK;
	case ID_MINT:
		if (m->len != 4)
			return VX_E_INVAL;
		r->arg = u32_at(m->data);
		if ((r->arg != ID_RIGHT_STATUS && r->arg != (ID_RIGHT_STATUS | ID_RIGHT_SIGN)) ||
		    (r->arg & ~rights))
			return VX_E_INVAL;
		return VX_OK;
	default: /* ID_UNMINT */
		if (m->len != 4)
			return VX_E_INVAL;
		r->arg = u32_at(m->data);
		return r->arg < ID_MINT_MAX ? VX_OK : VX_E_NOTFOUND;
	}
}
