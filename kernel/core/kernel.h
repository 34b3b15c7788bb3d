/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel's core objects and the rules that tie them together.
 *
 * OBJECTS AND RECORDS.  Every kernel object is carved from a Reticle and
 * described by a 128-byte record (struct kobj) that lives in that Reticle's
 * metadata area.  A Reticle's region fills from both ends: records grow up
 * from its base, object bodies (whole pages) grow down from its top, and
 * free bytes are the gap between.  When the newest record dies, both ends
 * move back; everything else comes back at reset.  There is no other
 * allocator.
 *
 * CAPABILITIES.  A struct cap names one object with some rights.  Caps live
 * in handle tables (one per Task), in a Bundle before its Task starts, in a
 * Ring's transfer queue, or in a few kernel-held slots (a Task's supervisor
 * signal, its Bundle, an IRQ line's route).  Every cap is on its object's
 * list, so destroying an object removes every cap naming it: a stale handle
 * can never reach freed memory.  An object is destroyed when its last cap
 * goes (or its Reticle is reset); destruction is queued and run iteratively
 * by reap(), never recursively, under the preemption budget.
 *
 * MAPPINGS.  A mapping belongs to the cap it was made through: a MemCap
 * slot records the Task and address it is mapped at, a RingCap slot its
 * bind.  Deleting the cap unmaps; destroying the object deletes the caps.
 *
 * LOCKING.  One kernel lock (lock.c) covers every object, cap, queue and
 * Task field: every entry from user mode takes it and every exit drops it,
 * and the kernel runs with interrupts off except in the idle loop (where
 * the lock is dropped).  So every function in kernel/core runs with the
 * lock held, exclusive, unless its comment says otherwise.  A few calls
 * that only read, or write nothing but their caller's own fields, a
 * device, or state behind a small lock of its own (the wake-ups and the
 * blocks: a Task, the sleep list, a run queue; structure: a Reticle, a
 * derivation forest, a Ring's transfer queue, a Task's mappings; see
 * spin_hold), hold it
 * shared and run side by side (syscall.c's shared_syscalls; a shared
 * handler's comment says so).  What another CPU
 * may be doing meanwhile is running user code: a Task's frame and tables
 * are changed or freed only once it runs nowhere else (sched_evict), and
 * a translation is removed from every CPU before unmapping returns
 * (tlb_shootdown).  Long work is cut into units and yields to interrupts,
 * and to the other CPUs, between them at a consistent point (SYS_RESTART,
 * the work queue): never in the middle of a unit.  Every syscall decodes
 * (validates every argument and handle) before it changes anything.
 */
#ifndef KERNEL_CORE_KERNEL_H
#define KERNEL_CORE_KERNEL_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "vectra/abi.h"
#include "vectra/ring.h"
#include "vectra/bundle.h"
#include "vx_string.h"
#include "arch.h" /* the architecture seam: kernel/arch/$(ARCH)/arch.h */

#define KOBJ_PAGETABLE 100 /* internal: a page-table page owned by a Task */

enum kobj_state { KOBJ_DEAD = 0, KOBJ_LIVE = 1, KOBJ_ZOMBIE = 2 };

struct task;
struct cap;
struct iospace;

struct kobj {
	uint8_t type;	/* enum vx_obj_type or KOBJ_PAGETABLE */
	uint8_t state;	/* enum kobj_state */
	uint8_t fixed;	/* boot-made; never destroyed or popped */
	uint8_t queued; /* on the kernel's work queue (see reap) */
	uint32_t ncaps;
	struct cap *caps;	  /* every cap naming this object */
	struct kobj *origin;	  /* Reticle it was carved from (NULL at boot) */
	uint64_t pa;		  /* body: physical base */
	uint64_t size;		  /* body: bytes */
	struct kobj *zombie_next; /* destruction queue (FIFO, see reap) */
	uint64_t work_seq;	  /* queued: the oldest call whose work it is (see reap) */
	struct kobj *pt_next;	  /* KOBJ_PAGETABLE: next page of the same Task */
	uint64_t zero_next;	  /* body bytes below this are zeroed; the rest is queued work */
	union {
		struct {
			struct kobj *rec;     /* record array (creation order) */
			uint32_t nrec;	      /* records handed out, live or dead */
			uint32_t nrec_max;    /* capacity of rec[] */
			uint64_t body_bottom; /* lowest body byte handed out */
			uint64_t used;	      /* device Reticles: bytes in live objects */
			uint32_t depth;
			uint32_t device;
			uint32_t nlive; /* live records (objects and page tables) */
			/* No live object (page tables aside) at this index
			 * or above: where newest_live starts looking. */
			uint32_t scan_top;
			/* Held around everything above by a retype or split
			 * under the kernel lock held shared, a shared map
			 * whose page tables come from here, and RETICLE_INFO
			 * (spin_hold; exclusive holders need not). */
			uint32_t lock;
		} ret;
		struct {
			uint32_t nwrite; /* writable mappings of this frame, anywhere */
			uint32_t nexec;	 /* executable mappings of this frame, anywhere */
		} mem;
	} u;
};
_Static_assert(sizeof(struct kobj) <= VX_OBJ_META_BYTES, "record fits its slot");

#define CAP_F_MAPPED 0x1  /* Mem: map_task/map_va hold a mapping */
#define CAP_F_BOUND  0x2  /* Ring: bound; map_va is the control page */
#define CAP_F_WRITE  0x4  /* Mem: the mapping is writable (counted in u.mem.nwrite) */
#define CAP_F_EXEC   0x8  /* Mem: the mapping is executable (counted in u.mem.nexec) */
#define CAP_F_IOMAP  0x10 /* Mem: map_io/map_va hold a mapping in an IoSpace */

/*
 * The caps naming one object form a derivation forest: o->caps lists the
 * roots (caps made by retype, boot or the kernel), and each cap lists the
 * caps derived from it (child, then next/prev among siblings).  Deleting a
 * cap hands its children to its parent, so a revoke of c deletes exactly
 * the caps below c, each in O(1) amortised: linear in what it deletes.
 */
struct cap {
	struct kobj *obj;	 /* NULL: empty */
	struct cap *parent;	 /* derived from (for revoke); NULL for a root */
	struct cap *next, *prev; /* siblings: same parent, or o->caps for roots */
	struct cap *child;	 /* first cap derived from this one */
	struct task *owner;	 /* handle table holding it; NULL if kernel-held */
	uint64_t narrow;	 /* Signal: bits; IoPort/Irq: base | count << 32 */
	uint64_t map_va;	 /* the address (virtual, or IO for CAP_F_IOMAP) it is mapped at */
	union {
		struct task *map_task;	/* mapped or bound into this Task */
		struct iospace *map_io; /* CAP_F_IOMAP: mapped into this IoSpace */
	};
	struct cap *mnext, *mprev; /* map_task's list of caps mapped into it */
	uint32_t gen;		   /* handle-table slots: current generation */
	uint8_t type;		   /* enum vx_obj_type as seen by the holder */
	uint8_t rights;
	uint16_t flags;
};
_Static_assert(sizeof(struct cap) == 96, "cap layout");

struct task {
	struct trapframe regs; /* first: cpu.frame_top = &regs + 1 */
	uint8_t fpu[512] __attribute__((aligned(16)));
	struct kobj *obj;
	struct cap *table; /* VX_HANDLE_SLOTS slots */
	uint64_t root_pa;  /* PML4 */
	uint32_t state;	   /* enum vx_task_state */
	uint32_t prio;
	uint64_t pending;
	uint64_t wait_mask;
	uint64_t wait_deadline;
	struct task *rq_next, *rq_prev; /* run queue */
	struct task *sl_next;		/* sleep list (deadline waits) */
	struct task **sl_pprev;		/* ...and what points at this one */
	struct vx_fault fault;
	struct cap fault_sig; /* kernel-held: who hears about faults */
	struct cap bundle;    /* kernel-held: the Bundle mapped at VX_BUNDLE_VADDR */
	struct kobj *pt_list; /* page-table pages owned */
	struct cap *mappings; /* caps (anyone's) mapped or bound into this Task */
	uint64_t cpu_tsc;     /* TSC ticks spent running (converted on inspect) */
	uint64_t run_since;   /* TSC when it last started running */
	uint32_t quantum;
	uint32_t used_slots;
	uint32_t free_hint;   /* every slot in [1, free_hint) is in use or retired */
	uint32_t table_top;   /* slots [0, table_top) are initialised; the rest are not yet */
	uint32_t queued;      /* on a run queue */
	uint32_t kwait;	      /* its finished syscall waits for queued kernel work */
	uint64_t work_seq;    /* its syscall's newest queued work, 0: none (work_enqueue) */
	uint64_t kwait_rax;   /* ...and this is its result */
	uint64_t restart_acc; /* progress of a restarted syscall (SYS_RESTART) */
	struct kobj *halting; /* the Task its re-issued TASK_HALT halted (sys_task_halt) */
	uint32_t sleeping;    /* on the sleep list */
	int32_t running_on;   /* the CPU it is running on, or -1 */
	uint32_t last_cpu;    /* the CPU it last ran on */
	uint32_t rq_cpu;      /* the CPU whose queue it is on (if queued) */
	uint64_t affinity;    /* CPUs it may run on (bit n: CPU n); 0: any */
	uint64_t fs_base;     /* user FS base (a foreign ABI's thread pointer); 0 for natives */
	uint32_t foreign;     /* its syscall stops it: VX_FAULT_SYSCALL (VX_REGS_FOREIGN) */
	uint32_t wake_lock;   /* a shared holder's wake-up of it (signal_deliver_shared) */
	uint32_t map_lock;    /* a shared TASK_MAP or TASK_UNMAP into it: page tables,
				 pt_list, mappings */
};
_Static_assert(sizeof(struct task) <= PAGE_SIZE, "task struct fits page 0 of its object");

/* Task object layout: page 0 struct task, pages 1..6 handle table, page 7 PML4. */
#define TASK_TABLE_OFF PAGE_SIZE
#define TASK_ROOT_OFF  (7 * PAGE_SIZE)
_Static_assert(VX_HANDLE_SLOTS * sizeof(struct cap) <= 6 * PAGE_SIZE, "table fits");
_Static_assert(TASK_ROOT_OFF + PAGE_SIZE == VX_TASK_OBJ_BYTES, "task object layout");

struct ring {
	struct kobj *obj;
	uint32_t slot_size, count;
	uint64_t ctl_pa;		 /* shared pages: control page, then slots */
	uint64_t bytes;			 /* shared bytes */
	struct cap *producer, *consumer; /* bound through these caps */
	uint32_t prod_bit, cons_bit;
	uint32_t binds; /* bind counts, as published in ctl->bound (ring.h) */
	uint32_t xfer_head, xfer_count;
	uint64_t xfer_seq;
	/* Held by RING_SEND_CAP and RING_RECV_CAP under the kernel lock held
	 * shared, and by CAP_INSPECT, around the three above (spin_hold). */
	uint32_t xfer_lock;
	struct cap xfer[VX_RING_XFER_MAX];
};
_Static_assert(sizeof(struct ring) <= PAGE_SIZE, "ring private state fits one page");
#define RING_SHARED_OFF PAGE_SIZE

struct bundle {
	struct kobj *obj;
	uint32_t count;
	uint32_t sealed;
	struct cap slot[VX_BUNDLE_SLOTS];
};
_Static_assert(sizeof(struct bundle) <= 2 * PAGE_SIZE, "bundle private state fits");
#define BUNDLE_PRIV_OFF PAGE_SIZE

/* console.c */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool kprintf_allowed(void);
#define KASSERT(c)                                                                                 \
	do {                                                                                       \
		if (!(c))                                                                          \
			panic("assertion failed: %s at %s:%d", #c, __FILE__, __LINE__);            \
	} while (0)

/* reticle.c */
#define RETICLE_DEVICE_RECORDS 128 /* objects a device Reticle holds at once */
void reticle_init_root(struct kobj *r, uint64_t base, uint64_t size, struct kobj *dev_rec);
int reticle_check_retype(struct kobj *r, uint32_t type, uint64_t arg, uint64_t *bytes);
struct kobj *reticle_carve(struct kobj *r, uint32_t type, uint64_t bytes, uint64_t dev_offset);
uint64_t reticle_free_bytes(const struct kobj *r);
bool reticle_empty_step(struct kobj *r);
void kobj_release(struct kobj *o); /* mark dead, give memory back if it was the newest */
/* Is o's body all zeroed yet (see reticle_carve)?  Until it is, nothing
 * may map it: its bytes may still be a previous owner's.  Boot-made
 * objects (the boot image) hold what boot put there. */
static inline bool kobj_zeroed(const struct kobj *o)
{
	return o->fixed || o->zero_next >= o->size;
}
bool kobj_zero_step(struct kobj *o);
uint64_t object_bytes(uint32_t type, uint64_t arg);
int64_t sys_reticle_retype(struct trapframe *tf);
int64_t sys_reticle_retype_shared(struct trapframe *tf); /* under the lock held shared */
int64_t sys_reticle_split(struct trapframe *tf);
int64_t sys_reticle_split_shared(struct trapframe *tf); /* under the lock held shared */
int64_t sys_reticle_reset(struct trapframe *tf);
int64_t sys_reticle_info(struct trapframe *tf);
void object_init(struct kobj *o, uint64_t arg); /* type-specific setup after carve */

/* cap.c */
/* Finds the cap a handle names in t's table, checking type (0: any) and
 * rights.  Errors: VX_E_BADHANDLE, VX_E_STALE, VX_E_TYPE, VX_E_RIGHTS. */
static inline int cap_lookup(struct task *t, uint64_t h, uint32_t type, uint32_t rights,
			     struct cap **out)
{
	if (h > UINT32_MAX || VX_HANDLE_INDEX(h) == 0 || VX_HANDLE_GEN(h) == 0)
		return VX_E_BADHANDLE;
	if (VX_HANDLE_INDEX(h) >= t->table_top)
		return VX_E_STALE; /* never issued */
	struct cap *c = &t->table[VX_HANDLE_INDEX(h)];
	if (!c->obj || c->gen != VX_HANDLE_GEN(h))
		return VX_E_STALE;
	if (type && c->type != type)
		return VX_E_TYPE;
	if ((c->rights & rights) != rights)
		return VX_E_RIGHTS;
	*out = c;
	return VX_OK;
}

/* Does a range cap (IoPort, Irq, Pci: narrow = first | count << 32) cover
 * [first, first + count)?  Overflow-safe. */
static inline bool cap_range_covers(const struct cap *c, uint64_t first, uint64_t count)
{
	uint64_t base = c->narrow & 0xffffffffu, n = c->narrow >> 32;

	return first >= base && count <= n && first - base <= n - count;
}

int cap_lookup_any(struct task *t, uint64_t h, struct cap **out);
int cap_find_slot(const struct task *t, uint32_t *idx);
struct cap *cap_claim_slot(struct task *t, uint32_t idx);
uint32_t cap_install(struct task *t, uint32_t idx, struct kobj *o, uint32_t type, uint32_t rights,
		     uint64_t narrow, struct cap *parent);
uint32_t cap_install_child(struct task *t, uint32_t idx, struct cap *parent, uint32_t type,
			   uint32_t rights, uint64_t narrow);
/* The lock of o's derivation forest (under the lock held shared; cap.c
 * says who takes it). */
#define FOREST_LOCKS 64
extern uint32_t forest_locks[FOREST_LOCKS];
static inline uint32_t *cap_forest_lock(const struct kobj *o)
{
	return &forest_locks[((uintptr_t)o / VX_OBJ_META_BYTES) % FOREST_LOCKS];
}
void cap_copy_into(struct cap *dst, struct task *owner, const struct cap *src, uint32_t rights,
		   uint64_t narrow, struct cap *parent);
void cap_move(struct cap *dst, struct task *owner, struct cap *src);
void cap_remove(struct cap *c);
bool cap_shed_children(struct cap *c);
void cap_hold(struct cap *dst, struct kobj *o, uint32_t type, uint32_t rights, uint64_t narrow);
bool cap_have_slots(struct task *t, uint32_t want);
void cap_note_mapping(struct cap *c, struct task *t, uint64_t va, uint16_t flag);
void cap_forget_mapping(struct cap *c);
int cap_narrow_ok(const struct cap *c, uint32_t rights, uint64_t narrow);
bool reap(void);
void zombify(struct kobj *o);
void work_enqueue(struct kobj *o);
bool work_done_upto(uint64_t seq);
extern struct kobj *work_head; /* cap.c: the work queue; NULL when empty */
static inline bool work_pending(void)
{
	return work_head != NULL;
}
bool cap_remove_all(struct kobj *o);
int64_t sys_cap_inspect(struct trapframe *tf);
int64_t sys_cap_derive(struct trapframe *tf);
int64_t sys_cap_delete(struct trapframe *tf);
int64_t sys_cap_delete_shared(struct trapframe *tf); /* under the lock held shared */
int64_t sys_cap_revoke(struct trapframe *tf);

/* task.c */
/* The struct task in a Task object's first page.  Inline: a raise calls
 * it on the way to a wake-up, and a call would keep the raised bits in a
 * register of their own across it. */
static inline struct task *task_of(struct kobj *o)
{
	return phys_to_virt(o->pa);
}
void task_init(struct kobj *o);
bool task_destroy(struct kobj *o);
void task_fault(struct task *t, uint32_t kind, uint32_t code, uint64_t addr);
void task_map_pages(struct task *t, uint64_t va, uint64_t pa, uint64_t bytes, uint32_t prot);
int task_check_map_range(uint64_t va, uint64_t bytes);
void task_unmap_pages(struct task *t, uint64_t va, uint64_t bytes);
int task_check_new_mapping(struct task *t, uint64_t va, uint64_t bytes);
void task_map_cap(struct cap *c, struct task *t, uint64_t va, uint64_t pa, uint64_t bytes,
		  uint32_t prot, uint16_t flag);
int64_t sys_task_map(struct trapframe *tf);
int64_t sys_task_map_shared(struct trapframe *tf); /* under the lock held shared */
int64_t sys_task_unmap(struct trapframe *tf);
int64_t sys_task_unmap_shared(struct trapframe *tf); /* under the lock held shared */
int64_t sys_task_set_regs(struct trapframe *tf);
int64_t sys_task_start(struct trapframe *tf);
int64_t sys_task_halt(struct trapframe *tf);
int64_t sys_task_resume(struct trapframe *tf);
int64_t sys_task_inspect(struct trapframe *tf);
int64_t sys_task_supervise(struct trapframe *tf);
int64_t sys_task_set_prio(struct trapframe *tf);
int64_t sys_task_exit(struct trapframe *tf);
int64_t sys_task_yield(struct trapframe *tf);
int64_t sys_task_yield_shared(struct trapframe *tf);
int64_t sys_task_set_affinity(struct trapframe *tf);
int64_t sys_task_regs(struct trapframe *tf);

/* sched.c */
void sched_make_runnable(struct task *t);
void sched_make_runnable_shared(struct task *t);
bool sched_evict(struct task *t);
void sched_resched_here(void);
uint32_t sched_task_cpu(const struct task *t);
uint64_t sched_online_mask(void); /* bit n: CPU n is online */
struct trapframe *sched_tick_quick(struct trapframe *tf);
void sched_remove(struct task *t);
void sched_block(struct task *t, uint64_t mask, uint64_t deadline);
void sched_tick(void);
struct trapframe *sched_next_frame(void);
void sched_yield_current(void);
bool sched_direct(struct task *p, uint64_t mask, uint64_t deadline);
int64_t sched_direct_shared(struct task *p, uint64_t bit);
struct trapframe *sched_direct_wake(struct task *p, uint64_t bit, uint64_t mask);
struct trapframe *sched_direct_wake_until(struct task *p, uint64_t bit, uint64_t mask,
					  uint64_t deadline);
bool sched_handoff(struct task *p);
struct trapframe *sched_leave_shared(void);
struct trapframe *sched_idle_shared(void);
struct trapframe *sched_preempt_shared(void);
void signal_unsleep(struct task *t);
bool preempt_due(void);
/* Ends a stretch of long work: the next check starts a fresh budget.  Every
 * path that calls preempt_due ends with this (a stale budget only makes
 * long work yield early). */
static inline void preempt_done(void)
{
	this_cpu()->preempt_at = 0;
}

/* signal.c */
void signal_deliver(struct task *t, uint64_t bits);
void signal_raise_cap(struct cap *sig, uint64_t bits);
void signal_timeouts(uint64_t now);
void signal_sleep(struct task *t);
bool signal_timeout_due(uint64_t now);
void signal_timeouts_shared(uint64_t now);
int64_t sys_sig_wait(struct trapframe *tf);
int64_t sys_sig_raise(struct trapframe *tf);
int64_t sys_sig_wait_shared(struct trapframe *tf);
int64_t sys_sig_raise_shared(struct trapframe *tf);
void signal_deliver_shared(struct task *t, uint64_t bits);
int64_t signal_wait_shared(struct task *t, uint64_t mask, uint64_t deadline);
int64_t signal_call_shared(struct task *p, uint64_t bit, uint64_t mask);
int64_t signal_notify_wait_shared(struct task *p, uint64_t bit, uint64_t mask, uint64_t deadline);
int64_t signal_call_shared_until(struct task *p, uint64_t bit, uint64_t mask, uint64_t deadline);
/* Decode of a wait's mask and deadline: VX_E_INVAL for bit 63 (reserved,
 * abi.h) or an empty mask without a finite deadline (a plain sleep needs
 * one).  Inline: the shared call/reply path calls nothing before it
 * switches. */
static inline int signal_wait_check(uint64_t mask, uint64_t deadline)
{
	if (mask == 0 && (deadline == VX_DEADLINE_NONE || deadline == VX_DEADLINE_NEVER))
		return VX_E_INVAL;
	if (mask & ~VX_SIG_ALL)
		return VX_E_INVAL;
	return VX_OK;
}
void signal_deliver_handoff(struct task *t, uint64_t bits);
int signal_wait_common(struct task *t, uint64_t mask, uint64_t deadline, int64_t *result);

/* ring.c */
void ring_init(struct kobj *o, uint64_t arg);
void ring_destroy(struct kobj *o);
uint32_t ring_inspect_state(struct kobj *o);
void ring_unbind_cap(struct cap *c);
int64_t sys_ring_bind(struct trapframe *tf);
int64_t sys_ring_unbind(struct trapframe *tf);
int64_t sys_ring_notify(struct trapframe *tf);
int64_t sys_ring_notify_shared(struct trapframe *tf);
int64_t sys_ring_notify_wait_shared(struct trapframe *tf);
int64_t sys_ring_notify_wait(struct trapframe *tf);
struct trapframe *ring_fastpath(struct trapframe *tf);
int64_t sys_ring_send_cap(struct trapframe *tf);
int64_t sys_ring_send_cap_shared(struct trapframe *tf); /* under the lock held shared */
int64_t sys_ring_recv_cap(struct trapframe *tf);
int64_t sys_ring_recv_cap_shared(struct trapframe *tf); /* under the lock held shared */

/* bundle.c */
void bundle_init(struct kobj *o);
void bundle_destroy(struct kobj *o);
void bundle_attach(struct kobj *b, struct task *t);
void bundle_put(struct kobj *o, const char *name, size_t len, struct cap *src, uint32_t rights,
		struct cap *parent);
int bundle_check_attach(struct kobj *b, struct task *t);
int64_t sys_bundle_add(struct trapframe *tf);
bool bundle_name_valid(const char *name, size_t len);

/* device.c */
extern struct kobj irq_root_obj, ioport_root_obj, pci_root_obj;
void device_init(void);
void device_irq(unsigned line);
uint64_t device_irq_count(uint64_t range);
int64_t sys_irq_bind(struct trapframe *tf);
int64_t sys_irq_ack(struct trapframe *tf);
int64_t sys_port_in(struct trapframe *tf);
int64_t sys_port_out(struct trapframe *tf);
int64_t sys_console_write(struct trapframe *tf);

/* iospace.c */
int64_t sys_iospace_create(struct trapframe *tf);
int64_t sys_iospace_map(struct trapframe *tf);
void iospace_unmap_cap(struct cap *c);
void iospace_destroy(struct kobj *o);
struct cap **iospace_mapping_head(struct cap *c);
void iospace_dma_fault(uint16_t bdf, uint64_t addr, bool write, uint8_t reason);

/* SYS_BLOCKED: the handler put the caller to sleep; its result is written
 * into its frame when it wakes. */
#define SYS_BLOCKED INT64_MIN
/* SYS_RESTART: the handler made progress but ran out of its time budget
 * (see preempt_due); the caller's syscall is re-issued with the same
 * arguments once pending interrupts have been taken.  A handler returns it
 * only when everything is consistent and the re-issued call carries on. */
#define SYS_RESTART (INT64_MIN + 1)
_Static_assert(SYS_BLOCKED == INT64_MIN && SYS_RESTART == INT64_MIN + 1,
	       "dispatch tests both with one overflow check");
/* SYS_EXCLUSIVE: a handler running under the lock held shared
 * (syscall.c's shared_syscalls) needs it exclusive; it has changed
 * nothing, and the call runs again from scratch. */
#define SYS_EXCLUSIVE (INT64_MIN + 2)
/* SYS_SWITCHED: a handler running under the lock held shared blocked the
 * caller and made another Task current on this CPU (sched_direct_shared):
 * its frame is the one to resume. */
#define SYS_SWITCHED (INT64_MIN + 3)
/* SYS_KWAIT: the syscall number a caller is re-issued with while its call's
 * result (t->kwait_rax) waits for the work the call queued.  Outside the
 * ABI's numbers; from a Task that has nothing parked it is VX_E_NOSYS. */
#define SYS_KWAIT 0x4b57u
/* A RAM object's body up to this size is zeroed when it is carved; the rest
 * is zeroed as queued work, under the preemption budget (see reap). */
#define ZERO_INLINE_BYTES (64 * 1024)
#define ZERO_CHUNK_BYTES  (64 * 1024)
/* syscall.c / trap.c */
struct trapframe *syscall_dispatch(struct trapframe *tf);
struct trapframe *syscall_call_reply(struct trapframe *tf); /* entry.S: RING_NOTIFY_WAIT */
struct trapframe *syscall_finish(struct trapframe *tf, int64_t r);
int copy_in(void *dst, uint64_t usrc, size_t n);
int copy_out(uint64_t udst, const void *src, size_t n);
int user_range_ok(uint64_t va, uint64_t n);
int64_t sys_clock(struct trapframe *tf);
int64_t sys_sig_mint(struct trapframe *tf);

/* boot.c */
_Noreturn void kmain(uint32_t magic, uint32_t info_pa);

static inline struct task *current_task(void)
{
	return this_cpu_current();
}

/* The frame to resume on the way out of the kernel, when the running Task
 * may have changed: it stopped (then need_resched is set), or a direct
 * switch (sched_direct, sched_handoff) made another Task current, whose
 * frame it checked.  The scheduler chooses only when need_resched says it
 * must (docs/ARCHITECTURE.md, "One flag decides the way out"). */
static inline struct trapframe *sched_current_frame(void)
{
	if (this_cpu_need_resched())
		return sched_next_frame();
	return &current_task()->regs;
}

/*
 * lock.c: the kernel lock, with two modes (see LOCKING above and
 * docs/ARCHITECTURE.md).  Inline: every kernel entry takes it.
 *
 * Exclusive (kernel_lock): alone, as the one big lock always was.
 * Shared (klock_shared_in): with other shared holders, never with an
 * exclusive one.  A shared holder reads what it likes and writes only
 * what no other shared holder reads: its own Task's fields that only its
 * own calls and exclusive holders touch, device registers, and state
 * behind a lock of its own (the console's, and a wake-up's: spin_hold
 * below).  So everything an exclusive holder wrote is stable while it is
 * held shared, but for what those small locks guard.
 *
 * An exclusive holder takes a ticket and waits for its turn (first come,
 * first served), then raises writer and waits for every CPU's shared flag
 * (struct cpu's klock_shared) to fall; its turn ends at kernel_unlock.  A
 * shared holder raises its own CPU's flag and, if no writer is up, is in:
 * no ticket and no write to a line another CPU writes, so shared calls on
 * several CPUs do not queue behind each other.  One that finds a writer
 * up lowers its flag and queues for a ticket like an exclusive holder;
 * at its turn it raises its flag and passes the turn on at once.  So a
 * shared caller waits behind at most those exclusive holders that asked
 * before it and the one that is in, and an exclusive one behind those
 * that asked first and the shared calls already in.  (The flag raised by
 * an exchange, a full fence, then writer read; writer raised the same
 * way, then the flags read: one of the two sees the other,
 * tests/model/klock.pml.)  On a machine
 * with one CPU there is nobody to exclude: the lock is elided
 * (klock.solo), decided at boot before any other CPU starts and never
 * changed after, and nothing takes the shared mode.
 */
struct klock {
	uint32_t next;	 /* the ticket the next CPU to queue gets */
	uint32_t owner;	 /* the ticket whose turn it is */
	uint32_t writer; /* an exclusive holder is in, or waits for the shared ones to leave */
	uint32_t solo;	 /* one CPU: lock and unlock do nothing */
};
extern struct klock klock;
void kernel_lock_solo(bool solo);
void klock_exclude_shared(void);
void klock_shared_wait(uint32_t *mine);

static inline uint32_t klock_turn(void)
{
	uint32_t ticket = __atomic_fetch_add(&klock.next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&klock.owner, __ATOMIC_ACQUIRE) != ticket)
		arch_spin_wait();
	return ticket;
}

static inline void kernel_lock(void)
{
	if (klock.solo)
		return;
	klock_turn();
	klock_exclude_shared();
}

static inline void kernel_unlock(void)
{
	if (klock.solo)
		return;
	__atomic_store_n(&klock.writer, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&klock.owner, klock.owner + 1, __ATOMIC_RELEASE);
}

/* The shared mode, for a caller that knows the lock is not elided
 * (syscall.c's dispatch_shared, which runs only with several CPUs).  In
 * and out on the same CPU, within one kernel entry. */
static inline void klock_shared_in(void)
{
	uint32_t *mine = &this_cpu()->klock_shared;

	/* The flag up, then writer: two operations in the one total order
	 * (an exchange is a full fence, and one instruction). */
	__atomic_exchange_n(mine, 1, __ATOMIC_SEQ_CST);
	if (__builtin_expect(__atomic_load_n(&klock.writer, __ATOMIC_SEQ_CST) != 0, 0))
		klock_shared_wait(mine);
}

static inline void klock_shared_out(void)
{
	__atomic_store_n(&this_cpu()->klock_shared, 0, __ATOMIC_RELEASE);
}

/*
 * The small locks behind the shared mode: a shared holder that writes
 * state another shared holder may write at the same time takes that
 * state's own lock (a Task's wake-up, a run queue, the sleep list, the
 * console, a Reticle's records, a derivation forest).  Exclusive holders
 * never need them: no shared holder runs beside one, so they are all free
 * then.  Held for a few dozen instructions with interrupts off (a carve:
 * up to 64 KiB of zeroing; a map: its page tables), in one of two orders,
 * never mixed: a Task's wake_lock, the sleep list, a run queue; or a
 * Ring's xfer_lock or a Task's map_lock, a forest's, a Reticle's (each
 * may be taken without those before it; docs/ARCHITECTURE.md,
 * "Locking").  A CPU spinning for one answers TLB shootdowns
 * (arch_spin_wait), as it does for the kernel lock.
 */
void spin_hold_contended(uint32_t *l);
static inline void spin_hold(uint32_t *l)
{
	/* The wait is out of line: a holder that calls nothing else keeps
	 * its registers, and pushes none of them, when the lock is free. */
	if (__builtin_expect(__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE), 0))
		spin_hold_contended(l);
}

static inline void spin_release(uint32_t *l)
{
	__atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

#endif
