/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/posix/stack.c: the initial stack, built into a buffer and read back
 * the way glibc's start-up reads it (argc, argv, envp, auxv, then the
 * strings the pointers name), with each rule of posix/stack.h checked.
 * The differential part is against this very process, which Linux
 * started: its auxv's tags (from /proc/self/auxv) must come in our order,
 * and its stack's shape (the strings contiguous from argv[0] to AT_EXECFN,
 * 8 bytes below the top; AT_RANDOM just below AT_PLATFORM) must be ours.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "posix/linux.h"
#include "posix/stack.h"

#define TOP    0x7ffffffde000ull
#define SLEN   (64u * 1024u)
#define MAXV   5000
#define MAXAUX 32

static char **host_argv, **host_envp;

/* What a process finds at its entry. */
struct seen {
	uint64_t argc;
	const char *argv[MAXV];
	unsigned envc;
	const char *envp[MAXV];
	unsigned naux;
	uint64_t aux[MAXAUX][2];
};

struct stk {
	uint8_t *buf;
	size_t len;
	uint64_t top;
};

/* The buffer's bytes at va, checking that [va, va + n) is inside [lo, top). */
static const uint8_t *at(const struct stk *s, uint64_t lo, uint64_t va, size_t n)
{
	assert_true(va >= lo && va <= s->top && n <= s->top - va);
	return s->buf + (va - (s->top - s->len));
}

static uint64_t u64_at(const struct stk *s, uint64_t lo, uint64_t va)
{
	uint64_t v;

	memcpy(&v, at(s, lo, va, 8), 8);
	return v;
}

/* A string at va, which must end before top. */
static const char *str_at(const struct stk *s, uint64_t lo, uint64_t va)
{
	const char *p = (const char *)at(s, lo, va, 1);

	assert_non_null(memchr(p, 0, (size_t)(s->top - va)));
	return p;
}

/* Reads the stack at sp back as glibc's _start does. */
static void read_back(const struct stk *s, uint64_t sp, struct seen *w)
{
	uint64_t p;

	memset(w, 0, sizeof(*w));
	assert_int_equal(sp % 16, 0);
	w->argc = u64_at(s, sp, sp);
	assert_true(w->argc < MAXV);
	p = sp + 8;
	for (uint64_t i = 0; i < w->argc; i++, p += 8)
		w->argv[i] = str_at(s, sp, u64_at(s, sp, p));
	assert_int_equal(u64_at(s, sp, p), 0);
	for (p += 8; u64_at(s, sp, p) != 0; p += 8) {
		assert_true(w->envc < MAXV);
		w->envp[w->envc++] = str_at(s, sp, u64_at(s, sp, p));
	}
	for (p += 8;; p += 16) {
		assert_true(w->naux < MAXAUX);
		w->aux[w->naux][0] = u64_at(s, sp, p);
		w->aux[w->naux][1] = u64_at(s, sp, p + 8);
		if (w->aux[w->naux++][0] == LX_AT_NULL)
			break;
	}
}

/* The value of auxv tag in w; fails if absent. */
static uint64_t aux(const struct seen *w, uint64_t tag)
{
	for (unsigned i = 0; i < w->naux; i++)
		if (w->aux[i][0] == tag)
			return w->aux[i][1];
	fail_msg("no auxv tag %llu", (unsigned long long)tag);
	return 0;
}

static struct lx_auxv sample_auxv(void)
{
	struct lx_auxv a = {
	    .phdr = 0x400040,
	    .phent = 56,
	    .phnum = 10,
	    .pagesz = 4096,
	    .base = 0x7f0000000000,
	    .entry = 0x40ebf0,
	    .hwcap = 0x178bfbff,
	    .hwcap2 = 2,
	    .clktck = 100,
	    .uid = 1000,
	    .euid = 1001,
	    .gid = 1002,
	    .egid = 1003,
	    .secure = 0,
	    .minsigstksz = 3376,
	    .execfn = "/bin/busybox",
	};

	for (int i = 0; i < 16; i++)
		a.random[i] = (uint8_t)(0xa0 + i);
	return a;
}

static struct stk new_stack(size_t len, uint64_t top)
{
	struct stk s = {malloc(len), len, top};

	assert_non_null(s.buf);
	memset(s.buf, 0xaa, len);
	return s;
}

static void test_layout(void **state)
{
	static const char *const argv[] = {"busybox", "sh", "-c", "echo hi", NULL};
	static const char *const envp[] = {"PATH=/bin", "HOME=/", "TERM=vt100", NULL};
	struct lx_auxv a = sample_auxv();
	struct stk s = new_stack(SLEN, TOP);
	static struct seen w;
	uint64_t sp = 0, rnd, plat, fn;

	(void)state;
	assert_int_equal(lx_stack_build(s.buf, s.len, s.top, argv, envp, &a, &sp), 0);
	read_back(&s, sp, &w);
	assert_int_equal(w.argc, 4);
	for (int i = 0; i < 4; i++)
		assert_string_equal(w.argv[i], argv[i]);
	assert_int_equal(w.envc, 3);
	for (int i = 0; i < 3; i++)
		assert_string_equal(w.envp[i], envp[i]);
	assert_int_equal(aux(&w, LX_AT_PHDR), a.phdr);
	assert_int_equal(aux(&w, LX_AT_PHENT), 56);
	assert_int_equal(aux(&w, LX_AT_PHNUM), 10);
	assert_int_equal(aux(&w, LX_AT_PAGESZ), 4096);
	assert_int_equal(aux(&w, LX_AT_BASE), a.base);
	assert_int_equal(aux(&w, LX_AT_FLAGS), 0);
	assert_int_equal(aux(&w, LX_AT_ENTRY), a.entry);
	assert_int_equal(aux(&w, LX_AT_HWCAP), a.hwcap);
	assert_int_equal(aux(&w, LX_AT_HWCAP2), a.hwcap2);
	assert_int_equal(aux(&w, LX_AT_CLKTCK), 100);
	assert_int_equal(aux(&w, LX_AT_UID), 1000);
	assert_int_equal(aux(&w, LX_AT_EUID), 1001);
	assert_int_equal(aux(&w, LX_AT_GID), 1002);
	assert_int_equal(aux(&w, LX_AT_EGID), 1003);
	assert_int_equal(aux(&w, LX_AT_SECURE), 0);
	assert_int_equal(aux(&w, LX_AT_MINSIGSTKSZ), 3376);
	rnd = aux(&w, LX_AT_RANDOM);
	assert_memory_equal(at(&s, sp, rnd, 16), a.random, 16);
	plat = aux(&w, LX_AT_PLATFORM);
	assert_string_equal(str_at(&s, sp, plat), "x86_64");
	fn = aux(&w, LX_AT_EXECFN);
	assert_string_equal(str_at(&s, sp, fn), "/bin/busybox");
	/* The shape: strings contiguous up to execfn, which ends 8 below the top. */
	assert_int_equal(fn + strlen("/bin/busybox") + 1 + 8, TOP);
	assert_int_equal(u64_at(&s, sp, TOP - 8), 0);
	assert_true((const char *)w.envp[2] + strlen(envp[2]) + 1 == str_at(&s, sp, fn));
	for (int i = 0; i < 3; i++)
		assert_ptr_equal(w.argv[i] + strlen(w.argv[i]) + 1, w.argv[i + 1]);
	assert_ptr_equal(w.argv[3] + strlen(w.argv[3]) + 1, w.envp[0]);
	assert_int_equal(rnd + 16, plat);
	assert_true(plat + 7 <=
		    (uint64_t)(s.top - s.len) + (uint64_t)((const uint8_t *)w.argv[0] - s.buf));
	assert_int_equal(w.aux[w.naux - 1][1], 0);
	/* Nothing below sp was touched. */
	for (uint64_t va = TOP - SLEN; va < sp; va++)
		assert_int_equal(s.buf[va - (TOP - SLEN)], 0xaa);
	free(s.buf);
}

/* Our auxv's tags, in order. */
static unsigned our_tags(uint64_t *tags)
{
	static const char *const argv[] = {"x", NULL};
	struct lx_auxv a = sample_auxv();
	struct stk s = new_stack(SLEN, TOP);
	static struct seen w;
	uint64_t sp;

	assert_int_equal(lx_stack_build(s.buf, s.len, s.top, argv, NULL, &a, &sp), 0);
	read_back(&s, sp, &w);
	for (unsigned i = 0; i < w.naux; i++)
		tags[i] = w.aux[i][0];
	free(s.buf);
	return w.naux;
}

/* The host kernel's auxv for this process, less what we document leaving
 * out (the vDSO, rseq's two, and anything we never emit). */
static void test_auxv_order_is_linux(void **state)
{
	uint64_t mine[MAXAUX], pair[2], theirs[64];
	unsigned n = our_tags(mine), m = 0;
	FILE *f = fopen("/proc/self/auxv", "rb");

	(void)state;
	assert_non_null(f);
	while (m < 64 && fread(pair, sizeof(pair), 1, f) == 1) {
		uint64_t t = pair[0];

		if (t == LX_AT_SYSINFO_EHDR || t == LX_AT_RSEQ_FEATURE_SIZE ||
		    t == LX_AT_RSEQ_ALIGN || t == LX_AT_EXECFD || t == LX_AT_BASE_PLATFORM)
			continue;
		theirs[m++] = t;
		if (t == LX_AT_NULL)
			break;
	}
	fclose(f);
	if (n != m || memcmp(mine, theirs, n * sizeof(uint64_t)) != 0) {
		for (unsigned i = 0; i < (n > m ? n : m); i++)
			print_message("# %u: ours %lld, Linux's %lld\n", i,
				      i < n ? (long long)mine[i] : -1LL,
				      i < m ? (long long)theirs[i] : -1LL);
		fail_msg("the auxv order differs from the host kernel's");
	}
}

/* This process's own stack, as Linux built it, has the shape ours has. */
static void test_host_stack_shape(void **state)
{
	const char *fn = (const char *)getauxval(AT_EXECFN);
	const char *plat = (const char *)getauxval(AT_PLATFORM);
	const uint8_t *rnd = (const uint8_t *)getauxval(AT_RANDOM);
	const char *p;
	char **v;

	(void)state;
	assert_non_null(host_argv);
	assert_non_null(fn);
	assert_non_null(plat);
	assert_string_equal(plat, "x86_64");
	assert_ptr_equal(rnd + 16, (const uint8_t *)plat);
	p = host_argv[0];
	for (v = host_argv; *v; v++) {
		assert_ptr_equal(*v, p);
		p += strlen(p) + 1;
	}
	for (v = host_envp; *v; v++) {
		if (*v != p)
			break; /* something changed the environment: stop at the kernel's part */
		p += strlen(p) + 1;
	}
	if (*v == NULL)
		assert_ptr_equal(p, fn);
	assert_int_equal(((uintptr_t)fn + strlen(fn) + 1 + 8) % 4096, 0);
	assert_true((const char *)plat + 7 <= host_argv[0]);
}

static void test_empty_argv(void **state)
{
	static const char *const none[] = {NULL};
	struct lx_auxv a = sample_auxv();
	struct stk s = new_stack(SLEN, TOP);
	static struct seen w;
	uint64_t sp;

	(void)state;
	assert_int_equal(lx_stack_build(s.buf, s.len, s.top, NULL, NULL, &a, &sp), 0);
	read_back(&s, sp, &w);
	assert_int_equal(w.argc, 1);
	assert_string_equal(w.argv[0], "");
	assert_int_equal(w.envc, 0);
	assert_int_equal(lx_stack_build(s.buf, s.len, s.top, none, none, &a, &sp), 0);
	read_back(&s, sp, &w);
	assert_int_equal(w.argc, 1);
	assert_string_equal(w.argv[0], "");
	free(s.buf);
}

static void test_no_execfn(void **state)
{
	static const char *const argv[] = {"a", NULL};
	struct lx_auxv a = sample_auxv();
	struct stk s = new_stack(SLEN, TOP);
	static struct seen w;
	uint64_t sp;

	(void)state;
	a.execfn = NULL;
	assert_int_equal(lx_stack_build(s.buf, s.len, s.top, argv, NULL, &a, &sp), 0);
	read_back(&s, sp, &w);
	for (unsigned i = 0; i < w.naux; i++)
		assert_true(w.aux[i][0] != LX_AT_EXECFN);
	assert_int_equal((uint64_t)(w.argv[0] - (const char *)s.buf) + (TOP - SLEN) + 2 + 8, TOP);
	free(s.buf);
}

/* Every mix of counts and string lengths lands rsp on 16 and reads back. */
static void test_alignment(void **state)
{
	static const char *const words[] = {"", "a", "bb", "ccc", "dddddddd", "eeeeeeeeeeeeeee"};
	const char *argv[8], *envp[8];
	struct lx_auxv a = sample_auxv();
	struct stk s = new_stack(SLEN, TOP);
	static struct seen w;

	(void)state;
	for (unsigned na = 1; na <= 6; na++) {
		for (unsigned ne = 0; ne <= 5; ne++) {
			for (unsigned k = 0; k < 6; k++) {
				uint64_t sp;

				for (unsigned i = 0; i < na; i++)
					argv[i] = words[(i + k) % 6];
				argv[na] = NULL;
				for (unsigned i = 0; i < ne; i++)
					envp[i] = words[(i * 5 + k) % 6];
				envp[ne] = NULL;
				a.execfn = words[k];
				assert_int_equal(
				    lx_stack_build(s.buf, s.len, s.top, argv, envp, &a, &sp), 0);
				read_back(&s, sp, &w);
				assert_int_equal(w.argc, na);
				assert_int_equal(w.envc, ne);
				for (unsigned i = 0; i < na; i++)
					assert_string_equal(w.argv[i], argv[i]);
				for (unsigned i = 0; i < ne; i++)
					assert_string_equal(w.envp[i], envp[i]);
			}
		}
	}
	free(s.buf);
}

static void test_strings_limit(void **state)
{
	char *big = malloc(LX_STACK_STRINGS_MAX + 1);
	const char *argv[3] = {big, NULL, NULL};
	struct lx_auxv a = sample_auxv();
	struct stk s = new_stack(LX_STACK_STRINGS_MAX + 64 * 1024, TOP);
	uint64_t sp = 7;

	(void)state;
	assert_non_null(big);
	memset(big, 'x', LX_STACK_STRINGS_MAX + 1);
	big[LX_STACK_STRINGS_MAX - 1] = '\0'; /* exactly the limit with its NUL */
	assert_int_equal(lx_stack_build(s.buf, s.len, s.top, argv, NULL, &a, &sp), 0);
	big[LX_STACK_STRINGS_MAX - 1] = 'x';
	big[LX_STACK_STRINGS_MAX] = '\0'; /* one more */
	sp = 7;
	assert_int_equal(lx_stack_build(s.buf, s.len, s.top, argv, NULL, &a, &sp), -LX_E2BIG);
	assert_int_equal(sp, 7);
	/* The limit is on argv and envp together. */
	big[LX_STACK_STRINGS_MAX / 2] = '\0';
	argv[1] = big;
	assert_int_equal(lx_stack_build(s.buf, s.len, s.top, argv, argv, &a, &sp), -LX_E2BIG);
	/* An unterminated-looking execfn (longer than PATH_MAX). */
	argv[1] = NULL;
	big[10] = '\0';
	memset(big + 11, 'y', LX_PATH_MAX + 10);
	big[LX_PATH_MAX + 20] = '\0';
	a.execfn = big + 11;
	assert_int_equal(lx_stack_build(s.buf, s.len, s.top, argv, NULL, &a, &sp), -LX_E2BIG);
	free(big);
	free(s.buf);
}

static void test_count_limit(void **state)
{
	static const char *argv[LX_STACK_ARGS_MAX + 2];
	struct lx_auxv a = sample_auxv();
	struct stk s = new_stack(256 * 1024, TOP);
	uint64_t sp;

	(void)state;
	for (unsigned i = 0; i < LX_STACK_ARGS_MAX; i++)
		argv[i] = "";
	argv[LX_STACK_ARGS_MAX] = NULL;
	assert_int_equal(lx_stack_build(s.buf, s.len, s.top, argv, NULL, &a, &sp), 0);
	argv[LX_STACK_ARGS_MAX] = "";
	argv[LX_STACK_ARGS_MAX + 1] = NULL;
	assert_int_equal(lx_stack_build(s.buf, s.len, s.top, argv, NULL, &a, &sp), -LX_E2BIG);
	/* argv and envp together. */
	argv[LX_STACK_ARGS_MAX] = NULL;
	assert_int_equal(
	    lx_stack_build(s.buf, s.len, s.top, argv, argv + LX_STACK_ARGS_MAX - 1, &a, &sp),
	    -LX_E2BIG);
	free(s.buf);
}

/* The exact size fits, a byte less does not, and a refusal writes nothing. */
static void test_buffer_too_small(void **state)
{
	static const char *const argv[] = {"prog", "arg", NULL};
	static const char *const envp[] = {"A=1", NULL};
	struct lx_auxv a = sample_auxv();
	struct stk s = new_stack(SLEN, TOP);
	uint64_t sp, need;
	uint8_t *copy = malloc(SLEN);

	(void)state;
	assert_int_equal(lx_stack_build(s.buf, s.len, s.top, argv, envp, &a, &sp), 0);
	need = TOP - sp;
	memset(s.buf, 0xaa, SLEN);
	memcpy(copy, s.buf, SLEN);
	assert_int_equal(lx_stack_build(s.buf + SLEN - need, need, TOP, argv, envp, &a, &sp), 0);
	assert_int_equal(sp, TOP - need);
	memset(s.buf, 0xaa, SLEN);
	assert_int_equal(
	    lx_stack_build(s.buf + SLEN - need + 1, need - 1, TOP, argv, envp, &a, &sp), -LX_E2BIG);
	assert_memory_equal(s.buf, copy, SLEN);
	assert_int_equal(lx_stack_build(s.buf, 0, TOP, argv, envp, &a, &sp), -LX_E2BIG);
	free(copy);
	free(s.buf);
}

static void test_bad_top(void **state)
{
	static const char *const argv[] = {"prog", NULL};
	struct lx_auxv a = sample_auxv();
	struct stk s = new_stack(SLEN, TOP);
	uint64_t sp;

	(void)state;
	assert_int_equal(lx_stack_build(s.buf, s.len, TOP - 8, argv, NULL, &a, &sp), -LX_EINVAL);
	assert_int_equal(lx_stack_build(s.buf, s.len, SLEN - 16, argv, NULL, &a, &sp), -LX_EINVAL);
	/* A stack ending at a low address still works: no wrap in the sums. */
	assert_int_equal(lx_stack_build(s.buf, s.len, SLEN, argv, NULL, &a, &sp), 0);
	assert_true(sp < SLEN && sp % 16 == 0);
	free(s.buf);
}

int main(int argc, char **argv, char **envp)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_layout),	     cmocka_unit_test(test_auxv_order_is_linux),
	    cmocka_unit_test(test_host_stack_shape), cmocka_unit_test(test_empty_argv),
	    cmocka_unit_test(test_no_execfn),	     cmocka_unit_test(test_alignment),
	    cmocka_unit_test(test_strings_limit),    cmocka_unit_test(test_count_limit),
	    cmocka_unit_test(test_buffer_too_small), cmocka_unit_test(test_bad_top),
	};

	(void)argc;
	host_argv = argv;
	host_envp = envp;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
