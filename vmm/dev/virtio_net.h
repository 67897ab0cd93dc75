/*
 * An emulated virtio-net device on the virtio-mmio transport, "version 2"
 * (non-legacy) register layout, after the OASIS Virtual I/O Device
 * (VIRTIO) Version 1.1 specification:
 *   4.2.2    MMIO device register layout (the VNET_MMIO_* offsets below)
 *   2.1      device status field, 2.2 feature bits, 6 reserved features
 *   2.6      split virtqueues: descriptor table, available and used rings
 *   5.1      network device: queues, feature bits, config layout, header
 *
 * What the guest sees: device ID 1 (network card), two split virtqueues,
 * receiveq (0) and transmitq (1), of up to VNET_QUEUE_MAX entries each, a
 * config space at 0x100 with the MAC address and the link status (always
 * up), and exactly three features: VIRTIO_F_VERSION_1, VIRTIO_NET_F_MAC
 * and VIRTIO_NET_F_STATUS.  A driver that does not accept VERSION_1, or
 * accepts anything not offered, is refused: FEATURES_OK does not stick.
 * Every frame is preceded by the 12-byte virtio_net_hdr of 5.1.6; with no
 * offload negotiated, the device expects it all zero on transmit and
 * writes it all zero (num_buffers = 1, 5.1.6.4.1) on receive.
 *
 * Transmit: a write to QueueNotify with 1 makes the device take every
 * available chain (at most one queue's worth per notify), gather the frame
 * into its own buffer and pass it to cfg.tx() without the header.  Receive:
 * vnet_rx() scatters one frame into the next available receive chain.
 * Either way the chain goes back to the used ring and InterruptStatus bit
 * 0 is set, unless the driver set VIRTQ_AVAIL_F_NO_INTERRUPT (2.6.7.2).
 *
 * The guest is not trusted.  Guest memory is reached only through
 * cfg.mem, whose read/write fail for any byte outside the guest's RAM;
 * each descriptor is read once into a local copy and checked there.  A
 * chain that is wrong (an address outside RAM, a frame longer than
 * VNET_FRAME_MAX or shorter than an Ethernet header, a receive chain too
 * small for the frame, more links than the queue has entries, a `next`
 * past the table, INDIRECT or an unknown flag, a device-writable buffer on
 * transmit or a device-readable one on receive, a non-zero header on
 * transmit) loses its frame, which is counted by cause in vnet_stats, and
 * still goes back to the used ring with length 0 so that the driver gets
 * its buffer back.  What cannot be answered that way - the rings
 * themselves unreadable, a head index past the table, avail.idx more than
 * a queue ahead - puts the device in DEVICE_NEEDS_RESET (2.1.2): it stops,
 * raises a configuration change interrupt, and waits for a reset.
 *
 * Simplifications:
 *  - no VIRTIO_NET_F_MRG_RXBUF, no checksum or segmentation offload, no
 *    VIRTIO_F_EVENT_IDX, no indirect descriptors, no control queue, no
 *    multiqueue, no VLAN-tagged 1518-byte frames (VNET_FRAME_MAX is 1514);
 *  - the device never sets VIRTQ_USED_F_NO_NOTIFY: the driver notifies
 *    after every batch, so taking at most one queue's worth per notify
 *    leaves nothing behind for good;
 *  - a queue is checked when the driver sets QueueReady: a size that is
 *    not a power of two, or misaligned rings (2.6: 16, 2 and 4 bytes),
 *    leave QueueReady at 0;
 *  - config space never changes, so ConfigGeneration is always 0;
 *  - the control registers take only aligned 32-bit accesses (4.2.2.2),
 *    config space 8-, 16- and 32-bit ones; anything else reads 0 and
 *    drops writes (counted in bad_access).
 *
 * Plain C, no locking: the caller serialises every call on one device
 * (the device lock of the partition that owns it); cfg.tx() and
 * cfg.rx_kick() are called with that lock held.
 */
#ifndef VMM_VIRTIO_NET_H
#define VMM_VIRTIO_NET_H

#include "hv/types.h"

/* MMIO register offsets (4.2.2); all 32 bits wide. */
#define VNET_MMIO_MAGIC             0x000
#define VNET_MMIO_VERSION           0x004
#define VNET_MMIO_DEVICE_ID         0x008
#define VNET_MMIO_VENDOR_ID         0x00c
#define VNET_MMIO_DEVICE_FEATURES   0x010
#define VNET_MMIO_DEVICE_FEATURES_SEL 0x014
#define VNET_MMIO_DRIVER_FEATURES   0x020
#define VNET_MMIO_DRIVER_FEATURES_SEL 0x024
#define VNET_MMIO_QUEUE_SEL         0x030
#define VNET_MMIO_QUEUE_NUM_MAX     0x034
#define VNET_MMIO_QUEUE_NUM         0x038
#define VNET_MMIO_QUEUE_READY       0x044
#define VNET_MMIO_QUEUE_NOTIFY      0x050
#define VNET_MMIO_INTERRUPT_STATUS  0x060
#define VNET_MMIO_INTERRUPT_ACK     0x064
#define VNET_MMIO_STATUS            0x070
#define VNET_MMIO_QUEUE_DESC_LOW    0x080
#define VNET_MMIO_QUEUE_DESC_HIGH   0x084
#define VNET_MMIO_QUEUE_DRIVER_LOW  0x090   /* the available ring */
#define VNET_MMIO_QUEUE_DRIVER_HIGH 0x094
#define VNET_MMIO_QUEUE_DEVICE_LOW  0x0a0   /* the used ring */
#define VNET_MMIO_QUEUE_DEVICE_HIGH 0x0a4
#define VNET_MMIO_CONFIG_GENERATION 0x0fc
#define VNET_MMIO_CONFIG            0x100
#define VNET_MMIO_SIZE              0x200   /* what the caller maps */

#define VNET_MAGIC          0x74726976u     /* "virt", little-endian */
#define VNET_VERSION        2u
#define VNET_DEVICE_ID_NET  1u              /* 5: device ID 1, network card */
#define VNET_VENDOR_ID      0x004d5648u     /* "HVM\0"; any value will do */

/* InterruptStatus / InterruptACK bits (4.2.2) */
#define VNET_INT_USED_RING  0x1u
#define VNET_INT_CONFIG     0x2u

/* Device status bits (2.1) */
#define VNET_S_ACKNOWLEDGE  0x01u
#define VNET_S_DRIVER       0x02u
#define VNET_S_DRIVER_OK    0x04u
#define VNET_S_FEATURES_OK  0x08u
#define VNET_S_NEEDS_RESET  0x40u
#define VNET_S_FAILED       0x80u

/* Feature bits (5.1.3, 6) */
#define VNET_F_MAC          (1ull << 5)
#define VNET_F_STATUS       (1ull << 16)
#define VNET_F_INDIRECT_DESC (1ull << 28)   /* not offered */
#define VNET_F_EVENT_IDX    (1ull << 29)    /* not offered */
#define VNET_F_VERSION_1    (1ull << 32)
#define VNET_FEATURES       (VNET_F_VERSION_1 | VNET_F_MAC | VNET_F_STATUS)

/* Config space (5.1.4): mac[6] at 0, le16 status at 6. */
#define VNET_CFG_MAC        0
#define VNET_CFG_STATUS     6
#define VNET_CFG_SIZE       8
#define VNET_LINK_UP        1u

/* Split virtqueue descriptor flags (2.6.5) and avail ring flags (2.6.6) */
#define VNET_DESC_F_NEXT      1u
#define VNET_DESC_F_WRITE     2u
#define VNET_DESC_F_INDIRECT  4u
#define VNET_AVAIL_F_NO_INTERRUPT 1u

#define VNET_RXQ            0
#define VNET_TXQ            1
#define VNET_NQUEUES        2
#define VNET_QUEUE_MAX      256     /* QueueNumMax; a power of two */

#define VNET_HDR_LEN        12      /* virtio_net_hdr with num_buffers */
#define VNET_ETH_HLEN       14      /* destination, source, type */
#define VNET_FRAME_MAX      1514    /* MTU 1500 + Ethernet header, no FCS */

/*
 * Guest RAM, guest-physical.  Both return <0, and touch nothing, unless
 * every byte of [gpa, gpa + len) is RAM of this guest.
 */
struct vnet_guest_mem {
	int (*read)(void *ctx, gpa_t gpa, void *dst, uint64_t len);
	int (*write)(void *ctx, gpa_t gpa, const void *src, uint64_t len);
	void *ctx;
};

struct vnet_config {
	uint8_t mac[6];
	struct vnet_guest_mem mem;
	/* A frame the guest sent, Ethernet header first, VNET_ETH_HLEN to
	 * VNET_FRAME_MAX bytes; it lives in the device until tx returns. */
	void (*tx)(void *ctx, const uint8_t *frame, size_t len);
	/* The guest posted receive buffers (QueueNotify 0): a moment to hand
	 * it waiting frames.  May be NULL. */
	void (*rx_kick)(void *ctx);
	void *ctx;              /* for tx and rx_kick */
};

/* Why a frame was lost, one counter each way (vnet_stats). */
enum vnet_drop {
	VNET_DROP_NOT_READY,    /* rx: not running, queue not ready */
	VNET_DROP_NO_BUFFER,    /* rx: the receive ring was empty */
	VNET_DROP_BAD_ADDR,     /* a buffer not wholly in guest RAM */
	VNET_DROP_TOO_BIG,      /* tx: frame > VNET_FRAME_MAX */
	VNET_DROP_TOO_SHORT,    /* tx: < header + Ethernet header;
				   rx: chain too small for the frame */
	VNET_DROP_BAD_LEN,      /* rx: vnet_rx() given a frame shorter than
				   VNET_ETH_HLEN or longer than VNET_FRAME_MAX */
	VNET_DROP_LOOP,         /* more links than the queue has entries */
	VNET_DROP_BAD_NEXT,     /* `next` past the descriptor table */
	VNET_DROP_BAD_FLAGS,    /* INDIRECT or an unknown descriptor flag */
	VNET_DROP_WRONG_DIR,    /* tx: device-writable buffer;
				   rx: device-readable buffer */
	VNET_DROP_BAD_HDR,      /* tx: virtio_net_hdr asks for an offload */
	VNET_DROP_NCAUSES
};

struct vnet_stats {
	uint64_t tx_frames, tx_bytes;   /* guest -> cfg.tx(), no headers */
	uint64_t rx_frames, rx_bytes;   /* vnet_rx() -> guest */
	uint64_t tx_drop[VNET_DROP_NCAUSES];
	uint64_t rx_drop[VNET_DROP_NCAUSES];
	uint64_t ring_errors;           /* times the device set NEEDS_RESET */
	uint64_t bad_access;            /* MMIO of a wrong size or offset */
};

struct vnet_queue {
	uint32_t num;                   /* QueueNum, entries */
	bool ready;
	uint64_t desc, avail, used;     /* gpas of the three parts */
	uint16_t last_avail;            /* next avail ring slot to take */
	uint16_t used_idx;              /* the used.idx we last published */
};

struct vnet {
	struct vnet_config cfg;
	uint32_t status;
	uint32_t isr;                   /* InterruptStatus */
	uint32_t dev_features_sel, drv_features_sel, queue_sel;
	uint64_t drv_features;
	bool drv_features_bogus;        /* a bit set in a word past 1 */
	struct vnet_queue q[VNET_NQUEUES];
	struct vnet_stats stats;
	/* one frame with its header, gathered from / scattered to the guest */
	uint8_t buf[VNET_HDR_LEN + VNET_FRAME_MAX];
};

/* Power-on state: status 0, no queue ready, counters 0. */
void vnet_init(struct vnet *d, const struct vnet_config *cfg);

/* An access of size 1, 2 or 4 (bytes) at offset in [0, VNET_MMIO_SIZE). */
uint32_t vnet_mmio_read(struct vnet *d, uint32_t offset, unsigned size);
void vnet_mmio_write(struct vnet *d, uint32_t offset, unsigned size,
		     uint32_t val);

/*
 * Hand one frame (Ethernet header first, no virtio header) to the guest.
 * false if it was not delivered, and is lost: the device is not running,
 * the receive ring is empty, or the next chain was unusable (that chain
 * is then given back with length 0); the cause is counted in
 * stats.rx_drop.  Like a NIC whose ring is full, the device keeps nothing.
 */
bool vnet_rx(struct vnet *d, const uint8_t *frame, size_t len);

/* The device's interrupt output, a level: InterruptStatus != 0. */
bool vnet_irq_line(const struct vnet *d);

#endif
