/* units: vmm/net/net.c vmm/net/switch.c vmm/dev/virtio_net.c lib/fmt.c tests/unit/fake_cpu.c */
/*
 * The glue between partitions' virtio-net devices and the switches
 * (vmm/net/net.c), with two partitions on one switch, a driver of a few
 * register writes here, and guest RAM as two flat buffers: a frame A
 * sends is taken on A's side, B's boot CPU is kicked and B's flag set;
 * B's device not ready yet keeps the frame in the switch; B posting
 * receive buffers gets it, raising its line; a forged source is dropped
 * and counted against A; the stats text adds it all up.
 */
#include <stdlib.h>
#include "check.h"
#include "host_log.h"
#include "vmm/net/net.h"
#include "vmm/vcpu/helpers.h"
#include "vmm/vcpu/smp.h"
#include "arch/x86_64/memlayout.h"
#include "pmm/kpage.h"
#include "fake_cpu.h"

#define RAM   0x10000u
#define QN    4
#define QBASE(q) (0x1000u + (q) * 0x4000u)      /* desc; avail +0x1000, used +0x2000 */
#define TXBUF 0x8000u
#define RXBUF 0xa000u

static uint8_t ram[2][RAM];
static struct partition parts[2];
static struct guest_cfg cfgs[2];
static struct vcpu vcpus[2];
static uint16_t tx_idx[2];
static unsigned kicked_cpu, kicks;

/* ---- what net.c needs of the rest of the hypervisor -------------------- */

static bool in_ram(gpa_t gpa, uint64_t len)
{
	return gpa.v < RAM && len <= RAM - gpa.v;
}

bool guest_read(struct partition *p, gpa_t gpa, void *dst, uint64_t len)
{
	if (!in_ram(gpa, len))
		return false;
	memcpy(dst, ram[p->id] + gpa.v, len);
	return true;
}

bool guest_write(struct partition *p, gpa_t gpa, const void *src, uint64_t len)
{
	if (!in_ram(gpa, len))
		return false;
	memcpy(ram[p->id] + gpa.v, src, len);
	return true;
}

void vcpu_kick(struct vcpu *v)
{
	kicked_cpu = v->cpu;
	kicks++;
}

hpa_t kpage_alloc(unsigned order)
{
	void *m = aligned_alloc(4096, (size_t)4096 << order);

	return virt_to_phys(m);
}

/* ---- a driver ------------------------------------------------------------ */

static void put16(int who, uint32_t at, uint16_t v) { memcpy(ram[who] + at, &v, 2); }
static uint16_t get16(int who, uint32_t at) { uint16_t v; memcpy(&v, ram[who] + at, 2); return v; }

static void put_desc(int who, unsigned q, unsigned i, uint64_t addr, uint32_t len, uint16_t flags)
{
	uint8_t *d = ram[who] + QBASE(q) + 16 * i;

	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memset(d + 14, 0, 2);
}

static struct vnet *dev(int who) { return &parts[who].net[0]->vnet; }
static void wr(int who, uint32_t off, uint32_t v) { vnet_mmio_write(dev(who), off, 4, v); }

/* 3.1.1 up to DRIVER_OK: VERSION_1 | MAC, both queues of QN entries. */
static void driver_init(int who)
{
	uint32_t s = VNET_S_ACKNOWLEDGE | VNET_S_DRIVER;

	wr(who, VNET_MMIO_STATUS, s);
	wr(who, VNET_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(who, VNET_MMIO_DRIVER_FEATURES, (uint32_t)VNET_F_MAC);
	wr(who, VNET_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(who, VNET_MMIO_DRIVER_FEATURES, 1);
	wr(who, VNET_MMIO_STATUS, s |= VNET_S_FEATURES_OK);
	for (unsigned q = 0; q < 2; q++) {
		wr(who, VNET_MMIO_QUEUE_SEL, q);
		wr(who, VNET_MMIO_QUEUE_NUM, QN);
		wr(who, VNET_MMIO_QUEUE_DESC_LOW, QBASE(q));
		wr(who, VNET_MMIO_QUEUE_DRIVER_LOW, QBASE(q) + 0x1000);
		wr(who, VNET_MMIO_QUEUE_DEVICE_LOW, QBASE(q) + 0x2000);
		wr(who, VNET_MMIO_QUEUE_READY, 1);
	}
	wr(who, VNET_MMIO_STATUS, s | VNET_S_DRIVER_OK);
	CHECK(dev(who)->status & VNET_S_DRIVER_OK);
}

static void send(int who, const uint8_t *frame, uint32_t len)
{
	memset(ram[who] + TXBUF, 0, VNET_HDR_LEN);
	memcpy(ram[who] + TXBUF + VNET_HDR_LEN, frame, len);
	put_desc(who, VNET_TXQ, 0, TXBUF, VNET_HDR_LEN + len, 0);
	put16(who, QBASE(VNET_TXQ) + 0x1000 + 4 + 2 * (tx_idx[who] % QN), 0);
	put16(who, QBASE(VNET_TXQ) + 0x1000 + 2, ++tx_idx[who]);
	wr(who, VNET_MMIO_QUEUE_NOTIFY, VNET_TXQ);
}

static void frame_from(uint8_t *f, const uint8_t *src)
{
	memset(f, 0xff, 6);                     /* broadcast */
	memcpy(f + 6, src, 6);
	f[12] = 0x88, f[13] = 0xb5;
	for (int i = 14; i < 60; i++)
		f[i] = (uint8_t)i;
}

static void setup(void)
{
	fake_cpu_reset();
	for (int i = 0; i < 2; i++) {
		cfgs[i] = (struct guest_cfg){ .nnets = 1, .nets = { 0 }, .net_names = { "lan" } };
		snprintf(cfgs[i].name, sizeof(cfgs[i].name), "g%d", i);
		vcpus[i] = (struct vcpu){ .cpu = (unsigned)(5 + i) };
		parts[i] = (struct partition){ .id = i, .cfg = &cfgs[i], .name = cfgs[i].name,
					       .nvcpus = 1, .vcpus = &vcpus[i] };
		vcpus[i].part = &parts[i];
	}
	host_log_clear();
	net_setup(parts, 2);
}

/* ---- the tests ------------------------------------------------------------ */

static void test_flow(void)
{
	uint8_t f[60], forged[6];
	char line[160];
	size_t n = 0;

	setup();
	CHECK_STR_CONTAINS(host_log_text(),
			   "hv: guest g0: net0 on switch lan, mac 52:54:00:00:00:01, mmio 0xfeb00000, irq 10\n");
	CHECK_STR_CONTAINS(host_log_text(),
			   "hv: guest g1: net0 on switch lan, mac 52:54:00:01:00:01, mmio 0xfeb00000, irq 10\n");
	CHECK_EQ(parts[1].nnets, 1);

	/* A sends while B's driver is not up: B is told, the frame waits */
	driver_init(0);
	frame_from(f, parts[0].net[0]->mac);
	send(0, f, sizeof(f));
	CHECK_EQ(dev(0)->stats.tx_frames, 1);
	CHECK_EQ(kicks, 1);
	CHECK_EQ(kicked_cpu, 6);
	CHECK(net_work_pending(&parts[1]));
	CHECK(!net_work_pending(&parts[0]));
	CHECK(!net_poll(&parts[1]));             /* not ready: nothing delivered */
	CHECK(!net_work_pending(&parts[1]));
	CHECK_EQ(dev(1)->stats.rx_frames + dev(1)->stats.rx_drop[VNET_DROP_NOT_READY], 0);

	/* B posts a buffer: the waiting frame arrives, its line rises */
	driver_init(1);
	put_desc(1, VNET_RXQ, 0, RXBUF, 2048, VNET_DESC_F_WRITE);
	put16(1, QBASE(VNET_RXQ) + 0x1000 + 4, 0);
	put16(1, QBASE(VNET_RXQ) + 0x1000 + 2, 1);
	parts[1].platform.dirty = false;
	wr(1, VNET_MMIO_QUEUE_NOTIFY, VNET_RXQ);
	CHECK_EQ(dev(1)->stats.rx_frames, 1);
	CHECK_EQ(get16(1, QBASE(VNET_RXQ) + 0x2000 + 2), 1);      /* used.idx */
	CHECK(memcmp(ram[1] + RXBUF + VNET_HDR_LEN, f, sizeof(f)) == 0);
	CHECK(vnet_irq_line(dev(1)));
	CHECK(parts[1].platform.dirty);

	/* a forged source: dropped by the switch, nobody kicked */
	memcpy(forged, parts[0].net[0]->mac, 6);
	forged[5] ^= 0x80;
	frame_from(f, forged);
	send(0, f, sizeof(f));
	CHECK_EQ(dev(0)->stats.tx_frames, 2);
	CHECK_EQ(kicks, 1);
	CHECK(!net_work_pending(&parts[1]));

	net_stats_append(&parts[0], line, sizeof(line), &n);
	line[n] = 0;
	CHECK_STR_CONTAINS(line, ", net0 tx 2/120 rx 0/0 drops 1");
	n = 0;
	net_stats_append(&parts[1], line, sizeof(line), &n);
	line[n] = 0;
	CHECK_STR_CONTAINS(line, ", net0 tx 0/0 rx 1/60 drops 0");

	/* a reset device starts over (a guest's reboot) */
	net_reset(&parts[1]);
	CHECK_EQ(dev(1)->status, 0);
	CHECK_EQ(dev(1)->cfg.mac[0], 0x52);
	CHECK_EQ(dev(1)->cfg.mac[3], 1);
}

int main(void)
{
	RUN(test_flow);
	return check_summary();
}
