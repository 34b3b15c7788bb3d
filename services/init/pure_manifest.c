/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The boot manifest parser (see pure_manifest.h and docs/MANIFEST.md).
 *
 * One pass over the lines builds the manifest, checking everything a single
 * line can break: bytes, length, keyword, argument count, names, numbers,
 * limits and duplicates against what came before.  A second pass checks
 * what needs the whole file: that every connect reaches a server other than
 * itself.  The first error stops the parse and the result is wiped.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vectra/abi.h>
#include <vectra/bundle.h>
#include "vx_string.h"
#include "vx_fmt.h"
#include "pure_manifest.h"

#define KIB	       1024ull
#define MIB	       (1024ull * 1024ull)
#define RETICLE_MIN    (64ull * KIB)
#define RETICLE_MAX    (256ull * MIB)
#define DEFAULT_MEMORY (2ull * MIB)
#define PORT_END       0x10000ull
#define MAX_TOKENS     8		 /* the longest directive, grant ... ioport, has 7 */
#define SHOW_MAX       32		 /* bytes of a token quoted in a message */
#define SLOT_MAX       (MF_NAME_MAX + 4) /* "as" plus ".req", with the NUL */
#define PORT_SLOT      "port"
#define RESERVED_SERVE "init"
#define SIZE_RULE      "64K..256M in whole 4K pages; decimal with optional K or M"
#define NAME_RULE      "1..23 bytes of a-z 0-9 _ . -"

/* A word of a line: not NUL-terminated; it points into the caller's text. */
struct tok {
	const char *p;
	size_t n;
};

struct parser {
	struct mf_manifest *m;
	struct mf_service *cur; /* the open service block, or NULL before the first */
	bool had_binary, had_restart, had_memory, had_args;
	uint32_t line;
	char *err;
	size_t errlen;
};

/* Writes "manifest line N: <fmt...>" to the error buffer; returns VX_E_INVAL. */
__attribute__((format(printf, 2, 3))) static int fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->err == NULL || p->errlen == 0)
		return VX_E_INVAL;
	n = vx_snprintf(p->err, p->errlen, "manifest line %u: ", (unsigned)p->line);
	if (n >= 0 && (size_t)n < p->errlen) {
		va_start(ap, fmt);
		vx_vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return VX_E_INVAL;
}

/* Copies t into buf (SHOW_MAX + 4 bytes) for quoting, cut with "..." if long. */
static const char *shown(struct tok t, char *buf)
{
	size_t n = t.n < SHOW_MAX ? t.n : SHOW_MAX;

	memcpy(buf, t.p, n);
	if (t.n > SHOW_MAX) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

static bool tok_is(struct tok t, const char *s)
{
	size_t n = strlen(s);

	return t.n == n && memcmp(t.p, s, n) == 0;
}

/* Same word, ignoring ASCII case: to point out "Service" as a keyword. */
static bool tok_is_nocase(struct tok t, const char *s)
{
	size_t i;

	for (i = 0; i < t.n && s[i]; i++) {
		char c = t.p[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != s[i])
			return false;
	}
	return i == t.n && s[i] == '\0';
}

/* The Bundle name rule (vectra/bundle.h), capped at MF_NAME_MAX - 1 bytes. */
static bool name_ok(struct tok t)
{
	if (t.n == 0 || t.n >= MF_NAME_MAX)
		return false;
	for (size_t i = 0; i < t.n; i++)
		if (!vx_bundle_name_char(t.p[i]))
			return false;
	return true;
}

/* dst must hold MF_NAME_MAX bytes; t must have passed name_ok. */
static void copy_name(char *dst, struct tok t)
{
	memset(dst, 0, MF_NAME_MAX);
	memcpy(dst, t.p, t.n);
}

/* Checks a name argument; what says which name it is, for the message. */
static int want_name(struct parser *p, struct tok t, const char *what)
{
	char b[SHOW_MAX + 4];

	if (!name_ok(t))
		return fail(p, "bad %s '%s' (%s)", what, shown(t, b), NAME_RULE);
	return VX_OK;
}

/* Value of one digit in base 16, or 16 if c is not a hex digit. */
static unsigned digit(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (unsigned)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (unsigned)(c - 'A' + 10);
	return 16;
}

/* Digits s[0..n) in base; false if empty, a non-digit or over 64 bits. */
static bool digits(const char *s, size_t n, unsigned base, uint64_t *v)
{
	uint64_t x = 0;

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned d = digit(s[i]);

		if (d >= base || x > (UINT64_MAX - d) / base)
			return false;
		x = x * base + d;
	}
	*v = x;
	return true;
}

/* A number: decimal, or hex after "0x". */
static bool parse_number(struct tok t, uint64_t *v)
{
	if (t.n >= 2 && t.p[0] == '0' && t.p[1] == 'x')
		return digits(t.p + 2, t.n - 2, 16, v);
	return digits(t.p, t.n, 10, v);
}

/* A Reticle size: decimal with an optional K or M suffix, 64K..256M, whole
 * pages (a split of anything else fails with VX_E_ALIGN). */
static bool parse_size(struct tok t, uint64_t *v)
{
	uint64_t unit = 1, x;
	size_t n = t.n;

	if (n > 0 && t.p[n - 1] == 'K')
		unit = KIB, n--;
	else if (n > 0 && t.p[n - 1] == 'M')
		unit = MIB, n--;
	if (!digits(t.p, n, 10, &x) || x > RETICLE_MAX / unit)
		return false;
	x *= unit;
	if (x < RETICLE_MIN || x > RETICLE_MAX || x % VX_PAGE_SIZE != 0)
		return false;
	*v = x;
	return true;
}

/* Checks that a directive has min..max words, the keyword included. */
static int nargs(struct parser *p, const struct tok *t, size_t nt, size_t min, size_t max,
		 const char *usage)
{
	char b[SHOW_MAX + 4];

	if (nt < min)
		return fail(p, "missing argument (usage: %s)", usage);
	if (nt > max)
		return fail(p, "extra argument '%s' (usage: %s)", shown(t[max], b), usage);
	return VX_OK;
}

/* Does name already name a Bundle slot of s?  Returns the line that took it,
 * or 0. */
static uint32_t slot_line(const struct mf_service *s, const char *name)
{
	for (uint32_t i = 0; i < s->ngrant; i++)
		if (strcmp(s->grant[i].slot, name) == 0)
			return s->grant[i].line;
	for (uint32_t i = 0; i < s->nconnect; i++) {
		size_t n = strlen(s->connect[i].as);

		if (strncmp(name, s->connect[i].as, n) == 0 &&
		    (strcmp(name + n, ".req") == 0 || strcmp(name + n, ".rep") == 0))
			return s->connect[i].line;
	}
	return 0;
}

/* Fails if slot name is taken in the open service. */
static int slot_free(struct parser *p, const char *name)
{
	uint32_t at = slot_line(p->cur, name);

	if (at != 0)
		return fail(p, "slot '%s' is already used in service '%s' (line %u)", name,
			    p->cur->name, (unsigned)at);
	return VX_OK;
}

/* service NAME */
static int do_service(struct parser *p, const struct tok *t, size_t nt)
{
	struct mf_manifest *m = p->m;
	struct mf_service *s;
	int rc;

	if ((rc = nargs(p, t, nt, 2, 2, "service NAME")) != VX_OK ||
	    (rc = want_name(p, t[1], "service name")) != VX_OK)
		return rc;
	for (uint32_t i = 0; i < m->n; i++)
		if (tok_is(t[1], m->svc[i].name))
			return fail(p, "service '%s' is already defined on line %u", m->svc[i].name,
				    (unsigned)m->svc[i].line);
	if (m->n == MF_MAX_SERVICES)
		return fail(p, "too many services (at most %d)", MF_MAX_SERVICES);
	s = &m->svc[m->n++];
	copy_name(s->name, t[1]);
	copy_name(s->binary, t[1]);
	s->restart = MF_ON_FAILURE;
	s->memory = DEFAULT_MEMORY;
	s->line = p->line;
	p->cur = s;
	p->had_binary = p->had_restart = p->had_memory = p->had_args = false;
	return VX_OK;
}

/* binary NAME */
static int do_binary(struct parser *p, const struct tok *t, size_t nt)
{
	int rc;

	if ((rc = nargs(p, t, nt, 2, 2, "binary NAME")) != VX_OK ||
	    (rc = want_name(p, t[1], "binary name")) != VX_OK)
		return rc;
	if (p->had_binary)
		return fail(p, "second 'binary' in service '%s'", p->cur->name);
	p->had_binary = true;
	copy_name(p->cur->binary, t[1]);
	return VX_OK;
}

/* args WORD... : the service's args, instead of its name */
static int do_args(struct parser *p, const struct tok *t, size_t nt)
{
	struct mf_service *s = p->cur;
	char b[SHOW_MAX + 4];
	size_t n = 0;
	int rc;

	if ((rc = nargs(p, t, nt, 2, MAX_TOKENS - 1, "args WORD...")) != VX_OK)
		return rc;
	if (p->had_args)
		return fail(p, "second 'args' in service '%s'", s->name);
	for (size_t i = 1; i < nt; i++) {
		if (n + (i > 1) + t[i].n >= MF_ARGS_MAX)
			return fail(p, "args too long at '%s' (at most %u bytes)", shown(t[i], b),
				    (unsigned)(MF_ARGS_MAX - 1));
		if (i > 1)
			s->args[n++] = ' ';
		memcpy(s->args + n, t[i].p, t[i].n);
		n += t[i].n;
	}
	s->args[n] = 0;
	p->had_args = true;
	return VX_OK;
}

/* restart always|on-failure|never */
static int do_restart(struct parser *p, const struct tok *t, size_t nt)
{
	static const char *const names[] = {"always", "on-failure", "never"};
	static const uint32_t values[] = {MF_ALWAYS, MF_ON_FAILURE, MF_NEVER};
	char b[SHOW_MAX + 4];
	int rc;

	if ((rc = nargs(p, t, nt, 2, 2, "restart always|on-failure|never")) != VX_OK)
		return rc;
	if (p->had_restart)
		return fail(p, "second 'restart' in service '%s'", p->cur->name);
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		if (tok_is(t[1], names[i])) {
			p->cur->restart = values[i];
			p->had_restart = true;
			return VX_OK;
		}
	}
	return fail(p, "bad restart policy '%s' (always, on-failure or never)", shown(t[1], b));
}

/* dma unconfined */
static int do_dma(struct parser *p, const struct tok *t, size_t nt)
{
	char b[SHOW_MAX + 4];
	int rc;

	if ((rc = nargs(p, t, nt, 2, 2, "dma unconfined")) != VX_OK)
		return rc;
	if (!tok_is(t[1], "unconfined"))
		return fail(p, "bad dma mode '%s' (only 'unconfined' can be said)", shown(t[1], b));
	if (p->cur->dma_unconfined)
		return fail(p, "second 'dma' in service '%s'", p->cur->name);
	p->cur->dma_unconfined = 1;
	return VX_OK;
}

/* memory SIZE */
static int do_memory(struct parser *p, const struct tok *t, size_t nt)
{
	char b[SHOW_MAX + 4];
	int rc;

	if ((rc = nargs(p, t, nt, 2, 2, "memory SIZE")) != VX_OK)
		return rc;
	if (p->had_memory)
		return fail(p, "second 'memory' in service '%s'", p->cur->name);
	if (!parse_size(t[1], &p->cur->memory))
		return fail(p, "bad memory size '%s' (%s)", shown(t[1], b), SIZE_RULE);
	p->had_memory = true;
	return VX_OK;
}

/* serve NAME */
static int do_serve(struct parser *p, const struct tok *t, size_t nt)
{
	struct mf_service *s = p->cur;
	uint32_t at;
	int rc;

	if ((rc = nargs(p, t, nt, 2, 3, "serve NAME [attached]")) != VX_OK ||
	    (rc = want_name(p, t[1], "serve name")) != VX_OK)
		return rc;
	if (nt == 3 && !tok_is(t[2], "attached")) {
		char b[SHOW_MAX + 4];
		return fail(p, "expected 'attached', found '%s' (usage: serve NAME [attached])",
			    shown(t[2], b));
	}
	if (s->serve[0] != '\0')
		return fail(p, "second 'serve' in service '%s' (it already serves '%s')", s->name,
			    s->serve);
	if (tok_is(t[1], RESERVED_SERVE))
		return fail(p, "'%s' is reserved: init itself serves it", RESERVED_SERVE);
	for (uint32_t i = 0; i + 1 < p->m->n; i++)
		if (tok_is(t[1], p->m->svc[i].serve))
			return fail(p, "'%s' is already served by service '%s'", p->m->svc[i].serve,
				    p->m->svc[i].name);
	if ((at = slot_line(s, PORT_SLOT)) != 0)
		return fail(p,
			    "a service that serves needs slot '%s' for its port, but line %u "
			    "already uses it",
			    PORT_SLOT, (unsigned)at);
	copy_name(s->serve, t[1]);
	s->attached = nt == 3;
	return VX_OK;
}

/* connect NAME [as SLOT] */
static int do_connect(struct parser *p, const struct tok *t, size_t nt)
{
	static const char usage[] = "connect NAME [as SLOT]";
	struct mf_service *s = p->cur;
	struct mf_connect *c;
	struct tok as = t[1];
	char slot[SLOT_MAX], b[SHOW_MAX + 4];
	int rc;

	if ((rc = nargs(p, t, nt, 2, 4, usage)) != VX_OK)
		return rc;
	if (nt > 2 && !tok_is(t[2], "as"))
		return fail(p, "expected 'as', found '%s' (usage: %s)", shown(t[2], b), usage);
	if (nt == 3)
		return fail(p, "missing argument (usage: %s)", usage);
	if (nt == 4)
		as = t[3];
	if ((rc = want_name(p, t[1], "connect name")) != VX_OK ||
	    (rc = want_name(p, as, "slot name")) != VX_OK)
		return rc;
	if (s->nconnect == MF_MAX_CONNECTS)
		return fail(p, "too many connects in service '%s' (at most %d)", s->name,
			    MF_MAX_CONNECTS);
	for (size_t i = 0; i < 2; i++) {
		memcpy(slot, as.p, as.n);
		memcpy(slot + as.n, i == 0 ? ".req" : ".rep", 5);
		if ((rc = slot_free(p, slot)) != VX_OK)
			return rc;
	}
	c = &s->connect[s->nconnect++];
	copy_name(c->service, t[1]);
	copy_name(c->as, as);
	c->line = p->line;
	return VX_OK;
}

/* The arguments after "ioport": BASE COUNT [r|w|rw]. */
static int grant_ioport(struct parser *p, const struct tok *t, size_t nt, struct mf_grant *g)
{
	char b[SHOW_MAX + 4];

	if (!parse_number(t[0], &g->a) || g->a >= PORT_END)
		return fail(p, "bad port base '%s' (decimal or 0x hex, below 0x10000)",
			    shown(t[0], b));
	if (!parse_number(t[1], &g->b) || g->b == 0 || g->b > PORT_END - g->a)
		return fail(p, "bad port count '%s' (at least 1; base + count at most 0x10000)",
			    shown(t[1], b));
	if (nt < 3 || tok_is(t[2], "rw"))
		g->rights = VX_R_READ | VX_R_WRITE;
	else if (tok_is(t[2], "r"))
		g->rights = VX_R_READ;
	else if (tok_is(t[2], "w"))
		g->rights = VX_R_WRITE;
	else
		return fail(p, "bad port access '%s' (r, w or rw)", shown(t[2], b));
	return VX_OK;
}

/* The arguments after the kind word; t[0] is the first of them. */
static int grant_args(struct parser *p, uint32_t kind, const struct tok *t, size_t nt,
		      struct mf_grant *g)
{
	char b[SHOW_MAX + 4];

	switch (kind) {
	case MF_IOPORT:
		return grant_ioport(p, t, nt, g);
	case MF_IRQ:
		if (!parse_number(t[0], &g->a) || g->a < 1 || g->a > 23 || g->a == 2)
			return fail(p, "bad irq line '%s' (1..23, not 2)", shown(t[0], b));
		return VX_OK;
	case MF_BOOT: {
		static const char *const caps[] = {"ecam", "mmio", "pci", "msi", "devmem"};
		for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
			if (tok_is(t[0], caps[i])) {
				copy_name(g->boot, t[0]);
				return VX_OK;
			}
		}
		return fail(p, "unknown boot capability '%s' (%s)", shown(t[0], b), MF_BOOT_CAPS);
	}
	case MF_RETICLE:
		if (!parse_size(t[0], &g->a))
			return fail(p, "bad reticle size '%s' (%s)", shown(t[0], b), SIZE_RULE);
		return VX_OK;
	case MF_BOOTIMG:
		g->rights = VX_R_READ;
		return VX_OK;
	default:
		return VX_OK;
	}
}

/* grant SLOT = KIND ARGS... */
static int do_grant(struct parser *p, const struct tok *t, size_t nt)
{
	static const struct {
		const char *word;
		uint32_t kind;
		size_t min, max; /* words after the kind */
		const char *usage;
	} kinds[] = {
	    {"ioport", MF_IOPORT, 2, 3, "grant SLOT = ioport BASE COUNT [r|w|rw]"},
	    {"irq", MF_IRQ, 1, 1, "grant SLOT = irq LINE"},
	    {"reticle", MF_RETICLE, 1, 1, "grant SLOT = reticle SIZE"},
	    {"bootimg", MF_BOOTIMG, 0, 0, "grant SLOT = bootimg"},
	    {"self", MF_SELF, 0, 0, "grant SLOT = self"},
	    {"boot", MF_BOOT, 1, 1, "grant SLOT = boot " MF_BOOT_CAPS},
	};
	static const char usage[] = "grant SLOT = ioport|irq|reticle|bootimg|self|boot ...";
	struct mf_service *s = p->cur;
	struct mf_grant g = {0};
	char b[SHOW_MAX + 4];
	size_t k;
	int rc;

	if (nt < 2)
		return fail(p, "missing argument (usage: %s)", usage);
	if ((rc = want_name(p, t[1], "slot name")) != VX_OK)
		return rc;
	if (nt > 2 && !tok_is(t[2], "="))
		return fail(p, "expected '=', found '%s' (usage: %s)", shown(t[2], b), usage);
	if (nt < 4)
		return fail(p, "missing argument (usage: %s)", usage);
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (tok_is(t[3], kinds[k].word))
			break;
	if (k == sizeof(kinds) / sizeof(kinds[0]))
		return fail(p,
			    "unknown grant kind '%s' (ioport, irq, reticle, bootimg, self or boot)",
			    shown(t[3], b));
	if ((rc = nargs(p, t, nt, 4 + kinds[k].min, 4 + kinds[k].max, kinds[k].usage)) != VX_OK)
		return rc;
	if (s->ngrant == MF_MAX_GRANTS)
		return fail(p, "too many grants in service '%s' (at most %d)", s->name,
			    MF_MAX_GRANTS);
	copy_name(g.slot, t[1]);
	if ((rc = slot_free(p, g.slot)) != VX_OK)
		return rc;
	if (s->serve[0] != '\0' && strcmp(g.slot, PORT_SLOT) == 0)
		return fail(p, "slot '%s' is reserved in a service that serves (its port Ring)",
			    PORT_SLOT);
	g.kind = kinds[k].kind;
	g.line = p->line;
	if ((rc = grant_args(p, g.kind, t + 4, nt - 4, &g)) != VX_OK)
		return rc;
	s->grant[s->ngrant++] = g;
	return VX_OK;
}

/* Splits s[0..n) into words at spaces and tabs; "=" is a word of its own.
 * Stores at most MAX_TOKENS words but returns how many there were. */
static size_t split(const char *s, size_t n, struct tok *t)
{
	size_t i = 0, nt = 0;

	for (;;) {
		size_t start;

		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == n)
			return nt;
		start = i;
		if (s[i] == '=')
			i++;
		else
			while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '=')
				i++;
		if (nt < MAX_TOKENS)
			t[nt] = (struct tok){s + start, i - start};
		nt++;
	}
}

static const struct {
	const char *word;
	int (*fn)(struct parser *p, const struct tok *t, size_t nt);
} directives[] = {
    {"service", do_service}, {"binary", do_binary}, {"restart", do_restart},
    {"memory", do_memory},   {"serve", do_serve},   {"connect", do_connect},
    {"grant", do_grant},     {"dma", do_dma},	    {"args", do_args},
};

/* One line, without its line ending. */
static int parse_line(struct parser *p, const char *s, size_t n)
{
	struct tok t[MAX_TOKENS];
	char b[SHOW_MAX + 4];
	size_t nt, i;

	if (n > MF_LINE_MAX)
		return fail(p, "line is %zu bytes long (at most %u)", n, MF_LINE_MAX);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return fail(p, "control byte 0x%02x at column %zu", c, i + 1);
	}
	for (i = 0; i < n && s[i] != '#'; i++)
		;
	nt = split(s, i, t);
	if (nt == 0)
		return VX_OK;
	for (i = 0; i < sizeof(directives) / sizeof(directives[0]); i++) {
		if (tok_is(t[0], directives[i].word)) {
			if (p->cur == NULL && directives[i].fn != do_service)
				return fail(p,
					    "'%s' outside a service block (open one with "
					    "'service NAME' first)",
					    directives[i].word);
			return directives[i].fn(p, t, nt);
		}
	}
	for (i = 0; i < sizeof(directives) / sizeof(directives[0]); i++)
		if (tok_is_nocase(t[0], directives[i].word))
			return fail(p, "unknown keyword '%s' (keywords are lowercase: '%s')",
				    shown(t[0], b), directives[i].word);
	return fail(p, "unknown keyword '%s'", shown(t[0], b));
}

/* Connect j of service i names no served name: as SERVE.GRANT it may
 * narrow a connection to SERVE, if SERVE's service takes records.  Splits
 * it and returns SERVE's service, or fails. */
static int narrowed(struct parser *p, uint32_t i, uint32_t j)
{
	struct mf_connect *c = &p->m->svc[i].connect[j];
	const char *dot = c->service;
	char serve[MF_NAME_MAX];

	while (*dot && *dot != '.')
		dot++;
	if (*dot == '\0' || dot == c->service || dot[1] == '\0')
		return fail(p, "no service serves '%s'", c->service);
	memcpy(serve, c->service, (size_t)(dot - c->service));
	serve[dot - c->service] = '\0';
	int k = mf_server_of(p->m, serve);
	if (k < 0 || strcmp(serve, RESERVED_SERVE) == 0)
		return fail(p, "no service serves '%s' (nor '%s')", c->service, serve);
	if (!p->m->svc[k].attached)
		return fail(p,
			    "'%s' narrows '%s', but service '%s' does not take grants (it "
			    "needs 'serve %s attached')",
			    c->service, serve, p->m->svc[k].name, serve);
	memmove(c->narrow, dot + 1, strlen(dot + 1) + 1);
	memcpy(c->service, serve, strlen(serve) + 1);
	return k;
}

/* The whole-file check: every connect reaches "init" or another service. */
static int check_links(struct parser *p)
{
	const struct mf_manifest *m = p->m;

	for (uint32_t i = 0; i < m->n; i++) {
		const struct mf_service *s = &m->svc[i];

		for (uint32_t j = 0; j < s->nconnect; j++) {
			const struct mf_connect *c = &s->connect[j];
			int k = mf_server_of(m, c->service);

			p->line = c->line;
			if (strcmp(c->service, RESERVED_SERVE) == 0)
				continue;
			if (k < 0 && (k = narrowed(p, i, j)) < 0)
				return k;
			if ((uint32_t)k == i)
				return fail(p, "service '%s' connects to itself ('%s')", s->name,
					    c->service);
		}
	}
	return VX_OK;
}

/* Walks the lines of text[0..len); a final line needs no newline, and a
 * "\r" right before the end of a line is part of its line ending. */
static int parse_lines(struct parser *p, const char *text, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t start = i, n;
		int rc;

		while (i < len && text[i] != '\n')
			i++;
		n = i - start;
		if (n > 0 && text[start + n - 1] == '\r')
			n--;
		p->line++;
		if ((rc = parse_line(p, text + start, n)) != VX_OK)
			return rc;
		if (i < len)
			i++; /* the '\n' */
	}
	return VX_OK;
}

/* Writes "manifest: <msg>" to err; returns rc. */
static int fail_file(char *err, size_t errlen, int rc, const char *msg)
{
	if (err != NULL && errlen > 0)
		vx_snprintf(err, errlen, "manifest: %s", msg);
	return rc;
}

int mf_parse(const char *text, size_t len, struct mf_manifest *out, char *err, size_t errlen)
{
	struct parser p = {.m = out, .err = err, .errlen = errlen};
	int rc;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (out == NULL)
		return fail_file(err, errlen, VX_E_INVAL, "no place for the result");
	memset(out, 0, sizeof(*out));
	if (text == NULL && len != 0)
		return fail_file(err, errlen, VX_E_INVAL, "no text");
	if (len > MF_FILE_MAX)
		return fail_file(err, errlen, VX_E_TOOBIG, "file is larger than 8192 bytes");
	rc = parse_lines(&p, text, len);
	if (rc == VX_OK && out->n == 0)
		rc = fail_file(err, errlen, VX_E_INVAL, "no service is defined");
	if (rc == VX_OK)
		rc = check_links(&p);
	if (rc != VX_OK)
		memset(out, 0, sizeof(*out));
	return rc;
}

int mf_server_of(const struct mf_manifest *m, const char *serve_name)
{
	if (m == NULL || serve_name == NULL || serve_name[0] == '\0')
		return -1;
	for (uint32_t i = 0; i < m->n && i < MF_MAX_SERVICES; i++)
		if (strcmp(m->svc[i].serve, serve_name) == 0)
			return (int)i;
	return -1;
}
