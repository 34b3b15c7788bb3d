/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Services: request/reply over Ring pairs, the one shape every user-land
 * service has.
 *
 * WHO OWNS WHAT
 *
 * A connection is two Rings: "req" (client produces, server consumes) and
 * "rep" (server produces, client consumes), 16 slots of one struct vx_msg
 * each.  Both Rings are owned by init, the broker, which outlives both
 * ends: a client that dies cannot pull a mapping from under the server, and
 * a server that is restarted finds its connections waiting.  A service
 * receives the server ends of its connections through its *port*, a Ring
 * whose slots are never used: init sends the two ends, req first, with
 * VX_SYS_RING_SEND_CAP, and only init sends there, so pairs never
 * interleave.  A client finds its ends in its Bundle as "NAME.req" and
 * "NAME.rep".
 *
 * ATTACHED PORTS
 *
 * A server whose connections are not all alike (a block driver: each is
 * bound to its own partition) learns what each one may do from whoever
 * made it, never from its client.  Its port then carries, besides the two
 * ends, one struct vx_msg per pair in the port's slots: the *attach
 * record*, written by the maker before it sends the pair's req end.  The
 * server takes the record when the pair completes and hands it to its
 * attach function with the new connection (vx_server_init_attach); a pair
 * that comes without its record, or whose record the function refuses, is
 * closed at once.  Only the maker holds the port's producer end, so a
 * client cannot forge a record.  devd makes its drivers' connections this
 * way, and init those of a service whose manifest says "serve NAME
 * attached" (netd: the record is the connection's grant).
 *
 * HANG-UPS
 *
 * The kernel publishes which ends of a Ring are bound and wakes the other
 * end when one goes away (see vectra/ring.h).  A server closes its side of
 * a connection once it has seen the client bound and then sees it gone; a
 * client whose server is restarting simply finds its requests unanswered
 * until init hands the connection to the new instance (calls take a
 * deadline).
 *
 * MESSAGES
 *
 * One struct vx_msg per slot.  The client picks seq; the server echoes it
 * in the reply, so a client drops stale replies (from before a restart) by
 * seq.  Capabilities travel beside a message through the same Ring's
 * transfer queue; ncaps says how many to take.  The client takes (and
 * deletes) the capabilities of a stale reply it drops, so that a call
 * which gave up waiting cannot hand its capabilities to the next one.
 * The capabilities of a reply vx_client_send left waiting stay queued
 * until vx_client_take returns it: while one may come, make only calls
 * whose replies carry none.
 */
#ifndef VX_RT_SVC_H
#define VX_RT_SVC_H

#include <stdbool.h>
#include <stdint.h>
#include <vectra/bundle.h>
#include "rt/ring.h"

#define VX_MSG_BYTES 256u
#define VX_MSG_DATA  240u

struct vx_msg {
	uint32_t op;	/* the service's operation */
	uint32_t seq;	/* chosen by the client, echoed by the server */
	int32_t status; /* reply: VX_OK or a VX_E_* error */
	uint16_t len;	/* bytes of data in use */
	uint16_t ncaps; /* capabilities sent alongside, in transfer order */
	uint8_t data[VX_MSG_DATA];
};
_Static_assert(sizeof(struct vx_msg) == VX_MSG_BYTES, "one message per ring slot");

/* Geometry of every connection Ring: 16 slots of 256 bytes. */
#define VX_SVC_RING_ARG VX_RING_ARG(8, 4)
/* Where the two ends go in the binder's address space: req at va, rep at
 * va + VX_SVC_REP_OFF; a connection uses VX_SVC_CONN_SPAN bytes of VA. */
#define VX_SVC_REP_OFF	 0x8000ull
#define VX_SVC_CONN_SPAN 0x10000ull
#define VX_SVC_MAX_CONNS 16u

/* ---------------------------------------------------------------- client */

/* How long a freshly attached connection's calls wait for the server to
 * take it (see vx_client_call). */
#define VX_SVC_TAKE_NS 2000000000ull

struct vx_client {
	struct vx_ring req, rep;
	vx_handle_t req_h, rep_h;
	uint32_t seq;
	uint64_t fresh_until; /* until then (ns), or 0 once the server was seen */
	/* The one request vx_client_send left waiting (0: none), and its
	 * reply when a call met it first and set it aside. */
	uint32_t keep_seq;
	bool kept;
	struct vx_msg keep;
	/* Replies to requests sent with vx_client_post: a reply that answers
	 * neither the call being made nor vx_client_send's request is offered
	 * to other(), which returns true if it was one of its own; the rest
	 * are stale and dropped.  Set after attaching (attach clears it). */
	bool (*other)(void *ctx, const struct vx_msg *m);
	void *other_ctx;
};

/* Binds the client ends req_h (producer) and rep_h (consumer) at va.  On
 * failure c is left all zero: no connection, on which vx_client_call,
 * vx_client_send and vx_client_post answer VX_E_STATE (as on one never
 * attached, or closed by vx_dev_close). */
int vx_client_attach(struct vx_client *c, vx_handle_t req_h, vx_handle_t rep_h, uint64_t va,
		     uint32_t bit);

/* Looks up "NAME.req" and "NAME.rep" in the Bundle and attaches them.
 * VX_E_NOTFOUND if the Bundle has no such connection. */
int vx_client_open(struct vx_client *c, const struct vx_bundle_page *b, const char *name,
		   uint64_t va, uint32_t bit);

/* Sends *m (with a fresh seq) and waits for the reply with the same seq,
 * which replaces *m.  Returns the reply's status, or VX_E_TIMEOUT,
 * VX_E_CORRUPT, VX_E_INVAL for a message whose len exceeds VX_MSG_DATA, or
 * VX_E_AGAIN when the server end is not bound (its server died or has not
 * started; vx_client_wait_up, then ask again: the request may or may not
 * have been carried out), or VX_E_STATE when c is no connection (above).
 *
 * A connection nobody has taken yet is not an error: until its server is
 * first seen bound, and for at most VX_SVC_TAKE_NS after the attach, a
 * call waits (polling, never past its deadline) for the server to take it
 * before it sends.  A client started at boot, or one that re-attaches a
 * connection it hung up on (its server closes it, init hands it over
 * again), may call at once.  Past that, or on a connection whose server
 * was seen and went away, VX_E_AGAIN comes at once and nothing was sent. */
int vx_client_call(struct vx_client *c, struct vx_msg *m, uint64_t deadline);

/* Sends *m with a fresh seq (left in m->seq) and returns without waiting
 * for the reply, which vx_client_take collects later; vx_client_calls
 * made meanwhile set it aside if it comes first.  One such request at a
 * time (VX_E_BUSY).  VX_OK, VX_E_AGAIN (the server end is not bound:
 * nothing was sent) or the transport's error.  A connection nobody has
 * taken yet waits for its server as vx_client_call's does. */
int vx_client_send(struct vx_client *c, struct vx_msg *m, uint64_t deadline);

/* The reply to vx_client_send's request, never waiting: VX_OK with *out
 * (its status is the server's), VX_E_EMPTY when it has not come yet,
 * VX_E_AGAIN when the server end went away (it will not come: send again
 * once the server is back), VX_E_STATE when nothing was sent.  To sleep
 * until it may have come, mark the rep Ring waiting (vx_ring_set_waiting)
 * and wait on the connection's bit, as vx_client_call does. */
int vx_client_take(struct vx_client *c, struct vx_msg *out);

/*
 * Requests in flight by the dozen (netd's frames to its card).
 *
 * vx_client_post sends *m with a fresh seq (left in m->seq) and neither
 * waits for the reply nor wakes the server: the caller posts a batch, then
 * wakes the server once with vx_client_flush.  Each reply goes to
 * c->other whenever a call, vx_client_take or vx_client_pump meets it, so
 * the replies of posted requests must carry no capabilities, and the
 * caller must keep no more requests in flight, posted, sent and called
 * together, than the rep Ring has slots (16): a server drops a reply that
 * finds the Ring full.  VX_OK, VX_E_AGAIN (the server end is not bound:
 * nothing was sent) or the transport's error.  A full req Ring wakes the
 * server and waits for room, up to the deadline.
 */
int vx_client_post(struct vx_client *c, struct vx_msg *m, uint64_t deadline);
/* Wakes the server if it sleeps, so that it finds what was posted. */
void vx_client_flush(struct vx_client *c);
/* Takes every reply waiting, never waiting: vx_client_send's is set aside
 * for vx_client_take, posted requests' go to c->other, the rest are
 * dropped.  The number taken, or VX_E_AGAIN when none was there and the
 * server end went away. */
int vx_client_pump(struct vx_client *c);
/* Wakes the server (vx_client_flush) and sleeps until a reply is in the
 * rep Ring (one already set aside does not count): VX_OK, VX_E_AGAIN when
 * the server end goes away (or is gone), VX_E_TIMEOUT at the deadline. */
int vx_client_wait_reply(struct vx_client *c, uint64_t deadline);

/* Waits until the server end is bound again (polling every 5 ms):
 * VX_OK, or VX_E_TIMEOUT at the deadline (never returns with
 * VX_DEADLINE_NEVER while the server stays away). */
int vx_client_wait_up(struct vx_client *c, uint64_t deadline);

/* Is the server end bound right now? */
bool vx_client_server_up(const struct vx_client *c);

/* ---------------------------------------------------------------- server */

struct vx_server_conn {
	struct vx_ring req, rep;
	vx_handle_t req_h, rep_h;
	bool open;
	bool peer_seen; /* the client end has been bound at least once */
	uint32_t binds; /* producer binds of req when the connection was accepted */
	uint32_t id;	/* slot number, for the service's own bookkeeping */
};

struct vx_server;
/* An attached port's record for connection c: VX_OK keeps the connection,
 * an error closes it (see ATTACHED PORTS). */
typedef int (*vx_svc_attach_fn)(struct vx_server *s, struct vx_server_conn *c,
				const struct vx_msg *rec, void *ctx);

struct vx_server {
	vx_handle_t port;
	struct vx_ring port_ring; /* attached ports: the records */
	vx_svc_attach_fn attach;  /* NULL: a plain port */
	void *attach_ctx;
	uint32_t bit;
	uint64_t va;
	struct vx_server_conn conn[VX_SVC_MAX_CONNS];
	uint32_t open_mask; /* bit i: conn[i].open (the loops visit only those) */
	uint32_t refused;   /* connections refused because every slot was taken */
	uint32_t revoked;   /* pairs dropped: an end was revoked before it arrived */
	int64_t first;	    /* a pair's first end (req), taken before its second came */
	bool have_first;
	/* A reply whose waiting client has not been woken yet: vx_server_wait
	 * wakes it and waits in one call (the kernel's call/reply fastpath).
	 * Only for a server that waits with vx_server_wait (waits): one with a
	 * loop of its own gets every wake-up at once. */
	struct vx_server_conn *kick;
	bool waits;
	/* Set by vx_server_init_port: the port may hold ends that were sent
	 * before it was bound, and those woke nobody. */
	bool port_unseen;
};

/*
 * What a handler did with a request.  Every value of op is a request (the
 * wire reserves none), and the handler's return value alone decides
 * whether the reply goes out now, so no request can go unanswered by
 * accident: a handler that does not know the op answers VX_E_NOSYS and
 * returns VX_SVC_REPLY like any other.
 */
enum vx_svc_disp {
	VX_SVC_REPLY = 0, /* m holds the reply: the server loop sends it now */
	VX_SVC_DEFER = 1, /* the handler keeps the request and answers it later
			   * with vx_server_reply (uartd's CONSOLE_READ) */
};

/* The server's handler: m holds the request; it writes the reply into m
 * (status, len, data, ncaps after sending caps on c->rep_h). */
typedef enum vx_svc_disp (*vx_svc_fn)(struct vx_server *s, struct vx_server_conn *c,
				      struct vx_msg *m, void *ctx);

/* Binds the Bundle's "port" Ring (consumer) at va; connections are bound
 * above it.  Everything wakes the server's one bit. */
int vx_server_init(struct vx_server *s, const struct vx_bundle_page *b, uint64_t va, uint32_t bit);

/* The same with a port Ring the caller holds (init serves itself this way). */
int vx_server_init_port(struct vx_server *s, vx_handle_t port, uint64_t va, uint32_t bit);

/* The same for an attached port (see ATTACHED PORTS): every pair's record
 * goes to fn(s, conn, record, ctx) as the pair is accepted. */
int vx_server_init_attach(struct vx_server *s, vx_handle_t port, uint64_t va, uint32_t bit,
			  vx_svc_attach_fn fn, void *ctx);

/* Accepts new connections, closes hung-up ones and answers every pending
 * request through fn.  Call after each wake. */
void vx_server_poll(struct vx_server *s, vx_svc_fn fn, void *ctx);

/* Waits until a request, a connection or a hang-up may be pending, or one
 * of extra's bits fires, or the deadline passes.  Returns the fired bits. */
uint64_t vx_server_wait(struct vx_server *s, uint64_t extra, uint64_t deadline);
/* vx_server_wait, with the wait itself left to fn(ctx, kick, mask,
 * deadline), which must wait as vx_sig_wait(mask, deadline) does and
 * return the same, and, when kick is not VX_NO_HANDLE, ring that Ring's
 * doorbell first (the owed wake-up: vx_ring_notify_wait does both).  For a
 * server with a call of its own to fold into its wait (linuxd's answer to
 * a stopped process, VX_REGS_RESUME_WAIT). */
typedef int64_t (*vx_server_wait_fn)(void *ctx, vx_handle_t kick, uint64_t mask, uint64_t deadline);
uint64_t vx_server_wait_with(struct vx_server *s, uint64_t extra, uint64_t deadline,
			     vx_server_wait_fn fn, void *ctx);

/* Has c's client hung up (or c been closed)?  True once the client end,
 * bound at least once, is unbound, or was bound and unbound between two
 * looks: what vx_server_poll closes a connection for, asked before the
 * poll gets to it.  A server that keeps state per connection (a block
 * driver's writable range) frees it by this when a new connection needs
 * it, without waiting for the poll. */
bool vx_server_conn_gone(const struct vx_server_conn *c);

/* Sends a (deferred) reply on c. */
int vx_server_reply(struct vx_server *s, struct vx_server_conn *c, const struct vx_msg *m);

/* ------------------------------------------------------- message helpers */

/* One request through fn, the part of vx_server_poll that decides the
 * reply: a request whose len exceeds VX_MSG_DATA is answered VX_E_INVAL
 * without reaching fn; otherwise fn runs with status preset to VX_OK.
 * Returns true when m now holds a reply to send, with the request's seq
 * and op.  Pure: host-tested. */
bool vx_svc_dispatch(struct vx_server *s, struct vx_server_conn *c, struct vx_msg *m, vx_svc_fn fn,
		     void *ctx);

/* One receive from a server's port, h (a handle, or VX_E_REVOKED for a
 * slot emptied before it arrived: consumed all the same), into the pairing
 * of ends, req first.  Returns true when it completes a pair: *req and
 * *rep are its ends, each a handle or VX_E_REVOKED.  Pure: host-tested. */
bool vx_svc_pair(struct vx_server *s, int64_t h, int64_t *req, int64_t *rep);

/* Copies a NUL-terminated string argument out of m->data[off..len) into buf
 * (at most cap-1 bytes), requiring it to end inside the message.  Returns
 * its length or VX_E_INVAL.  Pure: used by servers to parse requests. */
int vx_msg_str(const struct vx_msg *m, uint32_t off, char *buf, uint32_t cap);

/* The "{u32 first, u32 0}" request of a paged listing (NET_COUNTERS,
 * DNS_CACHE, ...): VX_OK with *first, or VX_E_INVAL for another length or
 * a nonzero second word.  Pure. */
int vx_msg_first(const struct vx_msg *m, uint32_t *first);

/* Appends a string (with its NUL) to m->data; VX_E_TOOBIG if it does not fit. */
int vx_msg_put_str(struct vx_msg *m, const char *s);

#endif
