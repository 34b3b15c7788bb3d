/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * netd's request decoder (vectra/proto/net.h): every request is checked
 * whole here, before netd acts on it.  Pure, so the host tests
 * (tests/host/test_netmsg.c) and the fuzzer (tests/fuzz/fuzz_netmsg.c)
 * run it.
 */
#ifndef NETD_PURE_NETMSG_H
#define NETD_PURE_NETMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "rt/svc.h"
#include "vectra/proto/net.h"

struct net_req {
	uint32_t op;	/* enum net_op */
	uint32_t first; /* NET_COUNTERS, NET_ARP, NET_TCP */
	struct net_ping_req ping;
	struct net_socket_req sock;
	struct net_accept_req accept;
	struct net_close_req close;
	struct net_cancel_req cancel;
};

/* netd's configuration, from its args. */
struct net_config {
	uint8_t how; /* NET_HOW_DHCP or NET_HOW_STATIC */
	uint8_t addr[4], mask[4], gw[4];
	bool has_gw;
};

/* Parses args: "" / "dhcp" / "netd" (the name init passes when the
 * manifest has no args line) for DHCP, or "static A.B.C.D/N [GATEWAY]"
 * with a unicast address and gateway.  false, with cfg set to DHCP, for
 * anything else. */
bool net_parse_config(const char *args, struct net_config *cfg);

/*
 * What one connection may do: its grant, from the attach record init wrote
 * for it (the manifest's "connect net.GRANT", INIT_CONNECT "net.GRANT"):
 *
 *   ""            everything (a plain "connect net")
 *   connect       NET_PING and TCP connections (NET_SOCKET NET_SOCK_TCP)
 *   udp           UDP sockets on any port from NET_GRANT_UDP_PORT_MIN (a
 *                 resolver picks its own at random), or 0 for any free one
 *   listen        listeners on any port, and NET_ACCEPT
 *   listen.PORT   a listener on PORT (1..65535, decimal) only
 *
 * Every grant may ask NET_INFO, close its own sockets and cancel its own
 * waiting requests; the tables (NET_COUNTERS, NET_ARP, NET_TCP) show other
 * Tasks' traffic and need everything.  Anything else is refused: the connection is closed.
 */
#define NET_GRANT_ALL	       0xffu
#define NET_GRANT_CONNECT      0x01u
#define NET_GRANT_UDP	       0x02u
#define NET_GRANT_LISTEN       0x04u
#define NET_GRANT_UDP_PORT_MIN 1024u /* the well-known ports need everything */

struct net_grant {
	uint8_t may;	      /* NET_GRANT_* */
	uint16_t listen_port; /* NET_GRANT_LISTEN: 0 for any port, else that one */
};

/* Parses a record's text (len bytes, not NUL-terminated): VX_OK, or
 * VX_E_INVAL for a grant netd does not know. */
int net_parse_grant(const char *text, size_t len, struct net_grant *g);

/* May a connection holding g make request r (decoded)?  VX_OK or
 * VX_E_RIGHTS. */
int net_grant_check(const struct net_grant *g, const struct net_req *r);

/* Decodes m into r: VX_OK or the error net.h lists for it (VX_E_NOSYS,
 * VX_E_INVAL).  Nothing of the stack's state is consulted. */
int net_decode(const struct vx_msg *m, struct net_req *r);

#endif
