/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * uartd's pure bookkeeping: the input buffer (order, overflow drops the
 * oldest and counts, peek then consume) and the queue of waiting reads
 * (FIFO, one per connection, supersede, stale slots).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <vectra/abi.h>
#include "../../services/uartd/pure_uart.h"

static struct uart_rx rx;

static void test_rx_order(void **state)
{
	uint8_t out[8];

	(void)state;
	uart_rx_init(&rx);
	assert_int_equal(uart_rx_len(&rx), 0);
	assert_int_equal(uart_rx_peek(&rx, out, sizeof(out)), 0);
	for (int i = 0; i < 5; i++)
		uart_rx_put(&rx, (uint8_t)('a' + i));
	assert_int_equal(uart_rx_len(&rx), 5);
	assert_int_equal(uart_rx_peek(&rx, out, 3), 3);
	assert_memory_equal(out, "abc", 3);
	assert_int_equal(uart_rx_len(&rx), 5); /* peek takes nothing */
	uart_rx_consume(&rx, 2);
	assert_int_equal(uart_rx_peek(&rx, out, sizeof(out)), 3);
	assert_memory_equal(out, "cde", 3);
	uart_rx_consume(&rx, 100); /* more than there is: takes all */
	assert_int_equal(uart_rx_len(&rx), 0);
	assert_int_equal(rx.dropped, 0);
}

static void test_rx_overflow_drops_oldest(void **state)
{
	static uint8_t out[UART_RX_BYTES];

	(void)state;
	uart_rx_init(&rx);
	for (uint32_t i = 0; i < UART_RX_BYTES + 10; i++)
		uart_rx_put(&rx, (uint8_t)i);
	assert_int_equal(uart_rx_len(&rx), UART_RX_BYTES);
	assert_int_equal(rx.dropped, 10);
	assert_int_equal(uart_rx_peek(&rx, out, sizeof(out)), UART_RX_BYTES);
	for (uint32_t i = 0; i < UART_RX_BYTES; i++)
		assert_int_equal(out[i], (uint8_t)(i + 10)); /* the newest survive */
}

static void test_rx_wraps(void **state)
{
	uint8_t out[4];

	(void)state;
	uart_rx_init(&rx);
	/* Counters near the 32-bit wrap behave the same. */
	rx.head = rx.tail = UINT32_MAX - 1;
	for (int i = 0; i < 4; i++)
		uart_rx_put(&rx, (uint8_t)('w' + i));
	assert_int_equal(uart_rx_len(&rx), 4);
	assert_int_equal(uart_rx_peek(&rx, out, 4), 4);
	assert_memory_equal(out, "wxyz", 4);
	/* Many rounds of put/consume across the buffer edge. */
	uart_rx_init(&rx);
	for (uint32_t round = 0; round < 3 * UART_RX_BYTES; round++) {
		uart_rx_put(&rx, (uint8_t)round);
		uart_rx_put(&rx, (uint8_t)(round + 1));
		assert_int_equal(uart_rx_peek(&rx, out, 1), 1);
		assert_int_equal(out[0], (uint8_t)round);
		uart_rx_consume(&rx, 2);
	}
	assert_int_equal(uart_rx_len(&rx), 0);
	assert_int_equal(rx.dropped, 0);
}

static void test_readers_fifo(void **state)
{
	struct uart_readers rs;
	const struct uart_read *r;

	(void)state;
	uart_readers_init(&rs);
	assert_null(uart_readers_first(&rs));
	uart_readers_pop(&rs); /* harmless when empty */
	assert_int_equal(uart_readers_add(&rs, 3, 30, 7, NULL), 0);
	assert_int_equal(uart_readers_add(&rs, 1, 10, 8, NULL), 0);
	r = uart_readers_first(&rs);
	assert_non_null(r);
	assert_int_equal(r->conn, 3);
	assert_int_equal(r->tag, 30);
	assert_int_equal(r->seq, 7);
	uart_readers_pop(&rs);
	r = uart_readers_first(&rs);
	assert_int_equal(r->conn, 1);
	assert_int_equal(r->seq, 8);
	uart_readers_pop(&rs);
	assert_null(uart_readers_first(&rs));
}

static void test_readers_supersede(void **state)
{
	struct uart_readers rs;
	struct uart_read old;

	(void)state;
	uart_readers_init(&rs);
	assert_int_equal(uart_readers_add(&rs, 2, 20, 1, NULL), 0);
	assert_int_equal(uart_readers_add(&rs, 5, 50, 1, NULL), 0);
	/* The same connection reads again: the first read is handed back... */
	assert_int_equal(uart_readers_add(&rs, 2, 20, 2, &old), 1);
	assert_int_equal(old.conn, 2);
	assert_int_equal(old.seq, 1);
	/* ...and the new one queues behind the others. */
	assert_int_equal(rs.n, 2);
	assert_int_equal(uart_readers_first(&rs)->conn, 5);
	uart_readers_pop(&rs);
	assert_int_equal(uart_readers_first(&rs)->seq, 2);
}

static void test_readers_stale_slot(void **state)
{
	struct uart_readers rs;
	struct uart_read old = {0};

	(void)state;
	uart_readers_init(&rs);
	assert_int_equal(uart_readers_add(&rs, 4, 40, 9, &old), 0);
	/* Slot 4 reused by a new connection (new tag): the old read just goes. */
	assert_int_equal(uart_readers_add(&rs, 4, 41, 1, &old), 0);
	assert_int_equal(old.seq, 0); /* untouched */
	assert_int_equal(rs.n, 1);
	assert_int_equal(uart_readers_first(&rs)->tag, 41);
}

static void test_readers_drop_and_bounds(void **state)
{
	struct uart_readers rs;

	(void)state;
	uart_readers_init(&rs);
	assert_int_equal(uart_readers_add(&rs, UART_READERS_MAX, 1, 1, NULL), VX_E_INVAL);
	for (uint32_t i = 0; i < UART_READERS_MAX; i++)
		assert_int_equal(uart_readers_add(&rs, i, 100 + i, i, NULL), 0);
	assert_int_equal(rs.n, UART_READERS_MAX);
	/* Full, yet every connection may still re-read (it supersedes). */
	assert_int_equal(uart_readers_add(&rs, 0, 100, 99, NULL), 1);
	assert_int_equal(rs.n, UART_READERS_MAX);
	uart_readers_drop(&rs, 7);
	assert_int_equal(rs.n, UART_READERS_MAX - 1);
	uart_readers_drop(&rs, 7); /* nothing left for 7 */
	assert_int_equal(rs.n, UART_READERS_MAX - 1);
	for (uint32_t i = 0; i < rs.n; i++)
		assert_int_not_equal(rs.q[i].conn, 7);
	assert_int_equal(uart_readers_first(&rs)->conn, 1); /* 0 moved to the back */
	assert_int_equal(rs.q[rs.n - 1].conn, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rx_order),
	    cmocka_unit_test(test_rx_overflow_drops_oldest),
	    cmocka_unit_test(test_rx_wraps),
	    cmocka_unit_test(test_readers_fifo),
	    cmocka_unit_test(test_readers_supersede),
	    cmocka_unit_test(test_readers_stale_slot),
	    cmocka_unit_test(test_readers_drop_and_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
