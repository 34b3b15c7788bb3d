/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ring: the one IPC object.  Read this comment and you can write a correct
 * producer or consumer.
 *
 * WHAT A RING IS
 *
 * A Ring is a single-producer/single-consumer queue of fixed-size slots in
 * memory shared by two Tasks, plus a small queue inside the kernel for
 * passing capabilities.  A Ring object is retyped from a Reticle with
 * VX_RING_ARG(slot_log2, count_log2); its memory is one control page followed
 * by count * slot_size bytes of slots, rounded up to whole pages.
 *
 *     vaddr + 0        struct vx_ring_ctl   (the control page)
 *     vaddr + 4096     slot 0, slot 1, ... slot count-1
 *
 * BINDING
 *
 * A Task maps the Ring by VX_SYS_RING_BIND(ring, role, vaddr, wake_bit, &info).
 * The role must be allowed by the capability: VX_R_PRODUCE to produce,
 * VX_R_CONSUME to consume.  The kernel checks the capability here and never
 * again: sending and receiving are plain memory operations.  At most one
 * producer and one consumer are bound at a time (a second bind of the same
 * role gets VX_E_EXISTS).  wake_bit is the bit of the binder's own signal
 * mask that the peer's VX_SYS_RING_NOTIFY raises.  The kernel returns the
 * geometry in struct vx_ring_info; the geometry fields in the control page
 * are informational only, since the peer can overwrite them.
 *
 * THE INDEX PROTOCOL
 *
 * head and tail are free-running 32-bit counters; a slot index is the
 * counter modulo count (count is a power of two, at most 4096, so the
 * difference of two counters is always exact).
 *
 *     head   written only by the producer: the number of slots published
 *     tail   written only by the consumer: the number of slots released
 *     used = head - tail       (mod 2^32)
 *
 *   empty: used == 0            full: used == count
 *   corrupt: used > count.  The peer shares this memory and may scribble
 *   over it at will, so every side validates what it reads: a consumer that
 *   sees used > count, or a producer that sees tail move backwards or past
 *   head, reports VX_E_CORRUPT and touches no slot.  Slot offsets are
 *   computed from the kernel-reported geometry, never from the control page,
 *   so a scribbled ring cannot make either side read or write out of bounds.
 *
 * The seven steps of one message:
 *   1. producer loads tail (acquire) and checks used < count;
 *   2. producer writes the message into slot head % count;
 *   3. producer stores head + 1 (release): the message is published;
 *   4. producer checks consumer_waiting and, if set, rings the doorbell;
 *   5. consumer loads head (acquire) and checks used > 0;
 *   6. consumer copies the message out of slot tail % count;
 *   7. consumer stores tail + 1 (release): the slot is free again, and if
 *      producer_waiting is set it rings the producer's doorbell.
 *
 * SLEEPING AND DOORBELLS (the four corner cases)
 *
 * Nobody makes a syscall while the ring is neither empty nor full.  A side
 * that must wait sets its flag, re-checks, and only then sleeps:
 *
 *   consumer finds it empty:  consumer_waiting = 1; full fence; re-read head;
 *                             still empty -> VX_SYS_SIG_WAIT on its wake bit.
 *   producer publishes:       store head; full fence; consumer_waiting set ->
 *                             VX_SYS_RING_NOTIFY (raises the consumer's bit).
 *   producer finds it full:   producer_waiting = 1; full fence; re-read tail;
 *                             still full -> VX_SYS_SIG_WAIT on its wake bit.
 *   consumer frees a slot:    store tail; full fence; producer_waiting set ->
 *                             VX_SYS_RING_NOTIFY (raises the producer's bit).
 *
 * The fences pair up (each side writes its flag, then reads the other's
 * index; the other writes its index, then reads the flag), so at least one
 * side sees the other: a wakeup is never lost.  A doorbell may be spurious;
 * signal bits are sticky, so a waker never has to know whether the sleeper
 * has gone to sleep yet.  The waiter clears its own flag when it wakes.
 *
 * A request/reply pair uses two Rings.  VX_SYS_RING_NOTIFY_WAIT rings the
 * peer's doorbell and waits on the caller's mask in one syscall: the woken
 * peer goes to the tail of its priority's run queue, and the caller, now
 * blocked, gives up the CPU, so when nothing else of that priority is
 * ready the peer runs next.  (There is no direct switch yet.)
 *
 * HANG-UP
 *
 * The kernel keeps ctl->bound up to date (VX_RING_BOUND_PRODUCER and
 * VX_RING_BOUND_CONSUMER) at every bind and unbind, including the unbind
 * that happens when a Task or its capability dies, and raises the other
 * end's wake bit when an end goes away.  A side that wakes and finds its
 * peer's bit clear knows the peer has gone.  The field also counts binds of
 * each role (modulo 256), so a peer that bound and left between two looks
 * is still noticed.  The field is written only by
 * the kernel; a peer that overwrites it lies only about itself.
 *
 * CAPABILITIES AND BULK DATA
 *
 * Capabilities cannot travel in shared memory.  The producer passes one with
 * VX_SYS_RING_SEND_CAP(ring, h, rights), which copies it (rights narrowed,
 * VX_R_GRANT required) into the Ring's kernel-side transfer queue of
 * VX_RING_XFER_MAX entries and returns its sequence number; the message
 * names the capability by that number.  The consumer takes capabilities in
 * the same order with VX_SYS_RING_RECV_CAP; a send raises the bound
 * consumer's wake bit.  Sending needs only the producer right, not a
 * binding, so a Ring can also serve as a "port" whose slots are never used:
 * whoever holds its producer right can hand capabilities to its consumer.
 * Bulk payloads travel as a MemCap handed over this way and mapped by the
 * receiver: zero copy.
 */
#ifndef VECTRA_RING_H
#define VECTRA_RING_H

#include <stdint.h>
#include <stddef.h>

#define VX_RING_MAGIC	       0x474e4952u /* "RING" */
#define VX_RING_BOUND_PRODUCER 0x1u
#define VX_RING_BOUND_CONSUMER 0x2u
/* ctl->bound also counts binds, modulo 256: producer binds in bits 16..23,
 * consumer binds in bits 24..31. */
#define VX_RING_PRODUCER_BIND1	      (1u << 16)
#define VX_RING_CONSUMER_BIND1	      (1u << 24)
#define VX_RING_PRODUCER_BINDS(bound) (((bound) >> 16) & 0xffu)
#define VX_RING_XFER_MAX	      16u
#define VX_CACHELINE		      64u

struct vx_ring_ctl {
	/* Written once by the kernel at retype; informational only. */
	uint32_t magic;
	uint32_t slot_size;
	uint32_t slot_count;
	uint32_t bound; /* kernel-written: VX_RING_BOUND_* of the ends bound now */
	uint8_t pad0[VX_CACHELINE - 16];
	/* Producer's cache line. */
	uint32_t head;
	uint32_t producer_waiting;
	uint8_t pad1[VX_CACHELINE - 8];
	/* Consumer's cache line. */
	uint32_t tail;
	uint32_t consumer_waiting;
	uint8_t pad2[VX_CACHELINE - 8];
};
_Static_assert(sizeof(struct vx_ring_ctl) == 3 * VX_CACHELINE, "vx_ring_ctl layout");
_Static_assert(offsetof(struct vx_ring_ctl, head) == 64, "vx_ring_ctl layout");
_Static_assert(offsetof(struct vx_ring_ctl, tail) == 128, "vx_ring_ctl layout");

#define VX_RING_SLOTS_OFFSET 4096u

/* Filled in by VX_SYS_RING_BIND: the geometry both sides must trust. */
struct vx_ring_info {
	uint64_t vaddr;	     /* where the control page was mapped */
	uint32_t slot_size;  /* bytes per slot, a power of two, 64..4096 */
	uint32_t slot_count; /* slots, a power of two, 1..4096 */
	uint32_t role;	     /* VX_RING_PRODUCER or VX_RING_CONSUMER */
	uint32_t wake_bit;   /* the binder's bit the peer's doorbell raises */
	uint64_t bytes;	     /* total mapped bytes (control page + slots) */
};
_Static_assert(sizeof(struct vx_ring_info) == 32, "vx_ring_info layout");

#endif
