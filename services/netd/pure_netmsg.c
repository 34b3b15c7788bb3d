/* SPDX-License-Identifier: BSD-3-Clause */
/* netd's request decoder; see pure_netmsg.h. */
#include <stdbool.h>

#include "vectra/abi.h"
#include "vx_string.h"
#include "net/addr.h"
#include "pure_netmsg.h"

static bool zero4(const uint8_t a[4])
{
	return (a[0] | a[1] | a[2] | a[3]) == 0;
}

/* NET_SOCKET's fields, each kind's own. */
static int socket_check(const struct net_socket_req *q)
{
	if (q->reserved0 || (q->kind != NET_SOCK_UDP && q->peer_port))
		return VX_E_INVAL;
	switch (q->kind) {
	case NET_SOCK_TCP:
		if (!vx_ip_unicast(q->addr) || q->port == 0 || q->backlog || q->timeout_ms == 0 ||
		    q->timeout_ms > NET_CONNECT_TIMEOUT_MAX_MS)
			return VX_E_INVAL;
		return VX_OK;
	case NET_SOCK_LISTEN:
		if (!zero4(q->addr) || q->port == 0 || q->timeout_ms || q->backlog == 0 ||
		    q->backlog > NET_BACKLOG_MAX)
			return VX_E_INVAL;
		return VX_OK;
	case NET_SOCK_UDP:
		if (q->timeout_ms || q->backlog)
			return VX_E_INVAL;
		if (zero4(q->addr))
			return q->peer_port == 0 ? VX_OK : VX_E_INVAL; /* a port without a peer */
		return vx_ip_unicast(q->addr) && q->peer_port ? VX_OK : VX_E_INVAL;
	}
	return VX_E_INVAL;
}

int net_decode(const struct vx_msg *m, struct net_req *r)
{
	memset(r, 0, sizeof(*r));
	r->op = m->op;
	if (m->op < NET_INFO || m->op > NET_CANCEL)
		return VX_E_NOSYS;
	if (m->ncaps != 0 || m->len > VX_MSG_DATA)
		return VX_E_INVAL;
	switch (m->op) {
	case NET_INFO:
		return m->len == 0 ? VX_OK : VX_E_INVAL;
	case NET_COUNTERS:
	case NET_ARP:
	case NET_TCP:
		return vx_msg_first(m, &r->first);
	case NET_PING:
		if (m->len != sizeof(r->ping))
			return VX_E_INVAL;
		memcpy(&r->ping, m->data, sizeof(r->ping));
		if (r->ping.reserved != 0 || !vx_ip_unicast(r->ping.addr) ||
		    r->ping.len > NET_PING_DATA_MAX || r->ping.timeout_ms == 0 ||
		    r->ping.timeout_ms > NET_PING_TIMEOUT_MAX_MS)
			return VX_E_INVAL;
		return VX_OK;
	case NET_SOCKET:
		if (m->len != sizeof(r->sock))
			return VX_E_INVAL;
		memcpy(&r->sock, m->data, sizeof(r->sock));
		return socket_check(&r->sock);
	case NET_ACCEPT:
		if (m->len != sizeof(r->accept))
			return VX_E_INVAL;
		memcpy(&r->accept, m->data, sizeof(r->accept));
		return r->accept.timeout_ms <= NET_ACCEPT_TIMEOUT_MAX_MS ? VX_OK : VX_E_INVAL;
	case NET_CLOSE:
		if (m->len != sizeof(r->close))
			return VX_E_INVAL;
		memcpy(&r->close, m->data, sizeof(r->close));
		return r->close.how <= NET_CLOSE_ABORT ? VX_OK : VX_E_INVAL;
	case NET_CANCEL:
		if (m->len != sizeof(r->cancel))
			return VX_E_INVAL;
		memcpy(&r->cancel, m->data, sizeof(r->cancel));
		return r->cancel.reserved == 0 ? VX_OK : VX_E_INVAL;
	}
	return VX_E_NOSYS;
}

bool net_parse_config(const char *args, struct net_config *cfg)
{
	char w[24];
	const char *p = args ? args : "";
	size_t n = 0;

	memset(cfg, 0, sizeof(*cfg));
	cfg->how = NET_HOW_DHCP;
	while (*p == ' ')
		p++;
	if (*p == 0 || strcmp(p, "dhcp") == 0 || strcmp(p, "netd") == 0)
		return true;
	if (strncmp(p, "static ", 7) != 0)
		return false;
	for (p += 7; *p == ' '; p++)
		;
	while (*p && *p != ' ' && n + 1 < sizeof(w))
		w[n++] = *p++;
	w[n] = 0;
	while (*p == ' ')
		p++;
	struct net_config c = {.how = NET_HOW_STATIC};
	if (!vx_cidr_parse(w, c.addr, c.mask) || !vx_ip_unicast(c.addr))
		return false;
	if (*p) {
		if (!vx_ip_parse(p, c.gw) || !vx_ip_unicast(c.gw))
			return false;
		c.has_gw = true;
	}
	*cfg = c;
	return true;
}

int net_parse_grant(const char *text, size_t len, struct net_grant *g)
{
	static const char listen_dot[] = "listen.";
	const size_t ld = sizeof(listen_dot) - 1;

	memset(g, 0, sizeof(*g));
	if (len == 0) {
		g->may = NET_GRANT_ALL;
		return VX_OK;
	}
	if (len == 7 && memcmp(text, "connect", 7) == 0) {
		g->may = NET_GRANT_CONNECT;
		return VX_OK;
	}
	if (len == 3 && memcmp(text, "udp", 3) == 0) {
		g->may = NET_GRANT_UDP;
		return VX_OK;
	}
	if (len == 6 && memcmp(text, "listen", 6) == 0) {
		g->may = NET_GRANT_LISTEN;
		return VX_OK;
	}
	if (len <= ld || len > ld + 5 || memcmp(text, listen_dot, ld) != 0 || text[ld] == '0')
		return VX_E_INVAL;
	uint32_t port = 0;
	for (size_t i = ld; i < len; i++) {
		if (text[i] < '0' || text[i] > '9')
			return VX_E_INVAL;
		port = port * 10 + (uint32_t)(text[i] - '0');
	}
	if (port == 0 || port > 65535)
		return VX_E_INVAL;
	g->may = NET_GRANT_LISTEN;
	g->listen_port = (uint16_t)port;
	return VX_OK;
}

int net_grant_check(const struct net_grant *g, const struct net_req *r)
{
	if (g->may == NET_GRANT_ALL)
		return VX_OK;
	switch (r->op) {
	case NET_INFO:
	case NET_CLOSE:
	case NET_CANCEL:
		return VX_OK;
	case NET_PING:
		return (g->may & NET_GRANT_CONNECT) ? VX_OK : VX_E_RIGHTS;
	case NET_ACCEPT:
		return (g->may & NET_GRANT_LISTEN) ? VX_OK : VX_E_RIGHTS;
	case NET_SOCKET:
		switch (r->sock.kind) {
		case NET_SOCK_TCP:
			return (g->may & NET_GRANT_CONNECT) ? VX_OK : VX_E_RIGHTS;
		case NET_SOCK_UDP:
			return (g->may & NET_GRANT_UDP) &&
				       (r->sock.port == 0 || r->sock.port >= NET_GRANT_UDP_PORT_MIN)
				   ? VX_OK
				   : VX_E_RIGHTS;
		case NET_SOCK_LISTEN:
			if (!(g->may & NET_GRANT_LISTEN))
				return VX_E_RIGHTS;
			return g->listen_port == 0 || g->listen_port == r->sock.port ? VX_OK
										     : VX_E_RIGHTS;
		}
		return VX_E_RIGHTS;
	}
	return VX_E_RIGHTS; /* the tables */
}
