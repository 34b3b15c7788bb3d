/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * FAT32 read and write; the contract, the limits and what a hostile image
 * gets are in fat32.h.  Layout facts used here (all little-endian):
 *
 *   boot sector  0 jump, 11 BytsPerSec, 13 SecPerClus, 14 RsvdSecCnt,
 *                16 NumFATs, 17 RootEntCnt, 19 TotSec16, 21 Media,
 *                22 FATSz16, 32 TotSec32, 36 FATSz32, 40 ExtFlags,
 *                42 FSVer, 44 RootClus, 48 FSInfo, 510 55 AA
 *   FSInfo       0 41615252, 484 61417272, 488 free count, 492 next free,
 *                508 AA550000
 *   FAT entry    28 bits: 0 free, 0x0FFFFFF7 bad, >= 0x0FFFFFF8 end
 *   dir entry    0 name[11], 11 attr, 12 case bits, 13 ctime tenths,
 *                14 ctime, 16 cdate, 18 adate, 20 cluster hi, 22 wtime,
 *                24 wdate, 26 cluster lo, 28 size
 *   LFN entry    0 order (0x40: last), 1 five units, 11 attr 0x0F,
 *                12 type 0, 13 checksum, 14 six units, 26 zero, 28 two units
 */
#include <stddef.h>
#include <stdint.h>

#include "vectra/abi.h"
#include "vx_string.h"
#include "fs/fat32.h"

#define EOC	 0x0FFFFFFFu
#define EOC_MIN	 0x0FFFFFF8u
#define BAD	 0x0FFFFFF7u
#define FREE_ENT 0xE5
#define LFN_ATTR 0x0F
#define ENT	 32

static const uint8_t zero_sector[VX_FAT_SECTOR];

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put16(uint8_t *p, uint16_t x)
{
	p[0] = (uint8_t)x;
	p[1] = (uint8_t)(x >> 8);
}

static void put32(uint8_t *p, uint32_t x)
{
	put16(p, (uint16_t)x);
	put16(p + 2, (uint16_t)(x >> 16));
}

/* --- the device and the one-sector data cache --------------------------- */

/* Reads n sectors at lba, which must lie on the device; 0 or a VX_E_*. */
static int dev_read(struct vx_fat *v, uint64_t lba, uint32_t n, void *buf)
{
	if (lba >= v->dev.sectors || n > v->dev.sectors - lba)
		return VX_E_CORRUPT;
	return v->dev.read(v->dev.ctx, lba, n, buf);
}

/* Writes n sectors at lba, dropping the data cache if it overlaps. */
static int dev_write(struct vx_fat *v, uint64_t lba, uint32_t n, const void *buf)
{
	if (lba >= v->dev.sectors || n > v->dev.sectors - lba)
		return VX_E_CORRUPT;
	if (v->sec_lba >= lba && v->sec_lba < lba + n)
		v->sec_lba = UINT64_MAX;
	return v->dev.write(v->dev.ctx, lba, n, buf);
}

/* Makes v->sec hold sector lba; 0 or a VX_E_*. */
static int sec_load(struct vx_fat *v, uint64_t lba)
{
	int rc;

	if (v->sec_lba == lba)
		return 0;
	v->sec_lba = UINT64_MAX;
	rc = dev_read(v, lba, 1, v->sec);
	if (rc == 0)
		v->sec_lba = lba;
	return rc;
}

/* Writes v->sec back to its sector (which sec_load put there). */
static int sec_store(struct vx_fat *v)
{
	uint64_t lba = v->sec_lba;
	int rc = dev_write(v, lba, 1, v->sec);

	v->sec_lba = rc == 0 ? lba : UINT64_MAX;
	return rc;
}

/* --- the FAT ------------------------------------------------------------ */

/* Writes the cached FAT sector to every copy in use if it changed. */
static int fat_flush(struct vx_fat *v)
{
	if (!v->fat_dirty)
		return 0;
	for (uint32_t i = 0; i < v->nfats; i++) {
		uint64_t lba = (uint64_t)v->fat_lba + (uint64_t)(v->fat_active + i) * v->fat_size +
			       v->fat_cached;
		int rc = dev_write(v, lba, 1, v->fat);
		if (rc)
			return rc;
	}
	v->fat_dirty = false;
	return 0;
}

/* Makes v->fat hold FAT sector s (of the active copy). */
static int fat_load(struct vx_fat *v, uint32_t s)
{
	int rc;

	if (v->fat_cached == s)
		return 0;
	rc = fat_flush(v);
	if (rc)
		return rc;
	v->fat_cached = UINT32_MAX;
	rc = dev_read(v, (uint64_t)v->fat_lba + (uint64_t)v->fat_active * v->fat_size + s, 1,
		      v->fat);
	if (rc == 0)
		v->fat_cached = s;
	return rc;
}

/* True if c names a cluster of the volume. */
static bool in_range(const struct vx_fat *v, uint32_t c)
{
	return c >= 2 && c <= v->nclusters + 1;
}

/* The 28-bit FAT entry of cluster c (in range) into *val. */
static int fat_get(struct vx_fat *v, uint32_t c, uint32_t *val)
{
	int rc = fat_load(v, c / 128);

	if (rc == 0)
		*val = le32(v->fat + (c % 128) * 4) & 0x0FFFFFFF;
	return rc;
}

/* Sets cluster c's entry to val, keeping the top four reserved bits. */
static int fat_set(struct vx_fat *v, uint32_t c, uint32_t val)
{
	int rc = fat_load(v, c / 128);
	uint8_t *p = v->fat + (c % 128) * 4;

	if (rc)
		return rc;
	put32(p, (le32(p) & 0xF0000000) | (val & 0x0FFFFFFF));
	v->fat_dirty = true;
	return 0;
}

/* The first sector of cluster c. */
static uint64_t clus_lba(const struct vx_fat *v, uint32_t c)
{
	return v->data_lba + (uint64_t)(c - 2) * v->spc;
}

/* --- walking a chain ---------------------------------------------------- */

/* A chain walk is a directory cursor without the index. */
typedef struct vx_fat_dircur walk_t;

/* Starts a walk at first, which must be a cluster in use; 0 or CORRUPT. */
static int walk_begin(struct vx_fat *v, walk_t *w, uint32_t first)
{
	uint32_t val;
	int rc;

	if (!in_range(v, first))
		return VX_E_CORRUPT;
	rc = fat_get(v, first, &val);
	if (rc)
		return rc;
	if (val == 0 || val == BAD)
		return VX_E_CORRUPT;
	w->first = first;
	w->clus = first;
	w->cidx = 0;
	w->mark = first;
	w->power = 1;
	w->lam = 0;
	w->steps = 0;
	w->started = true;
	return 0;
}

/*
 * Follows one link: 1 moved, 0 at the end of the chain, VX_E_CORRUPT for a
 * link out of range, to a free or bad cluster, or round a loop (Brent's
 * cycle finding, and never more links than there are clusters).
 */
static int walk_next(struct vx_fat *v, walk_t *w)
{
	uint32_t nx, after;
	int rc = fat_get(v, w->clus, &nx);

	if (rc)
		return rc;
	if (nx >= EOC_MIN)
		return 0;
	if (!in_range(v, nx) || nx == w->mark || ++w->steps > v->nclusters)
		return VX_E_CORRUPT;
	rc = fat_get(v, nx, &after);
	if (rc)
		return rc;
	if (after == 0 || after == BAD)
		return VX_E_CORRUPT;
	w->clus = nx;
	w->cidx++;
	if (++w->lam == w->power) {
		w->mark = nx;
		w->power <<= 1;
		w->lam = 0;
	}
	return 1;
}

/* Walks n links from the start of w; CORRUPT if the chain is shorter. */
static int walk_skip(struct vx_fat *v, walk_t *w, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		int rc = walk_next(v, w);
		if (rc <= 0)
			return rc == 0 ? VX_E_CORRUPT : rc;
	}
	return 0;
}

/* Counts the free clusters into v->free_count. */
static int count_free(struct vx_fat *v)
{
	uint32_t n = 0, val;

	for (uint32_t c = 2; c <= v->nclusters + 1; c++) {
		int rc = fat_get(v, c, &val);
		if (rc)
			return rc;
		n += val == 0;
	}
	v->free_count = n;
	return 0;
}

/* Takes a free cluster, marks it the end of a chain; VX_E_NOMEM if none. */
static int alloc_one(struct vx_fat *v, uint32_t *out)
{
	uint32_t c = in_range(v, v->next_free) ? v->next_free : 2, val;

	if (v->free_count == 0)
		return VX_E_NOMEM;
	for (uint32_t i = 0; i < v->nclusters; i++) {
		int rc = fat_get(v, c, &val);
		if (rc)
			return rc;
		if (val == 0) {
			rc = fat_set(v, c, EOC);
			if (rc)
				return rc;
			v->free_count--;
			v->next_free = c + 1 > v->nclusters + 1 ? 2 : c + 1;
			v->fsinfo_dirty = true;
			*out = c;
			return 0;
		}
		c = c + 1 > v->nclusters + 1 ? 2 : c + 1;
	}
	return VX_E_NOMEM;
}

/* Frees the chain from first to its end; CORRUPT if it meets a cluster
 * out of range or already free (a loop or a cross-link). */
static int free_chain(struct vx_fat *v, uint32_t first)
{
	uint32_t c = first, val;

	for (uint32_t steps = 0; steps <= v->nclusters; steps++) {
		int rc;
		if (!in_range(v, c))
			return VX_E_CORRUPT;
		rc = fat_get(v, c, &val);
		if (rc)
			return rc;
		if (val == 0)
			return VX_E_CORRUPT;
		rc = fat_set(v, c, 0);
		if (rc)
			return rc;
		v->free_count++;
		v->fsinfo_dirty = true;
		if (val >= EOC_MIN || val == BAD)
			return 0;
		c = val;
	}
	return VX_E_CORRUPT;
}

/* Writes zeros over cluster c. */
static int zero_cluster(struct vx_fat *v, uint32_t c)
{
	for (uint32_t i = 0; i < v->spc; i++) {
		int rc = dev_write(v, clus_lba(v, c) + i, 1, zero_sector);
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * Appends n new clusters after last (0: a new chain), the first of them
 * into *first.  All or nothing: on failure every cluster taken is freed
 * and last is the end again.
 */
static int chain_extend(struct vx_fat *v, uint32_t last, uint32_t n, uint32_t *first)
{
	uint32_t prev = last, head = 0, c;
	int rc = 0;

	for (uint32_t i = 0; i < n; i++) {
		rc = alloc_one(v, &c);
		if (rc)
			break;
		if (prev && (rc = fat_set(v, prev, c)) != 0) {
			free_chain(v, c);
			break;
		}
		if (!head)
			head = c;
		prev = c;
	}
	if (rc) {
		if (last)
			fat_set(v, last, EOC);
		if (head)
			free_chain(v, head);
		return rc;
	}
	*first = head;
	return 0;
}

/* --- directories -------------------------------------------------------- */

/*
 * Finds entry idx of the directory cur walks (cur->first): 1 with its
 * sector and offset, 0 past the end of the chain (cur->clus is then the
 * last cluster), or an error.  Moving forward reuses the walk.
 */
static int dir_locate(struct vx_fat *v, walk_t *cur, uint32_t idx, uint64_t *lba, uint16_t *off)
{
	uint32_t per = v->cbytes / ENT, want = idx / per, byte;
	int rc;

	if (idx >= VX_FAT_DIR_ENTRIES)
		return 0;
	if (!cur->started || want < cur->cidx) {
		rc = walk_begin(v, cur, cur->first);
		if (rc)
			return rc;
	}
	while (cur->cidx < want) {
		rc = walk_next(v, cur);
		if (rc <= 0)
			return rc;
	}
	byte = (idx % per) * ENT;
	*lba = clus_lba(v, cur->clus) + byte / VX_FAT_SECTOR;
	*off = (uint16_t)(byte % VX_FAT_SECTOR);
	return 1;
}

/* Entry idx into *ent (pointing into v->sec, valid until the next I/O);
 * 1, 0 past the end, or an error. */
static int dir_get(struct vx_fat *v, walk_t *cur, uint32_t idx, uint8_t **ent, uint64_t *lba,
		   uint16_t *off)
{
	int rc = dir_locate(v, cur, idx, lba, off);

	if (rc <= 0)
		return rc;
	rc = sec_load(v, *lba);
	if (rc)
		return rc;
	*ent = v->sec + *off;
	return 1;
}

/* Writes 32 bytes as entry idx of cur's directory. */
static int dir_put(struct vx_fat *v, walk_t *cur, uint32_t idx, const uint8_t *ent)
{
	uint64_t lba;
	uint16_t off;
	int rc = dir_locate(v, cur, idx, &lba, &off);

	if (rc <= 0)
		return rc == 0 ? VX_E_CORRUPT : rc;
	rc = sec_load(v, lba);
	if (rc)
		return rc;
	memcpy(v->sec + off, ent, ENT);
	return sec_store(v);
}

/* The checksum of an 8.3 name that its long-name entries carry. */
static uint8_t lfn_sum(const uint8_t *name)
{
	uint8_t s = 0;

	for (int i = 0; i < 11; i++)
		s = (uint8_t)(((s & 1) << 7) + (s >> 1) + name[i]);
	return s;
}

/* Where the 13 UTF-16 units of a long-name entry lie. */
static const uint8_t lfn_at[13] = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};

/* Appends code point c as UTF-8 to out[*n] (room checked by the caller). */
static void utf8_put(char *out, size_t *n, uint32_t c)
{
	if (c < 0x80) {
		out[(*n)++] = (char)c;
	} else if (c < 0x800) {
		out[(*n)++] = (char)(0xC0 | c >> 6);
		out[(*n)++] = (char)(0x80 | (c & 0x3F));
	} else if (c < 0x10000) {
		out[(*n)++] = (char)(0xE0 | c >> 12);
		out[(*n)++] = (char)(0x80 | (c >> 6 & 0x3F));
		out[(*n)++] = (char)(0x80 | (c & 0x3F));
	} else {
		out[(*n)++] = (char)(0xF0 | c >> 18);
		out[(*n)++] = (char)(0x80 | (c >> 12 & 0x3F));
		out[(*n)++] = (char)(0x80 | (c >> 6 & 0x3F));
		out[(*n)++] = (char)(0x80 | (c & 0x3F));
	}
}

/* True if code point c may not appear in a name. */
static bool bad_char(uint32_t c)
{
	return c < 0x20 || c == 0x7F || c == '"' || c == '*' || c == '/' || c == ':' || c == '<' ||
	       c == '>' || c == '?' || c == '\\' || c == '|';
}

/* The long name in v->lfn (n units, NUL-ended or not) as UTF-8 into out;
 * false if it is empty, too long, or holds a lone surrogate or a character
 * a name may not have. */
static bool lfn_to_utf8(const struct vx_fat *v, uint32_t n, char *out)
{
	size_t len = 0;
	uint32_t i;

	for (i = 0; i < n && v->lfn[i]; i++) {
		uint32_t c = v->lfn[i];
		if (i >= VX_FAT_NAME_MAX)
			return false;
		if (c >= 0xD800 && c <= 0xDBFF) {
			if (i + 1 >= n || i + 1 >= VX_FAT_NAME_MAX || v->lfn[i + 1] < 0xDC00 ||
			    v->lfn[i + 1] > 0xDFFF)
				return false;
			c = 0x10000 + ((c - 0xD800) << 10) + (v->lfn[++i] - 0xDC00);
		} else if (c >= 0xDC00 && c <= 0xDFFF) {
			return false;
		}
		if (bad_char(c))
			return false;
		utf8_put(out, &len, c);
	}
	if (i == 0)
		return false;
	out[len] = 0;
	return true;
}

/* The 8.3 name of entry d as "NAME.EXT", case bits applied, into out[13];
 * false if it holds a control byte.  A byte a name may not hold (DEL, '/',
 * ':', '*'... which another system's bug or a hostile disk may put there)
 * reads as '_', as a byte above ASCII does: so the name prints as it is
 * stored nowhere else, and a path can still reach the file. */
static bool short_to_str(const uint8_t *d, char *out)
{
	size_t n = 0;
	int bl = 8, el = 3;

	while (bl > 0 && d[bl - 1] == ' ')
		bl--;
	while (el > 0 && d[8 + el - 1] == ' ')
		el--;
	for (int i = 0; i < 11; i++) {
		if (d[i] < 0x20 && !(i == 0 && d[i] == 0x05))
			return false;
	}
	for (int i = 0; i < bl + el; i++) {
		int k = i < bl ? i : 8 + i - bl;
		uint8_t c = d[k];
		if (i == bl)
			out[n++] = '.';
		if (c >= 0x80 || (k == 0 && c == 0x05) || bad_char(c))
			c = '_';
		if (c >= 'A' && c <= 'Z' && (d[12] & (k < 8 ? 0x08 : 0x10)))
			c = (uint8_t)(c + 32);
		out[n++] = (char)c;
	}
	if (bl == 0 && el > 0)
		out[n++] = '.';
	out[n] = 0;
	return n > 0;
}

/*
 * The next live entry of cur's directory, long name assembled: 1 with *e
 * filled, 0 at the end, VX_E_CORRUPT for a garbage 8.3 entry.  Long-name
 * entries out of order or with the wrong checksum are dropped.
 */
static int dir_next(struct vx_fat *v, walk_t *cur, struct vx_fat_dirent *e)
{
	uint32_t ord = 0, nunits = 0, lfn_start = 0;
	uint8_t sum = 0;

	for (;; cur->index++) {
		uint8_t *d = NULL;
		uint64_t lba = 0;
		uint16_t off = 0;
		int rc = dir_get(v, cur, cur->index, &d, &lba, &off);
		if (rc <= 0)
			return rc;
		if (d[0] == 0)
			return 0;
		if (d[0] == FREE_ENT) {
			ord = 0;
			continue;
		}
		if ((d[11] & 0x3F) == LFN_ATTR) {
			uint32_t o = d[0] & 0x1F;
			if (d[0] & 0x40) {
				ord = o;
				sum = d[13];
				nunits = o * 13;
				lfn_start = cur->index;
			} else if (ord > 1 && o == ord - 1 && d[13] == sum) {
				ord = o;
			} else {
				ord = 0;
			}
			if (o == 0 || o > 20 || d[12] != 0 || le16(d + 26) != 0)
				ord = 0;
			for (int i = 0; ord && i < 13; i++)
				v->lfn[(o - 1) * 13 + i] = le16(d + lfn_at[i]);
			continue;
		}
		if ((d[11] & VX_FAT_VOLID) || d[0] == '.') {
			ord = 0;
			continue;
		}
		uint32_t first = (uint32_t)le16(d + 20) << 16 | le16(d + 26);
		if (!short_to_str(d, e->short_name) || (first && !in_range(v, first)) ||
		    (!first && ((d[11] & VX_FAT_DIR) || le32(d + 28))))
			return VX_E_CORRUPT;
		e->node.first = first;
		e->node.attr = d[11];
		e->node.size = (d[11] & VX_FAT_DIR) ? 0 : le32(d + 28);
		e->node.root = false;
		e->node.parent = cur->first;
		e->node.index = cur->index;
		e->node.ent_lba = lba;
		e->node.ent_off = off;
		bool lfn_ok = ord == 1 && sum == lfn_sum(d);
		e->node.lfn_index = lfn_ok ? lfn_start : cur->index;
		if (!lfn_ok || !lfn_to_utf8(v, nunits, e->name))
			memcpy(e->name, e->short_name, sizeof(e->short_name));
		cur->index++;
		return 1;
	}
}

/* --- names and paths ---------------------------------------------------- */

/*
 * A path component (s, n bytes of UTF-8) into v->name16; its length in
 * units, VX_E_INVAL for bad UTF-8 or a name a file may not have,
 * VX_E_TOOBIG past 255 units.
 */
static int name_to_16(struct vx_fat *v, const char *s, size_t n)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t u = 0;

	if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.') ||
	    s[n - 1] == ' ' || s[n - 1] == '.')
		return VX_E_INVAL;
	for (size_t i = 0; i < n;) {
		uint32_t c = p[i], need, min;
		if (c < 0x80)
			need = 0, min = 0;
		else if ((c & 0xE0) == 0xC0)
			need = 1, min = 0x80, c &= 0x1F;
		else if ((c & 0xF0) == 0xE0)
			need = 2, min = 0x800, c &= 0x0F;
		else if ((c & 0xF8) == 0xF0)
			need = 3, min = 0x10000, c &= 0x07;
		else
			return VX_E_INVAL;
		if (n - i - 1 < need)
			return VX_E_INVAL;
		for (uint32_t k = 1; k <= need; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return VX_E_INVAL;
			c = c << 6 | (p[i + k] & 0x3F);
		}
		i += need + 1;
		if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF) || bad_char(c))
			return VX_E_INVAL;
		if (u + (c >= 0x10000 ? 2 : 1) > VX_FAT_NAME_MAX)
			return VX_E_TOOBIG;
		if (c >= 0x10000) {
			v->name16[u++] = (uint16_t)(0xD800 + ((c - 0x10000) >> 10));
			v->name16[u++] = (uint16_t)(0xDC00 + ((c - 0x10000) & 0x3FF));
		} else {
			v->name16[u++] = (uint16_t)c;
		}
	}
	return (int)u;
}

/* ASCII case-insensitive comparison of s (n bytes) with NUL-ended t. */
static bool name_eq(const char *s, size_t n, const char *t)
{
	for (size_t i = 0; i < n; i++) {
		char a = s[i], b = t[i];
		if (b == 0)
			return false;
		if (a >= 'a' && a <= 'z')
			a = (char)(a - 32);
		if (b >= 'a' && b <= 'z')
			b = (char)(b - 32);
		if (a != b)
			return false;
	}
	return t[n] == 0;
}

/* Finds name (n bytes) in directory dir into v->scratch; 0, NOTFOUND or
 * an error. */
static int find_in_dir(struct vx_fat *v, const struct vx_fat_node *dir, const char *name, size_t n)
{
	walk_t cur = {.first = dir->first};
	int rc;

	while ((rc = dir_next(v, &cur, &v->scratch)) == 1) {
		if (name_eq(name, n, v->scratch.name) || name_eq(name, n, v->scratch.short_name))
			return 0;
	}
	return rc == 0 ? VX_E_NOTFOUND : rc;
}

void vx_fat_root(const struct vx_fat *v, struct vx_fat_node *n)
{
	memset(n, 0, sizeof(*n));
	n->first = v->root;
	n->attr = VX_FAT_DIR;
	n->root = true;
}

/* The next component of *p: its start and length (0 at the end). */
static size_t next_comp(const char **p, const char **s)
{
	size_t n = 0;

	while (**p == '/')
		(*p)++;
	*s = *p;
	while ((*p)[n] && (*p)[n] != '/')
		n++;
	*p += n;
	return n;
}

/*
 * Resolves path into *n; with leaf, stops before the last component and
 * returns it (checked as a name, converted into v->name16) through leaf
 * and leaf_n.  The errors of vx_fat_lookup.
 */
static int walk_path(struct vx_fat *v, const char *path, struct vx_fat_node *n, const char **leaf,
		     size_t *leaf_n)
{
	const char *p = path, *s;
	size_t len, depth = 0;
	int rc;

	for (len = 0; path[len]; len++) {
		if (len == VX_FAT_PATH_MAX)
			return VX_E_TOOBIG;
	}
	while ((len = next_comp(&p, &s)) != 0) {
		if (++depth > VX_FAT_DEPTH_MAX)
			return VX_E_DEPTH;
		rc = name_to_16(v, s, len);
		if (rc < 0)
			return rc;
	}
	if (leaf && depth == 0)
		return VX_E_INVAL;
	vx_fat_root(v, n);
	p = path;
	for (size_t i = 0; i < depth; i++) {
		len = next_comp(&p, &s);
		if (!(n->attr & VX_FAT_DIR))
			return VX_E_TYPE;
		if (leaf && i == depth - 1) {
			*leaf = s;
			*leaf_n = len;
			return 0;
		}
		rc = find_in_dir(v, n, s, len);
		if (rc)
			return rc;
		*n = v->scratch.node;
	}
	return 0;
}

int vx_fat_lookup(struct vx_fat *v, const char *path, struct vx_fat_node *n)
{
	return walk_path(v, path, n, NULL, NULL);
}

int vx_fat_readdir(struct vx_fat *v, const struct vx_fat_node *dir, struct vx_fat_dircur *cur,
		   struct vx_fat_dirent *e)
{
	if (!(dir->attr & VX_FAT_DIR))
		return VX_E_TYPE;
	if (!cur->started && cur->index == 0)
		cur->first = dir->first;
	if (cur->first != dir->first)
		return VX_E_INVAL;
	return dir_next(v, cur, e);
}

/* --- 8.3 aliases -------------------------------------------------------- */

/* True if c (ASCII) may stand in an 8.3 name as it is. */
static bool short_ok(uint16_t c)
{
	const char *extra = "$%'-_@~`!(){}^#&";

	if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	for (const char *x = extra; *x; x++) {
		if (c == (uint16_t)*x)
			return true;
	}
	return false;
}

/*
 * The basis 8.3 name of v->name16 (n units) into sn[11]; *lossy if a
 * character was replaced or dropped or a part was cut, *exact if the name
 * is that 8.3 name already (no long-name entry needed).
 */
static void short_basis(const struct vx_fat *v, int n, uint8_t *sn, bool *lossy, bool *exact)
{
	int k = 0, dot = -1, bl = 0, el = 0;
	bool lowered = false;

	memset(sn, ' ', 11);
	*lossy = false;
	while (k < n && v->name16[k] == '.')
		k++;
	for (int i = k; i < n; i++) {
		if (v->name16[i] == '.')
			dot = i;
	}
	for (int i = k; i < n; i++) {
		uint16_t c = v->name16[i];
		bool ext = dot >= 0 && i > dot;
		if (i == dot)
			continue;
		if (c == ' ' || (c == '.' && !ext)) {
			*lossy = true;
			continue;
		}
		if (c >= 'a' && c <= 'z') {
			c = (uint16_t)(c - 32);
			lowered = true;
		} else if (!short_ok(c)) {
			c = '_';
			*lossy = true;
		}
		if (ext ? el >= 3 : bl >= 8) {
			*lossy = true;
			continue;
		}
		sn[ext ? 8 + el++ : bl++] = (uint8_t)c;
	}
	if (bl == 0) {
		sn[0] = '_';
		*lossy = true;
	}
	*exact = !*lossy && !lowered && k == 0 && (dot < 0 || el > 0);
}

/* Writes "~N" into sn after as much of the base as fits. */
static void short_tail(uint8_t *sn, uint32_t num)
{
	char t[8];
	int tl = 0, bl = 0;

	for (uint32_t x = num; x; x /= 10)
		t[tl++] = (char)('0' + x % 10);
	t[tl++] = '~';
	while (bl < 8 && sn[bl] != ' ')
		bl++;
	if (bl > 8 - tl)
		bl = 8 - tl;
	for (int i = 0; i < tl; i++)
		sn[bl + i] = (uint8_t)t[tl - 1 - i];
	for (int i = bl + tl; i < 8; i++)
		sn[i] = ' ';
}

/* 1 if some entry of directory dir has 8.3 name sn, 0 if none, or an error. */
static int short_taken(struct vx_fat *v, uint32_t dir, const uint8_t *sn)
{
	walk_t cur = {.first = dir};

	for (uint32_t i = 0;; i++) {
		uint8_t *d = NULL;
		uint64_t lba = 0;
		uint16_t off = 0;
		int rc = dir_get(v, &cur, i, &d, &lba, &off);
		if (rc <= 0 || d[0] == 0)
			return rc < 0 ? rc : 0;
		if (d[0] != FREE_ENT && (d[11] & 0x3F) != LFN_ATTR && memcmp(d, sn, 11) == 0)
			return 1;
	}
}

/* Picks a free 8.3 alias for v->name16 into sn; 0, VX_E_FULL if 64 tries
 * all collide, or an error. */
static int short_pick(struct vx_fat *v, uint32_t dir, int n, uint8_t *sn, bool *exact)
{
	bool lossy;
	uint32_t h = 0;
	int rc;

	short_basis(v, n, sn, &lossy, exact);
	if (*exact)
		return 0;
	if (!lossy) {
		rc = short_taken(v, dir, sn);
		if (rc <= 0)
			return rc;
	}
	for (int i = 0; i < n; i++)
		h = h * 31 + v->name16[i];
	for (uint32_t t = 0; t < 64; t++) {
		short_tail(sn, t < 4 ? t + 1 : 5 + (h + t * 40503u) % 99995u);
		rc = short_taken(v, dir, sn);
		if (rc <= 0)
			return rc;
	}
	return VX_E_FULL;
}

/* --- creating and removing entries -------------------------------------- */

/*
 * Finds need consecutive free entries in directory dir, growing it by
 * zeroed clusters when the chain ends; the first index into *at.
 * VX_E_FULL past 65536 entries, VX_E_NOMEM when no cluster is left.
 */
static int dir_room(struct vx_fat *v, uint32_t dir, uint32_t need, uint32_t *at)
{
	walk_t cur = {.first = dir};
	uint32_t run = 0, c;
	bool end = false;

	for (uint32_t i = 0; i < VX_FAT_DIR_ENTRIES; i++) {
		uint8_t *d = NULL;
		uint64_t lba = 0;
		uint16_t off = 0;
		int rc = dir_get(v, &cur, i, &d, &lba, &off);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			rc = chain_extend(v, cur.clus, 1, &c);
			if (rc == 0)
				rc = zero_cluster(v, c);
			if (rc)
				return rc;
			i--;
			continue;
		}
		end = end || d[0] == 0;
		run = (end || d[0] == FREE_ENT) ? run + 1 : 0;
		if (run == need) {
			*at = i + 1 - need;
			return 0;
		}
	}
	return VX_E_FULL;
}

/* Stamps the write (and with create, creation) date and time on entry d. */
static void stamp(const struct vx_fat *v, uint8_t *d, bool create)
{
	uint16_t date = v->date ? v->date : 0x21;

	if (create) {
		d[13] = 0;
		put16(d + 14, v->time);
		put16(d + 16, date);
	}
	put16(d + 18, date);
	put16(d + 22, v->time);
	put16(d + 24, date);
}

/*
 * Makes the entries of a new name at path: long-name entries when needed,
 * then the 8.3 entry, built from tmpl (32 bytes: attributes, times,
 * cluster, size) or fresh with attr and first.  *n describes it.  An
 * existing entry of that name is VX_E_EXISTS unless its index is self
 * (a rename that changes only the case).
 */
static int make_entry(struct vx_fat *v, const char *path, const uint8_t *tmpl, uint8_t attr,
		      uint32_t first, uint32_t self, struct vx_fat_node *n)
{
	struct vx_fat_node dir;
	const char *leaf;
	size_t leaf_n;
	uint8_t d[ENT], sn[11];
	uint32_t at, nl;
	bool exact;
	int rc = walk_path(v, path, &dir, &leaf, &leaf_n), units;

	if (rc)
		return rc;
	rc = find_in_dir(v, &dir, leaf, leaf_n);
	if (rc == 0 && v->scratch.node.index != self)
		return VX_E_EXISTS;
	if (rc && rc != VX_E_NOTFOUND)
		return rc;
	units = name_to_16(v, leaf, leaf_n);
	if (units < 0)
		return units;
	rc = short_pick(v, dir.first, units, sn, &exact);
	if (rc)
		return rc;
	nl = exact ? 0 : ((uint32_t)units + 12) / 13;
	rc = dir_room(v, dir.first, nl + 1, &at);
	if (rc)
		return rc;
	walk_t cur = {.first = dir.first};
	for (uint32_t i = 0; i < nl; i++) {
		uint32_t o = nl - i;
		memset(d, 0, ENT);
		d[0] = (uint8_t)(o | (i == 0 ? 0x40 : 0));
		d[11] = LFN_ATTR;
		d[13] = lfn_sum(sn);
		for (uint32_t k = 0; k < 13; k++) {
			uint32_t u = (o - 1) * 13 + k;
			uint16_t c = u < (uint32_t)units    ? v->name16[u]
				     : u == (uint32_t)units ? 0
							    : 0xFFFF;
			put16(d + lfn_at[k], c);
		}
		rc = dir_put(v, &cur, at + i, d);
		if (rc)
			return rc;
	}
	if (tmpl) {
		memcpy(d, tmpl, ENT);
		d[12] = 0;
	} else {
		memset(d, 0, ENT);
		d[11] = attr;
		put16(d + 20, (uint16_t)(first >> 16));
		put16(d + 26, (uint16_t)first);
		stamp(v, d, true);
	}
	memcpy(d, sn, 11);
	rc = dir_put(v, &cur, at + nl, d);
	if (rc)
		return rc;
	rc = dir_locate(v, &cur, at + nl, &n->ent_lba, &n->ent_off);
	if (rc <= 0)
		return rc == 0 ? VX_E_CORRUPT : rc;
	n->first = (uint32_t)le16(d + 20) << 16 | le16(d + 26);
	n->attr = d[11];
	n->size = (d[11] & VX_FAT_DIR) ? 0 : le32(d + 28);
	n->root = false;
	n->parent = dir.first;
	n->lfn_index = at;
	n->index = at + nl;
	return 0;
}

int vx_fat_create(struct vx_fat *v, const char *path, struct vx_fat_node *n)
{
	return make_entry(v, path, NULL, VX_FAT_ARCH, 0, UINT32_MAX, n);
}

int vx_fat_mkdir(struct vx_fat *v, const char *path)
{
	struct vx_fat_node n, parent;
	uint8_t d[ENT];
	const char *leaf;
	size_t leaf_n;
	uint32_t c;
	int rc = walk_path(v, path, &parent, &leaf, &leaf_n);

	if (rc == 0)
		rc = chain_extend(v, 0, 1, &c);
	if (rc)
		return rc;
	rc = zero_cluster(v, c);
	walk_t cur = {.first = c};
	for (int i = 0; rc == 0 && i < 2; i++) {
		uint32_t to = i == 0 ? c : parent.root ? 0 : parent.first;
		memset(d, 0, ENT);
		memset(d, ' ', 11);
		memset(d, '.', (size_t)i + 1);
		d[11] = VX_FAT_DIR;
		put16(d + 20, (uint16_t)(to >> 16));
		put16(d + 26, (uint16_t)to);
		stamp(v, d, true);
		rc = dir_put(v, &cur, (uint32_t)i, d);
	}
	if (rc == 0)
		rc = make_entry(v, path, NULL, VX_FAT_DIR, c, UINT32_MAX, &n);
	if (rc)
		free_chain(v, c);
	return rc;
}

/* Marks entries from..to of directory dir deleted. */
static int dir_kill(struct vx_fat *v, uint32_t dir, uint32_t from, uint32_t to)
{
	walk_t cur = {.first = dir};

	for (uint32_t i = from; i <= to; i++) {
		uint64_t lba = 0;
		uint16_t off = 0;
		int rc = dir_locate(v, &cur, i, &lba, &off);
		if (rc <= 0)
			return rc == 0 ? VX_E_CORRUPT : rc;
		rc = sec_load(v, lba);
		if (rc)
			return rc;
		v->sec[off] = FREE_ENT;
		rc = sec_store(v);
		if (rc)
			return rc;
	}
	return 0;
}

int vx_fat_unlink(struct vx_fat *v, const char *path)
{
	struct vx_fat_node n;
	int rc = vx_fat_lookup(v, path, &n);

	if (rc)
		return rc;
	if (n.root)
		return VX_E_INVAL;
	if (n.attr & VX_FAT_DIR) {
		walk_t cur = {.first = n.first};
		rc = dir_next(v, &cur, &v->scratch);
		if (rc)
			return rc > 0 ? VX_E_BUSY : rc;
	}
	rc = dir_kill(v, n.parent, n.lfn_index, n.index);
	if (rc == 0 && n.first)
		rc = free_chain(v, n.first);
	return rc;
}

int vx_fat_rename(struct vx_fat *v, const char *from, const char *to)
{
	struct vx_fat_node a, b, dir;
	const char *leaf;
	size_t leaf_n;
	uint8_t tmpl[ENT];
	int rc = vx_fat_lookup(v, from, &a);

	if (rc)
		return rc;
	if (a.root)
		return VX_E_INVAL;
	rc = walk_path(v, to, &dir, &leaf, &leaf_n);
	if (rc)
		return rc;
	if (dir.first != a.parent)
		return VX_E_INVAL;
	rc = sec_load(v, a.ent_lba);
	if (rc)
		return rc;
	memcpy(tmpl, v->sec + a.ent_off, ENT);
	rc = make_entry(v, to, tmpl, 0, 0, a.index, &b);
	if (rc)
		return rc;
	return dir_kill(v, a.parent, a.lfn_index, a.index);
}

/* --- file data ---------------------------------------------------------- */

/*
 * Moves count bytes at pos of the chain from first: into rd, or from wr,
 * or zeros when both are NULL.  The chain must already be long enough
 * (VX_E_CORRUPT if it is not).  Whole sectors go straight between the
 * caller's buffer and the device.
 */
static int span(struct vx_fat *v, uint32_t first, uint32_t pos, uint32_t count, uint8_t *rd,
		const uint8_t *wr)
{
	walk_t w;
	uint32_t in = pos % v->cbytes;
	int rc = walk_begin(v, &w, first);

	if (rc == 0)
		rc = walk_skip(v, &w, pos / v->cbytes);
	while (rc == 0 && count) {
		uint64_t lba = clus_lba(v, w.clus) + in / VX_FAT_SECTOR;
		uint32_t so = in % VX_FAT_SECTOR, chunk;
		if (so == 0 && count >= VX_FAT_SECTOR && (rd || wr)) {
			uint32_t ns = (v->cbytes - in) / VX_FAT_SECTOR;
			if (ns > count / VX_FAT_SECTOR)
				ns = count / VX_FAT_SECTOR;
			chunk = ns * VX_FAT_SECTOR;
			rc = rd ? dev_read(v, lba, ns, rd) : dev_write(v, lba, ns, wr);
		} else {
			chunk = VX_FAT_SECTOR - so < count ? VX_FAT_SECTOR - so : count;
			if (so == 0 && chunk == VX_FAT_SECTOR) {
				rc = dev_write(v, lba, 1, zero_sector);
			} else {
				rc = sec_load(v, lba);
				if (rc == 0 && rd)
					memcpy(rd, v->sec + so, chunk);
				if (rc == 0 && !rd) {
					if (wr)
						memcpy(v->sec + so, wr, chunk);
					else
						memset(v->sec + so, 0, chunk);
					rc = sec_store(v);
				}
			}
		}
		if (rd)
			rd += chunk;
		if (wr)
			wr += chunk;
		count -= chunk;
		in += chunk;
		if (rc == 0 && count && in == v->cbytes) {
			rc = walk_next(v, &w);
			rc = rc == 0 ? VX_E_CORRUPT : rc < 0 ? rc : 0;
			in = 0;
		}
	}
	return rc;
}

long vx_fat_read(struct vx_fat *v, const struct vx_fat_node *n, uint32_t off, void *buf,
		 uint32_t len)
{
	int rc;

	if (n->attr & VX_FAT_DIR)
		return VX_E_TYPE;
	if (off >= n->size || len == 0)
		return 0;
	if (len > n->size - off)
		len = n->size - off;
	rc = span(v, n->first, off, len, buf, NULL);
	return rc ? rc : (long)len;
}

/* Writes n's first cluster, size and write time into its 8.3 entry. */
static int node_store(struct vx_fat *v, const struct vx_fat_node *n)
{
	uint8_t *d = NULL;
	int rc = sec_load(v, n->ent_lba);

	if (rc)
		return rc;
	d = v->sec + n->ent_off;
	put16(d + 20, (uint16_t)(n->first >> 16));
	put16(d + 26, (uint16_t)n->first);
	put32(d + 28, n->size);
	d[11] |= VX_FAT_ARCH;
	stamp(v, d, false);
	return sec_store(v);
}

/*
 * Makes n's chain hold at least need clusters; the last cluster before
 * the new ones into *tail (0 if the file had none).  All or nothing.
 */
static int grow(struct vx_fat *v, struct vx_fat_node *n, uint32_t need)
{
	walk_t w;
	uint32_t have = 0, head;
	int rc = 0;

	if (n->first) {
		rc = walk_begin(v, &w, n->first);
		have = 1;
		while (rc == 0 && have < need) {
			rc = walk_next(v, &w);
			if (rc == 1)
				have++;
			else if (rc == 0)
				break;
			rc = rc < 0 ? rc : 0;
		}
		if (rc)
			return rc;
	}
	if (have >= need)
		return 0;
	rc = chain_extend(v, n->first ? w.clus : 0, need - have, &head);
	if (rc == 0 && !n->first)
		n->first = head;
	return rc;
}

/* vx_fat_write, with buf NULL meaning zeros. */
static long write_at(struct vx_fat *v, struct vx_fat_node *n, uint32_t off, const uint8_t *buf,
		     uint32_t len)
{
	uint64_t end = (uint64_t)off + len;
	uint32_t need, old_first = n->first;
	int rc;

	if (n->attr & VX_FAT_DIR)
		return VX_E_TYPE;
	if (n->root)
		return VX_E_INVAL;
	if (end > VX_FAT_FILE_MAX)
		return VX_E_TOOBIG;
	if (len == 0)
		return 0;
	need = (uint32_t)((end + v->cbytes - 1) / v->cbytes);
	rc = grow(v, n, need);
	if (rc)
		return rc;
	if (off > n->size)
		rc = span(v, n->first, n->size, off - n->size, NULL, NULL);
	if (rc == 0)
		rc = span(v, n->first, off, len, NULL, buf);
	if (rc) {
		if (!old_first && n->first) {
			free_chain(v, n->first);
			n->first = 0;
		}
		return rc;
	}
	if (end > n->size)
		n->size = (uint32_t)end;
	rc = node_store(v, n);
	return rc ? rc : (long)len;
}

long vx_fat_write(struct vx_fat *v, struct vx_fat_node *n, uint32_t off, const void *buf,
		  uint32_t len)
{
	if (!buf && len)
		return VX_E_INVAL;
	return write_at(v, n, off, buf, len);
}

int vx_fat_truncate(struct vx_fat *v, struct vx_fat_node *n, uint32_t size)
{
	uint32_t keep, nx, drop;
	walk_t w;
	int rc;

	if (n->attr & VX_FAT_DIR)
		return VX_E_TYPE;
	if (size > n->size) {
		long r = write_at(v, n, n->size, NULL, size - n->size);
		return r < 0 ? (int)r : 0;
	}
	keep = (uint32_t)(((uint64_t)size + v->cbytes - 1) / v->cbytes);
	drop = n->first;
	if (keep && n->first) {
		rc = walk_begin(v, &w, n->first);
		if (rc == 0)
			rc = walk_skip(v, &w, keep - 1);
		if (rc == 0)
			rc = fat_get(v, w.clus, &nx);
		if (rc)
			return rc;
		drop = nx >= EOC_MIN ? 0 : nx;
		if (drop && (rc = fat_set(v, w.clus, EOC)) != 0)
			return rc;
	} else {
		n->first = 0;
	}
	n->size = size;
	rc = node_store(v, n);
	if (rc == 0 && drop)
		rc = free_chain(v, drop);
	return rc;
}

/* --- the volume --------------------------------------------------------- */

int vx_fat_free(struct vx_fat *v, uint32_t *clusters, uint64_t *bytes)
{
	if (v->free_count > v->nclusters) {
		int rc = count_free(v);
		if (rc)
			return rc;
	}
	*clusters = v->free_count;
	*bytes = (uint64_t)v->free_count * v->cbytes;
	return 0;
}

int vx_fat_sync(struct vx_fat *v)
{
	int rc = fat_flush(v);

	if (rc == 0 && v->fsinfo_lba && v->fsinfo_dirty) {
		rc = sec_load(v, v->fsinfo_lba);
		if (rc == 0) {
			put32(v->sec + 488, v->free_count);
			put32(v->sec + 492, v->next_free);
			rc = sec_store(v);
		}
		if (rc == 0)
			v->fsinfo_dirty = false;
	}
	if (rc == 0 && v->dev.flush)
		rc = v->dev.flush(v->dev.ctx);
	return rc;
}

static const char *const why_str[VX_FAT_WHY_COUNT] = {
    [VX_FAT_OK] = "a FAT32 volume",
    [VX_FAT_IO] = "the device could not be read",
    [VX_FAT_BAD_SIGNATURE] = "no 55 AA signature at the end of the boot sector",
    [VX_FAT_BAD_JUMP] = "the boot sector does not start with a jump",
    [VX_FAT_BAD_SECTOR_SIZE] = "bytes per sector is not 512",
    [VX_FAT_BAD_CLUSTER_SIZE] = "sectors per cluster is not a power of two up to 128",
    [VX_FAT_BAD_RESERVED] = "no reserved sectors",
    [VX_FAT_BAD_NUM_FATS] = "the number of FATs (or the active FAT) is not 1 or 2",
    [VX_FAT_BAD_MEDIA] = "the media byte is not F0 or F8..FF",
    [VX_FAT_NOT_FAT32] = "FAT12/FAT16 fields are set (root entries, 16-bit sizes)",
    [VX_FAT_FAT12] = "fewer than 4085 clusters: a FAT12 volume",
    [VX_FAT_FAT16] = "fewer than 65525 clusters: a FAT16 volume",
    [VX_FAT_BAD_VERSION] = "the FAT32 version is not 0.0",
    [VX_FAT_BAD_TOTAL] = "the sector count is 0 or leaves no data region",
    [VX_FAT_TOO_BIG] = "the volume is larger than the device",
    [VX_FAT_BAD_FAT_SIZE] = "the FAT is too small for the clusters",
    [VX_FAT_TOO_MANY_CLUSTERS] = "more clusters than 28-bit entries can name",
    [VX_FAT_BAD_ROOT] = "the root directory's cluster is out of range or free",
    [VX_FAT_BAD_FSINFO_SECTOR] = "the FSInfo sector lies outside the reserved area",
};

const char *vx_fat_why_str(enum vx_fat_why why)
{
	if ((unsigned)why >= VX_FAT_WHY_COUNT)
		return "unknown";
	return why_str[why];
}

/* Records why mount refused and returns err. */
static int refuse(struct vx_fat *v, enum vx_fat_why why, int err)
{
	v->why = why;
	return err;
}

/* Checks the BPB in v->sec and derives the geometry; 0 or a refusal. */
static int check_bpb(struct vx_fat *v)
{
	const uint8_t *b = v->sec;
	uint32_t spc = b[13], rsvd = le16(b + 14), nf = b[16], tot = le32(b + 32);
	uint32_t fsz = le32(b + 36), flags = le16(b + 40), fsi = le16(b + 48);
	uint64_t data;

	if (b[510] != 0x55 || b[511] != 0xAA)
		return refuse(v, VX_FAT_BAD_SIGNATURE, VX_E_CORRUPT);
	if (!(b[0] == 0xE9 || (b[0] == 0xEB && b[2] == 0x90)))
		return refuse(v, VX_FAT_BAD_JUMP, VX_E_CORRUPT);
	if (le16(b + 11) != VX_FAT_SECTOR)
		return refuse(v, VX_FAT_BAD_SECTOR_SIZE, VX_E_CORRUPT);
	if (spc == 0 || (spc & (spc - 1)))
		return refuse(v, VX_FAT_BAD_CLUSTER_SIZE, VX_E_CORRUPT);
	if (rsvd == 0)
		return refuse(v, VX_FAT_BAD_RESERVED, VX_E_CORRUPT);
	if (nf < 1 || nf > 2)
		return refuse(v, VX_FAT_BAD_NUM_FATS, VX_E_CORRUPT);
	if (b[21] != 0xF0 && b[21] < 0xF8)
		return refuse(v, VX_FAT_BAD_MEDIA, VX_E_CORRUPT);
	if (le16(b + 17) || le16(b + 19) || le16(b + 22))
		return refuse(v, VX_FAT_NOT_FAT32, VX_E_TYPE);
	if (le16(b + 42))
		return refuse(v, VX_FAT_BAD_VERSION, VX_E_CORRUPT);
	data = rsvd + (uint64_t)nf * fsz;
	if (tot == 0 || fsz == 0 || data >= tot)
		return refuse(v, VX_FAT_BAD_TOTAL, VX_E_CORRUPT);
	v->nclusters = (uint32_t)((tot - data) / spc);
	if (v->nclusters < 4085)
		return refuse(v, VX_FAT_FAT12, VX_E_TYPE);
	if (v->nclusters < 65525)
		return refuse(v, VX_FAT_FAT16, VX_E_TYPE);
	if (v->nclusters > 0x0FFFFFF5)
		return refuse(v, VX_FAT_TOO_MANY_CLUSTERS, VX_E_CORRUPT);
	if ((uint64_t)fsz * 128 < (uint64_t)v->nclusters + 2)
		return refuse(v, VX_FAT_BAD_FAT_SIZE, VX_E_CORRUPT);
	if (tot > v->dev.sectors)
		return refuse(v, VX_FAT_TOO_BIG, VX_E_RANGE);
	if ((flags & 0x80) && (flags & 0x0F) >= nf)
		return refuse(v, VX_FAT_BAD_NUM_FATS, VX_E_CORRUPT);
	if (fsi != 0 && fsi != 0xFFFF && fsi >= rsvd)
		return refuse(v, VX_FAT_BAD_FSINFO_SECTOR, VX_E_CORRUPT);
	v->spc = spc;
	v->cbytes = spc * VX_FAT_SECTOR;
	v->fat_lba = rsvd;
	v->fat_size = fsz;
	v->fat_active = (flags & 0x80) ? (flags & 0x0F) : 0;
	v->nfats = (flags & 0x80) ? 1 : nf;
	v->data_lba = (uint32_t)data;
	v->root = le32(b + 44);
	v->fsinfo_lba = (fsi == 0xFFFF) ? 0 : fsi;
	if (!in_range(v, v->root))
		return refuse(v, VX_FAT_BAD_ROOT, VX_E_CORRUPT);
	return 0;
}

/* Reads FSInfo's hints; a sector without its three signatures is not
 * used (nor written), and an implausible free count is recounted. */
static int read_fsinfo(struct vx_fat *v)
{
	const uint8_t *f = v->sec;
	int rc;

	v->free_count = UINT32_MAX;
	v->next_free = 2;
	if (v->fsinfo_lba) {
		rc = sec_load(v, v->fsinfo_lba);
		if (rc)
			return rc;
		if (le32(f) != 0x41615252 || le32(f + 484) != 0x61417272 ||
		    le32(f + 508) != 0xAA550000) {
			v->fsinfo_lba = 0;
		} else {
			v->free_count = le32(f + 488);
			v->next_free = le32(f + 492);
		}
	}
	if (!in_range(v, v->next_free))
		v->next_free = 2;
	if (v->free_count > v->nclusters)
		return count_free(v);
	return 0;
}

int vx_fat_mount(struct vx_fat *v, const struct vx_fat_dev *dev)
{
	uint32_t val;
	int rc;

	memset(v, 0, sizeof(*v));
	v->dev = *dev;
	v->sec_lba = UINT64_MAX;
	v->fat_cached = UINT32_MAX;
	if (!dev->read || !dev->write || dev->sectors == 0)
		return VX_E_INVAL;
	rc = sec_load(v, 0);
	if (rc)
		return refuse(v, VX_FAT_IO, rc);
	rc = check_bpb(v);
	if (rc)
		return rc;
	rc = fat_get(v, v->root, &val);
	if (rc)
		return refuse(v, VX_FAT_IO, rc);
	if (val == 0 || val == BAD)
		return refuse(v, VX_FAT_BAD_ROOT, VX_E_CORRUPT);
	rc = read_fsinfo(v);
	if (rc)
		return refuse(v, VX_FAT_IO, rc);
	return 0;
}
