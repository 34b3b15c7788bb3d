/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pong: the server half of the boot demo.  It serves requests from the
 * "requests" Ring and answers on "replies"; a PP_MEM request carries a
 * MemCap, which pong maps and reads in place.  With args "crash-after N" it
 * dereferences NULL on its Nth request, so that init's supervision can be
 * seen at work.
 *
 * Bundle: console (IoPort), requests (Ring, consume), replies (Ring,
 * produce), self (Task: to map its rings and received pages).
 */
#include "rt/vx.h"
#include "../common/pingpong.h"

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

static uint32_t crash_after(const char *args)
{
	const char *p = "crash-after ";
	uint32_t n = 0;

	for (; *p; p++, args++)
		if (*args != *p)
			return 0;
	while (*args >= '0' && *args <= '9')
		n = n * 10 + (uint32_t)(*args++ - '0');
	return n;
}

/* Maps a received page, prints what it says, and lets it go. */
static void read_page(vx_handle_t self)
{
	int64_t mem = vx_ring_recv_cap(req.handle);

	if (mem < 0 || vx_task_map(self, (vx_handle_t)mem, PP_MEM_VA, VX_PROT_READ) < 0) {
		vx_printf("pong: expected a MemCap but got none (%ld)\n", (long)mem);
		return;
	}
	vx_printf("pong: the page says: \"%s\"\n", (const char *)PP_MEM_VA);
	vx_cap_delete((vx_handle_t)mem);
}

int main(const struct vx_bundle_page *b, const char *args)
{
	uint32_t bug = crash_after(args), served = 0;
	int64_t self = vx_bundle_handle(b, "self", VX_OBJ_TASK);

	vx_print_init((vx_handle_t)vx_bundle_handle(b, "console", VX_OBJ_IOPORT));
	if (self < 0 || bind(b, "requests", VX_RING_CONSUMER, PP_REQ_VA, PP_BIT_REQ, &req) < 0 ||
	    bind(b, "replies", VX_RING_PRODUCER, PP_REP_VA, PP_BIT_REP, &rep) < 0) {
		vx_printf("pong: my bundle does not hold the rings I need\n");
		return 2;
	}
	vx_printf("pong: started%s, serving requests\n", bug ? " (with a planted bug)" : "");
	for (;;) {
		struct pp_msg m, r = {.kind = PP_PONG};
		size_t len;
		int rc = vx_ring_recv_wait(&req, &m, sizeof(m), &len, VX_DEADLINE_NEVER);
		if (rc < 0) {
			vx_printf("pong: the request ring is unusable (%d)\n", rc);
			return 1;
		}
		if (bug && ++served == bug) {
			vx_printf(
			    "pong: request #%u triggers my planted bug: writing through NULL\n",
			    m.seq);
			vx_print_flush();
			*(volatile int *)(uintptr_t)(served - bug) = 1;
		}
		if (m.kind == PP_MEM)
			read_page((vx_handle_t)self);
		r.seq = m.seq;
		vx_snprintf(r.text, sizeof(r.text), "pong #%u", m.seq);
		vx_ring_send_wait(&rep, &r, sizeof(r), VX_DEADLINE_NEVER);
	}
}
