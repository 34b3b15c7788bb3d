/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * linuxd, the Linux personality (docs/POSIX.md): the state it keeps for
 * the Linux processes it runs, and how its files divide the work.
 *
 *   main.c   the service: the "linux" protocol, the loop that takes each
 *            stopped process's syscall and dispatches it, waking blocked ones
 *   mem.c    address spaces: slabs of memory, areas, brk, mmap, fork's copy
 *   proc.c   processes: exec (ELF, the initial stack), fork, exit, wait,
 *            signals
 *   files.c  paths and open files: the root archive, vfsd, the terminal,
 *            pipes
 *   sys.c    the syscall table and the calls that fit nowhere else
 *
 * Memory.  A Reticle frees out of order only at reset (kernel/core/
 * reticle.c), so linuxd splits its "ret" into SLAB_MAX slabs of
 * SLAB_BYTES at start.  A process takes slabs as it needs them and gives
 * them back whole when it dies or execs; what it unmaps comes back then
 * (a slab that fork shared into another process stays until that goes).
 * The read-only segments of the programs (their code) are loaded once
 * into slabs of their own and shared by every process that runs them.
 *
 * Every area of a process is one MemCap mapped into it and a second cap
 * on the same Mem mapped into linuxd (struct area), so reading and
 * writing a process's memory is a memcpy.  An executable area, or one
 * fork shares copy-on-write, is mapped read-only into linuxd (W^X holds
 * per frame; a write copies the shared one first).  That costs two of linuxd's 256
 * handles per area, which bounds the processes (PROC_LIMIT) and their
 * areas (AREA_MAX).
 *
 * Threads.  A thread is a Task of its own (a slot of procs[], PROC_MAX
 * in all, THREAD_MAX a process): the kernel gives a Task one address
 * space, so every area of the process is mapped into each thread's Task
 * too, through one more cap on its Mem per thread (struct area's mirror,
 * mem.c).  That costs a handle per area per thread beside the first.  The
 * process lives in its first thread's slot (struct proc, grp).
 *
 * Blocking.  A process whose call must wait (a read with no input, wait4
 * with no child gone, nanosleep) is simply not resumed: it stays stopped
 * in FAULTED, and the call is run again from the start whenever something
 * it may wait for happens (SYS_BLOCK); a deadline wakes it too.
 */
#ifndef LINUXD_LINUXD_H
#define LINUXD_LINUXD_H

#include <stdbool.h>
#include <stdint.h>
#include "rt/vx.h"
#include "rt/svc.h"
#include "posix/linux.h"
#include "posix/fdtab.h"
#include "pure_tar.h"
#include "vectra/proto/linux.h"

#define PROC_MAX	      24u  /* Task slots: processes and their threads */
#define PROC_LIMIT	      12u  /* processes at once */
#define THREAD_MAX	      8u   /* threads of one process, its first included */
#define REFAULT_MAX	      8u   /* sys_fault: retries of an access its area allows */
#define THREAD_HANDLE_RESERVE 64u  /* handles a new thread must leave free (proc.c) */
#define HANDLES_MAX	      255u /* linuxd's handle table: slots 1..255 */
#define AREA_MAX	      48u
#define SLAB_BYTES	      (4ull << 20)
#define SLAB_PAGES	      (SLAB_BYTES / VX_PAGE_SIZE - 1) /* one page pays the records */
#define SLAB_MAX	      40u
#define PROC_SLABS	      16u
#define TEXT_MAX	      24u
#define FILE_MAX	      96u
#define PIPE_MAX	      16u
#define PIPE_BYTES	      16384u
#define PATH_LEN	      512u
#define STACK_TOP	      0x7ffffff00000ull
#define STACK_HOT	      (64ull << 10)
#define STACK_BYTES	      (1ull << 20)
#define MMAP_TOP	      0x7f0000000000ull /* mmap(NULL) places areas below this */
#define LOCAL_BASE	      0x100000000000ull /* linuxd's windows on process memory */
#define LOCAL_END	      0x600000000000ull
#define INTERP_BIAS	      0x7e0000000000ull /* where the ELF interpreter is loaded */
#define PIE_BIAS	      0x555555554000ull /* where an ET_DYN program is loaded */
#define SIGNALS		      64u
#define EXEC_VIEW_VA	      0x30000000ull /* a program on vfsd, while exec reads it */
#define EXEC_VIEW_MAX	      (64ull << 20)
#define SYS_BLOCK	      (-4096 - 1) /* the call waits: run it again later */
#define SYS_GONE	      (-4096 - 2) /* the process is gone or has new registers */
#define SYS_NR_MAX	      512u

/* P_LEFT: a process's first thread has exited (exit, not exit_group) and
 * others run on; its slot keeps the process (linuxd.h, "Threads"). */
enum proc_state { P_FREE = 0, P_RUN, P_BLOCKED, P_STOPPED, P_ZOMBIE, P_LEFT };

enum area_flags {
	AREA_HEAP = 1u << 0,	/* a chunk of the brk heap */
	AREA_SHARED = 1u << 1,	/* MAP_SHARED: fork shares it, writable, never copies */
	AREA_FILE = 1u << 2,	/* MAP_SHARED of a vfsd file (fmap): its bytes are the file's */
	AREA_FILE_RW = 1u << 3, /* ...opened for writing: written back to the file */
};

struct text; /* a shared read-only segment (mem.c) */

struct area {
	uint64_t va, len;  /* in the process: page-aligned */
	uint32_t prot;	   /* LX_PROT_* as the process sees it */
	uint32_t flags;	   /* enum area_flags */
	vx_handle_t mem;   /* mapped into the process */
	vx_handle_t local; /* mapped into linuxd (0 for text: the text's) */
	uint8_t *ptr;	   /* linuxd's view of va */
	bool ptr_write;	   /* linuxd may write through ptr */
	struct text *text; /* shared text, or NULL */
	int8_t slab;	   /* the slab it was carved from, -1 for text */
	int16_t cow;	   /* shared copy-on-write: its group (mem.c), else -1 */
	uint8_t fmap;	   /* AREA_FILE: 1 + its file's slot in mem.c's table; else 0 */
	uint64_t foff;	   /* AREA_FILE: the file offset at va */
	/* The same Mem mapped into thread i (1..THREAD_MAX-1) of the process
	 * (0: none): a Mapping belongs to one cap, so each Task needs its own. */
	vx_handle_t mirror[THREAD_MAX];
};

/*
 * A slot: one Task, a thread.  A process is its first thread's slot (the
 * leader, grp == itself), which holds everything the threads share: the
 * areas, the descriptors, the working directory, the handlers, the ids;
 * another thread's slot holds only its Task, registers, signal mask and
 * pending signals, its call and its futex wait, and names the leader in
 * grp.  pid is the thread's id (a process's id is its leader's pid).
 * Every function that touches shared state reaches it through grp.
 */
struct proc {
	enum proc_state state;
	int pid, ppid, pgid, sid; /* ppid, pgid, sid: the leader's only */
	vx_handle_t task;
	struct proc *grp;		 /* the leader of its thread group (itself for one) */
	struct proc *thread[THREAD_MAX]; /* the leader's: its threads by index; [0] itself */
	uint8_t tix;			 /* its index in grp->thread */
	uint64_t clear_tid;		 /* set_tid_address: zeroed and woken at its exit */
	uint32_t refaults;		 /* page faults in a row that another thread's remap made */
	struct vx_regs regs;		 /* as it stopped; written back when it resumes */
	/* regs.fpu is not the Task's: its stop was read without the FPU image
	 * (VX_REGS_NOFPU), which a syscall seldom needs; proc_fpu fetches it
	 * when one does, and a write moves the FPU image only when linuxd has
	 * it (proc_regs_op). */
	bool fpu_stale;
	uint64_t rseq_va;  /* its registered struct rseq (0: none): kept over fork, not exec */
	uint32_t rseq_sig; /* ...and the signature it was registered with */
	uint64_t nr;	   /* the call it is in */
	struct area area[AREA_MAX];
	uint32_t nareas;
	int8_t slab[PROC_SLABS];
	uint32_t nslabs;
	uint64_t brk_start, brk;
	uint64_t mmap_next;
	struct lx_fdtab fds;
	char cwd[PATH_LEN];
	char comm[16];
	char exe[PATH_LEN];	     /* the program's path, links followed (/proc/PID/exe) */
	uint64_t arg_start, arg_end; /* its argv strings on its stack (/proc/PID/cmdline) */
	uint64_t start_ns;	     /* when it was made (linux_now) */
	uint32_t umask;		     /* the process's file-creation mask (the leader's) */
	struct lx_sigaction act[SIGNALS + 1];
	uint64_t mask, pending; /* the thread's own */
	uint64_t shared;	/* the leader's: process-directed, every thread blocks them */
	int wait_status;	/* a zombie's, as wait4 reports it */
	uint64_t wake_at;	/* a blocked call's deadline (ns), 0: none */
	bool halting;		/* linuxd halted it for a signal: look at it next round */
	bool suspended;		/* in rt_sigsuspend: saved_mask is its own mask */
	int stop_report;	/* stopped by this signal, not yet told to wait4 (0: none) */
	bool was_blocked;	/* stopped in a call that waits: P_BLOCKED again on SIGCONT */
	uint64_t saved_mask;	/* ...which the handler's frame restores */
};

/* The signals p may take now: its own, and its process's that wait for
 * any thread not blocking them. */
static inline uint64_t sig_ready(const struct proc *p)
{
	return (p->pending | p->grp->shared) & ~p->mask;
}

/* Shared file mappings' file side (files.c).  file_shared_target: fd's
 * vfsd path for MAP_SHARED (vpath, PATH_LEN) and whether it is open for
 * writing; 1 for /dev/zero (shared anonymous memory); else -LX_EBADF, or
 * -LX_EACCES for a file no one may write (the root archive), or
 * -LX_ENODEV.  file_writeback: len bytes at off, no further than the file
 * now ends, nothing if it is gone. */
int file_shared_target(struct proc *p, int fd, char *vpath, bool *rw);
void file_writeback(const char *vpath, uint64_t off, const uint8_t *src, uint64_t len);
int file_fill(const char *vpath, uint64_t off, uint8_t *dst, uint64_t len);

/* ----------------------------------------------------------------- main.c */
extern vx_handle_t self_task;
extern struct proc procs[PROC_MAX];
extern struct tar_index root_ix;
extern const uint8_t *root_tar;
/* Nanoseconds since boot, read once per round of the main loop, at its
 * first use (most rounds need none: a clock read is a syscall). */
uint64_t linux_now(void);
/* Some process was halted for a signal (p->halting): the next round looks
 * at every process, not only those whose bits fired. */
extern bool halts_pending;
/* Set whenever a call blocks (P_BLOCKED); the main loop clears it when a
 * look finds none, and looks at the blocked calls only while it is set. */
extern bool some_blocked;
void log_once(uint64_t nr);
void con_out(const void *buf, size_t n);
void wake_all(void);		      /* something happened: blocked calls run again */
uint64_t child_signal(unsigned slot); /* the Signal its Task's stops raise */

/* ---------------------------------------------------------------- procfs.c */
/* linuxd's /proc (docs/POSIX.md): files.c finds the names, procfs.c says
 * what they hold.  The text of a file is a snapshot taken at its open, in
 * one of PROCFS_SNAPS buffers of PROCFS_SNAP_BYTES (the real bound of the
 * longest file: maps of AREA_MAX areas with their names); cmdline alone
 * is read from the process's memory at each read, as Linux reads it. */
#define PROCFS_SNAPS	  8u
#define PROCFS_SNAP_BYTES (32u << 10)
struct lxp_node;
extern int last_pid;   /* the pid given out last (proc.c) */
extern uint64_t forks; /* processes made since linuxd started (proc.c) */
/* The process (its leader) pid or a thread's id names, or NULL. */
struct proc *procfs_proc(int pid);
/* n's link target into out (PATH_LEN): 0 or -LX_ENOENT; the caller is p. */
int procfs_link(struct proc *p, const struct lxp_node *n, char *out);
/* A snapshot of n's text: its index (0..PROCFS_SNAPS-1), or -LX_ENOENT
 * (gone), -LX_ENFILE (every buffer is taken). */
int procfs_snap(const struct lxp_node *n);
const char *procfs_snap_text(int snap, uint32_t *len);
void procfs_snap_free(int snap);
/* Up to n bytes of pid's cmdline from off into dst: the count (0 at its
 * end or once it is gone). */
size_t procfs_cmdline(int pid, uint64_t off, void *dst, size_t n);
/* The next entry of directory n after *cursor (start at 0): its name and
 * d_type, false at the end. */
bool procfs_next(const struct lxp_node *n, uint64_t *cursor, char *name, uint8_t *type);
/* For fd links (files.c): what /proc/PID/fd/N reads as. */
void file_link_text(void *file, char *out);

/* ------------------------------------------------------------------ mem.c */
int mem_init(vx_handle_t ret);
uint32_t slabs_free(void);
uint32_t slabs_of_procs(void); /* held by living processes (0 between sessions) */
/* Maps a new zeroed area [va, va+len) with prot; 0 or -LX_ENOMEM. */
int area_new(struct proc *p, uint64_t va, uint64_t len, uint32_t prot, uint32_t flags);
/* Maps bytes [off, off + len) of root archive entry ent at va with prot,
 * shared read-only with every process that maps the same (a text). */
int area_text(struct proc *p, uint32_t ent, uint64_t va, uint64_t len, uint64_t off, uint32_t prot);
struct area *area_find(struct proc *p, uint64_t va);
/* Removes every mapping in [va, va+len), keeping the parts of areas
 * outside it (copied into new areas). 0 or -LX_ENOMEM. */
int area_unmap(struct proc *p, uint64_t va, uint64_t len);
void mem_release(struct proc *p);		       /* everything: areas, slabs */
int mem_fork(struct proc *child, struct proc *parent); /* shares, copy-on-write */
/* Thread t of leader g appears: every area of g is mapped into its Task
 * too (through mirror caps).  0, or -LX_EAGAIN (handles ran out; what was
 * made stays for mem_thread_remove). */
int mem_thread_add(struct proc *g, unsigned t);
void mem_thread_remove(struct proc *g, unsigned t); /* thread t's mirrors go */
int area_unshare(struct proc *p, struct area *a);   /* before a write: 0 or -LX_ENOMEM */
/* Its file's path for /proc maps (NULL: none) and the offset at its start. */
const char *area_name(const struct area *a, uint64_t *off);
/* Shared file mappings and the file's other users (read, write): every
 * mapping of vpath is written back before a read of it, and refreshed
 * from it after a write to it (mem.c). */
void fmaps_sync(const char *vpath);
void fmaps_refresh(const char *vpath, uint64_t off, uint64_t len);
/* The process's bytes: copies across areas, checking its own access. */
int copy_in(struct proc *p, void *dst, uint64_t va, size_t n);
int copy_out(struct proc *p, uint64_t va, const void *src, size_t n);
/* A NUL-terminated string of at most cap - 1 bytes: its length, or
 * -LX_EFAULT, or -LX_ENAMETOOLONG. */
int64_t copy_str(struct proc *p, char *dst, uint64_t va, size_t cap);
/* A contiguous window on [va, va + *n): shortened to one area.  NULL if
 * va is not mapped with the access asked. */
uint8_t *user_span(struct proc *p, uint64_t va, size_t *n, bool write);
int64_t random_out(struct proc *p, uint64_t va, size_t n, bool nonblock);
int64_t sys_brk(struct proc *p, const uint64_t *a);
int64_t sys_mmap(struct proc *p, const uint64_t *a);
int64_t sys_munmap(struct proc *p, const uint64_t *a);
int64_t sys_msync(struct proc *p, const uint64_t *a);
int64_t sys_mprotect(struct proc *p, const uint64_t *a);
int64_t sys_mremap(struct proc *p, const uint64_t *a);
int64_t sys_madvise(struct proc *p, const uint64_t *a);

/* ----------------------------------------------------------------- proc.c */
struct proc *proc_find(int pid);
/* A new process running path with argv and envp (session leader when
 * ppid is 0).  Its pid, or a negative Linux errno. */
int proc_spawn(const char *path, const char *const argv[], const char *const envp[],
	       const char *cwd);
void proc_exit(struct proc *p, int wait_status);
int proc_fpu(struct proc *p); /* regs.fpu made the Task's own (0, or -errno) */
uint32_t proc_regs_op(const struct proc *p, uint32_t op); /* op, NOFPU while fpu_stale */
void proc_reap(struct proc *p);				  /* a zombie nobody will wait for */
void proc_signal(struct proc *p, int sig);    /* process-directed: one thread takes it */
void thread_signal(struct proc *p, int sig);  /* for thread p itself */
void signals_kick(struct proc *g);	      /* a thread of g looks at g's signals */
void thread_free(struct proc *t);	      /* a thread (not a leader) is gone */
unsigned threads_alive(const struct proc *g); /* g's threads that have not ended */
void threads_hold(struct proc *p);	      /* p's other running threads halt (mem.c's copies) */
void threads_end(struct proc *g, struct proc *keep); /* g's other threads but keep */
void proc_signal_group(int pgid, int sig);
bool proc_deliver(struct proc *p); /* pending signals; false if it died */
int64_t sys_execve(struct proc *p, const uint64_t *a);
int64_t sys_fork(struct proc *p, const uint64_t *a);
int64_t sys_vfork(struct proc *p, const uint64_t *a);
int64_t sys_clone(struct proc *p, const uint64_t *a);
int64_t sys_wait4(struct proc *p, const uint64_t *a);
int64_t sys_exit(struct proc *p, const uint64_t *a);
int64_t sys_exit_group(struct proc *p, const uint64_t *a);
int64_t sys_clone3(struct proc *p, const uint64_t *a);
int64_t sys_kill(struct proc *p, const uint64_t *a);
int64_t sys_tgkill(struct proc *p, const uint64_t *a);
int64_t sys_tkill(struct proc *p, const uint64_t *a);
int64_t sys_rt_sigaction(struct proc *p, const uint64_t *a);
int64_t sys_rt_sigprocmask(struct proc *p, const uint64_t *a);
int64_t sys_rt_sigreturn(struct proc *p, const uint64_t *a);
int64_t sys_rt_sigsuspend(struct proc *p, const uint64_t *a);
int64_t sys_rt_sigpending(struct proc *p, const uint64_t *a);
int64_t sys_rt_sigtimedwait(struct proc *p, const uint64_t *a);
int64_t sys_setpgid(struct proc *p, const uint64_t *a);
int64_t sys_getpgid(struct proc *p, const uint64_t *a);
int64_t sys_setsid(struct proc *p, const uint64_t *a);
extern int session_sid;		/* the running session (its leader's pid), 0: none */
extern int session_status;	/* the leader's wait status once it ended, -1 before */
extern int tty_pgrp;		/* the terminal's foreground process group */
extern uint32_t session_grants; /* LINUX_GRANT_*: what of vfsd it may reach */

/* ---------------------------------------------------------------- files.c */
int files_init(const struct vx_bundle_page *b);
/* A program's bytes for the exec loader: an entry of the root archive
 * (ent), or a file on vfsd (ent TAR_NONE), seen through a read-only view
 * that exec_source_done lets go of. */
struct exec_source {
	const uint8_t *bytes;
	uint64_t size;
	uint32_t ent;
	vx_handle_t view;
};
int file_resolve_exec(struct proc *p, const char *path, struct exec_source *src, char *abs,
		      size_t cap, uint64_t view_va);
void exec_source_done(struct exec_source *src);
void files_std(struct proc *p); /* fds 0, 1, 2: the terminal */
extern const struct lx_fdops file_ops;
int tty_input(const uint8_t *buf, size_t n); /* from LINUX_INPUT */
int64_t sys_read(struct proc *p, const uint64_t *a);
int64_t sys_write(struct proc *p, const uint64_t *a);
int64_t sys_readv(struct proc *p, const uint64_t *a);
int64_t sys_writev(struct proc *p, const uint64_t *a);
int64_t sys_pread64(struct proc *p, const uint64_t *a);
int64_t sys_sendfile(struct proc *p, const uint64_t *a);
int64_t sys_pwrite64(struct proc *p, const uint64_t *a);
int64_t sys_openat(struct proc *p, const uint64_t *a);
int64_t sys_open(struct proc *p, const uint64_t *a);
int64_t sys_close(struct proc *p, const uint64_t *a);
int64_t sys_lseek(struct proc *p, const uint64_t *a);
int64_t sys_fstat(struct proc *p, const uint64_t *a);
int64_t sys_newfstatat(struct proc *p, const uint64_t *a);
int64_t sys_stat(struct proc *p, const uint64_t *a);
int64_t sys_lstat(struct proc *p, const uint64_t *a);
int64_t sys_statx(struct proc *p, const uint64_t *a);
int64_t sys_getdents64(struct proc *p, const uint64_t *a);
int64_t sys_ioctl(struct proc *p, const uint64_t *a);
int64_t sys_fcntl(struct proc *p, const uint64_t *a);
int64_t sys_dup(struct proc *p, const uint64_t *a);
int64_t sys_dup2(struct proc *p, const uint64_t *a);
int64_t sys_dup3(struct proc *p, const uint64_t *a);
int64_t sys_pipe2(struct proc *p, const uint64_t *a);
int64_t sys_pipe(struct proc *p, const uint64_t *a);
int64_t sys_access(struct proc *p, const uint64_t *a);
int64_t sys_faccessat(struct proc *p, const uint64_t *a);
int64_t sys_readlink(struct proc *p, const uint64_t *a);
int64_t sys_readlinkat(struct proc *p, const uint64_t *a);
int64_t sys_getcwd(struct proc *p, const uint64_t *a);
int64_t sys_chdir(struct proc *p, const uint64_t *a);
int64_t sys_fchdir(struct proc *p, const uint64_t *a);
int64_t sys_mkdir(struct proc *p, const uint64_t *a);
int64_t sys_mkdirat(struct proc *p, const uint64_t *a);
int64_t sys_unlink(struct proc *p, const uint64_t *a);
int64_t sys_unlinkat(struct proc *p, const uint64_t *a);
int64_t sys_rmdir(struct proc *p, const uint64_t *a);
int64_t sys_rename(struct proc *p, const uint64_t *a);
int64_t sys_renameat(struct proc *p, const uint64_t *a);
int64_t sys_ftruncate(struct proc *p, const uint64_t *a);
int64_t sys_poll(struct proc *p, const uint64_t *a);
int64_t sys_ppoll(struct proc *p, const uint64_t *a);
int64_t sys_pselect6(struct proc *p, const uint64_t *a);
int64_t sys_select(struct proc *p, const uint64_t *a);
int64_t sys_fsync(struct proc *p, const uint64_t *a);
int64_t sys_chmod(struct proc *p, const uint64_t *a);
int64_t sys_utimensat(struct proc *p, const uint64_t *a);
int64_t sys_chown(struct proc *p, const uint64_t *a);
int64_t sys_fchmod(struct proc *p, const uint64_t *a);
int64_t sys_lchown(struct proc *p, const uint64_t *a);
int64_t sys_fchown(struct proc *p, const uint64_t *a);

/* ------------------------------------------------------------------ sys.c */
/* Runs p's pending call; resumes it unless it blocks or is gone. */
void sys_dispatch(struct proc *p);
/* The answer owed: a process whose call is served and whose registers are
 * ready, but which is not yet resumed.  The main loop sends the last one
 * with its wait, in one kernel call (VX_REGS_RESUME_WAIT); any other
 * kernel operation on that process sends it first (sys_answer_now). */
extern struct proc *answer_owed;
void sys_answer_now(struct proc *p); /* resumes p now if its answer is owed */
void sys_resume(struct proc *p);     /* p's call is answered: it runs again */
/* Futexes (sys.c): p's wait, if any, is over; a wake of at most n waiters
 * on g's word at uaddr (for a thread's exit: CLONE_CHILD_CLEARTID). */
void futex_forget(struct proc *p);
int futex_wake_word(struct proc *g, uint64_t uaddr, int n);
int64_t sys_answer_and_wait(void *ctx, vx_handle_t kick, uint64_t mask, uint64_t deadline);
extern struct proc *answer_failed; /* its answer could not be given: it dies */
void sys_count(uint64_t nr, bool served);
int sys_stats(uint32_t index, struct linux_stat_row *row);
uint64_t boot_time(void); /* the wall clock at boot, s since the epoch */

#endif
