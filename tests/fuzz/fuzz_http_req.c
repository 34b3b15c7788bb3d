/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the HTTP request parser (lib/net/http.c), the
 * bytes httpd takes from any client, and for URL parsing.
 *
 * Input: byte 0 (a seed for the piece sizes), then a request as it comes
 * off the connection.  The request is parsed whole and in pieces of 1 to
 * 16 bytes; the two must agree.  When it parses, the path must be safe to
 * join under the served directory: at most VX_HTTP_PATH_MAX bytes, no
 * leading or trailing '/', no empty segment, no "." or ".." segment,
 * segments of at most VX_HTTP_NAME_MAX bytes, and no NUL, control byte,
 * '\', ':' or byte outside printable ASCII but those %-encoded as
 * 0x80..0xff.  The same input, as a string, goes to vx_url_parse: a URL
 * it takes has a host of allowed bytes, a port, a target starting with
 * '/', and a file name (vx_url_filename) that is one safe segment.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "net/http.h"
#include "vectra/abi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

static void check_segment(const char *s, size_t n)
{
	CHECK(n > 0 && n <= VX_HTTP_NAME_MAX);
	CHECK(!(n == 1 && s[0] == '.'));
	CHECK(!(n == 2 && s[0] == '.' && s[1] == '.'));
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		CHECK(c >= 0x20 && c != 0x7f && c != '/' && c != '\\' && c != ':');
	}
}

static void check_path(const char *p)
{
	size_t n = strlen(p), start = 0;

	CHECK(n <= VX_HTTP_PATH_MAX);
	if (n == 0)
		return;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || p[i] == '/') {
			check_segment(p + start, i - start);
			start = i + 1;
		}
	}
}

static int parse(const uint8_t *in, size_t n, unsigned seed, struct vx_http_req *q)
{
	size_t pos = 0;

	vx_http_req_init(q);
	while (pos < n && !vx_http_req_done(q)) {
		size_t piece =
		    seed ? 1 + (seed = seed * 1103515245u + 12345u, (seed >> 16) % 16) : n;
		if (piece > n - pos)
			piece = n - pos;
		long k = vx_http_req_feed(q, in + pos, piece);
		if (k < 0) {
			CHECK(vx_http_strerror((int)k) != NULL);
			CHECK(vx_http_req_feed(q, in, n) == k); /* sticky */
			int st = vx_http_error_status((int)k);
			CHECK(st == 400 || st == 405 || st == 414 || st == 431 || st == 501 ||
			      st == 505);
			return (int)k;
		}
		CHECK((size_t)k <= piece);
		if (!vx_http_req_done(q))
			CHECK((size_t)k == piece);
		pos += (size_t)k;
		if ((size_t)k < piece)
			break;
	}
	return vx_http_req_done(q) ? VX_OK : VX_E_AGAIN;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vx_http_req whole, pieces;
	static char str[VX_URL_MAX + 2];
	struct vx_url u;

	if (size < 1)
		return 0;
	int a = parse(data + 1, size - 1, 0, &whole);
	int b = parse(data + 1, size - 1, (unsigned)data[0] + 1, &pieces);
	CHECK(a == b);
	if (a == VX_OK) {
		CHECK(whole.method == VX_HTTP_GET || whole.method == VX_HTTP_HEAD);
		CHECK(strcmp(whole.path, pieces.path) == 0);
		check_path(whole.path);
	}
	/* The same bytes as a URL. */
	size_t n = size - 1 < sizeof(str) - 1 ? size - 1 : sizeof(str) - 1;
	memcpy(str, data + 1, n);
	str[n] = '\0';
	if (vx_url_parse(str, &u) == VX_OK) {
		char name[VX_HTTP_NAME_MAX + 1];
		CHECK(u.host[0] != '\0' && u.port != 0 && u.target[0] == '/');
		CHECK(strlen(u.target) <= VX_URL_MAX);
		size_t k = vx_url_filename(&u, name);
		CHECK(k == strlen(name));
		check_segment(name, k);
		char req[VX_URL_MAX + 512];
		long rn = vx_http_request(req, sizeof(req), VX_HTTP_GET, &u);
		CHECK(rn > 0);
		/* what we send, our own server parses (its path may be refused) */
		struct vx_http_req q;
		vx_http_req_init(&q);
		long k2 = vx_http_req_feed(&q, (const uint8_t *)req, (size_t)rn);
		CHECK(k2 < 0 || vx_http_req_done(&q) || k2 == rn);
		CHECK(k2 != VX_HTTP_E_HOST_MISSING && k2 != VX_HTTP_E_REQUEST_LINE);
	}
	return 0;
}
