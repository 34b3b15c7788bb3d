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
#include "client/console.h"
#include "vectra/proto/console.h"

#define CONSOLE_VA  0x10000000ull
#define CONSOLE_BIT 1u

static struct vx_client con;

int main(const struct vx_bundle_page *b, const char *args)
{
	if (vx_client_open(&con, b, "console", CONSOLE_VA, CONSOLE_BIT) != VX_OK)
		return 3;
	vx_con_printf(&con, "hello from a Task with %u capabilities%s%s\n", b->count,
		      args[0] ? "; args: " : "", args);
	for (uint32_t i = 0; i < b->count; i++)
		vx_con_printf(&con, "  %s\n", b->entry[i].name);
	return 0;
}
