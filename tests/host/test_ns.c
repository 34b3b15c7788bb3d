/* SPDX-License-Identifier: BSD-3-Clause */
/* Host tests of the name service's pure namespace logic (services/nsd/pure_ns.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>
#include "rt/bootimg.h"
#include "../../services/nsd/pure_ns.h"

static uint8_t *img;
static size_t len;

static int setup(void **state)
{
	static const struct vx_bootimg_file f[] = {
	    {"bin/hello", "HELLO", 5}, {"bin/nsd", "NSD!", 4}, {"etc/motd", "hi\n", 3},
	    {"bin/sub/deep", "D", 1},  {"victim", "V", 1},     {"bad//name", "x", 1},
	    {"/abs", "y", 1},	       {"etc/../x", "z", 1},
	};
	(void)state;
	size_t n = vx_bootimg_size(f, 8);
	img = calloc(1, n);
	int64_t r = vx_bootimg_build(img, n, f, 8);
	assert_true(r > 0);
	len = (size_t)r;
	return 0;
}

static int res(const char *p, struct ns_object *o)
{
	return ns_resolve(img, len, p, strlen(p), o);
}

static void test_resolve(void **state)
{
	struct ns_object o;
	(void)state;
	assert_int_equal(res("bin/hello", &o), VX_OK);
	assert_int_equal(o.kind, NS_KIND_FILE);
	assert_int_equal(o.size, 5);
	assert_memory_equal(img + o.offset, "HELLO", 5);
	assert_int_equal(res("/etc/motd", &o), VX_OK);
	assert_memory_equal(img + o.offset, "hi\n", 3);
	assert_int_equal(res("bin", &o), VX_OK);
	assert_int_equal(o.kind, NS_KIND_DIR);
	assert_int_equal(o.size, 3); /* hello nsd sub */
	assert_int_equal(res("", &o), VX_OK);
	assert_int_equal(o.kind, NS_KIND_DIR);
	assert_int_equal(o.size, 3); /* bin etc victim */
	assert_int_equal(res("/", &o), VX_OK);
	assert_int_equal(res("bin/sub", &o), VX_OK);
	assert_int_equal(o.size, 1);
	assert_int_equal(res("bin/none", &o), VX_E_NOTFOUND);
	assert_int_equal(res("bi", &o), VX_E_NOTFOUND);
	assert_int_equal(res("bin/", &o), VX_E_INVAL);
	assert_int_equal(res("../bin", &o), VX_E_INVAL);
	assert_int_equal(res("bad", &o), VX_E_NOTFOUND); /* invisible entry */
	assert_int_equal(res("abs", &o), VX_E_NOTFOUND);
	assert_int_equal(res("etc/x", &o), VX_E_NOTFOUND);
	assert_int_equal(res("bin/hello/x", &o), VX_E_NOTFOUND);
	assert_int_equal(ns_resolve(img, 10, "bin", 3, &o), VX_E_CORRUPT);
}

static void test_list(void **state)
{
	struct ns_entry e;
	(void)state;
	const char *want[] = {"bin", "etc", "victim"};
	for (uint32_t i = 0; i < 3; i++) {
		assert_int_equal(ns_list(img, len, "", 0, i, &e), VX_OK);
		assert_string_equal(e.name, want[i]);
	}
	assert_int_equal(e.obj.kind, NS_KIND_FILE);
	assert_int_equal(ns_list(img, len, "", 0, 3, &e), VX_E_NOTFOUND);
	assert_int_equal(ns_list(img, len, "/", 1, 0, &e), VX_OK);
	assert_int_equal(e.obj.kind, NS_KIND_DIR);
	assert_int_equal(e.obj.size, 3);
	const char *b[] = {"hello", "nsd", "sub"};
	for (uint32_t i = 0; i < 3; i++) {
		assert_int_equal(ns_list(img, len, "bin", 3, i, &e), VX_OK);
		assert_string_equal(e.name, b[i]);
	}
	assert_int_equal(e.obj.kind, NS_KIND_DIR);
	assert_int_equal(e.obj.size, 1);
	assert_int_equal(ns_list(img, len, "bin", 3, 0, &e), VX_OK);
	assert_int_equal(e.obj.size, 5);
	assert_int_equal(ns_list(img, len, "bin", 3, 3, &e), VX_E_NOTFOUND);
	assert_int_equal(ns_list(img, len, "bin/hello", 9, 0, &e), VX_E_INVAL);
	assert_int_equal(ns_list(img, len, "nope", 4, 0, &e), VX_E_NOTFOUND);
	assert_int_equal(ns_list(img, len, "bin/sub", 7, 0, &e), VX_OK);
	assert_string_equal(e.name, "deep");
	assert_int_equal(ns_list(img, len, "a//b", 4, 0, &e), VX_E_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_resolve),
					   cmocka_unit_test(test_list)};
	return cmocka_run_group_tests(tests, setup, NULL);
}
