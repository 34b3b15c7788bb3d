/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Civil dates and Unix seconds (see civil.h).  Counted the plain way, a
 * year or a month at a time: at most 230 years, and nothing calls this in
 * a hot path.
 */
#include "rt/civil.h"

#define DAY_S 86400

int vx_civil_leap(unsigned year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

unsigned vx_civil_month_days(unsigned year, unsigned month)
{
	static const uint8_t days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (month < 1 || month > 12)
		return 0;
	return days[month - 1] + (month == 2 ? (unsigned)vx_civil_leap(year) : 0);
}

int64_t vx_civil_to_unix(const struct vx_civil *c)
{
	if (c->year < VX_CIVIL_YEAR_MIN || c->year > VX_CIVIL_YEAR_MAX || c->day < 1 ||
	    c->day > vx_civil_month_days(c->year, c->month) || c->hour > 23 || c->minute > 59 ||
	    c->second > 59)
		return -1;
	int64_t days = 0;
	for (unsigned y = VX_CIVIL_YEAR_MIN; y < c->year; y++)
		days += 365 + vx_civil_leap(y);
	for (unsigned m = 1; m < c->month; m++)
		days += vx_civil_month_days(c->year, m);
	days += c->day - 1;
	return days * DAY_S + c->hour * 3600 + c->minute * 60 + c->second;
}

int vx_civil_from_unix(int64_t s, struct vx_civil *out)
{
	if (s < 0)
		return -1;
	int64_t days = s / DAY_S, rest = s % DAY_S;
	unsigned y = VX_CIVIL_YEAR_MIN, m = 1;

	for (;;) {
		if (y > VX_CIVIL_YEAR_MAX)
			return -1;
		unsigned len = 365 + (unsigned)vx_civil_leap(y);
		if (days < len)
			break;
		days -= len;
		y++;
	}
	while (days >= vx_civil_month_days(y, m))
		days -= vx_civil_month_days(y, m++);
	out->year = (uint16_t)y;
	out->month = (uint8_t)m;
	out->day = (uint8_t)(days + 1);
	out->hour = (uint8_t)(rest / 3600);
	out->minute = (uint8_t)(rest % 3600 / 60);
	out->second = (uint8_t)(rest % 60);
	return 0;
}
