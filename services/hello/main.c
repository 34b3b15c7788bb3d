/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hello: the smallest program the shell runs.  It holds only what it was
 * granted; with `run hello with console` that is one connection to uartd
 * (console.req and console.rep), through which it greets and lists its
 * Bundle.  Without a console it has nobody to talk to and exits 3.
 *
 * Bundle: console.req, console.rep (Rings; optional).
 */
#include "rt/vx.h"
#include "rt/svc.h"
#include "proto/console.h"

#define CONSOLE_VA  0x10000000ull
#define CONSOLE_BIT 1u

static struct vx_client con;

/* One line to the console (at most VX_MSG_DATA bytes). */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	struct vx_msg m = {.op = CONSOLE_WRITE};
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vx_vsnprintf((char *)m.data, VX_MSG_DATA, fmt, ap);
	va_end(ap);
	m.len = (uint16_t)(n < (int)VX_MSG_DATA ? n : (int)VX_MSG_DATA - 1);
	vx_client_call(&con, &m, (uint64_t)vx_clock() + 2000000000ull);
}

int main(const struct vx_bundle_page *b, const char *args)
{
	if (vx_client_open(&con, b, "console", CONSOLE_VA, CONSOLE_BIT) != VX_OK)
		return 3;
	say("hello from a Task with %u capabilities%s%s\n", b->count, args[0] ? "; args: " : "",
	    args);
	for (uint32_t i = 0; i < b->count; i++)
		say("  %s\n", b->entry[i].name);
	return 0;
}
