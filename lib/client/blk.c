/* SPDX-License-Identifier: BSD-3-Clause */
/* Client of the block protocol: see blk.h. */
#include "client/blk.h"
#include "client/devices.h"
#include "rt/vx.h"
#include "vx_string.h"

static void unbind(struct vx_blk *b)
{
	if (!b->bound)
		return;
	vx_dev_close(&b->c);
	b->bound = false;
}

void vx_blk_close(struct vx_blk *b)
{
	unbind(b);
}

/* A new connection, asking again while the driver, or devd itself,
 * restarts: a request cut in two by a crash is finished, not failed. */
static int reconnect(struct vx_blk *b, uint64_t deadline)
{
	unbind(b);
	int rc = vx_dev_open_patient(b->devd, &b->open, &b->opened, &b->c, b->va, b->bit, deadline);
	b->bound = rc == VX_OK;
	return rc;
}

/* A status no reply carries: still there after a call, no reply came. */
#define NO_REPLY INT32_MIN

/* One request: m (op, data) with mem sent beside it under rights (none
 * when mem is 0).  When no reply comes because the connection died with
 * its driver's life (or was never made), once more on a new connection.
 * The reply replaces *m; a reply is always the driver's answer, errors
 * included. */
static int call(struct vx_blk *b, struct vx_msg *m, vx_handle_t mem, uint32_t rights,
		uint64_t deadline)
{
	struct vx_msg req = *m;
	int rc = VX_E_STATE;

	req.status = NO_REPLY;
	for (int attempt = 0; attempt < 8; attempt++) {
		if (attempt > 0 || !b->bound) {
			if ((rc = reconnect(b, deadline)) != VX_OK)
				return rc;
			if (attempt > 0)
				b->reopens++;
		}
		*m = req;
		if (mem) {
			int64_t s = vx_ring_send_cap(b->c.req_h, mem, rights);
			if (s < 0 && s != VX_E_REVOKED)
				return (int)s; /* the caller's MemCap lacks the right */
			if (s < 0)
				continue; /* the Ring is gone: a new connection */
			m->ncaps = 1;
		}
		rc = vx_client_call(&b->c, m, deadline);
		if (m->status != NO_REPLY || rc == VX_E_TIMEOUT)
			return rc;
	}
	return rc;
}

static int io(struct vx_blk *b, uint32_t op, uint64_t lba, uint32_t count, uint32_t flags,
	      vx_handle_t mem, uint64_t mem_offset, uint32_t rights, uint64_t deadline)
{
	struct blk_req r = {.id = ++b->next_id,
			    .flags = flags,
			    .lba = lba,
			    .count = count,
			    .mem_offset = mem_offset};
	struct vx_msg m = {.op = op, .len = sizeof(r)};
	struct blk_done d;
	int rc;

	memcpy(m.data, &r, sizeof(r));
	rc = call(b, &m, mem, rights, deadline);
	if (m.len != sizeof(d))
		return rc != VX_OK ? rc : VX_E_CORRUPT;
	memcpy(&d, m.data, sizeof(d));
	if (rc == VX_OK && (d.id != r.id || d.status != VX_OK))
		return VX_E_CORRUPT;
	return rc;
}

int vx_blk_open(struct vx_blk *b, struct vx_client *devd, uint32_t unit, uint32_t part,
		uint32_t flags, uint64_t va, uint32_t bit, uint64_t deadline)
{
	struct vx_msg m = {.op = BLK_INFO};
	int rc;

	memset(b, 0, sizeof(*b));
	b->devd = devd;
	vx_snprintf(b->open.service, sizeof(b->open.service), "blk");
	b->open.unit = unit;
	b->open.part = part;
	b->open.flags = flags;
	b->va = va;
	b->bit = bit;
	rc = call(b, &m, 0, 0, deadline);
	if (rc == VX_OK && m.len != sizeof(b->info))
		rc = VX_E_CORRUPT;
	if (rc != VX_OK) {
		unbind(b);
		return rc;
	}
	memcpy(&b->info, m.data, sizeof(b->info));
	return VX_OK;
}

int vx_blk_read(struct vx_blk *b, uint64_t lba, uint32_t count, vx_handle_t mem,
		uint64_t mem_offset, uint64_t deadline)
{
	return io(b, BLK_READ, lba, count, 0, mem, mem_offset, VX_R_WRITE, deadline);
}

int vx_blk_write(struct vx_blk *b, uint64_t lba, uint32_t count, vx_handle_t mem,
		 uint64_t mem_offset, uint32_t flags, uint64_t deadline)
{
	return io(b, BLK_WRITE, lba, count, flags, mem, mem_offset, VX_R_READ, deadline);
}

int vx_blk_flush(struct vx_blk *b, uint64_t deadline)
{
	return io(b, BLK_FLUSH, 0, 0, 0, 0, 0, 0, deadline);
}

int vx_blk_discard(struct vx_blk *b, uint64_t lba, uint32_t count, uint64_t deadline)
{
	return io(b, BLK_DISCARD, lba, count, 0, 0, 0, 0, deadline);
}

int vx_blk_part(struct vx_blk *b, uint32_t index, struct blk_part *out, uint64_t deadline)
{
	struct vx_msg m = {.op = BLK_PART, .len = sizeof(index)};
	int rc;

	memcpy(m.data, &index, sizeof(index));
	rc = call(b, &m, 0, 0, deadline);
	if (m.len == sizeof(*out))
		memcpy(out, m.data, sizeof(*out));
	else if (rc == VX_OK)
		rc = VX_E_CORRUPT;
	return rc;
}
