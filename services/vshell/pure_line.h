/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The shell's line editor: bytes in, an edited line and its echo out.
 *
 * Pure: it makes no syscall.  The caller feeds every input byte to
 * vsh_line_feed and writes whatever the editor emits through its echo
 * callback to the terminal.  What a byte does:
 *
 *   0x20..0x7e      inserted at the end of the line and echoed
 *   0x7f, 0x08      erases the last byte ("\b \b")
 *   CR or LF        submits the line ("\r\n"); LF right after CR is
 *                   swallowed, so CRLF counts once
 *   0x03 (Ctrl-C)   cancels the line ("^C\r\n")
 *   0x15 (Ctrl-U)   clears the line
 *   ESC [ A, ESC [ B (or ESC O A/B)   older / newer history entry: the
 *                   shown line is erased and the entry drawn in its place
 *   any other escape sequence (ESC [ params final) is swallowed whole;
 *                   a control byte inside one ends it and acts (Esc,
 *                   then Enter, runs the line)
 *   any other control byte and every byte >= 0x80 is ignored.
 *
 * The line holds at most VSH_LINE_MAX bytes.  Input past that is dropped
 * and the first dropped byte rings the bell once; Enter then reports
 * VSH_LINE_TOOLONG instead of submitting, so no input can wedge the editor.
 * The last VSH_HIST_MAX submitted non-empty lines are kept (a line equal
 * to the newest entry is not added twice).
 *
 * After vsh_line_feed reports DONE, CANCEL or TOOLONG, the submitted text
 * stays readable (vsh_line_text) until the next byte is fed, which starts
 * a fresh line.
 */
#ifndef VSHELL_PURE_LINE_H
#define VSHELL_PURE_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VSH_LINE_MAX 256u
#define VSH_HIST_MAX 16u
#define VSH_ESC_MAX  16u /* parameter bytes tolerated inside one escape sequence */

enum vsh_line_event {
	VSH_LINE_MORE = 0,    /* keep feeding */
	VSH_LINE_DONE = 1,    /* a line was submitted: vsh_line_text */
	VSH_LINE_CANCEL = 2,  /* Ctrl-C */
	VSH_LINE_TOOLONG = 3, /* Enter after input was dropped; the line is discarded */
};

/* Receives the bytes to show on the terminal. */
typedef void (*vsh_echo_fn)(void *ctx, const char *s, size_t n);

struct vsh_line {
	char buf[VSH_LINE_MAX + 1]; /* NUL-terminated */
	uint32_t len;
	bool overflow; /* bytes were dropped from this line */
	bool after_cr; /* the previous byte was CR */
	bool finished; /* the previous byte ended a line */
	uint8_t esc;   /* escape-sequence state (pure_line.c) */
	uint8_t esc_n; /* parameter bytes seen in this sequence */
	/* history: hist[(hist_head - 1 - i) % VSH_HIST_MAX] is the i-th newest */
	char hist[VSH_HIST_MAX][VSH_LINE_MAX + 1];
	uint32_t hist_count, hist_head;
	int32_t browse;		      /* -1: editing a new line; else index of shown entry */
	char draft[VSH_LINE_MAX + 1]; /* the new line, saved while browsing */
	vsh_echo_fn echo;
	void *echo_ctx;
};

/* Starts an empty editor with no history; echo may be NULL. */
void vsh_line_init(struct vsh_line *l, vsh_echo_fn echo, void *ctx);

/* Feeds one input byte; returns what happened. */
enum vsh_line_event vsh_line_feed(struct vsh_line *l, uint8_t byte);

/* The line being edited, or the one just submitted. */
const char *vsh_line_text(const struct vsh_line *l);

/* The i-th newest history entry (0 = newest), or NULL. */
const char *vsh_line_history(const struct vsh_line *l, uint32_t i);

#endif
