/*
 * From the firmware memory map to the clean ranges pmm_init() takes.
 *
 * Firmware maps (multiboot2 mmap tag, spec 3.6.8; e820) may be unsorted,
 * may overlap, and need not be page-aligned.  We treat them as sets of
 * bytes: a byte is usable if some type-1 entry covers it and no entry of
 * another type, nor a range the caller reserves (hypervisor image,
 * multiboot2 info, modules, first MiB), does -- a reservation always wins.
 *
 * The sweep visits the entry boundaries in increasing order; between two
 * consecutive boundaries the answer is the same for every byte, so it is
 * asked once per interval.  Each step scans all entries (O(n^2) overall),
 * which is nothing for the few dozen entries a map holds and needs no
 * sorting buffer.
 */
#include "pmm/pmm.h"

#define LOW_MEMORY_END MIB(1)	/* real-mode IVT, BDA, EBDA, VGA, BIOS ROM */

struct sweep {
	const struct mem_range *raw, *rsv;
	size_t nraw, nrsv;
};

/* Zero-length entries and ones whose end wraps past 2^64 mean nothing. */
static bool entry_valid(const struct mem_range *r)
{
	return r->len != 0 && r->base + r->len > r->base;
}

static bool contains(const struct mem_range *r, uint64_t x)
{
	return entry_valid(r) && x >= r->base && x - r->base < r->len;
}

/* How r[0..n) covers x: an entry of type 1, one of another type. */
static void coverage(const struct mem_range *r, size_t n, uint64_t x,
		     bool *usable, bool *other)
{
	for (size_t i = 0; i < n; i++) {
		if (!contains(&r[i], x))
			continue;
		if (r[i].type == MEM_USABLE)
			*usable = true;
		else
			*other = true;
	}
}

static bool usable_at(const struct sweep *sw, uint64_t x)
{
	bool usable = false, other = false, rsv_usable = false, rsv_other = false;

	coverage(sw->raw, sw->nraw, x, &usable, &other);
	coverage(sw->rsv, sw->nrsv, x, &rsv_usable, &rsv_other);
	return usable && !other && !rsv_usable && !rsv_other;	/* type of a reservation is moot */
}

/* Lowers *best to the smallest start or end in r[0..n) above x. */
static void lower_boundary(const struct mem_range *r, size_t n, uint64_t x,
			   uint64_t *best, bool *found)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t pts[2] = { r[i].base, r[i].base + r[i].len };

		if (!entry_valid(&r[i]))
			continue;
		for (int j = 0; j < 2; j++) {
			if (pts[j] > x && (!*found || pts[j] < *best)) {
				*best = pts[j];
				*found = true;
			}
		}
	}
}

/* The smallest entry start or end above x; false if there is none. */
static bool next_boundary(const struct sweep *sw, uint64_t x, uint64_t *next)
{
	bool found = false;

	lower_boundary(sw->raw, sw->nraw, x, next, &found);
	lower_boundary(sw->rsv, sw->nrsv, x, next, &found);
	return found;
}

typedef void emit_fn(void *ctx, uint64_t base, uint64_t end);

/* Calls emit once per maximal usable byte interval, in address order. */
static void sweep(const struct sweep *sw, emit_fn *emit, void *ctx)
{
	uint64_t x = 0, next, rb = 0, re = 0;
	bool open = false;

	/* No boundary lies inside [x, next), so one probe at x answers for it. */
	while (next_boundary(sw, x, &next)) {
		if (usable_at(sw, x)) {
			if (open && re != x)
				emit(ctx, rb, re);
			if (!open || re != x)
				rb = x;
			re = next;
			open = true;
		}
		x = next;
	}
	if (open)
		emit(ctx, rb, re);
}

/* ---- clean ranges ---------------------------------------------------- */

struct clean_out {
	struct mem_range *out;
	size_t cap, count;
};

static void emit_clean(void *ctx, uint64_t base, uint64_t end)
{
	struct clean_out *c = ctx;
	uint64_t b = ALIGN_UP(base, PAGE_SIZE), e = ALIGN_DOWN(end, PAGE_SIZE);

	if (b < base || e <= b)
		return;			/* less than a whole page */
	if (c->count < c->cap)
		c->out[c->count] = (struct mem_range){ b, e - b, MEM_USABLE };
	c->count++;
}

int pmm_memmap_clean(const struct mem_range *raw, size_t nraw,
		     const struct mem_range *reserved, size_t nreserved,
		     struct mem_range *out, size_t cap)
{
	struct sweep sw = { raw, reserved, nraw, nreserved };
	struct clean_out c = { out, cap, 0 };

	sweep(&sw, emit_clean, &c);
	return c.count > cap ? PMM_ENOSPC : (int)c.count;
}

/* ---- totals and placement -------------------------------------------- */

/* Fold every usable range of the raw map (no reservations) into one number. */
static uint64_t fold_usable(const struct mem_range *raw, size_t nraw, emit_fn *emit)
{
	struct sweep sw = { raw, NULL, nraw, 0 };
	uint64_t acc = 0;

	sweep(&sw, emit, &acc);
	return acc;
}

static void emit_bytes(void *ctx, uint64_t base, uint64_t end)
{
	*(uint64_t *)ctx += end - base;
}

static void emit_end(void *ctx, uint64_t base, uint64_t end)
{
	*(uint64_t *)ctx = MAX(*(uint64_t *)ctx, end);
}

uint64_t pmm_memmap_usable_bytes(const struct mem_range *raw, size_t nraw)
{
	return fold_usable(raw, nraw, emit_bytes);
}

uint64_t pmm_memmap_ram_end(const struct mem_range *raw, size_t nraw)
{
	return fold_usable(raw, nraw, emit_end);
}

uint64_t pmm_memmap_place_meta(const struct mem_range *clean, size_t n, uint64_t bytes)
{
	uint64_t best = ~0ull;

	for (size_t i = 0; i < n; i++) {
		uint64_t lo = MAX(clean[i].base, LOW_MEMORY_END);
		uint64_t b = ALIGN_UP(lo, PAGE_SIZE), e = clean[i].base + clean[i].len;

		if (!entry_valid(&clean[i]) || b < lo || b >= e)
			continue;
		if (e - b >= bytes && b < best)
			best = b;
	}
	return best;
}
