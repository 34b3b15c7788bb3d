/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Self-test for tools/check-kstack.py: a frame larger than the whole
 * kernel stack budget, and a variable-length array, whose size gcc cannot
 * bound.
 *
 * kstack-expect: deep
 * kstack-expect: dynamic
 */
void fixture_use(char *p);
void fixture_big(void);
void fixture_vla(unsigned n);

void fixture_big(void)
{
	char buf[16384];

	fixture_use(buf);
}

void fixture_vla(unsigned n)
{
	char buf[n];

	fixture_use(buf);
}
