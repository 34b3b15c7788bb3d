// SPDX-License-Identifier: BSD-3-Clause
/*
 * An mmap storm (issue 14, "Hostile cases"): anonymous mappings of one
 * size until mmap says ENOMEM, each written at both ends; then all
 * unmapped; three rounds for each of three sizes.  Every round of a size
 * must get as far as the first: what was unmapped came back.
 *
 * Prints "mmapstorm: SIZE round N: COUNT maps, then errno E" per round
 * and "mmapstorm: ok" when the rounds agree.  A cap stops a system with
 * no limit in sight (the host): "no ENOMEM within CAP maps".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define CAP 4096

static void *maps[CAP];

static int storm(size_t size, int *err)
{
	int n = 0;

	*err = 0;
	while (n < CAP) {
		char *p =
		    mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			*err = errno;
			break;
		}
		p[0] = 1;
		p[size - 1] = 2;
		maps[n++] = p;
	}
	for (int i = 0; i < n; i++)
		if (((char *)maps[i])[0] != 1 || ((char *)maps[i])[size - 1] != 2 ||
		    munmap(maps[i], size) != 0) {
			printf(
			    "mmapstorm: map %d of %zu bytes lost its bytes or its munmap failed\n",
			    i, size);
			*err = -1;
		}
	return n;
}

int main(void)
{
	static const size_t sizes[] = {4096, 1 << 20, 3 << 20};
	int ok = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		int first = -1;
		for (int round = 1; round <= 3; round++) {
			int err;
			int n = storm(sizes[s], &err);
			if (err == 0)
				printf("mmapstorm: %zu round %d: no ENOMEM within %d maps\n",
				       sizes[s], round, CAP);
			else
				printf("mmapstorm: %zu round %d: %d maps, then %s\n", sizes[s],
				       round, n, err == ENOMEM ? "ENOMEM" : strerror(err));
			if (err != ENOMEM || n == 0 || (first >= 0 && n != first))
				ok = 0;
			if (first < 0)
				first = n;
		}
	}
	printf("mmapstorm: %s\n", ok ? "ok" : "FAILED");
	return !ok;
}
