/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * uartd's pure bookkeeping: the input buffer and the queue of waiting reads.
 * No I/O here; tests/host/test_uart.c drives both.
 *
 * THE INPUT BUFFER
 *
 * Bytes from the UART wait in a ring of UART_RX_BYTES until a reader takes
 * them.  When it is full, a new byte pushes out the oldest one and the loss
 * is counted: the newest input (what the user is typing now) is the input
 * worth keeping.  A reader first peeks at what it could take and consumes
 * only what it actually delivered, so a reply that cannot be sent loses no
 * bytes.
 *
 * THE WAITING READS
 *
 * CONSOLE_READ is answered only when input exists, so a read waits in a FIFO
 * of at most UART_READERS_MAX entries, one per connection: input goes to the
 * oldest waiting read.  A connection is named by its slot (conn) and a tag
 * that changes when the slot is reused (uartd uses the connection's request
 * handle), so a read left by a client that hung up is recognised as stale
 * and never answered on its successor's connection.
 */
#ifndef UARTD_PURE_UART_H
#define UARTD_PURE_UART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UART_RX_BYTES	 1024u /* a power of two */
#define UART_READERS_MAX 16u   /* = VX_SVC_MAX_CONNS: one read per connection */

struct uart_rx {
	uint8_t buf[UART_RX_BYTES];
	uint32_t head;	  /* total bytes ever put (free-running) */
	uint32_t tail;	  /* total bytes ever taken or dropped; head - tail <= UART_RX_BYTES */
	uint64_t dropped; /* bytes pushed out by newer ones */
};

/* An empty buffer. */
void uart_rx_init(struct uart_rx *r);

/* Appends c, dropping (and counting) the oldest byte if the buffer is full. */
void uart_rx_put(struct uart_rx *r, uint8_t c);

/* Bytes waiting. */
size_t uart_rx_len(const struct uart_rx *r);

/* Copies up to max of the oldest bytes to out without taking them; returns
 * how many. */
size_t uart_rx_peek(const struct uart_rx *r, uint8_t *out, size_t max);

/* Takes (forgets) the n oldest bytes; n larger than uart_rx_len takes all. */
void uart_rx_consume(struct uart_rx *r, size_t n);

struct uart_read {
	uint32_t conn; /* connection slot */
	uint64_t tag;  /* identifies this use of the slot */
	uint32_t seq;  /* the request's seq, echoed in the reply */
};

struct uart_readers {
	struct uart_read q[UART_READERS_MAX]; /* q[0] is the oldest */
	uint32_t n;
};

/* No waiting reads. */
void uart_readers_init(struct uart_readers *rs);

/*
 * Queues a read for (conn, tag, seq).  A read already waiting on the same
 * connection (same conn and tag) is superseded: it is removed and copied to
 * *old (if old is not NULL), and the call returns 1 (its owner must be answered); a leftover from
 * an earlier use of the slot (same conn, another tag) is dropped silently.
 * Returns 0 when nothing was superseded, VX_E_INVAL for conn >=
 * UART_READERS_MAX.  The new read goes to the back of the queue.
 */
int uart_readers_add(struct uart_readers *rs, uint32_t conn, uint64_t tag, uint32_t seq,
		     struct uart_read *old);

/* The oldest waiting read, or NULL. */
const struct uart_read *uart_readers_first(const struct uart_readers *rs);

/* Removes the oldest waiting read (no-op when empty). */
void uart_readers_pop(struct uart_readers *rs);

/* Removes any read waiting on slot conn (its client went away). */
void uart_readers_drop(struct uart_readers *rs, uint32_t conn);

#endif
