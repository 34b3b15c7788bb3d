/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host tests of the wall clock's pure parts: lib/rt/civil.c (dates and
 * Unix seconds, against values Python's calendar.timegm gave, and every
 * day of 1970..2199 both ways) and rtcd's decoding of the CMOS clock's
 * registers (services/rtcd/pure_rtc.c): BCD and binary, 12- and 24-hour,
 * the century, and every bad value by name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <vectra/abi.h>
#include "rt/civil.h"
#include "../../services/rtcd/pure_rtc.h"

static struct vx_civil civil(unsigned y, unsigned mo, unsigned d, unsigned h, unsigned mi,
			     unsigned s)
{
	struct vx_civil c = {(uint16_t)y, (uint8_t)mo, (uint8_t)d,
			     (uint8_t)h,  (uint8_t)mi, (uint8_t)s};
	return c;
}

/* Anchors from calendar.timegm. */
static void test_civil_anchors(void **state)
{
	static const struct {
		unsigned y, mo, d, h, mi, s;
		int64_t unix;
	} v[] = {
	    {1970, 1, 1, 0, 0, 0, 0},
	    {2000, 3, 1, 0, 0, 0, 951868800},
	    {2024, 2, 29, 12, 0, 0, 1709208000},
	    {2026, 12, 1, 22, 15, 3, 1796163303},
	    {2038, 1, 19, 3, 14, 8, 2147483648},
	    {2100, 3, 1, 0, 0, 0, 4107542400},
	    {2199, 12, 31, 23, 59, 59, 7258118399},
	};
	struct vx_civil c, back;

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		c = civil(v[i].y, v[i].mo, v[i].d, v[i].h, v[i].mi, v[i].s);
		assert_int_equal(vx_civil_to_unix(&c), v[i].unix);
		assert_int_equal(vx_civil_from_unix(v[i].unix, &back), 0);
		assert_memory_equal(&back, &c, sizeof(c));
	}
}

/* Every day of the range, both ways, and each day one more than the last. */
static void test_civil_every_day(void **state)
{
	struct vx_civil c, back;
	int64_t last = -86400;

	(void)state;
	for (unsigned y = VX_CIVIL_YEAR_MIN; y <= VX_CIVIL_YEAR_MAX; y++) {
		for (unsigned m = 1; m <= 12; m++) {
			for (unsigned d = 1; d <= vx_civil_month_days(y, m); d++) {
				c = civil(y, m, d, 0, 0, 0);
				int64_t s = vx_civil_to_unix(&c);
				assert_int_equal(s, last + 86400);
				assert_int_equal(vx_civil_from_unix(s + 86399, &back), 0);
				assert_int_equal(back.year, y);
				assert_int_equal(back.month, m);
				assert_int_equal(back.day, d);
				assert_int_equal(back.hour * 3600 + back.minute * 60 + back.second,
						 86399);
				last = s;
			}
		}
	}
}

static void test_civil_rules(void **state)
{
	struct vx_civil c, out;

	(void)state;
	assert_true(vx_civil_leap(2000) && vx_civil_leap(2024));
	assert_false(vx_civil_leap(1900) || vx_civil_leap(2100) || vx_civil_leap(2023));
	assert_int_equal(vx_civil_month_days(2023, 2), 28);
	assert_int_equal(vx_civil_month_days(2024, 2), 29);
	assert_int_equal(vx_civil_month_days(2024, 13), 0);
	assert_int_equal(vx_civil_month_days(2024, 0), 0);
	/* Each field out of its range. */
	c = civil(2023, 2, 29, 0, 0, 0);
	assert_int_equal(vx_civil_to_unix(&c), -1);
	c = civil(2024, 4, 31, 0, 0, 0);
	assert_int_equal(vx_civil_to_unix(&c), -1);
	c = civil(2024, 1, 0, 0, 0, 0);
	assert_int_equal(vx_civil_to_unix(&c), -1);
	c = civil(2024, 0, 1, 0, 0, 0);
	assert_int_equal(vx_civil_to_unix(&c), -1);
	c = civil(2024, 1, 1, 24, 0, 0);
	assert_int_equal(vx_civil_to_unix(&c), -1);
	c = civil(2024, 1, 1, 0, 60, 0);
	assert_int_equal(vx_civil_to_unix(&c), -1);
	c = civil(2024, 1, 1, 0, 0, 60);
	assert_int_equal(vx_civil_to_unix(&c), -1);
	c = civil(1969, 12, 31, 0, 0, 0);
	assert_int_equal(vx_civil_to_unix(&c), -1);
	c = civil(2200, 1, 1, 0, 0, 0);
	assert_int_equal(vx_civil_to_unix(&c), -1);
	assert_int_equal(vx_civil_from_unix(-1, &out), -1);
	assert_int_equal(vx_civil_from_unix(7258118400, &out), -1); /* 2200-01-01 */
}

static struct rtc_regs regs(uint8_t sec, uint8_t min, uint8_t hour, uint8_t day, uint8_t month,
			    uint8_t year, uint8_t century, uint8_t b)
{
	struct rtc_regs r = {sec, min, hour, day, month, year, century, b};
	return r;
}

static void decoded(const struct rtc_regs *r, int64_t want)
{
	struct vx_civil c;

	assert_int_equal(rtc_decode(r, &c), VX_OK);
	assert_int_equal(vx_civil_to_unix(&c), want);
}

static void test_rtc_decode(void **state)
{
	struct rtc_regs r;

	(void)state;
	/* BCD, 24-hour: what QEMU's clock holds by default. */
	r = regs(0x03, 0x15, 0x22, 0x01, 0x12, 0x26, 0x20, RTC_B_24H);
	decoded(&r, 1796163303);
	/* Binary, 24-hour. */
	r = regs(3, 15, 22, 1, 12, 26, 20, RTC_B_24H | RTC_B_BINARY);
	decoded(&r, 1796163303);
	/* BCD, 12-hour: 10 PM, 12 AM (midnight) and 12 PM (noon). */
	r = regs(0x03, 0x15, RTC_HOUR_PM | 0x10, 0x01, 0x12, 0x26, 0x20, 0);
	decoded(&r, 1796163303);
	r = regs(0x00, 0x00, 0x12, 0x01, 0x01, 0x70, 0x19, 0);
	decoded(&r, 0);
	r = regs(0x00, 0x00, RTC_HOUR_PM | 0x12, 0x01, 0x01, 0x70, 0x19, 0);
	decoded(&r, 12 * 3600);
	/* Binary, 12-hour, 1 PM. */
	r = regs(0, 0, RTC_HOUR_PM | 1, 1, 1, 70, 19, RTC_B_BINARY);
	decoded(&r, 13 * 3600);
	/* A clock without a valid century register counts from 2000. */
	r = regs(0x00, 0x00, 0x00, 0x01, 0x03, 0x00, 0x00, RTC_B_24H);
	decoded(&r, 951868800);
	r = regs(0x00, 0x00, 0x00, 0x01, 0x03, 0x00, 0xff, RTC_B_24H);
	decoded(&r, 951868800);
	r = regs(0x59, 0x59, 0x23, 0x31, 0x12, 0x99, 0x21, RTC_B_24H);
	decoded(&r, 7258118399);
}

static void test_rtc_decode_bad(void **state)
{
	static const struct {
		const char *why;
		struct rtc_regs r;
	} bad[] = {
	    {"a BCD digit above 9", {0x0a, 0x00, 0x00, 0x01, 0x01, 0x26, 0x20, RTC_B_24H}},
	    {"a BCD tens digit above 9", {0x00, 0xa0, 0x00, 0x01, 0x01, 0x26, 0x20, RTC_B_24H}},
	    {"second 60", {0x60, 0x00, 0x00, 0x01, 0x01, 0x26, 0x20, RTC_B_24H}},
	    {"minute 60", {0x00, 0x60, 0x00, 0x01, 0x01, 0x26, 0x20, RTC_B_24H}},
	    {"hour 24", {0x00, 0x00, 0x24, 0x01, 0x01, 0x26, 0x20, RTC_B_24H}},
	    {"12-hour hour 0", {0x00, 0x00, 0x00, 0x01, 0x01, 0x26, 0x20, 0}},
	    {"12-hour hour 13", {0x00, 0x00, 0x13, 0x01, 0x01, 0x26, 0x20, 0}},
	    {"day 0", {0x00, 0x00, 0x00, 0x00, 0x01, 0x26, 0x20, RTC_B_24H}},
	    {"day 31 of April", {0x00, 0x00, 0x00, 0x31, 0x04, 0x26, 0x20, RTC_B_24H}},
	    {"29 February of 2023", {0x00, 0x00, 0x00, 0x29, 0x02, 0x23, 0x20, RTC_B_24H}},
	    {"month 0", {0x00, 0x00, 0x00, 0x01, 0x00, 0x26, 0x20, RTC_B_24H}},
	    {"month 13", {0x00, 0x00, 0x00, 0x01, 0x13, 0x26, 0x20, RTC_B_24H}},
	    {"binary year 100", {0, 0, 0, 1, 1, 100, 20, RTC_B_24H | RTC_B_BINARY}},
	    {"binary month 255", {0, 0, 0, 1, 255, 26, 20, RTC_B_24H | RTC_B_BINARY}},
	    {"year 1969", {0x00, 0x00, 0x00, 0x01, 0x01, 0x69, 0x19, RTC_B_24H}},
	    {"all ones (no clock)", {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
	};
	struct vx_civil c;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (rtc_decode(&bad[i].r, &c) != VX_E_CORRUPT)
			fail_msg("%s: not refused", bad[i].why);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_civil_anchors),  cmocka_unit_test(test_civil_every_day),
	    cmocka_unit_test(test_civil_rules),	   cmocka_unit_test(test_rtc_decode),
	    cmocka_unit_test(test_rtc_decode_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
