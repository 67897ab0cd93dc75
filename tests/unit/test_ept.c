/* units: ept/ept.c */
/*
 * Host tests for the on-demand EPT.
 *
 * A fake physical memory stands in for the machine: table frames come from
 * a malloc'd array placed at POOL_HPA in the fake host-physical space (with
 * a quota), and guest RAM is never backed at all -- the zero callback only
 * counts, per 4 KiB page, how often it was cleared.  The tests read the
 * tables they get back through their own walker (tree_scan), independent
 * of ept_translate(), and check every entry's format and target.
 */
#include "ept/ept.h"
#include "ept/guest_ram.h"
#include "check.h"

#include <stdlib.h>

#define POOL_HPA  0x4000000000ull   /* 256 GiB: far from every test's RAM */

struct fake {
	/* table-frame pool */
	uint8_t *pool;
	bool *used;
	unsigned frames, quota, in_use, allocs;
	unsigned bad_frees, bad_hva;
	hpa_t evil;                 /* if valid, alloc hands this out instead */
	/* guest RAM, as the zero callback sees it */
	hpa_t ram_base;
	uint64_t ram_size;
	uint8_t *zeroed;            /* times each 4 KiB page was cleared */
	uint64_t zero_calls, bad_zero;
};

static hpa_t fake_alloc(void *ctx)
{
	struct fake *f = ctx;
	unsigned i;

	if (hpa_valid(f->evil))
		return f->evil;
	if (f->in_use >= f->quota)
		return INVALID_HPA;
	for (i = 0; i < f->frames; i++) {
		if (!f->used[i]) {
			f->used[i] = true;
			f->in_use++;
			f->allocs++;
			/* Garbage, so a missing clear shows up as bogus entries. */
			memset(f->pool + (size_t)i * PAGE_SIZE, 0xa5, PAGE_SIZE);
			return HPA(POOL_HPA + (uint64_t)i * PAGE_SIZE);
		}
	}
	return INVALID_HPA;
}

static bool pool_frame(struct fake *f, hpa_t h, unsigned *idx)
{
	if (h.v < POOL_HPA || !IS_ALIGNED(h.v, PAGE_SIZE))
		return false;
	*idx = (unsigned)((h.v - POOL_HPA) / PAGE_SIZE);
	return *idx < f->frames;
}

static void fake_free(void *ctx, hpa_t h)
{
	struct fake *f = ctx;
	unsigned i;

	if (hpa_valid(f->evil) && h.v == f->evil.v)
		return;
	if (!pool_frame(f, h, &i) || !f->used[i]) {
		f->bad_frees++;
		return;
	}
	f->used[i] = false;
	f->in_use--;
}

static void *fake_hva(void *ctx, hpa_t h)
{
	static uint8_t scratch[PAGE_SIZE];
	struct fake *f = ctx;
	unsigned i;

	if (!pool_frame(f, h, &i) || !f->used[i]) {
		f->bad_hva++;       /* counted, and harmless, so the test can report it */
		return scratch;
	}
	return f->pool + (size_t)i * PAGE_SIZE;
}

static void fake_zero(void *ctx, hpa_t h, uint64_t len)
{
	struct fake *f = ctx;
	uint64_t p;

	f->zero_calls++;
	if (h.v < f->ram_base.v || h.v + len > f->ram_base.v + f->ram_size ||
	    !IS_ALIGNED(h.v, PAGE_SIZE) || !IS_ALIGNED(len, PAGE_SIZE) ||
	    !IS_ALIGNED(h.v, len)) {
		f->bad_zero++;
		return;
	}
	for (p = 0; p < len; p += PAGE_SIZE)
		f->zeroed[(h.v - f->ram_base.v + p) / PAGE_SIZE]++;
}

static struct fake *fake_new(hpa_t ram_base, uint64_t ram_size, unsigned frames)
{
	struct fake *f = calloc(1, sizeof(*f));

	f->frames = frames;
	f->quota = frames;
	f->pool = calloc(frames, PAGE_SIZE);
	f->used = calloc(frames, sizeof(bool));
	f->evil = INVALID_HPA;
	f->ram_base = ram_base;
	f->ram_size = ram_size;
	f->zeroed = calloc(ram_size / PAGE_SIZE + 1, 1);
	return f;
}

static void fake_free_all(struct fake *f)
{
	free(f->pool);
	free(f->used);
	free(f->zeroed);
	free(f);
}

static const struct ept_caps caps_all = { .page_2m = true, .page_1g = true };
static const struct ept_caps caps_2m = { .page_2m = true };
static const struct ept_caps caps_4k = { 0 };
static const struct ept_caps caps_nx = { .page_2m = true, .page_1g = true, .itlb_multihit = true };

static struct ept_config config(struct fake *f, struct ept_caps caps)
{
	struct ept_config c = {
		.ram_base = f->ram_base, .ram_size = f->ram_size,
		.small_start = GPA(0), .small_end = GPA(0), .caps = caps,
		.ops = { fake_alloc, fake_free, fake_hva, fake_zero, f },
	};
	return c;
}

/* A fake and an ept on it, ready for faults. */
static struct fake *setup(struct ept *e, uint64_t base, uint64_t size,
			  struct ept_caps caps, unsigned frames)
{
	struct fake *f = fake_new(HPA(base), size, frames);
	struct ept_config c = config(f, caps);

	CHECK_EQ(ept_init(e, &c), EPT_INIT_OK);
	return f;
}

static void teardown(struct ept *e, struct fake *f)
{
	ept_destroy(e);
	CHECK_EQ(f->in_use, 0);
	CHECK_EQ(f->bad_frees, 0);
	CHECK_EQ(f->bad_hva, 0);
	CHECK_EQ(f->bad_zero, 0);
	fake_free_all(f);
}

/* ---- the guest RAM layout, written out again ---------------------------- */

/* Offset in the host block of gpa for `size` bytes of RAM, ~0 if not RAM:
 * RAM up to 3 GiB, the rest from 4 GiB (the PC layout of guest_ram.h,
 * stated here independently of it). */
static uint64_t want_offset(uint64_t size, uint64_t gpa)
{
	uint64_t low = size < GIB(3) ? size : GIB(3);

	if (gpa < low)
		return gpa;
	if (gpa >= GIB(4) && gpa - GIB(4) < size - low)
		return GIB(3) + (gpa - GIB(4));
	return ~0ull;
}

/* The gpa of the byte at offset off of the block. */
static uint64_t gpa_at(uint64_t off)
{
	return off < GIB(3) ? off : off + GIB(1);
}

/* ---- an independent reader of the tables -------------------------------- */

struct tree {
	uint64_t leaves[EPT_LEVELS + 1];  /* by level */
	uint64_t tables;                  /* root included */
	uint64_t mapped;                  /* bytes */
	uint64_t bad;                     /* malformed or out-of-partition entries */
	uint64_t exec_large, exec_small, noexec_small;
};

static void scan(struct fake *f, const struct ept *e, hpa_t frame,
		 unsigned level, uint64_t gpa_base, struct tree *t)
{
	unsigned idx, i;
	const ept_entry_t *tab;

	if (!pool_frame(f, frame, &idx) || !f->used[idx]) {
		t->bad++;               /* a table outside the pool */
		return;
	}
	t->tables++;
	tab = (const ept_entry_t *)(f->pool + (size_t)idx * PAGE_SIZE);
	for (i = 0; i < EPT_ENTRIES; i++) {
		ept_entry_t x = tab[i];
		uint64_t gpa = gpa_base + ((uint64_t)i << ept_level_shift(level));
		uint64_t size = ept_level_size(level);
		uint64_t hpa = x & EPT_E_ADDR_MASK;

		if (x == 0)
			continue;
		if (x & ~(EPT_E_ADDR_MASK | 0xffull)) {  /* high or A/D/ignored bits */
			t->bad++;
			continue;
		}
		if (level > 1 && !(x & EPT_E_LARGE)) {
			/* a table entry: exactly address | RWX */
			if ((x & 0xfff) != EPT_E_RWX)
				t->bad++;
			scan(f, e, HPA(hpa), level - 1, gpa, t);
			continue;
		}
		/* a leaf */
		uint64_t off = want_offset(f->ram_size, gpa);

		/* a leaf maps RAM all of it in one range (never the hole) */
		if (level > EPT_LEVEL_1G || !(x & EPT_E_R) || !(x & EPT_E_W) ||
		    ((x >> 3) & 7) != 6 || (x & EPT_E_IPAT) ||
		    (level == 1 && (x & EPT_E_LARGE)) ||
		    off == ~0ull || want_offset(f->ram_size, gpa + size - 1) != off + size - 1 ||
		    hpa != f->ram_base.v + off || hpa % size ||
		    hpa < f->ram_base.v || hpa + size > f->ram_base.v + f->ram_size)
			t->bad++;
		t->leaves[level]++;
		t->mapped += size;
		if (level > 1 && (x & EPT_E_X))
			t->exec_large++;
		if (level == 1)
			(x & EPT_E_X) ? t->exec_small++ : t->noexec_small++;
	}
}

static struct tree tree_scan(struct fake *f, const struct ept *e)
{
	struct tree t = { 0 };

	scan(f, e, e->root, EPT_LEVEL_ROOT, 0, &t);
	return t;
}

/* The entry that ends the walk for gpa (a leaf, or empty), found with the
 * test's own walk, and its level. */
static ept_entry_t *entry_ptr(struct fake *f, const struct ept *e, uint64_t gpa,
			      unsigned *level)
{
	hpa_t frame = e->root;
	unsigned l, idx;

	for (l = 4; l >= 1; l--) {
		ept_entry_t *x;

		if (!pool_frame(f, frame, &idx))
			return NULL;
		x = (ept_entry_t *)(f->pool + (size_t)idx * PAGE_SIZE) +
		    ((gpa >> (12 + 9 * (l - 1))) & 511);
		if (!(*x & 7) || l == 1 || (*x & EPT_E_LARGE)) {
			*level = l;
			return x;
		}
		frame = HPA(*x & EPT_E_ADDR_MASK);
	}
	return NULL;
}

static ept_entry_t leaf_entry(struct fake *f, const struct ept *e, uint64_t gpa,
			      unsigned *level)
{
	ept_entry_t *x = entry_ptr(f, e, gpa, level);

	return x ? *x : 0;
}

/* Every 4 KiB page of guest RAM was cleared exactly once. */
static bool zeroed_once(struct fake *f)
{
	uint64_t p;

	for (p = 0; p < f->ram_size / PAGE_SIZE; p++)
		if (f->zeroed[p] != 1)
			return false;
	return true;
}

/* Fault on every page of RAM (below and above the hole); returns how
 * many faults installed a leaf. */
static uint64_t touch_all(struct ept *e, unsigned access)
{
	uint64_t off, mapped = 0;

	for (off = 0; off < e->ram_size; off += PAGE_SIZE) {
		bool flush = false;
		enum ept_result r = ept_fault(e, GPA(gpa_at(off)), access, &flush);

		if (r == EPT_MAPPED)
			mapped++;
		else if (r != EPT_SPURIOUS)
			return ~0ull;
		if (flush)
			return ~0ull;
	}
	return mapped;
}

/* ---- tests ----------------------------------------------------------------- */

static void test_entry_format(void)
{
	ept_entry_t t = ept_entry_table(HPA(0x123000));
	ept_entry_t l2 = ept_entry_leaf(HPA(0x40200000), EPT_LEVEL_2M, EPT_E_R | EPT_E_W);
	ept_entry_t l1 = ept_entry_leaf(HPA(0x5000), EPT_LEVEL_4K, EPT_E_RWX);

	CHECK_EQ(t, 0x123007);
	CHECK_EQ(l2, 0x40200000 | 0x80 | 0x30 | 0x3);
	CHECK_EQ(l1, 0x5000 | 0x30 | 0x7);
	CHECK(ept_entry_is_table(t, 3));
	CHECK(!ept_entry_is_table(t, 1));       /* a PTE is always a leaf */
	CHECK(ept_entry_is_leaf(l2, 2));
	CHECK(!ept_entry_present(0));
	CHECK(!ept_entry_is_leaf(0, 1));
	CHECK_EQ(ept_entry_hpa(l2).v, 0x40200000);
	CHECK_EQ(ept_entry_perms(l2), 3);
	CHECK_EQ(ept_level_size(3), SIZE_1G);
	CHECK_EQ(ept_level_size(2), SIZE_2M);
	CHECK_EQ(ept_index(GPA(0x0000ff8000000000ull), 4), 511);
	CHECK_EQ(ept_index(GPA(0x40000000ull), 3), 1);
	CHECK_EQ(ept_index(GPA(0x00600000ull), 2), 3);
	CHECK_EQ(ept_index(GPA(0x00005000ull), 1), 5);
}

static void test_eptp_and_init(void)
{
	struct ept e;
	struct fake *f = setup(&e, MIB(64), MIB(64), caps_all, 8);
	struct tree t;

	/* Only the root exists, and it is empty. */
	CHECK_EQ(f->in_use, 1);
	CHECK_EQ(e.stats.tables, 1);
	t = tree_scan(f, &e);
	CHECK_EQ(t.tables, 1);
	CHECK_EQ(t.mapped, 0);
	CHECK_EQ(f->zero_calls, 0);
	/* EPTP: WB, walk length 4 - 1, A/D off, root address. */
	CHECK_EQ(ept_eptp(&e), e.root.v | 0x1e);
	CHECK_EQ(ept_eptp(&e) & 7, 6);
	CHECK_EQ((ept_eptp(&e) >> 3) & 7, 3);
	CHECK_EQ(ept_eptp(&e) & 0x40, 0);
	CHECK_EQ(ept_eptp(&e) & ~0xfffull, e.root.v);
	CHECK(e.root.v >= POOL_HPA);
	teardown(&e, f);
}

static void test_init_rejects(void)
{
	struct fake *f = fake_new(HPA(MIB(64)), MIB(64), 4);
	struct ept e;
	struct ept_config c;

	c = config(f, caps_all); c.ram_size = 0;
	CHECK_EQ(ept_init(&e, &c), EPT_INIT_EINVAL);
	CHECK(!hpa_valid(e.root));
	c = config(f, caps_all); c.ram_size = MIB(1) + 100;
	CHECK_EQ(ept_init(&e, &c), EPT_INIT_EINVAL);
	c = config(f, caps_all); c.ram_base = HPA(MIB(64) + 8);
	CHECK_EQ(ept_init(&e, &c), EPT_INIT_EINVAL);
	c = config(f, caps_all); c.ram_base = HPA(1ull << 52);
	CHECK_EQ(ept_init(&e, &c), EPT_INIT_EINVAL);
	c = config(f, caps_all); c.ram_base = HPA((1ull << 52) - GIB(1)); c.ram_size = GIB(2);
	CHECK_EQ(ept_init(&e, &c), EPT_INIT_EINVAL);
	c = config(f, caps_all); c.ram_base = HPA(0); c.ram_size = (1ull << 48) + PAGE_SIZE;
	CHECK_EQ(ept_init(&e, &c), EPT_INIT_EINVAL);
	/* RAM beyond 3 GiB sits 1 GiB higher: its end must be walkable too */
	c = config(f, caps_all); c.ram_base = HPA(0); c.ram_size = (1ull << 48) - GIB(1) + PAGE_SIZE;
	CHECK_EQ(ept_init(&e, &c), EPT_INIT_EINVAL);
	c = config(f, caps_all); c.small_start = GPA(MIB(2)); c.small_end = GPA(MIB(1));
	CHECK_EQ(ept_init(&e, &c), EPT_INIT_EINVAL);
	c = config(f, caps_all); c.ops.zero = NULL;
	CHECK_EQ(ept_init(&e, &c), EPT_INIT_EINVAL);
	/* Quota zero: no root, nothing leaked. */
	f->quota = 0;
	c = config(f, caps_all);
	CHECK_EQ(ept_init(&e, &c), EPT_INIT_ENOMEM);
	CHECK_EQ(f->in_use, 0);
	CHECK_EQ(f->allocs, 0);
	/* A pool handing out guest RAM for a table is refused. */
	f->quota = 4;
	f->evil = HPA(MIB(64) + MIB(8));
	CHECK_EQ(ept_init(&e, &c), EPT_INIT_ENOMEM);
	CHECK(!hpa_valid(e.root));
	ept_destroy(&e);            /* harmless on a failed init */
	ept_reset(&e);
	CHECK_EQ(ept_fault(&e, GPA(0), EPT_ACC_R, NULL), EPT_ERROR);
	CHECK(!hpa_valid(ept_translate(&e, GPA(0), NULL)));
	CHECK_EQ(f->in_use, 0);
	fake_free_all(f);
}

/* The headline figure: 64 MiB touched page by page = 32 faults, 3 tables. */
static void test_64m_full_touch(void)
{
	struct ept e;
	struct fake *f = setup(&e, MIB(64), MIB(64), caps_all, 16);
	struct tree t;
	uint64_t gpa;

	CHECK_EQ(touch_all(&e, EPT_ACC_R | EPT_ACC_W), 32);
	CHECK_EQ(e.stats.faults_2m, 32);
	CHECK_EQ(e.stats.faults_4k, 0);
	CHECK_EQ(e.stats.faults_1g, 0);
	CHECK_EQ(e.stats.spurious, MIB(64) / PAGE_SIZE - 32);
	CHECK_EQ(e.stats.tables, 3);          /* PML4, PDPT, PD */
	CHECK_EQ(f->in_use, 3);
	CHECK_EQ(e.stats.zeroed_bytes, MIB(64));
	CHECK_EQ(f->zero_calls, 32);
	CHECK(zeroed_once(f));

	t = tree_scan(f, &e);
	CHECK_EQ(t.bad, 0);
	CHECK_EQ(t.tables, 3);
	CHECK_EQ(t.leaves[2], 32);
	CHECK_EQ(t.mapped, MIB(64));
	CHECK_EQ(t.exec_large, 32);           /* no erratum: large leaves execute */

	for (gpa = 0; gpa < MIB(64); gpa += 0x1234567 % MIB(1) + 1) {
		unsigned level = 0;
		hpa_t h = ept_translate(&e, GPA(gpa), &level);

		CHECK_EQ(h.v, MIB(64) + gpa);
		CHECK_EQ(level, EPT_LEVEL_2M);
	}
	/* Touching it all again, with any access, changes nothing. */
	CHECK_EQ(touch_all(&e, EPT_ACC_R | EPT_ACC_W | EPT_ACC_X), 0);
	CHECK_EQ(f->zero_calls, 32);
	CHECK_EQ(e.stats.tables, 3);
	teardown(&e, f);
}

static void test_64m_plus_12k(void)
{
	struct ept e;
	uint64_t size = MIB(64) + KIB(12);
	struct fake *f = setup(&e, MIB(128), size, caps_all, 16);
	struct tree t;
	unsigned level = 0;

	CHECK_EQ(touch_all(&e, EPT_ACC_R), 35);
	CHECK_EQ(e.stats.faults_2m, 32);
	CHECK_EQ(e.stats.faults_4k, 3);
	CHECK_EQ(e.stats.tables, 4);
	CHECK(zeroed_once(f));
	t = tree_scan(f, &e);
	CHECK_EQ(t.bad, 0);
	CHECK_EQ(t.leaves[1], 3);
	CHECK_EQ(t.leaves[2], 32);
	CHECK_EQ(t.mapped, size);
	CHECK_EQ(ept_translate(&e, GPA(MIB(64) + KIB(8) + 5), &level).v,
		 MIB(128) + MIB(64) + KIB(8) + 5);
	CHECK_EQ(level, EPT_LEVEL_4K);
	CHECK_EQ(ept_fault(&e, GPA(size), EPT_ACC_R, NULL), EPT_OUTSIDE);
	CHECK(!hpa_valid(ept_translate(&e, GPA(size), NULL)));
	CHECK(!hpa_valid(ept_translate(&e, GPA(MIB(64) + KIB(16)), NULL)));
	teardown(&e, f);
}

static void test_1g(void)
{
	struct ept e;
	struct fake *f;
	struct tree t;
	unsigned level = 0;

	/* One 1 GiB leaf, two tables. */
	f = setup(&e, GIB(3), GIB(1), caps_all, 16);
	CHECK_EQ(ept_fault(&e, GPA(MIB(700) + 3), EPT_ACC_W, NULL), EPT_MAPPED);
	CHECK_EQ(touch_all(&e, EPT_ACC_R), 0);
	CHECK_EQ(e.stats.faults_1g, 1);
	CHECK_EQ(e.stats.tables, 2);
	CHECK_EQ(f->zero_calls, 1);
	CHECK(zeroed_once(f));
	CHECK_EQ(ept_translate(&e, GPA(GIB(1) - 1), &level).v, GIB(4) - 1);
	CHECK_EQ(level, EPT_LEVEL_1G);
	t = tree_scan(f, &e);
	CHECK_EQ(t.bad, 0);
	CHECK_EQ(t.leaves[3], 1);
	teardown(&e, f);

	/* Without 1 GiB pages: 512 leaves of 2 MiB. */
	f = setup(&e, GIB(3), GIB(1), caps_2m, 16);
	CHECK_EQ(touch_all(&e, EPT_ACC_R), 512);
	CHECK_EQ(e.stats.faults_2m, 512);
	CHECK_EQ(e.stats.tables, 3);
	CHECK(zeroed_once(f));
	teardown(&e, f);

	/* Host base 2 MiB aligned but not 1 GiB aligned: 2 MiB leaves. */
	f = setup(&e, GIB(3) + MIB(2), GIB(1), caps_all, 16);
	CHECK_EQ(touch_all(&e, EPT_ACC_R), 512);
	CHECK_EQ(e.stats.faults_1g, 0);
	t = tree_scan(f, &e);
	CHECK_EQ(t.bad, 0);
	CHECK_EQ(t.mapped, GIB(1));
	teardown(&e, f);

	/* 1 GiB + 2 MiB + 4 KiB: one of each size. */
	f = setup(&e, GIB(2), GIB(1) + MIB(2) + KIB(4), caps_all, 16);
	CHECK_EQ(touch_all(&e, EPT_ACC_R), 3);
	CHECK_EQ(e.stats.faults_1g, 1);
	CHECK_EQ(e.stats.faults_2m, 1);
	CHECK_EQ(e.stats.faults_4k, 1);
	CHECK_EQ(e.stats.tables, 4);
	CHECK(zeroed_once(f));
	t = tree_scan(f, &e);
	CHECK_EQ(t.bad, 0);
	CHECK_EQ(t.mapped, GIB(1) + MIB(2) + KIB(4));
	teardown(&e, f);
}

static void test_4k_only_and_3m(void)
{
	struct ept e;
	struct fake *f;
	struct tree t;

	f = setup(&e, MIB(64), MIB(4), caps_4k, 16);
	CHECK_EQ(touch_all(&e, EPT_ACC_X), 1024);
	CHECK_EQ(e.stats.faults_4k, 1024);
	CHECK_EQ(e.stats.tables, 5);          /* PML4, PDPT, PD, 2 PTs */
	CHECK_EQ(f->zero_calls, 1024);
	CHECK(zeroed_once(f));
	t = tree_scan(f, &e);
	CHECK_EQ(t.bad, 0);
	CHECK_EQ(t.leaves[1], 1024);
	CHECK_EQ(t.exec_small, 1024);
	teardown(&e, f);

	/* 3 MiB: one 2 MiB leaf, then 256 leaves of 4 KiB. */
	f = setup(&e, MIB(2), MIB(3), caps_all, 16);
	CHECK_EQ(touch_all(&e, EPT_ACC_R), 257);
	CHECK_EQ(e.stats.faults_2m, 1);
	CHECK_EQ(e.stats.faults_4k, 256);
	CHECK_EQ(e.stats.tables, 4);
	CHECK(zeroed_once(f));
	t = tree_scan(f, &e);
	CHECK_EQ(t.bad, 0);
	CHECK_EQ(t.mapped, MIB(3));
	teardown(&e, f);
}

/* The leaf size the rules give, computed independently of ept.c. */
static unsigned oracle_level(uint64_t base, uint64_t size, struct ept_caps caps,
			     uint64_t ss, uint64_t se, uint64_t gpa)
{
	static const struct { unsigned level; uint64_t sz; } sizes[] = {
		{ 3, 1ull << 30 }, { 2, 1ull << 21 },
	};
	unsigned i;

	for (i = 0; i < 2; i++) {
		uint64_t sz = sizes[i].sz, blk = gpa / sz * sz;

		if (sizes[i].level == 3 && !caps.page_1g)
			continue;
		if (sizes[i].level == 2 && !caps.page_2m)
			continue;
		if (blk + sz > size || (base + blk) % sz)
			continue;
		if (ss < se && ss < blk + sz && blk < se)
			continue;
		return sizes[i].level;
	}
	return 1;
}

/* Every alignment of the host base and many sizes and forced-4K windows:
 * each page gets exactly the leaf size the rules give. */
static void test_leaf_choice_matrix(void)
{
	static const uint64_t bases[] = {
		GIB(2), GIB(2) + KIB(4), GIB(2) + MIB(1), GIB(2) + MIB(2),
		GIB(2) + MIB(6) + KIB(8), GIB(3) - MIB(2),
	};
	static const uint64_t sizes[] = {
		KIB(4), MIB(2) - KIB(4), MIB(2), MIB(2) + KIB(4), MIB(3), MIB(7) + KIB(20),
		GIB(1), GIB(1) + MIB(2) + KIB(12),
	};
	static const struct { uint64_t s, e; } smalls[] = {
		{ 0, 0 }, { MIB(1), MIB(1) + 1 }, { MIB(4) - KIB(4), MIB(4) + KIB(4) },
	};
	const struct ept_caps cs[] = { caps_all, caps_2m, caps_4k };
	unsigned bi, si, ci, wi, bad = 0, runs = 0;

	for (bi = 0; bi < ARRAY_SIZE(bases); bi++)
	for (si = 0; si < ARRAY_SIZE(sizes); si++)
	for (ci = 0; ci < ARRAY_SIZE(cs); ci++)
	for (wi = 0; wi < ARRAY_SIZE(smalls); wi++) {
		struct ept e;
		struct fake *f;
		struct ept_config c;
		uint64_t gpa, ss, se;
		struct tree t;

		if (sizes[si] > MIB(16) && !cs[ci].page_2m)
			continue;   /* slow; test_full_touch_stays_inside has it */
		f = fake_new(HPA(bases[bi]), sizes[si],
			     sizes[si] > MIB(16) ? 600 : 8);
		c = config(f, cs[ci]);
		ss = ALIGN_DOWN(smalls[wi].s, PAGE_SIZE);
		se = ALIGN_UP(smalls[wi].e, PAGE_SIZE);

		c.small_start = GPA(smalls[wi].s);
		c.small_end = GPA(smalls[wi].e);
		CHECK_EQ(ept_init(&e, &c), EPT_INIT_OK);
		/* Touch from the top down, so edges are reached first. */
		for (gpa = sizes[si]; gpa > 0; ) {
			unsigned level = 0, want;

			gpa -= PAGE_SIZE;
			want = oracle_level(bases[bi], sizes[si], cs[ci], ss, se, gpa);
			if (ept_fault(&e, GPA(gpa), EPT_ACC_R, NULL) == EPT_OUTSIDE ||
			    ept_translate(&e, GPA(gpa), &level).v != bases[bi] + gpa ||
			    level != want)
				bad++;
		}
		t = tree_scan(f, &e);
		if (t.bad || t.mapped != sizes[si] || !zeroed_once(f) ||
		    t.tables != e.stats.tables ||
		    t.leaves[1] != e.stats.faults_4k || t.leaves[2] != e.stats.faults_2m ||
		    t.leaves[3] != e.stats.faults_1g)
			bad++;
		runs++;
		teardown(&e, f);
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(runs, 6 * 8 * 3 * 3 - 6 * 2 * 3);
}

static void test_forced_4k_region(void)
{
	struct ept e;
	struct fake *f = fake_new(HPA(GIB(1)), GIB(1), 16);
	struct ept_config c = config(f, caps_all);
	struct tree t;
	unsigned level = 0;

	c.small_start = GPA(MIB(3) + 100);  /* rounds out to [3 MiB, 3 MiB + 8 KiB) */
	c.small_end = GPA(MIB(3) + KIB(5));
	CHECK_EQ(ept_init(&e, &c), EPT_INIT_OK);
	CHECK_EQ(e.small_start.v, MIB(3));
	CHECK_EQ(e.small_end.v, MIB(3) + KIB(8));

	/* No 1 GiB leaf can cover the window; the 2 MiB block holding it is
	 * 4 KiB throughout, every other one is a 2 MiB leaf. */
	CHECK_EQ(touch_all(&e, EPT_ACC_R), 511 + 512);
	CHECK_EQ(e.stats.faults_1g, 0);
	CHECK_EQ(e.stats.faults_2m, 511);
	CHECK_EQ(e.stats.faults_4k, 512);
	ept_translate(&e, GPA(MIB(3)), &level);
	CHECK_EQ(level, EPT_LEVEL_4K);
	ept_translate(&e, GPA(MIB(2)), &level);
	CHECK_EQ(level, EPT_LEVEL_4K);
	ept_translate(&e, GPA(MIB(4)), &level);
	CHECK_EQ(level, EPT_LEVEL_2M);
	ept_translate(&e, GPA(MIB(1)), &level);
	CHECK_EQ(level, EPT_LEVEL_2M);
	t = tree_scan(f, &e);
	CHECK_EQ(t.bad, 0);
	CHECK_EQ(t.mapped, GIB(1));
	CHECK(zeroed_once(f));
	teardown(&e, f);
}

static void test_outside(void)
{
	struct ept e;
	struct fake *f = setup(&e, MIB(64), MIB(64), caps_all, 16);
	static const uint64_t gpas[] = {
		MIB(64), MIB(64) + 1, GIB(1), 1ull << 47, 1ull << 48, ~0ull, ~0ull - PAGE_SIZE,
	};
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(gpas); i++) {
		bool flush = false;

		CHECK_EQ(ept_fault(&e, GPA(gpas[i]), EPT_ACC_R, &flush), EPT_OUTSIDE);
		CHECK_EQ(ept_populate(&e, GPA(gpas[i])), EPT_OUTSIDE);
		CHECK(!flush);
		CHECK(!hpa_valid(ept_translate(&e, GPA(gpas[i]), NULL)));
	}
	CHECK_EQ(f->in_use, 1);
	CHECK_EQ(f->zero_calls, 0);
	CHECK_EQ(tree_scan(f, &e).mapped, 0);
	CHECK(!hpa_valid(ept_translate(&e, GPA(0), NULL)));
	/* The last byte of RAM is inside. */
	CHECK_EQ(ept_fault(&e, GPA(MIB(64) - 1), EPT_ACC_R, NULL), EPT_MAPPED);
	teardown(&e, f);
}

static void test_quota(void)
{
	struct ept e;
	struct fake *f = setup(&e, MIB(64), MIB(3), caps_all, 16);
	struct tree t;
	unsigned q;

	/* A 4 KiB leaf at 2 MiB needs PDPT, PD and PT: with room for fewer,
	 * the fault fails and leaves exactly what was there. */
	for (q = 1; q < 4; q++) {
		bool flush = false;

		f->quota = q;
		CHECK_EQ(ept_fault(&e, GPA(MIB(2)), EPT_ACC_W, &flush), EPT_NOMEM);
		CHECK(!flush);
		CHECK_EQ(f->in_use, 1);
		CHECK_EQ(e.stats.tables, 1);
		CHECK_EQ(f->zero_calls, 0);
		t = tree_scan(f, &e);
		CHECK_EQ(t.tables, 1);
		CHECK_EQ(t.mapped, 0);
	}
	CHECK_EQ(e.stats.nomem, 3);
	CHECK(!hpa_valid(ept_translate(&e, GPA(MIB(2)), NULL)));

	/* Three frames: the 2 MiB leaf at 0 fits (PDPT + PD), the 4 KiB one
	 * at 2 MiB still needs a PT and fails, the 2 MiB one stays. */
	f->quota = 3;
	CHECK_EQ(ept_fault(&e, GPA(0), EPT_ACC_R, NULL), EPT_MAPPED);
	CHECK_EQ(ept_fault(&e, GPA(MIB(2)), EPT_ACC_R, NULL), EPT_NOMEM);
	CHECK_EQ(f->in_use, 3);
	t = tree_scan(f, &e);
	CHECK_EQ(t.mapped, MIB(2));
	CHECK_EQ(t.bad, 0);
	CHECK_EQ(f->zero_calls, 1);

	f->quota = 4;
	CHECK_EQ(ept_fault(&e, GPA(MIB(2)), EPT_ACC_R, NULL), EPT_MAPPED);
	CHECK_EQ(touch_all(&e, EPT_ACC_R), 255);
	CHECK_EQ(f->in_use, 4);
	CHECK(zeroed_once(f));
	teardown(&e, f);
}

/* A pool that hands out guest RAM for a table is caught before any change. */
static void test_pool_frame_in_guest_ram(void)
{
	struct ept e;
	struct fake *f = setup(&e, MIB(64), MIB(64), caps_all, 16);

	f->evil = HPA(MIB(70));
	CHECK_EQ(ept_fault(&e, GPA(0), EPT_ACC_R, NULL), EPT_ERROR);
	f->evil = HPA(POOL_HPA + 12);               /* not aligned */
	CHECK_EQ(ept_fault(&e, GPA(0), EPT_ACC_R, NULL), EPT_ERROR);
	f->evil = INVALID_HPA;
	CHECK_EQ(f->zero_calls, 0);
	CHECK_EQ(tree_scan(f, &e).mapped, 0);
	CHECK_EQ(f->in_use, 1);
	CHECK_EQ(ept_fault(&e, GPA(0), EPT_ACC_R, NULL), EPT_MAPPED);
	teardown(&e, f);
}

/* iTLB multihit: large leaves without X; an instruction fetch splits. */
static void test_itlb_multihit_split(void)
{
	struct ept e;
	struct fake *f = setup(&e, GIB(1), GIB(1), caps_nx, 16);
	uint64_t code = MIB(300) + KIB(20);
	struct tree t;
	ept_entry_t x;
	unsigned level = 0;
	bool flush = false;

	CHECK_EQ(ept_fault(&e, GPA(0), EPT_ACC_R | EPT_ACC_W, &flush), EPT_MAPPED);
	CHECK(!flush);
	x = leaf_entry(f, &e, code, &level);
	CHECK_EQ(level, 3);
	CHECK_EQ(x & EPT_E_X, 0);
	CHECK_EQ(x & 3, 3);
	/* Reads and writes on the non-executable leaf are spurious. */
	CHECK_EQ(ept_fault(&e, GPA(code), EPT_ACC_W, &flush), EPT_SPURIOUS);
	CHECK(!flush);

	/* With no frames to spare, the split fails and changes nothing. */
	f->quota = 3;
	CHECK_EQ(ept_fault(&e, GPA(code), EPT_ACC_X, &flush), EPT_NOMEM);
	CHECK(!flush);
	CHECK_EQ(f->in_use, 2);
	x = leaf_entry(f, &e, code, &level);
	CHECK_EQ(level, 3);
	CHECK_EQ(e.stats.splits, 0);

	/* 1 GiB -> 512 x 2 MiB (no X) -> the one holding `code` -> 512 x 4 KiB (X). */
	f->quota = 16;
	CHECK_EQ(ept_fault(&e, GPA(code), EPT_ACC_X | EPT_ACC_R, &flush), EPT_MAPPED);
	CHECK(flush);
	CHECK_EQ(e.stats.splits, 2);
	CHECK_EQ(e.stats.tables, 4);
	CHECK_EQ(f->in_use, 4);
	CHECK_EQ(f->zero_calls, 1);           /* guest data survives a split */
	x = leaf_entry(f, &e, code, &level);
	CHECK_EQ(level, 1);
	CHECK(x & EPT_E_X);
	CHECK_EQ(ept_translate(&e, GPA(code + 5), NULL).v, GIB(1) + code + 5);
	x = leaf_entry(f, &e, MIB(400), &level);
	CHECK_EQ(level, 2);
	CHECK_EQ(x & EPT_E_X, 0);
	t = tree_scan(f, &e);
	CHECK_EQ(t.bad, 0);
	CHECK_EQ(t.mapped, GIB(1));
	CHECK_EQ(t.leaves[2], 511);
	CHECK_EQ(t.leaves[1], 512);
	CHECK_EQ(t.exec_large, 0);
	CHECK_EQ(t.exec_small, 512);

	/* The neighbour page is already executable. */
	flush = false;
	CHECK_EQ(ept_fault(&e, GPA(code + PAGE_SIZE), EPT_ACC_X, &flush), EPT_SPURIOUS);
	CHECK(!flush);
	/* Another 2 MiB region: one more split. */
	CHECK_EQ(ept_fault(&e, GPA(MIB(400)), EPT_ACC_X, &flush), EPT_MAPPED);
	CHECK(flush);
	CHECK_EQ(e.stats.splits, 3);
	CHECK_EQ(e.stats.tables, 5);
	CHECK_EQ(f->zero_calls, 1);
	t = tree_scan(f, &e);
	CHECK_EQ(t.bad, 0);
	CHECK_EQ(t.mapped, GIB(1));
	CHECK_EQ(e.stats.faults_1g, 1);
	CHECK_EQ(e.stats.faults_4k + e.stats.faults_2m, 0);
	teardown(&e, f);
}

static void test_itlb_multihit_2m_and_exec_first(void)
{
	struct ept e;
	struct fake *f = setup(&e, MIB(64), MIB(64), caps_nx, 16);
	unsigned level = 0;
	bool flush = false;
	ept_entry_t x;

	/* A fetch as the very first touch: the 2 MiB block is zeroed once and
	 * goes in already split (nothing was present, so no flush). */
	CHECK_EQ(ept_fault(&e, GPA(MIB(8)), EPT_ACC_X, &flush), EPT_MAPPED);
	CHECK(!flush);
	CHECK_EQ(e.stats.faults_2m, 1);
	CHECK_EQ(e.stats.splits, 1);
	CHECK_EQ(e.stats.tables, 4);
	CHECK_EQ(f->in_use, 4);
	x = leaf_entry(f, &e, MIB(8) + MIB(1), &level);
	CHECK_EQ(level, 1);
	CHECK(x & EPT_E_X);
	CHECK_EQ(f->zero_calls, 1);
	CHECK_EQ(ept_fault(&e, GPA(MIB(8)), EPT_ACC_X, &flush), EPT_SPURIOUS);
	CHECK(!flush);
	CHECK_EQ(tree_scan(f, &e).bad, 0);

	/* Each pre-split block needs one PT; without it nothing changes. */
	f->quota = 5;
	CHECK_EQ(ept_fault(&e, GPA(MIB(10)), EPT_ACC_X, &flush), EPT_MAPPED);
	CHECK_EQ(e.stats.splits, 2);
	CHECK_EQ(ept_fault(&e, GPA(MIB(12)), EPT_ACC_X, &flush), EPT_NOMEM);
	CHECK(!hpa_valid(ept_translate(&e, GPA(MIB(12)), NULL)));
	CHECK_EQ(f->zero_calls, 2);
	CHECK_EQ(f->in_use, 5);
	f->quota = 16;

	/* Populate never splits and never needs a flush. */
	CHECK_EQ(ept_populate(&e, GPA(MIB(20))), EPT_MAPPED);
	CHECK_EQ(ept_populate(&e, GPA(MIB(20) + 4)), EPT_SPURIOUS);
	CHECK_EQ(ept_populate(&e, GPA(MIB(8))), EPT_SPURIOUS);
	x = leaf_entry(f, &e, MIB(20), &level);
	CHECK_EQ(level, 2);
	CHECK_EQ(x & 7, 3);
	CHECK_EQ(e.stats.splits, 2);
	teardown(&e, f);
}

/* Full RAM touched with every access kind: nothing outside the partition. */
static void test_full_touch_stays_inside(void)
{
	static const struct ept_caps *cs[] = { &caps_all, &caps_2m, &caps_4k, &caps_nx };
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(cs); i++) {
		struct ept e;
		struct fake *f = setup(&e, GIB(5) - MIB(4), GIB(1) + MIB(9) + KIB(4),
				       *cs[i], 700);
		uint64_t gpa;
		struct tree t;
		unsigned bad = 0;

		touch_all(&e, EPT_ACC_R);
		for (gpa = 0; gpa < e.ram_size; gpa += MIB(1) + KIB(4))
			ept_fault(&e, GPA(gpa), EPT_ACC_X, NULL);
		t = tree_scan(f, &e);
		CHECK_EQ(t.bad, 0);
		CHECK_EQ(t.mapped, e.ram_size);
		CHECK_EQ(t.tables, e.stats.tables);
		CHECK_EQ(t.tables, f->in_use);
		CHECK(zeroed_once(f));
		for (gpa = 0; gpa < e.ram_size; gpa += PAGE_SIZE) {
			hpa_t h = ept_translate(&e, GPA(gpa), NULL);

			if (h.v != GIB(5) - MIB(4) + gpa)
				bad++;
		}
		CHECK_EQ(bad, 0);
		teardown(&e, f);
	}
}

/* ept/guest_ram.h against explicit values. */
static void test_guest_ram_layout(void)
{
	struct guest_ram_range r[2];

	/* up to 3 GiB: one range, linear */
	CHECK_EQ(guest_ram_ranges(MIB(64), r), 1);
	CHECK_EQ(r[0].start.v, 0);
	CHECK_EQ(r[0].len, MIB(64));
	CHECK_EQ(guest_ram_end(MIB(64)), MIB(64));
	CHECK_EQ(guest_ram_offset(MIB(64), GPA(MIB(64) - 1)), MIB(64) - 1);
	CHECK_EQ(guest_ram_offset(MIB(64), GPA(MIB(64))), GUEST_RAM_NONE);
	CHECK_EQ(guest_ram_ranges(GIB(3), r), 1);
	CHECK_EQ(guest_ram_end(GIB(3)), GIB(3));
	CHECK_EQ(guest_ram_offset(GIB(3), GPA(GIB(4))), GUEST_RAM_NONE);

	/* 5 GiB: [0, 3 GiB) and [4 GiB, 6 GiB) */
	CHECK_EQ(guest_ram_ranges(GIB(5), r), 2);
	CHECK_EQ(r[0].start.v, 0);
	CHECK_EQ(r[0].len, GIB(3));
	CHECK_EQ(r[1].start.v, GIB(4));
	CHECK_EQ(r[1].len, GIB(2));
	CHECK_EQ(guest_ram_low_size(GIB(5)), 0xC0000000ull);
	CHECK_EQ(guest_ram_high_size(GIB(5)), GIB(2));
	CHECK_EQ(guest_ram_end(GIB(5)), GIB(6));
	CHECK_EQ(guest_ram_offset(GIB(5), GPA(0)), 0);
	CHECK_EQ(guest_ram_offset(GIB(5), GPA(0xBFFFFFFF)), 0xBFFFFFFF);
	CHECK_EQ(guest_ram_offset(GIB(5), GPA(0xC0000000)), GUEST_RAM_NONE);
	CHECK_EQ(guest_ram_offset(GIB(5), GPA(0xFEC00000)), GUEST_RAM_NONE);
	CHECK_EQ(guest_ram_offset(GIB(5), GPA(0xFEE00000)), GUEST_RAM_NONE);
	CHECK_EQ(guest_ram_offset(GIB(5), GPA(0xFFFFFFFF)), GUEST_RAM_NONE);
	CHECK_EQ(guest_ram_offset(GIB(5), GPA(0x100000000ull)), 0xC0000000ull);
	CHECK_EQ(guest_ram_offset(GIB(5), GPA(0x17FFFFFFFull)), 0x13FFFFFFFull);
	CHECK_EQ(guest_ram_offset(GIB(5), GPA(0x180000000ull)), GUEST_RAM_NONE);
	CHECK_EQ(guest_ram_offset(GIB(5), GPA(~0ull)), GUEST_RAM_NONE);
	CHECK_EQ(guest_ram_hpa(HPA(GIB(8)), GIB(5), GPA(GIB(4) + 5)).v, GIB(11) + 5);
	CHECK(!hpa_valid(guest_ram_hpa(HPA(GIB(8)), GIB(5), GPA(0xFEE00000))));

	/* ranges: inside one RAM range only */
	CHECK(guest_ram_contains(GIB(5), GPA(0), GIB(3)));
	CHECK(guest_ram_contains(GIB(5), GPA(GIB(4)), GIB(2)));
	CHECK(guest_ram_contains(GIB(5), GPA(GIB(3) - 8), 8));
	CHECK(!guest_ram_contains(GIB(5), GPA(GIB(3) - 8), 9));
	CHECK(!guest_ram_contains(GIB(5), GPA(GIB(3) - 8), GIB(1) + 16));   /* across the hole */
	CHECK(!guest_ram_contains(GIB(5), GPA(GIB(4) - 1), 2));
	CHECK(!guest_ram_contains(GIB(5), GPA(GIB(6) - 1), 2));
	CHECK(!guest_ram_contains(GIB(5), GPA(0), 0));
	CHECK(!guest_ram_contains(GIB(5), GPA(GIB(4)), ~0ull));
	CHECK(!guest_ram_contains(GIB(5), GPA(~0ull), 1));
	CHECK(guest_ram_contains(GIB(5), GPA(GIB(6) - 1), 1));
}

/* A 5 GiB partition: the hole is outside RAM, both sides map. */
static void test_hole_is_outside(void)
{
	static const uint64_t hole[] = {
		GIB(3), GIB(3) + PAGE_SIZE, 0xFEC00000, 0xFEE00000, 0xFEE00030, GIB(4) - 1,
		GIB(6), GIB(6) + SIZE_1G,
	};
	struct ept e;
	struct fake *f = setup(&e, GIB(8), GIB(5), caps_all, 16);
	unsigned i, level = 0;

	for (i = 0; i < ARRAY_SIZE(hole); i++) {
		bool flush = false;

		CHECK_EQ(ept_fault(&e, GPA(hole[i]), EPT_ACC_R, &flush), EPT_OUTSIDE);
		CHECK_EQ(ept_populate(&e, GPA(hole[i])), EPT_OUTSIDE);
		CHECK(!flush);
	}
	CHECK_EQ(f->zero_calls, 0);
	CHECK_EQ(tree_scan(f, &e).mapped, 0);

	/* just below the hole: the third GiB, at base + 2 GiB */
	CHECK_EQ(ept_fault(&e, GPA(GIB(3) - 1), EPT_ACC_W, NULL), EPT_MAPPED);
	CHECK_EQ(ept_translate(&e, GPA(GIB(3) - 1), &level).v, GIB(8) + GIB(3) - 1);
	CHECK_EQ(level, EPT_LEVEL_1G);
	/* just above it: base + 3 GiB, a 1 GiB leaf too */
	CHECK_EQ(ept_fault(&e, GPA(GIB(4)), EPT_ACC_W, NULL), EPT_MAPPED);
	CHECK_EQ(ept_translate(&e, GPA(GIB(4) + 0x123), &level).v, GIB(11) + 0x123);
	CHECK_EQ(level, EPT_LEVEL_1G);
	CHECK_EQ(ept_fault(&e, GPA(GIB(6) - 1), EPT_ACC_R, NULL), EPT_MAPPED);
	CHECK_EQ(ept_translate(&e, GPA(GIB(6) - 1), NULL).v, GIB(13) - 1);
	/* the hole stays unmapped */
	for (i = 0; i < ARRAY_SIZE(hole); i++)
		CHECK(!hpa_valid(ept_translate(&e, GPA(hole[i]), NULL)));

	/* all of it: five 1 GiB leaves, PML4 and PDPT, every page zeroed once */
	CHECK_EQ(touch_all(&e, EPT_ACC_R), 2);
	CHECK_EQ(e.stats.faults_1g, 5);
	CHECK_EQ(e.stats.tables, 2);
	CHECK(zeroed_once(f));
	struct tree t = tree_scan(f, &e);
	CHECK_EQ(t.bad, 0);
	CHECK_EQ(t.mapped, GIB(5));
	teardown(&e, f);
}

/* Leaf sizes at the edges of the hole. */
static void test_hole_leaf_sizes(void)
{
	struct ept e;
	struct fake *f;
	struct tree t;
	unsigned level = 0;

	/* 3 GiB + 512 MiB: no whole GiB above 4 GiB, so 2 MiB leaves there */
	f = setup(&e, GIB(8), GIB(3) + MIB(512), caps_all, 16);
	CHECK_EQ(ept_fault(&e, GPA(GIB(4)), EPT_ACC_R, NULL), EPT_MAPPED);
	CHECK_EQ(ept_translate(&e, GPA(GIB(4)), &level).v, GIB(11));
	CHECK_EQ(level, EPT_LEVEL_2M);
	CHECK_EQ(touch_all(&e, EPT_ACC_R), 3 + 255);
	CHECK_EQ(e.stats.faults_1g, 3);
	CHECK_EQ(e.stats.faults_2m, 256);
	CHECK_EQ(ept_fault(&e, GPA(GIB(4) + MIB(512)), EPT_ACC_R, NULL), EPT_OUTSIDE);
	t = tree_scan(f, &e);
	CHECK_EQ(t.bad, 0);
	CHECK_EQ(t.mapped, GIB(3) + MIB(512));
	CHECK(zeroed_once(f));
	teardown(&e, f);

	/* 3 GiB + 3 MiB + 4 KiB: a 2 MiB leaf at 4 GiB, then 4 KiB leaves */
	f = setup(&e, GIB(8), GIB(3) + MIB(3) + KIB(4), caps_all, 16);
	CHECK_EQ(touch_all(&e, EPT_ACC_R), 3 + 1 + 257);
	CHECK_EQ(e.stats.faults_1g, 3);
	CHECK_EQ(e.stats.faults_2m, 1);
	CHECK_EQ(e.stats.faults_4k, 257);
	CHECK_EQ(ept_translate(&e, GPA(GIB(4) + MIB(3)), &level).v, GIB(11) + MIB(3));
	CHECK_EQ(level, EPT_LEVEL_4K);
	t = tree_scan(f, &e);
	CHECK_EQ(t.bad, 0);
	CHECK(zeroed_once(f));
	teardown(&e, f);

	/* a block 2 MiB but not 1 GiB aligned: 2 MiB leaves on both sides,
	 * each at the right host address */
	f = setup(&e, GIB(8) + MIB(2), GIB(3) + MIB(6), caps_all, 16);
	CHECK_EQ(touch_all(&e, EPT_ACC_R), 1536 + 3);
	CHECK_EQ(e.stats.faults_1g, 0);
	CHECK_EQ(ept_translate(&e, GPA(GIB(3) - PAGE_SIZE), &level).v, GIB(11) + MIB(2) - PAGE_SIZE);
	CHECK_EQ(level, EPT_LEVEL_2M);
	CHECK_EQ(ept_translate(&e, GPA(GIB(4)), &level).v, GIB(11) + MIB(2));
	CHECK_EQ(level, EPT_LEVEL_2M);
	t = tree_scan(f, &e);
	CHECK_EQ(t.bad, 0);
	CHECK_EQ(t.mapped, GIB(3) + MIB(6));
	CHECK(zeroed_once(f));
	teardown(&e, f);

	/* a block only 4 KiB aligned: 4 KiB leaves, still right */
	f = setup(&e, GIB(8) + KIB(4), GIB(3) + MIB(2), caps_all, 16);
	CHECK_EQ(ept_fault(&e, GPA(GIB(4) + KIB(8)), EPT_ACC_R, NULL), EPT_MAPPED);
	CHECK_EQ(ept_translate(&e, GPA(GIB(4) + KIB(8)), &level).v, GIB(11) + KIB(12));
	CHECK_EQ(level, EPT_LEVEL_4K);
	CHECK_EQ(ept_fault(&e, GPA(GIB(3) - KIB(4)), EPT_ACC_R, NULL), EPT_MAPPED);
	CHECK_EQ(ept_translate(&e, GPA(GIB(3) - KIB(4)), &level).v, GIB(11));
	CHECK_EQ(level, EPT_LEVEL_4K);
	CHECK_EQ(tree_scan(f, &e).bad, 0);
	teardown(&e, f);
}

/* 1 GiB leaves above 4 GiB when the CPU has them, 2 MiB ones when not. */
static void test_1g_above_4g(void)
{
	struct ept e;
	struct fake *f;
	unsigned level = 0;

	f = setup(&e, GIB(16), GIB(6), caps_all, 16);
	CHECK_EQ(ept_fault(&e, GPA(GIB(5) + 7), EPT_ACC_W, NULL), EPT_MAPPED);
	CHECK_EQ(ept_translate(&e, GPA(GIB(5) + 7), &level).v, GIB(16) + GIB(4) + 7);
	CHECK_EQ(level, EPT_LEVEL_1G);
	CHECK_EQ(ept_fault(&e, GPA(GIB(7) - 1), EPT_ACC_R, NULL), EPT_MAPPED);
	CHECK_EQ(ept_translate(&e, GPA(GIB(7) - 1), &level).v, GIB(16) + GIB(6) - 1);
	CHECK_EQ(level, EPT_LEVEL_1G);
	CHECK_EQ(ept_fault(&e, GPA(GIB(7)), EPT_ACC_R, NULL), EPT_OUTSIDE);
	CHECK_EQ(tree_scan(f, &e).bad, 0);
	teardown(&e, f);

	f = setup(&e, GIB(16), GIB(6), caps_2m, 16);
	CHECK_EQ(ept_fault(&e, GPA(GIB(5) + 7), EPT_ACC_W, NULL), EPT_MAPPED);
	CHECK_EQ(ept_translate(&e, GPA(GIB(5) + 7), &level).v, GIB(20) + 7);
	CHECK_EQ(level, EPT_LEVEL_2M);
	teardown(&e, f);

	/* the iTLB erratum: a fetch above 4 GiB splits down to the right 4 KiB page */
	f = setup(&e, GIB(16), GIB(5), caps_nx, 16);
	CHECK_EQ(ept_fault(&e, GPA(GIB(4) + MIB(3)), EPT_ACC_R, NULL), EPT_MAPPED);
	CHECK_EQ(ept_fault(&e, GPA(GIB(4) + MIB(3)), EPT_ACC_X, NULL), EPT_MAPPED);
	CHECK_EQ(ept_translate(&e, GPA(GIB(4) + MIB(3) + 9), &level).v, GIB(19) + MIB(3) + 9);
	CHECK_EQ(level, EPT_LEVEL_4K);
	CHECK_EQ(tree_scan(f, &e).bad, 0);
	teardown(&e, f);
}

static void test_reset_and_destroy(void)
{
	struct ept e;
	struct fake *f = setup(&e, MIB(64), MIB(64), caps_4k, 64);
	hpa_t root;
	uint64_t eptp;

	CHECK_EQ(touch_all(&e, EPT_ACC_W), MIB(64) / PAGE_SIZE);
	CHECK_EQ(e.stats.tables, 1 + 1 + 1 + 32);
	CHECK_EQ(f->in_use, 35);
	root = e.root;
	eptp = ept_eptp(&e);

	/* Restart: the root stays (same EPTP), everything else goes back. */
	ept_reset(&e);
	CHECK_EQ(e.root.v, root.v);
	CHECK_EQ(ept_eptp(&e), eptp);
	CHECK_EQ(f->in_use, 1);
	CHECK_EQ(e.stats.tables, 1);
	CHECK_EQ(e.stats.faults_4k, 0);
	CHECK_EQ(tree_scan(f, &e).mapped, 0);
	CHECK(!hpa_valid(ept_translate(&e, GPA(0), NULL)));
	/* The new life zeroes its memory again. */
	CHECK_EQ(ept_fault(&e, GPA(KIB(8)), EPT_ACC_R, NULL), EPT_MAPPED);
	CHECK_EQ(f->zeroed[2], 2);
	CHECK_EQ(f->in_use, 4);

	ept_destroy(&e);
	CHECK(!hpa_valid(e.root));
	CHECK_EQ(e.stats.tables, 0);
	CHECK_EQ(f->in_use, 0);
	CHECK_EQ(f->bad_frees, 0);
	ept_destroy(&e);                      /* twice is harmless */
	CHECK_EQ(f->bad_frees, 0);
	CHECK_EQ(ept_fault(&e, GPA(0), EPT_ACC_R, NULL), EPT_ERROR);
	fake_free_all(f);
}

/* Tables changed behind our back: refused, not "fixed". */
static void test_corrupted_tables(void)
{
	struct ept e;
	struct fake *f = setup(&e, GIB(1), MIB(64), caps_nx, 16);
	ept_entry_t *pte;
	unsigned level = 0;
	bool flush = false;

	/* A 4 KiB leaf without execute is not a state we build. */
	CHECK_EQ(ept_fault(&e, GPA(MIB(2)), EPT_ACC_X, NULL), EPT_MAPPED);
	pte = entry_ptr(f, &e, MIB(2), &level);
	CHECK_EQ(level, 1);
	*pte &= ~EPT_E_X;
	CHECK_EQ(ept_fault(&e, GPA(MIB(2)), EPT_ACC_X, &flush), EPT_ERROR);
	CHECK(!flush);

	/* A large leaf pointing outside guest RAM is not split. */
	CHECK_EQ(ept_fault(&e, GPA(MIB(8)), EPT_ACC_R, NULL), EPT_MAPPED);
	pte = entry_ptr(f, &e, MIB(8), &level);
	CHECK_EQ(level, 2);
	*pte = (*pte & ~EPT_E_ADDR_MASK) | GIB(2);
	CHECK_EQ(ept_fault(&e, GPA(MIB(8)), EPT_ACC_X, &flush), EPT_ERROR);
	CHECK(!flush);
	CHECK_EQ(e.stats.splits, 1);          /* only the first fault's */
	CHECK_EQ(f->in_use, 4);
	teardown(&e, f);
}

static void test_caps_decode(void)
{
	struct ept_caps c;

	CHECK(ept_caps_decode((1 << 6) | (1 << 14) | (1 << 16) | (1 << 17), true, 1 << 6, &c));
	CHECK(c.page_2m && c.page_1g && !c.itlb_multihit);
	CHECK(ept_caps_decode((1 << 6) | (1 << 14) | (1 << 16), true, 0, &c));
	CHECK(c.page_2m && !c.page_1g && c.itlb_multihit);
	CHECK(ept_caps_decode((1 << 6) | (1 << 14), false, 1 << 6, &c));
	CHECK(!c.page_2m && !c.page_1g && c.itlb_multihit);
	CHECK(!ept_caps_decode((1 << 14) | (1 << 16), true, 0, &c));  /* no 4-level walk */
	CHECK(!ept_caps_decode((1 << 6) | (1 << 16), true, 0, &c));   /* no WB */
}

static void test_result_names(void)
{
	CHECK_STR_CONTAINS(ept_result_name(EPT_MAPPED), "mapped");
	CHECK_STR_CONTAINS(ept_result_name(EPT_SPURIOUS), "spurious");
	CHECK_STR_CONTAINS(ept_result_name(EPT_OUTSIDE), "outside");
	CHECK_STR_CONTAINS(ept_result_name(EPT_NOMEM), "frames");
	CHECK_STR_CONTAINS(ept_result_name(EPT_ERROR), "error");
	CHECK_STR_CONTAINS(ept_result_name((enum ept_result)42), "?");
}

int main(void)
{
	RUN(test_entry_format);
	RUN(test_eptp_and_init);
	RUN(test_init_rejects);
	RUN(test_64m_full_touch);
	RUN(test_64m_plus_12k);
	RUN(test_1g);
	RUN(test_4k_only_and_3m);
	RUN(test_leaf_choice_matrix);
	RUN(test_forced_4k_region);
	RUN(test_outside);
	RUN(test_quota);
	RUN(test_pool_frame_in_guest_ram);
	RUN(test_itlb_multihit_split);
	RUN(test_itlb_multihit_2m_and_exec_first);
	RUN(test_full_touch_stays_inside);
	RUN(test_guest_ram_layout);
	RUN(test_hole_is_outside);
	RUN(test_hole_leaf_sizes);
	RUN(test_1g_above_4g);
	RUN(test_reset_and_destroy);
	RUN(test_corrupted_tables);
	RUN(test_caps_decode);
	RUN(test_result_names);
	return check_summary();
}
