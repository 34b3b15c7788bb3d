// SPDX-License-Identifier: BSD-3-Clause
/*
 * fork, vfork and clone keep every register the syscall ABI keeps (all
 * but rax, rcx and r11), in the parent and in the child.  glibc's vfork()
 * depends on it: it holds its return address in rdi across the syscall.
 *
 * Prints, per call, which registers came back changed on either side
 * ("ok" when none); the same on any Linux (tests/qemu/linuxdiff_test.py).
 */
#include <stdio.h>
#include <sys/wait.h>

/* probe(nr, rdi, rsi): the call with rdi and rsi as given and known
 * values in every other register.  The child exits with a mask of the
 * registers it found changed; the parent stores its own in parent_mask
 * and returns the child's pid. */
long probe(long nr, long rdi, long rsi);
int parent_mask;

__asm__(".text\n"
	".globl probe\n"
	"probe:\n"
	"	push %rbx\n"
	"	push %rbp\n"
	"	push %r12\n"
	"	push %r13\n"
	"	push %r14\n"
	"	push %r15\n"
	"	push %rsi\n" /* 8(%rsp): rdi as it was */
	"	push %rdx\n" /* (%rsp): rsi as it was */
	"	mov %rdi, %rax\n"
	"	mov %rsi, %rdi\n"
	"	mov %rdx, %rsi\n"
	"	mov $0x3333, %rdx\n"
	"	mov $0x1010, %r10\n"
	"	mov $0x0808, %r8\n"
	"	mov $0x0909, %r9\n"
	"	mov $0xbbbb, %rbx\n"
	"	mov $0xb0b0, %rbp\n"
	"	mov $0x1212, %r12\n"
	"	mov $0x1313, %r13\n"
	"	mov $0x1414, %r14\n"
	"	mov $0x1515, %r15\n"
	"	syscall\n"
	"	xor %ecx, %ecx\n"
	"	cmp 8(%rsp), %rdi\n"
	"	je 1f\n"
	"	or $1, %ecx\n"
	"1:	cmp (%rsp), %rsi\n"
	"	je 1f\n"
	"	or $2, %ecx\n"
	"1:	cmp $0x3333, %rdx\n"
	"	je 1f\n"
	"	or $4, %ecx\n"
	"1:	cmp $0x1010, %r10\n"
	"	je 1f\n"
	"	or $8, %ecx\n"
	"1:	cmp $0x0808, %r8\n"
	"	je 1f\n"
	"	or $16, %ecx\n"
	"1:	cmp $0x0909, %r9\n"
	"	je 1f\n"
	"	or $32, %ecx\n"
	"1:	cmp $0xbbbb, %rbx\n"
	"	jne 2f\n"
	"	cmp $0xb0b0, %rbp\n"
	"	je 1f\n"
	"2:	or $64, %ecx\n"
	"1:	cmp $0x1212, %r12\n"
	"	jne 2f\n"
	"	cmp $0x1313, %r13\n"
	"	jne 2f\n"
	"	cmp $0x1414, %r14\n"
	"	jne 2f\n"
	"	cmp $0x1515, %r15\n"
	"	je 1f\n"
	"2:	or $128, %ecx\n"
	"1:	test %rax, %rax\n"
	"	jnz 3f\n"
	"	mov %ecx, %edi\n" /* the child */
	"	mov $231, %eax\n"
	"	syscall\n"
	"	ud2\n"
	"3:	mov %ecx, parent_mask(%rip)\n"
	"	add $16, %rsp\n"
	"	pop %r15\n"
	"	pop %r14\n"
	"	pop %r13\n"
	"	pop %r12\n"
	"	pop %rbp\n"
	"	pop %rbx\n"
	"	ret\n");

static void say(const char *call, const char *side, int mask)
{
	static const char *const names[] = {"rdi", "rsi", "rdx",     "r10",
					    "r8",  "r9",  "rbx/rbp", "r12-r15"};

	printf("%s: %s registers:", call, side);
	if (!mask)
		printf(" ok");
	for (int i = 0; i < 8; i++)
		if (mask & (1 << i))
			printf(" %s", names[i]);
	printf("\n");
}

int main(void)
{
	static const struct {
		const char *name;
		long nr, rdi, rsi;
	} calls[] = {
	    {"fork", 57, 0x1111, 0x2222},
	    {"vfork", 58, 0x1111, 0x2222},
	    {"clone(SIGCHLD)", 56, 17, 0},
	};

	for (unsigned i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		int st = 0;
		long pid = probe(calls[i].nr, calls[i].rdi, calls[i].rsi);
		if (pid < 0) {
			printf("%s: failed: %ld\n", calls[i].name, pid);
			continue;
		}
		say(calls[i].name, "parent", parent_mask);
		waitpid((int)pid, &st, 0);
		if (WIFEXITED(st))
			say(calls[i].name, "child", WEXITSTATUS(st));
		else
			printf("%s: child killed by signal %d\n", calls[i].name, WTERMSIG(st));
	}
	return 0;
}
