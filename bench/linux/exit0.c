/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * exit0: the program lbench's spawn_exit_notify starts.  It exits at once
 * with status 0 and has no C library, so the figure is the kernel's cost
 * of creating, loading, running and reaping a process, as kbench's
 * "partner exit" is for VectraOS.  Linked -static -nostdlib.
 */
void _start(void);

void _start(void)
{
	__asm__ volatile("syscall" : : "a"(60), "D"(0));
	__builtin_unreachable();
}
