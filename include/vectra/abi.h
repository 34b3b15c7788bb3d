/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VectraOS kernel ABI: the code twin of docs/ABI.md.
 *
 * Everything that crosses the user/kernel boundary is defined here and
 * nowhere else: handles, error codes, object types, rights, syscall numbers
 * and the structures syscalls read or write.  Layouts are pinned with
 * _Static_assert so that the kernel, user land and host tools cannot drift.
 *
 * Calling convention (x86_64): the syscall number goes in rax, arguments in
 * rdi, rsi, rdx, r10, r8, r9; the result comes back in rax.  A result >= 0 is
 * success (often a handle or a count); a result < 0 is one of the VX_E_*
 * codes below.  rcx and r11 are clobbered, as the syscall instruction
 * demands; every other register is preserved.
 */
#ifndef VECTRA_ABI_H
#define VECTRA_ABI_H

#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------------
 * Handles
 *
 * A handle names one slot of the calling Task's handle table and carries the
 * generation the slot had when the handle was issued:
 *
 *     bits 0..7   slot index (1..VX_HANDLE_SLOTS-1; index 0 is never used)
 *     bits 8..31  generation (never 0)
 *
 * Deleting a capability bumps its slot's generation, so every handle issued
 * for the old occupant is stale forever; it is never resurrected, even when
 * the slot is reused.  Handle value 0 is VX_NO_HANDLE.
 * ------------------------------------------------------------------------ */
typedef uint32_t vx_handle_t;

#define VX_NO_HANDLE		 0u
#define VX_HANDLE_SLOTS		 256u
#define VX_HANDLE_INDEX(h)	 ((h)&0xffu)
#define VX_HANDLE_GEN(h)	 ((h) >> 8)
#define VX_HANDLE_MAKE(idx, gen) ((((uint32_t)(gen)) << 8) | ((uint32_t)(idx)&0xffu))
#define VX_HANDLE_GEN_MAX	 0xffffffu

/* ------------------------------------------------------------------------
 * Errors.  One list for the whole system: kernel, runtime and services.
 * ------------------------------------------------------------------------ */
enum vx_error {
	VX_OK = 0,
	VX_E_BADHANDLE = -1, /* handle is malformed: index 0 or out of range, or generation 0 */
	VX_E_STALE = -2,     /* handle's slot was deleted or reused since it was issued */
	VX_E_TYPE = -3,	     /* capability names an object of the wrong type */
	VX_E_RIGHTS = -4, /* capability lacks a right the operation needs, or a widen was asked */
	VX_E_NOMEM = -5,  /* the Reticle has no room for the object */
	VX_E_FAULT = -6,  /* a user pointer is not mapped with the access the call needs */
	VX_E_INVAL = -7,  /* an argument's value is not one the call accepts */
	VX_E_RANGE = -8,  /* an address or length lies outside the permitted range, or wraps */
	VX_E_FULL = -9,	  /* a bounded table or queue is full */
	VX_E_EMPTY = -10, /* nothing to receive */
	VX_E_STATE = -11, /* the object is not in a state that permits the operation */
	VX_E_NOTFOUND = -12, /* no such name (Bundle lookup, boot image entry) */
	VX_E_EXISTS = -13,   /* already mapped, bound or named */
	VX_E_NOSYS = -14,    /* no such syscall */
	VX_E_TIMEOUT = -15,  /* the deadline passed first */
	VX_E_CORRUPT = -16,  /* shared data (ring, bundle, image) failed validation */
	VX_E_ALIGN = -17,    /* an address or size is not aligned as required */
	VX_E_DEPTH = -18,    /* nesting limit reached (Reticle splits, derivations) */
	VX_E_AGAIN = -19,    /* not ready yet; try again later (e.g. High randomness) */
	VX_E_AUTH = -20,     /* authentication failed (tag, signature, checksum) */
	VX_E_TOOBIG = -21,   /* an input or output exceeds a documented size limit */
	VX_E_REVOKED = -22,  /* the capability was revoked or destroyed before it was received */
	VX_E_BUSY = -23,     /* the object is in use in a way that conflicts (e.g. W^X per frame) */
	/* The network's, returned by netd and lib/net, never by the kernel. */
	VX_E_REFUSED = -24, /* the peer refused the connection (a TCP RST answered our SYN) */
	VX_E_RESET = -25,   /* the peer reset an established connection */
	VX_E_UNREACH = -26, /* the host cannot be reached: no ARP answer, or ICMP unreachable */
	VX_E_HANGUP = -27, /* the other end of a Ring pair went away (its Task stopped or closed) */
	VX_E_LAST = -27,
};

/* ------------------------------------------------------------------------
 * Object types.  Each capability names exactly one.
 * ------------------------------------------------------------------------ */
enum vx_obj_type {
	VX_OBJ_NONE = 0,
	VX_OBJ_RETICLE = 1,  /* untyped memory: retype, split, reset */
	VX_OBJ_TASK = 2,     /* address space, handle table, signal mask, registers */
	VX_OBJ_MEM = 3,	     /* physical frames that can be mapped (a MemCap) */
	VX_OBJ_RING = 4,     /* SPSC shared-memory queue plus a capability transfer queue */
	VX_OBJ_SIGNAL = 5,   /* right to raise some bits of one Task's signal mask */
	VX_OBJ_BUNDLE = 6,   /* named, typed capability slots handed to a Task at start */
	VX_OBJ_IRQ = 7,	     /* a range of interrupt lines that can be routed to signals */
	VX_OBJ_IOPORT = 8,   /* a range of x86 I/O ports */
	VX_OBJ_PCI = 9,	     /* authority over a range of PCI functions (bus/device/function) */
	VX_OBJ_IOSPACE = 10, /* one PCI function's IO address space: what its DMA can reach */
	VX_OBJ_COUNT = 11,
};

/* ------------------------------------------------------------------------
 * Rights.  A capability's rights can only narrow.
 * ------------------------------------------------------------------------ */
#define VX_R_READ    (1u << 0) /* Mem: map readable. Task: inspect. IoPort: in. */
#define VX_R_WRITE   (1u << 1) /* Mem: map writable. IoPort: out, console write. */
#define VX_R_EXEC    (1u << 2) /* Mem: map executable. */
#define VX_R_PRODUCE (1u << 3) /* Ring: bind as producer; send capabilities. */
#define VX_R_CONSUME (1u << 4) /* Ring: bind as consumer; receive capabilities. */
#define VX_R_CONTROL (1u << 5) /* Task/Reticle/Bundle/Irq/Pci/IoSpace: change or control it. */
#define VX_R_GRANT   (1u << 6) /* may be derived into another Task (Bundle, ring transfer). */
#define VX_R_ALL     0x7fu

/* ------------------------------------------------------------------------
 * Syscall numbers.  Grouped by primitive; fewer than 50 in all.
 * ------------------------------------------------------------------------ */
enum vx_syscall {
	/* Capability */
	VX_SYS_CAP_INSPECT = 0, /* (h, struct vx_cap_info *out) */
	VX_SYS_CAP_DERIVE = 1,	/* (h, rights, narrow) -> new handle */
	VX_SYS_CAP_DELETE = 2,	/* (h) */
	VX_SYS_CAP_REVOKE = 3,	/* (h): delete every capability derived from h */
	/* Reticle */
	VX_SYS_RETICLE_RETYPE = 4, /* (ret, type, arg) -> handle */
	VX_SYS_RETICLE_SPLIT = 5,  /* (ret, bytes) -> handle of a child Reticle */
	VX_SYS_RETICLE_RESET = 6,  /* (ret): destroy everything derived from it */
	VX_SYS_RETICLE_INFO = 7,   /* (ret, struct vx_reticle_info *out) */
	/* Task */
	VX_SYS_TASK_MAP = 8,	    /* (task, mem, vaddr, prot) */
	VX_SYS_TASK_UNMAP = 9,	    /* (mem) */
	VX_SYS_TASK_SET_REGS = 10,  /* (task, ip, sp, arg): arg arrives in rsi */
	VX_SYS_TASK_START = 11,	    /* (task, bundle) */
	VX_SYS_TASK_HALT = 12,	    /* (task) */
	VX_SYS_TASK_RESUME = 13,    /* (task) */
	VX_SYS_TASK_INSPECT = 14,   /* (task, struct vx_task_info *out) */
	VX_SYS_TASK_SUPERVISE = 15, /* (task, signal): who hears about faults and exit */
	VX_SYS_TASK_SET_PRIO = 16,  /* (task, prio) */
	VX_SYS_TASK_EXIT = 17,	    /* (code): never returns */
	VX_SYS_TASK_YIELD = 18,	    /* () */
	/* Bundle */
	VX_SYS_BUNDLE_ADD = 19, /* (bundle, name, name_len, h, rights) */
	/* Ring */
	VX_SYS_RING_BIND = 20,	      /* (ring, role, vaddr, wake_bit, struct vx_ring_info *out) */
	VX_SYS_RING_UNBIND = 21,      /* (ring) */
	VX_SYS_RING_NOTIFY = 22,      /* (ring): raise the peer's doorbell */
	VX_SYS_RING_NOTIFY_WAIT = 23, /* (ring, mask, deadline) -> fired bits */
	VX_SYS_RING_SEND_CAP = 24,    /* (ring, h, rights) -> transfer sequence number */
	VX_SYS_RING_RECV_CAP = 25,    /* (ring) -> handle (in transfer order) */
	/* Signal Mask */
	VX_SYS_SIG_WAIT = 26,  /* (mask, deadline) -> fired bits */
	VX_SYS_SIG_RAISE = 27, /* (signal, bits) */
	/* Devices: interrupts and ports arrive as capabilities */
	VX_SYS_IRQ_BIND = 28,	   /* (irq, line, signal) */
	VX_SYS_IRQ_ACK = 29,	   /* (irq, line) */
	VX_SYS_PORT_IN = 30,	   /* (ioport, port, width) -> value */
	VX_SYS_PORT_OUT = 31,	   /* (ioport, port, width, value) */
	VX_SYS_CONSOLE_WRITE = 32, /* (ioport covering COM1, buf, len) */
	/* Time */
	VX_SYS_CLOCK = 33, /* (which) -> 0: ns since boot; 1 + n: ns CPU n idled */
	/* Signal Mask, continued */
	VX_SYS_SIG_MINT = 34, /* (task, bits) -> Signal capability for those bits of task */

	VX_SYS_TASK_SET_AFFINITY = 35, /* (task, cpus): bit n lets it run on CPU n; 0: any */
	/* Devices, continued: DMA through the IOMMU */
	VX_SYS_IOSPACE_CREATE = 36, /* (reticle, pci, bdf | flags, table pages) -> IoSpace handle */
	VX_SYS_IOSPACE_MAP = 37,    /* (iospace, mem, ioaddr, prot) -> the IO address to use */
	/* Task, continued: the whole register state (foreign-ABI Tasks) */
	VX_SYS_TASK_REGS = 38, /* (task, op, struct vx_regs *): VX_REGS_READ, _WRITE, _RESUME */
	VX_SYS_COUNT = 39,
};

/* ------------------------------------------------------------------------
 * Address-space layout.  User land owns [VX_USER_MIN, VX_USER_END).
 * ------------------------------------------------------------------------ */
#define VX_PAGE_SIZE	4096u
#define VX_USER_MIN	0x0000000000010000ull /* page 0..15 never mapped: null traps */
#define VX_USER_END	0x0000800000000000ull /* first non-canonical user address */
#define VX_MAP_END	0x00007ffffffff000ull /* the last user page is never mappable */
#define VX_BUNDLE_VADDR 0x0000000000001000ull /* the Bundle page: below VX_USER_MIN, read-only */

/* Mapping protection bits for VX_SYS_TASK_MAP (subset of the MemCap's rights). */
#define VX_PROT_READ  VX_R_READ
#define VX_PROT_WRITE VX_R_WRITE
#define VX_PROT_EXEC  VX_R_EXEC

/* Deadlines are absolute nanoseconds since boot (VX_SYS_CLOCK). */
/* A Signal Mask has bits 0..62.  Bit 63 is reserved: a wait returns the
 * fired bits as its result, and a result with bit 63 set would read as an
 * error.  Minting, waiting on or binding a wake bit to it is VX_E_INVAL. */
#define VX_SIG_BITS	  63u
#define VX_SIG_ALL	  ((1ull << VX_SIG_BITS) - 1)
#define VX_DEADLINE_NONE  0ull	     /* do not block: report what is pending now */
#define VX_DEADLINE_NEVER UINT64_MAX /* block until a bit fires */

/* ------------------------------------------------------------------------
 * Retype arguments.
 *
 *   VX_OBJ_TASK     arg ignored (0)          VX_TASK_OBJ_BYTES
 *   VX_OBJ_MEM      arg = number of pages    arg * 4096
 *   VX_OBJ_RING     arg = VX_RING_ARG(slot_log2, count_log2)
 *                   slot 64..4096 bytes, count 1..4096 slots
 *   VX_OBJ_BUNDLE   arg ignored (0)          VX_BUNDLE_OBJ_BYTES
 *   anything else   VX_E_INVAL
 * Every object also costs VX_OBJ_META_BYTES of Reticle metadata.
 * ------------------------------------------------------------------------ */
#define VX_RING_ARG(slot_log2, count_log2) (((uint32_t)(slot_log2) << 8) | (uint32_t)(count_log2))
#define VX_RING_SLOT_LOG2_MIN		   6
#define VX_RING_SLOT_LOG2_MAX		   12
#define VX_RING_COUNT_LOG2_MAX		   12
#define VX_MEM_PAGES_MAX		   (1u << 20) /* 4 GiB in one MemCap */
#define VX_TASK_OBJ_BYTES		   (8u * VX_PAGE_SIZE)
#define VX_BUNDLE_OBJ_BYTES		   (3u * VX_PAGE_SIZE)
#define VX_OBJ_META_BYTES		   128u
#define VX_RETICLE_DEPTH_MAX		   8u

/* ------------------------------------------------------------------------
 * Interrupt lines, as an Irq capability's range names them.
 *
 *   0..23    the IOAPIC's inputs: 0..15 the legacy ISA lines (the kernel
 *            applies the MADT's overrides), 16..23 PCI INTx.  Line 0 (the
 *            PIT) and 2 (the cascade) are never handed out.
 *   32..159  MSI lines: binding one returns the message the device must
 *            send (VX_MSI_ADDR / VX_MSI_DATA of the result), which the
 *            driver writes into its MSI or MSI-X table.
 *
 * VX_SYS_IRQ_ACK re-arms a line and returns how many interrupts it has
 * taken since boot.  A line that fires while not yet acknowledged raises
 * nothing more (a storm costs the CPU the interrupt, nothing else); one
 * such firing is remembered and raised again at the acknowledgement, so
 * none is lost.
 * ------------------------------------------------------------------------ */
#define VX_IRQ_IOAPIC_LINES 24u
#define VX_IRQ_MSI_FIRST    32u
#define VX_IRQ_MSI_COUNT    128u
#define VX_IRQ_LINES	    (VX_IRQ_MSI_FIRST + VX_IRQ_MSI_COUNT)
#define VX_MSI_ADDR(r)	    ((uint32_t)((uint64_t)(r)&0xffffffffu)) /* message address (low) */
#define VX_MSI_DATA(r)	    ((uint32_t)((uint64_t)(r) >> 32))	    /* message data */

/* ------------------------------------------------------------------------
 * PCI and DMA.
 *
 * A Pci capability's range names PCI functions by their 16-bit requester
 * ID, bdf = bus << 8 | device << 3 | function (segment 0), as first | count
 * << 32.  It is the authority to create the IoSpace of a function in it.
 *
 * An IoSpace is one function's IO address space: the IOMMU lets that
 * function's DMA reach exactly the MemCaps mapped into it, at the IO
 * addresses [0, VX_IOSPACE_END) they were mapped at.  Its table pages (an
 * argument of VX_SYS_IOSPACE_CREATE) bound how much it can map: each page
 * beyond the first VX_IOSPACE_PAGES_MIN maps 2 MiB of IO addresses.
 *
 * Without an IOMMU a device's DMA reaches all of memory.  VX_SYS_IOSPACE_
 * CREATE then refuses (VX_E_NOTFOUND) unless the caller asks for an
 * unconfined IoSpace (VX_IOSPACE_UNCONFINED, which an IOMMU machine in turn
 * refuses with VX_E_STATE): mapping into one returns the MemCap's physical
 * address and confines nothing.  Asking needs VX_R_WRITE on the Pci
 * capability, which init grants only where the manifest says "dma
 * unconfined".
 * ------------------------------------------------------------------------ */
#define VX_PCI_BDF(bus, dev, fn) (((uint32_t)(bus) << 8) | ((uint32_t)(dev) << 3) | (uint32_t)(fn))
#define VX_IOSPACE_UNCONFINED	 (1u << 16) /* flag beside the bdf of IOSPACE_CREATE */
#define VX_IOSPACE_END		 (1ull << 30)
#define VX_IOSPACE_PAGES_MIN	 4u
#define VX_IOSPACE_PAGES_MAX	 (VX_IOSPACE_PAGES_MIN + 512u)

/* Ring roles for VX_SYS_RING_BIND. */
#define VX_RING_PRODUCER 1u
#define VX_RING_CONSUMER 2u

/* Port widths for VX_SYS_PORT_IN/OUT. */
#define VX_PORT_WIDTH_8	 1u
#define VX_PORT_WIDTH_16 2u
#define VX_PORT_WIDTH_32 4u

/* Task priorities: higher runs first; equal priorities round-robin. */
#define VX_PRIO_MIN	0u
#define VX_PRIO_DEFAULT 8u
#define VX_PRIO_MAX	15u

/* ------------------------------------------------------------------------
 * Structures written by the kernel.
 * ------------------------------------------------------------------------ */
struct vx_cap_info {
	uint32_t type;	 /* enum vx_obj_type */
	uint32_t rights; /* VX_R_* */
	/* What the cap is narrowed to, or a Ring's state: one word, named by
	 * what it means for the type.  narrow is the generic name (what
	 * VX_SYS_CAP_DERIVE's third argument narrows). */
	union {
		uint64_t narrow;
		uint64_t signal_bits; /* Signal: the bits it may raise */
		uint64_t range;	      /* IoPort: base | count << 32; Irq: first | count << 32 */
		/* Ring: VX_RING_BOUND_* of the ends bound now, and the number of
		 * capabilities waiting in its transfer queue << 8. */
		uint64_t ring_state;
	};
	uint64_t size;	/* Mem/Ring/Reticle: bytes. Irq: interrupts its lines took. Others 0. */
	uint64_t paddr; /* Mem: physical base (device drivers need it). Others 0. */
};
_Static_assert(sizeof(struct vx_cap_info) == 32, "vx_cap_info layout");
_Static_assert(offsetof(struct vx_cap_info, narrow) == 8, "vx_cap_info layout");

struct vx_reticle_info {
	uint64_t base;	  /* physical base */
	uint64_t size;	  /* bytes covered */
	uint64_t free;	  /* bytes that retype or split can still hand out */
	uint32_t objects; /* live objects carved directly from it */
	uint32_t depth;	  /* 0 for a boot Reticle */
	uint32_t device;  /* 1: device memory, only VX_OBJ_MEM may be retyped */
	uint32_t reserved;
};
_Static_assert(sizeof(struct vx_reticle_info) == 40, "vx_reticle_info layout");

/* Task states. */
enum vx_task_state {
	VX_TASK_NEW = 0,      /* retyped, not yet started */
	VX_TASK_RUNNABLE = 1, /* running or ready to run */
	VX_TASK_WAITING = 2,  /* blocked in a signal wait */
	VX_TASK_HALTED = 3,   /* stopped by its controller; resumable */
	VX_TASK_FAULTED = 4,  /* stopped by a fault; see the fault record */
	VX_TASK_EXITED = 5,   /* called exit; final */
};

/* Fault kinds, in the fault record. */
enum vx_fault_kind {
	VX_FAULT_NONE = 0,
	VX_FAULT_EXIT = 1,    /* not a fault: the Task exited; code in exit_code */
	VX_FAULT_PAGE = 2,    /* page fault; addr is CR2, code the hardware error code */
	VX_FAULT_GP = 3,      /* general protection (e.g. a privileged instruction) */
	VX_FAULT_UD = 4,      /* invalid opcode */
	VX_FAULT_DE = 5,      /* divide error */
	VX_FAULT_OTHER = 6,   /* any other exception; code holds the vector */
	VX_FAULT_KILLED = 7,  /* reserved: never produced (a destroyed Task is gone, not faulted) */
	VX_FAULT_DMA = 8,     /* its device's DMA was blocked by the IOMMU; see VX_DMA_FAULT_* */
	VX_FAULT_SYSCALL = 9, /* a foreign-ABI Task ran syscall: addr is rax, ip the next insn */
};

/* A DMA fault (VX_FAULT_DMA) is reported to the Task that last mapped into
 * the device's IoSpace: addr is the IO address the device used, code packs
 * the requester (bus/device/function), the direction and the IOMMU's reason. */
#define VX_DMA_FAULT_BDF(code)	  ((code)&0xffffu)
#define VX_DMA_FAULT_WRITE(code)  (((code) >> 16) & 1u) /* 1: the device wrote */
#define VX_DMA_FAULT_REASON(code) ((code) >> 24)	/* VT-d fault reason */

/* Page-fault error-code bits (hardware), as reported in vx_fault.code. */
#define VX_PF_PRESENT 0x1u
#define VX_PF_WRITE   0x2u
#define VX_PF_USER    0x4u
#define VX_PF_EXEC    0x10u

struct vx_fault {
	uint32_t kind;	   /* enum vx_fault_kind */
	uint32_t code;	   /* error code, or the vector for VX_FAULT_OTHER */
	uint64_t addr;	   /* faulting address (page faults) */
	uint64_t ip;	   /* instruction pointer at the fault */
	int64_t exit_code; /* VX_FAULT_EXIT only */
};
_Static_assert(sizeof(struct vx_fault) == 32, "vx_fault layout");

/*
 * A Task's whole user register state, for VX_SYS_TASK_REGS: what a
 * personality (docs/POSIX.md) needs to serve a foreign ABI's system calls,
 * deliver signals and fork.
 *
 * A foreign-ABI Task (flags & VX_REGS_FOREIGN) does not reach the syscall
 * table: its syscall instruction stops it with a VX_FAULT_SYSCALL record,
 * the registers as the instruction left them (rcx the next instruction,
 * r11 rflags).  Its supervisor reads them, serves the call, writes rax and
 * resumes it.  Only a write makes a Task foreign or native again; a
 * foreign Task cannot: it has no syscalls.
 *
 * Reading and writing need VX_R_CONTROL, and a Task that is stopped: new,
 * halted or faulted (else VX_E_STATE).  A read also says why it stopped
 * (stop): the VX_FAULT_* kind of a faulted Task (VX_FAULT_SYSCALL: serve
 * the call numbered rax), VX_FAULT_NONE for a halted or new one; so a
 * personality needs TASK_INSPECT only for a fault's address and code.  A
 * write ignores stop, and is checked whole before anything changes:
 *   - rip below VX_MAP_END, rsp and fs_base below VX_USER_END (VX_E_RANGE);
 *   - flags: only VX_REGS_FOREIGN (VX_E_INVAL);
 *   - fpu: an FXSAVE image whose MXCSR sets no bit the CPU reserves
 *     (VX_E_INVAL).  FCW, the tags and the registers are taken as given.
 * op | VX_REGS_NOFPU moves only the integer part (the first
 * VX_REGS_INT_BYTES: up to and including stop): a read fills only that much
 * of the buffer, a write takes only that much, and the Task's FPU image
 * stays as it is.  A syscall served without touching the FPU state moves a
 * quarter of the bytes.
 * rflags bits outside VX_RFLAGS_USER are ignored (IF is always on, TF,
 * NT, IOPL and the rest are the kernel's).  After a write the Task leaves
 * the kernel with every register restored as written (iretq), rcx and
 * r11 included.
 */
#define VX_REGS_READ   0u
#define VX_REGS_WRITE  1u
#define VX_REGS_RESUME 2u /* write, then resume as TASK_RESUME: one call per answer */
/* write, resume, then wait as SIG_WAIT(r10 = mask, r8 = deadline) and
 * return its fired bits: a personality's answer and its wait for the next
 * stop in one call; the CPU goes straight to the resumed Task when the
 * scheduler would run it next anyway */
#define VX_REGS_RESUME_WAIT 3u
#define VX_REGS_NOFPU	    (1u << 8) /* or-ed into op: the integer part only */
#define VX_REGS_FOREIGN	    (1u << 0)
/* CF PF AF ZF SF DF OF AC ID: what user code may set with popf itself. */
#define VX_RFLAGS_USER 0x240cd5ull

struct vx_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags;
	uint64_t fs_base; /* the FS segment base: a foreign ABI's thread pointer */
	uint32_t flags;	  /* VX_REGS_FOREIGN */
	uint32_t stop;	  /* read: why it stopped (enum vx_fault_kind); ignored by a write */
	uint8_t fpu[512] __attribute__((aligned(16))); /* FXSAVE64 image: x87, MXCSR, XMM0-15 */
};
#define VX_REGS_INT_BYTES 160u /* the integer part: every field before fpu */
_Static_assert(sizeof(struct vx_regs) == 672, "vx_regs layout");
_Static_assert(offsetof(struct vx_regs, rip) == 128, "vx_regs layout");
_Static_assert(offsetof(struct vx_regs, fs_base) == 144, "vx_regs layout");
_Static_assert(offsetof(struct vx_regs, fpu) == 160, "vx_regs layout");
_Static_assert(offsetof(struct vx_regs, fpu) == VX_REGS_INT_BYTES, "vx_regs layout");

struct vx_task_info {
	uint32_t state; /* enum vx_task_state */
	uint32_t prio;
	struct vx_fault fault;
	uint64_t cpu_ns;   /* time spent running */
	uint64_t pending;  /* signal bits raised but not yet taken */
	uint64_t affinity; /* CPUs it may run on (bit n: CPU n); 0: any */
	uint32_t cpu;	   /* the CPU it runs on, or last ran on */
	uint32_t handles;  /* occupied slots of its table (of VX_HANDLE_SLOTS - 1) */
};
_Static_assert(sizeof(struct vx_task_info) == 72, "vx_task_info layout");

#endif
