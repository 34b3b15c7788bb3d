/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nsd: the naming service.  Serves vectra/proto/ns.h over every connection init
 * hands it; today its one volume is SYS:, the boot image.
 *
 * Bundle:
 *   boot  Mem, READ | GRANT: the boot image (GRANT so that nsd can hand
 *         read-only copies to clients)
 *   self  Task, CONTROL: to map the boot image
 *   port  Ring, CONSUME: the service port (rt/svc.h)
 *
 * Signal bit 0.  Server area at 0x10000000, boot image mapped read-only at
 * 0x20000000.  nsd prints nothing (it has no console); when it cannot start
 * it exits with a code that says why: 2 no "boot", 3 no "self" or the map
 * failed, 4 the image is corrupt, 5 no "port".
 *
 * The image is validated once at start; it is mapped read-only and nobody
 * can write it, so every later read stays inside it.
 */
#include <stdint.h>
#include "rt/vx.h"
#include "rt/svc.h"
#include "rt/path.h"
#include "vectra/proto/ns.h"
#include "pure_ns.h"
#include "vx_string.h"

#define SERVER_VA 0x10000000ull
#define BOOT_VA	  0x20000000ull
#define SVC_BIT	  0u

static struct {
	const void *img;
	size_t len;
	vx_handle_t boot;
	struct vx_server srv;
} N;

/* Splits "VOL:rest" and accepts only the volumes nsd serves. */
static int parse_name(const char *name, const char **rest)
{
	char vol[VX_PATH_NAME_MAX + 1];
	int rc = vx_path_split_volume(name, vol, sizeof(vol), rest);

	if (rc != VX_OK)
		return rc;
	return strcmp(vol, "SYS") == 0 ? VX_OK : VX_E_NOTFOUND;
}

/* NS_RESOLVE: the object, and for a file the image's MemCap beside it. */
static void do_resolve(struct vx_server_conn *c, struct vx_msg *m)
{
	char name[VX_MSG_DATA];
	const char *rest;
	struct ns_object obj;
	int rc;

	if ((rc = vx_msg_str(m, 0, name, sizeof(name))) < 0 ||
	    (rc = parse_name(name, &rest)) != VX_OK ||
	    (rc = ns_resolve(N.img, N.len, rest, strlen(rest), &obj)) != VX_OK) {
		m->status = rc;
		return;
	}
	if (obj.kind == NS_KIND_FILE) {
		int64_t x = vx_ring_send_cap(c->rep_h, N.boot, VX_R_READ | VX_R_GRANT);
		if (x < 0) {
			m->status = (int)x;
			return;
		}
		m->ncaps = 1;
	}
	memcpy(m->data, &obj, sizeof(obj));
	m->len = sizeof(obj);
}

/* NS_LIST: u32 index, then a directory name. */
static void do_list(struct vx_msg *m)
{
	char name[VX_MSG_DATA];
	const char *rest;
	struct ns_entry ent;
	uint32_t idx;
	int rc;

	if (m->len < sizeof(idx)) {
		m->status = VX_E_INVAL;
		return;
	}
	memcpy(&idx, m->data, sizeof(idx));
	if ((rc = vx_msg_str(m, sizeof(idx), name, sizeof(name))) < 0 ||
	    (rc = parse_name(name, &rest)) != VX_OK ||
	    (rc = ns_list(N.img, N.len, rest, strlen(rest), idx, &ent)) != VX_OK) {
		m->status = rc;
		return;
	}
	memcpy(m->data, &ent, sizeof(ent));
	m->len = sizeof(ent);
}

static enum vx_svc_disp serve(struct vx_server *s, struct vx_server_conn *c, struct vx_msg *m,
			      void *ctx)
{
	(void)s;
	(void)ctx;
	uint32_t op = m->op;

	m->ncaps = 0; /* the handlers read the request's len, then set the reply's */
	if (op == NS_RESOLVE)
		do_resolve(c, m);
	else if (op == NS_LIST)
		do_list(m);
	else
		m->status = VX_E_NOSYS;
	if (m->status != VX_OK)
		m->len = 0;
	return VX_SVC_REPLY;
}

int main(const struct vx_bundle_page *b, const char *args)
{
	const struct vx_bundle_entry *boot;
	int64_t self = vx_bundle_handle(b, "self", VX_OBJ_TASK);

	(void)args;
	if (vx_bundle_find(b, "boot", VX_OBJ_MEM, &boot) != VX_OK)
		return 2;
	if (self < 0 || vx_task_map((vx_handle_t)self, boot->handle, BOOT_VA, VX_PROT_READ) < 0)
		return 3;
	N.img = (const void *)BOOT_VA;
	N.len = boot->size;
	N.boot = boot->handle;
	if (vx_bootimg_check(N.img, N.len) != VX_OK)
		return 4;
	if (vx_server_init(&N.srv, b, SERVER_VA, SVC_BIT) != VX_OK)
		return 5;
	for (;;) {
		vx_server_wait(&N.srv, 0, VX_DEADLINE_NEVER);
		vx_server_poll(&N.srv, serve, NULL);
	}
}
