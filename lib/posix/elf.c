/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ELF64 load plans for Linux programs (see posix/elf.h for the rules).
 * Every read of the file goes through rd16/rd32/rd64 at an offset already
 * proven to lie inside it.
 */
#include "posix/elf.h"
#include "posix/linux.h"
#include <vx_string.h>

#define PAGE	  ((uint64_t)LX_PAGE_SIZE)
#define PAGE_MASK (PAGE - 1)

/* Little-endian loads; the caller has checked off + width <= len. */
static uint16_t rd16(const uint8_t *p, size_t off)
{
	return (uint16_t)(p[off] | (uint16_t)p[off + 1] << 8);
}

static uint32_t rd32(const uint8_t *p, size_t off)
{
	return (uint32_t)rd16(p, off) | (uint32_t)rd16(p, off + 2) << 16;
}

static uint64_t rd64(const uint8_t *p, size_t off)
{
	return (uint64_t)rd32(p, off) | (uint64_t)rd32(p, off + 4) << 32;
}

/* Whether [off, off + n) lies inside a file of len bytes. */
static bool in_file(uint64_t off, uint64_t n, size_t len)
{
	return off <= len && n <= len - off;
}

/* Checks the ELF header and the program header table's place; fills the
 * header fields of *e. */
static int check_ehdr(const uint8_t *f, size_t len, struct lx_elf *e)
{
	static const uint8_t ident[7] = {0x7f, 'E', 'L', 'F', 2 /* 64-bit */, 1 /* LE */, 1};

	if (len < LX_ELF_EHDR_SIZE || memcmp(f, ident, sizeof(ident)) != 0 || rd32(f, 20) != 1)
		return -LX_ENOEXEC;
	e->type = rd16(f, 16);
	if ((e->type != LX_ET_EXEC && e->type != LX_ET_DYN) || rd16(f, 18) != LX_EM_X86_64)
		return -LX_ENOEXEC;
	e->entry = rd64(f, 24);
	e->phoff = rd64(f, 32);
	e->phentsize = rd16(f, 54);
	e->phnum = rd16(f, 56);
	if (e->phentsize != LX_ELF_PHDR_SIZE || e->phnum == 0 ||
	    (uint32_t)e->phnum * LX_ELF_PHDR_SIZE > LX_ELF_PHDRS_MAX ||
	    !in_file(e->phoff, (uint64_t)e->phnum * LX_ELF_PHDR_SIZE, len))
		return -LX_ENOEXEC;
	return 0;
}

/* Maps ELF p_flags to VX_PROT_*. */
static uint32_t prot_of(uint32_t flags)
{
	return ((flags & LX_PF_R) ? VX_PROT_READ : 0) | ((flags & LX_PF_W) ? VX_PROT_WRITE : 0) |
	       ((flags & LX_PF_X) ? VX_PROT_EXEC : 0);
}

/* Checks the PT_LOAD at program header ph and appends it to e->seg (unless
 * it is empty). */
static int add_load(const uint8_t *f, size_t len, size_t ph, struct lx_elf *e)
{
	struct lx_seg s = {
	    .offset = rd64(f, ph + 8),
	    .vaddr = rd64(f, ph + 16),
	    .filesz = rd64(f, ph + 32),
	    .memsz = rd64(f, ph + 40),
	    .prot = prot_of(rd32(f, ph + 4)),
	};

	if (!in_file(s.offset, s.filesz, len) || s.filesz > s.memsz)
		return -LX_ENOEXEC;
	if (s.memsz == 0)
		return 0;
	if (((s.vaddr ^ s.offset) & PAGE_MASK) != 0 || s.memsz > UINT64_MAX - PAGE_MASK ||
	    s.vaddr > UINT64_MAX - PAGE_MASK - s.memsz)
		return -LX_ENOEXEC;
	if ((s.prot & VX_PROT_WRITE) && (s.prot & VX_PROT_EXEC))
		return -LX_ENOEXEC;
	if (e->nsegs == LX_ELF_SEGS_MAX)
		return -LX_ENOEXEC;
	if (e->nsegs > 0) {
		const struct lx_seg *prev = &e->seg[e->nsegs - 1];
		uint64_t prev_end = (prev->vaddr + prev->memsz + PAGE_MASK) & ~PAGE_MASK;

		if ((s.vaddr & ~PAGE_MASK) < prev_end)
			return -LX_ENOEXEC;
	}
	e->seg[e->nsegs++] = s;
	return 0;
}

/* Checks PT_INTERP at program header ph and copies its path. */
static int set_interp(const uint8_t *f, size_t len, size_t ph, struct lx_elf *e)
{
	uint64_t off = rd64(f, ph + 8), n = rd64(f, ph + 32);

	if (e->interp[0] != '\0' || !in_file(off, n, len) || n < 2 || n > LX_INTERP_MAX ||
	    f[off + n - 1] != '\0' || f[off] == '\0')
		return -LX_ENOEXEC;
	memcpy(e->interp, f + off, (size_t)n); /* ends in its NUL */
	return 0;
}

/* The segment whose file bytes hold [off, off + n) of the file, or NULL. */
static const struct lx_seg *seg_holding_file(const struct lx_elf *e, uint64_t off, uint64_t n)
{
	for (unsigned i = 0; i < e->nsegs; i++) {
		const struct lx_seg *s = &e->seg[i];

		if (off >= s->offset && off - s->offset <= s->filesz &&
		    n <= s->filesz - (off - s->offset))
			return s;
	}
	return NULL;
}

/* Whether a segment's file bytes are at [va, va + n) in memory. */
static bool loaded_at(const struct lx_elf *e, uint64_t va, uint64_t n)
{
	for (unsigned i = 0; i < e->nsegs; i++) {
		const struct lx_seg *s = &e->seg[i];

		if (va >= s->vaddr && va - s->vaddr <= s->filesz &&
		    n <= s->filesz - (va - s->vaddr))
			return true;
	}
	return false;
}

/* The checks over the whole plan: span, entry, the phdrs' address. */
static int finish(struct lx_elf *e, bool have_phdr, uint64_t phdr_va)
{
	const struct lx_seg *last, *s;
	uint64_t table = (uint64_t)e->phnum * LX_ELF_PHDR_SIZE;
	bool entry_ok = false;

	if (e->nsegs == 0)
		return -LX_ENOEXEC;
	last = &e->seg[e->nsegs - 1];
	e->lo = e->seg[0].vaddr & ~PAGE_MASK;
	e->hi = (last->vaddr + last->memsz + PAGE_MASK) & ~PAGE_MASK;
	for (unsigned i = 0; i < e->nsegs; i++) {
		s = &e->seg[i];
		if ((s->prot & VX_PROT_EXEC) && e->entry >= s->vaddr &&
		    e->entry - s->vaddr < s->memsz)
			entry_ok = true;
	}
	if (!entry_ok)
		return -LX_ENOEXEC;
	if (e->type == LX_ET_EXEC && (e->lo < VX_USER_MIN || e->hi > VX_MAP_END))
		return -LX_EINVAL;
	if (e->type == LX_ET_DYN && e->hi - e->lo >= LX_ELF_DYN_SPAN_MAX)
		return -LX_EINVAL;
	if (have_phdr && loaded_at(e, phdr_va, table))
		e->phdr_vaddr = phdr_va;
	else if ((s = seg_holding_file(e, e->phoff, table)) != NULL)
		e->phdr_vaddr = s->vaddr + (e->phoff - s->offset);
	return 0;
}

/* Every program header in order, then the whole. */
static int parse(const uint8_t *f, size_t len, struct lx_elf *e)
{
	bool have_phdr = false;
	uint64_t phdr_va = 0;
	int rc = check_ehdr(f, len, e);

	for (unsigned i = 0; rc == 0 && i < e->phnum; i++) {
		size_t ph = (size_t)e->phoff + (size_t)i * LX_ELF_PHDR_SIZE;

		switch (rd32(f, ph)) {
		case LX_PT_LOAD:
			rc = add_load(f, len, ph, e);
			break;
		case LX_PT_INTERP:
			rc = set_interp(f, len, ph, e);
			break;
		case LX_PT_PHDR:
			have_phdr = true;
			phdr_va = rd64(f, ph + 16);
			break;
		case LX_PT_GNU_STACK:
			e->exec_stack = (rd32(f, ph + 4) & LX_PF_X) != 0;
			break;
		default:
			break;
		}
	}
	return rc ? rc : finish(e, have_phdr, phdr_va);
}

int lx_elf_parse(const uint8_t *file, size_t len, struct lx_elf *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = parse(file, len, out);
	if (rc != 0)
		memset(out, 0, sizeof(*out));
	return rc;
}
