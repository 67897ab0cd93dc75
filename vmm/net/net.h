/*
 * The partitions' network: each [switch NAME] of the config is one
 * learning switch (vmm/net/switch.h) in hypervisor memory, and each
 * guest net device (virtio-net over MMIO, vmm/dev/virtio_net.h) is a
 * port on one of them.
 *
 *   CPU of A                                  CPU of B
 *   ------------------------------------      --------------------------------
 *   guest A: QueueNotify(tx)                  run loop of B's boot vCPU:
 *   A's dev lock                                net_work set? -> net_poll(B)
 *     vnet tx() -> net_lan lock                 B's dev lock
 *       switch_input(): copy to B's queue         net_lan lock
 *     unlock; B->net_work = 1, kick B's CPU  -->   switch_poll(B) -> vnet_rx(B)
 *                                                unlock; B's IRQ line sampled
 *
 * So a frame is copied from A's memory on A's CPU and into B's memory on
 * B's CPU, each by guest_read/guest_write of that partition only, and
 * no CPU ever holds two partitions' device locks.  Lock order: a
 * partition's device lock, then a switch lock (what switch.h asks).
 *
 * A device whose driver has not set DRIVER_OK and readied its receive
 * queue is not polled: its frames wait in its switch queue (at most
 * SWITCH_QUEUE_LEN), and the guest gets them when it posts receive
 * buffers (QueueNotify 0 calls rx_kick, which polls at once).  A guest
 * that boots a little after its peer loses nothing.
 *
 * Guest-visible, per device n (0, 1) of a partition, fixed:
 *   MMIO window  PLATFORM_VNET_GPA(n) = 0xfeb00000 + n * 0x1000 (0x200 used)
 *   interrupt    ISA IRQ PLATFORM_VNET_IRQ(n) = 10 + n, on the 8259 and on
 *                the I/O APIC pin of the same number, a level
 *   MAC address  52:54:00:<partition id>:<n>:01 (locally administered)
 *   ACPI         Device (VRTn), _HID "LNRO0005", in the DSDT's \_SB
 */
#ifndef VMM_NET_NET_H
#define VMM_NET_NET_H

#include "hv/types.h"
#include "vmm/config.h"
#include "vmm/partition.h"
#include "vmm/dev/virtio_net.h"

struct net_lan;

/* One guest net device: its model, and where it is plugged in. */
struct net_dev {
	struct vnet vnet;               /* under its partition's dev lock */
	struct partition *part;
	struct net_lan *lan;
	unsigned index;                 /* n of netN */
	unsigned port;                  /* on lan */
	uint8_t mac[6];
};

/* Give each of the n partitions its devices (its cfg's net key) and plug
 * them in, making each switch at its first device (CONFIG_SWITCH_BYTES
 * of kernel pages, which the config's memory check kept back); logs one
 * line per device.  Once, at boot, before any guest runs. */
void net_setup(struct partition *parts, int n);

/* Every device of p back to power-on, for a (re)boot; on p's boot CPU. */
void net_reset(struct partition *p);

/* Work posted for p (frames may wait for it): a single load. */
static inline bool net_work_pending(const struct partition *p)
{
	return __atomic_load_n(&p->net_work, __ATOMIC_RELAXED) != 0;
}

/* On p's boot vCPU's CPU: hand p's devices the frames waiting for them.
 * True if any was delivered (an interrupt line may have risen). */
bool net_poll(struct partition *p);

/* After a fault on this CPU: release a switch lock it held. */
void net_unlock_after_fault(void);

/* ", net0 tx F/B rx F/B drops D" for each device, appended to buf. */
void net_stats_append(struct partition *p, char *buf, size_t size, size_t *n);

#endif
