/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for vx_elf_parse.  Besides "no out-of-bounds read"
 * (ASan), every accepted image must satisfy the guarantees vx_elf.h (lib/base) makes.
 */
#include <stddef.h>
#include <stdint.h>

#include "vx_elf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

/* The promises of a successful parse, re-checked independently. */
static void check_image(const struct vx_elf_image *im, size_t size)
{
	int entry_ok = 0;

	CHECK(im->nseg >= 1 && im->nseg <= VX_ELF_MAX_SEGS);
	for (uint32_t i = 0; i < im->nseg; i++) {
		const struct vx_elf_seg *s = &im->seg[i];

		CHECK(s->memsz > 0 && s->filesz <= s->memsz);
		CHECK(s->offset <= size && s->filesz <= size - s->offset);
		CHECK(s->vaddr >= VX_USER_MIN && s->vaddr < VX_USER_END);
		CHECK(s->memsz <= VX_USER_END - s->vaddr);
		CHECK(((s->vaddr ^ s->offset) & (VX_PAGE_SIZE - 1)) == 0);
		CHECK(!((s->prot & VX_PROT_WRITE) && (s->prot & VX_PROT_EXEC)));
		for (uint32_t j = 0; j < im->nseg; j++) {
			const struct vx_elf_seg *t = &im->seg[j];
			uint64_t s_end = (s->vaddr + s->memsz + VX_PAGE_SIZE - 1) / VX_PAGE_SIZE;
			uint64_t t_end = (t->vaddr + t->memsz + VX_PAGE_SIZE - 1) / VX_PAGE_SIZE;

			if (i != j)
				CHECK(s_end <= t->vaddr / VX_PAGE_SIZE ||
				      t_end <= s->vaddr / VX_PAGE_SIZE);
		}
		if ((s->prot & VX_PROT_EXEC) && im->entry >= s->vaddr &&
		    im->entry - s->vaddr < s->memsz)
			entry_ok = 1;
	}
	CHECK(entry_ok);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vx_elf_image im;
	int rc = vx_elf_parse(data, size, &im);

	if (rc == VX_OK)
		check_image(&im, size);
	else
		CHECK(rc == VX_E_CORRUPT || rc == VX_E_INVAL || rc == VX_E_TOOBIG ||
		      rc == VX_E_RANGE || rc == VX_E_RIGHTS);
	return 0;
}
