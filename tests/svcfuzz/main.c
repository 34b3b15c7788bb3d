/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * svcfuzz: the services' protocol fuzzer.  Started once at boot by the
 * svcfuzz image's manifest (tests/qemu/etc/svcfuzz) with a connection to
 * every service the shell has, it sends COUNT random and structure-aware
 * requests, spread over them, as a hostile client would: known ops and
 * unknown ones, every length, integers at their edges, paths and names
 * from a dictionary and their mutations, capabilities of the wrong type
 * or rights beside them, and now and then a message the runtime would
 * never send (a length past the slot, a capability count that lies).
 * Every round, each service must still answer an unknown op with
 * VX_E_NOSYS, and init's handle table is read (INIT_MEM).  At the end it
 * hogs every pair init will give it and holds them (hog(), below);
 * tests/qemu/svcfuzz_test.py checks that init kept room meanwhile, that
 * init restarted nothing it was not asked to, and that the shell still
 * gets every service's work done.
 *
 * Left out, because a client may ask for them and they stop or block
 * things by design: init's INIT_KILL and INIT_CRASH, devd's DEV_CRASH,
 * the console's CONSOLE_READ (it waits for a key), identityd's ID_LOGIN
 * (a key derivation per guess), linuxd's LINUX_RUN and LINUX_INPUT (they
 * run programs).  A console write carries a few dots at most.
 *
 * args: "seed HEX count N" (the manifest's args line).  Every choice comes
 * from the seed, but a request that got past a service's decoding is kept
 * and mutated later (feedback), so a run repeats as far as the answers
 * do.  Lines are "svcfuzz: ..." for the scenario to match.
 */
#include "rt/vx.h"
#include "rt/svc.h"
#include "client/console.h"
#include "client/fs.h"
#include "rt/errstr.h"
#include "vectra/proto/console.h"
#include "vectra/proto/devices.h"
#include "vectra/proto/identity.h"
#include "vectra/proto/init.h"
#include "vectra/proto/linux.h"
#include "vx_string.h"

#define SECOND	   1000000000ull
#define VA_CONSOLE 0x10000000ull
#define VA_FIRST   0x10100000ull /* target i's connection at VA_FIRST + i MiB */
#define BIT_CONN   1u
#define ROUND	   400u	      /* requests between two liveness checks */
#define NO_REPLY   0x7eadbeef /* a status no server sends: the call got no reply */
#define NERR	   64	      /* statuses 0 .. -63 are counted one by one */
#define KEEP	   16	      /* requests kept per service to mutate */

struct target {
	const char *name;     /* its connection's Bundle name */
	uint32_t first, last; /* the ops it serves: first..last */
	uint32_t never[2];    /* ops left out (0: none) */
	bool printable;	      /* bytes reach a terminal */
	struct vx_client c;
	bool open;
	uint64_t calls, raw, no_reply, hangups; /* raw: put in the Ring by hand */
	uint64_t counts[NERR + 1];		/* [NERR]: any other status */
	int32_t other;				/* the last such status */
	struct vx_msg last_sent;		/* for the report when it stops answering */
	/* Requests that got past the service's decoding (answered neither
	 * VX_E_INVAL, VX_E_NOSYS nor VX_E_TOOBIG): the next ones are often
	 * these, bent (mutate), to reach further in. */
	struct vx_msg kept[KEEP];
	uint32_t nkept;
};

static struct target targets[] = {
    {.name = "console",
     .first = CONSOLE_WRITE,
     .last = CONSOLE_INFO,
     .never = {CONSOLE_READ},
     .printable = true},
    {.name = "init", .first = INIT_PS, .last = INIT_START, .never = {INIT_KILL, INIT_CRASH}},
    {.name = "fs", .first = 1, .last = 17},
    {.name = "ns", .first = 1, .last = 2},
    {.name = "rng", .first = 1, .last = 4},
    {.name = "rtc", .first = 1, .last = 1},
    {.name = "pkg", .first = 1, .last = 4},
    {.name = "identity", .first = 1, .last = 6, .never = {ID_LOGIN}},
    {.name = "devices", .first = 1, .last = 3, .never = {DEV_CRASH}},
    {.name = "net", .first = 1, .last = 9},
    {.name = "dns", .first = 1, .last = 5},
    {.name = "linux", .first = 1, .last = 5, .never = {LINUX_RUN, LINUX_INPUT}},
};
#define NTARGETS (sizeof(targets) / sizeof(targets[0]))

static uint64_t rng_state;
static uint64_t init_handles_peak, init_handles_max; /* INIT_MEM's, at each round */
static vx_handle_t mem_h, ring_h;		     /* capabilities to send along; 0: none */

/* The console is targets[0]: the connection both reports and is fuzzed. */
#define con (targets[0].c)

static uint64_t deadline(uint64_t secs)
{
	return (uint64_t)vx_clock() + secs * SECOND;
}

__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...)
{
	va_list ap;

	/* uartd may have closed the connection over a message it could not
	 * take: init hands it over again. */
	if (!vx_client_server_up(&con))
		vx_client_wait_up(&con, deadline(10));
	va_start(ap, fmt);
	vx_con_vprintf(&con, deadline(5), fmt, ap);
	va_end(ap);
}

/* xorshift64*: the run's one source of choices. */
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static uint32_t below(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

/* Integers where decoders go wrong: the edges of every width, sizes and
 * counts near limits, and now and then anything. */
static uint64_t edge(void)
{
	static const uint64_t v[] = {0,
				     1,
				     2,
				     3,
				     7,
				     8,
				     15,
				     16,
				     17,
				     31,
				     32,
				     63,
				     64,
				     127,
				     128,
				     239,
				     240,
				     241,
				     255,
				     256,
				     4095,
				     4096,
				     4097,
				     65535,
				     65536,
				     1u << 20,
				     (1u << 20) + 1,
				     1u << 30,
				     0x7fffffff,
				     0x80000000u,
				     0xfffffffeu,
				     0xffffffffu,
				     0x100000000ull,
				     0x7fffffffffffffffull,
				     0x8000000000000000ull,
				     ~0ull,
				     ~0ull - 4095};

	return below(8) ? v[below(sizeof(v) / sizeof(v[0]))] : rnd() >> below(64);
}

/* Paths, names and words the services know, to reach past their first
 * check; mutate() bends them. */
static const char *const words[] = {
    "",
    "RAM:",
    "HOME:",
    "EXT:",
    "SYS:",
    "SYS:bin/vshell",
    "SYS:etc/manifest",
    "SYS:etc/hosts",
    "SYS:pkg/demo.vpkg",
    "tmp",
    "tmp/x",
    "x",
    "a/b/c",
    ".",
    "..",
    "../..",
    "/",
    "//",
    "a/../b",
    "RAM:tmp/../..",
    "HOME:.snap",
    "fs",
    "console",
    "ns",
    "init",
    "rng",
    "dns",
    "net",
    "linux",
    "pkg",
    "identity",
    "devices",
    "rtc",
    "blk",
    "netif",
    "fs.read",
    "fs.read:tmp",
    "net.listen.80",
    "localhost",
    "127.0.0.1",
    "10.0.2.2",
    "a..b",
    "busybox",
    "sh",
    "demo",
    "vshell",
    "uartd",
    "netd",
    "vfsd",
};

/* Fills out[0..n) with a word (and maybe its NUL), bent now and then:
 * bytes flipped, cut short, repeated, or with a byte of control. */
static size_t put_word(uint8_t *out, size_t n)
{
	const char *w = words[below(sizeof(words) / sizeof(words[0]))];
	size_t len = strlen(w), k = 0;

	if (below(8) == 0) { /* a long one: the word again and again */
		while (k < n && below(64) != 0)
			for (size_t i = 0; i < len && k < n; i++)
				out[k++] = (uint8_t)w[i];
	} else {
		for (size_t i = 0; i < len && k < n; i++)
			out[k++] = (uint8_t)w[i];
	}
	if (k && below(6) == 0) /* mutate a byte */
		out[below((uint32_t)k)] =
		    below(2) ? (uint8_t)rnd() : (uint8_t) "/:.\\\0\xff"[below(6)];
	if (k && below(10) == 0)
		k = below((uint32_t)k); /* cut short */
	if (k < n && below(5) != 0)
		out[k++] = 0;
	return k;
}

/* n moved by -4..4, not below 0. */
static size_t off_by_a_little(size_t n)
{
	size_t d = below(9);

	return n + d > 4 ? n + d - 4 : 0;
}

/* A request's data: a prefix of integers (most protocols begin with a
 * fixed struct), then a word or random bytes; or all random; or nothing. */
static uint16_t fill(uint8_t *d)
{
	size_t k = 0, max = VX_MSG_DATA;

	switch (below(8)) {
	case 0:
		return 0;
	case 1: /* random bytes, any length */
		k = below(VX_MSG_DATA + 1);
		for (size_t i = 0; i < k; i++)
			d[i] = (uint8_t)rnd();
		return (uint16_t)k;
	default:
		break;
	}
	static const size_t prefix[] = {0, 4, 8, 8, 16, 16, 24, 32, 40, 64};
	size_t p = prefix[below(sizeof(prefix) / sizeof(prefix[0]))];
	for (; k + 8 <= p; k += 8) { /* reserved fields are zero: often so */
		uint64_t v = below(2) ? 0 : below(2) ? below(4) : edge();
		memcpy(d + k, &v, 8);
	}
	if (below(4) != 0)
		k += put_word(d + k, max - k);
	if (below(6) == 0 && k < max) /* a second word: a rename's new name */
		k += put_word(d + k, max - k);
	if (below(8) == 0)
		k = off_by_a_little(k);
	return (uint16_t)(k > max ? max : k);
}

/* Bends a kept request: a byte, an integer at its edge, a word written
 * over, the length moved, the op moved; one to three of them. */
static void mutate(struct vx_msg *m)
{
	for (uint32_t n = 1 + below(3); n; n--) {
		uint32_t at = m->len ? below(m->len) : 0;
		switch (below(6)) {
		case 0:
			if (m->len)
				m->data[at] ^= (uint8_t)(1u << below(8));
			break;
		case 1: {
			uint64_t v = edge();
			uint32_t w = below(2) ? 4 : 8, a = at & ~(w - 1);
			if (a + w <= VX_MSG_DATA)
				memcpy(m->data + a, &v, w);
			break;
		}
		case 2:
			at += (uint32_t)put_word(m->data + at, VX_MSG_DATA - at);
			if (at > m->len)
				m->len = (uint16_t)at;
			break;
		case 3:
			m->len = (uint16_t)off_by_a_little(m->len);
			if (m->len > VX_MSG_DATA)
				m->len = VX_MSG_DATA;
			break;
		case 4:
			m->len = (uint16_t)below(VX_MSG_DATA + 1);
			break;
		default:
			m->op += below(2) ? 1 : (uint32_t)-1;
			break;
		}
	}
}

static bool left_out(const struct target *t, uint32_t op)
{
	return op == t->never[0] || op == t->never[1];
}

/* The op: mostly one the service serves, else an unknown one or anything. */
static uint32_t pick_op(const struct target *t)
{
	uint32_t op;

	switch (below(10)) {
	case 0:
		op = (uint32_t)edge();
		break;
	case 1:
		op = t->last + 1 + below(4);
		break;
	default:
		op = t->first + below(t->last - t->first + 1);
		break;
	}
	return left_out(t, op) ? 0 : op;
}

static void count(struct target *t, int32_t status)
{
	bool known = status <= 0 && status > -NERR;

	t->counts[known ? -status : NERR]++;
	if (!known)
		t->other = status;
}

/* Takes and deletes the n capabilities a reply brought. */
static void drop_reply_caps(struct target *t, uint32_t n)
{
	for (uint32_t i = 0; i < n && i < VX_RING_XFER_MAX; i++) {
		int64_t h = vx_ring_recv_cap(t->c.rep_h);
		if (h >= 0)
			vx_cap_delete((vx_handle_t)h);
	}
}

/* Queues 0 to 2 capabilities ahead of the request, of any type and
 * rights; returns how many went. */
static uint16_t send_caps(struct target *t)
{
	uint16_t sent = 0;
	uint32_t n = below(6) == 0 ? 1 + below(2) : 0;

	for (uint32_t i = 0; i < n && vx_client_server_up(&t->c); i++) {
		vx_handle_t h = below(3) == 0 ? ring_h : below(2) ? mem_h : con.req_h;
		if (h && vx_ring_send_cap(t->c.req_h, h, (uint32_t)rnd() & 0x3f) >= 0)
			sent++;
	}
	return sent;
}

/* One request to t.  Most go through vx_client_call; one in 32 is put in
 * the Ring by hand with what the runtime never sends (len past the slot's
 * data, or ncaps that is not what was queued), its reply left to the next
 * call to drop. */
static void one(struct target *t)
{
	struct vx_msg m;

	memset(&m, 0, sizeof(m));
	if (t->nkept && below(2)) {
		m = t->kept[below(t->nkept < KEEP ? t->nkept : KEEP)];
		mutate(&m);
		if (left_out(t, m.op))
			m.op = 0;
	} else {
		m.op = pick_op(t);
		m.len = fill(m.data);
	}
	m.ncaps = 0;
	if (t->printable) { /* a few dots at most: the log stays readable */
		m.len = below(4) == 0 ? m.len % 9 : 0;
		memset(m.data, '.', m.len);
	}
	struct vx_msg sent = m;
	uint16_t caps = send_caps(t);
	m.ncaps = below(10) == 0 ? (uint16_t)below(4) : caps;
	t->calls++;
	if (below(32) == 0) {
		if (below(2))
			m.len = (uint16_t)(VX_MSG_DATA + 1 + below(0xffff - VX_MSG_DATA));
		m.seq = 0x80000000u | (uint32_t)t->calls;
		t->last_sent = m;
		if (vx_ring_try_send(&t->c.req, &m, sizeof(m)) == VX_OK)
			vx_ring_kick(&t->c.req);
		t->raw++;
		return;
	}
	t->last_sent = m;
	m.status = NO_REPLY;
	int rc = vx_client_call(&t->c, &m, deadline(2));
	if (m.status == (int32_t)NO_REPLY) { /* no reply: the transport's error */
		if (rc == VX_E_TIMEOUT)
			t->no_reply++;
		else if (rc == VX_E_AGAIN)
			t->hangups++;
		count(t, rc);
		return;
	}
	drop_reply_caps(t, m.ncaps);
	count(t, m.status);
	if (t == &targets[1] && sent.op == INIT_CONNECT && m.status == VX_OK && m.len >= 4) {
		/* Given back at once, as a program's would be, so that the
		 * churn after finds room; the hog fills the pool on purpose. */
		struct vx_msg d = {.op = INIT_DISCONNECT, .len = 4};
		memcpy(d.data, m.data, 4);
		vx_client_call(&t->c, &d, deadline(2));
	}
	if (m.status != VX_E_INVAL && m.status != VX_E_NOSYS && m.status != VX_E_TOOBIG)
		t->kept[t->nkept++ % KEEP] = sent;
}

/* init's handle table, read at each round (INIT_MEM): the peak in use. */
static void look_at_init(struct target *t)
{
	struct vx_msg m = {.op = INIT_MEM};
	struct init_mem im;

	if (vx_client_call(&t->c, &m, deadline(10)) != VX_OK || m.len != sizeof(im))
		return;
	memcpy(&im, m.data, sizeof(im));
	if (im.handles_used > init_handles_peak)
		init_handles_peak = im.handles_used;
	init_handles_max = im.handles_max;
}

/* Does t still answer an unknown op with VX_E_NOSYS?  A connection its
 * server closed (it may close one that broke its protocol) comes back
 * when init hands it over again: waited for, up to 10 s. */
static bool alive(struct target *t)
{
	for (int tries = 0; tries < 3; tries++) {
		struct vx_msg m = {.op = 0xffffffffu};
		m.status = NO_REPLY;
		int rc = vx_client_call(&t->c, &m, deadline(10));
		if (m.status != (int32_t)NO_REPLY)
			drop_reply_caps(t, m.ncaps);
		if (rc == VX_E_NOSYS)
			return true;
		if (rc == VX_E_AGAIN) {
			vx_client_wait_up(&t->c, deadline(10));
			continue;
		}
		say("svcfuzz: %s answered op 0xffffffff with %s\n", t->name, vx_errname(rc));
		return false;
	}
	say("svcfuzz: %s stayed away for 30 s\n", t->name);
	return false;
}

/*
 * The hog: holds every INIT_PAIR pair init will give (geometries of every
 * kind, at most INIT_PAIR_PER_CONN), as a service that wanted to starve
 * init would, and says what init's handle table kept free; then asks for
 * connections until the pool is full and never binds them.  It holds the
 * pairs until RAM:svcfuzz-go exists (the scenario makes it once it has
 * made a connection and had a service restarted meanwhile), at most
 * 120 s.
 */
static void hog(struct target *init_t, struct target *fs_t)
{
	uint32_t got = 0;
	int last = VX_OK;

	for (uint32_t k = 0; k < INIT_PAIR_PER_CONN && last == VX_OK; k++) {
		struct vx_msg m = {.op = INIT_PAIR, .len = sizeof(struct init_pair_req)};
		struct init_pair_req r = {.slot_log2 = (uint8_t)(INIT_PAIR_SLOT_LOG2_MIN + k % 7),
					  .count_log2 = (uint8_t)((k / 7) % 5)};
		memcpy(m.data, &r, sizeof(r));
		m.status = NO_REPLY;
		last = vx_client_call(&init_t->c, &m, deadline(10));
		if (m.status != (int32_t)NO_REPLY)
			drop_reply_caps(init_t, m.ncaps);
		got += last == VX_OK;
	}
	init_handles_peak = 0;
	look_at_init(init_t);
	say("svcfuzz: hog: holding %u pairs, then %s; init's handles: %llu of %llu in use\n", got,
	    vx_errname(last), (unsigned long long)init_handles_peak,
	    (unsigned long long)init_handles_max);
	/* Then every connection init's pool will give, never bound: init
	 * takes each back INIT_CONN_UNCLAIMED_NS after it was made. */
	uint32_t conns = 0;
	for (last = VX_OK; conns < 64 && last == VX_OK;) {
		struct vx_msg m = {.op = INIT_CONNECT, .len = 8};
		memcpy(m.data, "console", 8);
		m.status = NO_REPLY;
		last = vx_client_call(&init_t->c, &m, deadline(10));
		if (m.status != (int32_t)NO_REPLY)
			drop_reply_caps(init_t, m.ncaps);
		conns += last == VX_OK;
	}
	say("svcfuzz: hog: %u connections never bound, then %s\n", conns, vx_errname(last));
	struct fs_stat st;
	for (int i = 0; i < 1200; i++) {
		if (vx_fs_stat(&fs_t->c, "RAM:svcfuzz-go", &st, deadline(5)) == VX_OK)
			break;
		vx_sig_wait(0, (uint64_t)vx_clock() + SECOND / 10);
	}
}

/*
 * The churn: a connection to each service made and given back at once,
 * CHURN times over (INIT_CONNECT, then INIT_DISCONNECT), as the shell
 * does for a program that exits at once.  init reclaims each while the
 * server may be taking it from its port: the server must never find a
 * Ring it has just bound taken away (seen as devd's fault at 500,000
 * requests on two CPUs).  Returns how many connections were made.
 */
#define CHURN 200u
static uint32_t churn(struct target *init_t)
{
	static const char *const names[] = {"console",	"fs",	   "ns",  "rng", "rtc",	 "pkg",
					    "identity", "devices", "net", "dns", "linux"};
	uint32_t made = 0;

	for (uint32_t k = 0; k < CHURN; k++)
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			struct vx_msg m = {.op = INIT_CONNECT};
			size_t n = strlen(names[i]) + 1;
			memcpy(m.data, names[i], n);
			m.len = (uint16_t)n;
			m.status = NO_REPLY;
			int rc = vx_client_call(&init_t->c, &m, deadline(10));
			if (m.status != (int32_t)NO_REPLY)
				drop_reply_caps(init_t, m.ncaps);
			if (rc != VX_OK || m.len < 4)
				continue;
			made++;
			struct vx_msg d = {.op = INIT_DISCONNECT, .len = 4};
			memcpy(d.data, m.data, 4);
			vx_client_call(&init_t->c, &d, deadline(10));
		}
	return made;
}

static void report(const struct target *t)
{
	char line[400];
	size_t k = (size_t)vx_snprintf(line, sizeof(line), "svcfuzz: %s: %llu requests,", t->name,
				       (unsigned long long)t->calls);

	for (int i = 0; i <= NERR && k < sizeof(line); i++)
		if (t->counts[i])
			k += (size_t)vx_snprintf(line + k, sizeof(line) - k, " %s=%llu",
						 i == NERR ? "other" : vx_errname(-i),
						 (unsigned long long)t->counts[i]);
	say("%s (the last other: %d); %llu by hand; %llu unanswered in 2 s, %llu hang-ups\n", line,
	    t->other, (unsigned long long)t->raw, (unsigned long long)t->no_reply,
	    (unsigned long long)t->hangups);
}

/* The number in the word at p, in base 16 or 10, up to a space. */
static uint64_t number(const char *p, unsigned base)
{
	uint64_t v = 0;

	for (; *p && *p != ' '; p++) {
		unsigned d = *p >= '0' && *p <= '9'		    ? (unsigned)(*p - '0')
			     : base == 16 && *p >= 'a' && *p <= 'f' ? (unsigned)(*p - 'a' + 10)
								    : base;
		if (d >= base)
			break;
		v = v * base + d;
	}
	return v;
}

/* "seed HEX count N" (the manifest's tokens are words: '=' is one of its
 * own); anything missing keeps its default. */
static void parse(const char *args, uint64_t *seed, uint64_t *n)
{
	for (const char *p = args; *p; p++) {
		if (p != args && p[-1] != ' ')
			continue;
		if (strncmp(p, "seed ", 5) == 0)
			*seed = number(p + 5, 16);
		else if (strncmp(p, "count ", 6) == 0)
			*n = number(p + 6, 10);
	}
}

int main(const struct vx_bundle_page *b, const char *args)
{
	uint64_t seed = 1, n = 20000, silent = 0;
	int64_t h;

	if (vx_client_open(&con, b, "console", VA_CONSOLE, BIT_CONN) != VX_OK)
		return 3;
	vx_client_wait_up(&con, deadline(10));
	targets[0].open = true;
	parse(args, &seed, &n);
	rng_state = seed ? seed : 1;
	if ((h = vx_bundle_handle(b, "ret", VX_OBJ_RETICLE)) >= 0) {
		int64_t m = vx_reticle_retype((vx_handle_t)h, VX_OBJ_MEM, 1);
		int64_t r = vx_reticle_retype((vx_handle_t)h, VX_OBJ_RING, VX_RING_ARG(6, 2));
		mem_h = m > 0 ? (vx_handle_t)m : 0;
		ring_h = r > 0 ? (vx_handle_t)r : 0;
	}
	for (size_t i = 1; i < NTARGETS; i++) {
		struct target *t = &targets[i];
		int rc = vx_client_open(&t->c, b, t->name, VA_FIRST + i * 0x100000ull, BIT_CONN);
		t->open = rc == VX_OK && vx_client_wait_up(&t->c, deadline(30)) == VX_OK;
		if (!t->open)
			say("svcfuzz: no connection to %s (%s)\n", t->name, vx_errname(rc));
	}
	say("svcfuzz: seed %llx, %llu requests to %u services\n", (unsigned long long)seed,
	    (unsigned long long)n, (unsigned)NTARGETS);
	for (uint64_t done = 0; done < n;) {
		for (uint32_t k = 0; k < ROUND && done < n; k++, done++) {
			struct target *t = &targets[below(NTARGETS)];
			if (t->open)
				one(t);
		}
		for (size_t i = 0; i < NTARGETS; i++) {
			struct target *t = &targets[i];
			if (t->open && i == 1)
				look_at_init(t);
			if (!t->open || alive(t))
				continue;
			const struct vx_msg *l = &t->last_sent;
			say("svcfuzz: %s went silent by request %llu; its last: op %#x len %u "
			    "ncaps %u\n",
			    t->name, (unsigned long long)t->calls, l->op, l->len, l->ncaps);
			t->open = false;
			silent++;
		}
	}
	say("\n"); /* after the console's dots */
	for (size_t i = 0; i < NTARGETS; i++)
		if (targets[i].open || targets[i].calls)
			report(&targets[i]);
	say("svcfuzz: init's handles: at most %llu of %llu in use at a round's end\n",
	    (unsigned long long)init_handles_peak, (unsigned long long)init_handles_max);
	if (targets[1].open) {
		uint32_t made = churn(&targets[1]);
		uint64_t gone = 0;
		for (size_t i = 0; i < NTARGETS; i++)
			gone += targets[i].open && !alive(&targets[i]);
		say("svcfuzz: churn: %u connections made and given back; %llu services silent "
		    "after\n",
		    made, (unsigned long long)gone);
		silent += gone;
	}
	if (targets[1].open && targets[2].open)
		hog(&targets[1], &targets[2]);
	say("svcfuzz: done: %llu requests, %llu services went silent\n", (unsigned long long)n,
	    (unsigned long long)silent);
	return 0;
}
