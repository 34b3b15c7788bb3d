/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hunt 4: the kernel lock's shared mode (syscall.c's SHARED_CALLS), whose
 * calls run side by side on several CPUs.  docs/ABI.md promises that every
 * call still takes effect at one instant, as if the CPUs took turns, and
 * that CONSOLE_WRITE puts one buffer at a time on the UART, never
 * interleaved.  Run only when the kernel started more than one CPU.
 *
 *   hunt4_console_write_beside_port_out  a PORT_OUT to COM1 on another
 *       CPU lands before or after a CONSOLE_WRITE's whole buffer, never
 *       inside it (it did land inside: both ran shared, and only
 *       CONSOLE_WRITE took the console's own lock).  The UART is put in
 *       loopback for the test, so what it sends comes back in its
 *       receive FIFO, where the test reads the order.
 */
#include "ktest.h"

#define H4_LOG_VA (SCRATCH_VA + 0xe0000) /* inside ktest's scratch table */
#define COM1	  0x3f8
#define UART_RBR  (COM1 + 0)
#define UART_FCR  (COM1 + 2)
#define UART_MCR  (COM1 + 4)
#define UART_LSR  (COM1 + 5)
#define H4_AS	  15 /* the buffer's bytes: with the one 'B', the 16-byte FIFO */

static unsigned cpus_online(void)
{
	unsigned n = 0;

	while (n < 64 && vx_syscall1(VX_SYS_CLOCK, 1 + (uint64_t)n) >= 0)
		n++;
	return n;
}

/* Empties the UART's receive FIFO into buf (up to max bytes); returns how
 * many bytes it held. */
static unsigned uart_drain(vx_handle_t com1, char *buf, unsigned max)
{
	unsigned n = 0;

	for (int k = 0; k < 64 && (vx_port_in(com1, UART_LSR, 1) & 1); k++) {
		int64_t c = vx_port_in(com1, UART_RBR, 1);
		if (n < max)
			buf[n] = (char)c;
		n++;
	}
	return n;
}

/* ktest on CPU 0 writes 15 'A's with CONSOLE_WRITE while the victim
 * "portout" on CPU 1 writes one 'B' with PORT_OUT, started by the same
 * word, with a delay that sweeps the B across the A's.  In loopback the
 * UART hands both back in the order it sent them: the B must come first
 * or last.  Nothing may print meanwhile (it would go round the loop too),
 * so the verdict waits until the UART is itself again. */
static void t_console_write_beside_port_out(void)
{
	vx_handle_t out = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	vx_handle_t com1 =
	    MUST(vx_cap_derive(io, VX_R_READ | VX_R_WRITE | VX_R_GRANT, COM1 | (8ull << 32)));
	volatile uint64_t *log = (volatile uint64_t *)H4_LOG_VA;
	struct vx_spawn sp = {.self = self, .reticle = R};
	unsigned rounds = 3000, inside = 0, lost = 0, timeouts = 0;
	char as[H4_AS], got[32];
	int first_bad = -1;

	memset(as, 'A', sizeof(as));
	EXPECT_EQ(vx_task_set_affinity(self, 1), VX_OK);
	EXPECT_EQ(vx_task_map(self, out, H4_LOG_VA, VX_PROT_READ | VX_PROT_WRITE), VX_OK);
	if (!load_victim("portout", &sp))
		return;
	EXPECT_EQ(vx_bundle_add(sp.bundle, "self", 4, sp.task, VX_R_CONTROL), VX_OK);
	EXPECT_EQ(vx_bundle_add(sp.bundle, "out", 3, out, VX_R_READ | VX_R_WRITE), VX_OK);
	EXPECT_EQ(vx_bundle_add(sp.bundle, "io", 2, com1, VX_R_WRITE), VX_OK);
	EXPECT_EQ(vx_task_set_affinity(sp.task, 2), VX_OK);
	vx_handle_t t = start_victim(&sp);
	if (failures_in_test)
		return;
	vx_port_out(com1, UART_MCR, 1, 0x1b); /* loopback, DTR, RTS, OUT2 */
	vx_port_out(com1, UART_FCR, 1, 0xc7); /* FIFOs on, cleared */
	log[0] = 1;			      /* a first 'B', alone: the victim is going */
	for (int k = 0; k < 10000 && log[1] != 1; k++)
		vx_sig_wait(0, (uint64_t)vx_clock() + MS);
	if (log[1] != 1)
		timeouts++, rounds = 0;
	uart_drain(com1, got, sizeof(got));
	for (unsigned r = 0; r < rounds; r++) {
		uint64_t go = r + 2;
		log[2] = (r * 37) % 3000; /* the victim's delay, in pauses */
		log[0] = go;
		vx_console_write(com1, as, sizeof(as));
		uint64_t until = (uint64_t)vx_clock() + 2000 * MS;
		while (log[1] != go && (uint64_t)vx_clock() < until)
			__asm__ volatile("pause");
		if (log[1] != go) {
			timeouts++;
			break;
		}
		unsigned n = uart_drain(com1, got, sizeof(got));
		if (n != H4_AS + 1) {
			lost++;
			continue;
		}
		for (unsigned i = 1; i < H4_AS; i++)
			if (got[i] == 'B') {
				if (first_bad < 0)
					first_bad = (int)i;
				inside++;
			}
	}
	vx_port_out(com1, UART_MCR, 1, 0x0b); /* DTR, RTS, OUT2: the console again */
	vx_port_out(com1, UART_FCR, 1, 0xc7);
	log[0] = UINT64_MAX;
	EXPECT_EQ(exit_code(t), 0);
	vx_printf("#   %u rounds: B inside the buffer %u times (first at %d), %u short, %u "
		  "timeouts\n",
		  rounds, inside, first_bad, lost, timeouts);
	EXPECT_EQ(inside, 0);
	EXPECT_EQ(timeouts, 0);
	EXPECT(lost < rounds / 10); /* the loopback works at all */
	EXPECT_EQ(vx_task_unmap(out), VX_OK);
	EXPECT_EQ(vx_task_set_affinity(self, 0), VX_OK);
}

void ktest_hunt4(void)
{
	if (cpus_online() < 2)
		return;
	run("hunt4_console_write_beside_port_out", t_console_write_beside_port_out);
}
