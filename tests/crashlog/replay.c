/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * replay: every power-cut state of a real guest's disk, from the log QEMU's
 * blklogwrites driver kept of it (tests/qemu/crashlog_test.py).
 *
 *     replay BASE LOG [SUBSETS]
 *
 * BASE is the disk image as it was when the guest booted (a whole-disk
 * Keep volume), LOG the dm-log-writes log of everything the guest wrote
 * (tests/support/logwrites.h).  A write cache may reorder and drop the
 * writes between two flushes, so the states a power cut can leave are:
 * at each flush, everything before it; and between two flushes, the state
 * at the first plus any subset of the writes in between.  For each flush
 * point it builds that image, and SUBSETS (default 16) random subsets of
 * the writes after it, plus each single write alone.  Each image is
 * mounted as Keep mounts at boot (recovery that the file system does by
 * itself is allowed) and checked with vx_keep_check, and its contents
 * are printed as a listing, so the caller can tell whether each state is
 * one the guest committed:
 *
 *     state N at=flush|write|subset violations=V signature=HEX
 *     file SIGNATURE PATH file|dir SIZE SHA256-PREFIX (once per signature)
 *     states N
 *
 * A state that does not mount prints "state N mount=ERROR why=...".
 * Exit status: 0 when it ran (the verdict is the caller's), 2 on bad
 * usage or an unreadable log.
 */
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vectra/abi.h"
#include "crypto/blake3.h"
#include "crypto/sha2.h"
#include "fs/keep.h"
#include "rt/errstr.h"
#include "../support/logwrites.h"

#define MAX_PEND 65536
#define MAX_SIGS 4096
#define WORK	 (4u << 20)

static uint8_t *img, *cut;
static size_t img_len;
static struct vx_keep vol;
static _Alignas(64) uint8_t work[WORK];
static char seen[MAX_SIGS][65];
static int nseen;
static unsigned long nstates;
static uint64_t rng = 0x2545f4914f6cdd1dull;

static int d_read(void *ctx, uint64_t lba, uint32_t n, void *buf)
{
	(void)ctx;
	if ((lba + n) * 512 > img_len)
		return VX_E_RANGE;
	memcpy(buf, cut + lba * 512, (size_t)n * 512);
	return 0;
}

static int d_write(void *ctx, uint64_t lba, uint32_t n, const void *buf)
{
	(void)ctx;
	if ((lba + n) * 512 > img_len)
		return VX_E_RANGE;
	memcpy(cut + lba * 512, buf, (size_t)n * 512);
	return 0;
}

static int d_flush(void *ctx)
{
	(void)ctx;
	return 0;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc(*len ? *len : 1);
	if (p && fread(p, 1, *len, f) != *len) {
		free(p);
		p = NULL;
	}
	fclose(f);
	return p;
}

/* The listing of the mounted volume: one line per entry, sorted. */
struct line {
	char text[360];
};
static struct line lines[8192];
static int nlines;

static int cmp_line(const void *a, const void *b)
{
	return strcmp(((const struct line *)a)->text, ((const struct line *)b)->text);
}

static int list_dir(const struct vx_keep_node *dir, const char *prefix, int depth)
{
	static struct vx_keep_dirent e[16];
	static uint8_t buf[65536];
	struct vx_keep_dircur cur = {0};
	int rc;

	if (depth >= 16)
		return VX_E_DEPTH;
	while ((rc = vx_keep_readdir(&vol, dir, &cur, &e[depth])) == 1) {
		char path[300];
		uint8_t h[32];
		struct vx_sha256 b;
		snprintf(path, sizeof(path), "%s/%s", prefix, e[depth].name);
		vx_sha256_init(&b);
		if (e[depth].node.type == VX_KEEP_FILE) {
			for (uint64_t off = 0; off < e[depth].node.size;) {
				long n = vx_keep_read(&vol, &e[depth].node, off, buf, sizeof(buf));
				if (n <= 0)
					return n < 0 ? (int)n : VX_E_CORRUPT;
				vx_sha256_update(&b, buf, (size_t)n);
				off += (uint64_t)n;
			}
		}
		vx_sha256_final(&b, h);
		if (nlines == (int)(sizeof(lines) / sizeof(lines[0])))
			return VX_E_FULL;
		snprintf(lines[nlines++].text, sizeof(lines[0].text),
			 "%s %s %llu %02x%02x%02x%02x%02x%02x", path,
			 e[depth].node.type == VX_KEEP_DIR ? "dir" : "file",
			 (unsigned long long)e[depth].node.size, h[0], h[1], h[2], h[3], h[4],
			 h[5]);
		if (e[depth].node.type == VX_KEEP_DIR) {
			struct vx_keep_node sub = e[depth].node;
			if ((rc = list_dir(&sub, path, depth + 1)) != VX_OK)
				return rc;
		}
	}
	return rc;
}

/* Mounts cut as it is now, checks it and prints its state. */
static void judge(const char *at)
{
	struct vx_blkdev dev = {NULL, d_read, d_write, d_flush, img_len / 512};
	struct vx_keep_node root;
	unsigned long n = nstates++;
	int rc = vx_keep_mount(&vol, &dev, work, sizeof(work), 0);

	if (rc != VX_OK) {
		printf("state %lu at=%s mount=%s why=%s\n", n, at, vx_errname(rc),
		       vx_keep_why_str(vol.why));
		return;
	}
	long bad = vx_keep_check(&vol, NULL, NULL);
	nlines = 0;
	rc = vx_keep_root(&vol, &root);
	if (rc == VX_OK)
		rc = list_dir(&root, "", 0);
	if (rc != VX_OK) {
		printf("state %lu at=%s violations=%ld list=%s\n", n, at, bad, vx_errname(rc));
		return;
	}
	qsort(lines, (size_t)nlines, sizeof(lines[0]), cmp_line);
	struct vx_blake3 b;
	uint8_t h[32];
	char sig[65];
	vx_blake3_init(&b);
	for (int i = 0; i < nlines; i++)
		vx_blake3_update(&b, lines[i].text, strlen(lines[i].text) + 1);
	vx_blake3_final(&b, h, 32);
	for (int i = 0; i < 32; i++)
		snprintf(sig + 2 * i, 3, "%02x", h[i]);
	printf("state %lu at=%s violations=%ld signature=%s\n", n, at, bad, sig);
	for (int i = 0; i < nseen; i++)
		if (strcmp(seen[i], sig) == 0)
			return;
	if (nseen < MAX_SIGS)
		memcpy(seen[nseen++], sig, sizeof(sig));
	for (int i = 0; i < nlines; i++)
		printf("file %s %s\n", sig, lines[i].text);
}

struct pend {
	uint64_t sector, count;
	const uint8_t *data;
};
static struct pend pend[MAX_PEND];

static void apply(uint8_t *to, const struct pend *p, uint32_t ss)
{
	uint64_t at = p->sector * ss, n = p->count * ss;

	if (at <= img_len && n <= img_len - at)
		memcpy(to + at, p->data, n);
}

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* The states between the durable image img and the next flush: every
 * single write, and random subsets, each on top of img. */
static void epoch(int npend, uint32_t ss, int subsets)
{
	for (int i = 0; i < npend; i++) {
		memcpy(cut, img, img_len);
		apply(cut, &pend[i], ss);
		judge("write");
	}
	for (int s = 0; s < subsets && npend > 1; s++) {
		memcpy(cut, img, img_len);
		for (int i = 0; i < npend; i++)
			if (rnd() & 1)
				apply(cut, &pend[i], ss);
		judge("write");
	}
}

int main(int argc, char **argv)
{
	struct lw_log log;
	struct lw_entry e;
	size_t loglen;
	int npend = 0, subsets = argc > 3 ? atoi(argv[3]) : 16, rc;

	if (argc < 3) {
		fprintf(stderr, "usage: replay BASE LOG [SUBSETS]\n");
		return 2;
	}
	uint8_t *logbuf = slurp(argv[2], &loglen);
	img = slurp(argv[1], &img_len);
	if (!img || !logbuf || lw_open(&log, logbuf, loglen) != 0 || img_len % 4096) {
		fprintf(stderr, "replay: cannot read %s or %s\n", argv[1], argv[2]);
		return 2;
	}
	cut = malloc(img_len);
	memcpy(cut, img, img_len);
	judge("flush"); /* the image as the guest found it */
	while ((rc = lw_next(&log, &e)) == 1) {
		if (e.flags & LW_FLUSH) {
			epoch(npend, log.sectorsize, subsets);
			for (int i = 0; i < npend; i++)
				apply(img, &pend[i], log.sectorsize);
			npend = 0;
			memcpy(cut, img, img_len);
			judge("flush"); /* everything before the flush */
			continue;
		}
		if (e.flags & (LW_MARK | LW_DISCARD))
			continue; /* a discard only lets old bytes stay: no state */
		if (npend == MAX_PEND) {
			fprintf(stderr, "replay: more than %d writes between two flushes\n",
				MAX_PEND);
			return 2;
		}
		pend[npend++] = (struct pend){e.sector, e.nr_sectors, e.data};
		if (e.flags & LW_FUA) { /* durable on return: as if flushed alone */
			apply(img, &pend[npend - 1], log.sectorsize);
		}
	}
	if (rc < 0)
		fprintf(stderr, "replay: the log is damaged after entry %llu\n",
			(unsigned long long)log.next);
	epoch(npend, log.sectorsize, subsets); /* the writes after the last flush */
	printf("states %lu\n", nstates);
	return rc < 0 ? 2 : 0;
}
