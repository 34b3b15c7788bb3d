// SPDX-License-Identifier: BSD-3-Clause
/*
 * A program that never returns from a signal handler (issue 14, "Hostile
 * cases"): SIGINT's handler says so and then sleeps in a loop for ever,
 * saying "sighang: still in the handler N" now and then.  Ctrl-C cannot
 * stop it (SIGINT is blocked while its handler runs); SIGKILL can.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void say(const char *s)
{
	if (write(1, s, strlen(s)) < 0)
		_exit(1);
}

static void on_int(int sig)
{
	char line[64];
	struct timespec ts = {0, 200 * 1000 * 1000};

	(void)sig;
	say("sighang: in the handler\n");
	for (unsigned n = 1;; n++) {
		nanosleep(&ts, NULL);
		snprintf(line, sizeof(line), "sighang: still in the handler %u\n", n);
		say(line);
	}
}

int main(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_int;
	sigaction(SIGINT, &sa, NULL);
	say("sighang: ready\n");
	for (;;) {
		struct timespec ts = {1, 0};
		nanosleep(&ts, NULL);
	}
}
