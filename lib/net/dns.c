/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DNS for a stub resolver: names, A queries, the response parser, the
 * cache and the hosts file.  dns.h is the contract (every limit and every
 * refusal); this file follows it.
 *
 * Names inside the parser are kept in wire form, lower-cased: a length
 * byte and that many bytes per label, ending with the zero byte.  Two
 * names are equal when those bytes are, which is DNS's case-insensitive
 * comparison for ASCII.
 */
#include "net/dns.h"
#include "net/addr.h"
#include "vx_string.h"

static const char *const why_names[VX_DNS_WHY_COUNT] = {
    [VX_DNS_OK] = "ok",
    [VX_DNS_EMPTY_NAME] = "empty-name",
    [VX_DNS_EMPTY_LABEL] = "empty-label",
    [VX_DNS_LABEL_LONG] = "label-long",
    [VX_DNS_NAME_LONG] = "name-long",
    [VX_DNS_BAD_CHAR] = "bad-char",
    [VX_DNS_SHORT] = "short",
    [VX_DNS_LONG] = "long",
    [VX_DNS_WRONG_ID] = "wrong-id",
    [VX_DNS_NOT_RESPONSE] = "not-response",
    [VX_DNS_BAD_OPCODE] = "bad-opcode",
    [VX_DNS_BAD_QDCOUNT] = "bad-qdcount",
    [VX_DNS_WRONG_QUESTION] = "wrong-question",
    [VX_DNS_TRUNCATED] = "truncated",
    [VX_DNS_NXDOMAIN] = "nxdomain",
    [VX_DNS_NODATA] = "nodata",
    [VX_DNS_SERVFAIL] = "servfail",
    [VX_DNS_REFUSED] = "refused",
    [VX_DNS_RCODE] = "rcode",
    [VX_DNS_PTR_FORWARD] = "ptr-forward",
    [VX_DNS_PTR_HOPS] = "ptr-hops",
    [VX_DNS_PTR_PAST_END] = "ptr-past-end",
    [VX_DNS_BAD_LABEL] = "bad-label",
    [VX_DNS_WIRE_LONG] = "wire-long",
    [VX_DNS_COUNT_LIES] = "count-lies",
    [VX_DNS_RDATA_PAST_END] = "rdata-past-end",
    [VX_DNS_BAD_A_LEN] = "bad-a-len",
    [VX_DNS_BAD_SOA] = "bad-soa",
    [VX_DNS_CNAME_LOOP] = "cname-loop",
    [VX_DNS_CNAME_LONG] = "cname-long",
    [VX_DNS_BAD_CNAME] = "bad-cname",
    [VX_DNS_LINE_LONG] = "line-long",
    [VX_DNS_NOT_IPV4] = "not-ipv4",
    [VX_DNS_BAD_ADDR] = "bad-addr",
    [VX_DNS_NO_NAME] = "no-name",
    [VX_DNS_TOO_MANY_NAMES] = "too-many-names",
    [VX_DNS_NUL_BYTE] = "nul-byte",
    [VX_DNS_HOSTS_FULL] = "hosts-full",
};

const char *vx_dns_why_name(enum vx_dns_why why)
{
	return (unsigned)why < VX_DNS_WHY_COUNT ? why_names[why] : NULL;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

static int refuse(enum vx_dns_why *why, enum vx_dns_why w)
{
	if (why)
		*why = w;
	return w == VX_DNS_LABEL_LONG || w == VX_DNS_NAME_LONG ? VX_E_TOOBIG : VX_E_INVAL;
}

/* ----------------------------------------------------------------- names */

int vx_dns_name_check(const char *name, char out[VX_DNS_NAME_MAX + 1], enum vx_dns_why *why)
{
	size_t n = 0, label = 0;

	if (why)
		*why = VX_DNS_OK;
	out[0] = 0;
	if (!name || name[0] == 0 || (name[0] == '.' && name[1] == 0))
		return refuse(why, VX_DNS_EMPTY_NAME);
	for (const char *p = name; *p; p++) {
		if (*p == '.') {
			if (label == 0)
				return refuse(why, VX_DNS_EMPTY_LABEL);
			if (p[1] == 0)
				break; /* the one trailing dot */
			label = 0;
		} else if (!name_char(*p)) {
			return refuse(why, VX_DNS_BAD_CHAR);
		} else if (++label > VX_DNS_LABEL_MAX) {
			return refuse(why, VX_DNS_LABEL_LONG);
		}
		if (n == VX_DNS_NAME_MAX)
			return refuse(why, VX_DNS_NAME_LONG);
		out[n++] = (char)lower((uint8_t)*p);
	}
	out[n] = 0;
	return VX_OK;
}

/* A canonical name in wire form; returns its length (with the zero). */
static size_t to_wire(const char *canon, uint8_t *w)
{
	size_t o = 0, start = 0;

	w[o++] = 0;
	for (const char *p = canon;; p++) {
		if (*p == '.' || *p == 0) {
			w[start] = (uint8_t)(o - start - 1);
			if (*p == 0)
				break;
			start = o;
			w[o++] = 0;
		} else {
			w[o++] = (uint8_t)*p;
		}
	}
	w[o++] = 0;
	return o;
}

/* ---------------------------------------------------------------- queries */

int vx_dns_query(uint8_t *buf, size_t cap, uint16_t id, const char *name, size_t *len,
		 enum vx_dns_why *why)
{
	char canon[VX_DNS_NAME_MAX + 1];
	uint8_t w[VX_DNS_WIRE_MAX + 1];
	int rc = vx_dns_name_check(name, canon, why);

	if (rc != VX_OK)
		return rc;
	size_t wl = to_wire(canon, w);
	if (!buf || cap < 12 + wl + 4)
		return VX_E_TOOBIG;
	memset(buf, 0, 12);
	buf[0] = (uint8_t)(id >> 8);
	buf[1] = (uint8_t)id;
	buf[2] = 0x01; /* RD */
	buf[5] = 1;    /* one question */
	memcpy(buf + 12, w, wl);
	uint8_t *q = buf + 12 + wl;
	q[0] = 0;
	q[1] = VX_DNS_TYPE_A;
	q[2] = 0;
	q[3] = VX_DNS_CLASS_IN;
	*len = 12 + wl + 4;
	return VX_OK;
}

/* -------------------------------------------------------------- responses */

/* The name at off of m[0..len) into w (lower-cased wire form), *wl its
 * length; *end the offset just after it where it lies (after its first
 * pointer, or its zero byte).  VX_DNS_OK or why not. */
static enum vx_dns_why read_name(const uint8_t *m, size_t len, size_t off, uint8_t *w, size_t *wl,
				 size_t *end)
{
	size_t o = 0, pos = off;
	unsigned hops = 0;
	bool jumped = false;

	for (;;) {
		if (pos >= len)
			return VX_DNS_PTR_PAST_END;
		uint8_t b = m[pos];
		if ((b & 0xc0) == 0xc0) {
			if (pos + 1 >= len)
				return VX_DNS_PTR_PAST_END;
			size_t to = (size_t)(b & 0x3f) << 8 | m[pos + 1];
			if (to >= pos)
				return VX_DNS_PTR_FORWARD;
			if (++hops > VX_DNS_PTR_HOPS_MAX)
				return VX_DNS_PTR_HOPS;
			if (!jumped)
				*end = pos + 2;
			jumped = true;
			pos = to;
			continue;
		}
		if (b & 0xc0)
			return VX_DNS_BAD_LABEL;
		if (o + 1 + b > VX_DNS_WIRE_MAX)
			return VX_DNS_WIRE_LONG;
		if (pos + 1 + b > len)
			return VX_DNS_PTR_PAST_END;
		w[o++] = b;
		if (b == 0) {
			if (!jumped)
				*end = pos + 1;
			*wl = o;
			return VX_DNS_OK;
		}
		for (size_t i = 0; i < b; i++)
			w[o++] = lower(m[pos + 1 + i]);
		pos += 1 + (size_t)b;
	}
}

struct rr {
	uint16_t owner; /* offset of its name */
	uint16_t type, class;
	uint16_t rdoff, rdlen;
	uint32_t ttl;
	bool answer; /* in the answer section (else authority) */
};

/* A record takes at least 11 bytes (a root owner name, no rdata) and the
 * question at least 5, so a message of VX_DNS_MSG_MAX bytes cannot hold
 * more than VX_DNS_RR_MAX records. */
#define RR_FIT ((VX_DNS_MSG_MAX - 12u - 5u) / 11u)
_Static_assert(RR_FIT < VX_DNS_RR_MAX, "every record of a message fits the table");

struct parse {
	const uint8_t *m;
	size_t len;
	struct rr rr[VX_DNS_RR_MAX];
	uint32_t nrr;
};

/* Is the name at off (already checked) equal to w[0..wl)? */
static bool name_is(const struct parse *p, size_t off, const uint8_t *w, size_t wl)
{
	uint8_t x[VX_DNS_WIRE_MAX];
	size_t xl, end;

	return read_name(p->m, p->len, off, x, &xl, &end) == VX_DNS_OK && xl == wl &&
	       memcmp(x, w, wl) == 0;
}

/* Walks count records from *pos into p->rr. */
static enum vx_dns_why walk(struct parse *p, size_t *pos, uint32_t count, bool answer)
{
	uint8_t w[VX_DNS_WIRE_MAX];
	size_t wl, end = 0;

	for (uint32_t i = 0; i < count; i++) {
		if (*pos >= p->len)
			return VX_DNS_COUNT_LIES;
		if (p->nrr == VX_DNS_RR_MAX)
			return VX_DNS_COUNT_LIES; /* cannot happen: see RR_FIT */
		enum vx_dns_why why = read_name(p->m, p->len, *pos, w, &wl, &end);
		if (why != VX_DNS_OK)
			return why;
		if (end + 10 > p->len)
			return VX_DNS_COUNT_LIES;
		const uint8_t *f = p->m + end;
		struct rr *r = &p->rr[p->nrr++];
		r->owner = (uint16_t)*pos;
		r->type = get16(f);
		r->class = get16(f + 2);
		r->ttl = get32(f + 4);
		if (r->ttl & 0x80000000u)
			r->ttl = 0; /* RFC 2181 8 */
		r->rdlen = get16(f + 8);
		r->rdoff = (uint16_t)(end + 10);
		r->answer = answer;
		if ((size_t)r->rdoff + r->rdlen > p->len)
			return VX_DNS_RDATA_PAST_END;
		*pos = (size_t)r->rdoff + r->rdlen;
	}
	return VX_DNS_OK;
}

/* The name in r's rdata, which must fill it exactly. */
static enum vx_dns_why rdata_name(const struct parse *p, const struct rr *r, uint8_t *w, size_t *wl)
{
	size_t end = 0;
	enum vx_dns_why why = read_name(p->m, p->len, r->rdoff, w, wl, &end);

	if (why != VX_DNS_OK)
		return why;
	return end == (size_t)r->rdoff + r->rdlen ? VX_DNS_OK : VX_DNS_BAD_CNAME;
}

static uint32_t min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* The negative TTL from the first SOA of the authority section. */
static enum vx_dns_why soa_ttl(const struct parse *p, uint32_t *ttl)
{
	uint8_t w[VX_DNS_WIRE_MAX];
	size_t wl, end = 0;

	*ttl = 0;
	for (uint32_t i = 0; i < p->nrr; i++) {
		const struct rr *r = &p->rr[i];
		if (r->answer || r->type != VX_DNS_TYPE_SOA || r->class != VX_DNS_CLASS_IN)
			continue;
		size_t stop = (size_t)r->rdoff + r->rdlen;
		enum vx_dns_why why = read_name(p->m, stop, r->rdoff, w, &wl, &end);
		if (why == VX_DNS_OK)
			why = read_name(p->m, stop, end, w, &wl, &end);
		if (why != VX_DNS_OK || end + 20 != stop)
			return VX_DNS_BAD_SOA;
		uint32_t minimum = get32(p->m + end + 16);
		if (minimum & 0x80000000u)
			minimum = 0;
		*ttl = min32(min32(r->ttl, minimum), VX_DNS_NEG_TTL_MAX);
		return VX_DNS_OK;
	}
	return VX_DNS_OK;
}

static int fail(struct vx_dns_answer *a, int rc, enum vx_dns_why why)
{
	a->why = why;
	a->naddr = 0;
	return rc;
}

int vx_dns_parse(const uint8_t *msg, size_t len, uint16_t id, const char *name,
		 struct vx_dns_answer *a)
{
	struct parse p;
	char canon[VX_DNS_NAME_MAX + 1];
	uint8_t qw[VX_DNS_WIRE_MAX + 1], w[VX_DNS_WIRE_MAX];
	size_t qwl, wl, end = 0;
	enum vx_dns_why why;

	memset(a, 0, sizeof(*a));
	int rc = vx_dns_name_check(name, canon, &why);
	if (rc != VX_OK)
		return fail(a, rc, why);
	qwl = to_wire(canon, qw);
	if (!msg || len < 12)
		return fail(a, VX_E_CORRUPT, VX_DNS_SHORT);
	if (len > VX_DNS_MSG_MAX)
		return fail(a, VX_E_CORRUPT, VX_DNS_LONG);
	uint16_t flags = get16(msg + 2);
	a->rcode = flags & 15;
	if (get16(msg) != id)
		return fail(a, VX_E_AUTH, VX_DNS_WRONG_ID);
	if (!(flags & 0x8000))
		return fail(a, VX_E_AUTH, VX_DNS_NOT_RESPONSE);
	if ((flags >> 11) & 15)
		return fail(a, VX_E_AUTH, VX_DNS_BAD_OPCODE);
	if (get16(msg + 4) != 1)
		return fail(a, VX_E_AUTH, VX_DNS_BAD_QDCOUNT);
	if ((why = read_name(msg, len, 12, w, &wl, &end)) != VX_DNS_OK)
		return fail(a, VX_E_CORRUPT, why);
	if (end + 4 > len)
		return fail(a, VX_E_CORRUPT, VX_DNS_COUNT_LIES);
	if (wl != qwl || memcmp(w, qw, wl) != 0 || get16(msg + end) != VX_DNS_TYPE_A ||
	    get16(msg + end + 2) != VX_DNS_CLASS_IN)
		return fail(a, VX_E_AUTH, VX_DNS_WRONG_QUESTION);
	if (flags & 0x0200)
		return fail(a, VX_E_TOOBIG, VX_DNS_TRUNCATED);
	switch (a->rcode) {
	case 0:
	case VX_DNS_RCODE_NXDOMAIN:
		break;
	case 2:
		return fail(a, VX_E_AGAIN, VX_DNS_SERVFAIL);
	case 5:
		return fail(a, VX_E_REFUSED, VX_DNS_REFUSED);
	default:
		return fail(a, VX_E_NOSYS, VX_DNS_RCODE);
	}

	p.m = msg;
	p.len = len;
	p.nrr = 0;
	size_t pos = end + 4;
	if ((why = walk(&p, &pos, get16(msg + 6), true)) != VX_DNS_OK ||
	    (why = walk(&p, &pos, get16(msg + 8), false)) != VX_DNS_OK)
		return fail(a, VX_E_CORRUPT, why);

	/* The chain of CNAMEs from the question's name. */
	uint8_t cur[VX_DNS_WIRE_MAX];
	size_t curl = qwl;
	uint32_t ttl = UINT32_MAX, chain[VX_DNS_CNAME_MAX];
	memcpy(cur, qw, qwl);
	for (;;) {
		uint32_t i = 0;
		while (i < p.nrr &&
		       !(p.rr[i].answer && p.rr[i].type == VX_DNS_TYPE_CNAME &&
			 p.rr[i].class == VX_DNS_CLASS_IN && name_is(&p, p.rr[i].owner, cur, curl)))
			i++;
		if (i == p.nrr)
			break;
		if ((why = rdata_name(&p, &p.rr[i], w, &wl)) != VX_DNS_OK)
			return fail(a, VX_E_CORRUPT, why);
		bool seen = wl == qwl && memcmp(w, qw, wl) == 0;
		for (uint32_t k = 0; k < a->ncname && !seen; k++) {
			uint8_t t[VX_DNS_WIRE_MAX];
			size_t tl;
			seen = rdata_name(&p, &p.rr[chain[k]], t, &tl) == VX_DNS_OK && tl == wl &&
			       memcmp(t, w, wl) == 0;
		}
		if (seen)
			return fail(a, VX_E_CORRUPT, VX_DNS_CNAME_LOOP);
		if (a->ncname == VX_DNS_CNAME_MAX)
			return fail(a, VX_E_CORRUPT, VX_DNS_CNAME_LONG);
		chain[a->ncname++] = i;
		ttl = min32(ttl, p.rr[i].ttl);
		memcpy(cur, w, wl);
		curl = wl;
	}

	/* The addresses of its last name. */
	uint32_t attl = UINT32_MAX;
	for (uint32_t i = 0; i < p.nrr; i++) {
		const struct rr *r = &p.rr[i];
		if (!r->answer || r->type != VX_DNS_TYPE_A || r->class != VX_DNS_CLASS_IN ||
		    !name_is(&p, r->owner, cur, curl))
			continue;
		if (r->rdlen != 4)
			return fail(a, VX_E_CORRUPT, VX_DNS_BAD_A_LEN);
		attl = min32(attl, r->ttl);
		bool dup = false;
		for (uint32_t k = 0; k < a->naddr && !dup; k++)
			dup = memcmp(a->addr[k], msg + r->rdoff, 4) == 0;
		if (!dup && a->naddr < VX_DNS_ADDRS_MAX)
			memcpy(a->addr[a->naddr++], msg + r->rdoff, 4);
	}
	if (a->rcode == 0 && a->naddr > 0) {
		a->ttl = min32(min32(ttl, attl), VX_DNS_TTL_MAX);
		a->why = VX_DNS_OK;
		return VX_OK;
	}
	uint32_t neg;
	if ((why = soa_ttl(&p, &neg)) != VX_DNS_OK)
		return fail(a, VX_E_CORRUPT, why);
	rc = fail(a, VX_E_NOTFOUND, a->rcode ? VX_DNS_NXDOMAIN : VX_DNS_NODATA);
	a->ttl = min32(neg, ttl);
	return rc;
}

/* ------------------------------------------------------------------ cache */

void vx_dns_cache_init(struct vx_dns_cache *c)
{
	memset(c, 0, sizeof(*c));
}

static struct vx_dns_entry *find(struct vx_dns_cache *c, const char *canon)
{
	for (uint32_t i = 0; i < VX_DNS_CACHE_ENTRIES; i++)
		if (c->e[i].used && strcmp(c->e[i].name, canon) == 0)
			return &c->e[i];
	return NULL;
}

int vx_dns_cache_lookup(struct vx_dns_cache *c, const char *name, uint64_t now,
			struct vx_dns_entry *out)
{
	char canon[VX_DNS_NAME_MAX + 1];

	if (vx_dns_name_check(name, canon, NULL) != VX_OK)
		return VX_E_EMPTY;
	struct vx_dns_entry *e = find(c, canon);
	if (e && e->expires <= now) {
		e->used = false;
		c->expired++;
		e = NULL;
	}
	if (!e) {
		c->misses++;
		return VX_E_EMPTY;
	}
	e->last = ++c->use;
	if (out)
		*out = *e;
	if (e->negative) {
		c->neg_hits++;
		return VX_E_NOTFOUND;
	}
	c->hits++;
	return VX_OK;
}

int vx_dns_cache_insert(struct vx_dns_cache *c, const char *name, const uint8_t (*addr)[4],
			uint32_t naddr, uint32_t ttl_s, uint64_t now)
{
	char canon[VX_DNS_NAME_MAX + 1];
	int rc = vx_dns_name_check(name, canon, NULL);

	if (rc != VX_OK)
		return rc;
	if (naddr > VX_DNS_ADDRS_MAX || (naddr && !addr))
		return VX_E_INVAL;
	if (ttl_s == 0)
		return VX_OK;
	struct vx_dns_entry *e = find(c, canon);
	for (uint32_t i = 0; !e && i < VX_DNS_CACHE_ENTRIES; i++)
		if (!c->e[i].used)
			e = &c->e[i];
	for (uint32_t i = 0; !e && i < VX_DNS_CACHE_ENTRIES; i++)
		if (c->e[i].expires <= now) {
			e = &c->e[i];
			c->expired++;
		}
	if (!e) {
		e = &c->e[0];
		for (uint32_t i = 1; i < VX_DNS_CACHE_ENTRIES; i++)
			if (c->e[i].last < e->last)
				e = &c->e[i];
		c->evicted++;
	}
	memset(e, 0, sizeof(*e));
	e->used = true;
	e->negative = naddr == 0;
	e->naddr = (uint8_t)naddr;
	if (naddr)
		memcpy(e->addr, addr, naddr * 4);
	e->expires = now + (uint64_t)min32(ttl_s, VX_DNS_TTL_MAX) * 1000000000ull;
	e->last = ++c->use;
	memcpy(e->name, canon, sizeof(canon));
	return VX_OK;
}

uint32_t vx_dns_cache_expire(struct vx_dns_cache *c, uint64_t now)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < VX_DNS_CACHE_ENTRIES; i++)
		if (c->e[i].used && c->e[i].expires <= now) {
			c->e[i].used = false;
			n++;
		}
	c->expired += n;
	return n;
}

uint32_t vx_dns_cache_flush(struct vx_dns_cache *c)
{
	uint32_t n = vx_dns_cache_used(c);

	for (uint32_t i = 0; i < VX_DNS_CACHE_ENTRIES; i++)
		c->e[i].used = false;
	return n;
}

int vx_dns_cache_next(const struct vx_dns_cache *c, uint32_t first, uint64_t now,
		      struct vx_dns_entry *out)
{
	for (uint32_t i = first; i < VX_DNS_CACHE_ENTRIES; i++)
		if (c->e[i].used && c->e[i].expires > now) {
			if (out)
				*out = c->e[i];
			return (int)i;
		}
	return VX_E_NOTFOUND;
}

uint32_t vx_dns_cache_used(const struct vx_dns_cache *c)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < VX_DNS_CACHE_ENTRIES; i++)
		n += c->e[i].used;
	return n;
}

/* ------------------------------------------------------------ hosts file */

/* Where c first occurs in s[0..n), or NULL (memchr is not in vx_string.h). */
static const char *find_char(const char *s, char c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == c)
			return s + i;
	return NULL;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The words of line[0..n) (no comment, no newline): starts and lengths of
 * at most max of them; returns how many there are (may exceed max). */
static uint32_t words(const char *line, size_t n, size_t *start, size_t *wlen, uint32_t max)
{
	uint32_t k = 0;

	for (size_t i = 0; i < n;) {
		while (i < n && blank(line[i]))
			i++;
		if (i == n)
			break;
		size_t s = i;
		while (i < n && !blank(line[i]))
			i++;
		if (k < max) {
			start[k] = s;
			wlen[k] = i - s;
		}
		k++;
	}
	return k;
}

/* One line (newline and '\r' gone): VX_DNS_OK with its entries added, or
 * why it was skipped.  Blank lines are VX_DNS_OK with nothing added. */
static enum vx_dns_why host_line(struct vx_hosts *h, const char *line, size_t n, bool *full)
{
	size_t start[VX_HOSTS_NAMES_MAX + 1], wlen[VX_HOSTS_NAMES_MAX + 1];
	char word[VX_HOSTS_LINE_MAX + 1], canon[VX_HOSTS_NAMES_MAX][VX_DNS_NAME_MAX + 1];
	uint8_t addr[4];
	enum vx_dns_why why;

	if (n > VX_HOSTS_LINE_MAX)
		return VX_DNS_LINE_LONG;
	if (find_char(line, 0, n))
		return VX_DNS_NUL_BYTE;
	const char *hash = find_char(line, '#', n);
	if (hash)
		n = (size_t)(hash - line);
	uint32_t k = words(line, n, start, wlen, VX_HOSTS_NAMES_MAX + 1);
	if (k == 0)
		return VX_DNS_OK;
	if (*full)
		return VX_DNS_HOSTS_FULL;
	if (find_char(line + start[0], ':', wlen[0]))
		return VX_DNS_NOT_IPV4;
	memcpy(word, line + start[0], wlen[0]);
	word[wlen[0]] = 0;
	if (!vx_ip_parse(word, addr))
		return VX_DNS_BAD_ADDR;
	if (k == 1)
		return VX_DNS_NO_NAME;
	if (k > VX_HOSTS_NAMES_MAX + 1)
		return VX_DNS_TOO_MANY_NAMES;
	for (uint32_t i = 1; i < k; i++) {
		memcpy(word, line + start[i], wlen[i]);
		word[wlen[i]] = 0;
		if (vx_dns_name_check(word, canon[i - 1], &why) != VX_OK)
			return why;
	}
	if (h->n + (k - 1) > VX_HOSTS_ENTRIES) {
		*full = true;
		return VX_DNS_HOSTS_FULL;
	}
	for (uint32_t i = 1; i < k; i++) {
		struct vx_hosts_entry *e = &h->e[h->n++];
		memcpy(e->addr, addr, 4);
		memcpy(e->name, canon[i - 1], sizeof(e->name));
	}
	return VX_DNS_OK;
}

uint32_t vx_hosts_parse(struct vx_hosts *h, const char *text, size_t len, vx_hosts_bad_fn bad,
			void *ctx)
{
	bool full = false;

	memset(h, 0, sizeof(*h));
	for (size_t pos = 0; text && pos < len;) {
		const char *nl = find_char(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		size_t used = n;
		if (n > 0 && text[pos + n - 1] == '\r')
			used--;
		h->lines++;
		enum vx_dns_why why = host_line(h, text + pos, used, &full);
		if (why != VX_DNS_OK) {
			h->bad++;
			if (bad)
				bad(ctx, h->lines, why);
		}
		pos += n + 1;
	}
	return h->bad;
}

uint32_t vx_hosts_lookup(const struct vx_hosts *h, const char *name, uint8_t (*addr)[4],
			 uint32_t max)
{
	char canon[VX_DNS_NAME_MAX + 1];
	uint32_t n = 0;

	if (vx_dns_name_check(name, canon, NULL) != VX_OK)
		return 0;
	for (uint32_t i = 0; i < h->n && n < max; i++) {
		if (strcmp(h->e[i].name, canon) != 0)
			continue;
		bool dup = false;
		for (uint32_t k = 0; k < n && !dup; k++)
			dup = memcmp(addr[k], h->e[i].addr, 4) == 0;
		if (!dup)
			memcpy(addr[n++], h->e[i].addr, 4);
	}
	return n;
}
