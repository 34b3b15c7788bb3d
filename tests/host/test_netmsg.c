/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * netd's request decoder and configuration (services/netd/pure_netmsg.h)
 * and the address parsers of lib/net/addr.h: every refusal of
 * vectra/proto/net.h's ERRORS list by name, and the parsers against what
 * Python's ipaddress module accepts for a table of strings (the table's
 * verdicts were taken from it: ipaddress.IPv4Address(s) and
 * IPv4Network(s, strict=False)).
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vectra/abi.h"
#include "net/addr.h"
#include "../../services/netd/pure_netmsg.h"

static struct vx_msg msg(uint32_t op, const void *data, uint16_t len)
{
	struct vx_msg m;

	memset(&m, 0, sizeof(m));
	m.op = op;
	m.len = len;
	if (data)
		memcpy(m.data, data, len);
	return m;
}

static int decode(uint32_t op, const void *data, uint16_t len)
{
	struct net_req r;
	struct vx_msg m = msg(op, data, len);
	return net_decode(&m, &r);
}

static void test_netmsg_ops(void **state)
{
	(void)state;
	uint32_t first[2] = {5, 0};
	struct net_req r;
	struct vx_msg m = msg(NET_ARP, first, sizeof(first));

	assert_int_equal(decode(NET_INFO, NULL, 0), VX_OK);
	assert_int_equal(net_decode(&m, &r), VX_OK);
	assert_int_equal(r.op, NET_ARP);
	assert_int_equal(r.first, 5);
	assert_int_equal(decode(NET_COUNTERS, first, sizeof(first)), VX_OK);
	assert_int_equal(decode(NET_TCP, first, sizeof(first)), VX_OK);
	struct net_ping_req p = {.addr = {10, 0, 2, 2}, .seq = 1, .len = 56, .timeout_ms = 2000};
	assert_int_equal(decode(NET_PING, &p, sizeof(p)), VX_OK);
}

static void test_netmsg_unknown_op(void **state)
{
	(void)state;
	assert_int_equal(decode(0, NULL, 0), VX_E_NOSYS);
	assert_int_equal(decode(NET_CANCEL + 1, NULL, 0), VX_E_NOSYS);
	assert_int_equal(decode(UINT32_MAX, NULL, 0), VX_E_NOSYS);
}

static void test_netmsg_bad_lengths(void **state)
{
	(void)state;
	uint32_t first[3] = {0, 0, 0};
	assert_int_equal(decode(NET_INFO, first, 1), VX_E_INVAL);
	assert_int_equal(decode(NET_ARP, first, 4), VX_E_INVAL);
	assert_int_equal(decode(NET_ARP, first, 12), VX_E_INVAL);
	assert_int_equal(decode(NET_COUNTERS, first, 0), VX_E_INVAL);
	struct net_ping_req p = {.addr = {10, 0, 2, 2}, .timeout_ms = 1};
	assert_int_equal(decode(NET_PING, &p, sizeof(p) - 1), VX_E_INVAL);
	struct vx_msg m = msg(NET_INFO, NULL, 0);
	struct net_req r;
	m.len = VX_MSG_DATA + 1;
	assert_int_equal(net_decode(&m, &r), VX_E_INVAL);
}

static void test_netmsg_reserved_and_caps(void **state)
{
	(void)state;
	uint32_t first[2] = {0, 1};
	assert_int_equal(decode(NET_TCP, first, sizeof(first)), VX_E_INVAL);
	struct net_ping_req p = {.addr = {10, 0, 2, 2}, .timeout_ms = 1, .reserved = 1};
	assert_int_equal(decode(NET_PING, &p, sizeof(p)), VX_E_INVAL);
	struct vx_msg m = msg(NET_INFO, NULL, 0);
	struct net_req r;
	m.ncaps = 1;
	assert_int_equal(net_decode(&m, &r), VX_E_INVAL);
}

static void test_netmsg_ping_fields(void **state)
{
	(void)state;
	static const uint8_t bad[][4] = {
	    {0, 0, 0, 0},   {0, 1, 2, 3},   {224, 0, 0, 1},
	    {239, 1, 1, 1}, {240, 0, 0, 1}, {255, 255, 255, 255},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct net_ping_req p = {.timeout_ms = 1};
		memcpy(p.addr, bad[i], 4);
		assert_int_equal(decode(NET_PING, &p, sizeof(p)), VX_E_INVAL);
	}
	struct net_ping_req p = {.addr = {10, 0, 2, 2}, .timeout_ms = 0};
	assert_int_equal(decode(NET_PING, &p, sizeof(p)), VX_E_INVAL);
	p.timeout_ms = NET_PING_TIMEOUT_MAX_MS + 1;
	assert_int_equal(decode(NET_PING, &p, sizeof(p)), VX_E_INVAL);
	p.timeout_ms = NET_PING_TIMEOUT_MAX_MS;
	p.len = NET_PING_DATA_MAX + 1;
	assert_int_equal(decode(NET_PING, &p, sizeof(p)), VX_E_INVAL);
	p.len = NET_PING_DATA_MAX;
	assert_int_equal(decode(NET_PING, &p, sizeof(p)), VX_OK);
}

/* Verdicts from Python's ipaddress.IPv4Address (which refuses leading zeros). */
/* NET_SOCKET: each kind's fields, and every refusal by name. */
static void test_netmsg_socket(void **state)
{
	(void)state;
	struct net_socket_req ok_tcp = {
	    .kind = NET_SOCK_TCP, .port = 80, .addr = {10, 0, 2, 2}, .timeout_ms = 5000};
	struct net_socket_req ok_lis = {.kind = NET_SOCK_LISTEN, .port = 80, .backlog = 4};
	struct net_socket_req ok_udp = {.kind = NET_SOCK_UDP};
	struct net_socket_req ok_udp_peer = {
	    .kind = NET_SOCK_UDP, .port = 5000, .addr = {10, 0, 2, 3}, .peer_port = 53};
	struct net_socket_req q;
	struct net_req r;
	struct vx_msg m;

	m = msg(NET_SOCKET, &ok_tcp, sizeof(ok_tcp));
	assert_int_equal(net_decode(&m, &r), VX_OK);
	assert_int_equal(r.sock.port, 80);
	assert_int_equal(decode(NET_SOCKET, &ok_lis, sizeof(ok_lis)), VX_OK);
	assert_int_equal(decode(NET_SOCKET, &ok_udp, sizeof(ok_udp)), VX_OK);
	assert_int_equal(decode(NET_SOCKET, &ok_udp_peer, sizeof(ok_udp_peer)), VX_OK);
	assert_int_equal(decode(NET_SOCKET, &ok_tcp, sizeof(ok_tcp) - 1), VX_E_INVAL);
	uint8_t big[sizeof(ok_tcp) + 4] = {0};
	memcpy(big, &ok_tcp, sizeof(ok_tcp));
	assert_int_equal(decode(NET_SOCKET, big, sizeof(ok_tcp) + 1), VX_E_INVAL);

	q = ok_tcp, q.kind = 0;
	assert_int_equal(decode(NET_SOCKET, &q, sizeof(q)), VX_E_INVAL); /* no such kind */
	q = ok_tcp, q.kind = 4;
	assert_int_equal(decode(NET_SOCKET, &q, sizeof(q)), VX_E_INVAL);
	q = ok_tcp, q.reserved0 = 1;
	assert_int_equal(decode(NET_SOCKET, &q, sizeof(q)), VX_E_INVAL);
	q = ok_tcp, q.port = 0;
	assert_int_equal(decode(NET_SOCKET, &q, sizeof(q)), VX_E_INVAL); /* connect to port 0 */
	q = ok_tcp, memset(q.addr, 0, 4);
	assert_int_equal(decode(NET_SOCKET, &q, sizeof(q)), VX_E_INVAL); /* to 0.0.0.0 */
	q = ok_tcp, memset(q.addr, 255, 4);
	assert_int_equal(decode(NET_SOCKET, &q, sizeof(q)), VX_E_INVAL); /* to broadcast */
	q = ok_tcp, q.addr[0] = 224;
	assert_int_equal(decode(NET_SOCKET, &q, sizeof(q)), VX_E_INVAL); /* to multicast */
	q = ok_tcp, q.timeout_ms = 0;
	assert_int_equal(decode(NET_SOCKET, &q, sizeof(q)), VX_E_INVAL);
	q = ok_tcp, q.timeout_ms = NET_CONNECT_TIMEOUT_MAX_MS + 1;
	assert_int_equal(decode(NET_SOCKET, &q, sizeof(q)), VX_E_INVAL);
	q = ok_tcp, q.timeout_ms = NET_CONNECT_TIMEOUT_MAX_MS;
	assert_int_equal(decode(NET_SOCKET, &q, sizeof(q)), VX_OK);
	q = ok_tcp, q.backlog = 1;
	assert_int_equal(decode(NET_SOCKET, &q, sizeof(q)), VX_E_INVAL); /* backlog on connect */
	q = ok_tcp, q.peer_port = 1;
	assert_int_equal(decode(NET_SOCKET, &q, sizeof(q)), VX_E_INVAL);

	q = ok_lis, q.port = 0;
	assert_int_equal(decode(NET_SOCKET, &q, sizeof(q)), VX_E_INVAL); /* listen on port 0 */
	q = ok_lis, q.backlog = 0;
	assert_int_equal(decode(NET_SOCKET, &q, sizeof(q)), VX_E_INVAL);
	q = ok_lis, q.backlog = NET_BACKLOG_MAX + 1;
	assert_int_equal(decode(NET_SOCKET, &q, sizeof(q)), VX_E_INVAL);
	q = ok_lis, q.backlog = NET_BACKLOG_MAX;
	assert_int_equal(decode(NET_SOCKET, &q, sizeof(q)), VX_OK);
	q = ok_lis, q.addr[3] = 1;
	assert_int_equal(decode(NET_SOCKET, &q, sizeof(q)), VX_E_INVAL); /* an address */
	q = ok_lis, q.timeout_ms = 1;
	assert_int_equal(decode(NET_SOCKET, &q, sizeof(q)), VX_E_INVAL);

	q = ok_udp, q.peer_port = 53;
	assert_int_equal(decode(NET_SOCKET, &q, sizeof(q)), VX_E_INVAL); /* a port, no peer */
	q = ok_udp_peer, q.peer_port = 0;
	assert_int_equal(decode(NET_SOCKET, &q, sizeof(q)), VX_E_INVAL); /* a peer, no port */
	q = ok_udp_peer, memset(q.addr, 255, 4);
	assert_int_equal(decode(NET_SOCKET, &q, sizeof(q)), VX_E_INVAL); /* broadcast peer */
	q = ok_udp, q.backlog = 2;
	assert_int_equal(decode(NET_SOCKET, &q, sizeof(q)), VX_E_INVAL);
	q = ok_udp, q.timeout_ms = 2;
	assert_int_equal(decode(NET_SOCKET, &q, sizeof(q)), VX_E_INVAL);
}

/* NET_ACCEPT and NET_CLOSE: lengths and fields; the ids themselves are
 * netd's to check against its table. */
static void test_netmsg_accept_close(void **state)
{
	(void)state;
	struct net_accept_req a = {.id = 7, .timeout_ms = 0};
	struct net_close_req c = {.id = 7, .how = NET_CLOSE_ABORT};
	struct net_req r;
	struct vx_msg m;

	m = msg(NET_ACCEPT, &a, sizeof(a));
	assert_int_equal(net_decode(&m, &r), VX_OK);
	assert_int_equal(r.accept.id, 7);
	a.timeout_ms = NET_ACCEPT_TIMEOUT_MAX_MS;
	assert_int_equal(decode(NET_ACCEPT, &a, sizeof(a)), VX_OK);
	a.timeout_ms = NET_ACCEPT_TIMEOUT_MAX_MS + 1;
	assert_int_equal(decode(NET_ACCEPT, &a, sizeof(a)), VX_E_INVAL);
	assert_int_equal(decode(NET_ACCEPT, &a, 4), VX_E_INVAL);
	m = msg(NET_CLOSE, &c, sizeof(c));
	assert_int_equal(net_decode(&m, &r), VX_OK);
	assert_int_equal(r.close.how, NET_CLOSE_ABORT);
	c.how = NET_CLOSE_ABORT + 1;
	assert_int_equal(decode(NET_CLOSE, &c, sizeof(c)), VX_E_INVAL);
	uint8_t big[sizeof(c) + 4] = {0};
	memcpy(big, &c, sizeof(c));
	assert_int_equal(decode(NET_CLOSE, big, sizeof(c) + 4), VX_E_INVAL);
	/* No socket op takes capabilities. */
	c.how = NET_CLOSE_GRACEFUL;
	m = msg(NET_CLOSE, &c, sizeof(c));
	m.ncaps = 1;
	assert_int_equal(net_decode(&m, &r), VX_E_INVAL);
}

/* NET_CANCEL: exactly its 8 bytes, reserved 0; which request it names is
 * netd's to look up. */
static void test_netmsg_cancel(void **state)
{
	(void)state;
	struct net_cancel_req q = {.seq = 42};
	struct net_req r;
	struct vx_msg m = msg(NET_CANCEL, &q, sizeof(q));

	assert_int_equal(net_decode(&m, &r), VX_OK);
	assert_int_equal(r.cancel.seq, 42);
	assert_int_equal(decode(NET_CANCEL, &q, 4), VX_E_INVAL);
	assert_int_equal(decode(NET_CANCEL, NULL, 0), VX_E_INVAL);
	uint8_t big[sizeof(q) + 4] = {0};
	memcpy(big, &q, sizeof(q));
	assert_int_equal(decode(NET_CANCEL, big, sizeof(big)), VX_E_INVAL);
	q.reserved = 1;
	assert_int_equal(decode(NET_CANCEL, &q, sizeof(q)), VX_E_INVAL);
	q.reserved = 0;
	m = msg(NET_CANCEL, &q, sizeof(q));
	m.ncaps = 1;
	assert_int_equal(net_decode(&m, &r), VX_E_INVAL);
}

static int parse_grant(const char *text, struct net_grant *g)
{
	return net_parse_grant(text, strlen(text), g);
}

/* The grants an attach record may name, and every other text refused. */
static void test_grant_parse(void **state)
{
	(void)state;
	struct net_grant g;

	assert_int_equal(parse_grant("", &g), VX_OK);
	assert_int_equal(g.may, NET_GRANT_ALL);
	assert_int_equal(parse_grant("connect", &g), VX_OK);
	assert_int_equal(g.may, NET_GRANT_CONNECT);
	assert_int_equal(parse_grant("udp", &g), VX_OK);
	assert_int_equal(g.may, NET_GRANT_UDP);
	assert_int_equal(parse_grant("listen", &g), VX_OK);
	assert_int_equal(g.may, NET_GRANT_LISTEN);
	assert_int_equal(g.listen_port, 0);
	assert_int_equal(parse_grant("listen.8080", &g), VX_OK);
	assert_int_equal(g.listen_port, 8080);
	assert_int_equal(parse_grant("listen.65535", &g), VX_OK);
	assert_int_equal(parse_grant("listen.1", &g), VX_OK);
	const char *bad[] = {"all",	      "Connect",      "connect.",  "connectx",
			     "udp.53",	      "listen.",      "listen.0",  "listen.080",
			     "listen.65536",  "listen.99999", "listen.1a", "listen.-1",
			     "listen.123456", "listen 80",    " ",	   "connect,udp"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		g.may = 0x5a;
		assert_int_equal(parse_grant(bad[i], &g), VX_E_INVAL);
		assert_int_equal(g.may, 0); /* a refusal grants nothing */
	}
	/* Not NUL-terminated: only len bytes count. */
	assert_int_equal(net_parse_grant("udpX", 3, &g), VX_OK);
	assert_int_equal(g.may, NET_GRANT_UDP);
}

/* What each grant lets through, op by op. */
static void test_grant_check(void **state)
{
	(void)state;
	struct net_grant all = {.may = NET_GRANT_ALL}, con = {.may = NET_GRANT_CONNECT};
	struct net_grant udp = {.may = NET_GRANT_UDP}, lis = {.may = NET_GRANT_LISTEN};
	struct net_grant l80 = {.may = NET_GRANT_LISTEN, .listen_port = 80};
	struct net_req r;

	memset(&r, 0, sizeof(r));
	for (uint32_t op = NET_INFO; op <= NET_CANCEL; op++) {
		r.op = op;
		r.sock.kind = NET_SOCK_TCP;
		assert_int_equal(net_grant_check(&all, &r), VX_OK);
	}
	r.op = NET_INFO;
	assert_int_equal(net_grant_check(&udp, &r), VX_OK);
	r.op = NET_CLOSE;
	assert_int_equal(net_grant_check(&lis, &r), VX_OK);
	r.op = NET_CANCEL; /* its own requests, whatever the grant */
	assert_int_equal(net_grant_check(&con, &r), VX_OK);
	assert_int_equal(net_grant_check(&udp, &r), VX_OK);
	assert_int_equal(net_grant_check(&l80, &r), VX_OK);
	for (uint32_t op = NET_COUNTERS; op <= NET_TCP; op++) {
		if (op == NET_PING)
			continue;
		r.op = op; /* the tables show others' traffic */
		assert_int_equal(net_grant_check(&con, &r), VX_E_RIGHTS);
		assert_int_equal(net_grant_check(&l80, &r), VX_E_RIGHTS);
	}
	r.op = NET_PING;
	assert_int_equal(net_grant_check(&con, &r), VX_OK);
	assert_int_equal(net_grant_check(&udp, &r), VX_E_RIGHTS);
	r.op = NET_SOCKET;
	r.sock.kind = NET_SOCK_TCP;
	assert_int_equal(net_grant_check(&con, &r), VX_OK);
	assert_int_equal(net_grant_check(&udp, &r), VX_E_RIGHTS);
	assert_int_equal(net_grant_check(&lis, &r), VX_E_RIGHTS);
	r.sock.kind = NET_SOCK_UDP;
	r.sock.port = 0;
	assert_int_equal(net_grant_check(&udp, &r), VX_OK);
	assert_int_equal(net_grant_check(&con, &r), VX_E_RIGHTS);
	r.sock.port = 53; /* a well-known port needs everything */
	assert_int_equal(net_grant_check(&udp, &r), VX_E_RIGHTS);
	r.sock.port = NET_GRANT_UDP_PORT_MIN - 1;
	assert_int_equal(net_grant_check(&udp, &r), VX_E_RIGHTS);
	r.sock.port = NET_GRANT_UDP_PORT_MIN; /* a resolver's random port */
	assert_int_equal(net_grant_check(&udp, &r), VX_OK);
	r.sock.kind = NET_SOCK_LISTEN;
	r.sock.port = 80;
	assert_int_equal(net_grant_check(&lis, &r), VX_OK);
	assert_int_equal(net_grant_check(&l80, &r), VX_OK);
	assert_int_equal(net_grant_check(&con, &r), VX_E_RIGHTS);
	r.sock.port = 81;
	assert_int_equal(net_grant_check(&l80, &r), VX_E_RIGHTS);
	assert_int_equal(net_grant_check(&lis, &r), VX_OK);
	r.op = NET_ACCEPT;
	assert_int_equal(net_grant_check(&l80, &r), VX_OK);
	assert_int_equal(net_grant_check(&con, &r), VX_E_RIGHTS);
	r.op = NET_SOCKET;
	r.sock.kind = 9;
	assert_int_equal(net_grant_check(&con, &r), VX_E_RIGHTS);
}

static void test_addr_parse(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		bool ok;
		uint8_t a[4];
	} t[] = {
	    {"10.0.2.15", true, {10, 0, 2, 15}},
	    {"0.0.0.0", true, {0, 0, 0, 0}},
	    {"255.255.255.255", true, {255, 255, 255, 255}},
	    {"256.1.1.1", false, {0}},
	    {"1.2.3", false, {0}},
	    {"1.2.3.4.5", false, {0}},
	    {"1..2.3", false, {0}},
	    {"1.2.3.4 ", false, {0}},
	    {" 1.2.3.4", false, {0}},
	    {"1.2.3.-4", false, {0}},
	    {"1.2.3.1000", false, {0}},
	    {"a.b.c.d", false, {0}},
	    {"", false, {0}},
	    {"1.2.3.4/24", false, {0}},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint8_t a[4] = {9, 9, 9, 9};
		if (vx_ip_parse(t[i].s, a) != t[i].ok)
			fail_msg("vx_ip_parse(\"%s\") should be %s", t[i].s,
				 t[i].ok ? "true" : "false");
		if (t[i].ok)
			assert_memory_equal(a, t[i].a, 4);
	}
	uint8_t a[4], m[4];
	assert_true(vx_cidr_parse("10.0.2.15/24", a, m));
	assert_memory_equal(m, ((uint8_t[]){255, 255, 255, 0}), 4);
	assert_true(vx_cidr_parse("10.0.2.15/0", a, m));
	assert_memory_equal(m, ((uint8_t[]){0, 0, 0, 0}), 4);
	assert_true(vx_cidr_parse("10.0.2.15/32", a, m));
	assert_memory_equal(m, ((uint8_t[]){255, 255, 255, 255}), 4);
	assert_true(vx_cidr_parse("192.168.1.9/20", a, m));
	assert_memory_equal(m, ((uint8_t[]){255, 255, 240, 0}), 4);
	assert_false(vx_cidr_parse("10.0.2.15/33", a, m));
	assert_false(vx_cidr_parse("10.0.2.15/", a, m));
	assert_false(vx_cidr_parse("10.0.2.15", a, m));
	assert_false(vx_cidr_parse("10.0.2.15/2x", a, m));
}

static void test_config(void **state)
{
	(void)state;
	struct net_config c;

	assert_true(net_parse_config(NULL, &c));
	assert_int_equal(c.how, NET_HOW_DHCP);
	assert_true(net_parse_config("netd", &c));
	assert_int_equal(c.how, NET_HOW_DHCP);
	assert_true(net_parse_config("dhcp", &c));
	assert_true(net_parse_config("static 10.0.2.15/24 10.0.2.2", &c));
	assert_int_equal(c.how, NET_HOW_STATIC);
	assert_memory_equal(c.addr, ((uint8_t[]){10, 0, 2, 15}), 4);
	assert_memory_equal(c.mask, ((uint8_t[]){255, 255, 255, 0}), 4);
	assert_true(c.has_gw);
	assert_memory_equal(c.gw, ((uint8_t[]){10, 0, 2, 2}), 4);
	assert_true(net_parse_config("static 192.168.7.2/30", &c));
	assert_false(c.has_gw);
	static const char *const bad[] = {
	    "static",
	    "static 10.0.2.15",
	    "static 10.0.2.15/24 10.0.2",
	    "static 0.0.0.1/8",
	    "static 224.0.0.1/4",
	    "static 10.0.2.15/24 255.255.255.255",
	    "dhcpx",
	    "stat 1.2.3.4/8",
	    "static 10.0.2.15/24 10.0.2.2 x",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (net_parse_config(bad[i], &c))
			fail_msg("'%s' should be refused", bad[i]);
		assert_int_equal(c.how, NET_HOW_DHCP);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_netmsg_ops),
	    cmocka_unit_test(test_netmsg_unknown_op),
	    cmocka_unit_test(test_netmsg_bad_lengths),
	    cmocka_unit_test(test_netmsg_reserved_and_caps),
	    cmocka_unit_test(test_netmsg_ping_fields),
	    cmocka_unit_test(test_netmsg_socket),
	    cmocka_unit_test(test_netmsg_accept_close),
	    cmocka_unit_test(test_netmsg_cancel),
	    cmocka_unit_test(test_grant_parse),
	    cmocka_unit_test(test_grant_check),
	    cmocka_unit_test(test_addr_parse),
	    cmocka_unit_test(test_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
