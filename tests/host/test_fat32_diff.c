/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * FAT32 (lib/fs/fat32.h) against mtools, at random (issue 11).
 *
 * One volume is made with mkfs.fat and copied to a twin.  From fixed seeds
 * a random sequence of operations over a small namespace (a few
 * directories; names short and long, upper, lower and mixed case, some
 * non-ASCII) is applied to image A through the library, over a device
 * that is A's file mapped into memory, and to image B through mtools:
 * mkdir (mmd), create or overwrite (mcopy -o), append and truncate (the
 * new content computed on the host and written whole with mcopy -o),
 * delete (mdel), rename within a directory (mren) and rmdir (mrd).  A
 * host-side model says what every file should hold and whether each
 * operation should succeed: both sides must do as the model says, so a
 * refusal by one side only fails the test with the seed and the
 * operation.  Some operations are meant to fail on both (mkdir or rename
 * onto a name that exists, mkdir inside a file, rmdir of a directory that
 * is not empty).  A quarter of the time a path is typed with its ASCII
 * letters in random case, which both sides must match.
 *
 * Every CHECK_EVERY operations and at the end the library syncs (A is a
 * shared mapping of the file the tools read) and mounts A again.  Then:
 * the two trees as mtools lists them (mdir -/ -b, sorted) must equal the
 * model's, names compared case-sensitively; every file read out by mcopy
 * -s from A and from B, and read through the library from A, must equal
 * the model; the library, walking both A and B with readdir, must list
 * the model's tree and read the model's bytes (so it reads mtools' short
 * names with their case bits, and mtools' aliases, too); fsck.fat -n must
 * be clean on both, and count on A the free clusters the library counts.
 * A tool that is missing fails the test with its name: nothing is skipped.
 *
 * Seeds 1..12 run on a 40 MiB volume of one-sector clusters (mkfs.fat's
 * default at that size) and on an 80 MiB one of two-sector clusters;
 * VX_FAT32_SEEDS=N runs N seeds each, for a longer soak.
 *
 * KNOWN DIFFERENCES, worked around here, not hidden:
 *
 * - mtools' mren (and mmove) keep the NT case byte of the old 8.3 entry
 *   when the new name is a plain 8.3 name with no long name: "a.txt"
 *   renamed "B2.TXT" lists as "b2.txt", and "README.TXT" renamed "c.txt"
 *   as "C.TXT".  The library writes the name it is given.  So when a file
 *   is renamed to such a name, B gets it by mcopy of the content under the
 *   new name and mdel of the old, and a directory by mcopy -s of its tree
 *   out to the host and back under the new name, and mdeltree of the old.
 * - mtools stores a non-ASCII name that fits 8.3 as a short name in its
 *   code page with no long name, and mdir -b then prints it upper-cased in
 *   part ("café.txt" as "cafÉ.txt"); the namespace's non-ASCII names are
 *   therefore all too long for 8.3.
 * - mtools 4.0.32's mren aborts on its own assertion (dirCache.c:198,
 *   "freeDirCacheRange: Assertion `entry->beginSlot == beginSlot'") on
 *   some renames to a name that needs more slots, when freed slots follow
 *   the entry (from plain 8.3 and long names alike).  A short case:
 *     mcopy f ::/a.txt; mmd ::/MixedCase.Dat; mrd ::/MixedCase.Dat;
 *     mren ::/a.txt 'Größe der Datei.dat'
 *   B's directory is mtools' own work, so this is mtools' bug; the test
 *   says so on stderr ("# ... mren aborted") and B gets the rename by
 *   copying, as above.
 * - mtools refuses a rename that changes only the case of a name (it
 *   sees a clash) where the library allows it; the namespace's names
 *   differ by more than case, so the generator never asks for one.
 * - mtools seems to grow a directory by one cluster for a new name: with
 *   512-byte clusters it cannot add a name of more than 195 units (16
 *   long-name entries and the 8.3 one, 17 slots where a cluster holds 16)
 *   to a directory whose last cluster is full ("No directory slots"); the
 *   library can.  The namespace's longest name is 195 units.
 * - Overwriting with mcopy -o takes the case of the name given; the model
 *   always uses the name the file was made with, as the library does.
 * - The library renames within one directory only (fat32.h); so does the
 *   generator.
 */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "vectra/abi.h"
#include "fs/fat32.h"
#include "rt/errstr.h"

#define ENV	    "PATH=\"$PATH:/usr/sbin:/sbin\" LC_ALL=C.UTF-8 "
#define OPS	    90		 /* operations per seed */
#define CHECK_EVERY 15		 /* operations between comparisons */
#define FILE_MAX    (300 * 1024) /* largest random content */
#define DEPTH_MAX   3		 /* directories nest this deep */
#define ENTS_MAX    256
#define PATH_LEN    1024 /* room for DEPTH_MAX of the longest name */

static char dir[64];	/* the scratch directory */
static char a_img[128]; /* image A, which the library works on */
static char b_img[128]; /* image B, which mtools works on */
static uint8_t *img;	/* image A mapped shared: the library's device */
static size_t img_len;
static struct vx_fat vol; /* the work area */
static char what[4096];	  /* the operation under way, for failures */

/* --- the device: image A in memory -------------------------------------- */

static int mem_read(void *ctx, uint64_t lba, uint32_t n, void *buf)
{
	(void)ctx;
	if ((lba + n) * 512 > img_len)
		return VX_E_RANGE;
	memcpy(buf, img + lba * 512, (size_t)n * 512);
	return 0;
}

static int mem_write(void *ctx, uint64_t lba, uint32_t n, const void *buf)
{
	(void)ctx;
	if ((lba + n) * 512 > img_len)
		return VX_E_RANGE;
	memcpy(img + lba * 512, buf, (size_t)n * 512);
	return 0;
}

static int mem_flush(void *ctx)
{
	(void)ctx;
	return 0;
}

/* Mounts the image in img (A, except while library_reads_b looks at B);
 * fails the test if it will not. */
static void mount_img(void)
{
	struct vx_fat_dev d = {NULL, mem_read, mem_write, mem_flush, img_len / 512};
	int rc = vx_fat_mount(&vol, &d);

	if (rc)
		fail_msg("%s: mount: %s (%s)", what, vx_errname(rc), vx_fat_why_str(vol.why));
}

/* --- the host side: commands and files ---------------------------------- */

/* Runs a shell command (printf-style); its exit status. */
static int sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : 255;
}

/* Fails the test unless every tool it needs is here. */
static void need_tools(void)
{
	const char *tools[] = {"mkfs.fat", "fsck.fat", "mcopy", "mmd",	   "mdel",
			       "mren",	   "mrd",      "mdir",	"mdeltree"};

	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		if (sh(ENV "command -v %s >/dev/null", tools[i]) != 0)
			fail_msg("%s is missing: run scripts/install-deps.sh (dosfstools, mtools)",
				 tools[i]);
	}
}

/* The whole of file path into a fresh buffer, its length in *len; NULL
 * if it cannot be read. */
static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Maps file path into memory, shared (what is written reaches the file,
 * for the tools to read) or private; its length in *len. */
static uint8_t *map(const char *path, bool shared, size_t *len)
{
	int fd = open(path, O_RDWR);
	void *p;

	assert_true(fd >= 0);
	*len = (size_t)lseek(fd, 0, SEEK_END);
	p = mmap(NULL, *len, PROT_READ | PROT_WRITE, shared ? MAP_SHARED : MAP_PRIVATE, fd, 0);
	close(fd);
	assert_true(p != MAP_FAILED);
	return p;
}

/* Lets go of the image mapped at img. */
static void unmap(void)
{
	if (img)
		munmap(img, img_len);
	img = NULL;
}

/* Writes len bytes of buf to path. */
static void spill(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
}

/* --- the random source -------------------------------------------------- */

static uint64_t rng;

/* A number in [0, n). */
static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)((rng >> 32) % n);
}

/* n random bytes into p. */
static void rnd_bytes(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd(256);
}

/* A content size: empty, one byte, within a cluster, at a cluster edge,
 * several clusters, or anything up to FILE_MAX. */
static size_t rnd_size(void)
{
	switch (rnd(7)) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return 1 + rnd(vol.cbytes);
	case 3:
		return vol.cbytes * (1 + rnd(3)) - 1 + rnd(3);
	case 4:
		return rnd(8 * vol.cbytes);
	default:
		return rnd(FILE_MAX + 1);
	}
}

/* --- the model ---------------------------------------------------------- */

/* Distinct however case is folded.  The non-ASCII ones do not fit 8.3. */
static const char *names[] = {
    "a.txt",
    "README.TXT",
    "B",
    "lower",
    "MixedCase.Dat",
    "Long File Name With Spaces.text",
    "x.y.z",
    "data 2.bin",
    "naïve café.txt",
    "日本語のファイル名.txt",
    "Größe der Datei.dat",
    "UPPER LONG NAME.BIN",
};
#define NNAMES (sizeof(names) / sizeof(names[0]))

/* Names that share a prefix, so the 8.3 aliases run past ~4 into the
 * hashed ones, and one of 195 units: 15 long-name entries and the 8.3
 * one fill a 512-byte cluster (see KNOWN DIFFERENCES). */
#define NCROWD 12
static char crowd[NCROWD][40];
static char long_name[196];

static void make_names(void)
{
	for (int i = 0; i < NCROWD; i++)
		snprintf(crowd[i], sizeof(crowd[i]), "Same Prefix Name %d.text", i);
	for (int i = 0; i < 195; i++)
		long_name[i] = "Long name, "[i % 11];
	long_name[195] = 0;
}

/* A name from the namespace: mostly the list above. */
static const char *rnd_name(void)
{
	uint32_t r = rnd(NNAMES + 4);

	if (r < NNAMES)
		return names[r];
	return r == NNAMES ? long_name : crowd[rnd(NCROWD)];
}

struct ent {
	char path[PATH_LEN]; /* '/'-separated, no leading '/' */
	bool is_dir;
	uint8_t *data; /* a file's content */
	size_t len;
};

static struct ent model[ENTS_MAX];
static int nmodel;

/* The model entry at path (exactly as the model spells it), or -1. */
static int find(const char *path)
{
	for (int i = 0; i < nmodel; i++) {
		if (strcmp(model[i].path, path) == 0)
			return i;
	}
	return -1;
}

/* How many components path has. */
static int depth(const char *path)
{
	int d = 1;

	for (; *path; path++)
		d += *path == '/';
	return d;
}

/* Does anything in the model live under directory path? */
static bool has_children(const char *path)
{
	size_t n = strlen(path);

	for (int i = 0; i < nmodel; i++) {
		if (strncmp(model[i].path, path, n) == 0 && model[i].path[n] == '/')
			return true;
	}
	return false;
}

/* A new model entry, empty; its index. */
static int add(const char *path, bool is_dir)
{
	assert_true(nmodel < ENTS_MAX);
	memset(&model[nmodel], 0, sizeof(model[nmodel]));
	snprintf(model[nmodel].path, sizeof(model[nmodel].path), "%s", path);
	model[nmodel].is_dir = is_dir;
	return nmodel++;
}

/* Forgets entry i (the last one takes its place). */
static void drop(int i)
{
	free(model[i].data);
	model[i] = model[--nmodel];
}

static void clear_model(void)
{
	while (nmodel)
		drop(0);
}

/* A directory to work in: the root ("") or one that may hold another. */
static const char *rnd_parent(void)
{
	int cand[ENTS_MAX], n = 0;

	for (int i = 0; i < nmodel; i++) {
		if (model[i].is_dir && depth(model[i].path) < DEPTH_MAX)
			cand[n++] = i;
	}
	int k = (int)rnd((uint32_t)n + 1);
	return k == n ? "" : model[cand[k]].path;
}

/* An entry of the kind asked for, or -1 if there is none. */
static int rnd_ent(bool is_dir)
{
	int cand[ENTS_MAX], n = 0;

	for (int i = 0; i < nmodel; i++) {
		if (model[i].is_dir == is_dir)
			cand[n++] = i;
	}
	return n ? cand[rnd((uint32_t)n)] : -1;
}

/* parent/name into out; just name in the root (""). */
static void join(char *out, size_t cap, const char *parent, const char *name)
{
	snprintf(out, cap, "%s%s%s", parent, *parent ? "/" : "", name);
}

/* Is name one that mtools keeps as a plain 8.3 entry, without a long
 * name: ASCII, 1-8 and 0-3 characters with one dot, no spaces, each part
 * in one case? */
static bool plain_83(const char *name)
{
	const char *dot = strchr(name, '.');
	size_t base = dot ? (size_t)(dot - name) : strlen(name);
	size_t ext = dot ? strlen(dot + 1) : 0;
	int up[2] = {0}, low[2] = {0};

	if (base < 1 || base > 8 || ext > 3 || (dot && strchr(dot + 1, '.')))
		return false;
	for (const char *p = name; *p; p++) {
		int part = dot && p > dot;
		if ((unsigned char)*p >= 0x80 || *p == ' ')
			return false;
		up[part] += *p >= 'A' && *p <= 'Z';
		low[part] += *p >= 'a' && *p <= 'z';
	}
	return !(up[0] && low[0]) && !(up[1] && low[1]);
}

/* Appends to what, the description of the operation under way. */
static void note(const char *fmt, ...)
{
	size_t at = strlen(what);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what + at, sizeof(what) - at, fmt, ap);
	va_end(ap);
}

/* path as a user might type it: a quarter of the time, its ASCII letters
 * (all of them, or all but the last component's) in random case, which
 * both sides must match case-insensitively. */
static const char *typed(const char *path, bool leaf_too, char *out, size_t cap)
{
	const char *leaf = strrchr(path, '/');
	size_t end = leaf_too ? strlen(path) : leaf ? (size_t)(leaf - path) : 0;

	snprintf(out, cap, "%s", path);
	if (rnd(4))
		return out;
	for (size_t k = 0; k < end; k++) {
		char c = out[k];
		if (((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) && rnd(2))
			out[k] = (char)(c ^ 0x20);
	}
	return out;
}

/* --- the two sides ------------------------------------------------------ */

/* Both sides must do what the model wants: succeed or refuse. */
static void agree(bool want, int lib_rc, int mt_rc)
{
	if ((lib_rc == 0) != want || (mt_rc == 0) != want)
		fail_msg("%s: want %s; library %s, mtools exit %d", what,
			 want ? "success" : "refusal", lib_rc ? vx_errname(lib_rc) : "ok", mt_rc);
}

/* Writes model entry i's content whole to B. */
static int mt_put(int i, const char *path)
{
	char in[128];

	snprintf(in, sizeof(in), "%s/in", dir);
	spill(in, model[i].data, model[i].len);
	return sh(ENV "mcopy -o -i %s %s '::/%s' </dev/null", b_img, in, path);
}

/* Looks path up on A; fails the test if it is not there. */
static void lib_lookup(const char *path, struct vx_fat_node *n)
{
	int rc = vx_fat_lookup(&vol, path, n);

	if (rc)
		fail_msg("%s: library lookup %s: %s", what, path, vx_errname(rc));
}

/* Writes len bytes at off on A whole, or in two pieces with the second
 * written first; 0 or the library's error. */
static int lib_write(struct vx_fat_node *n, uint32_t off, const uint8_t *p, uint32_t len)
{
	uint32_t cut = len ? rnd(len + 1) : 0;
	long r;

	if (rnd(2)) {
		if ((r = vx_fat_write(&vol, n, off + cut, p + cut, len - cut)) != (long)(len - cut))
			return r < 0 ? (int)r : VX_E_FAULT;
		if ((r = vx_fat_write(&vol, n, off, p, cut)) != (long)cut)
			return r < 0 ? (int)r : VX_E_FAULT;
		return 0;
	}
	if ((r = vx_fat_write(&vol, n, off, p, len)) != (long)len)
		return r < 0 ? (int)r : VX_E_FAULT;
	return 0;
}

/* Makes a directory (refused if the name is taken, or, now and then, in
 * a file as if it were a directory). */
static void op_mkdir(void)
{
	char path[PATH_LEN], as[PATH_LEN];
	int file = rnd(8) ? -1 : rnd_ent(false);

	join(path, sizeof(path), file >= 0 ? model[file].path : rnd_parent(), rnd_name());
	typed(path, false, as, sizeof(as));
	note("mkdir '%s'", as);
	bool want = file < 0 && find(path) < 0;
	int lr = vx_fat_mkdir(&vol, as);
	int mr = sh(ENV "mmd -i %s '::/%s' </dev/null 2>/dev/null", b_img, as);
	agree(want, lr, mr);
	if (want)
		add(path, true);
}

/* Creates or overwrites a file with random content of a random size;
 * false if the name is a directory's. */
static bool op_write(void)
{
	char path[PATH_LEN], as[PATH_LEN];
	struct vx_fat_node n;

	join(path, sizeof(path), rnd_parent(), rnd_name());
	int i = find(path);
	if (i >= 0 && model[i].is_dir)
		return false;
	size_t len = rnd_size();
	typed(path, false, as, sizeof(as));
	note("%s '%s' with %zu bytes", i < 0 ? "create" : "overwrite", as, len);
	if (i < 0)
		i = add(path, false);
	free(model[i].data);
	model[i].data = malloc(len + 1);
	model[i].len = len;
	rnd_bytes(model[i].data, len);

	int lr = vx_fat_lookup(&vol, as, &n);
	if (lr == VX_E_NOTFOUND)
		lr = vx_fat_create(&vol, as, &n);
	/* overwrite in place, then cut to the new length */
	if (!lr)
		lr = lib_write(&n, 0, model[i].data, (uint32_t)len);
	if (!lr)
		lr = vx_fat_truncate(&vol, &n, (uint32_t)len);
	agree(true, lr, mt_put(i, as));
	return true;
}

/* Appends to or truncates a file (shorter or longer); false if none. */
static bool op_resize(bool append)
{
	struct vx_fat_node n;
	int i = rnd_ent(false);

	if (i < 0)
		return false;
	size_t old = model[i].len, len = append ? old + rnd_size() / 2 : rnd_size();
	if (!append && rnd(2))
		len = old ? rnd((uint32_t)old) : 0;
	note("%s '%s' from %zu to %zu bytes", append ? "append to" : "truncate", model[i].path, old,
	     len);
	model[i].data = realloc(model[i].data, len + 1);
	assert_non_null(model[i].data);
	if (len > old && append)
		rnd_bytes(model[i].data + old, len - old);
	else if (len > old)
		memset(model[i].data + old, 0, len - old);
	model[i].len = len;

	char as[PATH_LEN];
	lib_lookup(typed(model[i].path, true, as, sizeof(as)), &n);
	int lr = append ? lib_write(&n, (uint32_t)old, model[i].data + old, (uint32_t)(len - old))
			: vx_fat_truncate(&vol, &n, (uint32_t)len);
	agree(true, lr, mt_put(i, model[i].path));
	return true;
}

/* Deletes a file or removes a directory (refused if it is not empty). */
static bool op_remove(bool is_dir)
{
	int i = rnd_ent(is_dir);

	if (i < 0)
		return false;
	char as[PATH_LEN];
	typed(model[i].path, true, as, sizeof(as));
	note("%s '%s'", is_dir ? "rmdir" : "delete", as);
	bool want = !is_dir || !has_children(model[i].path);
	int lr = vx_fat_unlink(&vol, as);
	int mr =
	    sh(ENV "%s -i %s '::/%s' </dev/null 2>/dev/null", is_dir ? "mrd" : "mdel", b_img, as);
	agree(want, lr, mr);
	if (want)
		drop(i);
	return true;
}

/* Renames a file or directory within its directory; false if the name
 * drawn is the one it has.  B gets a copy under the new name where mren
 * would not do it faithfully (see KNOWN DIFFERENCES). */
static bool op_rename(void)
{
	char from[PATH_LEN], to[PATH_LEN], parent[PATH_LEN];
	int i = nmodel ? (int)rnd((uint32_t)nmodel) : -1;

	if (i < 0)
		return false;
	snprintf(from, sizeof(from), "%s", model[i].path);
	snprintf(parent, sizeof(parent), "%s", from);
	char *slash = strrchr(parent, '/');
	const char *base = slash ? slash + 1 : from;
	if (slash)
		*slash = 0;
	else
		parent[0] = 0;
	const char *name = rnd_name();
	if (strcmp(name, base) == 0)
		return false;
	join(to, sizeof(to), parent, name);
	bool want = find(to) < 0;
	bool copy = want && plain_83(name);
	char as[PATH_LEN], as_to[2 * PATH_LEN];
	typed(from, true, as, sizeof(as));
	/* the new name's directory typed as the old name's was */
	snprintf(as_to, sizeof(as_to), "%.*s%s", (int)(strlen(as) - strlen(base)), as, name);
	note("rename '%s' to '%s'", as, as_to);

	int lr = vx_fat_rename(&vol, as, as_to), mr = 0;
	if (!copy) {
		mr = sh(ENV "mren -i %s '::/%s' '%s' </dev/null 2>/dev/null", b_img, as, name);
		copy = mr == 134; /* mtools' own assertion (KNOWN DIFFERENCES) */
		if (copy)
			fprintf(stderr, "# %s: mren aborted (mtools' assertion); B copies\n", what);
	}
	if (copy && !model[i].is_dir) {
		mr = mt_put(i, to);
		if (!mr)
			mr = sh(ENV "mdel -i %s '::/%s' </dev/null", b_img, as);
	} else if (copy) {
		/* the tree out to the host, back in under the new name */
		mr = sh(ENV "rm -rf %s/mv && mkdir %s/mv && mcopy -s -i %s '::/%s' %s/mv/ && "
			    "mcopy -s -i %s %s/mv/* '::/%s' </dev/null && mdeltree -i %s '::/%s'",
			dir, dir, b_img, as, dir, b_img, dir, to, b_img, as);
	}
	agree(want, lr, mr);
	if (!want)
		return true;
	/* the entry and everything under it */
	size_t n = strlen(from);
	for (int k = 0; k < nmodel; k++) {
		if (strncmp(model[k].path, from, n) == 0 &&
		    (model[k].path[n] == 0 || model[k].path[n] == '/')) {
			char moved[2 * PATH_LEN];
			snprintf(moved, sizeof(moved), "%s%s", to, model[k].path + n);
			assert_true(strlen(moved) < sizeof(model[k].path));
			strcpy(model[k].path, moved);
		}
	}
	return true;
}

/* One random operation, weighted towards writes. */
static void one_op(void)
{
	size_t at = strlen(what);

	for (;;) {
		uint32_t r = rnd(100);
		bool done;

		what[at] = 0;
		if (r < 28)
			done = op_write();
		else if (r < 40)
			done = op_resize(true);
		else if (r < 52)
			done = op_resize(false);
		else if (r < 64)
			done = (op_mkdir(), true);
		else if (r < 74)
			done = op_remove(false);
		else if (r < 90)
			done = op_rename();
		else
			done = op_remove(true);
		if (done)
			return;
	}
}

/* --- the comparison ----------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The model's tree as mdir -/ -b lists it, sorted bytewise, into path. */
static void model_listing(const char *path)
{
	char *lines[ENTS_MAX];
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	for (int i = 0; i < nmodel; i++)
		lines[i] = model[i].path;
	qsort(lines, (size_t)nmodel, sizeof(lines[0]), cmp_str);
	for (int i = 0; i < nmodel; i++)
		fprintf(f, "::/%s%s\n", lines[i], model[find(lines[i])].is_dir ? "/" : "");
	fclose(f);
}

/* mtools' listing of image host must be the model's. */
static void same_tree(const char *host, const char *side)
{
	sh(ENV "mdir -/ -b -i %s ::/ 2>/dev/null | LC_ALL=C sort >%s/%s.ls", host, dir, side);
	if (sh("cmp -s %s/model.ls %s/%s.ls", dir, dir, side) != 0) {
		sh("diff -u %s/model.ls %s/%s.ls >&2", dir, dir, side);
		fail_msg("%s: image %s lists another tree than the model (diff above)", what, side);
	}
}

/* Every file mcopy read out of image side into dir/side/ must be the
 * model's, byte for byte. */
static void same_files(const char *side)
{
	char p[PATH_LEN + 200];
	size_t n;

	for (int i = 0; i < nmodel; i++) {
		if (model[i].is_dir)
			continue;
		snprintf(p, sizeof(p), "%s/%s/%s", dir, side, model[i].path);
		uint8_t *got = slurp(p, &n);
		if (!got)
			fail_msg("%s: mcopy did not read '%s' out of %s", what, model[i].path,
				 side);
		if (n != model[i].len || memcmp(got, model[i].data, n) != 0)
			fail_msg("%s: '%s' in %s holds %zu bytes unlike the model's %zu", what,
				 model[i].path, side, n, model[i].len);
		free(got);
	}
}

/* The library must read back from A what the model says. */
static void same_via_library(void)
{
	struct vx_fat_node n;

	for (int i = 0; i < nmodel; i++) {
		lib_lookup(model[i].path, &n);
		if (((n.attr & VX_FAT_DIR) != 0) != model[i].is_dir)
			fail_msg("%s: library sees '%s' as the wrong kind", what, model[i].path);
		if (model[i].is_dir)
			continue;
		uint8_t *got = malloc(model[i].len + 1);
		long r = vx_fat_read(&vol, &n, 0, got, (uint32_t)model[i].len + 1);
		if (r != (long)model[i].len || memcmp(got, model[i].data, model[i].len) != 0)
			fail_msg("%s: library reads '%s' as %ld bytes unlike the model's %zu", what,
				 model[i].path, r, model[i].len);
		free(got);
	}
}

/* Walks directory d (at path prefix) through the library: every entry,
 * by the name readdir gives, must be in the model once (seen[]), of the
 * same kind, and a file must read as the model's bytes; the entries are
 * counted into *n. */
static void walk_tree(const struct vx_fat_node *d, const char *prefix, const char *side, bool *seen,
		      int *n)
{
	struct vx_fat_dircur cur = {0};
	struct vx_fat_dirent e;
	char path[PATH_LEN];
	int rc;

	while ((rc = vx_fat_readdir(&vol, d, &cur, &e)) == 1) {
		join(path, sizeof(path), prefix, e.name);
		int i = find(path);
		bool is_dir = (e.node.attr & VX_FAT_DIR) != 0;
		if (i < 0 || seen[i] || model[i].is_dir != is_dir)
			fail_msg("%s: the library lists '%s' in %s, %s", what, path, side,
				 i < 0 ? "which the model lacks" : "twice or as the wrong kind");
		seen[i] = true;
		(*n)++;
		if (is_dir) {
			struct vx_fat_node sub = e.node;
			walk_tree(&sub, path, side, seen, n);
			continue;
		}
		uint8_t *got = malloc(model[i].len + 1);
		long r = vx_fat_read(&vol, &e.node, 0, got, (uint32_t)model[i].len + 1);
		if (r != (long)model[i].len || memcmp(got, model[i].data, model[i].len) != 0)
			fail_msg(
			    "%s: the library reads '%s' in %s as %ld bytes unlike the model's %zu",
			    what, path, side, r, model[i].len);
		free(got);
	}
	if (rc)
		fail_msg("%s: the library's readdir of '%s' in %s: %s", what, prefix, side,
			 vx_errname(rc));
}

/* The mounted image, walked through the library, holds the model's tree. */
static void same_walk(const char *side)
{
	struct vx_fat_node root;
	bool seen[ENTS_MAX] = {false};
	int n = 0;

	vx_fat_root(&vol, &root);
	walk_tree(&root, "", side, seen, &n);
	if (n != nmodel)
		fail_msg("%s: the library lists %d entries in %s, the model %d", what, n, side,
			 nmodel);
}

/* Image B, mtools' work, read through the library: the same tree. */
static void library_reads_b(void)
{
	uint8_t *a = img;
	size_t a_len = img_len;

	img = map(b_img, false, &img_len);
	mount_img();
	same_walk("B");
	same_via_library();
	unmap();
	img = a;
	img_len = a_len;
	mount_img();
}

/* Runs fsck.fat -n: it must exit 0 and print only its two summary lines;
 * the free clusters its summary ("N files, used/total clusters") gives. */
static uint32_t fsck_clean(const char *host)
{
	unsigned files = 0, used = 0, total = 0;
	char log[128], line[512];
	int lines = 0;
	bool bad = false;

	snprintf(log, sizeof(log), "%s/fsck.log", dir);
	int rc = sh(ENV "fsck.fat -n %s >%s 2>&1", host, log);
	FILE *f = fopen(log, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		lines++;
		char *sum = strstr(line, ": ");
		if (sum && strstr(line, " files, "))
			sscanf(sum, ": %u files, %u/%u clusters", &files, &used, &total);
		if (strncmp(line, "fsck.fat ", 9) != 0 && !strstr(line, " files, ")) {
			fprintf(stderr, "# fsck.fat: %s", line);
			bad = true;
		}
	}
	fclose(f);
	if (rc != 0 || bad || lines != 2)
		fail_msg("%s: fsck.fat -n complained about %s (exit %d); see lines above", what,
			 host, rc);
	assert_true(total > 0);
	return total - used;
}

/* Syncs A (which is the file the tools read), mounts it again, and
 * compares everything. */
static void compare(void)
{
	uint32_t fc;
	uint64_t fb;
	int rc = vx_fat_sync(&vol);

	note(" (then compared)");
	if (rc)
		fail_msg("%s: sync: %s", what, vx_errname(rc));
	mount_img();
	char ls[128];
	snprintf(ls, sizeof(ls), "%s/model.ls", dir);
	model_listing(ls);
	same_tree(a_img, "A");
	same_tree(b_img, "B");
	same_via_library();
	same_walk("A");
	library_reads_b();
	assert_int_equal(sh("rm -rf %s/A %s/B && mkdir %s/A %s/B", dir, dir, dir, dir), 0);
	if (nmodel) {
		if (sh(ENV "mcopy -s -n -i %s '::/*' %s/A/", a_img, dir) != 0 ||
		    sh(ENV "mcopy -s -n -i %s '::/*' %s/B/", b_img, dir) != 0)
			fail_msg("%s: mcopy -s could not read a tree out", what);
	}
	same_files("A");
	same_files("B");
	assert_int_equal(vx_fat_free(&vol, &fc, &fb), 0);
	uint32_t fsck_free = fsck_clean(a_img);
	if (fsck_free != fc)
		fail_msg("%s: the library counts %u free clusters, fsck.fat %u", what, fc,
			 fsck_free);
	fsck_clean(b_img);
}

/* --- the runs ----------------------------------------------------------- */

/* Makes a fresh volume of kib KiB with spc sectors per cluster (0: the
 * default) into A and B, and mounts A. */
static void make_twins(int kib, int spc)
{
	char opt[16] = "";

	need_tools();
	if (spc)
		snprintf(opt, sizeof(opt), "-s %d", spc);
	unmap();
	if (sh(ENV "rm -f %s %s && mkfs.fat -F 32 %s -C %s %d >/dev/null && cp %s %s", a_img, b_img,
	       opt, b_img, kib, b_img, a_img) != 0)
		fail_msg("mkfs.fat -F 32 %s -C %d failed", opt, kib);
	img = map(a_img, true, &img_len);
	snprintf(what, sizeof(what), "fresh volume");
	mount_img();
}

/* Runs OPS random operations from seed, comparing as it goes.  To look
 * into a failure: VX_FAT32_SEED=N runs only seed N, VX_FAT32_OPS=K stops
 * it after K operations, and VX_FAT32_KEEP=1 keeps the images. */
static void run_seed(int kib, int spc, uint32_t seed)
{
	const char *only = getenv("VX_FAT32_SEED"), *upto = getenv("VX_FAT32_OPS");
	int ops = upto ? atoi(upto) : OPS;

	if (only && strtoul(only, NULL, 0) != seed)
		return;
	make_twins(kib, spc);
	clear_model();
	rng = 0x9E3779B97F4A7C15ull ^ ((uint64_t)seed << 17 | seed);
	for (int k = 1; k <= ops; k++) {
		snprintf(what, sizeof(what), "seed %u (-s %d), op %d: ", seed, spc, k);
		one_op();
		if (k % CHECK_EVERY == 0 || k == ops)
			compare();
	}
	clear_model();
}

/* Seeds 1..SEEDS (VX_FAT32_SEEDS=N runs N of them, for a longer soak). */
#define SEEDS 12

static uint32_t nseeds(void)
{
	const char *n = getenv("VX_FAT32_SEEDS");

	return n ? (uint32_t)strtoul(n, NULL, 0) : SEEDS;
}

/* One-sector clusters: mkfs.fat's default at this size. */
static void test_diff_small_clusters(void **state)
{
	(void)state;
	for (uint32_t s = 1; s <= nseeds(); s++)
		run_seed(40 * 1024, 1, s);
}

/* Two-sector clusters, so cluster edges are not sector edges. */
static void test_diff_two_sector_clusters(void **state)
{
	(void)state;
	for (uint32_t s = 1; s <= nseeds(); s++)
		run_seed(80 * 1024, 2, 100000 + s);
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/vx_fat32_diff.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	make_names();
	snprintf(a_img, sizeof(a_img), "%s/a.img", dir);
	snprintf(b_img, sizeof(b_img), "%s/b.img", dir);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	if (getenv("VX_FAT32_KEEP"))
		fprintf(stderr, "# images kept in %s\n", dir);
	else
		sh("rm -rf %s", dir);
	clear_model();
	unmap();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_diff_small_clusters),
	    cmocka_unit_test(test_diff_two_sector_clusters),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
