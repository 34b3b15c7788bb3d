/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/posix/path.c: joining and normalising Linux paths, the mount table
 * and VectraOS's name rules.  Named cases first (the escape attempts
 * among them), then two differential checks: lx_path_join against a
 * plain forward model (a stack of components) on random paths, and
 * lx_path_vx_check against lib/rt's own vx_path_check on random names.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "posix/linux.h"
#include "posix/path.h"
#include "rt/path.h"

/* join(cwd, path) must be want. */
static void joins(const char *cwd, const char *path, const char *want)
{
	char out[LX_PATH_MAX];
	int rc = lx_path_join(cwd, path, out, sizeof(out));

	if (rc < 0 || strcmp(out, want) != 0 || (size_t)rc != strlen(want))
		fail_msg("join(%s, %s): %d '%s', want '%s'", cwd ? cwd : "NULL", path, rc, out,
			 want);
}

static int join_rc(const char *cwd, const char *path)
{
	char out[LX_PATH_MAX];
	int rc = lx_path_join(cwd, path, out, sizeof(out));

	if (rc < 0)
		assert_string_equal(out, "");
	return rc;
}

static void test_join(void **state)
{
	(void)state;
	joins("/", "a", "/a");
	joins("/home", "a/b", "/home/a/b");
	joins("/home", "/etc", "/etc");
	joins(NULL, "/etc/passwd", "/etc/passwd");
	joins("/a/b", "..", "/a");
	joins("/a/b", "../c", "/a/c");
	joins("/a", "./b/./c/", "/a/b/c");
	joins("/a", "b//c///", "/a/b/c");
	joins("/", "//", "/");
	joins("/", ".", "/");
	joins("/a", ".", "/a");
	joins("/a", "./", "/a");
	joins("/", "...", "/...");
	joins("/", "..a/a..", "/..a/a..");
	joins("/", ".a/.b", "/.a/.b");
	joins("/a/../b", "c", "/b/c");		   /* a cwd that is not normal is made so */
	joins("/", "a\001b/\177", "/a\001b/\177"); /* Linux names may hold these */
	joins("/tmp", "x/y/../../z", "/tmp/z");
}

/* Nothing climbs above the root. */
static void test_escape_attempts(void **state)
{
	(void)state;
	joins("/", "..", "/");
	joins("/", "/../../etc", "/etc");
	joins("/a/b", "../../..", "/");
	joins("/a/b", "../../../../../../etc/shadow", "/etc/shadow");
	joins("/x", "a/../../..", "/");
	joins("/", "/tmp/../..//x", "/x");
	joins("/tmp", "../../../tmp/../../bin", "/bin");
	joins("/", "/..//..//./../proc", "/proc");
	joins("/home/user", "./../../../../../", "/");
	joins("/../..", "x", "/x");
}

static void test_empty_path(void **state)
{
	(void)state;
	assert_int_equal(join_rc("/", ""), -LX_ENOENT);
	assert_int_equal(join_rc("/a", ""), -LX_ENOENT);
}

static void test_relative_needs_cwd(void **state)
{
	(void)state;
	assert_int_equal(join_rc(NULL, "a"), -LX_EINVAL);
	assert_int_equal(join_rc("a/b", "c"), -LX_EINVAL);
	assert_int_equal(join_rc("", "c"), -LX_EINVAL);
}

/* Fills buf with n copies of c, NUL-terminated. */
static char *rep(char *buf, char c, size_t n)
{
	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

static void test_long_paths(void **state)
{
	static char p[2 * LX_PATH_MAX], cwd[LX_PATH_MAX + 16];
	char out[LX_PATH_MAX];

	(void)state;
	/* A component of 255 bytes is fine, 256 is not, even if ".." drops it. */
	p[0] = '/';
	rep(p + 1, 'c', 255);
	assert_int_equal(join_rc("/", p), 256);
	rep(p + 1, 'c', 256);
	assert_int_equal(join_rc("/", p), -LX_ENAMETOOLONG);
	strcat(p, "/..");
	assert_int_equal(join_rc("/", p), -LX_ENAMETOOLONG);
	/* A path of LX_PATH_MAX - 1 bytes is read; LX_PATH_MAX is too long. */
	for (size_t i = 0; i < LX_PATH_MAX - 1; i++)
		p[i] = (i % 2) ? 'a' : '/';
	p[LX_PATH_MAX - 1] = '\0';
	assert_true(join_rc("/", p) > 0);
	p[LX_PATH_MAX - 1] = 'a';
	p[LX_PATH_MAX] = '\0';
	assert_int_equal(join_rc("/", p), -LX_ENAMETOOLONG);
	/* A result of LX_PATH_MAX bytes or more does not fit... */
	for (size_t i = 0; i < LX_PATH_MAX - 2; i++)
		cwd[i] = (i % 2) ? 'd' : '/';
	cwd[LX_PATH_MAX - 2] = '\0'; /* 4094 bytes: "/d/d.../d" */
	assert_int_equal(join_rc(cwd, "."), LX_PATH_MAX - 2);
	assert_int_equal(join_rc(cwd, "x"), -LX_ENAMETOOLONG); /* 4096 */
	/* ...but a long way that ".." shortens again does. */
	assert_int_equal(join_rc(cwd, "xxxxxxxx/yyyyyyyy/../../../../e"), LX_PATH_MAX - 4);
	/* The caller's buffer: an exact fit, and one byte short. */
	assert_int_equal(lx_path_join("/", "abc/def", out, 9), 8);
	assert_string_equal(out, "/abc/def");
	assert_int_equal(lx_path_join("/", "abc/def", out, 8), -LX_ENAMETOOLONG);
	assert_string_equal(out, "");
	assert_int_equal(lx_path_join("/", "..", out, 2), 1);
	assert_int_equal(lx_path_join("/", "..", out, 1), -LX_ENAMETOOLONG);
	assert_int_equal(lx_path_join("/", "a", out, 0), -LX_ENAMETOOLONG);
	/* A cwd that is too long. */
	cwd[0] = '/';
	rep(cwd + 1, 'e', LX_PATH_MAX);
	assert_int_equal(join_rc(cwd, "a"), -LX_ENAMETOOLONG);
	assert_int_equal(join_rc(cwd, "/a"), 2); /* unread when the path is absolute */
}

/* The forward model: a stack of components, as a textbook would do it. */
static void model_join(const char *cwd, const char *path, char *out)
{
	static char buf[2 * LX_PATH_MAX + 2];
	const char *comp[2 * LX_PATH_MAX];
	size_t clen[2 * LX_PATH_MAX], n = 0;
	char *save = NULL;

	snprintf(buf, sizeof(buf), "%s/%s", path[0] == '/' ? "" : cwd, path);
	for (char *t = strtok_r(buf, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		if (strcmp(t, ".") == 0)
			continue;
		if (strcmp(t, "..") == 0) {
			n -= n > 0;
			continue;
		}
		comp[n] = t;
		clen[n++] = strlen(t);
	}
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		strcat(out, "/");
		strncat(out, comp[i], clen[i]);
	}
	if (n == 0)
		strcpy(out, "/");
}

/* Random paths over an alphabet that makes dots and slashes likely. */
static void random_path(char *p, size_t max, unsigned *seed)
{
	static const char alpha[] = "ab./././/..";
	size_t n = (size_t)rand_r(seed) % max;

	for (size_t i = 0; i < n; i++)
		p[i] = alpha[rand_r(seed) % (sizeof(alpha) - 1)];
	p[n] = '\0';
}

static void test_join_against_model(void **state)
{
	unsigned seed = 14;
	char cwd[64], path[64], out[LX_PATH_MAX], want[LX_PATH_MAX];

	(void)state;
	for (int i = 0; i < 200000; i++) {
		random_path(cwd + 1, 40, &seed);
		cwd[0] = '/';
		random_path(path, 40, &seed);
		if (path[0] == '\0')
			continue;
		if (lx_path_join(cwd, path, out, sizeof(out)) < 0)
			fail_msg("join(%s, %s) failed", cwd, path);
		model_join(cwd, path, want);
		if (strcmp(out, want) != 0)
			fail_msg("join(%s, %s) = %s, the model says %s", cwd, path, out, want);
	}
}

static void test_mount(void **state)
{
	static const struct lx_mount m[] = {
	    {"/", 10}, {"/bin", 11}, {"/tmp", 12}, {"/bin/sub", 13}, {"/tmp", 14}, {"/lib", 15},
	};
	const char *rest;

	(void)state;
	assert_int_equal(lx_path_mount(m, 6, "/", &rest), 0);
	assert_string_equal(rest, "");
	assert_int_equal(lx_path_mount(m, 6, "/etc/passwd", &rest), 0);
	assert_string_equal(rest, "etc/passwd");
	assert_int_equal(lx_path_mount(m, 6, "/bin", &rest), 1);
	assert_string_equal(rest, "");
	assert_int_equal(lx_path_mount(m, 6, "/bin/sh", &rest), 1);
	assert_string_equal(rest, "sh");
	assert_int_equal(lx_path_mount(m, 6, "/binx", &rest), 0); /* not at a boundary */
	assert_string_equal(rest, "binx");
	assert_int_equal(lx_path_mount(m, 6, "/bin/sub/x/y", &rest), 3);
	assert_string_equal(rest, "x/y");
	assert_int_equal(lx_path_mount(m, 6, "/bin/subway", &rest), 1);
	assert_string_equal(rest, "subway");
	assert_int_equal(lx_path_mount(m, 6, "/tmp/f", &rest), 2); /* the first of equals */
	assert_string_equal(rest, "f");
	assert_int_equal(lx_path_mount(m, 6, "/lib", &rest), 5);
	/* Without a root entry, what no prefix serves is not there. */
	assert_int_equal(lx_path_mount(m + 1, 5, "/etc", &rest), -LX_ENOENT);
	assert_null(rest);
	assert_int_equal(lx_path_mount(m + 1, 5, "/bi", &rest), -LX_ENOENT);
	assert_int_equal(lx_path_mount(m, 0, "/", &rest), -LX_ENOENT);
}

static void test_vx_check(void **state)
{
	char buf[512];

	(void)state;
	assert_int_equal(lx_path_vx_check(""), 0);
	assert_int_equal(lx_path_vx_check("bin/sh"), 0);
	assert_int_equal(lx_path_vx_check("a b/c:d/...x/.hidden"), 0);
	assert_true(lx_path_vx_ok("etc/motd"));
	assert_false(lx_path_vx_ok("etc/\001"));
	assert_int_equal(lx_path_vx_check("a\001"), -LX_ENOENT);
	assert_int_equal(lx_path_vx_check("a\177b"), -LX_ENOENT);
	assert_int_equal(lx_path_vx_check("a\nb"), -LX_ENOENT);
	assert_int_equal(lx_path_vx_check("a//b"), -LX_ENOENT);
	assert_int_equal(lx_path_vx_check("a/"), -LX_ENOENT);
	assert_int_equal(lx_path_vx_check("/a"), -LX_ENOENT);
	assert_int_equal(lx_path_vx_check("a/./b"), -LX_ENOENT);
	assert_int_equal(lx_path_vx_check("../b"), -LX_ENOENT);
	assert_int_equal(lx_path_vx_check(rep(buf, 'n', 63)), 0);
	assert_int_equal(lx_path_vx_check(rep(buf, 'n', 64)), -LX_ENAMETOOLONG);
	for (int i = 0; i < 200; i++)
		buf[i] = (i % 4 == 3) ? '/' : 'p';
	buf[199] = 'p';
	buf[200] = '\0';
	assert_int_equal(lx_path_vx_check(buf), 0);
	buf[200] = 'p';
	buf[201] = '\0';
	assert_int_equal(lx_path_vx_check(buf), -LX_ENAMETOOLONG);
	buf[5] = '\001'; /* the whole length is judged first, as vx_path_check does */
	assert_int_equal(lx_path_vx_check(buf), -LX_ENAMETOOLONG);
}

/* lx_path_vx_check and lib/rt's vx_path_check agree on random names. */
static void test_vx_check_against_rt(void **state)
{
	static const char alpha[] = "aaaab./\001\177";
	unsigned seed = 77;
	char p[300];

	(void)state;
	for (int i = 0; i < 300000; i++) {
		size_t n = (size_t)rand_r(&seed) % (i % 10 == 0 ? 260 : 80), run;
		int ours, theirs, want;

		for (size_t k = 0; k < n; k += run) {
			char c = alpha[rand_r(&seed) % (sizeof(alpha) - 1)];

			run = 1 + (size_t)rand_r(&seed) % (c == 'a' ? 70 : 2);
			memset(p + k, c, run > n - k ? n - k : run);
		}
		p[n] = '\0';
		if (p[0] == '/')
			continue; /* vx allows one leading '/'; a mount's rest never has one */
		ours = lx_path_vx_check(p);
		theirs = vx_path_check(p, n);
		want = theirs == VX_OK ? 0 : theirs == VX_E_TOOBIG ? -LX_ENAMETOOLONG : -LX_ENOENT;
		if (ours != want)
			fail_msg("'%s': ours %d, vx_path_check %d", p, ours, theirs);
	}
	assert_int_equal(LX_VX_NAME_MAX, VX_PATH_NAME_MAX);
	assert_int_equal(LX_VX_PATH_MAX, VX_PATH_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_join),
	    cmocka_unit_test(test_escape_attempts),
	    cmocka_unit_test(test_empty_path),
	    cmocka_unit_test(test_relative_needs_cwd),
	    cmocka_unit_test(test_long_paths),
	    cmocka_unit_test(test_join_against_model),
	    cmocka_unit_test(test_mount),
	    cmocka_unit_test(test_vx_check),
	    cmocka_unit_test(test_vx_check_against_rt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
