/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfsd: the RAM file system.  It serves vectra/proto/fs.h to up to
 * VX_SVC_MAX_CONNS (16) connections in the standard service shape
 * (rt/svc.h).  The tree and every rule live in pure_fs.c, the heap of
 * file bytes in pure_heap.c; this file holds the Mem objects behind them
 * (carved from "store"), the views, and the loop.
 *
 * RESTARTS LOSE THE FILES.  Everything vfsd holds lives in its own memory
 * (the node table in .bss) and in Mem objects its "store" Reticle gives it.
 * If vfsd dies, its supervisor resets "store" and starts a fresh instance
 * with an empty root: the connections survive (init owns them), the files
 * do not, and every outstanding view goes stale with its Mem.
 *
 * Bundle: port (Ring, consume: the service port), self (Task, CONTROL: to
 * map the Mem objects), store (Reticle, CONTROL: where file bytes come
 * from), console (IoPort, optional: startup and failure messages).
 *
 * THE STORE
 *
 * "store" holds, oldest first: the heap, one Mem of VFSD_HEAP_BYTES (16
 * MiB) mapped read-write once at VFSD_HEAP_VA, which pure_heap.c divides
 * among the files; then the snapshots, below.  One handle and eight page
 * tables pay for every file, whatever their number, sizes and order of
 * removal.  (A Mem per file, as vfsd once had, ran out of the 256 handle
 * slots of vfsd's table after about 246 files.)
 *
 * VIEWS: SNAPSHOTS
 *
 * A capability to the heap would show every file, so FS_READ_MEM answers
 * with a snapshot: a Mem of the file's size (in pages) carved from "store",
 * filled with a copy of its bytes, of which the client gets a read-only
 * child.  A file keeps its snapshot until it changes: the next FS_READ_MEM
 * of an unchanged file hands out the same snapshot again, without a copy.
 * When the file changes (write, append, truncate, rename, remove) vfsd
 * revokes the snapshot, which deletes every view of it wherever it is (a
 * view still queued arrives as VX_E_REVOKED), and deletes it.
 *
 * Snapshots cost a handle each and memory from the top of "store" (the
 * part beyond the heap: 8 MiB in the manifest), which a Reticle gives back
 * in stack order.  So at most VFSD_SNAPS_MAX are kept: past that the least
 * recently handed out goes first; and when memory runs short the newest
 * ones go (that memory comes back at once) until the new one fits.  A view
 * can therefore also end because others were asked for: a client keeps a
 * view mapped only while it reads it, and asks again if it is gone.
 */
#include "rt/vx.h"
#include "rt/svc.h"
#include "rt/errstr.h"
#include "client/blk.h"
#include "client/console.h"
#include "client/rtc.h"
#include "fs/blkbuf.h"
#include "pure_fs.h"
#include "pure_heap.h"
#include "pure_mount.h"
#include "vx_string.h"

#define VFSD_BIT	0u
#define VFSD_SERVER_VA	0x30000000ull
#define VFSD_HEAP_VA	0x100000000ull
#define VFSD_SCRATCH_VA 0x180000000ull /* a snapshot while it is filled */
#define VFSD_XFER_VA	0x1c0000000ull /* a client's MemCap, for one request */
#define VFSD_XFER_BYTES (2ull << 20)   /* the largest MemCap it maps */
#define VFSD_HEAP_BYTES (16ull << 20)
#define VFSD_SNAPS_MAX	192u /* of the 256 handle slots */

struct snap {
	vx_handle_t h; /* VX_NO_HANDLE: the file has none */
	uint64_t made; /* creation order: the newest sits on top of "store" */
	uint64_t used; /* when it was last handed out */
};

/* The memory behind the files: the heap and the snapshots handed out. */
static struct {
	vx_handle_t self, store, heap_mem;
	struct heap heap;
	struct snap snap[HEAP_IDS]; /* by heap block id */
	uint32_t nsnaps;
	uint64_t clock; /* counts snapshot events, for made and used */
} backing;

static struct fs fs;
static struct vx_server srv;

/* Lines for people: through uartd when the manifest connects us to it,
 * else to the kernel console (if granted).  Never waits long: a console
 * that is slow costs a line, not the file system. */
#define CON_VA	0x38900000ull
#define CON_BIT 8u
static struct vx_client console;
static bool have_con;

/* The wall clock (rtcd, vectra/proto/rtc.h), for the dates FAT32 roots
 * stamp on what they write: asked once its server is up, at most
 * RTC_TRIES times.  Until then FAT writes 1980-01-01. */
#define RTC_VA	  0x38a00000ull
#define RTC_BIT	  9u
#define RTC_TRIES 3
static struct vx_client rtc;
static bool have_rtc;
static int rtc_tries;
static uint64_t wall_offset;

static void wall_clock(void)
{
	if (!have_rtc || wall_offset || rtc_tries >= RTC_TRIES || !vx_client_server_up(&rtc))
		return;
	rtc_tries++;
	if (vx_rtc_client_offset(&rtc, &wall_offset, (uint64_t)vx_clock() + 100000000ull) ==
		VX_OK &&
	    fs.mounts)
		fs_mounts_set_wall(fs.mounts, wall_offset); /* the roots are all added at start */
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (have_con)
		vx_con_vprintf(&console, (uint64_t)vx_clock() + 200000000ull, fmt, ap);
	else
		vx_vprintf(fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------ the disks */

/*
 * The roots on disks (pure_mount.h).  Each mounted root holds its own
 * connection to a block driver (client/blk.h, through devd) and a bounce
 * buffer, a Mem of DISK_BOUNCE bytes from the "disk" Reticle that the
 * driver's device reads and writes; the file system's sectors are copied
 * through it by a vx_blkbuf (lib/fs/blkbuf.h), which joins consecutive
 * writes into one request and reads ahead of a sequential reader.  vfsd looks for volumes at start,
 * then every PROBE_NS while a root is unmounted (for PROBE_FOR_NS after start), and again, at most
 * every PROBE_NS, when a request names an unmounted root: disks appear
 * when devd has started their drivers, after vfsd.
 */
#define DEVD_VA		0x38000000ull
#define DEVD_BIT	1u
#define DISK_VA		0x38100000ull /* mount i's connection: + i * VX_SVC_CONN_SPAN */
#define DISK_BIT0	2u
#define PROBE_VA	0x38800000ull
#define PROBE_BIT	7u
#define BOUNCE_VA	0x200000000ull /* mount i's bounce buffer: + i * DISK_BOUNCE */
#define DISK_WRITE_AREA (512u << 10)   /* the bounce buffer: write windows, then read-ahead */
#define DISK_READ_AREA	(256u << 10)
#define DISK_BOUNCE	(DISK_WRITE_AREA + DISK_READ_AREA)
#define WORK_VA		0x210000000ull /* Keep's work area (HOME:): its block cache */
#define KEEP_WORK	(1u << 20)
#define DISK_UNITS	8u
#define PROBE_NS	(1000ull * 1000000ull)
#define PROBE_FOR_NS	(60000ull * 1000000ull)
#define DISK_CALL_NS	(5000ull * 1000000ull)
#define PROBE_CALL_NS	(500ull * 1000000ull) /* a driver still starting is seen next time */

struct vdisk {
	struct vx_blk b;
	bool open;
	uint32_t unit, part;
	vx_handle_t bounce_mem;
	uint8_t *bounce;
	struct vx_blkbuf buf; /* write combining and read-ahead through bounce */
};

static struct {
	struct vx_client devd;
	bool have_devd;
	vx_handle_t ret; /* "disk": the bounce buffers */
	struct fs_mounts t;
	struct vdisk d[FS_MOUNTS_MAX];
	uint64_t started, probed;
} disks;

/* The device below the mount's vx_blkbuf: I/O between sectors and the
 * bounce buffer, which is the blkbuf's region. */
static int disk_read(void *ctx, uint64_t lba, uint32_t count, size_t off)
{
	struct vdisk *d = ctx;

	return vx_blk_read(&d->b, lba, count, d->bounce_mem, off,
			   (uint64_t)vx_clock() + DISK_CALL_NS);
}

static int disk_write(void *ctx, uint64_t lba, uint32_t count, size_t off)
{
	struct vdisk *d = ctx;

	return vx_blk_write(&d->b, lba, count, d->bounce_mem, off, 0,
			    (uint64_t)vx_clock() + DISK_CALL_NS);
}

static int disk_flush(void *ctx)
{
	struct vdisk *d = ctx;

	return vx_blk_flush(&d->b, (uint64_t)vx_clock() + DISK_CALL_NS);
}

/* Does some mounted root already hold (unit, part)? */
static bool taken(uint32_t unit, uint32_t part)
{
	for (uint32_t i = 0; i < disks.t.n; i++)
		if (disks.t.m[i].kind != FS_KIND_NONE && disks.d[i].unit == unit &&
		    disks.d[i].part == part)
			return true;
	return false;
}

/* Lets go of root i's volume: its connection's writable claim with it
 * (docs/STORAGE.md, one writer per block), so that a volume no root
 * mounted is free for the next root to try, or for anyone to write. */
static void let_go(struct vdisk *d)
{
	if (d->open)
		vx_blk_close(&d->b);
	d->open = false;
}

/* Tries every unmounted root on volume (unit, part); holds the volume
 * (writable) only when a root mounted it. */
static void try_volume(uint32_t unit, uint32_t part)
{
	char where[24];

	if (part)
		vx_snprintf(where, sizeof(where), "disk%up%u", unit, part);
	else
		vx_snprintf(where, sizeof(where), "disk%u", unit);
	for (uint32_t i = 0; i < disks.t.n && !taken(unit, part); i++) {
		struct fs_mount *m = &disks.t.m[i];
		struct vdisk *d = &disks.d[i];
		if (m->kind != FS_KIND_NONE)
			continue;
		let_go(d);
		int rc =
		    vx_blk_open(&d->b, &disks.devd, unit, part, 0, DISK_VA + i * VX_SVC_CONN_SPAN,
				DISK_BIT0 + i, (uint64_t)vx_clock() + DISK_CALL_NS);
		if (rc == VX_E_BUSY) {
			/* Someone else writes it (the shell's disk write, a
			 * whole-disk writer): df says so; the next look retries. */
			m->last_rc = rc;
			vx_snprintf(m->why, sizeof(m->why), "%s: another connection writes it",
				    where);
		}
		if (rc != VX_OK)
			continue;
		d->open = true;
		d->unit = unit;
		d->part = part;
		if (d->b.info.block_size != 512) {
			vx_snprintf(m->why, sizeof(m->why), "%s: blocks of %u bytes, not 512",
				    where, d->b.info.block_size);
			let_go(d);
			continue;
		}
		struct vx_blkbuf_dev below = {.ctx = d,
					      .read = disk_read,
					      .write = disk_write,
					      .flush = disk_flush,
					      .sectors = d->b.info.nblocks};
		if (vx_blkbuf_init(&d->buf, &below, d->bounce, DISK_WRITE_AREA, DISK_READ_AREA) !=
		    VX_OK) {
			let_go(d);
			continue;
		}
		struct vx_blkdev dev = vx_blkbuf_blkdev(&d->buf);
		uint64_t t0 = (uint64_t)vx_clock(), idle0 = vx_clock_idle_all();
		rc = fs_mount_try(m, &dev, where);
		uint64_t t = (uint64_t)vx_clock() - t0, idle = vx_clock_idle_all() - idle0;
		m->mount_ns = t;
		m->mount_busy_ns = t > idle ? t - idle : 0;
		if (rc == VX_OK)
			say("vfsd: %s: mounted %s (%s)\n", m->name, where,
			    m->kind == FS_KIND_FAT32 ? "FAT32" : "Keep");
		else
			let_go(d);
	}
}

/* Looks at every disk for the roots not mounted yet. */
static void probe(uint64_t now)
{
	static struct vx_blk whole;
	bool want = false;

	disks.probed = now;
	for (uint32_t i = 0; i < disks.t.n; i++)
		want |= disks.t.m[i].kind == FS_KIND_NONE;
	if (!want || !disks.have_devd || !vx_client_server_up(&disks.devd))
		return; /* devd has not taken its connection yet: next time */
	for (uint32_t unit = 0; unit < DISK_UNITS; unit++) {
		int rc = vx_blk_open(&whole, &disks.devd, unit, 0, BLK_ATTACH_RO, PROBE_VA,
				     PROBE_BIT, (uint64_t)vx_clock() + PROBE_CALL_NS);
		if (rc == VX_E_NOTFOUND)
			break;
		if (rc != VX_OK)
			continue;
		uint32_t nparts = 0;
		struct blk_part p;
		while (nparts < 128 && vx_blk_part(&whole, nparts, &p,
						   (uint64_t)vx_clock() + DISK_CALL_NS) == VX_OK)
			nparts++;
		vx_blk_close(&whole);
		if (nparts == 0)
			try_volume(unit, 0);
		for (uint32_t k = 1; k <= nparts; k++)
			try_volume(unit, k);
	}
}

/* The disks' part of startup: nothing here is fatal, a root just stays
 * unmounted and FS_MOUNTS says why. */
static void disks_init(const struct vx_bundle_page *b)
{
	int64_t ret = vx_bundle_handle(b, "disk", VX_OBJ_RETICLE);

	fs_mount_add(&disks.t, "HOME", FS_KIND_KEEP);
	fs_mount_add(&disks.t, "EXT", FS_KIND_FAT32);
	fs.mounts = &disks.t;
	disks.started = (uint64_t)vx_clock();
	disks.have_devd = vx_client_open(&disks.devd, b, "devices", DEVD_VA, DEVD_BIT) == VX_OK;
	if (!disks.have_devd || ret < 0) {
		say("vfsd: no %s: the roots on disks stay unmounted\n",
		    disks.have_devd ? "\"disk\" Reticle" : "connection to devd");
		disks.have_devd = false;
		return;
	}
	disks.ret = (vx_handle_t)ret;
	for (uint32_t i = 0; i < disks.t.n; i++) {
		struct vdisk *d = &disks.d[i];
		int64_t m = vx_reticle_retype(disks.ret, VX_OBJ_MEM, DISK_BOUNCE / VX_PAGE_SIZE);
		uint64_t va = BOUNCE_VA + (uint64_t)i * DISK_BOUNCE;
		if (m < 0 || vx_task_map(backing.self, (vx_handle_t)m, va,
					 VX_PROT_READ | VX_PROT_WRITE) != VX_OK) {
			say("vfsd: no bounce buffer for %s\n", disks.t.m[i].name);
			disks.have_devd = false;
			return;
		}
		d->bounce_mem = (vx_handle_t)m;
		d->bounce = (uint8_t *)(uintptr_t)va;
		if (disks.t.m[i].want != FS_KIND_KEEP)
			continue;
		int64_t w = vx_reticle_retype(disks.ret, VX_OBJ_MEM, KEEP_WORK / VX_PAGE_SIZE);
		if (w < 0 || vx_task_map(backing.self, (vx_handle_t)w, WORK_VA,
					 VX_PROT_READ | VX_PROT_WRITE) != VX_OK) {
			say("vfsd: no work area for %s\n", disks.t.m[i].name);
			continue;
		}
		disks.t.m[i].work = (void *)(uintptr_t)WORK_VA;
		disks.t.m[i].work_len = KEEP_WORK;
	}
	/* The first look comes from the loop: devd may not be serving yet. */
	disks.probed = disks.started - PROBE_NS + PROBE_NS / 5;
}

/*
 * Is devd away (killed, or between two of its lives)?  Its drivers died
 * with it, so no root on a disk can be reached until it is back.  A
 * request for one is then answered VX_E_HANGUP before the file system is
 * touched, and no commit is tried: a file system that met a failed write
 * would drop its uncommitted changes (it mounts its last commit again),
 * while one that waits loses nothing and carries on once devd is back
 * (docs/DEVICES.md, "When devd dies").
 */
static bool devd_away(void)
{
	return disks.have_devd && !vx_client_server_up(&disks.devd);
}

/* When the loop should next wake for the disks: a commit due, or a probe. */
static uint64_t disks_tick(uint64_t now)
{
	if (devd_away())
		return now + PROBE_NS / 10; /* look again soon: commits wait */
	uint64_t next = fs_mount_tick(&disks.t, now);
	bool want = false;

	for (uint32_t i = 0; i < disks.t.n; i++)
		want |= disks.t.m[i].kind == FS_KIND_NONE;
	if (want && disks.have_devd && now - disks.started < PROBE_FOR_NS) {
		if (now - disks.probed >= PROBE_NS)
			probe(now);
		if (disks.probed + PROBE_NS < next)
			next = disks.probed + PROBE_NS;
	}
	return next;
}

/* What the last requests found wrong on the roots on disks, for people:
 * every damaged block, named by file; repairs; remounts after a failure. */
static void disks_report(void)
{
	static uint64_t corrupt[FS_MOUNTS_MAX], repairs[FS_MOUNTS_MAX], remounts[FS_MOUNTS_MAX];

	for (uint32_t i = 0; i < disks.t.n; i++) {
		struct fs_mount *m = &disks.t.m[i];
		uint64_t r = fs_mount_repairs(m);
		if (m->ncorrupt != corrupt[i])
			say("vfsd: %s: refused, not returned\n", m->corrupt);
		if (r > repairs[i])
			say("vfsd: %s: %lu metadata block%s repaired from its copy\n", m->name,
			    (unsigned long)(r - repairs[i]), r - repairs[i] == 1 ? "" : "s");
		if (m->remounts != remounts[i])
			say("vfsd: %s: a change failed; mounted again at the last commit\n",
			    m->name);
		corrupt[i] = m->ncorrupt;
		repairs[i] = r;
		remounts[i] = m->remounts;
	}
}

/* The disk root (mounted or not yet) that request m's path names (its
 * first path, after its fs_args), or NULL: a RAM root, a bad path, a
 * short message. */
static struct fs_mount *mount_of(const struct vx_msg *m)
{
	struct fs_mount *mt;
	const char *rest;
	char path[VX_MSG_DATA];

	if (m->len < sizeof(struct fs_args))
		return NULL;
	size_t n = m->len - sizeof(struct fs_args);
	memcpy(path, m->data + sizeof(struct fs_args), n);
	path[n < sizeof(path) ? n : sizeof(path) - 1] = 0;
	return fs_mount_route(&disks.t, path, &mt, &rest) == VX_OK ? mt : NULL;
}

/* Does request m need a root on a disk while devd is away?  Its path
 * names a mounted one, or it is FS_SYNC of every root. */
static bool needs_absent_disk(const struct vx_msg *m)
{
	if (!devd_away() || m->len < sizeof(struct fs_args))
		return false;
	if (m->op == FS_SYNC &&
	    (m->len == sizeof(struct fs_args) || m->data[sizeof(struct fs_args)] == 0)) {
		for (uint32_t i = 0; i < disks.t.n; i++)
			if (disks.t.m[i].kind != FS_KIND_NONE)
				return true;
		return false;
	}
	struct fs_mount *mt = mount_of(m);
	return mt && mt->kind != FS_KIND_NONE;
}

/* A request that names an unmounted root: look again first, now and then. */
static void probe_for(const struct vx_msg *m)
{
	uint64_t now = (uint64_t)vx_clock();

	if (m->len <= sizeof(struct fs_args) || now - disks.probed < PROBE_NS)
		return;
	struct fs_mount *mt = mount_of(m);
	if (mt && mt->kind == FS_KIND_NONE)
		probe(now);
}

/* ------------------------------------------------------------ the heap */

/* heap.moved: compaction moved block id's bytes. */
static void heap_moved(void *ctx, uint32_t id, uint8_t *base)
{
	(void)ctx;
	fs_rebase(&fs, id, base);
}

/* fs_store.get: a zeroed backing of at least pages pages. */
static int store_get(void *ctx, uint32_t pages, struct fs_backing *out)
{
	uint32_t id;
	int rc;

	(void)ctx;
	if ((rc = heap_alloc(&backing.heap, pages, &id)) != VX_OK)
		return rc;
	*out = (struct fs_backing){.base = heap_ptr(&backing.heap, id), .pages = pages, .id = id};
	return VX_OK;
}

/* fs_store.put: b is all zero again (pure_fs.h). */
static void store_put(void *ctx, const struct fs_backing *b)
{
	(void)ctx;
	heap_free(&backing.heap, b->id);
}

/* ------------------------------------------------------------ snapshots */

/* Ends every view of block id's snapshot and deletes it. */
static void snap_drop(uint32_t id)
{
	struct snap *s = &backing.snap[id];

	if (s->h == VX_NO_HANDLE)
		return;
	vx_cap_revoke(s->h);
	vx_cap_delete(s->h);
	s->h = VX_NO_HANDLE;
	backing.nsnaps--;
}

/* The snapshot to drop: the newest made (newest) or the least recently
 * handed out; HEAP_IDS if there is none. */
static uint32_t snap_victim(bool newest)
{
	uint32_t best = HEAP_IDS;

	for (uint32_t i = 0; i < HEAP_IDS; i++) {
		const struct snap *s = &backing.snap[i];
		if (s->h == VX_NO_HANDLE)
			continue;
		if (best == HEAP_IDS || (newest ? s->made > backing.snap[best].made
						: s->used < backing.snap[best].used))
			best = i;
	}
	return best;
}

/* fs_store.changed: the file backed by b changes; its views end. */
static void store_changed(void *ctx, const struct fs_backing *b)
{
	(void)ctx;
	snap_drop(b->id);
}

/* A Mem of pages pages from "store", making room by dropping the newest
 * snapshots.  Returns its handle or an error. */
static int64_t snap_carve(uint32_t pages)
{
	for (;;) {
		int64_t h = vx_reticle_retype(backing.store, VX_OBJ_MEM, pages);
		uint32_t newest = snap_victim(true);
		if (h >= 0 || h != VX_E_NOMEM || newest == HEAP_IDS)
			return h;
		snap_drop(newest);
	}
}

/* Makes sure block b (a file of size bytes) has a snapshot. */
static int snap_make(const struct fs_backing *b, uint64_t size)
{
	struct snap *s = &backing.snap[b->id];
	uint32_t pages = (uint32_t)((size + HEAP_PAGE - 1) / HEAP_PAGE);
	int64_t h, rc;

	if (s->h != VX_NO_HANDLE)
		return VX_OK;
	if (backing.nsnaps == VFSD_SNAPS_MAX)
		snap_drop(snap_victim(false));
	if ((h = snap_carve(pages ? pages : 1)) < 0)
		return h == VX_E_NOMEM ? VX_E_FULL : (int)h;
	rc = vx_task_map(backing.self, (vx_handle_t)h, VFSD_SCRATCH_VA,
			 VX_PROT_READ | VX_PROT_WRITE);
	if (rc < 0) {
		vx_cap_delete((vx_handle_t)h);
		return (int)rc;
	}
	memcpy((void *)(uintptr_t)VFSD_SCRATCH_VA, b->base, (size_t)size);
	vx_task_unmap((vx_handle_t)h);
	*s = (struct snap){.h = (vx_handle_t)h, .made = ++backing.clock};
	backing.nsnaps++;
	return VX_OK;
}

/* Sends a read-only view of block b's snapshot on c's reply Ring.  The
 * derived handle is deleted once sent: the copy in flight is re-parented
 * to the snapshot's own capability, so revoking that still reaches it. */
static int send_view(struct vx_server_conn *c, const struct fs_backing *b, uint64_t size)
{
	int rc = snap_make(b, size);
	int64_t v, sent;

	if (rc != VX_OK)
		return rc;
	backing.snap[b->id].used = ++backing.clock;
	if ((v = vx_cap_derive(backing.snap[b->id].h, VX_R_READ | VX_R_GRANT, 0)) < 0)
		return (int)v;
	sent = vx_ring_send_cap(c->rep_h, (vx_handle_t)v, VX_R_READ | VX_R_GRANT);
	vx_cap_delete((vx_handle_t)v);
	return sent < 0 ? (int)sent : VX_OK;
}

/* ------------------------------------------------------------ the loop */

/* The capabilities that came with a request (ncaps of them): a single
 * MemCap is mapped for FS_WRITE_MEM / FS_READ_INTO (fs.xfer); anything
 * else is noted in fs.xfer_rc and deleted.  Returns the MemCap, or 0. */
static vx_handle_t take_xfer(struct vx_server_conn *c, const struct vx_msg *m)
{
	struct vx_cap_info ci;
	vx_handle_t mem = 0;

	fs.xfer = NULL;
	fs.xfer_size = 0;
	fs.xfer_rights = 0;
	fs.xfer_rc = VX_OK;
	for (uint32_t i = 0; i < m->ncaps && i < 16; i++) {
		int64_t h = vx_ring_recv_cap(c->req_h);
		if (h < 0) {
			fs.xfer_rc = VX_E_INVAL; /* announced, never came */
			break;
		}
		if (i > 0 || mem) {
			vx_cap_delete((vx_handle_t)h);
			fs.xfer_rc = VX_E_INVAL;
			continue;
		}
		mem = (vx_handle_t)h;
	}
	if (!mem)
		return 0;
	if (fs.xfer_rc == VX_OK && (vx_cap_inspect(mem, &ci) != VX_OK || ci.type != VX_OBJ_MEM))
		fs.xfer_rc = VX_E_TYPE;
	else if (fs.xfer_rc == VX_OK && ci.size > VFSD_XFER_BYTES)
		fs.xfer_rc = VX_E_TOOBIG;
	else if (fs.xfer_rc == VX_OK) {
		uint32_t prot = VX_PROT_READ | ((ci.rights & VX_R_WRITE) ? VX_PROT_WRITE : 0);
		/* x86 has no write-only pages: reading a file into the MemCap
		 * needs VX_R_READ beside VX_R_WRITE. */
		int64_t rc = (ci.rights & VX_R_READ)
				 ? vx_task_map(backing.self, mem, VFSD_XFER_VA, prot)
				 : VX_E_RIGHTS;
		if (rc < 0) {
			fs.xfer_rc = (int)rc;
		} else {
			fs.xfer = (uint8_t *)(uintptr_t)VFSD_XFER_VA;
			fs.xfer_size = ci.size;
			fs.xfer_rights = ci.rights;
		}
	}
	return mem;
}

/* Each connection's grant, from init's record (fs.h, GRANTS). */
static struct fs_grant grants[VX_SVC_MAX_CONNS];
static uint32_t refused_grants;

static int attach(struct vx_server *s, struct vx_server_conn *c, const struct vx_msg *rec,
		  void *ctx)
{
	(void)s;
	(void)ctx;
	int rc = rec->len <= VX_MSG_DATA
		     ? fs_grant_parse((const char *)rec->data, rec->len, &grants[c->id])
		     : VX_E_INVAL;
	if (rc != VX_OK && refused_grants++ == 0)
		say("vfsd: refused a connection whose grant means nothing to me: %s\n",
		    vx_strerror(rc));
	return rc;
}

static enum vx_svc_disp handle(struct vx_server *s, struct vx_server_conn *c, struct vx_msg *m,
			       void *ctx)
{
	struct fs_backing view;
	struct fs_stat fst;
	int rc;

	(void)s;
	probe_for(m);
	fs.now = (uint64_t)vx_clock();
	vx_handle_t mem = take_xfer(c, m);
	if ((rc = fs_grant_apply(&grants[c->id], m)) == VX_OK && needs_absent_disk(m))
		rc = VX_E_HANGUP;
	if (rc == VX_OK) {
		fs_serve(ctx, m, &view);
	} else {
		m->status = rc;
		m->len = 0;
		m->ncaps = 0;
	}
	disks_report();
	if (mem) { /* the client's memory leaves vfsd before it hears back */
		if (fs.xfer)
			vx_task_unmap(mem);
		vx_cap_delete(mem);
		fs.xfer = NULL;
	}
	fs.xfer_rc = VX_OK;
	if (m->op != FS_READ_MEM || m->status != VX_OK || view.pages == 0 || m->len < sizeof(fst))
		return VX_SVC_REPLY;
	memcpy(&fst, m->data, sizeof(fst));
	if ((rc = send_view(c, &view, fst.size)) != VX_OK) {
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
	int64_t heap, rc;

	(void)args;
	if (con >= 0)
		vx_print_init((vx_handle_t)con);
	if (self < 0)
		return fail("my bundle has no \"self\" Task", self);
	if (store < 0)
		return fail("my bundle has no \"store\" Reticle", store);
	backing.self = (vx_handle_t)self;
	backing.store = (vx_handle_t)store;
	if ((heap = vx_reticle_retype(backing.store, VX_OBJ_MEM, VFSD_HEAP_BYTES / HEAP_PAGE)) < 0)
		return fail("\"store\" cannot hold the 16 MiB heap", heap);
	backing.heap_mem = (vx_handle_t)heap;
	if ((rc = vx_task_map(backing.self, backing.heap_mem, VFSD_HEAP_VA,
			      VX_PROT_READ | VX_PROT_WRITE)) < 0)
		return fail("cannot map the heap", rc);
	heap_init(&backing.heap, (uint8_t *)(uintptr_t)VFSD_HEAP_VA,
		  (uint32_t)(VFSD_HEAP_BYTES / HEAP_PAGE), heap_moved, NULL);
	struct fs_store ops = {
	    .get = store_get,
	    .put = store_put,
	    .changed = store_changed,
	    .bytes_max = VFSD_HEAP_BYTES,
	};
	fs_init(&fs, &ops);
	int64_t port = vx_bundle_handle(b, "port", VX_OBJ_RING);
	if (port < 0 || (rc = vx_server_init_attach(&srv, (vx_handle_t)port, VFSD_SERVER_VA,
						    VFSD_BIT, attach, NULL)) < 0)
		return fail("cannot bind my \"port\"", port < 0 ? port : rc);
	vx_printf("vfsd: serving a RAM file system of %lu KiB\n",
		  (unsigned long)(VFSD_HEAP_BYTES >> 10));
	have_con = vx_client_open(&console, b, "console", CON_VA, CON_BIT) == VX_OK;
	have_rtc = vx_client_open(&rtc, b, "rtc", RTC_VA, RTC_BIT) == VX_OK;
	disks_init(b);
	for (;;) {
		wall_clock();
		vx_server_poll(&srv, handle, &fs);
		uint64_t next = disks_tick((uint64_t)vx_clock());
		vx_server_wait(&srv, 0, next == UINT64_MAX ? VX_DEADLINE_NEVER : next);
	}
}
