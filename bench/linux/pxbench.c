/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The POSIX bridge's benchmarks (docs/BENCHMARKS.md, section 1.5): one
 * static Linux program, run unmodified under linuxd in VectraOS and on
 * Debian's Linux kernel in the Linux guest, under the same QEMU flags.
 * Under -icount shift=0 a guest ns is a guest instruction, so
 * CLOCK_MONOTONIC measures instructions on both.
 *
 *   px_getppid          a trivial syscall, through the personality
 *   px_fork_exit_wait   fork, _exit(0) in the child, wait4 in the parent
 *   px_exec_true        fork, execve("/bin/busybox", "true"), wait4
 *   px_pipe_rtt         one byte to a child and back over two pipes
 *   px_sh_loop_1000     busybox sh -c running a 1,000-iteration loop
 *
 * Each prints "bench NAME VALUE": guest ns per operation.  Needs only
 * /bin/busybox, which both guests have.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static void report(const char *name, uint64_t t0, unsigned n)
{
	printf("bench %s %llu\n", name, (unsigned long long)((now() - t0) / n));
	fflush(stdout);
}

static void reap(pid_t pid)
{
	int st;

	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		printf("pxbench: a child failed\n");
		exit(1);
	}
}

static void spawn(char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	reap(pid);
}

int main(void)
{
	enum { SYSCALLS = 20000, FORKS = 100, EXECS = 20, TRIPS = 1000, LOOPS = 3 };
	uint64_t t0;
	int up[2], down[2];
	char c = 'x';

	t0 = now();
	for (unsigned i = 0; i < SYSCALLS; i++)
		syscall(SYS_getppid);
	report("px_getppid", t0, SYSCALLS);

	t0 = now();
	for (unsigned i = 0; i < FORKS; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		reap(pid);
	}
	report("px_fork_exit_wait", t0, FORKS);

	char *truth[] = {"/bin/busybox", "true", NULL};
	t0 = now();
	for (unsigned i = 0; i < EXECS; i++)
		spawn(truth);
	report("px_exec_true", t0, EXECS);

	if (pipe(up) != 0 || pipe(down) != 0)
		return 1;
	pid_t echo = fork();
	if (echo == 0) {
		close(down[1]); /* or its reads would never see the end */
		close(up[0]);
		while (read(down[0], &c, 1) == 1 && write(up[1], &c, 1) == 1)
			;
		_exit(0);
	}
	close(down[0]);
	close(up[1]);
	t0 = now();
	for (unsigned i = 0; i < TRIPS; i++)
		if (write(down[1], &c, 1) != 1 || read(up[0], &c, 1) != 1)
			return 1;
	report("px_pipe_rtt", t0, TRIPS);
	close(down[1]);
	reap(echo);

	char *loop[] = {"/bin/busybox", "sh", "-c",
			"i=0; while [ $i -lt 1000 ]; do i=$((i + 1)); done", NULL};
	t0 = now();
	for (unsigned i = 0; i < LOOPS; i++)
		spawn(loop);
	report("px_sh_loop_1000", t0, LOOPS);
	printf("pxbench: done\n");
	return 0;
}
