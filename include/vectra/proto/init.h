/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The supervisor protocol, served by init over connections named "init"
 * (see rt/svc.h).  This is how the shell lists, stops and crashes
 * supervised Tasks, asks for memory figures, and obtains connections for
 * the programs it runs.
 *
 *   INIT_PS       data: u32 index -> struct init_task of the index-th
 *                 supervised Task, VX_E_NOTFOUND past the end
 *   INIT_KILL     data: name -> stops it and does not restart it
 *   INIT_CRASH    data: name -> fault injection: the Task is made to fault
 *                 (as if it had jumped to address 0), so that supervision
 *                 can be watched at work
 *   INIT_MEM      -> struct init_mem
 *   INIT_CONNECT  data: service name -> a new connection to that service:
 *                 two caps (req, rep: the client ends, ncaps = 2) and the
 *                 connection id in data (u32).  VX_E_NOTFOUND for no such
 *                 service, VX_E_FULL when the connection pool is exhausted.
 *   INIT_DISCONNECT data: u32 id -> the connection is returned to the pool
 *                 once both ends have unbound.
 * Any other op (0xffffffff included): VX_E_NOSYS (rt/svc.h).
 */
#ifndef VECTRA_PROTO_INIT_H
#define VECTRA_PROTO_INIT_H

#include <stdint.h>

enum init_op {
	INIT_PS = 1,
	INIT_KILL = 2,
	INIT_CRASH = 3,
	INIT_MEM = 4,
	INIT_CONNECT = 5,
	INIT_DISCONNECT = 6,
};

enum init_state {
	INIT_RUNNING = 1,
	INIT_RESTARTING = 2, /* waiting out its back-off */
	INIT_STOPPED = 3,    /* exited, killed, or given up on */
	INIT_GAVE_UP = 4,    /* crashed too often */
};

struct init_task {
	char name[32];
	uint32_t state; /* enum init_state */
	uint32_t restarts;
	uint32_t policy;       /* 1 always, 2 on-failure, 3 never */
	uint32_t last_fault;   /* enum vx_fault_kind of the last stop */
	uint64_t reticle_used; /* bytes its Reticle has handed out */
};

struct init_mem {
	uint64_t ram_total, ram_free; /* over every boot RAM Reticle */
	uint64_t conn_pool_used, conn_pool_max;
};

#endif
