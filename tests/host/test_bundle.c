/* SPDX-License-Identifier: BSD-3-Clause */
/* Bundle page validation and lookup by name, including corrupt pages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "rt/bundle.h"

static struct vx_bundle_page page;

/* A valid page: console (IoPort), ring.fs (Ring), heap (Mem). */
static void build(void)
{
	vx_bundle_init_page(&page);
	assert_int_equal(vx_bundle_encode_entry(&page.entry[0], "console", VX_OBJ_IOPORT,
						VX_R_CONTROL, 0x105, 0x3f8 | 8u << 16, 0),
			 VX_OK);
	assert_int_equal(vx_bundle_encode_entry(&page.entry[1], "ring.fs", VX_OBJ_RING,
						VX_R_PRODUCE, 0x206, 0, 8192),
			 VX_OK);
	assert_int_equal(vx_bundle_encode_entry(&page.entry[2], "heap-0_a", VX_OBJ_MEM,
						VX_R_READ | VX_R_WRITE, 0x307, 0, 1 << 20),
			 VX_OK);
	page.count = 3;
}

static void test_valid_page(void **state)
{
	(void)state;
	build();
	assert_int_equal(vx_bundle_check(&page), VX_OK);
}

static void test_find_each(void **state)
{
	const struct vx_bundle_entry *e = NULL;

	(void)state;
	build();
	assert_int_equal(vx_bundle_find(&page, "ring.fs", VX_OBJ_RING, &e), VX_OK);
	assert_ptr_equal(e, &page.entry[1]);
	assert_int_equal(e->size, 8192);
	assert_int_equal(vx_bundle_handle(&page, "console", VX_OBJ_IOPORT), 0x105);
	assert_int_equal(vx_bundle_handle(&page, "heap-0_a", VX_OBJ_MEM), 0x307);
	assert_int_equal(vx_bundle_handle(&page, "heap-0_a", VX_OBJ_NONE), 0x307); /* any type */
}

/* Finding 1: a slot emptied before the Task started (handle VX_NO_HANDLE)
 * is VX_E_REVOKED, never handle 0 taken for a capability. */
static void test_emptied_slot_revoked(void **state)
{
	const struct vx_bundle_entry *e = NULL;

	(void)state;
	build();
	page.entry[1].handle = VX_NO_HANDLE;
	assert_int_equal(vx_bundle_check(&page), VX_OK);
	assert_int_equal(vx_bundle_handle(&page, "ring.fs", VX_OBJ_RING), VX_E_REVOKED);
	assert_int_equal(vx_bundle_find(&page, "ring.fs", VX_OBJ_RING, &e), VX_OK);
	assert_int_equal(vx_bundle_handle(&page, "console", VX_OBJ_IOPORT), 0x105);
}

static void test_unknown_name(void **state)
{
	(void)state;
	build();
	assert_int_equal(vx_bundle_handle(&page, "nosuch", VX_OBJ_RING), VX_E_NOTFOUND);
	/* A prefix or an extension of a stored name is a different name. */
	assert_int_equal(vx_bundle_handle(&page, "ring", VX_OBJ_RING), VX_E_NOTFOUND);
	assert_int_equal(vx_bundle_handle(&page, "ring.fsx", VX_OBJ_RING), VX_E_NOTFOUND);
	/* Entries past count are not looked at. */
	assert_int_equal(vx_bundle_encode_entry(&page.entry[3], "hidden", VX_OBJ_MEM, 0, 9, 0, 0),
			 VX_OK);
	assert_int_equal(vx_bundle_handle(&page, "hidden", VX_OBJ_MEM), VX_E_NOTFOUND);
	page.count = 0;
	assert_int_equal(vx_bundle_handle(&page, "console", VX_OBJ_IOPORT), VX_E_NOTFOUND);
}

static void test_wrong_type(void **state)
{
	(void)state;
	build();
	assert_int_equal(vx_bundle_handle(&page, "console", VX_OBJ_RING), VX_E_TYPE);
	assert_int_equal(vx_bundle_find(&page, "ring.fs", VX_OBJ_MEM, NULL), VX_E_TYPE);
}

static void test_bad_query_name(void **state)
{
	char longname[40];

	(void)state;
	build();
	memset(longname, 'a', sizeof(longname) - 1);
	longname[39] = '\0';
	assert_int_equal(vx_bundle_handle(&page, "", 0), VX_E_INVAL);
	assert_int_equal(vx_bundle_handle(&page, "Console", 0), VX_E_INVAL);
	assert_int_equal(vx_bundle_handle(&page, "a b", 0), VX_E_INVAL);
	assert_int_equal(vx_bundle_handle(&page, "a/b", 0), VX_E_INVAL);
	assert_int_equal(vx_bundle_handle(&page, longname, 0), VX_E_INVAL);
	longname[31] = '\0'; /* 31 bytes: the longest legal name */
	assert_int_equal(vx_bundle_handle(&page, longname, 0), VX_E_NOTFOUND);
	assert_int_equal(vx_bundle_handle(&page, NULL, 0), VX_E_INVAL);
	assert_int_equal(vx_bundle_encode_entry(&page.entry[5], "UPPER", 1, 0, 0, 0, 0),
			 VX_E_INVAL);
}

static void test_corrupt_count(void **state)
{
	(void)state;
	build();
	page.count = VX_BUNDLE_SLOTS + 1;
	assert_int_equal(vx_bundle_check(&page), VX_E_CORRUPT);
	assert_int_equal(vx_bundle_handle(&page, "console", VX_OBJ_IOPORT), VX_E_CORRUPT);
	page.count = 0xffffffffu;
	assert_int_equal(vx_bundle_handle(&page, "console", VX_OBJ_IOPORT), VX_E_CORRUPT);
	page.count = 4; /* entry 3 is all zeroes: empty name */
	assert_int_equal(vx_bundle_handle(&page, "console", VX_OBJ_IOPORT), VX_E_CORRUPT);
}

static void test_corrupt_header(void **state)
{
	(void)state;
	build();
	page.magic ^= 1;
	assert_int_equal(vx_bundle_check(&page), VX_E_CORRUPT);
	assert_int_equal(vx_bundle_handle(&page, "console", 0), VX_E_CORRUPT);
	build();
	page.version = 2;
	assert_int_equal(vx_bundle_handle(&page, "console", 0), VX_E_CORRUPT);
	assert_int_equal(vx_bundle_check(NULL), VX_E_CORRUPT);
}

static void test_corrupt_names(void **state)
{
	(void)state;
	build();
	memset(page.entry[1].name, 'a', VX_BUNDLE_NAME_MAX); /* no NUL */
	assert_int_equal(vx_bundle_handle(&page, "console", 0), VX_E_CORRUPT);
	build();
	page.entry[1].name[0] = 'R'; /* outside the alphabet */
	assert_int_equal(vx_bundle_check(&page), VX_E_CORRUPT);
	build();
	page.entry[1].name[20] = 'x'; /* garbage after the NUL */
	assert_int_equal(vx_bundle_check(&page), VX_E_CORRUPT);
	build();
	page.entry[2].name[0] = '\0'; /* empty name */
	assert_int_equal(vx_bundle_check(&page), VX_E_CORRUPT);
}

static void test_duplicate_names(void **state)
{
	(void)state;
	build();
	memcpy(page.entry[2].name, page.entry[0].name, VX_BUNDLE_NAME_MAX);
	assert_int_equal(vx_bundle_check(&page), VX_E_CORRUPT);
	/* Lookups do not search for duplicates: the first match wins. */
	assert_int_equal(vx_bundle_handle(&page, "console", 0), 0x105);
}

static void test_full_page(void **state)
{
	char name[16];

	(void)state;
	vx_bundle_init_page(&page);
	for (uint32_t i = 0; i < VX_BUNDLE_SLOTS; i++) {
		name[0] = 's';
		name[1] = (char)('a' + i / 26);
		name[2] = (char)('a' + i % 26);
		name[3] = '\0';
		assert_int_equal(
		    vx_bundle_encode_entry(&page.entry[i], name, VX_OBJ_SIGNAL, 0, 0x100 + i, 0, 0),
		    VX_OK);
	}
	page.count = VX_BUNDLE_SLOTS;
	assert_int_equal(vx_bundle_check(&page), VX_OK);
	name[1] = (char)('a' + (VX_BUNDLE_SLOTS - 1) / 26);
	name[2] = (char)('a' + (VX_BUNDLE_SLOTS - 1) % 26);
	assert_int_equal(vx_bundle_handle(&page, name, VX_OBJ_SIGNAL), 0x100 + VX_BUNDLE_SLOTS - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_page),
	    cmocka_unit_test(test_find_each),
	    cmocka_unit_test(test_unknown_name),
	    cmocka_unit_test(test_wrong_type),
	    cmocka_unit_test(test_bad_query_name),
	    cmocka_unit_test(test_corrupt_count),
	    cmocka_unit_test(test_emptied_slot_revoked),
	    cmocka_unit_test(test_corrupt_header),
	    cmocka_unit_test(test_corrupt_names),
	    cmocka_unit_test(test_duplicate_names),
	    cmocka_unit_test(test_full_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
