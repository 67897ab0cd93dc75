/* units: vmm/net/switch.c */
/*
 * The learning switch with recording ports: adding ports, anti-spoofing
 * and the other refusals at the way in, learning and lookup, flooding of
 * broadcast, multicast and unknown unicast, frames being copies, the
 * per-port queue bound (a flooding sender does not stop other traffic),
 * delivery order and refusals, aging by the caller's clock, the table
 * bound and its eviction order, and the counters.
 */
#include "check.h"
#include "vmm/net/switch.h"

#define MAX_GOT 80

struct port {
	bool refuse;                    /* deliver() says no */
	int got;
	size_t len[MAX_GOT];
	uint8_t frame[MAX_GOT][SWITCH_FRAME_MAX];
};

static struct net_switch sw;
static struct port ports[SWITCH_MAX_PORTS];

static bool record(void *ctx, const uint8_t *frame, size_t len)
{
	struct port *p = ctx;

	if (p->refuse)
		return false;
	if (p->got < MAX_GOT) {
		p->len[p->got] = len;
		memcpy(p->frame[p->got], frame, len);
	}
	p->got++;
	return true;
}

/* 02:00:00:00:00:nn, locally administered unicast */
static const uint8_t *mac(uint8_t n)
{
	static uint8_t m[128][6];

	m[n][0] = 0x02;
	m[n][5] = n;
	return m[n];
}

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };

static uint8_t frame[SWITCH_FRAME_MAX + 1];

/* A frame in `frame` from src to dst, len bytes, payload seed+i. */
static const uint8_t *make(const uint8_t *dst, const uint8_t *src, size_t len,
			   uint8_t seed)
{
	memcpy(frame, dst, 6);
	memcpy(frame + 6, src, 6);
	frame[12] = 0x08;
	frame[13] = 0x06;
	for (size_t i = 14; i < len; i++)
		frame[i] = (uint8_t)(seed + i);
	return frame;
}

static void send(unsigned port, const uint8_t *dst, const uint8_t *src,
		 size_t len, uint64_t now)
{
	switch_input(&sw, port, make(dst, src, len, (uint8_t)now), len, now);
}

/* n ports, port i with mac(i + 1) unless in `open` (a bit mask): those
 * take any source. */
static void setup(unsigned n, unsigned open, uint64_t age)
{
	memset(ports, 0, sizeof(ports));
	switch_init(&sw, age);
	for (unsigned i = 0; i < n; i++)
		CHECK_EQ(switch_add_port(&sw, (open >> i) & 1 ? NULL : mac((uint8_t)(i + 1)),
					 record, &ports[i]), i);
}

static void poll_all(void)
{
	for (unsigned i = 0; i < sw.nports; i++)
		switch_poll(&sw, i);
}

static void test_add_port(void)
{
	switch_init(&sw, 0);
	CHECK_EQ(switch_add_port(&sw, mac(1), record, &ports[0]), 0);
	CHECK_EQ(switch_add_port(&sw, mac(1), record, &ports[1]), -1); /* taken */
	CHECK_EQ(switch_add_port(&sw, bcast, record, &ports[1]), -1);
	CHECK_EQ(switch_add_port(&sw, mcast, record, &ports[1]), -1);
	CHECK_EQ(switch_add_port(&sw, (const uint8_t[6]){ 0 }, record, &ports[1]), -1);
	CHECK_EQ(switch_add_port(&sw, NULL, record, &ports[1]), 1);
	CHECK_EQ(switch_add_port(&sw, NULL, record, &ports[2]), 2);
	for (unsigned i = 3; i < SWITCH_MAX_PORTS; i++)
		CHECK_EQ(switch_add_port(&sw, mac((uint8_t)(i + 1)), record, &ports[i]), i);
	CHECK_EQ(switch_add_port(&sw, mac(20), record, &ports[0]), -1); /* full */
	CHECK_EQ(sw.nports, SWITCH_MAX_PORTS);
	CHECK(switch_stats(&sw, SWITCH_MAX_PORTS - 1) != NULL);
	CHECK(switch_stats(&sw, SWITCH_MAX_PORTS) == NULL);
}

static void test_anti_spoofing(void)
{
	setup(3, 0, 0);
	/* Port 0 claims to be port 1, then someone unknown. */
	send(0, bcast, mac(2), 60, 0);
	send(0, mac(3), mac(9), 60, 0);
	CHECK_EQ(switch_stats(&sw, 0)->drop_spoofed, 2);
	CHECK_EQ(switch_stats(&sw, 0)->frames_in, 0);
	CHECK_EQ(switch_pending(&sw, 1) + switch_pending(&sw, 2), 0);
	/* Nothing was learnt from them. */
	CHECK_EQ(switch_lookup(&sw, mac(2), 0), -1);
	CHECK_EQ(switch_lookup(&sw, mac(9), 0), -1);
	/* Its own address goes through. */
	send(0, bcast, mac(1), 60, 0);
	CHECK_EQ(switch_stats(&sw, 0)->frames_in, 1);
	CHECK_EQ(switch_pending(&sw, 1), 1);
	CHECK_EQ(switch_lookup(&sw, mac(1), 0), 0);
}

static void test_bad_frames(void)
{
	setup(2, 1, 0);                 /* port 0 takes any source */
	send(0, bcast, bcast, 60, 0);   /* a group address as source */
	send(0, bcast, mcast, 60, 0);
	CHECK_EQ(switch_stats(&sw, 0)->drop_bad_src, 2);
	send(0, bcast, mac(5), SWITCH_FRAME_MIN - 1, 0);
	send(0, bcast, mac(5), SWITCH_FRAME_MAX + 1, 0);
	send(0, bcast, mac(5), 0, 0);
	CHECK_EQ(switch_stats(&sw, 0)->drop_bad_len, 3);
	CHECK_EQ(switch_pending(&sw, 1), 0);
	/* Both limits are fine. */
	send(0, bcast, mac(5), SWITCH_FRAME_MIN, 0);
	send(0, bcast, mac(5), SWITCH_FRAME_MAX, 0);
	CHECK_EQ(switch_poll(&sw, 1), 2);
	CHECK_EQ(ports[1].len[0], SWITCH_FRAME_MIN);
	CHECK_EQ(ports[1].len[1], SWITCH_FRAME_MAX);
	/* A port number not in use is ignored. */
	switch_input(&sw, 2, make(bcast, mac(5), 60, 0), 60, 0);
	switch_input(&sw, 1000, make(bcast, mac(5), 60, 0), 60, 0);
	CHECK_EQ(switch_pending(&sw, 0) + switch_pending(&sw, 1), 0);
	CHECK_EQ(switch_poll(&sw, 2), 0);
	CHECK_EQ(switch_pending(&sw, 2), 0);
}

static void test_flooding(void)
{
	setup(4, 0, 0);
	/* Broadcast, multicast and unknown unicast: every port but the
	 * sender's. */
	send(0, bcast, mac(1), 60, 0);
	send(0, mcast, mac(1), 61, 0);
	send(0, mac(3), mac(1), 62, 0);  /* port 2 has not spoken yet */
	send(0, mac(40), mac(1), 63, 0); /* nobody's */
	CHECK_EQ(switch_pending(&sw, 0), 0);
	for (unsigned p = 1; p < 4; p++) {
		CHECK_EQ(switch_poll(&sw, p), 4);
		for (int i = 0; i < 4; i++)
			CHECK_EQ(ports[p].len[i], 60 + i);
	}
	CHECK_EQ(switch_stats(&sw, 0)->flooded, 4);
	CHECK_EQ(ports[0].got, 0);
}

static void test_learning(void)
{
	setup(4, 0, 0);
	send(2, bcast, mac(3), 60, 0);  /* port 2 speaks */
	poll_all();
	memset(ports, 0, sizeof(ports));
	CHECK_EQ(switch_lookup(&sw, mac(3), 0), 2);

	/* Now unicast to it goes to port 2 alone. */
	send(0, mac(3), mac(1), 70, 0);
	CHECK_EQ(switch_pending(&sw, 1), 0);
	CHECK_EQ(switch_pending(&sw, 3), 0);
	CHECK_EQ(switch_poll(&sw, 2), 1);
	CHECK_EQ(ports[2].len[0], 70);
	CHECK(memcmp(ports[2].frame[0], mac(3), 6) == 0);
	CHECK(memcmp(ports[2].frame[0] + 6, mac(1), 6) == 0);
	CHECK_EQ(switch_stats(&sw, 0)->flooded, 0);
	/* And the answer finds port 0, learnt from that frame. */
	send(2, mac(1), mac(3), 71, 0);
	CHECK_EQ(switch_pending(&sw, 1) + switch_pending(&sw, 3), 0);
	CHECK_EQ(switch_poll(&sw, 0), 1);
	/* Broadcast still floods, known or not. */
	send(2, bcast, mac(3), 72, 0);
	CHECK_EQ(switch_pending(&sw, 0) + switch_pending(&sw, 1) +
		 switch_pending(&sw, 3), 3);
}

/* Stations behind ports that take any source: moving, and a destination
 * on the sender's own side. */
static void test_learning_open_ports(void)
{
	setup(3, 0x6, 0);               /* ports 1 and 2 take any source */
	send(1, bcast, mac(30), 60, 0);
	send(1, bcast, mac(31), 60, 0);
	CHECK_EQ(switch_lookup(&sw, mac(30), 0), 1);
	CHECK_EQ(switch_lookup(&sw, mac(31), 0), 1);
	/* 30 talks to 31, both behind port 1: the frame stays there. */
	send(1, mac(31), mac(30), 60, 0);
	CHECK_EQ(switch_stats(&sw, 1)->drop_local, 1);
	CHECK_EQ(switch_pending(&sw, 0), 2);
	CHECK_EQ(switch_pending(&sw, 2), 2);
	/* 30 moves behind port 2. */
	send(2, bcast, mac(30), 60, 1);
	CHECK_EQ(switch_lookup(&sw, mac(30), 1), 2);
	poll_all();
	memset(ports, 0, sizeof(ports));
	send(0, mac(30), mac(1), 60, 2);
	CHECK_EQ(switch_pending(&sw, 1), 0);
	CHECK_EQ(switch_pending(&sw, 2), 1);
}

/* The switch keeps its own copy of each frame, one per destination. */
static void test_frames_are_copies(void)
{
	uint8_t mine[100];

	setup(3, 0, 0);
	memcpy(mine, make(bcast, mac(1), sizeof(mine), 9), sizeof(mine));
	switch_input(&sw, 0, mine, sizeof(mine), 0);
	memset(mine + 14, 0, sizeof(mine) - 14);     /* the sender reuses it */
	memset(frame, 0, sizeof(frame));
	CHECK_EQ(switch_poll(&sw, 1), 1);
	CHECK_EQ(switch_poll(&sw, 2), 1);
	make(bcast, mac(1), sizeof(mine), 9);
	CHECK(memcmp(ports[1].frame[0], frame, sizeof(mine)) == 0);
	CHECK(memcmp(ports[2].frame[0], frame, sizeof(mine)) == 0);
}

static void test_queue_bound(void)
{
	setup(3, 0, 0);
	/* Port 0 floods far more than the queues hold. */
	for (unsigned i = 0; i < SWITCH_QUEUE_LEN + 36; i++)
		send(0, bcast, mac(1), 60, i);
	for (unsigned p = 1; p < 3; p++) {
		CHECK_EQ(switch_pending(&sw, p), SWITCH_QUEUE_LEN);
		CHECK_EQ(switch_stats(&sw, p)->drop_queue_full, 36);
	}
	CHECK_EQ(switch_stats(&sw, 0)->frames_in, SWITCH_QUEUE_LEN + 36);
	CHECK_EQ(switch_stats(&sw, 0)->drop_queue_full, 0);
	/* Port 1 keeps up, port 2 does not: port 2's full queue costs
	 * port 1 nothing. */
	CHECK_EQ(switch_poll(&sw, 1), SWITCH_QUEUE_LEN);
	/* The oldest were kept, in order. */
	for (unsigned i = 0; i < SWITCH_QUEUE_LEN; i++)
		CHECK_EQ(ports[1].frame[i][20], (uint8_t)(i + 20));
	send(1, bcast, mac(2), 60, 0);  /* both get known; port 2's */
	send(2, bcast, mac(3), 60, 0);  /* copy has no room */
	CHECK_EQ(switch_stats(&sw, 2)->drop_queue_full, 37);
	send(0, mac(3), mac(1), 60, 0);  /* for port 2: no room */
	send(0, mac(2), mac(1), 60, 0);  /* for port 1: delivered */
	CHECK_EQ(switch_stats(&sw, 2)->drop_queue_full, 38);
	CHECK_EQ(switch_poll(&sw, 1), 2);
	CHECK_EQ(ports[1].got, SWITCH_QUEUE_LEN + 2);
	CHECK_EQ(switch_stats(&sw, 1)->drop_queue_full, 36);
	/* Once port 2 polls there is room again. */
	CHECK_EQ(switch_poll(&sw, 2), SWITCH_QUEUE_LEN);
	send(0, mac(3), mac(1), 60, 0);
	CHECK_EQ(switch_pending(&sw, 2), 1);
}

static void test_poll(void)
{
	setup(2, 0, 0);
	CHECK_EQ(switch_poll(&sw, 1), 0);
	CHECK_EQ(switch_poll(&sw, 9), 0);
	for (unsigned i = 0; i < 3; i++)
		send(0, bcast, mac(1), 60 + i, 0);
	/* A port that refuses: frames dropped, counted, queue emptied. */
	ports[1].refuse = true;
	CHECK_EQ(switch_poll(&sw, 1), 0);
	CHECK_EQ(switch_stats(&sw, 1)->drop_refused, 3);
	CHECK_EQ(switch_pending(&sw, 1), 0);
	CHECK_EQ(switch_stats(&sw, 1)->frames_out, 0);
	ports[1].refuse = false;
	for (unsigned i = 0; i < 3; i++)
		send(0, bcast, mac(1), 60 + i, 0);
	CHECK_EQ(switch_poll(&sw, 1), 3);
	CHECK_EQ(switch_stats(&sw, 1)->frames_out, 3);
	CHECK_EQ(switch_stats(&sw, 1)->bytes_out, 60 + 61 + 62);
	CHECK_EQ(switch_stats(&sw, 0)->frames_in, 6);
	CHECK_EQ(switch_stats(&sw, 0)->bytes_in, 2 * (60 + 61 + 62));
	for (int i = 0; i < 3; i++)
		CHECK_EQ(ports[1].len[i], 60 + i);
	CHECK_EQ(switch_poll(&sw, 1), 0);
	/* The ring wraps. */
	for (unsigned round = 0; round < 3; round++) {
		for (unsigned i = 0; i < 50; i++)
			send(0, bcast, mac(1), 60, 0);
		CHECK_EQ(switch_poll(&sw, 1), 50);
	}
	CHECK_EQ(ports[1].got, 3 + 150);
}

/* A port with no deliver() drops what it is sent. */
static void test_no_deliver(void)
{
	switch_init(&sw, 0);
	CHECK_EQ(switch_add_port(&sw, mac(1), record, &ports[0]), 0);
	CHECK_EQ(switch_add_port(&sw, mac(2), NULL, NULL), 1);
	send(0, bcast, mac(1), 60, 0);
	CHECK_EQ(switch_poll(&sw, 1), 0);
	CHECK_EQ(switch_stats(&sw, 1)->drop_refused, 1);
}

static void test_aging(void)
{
	setup(3, 0, 100);
	send(1, bcast, mac(2), 60, 1000);
	CHECK_EQ(switch_lookup(&sw, mac(2), 1000), 1);
	CHECK_EQ(switch_lookup(&sw, mac(2), 1099), 1);
	CHECK_EQ(switch_lookup(&sw, mac(2), 1100), -1);
	/* Refreshed by traffic from it. */
	send(1, bcast, mac(2), 60, 1090);
	CHECK_EQ(switch_lookup(&sw, mac(2), 1189), 1);
	poll_all();
	memset(ports, 0, sizeof(ports));
	/* Frames to it still go straight there... */
	send(0, mac(2), mac(1), 60, 1189);
	CHECK_EQ(switch_pending(&sw, 1), 1);
	CHECK_EQ(switch_pending(&sw, 2), 0);
	/* ...until it has been quiet too long: then they are flooded. */
	send(0, mac(2), mac(1), 60, 1190);
	CHECK_EQ(switch_pending(&sw, 1), 2);
	CHECK_EQ(switch_pending(&sw, 2), 1);
	/* Sending to it is no refresh. */
	CHECK_EQ(switch_lookup(&sw, mac(2), 1190), -1);

	/* age_limit 0: never forgotten. */
	setup(2, 0, 0);
	send(1, bcast, mac(2), 60, 5);
	CHECK_EQ(switch_lookup(&sw, mac(2), ~0ull), 1);
}

static void test_table_bound(void)
{
	setup(2, 0x2, 0);               /* port 1 takes any source */
	/* Fill the table: station n seen at time n. */
	for (unsigned n = 0; n < SWITCH_FDB_SIZE; n++)
		send(1, bcast, mac((uint8_t)(10 + n)), 60, n);
	CHECK_EQ(sw.fdb_evictions, 0);
	/* Station 10 speaks again, so 11 is now the least recently seen. */
	send(1, bcast, mac(10), 60, 100);
	send(1, bcast, mac(60), 60, 101);
	CHECK_EQ(sw.fdb_evictions, 1);
	CHECK_EQ(switch_lookup(&sw, mac(60), 101), 1);
	CHECK_EQ(switch_lookup(&sw, mac(11), 101), -1);
	CHECK_EQ(switch_lookup(&sw, mac(10), 101), 1);
	for (unsigned n = 2; n < SWITCH_FDB_SIZE; n++)
		CHECK_EQ(switch_lookup(&sw, mac((uint8_t)(10 + n)), 101), 1);
	/* The table never holds more than its size, and keeps the most
	 * recently seen: 50 new stations 64..113 leave 82..113. */
	for (unsigned n = 0; n < 50; n++)
		send(1, bcast, mac((uint8_t)(64 + n)), 60, 200 + n);
	CHECK_EQ(sw.fdb_evictions, 1 + 50);
	unsigned known = 0;
	for (unsigned n = 0; n < 128; n++)
		known += switch_lookup(&sw, mac((uint8_t)n), 300) >= 0;
	CHECK_EQ(known, SWITCH_FDB_SIZE);
	CHECK_EQ(switch_lookup(&sw, mac(81), 300), -1);
	CHECK_EQ(switch_lookup(&sw, mac(82), 300), 1);
	CHECK_EQ(switch_lookup(&sw, mac(113), 300), 1);
}

/* Aged-out entries make room without evicting anyone. */
static void test_table_reuses_stale(void)
{
	setup(2, 0x2, 10);
	for (unsigned n = 0; n < SWITCH_FDB_SIZE; n++)
		send(1, bcast, mac((uint8_t)(10 + n)), 60, 0);
	send(1, bcast, mac(60), 60, 5);
	CHECK_EQ(sw.fdb_evictions, 1);
	for (unsigned n = 0; n < SWITCH_FDB_SIZE; n++)
		send(1, bcast, mac((uint8_t)n), 60, 50);
	CHECK_EQ(sw.fdb_evictions, 1);
	CHECK_EQ(switch_lookup(&sw, mac(60), 50), -1);
	CHECK_EQ(switch_lookup(&sw, mac(0), 50), 1);
}

int main(void)
{
	RUN(test_add_port);
	RUN(test_anti_spoofing);
	RUN(test_bad_frames);
	RUN(test_flooding);
	RUN(test_learning);
	RUN(test_learning_open_ports);
	RUN(test_frames_are_copies);
	RUN(test_queue_bound);
	RUN(test_poll);
	RUN(test_no_deliver);
	RUN(test_aging);
	RUN(test_table_bound);
	RUN(test_table_reuses_stale);
	return check_summary();
}
