/* SPDX-License-Identifier: BSD-3-Clause */
/* A small printf engine (see vx_fmt.h for what it supports). */
#include <stdbool.h>
#include <stdint.h>
#include "vx_fmt.h"

#define FMT_CAP 4096

/* One parsed conversion specification. */
struct spec {
	bool left;
	bool zero;
	int width;
	int prec; /* -1: none */
	int len;  /* 0 int, 1 long, 2 long long, 3 size_t, -1 short, -2 char */
	char conv;
};

/* The output state: a sink plus the running count. */
struct out {
	vx_fmt_sink sink;
	void *ctx;
	size_t count;
};

static void emit(struct out *o, const char *s, size_t n)
{
	if (n) {
		o->sink(o->ctx, s, n);
		o->count += n;
	}
}

/* Emits n copies of c. */
static void pad(struct out *o, char c, int n)
{
	char chunk[32];

	for (int i = 0; i < (int)sizeof(chunk); i++)
		chunk[i] = c;
	while (n > 0) {
		int k = n < (int)sizeof(chunk) ? n : (int)sizeof(chunk);

		emit(o, chunk, (size_t)k);
		n -= k;
	}
}

/* Reads a decimal number or '*' at *f; caps it at FMT_CAP. */
static int read_num(const char **f, va_list *ap, bool *neg)
{
	int v = 0;

	*neg = false;
	if (**f == '*') {
		(*f)++;
		v = va_arg(*ap, int);
		if (v < 0) {
			*neg = true;
			v = v == INT32_MIN ? FMT_CAP : -v;
		}
		return v > FMT_CAP ? FMT_CAP : v;
	}
	while (**f >= '0' && **f <= '9') {
		if (v < FMT_CAP)
			v = v * 10 + (**f - '0');
		(*f)++;
	}
	return v > FMT_CAP ? FMT_CAP : v;
}

/* Parses flags, width, precision and length after a '%'. */
static void parse_spec(const char **f, va_list *ap, struct spec *sp)
{
	bool neg;

	*sp = (struct spec){.prec = -1};
	for (;; (*f)++) {
		if (**f == '-')
			sp->left = true;
		else if (**f == '0')
			sp->zero = true;
		else
			break;
	}
	sp->width = read_num(f, ap, &neg);
	if (neg)
		sp->left = true;
	if (**f == '.') {
		(*f)++;
		sp->prec = read_num(f, ap, &neg);
		if (neg)
			sp->prec = -1;
	}
	if (**f == 'l') {
		(*f)++;
		sp->len = 1;
		if (**f == 'l') {
			(*f)++;
			sp->len = 2;
		}
	} else if (**f == 'z') {
		(*f)++;
		sp->len = 3;
	} else if (**f == 'h') {
		(*f)++;
		sp->len = -1;
		if (**f == 'h') {
			(*f)++;
			sp->len = -2;
		}
	}
	sp->conv = **f;
}

/* Emits s[0..n) padded to the spec's width with spaces. */
static void emit_padded(struct out *o, const struct spec *sp, const char *s, size_t n)
{
	int fill = sp->width > (int)n ? sp->width - (int)n : 0;

	if (!sp->left)
		pad(o, ' ', fill);
	emit(o, s, n);
	if (sp->left)
		pad(o, ' ', fill);
}

/* Emits a number: sign or prefix, digits (in buf, reversed order already fixed). */
static void emit_number(struct out *o, const struct spec *sp, const char *prefix,
			const char *digits, int nd)
{
	int np = 0, zeros = 0, fill;

	while (prefix[np])
		np++;
	if (sp->prec >= 0) {
		if (sp->prec == 0 && nd == 1 && digits[0] == '0')
			nd = 0; /* "%.0d" of zero prints nothing */
		zeros = sp->prec > nd ? sp->prec - nd : 0;
	}
	fill = sp->width - np - zeros - nd;
	if (fill < 0)
		fill = 0;
	if (sp->zero && !sp->left && sp->prec < 0) {
		zeros += fill;
		fill = 0;
	}
	if (!sp->left)
		pad(o, ' ', fill);
	emit(o, prefix, (size_t)np);
	pad(o, '0', zeros);
	emit(o, digits, (size_t)nd);
	if (sp->left)
		pad(o, ' ', fill);
}

/* Converts v to digits in base (10 or 16) into buf; returns the count. */
static int to_digits(uint64_t v, unsigned base, bool upper, char *buf)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = set[v % base];
		v /= base;
	} while (v);
	for (int i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

/* Fetches a signed argument of the spec's length. */
static int64_t arg_signed(const struct spec *sp, va_list *ap)
{
	switch (sp->len) {
	case 1:
		return va_arg(*ap, long);
	case 2:
		return va_arg(*ap, long long);
	case 3:
		return (int64_t)va_arg(*ap, size_t);
	case -1:
		return (short)va_arg(*ap, int);
	case -2:
		return (signed char)va_arg(*ap, int);
	default:
		return va_arg(*ap, int);
	}
}

/* Fetches an unsigned argument of the spec's length. */
static uint64_t arg_unsigned(const struct spec *sp, va_list *ap)
{
	switch (sp->len) {
	case 1:
		return va_arg(*ap, unsigned long);
	case 2:
		return va_arg(*ap, unsigned long long);
	case 3:
		return va_arg(*ap, size_t);
	case -1:
		return (unsigned short)va_arg(*ap, unsigned);
	case -2:
		return (unsigned char)va_arg(*ap, unsigned);
	default:
		return va_arg(*ap, unsigned);
	}
}

/* Handles one integer conversion (d i u x X p). */
static void conv_int(struct out *o, const struct spec *sp, va_list *ap)
{
	char digits[24];
	const char *prefix = "";
	uint64_t v;
	int nd;

	if (sp->conv == 'd' || sp->conv == 'i') {
		int64_t s = arg_signed(sp, ap);

		v = s < 0 ? (uint64_t)0 - (uint64_t)s : (uint64_t)s;
		if (s < 0)
			prefix = "-";
	} else if (sp->conv == 'p') {
		v = (uint64_t)(uintptr_t)va_arg(*ap, void *);
		prefix = "0x";
	} else {
		v = arg_unsigned(sp, ap);
	}
	nd = to_digits(v, sp->conv == 'd' || sp->conv == 'i' || sp->conv == 'u' ? 10 : 16,
		       sp->conv == 'X', digits);
	emit_number(o, sp, prefix, digits, nd);
}

/* Handles %s. */
static void conv_str(struct out *o, const struct spec *sp, va_list *ap)
{
	const char *s = va_arg(*ap, const char *);
	size_t n = 0;

	if (!s)
		s = "(null)";
	while ((sp->prec < 0 || n < (size_t)sp->prec) && s[n])
		n++;
	emit_padded(o, sp, s, n);
}

/* Handles the conversion at *f (just past its spec); advances *f past it. */
static void convert(struct out *o, const char **f, const char *start, va_list *ap)
{
	struct spec sp;
	char c;

	parse_spec(f, ap, &sp);
	switch (sp.conv) {
	case 'd':
	case 'i':
	case 'u':
	case 'x':
	case 'X':
	case 'p':
		conv_int(o, &sp, ap);
		break;
	case 's':
		conv_str(o, &sp, ap);
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		emit_padded(o, &sp, &c, 1);
		break;
	case '%':
		emit(o, "%", 1);
		break;
	case '\0':
		emit(o, start, (size_t)(*f - start)); /* a dangling spec: print it */
		return;
	default:
		emit(o, start, (size_t)(*f - start + 1));
		break;
	}
	(*f)++;
}

/* Shared body of vx_vformat: works on a va_list pointer so helpers can consume it. */
static size_t format(vx_fmt_sink sink, void *ctx, const char *fmt, va_list *ap)
{
	struct out o = {sink, ctx, 0};
	const char *f = fmt;

	while (*f) {
		const char *run = f;

		while (*f && *f != '%')
			f++;
		emit(&o, run, (size_t)(f - run));
		if (*f == '%') {
			const char *start = f++;

			convert(&o, &f, start, ap);
		}
	}
	return o.count;
}

size_t vx_vformat(vx_fmt_sink sink, void *ctx, const char *fmt, va_list ap)
{
	va_list copy;
	size_t n;

	va_copy(copy, ap);
	n = format(sink, ctx, fmt, &copy);
	va_end(copy);
	return n;
}

/* The snprintf sink: copies what fits, keeping room for the NUL. */
struct buf_ctx {
	char *buf;
	size_t size;
	size_t at;
};

static void buf_sink(void *ctx, const char *s, size_t n)
{
	struct buf_ctx *b = ctx;

	for (size_t i = 0; i < n && b->at + 1 < b->size; i++)
		b->buf[b->at++] = s[i];
}

int vx_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf_ctx b = {buf, buf ? size : 0, 0};
	size_t n = vx_vformat(buf_sink, &b, fmt, ap);

	if (b.size)
		b.buf[b.at] = '\0';
	return n > INT32_MAX ? INT32_MAX : (int)n;
}

int vx_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vx_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
