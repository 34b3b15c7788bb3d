/* SPDX-License-Identifier: BSD-3-Clause */
/* Client of the frame protocol: see netif.h. */
#include "client/netif.h"
#include "client/devices.h"
#include "rt/vx.h"
#include "vx_string.h"

/* A status no reply carries: still there after a call, no reply came. */
#define NO_REPLY INT32_MIN
/* How long vx_netif_flush may wait for room in the req Ring: it has room
 * by the window's arithmetic (netif.h), so this is a bound, not a wait. */
#define FLUSH_NS 100000000ull

static void unbind(struct vx_netif *n)
{
	if (!n->bound)
		return;
	vx_dev_close(&n->c);
	n->bound = false;
}

void vx_netif_close(struct vx_netif *n)
{
	unbind(n);
}

/* NETIF_INFO on the connection as it is. */
static int info(struct vx_netif *n, uint64_t deadline)
{
	struct vx_msg m = {.op = NETIF_INFO};
	int rc = vx_client_call(&n->c, &m, deadline);

	if (rc == VX_OK && m.len != sizeof(n->info))
		rc = VX_E_CORRUPT;
	if (rc == VX_OK)
		memcpy(&n->info, m.data, sizeof(n->info));
	return rc;
}

/* Room for one more frame in flight: within the window and the buffers. */
static bool tx_room(const struct vx_netif *n)
{
	return n->tx_inflight < n->tx_count && n->tx_inflight < VX_NETIF_TX_WINDOW;
}

/* The driver's answer to a NETIF_TXV that tx_send posted (the
 * connection's other(): a call or a take may meet it first): every buffer
 * the message carried is answered at once. */
static bool tx_answer(void *ctx, const struct vx_msg *m)
{
	struct vx_netif *n = ctx;
	struct netif_txdone d;

	if (m->op != NETIF_TXV || m->len != sizeof(d))
		return false;
	memcpy(&d, m->data, sizeof(d));
	uint32_t f = d.buf;
	if (f >= n->tx_count || !n->tx_busy[f] || n->tx_unsent[f] || n->tx_seq[f] != m->seq)
		return false; /* not one in flight on this connection: stale */
	for (uint32_t b = 0; b < n->tx_count; b++) {
		if (!n->tx_busy[b] || n->tx_unsent[b] || n->tx_seq[b] != m->seq)
			continue;
		if (m->status == VX_E_AGAIN) {
			/* the device's queue was full: again later, answered
			 * promptly (rare) */
			n->tx_unsent[b] = true;
			n->tx_req[b].flags &= (uint16_t)~NETIF_TX_LAZY;
			n->tx_resend = true;
			continue;
		}
		if (m->status != VX_OK)
			n->tx_errors++;
		n->tx_busy[b] = false;
		n->tx_inflight--;
	}
	return true;
}

/* Posts one NETIF_TXV of the count (1..NETIF_TX_BATCH) buffers in buf[]
 * on this connection. */
static int tx_send(struct vx_netif *n, const uint16_t *buf, uint32_t count, uint64_t deadline)
{
	struct netif_txv v = {.count = (uint16_t)count};
	struct vx_msg m = {.op = NETIF_TXV, .len = (uint16_t)(4 + sizeof(v.tx[0]) * count)};

	for (uint32_t i = 0; i < count; i++)
		v.tx[i] = n->tx_req[buf[i]];
	memcpy(m.data, &v, m.len);
	int rc = vx_client_post(&n->c, &m, deadline);
	if (rc != VX_OK)
		return rc;
	for (uint32_t i = 0; i < count; i++) {
		n->tx_seq[buf[i]] = m.seq;
		n->tx_unsent[buf[i]] = false;
	}
	n->unflushed = true;
	return VX_OK;
}

/* Posts every frame in flight that this connection has not taken, in the
 * order they were posted, NETIF_TX_BATCH to a message. */
static int tx_send_unsent(struct vx_netif *n, uint64_t deadline)
{
	uint16_t order[NETIF_TX_MAX];
	uint32_t k = 0;

	n->tx_resend = false;
	for (uint32_t b = 0; b < n->tx_count; b++) {
		if (!n->tx_busy[b] || !n->tx_unsent[b])
			continue;
		uint32_t i = k++; /* insertion by frame number: a handful */
		for (; i > 0 && n->tx_no[order[i - 1]] > n->tx_no[b]; i--)
			order[i] = order[i - 1];
		order[i] = (uint16_t)b;
	}
	for (uint32_t at = 0; at < k; at += NETIF_TX_BATCH) {
		uint32_t count = k - at < NETIF_TX_BATCH ? k - at : NETIF_TX_BATCH;
		int rc = tx_send(n, order + at, count, deadline);
		if (rc != VX_OK) {
			n->tx_resend = true;
			return rc;
		}
	}
	return VX_OK;
}

/* A new connection, made the holder with the pools and the RX buffers the
 * caller still holds; then the frames in flight on the old one go again. */
static int reconnect(struct vx_netif *n, uint64_t deadline)
{
	struct netif_pools p = {.rx_count = n->rx_count, .tx_count = n->tx_count};
	struct vx_msg m = {.op = NETIF_POOLS, .len = sizeof(p), .ncaps = 2};
	int rc;

	unbind(n);
	n->posted = false; /* a NETIF_RECV left waiting died with the connection */
	n->nback_sent = 0; /* and the buffers it gave back: not held, say the pools */
	if ((rc = vx_dev_open_wait(n->devd, &n->open, &n->opened, &n->c, n->va, n->bit,
				   deadline)) != VX_OK)
		return rc;
	n->bound = true;
	n->c.other = tx_answer;
	n->c.other_ctx = n;
	/* The pools go on the transfer queue before the message: a call that
	 * found the driver not yet serving (VX_E_AGAIN, nothing sent) would
	 * leave them there, out of step, so wait for it first. */
	if ((rc = vx_client_wait_up(&n->c, deadline)) != VX_OK)
		return rc;
	for (uint32_t i = 0; i < n->rx_count; i++)
		if (n->held[i])
			p.held[i / 8] |= (uint8_t)(1u << (i % 8));
	memcpy(m.data, &p, sizeof(p));
	int64_t s = vx_ring_send_cap(n->c.req_h, n->rx_mem, VX_R_WRITE);
	if (s >= 0)
		s = vx_ring_send_cap(n->c.req_h, n->tx_mem, VX_R_READ);
	if (s < 0)
		return (int)s;
	if ((rc = vx_client_call(&n->c, &m, deadline)) != VX_OK)
		return rc;
	if ((rc = info(n, deadline)) != VX_OK)
		return rc;
	for (uint32_t b = 0; b < n->tx_count; b++) {
		n->tx_unsent[b] = n->tx_busy[b];
		n->tx_req[b].flags &= (uint16_t)~NETIF_TX_LAZY; /* rare: answer promptly */
	}
	(void)tx_send_unsent(n, deadline); /* what fails goes at the next reap */
	return VX_OK;
}

/* A new connection when the driver's life ended (or none was made). */
static int renew(struct vx_netif *n, uint64_t deadline)
{
	bool again = n->bound;
	int rc = reconnect(n, deadline);

	if (rc == VX_OK && again)
		n->reopens++;
	return rc;
}

/* One request; when no reply comes because the connection died with its
 * driver's life (or was never made), once more on a new connection.  The
 * reply replaces *m. */
static int call(struct vx_netif *n, struct vx_msg *m, uint64_t deadline)
{
	struct vx_msg req = *m;
	int rc = VX_E_STATE;

	req.status = NO_REPLY;
	for (int attempt = 0; attempt < 8; attempt++) {
		if (attempt > 0 || !n->bound) {
			rc = reconnect(n, deadline);
			if (rc == VX_E_TIMEOUT || rc == VX_E_NOTFOUND || rc == VX_E_BUSY ||
			    rc == VX_E_HANGUP || /* devd is not running */
			    rc == VX_E_RIGHTS || rc == VX_E_TYPE || rc == VX_E_RANGE ||
			    rc == VX_E_TOOBIG || rc == VX_E_INVAL)
				return rc; /* for good: no new connection will change it */
			if (rc != VX_OK)
				continue;
			if (attempt > 0)
				n->reopens++;
		}
		*m = req;
		rc = vx_client_call(&n->c, m, deadline);
		if (m->status != NO_REPLY || rc == VX_E_TIMEOUT)
			return rc;
	}
	return rc;
}

int vx_netif_open(struct vx_netif *n, struct vx_client *devd, uint32_t unit, vx_handle_t rx_mem,
		  uint32_t rx_count, vx_handle_t tx_mem, uint32_t tx_count, uint64_t va,
		  uint32_t bit, uint64_t deadline)
{
	int rc;

	memset(n, 0, sizeof(*n));
	n->devd = devd;
	vx_snprintf(n->open.service, sizeof(n->open.service), "netif");
	n->open.unit = unit;
	n->rx_mem = rx_mem;
	n->tx_mem = tx_mem;
	n->rx_count = rx_count;
	n->tx_count = tx_count;
	n->va = va;
	n->bit = bit;
	if ((rc = reconnect(n, deadline)) != VX_OK)
		unbind(n);
	return rc;
}

int vx_netif_info(struct vx_netif *n, uint64_t deadline)
{
	struct vx_msg m = {.op = NETIF_INFO};
	int rc = call(n, &m, deadline);

	if (rc == VX_OK && m.len != sizeof(n->info))
		rc = VX_E_CORRUPT;
	if (rc == VX_OK)
		memcpy(&n->info, m.data, sizeof(n->info));
	return rc;
}

/* A NETIF_RECV reply into *out; the buffers it names become the caller's. */
static int frames_of(struct vx_netif *n, const struct vx_msg *m, struct netif_frames *out)
{
	if (m->len != sizeof(*out))
		return VX_E_CORRUPT;
	memcpy(out, m->data, sizeof(*out));
	if (out->count > NETIF_RX_BATCH)
		return VX_E_CORRUPT;
	for (uint32_t i = 0; i < out->count; i++) {
		if (out->rx[i].buf >= n->rx_count || n->held[out->rx[i].buf])
			return VX_E_CORRUPT;
		n->held[out->rx[i].buf] = true;
	}
	return VX_OK;
}

int vx_netif_recv(struct vx_netif *n, struct netif_frames *out, uint32_t wait_ms, uint64_t deadline)
{
	struct netif_recv r = {.wait_ms = wait_ms};
	struct vx_msg m = {.op = NETIF_RECV, .len = sizeof(r)};
	int rc;

	if (n->posted)
		return VX_E_BUSY;
	memcpy(m.data, &r, sizeof(r));
	if ((rc = call(n, &m, deadline)) != VX_OK)
		return rc;
	return frames_of(n, &m, out);
}

int vx_netif_give_back(struct vx_netif *n, const uint16_t *buf, uint32_t count)
{
	for (uint32_t i = 0; i < count; i++) {
		uint16_t b = buf[i];
		if (b >= n->rx_count || !n->held[b] || n->queued[b]) {
			while (i-- > 0) /* all or nothing */
				n->queued[buf[i]] = false;
			return VX_E_STATE;
		}
		n->queued[b] = true;
	}
	for (uint32_t i = 0; i < count; i++)
		n->back[n->nback++] = buf[i];
	return VX_OK;
}

int vx_netif_recv_post(struct vx_netif *n, uint32_t wait_ms, uint64_t deadline)
{
	struct netif_recv r = {.wait_ms = wait_ms};
	struct vx_msg m = {.op = NETIF_RECV};
	int rc;

	if (n->posted)
		return VX_E_BUSY;
	if ((!n->bound || !vx_client_server_up(&n->c)) && (rc = renew(n, deadline)) != VX_OK)
		return rc;
	/* The buffers given back ride along, as many as the message holds. */
	r.count = (uint16_t)(n->nback < NETIF_RETURN_MAX ? n->nback : NETIF_RETURN_MAX);
	memcpy(m.data, &r, sizeof(r));
	memcpy(m.data + sizeof(r), n->back, r.count * sizeof(n->back[0]));
	m.len = (uint16_t)(sizeof(r) + r.count * sizeof(n->back[0]));
	if ((rc = vx_client_send(&n->c, &m, deadline)) != VX_OK)
		return rc;
	n->posted = true;
	/* The driver's from here: were its life to end before it answers,
	 * the next connection's NETIF_POOLS names them as not held. */
	for (uint32_t i = 0; i < r.count; i++) {
		n->held[n->back[i]] = n->queued[n->back[i]] = false;
		n->back_sent[i] = n->back[i];
	}
	n->nback_sent = r.count;
	n->nback -= r.count;
	memmove(n->back, n->back + r.count, n->nback * sizeof(n->back[0]));
	return VX_OK;
}

bool vx_netif_recv_arm(struct vx_netif *n, bool on)
{
	if (!n->bound)
		return false;
	vx_ring_set_waiting(&n->c.rep, on);
	return on && (n->c.kept || vx_ring_poll(&n->c.rep) != 0 || !vx_client_server_up(&n->c));
}

int vx_netif_recv_take(struct vx_netif *n, struct netif_frames *out)
{
	struct vx_msg m;

	if (!n->posted)
		return VX_E_STATE;
	int rc = vx_client_take(&n->c, &m);
	if (rc == VX_E_EMPTY)
		return rc;
	n->posted = false;
	uint32_t sent = n->nback_sent;
	n->nback_sent = 0;
	if (rc != VX_OK)
		return rc; /* the connection died: the next one's NETIF_POOLS settles them */
	if (m.status != VX_OK) {
		/* Refused whole: the buffers it gave back are still ours. */
		for (uint32_t i = 0; i < sent; i++)
			n->held[n->back_sent[i]] = true;
		(void)vx_netif_give_back(n, n->back_sent, sent);
		return m.status;
	}
	return frames_of(n, &m, out);
}

int vx_netif_return(struct vx_netif *n, const uint16_t *buf, uint32_t count, uint64_t deadline)
{
	struct netif_return r = {.count = (uint16_t)count};
	struct vx_msg m = {.op = NETIF_RETURN};
	int rc;

	if (count == 0 || count > NETIF_RETURN_MAX)
		return VX_E_INVAL;
	memcpy(r.buf, buf, count * sizeof(buf[0]));
	m.len = (uint16_t)(4 + 2 * count);
	memcpy(m.data, &r, m.len);
	if ((rc = call(n, &m, deadline)) != VX_OK)
		return rc;
	for (uint32_t i = 0; i < count; i++)
		n->held[buf[i]] = false;
	return VX_OK;
}

int vx_netif_tx(struct vx_netif *n, const struct netif_tx *t, uint64_t deadline)
{
	struct vx_msg m = {.op = NETIF_TX, .len = sizeof(*t)};
	struct netif_txdone d;
	int rc;

	memcpy(m.data, t, sizeof(*t));
	rc = call(n, &m, deadline);
	if (m.len != sizeof(d))
		return rc != VX_OK ? rc : VX_E_CORRUPT;
	memcpy(&d, m.data, sizeof(d));
	if (rc == VX_OK && (d.buf != t->buf || d.status != VX_OK))
		return VX_E_CORRUPT;
	return rc;
}

int vx_netif_tx_reap(struct vx_netif *n, uint64_t deadline)
{
	if (!n->bound)
		return VX_E_STATE;
	int rc = vx_client_pump(&n->c);
	if (rc < 0)
		return rc;
	if (n->tx_resend)
		(void)tx_send_unsent(n, deadline);
	return (int)n->tx_inflight;
}

int vx_netif_tx_buf(struct vx_netif *n, uint64_t deadline)
{
	if (n->tx_count == 0)
		return VX_E_STATE;
	for (;;) {
		if (tx_room(n)) {
			for (uint32_t i = 0; i < n->tx_count; i++) {
				uint32_t b = (n->tx_next + i) % n->tx_count;
				if (!n->tx_busy[b]) {
					n->tx_next = (b + 1) % n->tx_count;
					return (int)b;
				}
			}
		}
		/* Every one in flight: wait for an answer, on a new connection
		 * if the driver's life ended (which sends them all again). */
		int rc = VX_OK;
		if (!n->bound || !vx_client_server_up(&n->c))
			rc = renew(n, deadline);
		else if (n->tx_resend) /* what the caller posted goes first */
			rc = tx_send_unsent(n, deadline);
		if (rc == VX_OK && n->bound &&
		    (rc = vx_client_wait_reply(&n->c, deadline)) == VX_OK)
			rc = vx_netif_tx_reap(n, deadline);
		if (rc == VX_E_TIMEOUT || (uint64_t)vx_clock() >= deadline)
			return VX_E_TIMEOUT;
		if (rc < 0 && rc != VX_E_AGAIN && rc != VX_E_STATE)
			return rc;
	}
}

int vx_netif_tx_post(struct vx_netif *n, const struct netif_tx *t, uint64_t deadline)
{
	uint32_t b = t->buf;

	if (b >= n->tx_count)
		return VX_E_RANGE;
	if (n->tx_busy[b])
		return VX_E_BUSY;
	if (!tx_room(n))
		return VX_E_FULL;
	n->tx_req[b] = *t;
	/* Every frame but the one that fills the window may be answered
	 * lazily: the one vx_netif_tx_buf may have to wait for is not. */
	n->tx_inflight++;
	if (tx_room(n) && !n->tx_prompt)
		n->tx_req[b].flags |= NETIF_TX_LAZY;
	n->tx_busy[b] = true;
	n->tx_no[b] = ++n->tx_posted;
	n->tx_unsent[b] = true;
	/* In flight from now on: it goes with the others posted before the
	 * next flush, one NETIF_TXV for them all (or on the next connection,
	 * or at the next reap if sending fails). */
	n->tx_resend = true;
	if (!n->bound || !vx_client_server_up(&n->c))
		(void)renew(n, deadline);
	return VX_OK;
}

bool vx_netif_tx_gone(const struct vx_netif *n, uint64_t upto)
{
	for (uint32_t b = 0; b < n->tx_count; b++)
		if (n->tx_busy[b] && n->tx_no[b] <= upto)
			return false;
	return true;
}

void vx_netif_poke(struct vx_netif *n)
{
	n->unflushed = true;
}

void vx_netif_flush(struct vx_netif *n)
{
	if (n->tx_resend && n->bound && vx_client_server_up(&n->c))
		(void)tx_send_unsent(n, (uint64_t)vx_clock() + FLUSH_NS);
	/* Only for news: a driver woken for nothing costs two switches. */
	if (n->bound && n->unflushed)
		vx_client_flush(&n->c);
	n->unflushed = false;
}
