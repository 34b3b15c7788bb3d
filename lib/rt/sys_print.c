/* SPDX-License-Identifier: BSD-3-Clause */
/* Line-buffered console output (see rt/print.h). */
#include "rt/print.h"
#include "vx_fmt.h"
#include "rt/syscall.h"

static struct {
	vx_handle_t io;
	uint32_t len;
	int last_error;
	char line[VX_PRINT_LINE_MAX];
} con;

void vx_print_init(vx_handle_t console_ioport)
{
	con.io = console_ioport;
	con.len = 0;
	con.last_error = VX_OK;
}

int vx_print_flush(void)
{
	int64_t rc;

	if (con.len == 0)
		return con.last_error;
	if (con.io != VX_NO_HANDLE) {
		rc = vx_console_write(con.io, con.line, con.len);
		con.last_error = rc < 0 ? (int)rc : VX_OK;
	}
	con.len = 0;
	return con.last_error;
}

/* The fmt sink: appends to the line, flushing at '\n' and when full. */
static void line_sink(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	for (size_t i = 0; i < n; i++) {
		con.line[con.len++] = s[i];
		if (s[i] == '\n' || con.len == VX_PRINT_LINE_MAX)
			vx_print_flush();
	}
}

int vx_vprintf(const char *fmt, va_list ap)
{
	size_t n = vx_vformat(line_sink, NULL, fmt, ap);

	return n > INT32_MAX ? INT32_MAX : (int)n;
}

int vx_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vx_vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int vx_puts(const char *s)
{
	return vx_printf("%s\n", s);
}
