/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ring: the kernel's part of the protocol described in include/vectra/ring.h.
 * The kernel maps the shared pages at bind time (checking the right for the
 * role), rings doorbells, and keeps the capability transfer queue.  It
 * writes the shared control page (its informational fields at retype,
 * ctl->bound at every bind and unbind) but never reads it: what it writes
 * comes from its private struct ring, so nothing a peer scribbles there can
 * confuse it.
 *
 * Object layout: page 0 is kernel-private struct ring; pages 1.. are shared
 * (control page, then slots).
 */
#include "core/kernel.h"

static struct ring *ring_of(struct kobj *o)
{
	return phys_to_virt(o->pa);
}

/* Sets up a freshly carved (zeroed) Ring whose arg object_bytes accepted:
 * the private page, and the control page's informational fields. */
void ring_init(struct kobj *o, uint64_t arg)
{
	struct ring *r = ring_of(o);
	struct vx_ring_ctl *ctl;

	r->obj = o;
	r->slot_size = 1u << ((arg >> 8) & 0xff);
	r->count = 1u << (arg & 0xff);
	r->ctl_pa = o->pa + RING_SHARED_OFF;
	r->bytes = o->size - RING_SHARED_OFF;
	ctl = phys_to_virt(r->ctl_pa);
	ctl->magic = VX_RING_MAGIC;
	ctl->slot_size = r->slot_size;
	ctl->slot_count = r->count;
}

/* CAP_INSPECT's narrow for a Ring: VX_RING_BOUND_* of the ends bound now,
 * and, shifted left by 8, how many caps wait in the transfer queue
 * (emptied slots included: each is still one RECV_CAP away). */
uint32_t ring_inspect_state(struct kobj *o)
{
	struct ring *r = ring_of(o);

	spin_hold(&r->xfer_lock); /* a shared send or receive's */
	uint32_t queued = r->xfer_count;
	spin_release(&r->xfer_lock);
	return (r->producer ? VX_RING_BOUND_PRODUCER : 0) |
	       (r->consumer ? VX_RING_BOUND_CONSUMER : 0) | queued << 8;
}

/* Destruction (from reap): deletes every queued cap.  Bindings are gone
 * already (their caps were deleted first, which unbound them). */
void ring_destroy(struct kobj *o)
{
	struct ring *r = ring_of(o);

	for (uint32_t i = 0; i < VX_RING_XFER_MAX; i++)
		cap_remove(&r->xfer[i]);
	r->xfer_count = 0;
}

static struct vx_ring_ctl *ctl_of(struct ring *r)
{
	return phys_to_virt(r->ctl_pa);
}

/* Writes ctl->bound from the kernel's own state: the bind counts and the
 * ends bound now.  The kernel writes the control page; it never reads it. */
static void publish_bound(struct ring *r)
{
	ctl_of(r)->bound = r->binds | (r->producer ? VX_RING_BOUND_PRODUCER : 0) |
			   (r->consumer ? VX_RING_BOUND_CONSUMER : 0);
}

/* The bit that end (a bound cap) asked to be woken with. */
static inline uint64_t end_bit(const struct ring *r, const struct cap *end)
{
	return 1ull << (end == r->producer ? r->prod_bit : r->cons_bit);
}

/* The other end of the Ring from c (bound or not): NULL if unbound. */
static inline struct cap *peer_end(const struct ring *r, const struct cap *c)
{
	return r->producer == c ? r->consumer : r->producer;
}

/* Raises the bit that end (a bound cap) asked to be woken with. */
static void wake_end(struct ring *r, struct cap *end)
{
	if (end)
		signal_deliver(end->map_task, end_bit(r, end));
}

/* Undoes the bind made through c: unmaps, forgets the end, publishes the
 * new bound state and wakes the other end so that it notices. */
void ring_unbind_cap(struct cap *c)
{
	struct ring *r = ring_of(c->obj);

	task_unmap_pages(c->map_task, c->map_va, r->bytes);
	if (r->producer == c) {
		r->producer = NULL;
		publish_bound(r);
		wake_end(r, r->consumer);
	}
	if (r->consumer == c) {
		r->consumer = NULL;
		publish_bound(r);
		wake_end(r, r->producer);
	}
	cap_forget_mapping(c);
}

/* A decoded RING_BIND. */
struct bind_args {
	struct task *t;
	struct cap *c; /* the binding belongs to this cap */
	uint32_t role; /* VX_RING_PRODUCER or VX_RING_CONSUMER */
	uint32_t bit;  /* the caller's wake bit */
	uint64_t va;
};

/* Decode: reads only, except that it copies the ring's geometry out to the
 * caller (which changes no kernel state).  Errors: handle errors,
 * VX_E_INVAL (role, bit), VX_E_RIGHTS, VX_E_EXISTS (this cap or that end
 * bound already, a page in use), VX_E_ALIGN, VX_E_RANGE, VX_E_NOMEM,
 * VX_E_FAULT (out). */
static int decode_bind(const struct trapframe *tf, struct bind_args *a)
{
	uint64_t role = tf->rsi, bit = tf->r10;
	struct vx_ring_info info;
	int err;

	a->t = current_task();
	if ((err = cap_lookup(a->t, tf->rdi, VX_OBJ_RING, 0, &a->c)))
		return err;
	if (role != VX_RING_PRODUCER && role != VX_RING_CONSUMER)
		return VX_E_INVAL;
	if (!(a->c->rights & (role == VX_RING_PRODUCER ? VX_R_PRODUCE : VX_R_CONSUME)))
		return VX_E_RIGHTS;
	if (bit >= VX_SIG_BITS)
		return VX_E_INVAL;
	struct ring *r = ring_of(a->c->obj);
	if (a->c->flags || (role == VX_RING_PRODUCER ? r->producer : r->consumer))
		return VX_E_EXISTS;
	a->role = (uint32_t)role;
	a->bit = (uint32_t)bit;
	a->va = tf->rdx;
	if ((err = task_check_map_range(a->va, r->bytes)))
		return err;
	if (!kobj_zeroed(a->c->obj))
		return VX_E_AGAIN; /* its slots are still being zeroed */
	if ((err = task_check_new_mapping(a->t, a->va, r->bytes)))
		return err;
	memset(&info, 0, sizeof(info));
	info.vaddr = a->va;
	info.slot_size = r->slot_size;
	info.slot_count = r->count;
	info.role = a->role;
	info.wake_bit = a->bit;
	info.bytes = r->bytes;
	return copy_out(tf->r8, &info, sizeof(info));
}

/* Invoke: maps the shared pages, records the end, counts the bind. */
static void invoke_bind(const struct bind_args *a)
{
	struct ring *r = ring_of(a->c->obj);

	task_map_cap(a->c, a->t, a->va, r->ctl_pa, r->bytes, VX_PROT_READ | VX_PROT_WRITE,
		     CAP_F_BOUND);
	if (a->role == VX_RING_PRODUCER) {
		r->producer = a->c;
		r->prod_bit = a->bit;
	} else {
		r->consumer = a->c;
		r->cons_bit = a->bit;
	}
	/* Count this bind and publish it with the ends bound now (ring.h). */
	r->binds += a->role == VX_RING_PRODUCER ? VX_RING_PRODUCER_BIND1 : VX_RING_CONSUMER_BIND1;
	publish_bound(r);
}

/* VX_SYS_RING_BIND(ring, role, vaddr, wake_bit, struct vx_ring_info *out) */
int64_t sys_ring_bind(struct trapframe *tf)
{
	struct bind_args a;
	int err = decode_bind(tf, &a);

	if (err)
		return err;
	invoke_bind(&a);
	return VX_OK;
}

/* VX_SYS_RING_UNBIND(ring) */
int64_t sys_ring_unbind(struct trapframe *tf)
{
	struct cap *c;
	int err;

	if ((err = cap_lookup(current_task(), tf->rdi, VX_OBJ_RING, 0, &c)))
		return err;
	if (!(c->flags & CAP_F_BOUND))
		return VX_E_STATE;
	ring_unbind_cap(c);
	return VX_OK;
}

/* Decode for the doorbell: c must be a bound end of a Ring. */
static int doorbell_decode(uint64_t h, struct cap **out)
{
	int err = cap_lookup(current_task(), h, VX_OBJ_RING, 0, out);

	if (err)
		return err;
	if (!((*out)->flags & CAP_F_BOUND))
		return VX_E_STATE;
	return VX_OK;
}

/* RING_NOTIFY_WAIT's decode: the doorbell's (c), then the wait's mask
 * and deadline as SIG_WAIT decodes them. */
static int notify_wait_decode(const struct trapframe *tf, struct cap **c)
{
	int err = doorbell_decode(tf->rdi, c);

	return err ? err : signal_wait_check(tf->rsi, tf->rdx);
}

/* Raises the other end's wake bit, if the other end is bound. */
static void doorbell(struct cap *c)
{
	struct ring *r = ring_of(c->obj);

	wake_end(r, peer_end(r, c));
}

/* VX_SYS_RING_NOTIFY under the kernel lock held shared (syscall.c): the
 * same decode, which only reads caps and the Ring's ends (only exclusive
 * holders change them), and the shared delivery. */
int64_t sys_ring_notify_shared(struct trapframe *tf)
{
	struct cap *c;
	int err;

	if ((err = doorbell_decode(tf->rdi, &c)))
		return err;
	struct ring *r = ring_of(c->obj);
	struct cap *end = peer_end(r, c);
	if (end)
		signal_deliver_shared(end->map_task, end_bit(r, end));
	return VX_OK;
}

/*
 * VX_SYS_RING_NOTIFY_WAIT under the lock held shared (syscall.c): every
 * call of it on a CPU among several.  The same decode as
 * sys_ring_notify_wait.  When the peer waits for this doorbell's bit and
 * may run here (the fastpath's case, a pair on one CPU), the caller blocks
 * first and then hands the CPU straight to the peer if the scheduler
 * would choose it (signal_call_shared: SYS_SWITCHED).
 * Otherwise the peer's bit goes in as RING_NOTIFY's shared form puts it,
 * and the caller waits as SIG_WAIT's shared form does: its bits, or
 * SYS_BLOCKED.  Either order gives the same result: the peer cannot
 * answer a bit it has not had.
 */
int64_t sys_ring_notify_wait_shared(struct trapframe *tf)
{
	struct task *cur = current_task();
	struct cap *c;
	int err;

	if ((err = notify_wait_decode(tf, &c)))
		return err;
	struct ring *r = ring_of(c->obj);
	struct cap *end = peer_end(r, c);
	if (!end)
		return signal_wait_shared(cur, tf->rsi, tf->rdx);
	struct task *p = end->map_task;
	uint64_t bit = end_bit(r, end);
	if (p != cur && tf->rsi &&
	    __atomic_load_n(&p->state, __ATOMIC_RELAXED) == VX_TASK_WAITING &&
	    (__atomic_load_n(&p->wait_mask, __ATOMIC_RELAXED) & bit) &&
	    (!p->affinity || ((p->affinity >> this_cpu()->index) & 1)) &&
	    arch_frame_user_ok(&p->regs)) {
		if (tf->rdx == VX_DEADLINE_NEVER)
			return signal_call_shared(p, bit, tf->rsi);
		return signal_call_shared_until(p, bit, tf->rsi, tf->rdx);
	}
	return signal_notify_wait_shared(p, bit, tf->rsi, tf->rdx);
}

/* VX_SYS_RING_NOTIFY(ring) */
int64_t sys_ring_notify(struct trapframe *tf)
{
	struct cap *c;
	int err;

	if ((err = doorbell_decode(tf->rdi, &c)))
		return err;
	doorbell(c);
	return VX_OK;
}

/* RING_NOTIFY_WAIT's invoke, for a call decoded to c (a bound end) with
 * tf's mask and deadline checked: ring the peer, then wait.  Returns the
 * fired bits, or SYS_BLOCKED. */
static int64_t notify_wait_invoke(const struct trapframe *tf, struct cap *c)
{
	int64_t r;

	doorbell(c);
	signal_wait_common(current_task(), tf->rsi, tf->rdx, &r);
	return r;
}

/* VX_SYS_RING_NOTIFY_WAIT(ring, mask, deadline) -> fired bits.  The fast
 * path of a round trip: the woken peer runs next if we block.  Its wait is
 * SIG_WAIT's, decoded by the same rules (signal_wait_check): VX_E_INVAL
 * for bit 63, or an empty mask without a finite deadline; an empty mask
 * with one rings the peer, then sleeps until it passes. */
int64_t sys_ring_notify_wait(struct trapframe *tf)
{
	struct cap *c;
	int err;

	if ((err = notify_wait_decode(tf, &c)))
		return err;
	return notify_wait_invoke(tf, c);
}

/* The same invoke for a call the fastpath decoded but cannot switch for
 * (no peer, or a peer that is busy or may not run here): apart, so that
 * the fastpath itself stays a function without a frame. */
static __attribute__((noinline)) struct trapframe *notify_wait_decoded(struct trapframe *tf,
								       struct cap *c)
{
	return syscall_finish(tf, notify_wait_invoke(tf, c));
}

/*
 * The call/reply fastpath of RING_NOTIFY_WAIT: when the peer end's Task is
 * waiting for the bit this doorbell raises, and the scheduler would run it
 * anyway once we block, deliver the bit, block, and switch straight to it:
 * no run queue, no scheduler pass.  Anything unusual (a bit of
 * ours already pending, a deadline already past, a peer that sleeps with a
 * deadline, queued kernel work, a preemption due, a foreign caller, whose
 * syscalls are its supervisor's, a bad argument) returns NULL, and the call
 * takes the ordinary path, which gives the same result, only slower; a
 * call that decodes but whose peer is not waiting, or may not run here,
 * is run the ordinary way from here (notify_wait_decoded).  Returns the
 * frame to resume.  until: the caller's deadline is not VX_DEADLINE_NEVER
 * (a constant, so that the common call tests its deadline once).
 */
static inline __attribute__((always_inline)) struct trapframe *fastpath(struct trapframe *tf,
									bool until)
{
	struct task *cur = current_task();
	uint64_t h = tf->rdi, mask = tf->rsi, deadline = tf->rdx;
	struct cap *c;

	if (mask == 0 || (mask & ~VX_SIG_ALL) || (cur->pending & mask) || work_head || cur->foreign)
		return NULL;
	if (until && deadline <= timer_now_ns())
		return NULL; /* VX_DEADLINE_NONE too: it must not block */
	if (cap_lookup(cur, h, VX_OBJ_RING, 0, &c) || !(c->flags & CAP_F_BOUND))
		return NULL;
	/* Decoded: from here on a peer that cannot take the CPU gets the
	 * ordinary doorbell and wait, without decoding the call again.  A
	 * peer pinned to other CPUs (a cross-CPU pair) is one. */
	struct ring *r = ring_of(c->obj);
	struct cap *end = peer_end(r, c);
	if (!end)
		return notify_wait_decoded(tf, c);
	struct task *p = end->map_task;
	uint64_t bit = end_bit(r, end);
	if (p == cur || p->state != VX_TASK_WAITING || !(p->wait_mask & bit) || p->sleeping ||
	    !arch_frame_user_ok(&p->regs) ||
	    (p->affinity && !((p->affinity >> this_cpu()->index) & 1)))
		return notify_wait_decoded(tf, c);
	if (!until)
		return sched_direct_wake(p, bit, mask);
	return sched_direct_wake_until(p, bit, mask, deadline);
}

/* The fastpath of a call with a deadline: kept apart, so that the one
 * without pays for none of its tests. */
static __attribute__((noinline)) struct trapframe *fastpath_until(struct trapframe *tf)
{
	return fastpath(tf, true);
}

/* The fastpath's entry (syscall_call_reply). */
struct trapframe *ring_fastpath(struct trapframe *tf)
{
	if (tf->rdx != VX_DEADLINE_NEVER)
		return fastpath_until(tf);
	return fastpath(tf, false);
}

/* A decoded RING_SEND_CAP. */
struct send_args {
	struct ring *r;
	struct cap *c;	 /* GRANT */
	uint32_t rights; /* ⊆ c's */
};

/* Decode, the caps: reads only.  Errors: handle errors, VX_E_RIGHTS. */
static int decode_send_caps(const struct trapframe *tf, struct send_args *a)
{
	struct task *t = current_task();
	struct cap *rc;
	int err;

	if ((err = cap_lookup(t, tf->rdi, VX_OBJ_RING, VX_R_PRODUCE, &rc)))
		return err;
	if ((err = cap_lookup(t, tf->rsi, 0, VX_R_GRANT, &a->c)))
		return err;
	if (tf->rdx > VX_R_ALL || (tf->rdx & ~(uint64_t)a->c->rights))
		return VX_E_RIGHTS;
	a->r = ring_of(rc->obj);
	a->rights = (uint32_t)tf->rdx;
	return VX_OK;
}

/* Decode, the queue: VX_E_FULL when it is. */
static int decode_send_room(const struct send_args *a)
{
	return a->r->xfer_count == VX_RING_XFER_MAX ? VX_E_FULL : VX_OK;
}

/* Invoke, the queue: queues a child of c; returns its sequence number. */
static uint64_t queue_send(const struct send_args *a)
{
	struct ring *r = a->r;
	uint32_t slot = (r->xfer_head + r->xfer_count) % VX_RING_XFER_MAX;

	cap_copy_into(&r->xfer[slot], NULL, a->c, a->rights, a->c->narrow, a->c);
	r->xfer_count++;
	return r->xfer_seq++;
}

/* VX_SYS_RING_SEND_CAP(ring, h, rights) -> sequence number; wakes the
 * bound consumer. */
int64_t sys_ring_send_cap(struct trapframe *tf)
{
	struct send_args a;
	int err;

	if ((err = decode_send_caps(tf, &a)) || (err = decode_send_room(&a)))
		return err;
	uint64_t seq = queue_send(&a);
	wake_end(a.r, a.r->consumer);
	return (int64_t)seq;
}

/*
 * VX_SYS_RING_SEND_CAP under the lock held shared (syscall.c), with the
 * same decode and result: the queue is decoded and written under the
 * Ring's own lock (xfer_lock), and the new cap, a child of the sender's,
 * linked under its object's forest lock inside it (the order: Ring, then
 * forest).  The consumer is woken as RING_NOTIFY's shared form wakes it,
 * with neither lock held.
 */
int64_t sys_ring_send_cap_shared(struct trapframe *tf)
{
	struct send_args a;
	uint64_t seq = 0;
	int err;

	if ((err = decode_send_caps(tf, &a)))
		return err;
	spin_hold(&a.r->xfer_lock);
	if (!(err = decode_send_room(&a))) {
		uint32_t *l = cap_forest_lock(a.c->obj);
		spin_hold(l);
		seq = queue_send(&a);
		spin_release(l);
	}
	spin_release(&a.r->xfer_lock);
	if (err)
		return err;
	struct cap *end = a.r->consumer; /* bound and unbound only exclusive */
	if (end)
		signal_deliver_shared(end->map_task, end_bit(a.r, end));
	return (int64_t)seq;
}

/* RING_RECV_CAP's decode of the queue's head and its invoke.  shared: the
 * caller holds the lock shared, and the Ring's lock, and the move takes
 * the forest lock. */
static int64_t recv_queued(struct ring *r, bool shared)
{
	struct task *t = current_task();
	uint32_t idx;
	int err;

	if (r->xfer_count == 0)
		return VX_E_EMPTY;
	struct cap *src = &r->xfer[r->xfer_head];
	if (src->obj && (err = cap_find_slot(t, &idx)))
		return err;

	r->xfer_head = (r->xfer_head + 1) % VX_RING_XFER_MAX;
	r->xfer_count--;
	if (!src->obj)
		return VX_E_REVOKED;
	uint32_t *l = shared ? cap_forest_lock(src->obj) : NULL;
	if (l)
		spin_hold(l);
	cap_move(cap_claim_slot(t, idx), t, src);
	if (l)
		spin_release(l);
	return VX_HANDLE_MAKE(idx, t->table[idx].gen);
}

/* VX_SYS_RING_RECV_CAP(ring) -> handle, in transfer order.  A queued cap
 * that was revoked (or whose object died) before it was received leaves an
 * empty slot: receiving it consumes the slot and returns VX_E_REVOKED, so
 * each later cap still arrives in its place in the order.  Errors: handle
 * errors, VX_E_EMPTY, VX_E_FULL (no free slot in the caller's table). */
int64_t sys_ring_recv_cap(struct trapframe *tf)
{
	struct cap *rc;
	int err;

	if ((err = cap_lookup(current_task(), tf->rdi, VX_OBJ_RING, VX_R_CONSUME, &rc)))
		return err;
	return recv_queued(ring_of(rc->obj), false);
}

/* VX_SYS_RING_RECV_CAP under the lock held shared (syscall.c), with the
 * same decode and result: the queue under the Ring's own lock, the cap
 * moved into the caller's table under its object's forest lock. */
int64_t sys_ring_recv_cap_shared(struct trapframe *tf)
{
	struct cap *rc;
	int err;

	if ((err = cap_lookup(current_task(), tf->rdi, VX_OBJ_RING, VX_R_CONSUME, &rc)))
		return err;
	struct ring *r = ring_of(rc->obj);
	spin_hold(&r->xfer_lock);
	int64_t h = recv_queued(r, true);
	spin_release(&r->xfer_lock);
	return h;
}
