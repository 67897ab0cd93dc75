/*
 * The partitions' network (see net.h): switches in hypervisor memory,
 * each under its own lock, and the glue between a partition's virtio-net
 * devices and them.
 */
#include "vmm/net/net.h"
#include "vmm/vcpu/mailbox.h"
#include "vmm/net/switch.h"
#include "vmm/vcpu/helpers.h"
#include "vmm/vcpu/smp.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/memlayout.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/spinlock.h"
#include "arch/x86_64/tsc.h"
#include "pmm/kpage.h"
#include "lib/fmt.h"
#include "hv/log.h"
#include "hv/string.h"

_Static_assert(CONFIG_SWITCH_PORTS == SWITCH_MAX_PORTS, "the config checks the switch's port count");
_Static_assert(CONFIG_MAX_NETS == PLATFORM_MAX_VNET, "a platform line per device");
_Static_assert(sizeof(struct net_switch) <= CONFIG_SWITCH_BYTES, "what partitions_create() keeps back");

#define NET_AGE_MS 300000       /* forget a silent address after 300 s (802.1D) */

/* A switch and what protects it: the lock, held across every call into
 * sw (switch.h), and the CPU holding it for net_unlock_after_fault(). */
struct net_lan {
	const char *name;
	spinlock_t lock;
	volatile int owner;
	struct net_switch *sw;
	struct net_dev *port[SWITCH_MAX_PORTS];
};

static struct net_lan lans[CONFIG_MAX_SWITCHES];

static void lan_lock(struct net_lan *lan)
{
	spin_lock(&lan->lock);
	lan->owner = cpu_index();
}

static void lan_unlock(struct net_lan *lan)
{
	lan->owner = -1;
	spin_unlock(&lan->lock);
}

void net_unlock_after_fault(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(lans); i++)
		if (lans[i].sw && lans[i].lock.locked && lans[i].owner == cpu_index())
			lan_unlock(&lans[i]);
}

/* The learning table's clock: milliseconds of the host TSC. */
static uint64_t now_ms(void)
{
	return tsc_to_ns(rdtsc()) / 1000000;
}

/* Zeroed kernel pages for `bytes`; these structures are too big for bss. */
static void *alloc_zeroed(uint64_t bytes)
{
	unsigned order = 0;

	while ((PAGE_SIZE << order) < bytes)
		order++;
	void *p = phys_to_virt(kpage_alloc(order));
	memset(p, 0, PAGE_SIZE << order);
	return p;
}

/* Switch number s of the config, made at its first device. */
static struct net_lan *lan_get(int s, const char *name)
{
	struct net_lan *lan = &lans[s];

	if (!lan->sw) {
		lan->name = name;
		lan->owner = -1;
		lan->sw = alloc_zeroed(sizeof(struct net_switch));
		switch_init(lan->sw, NET_AGE_MS);
	}
	return lan;
}

/* ---- the device side: guest memory, transmit, receive ------------------- */

static int mem_read(void *ctx, gpa_t gpa, void *dst, uint64_t len)
{
	return guest_read(ctx, gpa, dst, len) ? 0 : -1;
}

static int mem_write(void *ctx, gpa_t gpa, const void *src, uint64_t len)
{
	return guest_write(ctx, gpa, src, len) ? 0 : -1;
}

/* Partition p has frames waiting: its boot vCPU's CPU will poll. */
static void post_work(struct partition *p)
{
	if (!__atomic_exchange_n(&p->net_work, 1, __ATOMIC_ACQ_REL)) {
		mbox_post_event(&p->vcpus[0].mbox, VCPU_EV_NET, 0);   /* the run loop looks at its mail */
		vcpu_kick(&p->vcpus[0]);
	}
}

/* vnet tx(): on the sender's CPU, its device lock held. */
static void dev_tx(void *ctx, const uint8_t *frame, size_t len)
{
	struct net_dev *d = ctx;
	struct net_lan *lan = d->lan;
	uint32_t wake = 0;

	lan_lock(lan);
	switch_input(lan->sw, d->port, frame, len, now_ms());
	for (unsigned i = 0; i < lan->sw->nports; i++)
		if (i != d->port && switch_pending(lan->sw, i))
			wake |= 1u << i;
	lan_unlock(lan);
	for (unsigned i = 0; i < SWITCH_MAX_PORTS; i++)
		if (wake & (1u << i))
			post_work(lan->port[i]->part);
}

/* switch deliver(): on the receiver's CPU, its device lock held. */
static bool dev_deliver(void *ctx, const uint8_t *frame, size_t len)
{
	struct net_dev *d = ctx;

	return vnet_rx(&d->vnet, frame, len);
}

/* Its driver is ready to receive; until then frames wait in the switch. */
static bool rx_ready(const struct vnet *v)
{
	return (v->status & VNET_S_DRIVER_OK) && !(v->status & VNET_S_NEEDS_RESET) &&
	       v->q[VNET_RXQ].ready;
}

/* The frames waiting for d, into its guest; its device lock held. */
static unsigned dev_poll(struct net_dev *d)
{
	unsigned got;

	if (!rx_ready(&d->vnet))
		return 0;
	lan_lock(d->lan);
	got = switch_poll(d->lan->sw, d->port);
	lan_unlock(d->lan);
	if (got)
		platform_touch(&d->part->platform);
	return got;
}

/* vnet rx_kick(): the guest posted receive buffers; its device lock held. */
static void dev_rx_kick(void *ctx)
{
	dev_poll(ctx);
}

bool net_poll(struct partition *p)
{
	unsigned got = 0;

	if (!__atomic_exchange_n(&p->net_work, 0, __ATOMIC_ACQ_REL))
		return false;
	partition_dev_lock(p);
	for (int i = 0; i < p->nnets; i++)
		got += dev_poll(p->net[i]);
	partition_dev_unlock(p);
	return got != 0;
}

/* ---- set-up --------------------------------------------------------------- */

static void mac_of(const struct partition *p, unsigned n, uint8_t mac[6])
{
	const uint8_t m[6] = { 0x52, 0x54, 0x00, (uint8_t)p->id, (uint8_t)n, 0x01 };

	memcpy(mac, m, sizeof(m));
}

void net_reset(struct partition *p)
{
	for (int i = 0; i < p->nnets; i++) {
		struct net_dev *d = p->net[i];
		struct vnet_config vc = { .mem = { mem_read, mem_write, p },
					  .tx = dev_tx, .rx_kick = dev_rx_kick, .ctx = d };

		memcpy(vc.mac, d->mac, sizeof(vc.mac));
		vnet_init(&d->vnet, &vc);
	}
}

static void net_attach(struct partition *p)
{
	const struct guest_cfg *g = p->cfg;

	for (int i = 0; i < g->nnets; i++) {
		struct net_lan *lan = lan_get(g->nets[i], g->net_names[i]);
		struct net_dev *d = alloc_zeroed(sizeof(*d));
		int port;

		d->part = p;
		d->lan = lan;
		d->index = (unsigned)i;
		mac_of(p, (unsigned)i, d->mac);
		port = switch_add_port(lan->sw, d->mac, dev_deliver, d);
		if (port < 0) {   /* the config check counted the ports: not seen */
			log_printf("hv: guest %s: net%d: no port left on switch %s\n",
				   p->name, i, lan->name);
			break;
		}
		d->port = (unsigned)port;
		lan->port[port] = d;
		p->net[p->nnets++] = d;
		log_printf("hv: guest %s: net%d on switch %s, mac %02x:%02x:%02x:%02x:%02x:%02x, "
			   "mmio 0x%x, irq %d\n", p->name, i, lan->name, d->mac[0], d->mac[1],
			   d->mac[2], d->mac[3], d->mac[4], d->mac[5],
			   (unsigned)PLATFORM_VNET_GPA(i), PLATFORM_VNET_IRQ(i));
	}
	net_reset(p);
}

void net_setup(struct partition *parts, int n)
{
	for (int i = 0; i < n; i++)
		net_attach(&parts[i]);
}

/* ---- statistics ------------------------------------------------------------ */

static uint64_t vnet_drops(const struct vnet_stats *s)
{
	uint64_t n = 0;

	for (int c = 0; c < VNET_DROP_NCAUSES; c++)
		n += s->tx_drop[c] + s->rx_drop[c];
	return n;
}

/* The switch's drops of d's frames; a frame the device refused
 * (drop_refused) is counted by the device already. */
static uint64_t switch_drops(const struct switch_port_stats *s)
{
	return s->drop_spoofed + s->drop_bad_src + s->drop_bad_len + s->drop_local +
	       s->drop_queue_full;
}

void net_stats_append(struct partition *p, char *buf, size_t size, size_t *n)
{
	for (int i = 0; i < p->nnets; i++) {
		struct net_dev *d = p->net[i];
		const struct vnet_stats *s = &d->vnet.stats;

		lan_lock(d->lan);   /* other CPUs count against this port too */
		uint64_t drops = vnet_drops(s) + switch_drops(switch_stats(d->lan->sw, d->port));
		lan_unlock(d->lan);
		fmt_append(buf, size, n, ", net%d tx %llu/%llu rx %llu/%llu drops %llu", i,
			   (unsigned long long)s->tx_frames, (unsigned long long)s->tx_bytes,
			   (unsigned long long)s->rx_frames, (unsigned long long)s->rx_bytes,
			   (unsigned long long)drops);
	}
}
