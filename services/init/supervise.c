/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Supervision: starting a service with exactly the capabilities its
 * manifest entry grants, and deciding what happens when it stops.
 *
 * Every service lives in a Reticle of its own, and is supervised on a
 * bit of its own.  What raises the bit, how a stale one is told apart,
 * and the restart policy with its back-off are described once, at the top
 * of include/vectra/proto/init.h; this file is that text in code.
 */
#include "init.h"
#include "vx_string.h"

static uint64_t reticle_bytes(const struct mf_service *mf)
{
	uint64_t n = mf->memory;

	for (uint32_t g = 0; g < mf->ngrant; g++)
		if (mf->grant[g].kind == MF_RETICLE)
			n += mf->grant[g].a + 2 * 4096; /* and its record */
	return n;
}

/* Once per service: its Reticle, its port (if it serves) and its
 * supervision bit. */
int svc_setup(int i)
{
	struct svc *s = &init.svc[i];
	char what[MF_NAME_MAX + 16];
	int64_t r;

	s->mf = &init.mf.svc[i];
	s->bit = 1ull << (SERVICE_BIT0 + i);
	vx_snprintf(what, sizeof(what), "%s's Reticle", s->mf->name);
	if ((r = ram_split(reticle_bytes(s->mf), what)) < 0)
		return (int)r;
	s->ret = (vx_handle_t)r;
	if (s->mf->serve[0]) {
		/* An attached port carries one record per pair in its slots
		 * (rt/svc.h, ATTACHED PORTS); a plain one's slots are unused. */
		uint64_t arg = s->mf->attached ? VX_SVC_RING_ARG : VX_RING_ARG(6, 0);
		if ((r = vx_reticle_retype(init.pool, VX_OBJ_RING, arg)) < 0)
			return (int)r;
		s->port = (vx_handle_t)r;
	}
	if (s->mf->attached) {
		uint64_t va = INIT_REC_VA + (uint64_t)i * VX_SVC_CONN_SPAN;
		if ((r = vx_ring_bind(s->port, VX_RING_PRODUCER, va, INIT_REC_BIT, &s->rec_info)) <
			0 ||
		    (r = vx_ring_init(&s->rec, &s->rec_info, s->port)) < 0)
			return (int)r;
	}
	return VX_OK;
}

/* Adds one slot, reporting a refusal (which the manifest check should have
 * made impossible). */
static int add(vx_handle_t bundle, const char *slot, vx_handle_t h, uint32_t rights)
{
	int64_t rc = vx_bundle_add(bundle, slot, strlen(slot), h, rights);

	if (rc < 0)
		say("init: cannot grant %s: %s\n", slot, vx_strerror((int)rc));
	return (int)rc;
}

/* Puts h (a capability init made for this grant) in the Bundle and drops
 * init's copy: the Bundle's is the service's, and init's table of 255
 * slots is the broker's limit. */
static int add_own(vx_handle_t bundle, const char *slot, int64_t h, uint32_t rights)
{
	if (h < 0)
		return (int)h;
	int rc = add(bundle, slot, (vx_handle_t)h, rights);
	vx_cap_delete((vx_handle_t)h);
	return rc;
}

/* Puts a derived capability in the Bundle and drops init's copy. */
static int add_derived(vx_handle_t bundle, const char *slot, vx_handle_t from, uint32_t rights,
		       uint64_t narrow)
{
	return add_own(bundle, slot, vx_cap_derive(from, rights | VX_R_GRANT, narrow), rights);
}

/* "grant SLOT = boot NAME": one of boot's device capabilities, as init
 * holds it (every right a driver manager needs; the Pci capability's
 * VX_R_WRITE, which lets it ask for unconfined DMA, only with "dma
 * unconfined").  "mmio" is every mmioN boot made, as SLOT0, SLOT1, ... */
static int add_boot(const struct vx_spawn *sp, const struct mf_grant *g, bool unconfined)
{
	char name[VX_BUNDLE_NAME_MAX], slot[VX_BUNDLE_NAME_MAX];
	int64_t h;
	int rc = VX_OK;

	if (strcmp(g->boot, "mmio") == 0) {
		for (unsigned i = 0; i < 8 && rc == VX_OK; i++) {
			vx_snprintf(name, sizeof(name), "mmio%u", i);
			vx_snprintf(slot, sizeof(slot), "%s%u", g->slot, i);
			if ((h = vx_bundle_handle(init.boot, name, VX_OBJ_RETICLE)) >= 0)
				rc = add(sp->bundle, slot, (vx_handle_t)h, VX_R_ALL);
		}
		return rc;
	}
	if (strcmp(g->boot, "pci") == 0) {
		if ((h = vx_bundle_handle(init.boot, "pci", VX_OBJ_PCI)) < 0)
			return (int)h;
		return add(sp->bundle, g->slot, (vx_handle_t)h,
			   VX_R_CONTROL | VX_R_GRANT | (unconfined ? VX_R_WRITE : 0));
	}
	if (strcmp(g->boot, "msi") == 0) {
		if ((h = vx_bundle_handle(init.boot, "msi", VX_OBJ_IRQ)) < 0)
			return (int)h;
		return add(sp->bundle, g->slot, (vx_handle_t)h, VX_R_CONTROL | VX_R_GRANT);
	}
	if ((h = vx_bundle_handle(init.boot, g->boot, VX_OBJ_RETICLE)) < 0) {
		say("init: no boot capability '%s' on this machine\n", g->boot);
		return (int)h;
	}
	return add(sp->bundle, g->slot, (vx_handle_t)h, VX_R_ALL);
}

static int add_grant(struct svc *s, const struct vx_spawn *sp, const struct mf_grant *g)
{
	switch (g->kind) {
	case MF_IOPORT:
		return add_derived(sp->bundle, g->slot, init.io, g->rights, g->a | (g->b << 32));
	case MF_IRQ: {
		int64_t irqs = vx_bundle_handle(init.boot, "irqs", VX_OBJ_IRQ);
		int rc;
		if (irqs < 0)
			return (int)irqs;
		rc = add_derived(sp->bundle, g->slot, (vx_handle_t)irqs, VX_R_CONTROL,
				 g->a | (1ull << 32));
		if (rc < 0)
			return rc;
		/* The bit its interrupts will raise: a Signal cap naming it. */
		return add_own(sp->bundle, "irqsig", vx_sig_mint(sp->task, 1ull << IRQSIG_BIT),
			       VX_R_GRANT | VX_R_CONTROL);
	}
	case MF_RETICLE:
		/* The service's own Reticle, reset at its end, takes the part
		 * back: init needs no copy. */
		return add_own(sp->bundle, g->slot, vx_reticle_split(s->ret, g->a), VX_R_ALL);
	case MF_BOOTIMG:
		return add(sp->bundle, g->slot, init.bootimg_h, VX_R_READ | VX_R_GRANT);
	case MF_SELF:
		return add(sp->bundle, g->slot, sp->task, VX_R_CONTROL | VX_R_READ);
	case MF_BOOT:
		return add_boot(sp, g, s->mf->dma_unconfined);
	default:
		return VX_E_INVAL;
	}
}

/* Makes init the supervisor of task, woken on bit: the Signal cap goes into the
 * kernel's record of the Task (TASK_SUPERVISE copies it), so init mints
 * it for the call and keeps no copy: a handle slot a service saved (init's
 * table of 255 is the broker's limit). */
static int supervise(vx_handle_t task, uint64_t bit)
{
	int64_t sig = vx_sig_mint(init.self, bit);

	if (sig < 0)
		return (int)sig;
	int rc = (int)vx_task_supervise(task, (vx_handle_t)sig);
	vx_cap_delete((vx_handle_t)sig);
	return rc;
}

static int fill_bundle(int i, const struct vx_spawn *sp)
{
	struct svc *s = &init.svc[i];
	char slot[VX_BUNDLE_NAME_MAX];
	int rc;

	for (uint32_t g = 0; g < s->mf->ngrant; g++)
		if ((rc = add_grant(s, sp, &s->mf->grant[g])) < 0)
			return rc;
	if (s->port && (rc = add(sp->bundle, "port", s->port, VX_R_CONSUME)) < 0)
		return rc;
	for (int c = 0; c < MAX_CONNS; c++) {
		struct broker_conn *cn = &init.conn[c];
		if (!cn->used || cn->client != i)
			continue;
		vx_snprintf(slot, sizeof(slot), "%s.req", cn->as);
		if ((rc = add(sp->bundle, slot, cn->req, VX_R_PRODUCE)) < 0)
			return rc;
		vx_snprintf(slot, sizeof(slot), "%s.rep", cn->as);
		if ((rc = add(sp->bundle, slot, cn->rep, VX_R_CONSUME)) < 0)
			return rc;
	}
	return VX_OK;
}

/* Starts service i's next life. */
int svc_start(int i)
{
	struct svc *s = &init.svc[i];
	struct vx_spawn sp = {.self = init.self, .reticle = s->ret};
	char path[MF_NAME_MAX + 8];
	const void *elf;
	size_t len;
	int rc;

	if (s->mf->attached)
		port_flush(i); /* records and pairs start in step with each life */
	vx_snprintf(path, sizeof(path), "bin/%s", s->mf->binary);
	if ((rc = vx_bootimg_find(init.bootimg, init.bootimg_len, path, &elf, &len)) != VX_OK) {
		say("init: %s: no program SYS:%s in the boot image\n", s->mf->name, path);
		s->state = INIT_STOPPED;
		return rc;
	}
	if ((rc = vx_spawn_load(&sp, elf, len, 16, s->mf->args[0] ? s->mf->args : s->mf->name)) <
		0 ||
	    (rc = fill_bundle(i, &sp)) < 0 || (rc = supervise(sp.task, s->bit)) < 0 ||
	    (rc = vx_spawn_start(&sp)) < 0) {
		say("init: cannot start %s: %s\n", s->mf->name, vx_strerror(rc));
		vx_reticle_reset(s->ret);
		s->state = INIT_STOPPED;
		return rc;
	}
	s->task = sp.task;
	s->state = INIT_RUNNING;
	s->started_ns = (uint64_t)vx_clock();
	return VX_OK;
}

/* Service i's supervision bit fired: it exited or faulted. */
void svc_stopped(int i)
{
	struct svc *s = &init.svc[i];
	struct vx_task_info ti;
	uint64_t now = (uint64_t)vx_clock();

	if (s->state != INIT_RUNNING || !vx_task_stopped(s->task, &ti))
		return; /* a stale bit: this life has not stopped */
	s->last_fault = ti.fault.kind;
	bool clean = ti.state == VX_TASK_EXITED && ti.fault.exit_code == 0;
	if (ti.state == VX_TASK_EXITED)
		say("init: %s exited with code %ld\n", s->mf->name, (long)ti.fault.exit_code);
	else
		say("init: %s stopped by a %s at address 0x%lx (instruction 0x%lx)\n", s->mf->name,
		    vx_fault_name(ti.fault.kind), (unsigned long)ti.fault.addr,
		    (unsigned long)ti.fault.ip);
	vx_reticle_reset(s->ret); /* every byte of that life, back at once */
	s->task = 0;
	if (s->mf->restart == MF_NEVER || (s->mf->restart == MF_ON_FAILURE && clean)) {
		s->state = INIT_STOPPED;
		say("init: %s will not be restarted (policy %s)\n", s->mf->name,
		    s->mf->restart == MF_NEVER ? "never" : "on-failure");
		return;
	}
	s->crashes = now - s->started_ns < CRASH_WINDOW_NS ? s->crashes + 1 : 1;
	if (s->crashes >= MAX_CRASHES) {
		s->state = INIT_GAVE_UP;
		say("init: %s stopped %u times in a row within %lu s of starting; giving up on "
		    "it\n",
		    s->mf->name, s->crashes, (unsigned long)(CRASH_WINDOW_NS / (1000 * MS)));
		return;
	}
	uint64_t backoff = (10 * MS) << (s->crashes - 1);
	if (backoff > 1000 * MS)
		backoff = 1000 * MS;
	s->state = INIT_RESTARTING;
	s->restart_at = now + backoff;
	s->restarts++;
	say("init: restarting %s in %lu ms (restart %u)\n", s->mf->name,
	    (unsigned long)(backoff / MS), s->restarts);
}

/* Starts every service whose back-off has passed; *next is lowered to the
 * next pending restart. */
void svc_restart_due(uint64_t now, uint64_t *next)
{
	for (uint32_t i = 0; i < init.mf.n; i++) {
		struct svc *s = &init.svc[i];
		if (s->state != INIT_RESTARTING)
			continue;
		if (s->restart_at <= now)
			svc_start((int)i);
		else if (s->restart_at < *next)
			*next = s->restart_at;
	}
}

/* Stops service i for good. */
int svc_kill(int i)
{
	struct svc *s = &init.svc[i];

	if (s->state != INIT_RUNNING && s->state != INIT_RESTARTING)
		return VX_E_STATE;
	/* "always" is the manifest's word that the machine needs it (the
	 * console, the shell): stopping it for good would leave no way to
	 * type anything.  INIT_CRASH restarts it instead. */
	if (s->mf->restart == MF_ALWAYS)
		return VX_E_BUSY;
	vx_reticle_reset(s->ret);
	s->task = 0;
	s->state = INIT_STOPPED;
	say("init: %s killed on request\n", s->mf->name);
	return VX_OK;
}

/* Service i, stopped (killed, given up on, or stopped under its policy),
 * starts again on request, its count of stops in a row back at 0. */
int svc_start_again(int i)
{
	struct svc *s = &init.svc[i];

	if (s->state == INIT_RUNNING || s->state == INIT_RESTARTING)
		return VX_E_STATE;
	s->crashes = 0;
	say("init: starting %s on request\n", s->mf->name);
	return svc_start(i);
}

/* Fault injection: service i is made to jump to address 0, so it faults
 * exactly as a bug would make it, and supervision takes its course. */
int svc_crash(int i)
{
	struct svc *s = &init.svc[i];
	int64_t rc;

	if (s->state != INIT_RUNNING)
		return VX_E_STATE;
	if ((rc = vx_task_halt(s->task)) < 0 || (rc = vx_task_set_regs(s->task, 0, 0, 0)) < 0 ||
	    (rc = vx_task_resume(s->task)) < 0)
		return (int)rc;
	say("init: crashing %s on request (it will fault at address 0)\n", s->mf->name);
	return VX_OK;
}
