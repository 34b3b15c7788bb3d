/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * init's voice.  Once uartd serves the console, init writes through its own
 * console connection like every other Task; before that (early boot) and
 * whenever uartd is down, it falls back to the kernel's console, which is
 * meant for exactly that.
 *
 * Output is collected into whole lines and each line goes out in one
 * write, whichever way it goes: a line built from several say() calls
 * (describe() in main.c) used to go out piece by piece, and on several
 * CPUs another Task's line (uartd's first words, on the kernel's console)
 * could land between two pieces.  A line that does not fit one console
 * message goes to the kernel's console, which takes it whole; a line
 * longer than LINE_MAX is cut into LINE_MAX pieces.
 */
#include <stdarg.h>
#include "init.h"
#include "vx_fmt.h"
#include "vx_string.h"

#define LINE_MAX 512u

static struct {
	uint32_t len;
	char buf[LINE_MAX];
} line;

/* Writes s[0..n) in one write: one CONSOLE_WRITE through uartd when it is
 * up and the bytes fit one message, else one kernel console write.  A write
 * uartd took and then died on is not repeated (it may have been printed). */
static void emit(const char *s, size_t n)
{
	if (n <= VX_MSG_DATA && init.log_up && vx_client_server_up(&init.log)) {
		struct vx_msg m = {.op = CONSOLE_WRITE, .ncaps = 0, .len = (uint16_t)n};
		memcpy(m.data, s, n);
		vx_client_call(&init.log, &m, (uint64_t)vx_clock() + 200 * MS);
		return;
	}
	vx_console_write(init.io, s, n);
}

/* The formatter's sink: appends to the line, writing it out at '\n' and
 * when the buffer is full. */
static void line_sink(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	for (size_t i = 0; i < n; i++) {
		line.buf[line.len++] = s[i];
		if (s[i] == '\n' || line.len == LINE_MAX) {
			emit(line.buf, line.len);
			line.len = 0;
		}
	}
}

/* printf to the console; output is written a whole line at a time (a
 * partial line waits for the say() that ends it). */
void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vx_vformat(line_sink, NULL, fmt, ap);
	va_end(ap);
}
