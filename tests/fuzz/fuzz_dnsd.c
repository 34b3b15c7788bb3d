/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for dnsd's resolver (services/dnsd/pure_resolver.h):
 * records of requests, replies, clock steps and clients leaving.
 *
 * Input: records of a control byte and what it needs.
 *   op 0  DNS_RESOLVE of one of a few names (next byte)
 *   op 1  a reply: a length byte and that many bytes; when the control
 *         byte's bit 4 is set, the id of a waiting query is written over
 *         the first two, and bit 5 copies that query's question in, so
 *         mutations reach past the header
 *   op 2  the clock moves (next byte: tenths of a second) and ticks
 *   op 3  a waiter's client leaves (next byte: which)
 *   op 4  the send callback fails from now on, or works again
 * Bit 6 sends the reply from another address.
 *
 * Invariants: every waiter is answered at most once, and only while it
 * waits; an answer's result is one proto/dns.h lists, VX_OK with 1..8
 * addresses, anything else with none; at most DNS_WAIT_MAX wait and
 * DNS_QUERIES_MAX queries are open, with distinct ids; no query waits
 * past its last deadline (7 s after it was first sent).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vectra/abi.h"
#include "../../services/dnsd/pure_resolver.h"

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "fuzz_dnsd: %s\n", #c);                                    \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n);

static struct dns_core core;
static bool waiting[DNS_WAIT_MAX];
static int send_rc;
static uint8_t last_query[VX_DNS_QUERY_MAX];
static size_t last_len;
static uint32_t rnd;
static const uint8_t server[4] = {10, 9, 0, 1};
static const uint8_t other[4] = {10, 9, 0, 66};
static const char *const names[] = {"a.test", "b.test", "pinned.test", "c.test",
				    "d.test", "e.test", "f.test",      "g.test",
				    "h.test", "i.test", "10.1.2.3"};
#define NNAMES (sizeof(names) / sizeof(names[0]))

static bool cb_server(void *ctx, uint8_t out[4])
{
	(void)ctx;
	memcpy(out, server, 4);
	return true;
}

static int cb_send(void *ctx, const uint8_t *msg, size_t len)
{
	(void)ctx;
	CHECK(len <= VX_DNS_QUERY_MAX);
	if (send_rc == VX_OK) {
		memcpy(last_query, msg, len);
		last_len = len;
	}
	return send_rc;
}

static void check_answer(const struct dns_answer *a)
{
	switch (a->result) {
	case VX_OK:
		CHECK(a->naddr >= 1 && a->naddr <= DNS_ADDRS_MAX);
		return;
	case VX_E_NOTFOUND:
	case VX_E_TIMEOUT:
	case VX_E_AGAIN:
	case VX_E_REFUSED:
	case VX_E_NOSYS:
	case VX_E_TOOBIG:
	case VX_E_CORRUPT:
	case VX_E_STATE:
	case VX_E_HANGUP:
		CHECK(a->naddr == 0);
		return;
	default:
		CHECK(!"an undocumented result");
	}
}

static void cb_answer(void *ctx, uint32_t w, const struct dns_answer *a)
{
	(void)ctx;
	CHECK(w < DNS_WAIT_MAX && waiting[w]);
	waiting[w] = false;
	check_answer(a);
}

static void cb_random(void *ctx, uint8_t *out, uint32_t n)
{
	(void)ctx;
	for (uint32_t i = 0; i < n; i++)
		out[i] = (uint8_t)((rnd++ * 2654435761u) >> 24);
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n)
{
	static const struct dns_ops ops = {
	    .server = cb_server, .send = cb_send, .answer = cb_answer, .random = cb_random};
	static const char hosts[] = "10.9.0.77 pinned.test\n";
	uint64_t now = 0;
	uint8_t msg[VX_DNS_MSG_MAX + 8];

	dns_core_init(&core, &ops, NULL);
	vx_hosts_parse(&core.hosts, hosts, sizeof(hosts) - 1, NULL, NULL);
	memset(waiting, 0, sizeof(waiting));
	send_rc = VX_OK;
	last_len = 0;
	rnd = 0;
	for (size_t i = 0; i + 2 <= n;) {
		uint8_t ctl = in[i], arg = in[i + 1];
		i += 2;
		switch (ctl % 5) {
		case 0: {
			struct dns_req r;
			struct dns_answer a;
			uint32_t w = UINT32_MAX;
			memset(&r, 0, sizeof(r));
			r.op = DNS_RESOLVE;
			const char *name = names[arg % NNAMES];
			if (arg % NNAMES == NNAMES - 1) {
				r.literal = true;
				r.addr[0] = 10, r.addr[1] = 1, r.addr[2] = 2, r.addr[3] = 3;
			} else {
				CHECK(vx_dns_name_check(name, r.name, NULL) == VX_OK);
			}
			int rc = dns_core_resolve(&core, &r, now, &a, &w);
			CHECK(rc == VX_OK || rc == DNS_CORE_WAIT || rc == VX_E_FULL);
			if (rc == VX_OK)
				check_answer(&a);
			if (rc == DNS_CORE_WAIT) {
				CHECK(w < DNS_WAIT_MAX && !waiting[w]);
				waiting[w] = true;
			}
			break;
		}
		case 1: {
			size_t len = arg;
			if (len > n - i)
				len = n - i;
			if (len > sizeof(msg))
				len = sizeof(msg);
			memcpy(msg, in + i, len);
			i += len;
			if ((ctl & 0x20) && last_len && len >= last_len) {
				memcpy(msg + 2, last_query + 2, 2);
				memcpy(msg + 4, last_query + 4, 2);
				memcpy(msg + 12, last_query + 12, last_len - 12);
			}
			if ((ctl & 0x10) && len >= 2) {
				for (uint32_t k = 0; k < DNS_QUERIES_MAX; k++)
					if (core.q[k].used) {
						msg[0] = (uint8_t)(core.q[k].id >> 8);
						msg[1] = (uint8_t)core.q[k].id;
						break;
					}
			}
			dns_core_reply(&core, msg, len, (ctl & 0x40) ? other : server, 53, now);
			break;
		}
		case 2:
			now += (uint64_t)arg * 100000000ull;
			dns_core_tick(&core, now);
			break;
		case 3: {
			uint32_t w = arg % DNS_WAIT_MAX;
			if (waiting[w]) {
				dns_core_drop(&core, w);
				waiting[w] = false;
			}
			break;
		}
		case 4:
			send_rc = send_rc == VX_OK ? VX_E_HANGUP : VX_OK;
			break;
		}
		uint32_t nw = 0;
		for (uint32_t k = 0; k < DNS_WAIT_MAX; k++) {
			CHECK(core.w[k].used == waiting[k]);
			nw += waiting[k];
		}
		CHECK(nw == dns_core_waiting(&core));
		for (uint32_t k = 0; k < DNS_QUERIES_MAX; k++) {
			if (!core.q[k].used)
				continue;
			CHECK(core.q[k].tries >= 1 && core.q[k].tries <= DNS_TRIES);
			CHECK(core.q[k].next <= now + 4000000000ull);
			for (uint32_t j = 0; j < k; j++)
				CHECK(!core.q[j].used || core.q[j].id != core.q[k].id);
		}
	}
	/* Time runs out for everyone: every waiter is answered. */
	for (int t = 0; t < 8; t++) {
		now += 1000000000ull;
		dns_core_tick(&core, now);
	}
	for (uint32_t k = 0; k < DNS_WAIT_MAX; k++)
		CHECK(!waiting[k]);
	return 0;
}
