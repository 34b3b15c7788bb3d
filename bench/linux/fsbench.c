/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fsbench: the storage benchmarks of issue 11 for the Linux guest that
 * bench/run.sh boots with two virtio-blk disks (docs/BENCHMARKS.md,
 * section 1.3).  It is the guest's /bench/fsbench, linked static, started
 * by bench/linux/fsinit.  /dev/vda is a 512 MiB ext4 volume made on the
 * host holding /cold, 64 MiB of pseudo-random bytes; /dev/vdb is a 1 GiB
 * ext4 volume about 90% full of files.  Both are fresh copies each boot.
 *
 * Each figure is printed as lbench prints its own,
 *
 *     bench <name> median_ns=<n> iters=<n> elapsed_ns=<n> mean_ns=<n> min_ns=<n> max_ns=<n>
 *
 * median_ns is the median over the runs (or operations) of the guest
 * instructions executed, by every process and the kernel: the guest time
 * (under -icount shift=0 one ns is one instruction) less the time the CPU
 * spent idle, from the kernel's idle accounting (/proc/timer_list).  Idle
 * time is not instructions: while the CPU waits halted for the disk, QEMU
 * moves the guest clock on to the next guest timer, so an idle wait costs
 * whatever that timer's distance is.  elapsed_ns is the median of the
 * guest time with those waits; mean_ns, min_ns and max_ns are of the
 * instructions.  The sequential figures are per MiB, the others per
 * operation.
 *
 * Each timed operation of the per-operation benchmarks (and each mount)
 * follows an untimed 10 ms sleep (GAP_US), so that each starts on an idle system and in a
 * new clock tick.  Without it the work of an fsync depended on the host:
 * ext4 stamps mtime at clock-tick granularity, so a write in the same tick
 * as the last one leaves the inode clean and its fsync commits no journal
 * transaction (53,000 instructions against 177,000), and whether the
 * guest clock crossed a tick between two operations depended on whether
 * QEMU finished the last I/O before the guest went idle.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#define MIB	 (1024 * 1024)
#define FILE_MIB 64  /* sequential file, and the random writes' file */
#define SEQ_RUNS 3   /* sequential write and cold read, each */
#define OPS	 200 /* timed random writes, and create/delete files */
#define WARMUP	 16  /* untimed operations before those */
#define MOUNTS	 9   /* timed mounts of the full volume */
#define BLK	 4096
#define GAP_US	 10000 /* untimed sleep before each timed operation */

static char buf[MIB] __attribute__((aligned(BLK)));

static void die(const char *what)
{
	printf("fsbench: %s: %s\n", what, strerror(errno));
	fflush(stdout);
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Whether /proc/timer_list showed CPU 0's idle fields (they may be 0 when
 * the CPU has not yet been idle). */
static int idle_seen;

/* CPU 0's idle and iowait time so far, in ns, from /proc/timer_list (the
 * NO_HZ idle accounting, brought up to date whenever the CPU leaves idle,
 * so exact while this runs).  0 when the kernel does not show it. */
static uint64_t idle_ns(void)
{
	char line[256];
	uint64_t sum = 0, v;
	int cpu = -1;
	FILE *f = fopen("/proc/timer_list", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "cpu: %d", &cpu) == 1)
			continue;
		if (cpu == 0 && (sscanf(line, " .idle_sleeptime : %" SCNu64, &v) == 1 ||
				 sscanf(line, " .iowait_sleeptime: %" SCNu64, &v) == 1)) {
			sum += v;
			idle_seen = 1;
		}
	}
	fclose(f);
	return sum;
}

/* One timed interval: elapsed and busy (elapsed less idle) guest ns. */
struct span {
	uint64_t t, idle;
};

static struct span span_start(void)
{
	struct span s;

	s.idle = idle_ns();
	s.t = now_ns();
	return s;
}

/* Ends the interval s: sets *elapsed and *busy, each divided by div. */
static void span_end(struct span s, uint64_t div, uint64_t *elapsed, uint64_t *busy)
{
	uint64_t t = now_ns(), idle = idle_ns() - s.idle;

	*elapsed = (t - s.t) / div;
	*busy = (t - s.t > idle ? t - s.t - idle : 0) / div;
}

static void sort(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

/* Prints the figures of n runs or operations (sorts both arrays): the
 * median, mean, least and most busy time, and the median elapsed time. */
static void report(const char *name, uint64_t *elapsed, uint64_t *busy, int n)
{
	uint64_t sum = 0;

	for (int i = 0; i < n; i++)
		sum += busy[i];
	sort(elapsed, n);
	sort(busy, n);
	printf("bench %s median_ns=%" PRIu64 " iters=%d elapsed_ns=%" PRIu64 " mean_ns=%" PRIu64
	       " min_ns=%" PRIu64 " max_ns=%" PRIu64 "\n",
	       name, busy[n / 2], n, elapsed[n / 2], sum / (uint64_t)n, busy[0], busy[n - 1]);
	fflush(stdout);
}

/* Writes back everything dirty and empties the page, dentry and inode
 * caches, so that the next read comes from the disk. */
static void drop_caches(void)
{
	int fd;

	sync();
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
	if (fd < 0 || write(fd, "3\n", 2) != 2)
		die("drop_caches");
	close(fd);
}

/* A fixed-seed xorshift: the data written and the random offsets are the
 * same on every boot. */
static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* ------------------------------------------------------------------ */

/* fs_seq_write_64m_per_mib: open /mnt/seq (new), 64 writes of 1 MiB,
 * fsync, close; per MiB.  Before each run (untimed) the previous file is
 * unlinked and the caches dropped. */
static void seq_write(void)
{
	uint64_t el[SEQ_RUNS], busy[SEQ_RUNS];

	for (int r = 0; r < SEQ_RUNS; r++) {
		if (unlink("/mnt/seq") != 0 && errno != ENOENT)
			die("unlink /mnt/seq");
		drop_caches();
		struct span s = span_start();
		int fd = open("/mnt/seq", O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0)
			die("create /mnt/seq");
		for (int i = 0; i < FILE_MIB; i++)
			if (write(fd, buf, MIB) != MIB)
				die("write /mnt/seq");
		if (fsync(fd) != 0 || close(fd) != 0)
			die("fsync /mnt/seq");
		span_end(s, FILE_MIB, &el[r], &busy[r]);
	}
	report("fs_seq_write_64m_per_mib", el, busy, SEQ_RUNS);
}

/* fs_seq_read_cold_64m_per_mib: open /mnt/cold, read it to the end in
 * 1 MiB reads, close; per MiB.  The file was written on the host, so the
 * first run's page cache is cold by construction; the caches are dropped
 * before each run. */
static void seq_read_cold(void)
{
	uint64_t el[SEQ_RUNS], busy[SEQ_RUNS];

	for (int r = 0; r < SEQ_RUNS; r++) {
		uint64_t total = 0;
		ssize_t n;

		if (r > 0)
			drop_caches();
		struct span s = span_start();
		int fd = open("/mnt/cold", O_RDONLY);
		if (fd < 0)
			die("open /mnt/cold");
		while ((n = read(fd, buf, MIB)) > 0)
			total += (uint64_t)n;
		if (n < 0 || close(fd) != 0)
			die("read /mnt/cold");
		span_end(s, FILE_MIB, &el[r], &busy[r]);
		if (total != (uint64_t)FILE_MIB * MIB) {
			printf("fsbench: /mnt/cold has %" PRIu64 " bytes, not %d MiB\n", total,
			       FILE_MIB);
			exit(1);
		}
	}
	report("fs_seq_read_cold_64m_per_mib", el, busy, SEQ_RUNS);
}

/* fs_rand_write_4k_fsync: pwrite 4 KiB at a random 4 KiB-aligned offset
 * of the 64 MiB /mnt/seq (its blocks are allocated: an overwrite), then
 * fsync; per operation, each timed alone. */
static void rand_write(void)
{
	static uint64_t el[OPS], busy[OPS];
	int fd = open("/mnt/seq", O_WRONLY);

	if (fd < 0)
		die("open /mnt/seq");
	drop_caches();
	for (int i = -WARMUP; i < OPS; i++) {
		off_t off = (off_t)(next() % ((uint64_t)FILE_MIB * MIB / BLK)) * BLK;
		uint64_t e, b;
		buf[0] = (char)i;
		usleep(GAP_US);
		struct span s = span_start();
		if (pwrite(fd, buf, BLK, off) != BLK || fsync(fd) != 0)
			die("pwrite/fsync /mnt/seq");
		span_end(s, 1, &e, &b);
		if (i >= 0)
			el[i] = e, busy[i] = b;
	}
	close(fd);
	report("fs_rand_write_4k_fsync", el, busy, OPS);
}

/* fs_create_write_fsync_unlink: in /mnt/cw, create a new file, write
 * 4 KiB, fsync, close, unlink; per file, each timed alone. */
static void create_unlink(void)
{
	static uint64_t el[OPS], busy[OPS];
	char name[32];

	if (mkdir("/mnt/cw", 0755) != 0)
		die("mkdir /mnt/cw");
	drop_caches();
	for (int i = -WARMUP; i < OPS; i++) {
		uint64_t e, b;
		snprintf(name, sizeof(name), "/mnt/cw/f%04d", i + WARMUP);
		usleep(GAP_US);
		struct span s = span_start();
		int fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0 || write(fd, buf, BLK) != BLK || fsync(fd) != 0 || close(fd) != 0 ||
		    unlink(name) != 0)
			die(name);
		span_end(s, 1, &e, &b);
		if (i >= 0)
			el[i] = e, busy[i] = b;
	}
	report("fs_create_write_fsync_unlink", el, busy, OPS);
}

/* fs_mount_1g_full: mount(2) of the 1 GiB, ~90% full ext4 on /dev/vdb,
 * read-write, default options; per mount.  Between mounts (untimed): the
 * umount and dropping the caches, so each mount reads from the disk. */
static void mount_full(void)
{
	uint64_t el[MOUNTS], busy[MOUNTS];
	struct statfs st;

	if (mkdir("/full", 0755) != 0)
		die("mkdir /full");
	for (int r = 0; r < MOUNTS; r++) {
		drop_caches();
		usleep(GAP_US);
		struct span s = span_start();
		if (mount("/dev/vdb", "/full", "ext4", 0, "") != 0)
			die("mount /dev/vdb");
		span_end(s, 1, &el[r], &busy[r]);
		if (r == 0 && statfs("/full", &st) == 0)
			printf("fsbench: /dev/vdb: %" PRIu64 " of %" PRIu64 " MiB used, %" PRIu64
			       " inodes used\n",
			       (uint64_t)(st.f_blocks - st.f_bfree) * st.f_bsize / MIB,
			       (uint64_t)st.f_blocks * st.f_bsize / MIB,
			       (uint64_t)(st.f_files - st.f_ffree));
		if (umount("/full") != 0)
			die("umount /full");
	}
	report("fs_mount_1g_full", el, busy, MOUNTS);
}

int main(void)
{
	for (size_t i = 0; i < sizeof(buf); i += 8) {
		uint64_t v = next();
		memcpy(buf + i, &v, 8);
	}
	idle_ns();
	printf("fsbench: Linux storage benchmarks (guest instructions under -icount shift=0;"
	       " idle accounting %s)\n",
	       idle_seen ? "found" : "NOT found: median_ns includes idle waits");
	fflush(stdout);
	if (mkdir("/mnt", 0755) != 0 && errno != EEXIST)
		die("mkdir /mnt");
	if (mount("/dev/vda", "/mnt", "ext4", 0, "") != 0)
		die("mount /dev/vda");
	seq_read_cold();
	seq_write();
	rand_write();
	create_unlink();
	if (umount("/mnt") != 0)
		die("umount /mnt");
	mount_full();
	printf("fsbench: done\n");
	return 0;
}
