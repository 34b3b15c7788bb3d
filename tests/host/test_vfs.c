/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfsd's pure file system (services/vfsd/pure_fs.c): every operation, every
 * error by name, the store contract (zeroed backings, views ended before a
 * change) and the fs.h request decoder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../services/vfsd/pure_fs.h"
#include "../../services/vfsd/pure_heap.h"

/* ------------------------------------------------------------ test store */

#define BACKINGS 1100

/* Plain memory, with a budget of pages, checking the store contract. */
static struct {
	uint8_t *mem[BACKINGS];
	uint32_t pages[BACKINGS];
	uint32_t changed[BACKINGS]; /* views ended, per backing */
	bool live[BACKINGS];
	uint32_t budget; /* pages still available */
	uint32_t gets, puts, nchanged;
} ts;

static struct fs fs;

static int ts_get(void *ctx, uint32_t pages, struct fs_backing *out)
{
	(void)ctx;
	ts.gets++;
	if (pages > ts.budget)
		return VX_E_FULL;
	for (uint32_t i = 0; i < BACKINGS; i++) {
		if (ts.live[i])
			continue;
		free(ts.mem[i]);
		ts.mem[i] = calloc(pages, FS_PAGE);
		assert_non_null(ts.mem[i]);
		ts.pages[i] = pages;
		ts.live[i] = true;
		ts.budget -= pages;
		*out = (struct fs_backing){.base = ts.mem[i], .pages = pages, .id = i};
		return VX_OK;
	}
	return VX_E_FULL;
}

static void ts_put(void *ctx, const struct fs_backing *b)
{
	(void)ctx;
	assert_true(ts.live[b->id]);
	assert_ptr_equal(b->base, ts.mem[b->id]);
	for (size_t i = 0; i < (size_t)b->pages * FS_PAGE; i++)
		assert_int_equal(b->base[i], 0); /* given back all zero */
	ts.live[b->id] = false;
	ts.budget += b->pages;
	ts.puts++;
}

static void ts_changed(void *ctx, const struct fs_backing *b)
{
	(void)ctx;
	assert_true(ts.live[b->id]);
	ts.changed[b->id]++;
	ts.nchanged++;
}

static void reset(uint32_t budget)
{
	struct fs_store s = {.get = ts_get,
			     .put = ts_put,
			     .changed = ts_changed,
			     .bytes_max = (uint64_t)budget * FS_PAGE};

	for (uint32_t i = 0; i < BACKINGS; i++) {
		free(ts.mem[i]);
		ts.mem[i] = NULL;
	}
	memset(&ts, 0, sizeof(ts));
	ts.budget = budget;
	fs_init(&fs, &s);
}

static int setup(void **state)
{
	(void)state;
	reset(1024);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (uint32_t i = 0; i < BACKINGS; i++) {
		free(ts.mem[i]);
		ts.mem[i] = NULL;
	}
	return 0;
}

/* Shorthands over NUL-terminated paths. */
#define P(s) (s), strlen(s)

static int mkfile(const char *path, const char *text)
{
	return fs_write(&fs, P(path), 0, text, strlen(text));
}

static uint64_t size_of(const char *path)
{
	struct fs_stat st;

	assert_int_equal(fs_stat(&fs, P(path), &st), VX_OK);
	return st.size;
}

static void expect_text(const char *path, uint64_t off, const char *text)
{
	char buf[FS_INLINE_MAX];
	size_t got;

	assert_int_equal(fs_read(&fs, P(path), off, buf, strlen(text), &got), VX_OK);
	assert_int_equal(got, strlen(text));
	assert_memory_equal(buf, text, got);
}

/* The current backing of path. */
static struct fs_backing view_of(const char *path)
{
	struct fs_backing b;
	struct fs_stat st;

	assert_int_equal(fs_view(&fs, P(path), &b, &st), VX_OK);
	return b;
}

/* ------------------------------------------------------------ tests */

static void test_init_info(void **state)
{
	struct fs_info info;
	struct fs_stat st;

	(void)state;
	fs_info(&fs, &info);
	assert_int_equal(info.entries, 0);
	assert_int_equal(info.entries_max, FS_ENTRIES_MAX);
	assert_int_equal(info.bytes, 0);
	assert_int_equal(info.bytes_max, 1024ull * FS_PAGE);
	assert_int_equal(fs_stat(&fs, P(""), &st), VX_OK);
	assert_int_equal(st.type, FS_DIR);
	assert_int_equal(st.entries, 0);
	assert_int_equal(fs_stat(&fs, P("/"), &st), VX_OK);
	assert_int_equal(st.type, FS_DIR);
}

static void test_class_pages(void **state)
{
	(void)state;
	assert_int_equal(fs_class_pages(0), 0);
	assert_int_equal(fs_class_pages(1), 1);
	assert_int_equal(fs_class_pages(4096), 1);
	assert_int_equal(fs_class_pages(4097), 2);
	assert_int_equal(fs_class_pages(3 * 4096), 4);
	assert_int_equal(fs_class_pages(FS_FILE_MAX), 256);
}

static void test_create_stat(void **state)
{
	struct fs_stat st;

	(void)state;
	assert_int_equal(fs_create(&fs, P("a")), VX_OK);
	assert_int_equal(fs_stat(&fs, P("a"), &st), VX_OK);
	assert_int_equal(st.type, FS_FILE);
	assert_int_equal(st.size, 0);
	assert_int_equal(fs_stat(&fs, P("/a"), &st), VX_OK); /* a leading '/' is the root */
	assert_int_equal(fs_create(&fs, P("a")), VX_E_EXISTS);
	assert_int_equal(fs_create(&fs, P("")), VX_E_EXISTS);
	assert_int_equal(fs_create(&fs, P("no/a")), VX_E_NOTFOUND);
	assert_int_equal(fs_create(&fs, P("a/b")), VX_E_TYPE);
	assert_int_equal(fs_stat(&fs, P("a/b"), &st), VX_E_TYPE);
	assert_int_equal(fs_stat(&fs, P("b"), &st), VX_E_NOTFOUND);
	assert_int_equal(ts.gets, 0); /* an empty file has no backing */
}

static void test_mkdir(void **state)
{
	struct fs_stat st;
	struct fs_info info;

	(void)state;
	assert_int_equal(fs_mkdir(&fs, P("d")), VX_OK);
	assert_int_equal(fs_mkdir(&fs, P("d/e")), VX_OK);
	assert_int_equal(fs_mkdir(&fs, P("d/e/f")), VX_OK);
	assert_int_equal(fs_stat(&fs, P("d"), &st), VX_OK);
	assert_int_equal(st.type, FS_DIR);
	assert_int_equal(st.entries, 1);
	assert_int_equal(st.size, 0);
	assert_int_equal(fs_mkdir(&fs, P("d")), VX_E_EXISTS);
	assert_int_equal(fs_mkdir(&fs, P("")), VX_E_EXISTS);
	assert_int_equal(fs_mkdir(&fs, P("x/y")), VX_E_NOTFOUND);
	assert_int_equal(fs_create(&fs, P("file")), VX_OK);
	assert_int_equal(fs_mkdir(&fs, P("file/y")), VX_E_TYPE);
	fs_info(&fs, &info);
	assert_int_equal(info.entries, 4);
}

static void test_list_order(void **state)
{
	const char *want[] = {"B", "a", "ab", "b", "c"};
	struct fs_dirent ent;

	(void)state;
	assert_int_equal(fs_create(&fs, P("b")), VX_OK);
	assert_int_equal(fs_mkdir(&fs, P("c")), VX_OK);
	assert_int_equal(fs_create(&fs, P("ab")), VX_OK);
	assert_int_equal(fs_create(&fs, P("a")), VX_OK);
	assert_int_equal(fs_create(&fs, P("B")), VX_OK);
	assert_int_equal(mkfile("b", "xyz"), VX_OK);
	for (uint32_t i = 0; i < 5; i++) {
		assert_int_equal(fs_list(&fs, P(""), i, &ent), VX_OK);
		assert_string_equal(ent.name, want[i]);
	}
	assert_int_equal(fs_list(&fs, P(""), 3, &ent), VX_OK);
	assert_int_equal(ent.st.type, FS_FILE);
	assert_int_equal(ent.st.size, 3);
	assert_int_equal(fs_list(&fs, P(""), 4, &ent), VX_OK);
	assert_int_equal(ent.st.type, FS_DIR);
	assert_int_equal(fs_list(&fs, P(""), 5, &ent), VX_E_NOTFOUND);
	assert_int_equal(fs_list(&fs, P("c"), 0, &ent), VX_E_NOTFOUND);
	assert_int_equal(fs_list(&fs, P("b"), 0, &ent), VX_E_TYPE);
	assert_int_equal(fs_list(&fs, P("zz"), 0, &ent), VX_E_NOTFOUND);
}

static void test_write_read_holes(void **state)
{
	char buf[FS_INLINE_MAX + 1];
	size_t got;

	(void)state;
	assert_int_equal(mkfile("f", "hello"), VX_OK); /* creates */
	expect_text("f", 0, "hello");
	assert_int_equal(fs_write(&fs, P("f"), 1, "EL", 2), VX_OK);
	expect_text("f", 0, "hELlo");
	assert_int_equal(size_of("f"), 5);
	assert_int_equal(fs_write(&fs, P("f"), 10000, "x", 1), VX_OK);
	assert_int_equal(size_of("f"), 10001);
	assert_int_equal(view_of("f").pages, 4);
	assert_int_equal(fs_read(&fs, P("f"), 5, buf, 100, &got), VX_OK);
	assert_int_equal(got, 100);
	for (size_t i = 0; i < got; i++)
		assert_int_equal(buf[i], 0); /* a hole reads as zeros */
	expect_text("f", 0, "hELlo");
	expect_text("f", 10000, "x");
	assert_int_equal(fs_read(&fs, P("f"), 9990, buf, 50, &got), VX_OK);
	assert_int_equal(got, 11); /* short at the end */
	assert_int_equal(fs_read(&fs, P("f"), 10001, buf, 5, &got), VX_OK);
	assert_int_equal(got, 0);
	assert_int_equal(fs_read(&fs, P("f"), UINT64_MAX, buf, 5, &got), VX_OK);
	assert_int_equal(got, 0);
	assert_int_equal(fs_read(&fs, P("f"), 0, buf, FS_INLINE_MAX + 1, &got), VX_E_TOOBIG);
	assert_int_equal(fs_read(&fs, P("g"), 0, buf, 1, &got), VX_E_NOTFOUND);
	assert_int_equal(fs_mkdir(&fs, P("d")), VX_OK);
	assert_int_equal(fs_read(&fs, P("d"), 0, buf, 1, &got), VX_E_TYPE);
	assert_int_equal(fs_write(&fs, P("d"), 0, "x", 1), VX_E_TYPE);
	assert_int_equal(fs_write(&fs, P("no/f"), 0, "x", 1), VX_E_NOTFOUND);
	/* Zero bytes past the end extend with a hole. */
	assert_int_equal(fs_write(&fs, P("h"), 3, "", 0), VX_OK);
	assert_int_equal(size_of("h"), 3);
	assert_int_equal(fs_write(&fs, P("e"), 0, "", 0), VX_OK);
	assert_int_equal(size_of("e"), 0);
}

static void test_write_limits(void **state)
{
	static char big[FS_FILE_MAX];
	struct fs_stat st;

	(void)state;
	memset(big, 'z', sizeof(big));
	assert_int_equal(fs_write(&fs, P("f"), FS_FILE_MAX, "x", 1), VX_E_TOOBIG);
	assert_int_equal(fs_write(&fs, P("f"), UINT64_MAX, "x", 1), VX_E_TOOBIG);
	assert_int_equal(fs_stat(&fs, P("f"), &st), VX_E_NOTFOUND); /* nothing made */
	assert_int_equal(fs_write(&fs, P("f"), FS_FILE_MAX - 1, "x", 1), VX_OK);
	assert_int_equal(size_of("f"), FS_FILE_MAX);
	assert_int_equal(fs_write(&fs, P("g"), 0, big, sizeof(big)), VX_OK);
	assert_int_equal(fs_append(&fs, P("g"), "x", 1), VX_E_TOOBIG);
	assert_int_equal(fs_truncate(&fs, P("g"), FS_FILE_MAX + 1ull), VX_E_TOOBIG);
	assert_int_equal(size_of("g"), FS_FILE_MAX);
	expect_text("g", FS_FILE_MAX - 3, "zzz");
}

static void test_growth_keeps_bytes(void **state)
{
	uint8_t pat[FS_INLINE_MAX], buf[FS_INLINE_MAX];
	struct fs_info info;
	size_t got;

	(void)state;
	for (size_t i = 0; i < sizeof(pat); i++)
		pat[i] = (uint8_t)(i * 7 + 1);
	for (uint64_t off = 0; off < 40000; off += sizeof(pat))
		assert_int_equal(fs_append(&fs, P("f"), pat, sizeof(pat)), VX_OK);
	for (uint64_t off = 0; off < 40000; off += sizeof(pat)) {
		assert_int_equal(fs_read(&fs, P("f"), off, buf, sizeof(buf), &got), VX_OK);
		assert_int_equal(got, sizeof(buf));
		assert_memory_equal(buf, pat, sizeof(buf));
	}
	assert_int_equal(view_of("f").pages, 16);
	fs_info(&fs, &info);
	assert_int_equal(info.bytes, 16ull * FS_PAGE);
	assert_int_equal(ts.budget, 1024 - 16); /* older classes went back */
}

static void test_append(void **state)
{
	(void)state;
	assert_int_equal(fs_append(&fs, P("log"), "one", 3), VX_OK); /* creates */
	assert_int_equal(fs_append(&fs, P("log"), "two", 3), VX_OK);
	expect_text("log", 0, "onetwo");
	assert_int_equal(fs_append(&fs, P("log"), "", 0), VX_OK);
	assert_int_equal(size_of("log"), 6);
	assert_int_equal(fs_mkdir(&fs, P("d")), VX_OK);
	assert_int_equal(fs_append(&fs, P("d"), "x", 1), VX_E_TYPE);
	assert_int_equal(fs_append(&fs, P("no/log"), "x", 1), VX_E_NOTFOUND);
	assert_int_equal(fs_append(&fs, P("log/x"), "x", 1), VX_E_TYPE);
}

static void test_truncate(void **state)
{
	char buf[16];
	size_t got;
	struct fs_info info;

	(void)state;
	assert_int_equal(mkfile("f", "abcdef"), VX_OK);
	assert_int_equal(fs_truncate(&fs, P("f"), 3), VX_OK);
	assert_int_equal(size_of("f"), 3);
	assert_int_equal(fs_truncate(&fs, P("f"), 6), VX_OK);
	assert_int_equal(fs_read(&fs, P("f"), 0, buf, 6, &got), VX_OK);
	assert_int_equal(got, 6);
	assert_memory_equal(buf, "abc\0\0\0", 6); /* the cut bytes do not come back */
	assert_int_equal(fs_truncate(&fs, P("f"), 6), VX_OK);
	assert_int_equal(fs_truncate(&fs, P("f"), 0), VX_OK);
	assert_int_equal(view_of("f").pages, 0);
	fs_info(&fs, &info);
	assert_int_equal(info.bytes, 0);
	assert_int_equal(fs_truncate(&fs, P("f"), 20000), VX_OK); /* grow an empty file */
	assert_int_equal(view_of("f").pages, 8);
	assert_int_equal(fs_write(&fs, P("f"), 0, "keep", 4), VX_OK);
	assert_int_equal(fs_truncate(&fs, P("f"), 100), VX_OK); /* moves down a class */
	assert_int_equal(view_of("f").pages, 1);
	expect_text("f", 0, "keep");
	fs_info(&fs, &info);
	assert_int_equal(info.bytes, FS_PAGE);
	assert_int_equal(fs_truncate(&fs, P("g"), 1), VX_E_NOTFOUND);
	assert_int_equal(fs_mkdir(&fs, P("d")), VX_OK);
	assert_int_equal(fs_truncate(&fs, P("d"), 1), VX_E_TYPE);
	assert_int_equal(fs_truncate(&fs, P("f"), FS_FILE_MAX + 1ull), VX_E_TOOBIG);
}

static void test_truncate_shrink_without_room(void **state)
{
	(void)state;
	reset(8);
	assert_int_equal(fs_create(&fs, P("f")), VX_OK);
	assert_int_equal(fs_truncate(&fs, P("f"), 8 * FS_PAGE), VX_OK);
	assert_int_equal(fs_write(&fs, P("f"), 0, "keep", 4), VX_OK);
	assert_int_equal(fs_truncate(&fs, P("f"), 10), VX_OK); /* no room: keeps 8 pages */
	assert_int_equal(view_of("f").pages, 8);
	expect_text("f", 0, "keep");
	assert_int_equal(size_of("f"), 10);
}

static void test_views_end_before_changes(void **state)
{
	struct fs_backing b, v;
	struct fs_stat st;

	(void)state;
	assert_int_equal(fs_create(&fs, P("f")), VX_OK);
	assert_int_equal(fs_view(&fs, P("f"), &v, &st), VX_OK);
	assert_int_equal(v.pages, 0); /* empty: nothing to hand out */
	assert_int_equal(mkfile("f", "data"), VX_OK);
	assert_int_equal(fs_view(&fs, P("f"), &b, &st), VX_OK);
	assert_int_equal(b.pages, 1);
	assert_int_equal(st.size, 4);
	assert_memory_equal(b.base, "data", 4);
	uint32_t n = ts.changed[b.id];
	assert_int_equal(fs_write(&fs, P("f"), 0, "D", 1), VX_OK);
	assert_true(ts.changed[b.id] > n);
	n = ts.changed[b.id];
	assert_int_equal(fs_append(&fs, P("f"), "!", 1), VX_OK);
	assert_true(ts.changed[b.id] > n);
	n = ts.changed[b.id];
	assert_int_equal(fs_truncate(&fs, P("f"), 2), VX_OK);
	assert_true(ts.changed[b.id] > n);
	n = ts.changed[b.id];
	assert_int_equal(fs_rename(&fs, P("f"), P("g")), VX_OK);
	assert_true(ts.changed[b.id] > n);
	n = ts.changed[b.id];
	/* Growing to a new class ends the old backing's views first. */
	assert_int_equal(fs_write(&fs, P("g"), 5000, "x", 1), VX_OK);
	assert_true(ts.changed[b.id] > n);
	b = view_of("g");
	n = ts.changed[b.id];
	assert_int_equal(fs_remove(&fs, P("g")), VX_OK);
	assert_true(ts.changed[b.id] > n);
	/* Reads, stats and views change nothing. */
	assert_int_equal(mkfile("h", "x"), VX_OK);
	n = ts.nchanged;
	expect_text("h", 0, "x");
	(void)view_of("h");
	assert_int_equal(size_of("h"), 1);
	assert_int_equal(ts.nchanged, n);
}

static void test_remove(void **state)
{
	struct fs_stat st;
	struct fs_info info;

	(void)state;
	assert_int_equal(mkfile("f", "bytes"), VX_OK);
	assert_int_equal(fs_mkdir(&fs, P("d")), VX_OK);
	assert_int_equal(fs_create(&fs, P("d/x")), VX_OK);
	assert_int_equal(fs_remove(&fs, P("d")), VX_E_STATE);
	assert_int_equal(fs_remove(&fs, P("d/x")), VX_OK);
	assert_int_equal(fs_remove(&fs, P("d")), VX_OK);
	assert_int_equal(fs_remove(&fs, P("f")), VX_OK); /* ts_put checks it is zeroed */
	assert_int_equal(ts.puts, 1);
	assert_int_equal(fs_stat(&fs, P("f"), &st), VX_E_NOTFOUND);
	assert_int_equal(fs_remove(&fs, P("f")), VX_E_NOTFOUND);
	assert_int_equal(fs_remove(&fs, P("")), VX_E_INVAL);
	assert_int_equal(fs_remove(&fs, P("/")), VX_E_INVAL);
	fs_info(&fs, &info);
	assert_int_equal(info.entries, 0);
	assert_int_equal(info.bytes, 0);
	assert_int_equal(ts.budget, 1024);
	/* A reused name starts empty. */
	assert_int_equal(fs_create(&fs, P("f")), VX_OK);
	assert_int_equal(size_of("f"), 0);
}

static void test_rename(void **state)
{
	struct fs_dirent ent;
	struct fs_stat st;

	(void)state;
	assert_int_equal(fs_mkdir(&fs, P("d")), VX_OK);
	assert_int_equal(fs_mkdir(&fs, P("d/e")), VX_OK);
	assert_int_equal(fs_mkdir(&fs, P("t")), VX_OK);
	assert_int_equal(mkfile("d/e/f", "text"), VX_OK);
	assert_int_equal(mkfile("z", "zz"), VX_OK);
	/* A file moves and changes name; its bytes go with it. */
	assert_int_equal(fs_rename(&fs, P("z"), P("t/a")), VX_OK);
	expect_text("t/a", 0, "zz");
	assert_int_equal(fs_stat(&fs, P("z"), &st), VX_E_NOTFOUND);
	/* A directory moves with its subtree. */
	assert_int_equal(fs_rename(&fs, P("d"), P("t/b")), VX_OK);
	expect_text("t/b/e/f", 0, "text");
	assert_int_equal(fs_list(&fs, P("t"), 0, &ent), VX_OK);
	assert_string_equal(ent.name, "a");
	assert_int_equal(fs_list(&fs, P("t"), 1, &ent), VX_OK);
	assert_string_equal(ent.name, "b");
	assert_int_equal(fs_stat(&fs, P(""), &st), VX_OK);
	assert_int_equal(st.entries, 1);
	/* A new name re-sorts. */
	assert_int_equal(fs_rename(&fs, P("t/a"), P("t/c")), VX_OK);
	assert_int_equal(fs_list(&fs, P("t"), 0, &ent), VX_OK);
	assert_string_equal(ent.name, "b");
	/* The errors. */
	assert_int_equal(fs_rename(&fs, P("t/b"), P("t/c")), VX_E_EXISTS);
	/* To its own name: nothing to do (every root agrees). */
	assert_int_equal(fs_rename(&fs, P("t/c"), P("t/c")), VX_OK);
	assert_int_equal(fs_rename(&fs, P("t/b"), P("t/b")), VX_OK);
	expect_text("t/c", 0, "zz");
	assert_int_equal(fs_rename(&fs, P("t/b"), P("t/b/x")), VX_E_INVAL);
	assert_int_equal(fs_rename(&fs, P("t/b"), P("t/b/e/x")), VX_E_INVAL);
	assert_int_equal(fs_rename(&fs, P("t"), P("t/b/e/f2")), VX_E_INVAL);
	assert_int_equal(fs_rename(&fs, P("nope"), P("x")), VX_E_NOTFOUND);
	assert_int_equal(fs_rename(&fs, P("t/c"), P("no/x")), VX_E_NOTFOUND);
	assert_int_equal(fs_rename(&fs, P("t/c"), P("t/b/e/f/x")), VX_E_TYPE);
	assert_int_equal(fs_rename(&fs, P(""), P("x")), VX_E_INVAL);
	assert_int_equal(fs_rename(&fs, P("t/c"), P("")), VX_E_INVAL);
	assert_int_equal(fs_rename(&fs, P("t/c"), P("/")), VX_E_INVAL);
	expect_text("t/c", 0, "zz");
}

static void test_entries_full(void **state)
{
	char name[16];
	struct fs_info info;

	(void)state;
	for (uint32_t i = 0; i < FS_ENTRIES_MAX; i++) {
		snprintf(name, sizeof(name), "n%u", i);
		assert_int_equal(fs_create(&fs, P(name)), VX_OK);
	}
	assert_int_equal(fs_create(&fs, P("one-more")), VX_E_FULL);
	assert_int_equal(fs_mkdir(&fs, P("one-more")), VX_E_FULL);
	assert_int_equal(fs_write(&fs, P("one-more"), 0, "x", 1), VX_E_FULL);
	assert_int_equal(fs_append(&fs, P("one-more"), "x", 1), VX_E_FULL);
	fs_info(&fs, &info);
	assert_int_equal(info.entries, FS_ENTRIES_MAX);
	assert_int_equal(fs_remove(&fs, P("n7")), VX_OK);
	assert_int_equal(fs_create(&fs, P("one-more")), VX_OK);
}

static void test_storage_full(void **state)
{
	struct fs_stat st;

	(void)state;
	reset(3);
	assert_int_equal(fs_write(&fs, P("a"), 0, "x", 1), VX_OK);     /* 1 page */
	assert_int_equal(fs_write(&fs, P("b"), 4096, "x", 1), VX_OK);  /* 2 pages */
	assert_int_equal(fs_write(&fs, P("c"), 0, "x", 1), VX_E_FULL); /* no trace */
	assert_int_equal(fs_stat(&fs, P("c"), &st), VX_E_NOTFOUND);
	assert_int_equal(fs_append(&fs, P("c"), "x", 1), VX_E_FULL);
	assert_int_equal(fs_stat(&fs, P("c"), &st), VX_E_NOTFOUND);
	assert_int_equal(fs_write(&fs, P("a"), 5000, "y", 1), VX_E_FULL); /* unchanged */
	assert_int_equal(size_of("a"), 1);
	expect_text("a", 0, "x");
	assert_int_equal(fs_truncate(&fs, P("a"), 9000), VX_E_FULL);
	assert_int_equal(size_of("a"), 1);
	assert_int_equal(fs_create(&fs, P("c")), VX_OK); /* empty files cost no storage */
	assert_int_equal(fs_write(&fs, P("c"), 0, "x", 1), VX_E_FULL);
	assert_int_equal(size_of("c"), 0); /* an existing file stays */
	assert_int_equal(fs_remove(&fs, P("b")), VX_OK);
	assert_int_equal(fs_write(&fs, P("c"), 0, "x", 1), VX_OK);
}

/* Every bad path, for every operation: VX_E_INVAL and nothing touched. */
static void test_bad_paths(void **state)
{
	static char longname[FS_NAME_MAX + 2], longpath[FS_PATH_MAX + 2];
	static struct fs before;
	struct {
		const char *p;
		size_t len;
	} bad[] = {
	    {P("..")},	  {P("a/..")}, {P("../a")},   {P(".")},	     {P("a/./b")}, {P("a//b")},
	    {P("a/")},	  {P("//")},   {P("//a")},    {"a\0b", 3},   {"\0", 1},	   {P("a\x01")},
	    {P("a\x7f")}, {P("d/..")}, {longname, 0}, {longpath, 0},
	};
	struct fs_dirent ent;
	struct fs_backing b;
	struct fs_stat st;
	uint32_t gets, puts, nchanged;
	char buf[8];
	size_t got;

	(void)state;
	memset(longname, 'n', FS_NAME_MAX + 1);
	bad[14].len = FS_NAME_MAX + 1;
	for (size_t i = 0; i < FS_PATH_MAX + 1; i++)
		longpath[i] = (i % 2) ? '/' : 'p';
	bad[15].len = FS_PATH_MAX + 1;
	assert_int_equal(fs_mkdir(&fs, P("d")), VX_OK);
	assert_int_equal(mkfile("a", "bytes"), VX_OK);
	memcpy(&before, &fs, sizeof(fs));
	gets = ts.gets;
	puts = ts.puts;
	nchanged = ts.nchanged;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *p = bad[i].p;
		size_t n = bad[i].len;
		assert_int_equal(fs_stat(&fs, p, n, &st), VX_E_INVAL);
		assert_int_equal(fs_list(&fs, p, n, 0, &ent), VX_E_INVAL);
		assert_int_equal(fs_create(&fs, p, n), VX_E_INVAL);
		assert_int_equal(fs_mkdir(&fs, p, n), VX_E_INVAL);
		assert_int_equal(fs_write(&fs, p, n, 0, "x", 1), VX_E_INVAL);
		assert_int_equal(fs_write(&fs, p, n, FS_FILE_MAX, "x", 1), VX_E_INVAL);
		assert_int_equal(fs_append(&fs, p, n, "x", 1), VX_E_INVAL);
		assert_int_equal(fs_truncate(&fs, p, n, 0), VX_E_INVAL);
		assert_int_equal(fs_read(&fs, p, n, 0, buf, 1, &got), VX_E_INVAL);
		assert_int_equal(fs_view(&fs, p, n, &b, &st), VX_E_INVAL);
		assert_int_equal(fs_remove(&fs, p, n), VX_E_INVAL);
		assert_int_equal(fs_rename(&fs, p, n, P("new")), VX_E_INVAL);
		assert_int_equal(fs_rename(&fs, P("a"), p, n), VX_E_INVAL);
		assert_int_equal(fs_rename(&fs, P("nope"), p, n), VX_E_INVAL);
	}
	assert_memory_equal(&before, &fs, sizeof(fs));
	assert_int_equal(ts.gets, gets);
	assert_int_equal(ts.puts, puts);
	assert_int_equal(ts.nchanged, nchanged);
	/* The longest legal name and path are fine. */
	longname[FS_NAME_MAX] = '\0';
	assert_int_equal(fs_create(&fs, P(longname)), VX_OK);
	assert_int_equal(fs_list(&fs, P(""), 2, &ent), VX_OK); /* after "a" and "d" */
	assert_int_equal(strlen(ent.name), FS_NAME_MAX);
}

/* ------------------------------------------------------------ the heap */

/* A pure_fs over a pure_heap, as in vfsd: the capacity tests of issue 7. */
#define HP_PAGES 4096u /* 16 MiB, vfsd's heap */

static struct heap hp;
static uint8_t *hp_mem;

static void hp_moved(void *ctx, uint32_t id, uint8_t *base)
{
	(void)ctx;
	fs_rebase(&fs, id, base);
}

static int hp_get(void *ctx, uint32_t pages, struct fs_backing *out)
{
	uint32_t id;
	int rc = heap_alloc(&hp, pages, &id);

	(void)ctx;
	if (rc == VX_OK)
		*out = (struct fs_backing){.base = heap_ptr(&hp, id), .pages = pages, .id = id};
	return rc;
}

static void hp_put(void *ctx, const struct fs_backing *b)
{
	(void)ctx;
	for (size_t i = 0; i < (size_t)b->pages * FS_PAGE; i++)
		assert_int_equal(b->base[i], 0);
	heap_free(&hp, b->id);
}

static void hp_changed(void *ctx, const struct fs_backing *b)
{
	(void)ctx;
	(void)b;
}

static void hp_reset(void)
{
	struct fs_store s = {.get = hp_get,
			     .put = hp_put,
			     .changed = hp_changed,
			     .bytes_max = (uint64_t)HP_PAGES * FS_PAGE};

	free(hp_mem);
	hp_mem = calloc(HP_PAGES, FS_PAGE);
	assert_non_null(hp_mem);
	heap_init(&hp, hp_mem, HP_PAGES, hp_moved, NULL);
	fs_init(&fs, &s);
}

static int hp_teardown(void **state)
{
	free(hp_mem);
	hp_mem = NULL;
	return teardown(state);
}

/* Writes a recognisable pattern of size bytes to path. */
static int hp_fill(const char *path, uint64_t size, uint8_t tag)
{
	static uint8_t buf[FS_FILE_MAX];
	int rc;

	for (uint64_t i = 0; i < size; i++)
		buf[i] = (uint8_t)(tag + i / FS_PAGE);
	if ((rc = fs_truncate(&fs, P(path), size)) != VX_OK)
		return rc;
	return fs_write(&fs, P(path), 0, buf, size);
}

static void hp_expect(const char *path, uint64_t size, uint8_t tag)
{
	struct fs_backing b = view_of(path);

	assert_int_equal(size_of(path), size);
	for (uint64_t i = 0; i < size; i += 997)
		assert_int_equal(b.base[i], (uint8_t)(tag + i / FS_PAGE));
}

/* Issue 7: 511 one-page files (vfsd stopped at about 246), and then one of
 * them grows to the 1 MiB maximum. */
static void test_store_many_small_files(void **state)
{
	char p[32];

	(void)state;
	hp_reset();
	assert_int_equal(fs_mkdir(&fs, P("s")), VX_OK);
	for (uint32_t i = 0; i < FS_ENTRIES_MAX - 1; i++) {
		snprintf(p, sizeof(p), "s/%u", i);
		assert_int_equal(fs_create(&fs, P(p)), VX_OK);
		assert_int_equal(hp_fill(p, 100, (uint8_t)i), VX_OK);
	}
	assert_int_equal(fs_create(&fs, P("one-more")), VX_E_FULL);
	assert_int_equal(hp_fill("s/7", FS_FILE_MAX, 9), VX_OK);
	hp_expect("s/7", FS_FILE_MAX, 9);
	hp_expect("s/8", 100, 8);
}

/* Issue 7: the store full of 32 KiB files, every other one removed from
 * the oldest (the newest kept), then 1 MiB files take the holes: every
 * free page is usable, and the files that stayed keep their bytes. */
static void test_store_fragmented(void **state)
{
	char p[32];
	uint32_t n = 0, removed = 0, big = 0;

	(void)state;
	hp_reset();
	for (; n < FS_ENTRIES_MAX; n++) { /* 512 x 32 KiB = 16 MiB */
		snprintf(p, sizeof(p), "f%u", n);
		assert_int_equal(fs_create(&fs, P(p)), VX_OK);
		assert_int_equal(hp_fill(p, 32 * 1024, (uint8_t)n), VX_OK);
	}
	assert_int_equal(hp.used, HP_PAGES);
	assert_int_equal(fs_append(&fs, P("f0"), "x", 1), VX_E_FULL);
	for (uint32_t i = 0; i + 1 < n; i += 2, removed++) {
		snprintf(p, sizeof(p), "f%u", i);
		assert_int_equal(fs_remove(&fs, P(p)), VX_OK);
	}
	for (;; big++) {
		snprintf(p, sizeof(p), "b%u", big);
		assert_int_equal(fs_create(&fs, P(p)), VX_OK);
		if (hp_fill(p, FS_FILE_MAX, (uint8_t)(100 + big)) != VX_OK)
			break;
	}
	assert_int_equal(big, removed * 8 / 256); /* the holes, to the page: 8 */
	assert_true(hp.compactions > 0);
	assert_int_equal(hp.used, HP_PAGES);
	for (uint32_t i = 1; i + 1 < n; i += 2) {
		snprintf(p, sizeof(p), "f%u", i);
		hp_expect(p, 32 * 1024, (uint8_t)i);
	}
	for (uint32_t i = 0; i < big; i++) {
		snprintf(p, sizeof(p), "b%u", i);
		hp_expect(p, FS_FILE_MAX, (uint8_t)(100 + i));
	}
}

/* Issue 7: FS_ENTRIES_MAX entries of every size class at once, removed in
 * an order that leaves holes everywhere; all of it comes back. */
static void test_store_max_entries(void **state)
{
	char p[32];
	uint64_t total = 0;

	(void)state;
	hp_reset();
	for (uint32_t i = 0; i < FS_ENTRIES_MAX; i++) {
		uint64_t size = (uint64_t)1 << (i % 13); /* 1 byte .. 4 KiB */
		snprintf(p, sizeof(p), "e%u", i);
		assert_int_equal(fs_create(&fs, P(p)), VX_OK);
		assert_int_equal(hp_fill(p, size, (uint8_t)i), VX_OK);
		total += size;
	}
	assert_int_equal(fs_create(&fs, P("e-too-many")), VX_E_FULL);
	for (uint32_t i = 0; i < FS_ENTRIES_MAX; i += 3) {
		snprintf(p, sizeof(p), "e%u", i);
		assert_int_equal(fs_remove(&fs, P(p)), VX_OK);
	}
	for (uint32_t i = 1; i < FS_ENTRIES_MAX; i += 3) {
		snprintf(p, sizeof(p), "e%u", i);
		hp_expect(p, (uint64_t)1 << (i % 13), (uint8_t)i);
		assert_int_equal(fs_remove(&fs, P(p)), VX_OK);
	}
	for (uint32_t i = 2; i < FS_ENTRIES_MAX; i += 3) {
		snprintf(p, sizeof(p), "e%u", i);
		assert_int_equal(fs_remove(&fs, P(p)), VX_OK);
	}
	assert_int_equal(hp.used, 0);
	assert_int_equal(fs.bytes, 0);
	assert_true(total > 0);
	for (uint32_t i = 0; i < HP_PAGES * FS_PAGE; i += 4093)
		assert_int_equal(hp_mem[i], 0);
}

/* The heap's own rules: first fit, compaction only when it must, zero
 * pages out, moves reported, VX_E_FULL only when too few pages are free. */
static void test_heap_rules(void **state)
{
	static uint8_t mem[8 * HEAP_PAGE];
	struct heap h;
	uint32_t a, b, c, d;

	(void)state;
	memset(mem, 0, sizeof(mem));
	heap_init(&h, mem, 8, NULL, NULL);
	assert_int_equal(heap_alloc(&h, 0, &a), VX_E_INVAL);
	assert_int_equal(heap_alloc(&h, 9, &a), VX_E_FULL);
	assert_int_equal(heap_alloc(&h, 2, &a), VX_OK);
	assert_int_equal(heap_alloc(&h, 3, &b), VX_OK);
	assert_int_equal(heap_alloc(&h, 2, &c), VX_OK);
	memset(heap_ptr(&h, c), 0xcc, 2 * HEAP_PAGE);
	heap_free(&h, a); /* a 2-page hole at 0, 1 free page at the end */
	assert_int_equal(heap_alloc(&h, 3, &d), VX_OK); /* must compact */
	assert_int_equal(h.compactions, 1);
	assert_ptr_equal(heap_ptr(&h, b), mem);
	assert_int_equal(heap_ptr(&h, c)[0], 0xcc);
	for (size_t i = 0; i < 3 * HEAP_PAGE; i++)
		assert_int_equal(heap_ptr(&h, d)[i], 0);
	assert_int_equal(heap_alloc(&h, 1, &a), VX_E_FULL);
	heap_free(&h, b);
	assert_int_equal(heap_alloc(&h, 2, &a), VX_OK); /* the hole: first fit */
	assert_ptr_equal(heap_ptr(&h, a), mem);
	assert_int_equal(h.compactions, 1);
}

/* ------------------------------------------------------------ fs_serve */

static void req(struct vx_msg *m, uint32_t op, const char *path, struct fs_args a,
		const void *extra, size_t n)
{
	size_t plen = strlen(path);

	memset(m, 0xee, sizeof(*m));
	m->op = op;
	m->ncaps = 0;
	memcpy(m->data, &a, sizeof(a));
	memcpy(m->data + sizeof(a), path, plen + 1);
	if (n)
		memcpy(m->data + sizeof(a) + plen + 1, extra, n);
	m->len = (uint16_t)(sizeof(a) + plen + 1 + n);
}

static int serve(struct vx_msg *m)
{
	struct fs_backing v;

	fs_serve(&fs, m, &v);
	assert_int_equal(m->ncaps, 0);
	if (m->status != VX_OK)
		assert_int_equal(m->len, 0);
	return m->status;
}

/* A grant from its record text. */
static struct fs_grant grant(const char *text, int want)
{
	struct fs_grant g;

	assert_int_equal(fs_grant_parse(text, strlen(text), &g), want);
	return g;
}

/* The path a granted request goes on to fs_serve with. */
static const char *granted_path(const struct vx_msg *m)
{
	return (const char *)m->data + sizeof(struct fs_args);
}

static void test_grant_parse(void **state)
{
	struct fs_grant g;
	char longp[300];

	(void)state;
	g = grant("", VX_OK);
	assert_false(g.read_only);
	assert_false(g.rooted);
	g = grant("read", VX_OK);
	assert_true(g.read_only);
	assert_false(g.rooted);
	g = grant("read:www/site", VX_OK);
	assert_true(g.read_only && g.rooted);
	assert_string_equal(g.root, "www/site");
	g = grant("read:/www", VX_OK); /* a leading '/' means the same as none */
	assert_string_equal(g.root, "www");
	g = grant("read:HOME:/pub", VX_OK);
	assert_string_equal(g.root, "HOME:pub");
	g = grant("read:HOME:", VX_OK);
	assert_string_equal(g.root, "HOME:");
	/* The RAM directory "HOME:x" (found by the fuzzer: stripped of its
	 * '/', the root read as HOME's x) */
	g = grant("read:/HOME:x", VX_OK);
	assert_string_equal(g.root, "/HOME:x");
	grant("write", VX_E_INVAL);
	grant("readx", VX_E_INVAL);
	grant("read:", VX_OK); /* the RAM file system's root, no other */
	grant("read:../x", VX_E_INVAL);
	grant("read:a//b", VX_E_INVAL);
	grant("read:a/", VX_E_INVAL);
	grant("read:bad name!:x", VX_E_INVAL);
	assert_int_equal(fs_grant_parse("read:a\0b", 8, &g), VX_E_INVAL);
	memset(longp, 'a', sizeof(longp));
	memcpy(longp, "read:", 5);
	assert_int_equal(fs_grant_parse(longp, sizeof(longp), &g), VX_E_TOOBIG);
}

static void test_grant_apply(void **state)
{
	struct fs_args a = {0};
	struct vx_msg m;
	struct fs_grant whole = grant("", VX_OK), ro = grant("read", VX_OK);
	struct fs_grant www = grant("read:www", VX_OK), home = grant("read:HOME:", VX_OK);
	struct fs_grant ram = grant("read:", VX_OK);
	static const uint32_t changes[] = {FS_CREATE,	 FS_MKDIR,  FS_WRITE,  FS_APPEND,
					   FS_TRUNCATE,	 FS_REMOVE, FS_RENAME, FS_SYNC,
					   FS_WRITE_MEM, FS_SNAP};

	(void)state;
	req(&m, FS_WRITE, "f", a, "xy", 2);
	assert_int_equal(fs_grant_apply(&whole, &m), VX_OK);
	assert_string_equal(granted_path(&m), "f");
	for (size_t i = 0; i < sizeof(changes) / sizeof(changes[0]); i++) {
		req(&m, changes[i], "f", a, NULL, 0);
		assert_int_equal(fs_grant_apply(&ro, &m), VX_E_RIGHTS);
		req(&m, changes[i], "f", a, NULL, 0);
		assert_int_equal(fs_grant_apply(&www, &m), VX_E_RIGHTS);
	}
	req(&m, FS_MOUNTS, "", a, NULL, 0);
	assert_int_equal(fs_grant_apply(&ro, &m), VX_OK);
	req(&m, FS_MOUNTS, "", a, NULL, 0);
	assert_int_equal(fs_grant_apply(&www, &m), VX_E_RIGHTS);
	req(&m, FS_INFO, "", a, NULL, 0);
	assert_int_equal(fs_grant_apply(&www, &m), VX_E_RIGHTS);

	/* Rooted: the path goes on under the root, a root name is refused. */
	req(&m, FS_READ, "a/b", a, NULL, 0);
	assert_int_equal(fs_grant_apply(&www, &m), VX_OK);
	assert_string_equal(granted_path(&m), "www/a/b");
	assert_int_equal(m.len, sizeof(a) + strlen("www/a/b") + 1);
	req(&m, FS_STAT, "", a, NULL, 0);
	assert_int_equal(fs_grant_apply(&www, &m), VX_OK);
	assert_string_equal(granted_path(&m), "www");
	req(&m, FS_STAT, "/", a, NULL, 0);
	assert_int_equal(fs_grant_apply(&www, &m), VX_OK);
	assert_string_equal(granted_path(&m), "www");
	req(&m, FS_LIST, "/x", a, NULL, 0);
	assert_int_equal(fs_grant_apply(&home, &m), VX_OK);
	assert_string_equal(granted_path(&m), "HOME:x");
	req(&m, FS_STAT, "x", a, NULL, 0);
	assert_int_equal(fs_grant_apply(&ram, &m), VX_OK);
	assert_string_equal(granted_path(&m), "x");
	static const char *const escapes[] = {"HOME:x", "/HOME:x", "RAM:secret", "/RAM:", "EXT:"};
	for (size_t i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++) {
		req(&m, FS_READ, escapes[i], a, NULL, 0);
		assert_int_equal(fs_grant_apply(&www, &m), VX_E_RIGHTS);
		req(&m, FS_READ, escapes[i], a, NULL, 0);
		assert_int_equal(fs_grant_apply(&ram, &m), VX_E_RIGHTS);
	}
	/* A ':' past the first component is a name byte, inside the root. */
	req(&m, FS_STAT, "a/b:c", a, NULL, 0);
	assert_int_equal(fs_grant_apply(&www, &m), VX_OK);
	assert_string_equal(granted_path(&m), "www/a/b:c");
	/* Malformed: no NUL, or bytes after the path of a read. */
	req(&m, FS_STAT, "x", a, "zz", 2);
	assert_int_equal(fs_grant_apply(&www, &m), VX_E_INVAL);
	req(&m, FS_STAT, "x", a, NULL, 0);
	m.len = sizeof(a) + 1; /* the path's NUL cut off */
	assert_int_equal(fs_grant_apply(&www, &m), VX_E_INVAL);
	/* Root and path together must fit one message. */
	char longp[FS_REQ_ROOM];
	memset(longp, 'p', sizeof(longp) - 2);
	longp[sizeof(longp) - 2] = '\0';
	req(&m, FS_STAT, longp, a, NULL, 0);
	assert_int_equal(fs_grant_apply(&www, &m), VX_E_TOOBIG);
}

/* End to end: a granted request reaches only the root's files. */
static void test_grant_serve(void **state)
{
	struct fs_args a = {0};
	struct vx_msg m;
	struct fs_grant www = grant("read:www", VX_OK);

	(void)state;
	req(&m, FS_MKDIR, "www", a, NULL, 0);
	assert_int_equal(serve(&m), VX_OK);
	a.count = 2;
	req(&m, FS_WRITE, "www/in", a, "in", 2);
	assert_int_equal(serve(&m), VX_OK);
	a.count = 3;
	req(&m, FS_WRITE, "out", a, "out", 3);
	assert_int_equal(serve(&m), VX_OK);
	a.count = 16;
	req(&m, FS_READ, "in", a, NULL, 0);
	assert_int_equal(fs_grant_apply(&www, &m), VX_OK);
	assert_int_equal(serve(&m), VX_OK);
	assert_int_equal(m.len, 2);
	assert_memory_equal(m.data, "in", 2);
	req(&m, FS_READ, "out", a, NULL, 0);
	assert_int_equal(fs_grant_apply(&www, &m), VX_OK);
	assert_int_equal(serve(&m), VX_E_NOTFOUND);
}

static void test_serve_ops(void **state)
{
	struct fs_args a = {0};
	struct fs_backing v;
	struct fs_stat st;
	struct fs_dirent ent;
	struct fs_info info;
	struct vx_msg m;

	(void)state;
	req(&m, FS_MKDIR, "d", a, NULL, 0);
	assert_int_equal(serve(&m), VX_OK);
	req(&m, FS_CREATE, "d/e", a, NULL, 0);
	assert_int_equal(serve(&m), VX_OK);
	a.offset = 2;
	a.count = 3;
	req(&m, FS_WRITE, "d/f", a, "abc", 3);
	assert_int_equal(serve(&m), VX_OK);
	a = (struct fs_args){.count = 2};
	req(&m, FS_APPEND, "d/f", a, "de", 2);
	assert_int_equal(serve(&m), VX_OK);
	a = (struct fs_args){.offset = 0, .count = 100};
	req(&m, FS_READ, "d/f", a, NULL, 0);
	assert_int_equal(serve(&m), VX_OK);
	assert_int_equal(m.len, 7);
	assert_memory_equal(m.data, "\0\0abcde", 7);
	a = (struct fs_args){0};
	req(&m, FS_STAT, "d/f", a, NULL, 0);
	assert_int_equal(serve(&m), VX_OK);
	assert_int_equal(m.len, sizeof(st));
	memcpy(&st, m.data, sizeof(st));
	assert_int_equal(st.size, 7);
	a = (struct fs_args){.index = 1};
	req(&m, FS_LIST, "d", a, NULL, 0);
	assert_int_equal(serve(&m), VX_OK);
	assert_int_equal(m.len, sizeof(ent));
	memcpy(&ent, m.data, sizeof(ent));
	assert_string_equal(ent.name, "f");
	a = (struct fs_args){0};
	req(&m, FS_READ_MEM, "d/f", a, NULL, 0);
	fs_serve(&fs, &m, &v);
	assert_int_equal(m.status, VX_OK);
	assert_int_equal(v.pages, 1);
	assert_memory_equal(v.base, "\0\0abcde", 7);
	req(&m, FS_READ_MEM, "d/e", a, NULL, 0);
	fs_serve(&fs, &m, &v);
	assert_int_equal(m.status, VX_OK);
	assert_int_equal(v.pages, 0);
	req(&m, FS_READ_MEM, "d", a, NULL, 0);
	fs_serve(&fs, &m, &v);
	assert_int_equal(m.status, VX_E_TYPE);
	assert_int_equal(v.pages, 0);
	a = (struct fs_args){.offset = 1};
	req(&m, FS_TRUNCATE, "d/f", a, NULL, 0);
	assert_int_equal(serve(&m), VX_OK);
	assert_int_equal(size_of("d/f"), 1);
	a = (struct fs_args){0};
	req(&m, FS_RENAME, "d/f", a, "g", 2);
	assert_int_equal(serve(&m), VX_OK);
	assert_int_equal(size_of("g"), 1);
	req(&m, FS_REMOVE, "g", a, NULL, 0);
	assert_int_equal(serve(&m), VX_OK);
	req(&m, FS_INFO, "", a, NULL, 0);
	assert_int_equal(serve(&m), VX_OK);
	assert_int_equal(m.len, sizeof(info));
	memcpy(&info, m.data, sizeof(info));
	assert_int_equal(info.entries, 2);
	assert_int_equal(info.bytes, 0);
}

/* FS_WRITE_MEM and FS_READ_INTO on the RAM file system: bulk bytes
 * through the client's MemCap, FS_INLINE_MAX at a time underneath. */
static void test_serve_bulk(void **state)
{
	static uint8_t mem[5000], back[5000];
	struct fs_args a = {.offset = 10, .count = sizeof(mem)};
	struct vx_msg m;
	uint64_t got;

	(void)state;
	for (size_t i = 0; i < sizeof(mem); i++)
		mem[i] = (uint8_t)(i * 13);
	fs.xfer = mem;
	fs.xfer_size = sizeof(mem);
	fs.xfer_rights = VX_R_READ;
	req(&m, FS_WRITE_MEM, "bulk", a, NULL, 0);
	assert_int_equal(serve(&m), VX_OK);
	assert_int_equal(size_of("bulk"), 10 + sizeof(mem));
	fs.xfer = back;
	fs.xfer_rights = VX_R_READ | VX_R_WRITE;
	req(&m, FS_READ_INTO, "bulk", a, NULL, 0);
	assert_int_equal(serve(&m), VX_OK);
	assert_int_equal(m.len, sizeof(got));
	memcpy(&got, m.data, sizeof(got));
	assert_int_equal(got, sizeof(mem));
	assert_memory_equal(back, mem, sizeof(mem));
	a.offset = sizeof(mem); /* 10 bytes before the end */
	req(&m, FS_READ_INTO, "bulk", a, NULL, 0);
	assert_int_equal(serve(&m), VX_OK);
	memcpy(&got, m.data, sizeof(got));
	assert_int_equal(got, 10);
	fs.xfer = NULL;
	req(&m, FS_READ_INTO, "bulk", a, NULL, 0);
	assert_int_equal(serve(&m), VX_E_INVAL); /* no MemCap came */
}

static void test_serve_malformed(void **state)
{
	struct fs_args a = {0};
	struct fs_backing v;
	struct vx_msg m;
	uint8_t big[FS_REQ_ROOM];

	(void)state;
	memset(big, 'b', sizeof(big));
	assert_int_equal(mkfile("f", "abc"), VX_OK);
	req(&m, FS_STAT, "f", a, NULL, 0);
	m.len = sizeof(a); /* no room for a path */
	assert_int_equal(serve(&m), VX_E_INVAL);
	req(&m, FS_STAT, "f", a, NULL, 0);
	m.len = 3;
	assert_int_equal(serve(&m), VX_E_INVAL);
	memset(m.data + sizeof(a), 'x', FS_REQ_ROOM); /* no NUL anywhere */
	m.len = VX_MSG_DATA;
	assert_int_equal(serve(&m), VX_E_INVAL);
	req(&m, FS_STAT, "f", a, "junk", 4); /* bytes an op does not take */
	assert_int_equal(serve(&m), VX_E_INVAL);
	req(&m, FS_READ_MEM, "f", a, "\0", 1);
	fs_serve(&fs, &m, &v);
	assert_int_equal(m.status, VX_E_INVAL);
	assert_int_equal(v.pages, 0);
	a.count = 5; /* says 5, carries 3 */
	req(&m, FS_WRITE, "f", a, "xyz", 3);
	assert_int_equal(serve(&m), VX_E_INVAL);
	a.count = 1; /* says 1, carries 3 (an embedded NUL shows up this way) */
	req(&m, FS_APPEND, "f", a, "xyz", 3);
	assert_int_equal(serve(&m), VX_E_INVAL);
	a.count = FS_INLINE_MAX + 1;
	req(&m, FS_WRITE, "f", a, big, FS_INLINE_MAX + 1);
	assert_int_equal(serve(&m), VX_E_TOOBIG);
	a = (struct fs_args){.count = FS_INLINE_MAX + 1};
	req(&m, FS_READ, "f", a, NULL, 0);
	assert_int_equal(serve(&m), VX_E_TOOBIG);
	a = (struct fs_args){0};
	req(&m, FS_RENAME, "f", a, NULL, 0); /* no second path */
	assert_int_equal(serve(&m), VX_E_INVAL);
	req(&m, FS_RENAME, "f", a, "g", 1); /* second path without its NUL */
	assert_int_equal(serve(&m), VX_E_INVAL);
	req(&m, FS_RENAME, "f", a, "g\0h", 4); /* bytes after it */
	assert_int_equal(serve(&m), VX_E_INVAL);
	req(&m, FS_RENAME, "f", a, "..\0", 3);
	assert_int_equal(serve(&m), VX_E_INVAL);
	req(&m, FS_INFO, "f", a, NULL, 0);
	assert_int_equal(serve(&m), VX_E_INVAL);
	req(&m, 99, "f", a, NULL, 0);
	assert_int_equal(serve(&m), VX_E_NOSYS);
	req(&m, 0, "f", a, NULL, 0);
	assert_int_equal(serve(&m), VX_E_NOSYS);
	req(&m, FS_CREATE, "a/../b", a, NULL, 0);
	assert_int_equal(serve(&m), VX_E_INVAL);
	/* Nothing above changed the file. */
	assert_int_equal(size_of("f"), 3);
	expect_text("f", 0, "abc");
	/* The largest write that fits: a 1-byte path and FS_INLINE_MAX bytes. */
	a = (struct fs_args){.count = FS_INLINE_MAX};
	req(&m, FS_WRITE, "f", a, big, FS_INLINE_MAX);
	assert_int_equal(serve(&m), VX_OK);
	assert_int_equal(size_of("f"), FS_INLINE_MAX);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_init_info),
	    T(test_class_pages),
	    T(test_create_stat),
	    T(test_mkdir),
	    T(test_list_order),
	    T(test_write_read_holes),
	    T(test_write_limits),
	    T(test_growth_keeps_bytes),
	    T(test_append),
	    T(test_truncate),
	    T(test_truncate_shrink_without_room),
	    T(test_views_end_before_changes),
	    T(test_remove),
	    T(test_rename),
	    T(test_entries_full),
	    T(test_storage_full),
	    T(test_bad_paths),
	    cmocka_unit_test_setup_teardown(test_store_many_small_files, setup, hp_teardown),
	    cmocka_unit_test_setup_teardown(test_store_fragmented, setup, hp_teardown),
	    cmocka_unit_test_setup_teardown(test_store_max_entries, setup, hp_teardown),
	    T(test_heap_rules),
	    T(test_serve_ops),
	    T(test_grant_parse),
	    T(test_grant_apply),
	    T(test_grant_serve),
	    T(test_serve_bulk),
	    T(test_serve_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
