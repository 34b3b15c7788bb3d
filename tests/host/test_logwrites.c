/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dm-log-writes reader and writer (tests/support/logwrites.h): a log
 * written with writes, a flush, a FUA write, a mark and a discard reads
 * back entry for entry, in 512- and 4096-byte sectors; and hostile logs
 * (bad magic, version or sector size, a short buffer, an entry or its data
 * running past the end, an absurd sector count) are refused, never read
 * past the buffer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../support/logwrites.h"

static uint8_t buf[1 << 20];

/* A log of five entries in sectors of ss bytes; its length. */
static size_t sample(uint32_t ss)
{
	uint8_t data[8192];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	long n = lw_begin(buf, sizeof(buf), ss);
	n = lw_append(buf, sizeof(buf), (size_t)n, ss, 8, 2, 0, data, 2 * ss);
	n = lw_append(buf, sizeof(buf), (size_t)n, ss, 0, 0, LW_FLUSH, NULL, 0);
	n = lw_append(buf, sizeof(buf), (size_t)n, ss, 100, 1, LW_FUA, data + 5, ss);
	n = lw_append(buf, sizeof(buf), (size_t)n, ss, 0, 0, LW_MARK, "mkfs", 4);
	n = lw_append(buf, sizeof(buf), (size_t)n, ss, 40, 16, LW_DISCARD, NULL, 0);
	assert_true(n > 0);
	lw_finish(buf, 5);
	return (size_t)n;
}

static void roundtrip(uint32_t ss)
{
	size_t len = sample(ss);
	struct lw_log l;
	struct lw_entry e;
	assert_int_equal(lw_open(&l, buf, len), 0);
	assert_int_equal(l.sectorsize, ss);
	assert_int_equal(lw_next(&l, &e), 1);
	assert_int_equal(e.sector, 8);
	assert_int_equal(e.nr_sectors, 2);
	assert_int_equal(e.data_bytes, 2 * ss);
	assert_int_equal(e.data[1], 7);
	assert_int_equal(lw_next(&l, &e), 1);
	assert_int_equal(e.flags, LW_FLUSH);
	assert_int_equal(e.data_bytes, 0);
	assert_int_equal(lw_next(&l, &e), 1);
	assert_int_equal(e.flags, LW_FUA);
	assert_int_equal(e.sector, 100);
	assert_int_equal(e.data[0], (uint8_t)35);
	assert_int_equal(lw_next(&l, &e), 1);
	assert_int_equal(e.flags, LW_MARK);
	assert_int_equal(e.data_len, 4);
	assert_memory_equal(e.data, "mkfs", 4);
	assert_int_equal(lw_next(&l, &e), 1);
	assert_int_equal(e.flags, LW_DISCARD);
	assert_int_equal(e.nr_sectors, 16);
	assert_int_equal(e.data_bytes, 0);
	assert_int_equal(lw_next(&l, &e), 0);
	/* The header's fields sit where the format puts them. */
	assert_int_equal(buf[0], 0x72);
	assert_int_equal(buf[16], 5);
}

static void test_roundtrip_512(void **state)
{
	(void)state;
	roundtrip(512);
}

static void test_roundtrip_4096(void **state)
{
	(void)state;
	roundtrip(4096);
}

static void test_hostile(void **state)
{
	(void)state;
	struct lw_log l;
	struct lw_entry e;
	size_t len = sample(512);
	assert_int_equal(lw_open(&l, buf, 100), -1);
	buf[0] ^= 1;
	assert_int_equal(lw_open(&l, buf, len), -1);
	buf[0] ^= 1;
	buf[8] = 2;
	assert_int_equal(lw_open(&l, buf, len), -1);
	buf[8] = 1;
	buf[24] = 0, buf[25] = 3; /* 768: not a power of two */
	assert_int_equal(lw_open(&l, buf, len), -1);
	buf[24] = 0, buf[25] = 2;
	/* Truncated inside the first entry's data. */
	assert_int_equal(lw_open(&l, buf, 1024), 0);
	assert_int_equal(lw_next(&l, &e), -1);
	/* More entries claimed than present. */
	lw_finish(buf, 9);
	assert_int_equal(lw_open(&l, buf, len), 0);
	int rc, count = 0;
	while ((rc = lw_next(&l, &e)) == 1)
		count++;
	assert_int_equal(count, 5);
	assert_int_equal(rc, -1);
	/* An absurd sector count. */
	lw_finish(buf, 5);
	buf[512 + 8 + 7] = 0x7f;
	assert_int_equal(lw_open(&l, buf, len), 0);
	assert_int_equal(lw_next(&l, &e), -1);
	/* A capacity too small to append. */
	assert_int_equal(lw_begin(buf, 100, 512), -1);
	assert_int_equal(lw_append(buf, 1024, 512, 512, 0, 1, 0, buf, 512), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_roundtrip_512),
	    cmocka_unit_test(test_roundtrip_4096),
	    cmocka_unit_test(test_hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
