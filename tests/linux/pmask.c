// SPDX-License-Identifier: BSD-3-Clause
/*
 * ppoll's and pselect6's signal mask: in force while the call runs, the
 * caller's own again when it returns.  A SIGUSR1 is made pending while
 * blocked (a child sends it, the parent waits for the child), then each
 * call runs with a mask that keeps it blocked (the call times out, no
 * handler runs) and with one that lets it through (EINTR, the handler
 * runs once); after every call SIGUSR1 is blocked again.  Prints one line
 * per step; the same on any Linux (tests/qemu/linuxdiff_test.py).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

/* SIGUSR1 made pending (and blocked) by a child. */
static void pend_usr1(void)
{
	pid_t parent = getpid(), pid = fork();

	if (pid == 0)
		_exit(kill(parent, SIGUSR1) == 0 ? 0 : 1);
	waitpid(pid, NULL, 0);
}

static const char *blocked_now(void)
{
	sigset_t cur;

	sigprocmask(SIG_BLOCK, NULL, &cur);
	return sigismember(&cur, SIGUSR1) ? "blocked" : "unblocked";
}

static void report(const char *what, int r, int err)
{
	printf("%s: returned %d%s, handler ran %d times, SIGUSR1 %s after\n", what, r,
	       r < 0 ? (err == EINTR ? " (EINTR)" : " (other error)") : "", (int)handled,
	       blocked_now());
}

int main(void)
{
	sigset_t usr1, keep, let;
	struct sigaction sa = {.sa_handler = on_usr1};
	struct timespec zero = {0, 0}, long_wait = {10, 0};
	int r;

	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	keep = usr1;	   /* SIGUSR1 stays blocked during the call */
	sigemptyset(&let); /* nothing blocked during the call */

	pend_usr1();
	r = ppoll(NULL, 0, &zero, &keep);
	report("ppoll keeping it blocked", r, errno);
	r = ppoll(NULL, 0, &long_wait, &let);
	report("ppoll letting it through", r, errno);

	pend_usr1();
	r = pselect(0, NULL, NULL, NULL, &zero, &keep);
	report("pselect keeping it blocked", r, errno);
	r = pselect(0, NULL, NULL, NULL, &long_wait, &let);
	report("pselect letting it through", r, errno);

	/* A pipe that is ready: the call returns it, and the caller's mask is
	 * back before the signal (still pending, still blocked) could run. */
	int fds[2];
	if (pipe(fds) != 0 || write(fds[1], "x", 1) != 1)
		return 1;
	pend_usr1();
	struct pollfd pf = {.fd = fds[0], .events = POLLIN};
	r = ppoll(&pf, 1, &long_wait, &keep);
	report("ppoll with a ready pipe", r, errno);
	sigprocmask(SIG_UNBLOCK, &usr1, NULL);
	printf("unblocked by hand: handler ran %d times\n", (int)handled);
	return 0;
}
