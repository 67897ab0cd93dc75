/*
 * netping: two partitions on one switch (vmm/net/net.h), each with a
 * minimal virtio-net driver of its own (virtio 1.1: 4.2 MMIO transport,
 * 2.6 split virtqueues, 5.1 network device), polled, no interrupts taken.
 *
 *   role=a  sends NETPING_N "ping" frames (EtherType 0x88b5, a sequence
 *           number and a checksum) to the broadcast address, then one
 *           frame with a forged source address, which the switch must
 *           drop; then waits for every "pong".
 *   role=b  receives the pings, checks each, and answers each with a
 *           unicast pong to the sender's address; checks that the forged
 *           frame never arrives.
 *
 * Either prints "netping: PASS" (exit code 0) when all of it held.
 */
#include "guest.h"

#define NET_BASE        0xfeb00000u     /* net0's window (vmm/dev/platform.h) */
#define NETPING_N       20
#define ETHERTYPE       0x88b5          /* IEEE 802 local experimental 1 */
#define KIND_PING       1
#define KIND_PONG       2
#define KIND_SPOOF      3
#define PAYLOAD_LEN     46              /* 60-byte frames, the Ethernet minimum */
#define WAIT_MS         30000

/* virtio-mmio registers (4.2.2), status bits (2.1), features (6, 5.1.3) */
enum {
	R_MAGIC = 0x000, R_VERSION = 0x004, R_DEVICE_ID = 0x008,
	R_DEV_FEATURES = 0x010, R_DEV_FEATURES_SEL = 0x014,
	R_DRV_FEATURES = 0x020, R_DRV_FEATURES_SEL = 0x024,
	R_QUEUE_SEL = 0x030, R_QUEUE_NUM_MAX = 0x034, R_QUEUE_NUM = 0x038,
	R_QUEUE_READY = 0x044, R_QUEUE_NOTIFY = 0x050,
	R_INT_STATUS = 0x060, R_INT_ACK = 0x064, R_STATUS = 0x070,
	R_DESC_LO = 0x080, R_DESC_HI = 0x084, R_DRIVER_LO = 0x090, R_DRIVER_HI = 0x094,
	R_DEVICE_LO = 0x0a0, R_DEVICE_HI = 0x0a4, R_CONFIG = 0x100,
};
#define S_ACK           1u
#define S_DRIVER        2u
#define S_DRIVER_OK     4u
#define S_FEATURES_OK   8u
#define F_MAC_LO        (1u << 5)       /* bit 5 */
#define F_VERSION_1_HI  (1u << 0)       /* bit 32 */
#define DESC_F_WRITE    2u
#define HDR_LEN         12              /* virtio_net_hdr, 5.1.6 */
#define FRAME_MAX       1514
#define QSIZE           32
#define RXQ             0
#define TXQ             1

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

struct vq {
	struct desc desc[QSIZE] __attribute__((aligned(16)));
	struct { uint16_t flags, idx, ring[QSIZE], event; } avail __attribute__((aligned(4)));
	struct { uint16_t flags, idx; struct { uint32_t id, len; } ring[QSIZE]; uint16_t event; }
		used __attribute__((aligned(4)));
	uint16_t next_used;             /* the used entry we look at next */
};

static struct vq queues[2] __attribute__((aligned(4096)));
static uint8_t bufs[2][QSIZE][HDR_LEN + FRAME_MAX];
static uint8_t mac[6];
static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

#define barrier() __asm__ volatile("" ::: "memory")

static uint32_t rd(uint32_t off) { return *(volatile uint32_t *)(NET_BASE + off); }
static void wr(uint32_t off, uint32_t v) { *(volatile uint32_t *)(NET_BASE + off) = v; }
static uint16_t used_idx(const struct vq *q) { return *(volatile const uint16_t *)&q->used.idx; }

static bool queue_setup(unsigned n)
{
	struct vq *q = &queues[n];

	wr(R_QUEUE_SEL, n);
	if (!check("queue size", rd(R_QUEUE_NUM_MAX) >= QSIZE, "queue %u: max %u", n,
		   rd(R_QUEUE_NUM_MAX)))
		return false;
	wr(R_QUEUE_NUM, QSIZE);
	wr(R_DESC_LO, (uint32_t)(uintptr_t)q->desc);
	wr(R_DESC_HI, 0);
	wr(R_DRIVER_LO, (uint32_t)(uintptr_t)&q->avail);
	wr(R_DRIVER_HI, 0);
	wr(R_DEVICE_LO, (uint32_t)(uintptr_t)&q->used);
	wr(R_DEVICE_HI, 0);
	wr(R_QUEUE_READY, 1);
	return check_eq("queue ready", rd(R_QUEUE_READY), 1);
}

/* Every receive buffer to the device. */
static void rx_post_all(void)
{
	struct vq *q = &queues[RXQ];

	for (unsigned i = 0; i < QSIZE; i++) {
		q->desc[i] = (struct desc){ (uintptr_t)bufs[RXQ][i], HDR_LEN + FRAME_MAX, DESC_F_WRITE, 0 };
		q->avail.ring[i] = (uint16_t)i;
	}
	barrier();
	q->avail.idx = QSIZE;
}

/* 3.1.1: reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK, queues, DRIVER_OK. */
static bool net_init(void)
{
	if (!check_eq("virtio magic", rd(R_MAGIC), 0x74726976) ||
	    !check_eq("virtio version", rd(R_VERSION), 2) ||
	    !check_eq("virtio device id (net)", rd(R_DEVICE_ID), 1))
		return false;
	wr(R_STATUS, 0);
	wr(R_STATUS, S_ACK);
	wr(R_STATUS, S_ACK | S_DRIVER);
	wr(R_DEV_FEATURES_SEL, 0);
	uint32_t lo = rd(R_DEV_FEATURES);
	wr(R_DEV_FEATURES_SEL, 1);
	uint32_t hi = rd(R_DEV_FEATURES);
	if (!check("features offered", (lo & F_MAC_LO) && (hi & F_VERSION_1_HI),
		   "0x%08x%08x", hi, lo))
		return false;
	wr(R_DRV_FEATURES_SEL, 0);
	wr(R_DRV_FEATURES, F_MAC_LO);
	wr(R_DRV_FEATURES_SEL, 1);
	wr(R_DRV_FEATURES, F_VERSION_1_HI);
	wr(R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	if (!check("FEATURES_OK sticks", rd(R_STATUS) & S_FEATURES_OK, "status 0x%x", rd(R_STATUS)))
		return false;
	if (!queue_setup(RXQ) || !queue_setup(TXQ))
		return false;
	for (unsigned i = 0; i < 6; i++)
		mac[i] = *(volatile uint8_t *)(NET_BASE + R_CONFIG + i);
	rx_post_all();
	wr(R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	wr(R_QUEUE_NOTIFY, RXQ);
	return true;
}

static unsigned unsent;   /* frames the device did not take at once */

static void send(const uint8_t *frame, unsigned len)
{
	struct vq *q = &queues[TXQ];
	uint16_t idx = q->avail.idx, slot = idx % QSIZE;
	uint8_t *b = bufs[TXQ][slot];

	memset(b, 0, HDR_LEN);
	memcpy(b + HDR_LEN, frame, len);
	q->desc[slot] = (struct desc){ (uintptr_t)b, HDR_LEN + len, 0, 0 };
	q->avail.ring[slot] = slot;
	barrier();
	q->avail.idx = (uint16_t)(idx + 1);
	barrier();
	wr(R_QUEUE_NOTIFY, TXQ);
	/* the device takes the chain during the notify */
	unsent += used_idx(q) != (uint16_t)(idx + 1);
	q->next_used = used_idx(q);
}

/* The next received frame into out (its length), or 0 if none yet. */
static unsigned receive(uint8_t *out)
{
	struct vq *q = &queues[RXQ];

	if (used_idx(q) == q->next_used)
		return 0;
	barrier();
	uint16_t u = q->next_used % QSIZE;
	uint32_t id = q->used.ring[u].id, len = q->used.ring[u].len;
	unsigned n = 1;           /* a bad entry: a 1-byte frame nobody takes */

	if (id < QSIZE && len >= HDR_LEN + 14 && len <= HDR_LEN + FRAME_MAX) {
		n = len - HDR_LEN;
		memcpy(out, bufs[RXQ][id] + HDR_LEN, n);
	}
	q->next_used++;
	/* the buffer goes back, and the device hears of it */
	q->avail.ring[q->avail.idx % QSIZE] = (uint16_t)(id < QSIZE ? id : 0);
	barrier();
	q->avail.idx++;
	wr(R_QUEUE_NOTIFY, RXQ);
	return n;
}

/* ---- the frames ---------------------------------------------------------- */

static uint16_t payload_sum(const uint8_t *p)
{
	uint16_t s = 0;

	for (unsigned i = 0; i < PAYLOAD_LEN - 2; i++)
		s = (uint16_t)(s * 31 + p[i]);
	return s;
}

static unsigned build(uint8_t *f, const uint8_t *dst, const uint8_t *src, uint8_t kind, uint16_t seq)
{
	uint8_t *p = f + 14;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = ETHERTYPE >> 8;
	f[13] = ETHERTYPE & 0xff;
	p[0] = kind;
	p[1] = (uint8_t)(seq >> 8);
	p[2] = (uint8_t)seq;
	for (unsigned i = 3; i < PAYLOAD_LEN - 2; i++)
		p[i] = (uint8_t)(seq * 7 + i);
	uint16_t s = payload_sum(p);
	p[PAYLOAD_LEN - 2] = (uint8_t)(s >> 8);
	p[PAYLOAD_LEN - 1] = (uint8_t)s;
	return 14 + PAYLOAD_LEN;
}

/* A frame of ours, intact: its kind and sequence number; false if not. */
static bool parse(const uint8_t *f, unsigned len, uint8_t *kind, uint16_t *seq)
{
	const uint8_t *p = f + 14;

	if (len != 14 + PAYLOAD_LEN || f[12] != ETHERTYPE >> 8 || f[13] != (ETHERTYPE & 0xff))
		return false;
	*kind = p[0];
	*seq = (uint16_t)(p[1] << 8 | p[2]);
	return payload_sum(p) == (uint16_t)(p[PAYLOAD_LEN - 2] << 8 | p[PAYLOAD_LEN - 1]);
}

/* ---- the roles ------------------------------------------------------------ */

static uint8_t frame[FRAME_MAX];
static bool seen[NETPING_N];

static void role_a(void)
{
	uint8_t forged[6];
	unsigned got = 0, bad = 0;

	for (uint16_t s = 0; s < NETPING_N; s++)
		send(frame, build(frame, broadcast, mac, KIND_PING, s));
	memcpy(forged, mac, 6);
	forged[5] ^= 0x80;                      /* another station's address */
	send(frame, build(frame, broadcast, forged, KIND_SPOOF, 0));
	con_printf("netping: sent %d pings and one forged frame\n", NETPING_N);

	uint64_t end = timer_deadline_ms(WAIT_MS);
	while (got < NETPING_N && !timer_expired(end)) {
		uint8_t kind;
		uint16_t seq;
		unsigned n = receive(frame);
		if (!n) {
			cpu_pause();
			continue;
		}
		if (parse(frame, n, &kind, &seq) && kind == KIND_PONG && seq < NETPING_N &&
		    !seen[seq] && memcmp(frame, mac, 6) == 0) {
			seen[seq] = true;
			got++;
		} else {
			bad++;
		}
	}
	check_eq("frames sent", unsent, 0);
	check_eq("pongs received", got, NETPING_N);
	check_eq("bad frames received", bad, 0);
	check("used-ring interrupt raised", rd(R_INT_STATUS) & 1, "status 0x%x", rd(R_INT_STATUS));
	wr(R_INT_ACK, rd(R_INT_STATUS));
	check_eq("interrupt acknowledged", rd(R_INT_STATUS), 0);
}

static void role_b(void)
{
	unsigned got = 0, bad = 0, spoofed = 0;
	uint8_t reply[FRAME_MAX];
	uint64_t end = timer_deadline_ms(WAIT_MS), grace = 0;

	/* the pings, then a little more for a forged frame that must not come */
	while (!timer_expired(end) && (got < NETPING_N || !timer_expired(grace))) {
		uint8_t kind;
		uint16_t seq;
		unsigned n = receive(frame);
		if (!n) {
			cpu_pause();
			continue;
		}
		if (!parse(frame, n, &kind, &seq)) {
			bad++;
		} else if (kind == KIND_SPOOF) {
			spoofed++;
		} else if (kind == KIND_PING && seq < NETPING_N && !seen[seq] &&
			   memcmp(frame, broadcast, 6) == 0) {
			seen[seq] = true;
			send(reply, build(reply, frame + 6, mac, KIND_PONG, seq));
			if (++got == NETPING_N)
				grace = timer_deadline_ms(200);
		} else {
			bad++;
		}
	}
	check_eq("frames sent", unsent, 0);
	check_eq("pings received and answered", got, NETPING_N);
	check_eq("bad frames received", bad, 0);
	check_eq("forged frames received", spoofed, 0);
}

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	char role[8] = "";

	guest_init();
	cmdline_init(mbi);
	if (magic != MB_BOOT_MAGIC)
		check_eq("multiboot magic", magic, MB_BOOT_MAGIC);
	cmdline_value("role", role, sizeof(role));
	check("role given", strcmp(role, "a") == 0 || strcmp(role, "b") == 0, "role '%s'", role);
	check("timer", timer_init(), "no PIT");
	if (check_failures() == 0 && net_init()) {
		con_printf("netping: role %s, mac %02x:%02x:%02x:%02x:%02x:%02x\n", role,
			   mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
		if (strcmp(role, "a") == 0)
			role_a();
		else
			role_b();
	}
	check_finish("netping");
}
