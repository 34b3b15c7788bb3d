/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A Promela model of a call and its reply through the runtime's service
 * shape (lib/rt/sys_svc_transport.c) with the kernel's call/reply
 * fastpath: one client, one server, a request Ring and a reply Ring (one
 * slot each: one call is outstanding at a time), their waiting flags, and
 * the two sticky wake bits.
 *
 *   client (vx_client_call): send the request; set its reply-waiting flag;
 *     if no reply is there yet, RING_NOTIFY_WAIT on the request Ring (ring
 *     the server's bit and wait for its own in one syscall); then take the
 *     reply, sleeping with the usual flag, re-check, wait if it is late.
 *   server (vx_server_poll + vx_server_wait): take the request, reply, and
 *     if the client waits, owe it a wake-up (s->kick); then, waiting for
 *     the next request, pay what it owes with RING_NOTIFY_WAIT on the reply
 *     Ring, or wait plainly when it owes nothing.
 *
 * The kernel's side of RING_NOTIFY_WAIT is one atomic step (it runs under
 * the kernel lock): the peer's bit is raised and, unless a bit of the
 * caller's is already pending, the caller blocks.  Whether the kernel then
 * switches to the peer directly or through the scheduler changes nothing
 * a Task can see, which is what this checks: every call gets its own
 * reply, in order, and nobody sleeps for ever (no invalid end state).
 * With -DNO_KICK the server forgets the wake-up it owes: spin must find the
 * client asleep for ever, which shows the model can fail.
 */
#define CALLS 4

bool req_full, rep_full;       /* one slot each */
byte req_val, rep_val;
bool req_waiting, rep_waiting; /* the consumers' waiting flags */
bool srv_bit, cli_bit;         /* sticky wake bits */

/* RING_NOTIFY_WAIT: raise peer, then wait for (and take) mine. */
inline notify_wait(peer, mine) { atomic { peer = 1; mine -> mine = 0 } }
inline wait_bit(mine) { atomic { mine -> mine = 0 } }

active proctype client()
{
	byte i = 0;
	do
	:: i == CALLS -> break
	:: else ->
		req_val = i;
		req_full = 1; /* try_send: the slot is free, the last reply came */
		rep_waiting = 1;
		if
		:: rep_full -> srv_bit = 1 /* a reply already: just ring */
		:: else -> notify_wait(srv_bit, cli_bit)
		fi;
		rep_waiting = 0;
		/* await_reply: take it, or flag, re-check, wait */
		do
		:: rep_full -> break
		:: else ->
			rep_waiting = 1;
			if
			:: rep_full -> skip
			:: else -> wait_bit(cli_bit)
			fi;
			rep_waiting = 0
		od;
		assert(rep_val == i + 1);
		rep_full = 0;
		i++
	od
}

active proctype server()
{
	byte served = 0;
	bool kick = 0;
	do
	:: served == CALLS -> break
	:: else ->
		/* vx_server_poll */
		if
		:: req_full ->
			rep_val = req_val + 1;
			req_full = 0;
			rep_full = 1;
			served++;
#ifndef NO_KICK
			if
			:: rep_waiting -> kick = 1
			:: else -> skip
			fi
#endif
		:: else -> skip
		fi;
		if
		:: served == CALLS && kick -> cli_bit = 1; break /* last reply: wake, done */
		:: served == CALLS && !kick -> break
		:: else -> skip
		fi;
		/* vx_server_wait */
		req_waiting = 1;
		if
		:: req_full ->
			if
			:: kick -> cli_bit = 1; kick = 0
			:: else -> skip
			fi
		:: else ->
			if
			:: kick -> kick = 0; notify_wait(cli_bit, srv_bit)
			:: else -> wait_bit(srv_bit)
			fi
		fi;
		req_waiting = 0
	od
}
