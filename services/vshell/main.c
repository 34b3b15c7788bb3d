/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vshell: the shell a person boots into (see shell.h for the map of its
 * files and the Bundle it expects, docs/userland/vshell.md for its use).
 *
 * The loop: print the prompt, read whatever input uartd has, feed it byte
 * by byte to the line editor (which echoes), and run each finished line.
 * Reads wait at most a second at a time and survive uartd restarting, so
 * an idle shell outlives its console driver.
 */
#include "shell.h"
#include "pure_line.h"
#include "pure_secret.h"
#include "crypto/ct.h"

#define PROMPT "vshell> "

struct vsh shell;
static struct vsh_line line;
static struct vsh_secret secret;
static bool swallow_lf; /* the '\n' of a "\r\n" that ended a secret */

static void echo(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	con_write(s, n);
}

static vx_handle_t handle_of(const char *name, uint32_t type)
{
	int64_t h = vx_bundle_handle(shell.bundle, name, type);

	return h < 0 ? VX_NO_HANDLE : (vx_handle_t)h;
}

/* Runs a finished line; says so if it was too long or cancelled. */
static void on_line(enum vsh_line_event ev)
{
	con_flush(); /* the echoed line shows before anything the command does */
	if (ev == VSH_LINE_DONE)
		vsh_execute(vsh_line_text(&line));
	else if (ev == VSH_LINE_TOOLONG)
		con_printf("line too long (max %u bytes)\n", VSH_LINE_MAX);
	if (!shell.secret) /* login asked for its passphrase instead */
		con_write(PROMPT, sizeof(PROMPT) - 1);
}

/* One byte of login's passphrase: nothing is echoed. */
static void on_secret(uint8_t byte)
{
	enum vsh_secret_event ev = vsh_secret_feed(&secret, byte);

	if (ev == VSH_SECRET_MORE)
		return;
	shell.secret = false;
	swallow_lf = byte == '\r';
	con_write("\n", 1);
	if (ev == VSH_SECRET_DONE)
		login_finish(secret.buf, secret.n);
	else if (ev == VSH_SECRET_CANCEL)
		con_printf("login: cancelled\n");
	else
		con_printf("login: passphrase too long (at most %u bytes)\n", VSH_SECRET_MAX);
	vsh_secret_wipe(&secret);
	con_write(PROMPT, sizeof(PROMPT) - 1);
}

/* One byte typed: to login's passphrase, or to the line editor.  Returns
 * the line editor's event; the caller runs a finished line (on_line). */
static enum vsh_line_event on_byte(uint8_t byte)
{
	if (swallow_lf) {
		swallow_lf = false;
		if (byte == '\n')
			return VSH_LINE_MORE;
	}
	if (shell.secret) {
		on_secret(byte);
		return VSH_LINE_MORE;
	}
	return vsh_line_feed(&line, byte);
}

int main(const struct vx_bundle_page *bundle, const char *args)
{
	uint8_t in[VX_MSG_DATA];

	(void)args;
	shell.bundle = bundle;
	if (con_open(bundle) < 0)
		return 2; /* no console: nobody to talk to */
	shell.self = handle_of("self", VX_OBJ_TASK);
	shell.ret = handle_of("ret", VX_OBJ_RETICLE);
	if (shell.self != VX_NO_HANDLE) {
		int64_t sig = vx_sig_mint(shell.self, 1ull << BIT_CHILD);
		shell.child_sig = sig < 0 ? VX_NO_HANDLE : (vx_handle_t)sig;
	}
	client_open(&shell.fs, "fs", VA_FS, BIT_FS);
	client_open(&shell.ns, "ns", VA_NS, BIT_NS);
	client_open(&shell.init, "init", VA_INIT, BIT_INIT);
	client_open(&shell.id, "identity", VA_ID, BIT_ID);
	client_open(&shell.pkg, "pkg", VA_PKG, BIT_PKG);
	client_open(&shell.rng, "rng", VA_RNG, BIT_RNG);
	client_open(&shell.dev, "devices", VA_DEV, BIT_DEV);
	client_open(&shell.net, "net", VA_NET, BIT_NET);
	client_open(&shell.dns, "dns", VA_DNS, BIT_DNS);
	client_open(&shell.lx, "linux", VA_LINUX, BIT_LINUX);
	client_open(&shell.rtc, "rtc", VA_RTC, BIT_RTC);
	vsh_line_init(&line, echo, NULL);

	con_printf("\nVectraOS shell. Type 'help' for the commands.\n" PROMPT);
	for (;;) {
		size_t n = con_read(in, sizeof(in));
		for (size_t i = 0; i < n; i++) {
			enum vsh_line_event ev = on_byte(in[i]);
			if (ev == VSH_LINE_MORE)
				continue;
			/* What was typed after the line goes back to the console's
			 * input before the line runs: a Ctrl-C there is the
			 * command's (it once reached only the next prompt). */
			con_unread(in + i + 1, n - i - 1);
			on_line(ev);
			break;
		}
		vx_wipe(in, n); /* it may have held a passphrase */
	}
}
