/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * denied: shows that a Task holds only what it was granted.  Run it with
 * `run denied with console`: it asks its Bundle for an "fs" connection it
 * was not given, then makes a raw syscall on a handle it made up, and
 * prints the error each attempt gets.  Both are refusals, not crashes:
 * there is no ambient authority to fall back on.
 *
 * Bundle: console.req, console.rep (Rings; without them it exits 3).
 */
#include "rt/vx.h"
#include "rt/svc.h"
#include "client/console.h"
#include "rt/errstr.h"
#include "vectra/proto/console.h"

#define CONSOLE_VA  0x10000000ull
#define FS_VA	    0x10010000ull
#define CONSOLE_BIT 1u
#define FS_BIT	    2u
#define MADE_UP	    0x1234u /* slot 0x34, generation 0x12: never issued to us */

static struct vx_client con;

int main(const struct vx_bundle_page *b)
{
	struct vx_client fs;
	struct vx_cap_info info;
	int rc;

	if (vx_client_open(&con, b, "console", CONSOLE_VA, CONSOLE_BIT) != VX_OK)
		return 3;
	rc = vx_client_open(&fs, b, "fs", FS_VA, FS_BIT);
	vx_con_printf(&con, "denied: open my \"fs\" connection: %s\n",
		      rc == VX_OK ? "VX_OK?! (I was granted fs after all)" : vx_strerror(rc));
	rc = (int)vx_cap_inspect(MADE_UP, &info);
	vx_con_printf(&con, "denied: inspect made-up handle 0x%x: %s\n", MADE_UP,
		      rc == VX_OK ? "VX_OK?! (that handle is real)" : vx_strerror(rc));
	vx_con_printf(&con, "denied: nothing outside my Bundle is reachable\n");
	return 0;
}
