/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * init's voice.  Once uartd serves the console, init writes through its own
 * console connection like every other Task; before that (early boot) and
 * whenever uartd is down, it falls back to the kernel's console, which is
 * meant for exactly that.
 */
#include <stdarg.h>
#include "init.h"
#include "vx_string.h"
#include "client/console.h"

void say(const char *fmt, ...)
{
	struct vx_msg m;
	va_list ap;

	va_start(ap, fmt);
	vx_con_format(&m, fmt, ap);
	va_end(ap);
	/* Through uartd when it is up; a write it took and then died on is
	 * not repeated (it may have been printed).  Otherwise the kernel's
	 * console, which exists for early boot and exactly this. */
	if (init.log_up && vx_client_server_up(&init.log)) {
		vx_client_call(&init.log, &m, (uint64_t)vx_clock() + 200 * MS);
		return;
	}
	vx_console_write(init.io, m.data, m.len);
}
