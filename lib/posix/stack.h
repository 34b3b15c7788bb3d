/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A Linux process's initial stack, built exactly as Linux's execve builds
 * it for an ELF program on x86_64 (fs/binfmt_elf.c, create_elf_tables),
 * so that glibc's start-up and ld.so find everything where they look.
 *
 * From the top of the stack down:
 *
 *   top - 8        8 zero bytes
 *                  the AT_EXECFN string (if a->execfn is not NULL)
 *                  the envp strings, envp[0] lowest, each with its NUL
 *                  the argv strings, argv[0] lowest, each with its NUL
 *                  (so the strings are contiguous: argv[0] ... envp[n-1])
 *                  padding down to a multiple of 16
 *                  "x86_64\0", AT_PLATFORM's string (7 bytes)
 *                  the 16 AT_RANDOM bytes, just below it
 *                  padding down to a multiple of 16 from where rsp lands
 *                  the auxv pairs (tag, value), ending with AT_NULL, 0
 *                  NULL, envp[n-1] ... envp[0]
 *                  NULL, argv[argc-1] ... argv[0]
 *   rsp (*sp) ->   argc            (rsp % 16 == 0, as the ABI requires at
 *                                   the entry point)
 *
 * The auxiliary vector is Linux's, in Linux's order, less what a
 * personality without a vDSO cannot give: AT_MINSIGSTKSZ, AT_HWCAP,
 * AT_PAGESZ, AT_CLKTCK, AT_PHDR, AT_PHENT, AT_PHNUM, AT_BASE, AT_FLAGS (0),
 * AT_ENTRY, AT_UID, AT_EUID, AT_GID, AT_EGID, AT_SECURE, AT_RANDOM,
 * AT_HWCAP2, AT_EXECFN (if a->execfn), AT_PLATFORM, AT_NULL.  There is no
 * AT_SYSINFO_EHDR (glibc then makes real syscalls for clock_gettime and
 * friends) and no AT_RSEQ_FEATURE_SIZE/ALIGN (glibc then assumes the
 * original 32-byte rseq area).  Linux moves the stack down by a random
 * amount below the strings (arch_align_stack); this does not: the layout
 * is a pure function of the arguments.
 *
 * As Linux does since 5.18, an empty argv (NULL, or argv[0] NULL) is given
 * to the program as argc 1 with argv[0] "".
 */
#ifndef VX_POSIX_STACK_H
#define VX_POSIX_STACK_H

#include <stddef.h>
#include <stdint.h>

#define LX_STACK_STRINGS_MAX (128u * 1024u) /* argv's and envp's bytes with their NULs */
#define LX_STACK_ARGS_MAX    4096u	    /* argc + the number of envp strings */

/* What the auxiliary vector says; the caller knows it from the ELF load
 * plan (posix/elf.h) and the process's credentials. */
struct lx_auxv {
	uint64_t phdr;	 /* AT_PHDR: the program's (not ld.so's) headers, biased */
	uint64_t phent;	 /* AT_PHENT: 56 */
	uint64_t phnum;	 /* AT_PHNUM */
	uint64_t pagesz; /* AT_PAGESZ: 4096 */
	uint64_t base;	 /* AT_BASE: where ld.so was loaded, 0 for a static program */
	uint64_t entry;	 /* AT_ENTRY: the program's entry, biased (not ld.so's) */
	uint64_t hwcap;	 /* AT_HWCAP: CPUID 1's EDX */
	uint64_t hwcap2; /* AT_HWCAP2 */
	uint64_t clktck; /* AT_CLKTCK: times()'s ticks a second, 100 */
	uint64_t uid, euid, gid, egid;
	uint64_t secure;      /* AT_SECURE */
	uint64_t minsigstksz; /* AT_MINSIGSTKSZ: the signal frame's size */
	uint8_t random[16];   /* AT_RANDOM's bytes: glibc's stack guard and pointer key */
	const char *execfn;   /* AT_EXECFN: the path execve was given; NULL: none */
};

/*
 * Builds the stack above into buf, which is the memory the process will
 * see at [top_va - len, top_va), and sets *sp to the rsp the program must
 * start with.  argv and envp are NULL-terminated arrays of NUL-terminated
 * strings (either may be NULL: empty); they and a are only read, each of
 * their strings at most LX_STACK_STRINGS_MAX + 1 bytes far, a->execfn at
 * most LX_PATH_MAX.  Only the
 * bytes from *sp up to top_va are written (gaps zeroed); the rest of buf
 * is left as it was.
 *
 * Returns 0; -LX_E2BIG if the argv and envp strings take more than
 * LX_STACK_STRINGS_MAX bytes, there are more than LX_STACK_ARGS_MAX of
 * them, a->execfn is LX_PATH_MAX bytes or longer, or the whole does not
 * fit in len bytes (execve's own answer);
 * -LX_EINVAL if top_va is not a multiple of 16 or is below len.  On an
 * error nothing is written and *sp is unchanged.
 */
int lx_stack_build(uint8_t *buf, size_t len, uint64_t top_va, const char *const argv[],
		   const char *const envp[], const struct lx_auxv *a, uint64_t *sp);

#endif
