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
 * Errors: VX_E_INVAL (data of the wrong length), VX_E_NOSYS (any other op).
 */
#ifndef VECTRA_PROTO_DEVICES_H
#define VECTRA_PROTO_DEVICES_H

#include <stdint.h>

enum dev_op { DEV_LIST = 1, DEV_CRASH = 2 };

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
	uint8_t state; /* enum dev_state */
	uint8_t reserved;
	uint32_t restarts; /* driver lives after the first */
	uint64_t irqs;	   /* interrupts its MSI lines took */
	uint64_t dma_faults;
	char driver[24]; /* "" when unclaimed */
	char note[72];	 /* the last stop or refusal, for people */
};
_Static_assert(sizeof(struct dev_info) == 128, "dev_info layout");

#endif
