/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ELF64 parser for loading programs in user land (init, a shell's spawn).
 *
 * The image is untrusted: vx_elf_parse reads only img[0..len) (through
 * bounds-checked little-endian loads; img needs no alignment) and accepts
 * only the shape lib/rt/user.ld produces: a static x86_64 ET_EXEC with 1..8
 * non-empty PT_LOAD segments (empty ones, memsz 0, are dropped after the
 * file-range checks).  On success every segment satisfies:
 *
 *   offset + filesz <= len, filesz <= memsz, vaddr % 4096 == offset % 4096,
 *   VX_USER_MIN <= vaddr, vaddr + memsz <= VX_USER_END (no wrap),
 *   not both writable and executable,
 *   no two segments share a page (after rounding out to pages),
 *
 * and entry lies inside an executable segment.  The loader maps
 * [vaddr rounded down, vaddr + memsz rounded up) with prot, copies filesz
 * bytes from img + offset to vaddr and zeroes the rest.
 *
 * Errors (the first rule broken wins, in header-then-segment order):
 *   VX_E_CORRUPT  not a well-formed ELF64 little-endian image: bad magic,
 *                 class, data encoding, ident or e_version, e_ehsize != 64,
 *                 e_phentsize != 56, program headers outside the image or
 *                 overflowing, no PT_LOAD, filesz > memsz, file bytes
 *                 outside the image or wrapping, vaddr not congruent with
 *                 offset modulo the page, overlapping segments, entry not in
 *                 an executable segment
 *   VX_E_INVAL    well formed but not loadable here: e_machine not
 *                 EM_X86_64, e_type not ET_EXEC, a PT_INTERP or PT_DYNAMIC
 *   VX_E_TOOBIG   more than VX_ELF_MAX_SEGS non-empty PT_LOAD segments
 *   VX_E_RANGE    a segment outside [VX_USER_MIN, VX_USER_END) or wrapping
 *   VX_E_RIGHTS   a segment both writable and executable (W^X)
 * On any error *out is zeroed.
 */
#ifndef VX_BASE_ELF_H
#define VX_BASE_ELF_H

#include <stddef.h>
#include <stdint.h>
#include <vectra/abi.h>

#define VX_ELF_MAX_SEGS 8u

struct vx_elf_seg {
	uint64_t vaddr;
	uint64_t memsz;
	uint64_t filesz;
	uint64_t offset;
	uint32_t prot; /* VX_PROT_READ | VX_PROT_WRITE | VX_PROT_EXEC */
	uint32_t reserved;
};

struct vx_elf_image {
	uint64_t entry;
	uint32_t nseg; /* 1..VX_ELF_MAX_SEGS, in program-header order */
	uint32_t reserved;
	struct vx_elf_seg seg[VX_ELF_MAX_SEGS];
};

/* Validates img[0..len) as above and describes it in *out. */
int vx_elf_parse(const void *img, size_t len, struct vx_elf_image *out);

/* ELF constants the parser and tests share. */
#define VX_ELF_EHDR_SIZE  64u
#define VX_ELF_PHDR_SIZE  56u
#define VX_ELF_ET_EXEC	  2u
#define VX_ELF_EM_X86_64  62u
#define VX_ELF_PT_LOAD	  1u
#define VX_ELF_PT_DYNAMIC 2u
#define VX_ELF_PT_INTERP  3u
#define VX_ELF_PF_X	  1u
#define VX_ELF_PF_W	  2u
#define VX_ELF_PF_R	  4u

#endif
