/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/posix/linux.h against the kernel's own UAPI headers (<asm/...>,
 * <linux/...>), for what the C library hides or changes: the kernel's
 * struct termios (glibc's is larger), struct sigaction (glibc's puts the
 * mask first), stack_t, siginfo_t, struct stat as <asm/stat.h> has it,
 * clone3's struct clone_args, and the constants glibc redefines
 * (O_LARGEFILE is 0 there, SIGRTMIN 34), and the signal frame's parts
 * (struct sigcontext, struct ucontext, the FXSAVE image).  No libc header besides what
 * cmocka needs, so the two sets of names never meet.
 */
#include <asm/fcntl.h>
#include <asm/signal.h>
#include <asm/siginfo.h>
#include <asm/stat.h>
#include <asm/termbits.h>
#include <asm/ioctls.h>
#include <asm/sigcontext.h>
#include <asm/ucontext.h>
#include <linux/sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "posix/linux.h"
#include "posix/sigframe.h"

#define EQ(ours, theirs)	assert_int_equal((long long)(ours), (long long)(theirs))
#define SZ(ours, theirs)	EQ(sizeof(struct ours), sizeof(theirs))
#define OFF(ours, f, theirs, g) EQ(offsetof(struct ours, f), offsetof(theirs, g))

static void test_termios(void **state)
{
	(void)state;
	EQ(LX_NCCS, NCCS);
	SZ(lx_termios, struct termios);
	OFF(lx_termios, c_iflag, struct termios, c_iflag);
	OFF(lx_termios, c_oflag, struct termios, c_oflag);
	OFF(lx_termios, c_cflag, struct termios, c_cflag);
	OFF(lx_termios, c_lflag, struct termios, c_lflag);
	OFF(lx_termios, c_line, struct termios, c_line);
	OFF(lx_termios, c_cc, struct termios, c_cc);
	EQ(LX_TCGETS, TCGETS);
	EQ(LX_TCSETS, TCSETS);
	EQ(LX_TIOCGWINSZ, TIOCGWINSZ);
	EQ(LX_TIOCGPGRP, TIOCGPGRP);
	EQ(LX_FIONREAD, FIONREAD);
	EQ(LX_ICRNL, ICRNL);
	EQ(LX_ICANON, ICANON);
	EQ(LX_IEXTEN, IEXTEN);
	EQ(LX_VMIN, VMIN);
}

/* The kernel's sigaction: handler, flags, restorer, mask (8 bytes). */
static void test_sigaction(void **state)
{
	(void)state;
	SZ(lx_sigaction, struct sigaction);
	OFF(lx_sigaction, handler, struct sigaction, sa_handler);
	OFF(lx_sigaction, flags, struct sigaction, sa_flags);
	OFF(lx_sigaction, restorer, struct sigaction, sa_restorer);
	OFF(lx_sigaction, mask, struct sigaction, sa_mask);
	SZ(lx_stack, stack_t);
	OFF(lx_stack, ss_sp, stack_t, ss_sp);
	OFF(lx_stack, ss_flags, stack_t, ss_flags);
	OFF(lx_stack, ss_size, stack_t, ss_size);
	EQ(LX_SA_RESTORER, SA_RESTORER);
	EQ(LX_SA_ONSTACK, SA_ONSTACK);
	EQ(LX_SA_SIGINFO, SA_SIGINFO);
	EQ(LX_SA_UNSUPPORTED, SA_UNSUPPORTED);
	EQ(LX_SA_EXPOSE_TAGBITS, SA_EXPOSE_TAGBITS);
	EQ(LX_SIGRTMIN, SIGRTMIN);
	EQ(LX_MINSIGSTKSZ, MINSIGSTKSZ);
	EQ(LX_SIGSTKSZ, SIGSTKSZ);
}

static void test_siginfo(void **state)
{
	(void)state;
	SZ(lx_siginfo, siginfo_t);
	EQ(sizeof(struct lx_siginfo), SI_MAX_SIZE);
	OFF(lx_siginfo, si_signo, siginfo_t, si_signo);
	OFF(lx_siginfo, si_errno, siginfo_t, si_errno);
	OFF(lx_siginfo, si_code, siginfo_t, si_code);
	OFF(lx_siginfo, f.kill.pid, siginfo_t, si_pid);
	OFF(lx_siginfo, f.kill.uid, siginfo_t, si_uid);
	OFF(lx_siginfo, f.rt.value, siginfo_t, si_value);
	OFF(lx_siginfo, f.chld.status, siginfo_t, si_status);
	OFF(lx_siginfo, f.chld.utime, siginfo_t, si_utime);
	OFF(lx_siginfo, f.chld.stime, siginfo_t, si_stime);
	OFF(lx_siginfo, f.fault.addr, siginfo_t, si_addr);
	OFF(lx_siginfo, f.poll.band, siginfo_t, si_band);
	OFF(lx_siginfo, f.poll.fd, siginfo_t, si_fd);
}

/* <asm/stat.h>'s struct stat is what the stat calls write. */
static void test_stat(void **state)
{
	(void)state;
	SZ(lx_stat, struct stat);
	OFF(lx_stat, st_dev, struct stat, st_dev);
	OFF(lx_stat, st_ino, struct stat, st_ino);
	OFF(lx_stat, st_nlink, struct stat, st_nlink);
	OFF(lx_stat, st_mode, struct stat, st_mode);
	OFF(lx_stat, st_uid, struct stat, st_uid);
	OFF(lx_stat, st_gid, struct stat, st_gid);
	OFF(lx_stat, st_rdev, struct stat, st_rdev);
	OFF(lx_stat, st_size, struct stat, st_size);
	OFF(lx_stat, st_blksize, struct stat, st_blksize);
	OFF(lx_stat, st_blocks, struct stat, st_blocks);
	OFF(lx_stat, st_atime_sec, struct stat, st_atime);
	OFF(lx_stat, st_atime_nsec, struct stat, st_atime_nsec);
	OFF(lx_stat, st_mtime_sec, struct stat, st_mtime);
	OFF(lx_stat, st_mtime_nsec, struct stat, st_mtime_nsec);
	OFF(lx_stat, st_ctime_sec, struct stat, st_ctime);
	OFF(lx_stat, st_ctime_nsec, struct stat, st_ctime_nsec);
}

static void test_kernel_flags(void **state)
{
	(void)state;
	EQ(LX_O_LARGEFILE, O_LARGEFILE);
	EQ(LX_O_CLOEXEC, O_CLOEXEC);
	EQ(LX_O_PATH, O_PATH);
	EQ(LX_O_TMPFILE, O_TMPFILE);
	EQ(LX_O_SYNC, O_SYNC);
	EQ(LX_CLONE_VM, CLONE_VM);
	EQ(LX_CLONE_SETTLS, CLONE_SETTLS);
	EQ(LX_CLONE_CHILD_CLEARTID, CLONE_CHILD_CLEARTID);
	EQ(LX_CLONE_IO, CLONE_IO);
	SZ(lx_clone_args, struct clone_args);
	EQ(sizeof(struct lx_clone_args), CLONE_ARGS_SIZE_VER2);
	OFF(lx_clone_args, flags, struct clone_args, flags);
	OFF(lx_clone_args, pidfd, struct clone_args, pidfd);
	OFF(lx_clone_args, child_tid, struct clone_args, child_tid);
	OFF(lx_clone_args, parent_tid, struct clone_args, parent_tid);
	OFF(lx_clone_args, exit_signal, struct clone_args, exit_signal);
	OFF(lx_clone_args, stack, struct clone_args, stack);
	OFF(lx_clone_args, stack_size, struct clone_args, stack_size);
	OFF(lx_clone_args, tls, struct clone_args, tls);
	OFF(lx_clone_args, set_tid, struct clone_args, set_tid);
	OFF(lx_clone_args, set_tid_size, struct clone_args, set_tid_size);
	OFF(lx_clone_args, cgroup, struct clone_args, cgroup);
}

/* The signal frame's parts (posix/sigframe.h). */
static void test_sigframe_parts(void **state)
{
	(void)state;
	SZ(lx_sigcontext, struct sigcontext);
	OFF(lx_sigcontext, r8, struct sigcontext, r8);
	OFF(lx_sigcontext, r15, struct sigcontext, r15);
	OFF(lx_sigcontext, rdi, struct sigcontext, rdi);
	OFF(lx_sigcontext, rsi, struct sigcontext, rsi);
	OFF(lx_sigcontext, rbp, struct sigcontext, rbp);
	OFF(lx_sigcontext, rbx, struct sigcontext, rbx);
	OFF(lx_sigcontext, rdx, struct sigcontext, rdx);
	OFF(lx_sigcontext, rax, struct sigcontext, rax);
	OFF(lx_sigcontext, rcx, struct sigcontext, rcx);
	OFF(lx_sigcontext, rsp, struct sigcontext, rsp);
	OFF(lx_sigcontext, rip, struct sigcontext, rip);
	OFF(lx_sigcontext, eflags, struct sigcontext, eflags);
	OFF(lx_sigcontext, cs, struct sigcontext, cs);
	OFF(lx_sigcontext, gs, struct sigcontext, gs);
	OFF(lx_sigcontext, fs, struct sigcontext, fs);
	OFF(lx_sigcontext, err, struct sigcontext, err);
	OFF(lx_sigcontext, trapno, struct sigcontext, trapno);
	OFF(lx_sigcontext, oldmask, struct sigcontext, oldmask);
	OFF(lx_sigcontext, cr2, struct sigcontext, cr2);
	OFF(lx_sigcontext, fpstate, struct sigcontext, fpstate);
	OFF(lx_sigcontext, reserved1, struct sigcontext, reserved1);
	OFF(lx_sigcontext, ss, struct sigcontext_64, ss);
	SZ(lx_ucontext, struct ucontext);
	OFF(lx_ucontext, uc_flags, struct ucontext, uc_flags);
	OFF(lx_ucontext, uc_link, struct ucontext, uc_link);
	OFF(lx_ucontext, uc_stack, struct ucontext, uc_stack);
	OFF(lx_ucontext, uc_mcontext, struct ucontext, uc_mcontext);
	OFF(lx_ucontext, uc_sigmask, struct ucontext, uc_sigmask);
	EQ(LX_FPSTATE_SIZE, sizeof(struct _fpstate_64));
	EQ(LX_FX_MXCSR, offsetof(struct _fpstate_64, mxcsr));
	EQ(LX_UC_FP_XSTATE, UC_FP_XSTATE);
	EQ(LX_UC_SIGCONTEXT_SS, UC_SIGCONTEXT_SS);
	EQ(LX_UC_STRICT_RESTORE_SS, UC_STRICT_RESTORE_SS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_termios),	 cmocka_unit_test(test_sigaction),
	    cmocka_unit_test(test_siginfo),	 cmocka_unit_test(test_stat),
	    cmocka_unit_test(test_kernel_flags), cmocka_unit_test(test_sigframe_parts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
