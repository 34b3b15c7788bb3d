/* SPDX-License-Identifier: BSD-3-Clause */
/* vfsd's mounted roots: see pure_mount.h. */
#include "pure_mount.h"
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

int fs_mount_try(struct fs_mount *m, const struct vx_fat_dev *dev, const char *where)
{
	int rc = VX_E_NOSYS;

	m->dev = *dev;
	if (m->want == FS_KIND_FAT32) {
		rc = vx_fat_mount(&m->u.fat, &m->dev);
		vx_snprintf(m->why, sizeof(m->why), "%s: %s", where,
			    rc == VX_OK ? "mounted" : vx_fat_why_str(m->u.fat.why));
	} else {
		vx_snprintf(m->why, sizeof(m->why), "%s: this root's file system is not built in",
			    where);
	}
	m->last_rc = rc;
	if (rc != VX_OK)
		return rc;
	m->kind = m->want;
	m->dirty = false;
	m->commits = 0;
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
	long got;
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
		return vx_fat_create(v, path, &n);
	case FS_MKDIR:
		return vx_fat_mkdir(v, path);
	case FS_WRITE:
	case FS_APPEND:
		if ((rc = fat_open_create(v, path, &n)) != VX_OK)
			return rc;
		uint64_t off = op == FS_APPEND ? n.size : a->offset;
		if (off + rlen > VX_FAT_FILE_MAX)
			return VX_E_TOOBIG;
		got = rlen ? vx_fat_write(v, &n, (uint32_t)off, rest, (uint32_t)rlen) : 0;
		if (got < 0)
			return (int)got;
		if (rlen == 0 && off > n.size) /* a write of nothing past the end extends */
			return vx_fat_truncate(v, &n, (uint32_t)off);
		return VX_OK;
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
		if ((rc = fat_find(v, path, &n)) != VX_OK)
			return rc;
		if (n.root || (n.attr & VX_FAT_DIR))
			return VX_E_TYPE;
		if (a->offset >= n.size) {
			*len = 0;
			return VX_OK;
		}
		got = vx_fat_read(v, &n, (uint32_t)a->offset, out, a->count);
		if (got < 0)
			return (int)got;
		*len = (size_t)got;
		return VX_OK;
	case FS_REMOVE:
		return vx_fat_unlink(v, path);
	case FS_RENAME:
		/* fs.h: the new path must not exist */
		if ((rc = fat_find(v, (const char *)rest, &n)) == VX_OK)
			return VX_E_EXISTS;
		if (rc != VX_E_NOTFOUND)
			return rc;
		return vx_fat_rename(v, path, (const char *)rest);
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

/* ------------------------------------------------------------- dispatch */

static bool changes(uint32_t op)
{
	return op == FS_CREATE || op == FS_MKDIR || op == FS_WRITE || op == FS_APPEND ||
	       op == FS_TRUNCATE || op == FS_REMOVE || op == FS_RENAME || op == FS_SNAP;
}

int fs_mount_serve(struct fs_mount *m, uint32_t op, const struct fs_args *a, const char *path,
		   const uint8_t *rest, size_t rlen, void *out, size_t *len, uint64_t now)
{
	int rc;

	*len = 0;
	if (m->kind == FS_KIND_NONE)
		return VX_E_NOTFOUND;
	rc = fat_err(fat_serve(m, op, a, path, rest, rlen, out, len));
	if (rc != VX_OK)
		*len = 0;
	/* Even a failed change may have written something (FAT: a directory
	 * cluster it allocated): the next commit makes it all consistent. */
	if (changes(op) && !m->dirty) {
		m->dirty = true;
		m->dirty_at = now;
	}
	return rc;
}

int fs_mount_write(struct fs_mount *m, const char *path, uint64_t off, const void *buf, uint64_t n,
		   uint64_t now)
{
	struct vx_fat_node node;
	int rc;

	if (m->kind == FS_KIND_NONE)
		return VX_E_NOTFOUND;
	if (!m->dirty) {
		m->dirty = true;
		m->dirty_at = now;
	}
	if ((rc = fat_open_create(&m->u.fat, path, &node)) != VX_OK)
		return fat_err(rc);
	if (off > VX_FAT_FILE_MAX || n > VX_FAT_FILE_MAX - off)
		return VX_E_TOOBIG;
	long w = n ? vx_fat_write(&m->u.fat, &node, (uint32_t)off, buf, (uint32_t)n) : 0;
	return w < 0 ? fat_err((int)w) : VX_OK;
}

int fs_mount_read(struct fs_mount *m, const char *path, uint64_t off, void *buf, uint64_t n,
		  uint64_t *got)
{
	struct vx_fat_node node;
	int rc;

	*got = 0;
	if (m->kind == FS_KIND_NONE)
		return VX_E_NOTFOUND;
	if ((rc = fat_find(&m->u.fat, path, &node)) != VX_OK)
		return rc;
	if (node.root || (node.attr & VX_FAT_DIR))
		return VX_E_TYPE;
	if (off >= node.size)
		return VX_OK;
	long r = vx_fat_read(&m->u.fat, &node, (uint32_t)off, buf, (uint32_t)n);
	if (r < 0)
		return (int)r;
	*got = (uint64_t)r;
	return VX_OK;
}

int fs_mount_sync(struct fs_mount *m)
{
	if (m->kind == FS_KIND_NONE)
		return VX_E_NOTFOUND;
	int rc = vx_fat_sync(&m->u.fat);
	if (rc == VX_OK) {
		m->dirty = false;
		m->commits++;
	}
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
