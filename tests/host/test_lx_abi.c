/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/posix/linux.h against the host's libc headers, differentially: every
 * constant the C library also names must have its value, and every
 * structure the C library lays out the kernel's way (stat, statx,
 * dirent64, timespec, utsname, rlimit, rusage, sysinfo, iovec, pollfd,
 * tms) must have its size and field offsets.  The system-call table is
 * checked against the host's <asm/unistd_64.h>, read as text, number by
 * number.  Also errno.c: lx_errno_of and lx_sys_name.  The kernel's own
 * structures that the C library hides (termios, sigaction, siginfo) are
 * checked against the kernel's UAPI headers in test_lx_kabi.c.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>
#include <asm/prctl.h>
#include <linux/prctl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "posix/errno.h"
#include "posix/linux.h"
#include <vectra/abi.h>

struct pair {
	const char *name;
	long long ours, theirs;
};
#define C(ours, theirs)                                                                            \
	{                                                                                          \
#ours, (long long)(ours), (long long)(theirs)                                      \
	}
#define SAME(x) C(LX_##x, x)

/* Every mismatch in p[0..n) printed, then one failure for all of them. */
static void check_pairs(const struct pair *p, size_t n)
{
	int bad = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i].ours != p[i].theirs) {
			print_message("# %s: ours %lld, the host's %lld\n", p[i].name, p[i].ours,
				      p[i].theirs);
			bad++;
		}
	}
	if (bad)
		fail_msg("%d constants differ from the host's", bad);
}
#define CHECK(arr) check_pairs(arr, sizeof(arr) / sizeof(arr[0]))

static void test_errno_values(void **state)
{
	static const struct pair p[] = {
	    SAME(EPERM),
	    SAME(ENOENT),
	    SAME(ESRCH),
	    SAME(EINTR),
	    SAME(EIO),
	    SAME(ENXIO),
	    SAME(E2BIG),
	    SAME(ENOEXEC),
	    SAME(EBADF),
	    SAME(ECHILD),
	    SAME(EAGAIN),
	    SAME(ENOMEM),
	    SAME(EACCES),
	    SAME(EFAULT),
	    SAME(ENOTBLK),
	    SAME(EBUSY),
	    SAME(EEXIST),
	    SAME(EXDEV),
	    SAME(ENODEV),
	    SAME(ENOTDIR),
	    SAME(EISDIR),
	    SAME(EINVAL),
	    SAME(ENFILE),
	    SAME(EMFILE),
	    SAME(ENOTTY),
	    SAME(ETXTBSY),
	    SAME(EFBIG),
	    SAME(ENOSPC),
	    SAME(ESPIPE),
	    SAME(EROFS),
	    SAME(EMLINK),
	    SAME(EPIPE),
	    SAME(EDOM),
	    SAME(ERANGE),
	    SAME(EDEADLK),
	    SAME(ENAMETOOLONG),
	    SAME(ENOLCK),
	    SAME(ENOSYS),
	    SAME(ENOTEMPTY),
	    SAME(ELOOP),
	    SAME(ENOMSG),
	    SAME(ENODATA),
	    SAME(ETIME),
	    SAME(EPROTO),
	    SAME(EBADMSG),
	    SAME(EOVERFLOW),
	    SAME(EILSEQ),
	    SAME(ENOTSOCK),
	    SAME(EDESTADDRREQ),
	    SAME(EMSGSIZE),
	    SAME(EPROTOTYPE),
	    SAME(ENOPROTOOPT),
	    SAME(EPROTONOSUPPORT),
	    SAME(EOPNOTSUPP),
	    SAME(EAFNOSUPPORT),
	    SAME(EADDRINUSE),
	    SAME(EADDRNOTAVAIL),
	    SAME(ENETDOWN),
	    SAME(ENETUNREACH),
	    SAME(ECONNABORTED),
	    SAME(ECONNRESET),
	    SAME(ENOBUFS),
	    SAME(EISCONN),
	    SAME(ENOTCONN),
	    SAME(ETIMEDOUT),
	    SAME(ECONNREFUSED),
	    SAME(EHOSTUNREACH),
	    SAME(EALREADY),
	    SAME(EINPROGRESS),
	    SAME(ECANCELED),
	    C(LX_EAGAIN, EWOULDBLOCK),
	    C(LX_EOPNOTSUPP, ENOTSUP),
	};

	(void)state;
	CHECK(p);
}

/* glibc's O_LARGEFILE is 0 on x86_64: test_lx_kabi.c checks the kernel's. */
static void test_file_flags(void **state)
{
	static const struct pair p[] = {
	    SAME(O_ACCMODE),
	    SAME(O_RDONLY),
	    SAME(O_WRONLY),
	    SAME(O_RDWR),
	    SAME(O_CREAT),
	    SAME(O_EXCL),
	    SAME(O_NOCTTY),
	    SAME(O_TRUNC),
	    SAME(O_APPEND),
	    SAME(O_NONBLOCK),
	    SAME(O_DSYNC),
	    SAME(O_ASYNC),
	    SAME(O_DIRECT),
	    SAME(O_DIRECTORY),
	    SAME(O_NOFOLLOW),
	    SAME(O_NOATIME),
	    SAME(O_CLOEXEC),
	    SAME(O_SYNC),
	    SAME(O_PATH),
	    SAME(O_TMPFILE),
	    SAME(AT_FDCWD),
	    SAME(AT_SYMLINK_NOFOLLOW),
	    SAME(AT_REMOVEDIR),
	    SAME(AT_EACCESS),
	    SAME(AT_SYMLINK_FOLLOW),
	    SAME(AT_NO_AUTOMOUNT),
	    SAME(AT_EMPTY_PATH),
	    SAME(AT_STATX_SYNC_TYPE),
	    SAME(AT_STATX_FORCE_SYNC),
	    SAME(AT_STATX_DONT_SYNC),
	    SAME(AT_RECURSIVE),
	    SAME(RENAME_NOREPLACE),
	    SAME(RENAME_EXCHANGE),
	    SAME(RENAME_WHITEOUT),
	    SAME(F_OK),
	    SAME(X_OK),
	    SAME(W_OK),
	    SAME(R_OK),
	    SAME(SEEK_SET),
	    SAME(SEEK_CUR),
	    SAME(SEEK_END),
	    SAME(SEEK_DATA),
	    SAME(SEEK_HOLE),
	    SAME(UTIME_NOW),
	    SAME(UTIME_OMIT),
	    SAME(F_DUPFD),
	    SAME(F_GETFD),
	    SAME(F_SETFD),
	    SAME(F_GETFL),
	    SAME(F_SETFL),
	    SAME(F_GETLK),
	    SAME(F_SETLK),
	    SAME(F_SETLKW),
	    SAME(F_SETOWN),
	    SAME(F_GETOWN),
	    SAME(F_SETSIG),
	    SAME(F_GETSIG),
	    SAME(F_SETOWN_EX),
	    SAME(F_GETOWN_EX),
	    SAME(F_OFD_GETLK),
	    SAME(F_OFD_SETLK),
	    SAME(F_OFD_SETLKW),
	    SAME(F_DUPFD_CLOEXEC),
	    SAME(F_SETPIPE_SZ),
	    SAME(F_GETPIPE_SZ),
	    SAME(F_ADD_SEALS),
	    SAME(F_GET_SEALS),
	    SAME(FD_CLOEXEC),
	    SAME(F_RDLCK),
	    SAME(F_WRLCK),
	    SAME(F_UNLCK),
	    SAME(PATH_MAX),
	    SAME(NAME_MAX),
	    SAME(S_IFMT),
	    SAME(S_IFSOCK),
	    SAME(S_IFLNK),
	    SAME(S_IFREG),
	    SAME(S_IFBLK),
	    SAME(S_IFDIR),
	    SAME(S_IFCHR),
	    SAME(S_IFIFO),
	    SAME(S_ISUID),
	    SAME(S_ISGID),
	    SAME(S_ISVTX),
	    SAME(DT_UNKNOWN),
	    SAME(DT_FIFO),
	    SAME(DT_CHR),
	    SAME(DT_DIR),
	    SAME(DT_BLK),
	    SAME(DT_REG),
	    SAME(DT_LNK),
	    SAME(DT_SOCK),
	    SAME(STATX_TYPE),
	    SAME(STATX_MODE),
	    SAME(STATX_NLINK),
	    SAME(STATX_UID),
	    SAME(STATX_GID),
	    SAME(STATX_ATIME),
	    SAME(STATX_MTIME),
	    SAME(STATX_CTIME),
	    SAME(STATX_INO),
	    SAME(STATX_SIZE),
	    SAME(STATX_BLOCKS),
	    SAME(STATX_BASIC_STATS),
	    SAME(STATX_BTIME),
	    SAME(STATX_MNT_ID),
	    SAME(IOV_MAX),
	    SAME(FD_SETSIZE),
	    SAME(POLLIN),
	    SAME(POLLPRI),
	    SAME(POLLOUT),
	    SAME(POLLERR),
	    SAME(POLLHUP),
	    SAME(POLLNVAL),
	    SAME(POLLRDNORM),
	    SAME(POLLRDBAND),
	    SAME(POLLWRNORM),
	    SAME(POLLWRBAND),
	};

	(void)state;
	CHECK(p);
}

static void test_memory_flags(void **state)
{
	static const struct pair p[] = {
	    SAME(PROT_NONE),	     SAME(PROT_READ),	       SAME(PROT_WRITE),
	    SAME(PROT_EXEC),	     SAME(PROT_GROWSDOWN),     SAME(PROT_GROWSUP),
	    SAME(MAP_SHARED),	     SAME(MAP_PRIVATE),	       SAME(MAP_SHARED_VALIDATE),
	    SAME(MAP_TYPE),	     SAME(MAP_FIXED),	       SAME(MAP_ANONYMOUS),
	    SAME(MAP_32BIT),	     SAME(MAP_GROWSDOWN),      SAME(MAP_DENYWRITE),
	    SAME(MAP_EXECUTABLE),    SAME(MAP_LOCKED),	       SAME(MAP_NORESERVE),
	    SAME(MAP_POPULATE),	     SAME(MAP_NONBLOCK),       SAME(MAP_STACK),
	    SAME(MAP_HUGETLB),	     SAME(MAP_SYNC),	       SAME(MAP_FIXED_NOREPLACE),
	    SAME(MREMAP_MAYMOVE),    SAME(MREMAP_FIXED),       SAME(MREMAP_DONTUNMAP),
	    SAME(MADV_NORMAL),	     SAME(MADV_RANDOM),	       SAME(MADV_SEQUENTIAL),
	    SAME(MADV_WILLNEED),     SAME(MADV_DONTNEED),      SAME(MADV_FREE),
	    SAME(GRND_NONBLOCK),     SAME(GRND_RANDOM),	       SAME(GRND_INSECURE),
	    SAME(FUTEX_WAIT),	     SAME(FUTEX_WAKE),	       SAME(FUTEX_WAIT_BITSET),
	    SAME(FUTEX_WAKE_BITSET), SAME(FUTEX_PRIVATE_FLAG), SAME(FUTEX_CLOCK_REALTIME),
	};

	(void)state;
	CHECK(p);
}

/* SA_RESTORER, SIGRTMIN as the kernel counts and MINSIGSTKSZ: test_lx_kabi.c. */
static void test_signals(void **state)
{
	static const struct pair p[] = {
	    SAME(SIGHUP),
	    SAME(SIGINT),
	    SAME(SIGQUIT),
	    SAME(SIGILL),
	    SAME(SIGTRAP),
	    SAME(SIGABRT),
	    SAME(SIGBUS),
	    SAME(SIGFPE),
	    SAME(SIGKILL),
	    SAME(SIGUSR1),
	    SAME(SIGSEGV),
	    SAME(SIGUSR2),
	    SAME(SIGPIPE),
	    SAME(SIGALRM),
	    SAME(SIGTERM),
	    SAME(SIGSTKFLT),
	    SAME(SIGCHLD),
	    SAME(SIGCONT),
	    SAME(SIGSTOP),
	    SAME(SIGTSTP),
	    SAME(SIGTTIN),
	    SAME(SIGTTOU),
	    SAME(SIGURG),
	    SAME(SIGXCPU),
	    SAME(SIGXFSZ),
	    SAME(SIGVTALRM),
	    SAME(SIGPROF),
	    SAME(SIGWINCH),
	    SAME(SIGIO),
	    SAME(SIGPWR),
	    SAME(SIGSYS),
	    C(LX_NSIG + 1, NSIG),
	    C(LX_SIG_DFL, (uintptr_t)SIG_DFL),
	    C(LX_SIG_IGN, (uintptr_t)SIG_IGN),
	    SAME(SA_NOCLDSTOP),
	    SAME(SA_NOCLDWAIT),
	    SAME(SA_SIGINFO),
	    SAME(SA_ONSTACK),
	    SAME(SA_RESTART),
	    SAME(SA_NODEFER),
	    SAME(SA_RESETHAND),
	    SAME(SIG_BLOCK),
	    SAME(SIG_UNBLOCK),
	    SAME(SIG_SETMASK),
	    SAME(SS_ONSTACK),
	    SAME(SS_DISABLE),
	    SAME(SI_USER),
	    SAME(SI_KERNEL),
	    SAME(SI_QUEUE),
	    SAME(SI_TIMER),
	    SAME(SI_TKILL),
	    SAME(CLD_EXITED),
	    SAME(CLD_KILLED),
	    SAME(CLD_DUMPED),
	    SAME(CLD_TRAPPED),
	    SAME(CLD_STOPPED),
	    SAME(CLD_CONTINUED),
	    SAME(SEGV_MAPERR),
	    SAME(SEGV_ACCERR),
	    SAME(BUS_ADRALN),
	    SAME(BUS_ADRERR),
	    SAME(ILL_ILLOPC),
	    SAME(ILL_ILLOPN),
	    SAME(FPE_INTDIV),
	    SAME(FPE_INTOVF),
	    SAME(TRAP_BRKPT),
	};

	(void)state;
	CHECK(p);
}

/* The wait status encodings, against the host's own decoders. */
static void test_processes(void **state)
{
	static const struct pair p[] = {
	    SAME(WNOHANG),
	    SAME(WUNTRACED),
	    SAME(WSTOPPED),
	    SAME(WEXITED),
	    SAME(WCONTINUED),
	    SAME(WNOWAIT),
	    C(LX_WNOTHREAD, __WNOTHREAD),
	    C(LX_WALL, __WALL),
	    C(LX_WCLONE, __WCLONE),
	    SAME(P_ALL),
	    SAME(P_PID),
	    SAME(P_PGID),
	    SAME(P_PIDFD),
	    C(LX_CSIGNAL, CSIGNAL),
	    SAME(CLONE_VM),
	    SAME(CLONE_FS),
	    SAME(CLONE_FILES),
	    SAME(CLONE_SIGHAND),
	    SAME(CLONE_PIDFD),
	    SAME(CLONE_PTRACE),
	    SAME(CLONE_VFORK),
	    SAME(CLONE_PARENT),
	    SAME(CLONE_THREAD),
	    SAME(CLONE_NEWNS),
	    SAME(CLONE_SYSVSEM),
	    SAME(CLONE_SETTLS),
	    SAME(CLONE_PARENT_SETTID),
	    SAME(CLONE_CHILD_CLEARTID),
	    SAME(CLONE_DETACHED),
	    SAME(CLONE_UNTRACED),
	    SAME(CLONE_CHILD_SETTID),
	    SAME(CLONE_NEWCGROUP),
	    SAME(CLONE_NEWUTS),
	    SAME(CLONE_NEWIPC),
	    SAME(CLONE_NEWUSER),
	    SAME(CLONE_NEWPID),
	    SAME(CLONE_NEWNET),
	    SAME(CLONE_IO),
	    SAME(ARCH_SET_GS),
	    SAME(ARCH_SET_FS),
	    SAME(ARCH_GET_FS),
	    SAME(ARCH_GET_GS),
	    SAME(ARCH_GET_CPUID),
	    SAME(ARCH_SET_CPUID),
	    SAME(PR_SET_PDEATHSIG),
	    SAME(PR_GET_PDEATHSIG),
	    SAME(PR_GET_DUMPABLE),
	    SAME(PR_SET_DUMPABLE),
	    SAME(PR_SET_NAME),
	    SAME(PR_GET_NAME),
	    SAME(RLIMIT_CPU),
	    SAME(RLIMIT_FSIZE),
	    SAME(RLIMIT_DATA),
	    SAME(RLIMIT_STACK),
	    SAME(RLIMIT_CORE),
	    SAME(RLIMIT_RSS),
	    SAME(RLIMIT_NPROC),
	    SAME(RLIMIT_NOFILE),
	    SAME(RLIMIT_MEMLOCK),
	    SAME(RLIMIT_AS),
	    SAME(RLIMIT_LOCKS),
	    SAME(RLIMIT_SIGPENDING),
	    SAME(RLIMIT_MSGQUEUE),
	    SAME(RLIMIT_NICE),
	    SAME(RLIMIT_RTPRIO),
	    SAME(RLIMIT_RTTIME),
	    SAME(RLIM_NLIMITS),
	    C(LX_RLIM_INFINITY, RLIM_INFINITY),
	    SAME(RUSAGE_SELF),
	    SAME(RUSAGE_CHILDREN),
	    SAME(CLOCK_REALTIME),
	    SAME(CLOCK_MONOTONIC),
	    SAME(CLOCK_PROCESS_CPUTIME_ID),
	    SAME(CLOCK_THREAD_CPUTIME_ID),
	    SAME(CLOCK_MONOTONIC_RAW),
	    SAME(CLOCK_REALTIME_COARSE),
	    SAME(CLOCK_MONOTONIC_COARSE),
	    SAME(CLOCK_BOOTTIME),
	    SAME(CLOCK_TAI),
	    SAME(TIMER_ABSTIME),
	};

	(void)state;
	CHECK(p);
	/* Our encoders, decoded by the host's macros. */
	assert_true(WIFEXITED(LX_W_EXITCODE(3, 0)) && WEXITSTATUS(LX_W_EXITCODE(3, 0)) == 3);
	assert_true(WIFSIGNALED(LX_W_EXITCODE(0, 9)) && WTERMSIG(LX_W_EXITCODE(0, 9)) == 9);
	assert_true(WCOREDUMP(LX_W_EXITCODE(0, 11) | LX_W_COREFLAG));
	assert_true(WIFSTOPPED(LX_W_STOPCODE(20)) && WSTOPSIG(LX_W_STOPCODE(20)) == 20);
	assert_true(WIFCONTINUED(LX_W_CONTINUED));
}

static void test_terminal(void **state)
{
	static const struct pair p[] = {
	    SAME(TCGETS),    SAME(TCSETS),     SAME(TCSETSW),	 SAME(TCSETSF),	  SAME(TCSBRK),
	    SAME(TCXONC),    SAME(TCFLSH),     SAME(TIOCSCTTY),	 SAME(TIOCGPGRP), SAME(TIOCSPGRP),
	    SAME(TIOCOUTQ),  SAME(TIOCGWINSZ), SAME(TIOCSWINSZ), SAME(FIONREAD),  SAME(FIONBIO),
	    SAME(TIOCNOTTY), SAME(TIOCGSID),   SAME(FIONCLEX),	 SAME(FIOCLEX),	  SAME(TCIFLUSH),
	    SAME(TCOFLUSH),  SAME(TCIOFLUSH),  SAME(VINTR),	 SAME(VQUIT),	  SAME(VERASE),
	    SAME(VKILL),     SAME(VEOF),       SAME(VTIME),	 SAME(VMIN),	  SAME(VSWTC),
	    SAME(VSTART),    SAME(VSTOP),      SAME(VSUSP),	 SAME(VEOL),	  SAME(VREPRINT),
	    SAME(VDISCARD),  SAME(VWERASE),    SAME(VLNEXT),	 SAME(VEOL2),	  SAME(IGNBRK),
	    SAME(BRKINT),    SAME(IGNPAR),     SAME(PARMRK),	 SAME(INPCK),	  SAME(ISTRIP),
	    SAME(INLCR),     SAME(IGNCR),      SAME(ICRNL),	 SAME(IUCLC),	  SAME(IXON),
	    SAME(IXANY),     SAME(IXOFF),      SAME(IMAXBEL),	 SAME(IUTF8),	  SAME(OPOST),
	    SAME(ONLCR),     SAME(CBAUD),      SAME(B38400),	 SAME(CSIZE),	  SAME(CS8),
	    SAME(CSTOPB),    SAME(CREAD),      SAME(PARENB),	 SAME(HUPCL),	  SAME(CLOCAL),
	    SAME(ISIG),	     SAME(ICANON),     SAME(ECHO),	 SAME(ECHOE),	  SAME(ECHOK),
	    SAME(ECHONL),    SAME(NOFLSH),     SAME(TOSTOP),	 SAME(ECHOCTL),	  SAME(ECHOPRT),
	    SAME(ECHOKE),    SAME(IEXTEN),
	};

	(void)state;
	CHECK(p);
}

static void test_auxv_tags(void **state)
{
	static const struct pair p[] = {
	    SAME(AT_NULL),
	    SAME(AT_IGNORE),
	    SAME(AT_EXECFD),
	    SAME(AT_PHDR),
	    SAME(AT_PHENT),
	    SAME(AT_PHNUM),
	    SAME(AT_PAGESZ),
	    SAME(AT_BASE),
	    SAME(AT_FLAGS),
	    SAME(AT_ENTRY),
	    SAME(AT_NOTELF),
	    SAME(AT_UID),
	    SAME(AT_EUID),
	    SAME(AT_GID),
	    SAME(AT_EGID),
	    SAME(AT_PLATFORM),
	    SAME(AT_HWCAP),
	    SAME(AT_CLKTCK),
	    SAME(AT_SECURE),
	    SAME(AT_BASE_PLATFORM),
	    SAME(AT_RANDOM),
	    SAME(AT_HWCAP2),
	    SAME(AT_EXECFN),
	    SAME(AT_SYSINFO_EHDR),
	    SAME(AT_MINSIGSTKSZ),
#ifdef AT_RSEQ_ALIGN
	    SAME(AT_RSEQ_FEATURE_SIZE),
	    SAME(AT_RSEQ_ALIGN),
#endif
	};

	(void)state;
	CHECK(p);
}

/* sizeof and every field's offset of ours against the host's. */
#define SZ(ours, theirs)	C(sizeof(struct ours), sizeof(struct theirs))
#define OFF(ours, f, theirs, g) C(offsetof(struct ours, f), offsetof(struct theirs, g))
#define FLD(ours, theirs, f)	OFF(ours, f, theirs, f)

static void test_stat_layouts(void **state)
{
	static const struct pair p[] = {
	    SZ(lx_stat, stat),
	    FLD(lx_stat, stat, st_dev),
	    FLD(lx_stat, stat, st_ino),
	    FLD(lx_stat, stat, st_nlink),
	    FLD(lx_stat, stat, st_mode),
	    FLD(lx_stat, stat, st_uid),
	    FLD(lx_stat, stat, st_gid),
	    FLD(lx_stat, stat, st_rdev),
	    FLD(lx_stat, stat, st_size),
	    FLD(lx_stat, stat, st_blksize),
	    FLD(lx_stat, stat, st_blocks),
	    OFF(lx_stat, st_atime_sec, stat, st_atim.tv_sec),
	    OFF(lx_stat, st_atime_nsec, stat, st_atim.tv_nsec),
	    OFF(lx_stat, st_mtime_sec, stat, st_mtim.tv_sec),
	    OFF(lx_stat, st_mtime_nsec, stat, st_mtim.tv_nsec),
	    OFF(lx_stat, st_ctime_sec, stat, st_ctim.tv_sec),
	    OFF(lx_stat, st_ctime_nsec, stat, st_ctim.tv_nsec),
	    SZ(lx_statx, statx),
	    FLD(lx_statx, statx, stx_mask),
	    FLD(lx_statx, statx, stx_blksize),
	    FLD(lx_statx, statx, stx_attributes),
	    FLD(lx_statx, statx, stx_nlink),
	    FLD(lx_statx, statx, stx_uid),
	    FLD(lx_statx, statx, stx_gid),
	    FLD(lx_statx, statx, stx_mode),
	    FLD(lx_statx, statx, stx_ino),
	    FLD(lx_statx, statx, stx_size),
	    FLD(lx_statx, statx, stx_blocks),
	    FLD(lx_statx, statx, stx_attributes_mask),
	    FLD(lx_statx, statx, stx_atime),
	    FLD(lx_statx, statx, stx_btime),
	    FLD(lx_statx, statx, stx_ctime),
	    FLD(lx_statx, statx, stx_mtime),
	    FLD(lx_statx, statx, stx_rdev_major),
	    FLD(lx_statx, statx, stx_rdev_minor),
	    FLD(lx_statx, statx, stx_dev_major),
	    FLD(lx_statx, statx, stx_dev_minor),
	    SZ(lx_statx_timestamp, statx_timestamp),
	    FLD(lx_statx_timestamp, statx_timestamp, tv_sec),
	    FLD(lx_statx_timestamp, statx_timestamp, tv_nsec),
	    FLD(lx_dirent64, dirent64, d_ino),
	    FLD(lx_dirent64, dirent64, d_off),
	    FLD(lx_dirent64, dirent64, d_reclen),
	    FLD(lx_dirent64, dirent64, d_type),
	    FLD(lx_dirent64, dirent64, d_name),
	};

	(void)state;
	CHECK(p);
}

static void test_other_layouts(void **state)
{
	static const struct pair p[] = {
	    SZ(lx_timespec, timespec),
	    FLD(lx_timespec, timespec, tv_sec),
	    FLD(lx_timespec, timespec, tv_nsec),
	    SZ(lx_timeval, timeval),
	    FLD(lx_timeval, timeval, tv_sec),
	    FLD(lx_timeval, timeval, tv_usec),
	    SZ(lx_utsname, utsname),
	    FLD(lx_utsname, utsname, sysname),
	    FLD(lx_utsname, utsname, nodename),
	    FLD(lx_utsname, utsname, release),
	    FLD(lx_utsname, utsname, version),
	    FLD(lx_utsname, utsname, machine),
	    FLD(lx_utsname, utsname, domainname),
	    SZ(lx_rlimit, rlimit),
	    FLD(lx_rlimit, rlimit, rlim_cur),
	    FLD(lx_rlimit, rlimit, rlim_max),
	    SZ(lx_rusage, rusage),
	    FLD(lx_rusage, rusage, ru_utime),
	    FLD(lx_rusage, rusage, ru_stime),
	    FLD(lx_rusage, rusage, ru_maxrss),
	    FLD(lx_rusage, rusage, ru_minflt),
	    FLD(lx_rusage, rusage, ru_nvcsw),
	    FLD(lx_rusage, rusage, ru_nivcsw),
	    SZ(lx_sysinfo, sysinfo),
	    FLD(lx_sysinfo, sysinfo, uptime),
	    FLD(lx_sysinfo, sysinfo, loads),
	    FLD(lx_sysinfo, sysinfo, totalram),
	    FLD(lx_sysinfo, sysinfo, freeram),
	    FLD(lx_sysinfo, sysinfo, sharedram),
	    FLD(lx_sysinfo, sysinfo, bufferram),
	    FLD(lx_sysinfo, sysinfo, totalswap),
	    FLD(lx_sysinfo, sysinfo, freeswap),
	    FLD(lx_sysinfo, sysinfo, procs),
	    FLD(lx_sysinfo, sysinfo, totalhigh),
	    FLD(lx_sysinfo, sysinfo, freehigh),
	    FLD(lx_sysinfo, sysinfo, mem_unit),
	    SZ(lx_iovec, iovec),
	    FLD(lx_iovec, iovec, iov_base),
	    FLD(lx_iovec, iovec, iov_len),
	    SZ(lx_pollfd, pollfd),
	    FLD(lx_pollfd, pollfd, fd),
	    FLD(lx_pollfd, pollfd, events),
	    FLD(lx_pollfd, pollfd, revents),
	    SZ(lx_winsize, winsize),
	    FLD(lx_winsize, winsize, ws_row),
	    FLD(lx_winsize, winsize, ws_col),
	    FLD(lx_winsize, winsize, ws_xpixel),
	    FLD(lx_winsize, winsize, ws_ypixel),
	    SZ(lx_tms, tms),
	    FLD(lx_tms, tms, tms_utime),
	    FLD(lx_tms, tms, tms_stime),
	    FLD(lx_tms, tms, tms_cutime),
	    FLD(lx_tms, tms, tms_cstime),
	};

	(void)state;
	CHECK(p);
}

/* The host's <asm/unistd_64.h>, as text: "#define __NR_name number". */
static FILE *open_unistd(void)
{
	static const char *const where[] = {
	    "/usr/include/x86_64-linux-gnu/asm/unistd_64.h",
	    "/usr/include/asm/unistd_64.h",
	};

	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		FILE *f = fopen(where[i], "r");

		if (f)
			return f;
	}
	return NULL;
}

/* Every number the host's kernel headers name, named the same by lx_sys_name. */
static void test_syscall_table(void **state)
{
	FILE *f = open_unistd();
	char line[256], name[128];
	unsigned nr, seen = 0, max = 0, named = 0;
	int bad = 0;

	(void)state;
	if (!f)
		fail_msg("no <asm/unistd_64.h>: install linux-libc-dev");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "#define __NR_%127s %u", name, &nr) != 2)
			continue;
		seen++;
		max = nr > max ? nr : max;
		if (!lx_sys_name(nr) || strcmp(lx_sys_name(nr), name) != 0) {
			print_message("# %u: host %s, ours %s\n", nr, name,
				      lx_sys_name(nr) ? lx_sys_name(nr) : "(none)");
			bad++;
		}
	}
	fclose(f);
	assert_true(seen >= 360);
	/* And nothing of ours up to the host's highest number that it lacks. */
	for (unsigned i = 0; i <= max; i++)
		named += lx_sys_name(i) != NULL;
	if (named != seen)
		fail_msg("we name %u numbers up to %u, the host %u", named, max, seen);
	if (bad)
		fail_msg("%d system-call numbers differ from the host's", bad);
	/* Compile-time spot checks through glibc's SYS_ names. */
	assert_int_equal(LX_SYS_read, SYS_read);
	assert_int_equal(LX_SYS_rt_sigreturn, SYS_rt_sigreturn);
	assert_int_equal(LX_SYS_arch_prctl, SYS_arch_prctl);
	assert_int_equal(LX_SYS_exit_group, SYS_exit_group);
	assert_int_equal(LX_SYS_openat, SYS_openat);
	assert_int_equal(LX_SYS_prlimit64, SYS_prlimit64);
	assert_int_equal(LX_SYS_getrandom, SYS_getrandom);
	assert_int_equal(LX_SYS_rseq, SYS_rseq);
	assert_int_equal(LX_SYS_clone3, SYS_clone3);
	assert_int_equal(LX_SYS_faccessat2, SYS_faccessat2);
	assert_int_equal(LX_SYS_epoll_pwait2, SYS_epoll_pwait2);
}

/* The table's shape: holes exactly at 335..423 and past the end. */
static void test_syscall_names(void **state)
{
	unsigned named = 0;

	(void)state;
	for (unsigned nr = 0; nr < LX_SYS_COUNT + 10; nr++) {
		const char *n = lx_sys_name(nr);
		int hole = (nr >= 335 && nr <= 423) || nr >= LX_SYS_COUNT;

		if (hole != (n == NULL))
			fail_msg("nr %u: name %s", nr, n ? n : "(null)");
		named += n != NULL;
	}
	assert_int_equal(named, 335 + (LX_SYS_COUNT - 424));
	assert_null(lx_sys_name(~0u));
	assert_string_equal(lx_sys_name(LX_SYS_mseal), "mseal");
	assert_int_equal(LX_SYS_mseal, 462);
	assert_string_equal(lx_sys_name(LX_SYS__sysctl), "_sysctl");
	assert_string_equal(lx_sys_name(0), "read");
}

static void test_errno_of(void **state)
{
	(void)state;
	assert_int_equal(lx_errno_of(0), 0);
	assert_int_equal(lx_errno_of(7), 7);
	assert_int_equal(lx_errno_of(VX_E_NOTFOUND), -LX_ENOENT);
	assert_int_equal(lx_errno_of(VX_E_EXISTS), -LX_EEXIST);
	assert_int_equal(lx_errno_of(VX_E_FULL), -LX_ENOSPC);
	assert_int_equal(lx_errno_of(VX_E_FAULT), -LX_EFAULT);
	assert_int_equal(lx_errno_of(VX_E_TOOBIG), -LX_EFBIG);
	assert_int_equal(lx_errno_of(VX_E_NOSYS), -LX_ENOSYS);
	assert_int_equal(lx_errno_of(VX_E_HANGUP), -LX_EPIPE);
	assert_int_equal(lx_errno_of(VX_E_STALE), -LX_EBADF);
	assert_int_equal(lx_errno_of(VX_E_LAST - 1), -LX_EIO);
	assert_int_equal(lx_errno_of(-1000000), -LX_EIO);
	assert_int_equal(lx_errno_of(-2147483647 - 1), -LX_EIO);
	/* Every VectraOS error is some real errno, never 0 or a success. */
	for (int e = -1; e >= VX_E_LAST; e--) {
		int l = lx_errno_of(e);

		assert_true(l < 0 && l >= -LX_EMAXERRNO);
		assert_non_null(strerror(-l));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_errno_values),  cmocka_unit_test(test_file_flags),
	    cmocka_unit_test(test_memory_flags),  cmocka_unit_test(test_signals),
	    cmocka_unit_test(test_processes),	  cmocka_unit_test(test_terminal),
	    cmocka_unit_test(test_auxv_tags),	  cmocka_unit_test(test_stat_layouts),
	    cmocka_unit_test(test_other_layouts), cmocka_unit_test(test_syscall_table),
	    cmocka_unit_test(test_syscall_names), cmocka_unit_test(test_errno_of),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
