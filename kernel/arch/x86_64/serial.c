/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * COM1 as the kernel's console: early boot messages and fatal diagnostics.
 * Polled output only; user land reaches the port through an I/O-port
 * capability (device.c).
 */
#include "core/kernel.h"

#define COM1 0x3f8

/* Sets COM1 to 115200 8N1 with FIFOs, polled (no interrupts). */
void serial_init(void)
{
	outb(COM1 + 1, 0x00); /* no interrupts */
	outb(COM1 + 3, 0x80); /* DLAB */
	outb(COM1 + 0, 0x01); /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8N1 */
	outb(COM1 + 2, 0xc7); /* FIFO on, cleared */
	outb(COM1 + 4, 0x0b); /* DTR, RTS, OUT2 */
}

static void serial_putc(char c)
{
	for (int spins = 0; spins < 100000 && !(inb(COM1 + 5) & 0x20); spins++)
		;
	outb(COM1, (uint8_t)c);
}

/* Writes n bytes, turning "\n" into "\r\n" for terminals. */
void serial_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}
