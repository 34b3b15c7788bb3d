// SPDX-License-Identifier: BSD-3-Clause
/*
 * MAP_SHARED mappings of a file: a write through the mapping is what
 * read() then returns, and a write() is what the mapping then holds; a
 * child's writes through an inherited mapping reach the file; msync's
 * arguments; a private mapping never reaches the file; a read-only
 * descriptor gives no writable shared mapping (EACCES, also through
 * mprotect).  Prints one line per case; the same on any Linux
 * (tests/qemu/linuxdiff_test.py).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096
#define SIZE (3 * PAGE)

static char path[64];

static char at(int fd, off_t off)
{
	char c = '?';

	return pread(fd, &c, 1, off) == 1 ? c : '!';
}

static const char *err(int r)
{
	return r == 0 ? "0" : errno == EINVAL ? "EINVAL" : errno == EACCES ? "EACCES" : "other";
}

int main(void)
{
	static char buf[SIZE];
	int fd, r;

	snprintf(path, sizeof(path), "/tmp/fmap-test-%d", (int)getpid());
	memset(buf, 'a', sizeof(buf));
	if ((fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644)) < 0 ||
	    write(fd, buf, SIZE) != SIZE) {
		printf("fmap: cannot make %s\n", path);
		return 1;
	}
	char *m = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		printf("fmap: mmap failed: %d\n", errno);
		return 1;
	}
	printf("the mapping holds the file: %c %c\n", m[0], m[SIZE - 1]);
	m[PAGE + 10] = 'X';
	printf("read() sees a write through the mapping: %c\n", at(fd, PAGE + 10));
	if (pwrite(fd, "Y", 1, 100) != 1)
		return 1;
	printf("the mapping sees a write(): %c\n", m[100]);

	pid_t pid = fork();
	if (pid == 0) {
		m[2 * PAGE + 7] = 'Z';
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	printf("a child's write through the mapping: read() %c, mapping %c\n", at(fd, 2 * PAGE + 7),
	       m[2 * PAGE + 7]);

	printf("msync(MS_SYNC): %s\n", err(msync(m, SIZE, MS_SYNC)));
	printf("msync(MS_ASYNC | MS_SYNC): %s\n", err(msync(m, SIZE, MS_ASYNC | MS_SYNC)));
	printf("msync unaligned: %s\n", err(msync(m + 1, PAGE, MS_SYNC)));
	m[5] = 'W';
	printf("munmap: %s\n", err(munmap(m, SIZE)));
	printf("after munmap, read() sees the last write: %c\n", at(fd, 5));

	char *pv = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (pv == MAP_FAILED)
		return 1;
	pv[6] = 'P';
	munmap(pv, SIZE);
	printf("a private mapping's write stays out of the file: %c\n", at(fd, 6));
	close(fd);

	fd = open(path, O_RDONLY);
	void *w = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	printf("shared writable of a read-only descriptor: %s\n",
	       w == MAP_FAILED && errno == EACCES ? "EACCES" : "mapped");
	char *ro = mmap(NULL, SIZE, PROT_READ, MAP_SHARED, fd, 0);
	printf("shared read-only of it: %s, %c\n", ro == MAP_FAILED ? "failed" : "mapped",
	       ro == MAP_FAILED ? '-' : ro[2 * PAGE + 7]);
	r = ro == MAP_FAILED ? -1 : mprotect(ro, SIZE, PROT_READ | PROT_WRITE);
	printf("mprotect to writable: %s\n", err(r));
	if (ro != MAP_FAILED)
		munmap(ro, SIZE);
	unsigned sum = 0;
	ssize_t n = pread(fd, buf, SIZE, 0);
	for (ssize_t i = 0; i < n; i++)
		sum = sum * 31 + (unsigned char)buf[i];
	printf("the file at the end: %zd bytes, sum %08x\n", n, sum);
	close(fd);
	unlink(path);
	return 0;
}
