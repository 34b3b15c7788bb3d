/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the ACPI decoders (lib/base/vx_acpi.c).  The input
 * is tried as it is, and again as each of the three tables with its
 * signature, length and checksum made right, so that the fuzzer reaches
 * the entry walks.  Besides ASan's "no read outside the input": every
 * count stays within its array, and a decoded ECAM range is never empty.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vectra/abi.h"
#include "vx_acpi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

static void decode_all(const uint8_t *p, size_t n)
{
	struct vx_madt m;
	struct vx_mcfg c;
	struct vx_dmar d;

	if (vx_acpi_madt(p, n, &m) == VX_OK) {
		CHECK(m.ncpus <= VX_ACPI_MAX_CPUS && m.nioapics <= VX_ACPI_MAX_IOAPICS);
		CHECK(m.noverrides <= VX_ACPI_MAX_OVERRIDES);
		bool level, low;
		for (unsigned irq = 0; irq < 16; irq++)
			(void)vx_acpi_isa_gsi(&m, (uint8_t)irq, &level, &low);
	}
	if (vx_acpi_mcfg(p, n, &c) == VX_OK) {
		CHECK(c.n <= VX_ACPI_MAX_ECAM);
		for (uint32_t i = 0; i < c.n; i++)
			CHECK(c.ecam[i].bus_first <= c.ecam[i].bus_last);
	}
	if (vx_acpi_dmar(p, n, &d) == VX_OK)
		CHECK(d.n <= VX_ACPI_MAX_DRHD);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const sigs[] = {"APIC", "MCFG", "DMAR"};

	decode_all(data, size);
	if (size < VX_ACPI_HDR_LEN || size > 65536)
		return 0;
	uint8_t *p = malloc(size);
	for (int s = 0; s < 3; s++) {
		memcpy(p, data, size);
		memcpy(p, sigs[s], 4);
		uint32_t len = (uint32_t)size;
		memcpy(p + 4, &len, 4);
		p[9] = 0;
		uint8_t sum = 0;
		for (size_t i = 0; i < size; i++)
			sum = (uint8_t)(sum + p[i]);
		p[9] = (uint8_t)(0x100 - sum);
		decode_all(p, size);
	}
	free(p);
	return 0;
}
