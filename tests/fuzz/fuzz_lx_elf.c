/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for lx_elf_parse (lib/posix/elf.h).  Besides "no
 * out-of-bounds read" (ASan), every accepted file must keep every promise
 * the header makes, re-checked here independently, and every refusal must
 * be one of the two documented errors with *out zeroed.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "posix/elf.h"
#include "posix/linux.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

#define PG 4096ull

static void check_plan(const struct lx_elf *e, size_t size)
{
	int entry_ok = 0;
	size_t n;

	CHECK(e->type == LX_ET_EXEC || e->type == LX_ET_DYN);
	CHECK(e->phentsize == LX_ELF_PHDR_SIZE && e->phnum >= 1);
	CHECK(e->nsegs >= 1 && e->nsegs <= LX_ELF_SEGS_MAX);
	CHECK(e->lo % PG == 0 && e->hi % PG == 0 && e->lo < e->hi);
	for (unsigned i = 0; i < e->nsegs; i++) {
		const struct lx_seg *s = &e->seg[i];

		CHECK(s->memsz > 0 && s->filesz <= s->memsz);
		CHECK(s->offset <= size && s->filesz <= size - s->offset);
		CHECK((s->vaddr % PG) == (s->offset % PG));
		CHECK(s->vaddr >= e->lo && s->memsz <= e->hi - s->vaddr);
		CHECK(!((s->prot & VX_PROT_WRITE) && (s->prot & VX_PROT_EXEC)));
		CHECK((s->prot & ~(uint32_t)(VX_PROT_READ | VX_PROT_WRITE | VX_PROT_EXEC)) == 0);
		if (i > 0) {
			const struct lx_seg *p = &e->seg[i - 1];

			CHECK((p->vaddr + p->memsz + PG - 1) / PG <= s->vaddr / PG);
		}
		if ((s->prot & VX_PROT_EXEC) && e->entry >= s->vaddr &&
		    e->entry - s->vaddr < s->memsz)
			entry_ok = 1;
	}
	CHECK(entry_ok);
	if (e->type == LX_ET_EXEC)
		CHECK(e->lo >= VX_USER_MIN && e->hi <= VX_MAP_END);
	else
		CHECK(e->hi - e->lo < LX_ELF_DYN_SPAN_MAX);
	n = memchr(e->interp, 0, LX_INTERP_MAX) ? strlen(e->interp) : LX_INTERP_MAX;
	CHECK(n < LX_INTERP_MAX);
	if (e->phdr_vaddr != 0)
		CHECK(e->phdr_vaddr >= e->lo && e->phdr_vaddr < e->hi);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct lx_elf zero;
	struct lx_elf e;
	int rc = lx_elf_parse(data, size, &e);

	if (rc == 0)
		check_plan(&e, size);
	else
		CHECK((rc == -LX_ENOEXEC || rc == -LX_EINVAL) && memcmp(&e, &zero, sizeof(e)) == 0);
	return 0;
}
