// SPDX-License-Identifier: BSD-3-Clause
/*
 * linuxd: the Linux personality (docs/POSIX.md).  It runs unmodified
 * Linux x86_64 programs as foreign-ABI Tasks (VX_SYS_TASK_REGS) and
 * serves their system calls; the shell reaches it over "linux"
 * connections (include/vectra/proto/linux.h).
 *
 * Bundle (etc/manifest):
 *   self     its own Task, CONTROL: to map process memory into itself
 *   ret      the Reticle its processes are made of (linuxd.h, "Memory")
 *   console  its terminal's output
 *   fs       vfsd: /work and /tmp
 *   ns       nsd: SYS:linux/root.tar, the root archive
 *   rng      rngd: getrandom
 *   port     where "linux" connections arrive
 *
 * Signal bits: 0 the server, 2..5 the clients, 8 + i process slot i stopped.
 */
#include "linuxd.h"
#include "client/ns.h"
#include "posix/errno.h"
#include "rt/errstr.h"
#include "vectra/proto/console.h"
#include "vectra/proto/linux.h"
#include "vx_fmt.h"
#include "vx_string.h"

#define VA_CONSOLE 0x10000000ull
#define VA_NS	   0x10010000ull
#define VA_RNG	   0x10030000ull
#define VA_RTC	   0x10040000ull
#define VA_SERVER  0x11000000ull
#define VA_ROOT	   0x40000000ull
#define BIT_SERVER 0u
#define BIT_CHILD0 8u /* process slot i stops on bit BIT_CHILD0 + i */
#define BIT_CON	   2u
#define BIT_NS	   4u
#define BIT_RNG	   5u
#define BIT_RTC	   6u
#define ROOT_NAME  "SYS:linux/root.tar"
#define ENTS_MAX   4096u
#define ARENA	   (384u * 1024u)

vx_handle_t self_task;
struct proc procs[PROC_MAX];
struct tar_index root_ix;
const uint8_t *root_tar;
static uint64_t now_ns; /* 0: not read this round */
bool halts_pending, some_blocked;

uint64_t linux_now(void)
{
	if (!now_ns)
		now_ns = (uint64_t)vx_clock();
	return now_ns;
}

static struct vx_client con, ns, rngc, rtcc;
static struct vx_server srv;
static vx_handle_t child_sig[PROC_MAX];
static uint64_t child_bits; /* every slot's */
static bool rescan;
static struct tar_ent ents[ENTS_MAX];
static char arena[ARENA];
static uint32_t buckets[ENTS_MAX]; /* tar_find's hash table: a bucket an entry */
static struct {
	char buf[VX_MSG_DATA];
	uint32_t n;
} out;

int proc_init(vx_handle_t ret);
void sys_set_rng(struct vx_client *c);
void sys_set_rtc(struct vx_client *c);
void sys_fault(struct proc *p, const struct vx_fault *f);
void sys_resume_after_signal(struct proc *p);

/* Slot's Signal: minted at start for the first PROC_LIMIT slots, at
 * first use (and kept) for the rest; 0 if linuxd's table is full. */
uint64_t child_signal(unsigned slot)
{
	if (!child_sig[slot]) {
		int64_t sig = vx_sig_mint(self_task, 1ull << (BIT_CHILD0 + slot));
		if (sig < 0)
			return 0;
		child_sig[slot] = (vx_handle_t)sig;
	}
	return child_sig[slot];
}

void wake_all(void)
{
	rescan = true;
}

static void con_flush(void)
{
	struct vx_msg m;

	if (!out.n)
		return;
	memset(&m, 0, sizeof(m));
	m.op = CONSOLE_WRITE;
	m.len = (uint16_t)out.n;
	memcpy(m.data, out.buf, out.n);
	out.n = 0;
	vx_client_call(&con, &m, (uint64_t)vx_clock() + 2000000000ull);
}

void con_out(const void *buf, size_t n)
{
	const char *s = buf;

	while (n) {
		size_t k = sizeof(out.buf) - out.n;
		if (k > n)
			k = n;
		memcpy(out.buf + out.n, s, k);
		out.n += (uint32_t)k;
		s += k, n -= k;
		if (out.n == sizeof(out.buf))
			con_flush();
	}
}

static void say(const char *s)
{
	con_out(s, strlen(s));
}

void log_once(uint64_t nr)
{
	static uint8_t seen[SYS_NR_MAX / 8];
	char line[96];
	const char *name = lx_sys_name((unsigned)nr);
	uint64_t i = nr < SYS_NR_MAX ? nr : SYS_NR_MAX - 1;

	if (seen[i / 8] & (1u << (i % 8)))
		return;
	seen[i / 8] |= (uint8_t)(1u << (i % 8));
	vx_snprintf(line, sizeof(line), "linuxd: unimplemented syscall %s (%lu): ENOSYS\n",
		    name ? name : "?", (unsigned long)nr);
	say(line);
}

/* ------------------------------------------------------------- sessions */

static const char *const default_env[] = {
    "PATH=/bin:/usr/bin:/sbin:/usr/sbin",
    "HOME=/work",
    "TERM=vt100",
    "SHELL=/bin/sh",
    "USER=root",
    "LOGNAME=root",
    "PWD=/work",
    NULL,
};

/* Ends the session: every process left in it is killed and freed. */
static void session_end(void)
{
	for (uint32_t i = 0; i < PROC_MAX; i++)
		if (procs[i].state != P_FREE && procs[i].state != P_ZOMBIE)
			proc_exit(&procs[i], LX_SIGKILL);
	for (uint32_t i = 0; i < PROC_MAX; i++)
		if (procs[i].state == P_ZOMBIE) {
			proc_reap(&procs[i]);
		}
	session_sid = 0;
	session_status = -1;
	tty_pgrp = 0;
}

static int run(struct vx_msg *m)
{
	static char argbuf[LINUX_ARGV_MAX + 1];
	static const char *argv[LINUX_ARGV_MAX / 2 + 2];
	char path[PATH_LEN];
	unsigned argc = 0;

	uint32_t grants, len = m->len >= 4 ? m->len - 4u : 0;

	if (session_sid && session_status >= 0)
		session_end(); /* its leader ended and nobody asked: it is over */
	if (session_sid)
		return VX_E_BUSY;
	if (m->len <= 4 || len > LINUX_ARGV_MAX || m->data[m->len - 1] != 0)
		return VX_E_INVAL;
	memcpy(&grants, m->data, 4);
	if (grants & ~LINUX_GRANT_ALL)
		return VX_E_INVAL;
	memcpy(argbuf, m->data + 4, len);
	for (uint32_t i = 0; i < len; i += (uint32_t)strlen(argbuf + i) + 1)
		argv[argc++] = argbuf + i;
	session_grants = grants;
	argv[argc] = NULL;
	if (argv[0][0] == 0)
		return VX_E_INVAL;
	int pid = -LX_ENOENT;
	const char *cwd = grants & LINUX_GRANT_WORK ? "/work" : "/";
	if (strchr(argv[0], '/')) {
		pid = proc_spawn(argv[0], argv, default_env, cwd);
	} else {
		static const char *const dirs[] = {"/bin/", "/usr/bin/", "/sbin/", "/usr/sbin/"};
		for (unsigned i = 0; i < 4 && pid == -LX_ENOENT; i++) {
			if (strlen(dirs[i]) + strlen(argv[0]) >= sizeof(path))
				return VX_E_TOOBIG;
			vx_snprintf(path, sizeof(path), "%s%s", dirs[i], argv[0]);
			pid = proc_spawn(path, argv, default_env, cwd);
		}
	}
	if (pid < 0)
		return pid == -LX_ENOENT			? VX_E_NOTFOUND
		       : pid == -LX_ENOMEM || pid == -LX_EAGAIN ? VX_E_NOMEM
		       : pid == -LX_EACCES			? VX_E_RIGHTS
								: VX_E_INVAL;
	session_sid = tty_pgrp = pid;
	session_status = -1;
	memcpy(m->data, &pid, 4);
	m->len = 4;
	return VX_OK;
}

static enum vx_svc_disp serve(struct vx_server *s, struct vx_server_conn *c, struct vx_msg *m,
			      void *ctx)
{
	(void)s, (void)c, (void)ctx;
	int32_t sig;
	uint32_t idx;

	switch (m->op) {
	case LINUX_RUN:
		m->status = run(m);
		if (m->status != VX_OK)
			m->len = 0;
		break;
	case LINUX_INPUT:
		m->status = session_sid ? tty_input(m->data, m->len) : VX_E_STATE;
		m->len = 0;
		break;
	case LINUX_WAIT:
		m->len = 0;
		if (!session_sid) {
			m->status = VX_E_STATE;
		} else if (session_status < 0) {
			m->status = VX_E_AGAIN;
		} else {
			struct linux_wait w = {.pid = session_sid, .status = session_status};
			con_flush();
			session_end();
			memcpy(m->data, &w, sizeof(w));
			m->len = sizeof(w);
		}
		break;
	case LINUX_SIGNAL:
		if (m->len != 4) {
			m->status = VX_E_INVAL;
			break;
		}
		memcpy(&sig, m->data, 4);
		m->len = 0;
		if (sig < 1 || sig > (int32_t)SIGNALS)
			m->status = VX_E_INVAL;
		else if (!session_sid)
			m->status = VX_E_STATE;
		else
			proc_signal_group(tty_pgrp, sig);
		break;
	case LINUX_STATS: {
		struct linux_stat_row row;
		if (m->len != 4) {
			m->status = VX_E_INVAL;
			break;
		}
		memcpy(&idx, m->data, 4);
		m->status = sys_stats(idx, &row);
		memcpy(m->data, &row, sizeof(row));
		m->len = m->status == VX_OK ? sizeof(row) : 0;
		break;
	}
	default:
		m->status = VX_E_NOSYS;
		m->len = 0;
		break;
	}
	return VX_SVC_REPLY;
}

/* --------------------------------------------------------- the processes */

/* Takes every process that has stopped since the last look: those whose
 * bits fired, and those linuxd halted itself for a signal. */
static void take_stops(uint64_t fired)
{
	struct vx_task_info ti;
	uint64_t look = (halts_pending ? child_bits : fired & child_bits) >> BIT_CHILD0;

	halts_pending = false;
	for (; look; look &= look - 1) {
		uint32_t i = (uint32_t)__builtin_ctzll(look);
		struct proc *p = &procs[i];
		if (p->state != P_RUN || (!(fired & (1ull << (BIT_CHILD0 + i))) && !p->halting))
			continue;
		p->halting = false;
		/* The stop, with the integer registers: one call for a syscall
		 * (the FPU image is fetched only if the call needs it). */
		int64_t rc = vx_task_regs(p->task, VX_REGS_READ | VX_REGS_NOFPU, &p->regs);
		if (rc == VX_E_STATE)
			continue; /* still running: not stopped after all */
		if (rc != VX_OK) {
			proc_exit(p, LX_SIGKILL);
			continue;
		}
		p->fpu_stale = true;
		if (p->regs.stop == VX_FAULT_SYSCALL) {
			p->nr = p->regs.rax;
			p->refaults = 0;
			p->wake_at = 0;
			sys_dispatch(p);
		} else if (p->regs.stop == VX_FAULT_NONE) { /* halted for a signal (proc_signal) */
			sys_resume_after_signal(p);
		} else if (vx_task_inspect(p->task, &ti) == VX_OK) { /* a fault: where */
			sys_fault(p, &ti.fault);
		} else {
			proc_exit(p, LX_SIGKILL);
		}
	}
}

/* Runs every blocked call again (something happened), a few rounds while
 * the calls themselves make more happen. */
static void retry_blocked(void)
{
	for (int round = 0; round < 8 && rescan; round++) {
		rescan = false;
		for (uint32_t i = 0; i < PROC_MAX; i++)
			if (procs[i].state == P_BLOCKED)
				sys_dispatch(&procs[i]);
	}
}

/* The earliest deadline of a blocked call, or never; now if the blocked
 * calls must run again at once.  blocked: whether any call is blocked. */
static uint64_t next_deadline(bool *blocked)
{
	uint64_t d = VX_DEADLINE_NEVER;

	*blocked = false;
	for (uint32_t i = 0; some_blocked && i < PROC_MAX; i++)
		if (procs[i].state == P_BLOCKED) {
			*blocked = true;
			if (procs[i].wake_at && procs[i].wake_at < d)
				d = procs[i].wake_at;
		}
	some_blocked = *blocked;
	return rescan ? (uint64_t)vx_clock() : d;
}

static int load_root(void)
{
	struct ns_object obj;
	vx_handle_t mem;
	struct vx_cap_info ci;
	int rc;

	if ((rc = vx_ns_open_file(&ns, ROOT_NAME, &obj, &mem,
				  (uint64_t)vx_clock() + 5000000000ull)) != VX_OK)
		return rc;
	if ((rc = vx_cap_inspect(mem, &ci)) != VX_OK ||
	    (rc = (int)vx_task_map(self_task, mem, VA_ROOT, VX_PROT_READ)) != VX_OK)
		return rc;
	root_tar = (const uint8_t *)(uintptr_t)(VA_ROOT + obj.offset);
	return tar_index_build(&root_ix, root_tar, obj.size);
}

int main(const struct vx_bundle_page *b, const char *args)
{
	(void)args;
	int64_t self = vx_bundle_handle(b, "self", VX_OBJ_TASK);
	int64_t ret = vx_bundle_handle(b, "ret", VX_OBJ_RETICLE);
	char line[128];
	int rc;

	if (vx_client_open(&con, b, "console", VA_CONSOLE, BIT_CON) != VX_OK)
		return 3;
	vx_client_wait_up(&con, (uint64_t)vx_clock() + 5000000000ull);
	if (self < 0 || ret < 0 || vx_client_open(&ns, b, "ns", VA_NS, BIT_NS) != VX_OK) {
		say("linuxd: needs self, ret and ns\n");
		con_flush();
		return 2;
	}
	self_task = (vx_handle_t)self;
	if (vx_client_open(&rngc, b, "rng", VA_RNG, BIT_RNG) == VX_OK)
		sys_set_rng(&rngc);
	if (vx_client_open(&rtcc, b, "rtc", VA_RTC, BIT_RTC) == VX_OK)
		sys_set_rtc(&rtcc); /* CLOCK_REALTIME's origin */
	for (uint32_t i = 0; i < PROC_MAX; i++) {
		if (i < PROC_LIMIT && !child_signal(i)) {
			say("linuxd: cannot mint its Signals\n");
			con_flush();
			return 2;
		}
		child_bits |= 1ull << (BIT_CHILD0 + i);
	}
	if ((rc = proc_init((vx_handle_t)ret)) != VX_OK ||
	    (rc = mem_init((vx_handle_t)ret)) != VX_OK) {
		say("linuxd: cannot lay out its memory\n");
		con_flush();
		return 2;
	}
	vx_client_wait_up(&ns, (uint64_t)vx_clock() + 5000000000ull);
	root_ix = (struct tar_index){.ent = ents,
				     .max = ENTS_MAX,
				     .arena = arena,
				     .cap = ARENA,
				     .hash = buckets,
				     .nhash = ENTS_MAX};
	if ((rc = load_root()) != VX_OK) {
		/* An image without Linux programs (most test images): serve on,
		 * with an empty root, so that every run is VX_E_NOTFOUND rather
		 * than init restarting linuxd over and over. */
		vx_snprintf(line, sizeof(line),
			    "linuxd: no root archive %s (%s): no Linux programs\n", ROOT_NAME,
			    vx_errname(rc));
		say(line);
		tar_index_build(&root_ix, (const uint8_t *)"", 0);
	}
	files_init(b);
	if ((rc = vx_server_init(&srv, b, VA_SERVER, BIT_SERVER)) != VX_OK) {
		say("linuxd: no port\n");
		con_flush();
		return 2;
	}
	vx_snprintf(line, sizeof(line),
		    "linuxd: %u files in the root archive, %u MiB for processes\n", root_ix.n,
		    slabs_free() * (unsigned)(SLAB_BYTES >> 20));
	say(line);
	for (;;) {
		con_flush();
		bool blocked;
		uint64_t fired = vx_server_wait_with(&srv, child_bits, next_deadline(&blocked),
						     sys_answer_and_wait, NULL);
		now_ns = 0;
		if (answer_failed) {
			proc_exit(answer_failed, LX_SIGSEGV);
			answer_failed = NULL;
		}
		/* Only processes' bits fired: the server's rings hold nothing new
		 * (vx_server_poll costs a syscall even then).  Anything else, a
		 * deadline or the first round included: look. */
		if (!(fired & child_bits) || (fired & ~child_bits))
			vx_server_poll(&srv, serve, NULL);
		take_stops(fired);
		/* A call blocked before the wait whose deadline has passed runs
		 * again (calls blocked just now are new: rescan covers them). */
		for (uint32_t i = 0; blocked && i < PROC_MAX; i++)
			if (procs[i].state == P_BLOCKED && procs[i].wake_at &&
			    procs[i].wake_at <= linux_now())
				rescan = true;
		retry_blocked();
	}
}
