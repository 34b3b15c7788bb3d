/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Capability: handle tables, derivation, deletion, revocation, and the
 * zombie queue that destroys objects whose last capability went away.
 *
 * Invariants:
 *  - a cap with obj != NULL is on obj->caps, and obj->ncaps counts them;
 *  - cap->parent, if set, names a live cap to the same object;
 *  - a handle is valid iff its slot holds a cap and the generations match;
 *    a slot's generation only grows, and a slot whose generation is
 *    exhausted is retired, so a handle is never resurrected.
 */
#include "core/kernel.h"

static struct kobj *zombies;

static uint32_t next_gen(uint32_t gen)
{
	return gen + 1;
}

/* Finds the cap a handle names in t's table, checking type (0: any) and
 * rights.  Errors: VX_E_BADHANDLE, VX_E_STALE, VX_E_TYPE, VX_E_RIGHTS. */
int cap_lookup(struct task *t, uint64_t h, uint32_t type, uint32_t rights, struct cap **out)
{
	if (h > UINT32_MAX || VX_HANDLE_INDEX(h) == 0 || VX_HANDLE_GEN(h) == 0)
		return VX_E_BADHANDLE;
	if (VX_HANDLE_INDEX(h) >= t->table_top)
		return VX_E_STALE; /* never issued */
	struct cap *c = &t->table[VX_HANDLE_INDEX(h)];
	if (!c->obj || c->gen != VX_HANDLE_GEN(h))
		return VX_E_STALE;
	if (type && c->type != type)
		return VX_E_TYPE;
	if ((c->rights & rights) != rights)
		return VX_E_RIGHTS;
	*out = c;
	return VX_OK;
}

int cap_lookup_any(struct task *t, uint64_t h, struct cap **out)
{
	return cap_lookup(t, h, 0, 0, out);
}

static bool slot_free(const struct cap *c)
{
	return !c->obj && c->gen < VX_HANDLE_GEN_MAX;
}

/* The lowest free slot in t's table, or VX_E_FULL.  The scan starts at
 * t->free_hint, below which every slot is in use or retired. */
int cap_free_slot(struct task *t, uint32_t *idx)
{
	for (uint32_t i = t->free_hint > 1 ? t->free_hint : 1; i < t->table_top; i++) {
		if (slot_free(&t->table[i])) {
			t->free_hint = i;
			*idx = i;
			return VX_OK;
		}
	}
	t->free_hint = t->table_top;
	if (t->table_top == VX_HANDLE_SLOTS)
		return VX_E_FULL;
	/* First use of this slot: initialise it now. */
	memset(&t->table[t->table_top], 0, sizeof(struct cap));
	*idx = t->table_top++;
	return VX_OK;
}

/* Has t at least want free slots? */
bool cap_have_slots(struct task *t, uint32_t want)
{
	uint32_t n = 0;

	if (VX_HANDLE_SLOTS - 1 - t->used_slots < want)
		return false;
	for (uint32_t i = t->free_hint > 1 ? t->free_hint : 1; i < t->table_top && n < want; i++)
		if (slot_free(&t->table[i]))
			n++;
	return n + (VX_HANDLE_SLOTS - t->table_top) >= want;
}

/* A slot of owner's table has become free. */
static void slot_freed(struct task *owner, const struct cap *c)
{
	uint32_t idx = (uint32_t)(c - owner->table);

	owner->used_slots--;
	if (idx < VX_HANDLE_SLOTS && idx < owner->free_hint)
		owner->free_hint = idx;
}

static void link(struct cap *c, struct kobj *o)
{
	c->obj = o;
	c->prev = NULL;
	c->next = o->caps;
	if (o->caps)
		o->caps->prev = c;
	o->caps = c;
	o->ncaps++;
}

static void unlink(struct cap *c)
{
	struct kobj *o = c->obj;

	if (c->prev)
		c->prev->next = c->next;
	else
		o->caps = c->next;
	if (c->next)
		c->next->prev = c->prev;
	o->ncaps--;
}

/* Fills dst (which must be empty) with a cap to o.  owner: the Task whose
 * table dst is in, or NULL for a kernel-held slot. */
static void cap_set(struct cap *dst, struct task *owner, struct kobj *o, uint32_t type,
		    uint32_t rights, uint64_t narrow, struct cap *parent)
{
	uint32_t gen = dst->gen;

	memset(dst, 0, sizeof(*dst));
	dst->gen = gen;
	dst->owner = owner;
	dst->type = (uint8_t)type;
	dst->rights = (uint8_t)rights;
	dst->narrow = narrow;
	dst->parent = parent;
	link(dst, o);
	if (owner)
		owner->used_slots++;
}

/* Fills a kernel-held slot (or one being set up at boot) with an original
 * cap to o. */
void cap_hold(struct cap *dst, struct kobj *o, uint32_t type, uint32_t rights, uint64_t narrow)
{
	cap_set(dst, NULL, o, type, rights, narrow, NULL);
}

/* Installs a new cap in slot idx of t's table and returns its handle. */
uint32_t cap_install(struct task *t, uint32_t idx, struct kobj *o, uint32_t type, uint32_t rights,
		     uint64_t narrow, struct cap *parent)
{
	struct cap *c = &t->table[idx];

	c->gen = next_gen(c->gen);
	cap_set(c, t, o, type, rights, narrow, parent);
	return VX_HANDLE_MAKE(idx, c->gen);
}

/* Copies src into the empty slot dst with narrower rights/range. */
void cap_copy_into(struct cap *dst, struct task *owner, const struct cap *src, uint32_t rights,
		   uint64_t narrow, struct cap *parent)
{
	cap_set(dst, owner, src->obj, src->type, rights, narrow, parent);
}

/* Moves src into the empty slot dst (a new handle-table slot gets a new
 * generation).  Mapping state and derivation links move with it. */
void cap_move(struct cap *dst, struct task *owner, struct cap *src)
{
	struct kobj *o = src->obj;
	uint32_t gen = owner ? next_gen(dst->gen) : dst->gen;

	*dst = *src;
	dst->gen = gen;
	dst->owner = owner;
	if (dst->prev)
		dst->prev->next = dst;
	else
		o->caps = dst;
	if (dst->next)
		dst->next->prev = dst;
	for (struct cap *x = o->caps; x; x = x->next)
		if (x->parent == src)
			x->parent = dst;
	if (dst->flags) {
		if (dst->mprev)
			dst->mprev->mnext = dst;
		else
			dst->map_task->mappings = dst;
		if (dst->mnext)
			dst->mnext->mprev = dst;
	}
	if (src->owner)
		slot_freed(src->owner, src);
	if (owner)
		owner->used_slots++;
	gen = src->gen;
	memset(src, 0, sizeof(*src));
	src->gen = gen;
}

/* Links c into t's list of caps mapped into it. */
void cap_note_mapping(struct cap *c, struct task *t, uint64_t va, uint16_t flag)
{
	c->flags |= flag;
	c->map_task = t;
	c->map_va = va;
	c->mprev = NULL;
	c->mnext = t->mappings;
	if (t->mappings)
		t->mappings->mprev = c;
	t->mappings = c;
}

/* Unlinks c from its mapping list; the caller has dealt with the pages. */
void cap_forget_mapping(struct cap *c)
{
	if (!c->flags)
		return;
	if (c->mprev)
		c->mprev->mnext = c->mnext;
	else
		c->map_task->mappings = c->mnext;
	if (c->mnext)
		c->mnext->mprev = c->mprev;
	c->flags = 0;
	c->map_task = NULL;
	c->map_va = 0;
	c->mnext = c->mprev = NULL;
}

void zombify(struct kobj *o)
{
	if (o->state != KOBJ_LIVE || o->fixed)
		return;
	o->state = KOBJ_ZOMBIE;
	o->zombie_next = zombies;
	zombies = o;
}

/*
 * Deletes one cap: undoes its mapping or binding, hands its children to its
 * parent, empties the slot (the generation stays, so old handles are
 * stale), and queues the object for destruction if this was its last cap.
 */
void cap_remove(struct cap *c)
{
	struct kobj *o = c->obj;

	if (!o)
		return;
	if (c->flags & CAP_F_MAPPED) {
		task_unmap_pages(c->map_task, c->map_va, o->size);
		cap_forget_mapping(c);
	} else if (c->flags & CAP_F_BOUND) {
		ring_unbind_cap(c);
	}
	for (struct cap *x = o->caps; x; x = x->next)
		if (x->parent == c)
			x->parent = c->parent;
	unlink(c);
	if (c->owner)
		slot_freed(c->owner, c);
	uint32_t gen = c->gen;
	memset(c, 0, sizeof(*c));
	c->gen = gen;
	if (o->ncaps == 0)
		zombify(o);
}

static void destroy(struct kobj *o)
{
	switch (o->type) {
	case VX_OBJ_TASK:
		task_destroy(o);
		break;
	case VX_OBJ_RING:
		ring_destroy(o);
		break;
	case VX_OBJ_BUNDLE:
		bundle_destroy(o);
		break;
	case VX_OBJ_RETICLE:
		reticle_reset(o);
		break;
	default:
		break;
	}
	/* Destruction may have handed out caps to o (never, by construction);
	 * what matters is that none remain. */
	KASSERT(o->ncaps == 0);
	kobj_release(o);
}

/* Destroys queued objects until none are left.  Destroying one object may
 * queue others (a Task's table held their last caps): iterate, never
 * recurse (except through Reticle nesting, bounded by VX_RETICLE_DEPTH_MAX). */
void reap(void)
{
	while (zombies) {
		struct kobj *o = zombies;
		zombies = o->zombie_next;
		destroy(o);
	}
}

/* May c be narrowed to rights/narrow?  narrow 0 keeps c's range. */
int cap_narrow_ok(const struct cap *c, uint32_t rights, uint64_t narrow)
{
	if (rights & ~(uint32_t)c->rights)
		return VX_E_RIGHTS;
	if (narrow == 0)
		return VX_OK;
	switch (c->type) {
	case VX_OBJ_SIGNAL:
		return (narrow & ~c->narrow) ? VX_E_RIGHTS : VX_OK;
	case VX_OBJ_IOPORT:
	case VX_OBJ_IRQ: {
		uint64_t base = c->narrow & 0xffffffffu, count = c->narrow >> 32;
		uint64_t nb = narrow & 0xffffffffu, nc = narrow >> 32;
		if (nc == 0)
			return VX_E_INVAL;
		return (nb >= base && nb + nc <= base + count) ? VX_OK : VX_E_RIGHTS;
	}
	default:
		return VX_E_INVAL;
	}
}

/* VX_SYS_CAP_INSPECT(h, struct vx_cap_info *out) */
int64_t sys_cap_inspect(struct trapframe *tf)
{
	struct cap *c;
	struct vx_cap_info info;
	int err;

	if ((err = cap_lookup_any(current_task(), tf->rdi, &c)))
		return err;
	memset(&info, 0, sizeof(info));
	info.type = c->type;
	info.rights = c->rights;
	info.narrow = c->narrow;
	if (c->type == VX_OBJ_MEM || c->type == VX_OBJ_RETICLE) {
		info.size = c->obj->size;
		info.paddr = c->type == VX_OBJ_MEM ? c->obj->pa : 0;
	} else if (c->type == VX_OBJ_RING) {
		info.size = c->obj->size - PAGE_SIZE;
		info.narrow = ring_bound_ends(c->obj);
	}
	return copy_out(tf->rsi, &info, sizeof(info));
}

/* VX_SYS_CAP_DERIVE(h, rights, narrow) -> new handle with rights <= h's */
int64_t sys_cap_derive(struct trapframe *tf)
{
	struct task *t = current_task();
	struct cap *c;
	uint32_t idx;
	int err;

	if ((err = cap_lookup_any(t, tf->rdi, &c)))
		return err;
	if (tf->rsi > VX_R_ALL)
		return VX_E_RIGHTS;
	if ((err = cap_narrow_ok(c, (uint32_t)tf->rsi, tf->rdx)))
		return err;
	if ((err = cap_free_slot(t, &idx)))
		return err;
	return cap_install(t, idx, c->obj, c->type, (uint32_t)tf->rsi,
			   tf->rdx ? tf->rdx : c->narrow, c);
}

/* VX_SYS_CAP_DELETE(h) */
int64_t sys_cap_delete(struct trapframe *tf)
{
	struct cap *c;
	int err;

	if ((err = cap_lookup_any(current_task(), tf->rdi, &c)))
		return err;
	cap_remove(c);
	return VX_OK;
}

static bool descends(const struct cap *x, const struct cap *ancestor)
{
	for (const struct cap *p = x->parent; p; p = p->parent)
		if (p == ancestor)
			return true;
	return false;
}

/* VX_SYS_CAP_REVOKE(h): deletes every cap derived from h, wherever it is
 * (other Tables, Bundles, transfer queues); h itself stays.  Returns the
 * number deleted. */
int64_t sys_cap_revoke(struct trapframe *tf)
{
	struct cap *c;
	int64_t n = 0;
	int err;

	if ((err = cap_lookup_any(current_task(), tf->rdi, &c)))
		return err;
	for (bool again = true; again;) {
		again = false;
		for (struct cap *x = c->obj->caps; x; x = x->next) {
			if (x != c && descends(x, c)) {
				cap_remove(x);
				n++;
				again = true;
				break;
			}
		}
	}
	return n;
}
