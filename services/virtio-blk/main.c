/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio-blk: the disk driver Task.  It serves the block protocol
 * (vectra/proto/blk.h) to the clients devd connects to it, each bound to a
 * grant: the whole disk or one GPT partition, read-only or not.
 *
 * devd starts it with one function's capabilities (services/devd), which
 * lib/drv takes and maps: cfg, bar0..5, msi, irqsig, iospace, ret, self;
 * and port (an attached port: each
 * connection arrives with a record saying its grant) and a connection to
 * the console.  Its queue and its request headers are Mems carved from
 * ret and mapped for the device at fixed IO addresses; the data never
 * passes through it: each READ or WRITE brings the client's MemCap, which
 * the driver maps into the device's IoSpace for that request alone (slot
 * k's window, IO_DATA + k * 2 MiB) and deletes before it replies, so the
 * device reads or writes the client's own frames and can reach them only
 * while the request is in flight.
 *
 * Up to NSLOT requests are on the device at once; more wait in a queue of
 * PENDING_MAX in arrival order, and only past that does a client hear
 * VX_E_AGAIN.  Every request is checked whole by vx_blk_decode before any
 * of it reaches the device.  A device that answers in a way the queue
 * cannot trust (lib/dev/virtio.h, HOSTILE DEVICES) fails every request in
 * flight with VX_E_STATE and stops the driver: devd resets the function
 * and starts a new life, and clients open new connections.
 *
 * At start it reads the partition table (lib/blk/gpt.h) through a bounce
 * page of its own, before it serves anyone.
 *
 * One writer per block (lib/blk/claim.h, vectra/proto/blk.h): each
 * writable grant claims its blocks for its connection; a writable attach
 * over another live connection's claim gets its connection, but every
 * request on it hears VX_E_BUSY.  Read-only grants claim nothing.  A
 * claim goes with its connection: when the server closes it, when its
 * client's end is seen unbound (checked at every writable attach and
 * after every poll), when its slot is attached anew, and with this life.
 *
 * Fault injection for the storage scenario (tests/qemu/storage_test.py):
 * devd passes "[WORD ]life=N"; with the word crash-at-write-K the first
 * life faults just after putting its K-th write request on the device:
 * the crash mid-I/O that clients must ride out.  Writes are counted, not
 * all requests, so that the reads of start-up and mount, which clients
 * join and read ahead as they see fit, do not move the point.
 */
#include <stddef.h>
#include <stdint.h>
#include "rt/vx.h"
#include "rt/svc.h"
#include "rt/errstr.h"
#include "client/console.h"
#include "blk/blkproto.h"
#include "blk/claim.h"
#include "blk/gpt.h"
#include "dev/pci.h"
#include "drv/drv.h"
#include "dev/virtio.h"
#include "vectra/proto/blk.h"
#include "vx_string.h"

#define CFG_VA	    0x10000000ull
#define BAR_VA	    0x20000000ull /* BAR i at BAR_VA + i * BAR_SPAN */
#define BAR_SPAN    0x01000000ull
#define QUEUE_VA    0x30000000ull
#define HDR_VA	    0x30200000ull
#define BOUNCE_VA   0x30400000ull
#define SRV_VA	    0x40000000ull /* the port, then one span per connection */
#define CON_VA	    0x48000000ull
#define IO_QUEUE    0x00200000ull /* IO addresses, each in its own 2 MiB leaf */
#define IO_HDR	    0x00400000ull
#define IO_BOUNCE   0x00600000ull
#define IO_DATA	    0x02000000ull /* slot k's window: IO_DATA + k * WINDOW */
#define WINDOW	    BLK_MEM_MAX
#define SRV_BIT	    0u
#define IRQ_BIT	    1u /* devd mints irqsig for this bit */
#define CON_BIT	    2u
#define QMAX	    128u
#define NSLOT	    16u
#define PENDING_MAX 64u
#define BOUNCE	    16384u
#define MS	    1000000ull

/* virtio-blk (virtio 1.2, section 5.2). */
#define F_SIZE_MAX    1
#define F_SEG_MAX     2
#define F_RO	      5
#define F_BLK_SIZE    6
#define F_FLUSH	      9
#define F_DISCARD     13
#define T_IN	      0u
#define T_OUT	      1u
#define T_FLUSH	      4u
#define T_DISCARD     11u
#define S_OK	      0u
#define S_IOERR	      1u
#define S_UNSUPP      2u
#define C_CAPACITY    0u /* le64, 512-byte sectors */
#define C_SIZE_MAX    8u
#define C_SEG_MAX     12u
#define C_BLK_SIZE    20u
#define C_DISCARD_MAX 36u /* max_discard_sectors */

/* A request's device-visible header, status and discard range: 64 bytes
 * of the header page per slot. */
struct hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
	uint64_t d_sector; /* DISCARD's one range: sector, count, flags */
	uint32_t d_count;
	uint32_t d_flags;
	uint8_t status;
	uint8_t pad[31];
};
_Static_assert(sizeof(struct hdr) == 64, "one slot's header");

/* A request taken from a client: decoded, waiting for the device or on it. */
struct job {
	struct vx_blk_cmd cmd;
	vx_handle_t mem; /* the client's MemCap (READ/WRITE), else 0 */
	uint32_t conn, gen, seq;
};

static struct {
	struct vx_drv d; /* the function's share, mapped (lib/drv) */
	struct vx_virtio dev;
	struct vx_virtq q;
	struct vx_virtq_slot vslot[QMAX];
	volatile struct hdr *hdr;
	uint64_t io_hdr, io_bounce;
	uint8_t *bounce;
	struct vx_client con;
	bool have_con;
	/* the disk */
	uint32_t block_size, per_block; /* bytes, and 512-byte sectors per block */
	uint64_t nblocks;
	uint32_t features; /* BLK_FEAT_* */
	bool read_only, can_flush;
	uint32_t seg_max;
	uint64_t size_max, discard_max; /* bytes per segment; sectors per discard */
	int gpt_rc;
	struct vx_gpt gpt;
	/* the clients */
	struct vx_server srv;
	struct vx_blk_grant grant[VX_SVC_MAX_CONNS];
	int grant_rc[VX_SVC_MAX_CONNS]; /* VX_OK, or what every request hears */
	struct vx_blk_claims claims;	/* the writable grants' blocks, by slot */
	uint32_t gen[VX_SVC_MAX_CONNS]; /* bumped at each attach of the slot */
	struct job slot[NSLOT];
	bool busy[NSLOT];
	struct job pending[PENDING_MAX];
	uint32_t p_head, p_count;
	uint64_t done, failed, writes;
	uint64_t crash_at; /* fault injection: 0, or the write to fault at */
} S;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (S.have_con)
		vx_con_vprintf(&S.con, (uint64_t)vx_clock() + 1000 * MS, fmt, ap);
	else
		vx_vprintf(fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------- the device */

static uint64_t cfg(uint32_t off, unsigned width)
{
	uint64_t v = 0;

	return vx_virtio_cfg_read(&S.dev, off, width, &v) == VX_OK ? v : 0;
}

/* What the device says of itself, checked before it is believed. */
static int read_geometry(void)
{
	uint64_t sectors = cfg(C_CAPACITY, 8);

	S.block_size = 512;
	if (vx_virtio_has(&S.dev, F_BLK_SIZE)) {
		uint64_t bs = cfg(C_BLK_SIZE, 4);
		if (bs == 4096)
			S.block_size = 4096;
		else if (bs != 512)
			return VX_E_CORRUPT;
	}
	S.per_block = S.block_size / 512;
	S.nblocks = sectors / S.per_block;
	if (S.nblocks == 0 || sectors > (1ull << 48))
		return VX_E_CORRUPT;
	S.read_only = vx_virtio_has(&S.dev, F_RO);
	S.can_flush = vx_virtio_has(&S.dev, F_FLUSH);
	S.size_max = BLK_XFER_MAX;
	if (vx_virtio_has(&S.dev, F_SIZE_MAX)) {
		uint64_t m = cfg(C_SIZE_MAX, 4);
		if (m < VX_PAGE_SIZE)
			return VX_E_CORRUPT;
		if (m < S.size_max)
			S.size_max = m & ~(uint64_t)(VX_PAGE_SIZE - 1);
	}
	S.seg_max = QMAX - 2;
	if (vx_virtio_has(&S.dev, F_SEG_MAX)) {
		uint64_t m = cfg(C_SEG_MAX, 4);
		if (m == 0)
			return VX_E_CORRUPT;
		if (m < S.seg_max)
			S.seg_max = (uint32_t)m;
	}
	/* A transfer must fit the device's segments. */
	if ((uint64_t)S.seg_max * S.size_max < BLK_XFER_MAX)
		return VX_E_CORRUPT;
	if (vx_virtio_has(&S.dev, F_DISCARD) && (S.discard_max = cfg(C_DISCARD_MAX, 4)) > 0)
		S.features |= BLK_FEAT_DISCARD;
	return VX_OK;
}

static int setup_device(void)
{
	int rc;

	if ((rc = vx_virtio_probe(&S.dev, S.d.cfg, S.d.map)) != VX_OK)
		return rc;
	vx_pci_command(S.d.cfg, VX_PCI_CMD_MEM | VX_PCI_CMD_MASTER | VX_PCI_CMD_INTX_OFF, 0);
	uint64_t want = 1ull << F_SIZE_MAX | 1ull << F_SEG_MAX | 1ull << F_RO | 1ull << F_BLK_SIZE |
			1ull << F_FLUSH | 1ull << F_DISCARD;
	if ((rc = vx_virtio_begin(&S.dev)) != VX_OK ||
	    (rc = vx_virtio_negotiate(&S.dev, want)) != VX_OK || (rc = read_geometry()) != VX_OK ||
	    (rc = vx_drv_msix(&S.d)) != VX_OK)
		return rc;
	uint16_t max = vx_virtio_queue_max(&S.dev, 0);
	uint32_t n = max < QMAX ? max : QMAX;
	if (n < 4 || (n & (n - 1)))
		return VX_E_CORRUPT;
	if (S.seg_max > n - 2)
		S.seg_max = n - 2;
	uint64_t pages = (vx_virtq_bytes(n) + VX_PAGE_SIZE - 1) / VX_PAGE_SIZE;
	int64_t qio =
	    vx_drv_dma(&S.d, pages, QUEUE_VA, IO_QUEUE, VX_PROT_READ | VX_PROT_WRITE, NULL);
	if (qio < 0)
		return (int)qio;
	if ((rc = vx_virtq_init(&S.q, n, (void *)QUEUE_VA, (uint64_t)qio, S.vslot,
				vx_virtio_has(&S.dev, VX_VIRTIO_F_EVENT_IDX))) != VX_OK ||
	    (rc = vx_virtio_queue_setup(&S.dev, 0, &S.q, 0)) != VX_OK)
		return rc;
	int64_t hio = vx_drv_dma(&S.d, 1, HDR_VA, IO_HDR, VX_PROT_READ | VX_PROT_WRITE, NULL);
	int64_t bio = hio < 0 ? hio
			      : vx_drv_dma(&S.d, BOUNCE / VX_PAGE_SIZE, BOUNCE_VA, IO_BOUNCE,
					   VX_PROT_READ | VX_PROT_WRITE, NULL);
	if (bio < 0)
		return (int)bio;
	S.hdr = (volatile struct hdr *)HDR_VA;
	S.io_hdr = (uint64_t)hio;
	S.bounce = (uint8_t *)BOUNCE_VA;
	S.io_bounce = (uint64_t)bio;
	vx_virtio_ready(&S.dev);
	return VX_OK;
}

/* Puts slot k's request on the queue: header, data (ioaddr, bytes; none
 * when bytes is 0), status. */
static int submit(uint32_t k, uint32_t type, uint64_t sector, uint64_t ioaddr, uint64_t bytes)
{
	struct vx_virtq_seg seg[QMAX];
	volatile struct hdr *h = &S.hdr[k];
	uint64_t io = S.io_hdr + k * sizeof(struct hdr);
	uint32_t n = 0;

	h->type = type;
	h->reserved = 0;
	h->sector = type == T_DISCARD || type == T_FLUSH ? 0 : sector;
	h->status = 0xff; /* a device that never writes it is caught */
	seg[n++] = (struct vx_virtq_seg){io, 16, 0};
	if (type == T_DISCARD) {
		h->d_sector = sector;
		seg[n++] = (struct vx_virtq_seg){io + 16, 16, 0};
	}
	for (uint64_t off = 0; off < bytes; off += S.size_max) {
		uint64_t len = bytes - off < S.size_max ? bytes - off : S.size_max;
		seg[n++] = (struct vx_virtq_seg){ioaddr + off, (uint32_t)len, type == T_IN};
	}
	seg[n++] = (struct vx_virtq_seg){io + offsetof(struct hdr, status), 1, 1};
	int rc = vx_virtq_add(&S.q, seg, n, k);
	if (rc < 0)
		return rc;
	vx_virtq_kick(&S.q);
	if (type == T_OUT && ++S.writes == S.crash_at) {
		say("virtio-blk: crash-at-write-%lu: faulting with requests in flight\n",
		    (unsigned long)S.crash_at);
		volatile uintptr_t nowhere = 8;
		*(volatile uint32_t *)nowhere = 0; /* a page fault, for devd to see */
	}
	return VX_OK;
}

/* The device's verdict on slot k. */
static int verdict(uint32_t k)
{
	uint8_t st = S.hdr[k].status;

	return st == S_OK ? VX_OK : st == S_UNSUPP ? VX_E_NOSYS : VX_E_CORRUPT;
}

/* One request of the driver's own (NSLOT's spare: slot 0 while nothing
 * else is in flight, at start), waited for. */
static int sync_io(uint32_t type, uint64_t sector, uint64_t bytes)
{
	uint64_t token, deadline = (uint64_t)vx_clock() + 5000 * MS;
	uint32_t len;
	int rc;

	if ((rc = submit(0, type, sector, S.io_bounce, bytes)) != VX_OK)
		return rc;
	for (;;) {
		rc = vx_virtq_get(&S.q, &token, &len);
		if (rc == VX_OK)
			return token == 0 ? verdict(0) : VX_E_CORRUPT;
		if (rc != VX_E_EMPTY)
			return rc;
		if (vx_virtq_irq_enable(&S.q) == 1)
			continue;
		int64_t fired = vx_sig_wait(1ull << IRQ_BIT, deadline);
		if (fired <= 0)
			return fired < 0 ? (int)fired : VX_E_TIMEOUT;
		vx_irq_ack(S.d.msi, S.d.line);
	}
}

/* The partition table parser's block reader. */
static int gpt_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	uint8_t *out = buf;

	(void)ctx;
	if (lba >= S.nblocks || count > S.nblocks - lba)
		return VX_E_RANGE;
	while (count > 0) {
		uint32_t n = count < BOUNCE / S.block_size ? count : BOUNCE / S.block_size;
		int rc = sync_io(T_IN, lba * S.per_block, (uint64_t)n * S.block_size);
		if (rc != VX_OK)
			return rc;
		memcpy(out, S.bounce, (size_t)n * S.block_size);
		out += (size_t)n * S.block_size;
		lba += n;
		count -= n;
	}
	return VX_OK;
}

/* ------------------------------------------------------------ the clients */

_Static_assert(VX_SVC_MAX_CONNS <= VX_BLK_CLAIMS_MAX, "a claim for every connection");

/* Lets go of the claims of connections that closed or whose client hung
 * up, so that a writer gone is never in the next one's way, even before
 * the server's poll has noticed. */
static void release_gone(void)
{
	for (uint32_t i = 0; i < VX_SVC_MAX_CONNS; i++)
		if (vx_blk_claim_of(&S.claims, i) && vx_server_conn_gone(&S.srv.conn[i]))
			vx_blk_release(&S.claims, i);
}

/* A writable grant claims its blocks (lib/blk/claim.h): one writer per
 * block.  A grant that overlaps another connection's writable one is
 * refused: every request on this connection hears VX_E_BUSY, the first
 * BLK_INFO included, so the client's open fails by that name. */
static void claim(struct vx_server_conn *c, const struct vx_blk_grant *g)
{
	const struct vx_blk_claim *h;

	release_gone();
	int rc = vx_blk_claim(&S.claims, c->id, g->first, g->nblocks, &h);
	if (rc == VX_OK)
		return;
	S.grant_rc[c->id] = rc;
	if (h)
		say("virtio-blk: blocks %lu..%lu refused for writing (%s): another connection "
		    "writes blocks %lu..%lu\n",
		    (unsigned long)g->first, (unsigned long)(g->first + g->nblocks - 1),
		    vx_errname(rc), (unsigned long)h->first,
		    (unsigned long)(h->first + h->count - 1));
}

/* An attach record from devd: the connection's grant. */
static int attach(struct vx_server *s, struct vx_server_conn *c, const struct vx_msg *rec,
		  void *ctx)
{
	struct blk_attach a;
	struct vx_blk_grant *g = &S.grant[c->id];

	(void)s, (void)ctx;
	if (rec->op != BLK_ATTACH || rec->len != sizeof(a))
		return VX_E_INVAL;
	memcpy(&a, rec->data, sizeof(a));
	memset(g, 0, sizeof(*g));
	vx_blk_release(&S.claims, c->id); /* the slot's last connection's, if left */
	S.gen[c->id]++;
	S.grant_rc[c->id] = VX_OK;
	g->block_size = S.block_size;
	g->features = S.features;
	g->read_only = S.read_only || (a.flags & BLK_ATTACH_RO);
	if (a.part == 0) {
		g->nblocks = S.nblocks;
		g->whole = 1;
	} else if (S.gpt_rc == VX_OK && a.part <= S.gpt.nparts) {
		const struct vx_gpt_part *p = &S.gpt.part[a.part - 1];
		g->first = p->first_lba;
		g->nblocks = p->last_lba - p->first_lba + 1;
	} else {
		S.grant_rc[c->id] = VX_E_NOTFOUND;
	}
	if (S.grant_rc[c->id] == VX_OK && !g->read_only)
		claim(c, g);
	return VX_OK;
}

static void reply_done(const struct job *j, int status)
{
	struct vx_server_conn *c = &S.srv.conn[j->conn];
	struct blk_done d = {.id = j->cmd.id, .status = status};
	struct vx_msg m = {.op = j->cmd.op, .seq = j->seq, .status = status, .len = sizeof(d)};

	if (status == VX_OK)
		d.bytes = j->cmd.bytes;
	memcpy(m.data, &d, sizeof(d));
	if (status == VX_OK)
		S.done++;
	else
		S.failed++;
	/* The connection may have gone (and its slot been reused) meanwhile. */
	if (c->open && S.gen[j->conn] == j->gen)
		vx_server_reply(&S.srv, c, &m);
}

/* Ends slot k's request: the client's memory leaves the IoSpace (and the
 * IOTLB) before the client hears of it. */
static void finish(uint32_t k, int status)
{
	struct job *j = &S.slot[k];

	if (j->mem)
		vx_cap_delete(j->mem);
	j->mem = 0;
	S.busy[k] = false;
	reply_done(j, status);
}

/* Starts job j in slot k; an error is the job's answer. */
static int start(uint32_t k, struct job *j)
{
	const struct vx_blk_cmd *cmd = &j->cmd;
	uint64_t window = IO_DATA + (uint64_t)k * WINDOW, sector = cmd->lba * S.per_block;

	S.slot[k] = *j;
	S.busy[k] = true;
	if (cmd->op == BLK_FLUSH && !S.can_flush) {
		/* No volatile cache: every answered write is already stable. */
		finish(k, VX_OK);
		return VX_OK;
	}
	if (cmd->op == BLK_READ || cmd->op == BLK_WRITE) {
		int64_t io = vx_iospace_map(S.d.iospace, j->mem, window,
					    cmd->op == BLK_READ ? VX_PROT_WRITE : VX_PROT_READ);
		if (io < 0) {
			finish(k, io == VX_E_BUSY ? VX_E_RIGHTS : (int)io);
			return VX_OK;
		}
		return submit(k, cmd->op == BLK_READ ? T_IN : T_OUT, sector,
			      (uint64_t)io + cmd->mem_offset, cmd->bytes);
	}
	if (cmd->op == BLK_DISCARD) {
		/* A hint: past the device's limit only the first part is
		 * forgotten, which the protocol allows. */
		uint64_t n = (uint64_t)cmd->count * S.per_block;
		S.hdr[k].d_count = (uint32_t)(n < S.discard_max ? n : S.discard_max);
		S.hdr[k].d_flags = 0;
		return submit(k, T_DISCARD, sector, 0, 0);
	}
	return submit(k, T_FLUSH, 0, 0, 0);
}

static _Noreturn void give_up(int why);

/* Moves waiting jobs onto free slots while the queue has room. */
static void run_pending(void)
{
	int rc;

	for (uint32_t k = 0; k < NSLOT && S.p_count > 0; k++) {
		if (S.busy[k])
			continue;
		struct job *j = &S.pending[S.p_head];
		uint64_t segs = 3 + (j->cmd.bytes + S.size_max - 1) / S.size_max;
		if (S.q.num_free < segs)
			return; /* the queue is full: a completion makes room */
		S.p_head = (S.p_head + 1) % PENDING_MAX;
		S.p_count--;
		if ((rc = start(k, j)) != VX_OK)
			give_up(rc);
	}
}

/* Receives the n capabilities that came with a request; keeps the first. */
static vx_handle_t take_caps(struct vx_server_conn *c, uint32_t n, struct vx_cap_info *ci,
			     bool *got)
{
	vx_handle_t first = 0;

	*got = false;
	for (uint32_t i = 0; i < n && i < 16; i++) {
		int64_t h = vx_ring_recv_cap(c->req_h);
		if (h < 0)
			break;
		if (i == 0 && vx_cap_inspect((vx_handle_t)h, ci) == VX_OK) {
			first = (vx_handle_t)h;
			*got = true;
		} else {
			vx_cap_delete((vx_handle_t)h);
		}
	}
	return first;
}

static void part_reply(struct vx_msg *m, uint32_t index)
{
	struct blk_part p;

	memset(&p, 0, sizeof(p));
	if (S.gpt_rc != VX_OK && S.gpt_rc != VX_E_NOTFOUND) {
		m->status = VX_E_CORRUPT;
		vx_snprintf(p.name, sizeof(p.name), "%s", vx_gpt_why_name(S.gpt.why));
	} else if (S.gpt_rc != VX_OK || index >= S.gpt.nparts) {
		m->status = VX_E_NOTFOUND;
		return;
	} else {
		const struct vx_gpt_part *g = &S.gpt.part[index];
		p.part = index + 1;
		p.first = g->first_lba;
		p.nblocks = g->last_lba - g->first_lba + 1;
		memcpy(p.type, g->type.b, 16);
		memcpy(p.uuid, g->uuid.b, 16);
		vx_snprintf(p.name, sizeof(p.name), "%s", g->name);
	}
	memcpy(m->data, &p, sizeof(p));
	m->len = sizeof(p);
}

/* A refusal: blk_done with the request's id (when it sent one), or no
 * data for BLK_INFO and BLK_PART. */
static void refuse(struct vx_msg *m, uint32_t id, int rc)
{
	struct blk_done d = {.id = id, .status = rc};

	m->status = rc;
	m->len = 0;
	if (m->op == BLK_INFO || m->op == BLK_PART)
		return;
	memcpy(m->data, &d, sizeof(d));
	m->len = sizeof(d);
}

static enum vx_svc_disp serve(struct vx_server *s, struct vx_server_conn *c, struct vx_msg *m,
			      void *ctx)
{
	struct vx_cap_info ci;
	struct job j = {.conn = c->id, .gen = S.gen[c->id], .seq = m->seq};
	uint32_t id = 0;
	bool got;

	(void)s, (void)ctx;
	if (m->len >= sizeof(id))
		memcpy(&id, m->data, sizeof(id));
	j.mem = take_caps(c, m->ncaps, &ci, &got);
	int rc = S.grant_rc[c->id];
	if (rc == VX_OK)
		rc = vx_blk_decode(m->op, m->data, m->len, m->ncaps, got ? &ci : NULL,
				   &S.grant[c->id], &j.cmd);
	m->ncaps = 0;
	if (rc == VX_OK && S.p_count == PENDING_MAX)
		rc = VX_E_AGAIN;
	if (rc != VX_OK || m->op == BLK_INFO || m->op == BLK_PART) {
		if (j.mem)
			vx_cap_delete(j.mem);
		if (rc != VX_OK) {
			refuse(m, id, rc);
		} else if (m->op == BLK_INFO) {
			struct blk_info info;
			vx_blk_info(&S.grant[c->id], &info);
			memcpy(m->data, &info, sizeof(info));
			m->len = sizeof(info);
		} else {
			part_reply(m, (uint32_t)j.cmd.lba);
		}
		return VX_SVC_REPLY;
	}
	S.pending[(S.p_head + S.p_count++) % PENDING_MAX] = j;
	return VX_SVC_DEFER;
}

/* Takes every completion; VX_E_CORRUPT (or VX_E_STATE) if the device broke. */
static int complete(void)
{
	uint64_t token;
	uint32_t len;

	for (;;) {
		int rc = vx_virtq_get(&S.q, &token, &len);
		if (rc == VX_OK) {
			if (token >= NSLOT || !S.busy[token])
				return VX_E_CORRUPT;
			finish((uint32_t)token, verdict((uint32_t)token));
			continue;
		}
		if (rc != VX_E_EMPTY)
			return rc;
		if (vx_virtq_irq_enable(&S.q) != 1)
			return VX_OK;
	}
}

/* The device broke: every request in flight or waiting fails, and the
 * driver stops so that devd resets the function and starts a new life. */
static _Noreturn void give_up(int why)
{
	say("virtio-blk: the device broke (%s); failing %u requests and stopping\n",
	    vx_strerror(why), S.p_count);
	vx_virtio_fail(&S.dev);
	for (uint32_t k = 0; k < NSLOT; k++)
		if (S.busy[k])
			finish(k, VX_E_STATE);
	while (S.p_count > 0) {
		struct job *j = &S.pending[S.p_head];
		if (j->mem)
			vx_cap_delete(j->mem);
		reply_done(j, VX_E_STATE);
		S.p_head = (S.p_head + 1) % PENDING_MAX;
		S.p_count--;
	}
	vx_server_wait(&S.srv, 0, VX_DEADLINE_NONE); /* wake the clients owed a reply */
	vx_task_exit(20);
}

/* bytes in MiB, or KiB below one MiB. */
static void fmt_size(char *out, size_t cap, uint64_t bytes)
{
	if (bytes >= (1ull << 20))
		vx_snprintf(out, cap, "%lu MiB", (unsigned long)(bytes >> 20));
	else
		vx_snprintf(out, cap, "%lu KiB", (unsigned long)(bytes >> 10));
}

static void describe(void)
{
	char size[24];

	fmt_size(size, sizeof(size), S.nblocks * S.block_size);
	say("virtio-blk: disk of %lu blocks of %u bytes (%s)%s%s%s\n", (unsigned long)S.nblocks,
	    S.block_size, size, S.read_only ? ", read-only" : "",
	    S.can_flush ? ", write cache" : "", (S.features & BLK_FEAT_DISCARD) ? ", discard" : "");
	if (S.gpt_rc == VX_E_NOTFOUND) {
		say("virtio-blk: no partition table: clients may have the whole disk\n");
		return;
	}
	if (S.gpt_rc != VX_OK) {
		say("virtio-blk: the partition table is bad (%s, %s): clients may have the "
		    "whole disk only\n",
		    vx_strerror(S.gpt_rc), vx_gpt_why_name(S.gpt.why));
		return;
	}
	for (uint32_t i = 0; i < S.gpt.nparts; i++) {
		const struct vx_gpt_part *p = &S.gpt.part[i];
		fmt_size(size, sizeof(size), (p->last_lba - p->first_lba + 1) * S.block_size);
		say("virtio-blk: partition %u '%s': blocks %lu..%lu (%s)\n", i + 1, p->name,
		    (unsigned long)p->first_lba, (unsigned long)p->last_lba, size);
	}
}

/* "[crash-at-write-K ]life=N": crash only in the first life. */
static void parse_args(const char *args)
{
	const char *p = args ? args : "";
	uint64_t k = 0;

	if (strncmp(p, "crash-at-write-", 15) != 0)
		return;
	for (p += 15; *p >= '0' && *p <= '9' && k < (1ull << 40); p++)
		k = k * 10 + (uint64_t)(*p - '0');
	if (*p == ' ' && strcmp(p + 1, "life=1") == 0)
		S.crash_at = k;
}

int main(const struct vx_bundle_page *b, const char *args)
{
	const char *missing;
	int64_t h;
	int rc;

	parse_args(args);
	S.have_con = vx_client_open(&S.con, b, "console", CON_VA, CON_BIT) == VX_OK;
	if ((rc = vx_drv_open(&S.d, b, CFG_VA, BAR_VA, BAR_SPAN, &missing)) != VX_OK) {
		say("virtio-blk: cannot take my share (%s%s%s)\n", vx_strerror(rc),
		    missing[0] ? ": no " : "", missing);
		return 2;
	}
	if ((h = vx_bundle_handle(b, "port", VX_OBJ_RING)) < 0) {
		say("virtio-blk: no 'port' in my Bundle\n");
		return 8;
	}
	vx_handle_t port = (vx_handle_t)h;
	if ((rc = setup_device()) != VX_OK) {
		say("virtio-blk: the device would not start: %s\n", vx_strerror(rc));
		vx_virtio_fail(&S.dev);
		return 10;
	}
	S.gpt_rc = vx_gpt_parse(gpt_read, NULL, S.block_size, S.nblocks, &S.gpt);
	describe();
	if (vx_server_init_attach(&S.srv, port, SRV_VA, SRV_BIT, attach, NULL) != VX_OK)
		return 11;
	for (;;) {
		vx_server_poll(&S.srv, serve, NULL);
		release_gone();
		run_pending();
		if ((rc = complete()) != VX_OK)
			give_up(rc);
		run_pending();
		uint64_t fired = vx_server_wait(&S.srv, 1ull << IRQ_BIT, VX_DEADLINE_NEVER);
		if (fired & (1ull << IRQ_BIT))
			vx_irq_ack(S.d.msi, S.d.line);
	}
}
