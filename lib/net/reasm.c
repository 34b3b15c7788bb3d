/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 fragment reassembly (RFC 791 section 3.2, RFC 815's idea of
 * tracking what is missing, RFC 5722's rule on overlaps).
 *
 * A datagram in reassembly is named by (source, destination, protocol,
 * ID) and owns one of VX_REASM_SLOTS slots.  The slot holds the payload at
 * its final offsets and a bitmap with one bit per 8-byte unit received.
 * Fragment data start at multiples of 8 and, except in the last fragment,
 * are multiples of 8 long, so a unit is either wholly received or not.
 *
 *   - A fragment that reaches a unit already received overlaps: the whole
 *     datagram is dropped (RFC 5722; overlap is how fragment attacks
 *     rewrite headers, and an honest sender never overlaps, but neither
 *     does it send the same fragment twice, so exact duplicates are
 *     dropped the same way).
 *   - The last fragment (MF clear) fixes the payload's length.  A second
 *     last fragment with another length, or any data past it, drops the
 *     datagram.  Nothing may end past VX_IP_MAX_PAYLOAD.
 *   - When the bytes received equal the length, every unit is present
 *     (no overlaps), and the datagram is delivered from the slot.
 *   - Memory is bounded by the slots; attackers are bounded by
 *     VX_REASM_BYTES held in all slots and by VX_REASM_TIMEOUT_NS from a
 *     datagram's first fragment.  A new datagram with no free slot, or a
 *     fragment that would pass VX_REASM_BYTES, evicts the oldest other
 *     datagram, so a flood of partial datagrams cannot lock out new ones
 *     for longer than it keeps flooding.
 *   - A datagram that times out after its first fragment came is answered
 *     with ICMP time exceeded, code 1 (RFC 792), under ICMP's rules.
 */
#include "net/netpriv.h"
#include "vx_string.h"

static void slot_free(struct vx_net *net, struct vx_reasm *r)
{
	net->reasm_bytes -= r->have;
	r->used = false;
}

static struct vx_reasm *slot_find(struct vx_net *net, const uint8_t *p)
{
	for (int i = 0; i < VX_REASM_SLOTS; i++) {
		struct vx_reasm *r = &net->reasm[i];

		if (r->used && get16(p + 4) == r->id && p[9] == r->proto && ip_eq(p + 12, r->src) &&
		    ip_eq(p + 16, r->dst))
			return r;
	}
	return NULL;
}

/* The slot that has waited longest, other than keep; NULL if none. */
static struct vx_reasm *slot_oldest(struct vx_net *net, const struct vx_reasm *keep)
{
	struct vx_reasm *best = NULL;

	for (int i = 0; i < VX_REASM_SLOTS; i++) {
		struct vx_reasm *r = &net->reasm[i];

		if (r->used && r != keep && (!best || r->expires < best->expires))
			best = r;
	}
	return best;
}

static struct vx_reasm *slot_new(struct vx_net *net, const uint8_t *p, uint64_t now)
{
	struct vx_reasm *r = NULL;

	for (int i = 0; i < VX_REASM_SLOTS && !r; i++)
		if (!net->reasm[i].used)
			r = &net->reasm[i];
	if (!r) {
		r = slot_oldest(net, NULL);
		slot_free(net, r);
		NETC(net, FRAG_NO_SLOT);
	}
	r->used = true;
	memcpy(r->src, p + 12, 4);
	memcpy(r->dst, p + 16, 4);
	r->proto = p[9];
	r->id = get16(p + 4);
	r->total = r->have = r->end = 0;
	r->hlen = 0;
	r->bcast = false;
	r->expires = now + VX_REASM_TIMEOUT_NS;
	memset(r->map, 0, sizeof(r->map));
	return r;
}

/* Are any of units [a, b) received?  Then mark them all. */
static bool units_take(struct vx_reasm *r, uint32_t a, uint32_t b)
{
	for (uint32_t u = a; u < b; u++)
		if (r->map[u / 8] & (1u << (u % 8)))
			return true;
	for (uint32_t u = a; u < b; u++)
		r->map[u / 8] |= (uint8_t)(1u << (u % 8));
	return false;
}

static void deliver(struct vx_net *net, struct vx_reasm *r, uint64_t now)
{
	struct ip4_rx rx = {
	    .hdr = r->hdr,
	    .hlen = r->hlen,
	    .proto = r->proto,
	    .bcast = r->bcast,
	    .frag = true,
	    .data = r->data,
	    .len = r->total,
	};

	memcpy(rx.src, r->src, 4);
	memcpy(rx.dst, r->dst, 4);
	NETC(net, FRAG_REASSEMBLED);
	slot_free(net, r); /* the data stay put until the next fragment */
	ip4_deliver(net, &rx, now);
}

void reasm_input(struct vx_net *net, const uint8_t *p, size_t hlen, size_t tlen, bool link_bcast,
		 uint64_t now)
{
	uint32_t off = (uint32_t)(get16(p + 6) & 0x1fff) * 8;
	uint32_t dlen = (uint32_t)(tlen - hlen), end = off + dlen;
	bool more = (p[6] & 0x20) != 0;

	NETC(net, FRAG_IN);
	if ((more && (dlen == 0 || dlen % 8)) || end > VX_IP_MAX_PAYLOAD) {
		NETC(net, FRAG_BAD);
		return;
	}
	struct vx_reasm *r = slot_find(net, p);

	if (!r)
		r = slot_new(net, p, now);
	if ((!more && r->total && r->total != end) || (!more && r->end > end) ||
	    (r->total && end > r->total)) {
		NETC(net, FRAG_MISMATCH);
		slot_free(net, r);
		return;
	}
	if (units_take(r, off / 8, (end + 7) / 8)) {
		NETC(net, FRAG_OVERLAP);
		slot_free(net, r);
		return;
	}
	while (net->reasm_bytes + dlen > VX_REASM_BYTES) {
		struct vx_reasm *old = slot_oldest(net, r);

		if (!old) /* cannot happen: one slot holds < VX_REASM_BYTES */
			break;
		NETC(net, FRAG_NO_BYTES);
		slot_free(net, old);
	}
	memcpy(r->data + off, p + hlen, dlen);
	r->have += dlen;
	net->reasm_bytes += dlen;
	if (end > r->end)
		r->end = end;
	if (!more)
		r->total = end;
	if (off == 0) {
		memcpy(r->hdr, p, hlen);
		r->hlen = (uint16_t)hlen;
	}
	r->bcast |= link_bcast;
	if (r->total && r->have == r->total)
		deliver(net, r, now);
}

uint64_t reasm_tick(struct vx_net *net, uint64_t now)
{
	uint64_t next = UINT64_MAX;

	for (int i = 0; i < VX_REASM_SLOTS; i++) {
		struct vx_reasm *r = &net->reasm[i];

		if (!r->used)
			continue;
		if (now < r->expires) {
			if (r->expires < next)
				next = r->expires;
			continue;
		}
		NETC(net, FRAG_TIMEOUT);
		slot_free(net, r);
		if (r->hlen) {
			struct ip4_rx rx = {
			    .hdr = r->hdr,
			    .hlen = r->hlen,
			    .proto = r->proto,
			    .bcast = r->bcast,
			    .frag = true,
			    .data = r->data,
			    .len = r->have < 8 ? r->have : 8,
			};

			memcpy(rx.src, r->src, 4);
			memcpy(rx.dst, r->dst, 4);
			icmp_error(net, &rx, 11, 1, now);
		}
	}
	return next;
}
