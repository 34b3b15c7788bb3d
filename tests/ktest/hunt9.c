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
 *       then.  Each Task keeps the count of its calls in xmm1 as well as
 *       in r15 and compares them after every call: a CPU that resumed a
 *       Task from FPU state saved before its old CPU had finished leaving
 *       it would show there.  Every call must answer with its own bit (a
 *       timeout would mean a lost wake-up, held up for a second), and once
 *       the moves stop the pair must still be calling.
 *   hunt9_waiter_moved_beside_a_raiser  the same check on a Task that
 *       waits for a bit raised without pause from the last CPU, so that
 *       it is often woken while its CPU still leaves it, moved between
 *       CPUs 1 and 2 while a second waiter keeps CPU 2 switching under the
 *       shared hold.
 *   hunt9_direct_pair_beside_raisers  a call/reply pair on one CPU, whose
 *       calls switch straight to each other under the shared hold, while
 *       W is moved away and back, halted and resumed, and later raisers on
 *       two more CPUs raise the very bits the pair waits for.
 *   hunt9_preempted_spinners_stolen  more spinners than CPUs, whose
 *       quanta end under the shared hold (sched_preempt_shared), some of
 *       which yield or nap now and then, so that idle CPUs steal a
 *       spinner its CPU may still be leaving; one is moved between CPUs
 *       and one halted and resumed meanwhile.
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

/* A slot (word: meaning): 1 calls answered (a raiser's: made), 3 the
 * last answer, 4 times xmm1 did not hold the count of calls, 5 what it
 * held then, 6 answers other than its bit, 7 the mask it waits for (a
 * raiser's: the bits it raises), 8 the deadline's distance (0: none), 9
 * the last answer other than its bit, 10..13 its Ring bind's role,
 * address, bit and info, 14 the bind's result. */
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

/* RING_BIND as the slot says, then for ever RING_NOTIFY_WAIT(the Bundle's
 * first handle, mask, deadline: CLOCK plus the distance, if any) and the
 * checks above.  r15 counts the calls and xmm1 holds the same count: a
 * Task resumed from FPU state saved before its last call shows there
 * (assembled with gas from the Intel syntax in the comments). */
static const uint8_t pair_code[] = {
    0x49, 0x89, 0xf4,			      /* mov r12,rsi */
    0x44, 0x8b, 0x6f, 0x68,		      /* mov r13d,[rdi+104] */
    0x45, 0x31, 0xff,			      /* xor r15d,r15d */
    0x66, 0x49, 0x0f, 0x6e, 0xcf,	      /* movq xmm1,r15 */
    0xb8, 0x14, 0x00, 0x00, 0x00,	      /* mov eax,RING_BIND */
    0x4c, 0x89, 0xef,			      /* mov rdi,r13 */
    0x49, 0x8b, 0x74, 0x24, 0x50,	      /* mov rsi,[r12+80] */
    0x49, 0x8b, 0x54, 0x24, 0x58,	      /* mov rdx,[r12+88] */
    0x4d, 0x8b, 0x54, 0x24, 0x60,	      /* mov r10,[r12+96] */
    0x4d, 0x8b, 0x44, 0x24, 0x68,	      /* mov r8,[r12+104] */
    0x0f, 0x05,				      /* syscall */
    0x49, 0x89, 0x44, 0x24, 0x70,	      /* mov [r12+112],rax */
    0x48, 0xc7, 0xc2, 0xff, 0xff, 0xff, 0xff, /* 1: mov rdx,-1 (NEVER) */
    0x4d, 0x8b, 0x74, 0x24, 0x40,	      /* mov r14,[r12+64] */
    0x4d, 0x85, 0xf6,			      /* test r14,r14 */
    0x74, 0x0d,				      /* jz 3f */
    0xb8, 0x21, 0x00, 0x00, 0x00,	      /* mov eax,CLOCK */
    0x31, 0xff,				      /* xor edi,edi */
    0x0f, 0x05,				      /* syscall */
    0x4a, 0x8d, 0x14, 0x30,		      /* lea rdx,[rax+r14*1] */
    0xb8, 0x17, 0x00, 0x00, 0x00,	      /* 3: mov eax,RING_NOTIFY_WAIT */
    0x4c, 0x89, 0xef,			      /* mov rdi,r13 */
    0x49, 0x8b, 0x74, 0x24, 0x38,	      /* mov rsi,[r12+56] */
    0x0f, 0x05,				      /* syscall */
    0x49, 0x89, 0x44, 0x24, 0x18,	      /* mov [r12+24],rax */
    0x49, 0x3b, 0x44, 0x24, 0x38,	      /* cmp rax,[r12+56] */
    0x74, 0x0a,				      /* je 4f */
    0x49, 0xff, 0x44, 0x24, 0x30,	      /* inc qword [r12+48] */
    0x49, 0x89, 0x44, 0x24, 0x48,	      /* mov [r12+72],rax */
    0x66, 0x48, 0x0f, 0x7e, 0xcb,	      /* 4: movq rbx,xmm1 */
    0x4c, 0x39, 0xfb,			      /* cmp rbx,r15 */
    0x74, 0x0a,				      /* je 2f */
    0x49, 0xff, 0x44, 0x24, 0x20,	      /* inc qword [r12+32] */
    0x49, 0x89, 0x5c, 0x24, 0x28,	      /* mov [r12+40],rbx */
    0x49, 0xff, 0xc7,			      /* 2: inc r15 */
    0x66, 0x49, 0x0f, 0x6e, 0xcf,	      /* movq xmm1,r15 */
    0x49, 0xff, 0x44, 0x24, 0x08,	      /* inc qword [r12+8] */
    0xeb, 0x9a,				      /* jmp 1b */
};
_Static_assert(VX_SYS_RING_BIND == 20 && VX_SYS_CLOCK == 33 && VX_SYS_RING_NOTIFY_WAIT == 23,
	       "pair_code's calls");
_Static_assert(sizeof(pair_code) == 0x98, "pair_code's jumps");

/* For ever SIG_RAISE(the Bundle's first handle, the slot's mask word). */
static const uint8_t raise_code[] = {
    0x49, 0x89, 0xf4,		  /* mov r12,rsi */
    0x44, 0x8b, 0x6f, 0x68,	  /* mov r13d,[rdi+104] */
    0xb8, 0x1b, 0x00, 0x00, 0x00, /* 1: mov eax,SIG_RAISE */
    0x4c, 0x89, 0xef,		  /* mov rdi,r13 */
    0x49, 0x8b, 0x74, 0x24, 0x38, /* mov rsi,[r12+56] */
    0x0f, 0x05,			  /* syscall */
    0x49, 0x89, 0x44, 0x24, 0x18, /* mov [r12+24],rax */
    0x49, 0xff, 0x44, 0x24, 0x08, /* inc qword [r12+8] */
    0xeb, 0xe5,			  /* jmp 1b */
};
_Static_assert(VX_SYS_SIG_RAISE == 27, "raise_code's call");
_Static_assert(sizeof(raise_code) == 0x22, "raise_code's jump");
#define RAISE_OFF 0x100 /* raise_code's offset in the code page */

/* For ever: count in r15 and xmm1 and compare them (as pair_code); when
 * the count has none of the bits of the slot's word 7, TASK_YIELD, whose
 * answer must be VX_OK; when it has none of word 8's, sleep for 50 us
 * (CLOCK, then SIG_WAIT with an empty mask).  ~0 in a word: never. */
static const uint8_t spin_code[] = {
    0x49, 0x89, 0xf4,			      /* mov r12,rsi */
    0x45, 0x31, 0xff,			      /* xor r15d,r15d */
    0x66, 0x49, 0x0f, 0x6e, 0xcf,	      /* movq xmm1,r15 */
    0x66, 0x48, 0x0f, 0x7e, 0xcb,	      /* 1: movq rbx,xmm1 */
    0x4c, 0x39, 0xfb,			      /* cmp rbx,r15 */
    0x74, 0x0a,				      /* je 2f */
    0x49, 0xff, 0x44, 0x24, 0x20,	      /* inc qword [r12+32] */
    0x49, 0x89, 0x5c, 0x24, 0x28,	      /* mov [r12+40],rbx */
    0x49, 0xff, 0xc7,			      /* 2: inc r15 */
    0x66, 0x49, 0x0f, 0x6e, 0xcf,	      /* movq xmm1,r15 */
    0x4d, 0x89, 0x7c, 0x24, 0x08,	      /* mov [r12+8],r15 */
    0x49, 0x8b, 0x44, 0x24, 0x38,	      /* mov rax,[r12+56] */
    0x4c, 0x85, 0xf8,			      /* test rax,r15 */
    0x75, 0xd5,				      /* jnz 1b */
    0xb8, 0x12, 0x00, 0x00, 0x00,	      /* mov eax,TASK_YIELD */
    0x0f, 0x05,				      /* syscall */
    0x49, 0x89, 0x44, 0x24, 0x18,	      /* mov [r12+24],rax */
    0x48, 0x85, 0xc0,			      /* test rax,rax */
    0x74, 0x0a,				      /* jz 3f */
    0x49, 0xff, 0x44, 0x24, 0x30,	      /* inc qword [r12+48] */
    0x49, 0x89, 0x44, 0x24, 0x48,	      /* mov [r12+72],rax */
    0x49, 0x8b, 0x44, 0x24, 0x40,	      /* 3: mov rax,[r12+64] */
    0x4c, 0x85, 0xf8,			      /* test rax,r15 */
    0x75, 0xb0,				      /* jnz 1b */
    0xb8, 0x21, 0x00, 0x00, 0x00,	      /* mov eax,CLOCK */
    0x31, 0xff,				      /* xor edi,edi */
    0x0f, 0x05,				      /* syscall */
    0x48, 0x8d, 0xb0, 0x50, 0xc3, 0x00, 0x00, /* lea rsi,[rax+50000] */
    0xb8, 0x1a, 0x00, 0x00, 0x00,	      /* mov eax,SIG_WAIT */
    0x31, 0xff,				      /* xor edi,edi */
    0x0f, 0x05,				      /* syscall */
    0xeb, 0x95,				      /* jmp 1b */
};
_Static_assert(VX_SYS_TASK_YIELD == 18 && VX_SYS_SIG_WAIT == 26 && VX_OK == 0, "spin_code's calls");
_Static_assert(sizeof(spin_code) == 0x76, "spin_code's jumps");
#define SPIN_OFF 0x200 /* spin_code's offset in the code page */
_Static_assert(offsetof(struct vx_bundle_page, entry[0].handle) == 0x68, "pair_code's handle");

#define H9_TASKS 4
static vx_handle_t h9_junk[2 * H9_TASKS]; /* ktest's caps of the Tasks' mappings */

static volatile uint64_t *h9_slot(unsigned i)
{
	return (volatile uint64_t *)(H9_VA + VX_PAGE_SIZE) + i * SLOT;
}

/* A Task in R running pair_code (or raise_code, at code) on slot i, its
 * Bundle's one entry give (rights): a Ring it binds as role with wake bit
 * bit, waiting for wait_bit (or a Signal it raises wait_bit through);
 * priority 8, affinity given, supervised through SIG_CHILD; not started
 * (its Bundle in *b). */
static vx_handle_t h9_task(vx_handle_t code_rx, vx_handle_t data, vx_handle_t give, unsigned i,
			   uint32_t rights, uint32_t role, uint32_t bit, uint32_t wait_bit,
			   uint64_t affinity, uint64_t code, vx_handle_t *b)
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
	MUST(vx_task_set_regs(t, CODE_VA + code, DATA_VA + VX_PAGE_SIZE, DATA_VA + i * SLOT * 8));
	MUST(vx_task_supervise(t, child_sig));
	EXPECT_EQ(vx_task_set_prio(t, 8), VX_OK);
	EXPECT_EQ(vx_task_set_affinity(t, affinity), VX_OK);
	*b = MUST(vx_reticle_retype(R, VX_OBJ_BUNDLE, 0));
	EXPECT_EQ(vx_bundle_add(*b, "h", 1, give, rights), VX_OK);
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

/* The code page (read-execute, *code_rx) and the data page (*data, which
 * ktest maps after it); ktest goes to CPU 0. */
static void h9_setup(vx_handle_t *code_rx, vx_handle_t *data)
{
	vx_handle_t text = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));

	MUST(vx_task_map(self, text, H9_VA, VX_PROT_READ | VX_PROT_WRITE));
	memset((void *)H9_VA, 0xcc, VX_PAGE_SIZE);
	memcpy((void *)H9_VA, pair_code, sizeof(pair_code));
	memcpy((uint8_t *)H9_VA + RAISE_OFF, raise_code, sizeof(raise_code));
	memcpy((uint8_t *)H9_VA + SPIN_OFF, spin_code, sizeof(spin_code));
	EXPECT_EQ(vx_task_unmap(text), VX_OK);
	*code_rx = MUST(vx_cap_derive(text, VX_R_READ | VX_R_EXEC, 0));
	*data = MUST(vx_reticle_retype(R, VX_OBJ_MEM, 1));
	MUST(vx_task_map(self, *data, H9_VA + VX_PAGE_SIZE, VX_PROT_READ | VX_PROT_WRITE));
	EXPECT_EQ(vx_task_set_affinity(self, 1), VX_OK);
}

/* Halts the nt Tasks, and gives back what h9_setup and h9_task took. */
static void h9_teardown(vx_handle_t data, const vx_handle_t *tasks, unsigned nt)
{
	for (unsigned i = 0; i < nt; i++) {
		EXPECT(h9_alive(tasks[i]));
		EXPECT_EQ(vx_task_halt(tasks[i]), VX_OK);
	}
	EXPECT_EQ(vx_task_set_affinity(self, 0), VX_OK);
	EXPECT_EQ(vx_task_unmap(data), VX_OK);
	for (unsigned i = 0; i < 2 * nt; i++)
		EXPECT_EQ(vx_cap_delete(h9_junk[i]), VX_OK);
	vx_sig_wait(SIG_CHILD, VX_DEADLINE_NONE);
}

/* The waiters' checks at the end: xmm1 always held the count. */
static void h9_fpu_ok(unsigned i)
{
	volatile uint64_t *s = h9_slot(i);

	EXPECT_EQ(s[W_FPU], 0);
	if (s[W_FPU])
		vx_printf("#   slot %u: xmm1 held %lu, not the count of calls (%lu times)\n", i,
			  (unsigned long)s[W_FPUVAL], (unsigned long)s[W_FPU]);
}

static void t_pair_moved_while_it_blocks(void)
{
	unsigned n = cpus_online();

	if (n < 3) {
		vx_printf("#   %u CPU(s): needs three (the pair's two and ktest's)\n", n);
		return;
	}
	vx_handle_t code_rx, data;
	h9_setup(&code_rx, &data);
	vx_handle_t ring = MUST(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 4)));

	vx_handle_t bw, bp;
	uint64_t one = 1ull << 1, two = 1ull << 2, far = 1ull << (n - 1);
	vx_handle_t w = h9_task(code_rx, data, ring, 0, VX_R_PRODUCE, VX_RING_PRODUCER, W_BIT,
				W_BIT, one, 0, &bw);
	vx_handle_t p = h9_task(code_rx, data, ring, 1, VX_R_CONSUME, VX_RING_CONSUMER, P_BIT,
				P_BIT, far, 0, &bp);
	EXPECT_EQ(vx_task_start(w, bw), VX_OK);
	EXPECT_EQ(vx_task_start(p, bp), VX_OK);
	EXPECT_EQ(vx_cap_delete(bw), VX_OK);
	EXPECT_EQ(vx_cap_delete(bp), VX_OK);
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
	h9_fpu_ok(0);
	h9_fpu_ok(1);
	EXPECT(sw[W_BAD] <= halts); /* a halt ends a wait with 0 */
	EXPECT_EQ(sp[W_BAD], 0);
	if (sp[W_BAD])
		vx_printf("#   P answered %ld\n", (long)sp[W_BADVAL]);
	vx_handle_t tasks[] = {w, p};
	h9_teardown(data, tasks, 2);
}

/*
 * W waits (RING_NOTIFY_WAIT on a Ring with no peer) for a bit a raiser on
 * the last CPU raises without pause, so that W often blocks just before
 * the raise and is woken while its CPU still leaves it.  ktest moves W
 * between CPUs 1 and 2 without pause; a second waiter, pinned to CPU 2
 * with a raiser of its own, keeps that CPU switching under the shared
 * hold, where it takes W off its queue (pick_shared, which must wait for
 * W's old CPU).
 */
static void t_waiter_moved_beside_a_raiser(void)
{
	unsigned n = cpus_online();

	if (n < 4) {
		vx_printf("#   %u CPU(s): needs four\n", n);
		return;
	}
	vx_handle_t code_rx, data, b[H9_TASKS], t[H9_TASKS], ring[2], sig[2];
	uint64_t one = 1ull << 1, two = 1ull << 2, last = 1ull << (n - 1);
	h9_setup(&code_rx, &data);
	for (unsigned k = 0; k < 2; k++) {
		ring[k] = MUST(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 4)));
		t[k] = h9_task(code_rx, data, ring[k], k, VX_R_PRODUCE, VX_RING_PRODUCER, W_BIT,
			       W_BIT, k ? two : one, 0, &b[k]);
		sig[k] = MUST(vx_sig_mint(t[k], 1ull << W_BIT));
		t[2 + k] = h9_task(code_rx, data, sig[k], 2 + k, 0, 0, 0, W_BIT, last, RAISE_OFF,
				   &b[2 + k]);
	}
	for (unsigned i = 0; i < H9_TASKS; i++) {
		EXPECT_EQ(vx_task_start(t[i], b[i]), VX_OK);
		EXPECT_EQ(vx_cap_delete(b[i]), VX_OK);
	}
	volatile uint64_t *sw = h9_slot(0);
	for (unsigned i = 0; i < 2000 && (sw[W_COUNT] == 0 || h9_slot(1)[W_COUNT] == 0); i++)
		h9_sleep(MS / 10);
	for (unsigned round = 0; round < 6000; round++) {
		uint64_t mask = round % 5 == 4 ? one | two : round & 1 ? two : one;
		EXPECT_EQ(vx_task_set_affinity(t[0], mask), VX_OK);
		sw[W_AHEAD] = round / 1000 % 2 ? 1000 * MS : 0;
		if (round % 64 == 0)
			h9_sleep(MS / 50);
	}
	sw[W_AHEAD] = 0;
	EXPECT_EQ(vx_task_set_affinity(t[0], one), VX_OK);
	uint64_t before = sw[W_COUNT];
	for (unsigned i = 0; i < 2000 && sw[W_COUNT] < before + 100; i++)
		h9_sleep(MS / 10);
	vx_printf("#   W %lu calls, the other waiter %lu, raisers %lu and %lu; still "
		  "calling: %lu more\n",
		  (unsigned long)sw[W_COUNT], (unsigned long)h9_slot(1)[W_COUNT],
		  (unsigned long)h9_slot(2)[W_COUNT], (unsigned long)h9_slot(3)[W_COUNT],
		  (unsigned long)(sw[W_COUNT] - before));
	EXPECT(sw[W_COUNT] >= before + 100);
	for (unsigned k = 0; k < 2; k++) {
		h9_fpu_ok(k);
		EXPECT_EQ(h9_slot(k)[W_BIND], VX_OK);
		EXPECT_EQ(h9_slot(k)[W_BAD], 0);
		EXPECT_EQ(h9_slot(2 + k)[W_LAST], VX_OK);
	}
	h9_teardown(data, t, H9_TASKS);
}

/*
 * W and P, a call/reply pair, both on CPU 1: a call whose peer waits
 * there is the fastpath's direct switch under the shared hold
 * (sched_direct_shared), one each way every round trip.  ktest moves W to
 * CPU 2 now and then and back (W's first call from there finds P waiting
 * on another CPU, and P's next finds W's CPU maybe still leaving it), and
 * halts and resumes it.  For the second half, raisers on CPUs 2 and 3
 * raise the very bits the pair waits for, at both, without pause: a
 * raiser and the direct switch race for the same waiting Task's
 * wake_lock, a raiser's wake-up queues a Task its CPU is still leaving,
 * and a call often finds its bit already pending and does not block.
 * Every answer must be the Task's own bit, xmm1 must keep the count of
 * calls, and the pair must still be calling at the end.
 */
static void t_direct_pair_beside_raisers(void)
{
	unsigned n = cpus_online();

	if (n < 4) {
		vx_printf("#   %u CPU(s): needs four\n", n);
		return;
	}
	vx_handle_t code_rx, data, b[H9_TASKS], t[H9_TASKS], sig[2];
	uint64_t one = 1ull << 1, two = 1ull << 2, last = 1ull << (n - 1);
	h9_setup(&code_rx, &data);
	vx_handle_t ring = MUST(vx_reticle_retype(R, VX_OBJ_RING, VX_RING_ARG(6, 4)));
	t[0] = h9_task(code_rx, data, ring, 0, VX_R_PRODUCE, VX_RING_PRODUCER, W_BIT, W_BIT, one, 0,
		       &b[0]);
	t[1] = h9_task(code_rx, data, ring, 1, VX_R_CONSUME, VX_RING_CONSUMER, P_BIT, P_BIT, one, 0,
		       &b[1]);
	for (unsigned k = 0; k < 2; k++) {
		uint32_t bit = k ? P_BIT : W_BIT;
		sig[k] = MUST(vx_sig_mint(t[k], 1ull << bit));
		t[2 + k] = h9_task(code_rx, data, sig[k], 2 + k, 0, 0, 0, bit, k ? last : two,
				   RAISE_OFF, &b[2 + k]);
	}
	for (unsigned i = 0; i < 2; i++) {
		EXPECT_EQ(vx_task_start(t[i], b[i]), VX_OK);
		EXPECT_EQ(vx_cap_delete(b[i]), VX_OK);
	}
	volatile uint64_t *sw = h9_slot(0), *sp = h9_slot(1);
	for (unsigned i = 0; i < 2000 && (sw[W_COUNT] == 0 || sp[W_COUNT] == 0); i++)
		h9_sleep(MS / 10);
	EXPECT_EQ(sw[W_BIND], VX_OK);
	EXPECT_EQ(sp[W_BIND], VX_OK);

	unsigned halts = 0;
	uint64_t quiet = 0;
	for (unsigned round = 0; round < 4500 && !failures_in_test; round++) {
		if (round == 1500) {
			quiet = sw[W_COUNT] + sp[W_COUNT];
			for (unsigned i = 2; i < H9_TASKS; i++) {
				EXPECT_EQ(vx_task_start(t[i], b[i]), VX_OK);
				EXPECT_EQ(vx_cap_delete(b[i]), VX_OK);
			}
		}
		uint64_t mask = round % 8 == 7 ? two : round % 8 == 3 ? one | two : one;
		EXPECT_EQ(vx_task_set_affinity(t[0], mask), VX_OK);
		uint64_t ahead = round / 250 % 3 == 2 ? 1000 * MS : 0;
		sw[W_AHEAD] = ahead;
		sp[W_AHEAD] = ahead;
		if (round % 200 == 100) {
			EXPECT_EQ(vx_task_halt(t[0]), VX_OK);
			h9_sleep(MS / 20);
			EXPECT_EQ(vx_task_resume(t[0]), VX_OK);
			halts++;
		}
		h9_sleep(MS / 20);
	}
	if (quiet == 0) {
		/* The first half failed: start the raisers anyway, for the
		 * teardown, which halts every Task. */
		for (unsigned i = 2; i < H9_TASKS; i++)
			vx_task_start(t[i], b[i]);
	}
	sw[W_AHEAD] = 0;
	sp[W_AHEAD] = 0;
	EXPECT_EQ(vx_task_set_affinity(t[0], one), VX_OK);
	uint64_t before = sw[W_COUNT] + sp[W_COUNT];
	for (unsigned i = 0; i < 2000 && sw[W_COUNT] + sp[W_COUNT] < before + 100; i++)
		h9_sleep(MS / 10);
	uint64_t after = sw[W_COUNT] + sp[W_COUNT];
	vx_printf("#   %u halts: W %lu calls, P %lu (%lu before the raisers), raisers %lu and "
		  "%lu; still calling: %lu more\n",
		  halts, (unsigned long)sw[W_COUNT], (unsigned long)sp[W_COUNT],
		  (unsigned long)quiet, (unsigned long)h9_slot(2)[W_COUNT],
		  (unsigned long)h9_slot(3)[W_COUNT], (unsigned long)(after - before));
	EXPECT(quiet > 1500);
	EXPECT(after >= before + 100);
	h9_fpu_ok(0);
	h9_fpu_ok(1);
	EXPECT(sw[W_BAD] <= halts); /* a halt ends a wait with 0 */
	EXPECT_EQ(sp[W_BAD], 0);
	if (sp[W_BAD] || sw[W_BAD] > halts)
		vx_printf("#   W answered %ld, P %ld\n", (long)sw[W_BADVAL], (long)sp[W_BADVAL]);
	EXPECT_EQ(h9_slot(2)[W_LAST], VX_OK);
	EXPECT_EQ(h9_slot(3)[W_LAST], VX_OK);
	h9_teardown(data, t, H9_TASKS);
}

/* Four spinners on every CPU but ktest's (CPU 0), more than there are
 * CPUs: each quantum's end puts the running one on its CPU's queue and
 * takes the next, under that queue's lock with the kernel lock held shared
 * (sched_preempt_shared).  Two also yield now and then (TASK_YIELD, the
 * same way), and two sleep for 50 us now and then, so that CPUs go idle
 * and steal from each other's queues a spinner whose CPU may still be
 * leaving it (the on_cpu rule); ktest meanwhile moves spinner 3 between
 * CPUs and halts and resumes spinner 2.  Every spinner must keep xmm1 and
 * r15 equal, every yield must answer VX_OK, and every spinner must still
 * be getting CPU time at the end. */
static void t_preempted_spinners_stolen(void)
{
	unsigned n = cpus_online();

	if (n < 2) {
		vx_printf("#   %u CPU: needs two\n", n);
		return;
	}
	static const uint64_t yield[H9_TASKS] = {0xfff, ~0ull, 0x3ff, ~0ull};
	static const uint64_t nap[H9_TASKS] = {0x3fff, 0xffff, ~0ull, ~0ull};
	uint64_t others = ((n >= 64 ? ~0ull : (1ull << n) - 1)) & ~1ull;
	vx_handle_t code_rx, data, b[H9_TASKS], t[H9_TASKS];
	h9_setup(&code_rx, &data);
	vx_handle_t give = MUST(vx_sig_mint(self, 1ull << 20)); /* nobody raises it */
	for (unsigned i = 0; i < H9_TASKS; i++) {
		t[i] = h9_task(code_rx, data, give, i, 0, 0, 0, 0, others, SPIN_OFF, &b[i]);
		h9_slot(i)[W_MASK] = yield[i];
		h9_slot(i)[W_AHEAD] = nap[i];
	}
	for (unsigned i = 0; i < H9_TASKS; i++) {
		EXPECT_EQ(vx_task_start(t[i], b[i]), VX_OK);
		EXPECT_EQ(vx_cap_delete(b[i]), VX_OK);
	}
	unsigned halts = 0;
	for (unsigned round = 0; round < 2000 && !failures_in_test; round++) {
		uint64_t mask = round % 4 == 0 ? 1ull << (1 + round / 4 % (n - 1)) : others;
		EXPECT_EQ(vx_task_set_affinity(t[3], mask), VX_OK);
		if (round % 100 == 50) {
			EXPECT_EQ(vx_task_halt(t[2]), VX_OK);
			h9_sleep(MS / 20);
			EXPECT_EQ(vx_task_resume(t[2]), VX_OK);
			halts++;
		}
		h9_sleep(MS / 20);
	}
	EXPECT_EQ(vx_task_set_affinity(t[3], others), VX_OK);
	/* Every spinner still gets CPU time: its count moves within 2 s. */
	uint64_t before[H9_TASKS], moved = 0;
	for (unsigned i = 0; i < H9_TASKS; i++)
		before[i] = h9_slot(i)[W_COUNT];
	for (unsigned w = 0; w < 2000 && moved != (1u << H9_TASKS) - 1; w++) {
		h9_sleep(MS);
		for (unsigned i = 0; i < H9_TASKS; i++)
			if (h9_slot(i)[W_COUNT] > before[i] + 1000)
				moved |= 1u << i;
	}
	vx_printf("#   %u halts; counts %lu %lu %lu %lu\n", halts,
		  (unsigned long)h9_slot(0)[W_COUNT], (unsigned long)h9_slot(1)[W_COUNT],
		  (unsigned long)h9_slot(2)[W_COUNT], (unsigned long)h9_slot(3)[W_COUNT]);
	EXPECT_EQ(moved, (1u << H9_TASKS) - 1);
	for (unsigned i = 0; i < H9_TASKS; i++) {
		h9_fpu_ok(i);
		EXPECT_EQ(h9_slot(i)[W_BAD], 0);
		if (h9_slot(i)[W_BAD])
			vx_printf("#   spinner %u: a yield answered %ld\n", i,
				  (long)h9_slot(i)[W_BADVAL]);
	}
	h9_teardown(data, t, H9_TASKS);
}

void ktest_hunt9(void)
{
	run("hunt9_pair_moved_while_it_blocks", t_pair_moved_while_it_blocks);
	run("hunt9_waiter_moved_beside_a_raiser", t_waiter_moved_beside_a_raiser);
	run("hunt9_direct_pair_beside_raisers", t_direct_pair_beside_raisers);
	run("hunt9_preempted_spinners_stolen", t_preempted_spinners_stolen);
}
