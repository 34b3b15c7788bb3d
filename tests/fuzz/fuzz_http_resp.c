/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the HTTP response parser (lib/net/http.c), the
 * bytes `get` takes from any server.
 *
 * Input: byte 0 (bit 0: the request was HEAD; bits 1-7: a seed for the
 * piece sizes), then the response as it comes off the connection.
 *
 * The response is parsed twice: whole, and in pieces of 1 to 16 bytes
 * chosen by the seed.  Invariants: the two parses agree on the result,
 * the status and every body byte; a body span lies inside the input just
 * given; a call consumes at least one byte until the message is done or
 * fails; an error is one of http.h's and sticky; a complete message with
 * Content-Length handed out exactly that many bytes.
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

struct run {
	int rc;
	int status;
	uint64_t body_len;
	uint64_t hash; /* FNV-1a over the body */
};

static void parse(const uint8_t *in, size_t n, bool head, unsigned seed, struct run *out)
{
	struct vx_http_resp r;
	size_t pos = 0;

	memset(out, 0, sizeof(*out));
	out->hash = 1469598103934665603ull;
	vx_http_resp_init(&r, head);
	while (pos < n && !vx_http_resp_done(&r)) {
		size_t piece =
		    seed ? 1 + (seed = seed * 1103515245u + 12345u, (seed >> 16) % 16) : n;
		if (piece > n - pos)
			piece = n - pos;
		const uint8_t *p = in + pos;
		size_t left = piece;
		while (left > 0 && !vx_http_resp_done(&r)) {
			const uint8_t *b;
			size_t bl;
			long k = vx_http_resp_feed(&r, p, left, &b, &bl);
			if (k < 0) {
				CHECK(vx_http_strerror((int)k) != NULL);
				CHECK(vx_http_resp_feed(&r, p, left, &b, &bl) == k); /* sticky */
				CHECK(vx_http_resp_eof(&r) == (int)k);
				out->rc = (int)k;
				return;
			}
			CHECK(k > 0 && (size_t)k <= left);
			CHECK(bl <= (size_t)k);
			if (bl) {
				CHECK(b == p);
				for (size_t i = 0; i < bl; i++)
					out->hash = (out->hash ^ b[i]) * 1099511628211ull;
				out->body_len += bl;
			}
			p += k;
			left -= (size_t)k;
		}
		pos += piece;
	}
	CHECK(r.body == out->body_len);
	out->status = r.status;
	out->rc = vx_http_resp_eof(&r);
	if (out->rc == VX_OK && r.has_length && !r.head && r.status >= 200 && r.status != 204 &&
	    r.status != 304)
		CHECK(out->body_len == r.length);
	if (out->rc == VX_OK)
		CHECK(r.status >= 200 && r.status <= 999);
	else
		CHECK(vx_http_strerror(out->rc) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run whole, pieces;

	if (size < 1)
		return 0;
	bool head = data[0] & 1;
	unsigned seed = (unsigned)(data[0] >> 1) + 1;
	parse(data + 1, size - 1, head, 0, &whole);
	parse(data + 1, size - 1, head, seed, &pieces);
	CHECK(whole.rc == pieces.rc);
	if (whole.rc == VX_OK) {
		CHECK(whole.status == pieces.status);
		CHECK(whole.body_len == pieces.body_len);
		CHECK(whole.hash == pieces.hash);
	}
	return 0;
}
