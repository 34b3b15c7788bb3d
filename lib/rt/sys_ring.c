/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Blocking ring calls: the sleeping half of the protocol in vectra/ring.h
 * (the four corner cases).  The pure logic lives in ring.c.
 */
#include "rt/ring.h"
#include "rt/syscall.h"

int vx_ring_kick(struct vx_ring *r)
{
	int64_t rc;

	if (r->role != VX_RING_PRODUCER && r->role != VX_RING_CONSUMER)
		return VX_E_STATE; /* never bound: vx_ring_init did not fill it */
	if (!vx_ring_peer_waiting(r))
		return VX_OK;
	rc = vx_ring_notify(r->handle);
	return rc < 0 ? (int)rc : VX_OK;
}

/*
 * Sleeps until this side might make progress: flag, fence, re-check, wait,
 * clear.  Returns VX_OK to retry, or VX_E_TIMEOUT / VX_E_CORRUPT / a kernel
 * error.
 */
static int wait_ready(struct vx_ring *r, uint64_t deadline)
{
	int64_t fired = 1;
	int n;

	vx_ring_set_waiting(r, true);
	n = vx_ring_poll(r);
	if (n == 0)
		fired = vx_sig_wait(1ull << r->wake_bit, deadline);
	vx_ring_set_waiting(r, false);
	if (n < 0)
		return n;
	if (fired < 0)
		return (int)fired;
	if (fired == 0)
		return VX_E_TIMEOUT;
	return VX_OK;
}

int vx_ring_send_wait(struct vx_ring *r, const void *msg, size_t len, uint64_t deadline)
{
	for (;;) {
		int rc = vx_ring_try_send(r, msg, len);

		if (rc == VX_OK) {
			(void)vx_ring_kick(r); /* delivered; a failed doorbell changes nothing */
			return VX_OK;
		}
		if (rc != VX_E_FULL)
			return rc;
		rc = wait_ready(r, deadline);
		if (rc != VX_OK)
			return rc;
	}
}

int vx_ring_recv_wait(struct vx_ring *r, void *buf, size_t buflen, size_t *len_out,
		      uint64_t deadline)
{
	for (;;) {
		int rc = vx_ring_try_recv(r, buf, buflen, len_out);

		if (rc == VX_OK) {
			(void)vx_ring_kick(r); /* delivered; a failed doorbell changes nothing */
			return VX_OK;
		}
		if (rc != VX_E_EMPTY)
			return rc;
		rc = wait_ready(r, deadline);
		if (rc != VX_OK)
			return rc;
	}
}

int vx_ring_pair_make(vx_handle_t ret, uint32_t arg, vx_handle_t *a, vx_handle_t *b)
{
	int64_t x = vx_reticle_retype(ret, VX_OBJ_RING, arg);
	int64_t y = x < 0 ? x : vx_reticle_retype(ret, VX_OBJ_RING, arg);

	if (y < 0) {
		if (x >= 0)
			vx_cap_delete((vx_handle_t)x);
		return (int)y;
	}
	*a = (vx_handle_t)x;
	*b = (vx_handle_t)y;
	return VX_OK;
}

void vx_ring_drain(vx_handle_t ring, uint64_t va, uint32_t bit)
{
	struct vx_ring_info info;
	int64_t h;

	if (vx_ring_bind(ring, VX_RING_CONSUMER, va, bit, &info) == VX_OK) {
		vx_ring_reset(&info);
		vx_ring_unbind(ring);
	}
	/* VX_E_REVOKED consumed an emptied slot (a view revoked, an end the
	 * caller revoked): keep going until the queue is empty. */
	while ((h = vx_ring_recv_cap(ring)) >= 0 || h == VX_E_REVOKED)
		if (h >= 0)
			vx_cap_delete((vx_handle_t)h);
	vx_sig_wait(1ull << bit, VX_DEADLINE_NONE);
}
