/*
 * A learning Ethernet (layer 2) switch between up to SWITCH_MAX_PORTS
 * ports, one per partition's virtio-net device, as IEEE 802.1D bridges
 * forward: a frame goes to the port its destination address was last
 * seen on; broadcast, multicast (I/G bit, the low bit of the first
 * octet, set) and unknown unicast go to every other port.
 *
 *   guest A's transmitq                              guest B's receiveq
 *   vnet tx() --> switch_input(A) --copy--> queue[B] --switch_poll(B)-->
 *                  |  anti-spoofing,         (bounded)   deliver(B)
 *                  |  learning, lookup                   -> vnet_rx()
 *                  +--copy--> queue[C] ...  (flooded frames)
 *
 * Policy, from the partitions' point of view:
 *  - a port has a MAC address, the one its device shows the guest; a
 *    frame from the port whose source address is any other is dropped
 *    (no spoofing another partition).  A port added with no address
 *    (mac NULL) takes any unicast source, for a partition that bridges
 *    stations of its own; a multicast source is never valid;
 *  - frames are Ethernet without FCS, SWITCH_FRAME_MIN to SWITCH_FRAME_MAX
 *    bytes; each copy is the switch's own, nothing is shared with the
 *    sender or another receiver;
 *  - each port has a queue of SWITCH_QUEUE_LEN frames.  A frame for a
 *    full queue is dropped and counted against that destination, so a
 *    port that floods, or one that never polls, costs the others only
 *    their own queue space, never a wait;
 *  - switch_poll(port) empties the port's queue through its deliver()
 *    callback, meant to run on the receiving partition's own CPU.  A frame
 *    deliver() refuses is dropped (drop_refused): the port is a NIC with
 *    a full ring, nothing waits for it;
 *  - the learning table holds SWITCH_FDB_SIZE addresses; an entry not
 *    refreshed for age_limit clock units (the caller's clock, passed as
 *    `now`; 0 means never) is forgotten, and when the table is full the
 *    least recently seen address makes room.
 *
 * Locking is the caller's.  The switch takes no lock; one lock (the
 * switch lock) must be held across every call into it, since a frame from
 * one port is written into another port's queue and the learning table is
 * shared: it protects the table, every queue and every counter.  deliver()
 * runs with it held and must not call back into the switch.  Lock order:
 * a port's device lock (its struct vnet) before the switch lock.  The
 * transmit path calls switch_input() from the device's tx() callback,
 * device lock held; the receive path takes the receiving device's lock,
 * then the switch lock, then calls switch_poll(), whose deliver() calls
 * vnet_rx() on that same device.
 */
#ifndef VMM_NET_SWITCH_H
#define VMM_NET_SWITCH_H

#include "hv/types.h"

#define SWITCH_MAX_PORTS  8
#define SWITCH_QUEUE_LEN  64
#define SWITCH_FDB_SIZE   32
#define SWITCH_MAC_LEN    6
#define SWITCH_FRAME_MIN  14        /* destination, source, EtherType */
#define SWITCH_FRAME_MAX  1514      /* VNET_FRAME_MAX */

/* Hand a frame to the port's device; true if it took it. */
typedef bool (*switch_deliver_fn)(void *port_ctx, const uint8_t *frame,
				  size_t len);

struct switch_port_stats {
	uint64_t frames_in, bytes_in;   /* taken from the port */
	uint64_t frames_out, bytes_out; /* delivered to the port */
	uint64_t flooded;               /* of frames_in, sent to all ports */
	/* dropped on the way in, counted against the sender */
	uint64_t drop_spoofed;          /* source not the port's address */
	uint64_t drop_bad_src;          /* multicast source address */
	uint64_t drop_bad_len;          /* shorter or longer than allowed */
	uint64_t drop_local;            /* destination is on the sender's port */
	/* dropped on the way out, counted against the destination */
	uint64_t drop_queue_full;
	uint64_t drop_refused;          /* deliver() returned false */
};

struct switch_frame {
	uint16_t len;
	uint8_t data[SWITCH_FRAME_MAX];
};

struct switch_port {
	bool any_source;                /* added without an address */
	uint8_t mac[SWITCH_MAC_LEN];
	switch_deliver_fn deliver;
	void *ctx;
	unsigned head, count;           /* the queue, a ring */
	struct switch_frame queue[SWITCH_QUEUE_LEN];
	struct switch_port_stats stats;
};

struct switch_fdb_entry {
	bool valid;
	uint8_t mac[SWITCH_MAC_LEN];
	uint8_t port;
	uint64_t seen;                  /* `now` of the last frame from mac */
};

/* About 780 KiB with 8 ports: give it static storage, not a stack. */
struct net_switch {
	uint64_t age_limit;
	unsigned nports;
	uint64_t fdb_evictions;         /* live entries pushed out by new ones */
	struct switch_fdb_entry fdb[SWITCH_FDB_SIZE];
	struct switch_port port[SWITCH_MAX_PORTS];
};

/* No ports, an empty table. */
void switch_init(struct net_switch *sw, uint64_t age_limit);

/* The new port's number (0, 1, ...), or -1 if there are SWITCH_MAX_PORTS
 * already, or mac is multicast, all zero, or another port's. */
int switch_add_port(struct net_switch *sw, const uint8_t *mac,
		    switch_deliver_fn deliver, void *port_ctx);

/* A frame the device on `port` sent, at time now; copied, never kept. */
void switch_input(struct net_switch *sw, unsigned port, const uint8_t *frame,
		  size_t len, uint64_t now);

/* Deliver the frames queued for port, oldest first; how many it took. */
unsigned switch_poll(struct net_switch *sw, unsigned port);

/* Frames waiting in port's queue. */
unsigned switch_pending(const struct net_switch *sw, unsigned port);

/* The port mac was learnt on, or -1 if unknown or aged out at now. */
int switch_lookup(const struct net_switch *sw, const uint8_t *mac,
		  uint64_t now);

/* The port's counters; NULL for a port number not in use. */
const struct switch_port_stats *switch_stats(const struct net_switch *sw,
					     unsigned port);

#endif
