/* units: pmm/buddy.c */
/*
 * The buddy allocator against a model: a byte per frame saying whether the
 * frame is RAM and whether a test holds it.  Every allocation is checked
 * for range, alignment and overlap against the model; every bad free must
 * be refused and leave the allocator exactly as it was.
 */
#include <stdlib.h>
#include "check.h"
#include "pmm/pmm.h"

#define PG(x)   ((uint64_t)(x) * PAGE_SIZE)
#define R(b, l) { (b), (l), MEM_USABLE }

struct model {
	struct pmm p;
	void *meta;
	size_t meta_size;
	uint64_t lo;		/* first frame of the span */
	uint64_t nframes;
	uint8_t *ram, *owned;
	uint64_t owned_pages;
	uint8_t *snap;		/* state bytes right after init */
	uint64_t snap_nfree[PMM_MAX_ORDER + 1];
};

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;	/* xorshift64 */
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void model_init(struct model *m, const struct mem_range *r, size_t n)
{
	uint64_t hi = 0;

	memset(m, 0, sizeof(*m));
	m->lo = ~0ull;
	for (size_t i = 0; i < n; i++) {
		m->lo = MIN(m->lo, r[i].base / PAGE_SIZE);
		hi = MAX(hi, (r[i].base + r[i].len) / PAGE_SIZE);
	}
	m->nframes = hi - m->lo;
	m->ram = calloc(m->nframes, 1);
	m->owned = calloc(m->nframes, 1);
	for (size_t i = 0; i < n; i++)
		memset(m->ram + r[i].base / PAGE_SIZE - m->lo, 1, r[i].len / PAGE_SIZE);
	m->meta_size = pmm_meta_size(r, n);
	m->meta = malloc(m->meta_size);
	CHECK_EQ(pmm_init(&m->p, r, n, m->meta, m->meta_size), PMM_OK);
	m->snap = malloc(m->nframes);
	memcpy(m->snap, m->p.state, m->nframes);
	memcpy(m->snap_nfree, m->p.nfree, sizeof(m->snap_nfree));
}

static void model_fini(struct model *m)
{
	free(m->ram);
	free(m->owned);
	free(m->meta);
	free(m->snap);
}

/* Records that [a, a+npages) was handed out; false if that is impossible. */
static bool model_take(struct model *m, hpa_t a, uint64_t npages, uint64_t align)
{
	uint64_t f = a.v / PAGE_SIZE;

	if (!hpa_valid(a) || a.v % (align * PAGE_SIZE) != 0 || f < m->lo ||
	    f - m->lo + npages > m->nframes)
		return false;
	for (uint64_t i = f - m->lo; i < f - m->lo + npages; i++) {
		if (!m->ram[i] || m->owned[i])
			return false;
		m->owned[i] = 1;
	}
	m->owned_pages += npages;
	return true;
}

/* The allocator's free count agrees with what the model holds. */
static bool model_count_ok(const struct model *m)
{
	return pmm_free_pages(&m->p) == pmm_total_pages(&m->p) - m->owned_pages;
}

static void model_give(struct model *m, hpa_t a, uint64_t npages)
{
	memset(m->owned + a.v / PAGE_SIZE - m->lo, 0, npages);
	m->owned_pages -= npages;
}

/* Free lists hold exactly the blocks pmm_init() built. */
static bool model_restored(const struct model *m)
{
	return pmm_free_pages(&m->p) == pmm_total_pages(&m->p) &&
	       memcmp(m->snap, m->p.state, m->nframes) == 0 &&
	       memcmp(m->snap_nfree, m->p.nfree, sizeof(m->snap_nfree)) == 0;
}

/* A bad free must fail with `want` and change nothing. */
static void check_refused(struct model *m, int got, int want)
{
	CHECK_EQ(got, want);
	CHECK(model_count_ok(m));
}

/* ---- sizes and init ------------------------------------------------- */

static void test_meta_size(void)
{
	struct mem_range one[] = { R(MIB(1), MIB(64)) };
	struct mem_range unsorted[] = { R(GIB(4), GIB(1)), R(0, KIB(636)), R(MIB(1), MIB(100)) };
	struct mem_range empty[] = { R(MIB(1), 0), R(MIB(2), 0x800) };
	struct mem_range huge[] = { R(0, PAGE_SIZE), R(GIB(16384), PAGE_SIZE) };

	CHECK_EQ(pmm_meta_size(one, 1), 16384 * 9);
	/* Span 0..5 GiB whatever the order of the entries. */
	CHECK_EQ(pmm_meta_size(unsorted, 3), (GIB(5) / PAGE_SIZE) * 9);
	CHECK(pmm_meta_size(unsorted, 3) <= (GIB(5) / PAGE_SIZE) * 12);
	CHECK_EQ(pmm_meta_size(empty, 2), 0);
	CHECK_EQ(pmm_meta_size(NULL, 0), 0);
	CHECK_EQ(pmm_meta_size(huge, 2), 0);	/* 2^32 frames: beyond 32-bit links */
	struct mem_range wraps[] = { R(MIB(1), MIB(1)), R(~0ull - MIB(1) + 1, MIB(2)) };
	CHECK_EQ(pmm_meta_size(wraps, 2), 256 * 9);	/* the wrapping entry is no range */
}

static void test_init_builds_maximal_blocks(void)
{
	struct mem_range a[] = { R(MIB(1), MIB(3)) };
	struct mem_range b[] = { R(PAGE_SIZE, MIB(4) - PAGE_SIZE) };
	struct mem_range adjacent[] = { R(0, MIB(2)), R(MIB(2), MIB(2)) };
	struct model m;

	model_init(&m, a, 1);		/* [1M,2M) order 8, [2M,4M) order 9 */
	CHECK_EQ(pmm_total_pages(&m.p), 768);
	CHECK_EQ(pmm_free_pages(&m.p), 768);
	for (unsigned k = 0; k <= PMM_MAX_ORDER; k++)
		CHECK_EQ(pmm_free_blocks(&m.p, k), k == 8 || k == 9);
	model_fini(&m);

	model_init(&m, b, 1);		/* 4K..4M: one block of each order 0..9 */
	for (unsigned k = 0; k <= PMM_MAX_ORDER; k++)
		CHECK_EQ(pmm_free_blocks(&m.p, k), k <= 9);
	CHECK_EQ(pmm_free_blocks(&m.p, PMM_MAX_ORDER + 1), 0);
	model_fini(&m);

	model_init(&m, adjacent, 2);	/* merged across the range boundary */
	CHECK_EQ(pmm_free_blocks(&m.p, 10), 1);
	CHECK_EQ(pmm_free_blocks(&m.p, 9), 0);
	model_fini(&m);
}

static void test_init_rejects_bad_input(void)
{
	struct mem_range unsorted[] = { R(MIB(8), MIB(1)), R(MIB(1), MIB(1)) };
	struct mem_range overlap[] = { R(MIB(1), MIB(2)), R(MIB(2), MIB(1)) };
	struct mem_range unaligned_base[] = { R(MIB(1) + 8, MIB(1)) };
	struct mem_range unaligned_len[] = { R(MIB(1), MIB(1) + 8) };
	struct mem_range wraps[] = { R(~0ull - MIB(1) + 1, MIB(2)) };
	struct mem_range good[] = { R(MIB(1), 0), R(MIB(1), MIB(1)) };
	static uint64_t meta[4096];
	struct pmm p;

	CHECK_EQ(pmm_init(&p, unsorted, 2, meta, sizeof(meta)), PMM_EINVAL);
	CHECK_EQ(pmm_init(&p, overlap, 2, meta, sizeof(meta)), PMM_EINVAL);
	CHECK_EQ(pmm_init(&p, unaligned_base, 1, meta, sizeof(meta)), PMM_EINVAL);
	CHECK_EQ(pmm_init(&p, unaligned_len, 1, meta, sizeof(meta)), PMM_EINVAL);
	CHECK_EQ(pmm_init(&p, wraps, 1, meta, sizeof(meta)), PMM_EINVAL);
	CHECK_EQ(pmm_init(&p, good, 0, meta, sizeof(meta)), PMM_EINVAL);
	CHECK_EQ(pmm_init(&p, good, 2, NULL, sizeof(meta)), PMM_EINVAL);
	CHECK_EQ(pmm_init(&p, good, 2, (char *)meta + 4, sizeof(meta) - 8), PMM_EINVAL);
	CHECK_EQ(pmm_init(&p, good, 2, meta, 256 * 9 - 1), PMM_ENOSPC);
	/* Zero-length entries are skipped, exact size suffices. */
	CHECK_EQ(pmm_init(&p, good, 2, meta, 256 * 9), PMM_OK);
	CHECK_EQ(pmm_free_pages(&p), 256);
}

/* ---- single blocks -------------------------------------------------- */

static void test_split_and_coalesce(void)
{
	struct mem_range r[] = { R(0, MIB(4)) };
	struct model m;
	hpa_t a, b;

	model_init(&m, r, 1);
	a = pmm_alloc(&m.p, 0);
	CHECK_EQ(a.v, 0);		/* low half kept at every split */
	for (unsigned k = 0; k <= 10; k++)
		CHECK_EQ(pmm_free_blocks(&m.p, k), k < 10);
	b = pmm_alloc(&m.p, 0);
	CHECK_EQ(b.v, PAGE_SIZE);	/* the buddy freed by the split */
	CHECK_EQ(pmm_free_blocks(&m.p, 0), 0);
	CHECK_EQ(pmm_free(&m.p, a, 0), PMM_OK);
	CHECK_EQ(pmm_free_blocks(&m.p, 0), 1);	/* buddy b still out */
	CHECK_EQ(pmm_free(&m.p, b, 0), PMM_OK);
	CHECK(model_restored(&m));
	CHECK_EQ(pmm_free_blocks(&m.p, 10), 1);
	CHECK_EQ(pmm_alloc(&m.p, 11).v, INVALID_HPA.v);
	CHECK_EQ(pmm_alloc(&m.p, PMM_MAX_ORDER + 1).v, INVALID_HPA.v);
	model_fini(&m);
}

struct held {
	hpa_t a;
	uint64_t npages;
	int order;		/* -1: a contig run */
};

static int free_held(struct model *m, struct held *h)
{
	int err = h->order < 0 ? pmm_free_contig(&m->p, h->a, h->npages)
			       : pmm_free(&m->p, h->a, (unsigned)h->order);

	if (err == PMM_OK)
		model_give(m, h->a, h->npages);
	return err;
}

/* Refused frees on a held block: sub-page, wrong order, double. */
static void poke_bad_frees(struct model *m, const struct held *h)
{
	if (h->npages > 1)
		check_refused(m, pmm_free(&m->p, HPA(h->a.v + PAGE_SIZE), 0), PMM_EFOREIGN);
	if (h->order > 0)
		check_refused(m, pmm_free(&m->p, h->a, (unsigned)h->order - 1), PMM_EORDER);
	if (h->order < 0)
		check_refused(m, pmm_free_contig(&m->p, h->a, h->npages + 1), PMM_EORDER);
}

static void random_run(struct model *m, int ops, unsigned max_order)
{
	struct held *held = calloc((size_t)ops, sizeof(*held));
	int n = 0, bad = 0;

	for (int i = 0; i < ops; i++) {
		uint64_t r = rng();

		if (n > 0 && (r % 100) < 45) {		/* free a random held block */
			int j = (int)(rng() % (uint64_t)n);

			if (rng() % 16 == 0)
				poke_bad_frees(m, &held[j]);
			bad += free_held(m, &held[j]) != PMM_OK;
			if (rng() % 8 == 0)	/* and once more: a double free */
				check_refused(m, free_held(m, &held[j]), PMM_EDOUBLE);
			held[j] = held[--n];
		} else if ((r % 100) < 95) {
			unsigned order = (unsigned)(rng() % (max_order + 1));
			hpa_t a = pmm_alloc(&m->p, order);

			if (!hpa_valid(a))
				continue;
			bad += !model_take(m, a, 1ull << order, 1ull << order);
			held[n++] = (struct held){ a, 1ull << order, (int)order };
		} else {
			uint64_t npages = 1 + rng() % 40;
			unsigned align = (unsigned)(rng() % 4);
			hpa_t a = pmm_alloc_contig(&m->p, npages, align);

			if (!hpa_valid(a))
				continue;
			bad += !model_take(m, a, npages, 1ull << align);
			held[n++] = (struct held){ a, npages, -1 };
		}
		bad += !model_count_ok(m);
	}
	CHECK_EQ(bad, 0);
	while (n > 0)
		bad += free_held(m, &held[--n]) != PMM_OK;
	CHECK_EQ(bad, 0);
	CHECK_EQ(m->owned_pages, 0);
	CHECK(model_restored(m));
	free(held);
}

static void test_random_against_model(void)
{
	struct mem_range r[] = {
		R(MIB(1), MIB(30)), R(MIB(32), MIB(8) + PG(3)),
		R(MIB(48) + PG(1), MIB(20)), R(MIB(100), PG(1)),
	};
	struct model m;

	model_init(&m, r, ARRAY_SIZE(r));
	rng_state = 0x9e3779b97f4a7c15ull;
	random_run(&m, 60000, 10);
	rng_state = 12345;
	random_run(&m, 20000, 3);	/* small orders: deep fragmentation */
	model_fini(&m);
}

static void test_exhaustion(void)
{
	struct mem_range r[] = { R(MIB(1), MIB(7) + PG(5)), R(MIB(10), MIB(2)) };
	uint64_t total = (MIB(9) + PG(5)) / PAGE_SIZE, n = 0, taken = 0;
	struct held *held = calloc(total, sizeof(*held));
	struct model m;
	int bad = 0;

	model_init(&m, r, ARRAY_SIZE(r));
	CHECK_EQ(pmm_total_pages(&m.p), total);
	rng_state = 777;
	for (;;) {			/* mixed orders, then fill every gap */
		unsigned order = (unsigned)(rng() % 7);
		hpa_t a = pmm_alloc(&m.p, order);

		while (!hpa_valid(a) && order > 0)
			a = pmm_alloc(&m.p, --order);
		if (!hpa_valid(a))
			break;
		bad += !model_take(&m, a, 1ull << order, 1ull << order);
		held[n++] = (struct held){ a, 1ull << order, (int)order };
		taken += 1ull << order;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(taken, total);
	CHECK_EQ(pmm_free_pages(&m.p), 0);
	CHECK_EQ(pmm_alloc_contig(&m.p, 1, 0).v, INVALID_HPA.v);
	for (uint64_t i = n; i > 1; i--) {	/* free in shuffled order */
		uint64_t j = rng() % i;
		struct held t = held[j];

		held[j] = held[i - 1];
		held[i - 1] = t;
	}
	for (uint64_t i = 0; i < n; i++)
		bad += free_held(&m, &held[i]) != PMM_OK;
	CHECK_EQ(bad, 0);
	CHECK(model_restored(&m));
	free(held);
	model_fini(&m);
}

static void test_bad_frees_detected(void)
{
	struct mem_range r[] = { R(MIB(1), MIB(1)), R(MIB(3), MIB(1)) };
	struct model m;
	hpa_t a, x, y;
	uint64_t other;

	model_init(&m, r, 2);
	a = pmm_alloc(&m.p, 3);
	CHECK(model_take(&m, a, 8, 8));
	other = a.v >= MIB(3) ? MIB(1) : MIB(3);	/* the untouched range */
	check_refused(&m, pmm_free(&m.p, HPA(MIB(2)), 0), PMM_EFOREIGN);	/* hole */
	check_refused(&m, pmm_free(&m.p, HPA(MIB(2) + MIB(1) - PAGE_SIZE), 0), PMM_EFOREIGN);
	check_refused(&m, pmm_free(&m.p, HPA(GIB(64)), 0), PMM_EFOREIGN);	/* beyond RAM */
	check_refused(&m, pmm_free(&m.p, HPA(MIB(4)), 0), PMM_EFOREIGN);
	check_refused(&m, pmm_free(&m.p, HPA(0), 0), PMM_EFOREIGN);		/* below RAM */
	check_refused(&m, pmm_free(&m.p, HPA(a.v + 0x10), 0), PMM_EALIGN);
	check_refused(&m, pmm_free(&m.p, INVALID_HPA, 0), PMM_EALIGN);
	check_refused(&m, pmm_free(&m.p, HPA(a.v + PAGE_SIZE), 0), PMM_EFOREIGN);	/* sub-page */
	check_refused(&m, pmm_free(&m.p, HPA(a.v + PG(4)), 2), PMM_EFOREIGN);
	check_refused(&m, pmm_free(&m.p, HPA(a.v + PAGE_SIZE), 3), PMM_EALIGN);
	check_refused(&m, pmm_free(&m.p, a, 2), PMM_EORDER);
	check_refused(&m, pmm_free(&m.p, a, 0), PMM_EORDER);
	check_refused(&m, pmm_free(&m.p, a, PMM_MAX_ORDER + 1), PMM_EINVAL);
	check_refused(&m, pmm_free_contig(&m.p, a, 8), PMM_EFOREIGN);	/* not a run */
	/* Never handed out, inside a free block: already free. */
	check_refused(&m, pmm_free(&m.p, HPA(other + PG(5)), 0), PMM_EDOUBLE);
	check_refused(&m, pmm_free(&m.p, HPA(other), 8), PMM_EDOUBLE);
	CHECK_EQ(pmm_free(&m.p, a, 3), PMM_OK);
	model_give(&m, a, 8);
	check_refused(&m, pmm_free(&m.p, a, 3), PMM_EDOUBLE);
	CHECK(model_restored(&m));

	/* Double free after the block merged with its buddy. */
	x = pmm_alloc(&m.p, 0);
	y = pmm_alloc(&m.p, 0);
	CHECK_EQ(x.v ^ y.v, PAGE_SIZE);
	CHECK(model_take(&m, x, 1, 1) && model_take(&m, y, 1, 1));
	CHECK_EQ(pmm_free(&m.p, y, 0), PMM_OK);
	CHECK_EQ(pmm_free(&m.p, x, 0), PMM_OK);
	model_give(&m, x, 1);
	model_give(&m, y, 1);
	check_refused(&m, pmm_free(&m.p, x, 0), PMM_EDOUBLE);
	check_refused(&m, pmm_free(&m.p, y, 0), PMM_EDOUBLE);
	CHECK(model_restored(&m));
	model_fini(&m);
}

static void test_contig_bad_frees(void)
{
	struct mem_range r[] = { R(MIB(1), MIB(1)), R(MIB(3), MIB(1)) };
	struct model m;
	hpa_t a, b;

	model_init(&m, r, 2);
	a = pmm_alloc_contig(&m.p, 3, 0);	/* pieces: order 1 + order 0 */
	b = pmm_alloc(&m.p, 0);
	CHECK(model_take(&m, a, 3, 1) && model_take(&m, b, 1, 1));
	check_refused(&m, pmm_free(&m.p, a, 0), PMM_EFOREIGN);		/* a run's piece */
	check_refused(&m, pmm_free(&m.p, HPA(a.v + PAGE_SIZE), 0), PMM_EFOREIGN);
	check_refused(&m, pmm_free(&m.p, HPA(a.v + PG(2)), 0), PMM_EFOREIGN);
	check_refused(&m, pmm_free_contig(&m.p, HPA(a.v + PAGE_SIZE), 2), PMM_EFOREIGN);
	check_refused(&m, pmm_free_contig(&m.p, HPA(a.v + PG(2)), 1), PMM_EFOREIGN);
	check_refused(&m, pmm_free_contig(&m.p, a, 2), PMM_EORDER);
	check_refused(&m, pmm_free_contig(&m.p, a, 4), PMM_EORDER);
	check_refused(&m, pmm_free_contig(&m.p, b, 1), PMM_EFOREIGN);	/* pmm_alloc block */
	check_refused(&m, pmm_free_contig(&m.p, HPA(MIB(2)), 1), PMM_EFOREIGN);
	check_refused(&m, pmm_free_contig(&m.p, HPA(MIB(3)), 1), PMM_EDOUBLE);
	check_refused(&m, pmm_free_contig(&m.p, HPA(a.v + 1), 3), PMM_EALIGN);
	CHECK_EQ(pmm_free_contig(&m.p, a, 3), PMM_OK);
	model_give(&m, a, 3);
	check_refused(&m, pmm_free_contig(&m.p, a, 3), PMM_EDOUBLE);
	CHECK_EQ(pmm_free(&m.p, b, 0), PMM_OK);
	model_give(&m, b, 1);
	CHECK(model_restored(&m));
	model_fini(&m);
}

/* ---- large blocks --------------------------------------------------- */

static void test_order9_and_order18_alignment(void)
{
	struct mem_range r[] = { R(MIB(1), GIB(3) - MIB(1)) };
	struct model m;
	hpa_t a, g1, g2;
	int n2m = 0, bad = 0;

	model_init(&m, r, 1);
	g1 = pmm_alloc(&m.p, PMM_ORDER_1G);
	g2 = pmm_alloc(&m.p, PMM_ORDER_1G);
	CHECK(model_take(&m, g1, 1u << 18, 1u << 18) && model_take(&m, g2, 1u << 18, 1u << 18));
	CHECK_EQ(g1.v + g2.v, GIB(1) + GIB(2));	/* the only two 1 GiB-aligned GiBs */
	CHECK_EQ(pmm_alloc(&m.p, PMM_ORDER_1G).v, INVALID_HPA.v);
	while (hpa_valid(a = pmm_alloc(&m.p, PMM_ORDER_2M))) {
		bad += !model_take(&m, a, 512, 512) || !IS_ALIGNED(a.v, SIZE_2M);
		n2m++;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(n2m, 511);		/* [2M, 1G); [1M, 2M) is too small */
	CHECK_EQ(pmm_free_pages(&m.p), 256);
	CHECK_EQ(pmm_free_blocks(&m.p, 8), 1);
	model_fini(&m);
}

static void test_memory_above_4g(void)
{
	/* A PC-like 5 GiB map: low memory, RAM to 3 GiB, PCI hole, 2 GiB high. */
	struct mem_range r[] = { R(0, KIB(636)), R(MIB(1), GIB(3) - MIB(1)), R(GIB(4), GIB(2)) };
	uint64_t span = GIB(6) / PAGE_SIZE, total = (KIB(636) + GIB(5) - MIB(1)) / PAGE_SIZE;
	uint64_t high = 0, n = 0;
	hpa_t big[4], a;
	struct model m;
	int bad = 0;

	CHECK(pmm_meta_size(r, 3) >= span && pmm_meta_size(r, 3) <= span * 12);
	model_init(&m, r, 3);
	CHECK_EQ(pmm_total_pages(&m.p), total);
	for (int i = 0; i < 4; i++)
		big[i] = pmm_alloc(&m.p, PMM_ORDER_1G);
	CHECK_EQ(big[0].v + big[1].v + big[2].v + big[3].v, GIB(1 + 2 + 4 + 5));
	CHECK_EQ(pmm_alloc(&m.p, PMM_ORDER_1G).v, INVALID_HPA.v);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(pmm_free(&m.p, big[i], PMM_ORDER_1G), PMM_OK);
	while (hpa_valid(a = pmm_alloc(&m.p, 0))) {
		bad += !model_take(&m, a, 1, 1);
		high += a.v >= GIB(4);
		n++;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(n, total);
	CHECK_EQ(high, GIB(2) / PAGE_SIZE);
	model_fini(&m);
}

static void test_max_order_block(void)
{
	struct mem_range r[] = { R(GIB(4), GIB(4)), R(GIB(8), PAGE_SIZE) };
	struct model m;

	model_init(&m, r, 2);
	CHECK_EQ(pmm_free_blocks(&m.p, PMM_MAX_ORDER), 1);
	CHECK_EQ(pmm_alloc(&m.p, PMM_MAX_ORDER).v, GIB(4));
	CHECK_EQ(pmm_alloc(&m.p, PMM_MAX_ORDER).v, INVALID_HPA.v);
	CHECK_EQ(pmm_free(&m.p, HPA(GIB(4)), PMM_MAX_ORDER), PMM_OK);
	CHECK(model_restored(&m));
	model_fini(&m);
}

/* ---- contiguous runs ------------------------------------------------ */

static void test_contig_partition(void)
{
	struct mem_range r[] = { R(MIB(1), MIB(256)) };
	uint64_t npages = MIB(96) / PAGE_SIZE;
	struct model m;
	hpa_t part, a;
	int bad = 0;

	model_init(&m, r, 1);
	part = pmm_alloc_contig(&m.p, npages, PMM_ORDER_2M);
	CHECK(IS_ALIGNED(part.v, SIZE_2M));
	CHECK(model_take(&m, part, npages, 512));
	CHECK(model_count_ok(&m));
	while (hpa_valid(a = pmm_alloc(&m.p, 0)))	/* the rest never overlaps */
		bad += !model_take(&m, a, 1, 1);
	CHECK_EQ(bad, 0);
	CHECK_EQ(m.owned_pages, MIB(256) / PAGE_SIZE);
	model_fini(&m);
}

static void test_contig_gives_back_tail(void)
{
	struct mem_range r[] = { R(0, MIB(4)) };
	struct model m;
	hpa_t a;

	model_init(&m, r, 1);
	a = pmm_alloc_contig(&m.p, 3, 0);
	CHECK_EQ(a.v, 0);
	CHECK_EQ(pmm_free_pages(&m.p), 1021);	/* [3,4) o0, [4,8) o2 ... [512,1024) o9 */
	for (unsigned k = 0; k <= 10; k++)
		CHECK_EQ(pmm_free_blocks(&m.p, k), k != 1 && k != 10);
	CHECK_EQ(pmm_free_contig(&m.p, a, 3), PMM_OK);
	CHECK(model_restored(&m));
	model_fini(&m);
}

static void test_contig_spans_blocks_not_holes(void)
{
	struct mem_range frag[] = { R(PAGE_SIZE, MIB(4) - PAGE_SIZE) };
	struct mem_range holed[] = { R(MIB(1), MIB(1)), R(MIB(2) + PAGE_SIZE, MIB(2) - PAGE_SIZE) };
	struct model m;
	hpa_t a;

	model_init(&m, frag, 1);	/* largest block 2 MiB; 3 MiB needs several */
	a = pmm_alloc_contig(&m.p, 0x300, 0);
	CHECK_EQ(a.v, PAGE_SIZE);
	CHECK(model_take(&m, a, 0x300, 1));
	CHECK_EQ(pmm_free_contig(&m.p, a, 0x300), PMM_OK);
	model_give(&m, a, 0x300);
	CHECK(model_restored(&m));
	CHECK_EQ(pmm_alloc_contig(&m.p, 0x300, PMM_ORDER_2M).v, INVALID_HPA.v);
	a = pmm_alloc_contig(&m.p, 0x1FF, 1);	/* aligned start inside the run */
	CHECK_EQ(a.v, PG(2));
	CHECK_EQ(pmm_free_contig(&m.p, a, 0x1FF), PMM_OK);
	CHECK(model_restored(&m));
	model_fini(&m);

	model_init(&m, holed, 2);
	a = pmm_alloc_contig(&m.p, 300, 0);	/* does not fit [1M, 2M) */
	CHECK_EQ(a.v, MIB(2) + PAGE_SIZE);
	CHECK(model_take(&m, a, 300, 1));
	CHECK_EQ(pmm_alloc_contig(&m.p, 257, 0).v, INVALID_HPA.v);
	CHECK_EQ(pmm_alloc_contig(&m.p, 0, 0).v, INVALID_HPA.v);
	CHECK_EQ(pmm_alloc_contig(&m.p, 1, PMM_MAX_ORDER + 1).v, INVALID_HPA.v);
	CHECK_EQ(pmm_alloc_contig(&m.p, pmm_free_pages(&m.p) + 1, 0).v, INVALID_HPA.v);
	model_fini(&m);
}

static void test_contig_larger_than_max_order(void)
{
	struct mem_range r[] = { R(GIB(4), GIB(6)) };
	uint64_t npages = GIB(5) / PAGE_SIZE;
	struct model m;
	hpa_t a;

	model_init(&m, r, 1);
	a = pmm_alloc_contig(&m.p, npages, PMM_ORDER_1G);
	CHECK_EQ(a.v, GIB(4));
	CHECK_EQ(pmm_free_pages(&m.p), GIB(1) / PAGE_SIZE);
	CHECK_EQ(pmm_alloc(&m.p, PMM_ORDER_1G).v, GIB(9));
	CHECK_EQ(pmm_free(&m.p, HPA(GIB(9)), PMM_ORDER_1G), PMM_OK);
	CHECK_EQ(pmm_free_contig(&m.p, a, npages), PMM_OK);
	CHECK(model_restored(&m));
	model_fini(&m);
}

static void test_strerror(void)
{
	CHECK_STR_CONTAINS(pmm_strerror(PMM_EDOUBLE), "double");
	CHECK_STR_CONTAINS(pmm_strerror(PMM_EFOREIGN), "not handed out");
	CHECK_STR_CONTAINS(pmm_strerror(PMM_EALIGN), "align");
	CHECK_STR_CONTAINS(pmm_strerror(PMM_EORDER), "order");
	CHECK_STR_CONTAINS(pmm_strerror(PMM_EINVAL), "invalid");
	CHECK_STR_CONTAINS(pmm_strerror(PMM_ENOSPC), "small");
	CHECK_STR_CONTAINS(pmm_strerror(PMM_OK), "ok");
	CHECK_STR_CONTAINS(pmm_strerror(-99), "unknown");
}

int main(void)
{
	RUN(test_meta_size);
	RUN(test_init_builds_maximal_blocks);
	RUN(test_init_rejects_bad_input);
	RUN(test_split_and_coalesce);
	RUN(test_random_against_model);
	RUN(test_exhaustion);
	RUN(test_bad_frees_detected);
	RUN(test_contig_bad_frees);
	RUN(test_order9_and_order18_alignment);
	RUN(test_memory_above_4g);
	RUN(test_max_order_block);
	RUN(test_contig_partition);
	RUN(test_contig_gives_back_tail);
	RUN(test_contig_spans_blocks_not_holes);
	RUN(test_contig_larger_than_max_order);
	RUN(test_strerror);
	return check_summary();
}
