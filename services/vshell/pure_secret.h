/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reading a secret (the Machine passphrase for `login`): a line that is
 * never echoed, never enters the history, and is wiped when done.  Pure;
 * host-tested in tests/host/test_secret.c.
 *
 * Bytes: printable ones (0x20..0x7e) and bytes >= 0x80 (UTF-8) are kept;
 * Backspace (0x7f or 0x08) drops the last byte; Ctrl-U drops them all;
 * Enter ('\r' or '\n') ends it; Ctrl-C cancels it; every other control
 * byte (escape sequences' ESC included) is ignored.  A secret longer than
 * VSH_SECRET_MAX bytes is refused at Enter (VSH_SECRET_TOOLONG) rather
 * than cut, so a long passphrase is never silently shortened.
 */
#ifndef VSHELL_PURE_SECRET_H
#define VSHELL_PURE_SECRET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VSH_SECRET_MAX 128u

enum vsh_secret_event {
	VSH_SECRET_MORE = 0,	/* keep feeding */
	VSH_SECRET_DONE = 1,	/* Enter: vsh_secret_text/len hold it */
	VSH_SECRET_CANCEL = 2,	/* Ctrl-C: wiped */
	VSH_SECRET_TOOLONG = 3, /* Enter after more than VSH_SECRET_MAX bytes: wiped */
};

struct vsh_secret {
	char buf[VSH_SECRET_MAX];
	uint32_t n;	/* bytes in buf */
	uint32_t extra; /* bytes typed past the end of buf (not kept) */
};

void vsh_secret_init(struct vsh_secret *s);
enum vsh_secret_event vsh_secret_feed(struct vsh_secret *s, uint8_t byte);
/* Overwrites the buffer with zeros and empties it. */
void vsh_secret_wipe(struct vsh_secret *s);

#endif
