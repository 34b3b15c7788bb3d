/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Boot image tests: the writer's output reads back, and each rule of
 * vectra/bootimg.h, broken alone, gives VX_E_CORRUPT.  Images live in
 * exact-size heap buffers so ASan sees any read past the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rt/bootimg.h"

static const char init_data[] = "\177ELF pretend init";
static const char cfg_data[] = "spawn vshell\n";

struct img {
	uint8_t *p;
	size_t len;
};

/* Builds a three-file image: init, boot.cfg, an empty file. */
static struct img build(void)
{
	struct vx_bootimg_file files[3] = {
	    {"init", init_data, sizeof(init_data)},
	    {"boot.cfg", cfg_data, sizeof(cfg_data)},
	    {"empty", NULL, 0},
	};
	struct img im;
	int64_t n;

	im.len = vx_bootimg_size(files, 3);
	assert_true(im.len > 0);
	im.p = malloc(im.len);
	assert_non_null(im.p);
	n = vx_bootimg_build(im.p, im.len, files, 3);
	assert_int_equal(n, (int64_t)im.len);
	return im;
}

static struct vx_bootimg_hdr *hdr(struct img *im)
{
	return (struct vx_bootimg_hdr *)(void *)im->p;
}

static struct vx_bootimg_entry *ent(struct img *im, unsigned i)
{
	return (struct vx_bootimg_entry *)(void *)(im->p + sizeof(struct vx_bootimg_hdr) +
						   i * sizeof(struct vx_bootimg_entry));
}

static int check(struct img *im)
{
	return vx_bootimg_check(im->p, im->len);
}

static void test_valid_roundtrip(void **state)
{
	struct img im = build();
	const void *data;
	size_t size;
	char name[VX_BOOTIMG_NAME_MAX];

	(void)state;
	assert_int_equal(check(&im), VX_OK);
	assert_int_equal(vx_bootimg_count(im.p, im.len), 3);
	assert_int_equal(vx_bootimg_find(im.p, im.len, "boot.cfg", &data, &size), VX_OK);
	assert_int_equal(size, sizeof(cfg_data));
	assert_memory_equal(data, cfg_data, size);
	assert_int_equal(((uintptr_t)data - (uintptr_t)im.p) % VX_BOOTIMG_ALIGN, 0);
	assert_int_equal(vx_bootimg_find(im.p, im.len, "empty", &data, &size), VX_OK);
	assert_int_equal(size, 0);
	assert_int_equal(vx_bootimg_entry(im.p, im.len, 0, name, &data, &size), VX_OK);
	assert_string_equal(name, "init");
	assert_memory_equal(data, init_data, sizeof(init_data));
	assert_int_equal(vx_bootimg_entry(im.p, im.len, 3, name, &data, &size), VX_E_NOTFOUND);
	assert_int_equal(vx_bootimg_find(im.p, im.len, "nosuch", &data, &size), VX_E_NOTFOUND);
	assert_int_equal(vx_bootimg_find(im.p, im.len, "", &data, &size), VX_E_INVAL);
	/* Extra bytes after total_size are allowed (a module padded to a page). */
	assert_int_equal(vx_bootimg_check(im.p, im.len), VX_OK);
	free(im.p);
}

static void test_empty_archive(void **state)
{
	uint8_t buf[sizeof(struct vx_bootimg_hdr)];

	(void)state;
	assert_int_equal(vx_bootimg_build(buf, sizeof(buf), NULL, 0), (int64_t)sizeof(buf));
	assert_int_equal(vx_bootimg_count(buf, sizeof(buf)), 0);
	assert_int_equal(vx_bootimg_find(buf, sizeof(buf), "init", NULL, NULL), VX_E_NOTFOUND);
}

static void test_writer_rejects(void **state)
{
	struct vx_bootimg_file dup[2] = {{"a", "x", 1}, {"a", "y", 1}};
	struct vx_bootimg_file noname[1] = {{"", "x", 1}};
	char longname[VX_BOOTIMG_NAME_MAX + 1];
	struct vx_bootimg_file lng[1] = {{longname, "x", 1}};
	uint8_t small[100];

	(void)state;
	memset(longname, 'n', VX_BOOTIMG_NAME_MAX);
	longname[VX_BOOTIMG_NAME_MAX] = '\0';
	assert_int_equal(vx_bootimg_size(dup, 2), 0);
	assert_int_equal(vx_bootimg_size(noname, 1), 0);
	assert_int_equal(vx_bootimg_size(lng, 1), 0);
	assert_int_equal(vx_bootimg_build(small, sizeof(small), dup, 2), VX_E_INVAL);
	assert_int_equal(vx_bootimg_build(small, sizeof(small), &dup[0], 1), VX_E_TOOBIG);
	assert_int_equal(vx_bootimg_size(dup, VX_BOOTIMG_MAX_FILES + 1), 0);
}

static void test_too_short(void **state)
{
	struct img im = build();

	(void)state;
	assert_int_equal(vx_bootimg_check(im.p, 31), VX_E_CORRUPT);
	assert_int_equal(vx_bootimg_check(im.p, 0), VX_E_CORRUPT);
	assert_int_equal(vx_bootimg_check(NULL, 100), VX_E_CORRUPT);
	/* Fewer bytes than total_size. */
	assert_int_equal(vx_bootimg_check(im.p, im.len - 1), VX_E_CORRUPT);
	free(im.p);
}

static void test_bad_magic(void **state)
{
	struct img im = build();

	(void)state;
	im.p[0] ^= 0xff;
	assert_int_equal(check(&im), VX_E_CORRUPT);
	assert_int_equal(vx_bootimg_find(im.p, im.len, "init", NULL, NULL), VX_E_CORRUPT);
	assert_int_equal(vx_bootimg_count(im.p, im.len), VX_E_CORRUPT);
	free(im.p);
}

static void test_bad_version(void **state)
{
	struct img im = build();

	(void)state;
	hdr(&im)->version = 2;
	assert_int_equal(check(&im), VX_E_CORRUPT);
	free(im.p);
}

static void test_count_too_big(void **state)
{
	struct img im = build();

	(void)state;
	hdr(&im)->count = VX_BOOTIMG_MAX_FILES + 1;
	assert_int_equal(check(&im), VX_E_CORRUPT);
	hdr(&im)->count = 0xffffffffu;
	assert_int_equal(check(&im), VX_E_CORRUPT);
	free(im.p);
}

static void test_entry_table_past_total(void **state)
{
	struct img im = build();

	(void)state;
	hdr(&im)->total_size = 32 + 2 * 64; /* table of 3 does not fit */
	assert_int_equal(check(&im), VX_E_CORRUPT);
	free(im.p);
}

static void test_total_size_past_len(void **state)
{
	struct img im = build();

	(void)state;
	hdr(&im)->total_size = im.len + 1;
	assert_int_equal(check(&im), VX_E_CORRUPT);
	hdr(&im)->total_size = UINT64_MAX;
	assert_int_equal(check(&im), VX_E_CORRUPT);
	free(im.p);
}

static void test_entry_past_total(void **state)
{
	struct img im = build();

	(void)state;
	ent(&im, 1)->size = hdr(&im)->total_size - ent(&im, 1)->offset; /* ends at total: fine */
	assert_int_equal(check(&im), VX_OK);
	ent(&im, 1)->size += 1; /* one byte past total_size */
	assert_int_equal(check(&im), VX_E_CORRUPT);
	free(im.p);
	im = build();
	ent(&im, 0)->offset = hdr(&im)->total_size + VX_BOOTIMG_ALIGN;
	ent(&im, 0)->offset &= ~(uint64_t)(VX_BOOTIMG_ALIGN - 1);
	assert_int_equal(check(&im), VX_E_CORRUPT);
	free(im.p);
}

static void test_entry_wraps(void **state)
{
	struct img im = build();

	(void)state;
	ent(&im, 0)->size = UINT64_MAX - VX_BOOTIMG_ALIGN + 1; /* offset + size wraps to 0 */
	assert_int_equal(check(&im), VX_E_CORRUPT);
	free(im.p);
}

static void test_entry_misaligned(void **state)
{
	struct img im = build();

	(void)state;
	ent(&im, 0)->offset += 8;
	ent(&im, 0)->size -= 8;
	assert_int_equal(check(&im), VX_E_CORRUPT);
	free(im.p);
}

static void test_entry_inside_table(void **state)
{
	struct img im = build();

	(void)state;
	ent(&im, 0)->offset = 0; /* aligned, but overlaps header and table */
	assert_int_equal(check(&im), VX_E_CORRUPT);
	free(im.p);
}

static void test_name_not_terminated(void **state)
{
	struct img im = build();

	(void)state;
	memset(ent(&im, 1)->name, 'x', VX_BOOTIMG_NAME_MAX);
	assert_int_equal(check(&im), VX_E_CORRUPT);
	assert_int_equal(vx_bootimg_find(im.p, im.len, "init", NULL, NULL), VX_E_CORRUPT);
	free(im.p);
}

static void test_name_empty(void **state)
{
	struct img im = build();

	(void)state;
	ent(&im, 2)->name[0] = '\0';
	assert_int_equal(check(&im), VX_E_CORRUPT);
	free(im.p);
}

static void test_name_duplicate(void **state)
{
	struct img im = build();

	(void)state;
	memcpy(ent(&im, 2)->name, "init", 5);
	assert_int_equal(check(&im), VX_E_CORRUPT);
	free(im.p);
}

/* The reader copes with an image that is not 8-byte aligned in memory. */
static void test_unaligned_image(void **state)
{
	struct img im = build();
	uint8_t *shifted = malloc(im.len + 1);
	const void *data;
	size_t size;

	(void)state;
	assert_non_null(shifted);
	memcpy(shifted + 1, im.p, im.len);
	assert_int_equal(vx_bootimg_find(shifted + 1, im.len, "init", &data, &size), VX_OK);
	assert_memory_equal(data, init_data, size);
	free(shifted);
	free(im.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_roundtrip),
	    cmocka_unit_test(test_empty_archive),
	    cmocka_unit_test(test_writer_rejects),
	    cmocka_unit_test(test_too_short),
	    cmocka_unit_test(test_bad_magic),
	    cmocka_unit_test(test_bad_version),
	    cmocka_unit_test(test_count_too_big),
	    cmocka_unit_test(test_entry_table_past_total),
	    cmocka_unit_test(test_total_size_past_len),
	    cmocka_unit_test(test_entry_past_total),
	    cmocka_unit_test(test_entry_wraps),
	    cmocka_unit_test(test_entry_misaligned),
	    cmocka_unit_test(test_entry_inside_table),
	    cmocka_unit_test(test_name_not_terminated),
	    cmocka_unit_test(test_name_empty),
	    cmocka_unit_test(test_name_duplicate),
	    cmocka_unit_test(test_unaligned_image),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
