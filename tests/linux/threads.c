// SPDX-License-Identifier: BSD-3-Clause
/*
 * Threads under linuxd against Linux (scenario_linuxdiff): glibc's
 * pthreads as an unmodified static program uses them.  Every line it
 * prints is decided by the program, never by timing: threads hand results
 * to the main thread, which prints them after joins and waits, and every
 * case that ends a process runs in a forked child whose status is shown.
 *
 *   threads           every case below, in order
 *   threads spin      threads that never stop (scenario_linux kills
 *                     linuxd under them)
 *   threads exec-child  what a thread's execve runs
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WORKERS 4
#define ROUNDS	3000
#define ITEMS	2000

static void say(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (write(1, buf, (size_t)n) != n)
		_exit(99);
}

static pid_t tid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* A child's status, as the shell would put it. */
static void show_status(const char *what, pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		say("%s: waitpid failed\n", what);
	else if (WIFEXITED(st))
		say("%s: exited with %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		say("%s: killed by signal %d\n", what, WTERMSIG(st));
	else
		say("%s: status %#x\n", what, st);
}

/* ---------------------------------------------------- create, join, TLS */

static __thread int tls_counter = 100;

static void *tls_worker(void *arg)
{
	int k = (int)(intptr_t)arg;

	for (int i = 0; i < k; i++)
		tls_counter++;
	return (void *)(intptr_t)(tls_counter * 10 + (tid() != getpid()));
}

static void case_create_join(void)
{
	pthread_t t[WORKERS];

	for (int i = 0; i < WORKERS; i++)
		if (pthread_create(&t[i], NULL, tls_worker, (void *)(intptr_t)(i + 1)) != 0)
			say("create: pthread_create failed\n");
	for (int i = 0; i < WORKERS; i++) {
		void *r;
		pthread_join(t[i], &r);
		say("create: thread %d returned %ld\n", i, (long)(intptr_t)r);
	}
	say("create: main's TLS counter %d, gettid == getpid %d\n", tls_counter, tid() == getpid());
}

/* -------------------------------------------------------------- mutexes */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long shared_count;
static int inside, overlap;

static void *mutex_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&lock);
		if (inside++)
			overlap = 1;
		shared_count++;
		if (i % 500 == 0)
			sched_yield(); /* hold it a while: others must wait on the futex */
		inside--;
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

static void case_mutex(void)
{
	pthread_t t[WORKERS];

	for (int i = 0; i < WORKERS; i++)
		pthread_create(&t[i], NULL, mutex_worker, NULL);
	for (int i = 0; i < WORKERS; i++)
		pthread_join(t[i], NULL);
	say("mutex: %ld increments, overlap %d\n", shared_count, overlap);
}

/* ------------------------------------------------------------- condvars */

static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER, not_full = PTHREAD_COND_INITIALIZER;
static int queue[8], qhead, qtail, qlen;
static long consumed_sum;
static int consumed;

static void *producer(void *arg)
{
	int base = (int)(intptr_t)arg;

	for (int i = 1; i <= ITEMS; i++) {
		pthread_mutex_lock(&qlock);
		while (qlen == 8)
			pthread_cond_wait(&not_full, &qlock);
		queue[qtail] = base + i;
		qtail = (qtail + 1) % 8;
		qlen++;
		pthread_cond_signal(&not_empty);
		pthread_mutex_unlock(&qlock);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&qlock);
		while (qlen == 0 && consumed < 2 * ITEMS)
			pthread_cond_wait(&not_empty, &qlock);
		if (consumed == 2 * ITEMS) {
			pthread_mutex_unlock(&qlock);
			return NULL;
		}
		consumed_sum += queue[qhead];
		qhead = (qhead + 1) % 8;
		qlen--;
		if (++consumed == 2 * ITEMS)
			pthread_cond_broadcast(&not_empty);
		pthread_cond_signal(&not_full);
		pthread_mutex_unlock(&qlock);
	}
}

static void case_condvar(void)
{
	pthread_t p[2], c[2];

	pthread_create(&c[0], NULL, consumer, NULL);
	pthread_create(&c[1], NULL, consumer, NULL);
	pthread_create(&p[0], NULL, producer, (void *)0);
	pthread_create(&p[1], NULL, producer, (void *)100000);
	for (int i = 0; i < 2; i++)
		pthread_join(p[i], NULL);
	for (int i = 0; i < 2; i++)
		pthread_join(c[i], NULL);
	say("condvar: %d items, sum %ld, left %d\n", consumed, consumed_sum, qlen);
}

/* ------------------------------------------ pthread_exit and detached */

static void *exiting(void *arg)
{
	pthread_exit((void *)((intptr_t)arg + 1));
	return NULL;
}

static sem_t detached_done;
static int detached_saw;

static void *detached(void *arg)
{
	sigset_t all;

	/* It may outlive this case: no signal of a later one may go to it. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	detached_saw = (int)(intptr_t)arg;
	sem_post(&detached_done);
	return NULL;
}

static void case_exit_detach(void)
{
	pthread_t t;
	pthread_attr_t at;
	void *r;

	pthread_create(&t, NULL, exiting, (void *)41);
	pthread_join(t, &r);
	say("pthread_exit: joined with %ld\n", (long)(intptr_t)r);
	sem_init(&detached_done, 0, 0);
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	pthread_create(&t, &at, detached, (void *)7);
	pthread_attr_destroy(&at);
	sem_wait(&detached_done);
	say("detached: it ran with %d\n", detached_saw);
}

/* -------------------------------------------------------------- signals */

static volatile sig_atomic_t usr1_tid, usr2_tid;
static pid_t worker_tid;
static sem_t ready;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_tid = tid();
}

static void on_usr2(int sig)
{
	(void)sig;
	usr2_tid = tid();
}

/* Takes SIGUSR1 (which the main thread blocks) and then SIGUSR2. */
static void *signal_worker(void *arg)
{
	sigset_t none;

	(void)arg;
	worker_tid = tid();
	sigemptyset(&none);
	sem_post(&ready);
	while (!usr1_tid)
		sigsuspend(&none);
	sem_post(&ready);
	while (!usr2_tid)
		sigsuspend(&none);
	return NULL;
}

static void case_signals(void)
{
	sigset_t usr1, old;
	pthread_t t;

	signal(SIGUSR1, on_usr1);
	signal(SIGUSR2, on_usr2);
	sem_init(&ready, 0, 0);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, &old);
	pthread_create(&t, NULL, signal_worker, NULL);
	sem_wait(&ready);
	kill(getpid(), SIGUSR1); /* process-directed: only the worker takes it */
	sem_wait(&ready);
	say("signal: process-directed SIGUSR1 taken by the worker %d, by main %d\n",
	    usr1_tid == worker_tid, usr1_tid == getpid());
	long r0 = syscall(SYS_tkill, worker_tid, 0);
	long r1 = syscall(SYS_tgkill, getpid() + 100000, worker_tid, 0);
	say("signal: tkill of a live thread %ld, tgkill naming another process %ld\n",
	    r0 < 0 ? -(long)errno : r0, r1 < 0 ? -(long)errno : r1);
	pthread_kill(t, SIGUSR2);
	pthread_join(t, NULL);
	say("signal: pthread_kill's SIGUSR2 taken by its thread %d\n", usr2_tid == worker_tid);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	/* Another thread's mask is its own. */
	sigset_t now;
	pthread_sigmask(SIG_BLOCK, NULL, &now);
	say("signal: main's own mask back, SIGUSR1 blocked %d\n", sigismember(&now, SIGUSR1));
}

/* sigwait in a thread of its own, the usual way to take signals: every
 * thread blocks them, the waiter takes a process-directed one. */
static void *sigwaiter(void *arg)
{
	sigset_t *set = arg;
	int sig = 0;

	sigwait(set, &sig);
	return (void *)(intptr_t)sig;
}

static void case_sigwait(void)
{
	sigset_t set, old;
	pthread_t t;
	void *r;
	struct timespec zero = {0, 0}, short_ = {0, 10 * 1000 * 1000};

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	say("sigwait: nothing pending, no wait %d, a short wait %d\n",
	    sigtimedwait(&set, NULL, &zero) < 0 ? -errno : 0,
	    sigtimedwait(&set, NULL, &short_) < 0 ? -errno : 0);
	pthread_create(&t, NULL, sigwaiter, &set);
	kill(getpid(), SIGUSR2);
	pthread_join(t, &r);
	say("sigwait: the waiting thread took signal %ld\n", (long)(intptr_t)r);
	raise(SIGUSR2); /* thread-directed, blocked: pending for main alone */
	sigset_t pend;
	sigpending(&pend);
	siginfo_t si;
	int got = sigwaitinfo(&set, &si);
	say("sigwait: pending %d, sigwaitinfo %d, si_signo %d\n", sigismember(&pend, SIGUSR2), got,
	    si.si_signo);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* ------------------------------------------------------------- futexes */

static long fx(void *uaddr, int op, uint32_t val, const struct timespec *ts, uint32_t bits)
{
	long r = syscall(SYS_futex, uaddr, op, val, ts, NULL, bits);
	return r < 0 ? -errno : r;
}

static void case_futex(void)
{
	static uint32_t word = 5;
	struct timespec zero = {0, 0}, bad = {0, 1000000000};

	say("futex: WAIT on NULL %ld\n", fx(NULL, FUTEX_WAIT_PRIVATE, 0, NULL, 0));
	say("futex: WAIT on an unmapped word %ld\n",
	    fx((void *)0x10000, FUTEX_WAIT_PRIVATE, 0, NULL, 0));
	say("futex: WAKE (shared) on NULL %ld\n", fx(NULL, FUTEX_WAKE, 1, NULL, 0));
	say("futex: WAIT misaligned %ld\n", fx((char *)&word + 1, FUTEX_WAIT_PRIVATE, 5, NULL, 0));
	say("futex: WAIT with another value %ld\n", fx(&word, FUTEX_WAIT_PRIVATE, 4, NULL, 0));
	say("futex: WAIT with a zero timeout %ld\n", fx(&word, FUTEX_WAIT_PRIVATE, 5, &zero, 0));
	say("futex: WAIT with a bad timeout %ld\n", fx(&word, FUTEX_WAIT_PRIVATE, 5, &bad, 0));
	say("futex: WAIT with an unmapped timeout %ld\n",
	    fx(&word, FUTEX_WAIT_PRIVATE, 5, (void *)0x10000, 0));
	say("futex: WAIT_BITSET with bitset 0 %ld\n",
	    fx(&word, FUTEX_WAIT_BITSET_PRIVATE, 5, NULL, 0));
	say("futex: WAIT_BITSET with a past absolute deadline %ld\n",
	    fx(&word, FUTEX_WAIT_BITSET_PRIVATE, 5, &zero, ~0u));
	say("futex: WAKE with no one waiting %ld\n", fx(&word, FUTEX_WAKE_PRIVATE, 1, NULL, 0));
}

/* A timed condvar wait that times out (FUTEX_WAIT_BITSET, absolute). */
static void case_timedwait(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t c = PTHREAD_COND_INITIALIZER;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 20 * 1000 * 1000;
	if (ts.tv_nsec >= 1000000000)
		ts.tv_sec++, ts.tv_nsec -= 1000000000;
	pthread_mutex_lock(&m);
	int r = pthread_cond_timedwait(&c, &m, &ts);
	pthread_mutex_unlock(&m);
	say("timedwait: %s\n", r == ETIMEDOUT ? "ETIMEDOUT" : strerror(r));
}

/* --------------------------------------------------------------- clone */

static void case_clone_flags(void)
{
	long r = syscall(SYS_clone, CLONE_THREAD | CLONE_VM, 0, NULL, NULL, 0);
	say("clone: CLONE_THREAD without CLONE_SIGHAND %ld\n", r < 0 ? -errno : r);
	r = syscall(SYS_clone, CLONE_SIGHAND | SIGCHLD, 0, NULL, NULL, 0);
	say("clone: CLONE_SIGHAND without CLONE_VM %ld\n", r < 0 ? -errno : r);
	r = syscall(SYS_clone, CLONE_FS | CLONE_NEWNS | SIGCHLD, 0, NULL, NULL, 0);
	say("clone: CLONE_FS with CLONE_NEWNS %ld\n", r < 0 ? -errno : r);
	/* A thread whose stack is not there: it faults, and the process with it. */
	pid_t pid = fork();
	if (pid == 0) {
		syscall(SYS_clone,
			CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
			    CLONE_SYSVSEM,
			(void *)0x10000, NULL, NULL, 0);
		for (;;)
			sleep(1000); /* the new thread's fault ends this too */
	}
	show_status("clone: a thread on an unmapped stack", pid);
}

/* ------------------------------------------------------- fork, exit_group */

static void *sleeper(void *arg)
{
	sem_t *s = arg;

	sem_wait(s); /* never posted in the child */
	return NULL;
}

static int forked_global = 1;

static void case_fork(void)
{
	static sem_t never;
	pthread_t t;

	sem_init(&never, 0, 0);
	pthread_create(&t, NULL, sleeper, &never);
	pid_t pid = fork();
	if (pid == 0) {
		/* Only this thread came along; threads work here too. */
		forked_global = 2;
		pthread_t u;
		void *r;
		pthread_create(&u, NULL, tls_worker, (void *)3);
		pthread_join(u, &r);
		say("fork: the child's own thread returned %ld\n", (long)(intptr_t)r);
		exit(3);
	}
	show_status("fork: a child of a threaded process", pid);
	say("fork: the parent's global is still %d\n", forked_global);
	sem_post(&never);
	pthread_join(t, NULL);
}

static void *exit_group_worker(void *arg)
{
	(void)arg;
	exit(7); /* exit_group: the main thread, waiting in join, ends too */
}

static void *fault_worker(void *arg)
{
	volatile int *volatile nowhere = (volatile int *)arg;

	*nowhere = 1;
	return NULL;
}

static void *last_worker(void *arg)
{
	(void)arg;
	say("pthread_exit of main: the worker runs on\n");
	return NULL; /* the last thread: the process exits 0 */
}

static void *exec_worker(void *arg)
{
	char *argv[] = {arg, "exec-child", NULL};

	execv(arg, argv);
	_exit(98);
}

static void case_ends(const char *self)
{
	pthread_t t;
	pid_t pid;

	if ((pid = fork()) == 0) {
		pthread_create(&t, NULL, exit_group_worker, NULL);
		pthread_join(t, NULL);
		_exit(1);
	}
	show_status("exit_group from a second thread", pid);
	if ((pid = fork()) == 0) {
		pthread_create(&t, NULL, fault_worker, (void *)8);
		pthread_join(t, NULL);
		_exit(1);
	}
	show_status("a fault in a second thread", pid);
	if ((pid = fork()) == 0) {
		pthread_create(&t, NULL, last_worker, NULL);
		pthread_exit(NULL);
	}
	show_status("pthread_exit of main", pid);
	if ((pid = fork()) == 0) {
		static sem_t never;
		sem_init(&never, 0, 0);
		pthread_create(&t, NULL, sleeper, &never);
		pthread_create(&t, NULL, exec_worker, (void *)self);
		pthread_join(t, NULL);
		_exit(1);
	}
	show_status("execve from a thread", pid);
}

/* ------------------------------------------------- stopping the process */

static void *counting(void *arg)
{
	volatile long *n = arg;

	for (;;)
		(*n)++;
	return NULL;
}

/* SIGSTOP to a process stops every thread of it, SIGCONT runs them all. */
static void case_stop(void)
{
	volatile long *n =
	    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct timespec pause_ = {0, 50 * 1000 * 1000}, tick = {0, 1000 * 1000};
	int st, still, again = 0;
	pthread_t t;

	pid_t pid = fork();
	if (pid == 0) {
		pthread_create(&t, NULL, counting, (void *)n);
		for (;;)
			sleep(1000);
	}
	while (*n == 0)
		nanosleep(&tick, NULL);
	kill(pid, SIGSTOP);
	waitpid(pid, &st, WUNTRACED);
	long before = *n;
	nanosleep(&pause_, NULL);
	still = *n == before;
	kill(pid, SIGCONT);
	for (int i = 0; i < 5000 && !again; i++) {
		nanosleep(&tick, NULL);
		again = *n != before;
	}
	say("stop: stopped by signal %d, its second thread stood still %d, ran again after "
	    "SIGCONT %d\n",
	    WIFSTOPPED(st) ? WSTOPSIG(st) : -1, still, again);
	kill(pid, SIGKILL);
	show_status("stop: then SIGKILL", pid);
}

/* ------------------------------------------------------------ the spin */

static void *spinner(void *arg)
{
	volatile long *n = arg;

	for (;;)
		(*n)++;
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "exec-child") == 0) {
		say("execve from a thread: the new image runs alone, pid == tid %d\n",
		    tid() == getpid());
		return 5;
	}
	if (argc > 1 && strcmp(argv[1], "spin") == 0) {
		static long n[3];
		pthread_t t;
		for (int i = 0; i < 3; i++)
			pthread_create(&t, NULL, spinner, &n[i]);
		say("threads: spinning\n");
		for (;;)
			sleep(1000);
	}
	case_create_join();
	case_mutex();
	case_condvar();
	case_exit_detach();
	case_signals();
	case_sigwait();
	case_futex();
	case_timedwait();
	case_clone_flags();
	case_fork();
	case_ends(argv[0]);
	case_stop();
	say("threads: done\n");
	return 0;
}
