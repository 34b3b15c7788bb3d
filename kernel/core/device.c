/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Devices reach user land as capabilities, never as kernel drivers:
 *  - an IRQ capability covers a range of interrupt lines (VX_IRQ_*: the
 *    IOAPIC's inputs, then the MSI lines); binding a line routes it to a
 *    Signal capability's bits.  A line is disarmed from the moment it fires
 *    until the driver acknowledges it: a level-triggered IOAPIC line is
 *    masked at the IOAPIC (it would fire again at once); an edge-triggered
 *    one and an MSI line are gated here instead, and a firing while gated
 *    is remembered and raised at the acknowledgement.  (A masked IOAPIC
 *    input drops edges: the UART's next interrupt would be lost for good.)
 *  - an I/O-port capability covers a range of ports; the kernel performs
 *    each access after checking the range (no I/O bitmap is shared).
 * Line 0 (the PIT) and line 2 (the old cascade) are never handed out.
 */
#include "core/kernel.h"

struct kobj irq_root_obj, ioport_root_obj, pci_root_obj;
static struct cap route[VX_IRQ_LINES]; /* kernel-held Signal caps */
static uint64_t fired[VX_IRQ_LINES];   /* interrupts taken since boot */
static uint8_t armed[VX_IRQ_LINES];    /* a firing raises the route */
static uint8_t held[VX_IRQ_LINES];     /* fired while disarmed (MSI lines) */

static void root_init(struct kobj *o, uint32_t type)
{
	o->type = (uint8_t)type;
	o->state = KOBJ_LIVE;
	o->fixed = 1;
}

/* Makes the IRQ, I/O-port and PCI roots live.  Once, at boot, on the
 * boot CPU before any other starts. */
void device_init(void)
{
	root_init(&irq_root_obj, VX_OBJ_IRQ);
	root_init(&ioport_root_obj, VX_OBJ_IOPORT);
	root_init(&pci_root_obj, VX_OBJ_PCI);
}

static bool is_msi(unsigned line)
{
	return line >= VX_IRQ_MSI_FIRST;
}

/* An interrupt on a line (boot CPU, lock held): count it; if armed, disarm
 * and raise the route's bits. */
void device_irq(unsigned line)
{
	if (line >= VX_IRQ_LINES)
		return;
	fired[line]++;
	if (irq_line_level(line))
		irq_mask(line, true);
	if (!route[line].obj)
		return;
	if (!armed[line]) {
		held[line] = 1;
		return;
	}
	armed[line] = 0;
	signal_raise_cap(&route[line], route[line].narrow);
}

/* Interrupts taken since boot by the lines of range (first | count << 32),
 * for CAP_INSPECT of an Irq capability. */
uint64_t device_irq_count(uint64_t range)
{
	uint64_t first = range & 0xffffffffu, n = range >> 32, sum = 0;

	for (uint64_t l = first; l < VX_IRQ_LINES && l - first < n; l++)
		sum += fired[l];
	return sum;
}

/* Decode for IRQ_BIND and IRQ_ACK: the Irq cap with CONTROL, and a line in
 * its range that this machine has. */
static int line_decode(uint64_t h, uint64_t line)
{
	struct cap *ic;
	int err;

	if ((err = cap_lookup(current_task(), h, VX_OBJ_IRQ, VX_R_CONTROL, &ic)))
		return err;
	if (line >= VX_IRQ_LINES || !cap_range_covers(ic, line, 1))
		return VX_E_RANGE;
	if (!irq_line_exists((unsigned)line))
		return VX_E_NOTFOUND;
	return VX_OK;
}

/* VX_SYS_IRQ_BIND(irq, line, signal) -> for an MSI line the message to
 * program (VX_MSI_ADDR/VX_MSI_DATA), else 0.  signal VX_NO_HANDLE unroutes. */
int64_t sys_irq_bind(struct trapframe *tf)
{
	struct task *t = current_task();
	struct cap *s = NULL;
	uint64_t line = tf->rsi;
	int err;

	if ((err = line_decode(tf->rdi, line)))
		return err;
	if (line == 0 || line == 2)
		return VX_E_INVAL;
	if (tf->rdx != VX_NO_HANDLE && (err = cap_lookup(t, tf->rdx, VX_OBJ_SIGNAL, 0, &s)))
		return err;
	cap_remove(&route[line]);
	held[line] = 0;
	armed[line] = s != NULL;
	if (s)
		cap_copy_into(&route[line], NULL, s, s->rights, s->narrow, s);
	irq_mask((unsigned)line, !s);
	return is_msi((unsigned)line) && s ? (int64_t)irq_msi_message((unsigned)line) : VX_OK;
}

/* VX_SYS_IRQ_ACK(irq, line) -> interrupts the line has taken since boot:
 * the driver has serviced the device; re-arm the line. */
int64_t sys_irq_ack(struct trapframe *tf)
{
	uint64_t line = tf->rsi;
	int err;

	if ((err = line_decode(tf->rdi, line)))
		return err;
	if (!route[line].obj)
		return VX_E_STATE;
	armed[line] = 1;
	if (held[line]) {
		held[line] = 0;
		armed[line] = 0;
		signal_raise_cap(&route[line], route[line].narrow);
	}
	if (irq_line_level((unsigned)line))
		irq_mask((unsigned)line, false);
	return (int64_t)(fired[line] & INT64_MAX);
}

/* The console's own lock, for the shared holders that reach the UART:
 * CONSOLE_WRITE, and PORT_IN/PORT_OUT of COM1's registers, all under the
 * kernel lock held shared, beside other CPUs' (every other kernel print
 * holds it exclusive, so never beside one of these).  So a PORT_OUT to
 * COM1 lands before or after a CONSOLE_WRITE's buffer, never inside it. */
static uint32_t console_busy;

static void console_hold(void)
{
	spin_hold(&console_busy);
}

static void console_release(void)
{
	spin_release(&console_busy);
}

/* Does a port access of width bytes at port touch COM1 (0x3f8..0x3ff)? */
static bool port_is_console(uint64_t port, uint64_t width)
{
	return port < 0x3f8 + 8 && port + width > 0x3f8;
}

static int port_decode(uint64_t h, uint64_t port, uint64_t width, uint32_t right)
{
	struct cap *c;
	int err;

	if ((err = cap_lookup(current_task(), h, VX_OBJ_IOPORT, right, &c)))
		return err;
	if (width != 1 && width != 2 && width != 4)
		return VX_E_INVAL;
	if (port > 0xffff || !cap_range_covers(c, port, width))
		return VX_E_RANGE;
	return VX_OK;
}

/* VX_SYS_PORT_IN(ioport, port, width) -> value.  PORT_IN, PORT_OUT and
 * CONSOLE_WRITE run under the lock held shared (syscall.c): they read
 * their caller's caps and write only device registers, COM1's behind the
 * console's lock (above). */
int64_t sys_port_in(struct trapframe *tf)
{
	int err = port_decode(tf->rdi, tf->rsi, tf->rdx, VX_R_READ);

	if (err)
		return err;
	uint16_t port = (uint16_t)tf->rsi;
	bool console = port_is_console(port, tf->rdx);
	if (console)
		console_hold();
	int64_t v = tf->rdx == 1 ? inb(port) : tf->rdx == 2 ? inw(port) : (int64_t)inl(port);
	if (console)
		console_release();
	return v;
}

/* VX_SYS_PORT_OUT(ioport, port, width, value) */
int64_t sys_port_out(struct trapframe *tf)
{
	int err = port_decode(tf->rdi, tf->rsi, tf->rdx, VX_R_WRITE);

	if (err)
		return err;
	uint16_t port = (uint16_t)tf->rsi;
	bool console = port_is_console(port, tf->rdx);
	if (console)
		console_hold();
	if (tf->rdx == 1)
		outb(port, (uint8_t)tf->r10);
	else if (tf->rdx == 2)
		outw(port, (uint16_t)tf->r10);
	else
		outl(port, (uint32_t)tf->r10);
	if (console)
		console_release();
	return VX_OK;
}

#define CONSOLE_WRITE_MAX 4096

/* VX_SYS_CONSOLE_WRITE(ioport covering COM1, buf, len) -> len.  The kernel
 * writes whole buffers, so lines from different Tasks never interleave. */
int64_t sys_console_write(struct trapframe *tf)
{
	char chunk[256];
	uint64_t len = tf->rdx, done = 0;
	int err;

	if ((err = port_decode(tf->rdi, 0x3f8, 1, VX_R_WRITE)))
		return err;
	if (tf->rsi + len < tf->rsi)
		return VX_E_RANGE;
	if (len > CONSOLE_WRITE_MAX)
		return VX_E_TOOBIG;
	/* Decode the whole buffer before writing any of it. */
	for (uint64_t off = 0; off < len; off += sizeof(chunk)) {
		uint64_t n = len - off < sizeof(chunk) ? len - off : sizeof(chunk);
		if ((err = copy_in(chunk, tf->rsi + off, n)))
			return err;
	}
	console_hold();
	for (; done < len; done += sizeof(chunk)) {
		uint64_t n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);
		copy_in(chunk, tf->rsi + done, n);
		serial_write(chunk, n);
	}
	console_release();
	return (int64_t)len;
}
