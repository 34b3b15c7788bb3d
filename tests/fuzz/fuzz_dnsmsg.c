/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for dnsd's request decoder and configuration parser
 * (services/dnsd/pure_dnsmsg.h).  The input is a struct vx_msg's op,
 * ncaps, len and data, then the rest as a string for the configuration.
 *
 * Invariants: the decoder answers VX_OK, VX_E_NOSYS, VX_E_INVAL or
 * VX_E_TOOBIG only; VX_OK only for a known op and no capabilities; an
 * accepted DNS_RESOLVE carries an address, or a name that lib/net/dns.h
 * accepts and that is already canonical; an accepted configuration names
 * a unicast server or none.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vectra/abi.h"
#include "net/addr.h"
#include "../../services/dnsd/pure_dnsmsg.h"

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "fuzz_dnsmsg: %s\n", #c);                                  \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n)
{
	struct vx_msg m;
	struct dns_req r;
	char s[64], canon[VX_DNS_NAME_MAX + 1];

	if (n < 4)
		return 0;
	memset(&m, 0, sizeof(m));
	m.op = in[0] % 7;
	m.ncaps = in[1] % 5 == 0 ? 1 : 0;
	m.len = (uint16_t)(in[2] | in[3] << 8) % (VX_MSG_DATA + 8);
	size_t take = n - 4 < sizeof(m.data) ? n - 4 : sizeof(m.data);
	memcpy(m.data, in + 4, take);
	int rc = dns_decode(&m, &r);
	CHECK(rc == VX_OK || rc == VX_E_NOSYS || rc == VX_E_INVAL || rc == VX_E_TOOBIG);
	if (rc == VX_OK) {
		CHECK(m.ncaps == 0 && m.op >= DNS_RESOLVE && m.op <= DNS_FLUSH);
		if (r.op == DNS_RESOLVE && !r.literal) {
			CHECK(vx_dns_name_check(r.name, canon, NULL) == VX_OK);
			CHECK(strcmp(canon, r.name) == 0);
			CHECK(strlen(r.name) <= DNS_REQ_NAME_MAX);
		}
		if (r.op == DNS_RESOLVE && r.literal)
			CHECK(vx_ip_parse(r.name, r.addr));
	} else if (rc == VX_E_TOOBIG) {
		CHECK(m.op == DNS_RESOLVE && r.why == VX_DNS_LABEL_LONG);
	}

	size_t sl = n - 4 < sizeof(s) - 1 ? n - 4 : sizeof(s) - 1;
	memcpy(s, in + 4, sl);
	s[sl] = 0;
	struct dns_config c;
	if (dns_parse_config(s, &c))
		CHECK(c.how == DNS_SERVER_NONE ||
		      (c.how == DNS_SERVER_ARGS && vx_ip_unicast(c.server)));
	else
		CHECK(c.how == DNS_SERVER_NONE);
	return 0;
}
