/*
 * The learning switch; see switch.h for its policy and its locking.
 *
 * An Ethernet frame starts with the destination address (octets 0-5)
 * and the source address (6-11), IEEE 802.3 clause 3.1.1; the low bit of
 * an address's first octet is the I/G bit, set for group (multicast and
 * broadcast) addresses.
 */
#include "vmm/net/switch.h"
#include "hv/string.h"

#define ETH_DST 0
#define ETH_SRC 6

static bool is_group(const uint8_t *mac)
{
	return mac[0] & 1;
}

static bool is_zero(const uint8_t *mac)
{
	for (unsigned i = 0; i < SWITCH_MAC_LEN; i++)
		if (mac[i])
			return false;
	return true;
}

static bool same_mac(const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, SWITCH_MAC_LEN) == 0;
}

void switch_init(struct net_switch *sw, uint64_t age_limit)
{
	memset(sw, 0, sizeof(*sw));
	sw->age_limit = age_limit;
}

static bool mac_in_use(const struct net_switch *sw, const uint8_t *mac)
{
	for (unsigned p = 0; p < sw->nports; p++)
		if (!sw->port[p].any_source && same_mac(sw->port[p].mac, mac))
			return true;
	return false;
}

int switch_add_port(struct net_switch *sw, const uint8_t *mac,
		    switch_deliver_fn deliver, void *port_ctx)
{
	struct switch_port *p;

	if (sw->nports == SWITCH_MAX_PORTS)
		return -1;
	if (mac && (is_group(mac) || is_zero(mac) || mac_in_use(sw, mac)))
		return -1;
	p = &sw->port[sw->nports];
	memset(p, 0, sizeof(*p));
	p->any_source = !mac;
	if (mac)
		memcpy(p->mac, mac, SWITCH_MAC_LEN);
	p->deliver = deliver;
	p->ctx = port_ctx;
	return (int)sw->nports++;
}

/* ---- the learning table ------------------------------------------------- */

static bool fresh(const struct net_switch *sw, const struct switch_fdb_entry *e,
		  uint64_t now)
{
	return e->valid && (sw->age_limit == 0 || now - e->seen < sw->age_limit);
}

/* The table slot holding mac, or -1. */
static int find(const struct net_switch *sw, const uint8_t *mac, uint64_t now)
{
	for (unsigned i = 0; i < SWITCH_FDB_SIZE; i++)
		if (fresh(sw, &sw->fdb[i], now) && same_mac(sw->fdb[i].mac, mac))
			return (int)i;
	return -1;
}

int switch_lookup(const struct net_switch *sw, const uint8_t *mac,
		  uint64_t now)
{
	int i = find(sw, mac, now);

	return i < 0 ? -1 : sw->fdb[i].port;
}

/* The slot for a new address: a free or stale one, else the least
 * recently seen (counted as an eviction). */
static struct switch_fdb_entry *free_slot(struct net_switch *sw, uint64_t now)
{
	struct switch_fdb_entry *oldest = &sw->fdb[0];

	for (unsigned i = 0; i < SWITCH_FDB_SIZE; i++) {
		struct switch_fdb_entry *e = &sw->fdb[i];

		if (!fresh(sw, e, now))
			return e;
		if (e->seen < oldest->seen)
			oldest = e;
	}
	sw->fdb_evictions++;
	return oldest;
}

/* mac is on port as of now; a station that moved is simply updated. */
static void learn(struct net_switch *sw, const uint8_t *mac, unsigned port,
		  uint64_t now)
{
	int i = find(sw, mac, now);
	struct switch_fdb_entry *e = i < 0 ? free_slot(sw, now) : &sw->fdb[i];

	if (i < 0) {
		e->valid = true;
		memcpy(e->mac, mac, SWITCH_MAC_LEN);
	}
	e->port = (uint8_t)port;
	e->seen = now;
}

/* ---- forwarding ----------------------------------------------------------- */

static void enqueue(struct switch_port *dst, const uint8_t *frame, size_t len)
{
	struct switch_frame *f;

	if (dst->count == SWITCH_QUEUE_LEN) {
		dst->stats.drop_queue_full++;
		return;
	}
	f = &dst->queue[(dst->head + dst->count) % SWITCH_QUEUE_LEN];
	f->len = (uint16_t)len;
	memcpy(f->data, frame, len);
	dst->count++;
}

/* Why a frame from src may not enter, or NULL if it may. */
static uint64_t *refusal(struct switch_port *src, const uint8_t *frame,
			 size_t len)
{
	if (len < SWITCH_FRAME_MIN || len > SWITCH_FRAME_MAX)
		return &src->stats.drop_bad_len;
	if (is_group(frame + ETH_SRC))
		return &src->stats.drop_bad_src;
	if (!src->any_source && !same_mac(frame + ETH_SRC, src->mac))
		return &src->stats.drop_spoofed;
	return NULL;
}

static void flood(struct net_switch *sw, unsigned from, const uint8_t *frame,
		  size_t len)
{
	sw->port[from].stats.flooded++;
	for (unsigned p = 0; p < sw->nports; p++)
		if (p != from)
			enqueue(&sw->port[p], frame, len);
}

void switch_input(struct net_switch *sw, unsigned port, const uint8_t *frame,
		  size_t len, uint64_t now)
{
	struct switch_port *src;
	uint64_t *why;
	int dst;

	if (port >= sw->nports)
		return;
	src = &sw->port[port];
	why = refusal(src, frame, len);
	if (why) {
		(*why)++;
		return;
	}
	src->stats.frames_in++;
	src->stats.bytes_in += len;
	learn(sw, frame + ETH_SRC, port, now);

	dst = is_group(frame + ETH_DST) ? -1
					 : switch_lookup(sw, frame + ETH_DST, now);
	if (dst < 0)
		flood(sw, port, frame, len);
	else if ((unsigned)dst == port)
		src->stats.drop_local++;
	else
		enqueue(&sw->port[dst], frame, len);
}

unsigned switch_poll(struct net_switch *sw, unsigned port)
{
	struct switch_port *p;
	unsigned taken = 0;

	if (port >= sw->nports)
		return 0;
	p = &sw->port[port];
	while (p->count) {
		const struct switch_frame *f = &p->queue[p->head];

		p->head = (p->head + 1) % SWITCH_QUEUE_LEN;
		p->count--;
		if (p->deliver && p->deliver(p->ctx, f->data, f->len)) {
			p->stats.frames_out++;
			p->stats.bytes_out += f->len;
			taken++;
		} else {
			p->stats.drop_refused++;
		}
	}
	return taken;
}

unsigned switch_pending(const struct net_switch *sw, unsigned port)
{
	return port < sw->nports ? sw->port[port].count : 0;
}

const struct switch_port_stats *switch_stats(const struct net_switch *sw,
					     unsigned port)
{
	return port < sw->nports ? &sw->port[port].stats : NULL;
}
