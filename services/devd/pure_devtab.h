/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * etc/drivers: which driver devd starts for which PCI function.
 *
 *     # comment
 *     VENDOR:DEVICE  DRIVER  [connect SERVICE]... [serve PROTOCOL]
 *                            [memory SIZE] [args WORD] [at BB:DD.F]
 *     1af4:1044      virtio-rng  connect rng
 *
 * VENDOR and DEVICE are four hex digits; DRIVER is a program in the boot
 * image (bin/DRIVER) and a valid name ([a-z0-9_.-], 1..23 bytes); connect
 * names a service the driver gets a connection to (slots SERVICE.req and
 * .rep), at most DT_MAX_CONNECTS; memory is the driver's Reticle (64K..16M,
 * K or M suffix, default 1M); serve names the protocol the driver serves
 * to clients devd connects through DEV_OPEN (proto/devices.h; "blk" or
 * "netif"), which gives it an attached port; args is one word of arguments passed to it.
 * at limits the line to the function at that address (bus, device and
 * function in hex).  The first line that matches a function wins.  The parser is pure and
 * rejects the whole file at the first bad line, naming it.
 */
#ifndef DEVD_PURE_DEVTAB_H
#define DEVD_PURE_DEVTAB_H

#include <stddef.h>
#include <stdint.h>

#define DT_MAX_ENTRIES	32
#define DT_MAX_CONNECTS 2
#define DT_NAME_MAX	24 /* incl. NUL */
#define DT_FILE_MAX	4096u

struct dt_entry {
	uint16_t vendor, device;
	char driver[DT_NAME_MAX];
	char connect[DT_MAX_CONNECTS][DT_NAME_MAX];
	uint32_t nconnect;
	char serve[DT_NAME_MAX]; /* "" or the protocol it serves ("blk", "netif") */
	uint64_t memory;
	char args[DT_NAME_MAX];
	int32_t at; /* the one bdf it is for, or -1: any */
};

struct dt_table {
	uint32_t n;
	struct dt_entry e[DT_MAX_ENTRIES];
};

/* Parses text[0..len) into *out (zeroed first; left empty on failure).
 * VX_OK, or VX_E_INVAL / VX_E_TOOBIG with err "drivers line N: ...". */
int dt_parse(const char *text, size_t len, struct dt_table *out, char *err, size_t errlen);

/* The first entry for vendor:device at bdf, or NULL. */
const struct dt_entry *dt_match(const struct dt_table *t, uint16_t vendor, uint16_t device,
				uint16_t bdf);

#endif
