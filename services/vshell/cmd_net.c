/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The network, through netd (vectra/proto/net.h).
 *
 *   net              the card, the address and how it came, the ARP
 *                    cache, TCP's connections, and every counter that is
 *                    not zero
 *   ping ADDR [N]    N echo requests (default 4, at most 100), one a
 *                    second, each waiting up to 2 s for its answer; then
 *                    how many came back and the round trips
 */
#include "shell.h"
#include "net/net.h"
#include "net/tcp.h"
#include "net/addr.h"
#include "vectra/proto/net.h"
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

void cmd_ping(const struct vsh_cmd *c)
{
	struct net_ping_req p = {.len = 56, .timeout_ms = PING_WAIT_MS};
	uint32_t count = 4, got = 0;
	uint64_t min = UINT64_MAX, max = 0, sum = 0;

	if (!vx_ip_parse(c->argv[1], p.addr)) {
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
		if (i < count) {
			uint64_t next = start + 1000 * MS;
			if ((uint64_t)vx_clock() < next)
				vx_sig_wait(0, next);
		}
	}
	con_printf("%u sent, %u received, %u%% lost", count, got, (count - got) * 100 / count);
	if (got)
		con_printf("; round trip min/avg/max %lu/%lu/%lu us", (unsigned long)(min / 1000),
			   (unsigned long)(sum / got / 1000), (unsigned long)(max / 1000));
	con_printf("\n");
}
