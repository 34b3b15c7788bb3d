/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ring producer and consumer, exactly per the protocol in vectra/ring.h.
 *
 * TRUST
 *
 * struct vx_ring is private to one side and built from the struct
 * vx_ring_info the kernel returned from VX_SYS_RING_BIND.  Slot addresses are
 * computed only from that geometry and from this side's private counter, so
 * nothing the peer writes into the shared control page can move a copy out
 * of bounds.  What is read from shared memory is validated on every load:
 *
 *   producer  keeps head privately (it is the only writer) and reads tail.
 *             tail must lie in [last tail seen, head]; otherwise (tail moved
 *             backwards, or past head) the ring is corrupt.
 *   consumer  keeps tail privately and reads head.  head - tail must be at
 *             most slot_count, and head must not move backwards; otherwise
 *             the ring is corrupt.
 *
 * Corruption is sticky: once a side has seen it, every later call on that
 * struct vx_ring returns VX_E_CORRUPT without touching shared memory.  The
 * caller should unbind and drop the ring.  A struct vx_ring that
 * vx_ring_init never filled (all zero, as vx_dev_close and a failed
 * vx_client_attach leave a client's) is no
 * ring at all: every call refuses it (VX_E_STATE, false or NULL) without
 * touching memory.  The geometry words in the control
 * page (magic, slot_size, slot_count) are compared with the kernel's at
 * vx_ring_init only (VX_E_CORRUPT if they differ); later rewrites of them are
 * ignored, which is safe because they are never used.  The waiting flags are
 * treated as booleans: garbage there only causes a spurious doorbell.
 *
 * MESSAGES
 *
 * A message is one slot.  vx_ring_try_send copies len <= slot_size bytes and
 * zero-fills the rest of the slot; vx_ring_try_recv copies the whole slot out
 * (framing inside a slot is the application's business).  vx_ring_claim and
 * vx_ring_publish build a message in the slot itself, vx_ring_peek and
 * vx_ring_release read one there: a copy less, for bulk data.
 *
 * DOORBELLS
 *
 * The pure functions here never make syscalls.  After sending, the producer
 * asks vx_ring_peer_waiting() (a full fence, then a load of
 * consumer_waiting) and rings VX_SYS_RING_NOTIFY if it says yes; the
 * consumer does the same after receiving.  A side that must sleep calls
 * vx_ring_set_waiting(r, true) (store, full fence), re-checks with
 * vx_ring_poll(), sleeps on 1 << wake_bit only if still blocked, and
 * finally vx_ring_set_waiting(r, false).  vx_ring_send_wait and
 * vx_ring_recv_wait (lib/rt/sys_ring.c, VectraOS only) wrap all of this into
 * blocking calls.
 *
 * A struct vx_ring is not thread-safe; VectraOS has no threads.
 */
#ifndef VX_RT_RING_H
#define VX_RT_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vectra/abi.h>
#include <vectra/ring.h>

struct vx_ring {
	struct vx_ring_ctl *ctl; /* shared: the peer may scribble on it */
	uint8_t *slots;		 /* shared: slot i at slots + (i & mask) * slot_size */
	uint32_t slot_size;	 /* trusted (kernel) */
	uint32_t slot_count;	 /* trusted (kernel) */
	uint32_t mask;		 /* slot_count - 1 */
	uint32_t role;		 /* VX_RING_PRODUCER or VX_RING_CONSUMER */
	uint32_t wake_bit;	 /* our own signal bit the peer's doorbell raises */
	vx_handle_t handle;	 /* the RingCap, for notify syscalls */
	uint32_t mine;		 /* producer: head; consumer: tail (private copy) */
	uint32_t seen;		 /* producer: last tail seen; consumer: last head seen */
	bool corrupt;		 /* sticky */
};

/*
 * Builds r from the kernel-reported geometry.  VX_E_INVAL if info is not a
 * geometry the kernel could have produced (sizes not powers of two or out of
 * range, bytes too small, bad role or wake bit, vaddr null or unaligned);
 * VX_E_CORRUPT if the control page disagrees with info or its counters are
 * already inconsistent.  Reads the control page, so the ring must be bound.
 */
int vx_ring_init(struct vx_ring *r, const struct vx_ring_info *info, vx_handle_t ring);

/*
 * Makes the Ring bound at info->vaddr empty and whole again, whatever a
 * past peer wrote into its control page: the geometry words from info,
 * head = tail = 0, no one waiting.  Every message in it is dropped.  Only
 * for the Ring's owner while no other end is bound (init, reclaiming a
 * connection a hostile client may have scribbled over); anyone else would
 * be writing the peer's counter under it.  VX_E_INVAL as vx_ring_init.
 */
int vx_ring_reset(const struct vx_ring_info *info);

/*
 * Producer: publishes one message of len bytes.  VX_OK, VX_E_FULL,
 * VX_E_TOOBIG (len > slot_size), VX_E_CORRUPT, VX_E_STATE (not a producer).
 */
static inline int vx_ring_try_send(struct vx_ring *r, const void *msg, size_t len);
int vx_ring_try_send_full(struct vx_ring *r, const void *msg, size_t len);

/*
 * Consumer: takes one whole slot into buf and sets *len_out = slot_size.
 * VX_OK, VX_E_EMPTY, VX_E_TOOBIG (buflen < slot_size; nothing consumed),
 * VX_E_CORRUPT, VX_E_STATE (not a consumer).
 */
static inline int vx_ring_try_recv(struct vx_ring *r, void *buf, size_t buflen, size_t *len_out);
int vx_ring_try_recv_full(struct vx_ring *r, void *buf, size_t buflen, size_t *len_out);

/*
 * Producer: publishes up to n messages of msg_len bytes each, stored
 * back to back in msgs, with one store of head for the whole batch.
 * Returns how many were sent (1..n), or VX_E_FULL if none fit, or
 * VX_E_TOOBIG / VX_E_CORRUPT / VX_E_STATE / VX_E_INVAL (n == 0).
 */
int vx_ring_send_batch(struct vx_ring *r, const void *msgs, size_t msg_len, uint32_t n);

/*
 * Consumer: takes up to max whole slots into buf (slot_size bytes each,
 * back to back) with one store of tail.  buflen must hold at least one slot.
 * Returns how many were taken (1..max), VX_E_EMPTY if none, or
 * VX_E_TOOBIG / VX_E_CORRUPT / VX_E_STATE / VX_E_INVAL (max == 0).
 */
int vx_ring_recv_batch(struct vx_ring *r, void *buf, size_t buflen, uint32_t max);

/*
 * Producer, a message built in place: vx_ring_claim returns the next free
 * slot (slot_size bytes, which the consumer cannot see yet), or NULL when
 * the ring is full, corrupt or not ours to produce into.  vx_ring_publish
 * then sends the first len bytes written there, zero-filling the rest of
 * the slot, as vx_ring_try_send would: VX_OK, VX_E_TOOBIG (len >
 * slot_size), VX_E_FULL (no free slot: nothing was claimed), VX_E_CORRUPT,
 * VX_E_STATE.  A claim that is not published is simply dropped.
 */
void *vx_ring_claim(struct vx_ring *r);
int vx_ring_publish(struct vx_ring *r, size_t len);

/*
 * Consumer, a message read in place: vx_ring_peek returns the next filled
 * slot (slot_size bytes) without taking it, or NULL when the ring is
 * empty, corrupt or not ours to consume from.  The producer can still
 * write into a published slot: copy what you check out of it before you
 * check it.  vx_ring_release gives the slot back: VX_OK, VX_E_EMPTY,
 * VX_E_CORRUPT, VX_E_STATE.
 */
const void *vx_ring_peek(struct vx_ring *r);
int vx_ring_release(struct vx_ring *r);

/*
 * How far this side could go now: free slots for a producer, filled slots
 * for a consumer (0 means it would block).  VX_E_CORRUPT as above.
 */
int vx_ring_poll(struct vx_ring *r);

/* Sets or clears this side's waiting flag; setting is followed by a full fence. */
void vx_ring_set_waiting(struct vx_ring *r, bool waiting);

/* Full fence, then: is the consumer (resp. producer) flag set? */
bool vx_ring_consumer_waiting(const struct vx_ring *r);
bool vx_ring_producer_waiting(const struct vx_ring *r);

/* The doorbell test for this side: is the *other* side waiting? */
bool vx_ring_peer_waiting(const struct vx_ring *r);

/*
 * Blocking forms (sys_ring.c; VectraOS only).  Each tries once; if blocked it
 * sets its waiting flag, fences, re-checks, and sleeps on 1 << wake_bit until
 * deadline (absolute ns, VX_DEADLINE_NEVER to block forever, VX_DEADLINE_NONE
 * to poll once), then clears the flag and tries again.  On success it rings
 * the peer's doorbell if the peer is waiting.  VX_E_TIMEOUT if the deadline
 * passes; other errors as for the try_ forms or from the kernel.  The wake bit
 * is consumed by the wait: a caller that also waits on it elsewhere (an
 * event loop) should drain the ring with the try_ forms instead.
 */
int vx_ring_send_wait(struct vx_ring *r, const void *msg, size_t len, uint64_t deadline);
int vx_ring_recv_wait(struct vx_ring *r, void *buf, size_t buflen, size_t *len_out,
		      uint64_t deadline);

/* Rings the peer's doorbell if it is waiting; returns the kernel's result or VX_OK. */
int vx_ring_kick(struct vx_ring *r);

/* Retypes two Rings of geometry arg (VX_RING_ARG) from Reticle ret into *a
 * and *b: VX_OK, or the retype's error with neither made.  A connection,
 * a socket: whoever pays for a pair makes both or none. */
int vx_ring_pair_make(vx_handle_t ret, uint32_t arg, vx_handle_t *a, vx_handle_t *b);

/*
 * Empties a Ring nobody is bound to before it is handed to someone new:
 * every message and every capability a client left queued is dropped (so
 * nothing it asked for is carried out on behalf of the next one), and a
 * control page it scribbled over is made whole, or the next client could
 * not bind it.  The Ring is bound for a moment at va, its doorbell on
 * bit, and the doorbell's wake-up is then forgotten.
 */
void vx_ring_drain(vx_handle_t ring, uint64_t va, uint32_t bit);

/*
 * The two calls of every round trip, inline: the common case (a sound
 * ring of the right role, a message of exactly one slot, room or a
 * message there) in a few dozen instructions and no call; a caller whose
 * length is a constant gets the slot copied without a call to memcpy.
 * Anything else (a short message to zero-fill, a full or empty ring, a
 * counter out of place, a sticky corruption, the wrong role) takes the
 * _full function, which decides it exactly as before: the fast path only
 * ever takes the case that function would take the same way, with the
 * same loads.
 */
/* A slot's copy: a constant whole number of 16-byte pieces is moved in
 * 16-byte loads and stores (gcc would otherwise pick rep movs, about one
 * instruction per four bytes); any other length goes to memcpy. */
static inline void vx_ring_copy(void *dst, const void *src, size_t n)
{
	if (__builtin_constant_p(n) && n % 16 == 0 && n <= 256) {
#pragma GCC unroll 16
		for (size_t i = 0; i < n; i += 16)
			__builtin_memcpy((uint8_t *)dst + i, (const uint8_t *)src + i, 16);
	} else {
		__builtin_memcpy(dst, src, n);
	}
}

static inline int vx_ring_try_send(struct vx_ring *r, const void *msg, size_t len)
{
	if (!r->corrupt && r->role == VX_RING_PRODUCER && len == r->slot_size) {
		uint32_t tail = __atomic_load_n(&r->ctl->tail, __ATOMIC_ACQUIRE);
		uint32_t mine = r->mine;

		/* tail in [seen, mine] and a slot free: as producer_space. */
		if (tail - r->seen <= mine - r->seen && mine - tail < r->slot_count) {
			r->seen = tail;
			vx_ring_copy(r->slots + (size_t)(mine & r->mask) * len, msg, len);
			r->mine = mine + 1;
			__atomic_store_n(&r->ctl->head, mine + 1, __ATOMIC_RELEASE);
			return VX_OK;
		}
	}
	return vx_ring_try_send_full(r, msg, len);
}

static inline int vx_ring_try_recv(struct vx_ring *r, void *buf, size_t buflen, size_t *len_out)
{
	if (!r->corrupt && r->role == VX_RING_CONSUMER && buflen >= r->slot_size) {
		uint32_t head = __atomic_load_n(&r->ctl->head, __ATOMIC_ACQUIRE);
		uint32_t mine = r->mine, used = head - mine;

		/* As consumer_avail: 1..slot_count filled, head not moved back. */
		if (used - 1 < r->slot_count && used >= r->seen - mine) {
			const uint8_t *slot = r->slots + (size_t)(mine & r->mask) * r->slot_size;
			r->seen = head;
			if (buflen == r->slot_size)
				vx_ring_copy(buf, slot, buflen);
			else
				vx_ring_copy(buf, slot, r->slot_size);
			r->mine = mine + 1;
			__atomic_store_n(&r->ctl->tail, mine + 1, __ATOMIC_RELEASE);
			if (len_out)
				*len_out = r->slot_size;
			return VX_OK;
		}
		if (used == 0 && r->seen == mine)
			return VX_E_EMPTY;
	}
	return vx_ring_try_recv_full(r, buf, buflen, len_out);
}

#endif
