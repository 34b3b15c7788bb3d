/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The console protocol, served by uartd over the connection named
 * "console" (see rt/svc.h for connections and messages).
 *
 *   CONSOLE_WRITE  data[0..len): bytes to print as they are, except that
 *                  '\n' goes out as "\r\n" (as the kernel's console does).
 *                  Reply: status (VX_E_TIMEOUT if the transmitter stopped
 *                  taking bytes; the rest of the message is lost).
 *   CONSOLE_READ   no data.  The reply comes when at least one byte of input
 *                  is available: data[0..len) holds up to VX_MSG_DATA bytes,
 *                  raw, in arrival order (Enter arrives as '\r'; uartd
 *                  echoes nothing).  One read may wait per connection: a
 *                  second read on the same connection replaces the first,
 *                  which is answered VX_E_AGAIN (its caller's deadline has
 *                  passed, or it would not be asking again).  Waiting reads
 *                  of different connections are served oldest first: input
 *                  goes to the connection that reads it; bytes that arrive
 *                  with no reader are kept in a 1 KiB buffer (older bytes
 *                  are dropped first when it overflows, and counted).
 *   CONSOLE_INFO   Reply data: struct console_info.
 * Any other op (0xffffffff included): VX_E_NOSYS (rt/svc.h).
 */
#ifndef VECTRA_PROTO_CONSOLE_H
#define VECTRA_PROTO_CONSOLE_H

#include <stdint.h>

enum console_op {
	CONSOLE_WRITE = 1,
	CONSOLE_READ = 2,
	CONSOLE_INFO = 3,
};

struct console_info {
	uint64_t bytes_in;  /* received since this uartd started */
	uint64_t bytes_out; /* written since this uartd started */
	uint64_t dropped;   /* input bytes lost to a full buffer */
	uint64_t irqs;	    /* receive interrupts handled */
};

#endif
