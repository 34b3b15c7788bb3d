/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HTTP/1.1 for the shell's `get` and for httpd (RFC 9110, RFC 9112): URL
 * parsing, request and response building, and two incremental parsers,
 * one for responses (the client) and one for requests (the server).
 * docs/userland/httpd.md and docs/userland/vshell.md tell how they are
 * used; this comment is the contract.
 *
 * SHAPE
 *
 * Pure code like the rest of lib/net: no syscalls, no allocation, no
 * clock.  The parsers are structs the caller owns (about 1.3 KiB each)
 * and are fed the byte stream in pieces cut anywhere: feeding a message
 * one byte at a time or all at once gives the same result (the tests try
 * every split point).  Header lines are copied into the parser's line
 * buffer; body bytes are never copied: the response parser hands back a
 * span of the caller's own input.
 *
 * LINES
 *
 * A line ends with CRLF.  A bare LF is also taken as a line end (RFC 9112
 * 2.2 allows it; the CR before it is optional).  A CR that is not directly
 * followed by LF is refused (VX_HTTP_E_BARE_CR), as is a NUL or any other
 * control byte but HTAB in a header line (VX_HTTP_E_HEADER_BAD).  A line
 * longer than VX_HTTP_LINE_MAX bytes (without its end) is
 * VX_HTTP_E_LINE_LONG; a header section of more than VX_HTTP_HEADERS_MAX
 * lines is VX_HTTP_E_HEADERS_MANY (trailers count apart, with the same
 * limit).  A header line must be NAME ":" OWS VALUE OWS with NAME a
 * token: whitespace before the colon, an empty name, a byte outside
 * token characters in the name, or a line starting with whitespace
 * (obsolete line folding) is VX_HTTP_E_HEADER_BAD.
 *
 * URLS (vx_url_parse)
 *
 *   http://HOST[:PORT][/PATH][?QUERY][#FRAGMENT], the scheme in any case.
 *   The fragment is dropped; the path and query are sent as written
 *   ("/" when absent).
 *
 *   VX_HTTP_E_URL_LONG    longer than VX_URL_MAX bytes
 *   VX_HTTP_E_HTTPS       https:// (there is no TLS)
 *   VX_HTTP_E_SCHEME      any other scheme, or none
 *   VX_HTTP_E_USERINFO    a user or password before '@'
 *   VX_HTTP_E_HOST_EMPTY  no host
 *   VX_HTTP_E_HOST_LONG   a host over VX_URL_HOST_MAX bytes
 *   VX_HTTP_E_HOST_BAD    a host byte other than a-z A-Z 0-9 '-' '.'
 *                         (IPv6 literals "[...]" included: not supported)
 *   VX_HTTP_E_PORT        ":" without digits, a non-digit, 0, or > 65535
 *   VX_HTTP_E_URL_BYTE    a space, control byte or byte >= 0x80 in the
 *                         path (they must be percent-encoded)
 *
 * RESPONSES (struct vx_http_resp; vx_http_resp_init, _feed, _eof)
 *
 * The status line is HTTP/1.x SP 3DIGIT SP reason (the reason may be
 * empty, the space before it too).  VX_HTTP_E_VERSION for another
 * protocol or major version; VX_HTTP_E_STATUS_LINE for anything else
 * malformed.  Interim 1xx responses are read and skipped.  The body:
 *
 *   - none for a HEAD request, 1xx, 204 and 304;
 *   - chunked when Transfer-Encoding is exactly "chunked" (any case);
 *     any other transfer coding is VX_HTTP_E_TE_UNSUPPORTED, and a
 *     response with both Transfer-Encoding and Content-Length is refused
 *     (VX_HTTP_E_TE_CL: RFC 9112 6.3 calls it a smuggling attempt);
 *   - Content-Length bytes when it is given: one or more decimal digits,
 *     nothing else (a sign is VX_HTTP_E_CL_BAD), at most
 *     VX_HTTP_BODY_MAX (VX_HTTP_E_CL_OVERFLOW); several Content-Length
 *     fields, or a comma-separated list, must all be the same number
 *     (VX_HTTP_E_CL_CONFLICT);
 *   - otherwise everything until the connection closes.
 *
 * Chunks: a size in hex (one or more digits; VX_HTTP_E_CHUNK_SIZE
 * otherwise), optional extensions after ';' or whitespace, which are
 * skipped (the line limit bounds them), the data and CRLF (or LF;
 * anything else is VX_HTTP_E_CHUNK_END).  A size over VX_HTTP_BODY_MAX,
 * or a body that would grow past it, is VX_HTTP_E_CHUNK_OVERFLOW.  The
 * zero-size chunk is followed by trailer lines (checked like headers,
 * then ignored) and an empty line.
 *
 * vx_http_resp_feed takes bytes until the message is complete; bytes
 * after it are not consumed (the caller ignores them: `get` sends
 * Connection: close).  vx_http_resp_eof says whether the connection may
 * end here: VX_HTTP_E_TRUNCATED if a declared body, a chunk, or the head
 * itself is incomplete.  An error is sticky: every later call returns it.
 *
 * REQUESTS (struct vx_http_req; vx_http_req_init, _feed)
 *
 * The request line is METHOD SP TARGET SP HTTP/1.0 or HTTP/1.1, single
 * spaces.  GET and HEAD are served.  Other methods of RFC 9110 (POST,
 * PUT, DELETE, CONNECT, OPTIONS, TRACE) and PATCH are
 * VX_HTTP_E_METHOD_NOT_ALLOWED (405); any other token is
 * VX_HTTP_E_METHOD_UNKNOWN (501).  HTTP/x.y with other digits is
 * VX_HTTP_E_VERSION (505); anything else malformed is
 * VX_HTTP_E_REQUEST_LINE (400).  A request line over VX_HTTP_LINE_MAX is
 * VX_HTTP_E_TARGET_LONG (414), a header line over it, or too many header
 * lines, VX_HTTP_E_LINE_LONG / VX_HTTP_E_HEADERS_MANY (431).  An HTTP/1.1
 * request needs exactly one Host header (VX_HTTP_E_HOST_MISSING,
 * VX_HTTP_E_HOST_DUP: 400).  The request body, if any, is not read.
 *
 * The target must be origin-form: it starts with '/' (absolute-form,
 * authority-form and "*" are VX_HTTP_E_TARGET, 400).  The query ('?' and
 * after) is ignored.  The path is percent-decoded into req.path, a
 * relative path safe to join under the served directory, by these rules,
 * checked on the decoded bytes of each segment (every one is 400):
 *
 *   VX_HTTP_E_PCT         '%' not followed by two hex digits
 *   VX_HTTP_E_PATH_NUL    a NUL (%00)
 *   VX_HTTP_E_PATH_CTRL   a control byte (0x01-0x1f, 0x7f) or a raw
 *                         byte outside printable ASCII in the target
 *   VX_HTTP_E_PATH_SLASH  an encoded '/' (%2F) or any '\' (raw or %5C):
 *                         a segment can never hold a separator
 *   VX_HTTP_E_PATH_COLON  a ':' (raw or %3A): vfsd reads "NAME:" as a
 *                         root, which must not be reachable
 *   VX_HTTP_E_TRAVERSAL   a segment "." or ".." (raw, or encoded as
 *                         %2e in any mix): refused, not normalised
 *   VX_HTTP_E_PATH_LONG   a segment over VX_HTTP_NAME_MAX or a decoded
 *                         path over VX_HTTP_PATH_MAX bytes (414)
 *
 * Empty segments ("//") are dropped.  req.path has no leading or trailing
 * '/'; "" is the served directory itself.  req.slash says whether the
 * target's path ended in '/'.  Keep-alive is not offered: every response
 * httpd sends says Connection: close and the connection closes after it.
 *
 * BUILDERS
 *
 * vx_http_request writes a GET or HEAD request with Host, User-Agent,
 * Accept and Connection: close.  vx_http_response_head writes a status
 * line and headers (Server, Content-Type, Content-Length when known,
 * Connection: close, an optional extra header line).  vx_http_mime names
 * a content type from a file name's extension.  vx_http_html_escape and
 * vx_http_url_escape make names safe inside HTML text and attributes, and
 * inside a URL path.  Each returns the length written (a NUL follows) or
 * VX_E_TOOBIG when cap is too small.
 */
#ifndef VX_NET_HTTP_H
#define VX_NET_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------- limits */

#define VX_URL_MAX	    1024u	 /* a URL's bytes */
#define VX_URL_HOST_MAX	    253u	 /* a host name's bytes (DNS's limit) */
#define VX_HTTP_LINE_MAX    1024u	 /* a status, request, header or chunk-size line */
#define VX_HTTP_HEADERS_MAX 64u		 /* header lines in one section (and trailers) */
#define VX_HTTP_PATH_MAX    200u	 /* a decoded request path (vfsd's FS_PATH_MAX) */
#define VX_HTTP_NAME_MAX    63u		 /* one decoded segment (vfsd's FS_NAME_MAX) */
#define VX_HTTP_REASON_MAX  63u		 /* the reason phrase kept from a status line */
#define VX_HTTP_BODY_MAX    (1ull << 48) /* the largest body length taken (256 TiB) */

/* ---------------------------------------------------------------- errors */

enum {
	VX_HTTP_E_URL_LONG = -200,
	VX_HTTP_E_HTTPS = -201,
	VX_HTTP_E_SCHEME = -202,
	VX_HTTP_E_USERINFO = -203,
	VX_HTTP_E_HOST_EMPTY = -204,
	VX_HTTP_E_HOST_LONG = -205,
	VX_HTTP_E_HOST_BAD = -206,
	VX_HTTP_E_PORT = -207,
	VX_HTTP_E_URL_BYTE = -208,
	VX_HTTP_E_BARE_CR = -210,
	VX_HTTP_E_LINE_LONG = -211,
	VX_HTTP_E_HEADERS_MANY = -212,
	VX_HTTP_E_HEADER_BAD = -213,
	VX_HTTP_E_STATUS_LINE = -214,
	VX_HTTP_E_VERSION = -215,
	VX_HTTP_E_TE_UNSUPPORTED = -216,
	VX_HTTP_E_TE_CL = -217,
	VX_HTTP_E_CL_BAD = -218,
	VX_HTTP_E_CL_OVERFLOW = -219,
	VX_HTTP_E_CL_CONFLICT = -220,
	VX_HTTP_E_CHUNK_SIZE = -221,
	VX_HTTP_E_CHUNK_OVERFLOW = -222,
	VX_HTTP_E_CHUNK_END = -223,
	VX_HTTP_E_TRUNCATED = -224,
	VX_HTTP_E_REQUEST_LINE = -230,
	VX_HTTP_E_METHOD_NOT_ALLOWED = -231,
	VX_HTTP_E_METHOD_UNKNOWN = -232,
	VX_HTTP_E_TARGET = -233,
	VX_HTTP_E_TARGET_LONG = -234,
	VX_HTTP_E_HOST_MISSING = -235,
	VX_HTTP_E_HOST_DUP = -236,
	VX_HTTP_E_PCT = -237,
	VX_HTTP_E_PATH_NUL = -238,
	VX_HTTP_E_PATH_CTRL = -239,
	VX_HTTP_E_PATH_SLASH = -240,
	VX_HTTP_E_PATH_COLON = -241,
	VX_HTTP_E_TRAVERSAL = -242,
	VX_HTTP_E_PATH_LONG = -243,
};

/* The error's name and meaning ("VX_HTTP_E_TRAVERSAL: ..."), NULL for a
 * code not of this library. */
const char *vx_http_strerror(int err);

/* The status a server answers a request parse error with (400, 405, 414,
 * 431, 501, 505); 400 for a code not of the request parser. */
int vx_http_error_status(int err);

/* "Not Found" for 404; "" for a status it does not know. */
const char *vx_http_reason(int status);

/* ------------------------------------------------------------------ URLs */

struct vx_url {
	char host[VX_URL_HOST_MAX + 1];
	uint16_t port;		     /* 80 unless given */
	bool port_given;	     /* the URL named a port */
	char target[VX_URL_MAX + 1]; /* path and query, starting with '/' */
};

int vx_url_parse(const char *s, struct vx_url *u);

/* The file name a download of u is saved under: the last segment of its
 * path (before any query), percent-decoded, if that is a safe name by the
 * request rules above (and not empty); else "index.html".  Returns its
 * length; out holds at least VX_HTTP_NAME_MAX + 1 bytes. */
size_t vx_url_filename(const struct vx_url *u, char *out);

/* -------------------------------------------------------------- builders */

enum vx_http_method { VX_HTTP_GET = 1, VX_HTTP_HEAD = 2 };

long vx_http_request(char *out, size_t cap, enum vx_http_method m, const struct vx_url *u);

/* length < 0: no Content-Length (the body ends with the connection).
 * extra, when not NULL, is one header line without its CRLF. */
long vx_http_response_head(char *out, size_t cap, int status, const char *type, int64_t length,
			   const char *extra);

/* "text/html; charset=utf-8" for "a.html", ..., "application/octet-stream"
 * for anything unknown. */
const char *vx_http_mime(const char *name);

/* & < > " ' become entities. */
long vx_http_html_escape(char *out, size_t cap, const char *in, size_t n);

/* Every byte but A-Z a-z 0-9 - . _ ~ / becomes %XX. */
long vx_http_url_escape(char *out, size_t cap, const char *in, size_t n);

/* -------------------------------------------------------- the line reader */

struct vx_http_line {
	char buf[VX_HTTP_LINE_MAX + 1];
	uint32_t len;
	bool cr; /* the last byte taken was a CR */
};

/* ------------------------------------------------------------ responses */

enum vx_http_resp_state {
	VX_HTTP_RS_STATUS,
	VX_HTTP_RS_HEADERS,
	VX_HTTP_RS_BODY_LEN,   /* Content-Length bytes */
	VX_HTTP_RS_BODY_CLOSE, /* until the connection closes */
	VX_HTTP_RS_CHUNK_SIZE,
	VX_HTTP_RS_CHUNK_DATA,
	VX_HTTP_RS_CHUNK_CRLF,
	VX_HTTP_RS_TRAILERS,
	VX_HTTP_RS_DONE,
	VX_HTTP_RS_ERROR,
};

struct vx_http_resp {
	enum vx_http_resp_state state;
	int err;			     /* the sticky error, once in VX_HTTP_RS_ERROR */
	bool head;			     /* the request was HEAD: no body follows */
	int status;			     /* 100..999 once the status line is read */
	uint8_t minor;			     /* HTTP/1.minor */
	char reason[VX_HTTP_REASON_MAX + 1]; /* printable ASCII; others become '?' */
	bool has_length;		     /* Content-Length was given */
	bool chunked;			     /* Transfer-Encoding: chunked */
	bool has_te;			     /* some Transfer-Encoding was given */
	uint64_t length;		     /* Content-Length */
	uint64_t body;			     /* body bytes handed out so far */
	uint64_t left;			     /* of the current chunk or of Content-Length */
	uint32_t nheaders;
	struct vx_http_line line;
};

void vx_http_resp_init(struct vx_http_resp *r, bool head);

/* Takes bytes from in[0..n): returns how many it consumed, or the error.
 * When some of them are body bytes, *body and *body_len name them (a span
 * of in, handed out once); otherwise *body_len is 0.  Call again with the
 * rest of the input: one call hands out at most one span.  Consumes
 * nothing once the message is complete (vx_http_resp_done). */
long vx_http_resp_feed(struct vx_http_resp *r, const uint8_t *in, size_t n, const uint8_t **body,
		       size_t *body_len);

/* The head (status line and headers) has been read. */
bool vx_http_resp_head_done(const struct vx_http_resp *r);

/* The whole message has been read. */
bool vx_http_resp_done(const struct vx_http_resp *r);

/* The connection ended: VX_OK if the message is complete (a body that
 * ends with the connection is complete now), else VX_HTTP_E_TRUNCATED or
 * the sticky error. */
int vx_http_resp_eof(struct vx_http_resp *r);

/* ------------------------------------------------------------- requests */

struct vx_http_req {
	int state; /* 0 request line, 1 headers, 2 done, 3 error */
	int err;
	enum vx_http_method method;
	char method_name[16]; /* the method as sent, cut to 15 bytes, for logs */
	uint8_t minor;	      /* HTTP/1.minor */
	bool slash;	      /* the path ended in '/' */
	bool has_host;
	uint32_t nheaders;
	char path[VX_HTTP_PATH_MAX + 1];
	struct vx_http_line line;
};

void vx_http_req_init(struct vx_http_req *q);

/* Takes bytes until the end of the header section; returns how many it
 * consumed (nothing once done) or the error (sticky). */
long vx_http_req_feed(struct vx_http_req *q, const uint8_t *in, size_t n);

bool vx_http_req_done(const struct vx_http_req *q);

/* Decodes one percent-encoded path (origin-form, without query) into out
 * by the rules above; for tests and `get`'s file name.  Returns the
 * decoded length or the error; *slash as req.slash. */
long vx_http_path_decode(const char *p, size_t n, char *out, bool *slash);

#endif
