/* SPDX-License-Identifier: BSD-3-Clause */
#include "pure_secret.h"
#include "vx_string.h"

void vsh_secret_wipe(struct vsh_secret *s)
{
	volatile char *p = s->buf;

	for (size_t i = 0; i < sizeof(s->buf); i++)
		p[i] = 0;
	s->n = 0;
	s->extra = 0;
}

void vsh_secret_init(struct vsh_secret *s)
{
	vsh_secret_wipe(s);
}

enum vsh_secret_event vsh_secret_feed(struct vsh_secret *s, uint8_t c)
{
	switch (c) {
	case '\r':
	case '\n':
		if (s->extra) {
			vsh_secret_wipe(s);
			return VSH_SECRET_TOOLONG;
		}
		return VSH_SECRET_DONE;
	case 0x03: /* Ctrl-C */
		vsh_secret_wipe(s);
		return VSH_SECRET_CANCEL;
	case 0x15: /* Ctrl-U */
		vsh_secret_wipe(s);
		return VSH_SECRET_MORE;
	case 0x7f:
	case 0x08:
		if (s->extra)
			s->extra--;
		else if (s->n > 0)
			s->buf[--s->n] = 0;
		return VSH_SECRET_MORE;
	default:
		break;
	}
	if (c < 0x20)
		return VSH_SECRET_MORE;
	if (s->n == sizeof(s->buf))
		s->extra += s->extra < UINT32_MAX;
	else
		s->buf[s->n++] = (char)c;
	return VSH_SECRET_MORE;
}
