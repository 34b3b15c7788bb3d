/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * identityd: holds the Machine key and signs for Tasks that hold the right
 * (vectra/proto/identity.h).  The key never leaves this Task: it is
 * unsealed into `key.seed` at ID_LOGIN, used by ID_SIGN, wiped by ID_LOCK,
 * and nothing ever copies it into a message.
 *
 * Bundle (services/init/etc/manifest):
 *   port            Ring: connections named "identity" (full rights)
 *   ns.req/.rep     connection to nsd: reads SYS:etc/machine.key
 *   rings           Reticle: the Rings of minted (narrowed) connections
 *   self            Task: to map the sealed file and the Rings
 *
 * The sealed file is read from the boot image (there is no persistent file
 * system yet).  Boot never waits for it: it is read lazily, on the first
 * request that needs it, and identityd starts sealed.
 *
 * Connections.  Those init delivers on `port` carry ID_RIGHTS_ALL.  Minted
 * ones are served by one vx_server per facet, each on a port identityd made
 * itself and alone sends to; the facet's rights are the handler's ctx, so
 * a request on a minted connection is judged by the facet it arrived on.
 * A minted pair is reused after ID_UNMINT once nobody is bound to it (the
 * same reclaim init does for its pool: services/init/broker.c).
 */
#include "rt/vx.h"
#include "rt/svc.h"
#include "rt/syscall.h"
#include "client/ns.h"
#include "crypto/ct.h"
#include "crypto/ed25519.h"
#include "trust/identity.h"
#include "trust/terr.h"
#include "vectra/proto/identity.h"
#include "pure_id.h"
#include "vx_string.h"

#define MS 1000000ull

#define VA_NS	    0x10000000ull
#define VA_SRV	    0x20000000ull /* 17 x VX_SVC_CONN_SPAN each */
#define VA_FACET0   0x30000000ull
#define VA_FACET1   0x38000000ull
#define VA_KEYFILE  0x40000000ull
#define VA_DRAIN    0x50000000ull
#define BIT_SRV	    1u
#define BIT_NS	    2u
#define BIT_FACET0  3u
#define BIT_FACET1  4u
#define BIT_DRAIN   5u
#define KEY_NAME    "SYS:etc/machine.key"
#define NS_TIMEOUT  (2000 * MS)
#define KDF_MEM_MAX ((2u << 20) + 4096u) /* Argon2id up to 2 MiB, with slack */
#define NFACETS	    2

static const uint32_t all_rights = ID_RIGHTS_ALL;
static const uint32_t facet_rights[NFACETS] = {ID_FACET_SIGN, ID_FACET_STATUS};

struct minted {
	vx_handle_t req, rep; /* identityd's own caps, made once */
	bool out;	      /* handed to a client, not yet given back */
	bool closing;	      /* given back, waiting for both ends to let go */
};

static struct {
	const struct vx_bundle_page *b;
	vx_handle_t self, rings;
	struct vx_client ns;
	bool ns_open;
	struct vx_server srv, facet[NFACETS];
	bool facet_up[NFACETS];
	vx_handle_t facet_port[NFACETS];
	struct minted pool[ID_MINT_MAX];
	uint8_t sealed[VT_SEAL_BYTES];
	bool have_file; /* sealed[] holds a file that passed vt_seal_peek */
	int file_err;	/* why not, once a read was tried */
	uint8_t pk[32];
	struct vt_kdf kdf;
	bool open; /* seed holds the unsealed key */
	uint8_t seed[32];
	uint32_t failures;
	uint64_t backoff_until;
} I;

static uint8_t kdf_mem[KDF_MEM_MAX] __attribute__((aligned(64)));
static uint8_t sign_buf[sizeof(ID_SIGN_CONTEXT) + ID_SIGN_MAX];

/* ------------------------------------------------------- the sealed file */

/* Reads SYS:etc/machine.key into I.sealed (once it worked, never again). */
static int load_file(void)
{
	struct ns_object obj;
	vx_handle_t mem;
	int rc;

	if (I.have_file)
		return VX_OK;
	if (!I.ns_open)
		return ID_E_NOKEY;
	rc = vx_ns_open_file(&I.ns, KEY_NAME, &obj, &mem, (uint64_t)vx_clock() + NS_TIMEOUT);
	if (rc == VX_E_NOTFOUND)
		return ID_E_NOKEY;
	if (rc < 0)
		return rc;
	if (obj.size != VT_SEAL_BYTES) {
		vx_cap_delete(mem);
		return obj.size < VT_SEAL_BYTES ? VT_E_TRUNCATED : VT_E_TRAILING;
	}
	if ((rc = (int)vx_task_map(I.self, mem, VA_KEYFILE, VX_PROT_READ)) == VX_OK) {
		memcpy(I.sealed, (const void *)(uintptr_t)(VA_KEYFILE + obj.offset), VT_SEAL_BYTES);
		vx_task_unmap(mem);
	}
	vx_cap_delete(mem);
	if (rc < 0)
		return rc;
	if ((rc = vt_seal_peek(I.sealed, VT_SEAL_BYTES, I.pk, &I.kdf)) < 0)
		return rc;
	I.have_file = true;
	return VX_OK;
}

/* ------------------------------------------------------------ operations */

static void do_status(struct vx_msg *m, uint32_t rights)
{
	struct id_status st = {.rights = rights};
	int rc = load_file();

	st.state = I.open ? ID_OPEN : rc == VX_OK ? ID_SEALED : ID_NOKEY;
	if (rc == VX_OK) {
		st.kdf_t = I.kdf.t;
		st.kdf_m_kib = I.kdf.m_kib;
		st.kdf_p = I.kdf.p;
		memcpy(st.machine, I.pk, 32);
	}
	st.failures = I.failures;
	memcpy(m->data, &st, sizeof(st));
	m->len = sizeof(st);
}

/* The passphrase is at r->data; the caller wipes the message after. */
static int do_login(const struct id_req *r)
{
	int rc;

	if (I.open)
		return VX_E_STATE;
	if (I.backoff_until && (uint64_t)vx_clock() < I.backoff_until)
		return ID_E_BACKOFF;
	if ((rc = load_file()) < 0)
		return rc;
	rc = vt_unseal(I.sealed, VT_SEAL_BYTES, (const char *)r->data, r->len, I.seed, kdf_mem,
		       sizeof(kdf_mem));
	vx_wipe(kdf_mem, sizeof(kdf_mem));
	if (rc == VT_E_PASSPHRASE) {
		I.failures++;
		I.backoff_until =
		    I.failures >= ID_FAIL_MAX ? (uint64_t)vx_clock() + ID_BACKOFF_MS * MS : 0;
		return rc;
	}
	if (rc < 0)
		return rc;
	I.open = true;
	I.failures = 0;
	I.backoff_until = 0;
	return VX_OK;
}

static int do_sign(const struct id_req *r, struct vx_msg *m)
{
	struct id_signature s;
	size_t ctx = sizeof(ID_SIGN_CONTEXT); /* with its NUL */

	if (!I.open)
		return ID_E_SEALED;
	memcpy(sign_buf, ID_SIGN_CONTEXT, ctx);
	memcpy(sign_buf + ctx, r->data, r->len);
	if (vx_ed25519_sign(s.sig, I.seed, sign_buf, ctx + r->len) < 0)
		return VX_E_INVAL;
	memcpy(s.machine, I.pk, 32);
	memcpy(m->data, &s, sizeof(s));
	m->len = sizeof(s);
	return VX_OK;
}

/* ---------------------------------------------------- minted connections */

static uint64_t ring_state(vx_handle_t ring)
{
	struct vx_cap_info ci;

	return vx_cap_inspect(ring, &ci) < 0 ? 0 : ci.ring_state;
}

static int facet_of(uint32_t rights)
{
	for (int f = 0; f < NFACETS; f++)
		if (facet_rights[f] == rights)
			return f;
	return -1;
}

/* ID_MINT: a new connection on the facet with exactly rights. */
static int do_mint(struct vx_server_conn *c, uint32_t rights, struct vx_msg *m)
{
	int f = facet_of(rights);
	struct minted *p = NULL;
	uint32_t id = 0;

	if (f < 0 || !I.facet_up[f])
		return VX_E_STATE;
	for (; id < ID_MINT_MAX && !p; id++)
		if (!I.pool[id].out && !I.pool[id].closing)
			p = &I.pool[id];
	if (!p)
		return VX_E_FULL;
	id--;
	if (!p->req && vx_ring_pair_make(I.rings, VX_SVC_RING_ARG, &p->req, &p->rep) != VX_OK)
		return VX_E_FULL;
	/* Server ends to the facet's port (req first), client ends back. */
	int64_t rc = vx_ring_send_cap(I.facet_port[f], p->req, VX_R_CONSUME);
	if (rc >= 0)
		rc = vx_ring_send_cap(I.facet_port[f], p->rep, VX_R_PRODUCE | VX_R_GRANT);
	if (rc >= 0)
		rc = vx_ring_send_cap(c->rep_h, p->req, VX_R_PRODUCE | VX_R_GRANT);
	if (rc >= 0)
		rc = vx_ring_send_cap(c->rep_h, p->rep, VX_R_CONSUME | VX_R_GRANT);
	p->out = true;
	if (rc < 0) { /* whatever went out is taken back by the reclaim */
		p->out = false;
		p->closing = true;
		return (int)rc;
	}
	struct id_minted mi = {.id = id, .rights = rights};
	memcpy(m->data, &mi, sizeof(mi));
	m->len = sizeof(mi);
	m->ncaps = 2;
	return VX_OK;
}

static int do_unmint(uint32_t id)
{
	if (!I.pool[id].out)
		return VX_E_NOTFOUND;
	I.pool[id].out = false;
	I.pool[id].closing = true;
	return VX_OK;
}

/* Empties a Ring nobody is bound to (vx_ring_drain). */
static void drain(vx_handle_t ring)
{
	vx_ring_drain(ring, VA_DRAIN, BIT_DRAIN);
}

/* Given-back pairs return to the pool once both ends let go; a client
 * that never bound is hung up for (bind and unbind its end), so the facet
 * server closes its side.  Returns whether some are still waiting. */
static bool reclaim(void)
{
	const uint64_t ends = VX_RING_BOUND_PRODUCER | VX_RING_BOUND_CONSUMER;
	bool waiting = false;

	for (uint32_t i = 0; i < ID_MINT_MAX; i++) {
		struct minted *p = &I.pool[i];
		struct vx_ring_info info;
		if (!p->closing)
			continue;
		uint64_t req = ring_state(p->req), rep = ring_state(p->rep);
		if ((req | rep) & ends) {
			if (!(req & VX_RING_BOUND_PRODUCER) && !(rep & VX_RING_BOUND_CONSUMER) &&
			    vx_ring_bind(p->req, VX_RING_PRODUCER, VA_DRAIN, BIT_DRAIN, &info) ==
				VX_OK) {
				vx_ring_unbind(p->req);
				vx_sig_wait(1ull << BIT_DRAIN, VX_DEADLINE_NONE);
			}
			waiting = true;
			continue;
		}
		vx_cap_revoke(p->req);
		vx_cap_revoke(p->rep);
		drain(p->req);
		drain(p->rep);
		p->closing = false;
	}
	return waiting;
}

/* ---------------------------------------------------------------- serve */

static enum vx_svc_disp serve(struct vx_server *s, struct vx_server_conn *c, struct vx_msg *m,
			      void *ctx)
{
	const uint32_t rights = *(const uint32_t *)ctx;
	struct id_req r;
	int rc;

	(void)s;
	m->ncaps = 0;
	rc = id_decode(m, rights, &r);
	if (rc == VX_OK) {
		switch (r.op) {
		case ID_STATUS:
			do_status(m, rights);
			return VX_SVC_REPLY;
		case ID_LOGIN:
			rc = do_login(&r);
			break;
		case ID_LOCK:
			vx_wipe(I.seed, sizeof(I.seed));
			I.open = false;
			break;
		case ID_SIGN:
			rc = do_sign(&r, m);
			if (rc == VX_OK)
				return VX_SVC_REPLY;
			break;
		case ID_MINT:
			rc = do_mint(c, r.arg, m);
			if (rc == VX_OK)
				return VX_SVC_REPLY;
			break;
		case ID_UNMINT:
			rc = do_unmint(r.arg);
			break;
		}
	}
	/* A passphrase or message is not kept a moment longer than needed. */
	vx_wipe(m->data, sizeof(m->data));
	m->status = rc;
	m->len = 0;
	return VX_SVC_REPLY;
}

static vx_handle_t handle_of(const char *name, uint32_t type)
{
	int64_t h = vx_bundle_handle(I.b, name, type);

	return h < 0 ? VX_NO_HANDLE : (vx_handle_t)h;
}

/* The facets' own ports: made from "rings", bound like init's ports. */
static void facets_init(void)
{
	static const uint64_t va[NFACETS] = {VA_FACET0, VA_FACET1};
	static const uint32_t bit[NFACETS] = {BIT_FACET0, BIT_FACET1};

	if (!I.rings || !I.self)
		return;
	for (int f = 0; f < NFACETS; f++) {
		int64_t port = vx_reticle_retype(I.rings, VX_OBJ_RING, VX_RING_ARG(6, 0));
		if (port < 0)
			return;
		I.facet_port[f] = (vx_handle_t)port;
		I.facet_up[f] =
		    vx_server_init_port(&I.facet[f], (vx_handle_t)port, va[f], bit[f]) == VX_OK;
	}
}

/* Marks every open connection of s waiting (so its client rings the
 * doorbell) or not; with on, says whether a request is already pending. */
static bool set_waiting(struct vx_server *s, bool on)
{
	bool ready = false;

	for (uint32_t i = 0; i < VX_SVC_MAX_CONNS; i++) {
		if (!s->conn[i].open)
			continue;
		vx_ring_set_waiting(&s->conn[i].req, on);
		if (on && vx_ring_poll(&s->conn[i].req) != 0)
			ready = true;
	}
	return ready;
}

/* vx_server_wait over the three servers: the port's and both facets'. */
static void wait_all(uint64_t deadline)
{
	uint64_t mask = 1ull << BIT_SRV;
	bool ready = set_waiting(&I.srv, true);

	for (int f = 0; f < NFACETS; f++) {
		if (!I.facet_up[f])
			continue;
		mask |= 1ull << I.facet[f].bit;
		ready |= set_waiting(&I.facet[f], true);
	}
	vx_sig_wait(mask, ready ? VX_DEADLINE_NONE : deadline);
	set_waiting(&I.srv, false);
	for (int f = 0; f < NFACETS; f++)
		if (I.facet_up[f])
			set_waiting(&I.facet[f], false);
}

int main(const struct vx_bundle_page *b, const char *args)
{

	(void)args;
	I.b = b;
	I.self = handle_of("self", VX_OBJ_TASK);
	I.rings = handle_of("rings", VX_OBJ_RETICLE);
	if (vx_server_init(&I.srv, b, VA_SRV, BIT_SRV) != VX_OK)
		return 5; /* no port: nobody can reach us */
	I.ns_open = vx_client_open(&I.ns, b, "ns", VA_NS, BIT_NS) == VX_OK;
	facets_init();
	for (;;) {
		bool waiting = reclaim();
		wait_all(waiting ? (uint64_t)vx_clock() + 10 * MS : VX_DEADLINE_NEVER);
		vx_server_poll(&I.srv, serve, (void *)&all_rights);
		for (int f = 0; f < NFACETS; f++)
			if (I.facet_up[f])
				vx_server_poll(&I.facet[f], serve, (void *)&facet_rights[f]);
	}
}
