/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * init's own service (vectra/proto/init.h): what the shell asks of the supervisor.
 */
#include "init.h"
#include "vx_string.h"

static int find(const struct vx_msg *m)
{
	char name[MF_NAME_MAX];

	if (vx_msg_str(m, 0, name, sizeof(name)) < 0)
		return VX_E_INVAL;
	for (uint32_t i = 0; i < init.mf.n; i++)
		if (strcmp(init.mf.svc[i].name, name) == 0)
			return (int)i;
	return VX_E_NOTFOUND;
}

static uint64_t used_of(vx_handle_t ret)
{
	struct vx_reticle_info ri;

	return vx_reticle_info(ret, &ri) < 0 ? 0 : ri.size - ri.free;
}

static void ps(struct vx_msg *m)
{
	uint32_t idx;
	struct init_task t;

	if (m->len < 4)
		goto bad;
	memcpy(&idx, m->data, 4);
	if (idx >= init.mf.n) {
		m->status = VX_E_NOTFOUND;
		m->len = 0;
		return;
	}
	const struct svc *s = &init.svc[idx];
	memset(&t, 0, sizeof(t));
	vx_snprintf(t.name, sizeof(t.name), "%s", s->mf->name);
	t.state = s->state;
	t.restarts = s->restarts;
	t.policy = s->mf->restart;
	t.last_fault = s->last_fault;
	t.reticle_used = used_of(s->ret);
	struct vx_task_info ti;
	if (s->task && vx_task_inspect(s->task, &ti) == VX_OK)
		t.cpu = ti.cpu;
	memcpy(m->data, &t, sizeof(t));
	m->len = sizeof(t);
	return;
bad:
	m->status = VX_E_INVAL;
	m->len = 0;
}

static void mem(struct vx_msg *m)
{
	struct init_mem im;
	struct vx_reticle_info ri;

	memset(&im, 0, sizeof(im));
	for (uint32_t i = 0; i < init.boot->count; i++) {
		const struct vx_bundle_entry *e = &init.boot->entry[i];
		if (e->type == VX_OBJ_RETICLE && strncmp(e->name, "ram", 3) == 0 &&
		    vx_reticle_info(e->handle, &ri) == VX_OK) {
			im.ram_total += ri.size;
			im.ram_free += ri.free;
		}
	}
	for (int c = 0; c < MAX_CONNS; c++)
		im.conn_pool_used += init.conn[c].used;
	im.conn_pool_max = MAX_CONNS;
	for (int i = 0; i < MAX_PAIRS; i++)
		im.pairs_used += init.pair[i].used;
	im.pairs_max = MAX_PAIRS;
	struct vx_task_info ti;
	if (vx_task_inspect(init.self, &ti) == VX_OK)
		im.handles_used = ti.handles;
	im.handles_max = VX_HANDLE_SLOTS - 1; /* slot 0 is never used */
	memcpy(m->data, &im, sizeof(im));
	m->len = sizeof(im);
}

/* A connection for a program the shell runs: the client ends go back to
 * the caller beside the reply. */
static void connect(struct vx_server_conn *c, struct vx_msg *m)
{
	char name[MF_NAME_MAX + MF_GRANT_MAX];
	int server;
	int id;

	if (vx_msg_str(m, 0, name, sizeof(name)) < 0) {
		m->status = VX_E_INVAL;
		return;
	}
	const char *narrow = "";
	if ((server = conn_server_of(name)) == VX_E_NOTFOUND) {
		/* SERVE.GRANT: a narrowed connection to an attached server. */
		char *dot = name;
		while (*dot && *dot != '.')
			dot++;
		if (*dot && dot != name && dot[1]) {
			*dot = '\0';
			server = conn_server_of(name);
			narrow = dot + 1;
			if (server >= 0 && !init.svc[server].mf->attached)
				server = VX_E_NOTFOUND;
		}
	}
	if (server == VX_E_NOTFOUND || (server == END_INIT && narrow[0])) {
		m->status = VX_E_NOTFOUND;
		m->len = 0;
		return;
	}
	if ((id = conn_new(END_NONE, server, name, narrow, true)) < 0) {
		m->status = id;
		m->len = 0;
		return;
	}
	conn_set_owner(id, c);
	uint64_t next = UINT64_MAX;
	conn_deliver_all((uint64_t)vx_clock(), &next);
	vx_ring_send_cap(c->rep_h, init.conn[id].req, VX_R_PRODUCE | VX_R_GRANT);
	vx_ring_send_cap(c->rep_h, init.conn[id].rep, VX_R_CONSUME | VX_R_GRANT);
	uint32_t u = (uint32_t)id;
	memcpy(m->data, &u, 4);
	m->len = 4;
	m->ncaps = 2;
}

/* INIT_PAIR: two Rings of the asked geometry, for the asker to share. */
static void pair(struct vx_server_conn *c, struct vx_msg *m)
{
	struct init_pair_req r;
	int id;

	if (m->len != sizeof(r) || m->ncaps) {
		m->status = VX_E_INVAL;
		m->len = 0;
		return;
	}
	memcpy(&r, m->data, sizeof(r));
	m->len = 0;
	if (r.reserved || r.reserved2 || r.slot_log2 < INIT_PAIR_SLOT_LOG2_MIN ||
	    r.slot_log2 > INIT_PAIR_SLOT_LOG2_MAX || r.count_log2 > INIT_PAIR_COUNT_LOG2_MAX ||
	    (1u << (r.slot_log2 + r.count_log2)) > INIT_PAIR_BYTES_MAX) {
		m->status = VX_E_INVAL;
		return;
	}
	if ((id = pair_new(c, r.slot_log2, r.count_log2)) < 0) {
		m->status = id;
		return;
	}
	const uint32_t all = VX_R_PRODUCE | VX_R_CONSUME | VX_R_GRANT;
	if (vx_ring_send_cap(c->rep_h, init.pair[id].a, all) < 0 ||
	    vx_ring_send_cap(c->rep_h, init.pair[id].b, all) < 0) {
		/* The asker's queue is full: it loses the pair when it goes. */
		m->status = VX_E_FULL;
		return;
	}
	uint32_t u = (uint32_t)id;
	memcpy(m->data, &u, 4);
	m->len = 4;
	m->ncaps = 2;
}

static void disconnect(struct vx_msg *m)
{
	uint32_t id;

	if (m->len < 4) {
		m->status = VX_E_INVAL;
		return;
	}
	memcpy(&id, m->data, 4);
	m->len = 0;
	if (id >= MAX_CONNS || !init.conn[id].used || !init.conn[id].dynamic) {
		m->status = VX_E_NOTFOUND;
		return;
	}
	init.conn[id].closing = true; /* reclaimed by the main loop */
}

enum vx_svc_disp init_serve(struct vx_server *s, struct vx_server_conn *c, struct vx_msg *m,
			    void *ctx)
{
	int i;

	(void)s;
	(void)ctx;
	m->ncaps = 0;
	switch (m->op) {
	case INIT_PS:
		ps(m);
		return VX_SVC_REPLY;
	case INIT_MEM:
		mem(m);
		return VX_SVC_REPLY;
	case INIT_CONNECT:
		connect(c, m);
		return VX_SVC_REPLY;
	case INIT_DISCONNECT:
		disconnect(m);
		return VX_SVC_REPLY;
	case INIT_PAIR:
		pair(c, m);
		return VX_SVC_REPLY;
	case INIT_KILL:
	case INIT_CRASH:
	case INIT_START:
		i = find(m);
		m->len = 0;
		if (i < 0) {
			m->status = i;
			return VX_SVC_REPLY;
		}
		m->status = m->op == INIT_KILL	  ? svc_kill(i)
			    : m->op == INIT_CRASH ? svc_crash(i)
						  : svc_start_again(i);
		return VX_SVC_REPLY;
	default:
		m->status = VX_E_NOSYS;
		m->len = 0;
		return VX_SVC_REPLY;
	}
}
