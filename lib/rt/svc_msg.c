/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The pure half of the service shape (see rt/svc.h): one message's
 * dispatch, the pairing of a port's ends, and strings in messages.
 * Everything here reads only inside the message, whatever its len field
 * claims, and builds for the host too.  The transport is
 * sys_svc_transport.c.
 */
#include "rt/svc.h"
#include "vx_string.h"

bool vx_svc_dispatch(struct vx_server *s, struct vx_server_conn *c, struct vx_msg *m, vx_svc_fn fn,
		     void *ctx)
{
	uint32_t op = m->op, seq = m->seq;

	if (m->len > VX_MSG_DATA) {
		m->status = VX_E_INVAL;
		m->len = 0;
		m->ncaps = 0;
	} else {
		m->status = VX_OK;
		if (fn(s, c, m, ctx) == VX_SVC_DEFER)
			return false;
	}
	m->op = op;
	m->seq = seq;
	return true;
}

bool vx_svc_pair(struct vx_server *s, int64_t h, int64_t *req, int64_t *rep)
{
	if (!s->have_first) {
		s->first = h;
		s->have_first = true;
		return false;
	}
	s->have_first = false;
	*req = s->first;
	*rep = h;
	return true;
}

int vx_msg_str(const struct vx_msg *m, uint32_t off, char *buf, uint32_t cap)
{
	uint32_t len = m->len < VX_MSG_DATA ? m->len : VX_MSG_DATA;

	if (cap == 0 || off >= len)
		return VX_E_INVAL;
	for (uint32_t i = off; i < len; i++) {
		if (m->data[i] == 0) {
			uint32_t n = i - off;
			if (n >= cap)
				return VX_E_INVAL;
			memcpy(buf, m->data + off, n);
			buf[n] = 0;
			return (int)n;
		}
	}
	return VX_E_INVAL; /* no terminator inside the message */
}

int vx_msg_put_str(struct vx_msg *m, const char *s)
{
	size_t n = strlen(s) + 1;

	if (m->len > VX_MSG_DATA || n > VX_MSG_DATA - m->len)
		return VX_E_TOOBIG;
	memcpy(m->data + m->len, s, n);
	m->len = (uint16_t)(m->len + n);
	return VX_OK;
}

int vx_msg_first(const struct vx_msg *m, uint32_t *first)
{
	uint32_t v[2];

	if (m->len != sizeof(v))
		return VX_E_INVAL;
	memcpy(v, m->data, sizeof(v));
	if (v[1] != 0)
		return VX_E_INVAL;
	*first = v[0];
	return VX_OK;
}
