/* SPDX-License-Identifier: BSD-3-Clause */
/* Decoding the CMOS clock's registers (see pure_rtc.h). */
#include "pure_rtc.h"
#include <stdbool.h>
#include <vectra/abi.h>

/* A register's value: binary as it is, or two BCD digits; -1 for a BCD
 * byte with a digit above 9. */
static int value(uint8_t v, bool binary)
{
	if (binary)
		return v;
	if ((v & 0x0f) > 9 || (v >> 4) > 9)
		return -1;
	return (v >> 4) * 10 + (v & 0x0f);
}

int rtc_decode(const struct rtc_regs *r, struct vx_civil *out)
{
	bool binary = r->b & RTC_B_BINARY;
	bool pm = !(r->b & RTC_B_24H) && (r->hour & RTC_HOUR_PM);
	int sec = value(r->sec, binary), min = value(r->min, binary);
	int hour = value(r->b & RTC_B_24H ? r->hour : (uint8_t)(r->hour & ~RTC_HOUR_PM), binary);
	int day = value(r->day, binary), month = value(r->month, binary);
	int year = value(r->year, binary), century = value(r->century, binary);

	if (sec < 0 || min < 0 || hour < 0 || day < 0 || month < 0 || year < 0 || year > 99)
		return VX_E_CORRUPT;
	if (!(r->b & RTC_B_24H)) {
		/* 12-hour: 12 AM is 0, 12 PM is 12, 1..11 PM are 13..23. */
		if (hour < 1 || hour > 12)
			return VX_E_CORRUPT;
		hour = hour % 12 + (pm ? 12 : 0);
	}
	if (century < 19 || century > 21)
		century = 20;
	out->year = (uint16_t)(century * 100 + year);
	out->month = (uint8_t)month;
	out->day = (uint8_t)day;
	out->hour = (uint8_t)hour;
	out->minute = (uint8_t)min;
	out->second = (uint8_t)sec;
	return vx_civil_to_unix(out) < 0 ? VX_E_CORRUPT : VX_OK;
}
