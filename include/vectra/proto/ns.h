/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The naming protocol, served by nsd over connections named "ns".  A name
 * like "SYS:bin/vshell" is a volume ("SYS") plus a path (rt/path.h rules).
 * There is no global namespace: a Task that holds no "ns" connection can
 * resolve nothing, and nsd answers only for the volumes it was given.
 *
 *   NS_RESOLVE  data: name (NUL-terminated) -> struct ns_object, and for
 *               a file one read-only MemCap (ncaps = 1) that holds it at
 *               the given offset (the boot image is shared read-only: zero
 *               copy).  The cap has VX_R_READ | VX_R_GRANT (map it
 *               readable, or pass it on) and is queued on the connection's
 *               reply Ring before the reply: take it with
 *               vx_ring_recv_cap(rep_h) once the reply is in.  A directory
 *               comes with no cap: offset 0, size = its number of entries.
 *   NS_LIST     data: u32 index (little-endian), then a directory name
 *               (NUL-terminated) -> struct ns_entry of the index-th entry
 *               (name: one component; obj as NS_RESOLVE would report it),
 *               VX_E_NOTFOUND past the end.  No cap.
 *
 * Volumes today: SYS: (the boot image: SYS:bin/<program>, SYS:etc/<file>);
 * "SYS:" and "SYS:/" are its root.  Volume names are case-sensitive.
 * Errors: VX_E_INVAL (malformed name, "..", ".", empty component, NUL or
 * control bytes, no ':'; NS_LIST of a file), VX_E_TOOBIG (a component over
 * VX_PATH_NAME_MAX or a path over VX_PATH_MAX bytes), VX_E_NOTFOUND (no such
 * volume or object), VX_E_FULL (the reply Ring's capability queue is full:
 * the client is not taking the caps it was sent), VX_E_NOSYS (any other op,
 * 0xffffffff included; rt/svc.h).
 */
#ifndef VECTRA_PROTO_NS_H
#define VECTRA_PROTO_NS_H

#include <stdint.h>

enum ns_op { NS_RESOLVE = 1, NS_LIST = 2 };

enum ns_kind { NS_KIND_FILE = 1, NS_KIND_DIR = 2 };

struct ns_object {
	uint64_t offset; /* where the object starts inside the MemCap */
	uint64_t size;
	uint32_t kind; /* enum ns_kind: 1 file, 2 directory */
	uint32_t reserved;
};

struct ns_entry {
	struct ns_object obj;
	char name[48];
};

#endif
