/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP (RFC 792, RFC 1122 section 3.2.2): echo, ping and errors.
 *
 * In: an echo request to our own address is answered with the same
 * identifier, sequence and data (one to a broadcast address is not: RFC
 * 1122 lets a host stay silent, and silence cannot be amplified).  An
 * echo reply is matched against the pings vx_net_ping sent, by source,
 * identifier and sequence, and reported to ops.ping with the round trip.
 * An error (3 unreachable, 11 time exceeded, 12 parameter problem) must
 * quote an IPv4 header from our address and 8 bytes after it; it is
 * handed by the quoted protocol to the UDP socket that owns the source
 * port, to ops.tcp_error, or to the ping it is about.  Other types,
 * including source quench (deprecated by RFC 6633), are counted and
 * dropped.
 *
 * Out: icmp_error sends an error about a datagram we received, unless RFC
 * 1122 3.2.2 forbids it: the datagram went to a broadcast address (link or
 * IP), or is itself an ICMP error.  (Its source is a unique host already:
 * ip4.c drops others, and a reassembled datagram is its first fragment's.)
 * Errors are rate-limited by a token bucket: VX_ICMP_ERR_BURST tokens,
 * one more every VX_ICMP_ERR_EVERY_NS.  An error quotes the offending
 * header and the first 8 bytes of its data.
 *
 * icmp_local_error reports a datagram we could not send (ARP failed) to
 * its sender as if a host-unreachable had come back from ourselves.
 */
#include "net/cksum.h"
#include "net/netpriv.h"
#include "vx_string.h"

enum {
	ICMP_ECHO_REPLY = 0,
	ICMP_UNREACH = 3,
	ICMP_ECHO = 8,
	ICMP_TIME_EXCEEDED = 11,
	ICMP_PARAM = 12,
};

static bool is_error_type(uint8_t t)
{
	return t == ICMP_UNREACH || t == 4 || t == 5 || t == ICMP_TIME_EXCEEDED || t == ICMP_PARAM;
}

/* Checksum and send the len-byte ICMP message laid in net->dgram. */
static int icmp_send(struct vx_net *net, const uint8_t dst[4], size_t len)
{
	put16(net->dgram + 2, 0);
	put16(net->dgram + 2, vx_cksum(net->dgram, len));
	return ip4_output_src(net, net->ip, dst, IP_PROTO_ICMP, net->dgram, len);
}

static void ping_end(struct vx_net *net, struct vx_ping *pg, int status, uint64_t rtt,
		     const struct vx_net_icmp_err *err)
{
	struct vx_ping done = *pg; /* the callback may reuse the slot */

	pg->used = false;
	if (net->ops.ping)
		net->ops.ping(net->ctx, done.dst, done.id, done.seq, status, rtt, err);
}

static struct vx_ping *ping_find(struct vx_net *net, const uint8_t dst[4], uint16_t id,
				 uint16_t seq)
{
	for (int i = 0; i < VX_PING_PENDING; i++) {
		struct vx_ping *pg = &net->ping[i];

		if (pg->used && pg->id == id && pg->seq == seq && ip_eq(pg->dst, dst))
			return pg;
	}
	return NULL;
}

/* Hand an error to the owner of the datagram it quotes: t is the quoted
 * transport header (at least 8 bytes) of protocol proto. */
static void error_deliver(struct vx_net *net, const struct vx_net_icmp_err *err, uint8_t proto,
			  const uint8_t *t, size_t tlen)
{
	bool taken = false;

	if (proto == IP_PROTO_UDP) {
		taken = udp_error(net, err, t, tlen);
	} else if (proto == IP_PROTO_TCP && net->ops.tcp_error) {
		net->ops.tcp_error(net->ctx, err, t, tlen);
		taken = true;
	} else if (proto == IP_PROTO_ICMP && t[0] == ICMP_ECHO) {
		struct vx_ping *pg = ping_find(net, err->dst, get16(t + 4), get16(t + 6));

		if (pg) {
			ping_end(net, pg, VX_E_NOTFOUND, 0, err);
			taken = true;
		}
	}
	if (taken)
		NETC(net, ICMP_ERR_IN);
	else
		NETC(net, ICMP_ERR_UNMATCHED);
}

static void error_input(struct vx_net *net, const struct ip4_rx *rx)
{
	const uint8_t *q = rx->data + 8;
	size_t qlen = rx->len - 8, qh;

	if (qlen < VX_IP_HDR || q[0] >> 4 != 4 || (qh = (size_t)(q[0] & 15) * 4) < VX_IP_HDR ||
	    qlen < qh + 8 || !net_configured(net) || !ip_eq(q + 12, net->ip) ||
	    (get16(q + 6) & 0x1fff) != 0) {
		NETC(net, ICMP_ERR_BAD);
		return;
	}
	struct vx_net_icmp_err err = {.type = rx->data[0], .code = rx->data[1]};

	if (err.type == ICMP_UNREACH && err.code == 4)
		err.mtu = get16(rx->data + 6);
	memcpy(err.from, rx->src, 4);
	memcpy(err.dst, q + 16, 4);
	error_deliver(net, &err, q[9], q + qh, qlen - qh);
}

static void echo_input(struct vx_net *net, const struct ip4_rx *rx)
{
	if (rx->bcast) {
		NETC(net, ICMP_BCAST_ECHO);
		return;
	}
	NETC(net, ICMP_ECHO_IN);
	memcpy(net->dgram, rx->data, rx->len);
	net->dgram[0] = ICMP_ECHO_REPLY;
	net->dgram[1] = 0;
	icmp_send(net, rx->src, rx->len);
}

static void reply_input(struct vx_net *net, const struct ip4_rx *rx, uint64_t now)
{
	struct vx_ping *pg = ping_find(net, rx->src, get16(rx->data + 4), get16(rx->data + 6));

	if (!pg) {
		NETC(net, ICMP_ECHO_UNMATCHED);
		return;
	}
	NETC(net, ICMP_ECHO_REPLY_IN);
	ping_end(net, pg, VX_OK, now - pg->sent, NULL);
}

void icmp_input(struct vx_net *net, const struct ip4_rx *rx, uint64_t now)
{
	NETC(net, ICMP_IN);
	if (rx->len < 8) {
		NETC(net, ICMP_TRUNCATED);
		return;
	}
	if (vx_cksum(rx->data, rx->len) != 0) {
		NETC(net, ICMP_BAD_CKSUM);
		return;
	}
	switch (rx->data[0]) {
	case ICMP_ECHO:
		echo_input(net, rx);
		break;
	case ICMP_ECHO_REPLY:
		reply_input(net, rx, now);
		break;
	case ICMP_UNREACH:
	case ICMP_TIME_EXCEEDED:
	case ICMP_PARAM:
		error_input(net, rx);
		break;
	default:
		NETC(net, ICMP_UNKNOWN_TYPE);
	}
}

/* Take a token from the bucket, refilled for the time since the last. */
static bool rate_ok(struct vx_net *net, uint64_t now)
{
	if (now > net->icmp_refill) {
		uint64_t add = (now - net->icmp_refill) / VX_ICMP_ERR_EVERY_NS;

		if (add >= VX_ICMP_ERR_BURST - net->icmp_tokens) {
			net->icmp_tokens = VX_ICMP_ERR_BURST;
			net->icmp_refill = now;
		} else {
			net->icmp_tokens += (uint32_t)add;
			net->icmp_refill += add * VX_ICMP_ERR_EVERY_NS;
		}
	}
	if (net->icmp_tokens == 0)
		return false;
	net->icmp_tokens--;
	return true;
}

void icmp_error(struct vx_net *net, const struct ip4_rx *rx, uint8_t type, uint8_t code,
		uint64_t now)
{
	if (rx->bcast || !net_configured(net) ||
	    (rx->proto == IP_PROTO_ICMP && (rx->len < 1 || is_error_type(rx->data[0])))) {
		NETC(net, ICMP_ERR_SUPPRESSED);
		return;
	}
	if (!rate_ok(net, now)) {
		NETC(net, ICMP_ERR_RATELIMITED);
		return;
	}
	size_t n = rx->len < 8 ? rx->len : 8;
	uint8_t *m = net->dgram;

	m[0] = type;
	m[1] = code;
	memset(m + 4, 0, 4);
	memcpy(m + 8, rx->hdr, rx->hlen);
	memcpy(m + 8 + rx->hlen, rx->data, n);
	NETC(net, ICMP_ERR_OUT);
	icmp_send(net, rx->src, 8 + rx->hlen + n);
}

void icmp_local_error(struct vx_net *net, const uint8_t *dgram, size_t len, uint8_t type,
		      uint8_t code, uint64_t now)
{
	size_t hlen = (size_t)(dgram[0] & 15) * 4;
	struct vx_net_icmp_err err = {.type = type, .code = code};

	(void)now;
	if (len < hlen + 8 || (get16(dgram + 6) & 0x1fff) != 0)
		return; /* a later fragment: the first one reports */
	memcpy(err.from, net->ip, 4);
	memcpy(err.dst, dgram + 16, 4);
	error_deliver(net, &err, dgram[9], dgram + hlen, len - hlen);
}

int vx_net_ping(struct vx_net *net, const uint8_t dst[4], uint16_t id, uint16_t seq, size_t len,
		uint64_t now)
{
	struct vx_ping *pg;
	int rc;

	if (!net || !dst)
		return VX_E_INVAL;
	if (len > VX_IP_MAX_PAYLOAD - 8)
		return VX_E_TOOBIG;
	net->now = now;
	pg = ping_find(net, dst, id, seq);
	for (int i = 0; i < VX_PING_PENDING && !pg; i++)
		if (!net->ping[i].used)
			pg = &net->ping[i];
	if (!pg) {
		pg = &net->ping[0];
		for (int i = 1; i < VX_PING_PENDING; i++)
			if (net->ping[i].sent < pg->sent)
				pg = &net->ping[i];
		NETC(net, PING_EVICTED);
	}
	uint8_t *m = net->dgram;

	m[0] = ICMP_ECHO;
	m[1] = 0;
	put16(m + 4, id);
	put16(m + 6, seq);
	for (size_t i = 0; i < len; i++)
		m[8 + i] = (uint8_t)i;
	*pg = (struct vx_ping){.used = true,
			       .id = id,
			       .seq = seq,
			       .sent = now,
			       .dst = {dst[0], dst[1], dst[2], dst[3]}};
	rc = icmp_send(net, pg->dst, 8 + len);
	if (rc < 0) {
		pg->used = false;
		return rc;
	}
	NETC(net, ICMP_ECHO_OUT);
	return VX_OK;
}

uint64_t icmp_tick(struct vx_net *net, uint64_t now)
{
	uint64_t next = UINT64_MAX;

	for (int i = 0; i < VX_PING_PENDING; i++) {
		struct vx_ping *pg = &net->ping[i];

		if (!pg->used)
			continue;
		if (now >= pg->sent + VX_PING_TIMEOUT_NS) {
			NETC(net, PING_TIMEOUT);
			ping_end(net, pg, VX_E_TIMEOUT, 0, NULL);
		} else if (pg->sent + VX_PING_TIMEOUT_NS < next) {
			next = pg->sent + VX_PING_TIMEOUT_NS;
		}
	}
	return next;
}
