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
 *   hunt4_halt_shared_call_in_flight  a Task looping over shared calls
 *       (CLOCK, a polling SIG_WAIT) on another CPU, halted 3000 times:
 *       each time it stops either between instructions or at a syscall
 *       that has not happened (rax still the call's number), never at
 *       a syscall with a result in rax, and never faulted.
 *   hunt4_shared_copy_beside_unmap  TASK_INSPECT (copy_out) and
 *       CONSOLE_WRITE (copy_in, twice) on CPU 1 into and from a page
 *       that ktest on CPU 0 maps and unmaps (a TLB shootdown each time):
 *       every answer is a result or VX_E_FAULT, both happen, and the
 *       kernel lives (the UART in loopback swallows the output).
 *   hunt4_inspect_task_being_destroyed  a child on CPU 1 inspects the
 *       spinning Tasks it builds (on CPUs 1-3) while ktest on CPU 0
 *       resets the Reticle they live in: every TASK_INSPECT says
 *       runnable and unfaulted or VX_E_STALE, never anything half
 *       destroyed, and the Reticle comes back empty.
 */
#include "ktest.h"

#define H4_LOG_VA (SCRATCH_VA + 0xe0000) /* inside ktest's scratch table */
#define COM1	  0x3f8
#define UART_RBR  (COM1 + 0)
#define UART_FCR  (COM1 + 2)
#define UART_MCR  (COM1 + 4)
#define UART_LSR  (COM1 + 5)
#define H4_AS	  15 /* the buffer's bytes: with the one 'B', the 16-byte FIFO */

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

/* ------------------------------------------------------------ halt */

#define H4_CODE_VA  0x400000ull
#define H4_STACK_VA 0x800000ull
#define H4_BIT	    5

/* loop: CLOCK(0); r12 += SIG_WAIT(1 << H4_BIT, NONE); repeat.  Offsets:
 * 7 and 21 are the two syscalls, 9 and 23 just after them. */
static const uint8_t shared_loop[] = {
    0xb8, VX_SYS_CLOCK,
    0,	  0,
    0,		/*  0: mov eax, CLOCK */
    0x31, 0xff, /*  5: xor edi, edi */
    0x0f, 0x05, /*  7: syscall */
    0xb8, VX_SYS_SIG_WAIT,
    0,	  0,
    0, /*  9: mov eax, SIG_WAIT */
    0xbf, 1u << H4_BIT,
    0,	  0,
    0,		/* 14: mov edi, 1 << H4_BIT */
    0x31, 0xf6, /* 19: xor esi, esi (NONE) */
    0x0f, 0x05, /* 21: syscall */
    0x49, 0x01,
    0xc4,	/* 23: add r12, rax */
    0xeb, 0xe4, /* 26: jmp 0 */
};

/* Is a halted shared_loop's frame one the promise allows?  At a syscall,
 * the call has not happened: rax holds its number.  Just after one, rax
 * holds its result. */
static bool frame_ok(const struct vx_regs *g)
{
	uint64_t at = g->rip - H4_CODE_VA;

	switch (at) {
	case 0:
	case 5:
	case 14:
	case 19:
	case 26:
		return true;
	case 7:
		return g->rax == VX_SYS_CLOCK && g->rdi == 0;
	case 21:
		return g->rax == VX_SYS_SIG_WAIT && g->rdi == 1u << H4_BIT && g->rsi == 0;
	case 9:
		return (int64_t)g->rax > 0;
	case 23:
		return g->rax == 0 || g->rax == 1u << H4_BIT;
	default:
		return false;
	}
}

static struct vx_regs h4_regs; /* 672 bytes, 16-aligned: static */

/* The Task runs shared_loop on CPU 1 while ktest on CPU 0 raises its bit,
 * halts it, reads its frame and resumes it, 3000 times with a delay that
 * sweeps the halt across the loop.  A halt that finds the call waiting
 * for the lock must leave it unhappened (dispatch_shared checks the
 * state under the lock and sends it the ordinary way, which reissues). */
static void t_halt_shared_call_in_flight(void)
{
	vx_handle_t t = MUST(vx_reticle_retype(R, VX_OBJ_TASK, 0));
	vx_handle_t text = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	vx_handle_t stack = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	unsigned rounds = 3000, bad = 0, at_call = 0, halted = 0;
	struct vx_task_info ti;

	MUST(vx_task_map(self, text, H4_LOG_VA, VX_PROT_READ | VX_PROT_WRITE));
	memset((void *)H4_LOG_VA, 0xcc, VX_PAGE_SIZE);
	memcpy((void *)H4_LOG_VA, shared_loop, sizeof(shared_loop));
	MUST(vx_task_unmap(text));
	vx_handle_t rx = MUST(vx_cap_derive(text, VX_R_READ | VX_R_EXEC, 0));
	MUST(vx_task_map(t, rx, H4_CODE_VA, VX_PROT_READ | VX_PROT_EXEC));
	MUST(vx_task_map(t, stack, H4_STACK_VA, VX_PROT_READ | VX_PROT_WRITE));
	vx_handle_t sig = MUST(vx_sig_mint(t, 1ull << H4_BIT));
	EXPECT_EQ(vx_task_set_regs(t, H4_CODE_VA, H4_STACK_VA + VX_PAGE_SIZE, 0), VX_OK);
	EXPECT_EQ(vx_task_set_affinity(self, 1), VX_OK);
	EXPECT_EQ(vx_task_set_affinity(t, 2), VX_OK);
	EXPECT_EQ(vx_task_start(t, VX_NO_HANDLE), VX_OK);
	for (unsigned i = 0; i < rounds && !failures_in_test; i++) {
		EXPECT_EQ(vx_sig_raise(sig, 1ull << H4_BIT), VX_OK);
		for (volatile unsigned k = 0; k < (i * 7) % 512; k++)
			;
		EXPECT_EQ(vx_task_halt(t), VX_OK);
		EXPECT_EQ(vx_task_inspect(t, &ti), VX_OK);
		EXPECT_EQ(ti.state, VX_TASK_HALTED);
		EXPECT_EQ(vx_task_regs(t, VX_REGS_READ | VX_REGS_NOFPU, &h4_regs), VX_OK);
		halted++;
		if (!frame_ok(&h4_regs) && bad++ < 4)
			vx_printf("#   halted at +%lu with rax %lx rdi %lx\n",
				  (unsigned long)(h4_regs.rip - H4_CODE_VA),
				  (unsigned long)h4_regs.rax, (unsigned long)h4_regs.rdi);
		at_call += h4_regs.rip - H4_CODE_VA == 7 || h4_regs.rip - H4_CODE_VA == 21;
		EXPECT_EQ(vx_task_resume(t), VX_OK);
	}
	EXPECT_EQ(vx_task_inspect(t, &ti), VX_OK);
	EXPECT_EQ(ti.state, VX_TASK_RUNNABLE);
	vx_printf("#   %u halts, %u at a syscall not yet made, %u bad frames\n", halted, at_call,
		  bad);
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(vx_cap_delete(t), VX_OK);
	EXPECT_EQ(vx_task_set_affinity(self, 0), VX_OK);
}

/* ------------------------------------------------------------ copies */

#define H4_BUF_VA 0x50000000ull

static void t_shared_copy_beside_unmap(void)
{
	vx_handle_t out = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	vx_handle_t page = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	vx_handle_t com1 =
	    MUST(vx_cap_derive(io, VX_R_READ | VX_R_WRITE | VX_R_GRANT, COM1 | (8ull << 32)));
	volatile uint64_t *log = (volatile uint64_t *)H4_LOG_VA;
	struct vx_spawn sp = {.self = self, .reticle = R};
	unsigned rounds = 2000, mapped = 0;
	char junk[64];

	EXPECT_EQ(vx_task_set_affinity(self, 1), VX_OK);
	EXPECT_EQ(vx_task_map(self, out, H4_LOG_VA, VX_PROT_READ | VX_PROT_WRITE), VX_OK);
	if (!load_victim("bufcalls", &sp))
		return;
	EXPECT_EQ(vx_bundle_add(sp.bundle, "self", 4, sp.task, VX_R_READ | VX_R_CONTROL), VX_OK);
	EXPECT_EQ(vx_bundle_add(sp.bundle, "out", 3, out, VX_R_READ | VX_R_WRITE), VX_OK);
	EXPECT_EQ(vx_bundle_add(sp.bundle, "io", 2, com1, VX_R_WRITE), VX_OK);
	EXPECT_EQ(vx_task_set_affinity(sp.task, 2), VX_OK);
	if (failures_in_test)
		return;
	vx_port_out(com1, UART_MCR, 1, 0x1b); /* loopback: the 96-byte writes go nowhere */
	vx_handle_t t = start_victim(&sp);
	for (int k = 0; k < 10000 && log[2] + log[4] < 100; k++) /* going, unmapped */
		vx_sig_wait(0, (uint64_t)vx_clock() + MS);
	for (unsigned r = 0; r < rounds && !failures_in_test; r++) {
		int64_t m = vx_task_map(t, page, H4_BUF_VA, VX_PROT_READ | VX_PROT_WRITE);
		mapped += m == VX_OK;
		for (volatile unsigned k = 0; k < (r * 13) % 2048; k++)
			;
		int64_t u = vx_task_unmap(page);
		if (m != VX_OK || u != VX_OK)
			break;
		for (volatile unsigned k = 0; k < (r * 7) % 1024; k++)
			;
		uart_drain(com1, junk, sizeof(junk));
	}
	log[0] = 1;
	int64_t code = exit_code(t);
	vx_port_out(com1, UART_MCR, 1, 0x0b); /* the console again */
	vx_port_out(com1, UART_FCR, 1, 0xc7);
	vx_printf("#   %u maps; inspect %lu ok %lu fault, write %lu ok %lu fault, %lu other\n",
		  mapped, (unsigned long)log[1], (unsigned long)log[2], (unsigned long)log[3],
		  (unsigned long)log[4], (unsigned long)log[5]);
	EXPECT_EQ(code, 0);
	EXPECT_EQ(mapped, rounds);
	EXPECT_EQ(log[5], 0);
	EXPECT(log[2] > 0 && log[4] > 0);
	EXPECT(log[1] + log[3] > 0);
	EXPECT_EQ(vx_task_unmap(out), VX_OK);
	EXPECT_EQ(vx_task_set_affinity(self, 0), VX_OK);
}

/* ------------------------------------------------------------ destroy */

static void t_inspect_task_being_destroyed(void)
{
	vx_handle_t out = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	vx_handle_t code = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	vx_handle_t sub = MUST(vx_reticle_split(R, 1ull << 20));
	volatile uint64_t *log = (volatile uint64_t *)H4_LOG_VA;
	struct vx_spawn sp = {.self = self, .reticle = R};
	struct vx_reticle_info ri;
	unsigned resets = 300;

	EXPECT_EQ(vx_task_map(self, code, H4_LOG_VA, VX_PROT_READ | VX_PROT_WRITE), VX_OK);
	*(volatile uint16_t *)H4_LOG_VA = 0xfeeb; /* jmp . */
	EXPECT_EQ(vx_task_unmap(code), VX_OK);
	EXPECT_EQ(vx_task_set_affinity(self, 1), VX_OK);
	EXPECT_EQ(vx_task_map(self, out, H4_LOG_VA, VX_PROT_READ | VX_PROT_WRITE), VX_OK);
	if (!load_victim("taskwatch", &sp))
		return;
	EXPECT_EQ(vx_bundle_add(sp.bundle, "self", 4, sp.task, VX_R_CONTROL), VX_OK);
	EXPECT_EQ(vx_bundle_add(sp.bundle, "out", 3, out, VX_R_READ | VX_R_WRITE), VX_OK);
	EXPECT_EQ(vx_bundle_add(sp.bundle, "ret", 3, sub, VX_R_ALL), VX_OK);
	EXPECT_EQ(vx_bundle_add(sp.bundle, "code", 4, code, VX_R_READ | VX_R_EXEC | VX_R_GRANT),
		  VX_OK);
	EXPECT_EQ(vx_task_set_affinity(sp.task, 2), VX_OK);
	if (failures_in_test)
		return;
	vx_handle_t t = start_victim(&sp);
	for (unsigned r = 0; r < resets && !failures_in_test; r++) {
		uint64_t seen = log[1], until = (uint64_t)vx_clock() + 2000 * MS;
		while (log[1] < seen + 20 && (uint64_t)vx_clock() < until)
			vx_sig_wait(0, (uint64_t)vx_clock() + 100000); /* 100 us */
		EXPECT_EQ(vx_reticle_reset(sub), VX_OK);
	}
	log[0] = 1;
	EXPECT_EQ(exit_code(t), 0);
	EXPECT_EQ(vx_reticle_reset(sub), VX_OK);
	EXPECT_EQ(vx_reticle_info(sub, &ri), VX_OK);
	vx_printf("#   %u resets; inspect %lu runnable, %lu stale, %lu builds refused, %lu "
		  "other\n",
		  resets, (unsigned long)log[1], (unsigned long)log[2], (unsigned long)log[3],
		  (unsigned long)log[5]);
	EXPECT_EQ(log[5], 0);
	EXPECT(log[1] > 0 && log[2] > 0);
	EXPECT_EQ(ri.objects, 0);
	EXPECT_EQ(ri.free, ri.size);
	EXPECT_EQ(vx_task_unmap(out), VX_OK);
	EXPECT_EQ(vx_task_set_affinity(self, 0), VX_OK);
}

void ktest_hunt4(void)
{
	if (cpus_online() < 2)
		return;
	run("hunt4_console_write_beside_port_out", t_console_write_beside_port_out);
	run("hunt4_halt_shared_call_in_flight", t_halt_shared_call_in_flight);
	run("hunt4_shared_copy_beside_unmap", t_shared_copy_beside_unmap);
	run("hunt4_inspect_task_being_destroyed", t_inspect_task_being_destroyed);
}
