/* SPDX-License-Identifier: BSD-3-Clause */
/* The wall clock's client helper (see client/rtc.h). */
#include "client/rtc.h"
#include "vx_string.h"

int vx_rtc_client_offset(struct vx_client *c, uint64_t *offset, uint64_t deadline)
{
	struct vx_msg m = {.op = RTC_NOW};
	struct rtc_now n;
	int rc = vx_client_call(c, &m, deadline);

	if (rc < 0)
		return rc;
	if (m.len != sizeof(n))
		return VX_E_CORRUPT;
	memcpy(&n, m.data, sizeof(n));
	if (n.unix_ns <= n.clock_ns)
		return VX_E_CORRUPT;
	*offset = n.unix_ns - n.clock_ns;
	return VX_OK;
}
