/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzzk: the root Task of fuzzk.img, the supervisor of the syscall fuzzer
 * (the design is in fuzzk.h; how to run it in docs/TESTING.md).
 *
 * The kernel command line is its args:
 *
 *   seed=HEX     the run's seed (default 1); worker k's life n gets the
 *                seed mix(seed, k, n), printed with everything it finds
 *   count=N      syscalls in all, over every worker and life (default 10^6)
 *   workers=N    workers at once, 1..FZ_MAX_WORKERS (default 4)
 *   life=N       syscalls in one life of a worker (default 20000)
 *   replay=HEX   one worker, one life, with exactly this seed (and count
 *                syscalls): a finding again, alone
 *
 * It checks, and prints as TAP: the run finished (the kernel neither
 * panicked nor hung: the scenario script sees those); every result was a
 * value or an error docs/ABI.md documents for that syscall; after every
 * life, the reset of the worker's Reticle left every byte of it free; at
 * the end, the shared Reticle and ram0 are whole again.  Last it writes
 * the verdict to isa-debug-exit.
 */
#include "rt/vx.h"
#include "rt/spawn.h"
#include "rt/errstr.h"
#include "vx_string.h"
#include "fuzzk.h"

#define FZ_MAX_WORKERS 8u
#define SIG_CHILD      (1ull << 1)
#define MS	       1000000ull
#define STALL_NS       (2000 * MS)   /* no progress for this long: the life is over */
#define W_BYTES	       (20ull << 20) /* a worker's Reticle: its program and "ret" */
#define RET_BYTES      (16ull << 20) /* room for Mems whose zeroing is queued work */
#define COMMON_BYTES   (512ull << 10)
#define S_BYTES	       (COMMON_BYTES + (FZ_MAX_WORKERS * 5 + 8) * VX_PAGE_SIZE)
#define STATUS_VA      0x50000000ull /* the workers' status pages, one after another */
#define BOOTIMG_VA     0x20000000ull
#define WORKER_STACK   16u
#define REPORT_BAD_MAX 40u /* findings printed in full; the rest only counted */

struct slot {
	vx_handle_t w;	  /* the worker's Reticle W, from ram0 */
	uint64_t w_free;  /* W's free bytes when empty */
	vx_handle_t task; /* the running life's Task, or 0 */
	vx_handle_t ring; /* the Ring it shares with the next worker (from S) */
	vx_handle_t mem;  /* its status page (from S), mapped here */
	vx_handle_t view; /* the cap the running life's mapping of it was made through */
	uint64_t seed;	  /* of the running life */
	uint64_t quota;	  /* of the running life */
	uint64_t life;	  /* lives started */
	uint64_t seen;	  /* calls at the last look, and when it changed */
	uint64_t seen_ns;
	unsigned resumed;   /* times this life was found halted and resumed */
	uint64_t halted_ns; /* when the watch first saw it halted, or 0 */
	struct fz_status *st;
};

static struct {
	uint64_t seed, count, workers, life, replay;
} opt = {1, 1000000, 4, 20000, 0};

static vx_handle_t self, ram0, io, child_sig, shared, common;
static vx_handle_t irq3, port80; /* lines 5..7; port 0x80: nothing a worker can break */
static vx_handle_t pci4, msi4;	 /* four empty functions (00:1e.4..7); four MSI lines */
static uint64_t shared_free;	 /* S's free bytes when empty */
static const void *bootimg;
static size_t bootimg_len;
static struct slot slots[FZ_MAX_WORKERS];

/* What the run saw. */
static uint64_t assigned, calls, random_calls, lives, restarts, resumes, nbad, leaks;
static uint64_t results[VX_SYS_COUNT + 1][FZ_ERR_SLOTS]; /* as in fz_status */

static uint64_t mix(uint64_t seed, uint64_t k, uint64_t n)
{
	uint64_t z = seed ^ (k * 0x9e3779b97f4a7c15ull) ^ (n * 0xc2b2ae3d27d4eb4full);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (z ^ (z >> 31)) | 1;
}

static uint64_t now(void)
{
	return (uint64_t)vx_clock();
}

/* ------------------------------------------------------------ options */

/* The value of key=... in args as a number in base (0 if absent). */
static int option(const char *args, const char *key, unsigned base, uint64_t *out)
{
	size_t n = strlen(key);

	for (const char *p = args; p && *p; p++) {
		if ((p != args && p[-1] != ' ') || strncmp(p, key, n) != 0 || p[n] != '=')
			continue;
		uint64_t v = 0;
		for (p += n + 1;; p++) {
			char c = *p >= 'A' && *p <= 'F' ? (char)(*p - 'A' + 'a') : *p;
			unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
				     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
							    : 99;
			if (d >= base)
				break;
			v = v * base + d;
		}
		*out = v;
		return 1;
	}
	return 0;
}

static void parse(const char *args)
{
	option(args, "seed", 16, &opt.seed);
	option(args, "count", 10, &opt.count);
	option(args, "workers", 10, &opt.workers);
	option(args, "life", 10, &opt.life);
	if (option(args, "replay", 16, &opt.replay)) {
		opt.workers = 1;
		opt.life = opt.count;
	}
	if (opt.workers < 1)
		opt.workers = 1;
	if (opt.workers > FZ_MAX_WORKERS)
		opt.workers = FZ_MAX_WORKERS;
	if (opt.life < 1)
		opt.life = 1;
}

/* ------------------------------------------------------------ lives */

static uint64_t free_of(vx_handle_t ret, uint32_t *objects)
{
	struct vx_reticle_info info = {0};

	vx_reticle_info(ret, &info);
	if (objects)
		*objects = info.objects;
	return info.free;
}

/* Starts the next life of worker k in its Reticle; false if it cannot. */
static bool start_life(unsigned k)
{
	struct slot *s = &slots[k];
	struct vx_spawn sp = {.self = self, .reticle = s->w};
	const void *elf;
	size_t len;
	char args[48];

	s->quota = opt.count - assigned < opt.life ? opt.count - assigned : opt.life;
	s->seed = opt.replay ? opt.replay : mix(opt.seed, k, s->life);
	vx_snprintf(args, sizeof(args), "%lx %lx", (unsigned long)s->seed, (unsigned long)s->quota);
	for (unsigned i = 0; i < sizeof(*s->st); i++)
		((volatile uint8_t *)s->st)[i] = 0;
	int64_t ret = vx_reticle_split(s->w, RET_BYTES);
	if (vx_bootimg_find(bootimg, bootimg_len, "worker", &elf, &len) != VX_OK || ret < 0 ||
	    vx_spawn_load(&sp, elf, len, WORKER_STACK, args) < 0) {
		vx_printf("# worker %u: cannot build its life %lu\n", k, (unsigned long)s->life);
		return false;
	}
	const struct {
		const char *name;
		vx_handle_t h;
		uint32_t rights;
	} grants[] = {
	    {"self", sp.task, VX_R_READ | VX_R_CONTROL},
	    {"ret", (vx_handle_t)ret, VX_R_ALL},
	    {"common", common, VX_R_ALL},
	    {"out", s->ring, VX_R_ALL},
	    {"in", slots[(k + opt.workers - 1) % opt.workers].ring, VX_R_ALL},
	    /* Alone, a worker has no peer: halting itself would stop it until
	     * the watch below resumes it. */
	    {"peer", opt.workers > 1 ? slots[(k + 1) % opt.workers].task : 0,
	     VX_R_READ | VX_R_CONTROL},
	    {"irq", irq3, VX_R_CONTROL | VX_R_GRANT},
	    {"port", port80, VX_R_READ | VX_R_WRITE | VX_R_GRANT},
	    {"pci", pci4, VX_R_CONTROL | VX_R_WRITE | VX_R_GRANT},
	    {"msi", msi4, VX_R_CONTROL | VX_R_GRANT},
	};
	for (unsigned i = 0; i < sizeof(grants) / sizeof(grants[0]); i++) {
		int64_t e = grants[i].h
				? vx_bundle_add(sp.bundle, grants[i].name, strlen(grants[i].name),
						grants[i].h, grants[i].rights)
				: VX_OK;
		if (e != VX_OK) {
			vx_printf("# worker %u: cannot grant %s (%ld)\n", k, grants[i].name,
				  (long)e);
			return false;
		}
	}
	vx_cap_delete((vx_handle_t)ret); /* the worker's "ret" is now the only cap */
	/* The status page is mapped through a cap the worker does not hold,
	 * so nothing it does can take the page away. */
	int64_t view = vx_cap_derive(s->mem, VX_R_READ | VX_R_WRITE, 0);
	if (view < 0 || vx_task_map(sp.task, (vx_handle_t)view, FZ_WORKER_STATUS_VA,
				    VX_PROT_READ | VX_PROT_WRITE) != VX_OK)
		return false;
	s->view = (vx_handle_t)view;
	if (vx_task_supervise(sp.task, child_sig) != VX_OK || vx_spawn_start(&sp) != VX_OK)
		return false;
	s->task = sp.task;
	s->seen = 0;
	s->seen_ns = now();
	s->resumed = 0;
	s->halted_ns = 0;
	s->life++;
	lives++;
	assigned += s->quota;
	return true;
}

/* Prints one finding, with what replays it. */
static void report_bad(unsigned k, const struct slot *s, const struct fz_bad *b)
{
	vx_printf("not ok - %s: %s(%lx, %lx, %lx, %lx, %lx, %lx) nr %lu -> %ld (%s)\n",
		  b->kind == FZ_BROKEN_PROMISE ? "broken promise (the cap made is not as asked)"
					       : "undocumented result",
		  fz_sys_name(b->nr), (unsigned long)b->arg[0], (unsigned long)b->arg[1],
		  (unsigned long)b->arg[2], (unsigned long)b->arg[3], (unsigned long)b->arg[4],
		  (unsigned long)b->arg[5], (unsigned long)b->nr, (long)b->result,
		  b->result < 0 ? vx_errname((int)b->result) : "a value");
	vx_printf("#   worker %u life %lu seed=%lx index %lu (replay: make fuzz-kernel "
		  "REPLAY=%lx COUNT=%lu)\n",
		  k, (unsigned long)(s->life - 1), (unsigned long)s->seed, (unsigned long)b->index,
		  (unsigned long)s->seed, (unsigned long)(b->index + 1));
}

/* Ends worker k's life: stops it, takes in its status page, resets its
 * Reticle and checks that all of it came back.  why: NULL if it finished. */
static void end_life(unsigned k, const char *why)
{
	struct slot *s = &slots[k];
	struct vx_task_info ti = {0};
	const struct fz_status *st = s->st;
	uint32_t objects = 0;

	vx_task_halt(s->task);
	vx_task_inspect(s->task, &ti);
	uint64_t done = st->calls > s->quota ? s->quota : st->calls;
	if (why || !st->done) {
		restarts++;
		vx_printf("# worker %u life %lu seed=%lx: %s after %lu of %lu calls (state %u, "
			  "%s, ip %lx, addr %lx)\n",
			  k, (unsigned long)(s->life - 1), (unsigned long)s->seed,
			  why ? why : "stopped", (unsigned long)done, (unsigned long)s->quota,
			  ti.state, vx_fault_name(ti.fault.kind), (unsigned long)ti.fault.ip,
			  (unsigned long)ti.fault.addr);
	}
	calls += done;
	random_calls += st->random_calls;
	assigned -= s->quota - done;
	for (unsigned i = 0; i <= VX_SYS_COUNT; i++)
		for (unsigned e = 0; e < FZ_ERR_SLOTS; e++)
			results[i][e] += st->results[i][e];
	for (unsigned i = 0; i < st->nbad && i < FZ_BAD_MAX; i++)
		if (nbad + i < REPORT_BAD_MAX)
			report_bad(k, s, &st->bad[i]);
	nbad += st->nbad;

	s->task = 0;
	/* The leak check: everything the life made, wherever its caps went,
	 * is gone and its bytes are free. */
	int64_t r = vx_reticle_reset(s->w);
	uint64_t free = free_of(s->w, &objects);
	vx_cap_delete(s->view);
	if (r != VX_OK || free != s->w_free || objects != 0) {
		leaks++;
		vx_printf("not ok - leak: worker %u life %lu seed=%lx: reset %ld, free %lu of %lu, "
			  "%u objects left\n",
			  k, (unsigned long)(s->life - 1), (unsigned long)s->seed, (long)r,
			  (unsigned long)free, (unsigned long)s->w_free, objects);
	}
}

/* Is worker k between its halter's halt and resume (op_peer)?  Its halter
 * is the worker before it, while that one's life goes on. */
static bool held_by_halter(unsigned k)
{
	const struct slot *h = &slots[(k + opt.workers - 1) % opt.workers];

	return opt.workers > 1 && h->task && h->st->halting;
}

/* Looks at every running worker; ends the lives that are over. */
static void watch(void)
{
	for (unsigned k = 0; k < opt.workers; k++) {
		struct slot *s = &slots[k];
		struct vx_task_info ti;

		if (!s->task)
			continue;
		if (vx_task_inspect(s->task, &ti) != VX_OK) {
			end_life(k, "vanished");
		} else if (ti.state == VX_TASK_EXITED && ti.fault.exit_code == 0 && s->st->done) {
			end_life(k, NULL);
		} else if (ti.state == VX_TASK_EXITED || ti.state == VX_TASK_FAULTED) {
			end_life(k, ti.state == VX_TASK_EXITED ? "exited" : "faulted");
		} else if (s->st->calls != s->seen) {
			s->seen = s->st->calls;
			s->seen_ns = now();
			s->halted_ns = 0;
		} else if (ti.state != VX_TASK_HALTED && s->halted_ns) {
			s->halted_ns = 0; /* resumed since: a new halt starts anew */
		} else if (ti.state == VX_TASK_HALTED && held_by_halter(k)) {
			/* Its halter has yet to look and resume it: never
			 * under it.  If the halter stops moving, its own life
			 * ends below, and this one is looked at again. */
			s->halted_ns = 0;
			s->seen_ns = now();
		} else if (ti.state == VX_TASK_HALTED && s->resumed < 3 &&
			   (!s->halted_ns || now() - s->halted_ns <= STALL_NS / 4)) {
			/* Halted: wait a while from the first look, not from its
			 * last call.  A worker that had sat waiting for long and
			 * was halted by its peer a moment ago must stay halted
			 * until that peer resumes it: the peer checks at once
			 * that its halt held (op_peer). */
			if (!s->halted_ns)
				s->halted_ns = now();
		} else if (ti.state == VX_TASK_HALTED && s->resumed < 3 &&
			   now() - s->seen_ns > STALL_NS / 4) {
			/* Still halted after that: its peer halted it and lost
			 * the chance to resume it (that life ended), or it
			 * halted itself.  Let it go on. */
			vx_task_resume(s->task);
			s->resumed++;
			s->seen_ns = now();
			s->halted_ns = 0;
			resumes++;
		} else if (now() - s->seen_ns > STALL_NS) {
			/* Halted (by itself, or by a peer that did not resume it),
			 * or blocked: a life is over when it stops moving. */
			end_life(k, "made no progress");
		}
		if (!s->task && assigned < opt.count && !start_life(k))
			leaks++; /* a worker that cannot be rebuilt lost its Reticle */
	}
}

/* ------------------------------------------------------------ set-up */

/* Page tables for the supervisor's own windows come from ram0 the first
 * time a window is used; make them exist before ram0 is measured. */
static void prefault_tables(void)
{
	static const uint64_t windows[] = {STATUS_VA, VX_SPAWN_SCRATCH_VA};
	int64_t mem = vx_reticle_retype(ram0, VX_OBJ_MEM, 1);

	for (unsigned i = 0; mem > 0 && i < sizeof(windows) / sizeof(windows[0]); i++) {
		vx_task_map(self, (vx_handle_t)mem, windows[i], VX_PROT_READ);
		vx_task_unmap((vx_handle_t)mem);
	}
	if (mem > 0)
		vx_cap_delete((vx_handle_t)mem);
}

/* Makes S (the Rings and the common Reticle), the status pages, and a
 * Reticle per worker. */
static bool setup(void)
{
	int64_t r = vx_reticle_split(ram0, S_BYTES);

	if (r < 0)
		return false;
	shared = (vx_handle_t)r;
	shared_free = free_of(shared, NULL);
	if ((r = vx_reticle_split(shared, COMMON_BYTES)) < 0)
		return false;
	common = (vx_handle_t)r;
	for (unsigned k = 0; k < opt.workers; k++) {
		struct slot *s = &slots[k];
		int64_t ring = vx_reticle_retype(shared, VX_OBJ_RING, VX_RING_ARG(6, 2));
		int64_t mem = vx_reticle_retype(shared, VX_OBJ_MEM, FZ_STATUS_PAGES);
		int64_t w = vx_reticle_split(ram0, W_BYTES);
		if (ring < 0 || mem < 0 || w < 0)
			return false;
		s->ring = (vx_handle_t)ring;
		s->mem = (vx_handle_t)mem;
		s->w = (vx_handle_t)w;
		s->w_free = free_of(s->w, NULL);
		s->st = (struct fz_status *)(STATUS_VA + k * FZ_STATUS_PAGES * VX_PAGE_SIZE);
		if (vx_task_map(self, s->mem, (uint64_t)(uintptr_t)s->st,
				VX_PROT_READ | VX_PROT_WRITE) != VX_OK)
			return false;
	}
	return true;
}

/* Unmaps and gives back everything setup made; checks S came back whole. */
static bool teardown(void)
{
	uint32_t objects = 0;
	bool ok = true;

	/* Newest first: ram0 takes back at once only what is freed in order. */
	for (unsigned k = opt.workers; k-- > 0;) {
		vx_task_unmap(slots[k].mem);
		vx_cap_delete(slots[k].w);
	}
	if (vx_reticle_reset(shared) != VX_OK || free_of(shared, &objects) != shared_free ||
	    objects != 0) {
		vx_printf("#   shared Reticle: free %lu of %lu, %u objects left\n",
			  (unsigned long)free_of(shared, NULL), (unsigned long)shared_free,
			  objects);
		ok = false;
	}
	vx_cap_delete(shared);
	return ok;
}

/* ------------------------------------------------------------ summary */

/* The name of result slot e, "OK" for success. */
static const char *result_name(unsigned e)
{
	if (e == 0)
		return "OK";
	if (e == FZ_ERR_OTHER)
		return "other";
	return vx_errname(-(int)e) + 5; /* without "VX_E_" */
}

/* The totals, per syscall and per result, then each syscall's results. */
static void summary(uint64_t ns)
{
	uint64_t ms = ns / MS ? ns / MS : 1, per_err[FZ_ERR_SLOTS] = {0};

	vx_printf("fuzzk: %lu syscalls (%lu random, %lu structure-aware) in %lu ms, %lu/s; "
		  "%lu lives, %lu restarts, %lu resumed\n",
		  (unsigned long)calls, (unsigned long)random_calls,
		  (unsigned long)(calls - random_calls), (unsigned long)ms,
		  (unsigned long)(calls * 1000 / ms), (unsigned long)lives, (unsigned long)restarts,
		  (unsigned long)resumes);
	vx_printf("fuzzk: per syscall:");
	for (unsigned i = 0; i <= VX_SYS_COUNT; i++) {
		uint64_t n = 0;
		for (unsigned e = 0; e < FZ_ERR_SLOTS; e++) {
			n += results[i][e];
			per_err[e] += results[i][e];
		}
		vx_printf(" %s=%lu", i < VX_SYS_COUNT ? fz_sys_name(i) : "other", (unsigned long)n);
	}
	vx_printf("\nfuzzk: per result:");
	for (unsigned e = 0; e < FZ_ERR_SLOTS; e++)
		vx_printf(" %s=%lu", result_name(e), (unsigned long)per_err[e]);
	vx_printf("\n");
	for (unsigned i = 0; i <= VX_SYS_COUNT; i++) {
		vx_printf("fuzzk:   %s", i < VX_SYS_COUNT ? fz_sys_name(i) : "other");
		for (unsigned e = 0; e < FZ_ERR_SLOTS; e++)
			if (results[i][e])
				vx_printf(" %s=%lu", result_name(e), (unsigned long)results[i][e]);
		vx_printf("\n");
	}
}

static void finish(int npass, int nfail)
{
	vx_printf("fuzzk: %d passed, %d failed\n", npass, nfail);
	vx_print_flush();
	vx_port_out(io, 0xf4, 1, nfail ? 1 : 0);
	vx_task_exit(nfail ? 1 : 0);
}

int main(const struct vx_bundle_page *bundle, const char *args)
{
	const struct vx_bundle_entry *img;
	int npass = 0, nfail = 0;

	io = (vx_handle_t)vx_bundle_handle(bundle, "ioports", VX_OBJ_IOPORT);
	vx_print_init(io);
	self = (vx_handle_t)vx_bundle_handle(bundle, "self", VX_OBJ_TASK);
	ram0 = (vx_handle_t)vx_bundle_handle(bundle, "ram0", VX_OBJ_RETICLE);
	if (vx_bundle_find(bundle, "bootimg", VX_OBJ_MEM, &img) == VX_OK &&
	    vx_task_map(self, img->handle, BOOTIMG_VA, VX_PROT_READ) == VX_OK) {
		bootimg = (const void *)BOOTIMG_VA;
		bootimg_len = img->size;
	}
	child_sig = (vx_handle_t)vx_sig_mint(self, SIG_CHILD);
	irq3 = (vx_handle_t)vx_cap_derive((vx_handle_t)vx_bundle_handle(bundle, "irqs", VX_OBJ_IRQ),
					  VX_R_CONTROL | VX_R_GRANT, 5 | (3ull << 32));
	port80 = (vx_handle_t)vx_cap_derive(io, VX_R_READ | VX_R_WRITE | VX_R_GRANT,
					    0x80 | (1ull << 32));
	pci4 = (vx_handle_t)vx_cap_derive((vx_handle_t)vx_bundle_handle(bundle, "pci", VX_OBJ_PCI),
					  VX_R_CONTROL | VX_R_WRITE | VX_R_GRANT,
					  VX_PCI_BDF(0, 30, 4) | (4ull << 32));
	msi4 = (vx_handle_t)vx_cap_derive((vx_handle_t)vx_bundle_handle(bundle, "msi", VX_OBJ_IRQ),
					  VX_R_CONTROL | VX_R_GRANT, 150 | (4ull << 32));
	parse(args);
	if (opt.replay)
		vx_printf("fuzzk: replay=%lx count=%lu (one worker, one life)\n",
			  (unsigned long)opt.replay, (unsigned long)opt.count);
	else
		vx_printf("fuzzk: seed=%lx count=%lu workers=%lu life=%lu\n",
			  (unsigned long)opt.seed, (unsigned long)opt.count,
			  (unsigned long)opt.workers, (unsigned long)opt.life);
	prefault_tables();
	uint64_t ram0_before = free_of(ram0, NULL);
	if (!setup()) {
		vx_printf("not ok 1 - fuzzk: set-up failed\n");
		finish(0, 1);
	}

	uint64_t t0 = now(), next_report = 100000;
	for (unsigned k = 0; k < opt.workers && assigned < opt.count; k++)
		if (!start_life(k))
			leaks++;
	for (;;) {
		bool running = false;
		vx_sig_wait(SIG_CHILD, now() + 50 * MS);
		watch();
		for (unsigned k = 0; k < opt.workers; k++)
			running |= slots[k].task != 0;
		uint64_t sofar = calls;
		for (unsigned k = 0; k < opt.workers; k++)
			sofar += slots[k].task ? slots[k].st->calls : 0;
		if (sofar >= next_report) {
			vx_printf("fuzzk: %lu calls, %lu s\n", (unsigned long)sofar,
				  (unsigned long)((now() - t0) / (1000 * MS)));
			next_report += opt.count / 10 > 100000 ? opt.count / 10 : 100000;
		}
		if (!running)
			break;
	}
	uint64_t elapsed = now() - t0;
	summary(elapsed);

	bool whole = teardown();
	uint64_t ram0_after = free_of(ram0, NULL);
#define TAP(cond, ...)                                                                             \
	do {                                                                                       \
		vx_printf("%s %d - ", (cond) ? "ok" : "not ok", npass + nfail + 1);                \
		vx_printf(__VA_ARGS__);                                                            \
		vx_printf("\n");                                                                   \
		if (cond)                                                                          \
			npass++;                                                                   \
		else                                                                               \
			nfail++;                                                                   \
	} while (0)
	TAP(calls >= opt.count, "fuzzk: %lu syscalls from %lu workers, kernel alive",
	    (unsigned long)calls, (unsigned long)opt.workers);
	TAP(nbad == 0,
	    "fuzzk: every result a value or a documented error, every cap made as asked "
	    "(%lu not)",
	    (unsigned long)nbad);
	TAP(leaks == 0, "fuzzk: every worker Reticle whole after each of %lu resets (%lu leaks)",
	    (unsigned long)lives, (unsigned long)leaks);
	TAP(whole && ram0_after == ram0_before,
	    "fuzzk: shared Reticle and ram0 whole at the end (ram0 free %lu before, %lu after)",
	    (unsigned long)ram0_before, (unsigned long)ram0_after);
	finish(npass, nfail);
	return 0;
}
