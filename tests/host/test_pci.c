/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PCI configuration space decoding (lib/dev/pci.h).  Each test builds a
 * config page in a buffer: a valid header with a capability list holding
 * MSI, MSI-X and two vendor capabilities, then breaks one rule and checks
 * the named error.  The page is plain memory, so BAR sizing is tested
 * through the pure decoder, and vx_pci_bar_size only for its checks and
 * for putting the BAR back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dev/pci.h"

static uint32_t page[VX_PCI_CFG_SIZE / 4];
#define CFG ((volatile uint8_t *)page)

static void put8(uint32_t off, uint8_t v)
{
	((uint8_t *)page)[off] = v;
}

static void put16(uint32_t off, uint16_t v)
{
	put8(off, (uint8_t)v);
	put8(off + 1, (uint8_t)(v >> 8));
}

static void put32(uint32_t off, uint32_t v)
{
	put16(off, (uint16_t)v);
	put16(off + 2, (uint16_t)(v >> 16));
}

static uint32_t get32(uint32_t off)
{
	return page[off / 4];
}

/* A capability header: id and next. */
static void cap(uint32_t at, uint8_t id, uint8_t next)
{
	put8(at, id);
	put8(at + 1, next);
}

/*
 * A virtio-like function: vendor 0x1af4 device 0x1041, class 02/00/00.
 * BAR0 mem32 (4 KiB at 0xfebf0000), BAR1/2 mem64 prefetchable at
 * 0x8_0000_0000, BAR3 I/O at 0xc040, BAR4/5 empty.
 * Capabilities: 0x40 MSI (64-bit, maskable) -> 0x60 MSI-X (8 entries,
 * table BAR0+0x800, PBA BAR0+0xc00) -> 0x70 vendor -> 0x84 vendor -> end.
 */
static void build(void)
{
	memset(page, 0, sizeof(page));
	put16(VX_PCI_VENDOR, 0x1af4);
	put16(VX_PCI_DEVICE, 0x1041);
	put16(VX_PCI_STATUS, VX_PCI_STATUS_CAPLIST);
	put32(VX_PCI_REVISION, 0x02000001);
	put8(VX_PCI_HEADER_TYPE, 0x80); /* type 0, multi-function */
	put32(VX_PCI_BAR0, 0xfebf0000);
	put32(VX_PCI_BAR0 + 4, 0x0000000c);
	put32(VX_PCI_BAR0 + 8, 0x8);
	put32(VX_PCI_BAR0 + 12, 0xc041);
	put16(VX_PCI_SUBSYS_VEND, 0x1af4);
	put16(VX_PCI_SUBSYS_ID, 0x0001);
	put8(VX_PCI_CAP_PTR, 0x40);
	cap(0x40, VX_PCI_CAP_MSI, 0x60);
	put16(0x42, 0x0180);	 /* 64-bit, per-vector masking */
	put32(0x50, 0xffffffff); /* mask bits: all masked */
	cap(0x60, VX_PCI_CAP_MSIX, 0x70);
	put16(0x62, 7);		/* 8 entries */
	put32(0x64, 0x800 | 0); /* table in BAR0 */
	put32(0x68, 0xc00 | 0); /* PBA in BAR0 */
	cap(0x70, VX_PCI_CAP_VENDOR, 0x84);
	put8(0x72, 16);
	cap(0x84, VX_PCI_CAP_VENDOR, 0x00);
	put8(0x86, 16);
}

static void test_valid_header(void **state)
{
	struct vx_pci_id id;

	build();
	assert_true(vx_pci_present(CFG));
	vx_pci_ident(CFG, &id);
	assert_int_equal(id.vendor, 0x1af4);
	assert_int_equal(id.device, 0x1041);
	assert_int_equal(id.class_code, 0x02);
	assert_int_equal(id.subclass, 0x00);
	assert_int_equal(id.prog_if, 0x00);
	assert_int_equal(id.revision, 0x01);
	assert_int_equal(id.header_type, 0);
	assert_int_equal(id.multifunction, 1);
	assert_int_equal(id.subsys_vendor, 0x1af4);
	assert_int_equal(id.subsys_id, 1);
}

static void test_absent_function(void **state)
{
	memset(page, 0xff, sizeof(page));
	assert_false(vx_pci_present(CFG));
}

static void test_narrow_reads_use_dwords(void **state)
{
	build();
	assert_int_equal(vx_pci_read8(CFG, 0x01), 0x1a);
	assert_int_equal(vx_pci_read16(CFG, 0x02), 0x1041);
	assert_int_equal(vx_pci_read8(CFG, 0x0b), 0x02);
	vx_pci_write16(CFG, 0x62, 0x8007);
	assert_int_equal(get32(0x60), 0x80077011u); /* id and next kept */
	assert_int_equal(vx_pci_read32(CFG, VX_PCI_CFG_SIZE), vx_pci_read32(CFG, 0));
}

static void test_command_register(void **state)
{
	build();
	put16(VX_PCI_STATUS, 0xf910); /* error bits set: writing 1 would clear them */
	put16(VX_PCI_COMMAND, VX_PCI_CMD_IO);
	assert_int_equal(vx_pci_command(CFG,
					VX_PCI_CMD_MEM | VX_PCI_CMD_MASTER | VX_PCI_CMD_INTX_OFF,
					VX_PCI_CMD_IO),
			 VX_PCI_CMD_MEM | VX_PCI_CMD_MASTER | VX_PCI_CMD_INTX_OFF);
	assert_int_equal(get32(VX_PCI_COMMAND) >> 16, 0); /* status half written as zero */
}

static void test_cap_walk(void **state)
{
	struct vx_pci_cap_iter it;

	build();
	assert_int_equal(vx_pci_find_cap(CFG, VX_PCI_CAP_MSI), 0x40);
	assert_int_equal(vx_pci_find_cap(CFG, VX_PCI_CAP_MSIX), 0x60);
	assert_int_equal(vx_pci_find_cap(CFG, 0x10), VX_E_NOTFOUND);
	vx_pci_cap_begin(CFG, &it);
	assert_int_equal(vx_pci_cap_find(CFG, &it, VX_PCI_CAP_VENDOR), 0x70);
	assert_int_equal(vx_pci_cap_find(CFG, &it, VX_PCI_CAP_VENDOR), 0x84);
	assert_int_equal(vx_pci_cap_find(CFG, &it, VX_PCI_CAP_VENDOR), VX_E_NOTFOUND);
	assert_int_equal(vx_pci_cap_find(CFG, &it, VX_PCI_CAP_VENDOR), VX_E_NOTFOUND);
}

static void test_cap_pointer_low_bits_masked(void **state)
{
	build();
	put8(VX_PCI_CAP_PTR, 0x43);
	put8(0x41, 0x63);
	assert_int_equal(vx_pci_find_cap(CFG, VX_PCI_CAP_MSIX), 0x60);
}

static void test_no_cap_list(void **state)
{
	build();
	put16(VX_PCI_STATUS, 0);
	assert_int_equal(vx_pci_find_cap(CFG, VX_PCI_CAP_MSI), VX_E_NOTFOUND);
	build();
	put8(VX_PCI_HEADER_TYPE, 2); /* CardBus: its list is elsewhere */
	assert_int_equal(vx_pci_find_cap(CFG, VX_PCI_CAP_MSI), VX_E_NOTFOUND);
}

static void test_cap_loop(void **state)
{
	build();
	put8(0x85, 0x60); /* last vendor cap points back at MSI-X */
	assert_int_equal(vx_pci_find_cap(CFG, 0x10), VX_E_CORRUPT);
	/* A capability found before the loop is still found. */
	assert_int_equal(vx_pci_find_cap(CFG, VX_PCI_CAP_MSIX), 0x60);
}

static void test_cap_self_loop(void **state)
{
	struct vx_pci_cap_iter it;

	build();
	put8(0x41, 0x40);
	vx_pci_cap_begin(CFG, &it);
	assert_int_equal(vx_pci_cap_find(CFG, &it, VX_PCI_CAP_MSIX), VX_E_CORRUPT);
	assert_int_equal(vx_pci_cap_find(CFG, &it, VX_PCI_CAP_MSIX), VX_E_CORRUPT); /* sticky */
}

static void test_cap_pointer_into_header(void **state)
{
	build();
	put8(VX_PCI_CAP_PTR, 0x20);
	assert_int_equal(vx_pci_find_cap(CFG, VX_PCI_CAP_MSI), VX_E_CORRUPT);
	build();
	put8(0x71, 0x3c);
	assert_int_equal(vx_pci_find_cap(CFG, 0x10), VX_E_CORRUPT);
}

/* Every one of the 48 positions in one list: the walk visits them all and
 * then ends (or, with a 49th step back to the start, reports the loop). */
static void test_cap_walk_is_bounded(void **state)
{
	build();
	put8(VX_PCI_CAP_PTR, 0x40);
	for (uint32_t p = 0x40; p < 0x100; p += 4)
		cap(p, 0x01, p + 4 < 0x100 ? (uint8_t)(p + 4) : 0);
	assert_int_equal(vx_pci_find_cap(CFG, 0x10), VX_E_NOTFOUND);
	put8(0xfd, 0x40);
	assert_int_equal(vx_pci_find_cap(CFG, 0x10), VX_E_CORRUPT);
}

static void test_cap_past_0xff(void **state)
{
	struct vx_pci_msix x;
	struct vx_pci_msi m;

	build();
	put8(0x41, 0xfc); /* MSI -> MSI-X at 0xfc: 12 bytes do not fit */
	cap(0xfc, VX_PCI_CAP_MSIX, 0);
	assert_int_equal(vx_pci_msix_decode(CFG, &x), VX_E_CORRUPT);
	build();
	put8(VX_PCI_CAP_PTR, 0xf0); /* 64-bit maskable MSI needs 24 bytes */
	cap(0xf0, VX_PCI_CAP_MSI, 0);
	put16(0xf2, 0x0180);
	assert_int_equal(vx_pci_msi_decode(CFG, &m), VX_E_CORRUPT);
}

static void test_bars(void **state)
{
	struct vx_pci_bar b[VX_PCI_NBARS];

	build();
	assert_int_equal(vx_pci_bars(CFG, b), VX_OK);
	assert_int_equal(b[0].kind, VX_PCI_BAR_MEM32);
	assert_int_equal(b[0].base, 0xfebf0000u);
	assert_int_equal(b[0].prefetchable, 0);
	assert_int_equal(b[1].kind, VX_PCI_BAR_MEM64);
	assert_int_equal(b[1].prefetchable, 1);
	assert_int_equal(b[1].base, 0x800000000ull);
	assert_int_equal(b[2].kind, VX_PCI_BAR_UPPER);
	assert_int_equal(b[3].kind, VX_PCI_BAR_IO);
	assert_int_equal(b[3].base, 0xc040);
	assert_int_equal(b[4].kind, VX_PCI_BAR_MEM32);
	assert_int_equal(b[4].base, 0);
}

static void test_bar64_in_slot5(void **state)
{
	struct vx_pci_bar b[VX_PCI_NBARS], one;

	build();
	put32(VX_PCI_BAR0 + 20, 0x4);
	assert_int_equal(vx_pci_bars(CFG, b), VX_E_CORRUPT);
	assert_int_equal(vx_pci_bar_size(CFG, 5, &one), VX_E_CORRUPT);
}

static void test_bar_reserved_type(void **state)
{
	struct vx_pci_bar b[VX_PCI_NBARS];

	build();
	put32(VX_PCI_BAR0, 0xfebf0006);
	assert_int_equal(vx_pci_bars(CFG, b), VX_E_CORRUPT);
}

static void test_bar_decode(void **state)
{
	struct vx_pci_bar b;

	assert_int_equal(vx_pci_bar_decode(0xfebf0000, 0, 0xfffff000, 0, &b), VX_OK);
	assert_int_equal(b.kind, VX_PCI_BAR_MEM32);
	assert_int_equal(b.size, 0x1000);
	assert_int_equal(b.base, 0xfebf0000u);
	assert_int_equal(vx_pci_bar_decode(0xc, 0x8, 0xc, 0xffffffff, &b), VX_OK);
	assert_int_equal(b.kind, VX_PCI_BAR_MEM64);
	assert_int_equal(b.prefetchable, 1);
	assert_int_equal(b.size, 0x100000000ull);
	assert_int_equal(b.base, 0x800000000ull);
	assert_int_equal(vx_pci_bar_decode(0xc041, 0, 0x0000ffe1, 0, &b), VX_OK);
	assert_int_equal(b.kind, VX_PCI_BAR_IO);
	assert_int_equal(b.size, 0x20);
	assert_int_equal(b.base, 0xc040);
	assert_int_equal(vx_pci_bar_decode(0, 0, 0, 0, &b), VX_OK);
	assert_int_equal(b.kind, VX_PCI_BAR_NONE);
	assert_int_equal(b.size, 0);
}

static void test_bar_decode_garbage(void **state)
{
	struct vx_pci_bar b;

	/* A mask with a hole is no power-of-two size. */
	assert_int_equal(vx_pci_bar_decode(0, 0, 0xffff0f00, 0, &b), VX_E_CORRUPT);
	/* Reserved memory type. */
	assert_int_equal(vx_pci_bar_decode(0x6, 0, 0xfffff006, 0, &b), VX_E_CORRUPT);
	/* A base not aligned to the size. */
	assert_int_equal(vx_pci_bar_decode(0xfebf0800, 0, 0xfffff000, 0, &b), VX_E_CORRUPT);
}

static void test_bar_size_restores(void **state)
{
	struct vx_pci_bar b;

	build();
	/* Plain memory reads back all-ones: a 16-byte BAR, then put back. */
	assert_int_equal(vx_pci_bar_size(CFG, 0, &b), VX_OK);
	assert_int_equal(b.size, 16);
	assert_int_equal(get32(VX_PCI_BAR0), 0xfebf0000u);
	assert_int_equal(vx_pci_bar_size(CFG, 1, &b), VX_OK);
	assert_int_equal(b.kind, VX_PCI_BAR_MEM64);
	assert_int_equal(get32(VX_PCI_BAR0 + 4), 0xc);
	assert_int_equal(get32(VX_PCI_BAR0 + 8), 0x8);
}

static void test_bar_size_bad_index(void **state)
{
	struct vx_pci_bar b;

	build();
	assert_int_equal(vx_pci_bar_size(CFG, 2, &b), VX_E_INVAL); /* upper half of BAR1 */
	assert_int_equal(vx_pci_bar_size(CFG, 6, &b), VX_E_INVAL);
}

static uint8_t bar0[0x1000] __attribute__((aligned(16)));

static void map_bar0(struct vx_pci_map map[VX_PCI_NBARS], uint64_t size)
{
	memset(map, 0, sizeof(struct vx_pci_map) * VX_PCI_NBARS);
	map[0].va = bar0;
	map[0].size = size;
}

static void test_msix(void **state)
{
	struct vx_pci_map map[VX_PCI_NBARS];
	struct vx_pci_msix m;
	const volatile uint32_t *e;

	build();
	memset(bar0, 0, sizeof(bar0));
	map_bar0(map, sizeof(bar0));
	assert_int_equal(vx_pci_msix_decode(CFG, &m), VX_OK);
	assert_int_equal(m.cap, 0x60);
	assert_int_equal(m.table_size, 8);
	assert_int_equal(m.table_bar, 0);
	assert_int_equal(m.table_off, 0x800);
	assert_int_equal(m.pba_off, 0xc00);
	assert_int_equal(vx_pci_msix_set(&m, 0, 0xfee00000, 0x41), VX_E_STATE);
	assert_int_equal(vx_pci_msix_locate(&m, map), VX_OK);
	e = (const volatile uint32_t *)(bar0 + 0x800 + 16);
	((volatile uint32_t *)e)[3] = 1; /* masked at reset */
	assert_int_equal(vx_pci_msix_set(&m, 1, 0x1fee01000ull, 0x42), VX_OK);
	assert_int_equal(e[0], 0xfee01000u);
	assert_int_equal(e[1], 1);
	assert_int_equal(e[2], 0x42);
	assert_int_equal(e[3], 0);
	assert_int_equal(vx_pci_msix_mask(&m, 1, 1), VX_OK);
	assert_int_equal(e[3], 1);
	assert_int_equal(vx_pci_msix_set(&m, 8, 0xfee00000, 0x41), VX_E_RANGE);
	vx_pci_msix_control(CFG, &m, 1, 1);
	assert_int_equal(get32(0x60) >> 16, 0xc007);
	vx_pci_msix_control(CFG, &m, 1, 0);
	assert_int_equal(get32(0x60) >> 16, 0x8007);
	assert_int_equal(get32(0x60) & 0xffff, 0x7011);
}

static void test_msix_table_outside_bar(void **state)
{
	struct vx_pci_map map[VX_PCI_NBARS];
	struct vx_pci_msix m;

	build();
	put32(0x64, 0xf90); /* 8 entries at 0xf90 end at 0x1010 */
	map_bar0(map, sizeof(bar0));
	assert_int_equal(vx_pci_msix_decode(CFG, &m), VX_OK);
	assert_int_equal(vx_pci_msix_locate(&m, map), VX_E_CORRUPT);
	assert_null(m.table);
	build();
	map_bar0(map, 0x800); /* the BAR is smaller than the table offset */
	assert_int_equal(vx_pci_msix_decode(CFG, &m), VX_OK);
	assert_int_equal(vx_pci_msix_locate(&m, map), VX_E_CORRUPT);
}

static void test_msix_pba_outside_bar(void **state)
{
	struct vx_pci_map map[VX_PCI_NBARS];
	struct vx_pci_msix m;

	build();
	put32(0x68, 0x1000 | 0);
	map_bar0(map, sizeof(bar0));
	assert_int_equal(vx_pci_msix_decode(CFG, &m), VX_OK);
	assert_int_equal(vx_pci_msix_locate(&m, map), VX_E_CORRUPT);
}

static void test_msix_bad_bir(void **state)
{
	struct vx_pci_msix m;

	build();
	put32(0x64, 0x800 | 6);
	assert_int_equal(vx_pci_msix_decode(CFG, &m), VX_E_CORRUPT);
}

static void test_msix_in_unmapped_bar(void **state)
{
	struct vx_pci_map map[VX_PCI_NBARS];
	struct vx_pci_msix m;

	build();
	put32(0x64, 0x800 | 3);
	map_bar0(map, sizeof(bar0));
	assert_int_equal(vx_pci_msix_decode(CFG, &m), VX_OK);
	assert_int_equal(vx_pci_msix_locate(&m, map), VX_E_CORRUPT);
}

static void test_msi_64_maskable(void **state)
{
	struct vx_pci_msi m;

	build();
	assert_int_equal(vx_pci_msi_decode(CFG, &m), VX_OK);
	assert_int_equal(m.is64, 1);
	assert_int_equal(m.maskable, 1);
	assert_int_equal(vx_pci_msi_program(CFG, &m, 0x1fee00000ull, 0x4021), VX_OK);
	assert_int_equal(get32(0x44), 0xfee00000u);
	assert_int_equal(get32(0x48), 1);
	assert_int_equal(get32(0x4c), 0x4021);
	assert_int_equal(get32(0x50), 0xfffffffeu); /* vector 0 unmasked */
	assert_int_equal(get32(0x40) >> 16, 0x0181);
}

static void test_msi_32(void **state)
{
	struct vx_pci_msi m;

	build();
	put16(0x42, 0x0000 | (2 << 4)); /* 32-bit, not maskable, MME left at 4 vectors */
	assert_int_equal(vx_pci_msi_decode(CFG, &m), VX_OK);
	assert_int_equal(m.is64, 0);
	assert_int_equal(m.maskable, 0);
	assert_int_equal(vx_pci_msi_program(CFG, &m, 0x1fee00000ull, 0x21), VX_E_RANGE);
	assert_int_equal(vx_pci_msi_program(CFG, &m, 0xfee00000u, 0x21), VX_OK);
	assert_int_equal(get32(0x44), 0xfee00000u);
	assert_int_equal(get32(0x48), 0x21);
	assert_int_equal(get32(0x40) >> 16, 0x0001); /* one vector, enabled */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_header),
	    cmocka_unit_test(test_absent_function),
	    cmocka_unit_test(test_narrow_reads_use_dwords),
	    cmocka_unit_test(test_command_register),
	    cmocka_unit_test(test_cap_walk),
	    cmocka_unit_test(test_cap_pointer_low_bits_masked),
	    cmocka_unit_test(test_no_cap_list),
	    cmocka_unit_test(test_cap_loop),
	    cmocka_unit_test(test_cap_self_loop),
	    cmocka_unit_test(test_cap_pointer_into_header),
	    cmocka_unit_test(test_cap_walk_is_bounded),
	    cmocka_unit_test(test_cap_past_0xff),
	    cmocka_unit_test(test_bars),
	    cmocka_unit_test(test_bar64_in_slot5),
	    cmocka_unit_test(test_bar_reserved_type),
	    cmocka_unit_test(test_bar_decode),
	    cmocka_unit_test(test_bar_decode_garbage),
	    cmocka_unit_test(test_bar_size_restores),
	    cmocka_unit_test(test_bar_size_bad_index),
	    cmocka_unit_test(test_msix),
	    cmocka_unit_test(test_msix_table_outside_bar),
	    cmocka_unit_test(test_msix_pba_outside_bar),
	    cmocka_unit_test(test_msix_bad_bir),
	    cmocka_unit_test(test_msix_in_unmapped_bar),
	    cmocka_unit_test(test_msi_64_maskable),
	    cmocka_unit_test(test_msi_32),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
