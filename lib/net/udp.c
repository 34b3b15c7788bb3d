/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * UDP (RFC 768, RFC 1122 section 4.1) and its socket table.
 *
 * A socket is one of VX_UDP_SOCKETS slots bound to a local port; the
 * socket number the caller holds is the slot's index.  Each socket keeps a
 * receive queue of at most VX_UDP_RXQ_DGRAMS datagrams and
 * VX_UDP_RXQ_BYTES payload bytes, packed from the start of its buffer in
 * arrival order; a datagram that does not fit is dropped and counted, and
 * the queue is never reordered.  Taking the oldest slides the rest down.
 *
 * Input: the length field must be at least 8 and at most the IP payload
 * (bytes after it are cut); a nonzero checksum must verify over the
 * pseudo-header, a zero one means the sender sent none (counted, kept).
 * Port 68 goes to the DHCP client while it runs.  Before we have an
 * address nothing else is taken.  A datagram for a port with no socket is
 * answered with port unreachable (ICMP decides whether it may be sent).
 *
 * Output always carries a checksum (a computed 0 is sent as 0xffff).
 * Sockets send from our address; only DHCP sends from 0.0.0.0.
 */
#include "net/cksum.h"
#include "net/netpriv.h"
#include "vx_string.h"

static struct vx_udp_sock *sock_get(struct vx_net *net, int sock)
{
	if (!net || sock < 0 || sock >= VX_UDP_SOCKETS || !net->udp[sock].used)
		return NULL;
	return &net->udp[sock];
}

static int port_owner(const struct vx_net *net, uint16_t port)
{
	for (int i = 0; i < VX_UDP_SOCKETS; i++)
		if (net->udp[i].used && net->udp[i].port == port)
			return i;
	return -1;
}

/* Add one datagram to the socket's queue, or count why not. */
static void sock_enqueue(struct vx_net *net, int sock, const struct ip4_rx *rx, const uint8_t *data,
			 uint16_t len)
{
	struct vx_udp_sock *s = &net->udp[sock];

	if (s->nq >= VX_UDP_RXQ_DGRAMS || (size_t)s->qbytes + len > VX_UDP_RXQ_BYTES) {
		NETC(net, UDP_RXQ_FULL);
		return;
	}
	struct vx_udp_dgram *d = &s->q[s->nq++];

	memcpy(d->src, rx->src, 4);
	d->sport = get16(rx->data);
	d->len = len;
	d->off = s->qbytes;
	memcpy(s->buf + s->qbytes, data, len);
	s->qbytes = (uint16_t)(s->qbytes + len);
	NETC(net, UDP_QUEUED);
	if (net->ops.udp_ready)
		net->ops.udp_ready(net->ctx, sock);
}

void udp_input(struct vx_net *net, const struct ip4_rx *rx, uint64_t now)
{
	NETC(net, UDP_IN);
	if (rx->len < 8) {
		NETC(net, UDP_TRUNCATED);
		return;
	}
	size_t ulen = get16(rx->data + 4);

	if (ulen < 8 || ulen > rx->len) {
		NETC(net, UDP_BAD_LENGTH);
		return;
	}
	if (get16(rx->data + 6) != 0) {
		uint32_t sum = vx_cksum_pseudo4(rx->src, rx->dst, IP_PROTO_UDP, (uint16_t)ulen);

		if (vx_cksum_fold(vx_cksum_add(sum, rx->data, ulen)) != 0) {
			NETC(net, UDP_BAD_CKSUM);
			return;
		}
	} else {
		NETC(net, UDP_NO_CKSUM);
	}
	uint16_t dport = get16(rx->data + 2);

	if (dport == DHCP_CLIENT_PORT && net->dhcp.state != VX_DHCP_OFF) {
		dhcp_input(net, rx->data + 8, ulen - 8, now);
		return;
	}
	if (!net_configured(net)) {
		NETC(net, UDP_UNCONFIGURED);
		return;
	}
	int sock = port_owner(net, dport);

	if (sock < 0) {
		NETC(net, UDP_NO_PORT);
		icmp_error(net, rx, 3, 3, now);
		return;
	}
	sock_enqueue(net, sock, rx, rx->data + 8, (uint16_t)(ulen - 8));
}

/* The socket whose port sent the quoted datagram takes the error. */
bool udp_error(struct vx_net *net, const struct vx_net_icmp_err *err, const uint8_t *quoted,
	       size_t len)
{
	int sock = len >= 8 ? port_owner(net, get16(quoted)) : -1;

	if (sock < 0)
		return false;
	net->udp[sock].err = *err;
	net->udp[sock].has_err = true;
	return true;
}

int udp_send(struct vx_net *net, const uint8_t src[4], uint16_t sport, const uint8_t dst[4],
	     uint16_t dport, const void *buf, size_t len)
{
	uint8_t *u = net->dgram;
	size_t ulen = 8 + len;
	uint16_t sum;
	int rc;

	if (len > VX_IP_MAX_PAYLOAD - 8)
		return VX_E_TOOBIG;
	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, (uint16_t)ulen);
	put16(u + 6, 0);
	if (len)
		memcpy(u + 8, buf, len);
	sum = vx_cksum_fold(
	    vx_cksum_add(vx_cksum_pseudo4(src, dst, IP_PROTO_UDP, (uint16_t)ulen), u, ulen));
	put16(u + 6, sum ? sum : 0xffff);
	rc = ip4_output_src(net, src, dst, IP_PROTO_UDP, u, ulen);
	if (rc == VX_OK)
		NETC(net, UDP_OUT);
	return rc;
}

int vx_net_udp_open(struct vx_net *net, uint16_t port)
{
	int sock = -1;

	if (!net)
		return VX_E_INVAL;
	for (int i = 0; i < VX_UDP_SOCKETS && sock < 0; i++)
		if (!net->udp[i].used)
			sock = i;
	if (sock < 0)
		return VX_E_FULL;
	if (port && port_owner(net, port) >= 0)
		return VX_E_EXISTS;
	/* Fewer sockets than ephemeral ports: VX_UDP_SOCKETS + 1 tries find one. */
	for (int tries = 0; !port && tries <= VX_UDP_SOCKETS; tries++) {
		uint16_t p = net->next_ephemeral;

		net->next_ephemeral = p == VX_UDP_EPHEMERAL_HI ? VX_UDP_EPHEMERAL_LO : p + 1;
		if (port_owner(net, p) < 0)
			port = p;
	}
	if (!port)
		return VX_E_FULL;
	struct vx_udp_sock *s = &net->udp[sock];

	s->used = true;
	s->port = port;
	s->has_err = false;
	s->nq = 0;
	s->qbytes = 0;
	return sock;
}

int vx_net_udp_port(const struct vx_net *net, int sock)
{
	if (!net || sock < 0 || sock >= VX_UDP_SOCKETS || !net->udp[sock].used)
		return VX_E_INVAL;
	return net->udp[sock].port;
}

int vx_net_udp_close(struct vx_net *net, int sock)
{
	struct vx_udp_sock *s = sock_get(net, sock);

	if (!s)
		return VX_E_INVAL;
	s->used = false;
	return VX_OK;
}

int vx_net_udp_sendto(struct vx_net *net, int sock, const uint8_t dst[4], uint16_t dport,
		      const void *buf, size_t len)
{
	struct vx_udp_sock *s = sock_get(net, sock);
	int rc;

	if (!s || !dst || dport == 0 || (!buf && len))
		return VX_E_INVAL;
	if (!net_configured(net))
		return VX_E_STATE;
	rc = udp_send(net, net->ip, s->port, dst, dport, buf, len);
	return rc < 0 ? rc : (int)len;
}

int vx_net_udp_recvfrom(struct vx_net *net, int sock, void *buf, size_t cap, uint8_t src[4],
			uint16_t *sport)
{
	struct vx_udp_sock *s = sock_get(net, sock);

	if (!s || (!buf && cap))
		return VX_E_INVAL;
	if (s->nq == 0)
		return VX_E_EMPTY;
	struct vx_udp_dgram d = s->q[0];

	if (cap < d.len)
		return VX_E_TOOBIG;
	memcpy(buf, s->buf, d.len);
	if (src)
		memcpy(src, d.src, 4);
	if (sport)
		*sport = d.sport;
	memmove(s->buf, s->buf + d.len, s->qbytes - d.len);
	s->qbytes = (uint16_t)(s->qbytes - d.len);
	s->nq--;
	for (int i = 0; i < s->nq; i++) {
		s->q[i] = s->q[i + 1];
		s->q[i].off = (uint16_t)(s->q[i].off - d.len);
	}
	return d.len;
}

int vx_net_udp_error(struct vx_net *net, int sock, struct vx_net_icmp_err *err)
{
	struct vx_udp_sock *s = sock_get(net, sock);

	if (!s || !err)
		return VX_E_INVAL;
	if (!s->has_err)
		return VX_E_EMPTY;
	*err = s->err;
	s->has_err = false;
	return VX_OK;
}
