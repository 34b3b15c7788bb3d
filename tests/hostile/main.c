/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hostile: a client that misuses the services on purpose, for the scenario
 * tests (tests/qemu/hostile_test.py).  It holds only what it is granted: a
 * console connection to report on, and the connections it attacks.  Every
 * result is one line "hostile: WHAT: RESULT" for the test to match.
 *
 *   ops         op 0xffffffff and other unknown ops to every connection it
 *               holds (fs, ns, console, init): each must be answered
 *   spin        prints "hostile: spinning" and never stops (Ctrl-C test)
 *   view-rewrite   issue 7 finding 1, route (a): ask vfsd for a view
 *               (FS_READ_MEM), rewrite the file before receiving it (vfsd
 *               revokes the view), then receive: VX_E_REVOKED
 *   view-exit   route (b): the same, then exit with the view still queued
 *   corrupt-exit   route (c): holding fs and fs2, scribble over the head
 *               index of fs's request Ring, then exit
 *   flood-exit  route (d): requests without reading replies, then views
 *               without receiving them, then exit
 *   fill-small  vfsd capacity: 512 one-page files, then one grows to 1 MiB
 *   fill-frag   vfsd capacity: the store filled with 32 KiB files, every
 *               other one removed (the newest kept), then 1 MiB files fill
 *               the holes
 *   fill-max    vfsd capacity: FS_ENTRIES_MAX entries, then one more
 *   socktest    netd's sockets (proto/net.h), used and then misused
 *               (sock.c; tests/qemu/sock_test.py)
 *   nettest     the network driver (proto/netif.h), used and then misused
 *               (net.c; tests/qemu/net_test.py): ARP and DHCP with slirp,
 *               every hostile case by name, the driver's crash and restart
 *   blk         the block driver (proto/blk.h) and devd's DEV_OPEN, misused
 *               through a devices connection: forged attach records,
 *               capabilities that are missing, of the wrong type or
 *               without the right, blocks past the grant, malformed
 *               messages, a request left in flight as it exits.  Each
 *               answer is one line; the driver must keep serving
 *
 * Started by init from the test image's manifest (its argument is then its
 * service name), it runs as one of two services:
 *
 *   hostile     "ops", then "back-pressure": asks init for PRESSURE_CONNS
 *               connections to sink, more pairs than sink's port can
 *               queue, and checks each is delivered and answered once sink
 *               takes from its port (init's broker must hold back the
 *               pairs that do not fit whole, and keep answering)
 *   sink        serves "sink", but takes nothing from its port until
 *               SINK_GO exists in vfsd; then reports how many capabilities
 *               wait there and answers every request VX_OK
 *
 * Bundle: console.req/.rep, and any of fs, fs2, ns, init (.req/.rep); as
 * sink also its port.
 */
#include "rt/vx.h"
#include "rt/svc.h"
#include "hostile.h"
#include "client/blk.h"
#include "client/fs.h"
#include "client/console.h"
#include "rt/errstr.h"
#include "vectra/proto/fs.h"
#include "vectra/proto/init.h"
#include "vx_string.h"

#define VA_CONSOLE 0x10000000ull
#define VA_FS	   0x10100000ull
#define VA_FS2	   0x10200000ull
#define VA_OTHER   0x10300000ull
#define BIT_CONN   1u
#define SECOND	   1000000000ull

static struct vx_client con, fs, fs2;
static bool have_fs, have_fs2;
static int fs_open_rc;

/* Lets the services act on what was done: vfsd closes a broken connection
 * and init, seeing its server end unbound for longer than its resend delay
 * (100 ms), sends the ends to vfsd's port again.  Exiting after that makes
 * the shell's INIT_DISCONNECT revoke ends that may still sit in the port,
 * the audit's way to an emptied slot in vfsd's accept. */
static void linger(void)
{
	vx_sig_wait(0, (uint64_t)vx_clock() + 300000000ull);
}

static uint64_t deadline(void)
{
	return (uint64_t)vx_clock() + 5 * SECOND;
}

void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vx_con_vprintf(&con, deadline(), fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------------ blk */

static int make_file(const char *path);

#define VA_DEVD 0x10400000ull
#define VA_BLK	0x10500000ull
#define VA_BLK2 0x10600000ull
#define VA_BLK3 0x10700000ull

/* One raw request on the blk connection: op, data, and the capability
 * (0: none) sent under rights with ncaps claimed; the reply's status. */
static int blk_raw(struct vx_blk *b, uint32_t op, const void *data, uint16_t len, vx_handle_t cap,
		   uint32_t rights, uint16_t ncaps)
{
	struct vx_msg m = {.op = op, .len = len, .ncaps = ncaps};

	if (len)
		memcpy(m.data, data, len);
	int64_t sent = cap ? vx_ring_send_cap(b->c.req_h, cap, rights) : 0;
	if (sent < 0) {
		say("hostile: blk (could not even send the capability: %s)\n",
		    vx_errname((int)sent));
		return (int)sent;
	}
	return vx_client_call(&b->c, &m, deadline());
}

static void blk_case(struct vx_blk *b, const char *what, uint32_t op, uint64_t lba, uint32_t count,
		     vx_handle_t cap, uint32_t rights, uint16_t ncaps)
{
	struct blk_req r = {.id = 7, .lba = lba, .count = count};

	say("hostile: blk %s: %s\n", what,
	    vx_errname(blk_raw(b, op, &r, sizeof(r), cap, rights, ncaps)));
}

/* One open, by its result's name. */
static const char *open_says(struct vx_blk *b, struct vx_client *devd, uint32_t unit, uint32_t part,
			     uint32_t flags, uint64_t va)
{
	return vx_errname(vx_blk_open(b, devd, unit, part, flags, va, BIT_CONN, deadline()));
}

/*
 * The blk misuses, on the storage scenario's disks: disk0, whose
 * partition 1 vfsd has mounted as HOME: (writable), and disk1, a scratch
 * disk with one partition nobody holds.
 */
static int do_blk(const struct vx_bundle_page *b)
{
	static struct vx_blk ro, rw, other;
	static struct vx_client devd;
	struct dev_open o = {.service = "blk", .part = 1, .flags = BLK_ATTACH_RO};
	vx_handle_t view = 0;
	uint64_t size;
	int rc;

	if ((rc = vx_client_open(&devd, b, "devices", VA_DEVD, BIT_CONN)) != VX_OK) {
		say("hostile: blk needs a devices connection (%s)\n", vx_errname(rc));
		return 2;
	}
	vx_client_wait_up(&devd, deadline());
	/* devd's DEV_OPEN, malformed */
	struct vx_msg m = {.op = DEV_OPEN, .len = sizeof(o)};
	o.reserved = 1;
	memcpy(m.data, &o, sizeof(o));
	say("hostile: blk open reserved: %s\n", vx_errname(vx_client_call(&devd, &m, deadline())));
	o.reserved = 0;
	memset(o.service, 'b', sizeof(o.service)); /* no NUL */
	m = (struct vx_msg){.op = DEV_OPEN, .len = sizeof(o)};
	memcpy(m.data, &o, sizeof(o));
	say("hostile: blk open unterminated: %s\n",
	    vx_errname(vx_client_call(&devd, &m, deadline())));
	m = (struct vx_msg){.op = DEV_OPEN, .len = 3};
	say("hostile: blk open short: %s\n", vx_errname(vx_client_call(&devd, &m, deadline())));
	say("hostile: blk open unit 99: %s\n",
	    vx_errname(vx_blk_open(&ro, &devd, 99, 0, 0, VA_BLK, BIT_CONN, deadline())));
	say("hostile: blk open partition 9: %s\n",
	    vx_errname(vx_blk_open(&ro, &devd, 0, 9, 0, VA_BLK, BIT_CONN, deadline())));
	vx_blk_close(&ro);
	/* one writer per block: HOME: is vfsd's, and so is the disk under it */
	say("hostile: blk writable open of a mounted partition: %s\n",
	    open_says(&rw, &devd, 0, 1, 0, VA_BLK2));
	say("hostile: blk writable open of the whole disk under a mounted partition: %s\n",
	    open_says(&rw, &devd, 0, 0, 0, VA_BLK2));
	if ((rc = vx_blk_open(&ro, &devd, 0, 1, BLK_ATTACH_RO, VA_BLK, BIT_CONN, deadline())) !=
		VX_OK ||
	    (rc = vx_blk_open(&rw, &devd, 1, 1, 0, VA_BLK2, BIT_CONN, deadline())) != VX_OK) {
		say("hostile: blk cannot open disk0p1 read-only and disk1p1: %s\n", vx_errname(rc));
		return 1;
	}
	/* a MemCap it may only read: a view of a file from vfsd */
	if (have_fs && make_file("blkview") == VX_OK)
		vx_fs_read_mem(&fs, "blkview", &view, &size, deadline());
	/* requests the decoder must refuse, each by name */
	struct blk_attach forged = {.part = 0};
	say("hostile: blk forged attach record: %s\n",
	    vx_errname(blk_raw(&ro, BLK_ATTACH, &forged, sizeof(forged), 0, 0, 0)));
	say("hostile: blk op 0xffffffff: %s\n",
	    vx_errname(blk_raw(&ro, 0xffffffffu, NULL, 0, 0, 0, 0)));
	blk_case(&ro, "read without the capability it claims", BLK_READ, 0, 1, 0, 0, 1);
	blk_case(&ro, "read with a Ring for memory", BLK_READ, 0, 1, rw.c.rep_h, VX_R_CONSUME, 1);
	blk_case(&ro, "read into memory it may not write", BLK_READ, 0, 1, view, VX_R_READ, 1);
	blk_case(&ro, "write to a read-only grant", BLK_WRITE, 0, 1, view, VX_R_READ, 1);
	blk_case(&rw, "write past the partition", BLK_WRITE, rw.info.nblocks, 1, view, VX_R_READ,
		 1);
	blk_case(&rw, "write whose end wraps", BLK_WRITE, UINT64_MAX, 2, view, VX_R_READ, 1);
	blk_case(&rw, "write of zero blocks", BLK_WRITE, 0, 0, view, VX_R_READ, 1);
	blk_case(&rw, "write of 3 MiB", BLK_WRITE, 0, 6144, view, VX_R_READ, 1);
	struct vx_cap_info vi = {0};
	vx_cap_inspect(view, &vi);
	blk_case(&rw, "write from a view's page past its end", BLK_WRITE, 0,
		 (uint32_t)(vi.size / 512 + 8), view, VX_R_READ, 1);
	uint32_t index = 0;
	say("hostile: blk partition table from a partition's grant: %s\n",
	    vx_errname(blk_raw(&rw, BLK_PART, &index, sizeof(index), 0, 0, 0)));
	say("hostile: blk message of 3 bytes: %s\n",
	    vx_errname(blk_raw(&rw, BLK_READ, "abc", 3, 0, 0, 0)));
	/* still serving: INFO on both grants */
	m = (struct vx_msg){.op = BLK_INFO};
	rc = vx_client_call(&ro.c, &m, deadline());
	struct blk_info info;
	memcpy(&info, m.data, sizeof(info));
	say("hostile: blk info after all that: %s, read-only %u, %lu blocks\n", vx_errname(rc),
	    info.flags & BLK_INFO_READONLY, (unsigned long)info.nblocks);
	/* rw writes disk1p1: nobody else may write it or the disk under it,
	 * anyone may read; once rw lets go, the whole disk is free */
	say("hostile: blk second writer of a held partition: %s\n",
	    open_says(&other, &devd, 1, 1, 0, VA_BLK3));
	say("hostile: blk writable open of the whole disk under a writer: %s\n",
	    open_says(&other, &devd, 1, 0, 0, VA_BLK3));
	say("hostile: blk read-only open under a writer: %s\n",
	    open_says(&other, &devd, 1, 1, BLK_ATTACH_RO, VA_BLK3));
	vx_blk_close(&other);
	vx_blk_close(&rw);
	say("hostile: blk writable open once the writer let go: %s\n",
	    open_says(&other, &devd, 1, 0, 0, VA_BLK3));
	vx_blk_close(&other);
	/* the connection just closed: its pages are unmapped, and a call on
	 * it must say so, not touch them */
	say("hostile: blk call on a closed connection: %s\n",
	    vx_errname(blk_raw(&other, BLK_INFO, NULL, 0, 0, 0, 0)));
	if ((rc = vx_blk_open(&rw, &devd, 1, 1, 0, VA_BLK2, BIT_CONN, deadline())) != VX_OK)
		say("hostile: blk cannot open disk1p1 again: %s\n", vx_errname(rc));
	/* a request left in flight: sent, never waited for, and the client gone */
	if (view && rc == VX_OK) {
		struct blk_req r = {.id = 9, .lba = 0, .count = 1};
		struct vx_msg w = {.op = BLK_WRITE, .len = sizeof(r), .ncaps = 1};
		memcpy(w.data, &r, sizeof(r));
		vx_ring_send_cap(rw.c.req_h, view, VX_R_READ);
		vx_ring_try_send(&rw.c.req, &w, sizeof(w));
		vx_ring_kick(&rw.c.req);
	}
	say("hostile: blk done\n");
	return 0;
}

/* ------------------------------------------------------------------ ops */

static void ops_on(struct vx_client *c, const char *name)
{
	static const uint32_t ops[] = {0xffffffffu, 0, 0x7fffffffu, 0x80000000u, 0xfffffffeu};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		struct vx_msg m;
		memset(&m, 0, sizeof(m));
		m.op = ops[i];
		int rc = vx_client_call(c, &m, deadline());
		say("hostile: %s op 0x%x: %s\n", name, ops[i], vx_errname(rc));
	}
}

static int do_ops(const struct vx_bundle_page *b)
{
	static const char *const names[] = {"ns", "init"};
	struct vx_client other;

	ops_on(&con, "console");
	if (have_fs)
		ops_on(&fs, "fs");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (vx_client_open(&other, b, names[i], VA_OTHER + i * 0x100000ull, BIT_CONN) !=
		    VX_OK)
			continue;
		vx_client_wait_up(&other, deadline());
		ops_on(&other, names[i]);
		vx_ring_unbind(other.req_h);
		vx_ring_unbind(other.rep_h);
	}
	say("hostile: ops done\n");
	return 0;
}

/* ---------------------------------------------------- finding 1 routes */

/* A file of more than a page, so that vfsd answers FS_READ_MEM with a view. */
static int make_file(const char *path)
{
	static char block[FS_INLINE_MAX];
	int rc = VX_OK;

	memset(block, 'v', sizeof(block));
	for (int i = 0; i < 24 && rc == VX_OK; i++)
		rc = vx_fs_append(&fs, path, block, sizeof(block), deadline());
	return rc;
}

/* Sends FS_READ_MEM for path and takes the reply, leaving the view queued. */
static int ask_view(const char *path, bool wait_reply)
{
	struct fs_args a = {0};
	struct vx_msg m;
	size_t plen = strlen(path);

	memset(&m, 0, sizeof(m));
	m.op = FS_READ_MEM;
	memcpy(m.data, &a, sizeof(a));
	memcpy(m.data + sizeof(a), path, plen + 1);
	m.len = (uint16_t)(sizeof(a) + plen + 1);
	if (!wait_reply) {
		m.seq = ++fs.seq;
		return vx_ring_try_send(&fs.req, &m, sizeof(m));
	}
	int rc = vx_client_call(&fs, &m, deadline());
	return rc < 0 ? rc : (int)m.ncaps;
}

static int view_then_rewrite(void)
{
	int rc = make_file("v");

	if (rc == VX_OK)
		rc = ask_view("v", true);
	say("hostile: view asked: %s (%d caps)\n", rc < 0 ? vx_errname(rc) : "VX_OK", rc);
	if (rc != 1)
		return rc < 0 ? rc : VX_E_CORRUPT;
	rc = vx_fs_write(&fs, "v", 0, "rewritten", 9, deadline());
	say("hostile: rewritten: %s\n", vx_errname(rc));
	return rc;
}

static int do_view_rewrite(void)
{
	if (view_then_rewrite() != VX_OK)
		return 1;
	int64_t h = vx_ring_recv_cap(fs.rep_h);
	say("hostile: view received after rewrite: %s\n", h >= 0 ? "a handle" : vx_errname((int)h));
	/* The queue stays in order: the next view is the file as it is now. */
	vx_handle_t mem;
	uint64_t size;
	int rc = vx_fs_read_mem(&fs, "v", &mem, &size, deadline());
	say("hostile: next view: %s, %lu bytes\n", vx_errname(rc), (unsigned long)size);
	return h == VX_E_REVOKED && rc == VX_OK ? 0 : 1;
}

static int do_view_exit(void)
{
	int rc = view_then_rewrite();

	say("hostile: exiting with the view queued\n");
	return rc == VX_OK ? 0 : 1;
}

static int do_corrupt_exit(void)
{
	if (!have_fs2) {
		say("hostile: corrupt-exit needs fs and fs2\n");
		return 1;
	}
	int rc = vx_fs_create(&fs2, "c2", deadline());
	say("hostile: second connection: %s\n", vx_errname(rc));
	__atomic_store_n(&fs.req.ctl->head, 0xdeadbeefu, __ATOMIC_RELEASE);
	vx_ring_kick(&fs.req);
	linger();
	say("hostile: request ring head corrupted, exiting\n");
	return 0;
}

static int do_flood_exit(void)
{
	struct vx_msg m;
	uint32_t sent = 0, views = 0;
	int rc = make_file("f");

	if (rc != VX_OK) {
		say("hostile: flood: cannot make the file: %s\n", vx_errname(rc));
		return 1;
	}
	/* Requests whose replies are never read: until the request Ring is full. */
	for (uint32_t i = 0; i < 64; i++) {
		memset(&m, 0, sizeof(m));
		m.op = 0x7fffffffu;
		m.seq = ++fs.seq;
		if (vx_ring_try_send(&fs.req, &m, sizeof(m)) != VX_OK)
			break;
		vx_ring_kick(&fs.req);
		sent++;
		if (i % 8 == 7)
			vx_task_yield();
	}
	/* Views never received: give vfsd time to drain, then ask. */
	for (uint32_t i = 0; i < 64; i++) {
		vx_task_yield();
		if (ask_view("f", false) == VX_OK) {
			vx_ring_kick(&fs.req);
			views++;
		}
	}
	linger();
	say("hostile: flood: %u requests, %u view requests sent, exiting\n", sent, views);
	return 0;
}

/* ------------------------------------------------------- vfsd capacity */

/* dir/i, or i alone in the root when dir is "". */
static void name(char *buf, size_t cap, const char *dir, uint32_t i)
{
	vx_snprintf(buf, cap, "%s%s%u", dir, dir[0] ? "/" : "", i);
}

/* Creates up to n files dir/0.. of size bytes; returns how many, and the
 * error that stopped it in *why. */
static uint32_t fill(const char *dir, uint32_t n, uint64_t size, int *why)
{
	char p[32];
	uint32_t i;

	*why = VX_OK;
	for (i = 0; i < n; i++) {
		name(p, sizeof(p), dir, i);
		if ((*why = vx_fs_create(&fs, p, deadline())) != VX_OK ||
		    (*why = vx_fs_truncate(&fs, p, size, deadline())) != VX_OK)
			break;
	}
	return i;
}

/* Removes everything under dir ("" for the root), depth first: each capacity
 * test starts from an empty file system.  Returns the first error. */
static int wipe(const char *dir, int depth)
{
	struct fs_dirent ent;
	char p[FS_PATH_MAX + 1];
	int rc;

	while ((rc = vx_fs_list(&fs, dir, 0, &ent, deadline())) == VX_OK) {
		vx_snprintf(p, sizeof(p), "%s%s%s", dir, dir[0] ? "/" : "", ent.name);
		if (ent.st.type == FS_DIR && depth < 8 && (rc = wipe(p, depth + 1)) != VX_OK)
			return rc;
		if ((rc = vx_fs_remove(&fs, p, deadline())) != VX_OK)
			return rc;
	}
	return rc == VX_E_NOTFOUND ? VX_OK : rc;
}

static void report_info(const char *what)
{
	struct fs_info info;
	int rc = vx_fs_info(&fs, &info, deadline());

	if (rc == VX_OK)
		say("hostile: %s: %lu entries, %lu KiB of %lu KiB\n", what,
		    (unsigned long)info.entries, (unsigned long)(info.bytes >> 10),
		    (unsigned long)(info.bytes_max >> 10));
}

static int do_fill_small(void)
{
	int why;
	uint32_t n;

	vx_fs_mkdir(&fs, "s", deadline());
	n = fill("s", FS_ENTRIES_MAX - 1, 4096, &why);
	say("hostile: small files: %u made (%s)\n", n, vx_errname(why));
	int rc = vx_fs_truncate(&fs, "s/0", FS_FILE_MAX, deadline());
	say("hostile: one small file grows to 1 MiB: %s\n", vx_errname(rc));
	report_info("after small files");
	return n == FS_ENTRIES_MAX - 1 && rc == VX_OK ? 0 : 1;
}

static int do_fill_frag(void)
{
	char p[32];
	int why, rc = VX_OK;
	uint32_t n, removed = 0, big;

	vx_fs_mkdir(&fs, "f", deadline());
	vx_fs_mkdir(&fs, "b", deadline());
	n = fill("f", FS_ENTRIES_MAX - 2, 32 * 1024, &why);
	say("hostile: 32 KiB files: %u made (%s)\n", n, vx_errname(why));
	/* Every other one goes, from the oldest; the newest stays. */
	for (uint32_t i = n % 2 == 0 ? 0 : 1; i + 1 < n && rc == VX_OK; i += 2) {
		name(p, sizeof(p), "f", i);
		if ((rc = vx_fs_remove(&fs, p, deadline())) == VX_OK)
			removed++;
	}
	report_info("fragmented");
	struct fs_info info;
	if (vx_fs_info(&fs, &info, deadline()) != VX_OK)
		return 1;
	/* Every free byte is usable: as many 1 MiB files as MiB are free. */
	uint32_t room = (uint32_t)((info.bytes_max - info.bytes) / FS_FILE_MAX);
	big = fill("b", 32, FS_FILE_MAX, &why);
	say("hostile: 1 MiB files in the holes: %u made of %u free (%s), %u removed\n", big, room,
	    vx_errname(why), removed);
	report_info("after 1 MiB files");
	return n == FS_ENTRIES_MAX - 2 && big == room && room >= removed * 32 / 1024 ? 0 : 1;
}

static int do_fill_max(void)
{
	int why;
	uint32_t n = fill("", FS_ENTRIES_MAX + 1, 1, &why);

	say("hostile: entries: %u made, the next: %s\n", n, vx_errname(why));
	report_info("at the entry limit");
	return n == FS_ENTRIES_MAX && why == VX_E_FULL ? 0 : 1;
}

/* ----------------------------------------------------------------- main */

static void spin(void)
{
	say("hostile: spinning\n");
	for (;;)
		__asm__ volatile("pause");
}

/* -------------------------------------------------------- back-pressure */

#define PRESSURE_CONNS 12	     /* 24 capabilities; a port queues 16 */
#define VA_PRESSURE    0x20000000ull /* PRESSURE_CONNS * VX_SVC_CONN_SPAN */
#define VA_INIT	       0x10400000ull
#define VA_SINK	       0x30000000ull /* sink's server: VX_SVC_MAX_CONNS spans */
#define BIT_SINK       2u
#define SINK_GO	       "sink.go"

/* One INIT_CONNECT to sink; the client ends are attached as *k at va. */
static int connect_sink(struct vx_client *initc, struct vx_client *k, uint64_t va, uint32_t *id)
{
	struct vx_msg m = {.op = INIT_CONNECT};
	int64_t req, rep;
	int rc;

	vx_msg_put_str(&m, "sink");
	if ((rc = vx_client_call(initc, &m, deadline())) != VX_OK)
		return rc;
	if (m.ncaps != 2 || m.len != 4)
		return VX_E_CORRUPT;
	memcpy(id, m.data, 4);
	if ((req = vx_ring_recv_cap(initc->rep_h)) < 0)
		return (int)req;
	if ((rep = vx_ring_recv_cap(initc->rep_h)) < 0)
		return (int)rep;
	return vx_client_attach(k, (vx_handle_t)req, (vx_handle_t)rep, va, BIT_CONN);
}

/* Gives connection id back to init's pool. */
static void disconnect(struct vx_client *initc, struct vx_client *k, uint32_t id)
{
	struct vx_msg m = {.op = INIT_DISCONNECT, .len = 4};

	vx_ring_unbind(k->req_h);
	vx_ring_unbind(k->rep_h);
	memcpy(m.data, &id, 4);
	vx_client_call(initc, &m, deadline());
}

static int do_back_pressure(const struct vx_bundle_page *b)
{
	static struct vx_client conns[PRESSURE_CONNS];
	uint32_t ids[PRESSURE_CONNS];
	struct vx_client initc;
	struct vx_msg m;
	int made = 0, answered = 0, rc = VX_OK;

	if (!have_fs || vx_client_open(&initc, b, "init", VA_INIT, BIT_CONN) != VX_OK) {
		say("hostile: back-pressure needs init and fs connections\n");
		return 2;
	}
	while (made < PRESSURE_CONNS &&
	       (rc = connect_sink(&initc, &conns[made], VA_PRESSURE + made * VX_SVC_CONN_SPAN,
				  &ids[made])) == VX_OK)
		made++;
	say("hostile: back-pressure: %d of %d connections to sink made (%s)\n", made,
	    PRESSURE_CONNS, vx_errname(rc));
	/* sink has taken nothing: its port is full and init holds pairs back */
	memset(&m, 0, sizeof(m));
	m.op = INIT_PS;
	m.len = 4;
	say("hostile: back-pressure: init answers INIT_PS meanwhile: %s\n",
	    vx_errname(vx_client_call(&initc, &m, deadline())));
	rc = vx_fs_create(&fs, SINK_GO, deadline());
	if (rc != VX_OK)
		say("hostile: back-pressure: cannot create " SINK_GO ": %s\n", vx_errname(rc));
	for (int i = 0; i < made; i++) {
		/* Nothing here is timed: a held-back pair goes only once sink
		 * has emptied its port, and a loaded machine (CI runs several
		 * guests per core) may take far longer than deadline()'s 5 s. */
		uint64_t patient = (uint64_t)vx_clock() + 30 * SECOND;
		memset(&m, 0, sizeof(m));
		m.op = 1;
		if ((rc = vx_client_wait_up(&conns[i], patient)) != VX_OK)
			say("hostile: back-pressure: connection %d never taken: %s\n", i,
			    vx_errname(rc));
		else if ((rc = vx_client_call(&conns[i], &m, patient)) == VX_OK)
			answered++;
		else
			say("hostile: back-pressure: connection %d: %s\n", i, vx_errname(rc));
	}
	say("hostile: back-pressure: %d of %d connections answered by sink\n", answered, made);
	for (int i = 0; i < made; i++)
		disconnect(&initc, &conns[i], ids[i]);
	vx_fs_remove(&fs, SINK_GO, deadline());
	return 0;
}

static enum vx_svc_disp sink_serve(struct vx_server *s, struct vx_server_conn *c, struct vx_msg *m,
				   void *ctx)
{
	m->status = VX_OK;
	m->len = 0;
	return VX_SVC_REPLY;
}

_Noreturn static void do_sink(const struct vx_bundle_page *b)
{
	static struct vx_server srv;
	struct vx_cap_info ci;
	struct fs_stat st;
	int rc;

	if (!have_fs || (rc = vx_server_init(&srv, b, VA_SINK, BIT_SINK)) != VX_OK) {
		say("hostile: sink needs fs and a port\n");
		vx_task_exit(2);
	}
	while (vx_fs_stat(&fs, SINK_GO, &st, deadline()) != VX_OK)
		vx_sig_wait(0, (uint64_t)vx_clock() + 10000000ull);
	if (vx_cap_inspect(srv.port, &ci) == VX_OK)
		say("hostile: sink: %u capabilities wait in the port before it takes any\n",
		    (unsigned)((ci.ring_state >> 8) & 0xff));
	for (;;) {
		vx_server_wait(&srv, 0, VX_DEADLINE_NEVER);
		vx_server_poll(&srv, sink_serve, NULL);
	}
}

/* fs-grant: run with fs=fs.read:www, where www holds a.txt ("granted")
 * and secret.txt lies beside it.  Each case prints its result; one that
 * is not what vfsd's grant (vectra/proto/fs.h, GRANTS) says ends
 * "(WRONG)". */
static int grant_bad;
static void grant_case(const char *name, int rc, int want)
{
	say("hostile: fs-grant: %s: %s%s\n", name, vx_errname(rc), rc == want ? "" : " (WRONG)");
	grant_bad += rc != want;
}

static int do_fs_grant(void)
{
	struct fs_stat st;
	struct fs_dirent ent;
	struct fs_info info;
	struct fs_mount_info mi;
	char got[32];
	vx_handle_t mem;
	uint64_t size;

	int64_t n = vx_fs_read(&fs, "a.txt", 0, got, sizeof(got), deadline());
	bool same = n >= 7 && memcmp(got, "granted", 7) == 0;
	grant_case("read a.txt, its root's file",
		   n < 0  ? (int)n
		   : same ? VX_OK
			  : VX_E_CORRUPT,
		   VX_OK);
	grant_case("stat /a.txt", vx_fs_stat(&fs, "/a.txt", &st, deadline()), VX_OK);
	grant_case("stat its root", vx_fs_stat(&fs, "", &st, deadline()), VX_OK);
	grant_case("list its root", vx_fs_list(&fs, "", 0, &ent, deadline()), VX_OK);
	int rc = vx_fs_read_mem(&fs, "a.txt", &mem, &size, deadline());
	grant_case("a view of a.txt", rc, VX_OK);
	if (rc == VX_OK)
		vx_cap_delete(mem);
	grant_case("read ../secret.txt",
		   (int)vx_fs_read(&fs, "../secret.txt", 0, got, 8, deadline()), VX_E_INVAL);
	grant_case("read RAM:secret.txt",
		   (int)vx_fs_read(&fs, "RAM:secret.txt", 0, got, 8, deadline()), VX_E_RIGHTS);
	grant_case("read /RAM:secret.txt",
		   (int)vx_fs_read(&fs, "/RAM:secret.txt", 0, got, 8, deadline()), VX_E_RIGHTS);
	grant_case("stat HOME:", vx_fs_stat(&fs, "HOME:", &st, deadline()), VX_E_RIGHTS);
	grant_case("stat secret.txt (not under the root)",
		   vx_fs_stat(&fs, "secret.txt", &st, deadline()), VX_E_NOTFOUND);
	grant_case("write a.txt", vx_fs_write(&fs, "a.txt", 0, "x", 1, deadline()), VX_E_RIGHTS);
	grant_case("append a.txt", vx_fs_append(&fs, "a.txt", "x", 1, deadline()), VX_E_RIGHTS);
	grant_case("truncate a.txt", vx_fs_truncate(&fs, "a.txt", 0, deadline()), VX_E_RIGHTS);
	grant_case("create b.txt", vx_fs_create(&fs, "b.txt", deadline()), VX_E_RIGHTS);
	grant_case("mkdir d", vx_fs_mkdir(&fs, "d", deadline()), VX_E_RIGHTS);
	grant_case("remove a.txt", vx_fs_remove(&fs, "a.txt", deadline()), VX_E_RIGHTS);
	grant_case("rename a.txt", vx_fs_rename(&fs, "a.txt", "c.txt", deadline()), VX_E_RIGHTS);
	grant_case("sync", vx_fs_sync(&fs, "", deadline()), VX_E_RIGHTS);
	grant_case("snapshot HOME:s", vx_fs_snap(&fs, "HOME:s", FS_SNAP_CREATE, deadline()),
		   VX_E_RIGHTS);
	grant_case("info", vx_fs_info(&fs, &info, deadline()), VX_E_RIGHTS);
	grant_case("mounts", vx_fs_mounts(&fs, 0, &mi, deadline()), VX_E_RIGHTS);
	n = vx_fs_read(&fs, "a.txt", 0, got, sizeof(got), deadline());
	grant_case("a.txt is unchanged",
		   n >= 7 && memcmp(got, "granted", 7) == 0 ? VX_OK : VX_E_CORRUPT, VX_OK);
	say("hostile: fs-grant: done, %d wrong\n", grant_bad);
	return grant_bad ? 1 : 0;
}

int main(const struct vx_bundle_page *b, const char *args)
{
	if (vx_client_open(&con, b, "console", VA_CONSOLE, BIT_CONN) != VX_OK)
		return 3;
	vx_client_wait_up(&con, deadline()); /* at boot uartd may start later */
	fs_open_rc = vx_client_open(&fs, b, "fs", VA_FS, BIT_CONN);
	have_fs = fs_open_rc == VX_OK;
	have_fs2 = vx_client_open(&fs2, b, "fs2", VA_FS2, BIT_CONN) == VX_OK;
	if (strcmp(args, "sink") == 0)
		do_sink(b);
	if (strcmp(args, "hostile") == 0) {
		int rc = do_ops(b);
		return rc ? rc : do_back_pressure(b);
	}
	if (strcmp(args, "ops") == 0)
		return do_ops(b);
	if (strcmp(args, "spin") == 0)
		spin();
	if (strcmp(args, "blk") == 0)
		return do_blk(b);
	if (strcmp(args, "nettest") == 0)
		return do_net(b);
	if (strcmp(args, "socktest") == 0)
		return do_sock(b);
	if (!have_fs) {
		say("hostile: %s needs an fs connection (%s)\n", args, vx_errname(fs_open_rc));
		return 2;
	}
	if (strcmp(args, "fs-grant") == 0)
		return do_fs_grant();
	if (strcmp(args, "view-rewrite") == 0)
		return do_view_rewrite();
	if (strcmp(args, "view-exit") == 0)
		return do_view_exit();
	if (strcmp(args, "corrupt-exit") == 0)
		return do_corrupt_exit();
	if (strcmp(args, "flood-exit") == 0)
		return do_flood_exit();
	if (strncmp(args, "fill-", 5) == 0 && wipe("", 0) != VX_OK) {
		say("hostile: cannot empty the file system\n");
		return 1;
	}
	if (strcmp(args, "fill-small") == 0)
		return do_fill_small();
	if (strcmp(args, "fill-frag") == 0)
		return do_fill_frag();
	if (strcmp(args, "fill-max") == 0)
		return do_fill_max();
	say("hostile: unknown test '%s'\n", args);
	return 2;
}
