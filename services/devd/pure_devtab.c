/* SPDX-License-Identifier: BSD-3-Clause */
/* The etc/drivers parser (pure_devtab.h). */
#include <stdbool.h>
#include "pure_devtab.h"
#include "vectra/abi.h"
#include "vx_fmt.h"
#include "vx_string.h"

#define MAX_WORDS 12

struct word {
	const char *p;
	size_t n;
};

static bool is_word(struct word w, const char *s)
{
	return strlen(s) == w.n && memcmp(w.p, s, w.n) == 0;
}

static bool valid_name(struct word w)
{
	if (w.n == 0 || w.n >= DT_NAME_MAX)
		return false;
	for (size_t i = 0; i < w.n; i++) {
		char c = w.p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			return false;
	}
	return true;
}

static void copy(char *dst, struct word w)
{
	memcpy(dst, w.p, w.n);
	dst[w.n] = 0;
}

static int hex4(struct word w, uint16_t *out)
{
	uint32_t v = 0;

	if (w.n != 4)
		return VX_E_INVAL;
	for (size_t i = 0; i < 4; i++) {
		char c = w.p[i];
		uint32_t d = c >= '0' && c <= '9'   ? (uint32_t)(c - '0')
			     : c >= 'a' && c <= 'f' ? (uint32_t)(c - 'a' + 10)
						    : 16;
		if (d == 16)
			return VX_E_INVAL;
		v = v << 4 | d;
	}
	*out = (uint16_t)v;
	return VX_OK;
}

/* 64K..16M: decimal with a K or M suffix. */
static int size_of(struct word w, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	for (; i < w.n && w.p[i] >= '0' && w.p[i] <= '9'; i++) {
		v = v * 10 + (uint64_t)(w.p[i] - '0');
		if (v > (1u << 20))
			return VX_E_INVAL;
	}
	if (i == 0 || i + 1 != w.n || (w.p[i] != 'K' && w.p[i] != 'M'))
		return VX_E_INVAL;
	v <<= w.p[i] == 'K' ? 10 : 20;
	if (v < (64u << 10) || v > (16u << 20) || (v & (VX_PAGE_SIZE - 1)))
		return VX_E_INVAL;
	*out = v;
	return VX_OK;
}

static int fail(char *err, size_t errlen, uint32_t line, const char *what, struct word w)
{
	char shown[32];
	size_t n = w.n < sizeof(shown) - 1 ? w.n : sizeof(shown) - 1;

	memcpy(shown, w.p ? w.p : "", n);
	shown[n] = 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)shown[i] < 0x20 || (unsigned char)shown[i] > 0x7e)
			shown[i] = '?';
	if (errlen)
		vx_snprintf(err, errlen, "drivers line %u: %s '%s'", line, what, shown);
	return VX_E_INVAL;
}

/* One line (no line ending) into *e; VX_OK for a blank or comment line
 * too (e->driver[0] stays 0). */
static int parse_line(const char *s, size_t n, uint32_t line, struct dt_entry *e, char *err,
		      size_t errlen)
{
	struct word w[MAX_WORDS];
	size_t nw = 0, i = 0;

	while (i < n) {
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == n || s[i] == '#')
			break;
		size_t start = i;
		while (i < n && s[i] != ' ' && s[i] != '\t')
			i++;
		if (nw == MAX_WORDS)
			return fail(err, errlen, line, "too many words at",
				    (struct word){s + start, i - start});
		w[nw++] = (struct word){s + start, i - start};
	}
	if (nw == 0)
		return VX_OK;
	if (nw < 2)
		return fail(err, errlen, line, "expected VENDOR:DEVICE DRIVER, found", w[0]);
	if (w[0].n != 9 || w[0].p[4] != ':' ||
	    hex4((struct word){w[0].p, 4}, &e->vendor) != VX_OK ||
	    hex4((struct word){w[0].p + 5, 4}, &e->device) != VX_OK)
		return fail(err, errlen, line, "bad VENDOR:DEVICE (four lowercase hex digits each)",
			    w[0]);
	if (!valid_name(w[1]))
		return fail(err, errlen, line, "bad driver name", w[1]);
	copy(e->driver, w[1]);
	e->memory = 1u << 20;
	e->at = -1;
	for (size_t k = 2; k < nw; k += 2) {
		if (k + 1 == nw)
			return fail(err, errlen, line, "missing value after", w[k]);
		if (is_word(w[k], "connect")) {
			if (e->nconnect == DT_MAX_CONNECTS)
				return fail(err, errlen, line, "too many connects at", w[k + 1]);
			if (!valid_name(w[k + 1]))
				return fail(err, errlen, line, "bad service name", w[k + 1]);
			copy(e->connect[e->nconnect++], w[k + 1]);
		} else if (is_word(w[k], "serve")) {
			if (e->serve[0])
				return fail(err, errlen, line, "a second serve at", w[k + 1]);
			if (!is_word(w[k + 1], "blk") && !is_word(w[k + 1], "netif"))
				return fail(err, errlen, line,
					    "unknown protocol to serve (blk or netif)", w[k + 1]);
			copy(e->serve, w[k + 1]);
		} else if (is_word(w[k], "memory")) {
			if (size_of(w[k + 1], &e->memory) != VX_OK)
				return fail(err, errlen, line, "bad memory size (64K..16M)",
					    w[k + 1]);
		} else if (is_word(w[k], "at")) {
			uint16_t hi, lo;
			const char *a = w[k + 1].p;
			char b4[4] = {'0', '0', 0, 0};
			if (w[k + 1].n != 7 || a[2] != ':' || a[5] != '.' || a[6] < '0' ||
			    a[6] > '7')
				return fail(err, errlen, line, "bad address (BB:DD.F)", w[k + 1]);
			memcpy(b4 + 2, a, 2);
			if (hex4((struct word){b4, 4}, &hi) != VX_OK)
				return fail(err, errlen, line, "bad address (BB:DD.F)", w[k + 1]);
			memcpy(b4 + 2, a + 3, 2);
			if (hex4((struct word){b4, 4}, &lo) != VX_OK || lo > 31)
				return fail(err, errlen, line, "bad address (BB:DD.F)", w[k + 1]);
			e->at = (int32_t)VX_PCI_BDF(hi, lo, a[6] - '0');
		} else if (is_word(w[k], "args")) {
			if (!valid_name(w[k + 1]))
				return fail(err, errlen, line, "bad args word", w[k + 1]);
			copy(e->args, w[k + 1]);
		} else {
			return fail(err, errlen, line, "unknown option", w[k]);
		}
	}
	return VX_OK;
}

int dt_parse(const char *text, size_t len, struct dt_table *out, char *err, size_t errlen)
{
	uint32_t line = 0;
	size_t i = 0;

	memset(out, 0, sizeof(*out));
	if (errlen)
		err[0] = 0;
	if (len > DT_FILE_MAX) {
		if (errlen)
			vx_snprintf(err, errlen, "drivers: file is larger than %u bytes",
				    DT_FILE_MAX);
		return VX_E_TOOBIG;
	}
	while (i < len) {
		size_t start = i;
		while (i < len && text[i] != '\n')
			i++;
		size_t n = i - start;
		if (n && text[start + n - 1] == '\r')
			n--;
		i++;
		line++;
		struct dt_entry e;
		memset(&e, 0, sizeof(e));
		int rc = parse_line(text + start, n, line, &e, err, errlen);
		if (rc == VX_OK && e.driver[0] && out->n == DT_MAX_ENTRIES)
			rc = fail(err, errlen, line, "too many entries at",
				  (struct word){text + start, n < 9 ? n : 9});
		if (rc != VX_OK) {
			memset(out, 0, sizeof(*out));
			return rc;
		}
		if (e.driver[0])
			out->e[out->n++] = e;
	}
	return VX_OK;
}

const struct dt_entry *dt_match(const struct dt_table *t, uint16_t vendor, uint16_t device,
				uint16_t bdf)
{
	for (uint32_t i = 0; i < t->n; i++)
		if (t->e[i].vendor == vendor && t->e[i].device == device &&
		    (t->e[i].at < 0 || t->e[i].at == bdf))
			return &t->e[i];
	return NULL;
}
