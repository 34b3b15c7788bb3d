// SPDX-License-Identifier: BSD-3-Clause
/*
 * MAP_SHARED and MAP_PRIVATE anonymous memory across fork: what a child
 * writes to a shared mapping its parent reads, and the other way round,
 * through a grandchild too; a private mapping stays each process's own;
 * a child's munmap takes nothing from its parent.  Prints one line per
 * case; the same on any Linux (tests/qemu/linuxdiff_test.py).
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096ul

/* Runs fn(arg) in a child and waits for it: its exit status, or -1. */
static int in_child(int (*fn)(unsigned char *), unsigned char *arg)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(fn(arg));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int write_pattern(unsigned char *m)
{
	for (unsigned long i = 0; i < 3 * PAGE; i += 512)
		m[i] = (unsigned char)(i / 512 + 1);
	return 0;
}

static int pattern_ok(const unsigned char *m)
{
	for (unsigned long i = 0; i < 3 * PAGE; i += 512)
		if (m[i] != (unsigned char)(i / 512 + 1))
			return 0;
	return 1;
}

static int check_pattern(unsigned char *m)
{
	return pattern_ok(m) ? 7 : 8;
}

static int bump(unsigned char *m)
{
	m[PAGE + 5]++;
	return 0;
}

static int bump_in_grandchild(unsigned char *m)
{
	return in_child(bump, m);
}

static int unmap_it(unsigned char *m)
{
	return munmap(m, 3 * PAGE) == 0 ? 0 : 1;
}

static unsigned char *map(int type)
{
	void *m = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, type | MAP_ANONYMOUS, -1, 0);
	return m == MAP_FAILED ? NULL : m;
}

int main(void)
{
	unsigned char *sh = map(MAP_SHARED), *pr = map(MAP_PRIVATE);

	if (!sh || !pr) {
		printf("shmem: mmap failed\n");
		return 1;
	}
	printf("shared: starts zeroed: %s\n", sh[0] == 0 && sh[3 * PAGE - 1] == 0 ? "yes" : "no");
	printf("shared: child's writes seen by the parent: %s\n",
	       in_child(write_pattern, sh) == 0 && pattern_ok(sh) ? "yes" : "no");
	printf("private: child's writes seen by the parent: %s\n",
	       in_child(write_pattern, pr) == 0 && pattern_ok(pr) ? "yes" : "no");
	memset(sh, 0, 3 * PAGE);
	write_pattern(sh);
	printf("shared: parent's writes seen by a new child: %s\n",
	       in_child(check_pattern, sh) == 7 ? "yes" : "no");
	sh[PAGE + 5] = 40;
	in_child(bump, sh);
	in_child(bump, sh);
	in_child(bump_in_grandchild, sh);
	printf("shared: three children counted to %d\n", sh[PAGE + 5]);
	pr[PAGE + 5] = 40;
	in_child(bump, pr);
	printf("private: the child's count stays its own: %d\n", pr[PAGE + 5]);
	printf("shared: a child's munmap: %d, and the parent still reads it: %s\n",
	       in_child(unmap_it, sh), pattern_ok(sh) ? "yes" : "no");
	printf("shared: its own munmap: %d\n", munmap(sh, 3 * PAGE));
	return 0;
}
