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
 *   int3        execute int3, which a Task may run    (VX_FAULT_OTHER, code 3)
 *   int80       execute int $0x80, which it may not   (#GP)
 *   de          divide by zero                        (#DE)
 *   stack       recurse without end                   (page fault in the guard page)
 *   spin        loop forever in user mode
 *   bomb        retype Tasks from its "ret" Reticle until refused; exit with the count
 *   touch       write 42 to 0x50000000 (unmapped until the supervisor maps it)
 *   badrsp      point its stack pointer at a non-canonical address and push
 *               (a fault whose saved frame must never be returned to)
 *   noncanon    jump to the first non-canonical address
 *   newprio     retype a Task from "ret"; exit with that Task's priority
 *   buildspin   build a Task from "ret" that runs the code page "code"
 *               (jmp .), try to raise it to 15, start it; exit with
 *               100 * its priority + 1 if the raise was refused
 *   handle N    exit with the handle its Bundle entry N carries (0: none)
 *   rights N    exit with the rights of the capability its entry N names
 *   chaos S N   N lifecycle operations drawn from seed S on objects it shares
 *               with its siblings ("ret", "ring") and those it makes:
 *               retype, split, derive, delete, revoke, reset, transfer,
 *               bundle, start, map, bind, mint.  Exits with the number of
 *               results that were neither a value nor a documented error.
 *   watch       with "self", "out" (a Mem) and "boss" (ktest's Task): sleep
 *               1 ms at a time and record in out the latest any wake-up
 *               came, until out says done; then raise boss back to 15
 *   echo        with "req" (consume), "rep" (produce), "self" and "out" (a
 *               Mem): answer each 64-byte request on rep with its first
 *               word plus one, waiting with RING_NOTIFY_WAIT on rep (the
 *               call/reply fastpath); record 'E' in out for each request.
 *               A first word of 2^64 - 2 is taken but not answered;
 *               2^64 - 1 ends it
 *   mark C      with "self" and "out": record the character C in out, exit
 *   reader      with "self" and "out": read 0x50000000 (mapped by ktest) in
 *               a loop, counting the reads in out, until a fault stops it
 *   pinger N    with "boss" (a Signal cap on ktest for bits 4 and 5): N
 *               times raise bit 4, then bit 5, then wait for bit 6 (which
 *               ktest raises once it has taken both); exit 0, or 201 if a
 *               wait ran out (a lost bit)
 *   raiser N B  with "boss" (a Signal cap on ktest for bit B): N times
 *               raise bit B, then wait for bit 6 (which ktest raises back),
 *               waiting with a deadline, so on the sleep list; exit 0, or
 *               201 if a wait ran out (a lost wake-up)
 *   relay N     with "next" (a Signal cap on the next Task of a ring for
 *               bits 8 and 9, the tokens): wait, with a deadline, for
 *               either token and pass on what came, until it has passed N;
 *               exit 0, or 201 if a wait ran out (a lost wake-up)
 *   inspector   with "self", "ret" and "out" (a Mem): until out's first
 *               word is set, make the calls that run under the kernel lock
 *               held shared (CLOCK, RETICLE_INFO, CAP_INSPECT of every
 *               handle in its table, TASK_INSPECT of itself, a polling
 *               SIG_WAIT), counting them in out[1] and every answer that is
 *               neither a value nor a documented error in out[2]
 *   carver      with "self" (CONTROL), "ret" (a Reticle, ALL) and "out" (a
 *               Mem): until out's first word is set, carve from ret in
 *               rounds: up to four Mems of 1 to 4 pages, each mapped and
 *               filled with a pattern of its own (out's address, the
 *               round, the Mem), a Ring and a cap derived from it, a
 *               Signal minted from self, caps derived from ret and from
 *               those, one received from "xfer" (a Ring, optional, every
 *               carver's) and one sent through it (all of them
 *               deleted), every eighth round a child
 *               Reticle with a Mem in it; then check every Mem's pattern
 *               and delete it all, newest first.  out[1] counts the rounds,
 *               out[2] the words found changed (another carver's Mem over
 *               ours), out[3] every answer that is neither a value nor
 *               VX_E_NOMEM (or VX_E_FULL, VX_E_EMPTY from xfer), out[4]
 *               the VX_E_NOMEMs (other carvers' Mems hold ret's free end),
 *               out[5] the caps received
 *   mapper K    with "self" (CONTROL), "out" (a Mem), "code" (a Mem every
 *               mapper holds, READ | WRITE | EXEC), "count" (a Mem every
 *               mapper maps, for two counters) and "tgt" (a Task every
 *               mapper maps into, CONTROL) with "mine" (a Mem of its own):
 *               until out's first word is set, map code writable, then
 *               executable (one of the two is refused with VX_E_BUSY while
 *               another mapper holds the other), counting the live
 *               mappings of each kind in count's two words, and map mine
 *               into tgt at the next of 64 2 MiB steps of window K (1 GiB
 *               each, from 0x200000000000) and unmap it.  out[1] counts the rounds,
 *               out[2] the times a mapping of the other kind was live
 *               beside a new one (W^X broken), out[3] every answer that is
 *               neither a value nor VX_E_BUSY, out[4] the VX_E_BUSYs
 *   portout     with "self", "out" (a Mem) and "io" (an IoPort covering
 *               0x3f8): each time out's first word changes, write one 'B'
 *               to port 0x3f8 with PORT_OUT (after out[2] pauses) and copy
 *               the word to out[1];
 *               a first word of 2^64 - 1 ends it (exit 0)
 *   bufcalls    with "self" (READ), "out" (a Mem) and "io" (an IoPort
 *               covering 0x3f8): until out's first word is set, alternate
 *               TASK_INSPECT of itself into the page at 0x50000000 and
 *               CONSOLE_WRITE of 96 bytes from it (ktest maps and unmaps
 *               that page meanwhile), counting in out[1..4] the inspects
 *               that succeeded and faulted, the writes that succeeded and
 *               faulted, and in out[5] every other answer
 *   taskwatch   with "ret" (ALL), "code" (a Mem holding jmp .) and "out":
 *               until out's first word is set, build and start a spinning
 *               Task from ret (on CPUs 1-3) and inspect it (TASK_INSPECT,
 *               CAP_INSPECT) until ktest's reset of ret destroys it;
 *               counting in out[1] the answers with a state a started
 *               Task may have, in out[2] the VX_E_STALE ones, in out[3]
 *               the builds refused and in out[5] every other answer
 *   fuzz S N    make N syscalls with arguments drawn from seed S: numbers in
 *               and out of range, its own handles with right and wrong
 *               generations, garbage, user, unmapped and kernel pointers,
 *               huge and wrapping lengths.  It may well stop itself; the
 *               kernel must not notice anything but errors.
 *   answer      with "self" and "out" (a Mem), and "a4", "a5", "a7" (Signal
 *               caps on three raisers' bit 6, each optional): until out's
 *               first word is set, wait for bits 4, 5 and 7 with a deadline
 *               0.1 to 0.8 ms away (so on the sleep list, often expiring),
 *               count each bit taken in out[1], out[2], out[3] and raise the
 *               matching raiser's bit 6; out[4] counts waits that ran out,
 *               out[5] every answer that was neither bits of the mask nor 0
 *   flood B     with "self", "out" (a Mem) and "tgt" (a Signal cap for bit
 *               B): until out's first word is set, raise bit B through tgt
 *               without pause, counting in out[1] the VX_OKs, in out[2] the
 *               VX_E_STALE and VX_E_BADHANDLE answers (the target is
 *               destroyed under it) and in out[3] every other answer
 *   bell        with "self", "out" (a Mem) and "ring" (PRODUCE): bind ring as
 *               producer, then until out's first word is set ring its
 *               doorbell (RING_NOTIFY) without pause, counting in out[1]
 *               the VX_OKs, in out[2] the handle errors (ktest revokes the
 *               ring) and in out[3] every other answer
 */
#include "rt/vx.h"
#include "vx_string.h"

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

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return rng_state >> 17;
}

/* One argument: mostly values a syscall might half-accept. */
static uint64_t arg(const struct vx_bundle_page *b)
{
	static uint8_t buf[4096] __attribute__((aligned(4096)));
	static const uint64_t odd[] = {
	    0,
	    1,
	    4096,
	    0x7fffffffffffull,
	    0x800000000000ull,
	    0xffff800000000000ull,
	    0xffffffff80100000ull,
	    UINT64_MAX,
	    UINT64_MAX - 4095,
	    0x500000000ull,
	    VX_BUNDLE_VADDR,
	    0x20000000,
	};
	switch (rnd() % 8) {
	case 0:
		return b->count ? b->entry[rnd() % b->count].handle : 0;
	case 1: /* a handle of ours, wrong generation */
		return b->count ? b->entry[rnd() % b->count].handle + 0x100 * (rnd() % 3 + 1) : 0;
	case 2:
		return (uint64_t)(uintptr_t)buf + rnd() % 4200;
	case 3:
		return odd[rnd() % (sizeof(odd) / sizeof(odd[0]))];
	case 4:
		return rnd() % 64;
	case 5:
		return VX_HANDLE_MAKE(rnd() % 256, rnd() % 4);
	default:
		return rnd() ^ (rnd() << 32);
	}
}

static int fuzz(const struct vx_bundle_page *b, const char *args)
{
	uint64_t n = 0;

	rng_state = (uint64_t)parse_int(args) * 0x9e3779b97f4a7c15ull + 1;
	while (*args && *args != ' ')
		args++;
	n = (uint64_t)parse_int(args + 1);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t nr = rnd() % (VX_SYS_COUNT + 4);
		if (nr == VX_SYS_TASK_EXIT || nr == VX_SYS_TASK_HALT)
			continue; /* those would only end the run early */
		if (nr == VX_SYS_SIG_WAIT || nr == VX_SYS_RING_NOTIFY_WAIT) {
			/* waits never block for long: poll, or sleep 1 ms */
			vx_syscall6(nr, arg(b),
				    arg(b) & 1 ? VX_DEADLINE_NONE : (uint64_t)vx_clock() + 1000000,
				    arg(b), 0, 0, 0);
			continue;
		}
		vx_syscall6(nr, arg(b), arg(b), arg(b), arg(b), arg(b), arg(b));
	}
	return 0;
}

/* chaos: the handles this child holds, with their types (some stale by
 * now, which is the point: siblings revoke and reset what it took from
 * them).  Operations mostly pick a handle of the type they need and rights
 * it has, so that most of them succeed and reach the interesting states. */
#define CHAOS_MAX  96
#define CHAOS_VA   0x40000000ull
#define CHAOS_WINS 16

static struct {
	vx_handle_t h;
	uint32_t type;
} chaos_h[CHAOS_MAX];
static unsigned chaos_n;

static void chaos_keep(int64_t h)
{
	struct vx_cap_info ci;
	unsigned i;

	if (h <= 0 || vx_cap_inspect((vx_handle_t)h, &ci) < 0)
		return;
	i = chaos_n < CHAOS_MAX ? chaos_n++ : (unsigned)(rnd() % CHAOS_MAX); /* forget one */
	chaos_h[i].h = (vx_handle_t)h;
	chaos_h[i].type = ci.type;
}

/* A handle of this type (0: any), usually. */
static vx_handle_t chaos_pick(uint32_t type)
{
	if (!chaos_n)
		return VX_NO_HANDLE;
	for (int tries = 0; type && tries < 8; tries++) {
		unsigned i = (unsigned)(rnd() % chaos_n);
		if (chaos_h[i].type == type)
			return chaos_h[i].h;
	}
	return chaos_h[rnd() % chaos_n].h;
}

/* Some of h's rights (GRANT kept half the time). */
static uint32_t chaos_rights(vx_handle_t h)
{
	struct vx_cap_info ci;

	if (vx_cap_inspect(h, &ci) < 0)
		return (uint32_t)(rnd() & VX_R_ALL);
	return ci.rights & (uint32_t)(rnd() | (rnd() % 2 ? VX_R_GRANT : 0));
}

static int chaos(const struct vx_bundle_page *b, const char *args)
{
	int64_t self = vx_bundle_handle(b, "self", VX_OBJ_TASK);
	int64_t ret = vx_bundle_handle(b, "ret", VX_OBJ_RETICLE);
	int64_t ring = vx_bundle_handle(b, "ring", VX_OBJ_RING);
	int bad = 0;

	if (self < 0 || ret < 0 || ring < 0)
		return 250;
	rng_state = (uint64_t)parse_int(args) * 0x9e3779b97f4a7c15ull + 7;
	while (*args && *args != ' ')
		args++;
	uint64_t n = (uint64_t)parse_int(args + 1);
	int64_t sig = vx_sig_mint((vx_handle_t)self, 1ull << 40);
	chaos_keep(ret);
	chaos_keep(ring);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t win = CHAOS_VA + (rnd() % CHAOS_WINS) * 0x200000ull;
		char name[2] = {(char)('a' + rnd() % 26), 0};
		vx_handle_t h;
		int64_t r;

		switch (rnd() % 18) {
		case 0:
		case 1: {
			static const uint64_t kinds[][2] = {{VX_OBJ_MEM, 1},
							    {VX_OBJ_MEM, 3},
							    {VX_OBJ_RING, VX_RING_ARG(6, 1)},
							    {VX_OBJ_BUNDLE, 0},
							    {VX_OBJ_TASK, 0}};
			unsigned k = (unsigned)(rnd() % 5);
			r = vx_reticle_retype(chaos_pick(VX_OBJ_RETICLE), (uint32_t)kinds[k][0],
					      kinds[k][1]);
			chaos_keep(r);
			break;
		}
		case 2:
			r = vx_reticle_split(chaos_pick(VX_OBJ_RETICLE), (rnd() % 8 + 2) * 4096);
			chaos_keep(r);
			break;
		case 3:
			h = chaos_pick(0);
			chaos_keep(r = vx_cap_derive(h, chaos_rights(h), 0));
			break;
		case 4:
			r = vx_cap_delete(chaos_pick(0));
			break;
		case 5:
			r = vx_cap_revoke(chaos_pick(0));
			break;
		case 6:
			r = rnd() % 8 ? vx_reticle_info(chaos_pick(VX_OBJ_RETICLE),
							&(struct vx_reticle_info){0})
				      : vx_reticle_reset(chaos_pick(VX_OBJ_RETICLE));
			break;
		case 7:
		case 8:
			h = chaos_pick(0);
			r = vx_ring_send_cap(rnd() % 2 ? (vx_handle_t)ring
						       : chaos_pick(VX_OBJ_RING),
					     h, chaos_rights(h));
			break;
		case 9:
		case 10:
			r = vx_ring_recv_cap(rnd() % 2 ? (vx_handle_t)ring
						       : chaos_pick(VX_OBJ_RING));
			chaos_keep(r);
			break;
		case 11:
			h = chaos_pick(0);
			r = vx_bundle_add(chaos_pick(VX_OBJ_BUNDLE), name, 1, h, chaos_rights(h));
			break;
		case 12:
			/* A Task that faults at once (nothing is mapped), supervised. */
			h = chaos_pick(VX_OBJ_TASK);
			if (sig > 0)
				vx_task_supervise(h, (vx_handle_t)sig);
			vx_task_set_regs(h, 0x400000, 0x800000, 0);
			r = vx_task_start(h, rnd() % 2 ? chaos_pick(VX_OBJ_BUNDLE) : VX_NO_HANDLE);
			break;
		case 13:
			r = vx_task_map((vx_handle_t)self, chaos_pick(VX_OBJ_MEM), win,
					rnd() % 2 ? VX_PROT_READ : VX_PROT_READ | VX_PROT_WRITE);
			break;
		case 14:
			r = vx_task_unmap(chaos_pick(VX_OBJ_MEM));
			break;
		case 15:
			r = vx_ring_bind(chaos_pick(VX_OBJ_RING),
					 rnd() % 2 ? VX_RING_PRODUCER : VX_RING_CONSUMER, win,
					 (uint32_t)(rnd() % 40 + 8), &(struct vx_ring_info){0});
			break;
		case 16:
			r = rnd() % 2 ? vx_ring_unbind(chaos_pick(VX_OBJ_RING))
				      : vx_sig_mint(chaos_pick(VX_OBJ_TASK), 1ull << (rnd() % 64));
			chaos_keep(r);
			break;
		default:
			r = vx_cap_inspect(chaos_pick(0), &(struct vx_cap_info){0});
			vx_sig_wait(1ull << 40, VX_DEADLINE_NONE); /* drain child faults */
			break;
		}
		if (r < VX_E_LAST)
			bad++;
		if (rnd() % 64 == 0)
			vx_task_yield();
	}
	return bad > 200 ? 200 : bad;
}

/* Retypes a Task from "ret" and returns its priority. */
static int new_task_prio(const struct vx_bundle_page *b)
{
	struct vx_task_info ti;
	int64_t ret = vx_bundle_handle(b, "ret", VX_OBJ_RETICLE);
	int64_t t = ret < 0 ? ret : vx_reticle_retype((vx_handle_t)ret, VX_OBJ_TASK, 0);

	if (t < 0 || vx_task_inspect((vx_handle_t)t, &ti) < 0)
		return 200;
	return (int)ti.prio;
}

#define SPIN_VA 0x400000ull

/* Starts a Task that spins in the code page it was given, after trying to
 * raise it above itself. */
static int spinner(const struct vx_bundle_page *b)
{
	struct vx_task_info ti;
	int64_t ret = vx_bundle_handle(b, "ret", VX_OBJ_RETICLE);
	int64_t code = vx_bundle_handle(b, "code", VX_OBJ_MEM);
	int64_t t = ret < 0 ? ret : vx_reticle_retype((vx_handle_t)ret, VX_OBJ_TASK, 0);

	if (t < 0 || code < 0 ||
	    vx_task_map((vx_handle_t)t, (vx_handle_t)code, SPIN_VA, VX_PROT_READ | VX_PROT_EXEC) <
		0 ||
	    vx_task_set_regs((vx_handle_t)t, SPIN_VA, SPIN_VA, 0) < 0)
		return 200;
	int64_t raised = vx_task_set_prio((vx_handle_t)t, VX_PRIO_MAX);
	if (vx_task_start((vx_handle_t)t, VX_NO_HANDLE) < 0 ||
	    vx_task_inspect((vx_handle_t)t, &ti) < 0)
		return 201;
	return (int)ti.prio * 100 + (raised == VX_E_RIGHTS);
}

/* The page "watch" shares with ktest. */
struct watch_page {
	volatile uint64_t done;
	uint64_t max_late_ns;
	uint64_t wakes;
};
#define WATCH_VA   0x30000000ull
#define WATCH_MAX  200000u /* wake-ups: a bound, whatever ktest does */
#define WATCH_STEP 1000000ull

static int watch(const struct vx_bundle_page *b)
{
	int64_t self = vx_bundle_handle(b, "self", VX_OBJ_TASK);
	int64_t out = vx_bundle_handle(b, "out", VX_OBJ_MEM);
	int64_t boss = vx_bundle_handle(b, "boss", VX_OBJ_TASK);
	struct watch_page *w = (struct watch_page *)WATCH_VA;

	if (self < 0 || out < 0 || boss < 0 ||
	    vx_task_map((vx_handle_t)self, (vx_handle_t)out, WATCH_VA,
			VX_PROT_READ | VX_PROT_WRITE) < 0)
		return 200;
	for (uint32_t i = 0; i < WATCH_MAX && !w->done; i++) {
		uint64_t deadline = (uint64_t)vx_clock() + WATCH_STEP;
		vx_sig_wait(0, deadline);
		uint64_t late = (uint64_t)vx_clock() - deadline;
		if (late > w->max_late_ns)
			w->max_late_ns = late;
		w->wakes++;
	}
	return vx_task_set_prio((vx_handle_t)boss, VX_PRIO_MAX) == VX_OK ? 0 : 202;
}

/* The order log the fastpath tests read: n, then n characters. */
#define ORDER_VA 0x38000000ull
static volatile uint64_t *order_log(const struct vx_bundle_page *b)
{
	int64_t self = vx_bundle_handle(b, "self", VX_OBJ_TASK);
	int64_t out = vx_bundle_handle(b, "out", VX_OBJ_MEM);

	if (self < 0 || out < 0 ||
	    vx_task_map((vx_handle_t)self, (vx_handle_t)out, ORDER_VA,
			VX_PROT_READ | VX_PROT_WRITE) < 0)
		return NULL;
	return (volatile uint64_t *)ORDER_VA;
}

static void order_note(volatile uint64_t *log, char c)
{
	if (log && log[0] < 500)
		log[1 + log[0]++] = (uint64_t)c;
}

static struct vx_ring echo_bind(const struct vx_bundle_page *b, const char *name, uint32_t role,
				uint64_t va)
{
	struct vx_ring r = {.corrupt = true};
	struct vx_ring_info info;
	int64_t h = vx_bundle_handle(b, name, VX_OBJ_RING);

	if (h >= 0 && vx_ring_bind((vx_handle_t)h, role, va, 5, &info) == 0)
		vx_ring_init(&r, &info, (vx_handle_t)h);
	return r;
}

static int echo(const struct vx_bundle_page *b)
{
	volatile uint64_t *log = order_log(b);
	struct vx_ring req = echo_bind(b, "req", VX_RING_CONSUMER, 0x3a000000ull);
	struct vx_ring rep = echo_bind(b, "rep", VX_RING_PRODUCER, 0x3b000000ull);
	uint64_t msg[8];
	size_t len;

	if (!log || req.corrupt || rep.corrupt)
		return 200;
	vx_sig_wait(1ull << 5, VX_DEADLINE_NEVER);
	for (;;) {
		bool answered = false;
		while (vx_ring_try_recv(&req, msg, sizeof(msg), &len) == VX_OK) {
			order_note(log, 'E');
			if (msg[0] == UINT64_MAX)
				return 0;
			if (msg[0] == UINT64_MAX - 1)
				continue;
			msg[0]++;
			if (vx_ring_try_send(&rep, msg, sizeof(msg)) != VX_OK)
				return 201;
			answered = true;
		}
		/* Wake the client (if there is an answer) and wait, in one call. */
		int64_t fired = answered
				    ? vx_ring_notify_wait(rep.handle, 1ull << 5, VX_DEADLINE_NEVER)
				    : vx_sig_wait(1ull << 5, VX_DEADLINE_NEVER);
		if (fired < 0)
			return 202;
	}
}

static int pinger(const struct vx_bundle_page *b, int n)
{
	int64_t boss = vx_bundle_handle(b, "boss", VX_OBJ_SIGNAL);

	if (boss < 0)
		return 200;
	for (int i = 0; i < n; i++) {
		vx_sig_raise((vx_handle_t)boss, 1ull << 4);
		vx_sig_raise((vx_handle_t)boss, 1ull << 5);
		if (vx_sig_wait(1ull << 6, (uint64_t)vx_clock() + 10000000000ull) != 1ull << 6)
			return 201;
	}
	return 0;
}

static int raiser(const struct vx_bundle_page *b, const char *args)
{
	int64_t boss = vx_bundle_handle(b, "boss", VX_OBJ_SIGNAL);
	int n = parse_int(args), bit = 0;

	while (*args && *args != ' ')
		args++;
	bit = parse_int(args + (*args == ' '));
	if (boss < 0 || bit < 0 || bit > 62)
		return 200;
	for (int i = 0; i < n; i++) {
		vx_sig_raise((vx_handle_t)boss, 1ull << bit);
		if (vx_sig_wait(1ull << 6, (uint64_t)vx_clock() + 10000000000ull) != 1ull << 6)
			return 201;
	}
	return 0;
}

static int relay(const struct vx_bundle_page *b, int n)
{
	int64_t next = vx_bundle_handle(b, "next", VX_OBJ_SIGNAL);
	const uint64_t tokens = 3ull << 8;

	if (next < 0)
		return 200;
	for (int passed = 0; passed < n;) {
		int64_t got = vx_sig_wait(tokens, (uint64_t)vx_clock() + 10000000000ull);
		if (got <= 0 || ((uint64_t)got & ~tokens))
			return 201;
		vx_sig_raise((vx_handle_t)next, (uint64_t)got);
		passed += (int)(((uint64_t)got >> 8 & 1) + ((uint64_t)got >> 9 & 1));
	}
	return 0;
}

/* An answer of a call that only reads: a value, or one of the handle
 * errors (its handles may be deleted under it). */
static bool sane(int64_t r)
{
	return r >= 0 || r == VX_E_STALE || r == VX_E_BADHANDLE;
}

static int inspector(const struct vx_bundle_page *b)
{
	volatile uint64_t *log = order_log(b);
	int64_t self = vx_bundle_handle(b, "self", VX_OBJ_TASK);
	int64_t ret = vx_bundle_handle(b, "ret", VX_OBJ_RETICLE);
	struct vx_reticle_info ri;
	struct vx_task_info ti;
	struct vx_cap_info ci;
	int64_t last = 0;

	if (!log || self < 0 || ret < 0)
		return 200;
	while (!log[0]) {
		int64_t now = vx_clock(), r;
		log[2] += now < last;
		last = now;
		r = vx_reticle_info((vx_handle_t)ret, &ri);
		log[2] += !sane(r) || (r == VX_OK && (ri.free > ri.size || ri.size == 0));
		for (uint32_t i = 0; i < b->count && i < VX_BUNDLE_SLOTS; i++)
			log[2] += !sane(vx_cap_inspect(b->entry[i].handle, &ci));
		r = vx_task_inspect((vx_handle_t)self, &ti);
		log[2] += r != VX_OK || ti.state != VX_TASK_RUNNABLE;
		log[2] += vx_sig_wait(VX_SIG_ALL, VX_DEADLINE_NONE) < 0;
		log[1] += 5;
	}
	return 0;
}

#define CARVE_VA 0x60000000ull /* carver: Mem i at CARVE_VA + i * 16 pages */

/* carver: fills (check false) or checks Mem i of a round; returns the
 * words found changed. */
static uint64_t carve_pattern(uint64_t tag, uint64_t round, int i, uint64_t pages, bool check)
{
	volatile uint64_t *w = (volatile uint64_t *)(CARVE_VA + (uint64_t)i * 16 * 4096);
	uint64_t want = tag ^ round << 8 ^ (uint64_t)i, bad = 0;

	for (uint64_t k = 0; k < pages * 512; k++) {
		if (!check)
			w[k] = want + k;
		else
			bad += w[k] != want + k;
	}
	return bad;
}

/* "carver": retypes, splits, derives and mints from a Reticle other
 * carvers on other CPUs carve from at the same time (ktest/smp.c). */
static int carver(const struct vx_bundle_page *b)
{
	volatile uint64_t *log = order_log(b);
	int64_t self = vx_bundle_handle(b, "self", VX_OBJ_TASK);
	int64_t ret = vx_bundle_handle(b, "ret", VX_OBJ_RETICLE);
	int64_t out = vx_bundle_handle(b, "out", VX_OBJ_MEM);
	int64_t xfer = vx_bundle_handle(b, "xfer", VX_OBJ_RING);
	struct vx_cap_info ci;

	if (!log || self < 0 || ret < 0 || vx_cap_inspect((vx_handle_t)out, &ci) != VX_OK)
		return 200;
	uint64_t tag = ci.paddr << 16; /* ours alone */
	for (uint64_t round = 1; !log[0]; round++) {
		int64_t mem[4], h;
		uint64_t pages[4];
		int n = 0;

		for (int i = 0; i < 4; i++) {
			pages[n] = 1 + (round + (uint64_t)i) % 4;
			h = vx_reticle_retype((vx_handle_t)ret, VX_OBJ_MEM, pages[n]);
			if (h < 0) {
				log[h == VX_E_NOMEM ? 4 : 3]++;
				break;
			}
			if (vx_task_map((vx_handle_t)self, (vx_handle_t)h,
					CARVE_VA + (uint64_t)n * 16 * 4096,
					VX_PROT_READ | VX_PROT_WRITE) != VX_OK) {
				log[3]++;
				vx_cap_delete((vx_handle_t)h);
				break;
			}
			mem[n] = h;
			carve_pattern(tag, round, n, pages[n], false);
			n++;
		}
		int64_t g = vx_reticle_retype((vx_handle_t)ret, VX_OBJ_RING, VX_RING_ARG(6, 2));
		if (g >= 0) {
			int64_t d = vx_cap_derive((vx_handle_t)g, VX_R_READ, 0);
			log[3] += d < 0 || vx_cap_inspect((vx_handle_t)d, &ci) != VX_OK ||
				  ci.type != VX_OBJ_RING || ci.rights != VX_R_READ;
			log[3] += vx_cap_delete((vx_handle_t)d) != VX_OK;
			log[3] += vx_cap_delete((vx_handle_t)g) != VX_OK;
		} else {
			log[g == VX_E_NOMEM ? 4 : 3]++;
		}
		int64_t sig = vx_sig_mint((vx_handle_t)self, 1ull << 12);
		log[3] += sig < 0 || vx_cap_delete((vx_handle_t)sig) != VX_OK;
		/* Caps to ret itself, which every carver and ktest derive
		 * from and delete at once: d1 with a child goes the exclusive
		 * way, the rest the shared way. */
		int64_t d1 = vx_cap_derive((vx_handle_t)ret, VX_R_READ | VX_R_CONTROL, 0);
		int64_t d2 = vx_cap_derive((vx_handle_t)ret, VX_R_READ | VX_R_GRANT, 0);
		int64_t e = d1 < 0 ? d1 : vx_cap_derive((vx_handle_t)d1, VX_R_READ, 0);
		log[3] += d1 < 0 || d2 < 0 || e < 0;
		if (xfer >= 0) { /* a cap through the Ring every carver uses */
			int64_t got = vx_ring_recv_cap((vx_handle_t)xfer); /* another's, mostly */
			int64_t q = vx_ring_send_cap((vx_handle_t)xfer, (vx_handle_t)d2, VX_R_READ);
			log[3] += q < 0 && q != VX_E_FULL;
			if (got > 0) {
				log[3] += vx_cap_inspect((vx_handle_t)got, &ci) != VX_OK ||
					  ci.type != VX_OBJ_RETICLE || ci.rights != VX_R_READ;
				log[3] += vx_cap_delete((vx_handle_t)got) != VX_OK;
				log[5]++;
			} else {
				log[3] += got != VX_E_EMPTY;
			}
		}
		log[3] += vx_cap_delete((vx_handle_t)d1) != VX_OK;
		log[3] += vx_cap_inspect((vx_handle_t)e, &ci) != VX_OK || ci.rights != VX_R_READ;
		log[3] += vx_cap_delete((vx_handle_t)e) != VX_OK;
		log[3] += vx_cap_delete((vx_handle_t)d2) != VX_OK;
		if (round % 8 == 0) {
			int64_t sub = vx_reticle_split((vx_handle_t)ret, 4 * 4096);
			if (sub >= 0) {
				int64_t m = vx_reticle_retype((vx_handle_t)sub, VX_OBJ_MEM, 1);
				log[3] += m < 0 || vx_cap_delete((vx_handle_t)m) != VX_OK;
				log[3] += vx_cap_delete((vx_handle_t)sub) != VX_OK;
			} else {
				log[sub == VX_E_NOMEM ? 4 : 3]++;
			}
		}
		while (n-- > 0) {
			log[2] += carve_pattern(tag, round, n, pages[n], true);
			log[3] += vx_task_unmap((vx_handle_t)mem[n]) != VX_OK;
			log[3] += vx_cap_delete((vx_handle_t)mem[n]) != VX_OK;
		}
		log[1] = round;
	}
	return 0;
}

#define MAPPER_W_VA	0x61000000ull	  /* mapper: code, writable */
#define MAPPER_X_VA	0x61200000ull	  /* mapper: code, executable */
#define MAPPER_COUNT_VA 0x61400000ull	  /* mapper: count */
#define MAPPER_TGT_VA	0x200000000000ull /* mapper: window K of tgt */

/* mapper: one mapping of code of kind k (0 writable, 1 executable) made,
 * checked against the other kind's count, and unmapped. */
static void mapper_once(volatile uint64_t *log, volatile uint64_t *count, int64_t self,
			int64_t code, int k)
{
	uint32_t prot = k ? VX_PROT_READ | VX_PROT_EXEC : VX_PROT_READ | VX_PROT_WRITE;
	int64_t r =
	    vx_task_map((vx_handle_t)self, (vx_handle_t)code, k ? MAPPER_X_VA : MAPPER_W_VA, prot);

	if (r == VX_E_BUSY) {
		log[4]++;
		return;
	}
	if (r != VX_OK) {
		log[3]++;
		return;
	}
	__atomic_fetch_add(&count[k], 1, __ATOMIC_SEQ_CST);
	/* Ours is live from before the add to after the sub: one of the other
	 * kind counted now was live beside it. */
	log[2] += __atomic_load_n(&count[!k], __ATOMIC_SEQ_CST) != 0;
	__atomic_fetch_sub(&count[k], 1, __ATOMIC_SEQ_CST);
	log[3] += vx_task_unmap((vx_handle_t)code) != VX_OK;
}

/* "mapper K": maps and unmaps beside other mappers on other CPUs
 * (ktest/smp.c): W^X per frame, and a Task they all map into. */
static int mapper(const struct vx_bundle_page *b, int k)
{
	volatile uint64_t *log = order_log(b);
	int64_t self = vx_bundle_handle(b, "self", VX_OBJ_TASK);
	int64_t code = vx_bundle_handle(b, "code", VX_OBJ_MEM);
	int64_t cnt = vx_bundle_handle(b, "count", VX_OBJ_MEM);
	int64_t tgt = vx_bundle_handle(b, "tgt", VX_OBJ_TASK);
	int64_t mine = vx_bundle_handle(b, "mine", VX_OBJ_MEM);

	if (!log || code < 0 || cnt < 0 || tgt < 0 || mine < 0 ||
	    vx_task_map((vx_handle_t)self, (vx_handle_t)cnt, MAPPER_COUNT_VA,
			VX_PROT_READ | VX_PROT_WRITE) != VX_OK)
		return 200;
	volatile uint64_t *count = (volatile uint64_t *)MAPPER_COUNT_VA;
	for (uint64_t round = 1; !log[0]; round++) {
		mapper_once(log, count, self, code, (int)(round & 1));
		mapper_once(log, count, self, code, (int)(~round & 1));
		uint64_t va =
		    MAPPER_TGT_VA + (uint64_t)k * (1ull << 30) + (round % 64) * (2ull << 20);
		log[3] += vx_task_map((vx_handle_t)tgt, (vx_handle_t)mine, va,
				      VX_PROT_READ | VX_PROT_WRITE) != VX_OK;
		log[3] += vx_task_unmap((vx_handle_t)mine) != VX_OK;
		log[1] = round;
	}
	return 0;
}

/* "portout": one PORT_OUT of 'B' to COM1 each time ktest bumps out[0]
 * (ktest/hunt4.c races it against a CONSOLE_WRITE on another CPU). */
static int portout(const struct vx_bundle_page *b)
{
	volatile uint64_t *log = order_log(b);
	int64_t io = vx_bundle_handle(b, "io", VX_OBJ_IOPORT);
	uint64_t seen = 0;

	if (!log || io < 0)
		return 200;
	for (;;) {
		uint64_t go = log[0];
		if (go == seen) {
			__asm__ volatile("pause");
			continue;
		}
		if (go == UINT64_MAX)
			return 0;
		seen = go;
		for (uint64_t k = log[2]; k; k--)
			__asm__ volatile("pause");
		vx_syscall4(VX_SYS_PORT_OUT, (uint64_t)io, 0x3f8, 1, 'B');
		log[1] = go;
	}
}

/* "taskwatch": inspects a spinning Task while ktest destroys it
 * (ktest/hunt4.c). */
static int taskwatch(const struct vx_bundle_page *b)
{
	volatile uint64_t *log = order_log(b);
	int64_t ret = vx_bundle_handle(b, "ret", VX_OBJ_RETICLE);
	int64_t code = vx_bundle_handle(b, "code", VX_OBJ_MEM);
	int64_t t = -1, rx = -1;
	struct vx_task_info ti;
	struct vx_cap_info ci;

	if (!log || ret < 0 || code < 0)
		return 200;
	while (!log[0]) {
		if (t < 0) {
			if (rx > 0)
				vx_cap_delete((vx_handle_t)rx);
			rx = vx_cap_derive((vx_handle_t)code, VX_R_READ | VX_R_EXEC, 0);
			t = vx_reticle_retype((vx_handle_t)ret, VX_OBJ_TASK, 0);
			if (t < 0 || rx < 0 ||
			    vx_task_map((vx_handle_t)t, (vx_handle_t)rx, SPIN_VA,
					VX_PROT_READ | VX_PROT_EXEC) < 0 ||
			    vx_task_set_regs((vx_handle_t)t, SPIN_VA, SPIN_VA, 0) < 0 ||
			    vx_task_set_affinity((vx_handle_t)t, 0xe) < 0 ||
			    vx_task_start((vx_handle_t)t, VX_NO_HANDLE) < 0) {
				log[3]++;
				if (t > 0)
					vx_cap_delete((vx_handle_t)t);
				t = -1;
				continue;
			}
		}
		int64_t r = vx_task_inspect((vx_handle_t)t, &ti);
		int64_t c = vx_cap_inspect((vx_handle_t)t, &ci);
		if (r == VX_OK && ti.state == VX_TASK_RUNNABLE && ti.fault.kind == 0)
			log[1]++;
		else if (r == VX_E_STALE)
			log[2]++, t = -1;
		else
			log[5]++;
		if (c != VX_OK && c != VX_E_STALE)
			log[5]++;
	}
	return 0;
}

#define BUF_VA 0x50000000ull

/* "bufcalls": shared calls whose user buffer comes and goes (ktest/hunt4.c). */
static int bufcalls(const struct vx_bundle_page *b)
{
	volatile uint64_t *log = order_log(b);
	int64_t self = vx_bundle_handle(b, "self", VX_OBJ_TASK);
	int64_t io = vx_bundle_handle(b, "io", VX_OBJ_IOPORT);

	if (!log || self < 0 || io < 0)
		return 200;
	for (uint64_t i = 0; !log[0]; i++) {
		int64_t r;
		if (i & 1) {
			r = vx_task_inspect((vx_handle_t)self,
					    (struct vx_task_info *)(BUF_VA + 2048));
			log[r == VX_OK ? 1 : r == VX_E_FAULT ? 2 : 5]++;
		} else {
			r = vx_console_write((vx_handle_t)io, (const void *)(BUF_VA + 4000), 96);
			log[r == 96 ? 3 : r == VX_E_FAULT ? 4 : 5]++;
		}
	}
	return 0;
}

/* Bit i of ANSWER_BITS is counted in out[1 + i] and acknowledged to
 * raiser "a<bit>". */
#define ANSWER_BITS (1ull << 4 | 1ull << 5 | 1ull << 7)

static int answer(const struct vx_bundle_page *b)
{
	static const char *const ack_name[3] = {"a4", "a5", "a7"};
	static const int bit[3] = {4, 5, 7};
	volatile uint64_t *log = order_log(b);
	int64_t ack[3];

	if (!log)
		return 200;
	for (int i = 0; i < 3; i++)
		ack[i] = vx_bundle_handle(b, ack_name[i], VX_OBJ_SIGNAL);
	for (uint64_t n = 0; !log[0]; n++) {
		uint64_t deadline = (uint64_t)vx_clock() + 100000 * (1 + n % 8);
		int64_t got = vx_sig_wait(ANSWER_BITS, deadline);
		if (got == 0) {
			log[4]++;
			continue;
		}
		if (got < 0 || ((uint64_t)got & ~ANSWER_BITS)) {
			log[5]++;
			continue;
		}
		for (int i = 0; i < 3; i++) {
			if (!((uint64_t)got & (1ull << bit[i])))
				continue;
			log[1 + i]++;
			if (ack[i] > 0)
				vx_sig_raise((vx_handle_t)ack[i], 1ull << 6);
		}
	}
	return 0;
}

static int flood(const struct vx_bundle_page *b, int bit)
{
	volatile uint64_t *log = order_log(b);
	int64_t tgt = vx_bundle_handle(b, "tgt", VX_OBJ_SIGNAL);

	if (!log || tgt < 0 || bit < 0 || bit > 62)
		return 200;
	while (!log[0]) {
		int64_t r = vx_sig_raise((vx_handle_t)tgt, 1ull << bit);
		log[r == VX_OK ? 1 : r == VX_E_STALE || r == VX_E_BADHANDLE ? 2 : 3]++;
	}
	return 0;
}

static int bell(const struct vx_bundle_page *b)
{
	volatile uint64_t *log = order_log(b);
	int64_t ring = vx_bundle_handle(b, "ring", VX_OBJ_RING);
	struct vx_ring_info info;

	if (!log || ring < 0 ||
	    vx_ring_bind((vx_handle_t)ring, VX_RING_PRODUCER, 0x3c000000ull, 5, &info) != 0)
		return 200;
	while (!log[0]) {
		int64_t r = vx_ring_notify((vx_handle_t)ring);
		log[r == VX_OK ? 1 : r == VX_E_STALE || r == VX_E_BADHANDLE ? 2 : 3]++;
	}
	return 0;
}

int main(const struct vx_bundle_page *bundle, const char *args)
{
	if (starts_with(args, "taskwatch"))
		return taskwatch(bundle);
	if (starts_with(args, "bufcalls"))
		return bufcalls(bundle);
	if (starts_with(args, "portout"))
		return portout(bundle);
	if (starts_with(args, "pinger "))
		return pinger(bundle, parse_int(args + 7));
	if (starts_with(args, "raiser "))
		return raiser(bundle, args + 7);
	if (starts_with(args, "relay "))
		return relay(bundle, parse_int(args + 6));
	if (starts_with(args, "inspector"))
		return inspector(bundle);
	if (starts_with(args, "carver"))
		return carver(bundle);
	if (starts_with(args, "mapper "))
		return mapper(bundle, parse_int(args + 7));
	if (starts_with(args, "echo"))
		return echo(bundle);
	if (starts_with(args, "reader")) {
		volatile uint64_t *log = order_log(bundle);
		if (!log)
			return 200;
		for (;;) {
			sink += *(volatile int *)0x50000000;
			log[0]++;
		}
	}
	if (starts_with(args, "mark ")) {
		volatile uint64_t *log = order_log(bundle);
		order_note(log, args[5]);
		return log ? 0 : 200;
	}
	if (starts_with(args, "fuzz "))
		return fuzz(bundle, args + 5);
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
	if (starts_with(args, "int3"))
		__asm__ volatile("int3");
	if (starts_with(args, "int80"))
		__asm__ volatile("int $0x80");
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
	if (starts_with(args, "bigmem ")) {
		/* Retypes a Mem of N pages from "ret" (its zeroing is queued
		 * work this call waits for), noting in "out" when it starts
		 * (1) and when it has returned (2). */
		volatile uint64_t *log = order_log(bundle);
		int64_t ret = vx_bundle_handle(bundle, "ret", VX_OBJ_RETICLE);
		if (!log || ret < 0)
			return 200;
		log[0] = 1;
		int64_t m =
		    vx_reticle_retype((vx_handle_t)ret, VX_OBJ_MEM, (uint64_t)parse_int(args + 7));
		log[0] = 2;
		return m > 0 ? 0 : 201;
	}
	if (starts_with(args, "badrsp"))
		__asm__ volatile("movq %%rsp, %%rbx\n\t"
				 "movabsq $0x0000900000000000, %%rsp\n\t"
				 "pushq %%rax\n\t"
				 "movq %%rbx, %%rsp" ::
				     : "rbx", "memory");
	if (starts_with(args, "noncanon"))
		((void (*)(void))0x0000800000000000ull)();
	if (starts_with(args, "newprio"))
		return new_task_prio(bundle);
	if (starts_with(args, "buildspin"))
		return spinner(bundle);
	if (starts_with(args, "handle ")) {
		/* Read the page itself: what the kernel wrote, not a library's view. */
		for (uint32_t i = 0; i < bundle->count && i < VX_BUNDLE_SLOTS; i++)
			if (starts_with(bundle->entry[i].name, args + 7) &&
			    bundle->entry[i].name[strlen(args + 7)] == 0)
				return (int)bundle->entry[i].handle;
		return 255;
	}
	if (starts_with(args, "rights ")) {
		struct vx_cap_info ci;
		int64_t h = vx_bundle_handle(bundle, args + 7, 0);
		if (h < 0 || vx_cap_inspect((vx_handle_t)h, &ci) < 0)
			return 255;
		return (int)ci.rights;
	}
	if (starts_with(args, "watch"))
		return watch(bundle);
	if (starts_with(args, "chaos "))
		return chaos(bundle, args + 6);
	if (starts_with(args, "touch")) {
		*(volatile int *)0x50000000 = 42;
		return *(volatile int *)0x50000000 == 42 ? 0 : 1;
	}
	if (starts_with(args, "answer"))
		return answer(bundle);
	if (starts_with(args, "flood "))
		return flood(bundle, parse_int(args + 6));
	if (starts_with(args, "bell"))
		return bell(bundle);
	return 100;
}
