/* SPDX-License-Identifier: BSD-3-Clause */
/* The shell's line editor (see pure_line.h). */
#include "pure_line.h"
#include "vx_string.h"

enum { ESC_NONE, ESC_SEEN, ESC_CSI, ESC_SS3 };

#define BS    0x08
#define DEL   0x7f
#define CTL_C 0x03
#define CTL_U 0x15
#define ESC   0x1b

static void emit(struct vsh_line *l, const char *s, size_t n)
{
	if (l->echo && n)
		l->echo(l->echo_ctx, s, n);
}

void vsh_line_init(struct vsh_line *l, vsh_echo_fn echo, void *ctx)
{
	memset(l, 0, sizeof(*l));
	l->browse = -1;
	l->echo = echo;
	l->echo_ctx = ctx;
}

const char *vsh_line_text(const struct vsh_line *l)
{
	return l->buf;
}

const char *vsh_line_history(const struct vsh_line *l, uint32_t i)
{
	if (i >= l->hist_count)
		return NULL;
	return l->hist[(l->hist_head + VSH_HIST_MAX - 1 - i) % VSH_HIST_MAX];
}

/* Empties the line, keeping history; browsing ends. */
static void clear(struct vsh_line *l)
{
	l->len = 0;
	l->buf[0] = '\0';
	l->overflow = false;
	l->browse = -1;
}

/* Erases the shown line from the terminal, one "\b \b" per byte. */
static void erase_shown(struct vsh_line *l)
{
	for (uint32_t i = 0; i < l->len; i++)
		emit(l, "\b \b", 3);
}

/* Replaces the shown line by text (a history entry or the draft: at most
 * VSH_LINE_MAX bytes, NUL-terminated). */
static void show(struct vsh_line *l, const char *text)
{
	erase_shown(l);
	l->len = (uint32_t)strlen(text);
	memmove(l->buf, text, l->len);
	l->buf[l->len] = '\0';
	l->overflow = false;
	emit(l, l->buf, l->len);
}

/* Up (older = true) or down through the history. */
static void browse(struct vsh_line *l, bool older)
{
	int32_t next = l->browse + (older ? 1 : -1);

	if (next >= (int32_t)l->hist_count || next < -1)
		return;
	if (l->browse == -1)
		memcpy(l->draft, l->buf, l->len + 1);
	l->browse = next;
	show(l, next == -1 ? l->draft : vsh_line_history(l, (uint32_t)next));
}

static void remember(struct vsh_line *l)
{
	const char *newest = vsh_line_history(l, 0);

	if (l->len == 0 || (newest && strcmp(newest, l->buf) == 0))
		return;
	memcpy(l->hist[l->hist_head], l->buf, l->len + 1);
	l->hist_head = (l->hist_head + 1) % VSH_HIST_MAX;
	if (l->hist_count < VSH_HIST_MAX)
		l->hist_count++;
}

/* One byte of an escape sequence: up/down arrows browse, the rest is swallowed. */
static void feed_escape(struct vsh_line *l, uint8_t c)
{
	if (l->esc == ESC_SEEN) {
		l->esc = c == '[' ? ESC_CSI : c == 'O' ? ESC_SS3 : ESC_NONE;
		l->esc_n = 0;
		return;
	}
	if (c >= 0x40 && c <= 0x7e) { /* the final byte */
		if (l->esc_n == 0 && (c == 'A' || c == 'B'))
			browse(l, c == 'A');
		l->esc = ESC_NONE;
		return;
	}
	/* A parameter byte; a sequence that never ends is abandoned. */
	if (c > 0x7e || ++l->esc_n > VSH_ESC_MAX)
		l->esc = ESC_NONE;
}

static enum vsh_line_event submit(struct vsh_line *l)
{
	emit(l, "\r\n", 2);
	l->finished = true;
	if (l->overflow)
		return VSH_LINE_TOOLONG;
	remember(l);
	return VSH_LINE_DONE;
}

static void insert(struct vsh_line *l, uint8_t c)
{
	if (l->len == VSH_LINE_MAX) {
		if (!l->overflow)
			emit(l, "\a", 1);
		l->overflow = true;
		return;
	}
	l->buf[l->len++] = (char)c;
	l->buf[l->len] = '\0';
	emit(l, (const char *)&l->buf[l->len - 1], 1);
}

enum vsh_line_event vsh_line_feed(struct vsh_line *l, uint8_t c)
{
	bool after_cr = l->after_cr;

	l->after_cr = c == '\r';
	if (l->finished) {
		l->finished = false;
		clear(l);
		if (c == '\n' && after_cr)
			return VSH_LINE_MORE; /* the LF of a CRLF */
	}
	/* A control byte ends a sequence and still acts, as ECMA-48 has it:
	 * Esc then Enter, or Ctrl-C, once lost the Enter or the Ctrl-C. */
	if (l->esc != ESC_NONE && c >= 0x20) {
		feed_escape(l, c);
		return VSH_LINE_MORE;
	}
	l->esc = ESC_NONE;
	if (c >= 0x20 && c < 0x7f) {
		insert(l, c);
		return VSH_LINE_MORE;
	}
	switch (c) {
	case '\r':
	case '\n':
		return submit(l);
	case DEL:
	case BS:
		if (l->len > 0) {
			l->buf[--l->len] = '\0';
			emit(l, "\b \b", 3);
		}
		return VSH_LINE_MORE;
	case CTL_C:
		emit(l, "^C\r\n", 4);
		l->finished = true;
		return VSH_LINE_CANCEL;
	case CTL_U:
		erase_shown(l);
		clear(l);
		return VSH_LINE_MORE;
	case ESC:
		l->esc = ESC_SEEN;
		return VSH_LINE_MORE;
	default:
		return VSH_LINE_MORE; /* other control bytes, and all of 0x80..0xff */
	}
}
