/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Client helpers for the file protocol (see client/fs.h and vectra/proto/fs.h).
 */
#include "client/fs.h"
#include "rt/syscall.h"
#include "vx_string.h"

_Static_assert(sizeof(struct fs_args) + FS_REQ_ROOM == VX_MSG_DATA, "fs.h request room");

/*
 * Builds a request: args, the path with its NUL, then extra[0..n).
 * VX_E_INVAL for a path over FS_PATH_MAX (the server would refuse it
 * too), VX_E_TOOBIG if the whole does not fit in one message.
 */
static int build(struct vx_msg *m, uint32_t op, const char *path, const struct fs_args *a,
		 const void *extra, size_t n)
{
	size_t plen = strnlen(path, FS_PATH_MAX + 1);

	if (plen > FS_PATH_MAX)
		return VX_E_INVAL;
	if (plen + 1 + n > FS_REQ_ROOM)
		return VX_E_TOOBIG;
	memset(m, 0, sizeof(*m));
	m->op = op;
	memcpy(m->data, a, sizeof(*a));
	memcpy(m->data + sizeof(*a), path, plen + 1);
	if (n)
		memcpy(m->data + sizeof(*a) + plen + 1, extra, n);
	m->len = (uint16_t)(sizeof(*a) + plen + 1 + n);
	return VX_OK;
}

/* One request with no extra bytes; the reply is left in *m. */
static int call(struct vx_client *c, struct vx_msg *m, uint32_t op, const char *path,
		const struct fs_args *a, uint64_t deadline)
{
	int rc = build(m, op, path, a, NULL, 0);

	return rc == VX_OK ? vx_client_call(c, m, deadline) : rc;
}

/* Copies a reply of exactly n bytes out of m. */
static int take(const struct vx_msg *m, void *out, size_t n)
{
	if (m->len != n)
		return VX_E_CORRUPT;
	memcpy(out, m->data, n);
	return VX_OK;
}

int vx_fs_stat(struct vx_client *c, const char *path, struct fs_stat *st, uint64_t deadline)
{
	struct fs_args a = {0};
	struct vx_msg m;
	int rc = call(c, &m, FS_STAT, path, &a, deadline);

	return rc == VX_OK ? take(&m, st, sizeof(*st)) : rc;
}

int vx_fs_list(struct vx_client *c, const char *path, uint32_t index, struct fs_dirent *ent,
	       uint64_t deadline)
{
	struct fs_args a = {.index = index};
	struct vx_msg m;
	int rc = call(c, &m, FS_LIST, path, &a, deadline);

	if (rc == VX_OK && (rc = take(&m, ent, sizeof(*ent))) == VX_OK)
		ent->name[FS_NAME_MAX] = '\0';
	return rc;
}

int vx_fs_create(struct vx_client *c, const char *path, uint64_t deadline)
{
	return vx_fs_create_flags(c, path, 0, deadline);
}

int vx_fs_create_flags(struct vx_client *c, const char *path, uint32_t flags, uint64_t deadline)
{
	struct fs_args a = {.count = flags};
	struct vx_msg m;

	return call(c, &m, FS_CREATE, path, &a, deadline);
}

int vx_fs_mkdir(struct vx_client *c, const char *path, uint64_t deadline)
{
	struct fs_args a = {0};
	struct vx_msg m;

	return call(c, &m, FS_MKDIR, path, &a, deadline);
}

/* The bytes one write message can carry beside path. */
static size_t chunk_max(const char *path)
{
	size_t plen = strnlen(path, FS_PATH_MAX + 1);
	size_t room = plen + 1 < FS_REQ_ROOM ? FS_REQ_ROOM - plen - 1 : 0;

	return room < FS_INLINE_MAX ? room : FS_INLINE_MAX;
}

/* FS_WRITE (at offset) or FS_APPEND of buf[0..n), chunk by chunk. */
static int put_bytes(struct vx_client *c, uint32_t op, const char *path, uint64_t offset,
		     const void *buf, size_t n, uint64_t deadline)
{
	const uint8_t *p = buf;
	size_t max = chunk_max(path), done = 0;
	struct vx_msg m;
	int rc;

	if (max == 0 && strnlen(path, FS_PATH_MAX + 1) <= FS_PATH_MAX)
		return VX_E_TOOBIG;
	do {
		size_t k = n - done < max ? n - done : max;
		struct fs_args a = {.offset = offset + done, .count = (uint32_t)k};
		if ((rc = build(&m, op, path, &a, p + done, k)) != VX_OK)
			return rc;
		if ((rc = vx_client_call(c, &m, deadline)) != VX_OK)
			return rc;
		done += k;
	} while (done < n);
	return VX_OK;
}

int vx_fs_write(struct vx_client *c, const char *path, uint64_t offset, const void *buf, size_t n,
		uint64_t deadline)
{
	return put_bytes(c, FS_WRITE, path, offset, buf, n, deadline);
}

int vx_fs_append(struct vx_client *c, const char *path, const void *buf, size_t n,
		 uint64_t deadline)
{
	return put_bytes(c, FS_APPEND, path, 0, buf, n, deadline);
}

int vx_fs_truncate(struct vx_client *c, const char *path, uint64_t size, uint64_t deadline)
{
	struct fs_args a = {.offset = size};
	struct vx_msg m;

	return call(c, &m, FS_TRUNCATE, path, &a, deadline);
}

int64_t vx_fs_read(struct vx_client *c, const char *path, uint64_t offset, void *buf, size_t n,
		   uint64_t deadline)
{
	uint8_t *p = buf;
	size_t done = 0;
	struct vx_msg m;

	while (done < n) {
		size_t k = n - done < FS_INLINE_MAX ? n - done : FS_INLINE_MAX;
		struct fs_args a = {.offset = offset + done, .count = (uint32_t)k};
		int rc = call(c, &m, FS_READ, path, &a, deadline);
		if (rc != VX_OK)
			return rc;
		if (m.len > k)
			return VX_E_CORRUPT;
		memcpy(p + done, m.data, m.len);
		done += m.len;
		if (m.len < k)
			break; /* the end of the file */
	}
	return (int64_t)done;
}

/* Takes and deletes up to n capabilities queued on c's reply Ring. */
static void drop_caps(struct vx_client *c, uint32_t n)
{
	for (uint32_t i = 0; i < n && i < VX_RING_XFER_MAX; i++) {
		int64_t h = vx_ring_recv_cap(c->rep_h);
		if (h >= 0)
			vx_cap_delete((vx_handle_t)h);
		else if (h != VX_E_REVOKED)
			return;
	}
}

int vx_fs_read_mem(struct vx_client *c, const char *path, vx_handle_t *mem, uint64_t *size,
		   uint64_t deadline)
{
	struct fs_args a = {0};
	struct fs_stat st;
	struct vx_msg m;
	int rc = call(c, &m, FS_READ_MEM, path, &a, deadline);
	int64_t h = VX_NO_HANDLE;

	*mem = VX_NO_HANDLE;
	*size = 0;
	if (rc != VX_OK)
		return rc;
	if (m.ncaps > 1 || (rc = take(&m, &st, sizeof(st))) != VX_OK) {
		drop_caps(c, m.ncaps); /* none may be taken for a later call's */
		return rc != VX_OK ? rc : VX_E_CORRUPT;
	}
	/* The view was queued before the reply.  VX_E_REVOKED: the file
	 * changed before it was received, and its slot is consumed. */
	if (m.ncaps == 1 && (h = vx_ring_recv_cap(c->rep_h)) < 0)
		return (int)h;
	*mem = (vx_handle_t)h;
	*size = st.size;
	return VX_OK;
}

int vx_fs_remove(struct vx_client *c, const char *path, uint64_t deadline)
{
	struct fs_args a = {0};
	struct vx_msg m;

	return call(c, &m, FS_REMOVE, path, &a, deadline);
}

int vx_fs_rename(struct vx_client *c, const char *from, const char *to, uint64_t deadline)
{
	struct fs_args a = {0};
	size_t tlen = strnlen(to, FS_PATH_MAX + 1);
	struct vx_msg m;
	int rc;

	if (tlen > FS_PATH_MAX)
		return VX_E_INVAL;
	if ((rc = build(&m, FS_RENAME, from, &a, to, tlen + 1)) != VX_OK)
		return rc;
	return vx_client_call(c, &m, deadline);
}

int vx_fs_info(struct vx_client *c, struct fs_info *info, uint64_t deadline)
{
	struct fs_args a = {0};
	struct vx_msg m;
	int rc = call(c, &m, FS_INFO, "", &a, deadline);

	return rc == VX_OK ? take(&m, info, sizeof(*info)) : rc;
}

int vx_fs_sync(struct vx_client *c, const char *root, uint64_t deadline)
{
	struct fs_args a = {0};
	struct vx_msg m;

	return call(c, &m, FS_SYNC, root, &a, deadline);
}

int vx_fs_mounts(struct vx_client *c, uint32_t index, struct fs_mount_info *out, uint64_t deadline)
{
	struct fs_args a = {.index = index};
	struct vx_msg m;
	int rc = call(c, &m, FS_MOUNTS, "", &a, deadline);

	if (rc == VX_OK && (rc = take(&m, out, sizeof(*out))) == VX_OK) {
		out->name[sizeof(out->name) - 1] = '\0';
		out->where[sizeof(out->where) - 1] = '\0';
		out->why[sizeof(out->why) - 1] = '\0';
	}
	return rc;
}

int vx_fs_snap(struct vx_client *c, const char *path, uint32_t op, uint64_t deadline)
{
	struct fs_args a = {.count = op};
	struct vx_msg m;

	if (op != FS_SNAP_CREATE && op != FS_SNAP_DELETE)
		return VX_E_INVAL;
	return call(c, &m, FS_SNAP, path, &a, deadline);
}

int vx_fs_snap_list(struct vx_client *c, const char *root, uint32_t index, struct fs_snap_info *out,
		    uint64_t deadline)
{
	struct fs_args a = {.count = FS_SNAP_LIST, .index = index};
	struct vx_msg m;
	int rc = call(c, &m, FS_SNAP, root, &a, deadline);

	if (rc == VX_OK && (rc = take(&m, out, sizeof(*out))) == VX_OK)
		out->name[sizeof(out->name) - 1] = '\0';
	return rc;
}

/* A request with one MemCap beside it. */
static int call_mem(struct vx_client *c, struct vx_msg *m, uint32_t op, const char *path,
		    const struct fs_args *a, vx_handle_t mem, uint32_t rights, uint64_t deadline)
{
	int rc = build(m, op, path, a, NULL, 0);
	int64_t sent;

	if (rc != VX_OK)
		return rc;
	/* A capability queued for a request that is never sent would ride
	 * with the next one: send it only to a server that is there. */
	if (!vx_client_server_up(c))
		return VX_E_AGAIN;
	if ((sent = vx_ring_send_cap(c->req_h, mem, rights)) < 0)
		return (int)sent;
	m->ncaps = 1;
	return vx_client_call(c, m, deadline);
}

int vx_fs_write_mem(struct vx_client *c, const char *path, uint64_t offset, vx_handle_t mem,
		    uint32_t n, uint64_t deadline)
{
	struct fs_args a = {.offset = offset, .count = n};
	struct vx_msg m;

	return call_mem(c, &m, FS_WRITE_MEM, path, &a, mem, VX_R_READ, deadline);
}

int vx_fs_read_into(struct vx_client *c, const char *path, uint64_t offset, vx_handle_t mem,
		    uint32_t n, uint64_t *got, uint64_t deadline)
{
	struct fs_args a = {.offset = offset, .count = n};
	struct vx_msg m;
	int rc = call_mem(c, &m, FS_READ_INTO, path, &a, mem, VX_R_READ | VX_R_WRITE, deadline);

	return rc == VX_OK ? take(&m, got, sizeof(*got)) : rc;
}
