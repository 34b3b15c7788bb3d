/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Linux paths (see posix/path.h).  The join walks the components from the
 * right, counting the ".."s still to apply, so it needs no stack of
 * components and the result's exact length is known before a byte of it
 * is written: a long path that ".." shortens again joins as well as a
 * short one.
 */
#include "posix/path.h"
#include "posix/internal.h"
#include "posix/linux.h"
#include <vx_string.h>

/* A string walked component by component from its end. */
struct rwalk {
	const char *s;
	size_t end; /* the components left are in s[0..end) */
};

/* The next component to the left: sets *at and returns its length; 0
 * when none is left (empty components are skipped). */
static size_t prev_comp(struct rwalk *w, size_t *at)
{
	size_t e = w->end, b;

	while (e > 0 && w->s[e - 1] == '/')
		e--;
	b = e;
	while (b > 0 && w->s[b - 1] != '/')
		b--;
	w->end = b;
	*at = b;
	return e - b;
}

/* Whether s[at..at+n) is "." or "..": 1 or 2, else 0. */
static int dots(const char *s, size_t at, size_t n)
{
	if (n == 1 && s[at] == '.')
		return 1;
	if (n == 2 && s[at] == '.' && s[at + 1] == '.')
		return 2;
	return 0;
}

/*
 * Walks the components of s[0..len) right to left, with *skip ".."s still
 * to apply from the components to its right.  Adds the length of every
 * component kept (plus its '/') to *total; if out is not NULL, also
 * writes each one just below out[*pos] and moves *pos down.  Returns
 * -LX_ENAMETOOLONG for a component longer than LX_NAME_MAX, else 0.
 */
static int walk(const char *s, size_t len, size_t *skip, size_t *total, char *out, size_t *pos)
{
	struct rwalk w = {s, len};
	size_t at, n;

	while ((n = prev_comp(&w, &at)) > 0) {
		if (n > LX_NAME_MAX)
			return -LX_ENAMETOOLONG;
		switch (dots(s, at, n)) {
		case 1:
			break;
		case 2:
			(*skip)++;
			break;
		default:
			if (*skip > 0) {
				(*skip)--;
				break;
			}
			*total += n + 1;
			if (out) {
				*pos -= n;
				memcpy(out + *pos, s + at, n);
				out[--*pos] = '/';
			}
		}
	}
	return 0;
}

/* Walks path, then cwd if path is relative: the components of the result. */
static int walk_both(const char *cwd, size_t clen, const char *path, size_t plen, char *out,
		     size_t *pos, size_t *total)
{
	size_t skip = 0;
	int rc;

	*total = 0;
	rc = walk(path, plen, &skip, total, out, pos);
	if (rc == 0 && path[0] != '/')
		rc = walk(cwd, clen, &skip, total, out, pos);
	return rc; /* ".."s left over stop at the root */
}

int lx_path_join(const char *cwd, const char *path, char *out, size_t outlen)
{
	size_t plen = lx_strnlen(path, LX_PATH_MAX), clen = 0, total, pos;
	int rc;

	if (outlen > 0)
		out[0] = '\0';
	if (plen == 0)
		return -LX_ENOENT;
	if (plen == LX_PATH_MAX)
		return -LX_ENAMETOOLONG;
	if (path[0] != '/') {
		if (!cwd || cwd[0] != '/')
			return -LX_EINVAL;
		clen = lx_strnlen(cwd, LX_PATH_MAX);
		if (clen == LX_PATH_MAX)
			return -LX_ENAMETOOLONG;
	}
	rc = walk_both(cwd, clen, path, plen, NULL, NULL, &total);
	if (rc)
		return rc;
	if (total == 0)
		total = 1; /* "/" */
	if (total + 1 > outlen || total + 1 > LX_PATH_MAX)
		return -LX_ENAMETOOLONG;
	out[0] = '/';
	out[total] = '\0';
	pos = total;
	walk_both(cwd, clen, path, plen, out, &pos, &total);
	return (int)(total ? total : 1);
}

int lx_path_mount(const struct lx_mount *m, unsigned n, const char *abs, const char **rest)
{
	int best = -LX_ENOENT;
	size_t best_len = 0;

	*rest = NULL;
	for (unsigned i = 0; i < n; i++) {
		size_t k = lx_strnlen(m[i].prefix, LX_PATH_MAX);

		if (k == 1 && m[i].prefix[0] == '/')
			k = 0; /* the root: matches at abs's first '/' */
		if (strncmp(abs, m[i].prefix, k) != 0 || (abs[k] != '\0' && abs[k] != '/'))
			continue;
		if (best < 0 || k > best_len) {
			best = (int)i;
			best_len = k;
		}
	}
	if (best >= 0)
		*rest = abs[best_len] == '/' ? abs + best_len + 1 : abs + best_len;
	return best;
}

/* One component of rest by VectraOS's rules, in lib/rt/path.c's order. */
static int vx_comp(const char *p, size_t n)
{
	if (n == 0 || dots(p, 0, n))
		return -LX_ENOENT;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] == 0x7f)
			return -LX_ENOENT;
	return n > LX_VX_NAME_MAX ? -LX_ENAMETOOLONG : 0;
}

int lx_path_vx_check(const char *rest)
{
	size_t len = lx_strnlen(rest, LX_VX_PATH_MAX + 1), i = 0;

	if (len > LX_VX_PATH_MAX)
		return -LX_ENAMETOOLONG;
	if (len == 0)
		return 0;
	for (;;) {
		size_t n = 0;
		int rc;

		while (i + n < len && rest[i + n] != '/')
			n++;
		rc = vx_comp(rest + i, n);
		if (rc)
			return rc;
		i += n;
		if (i == len)
			return 0;
		if (++i == len)
			return -LX_ENOENT; /* a trailing '/' */
	}
}
