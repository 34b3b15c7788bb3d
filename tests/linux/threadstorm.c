// SPDX-License-Identifier: BSD-3-Clause
/*
 * A thread storm (scenario_linuxdiff, hostile): threads that wait are made
 * until pthread_create fails, then released and joined, three times.
 * Under linuxd each storm must end in EAGAIN at its limit (docs/POSIX.md,
 * "Limits": 8 threads a process, and a thread must leave linuxd handles
 * to spare), a fork in the middle of the storm must still work (the rest
 * of the system is not starved), and the later rounds must reach as far
 * as each other (every thread's Task, slot and handles came back; the
 * first round is the one that makes the stacks glibc then reuses).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX 4096

static sem_t go;
static pthread_t t[MAX];

static void *waiter(void *arg)
{
	(void)arg;
	sem_wait(&go);
	return NULL;
}

int main(void)
{
	pthread_attr_t at;

	pthread_attr_init(&at);
	pthread_attr_setstacksize(&at, 64 * 1024);
	for (int round = 1; round <= 3; round++) {
		int n = 0, err = 0, st = -1;
		sem_init(&go, 0, 0);
		while (n < MAX && (err = pthread_create(&t[n], &at, waiter, NULL)) == 0)
			n++;
		pid_t pid = fork();
		if (pid == 0)
			_exit(42);
		if (pid > 0)
			waitpid(pid, &st, 0);
		for (int i = 0; i < n; i++)
			sem_post(&go);
		for (int i = 0; i < n; i++)
			pthread_join(t[i], NULL);
		printf("threadstorm: round %d: %d threads, then %s; a fork meanwhile: %s\n", round,
		       n,
		       err == EAGAIN ? "EAGAIN"
		       : err	     ? strerror(err)
				     : "no failure",
		       pid < 0					? strerror(errno)
		       : WIFEXITED(st) && WEXITSTATUS(st) == 42 ? "ok"
								: "wrong status");
		fflush(stdout);
	}
	return 0;
}
