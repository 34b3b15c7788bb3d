/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Path names, checked before anyone looks anything up (nsd, vfsd).
 *
 * A full name is "VOL:rest".  VOL is 1..VX_PATH_NAME_MAX bytes of
 * [A-Za-z0-9_-]; the name is split at its first ':'.  rest is a relative
 * path inside that volume:
 *
 *   - components separated by '/', each 1..VX_PATH_NAME_MAX bytes;
 *   - the whole of rest at most VX_PATH_MAX bytes;
 *   - no empty component: no doubled '/', no trailing '/', and no leading
 *     '/' except the one described next;
 *   - one leading '/' is allowed and means the same as none: the root;
 *   - the empty path "" and "/" both name the root (zero components);
 *   - no "." or ".." component (there is no relative walking: a name
 *     means one thing whoever asks);
 *   - no NUL inside the given length, no byte < 0x20, no 0x7f;
 *     other bytes (':' and bytes >= 0x80 included) are plain name bytes.
 *
 * Errors: VX_E_TOOBIG for a length limit (whole path, one component, the
 * volume name, or a caller buffer too small for the volume), VX_E_INVAL for
 * every other rule.  All functions are pure, read only the bytes they are
 * given (a NUL-terminated name is read at most VX_PATH_FULL_MAX + 1 bytes
 * far) and never write outside the caller's buffers.
 */
#ifndef VX_RT_PATH_H
#define VX_RT_PATH_H

#include <stddef.h>
#include <vectra/abi.h>

#define VX_PATH_NAME_MAX 63u
#define VX_PATH_MAX	 200u
/* The longest full name: volume, ':' and path, without the NUL. */
#define VX_PATH_FULL_MAX (VX_PATH_NAME_MAX + 1u + VX_PATH_MAX)

/*
 * Splits the NUL-terminated "VOL:rest" into volume and path.  Copies VOL
 * (NUL-terminated) into vol[0..volcap) and points *rest just past the ':'
 * (into name).  rest is checked with vx_path_check too, so VX_OK means the
 * whole name is well formed.  vol may be NULL when the caller wants only the
 * relative path (the volume is still checked).  VX_E_INVAL if malformed (no
 * ':', empty volume or a byte outside the alphabet, a bad rest, name or rest
 * NULL); VX_E_TOOBIG for a length limit.  On error *rest is NULL (if rest is
 * not NULL) and vol is "" (if vol is not NULL and volcap > 0).
 */
int vx_path_split_volume(const char *name, char *vol, size_t volcap, const char **rest);

/*
 * Checks the relative path path[0..len) by the rules above.  path may be
 * NULL only when len is 0.  Returns VX_OK, VX_E_INVAL or VX_E_TOOBIG.
 */
int vx_path_check(const char *path, size_t len);

/*
 * Iterates the components of path[0..len): *pos starts at 0 (a leading '/'
 * is skipped); each call copies the next component, NUL-terminated, into
 * comp (cap >= VX_PATH_NAME_MAX + 1), advances *pos past it and its '/', and
 * returns its length; 0 at the end (and again on every later call).
 * VX_E_INVAL for a component that breaks a rule (empty, so also a doubled or
 * trailing '/'; ".", ".."; a bad byte; too long, or longer than cap - 1), a
 * NULL comp, or a *pos beyond len; *pos is then left unchanged.  Errors show
 * only when the iteration reaches them: check the whole path with
 * vx_path_check before acting on any component.
 */
int vx_path_next(const char *path, size_t len, size_t *pos, char *comp, size_t cap);

#endif
