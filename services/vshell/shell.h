/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vshell: the shell a person boots into.  Shared state and the seams
 * between its files:
 *
 *   main.c       startup (Bundle, connections) and the read-edit-run loop
 *   conio.c      the console connection: buffered output, input reads
 *   client.c     calls on the other connections (fs, ns, init)
 *   commands.c   the command table, argument checks, dispatch, help
 *   cmd_files.c  ls cat write echo rm mv mkdir (vfsd, client/fs.h)
 *   cmd_run.c    run: a program from SYS:bin in a child Reticle
 *   cmd_sys.c    ps caps mem kill uptime crash (init, the kernel)
 *   cmd_trust.c  login lock install pkgs (identityd, vpkg), and the
 *                identity and package calls run makes
 *   cmd_rng.c    random (rngd)
 *   cmd_dev.c    devices (devd)
 *   cmd_net.c    net, ping (netd), host, dns (dnsd)
 *   cmd_http.c   get, serve (HTTP: lib/net/http.h; serve runs httpd)
 *   cmd_nc.c     nc (a TCP connection between the console and a peer)
 *   cmd_linux.c  linux (a Linux program under linuxd, the POSIX bridge)
 *   pure_line.c, pure_cmd.c, pure_show.c, pure_secret.c: the pure parts,
 *                host-tested
 *
 * BUNDLE (what the boot manifest must grant)
 *
 *   console.req/.rep  connection to uartd (required: without it the shell
 *                     exits with code 2)
 *   fs.req/.rep       connection to vfsd  (file commands)
 *   ns.req/.rep       connection to nsd   (run)
 *   init.req/.rep     connection to init  (ps kill crash mem, run's grants)
 *   identity.req/.rep connection to identityd, all rights (login, lock,
 *                     and minting "identity.*" grants for run)
 *   pkg.req/.rep      connection to vpkg  (install, pkgs, run of a package)
 *   rng.req/.rep      connection to rngd  (random)
 *   devices.req/.rep  connection to devd  (devices)
 *   net.req/.rep      connection to netd  (net, ping)
 *   dns.req/.rep      connection to dnsd  (host, dns, ping NAME)
 *   rtc.req/.rep      connection to rtcd  (date)
 *   ret               Reticle, CONTROL: pays for the programs run runs
 *   self              Task, CONTROL: to map rings, images and files, and
 *                     to mint the signal that reports a child's end
 *
 * ADDRESS SPACE AND SIGNAL BITS used by the shell itself: see below.
 * Everything runs in one thread; no call is reentered.
 */
#ifndef VSHELL_SHELL_H
#define VSHELL_SHELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "rt/vx.h"
#include "rt/svc.h"
#include "rt/errstr.h"
#include "pure_cmd.h"
#include "pure_show.h"
#include "vectra/proto/identity.h"
#include "vectra/proto/pkg.h"

#define MS 1000000ull

/* Connection ends are bound at these addresses (VX_SVC_CONN_SPAN each). */
#define VA_CONSOLE 0x10000000ull
#define VA_FS	   0x10010000ull
#define VA_NS	   0x10020000ull
#define VA_INIT	   0x10030000ull
#define VA_ID	   0x10040000ull
#define VA_PKG	   0x10050000ull
#define VA_RNG	   0x10060000ull
#define VA_DEV	   0x10070000ull
#define VA_NET	   0x10080000ull
#define VA_DNS	   0x10090000ull
#define VA_SOCK	   0x10100000ull /* get's and nc's socket (VX_SOCK_SPAN) */
#define VA_LSOCK   0x10120000ull /* nc -l's listener (VX_SOCK_SPAN) */
#define VA_LINUX   0x100a0000ull
#define VA_RTC	   0x100b0000ull
#define VA_PROGRAM 0x40000000ull /* a boot-image MemCap from nsd, during run */
#define VA_FILE	   0x60000000ull /* a file's MemCap from vfsd, during cat */
#define VA_BULK	   0x62200000ull /* the bulk buffer (vsh_bulk) */
#define BULK	   (64u << 10)

/* Signal bits: one per connection, one for the child of run. */
#define BIT_CONSOLE 1u
#define BIT_FS	    2u
#define BIT_NS	    3u
#define BIT_INIT    4u
#define BIT_ID	    5u
#define BIT_PKG	    6u
#define BIT_RNG	    7u
#define BIT_CHILD   8u
#define BIT_DEV	    9u
#define BIT_NET	    10u
#define BIT_DNS	    11u
#define BIT_SOCK    12u /* get's and nc's socket */
#define BIT_LINUX   13u
#define BIT_RTC	    14u

#define CALL_TIMEOUT (2000 * MS) /* for one request to fs, ns or init */

/* A connection to a service other than the console. */
struct vsh_client {
	const char *name; /* "fs", "ns", "init", "identity", "pkg", "rng" */
	bool open;	  /* found in the Bundle and attached */
	struct vx_client c;
};

/* How the last program run ended, for ps. */
struct vsh_last {
	bool valid;
	char name[VSH_PROG_MAX + 1];
	char outcome[96];
};

struct vsh {
	const struct vx_bundle_page *bundle;
	vx_handle_t self;      /* VX_NO_HANDLE if not granted */
	vx_handle_t ret;       /* VX_NO_HANDLE if not granted */
	vx_handle_t child_sig; /* Signal for BIT_CHILD, minted once */
	struct vsh_client fs, ns, init, id, pkg, rng, dev, net, dns, lx, rtc;
	struct vsh_last last;
	bool secret; /* the next line typed is login's passphrase */
};

extern struct vsh shell;

/* ------------------------------------------------------------ conio.c */

/* Attaches the Bundle's console connection. */
int con_open(const struct vx_bundle_page *b);

/* Buffered output to the console; written out at '\n'-free boundaries of
 * VX_MSG_DATA bytes and at con_flush (every read flushes first). */
void con_write(const char *s, size_t n);
void con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void con_flush(void);

/* Waits for input: copies up to cap bytes into buf and returns how many
 * (>= 1).  Survives a uartd restart (waits for the new instance). */
size_t con_read(uint8_t *buf, size_t cap);
/* Puts n bytes con_read returned back in front of the input, for the
 * next con_read (and con_take_interrupt) to find. */
void con_unread(const uint8_t *buf, size_t n);

/* Waits until new input arrives (returns 0, input kept for con_read or
 * con_take_interrupt) or one of extra's bits fires (returns those bits). */
uint64_t con_wait(uint64_t extra);

/* Consumes the pending input up to and including the first Ctrl-C, if
 * there is one; returns whether there was. */
bool con_take_interrupt(void);

/* Without waiting: takes the input that has come (for nc), up to cap
 * bytes; returns how many (0: none). */
size_t con_poll(uint8_t *buf, size_t cap);

/* Without waiting: takes the input that has come and consumes it up to a
 * Ctrl-C (con_take_interrupt); for loops that wait on something else. */
bool con_interrupted(void);

/* ----------------------------------------------------------- client.c */

/* Attaches the Bundle's NAME.req/.rep; k->open says whether it worked. */
void client_open(struct vsh_client *k, const char *name, uint64_t va, uint32_t bit);

/* vx_client_call with CALL_TIMEOUT, after dropping capabilities a late
 * reply left behind.  VX_E_NOTFOUND if the shell holds no such connection. */
int client_call(struct vsh_client *k, struct vx_msg *m);

/* The same with a timeout of its own, for calls that work for a while
 * (install verifies a package, login runs Argon2id). */
int client_call_for(struct vsh_client *k, struct vx_msg *m, uint64_t timeout_ns);

/* For loops that retry once when the server was restarting:
 *     int tries = 0;
 *     do rc = ...; while (client_retry(k, rc, &tries));
 * Waits (up to CALL_TIMEOUT) for the server to come back before saying yes. */
bool client_retry(struct vsh_client *k, int rc, int *tries);

/* Deletes every capability waiting on k's rep Ring: before a call is
 * sent, none of them is ours to keep (client/fs.h callers use this). */
void client_drop_caps(struct vsh_client *k);

/* Receives one capability that came with the last reply on k. */
int64_t client_take_cap(struct vsh_client *k);

/* Prints "CMD: cannot reach SERVICE: reason" for a transport error and
 * returns true, or returns false for any other rc. */
bool client_report(const char *cmd, const struct vsh_client *k, int rc);

/* An absolute deadline CALL_TIMEOUT from now. */
uint64_t client_deadline(void);

/* --------------------------------------------------------- commands.c */

void vsh_execute(const char *line);

/* --------------------------------------------------------- the commands */

void cmd_help(const struct vsh_cmd *c);
void cmd_ls(const struct vsh_cmd *c);
void cmd_cat(const struct vsh_cmd *c);
void cmd_write(const struct vsh_cmd *c);
void cmd_echo(const struct vsh_cmd *c);
void cmd_rm(const struct vsh_cmd *c);
void cmd_mv(const struct vsh_cmd *c);
void cmd_mkdir(const struct vsh_cmd *c);
void cmd_run(const struct vsh_cmd *c);
void cmd_ps(const struct vsh_cmd *c);
void cmd_caps(const struct vsh_cmd *c);
void cmd_mem(const struct vsh_cmd *c);
void cmd_kill(const struct vsh_cmd *c);
void cmd_start(const struct vsh_cmd *c);
void cmd_uptime(const struct vsh_cmd *c);
void cmd_date(const struct vsh_cmd *c);
void cmd_crash(const struct vsh_cmd *c);
void cmd_login(const struct vsh_cmd *c);
void cmd_lock(const struct vsh_cmd *c);
void cmd_install(const struct vsh_cmd *c);
void cmd_pkgs(const struct vsh_cmd *c);
void cmd_random(const struct vsh_cmd *c);
void cmd_devices(const struct vsh_cmd *c);
void cmd_disk(const struct vsh_cmd *c);
void cmd_net(const struct vsh_cmd *c);
/* name (a dotted quad, or a name dnsd resolves) into addr, the first
 * address of the answer *a; false after saying why, as cmd. */
struct dns_answer;
bool vsh_resolve_addr(const char *cmd, const char *name, uint8_t addr[4], struct dns_answer *a);
/* Why a TCP connection could not be made, for a person (cmd_net.c). */
const char *vsh_connect_why(int rc);
/* A TCP connection of the shell's netd connection to addr:port into *s
 * (at VA_SOCK, on BIT_SOCK), waiting up to timeout_ms for the handshake;
 * Ctrl-C gives up at once (netd cancels the connect) and sets *stopped.
 * VX_OK or the error (cmd_net.c). */
struct vx_sock;
int vsh_connect(struct vx_sock *s, const uint8_t addr[4], uint16_t port, uint32_t timeout_ms,
		bool *stopped);
void cmd_ping(const struct vsh_cmd *c);
void cmd_host(const struct vsh_cmd *c);
void cmd_dns(const struct vsh_cmd *c);
void cmd_df(const struct vsh_cmd *c);

/* Replacing an existing file only once its new contents are whole (cp,
 * get; cmd_files.c).  vsh_temp_beside makes an empty file beside to (in
 * its directory, ".cp~" and eight hex digits) and returns its path, valid
 * until the next call; NULL when its name would not fit a path or a
 * rename beside to's, or it cannot be made (then write in place).
 * vsh_take_place renames tmp over to: atomically on HOME:, where rename
 * replaces; on RAM: and EXT: by removing to and then renaming.  False,
 * after a line that names what failed as cmd, if it could not (tmp is
 * removed, unless to was already gone: then the line names tmp). */
const char *vsh_temp_beside(const char *to);
bool vsh_take_place(const char *cmd, const char *tmp, const char *to);

/* The shell's bulk buffer: a Mem of BULK bytes from its ret, mapped at
 * VA_BULK, that vfsd reads files into and writes them from (cp, sum) and
 * disks are read into (disk); *mem is its handle.  Made on first use. */
int vsh_bulk(vx_handle_t *mem);
/* Does path name the boot image (SYS:, nsd's, read-only)? */
bool vsh_is_sys(const char *path);
void cmd_cp(const struct vsh_cmd *c);
void cmd_sum(const struct vsh_cmd *c);
void cmd_sync(const struct vsh_cmd *c);
void cmd_snap(const struct vsh_cmd *c);
void dev_ps_lines(void); /* cmd_dev.c: ps's lines for driver Tasks */
void cmd_get(const struct vsh_cmd *c);
void cmd_serve(const struct vsh_cmd *c);
void cmd_nc(const struct vsh_cmd *c);
void cmd_linux(const struct vsh_cmd *c);

/* cmd_run.c: runs SYS:bin/r->program (or the installed package of that
 * name) with r->args and r->grants exactly as run does, until it ends or
 * Ctrl-C; r must live until it returns.  For commands that start a
 * program of their own (serve). */
void vsh_run_program(const struct vsh_run *r);

/* ---------------------------------------------------------- cmd_trust.c */

/* login's second half: the passphrase typed (never echoed); wiped after. */
void login_finish(const char *pass, size_t n);

/* The text for any error a trust service returns (VT_E_*, ID_E_*, PKG_E_*,
 * VX_E_*). */
const char *trust_strerror(int rc);

/* PKG_INFO: VX_OK and *info if name is an installed package. */
int pkg_info_of(const char *name, struct pkg_info *info);

/* PKG_GRANT: the index-th Bundle entry of package name. */
int pkg_grant_at(const char *name, uint32_t index, struct pkg_grant *g);

/* ID_MINT: a new identityd connection with rights (a facet); its client
 * ends and the id to give back with id_unmint. */
int id_mint(uint32_t rights, int64_t *req, int64_t *rep, uint32_t *id);
void id_unmint(uint32_t id);

#endif
