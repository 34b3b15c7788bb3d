/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DHCP client (RFC 2131, options from RFC 2132).
 *
 * States (enum vx_dhcp_state; RFC 2131 figure 5 without INIT-REBOOT):
 *
 *   OFF         not running (static address, or stopped)
 *   SELECTING   DISCOVER broadcast; the first valid OFFER is taken
 *   REQUESTING  REQUEST broadcast for that offer; ACK -> BOUND,
 *               NAK -> INIT, VX_DHCP_REQUEST_TRIES unanswered -> INIT
 *   BOUND       the address is configured; at T1 -> RENEWING
 *   RENEWING    REQUEST unicast to the server that granted the lease;
 *               ACK -> BOUND, NAK -> INIT, at T2 -> REBINDING
 *   REBINDING   REQUEST broadcast to any server; ACK -> BOUND,
 *               NAK -> INIT, at lease expiry the address is removed
 *               (VX_DHCP_EV_EXPIRED) -> INIT
 *
 * INIT is not a resting state: it drops the address, picks a new xid and
 * broadcasts a DISCOVER, entering SELECTING.  In SELECTING and
 * REQUESTING a message is retransmitted after 4 s, 8 s, 16 s ... up to
 * VX_DHCP_RETRY_MAX_NS (RFC 2131 4.1, without the random second).  In
 * RENEWING and REBINDING it is retransmitted after half the time left to
 * T2 or to expiry, but not sooner than VX_DHCP_RENEW_MIN_NS (4.4.5).
 *
 * A reply must be a BOOTREPLY for Ethernet, with our xid, our hardware
 * address and the magic cookie, and its options must parse: every option
 * but pad and end has a length byte, its bytes lie inside the message, a
 * known option has its length (1, 51, 54, 58, 59: 4; 53: 1; 3 and 6:
 * a non-zero multiple of 4; 12: not 0), none of those appears twice, and
 * an end option is present.  Anything else is dropped whole.  Option
 * overload (52) is not followed: sname and file are never read as
 * options, so a server that overloads them is simply not heard there.
 *
 * T1 and T2 default to 1/2 and 7/8 of the lease when absent or when they
 * do not satisfy T1 <= T2 <= lease.  A lease of 0xffffffff never ends.
 * A lease of 0 is refused.  Without a subnet mask option the classful mask is used.  A router off
 * the granted subnet is ignored.
 */
#include "net/netpriv.h"
#include "vx_string.h"

enum {
	DHCPDISCOVER = 1,
	DHCPOFFER = 2,
	DHCPREQUEST = 3,
	DHCPACK = 5,
	DHCPNAK = 6,
};

#define BOOTP_LEN   236 /* the fixed BOOTP header */
#define OPTS_AT	    240 /* after the magic cookie */
#define MIN_MSG	    300 /* BOOTP's minimum: some servers want it */
#define INFINITE    0xffffffffu
#define OPT_SEEN(c) (1u << ((c) == 1 ? 0 : (c) == 3 ? 1 : (c) == 6 ? 2 : (c) == 12 ? 3 : (c)-47))

static const uint8_t cookie[4] = {99, 130, 83, 99};
static const uint8_t bcast_ip[4] = {255, 255, 255, 255};

static const char *const state_names[VX_DHCP_STATE_COUNT] = {
    [VX_DHCP_OFF] = "off",
    [VX_DHCP_SELECTING] = "selecting",
    [VX_DHCP_REQUESTING] = "requesting",
    [VX_DHCP_BOUND] = "bound",
    [VX_DHCP_RENEWING] = "renewing",
    [VX_DHCP_REBINDING] = "rebinding",
};

const char *vx_dhcp_state_name(enum vx_dhcp_state s)
{
	return (unsigned)s < VX_DHCP_STATE_COUNT ? state_names[s] : "?";
}

/* What one reply says, after strict parsing. */
struct dhcp_msg {
	uint8_t type;
	uint8_t yiaddr[4];
	uint32_t seen; /* OPT_SEEN bits */
	struct vx_dhcp_lease l;
};

/* One option's value, checked for its length; false: malformed. */
static bool opt_take(struct dhcp_msg *m, uint8_t c, const uint8_t *v, uint8_t n)
{
	switch (c) {
	case 1:
		return n == 4 && (memcpy(m->l.mask, v, 4), true);
	case 3:
		return n && n % 4 == 0 && (memcpy(m->l.router, v, 4), true);
	case 6:
		if (n == 0 || n % 4)
			return false;
		for (uint8_t i = 0; i < n / 4 && m->l.ndns < VX_DHCP_DNS_MAX; i++)
			memcpy(m->l.dns[m->l.ndns++], v + 4 * i, 4);
		return true;
	case 12:
		if (n == 0)
			return false;
		for (uint8_t i = 0; i < n && i < VX_DHCP_HOSTNAME_MAX; i++)
			m->l.hostname[i] = (v[i] >= 0x20 && v[i] < 0x7f) ? (char)v[i] : '?';
		m->l.hostname[n < VX_DHCP_HOSTNAME_MAX ? n : VX_DHCP_HOSTNAME_MAX] = '\0';
		return true;
	case 51:
		return n == 4 && (m->l.lease_s = get32(v), true);
	case 53:
		return n == 1 && v[0] >= 1 && v[0] <= 8 && (m->type = v[0], true);
	case 54:
		return n == 4 && (memcpy(m->l.server, v, 4), true);
	case 58:
		return n == 4 && (m->l.t1_s = get32(v), true);
	case 59:
		return n == 4 && (m->l.t2_s = get32(v), true);
	}
	return true;
}

static bool known_opt(uint8_t c)
{
	return c == 1 || c == 3 || c == 6 || c == 12 || c == 51 || c == 53 || c == 54 || c == 58 ||
	       c == 59;
}

/* Parse the options at p (n bytes).  False: malformed. */
static bool opts_parse(struct dhcp_msg *m, const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint8_t c = p[i];

		if (c == 0) {
			i++;
			continue;
		}
		if (c == 255)
			return m->type != 0;
		if (i + 2 > n || i + 2 + p[i + 1] > n)
			return false;
		if (known_opt(c)) {
			if (m->seen & OPT_SEEN(c))
				return false;
			m->seen |= OPT_SEEN(c);
			if (!opt_take(m, c, p + i + 2, p[i + 1]))
				return false;
		}
		i += 2 + (size_t)p[i + 1];
	}
	return false; /* no end option */
}

/* Check a reply's header and options into *m.  Counts and returns false
 * when the message is malformed or is not for us. */
static bool msg_parse(struct vx_net *net, struct dhcp_msg *m, const uint8_t *p, size_t len)
{
	memset(m, 0, sizeof(*m));
	if (len < OPTS_AT || p[0] != 2 || p[1] != 1 || p[2] != 6 ||
	    memcmp(p + BOOTP_LEN, cookie, 4)) {
		NETC(net, DHCP_BAD);
		return false;
	}
	if (!opts_parse(m, p + OPTS_AT, len - OPTS_AT)) {
		NETC(net, DHCP_BAD);
		return false;
	}
	if (get32(p + 4) != net->dhcp.xid || memcmp(p + 28, net->mac, 6) != 0) {
		NETC(net, DHCP_NOT_OURS);
		return false;
	}
	memcpy(m->yiaddr, p + 16, 4);
	return true;
}

/* strnlen without POSIX: the host's C11 library need not have it. */
static size_t name_len(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

static void add_opt(uint8_t *p, size_t *n, uint8_t c, const void *v, uint8_t len)
{
	p[(*n)++] = c;
	p[(*n)++] = len;
	memcpy(p + *n, v, len);
	*n += len;
}

/* Build and send a DISCOVER or REQUEST for the current state. */
static void dhcp_send(struct vx_net *net, uint8_t type, uint64_t now)
{
	static const uint8_t params[] = {1, 3, 6, 12, 15, 51, 54, 58, 59};
	static const uint8_t zero[4];
	struct vx_dhcp *d = &net->dhcp;
	uint8_t m[VX_DHCP_MSG_MAX];
	uint64_t secs = (now - d->started) / VX_NS_PER_SEC;
	bool have_addr = d->state >= VX_DHCP_BOUND;
	size_t n = OPTS_AT;

	memset(m, 0, sizeof(m));
	m[0] = 1;
	m[1] = 1;
	m[2] = 6;
	put32(m + 4, d->xid);
	put16(m + 8, (uint16_t)(secs > 0xffff ? 0xffff : secs));
	put16(m + 10, have_addr ? 0 : 0x8000); /* broadcast replies until we have an address */
	if (have_addr)
		memcpy(m + 12, net->ip, 4);
	memcpy(m + 28, net->mac, 6);
	memcpy(m + BOOTP_LEN, cookie, 4);
	add_opt(m, &n, 53, &type, 1);
	if (d->state == VX_DHCP_REQUESTING) {
		add_opt(m, &n, 50, d->offered, 4);
		add_opt(m, &n, 54, d->lease.server, 4);
	}
	if (d->hostname[0])
		add_opt(m, &n, 12, d->hostname,
			(uint8_t)name_len(d->hostname, VX_DHCP_HOSTNAME_MAX));
	add_opt(m, &n, 55, params, sizeof(params));
	m[n++] = 255;
	if (n < MIN_MSG)
		n = MIN_MSG;
	d->tries++;
	NETC(net, DHCP_OUT);
	if (d->state == VX_DHCP_RENEWING)
		udp_send(net, net->ip, DHCP_CLIENT_PORT, d->lease.server, DHCP_SERVER_PORT, m, n);
	else
		udp_send(net, have_addr ? net->ip : zero, DHCP_CLIENT_PORT, bcast_ip,
			 DHCP_SERVER_PORT, m, n);
}

/* The wait before the next try in SELECTING or REQUESTING. */
static uint64_t backoff(uint32_t tries)
{
	uint64_t t = VX_DHCP_RETRY_MIN_NS;

	for (uint32_t i = 1; i < tries && t < VX_DHCP_RETRY_MAX_NS; i++)
		t *= 2;
	return t < VX_DHCP_RETRY_MAX_NS ? t : VX_DHCP_RETRY_MAX_NS;
}

/* INIT: forget the address and start again with a DISCOVER. */
static void dhcp_init(struct vx_net *net, uint64_t now)
{
	struct vx_dhcp *d = &net->dhcp;

	net_set_addr(net, NULL, NULL, NULL);
	memset(&d->lease, 0, sizeof(d->lease));
	d->xid = net_random(net);
	d->tries = 0;
	d->started = now;
	d->state = VX_DHCP_SELECTING;
	dhcp_send(net, DHCPDISCOVER, now);
	d->deadline = now + backoff(d->tries);
}

static uint64_t at(uint64_t base, uint32_t secs)
{
	return secs == INFINITE ? UINT64_MAX : base + (uint64_t)secs * VX_NS_PER_SEC;
}

/* Take an ACK: configure the address and enter BOUND.  False when its
 * values cannot be used (counted). */
static bool dhcp_bind(struct vx_net *net, struct dhcp_msg *m, uint64_t now)
{
	struct vx_dhcp *d = &net->dhcp;
	struct vx_dhcp_lease *l = &m->l;
	uint32_t a = get32(m->yiaddr);
	bool renewed = d->state == VX_DHCP_RENEWING || d->state == VX_DHCP_REBINDING;

	if (l->lease_s == 0) {
		NETC(net, DHCP_BAD);
		return false;
	}
	memcpy(l->addr, m->yiaddr, 4);
	if (!(m->seen & OPT_SEEN(1)))
		put32(l->mask, a < 0x80000000u	 ? 0xff000000u
			       : a < 0xc0000000u ? 0xffff0000u
						 : 0xffffff00u);
	if (ip_zero(l->server))
		memcpy(l->server, d->lease.server, 4);
	if (l->lease_s == INFINITE) {
		l->t1_s = l->t2_s = INFINITE;
	} else if (!(l->t1_s <= l->t2_s && l->t2_s <= l->lease_s && l->t1_s) ||
		   !(m->seen & OPT_SEEN(58)) || !(m->seen & OPT_SEEN(59))) {
		l->t1_s = l->lease_s / 2;
		l->t2_s = (uint32_t)((uint64_t)l->lease_s * 7 / 8);
	}
	if (net_set_addr(net, l->addr, l->mask, l->router) != VX_OK) {
		memset(l->router, 0, 4);
		if (net_set_addr(net, l->addr, l->mask, NULL) != VX_OK) {
			NETC(net, DHCP_BAD);
			return false;
		}
	}
	d->lease = *l;
	d->bound_at = now;
	d->state = VX_DHCP_BOUND;
	d->deadline = at(now, l->t1_s);
	NETC(net, DHCP_BOUND);
	if (net->ops.dhcp)
		net->ops.dhcp(net->ctx, renewed ? VX_DHCP_EV_RENEWED : VX_DHCP_EV_BOUND, &d->lease);
	return true;
}

/* Lose the lease (NAK or expiry): back to INIT, then tell the caller,
 * who may stop the client or set a static address from the callback. */
static void dhcp_lose(struct vx_net *net, enum vx_dhcp_event ev, uint64_t now)
{
	struct vx_dhcp_lease old = net->dhcp.lease;

	dhcp_init(net, now);
	if (net->ops.dhcp)
		net->ops.dhcp(net->ctx, ev, &old);
}

void dhcp_input(struct vx_net *net, const uint8_t *p, size_t len, uint64_t now)
{
	struct vx_dhcp *d = &net->dhcp;
	struct dhcp_msg m;

	NETC(net, DHCP_IN);
	if (!msg_parse(net, &m, p, len))
		return;
	uint32_t y = get32(m.yiaddr);
	bool from_server = !(m.seen & OPT_SEEN(54)) || ip_eq(m.l.server, d->lease.server);
	bool y_ok = ip_host_ok(y);

	if (d->state == VX_DHCP_SELECTING && m.type == DHCPOFFER && y_ok &&
	    (m.seen & OPT_SEEN(54))) {
		memcpy(d->offered, m.yiaddr, 4);
		memcpy(d->lease.server, m.l.server, 4);
		d->state = VX_DHCP_REQUESTING;
		d->tries = 0;
		dhcp_send(net, DHCPREQUEST, now);
		d->deadline = now + backoff(d->tries);
		return;
	}
	bool waiting = d->state == VX_DHCP_REQUESTING || d->state == VX_DHCP_RENEWING ||
		       d->state == VX_DHCP_REBINDING;

	if (waiting && m.type == DHCPNAK && (from_server || d->state == VX_DHCP_REBINDING)) {
		NETC(net, DHCP_NAK);
		dhcp_lose(net, VX_DHCP_EV_NAK, now);
		return;
	}
	if (waiting && m.type == DHCPACK && y_ok && (m.seen & OPT_SEEN(51)) &&
	    (from_server || d->state == VX_DHCP_REBINDING) &&
	    (d->state != VX_DHCP_REQUESTING || ip_eq(m.yiaddr, d->offered))) {
		dhcp_bind(net, &m, now);
		return;
	}
	NETC(net, DHCP_NOT_OURS);
}

/* RENEWING and REBINDING: the next try after half the time to `until`,
 * but not sooner than VX_DHCP_RENEW_MIN_NS, and not after `until`. */
static uint64_t half_way(uint64_t now, uint64_t until)
{
	uint64_t wait = (until - now) / 2;

	if (wait < VX_DHCP_RENEW_MIN_NS)
		wait = VX_DHCP_RENEW_MIN_NS;
	return until - now < wait ? until : now + wait;
}

uint64_t dhcp_tick(struct vx_net *net, uint64_t now)
{
	struct vx_dhcp *d = &net->dhcp;
	uint64_t t2 = at(d->bound_at, d->lease.t2_s), end = at(d->bound_at, d->lease.lease_s);

	if (d->state == VX_DHCP_OFF)
		return UINT64_MAX;
	if (now < d->deadline)
		return d->deadline;
	switch (d->state) {
	case VX_DHCP_SELECTING:
		dhcp_send(net, DHCPDISCOVER, now);
		d->deadline = now + backoff(d->tries);
		break;
	case VX_DHCP_REQUESTING:
		if (d->tries >= VX_DHCP_REQUEST_TRIES) {
			dhcp_init(net, now);
			break;
		}
		dhcp_send(net, DHCPREQUEST, now);
		d->deadline = now + backoff(d->tries);
		break;
	case VX_DHCP_BOUND:
	case VX_DHCP_RENEWING:
		if (now < t2) {
			if (d->state == VX_DHCP_BOUND) {
				d->state = VX_DHCP_RENEWING;
				d->xid = net_random(net);
				d->started = now;
			}
			dhcp_send(net, DHCPREQUEST, now);
			d->deadline = half_way(now, t2);
			break;
		}
		d->state = VX_DHCP_REBINDING;
		d->xid = net_random(net);
		/* fall through */
	case VX_DHCP_REBINDING:
		if (now >= end) {
			NETC(net, DHCP_EXPIRED);
			dhcp_lose(net, VX_DHCP_EV_EXPIRED, now);
			break;
		}
		dhcp_send(net, DHCPREQUEST, now);
		d->deadline = half_way(now, end);
		break;
	default:
		break;
	}
	return d->deadline;
}

int vx_net_dhcp_start(struct vx_net *net, const char *hostname, uint64_t now)
{
	if (!net)
		return VX_E_INVAL;
	if (hostname && name_len(hostname, VX_DHCP_HOSTNAME_MAX + 1) > VX_DHCP_HOSTNAME_MAX)
		return VX_E_TOOBIG;
	memset(net->dhcp.hostname, 0, sizeof(net->dhcp.hostname));
	if (hostname)
		memcpy(net->dhcp.hostname, hostname, name_len(hostname, VX_DHCP_HOSTNAME_MAX));
	net->now = now;
	dhcp_init(net, now);
	return VX_OK;
}

void vx_net_dhcp_stop(struct vx_net *net)
{
	if (net)
		net->dhcp.state = VX_DHCP_OFF;
}
