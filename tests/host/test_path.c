/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Path checker tests: one test per rule of rt/path.h, then the component
 * iterator and the volume split.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "rt/path.h"

/* Checks a NUL-terminated path. */
static int check(const char *p)
{
	return vx_path_check(p, strlen(p));
}

/* Fills buf with n copies of c, NUL-terminated. */
static char *rep(char *buf, char c, size_t n)
{
	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

static void test_good(void **state)
{
	(void)state;
	assert_int_equal(check("bin/hello"), VX_OK);
	assert_int_equal(check("a"), VX_OK);
	assert_int_equal(check("etc/motd.txt"), VX_OK);
	assert_int_equal(check("a b/c:d/...x/.hidden/..y"), VX_OK);
	assert_int_equal(check("caf\xc3\xa9"), VX_OK); /* bytes >= 0x80 are name bytes */
	assert_int_equal(check("~/x"), VX_OK);
}

static void test_root(void **state)
{
	(void)state;
	assert_int_equal(vx_path_check("", 0), VX_OK);
	assert_int_equal(vx_path_check(NULL, 0), VX_OK);
	assert_int_equal(check("/"), VX_OK);
}

static void test_leading_slash(void **state)
{
	(void)state;
	assert_int_equal(check("/bin/hello"), VX_OK);
	assert_int_equal(check("/a"), VX_OK);
	assert_int_equal(check("//a"), VX_E_INVAL);
	assert_int_equal(check("//"), VX_E_INVAL);
}

static void test_trailing_slash(void **state)
{
	(void)state;
	assert_int_equal(check("bin/"), VX_E_INVAL);
	assert_int_equal(check("/bin/"), VX_E_INVAL);
	assert_int_equal(check("a/b/"), VX_E_INVAL);
}

static void test_empty_component(void **state)
{
	(void)state;
	assert_int_equal(check("a//b"), VX_E_INVAL);
	assert_int_equal(check("a///"), VX_E_INVAL);
	assert_int_equal(check("/a//b"), VX_E_INVAL);
}

static void test_dot(void **state)
{
	(void)state;
	assert_int_equal(check("."), VX_E_INVAL);
	assert_int_equal(check("./a"), VX_E_INVAL);
	assert_int_equal(check("a/./b"), VX_E_INVAL);
	assert_int_equal(check("a/."), VX_E_INVAL);
	assert_int_equal(check("/."), VX_E_INVAL);
}

static void test_dotdot(void **state)
{
	(void)state;
	assert_int_equal(check(".."), VX_E_INVAL);
	assert_int_equal(check("../etc"), VX_E_INVAL);
	assert_int_equal(check("bin/../etc"), VX_E_INVAL);
	assert_int_equal(check("bin/.."), VX_E_INVAL);
	assert_int_equal(check("/.."), VX_E_INVAL);
}

static void test_overlong_component(void **state)
{
	char buf[100], path[120];

	(void)state;
	assert_int_equal(check(rep(buf, 'x', VX_PATH_NAME_MAX)), VX_OK);
	assert_int_equal(check(rep(buf, 'x', VX_PATH_NAME_MAX + 1)), VX_E_TOOBIG);
	strcpy(path, "a/");
	strcat(path, rep(buf, 'y', VX_PATH_NAME_MAX + 1));
	assert_int_equal(check(path), VX_E_TOOBIG);
}

static void test_overlong_path(void **state)
{
	char buf[VX_PATH_MAX + 2];

	(void)state;
	/* "a/a/.../ab": exactly VX_PATH_MAX bytes (an even count, so the
	 * pattern would end in '/'; a letter replaces it). */
	for (size_t i = 0; i < VX_PATH_MAX; i++)
		buf[i] = (i % 2) ? '/' : 'a';
	buf[VX_PATH_MAX - 1] = 'b';
	buf[VX_PATH_MAX] = '\0';
	assert_int_equal(check(buf), VX_OK);
	buf[VX_PATH_MAX] = 'c';
	buf[VX_PATH_MAX + 1] = '\0';
	assert_int_equal(check(buf), VX_E_TOOBIG);
}

static void test_embedded_nul(void **state)
{
	(void)state;
	assert_int_equal(vx_path_check("bin\0x", 5), VX_E_INVAL);
	assert_int_equal(vx_path_check("bin/\0", 5), VX_E_INVAL);
	assert_int_equal(vx_path_check("\0", 1), VX_E_INVAL);
	assert_int_equal(vx_path_check("bin\0x", 3), VX_OK); /* only len bytes count */
}

static void test_control_bytes(void **state)
{
	char p[4] = {'a', 0, 'b', 0};

	(void)state;
	for (int c = 1; c < 0x20; c++) {
		p[1] = (char)c;
		assert_int_equal(vx_path_check(p, 3), VX_E_INVAL);
	}
	assert_int_equal(check("a\nb"), VX_E_INVAL);
	assert_int_equal(check("\tx"), VX_E_INVAL);
}

static void test_del(void **state)
{
	(void)state;
	assert_int_equal(check("a\x7f"), VX_E_INVAL);
	assert_int_equal(check("\x7f/b"), VX_E_INVAL);
}

static void test_null_path(void **state)
{
	(void)state;
	assert_int_equal(vx_path_check(NULL, 3), VX_E_INVAL);
}

/* Collects every component of p joined by '|', or "ERR" on an error. */
static void walk(const char *p, size_t len, char *out)
{
	char comp[VX_PATH_NAME_MAX + 1];
	size_t pos = 0;
	int n;

	out[0] = '\0';
	while ((n = vx_path_next(p, len, &pos, comp, sizeof(comp))) > 0) {
		assert_int_equal((size_t)n, strlen(comp));
		strcat(out, comp);
		strcat(out, "|");
	}
	if (n < 0) {
		assert_int_equal(n, VX_E_INVAL);
		strcat(out, "ERR");
	}
}

static void test_next(void **state)
{
	char out[512];

	(void)state;
	walk("bin/hello", 9, out);
	assert_string_equal(out, "bin|hello|");
	walk("/bin/hello", 10, out);
	assert_string_equal(out, "bin|hello|");
	walk("", 0, out);
	assert_string_equal(out, "");
	walk("/", 1, out);
	assert_string_equal(out, "");
	walk("a/", 2, out);
	assert_string_equal(out, "a|ERR");
	walk("a//b", 4, out);
	assert_string_equal(out, "a|ERR");
	walk("a/../b", 6, out);
	assert_string_equal(out, "a|ERR");
	walk("a/./b", 5, out);
	assert_string_equal(out, "a|ERR");
	walk("a/\x7f", 3, out);
	assert_string_equal(out, "a|ERR");
	walk("a/b\0c", 5, out);
	assert_string_equal(out, "a|ERR");
}

static void test_next_edges(void **state)
{
	char comp[VX_PATH_NAME_MAX + 1], big[VX_PATH_NAME_MAX + 2];
	size_t pos = 0;

	(void)state;
	/* a small buffer is refused, and pos stays */
	assert_int_equal(vx_path_next("hello", 5, &pos, comp, 5), VX_E_INVAL);
	assert_int_equal(pos, 0);
	assert_int_equal(vx_path_next("hello", 5, &pos, comp, 6), 5);
	assert_int_equal(pos, 5);
	assert_int_equal(vx_path_next("hello", 5, &pos, comp, 6), 0);
	assert_int_equal(vx_path_next("hello", 5, &pos, comp, 6), 0); /* stays at the end */
	pos = 6;
	assert_int_equal(vx_path_next("hello", 5, &pos, comp, 6), VX_E_INVAL);
	pos = 0;
	assert_int_equal(vx_path_next("hello", 5, &pos, NULL, 6), VX_E_INVAL);
	rep(big, 'z', VX_PATH_NAME_MAX + 1);
	pos = 0;
	assert_int_equal(vx_path_next(big, VX_PATH_NAME_MAX + 1, &pos, big, sizeof(big)),
			 VX_E_INVAL);
	assert_int_equal(pos, 0);
}

static void test_split(void **state)
{
	char vol[VX_PATH_NAME_MAX + 1];
	const char *rest = NULL;

	(void)state;
	assert_int_equal(vx_path_split_volume("SYS:bin/hello", vol, sizeof(vol), &rest), VX_OK);
	assert_string_equal(vol, "SYS");
	assert_string_equal(rest, "bin/hello");
	assert_int_equal(vx_path_split_volume("SYS:", vol, sizeof(vol), &rest), VX_OK);
	assert_string_equal(rest, "");
	assert_int_equal(vx_path_split_volume("Data_1-x:/a", vol, sizeof(vol), &rest), VX_OK);
	assert_string_equal(vol, "Data_1-x");
	assert_string_equal(rest, "/a");
	assert_int_equal(vx_path_split_volume("SYS:a:b", NULL, 0, &rest), VX_OK);
	assert_string_equal(rest, "a:b");
}

static void test_split_bad(void **state)
{
	char vol[8], buf[300];
	const char *rest = "x";

	(void)state;
	assert_int_equal(vx_path_split_volume("bin/hello", vol, sizeof(vol), &rest), VX_E_INVAL);
	assert_null(rest);
	assert_string_equal(vol, "");
	assert_int_equal(vx_path_split_volume(":a", vol, sizeof(vol), &rest), VX_E_INVAL);
	assert_int_equal(vx_path_split_volume("S Y:a", vol, sizeof(vol), &rest), VX_E_INVAL);
	assert_int_equal(vx_path_split_volume("a/b:c", vol, sizeof(vol), &rest), VX_E_INVAL);
	assert_int_equal(vx_path_split_volume("SYS:../x", vol, sizeof(vol), &rest), VX_E_INVAL);
	assert_int_equal(vx_path_split_volume("SYS:a//b", vol, sizeof(vol), &rest), VX_E_INVAL);
	assert_int_equal(vx_path_split_volume("SYS:a\x01", vol, sizeof(vol), &rest), VX_E_INVAL);
	assert_int_equal(vx_path_split_volume(NULL, vol, sizeof(vol), &rest), VX_E_INVAL);
	assert_int_equal(vx_path_split_volume("SYS:a", vol, sizeof(vol), NULL), VX_E_INVAL);
	/* vol buffer too small for the volume */
	assert_int_equal(vx_path_split_volume("ABCDEFGH:a", vol, sizeof(vol), &rest), VX_E_TOOBIG);
	assert_null(rest);
	assert_int_equal(vx_path_split_volume("ABCDEFG:a", vol, sizeof(vol), &rest), VX_OK);
	/* overlong volume, overlong rest */
	rep(buf, 'V', VX_PATH_NAME_MAX + 1);
	strcat(buf, ":a");
	assert_int_equal(vx_path_split_volume(buf, NULL, 0, &rest), VX_E_TOOBIG);
	strcpy(buf, "SYS:");
	rep(buf + 4, 'r', VX_PATH_MAX + 1);
	assert_int_equal(vx_path_split_volume(buf, NULL, 0, &rest), VX_E_TOOBIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good),
	    cmocka_unit_test(test_root),
	    cmocka_unit_test(test_leading_slash),
	    cmocka_unit_test(test_trailing_slash),
	    cmocka_unit_test(test_empty_component),
	    cmocka_unit_test(test_dot),
	    cmocka_unit_test(test_dotdot),
	    cmocka_unit_test(test_overlong_component),
	    cmocka_unit_test(test_overlong_path),
	    cmocka_unit_test(test_embedded_nul),
	    cmocka_unit_test(test_control_bytes),
	    cmocka_unit_test(test_del),
	    cmocka_unit_test(test_null_path),
	    cmocka_unit_test(test_next),
	    cmocka_unit_test(test_next_edges),
	    cmocka_unit_test(test_split),
	    cmocka_unit_test(test_split_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
