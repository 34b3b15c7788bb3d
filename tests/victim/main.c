/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * victim: a child Task that misbehaves on request, for the kernel tests.
 * Its args name one behaviour:
 *
 *   exit N      return N
 *   null        write through a null pointer          (page fault, not present)
 *   write_ro    write into its own code               (page fault, protection)
 *   exec_nx     jump into its (non-executable) stack  (page fault, instruction fetch)
 *   ud          execute ud2                           (#UD)
 *   gp          execute cli, a privileged instruction (#GP)
 *   de          divide by zero                        (#DE)
 *   stack       recurse without end                   (page fault in the guard page)
 *   spin        loop forever in user mode
 *   bomb        retype Tasks from its "ret" Reticle until refused; exit with the count
 *   touch       write 42 to 0x50000000 (unmapped until the supervisor maps it)
 */
#include "rt/vx.h"

static int starts_with(const char *s, const char *p)
{
	while (*p)
		if (*s++ != *p++)
			return 0;
	return 1;
}

static int parse_int(const char *s)
{
	int v = 0;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return v;
}

static volatile int sink;
static volatile int forever = 1 << 30;

__attribute__((noinline)) static int recurse(int depth)
{
	volatile char buf[512];
	buf[0] = (char)depth;
	if (depth < forever)
		return recurse(depth + 1) + buf[0];
	return buf[0];
}

int main(const struct vx_bundle_page *bundle, const char *args)
{
	if (starts_with(args, "exit "))
		return parse_int(args + 5);
	if (starts_with(args, "null"))
		*(volatile int *)(uintptr_t)sink = 1;
	if (starts_with(args, "write_ro"))
		*(volatile char *)(uintptr_t)&main = 0;
	if (starts_with(args, "exec_nx")) {
		volatile uint8_t code[16] = {0xc3};
		((void (*)(void))(uintptr_t)code)();
	}
	if (starts_with(args, "ud"))
		__asm__ volatile("ud2");
	if (starts_with(args, "gp"))
		__asm__ volatile("cli");
	if (starts_with(args, "de")) {
		volatile int zero = sink;
		sink = 10 / zero;
	}
	if (starts_with(args, "stack"))
		sink = recurse(0);
	if (starts_with(args, "spin"))
		for (;;)
			sink++;
	if (starts_with(args, "bomb")) {
		int64_t ret = vx_bundle_handle(bundle, "ret", VX_OBJ_RETICLE);
		int n = 0;
		if (ret < 0)
			return 200;
		while (vx_reticle_retype((vx_handle_t)ret, VX_OBJ_TASK, 0) >= 0)
			n++;
		return n;
	}
	if (starts_with(args, "touch")) {
		*(volatile int *)0x50000000 = 42;
		return *(volatile int *)0x50000000 == 42 ? 0 : 1;
	}
	return 100;
}
