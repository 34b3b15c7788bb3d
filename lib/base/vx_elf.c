/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ELF64 validation (see vx_elf.h for the rules and error codes).  Every read
 * of the image goes through rd16/rd32/rd64 at an offset already proven to lie
 * inside the image.
 */
#include "vx_elf.h"
#include "vx_string.h"

#define PAGE_MASK ((uint64_t)VX_PAGE_SIZE - 1)

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

/* Checks the ELF header (64 bytes, present); sets *phoff and *phnum. */
static int check_ehdr(const uint8_t *p, size_t len, uint64_t *phoff, uint32_t *phnum)
{
	static const uint8_t ident[7] = {0x7f, 'E', 'L', 'F', 2 /* 64-bit */, 1 /* LE */, 1};
	uint64_t end;

	if (memcmp(p, ident, sizeof(ident)) != 0)
		return VX_E_CORRUPT;
	if (rd32(p, 20) != 1 || rd16(p, 52) != VX_ELF_EHDR_SIZE || rd16(p, 54) != VX_ELF_PHDR_SIZE)
		return VX_E_CORRUPT;
	if (rd16(p, 18) != VX_ELF_EM_X86_64 || rd16(p, 16) != VX_ELF_ET_EXEC)
		return VX_E_INVAL;
	*phoff = rd64(p, 32);
	*phnum = rd16(p, 56);
	if (*phnum == 0 || *phoff > len)
		return VX_E_CORRUPT;
	end = *phoff + (uint64_t)*phnum * VX_ELF_PHDR_SIZE; /* cannot wrap: both bounded */
	if (end > len)
		return VX_E_CORRUPT;
	return VX_OK;
}

/* Maps ELF p_flags to VX_PROT_*. */
static uint32_t flags_to_prot(uint32_t flags)
{
	uint32_t prot = 0;

	if (flags & VX_ELF_PF_R)
		prot |= VX_PROT_READ;
	if (flags & VX_ELF_PF_W)
		prot |= VX_PROT_WRITE;
	if (flags & VX_ELF_PF_X)
		prot |= VX_PROT_EXEC;
	return prot;
}

/* Checks one PT_LOAD program header at p + off and decodes it into *s. */
static int check_load(const uint8_t *p, size_t len, size_t off, struct vx_elf_seg *s)
{
	uint32_t flags = rd32(p, off + 4);

	s->offset = rd64(p, off + 8);
	s->vaddr = rd64(p, off + 16);
	s->filesz = rd64(p, off + 32);
	s->memsz = rd64(p, off + 40);
	s->prot = flags_to_prot(flags);
	if (s->filesz > s->memsz)
		return VX_E_CORRUPT;
	if (s->offset > len || s->filesz > len - s->offset)
		return VX_E_CORRUPT;
	if (s->memsz == 0)
		return VX_OK; /* occupies nothing; the caller drops it */
	if ((s->vaddr & PAGE_MASK) != (s->offset & PAGE_MASK))
		return VX_E_CORRUPT;
	if (s->vaddr < VX_USER_MIN || s->vaddr >= VX_USER_END || s->memsz > VX_USER_END - s->vaddr)
		return VX_E_RANGE;
	if ((s->prot & VX_PROT_WRITE) && (s->prot & VX_PROT_EXEC))
		return VX_E_RIGHTS;
	return VX_OK;
}

/* True if a and b share a page once each is rounded out to whole pages. */
static int pages_overlap(const struct vx_elf_seg *a, const struct vx_elf_seg *b)
{
	uint64_t a0 = a->vaddr & ~PAGE_MASK, a1 = (a->vaddr + a->memsz + PAGE_MASK) & ~PAGE_MASK;
	uint64_t b0 = b->vaddr & ~PAGE_MASK, b1 = (b->vaddr + b->memsz + PAGE_MASK) & ~PAGE_MASK;

	return a0 < b1 && b0 < a1;
}

/* Checks the decoded segment list as a whole: overlaps and the entry. */
static int check_layout(const struct vx_elf_image *im)
{
	int entry_ok = 0;

	for (uint32_t i = 0; i < im->nseg; i++) {
		const struct vx_elf_seg *s = &im->seg[i];

		for (uint32_t j = i + 1; j < im->nseg; j++) {
			if (pages_overlap(s, &im->seg[j]))
				return VX_E_CORRUPT;
		}
		if ((s->prot & VX_PROT_EXEC) && im->entry >= s->vaddr &&
		    im->entry - s->vaddr < s->memsz)
			entry_ok = 1;
	}
	return entry_ok ? VX_OK : VX_E_CORRUPT;
}

/* Walks the program headers, filling im with the non-empty PT_LOADs. */
static int scan_phdrs(const uint8_t *p, size_t len, uint64_t phoff, uint32_t phnum,
		      struct vx_elf_image *im)
{
	for (uint32_t i = 0; i < phnum; i++) {
		size_t off = (size_t)phoff + (size_t)i * VX_ELF_PHDR_SIZE;
		uint32_t type = rd32(p, off);
		struct vx_elf_seg s;
		int rc;

		if (type == VX_ELF_PT_INTERP || type == VX_ELF_PT_DYNAMIC)
			return VX_E_INVAL;
		if (type != VX_ELF_PT_LOAD)
			continue;
		memset(&s, 0, sizeof(s));
		rc = check_load(p, len, off, &s);
		if (rc != VX_OK)
			return rc;
		if (s.memsz == 0)
			continue;
		if (im->nseg == VX_ELF_MAX_SEGS)
			return VX_E_TOOBIG;
		im->seg[im->nseg++] = s;
	}
	return im->nseg ? VX_OK : VX_E_CORRUPT;
}

int vx_elf_parse(const void *img, size_t len, struct vx_elf_image *out)
{
	const uint8_t *p = img;
	uint64_t phoff;
	uint32_t phnum;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!img || len < VX_ELF_EHDR_SIZE)
		return VX_E_CORRUPT;
	rc = check_ehdr(p, len, &phoff, &phnum);
	if (rc == VX_OK) {
		out->entry = rd64(p, 24);
		rc = scan_phdrs(p, len, phoff, phnum, out);
	}
	if (rc == VX_OK)
		rc = check_layout(out);
	if (rc != VX_OK)
		memset(out, 0, sizeof(*out));
	return rc;
}
