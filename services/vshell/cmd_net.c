/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The network, through netd (vectra/proto/net.h).
 *
 *   net              the card, the address and how it came, the ARP
 *                    cache, TCP's connections, and every counter that is
 *                    not zero
 *   ping HOST [N]    N echo requests (default 4, at most 100), one a
 *                    second, each waiting up to 2 s for its answer; then
 *                    how many came back and the round trips.  HOST is an
 *                    address or a name, which dnsd resolves (the first
 *                    address it gives is pinged)
 *   host NAME        NAME's addresses through dnsd, their TTL and where
 *                    they came from (hosts file, cache, server); or why
 *                    there are none
 *   dns [flush]      dnsd's server, counters and cache; flush empties the
 *                    cache
 */
#include "shell.h"
#include "net/net.h"
#include "net/tcp.h"
#include "net/addr.h"
#include "net/dns.h"
#include "client/dns.h"
#include "client/sock.h"
#include "vectra/proto/net.h"
#include "vectra/proto/dns.h"
#include "vx_string.h"

#define PING_WAIT_MS 2000u
#define PING_MAX     100u

static void ip_line(const char *label, const uint8_t a[4])
{
	con_printf("%s%u.%u.%u.%u", label, a[0], a[1], a[2], a[3]);
}

static unsigned prefix_of(const uint8_t m[4])
{
	unsigned n = 0;

	for (int i = 0; i < 4; i++)
		for (int b = 7; b >= 0; b--)
			n += (m[i] >> b) & 1;
	return n;
}

/* One request with a start index; false (and a message) on failure. */
static bool call_first(uint32_t op, uint32_t first, struct vx_msg *m, uint32_t want)
{
	uint32_t req[2] = {first, 0};

	int rc, tries = 0;
	do {
		memset(m, 0, sizeof(*m));
		m->op = op;
		memcpy(m->data, req, sizeof(req));
		m->len = sizeof(req);
		rc = client_call(&shell.net, m);
	} while (client_retry(&shell.net, rc, &tries));
	if (client_report("net", &shell.net, rc))
		return false;
	if (rc != VX_OK) {
		con_printf("net: %s\n", vx_strerror(rc));
		return false;
	}
	if (m->len < want) {
		con_printf("net: netd sent a short answer\n");
		return false;
	}
	return true;
}

static void show_arp(void)
{
	struct vx_msg m;
	struct net_arp a;
	uint32_t n = 0;

	con_printf("ARP\n");
	for (uint32_t first = 0; first < 1024;) {
		if (!call_first(NET_ARP, first, &m, sizeof(a)))
			return;
		memcpy(&a, m.data, sizeof(a));
		for (uint32_t i = 0; i < a.count && i < NET_ARP_BATCH; i++) {
			const struct net_arp_entry *e = &a.e[i];
			ip_line("  ", e->ip);
			if (e->state == NET_ARP_COMPLETE)
				con_printf("  %02x:%02x:%02x:%02x:%02x:%02x  %u s left\n",
					   e->mac[0], e->mac[1], e->mac[2], e->mac[3], e->mac[4],
					   e->mac[5], e->ttl_s);
			else
				con_printf("  (asking: %u requests sent)\n", e->tries);
			n++;
		}
		if (a.count == 0 || a.next <= first)
			break;
		first = a.next;
	}
	if (n == 0)
		con_printf("  (empty)\n");
}

static void show_tcp(void)
{
	struct vx_msg m;
	struct net_tcp t;
	uint32_t n = 0;

	con_printf("TCP\n");
	for (uint32_t first = 0; first < 1024;) {
		if (!call_first(NET_TCP, first, &m, sizeof(t)))
			return;
		memcpy(&t, m.data, sizeof(t));
		for (uint32_t i = 0; i < t.count && i < NET_TCP_BATCH; i++) {
			const struct net_tcp_entry *e = &t.e[i];
			ip_line("  ", e->local);
			con_printf(":%u", e->lport);
			if (e->listener) {
				con_printf("  %s\n", vx_tcp_state_name(e->state));
			} else {
				ip_line("  ", e->remote);
				con_printf(":%u  %s  %u unacked, %u to read\n", e->rport,
					   vx_tcp_state_name(e->state), e->unacked, e->readable);
			}
			n++;
		}
		if (t.count == 0 || t.next <= first)
			break;
		first = t.next;
	}
	if (n == 0)
		con_printf("  (none)\n");
}

static void show_counters(void)
{
	struct vx_msg m;
	struct net_counters c;
	uint32_t col = 0;

	con_printf("counters (those not zero)\n");
	for (uint32_t first = 0; first < 4096;) {
		if (!call_first(NET_COUNTERS, first, &m, sizeof(c)))
			return;
		memcpy(&c, m.data, sizeof(c));
		for (uint32_t i = 0; i < c.count && i < NET_COUNTERS_BATCH; i++) {
			const char *name = vx_net_all_counter_name(c.first + i);
			if (c.v[i] == 0 || !name)
				continue;
			con_printf("%s%-20s %8lu", col ? "   " : "  ", name, (unsigned long)c.v[i]);
			if (++col == 2) {
				con_printf("\n");
				col = 0;
			}
		}
		if (c.count == 0 || c.first + c.count >= c.total)
			break;
		first = c.first + c.count;
	}
	if (col)
		con_printf("\n");
}

void cmd_net(const struct vsh_cmd *c)
{
	struct vx_msg m;
	struct net_info in;
	int rc, tries = 0;

	(void)c;
	do {
		m = (struct vx_msg){.op = NET_INFO};
		rc = client_call(&shell.net, &m);
	} while (client_retry(&shell.net, rc, &tries));
	if (client_report("net", &shell.net, rc))
		return;
	if (m.len < sizeof(in)) {
		con_printf("net: netd sent a short answer\n");
		return;
	}
	memcpy(&in, m.data, sizeof(in));
	if (!in.card) {
		con_printf("net: no network card (netd has none open)\n");
		return;
	}
	con_printf("card     %02x:%02x:%02x:%02x:%02x:%02x  link %s  mtu %u  offloads:%s%s%s\n",
		   in.mac[0], in.mac[1], in.mac[2], in.mac[3], in.mac[4], in.mac[5],
		   in.link ? "up" : "down", in.mtu, (in.features & 1) ? " tx-csum" : "",
		   (in.features & 2) ? " rx-csum" : "", (in.features & 3) ? "" : " none");
	if (in.how == NET_HOW_NONE) {
		con_printf("address  none yet (DHCP: %s)\n",
			   vx_dhcp_state_name((enum vx_dhcp_state)in.dhcp));
	} else {
		ip_line("address  ", in.addr);
		con_printf("/%u", prefix_of(in.mask));
		if (in.gw[0])
			ip_line("  router ", in.gw);
		for (uint32_t i = 0; i < in.ndns && i < 3; i++)
			ip_line(i ? "," : "  dns ", in.dns[i]);
		if (in.how == NET_HOW_DHCP)
			con_printf("  (DHCP %s, lease %u s, %u s left)\n",
				   vx_dhcp_state_name((enum vx_dhcp_state)in.dhcp), in.lease_s,
				   in.lease_left_s);
		else
			con_printf("  (static)\n");
	}
	con_printf("frames   %lu in, %lu out; the driver restarted %u times\n",
		   (unsigned long)in.rx_frames, (unsigned long)in.tx_frames, in.reopens);
	show_arp();
	show_tcp();
	show_counters();
}

/* ------------------------------------------------------------- names */

/* Only digits and dots: meant as an address, never a name. */
static bool numeric(const char *s)
{
	for (; *s; s++)
		if (*s != '.' && (*s < '0' || *s > '9'))
			return false;
	return true;
}

/* The question of vx_sock_connect_stop and vx_dns_resolve_stop: has Ctrl-C
 * come?  *ctx remembers it. */
static bool interrupted(void *ctx)
{
	bool *stopped = ctx;

	if (!*stopped && con_interrupted())
		*stopped = true;
	return *stopped;
}

/* DNS_RESOLVE of name through dnsd into *a; false (and a message) when no
 * answer came at all.  A dotted quad needs no dnsd. */
static bool resolve(const char *cmd, const char *name, struct dns_answer *a)
{
	uint8_t lit[4];
	int rc, tries = 0;

	if (!vx_dns_literal(name, lit) && !shell.dns.open) {
		client_report(cmd, &shell.dns, VX_E_NOTFOUND);
		return false;
	}
	bool stopped = false;
	do {
		if (shell.dns.open)
			client_drop_caps(&shell.dns);
		rc = vx_dns_resolve_stop(shell.dns.open ? &shell.dns.c : NULL, name, a,
					 (uint64_t)vx_clock() + (DNS_RESOLVE_MAX_MS + 3000) * MS,
					 50 * MS, interrupted, &stopped);
	} while (!stopped && client_retry(&shell.dns, rc, &tries));
	if (stopped) {
		/* dnsd may take DNS_RESOLVE_MAX_MS for a silent server */
		con_printf("%s: interrupted (Ctrl-C) while resolving %s\n", cmd, name);
		return false;
	}
	if (client_report(cmd, &shell.dns, rc))
		return false;
	/* dnsd's rules for a name (vectra/proto/dns.h), in words */
	if (rc == VX_E_INVAL) {
		con_printf("%s: '%s' is not a host name or an address (VX_E_INVAL: A.B.C.D, or "
			   "labels of letters, digits, '-' and '_' joined by '.', none empty)\n",
			   cmd, name);
		return false;
	}
	if (rc == VX_E_TOOBIG) {
		con_printf("%s: '%s' is too long for a host name (VX_E_TOOBIG: a label holds at "
			   "most 63 bytes, a name %u)\n",
			   cmd, name, DNS_REQ_NAME_MAX);
		return false;
	}
	if (rc != VX_OK) {
		con_printf("%s: '%s': %s\n", cmd, name, vx_strerror(rc));
		return false;
	}
	return true;
}

static const char *outcome(const struct dns_answer *a)
{
	if (a->source == DNS_SRC_NONE && a->result != VX_E_STATE)
		return "dnsd could not ask the server (netd's socket failed)";
	switch (a->result) {
	case VX_E_NOTFOUND:
		return "not found";
	case VX_E_TIMEOUT:
		return "the server did not answer";
	case VX_E_AGAIN:
		return "the server failed (SERVFAIL)";
	case VX_E_REFUSED:
		return "the server refused";
	case VX_E_NOSYS:
		return "the server answered with an error";
	case VX_E_TOOBIG:
		return "the answer was truncated";
	case VX_E_CORRUPT:
		return "only malformed replies came";
	case VX_E_STATE:
		return "no DNS server is known";
	default:
		return vx_strerror(a->result);
	}
}

/* netd's VX_E_NOTFOUND: every op but NET_INFO answers it without a card. */
#define NO_CARD "netd has no network card (devices lists the PCI functions)"

const char *vsh_connect_why(int rc)
{
	switch (rc) {
	case VX_E_REFUSED:
		return "connection refused";
	case VX_E_UNREACH:
		return "host unreachable";
	case VX_E_TIMEOUT:
		return "timed out";
	case VX_E_RESET:
		return "connection reset by the server";
	case VX_E_HANGUP:
		return "netd went away";
	case VX_E_INVAL:
		return "not a host to connect to (loopback, broadcast, multicast, or this "
		       "machine's own address: there is no loopback)";
	case VX_E_NOTFOUND:
		return NO_CARD;
	case VX_E_STATE:
		return "netd has no address yet (DHCP: net shows it)";
	case VX_E_AGAIN:
		return "netd is not running (restarting, or stopped: see ps)";
	default:
		return vx_strerror(rc);
	}
}

int vsh_connect(struct vx_sock *s, const uint8_t addr[4], uint16_t port, uint32_t timeout_ms,
		bool *stopped)
{
	*stopped = false;
	return vx_sock_connect_stop(s, &shell.net.c, addr, port, timeout_ms, VA_SOCK, BIT_SOCK,
				    (uint64_t)vx_clock() + (timeout_ms + 2000ull) * MS, 50 * MS,
				    interrupted, stopped);
}

bool vsh_resolve_addr(const char *cmd, const char *name, uint8_t addr[4], struct dns_answer *a)
{
	if (!resolve(cmd, name, a))
		return false;
	if (a->result != VX_OK) {
		con_printf("%s: %s: %s (%s)\n", cmd, name, outcome(a), vx_errname(a->result));
		return false;
	}
	memcpy(addr, a->addr[0], 4);
	return true;
}

/* " (ttl N s, from SOURCE)" and the end of the line */
static void whence(const struct dns_answer *a)
{
	if (a->source == DNS_SRC_NONE)
		con_printf("\n");
	else if ((a->source == DNS_SRC_SERVER || a->source == DNS_SRC_CACHE) &&
		 (a->result == VX_OK || a->result == VX_E_NOTFOUND))
		con_printf(" (ttl %u s, from %s)\n", a->ttl_s, vx_dns_source_name(a->source));
	else
		con_printf(" (from %s)\n", vx_dns_source_name(a->source));
}

void cmd_host(const struct vsh_cmd *c)
{
	struct dns_answer a;

	if (!resolve("host", c->argv[1], &a))
		return;
	if (a.result == VX_OK) {
		con_printf("%s:", c->argv[1]);
		for (uint32_t i = 0; i < a.naddr && i < DNS_ADDRS_MAX; i++)
			ip_line(" ", a.addr[i]);
		con_printf(" ");
		whence(&a);
		return;
	}
	const char *why = a.why ? vx_dns_why_name((enum vx_dns_why)a.why) : NULL;
	con_printf("host: %s: %s [%s%s%s]", c->argv[1], outcome(&a), vx_errname(a.result),
		   why ? " " : "", why ? why : "");
	whence(&a);
}

/* One request with a start index to dnsd. */
static int dns_first(uint32_t op, uint32_t first, struct vx_msg *m)
{
	uint32_t req[2] = {first, 0};
	int rc, tries = 0;

	do {
		memset(m, 0, sizeof(*m));
		m->op = op;
		memcpy(m->data, req, sizeof(req));
		m->len = sizeof(req);
		rc = client_call(&shell.dns, m);
	} while (client_retry(&shell.dns, rc, &tries));
	return rc;
}

static void dns_counters(void)
{
	struct vx_msg m;
	struct dns_counters k;
	uint32_t col = 0;

	con_printf("counters (those not zero)\n");
	for (uint32_t first = 0; first < 256;) {
		int rc = dns_first(DNS_COUNTERS, first, &m);
		if (client_report("dns", &shell.dns, rc))
			return;
		if (rc != VX_OK || m.len < sizeof(k)) {
			con_printf("dns: %s\n", rc ? vx_strerror(rc) : "dnsd sent a short answer");
			return;
		}
		memcpy(&k, m.data, sizeof(k));
		for (uint32_t i = 0; i < k.count && i < DNS_COUNTERS_BATCH; i++) {
			const char *name = vx_dns_counter_name(k.first + i);
			if (k.v[i] == 0 || !name)
				continue;
			con_printf("%s%-16s %8lu", col ? "   " : "  ", name, (unsigned long)k.v[i]);
			if (++col == 3) {
				con_printf("\n");
				col = 0;
			}
		}
		if (k.count == 0 || k.first + k.count >= k.total)
			break;
		first = k.first + k.count;
	}
	if (col)
		con_printf("\n");
}

static void dns_cache(void)
{
	struct vx_msg m;
	struct dns_cache_entry e;
	uint32_t n = 0;

	con_printf("cache\n");
	for (uint32_t first = 0; first < 1024;) {
		int rc = dns_first(DNS_CACHE, first, &m);
		if (rc == VX_E_NOTFOUND && shell.dns.open)
			break;
		if (client_report("dns", &shell.dns, rc))
			return;
		if (rc != VX_OK || m.len < sizeof(e)) {
			con_printf("dns: %s\n", rc ? vx_strerror(rc) : "dnsd sent a short answer");
			return;
		}
		memcpy(&e, m.data, sizeof(e));
		e.name[sizeof(e.name) - 1] = 0;
		con_printf("  %-30s %6u s ", e.name, e.ttl_s);
		if (e.negative)
			con_printf(" (does not exist)");
		for (uint32_t i = 0; i < e.naddr && i < DNS_ADDRS_MAX; i++)
			ip_line(" ", e.addr[i]);
		con_printf("\n");
		n++;
		if (e.slot < first)
			break;
		first = e.slot + 1;
	}
	if (n == 0)
		con_printf("  (empty)\n");
}

void cmd_dns(const struct vsh_cmd *c)
{
	struct vx_msg m;
	int rc, tries = 0;

	if (!shell.dns.open) {
		client_report("dns", &shell.dns, VX_E_NOTFOUND);
		return;
	}
	if (c->argc > 1) {
		if (strcmp(c->argv[1], "flush") != 0) {
			con_printf("dns: usage: dns [flush]\n");
			return;
		}
		do {
			m = (struct vx_msg){.op = DNS_FLUSH};
			rc = client_call(&shell.dns, &m);
		} while (client_retry(&shell.dns, rc, &tries));
		if (client_report("dns", &shell.dns, rc))
			return;
		struct dns_flushed f = {0};
		memcpy(&f, m.data, m.len < sizeof(f) ? m.len : sizeof(f));
		if (rc == VX_OK)
			con_printf("dns: flushed %u entries\n", f.dropped);
		else
			con_printf("dns: %s\n", vx_strerror(rc));
		return;
	}
	do {
		m = (struct vx_msg){.op = DNS_INFO};
		rc = client_call(&shell.dns, &m);
	} while (client_retry(&shell.dns, rc, &tries));
	if (client_report("dns", &shell.dns, rc))
		return;
	struct dns_info in;
	if (rc != VX_OK || m.len < sizeof(in)) {
		con_printf("dns: %s\n", rc ? vx_strerror(rc) : "dnsd sent a short answer");
		return;
	}
	memcpy(&in, m.data, sizeof(in));
	if (in.how == DNS_SERVER_NONE)
		con_printf("server   none yet (from DHCP when a name is asked)\n");
	else
		ip_line("server   ", in.server);
	if (in.how != DNS_SERVER_NONE)
		con_printf(" (%s)\n", in.how == DNS_SERVER_ARGS ? "args" : "DHCP");
	if (in.sock)
		con_printf("socket   UDP port %u\n", in.port);
	con_printf("hosts    %u names, %u lines skipped\n", in.hosts, in.hosts_bad);
	con_printf("cache    %u of %u entries, %u requests waiting\n", in.cache_used, in.cache_size,
		   in.waiting);
	dns_counters();
	dns_cache();
}

/* Waits until deadline; true, at once, if Ctrl-C is typed meanwhile. */
static bool wait_or_interrupt(uint64_t deadline)
{
	for (;;) {
		if (con_interrupted())
			return true;
		uint64_t now = (uint64_t)vx_clock();
		if (now >= deadline)
			return false;
		uint64_t step = now + 50 * MS;
		vx_sig_wait(0, step < deadline ? step : deadline);
	}
}

void cmd_ping(const struct vsh_cmd *c)
{
	struct net_ping_req p = {.len = 56, .timeout_ms = PING_WAIT_MS};
	uint32_t count = 4, got = 0;
	uint64_t min = UINT64_MAX, max = 0, sum = 0;
	struct dns_answer a;

	if (numeric(c->argv[1]) && !vx_ip_parse(c->argv[1], p.addr)) {
		con_printf("ping: '%s' is not an address (A.B.C.D)\n", c->argv[1]);
		return;
	}
	if (c->argc > 2) {
		uint64_t n = 0;
		const char *s = c->argv[2];
		while (*s >= '0' && *s <= '9' && n <= PING_MAX)
			n = n * 10 + (uint64_t)(*s++ - '0');
		if (*s || n == 0 || n > PING_MAX) {
			con_printf("ping: count '%s': want 1..%u\n", c->argv[2], PING_MAX);
			return;
		}
		count = (uint32_t)n;
	}
	if (!vsh_resolve_addr("ping", c->argv[1], p.addr, &a))
		return;
	if (a.source != DNS_SRC_LITERAL)
		con_printf("PING %s (%u.%u.%u.%u)\n", c->argv[1], p.addr[0], p.addr[1], p.addr[2],
			   p.addr[3]);
	for (uint32_t i = 1; i <= count; i++) {
		uint64_t start = (uint64_t)vx_clock();
		struct vx_msg m;
		int rc, tries = 0;
		p.seq = (uint16_t)i;
		do {
			m = (struct vx_msg){.op = NET_PING, .len = sizeof(p)};
			memcpy(m.data, &p, sizeof(p));
			rc = client_call_for(&shell.net, &m, (PING_WAIT_MS + 1000) * MS);
		} while (client_retry(&shell.net, rc, &tries));
		if (client_report("ping", &shell.net, rc))
			return;
		struct net_ping r;
		memset(&r, 0, sizeof(r));
		if (rc == VX_OK && m.len < sizeof(r)) {
			con_printf("ping: netd sent a short answer\n");
			return;
		}
		memcpy(&r, m.data, m.len < sizeof(r) ? m.len : sizeof(r));
		if (rc == VX_E_NOTFOUND || rc == VX_E_STATE) {
			/* netd's answer, not the ping's result: nothing went */
			con_printf("ping: %s\n",
				   rc == VX_E_NOTFOUND ? NO_CARD : vsh_connect_why(rc));
			return;
		}
		if (rc == VX_E_INVAL) {
			con_printf(
			    "ping: %u.%u.%u.%u is not a host to ping (VX_E_INVAL: loopback, "
			    "0.0.0.0/8, broadcast, multicast, or this machine's own address: "
			    "there is no loopback)\n",
			    p.addr[0], p.addr[1], p.addr[2], p.addr[3]);
			return;
		}
		if (rc == VX_OK)
			rc = r.result;
		if (rc == VX_OK) {
			uint64_t us = r.rtt_ns / 1000;
			con_printf("%u bytes from %u.%u.%u.%u: seq=%u time=%lu.%03lu ms\n",
				   p.len + 8, r.from[0], r.from[1], r.from[2], r.from[3], i,
				   (unsigned long)(us / 1000), (unsigned long)(us % 1000));
			got++;
			sum += r.rtt_ns;
			min = r.rtt_ns < min ? r.rtt_ns : min;
			max = r.rtt_ns > max ? r.rtt_ns : max;
		} else if (rc == VX_E_TIMEOUT) {
			con_printf("seq=%u: no answer in %u ms\n", i, PING_WAIT_MS);
		} else if (rc == VX_E_NOTFOUND && r.type) {
			con_printf("seq=%u: unreachable (ICMP type %u code %u from %u.%u.%u.%u)\n",
				   i, r.type, r.code, r.from[0], r.from[1], r.from[2], r.from[3]);
		} else {
			con_printf("ping: %s\n", vx_strerror(rc));
			if (rc != VX_E_NOTFOUND)
				return;
		}
		/* Ctrl-C ends it after this request (an answer takes at most
		 * PING_WAIT_MS), with the totals so far. */
		if (i < count ? wait_or_interrupt(start + 1000 * MS) : con_interrupted()) {
			con_printf("ping: interrupted (Ctrl-C)\n");
			count = i;
		}
	}
	con_printf("%u sent, %u received, %u%% lost", count, got, (count - got) * 100 / count);
	if (got)
		con_printf("; round trip min/avg/max %lu/%lu/%lu us", (unsigned long)(min / 1000),
			   (unsigned long)(sum / got / 1000), (unsigned long)(max / 1000));
	con_printf("\n");
}
