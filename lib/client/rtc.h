/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Client helper for the wall clock (vectra/proto/rtc.h), served by rtcd
 * over connections named "rtc".  Built for VectraOS only (rtc.c,
 * libvxclient.a).
 */
#ifndef VX_CLIENT_RTC_H
#define VX_CLIENT_RTC_H

#include <stdint.h>
#include "vectra/proto/rtc.h"
#include "rt/svc.h"

/*
 * RTC_NOW, as the offset to add to the monotonic clock (vx_clock()) for
 * nanoseconds since 1970-01-01 UTC: VX_OK with *offset, rtcd's error
 * (VX_E_CORRUPT: the CMOS clock holds no valid date), the transport's
 * (rt/svc.h), or VX_E_CORRUPT for a reply without the documented shape or
 * a time before the monotonic clock's start.
 */
int vx_rtc_client_offset(struct vx_client *c, uint64_t *offset, uint64_t deadline);

#endif
