/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ring producer/consumer logic (pure: no syscalls).  See rt/ring.h for who
 * trusts what; see vectra/ring.h for the protocol itself.
 */
#include "rt/ring.h"
#include "vx_string.h"

#define LOAD_ACQ(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define LOAD_RELAXED(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define STORE_REL(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define FENCE()		__atomic_thread_fence(__ATOMIC_SEQ_CST)

/* True if x is a power of two in [lo, hi]. */
static bool pow2_in(uint32_t x, uint32_t lo, uint32_t hi)
{
	return x >= lo && x <= hi && (x & (x - 1)) == 0;
}

/* Checks that info is a geometry the kernel could have reported. */
static bool info_valid(const struct vx_ring_info *info)
{
	uint64_t need;

	if (!pow2_in(info->slot_size, 1u << VX_RING_SLOT_LOG2_MIN, 1u << VX_RING_SLOT_LOG2_MAX))
		return false;
	if (!pow2_in(info->slot_count, 1, 1u << VX_RING_COUNT_LOG2_MAX))
		return false;
	if (info->role != VX_RING_PRODUCER && info->role != VX_RING_CONSUMER)
		return false;
	if (info->wake_bit >= VX_SIG_BITS)
		return false;
	if (info->vaddr == 0 || (info->vaddr & (VX_PAGE_SIZE - 1)) != 0)
		return false;
	need = VX_RING_SLOTS_OFFSET + (uint64_t)info->slot_count * info->slot_size;
	if (info->bytes < need || info->vaddr + info->bytes < info->vaddr)
		return false;
	return true;
}

/* Marks r corrupt for good and returns the error to report. */
static int broken(struct vx_ring *r)
{
	r->corrupt = true;
	return VX_E_CORRUPT;
}

int vx_ring_init(struct vx_ring *r, const struct vx_ring_info *info, vx_handle_t ring)
{
	struct vx_ring_ctl *ctl;
	uint32_t head, tail;

	memset(r, 0, sizeof(*r));
	r->corrupt = true; /* until proven otherwise */
	if (!info_valid(info))
		return VX_E_INVAL;
	ctl = (struct vx_ring_ctl *)(uintptr_t)info->vaddr;
	if (LOAD_RELAXED(&ctl->magic) != VX_RING_MAGIC ||
	    LOAD_RELAXED(&ctl->slot_size) != info->slot_size ||
	    LOAD_RELAXED(&ctl->slot_count) != info->slot_count)
		return VX_E_CORRUPT;
	head = LOAD_ACQ(&ctl->head);
	tail = LOAD_ACQ(&ctl->tail);
	if (head - tail > info->slot_count)
		return VX_E_CORRUPT;

	r->ctl = ctl;
	r->slots = (uint8_t *)(uintptr_t)(info->vaddr + VX_RING_SLOTS_OFFSET);
	r->slot_size = info->slot_size;
	r->slot_count = info->slot_count;
	r->mask = info->slot_count - 1;
	r->role = info->role;
	r->wake_bit = info->wake_bit;
	r->handle = ring;
	r->mine = info->role == VX_RING_PRODUCER ? head : tail;
	r->seen = info->role == VX_RING_PRODUCER ? tail : head;
	r->corrupt = false;
	return VX_OK;
}

int vx_ring_reset(const struct vx_ring_info *info)
{
	struct vx_ring_ctl *ctl;

	if (!info_valid(info))
		return VX_E_INVAL;
	ctl = (struct vx_ring_ctl *)(uintptr_t)info->vaddr;
	STORE_REL(&ctl->magic, VX_RING_MAGIC);
	STORE_REL(&ctl->slot_size, info->slot_size);
	STORE_REL(&ctl->slot_count, info->slot_count);
	STORE_REL(&ctl->head, 0);
	STORE_REL(&ctl->tail, 0);
	STORE_REL(&ctl->producer_waiting, 0);
	STORE_REL(&ctl->consumer_waiting, 0);
	return VX_OK;
}

/*
 * Producer: loads tail and returns the number of free slots, or
 * VX_E_CORRUPT if tail left [last tail seen, head].
 */
static int producer_space(struct vx_ring *r)
{
	uint32_t tail = LOAD_ACQ(&r->ctl->tail);

	if (tail - r->seen > r->mine - r->seen)
		return broken(r);
	r->seen = tail;
	return (int)(r->slot_count - (r->mine - tail));
}

/*
 * Consumer: loads head and returns the number of filled slots, or
 * VX_E_CORRUPT if head - tail exceeds the ring or head moved backwards.
 */
static int consumer_avail(struct vx_ring *r)
{
	uint32_t head = LOAD_ACQ(&r->ctl->head);
	uint32_t used = head - r->mine;

	if (used > r->slot_count || used < r->seen - r->mine)
		return broken(r);
	r->seen = head;
	return (int)used;
}

/* Common entry checks: the sticky flag and the role. */
static int entry_check(const struct vx_ring *r, uint32_t role)
{
	if (r->corrupt)
		return VX_E_CORRUPT;
	if (r->role != role)
		return VX_E_STATE;
	return VX_OK;
}

/* Address of the slot for free-running counter value n. */
static uint8_t *slot_at(const struct vx_ring *r, uint32_t n)
{
	return r->slots + (size_t)(n & r->mask) * r->slot_size;
}

/* Writes one message into the slot for counter n, zero-filling the rest. */
static void fill_slot(const struct vx_ring *r, uint32_t n, const void *msg, size_t len)
{
	uint8_t *slot = slot_at(r, n);

	if (len)
		memcpy(slot, msg, len);
	if (len < r->slot_size)
		memset(slot + len, 0, r->slot_size - len);
}

/* The producer's one way to publish a slot: the checks, then msg's len
 * bytes copied in (msg NULL: already built there, vx_ring_claim), the rest
 * zero-filled, and head moved. */
static int publish_slot(struct vx_ring *r, const void *msg, size_t len)
{
	int rc = entry_check(r, VX_RING_PRODUCER);
	uint8_t *slot;

	if (rc != VX_OK)
		return rc;
	if (len > r->slot_size)
		return VX_E_TOOBIG;
	rc = producer_space(r);
	if (rc <= 0)
		return rc < 0 ? rc : VX_E_FULL;
	slot = slot_at(r, r->mine);
	if (msg && len)
		memcpy(slot, msg, len);
	if (len < r->slot_size)
		memset(slot + len, 0, r->slot_size - len);
	r->mine++;
	STORE_REL(&r->ctl->head, r->mine);
	return VX_OK;
}

int vx_ring_try_send_full(struct vx_ring *r, const void *msg, size_t len)
{
	return publish_slot(r, msg, len);
}

void *vx_ring_claim(struct vx_ring *r)
{
	if (entry_check(r, VX_RING_PRODUCER) != VX_OK || producer_space(r) <= 0)
		return NULL;
	return slot_at(r, r->mine);
}

int vx_ring_publish(struct vx_ring *r, size_t len)
{
	return publish_slot(r, NULL, len);
}

/* Copies k whole slots starting at counter n between the ring and a flat
 * buffer, in at most two runs (the ring may wrap once). */
static void copy_slots(const struct vx_ring *r, uint32_t n, uint8_t *flat, uint32_t k, bool to_ring)
{
	uint32_t first = n & r->mask;
	uint32_t run = k < r->slot_count - first ? k : r->slot_count - first;
	size_t a = (size_t)run * r->slot_size, b = (size_t)(k - run) * r->slot_size;

	if (to_ring) {
		memcpy(slot_at(r, n), flat, a);
		if (b)
			memcpy(r->slots, flat + a, b);
	} else {
		memcpy(flat, slot_at(r, n), a);
		if (b)
			memcpy(flat + a, r->slots, b);
	}
}

int vx_ring_send_batch(struct vx_ring *r, const void *msgs, size_t msg_len, uint32_t n)
{
	const uint8_t *src = msgs;
	int rc = entry_check(r, VX_RING_PRODUCER);
	uint32_t k;

	if (rc != VX_OK)
		return rc;
	if (n == 0)
		return VX_E_INVAL;
	if (msg_len > r->slot_size)
		return VX_E_TOOBIG;
	rc = producer_space(r);
	if (rc <= 0)
		return rc < 0 ? rc : VX_E_FULL;
	k = (uint32_t)rc < n ? (uint32_t)rc : n;
	if (msg_len == r->slot_size) {
		copy_slots(r, r->mine, (uint8_t *)(uintptr_t)src, k, true);
	} else {
		for (uint32_t i = 0; i < k; i++)
			fill_slot(r, r->mine + i, src + (size_t)i * msg_len, msg_len);
	}
	r->mine += k;
	STORE_REL(&r->ctl->head, r->mine);
	return (int)k;
}

int vx_ring_try_recv_full(struct vx_ring *r, void *buf, size_t buflen, size_t *len_out)
{
	int rc = entry_check(r, VX_RING_CONSUMER);

	if (rc != VX_OK)
		return rc;
	if (buflen < r->slot_size)
		return VX_E_TOOBIG;
	rc = consumer_avail(r);
	if (rc <= 0)
		return rc < 0 ? rc : VX_E_EMPTY;
	memcpy(buf, slot_at(r, r->mine), r->slot_size);
	r->mine++;
	STORE_REL(&r->ctl->tail, r->mine);
	if (len_out)
		*len_out = r->slot_size;
	return VX_OK;
}

const void *vx_ring_peek(struct vx_ring *r)
{
	if (entry_check(r, VX_RING_CONSUMER) != VX_OK || consumer_avail(r) <= 0)
		return NULL;
	return slot_at(r, r->mine);
}

int vx_ring_release(struct vx_ring *r)
{
	int rc = entry_check(r, VX_RING_CONSUMER);

	if (rc != VX_OK)
		return rc;
	rc = consumer_avail(r);
	if (rc <= 0)
		return rc < 0 ? rc : VX_E_EMPTY;
	r->mine++;
	STORE_REL(&r->ctl->tail, r->mine);
	return VX_OK;
}

int vx_ring_recv_batch(struct vx_ring *r, void *buf, size_t buflen, uint32_t max)
{
	uint8_t *dst = buf;
	int rc = entry_check(r, VX_RING_CONSUMER);
	size_t room;
	uint32_t k;

	if (rc != VX_OK)
		return rc;
	if (max == 0)
		return VX_E_INVAL;
	if (buflen < r->slot_size)
		return VX_E_TOOBIG;
	rc = consumer_avail(r);
	if (rc <= 0)
		return rc < 0 ? rc : VX_E_EMPTY;
	room = buflen / r->slot_size;
	k = (uint32_t)rc < max ? (uint32_t)rc : max;
	if (room < k)
		k = (uint32_t)room;
	copy_slots(r, r->mine, dst, k, false);
	r->mine += k;
	STORE_REL(&r->ctl->tail, r->mine);
	return (int)k;
}

/* Is r a sound side of a bound ring: neither corrupt nor a struct that
 * vx_ring_init never filled (all zero: no role, no control page)? */
static bool sound_side(const struct vx_ring *r)
{
	return !r->corrupt && (r->role == VX_RING_PRODUCER || r->role == VX_RING_CONSUMER);
}

int vx_ring_poll(struct vx_ring *r)
{
	if (r->corrupt)
		return VX_E_CORRUPT;
	if (!sound_side(r))
		return VX_E_STATE;
	return r->role == VX_RING_PRODUCER ? producer_space(r) : consumer_avail(r);
}

void vx_ring_set_waiting(struct vx_ring *r, bool waiting)
{
	uint32_t *flag;

	if (!sound_side(r))
		return;
	flag = r->role == VX_RING_PRODUCER ? &r->ctl->producer_waiting : &r->ctl->consumer_waiting;
	__atomic_store_n(flag, waiting ? 1u : 0u, __ATOMIC_RELAXED);
	FENCE();
}

bool vx_ring_consumer_waiting(const struct vx_ring *r)
{
	if (!sound_side(r))
		return false;
	FENCE();
	return LOAD_RELAXED(&r->ctl->consumer_waiting) != 0;
}

bool vx_ring_producer_waiting(const struct vx_ring *r)
{
	if (!sound_side(r))
		return false;
	FENCE();
	return LOAD_RELAXED(&r->ctl->producer_waiting) != 0;
}

bool vx_ring_peer_waiting(const struct vx_ring *r)
{
	return r->role == VX_RING_PRODUCER ? vx_ring_consumer_waiting(r)
					   : vx_ring_producer_waiting(r);
}
