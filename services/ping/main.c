/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ping: the client half of the boot demo.  It sends numbered requests to
 * pong over the "requests" Ring, waits for each reply on "replies", and once
 * hands pong a page of memory (a MemCap through the Ring, zero copy).  A
 * request without a reply in time is sent again: pong may be restarting.
 *
 * Bundle: console (IoPort), requests (Ring, produce), replies (Ring,
 * consume), self (Task: to map its rings and the page), ret (Reticle: to
 * make the page).
 */
#include "rt/vx.h"
#include "../common/pingpong.h"

#define ROUNDS 5
#define MS     1000000ull

static struct vx_ring req, rep;

static int bind(const struct vx_bundle_page *b, const char *name, uint32_t role, uint64_t va,
		uint32_t bit, struct vx_ring *r)
{
	struct vx_ring_info info;
	int64_t h = vx_bundle_handle(b, name, VX_OBJ_RING);

	if (h < 0 || vx_ring_bind((vx_handle_t)h, role, va, bit, &info) < 0)
		return -1;
	return vx_ring_init(r, &info, (vx_handle_t)h);
}

/* Sends m and waits for the matching reply, re-sending every 200 ms. */
static int call(struct pp_msg *m)
{
	struct pp_msg reply;
	size_t len;

	for (int attempt = 0; attempt < 50; attempt++) {
		if (attempt == 0 || m->kind == PP_PING) {
			if (vx_ring_send_wait(&req, m, sizeof(*m), VX_DEADLINE_NEVER) < 0)
				return -1;
		}
		if (attempt > 0)
			vx_printf("ping: no answer to #%u yet, asking again\n", m->seq);
		uint64_t deadline = (uint64_t)vx_clock() + 200 * MS;
		while (vx_ring_recv_wait(&rep, &reply, sizeof(reply), &len, deadline) == VX_OK) {
			if (reply.kind == PP_PONG && reply.seq == m->seq) {
				vx_printf("ping: reply #%u: \"%s\"\n", reply.seq, reply.text);
				return 0;
			}
		}
	}
	return -1;
}

/* Makes a page, writes a greeting in it and hands it to pong. */
static int send_page(const struct vx_bundle_page *b, uint32_t seq)
{
	int64_t self = vx_bundle_handle(b, "self", VX_OBJ_TASK);
	int64_t ret = vx_bundle_handle(b, "ret", VX_OBJ_RETICLE);
	int64_t mem = ret < 0 ? ret : vx_reticle_retype((vx_handle_t)ret, VX_OBJ_MEM, 1);
	struct pp_msg m = {.kind = PP_MEM, .seq = seq};

	if (self < 0 || mem < 0 ||
	    vx_task_map((vx_handle_t)self, (vx_handle_t)mem, PP_MEM_VA,
			VX_PROT_READ | VX_PROT_WRITE) < 0)
		return -1;
	vx_snprintf((char *)PP_MEM_VA, 4096, "a whole page from ping, handed over without a copy");
	vx_task_unmap((vx_handle_t)mem);
	int64_t x = vx_ring_send_cap(req.handle, (vx_handle_t)mem, VX_R_READ | VX_R_GRANT);
	if (x < 0)
		return -1;
	m.xfer = (uint64_t)x;
	vx_snprintf(m.text, sizeof(m.text), "see the page I passed you");
	vx_printf("ping: passing a MemCap to pong through the ring\n");
	return call(&m);
}

int main(const struct vx_bundle_page *b, const char *args)
{
	(void)args;
	vx_print_init((vx_handle_t)vx_bundle_handle(b, "console", VX_OBJ_IOPORT));
	if (bind(b, "requests", VX_RING_PRODUCER, PP_REQ_VA, PP_BIT_REQ, &req) < 0 ||
	    bind(b, "replies", VX_RING_CONSUMER, PP_REP_VA, PP_BIT_REP, &rep) < 0) {
		vx_printf("ping: my bundle does not hold the rings I need\n");
		return 2;
	}
	vx_printf("ping: started; my bundle holds %u capabilities\n", b->count);
	for (uint32_t seq = 1; seq <= ROUNDS; seq++) {
		struct pp_msg m = {.kind = PP_PING, .seq = seq};
		vx_snprintf(m.text, sizeof(m.text), "ping #%u", seq);
		if (call(&m) < 0) {
			vx_printf("ping: pong never answered #%u\n", seq);
			return 1;
		}
	}
	if (send_page(b, ROUNDS + 1) < 0) {
		vx_printf("ping: could not hand over the page\n");
		return 1;
	}
	vx_printf("ping: %u round trips done, exiting\n", ROUNDS + 1);
	return 0;
}
