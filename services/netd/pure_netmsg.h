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

/* Decodes m into r: VX_OK or the error net.h lists for it (VX_E_NOSYS,
 * VX_E_INVAL).  Nothing of the stack's state is consulted. */
int net_decode(const struct vx_msg *m, struct net_req *r);

#endif
