/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lbench: bench/kbench's benchmarks, written for the Linux guest that
 * bench/run.sh boots under the same QEMU flags (docs/BENCHMARKS.md).  It is
 * the guest's /bench/lbench, linked static, started by bench/linux/init.
 *
 * The methodology is kbench's: one warm-up call, BATCHES timed batches of
 * ITERS iterations, the median batch divided by ITERS, printed as
 *
 *     bench <name> median_ns=<n> iters=<n>
 *
 * Under -icount shift=0 a CLOCK_MONOTONIC nanosecond is one guest
 * instruction.  The partner of a two-party benchmark is a forked process
 * (its own address space, as kbench's partner is its own Task), sharing an
 * anonymous MAP_SHARED page or two pipes with the parent.
 *
 * With one CPU to run on it runs the six single-CPU benchmarks; with more, the
 * two cross-CPU ones, parent pinned to CPU 0 and partner to CPU 1.
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <sched.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BATCHES 15
#define MSG	64   /* bytes per message, as BENCH_MSG */
#define SLOTS	4096 /* ring slots, as kbench's throughput Ring */
#define BURST	256  /* messages copied per batch, as kbench */

extern char **environ;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
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

typedef void (*bench_fn)(uint64_t iters, void *ctx);

static void measure(const char *name, bench_fn fn, void *ctx, uint64_t iters)
{
	uint64_t ns[BATCHES];

	fn(iters / 4 + 1, ctx); /* warm up: page tables, caches, first faults */
	for (int b = 0; b < BATCHES; b++) {
		uint64_t t0 = now_ns();
		fn(iters, ctx);
		ns[b] = (now_ns() - t0) / iters;
	}
	sort(ns, BATCHES);
	printf("bench %s median_ns=%lu iters=%lu\n", name, (unsigned long)ns[BATCHES / 2],
	       (unsigned long)(iters * BATCHES));
	fflush(stdout);
}

/* Pins the calling process to one CPU; a no-op request when cpu < 0. */
static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0)
		perror("lbench: sched_setaffinity");
}

/* Forks a partner that runs fn(arg) on CPU cpu (-1: anywhere) and exits.
 * Without a partner no two-party benchmark can end, so lbench stops. */
static pid_t partner(int cpu, void (*fn)(void *), void *arg)
{
	pid_t pid = fork();

	if (pid < 0) {
		perror("lbench: fork");
		exit(1);
	}
	if (pid == 0) {
		pin(cpu);
		fn(arg);
		_exit(0);
	}
	return pid;
}

static void *shared(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("lbench: mmap");
		exit(1);
	}
	return p;
}

/* ------------------------------------------------------------------ */

static void null_syscall(uint64_t n, void *ctx)
{
	(void)ctx;
	for (uint64_t i = 0; i < n; i++) {
		long r = SYS_getppid;
		__asm__ volatile("syscall" : "+a"(r) : : "rcx", "r11", "memory");
	}
}

/* Futex ping-pong: turn is 1 when the partner is to run, 0 when the main
 * side is, 2 when the partner is to exit.  Each side stores the other's
 * value, wakes it and sleeps on its own. */
static long futex(_Atomic uint32_t *w, int op, uint32_t val)
{
	return syscall(SYS_futex, w, op, val, NULL, NULL, 0);
}

static void sigpong_partner(void *arg)
{
	_Atomic uint32_t *turn = arg;
	uint32_t t;

	for (;;) {
		while ((t = atomic_load(turn)) == 0)
			futex(turn, FUTEX_WAIT, 0);
		if (t == 2)
			return;
		atomic_store(turn, 0);
		futex(turn, FUTEX_WAKE, 1);
	}
}

static void sigpong(uint64_t n, void *ctx)
{
	_Atomic uint32_t *turn = ctx;

	for (uint64_t i = 0; i < n; i++) {
		atomic_store(turn, 1);
		futex(turn, FUTEX_WAKE, 1);
		while (atomic_load(turn) == 1)
			futex(turn, FUTEX_WAIT, 1);
	}
}

static void run_sigpong(void)
{
	_Atomic uint32_t *turn = shared(4096);
	pid_t pid = partner(-1, sigpong_partner, (void *)turn);

	measure("signal_pingpong_roundtrip", sigpong, (void *)turn, 500);
	atomic_store(turn, 2);
	futex(turn, FUTEX_WAKE, 1);
	waitpid(pid, NULL, 0);
	munmap((void *)turn, 4096);
}

/* Pipe ping-pong: a 64-byte request down req, the same 64 bytes back up
 * rep.  The partner echoes until req reaches end of file. */
struct pipes {
	int req[2], rep[2];
};

static void ringpong_partner(void *arg)
{
	struct pipes *p = arg;
	char msg[MSG];

	close(p->req[1]);
	close(p->rep[0]);
	while (read(p->req[0], msg, MSG) == MSG)
		if (write(p->rep[1], msg, MSG) != MSG)
			return;
}

static void ringpong(uint64_t n, void *ctx)
{
	struct pipes *p = ctx;
	char msg[MSG] = {1};

	for (uint64_t i = 0; i < n; i++)
		if (write(p->req[1], msg, MSG) != MSG || read(p->rep[0], msg, MSG) != MSG)
			return;
}

static void run_ringpong(const char *name, int cpu_main, int cpu_partner)
{
	struct pipes p;

	if (pipe(p.req) != 0 || pipe(p.rep) != 0) {
		perror("lbench: pipe");
		return;
	}
	pin(cpu_main);
	pid_t pid = partner(cpu_partner, ringpong_partner, &p);
	close(p.req[0]);
	close(p.rep[1]);
	measure(name, ringpong, &p, 500);
	close(p.req[1]);
	close(p.rep[0]);
	waitpid(pid, NULL, 0);
}

/* Shared-memory SPSC ring of SLOTS 64-byte slots.  head and tail count
 * messages for ever (they wrap at 2^32, a multiple of SLOTS); the producer
 * writes slots then publishes tail with release, the consumer reads slots
 * then publishes head with release.  Each side copies up to BURST messages
 * per publication.  On one CPU the side that finds the ring full (or empty)
 * yields; across CPUs it spins.  stop tells the consumer to exit once the
 * ring is empty. */
struct spsc {
	_Alignas(64) _Atomic uint32_t head;
	_Alignas(64) _Atomic uint32_t tail;
	_Atomic uint32_t stop;
	int spin;
	_Alignas(64) uint8_t slot[SLOTS][MSG];
};

static void idle(const struct spsc *r)
{
	if (r->spin)
		__builtin_ia32_pause();
	else
		sched_yield();
}

static void drain(void *arg)
{
	struct spsc *r = arg;
	static uint8_t out[BURST][MSG];

	for (;;) {
		uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
		uint32_t k = atomic_load_explicit(&r->tail, memory_order_acquire) - head;
		if (k == 0) {
			if (atomic_load(&r->stop))
				return;
			idle(r);
			continue;
		}
		if (k > BURST)
			k = BURST;
		for (uint32_t i = 0; i < k; i++)
			memcpy(out[i], r->slot[(head + i) % SLOTS], MSG);
		atomic_store_explicit(&r->head, head + k, memory_order_release);
	}
}

static void throughput(uint64_t n, void *ctx)
{
	struct spsc *r = ctx;
	static uint8_t batch[BURST][MSG];
	uint64_t sent = 0;

	while (sent < n) {
		uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
		uint32_t k = SLOTS - (tail - atomic_load_explicit(&r->head, memory_order_acquire));
		if (k == 0) {
			idle(r);
			continue;
		}
		if (k > BURST)
			k = BURST;
		if (k > n - sent)
			k = (uint32_t)(n - sent);
		for (uint32_t i = 0; i < k; i++)
			memcpy(r->slot[(tail + i) % SLOTS], batch[i], MSG);
		atomic_store_explicit(&r->tail, tail + k, memory_order_release);
		sent += k;
	}
	while (atomic_load(&r->head) != atomic_load(&r->tail)) /* let it drain */
		idle(r);
}

static void run_throughput(const char *name, int cpu_main, int cpu_partner)
{
	struct spsc *r = shared(sizeof(*r));

	r->spin = cpu_main >= 0;
	pin(cpu_main);
	pid_t pid = partner(cpu_partner, drain, r);
	measure(name, throughput, r, 20000);
	atomic_store(&r->stop, 1);
	waitpid(pid, NULL, 0);
	munmap(r, sizeof(*r));
}

/* posix_spawn of the tiny static program /bench/exit0, then waitpid: the
 * supervisor learns of the exit when waitpid returns. */
static void spawn_exit(uint64_t n, void *ctx)
{
	char *argv[] = {ctx, NULL};

	for (uint64_t i = 0; i < n; i++) {
		pid_t pid;
		if (posix_spawn(&pid, ctx, NULL, NULL, argv, environ) != 0) {
			perror("lbench: posix_spawn");
			return;
		}
		waitpid(pid, NULL, 0);
	}
}

static void map_touch_unmap(uint64_t n, void *ctx)
{
	(void)ctx;
	for (uint64_t i = 0; i < n; i++) {
		void *p =
		    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return;
		*(volatile uint64_t *)p = i;
		munmap(p, 4096);
	}
}

int main(int argc, char **argv)
{
	char *exit0 = argc > 1 ? argv[1] : "/bench/exit0";
	cpu_set_t set;
	int cpus = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 1;

	printf("lbench: Linux benchmarks on %d CPU(s) (guest instructions under -icount "
	       "shift=0)\n",
	       cpus);
	fflush(stdout);
	if (cpus > 1) {
		run_ringpong("ring_roundtrip_xcpu", 0, 1);
		run_throughput("ring_throughput_xcpu_64b_per_msg", 0, 1);
	} else {
		measure("null_syscall", null_syscall, NULL, 2000);
		run_sigpong();
		run_ringpong("ring_roundtrip", -1, -1);
		run_throughput("ring_throughput_64b_per_msg", -1, -1);
		measure("spawn_exit_notify", spawn_exit, exit0, 20);
		measure("map_touch_unmap_4k", map_touch_unmap, NULL, 500);
	}
	printf("lbench: done\n");
	return 0;
}
