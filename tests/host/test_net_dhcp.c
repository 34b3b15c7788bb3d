/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DHCP client (lib/net/dhcp.c) against a server built like QEMU's
 * user-mode network (slirp): server and router 10.0.2.2, offered address
 * 10.0.2.15, DNS 10.0.2.3, a one-day lease, replies broadcast from
 * 52:55:0a:00:02:02.  The replies are laid out as slirp's bootp.c lays
 * them (message type, server id, lease, mask, router, DNS, end), and
 * checked field by field on the client's side.
 *
 * Then each state's timer (4 s doubling to 64 s; REQUESTING giving up;
 * T1 renew by unicast, T2 rebind by broadcast, expiry), NAK, and every
 * malformed message by name: lengths past the end, wrong fixed lengths,
 * duplicates, no end option, a bad cookie, someone else's xid or MAC, and
 * option overload (sname/file must never be read as options).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "net_pkt.h"

static const uint8_t slirp_mac[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
static const uint8_t slirp_ip[4] = {10, 0, 2, 2};
static const uint8_t offer_ip[4] = {10, 0, 2, 15};
static const uint8_t dns_ip[4] = {10, 0, 2, 3};
static const uint8_t mask24[4] = {255, 255, 255, 0};
static const uint8_t lim_bc[4] = {255, 255, 255, 255};
static const uint8_t zero_ip[4];

static struct vx_net net;
static struct wire w;
static uint8_t f[2048];

#define C(name) net.count[VX_NETC_##name]

static struct {
	int calls;
	enum vx_dhcp_event ev;
	struct vx_dhcp_lease l;
} dh;

static void on_dhcp(void *ctx, enum vx_dhcp_event ev, const struct vx_dhcp_lease *l)
{
	(void)ctx;
	dh.calls++;
	dh.ev = ev;
	dh.l = *l;
}

static int setup(void **state)
{
	struct vx_net_ops ops = {.tx = wire_tx, .dhcp = on_dhcp};

	(void)state;
	memset(&w, 0, sizeof(w));
	memset(&dh, 0, sizeof(dh));
	assert_int_equal(vx_net_init(&net, our_mac, 1500, 99, &ops, &w), VX_OK);
	return 0;
}

/* The BOOTP body of the last frame the client sent, checked to be a DHCP
 * request from port 68 to 67. */
static const uint8_t *last_msg(int *type)
{
	const uint8_t *fr = w.f[w.n - 1], *ip = fr + 14, *u = ip + 20, *b = u + 8;

	assert_true(w.n > 0 && w.n <= WIRE_FRAMES);
	assert_int_equal(ip[9], 17);
	assert_int_equal(rd16(u), 68);
	assert_int_equal(rd16(u + 2), 67);
	assert_int_equal(b[0], 1);
	assert_int_equal(b[1], 1);
	assert_int_equal(b[2], 6);
	assert_memory_equal(b + 28, our_mac, 6);
	assert_int_equal(rd32(b + 236), 0x63825363);
	assert_true(rd16(u + 4) - 8 >= 300);
	*type = 0;
	for (size_t i = 240; b[i] != 255; i += 2 + b[i + 1])
		if (b[i] == 53)
			*type = b[i + 2];
	return b;
}

/* The value of option c in message b, or NULL; *len its length. */
static const uint8_t *opt(const uint8_t *b, uint8_t c, uint8_t *len)
{
	for (size_t i = 240; b[i] != 255; i += b[i] ? 2 + b[i + 1] : 1)
		if (b[i] == c) {
			*len = b[i + 1];
			return b + i + 2;
		}
	return NULL;
}

/* A reply from the slirp-like server: op 2, the given xid, yiaddr,
 * chaddr (ours unless mac is given) and these options after the cookie. */
static size_t reply(uint32_t xid, const uint8_t yiaddr[4], const uint8_t *opts, size_t olen,
		    const uint8_t *mac)
{
	uint8_t b[600];

	memset(b, 0, sizeof(b));
	b[0] = 2;
	b[1] = 1;
	b[2] = 6;
	wr32(b + 4, xid);
	memcpy(b + 16, yiaddr, 4);
	memcpy(b + 20, slirp_ip, 4); /* siaddr, as slirp sets it */
	memcpy(b + 28, mac ? mac : our_mac, 6);
	wr32(b + 236, 0x63825363);
	memcpy(b + 240, opts, olen);
	return frame_udp(f, bcast_mac, slirp_mac, slirp_ip, lim_bc, 67, 68, b, 240 + olen);
}

/* slirp's OFFER (type 2) or ACK (type 5) options. */
static size_t slirp_opts(uint8_t *o, uint8_t type)
{
	const uint8_t tmpl[] = {
	    53, 1, type, 54,  4,   10, 0, 2, 2,	 51, 4, 0x00, 0x01, 0x51, 0x80, /* 86400 s */
	    1,	4, 255,	 255, 255, 0,  3, 4, 10, 0,  2, 2,    6,    4,	  10,	0, 2, 3, 255,
	};

	memcpy(o, tmpl, sizeof(tmpl));
	return sizeof(tmpl);
}

static void in(size_t n, uint64_t now)
{
	vx_net_input(&net, f, n, now);
}

/* Run the client to BOUND at time 0; returns its xid. */
static uint32_t bind_slirp(void)
{
	uint8_t o[64];
	int type;

	assert_int_equal(vx_net_dhcp_start(&net, "vectra", 0), VX_OK);
	uint32_t xid = rd32(last_msg(&type) + 4);

	in(reply(xid, offer_ip, o, slirp_opts(o, 2), NULL), 0);
	in(reply(xid, offer_ip, o, slirp_opts(o, 5), NULL), 0);
	assert_int_equal(net.dhcp.state, VX_DHCP_BOUND);
	return xid;
}

/* ------------------------------------------------------------- the happy path */

static void test_slirp_exchange(void **state)
{
	(void)state;
	uint8_t o[64], len;
	int type;
	const uint8_t *b, *v;

	assert_int_equal(vx_net_dhcp_start(&net, "vectra", 0), VX_OK);
	assert_int_equal(net.dhcp.state, VX_DHCP_SELECTING);
	assert_int_equal(w.n, 1);
	assert_memory_equal(w.f[0], bcast_mac, 6);
	assert_memory_equal(w.f[0] + 14 + 12, zero_ip, 4);
	assert_memory_equal(w.f[0] + 14 + 16, lim_bc, 4);
	b = last_msg(&type);
	assert_int_equal(type, 1);
	assert_int_equal(rd16(b + 10), 0x8000);
	v = opt(b, 12, &len);
	assert_non_null(v);
	assert_int_equal(len, 6);
	assert_memory_equal(v, "vectra", 6);
	assert_non_null(opt(b, 55, &len));
	uint32_t xid = rd32(b + 4);

	in(reply(xid, offer_ip, o, slirp_opts(o, 2), NULL), 0);
	assert_int_equal(net.dhcp.state, VX_DHCP_REQUESTING);
	assert_int_equal(w.n, 2);
	b = last_msg(&type);
	assert_int_equal(type, 3);
	assert_int_equal(rd32(b + 4), xid);
	v = opt(b, 50, &len);
	assert_non_null(v);
	assert_memory_equal(v, offer_ip, 4);
	v = opt(b, 54, &len);
	assert_non_null(v);
	assert_memory_equal(v, slirp_ip, 4);
	assert_memory_equal(w.f[1] + 14 + 12, zero_ip, 4);

	in(reply(xid, offer_ip, o, slirp_opts(o, 5), NULL), 0);
	assert_int_equal(net.dhcp.state, VX_DHCP_BOUND);
	assert_int_equal(dh.calls, 1);
	assert_int_equal(dh.ev, VX_DHCP_EV_BOUND);
	assert_memory_equal(dh.l.addr, offer_ip, 4);
	assert_memory_equal(dh.l.mask, mask24, 4);
	assert_memory_equal(dh.l.router, slirp_ip, 4);
	assert_memory_equal(dh.l.server, slirp_ip, 4);
	assert_int_equal(dh.l.ndns, 1);
	assert_memory_equal(dh.l.dns[0], dns_ip, 4);
	assert_int_equal(dh.l.lease_s, 86400);
	assert_int_equal(dh.l.t1_s, 43200);
	assert_int_equal(dh.l.t2_s, 75600);
	assert_memory_equal(net.ip, offer_ip, 4);
	assert_memory_equal(net.mask, mask24, 4);
	assert_memory_equal(net.gw, slirp_ip, 4);
	assert_int_equal(C(DHCP_BOUND), 1);
	assert_int_equal(vx_net_tick(&net, 1), 43200 * SEC);
	assert_string_equal(vx_dhcp_state_name(net.dhcp.state), "bound");
}

static void test_unicast_offer_before_address(void **state)
{
	(void)state;
	uint8_t o[64], b[400];
	int type;

	assert_int_equal(vx_net_dhcp_start(&net, NULL, 0), VX_OK);
	uint32_t xid = rd32(last_msg(&type) + 4);
	uint8_t len;

	assert_null(opt(w.f[0] + 42, 12, &len));
	size_t n = reply(xid, offer_ip, o, slirp_opts(o, 2), NULL);

	/* the same message, unicast to the offered address and our MAC */
	memcpy(b, f + 42, n - 42);
	n = frame_udp(f, our_mac, slirp_mac, slirp_ip, offer_ip, 67, 68, b, n - 42);
	in(n, 0);
	assert_int_equal(net.dhcp.state, VX_DHCP_REQUESTING);
}

static void test_server_hostname_sanitised(void **state)
{
	(void)state;
	uint8_t o[96];
	int type;

	assert_int_equal(vx_net_dhcp_start(&net, NULL, 0), VX_OK);
	uint32_t xid = rd32(last_msg(&type) + 4);

	in(reply(xid, offer_ip, o, slirp_opts(o, 2), NULL), 0);
	size_t k = slirp_opts(o, 5) - 1; /* before the end */
	const uint8_t host[] = {12, 5, 'h', 0x01, 's', 't', 0xff, 255};

	memcpy(o + k, host, sizeof(host));
	in(reply(xid, offer_ip, o, k + sizeof(host), NULL), 0);
	assert_int_equal(net.dhcp.state, VX_DHCP_BOUND);
	assert_string_equal(dh.l.hostname, "h?st?");
}

/* ------------------------------------------------------------- timers */

static void test_discover_backoff(void **state)
{
	(void)state;
	static const uint64_t gaps[] = {4, 8, 16, 32, 64, 64, 64};
	uint64_t t = 0;

	assert_int_equal(vx_net_dhcp_start(&net, NULL, 0), VX_OK);
	for (size_t i = 0; i < sizeof(gaps) / sizeof(gaps[0]); i++) {
		int before = w.n, type;

		assert_int_equal(vx_net_tick(&net, t + gaps[i] * SEC - 1), t + gaps[i] * SEC);
		assert_int_equal(w.n, before);
		t += gaps[i] * SEC;
		vx_net_tick(&net, t);
		assert_int_equal(w.n, before + 1);
		last_msg(&type);
		assert_int_equal(type, 1);
	}
	assert_int_equal(net.dhcp.state, VX_DHCP_SELECTING);
}

static void test_requesting_gives_up(void **state)
{
	(void)state;
	uint8_t o[64];
	int type;

	assert_int_equal(vx_net_dhcp_start(&net, NULL, 0), VX_OK);
	uint32_t xid = rd32(last_msg(&type) + 4);

	in(reply(xid, offer_ip, o, slirp_opts(o, 2), NULL), 0);
	uint64_t t = 0;

	for (int i = 1; i < VX_DHCP_REQUEST_TRIES; i++) {
		t = net.dhcp.deadline;
		vx_net_tick(&net, t);
		last_msg(&type);
		assert_int_equal(type, 3);
	}
	vx_net_tick(&net, net.dhcp.deadline);
	assert_int_equal(net.dhcp.state, VX_DHCP_SELECTING);
	last_msg(&type);
	assert_int_equal(type, 1);
	assert_int_not_equal(net.dhcp.xid, xid);
}

static void test_nak_restarts(void **state)
{
	(void)state;
	uint8_t o[64];
	const uint8_t nak[] = {53, 1, 6, 54, 4, 10, 0, 2, 2, 255};
	int type;

	assert_int_equal(vx_net_dhcp_start(&net, NULL, 0), VX_OK);
	uint32_t xid = rd32(last_msg(&type) + 4);

	in(reply(xid, offer_ip, o, slirp_opts(o, 2), NULL), 0);
	in(reply(xid, zero_ip, nak, sizeof(nak), NULL), 0);
	assert_int_equal(C(DHCP_NAK), 1);
	assert_int_equal(dh.ev, VX_DHCP_EV_NAK);
	assert_int_equal(net.dhcp.state, VX_DHCP_SELECTING);
	last_msg(&type);
	assert_int_equal(type, 1);
}

static void test_renew_rebind_expire(void **state)
{
	(void)state;
	uint8_t o[64], len;
	int type;

	bind_slirp();
	size_t n = frame_arp(f, bcast_mac, 1, slirp_mac, slirp_ip, zero_mac, offer_ip);

	in(n, 43200 * SEC - 1); /* the server's MAC is known, so the unicast goes straight out */
	w.n = 0;
	vx_net_tick(&net, 43200 * SEC);
	assert_int_equal(net.dhcp.state, VX_DHCP_RENEWING);
	assert_int_equal(w.n, 1);
	const uint8_t *b = last_msg(&type);

	assert_int_equal(type, 3);
	assert_memory_equal(w.f[0], slirp_mac, 6);
	assert_memory_equal(w.f[0] + 14 + 12, offer_ip, 4);
	assert_memory_equal(w.f[0] + 14 + 16, slirp_ip, 4);
	assert_memory_equal(b + 12, offer_ip, 4); /* ciaddr */
	assert_null(opt(b, 50, &len));
	assert_null(opt(b, 54, &len));
	/* half the time to T2 (32400 s / 2) */
	assert_int_equal(net.dhcp.deadline, (43200 + 16200) * SEC);
	uint32_t xid = rd32(b + 4);

	in(reply(xid, offer_ip, o, slirp_opts(o, 5), NULL), 50000 * SEC);
	assert_int_equal(net.dhcp.state, VX_DHCP_BOUND);
	assert_int_equal(dh.ev, VX_DHCP_EV_RENEWED);
	assert_int_equal(net.dhcp.deadline, (50000 + 43200) * SEC);

	/* No answer this time: RENEWING, then REBINDING at T2, then expiry. */
	uint64_t base = 50000 * SEC;

	vx_net_tick(&net, base + 43200 * SEC);
	assert_int_equal(net.dhcp.state, VX_DHCP_RENEWING);
	while (net.dhcp.state == VX_DHCP_RENEWING)
		vx_net_tick(&net, net.dhcp.deadline);
	assert_int_equal(net.dhcp.state, VX_DHCP_REBINDING);
	assert_true(net.dhcp.deadline > base + 75600 * SEC);
	b = last_msg(&type);
	assert_int_equal(type, 3);
	assert_memory_equal(w.f[w.n - 1] + 14 + 16, lim_bc, 4);
	assert_memory_equal(w.f[w.n - 1] + 14 + 12, offer_ip, 4);
	int guard = 0;

	while (net.dhcp.state == VX_DHCP_REBINDING && guard++ < 100)
		vx_net_tick(&net, net.dhcp.deadline);
	assert_int_equal(net.dhcp.state, VX_DHCP_SELECTING);
	assert_int_equal(dh.ev, VX_DHCP_EV_EXPIRED);
	assert_int_equal(C(DHCP_EXPIRED), 1);
	assert_memory_equal(net.ip, zero_ip, 4);
	last_msg(&type);
	assert_int_equal(type, 1);
}

static void test_static_stops_dhcp(void **state)
{
	(void)state;
	bind_slirp();
	const uint8_t ip[4] = {192, 168, 1, 10};

	assert_int_equal(vx_net_set_ipv4(&net, ip, mask24, NULL), VX_OK);
	assert_int_equal(net.dhcp.state, VX_DHCP_OFF);
	assert_int_equal(vx_net_tick(&net, 100000 * SEC), UINT64_MAX);
	assert_string_equal(vx_dhcp_state_name(VX_DHCP_OFF), "off");
	assert_string_equal(vx_dhcp_state_name((enum vx_dhcp_state)77), "?");
	char name[VX_DHCP_HOSTNAME_MAX + 2];

	memset(name, 'a', sizeof(name));
	name[sizeof(name) - 1] = 0;
	assert_int_equal(vx_net_dhcp_start(&net, name, 0), VX_E_TOOBIG);
}

/* ------------------------------------------------------------- hostile */

/* Feed an OFFER with these options; it must be dropped as bad. */
static void expect_bad(uint32_t xid, const uint8_t *o, size_t olen)
{
	uint64_t before = C(DHCP_BAD);

	in(reply(xid, offer_ip, o, olen, NULL), 0);
	assert_int_equal(C(DHCP_BAD), before + 1);
	assert_int_equal(net.dhcp.state, VX_DHCP_SELECTING);
}

static void test_bad_options(void **state)
{
	(void)state;
	int type;

	assert_int_equal(vx_net_dhcp_start(&net, NULL, 0), VX_OK);
	uint32_t xid = rd32(last_msg(&type) + 4);
	const uint8_t past_end[] = {53, 1, 2, 54, 4, 10, 0, 2, 2, 6, 200, 10, 0};
	const uint8_t len_byte_missing[] = {53, 1, 2, 54, 4, 10, 0, 2, 2, 3};
	const uint8_t type_len2[] = {53, 2, 2, 0, 54, 4, 10, 0, 2, 2, 255};
	const uint8_t type_0[] = {53, 1, 0, 54, 4, 10, 0, 2, 2, 255};
	const uint8_t type_9[] = {53, 1, 9, 54, 4, 10, 0, 2, 2, 255};
	const uint8_t mask_len3[] = {53, 1, 2, 54, 4, 10, 0, 2, 2, 1, 3, 255, 255, 255, 255};
	const uint8_t router_len5[] = {53, 1, 2, 54, 4, 10, 0, 2, 2, 3, 5, 10, 0, 2, 2, 0, 255};
	const uint8_t dns_len0[] = {53, 1, 2, 54, 4, 10, 0, 2, 2, 6, 0, 255};
	const uint8_t lease_len2[] = {53, 1, 2, 54, 4, 10, 0, 2, 2, 51, 2, 1, 0, 255};
	const uint8_t server_len5[] = {53, 1, 2, 54, 5, 10, 0, 2, 2, 0, 255};
	const uint8_t t1_len3[] = {53, 1, 2, 54, 4, 10, 0, 2, 2, 58, 3, 0, 0, 1, 255};
	const uint8_t t2_len8[] = {53, 1, 2, 54, 4, 10, 0, 2, 2, 59,
				   8,  0, 0, 0,	 1, 0,	0, 0, 1, 255};
	const uint8_t host_len0[] = {53, 1, 2, 54, 4, 10, 0, 2, 2, 12, 0, 255};
	const uint8_t dup_type[] = {53, 1, 2, 53, 1, 5, 54, 4, 10, 0, 2, 2, 255};
	const uint8_t dup_server[] = {53, 1, 2, 54, 4, 10, 0, 2, 2, 54, 4, 10, 0, 2, 9, 255};
	const uint8_t no_end[] = {53, 1, 2, 54, 4, 10, 0, 2, 2, 0, 0, 0};
	const uint8_t no_type[] = {54, 4, 10, 0, 2, 2, 255};
	const uint8_t empty[] = {0};

	expect_bad(xid, past_end, sizeof(past_end));
	expect_bad(xid, len_byte_missing, sizeof(len_byte_missing));
	expect_bad(xid, type_len2, sizeof(type_len2));
	expect_bad(xid, type_0, sizeof(type_0));
	expect_bad(xid, type_9, sizeof(type_9));
	expect_bad(xid, mask_len3, sizeof(mask_len3));
	expect_bad(xid, router_len5, sizeof(router_len5));
	expect_bad(xid, dns_len0, sizeof(dns_len0));
	expect_bad(xid, lease_len2, sizeof(lease_len2));
	expect_bad(xid, server_len5, sizeof(server_len5));
	expect_bad(xid, t1_len3, sizeof(t1_len3));
	expect_bad(xid, t2_len8, sizeof(t2_len8));
	expect_bad(xid, host_len0, sizeof(host_len0));
	expect_bad(xid, dup_type, sizeof(dup_type));
	expect_bad(xid, dup_server, sizeof(dup_server));
	expect_bad(xid, no_end, sizeof(no_end));
	expect_bad(xid, no_type, sizeof(no_type));
	expect_bad(xid, empty, 0);
	/* Unknown options of any length are skipped; pad is fine. */
	const uint8_t unknown[] = {0, 0, 53, 1, 2, 200, 3, 1, 2, 3, 54, 4, 10, 0, 2, 2, 0, 255};

	in(reply(xid, offer_ip, unknown, sizeof(unknown), NULL), 0);
	assert_int_equal(net.dhcp.state, VX_DHCP_REQUESTING);
	assert_int_equal(w.n, 2);
}

static void test_bad_headers_and_strangers(void **state)
{
	(void)state;
	uint8_t o[64];
	int type;

	assert_int_equal(vx_net_dhcp_start(&net, NULL, 0), VX_OK);
	uint32_t xid = rd32(last_msg(&type) + 4);
	size_t ol = slirp_opts(o, 2), n;

	n = reply(xid, offer_ip, o, ol, NULL);
	in(n - (ol + 1), 0); /* shorter than the fixed part and cookie */
	/* IP and UDP lengths must agree with the cut frame: rebuild it */
	uint8_t b[300];

	memcpy(b, f + 42, 239);
	in(frame_udp(f, bcast_mac, slirp_mac, slirp_ip, lim_bc, 67, 68, b, 239), 0);
	n = reply(xid, offer_ip, o, ol, NULL);
	f[42 + 236] = 0; /* cookie */
	wr16(f + 40, 0); /* no UDP checksum, so the edit counts */
	in(n, 0);
	n = reply(xid, offer_ip, o, ol, NULL);
	f[42] = 1; /* op: a BOOTREQUEST */
	wr16(f + 40, 0);
	in(n, 0);
	n = reply(xid, offer_ip, o, ol, NULL);
	f[42 + 2] = 16; /* hlen */
	wr16(f + 40, 0);
	in(n, 0);
	assert_int_equal(C(DHCP_BAD), 4);

	const uint8_t other_mac[6] = {2, 0, 0, 0, 0, 1};

	in(reply(xid + 1, offer_ip, o, ol, NULL), 0);
	in(reply(xid, offer_ip, o, ol, other_mac), 0);
	in(reply(xid, zero_ip, o, ol, NULL), 0);			 /* offers no address */
	in(reply(xid, (const uint8_t[4]){0, 0, 2, 15}, o, ol, NULL), 0); /* in 0/8 */
	in(reply(xid, offer_ip, o, slirp_opts(o, 5), NULL), 0); /* an ACK while selecting */
	const uint8_t no_server[] = {53, 1, 2, 255};

	in(reply(xid, offer_ip, no_server, sizeof(no_server), NULL), 0);
	assert_int_equal(C(DHCP_NOT_OURS), 6);
	assert_int_equal(net.dhcp.state, VX_DHCP_SELECTING);
	assert_int_equal(w.n, 1);
}

static void test_ack_checks(void **state)
{
	(void)state;
	uint8_t o[64];
	int type;

	assert_int_equal(vx_net_dhcp_start(&net, NULL, 0), VX_OK);
	uint32_t xid = rd32(last_msg(&type) + 4);
	const uint8_t other_addr[4] = {10, 0, 2, 16};
	const uint8_t no_lease[] = {53, 1, 5, 54, 4, 10, 0, 2, 2, 255};
	const uint8_t other_server[] = {53, 1, 5, 54, 4, 10, 0, 2, 9, 51, 4, 0, 0, 1, 0, 255};
	const uint8_t zero_lease[] = {53, 1, 5, 54, 4, 10, 0, 2, 2, 51, 4, 0, 0, 0, 0, 255};

	in(reply(xid, offer_ip, o, slirp_opts(o, 2), NULL), 0);
	in(reply(xid, other_addr, o, slirp_opts(o, 5), NULL), 0); /* not what was offered */
	in(reply(xid, offer_ip, no_lease, sizeof(no_lease), NULL), 0);
	in(reply(xid, offer_ip, other_server, sizeof(other_server), NULL), 0);
	assert_int_equal(C(DHCP_NOT_OURS), 3);
	in(reply(xid, offer_ip, zero_lease, sizeof(zero_lease), NULL), 0);
	assert_int_equal(C(DHCP_BAD), 1);
	assert_int_equal(net.dhcp.state, VX_DHCP_REQUESTING);
	assert_memory_equal(net.ip, zero_ip, 4);
}

/* Option overload (52): sname and file hold options we do not read.  A
 * NAK hidden in `file` must not be obeyed. */
static void test_overload_ignored(void **state)
{
	(void)state;
	uint8_t o[80];
	int type;

	assert_int_equal(vx_net_dhcp_start(&net, NULL, 0), VX_OK);
	uint32_t xid = rd32(last_msg(&type) + 4);
	size_t ol = slirp_opts(o, 2) - 1;
	const uint8_t ovl[] = {52, 1, 3, 255};

	memcpy(o + ol, ovl, sizeof(ovl));
	size_t n = reply(xid, offer_ip, o, ol + sizeof(ovl), NULL);
	const uint8_t hidden[] = {53, 1, 6, 255};

	memcpy(f + 42 + 108, hidden, sizeof(hidden)); /* in `file` */
	memcpy(f + 42 + 44, hidden, sizeof(hidden));  /* in `sname` */
	wr16(f + 40, 0);
	in(n, 0);
	assert_int_equal(net.dhcp.state, VX_DHCP_REQUESTING);
	assert_int_equal(C(DHCP_NAK), 0);
}

/* Values the stack cannot use: a /0 mask makes the ACK bad; a router
 * that is our own address is dropped and the lease kept. */
static void test_ack_unusable_values(void **state)
{
	(void)state;
	int type;

	assert_int_equal(vx_net_dhcp_start(&net, NULL, 0), VX_OK);
	uint32_t xid = rd32(last_msg(&type) + 4);
	uint8_t o[64];
	const uint8_t mask0[] = {53, 1, 5, 54, 4, 10, 0, 2, 2, 51, 4,
				 0,  0, 1, 0,  1, 4,  0, 0, 0, 0,  255};
	const uint8_t self_router[] = {53, 1, 5, 54, 4, 10, 0,	2, 2, 51, 4,
				       0,  0, 1, 0,  3, 4,  10, 0, 2, 15, 255};

	in(reply(xid, offer_ip, o, slirp_opts(o, 2), NULL), 0);
	in(reply(xid, offer_ip, mask0, sizeof(mask0), NULL), 0);
	assert_int_equal(C(DHCP_BAD), 1);
	assert_int_equal(net.dhcp.state, VX_DHCP_REQUESTING);
	in(reply(xid, offer_ip, self_router, sizeof(self_router), NULL), 0);
	assert_int_equal(net.dhcp.state, VX_DHCP_BOUND);
	assert_memory_equal(net.ip, offer_ip, 4);
	assert_memory_equal(net.gw, zero_ip, 4);
	assert_memory_equal(dh.l.router, zero_ip, 4);
}

/* T1/T2 absent or inconsistent: the defaults of 1/2 and 7/8. */
static void test_t1_t2_defaults(void **state)
{
	(void)state;
	int type;

	assert_int_equal(vx_net_dhcp_start(&net, NULL, 0), VX_OK);
	uint32_t xid = rd32(last_msg(&type) + 4);
	uint8_t o[64];
	const uint8_t ack[] = {53,   1,	   5, 54, 4,	10,   0,  2, 2, 51, 4,	  0,	0,
			       0x03, 0x20, /* 800 */
			       58,   4,	   0, 0,  0x03, 0x84, 59, 4, 0, 0,  0x01, 0x00, 255};

	in(reply(xid, offer_ip, o, slirp_opts(o, 2), NULL), 0);
	in(reply(xid, offer_ip, ack, sizeof(ack), NULL), 0);
	assert_int_equal(net.dhcp.state, VX_DHCP_BOUND);
	assert_int_equal(dh.l.t1_s, 400);
	assert_int_equal(dh.l.t2_s, 700);
	assert_int_equal(rd32(dh.l.mask), 0xff000000u); /* classful: 10/8 */
	assert_memory_equal(net.gw, zero_ip, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_slirp_exchange, setup),
	    cmocka_unit_test_setup(test_unicast_offer_before_address, setup),
	    cmocka_unit_test_setup(test_server_hostname_sanitised, setup),
	    cmocka_unit_test_setup(test_discover_backoff, setup),
	    cmocka_unit_test_setup(test_requesting_gives_up, setup),
	    cmocka_unit_test_setup(test_nak_restarts, setup),
	    cmocka_unit_test_setup(test_renew_rebind_expire, setup),
	    cmocka_unit_test_setup(test_static_stops_dhcp, setup),
	    cmocka_unit_test_setup(test_bad_options, setup),
	    cmocka_unit_test_setup(test_bad_headers_and_strangers, setup),
	    cmocka_unit_test_setup(test_ack_checks, setup),
	    cmocka_unit_test_setup(test_overload_ignored, setup),
	    cmocka_unit_test_setup(test_ack_unusable_values, setup),
	    cmocka_unit_test_setup(test_t1_t2_defaults, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
