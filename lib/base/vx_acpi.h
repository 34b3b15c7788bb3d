/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The three ACPI tables the kernel reads itself, decoded from bytes:
 *
 *   MADT ("APIC")  the local APICs of the CPUs, the IOAPICs and the ISA
 *                  interrupt overrides
 *   MCFG           where PCI Express configuration space (ECAM) lives
 *   DMAR           the Intel VT-d remapping units (the IOMMU)
 *
 * Firmware tables are trusted to mean what they say but not to be well
 * formed: every decoder takes the table's bytes and its length, checks the
 * header (signature, length, checksum) and every entry's length against
 * the table, and stops at the first entry that does not fit.  A decoder
 * never reads outside [t, t + len).  Pure logic: the kernel, the host tests
 * and the fuzzers share it.
 */
#ifndef VX_ACPI_H
#define VX_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VX_ACPI_HDR_LEN	      36u
#define VX_ACPI_MAX_CPUS      64u
#define VX_ACPI_MAX_IOAPICS   4u
#define VX_ACPI_MAX_OVERRIDES 16u
#define VX_ACPI_MAX_ECAM      4u
#define VX_ACPI_MAX_DRHD      4u

/* Checks a table header: at least VX_ACPI_HDR_LEN bytes, its length field
 * within len, its signature sig (4 bytes), and its bytes summing to 0.
 * Returns the table's own length, or 0 if any check fails. */
uint32_t vx_acpi_table_ok(const uint8_t *t, size_t len, const char *sig);

struct vx_madt {
	uint64_t lapic_pa;
	uint32_t ncpus; /* enabled processor local APICs */
	uint32_t apic_id[VX_ACPI_MAX_CPUS];
	uint32_t nioapics;
	struct {
		uint32_t id, gsi_base;
		uint64_t pa;
	} ioapic[VX_ACPI_MAX_IOAPICS];
	uint32_t noverrides;
	struct {
		uint8_t isa_irq;
		uint32_t gsi;
		uint16_t flags; /* MPS INTI flags: polarity bits 0..1, trigger 2..3 */
	} override[VX_ACPI_MAX_OVERRIDES];
};

struct vx_mcfg {
	uint32_t n;
	struct {
		uint64_t base;
		uint16_t segment;
		uint8_t bus_first, bus_last;
	} ecam[VX_ACPI_MAX_ECAM];
};

struct vx_dmar {
	uint8_t haw; /* host address width, in bits */
	uint8_t flags;
	uint32_t n;
	struct {
		uint64_t reg_pa;
		uint16_t segment;
		bool include_all; /* covers every device of the segment not listed elsewhere */
	} drhd[VX_ACPI_MAX_DRHD];
};

/* Each decodes table t of len bytes into *out (zeroed first).  Entries
 * beyond the arrays' capacity are counted nowhere and ignored.  Returns 0,
 * or VX_E_CORRUPT when the header fails vx_acpi_table_ok or the table is
 * too short for its fixed part; entries past the first malformed one are
 * ignored, and the ones before it kept. */
int vx_acpi_madt(const uint8_t *t, size_t len, struct vx_madt *out);
int vx_acpi_mcfg(const uint8_t *t, size_t len, struct vx_mcfg *out);
int vx_acpi_dmar(const uint8_t *t, size_t len, struct vx_dmar *out);

/* The GSI that ISA line irq arrives on, and whether it is level-triggered
 * and active low, after the MADT's overrides (default: same number, edge,
 * active high). */
uint32_t vx_acpi_isa_gsi(const struct vx_madt *m, uint8_t irq, bool *level, bool *low);

#endif
