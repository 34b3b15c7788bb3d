/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * init: the root Task of a normal boot.
 *
 * The kernel hands init every boot capability in its Bundle.  init starts
 * the services of the boot image, each with least authority, and
 * supervises them: a service that faults is reported and restarted from a
 * clean Reticle, with a growing back-off; one that keeps failing is given
 * up on.
 *
 * Today the services are the ping/pong demo: two Tasks connected by a pair
 * of Rings, one of which carries a MemCap from ping to pong.  pong's first
 * life has a planted bug, so the restart path runs on every boot.
 */
#include "rt/vx.h"
#include "rt/spawn.h"
#include "vx_string.h"

#define MS		1000000ull
#define SERVICE_RETICLE (2ull << 20)
#define MAX_RESTARTS	3
#define BOOTIMG_VA	0x20000000ull

struct service {
	const char *name;
	const char *first_args; /* args of the first life; later lives get "" */
	uint64_t bit;		/* supervision bit in init's signal mask */
	vx_handle_t ret;	/* the Reticle that pays for it */
	vx_handle_t task;
	vx_handle_t sig; /* Signal cap for bit, given to the kernel as supervisor */
	unsigned restarts;
	int done;
	struct {
		const char *slot;
		vx_handle_t cap;
		uint32_t rights;
	} grants[6];
};

static vx_handle_t self, ram0, console;
static const void *bootimg;
static size_t bootimg_len;

static const char *fault_name(uint32_t kind)
{
	static const char *const names[] = {
	    "none",	      "exit",	      "page fault", "general protection",
	    "invalid opcode", "divide error", "exception",  "killed"};
	return kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

/* Builds the service in its own Reticle and starts it with exactly the
 * capabilities its grants name. */
static int start(struct service *s, const char *args)
{
	const void *elf;
	size_t len;
	struct vx_spawn sp = {.self = self, .reticle = s->ret};
	char path[48];
	int rc;

	vx_snprintf(path, sizeof(path), "bin/%s", s->name);
	if ((rc = vx_bootimg_find(bootimg, bootimg_len, path, &elf, &len)) != VX_OK) {
		vx_printf("init: '%s' is not in the boot image (%d)\n", s->name, rc);
		return rc;
	}
	if ((rc = vx_spawn_load(&sp, elf, len, 8, args)) < 0) {
		vx_printf("init: cannot load '%s' (%d)\n", s->name, rc);
		return rc;
	}
	/* Its own Task cap, so that it can map its ring ends and pages. */
	if ((rc = (int)vx_bundle_add(sp.bundle, "self", 4, sp.task, VX_R_CONTROL | VX_R_READ)) < 0)
		return rc;
	for (unsigned i = 0; i < 6 && s->grants[i].slot; i++) {
		rc = (int)vx_bundle_add(sp.bundle, s->grants[i].slot, strlen(s->grants[i].slot),
					s->grants[i].cap, s->grants[i].rights);
		if (rc < 0) {
			vx_printf("init: cannot grant %s to %s (%d)\n", s->grants[i].slot, s->name,
				  rc);
			return rc;
		}
	}
	if ((rc = (int)vx_task_supervise(sp.task, s->sig)) < 0 || (rc = vx_spawn_start(&sp)) < 0)
		return rc;
	s->task = sp.task;
	return VX_OK;
}

/* A service stopped: report it, and restart it unless it exited cleanly or
 * has failed too often. */
static void on_stop(struct service *s)
{
	struct vx_task_info ti;

	if (vx_task_inspect(s->task, &ti) < 0)
		return;
	if (ti.state == VX_TASK_EXITED && ti.fault.exit_code == 0) {
		vx_printf("init: %s finished its work and exited cleanly\n", s->name);
		vx_printf("init: demo complete. pong keeps serving and I keep supervising; "
			  "press Ctrl-A X to leave QEMU.\n");
		s->done = 1;
	} else {
		if (ti.state == VX_TASK_EXITED)
			vx_printf("init: %s exited with code %ld\n", s->name,
				  (long)ti.fault.exit_code);
		else
			vx_printf("init: %s FAULTED: %s at address 0x%lx (instruction 0x%lx); the "
				  "kernel halted it and told me\n",
				  s->name, fault_name(ti.fault.kind), (unsigned long)ti.fault.addr,
				  (unsigned long)ti.fault.ip);
		if (s->restarts >= MAX_RESTARTS) {
			vx_printf("init: %s failed %u times; giving up on it\n", s->name,
				  s->restarts + 1);
			s->done = 1;
		} else {
			uint64_t backoff = (10ull << s->restarts) * MS;
			s->restarts++;
			vx_printf("init: restarting %s in %lu ms (restart %u of %u), from a clean "
				  "Reticle\n",
				  s->name, (unsigned long)(backoff / MS), s->restarts,
				  MAX_RESTARTS);
			vx_sig_wait(0, (uint64_t)vx_clock() + backoff);
		}
	}
	/* Everything the old life used goes back to the Reticle in one step. */
	vx_reticle_reset(s->ret);
	if (!s->done && start(s, "") < 0)
		s->done = 1;
}

static int setup_rings(vx_handle_t *req, vx_handle_t *rep)
{
	int64_t a = vx_reticle_retype(ram0, VX_OBJ_RING, VX_RING_ARG(6, 4));
	int64_t b = vx_reticle_retype(ram0, VX_OBJ_RING, VX_RING_ARG(6, 4));

	if (a < 0 || b < 0)
		return -1;
	*req = (vx_handle_t)a;
	*rep = (vx_handle_t)b;
	return 0;
}

int main(const struct vx_bundle_page *bundle, const char *args)
{
	const struct vx_bundle_entry *img;
	vx_handle_t req, rep;
	(void)args;

	console = (vx_handle_t)vx_bundle_handle(bundle, "ioports", VX_OBJ_IOPORT);
	vx_print_init(console);
	self = (vx_handle_t)vx_bundle_handle(bundle, "self", VX_OBJ_TASK);
	ram0 = (vx_handle_t)vx_bundle_handle(bundle, "ram0", VX_OBJ_RETICLE);
	vx_printf("init: hello. The kernel gave me %u capabilities:", bundle->count);
	for (uint32_t i = 0; i < bundle->count; i++)
		vx_printf(" %s", bundle->entry[i].name);
	vx_printf("\n");
	if (vx_bundle_find(bundle, "bootimg", VX_OBJ_MEM, &img) != VX_OK ||
	    vx_task_map(self, img->handle, BOOTIMG_VA, VX_PROT_READ) < 0 ||
	    vx_bootimg_check((const void *)BOOTIMG_VA, img->size) != VX_OK) {
		vx_printf("init: no usable boot image; nothing to start\n");
		return 1;
	}
	bootimg = (const void *)BOOTIMG_VA;
	bootimg_len = img->size;
	vx_printf("init: the boot image holds %d programs\n",
		  vx_bootimg_count(bootimg, bootimg_len));

	/* The console, narrowed to COM1's eight ports. */
	int64_t com1 = vx_cap_derive(console, VX_R_WRITE | VX_R_GRANT, 0x3f8 | (8ull << 32));
	if (com1 < 0 || setup_rings(&req, &rep) < 0) {
		vx_printf("init: cannot set up the demo\n");
		return 1;
	}
	vx_printf("init: made two Rings: 'requests' (ping -> pong) and 'replies' (pong -> ping)\n");

	struct service svc[2] = {
	    {.name = "pong", .first_args = "crash-after 3", .bit = 1ull << 5},
	    {.name = "ping", .first_args = "", .bit = 1ull << 6},
	};
	for (int i = 0; i < 2; i++) {
		struct service *s = &svc[i];
		int64_t r = vx_reticle_split(ram0, SERVICE_RETICLE);
		int64_t sig = vx_sig_mint(self, s->bit);
		if (r < 0 || sig < 0) {
			vx_printf("init: out of memory for %s\n", s->name);
			return 1;
		}
		s->ret = (vx_handle_t)r;
		s->sig = (vx_handle_t)sig;
	}
	/* Least authority: each gets the console, its two ring ends, itself
	 * (to map them); ping also a small Reticle to make the page it hands
	 * over. */
	svc[0].grants[0].slot = "console", svc[0].grants[0].cap = (vx_handle_t)com1;
	svc[0].grants[0].rights = VX_R_WRITE;
	svc[0].grants[1].slot = "requests", svc[0].grants[1].cap = req;
	svc[0].grants[1].rights = VX_R_CONSUME;
	svc[0].grants[2].slot = "replies", svc[0].grants[2].cap = rep;
	svc[0].grants[2].rights = VX_R_PRODUCE;
	svc[1].grants[0] = svc[0].grants[0];
	svc[1].grants[1].slot = "requests", svc[1].grants[1].cap = req;
	svc[1].grants[1].rights = VX_R_PRODUCE;
	svc[1].grants[2].slot = "replies", svc[1].grants[2].cap = rep;
	svc[1].grants[2].rights = VX_R_CONSUME;
	int64_t pingret = vx_reticle_split(ram0, 64 * 1024);
	svc[1].grants[3].slot = "ret", svc[1].grants[3].cap = (vx_handle_t)pingret;
	svc[1].grants[3].rights = VX_R_CONTROL;

	for (int i = 0; i < 2; i++) {
		vx_printf("init: starting %s%s\n", svc[i].name,
			  svc[i].first_args[0] ? " (its first life has a planted bug)" : "");
		if (start(&svc[i], svc[i].first_args) < 0)
			return 1;
	}

	/* Supervise: one wait per loop, on every service's bit. */
	for (;;) {
		uint64_t mask = 0;
		for (int i = 0; i < 2; i++)
			if (!svc[i].done)
				mask |= svc[i].bit;
		if (!mask)
			break;
		int64_t fired = vx_sig_wait(mask, VX_DEADLINE_NEVER);
		for (int i = 0; i < 2; i++)
			if (fired > 0 && ((uint64_t)fired & svc[i].bit))
				on_stop(&svc[i]);
	}
	vx_printf("init: all services have finished. VectraOS is idle; press Ctrl-A X to leave "
		  "QEMU.\n");
	return 0;
}
