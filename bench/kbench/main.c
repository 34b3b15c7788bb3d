/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * kbench: the root Task of the benchmark image.  Run under QEMU with
 * -icount shift=0 (see docs/BENCHMARKS.md), where one guest nanosecond is
 * one guest instruction, so every figure is deterministic.  Each benchmark
 * times BATCHES batches of ITERS iterations and reports the median batch,
 * divided by ITERS:
 *
 *     bench <name> median_ns=<n> median_tsc=<n> iters=<n>
 *
 * This is a benchmark, not a test: it never fails on a number.
 */
#include "rt/vx.h"
#include "rt/spawn.h"
#include "vx_string.h"
#include "../common.h"
#include "kbench.h"

#define BATCHES 15
#define MAP_VA	0x40000000ull

vx_handle_t self, ram0;
static vx_handle_t io;
static const void *bootimg;
static size_t bootimg_len;

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
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

uint64_t measure(const char *name, bench_fn fn, void *ctx, uint64_t iters)
{
	uint64_t ns[BATCHES], tsc[BATCHES];

	fn(iters / 4 + 1, ctx); /* warm up: page tables, caches, first faults */
	for (int b = 0; b < BATCHES; b++) {
		int64_t t0 = vx_clock();
		uint64_t c0 = rdtsc();
		fn(iters, ctx);
		uint64_t c1 = rdtsc();
		int64_t t1 = vx_clock();
		ns[b] = (uint64_t)(t1 - t0) / iters;
		tsc[b] = (c1 - c0) / iters;
	}
	sort(ns, BATCHES);
	sort(tsc, BATCHES);
	vx_printf("bench %s median_ns=%lu median_tsc=%lu iters=%lu\n", name,
		  (unsigned long)ns[BATCHES / 2], (unsigned long)tsc[BATCHES / 2],
		  (unsigned long)(iters * BATCHES));
	return ns[BATCHES / 2];
}

/* --------------------------------------------------------------------- */

/* The cheapest real call, as Linux's getppid is: VX_SYS_CLOCK goes
 * through the table to a handler that reads the TSC and converts it. */
static void null_syscall(uint64_t n, void *ctx)
{
	(void)ctx;
	for (uint64_t i = 0; i < n; i++)
		vx_syscall1(VX_SYS_CLOCK, 0);
}

uint64_t partner_cpus;

/* kbench.h */
int start_partner(struct pair *p, const char *args, void (*add)(struct pair *))
{
	const void *elf;
	size_t len;
	int64_t r = vx_reticle_split(ram0, 4ull << 20);

	if (r < 0 || vx_bootimg_find(bootimg, bootimg_len, "partner", &elf, &len) != VX_OK)
		return -1;
	p->ret = (vx_handle_t)r;
	p->sp = (struct vx_spawn){.self = self, .reticle = p->ret};
	if (vx_spawn_load(&p->sp, elf, len, 8, args) < 0)
		return -1;
	if (add)
		add(p);
	p->peer = (vx_handle_t)vx_sig_mint(p->sp.task, 1ull << BENCH_BIT_PARTNER);
	if (partner_cpus)
		vx_task_set_affinity(p->sp.task, partner_cpus);
	return vx_spawn_start(&p->sp);
}

void stop_partner(struct pair *p)
{
	vx_reticle_reset(p->ret);
	vx_cap_delete(p->ret);
}

void add_sig_peer(struct pair *p)
{
	int64_t back = vx_sig_mint(self, 1ull << BENCH_BIT_MAIN);
	vx_bundle_add(p->sp.bundle, "peer", 4, (vx_handle_t)back, VX_R_GRANT);
	vx_cap_delete((vx_handle_t)back);
}

static void sigpong(uint64_t n, void *ctx)
{
	struct pair *p = ctx;
	for (uint64_t i = 0; i < n; i++) {
		vx_sig_raise(p->peer, 1ull << BENCH_BIT_PARTNER);
		vx_sig_wait(1ull << BENCH_BIT_MAIN, VX_DEADLINE_NEVER);
	}
}

static vx_handle_t bind_ring(vx_handle_t h, uint32_t role, uint64_t va, uint32_t bit,
			     struct vx_ring *r)
{
	struct vx_ring_info info;
	if (vx_ring_bind(h, role, va, bit, &info) == 0)
		vx_ring_init(r, &info, h);
	return h;
}

static vx_handle_t req_ring, rep_ring;

static void add_rings(struct pair *p)
{
	req_ring = (vx_handle_t)vx_reticle_retype(p->ret, VX_OBJ_RING, VX_RING_ARG(6, 4));
	rep_ring = (vx_handle_t)vx_reticle_retype(p->ret, VX_OBJ_RING, VX_RING_ARG(6, 4));
	vx_bundle_add(p->sp.bundle, "req", 3, req_ring, VX_R_CONSUME);
	vx_bundle_add(p->sp.bundle, "rep", 3, rep_ring, VX_R_PRODUCE);
	vx_bundle_add(p->sp.bundle, "self", 4, p->sp.task, VX_R_CONTROL);
	bind_ring(req_ring, VX_RING_PRODUCER, BENCH_REQ_VA, BENCH_BIT_PARTNER, &p->req);
	bind_ring(rep_ring, VX_RING_CONSUMER, BENCH_REP_VA, BENCH_BIT_MAIN, &p->rep);
}

static void ringpong(uint64_t n, void *ctx)
{
	struct pair *p = ctx;
	uint8_t msg[BENCH_MSG] = {1};
	size_t len;

	/* Start in lock step: a doorbell left over from setup would let every
	 * other wait return at once, and the two sides would run out of
	 * phase. */
	vx_sig_wait(1ull << BENCH_BIT_MAIN, VX_DEADLINE_NONE);
	for (uint64_t i = 0; i < n; i++) {
		vx_ring_try_send(&p->req, msg, sizeof(msg));
		vx_ring_notify_wait(p->req.handle, 1ull << BENCH_BIT_MAIN, VX_DEADLINE_NEVER);
		vx_ring_try_recv(&p->rep, msg, sizeof(msg), &len);
	}
}

/* The same round trip without the message: one RING_NOTIFY_WAIT a side,
 * the kernel's call/reply alone, the thing seL4's IPC figure counts. */
static void callpong(uint64_t n, void *ctx)
{
	struct pair *p = ctx;

	vx_sig_wait(1ull << BENCH_BIT_MAIN, VX_DEADLINE_NONE);
	for (uint64_t i = 0; i < n; i++)
		vx_ring_notify_wait(p->req.handle, 1ull << BENCH_BIT_MAIN, VX_DEADLINE_NEVER);
}

static vx_handle_t tp_ring;

static void add_tp_ring(struct pair *p)
{
	tp_ring = (vx_handle_t)vx_reticle_retype(p->ret, VX_OBJ_RING, VX_RING_ARG(6, 12));
	vx_bundle_add(p->sp.bundle, "ring", 4, tp_ring, VX_R_CONSUME);
	vx_bundle_add(p->sp.bundle, "self", 4, p->sp.task, VX_R_CONTROL);
	bind_ring(tp_ring, VX_RING_PRODUCER, BENCH_RING_VA, BENCH_BIT_MAIN, &p->ring);
}

/* Producer side of the throughput runs: fill what is free in batches of
 * 256.  When the ring is full, the one-CPU run yields to the consumer; the
 * cross-CPU run (sleep) waits for the consumer's wake-up instead, since
 * under -icount QEMU runs the CPUs in turn and a spinning CPU can starve
 * the other. */
static void produce(struct pair *p, uint64_t n, bool sleep)
{
	static uint8_t batch[256 * BENCH_MSG];
	uint64_t sent = 0;

	while (sent < n) {
		uint64_t want = n - sent < 256 ? n - sent : 256;
		int k = vx_ring_send_batch(&p->ring, batch, BENCH_MSG, (uint32_t)want);
		if (k > 0) {
			sent += (uint64_t)k;
			if (sleep)
				vx_ring_kick(&p->ring);
		} else if (!sleep) {
			vx_task_yield();
		} else {
			vx_ring_set_waiting(&p->ring, true);
			if (vx_ring_poll(&p->ring) == 0)
				vx_sig_wait(1ull << BENCH_BIT_MAIN, VX_DEADLINE_NEVER);
			vx_ring_set_waiting(&p->ring, false);
		}
	}
	while (!sleep && vx_ring_poll(&p->ring) < (int)p->ring.slot_count) /* let it drain */
		vx_task_yield();
}

static void throughput(uint64_t n, void *ctx)
{
	produce(ctx, n, false);
}

static void throughput_wait(uint64_t n, void *ctx)
{
	produce(ctx, n, true);
}

struct spawn_ctx {
	vx_handle_t sig;
	const void *elf;
	size_t len;
};

static void spawn_exit(uint64_t n, void *ctx)
{
	struct spawn_ctx *c = ctx;
	for (uint64_t i = 0; i < n; i++) {
		int64_t r = vx_reticle_split(ram0, 1ull << 20);
		struct vx_spawn sp = {.self = self, .reticle = (vx_handle_t)r};
		vx_spawn_load(&sp, c->elf, c->len, 4, "exit");
		vx_task_supervise(sp.task, c->sig);
		vx_spawn_start(&sp);
		vx_sig_wait(1ull << BENCH_BIT_MAIN, VX_DEADLINE_NEVER);
		vx_reticle_reset((vx_handle_t)r);
		vx_cap_delete((vx_handle_t)r);
	}
}

/* The partner executes ud2 over and over: each iteration is one fault,
 * the supervisor's wake, and a resume that retries the instruction. */
static void fault_resume(uint64_t n, void *ctx)
{
	struct pair *p = ctx;
	for (uint64_t i = 0; i < n; i++) {
		vx_sig_wait(1ull << BENCH_BIT_MAIN, VX_DEADLINE_NEVER);
		vx_task_resume(p->sp.task);
	}
}

static void add_supervisor(struct pair *p)
{
	int64_t sig = vx_sig_mint(self, 1ull << BENCH_BIT_MAIN);
	vx_task_supervise(p->sp.task, (vx_handle_t)sig);
	vx_cap_delete((vx_handle_t)sig);
}

static void map_touch_unmap(uint64_t n, void *ctx)
{
	vx_handle_t mem = *(vx_handle_t *)ctx;
	for (uint64_t i = 0; i < n; i++) {
		vx_task_map(self, mem, MAP_VA, VX_PROT_READ | VX_PROT_WRITE);
		*(volatile uint64_t *)MAP_VA = i;
		vx_task_unmap(mem);
	}
}

/* Is word one of the space-separated words of the kernel command line? */
static bool has_word(const char *args, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = args; p && *p;) {
		while (*p == ' ')
			p++;
		const char *e = p;
		while (*e && *e != ' ')
			e++;
		if ((size_t)(e - p) == n && memcmp(p, word, n) == 0)
			return true;
		p = e;
	}
	return false;
}

int main(const struct vx_bundle_page *bundle, const char *args)
{
	const struct vx_bundle_entry *img;
	struct pair p;

	io = (vx_handle_t)vx_bundle_handle(bundle, "ioports", VX_OBJ_IOPORT);
	vx_print_init(io);
	self = (vx_handle_t)vx_bundle_handle(bundle, "self", VX_OBJ_TASK);
	ram0 = (vx_handle_t)vx_bundle_handle(bundle, "ram0", VX_OBJ_RETICLE);
	if (vx_bundle_find(bundle, "bootimg", VX_OBJ_MEM, &img) != VX_OK ||
	    vx_task_map(self, img->handle, 0x20000000, VX_PROT_READ) < 0) {
		vx_printf("kbench: no boot image\n");
		return 1;
	}
	bootimg = (const void *)0x20000000;
	bootimg_len = img->size;
	vx_task_set_prio(self, VX_PRIO_DEFAULT);
	/* With more CPUs, the one-CPU benchmarks stay on CPU 0, as with one. */
	bool smp = vx_task_set_affinity(self, 2) == VX_OK;
	if (smp) {
		vx_task_set_affinity(self, 1);
		partner_cpus = 1;
	}
	if (has_word(args, "devices")) {
		bench_devices(bundle);
		goto done;
	}
	if (has_word(args, "contention")) {
		if (smp)
			bench_contention();
		else
			vx_printf("kbench: contention needs two CPUs\n");
		goto done;
	}
	vx_printf("kbench: kernel benchmarks (guest instructions under -icount shift=0)\n");

	measure("null_syscall", null_syscall, NULL, 2000);

	memset(&p, 0, sizeof(p));
	if (start_partner(&p, "sigpong", add_sig_peer) == 0)
		measure("signal_pingpong_roundtrip", sigpong, &p, 500);
	stop_partner(&p);

	memset(&p, 0, sizeof(p));
	if (start_partner(&p, "ringpong", add_rings) == 0) {
		vx_sig_raise(p.peer, 1ull << BENCH_BIT_PARTNER); /* let it reach its loop */
		vx_task_yield();
		measure("ring_roundtrip", ringpong, &p, 500);
	}
	stop_partner(&p);

	memset(&p, 0, sizeof(p));
	if (start_partner(&p, "callpong", add_rings) == 0) {
		vx_sig_raise(p.peer, 1ull << BENCH_BIT_PARTNER);
		vx_task_yield();
		measure("call_reply_roundtrip", callpong, &p, 500);
	}
	stop_partner(&p);

	memset(&p, 0, sizeof(p));
	uint64_t tp_iters = 20000;
	char dargs[32];
	vx_snprintf(dargs, sizeof(dargs), "drain %lu",
		    (unsigned long)(tp_iters * (BATCHES + 1) + tp_iters / 4 + 1));
	if (start_partner(&p, dargs, add_tp_ring) == 0)
		measure("ring_throughput_64b_per_msg", throughput, &p, tp_iters);
	stop_partner(&p);

	struct spawn_ctx sc = {.sig = (vx_handle_t)vx_sig_mint(self, 1ull << BENCH_BIT_MAIN)};
	if (vx_bootimg_find(bootimg, bootimg_len, "partner", &sc.elf, &sc.len) == VX_OK)
		measure("spawn_exit_notify", spawn_exit, &sc, 20);

	memset(&p, 0, sizeof(p));
	if (start_partner(&p, "fault", add_supervisor) == 0) {
		/* The first fault is pending; each iteration takes one. */
		measure("fault_supervisor_resume", fault_resume, &p, 500);
	}
	stop_partner(&p);

	int64_t r = vx_reticle_split(ram0, 1ull << 20);
	vx_handle_t mem = (vx_handle_t)vx_reticle_retype((vx_handle_t)r, VX_OBJ_MEM, 1);
	measure("map_touch_unmap_4k", map_touch_unmap, &mem, 500);

	/* With a second CPU: the same ring round trip and throughput with
	 * kbench on CPU 0 and its partner on CPU 1 (every wake-up an IPI). */
	if (smp) {
		partner_cpus = 2;
		memset(&p, 0, sizeof(p));
		if (start_partner(&p, "ringpong", add_rings) == 0) {
			vx_sig_raise(p.peer, 1ull << BENCH_BIT_PARTNER);
			vx_sig_wait(0, (uint64_t)vx_clock() + 1000000);
			measure("ring_roundtrip_xcpu", ringpong, &p, 500);
		}
		stop_partner(&p);
		memset(&p, 0, sizeof(p));
		vx_snprintf(dargs, sizeof(dargs), "drainw %lu",
			    (unsigned long)(tp_iters * (BATCHES + 1) + tp_iters / 4 + 1));
		if (start_partner(&p, dargs, add_tp_ring) == 0)
			measure("ring_throughput_xcpu_64b_per_msg", throughput_wait, &p, tp_iters);
		stop_partner(&p);
	}

done:
	vx_printf("kbench: done\n");
	vx_print_flush();
	vx_port_out(io, 0xf4, 1, 0);
	return 0;
}
