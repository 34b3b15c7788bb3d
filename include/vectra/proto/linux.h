/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The POSIX bridge's protocol, served by linuxd over connections named
 * "linux" (docs/POSIX.md).  linuxd runs unmodified Linux x86_64 programs
 * as foreign-ABI Tasks and serves their system calls itself; this
 * protocol is how the VectraOS shell starts one and stands in for its
 * terminal.  One session runs at a time: a program and whatever it
 * starts, with linuxd's console as their terminal.
 *
 *   LINUX_RUN     data: u32 grants (LINUX_GRANT_*: the parts of the tree
 *                 beyond the root archive the session may reach; what is
 *                 not granted does not exist for it, ENOENT), then argv,
 *                 NUL-separated strings (argc of them, at most
 *                 LINUX_ARGV_MAX bytes in all, argv[0] a path or a name
 *                 looked up in /bin, /usr/bin, /sbin, /usr/sbin)
 *                 -> u32 pid of the session leader.  VX_E_BUSY while a
 *                 session runs, VX_E_NOTFOUND (no such program),
 *                 VX_E_INVAL (not an executable linuxd can load, or
 *                 malformed argv), VX_E_NOMEM, VX_E_FULL (process table).
 *   LINUX_INPUT   data: bytes typed at the console, for the session's
 *                 terminal (line discipline, echo and Ctrl-C as SIGINT
 *                 are linuxd's, as termios says) -> nothing.  VX_E_STATE
 *                 without a session; VX_E_FULL when the terminal's input
 *                 buffer (LINUX_TTY_MAX bytes) is full: send it again.
 *   LINUX_WAIT    -> struct linux_wait once the session leader has ended
 *                 (the session is then over: every process left in it is
 *                 killed), VX_E_AGAIN while it runs, VX_E_STATE without
 *                 a session.  Never blocks.
 *   LINUX_SIGNAL  data: i32 Linux signal number -> nothing: sent to the
 *                 terminal's foreground process group (the shell's way
 *                 to stop a program that turned Ctrl-C off).  VX_E_INVAL
 *                 for a number outside 1..64.
 *   LINUX_STATS   data: u32 index -> struct linux_stat_row: the index-th
 *                 Linux syscall number that was called, with how often it
 *                 was served and refused (ENOSYS); index LINUX_STATS_TOTAL
 *                 gives the totals (nr = processes alive, slabs = 4 MiB
 *                 slabs of memory they hold, served, refused).
 *                 VX_E_NOTFOUND past the last.
 *
 * Errors beside these: VX_E_NOSYS for any other op (rt/svc.h).
 */
#ifndef VECTRA_PROTO_LINUX_H
#define VECTRA_PROTO_LINUX_H

#include <stdint.h>

enum linux_op {
	LINUX_RUN = 1,
	LINUX_INPUT = 2,
	LINUX_WAIT = 3,
	LINUX_SIGNAL = 4,
	LINUX_STATS = 5,
};

#define LINUX_ARGV_MAX	  236u	    /* VX_MSG_DATA less the grants word */
#define LINUX_GRANT_WORK  (1u << 0) /* /work: vfsd's RAM file system */
#define LINUX_GRANT_TMP	  (1u << 1) /* /tmp: vfsd's tmp */
#define LINUX_GRANT_ALL	  (LINUX_GRANT_WORK | LINUX_GRANT_TMP)
#define LINUX_TTY_MAX	  4096u
#define LINUX_STATS_TOTAL 0xffffffffu

struct linux_wait {
	int32_t pid;
	int32_t status; /* as wait4 reports it: code << 8, or the signal */
};
_Static_assert(sizeof(struct linux_wait) == 8, "linux_wait layout");

struct linux_stat_row {
	uint32_t nr;	/* the Linux syscall number (totals: processes alive) */
	uint32_t slabs; /* totals: memory slabs (4 MiB) processes hold; else 0 */
	uint64_t served;
	uint64_t refused;
};
_Static_assert(sizeof(struct linux_stat_row) == 24, "linux_stat_row layout");

#endif
