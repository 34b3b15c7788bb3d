/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nc: one TCP connection between the console and a peer, through netd
 * (client/sock.h).
 *
 *   nc HOST PORT   connects to HOST:PORT (an address, or a name dnsd
 *                  resolves); Ctrl-C gives up while it waits (netd cancels
 *                  the connect: NET_CANCEL)
 *   nc -l PORT     listens on PORT and takes the first connection to come
 *                  (the listener is closed once it has)
 *
 * Then, until the peer closes, the connection fails, or Ctrl-C (which
 * resets it): what is typed is sent, Enter as "\n", each byte echoed as
 * it is sent (the line editor is not in the way, so there is no editing);
 * Ctrl-D ends the sending side (the peer sees the end of the stream) and
 * nc keeps printing until the peer closes.  What the peer sends is
 * printed with control bytes other than newline and tab shown as '.', so
 * that it cannot drive the terminal.
 */
#include "shell.h"
#include "vectra/proto/dns.h"
#include "client/sock.h"
#include "net/addr.h"
#include "vx_string.h"

#define CONNECT_MS 10000u
#define STEP_NS	   (50 * MS) /* a receive's wait between looks at the console */

static struct vx_sock lsock, sock;
static uint8_t rx[NET_SEG_DATA_MAX];

static bool parse_port(const char *s, uint16_t *port)
{
	uint32_t v = 0;

	while (*s >= '0' && *s <= '9' && v <= 65535)
		v = v * 10 + (uint32_t)(*s++ - '0');
	if (*s || v == 0 || v > 65535)
		return false;
	*port = (uint16_t)v;
	return true;
}

static void show(const uint8_t *p, size_t n)
{
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i] >= 0x20 || p[i] == '\n' || p[i] == '\t')
			continue;
		con_write((const char *)p + start, i - start);
		con_write(".", 1);
		start = i + 1;
	}
	con_write((const char *)p + start, n - start);
}

/* Takes the console's input and sends it.  Returns 1 on Ctrl-C, an error,
 * or VX_OK. */
/* Sends the k bytes typed so far. */
static int flush_typed(const uint8_t *out, size_t k)
{
	if (k == 0)
		return VX_OK;
	long sent = vx_sock_send(&sock, out, k, client_deadline());
	if (sent < 0)
		return (int)sent;
	return (size_t)sent == k ? VX_OK : VX_E_TIMEOUT;
}

static int pump_console(bool *shut)
{
	uint8_t in[64], out[64];
	size_t n = con_poll(in, sizeof(in)), k = 0;

	for (size_t i = 0; i < n; i++) {
		uint8_t b = in[i];
		if (b == 0x03)
			return 1;
		if (b == 0x04) {
			if (!*shut) {
				/* What came before Ctrl-D in the same read goes first. */
				int rc = flush_typed(out, k);
				k = 0;
				if (rc < 0)
					return rc;
				*shut = true;
				con_printf("\n[nc: end of input sent]\n");
				rc = vx_sock_shutdown(&sock, client_deadline());
				if (rc < 0)
					return rc;
			}
			continue;
		}
		if (*shut)
			continue;
		if (b == '\r')
			b = '\n';
		out[k++] = b;
		if (b == '\n')
			con_write("\n", 1);
		else if (b >= 0x20 && b < 0x7f)
			con_write((const char *)&b, 1);
	}
	return flush_typed(out, k);
}

/* Between the console and the connection until one side ends. */
static void relay(void)
{
	bool shut = false;
	int rc;

	for (;;) {
		long got = vx_sock_recv(&sock, rx, sizeof(rx), (uint64_t)vx_clock() + STEP_NS);
		if (got > 0) {
			show(rx, (size_t)got);
			con_flush();
		} else if (got == 0) {
			con_printf("\nnc: the peer closed the connection\n");
			vx_sock_close(&sock, false, client_deadline());
			return;
		} else if (got != VX_E_TIMEOUT) {
			con_printf("\nnc: the connection failed: %s\n", vx_strerror((int)got));
			vx_sock_close(&sock, true, client_deadline());
			return;
		}
		if ((rc = pump_console(&shut)) != VX_OK) {
			if (rc == 1)
				con_printf("\nnc: interrupted (Ctrl-C): connection reset\n");
			else
				con_printf("\nnc: cannot send: %s\n", vx_strerror(rc));
			vx_sock_close(&sock, true, client_deadline());
			return;
		}
	}
}

static void nc_listen(uint16_t port)
{
	int rc =
	    vx_sock_listen(&lsock, &shell.net.c, port, 1, VA_LSOCK, BIT_SOCK, client_deadline());

	if (rc < 0) {
		con_printf("nc: cannot listen on port %u: %s\n", port,
			   rc == VX_E_EXISTS ? "the port is in use" : vx_strerror(rc));
		return;
	}
	con_printf("nc: listening on port %u (Ctrl-C stops)\n", port);
	con_flush();
	for (;;) {
		rc = vx_sock_accept(&lsock, &sock, VA_SOCK, BIT_SOCK,
				    (uint64_t)vx_clock() + 500 * MS);
		if (rc != VX_E_TIMEOUT)
			break;
		if (con_interrupted()) {
			con_printf("nc: interrupted (Ctrl-C)\n");
			vx_sock_close(&lsock, false, client_deadline());
			return;
		}
	}
	vx_sock_close(&lsock, false, client_deadline());
	if (rc < 0) {
		con_printf("nc: accept failed: %s\n", vx_strerror(rc));
		return;
	}
	const uint8_t *a = sock.info.raddr;
	con_printf("nc: connection from %u.%u.%u.%u:%u\n", a[0], a[1], a[2], a[3], sock.info.rport);
	relay();
}

void cmd_nc(const struct vsh_cmd *c)
{
	uint8_t addr[4];
	uint16_t port;

	if (strcmp(c->argv[1], "-l") == 0) {
		if (c->argc != 3 || !parse_port(c->argv[2], &port)) {
			con_printf("nc: usage: nc -l PORT (1..65535)\n");
			return;
		}
		nc_listen(port);
		return;
	}
	if (c->argc != 3) {
		con_printf("nc: usage: nc HOST PORT | nc -l PORT\n");
		return;
	}
	struct dns_answer ans;
	if (!vsh_resolve_addr("nc", c->argv[1], addr, &ans))
		return;
	if (!parse_port(c->argv[2], &port)) {
		con_printf("nc: port '%s': want 1..65535\n", c->argv[2]);
		return;
	}
	bool stopped;
	con_printf("nc: connecting to %s:%u (Ctrl-C stops)\n", c->argv[1], port);
	con_flush();
	int rc = vsh_connect(&sock, addr, port, CONNECT_MS, &stopped);
	if (stopped) {
		con_printf("nc: interrupted (Ctrl-C): no connection\n");
		return;
	}
	if (rc < 0) {
		con_printf("nc: cannot connect to %s:%u: %s\n", c->argv[1], port,
			   vsh_connect_why(rc));
		return;
	}
	con_printf("nc: connected to %s:%u (Ctrl-D ends input, Ctrl-C resets)\n", c->argv[1], port);
	con_flush();
	relay();
}
