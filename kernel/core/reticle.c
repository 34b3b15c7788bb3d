/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reticle: untyped memory and the only allocator.
 *
 * A RAM Reticle covers [base, base + size).  Records (struct kobj, 128
 * bytes each) are handed out upward from base; object bodies (whole pages)
 * downward from the top:
 *
 *     base                                                   base + size
 *     | rec0 rec1 rec2 ... |        free        | body2 | body1 | body0 |
 *                    rec + nrec            body_bottom
 *
 * Records stay in creation order, so reset can destroy the newest first,
 * and when the newest record dies both ends move back: memory freed in LIFO
 * order is free again at once, the rest comes back at reset.
 *
 * A device Reticle covers MMIO or other non-RAM memory.  Its records live in
 * a kernel array (a dead one is used again, whatever its place: nothing
 * carved from a device Reticle depends on anything else carved from it),
 * its bodies are carved by address (drivers need particular frames), only
 * Mem objects may be retyped from it, and it cannot be split.
 */
#include "core/kernel.h"

static uint64_t round_page(uint64_t n)
{
	return (n + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

/* Sets up a boot-time Reticle record r covering [base, base + size): RAM
 * when dev_rec is NULL (its records live at its base), else device memory
 * whose records are the caller's array of RETICLE_DEVICE_RECORDS. */
void reticle_init_root(struct kobj *r, uint64_t base, uint64_t size, struct kobj *dev_rec)
{
	memset(r, 0, sizeof(*r));
	r->type = VX_OBJ_RETICLE;
	r->state = KOBJ_LIVE;
	r->fixed = 1;
	r->pa = base;
	r->size = size;
	r->u.ret.device = dev_rec != NULL;
	r->u.ret.body_bottom = base + size;
	if (dev_rec) {
		r->u.ret.rec = dev_rec;
		r->u.ret.nrec_max = RETICLE_DEVICE_RECORDS;
	} else {
		r->u.ret.rec = phys_to_virt(base);
		r->u.ret.nrec_max = UINT32_MAX;
	}
}

/* Free bytes: what retype and split can still hand out (before the cost of
 * the record each object needs). */
uint64_t reticle_free_bytes(const struct kobj *r)
{
	if (r->u.ret.device)
		return r->size - r->u.ret.used;
	uint64_t meta_end = r->pa + (uint64_t)r->u.ret.nrec * VX_OBJ_META_BYTES;
	return r->u.ret.body_bottom - meta_end;
}

/* Body bytes of an object of this type, or 0 when arg is not acceptable. */
uint64_t object_bytes(uint32_t type, uint64_t arg)
{
	switch (type) {
	case VX_OBJ_TASK:
		return arg == 0 ? VX_TASK_OBJ_BYTES : 0;
	case VX_OBJ_BUNDLE:
		return arg == 0 ? VX_BUNDLE_OBJ_BYTES : 0;
	case VX_OBJ_MEM:
		return (arg >= 1 && arg <= VX_MEM_PAGES_MAX) ? arg * PAGE_SIZE : 0;
	case VX_OBJ_RING: {
		uint64_t slot_log2 = (arg >> 8) & 0xff, count_log2 = arg & 0xff;
		if (arg >> 16 || slot_log2 < VX_RING_SLOT_LOG2_MIN ||
		    slot_log2 > VX_RING_SLOT_LOG2_MAX || count_log2 > VX_RING_COUNT_LOG2_MAX)
			return 0;
		return 2 * PAGE_SIZE + round_page((1ull << slot_log2) << count_log2);
	}
	default:
		return 0;
	}
}

static bool device_range_free(const struct kobj *r, uint64_t pa, uint64_t bytes)
{
	for (uint32_t i = 0; i < r->u.ret.nrec; i++) {
		const struct kobj *o = &r->u.ret.rec[i];
		if (o->state != KOBJ_DEAD && pa < o->pa + o->size && o->pa < pa + bytes)
			return false;
	}
	return true;
}

/*
 * Decode half of retype: may r hand out an object of this type and arg?
 * Sets *bytes.  For device Reticles arg is (page offset << 32) | pages,
 * and pages obey every Mem's bound (1..VX_MEM_PAGES_MAX): TASK_MAP's worst
 * case, with interrupts off, rests on it, and a device Reticle may span
 * 256 GiB.  The lock held exclusive, or shared with r's lock held.
 */
int reticle_check_retype(struct kobj *r, uint32_t type, uint64_t arg, uint64_t *bytes)
{
	if (r->u.ret.device) {
		uint64_t off = (arg >> 32) * PAGE_SIZE, pages = arg & 0xffffffffu;
		if (type != VX_OBJ_MEM)
			return VX_E_TYPE;
		if (pages == 0 || pages > VX_MEM_PAGES_MAX)
			return VX_E_INVAL;
		if (off >= r->size || pages * PAGE_SIZE > r->size - off)
			return VX_E_RANGE;
		/* Full only when every record holds a live object: a dead
		 * one below the newest is taken again (reticle_carve). */
		if (r->u.ret.nlive >= r->u.ret.nrec_max)
			return VX_E_FULL;
		if (!device_range_free(r, r->pa + off, pages * PAGE_SIZE))
			return VX_E_EXISTS;
		*bytes = pages * PAGE_SIZE;
		return VX_OK;
	}
	*bytes = object_bytes(type, arg);
	if (*bytes == 0)
		return VX_E_INVAL;
	if (reticle_free_bytes(r) < *bytes + VX_OBJ_META_BYTES)
		return VX_E_NOMEM;
	return VX_OK;
}

/* A device Reticle's dead record below its newest, to be used again, or
 * NULL.  A RAM Reticle's records are never reused out of order (its
 * bodies come back in LIFO order only), but a device Reticle's records are
 * a fixed array of RETICLE_DEVICE_RECORDS and its bodies are carved by
 * address: without this, objects retyped and deleted out of order would
 * use up the array, and the Reticle would refuse every retype with no
 * object in it.  Its objects never depend on one another, so a reset may
 * take them in any order. */
static struct kobj *device_free_record(struct kobj *r)
{
	if (!r->u.ret.device || r->u.ret.nlive >= r->u.ret.nrec)
		return NULL;
	for (uint32_t i = 0; i < r->u.ret.nrec; i++)
		if (r->u.ret.rec[i].state == KOBJ_DEAD)
			return &r->u.ret.rec[i];
	return NULL;
}

/* Would carving this object queue work (the zeroing of a large body, see
 * reticle_carve)?  A retype under the lock held shared must not. */
static bool carve_queues_work(const struct kobj *r, uint32_t type, uint64_t bytes)
{
	return !r->u.ret.device && type != VX_OBJ_RETICLE && type != VX_OBJ_TASK &&
	       type != VX_OBJ_IOSPACE && bytes > ZERO_INLINE_BYTES;
}

/* Invoke half: carves an object that reticle_check_retype accepted.  The
 * body of a RAM object is zeroed (a child Reticle's only when it is carved
 * from in turn, a Task's part by part as task_init and the handle table
 * need it); device memory is left as it is.  The lock held exclusive, or
 * shared with r's lock held and no zeroing left to queue
 * (carve_queues_work false). */
struct kobj *reticle_carve(struct kobj *r, uint32_t type, uint64_t bytes, uint64_t dev_offset)
{
	struct kobj *o = device_free_record(r);

	if (!o)
		o = &r->u.ret.rec[r->u.ret.nrec++];

	memset(o, 0, sizeof(*o));
	o->type = (uint8_t)type;
	o->state = KOBJ_LIVE;
	o->origin = r;
	o->size = bytes;
	o->zero_next = bytes;
	if (r->u.ret.device) {
		o->pa = r->pa + dev_offset;
		r->u.ret.used += bytes;
	} else {
		r->u.ret.body_bottom -= bytes;
		o->pa = r->u.ret.body_bottom;
		/* A child Reticle's bytes are zeroed when they are carved
		 * again, not now; a Task zeroes what it uses (task_init), an
		 * IoSpace its tables as it takes them (iospace.c).
		 * Others: the first ZERO_INLINE_BYTES now (all a Bundle's, a
		 * Ring's private and control pages), the rest as queued work,
		 * which the caller waits for (a Mem of 512 MiB is not zeroed
		 * with interrupts off in one go). */
		if (type != VX_OBJ_RETICLE && type != VX_OBJ_TASK && type != VX_OBJ_IOSPACE) {
			uint64_t now = bytes < ZERO_INLINE_BYTES ? bytes : ZERO_INLINE_BYTES;
			memset(phys_to_virt(o->pa), 0, now);
			o->zero_next = now;
			if (carve_queues_work(r, type, bytes))
				work_enqueue(o);
		}
	}
	r->u.ret.nlive++;
	uint32_t at = (uint32_t)(o - r->u.ret.rec);
	if (type != KOBJ_PAGETABLE && at >= r->u.ret.scan_top)
		r->u.ret.scan_top = at + 1;
	return o;
}

/* One unit of queued zeroing of o's body; true when it is all zero. */
bool kobj_zero_step(struct kobj *o)
{
	uint64_t n = o->size - o->zero_next;

	if (n > ZERO_CHUNK_BYTES)
		n = ZERO_CHUNK_BYTES;
	memset((uint8_t *)phys_to_virt(o->pa) + o->zero_next, 0, n);
	o->zero_next += n;
	return kobj_zeroed(o);
}

/* Marks o dead and gives back what can be given back now. */
void kobj_release(struct kobj *o)
{
	struct kobj *r = o->origin;

	o->state = KOBJ_DEAD;
	if (!r)
		return;
	r->u.ret.nlive--;
	if (r->u.ret.device)
		r->u.ret.used -= o->size;
	while (r->u.ret.nrec > 0 && r->u.ret.rec[r->u.ret.nrec - 1].state == KOBJ_DEAD) {
		struct kobj *last = &r->u.ret.rec[r->u.ret.nrec - 1];
		if (!r->u.ret.device)
			r->u.ret.body_bottom = last->pa + last->size;
		r->u.ret.nrec--;
	}
}

/* The newest live object carved from r (page tables die with their Task,
 * which is older, so they are passed over).  The search starts at
 * scan_top, below which the last one found was: the records above it (page
 * tables, and objects dying or dead that cannot be given back while a page
 * table is above them) are passed over once per reset, not once per
 * object, so that a reset stays linear in what it destroys. */
static struct kobj *newest_live(struct kobj *r)
{
	uint32_t top = r->u.ret.scan_top < r->u.ret.nrec ? r->u.ret.scan_top : r->u.ret.nrec;

	for (uint32_t i = top; i-- > 0;) {
		struct kobj *o = &r->u.ret.rec[i];
		if (o->state == KOBJ_LIVE && o->type != KOBJ_PAGETABLE) {
			r->u.ret.scan_top = i + 1;
			return o;
		}
	}
	r->u.ret.scan_top = 0;
	return NULL;
}

/*
 * One step of emptying r, for a reset or for r's own destruction (both run
 * from the kernel's work queue, see reap).  Removes the caps of r's newest
 * live object, which queues it for destruction behind r, and returns false
 * so that r is queued again behind it.  Newest first, so memory comes back
 * in LIFO order and both ends of r move back.  Returns true when nothing
 * carved from r is left: no recursion, however deeply Reticles nest.
 */
bool reticle_empty_step(struct kobj *r)
{
	struct kobj *o = newest_live(r);

	if (o) {
		cap_remove_all(o);
		return false;
	}
	/* What is left is dying and queued (ahead of r once r is queued again). */
	if (r->u.ret.nlive && work_pending())
		return false;
	/* Nothing live and nothing queued: only leftovers, which cannot exist
	 * (page tables die with their Task).  Free them, so an empty always
	 * empties. */
	for (uint32_t i = r->u.ret.nrec; i-- > 0;) {
		if (i < r->u.ret.nrec && r->u.ret.rec[i].state != KOBJ_DEAD)
			kobj_release(&r->u.ret.rec[i]);
	}
	return true;
}

/* Type-specific setup of a freshly carved object, which nobody else can
 * name yet: the lock held in either mode. */
void object_init(struct kobj *o, uint64_t arg)
{
	switch (o->type) {
	case VX_OBJ_TASK:
		task_init(o);
		break;
	case VX_OBJ_RING:
		ring_init(o, arg);
		break;
	case VX_OBJ_BUNDLE:
		bundle_init(o);
		break;
	default:
		break;
	}
}

/* A decoded RETICLE_RETYPE. */
struct retype_args {
	struct task *t;
	struct cap *rc;	  /* the Reticle cap */
	uint32_t type;	  /* enum vx_obj_type */
	uint64_t arg;	  /* type-specific (see object_bytes) */
	uint64_t bytes;	  /* body size */
	uint64_t dev_off; /* device Reticles: byte offset of the body */
	uint32_t idx;	  /* the free slot for the new cap */
};

/* Decode, the caller's part: reads only its own cap.  Errors: handle
 * errors, VX_E_INVAL. */
static int decode_retype_caller(const struct trapframe *tf, struct retype_args *a)
{
	int err;

	a->t = current_task();
	if ((err = cap_lookup(a->t, tf->rdi, VX_OBJ_RETICLE, VX_R_CONTROL, &a->rc)))
		return err;
	if (tf->rsi > UINT32_MAX)
		return VX_E_INVAL;
	a->type = (uint32_t)tf->rsi;
	a->arg = tf->rdx;
	a->dev_off = (a->arg >> 32) * PAGE_SIZE;
	return VX_OK;
}

/* Decode, the rest: the Reticle's room (reticle_check_retype's errors),
 * then a free slot in the caller's table (VX_E_FULL). */
static int decode_retype_room(struct retype_args *a)
{
	int err = reticle_check_retype(a->rc->obj, a->type, a->arg, &a->bytes);

	return err ? err : cap_find_slot(a->t, &a->idx);
}

/* Invoke, the Reticle's part: carves what reticle_check_retype accepted. */
static struct kobj *carve_retype(const struct retype_args *a)
{
	return reticle_carve(a->rc->obj, a->type, a->bytes, a->dev_off);
}

/* Invoke, the rest: the object is the caller's alone until it has the
 * handle.  Cannot fail.  The new object's cap has the Reticle cap's
 * rights: what was carved through a narrowed Reticle cap is narrowed the
 * same way. */
static uint32_t install_retype(const struct retype_args *a, struct kobj *o)
{
	object_init(o, a->arg);
	return cap_install(a->t, a->idx, o, o->type, a->rc->rights, 0, NULL);
}

/* VX_SYS_RETICLE_RETYPE(ret, type, arg) -> handle with ret's rights.
 * Errors: those of decode_retype_caller, then of decode_retype_room. */
int64_t sys_reticle_retype(struct trapframe *tf)
{
	struct retype_args a;
	int err;

	if ((err = decode_retype_caller(tf, &a)) || (err = decode_retype_room(&a)))
		return err;
	return install_retype(&a, carve_retype(&a));
}

/* VX_SYS_RETICLE_RETYPE under the lock held shared (syscall.c), with the
 * same decode and result.  What it writes that another shared holder may
 * write too, the Reticle's records, it writes under the Reticle's lock, and
 * the decode that depends on them (the room left) is made under that lock
 * too; the rest is the caller's own table and the new object.  Only a
 * body that would leave queued zeroing goes the exclusive way
 * (SYS_EXCLUSIVE). */
int64_t sys_reticle_retype_shared(struct trapframe *tf)
{
	struct retype_args a;
	struct kobj *r, *o = NULL;
	int err;

	if ((err = decode_retype_caller(tf, &a)))
		return err;
	r = a.rc->obj;
	if (carve_queues_work(r, a.type, object_bytes(a.type, a.arg)))
		return SYS_EXCLUSIVE;
	spin_hold(&r->u.ret.lock);
	if (!(err = decode_retype_room(&a)))
		o = carve_retype(&a);
	spin_release(&r->u.ret.lock);
	if (err)
		return err;
	return install_retype(&a, o);
}

/* A decoded RETICLE_SPLIT. */
struct split_args {
	struct task *t;
	struct cap *rc;
	uint64_t bytes;
	uint32_t idx;
};

/* Decode, the caller's part and what never changes (the Reticle's kind and
 * depth): reads only.  Errors: handle errors, VX_E_INVAL (a device
 * Reticle, fewer than 2 pages), VX_E_ALIGN, VX_E_DEPTH. */
static int decode_split_caller(const struct trapframe *tf, struct split_args *a)
{
	int err;

	a->t = current_task();
	a->bytes = tf->rsi;
	if ((err = cap_lookup(a->t, tf->rdi, VX_OBJ_RETICLE, VX_R_CONTROL, &a->rc)))
		return err;
	struct kobj *r = a->rc->obj;
	if (r->u.ret.device)
		return VX_E_INVAL;
	if (a->bytes == 0 || a->bytes & (PAGE_SIZE - 1))
		return VX_E_ALIGN;
	if (r->u.ret.depth + 1 > VX_RETICLE_DEPTH_MAX)
		return VX_E_DEPTH;
	if (a->bytes < 2 * PAGE_SIZE)
		return VX_E_INVAL;
	return VX_OK;
}

/* Decode, the rest: the Reticle's room (VX_E_NOMEM), then a free slot in
 * the caller's table (VX_E_FULL). */
static int decode_split_room(struct split_args *a)
{
	const struct kobj *r = a->rc->obj;

	if (reticle_free_bytes(r) < VX_OBJ_META_BYTES ||
	    reticle_free_bytes(r) - VX_OBJ_META_BYTES < a->bytes)
		return VX_E_NOMEM;
	return cap_find_slot(a->t, &a->idx);
}

/* Invoke, the Reticle's part: carves the child Reticle (its bytes are
 * zeroed only when carved from in turn). */
static struct kobj *carve_split(const struct split_args *a)
{
	return reticle_carve(a->rc->obj, VX_OBJ_RETICLE, a->bytes, 0);
}

/* Invoke, the rest: sets the child up, which is the caller's alone until
 * it has the handle, and installs a cap with the parent cap's rights. */
static uint32_t install_split(const struct split_args *a, struct kobj *c)
{
	c->u.ret.rec = phys_to_virt(c->pa);
	c->u.ret.nrec_max = UINT32_MAX;
	c->u.ret.body_bottom = c->pa + c->size;
	c->u.ret.depth = a->rc->obj->u.ret.depth + 1;
	return cap_install(a->t, a->idx, c, VX_OBJ_RETICLE, a->rc->rights, 0, NULL);
}

/* VX_SYS_RETICLE_SPLIT(ret, bytes) -> handle of a child Reticle.  Errors:
 * those of decode_split_caller, then of decode_split_room. */
int64_t sys_reticle_split(struct trapframe *tf)
{
	struct split_args a;
	int err;

	if ((err = decode_split_caller(tf, &a)) || (err = decode_split_room(&a)))
		return err;
	return install_split(&a, carve_split(&a));
}

/* VX_SYS_RETICLE_SPLIT under the lock held shared (syscall.c), as
 * sys_reticle_retype_shared: the room is decoded and the child carved
 * under the parent Reticle's lock. */
int64_t sys_reticle_split_shared(struct trapframe *tf)
{
	struct split_args a;
	struct kobj *r, *c = NULL;
	int err;

	if ((err = decode_split_caller(tf, &a)))
		return err;
	r = a.rc->obj;
	spin_hold(&r->u.ret.lock);
	if (!(err = decode_split_room(&a)))
		c = carve_split(&a);
	spin_release(&r->u.ret.lock);
	if (err)
		return err;
	return install_split(&a, c);
}

/* VX_SYS_RETICLE_RESET(ret): destroys everything carved from ret.  The
 * reset is queued kernel work; the caller returns when it is done (see
 * syscall_dispatch), and it completes even if the caller was inside. */
int64_t sys_reticle_reset(struct trapframe *tf)
{
	struct cap *rc;
	int err;

	if ((err = cap_lookup(current_task(), tf->rdi, VX_OBJ_RETICLE, VX_R_CONTROL, &rc)))
		return err;
	work_enqueue(rc->obj);
	return VX_OK;
}

/* VX_SYS_RETICLE_INFO(reticle, struct vx_reticle_info *out).  Runs under
 * the lock held shared (syscall.c): it reads only, and what a shared
 * retype or split writes (the room left, the objects) under the
 * Reticle's lock, so that the two figures agree. */
int64_t sys_reticle_info(struct trapframe *tf)
{
	struct cap *rc;
	struct vx_reticle_info info;
	int err;

	if ((err = cap_lookup(current_task(), tf->rdi, VX_OBJ_RETICLE, 0, &rc)))
		return err;
	struct kobj *r = rc->obj;
	memset(&info, 0, sizeof(info));
	info.base = r->pa;
	info.size = r->size;
	spin_hold(&r->u.ret.lock);
	info.free = reticle_free_bytes(r);
	info.objects = r->u.ret.nlive;
	spin_release(&r->u.ret.lock);
	info.depth = r->u.ret.depth;
	info.device = r->u.ret.device;
	return copy_out(tf->rsi, &info, sizeof(info));
}
