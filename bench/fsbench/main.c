/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fsbench: the storage benchmarks of issue 11 inside VectraOS, the twin of
 * bench/linux/fsbench.c (docs/BENCHMARKS.md, "Storage").  A service of the
 * storage benchmark image (bench/etc/fsbench): it talks to vfsd over its
 * "fs" connection, the way every program does, on the root named by its
 * argument (HOME: by default), and prints
 *
 *     bench <name> median_ns=<n> iters=<n> elapsed_ns=<n>
 *
 * median_ns is the median over the runs (or operations) of the guest
 * instructions every Task and the kernel executed (under -icount shift=0
 * one guest ns is one instruction): the guest time less the time the CPU
 * spent halted, from CLOCK(1 + n).  While the CPU waits halted for the
 * disk, QEMU moves the guest clock to the next timer, which is not work;
 * the Linux twin subtracts its idle time the same way.  elapsed_ns is the
 * median guest time with those waits.  Sequential figures are per MiB,
 * the others per operation:
 *
 *   fs_seq_write_64m_per_mib       64 MiB in 1 MiB writes, then FS_SYNC
 *   fs_seq_read_cold_64m_per_mib   /cold (64 MiB put on the image by the
 *                                  host, never read this boot) in 1 MiB reads
 *   fs_rand_write_4k_fsync         4 KiB at a random 4 KiB offset of a
 *                                  64 MiB file, then FS_SYNC
 *   fs_create_write_fsync_unlink   create, write 4 KiB, FS_SYNC, remove
 *   fs_mount_1g_full               the mount of a full 1 GiB volume, as
 *                                  vfsd measured it (FS_MOUNTS): the run
 *                                  on a volume without /cold
 *
 * Then it says "fsbench: done" and ends the run through QEMU's debug exit
 * (its "exit" grant, port 0xf4), code 0 when every figure was measured.
 */
#include <stdint.h>
#include "rt/vx.h"
#include "rt/svc.h"
#include "rt/errstr.h"
#include "client/console.h"
#include "client/fs.h"
#include "vx_string.h"

#define FS_VA	 0x10000000ull
#define CON_VA	 0x10010000ull
#define BUF_VA	 0x20000000ull
#define FS_BIT	 1u
#define CON_BIT	 2u
#define MIB	 (1u << 20)
#define FILE_MIB 64u
#define SEQ_RUNS 3u
#define OPS	 200u
#define WARMUP	 16u
#define BLK	 4096u
#define MS	 1000000ull
#define CALL_NS	 (60000 * MS)

static struct {
	struct vx_client fs, con;
	bool have_con;
	vx_handle_t self, ret, buf, exit_port;
	uint8_t *p;
	const char *root;
	uint32_t ncpus;
	uint64_t seed;
	int failed;
} F;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (F.have_con)
		vx_con_vprintf(&F.con, (uint64_t)vx_clock() + 2000 * MS, fmt, ap);
	else
		vx_vprintf(fmt, ap);
	va_end(ap);
}

/* Guest time, and the time every CPU spent halted. */
struct span {
	uint64_t t, idle;
};

static struct span span_start(void)
{
	struct span s = {.idle = vx_clock_idle_all()};

	s.t = (uint64_t)vx_clock();
	return s;
}

static void span_end(struct span s, uint64_t div, uint64_t *elapsed, uint64_t *busy)
{
	uint64_t t = (uint64_t)vx_clock(), idle = vx_clock_idle_all() - s.idle;

	*elapsed = (t - s.t) / div;
	*busy = (t - s.t > idle ? t - s.t - idle : 0) / div;
}

static void sort(uint64_t *v, uint32_t n)
{
	for (uint32_t i = 1; i < n; i++)
		for (uint32_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

static void report(const char *name, uint64_t *elapsed, uint64_t *busy, uint32_t n)
{
	sort(elapsed, n);
	sort(busy, n);
	say("bench %s median_ns=%lu iters=%u elapsed_ns=%lu\n", name, (unsigned long)busy[n / 2], n,
	    (unsigned long)elapsed[n / 2]);
}

static bool ok(const char *what, int rc)
{
	if (rc == VX_OK)
		return true;
	say("fsbench: %s: %s\n", what, vx_strerror(rc));
	F.failed = 1;
	return false;
}

/* F.root + name, in a static buffer per slot. */
static const char *at(const char *name, int slot)
{
	static char path[2][FS_PATH_MAX + 1];

	vx_snprintf(path[slot], sizeof(path[slot]), "%s%s", F.root, name);
	return path[slot];
}

static uint64_t rnd(void)
{
	F.seed ^= F.seed << 13;
	F.seed ^= F.seed >> 7;
	F.seed ^= F.seed << 17;
	return F.seed;
}

static int write_file(const char *path, uint32_t mib)
{
	int rc = VX_OK;

	for (uint32_t i = 0; i < mib && rc == VX_OK; i++)
		rc = vx_fs_write_mem(&F.fs, path, (uint64_t)i * MIB, F.buf, MIB,
				     (uint64_t)vx_clock() + CALL_NS);
	return rc;
}

static void seq_write(void)
{
	uint64_t el[SEQ_RUNS], busy[SEQ_RUNS];
	const char *path = at("fsbench-seq", 0);

	for (uint32_t r = 0; r < SEQ_RUNS; r++) {
		vx_fs_remove(&F.fs, path, (uint64_t)vx_clock() + CALL_NS);
		if (!ok("sync", vx_fs_sync(&F.fs, F.root, (uint64_t)vx_clock() + CALL_NS)))
			return;
		struct span s = span_start();
		int rc = write_file(path, FILE_MIB);
		if (rc == VX_OK)
			rc = vx_fs_sync(&F.fs, F.root, (uint64_t)vx_clock() + CALL_NS);
		span_end(s, FILE_MIB, &el[r], &busy[r]);
		if (!ok("sequential write", rc))
			return;
	}
	vx_fs_remove(&F.fs, path, (uint64_t)vx_clock() + CALL_NS);
	vx_fs_sync(&F.fs, F.root, (uint64_t)vx_clock() + CALL_NS);
	report("fs_seq_write_64m_per_mib", el, busy, SEQ_RUNS);
}

static void seq_read(void)
{
	uint64_t el[SEQ_RUNS], busy[SEQ_RUNS];
	const char *path = at("cold", 0);
	struct fs_stat st;

	if (!ok("the cold file (put on the image by the host)",
		vx_fs_stat(&F.fs, path, &st, (uint64_t)vx_clock() + CALL_NS)))
		return;
	if (st.size < (uint64_t)FILE_MIB * MIB) {
		ok("the cold file is short", VX_E_RANGE);
		return;
	}
	/* Each run reads a different 64 MiB stretch where the file has it,
	 * else the same one again: vfsd keeps no page cache to warm. */
	for (uint32_t r = 0; r < SEQ_RUNS; r++) {
		uint64_t base = st.size >= (uint64_t)(r + 1) * FILE_MIB * MIB
				    ? (uint64_t)r * FILE_MIB * MIB
				    : 0;
		int rc = VX_OK;
		struct span s = span_start();
		for (uint32_t i = 0; i < FILE_MIB && rc == VX_OK; i++) {
			uint64_t got;
			rc = vx_fs_read_into(&F.fs, path, base + (uint64_t)i * MIB, F.buf, MIB,
					     &got, (uint64_t)vx_clock() + CALL_NS);
			if (rc == VX_OK && got != MIB)
				rc = VX_E_RANGE;
		}
		span_end(s, FILE_MIB, &el[r], &busy[r]);
		if (!ok("sequential read", rc))
			return;
	}
	report("fs_seq_read_cold_64m_per_mib", el, busy, SEQ_RUNS);
}

static void rand_write(void)
{
	static uint64_t el[OPS], busy[OPS];
	const char *path = at("fsbench-rand", 0);

	if (!ok("the random writes' file", write_file(path, FILE_MIB)) ||
	    !ok("sync", vx_fs_sync(&F.fs, F.root, (uint64_t)vx_clock() + CALL_NS)))
		return;
	for (uint32_t i = 0; i < WARMUP + OPS; i++) {
		uint64_t off = (rnd() % (FILE_MIB * (MIB / BLK))) * BLK;
		vx_sig_wait(0, (uint64_t)vx_clock() + 10 * MS); /* start from an idle system */
		struct span s = span_start();
		int rc =
		    vx_fs_write_mem(&F.fs, path, off, F.buf, BLK, (uint64_t)vx_clock() + CALL_NS);
		if (rc == VX_OK)
			rc = vx_fs_sync(&F.fs, F.root, (uint64_t)vx_clock() + CALL_NS);
		uint64_t e, b;
		span_end(s, 1, &e, &b);
		if (!ok("random write", rc))
			return;
		if (i >= WARMUP) {
			el[i - WARMUP] = e;
			busy[i - WARMUP] = b;
		}
	}
	vx_fs_remove(&F.fs, path, (uint64_t)vx_clock() + CALL_NS);
	vx_fs_sync(&F.fs, F.root, (uint64_t)vx_clock() + CALL_NS);
	report("fs_rand_write_4k_fsync", el, busy, OPS);
}

static void create_unlink(void)
{
	static uint64_t el[OPS], busy[OPS];
	char name[32];

	for (uint32_t i = 0; i < WARMUP + OPS; i++) {
		vx_snprintf(name, sizeof(name), "fsbench-f%u", i);
		const char *path = at(name, 0);
		vx_sig_wait(0, (uint64_t)vx_clock() + 10 * MS);
		struct span s = span_start();
		int rc = vx_fs_create(&F.fs, path, (uint64_t)vx_clock() + CALL_NS);
		if (rc == VX_OK)
			rc = vx_fs_write_mem(&F.fs, path, 0, F.buf, BLK,
					     (uint64_t)vx_clock() + CALL_NS);
		if (rc == VX_OK)
			rc = vx_fs_sync(&F.fs, F.root, (uint64_t)vx_clock() + CALL_NS);
		if (rc == VX_OK)
			rc = vx_fs_remove(&F.fs, path, (uint64_t)vx_clock() + CALL_NS);
		uint64_t e, b;
		span_end(s, 1, &e, &b);
		if (!ok("create, write, sync, remove", rc))
			return;
		if (i >= WARMUP) {
			el[i - WARMUP] = e;
			busy[i - WARMUP] = b;
		}
	}
	vx_fs_sync(&F.fs, F.root, (uint64_t)vx_clock() + CALL_NS);
	report("fs_create_write_fsync_unlink", el, busy, OPS);
}

/* The root as FS_MOUNTS reports it, once vfsd has mounted it. */
static int wait_mounted(struct fs_mount_info *mi)
{
	char name[8];
	uint32_t n = 0;

	while (F.root[n] && F.root[n] != ':' && n + 1 < sizeof(name)) {
		name[n] = F.root[n];
		n++;
	}
	name[n] = 0;
	for (uint32_t tries = 0; tries < 600; tries++) {
		for (uint32_t i = 0;
		     vx_fs_mounts(&F.fs, i, mi, (uint64_t)vx_clock() + CALL_NS) == VX_OK; i++)
			if (strcmp(mi->name, name) == 0 && mi->kind != 0)
				return VX_OK;
		vx_sig_wait(0, (uint64_t)vx_clock() + 100 * MS);
	}
	return VX_E_TIMEOUT;
}

static _Noreturn void finish(void)
{
	say("fsbench: done%s\n", F.failed ? " (some figures are missing)" : "");
	if (F.exit_port)
		vx_port_out(F.exit_port, 0xf4, 1, F.failed ? 2 : 0); /* QEMU exits (2v + 1) */
	vx_task_exit(F.failed);
}

int main(const struct vx_bundle_page *b, const char *args)
{
	struct fs_mount_info mi;
	int64_t h;

	F.root = "HOME:";
	F.seed = 0x9e3779b97f4a7c15ull;
	F.have_con = vx_client_open(&F.con, b, "console", CON_VA, CON_BIT) == VX_OK;
	if ((h = vx_bundle_handle(b, "exit", VX_OBJ_IOPORT)) >= 0)
		F.exit_port = (vx_handle_t)h;
	while (vx_clock_idle(F.ncpus) >= 0)
		F.ncpus++;
	if (vx_client_open(&F.fs, b, "fs", FS_VA, FS_BIT) != VX_OK) {
		say("fsbench: no fs connection\n");
		F.failed = 1;
		finish();
	}
	/* init passes the service's name; "ROOT:" as the argument (from the
	 * shell's run) names another root. */
	size_t alen = args ? strlen(args) : 0;
	if (alen > 1 && alen < 16 && args[alen - 1] == ':') {
		static char root[16];
		vx_snprintf(root, sizeof(root), "%s", args);
		F.root = root;
	}
	if (!ok("the root is not mounted", wait_mounted(&mi)))
		finish();
	/* A volume without the cold file is the full one whose mount is
	 * measured: the boot's disk decides which run this is. */
	struct fs_stat st;
	if (vx_fs_stat(&F.fs, at("cold", 1), &st, (uint64_t)vx_clock() + CALL_NS) ==
	    VX_E_NOTFOUND) {
		uint64_t el = mi.mount_ns, busy = mi.mount_busy_ns;
		say("fsbench: %s on %s: %lu MiB in use\n", F.root, mi.where,
		    (unsigned long)(mi.bytes >> 20));
		report("fs_mount_1g_full", &el, &busy, 1);
		finish();
	}
	if ((h = vx_bundle_handle(b, "self", VX_OBJ_TASK)) < 0 ||
	    (F.ret = (vx_handle_t)vx_bundle_handle(b, "ret", VX_OBJ_RETICLE)) == 0) {
		ok("no self or ret in my Bundle", VX_E_NOTFOUND);
		finish();
	}
	F.self = (vx_handle_t)h;
	h = vx_reticle_retype(F.ret, VX_OBJ_MEM, MIB / VX_PAGE_SIZE);
	if (h < 0 ||
	    vx_task_map(F.self, (vx_handle_t)h, BUF_VA, VX_PROT_READ | VX_PROT_WRITE) < 0) {
		ok("no 1 MiB buffer", h < 0 ? (int)h : VX_E_NOMEM);
		finish();
	}
	F.buf = (vx_handle_t)h;
	F.p = (uint8_t *)(uintptr_t)BUF_VA;
	for (uint32_t i = 0; i < MIB; i++)
		F.p[i] = (uint8_t)(rnd() >> 24);
	say("fsbench: %s on %s (%s), %u CPU%s\n", F.root, mi.where, mi.kind == 2 ? "Keep" : "FAT32",
	    F.ncpus, F.ncpus == 1 ? "" : "s");
	seq_write();
	seq_read();
	rand_write();
	create_unlink();
	finish();
}
