/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtcd's pure half: what the CMOS clock's registers say (host-tested in
 * tests/host/test_rtc.c, fuzzed by tests/fuzz/fuzz_rtc.c).
 */
#ifndef RTCD_PURE_RTC_H
#define RTCD_PURE_RTC_H

#include <stdint.h>
#include "rt/civil.h"

/* CMOS register numbers (the MC146818's, and the century register that
 * QEMU and the ACPI FADT's default put at 0x32). */
enum {
	RTC_REG_SEC = 0x00,
	RTC_REG_MIN = 0x02,
	RTC_REG_HOUR = 0x04,
	RTC_REG_DAY = 0x07,
	RTC_REG_MONTH = 0x08,
	RTC_REG_YEAR = 0x09,
	RTC_REG_A = 0x0a, /* bit 7: an update is in progress */
	RTC_REG_B = 0x0b, /* bit 2: binary, not BCD; bit 1: 24-hour */
	RTC_REG_CENTURY = 0x32,
};
#define RTC_A_UIP    0x80
#define RTC_B_BINARY 0x04
#define RTC_B_24H    0x02
#define RTC_HOUR_PM  0x80 /* in the hour register of a 12-hour clock */

/* The registers as read, unconverted. */
struct rtc_regs {
	uint8_t sec, min, hour, day, month, year, century, b;
};

/* Decodes r (BCD or binary, 12- or 24-hour, per register B) into *out.
 * A century register that is not a valid 19..21 (some clocks have none)
 * counts as 20.  VX_OK, or VX_E_CORRUPT for a digit that is not BCD or a
 * field out of range (vx_civil_to_unix's rules). */
int rtc_decode(const struct rtc_regs *r, struct vx_civil *out);

#endif
