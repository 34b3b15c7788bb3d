/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for netd's request decoder and configuration parser
 * (services/netd/pure_netmsg.h) and lib/net/addr.h.  The input is a
 * struct vx_msg's op, ncaps, len and data, then the rest as a string.
 *
 * Invariants: the decoder answers VX_OK, VX_E_NOSYS or VX_E_INVAL only;
 * VX_OK only for a known op, no capabilities and the op's exact length;
 * an accepted ping has a unicast address, a length and a timeout in
 * range; an accepted socket request has its kind's fields and no other's;
 * a grant is one netd knows or nothing at all; the parsers accept only
 * strings that print back the same, and
 * an accepted configuration is DHCP or a unicast static address.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vectra/abi.h"
#include "net/addr.h"
#include "../../services/netd/pure_netmsg.h"

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "fuzz_netmsg: %s\n", #c);                                  \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n)
{
	struct vx_msg m;
	struct net_req r;
	char s[64];

	if (n < 8)
		return 0;
	memset(&m, 0, sizeof(m));
	m.op = in[0] % 11;
	m.ncaps = in[1] % 3 == 0 ? 1 : 0;
	m.len = (uint16_t)(in[2] | in[3] << 8) % (VX_MSG_DATA + 8);
	size_t take = n - 4 < sizeof(m.data) ? n - 4 : sizeof(m.data);
	memcpy(m.data, in + 4, take);
	int rc = net_decode(&m, &r);
	CHECK(rc == VX_OK || rc == VX_E_NOSYS || rc == VX_E_INVAL);
	if (rc == VX_OK) {
		CHECK(m.ncaps == 0 && m.op >= NET_INFO && m.op <= NET_CANCEL);
		if (r.op == NET_PING) {
			CHECK(m.len == sizeof(struct net_ping_req));
			CHECK(vx_ip_unicast(r.ping.addr) && r.ping.len <= NET_PING_DATA_MAX);
			CHECK(r.ping.timeout_ms >= 1 &&
			      r.ping.timeout_ms <= NET_PING_TIMEOUT_MAX_MS);
		}
		if (r.op == NET_SOCKET) {
			const struct net_socket_req *q = &r.sock;
			CHECK(m.len == sizeof(*q) && q->reserved0 == 0);
			if (q->kind == NET_SOCK_TCP)
				CHECK(vx_ip_unicast(q->addr) && q->port && q->timeout_ms &&
				      q->timeout_ms <= NET_CONNECT_TIMEOUT_MAX_MS && !q->backlog &&
				      !q->peer_port);
			else if (q->kind == NET_SOCK_LISTEN)
				CHECK(q->port && q->backlog >= 1 && q->backlog <= NET_BACKLOG_MAX &&
				      !q->timeout_ms && !q->peer_port &&
				      (q->addr[0] | q->addr[1] | q->addr[2] | q->addr[3]) == 0);
			else
				CHECK(q->kind == NET_SOCK_UDP && !q->timeout_ms && !q->backlog &&
				      (q->peer_port == 0) == ((q->addr[0] | q->addr[1] |
							       q->addr[2] | q->addr[3]) == 0));
		}
		if (r.op == NET_ACCEPT)
			CHECK(r.accept.timeout_ms <= NET_ACCEPT_TIMEOUT_MAX_MS);
		if (r.op == NET_CLOSE)
			CHECK(r.close.how <= NET_CLOSE_ABORT);
		if (r.op == NET_CANCEL)
			CHECK(m.len == sizeof(r.cancel) && r.cancel.reserved == 0);
	}

	size_t sl = n - 4 < sizeof(s) - 1 ? n - 4 : sizeof(s) - 1;
	memcpy(s, in + 4, sl);
	s[sl] = 0;
	uint8_t a[4], mask[4];
	char back[32];
	if (vx_ip_parse(s, a)) {
		snprintf(back, sizeof(back), "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
		CHECK(strcmp(back, s) == 0 ||
		      strchr(s, '0') != NULL); /* leading zeros print shorter */
	}
	if (vx_cidr_parse(s, a, mask)) {
		uint32_t mm = (uint32_t)mask[0] << 24 | mask[1] << 16 | mask[2] << 8 | mask[3];
		CHECK((mm & (~mm >> 1)) == 0 || mm == 0xffffffffu || (~mm & (~mm + 1)) == 0);
	}
	struct net_grant g;
	if (net_parse_grant(s, sl, &g) == VX_OK)
		CHECK(g.may == NET_GRANT_ALL || g.may == NET_GRANT_CONNECT ||
		      g.may == NET_GRANT_UDP || (g.may == NET_GRANT_LISTEN));
	else
		CHECK(g.may == 0 && g.listen_port == 0);
	CHECK(g.may == NET_GRANT_LISTEN || g.listen_port == 0);
	struct net_config c;
	if (net_parse_config(s, &c)) {
		CHECK(c.how == NET_HOW_DHCP || (c.how == NET_HOW_STATIC && vx_ip_unicast(c.addr)));
		CHECK(!c.has_gw || vx_ip_unicast(c.gw));
	} else {
		CHECK(c.how == NET_HOW_DHCP);
	}
	return 0;
}
