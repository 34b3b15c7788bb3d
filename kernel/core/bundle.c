/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bundle: named, typed capability slots that a parent fills and a child
 * receives at start (include/vectra/bundle.h has the contract).
 *
 * Object layout: page 0 is the page the child sees (struct vx_bundle_page),
 * pages 1..2 are kernel-private (struct bundle: the caps themselves).  Once
 * a Task starts with it, the Bundle is sealed: nobody can add to it, and
 * the child holds it (kernel-side) for as long as it lives.
 */
#include "core/kernel.h"

static struct vx_bundle_page *page_of(struct kobj *o)
{
	return phys_to_virt(o->pa);
}

static struct bundle *priv_of(struct kobj *o)
{
	return (struct bundle *)((uint8_t *)phys_to_virt(o->pa) + BUNDLE_PRIV_OFF);
}

/* Sets up a freshly carved (zeroed) Bundle: an empty, unsealed page. */
void bundle_init(struct kobj *o)
{
	struct vx_bundle_page *p = page_of(o);

	p->magic = VX_BUNDLE_MAGIC;
	p->version = VX_BUNDLE_VERSION;
	priv_of(o)->obj = o;
}

/* Destruction (from reap): deletes the caps in every slot, which queues
 * their objects if these were their last caps.  Empty slots are skipped. */
void bundle_destroy(struct kobj *o)
{
	struct bundle *b = priv_of(o);

	for (uint32_t i = 0; i < VX_BUNDLE_SLOTS; i++)
		cap_remove(&b->slot[i]);
}

/* Names are 1..31 bytes of [a-z0-9_.-]. */
bool bundle_name_valid(const char *name, size_t len)
{
	if (len == 0 || len >= VX_BUNDLE_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!vx_bundle_name_char(name[i]))
			return false;
	return true;
}

/* Adds a slot; the caller (kernel boot or sys_bundle_add) has decoded. */
void bundle_put(struct kobj *o, const char *name, size_t len, struct cap *src, uint32_t rights,
		struct cap *parent)
{
	struct vx_bundle_page *p = page_of(o);
	struct bundle *b = priv_of(o);
	struct vx_bundle_entry *e = &p->entry[b->count];

	cap_copy_into(&b->slot[b->count], NULL, src, rights, src->narrow, parent);
	memset(e, 0, sizeof(*e));
	memcpy(e->name, name, len);
	e->type = src->type;
	e->rights = rights;
	e->narrow = src->narrow;
	e->size = (src->type == VX_OBJ_MEM || src->type == VX_OBJ_RETICLE) ? src->obj->size : 0;
	b->count++;
	p->count = b->count;
}

/* Decode for task start: can t take this Bundle? */
int bundle_check_attach(struct kobj *o, struct task *t)
{
	struct bundle *b = priv_of(o);

	uint32_t held = 0;

	if (b->sealed)
		return VX_E_STATE;
	for (uint32_t i = 0; i < b->count; i++)
		held += b->slot[i].obj != NULL;
	if (!cap_have_slots(t, held))
		return VX_E_FULL;
	return task_check_new_mapping(t, VX_BUNDLE_VADDR, PAGE_SIZE);
}

/* Moves every slot's cap into t's table, records the child's handles in the
 * page, maps the page read-only at VX_BUNDLE_VADDR and seals the Bundle.  A
 * slot whose cap was revoked (or whose object died) since it was added
 * reaches the child as VX_NO_HANDLE: the name stays, the authority does
 * not. */
void bundle_attach(struct kobj *o, struct task *t)
{
	struct vx_bundle_page *p = page_of(o);
	struct bundle *b = priv_of(o);
	uint32_t idx;

	for (uint32_t i = 0; i < b->count; i++) {
		if (!b->slot[i].obj) {
			p->entry[i].handle = VX_NO_HANDLE;
			continue;
		}
		KASSERT(cap_find_slot(t, &idx) == VX_OK); /* bundle_check_attach counted */
		cap_move(cap_claim_slot(t, idx), t, &b->slot[i]);
		p->entry[i].handle = VX_HANDLE_MAKE(idx, t->table[idx].gen);
	}
	b->sealed = 1;
	cap_hold(&t->bundle, o, VX_OBJ_BUNDLE, VX_R_READ, 0);
	task_map_cap(&t->bundle, t, VX_BUNDLE_VADDR, o->pa, PAGE_SIZE, VX_PROT_READ, CAP_F_MAPPED);
}

/* A decoded BUNDLE_ADD. */
struct add_args {
	struct kobj *bundle;
	char name[VX_BUNDLE_NAME_MAX]; /* NUL-terminated */
	size_t len;
	struct cap *src; /* GRANT */
	uint32_t rights; /* ⊆ src's */
};

/* Decode: reads only (the name is copied in).  Errors: handle errors,
 * VX_E_STATE (sealed), VX_E_INVAL (name), VX_E_FAULT/VX_E_RANGE (name
 * pointer), VX_E_EXISTS (a slot of that name), VX_E_FULL, VX_E_RIGHTS. */
static int decode_add(const struct trapframe *tf, struct add_args *a)
{
	struct task *t = current_task();
	struct cap *bc;
	int err;

	if ((err = cap_lookup(t, tf->rdi, VX_OBJ_BUNDLE, VX_R_CONTROL, &bc)))
		return err;
	a->bundle = bc->obj;
	struct bundle *b = priv_of(a->bundle);
	if (b->sealed)
		return VX_E_STATE;
	a->len = tf->rdx;
	if (a->len == 0 || a->len >= VX_BUNDLE_NAME_MAX)
		return VX_E_INVAL;
	if ((err = copy_in(a->name, tf->rsi, a->len)))
		return err;
	if (!bundle_name_valid(a->name, a->len))
		return VX_E_INVAL;
	a->name[a->len] = 0;
	struct vx_bundle_page *p = page_of(a->bundle);
	for (uint32_t i = 0; i < b->count; i++)
		if (strcmp(p->entry[i].name, a->name) == 0)
			return VX_E_EXISTS;
	if (b->count == VX_BUNDLE_SLOTS)
		return VX_E_FULL;
	if ((err = cap_lookup(t, tf->r10, 0, VX_R_GRANT, &a->src)))
		return err;
	if (tf->r8 > VX_R_ALL || (tf->r8 & ~(uint64_t)a->src->rights))
		return VX_E_RIGHTS;
	a->rights = (uint32_t)tf->r8;
	return VX_OK;
}

/* VX_SYS_BUNDLE_ADD(bundle, name, name_len, h, rights): the slot's cap is
 * a child of h. */
int64_t sys_bundle_add(struct trapframe *tf)
{
	struct add_args a;
	int err = decode_add(tf, &a);

	if (err)
		return err;
	bundle_put(a.bundle, a.name, a.len, a.src, a.rights, a.src);
	return VX_OK;
}
