/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Formatter tests.  Where our output is defined to match C's printf, the
 * host's snprintf is the oracle; the documented differences are tested
 * directly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "vx_fmt.h"

/* Formats with both engines and checks output and return value agree. */
#define SAME(...)                                                                                  \
	do {                                                                                       \
		char ours[256], libc[256];                                                         \
		int n1 = vx_snprintf(ours, sizeof(ours), __VA_ARGS__);                             \
		int n2 = snprintf(libc, sizeof(libc), __VA_ARGS__);                                \
		assert_string_equal(ours, libc);                                                   \
		assert_int_equal(n1, n2);                                                          \
	} while (0)

/* Checks our output against a fixed expected string. */
#define IS(expect, ...)                                                                            \
	do {                                                                                       \
		char ours[256];                                                                    \
		int n = vx_snprintf(ours, sizeof(ours), __VA_ARGS__);                              \
		assert_string_equal(ours, expect);                                                 \
		assert_int_equal(n, (int)strlen(expect));                                          \
	} while (0)

/*
 * Formats without the compiler's printf checking, for formats that are odd
 * on purpose (the compiler would rightly warn about them).
 */
static int raw(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vx_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* Like SAME and IS, for formats the compiler must not check. */
#define SAME_RAW(fmt, ...)                                                                         \
	do {                                                                                       \
		char ours[256], libc[256];                                                         \
		const char *volatile f = (fmt);                                                    \
		int n1 = raw(ours, sizeof(ours), f, __VA_ARGS__);                                  \
		int n2 = snprintf(libc, sizeof(libc), f, __VA_ARGS__);                             \
		assert_string_equal(ours, libc);                                                   \
		assert_int_equal(n1, n2);                                                          \
	} while (0)
#define IS_RAW(expect, ...)                                                                        \
	do {                                                                                       \
		char ours[256];                                                                    \
		int n = raw(ours, sizeof(ours), __VA_ARGS__);                                      \
		assert_string_equal(ours, expect);                                                 \
		assert_int_equal(n, (int)strlen(expect));                                          \
	} while (0)

static void test_signed(void **state)
{
	(void)state;
	SAME("%d", 0);
	SAME("%d %i", 42, -42);
	SAME("%d", INT32_MAX);
	SAME("%d", INT32_MIN);
	SAME("%ld", (long)INT64_MIN);
	SAME("%ld", (long)INT64_MAX);
	SAME("%lld", (long long)-1234567890123ll);
	SAME("%zu", (size_t)SIZE_MAX);
	SAME("%hd %hhd", (short)-5, (signed char)-7);
}

static void test_unsigned_and_hex(void **state)
{
	(void)state;
	SAME("%u", 0u);
	SAME("%u", UINT32_MAX);
	SAME("%x %X", 0xdeadbeefu, 0xdeadbeefu);
	SAME("%lx", (unsigned long)UINT64_MAX);
	SAME("%llx", 0x123456789abcdefull);
	SAME("%zx", (size_t)0xabcdef);
	SAME("%x", 0u);
	SAME("%lu", (unsigned long)UINT64_MAX);
}

static void test_width_and_flags(void **state)
{
	(void)state;
	SAME("[%5d]", 42);
	SAME("[%-5d]", 42);
	SAME("[%05d]", 42);
	SAME("[%05d]", -42);
	SAME_RAW("[%-05d]", -42); /* '-' wins over '0' */
	SAME("[%08x]", 0xbeefu);
	SAME("[%016lx]", 0x1ul);
	SAME("[%2d]", 12345);
	SAME("[%*d]", 6, 7);
	SAME("[%*d]", -6, 7);
	SAME("[%.3d]", 7);
	SAME("[%8.3d]", -7);
	SAME("[%.0d]", 0);
	SAME("[%5.0d]", 0);
	SAME_RAW("[%05.3d]", 7); /* precision disables zero padding */
}

static void test_strings_and_chars(void **state)
{
	(void)state;
	SAME("%s", "hello");
	SAME("[%10s]", "hi");
	SAME("[%-10s]", "hi");
	SAME("[%.2s]", "hello");
	SAME("[%8.3s]", "hello");
	SAME("[%-8.3s]", "hello");
	SAME("[%.*s]", 4, "hello world");
	SAME("[%.10s]", "hi");
	SAME("%c%c%c", 'a', 'b', 'c');
	SAME("[%3c][%-3c]", 'x', 'y');
	SAME("100%%");
	SAME("%s", "");
	IS_RAW("(null)", "%s", (const char *)NULL);
	IS_RAW("[(nu]", "[%.3s]", (const char *)NULL);
}

static void test_pointer(void **state)
{
	char buf[64], expect[64];

	(void)state;
	IS("0x0", "%p", (void *)0);
	IS("0xdeadbeef", "%p", (void *)(uintptr_t)0xdeadbeef);
	snprintf(expect, sizeof(expect), "%p", (void *)buf); /* glibc: 0x + lowercase hex */
	vx_snprintf(buf, sizeof(buf), "%p", (void *)buf);
	assert_string_equal(buf, expect);
	IS("[    0x10]", "[%8p]", (void *)0x10);
}

static void test_truncation(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'z', sizeof(buf));
	assert_int_equal(vx_snprintf(buf, sizeof(buf), "%s", "0123456789"), 10);
	assert_string_equal(buf, "0123456");
	memset(buf, 'z', sizeof(buf));
	assert_int_equal(vx_snprintf(buf, 1, "abc"), 3);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'z');
	assert_int_equal(vx_snprintf(buf, 0, "abc%d", 12), 5);
	assert_int_equal(buf[0], '\0'); /* untouched from before */
	assert_int_equal(vx_snprintf(NULL, 0, "%d", -100), 4);
	assert_int_equal(vx_snprintf(buf, sizeof(buf), "%d", 1234567), 7);
	assert_string_equal(buf, "1234567");
	assert_int_equal(vx_snprintf(buf, sizeof(buf), "%d", 12345678), 8);
	assert_string_equal(buf, "1234567");
	assert_int_equal(vx_snprintf(buf, sizeof(buf), "[%20d]", 1), 22);
	assert_string_equal(buf, "[      ");
}

static void test_odd_formats(void **state)
{
	char big[8192];

	(void)state;
	IS_RAW("%", "%"); /* dangling '%' is printed */
	IS_RAW("ab%", "ab%");
	IS_RAW("%q", "%q"); /* unknown conversion printed as-is */
	IS_RAW("x%5qy", "x%5qy");
	IS_RAW("", "");
	/* Width is capped at 4096. */
	assert_int_equal(raw(big, sizeof(big), "%99999d", 1), 4096);
	assert_int_equal(raw(big, sizeof(big), "%*d", -2147483647 - 1, 1), 4096);
}

static void test_many_args(void **state)
{
	(void)state;
	SAME("%d %s %x %c %lu %zu %lld %%", -1, "two", 3u, '4', 5ul, (size_t)6, 7ll);
}

/* vx_vformat delivers every byte to the sink, in order. */
static void collect(void *ctx, const char *s, size_t n)
{
	char *dst = ctx;
	size_t at = strlen(dst);

	memcpy(dst + at, s, n);
	dst[at + n] = '\0';
}

static size_t via_sink(char *out, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	out[0] = '\0';
	n = vx_vformat(collect, out, fmt, ap);
	va_end(ap);
	return n;
}

static void test_sink(void **state)
{
	char out[128];

	(void)state;
	assert_int_equal(via_sink(out, "a%db%-4sc", 12, "xy"), 9);
	assert_string_equal(out, "a12bxy  c");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_signed),
	    cmocka_unit_test(test_unsigned_and_hex),
	    cmocka_unit_test(test_width_and_flags),
	    cmocka_unit_test(test_strings_and_chars),
	    cmocka_unit_test(test_pointer),
	    cmocka_unit_test(test_truncation),
	    cmocka_unit_test(test_odd_formats),
	    cmocka_unit_test(test_many_args),
	    cmocka_unit_test(test_sink),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
