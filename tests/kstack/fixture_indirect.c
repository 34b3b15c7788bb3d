/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Self-test for tools/check-kstack.py: recursion that only goes through a
 * function pointer.  The call graph has no edge from fixture_visit to
 * itself; the check must find it by resolving the indirect call to the
 * address-taken functions.
 *
 * kstack-expect: cycle
 */
typedef void (*fixture_fn)(int n);
void fixture_use(char *p);
void fixture_visit(int n);
void fixture_install(void);

static fixture_fn fixture_hook;

void fixture_visit(int n)
{
	char buf[32];

	fixture_use(buf);
	if (n)
		fixture_hook(n - 1);
	fixture_use(buf);
}

void fixture_install(void)
{
	fixture_hook = fixture_visit;
}
