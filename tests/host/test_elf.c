/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ELF64 parser tests.  Each test builds a valid three-segment image (what
 * lib/rt/user.ld produces), breaks exactly one rule, and checks the named
 * error.  The image buffer is heap-allocated at its exact size so ASan sees
 * any read past it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vx_elf.h"

#define IMG_LEN 0x3100u
#define MAXPH	12

/* The image under construction, as fields; emit() serialises it. */
struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz;
};

struct elf {
	uint8_t ident[16];
	uint16_t type, machine, ehsize, phentsize, phnum;
	uint32_t version;
	uint64_t entry, phoff;
	struct phdr ph[MAXPH];
	size_t len;
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* text at 0x400000 (file 0x1000), rodata at 0x402000 (0x2000), data+bss at 0x403000. */
static struct elf valid(void)
{
	struct elf e;

	memset(&e, 0, sizeof(e));
	memcpy(e.ident, "\177ELF\2\1\1", 7);
	e.type = VX_ELF_ET_EXEC;
	e.machine = VX_ELF_EM_X86_64;
	e.version = 1;
	e.entry = 0x400010;
	e.phoff = 64;
	e.ehsize = 64;
	e.phentsize = 56;
	e.phnum = 3;
	e.ph[0] = (struct phdr){VX_ELF_PT_LOAD, VX_ELF_PF_R | VX_ELF_PF_X, 0x1000, 0x400000, 0x800,
				0x800};
	e.ph[1] = (struct phdr){VX_ELF_PT_LOAD, VX_ELF_PF_R, 0x2000, 0x402000, 0x100, 0x100};
	e.ph[2] = (struct phdr){VX_ELF_PT_LOAD, VX_ELF_PF_R | VX_ELF_PF_W, 0x3000, 0x403000, 0x100,
				0x5000};
	e.len = IMG_LEN;
	return e;
}

/* Serialises e into a fresh exact-size buffer (program headers only if they fit). */
static uint8_t *emit(const struct elf *e)
{
	uint8_t *p = calloc(1, e->len ? e->len : 1);

	assert_non_null(p);
	if (e->len >= 64) {
		memcpy(p, e->ident, 16);
		put16(p + 16, e->type);
		put16(p + 18, e->machine);
		put32(p + 20, e->version);
		put64(p + 24, e->entry);
		put64(p + 32, e->phoff);
		put16(p + 52, e->ehsize);
		put16(p + 54, e->phentsize);
		put16(p + 56, e->phnum);
	}
	for (unsigned i = 0; i < e->phnum && i < MAXPH; i++) {
		uint64_t at = e->phoff + (uint64_t)i * 56;
		uint8_t *q;

		if (e->phoff > e->len || at + 56 > e->len)
			break;
		q = p + at;
		put32(q, e->ph[i].type);
		put32(q + 4, e->ph[i].flags);
		put64(q + 8, e->ph[i].offset);
		put64(q + 16, e->ph[i].vaddr);
		put64(q + 24, e->ph[i].vaddr);
		put64(q + 32, e->ph[i].filesz);
		put64(q + 40, e->ph[i].memsz);
		put64(q + 48, 0x1000);
	}
	return p;
}

/* Parses e and returns the result; on failure also checks *out was zeroed. */
static int parse(const struct elf *e, struct vx_elf_image *out)
{
	uint8_t *p = emit(e);
	int rc = vx_elf_parse(p, e->len, out);

	free(p);
	if (rc != VX_OK) {
		assert_int_equal(out->nseg, 0);
		assert_int_equal(out->entry, 0);
	}
	return rc;
}

static int parse_rc(const struct elf *e)
{
	struct vx_elf_image im;

	return parse(e, &im);
}

static void test_valid_image(void **state)
{
	struct elf e = valid();
	struct vx_elf_image im;

	(void)state;
	assert_int_equal(parse(&e, &im), VX_OK);
	assert_int_equal(im.entry, 0x400010);
	assert_int_equal(im.nseg, 3);
	assert_int_equal(im.seg[0].vaddr, 0x400000);
	assert_int_equal(im.seg[0].prot, VX_PROT_READ | VX_PROT_EXEC);
	assert_int_equal(im.seg[1].prot, VX_PROT_READ);
	assert_int_equal(im.seg[2].prot, VX_PROT_READ | VX_PROT_WRITE);
	assert_int_equal(im.seg[2].filesz, 0x100);
	assert_int_equal(im.seg[2].memsz, 0x5000);
	assert_int_equal(im.seg[2].offset, 0x3000);
}

/* Non-load headers are skipped; empty PT_LOADs are ignored; 8 loads are fine. */
static void test_valid_variants(void **state)
{
	struct elf e = valid();
	struct vx_elf_image im;

	(void)state;
	e.phnum = 5;
	e.ph[3] =
	    (struct phdr){0x6474e551 /* PT_GNU_STACK */, VX_ELF_PF_R | VX_ELF_PF_W, 0, 0, 0, 0};
	e.ph[4] = (struct phdr){VX_ELF_PT_LOAD, VX_ELF_PF_R, 0, 0, 0, 0}; /* empty */
	assert_int_equal(parse(&e, &im), VX_OK);
	assert_int_equal(im.nseg, 3);

	e = valid();
	e.phnum = 8;
	for (unsigned i = 3; i < 8; i++)
		e.ph[i] = (struct phdr){VX_ELF_PT_LOAD,		VX_ELF_PF_R, 0x2000,
					0x500000 + i * 0x10000, 0x10,	     0x10};
	assert_int_equal(parse(&e, &im), VX_OK);
	assert_int_equal(im.nseg, 8);

	e = valid(); /* a bss-only segment with filesz 0 at the end of the file */
	e.ph[2].filesz = 0;
	e.ph[2].offset = 0x3000;
	e.len = 0x3000;
	assert_int_equal(parse(&e, &im), VX_OK);
}

static void test_too_short(void **state)
{
	struct elf e = valid();

	(void)state;
	e.len = 63;
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
	e.len = 0;
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
	assert_int_equal(vx_elf_parse(NULL, 100, &(struct vx_elf_image){0}), VX_E_CORRUPT);
}

static void test_bad_magic(void **state)
{
	struct elf e = valid();

	(void)state;
	e.ident[1] = 'e';
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
}

static void test_bad_class(void **state)
{
	struct elf e = valid();

	(void)state;
	e.ident[4] = 1; /* ELFCLASS32 */
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
}

static void test_bad_endianness(void **state)
{
	struct elf e = valid();

	(void)state;
	e.ident[5] = 2; /* big-endian */
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
}

static void test_bad_version(void **state)
{
	struct elf e = valid();

	(void)state;
	e.ident[6] = 0;
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
	e = valid();
	e.version = 2;
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
}

static void test_bad_machine(void **state)
{
	struct elf e = valid();

	(void)state;
	e.machine = 183; /* EM_AARCH64 */
	assert_int_equal(parse_rc(&e), VX_E_INVAL);
}

static void test_bad_type(void **state)
{
	struct elf e = valid();

	(void)state;
	e.type = 3; /* ET_DYN */
	assert_int_equal(parse_rc(&e), VX_E_INVAL);
	e.type = 1; /* ET_REL */
	assert_int_equal(parse_rc(&e), VX_E_INVAL);
}

static void test_bad_ehsize(void **state)
{
	struct elf e = valid();

	(void)state;
	e.ehsize = 52;
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
}

static void test_bad_phentsize(void **state)
{
	struct elf e = valid();

	(void)state;
	e.phentsize = 64;
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
	e.phentsize = 32;
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
}

static void test_phoff_out_of_image(void **state)
{
	struct elf e = valid();

	(void)state;
	e.phoff = IMG_LEN;
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
	e.phoff = IMG_LEN - 56 * 3 + 1; /* last header straddles the end */
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
}

static void test_phoff_overflow(void **state)
{
	struct elf e = valid();

	(void)state;
	e.phoff = UINT64_MAX - 10;
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
	e.phoff = UINT64_MAX - 56 * 3 + 1;
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
}

static void test_phnum_out_of_image(void **state)
{
	struct elf e = valid();

	(void)state;
	e.phnum = 0xffff;
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
	e.phnum = 0;
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
}

static void test_no_pt_load(void **state)
{
	struct elf e = valid();

	(void)state;
	for (int i = 0; i < 3; i++)
		e.ph[i].type = 0; /* PT_NULL */
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
}

static void test_too_many_pt_load(void **state)
{
	struct elf e = valid();

	(void)state;
	e.phnum = 9;
	for (unsigned i = 3; i < 9; i++)
		e.ph[i] = (struct phdr){VX_ELF_PT_LOAD,		VX_ELF_PF_R, 0x2000,
					0x500000 + i * 0x10000, 0x10,	     0x10};
	assert_int_equal(parse_rc(&e), VX_E_TOOBIG);
}

static void test_filesz_gt_memsz(void **state)
{
	struct elf e = valid();

	(void)state;
	e.ph[1].memsz = e.ph[1].filesz - 1;
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
}

static void test_file_bytes_beyond_image(void **state)
{
	struct elf e = valid();

	(void)state;
	e.ph[2].filesz = IMG_LEN - 0x3000 + 1;
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
	e = valid();
	e.ph[1].offset = 0x4000; /* congruent, but past the end */
	e.ph[1].vaddr = 0x404000 + 0x10000;
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
}

static void test_file_bytes_wrap(void **state)
{
	struct elf e = valid();

	(void)state;
	e.ph[1].offset = 0xfffffffffffff000ull; /* offset + filesz wraps to a small number */
	e.ph[1].filesz = 0x2000;
	e.ph[1].memsz = 0x2000;
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
}

static void test_vaddr_not_congruent(void **state)
{
	struct elf e = valid();

	(void)state;
	e.ph[1].vaddr += 8;
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
}

static void test_segment_below_user_min(void **state)
{
	struct elf e = valid();

	(void)state;
	e.ph[1].vaddr = 0x2000; /* null-trap region */
	assert_int_equal(parse_rc(&e), VX_E_RANGE);
	e.ph[1].vaddr = VX_BUNDLE_VADDR; /* over the Bundle page */
	e.ph[1].offset = 0x1000;
	assert_int_equal(parse_rc(&e), VX_E_RANGE);
}

static void test_segment_in_kernel_half(void **state)
{
	struct elf e = valid();

	(void)state;
	e.ph[1].vaddr = 0xffffffff80002000ull;
	assert_int_equal(parse_rc(&e), VX_E_RANGE);
	e.ph[1].vaddr = VX_USER_END;
	assert_int_equal(parse_rc(&e), VX_E_RANGE);
}

static void test_segment_end_past_user_end(void **state)
{
	struct elf e = valid();

	(void)state;
	e.ph[1].vaddr = VX_USER_END - 0x1000;
	e.ph[1].memsz = 0x1001;
	assert_int_equal(parse_rc(&e), VX_E_RANGE);
	e.ph[1].memsz = 0x1000; /* ends exactly at VX_USER_END: fine */
	assert_int_equal(parse_rc(&e), VX_OK);
}

static void test_segment_wraps(void **state)
{
	struct elf e = valid();

	(void)state;
	e.ph[1].memsz = UINT64_MAX - 0x1000;
	assert_int_equal(parse_rc(&e), VX_E_RANGE);
}

static void test_segments_overlap(void **state)
{
	struct elf e = valid();

	(void)state;
	e.ph[0].memsz = 0x1800;	  /* text covers pages 0x400000 and 0x401000 */
	e.ph[1].vaddr = 0x401000; /* rodata starts on text's last page */
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
	e = valid();
	e.ph[1].vaddr = 0x400000; /* identical */
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
	e = valid();
	e.ph[0].memsz = 0x2001; /* text runs one byte into rodata's page */
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
	e = valid();
	e.ph[2].vaddr = 0x3ff000; /* data's bss covers everything */
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
}

static void test_segments_share_page_after_rounding(void **state)
{
	struct elf e = valid();

	(void)state;
	/* rodata ends at 0x402100; a segment starting at 0x402800 shares that page. */
	e.phnum = 4;
	e.ph[3] = (struct phdr){VX_ELF_PT_LOAD, VX_ELF_PF_R, 0x2800, 0x402800, 0x10, 0x10};
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
}

static void test_write_and_exec(void **state)
{
	struct elf e = valid();

	(void)state;
	e.ph[0].flags = VX_ELF_PF_R | VX_ELF_PF_W | VX_ELF_PF_X;
	assert_int_equal(parse_rc(&e), VX_E_RIGHTS);
	e = valid();
	e.ph[2].flags = VX_ELF_PF_W | VX_ELF_PF_X;
	assert_int_equal(parse_rc(&e), VX_E_RIGHTS);
}

static void test_entry_outside_segments(void **state)
{
	struct elf e = valid();

	(void)state;
	e.entry = 0x400800; /* one past text */
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
	e.entry = 0;
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
	e.entry = 0x3fffff;
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
}

static void test_entry_in_non_exec_segment(void **state)
{
	struct elf e = valid();

	(void)state;
	e.entry = 0x402010; /* rodata */
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
	e.entry = 0x403010; /* data */
	assert_int_equal(parse_rc(&e), VX_E_CORRUPT);
}

static void test_interp_or_dynamic(void **state)
{
	struct elf e = valid();

	(void)state;
	e.phnum = 4;
	e.ph[3] = (struct phdr){VX_ELF_PT_INTERP, VX_ELF_PF_R, 0x2000, 0x402000, 0x10, 0x10};
	assert_int_equal(parse_rc(&e), VX_E_INVAL);
	e.ph[3].type = VX_ELF_PT_DYNAMIC;
	assert_int_equal(parse_rc(&e), VX_E_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_image),
	    cmocka_unit_test(test_valid_variants),
	    cmocka_unit_test(test_too_short),
	    cmocka_unit_test(test_bad_magic),
	    cmocka_unit_test(test_bad_class),
	    cmocka_unit_test(test_bad_endianness),
	    cmocka_unit_test(test_bad_version),
	    cmocka_unit_test(test_bad_machine),
	    cmocka_unit_test(test_bad_type),
	    cmocka_unit_test(test_bad_ehsize),
	    cmocka_unit_test(test_bad_phentsize),
	    cmocka_unit_test(test_phoff_out_of_image),
	    cmocka_unit_test(test_phoff_overflow),
	    cmocka_unit_test(test_phnum_out_of_image),
	    cmocka_unit_test(test_no_pt_load),
	    cmocka_unit_test(test_too_many_pt_load),
	    cmocka_unit_test(test_filesz_gt_memsz),
	    cmocka_unit_test(test_file_bytes_beyond_image),
	    cmocka_unit_test(test_file_bytes_wrap),
	    cmocka_unit_test(test_vaddr_not_congruent),
	    cmocka_unit_test(test_segment_below_user_min),
	    cmocka_unit_test(test_segment_in_kernel_half),
	    cmocka_unit_test(test_segment_end_past_user_end),
	    cmocka_unit_test(test_segment_wraps),
	    cmocka_unit_test(test_segments_overlap),
	    cmocka_unit_test(test_segments_share_page_after_rounding),
	    cmocka_unit_test(test_write_and_exec),
	    cmocka_unit_test(test_entry_outside_segments),
	    cmocka_unit_test(test_entry_in_non_exec_segment),
	    cmocka_unit_test(test_interp_or_dynamic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
