/* units: pmm/memmap.c pmm/buddy.c */
/*
 * Firmware memory maps to clean usable ranges, and the boot sequence that
 * feeds them to the allocator (pmm.h) with the metadata placed and
 * reserved.
 */
#include <stdlib.h>
#include "check.h"
#include "pmm/pmm.h"

#define USE(b, l)  { (b), (l), MEM_USABLE }
#define RSV(b, l)  { (b), (l), 2 }
#define ACPI(b, l) { (b), (l), 3 }

static struct mem_range out[16];

/* out[0..n) is exactly the `want` list. */
static bool same(int n, const struct mem_range *want, int nwant)
{
	if (n != nwant)
		return false;
	for (int i = 0; i < n; i++)
		if (out[i].base != want[i].base || out[i].len != want[i].len ||
		    out[i].type != MEM_USABLE)
			return false;
	return true;
}

static int clean(const struct mem_range *raw, size_t n,
		 const struct mem_range *rsv, size_t nrsv)
{
	memset(out, 0xAA, sizeof(out));
	return pmm_memmap_clean(raw, n, rsv, nrsv, out, ARRAY_SIZE(out));
}

static void test_shrinks_to_pages(void)
{
	struct mem_range raw[] = { USE(0x1234, 0x10000), USE(MIB(1) + 1, 0xFFF) };
	struct mem_range want[] = { USE(0x2000, 0xF000) };

	/* The second entry holds no whole page. */
	CHECK(same(clean(raw, 2, NULL, 0), want, 1));
}

static void test_unsorted_overlapping_merge(void)
{
	struct mem_range raw[] = {
		USE(MIB(8), MIB(8)), USE(MIB(1), MIB(3)), USE(MIB(3), MIB(6)),
		USE(MIB(16), MIB(1)), USE(MIB(2), 0x800),
		/* byte-adjacent unaligned halves make one whole page */
		USE(MIB(32) + 0x800, 0x800), USE(MIB(32) + 0x1000, 0x1800),
	};
	struct mem_range want[] = { USE(MIB(1), MIB(16)), USE(MIB(32) + 0x1000, 0x1000) };

	CHECK(same(clean(raw, ARRAY_SIZE(raw), NULL, 0), want, 2));
}

static void test_non_usable_entry_wins(void)
{
	struct mem_range raw[] = {
		ACPI(MIB(100), 0x1800),		/* listed before the RAM it cuts */
		USE(0, KIB(640)), USE(MIB(1), MIB(511)),
		RSV(0x9FC00, 0x400),		/* EBDA inside low RAM */
		{ MIB(500), MIB(100), 4 },	/* ACPI NVS over the end */
	};
	struct mem_range want[] = {
		USE(0, 0x9F000), USE(MIB(1), MIB(99)),
		USE(MIB(100) + 0x2000, MIB(400) - 0x2000),
	};

	CHECK(same(clean(raw, ARRAY_SIZE(raw), NULL, 0), want, 3));
}

static void test_reserved_ranges_split(void)
{
	struct mem_range raw[] = { USE(0, KIB(640)), USE(MIB(1), MIB(63)), USE(GIB(4), GIB(1)) };
	struct mem_range rsv[] = {
		{ 0, MIB(1), 0 },			/* first MiB (any type) */
		RSV(MIB(2), 0x12345),			/* hypervisor image */
		USE(MIB(8) + 0x10, 0x20),		/* multiboot2 info, mid-page */
		RSV(GIB(3), MIB(16)),			/* a module outside RAM */
		RSV(GIB(4) - PAGE_SIZE, 3 * PAGE_SIZE),	/* across the RAM start */
	};
	struct mem_range want[] = {
		USE(MIB(1), MIB(1)), USE(MIB(2) + 0x13000, MIB(6) - 0x13000),
		USE(MIB(8) + PAGE_SIZE, MIB(56) - PAGE_SIZE),
		USE(GIB(4) + 2 * PAGE_SIZE, GIB(1) - 2 * PAGE_SIZE),
	};

	CHECK(same(clean(raw, ARRAY_SIZE(raw), rsv, ARRAY_SIZE(rsv)), want, 4));
}

static void test_zero_length_and_wrapping_ignored(void)
{
	struct mem_range raw[] = {
		USE(MIB(1), MIB(1)), USE(MIB(4), 0),
		USE(~0ull - 0xFFF, 0x2000),		/* wraps past 2^64 */
		USE(~0ull - 0x1FFF, 0x2000),		/* ends exactly at 2^64 */
		RSV(MIB(1), 0), ACPI(MIB(1) + PAGE_SIZE, ~0ull),	/* wraps */
	};
	struct mem_range rsv[] = { RSV(MIB(1), 0), RSV(MIB(1) + 0x800, ~0ull - MIB(1)) };
	struct mem_range want[] = { USE(MIB(1), MIB(1)) };

	CHECK(same(clean(raw, ARRAY_SIZE(raw), rsv, ARRAY_SIZE(rsv)), want, 1));
	CHECK_EQ(pmm_memmap_usable_bytes(raw, ARRAY_SIZE(raw)), MIB(1));
}

static void test_usable_from_address_zero(void)
{
	struct mem_range raw[] = { USE(0, PAGE_SIZE), RSV(0, 0x10), USE(PAGE_SIZE, PAGE_SIZE) };
	struct mem_range want[] = { USE(PAGE_SIZE, PAGE_SIZE) };

	CHECK(same(clean(raw, 1, NULL, 0), raw, 1));
	CHECK(same(clean(raw, 3, NULL, 0), want, 1));
}

static void test_capacity(void)
{
	struct mem_range raw[] = { USE(MIB(1), MIB(1)), USE(MIB(4), MIB(1)), USE(MIB(8), MIB(1)) };
	struct mem_range small[3];

	CHECK_EQ(pmm_memmap_clean(raw, 3, NULL, 0, small, 3), 3);
	CHECK_EQ(small[2].base, MIB(8));
	CHECK_EQ(pmm_memmap_clean(raw, 3, NULL, 0, small, 2), PMM_ENOSPC);
	CHECK_EQ(small[1].base, MIB(4));	/* what fits is still written */
	CHECK_EQ(pmm_memmap_clean(raw, 3, NULL, 0, NULL, 0), PMM_ENOSPC);
	CHECK_EQ(pmm_memmap_clean(raw, 0, NULL, 0, NULL, 0), 0);
	CHECK_EQ(pmm_memmap_clean(NULL, 0, raw, 3, NULL, 0), 0);
}

static void test_usable_bytes(void)
{
	struct mem_range raw[] = {
		USE(0x500, 0x1000), USE(0x1000, 0x2000),	/* overlap counted once */
		RSV(0x2000, 0x100), USE(MIB(8), MIB(1)),
	};

	CHECK_EQ(pmm_memmap_usable_bytes(raw, ARRAY_SIZE(raw)), 0x2B00 - 0x100 + MIB(1));
	CHECK_EQ(pmm_memmap_usable_bytes(raw, 0), 0);
}

static void test_ram_end(void)
{
	struct mem_range raw[] = {
		USE(0, KIB(640)), USE(GIB(4), GIB(1)),
		RSV(GIB(5) - PAGE_SIZE, PAGE_SIZE),     /* a reserved tail is not RAM */
		USE(MIB(1), MIB(100)),                  /* out of order */
		RSV(GIB(6), GIB(1)),                    /* reserved beyond RAM: ignored */
	};

	CHECK_EQ(pmm_memmap_ram_end(raw, ARRAY_SIZE(raw)), GIB(5) - PAGE_SIZE);
	CHECK_EQ(pmm_memmap_ram_end(raw, 1), KIB(640));
	CHECK_EQ(pmm_memmap_ram_end(raw, 0), 0);
}

static void test_place_meta(void)
{
	struct mem_range clean_map[] = {
		USE(0, KIB(640)), USE(KIB(768), KIB(256) + 4 * PAGE_SIZE),
		USE(MIB(2), MIB(62)), USE(GIB(4), GIB(1)),
	};

	CHECK_EQ(pmm_memmap_place_meta(clean_map, 4, 4 * PAGE_SIZE), MIB(1));
	CHECK_EQ(pmm_memmap_place_meta(clean_map, 4, 0), MIB(1));
	CHECK_EQ(pmm_memmap_place_meta(clean_map, 4, 4 * PAGE_SIZE + 1), MIB(2));
	CHECK_EQ(pmm_memmap_place_meta(clean_map, 4, MIB(100)), GIB(4));
	CHECK_EQ(pmm_memmap_place_meta(clean_map, 4, GIB(2)), ~0ull);
	CHECK_EQ(pmm_memmap_place_meta(clean_map, 1, 1), ~0ull);	/* all below 1 MiB */
	CHECK_EQ(pmm_memmap_place_meta(clean_map + 3, 1, 1), GIB(4));
	CHECK_EQ(pmm_memmap_place_meta(NULL, 0, 1), ~0ull);
}

static void test_place_meta_unsorted_unaligned(void)
{
	struct mem_range ranges[] = {
		USE(MIB(64), MIB(64)), USE(MIB(1) + 1, MIB(1)), USE(MIB(3), 0),
		USE(~0ull - 0x7FF, 0x400),	/* aligns up past 2^64 */
	};

	CHECK_EQ(pmm_memmap_place_meta(ranges, 4, PAGE_SIZE), MIB(1) + PAGE_SIZE);
	CHECK_EQ(pmm_memmap_place_meta(ranges, 4, MIB(1)), MIB(64));
}

/* overlaps(a, alen, r): does [a, a+alen) meet r? */
static bool overlaps(uint64_t a, uint64_t alen, const struct mem_range *r)
{
	return a < r->base + r->len && r->base < a + alen;
}

static void test_boot_flow_keeps_reserved_out(void)
{
	/* QEMU-like e820 with 5 GiB, listed out of order. */
	struct mem_range raw[] = {
		USE(GIB(4), GIB(2)), USE(0, 0x9FC00), RSV(0x9FC00, 0x400),
		RSV(0xF0000, 0x10000), USE(MIB(1), 0xBFFE0000 - MIB(1)),
		RSV(0xBFFE0000, 0x20000), RSV(0xFFFC0000, 0x40000),
	};
	struct mem_range rsv[8] = {
		RSV(0, MIB(1)), RSV(MIB(1), 0x234567), RSV(0x400000 + 0x10, 0x2345),
		RSV(0x800000, 0x1000000 + 0x10),
	};
	size_t nrsv = 4, size;
	uint64_t at, pages = 0, high = 0, bad = 0;
	struct pmm p;
	void *meta;
	hpa_t a;
	int n;

	CHECK_EQ(pmm_memmap_usable_bytes(raw, ARRAY_SIZE(raw)), 0x9FC00 + 0xBFFE0000 - MIB(1) + GIB(2));
	n = clean(raw, ARRAY_SIZE(raw), rsv, nrsv);
	CHECK_EQ(n, 4);
	size = pmm_meta_size(out, (size_t)n);
	at = pmm_memmap_place_meta(out, (size_t)n, size);
	CHECK_EQ(at, 0x1800000 + PAGE_SIZE);	/* first gap big enough, above the module */
	rsv[nrsv++] = (struct mem_range){ at, size, 0 };
	n = clean(raw, ARRAY_SIZE(raw), rsv, nrsv);
	CHECK(n > 0 && pmm_meta_size(out, (size_t)n) <= size);
	meta = malloc(size);
	CHECK_EQ(pmm_init(&p, out, (size_t)n, meta, size), PMM_OK);
	for (int i = 0; i < n; i++)
		pages += out[i].len / PAGE_SIZE;
	CHECK_EQ(pmm_total_pages(&p), pages);
	while (hpa_valid(a = pmm_alloc(&p, 0))) {
		for (size_t i = 0; i < nrsv; i++)
			bad += overlaps(a.v, PAGE_SIZE, &rsv[i]);
		for (size_t i = 0; i < ARRAY_SIZE(raw); i++)
			bad += raw[i].type != MEM_USABLE && overlaps(a.v, PAGE_SIZE, &raw[i]);
		high += a.v >= GIB(4);
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(high, GIB(2) / PAGE_SIZE);
	CHECK_EQ(pmm_free_pages(&p), 0);
	free(meta);
}

int main(void)
{
	RUN(test_shrinks_to_pages);
	RUN(test_unsorted_overlapping_merge);
	RUN(test_non_usable_entry_wins);
	RUN(test_reserved_ranges_split);
	RUN(test_zero_length_and_wrapping_ignored);
	RUN(test_usable_from_address_zero);
	RUN(test_capacity);
	RUN(test_usable_bytes);
	RUN(test_ram_end);
	RUN(test_place_meta);
	RUN(test_place_meta_unsorted_unaligned);
	RUN(test_boot_flow_keeps_reserved_out);
	return check_summary();
}
