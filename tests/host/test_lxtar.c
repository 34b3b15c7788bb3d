/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * linuxd's root archive index (services/linuxd/pure_tar.h): archives made
 * by GNU tar on the host (the format's reference) are read back whole, and
 * every malformed archive is refused by name.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vectra/abi.h"
#include "../../services/linuxd/pure_tar.h"

static struct tar_ent ents[256];
static char arena[16384];
static uint32_t buckets[64];
static struct tar_index ix;
static uint8_t buf[1 << 20];

/* Hashed, as linuxd builds it. */
static int build(const uint8_t *tar, size_t len)
{
	ix = (struct tar_index){.ent = ents,
				.max = 256,
				.arena = arena,
				.cap = sizeof(arena),
				.hash = buckets,
				.nhash = 64};
	return tar_index_build(&ix, tar, len);
}

/* Runs a shell command that makes an archive at path; returns its bytes. */
static size_t made_by_tar(const char *script)
{
	char cmd[4096], out[] = "/tmp/lxtar-XXXXXX";
	int fd = mkstemp(out);
	assert_true(fd >= 0);
	snprintf(
	    cmd, sizeof(cmd),
	    "set -e; d=$(mktemp -d); cd $d; %s; tar --format=ustar --sort=name -cf %s -C $d .; "
	    "cd /; rm -rf $d",
	    script, out);
	assert_int_equal(system(cmd), 0);
	FILE *f = fdopen(fd, "rb");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	remove(out);
	return n;
}

static void gnu_tar_archive_read_whole(void **state)
{
	(void)state;
	size_t n =
	    made_by_tar("mkdir -p bin usr/lib/x86_64-linux-gnu/very/deep/directory/names/that/"
			"go/past/one/hundred/bytes/in/all; printf hello > bin/prog; "
			"ln -s prog bin/alias; ln -s ../../bin/prog usr/lib/up; "
			"printf x > usr/lib/x86_64-linux-gnu/very/deep/directory/names/that/"
			"go/past/one/hundred/bytes/in/all/file.so.6; chmod 755 bin/prog");
	assert_int_equal(build(buf, n), VX_OK);
	uint32_t e = tar_find(&ix, "/bin/prog");
	assert_int_not_equal(e, TAR_NONE);
	assert_int_equal(ix.ent[e].kind, TAR_FILE);
	assert_int_equal(ix.ent[e].size, 5);
	assert_int_equal(ix.ent[e].mode, 0755);
	assert_memory_equal(buf + ix.ent[e].off, "hello", 5);
	e = tar_find(&ix, "/bin/alias");
	assert_int_equal(ix.ent[e].kind, TAR_SYMLINK);
	assert_string_equal(tar_link(&ix, e), "prog");
	e = tar_find(&ix, "/usr/lib/up");
	assert_string_equal(tar_link(&ix, e), "../../bin/prog");
	e = tar_find(&ix, "/usr/lib/x86_64-linux-gnu/very/deep/directory/names/that/go/past/one/"
			  "hundred/bytes/in/all/file.so.6");
	assert_int_not_equal(e, TAR_NONE);
	assert_int_equal(ix.ent[e].size, 1);
	assert_string_equal(tar_base(&ix, e), "file.so.6");
	/* The children of /bin, and the root's. */
	uint32_t cur = 0, kids = 0, d = tar_find(&ix, "/bin");
	while (tar_next_child(&ix, d, &cur) != TAR_NONE)
		kids++;
	assert_int_equal(kids, 2);
	cur = 0, kids = 0;
	while (tar_next_child(&ix, 0, &cur) != TAR_NONE)
		kids++;
	assert_int_equal(kids, 2); /* bin, usr */
	assert_int_equal(tar_find(&ix, "/"), 0);
	assert_int_equal(tar_find(&ix, "/nope"), TAR_NONE);
	/* The hash table finds what a search of every entry finds. */
	struct tar_index linear = ix;
	linear.hash = NULL;
	for (uint32_t i = 0; i < ix.n; i++) {
		assert_int_equal(tar_find(&ix, tar_path(&ix, i)), i);
		assert_int_equal(tar_find(&linear, tar_path(&ix, i)), i);
	}
	assert_int_equal(tar_find(&ix, "/bin/prog/"), TAR_NONE);
}

/* A hand-made header: name, type, size, with its checksum right. */
static void header(uint8_t *h, const char *name, char type, unsigned size, const char *link)
{
	memset(h, 0, 512);
	strncpy((char *)h, name, 100);
	memcpy(h + 100, "0000644", 8);
	memcpy(h + 108, "0000000", 8);
	memcpy(h + 116, "0000000", 8);
	snprintf((char *)h + 124, 12, "%011o", size);
	memcpy(h + 136, "00000000000", 12);
	h[156] = (uint8_t)type;
	if (link)
		strncpy((char *)h + 157, link, 100);
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	unsigned sum = 0;
	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
}

static size_t one(const char *name, char type, unsigned size, const char *link)
{
	memset(buf, 0, 4096);
	header(buf, name, type, size, link);
	return 512 + (size + 511) / 512 * 512 + 1024;
}

static void refused_hash_table_not_a_power_of_two(void **state)
{
	(void)state;
	size_t n = one("a", '0', 0, NULL);
	ix = (struct tar_index){.ent = ents,
				.max = 256,
				.arena = arena,
				.cap = sizeof(arena),
				.hash = buckets,
				.nhash = 48};
	assert_int_equal(tar_index_build(&ix, buf, n), VX_E_INVAL);
}

static void refused_bad_checksum(void **state)
{
	(void)state;
	size_t n = one("a", '0', 1, NULL);
	buf[148] ^= 1;
	assert_int_equal(build(buf, n), VX_E_CORRUPT);
}

static void refused_size_past_the_end(void **state)
{
	(void)state;
	one("a", '0', 100000, NULL);
	assert_int_equal(build(buf, 2048), VX_E_CORRUPT);
}

static void refused_dot_dot_in_a_name(void **state)
{
	(void)state;
	size_t n = one("a/../../etc/passwd", '0', 0, NULL);
	assert_int_equal(build(buf, n), VX_E_CORRUPT);
	n = one("./a/./b", '0', 0, NULL);
	assert_int_equal(build(buf, n), VX_E_CORRUPT);
}

static void refused_control_byte_in_a_name(void **state)
{
	(void)state;
	size_t n = one("a\x01", '0', 0, NULL);
	assert_int_equal(build(buf, n), VX_E_CORRUPT);
}

static void refused_hard_link_to_nothing(void **state)
{
	(void)state;
	size_t n = one("a", '1', 0, "nothing");
	assert_int_equal(build(buf, n), VX_E_CORRUPT);
}

static void refused_a_name_twice(void **state)
{
	(void)state;
	memset(buf, 0, 4096);
	header(buf, "a", '0', 0, NULL);
	header(buf + 512, "a", '0', 0, NULL);
	assert_int_equal(build(buf, 3072), VX_E_CORRUPT);
}

static void refused_bad_octal_size(void **state)
{
	(void)state;
	size_t n = one("a", '0', 0, NULL);
	buf[124] = '9';
	assert_int_equal(build(buf, n), VX_E_CORRUPT);
}

static void refused_file_under_a_file(void **state)
{
	(void)state;
	memset(buf, 0, 4096);
	header(buf, "a", '0', 0, NULL);
	header(buf + 512, "a/b", '0', 0, NULL);
	assert_int_equal(build(buf, 3072), VX_E_CORRUPT);
}

static void full_when_the_table_is_small(void **state)
{
	(void)state;
	size_t n = one("a/b/c/d", '0', 0, NULL);
	ix = (struct tar_index){.ent = ents, .max = 3, .arena = arena, .cap = sizeof(arena)};
	assert_int_equal(tar_index_build(&ix, buf, n), VX_E_FULL);
	ix = (struct tar_index){.ent = ents, .max = 256, .arena = arena, .cap = 8};
	assert_int_equal(tar_index_build(&ix, buf, n), VX_E_FULL);
}

static void made_up_directory_named_later(void **state)
{
	(void)state;
	memset(buf, 0, 4096);
	header(buf, "d/f", '0', 0, NULL);
	header(buf + 512, "d/", '5', 0, NULL);
	assert_int_equal(build(buf, 3072), VX_OK);
	uint32_t d = tar_find(&ix, "/d");
	assert_int_equal(ix.ent[d].kind, TAR_DIR);
	assert_int_equal(ix.ent[d].made_up, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(gnu_tar_archive_read_whole),
	    cmocka_unit_test(refused_bad_checksum),
	    cmocka_unit_test(refused_size_past_the_end),
	    cmocka_unit_test(refused_dot_dot_in_a_name),
	    cmocka_unit_test(refused_control_byte_in_a_name),
	    cmocka_unit_test(refused_hard_link_to_nothing),
	    cmocka_unit_test(refused_a_name_twice),
	    cmocka_unit_test(refused_bad_octal_size),
	    cmocka_unit_test(refused_file_under_a_file),
	    cmocka_unit_test(full_when_the_table_is_small),
	    cmocka_unit_test(made_up_directory_named_later),
	    cmocka_unit_test(refused_hash_table_not_a_power_of_two),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
