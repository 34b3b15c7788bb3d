/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TEMPORARY STAND-IN, branch `http` only: every call fails with
 * VX_E_NOSYS so that the shell and httpd link before the real socket
 * client (the lead's lib/client/sock.c) lands in main.  At the merge the
 * real file replaces this one whole.
 */
#include "client/sock.h"

int vx_sock_connect(struct vx_sock *s, struct vx_client *net, const uint8_t addr[4], uint16_t port,
		    uint32_t timeout_ms, uint64_t va, uint32_t bit, uint64_t deadline)
{
	(void)s, (void)net, (void)addr, (void)port, (void)timeout_ms, (void)va, (void)bit;
	(void)deadline;
	return VX_E_NOSYS;
}

int vx_sock_listen(struct vx_sock *l, struct vx_client *net, uint16_t port, unsigned backlog,
		   uint64_t deadline)
{
	(void)l, (void)net, (void)port, (void)backlog, (void)deadline;
	return VX_E_NOSYS;
}

int vx_sock_accept(struct vx_sock *l, struct vx_sock *s, uint64_t va, uint32_t bit,
		   uint64_t deadline)
{
	(void)l, (void)s, (void)va, (void)bit, (void)deadline;
	return VX_E_NOSYS;
}

int vx_sock_udp(struct vx_sock *s, struct vx_client *net, uint16_t port, const uint8_t peer[4],
		uint16_t peer_port, uint64_t va, uint32_t bit, uint64_t deadline)
{
	(void)s, (void)net, (void)port, (void)peer, (void)peer_port, (void)va, (void)bit;
	(void)deadline;
	return VX_E_NOSYS;
}

long vx_sock_send(struct vx_sock *s, const void *p, size_t n, uint64_t deadline)
{
	(void)s, (void)p, (void)n, (void)deadline;
	return VX_E_NOSYS;
}

long vx_sock_recv(struct vx_sock *s, void *p, size_t n, uint64_t deadline)
{
	(void)s, (void)p, (void)n, (void)deadline;
	return VX_E_NOSYS;
}

int vx_sock_recv_all(struct vx_sock *s, void *p, size_t n, uint64_t deadline)
{
	(void)s, (void)p, (void)n, (void)deadline;
	return VX_E_NOSYS;
}

int vx_sock_sendto(struct vx_sock *s, const void *p, size_t n, const uint8_t addr[4], uint16_t port,
		   uint64_t deadline)
{
	(void)s, (void)p, (void)n, (void)addr, (void)port, (void)deadline;
	return VX_E_NOSYS;
}

long vx_sock_recvfrom(struct vx_sock *s, void *p, size_t n, uint8_t from[4], uint16_t *from_port,
		      uint64_t deadline)
{
	(void)s, (void)p, (void)n, (void)from, (void)from_port, (void)deadline;
	return VX_E_NOSYS;
}

int vx_sock_shutdown(struct vx_sock *s, uint64_t deadline)
{
	(void)s, (void)deadline;
	return VX_E_NOSYS;
}

bool vx_sock_readable(struct vx_sock *s)
{
	(void)s;
	return false;
}

int vx_sock_close(struct vx_sock *s, bool abort, uint64_t deadline)
{
	(void)s, (void)abort, (void)deadline;
	return VX_OK;
}
