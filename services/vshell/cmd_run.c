/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * run PROGRAM [ARG...] [with SLOT=CAPABILITY...]
 *
 * PROGRAM is an installed package if vpkg knows the name (PKG_INFO): its
 * payload then comes from the store and is hashed against its VCID at
 * step 2, and step 5 grants exactly the Bundle vpkg made of its footprint;
 * the grants after `with` are ignored.  Otherwise it is SYS:bin/PROGRAM.
 * A grant of identity.sign or identity.status is a connection identityd
 * mints with that facet's rights; the others come from init.
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
 *
 * vsh_run_program is steps 2 to 7 for a command that builds the run
 * itself (serve: SYS:bin/httpd with console, fs and net).
 */
#include "shell.h"
#include "rt/spawn.h"
#include "vectra/proto/init.h"
#include "vectra/proto/ns.h"
#include "client/fs.h"
#include "crypto/sha2.h"
#include "trust/codec.h"
#include "trust/terr.h"
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
	uint32_t mints[VSH_GRANTS_MAX]; /* identityd's minted ids, to give back */
	uint32_t nmints;
	bool is_pkg; /* run.r.program names an installed package */
	struct pkg_info info;
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

/* Step 2 for a package: its payload from the store (vfsd, pkg/<VCID>),
 * mapped at VA_PROGRAM and hashed again: the store is a file anyone with
 * "fs" can write, so its bytes are trusted only if they still are the
 * VCID that passed the install gate. */
static int resolve_package(const uint8_t **elf, size_t *len)
{
	char path[8 + 2 * 32];
	uint8_t h[32];
	uint64_t size = 0;
	vx_handle_t mem = VX_NO_HANDLE;
	int rc;

	memcpy(path, "pkg/", 4);
	vt_hex(path + 4, run.info.payload, 1);
	path[6] = '/';
	vt_hex(path + 7, run.info.payload + 1, 31);
	if (!shell.fs.open) {
		client_report("run", &shell.fs, VX_E_NOTFOUND);
		return VX_E_NOTFOUND;
	}
	rc = vx_fs_read_mem(&shell.fs.c, path, &mem, &size, client_deadline());
	if (client_report("run", &shell.fs, rc))
		return rc;
	if (rc == VX_OK && mem == VX_NO_HANDLE)
		rc = VT_E_PAYLOAD;
	if (rc < 0) {
		con_printf("run: %s's payload is not in the store (%s): %s\n", run.r.program, path,
			   trust_strerror(rc));
		return rc;
	}
	run.image = mem;
	if ((rc = (int)vx_task_map(shell.self, run.image, VA_PROGRAM, VX_PROT_READ)) < 0) {
		fail("cannot map", rc);
		return rc;
	}
	vx_sha256((const void *)(uintptr_t)VA_PROGRAM, (size_t)size, h);
	if (size != run.info.payload_size || memcmp(h, run.info.payload, 32) != 0) {
		con_printf("run: refused %s: the stored payload no longer matches its VCID: %s\n",
			   run.r.program, trust_strerror(VT_E_PAYLOAD));
		return VT_E_PAYLOAD;
	}
	*elf = (const uint8_t *)(uintptr_t)VA_PROGRAM;
	*len = (size_t)size;
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

/* Puts a connection's client ends into the child's Bundle as SLOT.req and
 * SLOT.rep, and drops the shell's copies (the Bundle holds its own). */
static int add_pair(const char *slot, int64_t req, int64_t rep)
{
	int rc = req < 0 ? (int)req : rep < 0 ? (int)rep : VX_OK;

	if (rc == VX_OK && (rc = add_end(slot, "req", (vx_handle_t)req, VX_R_PRODUCE)) == VX_OK)
		rc = add_end(slot, "rep", (vx_handle_t)rep, VX_R_CONSUME);
	if (req >= 0)
		vx_cap_delete((vx_handle_t)req);
	if (rep >= 0)
		vx_cap_delete((vx_handle_t)rep);
	return rc;
}

/* Step 5 for one connection to a service: INIT_CONNECT(service). */
static int grant_connect(const char *slot, const char *service)
{
	struct vx_msg m = {.op = INIT_CONNECT};
	int64_t req, rep;
	int rc;

	vx_msg_put_str(&m, service);
	rc = client_call(&shell.init, &m);
	if (rc == VX_E_NOTFOUND && shell.init.open) {
		con_printf("run: cannot grant '%s': no such service is running\n", service);
		return rc;
	}
	if (client_report("run", &shell.init, rc))
		return rc;
	if (rc == VX_OK && (m.ncaps != 2 || m.len < 4))
		rc = VX_E_CORRUPT;
	if (rc < 0) {
		client_drop_caps(&shell.init);
		con_printf("run: cannot grant '%s': %s\n", service, vx_strerror(rc));
		return rc;
	}
	memcpy(&run.ids[run.nids++], m.data, 4);
	req = client_take_cap(&shell.init);
	rep = client_take_cap(&shell.init);
	if ((rc = add_pair(slot, req, rep)) < 0)
		con_printf("run: cannot grant '%s': %s\n", service, vx_strerror(rc));
	return rc;
}

/* Step 5 for an identityd connection narrowed to a facet: minted by
 * identityd for the shell, which holds every right (proto/identity.h). */
static int grant_identity(const char *slot, uint32_t rights, const char *cap)
{
	int64_t req, rep;
	uint32_t id;
	int rc;

	rc = id_mint(rights, &req, &rep, &id);
	if (client_report("run", &shell.id, rc))
		return rc;
	if (rc == VX_OK)
		run.mints[run.nmints++] = id;
	if (rc == VX_OK)
		rc = add_pair(slot, req, rep);
	if (rc < 0)
		con_printf("run: cannot grant '%s': %s\n", cap, trust_strerror(rc));
	return rc;
}

/* Step 5 for a grant named after `with`. */
static int grant(const struct vsh_grant *g)
{
	if (strcmp(g->cap, "identity.sign") == 0)
		return grant_identity(g->slot, ID_FACET_SIGN, g->cap);
	if (strcmp(g->cap, "identity.status") == 0)
		return grant_identity(g->slot, ID_FACET_STATUS, g->cap);
	return grant_connect(g->slot, g->cap);
}

/* Step 5 for a package: exactly the Bundle vpkg made from its footprint
 * (proto/pkg.h), whatever the command line said. */
static int grant_package(void)
{
	struct pkg_grant g;
	int rc;

	if (run.info.ngrants > VSH_GRANTS_MAX) {
		con_printf("run: %s's footprint has %u entries; the shell grants at most %u\n",
			   run.r.program, run.info.ngrants, VSH_GRANTS_MAX);
		return VX_E_TOOBIG;
	}
	for (uint32_t i = 0; i < run.info.ngrants; i++) {
		if ((rc = pkg_grant_at(run.r.program, i, &g)) < 0) {
			con_printf("run: cannot read %s's footprint: %s\n", run.r.program,
				   trust_strerror(rc));
			return rc;
		}
		if (g.kind == PKG_GRANT_CONNECT)
			rc = grant_connect(g.slot, g.target);
		else if (g.kind == PKG_GRANT_IDENTITY)
			rc = grant_identity(
			    g.slot, g.rights & ID_RIGHT_SIGN ? ID_FACET_SIGN : ID_FACET_STATUS,
			    g.cap);
		else
			rc = PKG_E_UNGRANTABLE;
		if (rc < 0)
			return rc;
	}
	return VX_OK;
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
	bool failed = false; /* it exited with a code other than 0 */

	l->valid = true;
	vx_snprintf(l->name, sizeof(l->name), "%s", run.r.program);
	if (interrupted)
		vx_snprintf(l->outcome, sizeof(l->outcome), "was interrupted (Ctrl-C)");
	else if (vx_task_inspect(run.sp.task, &ti) < 0)
		vx_snprintf(l->outcome, sizeof(l->outcome), "ended (state unknown)");
	else if (ti.state == VX_TASK_EXITED) {
		vx_snprintf(l->outcome, sizeof(l->outcome), "exited with code %lld",
			    (long long)f->exit_code);
		failed = f->exit_code != 0;
	} else if (f->kind == VX_FAULT_PAGE)
		vx_snprintf(l->outcome, sizeof(l->outcome),
			    "faulted: page fault at 0x%llx (ip 0x%llx)",
			    (unsigned long long)f->addr, (unsigned long long)f->ip);
	else
		vx_snprintf(l->outcome, sizeof(l->outcome), "faulted: %s at ip 0x%llx",
			    vx_fault_name(f->kind), (unsigned long long)f->ip);
	con_printf("%s %s\n", l->name, l->outcome);
	/* A program run with nothing granted holds no connection to anyone:
	 * most give up at once (hello exits 3 without a console). */
	if (failed && !run.is_pkg && run.r.ngrants == 0)
		con_printf("run: %s was granted nothing; name what it needs, e.g. 'run %s with "
			   "console' (help run lists the grants)\n",
			   l->name, l->name);
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
	for (uint32_t i = 0; i < run.nmints; i++)
		id_unmint(run.mints[i]);
}

static bool can_run(void);

/* Step 1 and the checks that need no server. */
static bool check(const struct vsh_cmd *c)
{
	int rc = vsh_run_parse(c, &run.r);

	if (rc == VSH_ERR_GRANT || rc == VSH_ERR_DUP_SLOT || rc == VSH_ERR_NEED_SLOT) {
		con_printf("run: bad grant '%s': %s\n", run.r.bad, vsh_cmd_strerror(rc));
		return false;
	}
	if (rc == VSH_ERR_PROGRAM && run.r.bad) {
		con_printf("run: '%s' is not a program name (a name from SYS:bin or pkgs, without "
			   "'/' or ':')\n",
			   run.r.bad);
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
	return can_run();
}

/* The checks of step 1 that do not depend on the line. */
static bool can_run(void)
{
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

/* Steps 2 to 7, once run.r holds what to run. */
static void launch(void)
{
	const uint8_t *elf = NULL;
	size_t len = 0;
	int rc;

	run.is_pkg = pkg_info_of(run.r.program, &run.info) == VX_OK;
	if (run.is_pkg && run.r.ngrants > 0)
		con_printf("run: %s is an installed package: it gets its footprint, not the "
			   "grants after 'with'\n",
			   run.r.program);
	if ((run.is_pkg ? resolve_package(&elf, &len) : resolve(&elf, &len)) < 0 ||
	    load(elf, len) < 0) {
		finish();
		return;
	}
	if (run.is_pkg) {
		if (grant_package() < 0) {
			finish();
			return;
		}
	}
	for (uint32_t i = 0; i < run.r.ngrants && !run.is_pkg; i++) {
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

void cmd_run(const struct vsh_cmd *c)
{
	memset(&run, 0, sizeof(run));
	if (!check(c)) {
		finish();
		return;
	}
	launch();
}

void vsh_run_program(const struct vsh_run *r)
{
	memset(&run, 0, sizeof(run));
	run.r = *r; /* its pointers still name r's strings: r outlives the run */
	if (!can_run()) {
		finish();
		return;
	}
	launch();
}
