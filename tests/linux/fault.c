// SPDX-License-Identifier: BSD-3-Clause
/*
 * A program that dies of a fault (issue 14, "Hostile cases"):
 *
 *   fault segv   writes through NULL  (SIGSEGV)
 *   fault ill    runs ud2             (SIGILL)
 *   fault fpe    divides by zero      (SIGFPE)
 *   fault x87    an x87 divide by zero with the exception unmasked (#MF: SIGFPE)
 *   fault sse    an SSE divide by zero with the exception unmasked (#XM: SIGFPE)
 *   fault trap   runs int3            (SIGTRAP)
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
	} else if (strcmp(what, "x87") == 0) {
		unsigned short cw;
		__asm__ volatile("fnstcw %0" : "=m"(cw));
		cw = (unsigned short)(cw & ~0x0004); /* ZM: zero-divide unmasked */
		__asm__ volatile("fldcw %0" ::"m"(cw));
		volatile long double one = 1, zero = 0;
		volatile long double x = one / zero;
		(void)x;
		__asm__ volatile("fwait");
	} else if (strcmp(what, "sse") == 0) {
		unsigned int csr;
		__asm__ volatile("stmxcsr %0" : "=m"(csr));
		csr &= ~(1u << 9); /* ZM: zero-divide unmasked */
		__asm__ volatile("ldmxcsr %0" ::"m"(csr));
		volatile float one = 1, zero = 0;
		volatile float x = one / zero;
		(void)x;
	} else if (strcmp(what, "trap") == 0) {
		__asm__ volatile("int3");
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
