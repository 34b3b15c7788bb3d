/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HTTP from the shell (lib/net/http.h, docs/userland/vshell.md).
 *
 *   get URL [FILE]  one GET of an http:// URL over a TCP socket of netd's
 *                   (client/sock.h), the body streamed into FILE through
 *                   the bulk buffer (default: the URL's last name, else
 *                   index.html; paths as the file commands take them).
 *                   The host is an address (A.B.C.D) or a name dnsd
 *                   resolves (SYS:etc/hosts, then its server).  The file is written only for a 2xx
 *                   answer; any other status writes nothing and says so.
 *                   A body that ends early, a malformed response, a reset
 *                   or a timeout is an error, and the partial file is
 *                   removed: a file get leaves is the whole body.
 *                   Ctrl-C stops it (the partial file is removed too).
 *   serve DIR PORT  runs SYS:bin/httpd ("/ PORT") with exactly the
 *                   grants console, fs=fs.read:DIR (vfsd lets that
 *                   connection read DIR and what is under it, nothing
 *                   else: DIR is its "/") and net=net.listen.PORT (netd
 *                   lets that connection listen on PORT and accept,
 *                   nothing else), the way run runs a program (vsh_run_program);
 *                   the shell waits until Ctrl-C halts it.
 *                   docs/userland/httpd.md.
 */
#include "shell.h"
#include "vectra/proto/dns.h"
#include "client/fs.h"
#include "client/sock.h"
#include "net/addr.h"
#include "net/http.h"
#include "vx_string.h"

#define CONNECT_MS 10000u	/* the handshake */
#define IDLE_NS	   (15000 * MS) /* no byte from the server for this long: timed out */
#define STEP_NS	   (200 * MS)	/* a receive's wait between looks at the console */

static struct vx_sock sock;
static struct vx_url url;
static struct vx_http_resp resp;
static uint8_t buf[NET_SEG_DATA_MAX];
static char req[VX_URL_MAX + 256];

static const char *strip(const char *p)
{
	while (*p == '/')
		p++;
	return p;
}

/* What a transport or HTTP error means, in words. */
static const char *why(int rc)
{
	const char *h = vx_http_strerror(rc);

	return h ? h : vsh_connect_why(rc);
}

/* The body's way into the file: BULK bytes at a time. */
struct sink {
	const char *path; /* the file written: FILE, or a temporary beside it */
	const char *name; /* FILE */
	vx_handle_t mem;
	uint32_t fill;
	uint64_t off;
	bool open; /* the file was created (or emptied) */
	bool tmp;  /* path is the temporary: FILE was there and is left alone */
};

static int sink_flush(struct sink *k)
{
	int rc;

	if (k->fill == 0)
		return VX_OK;
	rc = VX_E_TIMEOUT; /* asked again on a timeout: the same bytes at the same place */
	for (int i = 0; i < 3 && rc == VX_E_TIMEOUT; i++)
		rc = vx_fs_write_mem(&shell.fs.c, k->path, k->off, k->mem, k->fill,
				     client_deadline());
	if (rc == VX_OK) {
		k->off += k->fill;
		k->fill = 0;
	}
	return rc;
}

static int sink_put(struct sink *k, const uint8_t *p, size_t n)
{
	while (n > 0) {
		size_t t = BULK - k->fill < n ? BULK - k->fill : n;
		memcpy((uint8_t *)(uintptr_t)VA_BULK + k->fill, p, t);
		k->fill += (uint32_t)t;
		p += t;
		n -= t;
		if (k->fill == BULK) {
			int rc = sink_flush(k);
			if (rc < 0)
				return rc;
		}
	}
	return VX_OK;
}

/* The file the body goes to: FILE made anew, or, when FILE is there, a
 * temporary beside it, renamed over FILE once the body is whole, so that
 * a transfer that fails leaves FILE as it was.  Only when there is no
 * room for a temporary name is FILE emptied and written in place. */
static int sink_open(struct sink *k)
{
	struct fs_stat st;
	int rc = vx_fs_stat(&shell.fs.c, k->name, &st, client_deadline());

	if (rc == VX_E_NOTFOUND) {
		rc = vx_fs_create(&shell.fs.c, k->name, client_deadline());
	} else if (rc == VX_OK && (k->path = vsh_temp_beside(k->name)) != NULL) {
		k->tmp = true;
	} else if (rc == VX_OK) {
		k->path = k->name;
		rc = vx_fs_truncate(&shell.fs.c, k->path, 0, client_deadline());
	}
	k->open = rc == VX_OK;
	return rc;
}

/* Feeds n received bytes to the parser and the body to the file.
 * *fs_err is set when the file, not the server, failed. */
static int take(struct sink *k, const uint8_t *p, size_t n, bool *fs_err)
{
	while (n > 0 && !vx_http_resp_done(&resp)) {
		const uint8_t *body;
		size_t blen;
		long used = vx_http_resp_feed(&resp, p, n, &body, &blen);
		int rc;
		if (used < 0)
			return (int)used;
		if (vx_http_resp_head_done(&resp) && resp.status / 100 == 2 && !k->open) {
			if ((rc = sink_open(k)) < 0) {
				*fs_err = true;
				return rc;
			}
		}
		if (blen && k->open && (rc = sink_put(k, body, blen)) < 0) {
			*fs_err = true;
			return rc;
		}
		p += used;
		n -= (size_t)used;
	}
	return VX_OK;
}

/* Sends the request and reads the answer into k; VX_OK once the message
 * is complete.  1 for Ctrl-C. */
static int exchange(struct sink *k, bool *fs_err)
{
	long n = vx_http_request(req, sizeof(req), VX_HTTP_GET, &url);
	uint64_t last = (uint64_t)vx_clock();

	if (n < 0)
		return (int)n;
	long sent = vx_sock_send(&sock, req, (size_t)n, last + IDLE_NS);
	if (sent < 0)
		return (int)sent;
	if (sent != n)
		return VX_E_TIMEOUT;
	vx_http_resp_init(&resp, false);
	uint64_t looked = last; /* when the console was last looked at */
	while (!vx_http_resp_done(&resp)) {
		uint64_t now = (uint64_t)vx_clock();
		if (now - looked >= STEP_NS) {
			looked = now;
			if (con_interrupted())
				return 1;
		}
		long got = vx_sock_recv(&sock, buf, sizeof(buf), now + STEP_NS);
		if (got == VX_E_TIMEOUT) {
			if ((uint64_t)vx_clock() - last > IDLE_NS)
				return VX_E_TIMEOUT;
			continue;
		}
		if (got < 0)
			return (int)got;
		if (got == 0)
			return vx_http_resp_eof(&resp);
		last = (uint64_t)vx_clock();
		int rc = take(k, buf, (size_t)got, fs_err);
		if (rc < 0)
			return rc;
	}
	return VX_OK;
}

/* Can the file at path be written, as far as can be known before the
 * transfer: not SYS: (read-only), not a directory, in a directory that
 * exists?  Checked before connecting, so that a wrong name costs no
 * connection (a full disk still shows only while writing).  Prints the
 * refusal. */
static bool sink_check(const char *path)
{
	char dir[VSH_LINE_MAX + 1];
	struct fs_stat st;
	const char *slash = strrchr(path, '/'), *colon = strchr(path, ':');
	int rc;

	if (vsh_is_sys(path)) {
		con_printf("get: SYS: is the boot image, read-only: %s\n", path);
		return false;
	}
	if (!*path || (colon && !colon[1]) || (slash && !slash[1])) {
		con_printf("get: '%s' names no file\n", path);
		return false;
	}
	rc = vx_fs_stat(&shell.fs.c, path, &st, client_deadline());
	if (rc == VX_OK && st.type == FS_DIR) {
		con_printf("get: is a directory: %s\n", path);
		return false;
	}
	if (rc != VX_E_NOTFOUND)
		return rc == VX_OK || !client_report("get", &shell.fs, rc);
	/* Not there yet: its directory must be. */
	size_t n = slash ? (size_t)(slash - path) : colon ? (size_t)(colon + 1 - path) : 0;
	if (n == 0 || n >= sizeof(dir))
		return true; /* the root of the default file system */
	memcpy(dir, path, n);
	dir[n] = '\0';
	rc = vx_fs_stat(&shell.fs.c, dir, &st, client_deadline());
	if (rc == VX_OK && st.type == FS_DIR)
		return true;
	if (client_report("get", &shell.fs, rc))
		return false;
	con_printf("get: no such directory: %s (for %s)\n", dir, path);
	return false;
}

void cmd_get(const struct vsh_cmd *c)
{
	char name[VX_HTTP_NAME_MAX + 1], size[24];
	struct sink k = {0};
	uint8_t addr[4];
	bool fs_err = false;
	int rc;

	if ((rc = vx_url_parse(c->argv[1], &url)) < 0) {
		con_printf("get: %s\n", why(rc));
		return;
	}
	struct dns_answer ans;
	if (!vsh_resolve_addr("get", url.host, addr, &ans))
		return;
	if (c->argc > 2) {
		k.name = strip(c->argv[2]);
	} else {
		vx_url_filename(&url, name);
		k.name = name;
	}
	k.path = k.name;
	if (!sink_check(k.name))
		return;
	if ((rc = vsh_bulk(&k.mem)) < 0) {
		con_printf("get: no buffer for the transfer: %s\n", vx_strerror(rc));
		return;
	}
	uint64_t start = (uint64_t)vx_clock();
	bool stopped;
	rc = vsh_connect(&sock, addr, url.port, CONNECT_MS, &stopped);
	if (stopped) {
		con_printf("get: interrupted (Ctrl-C): no connection\n");
		return;
	}
	if (rc < 0) {
		con_printf("get: cannot connect to %s:%u: %s\n", url.host, url.port, why(rc));
		return;
	}
	rc = exchange(&k, &fs_err);
	vx_sock_close(&sock, rc != VX_OK, client_deadline());
	if (rc == VX_OK && k.open && (rc = sink_flush(&k)) < 0)
		fs_err = true;
	uint64_t us = ((uint64_t)vx_clock() - start) / 1000;
	if (rc != VX_OK) {
		if (rc == 1)
			con_printf("get: interrupted (Ctrl-C)");
		else if (fs_err)
			con_printf("get: cannot write %s: %s", k.name, vx_strerror(rc));
		else
			con_printf("get: %s", why(rc));
		if (resp.status)
			con_printf(" (status %d, %lu body bytes in)", resp.status,
				   (unsigned long)resp.body);
		if (k.open) {
			vx_fs_remove(&shell.fs.c, k.path, client_deadline());
			if (k.tmp)
				con_printf("; %s is left as it was", k.name);
			else
				con_printf("; the partial file %s was removed", k.path);
		}
		con_printf("\n");
		return;
	}
	if (resp.status / 100 != 2) {
		con_printf("get: %d %s from %s: no file written (%lu body bytes)\n", resp.status,
			   resp.reason, url.host, (unsigned long)resp.body);
		return;
	}
	if (k.tmp && !vsh_take_place("get", k.path, k.name))
		return;
	con_printf("get: %d %s: %s -> %s (%lu bytes) in %lu.%03lu s\n", resp.status, resp.reason,
		   vsh_show_bytes(size, sizeof(size), k.off), k.name, (unsigned long)k.off,
		   (unsigned long)(us / 1000000), (unsigned long)(us / 1000 % 1000));
}

void cmd_serve(const struct vsh_cmd *c)
{
	static struct vsh_run r;
	static const char *const slots[] = {"console", "fs", "net"};
	static char listen_cap[24], fs_cap[VX_MSG_DATA];
	const char *caps[3] = {"console", fs_cap, listen_cap};
	const char *dir = strip(c->argv[1]), *p = c->argv[2];
	uint32_t port = 0;
	struct fs_stat st;
	int rc;

	while (*p >= '0' && *p <= '9' && port <= 65535)
		port = port * 10 + (uint32_t)(*p++ - '0');
	if (*p || port == 0 || port > 65535) {
		con_printf("serve: port '%s': want 1..65535\n", c->argv[2]);
		return;
	}
	for (p = dir; *p; p++) {
		if (*p == ' ') {
			con_printf("serve: DIR may not hold a space\n");
			return;
		}
	}
	if (strlen(dir) + sizeof("fs.read:") > sizeof(fs_cap)) {
		con_printf("serve: DIR is longer than a grant holds (%u bytes)\n",
			   (unsigned)(sizeof(fs_cap) - sizeof("fs.read:")));
		return;
	}
	rc = vx_fs_stat(&shell.fs.c, dir, &st, client_deadline());
	if (client_report("serve", &shell.fs, rc))
		return;
	if (rc == VX_OK && st.type != FS_DIR)
		rc = VX_E_TYPE;
	if (rc < 0 && vsh_is_sys(dir)) {
		/* SYS: is nsd's, and httpd reads through vfsd alone */
		con_printf("serve: %s: SYS: is the boot image, which httpd cannot read; copy "
			   "what to serve to RAM: or HOME: (cp)\n",
			   c->argv[1]);
		return;
	}
	if (rc < 0) {
		con_printf("serve: %s: %s\n", c->argv[1],
			   rc == VX_E_NOTFOUND ? "no such directory"
			   : rc == VX_E_TYPE   ? "not a directory (serve takes a directory: DIR)"
					       : vx_strerror(rc));
		return;
	}
	memset(&r, 0, sizeof(r));
	r.program = "httpd";
	/* httpd's fs connection reads DIR and what is under it, nothing else
	 * (vfsd's "read:PATH" grant, fs.h GRANTS): DIR is its root "/". */
	vx_snprintf(fs_cap, sizeof(fs_cap), "fs.read:%s", dir);
	vx_snprintf(r.args, sizeof(r.args), "/ %u", port);
	/* netd lets this connection listen on PORT and nothing else (NET.md, "Grants") */
	vx_snprintf(listen_cap, sizeof(listen_cap), "net.listen.%u", port);
	for (uint32_t i = 0; i < 3; i++) {
		r.grant[i].slot = slots[i];
		r.grant[i].cap = caps[i];
	}
	r.ngrants = 3;
	con_printf("serve: %s on port %u (Ctrl-C stops it)\n", *dir ? dir : "/", port);
	vsh_run_program(&r);
}
