/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Client of the block protocol (vectra/proto/blk.h): a disk, or one of its
 * partitions, reached through a connection devd makes (proto/devices.h,
 * DEV_OPEN).  Built for VectraOS only (blk.c, libvxclient.a).
 *
 * A struct vx_blk remembers how it was opened, so that when its driver
 * stops (crashed, restarted by devd, its device reset) and the connection
 * dies with that life, the next call opens a new one through devd, waits
 * while the driver restarts, and sends the request again: READ, WRITE,
 * FLUSH and DISCARD may all be carried out twice without harm.  devd's own
 * death ends its drivers' lives too; the call then waits for devd to be
 * back as well.  Only a driver that stays away past the call's deadline is
 * the caller's problem (VX_E_TIMEOUT), or devd that does (VX_E_HANGUP: it
 * was killed; a caller that must not start what it cannot finish asks
 * vx_client_server_up of its devd connection first).  One request is in
 * flight at a time.
 *
 * Data moves between the disk and a MemCap of the caller's (at most
 * BLK_MEM_MAX bytes), which the call sends narrowed to the one right the
 * direction needs; the caller keeps its handle and its mapping.
 *
 * Every call takes an absolute deadline (vx_clock() ns) and returns VX_OK
 * or an error of blk.h's list, devd's (DEV_OPEN), or the transport's.
 */
#ifndef VX_CLIENT_BLK_H
#define VX_CLIENT_BLK_H

#include <stdint.h>
#include "rt/svc.h"
#include "vectra/proto/blk.h"
#include "vectra/proto/devices.h"

struct vx_blk {
	struct vx_client c;
	struct vx_client *devd; /* the devices connection it reopens through */
	struct dev_open open;
	struct dev_opened opened;
	struct blk_info info; /* the grant, from BLK_INFO at open */
	uint64_t va;	      /* where its two Ring ends are bound */
	uint32_t bit;
	uint32_t next_id;
	uint32_t reopens; /* connections made after the first */
	bool bound;
};

/* Opens partition part (0: the whole disk) of the unit-th disk, read-only
 * when flags has BLK_ATTACH_RO, binding the connection at va (a
 * VX_SVC_CONN_SPAN of free address space) with wake bit `bit`; fills
 * b->info.  devd must outlive b.  A writable open of blocks another
 * connection writes (a mounted partition, the disk under it) is
 * VX_E_BUSY: one writer per block (proto/blk.h). */
int vx_blk_open(struct vx_blk *b, struct vx_client *devd, uint32_t unit, uint32_t part,
		uint32_t flags, uint64_t va, uint32_t bit, uint64_t deadline);

/* count blocks from lba into (READ) or out of (WRITE) the MemCap mem at
 * byte mem_offset.  write's flags: BLK_F_FUA when b->info offers it. */
int vx_blk_read(struct vx_blk *b, uint64_t lba, uint32_t count, vx_handle_t mem,
		uint64_t mem_offset, uint64_t deadline);
int vx_blk_write(struct vx_blk *b, uint64_t lba, uint32_t count, vx_handle_t mem,
		 uint64_t mem_offset, uint32_t flags, uint64_t deadline);
int vx_blk_flush(struct vx_blk *b, uint64_t deadline);
int vx_blk_discard(struct vx_blk *b, uint64_t lba, uint32_t count, uint64_t deadline);

/* BLK_PART: the index-th partition of a whole disk. */
int vx_blk_part(struct vx_blk *b, uint32_t index, struct blk_part *out, uint64_t deadline);

/* Lets go of the connection (its Rings go back to the driver's pool once
 * devd sees them unbound). */
void vx_blk_close(struct vx_blk *b);

#endif
