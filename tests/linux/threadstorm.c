// SPDX-License-Identifier: BSD-3-Clause
/*
 * A thread storm (scenario_linuxdiff, hostile): threads that wait are made
 * until pthread_create fails, then released and joined, twice.  Under
 * linuxd the storm must end in EAGAIN at its per-process limit (docs/
 * POSIX.md, "Limits"), the second round must reach as far as the first
 * (every thread's Task, slot and handles came back), and linuxd must serve
 * on afterwards.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>

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
	for (int round = 1; round <= 2; round++) {
		int n = 0, err = 0;
		sem_init(&go, 0, 0);
		while (n < MAX && (err = pthread_create(&t[n], &at, waiter, NULL)) == 0)
			n++;
		for (int i = 0; i < n; i++)
			sem_post(&go);
		for (int i = 0; i < n; i++)
			pthread_join(t[i], NULL);
		printf("threadstorm: round %d: %d threads, then %s\n", round, n,
		       err == EAGAIN ? "EAGAIN"
		       : err	     ? strerror(err)
				     : "no failure");
		fflush(stdout);
	}
	return 0;
}
