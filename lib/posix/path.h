/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Linux paths for a process whose whole file system is a per-process root
 * that linuxd maps onto VectraOS names (docs/POSIX.md).
 *
 * A process names files with Linux paths, absolute or relative to its
 * cwd.  linuxd first makes every path absolute and normal with
 * lx_path_join, finds the mount that serves it with lx_path_mount, and
 * checks that what remains is a name VectraOS can hold with
 * lx_path_vx_check; only then does it ask the service behind the mount.
 *
 * The join is lexical: ".." removes the component before it, and at "/"
 * stays at "/", so no path, however built, names anything above the
 * process's root.  That is Linux's own answer wherever no symlink is
 * involved, and the VectraOS file systems behind the mounts have none.
 *
 * All functions are pure: they read the strings they are given (each at
 * most LX_PATH_MAX bytes far) and write only the caller's buffer.
 */
#ifndef VX_POSIX_PATH_H
#define VX_POSIX_PATH_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Joins path onto cwd and normalises the result into out[0..outlen): an
 * absolute path with no "." or ".." component, no empty one ("//"), and
 * no trailing '/' (the root is "/").  An absolute path ignores cwd; a
 * relative one needs cwd, itself absolute (it is normalised the same way,
 * so a caller's slip cannot smuggle ".." in).  A trailing '/' on path is
 * dropped; a caller that must insist on a directory looks at path itself.
 *
 * Returns the length of out (its NUL not counted), or:
 *   -LX_ENOENT        path is "" (Linux's answer for an empty path);
 *   -LX_ENAMETOOLONG  path or cwd is LX_PATH_MAX bytes or longer, one of
 *                     their components is longer than LX_NAME_MAX (even one
 *                     a later ".." removes: Linux looks each one up), or the
 *                     result with its NUL does not fit in outlen or in
 *                     LX_PATH_MAX;
 *   -LX_EINVAL        path is relative and cwd is NULL or not absolute.
 * On an error out is "" if outlen > 0.
 */
int lx_path_join(const char *cwd, const char *path, char *out, size_t outlen);

/* One entry of a process's mount table. */
struct lx_mount {
	const char *prefix; /* normal and absolute: "/", "/bin", "/tmp" */
	int id;		    /* the caller's: which service, which root */
};

/*
 * Finds the mount serving abs (a normal absolute path, as lx_path_join
 * makes): the entry whose prefix is the longest that matches at a
 * component boundary ("/bin" serves "/bin" and "/bin/sh", not "/binx";
 * "/" serves everything).  Of equal prefixes the first wins.  Sets *rest
 * to what follows the prefix, without its leading '/' ("" for the mount
 * point itself), pointing into abs.  Returns the entry's index, or
 * -LX_ENOENT if none matches (no "/" entry); *rest is then NULL.
 */
int lx_path_mount(const struct lx_mount *m, unsigned n, const char *abs, const char **rest);

/* VectraOS's path rules (lib/rt/path.h), restated: lib/posix stands below
 * lib/rt.  test_lx_path checks the two agree. */
#define LX_VX_NAME_MAX 63u
#define LX_VX_PATH_MAX 200u

/*
 * Whether rest (what lx_path_mount left) is a name VectraOS can hold,
 * with the Linux error a process should see when it is not:
 *   0                 "" (the mount point) or components of 1..63 bytes
 *                     joined by single '/', 200 bytes at most in all;
 *   -LX_ENAMETOOLONG  more than 200 bytes in all, or a component longer
 *                     than 63 bytes;
 *   -LX_ENOENT        anything else VectraOS refuses, which therefore
 *                     cannot exist there: a byte below 0x20 or 0x7f, an
 *                     empty, "." or ".." component, a leading or trailing
 *                     '/' (a normal path never has these).
 * The first rule broken wins, in vx_path_check's order (the length in
 * all, then each component: empty or dots, its bytes, its length), so
 * the two agree error for error on every rest without a leading '/'.
 */
int lx_path_vx_check(const char *rest);

/* lx_path_vx_check(rest) == 0. */
static inline bool lx_path_vx_ok(const char *rest)
{
	return lx_path_vx_check(rest) == 0;
}

#endif
