/*
 * virtio-net over virtio-mmio; see virtio_net.h for what is modelled.
 *
 * The split virtqueue in guest memory (VIRTIO 1.1, 2.6), all fields
 * little-endian, Queue Size (num) a power of two:
 *
 *   desc  (16-aligned)  num x { le64 addr; le32 len; le16 flags; le16 next; }
 *   avail (2-aligned)   le16 flags; le16 idx; le16 ring[num]
 *   used  (4-aligned)   le16 flags; le16 idx; { le32 id; le32 len; } ring[num]
 *
 * The driver puts a chain's head index into avail.ring[idx % num] and
 * then bumps avail.idx; the device takes heads from its own last_avail up
 * to avail.idx, and gives each back in used.ring[used.idx % num] before
 * bumping used.idx.  Both indices run free and wrap at 2^16.
 *
 * Everything read from the guest is decoded from a local byte copy, once,
 * so a guest changing its rings under us can only confuse itself.
 */
#include "vmm/dev/virtio_net.h"
#include "hv/string.h"

#define DESC_SIZE       16
#define AVAIL_FLAGS     0
#define AVAIL_IDX       2
#define AVAIL_RING      4
#define USED_IDX        2
#define USED_RING       4
#define USED_ELEM_SIZE  8
#define RING_TAIL       2       /* used_event / avail_event, unused here */

/* virtio_net_hdr (5.1.6): flags, gso_type, then le16 hdr_len, gso_size,
 * csum_start, csum_offset, num_buffers. */
#define HDR_FLAGS       0
#define HDR_GSO_TYPE    1
#define HDR_NUM_BUFFERS 10

/* A chain walk that found nothing wrong (one past the enum vnet_drop). */
#define NO_DROP         VNET_DROP_NCAUSES

#define DESC_KNOWN_FLAGS (VNET_DESC_F_NEXT | VNET_DESC_F_WRITE)

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

static uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)get_le16(p) | (uint32_t)get_le16(p + 2) << 16;
}

static uint64_t get_le64(const uint8_t *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, (uint16_t)v);
	put_le16(p + 2, (uint16_t)(v >> 16));
}

static bool mem_read(struct vnet *d, uint64_t gpa, void *dst, uint64_t len)
{
	return d->cfg.mem.read(d->cfg.mem.ctx, GPA(gpa), dst, len) >= 0;
}

static bool mem_write(struct vnet *d, uint64_t gpa, const void *src,
		      uint64_t len)
{
	return d->cfg.mem.write(d->cfg.mem.ctx, GPA(gpa), src, len) >= 0;
}

/* ---- device state ------------------------------------------------------ */

static void reset(struct vnet *d)
{
	d->status = 0;
	d->isr = 0;
	d->dev_features_sel = 0;
	d->drv_features_sel = 0;
	d->queue_sel = 0;
	d->drv_features = 0;
	d->drv_features_bogus = false;
	memset(d->q, 0, sizeof(d->q));
}

void vnet_init(struct vnet *d, const struct vnet_config *cfg)
{
	memset(d, 0, sizeof(*d));
	d->cfg = *cfg;
	reset(d);
}

bool vnet_irq_line(const struct vnet *d)
{
	return d->isr != 0;
}

/* Queues run only between a successful negotiation plus DRIVER_OK and
 * the next reset; FAILED or NEEDS_RESET stop them. */
static bool running(const struct vnet *d)
{
	uint32_t want = VNET_S_FEATURES_OK | VNET_S_DRIVER_OK;

	return (d->status & want) == want &&
	       !(d->status & (VNET_S_NEEDS_RESET | VNET_S_FAILED));
}

/* The rings are beyond repair: stop and tell the driver (2.1.2).  Only
 * a running device looks at its rings, so DRIVER_OK is set. */
static void need_reset(struct vnet *d)
{
	d->stats.ring_errors++;
	d->status |= VNET_S_NEEDS_RESET;
	d->isr |= VNET_INT_CONFIG;
}

/* 2.2.1, 6.1: only what we offer, and VERSION_1 (no legacy interface). */
static bool features_acceptable(const struct vnet *d)
{
	return !d->drv_features_bogus &&
	       !(d->drv_features & ~VNET_FEATURES) &&
	       (d->drv_features & VNET_F_VERSION_1);
}

/* The driver never clears bits (2.1.1), except by writing 0 to reset.
 * FEATURES_OK sticks only if we accept the features; NEEDS_RESET is the
 * device's to set. */
static void write_status(struct vnet *d, uint32_t val)
{
	uint32_t was = d->status;

	if (val == 0) {
		reset(d);
		return;
	}
	val &= 0xff & ~VNET_S_NEEDS_RESET;
	if ((val & VNET_S_FEATURES_OK) && !(was & VNET_S_FEATURES_OK) &&
	    !features_acceptable(d))
		val &= ~VNET_S_FEATURES_OK;
	d->status = val | (was & VNET_S_NEEDS_RESET);
}

static void write_driver_features(struct vnet *d, uint32_t val)
{
	if (d->status & VNET_S_FEATURES_OK)
		return;         /* negotiation is over (3.1.1) */
	if (d->drv_features_sel == 0)
		d->drv_features = (d->drv_features & ~0xffffffffull) | val;
	else if (d->drv_features_sel == 1)
		d->drv_features = (d->drv_features & 0xffffffffull) |
				  (uint64_t)val << 32;
	else if (val)
		d->drv_features_bogus = true;
}

/* ---- queue set-up -------------------------------------------------------- */

static struct vnet_queue *selected(struct vnet *d)
{
	return d->queue_sel < VNET_NQUEUES ? &d->q[d->queue_sel] : NULL;
}

/* [addr, addr + size) does not wrap around the address space. */
static bool fits(uint64_t addr, uint64_t size)
{
	return addr <= ~0ull - size;
}

/* 2.6: Queue Size a power of two, parts aligned to 16, 2 and 4 bytes. */
static bool queue_valid(const struct vnet_queue *q)
{
	uint64_t n = q->num;

	if (n == 0 || n > VNET_QUEUE_MAX || (n & (n - 1)))
		return false;
	if (!IS_ALIGNED(q->desc, 16) || !IS_ALIGNED(q->avail, 2) ||
	    !IS_ALIGNED(q->used, 4))
		return false;
	return fits(q->desc, DESC_SIZE * n) &&
	       fits(q->avail, AVAIL_RING + 2 * n + RING_TAIL) &&
	       fits(q->used, USED_RING + USED_ELEM_SIZE * n + RING_TAIL);
}

static void write_queue_ready(struct vnet_queue *q, uint32_t val)
{
	if (!(val & 1)) {
		q->ready = false;
		return;
	}
	if (q->ready || !queue_valid(q))
		return;
	q->ready = true;
	q->last_avail = 0;
	q->used_idx = 0;
}

/* Set half of a 64-bit ring address; not while the queue runs (4.2.2). */
static void set_half(struct vnet_queue *q, uint64_t *addr, bool high,
		     uint32_t val)
{
	if (q->ready)
		return;
	if (high)
		*addr = (*addr & 0xffffffffull) | (uint64_t)val << 32;
	else
		*addr = (*addr & ~0xffffffffull) | val;
}

/* ---- the rings ------------------------------------------------------------ */

/* How many heads the driver has made available; false if that is more
 * than the queue holds, or avail.idx cannot be read. */
static bool avail_count(struct vnet *d, struct vnet_queue *q, uint16_t *n)
{
	uint8_t raw[2];

	if (!mem_read(d, q->avail + AVAIL_IDX, raw, 2)) {
		need_reset(d);
		return false;
	}
	*n = (uint16_t)(get_le16(raw) - q->last_avail);
	if (*n > q->num) {
		need_reset(d);
		return false;
	}
	return true;
}

/* The next available head.  One past the table cannot be given back, as
 * the used ring names chains by head: that is a broken ring. */
static bool take_head(struct vnet *d, struct vnet_queue *q, uint16_t *head)
{
	uint8_t raw[2];
	uint64_t slot = q->last_avail % q->num;

	if (!mem_read(d, q->avail + AVAIL_RING + 2 * slot, raw, 2)) {
		need_reset(d);
		return false;
	}
	*head = get_le16(raw);
	if (*head >= q->num) {
		need_reset(d);
		return false;
	}
	q->last_avail++;
	return true;
}

/* Give a chain back; the element is written before the index, so the
 * driver never sees an index that covers a stale element. */
static bool put_used(struct vnet *d, struct vnet_queue *q, uint16_t head,
		     uint32_t len)
{
	uint8_t elem[USED_ELEM_SIZE], idx[2];
	uint64_t slot = q->used_idx % q->num;

	put_le32(elem, head);
	put_le32(elem + 4, len);
	put_le16(idx, (uint16_t)(q->used_idx + 1));
	if (!mem_write(d, q->used + USED_RING + USED_ELEM_SIZE * slot,
		       elem, sizeof(elem)) ||
	    !mem_write(d, q->used + USED_IDX, idx, 2)) {
		need_reset(d);
		return false;
	}
	q->used_idx++;
	return true;
}

/* Interrupt for new used buffers unless the driver asked not to
 * (2.6.7.2, without VIRTIO_F_EVENT_IDX). */
static void signal_used(struct vnet *d, struct vnet_queue *q)
{
	uint8_t raw[2];

	if (!mem_read(d, q->avail + AVAIL_FLAGS, raw, 2)) {
		need_reset(d);
		return;
	}
	if (!(get_le16(raw) & VNET_AVAIL_F_NO_INTERRUPT))
		d->isr |= VNET_INT_USED_RING;
}

/* Descriptor idx into *out, checked on its own: flags we know, a next
 * within the table. */
static enum vnet_drop read_desc(struct vnet *d, const struct vnet_queue *q,
				uint16_t idx, struct desc *out)
{
	uint8_t raw[DESC_SIZE];

	if (!mem_read(d, q->desc + (uint64_t)DESC_SIZE * idx, raw, DESC_SIZE))
		return VNET_DROP_BAD_ADDR;
	out->addr = get_le64(raw);
	out->len = get_le32(raw + 8);
	out->flags = get_le16(raw + 12);
	out->next = get_le16(raw + 14);
	if (out->flags & ~DESC_KNOWN_FLAGS)
		return VNET_DROP_BAD_FLAGS;
	if ((out->flags & VNET_DESC_F_NEXT) && out->next >= q->num)
		return VNET_DROP_BAD_NEXT;
	return NO_DROP;
}

/* ---- transmit ------------------------------------------------------------- */

/* Copy the chain from head into d->buf; *len is header plus frame.  A
 * chain of more links than the table has entries must revisit one. */
static enum vnet_drop tx_gather(struct vnet *d, const struct vnet_queue *q,
				uint16_t head, size_t *len)
{
	struct desc dd = { .flags = VNET_DESC_F_NEXT, .next = head };
	size_t total = 0;

	for (uint32_t links = 0; dd.flags & VNET_DESC_F_NEXT; links++) {
		enum vnet_drop why;

		if (links == q->num)
			return VNET_DROP_LOOP;
		why = read_desc(d, q, dd.next, &dd);
		if (why != NO_DROP)
			return why;
		if (dd.flags & VNET_DESC_F_WRITE)
			return VNET_DROP_WRONG_DIR;
		if (dd.len > sizeof(d->buf) - total)
			return VNET_DROP_TOO_BIG;
		if (dd.len && !mem_read(d, dd.addr, d->buf + total, dd.len))
			return VNET_DROP_BAD_ADDR;
		total += dd.len;
	}
	*len = total;
	return total < VNET_HDR_LEN + VNET_ETH_HLEN ? VNET_DROP_TOO_SHORT
						     : NO_DROP;
}

/* With no offload negotiated, a header asking for a checksum or
 * segmentation would make us send a broken frame (5.1.6.2). */
static enum vnet_drop tx_check_header(const uint8_t *hdr)
{
	return hdr[HDR_FLAGS] || hdr[HDR_GSO_TYPE] ? VNET_DROP_BAD_HDR
						   : NO_DROP;
}

static void tx_one(struct vnet *d, const struct vnet_queue *q, uint16_t head)
{
	size_t len = 0;
	enum vnet_drop why = tx_gather(d, q, head, &len);

	if (why == NO_DROP)
		why = tx_check_header(d->buf);
	if (why != NO_DROP) {
		d->stats.tx_drop[why]++;
		return;
	}
	len -= VNET_HDR_LEN;
	d->stats.tx_frames++;
	d->stats.tx_bytes += len;
	if (d->cfg.tx)
		d->cfg.tx(d->cfg.ctx, d->buf + VNET_HDR_LEN, len);
}

/* Everything the driver made available when it notified; a transmit
 * chain is only read, so it goes back with used length 0 (2.6.8). */
static void tx_process(struct vnet *d)
{
	struct vnet_queue *q = &d->q[VNET_TXQ];
	uint16_t n, head;

	if (!running(d) || !q->ready || !avail_count(d, q, &n) || n == 0)
		return;
	for (; n; n--) {
		if (!take_head(d, q, &head))
			return;
		tx_one(d, q, head);
		if (!put_used(d, q, head, 0))
			return;
	}
	signal_used(d, q);
}

/* ---- receive -------------------------------------------------------------- */

/* Scatter the first len bytes of d->buf over the chain from head.  Only
 * the descriptors needed are looked at. */
static enum vnet_drop rx_scatter(struct vnet *d, const struct vnet_queue *q,
				 uint16_t head, size_t len)
{
	struct desc dd = { .flags = VNET_DESC_F_NEXT, .next = head };
	size_t done = 0;

	for (uint32_t links = 0; done < len; links++) {
		enum vnet_drop why;
		size_t n;

		if (!(dd.flags & VNET_DESC_F_NEXT))
			return VNET_DROP_TOO_SHORT;
		if (links == q->num)
			return VNET_DROP_LOOP;
		why = read_desc(d, q, dd.next, &dd);
		if (why != NO_DROP)
			return why;
		if (!(dd.flags & VNET_DESC_F_WRITE))
			return VNET_DROP_WRONG_DIR;
		n = MIN((size_t)dd.len, len - done);
		if (n && !mem_write(d, dd.addr, d->buf + done, n))
			return VNET_DROP_BAD_ADDR;
		done += n;
	}
	return NO_DROP;
}

static bool rx_drop(struct vnet *d, enum vnet_drop why)
{
	d->stats.rx_drop[why]++;
	return false;
}

bool vnet_rx(struct vnet *d, const uint8_t *frame, size_t len)
{
	struct vnet_queue *q = &d->q[VNET_RXQ];
	size_t total = VNET_HDR_LEN + len;
	enum vnet_drop why;
	uint16_t n, head;

	if (len < VNET_ETH_HLEN || len > VNET_FRAME_MAX)
		return rx_drop(d, VNET_DROP_BAD_LEN);
	if (!running(d) || !q->ready || !avail_count(d, q, &n))
		return rx_drop(d, VNET_DROP_NOT_READY);
	if (n == 0)
		return rx_drop(d, VNET_DROP_NO_BUFFER);
	if (!take_head(d, q, &head))
		return rx_drop(d, VNET_DROP_NOT_READY);

	memset(d->buf, 0, VNET_HDR_LEN);
	put_le16(d->buf + HDR_NUM_BUFFERS, 1);
	memcpy(d->buf + VNET_HDR_LEN, frame, len);
	why = rx_scatter(d, q, head, total);
	if (!put_used(d, q, head, why == NO_DROP ? (uint32_t)total : 0))
		return rx_drop(d, why == NO_DROP ? VNET_DROP_NOT_READY : why);
	signal_used(d, q);
	if (why != NO_DROP)
		return rx_drop(d, why);
	d->stats.rx_frames++;
	d->stats.rx_bytes += len;
	return true;
}

static void notify(struct vnet *d, uint32_t queue)
{
	if (queue == VNET_TXQ)
		tx_process(d);
	else if (queue == VNET_RXQ && d->cfg.rx_kick)
		d->cfg.rx_kick(d->cfg.ctx);
}

/* ---- registers ------------------------------------------------------------ */

static uint32_t read_reg(struct vnet *d, uint32_t offset)
{
	struct vnet_queue *q = selected(d);

	switch (offset) {
	case VNET_MMIO_MAGIC:           return VNET_MAGIC;
	case VNET_MMIO_VERSION:         return VNET_VERSION;
	case VNET_MMIO_DEVICE_ID:       return VNET_DEVICE_ID_NET;
	case VNET_MMIO_VENDOR_ID:       return VNET_VENDOR_ID;
	case VNET_MMIO_DEVICE_FEATURES:
		if (d->dev_features_sel > 1)
			return 0;
		return (uint32_t)(VNET_FEATURES >> (32 * d->dev_features_sel));
	case VNET_MMIO_QUEUE_NUM_MAX:   return q ? VNET_QUEUE_MAX : 0;
	case VNET_MMIO_QUEUE_READY:     return q ? q->ready : 0;
	case VNET_MMIO_INTERRUPT_STATUS: return d->isr;
	case VNET_MMIO_STATUS:          return d->status;
	case VNET_MMIO_CONFIG_GENERATION: return 0;
	default:                        return 0;   /* write-only, reserved */
	}
}

static void write_queue_reg(struct vnet *d, uint32_t offset, uint32_t val)
{
	struct vnet_queue *q = selected(d);

	if (!q)
		return;
	switch (offset) {
	case VNET_MMIO_QUEUE_NUM:
		if (!q->ready)
			q->num = val;
		break;
	case VNET_MMIO_QUEUE_READY:       write_queue_ready(q, val); break;
	case VNET_MMIO_QUEUE_DESC_LOW:    set_half(q, &q->desc, false, val); break;
	case VNET_MMIO_QUEUE_DESC_HIGH:   set_half(q, &q->desc, true, val); break;
	case VNET_MMIO_QUEUE_DRIVER_LOW:  set_half(q, &q->avail, false, val); break;
	case VNET_MMIO_QUEUE_DRIVER_HIGH: set_half(q, &q->avail, true, val); break;
	case VNET_MMIO_QUEUE_DEVICE_LOW:  set_half(q, &q->used, false, val); break;
	case VNET_MMIO_QUEUE_DEVICE_HIGH: set_half(q, &q->used, true, val); break;
	}
}

static void write_reg(struct vnet *d, uint32_t offset, uint32_t val)
{
	switch (offset) {
	case VNET_MMIO_DEVICE_FEATURES_SEL: d->dev_features_sel = val; break;
	case VNET_MMIO_DRIVER_FEATURES:     write_driver_features(d, val); break;
	case VNET_MMIO_DRIVER_FEATURES_SEL: d->drv_features_sel = val; break;
	case VNET_MMIO_QUEUE_SEL:           d->queue_sel = val; break;
	case VNET_MMIO_QUEUE_NUM:
	case VNET_MMIO_QUEUE_READY:
	case VNET_MMIO_QUEUE_DESC_LOW:
	case VNET_MMIO_QUEUE_DESC_HIGH:
	case VNET_MMIO_QUEUE_DRIVER_LOW:
	case VNET_MMIO_QUEUE_DRIVER_HIGH:
	case VNET_MMIO_QUEUE_DEVICE_LOW:
	case VNET_MMIO_QUEUE_DEVICE_HIGH:   write_queue_reg(d, offset, val); break;
	case VNET_MMIO_QUEUE_NOTIFY:        notify(d, val); break;
	case VNET_MMIO_INTERRUPT_ACK:       d->isr &= ~val; break;
	case VNET_MMIO_STATUS:              write_status(d, val); break;
	default:                            d->stats.bad_access++; break;
	}
}

/* Config space as bytes (5.1.4): the MAC, then le16 status. */
static uint8_t config_byte(const struct vnet *d, uint32_t at)
{
	if (at < VNET_CFG_STATUS)
		return d->cfg.mac[at];
	if (at == VNET_CFG_STATUS)
		return VNET_LINK_UP & 0xff;
	if (at == VNET_CFG_STATUS + 1)
		return VNET_LINK_UP >> 8;
	return 0;
}

/* Aligned 1, 2 or 4 bytes inside the window (4.2.2.2). */
static bool access_ok(uint32_t offset, unsigned size)
{
	return (size == 1 || size == 2 || size == 4) &&
	       (offset & (size - 1)) == 0 && offset < VNET_MMIO_SIZE;
}

uint32_t vnet_mmio_read(struct vnet *d, uint32_t offset, unsigned size)
{
	uint32_t val = 0;

	if (!access_ok(offset, size) ||
	    (offset < VNET_MMIO_CONFIG && size != 4)) {
		d->stats.bad_access++;
		return 0;
	}
	if (offset < VNET_MMIO_CONFIG)
		return read_reg(d, offset);
	for (unsigned i = 0; i < size; i++)
		val |= (uint32_t)config_byte(d, offset - VNET_MMIO_CONFIG + i)
		       << (8 * i);
	return val;
}

/* Config space is read-only: no VIRTIO_NET_F_CTRL_MAC_ADDR. */
void vnet_mmio_write(struct vnet *d, uint32_t offset, unsigned size,
		     uint32_t val)
{
	if (!access_ok(offset, size) || offset >= VNET_MMIO_CONFIG ||
	    size != 4) {
		d->stats.bad_access++;
		return;
	}
	write_reg(d, offset, val);
}
