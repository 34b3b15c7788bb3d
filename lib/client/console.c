/* SPDX-License-Identifier: BSD-3-Clause */
/* Formatted output through a console connection (see client/console.h). */
#include "client/console.h"
#include "vx_fmt.h"
#include "rt/syscall.h"
#include "vectra/proto/console.h"

void vx_con_format(struct vx_msg *m, const char *fmt, va_list ap)
{
	int n = vx_vsnprintf((char *)m->data, VX_MSG_DATA, fmt, ap);

	m->op = CONSOLE_WRITE;
	m->ncaps = 0;
	m->len = (uint16_t)(n < 0 ? 0 : n < (int)VX_MSG_DATA ? n : (int)VX_MSG_DATA - 1);
}

int vx_con_vprintf(struct vx_client *c, uint64_t deadline, const char *fmt, va_list ap)
{
	struct vx_msg m;

	vx_con_format(&m, fmt, ap);
	return vx_client_call(c, &m, deadline);
}

int vx_con_printf(struct vx_client *c, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vx_con_vprintf(c, (uint64_t)vx_clock() + 2000000000ull, fmt, ap);
	va_end(ap);
	return rc;
}
