/* SPDX-License-Identifier: BSD-3-Clause */
/* The hostile test program's parts (main.c, net.c). */
#ifndef TESTS_HOSTILE_H
#define TESTS_HOSTILE_H

#include "vectra/bundle.h"

/* One line to the console, for the scenario to match. */
__attribute__((format(printf, 1, 2))) void say(const char *fmt, ...);

/* "nettest": the network driver and its frame protocol (net.c). */
int do_net(const struct vx_bundle_page *b);

/* "socktest": netd's sockets, used and misused (sock.c). */
int do_sock(const struct vx_bundle_page *b);

#endif
