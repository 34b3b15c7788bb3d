/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for vfsd's connection grants (services/vfsd/pure_fs.h,
 * vectra/proto/fs.h GRANTS): fs_grant_parse over a record, then
 * fs_grant_apply over a request.  The input is one byte of record length,
 * the record, the request's op (4 bytes, low 5 bits used), then its data.
 *
 * Invariants: a parsed grant is the whole tree, "read", or "read:" with a
 * root that is a path rt/path.h accepts (a root name allowed) and has no
 * leading '/' unless what follows would read as a root name; apply answers VX_OK, VX_E_RIGHTS,
 * VX_E_TOOBIG or VX_E_INVAL only; a read-only grant lets no op that changes anything through; on a
 * rooted grant an applied request is still one NUL-terminated path within
 * the message, it begins with the root, and what follows the root names
 * no other root, so fs_mount_route can only find the root's own.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/vfsd/pure_fs.h"

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "fuzz_fsgrant: %s\n", #c);                                 \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static int changes(uint32_t op)
{
	return op == FS_CREATE || op == FS_MKDIR || op == FS_WRITE || op == FS_APPEND ||
	       op == FS_TRUNCATE || op == FS_REMOVE || op == FS_RENAME || op == FS_SYNC ||
	       op == FS_SNAP || op == FS_WRITE_MEM;
}

/* Does the path begin with a root name (a ':' before any '/')? */
static int names_root(const char *p)
{
	for (; *p && *p != '/'; p++)
		if (*p == ':')
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fs_grant g;
	struct vx_msg m;

	if (size < 1)
		return 0;
	size_t rl = data[0];
	if (size < 1 + rl + 4)
		return 0;
	int rc = fs_grant_parse((const char *)data + 1, rl, &g);
	CHECK(rc == VX_OK || rc == VX_E_INVAL || rc == VX_E_TOOBIG);
	if (rc != VX_OK)
		return 0;
	CHECK(g.rooted ? g.read_only : 1);
	if (g.rooted) {
		/* A leading '/' only before what would read as a root name. */
		CHECK(g.root[0] != '/' || names_root(g.root + 1));
		const char *rest = g.root;
		char vol[VX_PATH_NAME_MAX + 1];
		if (names_root(g.root)) {
			CHECK(vx_path_split_volume(g.root, vol, sizeof(vol), &rest) == VX_OK);
			CHECK(*rest != '/');
		} else {
			CHECK(vx_path_check(rest, strlen(rest)) == VX_OK);
		}
	} else {
		CHECK(g.root[0] == '\0');
	}

	memset(&m, 0, sizeof(m));
	uint32_t op;
	memcpy(&op, data + 1 + rl, 4);
	m.op = op & 31u;
	size_t n = size - 1 - rl - 4;
	if (n > VX_MSG_DATA)
		n = VX_MSG_DATA;
	memcpy(m.data, data + 1 + rl + 4, n);
	m.len = (uint16_t)n;
	rc = fs_grant_apply(&g, &m);
	CHECK(rc == VX_OK || rc == VX_E_RIGHTS || rc == VX_E_TOOBIG || rc == VX_E_INVAL);
	if (rc != VX_OK)
		return 0;
	CHECK(!(g.read_only && changes(m.op)));
	CHECK(m.len <= VX_MSG_DATA);
	if (!g.rooted) {
		CHECK(m.len == n); /* untouched */
		return 0;
	}
	CHECK(m.op != FS_INFO && m.op != FS_MOUNTS);
	size_t off = sizeof(struct fs_args);
	CHECK(m.len > off);
	const char *path = (const char *)m.data + off;
	size_t plen = m.len - off - 1;
	CHECK(path[plen] == '\0' && strlen(path) == plen);
	size_t gl = strlen(g.root);
	CHECK(plen >= gl && memcmp(path, g.root, gl) == 0);
	const char *tail = path + gl;
	if (gl && g.root[gl - 1] != ':' && *tail) {
		CHECK(*tail == '/');
		tail++;
	}
	CHECK(!names_root(tail));
	/* The whole path routes to the root's own volume: its first ':' is the
	 * root's, or it has none before a '/' (the RAM file system). */
	if (!names_root(g.root))
		CHECK(!names_root(path));
	return 0;
}
