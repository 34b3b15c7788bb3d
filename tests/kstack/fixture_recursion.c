/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Self-test for tools/check-kstack.py, compiled like the kernel: direct
 * recursion (fixture_walk) and mutual recursion (fixture_ping and
 * fixture_pong).  The buffer used after each call keeps gcc from turning
 * the recursion into a loop, and noinline keeps the two apart.
 *
 * kstack-expect: cycle
 */
void fixture_use(char *p);
int fixture_walk(int n);
int fixture_ping(int n);
int fixture_pong(int n);

int fixture_walk(int n)
{
	char buf[48];

	fixture_use(buf);
	if (n)
		fixture_walk(n - 1);
	fixture_use(buf);
	return 0;
}

__attribute__((noinline)) int fixture_ping(int n)
{
	char buf[64];

	fixture_use(buf);
	if (n)
		fixture_pong(n - 1);
	fixture_use(buf);
	return 0;
}

__attribute__((noinline)) int fixture_pong(int n)
{
	char buf[32];

	fixture_use(buf);
	if (n)
		fixture_ping(n - 1);
	fixture_use(buf);
	return 0;
}
