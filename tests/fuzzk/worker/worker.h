/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fuzzk worker, shared by its files: main.c (set-up, the one call
 * path every syscall takes, the random mix), ops.c (the structure-aware
 * mix), children.c (its operations that run code in other Tasks),
 * edges.c (affinity, Reticles at the nesting limit, deadlines at the edges
 * of time, foreign children served as a personality serves them) and
 * hunt3.c (the transfer queue at its wrap, children that trap, a syscall
 * at the top of user space, counts at their bounds), hunt4.c (a child
 * making the calls that hold the kernel lock shared, changed under),
 * hunt5.c (a child computing with the FPU images the worker writes) and
 * hunt6.c (a halted child's count stands still), hunt7.c (raises
 * from several CPUs at a waiter halted, moved, rewritten and deleted) and
 * hunt8.c (a call/reply pair beside a raiser, under the structure calls).
 *
 * Every syscall goes through fz_call, which counts it, checks its result
 * against the documented set and records a bad one on the status page.
 * The random generator is the worker's only source of choices, so a life
 * replays from its seed (up to what the timer and the other workers do).
 */
#ifndef TESTS_FUZZK_WORKER_WORKER_H
#define TESTS_FUZZK_WORKER_WORKER_H

#include "rt/vx.h"
#include "vx_string.h"
#include "../fuzzk.h"

/* The pool: handles this worker made or received, with what it believes
 * of them.  Some are stale by now (that is the point); a call that finds
 * one stale may forget it, and a full pool forgets (and deletes) one at
 * random.  The base caps (ret, common, out, in, irq, port) are apart: never deleted
 * on purpose, never forgotten. */
#define POOL_MAX  96
#define BASE_CAPS 8

struct held {
	vx_handle_t h;
	uint32_t type;
	uint32_t rights;
	uint64_t bits; /* a Signal's bits */
};

struct worker {
	struct fz_status *st;
	vx_handle_t self;   /* READ | CONTROL, never in the pool */
	vx_handle_t ret;    /* "ret": this worker's Reticle, inside its W */
	vx_handle_t common; /* "common": one Reticle every worker shares */
	vx_handle_t out;    /* "out": the Ring shared with the next worker */
	vx_handle_t in;	    /* "in": the Ring shared with the previous worker */
	vx_handle_t peer;   /* "peer": the next worker's Task (READ | CONTROL), or 0 */
	uint64_t quota;
	struct held base[BASE_CAPS];
	struct held pool[POOL_MAX];
	unsigned npool;
};

extern struct worker w;

uint64_t rnd(void);
/* rnd() % n, for n > 0 */
static inline uint64_t pick(uint64_t n)
{
	return rnd() % n;
}

/* The one way to make a syscall here; returns its result. */
int64_t fz_call(uint64_t nr, uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
		uint64_t f);

/* Records a finding of this kind about call nr(arg...) -> r, made at
 * index (fuzzk.h). */
void fz_finding(uint64_t kind, uint64_t index, uint64_t nr, const uint64_t arg[6], int64_t r);

/* Pool: remember h (a result: ignored unless a handle). */
void keep(int64_t h, uint32_t type, uint32_t rights, uint64_t bits);
/* A held cap, usually of type (0: any type); never NULL. */
struct held *choose(uint32_t type);
/* Forgets the pool entry for h, if any (a base cap is never forgotten). */
void forget(vx_handle_t h);

/* Mutations around valid values. */
vx_handle_t mut_handle(vx_handle_t h);
uint32_t mut_rights(uint32_t r);
uint64_t mut_len(uint64_t n);
uint64_t mut_ptr(void *valid, uint64_t len);

/* The worker's windows, and where its children's code goes. */
#define WIN_BASE  0x40000000ull /* Mems and Rings are mapped here */
#define WIN_SIZE  0x200000ull
#define WINS	  16u
#define CODE_WIN  (WIN_BASE + WINS * WIN_SIZE) /* where a child's code is written */
#define CHILD_IP  0x400000ull
#define CHILD_SIG (1ull << 50) /* raised when a child stops: polled, never waited for */

/* ops.c: helpers the operations share. */
uint64_t mut_vaddr(uint64_t va);		 /* mostly va, else just off it or a boundary */
vx_handle_t hnd(const struct held *c);		 /* c's handle, mutated a little */
int64_t pruned(int64_t r, const struct held *c); /* r; forgets c if r says it is gone */
const struct held *ring_end(void);		 /* a Ring, the shared ones half the time */

/* One structure-aware operation (one or a few syscalls). */
void structured_op(void);
/* children.c: operations on the worker's children and its peer. */
void op_child_start(void);
void op_child_control(void);
void op_syscaller(void);
void op_kwait(void);
void op_peer(void);
/* Writes len bytes of code into a new Mem from ret, mapped executable into
 * t at CHILD_IP; appends "mov r32, v" for register reg to code at *n. */
/* Maps code into child t at CHILD_IP, in a page carved from ret: false
 * when it is not there (a full Reticle), and the child would only fault
 * fetching its first instruction. */
bool load_code(vx_handle_t ret, vx_handle_t t, const uint8_t *code, unsigned len);
void mov32(uint8_t *code, unsigned *n, unsigned reg, uint32_t v);
/* Starts child t, whose code and registers are set: supervised through
 * sig (when > 0), at a random low priority, on one random CPU half the
 * time.  False, with t deleted, if TASK_START refused. */
bool start_child(int64_t t, int64_t sig);
/* edges.c: what the rest of the mix reaches too rarely. */
void op_affinity(void);
void op_deep(void);
void op_deadline(void);
void op_foreign(void);
void op_pingpong(void);
/* hunt3.c: the transfer queue at its wrap, trapping children, a syscall
 * at the top of user space, counts at their bounds. */
void op_xfer_wrap(void);
void op_trapper(void);
void op_topcall(void);
void op_counts(void);
/* hunt4.c: shared calls made without pause beside halts, moves, deletes. */
void op_shared_storm(void);
/* hunt5.c: FPU images written into a child computing with them. */
void op_fpu_storm(void);
/* hunt6.c: a child counting in shared memory, halted: the count stands. */
void op_halt_count(void);
/* hunt7.c: raises from several CPUs at a waiter whose life goes on. */
void op_wake_storm(void);
/* What an inspect of a storm's child may answer: it runs or waits, or was
 * halted by us (then halted, nothing else), or it faulted fetching code
 * whose page the pool deleted to make room (keep). */
bool child_state_ok(const struct vx_task_info *ti, bool halted);
/* hunt8.c: a call/reply pair and a raiser at it, under the structure calls. */
void op_pair_storm(void);
/* One call with random number and arguments. */
void random_call(void);

#endif
