/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The structure-aware mix: operations that mostly pick a held handle of
 * the type they need, with rights it has, so that most calls succeed and
 * reach the interesting states (bound Rings with queued capabilities,
 * started children, mapped Mems, nested Reticles, full Bundles), and then
 * mutate one argument in a few: off-by-one lengths, rights beyond the
 * cap's, stale generations, boundary addresses, bad pointers.  Some
 * operations aim at the kernel's long paths (large Mems and Rings whose
 * zeroing is queued work, fan-outs of hundreds of caps revoked at once),
 * some at its lifecycle (children.c: children that make calls of their
 * own and may reset the Reticle they live in, the peer worker halted
 * wherever it is and resumed).  What a call makes is checked against what was asked
 * (check_made), and dead handles must stay dead (op_inspect).
 *
 * The worker never halts itself, exits, or deletes its base handles here
 * (the random mix may; the supervisor restarts it).  Its own code, stack
 * and status page were mapped through caps it does not hold, so nothing
 * here unmaps them.
 */
#include "worker.h"

static uint64_t self_window(void)
{
	return WIN_BASE + pick(WINS) * WIN_SIZE;
}

/* Mostly va; otherwise an address just off it or at a boundary. */
uint64_t mut_vaddr(uint64_t va)
{
	static const uint64_t edge[] = {
	    0,
	    VX_BUNDLE_VADDR,
	    VX_USER_MIN - VX_PAGE_SIZE,
	    VX_USER_MIN,
	    FZ_WORKER_STATUS_VA,
	    VX_MAP_END - VX_PAGE_SIZE,
	    VX_MAP_END,
	    VX_USER_END,
	    0xffff800000000000ull,
	    0xffffffff80000000ull,
	};
	switch (pick(16)) {
	case 0:
		return va + 1 + pick(VX_PAGE_SIZE - 1);
	case 1:
		return edge[pick(sizeof(edge) / sizeof(edge[0]))];
	case 2:
		return rnd();
	default:
		return va;
	}
}

/* h's handle, mutated a little; VX_NO_HANDLE if c is NULL. */
vx_handle_t hnd(const struct held *c)
{
	return c ? mut_handle(c->h) : VX_NO_HANDLE;
}

/* Handles this worker saw die (deleted, or found stale): a handle is
 * never resurrected, so each stays stale for the rest of the life. */
#define DEAD_MAX 32
static vx_handle_t dead[DEAD_MAX];
static unsigned ndead;

static void bury(vx_handle_t h)
{
	dead[ndead++ % DEAD_MAX] = h;
}

/* A result of STALE for a held handle: if c itself is gone (and not only
 * the mutated handle the call was given), usually forget it. */
int64_t pruned(int64_t r, const struct held *c)
{
	struct vx_cap_info ci;

	if (r == VX_E_STALE && pick(8) &&
	    fz_call(VX_SYS_CAP_INSPECT, c->h, (uint64_t)(uintptr_t)&ci, 0, 0, 0, 0) == VX_E_STALE) {
		bury(c->h);
		forget(c->h);
	}
	return r;
}

/* A Ring: the two shared with the neighbours half the time. */
const struct held *ring_end(void)
{
	return pick(2) ? &w.base[2 + pick(2)] : choose(VX_OBJ_RING);
}

/* ------------------------------------------------------------ promises */

/* Is the range [base, base + n) of narrow inside that of outer? */
static bool range_within(uint64_t narrow, uint64_t outer)
{
	uint64_t b = narrow & 0xffffffffu, n = narrow >> 32;
	uint64_t ob = outer & 0xffffffffu, on = outer >> 32;

	return b >= ob && n <= on && b - ob <= on - n;
}

/* made, just made by call nr(arg...) from the cap from: its type must be
 * type (0: from's), its rights those asked (and ⊆ from's), its narrow
 * (when it has one) asked or inherited, never wider.  A cap that cannot
 * be inspected now (a sibling revoked it) proves nothing.  A finding
 * carries in arg[3..5] what was seen: from's type << 32 | made's, from's
 * rights << 32 | made's, and made's narrow. */
static void check_made(uint64_t nr, const uint64_t arg[6], int64_t made, vx_handle_t from,
		       uint32_t type, uint32_t rights, uint64_t narrow)
{
	uint64_t index = w.st->calls - 1;
	struct vx_cap_info p, k;

	if (pick(2)) /* half the time: two inspects for one call is a lot */
		return;
	if (fz_call(VX_SYS_CAP_INSPECT, from, (uint64_t)(uintptr_t)&p, 0, 0, 0, 0) != VX_OK ||
	    fz_call(VX_SYS_CAP_INSPECT, (uint64_t)made, (uint64_t)(uintptr_t)&k, 0, 0, 0, 0) !=
		VX_OK)
		return;
	bool ok =
	    k.type == (type ? type : p.type) && k.rights == rights && (rights & ~p.rights) == 0;
	if (k.type == VX_OBJ_SIGNAL && p.type == VX_OBJ_SIGNAL)
		ok = ok && (k.narrow & ~p.narrow) == 0 && k.narrow == (narrow ? narrow : p.narrow);
	if (k.type == VX_OBJ_IRQ || k.type == VX_OBJ_IOPORT)
		ok = ok && range_within(k.narrow, p.narrow) &&
		     k.narrow == (narrow ? narrow : p.narrow);
	if (k.type == VX_OBJ_SIGNAL && p.type == VX_OBJ_TASK) /* minted */
		ok = k.narrow == narrow && k.rights == (p.rights & (VX_R_GRANT | VX_R_CONTROL));
	if (nr == VX_SYS_RETICLE_RETYPE && type == VX_OBJ_MEM)
		ok = ok && k.size == narrow * VX_PAGE_SIZE;
	if (!ok)
		fz_finding(FZ_BROKEN_PROMISE, index, nr,
			   (uint64_t[6]){arg[0], arg[1], arg[2], (uint64_t)p.type << 32 | k.type,
					 (uint64_t)p.rights << 32 | k.rights, k.narrow},
			   made);
}

/* ------------------------------------------------------------ reticles */

/* After a reset much of the pool is stale: look at each entry, forget the
 * stale ones (so later picks reach live objects). */
static void sweep(void)
{
	struct vx_cap_info ci;

	if (pick(16))
		return; /* seldom: it is up to POOL_MAX inspects */
	for (unsigned i = w.npool; i-- > 0;)
		if (fz_call(VX_SYS_CAP_INSPECT, w.pool[i].h, (uint64_t)(uintptr_t)&ci, 0, 0, 0,
			    0) == VX_E_STALE) {
			bury(w.pool[i].h);
			w.pool[i] = w.pool[--w.npool];
		}
}

static void op_retype(void)
{
	static const struct {
		uint32_t type;
		uint64_t arg;
	} kinds[] = {
	    {VX_OBJ_MEM, 1},
	    {VX_OBJ_MEM, 2},
	    {VX_OBJ_MEM, 5},
	    {VX_OBJ_MEM, 16},
	    {VX_OBJ_RING, VX_RING_ARG(6, 0)},
	    {VX_OBJ_RING, VX_RING_ARG(6, 2)},
	    {VX_OBJ_RING, VX_RING_ARG(7, 4)},
	    {VX_OBJ_RING, VX_RING_ARG(12, 1)},
	    {VX_OBJ_BUNDLE, 0},
	    {VX_OBJ_BUNDLE, 0},
	    {VX_OBJ_TASK, 0},
	    {VX_OBJ_MEM, 300},		       /* beyond 64 KiB: zeroed as queued work */
	    {VX_OBJ_RING, VX_RING_ARG(12, 9)}, /* 2 MiB of slots, the same */
	};
	static const uint64_t bad_arg[] = {
	    0,
	    VX_MEM_PAGES_MAX,
	    VX_MEM_PAGES_MAX + 1,
	    VX_RING_ARG(5, 1),
	    VX_RING_ARG(13, 1),
	    VX_RING_ARG(6, 13),
	    1ull << 32 | 1,
	    UINT64_MAX,
	};
	unsigned k = (unsigned)pick(sizeof(kinds) / sizeof(kinds[0]));
	uint32_t type = kinds[k].type;
	uint64_t arg = kinds[k].arg;
	const struct held *ret = choose(VX_OBJ_RETICLE);

	switch (pick(12)) {
	case 0:
		arg = bad_arg[pick(sizeof(bad_arg) / sizeof(bad_arg[0]))];
		break;
	case 1:
		type = pick(2) ? (uint32_t)pick(VX_OBJ_COUNT + 2) : (uint32_t)rnd();
		break;
	case 2: /* a large Mem: up to 12 MiB of queued zeroing */
		if (pick(4) == 0)
			type = VX_OBJ_MEM, arg = 1 + pick(3072);
		break;
	}
	vx_handle_t h = ret->h, m = hnd(ret); /* keep() may reuse ret's pool entry */
	int64_t r = pruned(fz_call(VX_SYS_RETICLE_RETYPE, m, type, arg, 0, 0, 0), ret);
	struct vx_cap_info ri;

	if (r > 0 && m == h &&
	    fz_call(VX_SYS_CAP_INSPECT, h, (uint64_t)(uintptr_t)&ri, 0, 0, 0, 0) == VX_OK)
		check_made(VX_SYS_RETICLE_RETYPE, (uint64_t[6]){m, type, arg}, r, h, type,
			   ri.rights, arg);
	keep(r, type, ret->rights, 0);
	if (r == VX_E_NOMEM && pick(4) == 0 && /* full: start that Reticle over */
	    fz_call(VX_SYS_RETICLE_RESET, h, 0, 0, 0, 0, 0) == VX_OK)
		sweep();
}

static void op_split(void)
{
	const struct held *ret = choose(VX_OBJ_RETICLE);
	uint64_t bytes = mut_len((2 + pick(48)) * VX_PAGE_SIZE);
	int64_t r = pruned(fz_call(VX_SYS_RETICLE_SPLIT, hnd(ret), bytes, 0, 0, 0, 0), ret);

	keep(r, VX_OBJ_RETICLE, ret->rights, 0);
}

static void op_reset_or_info(void)
{
	const struct held *ret = choose(VX_OBJ_RETICLE);
	struct vx_reticle_info info;

	if (pick(16) == 0) {
		if (pruned(fz_call(VX_SYS_RETICLE_RESET, hnd(ret), 0, 0, 0, 0, 0), ret) == VX_OK)
			sweep();
		return;
	}
	uint64_t p = mut_ptr(&info, sizeof(info));
	vx_handle_t h = hnd(ret);
	int64_t r = pruned(fz_call(VX_SYS_RETICLE_INFO, h, p, 0, 0, 0, 0), ret);
	if (r == VX_OK && p == (uint64_t)(uintptr_t)&info &&
	    (info.free > info.size || info.depth > VX_RETICLE_DEPTH_MAX || info.device > 1))
		fz_finding(FZ_BROKEN_PROMISE, w.st->calls - 1, VX_SYS_RETICLE_INFO,
			   (uint64_t[6]){h, p, 0, info.size, info.free, info.depth}, r);
}

/* ------------------------------------------------------------ caps */

static void op_derive(void)
{
	const struct held *c = choose(0);
	uint32_t rights = mut_rights(c ? c->rights : VX_R_ALL);
	uint64_t narrow = 0;

	if (c->type == VX_OBJ_SIGNAL && pick(2))
		narrow = pick(4) ? c->bits & rnd() : rnd() >> pick(64);
	else if (pick(16) == 0)
		narrow = rnd() >> pick(64);
	vx_handle_t m = hnd(c);
	int64_t r = pruned(fz_call(VX_SYS_CAP_DERIVE, m, rights, narrow, 0, 0, 0), c);

	if (r > 0 && m == c->h)
		check_made(VX_SYS_CAP_DERIVE, (uint64_t[6]){m, rights, narrow}, r, m, 0, rights,
			   narrow);
	keep(r, c->type, rights, narrow ? narrow : c->bits);
}

/* Deletes or revokes a held cap (the base caps are only ever revoked). */
static void op_delete(void)
{
	const struct held *c = choose(0);

	if ((c >= w.base && c < w.base + BASE_CAPS) || pick(3) == 0) {
		pruned(fz_call(VX_SYS_CAP_REVOKE, hnd(c), 0, 0, 0, 0, 0), c);
		return;
	}
	vx_handle_t h = c->h, m = mut_handle(h);
	int64_t r = fz_call(VX_SYS_CAP_DELETE, m, 0, 0, 0, 0, 0);
	if (m == h && (r == VX_OK || r == VX_E_STALE)) {
		forget(h);
		bury(h);
	}
}

/* Inspects a held cap, and checks what the kernel wrote; or a dead handle,
 * which must be stale. */
static void op_inspect(void)
{
	const struct held *c = choose(0);
	struct vx_cap_info ci;
	uint64_t p = mut_ptr(&ci, sizeof(ci));
	vx_handle_t h = hnd(c);

	if (ndead && pick(4) == 0) {
		h = dead[pick(ndead < DEAD_MAX ? ndead : DEAD_MAX)];
		int64_t r = fz_call(VX_SYS_CAP_INSPECT, h, p, 0, 0, 0, 0);
		if (r != VX_E_STALE && r != VX_E_FAULT && r != VX_E_RANGE)
			fz_finding(FZ_BROKEN_PROMISE, w.st->calls - 1, VX_SYS_CAP_INSPECT,
				   (uint64_t[6]){h, p}, r);
		return;
	}
	int64_t r = pruned(fz_call(VX_SYS_CAP_INSPECT, h, p, 0, 0, 0, 0), c);
	if (r == VX_OK && p == (uint64_t)(uintptr_t)&ci &&
	    (ci.type == VX_OBJ_NONE || ci.type >= VX_OBJ_COUNT || (ci.rights & ~VX_R_ALL)))
		fz_finding(FZ_BROKEN_PROMISE, w.st->calls - 1, VX_SYS_CAP_INSPECT,
			   (uint64_t[6]){h, p, 0, ci.type, ci.rights, ci.narrow}, r);
}

/* ------------------------------------------------------------ memory */

static uint32_t some_prot(void)
{
	static const uint32_t prots[] = {
	    VX_PROT_READ,
	    VX_PROT_READ | VX_PROT_WRITE,
	    VX_PROT_READ | VX_PROT_EXEC,
	    VX_PROT_READ,
	    VX_PROT_READ | VX_PROT_WRITE,
	    VX_PROT_WRITE,
	    VX_PROT_READ | VX_PROT_WRITE | VX_PROT_EXEC,
	    0,
	    VX_PROT_READ | 0x8,
	};
	return prots[pick(sizeof(prots) / sizeof(prots[0]))];
}

static void op_map(void)
{
	const struct held *mem = choose(VX_OBJ_MEM);
	const struct held *task = pick(4) ? NULL : choose(VX_OBJ_TASK);
	vx_handle_t t = task && task->type == VX_OBJ_TASK ? hnd(task) : w.self;
	uint64_t va = t == w.self ? self_window() : CHILD_IP + pick(8) * WIN_SIZE;

	if (!mem)
		return;
	if (pick(3) == 0) {
		pruned(fz_call(VX_SYS_TASK_UNMAP, hnd(mem), 0, 0, 0, 0, 0), mem);
		return;
	}
	pruned(fz_call(VX_SYS_TASK_MAP, t, hnd(mem), mut_vaddr(va), some_prot(), 0, 0), mem);
}

/* ------------------------------------------------------------ rings */

static void op_ring(void)
{
	const struct held *ring = ring_end();
	struct vx_ring_info ri;
	const struct held *c;
	int64_t r;

	switch (pick(8)) {
	case 0: {
		uint64_t role = pick(8) ? 1 + pick(2) : rnd() % 5;
		uint64_t bit = pick(8) ? 8 + pick(40) : 62 + pick(4);
		pruned(fz_call(VX_SYS_RING_BIND, hnd(ring), role, mut_vaddr(self_window()), bit,
			       mut_ptr(&ri, sizeof(ri)), 0),
		       ring);
		break;
	}
	case 1:
		pruned(fz_call(VX_SYS_RING_UNBIND, hnd(ring), 0, 0, 0, 0, 0), ring);
		break;
	case 2:
		if (pick(2))
			pruned(fz_call(VX_SYS_RING_NOTIFY, hnd(ring), 0, 0, 0, 0, 0), ring);
		else
			pruned(fz_call(VX_SYS_RING_NOTIFY_WAIT, hnd(ring), rnd() >> pick(64),
				       VX_DEADLINE_NONE, 0, 0, 0),
			       ring);
		break;
	case 3:
	case 4:
	case 5:
		c = choose(0);
		pruned(fz_call(VX_SYS_RING_SEND_CAP, hnd(ring), hnd(c),
			       mut_rights(c ? c->rights : VX_R_ALL), 0, 0, 0),
		       ring);
		break;
	default:
		r = pruned(fz_call(VX_SYS_RING_RECV_CAP, hnd(ring), 0, 0, 0, 0, 0), ring);
		if (r > 0) {
			struct vx_cap_info ci;
			if (fz_call(VX_SYS_CAP_INSPECT, (uint64_t)r, (uint64_t)(uintptr_t)&ci, 0, 0,
				    0, 0) == VX_OK)
				keep(r, ci.type, ci.rights, ci.narrow);
		}
		break;
	}
}

/* ------------------------------------------------------------ bundles */

static void op_bundle_add(void)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789_.-";
	const struct held *b = choose(VX_OBJ_BUNDLE);
	const struct held *c = choose(0);
	char name[40];
	uint64_t len = 1 + (pick(4) ? pick(2) : pick(31));

	for (unsigned i = 0; i < sizeof(name); i++)
		name[i] = alphabet[pick(sizeof(alphabet) - 1)];
	switch (pick(10)) {
	case 0:
		name[pick(len)] = (char)(pick(2) ? 'A' + pick(26) : 0);
		break;
	case 1:
		len = pick(2) ? 0 : 32 + pick(8);
		break;
	}
	pruned(fz_call(VX_SYS_BUNDLE_ADD, hnd(b), mut_ptr(name, len), len, hnd(c),
		       mut_rights(c ? c->rights : VX_R_ALL), 0),
	       b);
}

/* ------------------------------------------------------------ signals */

static void op_signal(void)
{
	const struct held *c;
	uint64_t bits =
	    pick(8) ? (1ull << (8 + pick(40))) | (pick(2) << (8 + pick(40))) : rnd() >> pick(64);
	int64_t r;

	switch (pick(4)) {
	case 0:
		c = choose(VX_OBJ_TASK);
		if (pick(2) || c->type != VX_OBJ_TASK) {
			r = fz_call(VX_SYS_SIG_MINT, w.self, bits, 0, 0, 0, 0);
			if (r > 0)
				check_made(VX_SYS_SIG_MINT, (uint64_t[6]){w.self, bits}, r, w.self,
					   VX_OBJ_SIGNAL, VX_R_CONTROL, bits);
			keep(r, VX_OBJ_SIGNAL, VX_R_CONTROL, bits);
		} else {
			r = pruned(fz_call(VX_SYS_SIG_MINT, hnd(c), bits, 0, 0, 0, 0), c);
			keep(r, VX_OBJ_SIGNAL, c->rights & (VX_R_CONTROL | VX_R_GRANT), bits);
		}
		break;
	case 1:
	case 2: /* usually some of the Signal's own bits */
		c = choose(VX_OBJ_SIGNAL);
		if (c->type == VX_OBJ_SIGNAL && c->bits && pick(8)) {
			bits = c->bits & rnd();
			bits = bits ? bits : c->bits;
		}
		pruned(fz_call(VX_SYS_SIG_RAISE, hnd(c), bits, 0, 0, 0, 0), c);
		break;
	default:
		fz_call(VX_SYS_SIG_WAIT, pick(8) ? bits | CHILD_SIG : 1ull << 63,
			pick(16) ? VX_DEADLINE_NONE : (uint64_t)vx_clock() + 1000000, 0, 0, 0, 0);
		break;
	}
}

/* Many caps derived from one, then revoked at once: long enough, now and
 * then, to run out of the budget and restart. */
static void op_fanout(void)
{
	const struct held *c = choose(0);
	unsigned n = pick(8) ? 8 + (unsigned)pick(24) : 32 + (unsigned)pick(200);
	int64_t first = 0;

	if (pick(4)) {
		op_derive();
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		int64_t r = fz_call(VX_SYS_CAP_DERIVE, i && pick(2) ? (uint64_t)first : c->h,
				    c->rights, 0, 0, 0, 0);
		if (r < 0)
			break;
		if (!first)
			first = r;
	}
	fz_call(VX_SYS_CAP_REVOKE, c->h, 0, 0, 0, 0, 0);
}

/* The shared IRQ lines and port: route a line to a Signal (and let the
 * Signal's death unroute it), acknowledge, read and write port 0x80. */
static void op_device(void)
{
	const struct held *irq = choose(VX_OBJ_IRQ), *sig = choose(VX_OBJ_SIGNAL);
	const struct held *port = choose(VX_OBJ_IOPORT);
	uint64_t line = pick(8) ? 5 + pick(3) : pick(2) ? 150 + pick(4) : pick(200);

	switch (pick(4)) {
	case 0:
		fz_call(VX_SYS_IRQ_BIND, hnd(irq), line, pick(4) ? hnd(sig) : 0, 0, 0, 0);
		break;
	case 1:
		fz_call(VX_SYS_IRQ_ACK, hnd(irq), line, 0, 0, 0, 0);
		break;
	case 2:
		fz_call(VX_SYS_PORT_IN, hnd(port), pick(8) ? 0x80 : pick(0x10000), 1u << pick(4), 0,
			0, 0);
		break;
	default:
		fz_call(VX_SYS_PORT_OUT, hnd(port), pick(8) ? 0x80 : 0x7f + pick(3), 1u << pick(4),
			rnd(), 0, 0);
		break;
	}
}

/* IoSpaces: made for one of the empty functions of "pci" (or a bdf beside
 * them), mapped into with MemCaps the worker holds, at IO addresses around
 * the edges; TASK_UNMAP and delete take the mappings away. */
static void op_iospace(void)
{
	const struct held *pci = choose(VX_OBJ_PCI), *ret = choose(VX_OBJ_RETICLE);
	const struct held *io = choose(VX_OBJ_IOSPACE), *mem = choose(VX_OBJ_MEM);
	static const uint64_t edge[] = {0,
					VX_PAGE_SIZE,
					VX_IOSPACE_END - VX_PAGE_SIZE,
					VX_IOSPACE_END,
					1ull << 21,
					(1ull << 21) - VX_PAGE_SIZE};
	uint64_t bdf = VX_PCI_BDF(0, 30, 4 + pick(4)) + (pick(8) ? 0 : pick(3));
	static vx_handle_t last; /* the newest IoSpace made: most maps go there */

	switch (pick(4)) {
	case 0: {
		uint64_t flags = pick(4) ? 0 : VX_IOSPACE_UNCONFINED;
		uint64_t pages = pick(4) ? VX_IOSPACE_PAGES_MIN + pick(8) : pick(600);
		int64_t r =
		    fz_call(VX_SYS_IOSPACE_CREATE, hnd(ret), hnd(pci), bdf | flags, pages, 0, 0);
		keep(r, VX_OBJ_IOSPACE, ret->rights, 0);
		if (r > 0)
			last = (vx_handle_t)r;
		break;
	}
	case 1:
	case 2: {
		uint64_t at = pick(2) ? edge[pick(6)] : (uint64_t)pick(512) << 12;
		if (!pick(8))
			at |= 1 + pick(VX_PAGE_SIZE - 1);
		fz_call(VX_SYS_IOSPACE_MAP, last && pick(4) ? last : hnd(io), hnd(mem), at,
			1 + pick(pick(8) ? 3 : 16), 0, 0);
		break;
	}
	default:
		fz_call(VX_SYS_TASK_UNMAP, hnd(mem), 0, 0, 0, 0, 0);
		break;
	}
}

static void op_misc(void)
{
	struct vx_task_info ti;

	switch (pick(4)) {
	case 0:
		fz_call(VX_SYS_TASK_YIELD, 0, 0, 0, 0, 0, 0);
		break;
	case 1:
		fz_call(VX_SYS_CLOCK, 0, 0, 0, 0, 0, 0);
		break;
	case 2:
		fz_call(VX_SYS_TASK_INSPECT, w.self, mut_ptr(&ti, sizeof(ti)), 0, 0, 0, 0);
		break;
	default:
		op_device();
		break;
	}
}

/* One operation, by weight (of 100). */
void structured_op(void)
{
	static const struct {
		uint8_t weight;
		void (*op)(void);
	} ops[] = {
	    {9, op_retype},	{5, op_split},	     {4, op_reset_or_info}, {7, op_derive},
	    {8, op_delete},	{3, op_inspect},     {10, op_map},	    {10, op_ring},
	    {4, op_bundle_add}, {4, op_child_start}, {6, op_child_control}, {7, op_signal},
	    {1, op_misc},	{1, op_kwait},	     {1, op_peer},	    {1, op_fanout},
	    {2, op_syscaller},	{3, op_iospace},     {2, op_affinity},	    {1, op_deep},
	    {2, op_deadline},	{1, op_foreign},     {1, op_pingpong},	    {1, op_xfer_wrap},
	    {1, op_trapper},	{1, op_topcall},     {1, op_counts},	    {1, op_shared_storm},
	    {1, op_fpu_storm},	{1, op_halt_count},  {1, op_wake_storm},    {1, op_pair_storm},
	};
	unsigned x = (unsigned)pick(102);

	for (unsigned i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (x < ops[i].weight) {
			ops[i].op();
			return;
		}
		x -= ops[i].weight;
	}
	op_misc();
}
