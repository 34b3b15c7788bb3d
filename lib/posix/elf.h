/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A Linux program's ELF file as a load plan, for linuxd's execve.
 *
 * lib/base/vx_elf.h accepts only the native shape (a static ET_EXEC with
 * no interpreter, as lib/rt/user.ld links it).  Debian's programs are
 * more: position-independent executables (ET_DYN) asking for an
 * interpreter, ld-linux-x86-64.so.2 itself (ET_DYN, no interpreter), and
 * static ET_EXECs such as busybox.  lx_elf_parse accepts those and
 * describes them; it never trusts the file: it reads only file[0..len)
 * (through bounds-checked little-endian loads, any alignment) and on
 * success guarantees, for every segment seg[0..nsegs):
 *
 *   offset + filesz <= len, filesz <= memsz, memsz > 0,
 *   vaddr % 4096 == offset % 4096 (so the file's pages map onto it),
 *   vaddr + memsz does not wrap, nor does it rounded up to a page,
 *   prot is never both VX_PROT_WRITE and VX_PROT_EXEC (VectraOS holds
 *     every frame to W^X, so such a segment could never be mapped),
 *   segments are in ascending vaddr order and no two share a page,
 *
 * and for the whole:
 *
 *   lo = seg[0].vaddr rounded down to a page, hi = the last segment's end
 *     rounded up: every segment lies in [lo, hi);
 *   ET_EXEC: VX_USER_MIN <= lo and hi <= VX_MAP_END (0x7ffffffff000): the
 *     addresses are absolute and must be mappable as they stand;
 *   ET_DYN: hi - lo < LX_ELF_DYN_SPAN_MAX (1 TiB); the loader picks a
 *     page-aligned base and adds the bias base - lo to every address
 *     (vaddr, entry, phdr_vaddr);
 *   entry lies inside an executable segment;
 *   interp is "" (no PT_INTERP) or the interpreter's path: 1..255 bytes,
 *     NUL-terminated (PT_INTERP's bytes must end in a NUL; the path stops
 *     at the first);
 *   phdr_vaddr (for AT_PHDR): PT_PHDR's address when a segment's file
 *     bytes hold the whole table there, else the address at which a
 *     segment's file bytes hold e_phoff, else 0 (the table is not loaded);
 *   exec_stack: PT_GNU_STACK asks for an executable stack (x86_64 Linux
 *     gives a non-executable one when PT_GNU_STACK is absent).
 *
 * Program headers other than PT_LOAD, PT_INTERP, PT_PHDR and PT_GNU_STACK
 * (PT_DYNAMIC, PT_TLS, PT_NOTE, PT_GNU_RELRO, ...) are the program's or
 * ld.so's business and are ignored, as Linux ignores them.  PT_LOADs with
 * memsz 0 are dropped after their file range is checked.
 *
 * Errors (the first rule broken wins, header first, then each program
 * header in order):
 *   -LX_ENOEXEC  not an ELF64 little-endian x86_64 ET_EXEC or ET_DYN, or
 *                malformed: bad magic, class, data or version; e_phentsize
 *                not 56; no program headers, or more than
 *                LX_ELF_PHDRS_MAX bytes of them (as Linux refuses), or any
 *                outside the file; a PT_LOAD's file bytes
 *                outside the file, filesz > memsz, vaddr not congruent
 *                with offset, an address that wraps, segments out of order
 *                or sharing a page, a segment both writable and executable,
 *                more than LX_ELF_SEGS_MAX loaded segments, none at all;
 *                a second PT_INTERP, or one outside the file, empty, longer
 *                than LX_INTERP_MAX bytes or not ending in a NUL; the entry
 *                outside every executable segment
 *   -LX_EINVAL   well formed, but its addresses cannot be placed: an
 *                ET_EXEC below VX_USER_MIN or ending above VX_MAP_END, an
 *                ET_DYN spanning LX_ELF_DYN_SPAN_MAX or more
 * On any error *out is zeroed.
 */
#ifndef VX_POSIX_ELF_H
#define VX_POSIX_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vectra/abi.h>

#define LX_ELF_SEGS_MAX	    16u
#define LX_INTERP_MAX	    256u /* the interpreter's path with its NUL */
#define LX_ELF_DYN_SPAN_MAX (1ull << 40)
#define LX_ELF_PHDRS_MAX    4096u /* bytes of program headers: Linux's limit, 73 of them */

/* ELF facts (the gABI and the x86_64 psABI). */
#define LX_ELF_EHDR_SIZE 64u
#define LX_ELF_PHDR_SIZE 56u
#define LX_ET_EXEC	 2u
#define LX_ET_DYN	 3u
#define LX_EM_X86_64	 62u
#define LX_PT_LOAD	 1u
#define LX_PT_DYNAMIC	 2u
#define LX_PT_INTERP	 3u
#define LX_PT_NOTE	 4u
#define LX_PT_PHDR	 6u
#define LX_PT_TLS	 7u
#define LX_PT_GNU_STACK	 0x6474e551u
#define LX_PT_GNU_RELRO	 0x6474e552u
#define LX_PF_X		 1u
#define LX_PF_W		 2u
#define LX_PF_R		 4u

/* One loaded segment: map [vaddr, vaddr + memsz) rounded out to pages with
 * prot, copy filesz bytes from the file at offset to vaddr, zero the rest. */
struct lx_seg {
	uint64_t vaddr;
	uint64_t memsz;
	uint64_t offset;
	uint64_t filesz;
	uint32_t prot; /* VX_PROT_READ | VX_PROT_WRITE | VX_PROT_EXEC */
	uint32_t reserved;
};

struct lx_elf {
	uint16_t type;	    /* LX_ET_EXEC or LX_ET_DYN */
	uint16_t phnum;	    /* AT_PHNUM */
	uint16_t phentsize; /* AT_PHENT: always LX_ELF_PHDR_SIZE */
	uint16_t reserved;
	uint64_t entry;	     /* AT_ENTRY (plus the bias for ET_DYN) */
	uint64_t phoff;	     /* e_phoff */
	uint64_t phdr_vaddr; /* AT_PHDR (plus the bias), 0 if not loaded */
	uint64_t lo, hi;     /* the page-aligned span of every segment */
	unsigned nsegs;	     /* 1..LX_ELF_SEGS_MAX */
	struct lx_seg seg[LX_ELF_SEGS_MAX];
	char interp[LX_INTERP_MAX]; /* "" if none */
	bool exec_stack;
};

/* Validates file[0..len) by the rules above and describes it in *out.
 * Returns 0, -LX_ENOEXEC or -LX_EINVAL. */
int lx_elf_parse(const uint8_t *file, size_t len, struct lx_elf *out);

#endif
