/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * linuxd's /proc text and names (services/linuxd/pure_proc.h), checked
 * against this host's own /proc where the format is Linux's: status's
 * field order, stat's field count, meminfo's and maps' columns.
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

#include "posix/linux.h"
#include "../../services/linuxd/pure_proc.h"

static char text[65536];

static struct lxp_buf fresh(void)
{
	struct lxp_buf b;

	lxp_init(&b, text, sizeof(text) - 1);
	return b;
}

static const char *done(struct lxp_buf *b)
{
	assert_false(b->over);
	text[b->len] = 0;
	return text;
}

/* The host's file path, whole, into buf. */
static size_t host_file(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	size_t n = fread(buf, 1, cap - 1, f);
	fclose(f);
	buf[n] = 0;
	return n;
}

static void test_numbers(void **state)
{
	(void)state;
	struct lxp_buf b = fresh();

	lxp_u64(&b, 0, 0);
	lxp_str(&b, "|");
	lxp_u64(&b, 42, 5);
	lxp_str(&b, "|");
	lxp_u64(&b, UINT64_MAX, 3);
	lxp_str(&b, "|");
	lxp_i64(&b, INT64_MIN);
	lxp_str(&b, "|");
	lxp_hex(&b, 0xbeef, 8);
	lxp_str(&b, "|");
	lxp_hex(&b, UINT64_MAX, 8);
	lxp_str(&b, "|");
	lxp_cent(&b, 12345);
	lxp_str(&b, "|");
	lxp_cent(&b, 7);
	assert_string_equal(done(&b), "0|   42|18446744073709551615|-9223372036854775808|0000beef|"
				      "ffffffffffffffff|123.45|0.07");
}

/* A buffer too small is filled to its end, never past it, and says so. */
static void test_overflow(void **state)
{
	(void)state;
	for (size_t cap = 0; cap < 40; cap++) {
		char *p = malloc(cap ? cap : 1);
		struct lxp_buf b;
		lxp_init(&b, p, cap);
		lxp_str(&b, "0123456789");
		lxp_u64(&b, 1234567890, 12);
		lxp_hex(&b, 0xabcdef, 8);
		assert_int_equal(b.len, cap < 30 ? cap : 30);
		assert_int_equal(b.over, cap < 30);
		if (cap >= 10)
			assert_memory_equal(p, "0123456789", 10);
		free(p);
	}
}

static void parses(const char *rest, int err, enum lxp_kind kind, int pid, int fd, unsigned which)
{
	struct lxp_node n;

	assert_int_equal(lxp_parse(rest, &n), err);
	if (err)
		return;
	assert_int_equal(n.kind, kind);
	assert_int_equal(n.pid, pid);
	assert_int_equal(n.fd, fd);
	assert_int_equal(n.which, which);
}

static void test_parse(void **state)
{
	(void)state;
	parses("", 0, LXP_ROOT, 0, 0, 0);
	parses("self", 0, LXP_SELF, 0, 0, 0);
	parses("self/status", 0, LXP_SELF, 0, 0, 0); /* the caller follows it */
	parses("meminfo", 0, LXP_GLOBAL, 0, 0, LXG_MEMINFO);
	parses("version", 0, LXP_GLOBAL, 0, 0, LXG_VERSION);
	parses("meminfo/x", -LX_ENOTDIR, 0, 0, 0, 0);
	parses("42", 0, LXP_PID, 42, 0, 0);
	parses("2147483647", 0, LXP_PID, 2147483647, 0, 0);
	parses("2147483648", -LX_ENOENT, 0, 0, 0, 0);
	parses("99999999999", -LX_ENOENT, 0, 0, 0, 0);
	parses("042", -LX_ENOENT, 0, 0, 0, 0);
	parses("0", 0, LXP_PID, 0, 0, 0);
	parses("-1", -LX_ENOENT, 0, 0, 0, 0);
	parses("4x", -LX_ENOENT, 0, 0, 0, 0);
	parses("nothing", -LX_ENOENT, 0, 0, 0, 0);
	parses("selfish", -LX_ENOENT, 0, 0, 0, 0);
	parses("42/stat", 0, LXP_PID_FILE, 42, 0, LXF_STAT);
	parses("42/status", 0, LXP_PID_FILE, 42, 0, LXF_STATUS);
	parses("42/statu", -LX_ENOENT, 0, 0, 0, 0);
	parses("42/stat/x", -LX_ENOTDIR, 0, 0, 0, 0);
	parses("42/exe", 0, LXP_PID_FILE, 42, 0, LXF_EXE);
	parses("42/cwd/x", -LX_ENOENT, 0, 0, 0, 0); /* the caller follows cwd first */
	parses("42/fd", 0, LXP_PID_FILE, 42, 0, LXF_FDDIR);
	parses("42/fd/0", 0, LXP_FD, 42, 0, 0);
	parses("42/fd/255", 0, LXP_FD, 42, 255, 0);
	parses("42/fd/03", -LX_ENOENT, 0, 0, 0, 0);
	parses("42/fd/x", -LX_ENOENT, 0, 0, 0, 0);
	parses("42/fd/3/x", -LX_ENOTDIR, 0, 0, 0, 0);
	parses("42/nope", -LX_ENOENT, 0, 0, 0, 0);

	struct lxp_node n;
	lxp_parse("42/fd", &n);
	assert_true(lxp_is_dir(&n));
	assert_false(lxp_is_link(&n));
	lxp_parse("42/fd/1", &n);
	assert_true(lxp_is_link(&n));
	lxp_parse("self", &n);
	assert_true(lxp_is_link(&n));
	lxp_parse("meminfo", &n);
	assert_false(lxp_is_dir(&n) || lxp_is_link(&n));
}

static const struct lxp_proc sample = {
    .pid = 104,
    .ppid = 100,
    .pgid = 100,
    .sid = 100,
    .tpgid = 100,
    .state = 'S',
    .comm = "a b) c",
    .threads = 3,
    .umask = 022,
    .vm_bytes = 3 << 20,
    .rss_bytes = 3 << 20,
    .text_bytes = 1 << 20,
    .data_bytes = 1 << 20,
    .stack_bytes = 1 << 20,
    .start_ticks = 250,
    .sig_blocked = 1ull << 1,
    .sig_caught = (1ull << 16) | (1ull << 40),
};

/* The number of space-separated fields after the ") " that ends comm. */
static unsigned stat_fields(const char *s)
{
	const char *r = strrchr(s, ')');
	unsigned n = 2;

	assert_non_null(r);
	for (r++; *r && *r != '\n'; r++)
		n += *r == ' ';
	return n;
}

static void test_stat(void **state)
{
	(void)state;
	char host[4096];
	struct lxp_buf b = fresh();

	lxp_stat(&b, &sample);
	const char *s = done(&b);
	assert_true(b.len <= LXP_STAT_MAX);
	host_file("/proc/self/stat", host, sizeof(host));
	assert_int_equal(stat_fields(s), stat_fields(host)); /* 52 on Linux 5.x and 6.x */
	assert_int_equal(strncmp(s, "104 (a b) c) S 100 100 100 ", 27), 0);
	/* Fields 4 to 52 (f[N - 4] is field N): 20 threads, 22 starttime,
	 * 23 vsize, 24 rss in pages, 32 blocked, 34 caught. */
	unsigned long long f[49];
	const char *r = strrchr(s, ')') + 4;
	int k = 0;
	while (k < 49 && *r && *r != '\n') {
		char *end;
		f[k++] = strtoull(r, &end, 10);
		r = end;
	}
	assert_int_equal(k, 49);
	assert_int_equal(f[4 - 4], 100);
	assert_int_equal(f[20 - 4], 3);
	assert_int_equal(f[22 - 4], 250);
	assert_int_equal(f[23 - 4], 3 << 20);
	assert_int_equal(f[24 - 4], 768);
	assert_int_equal(f[32 - 4], 2);	      /* blocked: SIGINT */
	assert_int_equal(f[34 - 4], 1 << 16); /* caught: only the first 31 signals */
	assert_int_equal(f[38 - 4], 17);
	assert_int_equal(s[b.len - 1], '\n');
}

/* The names of status's lines, in order. */
static unsigned names_of(const char *s, char names[][32], unsigned max)
{
	unsigned n = 0;

	while (*s && n < max) {
		const char *c = strchr(s, ':');
		const char *nl = strchr(s, '\n');
		if (!c || !nl)
			break;
		size_t l = (size_t)(c - s) < 31 ? (size_t)(c - s) : 31;
		memcpy(names[n], s, l);
		names[n++][l] = 0;
		s = nl + 1;
	}
	return n;
}

static void test_status(void **state)
{
	(void)state;
	static char host[8192], ours[64][32], theirs[128][32];
	struct lxp_buf b = fresh();

	lxp_status(&b, &sample);
	const char *s = done(&b);
	assert_true(b.len <= LXP_STATUS_MAX);
	assert_non_null(strstr(s, "Name:\ta b) c\n"));
	assert_non_null(strstr(s, "Umask:\t0022\n"));
	assert_non_null(strstr(s, "State:\tS (sleeping)\n"));
	assert_non_null(strstr(s, "Pid:\t104\nPPid:\t100\n"));
	assert_non_null(strstr(s, "Uid:\t0\t0\t0\t0\n"));
	assert_non_null(strstr(s, "VmRSS:\t    3072 kB\n"));
	assert_non_null(strstr(s, "Threads:\t3\n"));
	assert_non_null(strstr(s, "SigBlk:\t0000000000000002\n"));
	/* Every name ours has, the host's has too, in the same order. */
	host_file("/proc/self/status", host, sizeof(host));
	unsigned no = names_of(s, ours, 64), nt = names_of(host, theirs, 128), at = 0;
	assert_true(no > 30);
	for (unsigned i = 0; i < no; i++) {
		while (at < nt && strcmp(theirs[at], ours[i]) != 0)
			at++;
		if (at == nt)
			fail_msg("status: %s is not where Linux has it", ours[i]);
	}
	/* A zombie shows no memory. */
	struct lxp_proc z = sample;
	z.state = 'Z';
	b = fresh();
	lxp_status(&b, &z);
	assert_null(strstr(done(&b), "VmRSS"));
	assert_non_null(strstr(text, "State:\tZ (zombie)\n"));
}

static void test_maps(void **state)
{
	(void)state;
	static char host[65536];
	struct lxp_buf b = fresh();

	lxp_maps_line(&b, 0x400000, 0x401000, 1, false, 0, 1, "/bin/busybox");
	lxp_maps_line(&b, 0x7fffffe00000, 0x7ffffff00000, 3, false, 0, 0, "[stack]");
	lxp_maps_line(&b, 0x10000, 0x20000, 7, true, 0x3000, 0, NULL);
	const char *s = done(&b);
	assert_string_equal(s, "00400000-00401000 r--p 00000000 00:01 1"
			       "                                  /bin/busybox\n"
			       "7fffffe00000-7ffffff00000 rw-p 00000000 00:00 0"
			       "                          [stack]\n"
			       "00010000-00020000 rwxs 00003000 00:00 0\n");
	/* The names start in the column the host's do. */
	host_file("/proc/self/maps", host, sizeof(host));
	const char *h = strstr(host, "[stack]");
	assert_non_null(h);
	const char *line = h;
	while (line > host && line[-1] != '\n')
		line--;
	const char *ours = strstr(s, "[stack]"), *oline = strchr(s, '\n') + 1;
	if (h - line != ours - oline && (size_t)(strchr(line, ' ') - line) == 25)
		fail_msg("[stack] at column %d, the host's at %d", (int)(ours - oline),
			 (int)(h - line));
}

static void test_meminfo(void **state)
{
	(void)state;
	static char host[16384];
	struct lxp_buf b = fresh();

	lxp_meminfo(&b, 160ull << 20, 100ull << 20);
	const char *s = done(&b);
	assert_int_equal(strncmp(s,
				 "MemTotal:         163840 kB\n"
				 "MemFree:          102400 kB\n"
				 "MemAvailable:     102400 kB\n"
				 "Buffers:               0 kB\n",
				 28 * 4),
			 0);
	/* The host's lines have the same columns: " kB" ends at 27 when the
	 * number has 8 digits or fewer. */
	host_file("/proc/meminfo", host, sizeof(host));
	const char *nl = strchr(strstr(host, "Buffers:"), '\n');
	assert_int_equal(nl - strstr(host, "Buffers:"), 27);
}

static void test_global(void **state)
{
	(void)state;
	uint64_t busy[12], idle[12];
	struct lxp_buf b = fresh();

	lxp_uptime(&b, 123456789012ull, 5000000000ull);
	assert_string_equal(done(&b), "123.45 5.00\n");
	b = fresh();
	lxp_loadavg(&b, 1, 7, 123);
	assert_string_equal(done(&b), "0.00 0.00 0.00 1/7 123\n");
	for (unsigned i = 0; i < 12; i++)
		busy[i] = (i + 1) * 10000000ull, idle[i] = 2000000000ull;
	b = fresh();
	lxp_stat_global(&b, 12, busy, idle, 1767225600, 9, 2, 1);
	const char *s = done(&b);
	assert_true(b.len <= LXP_STAT_GLOBAL_MAX);
	assert_int_equal(
	    strncmp(s, "cpu  78 0 0 2400 0 0 0 0 0 0\ncpu0 1 0 0 200 0 0 0 0 0 0\n", 55), 0);
	assert_non_null(strstr(s, "\ncpu11 12 0 0 200 0 0 0 0 0 0\nintr 0\n"));
	assert_non_null(strstr(s, "\nbtime 1767225600\nprocesses 9\nprocs_running 2\n"
				  "procs_blocked 1\n"));
	/* The bounds hold for 64 CPUs of the longest numbers. */
	static uint64_t big[64];
	memset(big, 0xff, sizeof(big));
	b = fresh();
	lxp_stat_global(&b, 64, big, big, UINT64_MAX, UINT64_MAX, ~0u, ~0u);
	assert_true(b.len <= LXP_STAT_GLOBAL_MAX);
	b = fresh();
	lxp_cpuinfo(&b, 64);
	assert_true(b.len <= LXP_CPUINFO_MAX);
	b = fresh();
	lxp_cpuinfo(&b, 2);
	assert_string_equal(done(&b),
			    "processor\t: 0\nvendor_id\t: unknown\nmodel name\t: unknown\n\n"
			    "processor\t: 1\nvendor_id\t: unknown\nmodel name\t: unknown\n\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_numbers), cmocka_unit_test(test_overflow),
	    cmocka_unit_test(test_parse),   cmocka_unit_test(test_stat),
	    cmocka_unit_test(test_status),  cmocka_unit_test(test_maps),
	    cmocka_unit_test(test_meminfo), cmocka_unit_test(test_global),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
