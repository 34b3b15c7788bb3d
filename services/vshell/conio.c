/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The shell's console connection (vectra/proto/console.h): buffered output and
 * input reads, surviving a restart of uartd.
 *
 * WHY NOT vx_client_call FOR READS
 *
 * A CONSOLE_READ is answered only when input arrives, and uartd keeps one
 * waiting read per connection: a newer read replaces it, and the replaced
 * one is answered VX_E_AGAIN.  A read whose answer (with the typed bytes)
 * is already on its way when the shell's deadline passes would be dropped
 * by vx_client_call as stale, and the bytes lost.  So reads stay
 * outstanding across deadlines, and every reply that comes in is matched
 * here against the reads this side sent (reads[]): a read's answer is
 * input, whatever else the shell was waiting for at the time (a write's
 * reply, a child's exit).
 *
 * RESTARTS
 *
 * When uartd dies its ends unbind and the shell's wake bit fires: every
 * outstanding read is forgotten, the shell waits for the new instance and
 * asks again.  If the new instance is already up by the time the shell
 * looks, nothing tells it the old read died; so after each idle second it
 * sends a fresh read, which replaces the old one if uartd still had it.
 */
#include "shell.h"
#include "vectra/proto/console.h"
#include "vx_string.h"

#define READS_MAX 4u
#define STASH_MAX 512u

static struct {
	struct vx_client c;
	char out[VX_MSG_DATA];
	uint32_t out_len;
	uint8_t in[STASH_MAX]; /* input received, not yet consumed */
	uint32_t in_len;
	uint32_t reads[READS_MAX]; /* sequence numbers of reads possibly outstanding */
	uint32_t nreads;
} con;

int con_open(const struct vx_bundle_page *b)
{
	return vx_client_open(&con.c, b, "console", VA_CONSOLE, BIT_CONSOLE);
}

/* Remembers a read, forgetting the oldest when full. */
static void note_read(uint32_t seq)
{
	if (con.nreads == READS_MAX) {
		memmove(&con.reads[0], &con.reads[1], (READS_MAX - 1) * sizeof(con.reads[0]));
		con.nreads--;
	}
	con.reads[con.nreads++] = seq;
}

/* If seq was one of our reads: forgets it and returns true. */
static bool end_read(uint32_t seq)
{
	for (uint32_t i = 0; i < con.nreads; i++) {
		if (con.reads[i] == seq) {
			con.reads[i] = con.reads[--con.nreads];
			return true;
		}
	}
	return false;
}

/* Keeps the input a read's reply carries; returns whether it had any. */
static bool stash(const struct vx_msg *r)
{
	uint32_t n = r->len;

	if (r->status != VX_OK || n == 0 || n > VX_MSG_DATA)
		return false;
	if (n > STASH_MAX - con.in_len)
		n = STASH_MAX - con.in_len; /* a full stash drops the newest input */
	memcpy(con.in + con.in_len, r->data, n);
	con.in_len += n;
	return true;
}

/* Sends m with a fresh sequence number. */
static int send(struct vx_msg *m, uint64_t deadline)
{
	if (!vx_client_server_up(&con.c))
		return VX_E_AGAIN;
	m->seq = ++con.c.seq;
	return vx_ring_send_wait(&con.c.req, m, sizeof(*m), deadline);
}

/*
 * Takes replies until the one for seq (0: none) arrives (VX_OK, *out set),
 * a read brings input (VX_OK with seq 0), one of extra's bits fires
 * (*fired set, VX_OK), uartd goes away (VX_E_AGAIN, reads forgotten) or
 * the deadline passes (VX_E_TIMEOUT).
 */
static int pump(uint32_t seq, struct vx_msg *out, uint64_t extra, uint64_t *fired,
		uint64_t deadline)
{
	uint64_t wake = 1ull << BIT_CONSOLE;
	struct vx_msg r;
	size_t len;

	for (;;) {
		int rc = vx_ring_try_recv(&con.c.rep, &r, sizeof(r), &len);
		if (rc == VX_OK) {
			vx_ring_kick(&con.c.rep);
			if (seq != 0 && r.seq == seq) {
				*out = r;
				return VX_OK;
			}
			if (end_read(r.seq) && stash(&r) && seq == 0)
				return VX_OK;
			continue; /* a stale reply, or a replaced read's VX_E_AGAIN */
		}
		if (rc != VX_E_EMPTY)
			return rc;
		if (!vx_client_server_up(&con.c)) {
			con.nreads = 0;
			return VX_E_AGAIN;
		}
		vx_ring_set_waiting(&con.c.rep, true);
		int64_t bits = vx_ring_poll(&con.c.rep) != 0 ? (int64_t)wake
							     : vx_sig_wait(wake | extra, deadline);
		vx_ring_set_waiting(&con.c.rep, false);
		if (bits < 0)
			return (int)bits;
		if ((uint64_t)bits & extra) {
			*fired = (uint64_t)bits & extra;
			return VX_OK;
		}
		if (bits == 0)
			return VX_E_TIMEOUT;
	}
}

/* One request that expects its own reply (CONSOLE_WRITE). */
static int call(struct vx_msg *m, uint64_t deadline)
{
	struct vx_msg r;
	uint64_t none = 0;
	int rc = send(m, deadline);

	if (rc == VX_OK)
		rc = pump(m->seq, &r, 0, &none, deadline);
	return rc == VX_OK ? r.status : rc;
}

void con_flush(void)
{
	struct vx_msg m = {.op = CONSOLE_WRITE, .len = (uint16_t)con.out_len};

	if (con.out_len == 0)
		return;
	memcpy(m.data, con.out, con.out_len);
	con.out_len = 0;
	uint64_t deadline = (uint64_t)vx_clock() + CALL_TIMEOUT;
	/* Only a write that never left (uartd was down) is sent again: one
	 * that uartd took and then died on may have been printed, and a
	 * lost line is better than a doubled one. */
	bool was_up = vx_client_server_up(&con.c);
	if (call(&m, deadline) == VX_E_AGAIN && !was_up &&
	    vx_client_wait_up(&con.c, deadline) == VX_OK)
		call(&m, deadline);
}

void con_write(const char *s, size_t n)
{
	while (n > 0) {
		size_t k = VX_MSG_DATA - con.out_len;
		if (k > n)
			k = n;
		memcpy(con.out + con.out_len, s, k);
		con.out_len += (uint32_t)k;
		s += k;
		n -= k;
		if (con.out_len == VX_MSG_DATA)
			con_flush();
	}
}

static void out_sink(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	con_write(s, n);
}

void con_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vx_vformat(out_sink, NULL, fmt, ap);
	va_end(ap);
}

/* Makes sure a read is outstanding; false if uartd is not there. */
static bool ensure_read(uint64_t deadline)
{
	struct vx_msg m = {.op = CONSOLE_READ};

	if (con.nreads > 0)
		return true;
	if (send(&m, deadline) != VX_OK)
		return false;
	note_read(m.seq);
	return true;
}

uint64_t con_wait(uint64_t extra)
{
	con_flush();
	for (;;) {
		uint64_t now = (uint64_t)vx_clock(), fired = 0;
		int rc = ensure_read(now + 1000 * MS)
			     ? pump(0, NULL, extra, &fired, now + 1000 * MS)
			     : VX_E_AGAIN;
		if (rc == VX_OK)
			return fired;
		if (rc == VX_E_TIMEOUT) {
			struct vx_msg probe = {.op = CONSOLE_READ};
			if (send(&probe, now + 2000 * MS) == VX_OK)
				note_read(probe.seq);
		} else {
			/* uartd is restarting (or the rings broke): wait, a second at
			 * a time, so that extra's bits are still looked at. */
			con.nreads = 0;
			vx_client_wait_up(&con.c, (uint64_t)vx_clock() + 1000 * MS);
			int64_t bits = extra ? vx_sig_wait(extra, VX_DEADLINE_NONE) : 0;
			if (bits > 0)
				return (uint64_t)bits;
		}
	}
}

size_t con_read(uint8_t *buf, size_t cap)
{
	size_t n;

	while (con.in_len == 0)
		con_wait(0);
	n = con.in_len < cap ? con.in_len : cap;
	memcpy(buf, con.in, n);
	memmove(con.in, con.in + n, con.in_len - n);
	con.in_len -= (uint32_t)n;
	memset(con.in + con.in_len, 0, n); /* no stale copy of what was typed */
	return n;
}

void con_unread(const uint8_t *buf, size_t n)
{
	if (n > STASH_MAX - con.in_len)
		n = STASH_MAX - con.in_len; /* as stash: the newest input goes */
	memmove(con.in + n, con.in, con.in_len);
	memcpy(con.in, buf, n);
	con.in_len += (uint32_t)n;
}

size_t con_poll(uint8_t *buf, size_t cap)
{
	uint64_t fired = 0, now = (uint64_t)vx_clock();
	size_t n;

	con_flush();
	if (ensure_read(now + 1000 * MS))
		pump(0, NULL, 0, &fired, now); /* a deadline already passed: no waiting */
	n = con.in_len < cap ? con.in_len : cap;
	memcpy(buf, con.in, n);
	memmove(con.in, con.in + n, con.in_len - n);
	con.in_len -= (uint32_t)n;
	memset(con.in + con.in_len, 0, n);
	return n;
}

bool con_interrupted(void)
{
	uint64_t fired = 0, now = (uint64_t)vx_clock();

	con_flush();
	if (ensure_read(now + 1000 * MS))
		pump(0, NULL, 0, &fired, now);
	return con_take_interrupt();
}

bool con_take_interrupt(void)
{
	for (uint32_t i = 0; i < con.in_len; i++) {
		if (con.in[i] == 0x03) {
			memmove(con.in, con.in + i + 1, con.in_len - i - 1);
			con.in_len -= i + 1;
			return true;
		}
	}
	return false;
}
