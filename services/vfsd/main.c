/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfsd: the RAM file system.  It serves proto/fs.h to up to
 * VX_SVC_MAX_CONNS (16) connections in the standard service shape
 * (rt/svc.h).  The tree and every rule live in pure_fs.c; this file is the
 * store of file bytes (Mem objects carved from "store") and the loop.
 *
 * RESTARTS LOSE THE FILES.  Everything vfsd holds lives in its own memory
 * (the node table in .bss) and in Mem objects its "store" Reticle gives it.
 * If vfsd dies, its supervisor resets "store" and starts a fresh instance
 * with an empty root: the connections survive (init owns them), the files
 * do not, and every outstanding zero-copy view goes stale with its Mem.
 *
 * Bundle: port (Ring, consume: the service port), self (Task, CONTROL: to
 * map the Mem objects), store (Reticle, CONTROL: where file bytes come
 * from), console (IoPort, optional: startup and failure messages).
 *
 * MEM OBJECTS
 *
 * A Reticle carves in stack order and gives memory back only when the
 * newest object dies (the rest at reset), so vfsd does not create and
 * delete Mem objects freely.  mems[0..nmems) are the Mem objects it holds,
 * in creation order; one that no file uses sits on the free list of its
 * size class (1, 2, 4, ... 256 pages) and is reused by the next file of
 * that class.  When the Reticle is out of room vfsd compacts: it deletes
 * the free objects at the top of the stack (that memory does come back),
 * and while the topmost object is a file with a free object of its class
 * below it, moves that file down (fs_relocate: its views end, as for a
 * change) and deletes the top again.  Only then does it settle for a free
 * object of a larger class.
 *
 * Mem i is mapped read-write right after Mem i-1 (the first at
 * VFSD_MEM_VA): vfsd's address space mirrors the store's stack, so the
 * page tables it needs (paid by vfsd's own Reticle, never given back while
 * it runs) cover at most the store's size, whatever the files' sizes.
 * Mapping each Mem at a 1 MiB stride, as vfsd once did, cost a page table
 * per two files and ran vfsd's Reticle dry after about 246 of them.
 *
 * ZERO COPY
 *
 * FS_READ_MEM derives a read-only child of the file's Mem capability and
 * sends it on the connection's reply Ring.  Before a file changes (and
 * before its Mem is given back to a free list) vfsd revokes its Mem
 * capability, which deletes every child wherever it is: a view is a
 * snapshot valid until the file next changes.
 */
#include "rt/vx.h"
#include "rt/svc.h"
#include "pure_fs.h"

#define VFSD_BIT       0u
#define VFSD_SERVER_VA 0x30000000ull
#define VFSD_MEM_VA    0x100000000ull
#define VFSD_MEMS_MAX  1024u /* live and free: 512 files leave room to compact */
#define VFSD_NIL       0xffffu
/* What "store" must keep for the records of VFSD_MEMS_MAX Mem objects; the
 * rest is the capacity FS_INFO reports. */
#define VFSD_RECORDS_BYTES ((uint64_t)VFSD_MEMS_MAX * VX_OBJ_META_BYTES)

struct mem_obj {
	vx_handle_t h;
	uint64_t va; /* where it is mapped: mems[i-1].va + its size */
	uint32_t pages;
	uint16_t next; /* free list link */
	bool free;
};

static struct {
	vx_handle_t self, store;
	struct mem_obj mems[VFSD_MEMS_MAX];
	uint32_t nmems;
	uint16_t free_head[FS_CLASSES];
} st;

static struct fs fs;
static struct vx_server srv;

static uint32_t class_of(uint32_t pages)
{
	uint32_t c = 0;

	while ((1u << c) < pages)
		c++;
	return c;
}

/* Where Mem i is (or, for i == nmems, the next one goes). */
static uint64_t mem_va(uint32_t i)
{
	if (i == 0)
		return VFSD_MEM_VA;
	return st.mems[i - 1].va + (uint64_t)st.mems[i - 1].pages * FS_PAGE;
}

static void fill(struct fs_backing *out, uint32_t i)
{
	out->base = (uint8_t *)(uintptr_t)st.mems[i].va;
	out->pages = st.mems[i].pages;
	out->id = i;
}

/* Takes a Mem from class c's free list into *out; false if it is empty. */
static bool pop_free(uint32_t c, struct fs_backing *out)
{
	uint32_t i = st.free_head[c];

	if (i == VFSD_NIL)
		return false;
	st.free_head[c] = st.mems[i].next;
	st.mems[i].free = false;
	fill(out, i);
	return true;
}

/* A new Mem of pages pages, mapped; VX_E_NOMEM (or another error) if not. */
static int carve(uint32_t pages, struct fs_backing *out)
{
	uint32_t i = st.nmems;
	int64_t h;

	if (i == VFSD_MEMS_MAX)
		return VX_E_FULL;
	if ((h = vx_reticle_retype(st.store, VX_OBJ_MEM, pages)) < 0)
		return (int)h;
	uint64_t va = mem_va(i);
	if (vx_task_map(st.self, (vx_handle_t)h, va, VX_PROT_READ | VX_PROT_WRITE) < 0) {
		vx_cap_delete((vx_handle_t)h); /* the newest: its memory comes back */
		return VX_E_NOMEM;
	}
	st.mems[i] =
	    (struct mem_obj){.h = (vx_handle_t)h, .va = va, .pages = pages, .next = VFSD_NIL};
	st.nmems++;
	fill(out, i);
	return VX_OK;
}

/* Deletes the free Mem objects at the top of the creation stack, so that
 * their memory goes back to the Reticle.  Returns how many. */
static uint32_t trim(void)
{
	uint32_t n = 0;

	while (st.nmems > 0 && st.mems[st.nmems - 1].free) {
		uint32_t i = st.nmems - 1;
		uint16_t *at = &st.free_head[class_of(st.mems[i].pages)];
		while (*at != i)
			at = &st.mems[*at].next;
		*at = st.mems[i].next;
		vx_cap_delete(st.mems[i].h); /* unmaps it too */
		st.nmems--;
		n++;
	}
	return n;
}

/* Puts Mem i on its class's free list. */
static void push_free(uint32_t i)
{
	struct mem_obj *m = &st.mems[i];
	uint32_t c = class_of(m->pages);

	m->free = true;
	m->next = st.free_head[c];
	st.free_head[c] = (uint16_t)i;
}

/* One compaction step: the topmost Mem (a file's, after trim) moves into a
 * free Mem of its class, which lies below it, and becomes free itself.
 * False when there is no such Mem. */
static bool sink_top(void)
{
	struct fs_backing to;
	uint32_t top;

	if (st.nmems == 0)
		return false;
	top = st.nmems - 1;
	if (!pop_free(class_of(st.mems[top].pages), &to))
		return false;
	if (fs_relocate(&fs, top, &to) != VX_OK) {
		push_free(to.id); /* untouched, still all zero */
		return false;
	}
	push_free(top);
	return true;
}

/* fs_store.get: a zeroed backing of at least pages pages. */
static int store_get(void *ctx, uint32_t pages, struct fs_backing *out)
{
	uint32_t c = class_of(pages);

	(void)ctx;
	if (pop_free(c, out))
		return VX_OK;
	if (carve(1u << c, out) == VX_OK)
		return VX_OK;
	do {
		trim();
		if (carve(1u << c, out) == VX_OK)
			return VX_OK;
	} while (sink_top());
	for (c++; c < FS_CLASSES; c++)
		if (pop_free(c, out))
			return VX_OK;
	return VX_E_FULL;
}

/* fs_store.put: b is all zero again (pure_fs.h); keep it for reuse. */
static void store_put(void *ctx, const struct fs_backing *b)
{
	(void)ctx;
	push_free(b->id);
}

/* fs_store.changed: ends every view handed out of b. */
static void store_changed(void *ctx, const struct fs_backing *b)
{
	(void)ctx;
	vx_cap_revoke(st.mems[b->id].h);
}

/* Sends a read-only view of b on c's reply Ring.  The derived handle is
 * deleted once sent: the copy in flight is re-parented to the Mem's own
 * capability, so revoking that still reaches it. */
static int send_view(struct vx_conn *c, const struct fs_backing *b)
{
	int64_t v = vx_cap_derive(st.mems[b->id].h, VX_R_READ | VX_R_GRANT, 0);
	int64_t rc;

	if (v < 0)
		return (int)v;
	rc = vx_ring_send_cap(c->rep_h, (vx_handle_t)v, VX_R_READ | VX_R_GRANT);
	vx_cap_delete((vx_handle_t)v);
	return rc < 0 ? (int)rc : VX_OK;
}

static enum vx_svc_disp handle(struct vx_server *s, struct vx_conn *c, struct vx_msg *m, void *ctx)
{
	struct fs_backing view;
	int rc;

	(void)s;
	fs_serve(ctx, m, &view);
	if (m->op != FS_READ_MEM || m->status != VX_OK || view.pages == 0)
		return VX_SVC_REPLY;
	if ((rc = send_view(c, &view)) != VX_OK) {
		m->status = rc;
		m->len = 0;
		return VX_SVC_REPLY;
	}
	m->ncaps = 1;
	return VX_SVC_REPLY;
}

/* Startup failures are reported and end the Task: init sees the exit. */
static int fail(const char *what, int64_t rc)
{
	vx_printf("vfsd: %s (%ld)\n", what, (long)rc);
	vx_print_flush();
	return 1;
}

int main(const struct vx_bundle_page *b, const char *args)
{
	int64_t con = vx_bundle_handle(b, "console", VX_OBJ_IOPORT);
	int64_t self = vx_bundle_handle(b, "self", VX_OBJ_TASK);
	int64_t store = vx_bundle_handle(b, "store", VX_OBJ_RETICLE);
	struct vx_reticle_info ri;
	int64_t rc;

	(void)args;
	if (con >= 0)
		vx_print_init((vx_handle_t)con);
	if (self < 0)
		return fail("my bundle has no \"self\" Task", self);
	if (store < 0)
		return fail("my bundle has no \"store\" Reticle", store);
	if ((rc = vx_reticle_info((vx_handle_t)store, &ri)) < 0)
		return fail("cannot inspect \"store\"", rc);
	st.self = (vx_handle_t)self;
	st.store = (vx_handle_t)store;
	for (uint32_t c = 0; c < FS_CLASSES; c++)
		st.free_head[c] = VFSD_NIL;
	struct fs_store ops = {
	    .get = store_get,
	    .put = store_put,
	    .changed = store_changed,
	    .bytes_max = ri.free > VFSD_RECORDS_BYTES ? ri.free - VFSD_RECORDS_BYTES : 0,
	};
	fs_init(&fs, &ops);
	if ((rc = vx_server_init(&srv, b, VFSD_SERVER_VA, VFSD_BIT)) < 0)
		return fail("cannot bind my \"port\"", rc);
	vx_printf("vfsd: serving a RAM file system of %lu KiB\n",
		  (unsigned long)(ops.bytes_max >> 10));
	for (;;) {
		vx_server_poll(&srv, handle, &fs);
		vx_server_wait(&srv, 0, VX_DEADLINE_NEVER);
	}
}
