/* SPDX-License-Identifier: BSD-3-Clause */
/* Error codes as text (see rt/errstr.h).  One row per enum vx_error. */
#include "rt/errstr.h"
#include <vectra/abi.h>

struct errtext {
	const char *name;
	const char *both;
};

/* Indexed by -err; the table must cover VX_OK..VX_E_LAST exactly. */
static const struct errtext texts[] = {
    [-VX_OK] = {"VX_OK", "VX_OK (success)"},
    [-VX_E_BADHANDLE] = {"VX_E_BADHANDLE", "VX_E_BADHANDLE (malformed handle)"},
    [-VX_E_STALE] = {"VX_E_STALE", "VX_E_STALE (handle names a deleted capability)"},
    [-VX_E_TYPE] = {"VX_E_TYPE", "VX_E_TYPE (wrong object type)"},
    [-VX_E_RIGHTS] = {"VX_E_RIGHTS", "VX_E_RIGHTS (missing right)"},
    [-VX_E_NOMEM] = {"VX_E_NOMEM", "VX_E_NOMEM (out of memory in the Reticle)"},
    [-VX_E_FAULT] = {"VX_E_FAULT", "VX_E_FAULT (bad pointer)"},
    [-VX_E_INVAL] = {"VX_E_INVAL", "VX_E_INVAL (invalid argument)"},
    [-VX_E_RANGE] = {"VX_E_RANGE", "VX_E_RANGE (out of range)"},
    [-VX_E_FULL] = {"VX_E_FULL", "VX_E_FULL (table or queue full)"},
    [-VX_E_EMPTY] = {"VX_E_EMPTY", "VX_E_EMPTY (nothing to receive)"},
    [-VX_E_STATE] = {"VX_E_STATE", "VX_E_STATE (wrong state for this operation)"},
    [-VX_E_NOTFOUND] = {"VX_E_NOTFOUND", "VX_E_NOTFOUND (no such name)"},
    [-VX_E_EXISTS] = {"VX_E_EXISTS", "VX_E_EXISTS (already exists)"},
    [-VX_E_NOSYS] = {"VX_E_NOSYS", "VX_E_NOSYS (no such operation)"},
    [-VX_E_TIMEOUT] = {"VX_E_TIMEOUT", "VX_E_TIMEOUT (deadline passed)"},
    [-VX_E_CORRUPT] = {"VX_E_CORRUPT", "VX_E_CORRUPT (shared data failed validation)"},
    [-VX_E_ALIGN] = {"VX_E_ALIGN", "VX_E_ALIGN (misaligned address or size)"},
    [-VX_E_DEPTH] = {"VX_E_DEPTH", "VX_E_DEPTH (nesting limit reached)"},
    [-VX_E_AGAIN] = {"VX_E_AGAIN", "VX_E_AGAIN (not ready, try again)"},
    [-VX_E_AUTH] = {"VX_E_AUTH", "VX_E_AUTH (authentication failed)"},
    [-VX_E_TOOBIG] = {"VX_E_TOOBIG", "VX_E_TOOBIG (exceeds a size limit)"},
    [-VX_E_REVOKED] = {"VX_E_REVOKED", "VX_E_REVOKED (capability revoked before it was received)"},
    [-VX_E_BUSY] = {"VX_E_BUSY", "VX_E_BUSY (object in use in a conflicting way)"},
    [-VX_E_REFUSED] = {"VX_E_REFUSED", "VX_E_REFUSED (connection refused)"},
    [-VX_E_RESET] = {"VX_E_RESET", "VX_E_RESET (connection reset by the peer)"},
    [-VX_E_UNREACH] = {"VX_E_UNREACH", "VX_E_UNREACH (host unreachable)"},
    [-VX_E_HANGUP] = {"VX_E_HANGUP", "VX_E_HANGUP (the other end went away)"},
};
_Static_assert(sizeof(texts) / sizeof(texts[0]) == 1 - VX_E_LAST,
	       "one text per error code, VX_OK..VX_E_LAST");

static const struct errtext *lookup(int err)
{
	if (err > VX_OK || err < VX_E_LAST)
		return NULL;
	return &texts[-err];
}

const char *vx_strerror(int err)
{
	const struct errtext *t = lookup(err);

	return t ? t->both : "unknown error";
}

const char *vx_errname(int err)
{
	const struct errtext *t = lookup(err);

	return t ? t->name : "VX_E_?";
}

const char *vx_fault_name(unsigned kind)
{
	static const char *const names[] = {
	    [VX_FAULT_NONE] = "none",	      [VX_FAULT_EXIT] = "exit",
	    [VX_FAULT_PAGE] = "page fault",   [VX_FAULT_GP] = "general protection fault",
	    [VX_FAULT_UD] = "invalid opcode", [VX_FAULT_DE] = "divide error",
	    [VX_FAULT_OTHER] = "exception",   [VX_FAULT_KILLED] = "killed",
	    [VX_FAULT_DMA] = "blocked DMA",   [VX_FAULT_SYSCALL] = "foreign syscall",
	};
	return kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "fault";
}
