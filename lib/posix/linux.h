/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Linux x86_64 system-call ABI, as facts: the numbers and structure
 * layouts a Linux program compiled for x86_64 relies on, which linuxd
 * (docs/POSIX.md) must serve exactly.
 *
 * Every value here is written out from the Linux UAPI's documented
 * numbers (x86_64 where an architecture differs), not copied from its
 * headers, and tests/host/test_lx_abi.c checks each one differentially
 * against the host's own <sys/...>, <asm/...> and <linux/...> headers:
 * constants by value, structures by sizeof and offsetof.  Every structure
 * that crosses into a process's memory is pinned here by _Static_assert,
 * so a layout slip cannot compile.
 *
 * Conventions:
 *   - names are the Linux names with an LX_ prefix (LX_ENOENT, LX_O_CREAT,
 *     LX_SYS_openat); structures are lx_<linux name> with Linux's field
 *     names, except where a libc makes the name a macro (st_atime is
 *     st_atime_sec here, sa_handler is handler, si_pid is f.kill.pid), so
 *     that this header and the libc's can meet in one host test;
 *   - a system call's result is a 64-bit value: >= 0 success, -4095..-1 a
 *     negative errno (LX_E*), as the kernel returns it in rax;
 *   - no structure here has hidden padding: every pad is a named field,
 *     which whoever fills one for a process must zero (linuxd writes whole
 *     structures, never leaking its own bytes).
 */
#ifndef VX_POSIX_LINUX_H
#define VX_POSIX_LINUX_H

#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------------
 * System-call numbers (rax at the syscall instruction).  One list, as an
 * X-macro: X(number, name).  It makes the LX_SYS_<name> constants below
 * and lx_sys_name()'s table (errno.c).  Numbers 335..423 are unassigned on
 * x86_64 (the range the 32-bit ABIs used for their time64 calls);
 * LX_SYS_COUNT is one past the highest number listed.
 * ------------------------------------------------------------------------ */
#define LX_SYSCALLS(X)                                                                             \
	X(0, read)                                                                                 \
	X(1, write)                                                                                \
	X(2, open)                                                                                 \
	X(3, close)                                                                                \
	X(4, stat)                                                                                 \
	X(5, fstat)                                                                                \
	X(6, lstat)                                                                                \
	X(7, poll)                                                                                 \
	X(8, lseek)                                                                                \
	X(9, mmap)                                                                                 \
	X(10, mprotect)                                                                            \
	X(11, munmap)                                                                              \
	X(12, brk)                                                                                 \
	X(13, rt_sigaction)                                                                        \
	X(14, rt_sigprocmask)                                                                      \
	X(15, rt_sigreturn)                                                                        \
	X(16, ioctl)                                                                               \
	X(17, pread64)                                                                             \
	X(18, pwrite64)                                                                            \
	X(19, readv)                                                                               \
	X(20, writev)                                                                              \
	X(21, access)                                                                              \
	X(22, pipe)                                                                                \
	X(23, select)                                                                              \
	X(24, sched_yield)                                                                         \
	X(25, mremap)                                                                              \
	X(26, msync)                                                                               \
	X(27, mincore)                                                                             \
	X(28, madvise)                                                                             \
	X(29, shmget)                                                                              \
	X(30, shmat)                                                                               \
	X(31, shmctl)                                                                              \
	X(32, dup)                                                                                 \
	X(33, dup2)                                                                                \
	X(34, pause)                                                                               \
	X(35, nanosleep)                                                                           \
	X(36, getitimer)                                                                           \
	X(37, alarm)                                                                               \
	X(38, setitimer)                                                                           \
	X(39, getpid)                                                                              \
	X(40, sendfile)                                                                            \
	X(41, socket)                                                                              \
	X(42, connect)                                                                             \
	X(43, accept)                                                                              \
	X(44, sendto)                                                                              \
	X(45, recvfrom)                                                                            \
	X(46, sendmsg)                                                                             \
	X(47, recvmsg)                                                                             \
	X(48, shutdown)                                                                            \
	X(49, bind)                                                                                \
	X(50, listen)                                                                              \
	X(51, getsockname)                                                                         \
	X(52, getpeername)                                                                         \
	X(53, socketpair)                                                                          \
	X(54, setsockopt)                                                                          \
	X(55, getsockopt)                                                                          \
	X(56, clone)                                                                               \
	X(57, fork)                                                                                \
	X(58, vfork)                                                                               \
	X(59, execve)                                                                              \
	X(60, exit)                                                                                \
	X(61, wait4)                                                                               \
	X(62, kill)                                                                                \
	X(63, uname)                                                                               \
	X(64, semget)                                                                              \
	X(65, semop)                                                                               \
	X(66, semctl)                                                                              \
	X(67, shmdt)                                                                               \
	X(68, msgget)                                                                              \
	X(69, msgsnd)                                                                              \
	X(70, msgrcv)                                                                              \
	X(71, msgctl)                                                                              \
	X(72, fcntl)                                                                               \
	X(73, flock)                                                                               \
	X(74, fsync)                                                                               \
	X(75, fdatasync)                                                                           \
	X(76, truncate)                                                                            \
	X(77, ftruncate)                                                                           \
	X(78, getdents)                                                                            \
	X(79, getcwd)                                                                              \
	X(80, chdir)                                                                               \
	X(81, fchdir)                                                                              \
	X(82, rename)                                                                              \
	X(83, mkdir)                                                                               \
	X(84, rmdir)                                                                               \
	X(85, creat)                                                                               \
	X(86, link)                                                                                \
	X(87, unlink)                                                                              \
	X(88, symlink)                                                                             \
	X(89, readlink)                                                                            \
	X(90, chmod)                                                                               \
	X(91, fchmod)                                                                              \
	X(92, chown)                                                                               \
	X(93, fchown)                                                                              \
	X(94, lchown)                                                                              \
	X(95, umask)                                                                               \
	X(96, gettimeofday)                                                                        \
	X(97, getrlimit)                                                                           \
	X(98, getrusage)                                                                           \
	X(99, sysinfo)                                                                             \
	X(100, times)                                                                              \
	X(101, ptrace)                                                                             \
	X(102, getuid)                                                                             \
	X(103, syslog)                                                                             \
	X(104, getgid)                                                                             \
	X(105, setuid)                                                                             \
	X(106, setgid)                                                                             \
	X(107, geteuid)                                                                            \
	X(108, getegid)                                                                            \
	X(109, setpgid)                                                                            \
	X(110, getppid)                                                                            \
	X(111, getpgrp)                                                                            \
	X(112, setsid)                                                                             \
	X(113, setreuid)                                                                           \
	X(114, setregid)                                                                           \
	X(115, getgroups)                                                                          \
	X(116, setgroups)                                                                          \
	X(117, setresuid)                                                                          \
	X(118, getresuid)                                                                          \
	X(119, setresgid)                                                                          \
	X(120, getresgid)                                                                          \
	X(121, getpgid)                                                                            \
	X(122, setfsuid)                                                                           \
	X(123, setfsgid)                                                                           \
	X(124, getsid)                                                                             \
	X(125, capget)                                                                             \
	X(126, capset)                                                                             \
	X(127, rt_sigpending)                                                                      \
	X(128, rt_sigtimedwait)                                                                    \
	X(129, rt_sigqueueinfo)                                                                    \
	X(130, rt_sigsuspend)                                                                      \
	X(131, sigaltstack)                                                                        \
	X(132, utime)                                                                              \
	X(133, mknod)                                                                              \
	X(134, uselib)                                                                             \
	X(135, personality)                                                                        \
	X(136, ustat)                                                                              \
	X(137, statfs)                                                                             \
	X(138, fstatfs)                                                                            \
	X(139, sysfs)                                                                              \
	X(140, getpriority)                                                                        \
	X(141, setpriority)                                                                        \
	X(142, sched_setparam)                                                                     \
	X(143, sched_getparam)                                                                     \
	X(144, sched_setscheduler)                                                                 \
	X(145, sched_getscheduler)                                                                 \
	X(146, sched_get_priority_max)                                                             \
	X(147, sched_get_priority_min)                                                             \
	X(148, sched_rr_get_interval)                                                              \
	X(149, mlock)                                                                              \
	X(150, munlock)                                                                            \
	X(151, mlockall)                                                                           \
	X(152, munlockall)                                                                         \
	X(153, vhangup)                                                                            \
	X(154, modify_ldt)                                                                         \
	X(155, pivot_root)                                                                         \
	X(156, _sysctl)                                                                            \
	X(157, prctl)                                                                              \
	X(158, arch_prctl)                                                                         \
	X(159, adjtimex)                                                                           \
	X(160, setrlimit)                                                                          \
	X(161, chroot)                                                                             \
	X(162, sync)                                                                               \
	X(163, acct)                                                                               \
	X(164, settimeofday)                                                                       \
	X(165, mount)                                                                              \
	X(166, umount2)                                                                            \
	X(167, swapon)                                                                             \
	X(168, swapoff)                                                                            \
	X(169, reboot)                                                                             \
	X(170, sethostname)                                                                        \
	X(171, setdomainname)                                                                      \
	X(172, iopl)                                                                               \
	X(173, ioperm)                                                                             \
	X(174, create_module)                                                                      \
	X(175, init_module)                                                                        \
	X(176, delete_module)                                                                      \
	X(177, get_kernel_syms)                                                                    \
	X(178, query_module)                                                                       \
	X(179, quotactl)                                                                           \
	X(180, nfsservctl)                                                                         \
	X(181, getpmsg)                                                                            \
	X(182, putpmsg)                                                                            \
	X(183, afs_syscall)                                                                        \
	X(184, tuxcall)                                                                            \
	X(185, security)                                                                           \
	X(186, gettid)                                                                             \
	X(187, readahead)                                                                          \
	X(188, setxattr)                                                                           \
	X(189, lsetxattr)                                                                          \
	X(190, fsetxattr)                                                                          \
	X(191, getxattr)                                                                           \
	X(192, lgetxattr)                                                                          \
	X(193, fgetxattr)                                                                          \
	X(194, listxattr)                                                                          \
	X(195, llistxattr)                                                                         \
	X(196, flistxattr)                                                                         \
	X(197, removexattr)                                                                        \
	X(198, lremovexattr)                                                                       \
	X(199, fremovexattr)                                                                       \
	X(200, tkill)                                                                              \
	X(201, time)                                                                               \
	X(202, futex)                                                                              \
	X(203, sched_setaffinity)                                                                  \
	X(204, sched_getaffinity)                                                                  \
	X(205, set_thread_area)                                                                    \
	X(206, io_setup)                                                                           \
	X(207, io_destroy)                                                                         \
	X(208, io_getevents)                                                                       \
	X(209, io_submit)                                                                          \
	X(210, io_cancel)                                                                          \
	X(211, get_thread_area)                                                                    \
	X(212, lookup_dcookie)                                                                     \
	X(213, epoll_create)                                                                       \
	X(214, epoll_ctl_old)                                                                      \
	X(215, epoll_wait_old)                                                                     \
	X(216, remap_file_pages)                                                                   \
	X(217, getdents64)                                                                         \
	X(218, set_tid_address)                                                                    \
	X(219, restart_syscall)                                                                    \
	X(220, semtimedop)                                                                         \
	X(221, fadvise64)                                                                          \
	X(222, timer_create)                                                                       \
	X(223, timer_settime)                                                                      \
	X(224, timer_gettime)                                                                      \
	X(225, timer_getoverrun)                                                                   \
	X(226, timer_delete)                                                                       \
	X(227, clock_settime)                                                                      \
	X(228, clock_gettime)                                                                      \
	X(229, clock_getres)                                                                       \
	X(230, clock_nanosleep)                                                                    \
	X(231, exit_group)                                                                         \
	X(232, epoll_wait)                                                                         \
	X(233, epoll_ctl)                                                                          \
	X(234, tgkill)                                                                             \
	X(235, utimes)                                                                             \
	X(236, vserver)                                                                            \
	X(237, mbind)                                                                              \
	X(238, set_mempolicy)                                                                      \
	X(239, get_mempolicy)                                                                      \
	X(240, mq_open)                                                                            \
	X(241, mq_unlink)                                                                          \
	X(242, mq_timedsend)                                                                       \
	X(243, mq_timedreceive)                                                                    \
	X(244, mq_notify)                                                                          \
	X(245, mq_getsetattr)                                                                      \
	X(246, kexec_load)                                                                         \
	X(247, waitid)                                                                             \
	X(248, add_key)                                                                            \
	X(249, request_key)                                                                        \
	X(250, keyctl)                                                                             \
	X(251, ioprio_set)                                                                         \
	X(252, ioprio_get)                                                                         \
	X(253, inotify_init)                                                                       \
	X(254, inotify_add_watch)                                                                  \
	X(255, inotify_rm_watch)                                                                   \
	X(256, migrate_pages)                                                                      \
	X(257, openat)                                                                             \
	X(258, mkdirat)                                                                            \
	X(259, mknodat)                                                                            \
	X(260, fchownat)                                                                           \
	X(261, futimesat)                                                                          \
	X(262, newfstatat)                                                                         \
	X(263, unlinkat)                                                                           \
	X(264, renameat)                                                                           \
	X(265, linkat)                                                                             \
	X(266, symlinkat)                                                                          \
	X(267, readlinkat)                                                                         \
	X(268, fchmodat)                                                                           \
	X(269, faccessat)                                                                          \
	X(270, pselect6)                                                                           \
	X(271, ppoll)                                                                              \
	X(272, unshare)                                                                            \
	X(273, set_robust_list)                                                                    \
	X(274, get_robust_list)                                                                    \
	X(275, splice)                                                                             \
	X(276, tee)                                                                                \
	X(277, sync_file_range)                                                                    \
	X(278, vmsplice)                                                                           \
	X(279, move_pages)                                                                         \
	X(280, utimensat)                                                                          \
	X(281, epoll_pwait)                                                                        \
	X(282, signalfd)                                                                           \
	X(283, timerfd_create)                                                                     \
	X(284, eventfd)                                                                            \
	X(285, fallocate)                                                                          \
	X(286, timerfd_settime)                                                                    \
	X(287, timerfd_gettime)                                                                    \
	X(288, accept4)                                                                            \
	X(289, signalfd4)                                                                          \
	X(290, eventfd2)                                                                           \
	X(291, epoll_create1)                                                                      \
	X(292, dup3)                                                                               \
	X(293, pipe2)                                                                              \
	X(294, inotify_init1)                                                                      \
	X(295, preadv)                                                                             \
	X(296, pwritev)                                                                            \
	X(297, rt_tgsigqueueinfo)                                                                  \
	X(298, perf_event_open)                                                                    \
	X(299, recvmmsg)                                                                           \
	X(300, fanotify_init)                                                                      \
	X(301, fanotify_mark)                                                                      \
	X(302, prlimit64)                                                                          \
	X(303, name_to_handle_at)                                                                  \
	X(304, open_by_handle_at)                                                                  \
	X(305, clock_adjtime)                                                                      \
	X(306, syncfs)                                                                             \
	X(307, sendmmsg)                                                                           \
	X(308, setns)                                                                              \
	X(309, getcpu)                                                                             \
	X(310, process_vm_readv)                                                                   \
	X(311, process_vm_writev)                                                                  \
	X(312, kcmp)                                                                               \
	X(313, finit_module)                                                                       \
	X(314, sched_setattr)                                                                      \
	X(315, sched_getattr)                                                                      \
	X(316, renameat2)                                                                          \
	X(317, seccomp)                                                                            \
	X(318, getrandom)                                                                          \
	X(319, memfd_create)                                                                       \
	X(320, kexec_file_load)                                                                    \
	X(321, bpf)                                                                                \
	X(322, execveat)                                                                           \
	X(323, userfaultfd)                                                                        \
	X(324, membarrier)                                                                         \
	X(325, mlock2)                                                                             \
	X(326, copy_file_range)                                                                    \
	X(327, preadv2)                                                                            \
	X(328, pwritev2)                                                                           \
	X(329, pkey_mprotect)                                                                      \
	X(330, pkey_alloc)                                                                         \
	X(331, pkey_free)                                                                          \
	X(332, statx)                                                                              \
	X(333, io_pgetevents)                                                                      \
	X(334, rseq)                                                                               \
	X(424, pidfd_send_signal)                                                                  \
	X(425, io_uring_setup)                                                                     \
	X(426, io_uring_enter)                                                                     \
	X(427, io_uring_register)                                                                  \
	X(428, open_tree)                                                                          \
	X(429, move_mount)                                                                         \
	X(430, fsopen)                                                                             \
	X(431, fsconfig)                                                                           \
	X(432, fsmount)                                                                            \
	X(433, fspick)                                                                             \
	X(434, pidfd_open)                                                                         \
	X(435, clone3)                                                                             \
	X(436, close_range)                                                                        \
	X(437, openat2)                                                                            \
	X(438, pidfd_getfd)                                                                        \
	X(439, faccessat2)                                                                         \
	X(440, process_madvise)                                                                    \
	X(441, epoll_pwait2)                                                                       \
	X(442, mount_setattr)                                                                      \
	X(443, quotactl_fd)                                                                        \
	X(444, landlock_create_ruleset)                                                            \
	X(445, landlock_add_rule)                                                                  \
	X(446, landlock_restrict_self)                                                             \
	X(447, memfd_secret)                                                                       \
	X(448, process_mrelease)                                                                   \
	X(449, futex_waitv)                                                                        \
	X(450, set_mempolicy_home_node)                                                            \
	X(451, cachestat)                                                                          \
	X(452, fchmodat2)                                                                          \
	X(453, map_shadow_stack)                                                                   \
	X(454, futex_wake)                                                                         \
	X(455, futex_wait)                                                                         \
	X(456, futex_requeue)                                                                      \
	X(457, statmount)                                                                          \
	X(458, listmount)                                                                          \
	X(459, lsm_get_self_attr)                                                                  \
	X(460, lsm_set_self_attr)                                                                  \
	X(461, lsm_list_modules)                                                                   \
	X(462, mseal)

enum lx_sysno {
#define LX_SYS_ENUM(nr, name) LX_SYS_##name = nr,
	LX_SYSCALLS(LX_SYS_ENUM)
#undef LX_SYS_ENUM
};
#define LX_SYS_COUNT 463u

/* ------------------------------------------------------------------------
 * Error numbers.  A call returns -LX_E*; 0 is never an error.
 * ------------------------------------------------------------------------ */
#define LX_EPERM	   1
#define LX_ENOENT	   2
#define LX_ESRCH	   3
#define LX_EINTR	   4
#define LX_EIO		   5
#define LX_ENXIO	   6
#define LX_E2BIG	   7
#define LX_ENOEXEC	   8
#define LX_EBADF	   9
#define LX_ECHILD	   10
#define LX_EAGAIN	   11 /* also EWOULDBLOCK */
#define LX_ENOMEM	   12
#define LX_EACCES	   13
#define LX_EFAULT	   14
#define LX_ENOTBLK	   15
#define LX_EBUSY	   16
#define LX_EEXIST	   17
#define LX_EXDEV	   18
#define LX_ENODEV	   19
#define LX_ENOTDIR	   20
#define LX_EISDIR	   21
#define LX_EINVAL	   22
#define LX_ENFILE	   23
#define LX_EMFILE	   24
#define LX_ENOTTY	   25
#define LX_ETXTBSY	   26
#define LX_EFBIG	   27
#define LX_ENOSPC	   28
#define LX_ESPIPE	   29
#define LX_EROFS	   30
#define LX_EMLINK	   31
#define LX_EPIPE	   32
#define LX_EDOM		   33
#define LX_ERANGE	   34
#define LX_EDEADLK	   35
#define LX_ENAMETOOLONG	   36
#define LX_ENOLCK	   37
#define LX_ENOSYS	   38
#define LX_ENOTEMPTY	   39
#define LX_ELOOP	   40
#define LX_ENOMSG	   42
#define LX_ENODATA	   61
#define LX_ETIME	   62
#define LX_EPROTO	   71
#define LX_EBADMSG	   74
#define LX_EOVERFLOW	   75
#define LX_EILSEQ	   84
#define LX_ENOTSOCK	   88
#define LX_EDESTADDRREQ	   89
#define LX_EMSGSIZE	   90
#define LX_EPROTOTYPE	   91
#define LX_ENOPROTOOPT	   92
#define LX_EPROTONOSUPPORT 93
#define LX_EOPNOTSUPP	   95 /* also ENOTSUP */
#define LX_EAFNOSUPPORT	   97
#define LX_EADDRINUSE	   98
#define LX_EADDRNOTAVAIL   99
#define LX_ENETDOWN	   100
#define LX_ENETUNREACH	   101
#define LX_ECONNABORTED	   103
#define LX_ECONNRESET	   104
#define LX_ENOBUFS	   105
#define LX_EISCONN	   106
#define LX_ENOTCONN	   107
#define LX_ETIMEDOUT	   110
#define LX_ECONNREFUSED	   111
#define LX_EHOSTUNREACH	   113
#define LX_EALREADY	   114
#define LX_EINPROGRESS	   115
#define LX_ECANCELED	   125
#define LX_EMAXERRNO	   4095 /* results -4095..-1 are errors */

/* ------------------------------------------------------------------------
 * Limits.
 * ------------------------------------------------------------------------ */
#define LX_PATH_MAX  4096u /* a path with its NUL */
#define LX_NAME_MAX  255u  /* one component */
#define LX_PAGE_SIZE 4096u

/* ------------------------------------------------------------------------
 * open, openat, fcntl(F_GETFL/F_SETFL): flags (octal, as Linux writes them).
 * LX_O_LARGEFILE is what the kernel sees from 32-bit code; 64-bit libcs
 * pass 0 and the kernel implies it.
 * ------------------------------------------------------------------------ */
#define LX_O_ACCMODE   00000003
#define LX_O_RDONLY    00000000
#define LX_O_WRONLY    00000001
#define LX_O_RDWR      00000002
#define LX_O_CREAT     00000100
#define LX_O_EXCL      00000200
#define LX_O_NOCTTY    00000400
#define LX_O_TRUNC     00001000
#define LX_O_APPEND    00002000
#define LX_O_NONBLOCK  00004000
#define LX_O_DSYNC     00010000
#define LX_O_ASYNC     00020000 /* FASYNC */
#define LX_O_DIRECT    00040000
#define LX_O_LARGEFILE 00100000
#define LX_O_DIRECTORY 00200000
#define LX_O_NOFOLLOW  00400000
#define LX_O_NOATIME   01000000
#define LX_O_CLOEXEC   02000000
#define LX_O_SYNC      04010000 /* __O_SYNC | O_DSYNC */
#define LX_O_PATH      010000000
#define LX_O_TMPFILE   020200000 /* __O_TMPFILE | O_DIRECTORY */

/* The *at calls: the directory "the cwd", and their flags. */
#define LX_AT_FDCWD	       (-100)
#define LX_AT_SYMLINK_NOFOLLOW 0x100
#define LX_AT_REMOVEDIR	       0x200 /* unlinkat */
#define LX_AT_EACCESS	       0x200 /* faccessat: effective ids */
#define LX_AT_SYMLINK_FOLLOW   0x400 /* linkat */
#define LX_AT_NO_AUTOMOUNT     0x800
#define LX_AT_EMPTY_PATH       0x1000
#define LX_AT_STATX_SYNC_TYPE  0x6000
#define LX_AT_STATX_FORCE_SYNC 0x2000
#define LX_AT_STATX_DONT_SYNC  0x4000
#define LX_AT_RECURSIVE	       0x8000

/* renameat2 */
#define LX_RENAME_NOREPLACE 1u
#define LX_RENAME_EXCHANGE  2u
#define LX_RENAME_WHITEOUT  4u

/* access, faccessat */
#define LX_F_OK 0
#define LX_X_OK 1
#define LX_W_OK 2
#define LX_R_OK 4

/* lseek */
#define LX_SEEK_SET  0
#define LX_SEEK_CUR  1
#define LX_SEEK_END  2
#define LX_SEEK_DATA 3
#define LX_SEEK_HOLE 4

/* utimensat's tv_nsec values */
#define LX_UTIME_NOW  ((1l << 30) - 1l)
#define LX_UTIME_OMIT ((1l << 30) - 2l)

/* ------------------------------------------------------------------------
 * fcntl commands and descriptor flags.
 * ------------------------------------------------------------------------ */
#define LX_F_DUPFD	   0
#define LX_F_GETFD	   1
#define LX_F_SETFD	   2
#define LX_F_GETFL	   3
#define LX_F_SETFL	   4
#define LX_F_GETLK	   5
#define LX_F_SETLK	   6
#define LX_F_SETLKW	   7
#define LX_F_SETOWN	   8
#define LX_F_GETOWN	   9
#define LX_F_SETSIG	   10
#define LX_F_GETSIG	   11
#define LX_F_SETOWN_EX	   15
#define LX_F_GETOWN_EX	   16
#define LX_F_OFD_GETLK	   36
#define LX_F_OFD_SETLK	   37
#define LX_F_OFD_SETLKW	   38
#define LX_F_DUPFD_CLOEXEC 1030 /* F_LINUX_SPECIFIC_BASE (1024) + 6 */
#define LX_F_SETPIPE_SZ	   1031
#define LX_F_GETPIPE_SZ	   1032
#define LX_F_ADD_SEALS	   1033
#define LX_F_GET_SEALS	   1034
#define LX_FD_CLOEXEC	   1
#define LX_F_RDLCK	   0
#define LX_F_WRLCK	   1
#define LX_F_UNLCK	   2

/* ------------------------------------------------------------------------
 * mmap, mprotect, mremap, madvise.
 * ------------------------------------------------------------------------ */
#define LX_PROT_NONE	  0x0
#define LX_PROT_READ	  0x1
#define LX_PROT_WRITE	  0x2
#define LX_PROT_EXEC	  0x4
#define LX_PROT_GROWSDOWN 0x01000000
#define LX_PROT_GROWSUP	  0x02000000

#define LX_MAP_SHARED	       0x01
#define LX_MAP_PRIVATE	       0x02
#define LX_MAP_SHARED_VALIDATE 0x03
#define LX_MAP_TYPE	       0x0f
#define LX_MAP_FIXED	       0x10
#define LX_MAP_ANONYMOUS       0x20
#define LX_MAP_32BIT	       0x40
#define LX_MAP_GROWSDOWN       0x0100
#define LX_MAP_DENYWRITE       0x0800
#define LX_MAP_EXECUTABLE      0x1000
#define LX_MAP_LOCKED	       0x2000
#define LX_MAP_NORESERVE       0x4000
#define LX_MAP_POPULATE	       0x8000
#define LX_MAP_NONBLOCK	       0x10000
#define LX_MAP_STACK	       0x20000
#define LX_MAP_HUGETLB	       0x40000
#define LX_MAP_SYNC	       0x80000
#define LX_MAP_FIXED_NOREPLACE 0x100000
/* rseq */
#define LX_RSEQ_SIZE		32u
#define LX_RSEQ_FLAG_UNREGISTER 1

/* msync flags */
#define LX_MS_ASYNC	 1
#define LX_MS_INVALIDATE 2
#define LX_MS_SYNC	 4

#define LX_MREMAP_MAYMOVE   1
#define LX_MREMAP_FIXED	    2
#define LX_MREMAP_DONTUNMAP 4

#define LX_MADV_NORMAL	   0
#define LX_MADV_RANDOM	   1
#define LX_MADV_SEQUENTIAL 2
#define LX_MADV_WILLNEED   3
#define LX_MADV_DONTNEED   4
#define LX_MADV_FREE	   8

/* ------------------------------------------------------------------------
 * Signals.  Numbers 1..31 are the classic ones, 32..64 real-time (the
 * kernel's SIGRTMIN is 32; glibc reserves 32 and 33 and reports 34).  A
 * kernel sigset_t is 64 bits: signal n is bit n - 1.
 * ------------------------------------------------------------------------ */
#define LX_SIGHUP      1
#define LX_SIGINT      2
#define LX_SIGQUIT     3
#define LX_SIGILL      4
#define LX_SIGTRAP     5
#define LX_SIGABRT     6
#define LX_SIGBUS      7
#define LX_SIGFPE      8
#define LX_SIGKILL     9
#define LX_SIGUSR1     10
#define LX_SIGSEGV     11
#define LX_SIGUSR2     12
#define LX_SIGPIPE     13
#define LX_SIGALRM     14
#define LX_SIGTERM     15
#define LX_SIGSTKFLT   16
#define LX_SIGCHLD     17
#define LX_SIGCONT     18
#define LX_SIGSTOP     19
#define LX_SIGTSTP     20
#define LX_SIGTTIN     21
#define LX_SIGTTOU     22
#define LX_SIGURG      23
#define LX_SIGXCPU     24
#define LX_SIGXFSZ     25
#define LX_SIGVTALRM   26
#define LX_SIGPROF     27
#define LX_SIGWINCH    28
#define LX_SIGIO       29
#define LX_SIGPWR      30
#define LX_SIGSYS      31
#define LX_SIGRTMIN    32
#define LX_SIGRTMAX    64
#define LX_NSIG	       64 /* signals are 1..LX_NSIG */
#define LX_SIGBIT(sig) (1ull << ((sig)-1))

/* sigaction: sa_handler values and sa_flags. */
#define LX_SIG_DFL	     0ull
#define LX_SIG_IGN	     1ull
#define LX_SA_NOCLDSTOP	     0x00000001u
#define LX_SA_NOCLDWAIT	     0x00000002u
#define LX_SA_SIGINFO	     0x00000004u
#define LX_SA_UNSUPPORTED    0x00000400u
#define LX_SA_EXPOSE_TAGBITS 0x00000800u
#define LX_SA_RESTORER	     0x04000000u /* x86_64: required, sa_restorer is the return path */
#define LX_SA_ONSTACK	     0x08000000u
#define LX_SA_RESTART	     0x10000000u
#define LX_SA_NODEFER	     0x40000000u
#define LX_SA_RESETHAND	     0x80000000u

/* rt_sigprocmask's how */
#define LX_SIG_BLOCK   0
#define LX_SIG_UNBLOCK 1
#define LX_SIG_SETMASK 2

/* sigaltstack */
#define LX_SS_ONSTACK  1
#define LX_SS_DISABLE  2
#define LX_MINSIGSTKSZ 2048u
#define LX_SIGSTKSZ    8192u

/* siginfo si_code values. */
#define LX_SI_USER	 0
#define LX_SI_KERNEL	 0x80
#define LX_SI_QUEUE	 (-1)
#define LX_SI_TIMER	 (-2)
#define LX_SI_TKILL	 (-6)
#define LX_CLD_EXITED	 1
#define LX_CLD_KILLED	 2
#define LX_CLD_DUMPED	 3
#define LX_CLD_TRAPPED	 4
#define LX_CLD_STOPPED	 5
#define LX_CLD_CONTINUED 6
#define LX_SEGV_MAPERR	 1
#define LX_SEGV_ACCERR	 2
#define LX_BUS_ADRALN	 1
#define LX_BUS_ADRERR	 2
#define LX_ILL_ILLOPC	 1
#define LX_ILL_ILLOPN	 2
#define LX_FPE_INTDIV	 1
#define LX_FPE_INTOVF	 2
#define LX_TRAP_BRKPT	 1

/* ------------------------------------------------------------------------
 * wait4, waitid.  A wait status is (code << 8) for an exit, the signal
 * (| 0x80 if it dumped core) for a kill, (sig << 8) | 0x7f for a stop and
 * 0xffff for a continue.
 * ------------------------------------------------------------------------ */
#define LX_WNOHANG		 0x00000001
#define LX_WUNTRACED		 0x00000002
#define LX_WSTOPPED		 0x00000002
#define LX_WEXITED		 0x00000004
#define LX_WCONTINUED		 0x00000008
#define LX_WNOWAIT		 0x01000000
#define LX_WNOTHREAD		 0x20000000  /* __WNOTHREAD */
#define LX_WALL			 0x40000000  /* __WALL */
#define LX_WCLONE		 0x80000000u /* __WCLONE */
#define LX_P_ALL		 0
#define LX_P_PID		 1
#define LX_P_PGID		 2
#define LX_P_PIDFD		 3
#define LX_W_EXITCODE(code, sig) (((code)&0xff) << 8 | ((sig)&0x7f))
#define LX_W_STOPCODE(sig)	 (((sig)&0xff) << 8 | 0x7f)
#define LX_W_COREFLAG		 0x80
#define LX_W_CONTINUED		 0xffff

/* ------------------------------------------------------------------------
 * clone, clone3: the low byte of clone's flags is the exit signal.
 * ------------------------------------------------------------------------ */
#define LX_CSIGNAL		0x000000ffull
#define LX_CLONE_VM		0x00000100ull
#define LX_CLONE_FS		0x00000200ull
#define LX_CLONE_FILES		0x00000400ull
#define LX_CLONE_SIGHAND	0x00000800ull
#define LX_CLONE_PIDFD		0x00001000ull
#define LX_CLONE_PTRACE		0x00002000ull
#define LX_CLONE_VFORK		0x00004000ull
#define LX_CLONE_PARENT		0x00008000ull
#define LX_CLONE_THREAD		0x00010000ull
#define LX_CLONE_NEWNS		0x00020000ull
#define LX_CLONE_SYSVSEM	0x00040000ull
#define LX_CLONE_SETTLS		0x00080000ull
#define LX_CLONE_PARENT_SETTID	0x00100000ull
#define LX_CLONE_CHILD_CLEARTID 0x00200000ull
#define LX_CLONE_DETACHED	0x00400000ull
#define LX_CLONE_UNTRACED	0x00800000ull
#define LX_CLONE_CHILD_SETTID	0x01000000ull
#define LX_CLONE_NEWCGROUP	0x02000000ull
#define LX_CLONE_NEWUTS		0x04000000ull
#define LX_CLONE_NEWIPC		0x08000000ull
#define LX_CLONE_NEWUSER	0x10000000ull
#define LX_CLONE_NEWPID		0x20000000ull
#define LX_CLONE_NEWNET		0x40000000ull
#define LX_CLONE_IO		0x80000000ull

/* clone3's argument (its size grows; 88 bytes is CLONE_ARGS_SIZE_VER2). */
struct lx_clone_args {
	uint64_t flags;
	uint64_t pidfd;
	uint64_t child_tid;
	uint64_t parent_tid;
	uint64_t exit_signal;
	uint64_t stack;
	uint64_t stack_size;
	uint64_t tls;
	uint64_t set_tid;
	uint64_t set_tid_size;
	uint64_t cgroup;
};
_Static_assert(sizeof(struct lx_clone_args) == 88, "lx_clone_args layout");

/* arch_prctl codes */
#define LX_ARCH_SET_GS	  0x1001
#define LX_ARCH_SET_FS	  0x1002
#define LX_ARCH_GET_FS	  0x1003
#define LX_ARCH_GET_GS	  0x1004
#define LX_ARCH_GET_CPUID 0x1011
#define LX_ARCH_SET_CPUID 0x1012

/* prctl options glibc and busybox use */
#define LX_PR_SET_PDEATHSIG 1
#define LX_PR_GET_PDEATHSIG 2
#define LX_PR_GET_DUMPABLE  3
#define LX_PR_SET_DUMPABLE  4
#define LX_PR_SET_NAME	    15
#define LX_PR_GET_NAME	    16

/* ------------------------------------------------------------------------
 * ioctl: the terminal and FIONREAD.
 * ------------------------------------------------------------------------ */
#define LX_TCGETS     0x5401
#define LX_TCSETS     0x5402
#define LX_TCSETSW    0x5403
#define LX_TCSETSF    0x5404
#define LX_TCSBRK     0x5409
#define LX_TCXONC     0x540a
#define LX_TCFLSH     0x540b
#define LX_TIOCSCTTY  0x540e
#define LX_TIOCGPGRP  0x540f
#define LX_TIOCSPGRP  0x5410
#define LX_TIOCOUTQ   0x5411
#define LX_TIOCGWINSZ 0x5413
#define LX_TIOCSWINSZ 0x5414
#define LX_FIONREAD   0x541b
#define LX_FIONBIO    0x5421
#define LX_TIOCNOTTY  0x5422
#define LX_TIOCGSID   0x5429
#define LX_FIONCLEX   0x5450
#define LX_FIOCLEX    0x5451

/* tcflush's argument */
#define LX_TCIFLUSH  0
#define LX_TCOFLUSH  1
#define LX_TCIOFLUSH 2

/* ------------------------------------------------------------------------
 * The terminal: the kernel's struct termios (TCGETS, TCSETS*), 36 bytes
 * with 19 control characters.  glibc's own struct termios is larger and
 * converts; a process's ioctl always carries this one.
 * ------------------------------------------------------------------------ */
#define LX_NCCS 19
struct lx_termios {
	uint32_t c_iflag;
	uint32_t c_oflag;
	uint32_t c_cflag;
	uint32_t c_lflag;
	uint8_t c_line;
	uint8_t c_cc[LX_NCCS];
};
_Static_assert(sizeof(struct lx_termios) == 36, "lx_termios layout");
_Static_assert(offsetof(struct lx_termios, c_cc) == 17, "lx_termios layout");

/* c_cc indices */
#define LX_VINTR    0
#define LX_VQUIT    1
#define LX_VERASE   2
#define LX_VKILL    3
#define LX_VEOF	    4
#define LX_VTIME    5
#define LX_VMIN	    6
#define LX_VSWTC    7
#define LX_VSTART   8
#define LX_VSTOP    9
#define LX_VSUSP    10
#define LX_VEOL	    11
#define LX_VREPRINT 12
#define LX_VDISCARD 13
#define LX_VWERASE  14
#define LX_VLNEXT   15
#define LX_VEOL2    16

/* c_iflag */
#define LX_IGNBRK  0000001
#define LX_BRKINT  0000002
#define LX_IGNPAR  0000004
#define LX_PARMRK  0000010
#define LX_INPCK   0000020
#define LX_ISTRIP  0000040
#define LX_INLCR   0000100
#define LX_IGNCR   0000200
#define LX_ICRNL   0000400
#define LX_IUCLC   0001000
#define LX_IXON	   0002000
#define LX_IXANY   0004000
#define LX_IXOFF   0010000
#define LX_IMAXBEL 0020000
#define LX_IUTF8   0040000
/* c_oflag */
#define LX_OPOST 0000001
#define LX_ONLCR 0000004
/* c_cflag */
#define LX_CBAUD  0010017
#define LX_B38400 0000017
#define LX_CSIZE  0000060
#define LX_CS8	  0000060
#define LX_CSTOPB 0000100
#define LX_CREAD  0000200
#define LX_PARENB 0000400
#define LX_HUPCL  0002000
#define LX_CLOCAL 0004000
/* c_lflag */
#define LX_ISIG	   0000001
#define LX_ICANON  0000002
#define LX_ECHO	   0000010
#define LX_ECHOE   0000020
#define LX_ECHOK   0000040
#define LX_ECHONL  0000100
#define LX_NOFLSH  0000200
#define LX_TOSTOP  0000400
#define LX_ECHOCTL 0001000
#define LX_ECHOPRT 0002000
#define LX_ECHOKE  0004000
#define LX_IEXTEN  0100000

struct lx_winsize {
	uint16_t ws_row;
	uint16_t ws_col;
	uint16_t ws_xpixel;
	uint16_t ws_ypixel;
};
_Static_assert(sizeof(struct lx_winsize) == 8, "lx_winsize layout");

/* ------------------------------------------------------------------------
 * The auxiliary vector's tags (the initial stack; lib/posix/stack.h).
 * ------------------------------------------------------------------------ */
#define LX_AT_NULL		0
#define LX_AT_IGNORE		1
#define LX_AT_EXECFD		2
#define LX_AT_PHDR		3
#define LX_AT_PHENT		4
#define LX_AT_PHNUM		5
#define LX_AT_PAGESZ		6
#define LX_AT_BASE		7
#define LX_AT_FLAGS		8
#define LX_AT_ENTRY		9
#define LX_AT_NOTELF		10
#define LX_AT_UID		11
#define LX_AT_EUID		12
#define LX_AT_GID		13
#define LX_AT_EGID		14
#define LX_AT_PLATFORM		15
#define LX_AT_HWCAP		16
#define LX_AT_CLKTCK		17
#define LX_AT_SECURE		23
#define LX_AT_BASE_PLATFORM	24
#define LX_AT_RANDOM		25
#define LX_AT_HWCAP2		26
#define LX_AT_RSEQ_FEATURE_SIZE 27
#define LX_AT_RSEQ_ALIGN	28
#define LX_AT_EXECFN		31
#define LX_AT_SYSINFO_EHDR	33
#define LX_AT_MINSIGSTKSZ	51

/* ------------------------------------------------------------------------
 * Files: stat, statx, getdents64.
 * ------------------------------------------------------------------------ */
#define LX_S_IFMT   0170000
#define LX_S_IFSOCK 0140000
#define LX_S_IFLNK  0120000
#define LX_S_IFREG  0100000
#define LX_S_IFBLK  0060000
#define LX_S_IFDIR  0040000
#define LX_S_IFCHR  0020000
#define LX_S_IFIFO  0010000
#define LX_S_ISUID  0004000
#define LX_S_ISGID  0002000
#define LX_S_ISVTX  0001000

/* getdents64's d_type */
#define LX_DT_UNKNOWN 0
#define LX_DT_FIFO    1
#define LX_DT_CHR     2
#define LX_DT_DIR     4
#define LX_DT_BLK     6
#define LX_DT_REG     8
#define LX_DT_LNK     10
#define LX_DT_SOCK    12

/* x86_64's struct stat (stat, fstat, lstat, newfstatat): 144 bytes. */
struct lx_stat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint64_t st_nlink;
	uint32_t st_mode;
	uint32_t st_uid;
	uint32_t st_gid;
	uint32_t pad0;
	uint64_t st_rdev;
	int64_t st_size;
	int64_t st_blksize;
	int64_t st_blocks;
	uint64_t st_atime_sec;
	uint64_t st_atime_nsec;
	uint64_t st_mtime_sec;
	uint64_t st_mtime_nsec;
	uint64_t st_ctime_sec;
	uint64_t st_ctime_nsec;
	int64_t unused[3];
};
_Static_assert(sizeof(struct lx_stat) == 144, "lx_stat layout");
_Static_assert(offsetof(struct lx_stat, st_mode) == 24, "lx_stat layout");
_Static_assert(offsetof(struct lx_stat, st_rdev) == 40, "lx_stat layout");
_Static_assert(offsetof(struct lx_stat, st_size) == 48, "lx_stat layout");
_Static_assert(offsetof(struct lx_stat, st_atime_sec) == 72, "lx_stat layout");
_Static_assert(offsetof(struct lx_stat, st_mtime_sec) == 88, "lx_stat layout");
_Static_assert(offsetof(struct lx_stat, st_ctime_sec) == 104, "lx_stat layout");

/* statx's mask bits */
#define LX_STATX_TYPE	     0x0001u
#define LX_STATX_MODE	     0x0002u
#define LX_STATX_NLINK	     0x0004u
#define LX_STATX_UID	     0x0008u
#define LX_STATX_GID	     0x0010u
#define LX_STATX_ATIME	     0x0020u
#define LX_STATX_MTIME	     0x0040u
#define LX_STATX_CTIME	     0x0080u
#define LX_STATX_INO	     0x0100u
#define LX_STATX_SIZE	     0x0200u
#define LX_STATX_BLOCKS	     0x0400u
#define LX_STATX_BASIC_STATS 0x07ffu
#define LX_STATX_BTIME	     0x0800u
#define LX_STATX_MNT_ID	     0x1000u

struct lx_statx_timestamp {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t reserved;
};
_Static_assert(sizeof(struct lx_statx_timestamp) == 16, "lx_statx_timestamp layout");

/* statx's result: 256 bytes, the tail reserved for growth. */
struct lx_statx {
	uint32_t stx_mask;
	uint32_t stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink;
	uint32_t stx_uid;
	uint32_t stx_gid;
	uint16_t stx_mode;
	uint16_t spare0;
	uint64_t stx_ino;
	uint64_t stx_size;
	uint64_t stx_blocks;
	uint64_t stx_attributes_mask;
	struct lx_statx_timestamp stx_atime;
	struct lx_statx_timestamp stx_btime;
	struct lx_statx_timestamp stx_ctime;
	struct lx_statx_timestamp stx_mtime;
	uint32_t stx_rdev_major;
	uint32_t stx_rdev_minor;
	uint32_t stx_dev_major;
	uint32_t stx_dev_minor;
	uint64_t stx_mnt_id;
	uint32_t stx_dio_mem_align;
	uint32_t stx_dio_offset_align;
	uint64_t spare3[12];
};
_Static_assert(sizeof(struct lx_statx) == 256, "lx_statx layout");
_Static_assert(offsetof(struct lx_statx, stx_ino) == 32, "lx_statx layout");
_Static_assert(offsetof(struct lx_statx, stx_atime) == 64, "lx_statx layout");
_Static_assert(offsetof(struct lx_statx, stx_rdev_major) == 128, "lx_statx layout");
_Static_assert(offsetof(struct lx_statx, stx_mnt_id) == 144, "lx_statx layout");

/*
 * getdents64's record: this 19-byte header, then the NUL-terminated name,
 * the whole padded to 8 bytes (LX_DIRENT64_RECLEN of the name's length).
 */
struct lx_dirent64 {
	uint64_t d_ino;
	int64_t d_off; /* the position of the next record, for lseek */
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
};
#define LX_DIRENT64_HDR		    19u
#define LX_DIRENT64_RECLEN(namelen) ((LX_DIRENT64_HDR + (namelen) + 1u + 7u) & ~7u)
_Static_assert(offsetof(struct lx_dirent64, d_name) == LX_DIRENT64_HDR, "lx_dirent64 layout");

/* ------------------------------------------------------------------------
 * Time.
 * ------------------------------------------------------------------------ */
struct lx_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};
_Static_assert(sizeof(struct lx_timespec) == 16, "lx_timespec layout");

struct lx_timeval {
	int64_t tv_sec;
	int64_t tv_usec;
};
_Static_assert(sizeof(struct lx_timeval) == 16, "lx_timeval layout");

#define LX_CLOCK_REALTIME	    0
#define LX_CLOCK_MONOTONIC	    1
#define LX_CLOCK_PROCESS_CPUTIME_ID 2
#define LX_CLOCK_THREAD_CPUTIME_ID  3
#define LX_CLOCK_MONOTONIC_RAW	    4
#define LX_CLOCK_REALTIME_COARSE    5
#define LX_CLOCK_MONOTONIC_COARSE   6
#define LX_CLOCK_BOOTTIME	    7
#define LX_CLOCK_TAI		    11
#define LX_TIMER_ABSTIME	    1

/* times(): clock ticks, AT_CLKTCK per second */
struct lx_tms {
	int64_t tms_utime;
	int64_t tms_stime;
	int64_t tms_cutime;
	int64_t tms_cstime;
};
_Static_assert(sizeof(struct lx_tms) == 32, "lx_tms layout");

/* ------------------------------------------------------------------------
 * The system: uname, sysinfo, resources.
 * ------------------------------------------------------------------------ */
#define LX_UTSNAME_LEN 65
struct lx_utsname {
	char sysname[LX_UTSNAME_LEN];
	char nodename[LX_UTSNAME_LEN];
	char release[LX_UTSNAME_LEN];
	char version[LX_UTSNAME_LEN];
	char machine[LX_UTSNAME_LEN];
	char domainname[LX_UTSNAME_LEN];
};
_Static_assert(sizeof(struct lx_utsname) == 6 * 65, "lx_utsname layout");

struct lx_sysinfo {
	int64_t uptime;
	uint64_t loads[3];
	uint64_t totalram;
	uint64_t freeram;
	uint64_t sharedram;
	uint64_t bufferram;
	uint64_t totalswap;
	uint64_t freeswap;
	uint16_t procs;
	uint16_t pad;
	uint32_t pad2;
	uint64_t totalhigh;
	uint64_t freehigh;
	uint32_t mem_unit;
	uint32_t pad3;
};
_Static_assert(sizeof(struct lx_sysinfo) == 112, "lx_sysinfo layout");
_Static_assert(offsetof(struct lx_sysinfo, procs) == 80, "lx_sysinfo layout");
_Static_assert(offsetof(struct lx_sysinfo, mem_unit) == 104, "lx_sysinfo layout");

#define LX_RLIMIT_CPU	     0
#define LX_RLIMIT_FSIZE	     1
#define LX_RLIMIT_DATA	     2
#define LX_RLIMIT_STACK	     3
#define LX_RLIMIT_CORE	     4
#define LX_RLIMIT_RSS	     5
#define LX_RLIMIT_NPROC	     6
#define LX_RLIMIT_NOFILE     7
#define LX_RLIMIT_MEMLOCK    8
#define LX_RLIMIT_AS	     9
#define LX_RLIMIT_LOCKS	     10
#define LX_RLIMIT_SIGPENDING 11
#define LX_RLIMIT_MSGQUEUE   12
#define LX_RLIMIT_NICE	     13
#define LX_RLIMIT_RTPRIO     14
#define LX_RLIMIT_RTTIME     15
#define LX_RLIM_NLIMITS	     16
#define LX_RLIM_INFINITY     (~0ull)

struct lx_rlimit {
	uint64_t rlim_cur;
	uint64_t rlim_max;
};
_Static_assert(sizeof(struct lx_rlimit) == 16, "lx_rlimit layout");

#define LX_RUSAGE_SELF	   0
#define LX_RUSAGE_CHILDREN (-1)

struct lx_rusage {
	struct lx_timeval ru_utime;
	struct lx_timeval ru_stime;
	int64_t ru_maxrss;
	int64_t ru_ixrss;
	int64_t ru_idrss;
	int64_t ru_isrss;
	int64_t ru_minflt;
	int64_t ru_majflt;
	int64_t ru_nswap;
	int64_t ru_inblock;
	int64_t ru_oublock;
	int64_t ru_msgsnd;
	int64_t ru_msgrcv;
	int64_t ru_nsignals;
	int64_t ru_nvcsw;
	int64_t ru_nivcsw;
};
_Static_assert(sizeof(struct lx_rusage) == 144, "lx_rusage layout");

/* getrandom's flags */
#define LX_GRND_NONBLOCK 0x1
#define LX_GRND_RANDOM	 0x2
#define LX_GRND_INSECURE 0x4

/* futex operations (the low bits; LX_FUTEX_PRIVATE_FLAG may be or-ed in) */
#define LX_FUTEX_WAIT		0
#define LX_FUTEX_WAKE		1
#define LX_FUTEX_WAIT_BITSET	9
#define LX_FUTEX_WAKE_BITSET	10
#define LX_FUTEX_PRIVATE_FLAG	128
#define LX_FUTEX_CLOCK_REALTIME 256

/* ------------------------------------------------------------------------
 * Signals' structures: the kernel's, not glibc's.
 * ------------------------------------------------------------------------ */

/* rt_sigaction's argument (sigsetsize 8): handler, flags, restorer, mask. */
struct lx_sigaction {
	uint64_t handler; /* LX_SIG_DFL, LX_SIG_IGN or a function */
	uint64_t flags;	  /* LX_SA_* */
	uint64_t restorer;
	uint64_t mask; /* blocked during the handler (bit sig - 1) */
};
_Static_assert(sizeof(struct lx_sigaction) == 32, "lx_sigaction layout");

/* sigaltstack's stack_t */
struct lx_stack {
	uint64_t ss_sp;
	int32_t ss_flags;
	int32_t pad;
	uint64_t ss_size;
};
_Static_assert(sizeof(struct lx_stack) == 24, "lx_stack layout");

/*
 * siginfo_t: 128 bytes; signo, errno and code, then a union whose member
 * the signal and code choose.  Fill a whole one (memset 0 first).
 */
struct lx_siginfo {
	int32_t si_signo;
	int32_t si_errno;
	int32_t si_code;
	int32_t pad;
	union {
		struct { /* kill, tkill, SI_USER */
			int32_t pid;
			uint32_t uid;
		} kill;
		struct { /* sigqueue, POSIX timers: a sigval */
			int32_t pid;
			uint32_t uid;
			uint64_t value;
		} rt;
		struct { /* SIGCHLD */
			int32_t pid;
			uint32_t uid;
			int32_t status; /* exit code, or the signal */
			int32_t pad;
			int64_t utime;
			int64_t stime;
		} chld;
		struct { /* SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP */
			uint64_t addr;
		} fault;
		struct { /* SIGIO, SIGPOLL */
			int64_t band;
			int32_t fd;
		} poll;
		uint8_t raw[112];
	} f;
};
_Static_assert(sizeof(struct lx_siginfo) == 128, "lx_siginfo layout");
_Static_assert(offsetof(struct lx_siginfo, f) == 16, "lx_siginfo layout");

/* ------------------------------------------------------------------------
 * I/O vectors and polling.
 * ------------------------------------------------------------------------ */
struct lx_iovec {
	uint64_t iov_base;
	uint64_t iov_len;
};
_Static_assert(sizeof(struct lx_iovec) == 16, "lx_iovec layout");
#define LX_IOV_MAX 1024u

struct lx_pollfd {
	int32_t fd;
	int16_t events;
	int16_t revents;
};
_Static_assert(sizeof(struct lx_pollfd) == 8, "lx_pollfd layout");

#define LX_POLLIN     0x0001
#define LX_POLLPRI    0x0002
#define LX_POLLOUT    0x0004
#define LX_POLLERR    0x0008
#define LX_POLLHUP    0x0010
#define LX_POLLNVAL   0x0020
#define LX_POLLRDNORM 0x0040
#define LX_POLLRDBAND 0x0080
#define LX_POLLWRNORM 0x0100
#define LX_POLLWRBAND 0x0200
#define LX_FD_SETSIZE 1024u /* select's fd_set: bits, in 64-bit words */

#endif
