/* units: vmm/dev/virtio_net.c vmm/net/switch.c */
/*
 * The virtio-net device from the driver's side: a small driver below
 * builds split virtqueues by hand in a fake guest RAM (whose read and
 * write callbacks refuse anything outside it) and talks to the device
 * through its MMIO registers.  Checked: the identification and feature
 * registers, config space, feature negotiation, reset, queue set-up and
 * its checks, transmit and receive through one- and many-descriptor
 * chains, interrupts and their suppression, every kind of bad chain (the
 * frame is dropped and counted, the chain still comes back), broken
 * rings (NEEDS_RESET), bad register accesses; and at the end two devices
 * joined by the switch.
 */
#include "check.h"
#include "vmm/dev/virtio_net.h"
#include "vmm/net/switch.h"

#define RAM_SIZE   0x40000u
#define QN         16           /* the queue size our driver picks */
#define BUF_BASE   0x10000u     /* frame buffers, 0x1000 apart */
#define BUF(i)     (BUF_BASE + 0x1000u * (i))

/* Where our driver puts each queue's three parts. */
static const uint64_t desc_at[2]  = { 0x1000, 0x4000 };
static const uint64_t avail_at[2] = { 0x2000, 0x5000 };
static const uint64_t used_at[2]  = { 0x3000, 0x6000 };

#define MAX_SENT 20

struct guest {
	uint8_t ram[RAM_SIZE];
	struct vnet dev;
	uint16_t avail_idx[2];          /* the driver's next avail.idx */
	int kicks;
	int sent;                       /* frames that reached tx() */
	size_t sent_len[MAX_SENT];
	uint8_t sent_frame[MAX_SENT][VNET_FRAME_MAX];
	struct net_switch *sw;          /* if set, tx() feeds it */
	unsigned port;
};

static struct guest ga, gb;

static const uint8_t mac_a[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a };
static const uint8_t mac_b[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b };

static bool in_ram(gpa_t gpa, uint64_t len)
{
	return gpa.v <= RAM_SIZE && len <= RAM_SIZE - gpa.v;
}

static int ram_read(void *ctx, gpa_t gpa, void *dst, uint64_t len)
{
	struct guest *g = ctx;

	if (!in_ram(gpa, len))
		return -1;
	memcpy(dst, g->ram + gpa.v, len);
	return 0;
}

static int ram_write(void *ctx, gpa_t gpa, const void *src, uint64_t len)
{
	struct guest *g = ctx;

	if (!in_ram(gpa, len))
		return -1;
	memcpy(g->ram + gpa.v, src, len);
	return 0;
}

static void record_tx(void *ctx, const uint8_t *frame, size_t len)
{
	struct guest *g = ctx;

	if (g->sw)
		switch_input(g->sw, g->port, frame, len, 0);
	if (g->sent < MAX_SENT) {
		g->sent_len[g->sent] = len;
		memcpy(g->sent_frame[g->sent], frame, len);
	}
	g->sent++;
}

static void count_kick(void *ctx)
{
	((struct guest *)ctx)->kicks++;
}

/* ---- the driver's side ---------------------------------------------------- */

static uint32_t rd(struct guest *g, uint32_t off)
{
	return vnet_mmio_read(&g->dev, off, 4);
}

static void wr(struct guest *g, uint32_t off, uint32_t val)
{
	vnet_mmio_write(&g->dev, off, 4, val);
}

static void put16(struct guest *g, uint64_t at, uint16_t v)
{
	g->ram[at] = (uint8_t)v;
	g->ram[at + 1] = (uint8_t)(v >> 8);
}

static void put32(struct guest *g, uint64_t at, uint32_t v)
{
	put16(g, at, (uint16_t)v);
	put16(g, at + 2, (uint16_t)(v >> 16));
}

static uint16_t get16(struct guest *g, uint64_t at)
{
	return (uint16_t)(g->ram[at] | g->ram[at + 1] << 8);
}

static uint32_t get32(struct guest *g, uint64_t at)
{
	return get16(g, at) | (uint32_t)get16(g, at + 2) << 16;
}

static void fresh_device(struct guest *g, const uint8_t *mac)
{
	struct vnet_config cfg = {
		.mem = { ram_read, ram_write, g },
		.tx = record_tx, .rx_kick = count_kick, .ctx = g,
	};

	memcpy(cfg.mac, mac, 6);
	memset(g, 0, sizeof(*g));
	vnet_init(&g->dev, &cfg);
}

/* 3.1.1 steps 1-6; true if the device kept FEATURES_OK. */
static bool negotiate(struct guest *g, uint64_t features)
{
	wr(g, VNET_MMIO_STATUS, VNET_S_ACKNOWLEDGE);
	wr(g, VNET_MMIO_STATUS, VNET_S_ACKNOWLEDGE | VNET_S_DRIVER);
	wr(g, VNET_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(g, VNET_MMIO_DRIVER_FEATURES, (uint32_t)features);
	wr(g, VNET_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(g, VNET_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
	wr(g, VNET_MMIO_STATUS, VNET_S_ACKNOWLEDGE | VNET_S_DRIVER |
				VNET_S_FEATURES_OK);
	return rd(g, VNET_MMIO_STATUS) & VNET_S_FEATURES_OK;
}

static void setup_queue_at(struct guest *g, unsigned q, uint32_t num,
			   uint64_t desc, uint64_t avail, uint64_t used)
{
	wr(g, VNET_MMIO_QUEUE_SEL, q);
	wr(g, VNET_MMIO_QUEUE_NUM, num);
	wr(g, VNET_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	wr(g, VNET_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	wr(g, VNET_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
	wr(g, VNET_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
	wr(g, VNET_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
	wr(g, VNET_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
	wr(g, VNET_MMIO_QUEUE_READY, 1);
}

static void setup_queue(struct guest *g, unsigned q)
{
	setup_queue_at(g, q, QN, desc_at[q], avail_at[q], used_at[q]);
}

static void driver_ok(struct guest *g)
{
	wr(g, VNET_MMIO_STATUS, rd(g, VNET_MMIO_STATUS) | VNET_S_DRIVER_OK);
}

/* A device a Linux-like driver has brought up: both queues of QN. */
static void bring_up(struct guest *g, const uint8_t *mac)
{
	fresh_device(g, mac);
	CHECK(negotiate(g, VNET_FEATURES));
	setup_queue(g, VNET_RXQ);
	setup_queue(g, VNET_TXQ);
	driver_ok(g);
	CHECK_EQ(rd(g, VNET_MMIO_STATUS), VNET_S_ACKNOWLEDGE | VNET_S_DRIVER |
		 VNET_S_FEATURES_OK | VNET_S_DRIVER_OK);
}

static void set_desc(struct guest *g, unsigned q, unsigned i, uint64_t addr,
		     uint32_t len, uint16_t flags, uint16_t next)
{
	uint64_t at = desc_at[q] + 16 * i;

	put32(g, at, (uint32_t)addr);
	put32(g, at + 4, (uint32_t)(addr >> 32));
	put32(g, at + 8, len);
	put16(g, at + 12, flags);
	put16(g, at + 14, next);
}

static void make_available(struct guest *g, unsigned q, uint16_t head)
{
	put16(g, avail_at[q] + 4 + 2 * (g->avail_idx[q] % QN), head);
	g->avail_idx[q]++;
	put16(g, avail_at[q] + 2, g->avail_idx[q]);
}

static uint16_t used_idx(struct guest *g, unsigned q)
{
	return get16(g, used_at[q] + 2);
}

static uint32_t used_id(struct guest *g, unsigned q, unsigned slot)
{
	return get32(g, used_at[q] + 4 + 8 * (slot % QN));
}

static uint32_t used_len(struct guest *g, unsigned q, unsigned slot)
{
	return get32(g, used_at[q] + 8 + 8 * (slot % QN));
}

/* An Ethernet frame of len bytes from src to dst, payload bytes seed+i. */
static void make_frame(uint8_t *f, size_t len, const uint8_t *dst,
		       const uint8_t *src, uint8_t seed)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	for (size_t i = 14; i < len; i++)
		f[i] = (uint8_t)(seed + i);
}

/* virtio_net_hdr (all zero) and a frame at gpa, for transmit. */
static void put_tx_packet(struct guest *g, uint64_t gpa, const uint8_t *frame,
			  size_t len)
{
	memset(g->ram + gpa, 0, VNET_HDR_LEN);
	memcpy(g->ram + gpa + VNET_HDR_LEN, frame, len);
}

/* One transmit chain of one descriptor at slot i; notify. */
static void tx_simple(struct guest *g, unsigned i, const uint8_t *frame,
		      size_t len)
{
	put_tx_packet(g, BUF(i), frame, len);
	set_desc(g, VNET_TXQ, i, BUF(i), (uint32_t)(VNET_HDR_LEN + len), 0, 0);
	make_available(g, VNET_TXQ, (uint16_t)i);
	wr(g, VNET_MMIO_QUEUE_NOTIFY, VNET_TXQ);
}

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* ---- registers -------------------------------------------------------------- */

static void test_identification(void)
{
	fresh_device(&ga, mac_a);
	CHECK_EQ(rd(&ga, VNET_MMIO_MAGIC), 0x74726976);
	CHECK_EQ(rd(&ga, VNET_MMIO_VERSION), 2);
	CHECK_EQ(rd(&ga, VNET_MMIO_DEVICE_ID), 1);
	CHECK_EQ(rd(&ga, VNET_MMIO_VENDOR_ID), VNET_VENDOR_ID);
	CHECK_EQ(rd(&ga, VNET_MMIO_STATUS), 0);
	CHECK_EQ(rd(&ga, VNET_MMIO_INTERRUPT_STATUS), 0);
	CHECK_EQ(rd(&ga, VNET_MMIO_CONFIG_GENERATION), 0);
	CHECK(!vnet_irq_line(&ga.dev));
	for (uint32_t q = 0; q < 2; q++) {
		wr(&ga, VNET_MMIO_QUEUE_SEL, q);
		CHECK_EQ(rd(&ga, VNET_MMIO_QUEUE_NUM_MAX), 256);
		CHECK_EQ(rd(&ga, VNET_MMIO_QUEUE_READY), 0);
	}
	/* No third queue (no control queue): QueueNumMax 0 (4.2.2.1). */
	wr(&ga, VNET_MMIO_QUEUE_SEL, 2);
	CHECK_EQ(rd(&ga, VNET_MMIO_QUEUE_NUM_MAX), 0);
	wr(&ga, VNET_MMIO_QUEUE_READY, 1);
	CHECK_EQ(rd(&ga, VNET_MMIO_QUEUE_READY), 0);
}

static void test_features_by_selector(void)
{
	fresh_device(&ga, mac_a);
	wr(&ga, VNET_MMIO_DEVICE_FEATURES_SEL, 0);
	CHECK_EQ(rd(&ga, VNET_MMIO_DEVICE_FEATURES), (1u << 5) | (1u << 16));
	wr(&ga, VNET_MMIO_DEVICE_FEATURES_SEL, 1);
	CHECK_EQ(rd(&ga, VNET_MMIO_DEVICE_FEATURES), 1u);   /* bit 32 */
	wr(&ga, VNET_MMIO_DEVICE_FEATURES_SEL, 2);
	CHECK_EQ(rd(&ga, VNET_MMIO_DEVICE_FEATURES), 0);
	wr(&ga, VNET_MMIO_DEVICE_FEATURES_SEL, 0xffffffff);
	CHECK_EQ(rd(&ga, VNET_MMIO_DEVICE_FEATURES), 0);
}

static void test_config_space(void)
{
	const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

	fresh_device(&ga, mac);
	for (unsigned i = 0; i < 6; i++)
		CHECK_EQ(vnet_mmio_read(&ga.dev, 0x100 + i, 1), mac[i]);
	CHECK_EQ(vnet_mmio_read(&ga.dev, 0x100, 4), 0x12005452);
	CHECK_EQ(vnet_mmio_read(&ga.dev, 0x104, 2), 0x5634);
	CHECK_EQ(vnet_mmio_read(&ga.dev, 0x106, 2), VNET_LINK_UP);
	CHECK_EQ(vnet_mmio_read(&ga.dev, 0x104, 4), 0x00015634);
	CHECK_EQ(vnet_mmio_read(&ga.dev, 0x108, 4), 0);
	CHECK_EQ(vnet_mmio_read(&ga.dev, 0x1fc, 4), 0);
	/* The MAC is read-only without VIRTIO_NET_F_CTRL_MAC_ADDR. */
	vnet_mmio_write(&ga.dev, 0x100, 4, 0xffffffff);
	vnet_mmio_write(&ga.dev, 0x100, 1, 0xff);
	CHECK_EQ(vnet_mmio_read(&ga.dev, 0x100, 4), 0x12005452);
	CHECK_EQ(ga.dev.stats.bad_access, 2);
	/* Misaligned or odd-sized config accesses. */
	CHECK_EQ(vnet_mmio_read(&ga.dev, 0x101, 2), 0);
	CHECK_EQ(vnet_mmio_read(&ga.dev, 0x102, 4), 0);
	CHECK_EQ(vnet_mmio_read(&ga.dev, 0x100, 8), 0);
	CHECK_EQ(vnet_mmio_read(&ga.dev, 0x100, 3), 0);
	CHECK_EQ(ga.dev.stats.bad_access, 6);
}

static void test_bad_register_access(void)
{
	fresh_device(&ga, mac_a);
	/* Control registers are 32-bit only (4.2.2.2). */
	CHECK_EQ(vnet_mmio_read(&ga.dev, VNET_MMIO_MAGIC, 1), 0);
	CHECK_EQ(vnet_mmio_read(&ga.dev, VNET_MMIO_MAGIC, 2), 0);
	CHECK_EQ(vnet_mmio_read(&ga.dev, VNET_MMIO_MAGIC + 1, 4), 0);
	CHECK_EQ(vnet_mmio_read(&ga.dev, VNET_MMIO_SIZE, 4), 0);
	CHECK_EQ(vnet_mmio_read(&ga.dev, 0xffffffff, 1), 0);
	CHECK_EQ(ga.dev.stats.bad_access, 5);
	/* A byte write to Status does not reach it. */
	vnet_mmio_write(&ga.dev, VNET_MMIO_STATUS, 1, VNET_S_ACKNOWLEDGE);
	CHECK_EQ(rd(&ga, VNET_MMIO_STATUS), 0);
	/* Read-only registers ignore writes. */
	wr(&ga, VNET_MMIO_MAGIC, 0);
	wr(&ga, VNET_MMIO_INTERRUPT_STATUS, 3);
	wr(&ga, VNET_MMIO_QUEUE_NUM_MAX, 3);
	CHECK_EQ(rd(&ga, VNET_MMIO_MAGIC), VNET_MAGIC);
	CHECK_EQ(rd(&ga, VNET_MMIO_INTERRUPT_STATUS), 0);
	CHECK_EQ(rd(&ga, VNET_MMIO_QUEUE_NUM_MAX), 256);
	CHECK_EQ(ga.dev.stats.bad_access, 9);
	/* Reserved and write-only offsets read 0. */
	CHECK_EQ(rd(&ga, 0x0c0), 0);
	CHECK_EQ(rd(&ga, VNET_MMIO_QUEUE_NOTIFY), 0);
}

/* ---- negotiation, reset, queue set-up ----------------------------------- */

static void test_negotiation(void)
{
	fresh_device(&ga, mac_a);
	CHECK(negotiate(&ga, VNET_FEATURES));
	/* Once FEATURES_OK is set the driver cannot change its mind. */
	wr(&ga, VNET_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(&ga, VNET_MMIO_DRIVER_FEATURES, 0xffffffff);
	CHECK_EQ(ga.dev.drv_features, VNET_FEATURES);

	/* Any subset with VERSION_1 is fine. */
	fresh_device(&ga, mac_a);
	CHECK(negotiate(&ga, VNET_F_VERSION_1));
	fresh_device(&ga, mac_a);
	CHECK(negotiate(&ga, VNET_F_VERSION_1 | VNET_F_MAC));
}

static void test_negotiation_refused(void)
{
	/* A legacy driver: no VERSION_1. */
	fresh_device(&ga, mac_a);
	CHECK(!negotiate(&ga, VNET_F_MAC | VNET_F_STATUS));
	CHECK_EQ(rd(&ga, VNET_MMIO_STATUS), VNET_S_ACKNOWLEDGE | VNET_S_DRIVER);
	/* Features we did not offer: mergeable buffers (15), indirect, event
	 * index, checksum (0). */
	fresh_device(&ga, mac_a);
	CHECK(!negotiate(&ga, VNET_FEATURES | (1ull << 15)));
	fresh_device(&ga, mac_a);
	CHECK(!negotiate(&ga, VNET_FEATURES | VNET_F_INDIRECT_DESC));
	fresh_device(&ga, mac_a);
	CHECK(!negotiate(&ga, VNET_FEATURES | VNET_F_EVENT_IDX));
	fresh_device(&ga, mac_a);
	CHECK(!negotiate(&ga, VNET_FEATURES | 1));
	/* A bit in word 2 (feature 64 and up). */
	fresh_device(&ga, mac_a);
	wr(&ga, VNET_MMIO_DRIVER_FEATURES_SEL, 2);
	wr(&ga, VNET_MMIO_DRIVER_FEATURES, 1);
	CHECK(!negotiate(&ga, VNET_FEATURES));
}

/* A driver that goes on to DRIVER_OK after a refusal gets no service. */
static void test_refused_device_stays_idle(void)
{
	uint8_t f[60];

	fresh_device(&ga, mac_a);
	CHECK(!negotiate(&ga, VNET_F_MAC));
	setup_queue(&ga, VNET_RXQ);
	setup_queue(&ga, VNET_TXQ);
	driver_ok(&ga);
	make_frame(f, sizeof(f), bcast, mac_a, 0);
	tx_simple(&ga, 0, f, sizeof(f));
	CHECK_EQ(ga.sent, 0);
	CHECK_EQ(used_idx(&ga, VNET_TXQ), 0);
	CHECK(!vnet_rx(&ga.dev, f, sizeof(f)));
	CHECK_EQ(ga.dev.stats.rx_drop[VNET_DROP_NOT_READY], 1);
}

static void test_reset(void)
{
	uint8_t f[60];

	bring_up(&ga, mac_a);
	make_frame(f, sizeof(f), bcast, mac_a, 0);
	tx_simple(&ga, 0, f, sizeof(f));
	CHECK(vnet_irq_line(&ga.dev));

	wr(&ga, VNET_MMIO_STATUS, 0);
	CHECK_EQ(rd(&ga, VNET_MMIO_STATUS), 0);
	CHECK_EQ(rd(&ga, VNET_MMIO_INTERRUPT_STATUS), 0);
	CHECK(!vnet_irq_line(&ga.dev));
	for (uint32_t q = 0; q < 2; q++) {
		wr(&ga, VNET_MMIO_QUEUE_SEL, q);
		CHECK_EQ(rd(&ga, VNET_MMIO_QUEUE_READY), 0);
		CHECK_EQ(ga.dev.q[q].num, 0);
		CHECK_EQ(ga.dev.q[q].desc, 0);
		CHECK_EQ(ga.dev.q[q].avail, 0);
		CHECK_EQ(ga.dev.q[q].used, 0);
	}
	CHECK_EQ(ga.dev.drv_features, 0);
	/* A notify after the reset touches nothing. */
	make_available(&ga, VNET_TXQ, 0);
	wr(&ga, VNET_MMIO_QUEUE_NOTIFY, VNET_TXQ);
	CHECK_EQ(ga.sent, 1);
	CHECK_EQ(used_idx(&ga, VNET_TXQ), 1);
	/* Counters survive a reset: they are the host's. */
	CHECK_EQ(ga.dev.stats.tx_frames, 1);

	/* The driver can start again, rings from index 0. */
	memset(ga.ram, 0, RAM_SIZE);
	ga.avail_idx[VNET_TXQ] = 0;
	CHECK(negotiate(&ga, VNET_FEATURES));
	setup_queue(&ga, VNET_RXQ);
	setup_queue(&ga, VNET_TXQ);
	driver_ok(&ga);
	tx_simple(&ga, 0, f, sizeof(f));
	CHECK_EQ(ga.sent, 2);
	CHECK_EQ(used_idx(&ga, VNET_TXQ), 1);
}

static bool queue_accepted(uint32_t num, uint64_t desc, uint64_t avail,
			   uint64_t used)
{
	fresh_device(&ga, mac_a);
	setup_queue_at(&ga, VNET_TXQ, num, desc, avail, used);
	return rd(&ga, VNET_MMIO_QUEUE_READY) == 1;
}

static void test_queue_setup(void)
{
	CHECK(queue_accepted(16, 0x1000, 0x2000, 0x3000));
	CHECK(queue_accepted(1, 0x1000, 0x2002, 0x3004));
	CHECK(queue_accepted(256, 0x1010, 0x2002, 0x3004));
	CHECK_EQ(ga.dev.q[VNET_TXQ].num, 256);
	CHECK_EQ(ga.dev.q[VNET_TXQ].desc, 0x1010);
	/* Sizes: zero, not a power of two, past QueueNumMax. */
	CHECK(!queue_accepted(0, 0x1000, 0x2000, 0x3000));
	CHECK(!queue_accepted(12, 0x1000, 0x2000, 0x3000));
	CHECK(!queue_accepted(512, 0x1000, 0x2000, 0x3000));
	/* Alignment (2.6): descriptors 16, avail 2, used 4. */
	CHECK(!queue_accepted(16, 0x1008, 0x2000, 0x3000));
	CHECK(!queue_accepted(16, 0x1000, 0x2001, 0x3000));
	CHECK(!queue_accepted(16, 0x1000, 0x2000, 0x3002));
	/* Parts that would wrap past 2^64. */
	CHECK(!queue_accepted(16, 0xfffffffffffffff0ull, 0x2000, 0x3000));
	CHECK(!queue_accepted(16, 0x1000, 0xfffffffffffffffeull, 0x3000));
	CHECK(!queue_accepted(16, 0x1000, 0x2000, 0xfffffffffffffffcull));
	/* High halves land in the high bits. */
	CHECK(queue_accepted(16, 0x500001000ull, 0x600002000ull, 0x700003000ull));
	CHECK_EQ(ga.dev.q[VNET_TXQ].desc, 0x500001000ull);
	CHECK_EQ(ga.dev.q[VNET_TXQ].avail, 0x600002000ull);
	CHECK_EQ(ga.dev.q[VNET_TXQ].used, 0x700003000ull);
}

static void test_queue_frozen_while_ready(void)
{
	uint8_t f[60];

	bring_up(&ga, mac_a);
	/* Setting QueueReady again does not rewind the ring. */
	make_frame(f, sizeof(f), bcast, mac_a, 0);
	tx_simple(&ga, 0, f, sizeof(f));
	wr(&ga, VNET_MMIO_QUEUE_SEL, VNET_TXQ);
	wr(&ga, VNET_MMIO_QUEUE_READY, 1);
	tx_simple(&ga, 1, f, sizeof(f));
	CHECK_EQ(ga.sent, 2);
	CHECK_EQ(used_idx(&ga, VNET_TXQ), 2);
	CHECK_EQ(used_id(&ga, VNET_TXQ, 1), 1);
	wr(&ga, VNET_MMIO_QUEUE_SEL, VNET_TXQ);
	wr(&ga, VNET_MMIO_QUEUE_NUM, 4);
	wr(&ga, VNET_MMIO_QUEUE_DESC_LOW, 0x8000);
	wr(&ga, VNET_MMIO_QUEUE_DRIVER_HIGH, 1);
	wr(&ga, VNET_MMIO_QUEUE_DEVICE_LOW, 0x9000);
	CHECK_EQ(ga.dev.q[VNET_TXQ].num, QN);
	CHECK_EQ(ga.dev.q[VNET_TXQ].desc, desc_at[VNET_TXQ]);
	CHECK_EQ(ga.dev.q[VNET_TXQ].avail, avail_at[VNET_TXQ]);
	CHECK_EQ(ga.dev.q[VNET_TXQ].used, used_at[VNET_TXQ]);
	/* Writing 0 to QueueReady stops the queue; then it can change. */
	wr(&ga, VNET_MMIO_QUEUE_READY, 0);
	CHECK_EQ(rd(&ga, VNET_MMIO_QUEUE_READY), 0);
	wr(&ga, VNET_MMIO_QUEUE_NUM, 4);
	CHECK_EQ(ga.dev.q[VNET_TXQ].num, 4);
	/* The other queue was not affected. */
	wr(&ga, VNET_MMIO_QUEUE_SEL, VNET_RXQ);
	CHECK_EQ(rd(&ga, VNET_MMIO_QUEUE_READY), 1);
}

/* ---- transmit ---------------------------------------------------------------- */

static void test_tx_one_descriptor(void)
{
	uint8_t f[100];

	bring_up(&ga, mac_a);
	make_frame(f, sizeof(f), bcast, mac_a, 7);
	tx_simple(&ga, 3, f, sizeof(f));

	CHECK_EQ(ga.sent, 1);
	CHECK_EQ(ga.sent_len[0], sizeof(f));         /* header stripped */
	CHECK(memcmp(ga.sent_frame[0], f, sizeof(f)) == 0);
	CHECK_EQ(used_idx(&ga, VNET_TXQ), 1);
	CHECK_EQ(used_id(&ga, VNET_TXQ, 0), 3);
	CHECK_EQ(used_len(&ga, VNET_TXQ, 0), 0);     /* nothing written */
	CHECK_EQ(rd(&ga, VNET_MMIO_INTERRUPT_STATUS), VNET_INT_USED_RING);
	CHECK(vnet_irq_line(&ga.dev));
	wr(&ga, VNET_MMIO_INTERRUPT_ACK, VNET_INT_USED_RING);
	CHECK_EQ(rd(&ga, VNET_MMIO_INTERRUPT_STATUS), 0);
	CHECK(!vnet_irq_line(&ga.dev));
	CHECK_EQ(ga.dev.stats.tx_frames, 1);
	CHECK_EQ(ga.dev.stats.tx_bytes, sizeof(f));

	/* A second notify with nothing new does nothing. */
	wr(&ga, VNET_MMIO_QUEUE_NOTIFY, VNET_TXQ);
	CHECK_EQ(ga.sent, 1);
	CHECK_EQ(used_idx(&ga, VNET_TXQ), 1);
	CHECK(!vnet_irq_line(&ga.dev));
}

/* The header alone, then the frame in two pieces; table order 5, 2, 9. */
static void test_tx_chain(void)
{
	uint8_t f[300];

	bring_up(&ga, mac_a);
	make_frame(f, sizeof(f), mac_b, mac_a, 1);
	memset(ga.ram + BUF(0), 0, VNET_HDR_LEN);
	memcpy(ga.ram + BUF(1), f, 100);
	memcpy(ga.ram + BUF(2), f + 100, 200);
	set_desc(&ga, VNET_TXQ, 5, BUF(0), VNET_HDR_LEN, VNET_DESC_F_NEXT, 2);
	set_desc(&ga, VNET_TXQ, 2, BUF(1), 100, VNET_DESC_F_NEXT, 9);
	set_desc(&ga, VNET_TXQ, 9, BUF(2), 200, 0, 0);
	make_available(&ga, VNET_TXQ, 5);
	wr(&ga, VNET_MMIO_QUEUE_NOTIFY, VNET_TXQ);

	CHECK_EQ(ga.sent, 1);
	CHECK_EQ(ga.sent_len[0], sizeof(f));
	CHECK(memcmp(ga.sent_frame[0], f, sizeof(f)) == 0);
	CHECK_EQ(used_id(&ga, VNET_TXQ, 0), 5);
	/* A header split across descriptors, and a zero-length link. */
	put_tx_packet(&ga, BUF(3), f, 60);
	set_desc(&ga, VNET_TXQ, 0, BUF(3), 5, VNET_DESC_F_NEXT, 1);
	set_desc(&ga, VNET_TXQ, 1, RAM_SIZE + 0x1000, 0, VNET_DESC_F_NEXT, 3);
	set_desc(&ga, VNET_TXQ, 3, BUF(3) + 5, VNET_HDR_LEN + 60 - 5, 0, 0);
	make_available(&ga, VNET_TXQ, 0);
	wr(&ga, VNET_MMIO_QUEUE_NOTIFY, VNET_TXQ);
	CHECK_EQ(ga.sent, 2);
	CHECK_EQ(ga.sent_len[1], 60);
	CHECK(memcmp(ga.sent_frame[1], f, 60) == 0);
}

/* Several chains, one notify, in order; the avail index wraps. */
static void test_tx_batch_and_wrap(void)
{
	uint8_t f[64];

	bring_up(&ga, mac_a);
	ga.dev.q[VNET_TXQ].last_avail = 0xfffe;
	ga.dev.q[VNET_TXQ].used_idx = 0xfffe;
	ga.avail_idx[VNET_TXQ] = 0xfffe;
	for (unsigned i = 0; i < 4; i++) {
		make_frame(f, sizeof(f), bcast, mac_a, (uint8_t)i);
		put_tx_packet(&ga, BUF(i), f, sizeof(f));
		set_desc(&ga, VNET_TXQ, i, BUF(i), VNET_HDR_LEN + sizeof(f), 0, 0);
		make_available(&ga, VNET_TXQ, (uint16_t)i);
	}
	wr(&ga, VNET_MMIO_QUEUE_NOTIFY, VNET_TXQ);
	CHECK_EQ(ga.sent, 4);
	for (unsigned i = 0; i < 4; i++) {
		CHECK_EQ(ga.sent_frame[i][20], (uint8_t)(i + 20));
		CHECK_EQ(used_id(&ga, VNET_TXQ, 0xfffe + i), i);
	}
	CHECK_EQ(used_idx(&ga, VNET_TXQ), 2);        /* 0xfffe + 4 */
}

static void test_tx_no_interrupt_flag(void)
{
	uint8_t f[64];

	bring_up(&ga, mac_a);
	put16(&ga, avail_at[VNET_TXQ], VNET_AVAIL_F_NO_INTERRUPT);
	make_frame(f, sizeof(f), bcast, mac_a, 0);
	tx_simple(&ga, 0, f, sizeof(f));
	CHECK_EQ(ga.sent, 1);
	CHECK_EQ(used_idx(&ga, VNET_TXQ), 1);
	CHECK_EQ(rd(&ga, VNET_MMIO_INTERRUPT_STATUS), 0);
	CHECK(!vnet_irq_line(&ga.dev));
}

/* Only a chain that survived all checks reaches tx(); each bad one comes
 * back with length 0, an interrupt, and its cause counted once. */
static void expect_tx_dropped(uint16_t head, enum vnet_drop why)
{
	uint16_t before = used_idx(&ga, VNET_TXQ);
	uint64_t drops = ga.dev.stats.tx_drop[why];
	int sent = ga.sent;

	make_available(&ga, VNET_TXQ, head);
	wr(&ga, VNET_MMIO_QUEUE_NOTIFY, VNET_TXQ);
	CHECK_EQ(ga.sent, sent);
	CHECK_EQ(ga.dev.stats.tx_drop[why], drops + 1);
	CHECK_EQ(used_idx(&ga, VNET_TXQ), (uint16_t)(before + 1));
	CHECK_EQ(used_id(&ga, VNET_TXQ, before), head);
	CHECK_EQ(used_len(&ga, VNET_TXQ, before), 0);
	CHECK(vnet_irq_line(&ga.dev));
	CHECK_EQ(rd(&ga, VNET_MMIO_STATUS) & VNET_S_NEEDS_RESET, 0);
	wr(&ga, VNET_MMIO_INTERRUPT_ACK, 0xffffffff);
}

static void test_tx_bad_address(void)
{
	uint8_t f[64];

	bring_up(&ga, mac_a);
	make_frame(f, sizeof(f), bcast, mac_a, 0);
	put_tx_packet(&ga, BUF(0), f, sizeof(f));
	/* Wholly outside RAM, straddling its end, wrapping past 2^64. */
	set_desc(&ga, VNET_TXQ, 0, RAM_SIZE + 0x1000, 76, 0, 0);
	expect_tx_dropped(0, VNET_DROP_BAD_ADDR);
	set_desc(&ga, VNET_TXQ, 1, RAM_SIZE - 40, 76, 0, 0);
	expect_tx_dropped(1, VNET_DROP_BAD_ADDR);
	set_desc(&ga, VNET_TXQ, 2, 0xffffffffffffffc0ull, 76, 0, 0);
	expect_tx_dropped(2, VNET_DROP_BAD_ADDR);
	/* Good first link, bad second. */
	set_desc(&ga, VNET_TXQ, 3, BUF(0), VNET_HDR_LEN, VNET_DESC_F_NEXT, 4);
	set_desc(&ga, VNET_TXQ, 4, 0x100000000ull, 64, 0, 0);
	expect_tx_dropped(3, VNET_DROP_BAD_ADDR);
	/* A descriptor table outside RAM: the frame is lost, but the head
	 * is still given back. */
	ga.dev.q[VNET_TXQ].desc = RAM_SIZE;
	expect_tx_dropped(0, VNET_DROP_BAD_ADDR);
	ga.dev.q[VNET_TXQ].desc = desc_at[VNET_TXQ];
	/* And the device still works. */
	tx_simple(&ga, 5, f, sizeof(f));
	CHECK_EQ(ga.sent, 1);
}

static void test_tx_length(void)
{
	uint8_t f[VNET_FRAME_MAX + 1];

	bring_up(&ga, mac_a);
	make_frame(f, sizeof(f), bcast, mac_a, 0);
	put_tx_packet(&ga, BUF(0), f, sizeof(f));
	/* One byte too many, in one descriptor, then over two. */
	set_desc(&ga, VNET_TXQ, 0, BUF(0), VNET_HDR_LEN + VNET_FRAME_MAX + 1, 0, 0);
	expect_tx_dropped(0, VNET_DROP_TOO_BIG);
	set_desc(&ga, VNET_TXQ, 1, BUF(0), 1000, VNET_DESC_F_NEXT, 2);
	set_desc(&ga, VNET_TXQ, 2, BUF(0) + 1000, VNET_HDR_LEN + VNET_FRAME_MAX + 1 - 1000, 0, 0);
	expect_tx_dropped(1, VNET_DROP_TOO_BIG);
	/* A huge length does not overflow the sum. */
	set_desc(&ga, VNET_TXQ, 3, BUF(0), 100, VNET_DESC_F_NEXT, 4);
	set_desc(&ga, VNET_TXQ, 4, BUF(0), 0xffffffff, 0, 0);
	expect_tx_dropped(3, VNET_DROP_TOO_BIG);
	/* Shorter than header + Ethernet header; header only; nothing. */
	set_desc(&ga, VNET_TXQ, 5, BUF(0), VNET_HDR_LEN + VNET_ETH_HLEN - 1, 0, 0);
	expect_tx_dropped(5, VNET_DROP_TOO_SHORT);
	set_desc(&ga, VNET_TXQ, 6, BUF(0), VNET_HDR_LEN, 0, 0);
	expect_tx_dropped(6, VNET_DROP_TOO_SHORT);
	set_desc(&ga, VNET_TXQ, 7, BUF(0), 0, 0, 0);
	expect_tx_dropped(7, VNET_DROP_TOO_SHORT);
	CHECK_EQ(ga.sent, 0);
	/* Both limits themselves are fine. */
	set_desc(&ga, VNET_TXQ, 8, BUF(0), VNET_HDR_LEN + VNET_FRAME_MAX, 0, 0);
	make_available(&ga, VNET_TXQ, 8);
	set_desc(&ga, VNET_TXQ, 9, BUF(0), VNET_HDR_LEN + VNET_ETH_HLEN, 0, 0);
	make_available(&ga, VNET_TXQ, 9);
	wr(&ga, VNET_MMIO_QUEUE_NOTIFY, VNET_TXQ);
	CHECK_EQ(ga.sent, 2);
	CHECK_EQ(ga.sent_len[0], VNET_FRAME_MAX);
	CHECK_EQ(ga.sent_len[1], VNET_ETH_HLEN);
	CHECK(memcmp(ga.sent_frame[0], f, VNET_FRAME_MAX) == 0);
}

static void test_tx_loop(void)
{
	uint8_t f[64];

	bring_up(&ga, mac_a);
	make_frame(f, sizeof(f), bcast, mac_a, 0);
	put_tx_packet(&ga, BUF(0), f, sizeof(f));
	/* 0 -> 1 -> 0 -> ..., and 3 -> 3 with no data at all. */
	set_desc(&ga, VNET_TXQ, 0, BUF(0), 1, VNET_DESC_F_NEXT, 1);
	set_desc(&ga, VNET_TXQ, 1, BUF(0), 1, VNET_DESC_F_NEXT, 0);
	expect_tx_dropped(0, VNET_DROP_LOOP);
	set_desc(&ga, VNET_TXQ, 3, BUF(0), 0, VNET_DESC_F_NEXT, 3);
	expect_tx_dropped(3, VNET_DROP_LOOP);
	/* A chain through all QN descriptors is still legal. */
	for (unsigned i = 0; i < QN; i++)
		set_desc(&ga, VNET_TXQ, i, BUF(0) + 5 * i, 5,
			 i + 1 < QN ? VNET_DESC_F_NEXT : 0, (uint16_t)(i + 1));
	make_available(&ga, VNET_TXQ, 0);
	wr(&ga, VNET_MMIO_QUEUE_NOTIFY, VNET_TXQ);
	CHECK_EQ(ga.sent, 1);
	CHECK_EQ(ga.sent_len[0], 5 * QN - VNET_HDR_LEN);
	CHECK(memcmp(ga.sent_frame[0], f, sizeof(f)) == 0);
}

static void test_tx_bad_flags(void)
{
	uint8_t f[64];

	bring_up(&ga, mac_a);
	make_frame(f, sizeof(f), bcast, mac_a, 0);
	put_tx_packet(&ga, BUF(0), f, sizeof(f));
	set_desc(&ga, VNET_TXQ, 0, BUF(0), 76, VNET_DESC_F_INDIRECT, 0);
	expect_tx_dropped(0, VNET_DROP_BAD_FLAGS);
	set_desc(&ga, VNET_TXQ, 1, BUF(0), 76, 0x8, 0);
	expect_tx_dropped(1, VNET_DROP_BAD_FLAGS);
	/* On a later link too. */
	set_desc(&ga, VNET_TXQ, 2, BUF(0), 12, VNET_DESC_F_NEXT, 3);
	set_desc(&ga, VNET_TXQ, 3, BUF(0) + 12, 64, VNET_DESC_F_INDIRECT, 0);
	expect_tx_dropped(2, VNET_DROP_BAD_FLAGS);
	/* A device-writable buffer has no place in a transmit chain. */
	set_desc(&ga, VNET_TXQ, 4, BUF(0), 76, VNET_DESC_F_WRITE, 0);
	expect_tx_dropped(4, VNET_DROP_WRONG_DIR);
	set_desc(&ga, VNET_TXQ, 5, BUF(0), 12, VNET_DESC_F_NEXT, 6);
	set_desc(&ga, VNET_TXQ, 6, BUF(0) + 12, 64, VNET_DESC_F_WRITE, 0);
	expect_tx_dropped(5, VNET_DROP_WRONG_DIR);
	/* next past the table. */
	set_desc(&ga, VNET_TXQ, 7, BUF(0), 12, VNET_DESC_F_NEXT, QN);
	expect_tx_dropped(7, VNET_DROP_BAD_NEXT);
	set_desc(&ga, VNET_TXQ, 8, BUF(0), 12, VNET_DESC_F_NEXT, 0xffff);
	expect_tx_dropped(8, VNET_DROP_BAD_NEXT);
	/* next is ignored without F_NEXT. */
	set_desc(&ga, VNET_TXQ, 9, BUF(0), 76, 0, 0xffff);
	make_available(&ga, VNET_TXQ, 9);
	wr(&ga, VNET_MMIO_QUEUE_NOTIFY, VNET_TXQ);
	CHECK_EQ(ga.sent, 1);
}

static void test_tx_bad_header(void)
{
	uint8_t f[64];

	bring_up(&ga, mac_a);
	make_frame(f, sizeof(f), bcast, mac_a, 0);
	put_tx_packet(&ga, BUF(0), f, sizeof(f));
	ga.ram[BUF(0)] = 1;                  /* VIRTIO_NET_HDR_F_NEEDS_CSUM */
	set_desc(&ga, VNET_TXQ, 0, BUF(0), 76, 0, 0);
	expect_tx_dropped(0, VNET_DROP_BAD_HDR);
	ga.ram[BUF(0)] = 0;
	ga.ram[BUF(0) + 1] = 1;              /* VIRTIO_NET_HDR_GSO_TCPV4 */
	expect_tx_dropped(0, VNET_DROP_BAD_HDR);
	/* Fields that mean nothing without offloads are ignored. */
	memset(ga.ram + BUF(0) + 2, 0x55, VNET_HDR_LEN - 2);
	ga.ram[BUF(0) + 1] = 0;
	make_available(&ga, VNET_TXQ, 0);
	wr(&ga, VNET_MMIO_QUEUE_NOTIFY, VNET_TXQ);
	CHECK_EQ(ga.sent, 1);
	/* None of it leaks into a received frame's header. */
	set_desc(&ga, VNET_RXQ, 0, BUF(1), 1526, VNET_DESC_F_WRITE, 0);
	make_available(&ga, VNET_RXQ, 0);
	CHECK(vnet_rx(&ga.dev, f, sizeof(f)));
	CHECK(memcmp(ga.ram + BUF(1), (const uint8_t[VNET_HDR_LEN]){ [10] = 1 },
		     VNET_HDR_LEN) == 0);
}

/* Good, bad, good in one batch: both good ones go, all three return. */
static void test_tx_bad_among_good(void)
{
	uint8_t f[64];

	bring_up(&ga, mac_a);
	make_frame(f, sizeof(f), bcast, mac_a, 0);
	put_tx_packet(&ga, BUF(0), f, sizeof(f));
	set_desc(&ga, VNET_TXQ, 0, BUF(0), 76, 0, 0);
	set_desc(&ga, VNET_TXQ, 1, BUF(0), 76, VNET_DESC_F_INDIRECT, 0);
	set_desc(&ga, VNET_TXQ, 2, BUF(0), 76, 0, 0);
	for (uint16_t i = 0; i < 3; i++)
		make_available(&ga, VNET_TXQ, i);
	wr(&ga, VNET_MMIO_QUEUE_NOTIFY, VNET_TXQ);
	CHECK_EQ(ga.sent, 2);
	CHECK_EQ(used_idx(&ga, VNET_TXQ), 3);
	for (unsigned i = 0; i < 3; i++)
		CHECK_EQ(used_id(&ga, VNET_TXQ, i), i);
	CHECK_EQ(ga.dev.stats.tx_drop[VNET_DROP_BAD_FLAGS], 1);
}

/* ---- broken rings: NEEDS_RESET ------------------------------------------- */

static void expect_needs_reset(void)
{
	CHECK(rd(&ga, VNET_MMIO_STATUS) & VNET_S_NEEDS_RESET);
	CHECK(rd(&ga, VNET_MMIO_INTERRUPT_STATUS) & VNET_INT_CONFIG);
	CHECK(vnet_irq_line(&ga.dev));
	CHECK_EQ(ga.dev.stats.ring_errors, 1);
}

static void test_bad_head_needs_reset(void)
{
	uint8_t f[64];

	bring_up(&ga, mac_a);
	make_frame(f, sizeof(f), bcast, mac_a, 0);
	put_tx_packet(&ga, BUF(0), f, sizeof(f));
	set_desc(&ga, VNET_TXQ, 0, BUF(0), 76, 0, 0);
	make_available(&ga, VNET_TXQ, QN);       /* no such descriptor */
	make_available(&ga, VNET_TXQ, 0);
	wr(&ga, VNET_MMIO_QUEUE_NOTIFY, VNET_TXQ);
	expect_needs_reset();
	CHECK_EQ(ga.sent, 0);
	CHECK_EQ(used_idx(&ga, VNET_TXQ), 0);
	/* The driver cannot clear it; the device stays stopped. */
	wr(&ga, VNET_MMIO_STATUS, VNET_S_ACKNOWLEDGE | VNET_S_DRIVER |
				  VNET_S_FEATURES_OK | VNET_S_DRIVER_OK);
	CHECK(rd(&ga, VNET_MMIO_STATUS) & VNET_S_NEEDS_RESET);
	wr(&ga, VNET_MMIO_QUEUE_NOTIFY, VNET_TXQ);
	CHECK_EQ(ga.sent, 0);
	CHECK(!vnet_rx(&ga.dev, f, sizeof(f)));
	CHECK_EQ(ga.dev.stats.rx_drop[VNET_DROP_NOT_READY], 1);
	/* Acknowledging one cause leaves the other. */
	ga.dev.isr |= VNET_INT_USED_RING;
	wr(&ga, VNET_MMIO_INTERRUPT_ACK, VNET_INT_USED_RING);
	CHECK_EQ(rd(&ga, VNET_MMIO_INTERRUPT_STATUS), VNET_INT_CONFIG);
	CHECK(vnet_irq_line(&ga.dev));
	/* A reset clears it. */
	wr(&ga, VNET_MMIO_STATUS, 0);
	CHECK_EQ(rd(&ga, VNET_MMIO_STATUS), 0);
	CHECK(!vnet_irq_line(&ga.dev));
}

static void test_avail_runaway_needs_reset(void)
{
	bring_up(&ga, mac_a);
	put16(&ga, avail_at[VNET_TXQ] + 2, QN + 1);
	wr(&ga, VNET_MMIO_QUEUE_NOTIFY, VNET_TXQ);
	expect_needs_reset();
	CHECK_EQ(ga.sent, 0);
}

static void test_rings_outside_ram_need_reset(void)
{
	uint8_t f[64];

	/* The used ring is not in RAM: nothing can be given back. */
	fresh_device(&ga, mac_a);
	CHECK(negotiate(&ga, VNET_FEATURES));
	setup_queue_at(&ga, VNET_TXQ, QN, desc_at[VNET_TXQ],
		       avail_at[VNET_TXQ], RAM_SIZE);
	driver_ok(&ga);
	make_frame(f, sizeof(f), bcast, mac_a, 0);
	tx_simple(&ga, 0, f, sizeof(f));
	expect_needs_reset();

	/* The available ring is not in RAM. */
	fresh_device(&ga, mac_a);
	CHECK(negotiate(&ga, VNET_FEATURES));
	setup_queue_at(&ga, VNET_TXQ, QN, desc_at[VNET_TXQ], RAM_SIZE + 2,
		       used_at[VNET_TXQ]);
	driver_ok(&ga);
	wr(&ga, VNET_MMIO_QUEUE_NOTIFY, VNET_TXQ);
	expect_needs_reset();
	CHECK_EQ(ga.sent, 0);
}

/* ---- receive ----------------------------------------------------------------- */

/* A receive buffer of len bytes at BUF(i) in descriptor i. */
static void post_rx(struct guest *g, unsigned i, uint32_t len)
{
	memset(g->ram + BUF(i), 0xcc, len);
	set_desc(g, VNET_RXQ, i, BUF(i), len, VNET_DESC_F_WRITE, 0);
	make_available(g, VNET_RXQ, (uint16_t)i);
}

static bool hdr_ok(struct guest *g, uint64_t at)
{
	static const uint8_t want[VNET_HDR_LEN] = { [10] = 1 };

	return memcmp(g->ram + at, want, VNET_HDR_LEN) == 0;
}

static void test_rx_one_buffer(void)
{
	uint8_t f[60];

	bring_up(&ga, mac_a);
	post_rx(&ga, 4, 1526);
	make_frame(f, sizeof(f), mac_a, mac_b, 3);
	CHECK(vnet_rx(&ga.dev, f, sizeof(f)));

	CHECK(hdr_ok(&ga, BUF(4)));      /* zero, num_buffers = 1 */
	CHECK(memcmp(ga.ram + BUF(4) + VNET_HDR_LEN, f, sizeof(f)) == 0);
	CHECK_EQ(ga.ram[BUF(4) + VNET_HDR_LEN + sizeof(f)], 0xcc);
	CHECK_EQ(used_idx(&ga, VNET_RXQ), 1);
	CHECK_EQ(used_id(&ga, VNET_RXQ, 0), 4);
	CHECK_EQ(used_len(&ga, VNET_RXQ, 0), VNET_HDR_LEN + sizeof(f));
	CHECK_EQ(rd(&ga, VNET_MMIO_INTERRUPT_STATUS), VNET_INT_USED_RING);
	wr(&ga, VNET_MMIO_INTERRUPT_ACK, VNET_INT_USED_RING);
	CHECK(!vnet_irq_line(&ga.dev));
	CHECK_EQ(ga.dev.stats.rx_frames, 1);
	CHECK_EQ(ga.dev.stats.rx_bytes, sizeof(f));
	/* The buffer is used up: the next frame finds none. */
	CHECK(!vnet_rx(&ga.dev, f, sizeof(f)));
	CHECK_EQ(ga.dev.stats.rx_drop[VNET_DROP_NO_BUFFER], 1);
	CHECK_EQ(used_idx(&ga, VNET_RXQ), 1);
	CHECK(!vnet_irq_line(&ga.dev));
}

/* Header and frame in separate buffers (as some drivers post them),
 * then a frame spread over three small ones. */
static void test_rx_chain(void)
{
	uint8_t f[VNET_FRAME_MAX];

	bring_up(&ga, mac_a);
	make_frame(f, sizeof(f), mac_a, mac_b, 9);
	memset(ga.ram + BUF(0), 0xcc, 0x3000);
	set_desc(&ga, VNET_RXQ, 7, BUF(0), VNET_HDR_LEN,
		 VNET_DESC_F_WRITE | VNET_DESC_F_NEXT, 3);
	set_desc(&ga, VNET_RXQ, 3, BUF(1), VNET_FRAME_MAX, VNET_DESC_F_WRITE, 0);
	make_available(&ga, VNET_RXQ, 7);
	CHECK(vnet_rx(&ga.dev, f, sizeof(f)));
	CHECK(hdr_ok(&ga, BUF(0)));
	CHECK(memcmp(ga.ram + BUF(1), f, sizeof(f)) == 0);
	CHECK_EQ(used_len(&ga, VNET_RXQ, 0), VNET_HDR_LEN + VNET_FRAME_MAX);

	set_desc(&ga, VNET_RXQ, 0, BUF(2), 10, VNET_DESC_F_WRITE | VNET_DESC_F_NEXT, 1);
	set_desc(&ga, VNET_RXQ, 1, BUF(2) + 10, 30, VNET_DESC_F_WRITE | VNET_DESC_F_NEXT, 2);
	set_desc(&ga, VNET_RXQ, 2, BUF(2) + 40, 100, VNET_DESC_F_WRITE, 0);
	make_available(&ga, VNET_RXQ, 0);
	CHECK(vnet_rx(&ga.dev, f, 100));
	CHECK(hdr_ok(&ga, BUF(2)));
	CHECK(memcmp(ga.ram + BUF(2) + VNET_HDR_LEN, f, 100) == 0);
	CHECK_EQ(ga.ram[BUF(2) + VNET_HDR_LEN + 100], 0xcc);
	CHECK_EQ(used_len(&ga, VNET_RXQ, 1), VNET_HDR_LEN + 100);
	CHECK_EQ(used_id(&ga, VNET_RXQ, 1), 0);

	/* An empty link is skipped, wherever it claims to be. */
	set_desc(&ga, VNET_RXQ, 4, RAM_SIZE + 0x1000, 0, VNET_DESC_F_WRITE | VNET_DESC_F_NEXT, 5);
	set_desc(&ga, VNET_RXQ, 5, BUF(2), 1526, VNET_DESC_F_WRITE, 0);
	make_available(&ga, VNET_RXQ, 4);
	CHECK(vnet_rx(&ga.dev, f, 100));
	CHECK_EQ(used_len(&ga, VNET_RXQ, 2), VNET_HDR_LEN + 100);
}

static void test_rx_not_ready(void)
{
	uint8_t f[60];

	make_frame(f, sizeof(f), mac_a, mac_b, 0);
	fresh_device(&ga, mac_a);
	CHECK(!vnet_rx(&ga.dev, f, sizeof(f)));
	/* Queues set up, no DRIVER_OK yet. */
	CHECK(negotiate(&ga, VNET_FEATURES));
	setup_queue(&ga, VNET_RXQ);
	post_rx(&ga, 0, 1526);
	CHECK(!vnet_rx(&ga.dev, f, sizeof(f)));
	/* DRIVER_OK, but the receive queue stopped. */
	driver_ok(&ga);
	wr(&ga, VNET_MMIO_QUEUE_SEL, VNET_RXQ);
	wr(&ga, VNET_MMIO_QUEUE_READY, 0);
	CHECK(!vnet_rx(&ga.dev, f, sizeof(f)));
	/* FAILED from the driver. */
	wr(&ga, VNET_MMIO_QUEUE_READY, 1);
	wr(&ga, VNET_MMIO_STATUS, rd(&ga, VNET_MMIO_STATUS) | VNET_S_FAILED);
	CHECK(!vnet_rx(&ga.dev, f, sizeof(f)));
	CHECK_EQ(ga.dev.stats.rx_drop[VNET_DROP_NOT_READY], 4);
	CHECK_EQ(used_idx(&ga, VNET_RXQ), 0);
	CHECK(ga.ram[BUF(0)] == 0xcc);
}

/* A bad receive chain loses the frame but is given back with length 0;
 * the next chain is used for the next frame. */
static void expect_rx_dropped(uint16_t head, enum vnet_drop why)
{
	uint16_t before = used_idx(&ga, VNET_RXQ);
	uint64_t drops = ga.dev.stats.rx_drop[why];
	uint64_t frames = ga.dev.stats.rx_frames;
	uint8_t f[200];

	make_frame(f, sizeof(f), mac_a, mac_b, 0);
	make_available(&ga, VNET_RXQ, head);
	CHECK(!vnet_rx(&ga.dev, f, sizeof(f)));
	CHECK_EQ(ga.dev.stats.rx_drop[why], drops + 1);
	CHECK_EQ(ga.dev.stats.rx_frames, frames);
	CHECK_EQ(used_idx(&ga, VNET_RXQ), (uint16_t)(before + 1));
	CHECK_EQ(used_id(&ga, VNET_RXQ, before), head);
	CHECK_EQ(used_len(&ga, VNET_RXQ, before), 0);
	CHECK(vnet_irq_line(&ga.dev));
	CHECK_EQ(rd(&ga, VNET_MMIO_STATUS) & VNET_S_NEEDS_RESET, 0);
	wr(&ga, VNET_MMIO_INTERRUPT_ACK, 0xffffffff);
}

static void test_rx_too_small(void)
{
	uint8_t f[200];

	bring_up(&ga, mac_a);
	memset(ga.ram + BUF(0), 0xcc, 0x1000);
	set_desc(&ga, VNET_RXQ, 0, BUF(0), VNET_HDR_LEN + 199, VNET_DESC_F_WRITE, 0);
	expect_rx_dropped(0, VNET_DROP_TOO_SHORT);
	set_desc(&ga, VNET_RXQ, 1, BUF(0), 100, VNET_DESC_F_WRITE | VNET_DESC_F_NEXT, 2);
	set_desc(&ga, VNET_RXQ, 2, BUF(0) + 100, 100, VNET_DESC_F_WRITE, 0);
	expect_rx_dropped(1, VNET_DROP_TOO_SHORT);
	/* Not even room for the header. */
	set_desc(&ga, VNET_RXQ, 3, BUF(0), 4, VNET_DESC_F_WRITE, 0);
	expect_rx_dropped(3, VNET_DROP_TOO_SHORT);
	/* Exactly enough is enough. */
	post_rx(&ga, 4, VNET_HDR_LEN + 200);
	make_frame(f, sizeof(f), mac_a, mac_b, 0);
	CHECK(vnet_rx(&ga.dev, f, sizeof(f)));
	CHECK_EQ(used_len(&ga, VNET_RXQ, 3), VNET_HDR_LEN + 200);
}

static void test_rx_bad_chains(void)
{
	bring_up(&ga, mac_a);
	/* Outside RAM: wholly, at its end, in the second link. */
	set_desc(&ga, VNET_RXQ, 0, RAM_SIZE, 1526, VNET_DESC_F_WRITE, 0);
	expect_rx_dropped(0, VNET_DROP_BAD_ADDR);
	set_desc(&ga, VNET_RXQ, 1, RAM_SIZE - 100, 1526, VNET_DESC_F_WRITE, 0);
	expect_rx_dropped(1, VNET_DROP_BAD_ADDR);
	set_desc(&ga, VNET_RXQ, 2, BUF(0), 20, VNET_DESC_F_WRITE | VNET_DESC_F_NEXT, 3);
	set_desc(&ga, VNET_RXQ, 3, 0xfffffffffffff000ull, 1526, VNET_DESC_F_WRITE, 0);
	expect_rx_dropped(2, VNET_DROP_BAD_ADDR);
	/* A loop of small buffers. */
	set_desc(&ga, VNET_RXQ, 4, BUF(0), 8, VNET_DESC_F_WRITE | VNET_DESC_F_NEXT, 5);
	set_desc(&ga, VNET_RXQ, 5, BUF(0) + 8, 8, VNET_DESC_F_WRITE | VNET_DESC_F_NEXT, 4);
	expect_rx_dropped(4, VNET_DROP_LOOP);
	/* Indirect, unknown flag, next past the table. */
	set_desc(&ga, VNET_RXQ, 6, BUF(0), 1526, VNET_DESC_F_WRITE | VNET_DESC_F_INDIRECT, 0);
	expect_rx_dropped(6, VNET_DROP_BAD_FLAGS);
	set_desc(&ga, VNET_RXQ, 7, BUF(0), 1526, VNET_DESC_F_WRITE | 0x10, 0);
	expect_rx_dropped(7, VNET_DROP_BAD_FLAGS);
	set_desc(&ga, VNET_RXQ, 8, BUF(0), 20, VNET_DESC_F_WRITE | VNET_DESC_F_NEXT, 200);
	expect_rx_dropped(8, VNET_DROP_BAD_NEXT);
	/* 2.6.5: the device must not write a device-readable buffer. */
	memset(ga.ram + BUF(1), 0xaa, 0x1000);
	set_desc(&ga, VNET_RXQ, 9, BUF(1), 1526, 0, 0);
	expect_rx_dropped(9, VNET_DROP_WRONG_DIR);
	CHECK(ga.ram[BUF(1)] == 0xaa && ga.ram[BUF(1) + 0xfff] == 0xaa);
	set_desc(&ga, VNET_RXQ, 10, BUF(2), VNET_HDR_LEN, VNET_DESC_F_WRITE | VNET_DESC_F_NEXT, 11);
	set_desc(&ga, VNET_RXQ, 11, BUF(1), 1526, 0, 0);
	expect_rx_dropped(10, VNET_DROP_WRONG_DIR);
	CHECK(ga.ram[BUF(1)] == 0xaa);
	/* The device still delivers afterwards. */
	post_rx(&ga, 12, 1526);
	CHECK(vnet_rx(&ga.dev, (const uint8_t[60]){ 0x02 }, 60));
}

static void test_rx_bad_frame_length(void)
{
	uint8_t f[VNET_FRAME_MAX + 1] = { 0 };

	bring_up(&ga, mac_a);
	post_rx(&ga, 0, 2048);
	CHECK(!vnet_rx(&ga.dev, f, VNET_ETH_HLEN - 1));
	CHECK(!vnet_rx(&ga.dev, f, VNET_FRAME_MAX + 1));
	CHECK_EQ(ga.dev.stats.rx_drop[VNET_DROP_BAD_LEN], 2);
	/* The buffer was not consumed. */
	CHECK_EQ(used_idx(&ga, VNET_RXQ), 0);
	CHECK(vnet_rx(&ga.dev, f, VNET_FRAME_MAX));
	CHECK_EQ(used_len(&ga, VNET_RXQ, 0), VNET_HDR_LEN + VNET_FRAME_MAX);
}

static void test_rx_kick(void)
{
	bring_up(&ga, mac_a);
	wr(&ga, VNET_MMIO_QUEUE_NOTIFY, VNET_RXQ);
	CHECK_EQ(ga.kicks, 1);
	wr(&ga, VNET_MMIO_QUEUE_NOTIFY, VNET_TXQ);
	wr(&ga, VNET_MMIO_QUEUE_NOTIFY, 7);     /* no such queue */
	CHECK_EQ(ga.kicks, 1);
	CHECK_EQ(ga.sent, 0);
}

/* ---- two devices and the switch ----------------------------------------- */

static struct net_switch sw;

static bool deliver_to(void *ctx, const uint8_t *frame, size_t len)
{
	return vnet_rx(&((struct guest *)ctx)->dev, frame, len);
}

static void test_two_guests_through_switch(void)
{
	uint8_t f[98];

	bring_up(&ga, mac_a);
	bring_up(&gb, mac_b);
	switch_init(&sw, 1000);
	ga.sw = gb.sw = &sw;
	ga.port = (unsigned)switch_add_port(&sw, mac_a, deliver_to, &ga);
	gb.port = (unsigned)switch_add_port(&sw, mac_b, deliver_to, &gb);
	post_rx(&gb, 0, 1526);
	post_rx(&ga, 0, 1526);

	/* A to B (B unknown yet: flooded, which reaches B alone). */
	make_frame(f, sizeof(f), mac_b, mac_a, 42);
	tx_simple(&ga, 0, f, sizeof(f));
	CHECK_EQ(switch_pending(&sw, gb.port), 1);
	CHECK_EQ(switch_poll(&sw, gb.port), 1);
	CHECK(memcmp(gb.ram + BUF(0) + VNET_HDR_LEN, f, sizeof(f)) == 0);
	CHECK_EQ(used_len(&gb, VNET_RXQ, 0), VNET_HDR_LEN + sizeof(f));
	CHECK(vnet_irq_line(&gb.dev));

	/* B answers; A was learnt. */
	make_frame(f, sizeof(f), mac_a, mac_b, 43);
	tx_simple(&gb, 0, f, sizeof(f));
	CHECK_EQ(switch_poll(&sw, ga.port), 1);
	CHECK(memcmp(ga.ram + BUF(0) + VNET_HDR_LEN, f, sizeof(f)) == 0);

	/* B pretends to be A: stopped at the switch. */
	make_frame(f, sizeof(f), mac_b, mac_a, 44);
	tx_simple(&gb, 1, f, sizeof(f));
	CHECK_EQ(switch_pending(&sw, ga.port), 0);
	CHECK_EQ(switch_stats(&sw, gb.port)->drop_spoofed, 1);

	/* A frame for B, who has no buffer left: dropped, counted on both. */
	make_frame(f, sizeof(f), mac_b, mac_a, 45);
	tx_simple(&ga, 1, f, sizeof(f));
	CHECK_EQ(switch_poll(&sw, gb.port), 0);
	CHECK_EQ(switch_stats(&sw, gb.port)->drop_refused, 1);
	CHECK_EQ(gb.dev.stats.rx_drop[VNET_DROP_NO_BUFFER], 1);
	ga.sw = gb.sw = NULL;
}

int main(void)
{
	RUN(test_identification);
	RUN(test_features_by_selector);
	RUN(test_config_space);
	RUN(test_bad_register_access);
	RUN(test_negotiation);
	RUN(test_negotiation_refused);
	RUN(test_refused_device_stays_idle);
	RUN(test_reset);
	RUN(test_queue_setup);
	RUN(test_queue_frozen_while_ready);
	RUN(test_tx_one_descriptor);
	RUN(test_tx_chain);
	RUN(test_tx_batch_and_wrap);
	RUN(test_tx_no_interrupt_flag);
	RUN(test_tx_bad_address);
	RUN(test_tx_length);
	RUN(test_tx_loop);
	RUN(test_tx_bad_flags);
	RUN(test_tx_bad_header);
	RUN(test_tx_bad_among_good);
	RUN(test_bad_head_needs_reset);
	RUN(test_avail_runaway_needs_reset);
	RUN(test_rings_outside_ram_need_reset);
	RUN(test_rx_one_buffer);
	RUN(test_rx_chain);
	RUN(test_rx_not_ready);
	RUN(test_rx_too_small);
	RUN(test_rx_bad_chains);
	RUN(test_rx_bad_frame_length);
	RUN(test_rx_kick);
	RUN(test_two_guests_through_switch);
	return check_summary();
}
