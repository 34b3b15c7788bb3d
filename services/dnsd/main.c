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
 * when first needed and again when 30 s have passed since.
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
 * What it decides is services/dnsd/pure_resolver.c's (host-tested); this
 * file is the wiring: the clients, the socket, the clock, rngd and nsd.
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
#include "pure_resolver.h"
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

/* A request waiting for its answer: the core's waiter w is D.w[w]. */
struct waiter {
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
	struct dns_core core;
	char hosts_text[HOSTS_MAX];
	uint8_t pool[64];
	uint32_t pool_left;
	struct waiter w[DNS_WAIT_MAX];
	uint8_t buf[VX_DNS_MSG_MAX + 64];
} D;

#define COUNT(c) (D.core.count[DNSC_##c]++)

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
static void random_bytes(void *ctx, uint8_t *out, uint32_t n)
{
	(void)ctx;
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

/* How long a server learned from netd's lease is used before netd is
 * asked again: a renewed lease may name another. */
#define SERVER_RECHECK_NS (30ull * 1000000000ull)

/* The server to ask: from the args, or netd's lease (asked again every
 * SERVER_RECHECK_NS; while netd cannot say, the last one it named).  false
 * when none is known. */
static bool have_server(void *ctx, uint8_t out[4])
{
	static uint64_t checked;
	(void)ctx;
	if (D.how == DNS_SERVER_ARGS ||
	    (D.how == DNS_SERVER_DHCP && now() - checked < SERVER_RECHECK_NS)) {
		memcpy(out, D.server, 4);
		return true;
	}
	struct vx_msg m = {.op = NET_INFO};
	struct net_info in;
	if (D.have_net && vx_client_call(&D.net, &m, now() + CALL_NS) == VX_OK &&
	    m.len >= sizeof(in)) {
		memcpy(&in, m.data, sizeof(in));
		if (in.ndns != 0 && in.dns[0][0] != 0) {
			checked = now();
			if (D.how != DNS_SERVER_DHCP || memcmp(D.server, in.dns[0], 4) != 0)
				say("dnsd: server %u.%u.%u.%u (DHCP)\n", in.dns[0][0], in.dns[0][1],
				    in.dns[0][2], in.dns[0][3]);
			memcpy(D.server, in.dns[0], 4);
			D.how = DNS_SERVER_DHCP;
		}
	}
	if (D.how == DNS_SERVER_NONE)
		return false;
	memcpy(out, D.server, 4);
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
		random_bytes(NULL, r, 2);
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

/* The core's way out: one query to the server, on a socket opened first
 * if need be.  A socket netd no longer holds (it restarted) is closed and
 * a new one opened, once. */
static int send_query(void *ctx, const uint8_t *msg, size_t len)
{
	int rc = VX_E_HANGUP;

	(void)ctx;
	for (int turn = 0; turn < 2 && (rc == VX_E_HANGUP || rc == VX_E_CORRUPT ||
					rc == VX_E_STATE || rc == VX_E_AGAIN);
	     turn++) {
		if (turn > 0) {
			sock_close();
			vx_client_wait_up(&D.net, now() + CALL_NS); /* netd may be starting */
		}
		rc = sock_open();
		if (rc == VX_OK)
			rc = vx_sock_sendto(&D.sock, msg, len, D.server, VX_DNS_PORT,
					    now() + CALL_NS);
	}
	if (rc == VX_E_HANGUP || rc == VX_E_CORRUPT || rc == VX_E_STATE)
		sock_close(); /* a new socket next time */
	return rc;
}

/* The core's answer for waiter w (its client may have gone). */
static void answer(void *ctx, uint32_t w, const struct dns_answer *a)
{
	struct vx_msg *m = &D.w[w].m;

	(void)ctx;
	m->status = VX_OK;
	m->ncaps = 0;
	memset(m->data, 0, sizeof(m->data));
	memcpy(m->data, a, sizeof(*a));
	m->len = sizeof(*a);
	if (D.w[w].c && D.w[w].c->open)
		vx_server_reply(&D.srv, D.w[w].c, m);
	D.w[w].c = NULL;
}

/* Everything the socket holds, into the core. */
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
		dns_core_reply(&D.core, D.buf,
			       (size_t)n < sizeof(D.buf) ? (size_t)n : sizeof(D.buf), from, port,
			       now());
	}
}

/* Forgets the waiters whose clients hung up. */
static void drop_gone(void)
{
	for (uint32_t i = 0; i < DNS_WAIT_MAX; i++)
		if (D.core.w[i].used && (!D.w[i].c || !D.w[i].c->open)) {
			dns_core_drop(&D.core, i);
			D.w[i].c = NULL;
		}
}

static void do_info(struct vx_msg *m)
{
	struct dns_info in = {.how = D.how,
			      .sock = D.sock_open,
			      .port = D.sock_open ? D.sock.info.lport : 0,
			      .hosts = D.core.hosts.n,
			      .hosts_bad = D.core.hosts.bad,
			      .cache_used = vx_dns_cache_used(&D.core.cache),
			      .cache_size = VX_DNS_CACHE_ENTRIES,
			      .waiting = dns_core_waiting(&D.core)};

	memcpy(in.server, D.server, 4);
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
		c.v[c.count++] = D.core.count[i];
	memcpy(m->data, &c, sizeof(c));
	m->len = sizeof(c);
}

static int do_cache(struct vx_msg *m, uint32_t first)
{
	struct vx_dns_entry e;
	struct dns_cache_entry o;
	uint64_t t = now();
	int s = vx_dns_cache_next(&D.core.cache, first, t, &e);

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
			uint32_t w;
			if ((rc = dns_core_resolve(&D.core, &r, now(), &a, &w)) == DNS_CORE_WAIT) {
				D.w[w].c = c;
				D.w[w].m = *m;
				return VX_SVC_DEFER;
			}
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
			struct dns_flushed f = {.dropped = vx_dns_cache_flush(&D.core.cache)};
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
	vx_hosts_parse(&D.core.hosts, D.hosts_text, n, hosts_bad, NULL);
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
	struct dns_ops ops = {
	    .server = have_server, .send = send_query, .answer = answer, .random = random_bytes};
	dns_core_init(&D.core, &ops, NULL);
	load_hosts();
	if (!D.have_net)
		say("dnsd: no net connection: only the hosts file answers\n");
	if (vx_server_init(&D.srv, b, SRV_VA, SRV_BIT) != VX_OK)
		return 5; /* no port: nobody can reach us */
	say("dnsd: %u names from " HOSTS_NAME ", server %s\n", D.core.hosts.n,
	    D.how == DNS_SERVER_ARGS ? "from the args" : "from DHCP, when asked");
	for (;;) {
		vx_server_poll(&D.srv, serve, NULL);
		sock_drain();
		drop_gone();
		uint64_t next = dns_core_tick(&D.core, now());
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
