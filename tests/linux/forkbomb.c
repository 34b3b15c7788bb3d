// SPDX-License-Identifier: BSD-3-Clause
/*
 * A fork bomb (issue 14, "Hostile cases"): every process forks until fork
 * fails, then waits on a pipe that the first process holds open.  When
 * the first one's fork fails it reports the error, closes the pipe, and
 * everyone reaps their children and exits.
 *
 * Prints "forkbomb: fork failed with E after N children" and then
 * "forkbomb: all reaped".  A cap stops a system with no limit in sight.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CAP 64

static void reap_all(void)
{
	while (wait(NULL) > 0 || errno == EINTR)
		;
}

int main(void)
{
	int pfd[2];
	int n = 0, err = 0;
	char c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (pipe(pfd) != 0)
		return 1;
	pid_t top = getpid();
	while (n < CAP) {
		pid_t pid = fork();
		if (pid < 0) {
			err = errno;
			break;
		}
		if (pid == 0) {
			if (getppid() != top)
				n = CAP; /* grandchildren fork no further: bounded on any host */
			continue;	 /* the child forks too */
		}
		n++;
	}
	if (getpid() != top) {
		close(pfd[1]);
		while (read(pfd[0], &c, 1) < 0 && errno == EINTR)
			;
		reap_all();
		_exit(0);
	}
	if (err)
		printf("forkbomb: fork failed with %s after %d children\n",
		       err == EAGAIN ? "EAGAIN" : strerror(err), n);
	else
		printf("forkbomb: no failure within %d children\n", CAP);
	close(pfd[1]);
	reap_all();
	printf("forkbomb: all reaped\n");
	return 0;
}
