/* units: */
/*
 * The console-input ring: order, full and empty, wrap-around of the
 * free-running indices, and a producer and a consumer thread at once
 * (every byte arrives, in order, none twice).
 */
#include <pthread.h>
#include "check.h"
#include "lib/ring.h"

static void test_order_full_empty(void)
{
	struct byte_ring r = { .head = 0, .tail = 0 };

	CHECK(ring_empty(&r));
	CHECK_EQ(ring_get(&r), -1);
	for (int i = 0; i < RING_SIZE; i++)
		CHECK(ring_put(&r, (uint8_t)i));
	CHECK(!ring_put(&r, 0xee));                 /* full: dropped */
	for (int i = 0; i < RING_SIZE; i++)
		CHECK_EQ(ring_get(&r), i);
	CHECK(ring_empty(&r));
	CHECK_EQ(ring_get(&r), -1);
}

static void test_index_wrap(void)
{
	struct byte_ring r = { .head = 0xfffffff0u, .tail = 0xfffffff0u };

	for (int i = 0; i < 40; i++) {
		CHECK(ring_put(&r, (uint8_t)(i + 1)));
		CHECK_EQ(ring_get(&r), i + 1);
	}
	CHECK(r.head < 0x100);                      /* went past 2^32 */
	CHECK(ring_empty(&r));
}

#define STREAM 200000

static struct byte_ring shared;

static void *producer(void *arg)
{
	for (uint32_t i = 0; i < STREAM;)
		if (ring_put(&shared, (uint8_t)(i * 7)))
			i++;
	return NULL;
}

static void test_two_threads(void)
{
	pthread_t t;
	uint32_t got = 0, bad = 0;

	pthread_create(&t, NULL, producer, NULL);
	while (got < STREAM) {
		int c = ring_get(&shared);
		if (c < 0)
			continue;
		bad += c != (uint8_t)(got * 7);
		got++;
	}
	pthread_join(t, NULL);
	CHECK_EQ(bad, 0);
	CHECK(ring_empty(&shared));
}

int main(void)
{
	RUN(test_order_full_empty);
	RUN(test_index_wrap);
	RUN(test_two_threads);
	return check_summary();
}
