/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * uartd: the COM1 driver, serving the console protocol (vectra/proto/console.h) to
 * every connection init hands it.
 *
 * Bundle:
 *   com1    IoPort 0x3f8..0x3ff, READ | WRITE
 *   irq     Irq covering line 4, CONTROL (bind and ack)
 *   irqsig  Signal for one bit of uartd's own mask: the kernel raises it on
 *           IRQ 4.  uartd holds no Task cap to itself, so it cannot mint
 *           this; init does (SIG_MINT on uartd's Task) and grants it.
 *   port    Ring, CONSUME: the service port (rt/svc.h)
 *
 * Signal bits: irqsig's bit(s), and for the port and connections the lowest
 * bit that is not irqsig's (bit 0 unless irqsig is bit 0; init should mint
 * irqsig for bit 1).  Server area at 0x10000000 (port, then one
 * VX_SVC_CONN_SPAN per connection).
 *
 * Output: each client's message is one kernel console write, so that it
 * reaches the port whole (console_out); if the kernel refused, it would be
 * polled out here instead: the transmitter fed while LSR says its FIFO is
 * empty, with a bounded spin, and whatever arrives meanwhile pulled into
 * the input buffer.  Input is interrupt-driven: the UART raises IRQ 4 when
 * it holds received data; uartd drains it into a 1 KiB buffer
 * (pure_uart.h), acknowledges the line and answers the oldest waiting
 * CONSOLE_READ.  uartd echoes nothing; the reader decides what to show.
 */
#include <stdarg.h>
#include "rt/vx.h"
#include "rt/svc.h"
#include "vx_string.h"
#include "vectra/proto/console.h"
#include "pure_uart.h"

_Static_assert(UART_READERS_MAX == VX_SVC_MAX_CONNS, "one waiting read per connection");

#define SERVER_VA 0x10000000ull
#define COM1	  0x3f8u
#define IRQ_LINE  4u

/* 16550 registers (offsets from COM1) and bits. */
#define REG_DATA 0u /* RBR (read) / THR (write); DLL with DLAB */
#define REG_IER	 1u /* interrupt enable; DLM with DLAB */
#define REG_FCR	 2u /* FIFO control (write) / IIR (read) */
#define REG_LCR	 3u
#define REG_MCR	 4u
#define REG_LSR	 5u

#define IER_RDA	    0x01u /* received data available */
#define FCR_ON	    0x07u /* FIFO on, both cleared, receive trigger at 1 byte */
#define IIR_FIFO    0xc0u /* both set: the FIFOs are on (a 16550A) */
#define LCR_DLAB    0x80u
#define LCR_8N1	    0x03u
#define MCR_DTR_RTS 0x03u
#define MCR_OUT2    0x08u /* gates the UART's interrupt onto the ISA line */
#define LSR_DR	    0x01u /* a received byte waits in RBR */
#define LSR_THRE    0x20u /* the transmit holding register (FIFO) is empty */

#define TX_SPINS  200000u /* LSR polls before the transmitter is declared stuck */
#define TX_FIFO	  16u
#define RX_BUDGET 4096u /* bytes pulled per drain: a bound, not a limit */

static struct {
	vx_handle_t io, irq;
	uint64_t irq_mask;
	uint32_t tx_burst; /* bytes the transmitter takes once THRE is seen */
	struct vx_server srv;
	struct uart_rx rx;
	struct uart_readers readers;
	struct console_info info;
} U;

static uint8_t inb(uint32_t reg)
{
	int64_t v = vx_port_in(U.io, COM1 + reg, VX_PORT_WIDTH_8);

	return v < 0 ? 0 : (uint8_t)v;
}

static void outb(uint32_t reg, uint8_t v)
{
	vx_port_out(U.io, COM1 + reg, VX_PORT_WIDTH_8, v);
}

/* Moves every byte the UART holds into the input buffer.  Returns the last
 * LSR read (without DR). */
static uint8_t pull_rx(void)
{
	uint8_t lsr = 0;

	for (uint32_t i = 0; i < RX_BUDGET; i++) {
		lsr = inb(REG_LSR);
		if (!(lsr & LSR_DR))
			break;
		uart_rx_put(&U.rx, inb(REG_DATA));
		U.info.bytes_in++;
	}
	return lsr;
}

/* Waits, boundedly, until the transmitter is empty; input that arrives
 * meanwhile is kept.  false if it never empties. */
static bool tx_wait(void)
{
	for (uint32_t spins = 0; spins < TX_SPINS; spins++) {
		uint8_t lsr = inb(REG_LSR);
		if (lsr & LSR_DR)
			lsr = pull_rx();
		if (lsr & LSR_THRE)
			return true;
	}
	return false;
}

/* Writes s[0..n), '\n' as "\r\n" like the kernel's console.  VX_OK, or
 * VX_E_TIMEOUT if the transmitter stopped taking bytes (the rest is lost). */
static int uart_write(const uint8_t *s, size_t n)
{
	size_t i = 0;
	bool cr_sent = false;

	while (i < n) {
		if (!tx_wait())
			return VX_E_TIMEOUT;
		for (uint32_t k = 0; k < U.tx_burst && i < n; k++) {
			if (s[i] == '\n' && !cr_sent) {
				outb(REG_DATA, '\r');
				cr_sent = true;
				continue;
			}
			outb(REG_DATA, s[i++]);
			cr_sent = false;
			U.info.bytes_out++;
		}
	}
	return VX_OK;
}

/*
 * Writes one client's message in one piece.  The kernel's console write
 * takes the whole buffer under the kernel lock, so nothing else written to
 * COM1 (init's early lines and uartd's own, which go through the kernel's
 * console, or the kernel's diagnostics) can land inside it, as it could
 * between the port writes of uart_write on another CPU.  uart_write is the
 * fallback if the kernel refuses (it never should: com1 covers 0x3f8 with
 * WRITE).  VX_OK, or uart_write's error.
 */
static int console_out(const uint8_t *s, size_t n)
{
	if (vx_console_write(U.io, s, n) >= 0) {
		U.info.bytes_out += n;
		return VX_OK;
	}
	return uart_write(s, n);
}

/* Programs 115200 8N1 with FIFOs, interrupts off; see uart_enable_rx. */
static void uart_program(void)
{
	outb(REG_IER, 0);
	outb(REG_LCR, LCR_DLAB);
	outb(REG_DATA, 1); /* divisor 1: 115200 baud */
	outb(REG_IER, 0);
	outb(REG_LCR, LCR_8N1);
	outb(REG_FCR, FCR_ON);
	U.tx_burst = (inb(REG_FCR) & IIR_FIFO) == IIR_FIFO ? TX_FIFO : 1;
	outb(REG_MCR, MCR_DTR_RTS | MCR_OUT2);
}

/* Takes input that arrived before uartd ran and turns the receive
 * interrupt on. */
static void uart_enable_rx(void)
{
	pull_rx();
	outb(REG_IER, IER_RDA);
}

/* Answers waiting reads, oldest first, while input lasts.  A read whose
 * connection has gone (or whose reply ring is full) is forgotten; its bytes
 * stay for the next reader. */
static void deliver(void)
{
	while (uart_rx_len(&U.rx) > 0) {
		const struct uart_read *r = uart_readers_first(&U.readers);
		if (!r)
			return;
		struct vx_server_conn *c = &U.srv.conn[r->conn];
		struct vx_msg m = {.op = CONSOLE_READ, .seq = r->seq, .status = VX_OK};
		bool live = c->open && c->req_h == r->tag;
		size_t n = 0;
		int rc = VX_E_STATE;

		if (live) {
			n = uart_rx_peek(&U.rx, m.data, VX_MSG_DATA);
			m.len = (uint16_t)n;
			rc = vx_server_reply(&U.srv, c, &m);
		}
		uart_readers_pop(&U.readers);
		if (rc == VX_OK)
			uart_rx_consume(&U.rx, n);
	}
}

/* IRQ 4 fired (the line is masked until the ack). */
static void on_irq(void)
{
	U.info.irqs++;
	pull_rx();
	U.info.dropped = U.rx.dropped;
	vx_irq_ack(U.irq, IRQ_LINE);
}

/* Queues a read; a read this connection left waiting before (its call
 * timed out) is answered VX_E_AGAIN and replaced. */
static enum vx_svc_disp serve_read(struct vx_server *s, struct vx_server_conn *c, struct vx_msg *m)
{
	struct uart_read old;
	int rc = uart_readers_add(&U.readers, c->id, c->req_h, m->seq, &old);

	if (rc < 0) {
		m->status = rc;
		return VX_SVC_REPLY;
	}
	if (rc == 1) {
		struct vx_msg r = {.op = CONSOLE_READ, .seq = old.seq, .status = VX_E_AGAIN};
		vx_server_reply(s, c, &r);
	}
	return VX_SVC_DEFER; /* deliver() answers it once input exists */
}

static enum vx_svc_disp serve(struct vx_server *s, struct vx_server_conn *c, struct vx_msg *m,
			      void *ctx)
{
	(void)ctx;
	m->ncaps = 0;
	switch (m->op) {
	case CONSOLE_WRITE:
		m->status = console_out(m->data, m->len);
		m->len = 0;
		return VX_SVC_REPLY;
	case CONSOLE_READ:
		m->len = 0;
		return serve_read(s, c, m);
	case CONSOLE_INFO:
		U.info.dropped = U.rx.dropped;
		memcpy(m->data, &U.info, sizeof(U.info));
		m->len = sizeof(U.info);
		return VX_SVC_REPLY;
	default:
		m->status = VX_E_NOSYS;
		m->len = 0;
		return VX_SVC_REPLY;
	}
}

/* Prints a line straight to the UART: uartd is the console. */
__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...)
{
	char line[128];
	va_list ap;

	va_start(ap, fmt);
	int n = vx_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 1)
		n = (int)sizeof(line) - 1;
	/* One kernel console write: whole, even when init (on another CPU)
	 * writes a line of its own at the same moment. */
	if (vx_console_write(U.io, line, (size_t)n) < 0)
		uart_write((const uint8_t *)line, (size_t)n);
}

/* Finds the capabilities.  VX_OK, or the error of the slot named *missing. */
static int take_bundle(const struct vx_bundle_page *b, vx_handle_t *sig, const char **missing)
{
	const struct vx_bundle_entry *e;
	int64_t io = vx_bundle_handle(b, "com1", VX_OBJ_IOPORT);
	int64_t irq = vx_bundle_handle(b, "irq", VX_OBJ_IRQ);
	int rc = vx_bundle_find(b, "irqsig", VX_OBJ_SIGNAL, &e);

	if (io > 0)
		U.io = (vx_handle_t)io;
	*missing = io < 0 ? "com1" : irq < 0 ? "irq" : "irqsig";
	if (io < 0 || irq < 0)
		return (int)(io < 0 ? io : irq);
	if (rc != VX_OK)
		return rc;
	if (e->narrow == 0 || e->narrow == UINT64_MAX)
		return VX_E_INVAL; /* no bit, or none left for the service */
	U.irq = (vx_handle_t)irq;
	U.irq_mask = e->narrow;
	*sig = e->handle;
	return VX_OK;
}

int main(const struct vx_bundle_page *b, const char *args)
{
	const char *missing = "";
	vx_handle_t sig = 0;
	uint32_t bit;
	int rc;

	(void)args;
	if ((rc = take_bundle(b, &sig, &missing)) != VX_OK) {
		if (U.io)
			say("uartd: Bundle slot '%s' missing or wrong (%d)\n", missing, rc);
		return 1;
	}
	for (bit = 0; U.irq_mask & (1ull << bit); bit++)
		; /* the lowest bit that is not irqsig's */
	uart_rx_init(&U.rx);
	uart_readers_init(&U.readers);
	uart_program();
	if ((rc = vx_server_init(&U.srv, b, SERVER_VA, bit)) != VX_OK) {
		say("uartd: no service port (%d)\n", rc);
		return 1;
	}
	if ((rc = (int)vx_irq_bind(U.irq, IRQ_LINE, sig)) < 0) {
		say("uartd: cannot bind IRQ %u (%d)\n", IRQ_LINE, rc);
		return 1;
	}
	uart_enable_rx();
	say("uartd: COM1 at 115200 8N1, IRQ %u, serving the console\n", IRQ_LINE);
	for (;;) {
		uint64_t fired = vx_server_wait(&U.srv, U.irq_mask, VX_DEADLINE_NEVER);
		if (fired & U.irq_mask)
			on_irq();
		vx_server_poll(&U.srv, serve, NULL);
		deliver();
	}
}
