/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * init: the root Task.
 *
 * The kernel hands init every boot capability in its Bundle.  init reads
 * the boot manifest (etc/manifest in the boot image, docs/MANIFEST.md),
 * rejects it whole if any line is wrong, and otherwise starts each service
 * with exactly the capabilities its entry names, connects them as the
 * entries say, and supervises them for as long as the machine runs.  It is
 * also a service itself (vectra/proto/init.h), which the shell uses for ps, kill,
 * crash, mem and the connections of the programs it runs.
 */
#include "init.h"
#include "vx_string.h"

struct init init;

static int load_manifest(void)
{
	static char err[160];
	const void *text;
	size_t len;
	int rc;

	if ((rc = vx_bootimg_find(init.bootimg, init.bootimg_len, "etc/manifest", &text, &len)) !=
	    VX_OK) {
		say("init: the boot image has no etc/manifest: %s\n", vx_strerror(rc));
		return rc;
	}
	if ((rc = mf_parse(text, len, &init.mf, err, sizeof(err))) != VX_OK) {
		say("init: %s\n", err);
		say("init: the boot manifest was rejected, so nothing was started.\n");
		return rc;
	}
	return VX_OK;
}

static int boot_caps(const struct vx_bundle_page *b)
{
	const struct vx_bundle_entry *img;

	init.boot = b;
	init.io = (vx_handle_t)vx_bundle_handle(b, "ioports", VX_OBJ_IOPORT);
	init.self = (vx_handle_t)vx_bundle_handle(b, "self", VX_OBJ_TASK);
	say("init: hello. The kernel gave me %u capabilities:", b->count);
	for (uint32_t i = 0; i < b->count; i++)
		say(" %s", b->entry[i].name);
	say("\n");
	if (ram_collect(b) < 0)
		return VX_E_NOTFOUND;
	if (vx_bundle_find(b, "bootimg", VX_OBJ_MEM, &img) != VX_OK ||
	    vx_task_map(init.self, img->handle, BOOTIMG_VA, VX_PROT_READ) < 0 ||
	    vx_bootimg_check((const void *)BOOTIMG_VA, img->size) != VX_OK) {
		say("init: no usable boot image; nothing to start\n");
		return VX_E_CORRUPT;
	}
	init.bootimg_h = img->handle;
	init.bootimg = (const void *)BOOTIMG_VA;
	init.bootimg_len = img->size;
	return VX_OK;
}

/* The pool that pays for every connection and port, and init's own port. */
static int make_pool(void)
{
	int64_t r = ram_split(4ull << 20, "the connection pool");

	if (r < 0)
		return (int)r;
	init.pool = (vx_handle_t)r;
	if ((r = ram_split(PAIR_POOL_BYTES, "the pairs' pool")) < 0)
		return (int)r;
	init.pair_pool = (vx_handle_t)r;
	if ((r = vx_reticle_retype(init.pool, VX_OBJ_RING, VX_RING_ARG(6, 0))) < 0)
		return (int)r;
	init.init_port = (vx_handle_t)r;
	return vx_server_init_port(&init.server, init.init_port, INIT_SERVER_VA, INIT_SERVER_BIT);
}

/* One connection per "connect" line, and one for init's own console. */
static int make_connections(void)
{
	for (uint32_t i = 0; i < init.mf.n; i++) {
		const struct mf_service *s = &init.mf.svc[i];
		for (uint32_t c = 0; c < s->nconnect; c++) {
			int server = conn_server_of(s->connect[c].service);
			int rc =
			    conn_new((int)i, server, s->connect[c].as, s->connect[c].narrow, false);
			if (rc < 0)
				return rc;
		}
	}
	int console = mf_server_of(&init.mf, "console");
	if (console >= 0) {
		int id = conn_new(END_INIT, console, "console", "", false);
		if (id >= 0 && vx_client_attach(&init.log, init.conn[id].req, init.conn[id].rep,
						INIT_LOG_VA, INIT_LOG_BIT) == VX_OK)
			init.log_up = true;
	}
	return VX_OK;
}

/* Is every connection to init itself bound at init's end? */
static bool own_taken(void)
{
	struct vx_cap_info ci;

	for (int i = 0; i < MAX_CONNS; i++) {
		const struct broker_conn *c = &init.conn[i];
		if (c->used && c->server == END_INIT &&
		    (vx_cap_inspect(c->req, &ci) < 0 || !(ci.ring_state & VX_RING_BOUND_CONSUMER)))
			return false;
	}
	return true;
}

/*
 * Takes init's own end of every connection to init before any service
 * starts, so that a service started with "connect init" finds init there
 * as soon as it runs (otherwise the pairs went out only in the main loop,
 * after every service had started, and such a client could call first).
 * Each round sends what fits in init's port and takes it; a few rounds
 * cover every connection (MAX_CONNS pairs, the port queues 8).
 */
static void take_own_connections(void)
{
	for (int round = 0; round <= MAX_CONNS / 8 && !own_taken(); round++) {
		uint64_t next = VX_DEADLINE_NEVER;
		conn_deliver_all((uint64_t)vx_clock(), &next);
		vx_server_poll(&init.server, init_serve, NULL);
	}
}

static void describe(const struct mf_service *s)
{
	static const char *const policy[] = {"", "always", "on-failure", "never"};

	say("init: starting %s (restart: %s); it gets:", s->name, policy[s->restart]);
	for (uint32_t g = 0; g < s->ngrant; g++)
		say(" %s", s->grant[g].slot);
	if (s->serve[0])
		say(" port (it serves '%s')", s->serve);
	for (uint32_t c = 0; c < s->nconnect; c++)
		say(" %s (a connection to '%s')", s->connect[c].as, s->connect[c].service);
	if (!s->ngrant && !s->serve[0] && !s->nconnect)
		say(" nothing at all");
	say("\n");
}

/* init's main loop: due restarts and connection work, then one signal
 * wait, on every service's supervision bit and on init's own service. */
_Noreturn static void main_loop(void)
{
	uint64_t mask = 0;

	for (uint32_t i = 0; i < init.mf.n; i++)
		mask |= init.svc[i].bit;
	for (;;) {
		uint64_t now = (uint64_t)vx_clock(), next = VX_DEADLINE_NEVER;
		svc_restart_due(now, &next);
		conn_deliver_all(now, &next);
		conn_reclaim(now, &next);
		pair_reclaim(now, &next);
		uint64_t fired = vx_server_wait(&init.server, mask, next);
		for (uint32_t i = 0; i < init.mf.n; i++)
			if (fired & init.svc[i].bit)
				svc_stopped((int)i);
		vx_server_poll(&init.server, init_serve, NULL);
	}
}

int main(const struct vx_bundle_page *bundle, const char *args)
{
	int rc;
	(void)args;

	if (boot_caps(bundle) < 0 || load_manifest() < 0)
		goto idle;
	if ((rc = make_pool()) < 0) {
		say("init: cannot make the connection pool: %s\n", vx_strerror(rc));
		goto idle;
	}
	for (uint32_t i = 0; i < init.mf.n; i++) {
		if ((rc = svc_setup((int)i)) < 0) {
			say("init: not enough memory for %s: %s\n", init.mf.svc[i].name,
			    vx_strerror(rc));
			goto idle;
		}
	}
	if ((rc = make_connections()) < 0) {
		say("init: cannot make the connections: %s\n", vx_strerror(rc));
		goto idle;
	}
	take_own_connections();
	say("init: the manifest names %u services\n", init.mf.n);
	for (uint32_t i = 0; i < init.mf.n; i++) {
		uint64_t next = VX_DEADLINE_NEVER;
		describe(&init.mf.svc[i]);
		svc_start((int)i);
		/* Its connections go to its port now (once it has bound the
		 * port: the broker looks again until then), before the services
		 * after it, its clients, start; not once every service has
		 * started, which can take seconds on a busy machine, while the
		 * clients already running found their servers' ends unbound. */
		conn_deliver_all((uint64_t)vx_clock(), &next);
	}
	main_loop();
idle:
	say("init: idle.\n");
	for (;;)
		vx_sig_wait(1ull << (VX_SIG_BITS - 1), VX_DEADLINE_NEVER); /* a bit nobody raises */
}
