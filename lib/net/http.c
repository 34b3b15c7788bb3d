/* SPDX-License-Identifier: BSD-3-Clause */
/* HTTP/1.1 URLs, builders and incremental parsers; see http.h. */
#include "net/http.h"
#include "vectra/abi.h"
#include "vx_string.h"

/* ------------------------------------------------------------ characters */

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int hex_val(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* RFC 9110 5.6.2 tchar. */
static bool is_tchar(int c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c))
		return true;
	switch (c) {
	case '!':
	case '#':
	case '$':
	case '%':
	case '&':
	case '\'':
	case '*':
	case '+':
	case '-':
	case '.':
	case '^':
	case '_':
	case '`':
	case '|':
	case '~':
		return true;
	default:
		return false;
	}
}

static bool is_ows(int c)
{
	return c == ' ' || c == '\t';
}

/* Case-insensitive comparison of s[0..n) with the lower-case word w. */
static bool eq_nocase(const char *s, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (w[i] == '\0' || lower((unsigned char)s[i]) != w[i])
			return false;
	return w[i] == '\0';
}

/* ---------------------------------------------------------------- errors */

static const struct {
	int err;
	const char *text;
} errors[] = {
    {VX_HTTP_E_URL_LONG, "VX_HTTP_E_URL_LONG: the URL is too long"},
    {VX_HTTP_E_HTTPS, "VX_HTTP_E_HTTPS: https is not supported (no TLS)"},
    {VX_HTTP_E_SCHEME, "VX_HTTP_E_SCHEME: only http:// URLs are supported"},
    {VX_HTTP_E_USERINFO, "VX_HTTP_E_USERINFO: user names and passwords in URLs are refused"},
    {VX_HTTP_E_HOST_EMPTY, "VX_HTTP_E_HOST_EMPTY: the URL has no host"},
    {VX_HTTP_E_HOST_LONG, "VX_HTTP_E_HOST_LONG: the host name is too long"},
    {VX_HTTP_E_HOST_BAD, "VX_HTTP_E_HOST_BAD: the host has a byte a host name cannot have"},
    {VX_HTTP_E_PORT, "VX_HTTP_E_PORT: the port is not a number from 1 to 65535"},
    {VX_HTTP_E_URL_BYTE, "VX_HTTP_E_URL_BYTE: the path has a space, control or non-ASCII byte"},
    {VX_HTTP_E_BARE_CR, "VX_HTTP_E_BARE_CR: a CR not followed by LF"},
    {VX_HTTP_E_LINE_LONG, "VX_HTTP_E_LINE_LONG: a header line is too long"},
    {VX_HTTP_E_HEADERS_MANY, "VX_HTTP_E_HEADERS_MANY: too many header lines"},
    {VX_HTTP_E_HEADER_BAD, "VX_HTTP_E_HEADER_BAD: a malformed header line"},
    {VX_HTTP_E_STATUS_LINE, "VX_HTTP_E_STATUS_LINE: a malformed status line"},
    {VX_HTTP_E_VERSION, "VX_HTTP_E_VERSION: not HTTP/1.x"},
    {VX_HTTP_E_TE_UNSUPPORTED, "VX_HTTP_E_TE_UNSUPPORTED: a transfer coding other than chunked"},
    {VX_HTTP_E_TE_CL, "VX_HTTP_E_TE_CL: both Transfer-Encoding and Content-Length"},
    {VX_HTTP_E_CL_BAD, "VX_HTTP_E_CL_BAD: Content-Length is not a decimal number"},
    {VX_HTTP_E_CL_OVERFLOW, "VX_HTTP_E_CL_OVERFLOW: Content-Length is too large"},
    {VX_HTTP_E_CL_CONFLICT, "VX_HTTP_E_CL_CONFLICT: Content-Length values disagree"},
    {VX_HTTP_E_CHUNK_SIZE, "VX_HTTP_E_CHUNK_SIZE: a malformed chunk size"},
    {VX_HTTP_E_CHUNK_OVERFLOW, "VX_HTTP_E_CHUNK_OVERFLOW: a chunk size too large"},
    {VX_HTTP_E_CHUNK_END, "VX_HTTP_E_CHUNK_END: chunk data not followed by CRLF"},
    {VX_HTTP_E_TRUNCATED, "VX_HTTP_E_TRUNCATED: the connection ended before the message did"},
    {VX_HTTP_E_REQUEST_LINE, "VX_HTTP_E_REQUEST_LINE: a malformed request line"},
    {VX_HTTP_E_METHOD_NOT_ALLOWED, "VX_HTTP_E_METHOD_NOT_ALLOWED: only GET and HEAD are served"},
    {VX_HTTP_E_METHOD_UNKNOWN, "VX_HTTP_E_METHOD_UNKNOWN: an unknown method"},
    {VX_HTTP_E_TARGET, "VX_HTTP_E_TARGET: the target is not a path starting with '/'"},
    {VX_HTTP_E_TARGET_LONG, "VX_HTTP_E_TARGET_LONG: the request line is too long"},
    {VX_HTTP_E_HOST_MISSING, "VX_HTTP_E_HOST_MISSING: an HTTP/1.1 request without Host"},
    {VX_HTTP_E_HOST_DUP, "VX_HTTP_E_HOST_DUP: more than one Host header"},
    {VX_HTTP_E_PCT, "VX_HTTP_E_PCT: '%' not followed by two hex digits"},
    {VX_HTTP_E_PATH_NUL, "VX_HTTP_E_PATH_NUL: a NUL in the path"},
    {VX_HTTP_E_PATH_CTRL, "VX_HTTP_E_PATH_CTRL: a control or non-ASCII byte in the path"},
    {VX_HTTP_E_PATH_SLASH, "VX_HTTP_E_PATH_SLASH: an encoded '/' or a '\\' in the path"},
    {VX_HTTP_E_PATH_COLON, "VX_HTTP_E_PATH_COLON: a ':' in the path"},
    {VX_HTTP_E_TRAVERSAL, "VX_HTTP_E_TRAVERSAL: a '.' or '..' segment in the path"},
    {VX_HTTP_E_PATH_LONG, "VX_HTTP_E_PATH_LONG: the path or one of its names is too long"},
};

const char *vx_http_strerror(int err)
{
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		if (errors[i].err == err)
			return errors[i].text;
	return NULL;
}

int vx_http_error_status(int err)
{
	switch (err) {
	case VX_HTTP_E_METHOD_NOT_ALLOWED:
		return 405;
	case VX_HTTP_E_TARGET_LONG:
	case VX_HTTP_E_PATH_LONG:
		return 414;
	case VX_HTTP_E_LINE_LONG:
	case VX_HTTP_E_HEADERS_MANY:
		return 431;
	case VX_HTTP_E_METHOD_UNKNOWN:
		return 501;
	case VX_HTTP_E_VERSION:
		return 505;
	default:
		return 400;
	}
}

const char *vx_http_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 301:
		return "Moved Permanently";
	case 304:
		return "Not Modified";
	case 400:
		return "Bad Request";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 408:
		return "Request Timeout";
	case 414:
		return "URI Too Long";
	case 431:
		return "Request Header Fields Too Large";
	case 500:
		return "Internal Server Error";
	case 501:
		return "Not Implemented";
	case 503:
		return "Service Unavailable";
	case 505:
		return "HTTP Version Not Supported";
	default:
		return "";
	}
}

/* --------------------------------------------------------------- output */

/* A bounded string being written; a write past cap sets over. */
struct out {
	char *p;
	size_t cap, n;
	bool over;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->over || n >= o->cap - o->n) {
		o->over = true;
		return;
	}
	memcpy(o->p + o->n, s, n);
	o->n += n;
	o->p[o->n] = '\0';
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void put_u64(struct out *o, uint64_t v)
{
	char d[20];
	size_t i = sizeof(d);

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(o, d + i, sizeof(d) - i);
}

static long finish(struct out *o)
{
	return o->over ? VX_E_TOOBIG : (long)o->n;
}

static struct out out_of(char *p, size_t cap)
{
	struct out o = {.p = p, .cap = cap};

	if (cap == 0)
		o.over = true;
	else
		p[0] = '\0';
	return o;
}

long vx_http_html_escape(char *out, size_t cap, const char *in, size_t n)
{
	struct out o = out_of(out, cap);

	for (size_t i = 0; i < n; i++) {
		switch (in[i]) {
		case '&':
			puts_(&o, "&amp;");
			break;
		case '<':
			puts_(&o, "&lt;");
			break;
		case '>':
			puts_(&o, "&gt;");
			break;
		case '"':
			puts_(&o, "&quot;");
			break;
		case '\'':
			puts_(&o, "&#39;");
			break;
		default:
			put(&o, &in[i], 1);
		}
	}
	return finish(&o);
}

long vx_http_url_escape(char *out, size_t cap, const char *in, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	struct out o = out_of(out, cap);

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' ||
		    c == '.' || c == '_' || c == '~' || c == '/') {
			put(&o, (const char *)&c, 1);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			put(&o, e, 3);
		}
	}
	return finish(&o);
}

const char *vx_http_mime(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
	    {"html", "text/html; charset=utf-8"},
	    {"htm", "text/html; charset=utf-8"},
	    {"txt", "text/plain; charset=utf-8"},
	    {"md", "text/plain; charset=utf-8"},
	    {"css", "text/css"},
	    {"js", "text/javascript"},
	    {"json", "application/json"},
	    {"xml", "application/xml"},
	    {"svg", "image/svg+xml"},
	    {"png", "image/png"},
	    {"jpg", "image/jpeg"},
	    {"jpeg", "image/jpeg"},
	    {"gif", "image/gif"},
	    {"ico", "image/vnd.microsoft.icon"},
	    {"pdf", "application/pdf"},
	    {"wasm", "application/wasm"},
	};
	const char *dot = NULL;

	for (const char *p = name; *p; p++) {
		if (*p == '.')
			dot = p + 1;
		else if (*p == '/')
			dot = NULL;
	}
	if (dot)
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (eq_nocase(dot, strlen(dot), types[i].ext))
				return types[i].type;
	return "application/octet-stream";
}

long vx_http_request(char *out, size_t cap, enum vx_http_method m, const struct vx_url *u)
{
	struct out o = out_of(out, cap);

	puts_(&o, m == VX_HTTP_HEAD ? "HEAD " : "GET ");
	puts_(&o, u->target);
	puts_(&o, " HTTP/1.1\r\nHost: ");
	puts_(&o, u->host);
	if (u->port != 80) {
		puts_(&o, ":");
		put_u64(&o, u->port);
	}
	puts_(&o, "\r\nUser-Agent: VectraOS-get/1\r\nAccept: */*\r\nConnection: close\r\n\r\n");
	return finish(&o);
}

long vx_http_response_head(char *out, size_t cap, int status, const char *type, int64_t length,
			   const char *extra)
{
	struct out o = out_of(out, cap);

	if (status < 100 || status > 999)
		return VX_E_INVAL;
	puts_(&o, "HTTP/1.1 ");
	put_u64(&o, (uint64_t)status);
	puts_(&o, " ");
	puts_(&o, vx_http_reason(status));
	puts_(&o, "\r\nServer: VectraOS-httpd/1\r\n");
	if (type) {
		puts_(&o, "Content-Type: ");
		puts_(&o, type);
		puts_(&o, "\r\n");
	}
	if (length >= 0) {
		puts_(&o, "Content-Length: ");
		put_u64(&o, (uint64_t)length);
		puts_(&o, "\r\n");
	}
	if (extra) {
		puts_(&o, extra);
		puts_(&o, "\r\n");
	}
	puts_(&o, "Connection: close\r\n\r\n");
	return finish(&o);
}

/* ------------------------------------------------------------------ URLs */

int vx_url_parse(const char *s, struct vx_url *u)
{
	size_t n = 0, i, host_end, a;

	while (n <= VX_URL_MAX && s[n]) /* strnlen is not C11 */
		n++;

	memset(u, 0, sizeof(*u));
	if (n > VX_URL_MAX)
		return VX_HTTP_E_URL_LONG;
	if (n >= 8 && eq_nocase(s, 8, "https://"))
		return VX_HTTP_E_HTTPS;
	if (n < 7 || !eq_nocase(s, 7, "http://"))
		return VX_HTTP_E_SCHEME;
	/* The authority: up to '/', '?', '#' or the end. */
	a = 7;
	for (i = a; i < n && s[i] != '/' && s[i] != '?' && s[i] != '#'; i++)
		if (s[i] == '@')
			return VX_HTTP_E_USERINFO;
	host_end = a;
	while (host_end < i && s[host_end] != ':')
		host_end++;
	if (host_end == a)
		return VX_HTTP_E_HOST_EMPTY;
	if (host_end - a > VX_URL_HOST_MAX)
		return VX_HTTP_E_HOST_LONG;
	for (size_t k = a; k < host_end; k++) {
		char c = s[k];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' ||
		      c == '.'))
			return VX_HTTP_E_HOST_BAD;
	}
	memcpy(u->host, s + a, host_end - a);
	u->port = 80;
	if (host_end < i) {
		uint32_t port = 0;
		size_t k = host_end + 1;
		if (k == i || i - k > 5)
			return VX_HTTP_E_PORT;
		for (; k < i; k++) {
			if (!is_digit(s[k]))
				return VX_HTTP_E_PORT;
			port = port * 10 + (uint32_t)(s[k] - '0');
		}
		if (port == 0 || port > 65535)
			return VX_HTTP_E_PORT;
		u->port = (uint16_t)port;
		u->port_given = true;
	}
	/* The path and query, up to the fragment. */
	size_t t = 0;
	if (i == n || s[i] != '/')
		u->target[t++] = '/';
	for (; i < n && s[i] != '#'; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c >= 0x7f)
			return VX_HTTP_E_URL_BYTE;
		u->target[t++] = (char)c;
	}
	u->target[t] = '\0'; /* t <= n - 7 + 1: the scheme is gone, a '/' perhaps added */
	return VX_OK;
}

/* ------------------------------------------------------------------ paths */

/* Checks a decoded segment seg[0..n): its bytes and that it is not "."
 * or "..". */
static int segment_ok(const char *seg, size_t n)
{
	if (n > VX_HTTP_NAME_MAX)
		return VX_HTTP_E_PATH_LONG;
	if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
		return VX_HTTP_E_TRAVERSAL;
	return VX_OK;
}

long vx_http_path_decode(const char *p, size_t n, char *out, bool *slash)
{
	size_t o = 0, seg = 0; /* out's length, and where the current segment starts */
	int rc;

	*slash = false;
	if (n == 0 || p[0] != '/')
		return VX_HTTP_E_TARGET;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '/') {
			if ((rc = segment_ok(out + seg, o - seg)) < 0)
				return rc;
			if (o > seg) {
				if (o == VX_HTTP_PATH_MAX)
					return VX_HTTP_E_PATH_LONG;
				out[o++] = '/';
			}
			seg = o;
			continue;
		}
		if (c <= 0x20 || c >= 0x7f)
			return VX_HTTP_E_PATH_CTRL;
		if (c == '%') {
			int hi = i + 2 < n ? hex_val((unsigned char)p[i + 1]) : -1;
			int lo = i + 2 < n ? hex_val((unsigned char)p[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				return VX_HTTP_E_PCT;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
			if (c == 0)
				return VX_HTTP_E_PATH_NUL;
			if (c == '/')
				return VX_HTTP_E_PATH_SLASH;
			if (c < 0x20 || c == 0x7f)
				return VX_HTTP_E_PATH_CTRL;
		}
		if (c == '\\')
			return VX_HTTP_E_PATH_SLASH;
		if (c == ':')
			return VX_HTTP_E_PATH_COLON;
		if (o == VX_HTTP_PATH_MAX)
			return VX_HTTP_E_PATH_LONG;
		out[o++] = (char)c;
	}
	if ((rc = segment_ok(out + seg, o - seg)) < 0)
		return rc;
	/* A trailing separator was written before a segment that never came. */
	if (o > 0 && out[o - 1] == '/')
		o--;
	out[o] = '\0';
	*slash = p[n - 1] == '/';
	return (long)o;
}

size_t vx_url_filename(const struct vx_url *u, char *out)
{
	const char *t = u->target, *last = t;
	char path[VX_HTTP_PATH_MAX + 1];
	size_t n = 0;
	bool slash;

	while (t[n] && t[n] != '?')
		n++;
	for (size_t i = 0; i < n; i++)
		if (t[i] == '/')
			last = t + i;
	/* The last segment alone, as a one-segment path. */
	long k = vx_http_path_decode(last, n - (size_t)(last - t), path, &slash);
	if (k <= 0 || k > (long)VX_HTTP_NAME_MAX) {
		memcpy(out, "index.html", 11);
		return 10;
	}
	memcpy(out, path, (size_t)k + 1);
	return (size_t)k;
}

/* -------------------------------------------------------- the line reader */

/* Takes bytes of one line from in[0..n) into l.  Returns how many it
 * consumed; *done says the line is complete (l->buf NUL-terminated,
 * without its end), or an error: too_long is the one for a line over
 * VX_HTTP_LINE_MAX. */
static long line_take(struct vx_http_line *l, const uint8_t *in, size_t n, bool *done, int too_long)
{
	*done = false;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = in[i];
		if (l->cr) {
			if (c != '\n')
				return VX_HTTP_E_BARE_CR;
			l->cr = false;
			l->buf[l->len] = '\0';
			*done = true;
			return (long)(i + 1);
		}
		if (c == '\r') {
			l->cr = true;
			continue;
		}
		if (c == '\n') {
			l->buf[l->len] = '\0';
			*done = true;
			return (long)(i + 1);
		}
		if (l->len == VX_HTTP_LINE_MAX)
			return too_long;
		l->buf[l->len++] = (char)c;
	}
	return (long)n;
}

static void line_reset(struct vx_http_line *l)
{
	l->len = 0;
	l->cr = false;
}

/* Splits a header line into name and value (OWS trimmed); refuses what
 * http.h says a header line may not be. */
static int header_split(const struct vx_http_line *l, const char **name, size_t *name_len,
			const char **value, size_t *value_len)
{
	const char *b = l->buf;
	size_t n = l->len, i = 0, v, e;

	while (i < n && is_tchar((unsigned char)b[i]))
		i++;
	if (i == 0 || i == n || b[i] != ':')
		return VX_HTTP_E_HEADER_BAD; /* folding, empty name, bad byte, space before ':' */
	for (size_t k = i + 1; k < n; k++) {
		unsigned char c = (unsigned char)b[k];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return VX_HTTP_E_HEADER_BAD;
	}
	v = i + 1;
	while (v < n && is_ows((unsigned char)b[v]))
		v++;
	e = n;
	while (e > v && is_ows((unsigned char)b[e - 1]))
		e--;
	*name = b;
	*name_len = i;
	*value = b + v;
	*value_len = e - v;
	return VX_OK;
}

/* ------------------------------------------------------------ responses */

void vx_http_resp_init(struct vx_http_resp *r, bool head)
{
	memset(r, 0, sizeof(*r));
	r->state = VX_HTTP_RS_STATUS;
	r->head = head;
}

static long resp_fail(struct vx_http_resp *r, int err)
{
	r->state = VX_HTTP_RS_ERROR;
	r->err = err;
	return err;
}

static int status_line(struct vx_http_resp *r)
{
	const char *b = r->line.buf;
	size_t n = r->line.len, k = 0;

	if (n < 5 || memcmp(b, "HTTP/", 5) != 0)
		return VX_HTTP_E_STATUS_LINE;
	if (n < 12 || !is_digit(b[5]) || b[6] != '.' || !is_digit(b[7]) || b[8] != ' ')
		return VX_HTTP_E_STATUS_LINE;
	if (b[5] != '1')
		return VX_HTTP_E_VERSION;
	if (!is_digit(b[9]) || !is_digit(b[10]) || !is_digit(b[11]) || b[9] == '0')
		return VX_HTTP_E_STATUS_LINE;
	if (n > 12 && b[12] != ' ')
		return VX_HTTP_E_STATUS_LINE;
	r->minor = (uint8_t)(b[7] - '0');
	r->status = (b[9] - '0') * 100 + (b[10] - '0') * 10 + (b[11] - '0');
	for (size_t i = 13; i < n && k < VX_HTTP_REASON_MAX; i++) {
		unsigned char c = (unsigned char)b[i];
		r->reason[k++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	r->reason[k] = '\0';
	return VX_OK;
}

/* A decimal number of at most VX_HTTP_BODY_MAX from s[0..n). */
static int decimal(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0)
		return VX_HTTP_E_CL_BAD;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return VX_HTTP_E_CL_BAD;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > VX_HTTP_BODY_MAX)
			return VX_HTTP_E_CL_OVERFLOW;
	}
	*out = v;
	return VX_OK;
}

/* Content-Length: a number, or a list of equal ones. */
static int content_length(struct vx_http_resp *r, const char *v, size_t n)
{
	size_t i = 0;

	for (;;) {
		size_t s = i, e;
		uint64_t len;
		int rc;
		while (i < n && v[i] != ',')
			i++;
		e = i;
		while (s < e && is_ows((unsigned char)v[s]))
			s++;
		while (e > s && is_ows((unsigned char)v[e - 1]))
			e--;
		if ((rc = decimal(v + s, e - s, &len)) < 0)
			return rc;
		if (r->has_length && r->length != len)
			return VX_HTTP_E_CL_CONFLICT;
		r->has_length = true;
		r->length = len;
		if (i == n)
			return VX_OK;
		i++;
	}
}

static int resp_header(struct vx_http_resp *r)
{
	const char *name, *value;
	size_t nl, vl;
	int rc;

	if (++r->nheaders > VX_HTTP_HEADERS_MAX)
		return VX_HTTP_E_HEADERS_MANY;
	if ((rc = header_split(&r->line, &name, &nl, &value, &vl)) < 0)
		return rc;
	if (r->state == VX_HTTP_RS_TRAILERS)
		return VX_OK; /* trailers are checked, never used */
	if (eq_nocase(name, nl, "content-length"))
		return content_length(r, value, vl);
	if (eq_nocase(name, nl, "transfer-encoding")) {
		if (r->has_te || !eq_nocase(value, vl, "chunked"))
			return VX_HTTP_E_TE_UNSUPPORTED;
		r->has_te = true;
		r->chunked = true;
	}
	return VX_OK;
}

/* The empty line after the headers: decides how the body is framed. */
static int resp_head_end(struct vx_http_resp *r)
{
	if (r->status < 200) { /* interim: the real response follows */
		bool head = r->head;
		vx_http_resp_init(r, head);
		return VX_OK;
	}
	if (r->has_te && r->has_length)
		return VX_HTTP_E_TE_CL;
	r->nheaders = 0;
	if (r->head || r->status == 204 || r->status == 304)
		r->state = VX_HTTP_RS_DONE;
	else if (r->chunked)
		r->state = VX_HTTP_RS_CHUNK_SIZE;
	else if (r->has_length && r->length == 0)
		r->state = VX_HTTP_RS_DONE;
	else if (r->has_length) {
		r->state = VX_HTTP_RS_BODY_LEN;
		r->left = r->length;
	} else
		r->state = VX_HTTP_RS_BODY_CLOSE;
	return VX_OK;
}

static int chunk_size(struct vx_http_resp *r)
{
	const char *b = r->line.buf;
	size_t n = r->line.len, i = 0;
	uint64_t v = 0;

	while (i < n && hex_val((unsigned char)b[i]) >= 0) {
		v = v << 4 | (uint64_t)hex_val((unsigned char)b[i]);
		if (v > VX_HTTP_BODY_MAX)
			return VX_HTTP_E_CHUNK_OVERFLOW;
		i++;
	}
	if (i == 0 || (i < n && b[i] != ';' && !is_ows((unsigned char)b[i])))
		return VX_HTTP_E_CHUNK_SIZE;
	if (v > VX_HTTP_BODY_MAX - r->body)
		return VX_HTTP_E_CHUNK_OVERFLOW;
	r->left = v;
	r->state = v ? VX_HTTP_RS_CHUNK_DATA : VX_HTTP_RS_TRAILERS;
	return VX_OK;
}

/* One complete line in the states that read lines. */
static int resp_line(struct vx_http_resp *r)
{
	switch (r->state) {
	case VX_HTTP_RS_STATUS: {
		int rc = status_line(r);
		if (rc == VX_OK)
			r->state = VX_HTTP_RS_HEADERS;
		return rc;
	}
	case VX_HTTP_RS_HEADERS:
		return r->line.len == 0 ? resp_head_end(r) : resp_header(r);
	case VX_HTTP_RS_CHUNK_SIZE:
		return chunk_size(r);
	case VX_HTTP_RS_TRAILERS:
		if (r->line.len == 0) {
			r->state = VX_HTTP_RS_DONE;
			return VX_OK;
		}
		return resp_header(r);
	default:
		return VX_HTTP_E_STATUS_LINE; /* not reached */
	}
}

/* The CRLF (or LF) after a chunk's data. */
static long chunk_crlf(struct vx_http_resp *r, const uint8_t *in, size_t n)
{
	size_t i = 0;

	if (!r->line.cr) {
		if (in[0] == '\n') {
			r->state = VX_HTTP_RS_CHUNK_SIZE;
			return 1;
		}
		if (in[0] != '\r')
			return VX_HTTP_E_CHUNK_END;
		r->line.cr = true;
		i = 1;
		if (n == 1)
			return 1;
	}
	if (in[i] != '\n')
		return VX_HTTP_E_CHUNK_END;
	r->line.cr = false;
	r->state = VX_HTTP_RS_CHUNK_SIZE;
	return (long)(i + 1);
}

long vx_http_resp_feed(struct vx_http_resp *r, const uint8_t *in, size_t n, const uint8_t **body,
		       size_t *body_len)
{
	long k;
	bool done;
	int rc;

	*body = NULL;
	*body_len = 0;
	if (r->state == VX_HTTP_RS_ERROR)
		return r->err;
	if (n == 0 || r->state == VX_HTTP_RS_DONE)
		return 0;
	switch (r->state) {
	case VX_HTTP_RS_BODY_CLOSE:
		if (n > VX_HTTP_BODY_MAX - r->body)
			return resp_fail(r, VX_HTTP_E_CL_OVERFLOW);
		r->body += n;
		*body = in;
		*body_len = n;
		return (long)n;
	case VX_HTTP_RS_BODY_LEN:
	case VX_HTTP_RS_CHUNK_DATA: {
		size_t take = r->left < n ? (size_t)r->left : n;
		r->left -= take;
		r->body += take;
		*body = in;
		*body_len = take;
		if (r->left == 0)
			r->state = r->state == VX_HTTP_RS_BODY_LEN ? VX_HTTP_RS_DONE
								   : VX_HTTP_RS_CHUNK_CRLF;
		return (long)take;
	}
	case VX_HTTP_RS_CHUNK_CRLF:
		k = chunk_crlf(r, in, n);
		return k < 0 ? resp_fail(r, (int)k) : k;
	default:
		break;
	}
	/* The states that read lines take one line at most per call. */
	k = line_take(&r->line, in, n, &done, VX_HTTP_E_LINE_LONG);
	if (k < 0)
		return resp_fail(r, (int)k);
	if (done) {
		if ((rc = resp_line(r)) < 0)
			return resp_fail(r, rc);
		line_reset(&r->line);
	}
	return k;
}

bool vx_http_resp_head_done(const struct vx_http_resp *r)
{
	return r->state != VX_HTTP_RS_STATUS && r->state != VX_HTTP_RS_HEADERS &&
	       r->state != VX_HTTP_RS_ERROR;
}

bool vx_http_resp_done(const struct vx_http_resp *r)
{
	return r->state == VX_HTTP_RS_DONE;
}

int vx_http_resp_eof(struct vx_http_resp *r)
{
	if (r->state == VX_HTTP_RS_ERROR)
		return r->err;
	if (r->state == VX_HTTP_RS_BODY_CLOSE)
		r->state = VX_HTTP_RS_DONE;
	if (r->state == VX_HTTP_RS_DONE)
		return VX_OK;
	return (int)resp_fail(r, VX_HTTP_E_TRUNCATED);
}

/* ------------------------------------------------------------- requests */

enum { RQ_LINE, RQ_HEADERS, RQ_DONE, RQ_ERROR };

void vx_http_req_init(struct vx_http_req *q)
{
	memset(q, 0, sizeof(*q));
}

static long req_fail(struct vx_http_req *q, int err)
{
	q->state = RQ_ERROR;
	q->err = err;
	return err;
}

static int method_of(struct vx_http_req *q, const char *m, size_t n)
{
	static const char *const refused[] = {"POST",	 "PUT",	  "DELETE", "CONNECT",
					      "OPTIONS", "TRACE", "PATCH"};

	for (size_t i = 0; i < n; i++)
		if (!is_tchar((unsigned char)m[i]))
			return VX_HTTP_E_REQUEST_LINE;
	memcpy(q->method_name, m, n < sizeof(q->method_name) ? n : sizeof(q->method_name) - 1);
	if (n == 3 && memcmp(m, "GET", 3) == 0) {
		q->method = VX_HTTP_GET;
		return VX_OK;
	}
	if (n == 4 && memcmp(m, "HEAD", 4) == 0) {
		q->method = VX_HTTP_HEAD;
		return VX_OK;
	}
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (strlen(refused[i]) == n && memcmp(m, refused[i], n) == 0)
			return VX_HTTP_E_METHOD_NOT_ALLOWED;
	return VX_HTTP_E_METHOD_UNKNOWN;
}

static int request_line(struct vx_http_req *q)
{
	const char *b = q->line.buf;
	size_t n = q->line.len, sp1, sp2, t_end;
	long k;
	int rc;

	for (sp1 = 0; sp1 < n && b[sp1] != ' '; sp1++)
		;
	if (sp1 == 0 || sp1 == n)
		return VX_HTTP_E_REQUEST_LINE;
	for (sp2 = n; sp2 > sp1 + 1 && b[sp2 - 1] != ' '; sp2--)
		;
	if (sp2 <= sp1 + 1)
		return VX_HTTP_E_REQUEST_LINE;
	sp2--; /* the space before the version */
	if (sp2 == sp1 + 1)
		return VX_HTTP_E_REQUEST_LINE; /* an empty target */
	/* Version: HTTP/D.D */
	const char *v = b + sp2 + 1;
	size_t vn = n - sp2 - 1;
	if (vn != 8 || memcmp(v, "HTTP/", 5) != 0 || !is_digit(v[5]) || v[6] != '.' ||
	    !is_digit(v[7]))
		return VX_HTTP_E_REQUEST_LINE;
	if ((rc = method_of(q, b, sp1)) < 0)
		return rc;
	if (v[5] != '1' || v[7] > '1')
		return VX_HTTP_E_VERSION;
	q->minor = (uint8_t)(v[7] - '0');
	/* The target: one word; origin-form; the query cut off. */
	const char *t = b + sp1 + 1;
	for (t_end = 0; t + t_end < b + sp2; t_end++)
		if (t[t_end] == ' ')
			return VX_HTTP_E_REQUEST_LINE;
	if (t[0] != '/')
		return VX_HTTP_E_TARGET;
	for (size_t i = 0; i < t_end; i++) {
		if (t[i] == '?') {
			t_end = i;
			break;
		}
		if (t[i] == '#')
			return VX_HTTP_E_TARGET;
	}
	k = vx_http_path_decode(t, t_end, q->path, &q->slash);
	return k < 0 ? (int)k : VX_OK;
}

static int req_header(struct vx_http_req *q)
{
	const char *name, *value;
	size_t nl, vl;
	int rc;

	if (++q->nheaders > VX_HTTP_HEADERS_MAX)
		return VX_HTTP_E_HEADERS_MANY;
	if ((rc = header_split(&q->line, &name, &nl, &value, &vl)) < 0)
		return rc;
	if (eq_nocase(name, nl, "host")) {
		if (q->has_host)
			return VX_HTTP_E_HOST_DUP;
		q->has_host = true;
	}
	return VX_OK;
}

long vx_http_req_feed(struct vx_http_req *q, const uint8_t *in, size_t n)
{
	size_t used = 0;

	if (q->state == RQ_ERROR)
		return q->err;
	while (used < n && q->state != RQ_DONE) {
		bool done;
		int rc;
		long k =
		    line_take(&q->line, in + used, n - used, &done,
			      q->state == RQ_LINE ? VX_HTTP_E_TARGET_LONG : VX_HTTP_E_LINE_LONG);
		if (k < 0)
			return req_fail(q, (int)k);
		used += (size_t)k;
		if (!done)
			break;
		if (q->state == RQ_LINE) {
			/* RFC 9112 2.2: empty lines before the request line are
			 * ignored; they count as header lines, so not forever. */
			if (q->line.len == 0 && ++q->nheaders > VX_HTTP_HEADERS_MAX)
				return req_fail(q, VX_HTTP_E_HEADERS_MANY);
			if (q->line.len > 0) {
				q->nheaders = 0;
				if ((rc = request_line(q)) < 0)
					return req_fail(q, rc);
				q->state = RQ_HEADERS;
			}
		} else if (q->line.len == 0) {
			if (q->minor == 1 && !q->has_host)
				return req_fail(q, VX_HTTP_E_HOST_MISSING);
			q->state = RQ_DONE;
		} else if ((rc = req_header(q)) < 0) {
			return req_fail(q, rc);
		}
		line_reset(&q->line);
	}
	return (long)used;
}

bool vx_http_req_done(const struct vx_http_req *q)
{
	return q->state == RQ_DONE;
}
