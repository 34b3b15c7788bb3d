/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PCI: decoding one function's configuration space.
 *
 * WHAT THIS WORKS ON
 *
 * A PCI Express function has a 4 KiB configuration page; under ECAM the
 * driver Task maps that page and passes its address here as `cfg`.  Every
 * function of this file is pure logic over that page: no syscalls, no
 * allocation, so it builds for VectraOS user land and for the host, where
 * the page is an ordinary buffer (tests/host/test_pci.c, tests/fuzz).
 *
 * Every access to the page is an aligned 32-bit access: 8- and 16-bit
 * reads extract from the containing dword, and 8/16-bit writes are
 * read-modify-write of it.  The one register where read-modify-write
 * would do harm is the status register (its error bits clear when written
 * with 1), so the command register is written with the status half zero
 * (vx_pci_command) and vx_pci_write16 must not be used on offset 0x04.
 *
 * TRUST
 *
 * The configuration page is written by the device and the firmware, and a
 * broken or hostile device can put anything there.  Nothing read from it is
 * used as an index or pointer without a check: the capability walk is
 * bounded (48 dword positions exist between 0x40 and 0xff; a revisit or a
 * pointer into the header is VX_E_CORRUPT), every capability body must lie
 * below 0x100, BAR encodings must be ones the specification allows, and
 * the MSI-X table must lie inside the BAR the caller mapped.
 */
#ifndef VX_DEV_PCI_H
#define VX_DEV_PCI_H

#include <stdint.h>

#include "vectra/abi.h"

#define VX_PCI_CFG_SIZE 4096u /* one function's ECAM page */
#define VX_PCI_NBARS	6u

/* Header registers (type 0 unless said). */
#define VX_PCI_VENDOR	   0x00u
#define VX_PCI_DEVICE	   0x02u
#define VX_PCI_COMMAND	   0x04u
#define VX_PCI_STATUS	   0x06u
#define VX_PCI_REVISION	   0x08u
#define VX_PCI_PROG_IF	   0x09u
#define VX_PCI_SUBCLASS	   0x0au
#define VX_PCI_CLASS	   0x0bu
#define VX_PCI_HEADER_TYPE 0x0eu
#define VX_PCI_BAR0	   0x10u
#define VX_PCI_SUBSYS_VEND 0x2cu
#define VX_PCI_SUBSYS_ID   0x2eu
#define VX_PCI_CAP_PTR	   0x34u
#define VX_PCI_HEADER_END  0x40u /* capabilities live in [0x40, 0x100) */

#define VX_PCI_CMD_IO	      0x0001u
#define VX_PCI_CMD_MEM	      0x0002u
#define VX_PCI_CMD_MASTER     0x0004u
#define VX_PCI_CMD_INTX_OFF   0x0400u
#define VX_PCI_STATUS_CAPLIST 0x0010u

/* Capability IDs. */
#define VX_PCI_CAP_MSI	  0x05u
#define VX_PCI_CAP_VENDOR 0x09u
#define VX_PCI_CAP_MSIX	  0x11u

/* Aligned 32-bit access to the page.  off is taken modulo VX_PCI_CFG_SIZE;
 * 16-bit accesses must not straddle a dword (off & 3 == 3 reads the high
 * byte only, as the low byte of the result). */
uint32_t vx_pci_read32(const volatile uint8_t *cfg, uint32_t off);
uint16_t vx_pci_read16(const volatile uint8_t *cfg, uint32_t off);
uint8_t vx_pci_read8(const volatile uint8_t *cfg, uint32_t off);
void vx_pci_write32(volatile uint8_t *cfg, uint32_t off, uint32_t val);
/* Read-modify-write of the containing dword; never on VX_PCI_COMMAND. */
void vx_pci_write16(volatile uint8_t *cfg, uint32_t off, uint16_t val);

/* The identity of a function. */
struct vx_pci_id {
	uint16_t vendor, device;
	uint16_t subsys_vendor, subsys_id; /* 0 unless header type 0 */
	uint8_t class_code, subclass, prog_if, revision;
	uint8_t header_type; /* bits 0..6 of the register (multi-function bit dropped) */
	uint8_t multifunction;
};

/* 1 if a function answers at this page (vendor != 0xffff), else 0. */
int vx_pci_present(const volatile uint8_t *cfg);
/* Fills *id from the header.  Never fails; check vx_pci_present first. */
void vx_pci_ident(const volatile uint8_t *cfg, struct vx_pci_id *id);

/* Command register: sets the bits in `set`, then clears those in `clear`
 * (VX_PCI_CMD_*), writing the status half as zero so no status bit is
 * cleared by accident.  Returns the command register as read back. */
uint16_t vx_pci_command(volatile uint8_t *cfg, uint16_t set, uint16_t clear);

/*
 * Capability walk.  An iterator starts at the header's capability pointer
 * (0x34, low 2 bits masked) and follows each capability's next pointer.
 * vx_pci_cap_find returns the offset (0x40..0xfc) of the next capability
 * with the given id, VX_E_NOTFOUND when the list ends (or the function has
 * no list: status bit 4 clear, or a header type other than 0 and 1), or
 * VX_E_CORRUPT for a pointer into the header, a revisited position, or a
 * walk longer than the 48 positions that exist; once it has returned an
 * error it keeps returning it.
 */
struct vx_pci_cap_iter {
	uint64_t seen; /* bit (pos - 0x40) / 4 for each position visited */
	uint8_t next;  /* the next position to visit; 0 = end */
	int8_t err;    /* sticky error (0, VX_E_NOTFOUND or VX_E_CORRUPT) */
};

void vx_pci_cap_begin(const volatile uint8_t *cfg, struct vx_pci_cap_iter *it);
int vx_pci_cap_find(const volatile uint8_t *cfg, struct vx_pci_cap_iter *it, uint8_t id);
/* The first capability with this id: its offset, VX_E_NOTFOUND or VX_E_CORRUPT. */
int vx_pci_find_cap(const volatile uint8_t *cfg, uint8_t id);

/*
 * BARs (header type 0).  A 64-bit memory BAR takes two slots; the second
 * is reported as VX_PCI_BAR_UPPER.  The size needs the all-ones probe,
 * which briefly moves the BAR: vx_pci_bar_size must run with memory (and
 * I/O) decoding disabled in the command register and restores the BAR
 * before it returns.  vx_pci_bar_decode is the same decoding as pure logic
 * over the values read, for callers that probe some other way.
 */
enum vx_pci_bar_kind {
	VX_PCI_BAR_NONE = 0, /* not implemented (reads as zero) */
	VX_PCI_BAR_MEM32,
	VX_PCI_BAR_MEM64,
	VX_PCI_BAR_IO,
	VX_PCI_BAR_UPPER, /* high half of the 64-bit BAR in the slot before */
};

struct vx_pci_bar {
	uint64_t base;
	uint64_t size; /* 0 until sized */
	uint8_t kind;  /* enum vx_pci_bar_kind */
	uint8_t prefetchable;
};

/* Kinds and bases of all six BARs, no sizes.  VX_E_NOTFOUND if the header
 * type is not 0; VX_E_CORRUPT for a reserved memory type or a 64-bit BAR
 * in slot 5 (bar[] is then partly filled). */
int vx_pci_bars(const volatile uint8_t *cfg, struct vx_pci_bar bar[VX_PCI_NBARS]);

/* Pure decoding of one BAR.  lo/hi: the register(s) as found; lo_ones/
 * hi_ones: what they read back after all-ones was written (hi and hi_ones
 * are ignored unless lo says 64-bit).  VX_E_CORRUPT for a reserved type or
 * a mask that is not a power-of-two size or a base not aligned to it. */
int vx_pci_bar_decode(uint32_t lo, uint32_t hi, uint32_t lo_ones, uint32_t hi_ones,
		      struct vx_pci_bar *bar);

/* Sizes BAR `index` (0..5) on the live page: writes all-ones, reads back,
 * restores.  Run with decoding disabled (see above).  VX_E_INVAL for an
 * index > 5 or one naming a VX_PCI_BAR_UPPER slot; VX_E_CORRUPT as for
 * vx_pci_bar_decode or for a 64-bit BAR in slot 5. */
int vx_pci_bar_size(volatile uint8_t *cfg, unsigned index, struct vx_pci_bar *bar);

/* Where the caller mapped each BAR (va NULL, size 0: not mapped). */
struct vx_pci_map {
	volatile uint8_t *va;
	uint64_t size;
};

/*
 * MSI-X.  vx_pci_msix_decode reads the capability; vx_pci_msix_locate
 * checks that the table (and the PBA) lie inside the BARs the caller mapped
 * and sets m->table.  Entries are then programmed with vx_pci_msix_set,
 * which masks the entry while it writes the address and data.  Enable with
 * vx_pci_msix_control after the entries are set.
 */
struct vx_pci_msix {
	uint8_t cap;		 /* offset of the capability */
	uint8_t table_bar;	 /* 0..5 */
	uint8_t pba_bar;	 /* 0..5 */
	uint16_t table_size;	 /* entries, 1..2048 */
	uint32_t table_off;	 /* within table_bar */
	uint32_t pba_off;	 /* within pba_bar */
	volatile uint8_t *table; /* set by vx_pci_msix_locate */
};

#define VX_PCI_MSIX_ENTRY_SIZE 16u
#define VX_PCI_MSIX_ENABLE     0x8000u /* message control */
#define VX_PCI_MSIX_FUNC_MASK  0x4000u

/* VX_E_NOTFOUND/VX_E_CORRUPT from the walk; VX_E_CORRUPT if the
 * capability runs past 0xff or names a BAR above 5. */
int vx_pci_msix_decode(const volatile uint8_t *cfg, struct vx_pci_msix *m);
/* VX_E_CORRUPT if the table or PBA does not lie inside its mapped BAR (an
 * unmapped BAR has size 0, so this also catches that). */
int vx_pci_msix_locate(struct vx_pci_msix *m, const struct vx_pci_map map[VX_PCI_NBARS]);
/* Programs entry (< table_size) with address and data, and leaves it
 * unmasked.  VX_E_RANGE for an entry out of range, VX_E_STATE before
 * vx_pci_msix_locate. */
int vx_pci_msix_set(const struct vx_pci_msix *m, uint16_t entry, uint64_t addr, uint32_t data);
/* Masks (1) or unmasks (0) one entry; same errors as vx_pci_msix_set. */
int vx_pci_msix_mask(const struct vx_pci_msix *m, uint16_t entry, int masked);
/* Sets MSI-X enable and function mask in message control. */
void vx_pci_msix_control(volatile uint8_t *cfg, const struct vx_pci_msix *m, int enable,
			 int function_mask);

/*
 * MSI.  One vector (multiple message enable is left at 0).  The layout of
 * the capability depends on its 64-bit and per-vector-mask flags; decode
 * records them, program writes address and data in the right places and
 * enables MSI.
 */
struct vx_pci_msi {
	uint8_t cap;
	uint8_t is64;	  /* 64-bit message address */
	uint8_t maskable; /* per-vector masking */
	uint8_t data_off; /* offset of message data from cap */
	uint8_t mask_off; /* offset of mask bits from cap (0 if !maskable) */
};

#define VX_PCI_MSI_ENABLE 0x0001u /* message control */

/* VX_E_NOTFOUND/VX_E_CORRUPT from the walk; VX_E_CORRUPT if the
 * capability runs past 0xff. */
int vx_pci_msi_decode(const volatile uint8_t *cfg, struct vx_pci_msi *m);
/* Writes address and data, unmasks vector 0, enables MSI with one vector.
 * VX_E_RANGE if addr needs 64 bits and the capability has 32. */
int vx_pci_msi_program(volatile uint8_t *cfg, const struct vx_pci_msi *m, uint64_t addr,
		       uint16_t data);

#endif
