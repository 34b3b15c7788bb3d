/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IOAPIC, and the MSI messages: where device interrupts come in.
 *
 * The 8259 pair is set aside at boot (remapped out of the way, every line
 * masked).  Lines 0..23 (VX_IRQ_*) are the inputs of the IOAPIC that the
 * MADT lists at GSI 0; each starts masked, and a driver's bind unmasks it.
 * ISA lines 0..15 go through the MADT's interrupt source overrides (the
 * PIT's line 0 is GSI 2 on most machines), with their polarity and
 * trigger; lines 16..23 are PCI INTx, level-triggered and active low.
 * Every line is delivered to the boot CPU.  An MSI line is not a pin: the
 * device writes the message (address, data) that irq_msi_message gives,
 * which names the boot CPU and the line's vector.
 */
#include "core/kernel.h"
#include "vx_acpi.h"

#define IOREGSEL   0x00
#define IOWIN	   0x10
#define REDIR(n)   (0x10 + 2 * (n))
#define RTE_MASKED (1u << 16)
#define RTE_LEVEL  (1u << 15)
#define RTE_LOW	   (1u << 13)

static volatile uint32_t *ioapic;
static unsigned ioapic_pins;		     /* redirection entries it has */
static uint8_t gsi_of[VX_IRQ_IOAPIC_LINES];  /* line -> IOAPIC input */
static uint32_t rte_lo[VX_IRQ_IOAPIC_LINES]; /* the entry, less the mask bit */

static uint32_t io_rd(uint32_t reg)
{
	ioapic[IOREGSEL / 4] = reg;
	return ioapic[IOWIN / 4];
}
static void io_wr(uint32_t reg, uint32_t v)
{
	ioapic[IOREGSEL / 4] = reg;
	ioapic[IOWIN / 4] = v;
}

/* Sets the 8259s aside: vectors 224..239 (taken as spurious), all masked. */
static void pic_disable(void)
{
	static const uint8_t icw[2][4] = {{0x11, VEC_PIC_BASE, 4, 1},
					  {0x11, VEC_PIC_BASE + 8, 2, 1}};
	for (int i = 0; i < 4; i++) {
		outb(i == 0 ? 0x20 : 0x21, icw[0][i]);
		outb(i == 0 ? 0xa0 : 0xa1, icw[1][i]);
	}
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}

/* Boot CPU, before any device is bound: finds the IOAPIC at GSI 0 in the
 * MADT and programs every line masked, aimed at the boot CPU.  Panics
 * without one: the kernel has no other way to hear devices. */
void irq_init(void)
{
	uint64_t pa = 0;

	pic_disable();
	for (uint32_t i = 0; i < acpi_madt.nioapics; i++)
		if (acpi_madt.ioapic[i].gsi_base == 0)
			pa = acpi_madt.ioapic[i].pa;
	if (!pa)
		panic("no IOAPIC at GSI 0 in the MADT");
	paging_map_mmio(pa);
	ioapic =
	    (volatile uint32_t *)((uint8_t *)phys_to_virt(pa & ~0x1fffffull) + (pa & 0x1fffff));
	ioapic_pins = ((io_rd(1) >> 16) & 0xff) + 1;
	for (unsigned line = 0; line < VX_IRQ_IOAPIC_LINES; line++) {
		bool level = line >= 16, low = line >= 16;
		uint32_t gsi =
		    line < 16 ? vx_acpi_isa_gsi(&acpi_madt, (uint8_t)line, &level, &low) : line;
		gsi_of[line] = (uint8_t)gsi;
		rte_lo[line] =
		    (VEC_IRQ_BASE + line) | (level ? RTE_LEVEL : 0) | (low ? RTE_LOW : 0);
	}
	for (unsigned pin = 0; pin < ioapic_pins; pin++) {
		io_wr(REDIR(pin) + 1, 0);
		io_wr(REDIR(pin), RTE_MASKED | VEC_PIC_BASE);
	}
	for (unsigned line = 0; line < VX_IRQ_IOAPIC_LINES; line++)
		irq_mask(line, true);
}

/* Does line name an interrupt source this machine has? */
bool irq_line_exists(unsigned line)
{
	if (line < VX_IRQ_IOAPIC_LINES)
		return gsi_of[line] < ioapic_pins;
	return line >= VX_IRQ_MSI_FIRST && line < VX_IRQ_LINES;
}

/* Masks or unmasks an IOAPIC line (its redirection entry, delivered to the
 * boot CPU); any other line is ignored. */
void irq_mask(unsigned line, bool masked)
{
	if (line >= VX_IRQ_IOAPIC_LINES || gsi_of[line] >= ioapic_pins)
		return;
	io_wr(REDIR(gsi_of[line]) + 1, cpus[0].apic_id << 24);
	io_wr(REDIR(gsi_of[line]), rte_lo[line] | (masked ? RTE_MASKED : 0));
}

/* Is line a level-triggered IOAPIC line (PCI INTx, or an ISA line the
 * MADT says is level)?  Only those must be masked while their driver
 * works: an edge that arrives at a masked IOAPIC input is dropped, not
 * held as the 8259 held it. */
bool irq_line_level(unsigned line)
{
	return line < VX_IRQ_IOAPIC_LINES && (rte_lo[line] & RTE_LEVEL);
}

/* The MSI message for an MSI line: fixed delivery to the boot CPU,
 * physical destination, edge, at the line's vector. */
uint64_t irq_msi_message(unsigned line)
{
	uint64_t addr = 0xfee00000u | (cpus[0].apic_id << 12);
	uint64_t data = VEC_MSI_BASE + (line - VX_IRQ_MSI_FIRST);

	return addr | data << 32;
}
