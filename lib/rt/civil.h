/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Civil dates (the proleptic Gregorian calendar, UTC, no leap seconds) and
 * the days since 1970-01-01 they fall on, both ways.  Pure; the years
 * VX_CIVIL_YEAR_MIN..VX_CIVIL_YEAR_MAX, which is all any clock of ours
 * names (the CMOS clock's century ends in 2199).
 */
#ifndef VX_RT_CIVIL_H
#define VX_RT_CIVIL_H

#include <stdint.h>

#define VX_CIVIL_YEAR_MIN 1970
#define VX_CIVIL_YEAR_MAX 2199

struct vx_civil {
	uint16_t year;	/* VX_CIVIL_YEAR_MIN..VX_CIVIL_YEAR_MAX */
	uint8_t month;	/* 1..12 */
	uint8_t day;	/* 1..the month's length */
	uint8_t hour;	/* 0..23 */
	uint8_t minute; /* 0..59 */
	uint8_t second; /* 0..59 */
};

/* 1 for a leap year of the Gregorian calendar, else 0. */
int vx_civil_leap(unsigned year);

/* The days in month (1..12) of year; 0 for a month out of range. */
unsigned vx_civil_month_days(unsigned year, unsigned month);

/* Seconds since 1970-01-01 00:00:00 UTC of *c, or -1 when a field is out
 * of its range (day 31 of a 30-day month included). */
int64_t vx_civil_to_unix(const struct vx_civil *c);

/* The civil date and time of unix seconds s (0 .. the end of
 * VX_CIVIL_YEAR_MAX); -1 when s is outside that, else 0. */
int vx_civil_from_unix(int64_t s, struct vx_civil *out);

#endif
