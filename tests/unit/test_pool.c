/* units: ept/pool.c */
/*
 * The EPT frame pool: every frame handed out lies in the pool and is
 * page aligned, no frame is handed out twice, an empty pool refuses, and
 * frames given back come out again.
 */
#include <stdlib.h>
#include "check.h"
#include "ept/pool.h"

#define BASE 0x40000000ull

static void make(struct frame_pool *fp, uint32_t n)
{
	uint64_t bytes = frame_pool_index_bytes(n);

	frame_pool_init(fp, HPA(BASE), n, malloc(bytes), bytes);
}

static void test_sizes(void)
{
	/* one table per 2 MiB (all 4 KiB leaves), one per 1 GiB, plus the top */
	CHECK_EQ(frame_pool_pages(MIB(64)), 32 + 0 + 8);
	CHECK_EQ(frame_pool_pages(GIB(2)), 1024 + 2 + 8);
	CHECK_EQ(frame_pool_index_bytes(10), 40);
}

static void test_hands_out_each_frame_once(void)
{
	struct frame_pool fp;
	uint8_t seen[16] = { 0 };

	make(&fp, 16);
	CHECK_EQ(fp.nfree, 16);
	for (int i = 0; i < 16; i++) {
		hpa_t a = frame_pool_alloc(&fp);
		CHECK(hpa_valid(a));
		CHECK(a.v >= BASE && a.v < BASE + 16 * PAGE_SIZE);
		CHECK_EQ(a.v & (PAGE_SIZE - 1), 0);
		uint64_t k = (a.v - BASE) / PAGE_SIZE;
		CHECK(k < 16 && !seen[k]);
		if (k < 16)
			seen[k] = 1;
	}
	CHECK(!hpa_valid(frame_pool_alloc(&fp)));   /* empty: refused, not wrapped */
	CHECK_EQ(fp.nfree, 0);
	free(fp.free);
}

static void test_first_frame_first(void)
{
	struct frame_pool fp;

	make(&fp, 4);
	CHECK_EQ(frame_pool_alloc(&fp).v, BASE);
	CHECK_EQ(frame_pool_alloc(&fp).v, BASE + PAGE_SIZE);
	free(fp.free);
}

static void test_free_returns_the_frame(void)
{
	struct frame_pool fp;

	make(&fp, 2);
	hpa_t a = frame_pool_alloc(&fp), b = frame_pool_alloc(&fp);
	CHECK(!hpa_valid(frame_pool_alloc(&fp)));
	frame_pool_free(&fp, b);
	CHECK_EQ(fp.nfree, 1);
	CHECK_EQ(frame_pool_alloc(&fp).v, b.v);
	frame_pool_free(&fp, a);
	CHECK_EQ(frame_pool_alloc(&fp).v, a.v);
	free(fp.free);
}

int main(void)
{
	RUN(test_sizes);
	RUN(test_hands_out_each_frame_once);
	RUN(test_first_frame_first);
	RUN(test_free_returns_the_frame);
	return check_summary();
}
