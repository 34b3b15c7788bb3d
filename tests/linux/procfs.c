// SPDX-License-Identifier: BSD-3-Clause
/*
 * /proc read by a program, as libcs and tools read it: maps with many
 * areas whole and the same however it is read (1-byte reads, one big
 * read, lseek, pread), the ids and sizes of stat, statm and status
 * agreeing with each other and with the calls, /proc/self's link, a
 * pipe's fd link naming its inode, and a zombie's stat.  Prints one line
 * per case, the numbers themselves never (they differ between machines);
 * the same on any Linux (tests/qemu/linuxdiff_test.py).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE  4096ul
#define AREAS 24
#define BASE  0x300000000ul

static char whole[65536], bytewise[65536], part[256];

/* The file path read with reads of size chunk: its length, or -1. */
static long slurp(const char *path, char *buf, size_t cap, size_t chunk)
{
	int fd = open(path, O_RDONLY);
	size_t len = 0;
	ssize_t got;

	if (fd < 0)
		return -1;
	while (len < cap && (got = read(fd, buf + len, cap - len < chunk ? cap - len : chunk)) > 0)
		len += (size_t)got;
	close(fd);
	return (long)len;
}

/* The number after name in text ("Name:\t123"), or -1. */
static long field(const char *text, const char *name)
{
	const char *at = strstr(text, name);

	return at ? strtol(at + strlen(name), NULL, 10) : -1;
}

static void maps(void)
{
	unsigned n = 0;

	/* Areas a page apart, so that no two merge on any kernel. */
	for (unsigned i = 0; i < AREAS; i++) {
		int prot = i % 2 ? PROT_READ : PROT_READ | PROT_WRITE;
		void *want = (void *)(BASE + 2 * i * PAGE);
		if (mmap(want, PAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1,
			 0) != want) {
			printf("maps: mmap %u failed\n", i);
			return;
		}
	}
	long a = slurp("/proc/self/maps", whole, sizeof(whole), sizeof(whole));
	long b = slurp("/proc/self/maps", bytewise, sizeof(bytewise), 1);
	printf("maps: one read and 1-byte reads agree: %s\n",
	       a > 0 && a == b && memcmp(whole, bytewise, (size_t)a) == 0 ? "yes" : "no");
	for (char *line = whole; line && line < whole + a; line = strchr(line, '\n')) {
		line += *line == '\n';
		unsigned long start = strtoul(line, NULL, 16);
		if (start >= BASE && start < BASE + 2 * AREAS * PAGE)
			n++;
	}
	printf("maps: %u of the %u areas listed, the last line whole: %s\n", n, AREAS,
	       a > 0 && whole[a - 1] == '\n' ? "yes" : "no");

	int fd = open("/proc/self/maps", O_RDONLY);
	bool ok = fd >= 0;
	for (long off = 0; ok && off < a; off += 97) {
		size_t k = (size_t)(a - off) < sizeof(part) ? (size_t)(a - off) : sizeof(part);
		ok = pread(fd, part, k, off) == (ssize_t)k && memcmp(part, whole + off, k) == 0;
	}
	ok = ok && lseek(fd, a / 2, SEEK_SET) == a / 2 && read(fd, part, 10) == 10 &&
	     memcmp(part, whole + a / 2, 10) == 0;
	ok = ok && pread(fd, part, 10, a) == 0;
	printf("maps: pread and lseek see the same bytes: %s\n", ok ? "yes" : "no");
	close(fd);
	for (unsigned i = 0; i < AREAS; i++)
		munmap((void *)(BASE + 2 * i * PAGE), PAGE);
}

static void ids(void)
{
	char link[64], want[32];
	int pid, ppid;
	char state;

	long n = slurp("/proc/self/stat", whole, sizeof(whole) - 1, sizeof(whole));
	whole[n > 0 ? n : 0] = 0;
	const char *r = strrchr(whole, ')');
	printf("stat: pid and ppid are getpid's and getppid's: %s\n",
	       r && sscanf(whole, "%d", &pid) == 1 && sscanf(r + 2, "%c %d", &state, &ppid) == 2 &&
		       pid == getpid() && ppid == getppid() && state == 'R'
		   ? "yes"
		   : "no");
	n = slurp("/proc/self/status", whole, sizeof(whole) - 1, 7);
	whole[n > 0 ? n : 0] = 0;
	long vm = field(whole, "VmSize:"), tgid = field(whole, "\nTgid:");
	long stm = slurp("/proc/self/statm", bytewise, sizeof(bytewise) - 1, 3);
	bytewise[stm > 0 ? stm : 0] = 0;
	printf("status: Tgid is getpid, VmSize is statm's size: %s\n",
	       tgid == getpid() && vm > 0 && vm == strtol(bytewise, NULL, 10) * 4 ? "yes" : "no");
	n = readlink("/proc/self", link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = 0;
	snprintf(want, sizeof(want), "%d", getpid());
	printf("/proc/self reads as the pid: %s\n", strcmp(link, want) == 0 ? "yes" : "no");
	n = readlink("/proc/self/exe", link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = 0;
	printf("exe ends in /procfs: %s\n",
	       n > 7 && strcmp(link + n - 7, "/procfs") == 0 ? "yes" : "no");
}

static void pipes(void)
{
	int p[2];
	char path[64], link[64], want[64];
	struct stat st;

	if (pipe(p) != 0)
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[1]);
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = 0;
	fstat(p[0], &st);
	snprintf(want, sizeof(want), "pipe:[%lu]", (unsigned long)st.st_ino);
	printf("a pipe's fd link names its inode: %s\n", strcmp(link, want) == 0 ? "yes" : "no");
	int w = open(path, O_WRONLY); /* the pipe again, not a file */
	printf("opening it reaches the pipe: %s\n",
	       w >= 0 && write(w, "x", 1) == 1 && read(p[0], link, 1) == 1 && link[0] == 'x'
		   ? "yes"
		   : "no");
	close(w);
	close(p[0]);
	close(p[1]);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[1]);
	printf("a closed descriptor has no link: %s\n",
	       readlink(path, link, sizeof(link)) < 0 && errno == ENOENT ? "yes" : "no");
}

static void zombie(void)
{
	char path[64];
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	const char *r = NULL;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	for (int i = 0; i < 200 && !(r && r[2] == 'Z'); i++) { /* until it has exited */
		usleep(i ? 25000 : 0);
		long n = slurp(path, whole, sizeof(whole) - 1, sizeof(whole));
		whole[n > 0 ? n : 0] = 0;
		r = strrchr(whole, ')');
	}
	printf("a zombie's state is Z: %s\n", r && r[2] == 'Z' ? "yes" : "no");
	waitpid(pid, NULL, 0);
	printf("once waited for, it is gone: %s\n",
	       open(path, O_RDONLY) < 0 && errno == ENOENT ? "yes" : "no");
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	maps();
	ids();
	pipes();
	zombie();
	return 0;
}
