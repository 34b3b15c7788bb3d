/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nsd's namespace over the boot image (see pure_ns.h).
 */
#include <stdbool.h>
#include "pure_ns.h"
#include "rt/bootimg.h"
#include "rt/path.h"
#include "vx_string.h"

/* One boot image entry, as the namespace sees it. */
struct ent {
	char name[VX_BOOTIMG_NAME_MAX];
	size_t nlen;
	uint64_t offset, size;
};

/* Reads entry i; false if it is invisible (its name is not a clean path). */
static bool get_ent(const void *img, size_t len, uint32_t i, struct ent *e)
{
	const void *data;
	size_t size;

	if (vx_bootimg_entry(img, len, i, e->name, &data, &size) != VX_OK)
		return false;
	e->nlen = strlen(e->name);
	e->offset = (uint64_t)((const uint8_t *)data - (const uint8_t *)img);
	e->size = size;
	return e->name[0] != '/' && vx_path_check(e->name, e->nlen) == VX_OK;
}

/*
 * If e lies below the directory dir[0..dlen) ("" for the root), sets
 * [*start, *start + *clen) to its next component in e->name and *leaf to
 * whether that component ends the name.
 */
static bool child_of(const struct ent *e, const char *dir, size_t dlen, size_t *start, size_t *clen,
		     bool *leaf)
{
	size_t s = 0, n = 0;

	if (dlen > 0) {
		if (e->nlen <= dlen + 1 || memcmp(e->name, dir, dlen) != 0 || e->name[dlen] != '/')
			return false;
		s = dlen + 1;
	}
	while (s + n < e->nlen && e->name[s + n] != '/')
		n++;
	*start = s;
	*clen = n;
	*leaf = s + n == e->nlen;
	return true;
}

/*
 * Walks the distinct children of dir in image order.  With want < count,
 * stops at child number want and fills *e, *start, *clen, *leaf.  Returns
 * how many children it counted (all of them when want is past the end).
 */
static uint32_t children(const void *img, size_t len, uint32_t count, const char *dir, size_t dlen,
			 uint32_t want, struct ent *e, size_t *start, size_t *clen, bool *leaf)
{
	uint32_t found = 0;

	for (uint32_t i = 0; i < count; i++) {
		struct ent prev;
		size_t ps, pl;
		bool pleaf, dup = false;

		if (!get_ent(img, len, i, e) || !child_of(e, dir, dlen, start, clen, leaf))
			continue;
		for (uint32_t j = 0; j < i && !dup; j++)
			dup = get_ent(img, len, j, &prev) &&
			      child_of(&prev, dir, dlen, &ps, &pl, &pleaf) && pl == *clen &&
			      memcmp(prev.name + ps, e->name + *start, pl) == 0;
		if (dup)
			continue;
		if (found == want)
			return found;
		found++;
	}
	return found;
}

/* Checks path and strips its leading '/'; the image's entry count or an error. */
static int prepare(const void *img, size_t len, const char **path, size_t *plen)
{
	int count = vx_bootimg_count(img, len);

	if (count < 0)
		return count;
	if (vx_path_check(*path, *plen) != VX_OK)
		return VX_E_INVAL;
	if (*plen > 0 && (*path)[0] == '/') {
		(*path)++;
		(*plen)--;
	}
	return count;
}

/* Resolves a prepared path. */
static int resolve(const void *img, size_t len, uint32_t count, const char *path, size_t plen,
		   struct ns_object *out)
{
	struct ent e;
	size_t s, n;
	bool leaf;

	memset(out, 0, sizeof(*out));
	for (uint32_t i = 0; i < count; i++) {
		if (get_ent(img, len, i, &e) && e.nlen == plen && memcmp(e.name, path, plen) == 0) {
			out->kind = NS_KIND_FILE;
			out->offset = e.offset;
			out->size = e.size;
			return VX_OK;
		}
	}
	uint32_t nchild = children(img, len, count, path, plen, UINT32_MAX, &e, &s, &n, &leaf);
	if (plen > 0 && nchild == 0)
		return VX_E_NOTFOUND;
	out->kind = NS_KIND_DIR;
	out->size = nchild;
	return VX_OK;
}

int ns_resolve(const void *img, size_t len, const char *path, size_t plen, struct ns_object *out)
{
	int count = prepare(img, len, &path, &plen);

	if (count < 0)
		return count;
	return resolve(img, len, (uint32_t)count, path, plen, out);
}

int ns_list(const void *img, size_t len, const char *path, size_t plen, uint32_t idx,
	    struct ns_entry *out)
{
	struct ns_object dir;
	struct ent e;
	size_t s, n;
	bool leaf;
	int count = prepare(img, len, &path, &plen);
	int rc;

	memset(out, 0, sizeof(*out));
	if (count < 0)
		return count;
	if ((rc = resolve(img, len, (uint32_t)count, path, plen, &dir)) != VX_OK)
		return rc;
	if (dir.kind != NS_KIND_DIR)
		return VX_E_INVAL;
	if (idx >= dir.size ||
	    children(img, len, (uint32_t)count, path, plen, idx, &e, &s, &n, &leaf) != idx)
		return VX_E_NOTFOUND;
	_Static_assert(sizeof(out->name) >= VX_BOOTIMG_NAME_MAX, "a component fits");
	memcpy(out->name, e.name + s, n);
	out->name[n] = '\0';
	if (leaf) {
		out->obj.kind = NS_KIND_FILE;
		out->obj.offset = e.offset;
		out->obj.size = e.size;
		return VX_OK;
	}
	/* A subdirectory: count its own children. */
	return resolve(img, len, (uint32_t)count, e.name, s + n, &out->obj);
}
