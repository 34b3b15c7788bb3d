/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * httpd: a small HTTP/1.1 file server (docs/userland/httpd.md).  The
 * shell's `serve DIR PORT` runs it with args "/ PORT" and exactly three
 * grants; it holds nothing else:
 *
 *   console.req/.rep  uartd: one log line per request
 *   fs.req/.rep       vfsd: the files it serves, through a connection
 *                     narrowed to "read:DIR" (vectra/proto/fs.h, GRANTS):
 *                     it reads DIR, its "/", and what is under it, and
 *                     vfsd refuses the rest, so a bug here cannot reach
 *                     another file nor change one
 *   net.req/.rep      netd: its listener and the connections to it
 *                     (serve grants net.listen.PORT: nothing else)
 *
 * Requests are parsed by lib/net/http.h (GET and HEAD; one request per
 * connection, Connection: close).  A target decodes to a relative path
 * that cannot leave DIR (no "." or ".." segment, no root name "X:", no
 * encoded separator: http.h's rules) and is joined under DIR.  A file is
 * sent with its length and a type from its extension; a directory named
 * without its trailing '/' is redirected (301) to it; a directory is
 * served as its index.html, or as a generated listing.
 *
 * THE LOOP
 *
 * One thread, up to CONNS connections at once.  The listener and every
 * connection have their Rings at their own addresses and all raise one
 * wake bit.  Each round steps every connection without blocking on it:
 * reads what has come (vx_sock_readable, then a receive whose deadline has
 * passed), parses, and sends what its socket's tx Ring takes (a send with
 * a passed deadline queues what fits and returns the count); then, while
 * a slot is free and the listener's rx Ring says a connection waits
 * (netd's NET_SEG_ACCEPT), accepts it.  When a round moved nothing it
 * arms the waiting flag of every Ring it is blocked on (each reading
 * connection's rx, each sending connection's tx, the listener's rx) and
 * sleeps on the bit, at most WAIT_NS and never past a request head's
 * deadline.  A client that has not sent its whole request head within
 * HEAD_NS gets 408 and is closed.  Nothing stops httpd but the shell
 * (Ctrl-C halts it; netd then closes its sockets) or netd going away.
 *
 * Exit codes: 2 no console, 3 no fs or net connection, 4 bad args,
 * 5 cannot listen, 6 netd went away.
 */
#include "rt/vx.h"
#include "rt/svc.h"
#include "rt/errstr.h"
#include "client/console.h"
#include "client/fs.h"
#include "client/sock.h"
#include "net/http.h"
#include "vectra/proto/fs.h"
#include "vx_string.h"

#define MS 1000000ull

#define VA_CONSOLE  0x10000000ull
#define VA_FS	    0x10010000ull
#define VA_NET	    0x10020000ull
#define VA_SOCKS    0x20000000ull /* connection i at VA_SOCKS + i * VX_SOCK_SPAN */
#define BIT_CONSOLE 1u
#define BIT_FS	    2u
#define BIT_NET	    3u
#define BIT_SOCK    4u

#define CONNS	   8u
#define BACKLOG	   8u
#define HEAD_NS	   (30000 * MS) /* to send the request head */
#define WAIT_NS	   (1000 * MS)	/* the longest sleep: doorbells end it sooner */
#define ACCEPT_NS  (2000 * MS)	/* an accept netd announced is answered at once */
#define OUT_MAX	   2048u	/* bytes staged for one send */
#define FILE_CHUNK 1536u	/* bytes read from vfsd per refill (8 messages) */
#define CALL_NS	   (2000 * MS)
#define FS_TRIES   3u /* a call that timed out is asked again: a loaded host stalls the guest */

enum body { B_NONE, B_FILE, B_LIST };

struct conn {
	bool used;
	bool head_done; /* the request was parsed (or refused) */
	struct vx_sock s;
	struct vx_http_req q;
	uint64_t since;
	char out[OUT_MAX];
	uint32_t out_len, out_off;
	enum body body;
	char path[FS_PATH_MAX + 1]; /* the file or directory in vfsd */
	uint64_t off, size;	    /* B_FILE */
	uint32_t index;		    /* B_LIST: the next entry */
	bool list_end;		    /* B_LIST: the closing lines are staged */
	int status;
	int err;       /* the request parser's error, if it refused the request */
	int fs_err;    /* why a body was cut short */
	uint64_t sent; /* body bytes */
};

static struct vx_client con, fs, net;
static struct vx_sock listener;
static struct conn conns[CONNS];
static char dir[FS_PATH_MAX + 1];
static uint8_t rxbuf[1024];
static char line[512];

static uint64_t now(void)
{
	return (uint64_t)vx_clock();
}

/* "httpd: ADDR:PORT METHOD /PATH STATUS BODY-BYTES [(note)]"; a refused
 * request shows "-" for its path and the parser's error as the note. */
static void logf_line(struct conn *c, const char *note)
{
	const uint8_t *a = c->s.info.raddr;
	const char *e = c->err ? vx_http_strerror(c->err) : NULL;
	const char *why = note ? note : e;
	bool dir_slash = !c->err && c->q.slash && c->q.path[0];

	vx_con_printf(&con, "httpd: %u.%u.%u.%u:%u %s %s%s%s %d %lu%s%s%s\n", a[0], a[1], a[2],
		      a[3], c->s.info.rport, c->q.method_name[0] ? c->q.method_name : "-",
		      c->err ? "-" : "/", c->err ? "" : c->q.path, dir_slash ? "/" : "", c->status,
		      (unsigned long)c->sent, why ? " (" : "", why ? why : "", why ? ")" : "");
}

/* Appends to the staging buffer; false if it does not fit. */
static bool stage(struct conn *c, const char *s, size_t n)
{
	if (n > OUT_MAX - c->out_len)
		return false;
	memcpy(c->out + c->out_len, s, n);
	c->out_len += (uint32_t)n;
	return true;
}

static void head(struct conn *c, int status, const char *type, int64_t len, const char *extra)
{
	long n = vx_http_response_head(c->out, OUT_MAX, status, type, len, extra);

	c->status = status;
	c->out_len = n > 0 ? (uint32_t)n : 0;
	c->out_off = 0;
}

/* A short text answer: the status line as the body. */
static void answer(struct conn *c, int status, const char *extra)
{
	char body[64];
	int n = vx_snprintf(body, sizeof(body), "%d %s\n", status, vx_http_reason(status));

	head(c, status, "text/plain; charset=utf-8", n, extra);
	c->body = B_NONE;
	if (c->q.method != VX_HTTP_HEAD) {
		stage(c, body, (size_t)n);
		c->sent = (uint64_t)n;
	}
}

/* vfsd's calls, asked again when one times out (they only read, so a
 * second answer is the same answer). */
static int stat_path(const char *path, struct fs_stat *st)
{
	int rc = VX_E_TIMEOUT;

	for (uint32_t i = 0; i < FS_TRIES && rc == VX_E_TIMEOUT; i++)
		rc = vx_fs_stat(&fs, path, st, now() + CALL_NS);
	return rc;
}

static int64_t read_at(struct conn *c, uint64_t want)
{
	int64_t n = VX_E_TIMEOUT;

	for (uint32_t i = 0; i < FS_TRIES && n == VX_E_TIMEOUT; i++)
		n = vx_fs_read(&fs, c->path, c->off, c->out, want, now() + CALL_NS);
	return n;
}

static int list_at(struct conn *c, struct fs_dirent *e)
{
	int rc = VX_E_TIMEOUT;

	for (uint32_t i = 0; i < FS_TRIES && rc == VX_E_TIMEOUT; i++)
		rc = vx_fs_list(&fs, c->path, c->index, e, now() + CALL_NS);
	return rc;
}

/* DIR joined with a relative path into out; false if too long. */
static bool join(char *out, const char *rel)
{
	size_t d = strlen(dir), r = strlen(rel);
	bool sep = d > 0 && r > 0 && dir[d - 1] != ':';

	if (d + sep + r > FS_PATH_MAX)
		return false;
	memcpy(out, dir, d);
	if (sep)
		out[d] = '/';
	memcpy(out + d + sep, rel, r + 1);
	return true;
}

static void start_listing(struct conn *c)
{
	char esc[3 * VX_HTTP_PATH_MAX + 1];
	long n = vx_http_html_escape(esc, sizeof(esc), c->q.path, strlen(c->q.path));

	head(c, 200, "text/html; charset=utf-8", -1, NULL);
	if (c->q.method == VX_HTTP_HEAD)
		return;
	c->body = B_LIST;
	c->index = 0;
	int k = vx_snprintf(line, sizeof(line),
			    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Index of "
			    "/%s</title></head>\n<body><h1>Index of /%s</h1>\n<ul>\n",
			    n > 0 ? esc : "", n > 0 ? esc : "");
	if (k > 0 && stage(c, line, (size_t)k))
		c->sent += (uint64_t)k;
}

/* The request is parsed: decides the answer and stages its head. */
static void respond(struct conn *c)
{
	struct fs_stat st;
	char index[FS_PATH_MAX + 1];
	int rc;

	c->head_done = true;
	if (!join(c->path, c->q.path)) {
		answer(c, 414, NULL);
		return;
	}
	rc = stat_path(c->path, &st);
	if (rc == VX_E_NOTFOUND || rc == VX_E_INVAL || rc == VX_E_TOOBIG ||
	    (rc == VX_OK && st.type == FS_FILE && c->q.slash)) {
		answer(c, 404, NULL);
		return;
	}
	if (rc < 0) {
		answer(c, 500, NULL);
		return;
	}
	if (st.type == FS_DIR && !c->q.slash && c->q.path[0]) {
		char loc[16 + 3 * VX_HTTP_PATH_MAX];
		memcpy(loc, "Location: /", 11);
		long n =
		    vx_http_url_escape(loc + 11, sizeof(loc) - 12, c->q.path, strlen(c->q.path));
		if (n < 0) {
			answer(c, 414, NULL);
			return;
		}
		loc[11 + n] = '/';
		loc[12 + n] = '\0';
		answer(c, 301, loc);
		return;
	}
	if (st.type == FS_DIR) {
		if (join(index, c->q.path[0] ? c->q.path : "") &&
		    strlen(index) + 11 <= FS_PATH_MAX) {
			size_t k = strlen(index);
			bool sep = k > 0 && index[k - 1] != ':';
			memcpy(index + k, sep ? "/index.html" : "index.html", sep ? 12 : 11);
			if (stat_path(index, &st) == VX_OK && st.type == FS_FILE) {
				memcpy(c->path, index, strlen(index) + 1);
				goto file;
			}
		}
		start_listing(c);
		return;
	}
file:
	head(c, 200, vx_http_mime(c->path), (int64_t)st.size, NULL);
	c->body = c->q.method == VX_HTTP_HEAD ? B_NONE : B_FILE;
	c->off = 0;
	c->size = st.size;
}

/* Stages more of the body; false when the body is over.  *fail is set
 * when it cannot be finished (the file changed or vfsd failed). */
static bool refill(struct conn *c, bool *fail)
{
	if (c->body == B_FILE) {
		if (c->off == c->size)
			return false;
		uint64_t want = c->size - c->off < FILE_CHUNK ? c->size - c->off : FILE_CHUNK;
		int64_t n = read_at(c, want);
		if (n <= 0) {
			*fail = true; /* shrunk, or an error: the client must see it was cut */
			c->fs_err = n < 0 ? (int)n : VX_E_RANGE;
			return false;
		}
		c->out_len = (uint32_t)n;
		c->out_off = 0;
		c->off += (uint64_t)n;
		c->sent += (uint64_t)n;
		return true;
	}
	if (c->body == B_LIST) {
		struct fs_dirent e;
		char href[3 * (FS_NAME_MAX + 1) + 2], text[6 * (FS_NAME_MAX + 1) + 2];
		c->out_len = c->out_off = 0;
		if (c->list_end)
			return false;
		int rc = list_at(c, &e);
		c->index++;
		if (rc < 0) {
			static const char end[] = "</ul>\n</body></html>\n";
			c->list_end = true;
			stage(c, end, sizeof(end) - 1);
			c->sent += sizeof(end) - 1;
			if (rc != VX_E_NOTFOUND)
				*fail = true;
			return true;
		}
		e.name[FS_NAME_MAX] = '\0';
		size_t n = strlen(e.name);
		long h = vx_http_url_escape(href, sizeof(href), e.name, n);
		long t = vx_http_html_escape(text, sizeof(text), e.name, n);
		bool d = e.st.type == FS_DIR;
		int k =
		    vx_snprintf(line, sizeof(line), "<li><a href=\"%s%s\">%s%s</a></li>\n",
				h > 0 ? href : "", d ? "/" : "", t > 0 ? text : "?", d ? "/" : "");
		if (k > 0 && stage(c, line, (size_t)k))
			c->sent += (uint64_t)k;
		return true;
	}
	return false;
}

static void drop(struct conn *c, bool abort, const char *note)
{
	logf_line(c, note);
	vx_sock_close(&c->s, abort, now() + CALL_NS);
	c->used = false;
}

/* Reads what has come; parses. */
static void step_read(struct conn *c)
{
	while (!c->head_done && vx_sock_readable(&c->s)) {
		long n = vx_sock_recv(&c->s, rxbuf, sizeof(rxbuf), now());
		if (n == VX_E_TIMEOUT)
			break;
		if (n == 0) {
			drop(c, false, "closed before a whole request");
			return;
		}
		if (n < 0) {
			drop(c, true, "connection failed");
			return;
		}
		long k = vx_http_req_feed(&c->q, rxbuf, (size_t)n);
		if (k < 0) {
			c->head_done = true;
			c->err = (int)k;
			answer(c, vx_http_error_status((int)k),
			       k == VX_HTTP_E_METHOD_NOT_ALLOWED ? "Allow: GET, HEAD" : NULL);
			return;
		}
		if (vx_http_req_done(&c->q)) {
			respond(c);
			return;
		}
	}
	if (c->head_done)
		return;
	if (now() - c->since > HEAD_NS) {
		c->head_done = true;
		answer(c, 408, NULL);
	}
}

/* Sends what the Ring takes.  Returns whether anything moved. */
static bool step_send(struct conn *c)
{
	bool moved = false, fail = false;

	for (;;) {
		if (c->out_off == c->out_len && !refill(c, &fail)) {
			if (fail)
				drop(c, true,
				     c->fs_err == VX_E_RANGE ? "body cut short: the file shrank"
							     : vx_strerror(c->fs_err));
			else
				drop(c, false, NULL);
			return true;
		}
		long n = vx_sock_send(&c->s, c->out + c->out_off, c->out_len - c->out_off, now());
		if (n == VX_E_TIMEOUT)
			return moved;
		if (n < 0) {
			drop(c, true, "connection failed");
			return true;
		}
		c->out_off += (uint32_t)n;
		moved = true;
		if (c->out_off < c->out_len)
			return moved; /* the Ring is full */
	}
}

static bool step(struct conn *c)
{
	if (!c->head_done) {
		step_read(c);
		if (!c->used || !c->head_done)
			return false;
	}
	return step_send(c);
}

/* Arms the waiting flag of every Ring a connection is blocked on (and the
 * listener's, when a slot is free), sleeps on the bit unless one of them
 * already moved, and disarms them. */
static void sleep_on_rings(bool accepting)
{
	struct vx_ring *armed[CONNS + 1];
	uint32_t n = 0;
	bool ready = false;
	uint64_t until = now() + WAIT_NS;

	if (accepting)
		armed[n++] = &listener.rx;
	for (uint32_t i = 0; i < CONNS; i++) {
		struct conn *c = &conns[i];
		if (!c->used)
			continue;
		armed[n++] = c->head_done ? &c->s.tx : &c->s.rx;
		if (!c->head_done && c->since + HEAD_NS < until)
			until = c->since + HEAD_NS; /* its 408 must not wait */
	}
	for (uint32_t i = 0; i < n; i++)
		vx_ring_set_waiting(armed[i], true);
	for (uint32_t i = 0; i < n && !ready; i++)
		ready = vx_ring_poll(armed[i]) != 0;
	if (!ready)
		vx_sig_wait(1ull << BIT_SOCK, until);
	for (uint32_t i = 0; i < n; i++)
		vx_ring_set_waiting(armed[i], false);
}

static int parse_args(const char *args, uint16_t *port)
{
	const char *sp = args;
	uint32_t v = 0;

	while (*sp && *sp != ' ')
		sp++;
	size_t n = (size_t)(sp - args);
	if (*sp != ' ' || n == 0 || n > FS_PATH_MAX)
		return VX_E_INVAL;
	memcpy(dir, args, n);
	dir[n] = '\0';
	if (n == 1 && dir[0] == '/')
		dir[0] = '\0';
	for (sp++; *sp >= '0' && *sp <= '9' && v <= 65535; sp++)
		v = v * 10 + (uint32_t)(*sp - '0');
	if (*sp || v == 0 || v > 65535)
		return VX_E_INVAL;
	*port = (uint16_t)v;
	return VX_OK;
}

int main(const struct vx_bundle_page *b, const char *args)
{
	uint16_t port;
	int rc;

	if (vx_client_open(&con, b, "console", VA_CONSOLE, BIT_CONSOLE) != VX_OK)
		return 2;
	if (vx_client_open(&fs, b, "fs", VA_FS, BIT_FS) != VX_OK ||
	    vx_client_open(&net, b, "net", VA_NET, BIT_NET) != VX_OK) {
		vx_con_printf(&con, "httpd: needs the grants fs and net\n");
		return 3;
	}
	if (parse_args(args, &port) < 0) {
		vx_con_printf(&con, "httpd: usage: httpd DIR PORT\n");
		return 4;
	}
	rc = vx_sock_listen(&listener, &net, port, BACKLOG, VA_SOCKS, BIT_SOCK, now() + 5000 * MS);
	if (rc < 0) {
		vx_con_printf(&con, "httpd: cannot listen on port %u: %s\n", port,
			      rc == VX_E_EXISTS ? "the port is in use" : vx_strerror(rc));
		return 5;
	}
	vx_con_printf(&con, "httpd: serving /%s on port %u\n", dir, port);
	for (;;) {
		bool busy = false;
		struct conn *slot = NULL;
		for (uint32_t i = 0; i < CONNS; i++) {
			if (conns[i].used)
				busy |= step(&conns[i]);
			if (!conns[i].used && !slot)
				slot = &conns[i];
		}
		if (slot && vx_sock_readable(&listener)) {
			uint32_t i = (uint32_t)(slot - conns);
			memset(slot, 0, sizeof(*slot));
			rc = vx_sock_accept(&listener, &slot->s, VA_SOCKS + (i + 1) * VX_SOCK_SPAN,
					    BIT_SOCK, now() + ACCEPT_NS);
			if (rc == VX_OK) {
				slot->used = true;
				slot->since = now();
				vx_http_req_init(&slot->q);
				continue;
			}
			if (rc == VX_E_HANGUP) {
				vx_con_printf(&con, "httpd: netd went away\n");
				return 6;
			}
			if (rc != VX_E_TIMEOUT && rc != VX_E_EMPTY) {
				vx_con_printf(&con, "httpd: accept: %s\n", vx_strerror(rc));
				vx_sig_wait(0, now() + 1000 * MS); /* do not spin */
			}
		}
		if (!busy)
			sleep_on_rings(slot != NULL);
	}
}
