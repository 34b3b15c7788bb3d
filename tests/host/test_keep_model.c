/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Keep (lib/fs/keep.h) against a model, and against bit rot.
 *
 * The model test applies random operations (create, write at random
 * offsets, append, truncate, rename including over a file, unlink, mkdir,
 * rmdir, sync, snapshot create and delete, remount) to Keep on an
 * in-memory device and to a plain in-memory model of paths and bytes,
 * from fixed seeds.  After every step every file's bytes and every
 * directory's listing must agree; a remount returns the model to its last
 * synced (or fsynced) state, fsyncs go through the intent log when they
 * can and a power cut right after one must replay it (six more seeds turn
 * syncs into fsyncs, for long logs of writes, creates and unlinks); each snapshot must still read
 * as the model did when it was taken; after every sync vx_keep_check must find nothing.
 *
 * The bit-rot test fills a volume (plain, content-addressed and
 * snapshotted files, directories), then flips single bits in used blocks,
 * and zeroes a few whole blocks, one at a time on a fresh copy: mount and
 * read every file.  Each read returns exactly the right bytes or
 * VX_E_CORRUPT naming that file; metadata damage is repaired from the
 * ditto copy and counted; nothing crashes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vectra/abi.h"
#include "fs/keep.h"
#include "fs/keep_int.h"
#include "../support/keepdev.h"

#define DISK	 (32u << 20)
#define WORK	 (256u * 1024)
#define MAXN	 48
#define MAXSIZE	 (96u * 1024)
#define MAXSNAPS 4

struct mnode {
	char path[64];
	bool dir;
	uint8_t *data;
	size_t size;
};

struct model {
	int n;
	struct mnode node[MAXN];
};

static struct memdev md;
static struct vx_blkdev dev;
static struct vx_keep vol, *v = &vol;
static struct model live, synced;
static struct model snaps[MAXSNAPS];
static uint64_t snap_view[MAXSNAPS];
static bool snap_used[MAXSNAPS];
static uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void model_free(struct model *m)
{
	for (int i = 0; i < m->n; i++)
		free(m->node[i].data);
	m->n = 0;
}

static void model_copy(struct model *dst, const struct model *src)
{
	model_free(dst);
	*dst = *src;
	for (int i = 0; i < src->n; i++) {
		dst->node[i].data = malloc(src->node[i].size + 1);
		memcpy(dst->node[i].data, src->node[i].data, src->node[i].size);
	}
}

static int model_find(const struct model *m, const char *path)
{
	for (int i = 0; i < m->n; i++)
		if (strcmp(m->node[i].path, path) == 0)
			return i;
	return -1;
}

static void model_del(struct model *m, int i)
{
	free(m->node[i].data);
	m->node[i] = m->node[--m->n];
}

/* Is b inside directory a (or a itself)? */
static bool under(const char *a, const char *b)
{
	size_t n = strlen(a);
	return strncmp(a, b, n) == 0 && (b[n] == 0 || b[n] == '/');
}

static bool has_children(const struct model *m, const char *dir)
{
	for (int i = 0; i < m->n; i++)
		if (strcmp(m->node[i].path, dir) != 0 && under(dir, m->node[i].path))
			return true;
	return false;
}

/* --- comparison ---------------------------------------------------------- */

static void compare(const struct model *m, uint64_t view)
{
	static uint8_t buf[MAXSIZE + 10];
	for (int i = 0; i < m->n; i++) {
		const struct mnode *x = &m->node[i];
		struct vx_keep_node n;
		int rc = vx_keep_lookup_at(v, view, x->path, &n);
		if (rc)
			fprintf(stderr, "# lookup %s: %d\n", x->path, rc);
		assert_int_equal(rc, 0);
		assert_int_equal(n.type, x->dir ? VX_KEEP_DIR : VX_KEEP_FILE);
		if (x->dir) {
			/* Its listing: as many entries as the model's children. */
			int children = 0;
			for (int k = 0; k < m->n; k++) {
				const char *p = m->node[k].path;
				size_t l = strlen(x->path);
				if (strncmp(p, x->path, l) == 0 && p[l] == '/' &&
				    !strchr(p + l + 1, '/'))
					children++;
			}
			struct vx_keep_dircur cur = {0};
			static struct vx_keep_dirent e;
			int seen = 0;
			while ((rc = vx_keep_readdir(v, &n, &cur, &e)) == 1) {
				char path[400];
				snprintf(path, sizeof(path), "%s/%s", x->path, e.name);
				assert_true(model_find(m, path) >= 0);
				seen++;
			}
			assert_int_equal(rc, 0);
			assert_int_equal(seen, children);
			continue;
		}
		assert_int_equal(n.size, x->size);
		assert_int_equal(vx_keep_read(v, &n, 0, buf, sizeof(buf)), (long)x->size);
		assert_memory_equal(buf, x->data, x->size);
	}
	/* And nothing more at the top. */
	struct vx_keep_node root;
	struct vx_keep_dircur cur = {0};
	static struct vx_keep_dirent e;
	int top = 0, seen = 0;
	for (int i = 0; i < m->n; i++)
		top += strchr(m->node[i].path, '/') == NULL;
	assert_int_equal(vx_keep_lookup_at(v, view, "", &root), 0);
	while (vx_keep_readdir(v, &root, &cur, &e) == 1) {
		assert_true(model_find(m, e.name) >= 0);
		seen++;
	}
	assert_int_equal(seen, top);
}

static void on_violation(void *ctx, enum vx_keep_violation what, uint64_t ino, uint64_t block,
			 const char *detail)
{
	(void)ctx;
	fprintf(stderr, "# violation %s ino %llu block %llu: %s\n", vx_keep_violation_str(what),
		(unsigned long long)ino, (unsigned long long)block, detail);
}

/* --- the random steps ---------------------------------------------------- */

static void random_name(char *out, size_t len)
{
	/* A directory of the model (or the root), then a short name. */
	int dirs[MAXN], nd = 0;
	for (int i = 0; i < live.n; i++)
		if (live.node[i].dir && strlen(live.node[i].path) < 40)
			dirs[nd++] = i;
	int pick = (int)(rnd() % (uint64_t)(nd + 1));
	char leaf[8];
	snprintf(leaf, sizeof(leaf), "%c%d", "abcdef"[rnd() % 6], (int)(rnd() % 4));
	if (pick == nd)
		snprintf(out, len, "%s", leaf);
	else
		snprintf(out, len, "%s/%s", live.node[dirs[pick]].path, leaf);
}

static int random_node(bool dir)
{
	int c[MAXN], n = 0;
	for (int i = 0; i < live.n; i++)
		if (live.node[i].dir == dir)
			c[n++] = i;
	return n ? c[rnd() % (uint64_t)n] : -1;
}

/* A write at a random offset, or an append, to a random file. */
static void write_op(bool append)
{
	struct vx_keep_node n;
	static uint8_t buf[32768];
	int i = random_node(false);
	if (i < 0)
		return;
	struct mnode *x = &live.node[i];
	uint64_t off = !append ? rnd() % (x->size + 5000) : x->size;
	uint32_t len = (uint32_t)(rnd() % 12000) + 1;
	if (off + len > MAXSIZE)
		return;
	for (uint32_t k = 0; k < len; k++)
		buf[k] = (uint8_t)(rnd() % 4 ? rnd() : 0x11);
	assert_int_equal(vx_keep_lookup(v, x->path, &n), 0);
	assert_int_equal(vx_keep_write(v, &n, off, buf, len), (long)len);
	if (off + len > x->size) {
		x->data = realloc(x->data, off + len);
		memset(x->data + x->size, 0, off + len - x->size);
		x->size = off + len;
	}
	memcpy(x->data + off, buf, len);
}

static unsigned long log_fsyncs, log_replays;
static bool log_heavy; /* syncs and snapshots become fsyncs: long logs */

static void step(void)
{
	char path[64];
	struct vx_keep_node n;
	unsigned op = (unsigned)(rnd() % 100);
	if (log_heavy && op >= 78 && op < 89)
		op = 72;
	if (op < 14) { /* create */
		random_name(path, sizeof(path));
		int rc = vx_keep_create(v, path, (rnd() % 4 == 0) ? VX_KEEP_F_DEDUP : 0, &n);
		if (model_find(&live, path) >= 0) {
			assert_int_equal(rc, VX_E_EXISTS);
		} else if (live.n < MAXN) {
			assert_int_equal(rc, 0);
			struct mnode *x = &live.node[live.n++];
			snprintf(x->path, sizeof(x->path), "%s", path);
			x->dir = false;
			x->data = malloc(1);
			x->size = 0;
		} else {
			assert_int_equal(vx_keep_unlink(v, path), 0);
		}
	} else if (op < 20) { /* mkdir */
		random_name(path, sizeof(path));
		int rc = vx_keep_mkdir(v, path);
		if (model_find(&live, path) >= 0) {
			assert_int_equal(rc, VX_E_EXISTS);
		} else if (live.n < MAXN) {
			assert_int_equal(rc, 0);
			struct mnode *x = &live.node[live.n++];
			snprintf(x->path, sizeof(x->path), "%s", path);
			x->dir = true;
			x->data = malloc(1);
			x->size = 0;
		} else {
			assert_int_equal(vx_keep_unlink(v, path), 0);
		}
	} else if (op < 45) { /* write at a random offset, or append */
		write_op(op >= 35);
	} else if (op < 52) { /* truncate */
		int i = random_node(false);
		if (i < 0)
			return;
		struct mnode *x = &live.node[i];
		size_t size = (size_t)(rnd() % (x->size + 9000));
		if (size > MAXSIZE)
			size = MAXSIZE;
		assert_int_equal(vx_keep_lookup(v, x->path, &n), 0);
		assert_int_equal(vx_keep_truncate(v, &n, size), 0);
		x->data = realloc(x->data, size + 1);
		if (size > x->size)
			memset(x->data + x->size, 0, size - x->size);
		x->size = size;
	} else if (op < 62) { /* rename, maybe over a file */
		bool dir = rnd() % 4 == 0;
		int i = random_node(dir);
		if (i < 0)
			return;
		char from[64];
		snprintf(from, sizeof(from), "%s", live.node[i].path);
		int j = random_node(false);
		if (!dir && j >= 0 && rnd() % 2)
			snprintf(path, sizeof(path), "%s", live.node[j].path);
		else
			random_name(path, sizeof(path));
		int t = model_find(&live, path);
		int rc = vx_keep_rename(v, from, path);
		if (strcmp(from, path) == 0) {
			assert_int_equal(rc, 0);
		} else if (t >= 0 && live.node[t].dir != dir) {
			assert_int_equal(rc, VX_E_TYPE);
		} else if (t >= 0 && dir && has_children(&live, path)) {
			assert_int_equal(rc, VX_E_BUSY);
		} else if (dir && under(from, path)) {
			assert_int_equal(rc, VX_E_INVAL);
		} else {
			assert_int_equal(rc, 0);
			if (t >= 0) {
				model_del(&live, t);
				i = model_find(&live, from);
			}
			/* Move the node and, for a directory, everything under it. */
			size_t fl = strlen(from);
			for (int k = 0; k < live.n; k++) {
				struct mnode *x = &live.node[k];
				if (under(from, x->path)) {
					char np[128];
					snprintf(np, sizeof(np), "%s%s", path, x->path + fl);
					assert_true(strlen(np) < sizeof(x->path));
					memcpy(x->path, np, strlen(np) + 1);
				}
			}
			(void)i;
		}
	} else if (op < 72) { /* unlink or rmdir */
		int i = random_node(rnd() % 3 == 0);
		if (i < 0)
			return;
		int rc = vx_keep_unlink(v, live.node[i].path);
		if (live.node[i].dir && has_children(&live, live.node[i].path)) {
			assert_int_equal(rc, VX_E_BUSY);
		} else {
			assert_int_equal(rc, 0);
			model_del(&live, i);
		}
	} else if (op < 78) { /* writes, fsync (the log, when the txg allows) */
		for (unsigned k = (unsigned)(rnd() % 4); k > 0; k--)
			write_op(rnd() % 2);
		uint64_t before = v->il_fsyncs;
		assert_int_equal(vx_keep_fsync(v, NULL), 0);
		log_fsyncs += v->il_fsyncs - before;
		model_copy(&synced, &live);
		if (rnd() % 3 == 0) { /* a power cut right after it */
			assert_int_equal(vx_keep_mount(v, &dev, keep_work(WORK), WORK, 0), 0);
			log_replays += v->il_replayed > 0;
			if (rnd() % 2 == 0)
				assert_int_equal(vx_keep_check(v, on_violation, NULL), 0);
		}
	} else if (op < 84) { /* sync, and a check */
		assert_int_equal(vx_keep_sync(v), 0);
		model_copy(&synced, &live);
		if (rnd() % 3 == 0)
			assert_int_equal(vx_keep_check(v, on_violation, NULL), 0);
	} else if (op < 89) { /* snapshot */
		int s = (int)(rnd() % MAXSNAPS);
		char name[16];
		snprintf(name, sizeof(name), "snap%d", s);
		if (snap_used[s]) {
			assert_int_equal(vx_keep_snap_delete(v, name), 0);
			snap_used[s] = false;
			model_copy(&synced, &live);
		} else {
			assert_int_equal(vx_keep_snap_create(v, name), 0);
			assert_int_equal(vx_keep_snap_open(v, name, &snap_view[s]), 0);
			model_copy(&snaps[s], &live);
			model_copy(&synced, &live);
			snap_used[s] = true;
		}
	} else if (op < 93) { /* remount: back to the last sync */
		assert_int_equal(vx_keep_mount(v, &dev, keep_work(WORK), WORK, 0), 0);
		model_copy(&live, &synced);
	} else if (op < 95) { /* reclaim */
		long freed = vx_keep_reclaim(v);
		assert_true(freed >= 0);
		model_copy(&synced, &live);
	}
}

static void run_seed(uint64_t seed, int steps)
{
	memdev_free(&md);
	memdev_init(&md, DISK);
	dev = memdev_blk(&md);
	assert_int_equal(vx_keep_format(&dev, "model", keep_work(WORK), WORK), 0);
	assert_int_equal(vx_keep_mount(v, &dev, keep_work(WORK), WORK, 0), 0);
	model_free(&live);
	model_free(&synced);
	for (int s = 0; s < MAXSNAPS; s++)
		model_free(&snaps[s]), snap_used[s] = false;
	rng = seed * 0x9e3779b97f4a7c15ull + 1;
	for (int i = 0; i < steps; i++) {
		step();
		compare(&live, 0);
		if (i % 25 == 0)
			for (int s = 0; s < MAXSNAPS; s++)
				if (snap_used[s])
					compare(&snaps[s], snap_view[s]);
	}
	assert_int_equal(vx_keep_sync(v), 0);
	assert_int_equal(vx_keep_check(v, on_violation, NULL), 0);
}

static void test_model(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 12; seed++)
		run_seed(seed, 400);
	log_heavy = true;
	for (uint64_t seed = 101; seed <= 106; seed++)
		run_seed(seed, 300);
	log_heavy = false;
	printf("# %lu fsyncs went through the log, %lu remounts replayed one\n", log_fsyncs,
	       log_replays);
	assert_true(log_fsyncs > 20 && log_replays > 5);
}

/* --- bit rot ------------------------------------------------------------- */

#define ROT_FILES 24

static uint8_t *pristine;
static char rot_path[ROT_FILES][32];
static uint8_t *rot_data[ROT_FILES];
static size_t rot_size[ROT_FILES];
static uint64_t rot_view;

static void rot_fill(void)
{
	memdev_free(&md);
	memdev_init(&md, 16u << 20);
	dev = memdev_blk(&md);
	assert_int_equal(vx_keep_format(&dev, "rot", keep_work(WORK), WORK), 0);
	assert_int_equal(vx_keep_mount(v, &dev, keep_work(WORK), WORK, 0), 0);
	assert_int_equal(vx_keep_mkdir(v, "d"), 0);
	assert_int_equal(vx_keep_mkdir(v, "d/e"), 0);
	rng = 77;
	for (int i = 0; i < ROT_FILES; i++) {
		struct vx_keep_node n;
		snprintf(rot_path[i], sizeof(rot_path[i]), "%s/f%d",
			 i % 3 == 0 ? "d" : (i % 3 == 1 ? "d/e" : ""), i);
		const char *p = rot_path[i][0] == '/' ? rot_path[i] + 1 : rot_path[i];
		memmove(rot_path[i], p, strlen(p) + 1);
		rot_size[i] = (size_t)(rnd() % 70000) + 100;
		rot_data[i] = malloc(rot_size[i]);
		for (size_t k = 0; k < rot_size[i]; k++)
			rot_data[i][k] = (uint8_t)rnd();
		if (i % 5 == 0) /* content-addressed: two share their bytes */
			memset(rot_data[i], 0x42, rot_size[i]);
		assert_int_equal(
		    vx_keep_create(v, rot_path[i], i % 5 == 0 ? VX_KEEP_F_DEDUP : 0, &n), 0);
		assert_int_equal(vx_keep_write(v, &n, 0, rot_data[i], (uint32_t)rot_size[i]),
				 (long)rot_size[i]);
	}
	assert_int_equal(vx_keep_snap_create(v, "before"), 0);
	assert_int_equal(vx_keep_snap_open(v, "before", &rot_view), 0);
	/* Change a few after the snapshot, so the two differ. */
	for (int i = 1; i < ROT_FILES; i += 4) {
		struct vx_keep_node n;
		assert_int_equal(vx_keep_lookup(v, rot_path[i], &n), 0);
		assert_int_equal(vx_keep_write(v, &n, 10, "CHANGED", 7), 7);
	}
	assert_int_equal(vx_keep_sync(v), 0);
	pristine = malloc(md.sectors * 512);
	memcpy(pristine, md.img, md.sectors * 512);
}

static bool used_block(uint64_t b)
{
	int s;
	assert_int_equal(kp_get(v, 0, KP_OBJ_BITMAP, 0, b / KP_BITS_PER, 0, &s), 0);
	bool u = kp_data(v, s)[(b % KP_BITS_PER) / 8] & (1u << (b % 8));
	kp_put(v, s);
	return u;
}

/* Reads every file, live and in the snapshot; each read is right or a
 * named VX_E_CORRUPT.  Returns how many were reported. */
static int read_all(void)
{
	static uint8_t buf[80000];
	int reported = 0;
	for (int view = 0; view < 2; view++) {
		for (int i = 0; i < ROT_FILES; i++) {
			struct vx_keep_node n;
			int rc = vx_keep_lookup_at(v, view ? rot_view : 0, rot_path[i], &n);
			if (rc == VX_E_CORRUPT) {
				reported++;
				continue;
			}
			assert_int_equal(rc, 0);
			long got = vx_keep_read(v, &n, 0, buf, sizeof(buf));
			if (got == VX_E_CORRUPT) {
				assert_int_equal(v->bad_ino, n.ino);
				reported++;
				continue;
			}
			assert_int_equal(got, (long)rot_size[i]);
			bool changed = !view && i % 4 == 1;
			if (changed) {
				assert_memory_equal(buf, rot_data[i], 10);
				assert_memory_equal(buf + 10, "CHANGED", 7);
				assert_memory_equal(buf + 17, rot_data[i] + 17, rot_size[i] - 17);
			} else {
				assert_memory_equal(buf, rot_data[i], rot_size[i]);
			}
		}
	}
	return reported;
}

static void test_bit_rot(void **state)
{
	(void)state;
	rot_fill();
	uint64_t blocks = md.sectors / 8;
	uint64_t used[4096];
	int nused = 0;
	for (uint64_t b = 1; b < blocks && nused < 4096; b++)
		if (used_block(b))
			used[nused++] = b;
	int repaired = 0, reported = 0, harmless = 0;
	for (int trial = 0; trial < 400; trial++) {
		memcpy(md.img, pristine, md.sectors * 512);
		uint64_t b = used[rnd() % (uint64_t)nused];
		if (trial % 20 == 19)
			memset(md.img + b * 4096, 0, 4096);
		else
			md.img[b * 4096 + rnd() % 4096] ^= (uint8_t)(1u << (rnd() % 8));
		int rc = vx_keep_mount(v, &dev, keep_work(WORK), WORK, 0);
		assert_int_equal(rc, 0);
		int r = read_all();
		long c = vx_keep_check(v, NULL, NULL);
		assert_true(c >= 0);
		if (v->repairs)
			repaired++;
		else if (r || c)
			reported++;
		else
			harmless++;
	}
	printf("# bit rot: %d repaired, %d reported, %d harmless (unused slots, pending frees)\n",
	       repaired, reported, harmless);
	assert_true(repaired > 0 && reported > 0);
	for (int i = 0; i < ROT_FILES; i++)
		free(rot_data[i]);
	free(pristine);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_model),
	    cmocka_unit_test(test_bit_rot),
	};
	if (getenv("KEEP_TEST"))
		cmocka_set_test_filter(getenv("KEEP_TEST"));
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	model_free(&live);
	model_free(&synced);
	for (int s = 0; s < MAXSNAPS; s++)
		model_free(&snaps[s]);
	memdev_free(&md);
	return rc;
}
