/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * FAT32 (lib/fs/fat32.h), against Debian's own tools and against hostile
 * images.
 *
 * The differential tests make a volume with mkfs.fat and fill it with
 * mcopy (empty, one-sector, multi-cluster and 3 MiB files, a directory
 * tree, long and non-ASCII names); the library must read every byte back.
 * Then the library writes (new files and directories, overwrite, extend,
 * truncate, delete, rename, a directory grown past a cluster), syncs, and
 * fsck.fat -n must print nothing but its summary and exit 0, and mcopy
 * must read every file back bit for bit (and no deleted one).  A tool
 * that is missing fails the test with its name: nothing is skipped.
 *
 * The hostile tests take the fresh mkfs.fat image into memory, break one
 * thing (a BPB field, a FAT link, a directory entry) and check the named
 * error.
 */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "vectra/abi.h"
#include "fs/fat32.h"

#define ENV	"PATH=\"$PATH:/usr/sbin:/sbin\" LC_ALL=C.UTF-8 "
#define IMG_KIB 65536

static char dir[64];   /* the scratch directory */
static uint8_t *fresh; /* the mkfs.fat image as made */
static size_t fresh_len;
static uint8_t *img; /* the image under test */
static size_t img_len;
static struct vx_fat vol; /* the work area */

/* --- the device: the image in memory ------------------------------------ */

static int mem_read(void *ctx, uint64_t lba, uint32_t n, void *buf)
{
	(void)ctx;
	if ((lba + n) * 512 > img_len)
		return VX_E_RANGE;
	memcpy(buf, img + lba * 512, (size_t)n * 512);
	return 0;
}

static int fail_writes; /* a write callback that fails after this many */

static int mem_write(void *ctx, uint64_t lba, uint32_t n, const void *buf)
{
	(void)ctx;
	if (fail_writes && --fail_writes == 0)
		return VX_E_FAULT;
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

/* Mounts img as it is; the mount's result. */
static int mount_img(void)
{
	struct vx_fat_dev d = {NULL, mem_read, mem_write, mem_flush, img_len / 512};
	return vx_fat_mount(&vol, &d);
}

/* --- the host side: commands and files ---------------------------------- */

/* Runs a shell command (printf-style); its exit status. */
static int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : 255;
}

/* Fails the test unless every tool the differential tests need is here. */
static void need_tools(void)
{
	const char *tools[] = {"mkfs.fat", "fsck.fat", "mcopy", "mmd"};

	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		if (sh(ENV "command -v %s >/dev/null", tools[i]) != 0)
			fail_msg("%s is missing: run scripts/install-deps.sh (dosfstools, mtools)",
				 tools[i]);
	}
}

/* The whole of file path into a fresh buffer; its length in *len. */
static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	assert_non_null(f);
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

/* Writes len bytes of buf to path. */
static void spill(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
}

/* Deterministic bytes for file contents. */
static void pattern(uint8_t *p, size_t n, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)x;
	}
}

/* Starts each test from the fresh image. */
static int reset(void **state)
{
	(void)state;
	memcpy(img, fresh, fresh_len);
	img_len = fresh_len;
	return 0;
}

static int group_setup(void **state)
{
	char path[128];

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/vx_fat32.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/fresh.img", dir);
	if (sh(ENV "mkfs.fat -F 32 -C %s %d >/dev/null", path, IMG_KIB) != 0) {
		fprintf(stderr, "# mkfs.fat is missing or failed: run scripts/install-deps.sh\n");
		return -1;
	}
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	fresh_len = (size_t)IMG_KIB * 1024;
	fresh = malloc(fresh_len);
	img = malloc(fresh_len);
	if (!fresh || !img || fread(fresh, 1, fresh_len, f) != fresh_len)
		return -1;
	fclose(f);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	if (getenv("VX_FAT32_KEEP"))
		fprintf(stderr, "# images kept in %s\n", dir);
	else
		sh("rm -rf %s", dir);
	free(fresh);
	free(img);
	return 0;
}

/* --- the differential tests --------------------------------------------- */

struct file {
	const char *path; /* in the volume, '/'-separated */
	size_t len;
	uint32_t seed;
	bool gone; /* deleted by the write test */
};

/* What mcopy puts on the volume. */
static struct file tree[] = {
    {"empty.txt", 0, 1, false},
    {"small.txt", 100, 2, false},
    {"ONE.BIN", 512, 3, false},
    {"multi.bin", 100000, 4, false},
    {"big.bin", 3 << 20, 5, false},
    {"A long file name with spaces.text", 1234, 6, false},
    {"naïve café.txt", 777, 7, false},
    {"日本語の名前.txt", 4096, 8, false},
    {"sub/inner.txt", 600, 9, false},
    {"sub/deeper/x.bin", 5000, 10, false},
    {"sub/deeper/Mixed Case Name.Dat", 1, 11, false},
};
#define NTREE (sizeof(tree) / sizeof(tree[0]))

/* Fills img from the host with mkfs.fat + mmd + mcopy, as tree says. */
static void fill_with_mtools(void)
{
	char host[256], vpath[128];

	need_tools();
	snprintf(host, sizeof(host), "%s/t.img", dir);
	assert_int_equal(
	    sh(ENV "rm -f %s && mkfs.fat -F 32 -C %s %d >/dev/null", host, host, IMG_KIB), 0);
	assert_int_equal(sh(ENV "mmd -i %s ::/sub ::/sub/deeper", host), 0);
	for (size_t i = 0; i < NTREE; i++) {
		uint8_t *b = malloc(tree[i].len + 1);
		pattern(b, tree[i].len, tree[i].seed);
		snprintf(vpath, sizeof(vpath), "%s/in", dir);
		spill(vpath, b, tree[i].len);
		free(b);
		assert_int_equal(sh(ENV "mcopy -i %s %s/in '::/%s'", host, dir, tree[i].path), 0);
	}
	free(img);
	img = slurp(host, &img_len);
}

/* Checks that path reads back as len bytes of pattern seed. */
static void expect_file(const char *path, size_t len, uint32_t seed)
{
	struct vx_fat_node n;
	uint8_t *want = malloc(len + 1), *got = malloc(len + 600);

	pattern(want, len, seed);
	int rc = vx_fat_lookup(&vol, path, &n);
	if (rc)
		fail_msg("lookup %s: %d", path, rc);
	assert_int_equal(n.size, len);
	assert_int_equal(vx_fat_read(&vol, &n, 0, got, (uint32_t)len + 512), (long)len);
	assert_memory_equal(got, want, len);
	/* and at odd offsets, across sector and cluster edges */
	for (size_t off = 1; off < len; off = off * 3 + 7) {
		uint32_t k = (uint32_t)(len - off < 1500 ? len - off : 1500);
		assert_int_equal(vx_fat_read(&vol, &n, (uint32_t)off, got, k), (long)k);
		assert_memory_equal(got, want + off, k);
	}
	free(want);
	free(got);
}

/* Counts the entries of directory path, and that name is among them. */
static int count_dir(const char *path, const char *name, bool *seen)
{
	struct vx_fat_node d;
	struct vx_fat_dircur cur = {0};
	struct vx_fat_dirent e;
	int n = 0, rc;

	assert_int_equal(vx_fat_lookup(&vol, path, &d), 0);
	while ((rc = vx_fat_readdir(&vol, &d, &cur, &e)) == 1) {
		n++;
		if (name && strcmp(e.name, name) == 0)
			*seen = true;
	}
	assert_int_equal(rc, 0);
	return n;
}

/* Reads what mtools wrote, every byte, every name. */
static void test_reads_mtools_volume(void **state)
{
	bool seen = false;
	uint32_t fc;
	uint64_t fb;

	(void)state;
	fill_with_mtools();
	assert_int_equal(mount_img(), 0);
	for (size_t i = 0; i < NTREE; i++)
		expect_file(tree[i].path, tree[i].len, tree[i].seed);
	assert_int_equal(count_dir("/", "naïve café.txt", &seen), 9);
	assert_true(seen);
	seen = false;
	assert_int_equal(count_dir("sub/deeper", "Mixed Case Name.Dat", &seen), 2);
	assert_true(seen);
	/* case-insensitive, long and 8.3 names */
	expect_file("SUB/INNER.TXT", 600, 9);
	expect_file("/a LONG file NAME with spaces.text", 1234, 6);
	expect_file("Sub//Deeper/x.BIN/", 5000, 10);
	/* the free count matches what the FAT says */
	assert_int_equal(vx_fat_free(&vol, &fc, &fb), 0);
	uint32_t have = fc;
	vol.free_count = UINT32_MAX;
	assert_int_equal(vx_fat_free(&vol, &fc, &fb), 0);
	assert_int_equal(fc, have);
	assert_int_equal(fb, (uint64_t)fc * 512);
}

/* Writes len bytes of pattern seed as file path, created fresh. */
static void put_file(const char *path, size_t len, uint32_t seed)
{
	struct vx_fat_node n;
	uint8_t *b = malloc(len + 1);
	int rc = vx_fat_create(&vol, path, &n);

	if (rc)
		fail_msg("create %s: %d", path, rc);
	pattern(b, len, seed);
	/* in two pieces, the second first, so the first extends nothing */
	size_t half = len / 2;
	assert_int_equal(vx_fat_write(&vol, &n, (uint32_t)half, b + half, (uint32_t)(len - half)),
			 (long)(len - half));
	assert_int_equal(vx_fat_write(&vol, &n, 0, b, (uint32_t)half), (long)half);
	free(b);
}

/* What the write test leaves: paths, contents, and what must be gone. */
static struct file after[] = {
    {"new0.txt", 0, 20, false},
    {"new1", 1, 21, false},
    {"New 511 bytes.bin", 511, 22, false},
    {"N512.BIN", 512, 23, false},
    {"n513.bin", 513, 24, false},
    {"Größe 70000.dat", 70000, 25, false},
    {"New Dir/inside.txt", 1500000, 26, false},
    {"New Dir/Nested/deep file.txt", 3000, 27, false},
    {"renamed multi.bin", 0, 0, false}, /* checked by hand below */
    {"small.txt", 0, 0, true},
    {"multi.bin", 0, 0, true},
    {"sub/deeper/Mixed Case Name.Dat", 0, 0, true},
};
#define NAFTER (sizeof(after) / sizeof(after[0]))

/* Reads file path out of the image on disk with mcopy and compares it. */
static void mcopy_matches(const char *host, const char *path, const uint8_t *want, size_t len)
{
	char out[128];
	size_t n;
	uint8_t *got;

	snprintf(out, sizeof(out), "%s/out", dir);
	if (sh(ENV "rm -f %s && mcopy -n -i %s '::/%s' %s", out, host, path, out) != 0)
		fail_msg("mcopy could not read %s", path);
	got = slurp(out, &n);
	if (n != len)
		fail_msg("%s: mcopy read %zu bytes, want %zu", path, n, len);
	assert_memory_equal(got, want, len);
	free(got);
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
		fail_msg("fsck.fat -n complained (exit %d); see lines above", rc);
	assert_true(total > 0);
	return total - used;
}

/* Writes with the library; fsck.fat and mcopy must agree with it. */
static void test_writes_pass_fsck_and_mcopy(void **state)
{
	char host[128];
	struct vx_fat_node n;
	uint8_t *b;
	uint32_t fc0, fc1;
	uint64_t fb;

	(void)state;
	fill_with_mtools();
	assert_int_equal(mount_img(), 0);
	assert_int_equal(vx_fat_free(&vol, &fc0, &fb), 0);

	/* stamped 2026-12-01 12:30:00 */
	vol.date = (uint16_t)((2026 - 1980) << 9 | 12 << 5 | 1);
	vol.time = (uint16_t)(12 << 11 | 30 << 5);
	/* new files of every awkward size, a directory tree */
	assert_int_equal(vx_fat_mkdir(&vol, "New Dir"), 0);
	assert_int_equal(vx_fat_mkdir(&vol, "New Dir/Nested"), 0);
	assert_int_equal(vx_fat_mkdir(&vol, "empty dir"), 0);
	for (size_t i = 0; i < 8; i++)
		put_file(after[i].path, after[i].len, after[i].seed);
	/* a directory grown past one cluster: 40 long names of 3 entries each */
	assert_int_equal(vx_fat_mkdir(&vol, "crowd"), 0);
	for (int i = 0; i < 40; i++) {
		char p[64];
		snprintf(p, sizeof(p), "crowd/a rather long name %02d.txt", i);
		put_file(p, (size_t)i * 37, 100 + (uint32_t)i);
	}
	/* a name outside the BMP: surrogate pairs (mtools cannot read it back,
	 * so the library and fsck.fat check it) */
	put_file("smile \xF0\x9F\x98\x80.txt", 3000, 30);
	/* overwrite the middle of one file and extend another */
	assert_int_equal(vx_fat_lookup(&vol, "ONE.BIN", &n), 0);
	b = malloc(5000);
	pattern(b, 5000, 3);
	uint8_t patch[300];
	memset(patch, 0x5A, sizeof(patch));
	assert_int_equal(vx_fat_write(&vol, &n, 400, patch, sizeof(patch)), 300);
	memcpy(b + 400, patch, 300);
	/* a write past the end leaves zeros in the gap */
	assert_int_equal(vx_fat_write(&vol, &n, 4000, b + 4000, 1000), 1000);
	memset(b + 700, 0, 4000 - 700);
	assert_int_equal(n.size, 5000);
	/* truncate down and up */
	struct vx_fat_node big;
	assert_int_equal(vx_fat_lookup(&vol, "big.bin", &big), 0);
	assert_int_equal(vx_fat_truncate(&vol, &big, 1000001), 0);
	assert_int_equal(vx_fat_truncate(&vol, &big, 1000003), 0);
	/* delete, rename (long to long, a case change, a directory) */
	assert_int_equal(vx_fat_unlink(&vol, "small.txt"), 0);
	assert_int_equal(vx_fat_unlink(&vol, "sub/deeper/Mixed Case Name.Dat"), 0);
	assert_int_equal(vx_fat_unlink(&vol, "empty dir"), 0);
	assert_int_equal(vx_fat_rename(&vol, "multi.bin", "renamed multi.bin"), 0);
	assert_int_equal(vx_fat_rename(&vol, "empty.txt", "EMPTY.TXT"), 0);
	assert_int_equal(vx_fat_rename(&vol, "sub", "Sub Renamed"), 0);
	assert_int_equal(vx_fat_sync(&vol), 0);
	assert_int_equal(vx_fat_free(&vol, &fc1, &fb), 0);
	assert_true(fc1 != fc0);

	/* the library reads its own writes after a fresh mount */
	assert_int_equal(mount_img(), 0);
	expect_file("Größe 70000.dat", 70000, 25);
	expect_file("renamed multi.bin", 100000, 4);
	expect_file("Sub Renamed/deeper/x.bin", 5000, 10);
	expect_file("smile \xF0\x9F\x98\x80.txt", 3000, 30);
	uint32_t fc2;
	assert_int_equal(vx_fat_free(&vol, &fc2, &fb), 0);
	assert_int_equal(fc2, fc1);

	snprintf(host, sizeof(host), "%s/w.img", dir);
	spill(host, img, img_len);
	/* fsck.fat counts the same free clusters as the library */
	assert_int_equal(fsck_clean(host), fc1);
	for (size_t i = 0; i < 8; i++) {
		uint8_t *w = malloc(after[i].len + 1);
		pattern(w, after[i].len, after[i].seed);
		mcopy_matches(host, after[i].path, w, after[i].len);
		free(w);
	}
	for (int i = 0; i < 40; i++) {
		char p[64];
		uint8_t w[40 * 37];
		snprintf(p, sizeof(p), "crowd/a rather long name %02d.txt", i);
		pattern(w, (size_t)i * 37, 100 + (uint32_t)i);
		mcopy_matches(host, p, w, (size_t)i * 37);
	}
	mcopy_matches(host, "ONE.BIN", b, 5000);
	uint8_t *m = malloc(3 << 20);
	pattern(m, 100000, 4);
	mcopy_matches(host, "renamed multi.bin", m, 100000);
	pattern(m, 3 << 20, 5);
	memset(m + 1000001, 0, 2);
	mcopy_matches(host, "big.bin", m, 1000003);
	pattern(m, 5000, 10);
	mcopy_matches(host, "Sub Renamed/deeper/x.bin", m, 5000);
	mcopy_matches(host, "EMPTY.TXT", m, 0);
	pattern(m, 777, 7);
	mcopy_matches(host, "naïve café.txt", m, 777);
	for (size_t i = 9; i < NAFTER; i++) {
		if (sh(ENV "mcopy -n -i %s '::/%s' %s/gone 2>/dev/null", host, after[i].path,
		       dir) == 0)
			fail_msg("%s should be gone", after[i].path);
	}
	if (sh(ENV "mcopy -n -i %s '::/empty dir' %s/gone 2>/dev/null", host, dir) == 0)
		fail_msg("empty dir should be gone");
	free(m);
	free(b);
}

/* --- hostile images: the BPB -------------------------------------------- */

static void put16(size_t off, uint16_t x)
{
	img[off] = (uint8_t)x;
	img[off + 1] = (uint8_t)(x >> 8);
}

static void put32(size_t off, uint32_t x)
{
	put16(off, (uint16_t)x);
	put16(off + 2, (uint16_t)(x >> 16));
}

static uint32_t get32(size_t off)
{
	return (uint32_t)img[off] | (uint32_t)img[off + 1] << 8 | (uint32_t)img[off + 2] << 16 |
	       (uint32_t)img[off + 3] << 24;
}

/* The fresh image mounts, and its free count is the FAT's. */
static void test_mount_fresh(void **state)
{
	uint32_t fc;
	uint64_t fb;

	(void)state;
	assert_int_equal(mount_img(), 0);
	assert_int_equal(vol.why, VX_FAT_OK);
	assert_int_equal(vx_fat_free(&vol, &fc, &fb), 0);
	assert_int_equal(fc, vol.nclusters - 1);
}

/* Sets a BPB field and expects mount to refuse with err for why. */
static void refuses(size_t off, int width, uint32_t val, int err, enum vx_fat_why why)
{
	reset(NULL);
	if (width == 1)
		img[off] = (uint8_t)val;
	else if (width == 2)
		put16(off, (uint16_t)val);
	else
		put32(off, val);
	int rc = mount_img();
	if (rc != err || vol.why != why)
		fail_msg("BPB +%zu = %#x: got %d (%s), want %d (%s)", off, val, rc,
			 vx_fat_why_str(vol.why), err, vx_fat_why_str(why));
}

static void test_bpb_signature(void **state)
{
	(void)state;
	refuses(510, 1, 0x00, VX_E_CORRUPT, VX_FAT_BAD_SIGNATURE);
	refuses(511, 1, 0x55, VX_E_CORRUPT, VX_FAT_BAD_SIGNATURE);
}

static void test_bpb_jump(void **state)
{
	(void)state;
	refuses(0, 1, 0x00, VX_E_CORRUPT, VX_FAT_BAD_JUMP);
}

static void test_bpb_sector_size(void **state)
{
	(void)state;
	refuses(11, 2, 4096, VX_E_CORRUPT, VX_FAT_BAD_SECTOR_SIZE);
	refuses(11, 2, 0, VX_E_CORRUPT, VX_FAT_BAD_SECTOR_SIZE);
}

static void test_bpb_cluster_size(void **state)
{
	(void)state;
	refuses(13, 1, 0, VX_E_CORRUPT, VX_FAT_BAD_CLUSTER_SIZE);
	refuses(13, 1, 3, VX_E_CORRUPT, VX_FAT_BAD_CLUSTER_SIZE);
	refuses(13, 1, 96, VX_E_CORRUPT, VX_FAT_BAD_CLUSTER_SIZE);
}

static void test_bpb_reserved(void **state)
{
	(void)state;
	refuses(14, 2, 0, VX_E_CORRUPT, VX_FAT_BAD_RESERVED);
}

static void test_bpb_num_fats(void **state)
{
	(void)state;
	refuses(16, 1, 0, VX_E_CORRUPT, VX_FAT_BAD_NUM_FATS);
	refuses(16, 1, 3, VX_E_CORRUPT, VX_FAT_BAD_NUM_FATS);
	/* mirroring off, active FAT 2 of 2 */
	refuses(40, 2, 0x82, VX_E_CORRUPT, VX_FAT_BAD_NUM_FATS);
}

static void test_bpb_media(void **state)
{
	(void)state;
	refuses(21, 1, 0x12, VX_E_CORRUPT, VX_FAT_BAD_MEDIA);
}

static void test_bpb_fat16_fields(void **state)
{
	(void)state;
	refuses(17, 2, 512, VX_E_TYPE, VX_FAT_NOT_FAT32);
	refuses(19, 2, 60000, VX_E_TYPE, VX_FAT_NOT_FAT32);
	refuses(22, 2, 200, VX_E_TYPE, VX_FAT_NOT_FAT32);
}

static void test_bpb_version(void **state)
{
	(void)state;
	refuses(42, 2, 0x0100, VX_E_CORRUPT, VX_FAT_BAD_VERSION);
}

static void test_bpb_total(void **state)
{
	(void)state;
	refuses(32, 4, 0, VX_E_CORRUPT, VX_FAT_BAD_TOTAL);
	refuses(36, 4, 0, VX_E_CORRUPT, VX_FAT_BAD_TOTAL);
	refuses(32, 4, 100, VX_E_CORRUPT, VX_FAT_BAD_TOTAL);
}

static void test_bpb_cluster_counts(void **state)
{
	uint32_t data = 32 + 2 * get32(36);

	(void)state;
	refuses(32, 4, data + 4084, VX_E_TYPE, VX_FAT_FAT12);
	refuses(32, 4, data + 4085, VX_E_TYPE, VX_FAT_FAT16);
	refuses(32, 4, data + 65524, VX_E_TYPE, VX_FAT_FAT16);
	refuses(32, 4, 0xFFFFFFF0, VX_E_CORRUPT, VX_FAT_TOO_MANY_CLUSTERS);
}

static void test_bpb_fat_too_small(void **state)
{
	(void)state;
	refuses(36, 4, 600, VX_E_CORRUPT, VX_FAT_BAD_FAT_SIZE);
}

static void test_bpb_larger_than_device(void **state)
{
	(void)state;
	refuses(32, 4, IMG_KIB * 2 + 1, VX_E_RANGE, VX_FAT_TOO_BIG);
}

static void test_bpb_root(void **state)
{
	(void)state;
	refuses(44, 4, 0, VX_E_CORRUPT, VX_FAT_BAD_ROOT);
	refuses(44, 4, 1, VX_E_CORRUPT, VX_FAT_BAD_ROOT);
	refuses(44, 4, 0x0FFFFFF0, VX_E_CORRUPT, VX_FAT_BAD_ROOT);
	/* in range but free */
	refuses(44, 4, 1000, VX_E_CORRUPT, VX_FAT_BAD_ROOT);
}

static void test_bpb_fsinfo_sector(void **state)
{
	(void)state;
	refuses(48, 2, 32, VX_E_CORRUPT, VX_FAT_BAD_FSINFO_SECTOR);
}

/* FSInfo is a hint: a bad signature or an implausible count is recounted. */
static void test_fsinfo_hint(void **state)
{
	uint32_t fc;
	uint64_t fb;

	(void)state;
	put32(512 + 488, 0xFFFFFFFF);
	assert_int_equal(mount_img(), 0);
	assert_int_equal(vx_fat_free(&vol, &fc, &fb), 0);
	assert_int_equal(fc, vol.nclusters - 1);
	reset(NULL);
	put32(512 + 488, 5000000);
	assert_int_equal(mount_img(), 0);
	assert_int_equal(vol.free_count, vol.nclusters - 1);
	reset(NULL);
	put32(512, 0x12345678);
	put32(512 + 488, 7);
	assert_int_equal(mount_img(), 0);
	assert_int_equal(vol.fsinfo_lba, 0);
	assert_int_equal(vol.free_count, vol.nclusters - 1);
}

/* --- hostile images: chains and entries --------------------------------- */

/* The FAT entry of cluster c in FAT 0 and 1 of img. */
static void set_fat(uint32_t c, uint32_t val)
{
	for (uint32_t f = 0; f < 2; f++)
		put32((size_t)(vol.fat_lba + f * vol.fat_size) * 512 + c * 4, val);
	vol.fat_cached = UINT32_MAX; /* the test wrote behind the library's back */
	vol.sec_lba = UINT64_MAX;
}

/* Makes a file of len pattern bytes, syncs, and fills *n. */
static void make_file(const char *path, size_t len, struct vx_fat_node *n)
{
	assert_int_equal(mount_img(), 0);
	put_file(path, len, 42);
	assert_int_equal(vx_fat_sync(&vol), 0);
	assert_int_equal(mount_img(), 0);
	assert_int_equal(vx_fat_lookup(&vol, path, n), 0);
}

static void test_chain_loop(void **state)
{
	struct vx_fat_node n;
	uint8_t buf[8192];

	(void)state;
	make_file("loop.bin", 2048, &n); /* four clusters */
	set_fat(n.first + 3, n.first);	 /* the last one leads back to the first */
	n.size = 8192;
	assert_int_equal(vx_fat_read(&vol, &n, 0, buf, sizeof(buf)), VX_E_CORRUPT);
	/* a self-loop */
	set_fat(n.first, n.first);
	assert_int_equal(vx_fat_read(&vol, &n, 0, buf, sizeof(buf)), VX_E_CORRUPT);
	/* extending walks to the end of the chain: the loop is found there too */
	n.size = 100;
	assert_int_equal(vx_fat_write(&vol, &n, 5000, buf, 10), VX_E_CORRUPT);
	/* and unlinking does not spin */
	assert_int_equal(vx_fat_unlink(&vol, "loop.bin"), VX_E_CORRUPT);
}

static void test_chain_beyond_last_cluster(void **state)
{
	struct vx_fat_node n;
	uint8_t buf[2048];

	(void)state;
	make_file("far.bin", 2048, &n);
	set_fat(n.first + 1, vol.nclusters + 2);
	assert_int_equal(vx_fat_read(&vol, &n, 0, buf, sizeof(buf)), VX_E_CORRUPT);
	set_fat(n.first + 1, 0x0FFFFFF7); /* a bad cluster */
	assert_int_equal(vx_fat_read(&vol, &n, 0, buf, sizeof(buf)), VX_E_CORRUPT);
	set_fat(n.first + 1, 1);
	assert_int_equal(vx_fat_read(&vol, &n, 0, buf, sizeof(buf)), VX_E_CORRUPT);
}

static void test_chain_shorter_than_size(void **state)
{
	struct vx_fat_node n;
	uint8_t buf[2048];

	(void)state;
	make_file("short.bin", 2048, &n);
	set_fat(n.first + 1, 0x0FFFFFFF);
	assert_int_equal(vx_fat_read(&vol, &n, 0, buf, 512), 512);
	assert_int_equal(vx_fat_read(&vol, &n, 0, buf, sizeof(buf)), VX_E_CORRUPT);
}

/* Two files share clusters: freeing one leaves the other linking to a
 * free cluster, which is VX_E_CORRUPT rather than someone else's data. */
static void test_cross_link(void **state)
{
	struct vx_fat_node a, b;
	uint8_t buf[2048];

	(void)state;
	make_file("a.bin", 2048, &a);
	assert_int_equal(mount_img(), 0);
	put_file("b.bin", 2048, 43);
	assert_int_equal(vx_fat_sync(&vol), 0);
	assert_int_equal(vx_fat_lookup(&vol, "b.bin", &b), 0);
	set_fat(b.first, a.first + 1); /* b's second cluster is a's */
	assert_int_equal(mount_img(), 0);
	assert_int_equal(vx_fat_unlink(&vol, "a.bin"), 0);
	assert_int_equal(vx_fat_read(&vol, &b, 0, buf, sizeof(buf)), VX_E_CORRUPT);
}

/* The sector and offset of 32-byte entry idx of directory cluster c. */
static size_t ent_at(uint32_t c, uint32_t idx)
{
	return (size_t)(vol.data_lba + (c - 2)) * 512 + idx * 32;
}

static void test_lfn_wrong_checksum(void **state)
{
	struct vx_fat_node n, root;
	struct vx_fat_dircur cur = {0};
	struct vx_fat_dirent e;

	(void)state;
	make_file("Long Name File.txt", 10, &n);
	assert_int_equal(n.index - n.lfn_index, 2);
	img[ent_at(vol.root, n.lfn_index) + 13] ^= 1;
	img[ent_at(vol.root, n.lfn_index + 1) + 13] ^= 1;
	assert_int_equal(mount_img(), 0);
	assert_int_equal(vx_fat_lookup(&vol, "Long Name File.txt", &n), VX_E_NOTFOUND);
	vx_fat_root(&vol, &root);
	assert_int_equal(vx_fat_readdir(&vol, &root, &cur, &e), 1);
	assert_string_equal(e.name, "LONGNA~1.TXT");
	assert_int_equal(vx_fat_lookup(&vol, "longna~1.txt", &n), 0);
	assert_int_equal(n.size, 10);
}

/* LFN entries out of order, or with no 8.3 entry after them, are dropped. */
static void test_lfn_orphans(void **state)
{
	struct vx_fat_node n, root;
	struct vx_fat_dircur cur = {0};
	struct vx_fat_dirent e;

	(void)state;
	make_file("Another Long Name.txt", 10, &n);
	/* the two LFN entries swapped */
	uint8_t t[32];
	size_t p = ent_at(vol.root, n.lfn_index), q = ent_at(vol.root, n.lfn_index + 1);
	memcpy(t, img + p, 32);
	memcpy(img + p, img + q, 32);
	memcpy(img + q, t, 32);
	assert_int_equal(mount_img(), 0);
	vx_fat_root(&vol, &root);
	assert_int_equal(vx_fat_readdir(&vol, &root, &cur, &e), 1);
	assert_string_equal(e.name, "ANOTHE~1.TXT");
	/* the 8.3 entry deleted: the LFN entries are orphans and nothing shows */
	img[ent_at(vol.root, n.index)] = 0xE5;
	memset(&cur, 0, sizeof(cur));
	assert_int_equal(mount_img(), 0);
	assert_int_equal(vx_fat_readdir(&vol, &root, &cur, &e), 0);
	/* an LFN entry with order 0 or beyond 20 */
	reset(NULL);
	make_file("Third Long Name.txt", 10, &n);
	img[ent_at(vol.root, n.lfn_index)] = 0x40 | 25;
	assert_int_equal(mount_img(), 0);
	memset(&cur, 0, sizeof(cur));
	assert_int_equal(vx_fat_readdir(&vol, &root, &cur, &e), 1);
	assert_string_equal(e.name, "THIRDL~1.TXT");
}

/* 20 LFN entries hold 260 units: with no terminator that is too long a
 * name, and the 8.3 name stands in (no write past the 255-unit buffer). */
static void test_lfn_overlong(void **state)
{
	struct vx_fat_node n, root;
	struct vx_fat_dircur cur = {0};
	struct vx_fat_dirent e;
	char name[256];
	const int at[5] = {22, 24, 28, 30, 20}; /* units 255..259 of the order-20 entry */

	(void)state;
	memset(name, 'q', 255);
	name[255] = 0;
	make_file(name, 10, &n);
	assert_int_equal(n.index - n.lfn_index, 20);
	size_t first = ent_at(vol.root, n.lfn_index);
	assert_int_equal(img[first], 0x40 | 20);
	for (int i = 0; i < 5; i++)
		put16(first + (size_t)at[i], 'z');
	assert_int_equal(mount_img(), 0);
	vx_fat_root(&vol, &root);
	assert_int_equal(vx_fat_readdir(&vol, &root, &cur, &e), 1);
	assert_string_equal(e.name, "QQQQQQ~1");
}

static void test_dirent_garbage(void **state)
{
	struct vx_fat_node n, root;
	struct vx_fat_dircur cur = {0};
	struct vx_fat_dirent e;

	(void)state;
	make_file("G.TXT", 10, &n);
	size_t at = ent_at(vol.root, n.index);
	img[at + 3] = 0x01; /* a control byte in the 8.3 name */
	assert_int_equal(mount_img(), 0);
	vx_fat_root(&vol, &root);
	assert_int_equal(vx_fat_readdir(&vol, &root, &cur, &e), VX_E_CORRUPT);
	img[at + 3] = ' ';
	put16(at + 20, 0x7FFF); /* its cluster out of range */
	memset(&cur, 0, sizeof(cur));
	assert_int_equal(mount_img(), 0);
	assert_int_equal(vx_fat_readdir(&vol, &root, &cur, &e), VX_E_CORRUPT);
	assert_int_equal(vx_fat_lookup(&vol, "G.TXT", &n), VX_E_CORRUPT);
	put16(at + 20, 0);
	put16(at + 26, 0); /* no cluster, yet 10 bytes */
	assert_int_equal(mount_img(), 0);
	assert_int_equal(vx_fat_lookup(&vol, "G.TXT", &n), VX_E_CORRUPT);
}

/* An 8.3 name holding bytes no name may hold (DEL, '/', ':') reads with
 * '_' in their place, and that name reaches the file: a listing never
 * prints DEL raw, and no entry is out of a path's reach. */
static void test_short_name_bad_bytes(void **state)
{
	struct vx_fat_node n, got, root;
	struct vx_fat_dircur cur = {0};
	struct vx_fat_dirent e;

	(void)state;
	make_file("H.TXT", 10, &n);
	size_t at = ent_at(vol.root, n.index);
	img[at + 1] = 0x7F;
	img[at + 2] = '/';
	img[at + 9] = ':';
	assert_int_equal(mount_img(), 0);
	vx_fat_root(&vol, &root);
	assert_int_equal(vx_fat_readdir(&vol, &root, &cur, &e), 1);
	assert_string_equal(e.name, "H__.T_T");
	assert_int_equal(vx_fat_lookup(&vol, "H__.T_T", &got), VX_OK);
	assert_int_equal(got.index, n.index);
	assert_int_equal(got.size, 10);
}

/* A directory whose chain loops is VX_E_CORRUPT, not an endless listing. */
static void test_directory_loop(void **state)
{
	struct vx_fat_node d;
	struct vx_fat_dircur cur = {0};
	struct vx_fat_dirent e;
	int rc, n = 0;

	(void)state;
	assert_int_equal(mount_img(), 0);
	assert_int_equal(vx_fat_mkdir(&vol, "d"), 0);
	for (int i = 0; i < 30; i++) {
		char p[32];
		snprintf(p, sizeof(p), "d/F%d", i);
		assert_int_equal(vx_fat_create(&vol, p, &d), 0);
	}
	assert_int_equal(vx_fat_sync(&vol), 0);
	assert_int_equal(vx_fat_lookup(&vol, "d", &d), 0);
	set_fat(d.first + 1, d.first); /* its second cluster leads to its first */
	assert_int_equal(mount_img(), 0);
	while ((rc = vx_fat_readdir(&vol, &d, &cur, &e)) == 1)
		assert_true(++n < 100);
	assert_int_equal(rc, VX_E_CORRUPT);
}

/* With mirroring off (ExtFlags bit 7) only the active FAT is used. */
static void test_fat_mirroring_off(void **state)
{
	struct vx_fat_node n;
	size_t fat0, fat1;

	(void)state;
	put16(40, 0x81); /* FAT 1 active, not mirrored */
	assert_int_equal(mount_img(), 0);
	fat0 = (size_t)vol.fat_lba * 512;
	fat1 = (size_t)(vol.fat_lba + vol.fat_size) * 512;
	put_file("m.bin", 2000, 50);
	assert_int_equal(vx_fat_sync(&vol), 0);
	assert_int_equal(get32(fat0 + 3 * 4), 0);     /* FAT 0 untouched */
	assert_int_not_equal(get32(fat1 + 3 * 4), 0); /* FAT 1 holds the chain */
	assert_int_equal(mount_img(), 0);
	assert_int_equal(vx_fat_lookup(&vol, "m.bin", &n), 0);
	expect_file("m.bin", 2000, 50);
}

/* A device error comes back unchanged. */
static void test_device_error_passes_through(void **state)
{
	struct vx_fat_node n;

	(void)state;
	assert_int_equal(mount_img(), 0);
	assert_int_equal(vx_fat_create(&vol, "f", &n), 0);
	fail_writes = 1;
	assert_int_equal(vx_fat_write(&vol, &n, 0, "abc", 3), VX_E_FAULT);
	fail_writes = 0;
	assert_int_equal(vx_fat_write(&vol, &n, 0, "abc", 3), 3);
}

/* --- limits ------------------------------------------------------------- */

/* 65536 entries fill a directory: the next name is VX_E_FULL. */
static void test_directory_full(void **state)
{
	struct vx_fat_node n;
	size_t bytes = (size_t)VX_FAT_DIR_ENTRIES * 32;
	uint8_t *ents = calloc(1, bytes);

	(void)state;
	for (uint32_t i = 0; i < VX_FAT_DIR_ENTRIES; i++) {
		char nm[12];
		snprintf(nm, sizeof(nm), "F%07u   ", i);
		memcpy(ents + i * 32, nm, 11);
		ents[i * 32 + 11] = VX_FAT_ARCH;
	}
	/* a file holding 65536 entries, then turned into a directory */
	assert_int_equal(mount_img(), 0);
	assert_int_equal(vx_fat_create(&vol, "full", &n), 0);
	assert_int_equal(vx_fat_write(&vol, &n, 0, ents, (uint32_t)bytes), (long)bytes);
	assert_int_equal(vx_fat_sync(&vol), 0);
	img[n.ent_lba * 512 + n.ent_off + 11] = VX_FAT_DIR;
	put32(n.ent_lba * 512 + n.ent_off + 28, 0);
	assert_int_equal(mount_img(), 0);
	assert_int_equal(vx_fat_lookup(&vol, "full/F0065535", &n), 0);
	assert_int_equal(vx_fat_create(&vol, "full/one more", &n), VX_E_FULL);
	assert_int_equal(vx_fat_create(&vol, "full/ONE", &n), VX_E_FULL);
	free(ents);
}

/* A write larger than the free space is VX_E_NOMEM and changes nothing. */
static void test_disk_full(void **state)
{
	struct vx_fat_node n;
	uint32_t fc0, fc1;
	uint64_t fb;
	size_t len = (size_t)IMG_KIB * 1024;
	uint8_t *b = calloc(1, len);

	(void)state;
	assert_int_equal(mount_img(), 0);
	assert_int_equal(vx_fat_create(&vol, "huge", &n), 0);
	assert_int_equal(vx_fat_free(&vol, &fc0, &fb), 0);
	assert_int_equal(vx_fat_write(&vol, &n, 0, b, (uint32_t)len), VX_E_NOMEM);
	assert_int_equal(vx_fat_free(&vol, &fc1, &fb), 0);
	assert_int_equal(fc1, fc0);
	assert_int_equal(n.size, 0);
	assert_int_equal(n.first, 0);
	/* fill it exactly, then one byte more is refused */
	assert_int_equal(vx_fat_write(&vol, &n, 0, b, fc0 * 512), (long)fc0 * 512);
	assert_int_equal(vx_fat_free(&vol, &fc1, &fb), 0);
	assert_int_equal(fc1, 0);
	assert_int_equal(vx_fat_write(&vol, &n, fc0 * 512, b, 1), VX_E_NOMEM);
	assert_int_equal(vx_fat_mkdir(&vol, "nope"), VX_E_NOMEM);
	/* and the space comes back */
	assert_int_equal(vx_fat_truncate(&vol, &n, 0), 0);
	assert_int_equal(vx_fat_free(&vol, &fc1, &fb), 0);
	assert_int_equal(fc1, fc0);
	free(b);
}

static void test_name_too_long(void **state)
{
	struct vx_fat_node n, root;
	struct vx_fat_dircur cur = {0};
	struct vx_fat_dirent e;
	char name[300];

	(void)state;
	assert_int_equal(mount_img(), 0);
	memset(name, 'x', 256);
	name[256] = 0;
	assert_int_equal(vx_fat_create(&vol, name, &n), VX_E_TOOBIG);
	name[255] = 0;
	assert_int_equal(vx_fat_create(&vol, name, &n), 0);
	vx_fat_root(&vol, &root);
	assert_int_equal(vx_fat_readdir(&vol, &root, &cur, &e), 1);
	assert_string_equal(e.name, name);
	/* 128 characters outside the BMP are 256 UTF-16 units */
	char wide[600] = "";
	for (int i = 0; i < 128; i++)
		strcat(wide, "\xF0\x9F\x98\x80");
	assert_int_equal(vx_fat_create(&vol, wide, &n), VX_E_TOOBIG);
	wide[127 * 4] = 0;
	assert_int_equal(vx_fat_create(&vol, wide, &n), 0);
	assert_int_equal(vx_fat_lookup(&vol, wide, &n), 0);
}

static void test_path_component_too_long(void **state)
{
	struct vx_fat_node n;
	char path[700];

	(void)state;
	assert_int_equal(mount_img(), 0);
	strcpy(path, "a/");
	memset(path + 2, 'y', 300);
	strcpy(path + 302, "/b");
	assert_int_equal(vx_fat_lookup(&vol, path, &n), VX_E_TOOBIG);
	/* too deep, and too long altogether */
	path[0] = 0;
	for (int i = 0; i < VX_FAT_DEPTH_MAX + 1; i++)
		strcat(path, "d/");
	assert_int_equal(vx_fat_lookup(&vol, path, &n), VX_E_DEPTH);
	char *huge = malloc(VX_FAT_PATH_MAX + 2);
	memset(huge, '/', VX_FAT_PATH_MAX + 1);
	huge[VX_FAT_PATH_MAX + 1] = 0;
	assert_int_equal(vx_fat_lookup(&vol, huge, &n), VX_E_TOOBIG);
	free(huge);
}

static void test_bad_names(void **state)
{
	struct vx_fat_node n;
	const char *bad[] = {"a:b", "a*", "q?",	  "lt<",      "back\\slash",  "trail.", "trail ",
			     ".",   "..", "\xC3", "\xC0\xAF", "\xED\xA0\x80", "tab\t"};

	(void)state;
	assert_int_equal(mount_img(), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (vx_fat_create(&vol, bad[i], &n) != VX_E_INVAL)
			fail_msg("name %zu was accepted", i);
	}
	assert_int_equal(vx_fat_create(&vol, "", &n), VX_E_INVAL);
	assert_int_equal(vx_fat_create(&vol, "/", &n), VX_E_INVAL);
}

static void test_file_size_limit(void **state)
{
	struct vx_fat_node n;
	uint8_t b[32] = {0};

	(void)state;
	assert_int_equal(mount_img(), 0);
	assert_int_equal(vx_fat_create(&vol, "f", &n), 0);
	assert_int_equal(vx_fat_write(&vol, &n, 0xFFFFFFF0u, b, 32), VX_E_TOOBIG);
	assert_int_equal(vx_fat_truncate(&vol, &n, 0xFFFFFFFFu), VX_E_NOMEM);
	assert_int_equal(n.size, 0);
}

/* The errors of the namespace operations. */
static void test_namespace_errors(void **state)
{
	struct vx_fat_node n;

	(void)state;
	assert_int_equal(mount_img(), 0);
	assert_int_equal(vx_fat_mkdir(&vol, "d"), 0);
	assert_int_equal(vx_fat_mkdir(&vol, "D"), VX_E_EXISTS);
	assert_int_equal(vx_fat_create(&vol, "d/f", &n), 0);
	assert_int_equal(vx_fat_create(&vol, "d/F", &n), VX_E_EXISTS);
	assert_int_equal(vx_fat_create(&vol, "d/f/g", &n), VX_E_TYPE);
	assert_int_equal(vx_fat_create(&vol, "nope/g", &n), VX_E_NOTFOUND);
	assert_int_equal(vx_fat_unlink(&vol, "d"), VX_E_BUSY);
	assert_int_equal(vx_fat_unlink(&vol, "/"), VX_E_INVAL);
	assert_int_equal(vx_fat_rename(&vol, "d/f", "g"), VX_E_INVAL);
	assert_int_equal(vx_fat_create(&vol, "d/g", &n), 0);
	assert_int_equal(vx_fat_rename(&vol, "d/f", "d/G"), VX_E_EXISTS);
	assert_int_equal(vx_fat_rename(&vol, "d/f", "d/h"), 0);
	assert_int_equal(vx_fat_lookup(&vol, "d/f", &n), VX_E_NOTFOUND);
	assert_int_equal(vx_fat_lookup(&vol, "d/h", &n), 0);
	assert_int_equal(vx_fat_read(&vol, &n, 0, NULL, 0), 0);
	assert_int_equal(vx_fat_lookup(&vol, "d", &n), 0);
	assert_int_equal(vx_fat_write(&vol, &n, 0, "x", 1), VX_E_TYPE);
	assert_int_equal(vx_fat_unlink(&vol, "d/h"), 0);
	assert_int_equal(vx_fat_unlink(&vol, "d/g"), 0);
	assert_int_equal(vx_fat_unlink(&vol, "d"), 0);
}

/* 8.3 aliases are unique: ~1, ~2, ... and then hashed tails. */
static void test_alias_unique(void **state)
{
	struct vx_fat_node n, root;
	struct vx_fat_dircur cur = {0};
	struct vx_fat_dirent e;
	char seen[12][13];
	int k = 0, rc;

	(void)state;
	assert_int_equal(mount_img(), 0);
	for (int i = 0; i < 12; i++) {
		char p[64];
		snprintf(p, sizeof(p), "Same Prefix Name %d.text", i);
		assert_int_equal(vx_fat_create(&vol, p, &n), 0);
	}
	vx_fat_root(&vol, &root);
	while ((rc = vx_fat_readdir(&vol, &root, &cur, &e)) == 1) {
		for (int j = 0; j < k; j++)
			assert_string_not_equal(seen[j], e.short_name);
		strcpy(seen[k++], e.short_name);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(k, 12);
	assert_string_equal(seen[0], "SAMEPR~1.TEX");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_reads_mtools_volume, reset),
	    cmocka_unit_test_setup(test_writes_pass_fsck_and_mcopy, reset),
	    cmocka_unit_test_setup(test_mount_fresh, reset),
	    cmocka_unit_test_setup(test_bpb_signature, reset),
	    cmocka_unit_test_setup(test_bpb_jump, reset),
	    cmocka_unit_test_setup(test_bpb_sector_size, reset),
	    cmocka_unit_test_setup(test_bpb_cluster_size, reset),
	    cmocka_unit_test_setup(test_bpb_reserved, reset),
	    cmocka_unit_test_setup(test_bpb_num_fats, reset),
	    cmocka_unit_test_setup(test_bpb_media, reset),
	    cmocka_unit_test_setup(test_bpb_fat16_fields, reset),
	    cmocka_unit_test_setup(test_bpb_version, reset),
	    cmocka_unit_test_setup(test_bpb_total, reset),
	    cmocka_unit_test_setup(test_bpb_cluster_counts, reset),
	    cmocka_unit_test_setup(test_bpb_fat_too_small, reset),
	    cmocka_unit_test_setup(test_bpb_larger_than_device, reset),
	    cmocka_unit_test_setup(test_bpb_root, reset),
	    cmocka_unit_test_setup(test_bpb_fsinfo_sector, reset),
	    cmocka_unit_test_setup(test_fsinfo_hint, reset),
	    cmocka_unit_test_setup(test_chain_loop, reset),
	    cmocka_unit_test_setup(test_chain_beyond_last_cluster, reset),
	    cmocka_unit_test_setup(test_chain_shorter_than_size, reset),
	    cmocka_unit_test_setup(test_cross_link, reset),
	    cmocka_unit_test_setup(test_lfn_wrong_checksum, reset),
	    cmocka_unit_test_setup(test_lfn_orphans, reset),
	    cmocka_unit_test_setup(test_lfn_overlong, reset),
	    cmocka_unit_test_setup(test_dirent_garbage, reset),
	    cmocka_unit_test_setup(test_short_name_bad_bytes, reset),
	    cmocka_unit_test_setup(test_directory_loop, reset),
	    cmocka_unit_test_setup(test_fat_mirroring_off, reset),
	    cmocka_unit_test_setup(test_device_error_passes_through, reset),
	    cmocka_unit_test_setup(test_directory_full, reset),
	    cmocka_unit_test_setup(test_disk_full, reset),
	    cmocka_unit_test_setup(test_name_too_long, reset),
	    cmocka_unit_test_setup(test_path_component_too_long, reset),
	    cmocka_unit_test_setup(test_bad_names, reset),
	    cmocka_unit_test_setup(test_file_size_limit, reset),
	    cmocka_unit_test_setup(test_namespace_errors, reset),
	    cmocka_unit_test_setup(test_alias_unique, reset),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
