/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The naming protocol, served by nsd over connections named "ns".  A name
 * like "SYS:bin/vshell" is a volume ("SYS") plus a path (rt/path.h rules).
 * There is no global namespace: a Task that holds no "ns" connection can
 * resolve nothing, and nsd answers only for the volumes it was given.
 *
 *   NS_RESOLVE  data: name -> struct ns_object, and for a file one
 *               read-only MemCap (ncaps = 1) that holds it at the given
 *               offset (the boot image is shared read-only: zero copy)
 *   NS_LIST     data: u32 index, then a directory name -> struct ns_entry
 *               of the index-th entry, VX_E_NOTFOUND past the end
 *
 * Volumes today: SYS: (the boot image: SYS:bin/<program>, SYS:etc/<file>).
 * Errors: VX_E_INVAL (malformed name, "..", empty component, overlong
 * component, NUL or control bytes), VX_E_NOTFOUND.
 */
#ifndef PROTO_NS_H
#define PROTO_NS_H

#include <stdint.h>

enum ns_op { NS_RESOLVE = 1, NS_LIST = 2 };

struct ns_object {
	uint64_t offset; /* where the object starts inside the MemCap */
	uint64_t size;
	uint32_t kind; /* 1 file, 2 directory */
	uint32_t reserved;
};

struct ns_entry {
	struct ns_object obj;
	char name[48];
};

#endif
