/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Client helper for the naming protocol (vectra/proto/ns.h), served by nsd.
 * Built for VectraOS only (ns.c, in libvxclient.a).
 */
#ifndef VX_CLIENT_NS_H
#define VX_CLIENT_NS_H

#include <stdint.h>
#include "vectra/proto/ns.h"
#include "rt/svc.h"

/*
 * Resolves a file name ("SYS:etc/policy"): *mem receives nsd's read-only
 * MemCap and *obj where the file lies in it (offset, size), checked to lie
 * inside the Mem.  Map it with vx_task_map(self, *mem, va, VX_PROT_READ) and
 * read va + obj->offset; delete *mem when done.  nsd's errors
 * (VX_E_NOTFOUND, VX_E_INVAL, ...), VX_E_NOTFOUND for a directory,
 * VX_E_CORRUPT for a reply that does not hold together, or the transport's.
 */
int vx_ns_open_file(struct vx_client *c, const char *name, struct ns_object *obj, vx_handle_t *mem,
		    uint64_t deadline);

#endif
