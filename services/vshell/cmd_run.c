/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * run PROGRAM [ARG...] [with SLOT=CAPABILITY...]
 *
 * The steps, in order; the first four only check and look things up, so a
 * mistake costs nothing:
 *
 *   1. parse the line (pure_cmd.c); every CAPABILITY must be grantable
 *   2. ask nsd for SYS:bin/PROGRAM: a read-only MemCap of the boot image
 *      and where the program lies in it; map it at VA_PROGRAM
 *   3. note how many bytes "ret" has free
 *   4. split a child Reticle (CHILD_RETICLE) from "ret"; vx_spawn_load
 *      builds the Task from the mapped image inside it; unmap the image
 *   5. for each grant, INIT_CONNECT(CAPABILITY) gives a fresh connection's
 *      client ends, added to the child's Bundle as SLOT.req and SLOT.rep;
 *      nothing else is granted: the child gets no Task, Reticle or IoPort
 *   6. supervise the child on BIT_CHILD, start it, wait for its exit or
 *      fault, or for Ctrl-C, which halts it.  The shell reads the console
 *      all the while, also when the child holds a console connection of
 *      its own (uartd serves waiting reads oldest first, so a child that
 *      reads input shares it with the shell; nothing here does yet)
 *   7. reset and delete the child Reticle, INIT_DISCONNECT every grant,
 *      and check that "ret" has exactly the bytes free it had at step 3
 *
 * Step 7 runs after a failure at any later step too.
 */
#include "shell.h"
#include "rt/spawn.h"
#include "vectra/proto/init.h"
#include "vectra/proto/ns.h"
#include "vx_string.h"

#define CHILD_RETICLE	  (1ull << 20)
#define CHILD_STACK_PAGES 16u

/* One run; static because it is large and there is only ever one. */
static struct {
	struct vsh_run r;
	vx_handle_t image; /* nsd's MemCap, mapped at VA_PROGRAM while loading */
	vx_handle_t child; /* the child Reticle */
	struct vx_spawn sp;
	uint32_t ids[VSH_GRANTS_MAX]; /* init's connection ids, to disconnect */
	uint32_t nids;
	uint64_t free_before;
} run;

static void fail(const char *what, int rc)
{
	con_printf("run: %s %s: %s\n", what, run.r.program, vx_strerror(rc));
}

/* Step 2: finds the program and maps its image.  Prints the error line. */
static int resolve(const uint8_t **elf, size_t *len)
{
	struct vx_msg m = {.op = NS_RESOLVE};
	struct ns_object obj;
	struct vx_cap_info info;
	char name[16 + VSH_PROG_MAX];
	int rc, tries = 0;
	int64_t h;

	vx_snprintf(name, sizeof(name), "SYS:bin/%s", run.r.program);
	do {
		m = (struct vx_msg){.op = NS_RESOLVE};
		vx_msg_put_str(&m, name);
		rc = client_call(&shell.ns, &m);
	} while (client_retry(&shell.ns, rc, &tries));
	if (rc == VX_E_NOTFOUND || rc == VX_E_INVAL || rc == VX_E_TOOBIG) {
		con_printf("run: no such program: %s\n", run.r.program);
		return rc;
	}
	if (client_report("run", &shell.ns, rc))
		return rc;
	if (rc < 0 || m.len < sizeof(obj) || m.ncaps != 1) {
		client_drop_caps(&shell.ns);
		con_printf("run: no such program: %s\n", run.r.program);
		return rc < 0 ? rc : VX_E_NOTFOUND;
	}
	memcpy(&obj, m.data, sizeof(obj));
	if ((h = client_take_cap(&shell.ns)) < 0) {
		fail("cannot receive", (int)h);
		return (int)h;
	}
	run.image = (vx_handle_t)h;
	if ((rc = (int)vx_cap_inspect(run.image, &info)) == VX_OK &&
	    (obj.kind != NS_KIND_FILE || obj.offset > info.size ||
	     obj.size > info.size - obj.offset))
		rc = VX_E_CORRUPT;
	if (rc == VX_OK)
		rc = (int)vx_task_map(shell.self, run.image, VA_PROGRAM, VX_PROT_READ);
	if (rc < 0) {
		fail("cannot map", rc);
		return rc;
	}
	*elf = (const uint8_t *)(uintptr_t)(VA_PROGRAM + obj.offset);
	*len = (size_t)obj.size;
	return VX_OK;
}

static void release_image(void)
{
	if (run.image == VX_NO_HANDLE)
		return;
	vx_task_unmap(run.image);
	vx_cap_delete(run.image);
	run.image = VX_NO_HANDLE;
}

/* Step 4. */
static int load(const uint8_t *elf, size_t len)
{
	struct vx_reticle_info ri;
	int64_t child;
	int rc;

	if ((rc = (int)vx_reticle_info(shell.ret, &ri)) < 0) {
		fail("no usable Reticle for", rc);
		return rc;
	}
	run.free_before = ri.free;
	if ((child = vx_reticle_split(shell.ret, CHILD_RETICLE)) < 0) {
		con_printf("run: not enough memory for %s: it needs %llu KiB, ret has %llu KiB "
			   "free\n",
			   run.r.program, (unsigned long long)(CHILD_RETICLE >> 10),
			   (unsigned long long)(ri.free >> 10));
		return (int)child;
	}
	run.child = (vx_handle_t)child;
	run.sp = (struct vx_spawn){.self = shell.self, .reticle = run.child};
	rc = vx_spawn_load(&run.sp, elf, len, CHILD_STACK_PAGES, run.r.args);
	release_image();
	if (rc == VX_E_CORRUPT || rc == VX_E_INVAL)
		con_printf("run: %s is not a program VectraOS can load\n", run.r.program);
	else if (rc < 0)
		fail("cannot load", rc);
	return rc;
}

/* Adds a client end to the child's Bundle as SLOT.SUFFIX. */
static int add_end(const char *slot, const char *suffix, vx_handle_t h, uint32_t rights)
{
	char name[VSH_SLOT_MAX + 8];
	int n = vx_snprintf(name, sizeof(name), "%s.%s", slot, suffix);

	return (int)vx_bundle_add(run.sp.bundle, name, (size_t)n, h, rights);
}

/* Step 5 for one grant. */
static int grant(const struct vsh_grant *g)
{
	struct vx_msg m = {.op = INIT_CONNECT};
	int64_t req, rep;
	int rc;

	vx_msg_put_str(&m, g->cap);
	rc = client_call(&shell.init, &m);
	if (rc == VX_E_NOTFOUND && shell.init.open) {
		con_printf("run: cannot grant '%s': no such service is running\n", g->cap);
		return rc;
	}
	if (client_report("run", &shell.init, rc))
		return rc;
	if (rc == VX_OK && (m.ncaps != 2 || m.len < 4))
		rc = VX_E_CORRUPT;
	if (rc < 0) {
		client_drop_caps(&shell.init);
		con_printf("run: cannot grant '%s': %s\n", g->cap, vx_strerror(rc));
		return rc;
	}
	memcpy(&run.ids[run.nids++], m.data, 4);
	req = client_take_cap(&shell.init);
	rep = client_take_cap(&shell.init);
	rc = req < 0 ? (int)req : rep < 0 ? (int)rep : VX_OK;
	if (rc == VX_OK && (rc = add_end(g->slot, "req", (vx_handle_t)req, VX_R_PRODUCE)) == VX_OK)
		rc = add_end(g->slot, "rep", (vx_handle_t)rep, VX_R_CONSUME);
	/* The Bundle holds its own copies now. */
	if (req >= 0)
		vx_cap_delete((vx_handle_t)req);
	if (rep >= 0)
		vx_cap_delete((vx_handle_t)rep);
	if (rc < 0)
		con_printf("run: cannot grant '%s': %s\n", g->cap, vx_strerror(rc));
	return rc;
}

/* Step 6: until the child exits or faults, or Ctrl-C.  Input typed
 * meanwhile stays in the shell's buffer for the next prompt. */
static bool wait_child(void)
{
	uint64_t bit = 1ull << BIT_CHILD;
	struct vx_task_info ti;

	for (;;) {
		if ((con_wait(bit) & bit) && vx_task_stopped(run.sp.task, &ti))
			return false;
		if (con_take_interrupt()) {
			vx_task_halt(run.sp.task);
			return true;
		}
	}
}

/* Says how the child ended, and keeps it for ps. */
static void report(bool interrupted)
{
	struct vx_task_info ti;
	struct vsh_last *l = &shell.last;
	const struct vx_fault *f = &ti.fault;

	l->valid = true;
	vx_snprintf(l->name, sizeof(l->name), "%s", run.r.program);
	if (interrupted)
		vx_snprintf(l->outcome, sizeof(l->outcome), "was interrupted (Ctrl-C)");
	else if (vx_task_inspect(run.sp.task, &ti) < 0)
		vx_snprintf(l->outcome, sizeof(l->outcome), "ended (state unknown)");
	else if (ti.state == VX_TASK_EXITED)
		vx_snprintf(l->outcome, sizeof(l->outcome), "exited with code %lld",
			    (long long)f->exit_code);
	else if (f->kind == VX_FAULT_PAGE)
		vx_snprintf(l->outcome, sizeof(l->outcome),
			    "faulted: page fault at 0x%llx (ip 0x%llx)",
			    (unsigned long long)f->addr, (unsigned long long)f->ip);
	else
		vx_snprintf(l->outcome, sizeof(l->outcome), "faulted: %s at ip 0x%llx",
			    vx_fault_name(f->kind), (unsigned long long)f->ip);
	con_printf("%s %s\n", l->name, l->outcome);
}

/* Step 7: gives back everything, whatever step was reached. */
static void finish(void)
{
	struct vx_reticle_info ri;

	release_image();
	if (run.child != VX_NO_HANDLE) {
		vx_reticle_reset(run.child);
		vx_cap_delete(run.child);
		if (vx_reticle_info(shell.ret, &ri) == VX_OK && ri.free != run.free_before)
			con_printf("run: warning: ret has %llu bytes free after the run, %llu "
				   "before\n",
				   (unsigned long long)ri.free,
				   (unsigned long long)run.free_before);
	}
	for (uint32_t i = 0; i < run.nids; i++) {
		struct vx_msg m = {.op = INIT_DISCONNECT, .len = 4};
		memcpy(m.data, &run.ids[i], 4);
		client_call(&shell.init, &m);
	}
}

/* Step 1 and the checks that need no server. */
static bool check(const struct vsh_cmd *c)
{
	int rc = vsh_run_parse(c, &run.r);

	if (rc == VSH_ERR_GRANT || rc == VSH_ERR_DUP_SLOT) {
		con_printf("run: bad grant '%s': %s\n", run.r.bad, vsh_cmd_strerror(rc));
		return false;
	}
	if (rc < 0) {
		con_printf("run: %s\n", vsh_cmd_strerror(rc));
		return false;
	}
	for (uint32_t i = 0; i < run.r.ngrants; i++) {
		if (!vsh_grantable(run.r.grant[i].cap)) {
			con_printf("run: cannot grant '%s': no such capability\n",
				   run.r.grant[i].cap);
			return false;
		}
	}
	if (shell.ret == VX_NO_HANDLE || shell.self == VX_NO_HANDLE ||
	    shell.child_sig == VX_NO_HANDLE) {
		con_printf("run: this shell was given no Reticle to run programs in\n");
		return false;
	}
	if (run.r.ngrants > 0 && !shell.init.open) {
		client_report("run", &shell.init, VX_E_NOTFOUND);
		return false;
	}
	return true;
}

void cmd_run(const struct vsh_cmd *c)
{
	const uint8_t *elf;
	size_t len;
	int rc;

	memset(&run, 0, sizeof(run));
	if (!check(c) || resolve(&elf, &len) < 0 || load(elf, len) < 0) {
		finish();
		return;
	}
	for (uint32_t i = 0; i < run.r.ngrants; i++) {
		if (grant(&run.r.grant[i]) < 0) {
			finish();
			return;
		}
	}
	if ((rc = (int)vx_task_supervise(run.sp.task, shell.child_sig)) < 0 ||
	    (rc = vx_spawn_start(&run.sp)) < 0)
		fail("cannot start", rc);
	else
		report(wait_child());
	finish();
}
