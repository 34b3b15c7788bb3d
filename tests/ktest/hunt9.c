/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hunt 9: the blocks under the kernel lock held shared (SIG_WAIT and
 * RING_NOTIFY_WAIT across CPUs, docs/ARCHITECTURE.md "Locking"): a Task
 * blocks under its own wake_lock, its CPU leaves it, and a waker on
 * another CPU may queue it before that CPU has finished (block.pml's
 * on_cpu rule).  The Tasks are a few hand-assembled instructions in a
 * page of R:
 *
 *   hunt9_pair_moved_while_it_blocks  a call/reply pair on two CPUs (W
 *       and P call each other with RING_NOTIFY_WAIT, one token each way)
 *       while ktest moves W between CPUs 1 and 2 without pause, so that a
 *       wake-up from P often queues W on the CPU it is not leaving; half
 *       the time the waits have a deadline (a second away: the sleep
 *       list, under its own lock), and W is halted and resumed now and
 *       then.  Each Task keeps a value in xmm1 and checks it after every
 *       call: a CPU that resumed a Task before its old CPU had saved its
 *       FPU state would show there.  Every call must answer with its own
 *       bit (a timeout would mean a lost wake-up, held up for a second),
 *       and once the moves stop the pair must still be calling.
 */
#include <stddef.h>
#include "ktest.h"

/* ktest's view of the code, then the data page: inside the 2 MiB that
 * SCRATCH_VA's page table covers, which ktest has had since its start (a
 * table made for a new one would be carved from R and keep R alive). */
#define H9_VA	 (SCRATCH_VA + 0x1d0000)
#define CODE_VA	 0x400000ull
#define DATA_VA	 0x600000ull
#define RING_VA	 0x40000000ull /* where each binds its Ring end */
#define SLOT	 16	       /* u64 words per Task in the data page */
#define INFO_OFF 2048	       /* bytes: the ring infos, 64 each */
#define W_BIT	 5	       /* W's end's wake bit (P rings it) */
#define P_BIT	 6

/* A slot (word: meaning): 1 calls answered, 3 the last answer, 4 xmm1
 * found changed, 5 what it held then, 6 answers other than its bit, 7
 * the mask it waits for, 8 the deadline's distance (0: none), 9 the last
 * answer other than its bit, 10..13 its Ring bind's role, address, bit
 * and info, 14 the bind's result. */
enum {
	W_COUNT = 1,
	W_LAST = 3,
	W_FPU,
	W_FPUVAL,
	W_BAD,
	W_MASK,
	W_AHEAD,
	W_BADVAL,
	W_ROLE,
	W_BIND = 14
};

/* RING_BIND as the slot says, xmm1 = the slot's address, then for ever
 * RING_NOTIFY_WAIT(the Bundle's first handle, mask, deadline: CLOCK plus
 * the distance, if any) and the checks above. */
static const uint8_t pair_code[] = {
    0x49, 0x89, 0xf4,			/* mov r12, rsi */
    0x44, 0x8b, 0x6f, 0x68,		/* mov r13d, [rdi+0x68]: entry 0's handle */
    0x66, 0x49, 0x0f, 0x6e, 0xcc,	/* movq xmm1, r12 */
    0xb8, 0x14, 0x00, 0x00, 0x00,	/* mov eax, RING_BIND */
    0x4c, 0x89, 0xef,			/* mov rdi, r13 */
    0x49, 0x8b, 0x74, 0x24, 0x50,	/* mov rsi, [r12+80] */
    0x49, 0x8b, 0x54, 0x24, 0x58,	/* mov rdx, [r12+88] */
    0x4d, 0x8b, 0x54, 0x24, 0x60,	/* mov r10, [r12+96] */
    0x4d, 0x8b, 0x44, 0x24, 0x68,	/* mov r8, [r12+104] */
    0x0f, 0x05,				/* syscall */
    0x49, 0x89, 0x44, 0x24, 0x70,	/* mov [r12+112], rax */
    0x48, 0xc7, 0xc2, 0xff, 0xff, 0xff, 0xff, /* 1: mov rdx, NEVER */
    0x4d, 0x8b, 0x74, 0x24, 0x40,	/* mov r14, [r12+64]: read once */
    0x4d, 0x85, 0xf6,			/* test r14, r14 */
    0x74, 0x0d,				/* jz 3f */
    0xb8, 0x21, 0x00, 0x00, 0x00,	/* mov eax, CLOCK */
    0x31, 0xff,				/* xor edi, edi */
    0x0f, 0x05,				/* syscall */
    0x4a, 0x8d, 0x14, 0x30,		/* lea rdx, [rax+r14] */
    0xb8, 0x17, 0x00, 0x00, 0x00,	/* 3: mov eax, RING_NOTIFY_WAIT */
    0x4c, 0x89, 0xef,			/* mov rdi, r13 */
    0x49, 0x8b, 0x74, 0x24, 0x38,	/* mov rsi, [r12+56] */
    0x0f, 0x05,				/* syscall */
    0x49, 0x89, 0x44, 0x24, 0x18,	/* mov [r12+24], rax */
    0x49, 0x3b, 0x44, 0x24, 0x38,	/* cmp rax, [r12+56] */
    0x74, 0x0a,				/* je 4f */
    0x49, 0xff, 0x44, 0x24, 0x30,	/* inc qword [r12+48] */
    0x49, 0x89, 0x44, 0x24, 0x48,	/* mov [r12+72], rax */
    0x66, 0x48, 0x0f, 0x7e, 0xcb,	/* 4: movq rbx, xmm1 */
    0x4c, 0x39, 0xe3,			/* cmp rbx, r12 */
    0x74, 0x0f,				/* je 2f */
    0x49, 0xff, 0x44, 0x24, 0x20,	/* inc qword [r12+32] */
    0x49, 0x89, 0x5c, 0x24, 0x28,	/* mov [r12+40], rbx */
    0x66, 0x49, 0x0f, 0x6e, 0xcc,	/* movq xmm1, r12 */
    0x49, 0xff, 0x44, 0x24, 0x08,	/* 2: inc qword [r12+8] */
    0xeb, 0x9d,				/* jmp 1b */
};
_Static_assert(VX_SYS_RING_BIND == 0x14 && VX_SYS_CLOCK == 0x21 &&
		       VX_SYS_RING_NOTIFY_WAIT == 0x17,
	       "pair_code's calls");
_Static_assert(sizeof(pair_code) == 0x92, "pair_code's jumps");
_Static_assert(offsetof(struct vx_bundle_page, entry[0].handle) == 0x68, "pair_code's handle");

static vx_handle_t h9_junk[4]; /* ktest's caps of the Tasks' mappings */

static volatile uint64_t *h9_slot(unsigned i)
{
	return (volatile uint64_t *)(H9_VA + VX_PAGE_SIZE) + i * SLOT;
}

/* A Task in R running pair_code on slot i, its Bundle's one entry the
 * Ring (rights), bound as role with wake bit bit, waiting for wait_bit;
 * priority 8, affinity given, supervised through SIG_CHILD; not started
 * (its Bundle in *b). */
static vx_handle_t h9_task(vx_handle_t code_rx, vx_handle_t data, vx_handle_t ring, unsigned i,
			   uint32_t rights, uint32_t role, uint32_t bit, uint32_t wait_bit,
			   uint64_t affinity, vx_handle_t *b)
{
	volatile uint64_t *s = h9_slot(i);
	vx_handle_t t = MUST(vx_reticle_retype(R, VX_OBJ_TASK, 0));

	for (unsigned w = 0; w < SLOT; w++)
		s[w] = 0;
	s[W_MASK] = 1ull << wait_bit;
	s[W_ROLE] = role;
	s[W_ROLE + 1] = RING_VA;
	s[W_ROLE + 2] = bit;
	s[W_ROLE + 3] = DATA_VA + INFO_OFF + i * 64;
	s[W_BIND] = ~0ull;
	h9_junk[2 * i] = MUST(vx_cap_derive(code_rx, VX_R_READ | VX_R_EXEC, 0));
	h9_junk[2 * i + 1] = MUST(vx_cap_derive(data, VX_R_READ | VX_R_WRITE, 0));
	MUST(vx_task_map(t, h9_junk[2 * i], CODE_VA, VX_PROT_READ | VX_PROT_EXEC));
	MUST(vx_task_map(t, h9_junk[2 * i + 1], DATA_VA, VX_PROT_READ | VX_PROT_WRITE));
	MUST(vx_task_set_regs(t, CODE_VA, DATA_VA + VX_PAGE_SIZE, DATA_VA + i * SLOT * 8));
	MUST(vx_task_supervise(t, child_sig));
	EXPECT_EQ(vx_task_set_prio(t, 8), VX_OK);
	EXPECT_EQ(vx_task_set_affinity(t, affinity), VX_OK);
	*b = MUST(vx_reticle_retype(R, VX_OBJ_BUNDLE, 0));
	EXPECT_EQ(vx_bundle_add(*b, "h", 1, ring, rights), VX_OK);
	return t;
}

static void h9_sleep(uint64_t ns)
{
	vx_sig_wait(0, (uint64_t)vx_clock() + ns);
}

/* A Task's state is one a running pair can be in: no fault, no exit. */
static bool h9_alive(vx_handle_t t)
{
	struct vx_task_info ti;

	return vx_task_inspect(t, &ti) == VX_OK &&
	       (ti.state == VX_TASK_RUNNABLE || ti.state == VX_TASK_WAITING);
}

static void t_pair_moved_while_it_blocks(void)
{
	unsigned n = cpus_online();

	if (n < 3) {
		vx_printf("#   %u CPU(s): needs three (the pair's two and ktest's)\n", n);
		return;
	}
	vx_handle_t text = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	MUST(vx_task_map(self, text, H9_VA, VX_PROT_READ | VX_PROT_WRITE));
	memset((void *)H9_VA, 0xcc, VX_PAGE_SIZE);
	memcpy((void *)H9_VA, pair_code, sizeof(pair_code));
	EXPECT_EQ(vx_task_unmap(text), VX_OK);
	vx_handle_t code_rx = MUST(vx_cap_derive(text, VX_R_READ | VX_R_EXEC, 0));
	vx_handle_t data = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	MUST(vx_task_map(self, data, H9_VA + VX_PAGE_SIZE, VX_PROT_READ | VX_PROT_WRITE));
	vx_handle_t ring = MUST(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 4)));
	EXPECT_EQ(vx_task_set_affinity(self, 1), VX_OK); /* ktest on CPU 0 */

	vx_handle_t bw, bp;
	uint64_t one = 1ull << 1, two = 1ull << 2, far = 1ull << (n - 1);
	vx_handle_t w = h9_task(code_rx, data, ring, 0, VX_R_PRODUCE, VX_RING_PRODUCER, W_BIT,
				W_BIT, one, &bw);
	vx_handle_t p = h9_task(code_rx, data, ring, 1, VX_R_CONSUME, VX_RING_CONSUMER, P_BIT,
				P_BIT, far, &bp);
	EXPECT_EQ(vx_task_start(w, bw), VX_OK);
	EXPECT_EQ(vx_task_start(p, bp), VX_OK);
	volatile uint64_t *sw = h9_slot(0), *sp = h9_slot(1);
	for (unsigned i = 0; i < 2000 && (sw[W_COUNT] == 0 || sp[W_COUNT] == 0); i++)
		h9_sleep(MS / 10);
	EXPECT_EQ(sw[W_BIND], VX_OK);
	EXPECT_EQ(sp[W_BIND], VX_OK);

	unsigned moves = 0, halts = 0;
	for (unsigned round = 0; round < 4000; round++) {
		uint64_t mask = round % 7 == 6 ? one | two : round & 1 ? two : one;
		EXPECT_EQ(vx_task_set_affinity(w, mask), VX_OK);
		moves++;
		/* Deadlines for a stretch, then none (read by the pair). */
		uint64_t ahead = round / 500 % 2 ? 1000 * MS : 0;
		sw[W_AHEAD] = ahead;
		sp[W_AHEAD] = ahead;
		if (round % 250 == 125) {
			EXPECT_EQ(vx_task_halt(w), VX_OK);
			h9_sleep(MS / 20);
			EXPECT_EQ(vx_task_resume(w), VX_OK);
			halts++;
		}
		if (round % 16 == 0)
			h9_sleep(MS / 20);
	}
	/* The moves stop: the pair must still be calling (a lost wake-up
	 * would have stopped it for good, or for its second-long deadline). */
	sw[W_AHEAD] = 0;
	sp[W_AHEAD] = 0;
	EXPECT_EQ(vx_task_set_affinity(w, one), VX_OK);
	uint64_t before = sw[W_COUNT] + sp[W_COUNT];
	for (unsigned i = 0; i < 2000 && sw[W_COUNT] + sp[W_COUNT] < before + 100; i++)
		h9_sleep(MS / 10);
	uint64_t after = sw[W_COUNT] + sp[W_COUNT];
	vx_printf("#   %u moves, %u halts: W %lu calls, P %lu; still calling: %lu more\n", moves,
		  halts, (unsigned long)sw[W_COUNT], (unsigned long)sp[W_COUNT],
		  (unsigned long)(after - before));
	EXPECT(after >= before + 100);
	EXPECT_EQ(sw[W_FPU], 0);
	EXPECT_EQ(sp[W_FPU], 0);
	EXPECT(sw[W_BAD] <= halts); /* a halt ends a wait with 0 */
	EXPECT_EQ(sp[W_BAD], 0);
	if (sw[W_FPU] || sp[W_FPU] || sw[W_BAD] || sp[W_BAD])
		vx_printf("#   xmm1 held %lx, %lx; other answers %ld, %ld\n",
			  (unsigned long)sw[W_FPUVAL], (unsigned long)sp[W_FPUVAL],
			  (long)sw[W_BADVAL], (long)sp[W_BADVAL]);
	EXPECT(h9_alive(w));
	EXPECT(h9_alive(p));
	EXPECT_EQ(vx_task_halt(w), VX_OK);
	EXPECT_EQ(vx_task_halt(p), VX_OK);
	EXPECT_EQ(vx_task_set_affinity(self, 0), VX_OK);
	EXPECT_EQ(vx_task_unmap(data), VX_OK);
	for (unsigned i = 0; i < 4; i++)
		EXPECT_EQ(vx_cap_delete(h9_junk[i]), VX_OK);
	vx_sig_wait(SIG_CHILD, VX_DEADLINE_NONE);
}

void ktest_hunt9(void)
{
	run("hunt9_pair_moved_while_it_blocks", t_pair_moved_while_it_blocks);
}
