/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Self-test for tools/check-kstack.py: a call gcc's call graph cannot see,
 * because it is inside inline assembly.  The check compares the graph with
 * the machine code and must report it.  (Never run.)
 *
 * kstack-expect: missed
 */
void fixture_hidden(void);
void fixture_sneak(void);

void fixture_sneak(void)
{
	__asm__ volatile("call fixture_hidden" ::: "memory");
}
