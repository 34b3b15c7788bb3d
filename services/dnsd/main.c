/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dnsd: the stub resolver, one Task (vectra/proto/dns.h is its contract,
 * lib/net/dns.h the rules it resolves by).
 *
 * A DNS_RESOLVE is answered, in this order, from: the name itself when it
 * is an address; SYS:etc/hosts (read once at start through nsd); the
 * cache (lib/net/dns.h's, TTLs honoured, negative answers too); the DNS
 * server, asked over a UDP socket that netd holds for us (lib/client/
 * sock.h).  The server is the one the args name ("server A.B.C.D"), or
 * else the first DNS server of netd's DHCP lease (NET_INFO), looked up
 * when first needed.
 *
 * Queries: each name being asked is one query with a random id (from
 * rngd, DNSC_RNG_FALLBACKS counts the times the clock had to do), sent
 * from a random source port, again after DNS_RETRY_MS and then twice as
 * long each time, DNS_TRIES sends in all.  Clients asking for the same
 * name wait on the same query; each waits as a deferred request (netd's
 * NET_PING is the model), at most DNS_WAIT_MAX of them.
 *
 * Replies: only from the server's address and port 53
 * (DNSC_SPOOFED_SOURCE), with the id of a query waiting (DNSC_SPOOFED_ID),
 * that vx_dns_parse takes as an answer to that query's question
 * (VX_E_AUTH: DNSC_SPOOFED_ID too).  A malformed reply (DNSC_BAD_REPLIES)
 * does not end the query: the real answer may still come; if none does,
 * the query ends with VX_E_CORRUPT instead of VX_E_TIMEOUT.
 *
 * The socket: opened when the first query needs it, closed and opened
 * again at the next send when netd hangs up (a netd restart loses nothing
 * but the replies in flight).
 *
 * Bundle: "port" (serve dns), "net" (required for servers: netd),
 * "console", "rng", "ns" and "self" (for SYS:etc/hosts).
 */
#include <stdarg.h>

#include "rt/vx.h"
#include "rt/svc.h"
#include "rt/errstr.h"
#include "client/console.h"
#include "client/ns.h"
#include "client/rng.h"
#include "client/sock.h"
#include "net/dns.h"
#include "pure_dnsmsg.h"
#include "vectra/proto/dns.h"
#include "vectra/proto/net.h"
#include "vx_string.h"

#define SRV_VA	 0x30000000ull
#define SRV_BIT	 0u
#define CON_VA	 0x31000000ull
#define CON_BIT	 1u
#define NET_VA	 0x31100000ull
#define NET_BIT	 2u
#define RNG_VA	 0x31200000ull
#define RNG_BIT	 3u
#define NS_VA	 0x31300000ull
#define NS_BIT	 4u
#define SOCK_VA	 0x32000000ull
#define SOCK_BIT 5u
#define FILE_VA	 0x40000000ull

#define MS	   1000000ull
#define SECOND	   1000000000ull
#define CALL_NS	   (2 * SECOND)
#define HOSTS_NAME "SYS:etc/hosts"
#define HOSTS_MAX  8192u /* bytes of the hosts file read */
#define PORT_LOW   49152u

struct query {
	bool used;
	uint16_t id;
	uint32_t tries; /* sends so far */
	uint64_t next;	/* the next send, or the end after the last */
	int bad;	/* VX_E_CORRUPT once a malformed reply came */
	uint8_t why;	/* its reason */
	char name[VX_DNS_NAME_MAX + 1];
};

struct waiter {
	bool used;
	uint32_t q; /* the query it waits on */
	struct vx_server_conn *c;
	struct vx_msg m; /* the request: op and seq for the reply */
};

static struct {
	struct vx_server srv;
	struct vx_client con, net, rng, ns;
	bool have_con, have_net, have_rng, have_ns;
	vx_handle_t self;
	struct dns_config cfg;
	uint8_t server[4];
	uint8_t how;
	struct vx_sock sock;
	bool sock_open;
	struct vx_dns_cache cache;
	struct vx_hosts hosts;
	char hosts_text[HOSTS_MAX];
	uint64_t count[DNSC_COUNT];
	uint8_t pool[64];
	uint32_t pool_left;
	struct query q[DNS_QUERIES_MAX];
	struct waiter w[DNS_WAIT_MAX];
	uint8_t buf[VX_DNS_MSG_MAX + 64];
} D;

#define COUNT(c) (D.count[DNSC_##c]++)

static uint64_t now(void)
{
	return (uint64_t)vx_clock();
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (D.have_con)
		vx_con_vprintf(&D.con, now() + 200 * MS, fmt, ap);
	va_end(ap);
}

/* ----------------------------------------------------------- randomness */

/* n random bytes: from rngd, 64 at a time, or from the clock. */
static void random_bytes(uint8_t *out, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (D.pool_left == 0) {
			if (D.have_rng &&
			    vx_rng_client_get(&D.rng, RNG_LEVEL_STANDARD, D.pool, sizeof(D.pool),
					      now() + CALL_NS) == VX_OK) {
				D.pool_left = sizeof(D.pool);
			} else {
				COUNT(RNG_FALLBACKS);
				uint64_t t = now();
				for (uint32_t k = 0; k < sizeof(D.pool); k++)
					D.pool[k] = (uint8_t)((t >> (k % 8 * 7)) ^ (t >> 3) ^ k);
				D.pool_left = sizeof(D.pool);
			}
		}
		out[i] = D.pool[--D.pool_left];
		D.pool[D.pool_left] = 0;
	}
}

/* ------------------------------------------------------------ the server */

/* The server to ask: from the args, or netd's lease.  false when none. */
static bool have_server(void)
{
	if (D.how != DNS_SERVER_NONE)
		return true;
	if (!D.have_net)
		return false;
	struct vx_msg m = {.op = NET_INFO};
	struct net_info in;
	if (vx_client_call(&D.net, &m, now() + CALL_NS) != VX_OK || m.len < sizeof(in))
		return false;
	memcpy(&in, m.data, sizeof(in));
	if (in.ndns == 0 || in.dns[0][0] == 0)
		return false;
	memcpy(D.server, in.dns[0], 4);
	D.how = DNS_SERVER_DHCP;
	say("dnsd: server %u.%u.%u.%u (DHCP)\n", D.server[0], D.server[1], D.server[2],
	    D.server[3]);
	return true;
}

static void sock_close(void)
{
	if (D.sock_open)
		vx_sock_close(&D.sock, true, now() + CALL_NS);
	D.sock_open = false;
}

/* A UDP socket on a random port (any free one after four tries). */
static int sock_open(void)
{
	int rc = VX_E_NOTFOUND;

	if (D.sock_open)
		return VX_OK;
	if (!D.have_net)
		return VX_E_NOTFOUND;
	for (int i = 0; i < 5; i++) {
		uint8_t r[2];
		random_bytes(r, 2);
		uint16_t port = i < 4 ? (uint16_t)(PORT_LOW + ((r[0] << 8 | r[1]) % 16384u)) : 0;
		rc =
		    vx_sock_udp(&D.sock, &D.net, port, NULL, 0, SOCK_VA, SOCK_BIT, now() + CALL_NS);
		if (rc != VX_E_EXISTS)
			break;
	}
	if (rc != VX_OK)
		return rc; /* counted by the caller */
	D.sock_open = true;
	COUNT(SOCK_OPENS);
	return VX_OK;
}

/* Sends query k (again). */
static int send_query(uint32_t k)
{
	struct query *q = &D.q[k];
	size_t len = 0;
	int rc = vx_dns_query(D.buf, sizeof(D.buf), q->id, q->name, &len, NULL);

	if (rc == VX_OK)
		rc = sock_open();
	if (rc == VX_OK)
		rc = vx_sock_sendto(&D.sock, D.buf, len, D.server, VX_DNS_PORT, now() + CALL_NS);
	if (rc == VX_E_HANGUP || rc == VX_E_CORRUPT || rc == VX_E_STATE)
		sock_close(); /* netd went away: a new socket next time */
	if (rc != VX_OK) {
		COUNT(SOCK_ERRORS);
		return rc;
	}
	if (q->tries++ == 0)
		COUNT(QUERIES);
	else
		COUNT(RETRIES);
	q->next = now() + ((uint64_t)DNS_RETRY_MS << (q->tries - 1)) * MS;
	return VX_OK;
}

/* ------------------------------------------------------------ answering */

static void reply(struct vx_server_conn *c, struct vx_msg *m, const struct dns_answer *a)
{
	m->status = VX_OK;
	m->ncaps = 0;
	memset(m->data, 0, sizeof(m->data));
	memcpy(m->data, a, sizeof(*a));
	m->len = sizeof(*a);
	if (c && c->open)
		vx_server_reply(&D.srv, c, m);
}

/* Ends query k with a for everyone waiting on it. */
static void finish(uint32_t k, const struct dns_answer *a)
{
	for (uint32_t i = 0; i < DNS_WAIT_MAX; i++) {
		if (!D.w[i].used || D.w[i].q != k)
			continue;
		reply(D.w[i].c, &D.w[i].m, a);
		D.w[i].used = false;
	}
	D.q[k].used = false;
}

/* Ends query k without an answer: the server's silence or malformed
 * replies (source DNS_SRC_SERVER), or the socket's error (DNS_SRC_NONE). */
static void fail_query(uint32_t k, int result, uint8_t source, uint8_t why)
{
	struct dns_answer a = {.result = result, .source = source, .why = why};

	finish(k, &a);
}

/* One datagram from the socket. */
static void take_reply(const uint8_t *msg, size_t len, const uint8_t from[4], uint16_t port)
{
	struct vx_dns_answer an;

	if (memcmp(from, D.server, 4) != 0 || port != VX_DNS_PORT) {
		COUNT(SPOOFED_SOURCE);
		return;
	}
	if (len < 2) {
		COUNT(BAD_REPLIES);
		return;
	}
	uint16_t id = (uint16_t)(msg[0] << 8 | msg[1]);
	uint32_t k = 0;
	while (k < DNS_QUERIES_MAX && !(D.q[k].used && D.q[k].id == id))
		k++;
	if (k == DNS_QUERIES_MAX) {
		COUNT(SPOOFED_ID);
		return;
	}
	struct query *q = &D.q[k];
	int rc = vx_dns_parse(msg, len, id, q->name, &an);
	struct dns_answer a = {.result = rc, .source = DNS_SRC_SERVER, .why = (uint8_t)an.why};
	switch (rc) {
	case VX_E_AUTH:
		COUNT(SPOOFED_ID);
		return;
	case VX_E_CORRUPT:
		COUNT(BAD_REPLIES);
		q->bad = VX_E_CORRUPT;
		q->why = (uint8_t)an.why;
		return;
	case VX_OK:
		COUNT(ANSWERS);
		vx_dns_cache_insert(&D.cache, q->name, an.addr, an.naddr, an.ttl, now());
		a.naddr = an.naddr;
		a.ttl_s = an.ttl;
		memcpy(a.addr, an.addr, (size_t)an.naddr * 4);
		break;
	case VX_E_NOTFOUND:
		COUNT(NEGATIVE);
		vx_dns_cache_insert(&D.cache, q->name, NULL, 0, an.ttl, now());
		a.ttl_s = an.ttl;
		break;
	case VX_E_TOOBIG:
		COUNT(TRUNCATED);
		break;
	default:
		COUNT(SERVER_ERRORS);
		break;
	}
	finish(k, &a);
}

/* Everything the socket holds. */
static void sock_drain(void)
{
	uint8_t from[4];
	uint16_t port;

	for (int turn = 0; D.sock_open && turn < 64 && vx_sock_readable(&D.sock); turn++) {
		long n = vx_sock_recvfrom(&D.sock, D.buf, sizeof(D.buf), from, &port, now());
		if (n == VX_E_TIMEOUT)
			break;
		if (n < 0) {
			COUNT(SOCK_ERRORS);
			say("dnsd: the socket failed: %s; a new one at the next send\n",
			    vx_errname((int)n));
			sock_close();
			break;
		}
		take_reply(D.buf, (size_t)n < sizeof(D.buf) ? (size_t)n : sizeof(D.buf), from,
			   port);
	}
}

/* Resends or ends the queries whose time came; the next deadline. */
static uint64_t tick(uint64_t t)
{
	uint64_t next = UINT64_MAX;

	for (uint32_t i = 0; i < DNS_WAIT_MAX; i++)
		if (D.w[i].used && !D.w[i].c->open)
			D.w[i].used = false; /* its client hung up */
	for (uint32_t k = 0; k < DNS_QUERIES_MAX; k++) {
		struct query *q = &D.q[k];
		if (!q->used)
			continue;
		if (q->next <= t) {
			if (q->tries >= DNS_TRIES) {
				if (q->bad == VX_OK)
					COUNT(TIMEOUTS);
				fail_query(k, q->bad ? q->bad : VX_E_TIMEOUT, DNS_SRC_SERVER,
					   q->why);
				continue;
			}
			int rc = send_query(k);
			if (rc != VX_OK) {
				fail_query(k, rc, DNS_SRC_NONE, 0);
				continue;
			}
		}
		if (q->next < next)
			next = q->next;
	}
	return next;
}

/* ------------------------------------------------------------- requests */

static uint32_t free_waiter(void)
{
	uint32_t i = 0;

	while (i < DNS_WAIT_MAX && D.w[i].used)
		i++;
	return i;
}

#define DEFERRED 1

/* DNS_RESOLVE: VX_OK to answer *a now, DEFERRED when a waiter keeps the
 * request, or an error for the reply's status (VX_E_FULL). */
static int do_resolve(struct vx_server_conn *c, struct vx_msg *m, const struct dns_req *r,
		      struct dns_answer *a)
{
	struct vx_dns_entry e;
	uint64_t t = now();

	COUNT(REQUESTS);
	if (r->literal) {
		COUNT(LITERALS);
		*a = (struct dns_answer){.result = VX_OK, .source = DNS_SRC_LITERAL, .naddr = 1};
		memcpy(a->addr[0], r->addr, 4);
		return VX_OK;
	}
	uint32_t n = vx_hosts_lookup(&D.hosts, r->name, a->addr, DNS_ADDRS_MAX);
	if (n) {
		COUNT(HOSTS_HITS);
		a->result = VX_OK;
		a->source = DNS_SRC_HOSTS;
		a->naddr = (uint8_t)n;
		return VX_OK;
	}
	int rc = vx_dns_cache_lookup(&D.cache, r->name, t, &e);
	if (rc != VX_E_EMPTY) {
		a->result = rc;
		a->source = DNS_SRC_CACHE;
		a->naddr = e.naddr;
		memcpy(a->addr, e.addr, sizeof(a->addr));
		a->ttl_s = (uint32_t)((e.expires - t + SECOND - 1) / SECOND);
		if (rc == VX_OK)
			COUNT(CACHE_HITS);
		else
			COUNT(CACHE_NEG_HITS);
		return VX_OK;
	}
	if (!have_server()) {
		COUNT(NO_SERVER);
		a->result = VX_E_STATE;
		return VX_OK;
	}
	/* Room first: a waiter, and the query unless one asks the name. */
	uint32_t w = free_waiter(), k = 0;
	while (k < DNS_QUERIES_MAX && !(D.q[k].used && strcmp(D.q[k].name, r->name) == 0))
		k++;
	bool join = k < DNS_QUERIES_MAX;
	if (!join)
		for (k = 0; k < DNS_QUERIES_MAX && D.q[k].used; k++)
			;
	if (w == DNS_WAIT_MAX || k == DNS_QUERIES_MAX) {
		COUNT(FULL);
		return VX_E_FULL;
	}
	if (join) {
		COUNT(JOINED);
	} else {
		struct query *q = &D.q[k];
		memset(q, 0, sizeof(*q));
		memcpy(q->name, r->name, sizeof(q->name));
		bool unique;
		do { /* an id no other query uses */
			uint8_t b[2];
			random_bytes(b, 2);
			q->id = (uint16_t)(b[0] << 8 | b[1]);
			unique = true;
			for (uint32_t i = 0; i < DNS_QUERIES_MAX; i++)
				unique &= !(D.q[i].used && D.q[i].id == q->id);
		} while (!unique);
		q->used = true;
		if ((rc = send_query(k)) != VX_OK) {
			q->used = false;
			a->result = rc;
			return VX_OK;
		}
	}
	D.w[w] = (struct waiter){.used = true, .q = k, .c = c, .m = *m};
	return DEFERRED;
}

static void do_info(struct vx_msg *m)
{
	struct dns_info in = {.how = D.how,
			      .sock = D.sock_open,
			      .port = D.sock_open ? D.sock.info.lport : 0,
			      .hosts = D.hosts.n,
			      .hosts_bad = D.hosts.bad,
			      .cache_used = vx_dns_cache_used(&D.cache),
			      .cache_size = VX_DNS_CACHE_ENTRIES};

	memcpy(in.server, D.server, 4);
	for (uint32_t i = 0; i < DNS_WAIT_MAX; i++)
		in.waiting += D.w[i].used;
	memcpy(m->data, &in, sizeof(in));
	m->len = sizeof(in);
}

static void do_counters(struct vx_msg *m, uint32_t first)
{
	struct dns_counters c;

	memset(&c, 0, sizeof(c));
	c.first = first;
	c.total = DNSC_COUNT;
	for (uint32_t i = first; i < DNSC_COUNT && c.count < DNS_COUNTERS_BATCH; i++)
		c.v[c.count++] = D.count[i];
	memcpy(m->data, &c, sizeof(c));
	m->len = sizeof(c);
}

static int do_cache(struct vx_msg *m, uint32_t first)
{
	struct vx_dns_entry e;
	struct dns_cache_entry o;
	uint64_t t = now();
	int s = vx_dns_cache_next(&D.cache, first, t, &e);

	if (s < 0)
		return s;
	memset(&o, 0, sizeof(o));
	o.slot = (uint32_t)s;
	o.negative = e.negative;
	o.naddr = e.naddr;
	o.ttl_s = (uint32_t)((e.expires - t + SECOND - 1) / SECOND);
	memcpy(o.addr, e.addr, sizeof(o.addr));
	size_t n = strlen(e.name);
	o.name_len = (uint16_t)n;
	if (n > sizeof(o.name) - 1)
		n = sizeof(o.name) - 1;
	memcpy(o.name, e.name, n);
	memcpy(m->data, &o, sizeof(o));
	m->len = sizeof(o);
	return VX_OK;
}

static enum vx_svc_disp serve(struct vx_server *s, struct vx_server_conn *c, struct vx_msg *m,
			      void *ctx)
{
	struct dns_req r;
	struct dns_answer a;
	int rc;

	(void)s;
	(void)ctx;
	rc = dns_decode(m, &r);
	for (uint32_t i = 0; rc < 0 && i < m->ncaps && i < VX_RING_XFER_MAX; i++) {
		int64_t h = vx_ring_recv_cap(c->req_h); /* none is wanted */
		if (h >= 0)
			vx_cap_delete((vx_handle_t)h);
	}
	m->ncaps = 0;
	m->len = 0;
	if (rc == VX_OK) {
		switch (r.op) {
		case DNS_RESOLVE: {
			memset(&a, 0, sizeof(a));
			if ((rc = do_resolve(c, m, &r, &a)) == DEFERRED)
				return VX_SVC_DEFER;
			if (rc == VX_OK) {
				memcpy(m->data, &a, sizeof(a));
				m->len = sizeof(a);
			}
			break;
		}
		case DNS_INFO:
			do_info(m);
			break;
		case DNS_COUNTERS:
			do_counters(m, r.first);
			break;
		case DNS_CACHE:
			rc = do_cache(m, r.first);
			break;
		case DNS_FLUSH: {
			struct dns_flushed f = {.dropped = vx_dns_cache_flush(&D.cache)};
			COUNT(FLUSHES);
			memcpy(m->data, &f, sizeof(f));
			m->len = sizeof(f);
			break;
		}
		}
	} else if (r.op == DNS_RESOLVE) {
		COUNT(REQUESTS);
	}
	m->status = rc;
	return VX_SVC_REPLY;
}

/* ---------------------------------------------------------------- start */

static void hosts_bad(void *ctx, uint32_t line, enum vx_dns_why why)
{
	(void)ctx;
	say("dnsd: " HOSTS_NAME " line %u skipped: %s\n", line, vx_dns_why_name(why));
}

/* Reads SYS:etc/hosts through nsd into the hosts table. */
static void load_hosts(void)
{
	struct ns_object obj;
	vx_handle_t mem;
	size_t n = 0;

	if (!D.have_ns || D.self == VX_NO_HANDLE) {
		say("dnsd: no ns or self: no hosts file\n");
		return;
	}
	int rc = vx_ns_open_file(&D.ns, HOSTS_NAME, &obj, &mem, now() + CALL_NS);
	if (rc != VX_OK) {
		say("dnsd: " HOSTS_NAME ": %s\n", vx_errname(rc));
		return;
	}
	if ((rc = (int)vx_task_map(D.self, mem, FILE_VA, VX_PROT_READ)) == VX_OK) {
		n = obj.size < HOSTS_MAX ? (size_t)obj.size : HOSTS_MAX;
		memcpy(D.hosts_text, (const void *)(uintptr_t)(FILE_VA + obj.offset), n);
		vx_task_unmap(mem);
	}
	vx_cap_delete(mem);
	if (rc != VX_OK) {
		say("dnsd: " HOSTS_NAME ": %s\n", vx_errname(rc));
		return;
	}
	if (obj.size > HOSTS_MAX)
		say("dnsd: " HOSTS_NAME ": only its first %u bytes are read\n", HOSTS_MAX);
	vx_hosts_parse(&D.hosts, D.hosts_text, n, hosts_bad, NULL);
}

int main(const struct vx_bundle_page *b, const char *args)
{
	D.have_con = vx_client_open(&D.con, b, "console", CON_VA, CON_BIT) == VX_OK;
	D.have_net = vx_client_open(&D.net, b, "net", NET_VA, NET_BIT) == VX_OK;
	D.have_rng = vx_client_open(&D.rng, b, "rng", RNG_VA, RNG_BIT) == VX_OK;
	D.have_ns = vx_client_open(&D.ns, b, "ns", NS_VA, NS_BIT) == VX_OK;
	int64_t self = vx_bundle_handle(b, "self", VX_OBJ_TASK);
	D.self = self < 0 ? VX_NO_HANDLE : (vx_handle_t)self;
	if (!dns_parse_config(args, &D.cfg))
		say("dnsd: args '%s': want server A.B.C.D, or nothing for DHCP's\n", args);
	D.how = D.cfg.how;
	memcpy(D.server, D.cfg.server, 4);
	vx_dns_cache_init(&D.cache);
	load_hosts();
	if (!D.have_net)
		say("dnsd: no net connection: only the hosts file answers\n");
	if (vx_server_init(&D.srv, b, SRV_VA, SRV_BIT) != VX_OK)
		return 5; /* no port: nobody can reach us */
	say("dnsd: %u names from " HOSTS_NAME ", server %s\n", D.hosts.n,
	    D.how == DNS_SERVER_ARGS ? "from the args" : "from DHCP, when asked");
	for (;;) {
		vx_server_poll(&D.srv, serve, NULL);
		sock_drain();
		uint64_t next = tick(now());
		/* Sleep until a client asks, a datagram comes or a query is due. */
		if (D.sock_open) {
			vx_ring_set_waiting(&D.sock.rx, true);
			if (!vx_sock_readable(&D.sock))
				vx_server_wait(&D.srv, 1ull << SOCK_BIT, next);
			vx_ring_set_waiting(&D.sock.rx, false);
		} else {
			vx_server_wait(&D.srv, 0, next);
		}
	}
}
