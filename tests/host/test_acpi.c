/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ACPI decoders (lib/base/vx_acpi.c).  Each test builds a table in a
 * heap buffer of its exact length (so ASan sees any read past it), breaks
 * one rule, and checks what the decoder keeps and what it refuses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vectra/abi.h"
#include "vx_acpi.h"

struct tb {
	uint8_t b[1024];
	uint32_t len;
};

static void put(struct tb *t, uint32_t off, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		t->b[off + i] = (uint8_t)(v >> (8 * i));
}

static void begin(struct tb *t, const char *sig, uint32_t fixed)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->b, sig, 4);
	t->len = fixed;
}

static void add(struct tb *t, const uint8_t *e, uint32_t n)
{
	memcpy(t->b + t->len, e, n);
	t->len += n;
}

/* Sets the length and checksum; returns an exact-size heap copy. */
static uint8_t *finish(struct tb *t)
{
	put(t, 4, t->len, 4);
	t->b[9] = 0;
	uint8_t s = 0;
	for (uint32_t i = 0; i < t->len; i++)
		s = (uint8_t)(s + t->b[i]);
	t->b[9] = (uint8_t)(0x100 - s);
	uint8_t *p = malloc(t->len);
	memcpy(p, t->b, t->len);
	return p;
}

static void madt_cpu(struct tb *t, uint8_t apic, int enabled)
{
	uint8_t e[8] = {0, 8, apic, apic, (uint8_t)enabled, 0, 0, 0};
	add(t, e, 8);
}

static void madt_ioapic(struct tb *t, uint8_t id, uint32_t pa, uint32_t gsi)
{
	uint8_t e[12] = {1, 12, id, 0};
	memcpy(e + 4, &pa, 4);
	memcpy(e + 8, &gsi, 4);
	add(t, e, 12);
}

static void madt_override(struct tb *t, uint8_t irq, uint32_t gsi, uint16_t flags)
{
	uint8_t e[10] = {2, 10, 0, irq};
	memcpy(e + 4, &gsi, 4);
	memcpy(e + 8, &flags, 2);
	add(t, e, 10);
}

static uint8_t *q35_madt(struct tb *t)
{
	begin(t, "APIC", 44);
	put(t, 36, 0xfee00000u, 4);
	madt_cpu(t, 0, 1);
	madt_cpu(t, 1, 1);
	madt_cpu(t, 2, 0); /* disabled */
	madt_ioapic(t, 0, 0xfec00000u, 0);
	madt_override(t, 0, 2, 0);
	madt_override(t, 9, 9, 0xd); /* level, active high */
	return finish(t);
}

static void test_madt_valid(void **state)
{
	struct tb t;
	struct vx_madt m;
	uint8_t *p = q35_madt(&t);
	assert_int_equal(vx_acpi_madt(p, t.len, &m), VX_OK);
	assert_int_equal(m.lapic_pa, 0xfee00000u);
	assert_int_equal(m.ncpus, 2);
	assert_int_equal(m.apic_id[1], 1);
	assert_int_equal(m.nioapics, 1);
	assert_int_equal(m.ioapic[0].pa, 0xfec00000u);
	assert_int_equal(m.noverrides, 2);
	bool level, low;
	assert_int_equal(vx_acpi_isa_gsi(&m, 0, &level, &low), 2);
	assert_false(level);
	assert_int_equal(vx_acpi_isa_gsi(&m, 9, &level, &low), 9);
	assert_true(level);
	assert_false(low);
	assert_int_equal(vx_acpi_isa_gsi(&m, 4, &level, &low), 4);
	free(p);
}

static void test_madt_bad_checksum(void **state)
{
	struct tb t;
	struct vx_madt m;
	uint8_t *p = q35_madt(&t);
	p[50] ^= 1;
	assert_int_equal(vx_acpi_madt(p, t.len, &m), VX_E_CORRUPT);
	assert_int_equal(m.ncpus, 0);
	free(p);
}

static void test_madt_length_beyond_buffer(void **state)
{
	struct tb t;
	struct vx_madt m;
	uint8_t *p = q35_madt(&t);
	assert_int_equal(vx_acpi_madt(p, t.len - 1, &m), VX_E_CORRUPT);
	assert_int_equal(vx_acpi_madt(p, 20, &m), VX_E_CORRUPT);
	assert_int_equal(vx_acpi_madt(NULL, 0, &m), VX_E_CORRUPT);
	free(p);
}

static void test_madt_wrong_signature(void **state)
{
	struct tb t;
	struct vx_madt m;
	uint8_t *p = q35_madt(&t);
	struct vx_mcfg c;
	assert_int_equal(vx_acpi_mcfg(p, t.len, &c), VX_E_CORRUPT);
	memcpy(p, "APIX", 4);
	assert_int_equal(vx_acpi_madt(p, t.len, &m), VX_E_CORRUPT);
	free(p);
}

/* An entry of length 0 would loop forever; one that runs past the table
 * would read beyond it.  Both end the walk; earlier entries stay. */
static void test_madt_zero_length_entry(void **state)
{
	struct tb t;
	struct vx_madt m;
	begin(&t, "APIC", 44);
	madt_cpu(&t, 5, 1);
	uint8_t bad[8] = {0, 0, 7, 7, 1};
	add(&t, bad, 8);
	madt_cpu(&t, 6, 1);
	uint8_t *p = finish(&t);
	assert_int_equal(vx_acpi_madt(p, t.len, &m), VX_OK);
	assert_int_equal(m.ncpus, 1);
	assert_int_equal(m.apic_id[0], 5);
	free(p);
}

static void test_madt_entry_overruns_table(void **state)
{
	struct tb t;
	struct vx_madt m;
	begin(&t, "APIC", 44);
	madt_cpu(&t, 5, 1);
	uint8_t bad[4] = {1, 12, 0, 0}; /* an IOAPIC entry cut short */
	add(&t, bad, 4);
	uint8_t *p = finish(&t);
	assert_int_equal(vx_acpi_madt(p, t.len, &m), VX_OK);
	assert_int_equal(m.ncpus, 1);
	assert_int_equal(m.nioapics, 0);
	free(p);
}

static void test_madt_too_many_cpus(void **state)
{
	struct tb t;
	struct vx_madt m;
	begin(&t, "APIC", 44);
	for (unsigned i = 0; i < VX_ACPI_MAX_CPUS + 10; i++)
		madt_cpu(&t, (uint8_t)i, 1);
	uint8_t *p = finish(&t);
	assert_int_equal(vx_acpi_madt(p, t.len, &m), VX_OK);
	assert_int_equal(m.ncpus, VX_ACPI_MAX_CPUS);
	free(p);
}

static uint8_t *mcfg(struct tb *t, uint8_t first, uint8_t last, bool cut)
{
	begin(t, "MCFG", 44);
	uint8_t e[16] = {0};
	uint64_t base = 0xb0000000u;
	memcpy(e, &base, 8);
	e[10] = first;
	e[11] = last;
	add(t, e, cut ? 12 : 16);
	return finish(t);
}

static void test_mcfg_valid(void **state)
{
	struct tb t;
	struct vx_mcfg c;
	uint8_t *p = mcfg(&t, 0, 255, false);
	assert_int_equal(vx_acpi_mcfg(p, t.len, &c), VX_OK);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.ecam[0].base, 0xb0000000u);
	assert_int_equal(c.ecam[0].bus_last, 255);
	free(p);
}

static void test_mcfg_empty_bus_range(void **state)
{
	struct tb t;
	struct vx_mcfg c;
	uint8_t *p = mcfg(&t, 9, 3, false);
	assert_int_equal(vx_acpi_mcfg(p, t.len, &c), VX_OK);
	assert_int_equal(c.n, 0);
	free(p);
}

static void test_mcfg_truncated_entry(void **state)
{
	struct tb t;
	struct vx_mcfg c;
	uint8_t *p = mcfg(&t, 0, 255, true);
	assert_int_equal(vx_acpi_mcfg(p, t.len, &c), VX_OK);
	assert_int_equal(c.n, 0);
	free(p);
}

static uint8_t *dmar(struct tb *t, uint16_t drhd_len)
{
	begin(t, "DMAR", 48);
	t->b[36] = 38; /* 39-bit host address width */
	uint8_t e[16] = {0, 0, 0, 0, 1, 0, 0, 0};
	memcpy(e + 2, &drhd_len, 2);
	uint64_t reg = 0xfed90000u;
	memcpy(e + 8, &reg, 8);
	add(t, e, 16);
	return finish(t);
}

static void test_dmar_valid(void **state)
{
	struct tb t;
	struct vx_dmar d;
	uint8_t *p = dmar(&t, 16);
	assert_int_equal(vx_acpi_dmar(p, t.len, &d), VX_OK);
	assert_int_equal(d.haw, 39);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.drhd[0].reg_pa, 0xfed90000u);
	assert_true(d.drhd[0].include_all);
	free(p);
}

static void test_dmar_entry_length_lies(void **state)
{
	struct tb t;
	struct vx_dmar d;
	uint8_t *p = dmar(&t, 200); /* longer than the table */
	assert_int_equal(vx_acpi_dmar(p, t.len, &d), VX_OK);
	assert_int_equal(d.n, 0);
	free(p);
	p = dmar(&t, 2); /* shorter than an entry header */
	assert_int_equal(vx_acpi_dmar(p, t.len, &d), VX_OK);
	assert_int_equal(d.n, 0);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_madt_valid),
	    cmocka_unit_test(test_madt_bad_checksum),
	    cmocka_unit_test(test_madt_length_beyond_buffer),
	    cmocka_unit_test(test_madt_wrong_signature),
	    cmocka_unit_test(test_madt_zero_length_entry),
	    cmocka_unit_test(test_madt_entry_overruns_table),
	    cmocka_unit_test(test_madt_too_many_cpus),
	    cmocka_unit_test(test_mcfg_valid),
	    cmocka_unit_test(test_mcfg_empty_bus_range),
	    cmocka_unit_test(test_mcfg_truncated_entry),
	    cmocka_unit_test(test_dmar_valid),
	    cmocka_unit_test(test_dmar_entry_length_lies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
