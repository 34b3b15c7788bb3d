/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dnsd's request decoder (vectra/proto/dns.h) and its configuration: every
 * request is checked whole here, before dnsd acts on it.  Pure, so the
 * host tests (tests/host/test_dnsmsg.c) and the fuzzer
 * (tests/fuzz/fuzz_dnsmsg.c) run it.
 */
#ifndef DNSD_PURE_DNSMSG_H
#define DNSD_PURE_DNSMSG_H

#include <stdbool.h>
#include <stdint.h>
#include "rt/svc.h"
#include "net/dns.h"
#include "vectra/proto/dns.h"

struct dns_req {
	uint32_t op;			/* enum dns_op */
	uint32_t first;			/* DNS_COUNTERS, DNS_CACHE */
	bool literal;			/* DNS_RESOLVE: the name is an address */
	uint8_t addr[4];		/* ...which is this */
	char name[VX_DNS_NAME_MAX + 1]; /* DNS_RESOLVE: canonical */
	enum vx_dns_why why;		/* a refused name: why */
};

/* dnsd's configuration, from its args. */
struct dns_config {
	uint8_t how; /* DNS_SERVER_NONE (ask netd's DHCP lease) or DNS_SERVER_ARGS */
	uint8_t server[4];
};

/* Parses args: "" or "dnsd" (the name init passes when the manifest has
 * no args line) to take the server from netd's DHCP lease, or
 * "server A.B.C.D" with a unicast address.  false, with cfg set to the
 * DHCP default, for anything else. */
bool dns_parse_config(const char *args, struct dns_config *cfg);

/* Decodes m into r: VX_OK or the error dns.h lists for it (VX_E_NOSYS,
 * VX_E_INVAL, VX_E_TOOBIG).  Nothing of dnsd's state is consulted. */
int dns_decode(const struct vx_msg *m, struct dns_req *r);

#endif
