/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The block protocol, served by a block driver (virtio-blk first) over
 * connections named "blk" (rt/svc.h shape: one struct vx_msg per Ring
 * slot, req and rep Rings, capabilities beside the messages in each
 * Ring's transfer queue).  docs/STORAGE.md tells the story; this is the
 * contract.
 *
 * THE GRANT
 *
 * Every connection is bound, by whoever made it, to a *grant*: a range of
 * the device's logical blocks (a whole disk, one GPT partition, or any
 * range) and whether it may be written.  The client never sees the
 * device: block 0 of a request is the grant's first block, and the grant's
 * size is all the client can learn about the disk (BLK_INFO).  The driver
 * confines every request to the grant before it touches the device
 * (lib/blk/blkproto.h: vx_blk_confine, overflow-safe), so a client
 * granted partition 2 cannot read partition 1 or the partition table.
 *
 * ZERO COPY
 *
 * Bulk data never travels in a message.  A READ or WRITE carries a MemCap
 * (ncaps = 1), sent on the req Ring's transfer queue just before the
 * message (VX_SYS_RING_SEND_CAP), and mem_offset, the byte in it where the
 * data starts.  The driver maps the MemCap into the device's IoSpace, so
 * the device reads or writes the client's own frames, and deletes its
 * copy of the capability before replying; the client keeps its own
 * handle throughout and owns the memory again once the reply arrives.
 * The rights of the MemCap sent say which way the data may flow:
 *
 *   READ   the device writes the client's memory: VX_R_WRITE needed
 *   WRITE  the device reads the client's memory:  VX_R_READ needed
 *
 * Send the MemCap narrowed to exactly that right: the driver (and so the
 * device) can then do nothing else with the client's memory.
 *
 * The MemCap may be at most BLK_MEM_MAX bytes (the driver maps the whole
 * of it into the device's IO address space for the request's life): keep
 * one Mem per buffer, not one for all of them.
 *
 * HOW A CONNECTION IS MADE
 *
 * devd makes every connection to a block driver (proto/devices.h,
 * DEV_OPEN): two Rings carved from the driver's own Reticle, so they die
 * with that life of the driver.  The driver's Bundle holds "port", an
 * attached port (rt/svc.h, ATTACHED PORTS): before each pair devd writes
 * its attach record, a struct vx_msg whose op is BLK_ATTACH and whose data
 * is struct blk_attach, the grant.  A partition that does not exist (or a
 * disk whose table did not parse, for part > 0) still gets its
 * connection, but every request on it is answered VX_E_NOTFOUND, so that
 * the client's first BLK_INFO says so.  When the driver stops, its
 * connections go with it: a client's calls fail (VX_E_AGAIN or
 * VX_E_REVOKED) and it asks devd for a new one (lib/client/blk.h does).
 *
 * ONE WRITER PER BLOCK
 *
 * A writable grant (no BLK_ATTACH_RO, on a device that is not read-only)
 * claims its blocks for its connection alone (lib/blk/claim.h).  A
 * writable grant that shares a block with another live connection's
 * writable grant is refused: like a partition that does not exist, it
 * still gets its connection, but every request on it is answered
 * VX_E_BUSY, so the client's first BLK_INFO says so.  The whole disk
 * shares blocks with every partition: a mounted partition keeps every
 * other writer off it and off the whole disk, and a whole-disk writer
 * keeps every partition writer off.  A read-only grant claims nothing and
 * is never refused for this: reading under a writer is allowed (it may
 * see a file system between two writes).  A claim ends with its
 * connection: when the client lets go of it (unbinds, exits, dies) or
 * the driver's life ends; the next writable attach then succeeds.
 *
 * REQUESTS IN FLIGHT
 *
 * A client may have as many requests in flight as the req Ring has slots
 * (16).  Each carries an id the client chooses, unique among its requests
 * in flight; the reply echoes it (and the message's seq, as rt/svc.h
 * says).  Replies may arrive in any order: a device completes requests in
 * its own order.  Two requests in flight that touch the same blocks are
 * ordered by nothing; a client that needs an order waits for the first
 * reply.  A WRITE is durable once a FLUSH sent after its reply has been
 * answered, or at once if it carried BLK_F_FUA.
 *
 * MESSAGES (op, data, ncaps -> reply data)
 *
 *   BLK_INFO     no data, ncaps 0 -> struct blk_info.
 *   BLK_READ     struct blk_req, ncaps 1 -> struct blk_done.  count blocks
 *                from lba (relative to the grant) into the MemCap at
 *                mem_offset.
 *   BLK_WRITE    struct blk_req, ncaps 1 -> struct blk_done.  The reverse;
 *                flags may hold BLK_F_FUA when the device offers it.
 *   BLK_FLUSH    struct blk_req with lba = count = mem_offset = 0, ncaps 0
 *                -> struct blk_done: every WRITE answered before the FLUSH
 *                was sent is on stable storage.
 *   BLK_DISCARD  struct blk_req, ncaps 0, mem_offset 0 -> struct blk_done:
 *                the device may forget the blocks (they read back as
 *                anything).  Only when BLK_FEAT_DISCARD is offered.
 *   BLK_PART     u32 index, ncaps 0 -> struct blk_part: the index-th
 *                partition of the disk (from 0), VX_E_NOTFOUND past the
 *                last, VX_E_CORRUPT when the table did not parse (the
 *                reply's status; the data names the rule that failed in
 *                blk_part.name).  Only on a whole-disk grant (part 0):
 *                VX_E_RIGHTS on a partition's.
 *
 * A reply's data is struct blk_done (struct blk_info for BLK_INFO), and
 * its status (in vx_msg and in blk_done) is VX_OK or one error.  bytes is
 * what the device transferred: count * block_size on success, 0 on any
 * error (a failed request may have written some of its blocks; which ones
 * is not known).
 *
 * ERRORS, checked in this order (the decoder, lib/blk/blkproto.c, refuses
 * before anything reaches the device; the last three come from the
 * device):
 *
 *   VX_E_BUSY     before anything else, on every op: the connection's
 *                 writable grant was refused at attach, because another
 *                 connection writes some of its blocks (ONE WRITER PER
 *                 BLOCK); let go, and open read-only or again once that
 *                 writer has gone
 *   VX_E_NOSYS    an op that is not above; DISCARD when the device does
 *                 not offer BLK_FEAT_DISCARD
 *   VX_E_INVAL    data not exactly struct blk_req (INFO: not empty);
 *                 ncaps other than the op's; a MemCap that did not arrive;
 *                 a reserved field or an unknown flag set; BLK_F_FUA on
 *                 anything but WRITE, or without BLK_FEAT_FUA; count 0 on
 *                 READ, WRITE or DISCARD; lba, count or mem_offset set on
 *                 FLUSH, mem_offset on DISCARD; mem_offset not a multiple
 *                 of BLK_MEM_ALIGN
 *   VX_E_TYPE     the capability sent is not a MemCap
 *   VX_E_RIGHTS   WRITE or DISCARD on a read-only grant; a MemCap without
 *                 the right the data's direction needs (above)
 *   VX_E_TOOBIG   READ or WRITE of more than BLK_XFER_MAX bytes; DISCARD
 *                 of more than BLK_DISCARD_MAX blocks
 *   VX_E_RANGE    blocks [lba, lba + count) not all inside the grant (also
 *                 when the sum wraps); the data's bytes not all inside
 *                 the MemCap
 *   VX_E_AGAIN    the device's queue is full: send it again later
 *   VX_E_CORRUPT  the device reported an I/O error for the request, or
 *                 answered in a way the driver could not trust
 *   VX_E_STATE    the device failed or is being reset or removed; the
 *                 request was not done and later ones will fail too until
 *                 the driver has brought it back
 */
#ifndef VECTRA_PROTO_BLK_H
#define VECTRA_PROTO_BLK_H

#include <stddef.h>
#include <stdint.h>

enum blk_op {
	BLK_INFO = 1,
	BLK_READ = 2,
	BLK_WRITE = 3,
	BLK_FLUSH = 4,
	BLK_DISCARD = 5,
	BLK_PART = 6,
	BLK_ATTACH = 0x100, /* an attach record's op (DEV_ATTACH); never a request */
};

#define BLK_XFER_MAX	(1u << 20) /* bytes per READ or WRITE: 1 MiB */
#define BLK_DISCARD_MAX (1u << 22) /* blocks per DISCARD */
#define BLK_MEM_ALIGN	512u	   /* mem_offset is a multiple of this */
#define BLK_MEM_MAX	(2u << 20) /* bytes of the MemCap a request sends */

/* blk_req.flags */
#define BLK_F_FUA   (1u << 0) /* WRITE: on stable storage before the reply */
#define BLK_F_KNOWN BLK_F_FUA

/* blk_info.features */
#define BLK_FEAT_FUA	 (1u << 0) /* BLK_F_FUA is honoured */
#define BLK_FEAT_DISCARD (1u << 1) /* BLK_DISCARD is served */

/* blk_info.flags */
#define BLK_INFO_READONLY (1u << 0) /* the grant may not be written */

struct blk_req {
	uint32_t id;	     /* the client's; echoed in blk_done */
	uint32_t flags;	     /* BLK_F_*; 0 but on WRITE */
	uint64_t lba;	     /* first block, relative to the grant */
	uint32_t count;	     /* blocks */
	uint32_t reserved;   /* 0 */
	uint64_t mem_offset; /* byte of the MemCap where the data starts */
};
_Static_assert(sizeof(struct blk_req) == 32, "blk_req layout");
_Static_assert(offsetof(struct blk_req, lba) == 8, "blk_req layout");
_Static_assert(offsetof(struct blk_req, count) == 16, "blk_req layout");
_Static_assert(offsetof(struct blk_req, mem_offset) == 24, "blk_req layout");

struct blk_done {
	uint32_t id;	/* blk_req.id */
	int32_t status; /* VX_OK or a VX_E_* error, as vx_msg.status */
	uint64_t bytes; /* transferred: count * block_size, or 0 */
};
_Static_assert(sizeof(struct blk_done) == 16, "blk_done layout");

struct blk_info {
	uint32_t block_size;  /* bytes per logical block: 512 or 4096 */
	uint32_t flags;	      /* BLK_INFO_READONLY */
	uint32_t features;    /* BLK_FEAT_* */
	uint32_t xfer_max;    /* BLK_XFER_MAX */
	uint64_t nblocks;     /* the grant's size in blocks */
	uint32_t discard_max; /* BLK_DISCARD_MAX, or 0 without discard */
	uint32_t reserved;    /* 0 */
};
_Static_assert(sizeof(struct blk_info) == 32, "blk_info layout");
_Static_assert(offsetof(struct blk_info, nblocks) == 16, "blk_info layout");

/* The attach record's data (see HOW A CONNECTION IS MADE). */
#define BLK_ATTACH_RO (1u << 0) /* the grant may not be written */
struct blk_attach {
	uint32_t part;	/* 0: the whole disk; n: the n-th partition in use, from 1 */
	uint32_t flags; /* BLK_ATTACH_RO */
};
_Static_assert(sizeof(struct blk_attach) == 8, "blk_attach layout");

/* BLK_PART's reply. */
struct blk_part {
	uint32_t part;	   /* what DEV_OPEN's part names it by: index + 1 */
	uint32_t reserved; /* 0 */
	uint64_t first;	   /* its first block on the disk */
	uint64_t nblocks;  /* its size in blocks */
	uint8_t type[16];  /* the partition type GUID, as on disk */
	uint8_t uuid[16];  /* the partition's own GUID, as on disk */
	char name[72];	   /* its name, UTF-8, NUL-terminated (cut to fit) */
};
_Static_assert(sizeof(struct blk_part) == 128, "blk_part layout");

#endif
