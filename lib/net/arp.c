/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP (RFC 826) for IPv4 over Ethernet: the cache, the requests and the
 * datagrams that wait for them.
 *
 * The cache is VX_ARP_ENTRIES entries, each FREE, INCOMPLETE or COMPLETE.
 *
 *   - Output to a next hop with no entry makes an INCOMPLETE one, parks the
 *     datagram in the hold pool and broadcasts a request.  A request goes
 *     out every VX_ARP_RETRY_NS, VX_ARP_TRIES in all; one retry period
 *     after the last, the entry is freed and each datagram that waited is
 *     failed with a local ICMP host-unreachable (icmp_local_error), so
 *     the socket, TCP or ping that sent it learns why.
 *   - The hold pool is VX_ARP_HOLD_SLOTS datagrams shared by all entries,
 *     at most VX_ARP_HOLD_PER_ENTRY per entry.  When either bound is hit
 *     the oldest waiting datagram (of that entry, else of any) is dropped.
 *   - A reply or request whose sender is in the cache refreshes the entry
 *     (RFC 826's merge, which also makes gratuitous ARP work) and sends
 *     what waited.  A new entry is made only for a host that asks for us
 *     or that we asked for: a flood of ARP about other addresses creates
 *     nothing, and one that asks for us with random sender addresses only
 *     recycles COMPLETE entries (the least recently refreshed goes).
 *     INCOMPLETE entries are never evicted: their datagrams stay theirs.
 *   - A COMPLETE entry expires VX_ARP_TTL_NS after it was last confirmed;
 *     the next output to it asks again.  An entry in use is asked again
 *     before that: output to it in its last VX_ARP_REFRESH_NS sends a
 *     request to its own MAC (RFC 1122 2.3.2.1), up to VX_ARP_TRIES a
 *     VX_ARP_RETRY_NS apart, so a busy connection never stalls on a fresh
 *     broadcast round trip, nor loses what would queue meanwhile.
 *   - We answer requests for our own address only, and never cache a
 *     claim to our own address (counted as a conflict).
 */
#include "net/netpriv.h"
#include "vx_string.h"

enum { ARP_FREE, ARP_INCOMPLETE, ARP_COMPLETE };

#define ARP_LEN	    28
#define ARP_REQUEST 1
#define ARP_REPLY   2

#define HOLD_FAILING (-2) /* a hold slot being reported, neither free nor owned */

static const uint8_t bcast_mac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* Build an ARP packet in txbuf and send it. */
static void arp_send(struct vx_net *net, uint16_t op, const uint8_t tha[6], const uint8_t tpa[4],
		     const uint8_t dst_mac[6])
{
	uint8_t *p = net_frame(net) + VX_ETH_HDR;

	put16(p, 1);
	put16(p + 2, ETH_TYPE_IP4);
	p[4] = 6;
	p[5] = 4;
	put16(p + 6, op);
	memcpy(p + 8, net->mac, 6);
	memcpy(p + 14, net->ip, 4);
	memcpy(p + 18, tha, 6);
	memcpy(p + 24, tpa, 4);
	if (op == ARP_REQUEST)
		NETC(net, ARP_REQUESTS_OUT);
	net_tx(net, dst_mac, ETH_TYPE_ARP, ARP_LEN);
}

static void arp_request(struct vx_net *net, const uint8_t ip[4])
{
	static const uint8_t zero[6];

	arp_send(net, ARP_REQUEST, zero, ip, bcast_mac);
}

static int arp_find(const struct vx_net *net, const uint8_t ip[4])
{
	for (int i = 0; i < VX_ARP_ENTRIES; i++)
		if (net->arp[i].state != ARP_FREE && ip_eq(net->arp[i].ip, ip))
			return i;
	return -1;
}

/* A free entry, or the least recently confirmed COMPLETE one (evicted);
 * -1 when every entry is INCOMPLETE. */
static int arp_alloc(struct vx_net *net)
{
	int victim = -1;

	for (int i = 0; i < VX_ARP_ENTRIES; i++) {
		struct vx_arp_entry *e = &net->arp[i];

		if (e->state == ARP_FREE)
			return i;
		if (e->state == ARP_COMPLETE && (victim < 0 || e->used < net->arp[victim].used))
			victim = i;
	}
	if (victim >= 0)
		NETC(net, ARP_EVICTED);
	return victim;
}

static void hold_free(struct vx_net *net, int slot)
{
	struct vx_arp_hold *h = &net->hold[slot];

	net->arp[h->entry].nheld--;
	h->entry = -1;
}

/* The oldest held slot of entry e (any entry if e < 0), or -1. */
static int hold_oldest(const struct vx_net *net, int e)
{
	int best = -1;

	for (int i = 0; i < VX_ARP_HOLD_SLOTS; i++) {
		const struct vx_arp_hold *h = &net->hold[i];

		if (h->entry < 0 || (e >= 0 && h->entry != e))
			continue;
		if (best < 0 || h->seq - net->hold[best].seq > 0x80000000u)
			best = i;
	}
	return best;
}

/* Park a datagram on INCOMPLETE entry e, dropping the oldest if full. */
static void hold_add(struct vx_net *net, int e, const uint8_t *dgram, size_t len)
{
	int slot = -1;

	if (net->arp[e].nheld >= VX_ARP_HOLD_PER_ENTRY) {
		slot = hold_oldest(net, e);
		hold_free(net, slot);
		NETC(net, ARP_HOLD_DROPPED);
	} else {
		for (int i = 0; i < VX_ARP_HOLD_SLOTS && slot < 0; i++)
			if (net->hold[i].entry == -1)
				slot = i;
		if (slot < 0)
			slot = hold_oldest(net, -1);
		if (slot < 0) { /* every slot is being reported by arp_fail */
			NETC(net, ARP_HOLD_DROPPED);
			return;
		}
		if (net->hold[slot].entry >= 0) {
			hold_free(net, slot);
			NETC(net, ARP_HOLD_DROPPED);
		}
	}
	struct vx_arp_hold *h = &net->hold[slot];

	memcpy(h->dgram, dgram, len);
	h->len = (uint16_t)len;
	h->entry = (int8_t)e;
	h->seq = net->hold_seq++;
	net->arp[e].nheld++;
}

/* Entry e just became COMPLETE: send what waited on it, oldest first. */
static void hold_release(struct vx_net *net, int e)
{
	int slot;

	while ((slot = hold_oldest(net, e)) >= 0) {
		struct vx_arp_hold *h = &net->hold[slot];

		memcpy(net_frame(net) + VX_ETH_HDR, h->dgram, h->len);
		hold_free(net, slot);
		net_tx(net, net->arp[e].mac, ETH_TYPE_IP4, h->len);
	}
}

static void arp_complete(struct vx_net *net, int e, const uint8_t mac[6], uint64_t now)
{
	struct vx_arp_entry *a = &net->arp[e];

	memcpy(a->mac, mac, 6);
	a->state = ARP_COMPLETE;
	a->tries = 0; /* (a COMPLETE entry's: refresh requests sent) */
	a->deadline = now + VX_ARP_TTL_NS;
	a->used = now;
	hold_release(net, e);
}

/* An ARP packet's fields are sane for Ethernet and IPv4. */
static bool arp_format_ok(const uint8_t *p)
{
	uint16_t op = get16(p + 6);

	return get16(p) == 1 && get16(p + 2) == ETH_TYPE_IP4 && p[4] == 6 && p[5] == 4 &&
	       (op == ARP_REQUEST || op == ARP_REPLY);
}

void arp_input(struct vx_net *net, const uint8_t *p, size_t len, uint64_t now)
{
	NETC(net, ARP_IN);
	if (len < ARP_LEN) {
		NETC(net, ARP_TRUNCATED);
		return;
	}
	if (!arp_format_ok(p)) {
		NETC(net, ARP_BAD_FORMAT);
		return;
	}
	const uint8_t *sha = p + 8, *spa = p + 14, *tpa = p + 24;
	uint16_t op = get16(p + 6);
	uint32_t s = get32(spa);

	if ((sha[0] & 1) || (s && !ip_host_ok(s)) ||
	    (net_configured(net) && net_is_bcast(net, spa))) {
		NETC(net, ARP_BAD_SENDER);
		return;
	}
	if (net_configured(net) && ip_eq(spa, net->ip)) {
		NETC(net, ARP_CONFLICT);
		return;
	}
	bool for_us = net_configured(net) && ip_eq(tpa, net->ip);
	bool merged = false;
	int e = s ? arp_find(net, spa) : -1;

	if (e >= 0) {
		arp_complete(net, e, sha, now);
		merged = true;
	} else if (for_us && s) {
		e = arp_alloc(net);
		if (e >= 0) {
			memcpy(net->arp[e].ip, spa, 4);
			net->arp[e].nheld = 0;
			arp_complete(net, e, sha, now);
		}
	}
	if (for_us && op == ARP_REQUEST) {
		NETC(net, ARP_REQUESTS_IN);
		arp_send(net, ARP_REPLY, sha, spa, sha);
	} else if (s && ip_eq(spa, tpa)) {
		NETC(net, ARP_GRATUITOUS);
	} else if (merged || (for_us && s)) {
		NETC(net, ARP_REPLIES_IN);
	} else {
		NETC(net, ARP_IGNORED);
	}
}

/* A COMPLETE entry just used, near its end: ask its owner again. */
static void arp_refresh(struct vx_net *net, int e, uint64_t now)
{
	struct vx_arp_entry *a = &net->arp[e];

	if (a->tries >= VX_ARP_TRIES ||
	    now + VX_ARP_REFRESH_NS < a->deadline + (uint64_t)a->tries * VX_ARP_RETRY_NS)
		return;
	a->tries++;
	arp_send(net, ARP_REQUEST, a->mac, a->ip, a->mac);
}

int arp_output(struct vx_net *net, const uint8_t nexthop[4], const uint8_t *dgram, size_t len,
	       uint64_t now)
{
	int e = arp_find(net, nexthop);

	if (e >= 0 && net->arp[e].state == ARP_COMPLETE && now < net->arp[e].deadline) {
		if (dgram != net->txbuf + VX_ETH_HDR) /* a frame of its own, begun */
			memcpy(net_frame(net) + VX_ETH_HDR, dgram, len);
		int rc = net_tx(net, net->arp[e].mac, ETH_TYPE_IP4, len);
		arp_refresh(net, e, now); /* (after: the request reuses txbuf) */
		return rc;
	}
	if (e < 0) {
		e = arp_alloc(net);
		if (e < 0) {
			NETC(net, ARP_TABLE_FULL);
			return VX_E_FULL;
		}
		memcpy(net->arp[e].ip, nexthop, 4);
		net->arp[e].nheld = 0;
	}
	struct vx_arp_entry *a = &net->arp[e];
	bool ask = a->state != ARP_INCOMPLETE;

	if (ask) {
		a->state = ARP_INCOMPLETE;
		a->tries = 0;
		a->used = now;
	}
	hold_add(net, e, dgram, len); /* before the request reuses txbuf */
	if (ask) {
		a->tries = 1;
		a->deadline = now + VX_ARP_RETRY_NS;
		arp_request(net, nexthop);
	}
	return VX_OK;
}

/* Entry e got no reply after VX_ARP_TRIES requests.  The entry is freed
 * and its datagrams set aside (entry HOLD_FAILING) before any is reported,
 * because the report reaches callbacks that may send again, even to the
 * same host: that makes a new entry and new holds, never these. */
static void arp_fail(struct vx_net *net, int e, uint64_t now)
{
	int order[VX_ARP_HOLD_PER_ENTRY], n = 0, slot;

	while ((slot = hold_oldest(net, e)) >= 0) {
		hold_free(net, slot);
		net->hold[slot].entry = HOLD_FAILING;
		order[n++] = slot;
	}
	net->arp[e].state = ARP_FREE;
	for (int i = 0; i < n; i++) {
		struct vx_arp_hold *h = &net->hold[order[i]];

		NETC(net, ARP_UNRESOLVED);
		icmp_local_error(net, h->dgram, h->len, 3, 1, now);
		h->entry = -1;
	}
}

uint64_t arp_tick(struct vx_net *net, uint64_t now)
{
	uint64_t next = UINT64_MAX;

	for (int i = 0; i < VX_ARP_ENTRIES; i++) {
		struct vx_arp_entry *a = &net->arp[i];

		if (a->state == ARP_FREE)
			continue;
		if (now >= a->deadline) {
			if (a->state == ARP_COMPLETE) {
				a->state = ARP_FREE;
				continue;
			}
			if (a->tries >= VX_ARP_TRIES) {
				arp_fail(net, i, now);
				continue;
			}
			a->tries++;
			a->deadline = now + VX_ARP_RETRY_NS;
			arp_request(net, a->ip);
		}
		if (a->deadline < next)
			next = a->deadline;
	}
	return next;
}

/* Forget every entry and waiting datagram (the address changed).  Slots
 * that arp_fail is reporting stay its own to free. */
void arp_flush(struct vx_net *net)
{
	for (int i = 0; i < VX_ARP_HOLD_SLOTS; i++) {
		if (net->hold[i].entry >= 0) {
			NETC(net, ARP_HOLD_DROPPED);
			net->hold[i].entry = -1;
		}
	}
	for (int i = 0; i < VX_ARP_ENTRIES; i++)
		net->arp[i].state = ARP_FREE;
}
