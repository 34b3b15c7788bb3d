/* SPDX-License-Identifier: BSD-3-Clause */
#include "pure_bundle.h"
#include "vectra/proto/identity.h"
#include "vx_string.h"

static const struct {
	const char *cap;
	const char *slot;
	uint32_t kind;
	const char *target;
	uint32_t rights;
} table[] = {
    {"console", "console", PKG_GRANT_CONNECT, "console", 0},
    {"fs", "fs", PKG_GRANT_CONNECT, "fs", 0},
    {"ns", "ns", PKG_GRANT_CONNECT, "ns", 0},
    {"identity.status", "identity", PKG_GRANT_IDENTITY, "identity", ID_FACET_STATUS},
    {"identity.sign", "identity", PKG_GRANT_IDENTITY, "identity", ID_FACET_SIGN},
};
#define NTABLE (sizeof(table) / sizeof(table[0]))

static void copy_str(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

int pkg_grant_of(const char *cap, size_t len, struct pkg_grant *g)
{
	for (size_t i = 0; i < NTABLE; i++) {
		if (strlen(table[i].cap) != len || memcmp(table[i].cap, cap, len) != 0)
			continue;
		memset(g, 0, sizeof(*g));
		copy_str(g->cap, sizeof(g->cap), cap, len);
		copy_str(g->slot, sizeof(g->slot), table[i].slot, strlen(table[i].slot));
		copy_str(g->target, sizeof(g->target), table[i].target, strlen(table[i].target));
		g->kind = table[i].kind;
		g->rights = table[i].rights;
		return VX_OK;
	}
	return PKG_E_UNGRANTABLE;
}

static bool allowed(const struct vt_cap *c, const struct vt_cap *allow, size_t nallow)
{
	for (size_t i = 0; i < nallow; i++)
		if (allow[i].len == c->len && memcmp(allow[i].s, c->s, c->len) == 0)
			return true;
	return false;
}

int pkg_bundle_build(const struct vt_cap *foot, size_t nfoot, const struct vt_cap *allow,
		     size_t nallow, struct pkg_grant *out, uint32_t cap)
{
	uint32_t n = 0;

	for (size_t i = 0; i < nfoot; i++) {
		struct pkg_grant g;
		uint32_t j;
		int rc;
		if (foot[i].len == 0 || foot[i].len > VT_CAP_MAX)
			return VT_E_FIELD;
		if (!allowed(&foot[i], allow, nallow))
			return VT_E_FOOTPRINT;
		if ((rc = pkg_grant_of(foot[i].s, foot[i].len, &g)) < 0)
			return rc;
		for (j = 0; j < n; j++)
			if (strcmp(out[j].slot, g.slot) == 0)
				break;
		if (j < n) { /* same slot: only identity facets share one */
			out[j].rights |= g.rights;
			continue;
		}
		if (n == cap)
			return VX_E_TOOBIG;
		out[n++] = g;
	}
	return (int)n;
}

static bool name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > VT_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' ||
		      ch == '_' || ch == '-'))
			return false;
	}
	return true;
}

int pkg_decode(const struct vx_msg *m, struct pkg_req *r)
{
	uint32_t off = 0;

	memset(r, 0, sizeof(*r));
	r->op = m->op;
	switch (m->op) {
	case PKG_LIST:
		if (m->len != 4)
			return VX_E_INVAL;
		memcpy(&r->index, m->data, 4);
		return VX_OK;
	case PKG_GRANT:
		if (m->len < 4)
			return VX_E_INVAL;
		memcpy(&r->index, m->data, 4);
		off = 4;
		/* fall through */
	case PKG_INSTALL:
	case PKG_INFO:
		if (vx_msg_str(m, off, r->name, sizeof(r->name)) <= 0)
			return VX_E_INVAL;
		if (m->op != PKG_INSTALL && !name_ok(r->name))
			return VX_E_INVAL;
		return VX_OK;
	default:
		return VX_E_NOSYS;
	}
}

void pkg_store_path(char out[72], const uint8_t vcid[32])
{
	static const char hex[] = "0123456789abcdef";
	char *p = out;

	memcpy(p, "pkg/", 4);
	p += 4;
	for (int i = 0; i < 32; i++) {
		*p++ = hex[vcid[i] >> 4];
		*p++ = hex[vcid[i] & 15];
		if (i == 0)
			*p++ = '/';
	}
	*p = '\0';
}
