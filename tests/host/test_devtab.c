/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * etc/drivers (services/devd/pure_devtab.c): the shipped file, every
 * option, and each bad line by name.  A bad line rejects the whole file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <vectra/abi.h>
#include "../../services/devd/pure_devtab.h"

static struct dt_table t;
static char err[160];

static int parse(const char *s)
{
	return dt_parse(s, strlen(s), &t, err, sizeof(err));
}

static void bad(const char *s, const char *want)
{
	assert_int_not_equal(parse(s), VX_OK);
	if (!strstr(err, want))
		fail_msg("expected '%s' in '%s'", want, err);
	assert_int_equal(t.n, 0);
}

static void test_shipped_file(void **state)
{
	char buf[DT_FILE_MAX + 1];
	FILE *f = fopen("services/init/etc/drivers", "r");
	(void)state;
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_int_equal(dt_parse(buf, n, &t, err, sizeof(err)), VX_OK);
	const struct dt_entry *e = dt_match(&t, 0x1af4, 0x1044, 0x100);
	assert_non_null(e);
	assert_string_equal(e->driver, "virtio-rng");
	assert_int_equal(e->nconnect, 2);
	assert_string_equal(e->connect[0], "rng");
	assert_int_equal(e->memory, 512u << 10);
	assert_null(dt_match(&t, 0x8086, 0x10d3, 0x10));
	assert_string_equal(e->serve, "");
	e = dt_match(&t, 0x1af4, 0x1042, 0x200);
	assert_non_null(e);
	assert_string_equal(e->driver, "virtio-blk");
	assert_string_equal(e->serve, "blk");
	e = dt_match(&t, 0x1af4, 0x1041, 0x100);
	assert_non_null(e);
	assert_string_equal(e->driver, "virtio-net");
	assert_string_equal(e->serve, "netif");
}

static void test_options(void **state)
{
	(void)state;
	assert_int_equal(
	    parse("# c\n\n1af4:1044 virtio-rng memory 256K args dma-kernel at 01:00.0\r\n"
		  "1af4:1044 virtio-rng connect rng\n"),
	    VX_OK);
	assert_int_equal(t.n, 2);
	assert_int_equal(t.e[0].memory, 256u << 10);
	assert_string_equal(t.e[0].args, "dma-kernel");
	assert_int_equal(t.e[0].at, 0x100);
	/* The address decides between the two lines. */
	assert_ptr_equal(dt_match(&t, 0x1af4, 0x1044, 0x100), &t.e[0]);
	assert_ptr_equal(dt_match(&t, 0x1af4, 0x1044, 0x200), &t.e[1]);
	assert_int_equal(t.e[1].at, -1);
	assert_int_equal(parse("1af4:1042 virtio-blk serve blk memory 4M\n"), VX_OK);
	assert_string_equal(t.e[0].serve, "blk");
}

static void test_bad_lines(void **state)
{
	(void)state;
	bad("1af4:1044\n", "expected VENDOR:DEVICE DRIVER");
	bad("1af4-1044 x\n", "bad VENDOR:DEVICE");
	bad("1AF4:1044 x\n", "bad VENDOR:DEVICE");
	bad("1af4:10445 x\n", "bad VENDOR:DEVICE");
	bad("1af4:1044 Bad\n", "bad driver name 'Bad'");
	bad("1af4:1044 x connect\n", "missing value after 'connect'");
	bad("1af4:1044 x connect a connect b connect c\n", "too many connects at 'c'");
	bad("1af4:1044 x connect A\n", "bad service name");
	bad("1af4:1044 x memory 32K\n", "bad memory size");
	bad("1af4:1044 x memory 17M\n", "bad memory size");
	bad("1af4:1044 x memory 99999999999M\n", "bad memory size");
	bad("1af4:1044 x memory 1G\n", "bad memory size");
	bad("1af4:1044 x at 1:0.0\n", "bad address");
	bad("1af4:1044 x at 01:20.0\n", "bad address");
	bad("1af4:1044 x at 01:00.8\n", "bad address");
	bad("1af4:1044 x speed 9\n", "unknown option 'speed'");
	bad("1af4:1044 x serve net\n", "unknown protocol to serve (blk or netif) 'net'");
	bad("1af4:1044 x serve blk serve blk\n", "a second serve at 'blk'");
	bad("1af4:1044 x a b c d e f g h i j k\n", "too many words");
	bad("ok:1044 x\n", "bad VENDOR:DEVICE");
	bad("1af4:1044 x\n1af4:1044 \x01\n", "drivers line 2");
}

static void test_limits(void **state)
{
	static char big[DT_FILE_MAX + 64];
	size_t n = 0;
	(void)state;
	for (int i = 0; i <= DT_MAX_ENTRIES; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "1af4:%04x d\n", i);
	bad(big, "too many entries");
	memset(big, '#', sizeof(big));
	assert_int_equal(dt_parse(big, DT_FILE_MAX + 1, &t, err, sizeof(err)), VX_E_TOOBIG);
	assert_int_equal(dt_parse(big, DT_FILE_MAX, &t, err, sizeof(err)), VX_OK);
	assert_int_equal(t.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shipped_file),
	    cmocka_unit_test(test_options),
	    cmocka_unit_test(test_bad_lines),
	    cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
