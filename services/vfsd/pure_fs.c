/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The node table and the operations of vectra/proto/fs.h (see pure_fs.h).
 */
#include <stdbool.h>
#include "pure_fs.h"
#include "rt/path.h"
#include "vx_string.h"

_Static_assert(FS_NAME_MAX == VX_PATH_NAME_MAX, "fs.h and path.h agree on names");
_Static_assert(FS_PATH_MAX == VX_PATH_MAX, "fs.h and path.h agree on paths");
_Static_assert(FS_ENTRIES_MAX < FS_NIL, "node indices fit in 16 bits");
_Static_assert(FS_CLASS_PAGES_MAX == 1u << (FS_CLASSES - 1), "classes reach FS_FILE_MAX");

uint32_t fs_class_pages(uint64_t size)
{
	uint32_t pages = 1;

	if (size == 0)
		return 0;
	while ((uint64_t)pages * FS_PAGE < size)
		pages <<= 1;
	return pages;
}

void fs_init(struct fs *fs, const struct fs_store *store)
{
	memset(fs, 0, sizeof(*fs));
	fs->store = *store;
	for (uint32_t i = 0; i <= FS_ENTRIES_MAX; i++)
		fs->node[i].parent = fs->node[i].child = fs->node[i].next = FS_NIL;
	fs->node[FS_ROOT].type = FS_DIR;
}

/* ------------------------------------------------------------ the tree */

/* The child of dir called name, or FS_NIL. */
static uint32_t lookup(const struct fs *fs, uint32_t dir, const char *name)
{
	for (uint32_t i = fs->node[dir].child; i != FS_NIL; i = fs->node[i].next)
		if (strcmp(fs->node[i].name, name) == 0)
			return i;
	return FS_NIL;
}

/*
 * Walks path[0..len).  On VX_OK: *node is the node it names (FS_NIL if only
 * the last component is missing), *dir its parent directory (FS_NIL for the
 * root) and last the last component ("" for the root).  VX_E_INVAL for a
 * bad path, VX_E_NOTFOUND for a missing directory on the way, VX_E_TYPE for
 * a file on the way.
 */
static int walk(const struct fs *fs, const char *path, size_t len, uint32_t *dir, uint32_t *node,
		char last[FS_NAME_MAX + 1])
{
	char next[FS_NAME_MAX + 1];
	size_t pos = 0;
	uint32_t cur = FS_ROOT;
	int n;

	if (vx_path_check(path, len) != VX_OK) /* VX_E_TOOBIG too: a bad path */
		return VX_E_INVAL;
	*dir = FS_NIL;
	*node = FS_ROOT;
	last[0] = '\0';
	if ((n = vx_path_next(path, len, &pos, last, FS_NAME_MAX + 1)) <= 0)
		return n == 0 ? VX_OK : VX_E_INVAL;
	for (;;) {
		if ((n = vx_path_next(path, len, &pos, next, sizeof(next))) < 0)
			return VX_E_INVAL;
		uint32_t child = lookup(fs, cur, last);
		if (n == 0) {
			*dir = cur;
			*node = child;
			return VX_OK;
		}
		if (child == FS_NIL)
			return VX_E_NOTFOUND;
		if (fs->node[child].type != FS_DIR)
			return VX_E_TYPE;
		cur = child;
		memcpy(last, next, sizeof(next));
	}
}

/* The existing node path names, in *node. */
static int find(const struct fs *fs, const char *path, size_t len, uint32_t *node)
{
	char last[FS_NAME_MAX + 1];
	uint32_t dir;
	int rc = walk(fs, path, len, &dir, node, last);

	if (rc == VX_OK && *node == FS_NIL)
		return VX_E_NOTFOUND;
	return rc;
}

/* Links node i into dir's child list, keeping name order. */
static void link_child(struct fs *fs, uint32_t dir, uint32_t i)
{
	uint16_t *at = &fs->node[dir].child;

	while (*at != FS_NIL && strcmp(fs->node[*at].name, fs->node[i].name) < 0)
		at = &fs->node[*at].next;
	fs->node[i].next = *at;
	fs->node[i].parent = (uint16_t)dir;
	*at = (uint16_t)i;
	fs->node[dir].entries++;
}

static void unlink_child(struct fs *fs, uint32_t i)
{
	uint32_t dir = fs->node[i].parent;
	uint16_t *at = &fs->node[dir].child;

	while (*at != i)
		at = &fs->node[*at].next;
	*at = fs->node[i].next;
	fs->node[i].next = fs->node[i].parent = FS_NIL;
	fs->node[dir].entries--;
}

/* A free table slot, or FS_NIL. */
static uint32_t free_slot(const struct fs *fs)
{
	for (uint32_t i = 1; i <= FS_ENTRIES_MAX; i++)
		if (fs->node[i].type == 0)
			return i;
	return FS_NIL;
}

/* Creates a node of type named by path.  *out gets it (or the file that
 * already existed, with VX_E_EXISTS). */
static int make(struct fs *fs, const char *path, size_t len, uint8_t type, uint32_t *out)
{
	char last[FS_NAME_MAX + 1];
	uint32_t dir, node, i;
	int rc = walk(fs, path, len, &dir, &node, last);

	*out = node;
	if (rc != VX_OK)
		return rc;
	if (node != FS_NIL)
		return VX_E_EXISTS;
	if ((i = free_slot(fs)) == FS_NIL)
		return VX_E_FULL;
	memset(&fs->node[i], 0, sizeof(fs->node[i]));
	fs->node[i].type = type;
	fs->node[i].child = FS_NIL;
	memcpy(fs->node[i].name, last, sizeof(last));
	link_child(fs, dir, i);
	fs->entries++;
	*out = i;
	return VX_OK;
}

static void stat_of(const struct fs_node *n, struct fs_stat *st)
{
	st->type = n->type;
	st->entries = n->type == FS_DIR ? n->entries : 0;
	st->size = n->type == FS_FILE ? n->size : 0;
}

/* ------------------------------------------------------------ file bytes */

/* Gives f's backing back to the store.  The caller has already ended its
 * views (changed) and zeroed it (set_size(f, 0)). */
static void drop_backing(struct fs *fs, struct fs_node *f)
{
	if (f->mem.pages == 0)
		return;
	fs->store.put(fs->store.ctx, &f->mem);
	fs->bytes -= (uint64_t)f->mem.pages * FS_PAGE;
	memset(&f->mem, 0, sizeof(f->mem));
}

/*
 * Makes f's backing hold at least size bytes, moving the bytes to a larger
 * backing if needed.  VX_E_FULL (nothing changed) if the store has none.
 * Ends f's views: the caller is about to change f.
 */
static int reserve(struct fs *fs, struct fs_node *f, uint64_t size)
{
	uint32_t want = fs_class_pages(size);
	struct fs_backing nb;

	if (f->mem.pages >= want) {
		if (f->mem.pages)
			fs->store.changed(fs->store.ctx, &f->mem);
		return VX_OK;
	}
	if (fs->store.get(fs->store.ctx, want, &nb) != VX_OK || nb.pages < want)
		return VX_E_FULL;
	if (f->mem.pages) {
		fs->store.changed(fs->store.ctx, &f->mem);
		memcpy(nb.base, f->mem.base, (size_t)f->size);
		memset(f->mem.base, 0, (size_t)f->size);
		fs->store.put(fs->store.ctx, &f->mem);
		fs->bytes -= (uint64_t)f->mem.pages * FS_PAGE;
	}
	f->mem = nb;
	fs->bytes += (uint64_t)nb.pages * FS_PAGE;
	return VX_OK;
}

/* Sets f's size to size (<= the backing's capacity), keeping the bytes
 * beyond the size zero. */
static void set_size(struct fs_node *f, uint64_t size)
{
	if (size < f->size)
		memset(f->mem.base + size, 0, (size_t)(f->size - size));
	f->size = size;
}

/* Moves f down to the class of its size if the store can give a smaller
 * backing now; otherwise f keeps the larger one (allowed: pages >= class).
 * f's views have already been ended. */
static void shrink_backing(struct fs *fs, struct fs_node *f)
{
	struct fs_backing nb, old;

	if (f->mem.pages <= fs_class_pages(f->size))
		return;
	if (fs->store.get(fs->store.ctx, fs_class_pages(f->size), &nb) != VX_OK)
		return;
	old = f->mem; /* get may have moved f's bytes (fs_rebase) */
	if (nb.pages >= old.pages) {
		fs->store.put(fs->store.ctx, &nb); /* no gain: still all zero */
		return;
	}
	memcpy(nb.base, old.base, (size_t)f->size);
	memset(old.base, 0, (size_t)f->size);
	f->mem = nb;
	fs->store.put(fs->store.ctx, &old);
	fs->bytes = fs->bytes - (uint64_t)old.pages * FS_PAGE + (uint64_t)nb.pages * FS_PAGE;
}

/* The file at path, created if absent; VX_E_TYPE if it is a directory. */
static int open_file(struct fs *fs, const char *path, size_t len, uint32_t *out)
{
	int rc = make(fs, path, len, FS_FILE, out);

	if (rc == VX_E_EXISTS)
		rc = fs->node[*out].type == FS_FILE ? VX_OK : VX_E_TYPE;
	return rc;
}

/* Checks a write of n bytes at offset against FS_FILE_MAX. */
static bool fits(uint64_t offset, size_t n)
{
	return offset <= FS_FILE_MAX && n <= FS_FILE_MAX - offset;
}

/* Writes to file node i; removes i again if it was just created and the
 * write fails, so a failed write leaves no trace. */
static int write_node(struct fs *fs, uint32_t i, bool fresh, uint64_t offset, const void *buf,
		      size_t n)
{
	struct fs_node *f = &fs->node[i];
	uint64_t end = offset + n;
	int rc = VX_OK;

	if (n == 0 && offset <= f->size)
		return VX_OK;
	if (end > f->size)
		rc = reserve(fs, f, end);
	else
		fs->store.changed(fs->store.ctx, &f->mem);
	if (rc != VX_OK) {
		if (fresh) {
			unlink_child(fs, i);
			f->type = 0;
			fs->entries--;
		}
		return rc;
	}
	memcpy(f->mem.base + offset, buf, n);
	if (end > f->size)
		f->size = end;
	return VX_OK;
}

/* ------------------------------------------------------------ operations */

int fs_stat(const struct fs *fs, const char *path, size_t len, struct fs_stat *st)
{
	uint32_t i;
	int rc = find(fs, path, len, &i);

	if (rc == VX_OK)
		stat_of(&fs->node[i], st);
	return rc;
}

int fs_list(const struct fs *fs, const char *path, size_t len, uint32_t index,
	    struct fs_dirent *ent)
{
	uint32_t i;
	int rc = find(fs, path, len, &i);

	if (rc != VX_OK)
		return rc;
	if (fs->node[i].type != FS_DIR)
		return VX_E_TYPE;
	for (i = fs->node[i].child; i != FS_NIL && index > 0; index--)
		i = fs->node[i].next;
	if (i == FS_NIL)
		return VX_E_NOTFOUND;
	memset(ent, 0, sizeof(*ent));
	stat_of(&fs->node[i], &ent->st);
	memcpy(ent->name, fs->node[i].name, sizeof(ent->name));
	return VX_OK;
}

int fs_create(struct fs *fs, const char *path, size_t len)
{
	uint32_t i;

	return make(fs, path, len, FS_FILE, &i);
}

int fs_mkdir(struct fs *fs, const char *path, size_t len)
{
	uint32_t i;

	return make(fs, path, len, FS_DIR, &i);
}

int fs_write(struct fs *fs, const char *path, size_t len, uint64_t offset, const void *buf,
	     size_t n)
{
	uint32_t i;
	bool fresh;
	int rc;

	if (!fits(offset, n)) {
		/* Still a bad path first: VX_E_INVAL outranks the size. */
		return vx_path_check(path, len) != VX_OK ? VX_E_INVAL : VX_E_TOOBIG;
	}
	fresh = find(fs, path, len, &i) == VX_E_NOTFOUND;
	if ((rc = open_file(fs, path, len, &i)) != VX_OK)
		return rc;
	return write_node(fs, i, fresh, offset, buf, n);
}

int fs_append(struct fs *fs, const char *path, size_t len, const void *buf, size_t n)
{
	uint32_t i;
	bool fresh = false;
	int rc = find(fs, path, len, &i);

	if (rc == VX_E_NOTFOUND)
		fresh = true;
	else if (rc != VX_OK)
		return rc;
	else if (fs->node[i].type != FS_FILE)
		return VX_E_TYPE;
	if (!fits(fresh ? 0 : fs->node[i].size, n))
		return VX_E_TOOBIG;
	if ((rc = open_file(fs, path, len, &i)) != VX_OK)
		return rc;
	return write_node(fs, i, fresh, fs->node[i].size, buf, n);
}

int fs_truncate(struct fs *fs, const char *path, size_t len, uint64_t size)
{
	uint32_t i;
	int rc = find(fs, path, len, &i);
	struct fs_node *f;

	if (rc != VX_OK)
		return rc;
	f = &fs->node[i];
	if (f->type != FS_FILE)
		return VX_E_TYPE;
	if (size > FS_FILE_MAX)
		return VX_E_TOOBIG;
	if (size == f->size)
		return VX_OK;
	if (size > f->size) {
		if ((rc = reserve(fs, f, size)) == VX_OK)
			f->size = size; /* the new bytes are zero already */
		return rc;
	}
	fs->store.changed(fs->store.ctx, &f->mem);
	set_size(f, size);
	if (size == 0)
		drop_backing(fs, f);
	else
		shrink_backing(fs, f);
	return VX_OK;
}

int fs_read(const struct fs *fs, const char *path, size_t len, uint64_t offset, void *buf, size_t n,
	    size_t *got)
{
	uint32_t i;
	int rc = find(fs, path, len, &i);
	const struct fs_node *f;

	*got = 0;
	if (rc != VX_OK)
		return rc;
	f = &fs->node[i];
	if (f->type != FS_FILE)
		return VX_E_TYPE;
	if (n > FS_INLINE_MAX)
		return VX_E_TOOBIG;
	if (offset >= f->size)
		return VX_OK;
	if (n > f->size - offset)
		n = (size_t)(f->size - offset);
	memcpy(buf, f->mem.base + offset, n);
	*got = n;
	return VX_OK;
}

int fs_view(const struct fs *fs, const char *path, size_t len, struct fs_backing *b,
	    struct fs_stat *st)
{
	uint32_t i;
	int rc = find(fs, path, len, &i);

	memset(b, 0, sizeof(*b));
	if (rc != VX_OK)
		return rc;
	if (fs->node[i].type != FS_FILE)
		return VX_E_TYPE;
	*b = fs->node[i].mem;
	stat_of(&fs->node[i], st);
	return VX_OK;
}

int fs_remove(struct fs *fs, const char *path, size_t len)
{
	uint32_t i;
	int rc = find(fs, path, len, &i);
	struct fs_node *n;

	if (rc != VX_OK)
		return rc;
	if (i == FS_ROOT)
		return VX_E_INVAL;
	n = &fs->node[i];
	if (n->type == FS_DIR && n->entries > 0)
		return VX_E_STATE;
	if (n->type == FS_FILE && n->mem.pages) {
		fs->store.changed(fs->store.ctx, &n->mem);
		set_size(n, 0);
		drop_backing(fs, n);
	}
	unlink_child(fs, i);
	n->type = 0;
	fs->entries--;
	return VX_OK;
}

/* Is a the node d or inside it? */
static bool within(const struct fs *fs, uint32_t a, uint32_t d)
{
	for (; a != FS_NIL; a = fs->node[a].parent)
		if (a == d)
			return true;
	return false;
}

int fs_rename(struct fs *fs, const char *from, size_t flen, const char *to, size_t tlen)
{
	char last[FS_NAME_MAX + 1], tlast[FS_NAME_MAX + 1];
	uint32_t fdir, src, tdir, dst;
	int rc;

	/* Both paths are checked before either is looked at. */
	if (vx_path_check(from, flen) != VX_OK || vx_path_check(to, tlen) != VX_OK)
		return VX_E_INVAL;
	if ((rc = walk(fs, from, flen, &fdir, &src, last)) != VX_OK)
		return rc;
	if (src == FS_ROOT)
		return VX_E_INVAL;
	if (src == FS_NIL)
		return VX_E_NOTFOUND;
	if ((rc = walk(fs, to, tlen, &tdir, &dst, tlast)) != VX_OK)
		return rc;
	if (dst == FS_ROOT)
		return VX_E_INVAL;
	if (dst == src)
		return VX_OK; /* to its own name: nothing to do, as on HOME: and EXT: */
	if (within(fs, tdir, src))
		return VX_E_INVAL; /* a directory into itself */
	if (dst != FS_NIL)
		return VX_E_EXISTS;
	if (fs->node[src].type == FS_FILE && fs->node[src].mem.pages)
		fs->store.changed(fs->store.ctx, &fs->node[src].mem);
	unlink_child(fs, src);
	memcpy(fs->node[src].name, tlast, sizeof(tlast));
	link_child(fs, tdir, src);
	return VX_OK;
}

void fs_info(const struct fs *fs, struct fs_info *info)
{
	info->entries = fs->entries;
	info->entries_max = FS_ENTRIES_MAX;
	info->bytes = fs->bytes;
	info->bytes_max = fs->store.bytes_max;
}

void fs_rebase(struct fs *fs, uint32_t id, uint8_t *base)
{
	for (uint32_t i = 1; i <= FS_ENTRIES_MAX; i++) {
		struct fs_node *f = &fs->node[i];
		if (f->type == FS_FILE && f->mem.pages != 0 && f->mem.id == id)
			f->mem.base = base;
	}
}
