// SPDX-License-Identifier: BSD-3-Clause
/* linuxd's root file system index: see pure_tar.h. */
#include "pure_tar.h"
#include <stdbool.h>
#include "vectra/abi.h"
#include "vx_string.h"

#define BLOCK	 512u
#define NAME_MAX 100u
#define PFX_MAX	 155u
#define PATH_CAP 512u

/* A ustar octal field: digits, then spaces or NULs.  false if malformed. */
static bool octal(const uint8_t *f, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	while (i < n && f[i] == ' ')
		i++;
	if (i == n || f[i] < '0' || f[i] > '7')
		return false;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v >> 60)
			return false;
		v = v * 8 + (uint64_t)(f[i] - '0');
	}
	for (; i < n; i++)
		if (f[i] != ' ' && f[i] != 0)
			return false;
	*out = v;
	return true;
}

static bool checksum_ok(const uint8_t *h)
{
	uint64_t want, sum = 0;

	if (!octal(h + 148, 8, &want))
		return false;
	for (unsigned i = 0; i < BLOCK; i++)
		sum += (i >= 148 && i < 156) ? ' ' : h[i];
	return sum == want;
}

static bool zero_block(const uint8_t *h)
{
	for (unsigned i = 0; i < BLOCK; i++)
		if (h[i])
			return false;
	return true;
}

/* Appends field f (at most n bytes, NUL-terminated if shorter) to p. */
static bool put_field(char *p, size_t *len, const uint8_t *f, size_t n)
{
	size_t k = 0;

	while (k < n && f[k])
		k++;
	if (*len + k >= PATH_CAP)
		return false;
	memcpy(p + *len, f, k);
	*len += k;
	p[*len] = 0;
	return true;
}

/*
 * Normalises an archive name into "/a/b": leading "./" and "/" and a
 * trailing "/" go; an empty, "." or ".." component inside, or a control
 * byte, makes it malformed (false).  "" and "." name the root: "/".
 */
static bool normalise(const char *in, char *out)
{
	size_t o = 0, i = 0, n = strlen(in);

	while (i < n && (in[i] == '/' || (in[i] == '.' && (i + 1 == n || in[i + 1] == '/'))))
		i++;
	while (n > i && in[n - 1] == '/')
		n--;
	out[o++] = '/';
	if (i == n) {
		out[o] = 0;
		return true;
	}
	while (i < n) {
		size_t s = i;
		while (i < n && in[i] != '/')
			i++;
		size_t c = i - s;
		if (c == 0 || (c == 1 && in[s] == '.') ||
		    (c == 2 && in[s] == '.' && in[s + 1] == '.'))
			return false;
		for (size_t k = s; k < i; k++)
			if ((uint8_t)in[k] < 0x20 || in[k] == 0x7f)
				return false;
		if (o > 1)
			out[o++] = '/';
		memcpy(out + o, in + s, c);
		o += c;
		i++; /* past the '/' */
	}
	out[o] = 0;
	return true;
}

static uint32_t intern(struct tar_index *ix, const char *s, size_t n)
{
	if (ix->used + n + 1 > ix->cap || ix->used + n + 1 < ix->used)
		return TAR_NONE;
	uint32_t at = ix->used;
	memcpy(ix->arena + at, s, n);
	ix->arena[at + n] = 0;
	ix->used += (uint32_t)n + 1;
	return at;
}

const char *tar_path(const struct tar_index *ix, uint32_t e)
{
	return ix->arena + ix->ent[e].path;
}

const char *tar_link(const struct tar_index *ix, uint32_t e)
{
	return ix->arena + ix->ent[e].link;
}

const char *tar_base(const struct tar_index *ix, uint32_t e)
{
	const char *p = tar_path(ix, e), *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* FNV-1a of a path: its bucket. */
static uint32_t bucket(const struct tar_index *ix, const char *path)
{
	uint32_t h = 2166136261u;

	while (*path)
		h = (h ^ (uint8_t)*path++) * 16777619u;
	return h & (ix->nhash - 1);
}

/* Entry e joins its bucket (when there is a table). */
static void hash_in(struct tar_index *ix, uint32_t e)
{
	ix->ent[e].hnext = TAR_NONE;
	if (!ix->hash)
		return;
	uint32_t b = bucket(ix, tar_path(ix, e));
	ix->ent[e].hnext = ix->hash[b];
	ix->hash[b] = e;
}

uint32_t tar_find(const struct tar_index *ix, const char *path)
{
	if (!ix->hash) {
		for (uint32_t i = 0; i < ix->n; i++)
			if (strcmp(tar_path(ix, i), path) == 0)
				return i;
		return TAR_NONE;
	}
	for (uint32_t i = ix->hash[bucket(ix, path)]; i != TAR_NONE; i = ix->ent[i].hnext)
		if (strcmp(tar_path(ix, i), path) == 0)
			return i;
	return TAR_NONE;
}

/* The entry for path, made (as a directory, or as kind) if missing.  For a
 * made-up entry the parents are made first.  TAR_NONE when full (*full
 * set) or when a parent is not a directory. */
static uint32_t ensure(struct tar_index *ix, const char *path, uint32_t kind, bool *full)
{
	uint32_t e = tar_find(ix, path);
	char parent[PATH_CAP];

	if (e != TAR_NONE)
		return e;
	const char *slash = strrchr(path, '/');
	size_t plen = slash == path ? 1 : (size_t)(slash - path);
	memcpy(parent, path, plen);
	parent[plen] = 0;
	uint32_t p = ensure(ix, parent, TAR_DIR, full);
	if (p == TAR_NONE || ix->ent[p].kind != TAR_DIR)
		return TAR_NONE;
	if (ix->n == ix->max) {
		*full = true;
		return TAR_NONE;
	}
	uint32_t at = intern(ix, path, strlen(path)), none = intern(ix, "", 0);
	if (at == TAR_NONE || none == TAR_NONE) {
		*full = true;
		return TAR_NONE;
	}
	e = ix->n++;
	memset(&ix->ent[e], 0, sizeof(ix->ent[e]));
	ix->ent[e].path = at;
	ix->ent[e].link = none;
	ix->ent[e].parent = p;
	ix->ent[e].kind = kind;
	ix->ent[e].mode = kind == TAR_DIR ? 0755 : 0644;
	ix->ent[e].made_up = 1; /* made up; the caller clears it for a named one */
	hash_in(ix, e);
	return e;
}

int tar_index_build(struct tar_index *ix, const uint8_t *tar, size_t len)
{
	char raw[PATH_CAP], path[PATH_CAP], target[PATH_CAP];
	bool full = false;
	size_t at = 0;

	ix->n = 0;
	ix->used = 0;
	if (ix->max == 0 || ix->cap < 4)
		return VX_E_FULL;
	if (ix->hash && (ix->nhash == 0 || (ix->nhash & (ix->nhash - 1))))
		return VX_E_INVAL; /* the table must be a power of two */
	for (uint32_t b = 0; ix->hash && b < ix->nhash; b++)
		ix->hash[b] = TAR_NONE;
	/* Entry 0: the root. */
	ix->ent[0] = (struct tar_ent){
	    .path = intern(ix, "/", 1), .parent = TAR_NONE, .kind = TAR_DIR, .mode = 0755};
	ix->ent[0].link = intern(ix, "", 0);
	ix->n = 1;
	hash_in(ix, 0);
	while (at + BLOCK <= len) {
		const uint8_t *h = tar + at;
		uint64_t size, mode, mtime;
		size_t rl = 0;

		if (zero_block(h))
			break;
		if (memcmp(h + 257, "ustar", 5) != 0 || !checksum_ok(h) ||
		    !octal(h + 124, 12, &size) || !octal(h + 100, 8, &mode) ||
		    !octal(h + 136, 12, &mtime))
			return VX_E_CORRUPT;
		raw[0] = 0;
		if (h[345] && (!put_field(raw, &rl, h + 345, PFX_MAX) ||
			       !put_field(raw, &rl, (const uint8_t *)"/", 1)))
			return VX_E_CORRUPT;
		if (!put_field(raw, &rl, h, NAME_MAX) || !normalise(raw, path))
			return VX_E_CORRUPT;
		uint8_t type = h[156];
		uint64_t data = at + BLOCK;
		uint64_t blocks = (size + BLOCK - 1) / BLOCK;
		if (type != '0' && type != 0 && type != '7')
			size = type == '5' || type == '2' || type == '1' ? 0 : size;
		if (data > len || blocks > (len - data) / BLOCK)
			return VX_E_CORRUPT;
		size_t tl = 0;
		target[0] = 0;
		if (type == '1' || type == '2') {
			if (!put_field(target, &tl, h + 157, NAME_MAX) || tl == 0)
				return VX_E_CORRUPT;
			for (size_t k = 0; k < tl; k++)
				if ((uint8_t)target[k] < 0x20 || target[k] == 0x7f)
					return VX_E_CORRUPT;
		}
		uint32_t kind = type == '5' ? TAR_DIR : type == '2' ? TAR_SYMLINK : TAR_FILE;
		if (type == '0' || type == 0 || type == '7' || type == '5' || type == '2' ||
		    type == '1') {
			if (strcmp(path, "/") == 0) {
				if (kind != TAR_DIR)
					return VX_E_CORRUPT;
			} else {
				/* A name twice is refused, but for a directory made up
				 * for an earlier file's sake, now named itself. */
				uint32_t e = tar_find(ix, path);
				if (e != TAR_NONE && !(ix->ent[e].made_up && kind == TAR_DIR))
					return VX_E_CORRUPT;
				if (e == TAR_NONE)
					e = ensure(ix, path, kind, &full);
				if (e == TAR_NONE)
					return full ? VX_E_FULL : VX_E_CORRUPT;
				struct tar_ent *t = &ix->ent[e];
				t->made_up = 0;
				t->mode = (uint32_t)(mode & 07777);
				t->mtime = mtime;
				t->off = data;
				t->size = size;
				if (type == '2') {
					if ((t->link = intern(ix, target, tl)) == TAR_NONE)
						return VX_E_FULL;
					t->size = tl;
				} else if (type == '1') {
					char norm[PATH_CAP];
					uint32_t to;
					if (!normalise(target, norm) ||
					    (to = tar_find(ix, norm)) == TAR_NONE ||
					    ix->ent[to].kind != TAR_FILE)
						return VX_E_CORRUPT;
					t->off = ix->ent[to].off;
					t->size = ix->ent[to].size;
				}
			}
		}
		at = data + blocks * BLOCK;
	}
	return VX_OK;
}

uint32_t tar_next_child(const struct tar_index *ix, uint32_t dir, uint32_t *cursor)
{
	for (uint32_t i = *cursor; i < ix->n; i++)
		if (ix->ent[i].parent == dir) {
			*cursor = i + 1;
			return i;
		}
	*cursor = ix->n;
	return TAR_NONE;
}
