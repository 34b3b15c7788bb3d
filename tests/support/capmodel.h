/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A model-based test engine for the capability system.
 *
 * The engine drives the real kernel/core code (compiled for the host over
 * the seams in karch_host.c) with long random sequences of syscalls, issued
 * by several Tasks with handles that are valid, stale, of the wrong type or
 * random.  Beside the kernel it keeps its own small model of the same world:
 * objects and the Reticle each came from, capabilities with their rights,
 * derivation parents and where they are held, handle-table generations,
 * mappings, page tables, transfer queues, Bundles and every byte of every
 * Reticle.  For each call the model predicts the result (an exact error
 * code, handle, count or sequence number), the kernel runs it, and then
 * the whole kernel state is compared with the model (see capmodel.c).
 *
 * Choices come from a seeded generator (the fixed budget in make test) or
 * from the bytes of a fuzz input (tests/fuzz/fuzz_caps.c), so libFuzzer's
 * mutations become operation sequences.
 *
 * A chaos stretch (the rest of cfg.chaos_pct % of epochs) instead leaves
 * each call's queued work pending while other Tasks act, as they can on
 * the real kernel; results then depend on how far the work has got, so
 * only the kernel's own invariants are checked, and that every byte comes
 * back at the end.
 *
 * One world exists at a time: the kernel's globals are the world's.
 */
#ifndef TESTS_SUPPORT_CAPMODEL_H
#define TESTS_SUPPORT_CAPMODEL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Known kernel bugs the engine can step around (or expect) so that the rest
 * of the system can still be tested on a kernel that has them.  Each names
 * a finding of issue 7; the default is none. */
enum cm_bug {
	/* A transfer slot (Ring or Bundle) emptied by revoke/reset is moved
	 * into a handle table: never receive or start with one. */
	CM_BUG_XFER_EMPTIED = 1u << 0,
	/* SIG_MINT gives GRANT|CONTROL whatever the Task cap holds. */
	CM_BUG_SIGMINT = 1u << 1,
	/* A new Task gets VX_PRIO_DEFAULT whatever its creator's priority. */
	CM_BUG_PRIO = 1u << 2,
	/* Destruction recurses once per link of a Reticle chain: do not
	 * check the stack depth. */
	CM_BUG_RECURSION = 1u << 3,
	/* CAP_INSPECT of a Ring does not report the transfer queue's length. */
	CM_BUG_RING_INSPECT = 1u << 4,
	/* A wait returns its bits as the syscall's result, so bit 63 makes it
	 * negative (an "error"), and exactly SYS_BLOCKED or SYS_RESTART is
	 * taken for the dispatcher's own codes: never wait for bit 63. */
	CM_BUG_SIGBIT63 = 1u << 5,
	/* A Reticle queued for destruction ahead of an object carved from it
	 * releases that object before it is destroyed: do not fail on it. */
	CM_BUG_DOUBLE_RELEASE = 1u << 6,
};

struct cm_config {
	uint64_t ram_bytes;	   /* the root Reticle (default 8 MiB) */
	unsigned known_bugs;	   /* enum cm_bug */
	unsigned epoch_steps;	   /* steps before the world is torn down (default 3000) */
	size_t stack_limit;	   /* deepest host stack one syscall may use (default 8 KiB) */
	unsigned chain_max;	   /* longest Reticle chain a scenario builds (default 96) */
	unsigned full_check_every; /* full page-table walk every N steps (default 32) */
	unsigned chaos_pct;	   /* % of epochs that end interleaving queued work (default 0) */
};

struct cm_stats {
	uint64_t steps, calls, ok, errors, epochs, restarts, revoked, destroyed, chains;
	uint64_t shared, shared_declined; /* calls run in their shared form; sent on */
	size_t stack_max;
};

struct cm_world;

/* Builds the world: a root Reticle over a host buffer and a root Task. */
struct cm_world *cm_create(const struct cm_config *cfg);
void cm_destroy(struct cm_world *w);

/* Where choices come from: a seeded generator, or a fuzz input (when it
 * runs out, cm_step returns CM_DONE). */
void cm_seed(struct cm_world *w, uint64_t seed);
void cm_input(struct cm_world *w, const uint8_t *data, size_t size);

enum { CM_OK = 0, CM_FAIL = 1, CM_DONE = 2 };

/* One operation (or a short scenario of them), every invariant checked. */
int cm_step(struct cm_world *w);

/* Tears the world down (resets the root Reticle) and checks that every
 * byte came back; then builds a fresh one.  CM_OK or CM_FAIL. */
int cm_end_epoch(struct cm_world *w);

/* The first failure, and the trace of the operations that led to it. */
const char *cm_error(const struct cm_world *w);
void cm_print_trace(const struct cm_world *w, FILE *f);
const struct cm_stats *cm_stats(const struct cm_world *w);

#endif
