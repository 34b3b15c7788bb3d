// SPDX-License-Identifier: BSD-3-Clause
/*
 * Linux processes: exec (the ELF program, its interpreter, the initial
 * stack), fork, exit and wait, process groups and signals.
 *
 * A process's Task and page tables live in a core Reticle of its own
 * (CORE_BYTES, split from "ret" at start), so exec can throw away every
 * slab of the old image and keep the Task.  fork copies every private
 * area at once (copy-on-write is not done yet: docs/POSIX.md).
 */
#include "linuxd.h"
#include "posix/elf.h"
#include "posix/stack.h"
#include "posix/sigframe.h"
#include "posix/thread.h"
#include "vx_string.h"

#define CORE_BYTES (256u * 1024u)
#define ARGS_MAX   64u	  /* argv + envp entries an exec copies */
#define ARGS_BYTES 32768u /* their bytes */

int session_sid;
int session_status = -1;
int tty_pgrp;
uint32_t session_grants = LINUX_GRANT_ALL;

/* Slots 0..PROC_LIMIT-1 get their core at start; the rest, which only
 * threads beyond the first few need, take theirs from thread_cores at
 * their first use and keep it (a Reticle frees only at reset). */
static vx_handle_t core[PROC_MAX], thread_cores;
static int next_pid = 100;
int last_pid;
uint64_t forks;

int proc_init(vx_handle_t ret);
int proc_init(vx_handle_t ret)
{
	for (uint32_t i = 0; i < PROC_LIMIT; i++) {
		int64_t h = vx_reticle_split(ret, CORE_BYTES);
		if (h < 0)
			return (int)h;
		core[i] = (vx_handle_t)h;
	}
	int64_t h =
	    vx_reticle_split(ret, (PROC_MAX - PROC_LIMIT) * (CORE_BYTES + 2 * VX_PAGE_SIZE));
	if (h < 0)
		return (int)h;
	thread_cores = (vx_handle_t)h;
	return VX_OK;
}

/* The process (its leader) with a thread whose id is pid, or NULL. */
struct proc *proc_find(int pid)
{
	for (uint32_t i = 0; i < PROC_MAX; i++)
		if (procs[i].state != P_FREE && procs[i].pid == pid)
			return procs[i].grp;
	return NULL;
}

/* The thread whose id is tid (not a zombie), or NULL. */
static struct proc *thread_find(int tid)
{
	for (uint32_t i = 0; i < PROC_MAX; i++)
		if (procs[i].state != P_FREE && procs[i].state != P_ZOMBIE &&
		    procs[i].state != P_LEFT && procs[i].pid == tid)
			return &procs[i];
	return NULL;
}

/* Slot i's core Reticle, made at its first use. */
static vx_handle_t core_of(uint32_t i)
{
	if (!core[i]) {
		int64_t h = vx_reticle_split(thread_cores, CORE_BYTES);
		if (h < 0)
			return 0;
		core[i] = (vx_handle_t)h;
	}
	return core[i];
}

/* How many processes there are (zombies too): PROC_LIMIT at most. */
static uint32_t processes(void)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < PROC_MAX; i++)
		n += procs[i].state != P_FREE && procs[i].grp == &procs[i];
	return n;
}

/* A free slot with a fresh Task, supervised on linuxd's child bit: a new
 * process (thread false; PROC_LIMIT of them), or a thread for the caller
 * to join to its group.  NULL when none is left (EAGAIN). */
static struct proc *proc_alloc(bool thread)
{
	if (!thread && processes() >= PROC_LIMIT)
		return NULL;
	for (uint32_t i = 0; i < PROC_MAX; i++) {
		struct proc *p = &procs[i];
		if (p->state != P_FREE)
			continue;
		vx_handle_t c = core_of(i);
		uint64_t sig = child_signal(i);
		if (!c || !sig)
			return NULL;
		int64_t t = vx_reticle_retype(c, VX_OBJ_TASK, 0);
		if (t < 0)
			return NULL;
		memset(p, 0, sizeof(*p));
		p->task = (vx_handle_t)t;
		if (vx_task_supervise(p->task, (vx_handle_t)sig) != VX_OK) {
			vx_cap_delete(p->task);
			vx_reticle_reset(c);
			return NULL;
		}
		p->grp = p;
		p->thread[0] = p;
		p->pid = last_pid = next_pid++;
		p->start_ns = linux_now();
		p->state = P_RUN;
		p->mmap_next = MMAP_TOP;
		memcpy(p->cwd, "/", sizeof("/"));
		return p;
	}
	return NULL;
}

/* Frees a slot whose process (or thread) has released everything else. */
static void proc_free(struct proc *p)
{
	uint32_t i = (uint32_t)(p - procs);

	futex_forget(p);
	vx_cap_delete(p->task);
	vx_reticle_reset(core[i]);
	p->state = P_FREE;
}

/* ------------------------------------------------------------------ exec */

static uint64_t page_down(uint64_t x)
{
	return x & ~(uint64_t)(VX_PAGE_SIZE - 1);
}
static uint64_t page_up(uint64_t x)
{
	return page_down(x + VX_PAGE_SIZE - 1);
}

/* Maps the PT_LOAD segments of e (from src) at bias.  A read-only
 * segment of the root archive is shared text; the rest are copies. */
static int load_segments(struct proc *p, const struct lx_elf *e, const struct exec_source *src,
			 uint64_t bias, uint64_t *end)
{
	const uint8_t *file = src->bytes;
	int err;

	*end = 0;
	for (unsigned i = 0; i < e->nsegs; i++) {
		const struct lx_seg *s = &e->seg[i];
		uint64_t va = page_down(s->vaddr), top = page_up(s->vaddr + s->memsz);
		uint32_t prot = (s->prot & VX_PROT_READ ? LX_PROT_READ : 0) |
				(s->prot & VX_PROT_WRITE ? LX_PROT_WRITE : 0) |
				(s->prot & VX_PROT_EXEC ? LX_PROT_EXEC : 0);
		if (!(prot & LX_PROT_WRITE) && src->ent != TAR_NONE) {
			err =
			    area_text(p, src->ent, bias + va, top - va, page_down(s->offset), prot);
		} else {
			err = area_new(p, bias + va, top - va, LX_PROT_READ | LX_PROT_WRITE, 0);
			if (!err)
				err = copy_out(p, bias + s->vaddr, file + s->offset, s->filesz);
			if (!err && prot != (LX_PROT_READ | LX_PROT_WRITE)) { /* not W+X: elf.h */
				uint64_t args[3] = {bias + va, top - va, prot};
				err = (int)sys_mprotect(p, args);
			}
		}
		if (err)
			return err;
		if (bias + top > *end)
			*end = bias + top;
	}
	return 0;
}

/* The checks exec makes before anything of the old image goes.  The
 * interpreter must come from the root archive. */
struct exec_plan {
	struct exec_source prog, interp_src;
	bool has_interp;
	struct lx_elf elf, interp;
	char path[PATH_LEN];
	char comm[16]; /* the last component of the path as execve was given it */
};

static void plan_done(struct exec_plan *x)
{
	exec_source_done(&x->prog);
	exec_source_done(&x->interp_src);
}

/* The process's name is the name it was run by, as on Linux: "sh", not
 * "busybox", for /bin/sh (a link); a script's own name, not its
 * interpreter's. */
static void plan_comm(struct exec_plan *x, const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n >= sizeof(x->comm))
		n = sizeof(x->comm) - 1;
	memcpy(x->comm, base, n);
	x->comm[n] = 0;
}

static int exec_plan(struct proc *p, const char *path, struct exec_plan *x)
{
	int err;
	char ip[PATH_LEN];

	memset(x, 0, sizeof(*x));
	plan_comm(x, path);
	if ((err = file_resolve_exec(p, path, &x->prog, x->path, sizeof(x->path), EXEC_VIEW_VA)) !=
	    0)
		return err;
	if ((err = lx_elf_parse(x->prog.bytes, x->prog.size, &x->elf)) != 0)
		goto fail;
	if ((x->has_interp = x->elf.interp[0] != 0)) {
		err = file_resolve_exec(p, x->elf.interp, &x->interp_src, ip, sizeof(ip), 0);
		if (err || x->interp_src.ent == TAR_NONE) {
			err = err == -LX_ENOENT ? -LX_ENOENT : -LX_ENOEXEC;
			goto fail;
		}
		if (lx_elf_parse(x->interp_src.bytes, x->interp_src.size, &x->interp) != 0 ||
		    x->interp.interp[0] || x->interp.type != LX_ET_DYN) {
			err = -LX_ENOEXEC;
			goto fail;
		}
	}
	return 0;
fail:
	plan_done(x);
	return err;
}

/*
 * A script ("#!INTERPRETER [ARG]" on its first line), as Linux's execve
 * runs one: the interpreter with argv {INTERPRETER, [ARG,] PATH, argv[1],
 * ...}.  *path and *argv are replaced (their strings go into buf) when
 * path names a script; one level only (the interpreter must be a program:
 * ENOEXEC otherwise, as Linux says after its few levels).  0 or an errno.
 */
#define SHEBANG_MAX 256u
struct shebang {
	char line[SHEBANG_MAX];
	char path[PATH_LEN];
	const char *argv[ARGS_MAX + 3];
};

static int shebang(struct proc *p, const char **path, const char *const **argv, struct shebang *sb)
{
	struct exec_source src;
	char abs[PATH_LEN];
	int err = file_resolve_exec(p, *path, &src, abs, sizeof(abs), EXEC_VIEW_VA);

	if (err)
		return err == -LX_EACCES ? err : 0; /* exec_plan reports it the same way */
	bool script = src.size >= 2 && src.bytes[0] == '#' && src.bytes[1] == '!';
	size_t n = 0;
	if (script)
		while (n + 2 < src.size && n < SHEBANG_MAX - 1 && src.bytes[n + 2] != '\n')
			sb->line[n] = (char)src.bytes[n + 2], n++;
	exec_source_done(&src);
	if (!script)
		return 0;
	if (n == SHEBANG_MAX - 1)
		return -LX_ENOEXEC; /* a first line too long to be one */
	sb->line[n] = 0;
	char *s = sb->line, *interp, *arg = NULL;
	while (*s == ' ' || *s == '\t')
		s++;
	interp = s;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	if (*s) {
		*s++ = 0;
		while (*s == ' ' || *s == '\t')
			s++;
		size_t e = strlen(s);
		while (e && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r'))
			s[--e] = 0;
		if (*s)
			arg = s;
	}
	if (!*interp)
		return -LX_ENOEXEC;
	size_t pl = strlen(*path);
	if (pl >= sizeof(sb->path))
		return -LX_ENAMETOOLONG;
	memcpy(sb->path, *path, pl + 1);
	unsigned k = 0;
	sb->argv[k++] = interp;
	if (arg)
		sb->argv[k++] = arg;
	sb->argv[k++] = sb->path;
	for (unsigned i = 1; (*argv)[0] && (*argv)[i] && k < ARGS_MAX + 2; i++)
		sb->argv[k++] = (*argv)[i];
	sb->argv[k] = NULL;
	*path = interp;
	*argv = sb->argv;
	return 0;
}

/* Random bytes for AT_RANDOM: not secret here (no rng connection is
 * needed to start a program); getrandom asks rngd. */
static void weak_random(uint8_t out[16])
{
	static uint64_t ctr;
	uint64_t x = (uint64_t)vx_clock() ^ (++ctr * 0x9e3779b97f4a7c15ull);

	for (int i = 0; i < 16; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		out[i] = (uint8_t)x;
	}
}

/* Where the argv strings lx_stack_build laid out from sp lie (they are
 * contiguous, argv[0] first): /proc/PID/cmdline reads them there. */
static void args_range(struct proc *p, const struct area *st, uint64_t sp)
{
	const uint64_t *w = (const uint64_t *)(const void *)(st->ptr + (sp - st->va));
	uint64_t argc = w[0], last = w[argc];

	p->arg_start = w[1];
	p->arg_end = last + strlen((const char *)st->ptr + (last - st->va)) + 1;
}

/* Builds the new image of p from plan x: areas, stack and registers.  p's
 * old areas must be gone.  On failure p is left without an image. */
static int exec_build(struct proc *p, struct exec_plan *x, const char *const argv[],
		      const char *const envp[])
{
	uint64_t bias = x->elf.type == LX_ET_DYN ? PIE_BIAS : 0, end, iend, ibias = 0;
	struct lx_auxv aux;
	int err;

	if ((err = load_segments(p, &x->elf, &x->prog, bias, &end)) != 0)
		return err;
	p->brk_start = p->brk = end;
	p->mmap_next = MMAP_TOP;
	if (x->has_interp) {
		ibias = INTERP_BIAS;
		if ((err = load_segments(p, &x->interp, &x->interp_src, ibias, &iend)) != 0)
			return err;
	}
	/* The stack is two areas: the top STACK_HOT bytes, which nearly every
	 * program stays within, and the rest below, so that a fork's
	 * copy-on-write copies only the part a process writes. */
	if ((err = area_new(p, STACK_TOP - STACK_HOT, STACK_HOT, LX_PROT_READ | LX_PROT_WRITE,
			    0)) != 0 ||
	    (err = area_new(p, STACK_TOP - STACK_BYTES, STACK_BYTES - STACK_HOT,
			    LX_PROT_READ | LX_PROT_WRITE, 0)) != 0)
		return err;
	struct area *st = area_find(p, STACK_TOP - 1);
	memset(&aux, 0, sizeof(aux));
	aux.phdr = x->elf.phdr_vaddr + bias;
	aux.phent = x->elf.phentsize;
	aux.phnum = x->elf.phnum;
	aux.pagesz = VX_PAGE_SIZE;
	aux.base = ibias;
	aux.entry = x->elf.entry + bias;
	aux.clktck = 100;
	aux.minsigstksz = 2048;
	aux.execfn = x->path;
	weak_random(aux.random);
	uint64_t sp;
	if ((err = lx_stack_build(st->ptr, st->len, STACK_TOP, argv, envp, &aux, &sp)) != 0)
		return err;
	memset(&p->regs, 0, sizeof(p->regs));
	p->regs.rip = x->has_interp ? x->interp.entry + ibias : x->elf.entry + bias;
	p->regs.rsp = sp;
	p->regs.rflags = 0x202;
	p->regs.flags = VX_REGS_FOREIGN;
	p->regs.fpu[0] = 0x7f, p->regs.fpu[1] = 0x03;	/* FCW 0x037f */
	p->regs.fpu[24] = 0x80, p->regs.fpu[25] = 0x1f; /* MXCSR 0x1f80 */
	p->fpu_stale = false;
	p->rseq_va = 0; /* the old image's registration goes with it */
	memcpy(p->comm, x->comm, sizeof(p->comm));
	memcpy(p->exe, x->path, PATH_LEN);
	args_range(p, st, sp);
	/* Handled signals go back to their defaults; ignored ones stay so. */
	for (unsigned s = 1; s <= SIGNALS; s++)
		if (p->act[s].handler != LX_SIG_IGN)
			memset(&p->act[s], 0, sizeof(p->act[s]));
	return 0;
}

int proc_spawn(const char *path, const char *const argv[], const char *const envp[],
	       const char *cwd)
{
	static struct exec_plan x;
	static struct shebang sb;
	struct proc *p;
	int err;

	if ((p = proc_alloc(false)) == NULL)
		return -LX_EAGAIN;
	if (strlen(cwd) < sizeof(p->cwd))
		memcpy(p->cwd, cwd, strlen(cwd) + 1);
	const char *given = path;
	if ((err = shebang(p, &path, &argv, &sb)) == 0 && (err = exec_plan(p, path, &x)) == 0) {
		plan_comm(&x, given);
		err = exec_build(p, &x, argv, envp);
		plan_done(&x);
	}
	if (err) {
		mem_release(p);
		proc_free(p);
		return err;
	}
	p->ppid = 0;
	p->pgid = p->sid = p->pid;
	forks++;
	p->umask = 022;
	files_std(p);
	if (vx_task_regs(p->task, VX_REGS_WRITE, &p->regs) != VX_OK ||
	    vx_task_start(p->task, VX_NO_HANDLE) != VX_OK) {
		lx_fd_close_all(&p->fds, &file_ops);
		mem_release(p);
		proc_free(p);
		return -LX_ENOMEM;
	}
	return p->pid;
}

/* Copies a NULL-terminated array of strings out of p into buf. */
static int copy_strv(struct proc *p, uint64_t va, const char **out, unsigned max, char **buf,
		     size_t *room)
{
	unsigned n = 0;

	if (va == 0) {
		out[0] = NULL;
		return 0;
	}
	for (;; n++) {
		uint64_t ptr;
		if (n == max)
			return -LX_E2BIG;
		if (copy_in(p, &ptr, va + 8ull * n, 8) != 0)
			return -LX_EFAULT;
		if (ptr == 0)
			break;
		int64_t len = copy_str(p, *buf, ptr, *room);
		if (len < 0)
			return len == -LX_ENAMETOOLONG ? -LX_E2BIG : (int)len;
		out[n] = *buf;
		*buf += len + 1;
		*room -= (size_t)len + 1;
	}
	out[n] = NULL;
	return 0;
}

int64_t sys_execve(struct proc *p, const uint64_t *a)
{
	static struct exec_plan x;
	static char strings[ARGS_BYTES];
	static const char *argv[ARGS_MAX + 1], *envp[ARGS_MAX + 1];
	char path[PATH_LEN], *buf = strings;
	size_t room = sizeof(strings);
	int64_t n;
	int err;

	if ((n = copy_str(p, path, a[0], sizeof(path))) < 0)
		return n;
	if ((err = copy_strv(p, a[1], argv, ARGS_MAX, &buf, &room)) != 0 ||
	    (err = copy_strv(p, a[2], envp, ARGS_MAX, &buf, &room)) != 0)
		return err;
	static struct shebang sb;
	const char *prog = path;
	const char *const *args = argv;
	if ((err = shebang(p, &prog, &args, &sb)) != 0 || (err = exec_plan(p, prog, &x)) != 0)
		return err;
	plan_comm(&x, path);
	/* The point of no return: the old image goes, and every other thread
	 * with it.  The new image runs in the process's first Task (its id is
	 * the process's, as Linux gives the exec'ing thread the leader's). */
	struct proc *g = p->grp;
	uint64_t mask = p->mask;
	bool moved = p != g;
	threads_end(g, p);
	if (moved) {
		if (answer_owed == g)
			answer_owed = NULL;
		vx_task_halt(g->task); /* its registers are about to be the new image's */
		g->halting = g->suspended = false;
		g->mask = mask;
		g->pending = p->pending;
		thread_free(p);
		p = g;
	}
	p->clear_tid = 0;
	futex_forget(p);
	mem_release(p);
	err = exec_build(p, &x, args, envp);
	plan_done(&x);
	if (err) {
		proc_exit(p, LX_SIGSEGV);
		return SYS_GONE;
	}
	lx_fd_exec(&p->fds, &file_ops);
	if (moved) /* the caller's slot is gone: its leader runs the image */
		sys_resume(p);
	return SYS_GONE; /* the registers are the new image's */
}

/* ------------------------------------------------------------------ fork */

/* fork: a new process with a copy of p's memory and descriptors, running
 * only p, the calling thread (Linux copies no other thread). */
static int64_t do_fork(struct proc *p, uint64_t new_sp)
{
	struct proc *c = proc_alloc(false), *g = p->grp;
	int err;

	if (!c)
		return -LX_EAGAIN;
	c->ppid = g->pid;
	c->pgid = g->pgid;
	c->sid = g->sid;
	memcpy(c->cwd, g->cwd, sizeof(c->cwd));
	memcpy(c->comm, g->comm, sizeof(c->comm));
	memcpy(c->exe, g->exe, sizeof(c->exe));
	c->arg_start = g->arg_start;
	c->arg_end = g->arg_end;
	forks++;
	c->umask = g->umask;
	memcpy(c->act, g->act, sizeof(c->act));
	c->mask = p->mask;
	c->rseq_va = p->rseq_va; /* the child's copy of memory holds it too */
	c->rseq_sig = p->rseq_sig;
	if ((err = mem_fork(c, p)) != 0) {
		mem_release(c);
		proc_free(c);
		return err;
	}
	lx_fd_fork(&c->fds, &g->fds, &file_ops);
	if ((err = proc_fpu(p)) != 0) { /* the child starts with the parent's */
		lx_fd_close_all(&c->fds, &file_ops);
		mem_release(c);
		proc_free(c);
		return err;
	}
	c->regs = p->regs;
	c->fpu_stale = false;
	c->regs.rax = 0;
	if (new_sp)
		c->regs.rsp = new_sp;
	if (vx_task_regs(c->task, VX_REGS_WRITE, &c->regs) != VX_OK ||
	    vx_task_start(c->task, VX_NO_HANDLE) != VX_OK) {
		lx_fd_close_all(&c->fds, &file_ops);
		mem_release(c);
		proc_free(c);
		return -LX_ENOMEM;
	}
	return c->pid;
}

int64_t sys_fork(struct proc *p, const uint64_t *a)
{
	(void)a;
	return do_fork(p, 0);
}

int64_t sys_vfork(struct proc *p, const uint64_t *a)
{
	(void)a;
	return do_fork(p, 0); /* the parent need not wait: the child's memory is its own */
}

/* ---------------------------------------------------------------- threads */

/* How many of g's threads have not ended (g's own, unless it left). */
unsigned threads_alive(const struct proc *g)
{
	unsigned n = g->state != P_LEFT;

	for (unsigned t = 1; t < THREAD_MAX; t++)
		n += g->thread[t] != NULL;
	return n;
}

/* Does linuxd keep room for everyone else if a thread of g takes a
 * handle for each of g's areas?  A thread storm must not starve other
 * processes' forks, maps and opens of handles. */
static bool thread_affordable(const struct proc *g)
{
	struct vx_task_info ti;

	if (vx_task_inspect(self_task, &ti) != VX_OK)
		return false;
	return ti.handles + g->nareas + THREAD_HANDLE_RESERVE <= HANDLES_MAX;
}

/*
 * A new thread of p's process: a Task of its own, every area of the group
 * mapped into it (mem_thread_add), running from p's registers with rsp
 * sp, rax 0 and, with CLONE_SETTLS, fs_base tls.  Its id, or -LX_EAGAIN
 * past THREAD_MAX threads, the slots or the handles linuxd can spare
 * (thread_affordable), or -LX_EPERM for a TLS base outside user space
 * (as Linux's ARCH_SET_FS).
 */
static int64_t clone_thread(struct proc *p, uint64_t flags, uint64_t sp, uint64_t ptid,
			    uint64_t ctid, uint64_t tls)
{
	struct proc *g = p->grp, *t;
	unsigned ix = 1;

	if ((flags & LX_CLONE_SETTLS) && tls >= VX_USER_END)
		return -LX_EPERM;
	while (ix < THREAD_MAX && g->thread[ix])
		ix++;
	if (ix == THREAD_MAX || !thread_affordable(g) || proc_fpu(p) != 0 ||
	    (t = proc_alloc(true)) == NULL)
		return -LX_EAGAIN;
	t->grp = g;
	t->thread[0] = NULL;
	t->tix = (uint8_t)ix;
	g->thread[ix] = t;
	t->mask = p->mask;
	t->regs = p->regs;
	t->regs.rax = 0;
	if (sp)
		t->regs.rsp = sp;
	if (flags & LX_CLONE_SETTLS)
		t->regs.fs_base = tls;
	t->fpu_stale = false;
	if (flags & LX_CLONE_CHILD_CLEARTID)
		t->clear_tid = ctid;
	if (mem_thread_add(g, ix) != 0) {
		thread_free(t);
		return -LX_EAGAIN;
	}
	/* As Linux, a bad pointer here is not the clone's failure. */
	if (flags & LX_CLONE_PARENT_SETTID)
		copy_out(p, ptid, &t->pid, 4);
	if (flags & LX_CLONE_CHILD_SETTID)
		copy_out(p, ctid, &t->pid, 4);
	if (vx_task_regs(t->task, VX_REGS_WRITE, &t->regs) != VX_OK ||
	    vx_task_start(t->task, VX_NO_HANDLE) != VX_OK) {
		thread_free(t);
		return -LX_ENOMEM; /* a stack outside user space, as for a process */
	}
	return t->pid;
}

/* clone: a thread (CLONE_THREAD with the VM, files, working directory and
 * handlers shared, what pthread_create asks), or a process: fork, vfork,
 * and posix_spawn's CLONE_VM|CLONE_VFORK with a stack of its own (the
 * child's memory is a copy, so what it writes does not reach the parent:
 * docs/POSIX.md).  Other sharing: ENOSYS; what Linux refuses: EINVAL. */
int64_t sys_clone(struct proc *p, const uint64_t *a)
{
	uint64_t flags = a[0], sp = a[1];
	int kind = lx_clone_kind(flags);

	if (kind < 0)
		return kind;
	if (kind == LX_CLONE_THREAD_KIND)
		return clone_thread(p, flags, sp, a[2], a[3], a[4]);
	return do_fork(p, sp);
}

/* clone3: the same from struct clone_args (its stack is its lowest address
 * and its size).  Sizes other than the two first versions: EINVAL. */
int64_t sys_clone3(struct proc *p, const uint64_t *a)
{
	struct lx_clone_args ca;

	memset(&ca, 0, sizeof(ca));
	if (a[1] != 64 && a[1] != 80 && a[1] != 88)
		return -LX_EINVAL;
	if (copy_in(p, &ca, a[0], (size_t)a[1]) != 0)
		return -LX_EFAULT;
	if (ca.exit_signal > 64 || (ca.flags & 0xff) || ca.set_tid || ca.set_tid_size ||
	    ca.cgroup || ((ca.stack == 0) != (ca.stack_size == 0)))
		return -LX_EINVAL;
	uint64_t flags = ca.flags | ca.exit_signal;
	uint64_t b[5] = {flags, ca.stack ? ca.stack + ca.stack_size : 0, ca.parent_tid,
			 ca.child_tid, ca.tls};
	return sys_clone(p, b);
}

/* Every other thread of p's process that runs is halted where it stands
 * (and taken again at the main loop's next look, as for a signal), so that
 * linuxd can copy an area that none of them writes meanwhile (mem.c's
 * cuts).  A thread stopped in a call or a fault does not run anyway. */
void threads_hold(struct proc *p)
{
	static struct vx_regs r;
	struct proc *g = p->grp;

	if (threads_alive(g) <= 1)
		return;
	for (unsigned t = 0; t < THREAD_MAX; t++) {
		struct proc *m = g->thread[t];
		if (!m || m->state != P_RUN || m->halting || vx_task_halt(m->task) != VX_OK)
			continue;
		/* The read returns once its CPU has let go of it. */
		vx_task_regs(m->task, VX_REGS_READ | VX_REGS_NOFPU, &r);
		m->halting = halts_pending = true;
		wake_all(); /* the main loop looks at once */
	}
}

/* Slot t's thread leaves its group and is gone: its mirrors, its wait,
 * its Task.  Not for a group's first thread. */
void thread_free(struct proc *t)
{
	struct proc *g = t->grp;

	if (answer_owed == t)
		answer_owed = NULL;
	vx_task_halt(t->task);
	mem_thread_remove(g, t->tix);
	g->thread[t->tix] = NULL;
	proc_free(t);
}

/* Every thread of g but keep ends (keep may be g, or one of the others,
 * or NULL: all of them but g, whose slot is the process). */
void threads_end(struct proc *g, struct proc *keep)
{
	for (unsigned t = 1; t < THREAD_MAX; t++)
		if (g->thread[t] && g->thread[t] != keep)
			thread_free(g->thread[t]);
}

/* A thread's exit (exit, not exit_group): its clear_tid word is zeroed and
 * woken (pthread_join waits on it), its Task goes; the process's first
 * thread leaves its slot to the process (P_LEFT).  The last thread to go
 * ends the process with status. */
static void thread_exit(struct proc *p, int status)
{
	struct proc *g = p->grp;

	if (threads_alive(g) <= 1) {
		proc_exit(p, status);
		return;
	}
	if (p->clear_tid && copy_out(p, p->clear_tid, &(uint32_t){0}, 4) == 0)
		futex_wake_word(g, p->clear_tid, 1);
	if (p != g) {
		thread_free(p);
	} else {
		if (answer_owed == p)
			answer_owed = NULL;
		vx_task_halt(p->task);
		futex_forget(p);
		p->state = P_LEFT;
	}
	signals_kick(g); /* what waited for the process goes to another thread */
}

/* ------------------------------------------------------- the FPU image */

int proc_fpu(struct proc *p)
{
	static struct vx_regs whole; /* 672 bytes: not on the stack */

	if (!p->fpu_stale)
		return 0;
	if (vx_task_regs(p->task, VX_REGS_READ, &whole) != VX_OK)
		return -LX_EFAULT;
	memcpy(p->regs.fpu, whole.fpu, sizeof(p->regs.fpu));
	p->fpu_stale = false;
	return 0;
}

uint32_t proc_regs_op(const struct proc *p, uint32_t op)
{
	return p->fpu_stale ? op | VX_REGS_NOFPU : op;
}

/* ------------------------------------------------------------ exit, wait */

static bool pgrp_orphaned(int pgid);

/* The groups p's exit may orphan (its own and its children's) that are
 * not orphaned yet, into g; how many. */
static unsigned groups_at_stake(const struct proc *p, int g[PROC_MAX + 1])
{
	unsigned n = 0;

	for (uint32_t i = 0; i <= PROC_MAX; i++) {
		const struct proc *c = i < PROC_MAX ? &procs[i] : p;
		if (i < PROC_MAX && (c->state == P_FREE || c->ppid != p->pid))
			continue;
		bool seen = false;
		for (unsigned k = 0; k < n && !seen; k++)
			seen = g[k] == c->pgid;
		if (!seen && !pgrp_orphaned(c->pgid))
			g[n++] = c->pgid;
	}
	return n;
}

/* A group that has just become orphaned with a stopped member gets SIGHUP
 * and SIGCONT (POSIX): nobody is left who could continue it. */
static void hangup_orphans(const int g[], unsigned n)
{
	for (unsigned k = 0; k < n; k++) {
		bool stopped = false;
		for (uint32_t i = 0; i < PROC_MAX; i++)
			stopped |= procs[i].state == P_STOPPED && procs[i].pgid == g[k];
		if (stopped && pgrp_orphaned(g[k])) {
			proc_signal_group(g[k], LX_SIGHUP);
			proc_signal_group(g[k], LX_SIGCONT);
		}
	}
}

/* The process p is a thread of ends, every thread of it. */
void proc_exit(struct proc *p, int wait_status)
{
	int stake[PROC_MAX + 1];

	p = p->grp;
	if (p->state == P_ZOMBIE || p->state == P_FREE)
		return;
	threads_end(p, NULL);
	futex_forget(p);
	unsigned nstake = groups_at_stake(p, stake);
	if (answer_owed == p)
		answer_owed = NULL; /* it does not run again */
	lx_fd_close_all(&p->fds, &file_ops);
	mem_release(p);
	vx_task_halt(p->task);
	p->wait_status = wait_status;
	p->state = P_ZOMBIE;
	if (p->pid == session_sid)
		session_status = wait_status;
	/* Orphans are nobody's: reaped as soon as they end. */
	for (uint32_t i = 0; i < PROC_MAX; i++) {
		struct proc *c = &procs[i];
		if (c->state != P_FREE && c->ppid == p->pid) {
			c->ppid = 0;
			if (c->state == P_ZOMBIE)
				proc_free(c);
		}
	}
	hangup_orphans(stake, nstake);
	struct proc *parent = p->ppid ? proc_find(p->ppid) : NULL;
	if (!parent)
		proc_free(p);
	else
		proc_signal(parent, LX_SIGCHLD);
	wake_all();
}

void proc_reap(struct proc *p)
{
	if (p->state == P_ZOMBIE)
		proc_free(p);
}

int64_t sys_exit(struct proc *p, const uint64_t *a)
{
	thread_exit(p, (int)((a[0] & 0xff) << 8));
	return SYS_GONE;
}

int64_t sys_exit_group(struct proc *p, const uint64_t *a)
{
	proc_exit(p, (int)((a[0] & 0xff) << 8));
	return SYS_GONE;
}

static bool wait_match(const struct proc *p, const struct proc *c, int pid)
{
	if (c->state == P_FREE || c->ppid != p->pid)
		return false;
	if (pid > 0)
		return c->pid == pid;
	if (pid == 0)
		return c->pgid == p->pgid;
	if (pid < -1)
		return c->pgid == -pid;
	return true;
}

int64_t sys_wait4(struct proc *p, const uint64_t *a)
{
	int pid = (int)a[0];
	uint32_t options = (uint32_t)a[2];
	bool any = false;
	struct proc *w = p->grp; /* any thread waits for the process's children */

	if (options & ~(uint32_t)(LX_WNOHANG | LX_WUNTRACED | LX_WCONTINUED | LX_WALL | LX_WCLONE))
		return -LX_EINVAL;
	for (uint32_t i = 0; i < PROC_MAX; i++) {
		struct proc *c = &procs[i];
		if (!wait_match(w, c, pid))
			continue;
		any = true;
		if (c->state == P_STOPPED && c->stop_report && (options & LX_WUNTRACED)) {
			int status = (c->stop_report << 8) | 0x7f, cpid = c->pid;
			if (a[1] && copy_out(p, a[1], &status, 4) != 0)
				return -LX_EFAULT;
			c->stop_report = 0;
			return cpid;
		}
		if (c->state != P_ZOMBIE)
			continue;
		/* Reaped first, as Linux: a bad pointer loses the status, not
		 * the child's slot. */
		int status = c->wait_status, cpid = c->pid;
		struct lx_rusage ru;
		proc_free(c);
		memset(&ru, 0, sizeof(ru));
		if ((a[1] && copy_out(p, a[1], &status, 4) != 0) ||
		    (a[3] && copy_out(p, a[3], &ru, sizeof(ru)) != 0))
			return -LX_EFAULT;
		return cpid;
	}
	if (!any)
		return -LX_ECHILD;
	return options & LX_WNOHANG ? 0 : SYS_BLOCK;
}

/* --------------------------------------------------------------- signals */

static bool default_ignored(int sig)
{
	return sig == LX_SIGCHLD || sig == LX_SIGWINCH || sig == LX_SIGURG || sig == LX_SIGCONT;
}

#define STOP_SIGNALS                                                                               \
	((1ull << (LX_SIGSTOP - 1)) | (1ull << (LX_SIGTSTP - 1)) | (1ull << (LX_SIGTTIN - 1)) |    \
	 (1ull << (LX_SIGTTOU - 1)))

static bool stop_signal(int sig)
{
	return sig == LX_SIGSTOP || sig == LX_SIGTSTP || sig == LX_SIGTTIN || sig == LX_SIGTTOU;
}

/* Is process group pgid orphaned (POSIX): does no member have a parent in
 * the same session but another group, who could continue it?  A session
 * leader's group is, from the start: its parent is the VectraOS shell. */
static bool pgrp_orphaned(int pgid)
{
	for (uint32_t i = 0; i < PROC_MAX; i++) {
		const struct proc *m = &procs[i];
		if (m->state == P_FREE || m->state == P_ZOMBIE || m->pgid != pgid)
			continue;
		const struct proc *parent = m->ppid ? proc_find(m->ppid) : NULL;
		if (parent && parent->state != P_ZOMBIE && parent->pgid != pgid &&
		    parent->sid == m->sid)
			return false;
	}
	return true;
}

/* SIGCONT: a stopped process runs again (it stopped where it stood, its
 * registers kept), and every stop still pending goes. */
static void proc_continue(struct proc *p)
{
	p->pending &= ~STOP_SIGNALS;
	if (p->state != P_STOPPED)
		return;
	p->stop_report = 0;
	if (p->was_blocked) { /* back to its call, which runs again */
		p->state = P_BLOCKED;
		some_blocked = true;
		wake_all();
		return;
	}
	p->state = P_RUN;
	if (vx_task_regs(p->task, proc_regs_op(p, VX_REGS_RESUME), &p->regs) != VX_OK) {
		proc_exit(p, LX_SIGKILL);
		return;
	}
	/* Signals that came while it was stopped: taken where it stands. */
	if (sig_ready(p) && vx_task_halt(p->task) == VX_OK)
		p->halting = halts_pending = true;
}

/* sig for thread p (tgkill, a fault, SIGPIPE): pending on it, and it is
 * halted to take it if it runs with sig unblocked.  SIGKILL ends its
 * process. */
void thread_signal(struct proc *p, int sig)
{
	if (sig < 1 || sig > (int)SIGNALS || p->state == P_ZOMBIE || p->state == P_FREE ||
	    p->state == P_LEFT)
		return;
	sys_answer_now(p); /* running, so that a halt can stop it where it is */
	if (sig == LX_SIGKILL) {
		proc_exit(p, LX_SIGKILL);
		return;
	}
	if (sig == LX_SIGCONT)
		proc_continue(p); /* whatever its handler: then the handler, if any */
	else if (stop_signal(sig))
		p->pending &= ~(1ull << (LX_SIGCONT - 1));
	uint64_t h = p->grp->act[sig].handler;
	if (sig != LX_SIGSTOP && (h == LX_SIG_IGN || (h == LX_SIG_DFL && default_ignored(sig))))
		return;
	p->pending |= 1ull << (sig - 1);
	if (p->state == P_STOPPED)
		return; /* it takes them when it runs again */
	/* One that runs may never make a syscall (a loop in user code): it is
	 * halted, and takes the signal where it stands (main.c). */
	if (p->state == P_RUN && !(p->mask & (1ull << (sig - 1))) && vx_task_halt(p->task) == VX_OK)
		p->halting = halts_pending = true;
	wake_all();
}

/* A thread of g that runs and could take one of g's signals now is
 * halted to take it where it stands (main.c), the first one found; a
 * blocked one's call ends with EINTR when it runs again (wake_all). */
void signals_kick(struct proc *g)
{
	for (unsigned t = 0; t < THREAD_MAX && g->shared; t++) {
		struct proc *m = g->thread[t];
		if (!m || m->state == P_LEFT || !(g->shared & ~m->mask))
			continue;
		sys_answer_now(m);
		if (m->state == P_RUN && vx_task_halt(m->task) == VX_OK) {
			m->halting = halts_pending = true;
			break;
		}
	}
	wake_all();
}

/*
 * A process-directed sig for the process p is a thread of.  With one
 * thread, it is that thread's.  With more, it is the process's (shared),
 * for whichever thread takes it first: one that does not block it is
 * made to look (signals_kick), or, if all block it, the first to unblock
 * it takes it.  So a thread that exits before taking it loses nothing.
 * SIGKILL ends the process, SIGCONT continues every stopped thread.
 */
void proc_signal(struct proc *p, int sig)
{
	struct proc *g = p->grp;
	uint64_t bit = 1ull << (sig - 1);

	if (sig < 1 || sig > (int)SIGNALS || g->state == P_ZOMBIE || g->state == P_FREE)
		return;
	if (threads_alive(g) == 1) {
		for (unsigned t = 0; t < THREAD_MAX; t++)
			if (g->thread[t] && g->thread[t]->state != P_LEFT) {
				thread_signal(g->thread[t], sig);
				return;
			}
		return;
	}
	if (sig == LX_SIGKILL) {
		proc_exit(g, LX_SIGKILL);
		return;
	}
	if (sig == LX_SIGCONT) {
		g->shared &= ~STOP_SIGNALS;
		for (unsigned t = 0; t < THREAD_MAX; t++)
			if (g->thread[t] && g->thread[t]->state != P_LEFT)
				proc_continue(g->thread[t]);
	} else if (stop_signal(sig)) {
		g->shared &= ~(1ull << (LX_SIGCONT - 1));
	}
	uint64_t h = g->act[sig].handler;
	if (sig != LX_SIGSTOP && (h == LX_SIG_IGN || (h == LX_SIG_DFL && default_ignored(sig))))
		return;
	g->shared |= bit;
	signals_kick(g);
}

void proc_signal_group(int pgid, int sig)
{
	for (uint32_t i = 0; i < PROC_MAX; i++)
		if (procs[i].state != P_FREE && procs[i].state != P_ZOMBIE &&
		    procs[i].pgid == pgid && procs[i].grp == &procs[i])
			proc_signal(&procs[i], sig);
}

/* Delivers one pending, unblocked signal: the default action, or a frame
 * for its handler.  false when p died of it or stopped (it must not be
 * resumed then). */
bool proc_deliver(struct proc *p)
{
	uint64_t ready = sig_ready(p);

	if (!ready)
		return true;
	/* Out of rt_sigsuspend: its own mask comes back, now or when the
	 * handler returns (the frame keeps it). */
	uint64_t frame_mask = p->suspended ? p->saved_mask : p->mask;
	if (p->suspended) {
		p->suspended = false;
		p->mask = p->saved_mask;
	}
	int sig = __builtin_ctzll(ready) + 1;
	if (p->pending & (1ull << (sig - 1)))
		p->pending &= ~(1ull << (sig - 1));
	else
		p->grp->shared &= ~(1ull << (sig - 1));
	struct lx_sigaction *act = &p->grp->act[sig];
	/* The terminal's stops are dropped in an orphaned group (POSIX): no
	 * one in the session could ever continue it.  Ctrl-Z on a program
	 * run straight from the VectraOS shell does nothing, as on Linux. */
	if (sig != LX_SIGSTOP && act->handler == LX_SIG_DFL && stop_signal(sig) &&
	    pgrp_orphaned(p->grp->pgid))
		return proc_deliver(p);
	if (sig == LX_SIGSTOP || (act->handler == LX_SIG_DFL && stop_signal(sig))) {
		/* Stopped where it stands: not resumed until SIGCONT.  The
		 * parent hears of it (wait4 with WUNTRACED; SIGCHLD).  The
		 * whole process stops: every other thread takes a SIGSTOP, and
		 * wait4 reports the first stop's signal, from the first
		 * thread's slot. */
		struct proc *g = p->grp;
		bool group = threads_alive(g) > 1;
		int report = group && g->stop_report ? g->stop_report : sig;
		p->was_blocked = p->state == P_BLOCKED;
		p->state = P_STOPPED;
		p->stop_report = sig;
		g->stop_report = report;
		if (group) {
			for (unsigned t = 0; t < THREAD_MAX; t++) {
				struct proc *m = g->thread[t];
				if (m && m != p && m->state != P_LEFT && m->state != P_STOPPED)
					thread_signal(m, LX_SIGSTOP);
			}
		}
		struct proc *parent = g->ppid ? proc_find(g->ppid) : NULL;
		if (parent && !(parent->act[LX_SIGCHLD].flags & LX_SA_NOCLDSTOP))
			proc_signal(parent, LX_SIGCHLD);
		wake_all();
		return false;
	}
	if (act->handler == LX_SIG_DFL) {
		if (!default_ignored(sig)) {
			proc_exit(p, sig);
			return false;
		}
		return true;
	}
	if (act->handler == LX_SIG_IGN)
		return true;
	struct area *st = area_find(p, p->regs.rsp - 256);
	if (st && area_unshare(p, st) != 0) /* the frame is written through linuxd's view */
		st = NULL;
	struct lx_siginfo si;
	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	if (st && proc_fpu(p) != 0) /* the frame saves it */
		st = NULL;
	if (!st || lx_sigframe_push(&p->regs, st->ptr, st->va, st->va + st->len, sig, &si,
				    frame_mask, act) != 0) {
		proc_exit(p, LX_SIGSEGV);
		return false;
	}
	p->mask |= act->mask | (act->flags & LX_SA_NODEFER ? 0 : 1ull << (sig - 1));
	p->mask &= ~((1ull << (LX_SIGKILL - 1)) | (1ull << (LX_SIGSTOP - 1)));
	if (act->flags & LX_SA_RESETHAND)
		act->handler = LX_SIG_DFL;
	return true;
}

int64_t sys_kill(struct proc *p, const uint64_t *a)
{
	int pid = (int)a[0], sig = (int)a[1], n = 0;

	struct proc *g = p->grp, *one = pid > 0 ? proc_find(pid) : NULL;

	if (sig < 0 || sig > (int)SIGNALS)
		return -LX_EINVAL;
	for (uint32_t i = 0; i < PROC_MAX; i++) {
		struct proc *t = &procs[i];
		if (t->state == P_FREE || t->state == P_ZOMBIE || t->grp != t)
			continue; /* processes only: a thread's id names its process */
		bool hit = pid > 0     ? t == one
			   : pid == 0  ? t->pgid == g->pgid
			   : pid == -1 ? t != g
				       : t->pgid == -pid;
		if (!hit)
			continue;
		n++;
		if (sig)
			proc_signal(t, sig);
	}
	return n ? 0 : -LX_ESRCH;
}

/* A signal for one thread (tgid 0: tkill, any process's). */
static int64_t kill_thread(int tgid, int tid, int sig)
{
	struct proc *t = thread_find(tid);

	if (sig < 0 || sig > (int)SIGNALS)
		return -LX_EINVAL;
	if (!t || (tgid && t->grp->pid != tgid))
		return -LX_ESRCH;
	if (sig)
		thread_signal(t, sig);
	return 0;
}

int64_t sys_tgkill(struct proc *p, const uint64_t *a)
{
	(void)p;
	if ((int)a[0] <= 0 || (int)a[1] <= 0)
		return -LX_EINVAL;
	return kill_thread((int)a[0], (int)a[1], (int)a[2]);
}

int64_t sys_tkill(struct proc *p, const uint64_t *a)
{
	(void)p;
	if ((int)a[0] <= 0)
		return -LX_EINVAL;
	return kill_thread(0, (int)a[0], (int)a[1]);
}

int64_t sys_rt_sigaction(struct proc *p, const uint64_t *a)
{
	int sig = (int)a[0];
	struct lx_sigaction act;

	if (sig < 1 || sig > (int)SIGNALS || a[3] != 8)
		return -LX_EINVAL;
	if (a[1] && (sig == LX_SIGKILL || sig == LX_SIGSTOP))
		return -LX_EINVAL;
	if (a[1] && copy_in(p, &act, a[1], sizeof(act)) != 0)
		return -LX_EFAULT;
	struct proc *g = p->grp; /* the handlers are the process's */
	if (a[2] && copy_out(p, a[2], &g->act[sig], sizeof(act)) != 0)
		return -LX_EFAULT;
	if (a[1]) {
		if (act.handler > LX_SIG_IGN && !(act.flags & LX_SA_RESTORER))
			return -LX_EINVAL; /* x86_64 returns through sa_restorer */
		g->act[sig] = act;
		if (act.handler == LX_SIG_IGN ||
		    (act.handler == LX_SIG_DFL && default_ignored(sig))) {
			for (unsigned t = 0; t < THREAD_MAX; t++)
				if (g->thread[t])
					g->thread[t]->pending &= ~(1ull << (sig - 1));
			g->shared &= ~(1ull << (sig - 1));
		}
	}
	return 0;
}

int64_t sys_rt_sigprocmask(struct proc *p, const uint64_t *a)
{
	uint64_t set, old = p->mask;

	if (a[3] != 8)
		return -LX_EINVAL;
	if (a[1]) {
		if (copy_in(p, &set, a[1], 8) != 0)
			return -LX_EFAULT;
		if (a[0] == LX_SIG_BLOCK)
			p->mask |= set;
		else if (a[0] == LX_SIG_UNBLOCK)
			p->mask &= ~set;
		else if (a[0] == LX_SIG_SETMASK)
			p->mask = set;
		else
			return -LX_EINVAL;
		p->mask &= ~((1ull << (LX_SIGKILL - 1)) | (1ull << (LX_SIGSTOP - 1)));
	}
	if (a[2] && copy_out(p, a[2], &old, 8) != 0) {
		p->mask = old;
		return -LX_EFAULT;
	}
	return 0;
}

/* rt_sigpending: what waits for the calling thread, blocked: its own and
 * its process's. */
int64_t sys_rt_sigpending(struct proc *p, const uint64_t *a)
{
	uint64_t set = (p->pending | p->grp->shared) & p->mask;

	if (a[1] != 8)
		return -LX_EINVAL;
	return copy_out(p, a[0], &set, 8) ? -LX_EFAULT : 0;
}

/*
 * rt_sigtimedwait (sigwait, sigwaitinfo, sigtimedwait): takes a pending
 * signal of set, the thread's own first, then its process's, without a
 * handler: its number, with a siginfo that names only the signal.  None
 * pending: the call blocks until one comes (a process-directed signal
 * every thread blocks waits in the process's set, where this call finds
 * it) or the timeout passes (EAGAIN).  A signal outside set that the
 * thread does not block ends the wait with EINTR, as Linux.
 */
int64_t sys_rt_sigtimedwait(struct proc *p, const uint64_t *a)
{
	uint64_t set, kill_stop = (1ull << (LX_SIGKILL - 1)) | (1ull << (LX_SIGSTOP - 1));
	struct lx_timespec ts;

	if (a[3] != 8)
		return -LX_EINVAL;
	if (copy_in(p, &set, a[0], 8) != 0)
		return -LX_EFAULT;
	set &= ~kill_stop;
	if (a[2] && p->wake_at == 0) {
		if (copy_in(p, &ts, a[2], sizeof(ts)) != 0)
			return -LX_EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
			return -LX_EINVAL;
		uint64_t s = ts.tv_sec > 1000000000 ? 1000000000 : (uint64_t)ts.tv_sec;
		p->wake_at = linux_now() + s * 1000000000ull + (uint64_t)ts.tv_nsec;
	}
	uint64_t *from = (p->pending & set) ? &p->pending : &p->grp->shared;
	if (!(*from & set))
		return a[2] && linux_now() >= p->wake_at ? -LX_EAGAIN : SYS_BLOCK;
	int sig = __builtin_ctzll(*from & set) + 1;
	struct lx_siginfo si;
	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	if (a[1] && copy_out(p, a[1], &si, sizeof(si)) != 0)
		return -LX_EFAULT;
	*from &= ~(1ull << (sig - 1));
	return sig;
}

/* rt_sigsuspend: waits with the given mask until a signal is taken, and
 * always answers EINTR (the handler's frame restores the old mask). */
int64_t sys_rt_sigsuspend(struct proc *p, const uint64_t *a)
{
	uint64_t set;

	if (a[1] != 8)
		return -LX_EINVAL;
	if (!p->suspended) {
		if (copy_in(p, &set, a[0], 8) != 0)
			return -LX_EFAULT;
		p->saved_mask = p->mask;
		p->suspended = true;
		p->mask = set & ~((1ull << (LX_SIGKILL - 1)) | (1ull << (LX_SIGSTOP - 1)));
	}
	return sig_ready(p) ? -LX_EINTR : SYS_BLOCK;
}

int64_t sys_rt_sigreturn(struct proc *p, const uint64_t *a)
{
	(void)a;
	struct area *st = area_find(p, p->regs.rsp);

	if (!st || lx_sigframe_pop(&p->regs, st->ptr, st->va, st->va + st->len, &p->mask) != 0) {
		proc_exit(p, LX_SIGSEGV);
		return SYS_GONE;
	}
	p->fpu_stale = false; /* the frame's FPU image is the one to run with */
	p->mask &= ~((1ull << (LX_SIGKILL - 1)) | (1ull << (LX_SIGSTOP - 1)));
	return SYS_GONE; /* every register is the frame's */
}

/* ------------------------------------------------- groups and sessions */

int64_t sys_setpgid(struct proc *p, const uint64_t *a)
{
	p = p->grp;
	int pid = (int)a[0] ? (int)a[0] : p->pid, pgid = (int)a[1];
	struct proc *t = proc_find(pid);

	if (pgid < 0)
		return -LX_EINVAL;
	if (!t || (t != p && t->ppid != p->pid))
		return -LX_ESRCH;
	t->pgid = pgid ? pgid : t->pid;
	return 0;
}

int64_t sys_getpgid(struct proc *p, const uint64_t *a)
{
	struct proc *t = (int)a[0] ? proc_find((int)a[0]) : p->grp; /* a pid_t: an int */

	return t ? t->pgid : -LX_ESRCH;
}

int64_t sys_setsid(struct proc *p, const uint64_t *a)
{
	(void)a;
	p = p->grp;
	if (p->pgid == p->pid)
		return -LX_EPERM;
	p->sid = p->pgid = p->pid;
	return p->sid;
}
