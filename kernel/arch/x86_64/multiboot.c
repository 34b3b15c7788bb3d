/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reads what the boot loader tells us (Multiboot 1 from QEMU -kernel,
 * Multiboot 2 from GRUB) into one struct boot_info: usable RAM, boot
 * modules and the command line.  The loader is trusted, but every length
 * is still bounded so a confused loader cannot walk us off a table.
 */
#include "core/kernel.h"

#define MB1_BOOT_MAGIC 0x2badb002u
#define MB2_BOOT_MAGIC 0x36d76289u

static void add_ram(struct boot_info *bi, uint64_t base, uint64_t len)
{
	bi->ram_bytes += len;
	if (bi->nram < BOOT_MAX_REGIONS && len) {
		bi->ram[bi->nram].base = base;
		bi->ram[bi->nram].size = len;
		bi->nram++;
	}
	if (base + len > bi->max_phys)
		bi->max_phys = base + len;
}

/* Any memory-map entry, usable or not: the highest ends, which bound the
 * physical addresses left for devices (boot.c's MMIO Reticles). */
static void add_region(struct boot_info *bi, uint64_t base, uint64_t len, uint32_t type)
{
	uint64_t end = base + len < base ? UINT64_MAX : base + len;

	if (type == 1)
		add_ram(bi, base, len);
	if (end <= BOOT_MMIO32_END && end > bi->low_top)
		bi->low_top = end;
	if (end > bi->mem_top)
		bi->mem_top = end;
}

static void add_module(struct boot_info *bi, uint64_t start, uint64_t end, const char *name)
{
	struct boot_module *m;

	if (bi->nmod >= BOOT_MAX_MODULES || end < start)
		return;
	m = &bi->mod[bi->nmod++];
	m->base = start;
	m->size = end - start;
	/* The name is the last path component of the module's command line. */
	const char *base = name;
	for (const char *p = name; *p && p - name < 256; p++)
		if (*p == '/')
			base = p + 1;
	size_t i = 0;
	for (; i < sizeof(m->name) - 1 && base[i] && base[i] != ' '; i++)
		m->name[i] = base[i];
	m->name[i] = 0;
}

static void copy_cmdline(struct boot_info *bi, const char *s)
{
	size_t i = 0;

	for (; i < sizeof(bi->cmdline) - 1 && s[i]; i++)
		bi->cmdline[i] = s[i];
	bi->cmdline[i] = 0;
}

static void parse_mb1(uint32_t info_pa, struct boot_info *bi)
{
	const uint32_t *info = phys_to_virt(info_pa);
	uint32_t flags = info[0];

	if (flags & (1u << 2))
		copy_cmdline(bi, phys_to_virt(info[4]));
	if (flags & (1u << 3)) {
		const uint32_t *mods = phys_to_virt(info[6]);
		for (uint32_t i = 0; i < info[5] && i < BOOT_MAX_MODULES; i++)
			add_module(bi, mods[i * 4], mods[i * 4 + 1], phys_to_virt(mods[i * 4 + 2]));
	}
	if (flags & (1u << 6)) {
		uint32_t len = info[11];
		const uint8_t *p = phys_to_virt(info[12]);
		const uint8_t *end = p + len;
		while (p + 24 <= end) {
			uint32_t size = *(const uint32_t *)p;
			uint64_t base = *(const uint64_t *)(p + 4);
			uint64_t l = *(const uint64_t *)(p + 12);
			uint32_t type = *(const uint32_t *)(p + 20);
			add_region(bi, base, l, type);
			p += size + 4;
		}
	}
}

static void parse_mb2(uint32_t info_pa, struct boot_info *bi)
{
	const uint8_t *p = phys_to_virt(info_pa);
	uint32_t total = *(const uint32_t *)p;
	const uint8_t *end = p + total;

	p += 8;
	while (p + 8 <= end) {
		uint32_t type = *(const uint32_t *)p;
		uint32_t size = *(const uint32_t *)(p + 4);
		if (type == 0 || size < 8)
			break;
		if (type == 1) {
			copy_cmdline(bi, (const char *)(p + 8));
		} else if (type == 3) {
			const uint32_t *m = (const uint32_t *)(p + 8);
			add_module(bi, m[0], m[1], (const char *)(p + 16));
		} else if (type == 6) {
			uint32_t esize = *(const uint32_t *)(p + 8);
			for (const uint8_t *e = p + 16; esize && e + 24 <= p + size; e += esize) {
				add_region(bi, *(const uint64_t *)e, *(const uint64_t *)(e + 8),
					   *(const uint32_t *)(e + 16));
			}
		}
		p += (size + 7) & ~7u;
	}
}

/* Fills bi from a Multiboot 1 or 2 information block (by magic): usable
 * RAM, modules and the command line.  Panics on an unknown magic. */
void multiboot_parse(uint32_t magic, uint32_t info_pa, struct boot_info *bi)
{
	memset(bi, 0, sizeof(*bi));
	if (magic == MB1_BOOT_MAGIC)
		parse_mb1(info_pa, bi);
	else if (magic == MB2_BOOT_MAGIC)
		parse_mb2(info_pa, bi);
	else
		panic("not booted by a Multiboot loader (magic %x)", magic);
}
