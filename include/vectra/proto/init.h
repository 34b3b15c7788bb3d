/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Supervision, and init's protocol.  Read this comment and you can write a
 * correct supervisor; init and vshell are two.
 *
 * WHAT RAISES THE SUPERVISOR'S BIT
 *
 * VX_SYS_TASK_SUPERVISE(task, signal) names a Signal capability (the
 * kernel keeps a copy, a child of it); the Task's stops raise its bits in
 * the mask of the Task it names, the supervisor's own.  A Task stops, and
 * the bits go up once, when:
 *
 *   it faults   any exception (VX_FAULT_PAGE, _GP, _UD, _DE, ...), or the
 *               kernel refusing to return to a non-canonical frame (_GP):
 *               it is halted in VX_TASK_FAULTED;
 *   it exits    VX_SYS_TASK_EXIT(code): VX_TASK_EXITED, kind VX_FAULT_EXIT.
 *
 * Nothing else raises them.  Not VX_SYS_TASK_HALT (the halter knows), not
 * the Task's destruction by a Reticle reset or its last capability going
 * (the destroyer knows; a destroyed Task is gone, not faulted, which is why
 * VX_FAULT_KILLED is never produced), not waiting, not a resume.  A Task
 * without a supervisor that faults is reported on the kernel console and
 * stays FAULTED; one that exits just stops.
 *
 * THE FAULT RECORD
 *
 * The bit carries no data.  The record, struct vx_fault {kind, code, addr,
 * ip, exit_code} in the Task, does: VX_SYS_TASK_INSPECT reads it.  It is
 * written when the Task stops and lives as long as the Task, until
 * VX_SYS_TASK_RESUME clears it (a faulted Task resumed retries its
 * instruction, or starts where VX_SYS_TASK_SET_REGS put it).  An EXITED
 * Task cannot be resumed: its record lasts until it is destroyed.
 *
 * STALE BITS
 *
 * Signal bits are sticky and say nothing about which life raised them.  A
 * bit can still be pending when the Task it was meant for is gone: a
 * service faults just as init handles INIT_KILL for it, or the shell's
 * Ctrl-C halts a child at the moment it faults and the next child is
 * supervised on the same bit.  So a bit is only a hint: every supervisor
 * answers it with vx_task_stopped(task, &info) (rt/spawn.h) on the Task it
 * supervises now, and acts only if that Task is FAULTED or EXITED;
 * otherwise the bit was stale and is dropped (init drops it sooner when it
 * supervises no life on that bit: the service is not INIT_RUNNING).  Do
 * not clear the bit before starting a Task instead: the bit and the Task's
 * state would then be two truths.
 *
 * WHEN A SUPERVISOR DIES
 *
 * The kernel's copy of the Signal capability names the Task whose mask it
 * raises, the supervisor itself in init and vshell, so it dies with the
 * supervisor: its Tasks become unsupervised (a later fault is only
 * reported on the kernel console).  In practice they die too: a supervisor
 * pays for its children from its own Reticle (vshell runs programs in a
 * Reticle split from its "ret"), and init's reset of the supervisor's
 * Reticle destroys everything carved from it.  init, the
 * root, has no supervisor: if it stops, its services' bits are raised in a
 * mask nobody waits on, and a service that stops stays stopped.
 *
 * INIT'S POLICY
 *
 * init supervises service i on bit SERVICE_BIT0 + i of its own mask, one
 * bit per service.  When the bit fires and vx_task_stopped says so, init
 * prints the record, resets the service's Reticle (every byte of that
 * life back in one step; its connections live in init's pool and
 * survive, so clients see a pause), and applies the manifest's policy:
 *
 *   always      restart it, whatever the exit code;
 *   on-failure  restart it unless it exited with code 0;
 *   never       leave it INIT_STOPPED.
 *
 * A restart waits out a back-off of 10 ms << (n - 1), at most 1 s, where n
 * counts the stops in a row: a stop within 10 s of that life's start adds
 * one, a later stop starts again at 1.  At n = 3 init gives up instead
 * (INIT_GAVE_UP, "giving up on it"), so today the back-offs are 10 ms then
 * 20 ms.  INIT_KILL resets the service's Reticle and leaves it
 * INIT_STOPPED until INIT_START.  INIT_CRASH halts the service, points it at
 * address 0 and resumes it: it faults as a bug would and the policy above
 * takes its course.
 *
 * THE PROTOCOL
 *
 * init serves it over connections named "init" (see rt/svc.h).  This is
 * how the shell lists, stops and crashes supervised Tasks, asks for memory
 * figures, and obtains connections for the programs it runs.
 *
 *   INIT_PS       data: u32 index -> struct init_task of the index-th
 *                 supervised Task, VX_E_NOTFOUND past the end
 *   INIT_KILL     data: name -> stops it and does not restart it;
 *                 VX_E_BUSY for a service whose policy is "always" (the
 *                 console, the shell: stopping one for good would leave
 *                 nothing to type into), VX_E_STATE if it is not running
 *   INIT_CRASH    data: name -> fault injection: the Task is made to fault
 *                 (as if it had jumped to address 0), so that supervision
 *                 can be watched at work
 *   INIT_START    data: name -> starts a stopped service (killed, given up
 *                 on, or stopped under its policy) again, with its count
 *                 of stops in a row back at 0; VX_E_STATE if it is
 *                 running or waiting to restart
 *   INIT_MEM      -> struct init_mem
 *   INIT_CONNECT  data: service name -> a new connection to that service:
 *                 two caps (req, rep: the client ends, ncaps = 2) and the
 *                 connection id in data (u32).  VX_E_NOTFOUND for no such
 *                 service, VX_E_FULL when the connection pool is exhausted
 *                 (or a new connection would leave fewer than
 *                 INIT_HANDLES_KEPT / 2 of init's handles free).  A
 *                 connection whose client ends nobody binds within
 *                 INIT_CONN_UNCLAIMED_NS goes back to the pool.
 *                 The server's ends go to its port when both fit in its
 *                 transfer queue; until then the pair waits in init
 *                 (services/init/pure_broker.h).  "SERVE.GRANT" names a
 *                 narrowed connection to a service whose manifest says
 *                 "serve SERVE attached": init writes GRANT as the pair's
 *                 attach record (rt/svc.h), and the service decides what
 *                 it may do (netd: docs/NET.md, "Grants"); VX_E_NOTFOUND
 *                 if SERVE's service is not attached.
 *   INIT_DISCONNECT data: u32 id -> the connection is returned to the pool
 *                 once both ends have unbound.  A connection whose asker's
 *                 life ends is returned the same way without it (devd's
 *                 drivers die with devd, the shell's programs with it).
 *   INIT_PAIR     struct init_pair_req {slot_log2, count_log2} -> two
 *                 Rings of that geometry (ncaps = 2, each with
 *                 VX_R_PRODUCE | VX_R_CONSUME | VX_R_GRANT) and the pair's
 *                 id in data (u32), for the asker to share with a Task of
 *                 its choosing, deriving narrowed ends for it (netd's
 *                 sockets).  init owns them, so neither side's death pulls
 *                 the memory from under the other: the other side finds
 *                 the dead one's end unbound.  A pair belongs to the
 *                 connection that asked, for that life of its client; once
 *                 that life has ended and neither Ring has an end bound,
 *                 init revokes every capability to them, empties them and
 *                 reuses them.  Until then the asker may reuse a pair as it
 *                 likes (revoking what it derived).  VX_E_INVAL: a reserved
 *                 field not 0, slot_log2 outside INIT_PAIR_SLOT_LOG2_MIN..
 *                 INIT_PAIR_SLOT_LOG2_MAX, count_log2 over
 *                 INIT_PAIR_COUNT_LOG2_MAX, or more than INIT_PAIR_BYTES_MAX
 *                 bytes of slots; VX_E_FULL: all INIT_PAIR_MAX pairs are
 *                 taken, or this connection holds INIT_PAIR_PER_CONN;
 *                 VX_E_NOMEM: the pairs' pool is spent, or no pair of
 *                 that geometry is free and a new one would leave fewer
 *                 than INIT_HANDLES_KEPT of init's handles free (a free
 *                 pair of another geometry is made again instead).
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
	INIT_PAIR = 7,
	INIT_START = 8,
};

#define INIT_PAIR_MAX		 64u
#define INIT_PAIR_PER_CONN	 48u
#define INIT_PAIR_SLOT_LOG2_MIN	 6u
#define INIT_PAIR_SLOT_LOG2_MAX	 12u
#define INIT_PAIR_COUNT_LOG2_MAX 6u
#define INIT_PAIR_BYTES_MAX	 (64u * 1024u) /* slot bytes of one Ring */
/* Slots of init's own handle table that no client request may take: a new
 * INIT_PAIR pair is made only while this many stay free, a new connection
 * only while half of them do, so that init can always restart a service
 * (a few handles at a time).  A pair or connection init made before keeps
 * its two handles and is reused. */
#define INIT_HANDLES_KEPT 8u
/* A connection INIT_CONNECT made whose client ends nobody has bound
 * within this long goes back to the pool, as if disconnected: an asker
 * cannot hold slots of init's pool that nothing uses. */
#define INIT_CONN_UNCLAIMED_NS 5000000000ull

struct init_pair_req {
	uint8_t slot_log2, count_log2;
	uint16_t reserved;
	uint32_t reserved2;
};
_Static_assert(sizeof(struct init_pair_req) == 8, "init_pair_req layout");

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
	uint32_t cpu;	       /* the CPU it runs on, or last ran on */
	uint32_t reserved;
};
_Static_assert(sizeof(struct init_task) == 64, "init_task layout");

struct init_mem {
	uint64_t ram_total, ram_free; /* over every boot RAM Reticle */
	uint64_t conn_pool_used, conn_pool_max;
	uint64_t pairs_used, pairs_max;	    /* INIT_PAIR's: handed out (until reclaimed), all */
	uint64_t handles_used, handles_max; /* init's own handle table: the broker's limit */
};
_Static_assert(sizeof(struct init_mem) == 64, "init_mem layout");

#endif
