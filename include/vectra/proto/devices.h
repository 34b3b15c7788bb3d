/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device manager's protocol, served by devd over connections named
 * "devices" (docs/DEVICES.md).  devd enumerates every PCI function at
 * boot, starts the driver that etc/drivers names for it with exactly that
 * function's capabilities, and supervises it.
 *
 *   DEV_LIST   data: u32 index (little-endian) -> struct dev_info of the
 *              index-th function found, in bus/device/function order;
 *              VX_E_NOTFOUND past the last.
 *   DEV_CRASH  data: u16 bdf -> fault injection: the function's driver is
 *              made to fault (as INIT_CRASH does for a service), and devd's
 *              supervision takes its course: the device is stopped and the
 *              driver restarted.  VX_E_NOTFOUND for a function devd does
 *              not know, VX_E_STATE for one whose driver is not running.
 *
 *   DEV_OPEN   data: struct dev_open -> ncaps 2 (the client ends of a new
 *              connection to a driver, req then rep, to bind with
 *              vx_client_attach) and struct dev_opened.  The driver is the
 *              unit-th running one (from 0, in bus/device/function order)
 *              among those whose etc/drivers line says "serve SERVICE"
 *              ("blk": disks, proto/blk.h; "netif": network cards,
 *              proto/netif.h); part and flags go to it unread, in the
 *              connection's attach record (op DEV_ATTACH; for "blk":
 *              struct blk_attach).  The
 *              connection lives as long as that life of the driver.
 *              VX_E_NOTFOUND: no such unit; VX_E_STATE: its driver is not
 *              running (it is restarting: ask again); VX_E_FULL: it has
 *              DEV_CONN_MAX connections in use; VX_E_INVAL: a reserved
 *              field set, or a service name without its NUL.
 *
 * Errors: VX_E_INVAL (data of the wrong length), VX_E_NOSYS (any other op).
 *
 * Holding a connection to devd is holding every device: DEV_OPEN reaches
 * every disk and network card, DEV_CRASH every driver.  The manifest gives it to vfsd and
 * to the shell only.
 */
#ifndef VECTRA_PROTO_DEVICES_H
#define VECTRA_PROTO_DEVICES_H

#include <stdint.h>

enum dev_op { DEV_LIST = 1, DEV_CRASH = 2, DEV_OPEN = 3 };

/* The op of the attach record devd writes to a driver's port before each
 * pair DEV_OPEN makes (rt/svc.h, ATTACHED PORTS); its data is part then
 * flags, two u32s, whatever the protocol.  For "blk" it is BLK_ATTACH,
 * the same value, with struct blk_attach; "netif" wants both 0. */
#define DEV_ATTACH 0x100u

#define DEV_CONN_MAX 16 /* connections devd keeps open to one driver */

enum dev_state {
	DEV_UNCLAIMED = 0,  /* no driver is named for it */
	DEV_RUNNING = 1,    /* its driver runs */
	DEV_RESTARTING = 2, /* its driver stopped; devd waits out the back-off */
	DEV_GAVE_UP = 3,    /* its driver stopped too often */
	DEV_REFUSED = 4,    /* devd would not start its driver: note says why */
	DEV_REMOVED = 5,    /* hot-removed: its driver stopped, its capabilities revoked */
};

struct dev_info {
	uint16_t bdf; /* bus << 8 | device << 3 | function */
	uint16_t vendor, device;
	uint8_t class_code, subclass, prog_if;
	uint8_t state;	   /* enum dev_state */
	uint8_t cpu;	   /* the CPU its driver runs on, or last ran on; 0xff: no driver */
	uint32_t restarts; /* driver lives after the first */
	uint64_t irqs;	   /* interrupts its MSI lines took */
	uint64_t dma_faults;
	char driver[24];       /* "" when unclaimed */
	uint64_t driver_bytes; /* what its driver's Reticle has in use (0: no driver) */
	char note[64];	       /* the last stop or refusal, for people */
};
_Static_assert(sizeof(struct dev_info) == 128, "dev_info layout");

struct dev_open {
	char service[16];  /* "blk" or "netif", NUL-terminated */
	uint32_t unit;	   /* which of the drivers serving it */
	uint32_t part;	   /* for the driver (blk: 0 the whole disk, n the n-th partition) */
	uint32_t flags;	   /* for the driver (blk: BLK_ATTACH_RO) */
	uint32_t reserved; /* 0 */
};
_Static_assert(sizeof(struct dev_open) == 32, "dev_open layout");

struct dev_opened {
	uint16_t bdf; /* the function whose driver serves the connection */
	uint16_t reserved;
	uint32_t life; /* which life of the driver: restarts + 1 */
};
_Static_assert(sizeof(struct dev_opened) == 8, "dev_opened layout");

#endif
