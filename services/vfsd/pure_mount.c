/* SPDX-License-Identifier: BSD-3-Clause */
/* vfsd's mounted roots: see pure_mount.h. */
#include "pure_mount.h"
#include "rt/civil.h"
#include "rt/path.h"
#include "vx_fmt.h"
#include "vx_string.h"

int fs_mount_add(struct fs_mounts *t, const char *name, uint32_t want)
{
	if (t->n == FS_MOUNTS_MAX)
		return VX_E_FULL;
	struct fs_mount *m = &t->m[t->n++];
	memset(m, 0, sizeof(*m));
	vx_snprintf(m->name, sizeof(m->name), "%s", name);
	m->want = want;
	m->last_rc = VX_E_NOTFOUND;
	vx_snprintf(m->why, sizeof(m->why), "no disk holds one yet");
	return VX_OK;
}

void fs_mount_drop(struct fs_mount *m)
{
	m->kind = FS_KIND_NONE;
	m->dirty = false;
	m->last_rc = VX_E_NOTFOUND;
	vx_snprintf(m->why, sizeof(m->why), "its disk went away");
}

int fs_mount_try(struct fs_mount *m, const struct vx_blkdev *dev, const char *where)
{
	int rc = VX_E_NOSYS;

	m->dev = *dev;
	m->list_epoch++;
	if (m->want == FS_KIND_FAT32) {
		struct vx_fat_dev fd = {dev->ctx, dev->read, dev->write, dev->flush, dev->sectors};
		rc = vx_fat_mount(&m->u.fat, &fd);
		vx_snprintf(m->why, sizeof(m->why), "%s: %s", where,
			    rc == VX_OK ? "mounted" : vx_fat_why_str(m->u.fat.why));
	} else if (m->want == FS_KIND_KEEP && m->work && m->work_len >= VX_KEEP_WORK_MIN) {
		rc = vx_keep_mount(&m->u.keep, &m->dev, m->work, m->work_len, 0);
		vx_snprintf(m->why, sizeof(m->why), "%s: %s", where,
			    rc == VX_OK ? "mounted" : vx_keep_why_str(m->u.keep.why));
	} else {
		vx_snprintf(m->why, sizeof(m->why), "%s: no work area for this root's file system",
			    where);
	}
	m->last_rc = rc;
	if (rc != VX_OK)
		return rc;
	m->kind = m->want;
	m->dirty = false;
	m->commits = 0;
	m->remounts = 0;
	vx_snprintf(m->where, sizeof(m->where), "%s", where);
	return VX_OK;
}

int fs_mount_route(struct fs_mounts *t, const char *path, struct fs_mount **m, const char **rest)
{
	char vol[VX_PATH_NAME_MAX + 1];
	size_t i = 0;

	*m = NULL;
	*rest = path;
	while (path[i] && path[i] != '/' && path[i] != ':')
		i++;
	if (path[i] != ':')
		return VX_OK; /* no root name: the RAM file system */
	int rc = vx_path_split_volume(path, vol, sizeof(vol), rest);
	if (rc != VX_OK)
		return rc;
	if (strcmp(vol, "RAM") == 0)
		return VX_OK;
	for (uint32_t k = 0; k < t->n; k++) {
		if (strcmp(vol, t->m[k].name) == 0) {
			*m = &t->m[k];
			return VX_OK;
		}
	}
	*rest = path;
	return VX_E_NOTFOUND;
}

/* ------------------------------------------------------------------ FAT32 */

/* FAT32's errors in fs.h's words. */
static int fat_err(int rc)
{
	if (rc == VX_E_NOMEM)
		return VX_E_FULL; /* no free cluster */
	if (rc == VX_E_BUSY)
		return VX_E_STATE; /* a directory that is not empty */
	return rc;
}

static void fat_stat(struct vx_fat *v, const struct vx_fat_node *n, struct fs_stat *st)
{
	memset(st, 0, sizeof(*st));
	if (n->root || (n->attr & VX_FAT_DIR)) {
		struct vx_fat_dircur cur;
		struct vx_fat_dirent *e = &v->scratch;
		st->type = FS_DIR;
		memset(&cur, 0, sizeof(cur));
		/* scratch is lookup's; n was copied out before this */
		while (st->entries < VX_FAT_DIR_ENTRIES && vx_fat_readdir(v, n, &cur, e) == 1)
			st->entries++;
	} else {
		st->type = FS_FILE;
		st->size = n->size;
	}
}

static int fat_find(struct vx_fat *v, const char *path, struct vx_fat_node *n)
{
	if (path[0] == 0) {
		vx_fat_root(v, n);
		return VX_OK;
	}
	return vx_fat_lookup(v, path, n);
}

/* The file at path, created empty when absent (FS_WRITE, FS_APPEND). */
static int fat_open_create(struct vx_fat *v, const char *path, struct vx_fat_node *n)
{
	int rc = fat_find(v, path, n);

	if (rc == VX_E_NOTFOUND)
		rc = vx_fat_create(v, path, n);
	if (rc == VX_OK && (n->root || (n->attr & VX_FAT_DIR)))
		rc = VX_E_TYPE;
	return rc;
}

/* n bytes at off (append: at the end) of file path, created if absent; a
 * write of nothing past the end extends the file. */
static int fat_write_at(struct vx_fat *v, const char *path, bool append, uint64_t off,
			const void *buf, uint64_t n)
{
	struct vx_fat_node node;
	int rc = fat_open_create(v, path, &node);

	if (rc != VX_OK)
		return rc;
	if (append)
		off = node.size;
	if (off > VX_FAT_FILE_MAX || n > VX_FAT_FILE_MAX - off)
		return VX_E_TOOBIG;
	long w = n ? vx_fat_write(v, &node, (uint32_t)off, buf, (uint32_t)n) : 0;
	if (w < 0)
		return (int)w;
	if (n == 0 && off > node.size)
		return vx_fat_truncate(v, &node, (uint32_t)off);
	return VX_OK;
}

/* Up to n bytes at off of file path into buf; *got says how many. */
static int fat_read_at(struct vx_fat *v, const char *path, uint64_t off, void *buf, uint64_t n,
		       uint64_t *got)
{
	struct vx_fat_node node;
	int rc = fat_find(v, path, &node);

	*got = 0;
	if (rc != VX_OK)
		return rc;
	if (node.root || (node.attr & VX_FAT_DIR))
		return VX_E_TYPE;
	if (off >= node.size)
		return VX_OK;
	long r = vx_fat_read(v, &node, (uint32_t)off, buf, (uint32_t)n);
	if (r < 0)
		return (int)r;
	*got = (uint64_t)r;
	return VX_OK;
}

static int fat_list(struct vx_fat *v, const char *path, uint32_t index, struct fs_dirent *out)
{
	struct vx_fat_node dir;
	struct vx_fat_dircur cur;
	struct vx_fat_dirent *e = &v->scratch;
	int rc = fat_find(v, path, &dir);

	if (rc != VX_OK)
		return rc;
	if (!dir.root && !(dir.attr & VX_FAT_DIR))
		return VX_E_TYPE;
	memset(&cur, 0, sizeof(cur));
	for (uint32_t i = 0;; i++) {
		rc = vx_fat_readdir(v, &dir, &cur, e);
		if (rc < 0)
			return rc;
		if (rc == 0)
			return VX_E_NOTFOUND;
		if (i < index)
			continue;
		memset(out, 0, sizeof(*out));
		struct vx_fat_node n = e->node;
		if (strlen(e->name) > FS_NAME_MAX)
			vx_snprintf(out->name, sizeof(out->name), "%s", e->short_name);
		else
			vx_snprintf(out->name, sizeof(out->name), "%s", e->name);
		if (n.attr & VX_FAT_DIR) {
			out->st.type = FS_DIR;
		} else {
			out->st.type = FS_FILE;
			out->st.size = n.size;
		}
		return VX_OK;
	}
}

static int fat_serve(struct fs_mount *m, uint32_t op, const struct fs_args *a, const char *path,
		     const uint8_t *rest, size_t rlen, void *out, size_t *len)
{
	struct vx_fat *v = &m->u.fat;
	struct vx_fat_node n;
	uint64_t got;
	int rc;

	switch (op) {
	case FS_STAT:
		if ((rc = fat_find(v, path, &n)) == VX_OK) {
			fat_stat(v, &n, out);
			*len = sizeof(struct fs_stat);
		}
		return rc;
	case FS_LIST:
		rc = fat_list(v, path, a->index, out);
		*len = sizeof(struct fs_dirent);
		return rc;
	case FS_CREATE:
		if (a->count & ~FS_CREATE_DEDUP)
			return VX_E_INVAL;
		if (a->count)
			return VX_E_NOSYS; /* FAT32 stores no block by content */
		return vx_fat_create(v, path, &n);
	case FS_MKDIR:
		return vx_fat_mkdir(v, path);
	case FS_WRITE:
	case FS_APPEND:
		return fat_write_at(v, path, op == FS_APPEND, a->offset, rest, rlen);
	case FS_TRUNCATE:
		if ((rc = fat_find(v, path, &n)) != VX_OK)
			return rc;
		if (n.root || (n.attr & VX_FAT_DIR))
			return VX_E_TYPE;
		if (a->offset > VX_FAT_FILE_MAX)
			return VX_E_TOOBIG;
		return vx_fat_truncate(v, &n, (uint32_t)a->offset);
	case FS_READ:
		if (a->count > FS_INLINE_MAX)
			return VX_E_TOOBIG;
		rc = fat_read_at(v, path, a->offset, out, a->count, &got);
		*len = (size_t)got;
		return rc;
	case FS_REMOVE:
		return vx_fat_unlink(v, path);
	case FS_RENAME: {
		/* fs.h: the new path must not exist.  FAT names are
		 * case-blind, so a new name that differs from the old in case
		 * alone finds the entry itself: that rename only changes the
		 * case stored ("A.TXT" to "a.txt"), and vx_fat_rename allows
		 * it. */
		struct vx_fat_node old;
		if ((rc = fat_find(v, (const char *)rest, &n)) == VX_OK) {
			if (fat_find(v, path, &old) != VX_OK || old.root || n.root ||
			    old.parent != n.parent || old.index != n.index)
				return VX_E_EXISTS;
		} else if (rc != VX_E_NOTFOUND) {
			return rc;
		}
		return vx_fat_rename(v, path, (const char *)rest);
	}
	case FS_INFO: {
		struct fs_info *info = out;
		uint32_t clusters;
		uint64_t free_bytes;
		if (path[0])
			return VX_E_INVAL;
		if ((rc = vx_fat_free(v, &clusters, &free_bytes)) != VX_OK)
			return rc;
		memset(info, 0, sizeof(*info));
		info->bytes_max = (uint64_t)v->nclusters * v->cbytes;
		info->bytes = info->bytes_max - free_bytes;
		*len = sizeof(*info);
		return VX_OK;
	}
	default:
		return VX_E_NOSYS; /* FS_READ_MEM, FS_SNAP */
	}
}

/* ------------------------------------------------------------------- Keep */

/* Keep's errors in fs.h's words. */
static int keep_err(int rc)
{
	if (rc == VX_E_NOMEM)
		return VX_E_FULL; /* the disk is full: nothing changed */
	if (rc == VX_E_BUSY)
		return VX_E_STATE; /* a directory that is not empty */
	return rc;
}

/* A VX_E_CORRUPT names the file it was met in, for the log and FS_MOUNTS. */
static void keep_corrupt(struct fs_mount *m, const char *path)
{
	struct vx_keep *v = &m->u.keep;
	char name[96];

	if (!v->bad_ino || vx_keep_path_of(v, v->bad_ino, name, sizeof(name)) != VX_OK)
		vx_snprintf(name, sizeof(name), "%s", path[0] ? path : "/");
	vx_snprintf(m->corrupt, sizeof(m->corrupt), "%s:%s: %s (block %lu)", m->name, name,
		    vx_keep_why_str(v->why), (unsigned long)v->bad_block);
	m->ncorrupt++;
}

static void keep_stat(const struct vx_keep_node *n, struct fs_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->type = n->type == VX_KEEP_DIR ? FS_DIR : FS_FILE;
	if (n->type == VX_KEEP_DIR)
		st->entries = n->entries > UINT32_MAX ? UINT32_MAX : (uint32_t)n->entries;
	else
		st->size = n->size;
}

/* A path, live, or in a snapshot when it starts "@NAME" ("@first/notes"):
 * snapshots are read through the same ops, and refuse every change. */
static int keep_find(struct vx_keep *v, const char *path, struct vx_keep_node *n)
{
	if (path[0] == '@') {
		char name[VX_KEEP_SNAP_NAME + 1];
		size_t k = 0;
		uint64_t view;
		while (path[1 + k] && path[1 + k] != '/' && k < VX_KEEP_SNAP_NAME) {
			name[k] = path[1 + k];
			k++;
		}
		name[k] = 0;
		if (path[1 + k] && path[1 + k] != '/')
			return VX_E_TOOBIG;
		int rc = vx_keep_snap_open(v, name, &view);
		if (rc != VX_OK)
			return rc;
		return vx_keep_lookup_at(v, view, path[1 + k] ? path + 2 + k : "", n);
	}
	return path[0] ? vx_keep_lookup(v, path, n) : vx_keep_root(v, n);
}

static int keep_open_create(struct vx_keep *v, const char *path, struct vx_keep_node *n)
{
	int rc = keep_find(v, path, n);

	if (rc == VX_E_NOTFOUND)
		rc = vx_keep_create(v, path, 0, n);
	if (rc == VX_OK && n->type != VX_KEEP_FILE)
		rc = VX_E_TYPE;
	return rc;
}

/* n bytes at off (append: at the end) of file path, created if absent;
 * a snapshot ("@...") takes no change. */
static int keep_write_at(struct vx_keep *v, const char *path, bool append, uint64_t off,
			 const void *buf, uint64_t n)
{
	struct vx_keep_node node;
	int rc;

	if (path[0] == '@')
		return VX_E_RIGHTS;
	if ((rc = keep_open_create(v, path, &node)) != VX_OK)
		return rc;
	long w = vx_keep_write(v, &node, append ? node.size : off, buf, (uint32_t)n);
	return w < 0 ? (int)w : VX_OK;
}

/* Up to n bytes at off of file path (live or "@snapshot/...") into buf. */
static int keep_read_at(struct vx_keep *v, const char *path, uint64_t off, void *buf, uint64_t n,
			uint64_t *got)
{
	struct vx_keep_node node;
	int rc = keep_find(v, path, &node);

	*got = 0;
	if (rc != VX_OK)
		return rc;
	if (node.type != VX_KEEP_FILE)
		return VX_E_TYPE;
	long r = vx_keep_read(v, &node, off, buf, (uint32_t)n);
	if (r < 0)
		return (int)r;
	*got = (uint64_t)r;
	return VX_OK;
}

static int keep_snap(struct fs_mount *m, const struct fs_args *a, const char *name, void *out,
		     size_t *len)
{
	struct vx_keep *v = &m->u.keep;

	if (a->count == FS_SNAP_LIST) {
		struct vx_keep_snapinfo si;
		struct fs_snap_info *o = out;
		if (name[0])
			return VX_E_INVAL;
		int rc = vx_keep_snap_list(v, a->index, &si);
		if (rc < 0)
			return rc;
		if (rc == 0)
			return VX_E_NOTFOUND;
		memset(o, 0, sizeof(*o));
		vx_snprintf(o->name, sizeof(o->name), "%s", si.name);
		o->txg = si.txg;
		*len = sizeof(*o);
		return VX_OK;
	}
	if (!name[0])
		return VX_E_INVAL;
	if (a->count == FS_SNAP_CREATE)
		return vx_keep_snap_create(v, name);
	if (a->count == FS_SNAP_DELETE)
		return vx_keep_snap_delete(v, name);
	return VX_E_INVAL;
}

static int keep_serve(struct fs_mount *m, uint32_t op, const struct fs_args *a, const char *path,
		      const uint8_t *rest, size_t rlen, void *out, size_t *len)
{
	struct vx_keep *v = &m->u.keep;
	struct vx_keep_node n;
	uint64_t got;
	int rc;

	/* "@NAME..." is a snapshot: read-only (and no live name starts so) */
	bool changes_path = op == FS_CREATE || op == FS_MKDIR || op == FS_WRITE ||
			    op == FS_APPEND || op == FS_TRUNCATE || op == FS_REMOVE ||
			    op == FS_RENAME;
	if (changes_path && (path[0] == '@' || (op == FS_RENAME && rest[0] == '@')))
		return VX_E_RIGHTS;
	switch (op) {
	case FS_STAT:
		if ((rc = keep_find(v, path, &n)) == VX_OK) {
			keep_stat(&n, out);
			*len = sizeof(struct fs_stat);
		}
		return rc;
	case FS_LIST: {
		struct vx_keep_dircur cur = {0};
		struct vx_keep_dirent ent, *e = &ent;
		struct fs_dirent *o = out;
		uint32_t at = 0; /* the index of the entry readdir gives next */
		if ((rc = keep_find(v, path, &n)) != VX_OK)
			return rc;
		if (n.type != VX_KEEP_DIR)
			return VX_E_TYPE;
		if (m->list_at.epoch == m->list_epoch && m->list_at.view == n.view &&
		    m->list_at.ino == n.ino && m->list_at.gen == n.gen &&
		    m->list_at.next <= a->index) {
			cur.index = m->list_at.slot;
			at = m->list_at.next;
		}
		do {
			if ((rc = vx_keep_readdir(v, &n, &cur, e)) <= 0)
				return rc == 0 ? VX_E_NOTFOUND : rc;
		} while (at++ < a->index);
		m->list_at.epoch = m->list_epoch;
		m->list_at.view = n.view;
		m->list_at.ino = n.ino;
		m->list_at.gen = n.gen;
		m->list_at.next = a->index + 1;
		m->list_at.slot = cur.index;
		memset(o, 0, sizeof(*o));
		keep_stat(&e->node, &o->st);
		vx_snprintf(o->name, sizeof(o->name), "%s", e->name); /* cut to FS_NAME_MAX */
		*len = sizeof(*o);
		return VX_OK;
	}
	case FS_CREATE:
		if (a->count & ~FS_CREATE_DEDUP)
			return VX_E_INVAL;
		return vx_keep_create(v, path, (a->count & FS_CREATE_DEDUP) ? VX_KEEP_F_DEDUP : 0,
				      &n);
	case FS_MKDIR:
		return vx_keep_mkdir(v, path);
	case FS_WRITE:
	case FS_APPEND:
		return keep_write_at(v, path, op == FS_APPEND, a->offset, rest, rlen);
	case FS_TRUNCATE:
		if ((rc = keep_find(v, path, &n)) != VX_OK)
			return rc;
		if (n.type != VX_KEEP_FILE)
			return VX_E_TYPE;
		return vx_keep_truncate(v, &n, a->offset);
	case FS_READ:
		if (a->count > FS_INLINE_MAX)
			return VX_E_TOOBIG;
		rc = keep_read_at(v, path, a->offset, out, a->count, &got);
		*len = (size_t)got;
		return rc;
	case FS_REMOVE:
		return vx_keep_unlink(v, path);
	case FS_RENAME:
		/* Keep replaces an existing file atomically (the crash-safe way
		 * to change a file: write a new one, rename it over). */
		(void)rlen;
		return vx_keep_rename(v, path, (const char *)rest);
	case FS_INFO: {
		struct vx_keep_statfs sf;
		struct fs_info *info = out;
		if (path[0])
			return VX_E_INVAL;
		if ((rc = vx_keep_statfs(v, &sf)) != VX_OK)
			return rc;
		memset(info, 0, sizeof(*info));
		info->entries = sf.files > UINT32_MAX ? UINT32_MAX : (uint32_t)sf.files;
		info->entries_max = UINT32_MAX;
		info->bytes = sf.used;
		info->bytes_max = sf.total;
		*len = sizeof(*info);
		return VX_OK;
	}
	case FS_SNAP:
		return keep_snap(m, a, path, out, len);
	default:
		return VX_E_NOSYS; /* FS_READ_MEM */
	}
}

/* After a Keep call: a corrupt block is named; a volume a failure left
 * broken is mounted again (the last commit) so the next request finds it
 * whole.  Returns rc in fs.h's words. */
static int keep_done(struct fs_mount *m, int rc, const char *path)
{
	if (rc == VX_E_CORRUPT)
		keep_corrupt(m, path);
	if (m->u.keep.broken) {
		struct vx_blkdev dev = m->dev;
		m->remounts++;
		m->list_epoch++;
		if (vx_keep_mount(&m->u.keep, &dev, m->work, m->work_len, 0) != VX_OK) {
			m->kind = FS_KIND_NONE;
			m->last_rc = VX_E_CORRUPT;
			vx_snprintf(m->why, sizeof(m->why), "%s: remount after a failure: %s",
				    m->where, vx_keep_why_str(m->u.keep.why));
		}
		m->dirty = false;
	}
	return keep_err(rc);
}

uint64_t fs_mount_repairs(const struct fs_mount *m)
{
	return m->kind == FS_KIND_KEEP ? m->u.keep.repairs : 0;
}

/* ------------------------------------------------------------- dispatch */

static bool changes(uint32_t op)
{
	return op == FS_CREATE || op == FS_MKDIR || op == FS_WRITE || op == FS_APPEND ||
	       op == FS_TRUNCATE || op == FS_REMOVE || op == FS_RENAME || op == FS_SNAP;
}

/* Even a failed change may have written something (FAT: a directory
 * cluster it allocated): the next commit makes it all consistent. */
void fs_mounts_set_wall(struct fs_mounts *t, uint64_t offset)
{
	for (uint32_t i = 0; i < t->n; i++)
		t->m[i].wall_offset = offset;
}

/* FAT entries written from here on carry the wall clock's date and time
 * (FAT's format: years 1980..2107, seconds in pairs). */
static void fat_stamp(struct fs_mount *m, uint64_t now)
{
	struct vx_civil c;

	if (!m->wall_offset ||
	    vx_civil_from_unix((int64_t)((now + m->wall_offset) / 1000000000ull), &c) != 0 ||
	    c.year < 1980 || c.year > 2107)
		return;
	m->u.fat.date = (uint16_t)((c.year - 1980) << 9 | c.month << 5 | c.day);
	m->u.fat.time = (uint16_t)(c.hour << 11 | c.minute << 5 | c.second / 2);
}

static void mark_dirty(struct fs_mount *m, uint64_t now)
{
	m->list_epoch++; /* a listing goes on from where it stopped no more */
	if (!m->dirty) {
		m->dirty = true;
		m->dirty_at = now;
	}
}

/* A commit went through: nothing waits to be committed. */
static void committed(struct fs_mount *m)
{
	m->dirty = false;
	m->commits++;
}

/* A change Keep refused for room (VX_E_NOMEM: it changed nothing) while
 * removed files' blocks still wait out their VX_KEEP_DEFER commits: commit
 * until they are free (at most VX_KEEP_DEFER + 1 commits, each releasing
 * one txg's frees into the reserve's room).  True if room came back, so
 * the change is worth one more try: without this, a volume filled, then
 * emptied with rm, stayed full until five more changes had committed. */
static bool keep_release(struct fs_mount *m)
{
	struct vx_keep *v = &m->u.keep;
	uint64_t used = v->used;

	for (uint32_t i = 0; i <= VX_KEEP_DEFER && v->pending && !v->broken; i++) {
		if (vx_keep_sync(v) != VX_OK)
			return false; /* keep_done mounts a broken volume again */
		committed(m);
	}
	return !v->broken && v->used < used;
}

int fs_mount_serve(struct fs_mount *m, uint32_t op, const struct fs_args *a, const char *path,
		   const uint8_t *rest, size_t rlen, void *out, size_t *len, uint64_t now)
{
	int rc;

	*len = 0;
	if (m->kind == FS_KIND_NONE)
		return VX_E_NOTFOUND;
	if (m->kind == FS_KIND_FAT32) {
		fat_stamp(m, now);
		rc = fat_err(fat_serve(m, op, a, path, rest, rlen, out, len));
	} else {
		rc = keep_serve(m, op, a, path, rest, rlen, out, len);
		if (rc == VX_E_NOMEM && changes(op) && keep_release(m))
			rc = keep_serve(m, op, a, path, rest, rlen, out, len);
		rc = keep_done(m, rc, path);
	}
	if (rc != VX_OK)
		*len = 0;
	if (changes(op))
		mark_dirty(m, now);
	return rc;
}

int fs_mount_write(struct fs_mount *m, const char *path, uint64_t off, const void *buf, uint64_t n,
		   uint64_t now)
{
	if (m->kind == FS_KIND_NONE)
		return VX_E_NOTFOUND;
	mark_dirty(m, now);
	if (m->kind == FS_KIND_FAT32) {
		fat_stamp(m, now);
		return fat_err(fat_write_at(&m->u.fat, path, false, off, buf, n));
	}
	int rc = keep_write_at(&m->u.keep, path, false, off, buf, n);
	if (rc == VX_E_NOMEM && keep_release(m))
		rc = keep_write_at(&m->u.keep, path, false, off, buf, n);
	return keep_done(m, rc, path);
}

int fs_mount_read(struct fs_mount *m, const char *path, uint64_t off, void *buf, uint64_t n,
		  uint64_t *got)
{
	*got = 0;
	if (m->kind == FS_KIND_NONE)
		return VX_E_NOTFOUND;
	if (m->kind == FS_KIND_FAT32)
		return fat_err(fat_read_at(&m->u.fat, path, off, buf, n, got));
	return keep_done(m, keep_read_at(&m->u.keep, path, off, buf, n, got), path);
}

int fs_mount_sync(struct fs_mount *m)
{
	if (m->kind == FS_KIND_NONE)
		return VX_E_NOTFOUND;
	int rc = m->kind == FS_KIND_FAT32 ? vx_fat_sync(&m->u.fat)
					  : keep_done(m, vx_keep_sync(&m->u.keep), "");
	if (rc == VX_OK)
		committed(m);
	return rc;
}

int fs_mount_fsync(struct fs_mount *m)
{
	if (m->kind != FS_KIND_KEEP)
		return fs_mount_sync(m);
	uint64_t txg = m->u.keep.txg;
	int rc = keep_done(m, vx_keep_fsync(&m->u.keep, NULL), "");
	if (rc == VX_OK && m->u.keep.txg != txg)
		committed(m);
	return rc;
}

uint64_t fs_mount_tick(struct fs_mounts *t, uint64_t now)
{
	uint64_t next = UINT64_MAX;

	for (uint32_t i = 0; i < t->n; i++) {
		struct fs_mount *m = &t->m[i];
		if (m->kind == FS_KIND_NONE || !m->dirty)
			continue;
		if (now - m->dirty_at >= FS_MOUNT_COMMIT_NS)
			fs_mount_sync(m);
		else if (m->dirty_at + FS_MOUNT_COMMIT_NS < next)
			next = m->dirty_at + FS_MOUNT_COMMIT_NS;
	}
	return next;
}

int fs_mount_info(struct fs_mounts *t, uint32_t i, struct fs_mount_info *out)
{
	struct fs_args a = {0};
	struct fs_info info;
	size_t len;

	if (i >= t->n)
		return VX_E_NOTFOUND;
	struct fs_mount *m = &t->m[i];
	memset(out, 0, sizeof(*out));
	vx_snprintf(out->name, sizeof(out->name), "%s", m->name);
	out->kind = m->kind;
	out->state = m->last_rc;
	out->commits = m->commits;
	out->mount_ns = m->mount_ns;
	out->mount_busy_ns = m->mount_busy_ns;
	vx_snprintf(out->where, sizeof(out->where), "%s", m->kind ? m->where : "-");
	vx_snprintf(out->why, sizeof(out->why), "%s", m->why);
	if (m->kind != FS_KIND_NONE &&
	    fs_mount_serve(m, FS_INFO, &a, "", NULL, 0, &info, &len, 0) == VX_OK) {
		out->bytes = info.bytes;
		out->bytes_max = info.bytes_max;
	}
	return VX_OK;
}
