/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fuzzk worker: one life of syscalls against the kernel.
 *
 * args: "SEED QUOTA" (SEED in hex).  Bundle: "self" (READ | CONTROL),
 * "ret" (its own Reticle), "common" (a Reticle all workers share), "out"
 * and "in" (Rings shared with the next and the previous worker) and, if
 * that worker was running when this one started, "peer" (its Task), and
 * "irq" (lines 5..7) and "port" (port 0x80), shared by all; "pci" (four
 * functions no device answers at) and "msi" (four MSI lines) too.  Its
 * status page (fuzzk.h) is mapped at FZ_WORKER_STATUS_VA before it starts,
 * through a cap it does not hold.  It makes QUOTA syscalls, one in
 * eight with random number and arguments, the rest structure-aware
 * (ops.c), then sets done and exits 0.  Anything else that ends it (it
 * halted itself, a random pointer hit its own stack) is the supervisor's
 * business: it restarts the worker with a new seed.
 */
#include "worker.h"

struct worker w;
static uint64_t rng;

/* splitmix64: every bit of every result usable. */
uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

int64_t fz_call(uint64_t nr, uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, uint64_t f)
{
	struct fz_status *st = w.st;
	uint64_t index = st->calls;
	int64_t r = vx_syscall6(nr, a, b, c, d, e, f);
	uint64_t arg[6] = {a, b, c, d, e, f};

	st->results[nr < VX_SYS_COUNT ? nr : FZ_NR_OTHER][r >= 0	   ? 0
							  : r >= VX_E_LAST ? (unsigned)-r
									   : FZ_ERR_OTHER]++;
	if (!fz_result_ok(nr, arg, r))
		fz_finding(FZ_UNDOCUMENTED, index, nr, arg, r);
	st->calls = index + 1;
	return r;
}

void fz_finding(uint64_t kind, uint64_t index, uint64_t nr, const uint64_t arg[6], int64_t r)
{
	struct fz_status *st = w.st;

	if (st->nbad < FZ_BAD_MAX) {
		struct fz_bad *bad = &st->bad[st->nbad];
		bad->index = index;
		bad->nr = nr;
		for (int i = 0; i < 6; i++)
			bad->arg[i] = arg[i];
		bad->result = r;
		bad->kind = kind;
	}
	st->nbad++;
}

/* ------------------------------------------------------------ the pool */

void keep(int64_t h, uint32_t type, uint32_t rights, uint64_t bits)
{
	unsigned i;

	if (h <= 0 || h > 0xffffffffll)
		return;
	if (w.npool < POOL_MAX) {
		i = w.npool++;
	} else {
		/* Full: forget one, and give its slot in the table back. */
		i = (unsigned)pick(POOL_MAX);
		fz_call(VX_SYS_CAP_DELETE, w.pool[i].h, 0, 0, 0, 0, 0);
	}
	w.pool[i] = (struct held){(vx_handle_t)h, type, rights, bits};
}

struct held *choose(uint32_t type)
{
	/* The base caps a quarter of the time, or when the pool has none of
	 * the type; the pool the rest. */
	for (int tries = 0; w.npool && pick(4) && tries < 12; tries++) {
		struct held *c = &w.pool[pick(w.npool)];
		if (!type || c->type == type)
			return c;
	}
	for (int tries = 0; type && tries < 12; tries++) {
		struct held *c = &w.base[pick(BASE_CAPS)];
		if (c->type == type)
			return c;
	}
	return w.npool && pick(2) ? &w.pool[pick(w.npool)] : &w.base[pick(BASE_CAPS)];
}

void forget(vx_handle_t h)
{
	for (unsigned i = 0; i < w.npool; i++)
		if (w.pool[i].h == h) {
			w.pool[i] = w.pool[--w.npool];
			return;
		}
}

/* ------------------------------------------------------------ mutations */

/* Pointers the kernel may write through land in this buffer when they are pointers at all, so
 * that the kernel's writes through them never reach the worker's state. */
static uint8_t scratch[2 * VX_PAGE_SIZE] __attribute__((aligned(4096)));

/* Mostly h; otherwise a near miss: another generation, slot 0, bits above
 * 32, a neighbour's slot. */
vx_handle_t mut_handle(vx_handle_t h)
{
	switch (pick(24)) {
	case 0:
		return VX_HANDLE_MAKE(VX_HANDLE_INDEX(h), VX_HANDLE_GEN(h) + 1);
	case 1:
		return VX_HANDLE_MAKE(VX_HANDLE_INDEX(h), VX_HANDLE_GEN(h) - 1);
	case 2:
		return VX_HANDLE_MAKE(0, VX_HANDLE_GEN(h));
	case 3:
		return VX_HANDLE_MAKE(VX_HANDLE_INDEX(h) + 1, VX_HANDLE_GEN(h));
	case 4:
		return VX_NO_HANDLE;
	default:
		return h;
	}
}

/* Mostly some of r; otherwise a widen or a bit outside the rights. */
uint32_t mut_rights(uint32_t r)
{
	switch (pick(16)) {
	case 0:
		return r | (1u << pick(7));
	case 1:
		return r | 0x80u;
	case 2:
		return (uint32_t)rnd();
	case 3:
		return r;
	default:
		return r & (uint32_t)rnd();
	}
}

/* Mostly n; otherwise one off, zero, a page more, or huge. */
uint64_t mut_len(uint64_t n)
{
	switch (pick(20)) {
	case 0:
		return n + 1;
	case 1:
		return n - 1;
	case 2:
		return 0;
	case 3:
		return n + 4096;
	case 4:
		return n << 20;
	case 5:
		return UINT64_MAX - pick(4096);
	case 6:
		return 1ull << pick(64);
	default:
		return n;
	}
}

/* Mostly valid (len bytes the kernel may write); otherwise a pointer it
 * must refuse: null, unaligned into the Bundle page (read-only), this
 * program's code (read-only), unmapped, straddling the end of user space,
 * kernel, non-canonical or wrapping. */
uint64_t mut_ptr(void *valid, uint64_t len)
{
	static const uint64_t bad[] = {
	    0,
	    8,
	    VX_BUNDLE_VADDR,
	    VX_BUNDLE_VADDR + 4093,
	    0x500000000ull,
	    VX_USER_END - 16,
	    VX_USER_END,
	    0xffff800000000000ull,
	    0xffffffff80100000ull,
	    UINT64_MAX - 7,
	    0x0000800000001000ull,
	};
	switch (pick(16)) {
	case 0:
		return bad[pick(sizeof(bad) / sizeof(bad[0]))];
	case 1:
		return (uint64_t)(uintptr_t)&mut_ptr;
	case 2: /* unaligned, in the scratch buffer or unmapped 4 GiB above it */
		return (uint64_t)(uintptr_t)scratch + pick(sizeof(scratch) - len) +
		       pick(2) * 0x100000000ull;
	default:
		return (uint64_t)(uintptr_t)valid;
	}
}

/* ------------------------------------------------------------ random */

static uint64_t random_arg(void)
{
	static const uint64_t odd[] = {
	    0,
	    1,
	    2,
	    0x7f,
	    0xff,
	    0x100,
	    4095,
	    4096,
	    4097,
	    0x7fffffff,
	    0x80000000ull,
	    0xffffffffull,
	    0x100000000ull,
	    VX_USER_MIN,
	    VX_MAP_END,
	    VX_USER_END - 1,
	    VX_USER_END,
	    0xffff800000000000ull,
	    0xffffffff80000000ull,
	    INT64_MAX,
	    (uint64_t)INT64_MIN,
	    UINT64_MAX,
	    UINT64_MAX - 4095,
	    VX_SIG_ALL,
	    1ull << 63,
	    VX_MEM_PAGES_MAX,
	    VX_MEM_PAGES_MAX + 1,
	};
	switch (pick(12)) {
	case 0:
	case 1:
		return choose(0)->h;
	case 2:
		return mut_handle(choose(0)->h);
	case 3:
		return VX_HANDLE_MAKE(pick(256), pick(4));
	case 4:
		return pick(64);
	case 5:
		return odd[pick(sizeof(odd) / sizeof(odd[0]))];
	case 6: /* room for the largest structure the kernel writes */
		return (uint64_t)(uintptr_t)scratch + pick(sizeof(scratch) - 64);
	case 7:
		return 1ull << pick(64);
	case 8:
		return pick(2) ? VX_RING_ARG(pick(16), pick(16)) : pick(1u << 21);
	case 9:
		return (uint64_t)(uint32_t)rnd();
	default:
		return rnd();
	}
}

void random_call(void)
{
	uint64_t nr, a[6];

	switch (pick(16)) {
	case 0:
		nr = VX_SYS_COUNT + pick(8);
		break;
	case 1:
		nr = pick(2) ? 0x4b57 /* the kernel's SYS_KWAIT, nothing parked */ : rnd();
		break;
	default:
		nr = pick(VX_SYS_COUNT);
		break;
	}
	if (nr == VX_SYS_TASK_EXIT)
		return; /* it would only end the life early */
	for (int i = 0; i < 6; i++)
		a[i] = random_arg();
	/* Waits stay short: poll, or sleep a millisecond. */
	uint64_t deadline = pick(2) ? VX_DEADLINE_NONE : (uint64_t)vx_clock() + 1000000;
	if (nr == VX_SYS_SIG_WAIT)
		a[1] = deadline;
	if (nr == VX_SYS_RING_NOTIFY_WAIT)
		a[2] = deadline;
	w.st->random_calls++;
	fz_call(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* ------------------------------------------------------------ main */

static uint64_t parse_hex(const char **s)
{
	uint64_t v = 0;

	for (;; (*s)++) {
		char c = **s;
		if (c >= '0' && c <= '9')
			v = v * 16 + (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (uint64_t)(c - 'a' + 10);
		else
			return v;
	}
}

/* The Bundle entry name's handle, or 0; base[i] (if i >= 0) holds it. */
static vx_handle_t from_bundle(const struct vx_bundle_page *b, const char *name, uint32_t type,
			       int i)
{
	const struct vx_bundle_entry *e;

	if (vx_bundle_find(b, name, type, &e) != VX_OK || e->handle == VX_NO_HANDLE)
		return VX_NO_HANDLE;
	if (i >= 0)
		w.base[i] = (struct held){e->handle, type, e->rights, 0};
	return e->handle;
}

int main(const struct vx_bundle_page *bundle, const char *args)
{
	const char *p = args;
	uint64_t seed = parse_hex(&p);

	while (*p == ' ')
		p++;
	w.quota = parse_hex(&p);
	rng = seed;
	w.st = (struct fz_status *)FZ_WORKER_STATUS_VA;
	w.self = from_bundle(bundle, "self", VX_OBJ_TASK, -1);
	w.st->seed = seed;
	w.ret = from_bundle(bundle, "ret", VX_OBJ_RETICLE, 0);
	w.common = from_bundle(bundle, "common", VX_OBJ_RETICLE, 1);
	w.out = from_bundle(bundle, "out", VX_OBJ_RING, 2);
	w.in = from_bundle(bundle, "in", VX_OBJ_RING, 3);
	w.peer = from_bundle(bundle, "peer", VX_OBJ_TASK, -1);
	from_bundle(bundle, "irq", VX_OBJ_IRQ, 4);
	from_bundle(bundle, "port", VX_OBJ_IOPORT, 5);
	from_bundle(bundle, "pci", VX_OBJ_PCI, 6);
	from_bundle(bundle, "msi", VX_OBJ_IRQ, 7);
	if (!w.self || !w.ret || !w.common || !w.out || !w.in)
		return 201;
	while (w.st->calls < w.quota) {
		if (pick(8) == 0)
			random_call();
		else
			structured_op();
	}
	w.st->done = 1;
	return 0;
}
