/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The transport of the request/reply service shape (see rt/svc.h): clients
 * and servers binding, calling, accepting and answering over their Rings.
 * The pure message helpers are in svc_msg.c.
 */
#include "rt/svc.h"
#include "rt/bundle.h"
#include "rt/syscall.h"
#include "vx_fmt.h"
#include "vx_string.h"

/* Binds h in role at va and builds r. */
static int bind_end(struct vx_ring *r, vx_handle_t h, uint32_t role, uint64_t va, uint32_t bit)
{
	struct vx_ring_info info;
	int64_t rc = vx_ring_bind(h, role, va, bit, &info);

	if (rc < 0)
		return (int)rc;
	return vx_ring_init(r, &info, h);
}

static bool end_bound(const struct vx_ring *r, uint32_t which)
{
	return r->ctl && (__atomic_load_n(&r->ctl->bound, __ATOMIC_ACQUIRE) & which) != 0;
}

/* Is c a connection: attached, and not closed since?  A client that never
 * attached, whose attach failed or that vx_dev_close closed is all zero. */
static bool connected(const struct vx_client *c)
{
	return c->req.role == VX_RING_PRODUCER && c->rep.role == VX_RING_CONSUMER;
}

/* ---------------------------------------------------------------- client */

int vx_client_attach(struct vx_client *c, vx_handle_t req_h, vx_handle_t rep_h, uint64_t va,
		     uint32_t bit)
{
	int rc;

	memset(c, 0, sizeof(*c));
	c->req_h = req_h;
	c->rep_h = rep_h;
	/* Start from a sequence no earlier life of this connection used. */
	c->seq = (uint32_t)((uint64_t)vx_clock() >> 10);
	c->fresh_until = (uint64_t)vx_clock() + VX_SVC_TAKE_NS;
	if ((rc = bind_end(&c->req, req_h, VX_RING_PRODUCER, va, bit)) < 0) {
		memset(c, 0, sizeof(*c));
		return rc;
	}
	if ((rc = bind_end(&c->rep, rep_h, VX_RING_CONSUMER, va + VX_SVC_REP_OFF, bit)) < 0) {
		vx_ring_unbind(req_h);
		memset(c, 0, sizeof(*c)); /* its req end points at pages no longer mapped */
		return rc;
	}
	return VX_OK;
}

int vx_client_open(struct vx_client *c, const struct vx_bundle_page *b, const char *name,
		   uint64_t va, uint32_t bit)
{
	char slot[VX_BUNDLE_NAME_MAX];
	int64_t req, rep;

	vx_snprintf(slot, sizeof(slot), "%s.req", name);
	req = vx_bundle_handle(b, slot, VX_OBJ_RING);
	vx_snprintf(slot, sizeof(slot), "%s.rep", name);
	rep = vx_bundle_handle(b, slot, VX_OBJ_RING);
	if (req < 0)
		return (int)req;
	if (rep < 0)
		return (int)rep;
	return vx_client_attach(c, (vx_handle_t)req, (vx_handle_t)rep, va, bit);
}

bool vx_client_server_up(const struct vx_client *c)
{
	return end_bound(&c->req, VX_RING_BOUND_CONSUMER);
}

/* A reply nobody waits for any more may have sent capabilities ahead of
 * it: take them out of the transfer queue, or the next reply's caller
 * would take them as its own. */
static void drop_caps(struct vx_client *c, const struct vx_msg *m)
{
	for (uint32_t i = 0; i < m->ncaps && i < VX_RING_XFER_MAX; i++) {
		int64_t h = vx_ring_recv_cap(c->rep_h);
		if (h >= 0)
			vx_cap_delete((vx_handle_t)h);
		else if (h != VX_E_REVOKED)
			break;
	}
}

/* A reply no call waits for: vx_client_send's is set aside for
 * vx_client_take, a posted request's goes to c->other, the rest are stale
 * (from before a restart, or a call that gave up waiting). */
static void set_aside(struct vx_client *c, const struct vx_msg *m)
{
	if (c->keep_seq != 0 && m->seq == c->keep_seq) {
		c->keep = *m;
		c->kept = true;
	} else if (!c->other || !c->other(c->other_ctx, m)) {
		drop_caps(c, m);
	}
}

/* Sleeps until c's reply ring has something or its doorbell rings (a reply
 * already there returns at once), or until deadline: VX_OK, VX_E_AGAIN
 * (the server end is seen unbound), VX_E_TIMEOUT, or the wait's error. */
static int sleep_for_reply(struct vx_client *c, uint64_t deadline)
{
	if (!vx_client_server_up(c))
		return VX_E_AGAIN;
	vx_ring_set_waiting(&c->rep, true);
	int64_t fired = vx_ring_poll(&c->rep) == 0 && vx_client_server_up(c)
			    ? vx_sig_wait(1ull << c->rep.wake_bit, deadline)
			    : 1;
	vx_ring_set_waiting(&c->rep, false);
	if (fired == 0)
		return VX_E_TIMEOUT;
	return fired < 0 ? (int)fired : VX_OK;
}

/* Takes replies until the one for seq arrives.  VX_E_AGAIN as soon as the
 * server end is seen unbound (its server died; ask again once it is back). */
static int await_reply(struct vx_client *c, uint32_t seq, struct vx_msg *out, uint64_t deadline)
{
	size_t len;

	for (;;) {
		int rc = vx_ring_try_recv(&c->rep, out, sizeof(*out), &len);
		if (rc == VX_OK) {
			vx_ring_kick(&c->rep);
			if (out->seq == seq)
				return VX_OK;
			set_aside(c, out);
			continue;
		}
		if (rc != VX_E_EMPTY)
			return rc;
		if ((rc = sleep_for_reply(c, deadline)) != VX_OK)
			return rc;
	}
}

/*
 * Sends m and, when the request went in at once, wakes the server and
 * waits for the reply in one syscall (RING_NOTIFY_WAIT): when the server
 * is waiting, the kernel switches straight to it.  Returns VX_OK when the
 * request is in the ring (await_reply then takes the reply, waiting again
 * if the wake was for something else), or an error.
 */
static int send_request(struct vx_client *c, struct vx_msg *m, uint64_t deadline)
{
	int rc = vx_ring_try_send(&c->req, m, sizeof(*m));

	if (rc == VX_E_FULL)
		return vx_ring_send_wait(&c->req, m, sizeof(*m), deadline);
	if (rc != VX_OK)
		return rc;
	vx_ring_set_waiting(&c->rep, true);
	if (vx_ring_poll(&c->rep) == 0)
		(void)vx_ring_notify_wait(c->req_h, 1ull << c->rep.wake_bit, deadline);
	else
		(void)vx_ring_kick(&c->req);
	vx_ring_set_waiting(&c->rep, false);
	return VX_OK;
}

/* The server end is not bound.  On a fresh connection (attached less than
 * VX_SVC_TAKE_NS ago, its server never seen) that means nobody has taken it
 * yet: wait for that, until the deadline or the end of the grace, whichever
 * comes first.  VX_OK once bound, else VX_E_AGAIN. */
static int await_taken(struct vx_client *c, uint64_t deadline)
{
	uint64_t until = c->fresh_until < deadline ? c->fresh_until : deadline;

	if (c->fresh_until == 0)
		return VX_E_AGAIN; /* seen before: the server went away */
	return vx_client_wait_up(c, until) == VX_OK ? VX_OK : VX_E_AGAIN;
}

int vx_client_call(struct vx_client *c, struct vx_msg *m, uint64_t deadline)
{
	struct vx_msg reply;
	int rc;

	if (m->len > VX_MSG_DATA)
		return VX_E_INVAL;
	if (!connected(c))
		return VX_E_STATE;
	if (!vx_client_server_up(c) && await_taken(c, deadline) != VX_OK)
		return VX_E_AGAIN;
	c->fresh_until = 0;
	m->seq = ++c->seq;
	if ((rc = send_request(c, m, deadline)) < 0)
		return rc;
	if ((rc = await_reply(c, m->seq, &reply, deadline)) < 0)
		return rc;
	if (reply.len > VX_MSG_DATA)
		return VX_E_CORRUPT;
	*m = reply;
	return m->status;
}

int vx_client_send(struct vx_client *c, struct vx_msg *m, uint64_t deadline)
{
	int rc;

	if (m->len > VX_MSG_DATA)
		return VX_E_INVAL;
	if (!connected(c))
		return VX_E_STATE;
	if (c->keep_seq != 0)
		return VX_E_BUSY;
	if (!vx_client_server_up(c) && await_taken(c, deadline) != VX_OK)
		return VX_E_AGAIN; /* as vx_client_call: a fresh connection waits to be taken */
	c->fresh_until = 0;
	m->seq = ++c->seq;
	if ((rc = vx_ring_try_send(&c->req, m, sizeof(*m))) == VX_E_FULL)
		rc = vx_ring_send_wait(&c->req, m, sizeof(*m), deadline);
	else if (rc == VX_OK)
		(void)vx_ring_kick(&c->req);
	if (rc != VX_OK)
		return rc;
	c->keep_seq = m->seq;
	c->kept = false;
	return VX_OK;
}

int vx_client_take(struct vx_client *c, struct vx_msg *out)
{
	size_t len;

	if (c->keep_seq == 0)
		return VX_E_STATE;
	if (c->kept) {
		*out = c->keep;
		c->kept = false;
		c->keep_seq = 0;
		return out->len > VX_MSG_DATA ? VX_E_CORRUPT : VX_OK;
	}
	for (;;) {
		int rc = vx_ring_try_recv(&c->rep, out, sizeof(*out), &len);
		if (rc == VX_E_EMPTY)
			break;
		if (rc != VX_OK)
			return rc;
		vx_ring_kick(&c->rep);
		if (out->seq == c->keep_seq) {
			c->keep_seq = 0;
			return out->len > VX_MSG_DATA ? VX_E_CORRUPT : VX_OK;
		}
		set_aside(c, out); /* a posted request's, or stale */
	}
	if (!vx_client_server_up(c)) {
		c->keep_seq = 0;
		return VX_E_AGAIN;
	}
	return VX_E_EMPTY;
}

int vx_client_post(struct vx_client *c, struct vx_msg *m, uint64_t deadline)
{
	int rc;

	if (m->len > VX_MSG_DATA)
		return VX_E_INVAL;
	if (!connected(c))
		return VX_E_STATE;
	if (!vx_client_server_up(c))
		return VX_E_AGAIN;
	c->fresh_until = 0;
	m->seq = ++c->seq;
	if ((rc = vx_ring_try_send(&c->req, m, sizeof(*m))) == VX_E_FULL) {
		vx_client_flush(c); /* the server makes room only once it hears */
		rc = vx_ring_send_wait(&c->req, m, sizeof(*m), deadline);
	}
	return rc;
}

void vx_client_flush(struct vx_client *c)
{
	(void)vx_ring_kick(&c->req);
}

int vx_client_pump(struct vx_client *c)
{
	struct vx_msg m;
	size_t len;
	int n = 0, rc;

	while ((rc = vx_ring_try_recv(&c->rep, &m, sizeof(m), &len)) == VX_OK) {
		set_aside(c, &m);
		n++;
	}
	if (n > 0)
		(void)vx_ring_kick(&c->rep); /* room for a server that waited */
	if (rc != VX_E_EMPTY && n == 0)
		return rc;
	if (n == 0 && !vx_client_server_up(c))
		return VX_E_AGAIN;
	return n;
}

int vx_client_wait_reply(struct vx_client *c, uint64_t deadline)
{
	vx_client_flush(c);
	for (;;) {
		if (vx_ring_poll(&c->rep) != 0)
			return VX_OK;
		int rc = sleep_for_reply(c, deadline);
		if (rc != VX_OK)
			return rc;
	}
}

int vx_client_wait_up(struct vx_client *c, uint64_t deadline)
{
	while (!vx_client_server_up(c)) {
		uint64_t now = (uint64_t)vx_clock();
		if (now >= deadline)
			return VX_E_TIMEOUT;
		/* The server's bind raises no bit of ours: poll every 5 ms. */
		vx_sig_wait(0, now + 5000000ull < deadline ? now + 5000000ull : deadline);
	}
	return VX_OK;
}

/* ---------------------------------------------------------------- server */

static uint64_t conn_va(const struct vx_server *s, uint32_t i)
{
	return s->va + (1 + i) * VX_SVC_CONN_SPAN;
}

int vx_server_init(struct vx_server *s, const struct vx_bundle_page *b, uint64_t va, uint32_t bit)
{
	int64_t port = vx_bundle_handle(b, "port", VX_OBJ_RING);

	if (port < 0)
		return (int)port;
	return vx_server_init_port(s, (vx_handle_t)port, va, bit);
}

int vx_server_init_port(struct vx_server *s, vx_handle_t port, uint64_t va, uint32_t bit)
{
	struct vx_ring_info info;

	memset(s, 0, sizeof(*s));
	s->port = port;
	s->bit = bit;
	s->va = va;
	for (uint32_t i = 0; i < VX_SVC_MAX_CONNS; i++)
		s->conn[i].id = i;
	/* Bound only so that arrivals on the transfer queue wake us; what
	 * arrived before this bind did not, so the first wait does not sleep
	 * (port_unseen) and the poll after it takes those. */
	int64_t rc = vx_ring_bind(s->port, VX_RING_CONSUMER, va, bit, &info);
	s->port_unseen = true;
	return rc < 0 ? (int)rc : VX_OK;
}

int vx_server_init_attach(struct vx_server *s, vx_handle_t port, uint64_t va, uint32_t bit,
			  vx_svc_attach_fn fn, void *ctx)
{
	memset(s, 0, sizeof(*s));
	s->port = port;
	s->bit = bit;
	s->va = va;
	s->attach = fn;
	s->attach_ctx = ctx;
	for (uint32_t i = 0; i < VX_SVC_MAX_CONNS; i++)
		s->conn[i].id = i;
	s->port_unseen = true;
	return bind_end(&s->port_ring, port, VX_RING_CONSUMER, va, bit);
}

_Static_assert(VX_SVC_MAX_CONNS <= 32, "open_mask has a bit per connection");

static void close_conn(struct vx_server *s, struct vx_server_conn *c)
{
	vx_cap_delete(c->req_h);
	vx_cap_delete(c->rep_h);
	c->open = false;
	c->peer_seen = false;
	s->open_mask &= ~(1u << c->id);
}

/* The open connections, lowest slot first: for (c = first_open(s, &m); c;
 * c = next_open(s, &m)).  A connection closed on the way is skipped when
 * its turn comes. */
static struct vx_server_conn *next_open(struct vx_server *s, uint32_t *m)
{
	*m &= s->open_mask;
	if (!*m)
		return NULL;
	uint32_t i = (uint32_t)__builtin_ctz(*m);
	*m &= *m - 1;
	return &s->conn[i];
}

/* Binds a received pair as a new connection; refuses it (deleting both
 * ends) when every slot is taken or it cannot be bound.  Returns the
 * connection, or NULL. */
static struct vx_server_conn *accept_pair(struct vx_server *s, vx_handle_t req, vx_handle_t rep)
{
	struct vx_server_conn *c = NULL;

	uint32_t free = ~s->open_mask & ((1u << (VX_SVC_MAX_CONNS - 1) << 1) - 1);
	if (free)
		c = &s->conn[__builtin_ctz(free)];
	if (!c) {
		vx_cap_delete(req);
		vx_cap_delete(rep);
		s->refused++;
		return NULL;
	}
	c->req_h = req;
	c->rep_h = rep;
	uint64_t va = conn_va(s, c->id);
	if (bind_end(&c->req, c->req_h, VX_RING_CONSUMER, va, s->bit) < 0 ||
	    bind_end(&c->rep, c->rep_h, VX_RING_PRODUCER, va + VX_SVC_REP_OFF, s->bit) < 0) {
		close_conn(s, c);
		s->refused++;
		return NULL;
	}
	c->open = true;
	s->open_mask |= 1u << c->id;
	c->peer_seen = end_bound(&c->req, VX_RING_BOUND_PRODUCER);
	c->binds = VX_RING_PRODUCER_BINDS(__atomic_load_n(&c->req.ctl->bound, __ATOMIC_ACQUIRE));
	return c;
}

/* An attached port's record for the pair just completed: VX_OK with *rec
 * filled, or VX_E_EMPTY when the maker sent none (or not a whole one). */
static int take_record(struct vx_server *s, struct vx_msg *rec)
{
	size_t len;
	int rc = vx_ring_try_recv(&s->port_ring, rec, sizeof(*rec), &len);

	vx_ring_kick(&s->port_ring);
	if (rc == VX_OK && len != sizeof(*rec))
		rc = VX_E_EMPTY;
	return rc;
}

/*
 * Takes every (req, rep) pair waiting on the port.  The port's transfer
 * queue holds ends in pairs, req first; every receive consumes one slot,
 * so pairs stay aligned however each receive ends:
 *
 *   - a handle: one end;
 *   - VX_E_REVOKED: the end was revoked before it arrived (init reclaimed
 *     the connection first); its slot is gone all the same, so the pair
 *     is dropped and its other end deleted;
 *   - VX_E_EMPTY (or VX_E_FULL: no free handle slot, nothing consumed):
 *     stop; a req that came without its rep yet waits in s->first.
 */
static void accept_all(struct vx_server *s)
{
	for (;;) {
		int64_t h = vx_ring_recv_cap(s->port), req, rep;
		if (h < 0 && h != VX_E_REVOKED)
			return;
		if (!vx_svc_pair(s, h, &req, &rep))
			continue;
		struct vx_msg rec;
		bool unrecorded = s->attach && take_record(s, &rec) != VX_OK;
		if (req < 0 || rep < 0 || unrecorded) {
			if (req >= 0)
				vx_cap_delete((vx_handle_t)req);
			if (rep >= 0)
				vx_cap_delete((vx_handle_t)rep);
			if (req < 0 || rep < 0)
				s->revoked++;
			else
				s->refused++;
			continue;
		}
		struct vx_server_conn *c = accept_pair(s, (vx_handle_t)req, (vx_handle_t)rep);
		if (c && s->attach && s->attach(s, c, &rec, s->attach_ctx) != VX_OK)
			close_conn(s, c);
	}
}

/* c's client end, whose state is st, is unbound after having been bound
 * (seen bound, or bound and unbound again since the accept). */
static bool hung_up(const struct vx_server_conn *c, uint32_t st)
{
	return !(st & VX_RING_BOUND_PRODUCER) &&
	       (c->peer_seen || VX_RING_PRODUCER_BINDS(st) != c->binds);
}

bool vx_server_conn_gone(const struct vx_server_conn *c)
{
	if (!c->open)
		return true;
	return hung_up(c, __atomic_load_n(&c->req.ctl->bound, __ATOMIC_ACQUIRE));
}

int vx_server_reply(struct vx_server *s, struct vx_server_conn *c, const struct vx_msg *m)
{
	int rc;

	if (!c->open)
		return VX_E_STATE;
	rc = vx_ring_try_send(&c->rep, m, sizeof(*m));
	if (rc != VX_OK || !vx_ring_peer_waiting(&c->rep))
		return rc; /* VX_E_FULL: the client is not reading its replies */
	/* The first waiting client is woken by vx_server_wait, in the same
	 * call that puts the server to sleep; any other, now. */
	if (s->waits && (!s->kick || s->kick == c))
		s->kick = c;
	else
		vx_ring_kick(&c->rep);
	return rc;
}

void vx_server_poll(struct vx_server *s, vx_svc_fn fn, void *ctx)
{
	accept_all(s);
	struct vx_server_conn *c;
	for (uint32_t open = ~0u; (c = next_open(s, &open));) {
		struct vx_msg m;
		size_t len;

		while (vx_ring_try_recv(&c->req, &m, sizeof(m), &len) == VX_OK)
			if (vx_svc_dispatch(s, c, &m, fn, ctx))
				vx_server_reply(s, c, &m);
		vx_ring_kick(&c->req); /* room for a producer that waited */
		uint32_t st = __atomic_load_n(&c->req.ctl->bound, __ATOMIC_ACQUIRE);
		if (st & VX_RING_BOUND_PRODUCER)
			c->peer_seen = true;
		else if (hung_up(c, st))
			close_conn(s, c); /* the client hung up (perhaps between two looks) */
		if (c->open && vx_ring_poll(&c->req) < 0)
			close_conn(s, c); /* a corrupt ring: drop the connection */
	}
}

/* vx_server_wait's own wait: the owed wake-up and the wait in one call. */
static int64_t plain_wait(void *ctx, vx_handle_t kick, uint64_t mask, uint64_t deadline)
{
	(void)ctx;
	if (kick != VX_NO_HANDLE)
		return vx_ring_notify_wait(kick, mask, deadline);
	return vx_sig_wait(mask, deadline);
}

uint64_t vx_server_wait(struct vx_server *s, uint64_t extra, uint64_t deadline)
{
	return vx_server_wait_with(s, extra, deadline, plain_wait, NULL);
}

uint64_t vx_server_wait_with(struct vx_server *s, uint64_t extra, uint64_t deadline,
			     vx_server_wait_fn fn, void *ctx)
{
	uint64_t mask = (1ull << s->bit) | extra;
	bool ready = s->port_unseen;
	int64_t fired;

	struct vx_server_conn *c;
	for (uint32_t open = ~0u; (c = next_open(s, &open));)
		vx_ring_set_waiting(&c->req, true);
	for (uint32_t open = ~0u; !ready && (c = next_open(s, &open));)
		if (vx_ring_poll(&c->req) != 0)
			ready = true;
	/* Wake the client a reply is owed to and wait, in one call. */
	struct vx_server_conn *k = s->kick;
	s->waits = true;
	s->kick = NULL;
	fired = fn(ctx, k && k->open ? k->rep_h : VX_NO_HANDLE, mask,
		   ready ? VX_DEADLINE_NONE : deadline);
	for (uint32_t open = ~0u; (c = next_open(s, &open));)
		vx_ring_set_waiting(&c->req, false);
	if (ready)
		fired |= (int64_t)(1ull << s->bit);
	s->port_unseen = false;
	return fired < 0 ? 0 : (uint64_t)fired;
}
