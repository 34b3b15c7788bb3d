/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Client of the device manager's protocol (vectra/proto/devices.h): the
 * connections devd makes to drivers (DEV_OPEN), which client/blk.h and
 * client/netif.h open, bind, and open again when a driver's life ends.
 * Built for VectraOS only (devices.c, libvxclient.a).
 */
#ifndef VX_CLIENT_DEVICES_H
#define VX_CLIENT_DEVICES_H

#include <stdint.h>
#include "rt/svc.h"
#include "vectra/proto/devices.h"

/* One DEV_OPEN of *o through devd: the new connection's client ends are
 * bound into *c at va (a VX_SVC_CONN_SPAN of free address space) with wake
 * bit `bit`, and *opened says which function and life serve it.  devd's
 * error (VX_E_STATE while the driver restarts), VX_E_HANGUP at once when
 * devd is not running (killed, or between two of its lives: nothing was
 * asked; docs/DEVICES.md, "When devd dies"), the transport's, or
 * VX_E_CORRUPT for a reply without its two ends. */
int vx_dev_open(struct vx_client *devd, const struct dev_open *o, struct dev_opened *opened,
		struct vx_client *c, uint64_t va, uint32_t bit, uint64_t deadline);

/* The same, asked again every 20 ms while devd answers VX_E_STATE (the
 * driver is restarting), until the deadline (VX_E_TIMEOUT). */
int vx_dev_open_wait(struct vx_client *devd, const struct dev_open *o, struct dev_opened *opened,
		     struct vx_client *c, uint64_t va, uint32_t bit, uint64_t deadline);

/* The same, also waiting while devd is not running (VX_E_HANGUP), for a
 * caller in the middle of work it cannot leave half done (a file system
 * between two writes): until the deadline, then VX_E_HANGUP. */
int vx_dev_open_patient(struct vx_client *devd, const struct dev_open *o, struct dev_opened *opened,
			struct vx_client *c, uint64_t va, uint32_t bit, uint64_t deadline);

/* Unbinds and deletes a connection's two client ends; devd takes the pair
 * back once nobody has it bound (init, when devd's life that made it is
 * over).  c is left all zero: a call on it is VX_E_STATE, not a touch of
 * the pages just unmapped. */
void vx_dev_close(struct vx_client *c);

#endif
