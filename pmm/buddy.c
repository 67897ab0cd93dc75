/*
 * The buddy allocator behind pmm.h.  See the design note there.
 *
 * Per-frame metadata, indexed by frame number minus p->base_pfn:
 *
 *   state[i]  bits 7..6 kind, bits 4..0 order (heads only)
 *             00 + 0  TAIL   RAM inside a block whose head is elsewhere
 *             00 + 1  HOLE   not RAM (between usable ranges): never ours
 *             01      FREE   head of a free block, on list head[order]
 *             10      ALLOC  head of a block handed out by pmm_alloc()
 *             11      CONTIG head of one piece of a pmm_alloc_contig() run
 *   next[i], prev[i]
 *             FREE:   doubly linked free list (NIL ends it), so a buddy
 *                     is unlinked in O(1) when it merges
 *             CONTIG: next[i] = page count on the run's first piece, 0 on
 *                     the others, so only the whole run can be freed
 *
 * Invariant: no two buddies are both free heads of the same order.  The
 * free blocks are then exactly the maximal aligned blocks of the free
 * frames, whatever the history, so freeing everything restores the lists
 * pmm_init() built.
 */
#include "pmm/pmm.h"
#include "hv/string.h"

#define NIL      0xFFFFFFFFu
#define ST_TAIL  0x00
#define ST_HOLE  0x01
#define K_FREE   0x40
#define K_ALLOC  0x80
#define K_CONTIG 0xC0
#define KIND(s)  ((s) & 0xC0)
#define ORDER(s) ((unsigned)((s) & 0x1F))

_Static_assert(PMM_MAX_ORDER <= 0x1F, "order must fit the state byte");

/* Bytes of metadata per frame: next + prev + state. */
#define META_PER_FRAME (2 * sizeof(uint32_t) + sizeof(uint8_t))

static bool covers(const struct pmm *p, uint64_t pfn)
{
	return pfn >= p->base_pfn && pfn - p->base_pfn < p->nframes;
}

static uint32_t idx(const struct pmm *p, uint64_t pfn)
{
	return (uint32_t)(pfn - p->base_pfn);
}

/* ---- free lists ------------------------------------------------------ */

static void list_push(struct pmm *p, uint32_t i, unsigned order)
{
	uint32_t old = p->head[order];

	p->prev[i] = NIL;
	p->next[i] = old;
	if (old != NIL)
		p->prev[old] = i;
	p->head[order] = i;
	p->state[i] = K_FREE | order;
	p->nfree[order]++;
}

/* Unlinks free head i and leaves it a TAIL; the caller gives it a new state. */
static void list_remove(struct pmm *p, uint32_t i)
{
	unsigned order = ORDER(p->state[i]);

	if (p->prev[i] != NIL)
		p->next[p->prev[i]] = p->next[i];
	else
		p->head[order] = p->next[i];
	if (p->next[i] != NIL)
		p->prev[p->next[i]] = p->prev[i];
	p->nfree[order]--;
	p->state[i] = ST_TAIL;
}

/* ---- blocks ---------------------------------------------------------- */

/* Largest order of an aligned block starting at pfn that ends by `end`. */
static unsigned piece_order(uint64_t pfn, uint64_t end)
{
	unsigned k = 0;

	while (k < PMM_MAX_ORDER && (pfn & ((2ull << k) - 1)) == 0 &&
	       pfn + (2ull << k) <= end)
		k++;
	return k;
}

/* Makes the block at pfn free, merging it with free buddies. */
static void release_block(struct pmm *p, uint64_t pfn, unsigned order)
{
	p->free_pages += 1ull << order;
	p->state[idx(p, pfn)] = ST_TAIL;
	while (order < PMM_MAX_ORDER) {
		uint64_t buddy = pfn ^ (1ull << order);

		if (!covers(p, buddy) || p->state[idx(p, buddy)] != (K_FREE | order))
			break;
		list_remove(p, idx(p, buddy));
		pfn &= ~(1ull << order);
		order++;
	}
	list_push(p, idx(p, pfn), order);
}

/* Frees frames [pfn, end) as maximal aligned blocks. */
static void release_range(struct pmm *p, uint64_t pfn, uint64_t end)
{
	while (pfn < end) {
		unsigned k = piece_order(pfn, end);

		release_block(p, pfn, k);
		pfn += 1ull << k;
	}
}

/*
 * The error for freeing a TAIL frame: it lies inside some block, found as
 * the nearest aligned head above it whose order reaches over it.
 */
static int inner_error(const struct pmm *p, uint64_t pfn)
{
	for (unsigned k = 1; k <= PMM_MAX_ORDER; k++) {
		uint64_t h = pfn & ~((1ull << k) - 1);
		uint8_t s;

		if (!covers(p, h))
			break;
		s = p->state[idx(p, h)];
		if (KIND(s) != 0 && ORDER(s) >= k)
			return KIND(s) == K_FREE ? PMM_EDOUBLE : PMM_EFOREIGN;
	}
	return PMM_EFOREIGN;
}

/* PMM_OK with *i if addr is the head of an allocated block, else why not. */
static int locate_allocated(const struct pmm *p, uint64_t addr, uint32_t *i)
{
	uint64_t pfn = addr >> PAGE_SHIFT;
	uint8_t s;

	if (!IS_ALIGNED(addr, PAGE_SIZE))
		return PMM_EALIGN;
	if (!covers(p, pfn))
		return PMM_EFOREIGN;
	*i = idx(p, pfn);
	s = p->state[*i];
	if (s == ST_HOLE)
		return PMM_EFOREIGN;
	if (s == ST_TAIL)
		return inner_error(p, pfn);
	if (KIND(s) == K_FREE)
		return PMM_EDOUBLE;
	return PMM_OK;
}

/* ---- set-up ---------------------------------------------------------- */

static bool range_ok(const struct mem_range *r, uint64_t prev_end)
{
	return IS_ALIGNED(r->base, PAGE_SIZE) && IS_ALIGNED(r->len, PAGE_SIZE) &&
	       r->base + r->len > r->base && r->base >= prev_end;
}

/* Page-aligned, sorted, disjoint (zero-length ones skipped)?  *end: the last end. */
static bool ranges_ok(const struct mem_range *usable, size_t n, uint64_t *end)
{
	*end = 0;
	for (size_t j = 0; j < n; j++) {
		if (usable[j].len == 0)
			continue;
		if (!range_ok(&usable[j], *end))
			return false;
		*end = usable[j].base + usable[j].len;
	}
	return true;
}

size_t pmm_meta_size(const struct mem_range *usable, size_t n)
{
	uint64_t lo = ~0ull, hi = 0, frames;

	for (size_t j = 0; j < n; j++) {
		uint64_t b = ALIGN_UP(usable[j].base, PAGE_SIZE);
		uint64_t e = usable[j].base + usable[j].len;

		if (e < usable[j].base)
			continue;		/* wraps: not a range */
		e = ALIGN_DOWN(e, PAGE_SIZE);
		if (e <= b)
			continue;
		lo = MIN(lo, b);
		hi = MAX(hi, e);
	}
	if (hi == 0)
		return 0;
	frames = (hi - lo) >> PAGE_SHIFT;
	if (frames >= NIL)
		return 0;		/* links are 32-bit indices; NIL is taken */
	return ALIGN_UP(frames * META_PER_FRAME, 8);
}

/* Lays the three metadata arrays out in the buffer; all frames HOLE. */
static void meta_layout(struct pmm *p, void *meta)
{
	uint8_t *m = meta;

	p->next = (uint32_t *)m;
	p->prev = (uint32_t *)(m + (size_t)p->nframes * sizeof(uint32_t));
	p->state = m + (size_t)p->nframes * 2 * sizeof(uint32_t);
	memset(p->state, ST_HOLE, p->nframes);
	for (unsigned k = 0; k <= PMM_MAX_ORDER; k++) {
		p->head[k] = NIL;
		p->nfree[k] = 0;
	}
}

static uint64_t first_base(const struct mem_range *usable, size_t n)
{
	for (size_t j = 0; j < n; j++)
		if (usable[j].len != 0)
			return usable[j].base;
	return 0;
}

int pmm_init(struct pmm *p, const struct mem_range *usable, size_t n,
	     void *meta, size_t meta_size)
{
	uint64_t end;
	size_t need = pmm_meta_size(usable, n);

	if (!ranges_ok(usable, n, &end) || need == 0 || meta == NULL || !IS_ALIGNED((uintptr_t)meta, 8))
		return PMM_EINVAL;
	if (meta_size < need)
		return PMM_ENOSPC;

	memset(p, 0, sizeof(*p));
	p->base_pfn = first_base(usable, n) >> PAGE_SHIFT;
	p->nframes = (uint32_t)((end >> PAGE_SHIFT) - p->base_pfn);
	meta_layout(p, meta);
	for (size_t j = 0; j < n; j++) {
		uint64_t b = usable[j].base >> PAGE_SHIFT;
		uint64_t e = b + (usable[j].len >> PAGE_SHIFT);

		if (e == b)
			continue;
		memset(p->state + idx(p, b), ST_TAIL, e - b);
		release_range(p, b, e);
	}
	p->total_pages = p->free_pages;
	return PMM_OK;
}

/* ---- single blocks --------------------------------------------------- */

hpa_t pmm_alloc(struct pmm *p, unsigned order)
{
	unsigned k = order;
	uint32_t i;

	if (order > PMM_MAX_ORDER)
		return INVALID_HPA;
	while (k <= PMM_MAX_ORDER && p->head[k] == NIL)
		k++;
	if (k > PMM_MAX_ORDER)
		return INVALID_HPA;
	i = p->head[k];
	list_remove(p, i);
	while (k > order) {		/* keep the low half, free the high one */
		k--;
		list_push(p, i + (1u << k), k);
	}
	p->state[i] = K_ALLOC | order;
	p->free_pages -= 1ull << order;
	return HPA((p->base_pfn + i) << PAGE_SHIFT);
}

int pmm_free(struct pmm *p, hpa_t a, unsigned order)
{
	uint32_t i;
	int err;

	if (order > PMM_MAX_ORDER)
		return PMM_EINVAL;
	if (!IS_ALIGNED(a.v, PAGE_SIZE << order))
		return PMM_EALIGN;
	err = locate_allocated(p, a.v, &i);
	if (err)
		return err;
	if (KIND(p->state[i]) != K_ALLOC)
		return PMM_EFOREIGN;	/* part of a contig run */
	if (ORDER(p->state[i]) != order)
		return PMM_EORDER;
	release_block(p, a.v >> PAGE_SHIFT, order);
	return PMM_OK;
}

/* ---- contiguous runs ------------------------------------------------- */

/*
 * Walks the blocks in address order (from base every step lands on a head
 * or a hole) looking for consecutive free blocks that hold npages from a
 * 2^align-aligned start.  *run is the head of the run's first block.
 */
static bool find_run(const struct pmm *p, uint64_t npages, unsigned align,
		     uint64_t *run, uint64_t *start)
{
	uint64_t end = p->base_pfn + p->nframes, pfn = p->base_pfn;
	uint64_t rs = 0, re = ~0ull;

	while (pfn < end) {
		uint8_t s = p->state[idx(p, pfn)];
		uint64_t size = 1ull << ORDER(s);

		if (KIND(s) == 0) {		/* hole */
			pfn++;
			continue;
		}
		if (KIND(s) == K_FREE) {
			if (pfn != re)
				rs = pfn;
			re = pfn + size;
			*start = ALIGN_UP(rs, 1ull << align);
			if (*start + npages <= re) {
				*run = rs;
				return true;
			}
		}
		pfn += size;
	}
	return false;
}

/* Takes [s, e) out of the free blocks from `run` on; returns the rest. */
static void carve(struct pmm *p, uint64_t run, uint64_t s, uint64_t e)
{
	uint64_t pfn = run;

	while (pfn < e) {
		uint64_t size = 1ull << ORDER(p->state[idx(p, pfn)]);

		list_remove(p, idx(p, pfn));
		p->free_pages -= size;
		if (pfn < s)
			release_range(p, pfn, MIN(s, pfn + size));
		if (pfn + size > e)
			release_range(p, MAX(e, pfn), pfn + size);
		pfn += size;
	}
}

/* Marks [s, e) as CONTIG pieces; the first records the page count. */
static void mark_contig(struct pmm *p, uint64_t s, uint64_t e)
{
	for (uint64_t pfn = s; pfn < e;) {
		unsigned k = piece_order(pfn, e);

		p->state[idx(p, pfn)] = K_CONTIG | k;
		p->next[idx(p, pfn)] = 0;
		pfn += 1ull << k;
	}
	p->next[idx(p, s)] = (uint32_t)(e - s);
}

hpa_t pmm_alloc_contig(struct pmm *p, uint64_t npages, unsigned align_order)
{
	uint64_t run, start;

	if (npages == 0 || npages > p->free_pages || align_order > PMM_MAX_ORDER)
		return INVALID_HPA;
	if (!find_run(p, npages, align_order, &run, &start))
		return INVALID_HPA;
	carve(p, run, start, start + npages);
	mark_contig(p, start, start + npages);
	return HPA(start << PAGE_SHIFT);
}

int pmm_free_contig(struct pmm *p, hpa_t a, uint64_t npages)
{
	uint64_t pfn = a.v >> PAGE_SHIFT;
	uint32_t i;
	int err = locate_allocated(p, a.v, &i);

	if (err)
		return err;
	if (KIND(p->state[i]) != K_CONTIG || p->next[i] == 0)
		return PMM_EFOREIGN;	/* a pmm_alloc block or mid-run */
	if (p->next[i] != npages)
		return PMM_EORDER;
	release_range(p, pfn, pfn + npages);	/* same pieces as mark_contig */
	return PMM_OK;
}

/* ---- statistics ------------------------------------------------------ */

uint64_t pmm_free_pages(const struct pmm *p)
{
	return p->free_pages;
}

uint64_t pmm_total_pages(const struct pmm *p)
{
	return p->total_pages;
}

uint64_t pmm_free_blocks(const struct pmm *p, unsigned order)
{
	return order <= PMM_MAX_ORDER ? p->nfree[order] : 0;
}

const char *pmm_strerror(int err)
{
	switch (err) {
	case PMM_OK:       return "ok";
	case PMM_EDOUBLE:  return "double free";
	case PMM_EFOREIGN: return "free of memory not handed out";
	case PMM_EALIGN:   return "misaligned address";
	case PMM_EORDER:   return "wrong order or page count";
	case PMM_EINVAL:   return "invalid argument";
	case PMM_ENOSPC:   return "buffer too small";
	default:           return "unknown pmm error";
	}
}
