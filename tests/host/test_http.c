/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HTTP/1.1 (lib/net/http.c): URLs, the builders, the response parser of
 * `get` and the request parser of httpd.  Every hostile input http.h
 * names has a test here by name, and every split point of a valid
 * response and request must give the same result as feeding it whole.
 *
 * The oracle (tests/host/http_oracle.py) shares no code with lib/net:
 * Python's http.server answers real requests for random files and the
 * parser must find each file's bytes; http.client must read what
 * vx_http_response_head builds, and http.server's request parser what
 * vx_http_request builds.  The oracle tests skip without python3.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "net/http.h"
#include "vectra/abi.h"

/* ------------------------------------------------------------- helpers */

struct result {
	int rc; /* the first error, or vx_http_resp_eof's answer */
	int status;
	char body[4096];
	size_t body_len;
	bool done_before_eof;
};

/* Feeds s[0..n) in pieces: [0, cut) then the rest in steps of step bytes
 * (0: all at once), then ends the connection. */
static void feed_resp(const char *s, size_t n, bool head, size_t cut, size_t step,
		      struct result *res)
{
	struct vx_http_resp r;
	size_t pos = 0;

	memset(res, 0, sizeof(*res));
	vx_http_resp_init(&r, head);
	while (pos < n && !vx_http_resp_done(&r)) {
		size_t end = pos < cut ? cut : (step ? pos + step : n);
		if (end > n)
			end = n;
		const uint8_t *in = (const uint8_t *)s + pos;
		size_t len = end - pos;
		while (len > 0 && !vx_http_resp_done(&r)) {
			const uint8_t *b;
			size_t bl;
			long k = vx_http_resp_feed(&r, in, len, &b, &bl);
			if (k < 0) {
				res->rc = (int)k;
				return;
			}
			assert_true(k > 0);
			if (bl) {
				assert_true(b >= in && b + bl <= in + len);
				assert_true(res->body_len + bl <= sizeof(res->body));
				memcpy(res->body + res->body_len, b, bl);
				res->body_len += bl;
			}
			in += k;
			len -= (size_t)k;
		}
		pos = end;
	}
	res->done_before_eof = vx_http_resp_done(&r);
	res->status = r.status;
	res->rc = vx_http_resp_eof(&r);
}

static int resp_rc(const char *s)
{
	struct result res;

	feed_resp(s, strlen(s), false, 0, 0, &res);
	return res.rc;
}

static void expect_body(const char *s, int status, const char *body)
{
	struct result res;

	feed_resp(s, strlen(s), false, 0, 0, &res);
	assert_int_equal(res.rc, VX_OK);
	assert_int_equal(res.status, status);
	assert_int_equal(res.body_len, strlen(body));
	assert_memory_equal(res.body, body, res.body_len);
}

static int req_rc(const char *s, struct vx_http_req *q)
{
	long k;

	vx_http_req_init(q);
	k = vx_http_req_feed(q, (const uint8_t *)s, strlen(s));
	if (k < 0)
		return (int)k;
	return vx_http_req_done(q) ? VX_OK : VX_E_AGAIN;
}

/* A request line GET TARGET with a Host header; the parse result. */
static int target_rc(const char *target, struct vx_http_req *q)
{
	char s[2048];

	snprintf(s, sizeof(s), "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", target);
	return req_rc(s, q);
}

/* ---------------------------------------------------------------- URLs */

static void test_url_good(void **st)
{
	struct vx_url u;

	(void)st;
	assert_int_equal(vx_url_parse("http://10.0.2.100/a/b.txt?x=1#frag", &u), VX_OK);
	assert_string_equal(u.host, "10.0.2.100");
	assert_int_equal(u.port, 80);
	assert_false(u.port_given);
	assert_string_equal(u.target, "/a/b.txt?x=1");
	assert_int_equal(vx_url_parse("HTTP://Example.org:8080", &u), VX_OK);
	assert_string_equal(u.host, "Example.org");
	assert_int_equal(u.port, 8080);
	assert_true(u.port_given);
	assert_string_equal(u.target, "/");
	assert_int_equal(vx_url_parse("http://h?q", &u), VX_OK);
	assert_string_equal(u.target, "/?q");
	assert_int_equal(vx_url_parse("http://h:65535/", &u), VX_OK);
	assert_int_equal(u.port, 65535);
}

static void test_url_refused(void **st)
{
	struct vx_url u;
	static char longurl[VX_URL_MAX + 16], longhost[400];

	(void)st;
	assert_int_equal(vx_url_parse("https://h/", &u), VX_HTTP_E_HTTPS);
	assert_int_equal(vx_url_parse("HTTPS://h/", &u), VX_HTTP_E_HTTPS);
	assert_int_equal(vx_url_parse("ftp://h/", &u), VX_HTTP_E_SCHEME);
	assert_int_equal(vx_url_parse("h/x", &u), VX_HTTP_E_SCHEME);
	assert_int_equal(vx_url_parse("http:/h", &u), VX_HTTP_E_SCHEME);
	assert_int_equal(vx_url_parse("", &u), VX_HTTP_E_SCHEME);
	assert_int_equal(vx_url_parse("http://user:pw@h/", &u), VX_HTTP_E_USERINFO);
	assert_int_equal(vx_url_parse("http://@h/", &u), VX_HTTP_E_USERINFO);
	assert_int_equal(vx_url_parse("http:///x", &u), VX_HTTP_E_HOST_EMPTY);
	assert_int_equal(vx_url_parse("http://", &u), VX_HTTP_E_HOST_EMPTY);
	assert_int_equal(vx_url_parse("http://:80/", &u), VX_HTTP_E_HOST_EMPTY);
	assert_int_equal(vx_url_parse("http://[::1]/", &u), VX_HTTP_E_HOST_BAD);
	assert_int_equal(vx_url_parse("http://a_b/", &u), VX_HTTP_E_HOST_BAD);
	assert_int_equal(vx_url_parse("http://h:/", &u), VX_HTTP_E_PORT);
	assert_int_equal(vx_url_parse("http://h:0/", &u), VX_HTTP_E_PORT);
	assert_int_equal(vx_url_parse("http://h:65536/", &u), VX_HTTP_E_PORT);
	assert_int_equal(vx_url_parse("http://h:123456/", &u), VX_HTTP_E_PORT);
	assert_int_equal(vx_url_parse("http://h:8a/", &u), VX_HTTP_E_PORT);
	assert_int_equal(vx_url_parse("http://h:-1/", &u), VX_HTTP_E_PORT);
	assert_int_equal(vx_url_parse("http://h/a b", &u), VX_HTTP_E_URL_BYTE);
	assert_int_equal(vx_url_parse("http://h/a\tb", &u), VX_HTTP_E_URL_BYTE);
	assert_int_equal(vx_url_parse("http://h/\xc3\xa9", &u), VX_HTTP_E_URL_BYTE);
	memset(longhost, 'a', sizeof(longhost) - 1);
	memcpy(longhost, "http://", 7);
	longhost[7 + VX_URL_HOST_MAX + 1] = '\0';
	assert_int_equal(vx_url_parse(longhost, &u), VX_HTTP_E_HOST_LONG);
	longhost[7 + VX_URL_HOST_MAX] = '\0';
	assert_int_equal(vx_url_parse(longhost, &u), VX_OK);
	memset(longurl, 'a', sizeof(longurl) - 1);
	memcpy(longurl, "http://h/", 9);
	longurl[VX_URL_MAX + 1] = '\0';
	assert_int_equal(vx_url_parse(longurl, &u), VX_HTTP_E_URL_LONG);
	longurl[VX_URL_MAX] = '\0';
	assert_int_equal(vx_url_parse(longurl, &u), VX_OK);
	/* the '/' added before a query still fits target */
	longurl[8] = '?';
	assert_int_equal(vx_url_parse(longurl, &u), VX_OK);
	assert_int_equal(strlen(u.target), VX_URL_MAX - 7);
	assert_true(u.target[0] == '/' && u.target[1] == '?');
}

static void test_url_filename(void **st)
{
	struct vx_url u;
	char name[VX_HTTP_NAME_MAX + 1];
	static const struct {
		const char *url, *name;
	} cases[] = {
	    {"http://h/a/b.txt", "b.txt"},     {"http://h/", "index.html"},
	    {"http://h", "index.html"},	       {"http://h/dir/", "index.html"},
	    {"http://h/x?y=/z", "x"},	       {"http://h/a%20b", "a b"},
	    {"http://h/%2e%2e", "index.html"}, {"http://h/..", "index.html"},
	    {"http://h/a%2fb", "index.html"},  {"http://h/HOME:x", "index.html"},
	    {"http://h/%00", "index.html"},    {"http://h/%zz", "index.html"},
	};

	(void)st;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(vx_url_parse(cases[i].url, &u), VX_OK);
		assert_int_equal(vx_url_filename(&u, name), strlen(cases[i].name));
		assert_string_equal(name, cases[i].name);
	}
}

/* ------------------------------------------------------------ builders */

static void test_request_build(void **st)
{
	struct vx_url u;
	char out[512];

	(void)st;
	assert_int_equal(vx_url_parse("http://10.0.2.100/f.bin?q=1", &u), VX_OK);
	long n = vx_http_request(out, sizeof(out), VX_HTTP_GET, &u);
	const char *want = "GET /f.bin?q=1 HTTP/1.1\r\nHost: 10.0.2.100\r\nUser-Agent: "
			   "VectraOS-get/1\r\nAccept: */*\r\nConnection: close\r\n\r\n";
	assert_int_equal(n, strlen(want));
	assert_string_equal(out, want);
	assert_int_equal(vx_url_parse("http://h:8080", &u), VX_OK);
	assert_true(vx_http_request(out, sizeof(out), VX_HTTP_HEAD, &u) > 0);
	assert_true(strncmp(out, "HEAD / HTTP/1.1\r\nHost: h:8080\r\n", 31) == 0);
	assert_int_equal(vx_http_request(out, 20, VX_HTTP_GET, &u), VX_E_TOOBIG);
	assert_int_equal(vx_http_request(out, 0, VX_HTTP_GET, &u), VX_E_TOOBIG);
}

static void test_response_head_build(void **st)
{
	char out[512];
	struct result res;

	(void)st;
	long n = vx_http_response_head(out, sizeof(out), 404, "text/plain; charset=utf-8", 3, NULL);
	assert_true(n > 0);
	assert_string_equal(out, "HTTP/1.1 404 Not Found\r\nServer: VectraOS-httpd/1\r\n"
				 "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 3\r\n"
				 "Connection: close\r\n\r\n");
	/* our own parser takes what our builder makes */
	strcat(out, "abc");
	feed_resp(out, strlen(out), false, 0, 0, &res);
	assert_int_equal(res.rc, VX_OK);
	assert_int_equal(res.status, 404);
	assert_int_equal(res.body_len, 3);
	n = vx_http_response_head(out, sizeof(out), 405, NULL, -1, "Allow: GET, HEAD");
	assert_true(n > 0);
	assert_non_null(strstr(out, "\r\nAllow: GET, HEAD\r\n"));
	assert_null(strstr(out, "Content-Length"));
	assert_int_equal(vx_http_response_head(out, 30, 200, "x", 1, NULL), VX_E_TOOBIG);
	assert_int_equal(vx_http_response_head(out, sizeof(out), 99, "x", 1, NULL), VX_E_INVAL);
}

static void test_mime_and_escape(void **st)
{
	char out[128];

	(void)st;
	assert_string_equal(vx_http_mime("a/index.HTML"), "text/html; charset=utf-8");
	assert_string_equal(vx_http_mime("x.txt"), "text/plain; charset=utf-8");
	assert_string_equal(vx_http_mime("x.png"), "image/png");
	assert_string_equal(vx_http_mime("x"), "application/octet-stream");
	assert_string_equal(vx_http_mime("x.html/y"), "application/octet-stream");
	assert_string_equal(vx_http_mime("x.tar.gz"), "application/octet-stream");
	assert_int_equal(vx_http_html_escape(out, sizeof(out), "<a href=\"x\">&'", 14), 38);
	assert_string_equal(out, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
	assert_int_equal(vx_http_html_escape(out, 5, "&", 1), VX_E_TOOBIG);
	assert_int_equal(vx_http_url_escape(out, sizeof(out), "a b/c?d%\"<", 10), 20);
	assert_string_equal(out, "a%20b/c%3Fd%25%22%3C");
	assert_int_equal(vx_http_url_escape(out, 3, "ab", 2), 2);
	assert_int_equal(vx_http_url_escape(out, 2, "ab", 2), VX_E_TOOBIG);
	assert_non_null(vx_http_strerror(VX_HTTP_E_TRAVERSAL));
	assert_null(vx_http_strerror(VX_E_INVAL));
	for (int e = VX_HTTP_E_PATH_LONG; e <= VX_HTTP_E_URL_LONG; e++)
		if (vx_http_strerror(e))
			assert_true(strncmp(vx_http_strerror(e), "VX_HTTP_E_", 10) == 0);
}

/* ----------------------------------------------------------- responses */

static void test_resp_content_length(void **st)
{
	(void)st;
	expect_body("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 200, "hello");
	expect_body("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 200, "");
	/* bytes after the message are not taken */
	expect_body("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhello", 200, "he");
	/* duplicates that agree, and a list that agrees */
	expect_body("HTTP/1.1 200 OK\r\nContent-Length: 3\r\ncontent-length: 3\r\n\r\nabc", 200,
		    "abc");
	expect_body("HTTP/1.1 200 OK\r\nContent-Length: 3 , 3\r\n\r\nabc", 200, "abc");
}

static void test_resp_close_delimited(void **st)
{
	(void)st;
	expect_body("HTTP/1.0 200 OK\r\nServer: x\r\n\r\nuntil the end", 200, "until the end");
	expect_body("HTTP/1.1 404 Not Found\r\n\r\nnope", 404, "nope");
}

static void test_resp_no_body(void **st)
{
	struct result res;
	const char *h = "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n";

	(void)st;
	feed_resp(h, strlen(h), true, 0, 0, &res);
	assert_int_equal(res.rc, VX_OK);
	assert_true(res.done_before_eof);
	expect_body("HTTP/1.1 204 No Content\r\n\r\n", 204, "");
	expect_body("HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n", 304, "");
	/* an interim response is skipped */
	expect_body("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz",
		    200, "z");
}

static void test_resp_chunked(void **st)
{
	(void)st;
	expect_body("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		    "5\r\nhello\r\n1;ext=1;x\r\n \r\n00006 \r\nworld!\r\n0\r\n\r\n",
		    200, "hello world!");
	expect_body("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n"
		    "A\r\n0123456789\r\n0\r\nX-Trailer: yes\r\nOther: 1\r\n\r\n",
		    200, "0123456789");
	expect_body("HTTP/1.1 200 OK\r\nTransfer-Encoding:  chunked \r\n\r\n0\r\n\r\n", 200, "");
}

static void test_resp_bare_lf(void **st)
{
	(void)st;
	/* bare LF ends a line everywhere, chunk data included */
	expect_body("HTTP/1.1 200 OK\nContent-Length: 2\n\nok", 200, "ok");
	expect_body("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n2\nok\n0\n\n", 200, "ok");
	expect_body("HTTP/1.1 200 OK\r\nA: b\n\r\nx", 200, "x");
}

static void test_resp_bare_cr(void **st)
{
	(void)st;
	assert_int_equal(resp_rc("HTTP/1.1 200 OK\rContent-Length: 2\r\n\r\nok"),
			 VX_HTTP_E_BARE_CR);
	assert_int_equal(resp_rc("HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n"), VX_HTTP_E_BARE_CR);
	assert_int_equal(resp_rc("HTTP/1.1 200 OK\r\n\r\r\n"), VX_HTTP_E_BARE_CR);
}

static void test_resp_header_too_long(void **st)
{
	static char s[VX_HTTP_LINE_MAX + 200];
	size_t n;

	(void)st;
	n = (size_t)sprintf(s, "HTTP/1.1 200 OK\r\nX: ");
	memset(s + n, 'a', VX_HTTP_LINE_MAX - 3);
	n += VX_HTTP_LINE_MAX - 3;
	strcpy(s + n, "\r\nContent-Length: 1\r\n\r\nz");
	assert_int_equal(resp_rc(s), VX_OK); /* exactly the limit */
	s[n] = 'a';
	strcpy(s + n + 1, "\r\n\r\n");
	assert_int_equal(resp_rc(s), VX_HTTP_E_LINE_LONG);
	/* a status line too */
	memset(s, 'H', VX_HTTP_LINE_MAX + 1);
	s[VX_HTTP_LINE_MAX + 1] = '\0';
	assert_int_equal(resp_rc(s), VX_HTTP_E_LINE_LONG);
}

static void test_resp_too_many_headers(void **st)
{
	static char s[8192];
	size_t n = (size_t)sprintf(s, "HTTP/1.1 200 OK\r\n");

	(void)st;
	for (unsigned i = 0; i < VX_HTTP_HEADERS_MAX; i++)
		n += (size_t)sprintf(s + n, "H%u: v\r\n", i);
	strcpy(s + n, "\r\n");
	assert_int_equal(resp_rc(s), VX_OK);
	strcpy(s + n, "One-More: v\r\n\r\n");
	assert_int_equal(resp_rc(s), VX_HTTP_E_HEADERS_MANY);
	/* trailers have the same limit */
	n = (size_t)sprintf(s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n");
	for (unsigned i = 0; i <= VX_HTTP_HEADERS_MAX; i++)
		n += (size_t)sprintf(s + n, "T%u: v\r\n", i);
	strcpy(s + n, "\r\n");
	assert_int_equal(resp_rc(s), VX_HTTP_E_HEADERS_MANY);
}

static void test_resp_header_bad(void **st)
{
	(void)st;
	assert_int_equal(resp_rc("HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\nz"),
			 VX_HTTP_E_HEADER_BAD);
	assert_int_equal(resp_rc("HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n"),
			 VX_HTTP_E_HEADER_BAD);
	assert_int_equal(resp_rc("HTTP/1.1 200 OK\r\n: v\r\n\r\n"), VX_HTTP_E_HEADER_BAD);
	assert_int_equal(resp_rc("HTTP/1.1 200 OK\r\nno colon\r\n\r\n"), VX_HTTP_E_HEADER_BAD);
	assert_int_equal(resp_rc("HTTP/1.1 200 OK\r\nA(b): v\r\n\r\n"), VX_HTTP_E_HEADER_BAD);
	struct result res;
	static const char nul[] = "HTTP/1.1 200 OK\r\nA: b\0c\r\n\r\n";
	feed_resp(nul, sizeof(nul) - 1, false, 0, 0, &res);
	assert_int_equal(res.rc, VX_HTTP_E_HEADER_BAD);
	assert_int_equal(resp_rc("HTTP/1.1 200 OK\r\nA: \x1b[2J\r\n\r\n"), VX_HTTP_E_HEADER_BAD);
	/* a tab in a value is fine */
	expect_body("HTTP/1.1 200 OK\r\nA:\tb\tc\r\nContent-Length: 1\r\n\r\nq", 200, "q");
}

static void test_resp_status_line(void **st)
{
	struct vx_http_resp r;
	const uint8_t *b;
	size_t bl;
	static const char reason[] = "HTTP/1.1 418 I'm \x01 a teapot\r\n";

	(void)st;
	assert_int_equal(resp_rc("HTTP/2.0 200 OK\r\n\r\n"), VX_HTTP_E_VERSION);
	assert_int_equal(resp_rc("HTTP/0.9 200 OK\r\n\r\n"), VX_HTTP_E_VERSION);
	assert_int_equal(resp_rc("HTTP/1.1 20 OK\r\n\r\n"), VX_HTTP_E_STATUS_LINE);
	assert_int_equal(resp_rc("HTTP/1.1 2000 OK\r\n\r\n"), VX_HTTP_E_STATUS_LINE);
	assert_int_equal(resp_rc("HTTP/1.1 099 OK\r\n\r\n"), VX_HTTP_E_STATUS_LINE);
	assert_int_equal(resp_rc("HTTP/1.1  200 OK\r\n\r\n"), VX_HTTP_E_STATUS_LINE);
	assert_int_equal(resp_rc("ICY 200 OK\r\n\r\n"), VX_HTTP_E_STATUS_LINE);
	assert_int_equal(resp_rc("HTTP/1.1 abc OK\r\n\r\n"), VX_HTTP_E_STATUS_LINE);
	expect_body("HTTP/1.1 200\r\nContent-Length: 1\r\n\r\nz", 200, "z");
	vx_http_resp_init(&r, false);
	assert_int_equal(
	    vx_http_resp_feed(&r, (const uint8_t *)reason, sizeof(reason) - 1, &b, &bl),
	    sizeof(reason) - 1);
	assert_int_equal(r.status, 418);
	assert_string_equal(r.reason, "I'm ? a teapot");
}

static void test_resp_content_length_hostile(void **st)
{
	(void)st;
	assert_int_equal(resp_rc("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"),
			 VX_HTTP_E_CL_BAD);
	assert_int_equal(resp_rc("HTTP/1.1 200 OK\r\nContent-Length: +1\r\n\r\nz"),
			 VX_HTTP_E_CL_BAD);
	assert_int_equal(resp_rc("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n"), VX_HTTP_E_CL_BAD);
	assert_int_equal(resp_rc("HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n"),
			 VX_HTTP_E_CL_BAD);
	assert_int_equal(resp_rc("HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n"),
			 VX_HTTP_E_CL_BAD);
	assert_int_equal(resp_rc("HTTP/1.1 200 OK\r\nContent-Length: 1,\r\n\r\n"),
			 VX_HTTP_E_CL_BAD);
	assert_int_equal(resp_rc("HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551617\r\n\r\n"),
			 VX_HTTP_E_CL_OVERFLOW);
	assert_int_equal(resp_rc("HTTP/1.1 200 OK\r\nContent-Length: 281474976710657\r\n\r\n"),
			 VX_HTTP_E_CL_OVERFLOW);
	assert_int_equal(resp_rc("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n"
				 "\r\nhello!"),
			 VX_HTTP_E_CL_CONFLICT);
	assert_int_equal(resp_rc("HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello!"),
			 VX_HTTP_E_CL_CONFLICT);
}

static void test_resp_transfer_encoding_hostile(void **st)
{
	(void)st;
	assert_int_equal(resp_rc("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n"),
			 VX_HTTP_E_TE_UNSUPPORTED);
	assert_int_equal(resp_rc("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"),
			 VX_HTTP_E_TE_UNSUPPORTED);
	assert_int_equal(resp_rc("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
				 "Transfer-Encoding: chunked\r\n\r\n"),
			 VX_HTTP_E_TE_UNSUPPORTED);
	assert_int_equal(resp_rc("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
				 "Content-Length: 5\r\n\r\n0\r\n\r\n"),
			 VX_HTTP_E_TE_CL);
	assert_int_equal(resp_rc("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
				 "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
			 VX_HTTP_E_TE_CL);
}

static void test_resp_bad_chunk_size(void **st)
{
	(void)st;
#define TE "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	assert_int_equal(resp_rc(TE "zz\r\n"), VX_HTTP_E_CHUNK_SIZE);
	assert_int_equal(resp_rc(TE "\r\n"), VX_HTTP_E_CHUNK_SIZE);
	assert_int_equal(resp_rc(TE ";ext\r\n"), VX_HTTP_E_CHUNK_SIZE);
	assert_int_equal(resp_rc(TE "-5\r\n"), VX_HTTP_E_CHUNK_SIZE);
	assert_int_equal(resp_rc(TE "0x5\r\nhello\r\n0\r\n\r\n"), VX_HTTP_E_CHUNK_SIZE);
	assert_int_equal(resp_rc(TE "5g\r\nhello\r\n0\r\n\r\n"), VX_HTTP_E_CHUNK_SIZE);
	assert_int_equal(resp_rc(TE "2\r\nabc\r\n0\r\n\r\n"), VX_HTTP_E_CHUNK_END);
	assert_int_equal(resp_rc(TE "2\r\nab\rX0\r\n\r\n"), VX_HTTP_E_CHUNK_END);
}

static void test_resp_chunk_size_overflow(void **st)
{
	(void)st;
	assert_int_equal(resp_rc(TE "fffffffffffffffff\r\n"), VX_HTTP_E_CHUNK_OVERFLOW);
	assert_int_equal(resp_rc(TE "10000000000000000\r\n"), VX_HTTP_E_CHUNK_OVERFLOW);
	assert_int_equal(resp_rc(TE "1000000000001\r\n"), VX_HTTP_E_CHUNK_OVERFLOW);
	/* the total too: a legal size that would carry the body past the limit */
	assert_int_equal(resp_rc(TE "1\r\nz\r\n1000000000000\r\n"), VX_HTTP_E_CHUNK_OVERFLOW);
	/* leading zeros are not an overflow */
	expect_body(TE "0000000000000000000000001\r\nz\r\n0\r\n\r\n", 200, "z");
	/* extensions are bounded by the line limit */
	static char s[VX_HTTP_LINE_MAX + 200];
	size_t n = (size_t)sprintf(s, TE "1;");
	memset(s + n, 'e', VX_HTTP_LINE_MAX);
	strcpy(s + n + VX_HTTP_LINE_MAX, "\r\nz\r\n0\r\n\r\n");
	assert_int_equal(resp_rc(s), VX_HTTP_E_LINE_LONG);
}

static void test_resp_truncated(void **st)
{
	(void)st;
	assert_int_equal(resp_rc(""), VX_HTTP_E_TRUNCATED);
	assert_int_equal(resp_rc("HTTP/1.1 200 OK\r\nContent-Le"), VX_HTTP_E_TRUNCATED);
	assert_int_equal(resp_rc("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"),
			 VX_HTTP_E_TRUNCATED);
	assert_int_equal(resp_rc(TE "5\r\nhel"), VX_HTTP_E_TRUNCATED);
	assert_int_equal(resp_rc(TE "5\r\nhello\r\n"), VX_HTTP_E_TRUNCATED);
	assert_int_equal(resp_rc(TE "0\r\n"), VX_HTTP_E_TRUNCATED);
	assert_int_equal(resp_rc(TE "0\r\nTrailer: x\r\n"), VX_HTTP_E_TRUNCATED);
}

static void test_resp_error_sticky(void **st)
{
	struct vx_http_resp r;
	const uint8_t *b;
	size_t bl;

	(void)st;
	vx_http_resp_init(&r, false);
	assert_int_equal(vx_http_resp_feed(&r, (const uint8_t *)"HTTP/3", 6, &b, &bl), 6);
	assert_int_equal(vx_http_resp_feed(&r, (const uint8_t *)" 200\r\n", 6, &b, &bl),
			 VX_HTTP_E_STATUS_LINE);
	assert_int_equal(vx_http_resp_feed(&r, (const uint8_t *)"HTTP/1.1 200 OK\r\n", 17, &b, &bl),
			 VX_HTTP_E_STATUS_LINE);
	assert_int_equal(vx_http_resp_eof(&r), VX_HTTP_E_STATUS_LINE);
	assert_false(vx_http_resp_head_done(&r));
}

/* Every split point, and byte by byte, gives what feeding it whole gives. */
static void test_resp_every_split(void **st)
{
	static const char *const msgs[] = {
	    TE "5;a=b\r\nhello\r\n1\r\n \r\n6\r\nworld!\r\n0\r\nT: 1\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nContent-Length: 12\r\nX: y\r\n\r\nhello world!",
	    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\nA: b\n\nclose delimited",
	    TE "2\nab\n0\n\n",
	    "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
	    TE "3\r\nabcX\r\n",
	};

	(void)st;
	for (size_t m = 0; m < sizeof(msgs) / sizeof(msgs[0]); m++) {
		struct result whole, part;
		size_t n = strlen(msgs[m]);
		feed_resp(msgs[m], n, false, 0, 0, &whole);
		for (size_t cut = 0; cut <= n; cut++) {
			for (size_t step = 0; step <= 3; step += 1) {
				feed_resp(msgs[m], n, false, cut, step, &part);
				assert_int_equal(part.rc, whole.rc);
				assert_int_equal(part.body_len, whole.body_len);
				assert_memory_equal(part.body, whole.body, whole.body_len);
				assert_int_equal(part.status, whole.status);
			}
		}
		/* the ones meant to pass do; the last two fail by name */
		if (m < 4)
			assert_int_equal(whole.rc, VX_OK);
	}
#undef TE
}

/* ------------------------------------------------------------ requests */

static void test_req_good(void **st)
{
	struct vx_http_req q;

	(void)st;
	assert_int_equal(req_rc("GET /a/b.txt HTTP/1.1\r\nHost: h\r\n\r\n", &q), VX_OK);
	assert_int_equal(q.method, VX_HTTP_GET);
	assert_string_equal(q.path, "a/b.txt");
	assert_false(q.slash);
	assert_int_equal(q.minor, 1);
	assert_int_equal(req_rc("HEAD / HTTP/1.0\r\n\r\n", &q), VX_OK);
	assert_int_equal(q.method, VX_HTTP_HEAD);
	assert_string_equal(q.path, "");
	assert_true(q.slash);
	assert_int_equal(q.minor, 0);
	assert_int_equal(req_rc("\r\n\nGET //a///b/?x=/../ HTTP/1.1\nHost: h\n\n", &q), VX_OK);
	assert_string_equal(q.path, "a/b");
	assert_true(q.slash);
	assert_int_equal(target_rc("/a%20b%41/%7e", &q), VX_OK);
	assert_string_equal(q.path, "a bA/~");
	assert_int_equal(target_rc("/..a/b..", &q), VX_OK); /* names, not traversal */
	assert_string_equal(q.path, "..a/b..");
	assert_int_equal(target_rc("/caf%C3%A9", &q), VX_OK); /* UTF-8 names decode */
	assert_string_equal(q.path, "caf\xc3\xa9");
	/* not done until the empty line */
	assert_int_equal(req_rc("GET / HTTP/1.1\r\nHost: h\r\n", &q), VX_E_AGAIN);
}

static void test_req_methods(void **st)
{
	struct vx_http_req q;

	(void)st;
	assert_int_equal(req_rc("POST / HTTP/1.1\r\nHost: h\r\n\r\n", &q),
			 VX_HTTP_E_METHOD_NOT_ALLOWED);
	assert_int_equal(vx_http_error_status(VX_HTTP_E_METHOD_NOT_ALLOWED), 405);
	assert_int_equal(req_rc("DELETE /x HTTP/1.1\r\nHost: h\r\n\r\n", &q),
			 VX_HTTP_E_METHOD_NOT_ALLOWED);
	assert_int_equal(req_rc("BREW /pot HTTP/1.1\r\nHost: h\r\n\r\n", &q),
			 VX_HTTP_E_METHOD_UNKNOWN);
	assert_int_equal(vx_http_error_status(VX_HTTP_E_METHOD_UNKNOWN), 501);
	assert_string_equal(q.method_name, "BREW");
	assert_int_equal(req_rc("get / HTTP/1.1\r\nHost: h\r\n\r\n", &q), VX_HTTP_E_METHOD_UNKNOWN);
	assert_int_equal(req_rc("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", &q), VX_HTTP_E_REQUEST_LINE);
}

static void test_req_line_bad(void **st)
{
	struct vx_http_req q;

	(void)st;
	assert_int_equal(req_rc("GET / HTTP/2.0\r\n\r\n", &q), VX_HTTP_E_VERSION);
	assert_int_equal(vx_http_error_status(VX_HTTP_E_VERSION), 505);
	assert_int_equal(req_rc("GET / HTTP/1.2\r\n\r\n", &q), VX_HTTP_E_VERSION);
	assert_int_equal(req_rc("GET / HTTP/1.10\r\n\r\n", &q), VX_HTTP_E_REQUEST_LINE);
	assert_int_equal(req_rc("GET / http/1.1\r\n\r\n", &q), VX_HTTP_E_REQUEST_LINE);
	assert_int_equal(req_rc("GET /\r\n\r\n", &q), VX_HTTP_E_REQUEST_LINE);
	assert_int_equal(req_rc("GET  / HTTP/1.1\r\n\r\n", &q), VX_HTTP_E_REQUEST_LINE);
	assert_int_equal(req_rc("GET / x HTTP/1.1\r\n\r\n", &q), VX_HTTP_E_REQUEST_LINE);
	assert_int_equal(req_rc(" GET / HTTP/1.1\r\n\r\n", &q), VX_HTTP_E_REQUEST_LINE);
	assert_int_equal(req_rc("GET http://h/ HTTP/1.1\r\nHost: h\r\n\r\n", &q), VX_HTTP_E_TARGET);
	assert_int_equal(req_rc("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", &q),
			 VX_HTTP_E_METHOD_NOT_ALLOWED);
	assert_int_equal(req_rc("GET * HTTP/1.1\r\nHost: h\r\n\r\n", &q), VX_HTTP_E_TARGET);
	assert_int_equal(req_rc("GET /a#f HTTP/1.1\r\nHost: h\r\n\r\n", &q), VX_HTTP_E_TARGET);
	assert_int_equal(req_rc("GET / HTTP/1.1\rHost: h\r\n\r\n", &q), VX_HTTP_E_BARE_CR);
}

static void test_req_host(void **st)
{
	struct vx_http_req q;

	(void)st;
	assert_int_equal(req_rc("GET / HTTP/1.1\r\n\r\n", &q), VX_HTTP_E_HOST_MISSING);
	assert_int_equal(vx_http_error_status(VX_HTTP_E_HOST_MISSING), 400);
	assert_int_equal(req_rc("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", &q),
			 VX_HTTP_E_HOST_DUP);
	assert_int_equal(req_rc("GET / HTTP/1.0\r\nHost: a\r\n\r\n", &q), VX_OK);
}

static void test_req_limits(void **st)
{
	static char s[VX_HTTP_LINE_MAX * 2 + 400];
	struct vx_http_req q;
	size_t n;

	(void)st;
	/* request line too long: 414 */
	n = (size_t)sprintf(s, "GET /");
	memset(s + n, 'a', VX_HTTP_LINE_MAX);
	strcpy(s + n + VX_HTTP_LINE_MAX, " HTTP/1.1\r\n\r\n");
	assert_int_equal(req_rc(s, &q), VX_HTTP_E_TARGET_LONG);
	assert_int_equal(vx_http_error_status(VX_HTTP_E_TARGET_LONG), 414);
	/* header too long: 431 */
	n = (size_t)sprintf(s, "GET / HTTP/1.1\r\nHost: h\r\nCookie: ");
	memset(s + n, 'c', VX_HTTP_LINE_MAX);
	strcpy(s + n + VX_HTTP_LINE_MAX, "\r\n\r\n");
	assert_int_equal(req_rc(s, &q), VX_HTTP_E_LINE_LONG);
	assert_int_equal(vx_http_error_status(VX_HTTP_E_LINE_LONG), 431);
	/* too many headers: 431 */
	static char many[VX_HTTP_HEADERS_MAX * 16 + 100];
	n = (size_t)sprintf(many, "GET / HTTP/1.1\r\n");
	for (unsigned i = 0; i < VX_HTTP_HEADERS_MAX; i++)
		n += (size_t)sprintf(many + n, "H%u: v\r\n", i);
	strcpy(many + n, "\r\n");
	assert_int_equal(req_rc(many, &q), VX_HTTP_E_HOST_MISSING); /* 64 taken */
	strcpy(many + n, "Host: h\r\n\r\n");
	assert_int_equal(req_rc(many, &q), VX_HTTP_E_HEADERS_MANY);
	assert_int_equal(vx_http_error_status(VX_HTTP_E_HEADERS_MANY), 431);
	/* endless empty lines before the request line are bounded too */
	memset(many, '\n', VX_HTTP_HEADERS_MAX + 1);
	many[VX_HTTP_HEADERS_MAX + 1] = '\0';
	assert_int_equal(req_rc(many, &q), VX_HTTP_E_HEADERS_MANY);
	/* a decoded path over the limit, and a segment over the name limit: 414 */
	memset(s, 'p', sizeof(s));
	s[0] = '/';
	s[VX_HTTP_NAME_MAX + 2] = '\0';
	assert_int_equal(target_rc(s, &q), VX_HTTP_E_PATH_LONG);
	assert_int_equal(vx_http_error_status(VX_HTTP_E_PATH_LONG), 414);
	s[VX_HTTP_NAME_MAX + 1] = '\0';
	assert_int_equal(target_rc(s, &q), VX_OK);
	s[VX_HTTP_NAME_MAX + 1] = s[VX_HTTP_NAME_MAX + 2] = 'p';
	for (size_t i = 0; i < 4; i++)
		s[i * (VX_HTTP_NAME_MAX + 1)] = '/';
	s[4 * (VX_HTTP_NAME_MAX + 1)] = '\0'; /* 4 names of 63 and 3 separators: 255 */
	assert_int_equal(target_rc(s, &q), VX_HTTP_E_PATH_LONG);
	s[3 * (VX_HTTP_NAME_MAX + 1) + 9] = '\0'; /* 3 x 63 + 3 + 8 = 200: the limit */
	assert_int_equal(target_rc(s, &q), VX_OK);
	assert_int_equal(strlen(q.path), VX_HTTP_PATH_MAX);
	/* the header's bytes */
	assert_int_equal(req_rc("GET / HTTP/1.1\r\nHost: h\r\nX : y\r\n\r\n", &q),
			 VX_HTTP_E_HEADER_BAD);
	assert_int_equal(req_rc("GET / HTTP/1.1\r\nHost: h\r\n x\r\n\r\n", &q),
			 VX_HTTP_E_HEADER_BAD);
}

static void test_req_path_traversal(void **st)
{
	static const char *const dots[] = {
	    "/..",  "/../",   "/../etc/passwd", "/a/../../b", "/a/..",	"/.",
	    "/./a", "/a/./b", "/%2e%2e/x",	"/%2E%2e/",   "/.%2e/", "/%2e./x",
	    "/%2e", "/a/%2E", "/a/%2e%2e",	"//..//",     "/..?x",	"/..;/x",
	};
	struct vx_http_req q;

	(void)st;
	for (size_t i = 0; i < sizeof(dots) / sizeof(dots[0]); i++) {
		int rc = target_rc(dots[i], &q);
		if (strcmp(dots[i], "/..;/x") == 0)
			assert_int_equal(rc, VX_OK); /* "..;" is a name: no traversal */
		else
			assert_int_equal(rc, VX_HTTP_E_TRAVERSAL);
	}
	assert_string_equal(q.path, "..;/x");
	assert_int_equal(vx_http_error_status(VX_HTTP_E_TRAVERSAL), 400);
}

static void test_req_path_bytes(void **st)
{
	struct vx_http_req q;

	(void)st;
	assert_int_equal(target_rc("/a%00b", &q), VX_HTTP_E_PATH_NUL);
	assert_int_equal(target_rc("/%00", &q), VX_HTTP_E_PATH_NUL);
	assert_int_equal(target_rc("/a%2fb", &q), VX_HTTP_E_PATH_SLASH);
	assert_int_equal(target_rc("/..%2f..%2fx", &q), VX_HTTP_E_PATH_SLASH);
	assert_int_equal(target_rc("/a%5Cb", &q), VX_HTTP_E_PATH_SLASH);
	assert_int_equal(target_rc("/..\\x", &q), VX_HTTP_E_PATH_SLASH);
	assert_int_equal(target_rc("/HOME:secret", &q), VX_HTTP_E_PATH_COLON);
	assert_int_equal(target_rc("/HOME%3asecret", &q), VX_HTTP_E_PATH_COLON);
	assert_int_equal(target_rc("/a%0ab", &q), VX_HTTP_E_PATH_CTRL);
	assert_int_equal(target_rc("/a%7f", &q), VX_HTTP_E_PATH_CTRL);
	assert_int_equal(target_rc("/a\x01", &q), VX_HTTP_E_PATH_CTRL);
	assert_int_equal(target_rc("/\xc3\xa9", &q), VX_HTTP_E_PATH_CTRL);
	assert_int_equal(target_rc("/a%", &q), VX_HTTP_E_PCT);
	assert_int_equal(target_rc("/a%4", &q), VX_HTTP_E_PCT);
	assert_int_equal(target_rc("/a%zz", &q), VX_HTTP_E_PCT);
	assert_int_equal(target_rc("/a%%41", &q), VX_HTTP_E_PCT);
	/* double encoding decodes once: %252e%252e is the name "%2e%2e" */
	assert_int_equal(target_rc("/%252e%252e", &q), VX_OK);
	assert_string_equal(q.path, "%2e%2e");
}

static void test_req_every_split(void **st)
{
	static const char *const msgs[] = {
	    "\r\nGET /d%20x/f.txt?q HTTP/1.1\r\nHost: h\r\nA: b\r\n\r\n",
	    "HEAD / HTTP/1.0\n\n",
	    "GET /%2e%2e HTTP/1.1\r\nHost: h\r\n\r\n",
	};

	(void)st;
	for (size_t m = 0; m < sizeof(msgs) / sizeof(msgs[0]); m++) {
		struct vx_http_req whole, part;
		size_t n = strlen(msgs[m]);
		int want = req_rc(msgs[m], &whole);
		for (size_t cut = 0; cut <= n; cut++) {
			long a, b = 0;
			vx_http_req_init(&part);
			a = vx_http_req_feed(&part, (const uint8_t *)msgs[m], cut);
			if (a >= 0)
				b = vx_http_req_feed(&part, (const uint8_t *)msgs[m] + cut,
						     n - cut);
			int rc = a < 0 ? (int)a : b < 0 ? (int)b : VX_OK;
			if (rc == VX_OK) {
				assert_int_equal(a + b, n);
				assert_true(vx_http_req_done(&part));
				assert_string_equal(part.path, whole.path);
				assert_int_equal(part.method, whole.method);
			}
			assert_int_equal(rc, want);
		}
	}
	/* bytes after the head (a body, a second request) are not consumed */
	struct vx_http_req q;
	const char *two = "GET /a HTTP/1.0\r\n\r\nGET /b HTTP/1.0\r\n\r\n";
	vx_http_req_init(&q);
	assert_int_equal(vx_http_req_feed(&q, (const uint8_t *)two, strlen(two)), 19);
	assert_string_equal(q.path, "a");
	assert_int_equal(vx_http_req_feed(&q, (const uint8_t *)two + 19, 5), 0);
}

/* -------------------------------------------------------------- oracle */

#define ORACLE "tests/host/http_oracle.py"

static bool have_oracle(void)
{
	return access(ORACLE, R_OK) == 0 &&
	       system("python3 -c 'import http.server' 2>/dev/null") == 0;
}

static size_t unhex(const char *s, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n / 2; i++)
		sscanf(s + 2 * i, "%2hhx", &out[i]);
	return n / 2;
}

static void test_oracle_python_server_responses(void **st)
{
	static char line[2 * 2 * 80000 + 64];
	static uint8_t raw[80000], body[80000], got[80000];
	int count = 0;
	FILE *p;

	(void)st;
	if (!have_oracle())
		skip();
	p = popen("python3 " ORACLE " responses 7 40", "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		size_t sp = strcspn(line, " "), end = strcspn(line, "\n");
		assert_true(sp < end);
		size_t rn = unhex(line, sp, raw), bn = unhex(line + sp + 1, end - sp - 1, body);
		for (size_t step = 1; step <= 4096; step *= 8) {
			struct vx_http_resp r;
			size_t pos = 0, gn = 0;
			vx_http_resp_init(&r, false);
			while (pos < rn && !vx_http_resp_done(&r)) {
				size_t piece = rn - pos < step ? rn - pos : step;
				const uint8_t *in = raw + pos;
				while (piece > 0 && !vx_http_resp_done(&r)) {
					const uint8_t *b;
					size_t bl;
					long k = vx_http_resp_feed(&r, in, piece, &b, &bl);
					assert_true(k > 0);
					if (bl)
						memcpy(got + gn, b, bl);
					gn += bl;
					in += k;
					piece -= (size_t)k;
					pos += (size_t)k;
				}
			}
			assert_int_equal(vx_http_resp_eof(&r), VX_OK);
			assert_int_equal(r.status, 200);
			assert_true(r.has_length);
			assert_int_equal(gn, bn);
			assert_memory_equal(got, body, bn);
		}
		count++;
	}
	assert_int_equal(pclose(p), 0);
	assert_int_equal(count, 40);
}

/* Runs the oracle in mode with in[0..n) as its stdin; its output in out. */
static int oracle_pipe(const char *mode, const char *in, size_t n, char *out, size_t cap)
{
	char path[] = "/tmp/vectra-http-oracle-XXXXXX", cmd[256];
	int fd = mkstemp(path);
	FILE *p;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, in, n), (ssize_t)n);
	close(fd);
	snprintf(cmd, sizeof(cmd), "python3 " ORACLE " %s < %s 2>/dev/null", mode, path);
	p = popen(cmd, "r");
	assert_non_null(p);
	out[0] = '\0';
	if (!fgets(out, (int)cap, p))
		out[0] = '\0';
	int rc = pclose(p);
	unlink(path);
	out[strcspn(out, "\n")] = '\0';
	return rc;
}

static void test_oracle_http_client_reads_our_responses(void **st)
{
	static const struct {
		int status;
		const char *type, *body;
	} cases[] = {
	    {200, "text/html; charset=utf-8", "<p>hi</p>"},
	    {404, "text/plain; charset=utf-8", "404 Not Found\n"},
	    {405, NULL, ""},
	    {200, "application/octet-stream", "\x01\x02\x03"},
	};
	char buf[1024], out[512], want[512];

	(void)st;
	if (!have_oracle())
		skip();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t bl = strlen(cases[i].body);
		long n = vx_http_response_head(buf, sizeof(buf), cases[i].status, cases[i].type,
					       (int64_t)bl, i == 2 ? "Allow: GET, HEAD" : NULL);
		assert_true(n > 0);
		memcpy(buf + n, cases[i].body, bl);
		assert_int_equal(
		    oracle_pipe("parse-response", buf, (size_t)n + bl, out, sizeof(out)), 0);
		int k = snprintf(want, sizeof(want), "%d %zu ", cases[i].status, bl);
		for (size_t j = 0; j < bl; j++)
			k += snprintf(want + k, sizeof(want) - (size_t)k, "%02x",
				      (unsigned char)cases[i].body[j]);
		assert_string_equal(out, want);
	}
}

static void test_oracle_http_server_reads_our_requests(void **st)
{
	static const struct {
		const char *url, *want;
	} cases[] = {
	    {"http://10.0.2.100/a/b.txt?x=1", "GET /a/b.txt?x=1 10.0.2.100"},
	    {"http://h:8080", "GET / h:8080"},
	    {"http://Example.org/%7Euser/", "GET /%7Euser/ Example.org"},
	};
	char buf[2048], out[512];
	struct vx_url u;

	(void)st;
	if (!have_oracle())
		skip();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(vx_url_parse(cases[i].url, &u), VX_OK);
		long n = vx_http_request(buf, sizeof(buf), VX_HTTP_GET, &u);
		assert_true(n > 0);
		assert_int_equal(oracle_pipe("parse-request", buf, (size_t)n, out, sizeof(out)), 0);
		assert_string_equal(out, cases[i].want);
	}
	/* and the oracle can say no: a broken request line fails it */
	assert_true(oracle_pipe("parse-request", "GET\r\n\r\n", 7, out, sizeof(out)) != 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_url_good),
	    cmocka_unit_test(test_url_refused),
	    cmocka_unit_test(test_url_filename),
	    cmocka_unit_test(test_request_build),
	    cmocka_unit_test(test_response_head_build),
	    cmocka_unit_test(test_mime_and_escape),
	    cmocka_unit_test(test_resp_content_length),
	    cmocka_unit_test(test_resp_close_delimited),
	    cmocka_unit_test(test_resp_no_body),
	    cmocka_unit_test(test_resp_chunked),
	    cmocka_unit_test(test_resp_bare_lf),
	    cmocka_unit_test(test_resp_bare_cr),
	    cmocka_unit_test(test_resp_header_too_long),
	    cmocka_unit_test(test_resp_too_many_headers),
	    cmocka_unit_test(test_resp_header_bad),
	    cmocka_unit_test(test_resp_status_line),
	    cmocka_unit_test(test_resp_content_length_hostile),
	    cmocka_unit_test(test_resp_transfer_encoding_hostile),
	    cmocka_unit_test(test_resp_bad_chunk_size),
	    cmocka_unit_test(test_resp_chunk_size_overflow),
	    cmocka_unit_test(test_resp_truncated),
	    cmocka_unit_test(test_resp_error_sticky),
	    cmocka_unit_test(test_resp_every_split),
	    cmocka_unit_test(test_req_good),
	    cmocka_unit_test(test_req_methods),
	    cmocka_unit_test(test_req_line_bad),
	    cmocka_unit_test(test_req_host),
	    cmocka_unit_test(test_req_limits),
	    cmocka_unit_test(test_req_path_traversal),
	    cmocka_unit_test(test_req_path_bytes),
	    cmocka_unit_test(test_req_every_split),
	    cmocka_unit_test(test_oracle_python_server_responses),
	    cmocka_unit_test(test_oracle_http_client_reads_our_responses),
	    cmocka_unit_test(test_oracle_http_server_reads_our_requests),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
