/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Decoding fs.h requests and encoding their replies (see pure_fs.h).
 * Nothing from the client is trusted: every length is checked against the
 * message before a byte is used.
 */
#include "pure_fs.h"
#include "pure_mount.h"
#include <stdbool.h>
#include "vx_string.h"

_Static_assert(sizeof(struct fs_args) + FS_REQ_ROOM == VX_MSG_DATA, "fs.h request room");
_Static_assert(sizeof(struct fs_dirent) <= VX_MSG_DATA, "a dirent fits a reply");
_Static_assert(FS_INLINE_MAX <= VX_MSG_DATA, "a read fits a reply");

/* A request taken apart: args, the path and what follows its NUL. */
struct req {
	struct fs_args a;
	const char *path;
	size_t plen;
	const uint8_t *rest; /* after the path's NUL */
	size_t rlen;
};

/* Bytes before the first NUL of p[0..max), or max if there is none. */
static size_t str_len(const char *p, size_t max)
{
	size_t n = 0;

	while (n < max && p[n] != '\0')
		n++;
	return n;
}

/* Splits m; VX_E_INVAL if the args or a NUL-terminated path do not fit. */
static int split(const struct vx_msg *m, struct req *r)
{
	const char *p = (const char *)m->data + sizeof(r->a);
	size_t room;

	if (m->len < sizeof(r->a) + 1)
		return VX_E_INVAL;
	memcpy(&r->a, m->data, sizeof(r->a));
	room = m->len - sizeof(r->a);
	r->path = p;
	r->plen = str_len(p, room);
	if (r->plen == room)
		return VX_E_INVAL; /* no NUL inside the message */
	r->rest = (const uint8_t *)p + r->plen + 1;
	r->rlen = room - r->plen - 1;
	return VX_OK;
}

static void reply(struct vx_msg *m, int status, const void *data, size_t len)
{
	m->status = status;
	m->ncaps = 0;
	m->len = status == VX_OK ? (uint16_t)len : 0;
	if (status == VX_OK && len)
		memcpy(m->data, data, len);
}

/* FS_RENAME: rest is the second path, NUL-terminated, ending the message. */
static int serve_rename(struct fs *fs, const struct req *r)
{
	size_t tlen = r->rlen ? str_len((const char *)r->rest, r->rlen) : 0;

	if (r->rlen == 0 || tlen + 1 != r->rlen)
		return VX_E_INVAL;
	return fs_rename(fs, r->path, r->plen, (const char *)r->rest, tlen);
}

/* Ops that carry bytes: exactly args.count of them after the path. */
static int serve_write(struct fs *fs, uint32_t op, const struct req *r)
{
	if (r->a.count > FS_INLINE_MAX)
		return VX_E_TOOBIG;
	if (r->a.count != r->rlen)
		return VX_E_INVAL;
	if (op == FS_WRITE)
		return fs_write(fs, r->path, r->plen, r->a.offset, r->rest, r->rlen);
	return fs_append(fs, r->path, r->plen, r->rest, r->rlen);
}

/* FS_SYNC of "" (every mounted root) or of one root. */
static int sync_roots(struct fs_mounts *t, struct fs_mount *only)
{
	int rc = VX_OK;

	if (only)
		return only->kind == FS_KIND_NONE ? VX_E_NOTFOUND : fs_mount_fsync(only);
	for (uint32_t i = 0; t && i < t->n; i++) {
		int r = t->m[i].kind == FS_KIND_NONE ? VX_OK : fs_mount_fsync(&t->m[i]);
		if (rc == VX_OK)
			rc = r;
	}
	return rc;
}

/* A request for a mounted root mt, whose path inside it is rest.  A
 * rename's second path must name the same root. */
static int serve_mounted(struct fs *fs, struct fs_mount *mt, uint32_t op, struct req *r,
			 const char *rest, void *out, size_t *len)
{
	const uint8_t *more = r->rest;
	size_t mlen = r->rlen;
	char to_buf[FS_REQ_ROOM];

	if (mt->kind == FS_KIND_NONE)
		return VX_E_NOTFOUND;
	if (op == FS_RENAME) {
		struct fs_mount *m2;
		const char *rest2;
		size_t tlen = r->rlen ? str_len((const char *)r->rest, r->rlen) : 0;
		if (r->rlen == 0 || tlen + 1 != r->rlen)
			return VX_E_INVAL;
		memcpy(to_buf, r->rest, r->rlen);
		int rc = fs_mount_route(fs->mounts, to_buf, &m2, &rest2);
		if (rc != VX_OK)
			return rc;
		if (m2 != mt)
			return VX_E_INVAL; /* across roots */
		more = (const uint8_t *)rest2;
		mlen = strlen(rest2) + 1;
	}
	if ((op == FS_WRITE || op == FS_APPEND) && r->a.count > FS_INLINE_MAX)
		return VX_E_TOOBIG;
	if ((op == FS_WRITE || op == FS_APPEND) && r->a.count != r->rlen)
		return VX_E_INVAL;
	return fs_mount_serve(mt, op, &r->a, rest, more, mlen, out, len, fs->now);
}

/* FS_WRITE_MEM and FS_READ_INTO: the client's MemCap, checked, on a
 * mounted root (mt) or the RAM file system (FS_INLINE_MAX at a time). */
static int serve_xfer(struct fs *fs, struct fs_mount *mt, uint32_t op, const struct req *r,
		      const char *path, uint64_t *got)
{
	uint32_t need = op == FS_WRITE_MEM ? VX_R_READ : VX_R_WRITE;
	uint64_t n = r->a.count;

	*got = 0;
	if (fs->xfer_rc != VX_OK)
		return fs->xfer_rc;
	if (!fs->xfer)
		return VX_E_INVAL;
	if (!(fs->xfer_rights & need))
		return VX_E_RIGHTS;
	if (n > FS_XFER_MAX)
		return VX_E_TOOBIG;
	if (n > fs->xfer_size)
		return VX_E_RANGE;
	if (mt) {
		if (op == FS_WRITE_MEM)
			return fs_mount_write(mt, path, r->a.offset, fs->xfer, n, fs->now);
		return fs_mount_read(mt, path, r->a.offset, fs->xfer, n, got);
	}
	size_t plen = strlen(path);
	if (op == FS_WRITE_MEM) {
		if (n == 0)
			return fs_write(fs, path, plen, r->a.offset, fs->xfer, 0);
		for (uint64_t done = 0; done < n;) {
			uint64_t k = n - done < FS_INLINE_MAX ? n - done : FS_INLINE_MAX;
			int rc = fs_write(fs, path, plen, r->a.offset + done, fs->xfer + done, k);
			if (rc != VX_OK)
				return rc;
			done += k;
		}
		return VX_OK;
	}
	while (*got < n) {
		uint64_t k = n - *got < FS_INLINE_MAX ? n - *got : FS_INLINE_MAX;
		size_t part;
		int rc = fs_read(fs, path, plen, r->a.offset + *got, fs->xfer + *got, k, &part);
		if (rc != VX_OK)
			return rc;
		*got += part;
		if (part < k)
			break;
	}
	return VX_OK;
}

void fs_serve(struct fs *fs, struct vx_msg *m, struct fs_backing *view)
{
	union {
		uint8_t bytes[VX_MSG_DATA];
		struct fs_stat st;
		struct fs_dirent ent;
		struct fs_info info;
		struct fs_mount_info mi;
	} out;
	size_t len = 0;
	struct req r;
	struct fs_mount *mt = NULL;
	const char *rest;
	int rc;

	memset(view, 0, sizeof(*view));
	if (m->op < FS_STAT || m->op > FS_READ_INTO) {
		reply(m, VX_E_NOSYS, NULL, 0); /* whatever the message holds */
		return;
	}
	if ((rc = split(m, &r)) != VX_OK) {
		reply(m, rc, NULL, 0);
		return;
	}
	if (r.rlen != 0 && m->op != FS_WRITE && m->op != FS_APPEND && m->op != FS_RENAME) {
		reply(m, VX_E_INVAL, NULL, 0);
		return;
	}
	bool xfer = m->op == FS_WRITE_MEM || m->op == FS_READ_INTO;
	if (!xfer && (fs->xfer || fs->xfer_rc != VX_OK)) {
		reply(m, VX_E_INVAL, NULL, 0); /* capabilities with an op that takes none */
		return;
	}
	if (m->op == FS_MOUNTS) {
		rc = r.plen	  ? VX_E_INVAL
		     : fs->mounts ? fs_mount_info(fs->mounts, r.a.index, &out.mi)
				  : VX_E_NOTFOUND;
		reply(m, rc, &out, sizeof(out.mi));
		return;
	}
	/* The root the path names: a mounted one, or this RAM file system. */
	rest = r.path;
	if (fs->mounts && (rc = fs_mount_route(fs->mounts, r.path, &mt, &rest)) != VX_OK) {
		reply(m, rc, NULL, 0);
		return;
	}
	if (xfer) {
		uint64_t got;
		if (mt && mt->kind == FS_KIND_NONE)
			rc = VX_E_NOTFOUND;
		else
			rc = serve_xfer(fs, mt, m->op, &r, rest, &got);
		reply(m, rc, &got, m->op == FS_READ_INTO ? sizeof(got) : 0);
		return;
	}
	if (mt) {
		rc = m->op == FS_SYNC ? sync_roots(fs->mounts, mt)
				      : serve_mounted(fs, mt, m->op, &r, rest, &out, &len);
		reply(m, rc, &out, len);
		return;
	}
	if (fs->mounts && rest != r.path) { /* "RAM:path" */
		/* RAM: is on no disk: nothing of it can survive a power cut. */
		if (m->op == FS_SYNC) {
			reply(m, VX_E_NOSYS, NULL, 0);
			return;
		}
		r.plen -= (size_t)(rest - r.path);
		r.path = rest;
	}
	if (m->op == FS_RENAME && r.rlen > 4 && memcmp(r.rest, "RAM:", 4) == 0) {
		r.rest += 4;
		r.rlen -= 4;
	}
	switch (m->op) {
	case FS_SYNC:
		rc = r.plen ? VX_E_INVAL : sync_roots(fs->mounts, NULL);
		break;
	case FS_SNAP:
		rc = VX_E_NOSYS; /* the RAM file system keeps no snapshots */
		break;
	case FS_STAT:
		rc = fs_stat(fs, r.path, r.plen, &out.st);
		len = sizeof(out.st);
		break;
	case FS_LIST:
		rc = fs_list(fs, r.path, r.plen, r.a.index, &out.ent);
		len = sizeof(out.ent);
		break;
	case FS_CREATE:
		rc = r.a.count & ~FS_CREATE_DEDUP ? VX_E_INVAL
		     : r.a.count ? VX_E_NOSYS /* the RAM file system keeps no blocks */
				 : fs_create(fs, r.path, r.plen);
		break;
	case FS_MKDIR:
		rc = fs_mkdir(fs, r.path, r.plen);
		break;
	case FS_WRITE:
	case FS_APPEND:
		rc = serve_write(fs, m->op, &r);
		break;
	case FS_TRUNCATE:
		rc = fs_truncate(fs, r.path, r.plen, r.a.offset);
		break;
	case FS_READ:
		rc = fs_read(fs, r.path, r.plen, r.a.offset, out.bytes, r.a.count, &len);
		break;
	case FS_READ_MEM:
		rc = fs_view(fs, r.path, r.plen, view, &out.st);
		len = sizeof(out.st);
		break;
	case FS_REMOVE:
		rc = fs_remove(fs, r.path, r.plen);
		break;
	case FS_RENAME:
		rc = serve_rename(fs, &r);
		break;
	case FS_INFO:
		rc = r.plen ? VX_E_INVAL : VX_OK;
		fs_info(fs, &out.info);
		len = sizeof(out.info);
		break;
	default:
		rc = VX_E_NOSYS;
		break;
	}
	reply(m, rc, &out, len);
}

/* ---------------------------------------------------------------- grants */

/* Does p[0..n) start with a root name, "NAME:"?  (As fs_mount_route reads
 * it: a ':' before any '/'.) */
static bool names_root(const char *p, size_t n)
{
	for (size_t i = 0; i < n && p[i] != '/'; i++)
		if (p[i] == ':')
			return true;
	return false;
}

int fs_grant_parse(const char *rec, size_t len, struct fs_grant *g)
{
	static const char read[] = "read", read_at[] = "read:";
	char vol[VX_PATH_NAME_MAX + 1];
	const char *rest;

	memset(g, 0, sizeof(*g));
	if (len == 0)
		return VX_OK;
	if (len == sizeof(read) - 1 && memcmp(rec, read, len) == 0) {
		g->read_only = true;
		return VX_OK;
	}
	if (len < sizeof(read_at) - 1 || memcmp(rec, read_at, sizeof(read_at) - 1) != 0)
		return VX_E_INVAL;
	rec += sizeof(read_at) - 1;
	len -= sizeof(read_at) - 1;
	if (len > VX_PATH_FULL_MAX)
		return VX_E_TOOBIG;
	if (str_len(rec, len) != len)
		return VX_E_INVAL;
	memcpy(g->root, rec, len);
	g->root[len] = '\0';
	/* The root the grant names must be a path fs.h allows; kept without
	 * the leading '/' that means the same as none. */
	if (names_root(g->root, len)) {
		int rc = vx_path_split_volume(g->root, vol, sizeof(vol), &rest);
		if (rc != VX_OK)
			return rc;
	} else {
		rest = g->root;
		int rc = vx_path_check(rest, len);
		if (rc != VX_OK)
			return rc;
	}
	/* Without a root name, a leading '/' stays when what follows it would
	 * read as one: "/HOME:x" is the RAM directory "HOME:x", not HOME's x. */
	char *at = g->root + (rest - g->root);
	if (*at == '/' && (rest != g->root || !names_root(at + 1, strlen(at + 1))))
		memmove(at, at + 1, strlen(at + 1) + 1);
	g->read_only = true;
	g->rooted = true;
	return VX_OK;
}

/* The ops that change nothing: what a read-only grant allows. */
static bool op_reads(uint32_t op)
{
	return op == FS_STAT || op == FS_LIST || op == FS_READ || op == FS_READ_MEM ||
	       op == FS_READ_INTO || op == FS_INFO || op == FS_MOUNTS;
}

int fs_grant_apply(const struct fs_grant *g, struct vx_msg *m)
{
	struct req r;
	char path[VX_MSG_DATA];
	int rc;

	if (g->read_only && !op_reads(m->op))
		return VX_E_RIGHTS;
	if (!g->rooted)
		return VX_OK;
	/* The roots themselves are not inside any one of them. */
	if (m->op == FS_INFO || m->op == FS_MOUNTS)
		return VX_E_RIGHTS;
	if ((rc = split(m, &r)) != VX_OK)
		return rc;
	if (r.rlen != 0)
		return VX_E_INVAL; /* the ops left carry nothing after the path */
	const char *p = r.path;
	size_t n = r.plen;
	if (n && *p == '/') {
		p++;
		n--;
	}
	if (names_root(p, n))
		return VX_E_RIGHTS;
	size_t rl = strlen(g->root);
	bool sep = rl && g->root[rl - 1] != ':' && n;
	size_t total = rl + sep + n;
	if (sizeof(r.a) + total + 1 > VX_MSG_DATA)
		return VX_E_TOOBIG;
	memcpy(path, g->root, rl);
	if (sep)
		path[rl] = '/';
	memcpy(path + rl + sep, p, n);
	path[total] = '\0';
	memcpy(m->data + sizeof(r.a), path, total + 1);
	m->len = (uint16_t)(sizeof(r.a) + total + 1);
	return VX_OK;
}
