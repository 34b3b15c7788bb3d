/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nsd's namespace over the boot image, pure (no I/O): what a path names and
 * what a directory holds.
 *
 * The boot image is flat: its entries are named "bin/hello", "etc/motd".
 * Directories are implied by those names: "bin" is a directory because some
 * entry's name starts with "bin/", and the root ("" or "/") always is one.
 * A file is an entry whose whole name is the path.  Entries whose names are
 * not clean relative paths (rt/path.h rules, no leading '/') are invisible.
 *
 * A directory's children are the distinct next components of the names
 * below it, in the order their first entry appears in the image.
 */
#ifndef NSD_PURE_NS_H
#define NSD_PURE_NS_H

#include <stddef.h>
#include <stdint.h>
#include "vectra/proto/ns.h"

/*
 * What path[0..plen) (a relative path that passed vx_path_check; one leading
 * '/' allowed) names in the boot image img[0..len).  A file: kind
 * NS_KIND_FILE, offset and size of its bytes inside the image.  A directory:
 * kind NS_KIND_DIR, offset 0, size its number of children.  VX_OK,
 * VX_E_NOTFOUND, VX_E_INVAL (path not clean), VX_E_CORRUPT (bad image).
 */
int ns_resolve(const void *img, size_t len, const char *path, size_t plen, struct ns_object *out);

/*
 * The idx-th child of the directory path[0..plen): its name (one component)
 * and what it is (as ns_resolve says).  VX_OK; VX_E_NOTFOUND when idx is past
 * the end or the directory does not exist; VX_E_INVAL when path is a file
 * or not clean; VX_E_CORRUPT.
 */
int ns_list(const void *img, size_t len, const char *path, size_t plen, uint32_t idx,
	    struct ns_entry *out);

#endif
