/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The connection broker.  init owns both Rings of every connection (they
 * come from its pool Reticle), hands the server ends to the server through
 * its port, and the client ends to the client in its Bundle (or, for a
 * program the shell runs, through the shell's init connection).  A server
 * that is restarted gets its connections again; a client that is restarted
 * finds its connection where it left it.
 */
#include "init.h"
#include "pure_broker.h"
#include "vx_string.h"

/* The port of a server: a service's, or init's own. */
vx_handle_t svc_port_of(int server)
{
	return server == END_INIT ? init.init_port : init.svc[server].port;
}

static bool server_running(int server)
{
	return server == END_INIT || init.svc[server].state == INIT_RUNNING;
}

/* Which ends of ring are bound, and how many caps wait in its queue. */
static uint64_t ring_state(vx_handle_t ring)
{
	struct vx_cap_info ci;

	if (vx_cap_inspect(ring, &ci) < 0)
		return 0;
	return ci.ring_state;
}

/* The server end of a connection to service name: a service's index, init
 * itself (END_INIT), or VX_E_NOTFOUND. */
int conn_server_of(const char *name)
{
	int i;

	if (strcmp(name, "init") == 0)
		return END_INIT;
	i = mf_server_of(&init.mf, name);
	return i >= 0 ? i : VX_E_NOTFOUND;
}

/* Free slots of init's own handle table.  Every Ring pair init makes,
 * for a connection or for INIT_PAIR, keeps two of them for good (its
 * slot is reused), so both stop short of the last INIT_HANDLES_KEPT:
 * restarting a service takes a few at a time (a Task, a Bundle, a Mem,
 * a grant), and nothing a client asks for may take those. */
static unsigned handles_free(void)
{
	struct vx_task_info ti;

	if (vx_task_inspect(init.self, &ti) != VX_OK || ti.handles >= VX_HANDLE_SLOTS - 1)
		return 0;
	return VX_HANDLE_SLOTS - 1 - ti.handles;
}

/* Makes a connection from client to server; returns its index. */
int conn_new(int client, int server, const char *as, const char *narrow, bool dynamic)
{
	for (int i = 0; i < MAX_CONNS; i++) {
		struct broker_conn *c = &init.conn[i];
		if (c->used)
			continue;
		/* Never made: make its Rings now, with two of init's handles,
		 * if that leaves half of INIT_HANDLES_KEPT free (restarts). */
		if (!c->req &&
		    (handles_free() < 2 + INIT_HANDLES_KEPT / 2 ||
		     vx_ring_pair_make(init.pool, VX_SVC_RING_ARG, &c->req, &c->rep) != VX_OK))
			return VX_E_FULL;
		c->used = true;
		c->dynamic = dynamic;
		c->closing = false;
		c->waiting = false;
		c->sent_ns = 0;
		c->owned = false;
		c->made_ns = (uint64_t)vx_clock();
		c->client_seen = false;
		c->client = client;
		c->server = server;
		vx_snprintf(c->as, sizeof(c->as), "%s", as);
		vx_snprintf(c->narrow, sizeof(c->narrow), "%s", narrow);
		return i;
	}
	return VX_E_FULL;
}

/*
 * Capabilities init has sent to each server's port (index: the service, or
 * MF_MAX_SERVICES for init's own), and for each connection, that count
 * just after its pair last went.  Only init sends to a port and its server
 * takes from it in order, so a pair is still in the port while the port
 * holds more capabilities than were sent after it.
 */
static uint64_t port_sent[MF_MAX_SERVICES + 1];
static uint64_t pair_mark[MAX_CONNS];

static uint64_t *sent_to(int server)
{
	return &port_sent[server == END_INIT ? MF_MAX_SERVICES : server];
}

/* Is c's last pair still waiting in its server's port? */
static bool still_queued(const struct broker_conn *c, uint64_t port_state)
{
	uint64_t after = *sent_to(c->server) - pair_mark[c - init.conn];

	return c->sent_ns && broker_queued(port_state) > after;
}

/*
 * Keeps every connection delivered: whenever the server end of a
 * connection is not bound (the server is new, or closed it because the
 * client hung up), its two ends go to the server's port again.  A pair
 * that was just sent is given RESEND_NS to be taken before it is sent
 * again, and is not sent again while it still waits in the port: a server
 * slow to start used to get a copy of each of its pairs every RESEND_NS,
 * copies it could only refuse, until its port was full and held back the
 * connections not yet sent at all.  *next is lowered to when this should
 * run again.
 */
#define RESEND_NS (100 * MS)

/* An attached server's record for c's pair, written before the pair
 * goes: its grant (rt/svc.h, ATTACHED PORTS).  false when the port's
 * slots are full. */
_Static_assert(MF_GRANT_MAX <= VX_MSG_DATA, "a grant fits its record");

static bool put_record(const struct broker_conn *c)
{
	struct vx_msg rec;

	memset(&rec, 0, sizeof(rec));
	rec.len = (uint16_t)strlen(c->narrow);
	memcpy(rec.data, c->narrow, rec.len);
	if (vx_ring_try_send(&init.svc[c->server].rec, &rec, sizeof(rec)) != VX_OK)
		return false;
	vx_ring_kick(&init.svc[c->server].rec);
	return true;
}

/* Before a life of an attached server starts: whatever its last life left
 * in its port (ends and records, perhaps one without the other when it
 * died between the two) goes, and every connection to it is sent anew,
 * each with its record, so the two stay in step. */
void port_flush(int server)
{
	struct svc *s = &init.svc[server];
	int64_t h;

	while ((h = vx_ring_recv_cap(s->port)) >= 0 || h == VX_E_REVOKED)
		if (h >= 0)
			vx_cap_delete((vx_handle_t)h);
	vx_ring_reset(&s->rec_info);
	vx_ring_init(&s->rec, &s->rec_info, s->port);
	*sent_to(server) = 0;
	for (int i = 0; i < MAX_CONNS; i++)
		if (init.conn[i].used && init.conn[i].server == server) {
			init.conn[i].sent_ns = 0;
			pair_mark[i] = 0;
		}
}

static void deliver(struct broker_conn *c, uint64_t now, uint64_t *next)
{
	vx_handle_t port = svc_port_of(c->server);

	if (!port || !server_running(c->server))
		return;
	if (ring_state(c->req) & VX_RING_BOUND_CONSUMER)
		return; /* the server holds it */
	if (c->sent_ns && now - c->sent_ns < RESEND_NS) {
		if (c->sent_ns + RESEND_NS < *next)
			*next = c->sent_ns + RESEND_NS;
		return;
	}
	uint64_t port_state = ring_state(port);
	if (!(port_state & VX_RING_BOUND_CONSUMER) || still_queued(c, port_state)) {
		/* Not bound yet (the server has just been started): a send would
		 * wake nobody.  Or the pair may still be in the port. */
		if (now + RESEND_NS < *next)
			*next = now + RESEND_NS;
		return;
	}
	if (!broker_pair_fits(port_state)) { /* see pure_broker.h */
		if (!c->waiting)
			say("init: %s's port holds %u capabilities; a connection to it waits\n",
			    c->server == END_INIT ? "init" : init.svc[c->server].mf->name,
			    broker_queued(port_state));
		c->waiting = true;
		*next = now + RESEND_NS < *next ? now + RESEND_NS : *next;
		return;
	}
	if (c->server != END_INIT && init.svc[c->server].mf->attached && !put_record(c)) {
		/* Its records wait unread: as with a full queue, later. */
		*next = now + RESEND_NS < *next ? now + RESEND_NS : *next;
		return;
	}
	if (vx_ring_send_cap(port, c->req, VX_R_CONSUME) < 0)
		return;
	*sent_to(c->server) +=
	    vx_ring_send_cap(port, c->rep, VX_R_PRODUCE | VX_R_GRANT) < 0 ? 1 : 2;
	pair_mark[c - init.conn] = *sent_to(c->server);
	c->waiting = false;
	c->sent_ns = now;
	if (now + RESEND_NS < *next)
		*next = now + RESEND_NS;
}

void conn_deliver_all(uint64_t now, uint64_t *next)
{
	for (int i = 0; i < MAX_CONNS; i++)
		if (init.conn[i].used && !init.conn[i].closing)
			deliver(&init.conn[i], now, next);
}

/* Empties one Ring before it is handed to someone new (vx_ring_drain;
 * nobody else is bound: conn_reclaim checked). */
static void drain(vx_handle_t ring)
{
	vx_ring_drain(ring, INIT_DRAIN_VA, INIT_DRAIN_BIT);
}

/* Hangs up on behalf of a client that never bound (or is gone): init binds
 * and unbinds the client's end of req, which the server sees as a client
 * that came and went, so it closes its side. */
static void hang_up(vx_handle_t req)
{
	struct vx_ring_info info;

	if (vx_ring_bind(req, VX_RING_PRODUCER, INIT_DRAIN_VA, INIT_DRAIN_BIT, &info) == VX_OK)
		vx_ring_unbind(req);
	vx_sig_wait(1ull << INIT_DRAIN_BIT, VX_DEADLINE_NONE);
}

/* Takes all four roles of connection c's two Rings (each Ring's producer
 * and consumer) with init's own capabilities, two of them derived for
 * the purpose, so that nobody else can bind them: a second binding of a
 * role is VX_E_EXISTS.  False, holding nothing, when one is bound already
 * (or a derive fails).  The revoke that follows takes the derived two
 * and their bindings with every other capability; hold_end lets go of
 * the rest. */
static bool hold(const struct broker_conn *c)
{
	const uint32_t all = VX_R_PRODUCE | VX_R_CONSUME;
	int64_t req2 = vx_cap_derive(c->req, all, 0);
	int64_t rep2 = req2 < 0 ? req2 : vx_cap_derive(c->rep, all, 0);
	const struct {
		int64_t h;
		uint32_t role;
		uint64_t va;
	} end[] = {{c->req, VX_RING_CONSUMER, INIT_DRAIN_VA},
		   {c->rep, VX_RING_PRODUCER, INIT_HOLD_VA},
		   {req2, VX_RING_PRODUCER, INIT_HOLD_VA + 0x100000ull},
		   {rep2, VX_RING_CONSUMER, INIT_HOLD_VA + 0x200000ull}};
	struct vx_ring_info info;
	unsigned bound = 0;

	while (rep2 >= 0 && bound < 4 &&
	       vx_ring_bind((vx_handle_t)end[bound].h, end[bound].role, end[bound].va,
			    INIT_DRAIN_BIT, &info) == VX_OK)
		bound++;
	if (bound == 4)
		return true;
	for (unsigned i = 0; i < bound && i < 2; i++)
		vx_ring_unbind((vx_handle_t)end[i].h);
	if (req2 >= 0)
		vx_cap_delete((vx_handle_t)req2); /* with its binding, if any */
	if (rep2 >= 0)
		vx_cap_delete((vx_handle_t)rep2);
	vx_sig_wait(1ull << INIT_DRAIN_BIT, VX_DEADLINE_NONE);
	return false;
}

static void hold_end(const struct broker_conn *c)
{
	vx_ring_unbind(c->req);
	vx_ring_unbind(c->rep);
	vx_sig_wait(1ull << INIT_DRAIN_BIT, VX_DEADLINE_NONE);
}

/* Is the life of the init connection `owner` (its handle and bind count
 * as seen then) still the one that asked?  A new life on the same slot is
 * a new owner. */
static bool life_alive(uint32_t owner, vx_handle_t req, uint32_t binds)
{
	const struct vx_server_conn *c = &init.server.conn[owner];

	return c->open && c->req_h == req && c->binds == binds;
}

/* The asker of dynamic connection i is conn: remembered so that the
 * connection closes when that life ends without INIT_DISCONNECT. */
void conn_set_owner(int i, const struct vx_server_conn *conn)
{
	struct broker_conn *c = &init.conn[i];

	c->owned = true;
	c->owner = conn->id;
	c->owner_req = conn->req_h;
	c->owner_binds = conn->binds;
}

/* Dynamic connection c, whose client ends nobody was seen to bind yet:
 * seen now, or closing once INIT_CONN_UNCLAIMED_NS have passed since it
 * was made (handed out, never taken up), or *next lowered to then.  Only
 * such connections cost this loop a look at their Rings. */
static void unclaimed(struct broker_conn *c, uint64_t now, uint64_t *next)
{
	uint64_t req = ring_state(c->req), rep = ring_state(c->rep);

	if ((req & VX_RING_BOUND_PRODUCER) || (rep & VX_RING_BOUND_CONSUMER))
		c->client_seen = true;
	else if (now - c->made_ns >= INIT_CONN_UNCLAIMED_NS)
		c->closing = true;
	else if (c->made_ns + INIT_CONN_UNCLAIMED_NS < *next)
		*next = c->made_ns + INIT_CONN_UNCLAIMED_NS;
}

/* A closing dynamic connection goes back to the pool once nobody is bound
 * to either Ring: every capability derived from init's is revoked and both
 * Rings are emptied.  One whose asker's life ended is closing (a dead
 * devd never gave its drivers' connections back).  *next is lowered while
 * some are still waiting for their server to let go. */
void conn_reclaim(uint64_t now, uint64_t *next)
{
	const uint32_t ends = VX_RING_BOUND_PRODUCER | VX_RING_BOUND_CONSUMER;

	for (int i = 0; i < MAX_CONNS; i++) {
		struct broker_conn *c = &init.conn[i];
		if (!c->used)
			continue;
		if (c->dynamic && !c->closing) {
			if (c->owned && !life_alive(c->owner, c->owner_req, c->owner_binds))
				c->closing = true;
			else if (!c->client_seen)
				unclaimed(c, now, next);
		}
		if (!c->closing)
			continue;
		uint64_t req = ring_state(c->req), rep = ring_state(c->rep);
		if ((req | rep) & ends) {
			if (!(req & VX_RING_BOUND_PRODUCER) && !(rep & VX_RING_BOUND_CONSUMER))
				hang_up(c->req); /* the client is gone: tell the server */
			if (now + 10 * MS < *next)
				*next = now + 10 * MS;
			continue;
		}
		/* Nobody was bound a moment ago, but the server may be taking
		 * the pair from its port and binding it right now, or the
		 * client binding its ends: a revoke after such a bind would
		 * take the Ring from under it (a fault in a server's accept,
		 * found by svcfuzz's churn).  So init first binds every role
		 * itself; once it holds them, any other bind fails. */
		if (!hold(c)) {
			if (now + 10 * MS < *next)
				*next = now + 10 * MS;
			continue;
		}
		vx_cap_revoke(c->req);
		vx_cap_revoke(c->rep);
		hold_end(c);
		drain(c->req);
		drain(c->rep);
		c->used = false;
	}
}

/* --------------------------------------------------------------- pairs */

/* Is the init connection that asked for pair p still the same life? */
static bool owner_alive(const struct broker_pair *p)
{
	return life_alive(p->owner, p->owner_req, p->owner_binds);
}

/* A pair of Rings of the given geometry (checked by the caller) for the
 * init connection owner: a free one already made with that geometry; else
 * a slot never made, made now while INIT_HANDLES_KEPT of init's handles
 * stay free; else a free one of another geometry, its Rings deleted and
 * made again (its two handles reused; the memory comes back to the pool
 * only if it was the pool's newest).  Returns its index, VX_E_FULL (every
 * pair taken, PAIRS_PER_OWNER reached) or VX_E_NOMEM (the pool is spent,
 * or init's handles are down to the ones it keeps). */
int pair_new(const struct vx_server_conn *owner, unsigned slot_log2, unsigned count_log2)
{
	int same = -1, blank = -1, other = -1, mine = 0;

	for (int i = 0; i < MAX_PAIRS; i++) {
		struct broker_pair *p = &init.pair[i];
		if (p->used) {
			mine += p->owner == owner->id && owner_alive(p);
			continue;
		}
		if (!p->a)
			blank = blank < 0 ? i : blank;
		else if (p->slot_log2 == slot_log2 && p->count_log2 == count_log2)
			same = same < 0 ? i : same;
		else
			other = other < 0 ? i : other;
	}
	if (mine >= PAIRS_PER_OWNER || (same < 0 && blank < 0 && other < 0))
		return VX_E_FULL;
	int fresh = same;
	if (fresh < 0) {
		if (blank >= 0 && handles_free() >= 2 + INIT_HANDLES_KEPT)
			fresh = blank;
		else if (other >= 0)
			fresh = other;
		else
			return VX_E_NOMEM;
		struct broker_pair *p = &init.pair[fresh];
		if (p->a) { /* free, and revoked and emptied when reclaimed */
			vx_cap_delete(p->a);
			vx_cap_delete(p->b);
			p->a = p->b = 0;
		}
		if (vx_ring_pair_make(init.pair_pool, VX_RING_ARG(slot_log2, count_log2), &p->a,
				      &p->b) != VX_OK) {
			p->a = p->b = 0;
			return VX_E_NOMEM;
		}
		p->slot_log2 = (uint8_t)slot_log2;
		p->count_log2 = (uint8_t)count_log2;
	}
	struct broker_pair *p = &init.pair[fresh];
	p->used = true;
	p->owner = owner->id;
	p->owner_req = owner->req_h;
	p->owner_binds = owner->binds;
	return fresh;
}

/* A pair whose owner has gone is made free once nobody is bound to either
 * Ring: every capability derived from init's is revoked and both Rings
 * are emptied, as conn_reclaim does for a connection.  *next is lowered
 * while some still wait for their other end to let go. */
void pair_reclaim(uint64_t now, uint64_t *next)
{
	const uint32_t ends = VX_RING_BOUND_PRODUCER | VX_RING_BOUND_CONSUMER;

	for (int i = 0; i < MAX_PAIRS; i++) {
		struct broker_pair *p = &init.pair[i];
		if (!p->used || owner_alive(p))
			continue;
		if ((ring_state(p->a) | ring_state(p->b)) & ends) {
			if (now + 100 * MS < *next)
				*next = now + 100 * MS;
			continue;
		}
		vx_cap_revoke(p->a);
		vx_cap_revoke(p->b);
		drain(p->a);
		drain(p->b);
		p->used = false;
	}
}
