/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * uartd's input buffer and read queue (see pure_uart.h).
 */
#include <vectra/abi.h>
#include "pure_uart.h"

_Static_assert((UART_RX_BYTES & (UART_RX_BYTES - 1)) == 0, "UART_RX_BYTES is a power of two");

void uart_rx_init(struct uart_rx *r)
{
	r->head = 0;
	r->tail = 0;
	r->dropped = 0;
}

void uart_rx_put(struct uart_rx *r, uint8_t c)
{
	if (r->head - r->tail == UART_RX_BYTES) {
		r->tail++;
		r->dropped++;
	}
	r->buf[r->head & (UART_RX_BYTES - 1)] = c;
	r->head++;
}

size_t uart_rx_len(const struct uart_rx *r)
{
	return r->head - r->tail;
}

size_t uart_rx_peek(const struct uart_rx *r, uint8_t *out, size_t max)
{
	size_t n = uart_rx_len(r);

	if (n > max)
		n = max;
	for (size_t i = 0; i < n; i++)
		out[i] = r->buf[(r->tail + i) & (UART_RX_BYTES - 1)];
	return n;
}

void uart_rx_consume(struct uart_rx *r, size_t n)
{
	size_t have = uart_rx_len(r);

	r->tail += (uint32_t)(n < have ? n : have);
}

void uart_readers_init(struct uart_readers *rs)
{
	rs->n = 0;
}

/* Removes q[i], keeping the order of the rest. */
static void remove_at(struct uart_readers *rs, uint32_t i)
{
	for (; i + 1 < rs->n; i++)
		rs->q[i] = rs->q[i + 1];
	rs->n--;
}

int uart_readers_add(struct uart_readers *rs, uint32_t conn, uint64_t tag, uint32_t seq,
		     struct uart_read *old)
{
	int superseded = 0;

	if (conn >= UART_READERS_MAX)
		return VX_E_INVAL;
	for (uint32_t i = 0; i < rs->n; i++) {
		if (rs->q[i].conn != conn)
			continue;
		if (rs->q[i].tag == tag) {
			if (old)
				*old = rs->q[i];
			superseded = 1;
		}
		remove_at(rs, i);
		break; /* at most one entry per slot */
	}
	/* One entry per slot and UART_READERS_MAX slots: there is room. */
	rs->q[rs->n].conn = conn;
	rs->q[rs->n].tag = tag;
	rs->q[rs->n].seq = seq;
	rs->n++;
	return superseded;
}

const struct uart_read *uart_readers_first(const struct uart_readers *rs)
{
	return rs->n > 0 ? &rs->q[0] : NULL;
}

void uart_readers_pop(struct uart_readers *rs)
{
	if (rs->n > 0)
		remove_at(rs, 0);
}

void uart_readers_drop(struct uart_readers *rs, uint32_t conn)
{
	for (uint32_t i = 0; i < rs->n; i++) {
		if (rs->q[i].conn == conn) {
			remove_at(rs, i);
			return;
		}
	}
}
