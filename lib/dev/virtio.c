/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio 1.x modern PCI transport and split virtqueue (virtio.h, whose
 * header comment is the protocol).  Pure logic over caller-mapped memory.
 */
#include "dev/virtio.h"

#include "vx_string.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "virtio 1.x is little-endian");

/* ---- the common configuration: natural-width accesses --------------- */

/* Reports a write to the test seam, if one is installed. */
static void wrote(const struct vx_virtio *d, uint32_t off)
{
	if (d->wrote)
		d->wrote(d->wrote_arg, off);
}

/* Reads the 8-bit common configuration field at off. */
static uint8_t c_read8(const struct vx_virtio *d, uint32_t off)
{
	return *(const volatile uint8_t *)(d->common + off);
}

/* Reads the 16-bit common configuration field at off. */
static uint16_t c_read16(const struct vx_virtio *d, uint32_t off)
{
	return *(const volatile uint16_t *)(d->common + off);
}

/* Reads the 32-bit common configuration field at off. */
static uint32_t c_read32(const struct vx_virtio *d, uint32_t off)
{
	return *(const volatile uint32_t *)(d->common + off);
}

/* Writes the 8-bit common configuration field at off. */
static void c_write8(const struct vx_virtio *d, uint32_t off, uint8_t v)
{
	*(volatile uint8_t *)(d->common + off) = v;
	wrote(d, off);
}

/* Writes the 16-bit common configuration field at off. */
static void c_write16(const struct vx_virtio *d, uint32_t off, uint16_t v)
{
	*(volatile uint16_t *)(d->common + off) = v;
	wrote(d, off);
}

/* Writes the 32-bit common configuration field at off. */
static void c_write32(const struct vx_virtio *d, uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(d->common + off) = v;
	wrote(d, off);
}

/* Writes a 64-bit field as two 32-bit halves, low first (the
 * specification allows this for the queue addresses). */
static void c_write64(const struct vx_virtio *d, uint32_t off, uint64_t v)
{
	c_write32(d, off, (uint32_t)v);
	c_write32(d, off + 4u, (uint32_t)(v >> 32));
}

/* ---- probe ----------------------------------------------------------- */

/* One virtio capability, as read from config space. */
struct vcap {
	uint8_t type, bar;
	uint32_t off, len, mult;
};

/* Reads the vendor capability at pos; VX_E_CORRUPT if it is too short for
 * its type or runs past 0xff. */
static int read_vcap(const volatile uint8_t *cfg, int pos, struct vcap *c)
{
	uint8_t cap_len = vx_pci_read8(cfg, (uint32_t)pos + 2u);

	c->type = vx_pci_read8(cfg, (uint32_t)pos + 3u);
	c->bar = vx_pci_read8(cfg, (uint32_t)pos + 4u);
	if (cap_len < 16u || (c->type == VX_VIRTIO_CAP_NOTIFY && cap_len < 20u) ||
	    (uint32_t)pos + cap_len > 0x100u)
		return VX_E_CORRUPT;
	c->off = vx_pci_read32(cfg, (uint32_t)pos + 8u);
	c->len = vx_pci_read32(cfg, (uint32_t)pos + 12u);
	c->mult = c->type == VX_VIRTIO_CAP_NOTIFY ? vx_pci_read32(cfg, (uint32_t)pos + 16u) : 0;
	return VX_OK;
}

/* Where structure c lies in the caller's mapping, or NULL if outside. */
static volatile uint8_t *place(const struct vcap *c, const struct vx_pci_map *m)
{
	if ((uint64_t)c->off > m->size || (uint64_t)c->len > m->size - c->off)
		return 0;
	return m->va + c->off;
}

/* Finds the structures and checks their bounds; see virtio.h. */
int vx_virtio_probe(struct vx_virtio *d, const volatile uint8_t *cfg,
		    const struct vx_pci_map map[VX_PCI_NBARS])
{
	struct vx_pci_cap_iter it;
	int pos;

	memset(d, 0, sizeof(*d));
	vx_pci_cap_begin(cfg, &it);
	while ((pos = vx_pci_cap_find(cfg, &it, VX_PCI_CAP_VENDOR)) >= 0) {
		struct vcap c;
		volatile uint8_t *va;
		int rc = read_vcap(cfg, pos, &c);

		if (rc < 0)
			return rc;
		/* Reserved BAR numbers and unmapped BARs: not usable, skip. */
		if (c.bar >= VX_PCI_NBARS || !map[c.bar].va || c.type < VX_VIRTIO_CAP_COMMON ||
		    c.type > VX_VIRTIO_CAP_DEVICE)
			continue;
		va = place(&c, &map[c.bar]);
		if (!va)
			return VX_E_CORRUPT;
		if (c.type == VX_VIRTIO_CAP_COMMON && !d->common) {
			if (c.len < VX_VIRTIO_COMMON_MIN)
				return VX_E_CORRUPT;
			d->common = va;
		} else if (c.type == VX_VIRTIO_CAP_NOTIFY && !d->notify) {
			if (c.len < 2u || (c.mult & 1u) || ((uintptr_t)va & 1u))
				return VX_E_CORRUPT;
			d->notify = va;
			d->notify_len = c.len;
			d->notify_mult = c.mult;
		} else if (c.type == VX_VIRTIO_CAP_ISR && !d->isr) {
			if (c.len < 1u)
				return VX_E_CORRUPT;
			d->isr = va;
		} else if (c.type == VX_VIRTIO_CAP_DEVICE && !d->device) {
			d->device = va;
			d->device_len = c.len;
		}
	}
	if (pos != VX_E_NOTFOUND)
		return pos;
	if (!d->common || !d->notify || !d->isr)
		return VX_E_NOTFOUND;
	d->reset_polls = VX_VIRTIO_RESET_POLLS;
	return VX_OK;
}

/* ---- initialisation ------------------------------------------------- */

/* Writes 0 and polls device_status until it reads 0, at most reset_polls times. */
int vx_virtio_reset(struct vx_virtio *d)
{
	c_write8(d, VX_VIRTIO_C_STATUS, 0);
	for (uint32_t i = 0; i < d->reset_polls; i++) {
		if (c_read8(d, VX_VIRTIO_C_STATUS) == 0)
			return VX_OK;
#if defined(__x86_64__)
		__builtin_ia32_pause();
#endif
	}
	return VX_E_TIMEOUT;
}

/* Adds bits to device_status. */
static void status_set(struct vx_virtio *d, uint8_t bits)
{
	c_write8(d, VX_VIRTIO_C_STATUS, (uint8_t)(c_read8(d, VX_VIRTIO_C_STATUS) | bits));
}

/* Reset, then ACKNOWLEDGE and DRIVER. */
int vx_virtio_begin(struct vx_virtio *d)
{
	int rc = vx_virtio_reset(d);

	if (rc < 0)
		return rc;
	d->features = 0;
	status_set(d, VX_VIRTIO_S_ACKNOWLEDGE);
	status_set(d, VX_VIRTIO_S_DRIVER);
	return VX_OK;
}

/* Feature negotiation and the FEATURES_OK handshake; see virtio.h. */
int vx_virtio_negotiate(struct vx_virtio *d, uint64_t want)
{
	const uint64_t lib = (1ull << VX_VIRTIO_F_VERSION_1) | (1ull << VX_VIRTIO_F_EVENT_IDX) |
			     (1ull << VX_VIRTIO_F_ACCESS_PLATFORM) |
			     (1ull << VX_VIRTIO_F_ORDER_PLATFORM);
	uint64_t offered, accept;

	c_write32(d, VX_VIRTIO_C_DFSELECT, 0);
	offered = c_read32(d, VX_VIRTIO_C_DF);
	c_write32(d, VX_VIRTIO_C_DFSELECT, 1);
	offered |= (uint64_t)c_read32(d, VX_VIRTIO_C_DF) << 32;
	if (!(offered & (1ull << VX_VIRTIO_F_VERSION_1))) {
		vx_virtio_fail(d);
		return VX_E_INVAL;
	}
	accept = offered & ((want & VX_VIRTIO_DEVICE_FEATURES) | lib);
	c_write32(d, VX_VIRTIO_C_GFSELECT, 0);
	c_write32(d, VX_VIRTIO_C_GF, (uint32_t)accept);
	c_write32(d, VX_VIRTIO_C_GFSELECT, 1);
	c_write32(d, VX_VIRTIO_C_GF, (uint32_t)(accept >> 32));
	status_set(d, VX_VIRTIO_S_FEATURES_OK);
	if (!(c_read8(d, VX_VIRTIO_C_STATUS) & VX_VIRTIO_S_FEATURES_OK)) {
		vx_virtio_fail(d);
		return VX_E_STATE;
	}
	d->features = accept;
	return VX_OK;
}

/* 1 if the feature was negotiated. */
int vx_virtio_has(const struct vx_virtio *d, unsigned bit)
{
	return bit < 64 && ((d->features >> bit) & 1u);
}

/* num_queues as reported. */
uint16_t vx_virtio_num_queues(const struct vx_virtio *d)
{
	return c_read16(d, VX_VIRTIO_C_NUMQ);
}

/* The device's maximum size for queue idx (0: no such queue). */
uint16_t vx_virtio_queue_max(struct vx_virtio *d, uint16_t idx)
{
	c_write16(d, VX_VIRTIO_C_Q_SELECT, idx);
	return c_read16(d, VX_VIRTIO_C_Q_SIZE);
}

/* Writes an MSI-X vector register and checks the device kept it. */
static int set_vector(struct vx_virtio *d, uint32_t off, uint16_t vector)
{
	c_write16(d, off, vector);
	return c_read16(d, off) == vector ? VX_OK : VX_E_FULL;
}

/* Hands q to the device as queue idx; see virtio.h. */
int vx_virtio_queue_setup(struct vx_virtio *d, uint16_t idx, struct vx_virtq *q, uint16_t vector)
{
	uint16_t max = vx_virtio_queue_max(d, idx);
	uint64_t noff;
	int rc;

	if (max == 0)
		return VX_E_NOTFOUND;
	if (q->size > max)
		return VX_E_RANGE;
	if (c_read16(d, VX_VIRTIO_C_Q_ENABLE) != 0)
		return VX_E_STATE;
	noff = (uint64_t)c_read16(d, VX_VIRTIO_C_Q_NOFF) * d->notify_mult;
	if (noff > d->notify_len || d->notify_len - noff < 2u)
		return VX_E_CORRUPT;
	c_write16(d, VX_VIRTIO_C_Q_SIZE, q->size);
	c_write64(d, VX_VIRTIO_C_Q_DESC, q->ioaddr);
	c_write64(d, VX_VIRTIO_C_Q_DRIVER, q->ioaddr + vx_virtq_avail_off(q->size));
	c_write64(d, VX_VIRTIO_C_Q_DEVICE, q->ioaddr + vx_virtq_used_off(q->size));
	rc = set_vector(d, VX_VIRTIO_C_Q_MSIX, vector);
	if (rc < 0)
		return rc;
	q->notify = (volatile uint16_t *)(d->notify + noff);
	q->index = idx;
	c_write16(d, VX_VIRTIO_C_Q_ENABLE, 1);
	return VX_OK;
}

/* config_msix_vector with read-back. */
int vx_virtio_config_vector(struct vx_virtio *d, uint16_t vector)
{
	return set_vector(d, VX_VIRTIO_C_MSIX, vector);
}

/* DRIVER_OK. */
void vx_virtio_ready(struct vx_virtio *d)
{
	status_set(d, VX_VIRTIO_S_DRIVER_OK);
}

/* FAILED. */
void vx_virtio_fail(struct vx_virtio *d)
{
	status_set(d, VX_VIRTIO_S_FAILED);
}

/* device_status now. */
uint8_t vx_virtio_status(const struct vx_virtio *d)
{
	return c_read8(d, VX_VIRTIO_C_STATUS);
}

/* Reads (and clears) the ISR status byte. */
uint8_t vx_virtio_isr(const struct vx_virtio *d)
{
	return *d->isr;
}

/* Checks width, alignment and bounds of a device configuration access. */
static int cfg_check(const struct vx_virtio *d, uint32_t off, unsigned width)
{
	unsigned align = width > 4u ? 4u : width;

	if (width != 1u && width != 2u && width != 4u && width != 8u)
		return VX_E_INVAL;
	if (off % align)
		return VX_E_ALIGN;
	if (!d->device || off > d->device_len || width > d->device_len - off)
		return VX_E_RANGE;
	return VX_OK;
}

/* Reads one device configuration field; see virtio.h. */
int vx_virtio_cfg_read(const struct vx_virtio *d, uint32_t off, unsigned width, uint64_t *val)
{
	volatile uint8_t *p;
	int rc = cfg_check(d, off, width);

	if (rc < 0)
		return rc;
	p = d->device + off;
	if (width == 1u)
		*val = *p;
	else if (width == 2u)
		*val = *(volatile uint16_t *)p;
	else if (width == 4u)
		*val = *(volatile uint32_t *)p;
	else {
		for (int tries = 0; tries < 16; tries++) {
			uint8_t gen = c_read8(d, VX_VIRTIO_C_CFGGEN);
			uint64_t lo = *(volatile uint32_t *)p;
			uint64_t hi = *(volatile uint32_t *)(p + 4);

			if (c_read8(d, VX_VIRTIO_C_CFGGEN) == gen) {
				*val = lo | hi << 32;
				return VX_OK;
			}
		}
		return VX_E_AGAIN;
	}
	return VX_OK;
}

/* Writes one device configuration field (8 bytes as two halves, low first). */
int vx_virtio_cfg_write(const struct vx_virtio *d, uint32_t off, unsigned width, uint64_t val)
{
	volatile uint8_t *p;
	int rc = cfg_check(d, off, width);

	if (rc < 0)
		return rc;
	p = d->device + off;
	if (width == 1u)
		*p = (uint8_t)val;
	else if (width == 2u)
		*(volatile uint16_t *)p = (uint16_t)val;
	else {
		*(volatile uint32_t *)p = (uint32_t)val;
		if (width == 8u)
			*(volatile uint32_t *)(p + 4) = (uint32_t)(val >> 32);
	}
	return VX_OK;
}

/* ---- the split virtqueue -------------------------------------------- */

enum { SLOT_FREE = 0, SLOT_HEAD, SLOT_BODY };

/* 1 if n is a queue size the specification allows. */
static int good_size(uint32_t n)
{
	return n >= 1u && n <= VX_VIRTQ_MAX && (n & (n - 1u)) == 0;
}

/* The avail ring follows the 16-byte descriptors. */
uint64_t vx_virtq_avail_off(uint32_t n)
{
	return 16ull * n;
}

/* The used ring follows the avail ring (6 + 2n bytes), 4-byte aligned. */
uint64_t vx_virtq_used_off(uint32_t n)
{
	return (vx_virtq_avail_off(n) + 6u + 2ull * n + 3u) & ~3ull;
}

/* Total device-visible bytes: the used ring is 6 + 8n. */
uint64_t vx_virtq_bytes(uint32_t n)
{
	if (!good_size(n))
		return 0;
	return vx_virtq_used_off(n) + 6u + 8ull * n;
}

/* The 16-bit field at off of a ring. */
static volatile uint16_t *f16(volatile uint8_t *ring, uint64_t off)
{
	return (volatile uint16_t *)(ring + off);
}

/* Lays the queue out and puts every descriptor on the free list. */
int vx_virtq_init(struct vx_virtq *q, uint32_t n, void *vaddr, uint64_t ioaddr,
		  struct vx_virtq_slot *slot, int event_idx)
{
	if (!good_size(n))
		return VX_E_INVAL;
	if (((uintptr_t)vaddr | ioaddr) & 15u)
		return VX_E_ALIGN;
	memset(q, 0, sizeof(*q));
	memset(vaddr, 0, vx_virtq_bytes(n));
	memset(slot, 0, sizeof(*slot) * n);
	q->desc = vaddr;
	q->avail = q->desc + vx_virtq_avail_off(n);
	q->used = q->desc + vx_virtq_used_off(n);
	q->ioaddr = ioaddr;
	q->slot = slot;
	q->size = (uint16_t)n;
	q->num_free = (uint16_t)n;
	for (uint32_t i = 0; i + 1u < n; i++)
		slot[i].next = (uint16_t)(i + 1u);
	q->event_idx = event_idx != 0;
	return VX_OK;
}

/* Marks the queue broken and reports the corruption. */
static int broke(struct vx_virtq *q)
{
	q->broken = 1;
	return VX_E_CORRUPT;
}

/* Checks a chain before anything is written; sums its writable bytes. */
static int check_chain(const struct vx_virtq *q, const struct vx_virtq_seg *seg, uint32_t nseg,
		       uint64_t *wlen)
{
	int seen_writable = 0;

	if (nseg == 0)
		return VX_E_INVAL;
	if (nseg > q->size)
		return VX_E_TOOBIG;
	*wlen = 0;
	for (uint32_t i = 0; i < nseg; i++) {
		if (seg[i].len == 0 || (seen_writable && !seg[i].writable))
			return VX_E_INVAL;
		if (seg[i].writable) {
			seen_writable = 1;
			*wlen += seg[i].len;
		}
	}
	return nseg > q->num_free ? VX_E_FULL : VX_OK;
}

/* Steps 1-3: writes the chain, its avail entry, and publishes avail idx. */
int vx_virtq_add(struct vx_virtq *q, const struct vx_virtq_seg *seg, uint32_t nseg, uint64_t token)
{
	uint16_t head = q->free_head, d = head, mask = (uint16_t)(q->size - 1u);
	uint64_t wlen;
	int rc;

	if (q->broken)
		return VX_E_STATE;
	rc = check_chain(q, seg, nseg, &wlen);
	if (rc < 0)
		return rc;
	for (uint32_t i = 0; i < nseg; i++) {
		volatile uint8_t *desc = q->desc + 16u * d;
		uint16_t flags = seg[i].writable ? VX_VIRTQ_DESC_F_WRITE : 0;
		uint16_t next = q->slot[d].next;

		if (i + 1u < nseg)
			flags |= VX_VIRTQ_DESC_F_NEXT;
		*(volatile uint64_t *)desc = seg[i].ioaddr;
		*(volatile uint32_t *)(desc + 8) = seg[i].len;
		*f16(desc, 12) = flags;
		*f16(desc, 14) = i + 1u < nseg ? next : 0;
		q->slot[d].state = SLOT_BODY;
		if (i + 1u < nseg)
			d = next;
	}
	q->free_head = q->slot[d].next;
	q->num_free = (uint16_t)(q->num_free - nseg);
	q->slot[head].state = SLOT_HEAD;
	q->slot[head].token = token;
	q->slot[head].wlen = wlen;
	q->slot[head].count = (uint16_t)nseg;
	*f16(q->avail, 4u + 2u * (q->avail_idx & mask)) = head;
	q->avail_idx++;
	__atomic_store_n(f16(q->avail, 2), q->avail_idx, __ATOMIC_RELEASE);
	q->inflight++;
	return head;
}

/* Step 4: the notification decision; see virtio.h. */
int vx_virtq_kick(struct vx_virtq *q)
{
	uint16_t now = q->avail_idx, old = q->kicked;
	int need;

	if (q->broken)
		return VX_E_STATE;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (q->event_idx) {
		uint16_t ev = *f16(q->used, 4u + 8u * q->size);

		need = (uint16_t)(now - ev - 1u) < (uint16_t)(now - old);
	} else {
		need = now != old && !(*f16(q->used, 0) & VX_VIRTQ_USED_F_NO_NOTIFY);
	}
	q->kicked = now;
	if (need && q->notify)
		*q->notify = q->index;
	return need;
}

/* Returns the chain at head to the free list, walking the private shadow. */
static void free_chain(struct vx_virtq *q, uint16_t head)
{
	uint16_t d = head, n = q->slot[head].count;

	for (uint16_t i = 0; i < n; i++) {
		q->slot[d].state = SLOT_FREE;
		if (i + 1u < n)
			d = q->slot[d].next;
	}
	q->slot[d].next = q->free_head;
	q->free_head = head;
	q->num_free = (uint16_t)(q->num_free + n);
	q->inflight--;
}

/* Step 6: takes and checks the next used entry; see virtio.h. */
int vx_virtq_get(struct vx_virtq *q, uint64_t *token, uint32_t *len)
{
	uint16_t idx, pending;
	volatile uint8_t *e;
	uint32_t id, wrote_len;

	if (q->broken)
		return VX_E_STATE;
	idx = __atomic_load_n(f16(q->used, 2), __ATOMIC_ACQUIRE);
	pending = (uint16_t)(idx - q->last_used);
	if (pending == 0)
		return VX_E_EMPTY;
	if (pending > q->size || pending > q->inflight)
		return broke(q);
	e = q->used + 4u + 8u * (q->last_used & (q->size - 1u));
	id = *(volatile uint32_t *)e;
	wrote_len = *(volatile uint32_t *)(e + 4);
	if (id >= q->size || q->slot[id].state != SLOT_HEAD || wrote_len > q->slot[id].wlen)
		return broke(q);
	*token = q->slot[id].token;
	*len = wrote_len;
	free_chain(q, (uint16_t)id);
	q->last_used++;
	return VX_OK;
}

/* Asks for an interrupt at the next completion, then re-checks. */
int vx_virtq_irq_enable(struct vx_virtq *q)
{
	if (q->broken)
		return VX_E_STATE;
	if (q->event_idx)
		*f16(q->avail, 4u + 2u * q->size) = q->last_used;
	else
		*f16(q->avail, 0) = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(f16(q->used, 2), __ATOMIC_ACQUIRE) != q->last_used;
}

/* Asks the device not to interrupt. */
void vx_virtq_irq_disable(struct vx_virtq *q)
{
	if (q->event_idx)
		*f16(q->avail, 4u + 2u * q->size) = (uint16_t)(q->last_used - 1u);
	else
		*f16(q->avail, 0) = VX_VIRTQ_AVAIL_F_NO_INTERRUPT;
}
