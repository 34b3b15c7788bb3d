/* SPDX-License-Identifier: BSD-3-Clause */
/* vx_strerror: every error code has its own readable text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "rt/errstr.h"
#include <vectra/abi.h>

/* Every code names itself, explains itself, and no two texts are equal. */
static void test_every_code_distinct(void **state)
{
	(void)state;
	for (int a = VX_E_LAST; a <= VX_OK; a++) {
		const char *s = vx_strerror(a);
		assert_non_null(s);
		assert_string_not_equal(s, "unknown error");
		assert_int_equal(strncmp(s, "VX_", 3), 0);
		assert_non_null(strstr(s, " ("));
		assert_int_equal(s[strlen(s) - 1], ')');
		assert_int_equal(strncmp(s, vx_errname(a), strlen(vx_errname(a))), 0);
		for (int b = VX_E_LAST; b < a; b++) {
			assert_string_not_equal(s, vx_strerror(b));
			assert_string_not_equal(vx_errname(a), vx_errname(b));
		}
	}
}

static void test_known_texts(void **state)
{
	(void)state;
	assert_string_equal(vx_strerror(VX_E_NOTFOUND), "VX_E_NOTFOUND (no such name)");
	assert_string_equal(vx_strerror(VX_OK), "VX_OK (success)");
	assert_string_equal(vx_errname(VX_E_STALE), "VX_E_STALE");
	assert_string_equal(vx_errname(VX_E_TOOBIG), "VX_E_TOOBIG");
}

static void test_unknown_codes(void **state)
{
	(void)state;
	const int bad[] = {1, 7, VX_E_LAST - 1, -1000, INT32_MIN, INT32_MAX};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_string_equal(vx_strerror(bad[i]), "unknown error");
		assert_string_equal(vx_errname(bad[i]), "VX_E_?");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_code_distinct),
	    cmocka_unit_test(test_known_texts),
	    cmocka_unit_test(test_unknown_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
