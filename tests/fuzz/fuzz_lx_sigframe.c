/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for lx_sigframe_pop (lib/posix/sigframe.h): the input
 * is a process's stack as rt_sigreturn finds it (the first two bytes say
 * where rsp points in it, the rest is the stack).  A pop that succeeds
 * must leave registers VX_SYS_TASK_REGS accepts and a mask without
 * SIGKILL and SIGSTOP; one that fails must change nothing.  Then the
 * registers it produced go through push and pop again, and must come back.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "posix/sigframe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

#define LO   0x7fff00000000ull
#define SIZE 8192u

static uint8_t mem[SIZE], mem2[3 * SIZE];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct lx_sigaction act = {0x401000, LX_SA_RESTORER, 0x402000, 0};
	struct vx_regs r, before, again;
	struct lx_siginfo si;
	uint64_t mask = 5, mask2;
	uint32_t mxcsr;
	int rc;

	if (size < 2)
		return 0;
	memset(mem, 0, sizeof(mem));
	memcpy(mem, data + 2, size - 2 < SIZE ? size - 2 : SIZE);
	memset(&r, 0, sizeof(r));
	r.rsp = LO + ((uint64_t)(data[0] | data[1] << 8) % (SIZE + 64));
	r.rflags = 0x202;
	before = r;
	rc = lx_sigframe_pop(&r, mem, LO, LO + SIZE, &mask);
	if (rc != 0) {
		CHECK(rc == -LX_EFAULT && memcmp(&r, &before, sizeof(r)) == 0 && mask == 5);
		return 0;
	}
	memcpy(&mxcsr, r.fpu + LX_FX_MXCSR, 4);
	CHECK(r.rip < VX_MAP_END && r.rsp < VX_USER_END && !(mxcsr & LX_MXCSR_RESERVED));
	CHECK(!(mask & (LX_SIGBIT(LX_SIGKILL) | LX_SIGBIT(LX_SIGSTOP))));
	CHECK((r.rflags & ~VX_RFLAGS_USER) == 0x202);

	/* Round trip: the state pushed onto a stack of its own comes back. */
	again = r;
	again.rsp = LO + 2 * SIZE;
	r.rsp = again.rsp;
	memset(&si, 0, sizeof(si));
	CHECK(lx_sigframe_push(&again, mem2, LO, LO + sizeof(mem2), LX_SIGUSR1, &si, mask, &act) ==
	      0);
	again.rsp += 8;
	CHECK(lx_sigframe_pop(&again, mem2, LO, LO + sizeof(mem2), &mask2) == 0);
	CHECK(mask2 == mask && memcmp(&again.rax, &r.rax, 18 * 8) == 0 &&
	      memcmp(again.fpu, r.fpu, 512) == 0);
	return 0;
}
