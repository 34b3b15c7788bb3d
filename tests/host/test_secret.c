/* SPDX-License-Identifier: BSD-3-Clause */
/* Host tests of the shell's passphrase reader (services/vshell/pure_secret.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>
#include "../../services/vshell/pure_secret.h"

static enum vsh_secret_event feed(struct vsh_secret *s, const char *bytes, size_t n)
{
	enum vsh_secret_event ev = VSH_SECRET_MORE;

	for (size_t i = 0; i < n && ev == VSH_SECRET_MORE; i++)
		ev = vsh_secret_feed(s, (uint8_t)bytes[i]);
	return ev;
}

static bool wiped(const struct vsh_secret *s)
{
	for (size_t i = 0; i < sizeof(s->buf); i++)
		if (s->buf[i])
			return false;
	return s->n == 0;
}

static void test_plain(void **state)
{
	struct vsh_secret s;

	(void)state;
	vsh_secret_init(&s);
	assert_int_equal(feed(&s, "vectra\r", 7), VSH_SECRET_DONE);
	assert_int_equal(s.n, 6);
	assert_memory_equal(s.buf, "vectra", 6);
	vsh_secret_wipe(&s);
	assert_true(wiped(&s));
	assert_int_equal(feed(&s, "a b\n", 4), VSH_SECRET_DONE);
	assert_memory_equal(s.buf, "a b", 3);
}

static void test_editing(void **state)
{
	struct vsh_secret s;

	(void)state;
	vsh_secret_init(&s);
	/* Backspace either way; Ctrl-U; escape sequences and controls ignored. */
	assert_int_equal(feed(&s,
			      "vectrx\x7f"
			      "a\r",
			      9),
			 VSH_SECRET_DONE);
	assert_memory_equal(s.buf, "vectra", 6);
	vsh_secret_wipe(&s);
	assert_int_equal(feed(&s,
			      "ab\x08\x08\x08"
			      "c\r",
			      7),
			 VSH_SECRET_DONE);
	assert_int_equal(s.n, 1);
	vsh_secret_wipe(&s);
	assert_int_equal(feed(&s, "wrong\x15right\r", 12), VSH_SECRET_DONE);
	assert_int_equal(s.n, 5);
	assert_memory_equal(s.buf, "right", 5);
	vsh_secret_wipe(&s);
	assert_int_equal(feed(&s, "x\x1b\x01\x04y\r", 6), VSH_SECRET_DONE);
	assert_int_equal(s.n, 2);
	vsh_secret_wipe(&s);
	/* UTF-8 bytes are kept. */
	assert_int_equal(feed(&s, "\xc3\xa9\r", 3), VSH_SECRET_DONE);
	assert_int_equal(s.n, 2);
}

static void test_cancel(void **state)
{
	struct vsh_secret s;

	(void)state;
	vsh_secret_init(&s);
	assert_int_equal(feed(&s, "secret\x03", 7), VSH_SECRET_CANCEL);
	assert_true(wiped(&s));
}

/* Longer than the buffer: refused whole at Enter, never cut short. */
static void test_too_long(void **state)
{
	struct vsh_secret s;
	char big[VSH_SECRET_MAX + 10];

	(void)state;
	memset(big, 'p', sizeof(big));
	vsh_secret_init(&s);
	assert_int_equal(feed(&s, big, VSH_SECRET_MAX), VSH_SECRET_MORE);
	assert_int_equal(vsh_secret_feed(&s, '\r'), VSH_SECRET_DONE);
	vsh_secret_wipe(&s);
	assert_int_equal(feed(&s, big, sizeof(big)), VSH_SECRET_MORE);
	assert_int_equal(vsh_secret_feed(&s, '\r'), VSH_SECRET_TOOLONG);
	assert_true(wiped(&s));
	/* Deleting the extra bytes makes it fit again. */
	assert_int_equal(feed(&s, big, VSH_SECRET_MAX + 2), VSH_SECRET_MORE);
	assert_int_equal(feed(&s, "\x7f\x7f\r", 3), VSH_SECRET_DONE);
	assert_int_equal(s.n, VSH_SECRET_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain),
	    cmocka_unit_test(test_editing),
	    cmocka_unit_test(test_cancel),
	    cmocka_unit_test(test_too_long),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
