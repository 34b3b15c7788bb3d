// SPDX-License-Identifier: BSD-3-Clause
/*
 * A program that dies of a fault (issue 14, "Hostile cases"):
 *
 *   fault segv   writes through NULL  (SIGSEGV)
 *   fault ill    runs ud2             (SIGILL)
 *   fault fpe    divides by zero      (SIGFPE)
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "segv";

	printf("fault: %s\n", what);
	fflush(stdout);
	if (strcmp(what, "ill") == 0) {
		__asm__ volatile("ud2");
	} else if (strcmp(what, "fpe") == 0) {
		volatile int zero = 0, seven = 7;
		volatile int x = seven / zero;
		(void)x;
	} else {
		*(volatile int *)0 = 1;
	}
	printf("fault: survived\n");
	return 0;
}
