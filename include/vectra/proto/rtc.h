/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The wall clock, served by rtcd over connections named "rtc" (rt/svc.h
 * shape).  rtcd holds the two I/O ports of the PC's CMOS clock (0x70,
 * 0x71) and nothing else.  It reads the clock once, at start (waiting out
 * an update in progress, and reading until two reads agree), and from
 * then on counts from that reading with the kernel's monotonic clock
 * (VX_SYS_CLOCK): the CMOS clock has a one-second grain and costs dozens
 * of port accesses a read.  The clock is UTC (QEMU's default; a CMOS
 * clock set to local time is read as if it were UTC).
 *
 *   RTC_NOW   no data -> struct rtc_now: the time now, in nanoseconds
 *             since 1970-01-01 00:00:00 UTC, and the monotonic clock at
 *             the moment it describes (so that a client may keep counting
 *             itself).  VX_E_CORRUPT when the CMOS clock held no valid
 *             date (a field out of range, a year outside 1970..2199, or
 *             a clock that never settled): rtcd says why once, on the
 *             console, and answers every request so.
 *
 * Any other op is VX_E_NOSYS; data with RTC_NOW is VX_E_INVAL.
 */
#ifndef VECTRA_PROTO_RTC_H
#define VECTRA_PROTO_RTC_H

#include <stdint.h>

enum rtc_op {
	RTC_NOW = 1,
};

struct rtc_now {
	uint64_t unix_ns;  /* ns since 1970-01-01 00:00:00 UTC */
	uint64_t clock_ns; /* VX_SYS_CLOCK's value at that moment */
};
_Static_assert(sizeof(struct rtc_now) == 16, "rtc.h: rtc_now layout");

#endif
