/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzzk: the kernel syscall fuzzer at scale.  Shared by the supervisor
 * (tests/fuzzk/main.c, the root Task of fuzzk.img) and the worker
 * (tests/fuzzk/worker/, the one program in that image).
 *
 * The supervisor gives every worker a Reticle W of its own and starts the
 * worker in it; the worker makes syscalls until it has made its quota, or
 * stops itself, or stops making progress.  Either way its life ends there:
 * the supervisor resets W and checks that every byte of W is free again
 * (RETICLE_INFO before and after), then starts a new life in W with the
 * next seed.  Workers share two Rings each (one with either neighbour) and
 * one Reticle, carved from a Reticle S the supervisor resets last, and
 * each holds the next worker's Task, to halt and resume it.
 *
 * The one channel from a worker back is its status page: a Mem both map,
 * the worker writing, the supervisor reading once the worker has stopped
 * (or, for its progress counter only, while it runs).  Nothing in it is
 * trusted beyond what is printed: a worker that scribbled on its own page
 * can only make its own report wrong, and the leak and panic checks do not
 * depend on it.
 *
 * A worker checks every result as it gets it against the documented set
 * of its syscall (fz_documented, from docs/ABI.md), and records the first
 * FZ_BAD_MAX that are not with their index, so that a finding replays from
 * the worker's seed: the calls a seed makes are a function of the seed and
 * of the results the worker saw.
 */
#ifndef TESTS_FUZZK_FUZZK_H
#define TESTS_FUZZK_FUZZK_H

#include <stdint.h>
#include <vectra/abi.h>

#define FZ_WORKER_STATUS_VA 0x30000000ull /* the status page, in a worker */
#define FZ_BAD_MAX	    4u
#define FZ_STATUS_PAGES	    2u			/* pages of the status area */
#define FZ_NR_OTHER	    VX_SYS_COUNT	/* per_sys slot of numbers outside the table */
#define FZ_ERR_OTHER	    (1u - VX_E_LAST)	/* per_err slot of values below VX_E_LAST */
#define FZ_ERR_SLOTS	    (FZ_ERR_OTHER + 1u) /* slot 0: success; slot k: error -k */

/* One finding: a result outside the documented set, or a cap made by the
 * call at index that breaks a promise of docs/ABI.md (its rights, type,
 * narrow or size are not what was asked, or more than its source had). */
enum fz_finding { FZ_UNDOCUMENTED = 0, FZ_BROKEN_PROMISE = 1 };

struct fz_bad {
	uint64_t index; /* the worker's syscall index in this life */
	uint64_t nr;
	uint64_t arg[6];
	int64_t result;
	uint64_t kind; /* enum fz_finding */
};

/* The status page (one 4 KiB Mem per worker). */
struct fz_status {
	volatile uint64_t calls; /* syscalls made in this life; written after each */
	volatile uint64_t done;	 /* 1: the life made its quota */
	uint64_t seed;
	uint64_t random_calls; /* of calls, those with random numbers and arguments */
	uint32_t nbad;	       /* findings (bad[] keeps the first) */
	/* 1 from op_peer's halt of its peer (the next worker) to its resume:
	 * the watch leaves that worker halted meanwhile (main.c) */
	volatile uint32_t halting;
	struct fz_bad bad[FZ_BAD_MAX];
	/* results[nr][e]: calls of nr (FZ_NR_OTHER: outside the table) with
	 * result e (0: success; k: error -k; FZ_ERR_OTHER: below VX_E_LAST) */
	uint32_t results[VX_SYS_COUNT + 1][FZ_ERR_SLOTS];
};
_Static_assert(sizeof(struct fz_status) <= FZ_STATUS_PAGES * VX_PAGE_SIZE,
	       "fz_status fits its pages");

#define FZ_E(e) (1u << (unsigned)-(e))
/* Errors any handle argument can earn (docs/ABI.md section 2). */
#define FZ_HANDLE (FZ_E(VX_E_BADHANDLE) | FZ_E(VX_E_STALE) | FZ_E(VX_E_TYPE) | FZ_E(VX_E_RIGHTS))
/* Errors any user pointer can earn (section 1). */
#define FZ_PTR (FZ_E(VX_E_FAULT) | FZ_E(VX_E_RANGE))

/* The errors docs/ABI.md section 5 lists for syscall nr, as FZ_E bits. */
static inline uint32_t fz_documented(uint64_t nr)
{
	switch (nr) {
	case VX_SYS_CAP_INSPECT:
		return FZ_HANDLE | FZ_PTR;
	case VX_SYS_CAP_DERIVE:
		return FZ_HANDLE | FZ_E(VX_E_INVAL) | FZ_E(VX_E_FULL);
	case VX_SYS_CAP_DELETE:
	case VX_SYS_CAP_REVOKE:
	case VX_SYS_RETICLE_RESET:
	case VX_SYS_TASK_SUPERVISE:
		return FZ_HANDLE;
	case VX_SYS_RETICLE_RETYPE:
		return FZ_HANDLE | FZ_E(VX_E_INVAL) | FZ_E(VX_E_NOMEM) | FZ_E(VX_E_FULL) |
		       FZ_E(VX_E_RANGE) | FZ_E(VX_E_EXISTS);
	case VX_SYS_RETICLE_SPLIT:
		return FZ_HANDLE | FZ_E(VX_E_ALIGN) | FZ_E(VX_E_INVAL) | FZ_E(VX_E_DEPTH) |
		       FZ_E(VX_E_NOMEM) | FZ_E(VX_E_FULL);
	case VX_SYS_RETICLE_INFO:
	case VX_SYS_TASK_INSPECT:
		return FZ_HANDLE | FZ_PTR;
	case VX_SYS_TASK_MAP:
		return FZ_HANDLE | FZ_E(VX_E_INVAL) | FZ_E(VX_E_ALIGN) | FZ_E(VX_E_RANGE) |
		       FZ_E(VX_E_EXISTS) | FZ_E(VX_E_BUSY) | FZ_E(VX_E_AGAIN) | FZ_E(VX_E_NOMEM);
	case VX_SYS_TASK_UNMAP:
	case VX_SYS_TASK_HALT:
	case VX_SYS_RING_UNBIND:
	case VX_SYS_RING_NOTIFY:
		return FZ_HANDLE | FZ_E(VX_E_STATE);
	case VX_SYS_TASK_SET_REGS:
	case VX_SYS_TASK_RESUME:
		return FZ_HANDLE | FZ_E(VX_E_STATE) | FZ_E(VX_E_RANGE);
	case VX_SYS_TASK_REGS:
		return FZ_HANDLE | FZ_PTR | FZ_E(VX_E_STATE) | FZ_E(VX_E_RANGE) | FZ_E(VX_E_INVAL);
	case VX_SYS_TASK_START:
		return FZ_HANDLE | FZ_E(VX_E_STATE) | FZ_E(VX_E_FULL) | FZ_E(VX_E_EXISTS) |
		       FZ_E(VX_E_NOMEM);
	case VX_SYS_TASK_SET_PRIO:
	case VX_SYS_TASK_SET_AFFINITY:
		return FZ_HANDLE | FZ_E(VX_E_INVAL);
	case VX_SYS_TASK_EXIT:
	case VX_SYS_TASK_YIELD:
		return 0;
	case VX_SYS_CLOCK:
		return FZ_E(VX_E_RANGE); /* an idle clock of a CPU not online */
	case VX_SYS_BUNDLE_ADD:
		return FZ_HANDLE | FZ_PTR | FZ_E(VX_E_STATE) | FZ_E(VX_E_INVAL) |
		       FZ_E(VX_E_EXISTS) | FZ_E(VX_E_FULL);
	case VX_SYS_RING_BIND:
		return FZ_HANDLE | FZ_PTR | FZ_E(VX_E_INVAL) | FZ_E(VX_E_EXISTS) |
		       FZ_E(VX_E_ALIGN) | FZ_E(VX_E_NOMEM) | FZ_E(VX_E_AGAIN);
	case VX_SYS_RING_NOTIFY_WAIT:
		return FZ_HANDLE | FZ_E(VX_E_STATE) | FZ_E(VX_E_INVAL);
	case VX_SYS_RING_SEND_CAP:
		return FZ_HANDLE | FZ_E(VX_E_FULL);
	case VX_SYS_RING_RECV_CAP:
		return FZ_HANDLE | FZ_E(VX_E_EMPTY) | FZ_E(VX_E_FULL) | FZ_E(VX_E_REVOKED);
	case VX_SYS_SIG_WAIT:
		return FZ_E(VX_E_INVAL);
	case VX_SYS_SIG_RAISE:
		return FZ_HANDLE | FZ_E(VX_E_INVAL);
	case VX_SYS_IRQ_BIND:
		return FZ_HANDLE | FZ_E(VX_E_RANGE) | FZ_E(VX_E_INVAL) | FZ_E(VX_E_NOTFOUND);
	case VX_SYS_IRQ_ACK:
		return FZ_HANDLE | FZ_E(VX_E_RANGE) | FZ_E(VX_E_STATE) | FZ_E(VX_E_NOTFOUND);
	case VX_SYS_IOSPACE_CREATE:
		return FZ_HANDLE | FZ_E(VX_E_INVAL) | FZ_E(VX_E_RANGE) | FZ_E(VX_E_NOTFOUND) |
		       FZ_E(VX_E_STATE) | FZ_E(VX_E_EXISTS) | FZ_E(VX_E_FULL) | FZ_E(VX_E_NOMEM);
	case VX_SYS_IOSPACE_MAP:
		return FZ_HANDLE | FZ_E(VX_E_INVAL) | FZ_E(VX_E_EXISTS) | FZ_E(VX_E_ALIGN) |
		       FZ_E(VX_E_RANGE) | FZ_E(VX_E_AGAIN) | FZ_E(VX_E_BUSY) | FZ_E(VX_E_NOMEM);
	case VX_SYS_PORT_IN:
	case VX_SYS_PORT_OUT:
		return FZ_HANDLE | FZ_E(VX_E_INVAL) | FZ_E(VX_E_RANGE);
	case VX_SYS_CONSOLE_WRITE:
		return FZ_HANDLE | FZ_PTR | FZ_E(VX_E_TOOBIG);
	case VX_SYS_SIG_MINT:
		return FZ_HANDLE | FZ_E(VX_E_INVAL) | FZ_E(VX_E_FULL);
	default:
		return FZ_E(VX_E_NOSYS);
	}
}

/* Is r, the result of nr(arg...), a value or an error docs/ABI.md allows? */
static inline int fz_result_ok(uint64_t nr, const uint64_t arg[6], int64_t r)
{
	if (r < 0)
		return r >= VX_E_LAST && (fz_documented(nr) & FZ_E(r));
	switch (nr) {
	case VX_SYS_CAP_DERIVE:
	case VX_SYS_RETICLE_RETYPE:
	case VX_SYS_RETICLE_SPLIT:
	case VX_SYS_RING_RECV_CAP:
	case VX_SYS_SIG_MINT: /* a handle: slot 1..255, generation not 0 */
	case VX_SYS_IOSPACE_CREATE:
		return r <= 0xffffffffll && VX_HANDLE_INDEX(r) != 0 && VX_HANDLE_GEN(r) != 0;
	case VX_SYS_CAP_REVOKE:
	case VX_SYS_RING_SEND_CAP:
	case VX_SYS_PORT_IN:
	case VX_SYS_CLOCK:
	case VX_SYS_CONSOLE_WRITE:
	case VX_SYS_IRQ_ACK:
	case VX_SYS_IOSPACE_MAP:
		return 1; /* a count, a sequence number, a value, a time, a length, an address */
	case VX_SYS_IRQ_BIND: /* 0, or an MSI line's message */
		return r == 0 || (arg[1] >= VX_IRQ_MSI_FIRST && VX_MSI_DATA(r) != 0);
	case VX_SYS_SIG_WAIT: /* the fired bits: some of the mask */
		return ((uint64_t)r & ~(arg[0] & VX_SIG_ALL)) == 0;
	case VX_SYS_RING_NOTIFY_WAIT:
		return ((uint64_t)r & ~(arg[1] & VX_SIG_ALL)) == 0;
	case VX_SYS_TASK_REGS: /* 0, or RESUME_WAIT's fired bits: some of its mask */
		if ((arg[1] & ~(uint64_t)VX_REGS_NOFPU) == VX_REGS_RESUME_WAIT)
			return ((uint64_t)r & ~(arg[3] & VX_SIG_ALL)) == 0;
		return r == 0;
	default:
		return r == 0;
	}
}

/* The syscall's name, for reports. */
static inline const char *fz_sys_name(uint64_t nr)
{
	static const char *const names[VX_SYS_COUNT] = {
	    "CAP_INSPECT",    "CAP_DERIVE",    "CAP_DELETE",	"CAP_REVOKE",
	    "RETICLE_RETYPE", "RETICLE_SPLIT", "RETICLE_RESET", "RETICLE_INFO",
	    "TASK_MAP",	      "TASK_UNMAP",    "TASK_SET_REGS", "TASK_START",
	    "TASK_HALT",      "TASK_RESUME",   "TASK_INSPECT",	"TASK_SUPERVISE",
	    "TASK_SET_PRIO",  "TASK_EXIT",     "TASK_YIELD",	"BUNDLE_ADD",
	    "RING_BIND",      "RING_UNBIND",   "RING_NOTIFY",	"RING_NOTIFY_WAIT",
	    "RING_SEND_CAP",  "RING_RECV_CAP", "SIG_WAIT",	"SIG_RAISE",
	    "IRQ_BIND",	      "IRQ_ACK",       "PORT_IN",	"PORT_OUT",
	    "CONSOLE_WRITE",  "CLOCK",	       "SIG_MINT",	"TASK_SET_AFFINITY",
	    "IOSPACE_CREATE", "IOSPACE_MAP",   "TASK_REGS",
	};
	return nr < VX_SYS_COUNT ? names[nr] : "(none)";
}

#endif
