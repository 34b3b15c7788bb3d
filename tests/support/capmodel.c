/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The capability-system model engine (see capmodel.h).
 *
 * THE MODEL.  Objects (struct mobj) are numbered in creation order within
 * an epoch and never reused; each records its type, the Reticle it was
 * carved from and its record index there, its body (pa, size) and the
 * kernel record that must match it.  A Reticle keeps its records in
 * creation order, exactly as the spec says (records up from the base,
 * bodies down from the top, trailing dead records popped), so the model
 * predicts every carve's address and every NOMEM.  Capabilities (struct
 * mcap) keep one identity while they move (a transfer queue or a Bundle
 * slot into a handle table); where they are held says which kernel struct
 * cap must mirror them.  A cap's derivation parent is the one it was made
 * from; the kernel's parent pointer must name the nearest ancestor still
 * alive.  Page tables are a set of (level, region) keys per Task, carved in
 * the order the walk needs them.
 *
 * Destruction is modelled as a work list: removing a cap may zombify its
 * object, destroying an object removes the caps it holds, a Reticle reset
 * destroys every record.  The outcome (which objects and caps survive,
 * every count and free byte) does not depend on the order; the only thing
 * that does is which peer of a Ring hears an unbind when both ends die in
 * one cascade, so those signal bits are "maybe" bits.
 *
 * ONE STEP.  Pick a runnable Task, make it current (as the scheduler would:
 * the previous one goes back on its queue), choose an operation and its
 * arguments, predict the result from the model, run the real handler
 * (re-issuing it on SYS_RESTART), run reap() as syscall_dispatch does,
 * compare, apply the effect to the model, and check every invariant:
 *
 *  - every live object's record is live, of its type, at its address, and
 *    its cap list (walked both ways) holds exactly the model's caps;
 *  - every cap has the model's object, type, rights, range, parent, owner
 *    and mapping; no cap anywhere names a dead object;
 *  - each Task's table (generations, used slots, top), mapping list, page
 *    tables (every present entry accounted for), state, priority, run-queue
 *    membership and signal bits;
 *  - each Ring's transfer queue and bound ends, each Bundle's slots and page;
 *  - each Reticle: records, live count, body bottom, free bytes, so that
 *    records + bodies + free = size; dead records are dead;
 *  - old handles of deleted caps are VX_E_STALE.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capmodel.h"
#include "karch_host.h"

#define M_MAXOBJ   4096
#define M_MAXCAP   32768
#define M_MAXMAPS  64
#define M_MAXPT	   64
#define M_EMPTIED  (-2) /* a transfer slot whose cap was deleted behind it */
#define M_STALE	   64
#define M_TRACE	   64
#define M_TRACELEN 200
#define UWIN_BYTES 4096

enum where { W_NONE, W_TABLE, W_XFER, W_BUNDLE, W_FAULTSIG, W_TBUNDLE };

struct mcap {
	bool live;
	uint8_t type, rights, where;
	uint16_t flags; /* CAP_F_MAPPED / CAP_F_BOUND */
	int obj;
	int parent; /* the cap it was made from (may have died since) */
	int holder; /* the Task, Ring or Bundle holding it */
	uint32_t idx;
	uint64_t narrow;
	int onext, oprev; /* obj's list */
	int map_task;
	uint64_t map_va, map_bytes, map_pa;
	uint32_t prot;
};

struct mtask {
	uint32_t state, prio;
	uint64_t pending, maybe;
	uint64_t rip;
	uint32_t fault_kind;
	uint32_t gen[VX_HANDLE_SLOTS];
	int slot[VX_HANDLE_SLOTS];
	uint32_t top;
	int fault_sig, bundle;
	int maps[M_MAXMAPS]; /* caps mapped or bound into this Task */
	int nmaps;
	uint64_t ptkey[M_MAXPT];
	int npt;
};

struct mring {
	uint32_t slot_size, count;
	uint64_t bytes;
	int xfer[VX_RING_XFER_MAX];
	uint32_t head, n;
	uint64_t seq;
	int prod, cons;
	uint32_t prod_bit, cons_bit;
	uint32_t binds; /* the bind counters of ctl->bound */
};

struct mbundle {
	int slot[VX_BUNDLE_SLOTS];
	struct vx_bundle_entry e[VX_BUNDLE_SLOTS];
	uint32_t count;
	bool sealed;
};

struct mret {
	int *rec;
	uint32_t nrec, cap;
	uint32_t depth;
};

struct mobj {
	bool live, fixed, zombie;
	uint8_t type;
	int origin;
	uint32_t recidx;
	uint64_t pa, size;
	struct kobj *k;
	uint32_t ncaps;
	int cfirst;
	int pt_task; /* KOBJ_PAGETABLE: the Task that owns it */
	struct mtask *t;
	struct mring *r;
	struct mbundle *b;
	struct mret *ret;
};

struct stale {
	int task;
	uint64_t h;
};

struct cm_world {
	struct cm_config cfg;
	struct cm_stats st;
	/* choice source */
	uint64_t rng;
	const uint8_t *in;
	size_t in_len, in_pos;
	bool exhausted;
	/* host memory */
	uint8_t *ram;
	uint8_t *uwin;
	struct kobj root_k;
	/* model */
	struct mobj *obj;
	int nobj;
	struct mcap *cap;
	int ncap;
	int *zq;
	int nzq;
	int cur; /* model Task id of cpus[0].current, or -1 */
	struct stale stale[M_STALE];
	unsigned nstale;
	unsigned epoch_step;
	bool cascade; /* inside destruction: unbind wakes are "maybe" */
	bool chaos;   /* this epoch interleaves queued work (chaos_step) */
	/* Chaos: Tasks parked in SYS_KWAIT until the queue empties, and Tasks
	 * whose call returned SYS_RESTART and has not been re-issued yet. */
	struct task *kwait[64];
	int nkwait;
	struct restart {
		struct task *t;
		int64_t (*fn)(struct trapframe *);
		struct trapframe tf;
	} restart[16];
	int nrestart;
	/* failure and trace */
	bool failed;
	char err[1024];
	char trace[M_TRACE][M_TRACELEN];
	unsigned ntrace;
	bool trace_all; /* CM_TRACE set: every step to stderr */
	/* kernel-cap -> model-cap index, rebuilt per check */
	const struct cap **hkey;
	int *hval;
	size_t hsize;
	size_t *hused; /* the slots filled, to clear them cheaply */
	size_t nhused;
};

static struct cm_world *the_world;

/* ------------------------------------------------------------ utilities */

static void fail(struct cm_world *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct cm_world *w, const char *fmt, ...)
{
	va_list ap;

	if (w->failed)
		return;
	w->failed = true;
	va_start(ap, fmt);
	vsnprintf(w->err, sizeof(w->err), fmt, ap);
	va_end(ap);
}

#define CHK(c, ...)                                                                                \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fail(w, __VA_ARGS__);                                                      \
			return false;                                                              \
		}                                                                                  \
	} while (0)

static void tracef(struct cm_world *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tracef(struct cm_world *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->trace[w->ntrace % M_TRACE], M_TRACELEN, fmt, ap);
	va_end(ap);
	if (w->trace_all)
		fprintf(stderr, "%s\n", w->trace[w->ntrace % M_TRACE]);
	w->ntrace++;
}

/* A choice in [0, n): from the generator, or from the fuzz input (0 once
 * the input is used up). */
static uint64_t rnd(struct cm_world *w, uint64_t n)
{
	uint64_t v = 0;

	if (n <= 1)
		return 0;
	if (w->in) {
		unsigned bytes = n <= 0x100 ? 1 : n <= 0x10000 ? 2 : n <= 0x100000000ull ? 4 : 8;
		if (w->in_pos + bytes > w->in_len) {
			w->exhausted = true;
			return 0;
		}
		for (unsigned i = 0; i < bytes; i++)
			v = v << 8 | w->in[w->in_pos++];
		return v % n;
	}
	w->rng ^= w->rng >> 12;
	w->rng ^= w->rng << 25;
	w->rng ^= w->rng >> 27;
	v = w->rng * 0x2545f4914f6cdd1dull;
	return v % n;
}

/* 64 bits of choice in one draw (argument order is unspecified in C, so
 * one expression never draws twice). */
static uint64_t rnd64(struct cm_world *w)
{
	return rnd(w, UINT64_MAX);
}

static struct mtask *T(struct cm_world *w, int id)
{
	return w->obj[id].t;
}

static struct task *ktask(struct cm_world *w, int id)
{
	return (struct task *)(uintptr_t)w->obj[id].pa;
}

static struct ring *kring(struct cm_world *w, int id)
{
	return (struct ring *)(uintptr_t)w->obj[id].pa;
}

static struct bundle *kbundle(struct cm_world *w, int id)
{
	return (struct bundle *)(uintptr_t)(w->obj[id].pa + BUNDLE_PRIV_OFF);
}

static struct vx_bundle_page *kbpage(struct cm_world *w, int id)
{
	return (struct vx_bundle_page *)(uintptr_t)w->obj[id].pa;
}

/* The kernel struct cap that mirrors model cap id. */
static struct cap *kloc(struct cm_world *w, int id)
{
	const struct mcap *c = &w->cap[id];

	switch (c->where) {
	case W_TABLE:
		return &ktask(w, c->holder)->table[c->idx];
	case W_XFER:
		return &kring(w, c->holder)->xfer[c->idx];
	case W_BUNDLE:
		return &kbundle(w, c->holder)->slot[c->idx];
	case W_FAULTSIG:
		return &ktask(w, c->holder)->fault_sig;
	case W_TBUNDLE:
		return &ktask(w, c->holder)->bundle;
	default:
		return NULL;
	}
}

/* The nearest ancestor of cap id that is still alive, or -1. */
static int eff_parent(struct cm_world *w, int id)
{
	int p = w->cap[id].parent;

	while (p >= 0 && !w->cap[p].live)
		p = w->cap[p].parent;
	return p;
}

/* ------------------------------------------------------ model: objects */

static uint64_t ret_top(struct cm_world *w, int r)
{
	return w->obj[r].pa + w->obj[r].size;
}

static uint64_t ret_body_bottom(struct cm_world *w, int r)
{
	const struct mret *m = w->obj[r].ret;

	return m->nrec ? w->obj[m->rec[m->nrec - 1]].pa : ret_top(w, r);
}

static uint64_t ret_free(struct cm_world *w, int r)
{
	return ret_body_bottom(w, r) - (w->obj[r].pa + (uint64_t)w->obj[r].ret->nrec * 128);
}

static uint32_t ret_nlive(struct cm_world *w, int r)
{
	const struct mret *m = w->obj[r].ret;
	uint32_t n = 0;

	for (uint32_t i = 0; i < m->nrec; i++)
		n += w->obj[m->rec[i]].live;
	return n;
}

static struct mret *new_ret(uint64_t depth)
{
	struct mret *m = calloc(1, sizeof(*m));

	if (!m)
		abort();
	m->depth = (uint32_t)depth;
	return m;
}

/* Carves an object from Reticle r (the caller checked that it fits). */
static int m_carve(struct cm_world *w, int r, uint8_t type, uint64_t bytes)
{
	struct mret *m = w->obj[r].ret;
	int id = w->nobj++;
	struct mobj *o = &w->obj[id];

	if (id >= M_MAXOBJ)
		abort(); /* the step loop ends epochs well before */
	memset(o, 0, sizeof(*o));
	o->live = true;
	o->type = type;
	o->origin = r;
	o->recidx = m->nrec;
	o->size = bytes;
	o->pa = ret_body_bottom(w, r) - bytes;
	o->k = (struct kobj *)(uintptr_t)w->obj[r].pa + m->nrec; /* records: an array */
	o->cfirst = -1;
	o->pt_task = -1;
	if (m->nrec == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 64;
		m->rec = realloc(m->rec, m->cap * sizeof(int));
		if (!m->rec)
			abort();
	}
	m->rec[m->nrec++] = id;
	return id;
}

static void m_release(struct cm_world *w, int id)
{
	struct mobj *o = &w->obj[id];

	o->live = false;
	o->zombie = false;
	if (o->origin < 0)
		return;
	struct mret *m = w->obj[o->origin].ret;
	while (m->nrec > 0 && !w->obj[m->rec[m->nrec - 1]].live)
		m->nrec--;
}

static void new_task_model(struct cm_world *w, int id, uint32_t prio)
{
	struct mtask *t = calloc(1, sizeof(*t));

	if (!t)
		abort();
	t->state = VX_TASK_NEW;
	t->prio = prio;
	t->top = 1;
	t->fault_sig = t->bundle = -1;
	for (unsigned i = 0; i < VX_HANDLE_SLOTS; i++)
		t->slot[i] = -1;
	w->obj[id].t = t;
}

/* Body bytes of an object of this type and arg, or 0 (mirrors the ABI's
 * retype table). */
static uint64_t m_object_bytes(uint64_t type, uint64_t arg)
{
	switch (type) {
	case VX_OBJ_TASK:
		return arg == 0 ? VX_TASK_OBJ_BYTES : 0;
	case VX_OBJ_BUNDLE:
		return arg == 0 ? VX_BUNDLE_OBJ_BYTES : 0;
	case VX_OBJ_MEM:
		return arg >= 1 && arg <= VX_MEM_PAGES_MAX ? arg * 4096 : 0;
	case VX_OBJ_RING: {
		uint64_t sl = (arg >> 8) & 0xff, cl = arg & 0xff;
		if (arg >> 16 || sl < 6 || sl > 12 || cl > 12)
			return 0;
		uint64_t shared = ((1ull << sl) << cl);
		return 2 * 4096 + ((shared + 4095) & ~4095ull);
	}
	default:
		return 0;
	}
}

/* ------------------------------------------------------- model: caps */

static int new_cap(struct cm_world *w, int obj, uint8_t type, uint8_t rights, uint64_t narrow,
		   int parent)
{
	int id = w->ncap++;
	struct mcap *c = &w->cap[id];

	if (id >= M_MAXCAP)
		abort();
	memset(c, 0, sizeof(*c));
	c->live = true;
	c->obj = obj;
	c->type = type;
	c->rights = rights;
	c->narrow = narrow;
	c->parent = parent;
	c->map_task = -1;
	/* obj's list (order is the kernel's business; only the set is checked) */
	struct mobj *o = &w->obj[obj];
	c->oprev = -1;
	c->onext = o->cfirst;
	if (o->cfirst >= 0)
		w->cap[o->cfirst].oprev = id;
	o->cfirst = id;
	o->ncaps++;
	return id;
}

static void place(struct cm_world *w, int id, uint8_t where, int holder, uint32_t idx)
{
	w->cap[id].where = where;
	w->cap[id].holder = holder;
	w->cap[id].idx = idx;
}

/* The lowest free slot of Task tid's table, or -1. */
static int m_free_slot(struct cm_world *w, int tid)
{
	struct mtask *t = T(w, tid);

	for (uint32_t i = 1; i < t->top; i++)
		if (t->slot[i] < 0 && t->gen[i] < VX_HANDLE_GEN_MAX)
			return (int)i;
	return t->top < VX_HANDLE_SLOTS ? (int)t->top : -1;
}

static unsigned m_free_slots(struct cm_world *w, int tid)
{
	struct mtask *t = T(w, tid);
	unsigned n = VX_HANDLE_SLOTS - t->top;

	for (uint32_t i = 1; i < t->top; i++)
		if (t->slot[i] < 0 && t->gen[i] < VX_HANDLE_GEN_MAX)
			n++;
	return n;
}

/* Puts cap id into slot idx of tid's table; returns the handle. */
static uint64_t m_to_table(struct cm_world *w, int tid, int idx, int id)
{
	struct mtask *t = T(w, tid);

	t->gen[idx]++;
	t->slot[idx] = id;
	if ((uint32_t)idx >= t->top)
		t->top = (uint32_t)idx + 1;
	place(w, id, W_TABLE, tid, (uint32_t)idx);
	return VX_HANDLE_MAKE(idx, t->gen[idx]);
}

/* Mirrors cap_lookup's checks, in its order. */
static int m_lookup(struct cm_world *w, int tid, uint64_t h, uint32_t type, uint32_t rights,
		    int *out)
{
	struct mtask *t = T(w, tid);

	if (h > UINT32_MAX || VX_HANDLE_INDEX(h) == 0 || VX_HANDLE_GEN(h) == 0)
		return VX_E_BADHANDLE;
	uint32_t idx = VX_HANDLE_INDEX(h);
	if (idx >= t->top)
		return VX_E_STALE;
	int id = t->slot[idx];
	if (id < 0 || t->gen[idx] != VX_HANDLE_GEN(h))
		return VX_E_STALE;
	if (type && w->cap[id].type != type)
		return VX_E_TYPE;
	if ((w->cap[id].rights & rights) != rights)
		return VX_E_RIGHTS;
	*out = id;
	return VX_OK;
}

static void deliver(struct cm_world *w, int tid, uint64_t bits, bool maybe)
{
	if (tid < 0 || !w->obj[tid].live)
		return;
	struct mtask *t = T(w, tid);
	if (maybe)
		t->maybe |= bits & ~t->pending;
	else
		t->pending |= bits;
}

static void maps_add(struct cm_world *w, int tid, int id)
{
	struct mtask *t = T(w, tid);

	if (t->nmaps == M_MAXMAPS)
		abort();
	t->maps[t->nmaps++] = id;
}

static void maps_del(struct cm_world *w, int tid, int id)
{
	struct mtask *t = T(w, tid);

	for (int i = 0; i < t->nmaps; i++) {
		if (t->maps[i] == id) {
			t->maps[i] = t->maps[--t->nmaps];
			return;
		}
	}
}

/* Undoes the bind made through cap id and wakes the peer. */
static void m_unbind(struct cm_world *w, int id, bool maybe)
{
	struct mcap *c = &w->cap[id];
	struct mring *r = w->obj[c->obj].r;

	maps_del(w, c->map_task, id);
	/* In a cascade the peer may go first and wake this end instead. */
	if (maybe && r->prod >= 0 && r->cons >= 0)
		deliver(w, c->map_task, 1ull << (r->prod == id ? r->prod_bit : r->cons_bit), true);
	if (r->prod == id) {
		r->prod = -1;
		if (r->cons >= 0)
			deliver(w, w->cap[r->cons].map_task, 1ull << r->cons_bit, maybe);
	}
	if (r->cons == id) {
		r->cons = -1;
		if (r->prod >= 0)
			deliver(w, w->cap[r->prod].map_task, 1ull << r->prod_bit, maybe);
	}
	c->flags = 0;
	c->map_task = -1;
}

static void m_unmap(struct cm_world *w, int id)
{
	struct mcap *c = &w->cap[id];

	maps_del(w, c->map_task, id);
	c->flags = 0;
	c->map_task = -1;
}

static void note_stale(struct cm_world *w, int tid, uint64_t h)
{
	w->stale[w->nstale % M_STALE] = (struct stale){tid, h};
	w->nstale++;
}

/* Deletes a cap (cap_remove): unmap or unbind, leave the slot, queue the
 * object if that was its last cap. */
static void m_cap_remove(struct cm_world *w, int id)
{
	if (id < 0 || !w->cap[id].live)
		return;
	struct mcap *c = &w->cap[id];
	if (c->flags & CAP_F_MAPPED)
		m_unmap(w, id);
	else if (c->flags & CAP_F_BOUND)
		m_unbind(w, id, true);
	c->live = false;
	struct mobj *o = &w->obj[c->obj];
	if (c->oprev >= 0)
		w->cap[c->oprev].onext = c->onext;
	else
		o->cfirst = c->onext;
	if (c->onext >= 0)
		w->cap[c->onext].oprev = c->oprev;
	o->ncaps--;
	switch (c->where) {
	case W_TABLE: {
		struct mtask *t = T(w, c->holder);
		t->slot[c->idx] = -1;
		note_stale(w, c->holder, VX_HANDLE_MAKE(c->idx, t->gen[c->idx]));
		break;
	}
	case W_XFER:
		w->obj[c->holder].r->xfer[c->idx] = M_EMPTIED;
		break;
	case W_BUNDLE:
		w->obj[c->holder].b->slot[c->idx] = M_EMPTIED;
		break;
	case W_FAULTSIG:
		T(w, c->holder)->fault_sig = -1;
		break;
	case W_TBUNDLE:
		T(w, c->holder)->bundle = -1;
		break;
	}
	c->where = W_NONE;
	if (o->ncaps == 0 && o->live && !o->fixed && !o->zombie) {
		o->zombie = true;
		w->zq[w->nzq++] = c->obj;
	}
}

static void m_reset(struct cm_world *w, int r);

static void m_destroy(struct cm_world *w, int id)
{
	struct mobj *o = &w->obj[id];

	switch (o->type) {
	case VX_OBJ_TASK: {
		struct mtask *t = o->t;
		if (w->cur == id)
			w->cur = -1;
		t->state = VX_TASK_EXITED;
		for (uint32_t i = 1; i < t->top; i++)
			m_cap_remove(w, t->slot[i]);
		m_cap_remove(w, t->fault_sig);
		m_cap_remove(w, t->bundle);
		while (t->nmaps) {
			int c = t->maps[0];
			if (w->cap[c].flags & CAP_F_BOUND)
				m_unbind(w, c, true);
			else
				m_unmap(w, c);
		}
		/* Its page tables: every record of its Reticle it owns. */
		struct mret *m = w->obj[o->origin].ret;
		for (uint32_t i = 0; i < m->nrec; i++) {
			int p = m->rec[i];
			if (w->obj[p].live && w->obj[p].type == KOBJ_PAGETABLE &&
			    w->obj[p].pt_task == id)
				w->obj[p].live = false;
		}
		t->npt = 0;
		break;
	}
	case VX_OBJ_RING:
		for (unsigned i = 0; i < VX_RING_XFER_MAX; i++)
			if (o->r->xfer[i] >= 0)
				m_cap_remove(w, o->r->xfer[i]);
		o->r->n = 0;
		break;
	case VX_OBJ_BUNDLE:
		for (unsigned i = 0; i < VX_BUNDLE_SLOTS; i++)
			if (o->b->slot[i] >= 0)
				m_cap_remove(w, o->b->slot[i]);
		break;
	case VX_OBJ_RETICLE:
		m_reset(w, id);
		break;
	}
	m_release(w, id);
	w->st.destroyed++;
}

static void m_reap(struct cm_world *w)
{
	while (w->nzq > 0) {
		int id = w->zq[--w->nzq];
		m_destroy(w, id);
	}
}

static void m_kill_caps(struct cm_world *w, int id)
{
	while (w->obj[id].cfirst >= 0)
		m_cap_remove(w, w->obj[id].cfirst);
}

/* Destroys every record of r (reticle_reset). */
static void m_reset(struct cm_world *w, int r)
{
	struct mret *m = w->obj[r].ret;
	bool was = w->cascade;

	w->cascade = true;
	for (uint32_t i = m->nrec; i-- > 0;) {
		if (i >= m->nrec)
			continue;
		int id = m->rec[i];
		if (!w->obj[id].live || w->obj[id].zombie)
			continue;
		m_kill_caps(w, id);
		m_reap(w);
	}
	for (uint32_t i = m->nrec; i-- > 0;)
		if (i < m->nrec && w->obj[m->rec[i]].live)
			m_release(w, m->rec[i]);
	w->cascade = was;
}

/* Descendants of cap id (along effective parents). */
static bool descends(struct cm_world *w, int x, int anc)
{
	for (int p = eff_parent(w, x); p >= 0; p = eff_parent(w, p))
		if (p == anc)
			return true;
	return false;
}

/* --------------------------------------------------- model: page tables */

static uint64_t ptkey(int lvl, uint64_t va)
{
	static const unsigned shift[3] = {39, 30, 21};
	return ((uint64_t)lvl << 60) | (va >> shift[lvl]);
}

static bool has_pt(struct mtask *t, uint64_t key)
{
	for (int i = 0; i < t->npt; i++)
		if (t->ptkey[i] == key)
			return true;
	return false;
}

static uint64_t m_tables_needed(struct cm_world *w, int tid, uint64_t va, uint64_t bytes)
{
	static const uint64_t span[3] = {1ull << 39, 1ull << 30, 1ull << 21};
	struct mtask *t = T(w, tid);
	uint64_t need = 0, end = va + bytes;

	for (int lvl = 0; lvl < 3; lvl++)
		for (uint64_t a = va & ~(span[lvl] - 1); a < end; a += span[lvl])
			need += !has_pt(t, ptkey(lvl, a));
	return need;
}

/* task_check_new_mapping: overlap, then the page tables' cost. */
static int m_check_mapping(struct cm_world *w, int tid, uint64_t va, uint64_t bytes)
{
	struct mtask *t = T(w, tid);

	for (int i = 0; i < t->nmaps; i++) {
		const struct mcap *c = &w->cap[t->maps[i]];
		if (va < c->map_va + c->map_bytes && c->map_va < va + bytes)
			return VX_E_EXISTS;
	}
	uint64_t need = m_tables_needed(w, tid, va, bytes);
	if (need && ret_free(w, w->obj[tid].origin) < need * (4096 + 128))
		return VX_E_NOMEM;
	return VX_OK;
}

/* Maps through cap id: the tables first, in the walk's order. */
static void m_map(struct cm_world *w, int id, int tid, uint64_t va, uint64_t pa, uint64_t bytes,
		  uint32_t prot, uint16_t flag)
{
	struct mtask *t = T(w, tid);
	struct mcap *c = &w->cap[id];

	for (uint64_t off = 0; off < bytes; off += 4096) {
		for (int lvl = 0; lvl < 3; lvl++) {
			uint64_t key = ptkey(lvl, va + off);
			if (has_pt(t, key))
				continue;
			if (t->npt == M_MAXPT)
				abort();
			t->ptkey[t->npt++] = key;
			int p = m_carve(w, w->obj[tid].origin, KOBJ_PAGETABLE, 4096);
			w->obj[p].pt_task = tid;
		}
	}
	c->flags = flag;
	c->map_task = tid;
	c->map_va = va;
	c->map_bytes = bytes;
	c->map_pa = pa;
	c->prot = prot;
	maps_add(w, tid, id);
}

/* ---------------------------------------------------------- the kernel */

static int actors(struct cm_world *w, int *out, int max)
{
	int n = 0;

	for (int i = 0; i < w->nobj && n < max; i++)
		if (w->obj[i].live && w->obj[i].type == VX_OBJ_TASK &&
		    w->obj[i].t->state == VX_TASK_RUNNABLE)
			out[n++] = i;
	return n;
}

/* Makes tid the running Task as sched_next_frame would: the previous one
 * goes to the tail of its queue, the new one comes off its queue. */
static void become(struct cm_world *w, int tid)
{
	struct task *t = ktask(w, tid);
	struct task *prev = cpus[0].current;

	if (prev == t)
		return;
	cpus[0].current = NULL;
	if (prev) {
		prev->running_on = -1;
		if (prev->state == VX_TASK_RUNNABLE)
			sched_make_runnable(prev);
	}
	sched_remove(t);
	cpus[0].current = t;
	t->running_on = 0;
	w->cur = tid;
}

/* Runs the kernel's queued work to the end, as later kernel entries and
 * the idle loop would. */
static void drain(struct cm_world *w)
{
	for (unsigned long n = 0; work_pending(); n++) {
		reap();
		preempt_done();
		if (n > 10000000) {
			fail(w, "the kernel's queued work never finishes");
			return;
		}
	}
}

/* The handler a call has under the kernel lock held shared on a CPU among
 * several (syscall.c's shared_syscalls), where it is not fn itself; else
 * NULL. */
static int64_t (*shared_form(int64_t (*fn)(struct trapframe *)))(struct trapframe *)
{
	static const struct {
		int64_t (*fn)(struct trapframe *), (*shared)(struct trapframe *);
	} forms[] = {
	    {sys_reticle_retype, sys_reticle_retype_shared},
	    {sys_reticle_split, sys_reticle_split_shared},
	    {sys_cap_delete, sys_cap_delete_shared},
	    {sys_ring_send_cap, sys_ring_send_cap_shared},
	    {sys_ring_recv_cap, sys_ring_recv_cap_shared},
	    {sys_task_map, sys_task_map_shared},
	    {sys_task_unmap, sys_task_unmap_shared},
	};
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		if (forms[i].fn == fn)
			return forms[i].shared;
	return NULL;
}

/*
 * Runs one handler as the current Task, the way syscall_dispatch does: a
 * handler that returns SYS_RESTART is re-issued after one budget of queued
 * work; a result whose queued work is unfinished waits for it (SYS_KWAIT).
 * The preemption budget is tiny for a random half of the calls (every
 * check after the first is due), unlimited for the rest.  A call with a
 * shared form (shared_form) takes it half the time, as on a CPU among
 * several, and the ordinary way when that answers SYS_EXCLUSIVE, as
 * dispatch_shared does; the shared form must neither restart nor queue
 * work.  Nothing else runs until the call and its work are done.
 */
static int64_t sys(struct cm_world *w, int64_t (*fn)(struct trapframe *), uint64_t a0, uint64_t a1,
		   uint64_t a2, uint64_t a3, uint64_t a4)
{
	struct trapframe tf;
	struct task *caller = cpus[0].current;
	int64_t r;
	unsigned restarts = 0;

	memset(&tf, 0, sizeof(tf));
	tf.rdi = a0;
	tf.rsi = a1;
	tf.rdx = a2;
	tf.r10 = a3;
	tf.r8 = a4;
	cpuinfo.tsc_per_ms = rnd(w, 2) ? 0 : 1ull << 40;
	karch.stack_max = 0;
	karch_stack_mark();
	if (shared_form(fn) && rnd(w, 2)) {
		r = shared_form(fn)(&tf);
		if (r != SYS_EXCLUSIVE) {
			if (r == SYS_RESTART || work_pending())
				fail(w,
				     "a call under the lock held shared restarted or queued work");
			w->st.shared++;
			goto done;
		}
		w->st.shared_declined++;
	}
	for (;;) {
		r = fn(&tf);
		if (r != SYS_RESTART && !work_pending())
			break;
		bool done = reap();
		preempt_done();
		if (cpus[0].current != caller)
			break; /* destroyed by its own call's work */
		if (r == SYS_RESTART) {
			w->st.restarts++;
			if (++restarts > 10000000) {
				fail(w, "a syscall restarted ten million times");
				break;
			}
			continue;
		}
		if (!done && caller->state == VX_TASK_RUNNABLE)
			drain(w); /* re-entered as SYS_KWAIT until the work is done */
		break;
	}
done:
	drain(w);
	cpuinfo.tsc_per_ms = 0;
	w->st.calls++;
	if (karch.stack_max > w->st.stack_max)
		w->st.stack_max = karch.stack_max;
	if (!(w->cfg.known_bugs & CM_BUG_RECURSION) && karch.stack_max > w->cfg.stack_limit)
		fail(w, "one syscall used %zu bytes of stack (limit %zu): recursion?",
		     karch.stack_max, w->cfg.stack_limit);
	if (karch.fpu_forget_dead && !(w->cfg.known_bugs & CM_BUG_DOUBLE_RELEASE))
		fail(w, "a Task was destroyed after its record had been released "
			"(double release)");
	if (karch.bad_table)
		fail(w, "a page-table walk reached a page outside physical memory");
	return r;
}

/* ------------------------------------------------------------ checking */

static size_t hslot(const struct cm_world *w, const struct cap *p)
{
	return ((uintptr_t)p / 8 * 0x9e3779b97f4a7c15ull) & (w->hsize - 1);
}

static void hbuild(struct cm_world *w)
{
	for (size_t i = 0; i < w->nhused; i++)
		w->hkey[w->hused[i]] = NULL;
	w->nhused = 0;
	for (int i = 0; i < w->ncap; i++) {
		if (!w->cap[i].live)
			continue;
		const struct cap *p = kloc(w, i);
		size_t s = hslot(w, p);
		while (w->hkey[s])
			s = (s + 1) & (w->hsize - 1);
		w->hkey[s] = p;
		w->hval[s] = i;
		w->hused[w->nhused++] = s;
	}
}

static int hfind(const struct cm_world *w, const struct cap *p)
{
	for (size_t s = hslot(w, p); w->hkey[s]; s = (s + 1) & (w->hsize - 1))
		if (w->hkey[s] == p)
			return w->hval[s];
	return -1;
}

static bool check_cap(struct cm_world *w, int id)
{
	const struct mcap *c = &w->cap[id];
	const struct cap *p = kloc(w, id);
	int par = eff_parent(w, id);

	CHK(p->obj == w->obj[c->obj].k, "cap %d: names %p, model says object %d (%p)", id,
	    (void *)p->obj, c->obj, (void *)w->obj[c->obj].k);
	CHK(p->type == c->type && p->rights == c->rights && p->narrow == c->narrow,
	    "cap %d: type/rights/narrow %u/%#x/%#llx, model %u/%#x/%#llx", id, p->type, p->rights,
	    (unsigned long long)p->narrow, c->type, c->rights, (unsigned long long)c->narrow);
	CHK(p->parent == (par >= 0 ? kloc(w, par) : NULL),
	    "cap %d: parent %p, model says cap %d (%p)", id, (void *)p->parent, par,
	    par >= 0 ? (void *)kloc(w, par) : NULL);
	CHK(p->owner == (c->where == W_TABLE ? ktask(w, c->holder) : NULL), "cap %d: owner %p", id,
	    (void *)p->owner);
	CHK(p->flags == c->flags, "cap %d: flags %#x, model %#x", id, p->flags, c->flags);
	if (c->flags) {
		CHK(p->map_task == ktask(w, c->map_task) && p->map_va == c->map_va,
		    "cap %d: mapped into %p at %#llx, model Task %d at %#llx", id,
		    (void *)p->map_task, (unsigned long long)p->map_va, c->map_task,
		    (unsigned long long)c->map_va);
	}
	return true;
}

/* Walks one sibling list of o's derivation forest (and, depth first, the
 * lists below it); *n counts the caps seen. */
static bool check_forest(struct cm_world *w, int id, const struct cap *first,
			 const struct cap *parent, uint32_t *n, unsigned depth)
{
	const struct mobj *o = &w->obj[id];
	const struct cap *last = NULL;

	CHK(depth <= o->ncaps, "object %d: derivation forest deeper than its caps", id);
	for (const struct cap *x = first; x; x = x->next) {
		CHK(++*n <= o->ncaps, "object %d: more caps in its forest than ncaps (cycle?)", id);
		CHK(x->prev == last, "object %d: sibling list prev link broken", id);
		CHK(x->obj == o->k, "object %d: a cap in its forest names %p", id, (void *)x->obj);
		CHK(x->parent == parent, "object %d: a cap sits under %p, its parent is %p", id,
		    (const void *)parent, (void *)x->parent);
		int m = hfind(w, x);
		CHK(m >= 0, "object %d: a cap in its forest (%p) is nowhere in the model", id,
		    (const void *)x);
		CHK(w->cap[m].obj == id, "object %d: forest holds cap %d of object %d", id, m,
		    w->cap[m].obj);
		if (!check_forest(w, id, x->child, x, n, depth + 1))
			return false;
		last = x;
	}
	return true;
}

static bool check_obj_caps(struct cm_world *w, int id)
{
	const struct mobj *o = &w->obj[id];
	uint32_t n = 0;

	CHK(o->k->ncaps == o->ncaps, "object %d (type %u): ncaps %u, model %u", id, o->type,
	    o->k->ncaps, o->ncaps);
	if (!check_forest(w, id, o->k->caps, NULL, &n, 0))
		return false;
	CHK(n == o->ncaps, "object %d: forest has %u caps, model %u", id, n, o->ncaps);
	CHK(!o->k->queued, "object %d: still on the work queue after the work was done", id);
	CHK(kobj_zeroed(o->k), "object %d: body not all zeroed after the work was done", id);
	if (o->type == VX_OBJ_MEM) {
		uint32_t nw = 0, nx = 0;
		for (int c = o->cfirst; c >= 0; c = w->cap[c].onext) {
			nw += !!(w->cap[c].flags & CAP_F_WRITE);
			nx += !!(w->cap[c].flags & CAP_F_EXEC);
		}
		CHK(o->k->u.mem.nwrite == nw && o->k->u.mem.nexec == nx,
		    "Mem %d: %u writable and %u executable mappings, model %u and %u", id,
		    o->k->u.mem.nwrite, o->k->u.mem.nexec, nw, nx);
	}
	return true;
}

/* Walks the real page table of Task tid; every present leaf must be one
 * the model maps, with its frame and protection. */
static bool check_page_tables(struct cm_world *w, int tid)
{
	struct mtask *t = T(w, tid);
	const uint64_t *l4 = (const uint64_t *)(uintptr_t)(w->obj[tid].pa + TASK_ROOT_OFF);
	uint64_t leaves = 0, want = 0;
	int tables = 0;

	for (int i = 0; i < t->nmaps; i++)
		want += w->cap[t->maps[i]].map_bytes / 4096;
	for (unsigned a = 0; a < 512; a++) {
		if (!(l4[a] & KARCH_PTE_P))
			continue;
		CHK(a < 256, "Task %d: kernel-half PML4 entry %u present", tid, a);
		const uint64_t *l3 = (const uint64_t *)(uintptr_t)(l4[a] & KARCH_PTE_ADDR);
		tables++;
		for (unsigned b = 0; b < 512; b++) {
			if (!(l3[b] & KARCH_PTE_P))
				continue;
			const uint64_t *l2 = (const uint64_t *)(uintptr_t)(l3[b] & KARCH_PTE_ADDR);
			tables++;
			for (unsigned c = 0; c < 512; c++) {
				if (!(l2[c] & KARCH_PTE_P))
					continue;
				const uint64_t *l1 =
				    (const uint64_t *)(uintptr_t)(l2[c] & KARCH_PTE_ADDR);
				tables++;
				for (unsigned d = 0; d < 512; d++)
					leaves += l1[d] & KARCH_PTE_P;
			}
		}
	}
	CHK(tables == t->npt, "Task %d: %d page-table pages reachable, model %d", tid, tables,
	    t->npt);
	CHK(leaves == want, "Task %d: %llu pages mapped, model %llu", tid,
	    (unsigned long long)leaves, (unsigned long long)want);
	return true;
}

static bool check_mappings(struct cm_world *w, int tid)
{
	struct mtask *t = T(w, tid);
	struct task *kt = ktask(w, tid);
	const struct cap *last = NULL;
	int n = 0;

	for (const struct cap *x = kt->mappings; x; x = x->mnext) {
		CHK(++n <= t->nmaps, "Task %d: mapping list longer than the model's %d", tid,
		    t->nmaps);
		CHK(x->mprev == last && x->map_task == kt && x->flags,
		    "Task %d: mapping list links broken", tid);
		int m = hfind(w, x);
		CHK(m >= 0 && w->cap[m].map_task == tid,
		    "Task %d: a cap on its mapping list is not mapped into it in the model", tid);
		last = x;
	}
	CHK(n == t->nmaps, "Task %d: %d caps mapped into it, model %d", tid, n, t->nmaps);
	for (int i = 0; i < t->nmaps; i++) {
		const struct mcap *c = &w->cap[t->maps[i]];
		for (uint64_t off = 0; off < c->map_bytes; off += 4096) {
			uint64_t *pte = paging_lookup(kt->root_pa, c->map_va + off);
			CHK(pte && (*pte & KARCH_PTE_P), "Task %d: %#llx not mapped", tid,
			    (unsigned long long)(c->map_va + off));
			uint64_t want = paging_pte(c->map_pa + off, c->prot);
			CHK(*pte == want, "Task %d: pte for %#llx is %#llx, model %#llx", tid,
			    (unsigned long long)(c->map_va + off), (unsigned long long)*pte,
			    (unsigned long long)want);
		}
	}
	return true;
}

static bool check_task(struct cm_world *w, int tid, bool full)
{
	struct mtask *t = T(w, tid);
	struct task *kt = ktask(w, tid);
	uint32_t used = 0;

	CHK(kt->obj == w->obj[tid].k, "Task %d: struct task names the wrong record", tid);
	CHK(kt->table_top == t->top, "Task %d: table_top %u, model %u", tid, kt->table_top, t->top);
	for (uint32_t i = 1; i < t->top; i++) {
		const struct cap *p = &kt->table[i];
		CHK(p->gen == t->gen[i], "Task %d slot %u: generation %u, model %u", tid, i, p->gen,
		    t->gen[i]);
		if (t->slot[i] < 0) {
			CHK(!p->obj, "Task %d slot %u: holds a cap the model deleted", tid, i);
			CHK(kt->free_hint <= i, "Task %d: free_hint %u above free slot %u", tid,
			    kt->free_hint, i);
		} else {
			used++;
		}
	}
	CHK(kt->used_slots == used, "Task %d: used_slots %u, model %u", tid, kt->used_slots, used);
	CHK(kt->state == t->state, "Task %d: state %u, model %u", tid, kt->state, t->state);
	CHK(kt->prio == t->prio, "Task %d: prio %u, model %u", tid, kt->prio, t->prio);
	CHK(!(kt->pending & ~(t->pending | t->maybe)) && !(t->pending & ~kt->pending),
	    "Task %d: pending %#llx, model %#llx (maybe %#llx)", tid,
	    (unsigned long long)kt->pending, (unsigned long long)t->pending,
	    (unsigned long long)t->maybe);
	/* The model adopts the kernel's choice among the maybe bits. */
	t->pending = kt->pending;
	t->maybe = 0;
	bool want_q = t->state == VX_TASK_RUNNABLE && w->cur != tid;
	CHK(kt->queued == want_q, "Task %d: queued %u, model %d", tid, kt->queued, want_q);
	if (kt->queued) {
		unsigned n = 0;
		for (struct task *x = kt->rq_next; x != kt; x = x->rq_next) {
			CHK(++n < (unsigned)w->nobj, "Task %d: run queue does not close", tid);
			CHK(x->queued && x->prio == kt->prio && x->state == VX_TASK_RUNNABLE &&
				x->obj->state == KOBJ_LIVE,
			    "Task %d: run queue holds a Task that should not be there", tid);
			CHK(x->rq_next->rq_prev == x, "Task %d: run queue links broken", tid);
		}
	}
	CHK(kt->pt_list == NULL || t->npt > 0, "Task %d: page tables the model lacks", tid);
	int npt = 0;
	for (struct kobj *p = kt->pt_list; p; p = p->pt_next) {
		CHK(++npt <= t->npt, "Task %d: pt_list longer than the model's %d", tid, t->npt);
		CHK(p->state == KOBJ_LIVE && p->type == KOBJ_PAGETABLE &&
			p->origin == w->obj[w->obj[tid].origin].k,
		    "Task %d: a page-table record is not a live table of its Reticle", tid);
	}
	CHK(npt == t->npt, "Task %d: %d page-table pages, model %d", tid, npt, t->npt);
	if (!check_mappings(w, tid))
		return false;
	if (full && !check_page_tables(w, tid))
		return false;
	return true;
}

static bool check_ring(struct cm_world *w, int id)
{
	struct mring *r = w->obj[id].r;
	struct ring *k = kring(w, id);

	CHK(k->obj == w->obj[id].k, "Ring %d: private page names the wrong record", id);
	CHK(k->xfer_head == r->head && k->xfer_count == r->n && k->xfer_seq == r->seq,
	    "Ring %d: transfer head/count/seq %u/%u/%llu, model %u/%u/%llu", id, k->xfer_head,
	    k->xfer_count, (unsigned long long)k->xfer_seq, r->head, r->n,
	    (unsigned long long)r->seq);
	for (uint32_t i = 0; i < VX_RING_XFER_MAX; i++) {
		if (r->xfer[i] < 0)
			CHK(!k->xfer[i].obj,
			    "Ring %d: transfer slot %u holds a cap the model lacks", id, i);
	}
	CHK(k->producer == (r->prod >= 0 ? kloc(w, r->prod) : NULL),
	    "Ring %d: producer end differs from the model", id);
	CHK(k->consumer == (r->cons >= 0 ? kloc(w, r->cons) : NULL),
	    "Ring %d: consumer end differs from the model", id);
	const struct vx_ring_ctl *ctl = (const void *)(uintptr_t)(w->obj[id].pa + RING_SHARED_OFF);
	uint32_t want = r->binds | (r->prod >= 0 ? VX_RING_BOUND_PRODUCER : 0) |
			(r->cons >= 0 ? VX_RING_BOUND_CONSUMER : 0);
	CHK(ctl->bound == want, "Ring %d: ctl->bound %#x, model %#x", id, ctl->bound, want);
	return true;
}

static bool check_bundle(struct cm_world *w, int id)
{
	struct mbundle *b = w->obj[id].b;
	struct bundle *k = kbundle(w, id);
	struct vx_bundle_page *p = kbpage(w, id);

	CHK(k->count == b->count && p->count == b->count, "Bundle %d: count %u/%u, model %u", id,
	    k->count, p->count, b->count);
	CHK(!k->sealed == !b->sealed, "Bundle %d: sealed %u, model %d", id, k->sealed, b->sealed);
	for (uint32_t i = 0; i < VX_BUNDLE_SLOTS; i++)
		if (b->slot[i] < 0)
			CHK(!k->slot[i].obj, "Bundle %d: slot %u holds a cap the model lacks", id,
			    i);
	for (uint32_t i = 0; i < b->count; i++)
		CHK(memcmp(&p->entry[i], &b->e[i], sizeof(b->e[i])) == 0,
		    "Bundle %d: page entry %u ('%s' handle %#x) differs from the model ('%s' "
		    "handle "
		    "%#x)",
		    id, i, p->entry[i].name, p->entry[i].handle, b->e[i].name, b->e[i].handle);
	return true;
}

static bool check_reticle(struct cm_world *w, int id)
{
	struct mret *m = w->obj[id].ret;
	struct kobj *k = w->obj[id].k;
	uint64_t bodies = 0;

	CHK(k->u.ret.nrec == m->nrec, "Reticle %d: %u records, model %u", id, k->u.ret.nrec,
	    m->nrec);
	CHK(k->u.ret.body_bottom == ret_body_bottom(w, id),
	    "Reticle %d: body bottom %#llx, model %#llx", id,
	    (unsigned long long)k->u.ret.body_bottom, (unsigned long long)ret_body_bottom(w, id));
	CHK(reticle_free_bytes(k) == ret_free(w, id), "Reticle %d: %llu bytes free, model %llu", id,
	    (unsigned long long)reticle_free_bytes(k), (unsigned long long)ret_free(w, id));
	CHK(k->u.ret.nlive == ret_nlive(w, id), "Reticle %d: %u live objects, model %u", id,
	    k->u.ret.nlive, ret_nlive(w, id));
	CHK(k->u.ret.depth == m->depth, "Reticle %d: depth %u, model %u", id, k->u.ret.depth,
	    m->depth);
	for (uint32_t i = 0; i < m->nrec; i++) {
		const struct mobj *o = &w->obj[m->rec[i]];
		CHK(o->k == &k->u.ret.rec[i], "Reticle %d: record %u misplaced", id, i);
		CHK(o->k->state == (o->live ? KOBJ_LIVE : KOBJ_DEAD),
		    "Reticle %d: record %u (object %d, type %u) state %u, model %s", id, i,
		    m->rec[i], o->type, o->k->state, o->live ? "live" : "dead");
		if (o->live) {
			CHK(o->k->type == o->type && o->k->pa == o->pa && o->k->size == o->size &&
				o->k->origin == k,
			    "Reticle %d: record %u (object %d) has type %u pa %#llx size %llu, "
			    "model type %u pa %#llx size %llu",
			    id, i, m->rec[i], o->k->type, (unsigned long long)o->k->pa,
			    (unsigned long long)o->k->size, o->type, (unsigned long long)o->pa,
			    (unsigned long long)o->size);
		}
		bodies += o->size;
	}
	/* Every byte: records + bodies (live or awaiting reset) + free = size. */
	CHK((uint64_t)m->nrec * 128 + bodies + ret_free(w, id) == w->obj[id].size,
	    "Reticle %d: %u records + %llu body bytes + %llu free != %llu", id, m->nrec,
	    (unsigned long long)bodies, (unsigned long long)ret_free(w, id),
	    (unsigned long long)w->obj[id].size);
	return true;
}

static bool check_all(struct cm_world *w, bool full)
{
	if (w->failed)
		return false;
	hbuild(w);
	for (int i = 0; i < w->ncap; i++)
		if (w->cap[i].live && !check_cap(w, i))
			return false;
	for (int i = 0; i < w->nobj; i++) {
		struct mobj *o = &w->obj[i];
		if (!o->live) {
			/* dead: its record is dead, or popped */
			const struct mobj *r = o->origin >= 0 ? &w->obj[o->origin] : NULL;
			if (r && r->live && o->recidx < r->ret->nrec && r->ret->rec[o->recidx] == i)
				CHK(o->k->state == KOBJ_DEAD,
				    "object %d: dead in the model, state %u", i, o->k->state);
			continue;
		}
		if (o->type == KOBJ_PAGETABLE)
			continue;
		CHK(o->k->state == KOBJ_LIVE, "object %d (type %u): state %u, model live", i,
		    o->type, o->k->state);
		if (!check_obj_caps(w, i))
			return false;
		bool ok = true;
		switch (o->type) {
		case VX_OBJ_TASK:
			ok = check_task(w, i, full);
			break;
		case VX_OBJ_RING:
			ok = check_ring(w, i);
			break;
		case VX_OBJ_BUNDLE:
			ok = check_bundle(w, i);
			break;
		case VX_OBJ_RETICLE:
			ok = check_reticle(w, i);
			break;
		}
		if (!ok)
			return false;
	}
	CHK(cpus[0].current == (w->cur >= 0 ? ktask(w, w->cur) : NULL),
	    "cpus[0].current differs from the model");
	/* Old handles stay stale. */
	for (unsigned i = 0; i < M_STALE && i < w->nstale; i++) {
		const struct stale *s = &w->stale[i];
		struct cap *c;
		if (!w->obj[s->task].live)
			continue;
		int e = cap_lookup_any(ktask(w, s->task), s->h, &c);
		int m = m_lookup(w, s->task, s->h, 0, 0, &(int){0});
		CHK(e == m, "Task %d: old handle %#llx looks up as %d, model %d", s->task,
		    (unsigned long long)s->h, e, m);
	}
	return true;
}

/* -------------------------------------------------------- the operations */

/* Compares a result with the prediction and records the step. */
static bool expect(struct cm_world *w, const char *what, int64_t got, int64_t want)
{
	tracef(w, "#%llu T%d %s -> %lld (model %lld)", (unsigned long long)w->st.steps, w->cur,
	       what, (long long)got, (long long)want);
	if (got < 0)
		w->st.errors++;
	else
		w->st.ok++;
	if (got != want) {
		fail(w, "step %llu: Task %d %s returned %lld, the model predicted %lld",
		     (unsigned long long)w->st.steps, w->cur, what, (long long)got,
		     (long long)want);
		return false;
	}
	return true;
}

/* A handle for tid to use: mostly valid (of type `type` when it has one),
 * sometimes stale, malformed or random. */
static uint64_t pick_handle(struct cm_world *w, int tid, uint32_t type)
{
	struct mtask *t = T(w, tid);
	uint64_t r = rnd(w, 100);

	if (r < 88) {
		int cand[VX_HANDLE_SLOTS], n = 0, any[VX_HANDLE_SLOTS], na = 0;
		for (uint32_t i = 1; i < t->top; i++) {
			if (t->slot[i] < 0)
				continue;
			any[na++] = (int)i;
			if (!type || w->cap[t->slot[i]].type == type)
				cand[n++] = (int)i;
		}
		if (n && r < 80) {
			int i = cand[rnd(w, (uint64_t)n)];
			return VX_HANDLE_MAKE(i, t->gen[i]);
		}
		if (na) {
			int i = any[rnd(w, (uint64_t)na)];
			return VX_HANDLE_MAKE(i, t->gen[i]);
		}
	}
	if (r < 94 && t->top > 1) {
		uint32_t i = 1 + (uint32_t)rnd(w, t->top - 1);
		uint32_t g = t->gen[i] > 1 ? (uint32_t)rnd(w, t->gen[i]) : 1;
		return VX_HANDLE_MAKE(i, g ? g : 1);
	}
	switch (rnd(w, 5)) {
	case 0:
		return VX_NO_HANDLE;
	case 1:
		return rnd(w, 1ull << 32);
	case 2:
		return rnd64(w) | 1ull << 32;
	case 3:
		return VX_HANDLE_MAKE(rnd(w, 256), 0);
	default:
		return UINT64_MAX - rnd(w, 4);
	}
}

static uint64_t pick_rights(struct cm_world *w, uint32_t have)
{
	switch (rnd(w, 10)) {
	case 0:
		return rnd(w, 0x80);
	case 1:
		return rnd(w, 4) ? have | (1u << rnd(w, 8)) : rnd(w, 1ull << 32);
	case 2:
	case 3:
		return have;
	default:
		return have & rnd(w, 0x80);
	}
}

/* The rights of cap h in tid's table (0 if none). */
static uint32_t rights_of(struct cm_world *w, int tid, uint64_t h)
{
	int id;

	return m_lookup(w, tid, h, 0, 0, &id) ? 0 : w->cap[id].rights;
}

static const uint64_t va_ok[] = {0x10000,	  0x12000,	     0x14000,
				 0x30000,	  0x200000,	     0x40000000,
				 0x8000000000ull, 0x7ffffffe0000ull, 0x7fffffffe000ull};

static uint64_t pick_va(struct cm_world *w)
{
	if (rnd(w, 8))
		return va_ok[rnd(w, sizeof(va_ok) / sizeof(va_ok[0]))];
	switch (rnd(w, 7)) {
	case 0:
		return 0;
	case 1:
		return VX_BUNDLE_VADDR;
	case 2:
		return 0x10800;
	case 3:
		return VX_MAP_END;
	case 4:
		return VX_USER_END;
	case 5:
		return 0xffff800000000000ull;
	default:
		return rnd(w, 1ull << 47) & ~4095ull;
	}
}

/* A user pointer for a struct the kernel writes: mostly good. */
static uint64_t pick_out(struct cm_world *w, bool *good)
{
	*good = rnd(w, 10) != 0;
	if (*good)
		return (uint64_t)(uintptr_t)w->uwin;
	return rnd(w, 2) ? 0 : (uint64_t)(uintptr_t)w->uwin + UWIN_BYTES - 8;
}

static int mint_rights(struct cm_world *w, uint32_t task_rights)
{
	if (w->cfg.known_bugs & CM_BUG_SIGMINT)
		return VX_R_GRANT | VX_R_CONTROL;
	return (VX_R_GRANT | VX_R_CONTROL) & task_rights;
}

static uint32_t new_task_prio(struct cm_world *w)
{
	uint32_t mine = T(w, w->cur)->prio;

	if (w->cfg.known_bugs & CM_BUG_PRIO)
		return VX_PRIO_DEFAULT;
	return mine < VX_PRIO_DEFAULT ? mine : VX_PRIO_DEFAULT;
}

static void op_derive(struct cm_world *w)
{
	int me = w->cur, c;
	uint64_t h = pick_handle(w, me, 0);
	uint64_t rights = pick_rights(w, rights_of(w, me, h));
	uint64_t narrow = 0;
	int64_t want;
	char what[96];

	if (!m_lookup(w, me, h, VX_OBJ_SIGNAL, 0, &c) && rnd(w, 3) == 0)
		narrow = rnd(w, 4) ? w->cap[c].narrow & rnd(w, 1ull << 32) : rnd(w, 1ull << 32);
	else if (rnd(w, 20) == 0)
		narrow = 1 + rnd(w, 100);
	int e = m_lookup(w, me, h, 0, 0, &c);
	int slot = -1;
	if (e)
		want = e;
	else if (rights > VX_R_ALL || (rights & ~(uint64_t)w->cap[c].rights))
		want = VX_E_RIGHTS;
	else if (narrow && w->cap[c].type == VX_OBJ_SIGNAL && (narrow & ~w->cap[c].narrow))
		want = VX_E_RIGHTS;
	else if (narrow && w->cap[c].type != VX_OBJ_SIGNAL)
		want = VX_E_INVAL;
	else if ((slot = m_free_slot(w, me)) < 0)
		want = VX_E_FULL;
	else
		want = VX_HANDLE_MAKE(slot, T(w, me)->gen[slot] + 1);
	snprintf(what, sizeof(what), "DERIVE(%#llx, %#llx, %#llx)", (unsigned long long)h,
		 (unsigned long long)rights, (unsigned long long)narrow);
	int64_t got = sys(w, sys_cap_derive, h, rights, narrow, 0, 0);
	if (!expect(w, what, got, want) || want < 0)
		return;
	int n = new_cap(w, w->cap[c].obj, w->cap[c].type, (uint8_t)rights,
			narrow ? narrow : w->cap[c].narrow, c);
	m_to_table(w, me, slot, n);
}

static void op_delete(struct cm_world *w)
{
	int me = w->cur, c;
	uint64_t h = pick_handle(w, me, 0);
	char what[64];
	int e = m_lookup(w, me, h, 0, 0, &c);

	snprintf(what, sizeof(what), "DELETE(%#llx)", (unsigned long long)h);
	int64_t got = sys(w, sys_cap_delete, h, 0, 0, 0, 0);
	if (!expect(w, what, got, e) || e)
		return;
	w->cascade = true;
	m_cap_remove(w, c);
	m_reap(w);
	w->cascade = false;
}

static void op_revoke(struct cm_world *w)
{
	int me = w->cur, c;
	uint64_t h = pick_handle(w, me, 0);
	char what[64];
	int e = m_lookup(w, me, h, 0, 0, &c);
	int64_t want = e;
	int victims[M_MAXCAP / 8];
	int nv = 0;

	if (!e) {
		for (int x = w->obj[w->cap[c].obj].cfirst; x >= 0; x = w->cap[x].onext)
			if (x != c && descends(w, x, c) &&
			    nv < (int)(sizeof(victims) / sizeof(int)))
				victims[nv++] = x;
		want = nv;
	}
	snprintf(what, sizeof(what), "REVOKE(%#llx)", (unsigned long long)h);
	int64_t got = sys(w, sys_cap_revoke, h, 0, 0, 0, 0);
	if (!expect(w, what, got, want) || e)
		return;
	w->cascade = true;
	for (int i = 0; i < nv; i++) {
		if (w->cap[victims[i]].where == W_XFER || w->cap[victims[i]].where == W_BUNDLE)
			w->st.revoked++;
		m_cap_remove(w, victims[i]);
	}
	m_reap(w);
	w->cascade = false;
}

static uint64_t pick_retype(struct cm_world *w, uint64_t *arg)
{
	switch (rnd(w, 20)) {
	case 0:
	case 1:
	case 2:
	case 3:
	case 4:
		*arg = rnd(w, 20) ? 0 : 1;
		return VX_OBJ_TASK;
	case 5:
	case 6:
	case 7:
	case 8:
	case 9:
		/* mostly small; sometimes past the inline zeroing (queued work) */
		*arg = rnd(w, 20)  ? 1 + rnd(w, 4)
		       : rnd(w, 3) ? 16 + rnd(w, 30)
		       : rnd(w, 2) ? 0
				   : (1ull << 40);
		return VX_OBJ_MEM;
	case 10:
	case 11:
	case 12:
	case 13: {
		uint64_t k = rnd(w, 10), a = rnd(w, 6), b = rnd(w, 1ull << 20);
		/* mostly 64-byte or 4 KiB slots, 1..4 of them; sometimes not */
		*arg = k       ? VX_RING_ARG(6 + (a & 1) * 6, a >> 1)
		       : a & 1 ? VX_RING_ARG(5 + b % 9, 13)
			       : b;
		return VX_OBJ_RING;
	}
	case 14:
	case 15:
	case 16:
		*arg = rnd(w, 20) ? 0 : 7;
		return VX_OBJ_BUNDLE;
	case 17:
		*arg = 0;
		return rnd(w, VX_OBJ_COUNT + 2);
	case 18:
		*arg = 2;
		return (1ull << 32) | VX_OBJ_MEM;
	default:
		*arg = 0;
		return VX_OBJ_TASK;
	}
}

static void init_object(struct cm_world *w, int id, uint64_t arg)
{
	struct mobj *o = &w->obj[id];

	switch (o->type) {
	case VX_OBJ_TASK:
		new_task_model(w, id, new_task_prio(w));
		break;
	case VX_OBJ_RING:
		o->r = calloc(1, sizeof(*o->r));
		if (!o->r)
			abort();
		o->r->slot_size = 1u << ((arg >> 8) & 0xff);
		o->r->count = 1u << (arg & 0xff);
		o->r->bytes = o->size - RING_SHARED_OFF;
		o->r->prod = o->r->cons = -1;
		for (unsigned i = 0; i < VX_RING_XFER_MAX; i++)
			o->r->xfer[i] = -1;
		break;
	case VX_OBJ_BUNDLE:
		o->b = calloc(1, sizeof(*o->b));
		if (!o->b)
			abort();
		for (unsigned i = 0; i < VX_BUNDLE_SLOTS; i++)
			o->b->slot[i] = -1;
		break;
	}
}

static int64_t do_retype(struct cm_world *w, uint64_t h, uint64_t type, uint64_t arg)
{
	int me = w->cur, rc = -1, slot = -1;
	int64_t want;
	char what[96];
	uint64_t bytes = 0;
	int e = m_lookup(w, me, h, VX_OBJ_RETICLE, VX_R_CONTROL, &rc);

	if (e)
		want = e;
	else if (type > UINT32_MAX)
		want = VX_E_INVAL;
	else if (!(bytes = m_object_bytes(type, arg)))
		want = VX_E_INVAL;
	else if (ret_free(w, w->cap[rc].obj) < bytes + 128)
		want = VX_E_NOMEM;
	else if ((slot = m_free_slot(w, me)) < 0)
		want = VX_E_FULL;
	else
		want = VX_HANDLE_MAKE(slot, T(w, me)->gen[slot] + 1);
	snprintf(what, sizeof(what), "RETYPE(%#llx, %#llx, %#llx)", (unsigned long long)h,
		 (unsigned long long)type, (unsigned long long)arg);
	int64_t got = sys(w, sys_reticle_retype, h, type, arg, 0, 0);
	if (!expect(w, what, got, want) || want < 0)
		return want;
	int o = m_carve(w, w->cap[rc].obj, (uint8_t)type, bytes);
	init_object(w, o, arg);
	int n = new_cap(w, o, (uint8_t)type, w->cap[rc].rights, 0, -1);
	return (int64_t)m_to_table(w, me, slot, n);
}

static void op_retype(struct cm_world *w)
{
	uint64_t arg, type = pick_retype(w, &arg);

	uint64_t h = pick_handle(w, w->cur, VX_OBJ_RETICLE);

	do_retype(w, h, type, arg);
}

static int64_t do_split(struct cm_world *w, uint64_t h, uint64_t bytes)
{
	int me = w->cur, rc = -1, slot = -1;
	int64_t want;
	char what[96];
	int e = m_lookup(w, me, h, VX_OBJ_RETICLE, VX_R_CONTROL, &rc);

	if (e)
		want = e;
	else if (bytes == 0 || (bytes & 4095))
		want = VX_E_ALIGN;
	else if (w->obj[w->cap[rc].obj].ret->depth + 1 > VX_RETICLE_DEPTH_MAX)
		want = VX_E_DEPTH;
	else if (bytes < 8192)
		want = VX_E_INVAL;
	else if (ret_free(w, w->cap[rc].obj) < 128 || ret_free(w, w->cap[rc].obj) - 128 < bytes)
		want = VX_E_NOMEM;
	else if ((slot = m_free_slot(w, me)) < 0)
		want = VX_E_FULL;
	else
		want = VX_HANDLE_MAKE(slot, T(w, me)->gen[slot] + 1);
	snprintf(what, sizeof(what), "SPLIT(%#llx, %#llx)", (unsigned long long)h,
		 (unsigned long long)bytes);
	int64_t got = sys(w, sys_reticle_split, h, bytes, 0, 0, 0);
	if (!expect(w, what, got, want) || want < 0)
		return want;
	int r = w->cap[rc].obj;
	int o = m_carve(w, r, VX_OBJ_RETICLE, bytes);
	w->obj[o].ret = new_ret(w->obj[r].ret->depth + 1);
	int n = new_cap(w, o, VX_OBJ_RETICLE, w->cap[rc].rights, 0, -1);
	return (int64_t)m_to_table(w, me, slot, n);
}

static void op_split(struct cm_world *w)
{
	int me = w->cur, rc;
	uint64_t h = pick_handle(w, me, VX_OBJ_RETICLE), bytes;
	uint64_t fr =
	    m_lookup(w, me, h, VX_OBJ_RETICLE, 0, &rc) ? 1 << 20 : ret_free(w, w->cap[rc].obj);

	switch (rnd(w, 8)) {
	case 0:
		bytes = rnd(w, 3) * 4096;
		bytes += rnd(w, 4) ? 0 : 1 + rnd(w, 4095);
		break;
	case 1:
		bytes = fr - 128 + rnd(w, 2) * 4096;
		bytes &= ~4095ull;
		break;
	default:
		bytes = (2 + rnd(w, fr / 4096 / 3 + 1)) * 4096;
		break;
	}
	do_split(w, h, bytes);
}

static void op_reset(struct cm_world *w)
{
	int me = w->cur, rc;
	uint64_t h = pick_handle(w, me, VX_OBJ_RETICLE);
	char what[64];
	int e = m_lookup(w, me, h, VX_OBJ_RETICLE, VX_R_CONTROL, &rc);

	/* Resetting the root ends the epoch: do it rarely. */
	if (!e && w->obj[w->cap[rc].obj].fixed && rnd(w, 8))
		return;
	snprintf(what, sizeof(what), "RESET(%#llx)", (unsigned long long)h);
	int64_t got = sys(w, sys_reticle_reset, h, 0, 0, 0, 0);
	if (!expect(w, what, got, e) || e)
		return;
	w->cascade = true;
	m_reset(w, w->cap[rc].obj);
	m_reap(w);
	w->cascade = false;
}

static void op_reticle_info(struct cm_world *w)
{
	int me = w->cur, rc;
	uint64_t h = pick_handle(w, me, VX_OBJ_RETICLE);
	bool good;
	uint64_t out = pick_out(w, &good);
	char what[64];
	int e = m_lookup(w, me, h, VX_OBJ_RETICLE, 0, &rc);

	snprintf(what, sizeof(what), "RETICLE_INFO(%#llx)", (unsigned long long)h);
	int64_t got = sys(w, sys_reticle_info, h, out, 0, 0, 0);
	if (!expect(w, what, got, e ? e : good ? VX_OK : VX_E_FAULT) || e || !good)
		return;
	const struct vx_reticle_info *i = (const void *)w->uwin;
	int r = w->cap[rc].obj;
	if (i->base != w->obj[r].pa || i->size != w->obj[r].size || i->free != ret_free(w, r) ||
	    i->objects != ret_nlive(w, r) || i->depth != w->obj[r].ret->depth || i->device)
		fail(w, "RETICLE_INFO of object %d: %llu free, %u objects; model %llu, %u", r,
		     (unsigned long long)i->free, i->objects, (unsigned long long)ret_free(w, r),
		     ret_nlive(w, r));
}

/* Is Mem object mo mapped anywhere with this flag (CAP_F_WRITE/EXEC)? */
static bool mem_mapped(struct cm_world *w, int mo, uint16_t flag)
{
	for (int c = w->obj[mo].cfirst; c >= 0; c = w->cap[c].onext)
		if (w->cap[c].flags & flag)
			return true;
	return false;
}

static void op_map(struct cm_world *w)
{
	int me = w->cur, tc = -1, mc = -1;
	uint64_t th = pick_handle(w, me, VX_OBJ_TASK), mh = pick_handle(w, me, VX_OBJ_MEM);
	uint64_t va = pick_va(w);
	static const uint64_t prots[] = {1, 1, 3, 3, 5, 5, 7, 2, 0, 9, 0x11};
	uint64_t prot = prots[rnd(w, sizeof(prots) / sizeof(prots[0]))];
	int64_t want;
	char what[96];
	int e;

	if ((e = m_lookup(w, me, th, VX_OBJ_TASK, VX_R_CONTROL, &tc)))
		want = e;
	else if ((e = m_lookup(w, me, mh, VX_OBJ_MEM, 0, &mc)))
		want = e;
	else if ((prot & ~7ull) || !(prot & VX_PROT_READ))
		want = VX_E_INVAL;
	else if ((prot & VX_PROT_WRITE) && (prot & VX_PROT_EXEC))
		want = VX_E_INVAL;
	else if ((w->cap[mc].rights & prot) != prot)
		want = VX_E_RIGHTS;
	else if (w->cap[mc].flags)
		want = VX_E_EXISTS;
	else {
		int mo = w->cap[mc].obj;
		uint64_t size = w->obj[mo].size;
		if (va & 4095)
			want = VX_E_ALIGN;
		else if (va < VX_USER_MIN || va >= VX_MAP_END || size > VX_MAP_END - va)
			want = VX_E_RANGE;
		else if (((prot & VX_PROT_WRITE) && mem_mapped(w, mo, CAP_F_EXEC)) ||
			 ((prot & VX_PROT_EXEC) && mem_mapped(w, mo, CAP_F_WRITE)))
			want = VX_E_BUSY; /* W^X per frame */
		else
			want = m_check_mapping(w, w->cap[tc].obj, va, size);
	}
	snprintf(what, sizeof(what), "MAP(%#llx, %#llx, %#llx, %llu)", (unsigned long long)th,
		 (unsigned long long)mh, (unsigned long long)va, (unsigned long long)prot);
	int64_t got = sys(w, sys_task_map, th, mh, va, prot, 0);
	if (!expect(w, what, got, want) || want < 0)
		return;
	const struct mobj *m = &w->obj[w->cap[mc].obj];
	m_map(w, mc, w->cap[tc].obj, va, m->pa, m->size, (uint32_t)prot,
	      CAP_F_MAPPED | ((prot & VX_PROT_WRITE) ? CAP_F_WRITE : 0) |
		  ((prot & VX_PROT_EXEC) ? CAP_F_EXEC : 0));
}

static void op_unmap(struct cm_world *w)
{
	int me = w->cur, mc;
	uint64_t h = pick_handle(w, me, VX_OBJ_MEM);
	char what[64];
	int e = m_lookup(w, me, h, VX_OBJ_MEM, 0, &mc);

	if (!e && !(w->cap[mc].flags & CAP_F_MAPPED))
		e = VX_E_STATE;
	snprintf(what, sizeof(what), "UNMAP(%#llx)", (unsigned long long)h);
	int64_t got = sys(w, sys_task_unmap, h, 0, 0, 0, 0);
	if (!expect(w, what, got, e) || e)
		return;
	m_unmap(w, mc);
}

static int64_t do_set_regs(struct cm_world *w, uint64_t th, uint64_t ip)
{
	int me = w->cur, tc = -1;
	uint64_t sp = 0x7fffffff0000ull;
	char what[96];
	int e = m_lookup(w, me, th, VX_OBJ_TASK, VX_R_CONTROL, &tc);

	if (!e) {
		uint32_t s = T(w, w->cap[tc].obj)->state;
		if (s != VX_TASK_NEW && s != VX_TASK_HALTED && s != VX_TASK_FAULTED)
			e = VX_E_STATE;
		else if (ip >= VX_USER_END || ip >= VX_MAP_END || sp >= VX_USER_END)
			e = VX_E_RANGE;
	}
	snprintf(what, sizeof(what), "SET_REGS(%#llx, %#llx)", (unsigned long long)th,
		 (unsigned long long)ip);
	int64_t got = sys(w, sys_task_set_regs, th, ip, sp, 0, 0);
	if (expect(w, what, got, e) && !e)
		T(w, w->cap[tc].obj)->rip = ip;
	return e;
}

static void op_set_regs(struct cm_world *w)
{
	static const uint64_t ips[] = {
	    0x10000, 0x10000, 0x401000, 0, VX_MAP_END, VX_USER_END, 0xffffffff80000000ull};
	uint64_t h = pick_handle(w, w->cur, VX_OBJ_TASK);

	do_set_regs(w, h, ips[rnd(w, sizeof(ips) / 8)]);
}

static bool bundle_has_emptied(struct cm_world *w, int b)
{
	for (uint32_t i = 0; i < w->obj[b].b->count; i++)
		if (w->obj[b].b->slot[i] == M_EMPTIED)
			return true;
	return false;
}

/* The slots of b that still hold a cap (an emptied one moves nothing). */
static unsigned bundle_held(const struct mbundle *b)
{
	unsigned n = 0;

	for (uint32_t i = 0; i < b->count; i++)
		n += b->slot[i] >= 0;
	return n;
}

static int64_t do_start(struct cm_world *w, uint64_t th, uint64_t bh)
{
	int me = w->cur, tc = -1, bc = -1;
	int64_t e;
	char what[96];

	if ((e = m_lookup(w, me, th, VX_OBJ_TASK, VX_R_CONTROL, &tc)))
		;
	else if (bh != VX_NO_HANDLE && (e = m_lookup(w, me, bh, VX_OBJ_BUNDLE, VX_R_CONTROL, &bc)))
		;
	else if (T(w, w->cap[tc].obj)->state != VX_TASK_NEW || T(w, w->cap[tc].obj)->rip == 0)
		e = VX_E_STATE;
	else if (bc >= 0) {
		struct mbundle *b = w->obj[w->cap[bc].obj].b;
		int t = w->cap[tc].obj;
		if (b->sealed)
			e = VX_E_STATE;
		else if (m_free_slots(w, t) < bundle_held(b))
			e = VX_E_FULL;
		else
			e = m_check_mapping(w, t, VX_BUNDLE_VADDR, 4096);
	}
	if (!e && bc >= 0 && (w->cfg.known_bugs & CM_BUG_XFER_EMPTIED) &&
	    bundle_has_emptied(w, w->cap[bc].obj))
		return 1; /* known bug: the kernel would move an empty slot */
	snprintf(what, sizeof(what), "START(%#llx, %#llx)", (unsigned long long)th,
		 (unsigned long long)bh);
	int64_t got = sys(w, sys_task_start, th, bh, 0, 0, 0);
	if (!expect(w, what, got, e) || e)
		return e;
	int t = w->cap[tc].obj;
	if (bc >= 0) {
		int bo = w->cap[bc].obj;
		struct mbundle *b = w->obj[bo].b;
		for (uint32_t i = 0; i < b->count; i++) {
			if (b->slot[i] < 0) {
				b->e[i].handle = VX_NO_HANDLE;
				continue;
			}
			int slot = m_free_slot(w, t);
			b->e[i].handle = (uint32_t)m_to_table(w, t, slot, b->slot[i]);
			b->slot[i] = -1;
		}
		b->sealed = true;
		int n = new_cap(w, bo, VX_OBJ_BUNDLE, VX_R_READ, 0, -1);
		place(w, n, W_TBUNDLE, t, 0);
		T(w, t)->bundle = n;
		m_map(w, n, t, VX_BUNDLE_VADDR, w->obj[bo].pa, 4096, VX_PROT_READ, CAP_F_MAPPED);
	}
	T(w, t)->state = VX_TASK_RUNNABLE;
	return 0;
}

static void op_start(struct cm_world *w)
{
	uint64_t th = pick_handle(w, w->cur, VX_OBJ_TASK);
	uint64_t bh = rnd(w, 3) ? pick_handle(w, w->cur, VX_OBJ_BUNDLE) : VX_NO_HANDLE;

	do_start(w, th, bh);
}

/* Would stopping Task tid leave nobody to act?  (Then mostly don't.) */
static bool last_runnable(struct cm_world *w, int tid)
{
	int who[2];

	return T(w, tid)->state == VX_TASK_RUNNABLE && actors(w, who, 2) < 2 && rnd(w, 20);
}

static void op_halt_resume(struct cm_world *w)
{
	int me = w->cur, tc;
	bool halt = rnd(w, 2);
	uint64_t h = pick_handle(w, me, VX_OBJ_TASK);
	char what[64];
	int e = m_lookup(w, me, h, VX_OBJ_TASK, VX_R_CONTROL, &tc);

	if (!e && halt && last_runnable(w, w->cap[tc].obj))
		return;

	if (!e) {
		uint32_t s = T(w, w->cap[tc].obj)->state;
		if (halt && s != VX_TASK_RUNNABLE && s != VX_TASK_WAITING)
			e = VX_E_STATE;
		if (!halt && s != VX_TASK_HALTED && s != VX_TASK_FAULTED)
			e = VX_E_STATE;
	}
	snprintf(what, sizeof(what), "%s(%#llx)", halt ? "HALT" : "RESUME", (unsigned long long)h);
	int64_t got = sys(w, halt ? sys_task_halt : sys_task_resume, h, 0, 0, 0, 0);
	if (!expect(w, what, got, e) || e)
		return;
	struct mtask *t = T(w, w->cap[tc].obj);
	t->state = halt ? VX_TASK_HALTED : VX_TASK_RUNNABLE;
	if (!halt)
		t->fault_kind = 0;
}

static void op_task_inspect(struct cm_world *w)
{
	int me = w->cur, tc;
	uint64_t h = pick_handle(w, me, VX_OBJ_TASK);
	bool good;
	uint64_t out = pick_out(w, &good);
	char what[64];
	int e = m_lookup(w, me, h, VX_OBJ_TASK, VX_R_READ, &tc);

	snprintf(what, sizeof(what), "TASK_INSPECT(%#llx)", (unsigned long long)h);
	int64_t got = sys(w, sys_task_inspect, h, out, 0, 0, 0);
	if (!expect(w, what, got, e ? e : good ? VX_OK : VX_E_FAULT) || e || !good)
		return;
	const struct vx_task_info *i = (const void *)w->uwin;
	struct mtask *t = T(w, w->cap[tc].obj);
	if (i->state != t->state || i->prio != t->prio || i->fault.kind != t->fault_kind ||
	    (i->pending & ~(t->pending | t->maybe)) || (t->pending & ~i->pending))
		fail(w,
		     "TASK_INSPECT of Task %d: state %u prio %u fault %u pending %#llx; "
		     "model %u %u %u %#llx",
		     w->cap[tc].obj, i->state, i->prio, i->fault.kind,
		     (unsigned long long)i->pending, t->state, t->prio, t->fault_kind,
		     (unsigned long long)t->pending);
}

static void op_supervise(struct cm_world *w)
{
	int me = w->cur, tc = -1, sc = -1;
	uint64_t th = pick_handle(w, me, VX_OBJ_TASK);
	uint64_t sh = rnd(w, 5) ? pick_handle(w, me, VX_OBJ_SIGNAL) : VX_NO_HANDLE;
	char what[64];
	int e = m_lookup(w, me, th, VX_OBJ_TASK, VX_R_CONTROL, &tc);

	if (!e && sh != VX_NO_HANDLE)
		e = m_lookup(w, me, sh, VX_OBJ_SIGNAL, 0, &sc);
	snprintf(what, sizeof(what), "SUPERVISE(%#llx, %#llx)", (unsigned long long)th,
		 (unsigned long long)sh);
	int64_t got = sys(w, sys_task_supervise, th, sh, 0, 0, 0);
	if (!expect(w, what, got, e) || e)
		return;
	int t = w->cap[tc].obj;
	w->cascade = true;
	m_cap_remove(w, T(w, t)->fault_sig);
	if (sc >= 0) {
		int n = new_cap(w, w->cap[sc].obj, VX_OBJ_SIGNAL, w->cap[sc].rights,
				w->cap[sc].narrow, sc);
		place(w, n, W_FAULTSIG, t, 0);
		T(w, t)->fault_sig = n;
	}
	m_reap(w);
	w->cascade = false;
}

static void op_set_prio(struct cm_world *w)
{
	int me = w->cur, tc;
	uint64_t h = pick_handle(w, me, VX_OBJ_TASK);
	uint64_t prio = rnd(w, 10) ? rnd(w, 16) : 16 + rnd(w, 100);
	char what[64];
	int e = m_lookup(w, me, h, VX_OBJ_TASK, VX_R_CONTROL, &tc);

	if (!e && prio > VX_PRIO_MAX)
		e = VX_E_INVAL;
	else if (!e && prio > T(w, me)->prio)
		e = VX_E_RIGHTS;
	snprintf(what, sizeof(what), "SET_PRIO(%#llx, %llu)", (unsigned long long)h,
		 (unsigned long long)prio);
	int64_t got = sys(w, sys_task_set_prio, h, prio, 0, 0, 0);
	if (expect(w, what, got, e) && !e)
		T(w, w->cap[tc].obj)->prio = (uint32_t)prio;
}

static void op_exit(struct cm_world *w)
{
	int me = w->cur;
	struct mtask *t = T(w, me);

	if (last_runnable(w, me))
		return;
	tracef(w, "#%llu T%d EXIT", (unsigned long long)w->st.steps, me);
	int64_t got = sys(w, sys_task_exit, 7, 0, 0, 0, 0);
	if (got != SYS_BLOCKED) {
		fail(w, "EXIT returned %lld", (long long)got);
		return;
	}
	t->state = VX_TASK_EXITED;
	t->fault_kind = VX_FAULT_EXIT;
	if (t->fault_sig >= 0)
		deliver(w, w->cap[t->fault_sig].obj, w->cap[t->fault_sig].narrow, false);
}

/* The current Task fills its handle table with derivations of one cap, so
 * that VX_E_FULL comes up everywhere a slot is needed.  Rare. */
static void op_fill(struct cm_world *w)
{
	int me = w->cur, c;
	uint64_t h = pick_handle(w, me, 0);

	if (rnd(w, 10) || m_lookup(w, me, h, 0, 0, &c))
		return;
	for (unsigned i = 0; i < VX_HANDLE_SLOTS && !w->failed; i++) {
		int slot = m_free_slot(w, me);
		int64_t want = VX_E_FULL;
		if (slot >= 0)
			want = VX_HANDLE_MAKE(slot, T(w, me)->gen[slot] + 1);
		int64_t got = sys(w, sys_cap_derive, h, w->cap[c].rights, 0, 0, 0);
		if (!expect(w, "fill: DERIVE", got, want) || want < 0)
			return;
		m_to_table(w, me, slot,
			   new_cap(w, w->cap[c].obj, w->cap[c].type, w->cap[c].rights,
				   w->cap[c].narrow, c));
	}
}

/* The current Task faults (a page fault, as trap.c reports one): it stops
 * with a fault record and its supervisor hears of it. */
static void op_fault(struct cm_world *w)
{
	int me = w->cur;
	struct mtask *t = T(w, me);

	if (last_runnable(w, me))
		return;
	tracef(w, "#%llu T%d faults", (unsigned long long)w->st.steps, me);
	task_fault(ktask(w, me), VX_FAULT_PAGE, VX_PF_USER | VX_PF_WRITE, 0x1234);
	drain(w);
	t->state = VX_TASK_FAULTED;
	t->fault_kind = VX_FAULT_PAGE;
	if (t->fault_sig >= 0)
		deliver(w, w->cap[t->fault_sig].obj, w->cap[t->fault_sig].narrow, false);
}

static const char *const names[] = {
    "a", "b", "c", "lib", "x.y_z-1", "", "A", "a/b", "0123456789abcdef0123456789abcdef"};

static int64_t do_bundle_add(struct cm_world *w, uint64_t bh, const char *name, uint64_t len,
			     bool good_ptr, uint64_t h, uint64_t rights)
{
	int me = w->cur, bc = -1, c = -1;
	int64_t e;
	char what[128];
	struct mbundle *b = NULL;

	memset(w->uwin, 0, 64);
	memcpy(w->uwin, name, strlen(name));
	if ((e = m_lookup(w, me, bh, VX_OBJ_BUNDLE, VX_R_CONTROL, &bc)))
		;
	else if ((b = w->obj[w->cap[bc].obj].b)->sealed)
		e = VX_E_STATE;
	else if (len == 0 || len >= VX_BUNDLE_NAME_MAX)
		e = VX_E_INVAL;
	else if (!good_ptr)
		e = VX_E_FAULT;
	else if (!bundle_name_valid((const char *)w->uwin, len))
		e = VX_E_INVAL;
	else {
		for (uint32_t i = 0; i < b->count && !e; i++)
			if (strlen(b->e[i].name) == len && !memcmp(b->e[i].name, w->uwin, len))
				e = VX_E_EXISTS;
		if (e)
			;
		else if (b->count == VX_BUNDLE_SLOTS)
			e = VX_E_FULL;
		else if ((e = m_lookup(w, me, h, 0, VX_R_GRANT, &c)))
			;
		else if (rights > VX_R_ALL || (rights & ~(uint64_t)w->cap[c].rights))
			e = VX_E_RIGHTS;
	}
	snprintf(what, sizeof(what), "BUNDLE_ADD(%#llx, '%.*s', %#llx, %#llx)",
		 (unsigned long long)bh, (int)(len < 40 ? len : 40), name, (unsigned long long)h,
		 (unsigned long long)rights);
	uint64_t ptr = good_ptr ? (uint64_t)(uintptr_t)w->uwin : 0x10;
	int64_t got = sys(w, sys_bundle_add, bh, ptr, len, h, rights);
	if (!expect(w, what, got, e) || e)
		return e;
	const struct mcap *src = &w->cap[c];
	uint32_t i = b->count++;
	int n = new_cap(w, src->obj, src->type, (uint8_t)rights, src->narrow, c);
	place(w, n, W_BUNDLE, w->cap[bc].obj, i);
	b->slot[i] = n;
	memset(&b->e[i], 0, sizeof(b->e[i]));
	memcpy(b->e[i].name, w->uwin, len);
	b->e[i].type = src->type;
	b->e[i].rights = (uint32_t)rights;
	b->e[i].narrow = src->narrow;
	b->e[i].size =
	    (src->type == VX_OBJ_MEM || src->type == VX_OBJ_RETICLE) ? w->obj[src->obj].size : 0;
	return 0;
}

static void op_bundle_add(struct cm_world *w)
{
	const char *name = names[rnd(w, 9) < 7 ? rnd(w, 5) : 5 + rnd(w, 4)];
	uint64_t len = strlen(name);
	uint64_t h = pick_handle(w, w->cur, 0);

	if (rnd(w, 20) == 0)
		len = rnd(w, 40);
	uint64_t bh = pick_handle(w, w->cur, VX_OBJ_BUNDLE);
	bool good = rnd(w, 20) != 0;
	do_bundle_add(w, bh, name, len, good, h, pick_rights(w, rights_of(w, w->cur, h)));
}

static int64_t do_bind(struct cm_world *w, uint64_t h, uint64_t role, uint64_t va, uint64_t bit,
		       bool good)
{
	int me = w->cur, rc = -1;
	int64_t e;
	char what[96];
	struct mring *r = NULL;

	if ((e = m_lookup(w, me, h, VX_OBJ_RING, 0, &rc)))
		;
	else if (role != VX_RING_PRODUCER && role != VX_RING_CONSUMER)
		e = VX_E_INVAL;
	else if (!(w->cap[rc].rights & (role == VX_RING_PRODUCER ? VX_R_PRODUCE : VX_R_CONSUME)))
		e = VX_E_RIGHTS;
	else if (bit >= VX_SIG_BITS) /* bit 63 is reserved */
		e = VX_E_INVAL;
	else if ((r = w->obj[w->cap[rc].obj].r),
		 w->cap[rc].flags || (role == VX_RING_PRODUCER ? r->prod : r->cons) >= 0)
		e = VX_E_EXISTS;
	else if (va & 4095)
		e = VX_E_ALIGN;
	else if (va < VX_USER_MIN || va >= VX_MAP_END || r->bytes > VX_MAP_END - va)
		e = VX_E_RANGE;
	else if ((e = m_check_mapping(w, me, va, r->bytes)))
		;
	else if (!good)
		e = VX_E_FAULT;
	snprintf(what, sizeof(what), "RING_BIND(%#llx, %llu, %#llx, %llu)", (unsigned long long)h,
		 (unsigned long long)role, (unsigned long long)va, (unsigned long long)bit);
	uint64_t out = good ? (uint64_t)(uintptr_t)w->uwin : 0;
	int64_t got = sys(w, sys_ring_bind, h, role, va, bit, out);
	if (!expect(w, what, got, e) || e)
		return e;
	int ro = w->cap[rc].obj;
	m_map(w, rc, me, va, w->obj[ro].pa + RING_SHARED_OFF, r->bytes,
	      VX_PROT_READ | VX_PROT_WRITE, CAP_F_BOUND);
	if (role == VX_RING_PRODUCER) {
		r->prod = rc;
		r->prod_bit = (uint32_t)bit;
		r->binds += VX_RING_PRODUCER_BIND1;
	} else {
		r->cons = rc;
		r->cons_bit = (uint32_t)bit;
		r->binds += VX_RING_CONSUMER_BIND1;
	}
	r->binds &= ~(VX_RING_BOUND_PRODUCER | VX_RING_BOUND_CONSUMER);
	return 0;
}

static void op_bind(struct cm_world *w)
{
	uint64_t role = rnd(w, 10) ? 1 + rnd(w, 2) : rnd(w, 5);
	uint64_t bit = rnd(w, 10) ? rnd(w, 64) : 64 + rnd(w, 3);

	uint64_t h = pick_handle(w, w->cur, VX_OBJ_RING);
	uint64_t va = pick_va(w);
	bool good = rnd(w, 20) != 0;

	do_bind(w, h, role, va, bit, good);
}

/* UNBIND, NOTIFY, NOTIFY_WAIT: the calls on a bound end. */
static void op_ring_end(struct cm_world *w)
{
	int me = w->cur, rc = -1;
	uint64_t h = pick_handle(w, me, VX_OBJ_RING);
	unsigned kind = (unsigned)rnd(w, 3);
	uint64_t mask = rnd(w, 8) ? rnd64(w) : 0;

	if (w->cfg.known_bugs & CM_BUG_SIGBIT63)
		mask &= ~(1ull << 63);
	char what[96];
	int64_t e = m_lookup(w, me, h, VX_OBJ_RING, 0, &rc);

	if (!e && !(w->cap[rc].flags & CAP_F_BOUND))
		e = VX_E_STATE;
	else if (!e && kind == 2 && (mask == 0 || (mask & ~VX_SIG_ALL)))
		e = VX_E_INVAL;
	static const char *const kn[] = {"RING_UNBIND", "RING_NOTIFY", "RING_NOTIFY_WAIT"};
	snprintf(what, sizeof(what), "%s(%#llx, %#llx)", kn[kind], (unsigned long long)h,
		 (unsigned long long)mask);
	int64_t (*fn)(struct trapframe *) = kind == 0	? sys_ring_unbind
					    : kind == 1 ? sys_ring_notify
							: sys_ring_notify_wait;
	/* Model the effect first: the result of a wait depends on it. */
	uint64_t lo = 0, hi = 0;
	if (!e) {
		struct mring *r = w->obj[w->cap[rc].obj].r;
		if (kind == 0) {
			m_unbind(w, rc, false);
		} else {
			int peer = r->prod == rc ? r->cons : r->prod;
			if (peer >= 0)
				deliver(w, w->cap[peer].map_task,
					1ull << (peer == r->prod ? r->prod_bit : r->cons_bit),
					false);
		}
		if (kind == 2) {
			struct mtask *t = T(w, me);
			lo = t->pending & mask;
			hi = (t->pending | t->maybe) & mask;
			t->pending &= ~mask;
			t->maybe &= ~mask;
		}
	}
	int64_t got = sys(w, fn, h, mask, VX_DEADLINE_NONE, 0, 0);
	if (!e && kind == 2 && got >= 0 && ((uint64_t)got & lo) == lo && !((uint64_t)got & ~hi))
		e = got;
	else if (!e && kind == 2)
		e = (int64_t)lo;
	expect(w, what, got, e);
}

static int64_t do_send(struct cm_world *w, uint64_t rh, uint64_t h, uint64_t rights)
{
	int me = w->cur, rc = -1, c = -1;
	int64_t e;
	char what[96];
	struct mring *r = NULL;

	if ((e = m_lookup(w, me, rh, VX_OBJ_RING, VX_R_PRODUCE, &rc)))
		;
	else if ((e = m_lookup(w, me, h, 0, VX_R_GRANT, &c)))
		;
	else if (rights > VX_R_ALL || (rights & ~(uint64_t)w->cap[c].rights))
		e = VX_E_RIGHTS;
	else if ((r = w->obj[w->cap[rc].obj].r)->n == VX_RING_XFER_MAX)
		e = VX_E_FULL;
	else
		e = (int64_t)r->seq;
	snprintf(what, sizeof(what), "RING_SEND_CAP(%#llx, %#llx, %#llx)", (unsigned long long)rh,
		 (unsigned long long)h, (unsigned long long)rights);
	int64_t got = sys(w, sys_ring_send_cap, rh, h, rights, 0, 0);
	if (!expect(w, what, got, e) || e < 0)
		return e;
	uint32_t slot = (r->head + r->n) % VX_RING_XFER_MAX;
	int n = new_cap(w, w->cap[c].obj, w->cap[c].type, (uint8_t)rights, w->cap[c].narrow, c);
	place(w, n, W_XFER, w->cap[rc].obj, slot);
	r->xfer[slot] = n;
	r->n++;
	r->seq++;
	if (r->cons >= 0)
		deliver(w, w->cap[r->cons].map_task, 1ull << r->cons_bit, false);
	return e;
}

static void op_send(struct cm_world *w)
{
	uint64_t h = pick_handle(w, w->cur, 0);

	uint64_t rh = pick_handle(w, w->cur, VX_OBJ_RING);

	do_send(w, rh, h, pick_rights(w, rights_of(w, w->cur, h)));
}

static int64_t do_recv(struct cm_world *w, uint64_t rh)
{
	int me = w->cur, rc = -1, slot = -1;
	int64_t e;
	char what[64];
	struct mring *r = NULL;
	bool emptied = false;

	if ((e = m_lookup(w, me, rh, VX_OBJ_RING, VX_R_CONSUME, &rc)))
		;
	else if ((r = w->obj[w->cap[rc].obj].r)->n == 0)
		e = VX_E_EMPTY;
	else if (!(emptied = r->xfer[r->head] == M_EMPTIED) && (slot = m_free_slot(w, me)) < 0)
		e = VX_E_FULL;
	else if (emptied)
		e = VX_E_REVOKED;
	else
		e = VX_HANDLE_MAKE(slot, T(w, me)->gen[slot] + 1);
	if (emptied && (w->cfg.known_bugs & CM_BUG_XFER_EMPTIED))
		return 1; /* known bug: the kernel would move an empty slot */
	snprintf(what, sizeof(what), "RING_RECV_CAP(%#llx)", (unsigned long long)rh);
	int64_t got = sys(w, sys_ring_recv_cap, rh, 0, 0, 0, 0);
	if (!expect(w, what, got, e) || (e < 0 && e != VX_E_REVOKED))
		return e;
	int n = r->xfer[r->head];
	r->xfer[r->head] = -1;
	r->head = (r->head + 1) % VX_RING_XFER_MAX;
	r->n--;
	if (n >= 0)
		m_to_table(w, me, slot, n);
	return e;
}

static void op_recv(struct cm_world *w)
{
	do_recv(w, pick_handle(w, w->cur, VX_OBJ_RING));
}

/* A hand-over: the current Task sends a cap down a Ring it can produce on,
 * and a Task that can consume from that Ring receives it. */
static void op_give(struct cm_world *w)
{
	int me = w->cur, rings[VX_HANDLE_SLOTS], nr = 0;
	struct mtask *t = T(w, me);

	for (uint32_t i = 1; i < t->top; i++)
		if (t->slot[i] >= 0 && w->cap[t->slot[i]].type == VX_OBJ_RING &&
		    (w->cap[t->slot[i]].rights & VX_R_PRODUCE))
			rings[nr++] = (int)i;
	if (!nr)
		return;
	int i = rings[rnd(w, (uint64_t)nr)];
	int ring = w->cap[t->slot[i]].obj;
	uint64_t h = pick_handle(w, me, 0);
	if (do_send(w, VX_HANDLE_MAKE(i, t->gen[i]), h, pick_rights(w, rights_of(w, me, h))) < 0 ||
	    w->failed)
		return;
	/* a receiver: any runnable Task holding CONSUME on that Ring */
	int who[64], nw = 0;
	uint64_t hs[64];
	for (int x = w->obj[ring].cfirst; x >= 0 && nw < 64; x = w->cap[x].onext) {
		const struct mcap *c = &w->cap[x];
		if (c->where == W_TABLE && (c->rights & VX_R_CONSUME) &&
		    T(w, c->holder)->state == VX_TASK_RUNNABLE) {
			who[nw] = c->holder;
			hs[nw++] = VX_HANDLE_MAKE(c->idx, T(w, c->holder)->gen[c->idx]);
		}
	}
	if (!nw)
		return;
	unsigned k = (unsigned)rnd(w, (uint64_t)nw);
	become(w, who[k]);
	do_recv(w, hs[k]);
}

static void op_sig(struct cm_world *w)
{
	int me = w->cur, c = -1;
	unsigned kind = (unsigned)rnd(w, 3);
	char what[96];
	int64_t e;

	if (kind == 0) { /* SIG_WAIT(mask, NONE) */
		uint64_t mask = rnd(w, 10) ? rnd64(w) : 0;
		if (w->cfg.known_bugs & CM_BUG_SIGBIT63)
			mask &= ~(1ull << 63);
		struct mtask *t = T(w, me);
		uint64_t lo = t->pending & mask, hi = (t->pending | t->maybe) & mask;
		snprintf(what, sizeof(what), "SIG_WAIT(%#llx)", (unsigned long long)mask);
		int64_t got = sys(w, sys_sig_wait, mask, VX_DEADLINE_NONE, 0, 0, 0);
		if (mask == 0 || (mask & ~VX_SIG_ALL))
			e = VX_E_INVAL;
		else if (got >= 0 && ((uint64_t)got & lo) == lo && !((uint64_t)got & ~hi))
			e = got;
		else
			e = (int64_t)lo;
		if (expect(w, what, got, e) && e >= 0 && mask) {
			t->pending &= ~mask;
			t->maybe &= ~mask;
		}
		return;
	}
	if (kind == 1) { /* SIG_RAISE(sig, bits) */
		uint64_t h = pick_handle(w, me, VX_OBJ_SIGNAL);
		uint64_t bits = rnd(w, 8) ? 1ull << rnd(w, 64) : rnd(w, 1ull << 32);
		if ((e = m_lookup(w, me, h, VX_OBJ_SIGNAL, 0, &c)))
			;
		else if (bits == 0)
			e = VX_E_INVAL;
		else if (bits & ~w->cap[c].narrow)
			e = VX_E_RIGHTS;
		if (!e && rnd(w, 2))
			bits &= w->cap[c].narrow;
		if (!e && bits == 0)
			e = VX_E_INVAL;
		snprintf(what, sizeof(what), "SIG_RAISE(%#llx, %#llx)", (unsigned long long)h,
			 (unsigned long long)bits);
		int64_t got = sys(w, sys_sig_raise, h, bits, 0, 0, 0);
		if (expect(w, what, got, e) && !e)
			deliver(w, w->cap[c].obj, bits, false);
		return;
	}
	/* SIG_MINT(task, bits) */
	uint64_t h = pick_handle(w, me, VX_OBJ_TASK);
	uint64_t bits = rnd(w, 10) ? rnd64(w) : 0;
	int slot = -1;
	if ((e = m_lookup(w, me, h, VX_OBJ_TASK, VX_R_CONTROL, &c)))
		;
	else if (bits == 0 || (bits & ~VX_SIG_ALL))
		e = VX_E_INVAL; /* no bits, or the reserved bit 63 */
	else if ((slot = m_free_slot(w, me)) < 0)
		e = VX_E_FULL;
	else
		e = VX_HANDLE_MAKE(slot, T(w, me)->gen[slot] + 1);
	snprintf(what, sizeof(what), "SIG_MINT(%#llx, %#llx)", (unsigned long long)h,
		 (unsigned long long)bits);
	int64_t got = sys(w, sys_sig_mint, h, bits, 0, 0, 0);
	if (!expect(w, what, got, e) || e < 0)
		return;
	int n = new_cap(w, w->cap[c].obj, VX_OBJ_SIGNAL, (uint8_t)mint_rights(w, w->cap[c].rights),
			bits, c);
	m_to_table(w, me, slot, n);
}

static void op_cap_inspect(struct cm_world *w)
{
	int me = w->cur, c;
	uint64_t h = pick_handle(w, me, 0);
	bool good;
	uint64_t out = pick_out(w, &good);
	char what[64];
	int e = m_lookup(w, me, h, 0, 0, &c);

	snprintf(what, sizeof(what), "CAP_INSPECT(%#llx)", (unsigned long long)h);
	int64_t got = sys(w, sys_cap_inspect, h, out, 0, 0, 0);
	if (!expect(w, what, got, e ? e : good ? VX_OK : VX_E_FAULT) || e || !good)
		return;
	const struct vx_cap_info *i = (const void *)w->uwin;
	const struct mcap *m = &w->cap[c];
	const struct mobj *o = &w->obj[m->obj];
	struct vx_cap_info want;
	memset(&want, 0, sizeof(want));
	want.type = m->type;
	want.rights = m->rights;
	want.narrow = m->narrow;
	if (m->type == VX_OBJ_MEM || m->type == VX_OBJ_RETICLE) {
		want.size = o->size;
		want.paddr = m->type == VX_OBJ_MEM ? o->pa : 0;
	} else if (m->type == VX_OBJ_RING) {
		want.size = o->size - 4096;
		want.narrow = (o->r->prod >= 0 ? VX_RING_BOUND_PRODUCER : 0) |
			      (o->r->cons >= 0 ? VX_RING_BOUND_CONSUMER : 0);
		if (!(w->cfg.known_bugs & CM_BUG_RING_INSPECT))
			want.narrow |= (uint64_t)o->r->n << 8;
	}
	if (memcmp(i, &want, sizeof(want)))
		fail(w,
		     "CAP_INSPECT of cap %d: type %u rights %#x narrow %#llx size %llu; model "
		     "%u %#x %#llx %llu",
		     c, i->type, i->rights, (unsigned long long)i->narrow,
		     (unsigned long long)i->size, want.type, want.rights,
		     (unsigned long long)want.narrow, (unsigned long long)want.size);
}

/*
 * A scenario: a chain of Reticles R0..Rn.  Each Ri (i < n) holds a started
 * Task whose Bundle gave it a cap to itself (so only a reset kills it) and
 * the only cap to R(i+1); then the current Task deletes its cap to R0.
 * Destroying the chain must not take stack in proportion to its length.
 * Every call is an ordinary checked step.
 */
static bool chain_delete(struct cm_world *w, uint64_t h)
{
	int c;
	char what[64];

	if (m_lookup(w, w->cur, h, 0, 0, &c))
		return false;
	snprintf(what, sizeof(what), "DELETE(%#llx)", (unsigned long long)h);
	if (!expect(w, what, sys(w, sys_cap_delete, h, 0, 0, 0, 0), 0))
		return false;
	w->cascade = true;
	m_cap_remove(w, c);
	m_reap(w);
	w->cascade = false;
	return check_all(w, false);
}

static void op_chain(struct cm_world *w)
{
	int me = w->cur, rc;
	uint64_t root = pick_handle(w, me, VX_OBJ_RETICLE);
	unsigned n = 2 + (unsigned)rnd(w, w->cfg.chain_max);
	uint64_t first = 0, prev = 0;

	if (m_lookup(w, me, root, VX_OBJ_RETICLE, VX_R_CONTROL, &rc))
		return;
	w->st.chains++;
	tracef(w, "#%llu chain of %u Reticles", (unsigned long long)w->st.steps, n);
	for (unsigned i = 0; i < n && !w->failed; i++) {
		int64_t r = do_split(w, root, 12 * 4096);
		if (r < 0 || w->failed)
			break;
		if (prev) {
			int64_t t = do_retype(w, prev, VX_OBJ_TASK, 0);
			int64_t b = do_retype(w, root, VX_OBJ_BUNDLE, 0);
			if (t < 0 || b < 0 || w->failed)
				break;
			if (do_bundle_add(w, (uint64_t)b, "self", 4, true, (uint64_t)t, VX_R_ALL) ||
			    do_bundle_add(w, (uint64_t)b, "next", 4, true, (uint64_t)r, VX_R_ALL) ||
			    do_set_regs(w, (uint64_t)t, 0x10000) ||
			    do_start(w, (uint64_t)t, (uint64_t)b))
				break;
			if (!chain_delete(w, (uint64_t)t) || !chain_delete(w, (uint64_t)b))
				return;
			if (prev != first && !chain_delete(w, prev))
				return;
		} else {
			first = (uint64_t)r;
		}
		prev = (uint64_t)r;
	}
	if (w->failed || !first)
		return;
	if (prev != first && !chain_delete(w, prev))
		return;
	tracef(w, "#%llu the chain's head goes", (unsigned long long)w->st.steps);
	chain_delete(w, first);
}

/* A parent builds and starts a child: a Task and a Bundle carved from one
 * of its Reticles, a few of its caps added (the child's self cap among
 * them, sometimes), registers set, started.  Every call is a checked step. */
static void op_spawn(struct cm_world *w)
{
	static const char *const slot_names[] = {"self", "a", "b", "c", "d", "e"};
	int me = w->cur, rc;
	uint64_t rh = pick_handle(w, me, VX_OBJ_RETICLE);

	if (m_lookup(w, me, rh, VX_OBJ_RETICLE, VX_R_CONTROL, &rc))
		return;
	int64_t t = do_retype(w, rh, VX_OBJ_TASK, 0);
	int64_t b = t < 0 || w->failed ? -1 : do_retype(w, rh, VX_OBJ_BUNDLE, 0);
	if (b < 0 || w->failed)
		return;
	if (rnd(w, 2) && do_bundle_add(w, (uint64_t)b, "self", 4, true, (uint64_t)t,
				       rnd(w, 3) ? VX_R_ALL : VX_R_ALL & ~VX_R_GRANT))
		return;
	for (unsigned i = 1 + (unsigned)rnd(w, 5); i < 6 && !w->failed; i++) {
		uint64_t h = pick_handle(w, me, 0);
		uint32_t have = rights_of(w, me, h);
		do_bundle_add(w, (uint64_t)b, slot_names[i], strlen(slot_names[i]), true, h,
			      rnd(w, 3) ? have : have & rnd(w, 0x80));
	}
	if (w->failed || do_set_regs(w, (uint64_t)t, 0x10000) || w->failed)
		return;
	do_start(w, (uint64_t)t, (uint64_t)b);
}

/* ------------------------------------------------ chaos: interleavings */

/*
 * In a chaos epoch a call's queued work (destruction, resets) is left
 * after one budget, and other Tasks act while it is pending, as they can
 * on the real kernel between a caller's SYS_KWAIT re-entries.  What each
 * call returns then depends on how far the work has got, so the model
 * cannot predict it: handles come from the kernel's own tables, results
 * are not compared, and after every step the kernel's state is checked
 * against its own invariants instead (kcheck).  At the end the work is
 * drained and the root Reticle reset must give every byte back.
 */

/* Calls fn(o, ctx) for every record (not dead) carved, at any depth, from
 * Reticle r; Reticles are visited before what was carved from them. */
static bool walk(struct cm_world *w, struct kobj *r, bool (*fn)(struct cm_world *, struct kobj *),
		 unsigned depth)
{
	if (depth > VX_RETICLE_DEPTH_MAX + 1) {
		fail(w, "Reticles nest deeper than the limit");
		return false;
	}
	for (uint32_t i = 0; i < r->u.ret.nrec; i++) {
		struct kobj *o = &r->u.ret.rec[i];
		if (o->state == KOBJ_DEAD)
			continue;
		if (!fn(w, o))
			return false;
		if (o->type == VX_OBJ_RETICLE && !walk(w, o, fn, depth + 1))
			return false;
	}
	return true;
}

static bool kcheck_reticle(struct cm_world *w, struct kobj *r);

static struct task *k_actors[M_MAXOBJ];
static int k_nactors;

static bool collect_actor(struct cm_world *w, struct kobj *o)
{
	(void)w;
	if (o->type == VX_OBJ_TASK && task_of(o)->state == VX_TASK_RUNNABLE && k_nactors < M_MAXOBJ)
		k_actors[k_nactors++] = task_of(o);
	return true;
}

/* A cap must name a live object (zombies have none by definition). */
static bool kcheck_cap(struct cm_world *w, const struct cap *c, struct task *owner)
{
	if (!c->obj)
		return true;
	CHK(c->obj->state == KOBJ_LIVE, "a cap names an object in state %u", c->obj->state);
	CHK(c->owner == owner, "a cap's owner is %p, it is held by %p", (void *)c->owner,
	    (void *)owner);
	CHK(!c->flags || c->map_task, "a mapped cap names no Task");
	return true;
}

static bool kcheck_forest(struct cm_world *w, const struct kobj *o, const struct cap *first,
			  const struct cap *parent, uint32_t *n)
{
	const struct cap *last = NULL;

	for (const struct cap *x = first; x; x = x->next) {
		CHK(++*n <= o->ncaps, "object type %u: more caps in its forest than ncaps",
		    o->type);
		CHK(x->obj == o && x->parent == parent && x->prev == last,
		    "object type %u: derivation forest links broken", o->type);
		if (!kcheck_forest(w, o, x->child, x, n))
			return false;
		last = x;
	}
	return true;
}

static bool kcheck_obj(struct cm_world *w, struct kobj *o)
{
	uint32_t n = 0;

	if (o->type == KOBJ_PAGETABLE)
		return true;
	CHK(o->state == KOBJ_LIVE || o->state == KOBJ_ZOMBIE, "record in state %u", o->state);
	if (o->state == KOBJ_ZOMBIE)
		CHK(o->ncaps == 0 && o->queued, "a zombie has caps or is not queued");
	else
		CHK(o->ncaps > 0 || o->queued,
		    "a live object (type %u) with no cap is not queued: leaked", o->type);
	CHK(kobj_zeroed(o) || o->queued, "an object (type %u) not yet zeroed is not queued",
	    o->type);
	if (!kcheck_forest(w, o, o->caps, NULL, &n))
		return false;
	CHK(n == o->ncaps, "object type %u: forest has %u caps, ncaps %u", o->type, n, o->ncaps);
	switch (o->type) {
	case VX_OBJ_TASK: {
		struct task *t = task_of(o);
		uint32_t used = 0;
		for (uint32_t i = 1; i < t->table_top; i++) {
			used += t->table[i].obj != NULL;
			if (!kcheck_cap(w, &t->table[i], t))
				return false;
		}
		CHK(used == t->used_slots, "a Task's used_slots %u, table holds %u", t->used_slots,
		    used);
		if (!kcheck_cap(w, &t->fault_sig, NULL) || !kcheck_cap(w, &t->bundle, NULL))
			return false;
		unsigned m = 0;
		for (const struct cap *c = t->mappings; c; c = c->mnext) {
			CHK(++m <= 4 * VX_HANDLE_SLOTS, "a Task's mapping list does not end");
			CHK(c->map_task == t && c->flags && c->obj && c->obj->state == KOBJ_LIVE,
			    "a Task's mapping list holds a cap not mapped into it");
		}
		if (t->queued)
			CHK(t->state == VX_TASK_RUNNABLE && t->rq_next->rq_prev == t,
			    "a Task on a run queue is not runnable");
		break;
	}
	case VX_OBJ_RING: {
		struct ring *r = phys_to_virt(o->pa);
		for (uint32_t i = 0; i < VX_RING_XFER_MAX; i++)
			if (!kcheck_cap(w, &r->xfer[i], NULL))
				return false;
		CHK(r->xfer_count <= VX_RING_XFER_MAX, "a Ring's transfer count overflows");
		CHK(!r->producer || (r->producer->obj == o && (r->producer->flags & CAP_F_BOUND)),
		    "a Ring's producer end is not a cap bound to it");
		CHK(!r->consumer || (r->consumer->obj == o && (r->consumer->flags & CAP_F_BOUND)),
		    "a Ring's consumer end is not a cap bound to it");
		break;
	}
	case VX_OBJ_BUNDLE: {
		struct bundle *b =
		    (struct bundle *)((uint8_t *)phys_to_virt(o->pa) + BUNDLE_PRIV_OFF);
		for (uint32_t i = 0; i < VX_BUNDLE_SLOTS; i++)
			if (!kcheck_cap(w, &b->slot[i], NULL))
				return false;
		break;
	}
	case VX_OBJ_RETICLE:
		return kcheck_reticle(w, o);
	}
	return true;
}

/* A Reticle's records and bodies tile it: records up from the base, bodies
 * contiguous down from the top, the live count right. */
static bool kcheck_reticle(struct cm_world *w, struct kobj *r)
{
	uint64_t top = r->pa + r->size, next = top;
	uint32_t live = 0;

	for (uint32_t i = 0; i < r->u.ret.nrec; i++) {
		const struct kobj *o = &r->u.ret.rec[i];
		CHK(o->pa + o->size == next, "a Reticle's bodies are not contiguous at record %u",
		    i);
		CHK(o->state == KOBJ_DEAD || o->origin == r, "a record names another origin");
		next = o->pa;
		live += o->state != KOBJ_DEAD;
	}
	CHK(next == r->u.ret.body_bottom, "a Reticle's body bottom is off");
	CHK(r->pa + (uint64_t)r->u.ret.nrec * VX_OBJ_META_BYTES <= next,
	    "a Reticle's records run into its bodies");
	CHK(live == r->u.ret.nlive, "a Reticle counts %u live records, holds %u", r->u.ret.nlive,
	    live);
	return true;
}

static bool kcheck(struct cm_world *w)
{
	unsigned n = 0;

	for (struct kobj *o = work_head; o; o = o->zombie_next) {
		CHK(++n <= M_MAXOBJ, "the work queue does not end");
		CHK(o->queued &&
			(o->state == KOBJ_ZOMBIE ||
			 (o->state == KOBJ_LIVE && (o->type == VX_OBJ_RETICLE || !kobj_zeroed(o)))),
		    "the work queue holds an object (type %u) in state %u", o->type, o->state);
	}
	return kcheck_reticle(w, &w->root_k) && walk(w, &w->root_k, kcheck_obj, 0);
}

/* A handle of t's: mostly an occupied slot (of type `type` if it has one). */
static uint64_t k_pick(struct cm_world *w, struct task *t, uint32_t type)
{
	uint32_t cand[VX_HANDLE_SLOTS], n = 0, any[VX_HANDLE_SLOTS], na = 0;

	for (uint32_t i = 1; i < t->table_top; i++) {
		if (!t->table[i].obj)
			continue;
		any[na++] = i;
		if (t->table[i].type == type)
			cand[n++] = i;
	}
	uint64_t r = rnd(w, 10);
	if (n && r < 8) {
		uint32_t i = cand[rnd(w, n)];
		return VX_HANDLE_MAKE(i, t->table[i].gen);
	}
	if (na && r < 9) {
		uint32_t i = any[rnd(w, na)];
		return VX_HANDLE_MAKE(i, t->table[i].gen);
	}
	return VX_HANDLE_MAKE(1 + rnd(w, 255), 1 + rnd(w, 3));
}

static const char *chaos_name(int64_t (*fn)(struct trapframe *))
{
	static const struct {
		int64_t (*fn)(struct trapframe *);
		const char *name;
	} table[] = {
	    {sys_cap_derive, "DERIVE"},	     {sys_cap_delete, "DELETE"},
	    {sys_cap_revoke, "REVOKE"},	     {sys_reticle_retype, "RETYPE"},
	    {sys_reticle_split, "SPLIT"},    {sys_reticle_reset, "RESET"},
	    {sys_task_map, "MAP"},	     {sys_ring_bind, "RING_BIND"},
	    {sys_ring_send_cap, "SEND_CAP"}, {sys_ring_recv_cap, "RECV_CAP"},
	    {sys_bundle_add, "BUNDLE_ADD"},  {sys_task_set_regs, "SET_REGS"},
	    {sys_task_start, "START"},	     {sys_task_supervise, "SUPERVISE"},
	    {sys_sig_mint, "SIG_MINT"},	     {sys_task_halt, "HALT"},
	    {sys_task_resume, "RESUME"},
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].fn == fn)
			return table[i].name;
	return "?";
}

/* Runs one call of t's in a chaos epoch: one budget of queued work after
 * it; a restarted call is re-issued now or left for when t next runs; a
 * call that left work parks t (SYS_KWAIT) until the queue is empty. */
static void chaos_call(struct cm_world *w, struct task *t, int64_t (*fn)(struct trapframe *),
		       struct trapframe *tf)
{
	cpuinfo.tsc_per_ms = 0; /* every budget is one unit */
	karch.stack_max = 0;
	karch_stack_mark();
	int64_t r;
	for (;;) {
		r = fn(tf);
		if (r == SYS_RESTART || rnd(w, 4))
			reap();
		preempt_done();
		if (r != SYS_RESTART || cpus[0].current != t)
			break;
		w->st.restarts++;
		if (rnd(w, 2) && w->nrestart < 16) {
			w->restart[w->nrestart++] = (struct restart){t, fn, *tf};
			break;
		}
	}
	if (r != SYS_RESTART && work_pending() && cpus[0].current == t &&
	    t->state == VX_TASK_RUNNABLE && w->nkwait < 64)
		w->kwait[w->nkwait++] = t;
	w->st.calls++;
	if (r >= 0)
		w->st.ok++;
	else
		w->st.errors++;
	tracef(w, "#%llu chaos: %s(%#llx, %#llx, %#llx) -> %lld, %s work queued",
	       (unsigned long long)w->st.steps, chaos_name(fn), (unsigned long long)tf->rdi,
	       (unsigned long long)tf->rsi, (unsigned long long)tf->rdx, (long long)r,
	       work_pending() ? "some" : "no");
	if (karch.fpu_forget_dead && !(w->cfg.known_bugs & CM_BUG_DOUBLE_RELEASE))
		fail(w, "a Task was destroyed after its record had been released");
	if (karch.bad_table)
		fail(w, "a page-table walk reached a page outside physical memory");
	if (!w->failed)
		kcheck(w);
}

static bool chaos_waiting(struct cm_world *w, const struct task *t)
{
	for (int i = 0; i < w->nkwait; i++)
		if (w->kwait[i] == t)
			return true;
	return false;
}

/* Forgets parked Tasks that died or stopped, and KWAITs once the queue is
 * empty (so a record reused for a new Task inherits nothing). */
static void chaos_purge(struct cm_world *w)
{
	int n = 0;

	for (int i = 0; i < w->nkwait; i++)
		if (work_pending() && w->kwait[i]->obj->state == KOBJ_LIVE &&
		    w->kwait[i]->state == VX_TASK_RUNNABLE)
			w->kwait[n++] = w->kwait[i];
	w->nkwait = n;
	n = 0;
	for (int i = 0; i < w->nrestart; i++)
		if (w->restart[i].t->obj->state == KOBJ_LIVE &&
		    w->restart[i].t->state == VX_TASK_RUNNABLE)
			w->restart[n++] = w->restart[i];
	w->nrestart = n;
}

static void chaos_step(struct cm_world *w)
{
	chaos_purge(w);
	k_nactors = 0;
	walk(w, &w->root_k, collect_actor, 0);
	/* Mostly a Task that holds something to act with; never one parked
	 * in SYS_KWAIT. */
	int busy = 0;
	for (int i = 0; i < k_nactors; i++)
		if (k_actors[i]->used_slots >= 2 && !chaos_waiting(w, k_actors[i]))
			k_actors[busy++] = k_actors[i];
	if (!busy && work_pending()) {
		drain(w); /* nobody can run: the idle loop does the work */
		w->nkwait = 0;
		return;
	}
	if (!busy) {
		cm_end_epoch(w);
		return;
	}
	struct task *t = k_actors[rnd(w, (uint64_t)busy)];
	struct task *prev = cpus[0].current;
	if (prev != t) {
		cpus[0].current = NULL;
		if (prev && prev->state == VX_TASK_RUNNABLE)
			sched_make_runnable(prev);
		sched_remove(t);
		cpus[0].current = t;
	}
	w->st.steps++;
	w->epoch_step++;
	for (int i = 0; i < w->nrestart; i++) {
		if (w->restart[i].t == t) {
			/* back at its syscall instruction: the same call again */
			struct restart rs = w->restart[i];
			w->restart[i] = w->restart[--w->nrestart];
			chaos_call(w, t, rs.fn, &rs.tf);
			return;
		}
	}
	uint64_t a[5] = {0};
	int64_t (*fn)(struct trapframe *);
	uint64_t op = rnd(w, 16);
	switch (op) {
	case 0:
		fn = sys_cap_derive;
		a[0] = k_pick(w, t, 0);
		a[1] = rnd(w, 0x80);
		break;
	case 1:
		fn = sys_cap_delete;
		a[0] = k_pick(w, t, 0);
		break;
	case 2:
		fn = sys_cap_revoke;
		a[0] = k_pick(w, t, 0);
		break;
	case 3:
	case 4: {
		static const uint64_t types[] = {VX_OBJ_TASK, VX_OBJ_MEM, VX_OBJ_RING,
						 VX_OBJ_BUNDLE};
		fn = sys_reticle_retype;
		a[0] = k_pick(w, t, VX_OBJ_RETICLE);
		a[1] = types[rnd(w, 4)];
		a[2] = a[1] == VX_OBJ_MEM ? 1 + rnd(w, 40) : a[1] == VX_OBJ_RING ? 0x600 : 0;
		break;
	}
	case 5:
		fn = sys_reticle_split;
		a[0] = k_pick(w, t, VX_OBJ_RETICLE);
		a[1] = (2 + rnd(w, 64)) * 4096;
		break;
	case 6:
		fn = sys_reticle_reset;
		a[0] = k_pick(w, t, VX_OBJ_RETICLE);
		if (a[0] && VX_HANDLE_INDEX(a[0]) < t->table_top &&
		    t->table[VX_HANDLE_INDEX(a[0])].obj == &w->root_k && rnd(w, 8))
			return; /* the root, rarely */
		break;
	case 7:
		fn = sys_task_map;
		a[0] = k_pick(w, t, VX_OBJ_TASK);
		a[1] = k_pick(w, t, VX_OBJ_MEM);
		a[2] = va_ok[rnd(w, sizeof(va_ok) / sizeof(va_ok[0]))];
		a[3] = 1 + 2 * rnd(w, 2);
		break;
	case 8:
		fn = sys_ring_bind;
		a[0] = k_pick(w, t, VX_OBJ_RING);
		a[1] = 1 + rnd(w, 2);
		a[2] = va_ok[rnd(w, sizeof(va_ok) / sizeof(va_ok[0]))];
		a[3] = rnd(w, 63);
		a[4] = (uint64_t)(uintptr_t)w->uwin;
		break;
	case 9:
		fn = sys_ring_send_cap;
		a[0] = k_pick(w, t, VX_OBJ_RING);
		a[1] = k_pick(w, t, 0);
		a[2] = rnd(w, 0x80);
		break;
	case 10:
	case 11:
		fn = sys_ring_recv_cap;
		a[0] = k_pick(w, t, VX_OBJ_RING);
		break;
	case 12:
		fn = sys_bundle_add;
		a[0] = k_pick(w, t, VX_OBJ_BUNDLE);
		memcpy(w->uwin, "abcdefgh", 8);
		a[1] = (uint64_t)(uintptr_t)w->uwin + rnd(w, 8);
		a[2] = 1;
		a[3] = k_pick(w, t, 0);
		a[4] = rnd(w, 0x80);
		break;
	case 13:
		fn = rnd(w, 2) ? sys_task_set_regs : sys_task_start;
		a[0] = k_pick(w, t, VX_OBJ_TASK);
		a[1] =
		    fn == sys_task_start ? (rnd(w, 2) ? k_pick(w, t, VX_OBJ_BUNDLE) : 0) : 0x10000;
		a[2] = 0x7fffffff0000ull;
		break;
	case 14:
		fn = rnd(w, 2) ? sys_task_supervise : sys_sig_mint;
		a[0] = k_pick(w, t, VX_OBJ_TASK);
		a[1] = fn == sys_sig_mint ? 1 + rnd(w, 1000) : k_pick(w, t, VX_OBJ_SIGNAL);
		break;
	default:
		fn = rnd(w, 2) ? sys_task_halt : sys_task_resume;
		a[0] = k_pick(w, t, VX_OBJ_TASK);
		break;
	}
	struct trapframe tf;
	memset(&tf, 0, sizeof(tf));
	tf.rdi = a[0];
	tf.rsi = a[1];
	tf.rdx = a[2];
	tf.r10 = a[3];
	tf.r8 = a[4];
	chaos_call(w, t, fn, &tf);
}

struct op {
	void (*fn)(struct cm_world *w);
	unsigned weight;
};

static const struct op ops[] = {
    {op_derive, 10},	  {op_delete, 8},    {op_revoke, 5},	   {op_retype, 12},
    {op_split, 4},	  {op_reset, 2},     {op_reticle_info, 2}, {op_map, 6},
    {op_unmap, 3},	  {op_set_regs, 4},  {op_start, 5},	   {op_halt_resume, 4},
    {op_task_inspect, 2}, {op_supervise, 3}, {op_set_prio, 2},	   {op_exit, 1},
    {op_bundle_add, 6},	  {op_bind, 4},	     {op_ring_end, 5},	   {op_send, 7},
    {op_recv, 6},	  {op_give, 6},	     {op_sig, 6},	   {op_cap_inspect, 3},
    {op_spawn, 4},	  {op_fault, 1},     {op_fill, 1},
};

/* ------------------------------------------------------------ the world */

static void free_model(struct cm_world *w)
{
	for (int i = 0; i < w->nobj; i++) {
		free(w->obj[i].t);
		free(w->obj[i].r);
		free(w->obj[i].b);
		if (w->obj[i].ret)
			free(w->obj[i].ret->rec);
		free(w->obj[i].ret);
	}
	w->nobj = 0;
	w->ncap = 0;
	w->nzq = 0;
	w->nstale = 0;
}

/* A fresh world: the root Reticle over the whole buffer, and a root Task
 * carved from it holding a cap to itself and one to the root Reticle, set
 * up the way boot does it. */
static void build(struct cm_world *w)
{
	free_model(w);
	karch_reset();
	memset(&cpus[0], 0, sizeof(cpus[0]));
	w->cur = -1;
	w->epoch_step = 0;
	w->chaos = false;
	w->nkwait = w->nrestart = 0;
	reticle_init_root(&w->root_k, (uint64_t)(uintptr_t)w->ram, w->cfg.ram_bytes, NULL);
	struct mobj *root = &w->obj[w->nobj++];
	memset(root, 0, sizeof(*root));
	root->live = root->fixed = true;
	root->type = VX_OBJ_RETICLE;
	root->origin = -1;
	root->pa = (uint64_t)(uintptr_t)w->ram;
	root->size = w->cfg.ram_bytes;
	root->k = &w->root_k;
	root->cfirst = -1;
	root->ret = new_ret(0);

	uint64_t dummy;
	uint32_t idx;
	KASSERT(reticle_check_retype(&w->root_k, VX_OBJ_TASK, 0, &dummy) == VX_OK);
	struct kobj *to = reticle_carve(&w->root_k, VX_OBJ_TASK, VX_TASK_OBJ_BYTES, 0);
	task_init(to);
	struct task *kt = task_of(to);
	kt->prio = VX_PRIO_MAX;
	kt->state = VX_TASK_RUNNABLE;
	int t0 = m_carve(w, 0, VX_OBJ_TASK, VX_TASK_OBJ_BYTES);
	new_task_model(w, t0, VX_PRIO_MAX);
	T(w, t0)->state = VX_TASK_RUNNABLE;
	KASSERT(cap_find_slot(kt, &idx) == VX_OK);
	cap_install(kt, idx, to, VX_OBJ_TASK, VX_R_ALL, 0, NULL);
	m_to_table(w, t0, (int)idx, new_cap(w, t0, VX_OBJ_TASK, VX_R_ALL, 0, -1));
	KASSERT(cap_find_slot(kt, &idx) == VX_OK);
	cap_install(kt, idx, &w->root_k, VX_OBJ_RETICLE, VX_R_ALL, 0, NULL);
	m_to_table(w, t0, (int)idx, new_cap(w, 0, VX_OBJ_RETICLE, VX_R_ALL, 0, -1));
	sched_make_runnable(kt);
	become(w, t0);
}

struct cm_world *cm_create(const struct cm_config *cfg)
{
	struct cm_world *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->cfg = *cfg;
	if (!w->cfg.ram_bytes)
		w->cfg.ram_bytes = 8u << 20;
	if (!w->cfg.epoch_steps)
		w->cfg.epoch_steps = 3000;
	if (!w->cfg.stack_limit)
		w->cfg.stack_limit = 8u << 10;
	if (!w->cfg.chain_max)
		w->cfg.chain_max = 96;
	if (!w->cfg.full_check_every)
		w->cfg.full_check_every = 32;
	w->ram = aligned_alloc(4096, w->cfg.ram_bytes);
	w->uwin = aligned_alloc(4096, UWIN_BYTES);
	w->obj = calloc(M_MAXOBJ, sizeof(*w->obj));
	w->cap = calloc(M_MAXCAP, sizeof(*w->cap));
	w->zq = calloc(M_MAXOBJ, sizeof(int));
	w->hsize = 4 * M_MAXCAP;
	w->hkey = calloc(w->hsize, sizeof(*w->hkey));
	w->hval = calloc(w->hsize, sizeof(*w->hval));
	w->hused = calloc(M_MAXCAP, sizeof(*w->hused));
	if (!w->ram || !w->uwin || !w->obj || !w->cap || !w->zq || !w->hkey || !w->hval ||
	    !w->hused) {
		cm_destroy(w);
		return NULL;
	}
	memset(w->ram, 0xa5, w->cfg.ram_bytes);
	karch.uwin = w->uwin;
	karch.uwin_len = UWIN_BYTES;
	karch.ram = w->ram;
	karch.ram_len = w->cfg.ram_bytes;
	the_world = w;
	w->trace_all = getenv("CM_TRACE") != NULL;
	w->rng = 1;
	build(w);
	return w;
}

void cm_destroy(struct cm_world *w)
{
	if (!w)
		return;
	free_model(w);
	free(w->ram);
	free(w->uwin);
	free(w->obj);
	free(w->cap);
	free(w->zq);
	free(w->hkey);
	free(w->hval);
	free(w->hused);
	if (the_world == w)
		the_world = NULL;
	memset(&karch, 0, sizeof(karch));
	free(w);
}

void cm_seed(struct cm_world *w, uint64_t seed)
{
	w->in = NULL;
	w->rng = seed * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull;
	if (!w->rng)
		w->rng = 1;
}

void cm_input(struct cm_world *w, const uint8_t *data, size_t size)
{
	w->in = data;
	w->in_len = size;
	w->in_pos = 0;
	w->exhausted = false;
}

int cm_end_epoch(struct cm_world *w)
{
	if (w->failed)
		return CM_FAIL;
	tracef(w, "#%llu end of epoch: the root Reticle is reset", (unsigned long long)w->st.steps);
	cpus[0].current = NULL;
	w->cur = -1;
	karch.stack_max = 0;
	karch_stack_mark();
	drain(w); /* a chaos epoch leaves work pending */
	work_enqueue(&w->root_k);
	drain(w);
	if (!w->chaos) {
		m_reset(w, 0);
		m_reap(w);
		if (!check_all(w, true))
			return CM_FAIL;
	} else if (!kcheck(w)) {
		return CM_FAIL;
	}
	if (w->root_k.u.ret.nrec || w->root_k.u.ret.nlive ||
	    reticle_free_bytes(&w->root_k) != w->cfg.ram_bytes) {
		fail(w,
		     "after the root Reticle's reset: %u records, %u live, %llu of %llu bytes "
		     "free",
		     w->root_k.u.ret.nrec, w->root_k.u.ret.nlive,
		     (unsigned long long)reticle_free_bytes(&w->root_k),
		     (unsigned long long)w->cfg.ram_bytes);
		return CM_FAIL;
	}
	for (int i = 1; i < w->nobj && !w->chaos; i++) {
		if (w->obj[i].live) {
			fail(w, "object %d survived the root Reticle's reset", i);
			return CM_FAIL;
		}
	}
	w->st.epochs++;
	build(w);
	return CM_OK;
}

int cm_step(struct cm_world *w)
{
	int who[M_MAXOBJ];
	unsigned total = 0;

	if (w->failed)
		return CM_FAIL;
	if (w->in && (w->exhausted || w->in_pos >= w->in_len))
		return CM_DONE;
	/* A chaos stretch starts in the middle of an epoch, from whatever the
	 * model-checked steps have built, and lasts to the epoch's end. */
	if (!w->chaos && w->cfg.chaos_pct && rnd(w, 200) == 0)
		w->chaos = rnd(w, 100) < w->cfg.chaos_pct;
	if (w->chaos) {
		if (w->epoch_step >= w->cfg.epoch_steps)
			return cm_end_epoch(w);
		chaos_step(w);
		return w->failed ? CM_FAIL : CM_OK;
	}
	int n = actors(w, who, M_MAXOBJ);
	if (n == 0 || w->epoch_step >= w->cfg.epoch_steps || w->nobj > M_MAXOBJ - 256 ||
	    w->ncap > M_MAXCAP - 1024)
		return cm_end_epoch(w);
	/* Mostly a Task that holds something to act with. */
	int busy[M_MAXOBJ], nb = 0;
	for (int i = 0; i < n; i++)
		if (ktask(w, who[i])->used_slots >= 2)
			busy[nb++] = who[i];
	if (!nb && rnd(w, 20) == 0)
		return cm_end_epoch(w); /* nobody holds anything: start afresh */
	if (nb && rnd(w, 10))
		become(w, busy[rnd(w, (uint64_t)nb)]);
	else
		become(w, who[rnd(w, (uint64_t)n)]);
	w->st.steps++;
	w->epoch_step++;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		total += ops[i].weight;
	if (w->cfg.chain_max && rnd(w, 400) == 0) {
		op_chain(w);
	} else {
		uint64_t r = rnd(w, total);
		size_t i = 0;
		while (r >= ops[i].weight)
			r -= ops[i++].weight;
		ops[i].fn(w);
	}
	if (!w->failed)
		check_all(w, w->st.steps % w->cfg.full_check_every == 0);
	return w->failed ? CM_FAIL : CM_OK;
}

const char *cm_error(const struct cm_world *w)
{
	return w->failed ? w->err : NULL;
}

void cm_print_trace(const struct cm_world *w, FILE *f)
{
	unsigned n = w->ntrace < M_TRACE ? w->ntrace : M_TRACE;

	for (unsigned i = w->ntrace - n; i < w->ntrace; i++)
		fprintf(f, "# %s\n", w->trace[i % M_TRACE]);
}

const struct cm_stats *cm_stats(const struct cm_world *w)
{
	return &w->st;
}
