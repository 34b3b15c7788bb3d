/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Path names (rules in rt/path.h).  Pure: reads only the bytes it is given.
 */
#include "rt/path.h"

/* A byte that may appear in a component. */
static int name_byte(unsigned char c)
{
	return c >= 0x20 && c != 0x7f && c != '/';
}

/* A byte that may appear in a volume name: [A-Za-z0-9_-]. */
static int vol_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/*
 * Checks the component p[0..n): non-empty, not "." or "..", only name bytes.
 * VX_E_TOOBIG when it is longer than VX_PATH_NAME_MAX.
 */
static int check_comp(const char *p, size_t n)
{
	if (n == 0)
		return VX_E_INVAL;
	if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
		return VX_E_INVAL;
	for (size_t i = 0; i < n; i++)
		if (!name_byte((unsigned char)p[i]))
			return VX_E_INVAL;
	return n > VX_PATH_NAME_MAX ? VX_E_TOOBIG : VX_OK;
}

/* Length of the component starting at p[i], up to the next '/' or len. */
static size_t comp_len(const char *p, size_t len, size_t i)
{
	size_t n = 0;

	while (i + n < len && p[i + n] != '/')
		n++;
	return n;
}

int vx_path_check(const char *path, size_t len)
{
	size_t i = 0;

	if (len == 0)
		return VX_OK; /* the root */
	if (!path)
		return VX_E_INVAL;
	if (len > VX_PATH_MAX)
		return VX_E_TOOBIG;
	if (path[0] == '/')
		i = 1;
	if (i == len)
		return VX_OK; /* "/" is the root too */
	for (;;) {
		size_t n = comp_len(path, len, i);
		int rc = check_comp(path + i, n);

		if (rc != VX_OK)
			return rc;
		i += n;
		if (i == len)
			return VX_OK;
		i++; /* the '/'; what follows must be another component */
		if (i == len)
			return VX_E_INVAL; /* trailing '/' */
	}
}

int vx_path_next(const char *path, size_t len, size_t *pos, char *comp, size_t cap)
{
	size_t i = *pos;

	if (i > len || (len > 0 && !path))
		return VX_E_INVAL;
	if (i == 0 && len > 0 && path[0] == '/')
		i = 1;
	if (i == len) {
		/* The end, unless the last thing taken was a separator after a
		 * component ("a/"): that is an empty component. */
		if (i > 1 && path[i - 1] == '/')
			return VX_E_INVAL;
		*pos = i;
		return 0;
	}
	size_t n = comp_len(path, len, i);
	if (check_comp(path + i, n) != VX_OK || n >= cap || !comp)
		return VX_E_INVAL;
	for (size_t k = 0; k < n; k++)
		comp[k] = path[i + k];
	comp[n] = '\0';
	i += n;
	if (i < len)
		i++; /* the '/' */
	*pos = i;
	return (int)n;
}

int vx_path_split_volume(const char *name, char *vol, size_t volcap, const char **rest)
{
	size_t v = 0, n = 0;
	int rc;

	if (rest)
		*rest = NULL;
	if (vol && volcap > 0)
		vol[0] = '\0';
	if (!name || !rest)
		return VX_E_INVAL;
	while (name[v] != ':') {
		if (name[v] == '\0')
			return VX_E_INVAL; /* no volume */
		if (!vol_byte((unsigned char)name[v]))
			return VX_E_INVAL;
		if (++v > VX_PATH_NAME_MAX)
			return VX_E_TOOBIG;
	}
	if (v == 0)
		return VX_E_INVAL;
	if (vol && v >= volcap)
		return VX_E_TOOBIG;
	const char *r = name + v + 1;
	while (r[n] != '\0')
		if (++n > VX_PATH_MAX)
			return VX_E_TOOBIG;
	if ((rc = vx_path_check(r, n)) != VX_OK)
		return rc;
	if (vol) {
		for (size_t k = 0; k < v; k++)
			vol[k] = name[k];
		vol[v] = '\0';
	}
	*rest = r;
	return VX_OK;
}
