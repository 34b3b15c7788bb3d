/* SPDX-License-Identifier: BSD-3-Clause */
#include "rt/vx.h"

int main(const struct vx_bundle_page *bundle, const char *args)
{
	int64_t io = vx_bundle_handle(bundle, "ioports", VX_OBJ_IOPORT);
	vx_print_init((vx_handle_t)io);
	vx_printf("init: hello, %u slots in my bundle\n", bundle->count);
	return 0;
}
