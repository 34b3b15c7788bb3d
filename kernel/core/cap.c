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

static uint32_t next_gen(uint32_t gen)
{
	return gen + 1;
}

/* cap_lookup of any type, needing no right. */
int cap_lookup_any(struct task *t, uint64_t h, struct cap **out)
{
	return cap_lookup(t, h, 0, 0, out);
}

static bool slot_free(const struct cap *c)
{
	return !c->obj && c->gen < VX_HANDLE_GEN_MAX;
}

/* Decode: the lowest free slot in t's table, or VX_E_FULL.  Reads only:
 * the slot is t's once cap_claim_slot (or cap_install) takes it.  The scan
 * starts at t->free_hint, below which every slot is in use or retired.
 * The lock held exclusive, or shared with t the caller: only t's own calls
 * and exclusive holders change t's table. */
int cap_find_slot(const struct task *t, uint32_t *idx)
{
	for (uint32_t i = t->free_hint > 1 ? t->free_hint : 1; i < t->table_top; i++) {
		if (slot_free(&t->table[i])) {
			*idx = i;
			return VX_OK;
		}
	}
	if (t->table_top == VX_HANDLE_SLOTS)
		return VX_E_FULL;
	*idx = t->table_top; /* never used yet */
	return VX_OK;
}

/* Invoke: readies slot idx, which cap_find_slot just returned, to be
 * filled: a slot never used before is initialised, and the scan hint moves
 * past it.  Idempotent.  Returns the slot.  Held as for cap_find_slot. */
struct cap *cap_claim_slot(struct task *t, uint32_t idx)
{
	if (idx == t->table_top) {
		memset(&t->table[idx], 0, sizeof(struct cap));
		t->table_top++;
	}
	if (t->free_hint <= idx)
		t->free_hint = idx + 1;
	return &t->table[idx];
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

	/* TASK_INSPECT may read it meanwhile, under the lock held shared. */
	__atomic_store_n(&owner->used_slots, owner->used_slots - 1, __ATOMIC_RELAXED);
	if (idx < VX_HANDLE_SLOTS && idx < owner->free_hint)
		owner->free_hint = idx;
}

/* The sibling list a cap with this parent belongs in. */
static struct cap **siblings(struct kobj *o, struct cap *parent)
{
	return parent ? &parent->child : &o->caps;
}

/*
 * The forest locks: under the kernel lock held shared, a call that links
 * or unlinks a cap of an object that other Tasks may name holds the lock
 * of that object's forest (cap_install_child, sys_cap_delete_shared, a
 * shared RING_SEND_CAP or RING_RECV_CAP, and a shared TASK_MAP or
 * TASK_UNMAP for a frame's W^X counts): one of FOREST_LOCKS, chosen by
 * the object's address (cap_forest_lock), so that forests of different
 * objects seldom share one.  Only one is held at a time: alone, inside a
 * Ring's transfer lock or inside a Task's map_lock, with nothing inside
 * it but, for a map, the lock of the Reticle the page tables come from.
 * Exclusive holders need not take them.
 */
uint32_t forest_locks[FOREST_LOCKS]; /* cap_forest_lock (kernel.h) picks one */

/* Puts c (obj and parent set, no children) into its object's forest.
 * Under the lock held shared, with the forest's lock held, or for an
 * object nobody else can name yet (a retype's). */
static void link(struct cap *c)
{
	struct cap **head = siblings(c->obj, c->parent);

	c->prev = NULL;
	c->child = NULL;
	c->next = *head;
	if (*head)
		(*head)->prev = c;
	*head = c;
	c->obj->ncaps++;
}

/* Takes c out of its object's forest.  Its children take its place among
 * its siblings and its parent becomes theirs, their own subtrees intact.
 * O(number of c's children). */
static void unlink(struct cap *c)
{
	struct kobj *o = c->obj;
	struct cap *first = c->next, *last = NULL;

	for (struct cap *x = c->child; x; x = x->next) {
		x->parent = c->parent;
		last = x;
	}
	if (last) {
		first = c->child;
		last->next = c->next;
		if (c->next)
			c->next->prev = last;
	}
	if (c->prev)
		c->prev->next = first;
	else
		*siblings(o, c->parent) = first;
	if (first)
		first->prev = c->prev;
	c->child = NULL;
	o->ncaps--;
}

/*
 * Hands c's children to c's parent before c goes, one at a time, each
 * O(1): a child is taken off c's list and put just before c among c's
 * siblings.  unlink would move them all in one step, and a cap can have
 * millions of children (in Bundles and transfer queues): that step held
 * the kernel lock, with interrupts off, for milliseconds.  Returns true
 * when c has no children left, false when the preemption budget ran out
 * first (call again: what has moved stays moved).  A moved cap is still
 * below every ancestor c has, so a revoke from above still reaches it;
 * only caps in handle tables ever have children (nothing derives from a
 * kernel-held cap), so the callers are the ones that delete those.
 */
bool cap_shed_children(struct cap *c)
{
	for (uint32_t n = 1; c->child; n++) {
		struct cap *x = c->child;

		c->child = x->next;
		if (x->next)
			x->next->prev = NULL;
		x->parent = c->parent;
		x->next = c;
		x->prev = c->prev;
		if (c->prev)
			c->prev->next = x;
		else
			*siblings(c->obj, c->parent) = x;
		c->prev = x;
		if (c->child && n % 64 == 0 && preempt_due())
			return false;
	}
	return true;
}

/* Fills dst (which must be empty) with a cap to o.  owner: the Task whose
 * table dst is in, or NULL for a kernel-held slot.  parent, if set, is a
 * cap to o that dst is derived from. */
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
	dst->obj = o;
	dst->parent = parent;
	link(dst);
	if (owner) /* TASK_INSPECT may read it meanwhile, under the lock held shared */
		__atomic_store_n(&owner->used_slots, owner->used_slots + 1, __ATOMIC_RELAXED);
}

/* Fills a kernel-held slot (or one being set up at boot) with an original
 * cap to o. */
void cap_hold(struct cap *dst, struct kobj *o, uint32_t type, uint32_t rights, uint64_t narrow)
{
	cap_set(dst, NULL, o, type, rights, narrow, NULL);
}

/* Installs a new cap in slot idx of t's table (found by cap_find_slot)
 * and returns its handle.  The lock held exclusive; or shared, t the
 * caller, with o's forest lock held (cap_install_child) or o new, named
 * by nobody else yet (a shared retype or split). */
uint32_t cap_install(struct task *t, uint32_t idx, struct kobj *o, uint32_t type, uint32_t rights,
		     uint64_t narrow, struct cap *parent)
{
	struct cap *c = cap_claim_slot(t, idx);

	c->gen = next_gen(c->gen);
	cap_set(c, t, o, type, rights, narrow, parent);
	return VX_HANDLE_MAKE(idx, c->gen);
}

/* cap_install of a cap derived from parent, a cap in t's own table, to
 * parent's object, under that object's forest lock: other Tasks may link
 * and unlink caps to the same object meanwhile (under the lock held
 * shared: CAP_DERIVE, SIG_MINT).  A cap of t's own that t alone derives
 * from and t alone deletes is the head of the list; the rest of the
 * forest may be other Tasks'. */
uint32_t cap_install_child(struct task *t, uint32_t idx, struct cap *parent, uint32_t type,
			   uint32_t rights, uint64_t narrow)
{
	uint32_t *l = cap_forest_lock(parent->obj);
	uint32_t h;

	spin_hold(l);
	h = cap_install(t, idx, parent->obj, type, rights, narrow, parent);
	spin_release(l);
	return h;
}

/* Copies src into the empty slot dst with narrower rights/range.  The
 * lock held exclusive, or shared with the forest lock of src's object
 * held (a shared RING_SEND_CAP). */
void cap_copy_into(struct cap *dst, struct task *owner, const struct cap *src, uint32_t rights,
		   uint64_t narrow, struct cap *parent)
{
	cap_set(dst, owner, src->obj, src->type, rights, narrow, parent);
}

/* Moves src into the empty slot dst (a new handle-table slot gets a new
 * generation).  Mapping state and derivation links move with it.  The lock
 * held exclusive, or shared with the forest lock of src's object held, src
 * mapping nothing and owner the caller (a shared RING_RECV_CAP). */
void cap_move(struct cap *dst, struct task *owner, struct cap *src)
{
	struct kobj *o = src->obj;
	uint32_t gen = owner ? next_gen(dst->gen) : dst->gen;

	KASSERT(o && !dst->obj);
	*dst = *src;
	dst->gen = gen;
	dst->owner = owner;
	if (dst->prev)
		dst->prev->next = dst;
	else
		*siblings(o, dst->parent) = dst;
	if (dst->next)
		dst->next->prev = dst;
	for (struct cap *x = dst->child; x; x = x->next)
		x->parent = dst;
	if (dst->flags) {
		if (dst->mprev)
			dst->mprev->mnext = dst;
		else if (dst->flags & CAP_F_IOMAP)
			*iospace_mapping_head(dst) = dst;
		else
			dst->map_task->mappings = dst;
		if (dst->mnext)
			dst->mnext->mprev = dst;
	}
	if (src->owner)
		slot_freed(src->owner, src);
	if (owner) /* TASK_INSPECT may read it meanwhile, under the lock held shared */
		__atomic_store_n(&owner->used_slots, owner->used_slots + 1, __ATOMIC_RELAXED);
	gen = src->gen;
	memset(src, 0, sizeof(*src));
	src->gen = gen;
}

/* Links c into t's list of caps mapped into it.  flags: CAP_F_MAPPED or
 * CAP_F_BOUND, with CAP_F_WRITE / CAP_F_EXEC for a Mem mapping, which
 * count against the frame's W^X state.  The lock held exclusive, or shared
 * with t's map_lock and the forest lock of c's object held (a shared
 * TASK_MAP). */
void cap_note_mapping(struct cap *c, struct task *t, uint64_t va, uint16_t flags)
{
	c->flags |= flags;
	if (flags & CAP_F_WRITE)
		c->obj->u.mem.nwrite++;
	if (flags & CAP_F_EXEC)
		c->obj->u.mem.nexec++;
	c->map_task = t;
	c->map_va = va;
	c->mprev = NULL;
	c->mnext = t->mappings;
	if (t->mappings)
		t->mappings->mprev = c;
	t->mappings = c;
}

/* Unlinks c from its mapping list; the caller has dealt with the pages.
 * The lock held exclusive, or shared with the map_lock of the Task c maps
 * into and the forest lock of c's object held (a shared TASK_UNMAP). */
void cap_forget_mapping(struct cap *c)
{
	if (!c->flags)
		return;
	if (c->flags & CAP_F_WRITE)
		c->obj->u.mem.nwrite--;
	if (c->flags & CAP_F_EXEC)
		c->obj->u.mem.nexec--;
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

/*
 * The kernel's deferred work: a FIFO of objects, each either a zombie to
 * destroy or a live Reticle being reset.  reap() works through it under
 * the preemption budget, so no single kernel entry does unbounded work;
 * syscall_dispatch keeps a caller from returning to user mode until the
 * work its call queued is done (see syscall.c).  An object is on the queue
 * at most once (o->queued).
 *
 * Whose work it is: every enqueue from a call takes the next number of
 * work_seq_last, and the call remembers it (t->work_seq).  What reap()
 * queues while it works on o (the objects o's destruction lets go, o
 * itself back on the queue) is o's call's work and takes o->work_seq; an
 * object queued already keeps the oldest number it was given.  A call's
 * work is done once nothing on the queue carries its number or an older
 * one (work_done_upto): it waits for the work queued before it and its
 * own, both finite, never for work other Tasks queue after it.
 */
struct kobj *work_head;
static struct kobj *work_tail;
static uint64_t work_seq_last; /* numbers start at 1: a Task's 0 is "none" */

static bool reaping;	     /* inside reap: what it queues is o's call's */
static uint64_t reaping_seq; /* ...and this is that call's number */

/* Puts o at the tail of the work queue unless it is on it already; what
 * the work is follows from o (see work_step).  reap() does it before the
 * caller's Task runs again.  Under the lock, exclusive. */
void work_enqueue(struct kobj *o)
{
	struct task *cur = current_task();
	uint64_t seq = reaping ? reaping_seq : ++work_seq_last;

	/* The running Task's call waits for its work (dispatch_slow). */
	if (cur && !reaping)
		cur->work_seq = seq;
	if (o->queued) {
		if (seq < o->work_seq)
			o->work_seq = seq;
		return;
	}
	o->queued = 1;
	o->work_seq = seq;
	o->zombie_next = NULL;
	if (work_tail)
		work_tail->zombie_next = o;
	else
		work_head = o;
	work_tail = o;
}

/* Is the work of call number seq done, and all work queued before it?
 * O(queue length), once per budget of a waiting call (dispatch_slow). */
bool work_done_upto(uint64_t seq)
{
	for (struct kobj *o = work_head; o; o = o->zombie_next)
		if (o->work_seq <= seq)
			return false;
	return true;
}

/* Takes the head of the work queue, or NULL. */
static struct kobj *work_dequeue(void)
{
	struct kobj *o = work_head;

	if (o) {
		work_head = o->zombie_next;
		if (!work_head)
			work_tail = NULL;
		o->zombie_next = NULL;
		o->queued = 0;
	}
	return o;
}

/* o lost its last cap: queue it for destruction. */
void zombify(struct kobj *o)
{
	if (o->state != KOBJ_LIVE || o->fixed)
		return;
	o->state = KOBJ_ZOMBIE;
	work_enqueue(o);
}

/*
 * Deletes one cap: undoes its mapping or binding, hands its children to its
 * parent, empties the slot (the generation stays, so old handles are
 * stale), and queues the object for destruction if this was its last cap.
 * O(pages mapped through c + c's children).  The object is not destroyed
 * here: the caller is inside a syscall or trap, whose exit runs reap()
 * (syscall_dispatch, trap_user) before the caller's Task runs again, so a
 * caller may go on using o, and other objects, until then.
 */
void cap_remove(struct cap *c)
{
	struct kobj *o = c->obj;

	if (!o)
		return;
	if (c->flags & CAP_F_MAPPED) {
		task_unmap_pages(c->map_task, c->map_va, o->size);
		cap_forget_mapping(c);
	} else if (c->flags & CAP_F_IOMAP) {
		iospace_unmap_cap(c);
	} else if (c->flags & CAP_F_BOUND) {
		ring_unbind_cap(c);
	}
	unlink(c);
	if (c->owner)
		slot_freed(c->owner, c);
	uint32_t gen = c->gen;
	memset(c, 0, sizeof(*c));
	c->gen = gen;
	if (o->ncaps == 0)
		zombify(o);
}

/* Removes caps to o until none is left (then o is queued for destruction)
 * or the budget runs out (false: call again). */
bool cap_remove_all(struct kobj *o)
{
	while (o->caps) {
		if (o->caps->child && !cap_shed_children(o->caps))
			return false;
		cap_remove(o->caps);
		if (o->caps && preempt_due())
			return false;
	}
	zombify(o); /* in case it had none to begin with */
	return true;
}

/* Set when the queue cannot move until another CPU runs (see reap). */
static bool work_blocked;

/* Destroys a zombie.  false: not finished (a Reticle still emptying); it
 * goes back on the queue. */
static bool destroy(struct kobj *o)
{
	switch (o->type) {
	case VX_OBJ_TASK:
		if (!task_destroy(o)) {
			work_blocked = true;
			return false;
		}
		break;
	case VX_OBJ_RING:
		ring_destroy(o);
		break;
	case VX_OBJ_BUNDLE:
		bundle_destroy(o);
		break;
	case VX_OBJ_IOSPACE:
		iospace_destroy(o);
		break;
	case VX_OBJ_RETICLE:
		if (!reticle_empty_step(o))
			return false;
		break;
	default:
		break;
	}
	/* Destruction never hands out caps to o; none may remain. */
	KASSERT(o->ncaps == 0);
	kobj_release(o);
	return true;
}

/* One unit of queued work on o; false if o must go back on the queue.
 * The work follows from o itself: a zombie is destroyed, a live Reticle on
 * the queue is being reset, anything else is being zeroed. */
static bool work_step(struct kobj *o)
{
	if (o->state == KOBJ_ZOMBIE)
		return destroy(o);
	if (o->type == VX_OBJ_RETICLE)
		return reticle_empty_step(o);
	return kobj_zero_step(o);
}

/* Works through the queue until it is empty (true) or the preemption
 * budget runs out (false).  Iterative: destroying one object only queues
 * others, and a Reticle waits on the queue for what was carved from it. */
bool reap(void)
{
	reaping = true;
	while (work_head) {
		struct kobj *o = work_dequeue();
		reaping_seq = o->work_seq;
		if (!work_step(o))
			work_enqueue(o);
		if (work_blocked) {
			/* A Task still running on another CPU: that CPU needs the
			 * kernel lock to let go of it. */
			work_blocked = false;
			break;
		}
		if (preempt_due())
			break;
	}
	reaping = false;
	return work_head == NULL;
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
	case VX_OBJ_PCI:
	case VX_OBJ_IRQ:
		if ((narrow >> 32) == 0)
			return VX_E_INVAL;
		return cap_range_covers(c, narrow & 0xffffffffu, narrow >> 32) ? VX_OK
									       : VX_E_RIGHTS;
	default:
		return VX_E_INVAL;
	}
}

/* VX_SYS_CAP_INSPECT(h, struct vx_cap_info *out).  Runs under the lock
 * held shared (syscall.c): it reads only. */
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
		info.ring_state = ring_inspect_state(c->obj);
	} else if (c->type == VX_OBJ_IRQ) {
		info.size = device_irq_count(c->narrow);
	}
	return copy_out(tf->rsi, &info, sizeof(info));
}

/* A decoded CAP_DERIVE. */
struct derive_args {
	struct task *t;
	struct cap *c;	 /* the source */
	uint32_t rights; /* ⊆ c's */
	uint64_t narrow; /* ⊆ c's range */
	uint32_t idx;	 /* the free slot */
};

/* Decode: reads only.  Errors: handle errors, VX_E_RIGHTS (a right or a
 * range wider than c's), VX_E_INVAL (a range on a type without one),
 * VX_E_FULL. */
static int decode_derive(const struct trapframe *tf, struct derive_args *a)
{
	int err;

	a->t = current_task();
	if ((err = cap_lookup_any(a->t, tf->rdi, &a->c)))
		return err;
	if (tf->rsi > VX_R_ALL)
		return VX_E_RIGHTS;
	if ((err = cap_narrow_ok(a->c, (uint32_t)tf->rsi, tf->rdx)))
		return err;
	a->rights = (uint32_t)tf->rsi;
	a->narrow = tf->rdx ? tf->rdx : a->c->narrow;
	return cap_find_slot(a->t, &a->idx);
}

/* VX_SYS_CAP_DERIVE(h, rights, narrow) -> new handle, a child of h.
 * Runs under the lock held shared too (syscall.c): it writes the caller's
 * own table, and the forest under its lock (cap_install_child). */
int64_t sys_cap_derive(struct trapframe *tf)
{
	struct derive_args a;
	int err = decode_derive(tf, &a);

	if (err)
		return err;
	return cap_install_child(a.t, a.idx, a.c, a.c->type, a.rights, a.narrow);
}

/* VX_SYS_CAP_DELETE(h): decode is the lookup; the delete cannot fail.  A
 * cap with many children hands them to its parent under the preemption
 * budget, restarting the call until none is left (cap_shed_children). */
int64_t sys_cap_delete(struct trapframe *tf)
{
	struct cap *c;
	int err;

	if ((err = cap_lookup_any(current_task(), tf->rdi, &c)))
		return err;
	if (!cap_shed_children(c))
		return SYS_RESTART;
	preempt_done();
	cap_remove(c);
	return VX_OK;
}

/*
 * VX_SYS_CAP_DELETE under the lock held shared (syscall.c), with the same
 * decode and result, for the common cap: one that maps and binds nothing,
 * has no children and is not its object's last.  It unlinks under the
 * forest's lock, where the test that it is not the last is made too (two
 * Tasks deleting the two last caps to an object at once: one of them goes
 * on the exclusive way, and destroys it).  Nothing else can name the cap
 * meanwhile: its children and its mapping are made by the caller's own
 * calls.  Anything else goes the exclusive way (SYS_EXCLUSIVE).
 */
int64_t sys_cap_delete_shared(struct trapframe *tf)
{
	struct cap *c;
	int err;

	if ((err = cap_lookup_any(current_task(), tf->rdi, &c)))
		return err;
	if (c->flags) /* only the exclusive holders change them */
		return SYS_EXCLUSIVE;
	struct kobj *o = c->obj;
	uint32_t *l = cap_forest_lock(o);
	spin_hold(l);
	/* Children come only from the caller's own calls, but a shared
	 * delete of one by its holder changes c->child: read it here. */
	bool plain = !c->child && o->ncaps > 1;
	if (plain)
		unlink(c);
	spin_release(l);
	if (!plain)
		return SYS_EXCLUSIVE;
	slot_freed(c->owner, c);
	uint32_t gen = c->gen;
	memset(c, 0, sizeof(*c));
	c->gen = gen;
	return VX_OK;
}

/* VX_SYS_CAP_REVOKE(h): deletes every cap derived from h, wherever it is
 * (other Tables, Bundles, transfer queues); h itself stays.  Returns the
 * number deleted.  Linear in that number, and preemptible: when the budget
 * runs out the call restarts and carries on (the count so far is kept in
 * the caller's restart_acc). */
int64_t sys_cap_revoke(struct trapframe *tf)
{
	struct task *t = current_task();
	struct cap *c;
	int err;

	if ((err = cap_lookup_any(t, tf->rdi, &c))) {
		t->restart_acc = 0;
		return err;
	}
	while (c->child) {
		struct cap *x = c->child;
		/* Its children become c's first, a few at a time; then it
		 * goes, in O(1).  (Each cap moves up at most once: only the
		 * children of c's children move.) */
		if (x->child) {
			if (!cap_shed_children(x))
				return SYS_RESTART;
			continue;
		}
		cap_remove(x);
		t->restart_acc++;
		if (c->child && preempt_due())
			return SYS_RESTART;
	}
	int64_t n = (int64_t)t->restart_acc;
	t->restart_acc = 0;
	preempt_done();
	return n;
}
