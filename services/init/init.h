/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * init's shared state.  init is the root Task: it receives every boot
 * capability, starts the services the boot manifest names, each with
 * exactly the capabilities the manifest grants, supervises them, and brokers
 * their connections: it owns every connection's two Rings, so that neither
 * end's death can pull memory from under the other (lib/rt/svc.h).
 */
#ifndef SERVICES_INIT_H
#define SERVICES_INIT_H

#include <stdbool.h>
#include <stdint.h>
#include "rt/vx.h"
#include "rt/svc.h"
#include "pure_manifest.h"
#include "pure_ram.h"
#include "vectra/proto/init.h"
#include "vectra/proto/console.h"
#include "rt/errstr.h"
#include "rt/spawn.h"

#define MS		1000000ull
#define MAX_CONNS	56
#define INIT_SERVER_BIT 40
#define INIT_LOG_BIT	41
#define SERVICE_BIT0	1  /* service i is supervised through bit SERVICE_BIT0 + i */
#define IRQSIG_BIT	20 /* the bit a service with an IRQ grant is woken on */
#define INIT_SERVER_VA	0x30000000ull
#define INIT_LOG_VA	0x38000000ull
#define INIT_DRAIN_VA	0x3c000000ull /* where a reclaimed Ring is bound to be emptied */
#define INIT_DRAIN_BIT	42
#define INIT_HOLD_VA	0x3c800000ull /* a reclaimed connection's other ends, held (conn_reclaim) */
#define INIT_REC_VA	0x3d000000ull /* service i's attached port at + i * VX_SVC_CONN_SPAN */
#define INIT_REC_BIT	43
#define BOOTIMG_VA	0x20000000ull
#define CRASH_WINDOW_NS (10000ull * MS) /* a stop this soon after a start is a crash in a row */
#define MAX_CRASHES	3		/* in a row, then init gives up */

struct svc {
	const struct mf_service *mf;
	vx_handle_t ret;    /* pays for the service; reset at every restart */
	vx_handle_t port;   /* init-owned port Ring, if it serves */
	struct vx_ring rec; /* an attached port, bound as its producer: the records */
	struct vx_ring_info rec_info;
	vx_handle_t task; /* current life */
	uint64_t bit;
	uint32_t state; /* enum init_state */
	uint32_t restarts;
	uint32_t crashes; /* in a row */
	uint32_t last_fault;
	uint64_t started_ns;
	uint64_t restart_at;
};

/* A Ring pair init made for a service to share with a Task of its own
 * choosing (INIT_PAIR: netd's sockets).  It belongs to the init connection
 * that asked (owner: the server slot, with its handle and bind count as
 * seen then, so that a new life on the same slot is a new owner) and is
 * reclaimed once that owner has gone and neither Ring has an end bound. */
#define MAX_PAIRS	((int)INIT_PAIR_MAX)
#define PAIRS_PER_OWNER ((int)INIT_PAIR_PER_CONN)
#define PAIR_POOL_BYTES (5ull << 20)

struct broker_pair {
	bool used;
	uint8_t slot_log2, count_log2; /* the Rings' geometry, once made */
	uint32_t owner;
	vx_handle_t owner_req;
	uint32_t owner_binds;
	vx_handle_t a, b; /* init's own capabilities, 0 until made */
};

#define END_INIT -1 /* init itself is this end */
#define END_NONE -2 /* a dynamic client: a program the shell runs */

struct broker_conn {
	bool used;
	bool dynamic;
	bool closing;
	bool waiting;	      /* its server's port was full; said once */
	uint64_t sent_ns;     /* when the server ends last went to the server's port */
	int client;	      /* service index, END_INIT or END_NONE */
	int server;	      /* service index or END_INIT */
	vx_handle_t req, rep; /* init's own capabilities to the two Rings */
	char as[MF_NAME_MAX];
	char narrow[MF_GRANT_MAX]; /* its grant, for an attached server's record; "" all */
	/* A dynamic connection's asker, as for a pair (owner_alive): when
	 * that life ends, the connection closes as if it had disconnected
	 * (devd's drivers die with devd, the shell's programs with it). */
	bool owned;
	uint32_t owner;
	vx_handle_t owner_req;
	uint32_t owner_binds;
	/* A dynamic connection's client ends: made when (ns), and seen bound
	 * since.  One not seen bound within INIT_CONN_UNCLAIMED_NS goes back
	 * to the pool (conn_reclaim): an asker cannot hold slots it never
	 * uses. */
	uint64_t made_ns;
	bool client_seen;
};

struct init {
	const struct vx_bundle_page *boot;
	vx_handle_t self, io, bootimg_h, pool, init_port;
	vx_handle_t ram[RAM_MAX]; /* the boot RAM Reticles, ram0 first (ram.c) */
	unsigned nram;
	const void *bootimg;
	size_t bootimg_len;
	struct mf_manifest mf;
	struct svc svc[MF_MAX_SERVICES];
	struct broker_conn conn[MAX_CONNS];
	vx_handle_t pair_pool;
	struct broker_pair pair[MAX_PAIRS];
	struct vx_server server; /* init serves vectra/proto/init.h */
	struct vx_client log;	 /* init's own console connection */
	bool log_up;
};

extern struct init init;

/* log.c */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* broker.c */
int conn_server_of(const char *name);
int conn_new(int client, int server, const char *as, const char *narrow, bool dynamic);
void conn_set_owner(int i, const struct vx_server_conn *conn);
void port_flush(int server);
void conn_deliver_all(uint64_t now, uint64_t *next);
void conn_reclaim(uint64_t now, uint64_t *next);
int pair_new(const struct vx_server_conn *owner, unsigned slot_log2, unsigned count_log2);
void pair_reclaim(uint64_t now, uint64_t *next);
vx_handle_t svc_port_of(int server);

/* ram.c */
int ram_collect(const struct vx_bundle_page *b);
int64_t ram_split(uint64_t bytes, const char *what);

/* supervise.c */
int svc_setup(int i);
int svc_start(int i);
void svc_stopped(int i);
void svc_restart_due(uint64_t now, uint64_t *next);
int svc_kill(int i);
int svc_crash(int i);
int svc_start_again(int i);

/* serve.c */
enum vx_svc_disp init_serve(struct vx_server *s, struct vx_server_conn *c, struct vx_msg *m,
			    void *ctx);

#endif
