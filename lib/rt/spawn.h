/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Spawning a Task from an ELF image, entirely in user land.
 *
 * The parent names the Reticle that pays for the child (its Task object,
 * Bundle, segments, stack and page tables) and its own Task capability, which
 * it needs to map the child's frames into itself for the copy.  Typical use:
 *
 *     struct vx_spawn sp = { .self = self, .reticle = child_ret };
 *     vx_spawn_load(&sp, elf, len, 16, "args");   // task and bundle exist now
 *     vx_bundle_add(sp.bundle, "log", 3, console, VX_R_WRITE);
 *     vx_spawn_start(&sp);
 *
 * The child starts at its ELF entry with rdi = its Bundle page and
 * rsi = a copy of args (NUL-terminated, on the top of its stack), so its
 * main is main(bundle, args).  Below its stack one page is left unmapped,
 * so a stack overflow faults instead of running into other memory.
 *
 * The stack ends at VX_SPAWN_STACK_TOP, just below 2 MiB, so that it shares
 * its page table with the Bundle page: a small child then needs four
 * page-table pages rather than seven.  That bounds a spawned stack at
 * VX_SPAWN_STACK_MAX_PAGES (about 1.9 MiB).
 *
 * The MemCaps of the child's segments and stack stay in the parent's table
 * (mapped into the child).  Reset the child's Reticle to reclaim everything.
 */
#ifndef VX_RT_SPAWN_H
#define VX_RT_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "rt/syscall.h"

#define VX_SPAWN_SCRATCH_VA	 0x0000700000000000ull /* parent-side copy window */
#define VX_SPAWN_STACK_TOP	 0x00000000001f0000ull
#define VX_SPAWN_STACK_MAX_PAGES ((VX_SPAWN_STACK_TOP - 0x20000) / 4096)
#define VX_SPAWN_ARGS_MAX	 1024u

struct vx_spawn {
	vx_handle_t self;    /* in: the parent's own Task capability */
	vx_handle_t reticle; /* in: pays for the child */
	vx_handle_t task;    /* out: the child's Task capability */
	vx_handle_t bundle;  /* out: the child's Bundle, to fill before start */
	uint64_t entry;	     /* out */
};

/* Builds the child (not yet started).  Errors: those of vx_elf_parse, and of
 * the retype/map syscalls (VX_E_NOMEM when the Reticle is too small);
 * VX_E_TOOBIG for args longer than VX_SPAWN_ARGS_MAX; VX_E_INVAL for a
 * stack of fewer than 2 or more than VX_SPAWN_STACK_MAX_PAGES pages. */
int vx_spawn_load(struct vx_spawn *sp, const void *elf, size_t len, uint32_t stack_pages,
		  const char *args);

/* Starts the child with its Bundle. */
int vx_spawn_start(struct vx_spawn *sp);

/*
 * The one way a supervisor reads its bit (supervision is described in
 * include/vectra/proto/init.h): the bit only says "look", the Task's state
 * says what happened.  Inspects task into *ti and returns true if it has
 * stopped (FAULTED or EXITED; ti->fault is the record), false otherwise: a
 * bit left over from an earlier life or child, a Task that runs, waits or
 * was halted, or a handle that no longer names a Task.
 */
bool vx_task_stopped(vx_handle_t task, struct vx_task_info *ti);

#endif
