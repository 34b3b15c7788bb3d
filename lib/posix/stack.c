/* SPDX-License-Identifier: BSD-3-Clause */
/* A Linux process's initial stack (see posix/stack.h for the layout). */
#include "posix/stack.h"
#include "posix/internal.h"
#include "posix/linux.h"
#include <vx_string.h>

#define AUXV_PAIRS_MAX 20u
static const char platform[] = "x86_64";

/* The strings of a NULL-terminated vector: their count and total bytes
 * with the NULs.  Stops counting (returning -LX_E2BIG) past the limits. */
static int measure(const char *const v[], size_t *count, size_t *bytes)
{
	for (size_t i = 0; v && v[i]; i++) {
		size_t n = lx_strnlen(v[i], LX_STACK_STRINGS_MAX + 1) + 1;

		*bytes += n; /* no wrap: both stay below 2 * LX_STACK_STRINGS_MAX + 2 */
		if (++*count > LX_STACK_ARGS_MAX || *bytes > LX_STACK_STRINGS_MAX)
			return -LX_E2BIG;
	}
	return 0;
}

/* Where va lands in buf, which holds [base, base + len). */
struct frame {
	uint8_t *buf;
	uint64_t base;
};

static void put_u64(const struct frame *f, uint64_t va, uint64_t v)
{
	memcpy(f->buf + (va - f->base), &v, sizeof(v));
}

/* Copies n bytes of s below *p, moving *p down; returns its address. */
static uint64_t push_bytes(const struct frame *f, uint64_t *p, const void *s, size_t n)
{
	*p -= n;
	memcpy(f->buf + (*p - f->base), s, n);
	return *p;
}

/* Fills pairs[] with the auxiliary vector; returns the number of pairs. */
static unsigned auxv_pairs(uint64_t pairs[][2], const struct lx_auxv *a, uint64_t random_va,
			   uint64_t execfn_va, uint64_t platform_va)
{
	unsigned n = 0;

#define AUX(tag, val) (pairs[n][0] = (tag), pairs[n][1] = (val), n++)
	AUX(LX_AT_MINSIGSTKSZ, a->minsigstksz);
	AUX(LX_AT_HWCAP, a->hwcap);
	AUX(LX_AT_PAGESZ, a->pagesz);
	AUX(LX_AT_CLKTCK, a->clktck);
	AUX(LX_AT_PHDR, a->phdr);
	AUX(LX_AT_PHENT, a->phent);
	AUX(LX_AT_PHNUM, a->phnum);
	AUX(LX_AT_BASE, a->base);
	AUX(LX_AT_FLAGS, 0);
	AUX(LX_AT_ENTRY, a->entry);
	AUX(LX_AT_UID, a->uid);
	AUX(LX_AT_EUID, a->euid);
	AUX(LX_AT_GID, a->gid);
	AUX(LX_AT_EGID, a->egid);
	AUX(LX_AT_SECURE, a->secure);
	AUX(LX_AT_RANDOM, random_va);
	AUX(LX_AT_HWCAP2, a->hwcap2);
	if (a->execfn)
		AUX(LX_AT_EXECFN, execfn_va);
	AUX(LX_AT_PLATFORM, platform_va);
	AUX(LX_AT_NULL, 0);
#undef AUX
	return n;
}

/* n rounded up to a multiple of 16. */
static uint64_t round16(uint64_t n)
{
	return (n + 15) & ~15ull;
}

int lx_stack_build(uint8_t *buf, size_t len, uint64_t top_va, const char *const argv[],
		   const char *const envp[], const struct lx_auxv *a, uint64_t *sp)
{
	static const char *const empty_argv[] = {"", NULL};
	size_t argc = 0, envc = 0, bytes = 0, execfn_len = 0;
	uint64_t pairs[AUXV_PAIRS_MAX][2], below_strings, need, p, str, random_va, platform_va;
	uint64_t execfn_va = 0;
	struct frame f = {buf, top_va - len};
	unsigned npairs;

	if (top_va % 16 != 0 || top_va < len)
		return -LX_EINVAL;
	if (!argv || !argv[0])
		argv = empty_argv;
	if (measure(argv, &argc, &bytes) || measure(envp, &envc, &bytes) ||
	    argc + envc > LX_STACK_ARGS_MAX)
		return -LX_E2BIG;
	if (a->execfn && (execfn_len = lx_strnlen(a->execfn, LX_PATH_MAX) + 1) > LX_PATH_MAX)
		return -LX_E2BIG;
	/* The size first, as distances below top_va (a multiple of 16), so
	 * that a failure writes nothing: the end marker and the strings,
	 * aligned; platform and random; then the vectors, aligned. */
	below_strings = round16(8 + execfn_len + bytes);
	npairs = auxv_pairs(pairs, a, 0, 0, 0);
	need = round16(below_strings + sizeof(platform) + 16 +
		       8 * (2 * (uint64_t)npairs + argc + 1 + envc + 1 + 1));
	if (need > len)
		return -LX_E2BIG;

	memset(buf + (len - need), 0, (size_t)need);
	p = top_va - 8;
	if (a->execfn)
		execfn_va = push_bytes(&f, &p, a->execfn, execfn_len);
	str = p - bytes; /* the strings go upward from here, argv[0] first */
	p = top_va - below_strings;
	platform_va = push_bytes(&f, &p, platform, sizeof(platform));
	random_va = push_bytes(&f, &p, a->random, sizeof(a->random));
	npairs = auxv_pairs(pairs, a, random_va, execfn_va, platform_va);

	*sp = top_va - need;
	put_u64(&f, *sp, argc);
	p = *sp + 8;
	for (size_t i = 0; i < argc; i++, p += 8) {
		size_t n = strlen(argv[i]) + 1;

		put_u64(&f, p, str);
		memcpy(buf + (str - f.base), argv[i], n);
		str += n;
	}
	p += 8; /* argv's NULL */
	for (size_t i = 0; i < envc; i++, p += 8) {
		size_t n = strlen(envp[i]) + 1;

		put_u64(&f, p, str);
		memcpy(buf + (str - f.base), envp[i], n);
		str += n;
	}
	p += 8; /* envp's NULL */
	memcpy(buf + (p - f.base), pairs, 16 * (size_t)npairs);
	return 0;
}
