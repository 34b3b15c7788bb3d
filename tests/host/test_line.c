/* SPDX-License-Identifier: BSD-3-Clause */
/* The shell's line editor: editing, history, escapes and hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../services/vshell/pure_line.h"

/* Everything the editor echoed, kept for inspection. */
struct screen {
	char out[1 << 20];
	size_t len;
};

static void record(void *ctx, const char *s, size_t n)
{
	struct screen *sc = ctx;

	assert_true(sc->len + n < sizeof(sc->out));
	memcpy(sc->out + sc->len, s, n);
	sc->len += n;
	sc->out[sc->len] = '\0';
}

struct fixture {
	struct vsh_line line;
	struct screen screen;
	int last;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	vsh_line_init(&f->line, record, &f->screen);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

/* Feeds n bytes; returns the number of non-MORE events, the last in f->last. */
static int feedn(struct fixture *f, const char *s, size_t n)
{
	int events = 0;

	f->last = VSH_LINE_MORE;
	for (size_t i = 0; i < n; i++) {
		int ev = vsh_line_feed(&f->line, (uint8_t)s[i]);
		if (ev != VSH_LINE_MORE) {
			events++;
			f->last = ev;
		}
	}
	return events;
}

static int feed(struct fixture *f, const char *s)
{
	return feedn(f, s, strlen(s));
}

static void clear_screen(struct fixture *f)
{
	f->screen.len = 0;
	f->screen.out[0] = '\0';
}

static void test_type_and_enter(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(feed(f, "ls docs\r"), 1);
	assert_int_equal(f->last, VSH_LINE_DONE);
	assert_string_equal(vsh_line_text(&f->line), "ls docs");
	assert_string_equal(f->screen.out, "ls docs\r\n");
}

static void test_lf_and_crlf_count_once(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(feed(f, "a\r\nb\nc\r\r\n"), 4);
	assert_string_equal(vsh_line_text(&f->line), "");
	assert_string_equal(vsh_line_history(&f->line, 0), "c");
	assert_string_equal(vsh_line_history(&f->line, 1), "b");
	assert_string_equal(vsh_line_history(&f->line, 2), "a");
	assert_null(vsh_line_history(&f->line, 3));
	/* LF LF is two lines: only a CRLF pair is one. */
	assert_int_equal(feed(f, "\n\n"), 2);
}

static void test_backspace_both_codes(void **state)
{
	struct fixture *f = *state;

	feed(f, "cat\x7f\x7fx\x08y");
	assert_string_equal(vsh_line_text(&f->line), "cy");
	assert_string_equal(f->screen.out, "cat\b \b\b \bx\b \by");
	clear_screen(f);
	feed(f, "\x7f\x7f\x7f"); /* more backspaces than bytes: only two erase */
	assert_string_equal(vsh_line_text(&f->line), "");
	assert_string_equal(f->screen.out, "\b \b\b \b");
}

static void test_ctrl_c_cancels(void **state)
{
	struct fixture *f = *state;

	feed(f, "rm everything\x03");
	assert_int_equal(f->last, VSH_LINE_CANCEL);
	assert_string_equal(f->screen.out, "rm everything^C\r\n");
	assert_null(vsh_line_history(&f->line, 0));
	feed(f, "ok\r");
	assert_string_equal(vsh_line_text(&f->line), "ok");
}

static void test_ctrl_u_clears(void **state)
{
	struct fixture *f = *state;

	feed(f, "abc\x15xy\r");
	assert_string_equal(vsh_line_text(&f->line), "xy");
	assert_string_equal(f->screen.out, "abc\b \b\b \b\b \bxy\r\n");
}

static void test_history_up_down(void **state)
{
	struct fixture *f = *state;

	feed(f, "one\rtwo\rthree\r");
	feed(f, "dra");
	clear_screen(f);
	feed(f, "\x1b[A");
	assert_string_equal(vsh_line_text(&f->line), "three");
	assert_string_equal(f->screen.out, "\b \b\b \b\b \bthree");
	feed(f, "\x1b[A\x1b[A");
	assert_string_equal(vsh_line_text(&f->line), "one");
	feed(f, "\x1b[A"); /* past the oldest: nothing changes */
	assert_string_equal(vsh_line_text(&f->line), "one");
	feed(f, "\x1bOB"); /* SS3 form of down */
	assert_string_equal(vsh_line_text(&f->line), "two");
	feed(f, "\x1b[B\x1b[B"); /* back to the draft */
	assert_string_equal(vsh_line_text(&f->line), "dra");
	feed(f, "\x1b[B");
	assert_string_equal(vsh_line_text(&f->line), "dra");
	/* A recalled line is submitted like a typed one. */
	feed(f, "\x1b[A!\r");
	assert_string_equal(vsh_line_text(&f->line), "three!");
	assert_string_equal(vsh_line_history(&f->line, 0), "three!");
}

static void test_history_keeps_sixteen_no_dups(void **state)
{
	struct fixture *f = *state;
	char cmd[32];

	for (int i = 0; i < 40; i++) {
		snprintf(cmd, sizeof(cmd), "cmd %d\r", i);
		feed(f, cmd);
		feed(f, cmd); /* a repeat is not stored twice */
	}
	feed(f, "\r"); /* empty lines are not stored */
	for (uint32_t i = 0; i < VSH_HIST_MAX; i++) {
		snprintf(cmd, sizeof(cmd), "cmd %u", 39 - i);
		assert_string_equal(vsh_line_history(&f->line, i), cmd);
	}
	assert_null(vsh_line_history(&f->line, VSH_HIST_MAX));
	for (int i = 0; i < 20; i++)
		feed(f, "\x1b[A");
	assert_string_equal(vsh_line_text(&f->line), "cmd 24");
}

static void test_other_escapes_swallowed(void **state)
{
	struct fixture *f = *state;

	/* right, left, delete key, ctrl-right, then an unknown ESC x */
	feed(f, "a\x1b[C\x1b[D\x1b[3~\x1b[1;5Cb\x1bxc\r");
	assert_string_equal(vsh_line_text(&f->line), "abc");
	assert_string_equal(f->screen.out, "abc\r\n");
}

/* A control byte inside an escape sequence ends it and still acts: Esc
 * (or a sequence cut short) then Enter once ate the Enter, and then
 * Ctrl-C the Ctrl-C. */
static void test_control_ends_escape(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(feed(f, "ls\x1b\r"), 1);
	assert_int_equal(f->last, VSH_LINE_DONE);
	assert_string_equal(vsh_line_text(&f->line), "ls");
	assert_int_equal(feed(f, "df\x1b[\r"), 1);
	assert_int_equal(f->last, VSH_LINE_DONE);
	assert_string_equal(vsh_line_text(&f->line), "df");
	feed(f, "rm x\x1b[1;\x03");
	assert_int_equal(f->last, VSH_LINE_CANCEL);
	feed(f, "ab\x1bO\x08\r"); /* Ctrl-H erases */
	assert_string_equal(vsh_line_text(&f->line), "a");
	feed(f, "\x1b\x1b[Ab\r"); /* ESC ESC [ A: the second ESC starts afresh */
	assert_string_equal(vsh_line_text(&f->line), "ab");
}

static void test_runaway_escape_abandoned(void **state)
{
	struct fixture *f = *state;
	char seq[64] = "\x1b[";

	/* Parameters forever: the editor gives up after VSH_ESC_MAX of them and
	 * the rest is ordinary text again. */
	memset(seq + 2, '1', 40);
	seq[42] = '\0';
	feed(f, seq);
	assert_int_equal(strlen(vsh_line_text(&f->line)), 40 - VSH_ESC_MAX - 1);
	feed(f, "\x15zz\r");
	assert_int_equal(f->last, VSH_LINE_DONE);
	assert_string_equal(vsh_line_text(&f->line), "zz");
}

static void test_controls_and_high_bytes_ignored(void **state)
{
	struct fixture *f = *state;
	char junk[256];
	size_t n = 0;

	for (int c = 0; c < 256; c++)
		if ((c < 0x20 && c != '\r' && c != '\n' && c != 0x03 && c != 0x15 && c != 0x1b &&
		     c != 0x08) ||
		    c >= 0x80)
			junk[n++] = (char)c;
	feedn(f, "x", 1);
	assert_int_equal(feedn(f, junk, n), 0);
	feed(f, "\xc3\xa9y\r"); /* UTF-8 for e-acute: not inserted */
	assert_string_equal(vsh_line_text(&f->line), "xy");
	assert_string_equal(f->screen.out, "xy\r\n");
}

static void test_bound_and_bell_once(void **state)
{
	struct fixture *f = *state;
	static char big[10 * 1024];

	memset(big, 'q', sizeof(big));
	assert_int_equal(feedn(f, big, sizeof(big)), 0);
	assert_int_equal(strlen(vsh_line_text(&f->line)), VSH_LINE_MAX);
	/* One bell in all, after exactly VSH_LINE_MAX echoed bytes. */
	assert_int_equal(f->screen.len, VSH_LINE_MAX + 1);
	assert_int_equal(f->screen.out[VSH_LINE_MAX], '\a');
	assert_int_equal(feed(f, "\r"), 1);
	assert_int_equal(f->last, VSH_LINE_TOOLONG);
	assert_null(vsh_line_history(&f->line, 0));
	/* and the next line works */
	feed(f, "help\r");
	assert_int_equal(f->last, VSH_LINE_DONE);
	assert_string_equal(vsh_line_text(&f->line), "help");
}

static void test_exact_bound_is_fine(void **state)
{
	struct fixture *f = *state;
	char line[VSH_LINE_MAX + 2];

	memset(line, 'a', VSH_LINE_MAX);
	line[VSH_LINE_MAX] = '\r';
	line[VSH_LINE_MAX + 1] = '\0';
	feed(f, line);
	assert_int_equal(f->last, VSH_LINE_DONE);
	assert_int_equal(strlen(vsh_line_text(&f->line)), VSH_LINE_MAX);
	assert_null(strchr(f->screen.out, '\a'));
}

static void test_ctrl_u_after_overflow_recovers(void **state)
{
	struct fixture *f = *state;
	static char big[600];

	memset(big, 'q', sizeof(big));
	feedn(f, big, sizeof(big));
	feed(f, "\x15ls\r");
	assert_int_equal(f->last, VSH_LINE_DONE);
	assert_string_equal(vsh_line_text(&f->line), "ls");
}

/* Random bytes never crash the editor and keep every invariant. */
static void test_random_bytes(void **state)
{
	struct fixture *f = *state;
	uint32_t x = 12345;

	for (int i = 0; i < 200000; i++) {
		x = x * 1103515245u + 12345u;
		uint8_t c = (uint8_t)(x >> 16);
		vsh_line_feed(&f->line, c);
		assert_true(f->line.len <= VSH_LINE_MAX);
		assert_int_equal(strlen(vsh_line_text(&f->line)), f->line.len);
		if (f->screen.len > sizeof(f->screen.out) / 2)
			clear_screen(f);
	}
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_type_and_enter),
	    T(test_lf_and_crlf_count_once),
	    T(test_backspace_both_codes),
	    T(test_ctrl_c_cancels),
	    T(test_ctrl_u_clears),
	    T(test_history_up_down),
	    T(test_history_keeps_sixteen_no_dups),
	    T(test_other_escapes_swallowed),
	    T(test_control_ends_escape),
	    T(test_runaway_escape_abandoned),
	    T(test_controls_and_high_bytes_ignored),
	    T(test_bound_and_bell_once),
	    T(test_exact_bound_is_fine),
	    T(test_ctrl_u_after_overflow_recovers),
	    T(test_random_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
