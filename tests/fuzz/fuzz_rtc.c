/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for rtcd's decoding of the CMOS clock's registers
 * (services/rtcd/pure_rtc.c) and lib/rt/civil.c.  The input is the eight
 * registers (seconds, minutes, hours, day, month, year, century, B), then
 * eight bytes of Unix seconds.
 *
 * Invariants: a decoded date converts to Unix seconds and back to itself;
 * anything else is VX_E_CORRUPT; any Unix seconds that convert to a date
 * convert back to the same seconds.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vectra/abi.h"
#include "rt/civil.h"
#include "../../services/rtcd/pure_rtc.h"

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "fuzz_rtc: %s\n", #c);                                     \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rtc_regs r;
	struct vx_civil c, back;

	if (size < 8)
		return 0;
	r = (struct rtc_regs){data[0], data[1], data[2], data[3],
			      data[4], data[5], data[6], data[7]};
	int rc = rtc_decode(&r, &c);
	CHECK(rc == VX_OK || rc == VX_E_CORRUPT);
	if (rc == VX_OK) {
		int64_t s = vx_civil_to_unix(&c);
		CHECK(s >= 0);
		CHECK(vx_civil_from_unix(s, &back) == 0);
		CHECK(memcmp(&back, &c, sizeof(c)) == 0);
	}
	if (size >= 16) {
		int64_t s;
		memcpy(&s, data + 8, 8);
		s %= 8000000000ll; /* around the range's ends, both sides */
		if (vx_civil_from_unix(s, &back) == 0)
			CHECK(vx_civil_to_unix(&back) == s);
		else
			CHECK(s < 0 || s >= 7258118400ll);
	}
	return 0;
}
